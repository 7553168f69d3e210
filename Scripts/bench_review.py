#!/usr/bin/env python3
"""Monthly-review benchmark helper for Scripts/bench-review.sh.

  bench_review.py seed DB          fill a migrated, empty assure-server database with a
                                   generated ten-year plan: 5 objectives, 500 elements with
                                   status histories and milestones, 50,000 progress updates,
                                   100,000 engagements, 120 meetings with actions
  bench_review.py measure --server HOST:PORT --month YYYY-MM [--runs N]
                                   calls GovernanceService.GetMonthlyReview N times and prints
                                   the client's and the server's own time (median, p90, p99)

The data is deterministic (seeded), so runs on different machines measure the same work.
"""

import argparse
import importlib
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta

START = date(2016, 7, 1)
MONTHS = 120
STATUSES = ["on-track", "on-track", "on-track", "at-risk", "off-track", "complete", "paused"]
WHO = ["pcc", "dpcc", "apcc"]
KINDS = ["parish-council", "community-group", "funded-organisation", "public-meeting", "partner-meeting"]
AREAS = ["herefordshire", "shropshire", "telford-and-wrekin", "worcestershire"]


def month_start(index):
    year = START.year + (START.month - 1 + index) // 12
    month = (START.month - 1 + index) % 12 + 1
    return date(year, month, 1)


