#!/usr/bin/env bash
# Load and durability: 200 field devices syncing at once against a real assure-server (release
# build) for a minute (Scripts/bench_load.py, Python grpcio), reporting failed syncs, p50/p99
# sync time and the server's peak RSS (VmHWM, target under 150 MB); then the same load with
# the server killed with SIGKILL in the middle and restarted, checking with the sqlite3 CLI
# that every engagement acknowledged to a device is on the server exactly once.
#
#   Scripts/bench-load.sh                       200 devices, 60 s each part
#   DEVICES=50 SECONDS_PER_PART=20 Scripts/bench-load.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
devices=${DEVICES:-200}
seconds=${SECONDS_PER_PART:-60}
config=${CONFIG:-release}
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed" >&2; exit 1; }
python3 -c 'import grpc, grpc_tools' 2>/dev/null || python3 -m pip install --quiet grpcio grpcio-tools
(cd "$root" && swift build -c "$config" --product assure-server >&2)
bin=$(cd "$root" && swift build -c "$config" --show-bin-path)
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start() {
  "$bin/assure-server" --data-dir "$work/$1" --port "$port" >>"$work/$1.out" 2>>"$work/$1.log" &
  server_pid=$!
  for _ in $(seq 1 300); do grep -q "listening on" "$work/$1.log" 2>/dev/null && return 0; sleep 0.05; done
  cat "$work/$1.log" >&2
  exit 1
}
admin_code() { # the first administrator's code, printed just after the server says it listens
  for _ in $(seq 1 100); do
    code=$(awk '$1 == "admin" {print $3}' "$work/$1.out")
    [ -n "$code" ] && { echo "$code"; return 0; }
    sleep 0.05
  done
  echo "no sign-in code in $work/$1.out" >&2
  return 1
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); build: $config"
echo "== load: $devices devices syncing for $seconds s"
start load
python3 "$root/Scripts/bench_load.py" --server "127.0.0.1:$port" --admin-code "$(admin_code load)" --devices "$devices" \
  --seconds "$seconds" --acknowledged "$work/load-ack.txt"
echo "server peak RSS (VmHWM): $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$server_pid/status)"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
live=$(sqlite3 "$work/load/assure-server.sqlite" "SELECT COUNT(*) FROM engagement WHERE deleted_at_ms IS NULL")
echo "engagements on the server: $live; acknowledged: $(wc -l <"$work/load-ack.txt")"

echo "== durability: the same load, the server killed with SIGKILL after $((seconds / 2)) s and restarted"
start kill
python3 "$root/Scripts/bench_load.py" --server "127.0.0.1:$port" --admin-code "$(admin_code kill)" --devices "$devices" \
  --seconds "$seconds" --acknowledged "$work/kill-ack.txt" &
load_pid=$!
sleep $((seconds / 2 + 5))
kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null || true
echo "killed the server (SIGKILL) mid-load"
start kill
wait "$load_pid"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
sort "$work/kill-ack.txt" >"$work/ack-sorted.txt"
sqlite3 "$work/kill/assure-server.sqlite" "SELECT id FROM engagement WHERE deleted_at_ms IS NULL ORDER BY id" >"$work/server-ids.txt"
missing=$(comm -23 "$work/ack-sorted.txt" "$work/server-ids.txt" | wc -l)
dupes=$(sqlite3 "$work/kill/assure-server.sqlite" "SELECT COUNT(*) FROM (SELECT id FROM engagement GROUP BY id HAVING COUNT(*) > 1)")
echo "acknowledged $(wc -l <"$work/ack-sorted.txt"); missing on the server after the kill: $missing; duplicated: $dupes"
[ "$missing" = 0 ] && [ "$dupes" = 0 ] && echo "PASS: every acknowledged write survived the SIGKILL, once" || { echo "FAIL"; exit 1; }
