//go:build tools

// Package tools pins the upstream command that build.sh compiles; it holds no logic.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
