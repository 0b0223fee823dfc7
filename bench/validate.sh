#!/usr/bin/env bash
# Schema-gate benchmark: kubeconform -strict vs `sealgate validate --strict` on a generated corpus of
# N resources of common kinds (default 10,000, in files of 100 documents), same schemas (sealgate's
# built-ins exported with `sealgate schemas export` and given to kubeconform as -schema-location),
# same worker count. Wall time (median of RUNS) and peak RSS (max of RUNS) from `/usr/bin/time -v`.
# Writes the "Validation (schemas)" section of docs/benchmarks.md (between the validate-schemas markers).
#
# Needs: SEALGATE_PEERS (kubeconform; from tests/peers/build), SEALGATE_BIN (default:
# target/release/sealgate; build it with cargo build --release -p sealgate), GNU time, python3, bc.
# Env: N (resources), RUNS (default 5), JOBS (default: nproc), DOCS=0 to only print the table.
set -euo pipefail
# A user's default environment: with RUST_BACKTRACE set, every error regorus builds and discards
# in its hot paths captures a backtrace (~10% of a --policy builtin run).
unset RUST_BACKTRACE

root="$(cd "$(dirname "$0")/.." && pwd)"
N="${N:-10000}"
RUNS="${RUNS:-5}"
PEERS="${SEALGATE_PEERS:-$HOME/.cache/sealgate/peers}"
BIN="${SEALGATE_BIN:-$root/target/release/sealgate}"
JOBS="${JOBS:-$(nproc)}"
# shellcheck source=bench/measure.sh
. "$root/bench/measure.sh"

for tool in "$PEERS/kubeconform" "$BIN" /usr/bin/time; do
  [ -x "$tool" ] || { echo "bench: missing $tool (build peers with tests/peers/build, sealgate with cargo build --release -p sealgate)" >&2; exit 2; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

"$BIN" schemas export "$WORK/schemas" >/dev/null
# The newest built-in version, as the exported folder names it (v1.36.3-standalone → 1.36.3).
VERSION="$(find "$WORK/schemas" -maxdepth 1 -name 'v*-standalone' -printf '%f\n' | sed 's/^v//; s/-standalone$//' | sort -V | tail -1)"

python3 "$root/bench/gate-corpus.py" "$WORK/corpus" "$N"
# Other work on the machine skews both tools' wall times (not their RSS): say how busy it was.
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

{
  echo "| run | wall (s) | peak RSS (MiB) | exit |"
  echo "|---|---|---|---|"
  measure "kubeconform -strict -n $JOBS" "$PEERS/kubeconform" -strict -summary -n "$JOBS" -kubernetes-version "$VERSION" -schema-location "$WORK/schemas" "$WORK/corpus"
  kc_summary="$(tail -1 "$WORK/out")"
  measure "sealgate validate --strict -j $JOBS" "$BIN" validate --strict -j "$JOBS" --kubernetes-version "$VERSION" "$WORK/corpus"
  sg_summary="$(tail -1 "$WORK/out")"
  measure "sealgate validate --strict -j $JOBS --schema-location (the exported folder)" "$BIN" validate --strict -j "$JOBS" --kubernetes-version "$VERSION" --schema-location "$WORK/schemas" "$WORK/corpus"
  {
    echo
    echo "kubeconform: \`$kc_summary\`"
    echo
    echo "sealgate: \`$sg_summary\`"
  } >"$WORK/summaries"
} | tee "$WORK/table"

cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
kc_wall="$(awk -F'|' 'NR == 3 {gsub(/ /, ""); print $3}' "$WORK/table")"; sg_wall="$(awk -F'|' 'NR == 4 {gsub(/ /, ""); print $3}' "$WORK/table")"
kc_rss="$(awk -F'|' 'NR == 3 {gsub(/ /, ""); print $4}' "$WORK/table")"; sg_rss="$(awk -F'|' 'NR == 4 {gsub(/ /, ""); print $4}' "$WORK/table")"
{
  echo "## Validation (schemas)"
  echo
  echo "\`bench/validate.sh\` (run: \`cargo build --release -p sealgate && bench/validate.sh\`; \`N=\`, \`RUNS=\`, \`JOBS=\`)."
  echo "Corpus: $N generated resources of $(python3 "$root/bench/gate-corpus.py" --kinds) kinds in $((N / 100)) files of 100 documents,"
  echo "all valid in strict mode. Both tools use the same schemas: sealgate's built-in Kubernetes $VERSION schemas, exported by"
  echo "\`sealgate schemas export\` and given to kubeconform as \`-schema-location\`. Wall time: median of $RUNS runs; peak RSS:"
  echo "the largest of the $RUNS runs (\`/usr/bin/time -v\`). sealgate binary: \`${BIN#"$root"/}\`; $("$PEERS/kubeconform" -v 2>&1 | head -1 | sed 's/^/kubeconform /')"
  echo "built by \`tests/peers/build\`. Measured $(date -u +%Y-%m-%d) on $cpu, $(nproc) vCPUs (a shared development VM:"
  echo "load average $load_before before the runs, $(cut -d' ' -f1-3 /proc/loadavg) after)."
  echo
  cat "$WORK/table"
  cat "$WORK/summaries"
  case "$BIN" in */debug/*) echo; echo "**Dev-profile binary** (sealgate's own crates unoptimized, dependencies at opt-level 2): the release build could not be made in the session's time on the shared 2-core VM, so these are not yet the release numbers the targets are about." ;; esac
  echo
  printf 'Throughput: kubeconform %.0f resources/s, sealgate %.0f resources/s: **%.2f×** kubeconform (target ≥ 2×). Peak RSS: sealgate %.0f MiB vs kubeconform %.0f MiB (target: no higher).\n' \
    "$(echo "$N / $kc_wall" | bc -l)" "$(echo "$N / $sg_wall" | bc -l)" "$(echo "$kc_wall / $sg_wall" | bc -l)" "$sg_rss" "$kc_rss"
} >"$WORK/section"
cat "$WORK/section"
[ "${DOCS:-1}" = 0 ] || write_section "$root/docs/benchmarks.md" validate-schemas "$WORK/section"
