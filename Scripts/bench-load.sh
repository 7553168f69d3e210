#!/usr/bin/env bash
# Load and durability: 200 field devices syncing at once against real assure-servers (release
# build) for a minute (Scripts/bench_load.py, Python grpcio), reporting failed syncs, p50/p99
# sync time and each server's peak RSS (VmHWM, target under 150 MB); then the same load with a
# server killed with SIGKILL in the middle, checking that every engagement acknowledged to a
# device is on the server exactly once. With one server it is restarted after the kill; with
# several, its devices carry on through the others.
#
#   Scripts/bench-load.sh                                   200 devices, 60 s each part, SQLite
#   DEVICES=50 SECONDS_PER_PART=20 Scripts/bench-load.sh
#   STORE=postgres Scripts/bench-load.sh                    one server on PostgreSQL
#   STORE=postgres SERVERS=2 Scripts/bench-load.sh          two servers on one PostgreSQL database
#
# With STORE=postgres a throw-away cluster is started on loopback (Scripts/postgres-scratch.sh)
# unless ASSURE_TEST_POSTGRES already names a server to create databases on.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
devices=${DEVICES:-200}
seconds=${SECONDS_PER_PART:-60}
config=${CONFIG:-release}
store=${STORE:-sqlite}
servers=${SERVERS:-1}
case "$store" in sqlite | postgres) ;; *) echo "STORE must be sqlite or postgres" >&2; exit 64 ;; esac
[ "$store" = postgres ] || [ "$servers" = 1 ] || { echo "several servers share a PostgreSQL store only" >&2; exit 64; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed" >&2; exit 1; }
python3 -c 'import grpc, grpc_tools' 2>/dev/null || python3 -m pip install --quiet grpcio grpcio-tools
(cd "$root" && swift build -c "$config" --product assure-server >&2)
bin=$(cd "$root" && swift build -c "$config" --show-bin-path)
work=$(mktemp -d)
pids=()
started_cluster=""
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [ -n "$started_cluster" ] && postgres_scratch_stop
  rm -rf "$work"
}
trap cleanup EXIT
if [ "$store" = postgres ] && [ -z "${ASSURE_TEST_POSTGRES:-}" ]; then
  # shellcheck source=Scripts/postgres-scratch.sh
  source "$root/Scripts/postgres-scratch.sh"
  postgres_scratch_start >&2
  started_cluster=yes
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ports=()
for _ in $(seq 1 "$servers"); do ports+=("$(free_port)"); done
addresses=$(printf '127.0.0.1:%s,' "${ports[@]}"); addresses=${addresses%,}

# Where part $1 keeps its data: a SQLite file in its folder, or a new PostgreSQL database.
store_arguments() {
  if [ "$store" = postgres ]; then
    local name="assure_load_$1_$$"
    psql -q -v ON_ERROR_STOP=1 "$ASSURE_TEST_POSTGRES" -c "CREATE DATABASE $name" >/dev/null
    echo "--store ${ASSURE_TEST_POSTGRES%/*}/$name?sslmode=disable"
  fi
}
query() { # part, SQL: one value
  if [ "$store" = postgres ]; then
    psql -qtA "${ASSURE_TEST_POSTGRES%/*}/assure_load_$1_$$?sslmode=disable" -c "$2"
  else
    sqlite3 "$work/$1/assure-server.sqlite" "$2"
  fi
}
start() { # part, server number
  local log="$work/$1-$2.log"
  # shellcheck disable=SC2086
  "$bin/assure-server" --data-dir "$work/$1" --port "${ports[$2]}" $part_store >>"$work/$1-$2.out" 2>>"$log" &
  pids[$2]=$!
  for _ in $(seq 1 300); do grep -q "listening on" "$log" 2>/dev/null && return 0; sleep 0.05; done
  cat "$log" >&2
  exit 1
}
start_all() { for i in $(seq 0 $((servers - 1))); do start "$1" "$i"; done; }
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=()
}
admin_code() { # the first administrator's code, printed by the first server just after it listens
  for _ in $(seq 1 100); do
    code=$(awk '$1 == "admin" {print $3}' "$work/$1-0.out")
    [ -n "$code" ] && { echo "$code"; return 0; }
    sleep 0.05
  done
  echo "no sign-in code in $work/$1-0.out" >&2
  return 1
}
peak_rss() {
  for i in $(seq 0 $((servers - 1))); do
    [ -e "/proc/${pids[$i]}/status" ] && echo "server $((i + 1)) peak RSS (VmHWM): $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' "/proc/${pids[$i]}/status")"
  done
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); build: $config; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "store: $store; servers: $servers ($addresses)"
echo "== load: $devices devices syncing for $seconds s"
part_store=$(store_arguments load)
start_all load
python3 "$root/Scripts/bench_load.py" --server "$addresses" --admin-code "$(admin_code load)" --devices "$devices" \
  --seconds "$seconds" --acknowledged "$work/load-ack.txt"
peak_rss
stop_all
echo "engagements on the server: $(query load "SELECT COUNT(*) FROM engagement WHERE deleted_at_ms IS NULL"); acknowledged: $(wc -l <"$work/load-ack.txt")"

if [ "$servers" = 1 ]; then
  echo "== durability: the same load, the server killed with SIGKILL after $((seconds / 2)) s and restarted"
else
  echo "== durability: the same load, server 1 of $servers killed with SIGKILL after $((seconds / 2)) s; its devices carry on through the others"
fi
part_store=$(store_arguments kill)
start_all kill
python3 "$root/Scripts/bench_load.py" --server "$addresses" --admin-code "$(admin_code kill)" --devices "$devices" \
  --seconds "$seconds" --acknowledged "$work/kill-ack.txt" &
load_pid=$!
sleep $((seconds / 2 + 5))
kill -9 "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
echo "killed server 1 (SIGKILL) mid-load"
if [ "$servers" = 1 ]; then start kill 0; fi
wait "$load_pid"
stop_all
sort "$work/kill-ack.txt" >"$work/ack-sorted.txt"
query kill "SELECT id FROM engagement WHERE deleted_at_ms IS NULL ORDER BY id" | LC_ALL=C sort >"$work/server-ids.txt"
LC_ALL=C sort -o "$work/ack-sorted.txt" "$work/ack-sorted.txt"
missing=$(LC_ALL=C comm -23 "$work/ack-sorted.txt" "$work/server-ids.txt" | wc -l)
dupes=$(query kill "SELECT COUNT(*) FROM (SELECT id FROM engagement GROUP BY id HAVING COUNT(*) > 1) AS d")
applied_twice=$(query kill "SELECT COUNT(*) FROM (SELECT mutation_id FROM change_log WHERE mutation_id IS NOT NULL GROUP BY mutation_id HAVING COUNT(*) > 1) AS d")
echo "acknowledged $(wc -l <"$work/ack-sorted.txt"); missing on the server after the kill: $missing; duplicated: $dupes; mutations applied twice: $applied_twice"
[ "$missing" = 0 ] && [ "$dupes" = 0 ] && [ "$applied_twice" = 0 ] && echo "PASS: every acknowledged write survived the SIGKILL, once" || { echo "FAIL"; exit 1; }
