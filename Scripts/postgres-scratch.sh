#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on loopback for tests and benchmarks: sourced, it defines
# postgres_scratch_start (initdb in a new folder, start on a free port, export
# ASSURE_TEST_POSTGRES with the address to create databases on) and postgres_scratch_stop
# (stop it and remove the folder). PostgreSQL refuses to run as root, so as root the cluster
# belongs to the `postgres` user.
#
# PG_FAST=1 turns durability off (fsync, synchronous_commit, full_page_writes): for tests, which
# create a database each (CREATE DATABASE writes and syncs a copy of the template) and never
# outlive the cluster. Benchmarks leave it unset, so PostgreSQL syncs its commits as SQLite does.
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}

postgres_scratch_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

postgres_scratch_start() {
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL server binaries not found (Debian: apt-get install postgresql)" >&2
    return 1
  fi
  PG_SCRATCH=$(mktemp -d /tmp/assure-pg.XXXXXX)
  chmod 755 "$PG_SCRATCH"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_SCRATCH"
  PG_PORT=${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  postgres_scratch_as "$PG_BIN/initdb" -D "$PG_SCRATCH/data" -A trust -U postgres -E UTF8 >"$PG_SCRATCH/initdb.log"
  local options="-p $PG_PORT -k $PG_SCRATCH -c listen_addresses=127.0.0.1 -c max_connections=400"
  if [ "${PG_FAST:-}" = 1 ]; then options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"; fi
  postgres_scratch_as "$PG_BIN/pg_ctl" -D "$PG_SCRATCH/data" -l "$PG_SCRATCH/server.log" -w -o "$options" start >/dev/null
  export PG_SCRATCH PG_PORT
  export ASSURE_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_SCRATCH)"
}

postgres_scratch_stop() {
  [ -n "${PG_SCRATCH:-}" ] || return 0
  postgres_scratch_as "$PG_BIN/pg_ctl" -D "$PG_SCRATCH/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_SCRATCH"
  PG_SCRATCH=
}
