#!/usr/bin/env bash
# Builds a single-layer OCI-compatible image without a registry or a container engine and
# writes it as a docker-archive tarball (what `docker save` writes and what
# `ctr images import`, `docker load` and `kind load image-archive` read).
#
# Usage: build-image.sh --tag REF --out FILE.tar [options]
#   --binary SRC[:DEST]     an executable plus every shared library ldd lists for it
#   --lib SRC               a shared library (e.g. one that is dlopen()ed) plus its own libraries
#   --file SRC[:DEST]       a plain file (DEST defaults to SRC)
#   --dir SRC[:DEST]        a directory tree (DEST defaults to SRC)
#   --symlink TARGET:LINK   a symbolic link LINK -> TARGET
#   --mkdir DIR[:MODE[:UID:GID]]  an empty directory
#   --user NAME:UID[:GID]   passwd/group entries, $HOME, and the image's default user
#   --account NAME:UID[:GID]  passwd/group entries and $HOME only (default user stays root)
#   --env KEY=VALUE         default environment (repeatable)
#   --entrypoint JSON       e.g. '["/pause"]'
#   --cmd JSON              e.g. '["postgres"]'
#   --workdir DIR
#   --expose PORT[/PROTO]   (repeatable)
#   --label KEY=VALUE       (repeatable)
# Every file is owned by root unless given otherwise; timestamps are fixed, so the same
# inputs give the same digests (re-importing an unchanged image is a no-op).
set -euo pipefail

die() { echo "build-image: $*" >&2; exit 1; }
usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

command -v jq >/dev/null || die "jq is required (hack/install-deps.sh cluster)"
command -v sha256sum >/dev/null || die "sha256sum is required"

tag="" out="" workdir="/" entrypoint="null" cmd="null" user_config=""
envs=() exposes=() labels=() accounts=()
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"/{etc,tmp}
chmod 1777 "$root/tmp"

# copy_path SRC DEST: copies SRC (following symlinks) to DEST inside the image.
copy_path() {
  local src="$1" dest="$2"
  [[ -e "$src" ]] || die "no such file: $src"
  mkdir -p "$root$(dirname "$dest")"
  cp -L --preserve=mode "$src" "$root$dest"
}

# copy_libs FILE: the shared libraries and loader FILE needs, at the paths ldd reports.
copy_libs() {
  local file="$1" line path
  # ldd prints "not a dynamic executable" (and fails) for static binaries: nothing to copy.
  local listing; listing="$(ldd "$file" 2>/dev/null)" || return 0
  while IFS= read -r line; do
    path=""
    if [[ "$line" =~ '=>'[[:space:]]+(/[^[:space:]]+) ]]; then path="${BASH_REMATCH[1]}"
    elif [[ "$line" =~ ^[[:space:]]*(/[^[:space:]]+)[[:space:]]\( ]]; then path="${BASH_REMATCH[1]}"
    elif [[ "$line" == *"not found"* ]]; then die "$file: missing library: $line"
    fi
    if [[ -n "$path" && ! -e "$root$path" ]]; then copy_path "$path" "$path"; fi
  done <<<"$listing"
}

while (($#)); do
  opt="$1"; [[ $# -ge 2 ]] || usage
  val="$2"; shift 2
  case "$opt" in
    --tag) tag="$val" ;;
    --out) out="$val" ;;
    --binary)
      src="${val%%:*}"; dest="${val#*:}"; [[ "$val" == *:* ]] || dest="$src"
      copy_path "$src" "$dest"; copy_libs "$src" ;;
    --lib) copy_path "$val" "$val"; copy_libs "$val" ;;
    --file)
      src="${val%%:*}"; dest="${val#*:}"; [[ "$val" == *:* ]] || dest="$src"
      copy_path "$src" "$dest" ;;
    --dir)
      src="${val%%:*}"; dest="${val#*:}"; [[ "$val" == *:* ]] || dest="$src"
      [[ -d "$src" ]] || die "no such directory: $src"
      mkdir -p "$root$dest"; cp -a --no-preserve=ownership "$src/." "$root$dest/" ;;
    --symlink)
      target="${val%%:*}"; link="${val#*:}"
      mkdir -p "$root$(dirname "$link")"; ln -sfn "$target" "$root$link" ;;
    --mkdir)
      IFS=: read -r dir mode uid gid <<<"$val"
      mkdir -p "$root$dir"; chmod "${mode:-755}" "$root$dir"
      [[ -z "${uid:-}" ]] || chown "$uid:${gid:-$uid}" "$root$dir" ;;
    --user) accounts+=("$val"); IFS=: read -r _ uid gid <<<"$val"; user_config="$uid:${gid:-$uid}" ;;
    --account) accounts+=("$val") ;;
    --env) envs+=("$val") ;;
    --entrypoint) entrypoint="$(jq -ce 'if type == "array" then . else error("not an array") end' <<<"$val")" || die "--entrypoint wants a JSON array" ;;
    --cmd) cmd="$(jq -ce 'if type == "array" then . else error("not an array") end' <<<"$val")" || die "--cmd wants a JSON array" ;;
    --workdir) workdir="$val"; mkdir -p "$root$workdir" ;;
    --expose) [[ "$val" == */* ]] || val="$val/tcp"; exposes+=("$val") ;;
    --label) labels+=("$val") ;;
    *) usage ;;
  esac
done
[[ -n "$tag" && -n "$out" ]] || usage
[[ "$tag" == *:* && "${tag##*:}" != */* ]] || tag="$tag:latest"

