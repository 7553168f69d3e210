#!/usr/bin/env bash
# Monthly governance review benchmark: a generated ten-year plan (500 elements, 50,000
# progress updates, 100,000 engagements) in a real assure-server (release build) on
# 127.0.0.1; GovernanceService.GetMonthlyReview timed by the server itself (server_micros)
# and by a Python grpcio client, then `assure review` as a whole process.
#
#   Scripts/bench-review.sh [MONTH]        month to review (default 2025-10)
#   RUNS=100 CONFIG=debug Scripts/bench-review.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
month=${1:-2025-10}
config=${CONFIG:-release}
runs=${RUNS:-50}
(cd "$root" && swift build -c "$config" --product assure-server >&2 && swift build -c "$config" --product assure >&2)
bin=$(cd "$root" && swift build -c "$config" --show-bin-path)

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

start_server() {
  "$bin/assure-server" --data-dir "$work/data" --port 0 >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$work/server.log" | head -1)
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  cat "$work/server.log" >&2
  exit 1
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "build: $config; month $month; $runs timed calls after 5 warm-up calls"

# Migrate an empty database with the server itself, then fill it.
start_server
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
python3 "$root/Scripts/bench_review.py" seed "$work/data/assure-server.sqlite"

start_server
# Sign a device in as the governance team: the CLI and the Python client use its token.
export ASSURE_HOME="$work/device"
code=$("$bin/assure-server" user add --data-dir "$work/data" --name bench-governance --role governance 2>/dev/null)
"$bin/assure" login --server "127.0.0.1:$port" --code "$code" >/dev/null
python3 "$root/Scripts/bench_review.py" measure --server "127.0.0.1:$port" --month "$month" --runs "$runs" \
  --credentials "$ASSURE_HOME/credentials.json"

times=()
for _ in $(seq 1 10); do
  s=$(date +%s%N)
  "$bin/assure" review "$month" --server "127.0.0.1:$port" --format html --out "$work/review.html" 2>/dev/null
  times+=($(( ($(date +%s%N) - s) / 1000000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk '{v[NR]=$1} END {printf "assure review %s --format html (whole process): median %d ms, min %d ms, max %d ms, runs %d\n", "'"$month"'", v[int((NR+1)/2)], v[1], v[NR], NR}'
