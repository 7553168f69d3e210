#!/usr/bin/env python3
"""Hostile-client check of a running assure-server with Python grpcio.

Every RPC of every assure.v1 service is called with requests built to break it: each integer
field at 0, -1, its minimum and its maximum; each floating-point field at 0, -1, +/-infinity,
NaN and +/-1e308; each string empty, huge (a million characters, and a million combining
marks), and full of control and bidirectional characters; each enum at values the server
does not know; and bodies of random bytes. Fields are reached through nested and repeated
messages, starting from an empty request and, for the RPCs whose deep paths need a valid
request to reach them (recording an engagement, push, pull), from a valid one.

After every call the server must have answered with a status (any status: refusing is the
point) within the deadline, and it must still be serving: the health check answers SERVING.
A call that gets no answer, or a server that stops serving, is a failure; the request that
did it is printed (as protobuf text) so that it can be replayed.

Usage: fuzz_check.py --server HOST:PORT --codes FILE [--seed N] [--huge N]

--codes names one user per line, `NAME ROLE CODE` (from `assure-server user add`); each call
goes with the token of the first user whose role the server lets through for that RPC, so
that the request reaches the service and not only the permission check. Sign-in RPCs
(Enrol, RefreshToken) are fuzzed last, since failed sign-ins block the address.
Prints `N calls, M failures` and exits 1 if anything failed.
"""

import argparse
import copy
import datetime
import importlib
import os
import random
import sys
import tempfile
import time
import uuid

import grpc
from google.protobuf import descriptor as _descriptor
from google.protobuf import text_format

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_check  # noqa: E402  (stub generation and the bearer-token interceptor)

TIMEOUT = 15.0
FD = _descriptor.FieldDescriptor

INT_VALUES = {
    FD.TYPE_INT32: [0, -1, -(2**31), 2**31 - 1],
    FD.TYPE_SINT32: [0, -1, -(2**31), 2**31 - 1],
    FD.TYPE_SFIXED32: [0, -1, -(2**31), 2**31 - 1],
    FD.TYPE_INT64: [0, -1, -(2**63), 2**63 - 1, -(2**63) + 1],
    FD.TYPE_SINT64: [0, -1, -(2**63), 2**63 - 1],
    FD.TYPE_SFIXED64: [0, -1, -(2**63), 2**63 - 1],
    FD.TYPE_UINT32: [0, 1, 2**31, 2**32 - 1],
    FD.TYPE_FIXED32: [0, 1, 2**32 - 1],
    FD.TYPE_UINT64: [0, 1, 2**63 - 1, 2**63, 2**64 - 1],
    FD.TYPE_FIXED64: [0, 2**64 - 1],
}
FLOAT_VALUES = [0.0, -1.0, float("inf"), float("-inf"), float("nan"), 1e308, -1e308, 5e-324]


def string_values(huge):
    controls = "".join(chr(c) for c in range(0, 32)) + "\x7f\u0085\u2028\u2029"
    bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f\u200e"
    return [
        "",
        "x" * huge,
        "a" + "\u0301" * huge,  # one character to Swift, two bytes per mark to UTF-8
        controls,
        "line one\nforged: line two\r\n\x1b[31mred\x1b[0m",
        bidi + "gnp.exe",
        "\ufeff\ufffe\uffff\U0010ffff",
        "-1",
        "99999999999999999999999999",
        "'; DROP TABLE engagement; --",
        "../../../../etc/passwd",
    ]


