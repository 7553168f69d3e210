#!/usr/bin/env python3
"""Sync soak: real `assure` devices syncing with a real `assure-server` that is killed.

Run by Scripts/soak-sync.sh, which builds the release binaries and prints the machine line.
Every round, each device records a few engagements offline (and sometimes edits or deletes
one), then every device runs `assure sync` at once while the server is killed with SIGKILL
after a seeded random delay and restarted on the same data folder and port. At the end the
server is restarted cleanly, every device syncs until nothing is pending, and the `sqlite3`
CLI checks the server's and every device's file:

- every engagement id a device printed (acknowledged locally) is on the server exactly
  once, none is missing and none is unexpected;
- every acknowledged delete is a tombstone on the server, and nothing else is;
- the server's change log holds each acknowledged upsert and delete exactly once (a re-sent
  mutation applied twice would show as one change too many);
- no device has a pending or rejected outbox row;
- every device holds the server's engagement rows (live and tombstoned) and its cursor.

`assure sync` exiting 75 (server unreachable) is expected while the server is down; any
other failure of a CLI command is a finding. Exit status: 0 PASS, 1 FAIL.
"""

import argparse
import collections
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

OFFLINE = 75
KINDS = ["parish-council", "community-group", "funded-organisation", "public-meeting",
         "partner-meeting", "school", "event", "media", "other"]
AREAS = ["herefordshire", "shropshire", "telford-and-wrekin", "worcestershire"]
# Columns compared between replicas. A tombstone's time is each replica's own (the device
# that deleted uses its clock, the others the server's change time), so only its presence
# is compared.
ROW_COLUMNS = ("id, date, who, kind, organisation, place, area, attendees, topics, objective_id, "
               "element_id, follow_up_actions, notes, created_by, created_at_ms, updated_by, "
               "updated_at_ms, deleted_at_ms IS NOT NULL")


