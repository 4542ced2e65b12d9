#!/usr/bin/env bash
# Accuracy of diagnosis (issue 3): named-when-known, silent-when-unknown, overall top-1 and
# negatives rejected on ../shared/eval/devset.jsonl — the tuning half (odd lines) and the
# held-out half (even lines) separately — and top-1 on the real tracebacks in
# ../shared/reference/captured/ for the entries that exist. Every answer comes from
# `errdex diagnose --batch`, the same interface users and benchmarks get.
#
# Usage: bench/eval.sh            (SHARED=/path/to/shared to point elsewhere; PROFILE=dev
#                                  uses the debug build, which gives the same answers)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
PROFILE=${PROFILE:-release}
dir=$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")
cargo build --profile "$PROFILE" -q -p errdex
cargo build --profile "$PROFILE" -q -p errdex-diagnose --example eval_figures
errdex=target/$dir/errdex
figures=target/$dir/examples/eval_figures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$errdex" list --json >"$tmp/list.json"
"$errdex" diagnose --batch "$SHARED/eval/devset.jsonl" >"$tmp/devset.answers.jsonl"
"$figures" captures "$SHARED/reference/captured" >"$tmp/captured.jsonl"
"$errdex" diagnose --batch "$tmp/captured.jsonl" >"$tmp/captured.answers.jsonl"
"$figures" figures "$tmp/list.json" "$SHARED/eval/devset.jsonl" "$tmp/devset.answers.jsonl" \
  "$tmp/captured.jsonl" "$tmp/captured.answers.jsonl"
