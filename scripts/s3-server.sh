#!/usr/bin/env bash
# A throwaway S3-compatible server for the tests: versitygw (posix backend) on a free
# 127.0.0.1 port, storing into a temp directory. Sourced by scripts/test.sh:
#   s3_start   installs versitygw if missing, starts it, exports STUDIODESK_TEST_S3{,_KEY,_SECRET}
#   s3_stop    stops it and removes its files
# Run directly (scripts/s3-server.sh) to start one in the foreground for a developer.

versitygw_version=v1.8.0

s3_install() {
  local gobin
  gobin="$(go env GOPATH)/versitygw-$versitygw_version"
  if [ ! -x "$gobin/versitygw" ]; then
    echo "s3-server: building versitygw $versitygw_version (once per machine)" >&2
    GOBIN="$gobin" GOFLAGS=-mod=mod go install "github.com/versity/versitygw/cmd/versitygw@$versitygw_version" >&2
  fi
  echo "$gobin/versitygw"
}

# s3_free_port prints a port nothing listens on (a random one in 20000–44999).
s3_free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 25000))
    (: </dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo "$p"; return; }
  done
}

s3_start() {
  local bin port
  bin=$(s3_install) || return 1
  S3_DIR=$(mktemp -d)
  mkdir -p "$S3_DIR/data"
  port=$(s3_free_port)
  export STUDIODESK_TEST_S3="http://127.0.0.1:$port"
  export STUDIODESK_TEST_S3_KEY="studiodesk-test"
  export STUDIODESK_TEST_S3_SECRET="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  # The machine may point AWS_CA_BUNDLE at its own CA file; the local server speaks plain HTTP.
  ROOT_ACCESS_KEY="$STUDIODESK_TEST_S3_KEY" ROOT_SECRET_KEY="$STUDIODESK_TEST_S3_SECRET" \
    "$bin" --port "127.0.0.1:$port" posix "$S3_DIR/data" >"$S3_DIR/server.log" 2>&1 &
  S3_PID=$!
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
      echo "s3-server: versitygw $versitygw_version on $STUDIODESK_TEST_S3" >&2
      return 0
    fi
    kill -0 "$S3_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "s3-server: versitygw did not start:" >&2
  cat "$S3_DIR/server.log" >&2
  return 1
}

s3_stop() {
  [ -n "${S3_PID:-}" ] && kill "$S3_PID" 2>/dev/null && wait "$S3_PID" 2>/dev/null
  [ -n "${S3_DIR:-}" ] && rm -rf "$S3_DIR"
  S3_PID= S3_DIR=
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  cd "$(dirname "$0")/.."
  export PATH="/usr/local/go/bin:$PATH"
  trap s3_stop EXIT
  s3_start
  echo "export STUDIODESK_TEST_S3=$STUDIODESK_TEST_S3 STUDIODESK_TEST_S3_KEY=$STUDIODESK_TEST_S3_KEY STUDIODESK_TEST_S3_SECRET=$STUDIODESK_TEST_S3_SECRET"
  echo "Ctrl-C stops it."
  wait "$S3_PID"
fi
