//go:build tools

// Package tools pins the upstream commands that build.sh compiles; it holds no logic.
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/prometheus"
	_ "github.com/prometheus/prometheus/cmd/promtool"
)
