# Sourced by up.sh with --real-pods: a real node next to the control plane, so
# containers really run. containerd (Debian's) with runc and the CNI bridge
# plugin; a kubelet and kube-proxy built by build.sh --with-node; CoreDNS (also
# built from the Go module proxy) for Service names. The kubelet, kube-proxy and
# containerd serve on 127.0.0.1 only; pods get addresses on a bridge (podlings0,
# 10.244.1.0/24) that only this machine can reach, and CoreDNS answers them on the
# bridge's own address, 10.244.1.1:53.
#
# Two things this machine's sandbox forbids, and how we get around them:
#  - a negative oom_score_adj needs CAP_SYS_RESOURCE, which the bounding set lacks:
#    containerd's CRI `restrict_oom_score_adj = true` clamps the pause container's
#    -998 to containerd's own score, and the kubelet's own score is set to 0;
#  - no image registry is reachable: the pause image is built here from
#    clusters/local/pause (Go) and imported into containerd, and learners' images
#    are imported with `docker save | ctr images import` (see harness/cluster/local.ts).
#
# Expects from up.sh: $state $run $logs $pki $kubeconfig $k8s_bin, and the
# functions start, wait_for, log, die, issue.

real_node_name=localhost   # the API server reaches the kubelet by this Hostname address: 127.0.0.1:10250
containerd_dir="$state/containerd"
containerd_sock="$containerd_dir/containerd.sock"
cni_conf_dir="$state/cni"
pause_image="podlings.local/pause:1"
bridge=podlings0
bridge_ip=10.244.1.1
coredns_bin="$PODLINGS_CACHE/coredns-$COREDNS_VERSION"

find_cni_bin_dir() {
  for d in /usr/lib/cni /opt/cni/bin /usr/libexec/cni; do
    [[ -x "$d/bridge" && -x "$d/host-local" ]] && { echo "$d"; return; }
  done
  return 1
}

real_node_preflight() {
  for b in "$k8s_bin/kubelet" "$k8s_bin/kube-proxy" "$coredns_bin/coredns"; do
    [[ -x "$b" ]] || die "missing $b: run clusters/local/build.sh --with-node"
  done
  command -v ip >/dev/null || die "ip (iproute2) is needed to make the pod bridge"
  command -v iptables >/dev/null || die "iptables is needed by kube-proxy (Debian: apt-get install iptables)"
  command -v containerd >/dev/null || die "containerd is needed for real pods (Debian: apt-get install containerd runc)"
  command -v runc >/dev/null || die "runc is needed for real pods (Debian: apt-get install runc)"
  command -v ctr >/dev/null || die "ctr (from containerd) is needed to import images"
  find_cni_bin_dir >/dev/null || die "the CNI bridge plugin is needed for real pods (Debian: apt-get install containernetworking-plugins)"
  command -v docker >/dev/null || die "docker is needed to build the pause image for real pods"
}

