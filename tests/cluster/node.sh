# shellcheck shell=bash
#! The node of `tests/cluster/up --node`: kube-scheduler, containerd (CRI) and a kubelet registered Ready.
#
# Sourced by tests/cluster/up, which calls node_preflight before the control plane starts and
# node_up once it answers; both use its variables (STATE, CERTS, LOGS,
# SERVER, API_PORT, BIN, TIMEOUT) and functions (start, wait_until, free_port, forget, say, die,
# write_kubeconfig, api_get). Everything it makes is recorded in $STATE/node/ so that
# tests/cluster/down can undo it: processes, the bridge, one iptables chain, mounts, netns.
#
# Network: one Linux bridge per cluster, `sealgate-brN`, with 10.244.N.1/24; N is derived from the
# state dir and moved on while the subnet or the name is taken, so clusters side by side do not
# collide. The bridge address is the node IP (kubelet refuses loopback). Pods get 10.244.N.x from
# the CNI bridge + host-local plugins (no masquerading, no IP forwarding: the host reaches pod IPs
# directly over the bridge). Pods reach the API server at the `kubernetes` Service address
# (10.0.0.1:443) through one DNAT rule to the loopback port the API server listens on; there is no
# kube-proxy, so other ClusterIPs are not routed.

# node_preflight: everything the node needs is there (before the control plane starts: fail fast)
node_preflight() {
    local tool plugin ldd_out b
    [[ "$(id -u)" == 0 ]] || die "--node needs root (containerd, kubelet, the bridge)"
    for tool in containerd ctr runc umoci ip iptables sysctl; do
        command -v "$tool" >/dev/null || die "--node needs '$tool' (Debian: apt-get install containerd runc containernetworking-plugins umoci busybox-static iproute2 iptables)"
    done
    CNI_BIN="${SEALGATE_CNI_BIN:-/usr/lib/cni}"
    for plugin in bridge host-local loopback; do
        [[ -x "$CNI_BIN/$plugin" ]] || die "--node needs the CNI plugin $CNI_BIN/$plugin (Debian: apt-get install containernetworking-plugins)"
    done
    BUSYBOX="$(command -v busybox || true)"
    ldd_out="$( [[ -n "$BUSYBOX" ]] && LC_ALL=C ldd "$BUSYBOX" 2>&1 || true)"
    [[ "$ldd_out" == *"not a dynamic"* ]] || die "--node needs a static busybox for the pause image (Debian: apt-get install busybox-static)"
    for b in kube-scheduler kubelet; do
        [[ -x "$BIN/$b" ]] || die "$BIN/$b is missing; run tests/cluster/build"
    done
}