# Users: root, nobody and the requested accounts; files that glibc's NSS reads.
{
  echo "root:x:0:0:root:/root:/bin/sh"
  echo "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin"
} >"$root/etc/passwd"
{ echo "root:x:0:"; echo "nogroup:x:65534:"; } >"$root/etc/group"
for account in "${accounts[@]}"; do
  IFS=: read -r name uid gid <<<"$account"
  gid="${gid:-$uid}"
  [[ "$uid" =~ ^[0-9]+$ && "$gid" =~ ^[0-9]+$ && -n "$name" ]] || die "--user/--account want NAME:UID[:GID]"
  home="/home/$name"
  echo "$name:x:$uid:$gid:$name:$home:/bin/sh" >>"$root/etc/passwd"
  echo "$name:x:$gid:" >>"$root/etc/group"
  mkdir -p "$root$home"; chown "$uid:$gid" "$root$home"
done
[[ -e "$root/etc/nsswitch.conf" ]] || printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
# Kubernetes bind-mounts these; the files must exist for that.
: >"$root/etc/hosts"; : >"$root/etc/resolv.conf"; : >"$root/etc/hostname"

# The layer: sorted, numeric owners, fixed mtimes.
layer="$work/layer.tar"
tar --sort=name --numeric-owner --mtime=@0 --format=gnu -C "$root" -cf "$layer" .
layer_sha="$(sha256sum "$layer" | cut -d' ' -f1)"

to_json_array() { if (($#)); then printf '%s\n' "$@" | jq -R . | jq -cs .; else echo '[]'; fi; }
default_path="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
for e in "${envs[@]}"; do [[ "$e" != PATH=* ]] || default_path=""; done
env_json="$(to_json_array ${default_path:+"$default_path"} "${envs[@]}")"
expose_json="$(to_json_array "${exposes[@]}" | jq -c 'map({(.): {}}) | add // {}')"
label_json="$(to_json_array "${labels[@]}" | jq -c 'map(capture("^(?<k>[^=]+)=(?<v>.*)$") | {(.k): .v}) | add // {}')"

config="$work/config.json"
jq -n --arg user "$user_config" --arg workdir "$workdir" --arg diff "sha256:$layer_sha" \
  --argjson env "$env_json" --argjson entrypoint "$entrypoint" --argjson cmd "$cmd" \
  --argjson exposed "$expose_json" --argjson labels "$label_json" '{
    architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z",
    config: ({User: $user, Env: $env, Entrypoint: $entrypoint, Cmd: $cmd, WorkingDir: $workdir,
              ExposedPorts: $exposed, Labels: $labels} | with_entries(select(.value != null))),
    rootfs: {type: "layers", diff_ids: [$diff]},
    history: [{created: "1970-01-01T00:00:00Z", created_by: "tests/images/build-image.sh"}]
  }' >"$config"
config_sha="$(sha256sum "$config" | cut -d' ' -f1)"

archive="$work/archive"
mkdir -p "$archive/$layer_sha"
mv "$layer" "$archive/$layer_sha/layer.tar"
echo "1.0" >"$archive/$layer_sha/VERSION"
mv "$config" "$archive/$config_sha.json"
repo="${tag%:*}" version="${tag##*:}"
jq -n --arg config "$config_sha.json" --arg tag "$tag" --arg layer "$layer_sha/layer.tar" \
  '[{Config: $config, RepoTags: [$tag], Layers: [$layer]}]' >"$archive/manifest.json"
jq -n --arg repo "$repo" --arg version "$version" --arg id "$layer_sha" \
  '{($repo): {($version): $id}}' >"$archive/repositories"

mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
# Member names without a leading "./", as `docker save` writes them.
tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 --format=gnu -C "$archive" \
  -cf "$out.tmp" manifest.json repositories "$config_sha.json" "$layer_sha"
mv "$out.tmp" "$out"
size="$(du -h "$out" | cut -f1)"
echo "build-image: $tag -> $out ($size, config sha256:$config_sha)" >&2
