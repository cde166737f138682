#!/usr/bin/env bash
# Starts the local control plane: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, and a node:
#   default       kwok plays the kubelet: pods become Running/Ready without containers;
#   --real-pods   a real kubelet with containerd, runc and the CNI bridge (real-node.sh),
#                 and metrics-server for the resource metrics API (HPAs, kubectl top;
#                 clusters/metrics-server/local/metrics-server.sh).
# Everything listens on 127.0.0.1 only.
#
# Idempotent: when the control plane is already up, healthy and in the asked-for
# mode, it is reused. Binaries come from build.sh's cache (build.sh --with-node
# for --real-pods); the `local` provider runs build.sh first.
#
# Writes the admin kubeconfig to $PODLINGS_STATE/local/kubeconfig and prints its path.
#
# Environment:
#   PODLINGS_STATE, PODLINGS_CACHE       see paths.sh
#   PODLINGS_LOCAL_PORT                  kube-apiserver port (default 16443)
#   PODLINGS_READY_TIMEOUT               seconds to wait for /readyz and the node (default 90)
#   PODLINGS_LOCAL_PODS=real             same as --real-pods
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.env"
source "$here/paths.sh"

mode=kwok
[[ "${PODLINGS_LOCAL_PODS:-}" == real ]] && mode=real
for arg in "$@"; do
  case "$arg" in
    --real-pods) mode=real ;;
    *) echo "up.sh: unknown argument $arg (expected --real-pods)" >&2; exit 2 ;;
  esac
done

port="${PODLINGS_LOCAL_PORT:-16443}"
ready_timeout="${PODLINGS_READY_TIMEOUT:-90}"
etcd_port=12379
etcd_peer_port=12380
kcm_port=16257
scheduler_port=16259
kwok_port=16247
node_name=podlings-node-0

k8s_bin="$PODLINGS_CACHE/k8s-$K8S_VERSION"
etcd_bin="$PODLINGS_CACHE/etcd-$ETCD_VERSION"
kwok_bin="$PODLINGS_CACHE/kwok-$KWOK_VERSION"

state="$PODLINGS_STATE/local"
pki="$state/pki"
run="$state/run"
logs="$state/logs"
kubeconfig="$state/kubeconfig"
server="https://127.0.0.1:$port"

log() { printf '[up.sh] %s\n' "$*" >&2; }
die() { printf 'up.sh: %s\n' "$*" >&2; exit 1; }

# Several runs may call up.sh at once (parallel checks, CI jobs on one machine):
# one of them starts the control plane, the others wait and then reuse it.
mkdir -p "$state"
exec 9>"$state/lock"
if command -v flock >/dev/null; then
  flock -w "$((ready_timeout * 2))" 9 || die "another up.sh or down.sh has held $state/lock for $((ready_timeout * 2)) s"
fi
export PODLINGS_LOCK_HELD=1

for b in "$k8s_bin/kube-apiserver" "$k8s_bin/kube-controller-manager" "$k8s_bin/kube-scheduler" "$etcd_bin/etcd" "$kwok_bin/kwok"; do
  [[ -x "$b" ]] || die "missing $b: run clusters/local/build.sh first"
done
command -v openssl >/dev/null || die "openssl is needed to make the control plane's certificates"
command -v curl >/dev/null || die "curl is needed to probe the control plane"

api() { # api METHOD PATH [BODY]: a request as cluster admin
  local method="$1" path="$2"
  curl -sS --max-time 5 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    -X "$method" -H 'Content-Type: application/json' ${3:+--data "$3"} "$server$path"
}

# A recorded pid counts only while it still runs the same program (pids get reused).
alive() {
  local f="$run/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "/$1 "
}

control_plane=(etcd kube-apiserver kube-controller-manager kube-scheduler)
if [[ "$mode" == real ]]; then node_components=(containerd kubelet kube-proxy coredns metrics-server); else node_components=(kwok); fi

healthy() {
  [[ "$(cat "$state/mode" 2>/dev/null)" == "$mode" ]] || return 1
  for c in "${control_plane[@]}" "${node_components[@]}"; do alive "$c" || return 1; done
  [[ -f "$kubeconfig" ]] && [[ "$(api GET /readyz 2>/dev/null)" == ok ]]
}

if healthy; then
  log "reusing the running control plane at $server ($mode pods)"
  echo "$kubeconfig"
  exit 0
fi

# Something is half up (a crash, a reboot) or in the other mode: start clean, but keep
# the certificates and etcd's data.
"$here/down.sh" >/dev/null 2>&1 || true
mkdir -p "$pki" "$run" "$logs"
echo "$mode" >"$state/mode"

