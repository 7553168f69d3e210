#!/usr/bin/env python3
"""Load on a running assure-server: N field devices (each its own account, sign-in and device
id) syncing at once for a while: each sync pushes 1 to 5 new engagements and pulls until it
has everything. With --kill-after, the server (its PID) is killed with SIGKILL once, in the
middle, and restarted by the caller's script; devices retry what was not acknowledged.

Prints: syncs done and failed, sync time p50/p99, and writes every acknowledged engagement id
to --acknowledged (one per line) for the durability check.

Usage: bench_load.py --server HOST:PORT --admin-code CODE --devices 200 --seconds 60
"""

import argparse
import asyncio
import importlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from interop_check import generate  # noqa: E402

import grpc  # noqa: E402


def load_stubs():
    protos = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Protos"))
    out = tempfile.mkdtemp(prefix="assure-load-")
    generate(protos, out)
    sys.path.insert(0, out)
    names = ["account_pb2", "account_pb2_grpc", "sync_pb2", "sync_pb2_grpc", "engagement_pb2"]
    return {n: importlib.import_module(f"assure.v1.{n}") for n in names}


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True,
                        help="HOST:PORT, or several comma-separated: device i starts on the i-th (modulo), "
                             "and moves to the next when its server stops answering")
    parser.add_argument("--admin-code", required=True)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--acknowledged", required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    m = load_stubs()
    account_pb2, account_grpc = m["account_pb2"], m["account_pb2_grpc"]
    sync_pb2, sync_grpc, engagement_pb2 = m["sync_pb2"], m["sync_pb2_grpc"], m["engagement_pb2"]
    rng = random.Random(args.seed)

    # Sign in: the administrator creates one commissioner account per device; each device
    # exchanges its code, as `assure login` does.
    servers = args.server.split(",")
    channel = grpc.aio.insecure_channel(servers[0])
    accounts = account_grpc.AccountServiceStub(channel)
    admin = await accounts.Enrol(account_pb2.EnrolRequest(code=args.admin_code, device_id="load-admin"), timeout=30)
    admin_md = (("authorization", f"Bearer {admin.token}"),)
    tokens = []
    for i in range(args.devices):
        name = f"load-{i:03d}"
        issued = await accounts.CreateUser(account_pb2.CreateUserRequest(name=name, role="commissioner"),
                                           metadata=admin_md, timeout=30)
        device = f"{name}-device"
        enrolled = await accounts.Enrol(account_pb2.EnrolRequest(code=issued.code, device_id=device), timeout=30)
        tokens.append((device, enrolled.token))
    print(f"signed in {len(tokens)} devices", flush=True)

    durations, failures, acknowledged = [], [], set()
    deadline = time.monotonic() + args.seconds
    areas = ["herefordshire", "shropshire", "telford-and-wrekin", "worcestershire"]

    moves = []

    async def device_loop(index, device, token):
        # Each device its own connection, as real devices have (gRPC core would otherwise share
        # one connection between the channels of this process).
        at = index % len(servers)
        own = grpc.aio.insecure_channel(servers[at], options=[("grpc.use_local_subchannel_pool", 1)])
        stub = sync_grpc.SyncServiceStub(own)
        md = (("authorization", f"Bearer {token}"),)
        cursor = 0
        queued = []
        while time.monotonic() < deadline:
            for _ in range(rng.randint(1, 5)):
                eid = str(uuid.uuid4())
                engagement = engagement_pb2.Engagement(
                    id=eid, date=f"2022-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", who="pcc",
                    kind="community-group", organisation=f"Load group {rng.randint(1, 9999)}", place="Ludlow",
                    area=rng.choice(areas), attendees=rng.randint(0, 100), created_by=device, updated_by=device)
                queued.append(sync_pb2.Mutation(mutation_id=str(uuid.uuid4()), entity_type="engagement",
                                                entity_id=eid, operation=sync_pb2.OPERATION_UPSERT,
                                                engagement=engagement, recorded_by=device))
            started = time.monotonic()
            try:
                reply = await stub.Push(sync_pb2.PushRequest(device_id=device, protocol_version=2, mutations=queued),
                                        metadata=md, timeout=30)
                done = {r.mutation_id for r in reply.results
                        if r.outcome in (sync_pb2.MutationResult.OUTCOME_APPLIED,
                                         sync_pb2.MutationResult.OUTCOME_DUPLICATE)}
                rejected = [r for r in reply.results if r.outcome == sync_pb2.MutationResult.OUTCOME_REJECTED]
                if rejected:
                    failures.append(f"{device}: rejected {rejected[0].field}: {rejected[0].error}")
                for mutation in queued:
                    if mutation.mutation_id in done:
                        acknowledged.add(mutation.entity_id)
                queued = [q for q in queued if q.mutation_id not in done and q not in rejected]
                while True:
                    page = await stub.Pull(sync_pb2.PullRequest(after_cursor=cursor, page_size=1000, device_id=device,
                                                                protocol_version=2), metadata=md, timeout=30)
                    if page.rebaseline_required:
                        cursor = 0
                        continue
                    cursor = max(cursor, page.next_cursor)
                    if not page.has_more:
                        break
                durations.append(time.monotonic() - started)
            except grpc.aio.AioRpcError as err:
                # Unreachable while the server restarts: the mutations stay queued and go again,
                # through the next server when there are several.
                failures.append(f"{device}: {err.code().name}")
                if len(servers) > 1 and err.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                    await own.close()
                    at = (at + 1) % len(servers)
                    own = grpc.aio.insecure_channel(servers[at], options=[("grpc.use_local_subchannel_pool", 1)])
                    stub = sync_grpc.SyncServiceStub(own)
                    moves.append(device)
                await asyncio.sleep(0.2)
        await own.close()

    await asyncio.gather(*(device_loop(i, d, t) for i, (d, t) in enumerate(tokens)))
    await channel.close()
    with open(args.acknowledged, "w", encoding="utf-8") as fh:
        for eid in sorted(acknowledged):
            fh.write(eid + "\n")
    durations.sort()
    def pct(p):
        return durations[min(len(durations) - 1, int(len(durations) * p / 100))] * 1000 if durations else 0
    kinds = {}
    for f in failures:
        kind = f.split(": ", 1)[1]
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"syncs: {len(durations)} completed by {len(tokens)} devices in {args.seconds:.0f} s; "
          f"sync time p50 {pct(50):.0f} ms, p99 {pct(99):.0f} ms; "
          f"engagements acknowledged {len(acknowledged)}; failed attempts {len(failures)} {kinds}"
          + (f"; devices moved to another server {len(set(moves))}" if len(servers) > 1 else ""), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
