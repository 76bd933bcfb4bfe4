#!/usr/bin/env bash
# Browser end-to-end: a real server on a temp SQLite file, a studio created with the server
# CLI, the desktop binary in browser mode (real Go methods behind the UI), and the
# playwright-core scenarios in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# wait_url LOG PATTERN: the first http://host:port printed by a process on a line matching PATTERN.
wait_url() {
  for _ in $(seq 1 300); do
    url=$(grep -m1 -oE "$2.*http://127\.0\.0\.1:[0-9]+" "$1" 2>/dev/null | grep -oE 'http://127\.0\.0\.1:[0-9]+' || true)
    [ -n "$url" ] && { echo "$url"; return 0; }
    sleep 0.1
  done
  echo "e2e: no address in $1:" >&2
  cat "$1" >&2
  return 1
}

out=$(bin/studiodesk-server tenant create --data "$tmp/server" --name "端到端影楼" --admin-phone 13800001111)
admin_pw=$(echo "$out" | sed -n 's/.*admin password: \([^ ]*\).*/\1/p')
tenant_id=$(echo "$out" | sed -n 's/.*studio id: *\([0-9]*\).*/\1/p')
# Credits for the album scenario (creating an album spends them).
bin/studiodesk-server credits topup --data "$tmp/server" --tenant "$tenant_id" --credits 1000 --grant --note e2e >/dev/null

bin/studiodesk-server serve --data "$tmp/server" --addr 127.0.0.1:0 >"$tmp/server.log" 2>&1 &
server_pid=$!
pids+=($server_pid)
server_url=$(wait_url "$tmp/server.log" "listening on")

bin/studiodesk --bridge 127.0.0.1:0 --config "$tmp/desk" --server "$server_url" >"$tmp/desk.log" 2>&1 &
pids+=($!)
studio_url=$(wait_url "$tmp/desk.log" "browser mode:")

echo "e2e: server $server_url, studio UI $studio_url"
cd frontend
export STUDIO_URL="$studio_url" SERVER_URL="$server_url" ADMIN_PHONE=13800001111 ADMIN_PASSWORD="$admin_pw" RESULTS_DIR="$root/test-results"
# The lead scenario stops the server for its offline part and starts it again (as its own
# child, on the same address and data), so it runs last.
export SERVER_PID="$server_pid" SERVER_BIN="$root/bin/studiodesk-server" SERVER_DATA="$tmp/server"
status=0
node --test e2e/e2e.test.mjs || status=1
node --test e2e/album.test.mjs || status=1
node --test e2e/live.test.mjs || status=1
node --test e2e/leads.test.mjs || status=1
exit $status
