#!/usr/bin/env bash
# Sync at scale, against a real assure-server (release build) on 127.0.0.1 with real `assure`
# processes and real SQLite files.
#
# Part 1: one device holds N (default 10,000) engagements recorded offline; `assure sync`
# pushes them to a fresh server (timed as a whole process; that sync also pulls the device's
# own N changes back, as every sync does), then a second, new device runs `assure sync` and
# pulls them (timed). Reported beside the time the sqlite3 CLI takes to insert N rows of the
# same shape, in one transaction, into a table built like the server's `engagement` table
# (same schema, WAL, synchronous = FULL as both ends use), in a file on the same machine.
# Target: push + pull within 10x the sqlite3 insert.
#
# Part 2: D (default 100) devices, each with its own ASSURE_HOME and M (default 100)
# engagements, all run `assure sync` at once against a fresh server: wall time and errors
# (must be 0). Then every device syncs once more, one after the other, and the sqlite3 CLI
# checks convergence: the server holds D x M live engagements and so does every device file.
#
# How the outboxes are filled (never timed): there is no import command, so by default
# (FILL=cli) every engagement is recorded by its own `assure engagement add` process, the
# real offline path (validation, engagement row and outbox row in one transaction), with
# `nproc` processes at a time. The first add on each device runs alone: two `assure`
# processes opening a new device folder at once can fail while creating it (see
# Docs/Reliability.md). Filling takes several minutes, so it is done once per part and each
# run syncs a fresh copy of the filled device folders against a fresh server.
# FILL=sql is the quick alternative for trying the script: one engagement per device is
# recorded by the CLI, then the sqlite3 CLI copies its engagement row and outbox row with new
# random ids (the id and organisation replaced in the payload JSON too); the server validates every copy as usual.
#
#   Scripts/bench-sync.sh                           N=10000, D=100, M=100, RUNS=3, FILL=cli
#   RUNS=1 FILL=sql Scripts/bench-sync.sh           quick
#   N=1000 D=10 M=100 Scripts/bench-sync.sh         smaller
#   PART=2 Scripts/bench-sync.sh                    only part 2 (PART=1 only part 1; default both)
#   CONFIG=debug Scripts/bench-sync.sh              debug build (default release)
#   STORE=postgres PART=1 Scripts/bench-sync.sh     part 1 with the server on PostgreSQL, beside psql
#                                                   inserting the same rows in one transaction (a
#                                                   throw-away cluster unless ASSURE_TEST_POSTGRES
#                                                   names a server to create databases on)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
config=${CONFIG:-release}
count=${N:-10000}
devices=${D:-100}
per_device=${M:-100}
runs=${RUNS:-3}
fill=${FILL:-cli}
part=${PART:-all}
store=${STORE:-sqlite}
case "$store" in sqlite) ;; postgres) [ "$part" = 1 ] || { echo "STORE=postgres measures part 1 only: PART=1" >&2; exit 64; } ;; *) echo "STORE must be sqlite or postgres" >&2; exit 64 ;; esac
jobs=$(nproc)
case "$fill" in cli | sql) ;; *) echo "FILL must be cli or sql" >&2; exit 64 ;; esac
command -v sqlite3 >/dev/null || { echo "sqlite3 CLI missing (Debian: apt-get install -y sqlite3)" >&2; exit 2; }
(cd "$root" && swift build -c "$config" --product assure >&2 && swift build -c "$config" --product assure-server >&2)
bin=$(cd "$root" && swift build -c "$config" --show-bin-path)

