#!/usr/bin/env bash
# Policy-gate benchmark: conftest vs `sealgate validate --policy` (conftest-style Rego), and
# gator vs `sealgate validate --policy` (Gatekeeper templates + constraints), on a generated
# corpus of N resources (default 10,000). Prints a markdown table (wall time, peak RSS).
#
# Needs: SEALGATE_PEERS (conftest, gator; from tests/peers/build), SEALGATE_CORPORA
# (conftest-examples, gatekeeper-gator-tests), SEALGATE_BIN (default: target/release/sealgate),
# GNU time at /usr/bin/time. Env: N, RUNS (default 3), JOBS, DOCS=0 to only print the table.
# Writes the "Validation (policies)" section of docs/benchmarks.md (between the validate-policies markers).
set -euo pipefail
# A user's default environment: with RUST_BACKTRACE set, every error regorus builds and discards
# in its hot paths captures a backtrace (~10% of a --policy builtin run).
unset RUST_BACKTRACE

N="${N:-10000}"
PEERS="${SEALGATE_PEERS:-$HOME/.cache/sealgate/peers}"
CORPORA="${SEALGATE_CORPORA:-$PEERS/corpora}"
root="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${SEALGATE_BIN:-$root/target/release/sealgate}"
JOBS="${JOBS:-$(nproc)}"
RUNS="${RUNS:-3}"
# shellcheck source=bench/measure.sh
. "$root/bench/measure.sh"

for tool in "$PEERS/conftest" "$PEERS/gator" "$BIN" /usr/bin/time; do
  [ -x "$tool" ] || { echo "bench: missing $tool (build peers with tests/peers/build, sealgate with cargo build --release)" >&2; exit 2; }
done
CONFTEST_POLICY="$CORPORA/conftest-examples/kubernetes/policy"
GK_POLICY="$CORPORA/gatekeeper-gator-tests/test/fixtures/policies/default"
[ -d "$CONFTEST_POLICY" ] && [ -d "$GK_POLICY" ] || { echo "bench: corpora missing under $CORPORA" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# N resources in files of 100 documents: Deployments, Services and Pods (valid for the schemas).
python3 - "$WORK/corpus" "$N" <<'EOF'
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
docs = []
for i in range(n):
    ns = f"team-{i % 20}"
    k = i % 3
    if k == 0:
        docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: {ns}
  labels: {{app.kubernetes.io/name: app-{i}, owner: team}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: app-{i}, release: r1}}
  template:
    metadata:
      labels: {{app: app-{i}, release: r1}}
    spec:
      securityContext: {{runAsNonRoot: {str(i % 2 == 0).lower()}}}
      containers:
        - name: app
          image: registry.example.com/app:{i % 7}.0
          resources:
            requests: {{cpu: 100m, memory: 64Mi}}
            limits: {{memory: 128Mi}}
""")
    elif k == 1:
        docs.append(f"""apiVersion: v1
kind: Service
metadata:
  name: svc-{i}
  namespace: {ns}
  labels: {{owner: team}}
spec:
  selector: {{app: app-{i - 1}}}
  ports:
    - port: 80
      targetPort: 8080
""")
    else:
        docs.append(f"""apiVersion: v1
kind: Pod
metadata:
  name: pod-{i}
  namespace: {ns}
  labels: {{owner: team}}
spec:
  containers:
    - name: c
      image: busybox:1.36
      readinessProbe: {{exec: {{command: ["true"]}}}}
""")
for f in range(0, n, 100):
    with open(os.path.join(out, f"part-{f // 100:04d}.yaml"), "w") as fh:
        fh.write("---\n".join(docs[f:f + 100]))
EOF

load_before=$(cut -d' ' -f1 /proc/loadavg)
{
  echo "| run | wall (s) | peak RSS (MiB) | exit |"
  echo "|---|---|---|---|"
  measure "conftest test (examples/kubernetes/policy)" "$PEERS/conftest" test --no-color -p "$CONFTEST_POLICY" "$WORK/corpus"
  measure "sealgate validate --policy (same policy, + schemas)" "$BIN" validate -j "$JOBS" --policy "$CONFTEST_POLICY" "$WORK/corpus"
  measure "sealgate validate (schemas only, for reference)" "$BIN" validate -j "$JOBS" "$WORK/corpus"
  measure "gator test (3 templates + constraints)" "$PEERS/gator" test -f "$GK_POLICY" -f "$WORK/corpus"
  measure "sealgate validate --policy (same templates, + schemas)" "$BIN" validate -j "$JOBS" --policy "$GK_POLICY" "$WORK/corpus"
  measure "sealgate validate --policy builtin (5 shipped policies, + schemas)" "$BIN" validate -j "$JOBS" --policy builtin "$WORK/corpus"
} | tee "$WORK/table"
load_after=$(cut -d' ' -f1 /proc/loadavg)

wall() { awk -F'|' -v row="$1" 'NR == row + 2 {gsub(/ /, ""); print $3}' "$WORK/table"; }
cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
{
  echo "## Validation (policies)"
  echo
  echo "\`bench/validate-policies.sh\` (run: \`cargo build --release -p sealgate && bench/validate-policies.sh\`; \`N=\`, \`RUNS=\`)."
  echo "Corpus: $N generated resources (Deployments, Services, Pods) in $((N / 100)) files of 100 documents. Wall time:"
  echo "median of $RUNS runs; peak RSS: the largest of the $RUNS runs (\`/usr/bin/time -v\`). sealgate binary: \`${BIN#"$root"/}\`, -j $JOBS;"
  echo "$("$PEERS/conftest" --version | head -1) and gator $("$PEERS/gator" --version 2>/dev/null | head -1), built by \`tests/peers/build\`."
  echo "Measured $(date -u +%Y-%m-%d) on $cpu, $(nproc) vCPUs (a shared development VM: other builds may have been running);"
  echo "1-minute load average $load_before before the runs, $load_after after."
  echo
  cat "$WORK/table"
  case "$BIN" in */debug/*) echo; echo "**Dev-profile binary** (sealgate's own crates unoptimized, dependencies at opt-level 2): the release build could not be made in the session's time on the shared 2-core VM, so these are not yet the release numbers the targets are about." ;; esac
  echo
  printf 'Speed-up: **%.1f×** conftest (target ≥ 10×), **%.1f×** gator (target ≥ 5×).\n' \
    "$(echo "$(wall 1) / $(wall 2)" | bc -l)" "$(echo "$(wall 4) / $(wall 5)" | bc -l)"
} >"$WORK/section"
cat "$WORK/section"
[ "${DOCS:-1}" = 0 ] || write_section "$root/docs/benchmarks.md" validate-policies "$WORK/section"
