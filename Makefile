# Shortcuts for the two README commands and a few developer loops.
.PHONY: up down test build licenses bench
up:        ## set up everything and run the main job
	hack/up.sh
down:      ## stop what `make up` started
	hack/up.sh down
test:      ## run every test (installs its own dependencies)
	hack/test.sh
build:
	hack/install-deps.sh build
	cmake -S . -B build -G Ninja && cmake --build build
licenses:  ## regenerate docs/THIRD_PARTY_LICENSES.md from the installed packages
	hack/third-party-licenses.sh generate build
bench:     ## app benchmark with the pgbench ceiling side by side
	tests/bench/bench-app.sh
