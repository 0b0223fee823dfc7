#!/usr/bin/env bash
# Sealing benchmark: sealgate vs the real kubeseal on the same input and the same RSA-4096 cert,
# plus sealgate's unseal cost per item vs OpenSSL's RSA-4096 private operation.
# Needs SEALGATE_PEERS (folder with kubeseal, from tests/peers/build) and hyperfine.
# Writes the "Sealing" section of docs/benchmarks.md (between the seal markers).
#   SEALGATE_PEERS=... bash bench/seal.sh [SECRETS=1000] [PER_PROCESS=200]
# Env: SEALGATE_BIN (use this release binary instead of building one), SEALGATE_BENCH_NOTE (a line
#      under the heading, e.g. what else was running).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secrets=${1:-1000}
per_process=${2:-200}
: "${SEALGATE_PEERS:?set SEALGATE_PEERS to the folder tests/peers/build prints}"
kubeseal="$SEALGATE_PEERS/kubeseal"
[ -x "$kubeseal" ] || { echo "error: $kubeseal not found: run tests/peers/build" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "error: hyperfine not found: apt-get install hyperfine" >&2; exit 2; }

if [ -n "${SEALGATE_BIN:-}" ]; then
  sealgate=$SEALGATE_BIN   # an already built release binary
else
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
  cargo build --release -q -p sealgate --manifest-path "$root/Cargo.toml"
  sealgate="$CARGO_TARGET_DIR/release/sealgate"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
openssl req -x509 -newkey rsa:4096 -nodes -sha256 -days 3650 -subj "/CN=bench" \
  -keyout key.pem -out cert.pem 2>/dev/null

mkdir -p one
for i in $(seq 1 "$secrets"); do
  cat > "one/s$i.yaml" <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: app-$i
  namespace: bench
stringData:
  username: user-$i
  password: changeme-demo-$i
  token: token-$i-0123456789abcdef
EOF
done
for i in $(seq 1 "$secrets"); do echo "---"; cat "one/s$i.yaml"; done > stream.yaml
seq 1 "$per_process" > ids

load_before=$(cut -d' ' -f1 /proc/loadavg)
hyperfine --warmup 1 --runs 5 --export-json stream.json \
  -n sealgate "$sealgate seal --cert cert.pem -f stream.yaml > /dev/null" \
  -n kubeseal "$kubeseal --cert cert.pem -o yaml < stream.yaml > /dev/null"
hyperfine --warmup 1 --runs 3 --export-json per.json \
  -n sealgate "while read i; do $sealgate seal --cert cert.pem -f one/s\$i.yaml > /dev/null; done < ids" \
  -n kubeseal "while read i; do $kubeseal --cert cert.pem -o yaml < one/s\$i.yaml > /dev/null; done < ids"

"$sealgate" seal --cert cert.pem -f stream.yaml > sealed.yaml
items=$((secrets * 3))
hyperfine --runs 3 --export-json unseal.json \
  -n sealgate-unseal "$sealgate unseal --key key.pem -f sealed.yaml > /dev/null"
openssl speed -seconds 3 rsa4096 2> /dev/null > speed.txt

load_after=$(cut -d' ' -f1 /proc/loadavg)
mean() { python3 -c "import json,sys; d=json.load(open('$1')); print([r['${3:-mean}'] for r in d['results'] if r['command']=='$2'][0])"; }
s_stream=$(mean stream.json sealgate); k_stream=$(mean stream.json kubeseal)
s_per=$(mean per.json sealgate); k_per=$(mean per.json kubeseal)
# CPU time (user + system, of the whole loop) is less disturbed by other load than wall time
s_cpu=$(python3 -c "print($(mean per.json sealgate user) + $(mean per.json sealgate system))")
k_cpu=$(python3 -c "print($(mean per.json kubeseal user) + $(mean per.json kubeseal system))")
# AWS_LC_SYS_NO_JITTER_ENTROPY=1 (.cargo/config.toml) leaves the jitter collector out of the binary
jitter=$(grep -qa jent_entropy_collector_alloc "$sealgate" && echo "on (compiled in)" || echo "off (AWS_LC_SYS_NO_JITTER_ENTROPY=1)")
unseal=$(mean unseal.json sealgate-unseal)
ossl_sign_per_s=$(awk '/^rsa 4096 bits/ {print $(NF-1)}' speed.txt)

python3 - "$root/docs/benchmarks.md" <<EOF
import sys, platform, subprocess, os
path = sys.argv[1]
s_stream, k_stream, s_per, k_per, unseal = $s_stream, $k_stream, $s_per, $k_per, $unseal
s_cpu, k_cpu = $s_cpu, $k_cpu
load = "$load_before → $load_after"
note = os.environ.get("SEALGATE_BENCH_NOTE", "")
items, secrets, per = $items, $secrets, $per_process
ossl = 1000.0 / float("$ossl_sign_per_s")
unseal_item = unseal * 1000 / items
cpu = next((l.split(":",1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
cores = os.cpu_count()
section = f"""<!-- seal:begin -->
## Sealing

Measured by \`bench/seal.sh\` on {cpu}, {cores} cores, against kubeseal {subprocess.run(["$kubeseal","--version"],capture_output=True,text=True).stdout.strip().replace("kubeseal version: ", "")}
(built from the Go module proxy), same RSA-4096 cert, hyperfine means. {secrets} Secrets × 3 items.
AWS-LC CPU jitter entropy: $jitter. 1-minute load average before → after the run: {load}.{(chr(10) + note) if note else ""}

| case | sealgate | kubeseal | ratio (sealgate / kubeseal) | target |
|---|---|---|---|---|
| one process, whole {secrets}-Secret stream | {s_stream*1000:.0f} ms | {k_stream*1000:.0f} ms | {s_stream/k_stream:.2f}× | ≤ 0.5× |
| one process per Secret ({per} Secrets, per Secret) | {s_per*1000/per:.1f} ms | {k_per*1000/per:.1f} ms | {s_per/k_per:.2f}× | ≤ 0.5× |
| same, CPU time (user + system) per Secret | {s_cpu*1000/per:.1f} ms | {k_cpu*1000/per:.1f} ms | {s_cpu/k_cpu:.2f}× | |

| unseal cost per item | value | target |
|---|---|---|
| \`sealgate unseal\` ({items} items, one process, includes parsing) | {unseal_item:.2f} ms | |
| OpenSSL \`speed rsa4096\` private operation (same machine) | {ossl:.2f} ms | |
| ratio | {unseal_item/ossl:.2f}× | ≤ 1.2× |
<!-- seal:end -->
"""
text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n"
if "<!-- seal:begin -->" in text:
    a = text.index("<!-- seal:begin -->"); b = text.index("<!-- seal:end -->") + len("<!-- seal:end -->\n")
    text = text[:a] + section + text[b:]
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
print(section)
EOF
