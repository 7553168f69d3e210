#!/usr/bin/env bash
# RPC throughput and latency of a small unary read, assure-server against its references on
# the same machine, in one run with the same h2load settings:
#
#   assure   assure.v1.DeliveryPlanService/GetElement {id: "2.3"} on assure-server (release
#            build, demo data, a signed-in device's token in the authorization header)
#   swift    assure-bench-echo: bare grpc-swift-2 on the same transport and transport settings,
#            no interceptor, no store, no protobuf, answering a message of the same size: what
#            the library costs (assure / swift is what Assure adds)
#   c++cb    a C++ gRPC server on the callback API (Debian's libgrpc++-dev), the same answer
#            with no work: the gRPC ceiling of this machine
#   c++sync  the same on the synchronous API with one completion queue per core
#   python   the same GetElement served by Python grpcio, reading SQLite on every call
#   nghttpd  nghttpd serving a static body of the same size: the HTTP/2 ceiling
#
#   Scripts/bench-rpc.sh                  3 runs of 10 s per target (after 2 s of warm-up)
#   RUNS=5 SECONDS_PER_RUN=20 Scripts/bench-rpc.sh
#   CLIENTS=16 STREAMS=16 THREADS=1 Scripts/bench-rpc.sh   h2load -c, -m, -t (the defaults)
#
# Prints, per target, requests per second (median, min, max over the runs) and the p50 and
# p99 request time of the median run (from h2load's per-request log), then the ratios.
# Installs nghttp2-client, nghttp2-server, libgrpc++-dev and protobuf-compiler-grpc when
# missing (Debian).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-3}
seconds=${SECONDS_PER_RUN:-10}
clients=${CLIENTS:-16}
streams=${STREAMS:-16}
threads=${THREADS:-1}
config=${CONFIG:-release}

need=()
command -v h2load >/dev/null || need+=(nghttp2-client)
command -v nghttpd >/dev/null || need+=(nghttp2-server)
command -v grpc_cpp_plugin >/dev/null || need+=(protobuf-compiler-grpc)
pkg-config --exists grpc++ 2>/dev/null || need+=(libgrpc++-dev)
command -v protoc >/dev/null || need+=(protobuf-compiler)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi
python3 -c 'import grpc, grpc_tools' 2>/dev/null || python3 -m pip install --quiet grpcio grpcio-tools

(cd "$root" && swift build -c "$config" --product assure-server >&2 && swift build -c "$config" --product assure >&2 &&
  swift build -c "$config" --product assure-bench-echo >&2)
bin=$(cd "$root" && swift build -c "$config" --show-bin-path)

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; cat "$1" >&2; return 1; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "h2load: -c $clients -m $streams -t $threads, ${seconds} s per run after 2 s of warm-up, $runs runs per target; build: $config"

# Assure, with the demo data and a governance device's token.
assure_port=$(free_port)
metrics_port=$(free_port)
"$bin/assure-server" --data-dir "$work/data" --port "$assure_port" --demo --metrics-port "$metrics_port" \
  >"$work/codes.txt" 2>"$work/assure.log" &
pids+=($!)
wait_for "$work/assure.log" "listening on"
code=$("$bin/assure-server" user add --data-dir "$work/data" --name bench --role governance 2>/dev/null)
ASSURE_HOME="$work/device" "$bin/assure" login --server "127.0.0.1:$assure_port" --code "$code" >/dev/null
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$work/device/credentials.json")

# The request, framed for gRPC: GetElementRequest{id: "2.3"} (field 1, 3 bytes).
python3 - "$work/request.bin" <<'PY'
import struct, sys
message = b"\x0a\x032.3"
open(sys.argv[1], "wb").write(b"\x00" + struct.pack(">I", len(message)) + message)
PY
# The size of Assure's answer, asked once through grpcio.
size=$(python3 - "$root" "127.0.0.1:$assure_port" "$token" <<'PY'
import importlib, sys, tempfile
sys.path.insert(0, sys.argv[1] + "/Scripts")
from interop_check import generate
import grpc
out = tempfile.mkdtemp()
generate(sys.argv[1] + "/Protos", out)
sys.path.insert(0, out)
pb2 = importlib.import_module("assure.v1.plan_pb2")
stubs = importlib.import_module("assure.v1.plan_pb2_grpc")
stub = stubs.DeliveryPlanServiceStub(grpc.insecure_channel(sys.argv[2]))
reply = stub.GetElement(pb2.GetElementRequest(id="2.3"), metadata=(("authorization", "Bearer " + sys.argv[3]),), timeout=10)
print(reply.ByteSize())
PY
)
echo "answer: GetElementResponse of $size bytes (plan element 2.3)"

# The C++ references, built here from Scripts/bench/.
mkdir -p "$work/cpp"
protoc -I "$root/Scripts/bench" --cpp_out="$work/cpp" --grpc_out="$work/cpp" \
  --plugin=protoc-gen-grpc="$(command -v grpc_cpp_plugin)" "$root/Scripts/bench/echo.proto"
for server in echo_server echo_callback_server; do
  g++ -O2 -std=c++17 -I"$work/cpp" "$root/Scripts/bench/$server.cc" "$work/cpp/echo.pb.cc" "$work/cpp/echo.grpc.pb.cc" \
    $(pkg-config --cflags --libs grpc++ protobuf) -o "$work/$server"
