#!/usr/bin/env bash
# Independent gRPC interop check. Records three engagements with the real `assure` client
# while no server runs (sync must exit 75), starts assure-server with the demo data on a free
# port in a throw-away data directory, syncs, and runs Scripts/interop_check.py (Python
# grpcio) against it: each of the three must be on the server exactly once.
#
#   ASSURE_SERVER_BIN  server binary (default: .build/debug/assure-server under the repo root)
#   ASSURE_CLIENT_BIN  client binary (default: .build/debug/assure under the repo root)
#
# Installs grpcio and grpcio-tools with pip only when they cannot be imported.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
server_bin=${ASSURE_SERVER_BIN:-$root/.build/debug/assure-server}
client_bin=${ASSURE_CLIENT_BIN:-$root/.build/debug/assure}

if ! python3 -c 'import grpc, grpc_tools' 2>/dev/null; then
  echo "installing grpcio and grpcio-tools with pip" >&2
  python3 -m pip install --quiet grpcio grpcio-tools
fi

[ -x "$server_bin" ] || { echo "assure-server not found or not executable: $server_bin" >&2; exit 1; }
[ -x "$client_bin" ] || { echo "assure not found or not executable: $client_bin" >&2; exit 1; }

work=$(mktemp -d)
data_dir="$work/data"
log="$work/server.log"
server_pid=""

cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$data_dir"

# Offline first: port 1 on loopback has no server.
export ASSURE_HOME="$work/device" ASSURE_USER=interop-check
ids="$work/ids.txt"
for place in Ludlow Ledbury Pershore; do
  area=$(case $place in Ludlow) echo shropshire ;; Ledbury) echo herefordshire ;; *) echo worcestershire ;; esac)
  "$client_bin" engagement add --server 127.0.0.1:1 --date 2022-08-02 --by apcc --kind community-group \
    --organisation "$place interop group" --place "$place" --area "$area" --attendees 7 >>"$ids"
done
offline_status=0
"$client_bin" sync --server 127.0.0.1:1 2>"$work/offline.txt" || offline_status=$?
if [ "$offline_status" -ne 75 ] || ! grep -q "offline: 3 changes pending" "$work/offline.txt"; then
  echo "expected assure sync to exit 75 with 'offline: 3 changes pending', got $offline_status:" >&2
  cat "$work/offline.txt" >&2
  exit 1
fi
echo "assure sync with no server: exit 75, $(cat "$work/offline.txt")" >&2

"$server_bin" --host 127.0.0.1 --port 0 --demo --data-dir "$data_dir" >"$log" 2>&1 &
server_pid=$!

port=""
for _ in $(seq 1 300); do  # up to 30 s
  port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$log" 2>/dev/null | head -n1 | sed 's/.*://' || true)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done

if [ -z "$port" ]; then
  if kill -0 "$server_pid" 2>/dev/null; then
    echo "assure-server did not report 'listening on 127.0.0.1:PORT' within 30 s; its log:" >&2
  else
    echo "assure-server exited before listening; its log:" >&2
  fi
  cat "$log" >&2
  exit 1
fi
echo "assure-server (pid $server_pid) listening on 127.0.0.1:$port" >&2

"$client_bin" sync --server "127.0.0.1:$port" >&2

status=0
python3 "$root/Scripts/interop_check.py" --server "127.0.0.1:$port" --expect-ids "$ids" || status=$?
exit "$status"
