module minitwit.dev/cluster/local-path-provisioner

go 1.26.4

require github.com/rancher/local-path-provisioner v0.0.30
