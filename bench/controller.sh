#!/usr/bin/env bash
# Controller benchmark: sealgate-controller vs the real sealed-secrets controller (v0.40.0 from
# tests/peers) on the same data, each on a fresh local control plane (tests/cluster/up):
#   KEYS key Secrets (RSA-4096, upstream format) and SECRETS SealedSecrets x 3 items sealed with
#   the newest key; cold sync wall time (process start -> every Secret present), RSA operations,
#   peak RSS, CPU time; then a restart with everything in sync (wall time to steady state, RSA ops,
#   and the Secret GETs the API server answered: ours checks each Secret's data digest once).
# Writes the "Controller" section of docs/benchmarks.md (between the controller markers).
#
#   SEALGATE_PEERS=... bash bench/controller.sh [SECRETS=1000] [KEYS=12]
# Env: RUNS (default "reference sealgate"; also "reference-default" = upstream's client rate limit
#      of 5 QPS, which dominates its wall time), SEALGATE_CONTROLLER_BIN / SEALGATE_BIN (skip the
#      cargo build), SEALGATE_BENCH_KEEP=1 (keep the work dir with logs),
#      SEALGATE_BENCH_SAVE=FILE (also write this run's result rows there),
#      SEALGATE_BENCH_MERGE=FILE (add rows saved by an earlier run to the report, marked as such),
#      SEALGATE_BENCH_NOTE=TEXT (a note printed under the table),
#      SEALGATE_BENCH_DOC=FILE (write the report section into this copy instead of docs/benchmarks.md).
# Both controllers use the ServiceAccount and RBAC of deploy/base (rendered with kustomize); the
# reference one only runs in-cluster, so it gets the in-cluster files (token, CA, namespace) in a
# private mount namespace and KUBERNETES_SERVICE_HOST/PORT pointing at the local apiserver.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secrets=${1:-1000}
keys=${2:-12}
items=$((secrets * 3))
runs=${RUNS:-reference sealgate}
: "${SEALGATE_PEERS:?set SEALGATE_PEERS to the folder tests/peers/build prints}"
ref_bin="$SEALGATE_PEERS/controller"
kustomize="$SEALGATE_PEERS/kustomize"
for tool in "$ref_bin" "$kustomize" /usr/bin/time; do
  [ -x "$tool" ] || { echo "bench: $tool not found (run tests/peers/build; apt-get install time)" >&2; exit 2; }
done
for tool in kubectl curl jq openssl unshare python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 2; }
done

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
if [ -z "${SEALGATE_CONTROLLER_BIN:-}" ] || [ -z "${SEALGATE_BIN:-}" ]; then
  cargo build --release -q -p sealgate -p sealgate-controller --manifest-path "$root/Cargo.toml"
fi
sealgate=${SEALGATE_BIN:-$CARGO_TARGET_DIR/release/sealgate}
ours_bin=${SEALGATE_CONTROLLER_BIN:-$CARGO_TARGET_DIR/release/sealgate-controller}