class Fuzzer:
    def __init__(self, args, modules, health):
        self.args = args
        self.modules = modules
        self.health = health
        self.rng = random.Random(args.seed)
        self.calls = 0
        self.failures = 0
        self.dead = False
        self.strings = string_values(args.huge)

    # --- Values ---------------------------------------------------------------------------

    def scalar_values(self, field):
        if field.type in INT_VALUES:
            return INT_VALUES[field.type]
        if field.type in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
            return FLOAT_VALUES
        if field.type == FD.TYPE_BOOL:
            return [True, False]
        if field.type == FD.TYPE_STRING:
            return self.strings
        if field.type == FD.TYPE_BYTES:
            return [b"", bytes(self.rng.getrandbits(8) for _ in range(64)), b"\x00" * 100_000]
        if field.type == FD.TYPE_ENUM:
            return [0, len(field.enum_type.values), 2**31 - 1, -1, -(2**31)]
        return []

    def variants(self, message, depth=0):
        """Yields (path, mutated copy) for every field of `message`, recursively."""
        for field in message.DESCRIPTOR.fields:
            repeated = field.is_repeated if hasattr(field, "is_repeated") else field.label == FD.LABEL_REPEATED
            if field.type == FD.TYPE_MESSAGE:
                if field.message_type.GetOptions().map_entry or depth >= 4:
                    continue
                if repeated:
                    elements = getattr(message, field.name)
                    base = elements[0] if len(elements) else field.message_type._concrete_class()
                    for path, inner in self.variants(base, depth + 1):
                        mutated = copy.deepcopy(message)
                        target = getattr(mutated, field.name)
                        if len(target):
                            target[0].CopyFrom(inner)
                        else:
                            target.add().CopyFrom(inner)
                        yield f"{field.name}[0].{path}", mutated
                    # Many copies of the element: the server's count limits.
                    mutated = copy.deepcopy(message)
                    target = getattr(mutated, field.name)
                    for _ in range(600 if len(target) else 1):
                        target.add().CopyFrom(base)
                    yield f"{field.name}[x{len(target)}]", mutated
                else:
                    base = getattr(message, field.name)
                    for path, inner in self.variants(base, depth + 1):
                        mutated = copy.deepcopy(message)
                        getattr(mutated, field.name).CopyFrom(inner)
                        yield f"{field.name}.{path}", mutated
                continue
            for value in self.scalar_values(field):
                mutated = copy.deepcopy(message)
                try:
                    if repeated:
                        getattr(mutated, field.name).append(value)
                    else:
                        setattr(mutated, field.name, value)
                except (ValueError, TypeError):
                    continue  # Python refuses the value (e.g. -1 for an open enum in some versions)
                yield f"{field.name}={short(value)}", mutated
            if repeated and field.type == FD.TYPE_STRING:
                mutated = copy.deepcopy(message)
                getattr(mutated, field.name).extend(["topic"] * 10_000)
                yield f"{field.name}[x10000]", mutated

    # --- Calls ----------------------------------------------------------------------------

    def call(self, channel, method_path, request_bytes, server_streaming, label, text):
        self.calls += 1
        identity = lambda b: b  # noqa: E731
        try:
            if server_streaming:
                stream = channel.unary_stream(method_path, request_serializer=identity, response_deserializer=identity)
                for _ in stream(request_bytes, timeout=TIMEOUT):
                    pass
            else:
                unary = channel.unary_unary(method_path, request_serializer=identity, response_deserializer=identity)
                unary(request_bytes, timeout=TIMEOUT)
            status = grpc.StatusCode.OK
        except grpc.RpcError as err:
            status = err.code()
        if status in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNKNOWN):
            serving = self.serving()
            self.fail(f"{label}: {status.name}" + ("" if serving else "; the server no longer answers its health check"),
                      text)
            if not serving:
                self.dead = True
        return status

    def serving(self):
        """The health check answers SERVING; or, once failed sign-ins have blocked this address,
        the server still answers (RESOURCE_EXHAUSTED) rather than dropping the call."""
        for _ in range(5):
            try:
                resp = self.health(self.modules["health"].HealthCheckRequest(service=""), timeout=5)
                return resp.status == self.modules["health"].HealthCheckResponse.SERVING
            except grpc.RpcError as err:
                if err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
                    return True
                time.sleep(1)
        return False

    def fail(self, text, request_text=""):
        self.failures += 1
        print(f"FAIL {text}", flush=True)
        if request_text:
            print("     request: " + request_text[:2000].replace("\n", " "), flush=True)


def short(value):
    text = repr(value)
    return text if len(text) <= 24 else f"{text[:12]}...({len(value)})"


def ts(dt):
    from google.protobuf import timestamp_pb2

    return timestamp_pb2.Timestamp(seconds=int(dt.timestamp()))


def seeds(m):
    """Valid requests for the RPCs whose deep paths an empty request cannot reach."""
    now = datetime.datetime.now(datetime.timezone.utc)

    def engagement():
        return m["engagement"].Engagement(
            id=str(uuid.uuid4()), date="2022-08-02", who="apcc", kind="community-group", organisation="Fuzz group",
            place="Ludlow", area="shropshire", attendees=5, topics=["road-safety"], notes="n", created_by="fuzz-apcc",
            created_at=ts(now), updated_by="fuzz-apcc", updated_at=ts(now))

    def push():
        e = engagement()
        return m["sync"].PushRequest(
            device_id="fuzz-apcc-device", protocol_version=2, sent_at=ts(now),
            mutations=[m["sync"].Mutation(
                mutation_id=str(uuid.uuid4()), entity_type="engagement", entity_id=e.id,
                operation=m["sync"].OPERATION_UPSERT, engagement=e, recorded_at=ts(now), recorded_by="fuzz-apcc",
                base_cursor=0, hlc=m["sync"].Hlc(wall_ms=int(now.timestamp() * 1000), counter=0, node="x"))])

    return {
        "/assure.v1.EngagementService/RecordEngagement": lambda: m["engagement"].RecordEngagementRequest(
            engagement=engagement()),
        "/assure.v1.SyncService/Push": push,
        "/assure.v1.SyncService/Pull": lambda: m["sync"].PullRequest(
            after_cursor=0, page_size=10, device_id="fuzz-apcc-device", protocol_version=2),
    }


