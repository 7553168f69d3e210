#!/usr/bin/env bash
# Independent gRPC interop check, run twice: over plaintext on loopback, then over TLS with a
# development CA (Scripts/dev-certs.sh).
#
# Each run starts assure-server with the demo data on a free port in a throw-away data
# directory, makes sign-in codes with `assure-server user add`, signs the real `assure` client
# in, records three engagements with it while the server is out of reach (sync must exit 75),
# syncs, and runs Scripts/interop_check.py (Python grpcio), which signs its own users in with
# the codes and checks every service, the refusals, and that each of the three engagements is
# on the server exactly once. The TLS run also checks with `openssl s_client` that the server
# speaks TLS 1.2 or later with ALPN h2, that Python connects with the dev CA and fails without.
# Last, Scripts/attack_resources.py attacks a fresh server's resource limits (see attacks()).
#
#   ASSURE_SERVER_BIN  server binary (default: .build/debug/assure-server under the repo root)
#   ASSURE_CLIENT_BIN  client binary (default: .build/debug/assure under the repo root)
#
# Installs grpcio and grpcio-tools with pip only when they cannot be imported.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
server_bin=${ASSURE_SERVER_BIN:-$root/.build/debug/assure-server}
client_bin=${ASSURE_CLIENT_BIN:-$root/.build/debug/assure}

if ! python3 -c 'import grpc, grpc_tools, grpc_reflection' 2>/dev/null; then
  echo "installing grpcio and grpcio-tools with pip" >&2
  python3 -m pip install --quiet grpcio grpcio-tools grpcio-reflection
fi

[ -x "$server_bin" ] || { echo "assure-server not found or not executable: $server_bin" >&2; exit 1; }
[ -x "$client_bin" ] || { echo "assure not found or not executable: $client_bin" >&2; exit 1; }

. "$root/Scripts/server-lifecycle.sh"

