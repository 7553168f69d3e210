#!/usr/bin/env python3
"""Resource attacks an unauthenticated peer can make on assure-server, with the server's
memory and open connections measured throughout.

Starts the real assure-server (its own data folder, a free port on 127.0.0.1), runs one
attack, samples the server's resident memory (VmRSS from /proc) and its established
connections (ss) every half second, and prints what it saw.

Attacks (each from raw sockets: nothing here is a gRPC library):

  streams    N connections, each sending the HTTP/2 preface with SETTINGS_INITIAL_WINDOW_SIZE 0,
             then opening many streams that each ask server reflection for the largest file
             descriptor several times (a call open to anyone, with a large answer). The
             client answers SETTINGS and PING (so it looks alive) and never grants flow-control
             window: the server can send no answer and must hold it or drop it.
  idle       N TCP connections that never send a byte.
  tls-half   N TCP connections to a TLS server that send the start of a ClientHello and stop.
  guesses    one connection sending --streams sign-in guesses at once (WhoAmI with made-up
             tokens, pipelined before any answer is read); counts how many the server checked
             (UNAUTHENTICATED) and how many it refused unchecked (RESOURCE_EXHAUSTED). Needs
             Python's hpack (pip install hpack) to read the answers.

After the attack holds for --hold seconds its sockets are closed and the server is watched for
--after seconds more.

Checks (exit status 1 when one fails, so that CI can run it):
  --max-rss-mb M           the server's RSS never exceeds M MB
  --expect-closed-within S every attack connection is closed by the server within S seconds
  --expect-refused-over K  at most K attack connections are ever open at once on the server
  --expect-open-at-most K  at the end of the hold at most K attack connections are still open
  --return-within-mb D     after the attack the server's RSS returns within D MB of its baseline

  python3 Scripts/attack_resources.py --server-bin .build/debug/assure-server streams \\
      --connections 4 --streams 4000
"""

import argparse
import json
import os
import re
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE = 0, 1, 3, 4, 6, 7, 8
END_STREAM, END_HEADERS, ACK = 0x1, 0x4, 0x1
REFLECTION = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def reflection_request(symbol):
    """A grpc.reflection.v1.ServerReflectionRequest asking for the file of `symbol`
    (field 4, file_containing_symbol), framed as one gRPC message."""
    text = symbol.encode()
    message = b"\x22" + varint(len(text)) + text
    return b"\x00" + struct.pack(">I", len(message)) + message


def hpack_literal(name, value):
    """A header as an HPACK literal without indexing, new name (no Huffman): no dynamic table
    state, so every HEADERS frame stands alone."""
    name, value = name.encode(), value.encode()

    def string(data):
        # 7-bit prefix integer, H bit 0.
        if len(data) < 127:
            return bytes([len(data)]) + data
        rest = len(data) - 127
        out = bytearray([127])
        while rest >= 128:
            out.append((rest & 0x7F) | 0x80)
            rest >>= 7
        out.append(rest)
        return bytes(out) + data

    return b"\x00" + string(name) + string(value)


def grpc_headers(path, authority):
    return b"".join(
        hpack_literal(n, v)
        for n, v in [
            (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", authority),
            ("content-type", "application/grpc"), ("te", "trailers"),
        ])


class Sampler(threading.Thread):
    """Samples the server's RSS (MB) and established connections every `interval` seconds."""

    def __init__(self, pid, port, interval=0.5):
        super().__init__(daemon=True)
        self.pid, self.port, self.interval = pid, port, interval
        self.samples = []  # (t, rss_mb, connections)
        self.stop = threading.Event()
        self.started = time.monotonic()

    def rss(self):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def connections(self):
        try:
            out = subprocess.run(
                ["ss", "-Htn", "state", "established", f"( sport = :{self.port} )"],
                capture_output=True, text=True, timeout=10).stdout
            return sum(1 for line in out.splitlines() if line.strip())
        except Exception:
            return None

    def sample(self):
        entry = (time.monotonic() - self.started, self.rss(), self.connections())
        self.samples.append(entry)
        return entry

    def run(self):
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.interval)

    def between(self, start, end):
        return [s for s in self.samples if start <= s[0] <= end]


