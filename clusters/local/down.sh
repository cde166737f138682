#!/usr/bin/env bash
# Stops the local control plane started by up.sh. Keeps the certificates and
# etcd's data unless --purge is given (then the next up.sh starts from scratch).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/paths.sh"
state="$PODLINGS_STATE/local"
run="$state/run"

# Same lock as up.sh (which calls this script while holding it).
if [[ -z "${PODLINGS_LOCK_HELD:-}" ]] && command -v flock >/dev/null; then
  mkdir -p "$state"
  exec 9>"$state/lock"
  flock -w 120 9 || { echo "down.sh: another up.sh or down.sh holds $state/lock" >&2; exit 1; }
fi

purge=0
[[ "${1:-}" == --purge ]] && purge=1

stop() { # stop NAME: the process up.sh recorded, if it still runs that program (pids get reused)
  local c="$1" f="$run/$1.pid" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "/$c "; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# Real pods (up.sh --real-pods): stop metrics-server, DNS and kube-proxy, the kubelet, then the
# containers it left behind (their shims outlive containerd), then containerd.
stop metrics-server
stop coredns
if [[ -f "$run/kube-proxy.pid" ]]; then
  kube_proxy="$(tr '\0' '\n' <"/proc/$(cat "$run/kube-proxy.pid")/cmdline" 2>/dev/null | head -1 || true)"
  stop kube-proxy
  # Its iptables chains outlive it; --cleanup removes them.
  if [[ -x "$kube_proxy" ]]; then "$kube_proxy" --cleanup >/dev/null 2>&1 || true; fi
fi
stop kubelet
sock="$state/containerd/containerd.sock"
if [[ -S "$sock" ]] && command -v ctr >/dev/null; then
  for task in $(ctr -a "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr -a "$sock" -n k8s.io tasks kill -s KILL "$task" >/dev/null 2>&1 || true
  done
  sleep 0.5
  for task in $(ctr -a "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr -a "$sock" -n k8s.io tasks delete -f "$task" >/dev/null 2>&1 || true
  done
  for container in $(ctr -a "$sock" -n k8s.io containers ls -q 2>/dev/null); do
    ctr -a "$sock" -n k8s.io containers delete "$container" >/dev/null 2>&1 || true
  done
fi
stop containerd

# Then the control plane, in reverse start order.
for c in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  stop "$c"
done

if ((purge)); then
  # Everything but the lock we may be holding.
  find "$state" -mindepth 1 -maxdepth 1 ! -name lock -exec rm -rf {} +
  echo "[down.sh] stopped and purged $state" >&2
else
  echo "[down.sh] stopped (state kept in $state; --purge removes it)" >&2
fi