SIGN_IN = ("/assure.v1.AccountService/Enrol", "/assure.v1.AccountService/RefreshToken")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--codes", required=True, help="lines of NAME ROLE CODE")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--huge", type=int, default=1_000_000, help="length of the huge strings")
    parser.add_argument("--only", help="fuzz only methods whose path contains this text")
    args = parser.parse_args()

    protos_dir = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Protos"))
    with tempfile.TemporaryDirectory(prefix="assure-fuzz-") as gen_dir:
        interop_check.generate(protos_dir, gen_dir)
        sys.path.insert(0, gen_dir)
        modules = {}
        for name in ("engagement", "plan", "sync", "governance", "account", "oversight", "report"):
            modules[name] = importlib.import_module(f"assure.v1.{name}_pb2")
        modules["health"] = interop_check.load_module_from_file(
            "_assure_fuzz_health_pb2", os.path.join(gen_dir, "grpc", "health", "v1", "health_pb2.py"))

        base = grpc.insecure_channel(args.server, options=[
            ("grpc.max_send_message_length", 64 * 1024 * 1024), ("grpc.max_receive_message_length", 64 * 1024 * 1024)])
        health = base.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=modules["health"].HealthCheckRequest.SerializeToString,
            response_deserializer=modules["health"].HealthCheckResponse.FromString)
        fuzzer = Fuzzer(args, modules, health)
        if not fuzzer.serving():
            print(f"FAIL the server at {args.server} is not serving before the check")
            return 1

        # Sign in every user once: a token per role.
        channels = []
        enrol = base.unary_unary(
            "/assure.v1.AccountService/Enrol", request_serializer=modules["account"].EnrolRequest.SerializeToString,
            response_deserializer=modules["account"].TokenResponse.FromString)
        with open(args.codes, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                name, role, code = line.split()
                resp = enrol(modules["account"].EnrolRequest(code=code, device_id=f"{name}-device", label="fuzz"),
                             timeout=TIMEOUT)
                channels.append((role, grpc.intercept_channel(base, interop_check.BearerToken(resp.token))))
        channels.append(("anonymous", base))

        the_seeds = seeds(modules)
        methods = []
        for module in modules.values():
            for service in module.DESCRIPTOR.services_by_name.values():
                for method in service.methods:
                    path = f"/{service.full_name}/{method.name}"
                    if args.only and args.only not in path:
                        continue
                    methods.append((path, method))
        methods.sort(key=lambda pm: (pm[0] in SIGN_IN, pm[0]))

        started = time.monotonic()
        for path, method in methods:
            if fuzzer.dead:
                break
            request_class = method.input_type._concrete_class
            streaming = getattr(method, "server_streaming", False)
            seed = the_seeds.get(path, request_class)()
            # The first channel whose role the server lets through for this method.
            channel = base
            for role, candidate in channels:
                status = fuzzer.call(candidate, path, seed.SerializeToString(), streaming, f"{path} as {role} (seed)",
                                     text_format.MessageToString(seed, as_one_line=True))
                if status not in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED):
                    channel = candidate
                    break
            before = fuzzer.calls
            for label, request in fuzzer.variants(seed):
                if fuzzer.dead:
                    break
                if path == "/assure.v1.SyncService/Push" or path.endswith("RecordEngagement"):
                    fresh = the_seeds[path]()
                    # Keep the mutation: a fresh id each time so that nothing is a duplicate.
                    if path.endswith("Push") and len(request.mutations):
                        request.mutations[0].mutation_id = request.mutations[0].mutation_id if "mutation_id" in label \
                            else fresh.mutations[0].mutation_id
                try:
                    body = request.SerializeToString()
                except Exception:  # noqa: BLE001  (a value Python will not encode)
                    continue
                fuzzer.call(channel, path, body, streaming, f"{path} {label}",
                            text_format.MessageToString(request, as_one_line=True)[:2000])
            for i in range(8):
                if fuzzer.dead:
                    break
                body = bytes(fuzzer.rng.getrandbits(8) for _ in range(fuzzer.rng.choice([1, 7, 64, 1000])))
                fuzzer.call(channel, path, body, streaming, f"{path} random bytes #{i}", body.hex()[:200])
            print(f"ok   {path}: {fuzzer.calls - before + 8} hostile requests", flush=True)

        if not fuzzer.dead and not fuzzer.serving():
            fuzzer.fail("the server is not serving after the check")
        print(f"{fuzzer.calls} calls in {time.monotonic() - started:.0f} s, {fuzzer.failures} failures", flush=True)
        return 1 if fuzzer.failures else 0


if __name__ == "__main__":
    sys.exit(main())