def start_server(binary, work, extra, tls=None):
    data = os.path.join(work, "data")
    os.makedirs(data, exist_ok=True)
    log = open(os.path.join(work, "server.log"), "w")
    args = [binary, "--host", "127.0.0.1", "--port", "0", "--data-dir", data] + extra
    if tls:
        args += ["--tls-cert", tls[0], "--tls-key", tls[1]]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(os.path.join(work, "server.log")) as f:
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", f.read())
        if m:
            return process, int(m.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    with open(os.path.join(work, "server.log")) as f:
        sys.exit("assure-server did not start:\n" + f.read())


class StreamAttacker(threading.Thread):
    """One connection: window 0, many reflection streams, never a WINDOW_UPDATE."""

    def __init__(self, port, streams, requests, symbol, stop):
        super().__init__(daemon=True)
        self.port, self.streams, self.requests, self.symbol, self.stop = port, streams, requests, symbol, stop
        self.opened = 0
        self.goaway = False
        self.closed_at = None
        self.sock = None

    def run(self):
        try:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        except OSError:
            self.closed_at = time.monotonic()
            return
        s = self.sock
        s.settimeout(0.2)
        # SETTINGS: ENABLE_PUSH 0, INITIAL_WINDOW_SIZE 0.
        settings = struct.pack(">HI", 2, 0) + struct.pack(">HI", 4, 0)
        try:
            s.sendall(PREFACE + frame(SETTINGS, 0, 0, settings))
            block = grpc_headers(REFLECTION, f"127.0.0.1:{self.port}")
            body = reflection_request(self.symbol) * self.requests
            batch = []
            for i in range(self.streams):
                sid = 1 + 2 * i
                batch.append(frame(HEADERS, END_HEADERS, sid, block))
                batch.append(frame(DATA, END_STREAM, sid, body))
                self.opened += 1
                if len(batch) >= 200:
                    s.sendall(b"".join(batch))
                    batch = []
                    self.pump()
            if batch:
                s.sendall(b"".join(batch))
            while not self.stop.is_set() and self.closed_at is None:
                self.pump()
        except OSError:
            self.closed_at = self.closed_at or time.monotonic()
        finally:
            try:
                s.close()
            except OSError:
                pass

    buffer = b""

    def pump(self):
        """Reads what arrived: acknowledges SETTINGS and PING, notes GOAWAY, drops the rest."""
        try:
            chunk = self.sock.recv(1 << 16)
        except socket.timeout:
            return
        if not chunk:
            self.closed_at = self.closed_at or time.monotonic()
            raise OSError("closed by the server")
        self.buffer += chunk
        while len(self.buffer) >= 9:
            length = int.from_bytes(self.buffer[:3], "big")
            if len(self.buffer) < 9 + length:
                break
            kind, flags = self.buffer[3], self.buffer[4]
            payload = self.buffer[9:9 + length]
            self.buffer = self.buffer[9 + length:]
            if kind == SETTINGS and not flags & ACK:
                self.sock.sendall(frame(SETTINGS, ACK, 0))
            elif kind == PING and not flags & ACK:
                self.sock.sendall(frame(PING, ACK, 0, payload))
            elif kind == GOAWAY:
                self.goaway = True


def guesses(port, count, timeout=120, wait_for_settings=True):
    """Sends `count` WhoAmI calls with made-up tokens on one connection, all before reading;
    returns {grpc-status: number of answers}."""
    from hpack import Decoder
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    decoder = Decoder()
    # The server's SETTINGS first (read and acknowledged), so that its stream limit is in force.
    s.sendall(PREFACE + frame(SETTINGS, 0, 0, b""))
    pending = b""
    while wait_for_settings:
        pending += s.recv(1 << 16)
        if len(pending) >= 9 and pending[3] == SETTINGS and len(pending) >= 9 + int.from_bytes(pending[:3], "big"):
            s.sendall(frame(SETTINGS, ACK, 0))
            break
    frames = []
    empty = b"\x00\x00\x00\x00\x00"
    for i in range(count):
        sid = 1 + 2 * i
        block = grpc_headers("/assure.v1.AccountService/WhoAmI", f"127.0.0.1:{port}") + hpack_literal(
            "authorization", f"Bearer assure_guess{i:06d}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
        frames.append(frame(HEADERS, END_HEADERS, sid, block))
        frames.append(frame(DATA, END_STREAM, sid, empty))
    s.sendall(b"".join(frames))
    statuses, buffer, done = {}, b"", 0
    deadline = time.monotonic() + timeout
    s.settimeout(1)
    received = 0
    while done < count and time.monotonic() < deadline:
        try:
            chunk = s.recv(1 << 16)
        except socket.timeout:
            continue
        if not chunk:
            break
        buffer += chunk
        received += len(chunk)
        while len(buffer) >= 9:
            length = int.from_bytes(buffer[:3], "big")
            if len(buffer) < 9 + length:
                break
            kind, flags, sid = buffer[3], buffer[4], int.from_bytes(buffer[5:9], "big") & 0x7FFFFFFF
            payload = buffer[9:9 + length]
            buffer = buffer[9 + length:]
            if kind == SETTINGS and not flags & ACK:
                s.sendall(frame(SETTINGS, ACK, 0))
            elif kind == PING and not flags & ACK:
                s.sendall(frame(PING, ACK, 0, payload))
            elif kind == DATA and length:
                s.sendall(frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", length)))
            elif kind == HEADERS:
                if flags & 0x8:  # PADDED
                    payload = payload[1:len(payload) - payload[0]]
                if flags & 0x20:  # PRIORITY
                    payload = payload[5:]
                headers = dict((k.decode() if isinstance(k, bytes) else k, v.decode() if isinstance(v, bytes) else v)
                               for k, v in decoder.decode(payload))
                if "grpc-status" in headers and flags & END_STREAM:
                    statuses[headers["grpc-status"]] = statuses.get(headers["grpc-status"], 0) + 1
                    done += 1
            elif kind == RST_STREAM:
                statuses["reset"] = statuses.get("reset", 0) + 1
                done += 1
            elif kind == GOAWAY:
                statuses["goaway"] = 1
    s.close()
    return statuses


def silent_connections(port, count, tls_prefix=None):
    """Opens `count` TCP connections; with `tls_prefix`, each sends those bytes and stops."""
    socks = []
    for _ in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            if tls_prefix:
                s.sendall(tls_prefix)
            s.setblocking(False)
            socks.append(s)
        except OSError:
            break
    return socks


def still_open(sock):
    """Whether the server has not closed this socket (no EOF or reset waiting to be read)."""
    try:
        data = sock.recv(1 << 16, socket.MSG_PEEK)
        if data == b"":
            return False
        # Bytes from the server (e.g. SETTINGS or an alert): drain and keep looking.
        sock.recv(1 << 16)
        return still_open(sock)
    except BlockingIOError:
        return True
    except OSError:
        return False


def client_hello_prefix():
    """The first 60 bytes of a real TLS ClientHello: a handshake the server must wait on."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()[:60]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("attack", choices=["streams", "idle", "tls-half", "guesses"])
    parser.add_argument("--server-bin", default="./.build/debug/assure-server")
    parser.add_argument("--server-arg", action="append", default=[], help="an extra assure-server argument (repeat)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--streams", type=int, default=4000, help="streams per connection (attack streams)")
    parser.add_argument("--requests", type=int, default=4, help="reflection requests per stream")
    parser.add_argument("--symbol", default="assure.v1.SyncService")
    parser.add_argument("--hold", type=float, default=60, help="seconds the attack holds its connections open")
    parser.add_argument("--after", type=float, default=20, help="seconds watched after the attack closes")
    parser.add_argument("--max-rss-mb", type=float)
    parser.add_argument("--expect-closed-within", type=float)
    parser.add_argument("--expect-refused-over", type=int)
    parser.add_argument("--expect-open-at-most", type=int,
                        help="at the end of the hold, at most this many attack connections are still open")
    parser.add_argument("--return-within-mb", type=float)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--before-settings", action="store_true",
                        help="guesses: send them before reading the server's SETTINGS")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="assure-attack-")
    tls = None
    if args.attack == "tls-half":
        root = os.path.dirname(os.path.abspath(__file__))
        subprocess.run([os.path.join(root, "dev-certs.sh"), os.path.join(work, "certs")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tls = (os.path.join(work, "certs", "server.pem"), os.path.join(work, "certs", "server-key.pem"))
    server, port = start_server(args.server_bin, work, args.server_arg, tls)
    sampler = Sampler(server.pid, port)
    time.sleep(2)
    baseline = sampler.sample()[1]
    sampler.start()
    started = time.monotonic() - sampler.started
    closed_times = []
    failures = []
    opened = 0
    stop = threading.Event()
    try:
        if args.attack == "guesses":
            t0 = time.monotonic()
            statuses = guesses(port, args.streams, wait_for_settings=not args.before_settings)
            names = {"16": "UNAUTHENTICATED (checked)", "8": "RESOURCE_EXHAUSTED (refused unchecked)", "0": "OK"}
            print(json.dumps({
                "attack": "guesses", "sent": args.streams, "seconds": round(time.monotonic() - t0, 1),
                "answers": {names.get(k, k): v for k, v in sorted(statuses.items())}}))
            return
        if args.attack == "streams":
            attackers = [StreamAttacker(port, args.streams, args.requests, args.symbol, stop)
                         for _ in range(args.connections)]
            t0 = time.monotonic()
            for a in attackers:
                a.start()
            deadline = t0 + args.hold
            while time.monotonic() < deadline and any(a.closed_at is None for a in attackers):
                time.sleep(0.5)
            stop.set()
            for a in attackers:
                a.join(timeout=10)
            opened = sum(a.opened for a in attackers)
            closed_times = [a.closed_at - t0 for a in attackers if a.closed_at is not None]
            unclosed = sum(1 for a in attackers if a.closed_at is None)
            goaways = sum(1 for a in attackers if a.goaway)
        else:
            prefix = client_hello_prefix() if args.attack == "tls-half" else None
            t0 = time.monotonic()
            socks = silent_connections(port, args.connections, prefix)
            opened = len(socks)
            open_at = {id(s): True for s in socks}
            deadline = t0 + args.hold
            while time.monotonic() < deadline:
                for s in socks:
                    if open_at[id(s)] and not still_open(s):
                        open_at[id(s)] = False
                        closed_times.append(time.monotonic() - t0)
                if not any(open_at.values()):
                    break
                time.sleep(0.5)
            unclosed = sum(1 for v in open_at.values() if v)
            goaways = 0
            for s in socks:
                s.close()
        attack_end = time.monotonic() - sampler.started
        time.sleep(args.after)
        sampler.stop.set()
        sampler.join()
        final = sampler.sample()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()

    during = sampler.between(started, attack_end)
    peak = max((s[1] for s in sampler.samples if s[1] is not None), default=None)
    peak_connections = max((s[2] for s in during if s[2] is not None), default=0)
    summary = {
        "attack": args.attack, "server_args": args.server_arg, "connections": args.connections,
        "streams_per_connection": args.streams if args.attack == "streams" else None,
        "opened": opened, "baseline_rss_mb": round(baseline or 0, 1), "peak_rss_mb": round(peak or 0, 1),
        "final_rss_mb": round(final[1] or 0, 1), "after_seconds": args.after,
        "peak_server_connections": peak_connections, "final_server_connections": final[2],
        "closed_by_server": len(closed_times), "still_open_at_end_of_hold": unclosed,
        "closed_within_s": round(max(closed_times), 1) if closed_times else None,
        "goaway_seen": goaways, "hold_s": args.hold,
    }
    if args.max_rss_mb is not None and (peak or 0) > args.max_rss_mb:
        failures.append(f"server RSS reached {peak:.0f} MB (limit {args.max_rss_mb:.0f})")
    if args.expect_closed_within is not None:
        if unclosed or (closed_times and max(closed_times) > args.expect_closed_within):
            failures.append(
                f"{unclosed} of {opened} connections still open after {args.hold:.0f} s; "
                f"closed ones within {summary['closed_within_s']} s (expected within {args.expect_closed_within} s)")
    if args.expect_refused_over is not None and peak_connections > args.expect_refused_over:
        failures.append(f"{peak_connections} connections open at once (cap {args.expect_refused_over})")
    if args.expect_open_at_most is not None and unclosed > args.expect_open_at_most:
        failures.append(f"{unclosed} attack connections still open after {args.hold:.0f} s (at most {args.expect_open_at_most})")
    if args.return_within_mb is not None and (final[1] or 0) - (baseline or 0) > args.return_within_mb:
        failures.append(f"RSS {final[1]:.0f} MB after the attack, baseline {baseline:.0f} MB")
    summary["failures"] = failures
    if args.json:
        print(json.dumps(summary))
    else:
        for key, value in summary.items():
            print(f"{key}: {value}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
