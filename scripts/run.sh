#!/usr/bin/env bash
# Runs StudioDesk on its embedded default: the server on a SQLite file and local disk under
# ./data (a demo studio is created on first start), then the desktop app logged in to it.
# Without a display the app serves its UI in browser mode and prints the address.
set -euo pipefail
cd "$(dirname "$0")/.."
addr=${STUDIODESK_ADDR:-127.0.0.1:8640}
data=${STUDIODESK_DATA:-./data}
mkdir -p "$data"

bin/studiodesk-server serve --demo --data "$data" --addr "$addr" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 100); do
  curl -fsS "http://$addr/healthz" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "run: the server stopped; see the messages above" >&2; exit 1; }
  sleep 0.1
done
echo "Server:        http://$addr   (customer pages at http://$addr/)"
echo "Data:          $data"
bin/studiodesk --server "http://$addr" --demo-login "$data/demo-login.json"
