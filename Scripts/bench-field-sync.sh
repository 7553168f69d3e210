#!/usr/bin/env bash
# Field-client baseline: how long one `assure engagement add` takes as a whole process, how
# long a device takes to push N queued engagements, and how long a second device takes to
# pull them, against a real assure-server on 127.0.0.1. Prints one line per measure with
# the median and the spread (min-max) over the runs.
#
#   Scripts/bench-field-sync.sh [N]        N engagements to sync (default 1000)
#   CONFIG=debug Scripts/bench-field-sync.sh   use the debug build (default release)
#   STATIC=1 Scripts/bench-field-sync.sh       binaries with the Swift runtime and Foundation
#                                              linked in (--static-swift-stdlib, built under
#                                              .build/static, or STATIC_BUILD: a cold build
#                                              the first time)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-1000}
config=${CONFIG:-release}
adds=${ADDS:-30}
runs=${RUNS:-3}
build=(swift build -c "$config")
if [[ "${STATIC:-0}" == 1 ]]; then build+=(--static-swift-stdlib --scratch-path "${STATIC_BUILD:-$root/.build/static}"); fi
bin=$(cd "$root" && "${build[@]}" --show-bin-path)
(cd "$root" && "${build[@]}" --product assure >&2 && "${build[@]}" --product assure-server >&2)

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
stats() { sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "median %.4f s, min %.4f s, max %.4f s, runs %d\n", m, v[1], v[NR], NR}'; }

add() {
  "$bin/assure" engagement add --date 2022-08-01 --by pcc --kind community-group \
    --organisation "Benchmark group $1" --place Ludlow --area shropshire --attendees 10 \
    --topic rural-crime --notes "Benchmark engagement $1" >/dev/null
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "build: $config; $count engagements per sync; $runs sync runs; $adds timed adds"

# 1. One engagement add, whole process, into a device that already holds $count engagements.
export ASSURE_HOME="$work/adds" ASSURE_SERVER=127.0.0.1:1 ASSURE_USER=bench
for i in $(seq 1 "$count"); do add "$i"; done
for i in $(seq 1 "$adds"); do s=$(now); add "x$i"; echo "$(now) - $s" | bc; done | stats | tee "$work/add.txt" | sed 's/^/engagement add (whole process): /'
# Beside it: the sqlite3 CLI inserting one row, whole process, into a copy of that file (same
# size, same schema, WAL mode), in one transaction, with synchronous=FULL as Assure uses.
cp "$ASSURE_HOME/assure.sqlite" "$work/raw.sqlite"
for i in $(seq 1 "$adds"); do
  s=$(now)
  sqlite3 "$work/raw.sqlite" "PRAGMA synchronous=FULL; INSERT INTO engagement (id, date, who, kind, organisation, place, area, attendees, topics, objective_id, element_id, follow_up_actions, notes, created_by, created_at_ms, updated_by, updated_at_ms) VALUES ('raw-$i', '2022-08-01', 'pcc', 'community-group', 'Raw group $i', 'Ludlow', 'shropshire', 10, '[\"rural-crime\"]', NULL, NULL, '[]', 'Raw $i', 'bench', 0, 'bench', 0);"
  echo "$(now) - $s" | bc
done | stats | tee "$work/raw.txt" | sed "s/^/sqlite3 inserting one row into a file of the same size (whole process): /"
echo "engagement add / sqlite3 one-row insert (medians): $(echo "scale=2; $(awk '{print $2}' "$work/add.txt") / $(awk '{print $2}' "$work/raw.txt")" | bc)"

# Signs the device of $ASSURE_HOME in to the running server (data folder $1) as a new
# commissioner account $2.
sign_in() {
  local code
  code=$("$bin/assure-server" user add --data-dir "$1" --name "$2" --role commissioner 2>/dev/null)
  "$bin/assure" login --server "$ASSURE_SERVER" --code "$code" >/dev/null
}

# 2 and 3. Push N queued engagements to a fresh server; a second device pulls them.
for run in $(seq 1 "$runs"); do
  data="$work/server-$run"
  "$bin/assure-server" --port 0 --data-dir "$data" >"$work/server-$run.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do grep -q 'listening on' "$work/server-$run.log" && break; sleep 0.1; done
  port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$work/server-$run.log" | sed 's/.*://')
  export ASSURE_SERVER="127.0.0.1:$port"
  export ASSURE_HOME="$work/push-$run"
  sign_in "$data" "push-$run"
  for i in $(seq 1 "$count"); do add "$i"; done
  s=$(now); "$bin/assure" sync --quiet; echo "$(now) - $s" | bc >>"$work/push.txt"
  export ASSURE_HOME="$work/pull-$run"
  sign_in "$data" "pull-$run"
  s=$(now); "$bin/assure" sync --quiet; echo "$(now) - $s" | bc >>"$work/pull.txt"
  pulled=$("$bin/assure" engagement list --format json | grep -c '"id"')
  [ "$pulled" -eq "$count" ] || { echo "second device holds $pulled engagements, expected $count" >&2; exit 1; }
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
done
stats <"$work/push.txt" | sed "s/^/sync pushing $count queued engagements: /"
stats <"$work/pull.txt" | sed "s/^/sync pulling $count engagements on a new device: /"
