#!/usr/bin/env bash
# `npm test`'s pretest: the engines the suite runs against. As root on
# Debian/Ubuntu (or with PODLINGS_PROVISION=1) it installs what is missing, the
# way .ci/run does; elsewhere each step fails with one line saying what to
# install. Warm, it takes a few seconds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

bash harness/setup/all.sh

# The Kubernetes tests use the local control plane with a real node.
if [ "$(id -u)" = 0 ] || [ "${PODLINGS_PROVISION:-0}" = 1 ]; then
  missing=()
  for pkg in containerd runc containernetworking-plugins iptables; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
    echo "podlings test setup: installing ${missing[*]} (real pods on the local control plane)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
command -v go >/dev/null || { echo "podlings test setup: Go is needed to build the local Kubernetes control plane (https://go.dev/dl/)" >&2; exit 1; }
bash clusters/local/build.sh --with-node
