#!/usr/bin/env python3
"""Independent gRPC interop check of assure-server with Python grpcio.

Generates Python stubs from ../Protos (relative to this script) with grpc_tools.protoc into a
temporary directory, signs in with one-time codes (AccountService.Enrol), then exercises
Health, EngagementService, DeliveryPlanService, SyncService, GovernanceService,
OversightService and ReportService against a
running server, each call carrying the token of a user whose role allows it, and checks that
calls without a token or with the wrong role are refused. Prints one line per check and a
final `N passed, M failed` line; exits 1 if any check failed.

Usage: interop_check.py --codes FILE [--server HOST:PORT] [--expect-ids FILE] [--ca FILE]

--codes names one user per line: `NAME ROLE CODE` (from `assure-server user add`); the check
needs users of the roles assistant (two: NAME ending -a and -b), governance and panel-reader.
With --ca the server is reached over TLS verified against that CA, and a connection without
it must fail.
"""

import collections

import argparse
import importlib
import importlib.util
import os
import re
import sys
import tempfile
import traceback
import uuid

TIMEOUT = 10.0  # seconds, on every call

try:
    import grpc
    from grpc_tools import protoc
except ImportError as exc:  # pragma: no cover
    print(f"FAIL setup: {exc} (pip install grpcio grpcio-tools)")
    print("0 passed, 1 failed")
    sys.exit(1)


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, text):
        self.passed += 1
        print(f"ok   {text}", flush=True)

    def fail(self, text):
        self.failed += 1
        print(f"FAIL {text}", flush=True)

    def check(self, cond, text, why=""):
        if cond:
            self.ok(text)
        else:
            self.fail(f"{text}{': ' + why if why else ''}")
        return cond


class _CallDetails(
    collections.namedtuple("_CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready",
                                            "compression")),
    grpc.ClientCallDetails,
):
    pass


class BearerToken(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    """Adds `authorization: Bearer <token>` to every call."""

    def __init__(self, token):
        self.token = token

    def _details(self, details):
        metadata = list(details.metadata or []) + [("authorization", f"Bearer {self.token}")]
        return _CallDetails(details.method, details.timeout, metadata, details.credentials,
                            getattr(details, "wait_for_ready", None), getattr(details, "compression", None))

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._details(details), request)


def grpc_tools_include():
    """Directory of the .proto files bundled with grpc_tools (google/protobuf/*.proto)."""
    try:
        from importlib.resources import files

        return str(files("grpc_tools") / "_proto")
    except Exception:  # Python < 3.9
        import pkg_resources

        return pkg_resources.resource_filename("grpc_tools", "_proto")


def generate(protos_dir, out_dir):
    sources = []
    for dirpath, _, names in os.walk(protos_dir):
        for name in names:
            if name.endswith(".proto"):
                sources.append(os.path.relpath(os.path.join(dirpath, name), protos_dir))
    sources.sort()
    args = [
        "grpc_tools.protoc",
        f"-I{protos_dir}",
        f"-I{grpc_tools_include()}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
    ] + sources
    rc = protoc.main(args)
    if rc != 0:
        raise RuntimeError(f"grpc_tools.protoc failed with status {rc} for {sources}")


