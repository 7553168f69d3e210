#!/usr/bin/env bash
# Web portal benchmark: the plan page and a monthly review page of the generated ten-year plan
# of Scripts/bench-review.sh (500 elements, 50,000 progress updates, 100,000 engagements),
# served by a release assure-server over TLS (a development certificate from
# Scripts/dev-certs.sh) with HTTP/2, timed by h2load; beside them nghttpd (the nghttp2
# project's own HTTP/2 server) serving the same bytes from files with the same certificate.
#
# h2load writes each request's time to a log (--log-file); the percentiles come from it.
# Two loads per page: one client with one request at a time (a person reading), and
# 10 clients with one request each in flight (an office at once).
#
#   Scripts/bench-web.sh [MONTH]           month of the review page (default 2025-10)
#   REQUESTS=500 CONFIG=release Scripts/bench-web.sh
#
# Needs h2load and nghttpd (Debian nghttp2-client, nghttp2-server), curl, openssl, python3.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
month=${1:-2025-10}
config=${CONFIG:-release}
requests=${REQUESTS:-500}
for tool in h2load nghttpd curl openssl python3; do
  command -v "$tool" >/dev/null || { echo "bench-web: $tool is missing (apt-get install -y nghttp2-client nghttp2-server curl openssl)" >&2; exit 1; }
done
(cd "$root" && swift build -c "$config" --product assure-server >&2)
bin=$(cd "$root" && swift build -c "$config" --show-bin-path)

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$root/Scripts/dev-certs.sh" "$work/certs" >/dev/null
cert="$work/certs/server.pem"
key="$work/certs/server-key.pem"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "build: $config; $requests requests per run after 20 warm-up requests; TLS 1.3, HTTP/2 (ALPN h2)"

# Migrate an empty database with the server itself, then fill it (Scripts/bench_review.py).
"$bin/assure-server" --data-dir "$work/data" --port 0 >"$work/first.log" 2>&1 &
first=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/first.log" && break; sleep 0.1; done
kill "$first"; wait "$first" 2>/dev/null || true
python3 "$root/Scripts/bench_review.py" seed "$work/data/assure-server.sqlite" >&2

web_port=$(free_port)
"$bin/assure-server" --data-dir "$work/data" --port 0 --web-port "$web_port" --tls-cert "$cert" --tls-key "$key" \
  >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do grep -q "web portal listening" "$work/server.log" && break; sleep 0.1; done
grep -q "web portal listening" "$work/server.log" || { cat "$work/server.log" >&2; exit 1; }
base="https://127.0.0.1:$web_port"

# Sign in through the portal's own form, as a browser does: the form's CSRF cookie and
# field, then the one-time code; the session cookie is what h2load sends.
code=$("$bin/assure-server" user add --data-dir "$work/data" --name bench-governance --role governance 2>/dev/null)
jar="$work/cookies"
form=$(curl -sS --cacert "$work/certs/ca.pem" -c "$jar" -b "$jar" "$base/sign-in")
csrf=$(printf '%s' "$form" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -sS --cacert "$work/certs/ca.pem" -c "$jar" -b "$jar" -o /dev/null \
  --data-urlencode "csrf=$csrf" --data-urlencode "next=/" --data-urlencode "code=$code" "$base/sign-in"
session=$(awk '$6 == "assure_session" {print $7}' "$jar")
[ -n "$session" ] || { echo "bench-web: the portal sign-in gave no session cookie" >&2; exit 1; }
cookie="cookie: assure_session=$session"

# The same bytes for nghttpd, from the portal itself.
mkdir -p "$work/docroot/review"
curl -sS --http2 --cacert "$work/certs/ca.pem" -H "$cookie" -o "$work/docroot/plan" "$base/plan"
curl -sS --http2 --cacert "$work/certs/ca.pem" -H "$cookie" -o "$work/docroot/review/$month" "$base/review/$month"
echo "pages: /plan $(wc -c <"$work/docroot/plan") bytes, /review/$month $(wc -c <"$work/docroot/review/$month") bytes"
protocol=$(curl -sS --http2 --cacert "$work/certs/ca.pem" -H "$cookie" -o /dev/null -w '%{http_version}' "$base/plan")
echo "portal answers over HTTP/$protocol"

nghttpd_port=$(free_port)
nghttpd -d "$work/docroot" "$nghttpd_port" "$key" "$cert" >/dev/null 2>&1 &
pids+=($!)
sleep 0.5

# Runs h2load and prints the percentiles of its per-request log.
measure() {
  local name=$1 url=$2 clients=$3
  shift 3
  h2load -n 20 -c 1 -m 1 "$@" "$url" >/dev/null 2>&1 || true
  rm -f "$work/h2load.log"
  local summary
  summary=$(h2load -n "$requests" -c "$clients" -m 1 --log-file="$work/h2load.log" "$@" "$url" 2>&1)
  local rps status
  rps=$(printf '%s\n' "$summary" | sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p')
  status=$(printf '%s\n' "$summary" | sed -n 's/^status codes: \(.*\)/\1/p')
  python3 - "$work/h2load.log" "$name" "$clients" "$rps" "$status" <<'PY'
import sys
path, name, clients, rps, status = sys.argv[1:]
times = sorted(int(line.split("\t")[2]) / 1000 for line in open(path) if line.strip())
def pct(p):
    return times[min(len(times) - 1, int(round(p / 100 * (len(times) - 1))))]
print(f"{name:<34} c={clients:<3} n={len(times):<5} p50 {pct(50):7.2f} ms  p90 {pct(90):7.2f} ms  "
      f"p99 {pct(99):7.2f} ms  {float(rps or 0):8.0f} req/s  [{status}]")
PY
}

for clients in 1 10; do
  measure "assure-server /plan" "$base/plan" "$clients" -H "$cookie"
  measure "nghttpd /plan (same bytes)" "https://127.0.0.1:$nghttpd_port/plan" "$clients"
  measure "assure-server /review/$month" "$base/review/$month" "$clients" -H "$cookie"
  measure "nghttpd /review/$month (same bytes)" "https://127.0.0.1:$nghttpd_port/review/$month" "$clients"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
