module minitwit.dev/cluster/kind

go 1.26.4

require sigs.k8s.io/kind v0.30.0
