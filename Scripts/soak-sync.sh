#!/usr/bin/env bash
# Sync soak: a real assure-server (release build) on 127.0.0.1 and several real `assure`
# devices, each with its own ASSURE_HOME and ASSURE_USER. Every round each device records a
# few engagements offline (sometimes an edit or a delete), then all devices run `assure sync`
# at once while the server is killed with SIGKILL after a seeded random delay and restarted
# on the same data folder and port. At the end the server is restarted cleanly, every device
# syncs until nothing is pending, and the sqlite3 CLI checks that every engagement id a device
# acknowledged is on the server exactly once, that no device has pending or rejected outbox
# rows, and that every device holds the server's rows. Sync exit 75 (server unreachable)
# while the server is down is expected; any other CLI failure is a finding.
# Prints PASS or FAIL with counts; exits non-zero on FAIL. Run by hand, not in CI.
#
#   Scripts/soak-sync.sh                    200 rounds, 4 devices, a random seed (printed)
#   ROUNDS=5 Scripts/soak-sync.sh           small run (under a minute)
#   SEED=1234 ROUNDS=200 DEVICES=4 Scripts/soak-sync.sh   replay a seed's schedule
#   KEEP=1 Scripts/soak-sync.sh             keep the work folder (kept anyway on FAIL)
#   CONFIG=debug Scripts/soak-sync.sh       use the debug build (default release)
# Further knobs are passed to Scripts/soak_sync.py: SOAK_ARGS="--kill-max-ms 500 --max-adds 5".
#
# The seed fixes the schedule (what each device records, edits and deletes, the kill delays,
# down times, client kills); process timing still varies from run to run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
config=${CONFIG:-release}
rounds=${ROUNDS:-200}
devices=${DEVICES:-4}
seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
command -v sqlite3 >/dev/null || { echo "sqlite3 CLI missing (Debian: apt-get install -y sqlite3)" >&2; exit 2; }
(cd "$root" && swift build -c "$config" --product assure >&2 && swift build -c "$config" --product assure-server >&2)
bin=$(cd "$root" && swift build -c "$config" --show-bin-path)

# Not /tmp/tmp.*: a shared machine's clean-up of stale mktemp folders removed one mid-run.
work=$(mktemp -d "${TMPDIR:-/tmp}/assure-soak.XXXXXX")
status=1
cleanup() {
  if [ "$status" -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "work folder kept: $work" >&2; fi
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(swift --version 2>&1 | grep -o 'Swift version [0-9.]*'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "build: $config; command: SEED=$seed ROUNDS=$rounds DEVICES=$devices Scripts/soak-sync.sh${SOAK_ARGS:+ (SOAK_ARGS=\"$SOAK_ARGS\")}"
# shellcheck disable=SC2086  # SOAK_ARGS is a list of options
python3 -u "$root/Scripts/soak_sync.py" --bin "$bin" --work "$work" --rounds "$rounds" --devices "$devices" \
  --seed "$seed" ${SOAK_ARGS:-} && status=0 || status=$?
exit "$status"