def sqlite(path, sql):
    """Runs `sql` with the sqlite3 CLI (read-only) and returns its rows as lists of strings."""
    out = subprocess.run(["sqlite3", "-readonly", "-batch", "-separator", "\x1f", path, sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\x1f") for line in out.splitlines()]


def spread(values, unit="s", scale=1.0, digits=3):
    if not values:
        return "none"
    v = sorted(x * scale for x in values)
    return (f"median {statistics.median(v):.{digits}f} {unit}, min {v[0]:.{digits}f} {unit}, "
            f"max {v[-1]:.{digits}f} {unit}, n {len(v)}")


class Server:
    """The real assure-server on a fixed port, started and killed by this script."""

    def __init__(self, binary, data_dir, port, log_dir):
        self.binary, self.data_dir, self.port, self.log_dir = binary, data_dir, port, log_dir
        self.proc = None
        self.starts = 0
        self.start_times = []
        self.bind_retries = 0

    def start(self):
        for attempt in range(50):
            self.starts += 1
            log_path = os.path.join(self.log_dir, f"server-{self.starts:04d}.log")
            began = time.monotonic()
            with open(log_path, "w") as log:
                self.proc = subprocess.Popen(
                    [self.binary, "--data-dir", self.data_dir, "--host", "127.0.0.1",
                     "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT)
            want = f"listening on 127.0.0.1:{self.port}"
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with open(log_path) as log:
                    if want in log.read():
                        self.start_times.append(time.monotonic() - began)
                        return
                if self.proc.poll() is not None:
                    break
                time.sleep(0.005)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError(f"server did not report '{want}' within 30 s; see {log_path}")
            # Exited before listening: most likely the port is not free again yet.
            self.bind_retries += 1
            time.sleep(0.1)
        raise RuntimeError(f"server could not start on port {self.port}; see {self.log_dir}")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def stop(self):
        """Graceful stop (SIGTERM): calls in flight finish first."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("server did not stop within 30 s of SIGTERM")
            self.proc = None


class Device:
    """One field device: its own ASSURE_HOME and ASSURE_USER, driven through the real CLI."""

    def __init__(self, index, binary, work, server):
        self.index = index
        self.binary = binary
        self.home = os.path.join(work, f"device-{index}")
        self.user = f"soak-{index}"
        self.env = dict(os.environ, ASSURE_HOME=self.home, ASSURE_USER=self.user, ASSURE_SERVER=server)
        self.db = os.path.join(self.home, "assure.sqlite")
        self.counter = 0

    def run(self, *args):
        return subprocess.run([self.binary, *args], env=self.env, capture_output=True, text=True)

    def popen(self, *args):
        return subprocess.Popen([self.binary, *args], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)


class Soak:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.port = self.free_port()
        address = f"127.0.0.1:{self.port}"
        self.server = Server(os.path.join(args.bin, "assure-server"), os.path.join(args.work, "server-data"),
                             self.port, args.work)
        self.devices = [Device(i + 1, os.path.join(args.bin, "assure"), args.work, address)
                        for i in range(args.devices)]
        # What the devices acknowledged: every id printed by `engagement add`, every edit and
        # delete that exited 0.
        self.owner = {}                       # engagement id -> device index
        self.category = {}                    # id -> "delete" | "shared" | "own"
        self.upserts = collections.Counter()  # id -> acknowledged upserts (add + edits)
        self.deleted = set()
        self.counts = collections.Counter()
        self.findings = []
        self.sync_seconds = []
        self.round_seconds = []
        self.kill_delays = []

    @staticmethod
    def free_port():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def finding(self, round_no, device, what, result):
        text = (f"round {round_no}, device {device.index}: {what} exited {result.returncode}; "
                f"stdout {result.stdout.strip()[:300]!r}; stderr {result.stderr.strip()[:500]!r}")
        with self.lock:
            self.findings.append(text)

    def sign_in(self):
        """Each device signs in as its own commissioner account, as a user would: a one-time code
        from `assure-server user add`, exchanged by `assure login`."""
        admin = os.path.join(self.args.bin, "assure-server")
        for device in self.devices:
            added = subprocess.run([admin, "user", "add", "--data-dir", self.server.data_dir, "--name", device.user,
                                    "--role", "commissioner"], capture_output=True, text=True)
            if added.returncode != 0:
                raise RuntimeError(f"user add {device.user}: {added.stderr}")
            login = device.run("login", "--server", f"127.0.0.1:{self.port}", "--code", added.stdout.strip())
            if login.returncode != 0:
                raise RuntimeError(f"login {device.user}: {login.stderr}")

    # MARK: - Offline recording

    def plan_round(self, round_no):
        """Draws every device's offline work for the round from the seeded generator."""
        plans = []
        for device in self.devices:
            work = [("add", self.draw_engagement()) for _ in range(self.rng.randint(1, self.args.max_adds))]
            roll = self.rng.random()
            if roll < 0.25:
                work.append(("edit-own", self.rng.random()))
            elif roll < 0.40:
                work.append(("delete-own", self.rng.random()))
            elif roll < 0.55:
                work.append(("edit-shared", self.rng.random()))
            plans.append(work)
        return plans

    def draw_engagement(self):
        r = self.rng
        return {
            "date": f"20{r.randint(22, 25)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
            # Every soak device is one of the PCC's (signed in as a commissioner), so that
            # shared engagements may be edited from any of them.
            "by": "pcc", "kind": r.choice(KINDS), "area": r.choice(AREAS),
            "attendees": r.randint(0, 200), "place": r.choice(["Ludlow", "Hereford", "Telford", "Malvern"]),
            "category": r.choices(["delete", "shared", "own"], weights=[2, 3, 5])[0],
        }

    def add(self, round_no, device, e, during_sync=False):
        device.counter += 1
        result = device.run(
            "engagement", "add", "--date", e["date"], "--by", e["by"], "--kind", e["kind"],
            "--organisation", f"Soak {device.user} #{device.counter}", "--place", e["place"],
            "--area", e["area"], "--attendees", str(e["attendees"]), "--topic", "soak",
            "--notes", f"round {round_no}")
        if result.returncode != 0:
            self.finding(round_no, device, "engagement add", result)
            return
        eid = result.stdout.strip().splitlines()[-1]
        with self.lock:
            if eid in self.owner:
                self.findings.append(f"round {round_no}, device {device.index}: add printed id {eid} twice")
            self.owner[eid] = device.index
            self.category[eid] = e["category"]
            self.upserts[eid] += 1
            self.counts["adds"] += 1
            if during_sync:
                self.counts["adds during sync"] += 1

    def local_live_ids(self, device):
        if not os.path.exists(device.db):
            return []
        return [row[0] for row in sqlite(device.db, "SELECT id FROM engagement WHERE deleted_at_ms IS NULL ORDER BY id")]

    def edit(self, round_no, device, kind, pick):
        live = self.local_live_ids(device)
        with self.lock:
            if kind == "edit-own":
                candidates = [i for i in live if self.owner.get(i) == device.index and self.category[i] != "shared"
                              and i not in self.deleted]
            elif kind == "delete-own":
                candidates = [i for i in live if self.owner.get(i) == device.index and self.category[i] == "delete"
                              and i not in self.deleted]
            else:
                # Shared engagements are edited by any device that holds them, never deleted,
                # so the last edit in server order wins and the replicas must agree on it.
                candidates = [i for i in live if self.category.get(i) == "shared"]
        if not candidates:
            return
        eid = candidates[int(pick * len(candidates))]
        if kind == "delete-own":
            result = device.run("engagement", "delete", eid)
        else:
            device.counter += 1
            result = device.run("engagement", "edit", eid, "--notes",
                                f"edited by {device.user} in round {round_no} (#{device.counter})",
                                "--attendees", str(device.counter % 500))
        if result.returncode != 0:
            self.finding(round_no, device, f"engagement {kind} {eid}", result)
            return
        with self.lock:
            if kind == "delete-own":
                self.deleted.add(eid)
                self.counts["deletes"] += 1
            else:
                self.upserts[eid] += 1
                self.counts["edits"] += 1

    def record_offline(self, round_no, plans):
        def work(device, plan):
            for step, value in plan:
                if step == "add":
                    self.add(round_no, device, value)
                else:
                    self.edit(round_no, device, step, value)
        threads = [threading.Thread(target=work, args=(d, p)) for d, p in zip(self.devices, plans)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    # MARK: - Sync while the server dies

    def sync_round(self, round_no):
        r = self.rng
        kill_delay = r.uniform(0, self.args.kill_max_ms) / 1000
        down_time = r.uniform(0, self.args.down_max_ms) / 1000
        client_kill = r.random() < self.args.client_kill_rate
        client_victim = r.randrange(len(self.devices))
        client_kill_delay = r.uniform(0, self.args.kill_max_ms) / 1000
        add_during = r.random() < self.args.add_during_sync_rate
        add_device = self.devices[r.randrange(len(self.devices))]
        add_values = self.draw_engagement()

        began = time.monotonic()
        procs = [(d, d.popen("sync", "--timeout", str(self.args.sync_timeout), "--format", "json",
                             "--batch-size", str(self.args.batch_size)), time.monotonic())
                 for d in self.devices]
        adder = None
        if add_during:
            adder = threading.Thread(target=self.add, args=(round_no, add_device, add_values, True))
            adder.start()
        killed_client = None
        if client_kill and client_kill_delay < kill_delay:
            time.sleep(client_kill_delay)
            killed_client = self.kill_client(procs[client_victim])
            time.sleep(kill_delay - client_kill_delay)
        else:
            time.sleep(kill_delay)
        in_flight = sum(1 for _, p, _ in procs if p.poll() is None)
        self.server.kill()
        self.kill_delays.append(kill_delay)
        self.counts["server kills"] += 1
        if in_flight:
            self.counts["server kills with a sync in flight"] += 1
        self.counts["syncs in flight at a server kill"] += in_flight
        waited = 0.0
        if client_kill and killed_client is None:
            waited = min(down_time, max(0.0, client_kill_delay - kill_delay))
            time.sleep(waited)
            killed_client = self.kill_client(procs[client_victim])
        time.sleep(down_time - waited)
        self.server.start()

        for device, proc, started in procs:
            out, err = proc.communicate()
            elapsed = time.monotonic() - started
            result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
            self.counts["syncs"] += 1
            if proc is killed_client:
                self.counts["syncs killed (SIGKILL to the client)"] += 1
            elif proc.returncode == 0:
                self.counts["syncs ok"] += 1
                self.sync_seconds.append(elapsed)
                self.count_pushes(round_no, device, result)
            elif proc.returncode == OFFLINE:
                self.counts["syncs exit 75"] += 1
            else:
                self.counts["syncs failed otherwise"] += 1
                self.finding(round_no, device, "sync", result)
        if adder:
            adder.join()
        self.round_seconds.append(time.monotonic() - began)

    def count_pushes(self, round_no, device, result):
        """Adds up what the server answered, from `assure sync --format json`."""
        try:
            report = json.loads(result.stdout)
            self.counts["mutations applied"] += report["pushed"]
            self.counts["mutations acknowledged as duplicates"] += report["duplicates"]
            self.counts["mutations rejected"] += len(report["rejected"])
        except (ValueError, KeyError) as error:
            self.finding(round_no, device, f"sync printed unreadable JSON ({error})", result)

    def kill_client(self, entry):
        _, proc, _ = entry
        if proc.poll() is not None:
            return None
        proc.send_signal(signal.SIGKILL)
        return proc

    # MARK: - Settle and verify

    def settle(self):
        """Clean restart, then sync every device until nothing is pending, then twice more."""
        self.server.stop()
        self.server.start()
        for attempt in range(10):
            left = 0
            for device in self.devices:
                result = device.run("sync", "--format", "json")
                self.counts["final syncs"] += 1
                if result.returncode != 0:
                    self.finding("final", device, "sync", result)
                else:
                    self.count_pushes("final", device, result)
                status = device.run("status", "--format", "json")
                if status.returncode != 0:
                    self.finding("final", device, "status", status)
                    continue
                state = json.loads(status.stdout)
                left += state["pending"] + len(state["quarantined"])
            if left == 0:
                break
        # Two more passes: every device pulls what the others pushed last.
        for _ in range(2):
            for device in self.devices:
                result = device.run("sync", "--format", "json")
                self.counts["final syncs"] += 1
                if result.returncode != 0:
                    self.finding("final", device, "sync", result)
                else:
                    self.count_pushes("final", device, result)
        self.server.stop()

    def verify(self):
        failures = []
        db = os.path.join(self.server.data_dir, "assure-server.sqlite")
        schema = "\n".join(r[0] for r in sqlite(db, ".schema engagement"))
        print("server schema (.schema engagement):")
        print("  " + schema.replace("\n", "\n  "))
        if "id TEXT PRIMARY KEY" not in schema:
            failures.append("the server's engagement table has no 'id TEXT PRIMARY KEY' column")

        rows = sqlite(db, "SELECT lower(id), deleted_at_ms IS NOT NULL FROM engagement")
        on_server = collections.Counter(r[0] for r in rows)
        tombstones = {r[0] for r in rows if r[1] == "1"}
        acked = set(self.owner)
        missing = sorted(acked - set(on_server))
        duplicated = sorted(i for i, n in on_server.items() if n > 1)
        unexpected = sorted(set(on_server) - acked)
        wrongly_live = sorted(self.deleted - tombstones)
        wrongly_deleted = sorted(tombstones - self.deleted)

        log = sqlite(db, "SELECT lower(entity_id), operation, mutation_id FROM change_log "
                         "WHERE entity_type = 'engagement'")
        log_upserts = collections.Counter(r[0] for r in log if r[1] == "upsert")
        log_deletes = collections.Counter(r[0] for r in log if r[1] == "delete")
        by_mutation = collections.Counter(r[2] for r in log if r[2])
        repeated_mutations = [m for m, n in by_mutation.items() if n > 1]
        upsert_mismatch = sorted(i for i in acked if log_upserts[i] != self.upserts[i])
        delete_mismatch = sorted(i for i in acked if log_deletes[i] != (1 if i in self.deleted else 0))
        applied = int(sqlite(db, "SELECT COUNT(*) FROM applied_mutation")[0][0])
        acked_mutations = sum(self.upserts.values()) + len(self.deleted)
        head = sqlite(db, "SELECT COALESCE(MAX(cursor), 0) FROM change_log")[0][0]

        print(f"server: {len(rows)} engagement rows ({len(rows) - len(tombstones)} live, {len(tombstones)} tombstones); "
              f"{len(log)} engagement changes in the log; {applied} applied mutations; head cursor {head}")
        print(f"acknowledged on devices: {len(acked)} engagements, {acked_mutations} mutations "
              f"({sum(self.upserts.values())} upserts, {len(self.deleted)} deletes)")
        for label, items in [("acknowledged but missing on the server", missing),
                             ("on the server more than once", duplicated),
                             ("on the server but never acknowledged", unexpected),
                             ("deleted on a device but live on the server", wrongly_live),
                             ("tombstoned on the server without an acknowledged delete", wrongly_deleted),
                             ("upsert count in the change log differs from acknowledged", upsert_mismatch),
                             ("delete count in the change log differs from acknowledged", delete_mismatch),
                             ("mutation ids in the change log more than once", repeated_mutations)]:
            print(f"  {label}: {len(items)}")
            if items:
                failures.append(f"{len(items)} {label}: {', '.join(items[:10])}")
                if label.startswith("upsert count"):
                    for i in items[:10]:
                        failures.append(f"  {i}: change log {log_upserts[i]}, acknowledged {self.upserts[i]}")
        if applied != acked_mutations:
            failures.append(f"applied_mutation holds {applied} ids, devices acknowledged {acked_mutations} mutations")

        server_rows = sorted(tuple(r) for r in sqlite(db, f"SELECT {ROW_COLUMNS} FROM engagement"))
        for device in self.devices:
            outbox = sqlite(device.db, "SELECT state, COUNT(*) FROM outbox GROUP BY state")
            cursor = sqlite(device.db, "SELECT cursor FROM sync_state")
            device_rows = sorted(tuple(r) for r in sqlite(device.db, f"SELECT {ROW_COLUMNS} FROM engagement"))
            live = sum(1 for r in device_rows if r[-1] == "0")
            same = device_rows == server_rows
            print(f"device {device.index}: outbox {dict((s, int(n)) for s, n in outbox) or 'empty'}, "
                  f"{live} live + {len(device_rows) - live} tombstones, cursor {cursor[0][0] if cursor else '-'}, "
                  f"{'same rows as the server' if same else 'DIFFERS from the server'}")
            if outbox:
                failures.append(f"device {device.index} still has outbox rows: {outbox}")
            if not cursor or cursor[0][0] != head:
                failures.append(f"device {device.index} cursor {cursor} is not the server's head {head}")
            if not same:
                server_set, device_set = set(server_rows), set(device_rows)
                only_server = sorted(server_set - device_set)[:3]
                only_device = sorted(device_set - server_set)[:3]
                failures.append(f"device {device.index} rows differ from the server's: "
                                f"{len(server_set - device_set)} only on the server (e.g. {only_server}), "
                                f"{len(device_set - server_set)} only on the device (e.g. {only_device})")
        return failures

    # MARK: - Run

    def run(self):
        a = self.args
        print(f"soak: {a.rounds} rounds, {a.devices} devices, seed {a.seed}, port {self.port}, "
              f"server killed after 0-{a.kill_max_ms} ms of each round's syncs and down for 0-{a.down_max_ms} ms, "
              f"sync --timeout {a.sync_timeout}, client SIGKILL rate {a.client_kill_rate}, "
              f"add-during-sync rate {a.add_during_sync_rate}")
        sys.stdout.flush()
        began = time.monotonic()
        try:
            self.server.start()
            self.sign_in()
            for round_no in range(1, a.rounds + 1):
                self.record_offline(round_no, self.plan_round(round_no))
                self.sync_round(round_no)
                if round_no % max(1, a.rounds // 10) == 0 or round_no == a.rounds:
                    c = self.counts
                    print(f"round {round_no}/{a.rounds}: {len(self.owner)} engagements, {c['syncs ok']} syncs ok, "
                          f"{c['syncs exit 75']} exit 75, {len(self.findings)} findings, "
                          f"{time.monotonic() - began:.0f} s")
                    sys.stdout.flush()
            self.settle()
        finally:
            if self.server.proc is not None:
                self.server.proc.kill()
                self.server.proc.wait()
        failures = self.verify()
        elapsed = time.monotonic() - began

        c = self.counts
        print()
        print(f"rounds {a.rounds}; devices {a.devices}; seed {a.seed}; {elapsed:.0f} s")
        print(f"server kills (SIGKILL) {c['server kills']} ({c['server kills with a sync in flight']} with a sync in flight, "
              f"{c['syncs in flight at a server kill']} syncs cut); server starts {self.server.starts} "
              f"({self.server.bind_retries} retried because the port was busy)")
        print(f"engagements acknowledged {len(self.owner)} (adds {c['adds']}, {c['adds during sync']} of them during a sync); "
              f"edits {c['edits']}; deletes {c['deletes']}")
        print(f"syncs during rounds {c['syncs']}: ok {c['syncs ok']}, exit 75 {c['syncs exit 75']}, "
              f"client killed {c['syncs killed (SIGKILL to the client)']}, other failures {c['syncs failed otherwise']}; "
              f"final syncs {c['final syncs']}")
        print(f"push answers (rounds and final syncs): {c['mutations applied']} applied, "
              f"{c['mutations acknowledged as duplicates']} duplicates (re-sent after a lost answer), "
              f"{c['mutations rejected']} rejected")
        print(f"sync that succeeded during rounds (whole process): {spread(self.sync_seconds, 'ms', 1000, 0)}")
        print(f"server restart until 'listening on': {spread(self.server.start_times, 'ms', 1000, 0)}")
        print(f"round (syncs, kill, restart): {spread(self.round_seconds, 'ms', 1000, 0)}")
        if self.findings:
            print(f"findings ({len(self.findings)}): CLI commands that failed other than sync exit 75")
            for f in self.findings[:20]:
                print(f"  {f}")
            failures.append(f"{len(self.findings)} CLI failures other than sync exit 75")
        print()
        if failures:
            print("FAIL")
            for f in failures:
                print(f"  {f}")
            print(f"reproduce the schedule: SEED={a.seed} ROUNDS={a.rounds} DEVICES={a.devices} Scripts/soak-sync.sh")
            return 1
        print(f"PASS: {len(self.owner)} acknowledged engagements, each on the server exactly once; "
              f"{a.devices} devices converged; 0 pending, 0 rejected")
        return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", required=True, help="folder holding assure and assure-server")
    p.add_argument("--work", required=True, help="empty folder for the server's and devices' files")
    p.add_argument("--rounds", type=int, default=200)
    p.add_argument("--devices", type=int, default=4)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--max-adds", type=int, default=3, help="engagements recorded per device per round: 1 to this")
    p.add_argument("--kill-max-ms", type=float, default=250, help="server killed 0 to this many ms after the syncs start")
    p.add_argument("--down-max-ms", type=float, default=200, help="server stays down 0 to this many ms")
    p.add_argument("--sync-timeout", type=int, default=5, help="assure sync --timeout during rounds")
    p.add_argument("--batch-size", type=int, default=500,
                   help="assure sync --batch-size during rounds (small: several batches in flight per sync)")
    p.add_argument("--client-kill-rate", type=float, default=0.1, help="share of rounds in which one sync is SIGKILLed")
    p.add_argument("--add-during-sync-rate", type=float, default=0.3,
                   help="share of rounds in which one device records an engagement while it syncs")
    sys.exit(Soak(p.parse_args()).run())


if __name__ == "__main__":
    main()
