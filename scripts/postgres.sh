#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb into a temp dir, pg_ctl on a free
# 127.0.0.1 port, trust authentication for one superuser (so the address holds no password).
#
# Sourced by scripts/test.sh: pg_cluster_start exports STUDIODESK_TEST_PG (the superuser's
# address; the tests create a database per test under it) and pg_cluster_stop removes it all.
# Run directly, it wraps one command: scripts/postgres.sh go test ./backend/store/postgres/
#
# initdb refuses to run as root: as root the cluster runs as Debian's `postgres` user
# (scripts/setup.sh installs the postgresql package that creates it).

pg_cluster_dir=""
pg_cluster_as=()

pg_cluster_start() {
  local bindir port try
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ ! -x "$bindir/initdb" ]; then
    echo "postgres: no initdb under /usr/lib/postgresql (scripts/setup.sh installs Debian's postgresql)" >&2
    return 1
  fi
  pg_cluster_dir=$(mktemp -d /tmp/studiodesk-pg.XXXXXX) || return 1
  pg_cluster_as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$pg_cluster_dir" || return 1
    pg_cluster_as=(runuser -u postgres --)
  fi
  # C locale: text compares byte-wise, as in SQLite; no fsync: the cluster dies with the run.
  if ! "${pg_cluster_as[@]}" "$bindir/initdb" -D "$pg_cluster_dir/data" -U studiodesk -A trust -E UTF8 --locale=C \
    --no-sync >"$pg_cluster_dir/initdb.log" 2>&1; then
    echo "postgres: initdb failed:" >&2
    cat "$pg_cluster_dir/initdb.log" >&2
    return 1
  fi
  for try in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 30000))
    # Something answers there already: try another port.
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    if "${pg_cluster_as[@]}" "$bindir/pg_ctl" -D "$pg_cluster_dir/data" -l "$pg_cluster_dir/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $pg_cluster_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
      start >/dev/null; then
      export STUDIODESK_TEST_PG="postgres://studiodesk@127.0.0.1:$port/postgres?sslmode=disable"
      echo "postgres: test cluster on 127.0.0.1:$port ($pg_cluster_dir)"
      return 0
    fi
  done
  echo "postgres: the server did not start:" >&2
  tail -n 20 "$pg_cluster_dir/server.log" >&2
  return 1
}

pg_cluster_stop() {
  [ -n "$pg_cluster_dir" ] || return 0
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -f "$pg_cluster_dir/data/postmaster.pid" ]; then
    "${pg_cluster_as[@]}" "$bindir/pg_ctl" -D "$pg_cluster_dir/data" -m immediate -w stop >/dev/null 2>&1
  fi
  rm -rf "$pg_cluster_dir"
  pg_cluster_dir=""
  unset STUDIODESK_TEST_PG
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  if [ $# -eq 0 ]; then
    echo "usage: scripts/postgres.sh COMMAND [ARGS...]  (runs COMMAND with STUDIODESK_TEST_PG set)" >&2
    exit 2
  fi
  trap pg_cluster_stop EXIT
  pg_cluster_start || exit 1
  "$@"
fi