done
cpp_port=$(free_port)
"$work/echo_server" "$cpp_port" $((size - 3)) "$(nproc)" 2>"$work/cpp.log" &
pids+=($!)
wait_for "$work/cpp.log" "listening"
cppcb_port=$(free_port)
"$work/echo_callback_server" "$cppcb_port" $((size - 3)) 2>"$work/cppcb.log" &
pids+=($!)
wait_for "$work/cppcb.log" "listening"

# Bare grpc-swift-2, the same answer size.
swift_port=$(free_port)
"$bin/assure-bench-echo" "$swift_port" $((size - 3)) 2>"$work/swift.log" &
pids+=($!)
wait_for "$work/swift.log" "listening"

# The Python reference, on a copy of the same database.
"$bin/assure-server" backup --data-dir "$work/data" --out "$work/python.sqlite" >/dev/null
python_port=$(free_port)
python3 "$root/Scripts/bench/plan_server.py" "$work/python.sqlite" "$python_port" 16 2>"$work/python.log" &
pids+=($!)
wait_for "$work/python.log" "listening"

# nghttpd with a static body the size of the gRPC answer (its 5-byte frame included).
mkdir -p "$work/static"
head -c $((size + 5)) /dev/zero >"$work/static/element"
nghttp_port=$(free_port)
nghttpd --no-tls -d "$work/static" "$nghttp_port" >"$work/nghttpd.log" 2>&1 &
pids+=($!)
sleep 0.5

# run NAME URL [h2load arguments...]: RUNS timed runs; prints req/s and latency.
run() {
  local name=$1 url=$2
  shift 2
  local results=()
  for r in $(seq 1 "$runs"); do
    local out="$work/$name-$r.txt"
    h2load -D "$seconds" --warm-up-time 2 -c "$clients" -m "$streams" -t "$threads" --log-file "$work/$name-$r.log" \
      "$@" "$url" >"$out"
    local rps
    rps=$(grep -oE 'finished in [0-9.]+s, [0-9.]+ req/s' "$out" | sed 's/.*, //; s/ req\/s//')
    local failed
    failed=$(grep -oE '[0-9]+ failed' "$out" | head -1 | cut -d' ' -f1)
    [ "${failed:-0}" = 0 ] || { echo "$name run $r: $failed failed requests" >&2; cat "$out" >&2; exit 1; }
    results+=("$rps $r")
  done
  local sorted median_run
  sorted=$(printf '%s\n' "${results[@]}" | sort -n)
  median_run=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p" | cut -d' ' -f2)
  python3 - "$name" "$work/$name-$median_run.log" $(echo "$sorted" | cut -d' ' -f1) <<'PY'
import statistics, sys
name, log, rates = sys.argv[1], sys.argv[2], [float(x) for x in sys.argv[3:]]
times = sorted(int(line.split()[2]) for line in open(log) if line.strip())
def pct(p): return times[min(len(times) - 1, int(len(times) * p / 100))] / 1000
print(f"{name:8} {statistics.median(rates):9.0f} req/s (min {min(rates):.0f}, max {max(rates):.0f}, runs {len(rates)}); "
      f"median run: p50 {pct(50):.2f} ms, p99 {pct(99):.2f} ms, {len(times)} requests")
PY
}

grpc_headers=(-H 'content-type: application/grpc' -H 'te: trailers' -d "$work/request.bin")
{
  run assure "http://127.0.0.1:$assure_port/assure.v1.DeliveryPlanService/GetElement" "${grpc_headers[@]}" \
    -H "authorization: Bearer $token"
  run swift "http://127.0.0.1:$swift_port/bench.Echo/Get" "${grpc_headers[@]}"
  run c++cb "http://127.0.0.1:$cppcb_port/bench.Echo/Get" "${grpc_headers[@]}"
  run c++sync "http://127.0.0.1:$cpp_port/bench.Echo/Get" "${grpc_headers[@]}"
  run python "http://127.0.0.1:$python_port/assure.v1.DeliveryPlanService/GetElement" "${grpc_headers[@]}"
  run nghttpd "http://127.0.0.1:$nghttp_port/element"
} | tee "$work/summary.txt"

python3 - "$work/summary.txt" <<'PY'
import re, sys
rates = {}
for line in open(sys.argv[1]):
    m = re.match(r"(\S+)\s+(\d+) req/s", line)
    if m: rates[m.group(1)] = float(m.group(2))
a = rates["assure"]
cpp = max(rates["c++cb"], rates["c++sync"])
best = "c++cb" if rates["c++cb"] >= rates["c++sync"] else "c++sync"
print(f"assure / swift = {a / rates['swift']:.2f} (target 0.90: Assure's own cost); "
      f"swift / {best} = {rates['swift'] / cpp:.2f} (the library against C++)")
print(f"assure / {best} = {a / cpp:.2f} (target 0.25); assure / python = {a / rates['python']:.1f} (target 3); "
      f"assure / nghttpd = {a / rates['nghttpd']:.3f}")
PY
# h2load counts HTTP 200s; gRPC puts its status in trailers. The server's own counters show
# every GetElement answered OK, none refused.
curl -sf "http://127.0.0.1:$metrics_port/metrics" | python3 -c '
import re, sys
codes = {}
for line in sys.stdin:
    m = re.match(r"assure_rpc_requests_total\{method=\"assure.v1.DeliveryPlanService/GetElement\",code=\"(\w+)\"\} (\d+)", line)
    if m: codes[m.group(1)] = int(m.group(2))
print("assure-server counted GetElement answers by code:", codes)
sys.exit(0 if codes.get("OK", 0) > 0 and set(codes) == {"OK"} else 1)
'
