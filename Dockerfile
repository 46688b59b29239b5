# Images of the MiniTwit app and of its operator, built from source:
#   docker build --target minitwit          -t REGISTRY/minitwit:TAG .
#   docker build --target minitwit-operator -t REGISTRY/minitwit-operator:TAG .
# Needs BuildKit (docker buildx, or DOCKER_BUILDKIT=1 on Docker 20.10) for the apt and
# ccache cache mounts. The build stage compiles one target with Debian bookworm's g++,
# CMake, Ninja and library packages (hack/install-deps.sh build); each final stage holds
# only the stripped binary, the shared libraries it loads, their Debian copyright files and
# a non-root account: no shell, no package manager. See docs/docker.md.

# ---- toolchain and libraries (shared by both images) -----------------------------------
FROM debian:bookworm-slim AS toolchain
# Keep downloaded packages in the cache mount (Debian's Docker images delete them).
RUN rm -f /etc/apt/apt.conf.d/docker-clean && \
    echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >/etc/apt/apt.conf.d/keep-cache
COPY hack/install-deps.sh /usr/local/bin/install-deps.sh
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    install-deps.sh build && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ccache ca-certificates
ENV CCACHE_DIR=/root/.ccache CCACHE_BASEDIR=/src CCACHE_NOHASHDIR=1
WORKDIR /src
COPY CMakeLists.txt ./
COPY hack/docker/rootfs.sh /usr/local/bin/rootfs.sh
# Parallel compile jobs (default: ninja's own choice).
ARG BUILD_JOBS=

# ---- the app ---------------------------------------------------------------------------
FROM toolchain AS minitwit-build
COPY app app
RUN --mount=type=cache,target=/root/.ccache \
    cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DMINITWIT_BUILD_TESTS=OFF \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null && \
    cmake --build /build --target minitwit ${BUILD_JOBS:+-j$BUILD_JOBS} && \
    rootfs.sh /rootfs /build/app/minitwit:/usr/local/bin/minitwit minitwit:10001 \
      --lib "/lib/$(gcc -print-multiarch)/libnss_files.so.2" --lib "/lib/$(gcc -print-multiarch)/libnss_dns.so.2"

# The operator's Deployments run the app as uid 10001; PORT and BIND_ADDRESS as the chart's
# MiniTwit pods expect; migrations and static assets are compiled into the binary.
FROM scratch AS minitwit
COPY --from=minitwit-build /rootfs/ /
USER 10001:10001
WORKDIR /home/minitwit
ENV PORT=5000 BIND_ADDRESS=0.0.0.0
EXPOSE 5000
ENTRYPOINT ["/usr/local/bin/minitwit"]
LABEL org.opencontainers.image.title=minitwit org.opencontainers.image.licenses=Apache-2.0

# ---- the operator ----------------------------------------------------------------------
FROM toolchain AS minitwit-operator-build
# The operator links the app's process metrics library (app/src/observability).
COPY app app
COPY operator operator
RUN --mount=type=cache,target=/root/.ccache \
    cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DMINITWIT_BUILD_TESTS=OFF \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null && \
    cmake --build /build --target minitwit-operator ${BUILD_JOBS:+-j$BUILD_JOBS} && \
    rootfs.sh /rootfs /build/operator/minitwit-operator:/usr/local/bin/minitwit-operator nonroot:65532 \
      --lib "/lib/$(gcc -print-multiarch)/libnss_files.so.2" --lib "/lib/$(gcc -print-multiarch)/libnss_dns.so.2" \
      --file /etc/ssl/certs/ca-certificates.crt

# The chart runs it as uid 65532 with a read-only root file system, /tmp an emptyDir, and
# metrics and probes on :8080. The CA bundle serves a managed cluster's API server chain.
FROM scratch AS minitwit-operator
COPY --from=minitwit-operator-build /rootfs/ /
USER 65532:65532
WORKDIR /
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/minitwit-operator"]
LABEL org.opencontainers.image.title=minitwit-operator org.opencontainers.image.licenses=Apache-2.0
