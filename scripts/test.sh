#!/usr/bin/env bash
# Runs every StudioDesk test suite against the built binaries (make test builds them first):
# Go (vet, unit, API, store conformance on SQLite and PostgreSQL, race), the API tests a
# second time on PostgreSQL with photos in S3, frontend unit tests, browser end to end in Debian's Chromium,
# and the desktop smoke test under Xvfb. Ends with one summary line.
#
# A throwaway PostgreSQL cluster (scripts/postgres.sh) lives for the run: the Go tests find
# it through STUDIODESK_TEST_PG; CI=true (set below) makes a gated test without its server fail.
set -uo pipefail
cd "$(dirname "$0")/.."
# This is the whole suite: a test gated on a server or tool this script provides (PostgreSQL,
# S3, nginx, libjpeg-turbo) fails instead of skipping when it is missing.
export CI="${CI:-true}"
export PATH="/usr/local/go/bin:$PATH"
mkdir -p test-results
passed=0
failed=0
failures=()
trap 'exit 130' INT
trap 'exit 143' TERM

suite() {
  local name=$1
  shift
  echo
  echo "=== suite: $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "=== FAILED: $name"
  fi
}

# Real servers the storage suites run against (stopped on exit).
. scripts/s3-server.sh
. scripts/postgres.sh
trap 's3_stop; pg_cluster_stop' EXIT
if ! s3_start; then
  failed=$((failed + 1))
  failures+=("start S3 server")
fi
if ! pg_cluster_start; then
  failed=$((failed + 1))
  failures+=("start PostgreSQL cluster")
fi

suite "go vet" go vet ./...
suite "go vet (desktop)" go vet -tags desktop,production .
suite "go test" go test -count=1 ./...
suite "media renderer without cgo (the desktop's build)" env CGO_ENABLED=0 STUDIODESK_MEDIA_PUREGO=1 go test -count=1 ./backend/media/...
suite "go test -race (backend, app)" go test -race -count=1 ./backend/... ./app/...
suite "API tests on PostgreSQL + S3" env STUDIODESK_TEST_STORE=postgres STUDIODESK_TEST_BLOBS=s3 go test -count=1 ./backend/api/
suite "frontend unit (vitest)" bash -c 'cd frontend && npm test --silent'
suite "browser end to end (chromium)" scripts/e2e.sh
suite "desktop smoke (wails under xvfb)" scripts/desktop-smoke.sh bin/studiodesk

echo
[ ${#failures[@]} -gt 0 ] && echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
