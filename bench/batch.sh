#!/usr/bin/env bash
# Throughput of `errdex diagnose --batch` (target ≥ 10,000 inputs/s on one core): the
# devset's 103 real texts and the 146 captured tracebacks, repeated to 100,000 inputs,
# diagnosed by one process pinned to one core (taskset), output discarded.
#
# Usage: bench/batch.sh            (SHARED=/path/to/shared to point elsewhere)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
cargo build --release -q -p errdex
cargo build --release -q -p errdex-diagnose --example eval_figures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
target/release/examples/eval_figures captures "$SHARED/reference/captured" >"$tmp/captured.jsonl"
cat "$SHARED/eval/devset.jsonl" "$tmp/captured.jsonl" >"$tmp/one.jsonl"
n_one=$(wc -l <"$tmp/one.jsonl")
: >"$tmp/input.jsonl"
while [ "$(wc -l <"$tmp/input.jsonl")" -lt 100000 ]; do cat "$tmp/one.jsonl" >>"$tmp/input.jsonl"; done
n=$(wc -l <"$tmp/input.jsonl")
bytes=$(wc -c <"$tmp/input.jsonl")
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
start=$(date +%s.%N)
$pin target/release/errdex diagnose --batch "$tmp/input.jsonl" >/dev/null
end=$(date +%s.%N)
awk -v n="$n" -v b="$bytes" -v s="$start" -v e="$end" -v one="$n_one" 'BEGIN {
  t = e - s
  printf "%d inputs (%d distinct, %.1f MB) in %.2f s: %.0f inputs/s, %.1f MB/s on one core\n", n, one, b/1e6, t, n/t, b/1e6/t
}'
