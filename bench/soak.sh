#!/usr/bin/env bash
# Soak: `errdex serve` (release build) under a steady mixed workload on loopback — entry
# pages, entry JSON, search (page and API), diagnose, the notes API, note creation,
# confirmations and moderation — at a bounded rate for a bounded time, on SQLite or on
# PostgreSQL (a throwaway cluster from .ci/postgres.sh, on its own port).
#
# Reports requests served, the statuses per route (deliberate 409/422/429 apart), p50/p99
# per route, the server's RSS at start, after the first minute and at the end, and checks
# that every note acknowledged with 201 is in the database at the end (`errdex notes
# export` after a clean stop) and every note published is published there.
#
# Targets (exit 1 when one is missed): no unexpected status and no transport error; at
# least 95% of the asked rate served; every acknowledged note stored, every published one
# published; RSS at the end within 25% of RSS after the first minute (pages and the search
# index are built on first use, so the first minute is warm-up); p99 under 1 s per route.
#
# Usage: bench/soak.sh [sqlite|postgres] [SECONDS (default 600)] [RATE req/s (default 200)]
#        (ERRDEX_BIN=path: that binary instead of `cargo build --release`)
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
secs=${2:-600}
rate=${3:-200}
for tool in python3 curl; do
  command -v $tool >/dev/null || { echo "needs $tool"; exit 1; }
done
# ERRDEX_BIN=path runs that binary instead of building one.
bin=${ERRDEX_BIN:-target/release/errdex}
[ -n "${ERRDEX_BIN:-}" ] || cargo build --release -q -p errdex
tmp=$(mktemp -d)
token=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
spid=
cleanup() {
  [ -n "$spid" ] && kill "$spid" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "${PG_DIR:-}" ]; then
    su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  rm -rf "$tmp"
}
case $backend in
  sqlite) db=(--data-dir "$tmp/data") ;;
  postgres)
    # A port of its own, so that a test suite's cluster on 55432 is left alone.
    PG_PORT=${PG_PORT:-55461}
    # shellcheck source=../.ci/postgres.sh
    source .ci/postgres.sh
    db=(--database-url "$ERRDEX_TEST_DATABASE_URL") ;;
  *) echo "usage: bench/soak.sh [sqlite|postgres] [SECONDS] [RATE]"; exit 2 ;;
esac
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# --trust-proxy: the driver names each request's client in X-Forwarded-For, so that the
# per-client limits apply to the clients it means (one of them on purpose over the limit).
RUST_LOG=warn ERRDEX_ADMIN_TOKEN=$token $bin serve --addr 127.0.0.1:$port "${db[@]}" \
  --trust-proxy >"$tmp/serve.out" 2>"$tmp/serve.err" &
spid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" || { echo "the server did not start"; cat "$tmp/serve.err"; exit 1; }

echo "soak: $backend, ${secs}s at $rate req/s, $(nproc) cores, $($bin --version | head -n1), $(date -u +%FT%TZ)"
python3 bench/soak.py "http://127.0.0.1:$port" "$secs" "$rate" "$spid" "$tmp/report.json" "$token"

# A clean stop, then everything the database holds.
kill -TERM "$spid"; wait "$spid" || true; spid=
$bin notes export "${db[@]}" >"$tmp/export.jsonl"
python3 - "$tmp/report.json" "$tmp/export.jsonl" "$tmp/serve.err" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
notes = {}
for line in open(sys.argv[2]):
    rec = json.loads(line)
    if rec.get("type") == "note":
        notes[rec["id"]] = rec["status"]
missing = [i for i in r["acknowledged"] if i not in notes]
unpublished = [i for i in r["published"] if notes.get(i) != "published"]
unrejected = [i for i in r["rejected"] if notes.get(i) != "rejected"]
rss = r["rss_kib"]
start = rss[0][1]
warm = next((k for t, k in rss if t >= 60), rss[-1][1])
end = rss[-1][1]
deliberate = sum(sum(v["deliberate"].values()) for v in r["routes"].values())
non2xx = sum(n for v in r["routes"].values() for s, n in v["statuses"].items() if not s.startswith("2"))

print(f"\nrequests served {r['served']} in {r['seconds']} s ({r['rate_achieved']} req/s of {r['rate_asked']} asked; {r['late_starts']} started over 100 ms late, {r.get('not_sent', 0)} not sent by the end)")
print(f"non-2xx {non2xx}: deliberate {deliberate}, unexpected {r['unexpected']}; transport errors {r['transport_errors']}")
print(f"\n| route | requests | p50 ms | p99 ms | max ms | statuses (deliberate) |")
print("|---|---:|---:|---:|---:|---|")
for name, v in r["routes"].items():
    st = ", ".join(f"{s}: {n}" for s, n in v["statuses"].items())
    de = ", ".join(f"{s}: {n}" for s, n in v["deliberate"].items())
    print(f"| {name} | {v['count']} | {v['p50_ms']} | {v['p99_ms']} | {v['max_ms']} | {st}{' (' + de + ')' if de else ''} |")
print(f"\nRSS: {start // 1024} MB at start, {warm // 1024} MB after the first minute, {end // 1024} MB at the end")
print(f"notes: {len(r['acknowledged'])} acknowledged (201), {len(r['acknowledged']) - len(missing)} of them in the database; "
      f"{len(r['published'])} published, {len(r['published']) - len(unpublished)} published there; "
      f"{len(r['rejected'])} rejected, {len(r['rejected']) - len(unrejected)} rejected there; {len(notes)} notes stored in all")

failed = []
if r["unexpected"]: failed.append(f"unexpected statuses: {r['unexpected_samples'][:5]}")
if r["transport_errors"]: failed.append(f"transport errors: {r['transport_samples'][:5]}")
if r["rate_achieved"] < 0.95 * r["rate_asked"]: failed.append("under 95% of the asked rate")
if missing: failed.append(f"{len(missing)} acknowledged notes missing, e.g. {missing[:3]}")
if unpublished: failed.append(f"{len(unpublished)} published notes not published, e.g. {unpublished[:3]}")
if unrejected: failed.append(f"{len(unrejected)} rejected notes not rejected, e.g. {unrejected[:3]}")
if end > 1.25 * warm: failed.append(f"RSS grew from {warm} KiB to {end} KiB")
for name, v in r["routes"].items():
    if v["p99_ms"] > 1000: failed.append(f"{name}: p99 {v['p99_ms']} ms")
errors = [l for l in open(sys.argv[3]) if " ERROR " in l]
if errors: failed.append(f"{len(errors)} error lines in the server log, e.g. {errors[0].strip()}")
if failed:
    print("\nFAILED:\n- " + "\n- ".join(failed))
    sys.exit(1)
print("\nall targets met")
PY