def load_module_from_file(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def mentions(text, word):
    return re.search(r"\b" + re.escape(word) + r"\b", text or "") is not None


def expect_status(res, label, fn, code, word):
    """Runs fn(), which must fail with `code` and details mentioning `word`."""
    try:
        fn()
    except grpc.RpcError as err:
        details = err.details() or ""
        if err.code() != code:
            res.fail(f"{label}: expected {code.name}, got {err.code().name}: {details!r}")
        elif word and not mentions(details, word):
            res.fail(f"{label}: {code.name} but details do not mention {word!r}: {details!r}")
        else:
            res.ok(f"{label} -> {code.name} ({details})")
        return
    res.fail(f"{label}: expected {code.name}, but the call succeeded")


def run_section(res, name, fn):
    try:
        fn()
    except grpc.RpcError as err:
        res.fail(f"{name}: RPC failed {err.code().name}: {err.details()!r}")
    except Exception as exc:  # keep going with the other sections
        res.fail(f"{name}: {type(exc).__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="127.0.0.1:50051", help="HOST:PORT of assure-server")
    parser.add_argument("--expect-ids", metavar="FILE", help="file with one engagement UUID per line")
    parser.add_argument("--codes", metavar="FILE", required=True, help="lines of NAME ROLE CODE")
    parser.add_argument("--ca", metavar="FILE", help="PEM CA: connect over TLS verified against it")
    args = parser.parse_args()

    res = Results()
    protos_dir = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Protos"))

    with tempfile.TemporaryDirectory(prefix="assure-interop-") as gen_dir:
        try:
            generate(protos_dir, gen_dir)
            sys.path.insert(0, gen_dir)
            engagement_pb2 = importlib.import_module("assure.v1.engagement_pb2")
            engagement_grpc = importlib.import_module("assure.v1.engagement_pb2_grpc")
            plan_pb2 = importlib.import_module("assure.v1.plan_pb2")
            plan_grpc = importlib.import_module("assure.v1.plan_pb2_grpc")
            sync_pb2 = importlib.import_module("assure.v1.sync_pb2")
            sync_grpc = importlib.import_module("assure.v1.sync_pb2_grpc")
            governance_pb2 = importlib.import_module("assure.v1.governance_pb2")
            governance_grpc = importlib.import_module("assure.v1.governance_pb2_grpc")
            account_pb2 = importlib.import_module("assure.v1.account_pb2")
            account_grpc = importlib.import_module("assure.v1.account_pb2_grpc")
            oversight_pb2 = importlib.import_module("assure.v1.oversight_pb2")
            oversight_grpc = importlib.import_module("assure.v1.oversight_pb2_grpc")
            report_pb2 = importlib.import_module("assure.v1.report_pb2")
            report_grpc = importlib.import_module("assure.v1.report_pb2_grpc")
            # grpc/health/v1/health_pb2.py would shadow/collide with the installed `grpc`
            # package, so load the message module by file path and call Health generically.
            health_pb2 = load_module_from_file(
                "_assure_interop_health_pb2", os.path.join(gen_dir, "grpc", "health", "v1", "health_pb2.py")
            )
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            res.fail(f"generate stubs from {protos_dir}: {exc}")
            print(f"{res.passed} passed, {res.failed} failed")
            return 1
        res.ok(f"stubs generated from {protos_dir}")

        ca = open(args.ca, "rb").read() if args.ca else None

        def open_channel(token=None, root_certificates=ca):
            if args.ca:
                base = grpc.secure_channel(args.server, grpc.ssl_channel_credentials(root_certificates=root_certificates))
            else:
                base = grpc.insecure_channel(args.server)
            return grpc.intercept_channel(base, BearerToken(token)) if token else base

        # --- Sign in: each code for a token, as a device would -------------------------------
        channel = open_channel()
        tokens = {}
        roles = {}
        accounts = account_grpc.AccountServiceStub(channel)
        with open(args.codes, encoding="utf-8") as fh:
            users = [line.split() for line in fh if line.strip()]
        for name, role, code in users:
            def enrol(name=name, role=role, code=code):
                resp = accounts.Enrol(account_pb2.EnrolRequest(code=code, device_id=f"{name}-device", label="interop"),
                                      timeout=TIMEOUT)
                ok = res.check(resp.account.name == name and resp.account.role == role and len(resp.token) >= 43,
                               f"enrol {name} ({role}): a {len(resp.token)}-character token for device "
                               f"{resp.sign_in.device_id}", f"got {resp.account}")
                if ok:
                    tokens[name] = resp.token
                    roles[role] = name
            run_section(res, f"enrol {name}", enrol)
        run_section(res, "enrol used code", lambda: expect_status(
            res, "enrol with a code already used",
            lambda: accounts.Enrol(account_pb2.EnrolRequest(code=users[0][2], device_id="interop-again"),
                                   timeout=TIMEOUT),
            grpc.StatusCode.UNAUTHENTICATED, "code"))
        apcc_a = next((n for n in tokens if n.endswith("-a")), None)
        apcc_b = next((n for n in tokens if n.endswith("-b")), None)
        if not (apcc_a and apcc_b and "governance" in roles and "panel-reader" in roles):
            res.fail(f"--codes must give assistant users NAME-a and NAME-b, governance and panel-reader; have {roles}")
            print(f"{res.passed} passed, {res.failed} failed")
            return 1
        field = open_channel(tokens[apcc_a])
        office = open_channel(tokens[roles["governance"]])
        panel = open_channel(tokens[roles["panel-reader"]])

        # --- Refusals: no token, wrong role ---------------------------------------------------
        run_section(res, "no token", lambda: expect_status(
            res, "ListObjectives with no token",
            lambda: plan_grpc.DeliveryPlanServiceStub(channel).ListObjectives(plan_pb2.ListObjectivesRequest(),
                                                                              timeout=TIMEOUT),
            grpc.StatusCode.UNAUTHENTICATED, "token"))
        run_section(res, "panel reader writes", lambda: expect_status(
            res, "CreateObjective as panel-reader",
            lambda: plan_grpc.DeliveryPlanServiceStub(panel).CreateObjective(
                plan_pb2.CreateObjectiveRequest(), timeout=TIMEOUT),
            grpc.StatusCode.PERMISSION_DENIED, "panel-reader"))
        run_section(res, "who am i", lambda: res.check(
            account_grpc.AccountServiceStub(panel).WhoAmI(account_pb2.WhoAmIRequest(), timeout=TIMEOUT).account.role
            == "panel-reader", "WhoAmI as the panel reader says panel-reader"))
        if args.ca:
            def without_ca():
                try:
                    grpc.channel_ready_future(open_channel(root_certificates=None)).result(timeout=5)
                    res.fail("TLS without the dev CA: connected, expected the certificate to be refused")
                except grpc.FutureTimeoutError:
                    res.ok("TLS without the dev CA: no connection (the server's certificate is not trusted)")
            run_section(res, "tls without ca", without_ca)

        health_check = channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )
        engagements = engagement_grpc.EngagementServiceStub(field)
        plan = plan_grpc.DeliveryPlanServiceStub(office)
        sync = sync_grpc.SyncServiceStub(field)
        governance = governance_grpc.GovernanceServiceStub(office)
        oversight = oversight_grpc.OversightServiceStub(office)
        reports = report_grpc.ReportServiceStub(office)
        serving = health_pb2.HealthCheckResponse.SERVING
        status_name = health_pb2.HealthCheckResponse.ServingStatus.Name

        # --- Health -------------------------------------------------------------------------
        for service in ("", "assure.v1.EngagementService"):
            def health(service=service):
                resp = health_check(health_pb2.HealthCheckRequest(service=service), timeout=TIMEOUT)
                res.check(
                    resp.status == serving,
                    f"health {service or '(overall)'} {status_name(resp.status)}",
                    "expected SERVING",
                )
            run_section(res, f"health {service or '(overall)'}", health)

        # --- ListEngagements paging ---------------------------------------------------------
        listed = []

        def list_all():
            token = ""
            pages = 0
            total_sizes = set()
            while True:
                resp = engagements.ListEngagements(
                    engagement_pb2.ListEngagementsRequest(page_size=7, page_token=token), timeout=TIMEOUT
                )
                pages += 1
                listed.extend(resp.engagements)
                total_sizes.add(resp.total_size)
                token = resp.next_page_token
                if not token:
                    break
                if pages > 10000:
                    raise RuntimeError("more than 10000 pages; paging does not terminate")
                if not resp.engagements:
                    res.fail(f"list page {pages} is empty but has next_page_token {token!r}")
            ids = [e.id for e in listed]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            res.check(not dupes, f"list {len(ids)} engagements in {pages} pages of 7, no duplicate ids",
                      f"duplicated: {dupes}")
            res.check(
                len(total_sizes) == 1 and total_sizes == {len(ids)},
                f"list total_size {sorted(total_sizes)} == {len(ids)} collected",
                f"total_size per page {sorted(total_sizes)}, collected {len(ids)}",
            )
            bad = [
                (i, listed[i].date, listed[i + 1].date)
                for i in range(len(listed) - 1)
                if listed[i].date < listed[i + 1].date
            ]
            res.check(not bad, "list newest first (date descending)",
                      f"{len(bad)} out-of-order pairs, first at index {bad[0][0] if bad else ''}: "
                      f"{bad[0][1] if bad else ''} before {bad[0][2] if bad else ''}")
            if args.expect_ids:
                with open(args.expect_ids, encoding="utf-8") as fh:
                    expected = [line.strip() for line in fh if line.strip()]
                wrong = {i: ids.count(i) for i in expected if ids.count(i) != 1}
                res.check(not wrong, f"list contains each of {len(expected)} expected ids exactly once",
                          f"id -> times seen: {wrong}")
        run_section(res, "list engagements", list_all)

        # --- GetEngagement ------------------------------------------------------------------
        def get_one():
            if not listed:
                res.fail("get engagement: no engagement listed to get")
                return
            want = listed[0].id
            resp = engagements.GetEngagement(engagement_pb2.GetEngagementRequest(id=want), timeout=TIMEOUT)
            res.check(resp.engagement.id == want, f"get engagement {want}", f"got id {resp.engagement.id!r}")
        run_section(res, "get engagement", get_one)
        run_section(res, "get engagement not-a-uuid", lambda: expect_status(
            res, "get engagement id 'not-a-uuid'",
            lambda: engagements.GetEngagement(engagement_pb2.GetEngagementRequest(id="not-a-uuid"), timeout=TIMEOUT),
            grpc.StatusCode.INVALID_ARGUMENT, "id"))

        # --- SummarizeEngagements -----------------------------------------------------------
        def summarize():
            resp = engagements.SummarizeEngagements(
                engagement_pb2.SummarizeEngagementsRequest(from_date="2022-07-01", to_date="2022-09-30"),
                timeout=TIMEOUT,
            )
            who = ", ".join(f"{c.key}={c.count}" for c in resp.by_who)
            area = ", ".join(f"{c.key}={c.count}" for c in resp.by_area)
            print(f"     summary 2022-07-01..2022-09-30: total={resp.total}; by_who: {who}; by_area: {area}")
            area_sum = sum(c.count for c in resp.by_area)
            res.check(area_sum == resp.total, f"summarize total {resp.total} == sum of by_area {area_sum}",
                      f"by_area sums to {area_sum}")
        run_section(res, "summarize engagements", summarize)

        # --- DeliveryPlanService ------------------------------------------------------------
        def delivery_plan():
            objectives = plan.ListObjectives(plan_pb2.ListObjectivesRequest(), timeout=TIMEOUT).objectives
            res.ok(f"list objectives: {len(objectives)}")
            elements = plan.ListElements(plan_pb2.ListElementsRequest(), timeout=TIMEOUT).elements
            res.ok(f"list elements: {len(elements)}")
            if not elements:
                res.fail("get element: no element listed to get")
                return
            want = elements[0].id
            got = plan.GetElement(plan_pb2.GetElementRequest(id=want), timeout=TIMEOUT).element
            res.check(got.id == want, f"get element {want} ({got.title})", f"got id {got.id!r}")
        run_section(res, "delivery plan", delivery_plan)

        # --- RecordEngagement ---------------------------------------------------------------
        new_id = str(uuid.uuid4())
        recorded = {}

        def record():
            eng = engagement_pb2.Engagement(
                id=new_id, date="2022-08-01", who="apcc", kind="community-group",
                organisation="Interop check", place="Hereford", area="herefordshire", attendees=5,
            )
            first = engagements.RecordEngagement(engagement_pb2.RecordEngagementRequest(engagement=eng),
                                                 timeout=TIMEOUT)
            recorded["first"] = first
            res.check(first.engagement.id == new_id, f"record engagement {new_id} (cursor {first.cursor})",
                      f"returned id {first.engagement.id!r}")
            again = engagements.RecordEngagement(
                engagement_pb2.RecordEngagementRequest(engagement=first.engagement), timeout=TIMEOUT)
            res.check(again.engagement.id == new_id,
                      f"record same engagement again is idempotent (cursor {again.cursor})",
                      f"returned id {again.engagement.id!r}")
        run_section(res, "record engagement", record)

        def record_invalid():
            bad = engagement_pb2.Engagement(
                id=str(uuid.uuid4()), date="2022-08-01", who="apcc", kind="community-group",
                organisation="Interop check", place="Hereford", area="herefordshire", attendees=-1,
            )
            expect_status(
                res, "record engagement attendees -1",
                lambda: engagements.RecordEngagement(engagement_pb2.RecordEngagementRequest(engagement=bad),
                                                     timeout=TIMEOUT),
                grpc.StatusCode.INVALID_ARGUMENT, "attendees")
        run_section(res, "record invalid engagement", record_invalid)

        # --- SyncService.Pull ---------------------------------------------------------------
        def pull():
            device = str(uuid.uuid4())
            changes = []
            cursor = 0
            for _ in range(1000):  # page on if the log is longer than one page
                resp = sync.Pull(sync_pb2.PullRequest(after_cursor=cursor, page_size=1000, device_id=device,
                                                      protocol_version=2), timeout=TIMEOUT)
                changes.extend(resp.changes)
                if not resp.has_more or resp.next_cursor <= cursor:
                    break
                cursor = resp.next_cursor
            hits = [c for c in changes if c.entity_type == "engagement" and c.entity_id == new_id]
            res.check(
                bool(hits) and hits[-1].HasField("engagement") and hits[-1].engagement.id == new_id,
                f"pull from cursor 0: {len(changes)} changes include recorded engagement {new_id}"
                + (f" at cursor {hits[-1].cursor}" if hits else ""),
                f"not found among {len(changes)} changes" if not hits else "change has no engagement payload",
            )
        run_section(res, "pull", pull)
        run_section(res, "pull protocol 99", lambda: expect_status(
            res, "pull protocol_version 99",
            lambda: sync.Pull(sync_pb2.PullRequest(after_cursor=0, page_size=1000, device_id=str(uuid.uuid4()),
                                                   protocol_version=99), timeout=TIMEOUT),
            grpc.StatusCode.FAILED_PRECONDITION, None))

        # --- SyncService.Push: two devices edit the same notes; ListConflicts shows the loser ---
        def conflicting_edits():
            head = 0
            cursor = 0
            for _ in range(1000):
                resp = sync.Pull(sync_pb2.PullRequest(after_cursor=cursor, page_size=1000, device_id=f"{apcc_a}-device",
                                                      protocol_version=2), timeout=TIMEOUT)
                head = resp.next_cursor
                if not resp.has_more or resp.next_cursor <= cursor:
                    break
                cursor = resp.next_cursor
            base = engagements.GetEngagement(engagement_pb2.GetEngagementRequest(id=new_id), timeout=TIMEOUT).engagement
            replies = []
            for name, notes in ((apcc_a, "Notes from device a"), (apcc_b, "Notes from device b")):
                device = f"{name}-device"
                pusher = sync_grpc.SyncServiceStub(open_channel(tokens[name]))
                edited = engagement_pb2.Engagement()
                edited.CopyFrom(base)
                edited.notes = notes
                mutation = sync_pb2.Mutation(mutation_id=str(uuid.uuid4()), entity_type="engagement", entity_id=new_id,
                                             operation=sync_pb2.OPERATION_UPSERT, engagement=edited,
                                             changed_fields=["notes"], base_cursor=head, recorded_by=device)
                replies.append(pusher.Push(sync_pb2.PushRequest(device_id=device, protocol_version=2,
                                                                mutations=[mutation]), timeout=TIMEOUT))
            outcomes = [r.results[0].outcome for r in replies]
            res.check(all(o == sync_pb2.MutationResult.OUTCOME_APPLIED for o in outcomes),
                      "two concurrent pushes of the same field are both APPLIED", f"outcomes {outcomes}")
            listed = sync.ListConflicts(sync_pb2.ListConflictsRequest(engagement_id=new_id), timeout=TIMEOUT)
            values = sorted([c.kept.value for c in listed.conflicts] + [c.lost.value for c in listed.conflicts])
            res.check(len(listed.conflicts) == 1 and listed.conflicts[0].subject == "notes"
                      and values == ["Notes from device a", "Notes from device b"],
                      "ListConflicts keeps the other value of the notes", f"got {listed}")
        run_section(res, "conflicting edits", conflicting_edits)
        run_section(res, "push protocol 1", lambda: expect_status(
            res, "push protocol_version 1 (asks for an upgrade)",
            lambda: sync.Push(sync_pb2.PushRequest(device_id=f"{apcc_a}-device", protocol_version=1), timeout=TIMEOUT),
            grpc.StatusCode.FAILED_PRECONDITION, "upgrade"))
        run_section(res, "list conflicts bad id", lambda: expect_status(
            res, "ListConflicts engagement_id not-a-uuid",
            lambda: sync.ListConflicts(sync_pb2.ListConflictsRequest(engagement_id="not-a-uuid"), timeout=TIMEOUT),
            grpc.StatusCode.INVALID_ARGUMENT, "engagement_id"))

        # --- Server reflection: discover and call without the .proto files --------------------
        def reflection():
            try:
                from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
                    ProtoReflectionDescriptorDatabase)
                from google.protobuf.descriptor_pool import DescriptorPool
                from google.protobuf import message_factory
            except ImportError as exc:
                res.fail(f"reflection: {exc} (pip install grpcio-reflection)")
                return
            database = ProtoReflectionDescriptorDatabase(open_channel())
            services = set(database.get_services())
            wanted = {"assure.v1.AccountService", "assure.v1.DeliveryPlanService", "assure.v1.EngagementService",
                      "assure.v1.GovernanceService", "assure.v1.SyncService", "grpc.health.v1.Health"}
            res.check(wanted <= services, f"reflection lists {len(services)} services, every Assure service among them",
                      f"missing {sorted(wanted - services)}")
            pool = DescriptorPool(database)
            method = pool.FindMethodByName("assure.v1.GovernanceService.GetMonthlyReview")
            request_class = message_factory.GetMessageClass(method.input_type)
            response_class = message_factory.GetMessageClass(method.output_type)
            call = office.unary_unary("/assure.v1.GovernanceService/GetMonthlyReview",
                                      request_serializer=request_class.SerializeToString,
                                      response_deserializer=response_class.FromString)
            answer = call(request_class(month="2022-10"), timeout=TIMEOUT)
            res.check(answer.review.month == "2022-10" and len(answer.review.objectives) == 4,
                      "GetMonthlyReview called through reflected descriptors only (no generated code)",
                      f"got month {answer.review.month!r}")
        run_section(res, "server reflection", reflection)

        # --- Many calls in flight on one connection ------------------------------------------
        def concurrent_calls():
            stub = account_grpc.AccountServiceStub(panel)
            calls = [stub.WhoAmI.future(account_pb2.WhoAmIRequest(), timeout=TIMEOUT) for _ in range(300)]
            failed = 0
            for call in calls:
                try:
                    call.result()
                except grpc.RpcError:
                    failed += 1
            res.check(failed == 0, "300 calls in flight at once on one connection all answered",
                      f"{failed} failed (the server must allow more than 100 concurrent streams)")
        run_section(res, "concurrent calls", concurrent_calls)

        # --- Limits ---------------------------------------------------------------------------
        def oversized():
            huge = engagement_pb2.Engagement(
                id=str(uuid.uuid4()), date="2022-08-01", who="apcc", kind="community-group",
                organisation="Interop check", place="Hereford", area="herefordshire", notes="n" * (5 * 1024 * 1024))
            expect_status(
                res, "record a 5 MiB engagement (over the 4 MiB message limit)",
                lambda: engagements.RecordEngagement(engagement_pb2.RecordEngagementRequest(engagement=huge),
                                                     timeout=TIMEOUT),
                grpc.StatusCode.INVALID_ARGUMENT, "at most 4194304 bytes")
        run_section(res, "message size limit", oversized)
        run_section(res, "batch size limit", lambda: expect_status(
            res, "push 501 mutations",
            lambda: sync.Push(sync_pb2.PushRequest(device_id=f"{apcc_a}-device", protocol_version=2, mutations=[
                sync_pb2.Mutation(mutation_id=str(uuid.uuid4()), entity_type="engagement", entity_id=str(uuid.uuid4()),
                                  operation=sync_pb2.OPERATION_DELETE) for _ in range(501)]), timeout=TIMEOUT),
            grpc.StatusCode.INVALID_ARGUMENT, "at most 500"))
        run_section(res, "field length limit", lambda: expect_status(
            res, "record an engagement with 10,001 characters of notes",
            lambda: engagements.RecordEngagement(engagement_pb2.RecordEngagementRequest(
                engagement=engagement_pb2.Engagement(
                    id=str(uuid.uuid4()), date="2022-08-01", who="apcc", kind="community-group",
                    organisation="Interop check", place="Hereford", area="herefordshire", notes="n" * 10001)),
                timeout=TIMEOUT),
            grpc.StatusCode.INVALID_ARGUMENT, "notes"))

        # --- GovernanceService ----------------------------------------------------------------
        def review():
            resp = governance.GetMonthlyReview(governance_pb2.GetMonthlyReviewRequest(month="2022-10"),
                                               timeout=TIMEOUT)
            r = resp.review
            updates = sum(len(o.updates) for o in r.objectives)
            res.check(
                r.month == "2022-10" and r.as_of == "2022-10-31" and len(r.objectives) == 4,
                f"review 2022-10: {len(r.objectives)} objectives, {updates} updates, "
                f"{r.engagements.total} engagements, {len(r.open_actions)} open actions, "
                f"built in {resp.server_micros} us",
                f"month {r.month!r}, as_of {r.as_of!r}, {len(r.objectives)} objectives",
            )
        run_section(res, "monthly review", review)
        run_section(res, "monthly review bad month", lambda: expect_status(
            res, "review month 2022-13",
            lambda: governance.GetMonthlyReview(governance_pb2.GetMonthlyReviewRequest(month="2022-13"),
                                                timeout=TIMEOUT),
            grpc.StatusCode.INVALID_ARGUMENT, "month"))

        def set_status_trailers():
            try:
                plan.SetElementStatus(plan_pb2.SetElementStatusRequest(id="2.3", status="sideways"), timeout=TIMEOUT)
                res.fail("set status sideways: expected INVALID_ARGUMENT, got OK")
            except grpc.RpcError as err:
                trailers = [v for k, v in (err.trailing_metadata() or ()) if k == "assure-violation-bin"]
                res.check(
                    err.code() == grpc.StatusCode.INVALID_ARGUMENT and trailers
                    and trailers[0].split(b"\0")[0] == b"status",
                    f"set status sideways: {err.code().name} with violation trailer {trailers[:1]}",
                    f"code {err.code().name}, trailers {trailers}",
                )
        run_section(res, "set status violation trailers", set_status_trailers)

        # --- OversightService and ReportService --------------------------------------------
        def funding():
            resp = oversight.ListFunding(oversight_pb2.ListFundingRequest(), timeout=TIMEOUT)
            barnardos = [a for a in resp.awards if a.recipient == "Barnardo's"]
            prevention = [f for f in resp.funds if f.id == "prevention"]
            res.check(
                len(barnardos) == 1 and barnardos[0].amount_pence == 6_000_000
                and prevention and prevention[0].total_pence == 100_000_000,
                f"funding: {len(resp.funds)} funds, {len(resp.awards)} awards, {len(resp.bids)} bids; "
                f"Barnardo's {barnardos[0].amount_pence if barnardos else '?'} pence",
            )
        run_section(res, "oversight funding", funding)

        def over_commit():
            award = oversight_pb2.Award(fund_id="prevention", recipient="Interop", amount_pence=99_000_000,
                                        date="2022-10-30")
            try:
                oversight.SaveAward(oversight_pb2.SaveAwardRequest(award=award), timeout=TIMEOUT)
                res.fail("over-committing award: expected INVALID_ARGUMENT, got OK")
            except grpc.RpcError as err:
                trailers = [v for k, v in (err.trailing_metadata() or ()) if k == "assure-violation-bin"]
                res.check(
                    err.code() == grpc.StatusCode.INVALID_ARGUMENT and trailers
                    and trailers[0].split(b"\0")[0] == b"amount",
                    f"over-committing award: {err.code().name} with violation trailer {trailers[:1]}",
                    f"code {err.code().name}, trailers {trailers}",
                )
        run_section(res, "oversight over-commitment", over_commit)

        def panel_report():
            resp = reports.GeneratePanelReport(
                report_pb2.GeneratePanelReportRequest(**{"from": "2022-09-01", "to": "2022-10-31", "format": "html"}),
                timeout=TIMEOUT)
            doc = resp.document
            res.check(
                resp.format == "html" and "232 pieces of correspondence" in doc
                and "Barnardo&#39;s from the £1m Prevention Fund" in doc and "<svg" in doc,
                f"panel report: {resp.paragraphs} paragraphs, {len(doc)} characters of HTML",
                doc[:200],
            )
        run_section(res, "panel report", panel_report)

        channel.close()

    print(f"{res.passed} passed, {res.failed} failed")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