work=$(mktemp -d /tmp/sealgate-bench-controller.XXXXXX)
cluster=""
ctl_pid=""
cleanup() {
  [ -n "$ctl_pid" ] && kill -TERM "$ctl_pid" 2>/dev/null && wait "$ctl_pid" 2>/dev/null
  [ -n "$cluster" ] && "$root/tests/cluster/down" "$cluster" >/dev/null 2>&1
  if [ "${SEALGATE_BENCH_KEEP:-0}" = 1 ]; then echo "bench: work dir kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
say() { printf 'bench/controller: %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

# --- data, made once and used by every run --------------------------------------------------------
say "generating $keys RSA-4096 key pairs (upstream format: PKCS#1 key, self-signed cert)"
mkdir -p "$work/keys"
for k in $(seq -w 1 "$keys"); do
  openssl req -x509 -newkey rsa:4096 -nodes -sha256 -days 3650 -subj "/O=sealed-secret/CN=sealed-secret" \
    -keyout "$work/keys/$k.p8" -out "$work/keys/$k.crt" 2>/dev/null
  openssl rsa -in "$work/keys/$k.p8" -traditional -out "$work/keys/$k.key" 2>/dev/null
  # certificate NotBefore has one-second resolution: keep the keys' order unambiguous
  sleep 1
done
newest="$work/keys/$(seq -w 1 "$keys" | tail -n 1).crt"
for k in $(seq -w 1 "$keys"); do
  cat >"$work/keys/$k.yaml" <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: sealed-secrets-key-bench$k
  namespace: kube-system
  labels:
    sealedsecrets.bitnami.com/sealed-secrets-key: active
type: kubernetes.io/tls
data:
  tls.crt: $(base64 -w0 "$work/keys/$k.crt")
  tls.key: $(base64 -w0 "$work/keys/$k.key")
EOF
done

say "sealing $secrets Secrets x 3 items with the newest key"
namespaces=10
python3 - "$work/secrets.yaml" "$secrets" "$namespaces" <<'EOF'
import sys
out, n, nss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(out, "w") as f:
    for i in range(n):
        f.write(f"""---
apiVersion: v1
kind: Secret
metadata:
  name: app-{i:04d}
  namespace: bench-{i % nss:02d}
  labels:
    sealgate-bench: controller
stringData:
  username: user-{i}
  password: changeme-demo-{i}-0123456789
  token: token-{i}-0123456789abcdef0123456789abcdef
""")
EOF
"$sealgate" seal --cert "$newest" -f "$work/secrets.yaml" >"$work/sealed.yaml"
grep -c '^kind: SealedSecret' "$work/sealed.yaml" | grep -qx "$secrets" || { say "sealing produced the wrong number of SealedSecrets"; exit 1; }
{ for n in $(seq 0 $((namespaces - 1))); do printf -- '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench-%02d\n' "$n"; done; } >"$work/namespaces.yaml"

# The controller's ServiceAccount and RBAC exactly as deployed (CRD, SA, ClusterRole/Role and bindings).
mkdir -p "$work/deploy"
cp -r "$root/deploy/base" "$work/deploy/base"
if [ ! -f "$work/deploy/base/crd.yaml" ]; then
  # until crdgen's output is committed: upstream's CRD (the same schema) from the Go module cache
  upstream_crd="$(go env GOMODCACHE)/github.com/bitnami-labs/sealed-secrets@v0.40.0/helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml"
  say "NOTE: deploy/base/crd.yaml is missing; using $upstream_crd"
  cp "$upstream_crd" "$work/deploy/base/crd.yaml"
fi
"$kustomize" build "$work/deploy/base" >"$work/deploy.yaml"
python3 - "$work/deploy.yaml" "$work/rbac.yaml" <<'EOF'
import sys
docs = open(sys.argv[1]).read().split("\n---\n")
keep = [d for d in docs if any(f"\nkind: {k}\n" in "\n" + d + "\n" for k in
        ("CustomResourceDefinition", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"))]
open(sys.argv[2], "w").write("\n---\n".join(keep) + "\n")
EOF

# --- helpers against the current control plane ---------------------------------------------------
api() { curl -fsS --cacert "$cluster/certs/ca.crt" --cert "$cluster/certs/admin.crt" --key "$cluster/certs/admin.key" "$@"; }
count_secrets() {
  api -H 'Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1' \
    "$server/api/v1/secrets?labelSelector=sealgate-bench%3Dcontroller" | jq '.items | length'
}
# metric NAME: sum of every series of NAME on the controller's metrics port (0 if absent)
metric() {
  curl -fsS "http://127.0.0.1:$metrics_port/metrics" 2>/dev/null |
    awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%d\n", s }'
}
# GETs of single Secrets the API server has answered so far (its apiserver_request_total)
secret_gets() {
  api "$server/metrics" |
    awk '/^apiserver_request_total\{/ && /resource="secrets"/ && /verb="GET"/ { s += $NF } END { printf "%d\n", s }'
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
child_pid() { pgrep -P "$1" | head -n 1; }
hwm_mib() { awk '/^VmHWM/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status"; }
cpu_s() { awk '{ printf "%.1f\n", ($14 + $15) / 100 }' "/proc/$1/stat"; }  # utime+stime, USER_HZ=100

up_cluster() {
  cluster=$(SEALGATE_CLUSTER_DIR="$work/cluster-$1" "$root/tests/cluster/up" 2>"$work/cluster-$1.log" | tail -n 1)
  cluster=$(dirname "$cluster")
  export KUBECONFIG="$cluster/kubeconfig"
  server=$(awk '/server:/ { print $2; exit }' "$KUBECONFIG")
  kubectl apply --server-side -f "$work/rbac.yaml" >/dev/null
  kubectl wait --for condition=established --timeout=60s crd/sealedsecrets.bitnami.com >/dev/null
  kubectl apply --server-side -f "$work/namespaces.yaml" >/dev/null
  # creation order = key order, for controllers that sort by creationTimestamp
  for k in $(seq -w 1 "$keys"); do kubectl create -f "$work/keys/$k.yaml" >/dev/null; done
  local t0; t0=$(now)
  kubectl create -f "$work/sealed.yaml" >/dev/null
  say "[$1] control plane up, $keys keys and $secrets SealedSecrets created in $(elapsed "$t0" "$(now)") s"
  # a ServiceAccount token for the deployed identity, like the kubelet would mount
  kubectl create token sealed-secrets-controller -n kube-system --duration 2h >"$work/token"
  cat >"$work/sa-kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: bench
  cluster:
    server: $server
    certificate-authority: $cluster/certs/ca.crt
users:
- name: sealed-secrets-controller
  user:
    token: $(cat "$work/token")
contexts:
- name: bench
  context: {cluster: bench, user: sealed-secrets-controller, namespace: kube-system}
current-context: bench
EOF
}

# start_controller RUN LOG: starts the controller of RUN under /usr/bin/time -v; sets ctl_pid
# (the time process) and metrics_port.
start_controller() {
  local run=$1 log=$2
  metrics_port=$(free_port)
  local http_port; http_port=$(free_port)
  case "$run" in
    reference*)
      local qps=(--kubeclient-qps -1 --kubeclient-burst 1000)
      [ "$run" = reference-default ] && qps=()
      local hostport=${server#https://}
      mkdir -p "$work/sa"
      cp "$work/token" "$work/sa/token"; cp "$cluster/certs/ca.crt" "$work/sa/ca.crt"; echo kube-system >"$work/sa/namespace"
      # rest.InClusterConfig() reads fixed paths under /var/run/secrets: give it its own /run
      KUBERNETES_SERVICE_HOST=${hostport%:*} KUBERNETES_SERVICE_PORT=${hostport##*:} POD_NAMESPACE=kube-system \
        unshare --mount --propagation private bash -c '
          mount -t tmpfs tmpfs /run && mkdir -p /run/secrets/kubernetes.io/serviceaccount &&
          cp "$1"/token "$1"/ca.crt "$1"/namespace /run/secrets/kubernetes.io/serviceaccount/ &&
          shift && exec "$@"' _ "$work/sa" \
        /usr/bin/time -v -o "$log.time" "$ref_bin" --listen-addr "127.0.0.1:$http_port" \
          --listen-metrics-addr "127.0.0.1:$metrics_port" "${qps[@]}" >"$log" 2>&1 &
      ;;
    sealgate)
      POD_NAMESPACE=kube-system POD_NAME=bench-0 /usr/bin/time -v -o "$log.time" "$ours_bin" \
        --kubeconfig "$work/sa-kubeconfig" --listen-addr "127.0.0.1:$http_port" \
        --listen-metrics-addr "127.0.0.1:$metrics_port" >"$log" 2>&1 &
      ;;
  esac
  ctl_pid=$!
}

# The process under /usr/bin/time (through unshare for the reference): the deepest descendant.
controller_pid() {
  local p=$ctl_pid c
  while c=$(child_pid "$p") && [ -n "$c" ]; do p=$c; done
  echo "$p"
}

stop_controller() {
  kill -TERM "$(controller_pid)" 2>/dev/null || true
  wait "$ctl_pid" 2>/dev/null || true
  ctl_pid=""
}

# wait_for DESC TIMEOUT CMD...: polls CMD (every 0.2 s) until it succeeds
wait_for() {
  local desc=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ((SECONDS > deadline)); then say "timeout: $desc"; return 1; fi
    if ! kill -0 "$ctl_pid" 2>/dev/null; then say "controller exited while waiting for: $desc"; return 1; fi
    sleep 0.2
  done
}
all_secrets() { [ "$(count_secrets)" -ge "$secrets" ]; }
# every SealedSecret reconciled once: upstream counts each reconcile as an unseal request; ours
# also counts reconciles that needed no decryption in its duration histogram
all_reconciled() {
  [ "$(metric sealed_secrets_controller_unseal_requests_total)" -ge "$secrets" ] ||
    [ "$(metric sealgate_reconcile_duration_seconds_count)" -ge "$secrets" ]
}

# measure PHASE CHECK DESC: starts the controller, waits for CHECK, then reads the phase's wall
# time, RSA operations, peak RSS, CPU, mean load and Secret GETs into m_wall m_rsa m_hwm m_maxrss
# m_cpu m_load m_gets, and stops it.
measure() {
  local phase=$1 check=$2 desc=$3 log="$work/$run-$1.log" t0 pid reqs sampler gets0
  uptime >>"$load_samples"
  gets0=$(secret_gets)
  # the 1-minute load average every 5 s: how busy the machine was during this phase
  while :; do cut -d' ' -f1 /proc/loadavg; sleep 5; done >"$log.load" &
  sampler=$!
  t0=$(now)
  start_controller "$run" "$log"
  wait_for "$run: $desc" 1800 "$check"
  m_wall=$(elapsed "$t0" "$(now)")
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  m_load=$(awk '{ s += $1; n++ } END { printf "%.1f\n", n ? s / n : 0 }' "$log.load")
  pid=$(controller_pid)
  # settle: the last status writes and events of the sync, then read counters and memory
  sleep 2
  m_rsa=$(metric sealgate_rsa_operations_total)
  reqs=$(metric sealed_secrets_controller_unseal_requests_total)
  m_hwm=$(hwm_mib "$pid")
  m_cpu=$(cpu_s "$pid")
  m_gets=$(($(secret_gets) - gets0))
  { uptime; ps -eo pcpu,comm --sort=-pcpu | head -n 8; } >>"$load_samples"
  stop_controller
  m_maxrss=$(awk -F': ' '/Maximum resident/ { printf "%.0f\n", $2 / 1024 }' "$log.time")
  say "[$run] $phase: $m_wall s, rsa ops $m_rsa, unseal requests $reqs, VmHWM $m_hwm MiB, max RSS $m_maxrss MiB, cpu $m_cpu s, load $m_load, Secret GETs $m_gets"
}

results="$work/results.tsv"
: >"$results"
load_samples="$work/load.txt"
for run in $runs; do
  up_cluster "$run"
  measure cold all_secrets "all $secrets Secrets"
  cold=("$m_wall" "$m_rsa" "$m_hwm" "$m_maxrss" "$m_cpu")
  cold_load=$m_load
  measure restart all_reconciled "every SealedSecret reconciled after the restart"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "${cold[@]}" "$m_wall" "$m_rsa" "$m_hwm" "$m_cpu" \
    "$cold_load" "$m_load" "$m_gets" >>"$results"
  # saved after every run, so an interrupted benchmark keeps what it measured
  [ -z "${SEALGATE_BENCH_SAVE:-}" ] || cp "$results" "$SEALGATE_BENCH_SAVE"
  "$root/tests/cluster/down" "$cluster" >/dev/null 2>&1
  cluster=""
done

merged=""
if [ -n "${SEALGATE_BENCH_MERGE:-}" ]; then
  merged="$(cut -f1 "$SEALGATE_BENCH_MERGE" | tr '\n' ' ')(saved $(date -u -r "$SEALGATE_BENCH_MERGE" '+%Y-%m-%d %H:%M UTC'))"
  cat "$SEALGATE_BENCH_MERGE" >>"$results"
fi
export SEALGATE_BENCH_MERGED="$merged"
openssl speed -seconds 3 rsa4096 2>/dev/null >"$work/speed.txt"
ossl_ops=$(awk '/^rsa 4096 bits/ { print $(NF-1) }' "$work/speed.txt")
python3 "$root/bench/controller_report.py" "${SEALGATE_BENCH_DOC:-$root/docs/benchmarks.md}" "$results" "$load_samples" \
  "$secrets" "$keys" "$items" "$ossl_ops" "$("$ref_bin" --version 2>&1 | tail -n 1 | awk '{ print $NF }')"
