#!/usr/bin/env bash
# Writes an image of the Docker engine as a docker-archive tarball (what
# `tests/cluster/cluster load-image`, `kind load image-archive` and `docker load` read), under
# another name if asked: the engine's own tags are left alone.
# Usage: tests/docker/archive.sh IMAGE FILE [TAG]
set -euo pipefail
(($# == 2 || $# == 3)) || { echo "usage: $0 IMAGE FILE [TAG]" >&2; exit 2; }
image="$1" file="$2" tag="${3:-$1}"
[[ "$tag" == *:* && "${tag##*:}" != */* ]] || tag="$tag:latest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
docker save -o "$work/image.tar" "$image"
if [[ "$tag" != "$image" ]]; then
  mkdir "$work/x"
  tar -C "$work/x" -xf "$work/image.tar"
  jq --arg tag "$tag" '.[0].RepoTags = [$tag]' "$work/x/manifest.json" >"$work/manifest.json"
  mv "$work/manifest.json" "$work/x/manifest.json"
  jq --arg repo "${tag%:*}" --arg version "${tag##*:}" \
    '{($repo): {($version): (to_entries[0].value | to_entries[0].value)}}' "$work/x/repositories" >"$work/repositories"
  mv "$work/repositories" "$work/x/repositories"
  # Member names without a leading "./", as `docker save` writes them.
  (cd "$work/x" && tar --sort=name -cf ../image.tar -- *)
fi
mkdir -p "$(dirname "$file")"
chmod 644 "$work/image.tar"
mv "$work/image.tar" "$file"
echo "archive: $image as $tag -> $file ($(du -h "$file" | cut -f1))" >&2
