//go:build tools

// Package tools pins the upstream command that build.sh compiles; it holds no logic.
package tools

import _ "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router"