# run NAME [server TLS arguments...]: one full check; the client and Python use TLS when the
# server does.
run() {
  local name=$1
  shift
  local dir="$work/$name" tls_args=("$@")
  local data_dir="$dir/data" log="$dir/server.log"
  mkdir -p "$data_dir"
  "$server_bin" --host 127.0.0.1 --port 0 --demo --data-dir "$data_dir" --metrics-port 0 "${tls_args[@]}" \
    >"$dir/codes.txt" 2>"$log" &
  server_pid=$!

  local port=""
  for _ in $(seq 1 300); do  # up to 30 s
    port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$log" 2>/dev/null | head -n1 | sed 's/.*://' || true)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "[$name] assure-server did not report 'listening on 127.0.0.1:PORT' within 30 s; its log:" >&2
    cat "$log" >&2
    return 1
  fi
  echo "[$name] assure-server (pid $server_pid) listening on 127.0.0.1:$port" >&2

  local client_tls=() python_tls=()
  if [ ${#tls_args[@]} -gt 0 ]; then
    client_tls=(--ca "$work/certs/ca.pem")
    python_tls=(--ca "$work/certs/ca.pem")
    local hello
    hello=$(echo | openssl s_client -connect "127.0.0.1:$port" -alpn h2 -CAfile "$work/certs/ca.pem" 2>/dev/null | tr -d "\000" || true)
    if ! grep -qE 'New, TLSv1\.[23]' <<<"$hello" || ! grep -q 'ALPN protocol: h2' <<<"$hello" \
      || ! grep -q 'Verify return code: 0 (ok)' <<<"$hello"; then
      echo "[$name] openssl s_client did not see TLS 1.2+ with ALPN h2 and a verified certificate:" >&2
      echo "$hello" >&2
      return 1
    fi
    echo "[$name] openssl s_client: $(grep -oE 'New, TLSv1\.[23]' <<<"$hello"), ALPN h2, certificate verified against the dev CA" >&2
    if echo | openssl s_client -connect "127.0.0.1:$port" -tls1_1 >/dev/null 2>&1; then
      echo "[$name] the server accepted TLS 1.1" >&2
      return 1
    fi
    echo "[$name] openssl s_client -tls1_1: refused" >&2
  fi

  # Sign-in codes for the CLI device and for Python's users.
  : >"$dir/users.txt"
  for user in interop-apcc-a:assistant interop-apcc-b:assistant interop-governance:governance \
    interop-panel:panel-reader interop-cli:assistant; do
    local code
    code=$("$server_bin" user add --data-dir "$data_dir" --name "${user%%:*}" --role "${user##*:}" 2>/dev/null)
    [ "${user%%:*}" = interop-cli ] && cli_code=$code || echo "${user%%:*} ${user##*:} $code" >>"$dir/users.txt"
  done

  export ASSURE_HOME="$dir/device"
  "$client_bin" login --server "127.0.0.1:$port" --code "$cli_code" "${client_tls[@]}" >&2

  # Offline first: the server is stopped (SIGSTOP), so the device's own server does not answer.
  local ids="$dir/ids.txt"
  for place in Ludlow Ledbury Pershore; do
    area=$(case $place in Ludlow) echo shropshire ;; Ledbury) echo herefordshire ;; *) echo worcestershire ;; esac)
    "$client_bin" engagement add --date 2022-08-02 --by apcc --kind community-group \
      --organisation "$place interop group" --place "$place" --area "$area" --attendees 7 >>"$ids"
  done
  local offline_status=0
  kill -STOP "$server_pid"
  "$client_bin" sync --timeout 2 2>"$dir/offline.txt" || offline_status=$?
  kill -CONT "$server_pid"
  if [ "$offline_status" -ne 75 ] || ! grep -q "offline: 3 changes pending" "$dir/offline.txt"; then
    echo "[$name] expected assure sync to exit 75 with 'offline: 3 changes pending', got $offline_status:" >&2
    cat "$dir/offline.txt" >&2
    return 1
  fi
  echo "[$name] assure sync with no server: exit 75, $(cat "$dir/offline.txt")" >&2
  local metrics_port
  metrics_port=$(grep -oE 'metrics on http://127\.0\.0\.1:[0-9]+' "$log" | head -n1 | sed 's/.*://')
  local pushes_before pushes_after
  pushes_before=$(curl -sf "http://127.0.0.1:$metrics_port/metrics" | grep -F 'assure_rpc_requests_total{method="assure.v1.SyncService/Push",code="OK"}' | awk '{print $2}' || true)
  "$client_bin" sync >&2
  pushes_after=$(curl -sf "http://127.0.0.1:$metrics_port/metrics" | grep -F 'assure_rpc_requests_total{method="assure.v1.SyncService/Push",code="OK"}' | awk '{print $2}' || true)
  if [ "${pushes_after:-0}" != "$(( ${pushes_before:-0} + 1 ))" ]; then
    echo "[$name] curl on the metrics port: SyncService/Push went from ${pushes_before:-0} to ${pushes_after:-0}, expected one more" >&2
    return 1
  fi
  echo "[$name] curl http://127.0.0.1:$metrics_port/metrics: SyncService/Push OK ${pushes_before:-0} -> $pushes_after after assure sync" >&2

  python3 "$root/Scripts/interop_check.py" --server "127.0.0.1:$port" --expect-ids "$ids" --codes "$dir/users.txt" \
    "${python_tls[@]}"
  stop_server
  # No token or code may reach the log.
  for secret in $(awk '{print $3}' "$dir/users.txt") $cli_code $(grep -oE '"token" : "[^"]+"' "$dir/device/credentials.json" | sed 's/.*: "//; s/"$//'); do
    if grep -qF "$secret" "$log"; then
      echo "[$name] a secret appears in the server's log" >&2
      return 1
    fi
  done
  echo "[$name] no code or token in the server's log" >&2
}

