# Sourced by the image recipes: the command line they all take. A recipe sets its defaults
# in `tag`, `out` and, when it packs a binary this project builds, `binary`, then calls
#   parse_image_args NAME CMAKE_TARGET "$@"
# (CMAKE_TARGET "" when there is no binary): --tag and --out (and --binary) override the
# defaults; anything else is a usage error (exit 2); a missing binary says how to build it
# (exit 1).
parse_image_args() {
  local name="$1" target="$2"
  shift 2
  local usage="usage: $0 ${target:+[--binary PATH] }[--tag REF] [--out FILE]"
  while (($#)); do
    case "$1" in
      --binary) [[ -n "$target" && $# -ge 2 ]] || { echo "$usage" >&2; exit 2; }; binary="$2"; shift 2 ;;
      --tag | --out)
        (($# >= 2)) || { echo "$usage" >&2; exit 2; }
        if [[ "$1" == --tag ]]; then tag="$2"; else out="$2"; fi
        shift 2 ;;
      *) echo "$usage" >&2; exit 2 ;;
    esac
  done
  [[ -z "$target" || -x "$binary" ]] || {
    local root build
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    build="$root/build-cluster"
    echo "$name image: no binary at $binary; build it first:" >&2
    echo "  cmake -S $root -B $build -G Ninja && cmake --build $build --target $target" >&2
    exit 1
  }
}

# stripped_copy BINARY: sets `stripped` to a copy of BINARY without debug information, in a
# temporary directory removed when the recipe exits. Debug information stays on the host.
stripped_copy() {
  local dir
  dir="$(mktemp -d)"
  trap 'rm -rf "'"$dir"'"' EXIT
  stripped="$dir/$(basename "$1")"
  strip -o "$stripped" "$1"
}
