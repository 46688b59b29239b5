#!/bin/sh
# Run inside the Dockerfile's build stage: lays out, under DEST, the root file system of a
# shell-less runtime image for one binary: the stripped binary, exactly the shared libraries
# ldd lists for it (and for each extra library, e.g. glibc's dlopen()ed NSS modules), the
# Debian copyright file of every package those files come from, /etc/passwd and /etc/group
# with one non-root account, and a world-writable /tmp.
# Usage: rootfs.sh DEST BINARY:PATH NAME:UID [--lib FILE]... [--file FILE]...
set -eu
dest="$1" binary="${2%%:*}" path="${2#*:}" name="${3%%:*}" uid="${3#*:}"
shift 3

copy() {  # SRC [DEST]: a file (symlinks followed) at the same path, or DEST, under $dest
  mkdir -p "$dest$(dirname "${2:-$1}")"
  cp -L "$1" "$dest${2:-$1}"
  echo "$1" >>/tmp/rootfs-sources
}
libs() {  # FILE: the loader and shared libraries ldd lists for FILE
  ldd "$1" | awk '/=> \// {print $3} /^\t\// {print $1}' | while read -r lib; do
    [ -e "$dest$lib" ] || copy "$lib"
  done
  ! ldd "$1" | grep 'not found' >&2 || { echo "rootfs: $1 misses a library" >&2; exit 1; }
}

: >/tmp/rootfs-sources
mkdir -p "$dest$(dirname "$path")"
strip -o "$dest$path" "$binary"
libs "$binary"
while [ $# -ge 2 ]; do
  case "$1" in
    --lib) copy "$2"; libs "$2" ;;
    --file) copy "$2" ;;
    *) echo "rootfs: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

# The licences of what ships: each copied file's Debian package's copyright file.
for pkg in $(sort -u /tmp/rootfs-sources | while read -r f; do
  dpkg -S "$(basename "$(realpath "$f")")" 2>/dev/null || true; done | cut -d: -f1 | grep -v -- "-dev$" | sort -u); do
  [ -f "/usr/share/doc/$pkg/copyright" ] && copy "/usr/share/doc/$pkg/copyright"
done

mkdir -p "$dest/etc" "$dest/tmp" "$dest/home/$name"
chmod 1777 "$dest/tmp"
chown "$uid:$uid" "$dest/home/$name"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n%s:x:%s:%s:%s:/home/%s:/usr/sbin/nologin\n' \
  "$name" "$uid" "$uid" "$name" "$name" >"$dest/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n%s:x:%s:\n' "$name" "$uid" >"$dest/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$dest/etc/nsswitch.conf"
