#!/usr/bin/env bash
# `errdex serve` under load, on loopback, bounded in time (about a minute):
#   1. an entry page from errdex vs nginx serving the same page bytes as a static file
#      (bench/nginx-web.conf: sendfile, access_log off, 2 workers = errdex's 2 tokio
#      workers), both asked with `Accept-Encoding: gzip` — target ≥ 70% of nginx's req/s;
#   2. POST /api/v1/diagnose with a real 5 KB traceback at 64 connections — target
#      ≥ 5,000 req/s and p99 < 20 ms;
# zero non-2xx responses, and the server's peak RSS. Needs wrk and nginx (Debian packages).
#
# Usage: bench/web.sh [SECONDS]     (each wrk run; default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
for tool in wrk nginx curl python3; do
  command -v $tool >/dev/null || { echo "needs $tool (apt-get install wrk nginx-light curl python3)"; exit 1; }
done
threads=2
cargo build --release -q -p errdex
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

wait_port() { for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done; echo "port $1 did not open"; exit 1; }

# errdex
eport=18391
RUST_LOG=warn TOKIO_WORKER_THREADS=$threads target/release/errdex serve --addr 127.0.0.1:$eport --data-dir "$tmp/data" >/dev/null &
epid=$!; pids+=("$epid")
wait_port $eport
page=/errors/anthropic/authentication-error

# nginx, with the very bytes errdex serves (identity and gzip)
nport=18392
mkdir -p "$tmp/nginx/www/errors/anthropic" "$tmp/nginx/tmp"
curl -s "http://127.0.0.1:$eport$page" -o "$tmp/nginx/www$page.html"
curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$eport$page" -o "$tmp/nginx/www$page.html.gz"
chmod -R a+rX "$tmp" # nginx's workers run as another user
sed -e "s|@ROOT@|$tmp/nginx|g" -e "s|@PORT@|$nport|g" bench/nginx-web.conf >"$tmp/nginx/nginx.conf"
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
pids+=("$!")
wait_port $nport
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept-Encoding: gzip' "http://127.0.0.1:$nport$page.html")" = 200 ] || { echo "nginx does not serve the page"; cat "$tmp/nginx/error.log"; exit 1; }

echo "page: $(wc -c <"$tmp/nginx/www$page.html") bytes, $(wc -c <"$tmp/nginx/www$page.html.gz") gzipped; wrk -t$threads, ${secs}s per run, loopback; $(nproc) cores"
echo
printf '%-44s %10s %9s %9s %8s\n' "run" "req/s" "p50" "p99" "non-2xx"

run() { # name, connections, url, extra wrk args…
  local name=$1 conns=$2 url=$3; shift 3
  wrk -t$threads -c"$conns" -d"${secs}s" --latency "$@" "$url" >"$tmp/wrk.txt"
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$tmp/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/wrk.txt")
  bad=$(awk '/Non-2xx or 3xx responses/ {print $5}' "$tmp/wrk.txt"); bad=${bad:-0}
  grep -q "Socket errors" "$tmp/wrk.txt" && bad="$bad ($(grep 'Socket errors' "$tmp/wrk.txt" | sed 's/^ *//'))"
  printf '%-44s %10s %9s %9s %8s\n' "$name" "$rps" "$p50" "$p99" "$bad"
  echo "$rps" >"$tmp/$(echo "$name" | tr -c 'a-z0-9\n' '_').rps"
}

curl -s -o /dev/null -H 'Accept-Encoding: gzip' "http://127.0.0.1:$eport$page" # rendered once, before timing
run "entry page, errdex serve (gzip)" 64 "http://127.0.0.1:$eport$page" -H 'Accept-Encoding: gzip'
run "entry page, nginx static file (gzip)" 64 "http://127.0.0.1:$nport$page.html" -H 'Accept-Encoding: gzip'

# A real 5 KB traceback: the Python SDK's output for a timeout (httpx chain + anthropic).
python3 - "$tmp/body.json" "$tmp/body401.json" <<'PY'
import json, sys
text = open("crates/web/tests/fixtures/anthropic-timeout.txt").read()
json.dump({"text": text}, open(sys.argv[1], "w"))
text = open("crates/web/tests/fixtures/anthropic-401.txt").read()
json.dump({"text": text}, open(sys.argv[2], "w"))
PY
cat >"$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$tmp/body.json", "rb"); wrk.body = f:read("*a"); f:close()
LUA
curl -s -o /dev/null -H 'Content-Type: application/json' --data @"$tmp/body.json" "http://127.0.0.1:$eport/api/v1/diagnose"
top=$(curl -s -H 'Content-Type: application/json' --data @"$tmp/body.json" "http://127.0.0.1:$eport/api/v1/diagnose" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["matches"][0]["id"] if d["matches"] else "no match")')
run "POST /api/v1/diagnose, 5 KB, 64 conns" 64 "http://127.0.0.1:$eport/api/v1/diagnose" -s "$tmp/post.lua"
# The 401 traceback (1.4 KB), which the knowledge base matches.
sed "s|body.json|body401.json|" "$tmp/post.lua" >"$tmp/post401.lua"
top401=$(curl -s -H 'Content-Type: application/json' --data @"$tmp/body401.json" "http://127.0.0.1:$eport/api/v1/diagnose" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["matches"][0]["id"] if d["matches"] else "no match")')
run "POST /api/v1/diagnose, 1.4 KB 401, 64 conns" 64 "http://127.0.0.1:$eport/api/v1/diagnose" -s "$tmp/post401.lua"

echo
echo "diagnose bodies: timeout traceback $(wc -c <crates/web/tests/fixtures/anthropic-timeout.txt) bytes (top match: $top), 401 traceback $(wc -c <crates/web/tests/fixtures/anthropic-401.txt) bytes (top match: $top401)"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v e="$(cat "$tmp"/entry_page__errdex_*.rps)" -v n="$(cat "$tmp"/entry_page__nginx_*.rps)" \
  'BEGIN{printf "errdex / nginx: %.0f%% (target >= 70%%)\n", 100*e/n}'
echo "errdex serve peak RSS: $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$epid/status)"
