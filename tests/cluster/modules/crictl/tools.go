//go:build tools

// Package tools pins the upstream command that build.sh compiles; it holds no logic.
package tools

import _ "sigs.k8s.io/cri-tools/cmd/crictl"
