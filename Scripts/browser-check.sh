#!/usr/bin/env bash
# The web portal of assure-server in a real browser: headless Chromium driven by Selenium
# (Python), axe-core on every page, and every figure compared with the real `assure` CLI.
#
# First Tests/Browser/portal_test.py --self-test proves that the browser, Debian's chromedriver
# and axe-core work offline. Then, for plaintext on loopback and again with TLS (a development
# CA from Scripts/dev-certs.sh): starts assure-server with the demo data in a throw-away data
# folder, the gRPC port and the portal on free ports (--web-port) and the public page on
# (--public); signs an `assure` device in as the governance user (its own data folder) to read
# the comparison figures; and runs Tests/Browser/portal_test.py, which signs each demo user in
# through the portal's form with a one-time code from `assure-server user code NAME`.
#
#   ASSURE_SERVER_BIN      server binary (default: assure-server in `swift build --show-bin-path`)
#   ASSURE_CLIENT_BIN      client binary (default: assure beside it)
#   ASSURE_BROWSER_OUTPUT  screenshots (a PNG of each page per role) and the server logs
#                          (default: .build/browser-output under the repository root)
#   ASSURE_BROWSER_TLS     0 to skip the TLS run
#
# Needs chromium and chromium-driver (Debian packages; .ci/run installs them) and Python's
# selenium and axe-selenium-python, installed with pip when they cannot be imported. Nothing is
# downloaded at run time: the driver is /usr/bin/chromedriver, axe-core comes inside the package.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
output=${ASSURE_BROWSER_OUTPUT:-$root/.build/browser-output}
case $output in /*) ;; *) output=$root/$output ;; esac

if [ -z "${ASSURE_SERVER_BIN:-}" ] || [ -z "${ASSURE_CLIENT_BIN:-}" ]; then
  bin_dir=$(swift build --show-bin-path)
  if [ ! -x "$bin_dir/assure-server" ] || [ ! -x "$bin_dir/assure" ]; then
    echo "building assure-server and assure (swift build)" >&2
    swift build
  fi
fi
server_bin=${ASSURE_SERVER_BIN:-$bin_dir/assure-server}
client_bin=${ASSURE_CLIENT_BIN:-$bin_dir/assure}
[ -x "$server_bin" ] || { echo "assure-server not found or not executable: $server_bin" >&2; exit 1; }
[ -x "$client_bin" ] || { echo "assure not found or not executable: $client_bin" >&2; exit 1; }

command -v chromium >/dev/null || { echo "chromium is needed (Debian: apt-get install -y chromium)" >&2; exit 1; }
command -v chromedriver >/dev/null || {
  echo "chromedriver is needed (Debian: apt-get install -y chromium-driver)" >&2
  exit 1
}
if ! python3 -c 'import selenium, axe_selenium_python' 2>/dev/null; then
  echo "installing selenium and axe-selenium-python with pip" >&2
  python3 -m pip install --quiet selenium axe-selenium-python
fi
export PYTHONDONTWRITEBYTECODE=1

echo "[self-test] chromium, chromedriver and axe-core on local pages (offline)" >&2
python3 "$root/Tests/Browser/portal_test.py" --self-test

. "$root/Scripts/server-lifecycle.sh"

# port_open PORT: whether something accepts connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# run NAME [server TLS arguments...]: one full browser check of a fresh demo server.
run() {
  local name=$1
  shift
  local tls_args=("$@")
  local dir="$work/$name"
  local data_dir="$dir/data" log="$dir/server.log"
  mkdir -p "$data_dir"
  rm -rf "${output:?}/$name"
  mkdir -p "$output/$name"

  local grpc_port web_port
  grpc_port=$(free_port)
  web_port=$(free_port)
  while [ "$web_port" = "$grpc_port" ]; do web_port=$(free_port); done
  "$server_bin" --demo --data-dir "$data_dir" --host 127.0.0.1 --port "$grpc_port" --web-port "$web_port" --public \
    "${tls_args[@]}" >"$dir/first-start.txt" 2>"$log" &
  server_pid=$!

  local ready=""
  for _ in $(seq 1 600); do # up to 60 s
    if grep -q "listening on 127\.0\.0\.1:$grpc_port" "$log" 2>/dev/null && port_open "$web_port"; then
      ready=yes
      break
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    echo "[$name] assure-server did not listen on 127.0.0.1:$grpc_port (gRPC) and :$web_port (portal) within 60 s; its log:" >&2
    cat "$log" >&2
    if grep -q "web-port" "$log"; then
      echo "[$name] (this assure-server does not know --web-port: is it built with the portal?)" >&2
    fi
    cp "$log" "$output/$name/server.log" 2>/dev/null || true
    return 1
  fi
  local scheme=http client_tls=() ca=""
  if [ ${#tls_args[@]} -gt 0 ]; then
    scheme=https
    ca="$work/certs/ca.pem"
    client_tls=(--ca "$ca")
  fi
  echo "[$name] assure-server (pid $server_pid): gRPC on 127.0.0.1:$grpc_port, portal on $scheme://127.0.0.1:$web_port" >&2

  # The governance device whose CLI reads the figures the pages are compared with.
  # (run is called in an `if`, where set -e does not apply: each step says when it fails.)
  local cli_home="$dir/cli" code
  code=$("$server_bin" user code governance --data-dir "$data_dir" 2>"$dir/code.err") || {
    echo "[$name] assure-server user code governance failed:" >&2
    cat "$dir/code.err" >&2
    return 1
  }
  ASSURE_HOME="$cli_home" "$client_bin" login --server "127.0.0.1:$grpc_port" --code "$code" "${client_tls[@]}" >&2 || {
    echo "[$name] assure login as governance failed" >&2
    return 1
  }

  # One code per demo user for the portal; the test makes more as it needs them.
  local codes="" user
  for user in admin pcc dpcc apcc governance analyst panel; do
    code=$("$server_bin" user code "$user" --data-dir "$data_dir" 2>"$dir/code.err") || {
      echo "[$name] assure-server user code $user failed:" >&2
      cat "$dir/code.err" >&2
      return 1
    }
    codes+="$user=$code "
  done

  local status=0
  ASSURE_PORTAL_URL="$scheme://127.0.0.1:$web_port" ASSURE_PORTAL_CA="$ca" ASSURE_PORTAL_RUN="$name" \
    ASSURE_PORTAL_CODES="$codes" ASSURE_SERVER_BIN="$server_bin" ASSURE_SERVER_DATA_DIR="$data_dir" \
    ASSURE_CLIENT_BIN="$client_bin" ASSURE_CLI_HOME="$cli_home" ASSURE_BROWSER_OUTPUT="$output" \
    python3 "$root/Tests/Browser/portal_test.py" || status=$?

  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "[$name] assure-server died during the check; the end of its log:" >&2
    tail -n 20 "$log" >&2
    status=1
  fi
  stop_server
  if grep -qE 'Fatal error|Illegal instruction|Segmentation' "$log"; then
    echo "[$name] the server's log has a fatal error:" >&2
    grep -E 'Fatal error|Illegal instruction|Segmentation' "$log" | head -n 5 >&2
    status=1
  fi
  # No sign-in code may reach the log.
  for secret in $codes; do
    if grep -qF "${secret#*=}" "$log"; then
      echo "[$name] a sign-in code appears in the server's log" >&2
      status=1
    fi
  done
  cp "$log" "$output/$name/server.log"
  return "$status"
}

summary=()
failed=0
if run plaintext; then summary+=("plaintext: passed"); else summary+=("plaintext: FAILED"); failed=1; fi
if [ "${ASSURE_BROWSER_TLS:-1}" != 0 ]; then
  command -v openssl >/dev/null || { echo "openssl is needed for the TLS run" >&2; exit 1; }
  "$root/Scripts/dev-certs.sh" "$work/certs"
  if run tls --tls-cert "$work/certs/server.pem" --tls-key "$work/certs/server-key.pem"; then
    summary+=("tls: passed")
  else
    summary+=("tls: FAILED")
    failed=1
  fi
fi

echo
echo "== browser check of the web portal"
for line in "${summary[@]}"; do echo "  $line"; done
echo "  screenshots and server logs: $output"
exit "$failed"
