# Sourced by clusters/local/up.sh with --real-pods, after the real node is up:
# metrics-server (built by build.sh --with-node from the Go module proxy) serves the
# resource metrics API, metrics.k8s.io/v1beta1, that HPAs and `kubectl top` read.
#
#  - It runs as a host process on 127.0.0.1:$metrics_server_port, like CoreDNS, so no
#    image is involved. The API server reaches it through the aggregation layer:
#    APIService v1beta1.metrics.k8s.io -> Service kube-system/metrics-server of type
#    ExternalName "localhost" (metrics-api.yaml), with the front-proxy flags up.sh gives
#    the API server.
#  - Its identity is a client certificate from the cluster CA for the user
#    system:metrics-server, bound to the roles it needs by metrics-api.yaml.
#  - It scrapes the kubelet's /metrics/resource at the node's Hostname address
#    (localhost:10250) and verifies the kubelet's serving certificate with the cluster CA
#    (real-node.sh gives the kubelet one).
#
# Expects from up.sh: $state $pki $logs $server $PODLINGS_CACHE $METRICS_SERVER_VERSION
# $client_ext, and the functions start, wait_for, log, die, issue.

metrics_server_bin="$PODLINGS_CACHE/metrics-server-$METRICS_SERVER_VERSION"
metrics_server_port=16260
metrics_server_dir="$state/metrics-server"
metrics_api_manifest="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/metrics-api.yaml"

# apply_manifest FILE: server-side apply of each YAML document of FILE, as cluster admin.
# The URL comes from the document's apiVersion, kind, metadata.name and metadata.namespace
# (kinds whose plural is lowercase kind + "s", which is all metrics-api.yaml uses).
apply_manifest() {
  local file="$1" dir doc api_version kind name namespace plural url code
  dir="$(mktemp -d)"
  awk -v dir="$dir" 'BEGIN { n = 0; f = dir "/0.yaml" } /^---/ { n++; f = dir "/" n ".yaml"; next } { print > f }' "$file"
  for doc in "$dir"/*.yaml; do
    api_version="$(sed -n 's/^apiVersion: *//p' "$doc")"
    [[ -n "$api_version" ]] || continue
    kind="$(sed -n 's/^kind: *//p' "$doc")"
    name="$(awk '/^metadata:/ { m = 1; next } /^[^ #]/ { m = 0 } m && /^  name:/ { sub(/^  name: */, ""); print; exit }' "$doc")"
    namespace="$(awk '/^metadata:/ { m = 1; next } /^[^ #]/ { m = 0 } m && /^  namespace:/ { sub(/^  namespace: */, ""); print; exit }' "$doc")"
    plural="$(tr '[:upper:]' '[:lower:]' <<<"$kind")s"
    if [[ "$api_version" == v1 ]]; then url="/api/v1"; else url="/apis/$api_version"; fi
    [[ -n "$namespace" ]] && url+="/namespaces/$namespace"
    url+="/$plural/$name?fieldManager=podlings-up&force=true"
    code="$(curl -sS --max-time 10 -o "$dir/response" -w '%{http_code}' \
      --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
      -X PATCH -H 'Content-Type: application/apply-patch+yaml' --data-binary "@$doc" "$server$url")" || code=000
    if [[ "$code" != 2* ]]; then
      local response
      response="$(head -c 300 "$dir/response" 2>/dev/null || true)"
      rm -rf "$dir"
      die "could not apply $kind $name from $file (HTTP $code): $response"
    fi
  done
  rm -rf "$dir"
}

start_metrics_server() {
  [[ -x "$metrics_server_bin/metrics-server" ]] || die "missing $metrics_server_bin/metrics-server: run clusters/local/build.sh --with-node"
  mkdir -p "$metrics_server_dir"
  issue metrics-server "/CN=metrics-server" \
    "subjectAltName=DNS:metrics-server.kube-system.svc,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment"
  issue metrics-server-client "/CN=system:metrics-server" "$client_ext"
  cat >"$metrics_server_dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: podlings-local
    cluster: { server: $server, certificate-authority: $pki/ca.crt }
users:
  - name: system:metrics-server
    user: { client-certificate: $pki/metrics-server-client.crt, client-key: $pki/metrics-server-client.key }
contexts:
  - name: metrics-server
    context: { cluster: podlings-local, user: system:metrics-server }
current-context: metrics-server
EOF
  chmod 600 "$metrics_server_dir/kubeconfig"

  # RBAC first: metrics-server reads the front-proxy settings as soon as it starts.
  local ca_bundle
  ca_bundle="$(base64 -w0 <"$pki/ca.crt")"
  sed -e "s|__CA_BUNDLE__|$ca_bundle|" -e "s|__PORT__|$metrics_server_port|" "$metrics_api_manifest" >"$metrics_server_dir/metrics-api.yaml"

  log "starting metrics-server $METRICS_SERVER_VERSION on 127.0.0.1:$metrics_server_port (metrics.k8s.io)"
  apply_manifest "$metrics_server_dir/metrics-api.yaml"
  start metrics-server "$metrics_server_bin/metrics-server" \
    --kubeconfig "$metrics_server_dir/kubeconfig" \
    --authentication-kubeconfig "$metrics_server_dir/kubeconfig" \
    --authorization-kubeconfig "$metrics_server_dir/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$metrics_server_port" \
    --tls-cert-file "$pki/metrics-server.crt" --tls-private-key-file "$pki/metrics-server.key" \
    --kubelet-preferred-address-types Hostname --kubelet-use-node-status-port \
    --kubelet-certificate-authority "$pki/ca.crt" \
    --kubelet-client-certificate "$pki/metrics-server-client.crt" --kubelet-client-key "$pki/metrics-server-client.key" \
    --metric-resolution 10s --kubelet-request-timeout 5s
  wait_for "the metrics API (GET /apis/metrics.k8s.io/v1beta1)" metrics-server bash -c \
    "[[ \"\$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert '$pki/ca.crt' --cert '$pki/admin.crt' --key '$pki/admin.key' '$server/apis/metrics.k8s.io/v1beta1')\" == 200 ]]"
}