# --- certificates: a private CA, a serving cert for 127.0.0.1, an admin client cert, a service-account key
make_certs() {
  local days=3650
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" -days "$days" \
    -subj "/CN=podlings-local-ca" 2>/dev/null
  cat >"$pki/apiserver.ext" <<EOF
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature,keyEncipherment
EOF
  openssl req -newkey rsa:2048 -nodes -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" -subj "/CN=kube-apiserver" 2>/dev/null
  openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -out "$pki/apiserver.crt" -days "$days" -extfile "$pki/apiserver.ext" 2>/dev/null
  # O=system:masters: the admin, also used by the controllers, the scheduler and kwok.
  printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' >"$pki/client.ext"
  openssl req -newkey rsa:2048 -nodes -keyout "$pki/admin.key" -out "$pki/admin.csr" -subj "/O=system:masters/CN=podlings-admin" 2>/dev/null
  openssl x509 -req -in "$pki/admin.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -out "$pki/admin.crt" -days "$days" -extfile "$pki/client.ext" 2>/dev/null
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  rm -f "$pki"/*.csr
  # A new CA: the certificates issue() made from the old one must be made again.
  rm -f "$pki"/{front-proxy-ca,front-proxy-client,kubelet-serving,metrics-server,metrics-server-client}.crt
}
[[ -f "$pki/sa.pub" && -f "$pki/admin.crt" ]] || { log "generating certificates in $pki"; make_certs; }

# issue NAME SUBJECT EXTENSIONS [CA]: $pki/NAME.{key,crt} signed by $pki/CA.{crt,key} (default: the
# cluster CA), unless they are already there. Certificates added after make_certs (so an existing
# $pki gains them without losing the others) are made with this.
issue() {
  local name="$1" subject="$2" extensions="$3" ca="${4:-ca}"
  [[ -f "$pki/$name.crt" && -f "$pki/$name.key" ]] && return 0
  printf '%b\n' "$extensions" >"$pki/$name.ext"
  openssl req -newkey rsa:2048 -nodes -keyout "$pki/$name.key" -out "$pki/$name.csr" -subj "$subject" 2>/dev/null
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/$ca.crt" -CAkey "$pki/$ca.key" -CAcreateserial \
    -out "$pki/$name.crt" -days 3650 -extfile "$pki/$name.ext" 2>/dev/null
  rm -f "$pki/$name.csr"
}
client_ext='extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment'

# The aggregation layer (metrics.k8s.io is served by metrics-server behind the API server):
# the API server proxies requests to it with a front-proxy client certificate from a CA of
# its own, and passes who is asking in X-Remote-User/-Group/-Extra-* headers.
if [[ ! -f "$pki/front-proxy-ca.crt" ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/front-proxy-ca.key" -out "$pki/front-proxy-ca.crt" \
    -days 3650 -subj "/CN=podlings-front-proxy-ca" 2>/dev/null
  rm -f "$pki/front-proxy-client.crt"
fi
issue front-proxy-client "/CN=front-proxy-client" "$client_ext" front-proxy-ca

cat >"$kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: podlings-local
    cluster:
      server: $server
      certificate-authority: $pki/ca.crt
users:
  - name: podlings-admin
    user:
      client-certificate: $pki/admin.crt
      client-key: $pki/admin.key
contexts:
  - name: podlings-local
    context: { cluster: podlings-local, user: podlings-admin, namespace: default }
current-context: podlings-local
EOF
chmod 600 "$kubeconfig"

start() { # start NAME BINARY ARGS...: in its own session, so it outlives this script
  local name="$1"; shift
  # 9>&-: the components must not inherit (and so keep holding) the lock.
  setsid "$@" >"$logs/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$run/$name.pid"
}

show_logs() {
  for c in "$@"; do
    [[ -f "$logs/$c.log" ]] && { echo "--- $c ($logs/$c.log)" >&2; tail -n 5 "$logs/$c.log" >&2; }
  done
}

wait_for() { # wait_for WHAT COMPONENT COMMAND...: until the command succeeds, the component dies, or the named timeout passes
  local what="$1" component="$2"; shift 2
  local deadline=$((SECONDS + ready_timeout))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$component"; then
      log "$component exited while waiting for $what; its last log lines:"
      show_logs "$component"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "timed out after ${ready_timeout}s (PODLINGS_READY_TIMEOUT) waiting for $what; last log lines:"
      show_logs "${control_plane[@]}" "${node_components[@]}"
      exit 1
    fi
    sleep 0.5
  done
}

log "starting etcd $ETCD_VERSION"
start etcd "$etcd_bin/etcd" \
  --name podlings --data-dir "$state/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster "podlings=http://127.0.0.1:$etcd_peer_port" \
  --unsafe-no-fsync --log-level warn
wait_for "etcd on 127.0.0.1:$etcd_port" etcd curl -sf --max-time 2 "http://127.0.0.1:$etcd_port/health"

log "starting kube-apiserver $K8S_VERSION on $server"
start kube-apiserver "$k8s_bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$port" \
  --endpoint-reconciler-type none \
  --kubelet-client-certificate "$pki/admin.crt" --kubelet-client-key "$pki/admin.key" \
  --kubelet-preferred-address-types Hostname,InternalIP \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 \
  --authorization-mode Node,RBAC \
  --allow-privileged=true \
  --requestheader-client-ca-file "$pki/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
  --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
  --requestheader-extra-headers-prefix X-Remote-Extra- \
  --proxy-client-cert-file "$pki/front-proxy-client.crt" --proxy-client-key-file "$pki/front-proxy-client.key"
wait_for "kube-apiserver /readyz" kube-apiserver bash -c "[[ \"\$(curl -s --max-time 2 --cacert '$pki/ca.crt' --cert '$pki/admin.crt' --key '$pki/admin.key' '$server/readyz')\" == ok ]]"

log "starting kube-controller-manager, kube-scheduler"
# The real controllers, all of the default set: deployment, replicaset, endpointslice,
# horizontal-pod-autoscaler, garbage-collector, namespace, serviceaccount, ...
start kube-controller-manager "$k8s_bin/kube-controller-manager" \
  --kubeconfig "$kubeconfig" \
  --authentication-kubeconfig "$kubeconfig" --authorization-kubeconfig "$kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$kcm_port" \
  --controllers '*' --leader-elect=false \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
  --service-cluster-ip-range 10.96.0.0/16 \
  --horizontal-pod-autoscaler-sync-period 5s
start kube-scheduler "$k8s_bin/kube-scheduler" \
  --kubeconfig "$kubeconfig" \
  --authentication-kubeconfig "$kubeconfig" --authorization-kubeconfig "$kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$scheduler_port" --leader-elect=false

# One fake node that kwok keeps Ready; pods scheduled there become Running/Ready.
start_kwok_node() {
  log "starting kwok $KWOK_VERSION (node $node_name)"
  start kwok "$kwok_bin/kwok" \
    --kubeconfig "$kubeconfig" \
    --config "$here/kwok-stages.yaml" \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --manage-nodes-with-label-selector= \
    --manage-single-node= \
    --cidr 10.244.0.0/16 --node-ip 127.0.0.1 \
    --node-lease-duration-seconds 40 \
    --server-address "127.0.0.1:$kwok_port"
  local node_json='{"apiVersion":"v1","kind":"Node","metadata":{"name":"'"$node_name"'",
    "annotations":{"node.alpha.kubernetes.io/ttl":"0","kwok.x-k8s.io/node":"fake"},
    "labels":{"kubernetes.io/hostname":"'"$node_name"'","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","type":"kwok"}},
    "status":{"allocatable":{"cpu":"32","memory":"256Gi","pods":"110"},"capacity":{"cpu":"32","memory":"256Gi","pods":"110"}}}'
  if ! api GET "/api/v1/nodes/$node_name" | grep -q '"kind": "Node"'; then
    api POST /api/v1/nodes "$node_json" >/dev/null
  fi
  wait_for "node $node_name to be Ready (kwok)" kwok bash -c \
    "curl -s --max-time 2 --cacert '$pki/ca.crt' --cert '$pki/admin.crt' --key '$pki/admin.key' '$server/api/v1/nodes/$node_name' | tr -d ' \n' | grep -q '\"type\":\"Ready\",\"status\":\"True\"'"
}

# The other mode's node stays registered in etcd; remove it so pods land on this mode's node.
remove_node() { api DELETE "/api/v1/nodes/$1" >/dev/null 2>&1 || true; }

if [[ "$mode" == real ]]; then
  source "$here/real-node.sh"
  source "$here/../metrics-server/local/metrics-server.sh"
  remove_node "$node_name"
  start_real_node
  start_metrics_server
else
  remove_node localhost
  # No metrics-server without real pods: an APIService left registered with nothing behind
  # it would make discovery (kubectl, the namespace controller) report it as unavailable.
  api DELETE /apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io >/dev/null 2>&1 || true
  start_kwok_node
fi

wait_for "the default service account" kube-controller-manager bash -c \
  "curl -sf --max-time 2 --cacert '$pki/ca.crt' --cert '$pki/admin.crt' --key '$pki/admin.key' '$server/api/v1/namespaces/default/serviceaccounts/default'"

log "ready: $server ($mode pods; kubeconfig $kubeconfig, logs $logs)"
echo "$kubeconfig"
