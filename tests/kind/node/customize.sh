#!/usr/bin/env bash
# mmdebstrap customize hook for the offline kind node image (run by tests/kind/build.sh):
# lays kind's base-image files (from the kind module) and the Kubernetes binaries over a
# Debian rootfs, the way kind's images/base/Dockerfile and `kind build node-image` do, with
# Debian's containerd 1.6 and runc instead of kind's own builds.
# Usage: customize.sh ROOTFS   (environment: KIND_FILES KUBE_BIN KUBEADM CRICTL KUBE_VERSION
#                                MANIFESTS RUNC_WRAPPER SANDBOX_IMAGE)
set -euo pipefail
root="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# kind's static files, with the modes its Dockerfile gives them.
install -m 0755 "$KIND_FILES"/usr/local/bin/* "$root/usr/local/bin/"
mkdir -p "$root/kind/bin" "$root/kind/manifests" "$root/etc/containerd" "$root/etc/default" \
  "$root/etc/sysctl.d" "$root/etc/systemd/system/kubelet.service.d" "$root/etc/kubernetes/manifests"
install -m 0644 "$KIND_FILES"/kind/README.txt "$root/kind/"
install -m 0755 "$KIND_FILES"/kind/bin/* "$root/kind/bin/"
install -m 0644 "$KIND_FILES"/etc/crictl.yaml "$root/etc/"
install -m 0644 "$KIND_FILES"/etc/containerd/config.toml "$root/etc/containerd/"
install -m 0644 "$KIND_FILES"/etc/default/kubelet "$root/etc/default/"
install -m 0644 "$KIND_FILES"/etc/sysctl.d/* "$root/etc/sysctl.d/"
for f in "$KIND_FILES"/etc/systemd/system/*; do
  [[ -f $f ]] && install -m 0644 "$f" "$root/etc/systemd/system/"
done
install -m 0644 "$KIND_FILES"/etc/systemd/system/kubelet.service.d/* "$root/etc/systemd/system/kubelet.service.d/"

# Debian's containerd lives in /usr/bin. This host withholds CAP_SYS_RESOURCE even from
# root, so nothing may lower an OOM score: no OOMScoreAdjust for containerd, and
# containerd clamps the kubelet's scores (restrict_oom_score_adj, as kind does rootless).
sed -i -e 's|^ExecStart=/usr/local/bin/containerd|ExecStart=/usr/bin/containerd|' \
  -e '/^OOMScoreAdjust=/d' "$root/etc/systemd/system/containerd.service"
# runc goes through the same capability-dropping wrapper as dockerd (privileged pods such
# as kube-proxy and kube-router ask for CAP_SYS_RESOURCE too).
install -m 0755 "$RUNC_WRAPPER" "$root/usr/local/sbin/runc-wrapper"
[[ -e "$root/usr/bin/runc" ]] || ln -s /usr/sbin/runc "$root/usr/bin/runc"
cfg="$root/etc/containerd/config.toml"
sed -i -e "s|sandbox_image = .*|sandbox_image = \"$SANDBOX_IMAGE\"|" \
  -e 's|restrict_oom_score_adj = false|restrict_oom_score_adj = true|' \
  -e 's|^\(\s*\)SystemdCgroup = true|\1SystemdCgroup = true\n\1BinaryName = "/usr/local/sbin/runc-wrapper"|' "$cfg"
cat >>"$cfg" <<'TOML'

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "/opt/cni/bin"
  conf_dir = "/etc/cni/net.d"
TOML
grep -q 'BinaryName = "/usr/local/sbin/runc-wrapper"' "$cfg" || { echo "customize: containerd config not patched" >&2; exit 1; }
chroot "$root" sh -c 'ctr oci spec' |
  jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' |
  jq 'del(.process.rlimits)' >"$root/etc/containerd/cri-base.json"

# Debian's CNI plugins (bridge, host-local, loopback, portmap, ...) where CNI looks.
mkdir -p "$root/opt/cni/bin"
for p in "$root"/usr/lib/cni/*; do ln -sf "/usr/lib/cni/$(basename "$p")" "$root/opt/cni/bin/"; done

# systemd as kind's Dockerfile trims it.
rm -f "$root"/lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup.service \
  "$root"/lib/systemd/system/multi-user.target.wants/* "$root"/etc/systemd/system/*.wants/* \
  "$root"/lib/systemd/system/local-fs.target.wants/* "$root"/lib/systemd/system/sockets.target.wants/*udev* \
  "$root"/lib/systemd/system/sockets.target.wants/*initctl* "$root"/lib/systemd/system/basic.target.wants/*
echo "ReadKMsg=no" >>"$root/etc/systemd/journald.conf"
chroot "$root" systemctl enable kubelet.service containerd.service undo-mount-hacks.service
chroot "$root" systemctl mask systemd-binfmt.service

# Kubernetes, as `kind build node-image` lays it out.
for b in kubeadm kubelet kubectl; do
  src="$KUBE_BIN/$b"; [[ $b == kubeadm ]] && src="$KUBEADM"
  install -m 0755 -o root -g root "$src" "$root/usr/bin/$b"
done
install -m 0755 "$CRICTL" "$root/usr/local/bin/crictl"
printf '%s' "$KUBE_VERSION" >"$root/kind/version"
install -m 0644 "$MANIFESTS"/default-cni.yaml "$MANIFESTS"/default-storage.yaml "$root/kind/manifests/"