# node_up: the node itself, once the control plane answers
node_up() {
NODE_DIR="$STATE/node"
NODE_NAME=sealgate-node
mkdir -p "$NODE_DIR"/{containerd,cni/net.d,cni/ipam,kubelet,pod-logs,images,runc}

# --- the bridge: claim a free /24 and bridge name (creating the link is the atomic claim)
t_net=$SECONDS
n=$(($(cksum <<<"$STATE" | cut -d' ' -f1) % 250 + 1))
BRIDGE=""
for _ in $(seq 250); do
    candidate="sealgate-br$n"
    if ! ip -4 route show | grep -q "^10\.244\.$n\." && ! ip -4 addr show | grep -q " 10\.244\.$n\." \
        && ip link add name "$candidate" type bridge 2>/dev/null; then
        BRIDGE="$candidate"
        break
    fi
    n=$((n % 250 + 1))
done
[[ -n "$BRIDGE" ]] || die "no free 10.244.N.0/24 and sealgate-brN found"
POD_SUBNET="10.244.$n.0/24"
NODE_IP="10.244.$n.1"
NAT_CHAIN="SEALGATE-BR$n"
# Shared paths containerd and runc create on first use (the shims' socket folder, the cgroup parent
# of every container): removed by down only if this run made them and they are empty again.
made_shared=""
for p in /run/containerd /run/containerd/s /sys/fs/cgroup/*/k8s.io; do
    [[ -e "$p" ]] || made_shared+=" $p"
done
cat >"$NODE_DIR/net.env" <<EOF
BRIDGE=$BRIDGE
POD_SUBNET=$POD_SUBNET
NODE_IP=$NODE_IP
NAT_CHAIN=$NAT_CHAIN
MADE_SHARED="$made_shared"
EOF
ip addr add "$NODE_IP/24" dev "$BRIDGE"
ip link set "$BRIDGE" up
# pods -> `kubernetes` Service -> the API server on loopback: DNAT to 127.0.0.1 is only routed for
# packets coming in on an interface with route_localnet (ours, not the host's)
sysctl -qw "net.ipv4.conf.$BRIDGE.route_localnet=1"
iptables -w -t nat -N "$NAT_CHAIN"
echo "iptables nat $NAT_CHAIN" >>"$NODE_DIR/net.env"
iptables -w -t nat -A "$NAT_CHAIN" -d 10.0.0.1/32 -p tcp --dport 443 -j DNAT --to-destination "127.0.0.1:$API_PORT"
iptables -w -t nat -A PREROUTING -i "$BRIDGE" -j "$NAT_CHAIN"
say "node network: bridge $BRIDGE, node IP $NODE_IP, pods $POD_SUBNET ($((SECONDS - t_net)) s)"

cat >"$NODE_DIR/cni/net.d/10-sealgate.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "sealgate-$n",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$NODE_DIR/cni/ipam",
        "ranges": [[{ "subnet": "$POD_SUBNET", "gateway": "$NODE_IP" }]],
        "routes": [{ "dst": "0.0.0.0/0", "gw": "$NODE_IP" }]
      }
    }
  ]
}
EOF

# --- containerd: everything under $NODE_DIR (root, state, sockets, runc state, netns mounts)
t_ctd=$SECONDS
CONTAINERD_SOCK="$NODE_DIR/containerd.sock"
cat >"$NODE_DIR/containerd.toml" <<EOF
version = 2
root = "$NODE_DIR/containerd/root"
state = "$NODE_DIR/containerd/state"
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing",
]
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$NODE_DIR/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  # built locally below: nothing can be pulled
  sandbox_image = "localhost/pause:1"
  # this machine refuses a negative oom_score_adj, which the kubelet asks for the sandbox (-998);
  # without this every sandbox fails with "can't get final child's PID from pipe: EOF"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$NODE_DIR/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN"
    conf_dir = "$NODE_DIR/cni/net.d"
    max_conf_num = 1
EOF
pid="$(start containerd "$LOGS/containerd.log" containerd --config "$NODE_DIR/containerd.toml")"
wait_until containerd "$pid" "$LOGS/containerd.log" ctr --address "$CONTAINERD_SOCK" version \
    || die "containerd did not start"
say "containerd ready in $((SECONDS - t_ctd)) s"

# --- the pause image: a static busybox sleeping, built and imported locally
mkdir -p "$NODE_DIR/images/pause/bin"
cp "$BUSYBOX" "$NODE_DIR/images/pause/bin/busybox"
"$HERE/../../deploy/image/oci-archive" "$NODE_DIR/images/pause" "$NODE_DIR/images/pause.tar" 1 \
    --config.entrypoint /bin/busybox --config.cmd sleep --config.cmd 2147483647 \
    --config.user 65535:65535 >>"$LOGS/images.log" 2>&1 || die "building the pause image failed; see $LOGS/images.log"
ctr --address "$CONTAINERD_SOCK" -n k8s.io images import --base-name localhost/pause \
    "$NODE_DIR/images/pause.tar" >>"$LOGS/images.log" 2>&1 || die "importing the pause image failed; see $LOGS/images.log"

# --- identities: the kubelet as system:node:NAME in system:nodes (RBAC's system:node role), the
# scheduler as system:kube-scheduler (bootstrap RBAC binds it)
(
    cd "$CERTS"
    ossl() { openssl "$@" >>"$LOGS/openssl.log" 2>&1; }
    for pair in "kubelet:/O=system:nodes/CN=system:node:$NODE_NAME" "scheduler:/CN=system:kube-scheduler"; do
        name="${pair%%:*}" subj="${pair#*:}"
        ossl ecparam -name prime256v1 -genkey -noout -out "$name.ec.key"
        ossl pkcs8 -topk8 -nocrypt -in "$name.ec.key" -out "$name.key"
        ossl req -new -key "$name.key" -subj "$subj" -out "$name.csr"
        printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$name.ext"
        ossl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 30 \
            -extfile "$name.ext" -out "$name.crt"
        rm -f "$name.ec.key" "$name.csr" "$name.ext" ca.srl
        chmod 600 "$name.key"
    done
) || die "openssl failed; see $LOGS/openssl.log"
write_kubeconfig "$NODE_DIR/kubelet.kubeconfig" kubelet "$SERVER"
write_kubeconfig "$NODE_DIR/scheduler.kubeconfig" scheduler "$SERVER"
# the Node authorizer is not enabled: bind the node role to the nodes group, as clusters did before 1.8
api_post() {
    curl -fsS --cacert "$CERTS/ca.crt" --cert "$CERTS/admin.crt" --key "$CERTS/admin.key" \
        -H 'Content-Type: application/json' -X POST --data "$2" "$SERVER$1" >/dev/null
}
api_post /apis/rbac.authorization.k8s.io/v1/clusterrolebindings \
    '{"metadata":{"name":"sealgate:nodes"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"system:node"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:nodes"}]}' \
    || die "could not bind system:node to system:nodes"

# --- kube-scheduler
t_sched=$SECONDS
for attempt in 1 2 3 4 5; do
    SCHED_PORT="$(free_port)"
    pid="$(start kube-scheduler "$LOGS/kube-scheduler.log" "$BIN/kube-scheduler" \
        --kubeconfig "$NODE_DIR/scheduler.kubeconfig" \
        --authentication-kubeconfig "$NODE_DIR/scheduler.kubeconfig" \
        --authorization-kubeconfig "$NODE_DIR/scheduler.kubeconfig" \
        --bind-address 127.0.0.1 --secure-port "$SCHED_PORT" --cert-dir "$NODE_DIR/scheduler" \
        --leader-elect=false --profiling=false --v=1)"
    rc=0
    wait_until kube-scheduler "$pid" "$LOGS/kube-scheduler.log" \
        curl -fsSk "https://127.0.0.1:$SCHED_PORT/healthz" || rc=$?
    ((rc == 0)) && break
    ((rc == 2)) || die "kube-scheduler did not start"
    say "kube-scheduler port clash, retrying ($attempt)"
    forget "$pid"
done
((rc == 0)) || die "kube-scheduler did not start after 5 attempts"
say "kube-scheduler ready in $((SECONDS - t_sched)) s"

# --- kubelet
t_kubelet=$SECONDS
for attempt in 1 2 3 4 5; do
    KUBELET_PORT="$(free_port)" KUBELET_HEALTHZ_PORT="$(free_port)"
    cat >"$NODE_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# the machine runs cgroup v1 (hybrid): kubelet >= 1.35 refuses it unless told otherwise
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupsPerQOS: false
enforceNodeAllocatable: []
failSwapOn: false
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
# a test node: the kubelet API (logs, exec) answers anyone who reaches the bridge address
authentication:
  anonymous:
    enabled: true
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
staticPodPath: ""
podLogsDir: $NODE_DIR/pod-logs
# no KUBE-* chains in the host's iptables: nothing here needs them (no kube-proxy)
makeIPTablesUtilChains: false
# this machine refuses negative oom_score_adj values
oomScoreAdj: 0
# a shared test machine's disk or memory level must not evict the test's pods
evictionHard:
  memory.available: "1Mi"
  nodefs.available: "1%"
  imagefs.available: "1%"
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
resolvConf: ""
EOF
    pid="$(start kubelet "$LOGS/kubelet.log" "$BIN/kubelet" \
        --config "$NODE_DIR/kubelet.yaml" \
        --kubeconfig "$NODE_DIR/kubelet.kubeconfig" \
        --root-dir "$NODE_DIR/kubelet" --cert-dir "$NODE_DIR/kubelet/pki" \
        --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" --v=1)"
    rc=0
    wait_until kubelet "$pid" "$LOGS/kubelet.log" curl -fsS "http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz" || rc=$?
    ((rc == 0)) && break
    ((rc == 2)) || die "kubelet did not start"
    say "kubelet port clash, retrying ($attempt)"
    forget "$pid"
done
((rc == 0)) || die "kubelet did not start after 5 attempts"

# Ready, and without the not-ready taint (the node lifecycle controller removes it): only then
# does the scheduler place pods on it
deadline=$((SECONDS + TIMEOUT))
until api_get "/api/v1/nodes/$NODE_NAME" 2>/dev/null | tr -d ' \n' \
    | grep -q '"type":"Ready","status":"True"' \
    && ! api_get "/api/v1/nodes/$NODE_NAME" 2>/dev/null | grep -q 'node.kubernetes.io/not-ready'; do
    ((SECONDS < deadline)) || die "node $NODE_NAME was not Ready (untainted) within ${TIMEOUT}s"
    sleep 0.5
done
say "kubelet registered node $NODE_NAME Ready in $((SECONDS - t_kubelet)) s"
}
