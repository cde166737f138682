#!/usr/bin/env bash
# Builds the local control plane from the Go module proxy, at the versions pinned
# in versions.env, and caches the binaries per version:
#   ${PODLINGS_CACHE:-/var/cache/podlings}/k8s-<version>/   kube-apiserver kube-controller-manager kube-scheduler
#                                                           (+ kubelet kube-proxy with --with-node)
#   ${PODLINGS_CACHE:-/var/cache/podlings}/etcd-<version>/  etcd
#   ${PODLINGS_CACHE:-/var/cache/podlings}/kwok-<version>/  kwok
#   ${PODLINGS_CACHE:-/var/cache/podlings}/coredns-<version>/  coredns (with --with-node: cluster DNS for real pods)
#   ${PODLINGS_CACHE:-/var/cache/podlings}/metrics-server-<version>/  metrics-server (with --with-node: the
#                                                           resource metrics API, metrics.k8s.io, for HPAs)
# A warm run only checks that the files are there. Nothing is downloaded from
# anywhere but the Go module proxy.
#
# Usage: build.sh [--with-node] [--print-dirs]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

source "$here/paths.sh"
cache="$PODLINGS_CACHE"
k8s_dir="$cache/k8s-$K8S_VERSION"
etcd_dir="$cache/etcd-$ETCD_VERSION"
kwok_dir="$cache/kwok-$KWOK_VERSION"
coredns_dir="$cache/coredns-$COREDNS_VERSION"
metrics_server_dir="$cache/metrics-server-$METRICS_SERVER_VERSION"

with_node=0
for arg in "$@"; do
  case "$arg" in
    --with-node) with_node=1 ;;
    --print-dirs) printf 'K8S_BIN=%s\nETCD_BIN=%s\nKWOK_BIN=%s\nCOREDNS_BIN=%s\nMETRICS_SERVER_BIN=%s\n' "$k8s_dir" "$etcd_dir" "$kwok_dir" "$coredns_dir" "$metrics_server_dir"; exit 0 ;;
    *) echo "build.sh: unknown argument $arg (expected --with-node or --print-dirs)" >&2; exit 2 ;;
  esac
done

go_bin="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
if [[ ! -x "$go_bin" ]]; then
  echo "build.sh: the Go toolchain is needed to build the local control plane (https://go.dev/dl/, Go >= 1.26)" >&2
  exit 1
fi

export GOFLAGS=-mod=mod
export CGO_ENABLED=0
build_flags=(-trimpath "-ldflags=-s -w")

log() { printf '[build.sh] %s\n' "$*" >&2; }

# Each binary is built into a temp dir and then moved into place, so a killed
# build never leaves a half-written binary that a warm run would trust.
have_all() {
  local dir="$1"; shift
  for b in "$@"; do [[ -x "$dir/$b" ]] || return 1; done
}

# A scratch copy of a tools module, so building never edits the repository.
scratch_module() {
  local src="$1" work
  work="$(mktemp -d)"
  cp "$src/go.mod" "$work/"
  [[ -f "$src/go.sum" ]] && cp "$src/go.sum" "$work/"
  echo "$work"
}

build_k8s() {
  local wanted=(kube-apiserver kube-controller-manager kube-scheduler) cmds=()
  (( with_node )) && wanted+=(kubelet kube-proxy)
  for c in "${wanted[@]}"; do have_all "$k8s_dir" "$c" || cmds+=("$c"); done
  if (( ${#cmds[@]} == 0 )); then log "kubernetes $K8S_VERSION: cached in $k8s_dir"; return; fi
  log "kubernetes $K8S_VERSION: building ${cmds[*]} (cold build: several minutes)"
  local work staging="v0${K8S_VERSION#v1}" minor
  minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  # What `kubectl version` and the node list show; without it they say v0.0.0-master.
  local stamp=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    stamp+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  work="$(scratch_module "$here/tools/k8s")"
  (
    cd "$work"
    "$go_bin" mod edit -require="k8s.io/kubernetes@$K8S_VERSION"
    # Re-point every staging replace at the staging version that matches K8S_VERSION.
    for m in $("$go_bin" mod edit -json | sed -n 's/.*"Path": "\(k8s\.io\/[a-z-]*\)".*/\1/p' | sort -u); do
      [[ "$m" == k8s.io/kubernetes ]] && continue
      "$go_bin" mod edit -replace="$m=$m@$staging"
    done
    mkdir -p out
    pkgs=(); for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
    "$go_bin" build -trimpath "-ldflags=-s -w$stamp" -o out/ "${pkgs[@]}"
    mkdir -p "$k8s_dir"
    for c in "${cmds[@]}"; do mv -f "out/$c" "$k8s_dir/$c"; done
    cp go.sum "$k8s_dir/go.sum"
  )
  rm -rf "$work"
}

build_etcd() {
  if have_all "$etcd_dir" etcd; then log "etcd $ETCD_VERSION: cached in $etcd_dir"; return; fi
  log "etcd $ETCD_VERSION: building"
  local work
  work="$(scratch_module "$here/tools/etcd")"
  (
    cd "$work"
    "$go_bin" mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    for m in go.etcd.io/etcd/api/v3 go.etcd.io/etcd/client/pkg/v3 go.etcd.io/etcd/client/v3 go.etcd.io/etcd/pkg/v3; do
      "$go_bin" mod edit -replace="$m=$m@$ETCD_VERSION"
    done
    "$go_bin" build "${build_flags[@]}" -o etcd go.etcd.io/etcd/server/v3
    mkdir -p "$etcd_dir"
    mv -f etcd "$etcd_dir/etcd"
    cp go.sum "$etcd_dir/go.sum"
  )
  rm -rf "$work"
}

# go_install NAME PACKAGE VERSION DIR: for modules whose go.mod has no replace
# lines (kwok, CoreDNS, metrics-server), plain `go install pkg@version` works.
go_install() {
  local name="$1" pkg="$2" version="$3" dir="$4" tmp
  if have_all "$dir" "$name"; then log "$name $version: cached in $dir"; return; fi
  log "$name $version: building"
  tmp="$(mktemp -d)"
  GOBIN="$tmp" GOFLAGS= "$go_bin" install "${build_flags[@]}" "$pkg@$version"
  mkdir -p "$dir"
  mv -f "$tmp/$name" "$dir/$name"
  rm -rf "$tmp"
}

start=$SECONDS
build_etcd
go_install kwok sigs.k8s.io/kwok/cmd/kwok "$KWOK_VERSION" "$kwok_dir"
build_k8s
if (( with_node )); then
  go_install coredns github.com/coredns/coredns "$COREDNS_VERSION" "$coredns_dir"
  go_install metrics-server sigs.k8s.io/metrics-server/cmd/metrics-server "$METRICS_SERVER_VERSION" "$metrics_server_dir"
fi
log "done in $((SECONDS - start)) s"
printf 'K8S_BIN=%s\nETCD_BIN=%s\nKWOK_BIN=%s\n' "$k8s_dir" "$etcd_dir" "$kwok_dir"
(( with_node )) && printf 'COREDNS_BIN=%s\nMETRICS_SERVER_BIN=%s\n' "$coredns_dir" "$metrics_server_dir"
exit 0
