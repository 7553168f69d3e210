#!/usr/bin/env bash
# Personal data at scale: a server database with N engagements (two versions each in the change
# log), then, as whole `assure-server` processes: a subject-access search (the first indexes the
# backlog), an erasure of one engagement, and a retention run that removes the notes of half of
# them (dry run, real run, and the next day's run with nothing left to do). Prints one line per
# measure.
#
#   Scripts/bench-privacy.sh [N]          N engagements (default 10000)
#   CONFIG=debug Scripts/bench-privacy.sh use the debug build (default release)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-10000}
config=${CONFIG:-release}
bin=$(cd "$root" && swift build -c "$config" --show-bin-path)
(cd "$root" && swift build -c "$config" --product assure-server >&2)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
timed() {
  local label=$1
  shift
  local s
  s=$(now)
  "$@" >"$work/out.txt" 2>&1 || { cat "$work/out.txt" >&2; exit 1; }
  printf '%-58s %7.3f s   %s\n' "$label" "$(echo "$(now) - $s" | bc)" "$(tail -n 1 "$work/out.txt" | cut -c1-90)"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "build: $config; $count engagements, two versions each"

# The schema, made by the server itself; then the rows, written straight into the file.
"$bin/assure-server" migrate --data-dir "$work/srv" >/dev/null 2>&1 ||
  { "$bin/assure-server" --port 0 --data-dir "$work/srv" >"$work/serve.log" 2>&1 &
    pid=$!; for _ in $(seq 1 100); do grep -q 'listening on' "$work/serve.log" && break; sleep 0.1; done
    kill "$pid"; wait "$pid" 2>/dev/null || true; }
target=$(python3 - "$work/srv/assure-server.sqlite" "$count" <<'PY'
import json, sqlite3, sys, uuid, random
path, count = sys.argv[1], int(sys.argv[2])
random.seed(7)
names = ["Pritchard", "Vaughan", "Llewellyn", "Morgan", "Hughes", "Tudor", "Bevan", "Powell", "Rees", "Price"]
db = sqlite3.connect(path)
db.execute("PRAGMA synchronous = OFF")
target = None
for i in range(count):
    id = str(uuid.UUID(int=random.getrandbits(128)))
    date = f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}" if i % 2 == 0 else f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}"
    person = "Eirwen Trefusis" if i == count // 2 else f"{random.choice(names)} {random.choice(names)}-{i}"
    if i == count // 2: target = id
    e = {"area": "shropshire", "attendees": 10, "createdAt": 0, "createdBy": "bench", "date": date,
         "followUpActions": [f"Write to {person}"], "id": id.upper(), "kind": "community-group",
         "notes": f"{person} raised speeding near the school.", "organisation": f"Group {i}",
         "place": "Ludlow", "topics": ["road-safety"], "updatedAt": 0, "updatedBy": "bench", "who": "pcc"}
    for version in (1, 2):
        if version == 2: e["notes"] += " Follow-up sent."
        db.execute("INSERT INTO change_log (entity_type, entity_id, operation, payload, changed_at_ms, device_id, as_sent) VALUES ('engagement', ?, 'upsert', ?, 0, 'bench', 0)", (id, json.dumps(e, sort_keys=True)))
    db.execute("INSERT INTO engagement (id, date, who, kind, organisation, place, area, attendees, topics, objective_id, element_id, follow_up_actions, notes, created_by, created_at_ms, updated_by, updated_at_ms) VALUES (?, ?, 'pcc', 'community-group', ?, 'Ludlow', 'shropshire', 10, ?, NULL, NULL, ?, ?, 'bench', 0, 'bench', 0)",
               (id, date, e["organisation"], json.dumps(e["topics"]), json.dumps(e["followUpActions"]), e["notes"]))
db.commit()
print(target)
PY
)
data=(--data-dir "$work/srv")
echo "database: $(du -h "$work/srv/assure-server.sqlite" | cut -f1)"
timed "privacy search (first: indexes $((2 * count)) versions)" "$bin/assure-server" privacy search "${data[@]}" "Eirwen Trefusis"
timed "privacy search (indexes up to date)" "$bin/assure-server" privacy search "${data[@]}" "Eirwen Trefusis"
timed "privacy erase --yes (one engagement)" "$bin/assure-server" privacy erase "${data[@]}" --id "$target" --reason bench --yes
timed "retention run --dry-run --notes-days 365" "$bin/assure-server" retention run "${data[@]}" --dry-run --notes-days 365
timed "retention run --yes --notes-days 365" "$bin/assure-server" retention run "${data[@]}" --yes --notes-days 365
timed "retention run --yes --notes-days 365 (nothing left)" "$bin/assure-server" retention run "${data[@]}" --yes --notes-days 365
timed "privacy search after both" "$bin/assure-server" privacy search "${data[@]}" "Eirwen Trefusis"
echo "database after: $(du -h "$work/srv/assure-server.sqlite" | cut -f1), write-ahead log $(stat -c %s "$work/srv/assure-server.sqlite-wal" 2>/dev/null || echo 0) bytes"
