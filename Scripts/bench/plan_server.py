#!/usr/bin/env python3
"""The Python grpcio reference of Scripts/bench-rpc.sh: assure.v1.DeliveryPlanService/GetElement
served by grpcio, reading the element from a copy of Assure's SQLite file on every call (one
connection per worker thread), the way a team writing the service in Python would.

Usage: plan_server.py DATABASE PORT [WORKERS]
"""

import importlib
import os
import sqlite3
import sys
import tempfile
import threading
from concurrent import futures

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from interop_check import generate  # noqa: E402

import grpc  # noqa: E402

RAG = {"on-track": "green", "complete": "green", "at-risk": "amber", "paused": "amber", "off-track": "red"}


def main():
    database, port = sys.argv[1], int(sys.argv[2])
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    protos = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Protos"))
    out = tempfile.mkdtemp(prefix="assure-plan-server-")
    generate(protos, out)
    sys.path.insert(0, out)
    pb2 = importlib.import_module("assure.v1.plan_pb2")
    stubs = importlib.import_module("assure.v1.plan_pb2_grpc")
    local = threading.local()

    class Plan(stubs.DeliveryPlanServiceServicer):
        def GetElement(self, request, context):
            if not hasattr(local, "db"):
                local.db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, check_same_thread=False)
            row = local.db.execute(
                "SELECT id, objective_id, title, description, opcc_lead, force_lead, status, start_date, due_date,"
                " position, rag_override, rag_override_reason FROM plan_element WHERE id = ?", (request.id,)).fetchone()
            if row is None:
                context.abort(grpc.StatusCode.NOT_FOUND, f"no plan element {request.id}")
            element = pb2.PlanElement(
                id=row[0], objective_id=row[1], title=row[2], description=row[3], opcc_lead=row[4], force_lead=row[5],
                status=row[6], rag=row[10] or RAG.get(row[6], ""), start_date=row[7] or "", due_date=row[8] or "",
                position=row[9], rag_override=row[10] or "", rag_override_reason=row[11] or "")
            return pb2.GetElementResponse(element=element)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers))
    stubs.add_DeliveryPlanServiceServicer_to_server(Plan(), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    print(f"plan_server listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
