module minitwit.dev/cluster/crictl

go 1.26.4

require sigs.k8s.io/cri-tools v1.34.0