def random_day(rng, index):
    first = month_start(index)
    last = month_start(index + 1) - timedelta(days=1)
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def seed(path):
    rng = random.Random(20221123)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    if db.execute("SELECT COUNT(*) FROM plan_element").fetchone()[0]:
        sys.exit(f"{path} already holds a plan; seed an empty database")
    ms = int(time.time() * 1000)
    db.executemany(
        "INSERT INTO objective (id, title, description, position) VALUES (?, ?, '', ?)",
        [(str(o), f"Objective {o}", o) for o in range(1, 6)],
    )
    elements, history, milestones = [], [], []
    for o in range(1, 6):
        for e in range(1, 101):
            eid = f"{o}.{e}"
            start = month_start(rng.randrange(0, 60))
            due = start + timedelta(days=rng.randrange(180, 1800))
            status = "not-started"
            day = start
            history.append((eid, day.isoformat(), status, "added to the plan", "bench", ms))
            for _ in range(rng.randrange(4, 16)):
                day = day + timedelta(days=rng.randrange(30, 200))
                if day >= month_start(MONTHS):
                    break
                status = rng.choice(STATUSES)
                history.append((eid, day.isoformat(), status, "generated change", "bench", ms))
            elements.append((eid, str(o), f"Element {eid}", "", "OPCC lead", "", status, start.isoformat(),
                             due.isoformat(), e))
            for n in range(1, 6):
                m_due = start + timedelta(days=rng.randrange(30, 1800))
                done = m_due + timedelta(days=rng.randrange(-20, 40)) if rng.random() < 0.8 else None
                milestones.append((f"{eid}-M{n}", eid, n, f"Milestone {n} of {eid}", m_due.isoformat(),
                                   done.isoformat() if done and done < month_start(MONTHS) else None, "[]"))
    db.executemany(
        "INSERT INTO plan_element (id, objective_id, title, description, opcc_lead, force_lead, status, start_date,"
        " due_date, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", elements)
    db.executemany(
        "INSERT INTO element_status_change (element_id, effective_on, status, note, author, recorded_at_ms)"
        " VALUES (?, ?, ?, ?, ?, ?)", history)
    db.executemany(
        "INSERT INTO milestone (id, element_id, number, title, due_date, completed_on, links)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)", milestones)
    ids = [e[0] for e in elements]
    updates = []
    for i in range(50_000):
        index = rng.randrange(MONTHS)
        updates.append((str(uuid.UUID(int=rng.getrandbits(128))), rng.choice(ids), random_day(rng, index).isoformat(),
                        f"Generated progress update {i}: work continued as planned with partners.", "OPCC lead",
                        rng.choice(STATUSES), rng.random() < 0.3, "[]", ms))
    db.executemany(
        "INSERT INTO progress_update (id, element_id, date, narrative, author, status, for_panel, links, recorded_at_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", updates)
    engagements = []
    for i in range(100_000):
        index = rng.randrange(MONTHS)
        element = rng.choice(ids) if rng.random() < 0.5 else None
        engagements.append((str(uuid.UUID(int=rng.getrandbits(128))), random_day(rng, index).isoformat(),
                            rng.choice(WHO), rng.choice(KINDS), f"Organisation {i % 3000}", "Town", rng.choice(AREAS),
                            rng.randrange(5, 200), "[]", element.split(".")[0] if element else None, element, "[]",
                            "", "bench", ms, "bench", ms))
    db.executemany(
        "INSERT INTO engagement (id, date, who, kind, organisation, place, area, attendees, topics, objective_id,"
        " element_id, follow_up_actions, notes, created_by, created_at_ms, updated_by, updated_at_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", engagements)
    number = 0
    for index in range(MONTHS):
        meeting_day = month_start(index) + timedelta(days=20)
        db.execute(
            "INSERT INTO meeting (id, date, title, attendees, decisions, notes, recorded_by, recorded_at_ms)"
            " VALUES (?, ?, 'Monthly governance meeting', '[]', '[]', '', 'bench', ?)",
            (meeting_day.isoformat(), meeting_day.isoformat(), ms))
        for _ in range(5):
            number += 1
            due = meeting_day + timedelta(days=rng.randrange(10, 90))
            closed = due + timedelta(days=rng.randrange(-10, 30)) if rng.random() < 0.9 else None
            db.execute(
                "INSERT INTO meeting_action (number, id, meeting_id, text, owner, due_date, status, closed_on, element_id,"
                " note) VALUES (?, ?, ?, ?, 'Chief Executive', ?, ?, ?, NULL, '')",
                (number, f"A{number}", meeting_day.isoformat(), f"Generated action {number}", due.isoformat(),
                 "done" if closed else "open", closed.isoformat() if closed else None))
    db.commit()
    counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in
              ["plan_element", "element_status_change", "milestone", "progress_update", "engagement", "meeting",
               "meeting_action"]}
    db.close()
    print("seeded " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(server, month, runs, token):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from interop_check import generate
    import grpc

    protos = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Protos"))
    with tempfile.TemporaryDirectory(prefix="assure-bench-") as out:
        generate(protos, out)
        sys.path.insert(0, out)
        pb2 = importlib.import_module("assure.v1.governance_pb2")
        stubs = importlib.import_module("assure.v1.governance_pb2_grpc")
        with grpc.insecure_channel(server) as channel:
            stub = stubs.GovernanceServiceStub(channel)
            request = pb2.GetMonthlyReviewRequest(month=month)
            auth = (("authorization", f"Bearer {token}"),)
            for _ in range(5):
                stub.GetMonthlyReview(request, timeout=30, metadata=auth)
            client, server_side = [], []
            for _ in range(runs):
                started = time.perf_counter()
                response = stub.GetMonthlyReview(request, timeout=30, metadata=auth)
                client.append((time.perf_counter() - started) * 1000)
                server_side.append(response.server_micros / 1000)
            review = response.review
            summary = (f"{len(review.objectives)} objectives, "
                       f"{sum(len(o.changes) for o in review.objectives)} changes, "
                       f"{sum(len(o.updates) for o in review.objectives)} updates, "
                       f"{sum(len(o.milestones_overdue) for o in review.objectives)} overdue milestones, "
                       f"{review.engagements.total} engagements, {len(review.open_actions)} open actions, "
                       f"{response.ByteSize()} bytes")
    for name, values in (("server", server_side), ("client", client)):
        print(f"GetMonthlyReview {month} {name}: median {statistics.median(values):.1f} ms, "
              f"p90 {percentile(values, 90):.1f} ms, p99 {percentile(values, 99):.1f} ms, "
              f"min {min(values):.1f} ms, max {max(values):.1f} ms, runs {len(values)}")
    print(f"review content: {summary}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed")
    s.add_argument("database")
    m = sub.add_parser("measure")
    m.add_argument("--server", required=True)
    m.add_argument("--month", required=True)
    m.add_argument("--runs", type=int, default=50)
    m.add_argument("--credentials", required=True, help="an assure device's credentials.json (its token is used)")
    args = parser.parse_args()
    if args.command == "seed":
        seed(args.database)
    else:
        import json
        with open(args.credentials, encoding="utf-8") as fh:
            token = json.load(fh)["token"]
        measure(args.server, args.month, args.runs, token)


if __name__ == "__main__":
    main()