# Not /tmp/tmp.*: a shared machine's clean-up of stale mktemp folders removed one mid-run.
work=$(mktemp -d "${TMPDIR:-/tmp}/assure-bench-sync.XXXXXX")
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
started_cluster=""
cleanup() {
  stop_server
  if [ -n "$started_cluster" ]; then postgres_scratch_stop; fi
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
stats() { sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "median %.3f s, min %.3f s, max %.3f s, runs %d\n", m, v[1], v[NR], NR}'; }
median() { sort -n | awk '{v[NR]=$1} END {printf "%.4f", (NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2}'; }
live() { sqlite3 -readonly "$1" "SELECT COUNT(*) FROM engagement WHERE deleted_at_ms IS NULL"; }

# With STORE=postgres: the database of the server being measured (store_args names it).
store_args=""
pg_base=""
if [ "$store" = postgres ]; then
  if [ -z "${ASSURE_TEST_POSTGRES:-}" ]; then
    # shellcheck source=Scripts/postgres-scratch.sh
    source "$root/Scripts/postgres-scratch.sh"
    postgres_scratch_start >&2
    started_cluster=yes
  fi
  pg_base=${ASSURE_TEST_POSTGRES%/*}
fi
new_database() { # name: a new PostgreSQL database
  psql -q -v ON_ERROR_STOP=1 "$ASSURE_TEST_POSTGRES" -c "CREATE DATABASE $1" >/dev/null
}
server_live() { # data-dir
  if [ "$store" = postgres ]; then
    psql -qtA "$pg_base/$pg_db?sslmode=disable" -c "SELECT COUNT(*) FROM engagement WHERE deleted_at_ms IS NULL"
  else
    live "$1/assure-server.sqlite"
  fi
}

start_server() { # data-dir log
  # shellcheck disable=SC2086
  "$bin/assure-server" --port 0 --data-dir "$1" $store_args >"$2" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$2" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$2" >&2; exit 1; }
  export ASSURE_SERVER="127.0.0.1:$port"
}

sign_in() { # server-data-dir device-home account: a commissioner's one-time code, then assure login (not timed)
  local code
  # shellcheck disable=SC2086
  code=$("$bin/assure-server" user add --data-dir "$1" $store_args --name "$3" --role commissioner 2>/dev/null)
  ASSURE_HOME="$2" "$bin/assure" login --server "$ASSURE_SERVER" --code "$code" >/dev/null
}

# Records engagements with the CLI, $1 processes at a time. Input lines: HOME INDEX.
record_with_cli() {
  xargs -P "$1" -L 1 sh -c '
    day=$(( $1 % 28 + 1 )); month=$(( $1 % 12 + 1 ))
    ASSURE_HOME=$0 ASSURE_USER=bench "$BIN/assure" engagement add \
      --date "2022-$(printf %02d $month)-$(printf %02d $day)" --by pcc --kind community-group \
      --organisation "Benchmark group $1" --place Ludlow --area shropshire --attendees 10 \
      --topic rural-crime --notes "Benchmark engagement $1" >/dev/null'
}

# Gives HOME COUNT engagements: one recorded by the CLI, the rest copies of it with new ids.
record_with_sql() {
  printf '%s 1\n' "$1" | record_with_cli 1
  sqlite3 "$1/assure.sqlite" <<SQL
PRAGMA synchronous = FULL;
BEGIN;
CREATE TEMP TABLE template AS SELECT * FROM engagement;
CREATE TEMP TABLE template_outbox AS SELECT * FROM outbox;
CREATE TEMP TABLE ids AS
  WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
  SELECT i, lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a'
         || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) AS id,
         lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-b'
         || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) AS mutation_id
  FROM n;
INSERT INTO engagement SELECT ids.id, t.date, t.who, t.kind, t.organisation || ' ' || ids.i, t.place, t.area,
  t.attendees, t.topics, t.objective_id, t.element_id, t.follow_up_actions, t.notes, t.created_by, t.created_at_ms,
  t.updated_by, t.updated_at_ms, t.deleted_at_ms FROM ids, template t;
INSERT INTO outbox (mutation_id, entity_type, entity_id, operation, payload, recorded_at_ms, recorded_by, state, error)
  SELECT ids.mutation_id, o.entity_type, ids.id, o.operation,
         replace(replace(replace(o.payload, upper(o.entity_id), upper(ids.id)), o.entity_id, ids.id), json_quote(t.organisation), json_quote(t.organisation || ' ' || ids.i)),
         o.recorded_at_ms, o.recorded_by, o.state, o.error
  FROM ids, template_outbox o, template t ORDER BY ids.i;
COMMIT;
SQL
}

fill() { # HOME COUNT FIRST-INDEX
  if [ "$fill" = cli ]; then
    printf '%s %d\n' "$1" "$3" | record_with_cli 1
    seq $(($3 + 1)) $(($3 + $2 - 1)) | sed "s|^|$1 |" | record_with_cli "$jobs"
  else
    record_with_sql "$1" "$2" >/dev/null
  fi
  local pending
  pending=$(sqlite3 -readonly "$1/assure.sqlite" "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
  [ "$pending" -eq "$2" ] || { echo "$1 holds $pending pending changes, expected $2" >&2; exit 1; }
}

export BIN=$bin
how=""; [ "$fill" = cli ] && how=", one assure engagement add process each, $jobs at a time"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(swift --version 2>&1 | grep -o 'Swift version [0-9.]*'), $(sqlite3 --version | cut -d' ' -f1 | sed 's/^/sqlite3 /'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "build: $config; command: N=$count D=$devices M=$per_device RUNS=$runs FILL=$fill PART=$part Scripts/bench-sync.sh"

# --- Part 1: N engagements pushed by one device, pulled by a new one --------------------
if [ "$part" != 2 ]; then
s=$(now)
fill "$work/filled" "$count" 1
printf 'filled one device with %d engagements (FILL=%s%s): %.1f s, not timed below\n' "$count" "$fill" "$how" "$(echo "$(now) - $s" | bc)"

for run in $(seq 1 "$runs"); do
  if [ "$store" = postgres ]; then
    pg_db="assure_bench_sync_$$_$run"
    new_database "$pg_db"
    store_args="--store $pg_base/$pg_db?sslmode=disable"
  fi
  start_server "$work/server-$run" "$work/server-$run.log"
  cp -r "$work/filled" "$work/push-$run"
  sign_in "$work/server-$run" "$work/push-$run" push
  sign_in "$work/server-$run" "$work/pull-$run" pull
  export ASSURE_HOME="$work/push-$run"
  s=$(now); "$bin/assure" sync --quiet; echo "$(now) - $s" | bc >>"$work/push.txt"
  [ "$(sqlite3 -readonly "$work/push-$run/assure.sqlite" "SELECT COUNT(*) FROM outbox")" -eq 0 ] || { echo "outbox not empty after the push" >&2; exit 1; }
  export ASSURE_HOME="$work/pull-$run"
  s=$(now); "$bin/assure" sync --quiet; echo "$(now) - $s" | bc >>"$work/pull.txt"
  server_live=$(server_live "$work/server-$run")
  pulled=$(live "$work/pull-$run/assure.sqlite")
  [ "$server_live" -eq "$count" ] && [ "$pulled" -eq "$count" ] ||
    { echo "server holds $server_live, new device $pulled engagements; expected $count" >&2; exit 1; }
  stop_server
done
paste "$work/push.txt" "$work/pull.txt" | awk '{printf "%.6f\n", $1 + $2}' >"$work/total.txt"

# The same rows through the sqlite3 CLI (or psql): the server's engagement table, built from its own schema.
[ "$store" = postgres ] || schema=$(sqlite3 -readonly "$work/server-1/assure-server.sqlite" ".schema engagement")
awk -v n="$count" 'BEGIN {
  srand(42)
  print "BEGIN;"
  for (i = 1; i <= n; i++) {
    id = ""
    for (j = 0; j < 32; j++) { id = id sprintf("%x", int(rand() * 16)); if (j == 7 || j == 11 || j == 15 || j == 19) id = id "-" }
    printf "INSERT INTO engagement VALUES (\047%s\047, \0472022-%02d-%02d\047, \047pcc\047, \047community-group\047, \047Benchmark group %d\047, \047Ludlow\047, \047shropshire\047, 10, \047[\"rural-crime\"]\047, NULL, NULL, \047[]\047, \047Benchmark engagement %d\047, \047bench\047, 1700000000000, \047bench\047, 1700000000000, NULL);\n", id, i % 12 + 1, i % 28 + 1, i, i
  }
  print "COMMIT;"
}' >"$work/insert.sql"
for run in $(seq 1 5); do
  if [ "$store" = postgres ]; then
    # The server's own table definition (collations and indexes included), in a new database.
    ref="assure_bench_ref_$$_$run"
    new_database "$ref"
    pg_dump --schema-only --table=engagement "$pg_base/assure_bench_sync_$$_1?sslmode=disable" |
      psql -q -v ON_ERROR_STOP=1 "$pg_base/$ref?sslmode=disable" >/dev/null
    s=$(now); psql -q -v ON_ERROR_STOP=1 "$pg_base/$ref?sslmode=disable" -f "$work/insert.sql" >/dev/null; echo "$(now) - $s" | bc >>"$work/sqlite.txt"
    [ "$(psql -qtA "$pg_base/$ref?sslmode=disable" -c "SELECT COUNT(*) FROM engagement")" -eq "$count" ] || { echo "psql insert incomplete" >&2; exit 1; }
    continue
  fi
  db="$work/sqlite-$run.sqlite"
  sqlite3 "$db" "PRAGMA journal_mode = WAL;" >/dev/null
  sqlite3 "$db" "$schema"
  s=$(now); sqlite3 -cmd "PRAGMA synchronous = FULL" "$db" <"$work/insert.sql"; echo "$(now) - $s" | bc >>"$work/sqlite.txt"
  [ "$(sqlite3 -readonly "$db" "SELECT COUNT(*) FROM engagement")" -eq "$count" ] || { echo "sqlite3 insert incomplete" >&2; exit 1; }
done
reference=$([ "$store" = postgres ] && echo "psql inserting $count rows in one transaction (the server's table, synchronous_commit on, whole process)" || echo "sqlite3 CLI inserting $count rows in one transaction (WAL, synchronous FULL, whole process)")

sqlite_median=$(median <"$work/sqlite.txt")
echo
echo "Part 1 (server store: $store): $count engagements, $runs runs (fresh server and a fresh copy of the filled device each run); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
stats <"$work/push.txt" | sed "s/^/  assure sync pushing $count queued engagements (and pulling its own changes back): /"
stats <"$work/pull.txt" | sed "s/^/  assure sync on a new device pulling $count engagements: /"
stats <"$work/total.txt" | sed "s/^/  push + pull: /"
stats <"$work/sqlite.txt" | sed "s/^/  $reference: /"
for measure in push pull total; do
  printf '  ratio %s / reference insert (medians): %.1fx\n' "$measure" "$(echo "$(median <"$work/$measure.txt") / $sqlite_median" | bc -l)"
done
ratio=$(echo "$(median <"$work/total.txt") / $sqlite_median" | bc -l)
if [ "$(echo "$ratio <= 10" | bc)" -eq 1 ]; then echo "  target push + pull within 10x: met"; else echo "  target push + pull within 10x: NOT met ($(printf '%.1f' "$ratio")x)"; fi
fi
[ "$part" != 1 ] || exit 0

# --- Part 2: D devices with M engagements each, all syncing at once ----------------------
s=$(now)
if [ "$fill" = cli ]; then
  for d in $(seq 1 "$devices"); do echo "$work/fleet/$d $(((d - 1) * per_device + 1))"; done | record_with_cli 1
  for d in $(seq 1 "$devices"); do seq $(((d - 1) * per_device + 2)) $((d * per_device)) | sed "s|^|$work/fleet/$d |"; done |
    record_with_cli "$jobs"
  for d in $(seq 1 "$devices"); do
    [ "$(sqlite3 -readonly "$work/fleet/$d/assure.sqlite" "SELECT COUNT(*) FROM outbox")" -eq "$per_device" ] || { echo "device $d not filled" >&2; exit 1; }
  done
else
  for d in $(seq 1 "$devices"); do fill "$work/fleet/$d" "$per_device" 1; done
fi
printf '\nfilled %d devices with %d engagements each (FILL=%s%s): %.1f s, not timed below\n' "$devices" "$per_device" "$fill" "$how" "$(echo "$(now) - $s" | bc)"

total=$((devices * per_device))
for run in $(seq 1 "$runs"); do
  start_server "$work/fleet-server-$run" "$work/fleet-server-$run.log"
  rm -rf "$work/fleet-$run"; cp -r "$work/fleet" "$work/fleet-$run"
  for d in $(seq 1 "$devices"); do sign_in "$work/fleet-server-$run" "$work/fleet-$run/$d" "device-$d"; done
  : >"$work/fleet-$run.results"
  pids=()
  s=$(now)
  for d in $(seq 1 "$devices"); do
    (
      t=$(now)
      rc=0
      ASSURE_HOME="$work/fleet-$run/$d" ASSURE_USER="device-$d" "$bin/assure" sync --quiet \
        >"$work/fleet-$run/$d.out" 2>&1 || rc=$?
      echo "$d $rc $(echo "$(now) - $t" | bc)" >>"$work/fleet-$run.results"
    ) &
    pids+=($!)
  done
  wait "${pids[@]}"
  echo "$(now) - $s" | bc >>"$work/fleet-wall.txt"
  awk '{print $3}' "$work/fleet-$run.results" >>"$work/fleet-device.txt"
  errors=$(awk '$2 != 0' "$work/fleet-$run.results" | wc -l)
  echo "$errors" >>"$work/fleet-errors.txt"
  if [ "$errors" -gt 0 ]; then
    echo "run $run: $errors devices failed:" >&2
    awk '$2 != 0 {print "  device " $1 " exit " $2}' "$work/fleet-$run.results" | head -5 >&2
    awk '$2 != 0 {print $1}' "$work/fleet-$run.results" | head -3 | while read -r d; do sed "s/^/    /" "$work/fleet-$run/$d.out" >&2; done
    echo "  their recorded errors (sync_state.last_error), with counts:" >&2
    awk '$2 != 0 {print $1}' "$work/fleet-$run.results" | while read -r d; do
      sqlite3 -readonly "$work/fleet-$run/$d/assure.sqlite" "SELECT last_error FROM sync_state"
    done | sort | uniq -c | sed 's/^/    /' >&2
    awk '$2 != 0 {print $3}' "$work/fleet-$run.results" | stats | sed 's/ runs / syncs /; s/^/  failed syncs lasted: /' >&2
  fi
  # Everyone syncs once more, one after the other, then every file is counted.
  s=$(now)
  for d in $(seq 1 "$devices"); do
    ASSURE_HOME="$work/fleet-$run/$d" ASSURE_USER="device-$d" "$bin/assure" sync --quiet ||
      { echo "run $run: second sync of device $d failed" >&2; echo x >>"$work/fleet-second-errors.txt"; }
  done
  echo "$(now) - $s" | bc >>"$work/fleet-second.txt"
  server_live=$(live "$work/fleet-server-$run/assure-server.sqlite")
  converged=0
  for d in $(seq 1 "$devices"); do
    db="$work/fleet-$run/$d/assure.sqlite"
    [ "$(live "$db")" -eq "$total" ] && [ "$(sqlite3 -readonly "$db" "SELECT COUNT(*) FROM outbox")" -eq 0 ] && converged=$((converged + 1))
  done
  echo "run $run: server holds $server_live live engagements; $converged of $devices devices hold all $total with an empty outbox"
  [ "$server_live" -eq "$total" ] && [ "$converged" -eq "$devices" ] || echo x >>"$work/fleet-unconverged.txt"
  stop_server
done

echo
echo "Part 2: $devices devices x $per_device engagements, all running assure sync at once, $runs runs (fresh server each run); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
stats <"$work/fleet-wall.txt" | sed "s/^/  wall time until every sync has exited: /"
stats <"$work/fleet-device.txt" | sed 's/ runs / syncs /' | sed "s/^/  one device's sync (whole process, under that load): /"
echo "  errors (non-zero exits) per run: $(paste -sd' ' "$work/fleet-errors.txt") (must be 0)"
stats <"$work/fleet-second.txt" | sed "s/^/  second sync of every device, one after the other (pulls the rest): /"
unconverged=$( [ -f "$work/fleet-unconverged.txt" ] && wc -l <"$work/fleet-unconverged.txt" || echo 0)
second_errors=$( [ -f "$work/fleet-second-errors.txt" ] && wc -l <"$work/fleet-second-errors.txt" || echo 0)
echo "  convergence: server holds $total and every device holds $total after its second sync in $((runs - unconverged)) of $runs runs; second-sync errors $second_errors"
fleet_errors=$(paste -sd+ "$work/fleet-errors.txt" | bc)
[ "$fleet_errors" -eq 0 ] && [ "$unconverged" -eq 0 ] && [ "$second_errors" -eq 0 ] || exit 1