# fuzz: a fresh demo server, users of several roles, then Scripts/fuzz_check.py sends every
# RPC hostile requests; the server must answer each with a status, keep serving, and leave no
# fatal error in its log.
fuzz() {
  local dir="$work/fuzz" data_dir="$work/fuzz/data" log="$work/fuzz/server.log"
  mkdir -p "$data_dir"
  "$server_bin" --host 127.0.0.1 --port 0 --demo --data-dir "$data_dir" >"$dir/codes.txt" 2>"$log" &
  server_pid=$!
  local port=""
  for _ in $(seq 1 300); do
    port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$log" 2>/dev/null | head -n1 | sed 's/.*://' || true)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "[fuzz] assure-server did not start; its log:" >&2; cat "$log" >&2; return 1; }
  : >"$dir/users.txt"
  for user in fuzz-apcc:assistant fuzz-governance:governance fuzz-analyst:analyst fuzz-admin:admin \
    fuzz-panel:panel-reader; do
    echo "${user%%:*} ${user##*:} $("$server_bin" user add --data-dir "$data_dir" --name "${user%%:*}" --role "${user##*:}" 2>/dev/null)" \
      >>"$dir/users.txt"
  done
  local status=0
  python3 "$root/Scripts/fuzz_check.py" --server "127.0.0.1:$port" --codes "$dir/users.txt" ${FUZZ_ARGS:-} || status=$?
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "[fuzz] assure-server died; the end of its log:" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
  if grep -qE 'Fatal error|Illegal instruction|Segmentation' "$log"; then
    echo "[fuzz] the server's log has a fatal error:" >&2
    grep -E 'Fatal error|Illegal instruction|Segmentation' "$log" | head -n 5 >&2
    return 1
  fi
  stop_server
  [ "$status" -eq 0 ] || return 1
  echo "[fuzz] the server answered every hostile request and kept serving" >&2
}

if [ "${1:-}" = "--fuzz-only" ]; then
  fuzz
  exit
fi

# Resource limits against the real server (Scripts/attack_resources.py starts its own, on a
# free port): a never-reading client cannot push the server's memory past a bound, silent and
# half-open TLS connections are closed at the handshake deadline, connections past
# --max-connections are closed at once. Each prints its figures and fails the check on a breach.
attacks() {
  local attack=(python3 "$root/Scripts/attack_resources.py" --server-bin "$server_bin")
  echo "[limits] 2 connections x 2000 streams with flow-control window 0, never read" >&2
  "${attack[@]}" streams --connections 2 --streams 2000 --hold 30 --after 8 \
    --max-rss-mb 300 --expect-closed-within 20 --return-within-mb 60 >&2
  echo "[limits] 300 TCP connections that never speak (--handshake-timeout 3)" >&2
  "${attack[@]}" idle --connections 300 --server-arg=--handshake-timeout=3 --hold 15 --after 1 \
    --expect-closed-within 12 >&2
  echo "[limits] 300 half-open TLS handshakes (--handshake-timeout 3)" >&2
  "${attack[@]}" tls-half --connections 300 --server-arg=--handshake-timeout=3 --hold 15 --after 1 \
    --expect-closed-within 12 >&2
  echo "[limits] 200 silent connections to a server with --max-connections 50" >&2
  "${attack[@]}" idle --connections 200 --server-arg=--max-connections=50 --server-arg=--handshake-timeout=60 \
    --hold 5 --after 1 --expect-open-at-most 50 >&2
}

command -v openssl >/dev/null || { echo "openssl is needed for the TLS run" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is needed to read the metrics endpoint" >&2; exit 1; }
run plaintext
"$root/Scripts/dev-certs.sh" "$work/certs"
run tls --tls-cert "$work/certs/server.pem" --tls-key "$work/certs/server-key.pem"
fuzz
command -v ss >/dev/null || { echo "ss (Debian: iproute2) is needed to count the server's connections" >&2; exit 1; }
attacks
