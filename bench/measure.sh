# shellcheck shell=bash
# Shared by the validation benchmarks (sourced): timed runs with GNU time, and the docs/benchmarks.md
# section writer. Expects $WORK (a scratch folder) and $RUNS (repetitions per command).

# measure LABEL CMD… : runs CMD $RUNS times under `/usr/bin/time -v`; prints one markdown row
# "| LABEL | median wall s | max peak RSS MiB | exit |" and leaves the last stdout in $WORK/out.
measure() {
  local label="$1"; shift
  local walls=() rss=0 code=0 i
  for ((i = 0; i < RUNS; i++)); do
    set +e
    /usr/bin/time -v -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err"
    code=$?
    set -e
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + p[j]; print s}' "$WORK/time")")
    local r; r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time")
    (( r > rss )) && rss=$r
  done
  local median; median=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  printf '| %s | %.2f | %.0f | %s |\n' "$label" "$median" "$(echo "$rss / 1024" | bc -l)" "$code"
}

# write_section FILE NAME BODY : replaces the text between <!-- NAME:begin --> and <!-- NAME:end -->
# in FILE with the content of the file BODY (appended at the end when the markers are missing).
write_section() {
  python3 - "$1" "$2" "$3" <<'PY'
import os, sys
path, name = sys.argv[1], sys.argv[2]
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
body = open(sys.argv[3]).read().rstrip("\n") + "\n"
section = f"{begin}\n{body}{end}\n"
text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n"
if begin in text and end in text:
    a = text.index(begin)
    b = text.index(end) + len(end)
    if text[b:b + 1] == "\n":
        b += 1
    text = text[:a] + section + text[b:]
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
}