write_containerd_config() {
  mkdir -p "$containerd_dir" "$cni_conf_dir"
  cat >"$containerd_dir/config.toml" <<EOF
version = 2
root = "$containerd_dir/root"
state = "$containerd_dir/state"
[grpc]
  address = "$containerd_sock"
[ttrpc]
  address = "$containerd_sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  # Without CAP_SYS_RESOURCE a negative oom_score_adj is refused; clamp instead of failing.
  restrict_oom_score_adj = true
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$(find_cni_bin_dir)"
    conf_dir = "$cni_conf_dir"
EOF
  cat >"$cni_conf_dir/10-podlings.conflist" <<'EOF'
{
  "cniVersion": "0.4.0",
  "name": "podlings",
  "plugins": [
    { "type": "bridge", "bridge": "podlings0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.244.1.0/24" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
}

write_kubelet_config() {
  mkdir -p "$state/kubelet"
  # A serving certificate from the cluster CA for the name the node is reached by (localhost),
  # so clients (metrics-server) can verify the kubelet instead of trusting a self-signed one.
  issue kubelet-serving "/CN=$real_node_name" \
    "subjectAltName=DNS:$real_node_name,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment"
  cat >"$state/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: false }
  x509: { clientCAFile: $pki/ca.crt }
authorization: { mode: AlwaysAllow }
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
cgroupDriver: cgroupfs
# No QoS cgroup hierarchy: the sandbox's cgroups are nested and partly read-only.
cgroupsPerQOS: false
enforceNodeAllocatable: []
failSwapOn: false
# This machine has cgroup v1; the kubelet refuses it unless told otherwise.
failCgroupV1: false
# The kubelet's own default (-999) needs CAP_SYS_RESOURCE.
oomScoreAdj: 0
containerRuntimeEndpoint: unix://$containerd_sock
imageGCHighThresholdPercent: 100
evictionHard: { "memory.available": "1Mi", "nodefs.available": "1%", "imagefs.available": "1%" }
localStorageCapacityIsolation: false
clusterDomain: cluster.local
clusterDNS: [$bridge_ip]
registerNode: true
EOF
}

write_kube_proxy_config() {
  mkdir -p "$state/kube-proxy"
  cat >"$state/kube-proxy/config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $kubeconfig
hostnameOverride: $real_node_name
mode: iptables
clusterCIDR: 10.244.0.0/16
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:16256
metricsBindAddress: 127.0.0.1:16249
nodePortAddresses: [127.0.0.1/32]
# Leave the conntrack sysctls alone: the sandbox may refuse them.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
oomScoreAdj: 0
EOF
}

# The bridge exists before the first pod, so CoreDNS can bind its address; the
# CNI bridge plugin adopts it.
ensure_bridge() {
  ip link show "$bridge" >/dev/null 2>&1 || ip link add "$bridge" type bridge
  # grep without -q: with pipefail, an early exit of grep -q can fail the pipeline (SIGPIPE).
  ip addr show dev "$bridge" | grep "inet $bridge_ip/" >/dev/null || ip addr add "$bridge_ip/24" dev "$bridge"
  ip link set "$bridge" up
}

write_corefile() {
  mkdir -p "$state/coredns"
  cat >"$state/coredns/Corefile" <<EOF
.:53 {
    bind $bridge_ip
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $kubeconfig podlings-local
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    forward . /etc/resolv.conf
    cache 30
    errors
}
EOF
}

ensure_pause_image() {
  if ctr -a "$containerd_sock" -n k8s.io images ls -q 2>/dev/null | grep -qx "$pause_image"; then return; fi
  log "building the pause image from clusters/local/pause"
  local go_bin tmp
  go_bin="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
  tmp="$(mktemp -d)"
  (cd "$here/pause" && CGO_ENABLED=0 GOFLAGS=-mod=mod "$go_bin" build -trimpath "-ldflags=-s -w" -o "$tmp/pause" .)
  cp "$here/pause/Dockerfile" "$tmp/"
  docker build -q -t "$pause_image" "$tmp" >/dev/null
  docker save "$pause_image" | ctr -a "$containerd_sock" -n k8s.io images import - >/dev/null
  rm -rf "$tmp"
}

start_real_node() {
  real_node_preflight
  ensure_bridge
  write_containerd_config
  write_kubelet_config
  log "starting containerd $(containerd --version | awk '{print $3}') for real pods"
  start containerd "$(command -v containerd)" --config "$containerd_dir/config.toml"
  wait_for "containerd on $containerd_sock" containerd ctr -a "$containerd_sock" version
  # The CRI plugin answers "server is not initialized yet" until it has recovered the
  # state of existing containers, a moment after the socket is up; a kubelet started
  # before that exits at once. containerd logs this line when CRI is serving.
  wait_for "containerd's CRI plugin" containerd grep -q 'Start streaming server' "$logs/containerd.log"
  ensure_pause_image
  log "starting kubelet $K8S_VERSION (node $real_node_name)"
  start kubelet "$k8s_bin/kubelet" \
    --config "$state/kubelet/config.yaml" \
    --kubeconfig "$kubeconfig" \
    --root-dir "$state/kubelet" \
    --hostname-override "$real_node_name"
  # The node may still be Ready in etcd from an earlier run: first make sure this kubelet runs.
  wait_for "kubelet /healthz" kubelet curl -sf --max-time 2 http://127.0.0.1:10248/healthz
  wait_for "node $real_node_name to be Ready (kubelet)" kubelet bash -c \
    "curl -s --max-time 2 --cacert '$pki/ca.crt' --cert '$pki/admin.crt' --key '$pki/admin.key' '$server/api/v1/nodes/$real_node_name' | tr -d ' \n' | grep -q '\"type\":\"Ready\",\"status\":\"True\"'"
  # Docker sets the FORWARD policy to DROP; let traffic between pods on our own
  # bridge (pod to pod, pod to ClusterIP after DNAT) through. Nothing else.
  iptables -C FORWARD -i "$bridge" -o "$bridge" -j ACCEPT 2>/dev/null ||
    iptables -I FORWARD -i "$bridge" -o "$bridge" -j ACCEPT
  write_kube_proxy_config
  log "starting kube-proxy $K8S_VERSION (iptables)"
  start kube-proxy "$k8s_bin/kube-proxy" --config "$state/kube-proxy/config.yaml"
  wait_for "kube-proxy /healthz" kube-proxy curl -sf --max-time 2 http://127.0.0.1:16256/healthz
  write_corefile
  log "starting coredns $COREDNS_VERSION on $bridge_ip:53"
  start coredns "$coredns_bin/coredns" -conf "$state/coredns/Corefile"
  wait_for "coredns on $bridge_ip:53" coredns bash -c "ss -lun | grep -q '$bridge_ip:53 '"
}
