#!/usr/bin/env bash
# `errdex scan` throughput and memory on a 1 GiB synthetic log (target ≥ 500 MB/s, flat
# memory), against `rg -F -f` (or `grep -F -f` when ripgrep is missing) of all the
# knowledge base's signature literals on the same file, in the same run. The log: realistic
# noise with Error, 401, Traceback and timeout in non-LLM lines, and one real LLM-API error
# line (from the captures) in a thousand. Not run by CI (it writes 1 GiB).
#
# Usage: bench/scan.sh [MIB]        (default 1024; the file goes to ${TMPDIR:-/tmp})
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-1024}
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
cargo build --release -q -p errdex
cargo build --release -q -p errdex-diagnose --example synth_log
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log="$tmp/app.log"
target/release/examples/synth_log log "$log" "$mib"
target/release/examples/synth_log literals >"$tmp/literals.txt"
bytes=$(wc -c <"$log")
echo "log: $(awk -v b="$bytes" 'BEGIN{printf "%.0f MB", b/1e6}'), $(wc -l <"$log") lines; $(wc -l <"$tmp/literals.txt") signature literals"
cat "$log" >/dev/null # warm the page cache for every tool alike

measure() { # name, command…
  local name=$1; shift
  /usr/bin/time -v -o "$tmp/time.txt" "$@" >"$tmp/out.txt"
  local secs rss
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tmp/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
  awk -v n="$name" -v s="$secs" -v b="$bytes" -v r="$rss" 'BEGIN{printf "%-34s %6.2f s  %7.0f MB/s  peak RSS %6.1f MB\n", n, s, b/1e6/s, r/1024}'
  echo "$secs" >"$tmp/$name.secs"
}

measure scan target/release/errdex scan --json "$log"
groups=$(head -c 2000 "$tmp/out.txt" | grep -o '"count":[0-9]*' | tr '\n' ' ')
if command -v rg >/dev/null; then
  measure baseline rg -F -i -c -f "$tmp/literals.txt" "$log"
  base="rg -F -i -c -f literals"
else
  measure baseline env LC_ALL=C grep -F -i -c -f "$tmp/literals.txt" "$log"
  base="grep -F -i -c -f literals (LC_ALL=C)"
fi
echo "baseline: $base → $(cat "$tmp/out.txt") matching lines; scan groups: $groups"
awk -v a="$(cat "$tmp/scan.secs")" -v b="$(cat "$tmp/baseline.secs")" 'BEGIN{printf "ratio scan/baseline time: %.2f\n", a/b}'
