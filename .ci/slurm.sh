#!/usr/bin/env bash
# Integration test of `engram sweep --slurm` on a real single-node Slurm
# (shared/specs/sweeps-slurm.md §1): installs Slurm and munge when apt can,
# starts munged (unless one runs), slurmctld and slurmd as background
# processes of this script on free ports with a config under a temp dir,
# then
#   1. runs a 4-point sweep as a job array (2 tasks at once on 2 CPUs) and
#      checks every point's outputs, the Slurm ids, workers and memory
#      budget in provenance, plain progress lines in the task logs, the
#      jobcomp records and the collected table;
#   2. kills one task mid-run (scancel: SIGTERM, then SIGKILL) and shows
#      that --resume reruns only that point and leaves the others untouched;
#   3. checks the errors for a failed submission and for an engram binary
#      missing on the node;
# and stops what it started by PID. Bounded: timeout(1) ends it after
# ENGRAM_SLURM_TIMEOUT seconds (default 300; a run takes about 40 s). Idempotent: everything lives
# in a fresh temp dir. Skips (exit 0, with a message) when Slurm cannot be
# installed.
set -uo pipefail
TIMEOUT=${ENGRAM_SLURM_TIMEOUT:-300}
if [ -z "${ENGRAM_SLURM_BOUNDED:-}" ]; then # the bound: SIGTERM (cleanup runs) after TIMEOUT s, SIGKILL 20 s later
  ENGRAM_SLURM_BOUNDED=1 exec timeout --kill-after=20 "$TIMEOUT" "$0" "$@"
fi
cd "$(dirname "$0")/.."
ROOT=$(pwd)
T=$(mktemp -d /tmp/engram-slurm.XXXXXX)
PIDS=()
status=0
fail() { echo "ci/slurm: FAIL: $*"; status=1; }

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  if [ "$status" != 0 ]; then
    echo "ci/slurm: logs kept in $T"
    tail -n 20 "$T"/slurmctld.log "$T"/slurmd.log 2>/dev/null
  else
    rm -rf "$T"
  fi
}
trap cleanup EXIT
trap 'echo "ci/slurm: stopped (timed out after $TIMEOUT s, or interrupted)"; status=1; exit 1' TERM INT

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge) >"$T/apt.log" 2>&1 \
    || { echo "ci/slurm: skipped: cannot install Slurm (see apt output below)"; tail -5 "$T/apt.log"; exit 0; }
fi

echo "== building engram"
go build -o "$T/engram" ./cmd/engram || { fail "build"; exit 1; }
E="$T/engram"

echo "== starting munge and Slurm"
if [ -f /run/munge/munged.pid ] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; then
  echo "munged already running (pid $(cat /run/munge/munged.pid)); using it"
else
  mkdir -p /run/munge && chown munge:munge /run/munge
  if [ ! -f /etc/munge/munge.key ]; then
    mungekey -c -k /etc/munge/munge.key && chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  fi
  runuser -u munge -- /usr/sbin/munged || { fail "munged did not start"; exit 1; }
  for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  PIDS+=("$(cat /run/munge/munged.pid)")
fi

HOST=$(hostname -s)
NODE=$(slurmd -C | head -1)
CPUS=$(echo "$NODE" | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p')
MEM=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) * 9 / 10 / 1024 ))
NODE=$(echo "$NODE" | sed "s/RealMemory=[0-9]*/RealMemory=$MEM/")
PORT=$(( 20000 + RANDOM % 20000 ))
mkdir -p "$T/state" "$T/spool"
cat >"$T/slurm.conf" <<EOF
ClusterName=engramci
SlurmctldHost=$HOST
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$((MEM / CPUS))
MailProg=/bin/true
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ReturnToService=2
MinJobAge=3600
KillWait=5
JobCompType=jobcomp/filetxt
JobCompLoc=$T/jobcomp.txt
AccountingStorageType=accounting_storage/none
$NODE
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$T/slurm.conf"
slurmctld -D >"$T/slurmctld.out" 2>&1 &
PIDS+=("$!")
slurmd -D >"$T/slurmd.out" 2>&1 &
PIDS+=("$!")
up=0
for _ in $(seq 100); do
  if [ "$(sinfo -h -o %t 2>/dev/null)" = idle ]; then up=1; break; fi
  sleep 0.2
done
[ $up = 1 ] || { fail "the node did not become idle"; cat "$T/slurmctld.out" "$T/slurmd.out"; exit 1; }
echo "Slurm up: $NODE, port $PORT"

# 4 points of LIF neurons under white noise, ~5 s each on one CPU
cat >"$T/sweep.toml" <<EOF
base = "$ROOT/examples/lif-noise.toml"
[set]
population.LIF.n = 2000
run.duration_ms = 8000.0
record.spikes = "count"
[grid]
input.mu_mv = [12.0, 15.0, 18.0, 21.0]
[slurm]
cpus_per_task = 1
mem = "500M"
time = "5"
EOF

# the same sweep with 6× longer points for the kill-and-resume test: a point
# must still be running when its first progress line appears (the 8-s
# points finish in 2–3 s on an unloaded machine, before scancel lands)
sed 's/^run.duration_ms = 8000.0$/run.duration_ms = 48000.0/' "$T/sweep.toml" >"$T/sweep-long.toml"
grep -q '^run.duration_ms = 48000.0$' "$T/sweep-long.toml" || { fail "sweep-long.toml"; exit 1; }

check_points() { # dir n: every point complete with its Slurm ids
  local d=$1 n=$2 ok=0
  for p in "$d"/points/p*; do
    [ -f "$p/res/summary.json" ] && [ -f "$p/provenance.json" ] && [ -f "$p/report.html" ] && [ -f "$p/rec/rates_hz.npy" ] || { fail "$p incomplete"; continue; }
    grep -q '"array_task_id"' "$p/provenance.json" || fail "$p/provenance.json has no Slurm task id"
    grep -q '"workers": 1,' "$p/provenance.json" || fail "$p: workers not from SLURM_CPUS_PER_TASK = 1"
    grep -q "\"mem_budget_bytes\": $((500 * 1024 * 1024 * 8 / 10))" "$p/provenance.json" || fail "$p: memory budget not 80 % of the job's 500 MiB: $(grep mem_budget "$p/provenance.json")"
    ok=$((ok + 1))
  done
  [ "$ok" = "$n" ] || fail "$ok of $n points complete in $d"
}

echo "== 1. a 4-point sweep as a job array"
t0=$(date +%s)
"$E" sweep "$T/sweep.toml" --slurm --out "$T/sw1" --poll 1s --progress-every 2s >"$T/sw1.out" 2>"$T/sw1.err" || { fail "sweep --slurm exited $?"; cat "$T/sw1.err"; }
echo "took $(( $(date +%s) - t0 )) s"; cat "$T/sw1.err" | sed 's/^/  /'
check_points "$T/sw1" 4
rows=$(tail -n +2 "$T/sw1/points.tsv" | wc -l)
[ "$rows" = 4 ] || fail "points.tsv has $rows rows"
/usr/bin/python3 - "$T/sw1" <<'PY' || status=1
import csv, datetime, json, os, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(d, "points.tsv")), delimiter="\t"))
# Siegert rates of these points (sweeps-slurm.md §2): 2.86, 9.46, 19.62, 31.31 Hz
siegert = {"12": 2.86, "15": 9.46, "18": 19.62, "21": 31.31}
spans = []
for r in rows:
    s = json.load(open(os.path.join(d, r["run_dir"], "res", "summary.json")))
    m = {x["name"]: x["value"] for x in s["metrics"]}
    rate = float(r["populations.LIF.rate_hz"])
    if rate != m["populations.LIF.rate_hz"]:
        sys.exit("table %s != summary %s" % (rate, m["populations.LIF.rate_hz"]))
    want = siegert[r["input.mu_mv"]]
    if abs(rate / want - 1) > 0.1:
        sys.exit("rate %g Hz at mu %s mV, Siegert %g Hz" % (rate, r["input.mu_mv"], want))
    p = json.load(open(os.path.join(d, r["run_dir"], "provenance.json")))
    t = datetime.datetime.fromisoformat(p["started"].replace("Z", "+00:00")).timestamp()
    spans.append((t, t + p["wall_s"]))
    print("  %s mu=%s rate=%.2f Hz (Siegert %.2f) job %s task %s" % (r["point"], r["input.mu_mv"], rate, want, p["slurm"]["array_job_id"], p["slurm"]["array_task_id"]))
overlap = max(sum(1 for a, b in spans if a <= t < b) for t, _ in spans)
print("  at most %d points ran at once" % overlap)
if overlap < 2:
    sys.exit("never 2 points at once")
PY
grep -q "engram spiking: .*% (" "$T"/sw1/logs/slurm-*_0.log || fail "no plain progress lines in the task log $(ls "$T"/sw1/logs/)"
grep -c "JobState=COMPLETED" "$T/jobcomp.txt" | grep -qx 4 || fail "jobcomp: $(grep -c COMPLETED "$T/jobcomp.txt") completed tasks, want 4"

echo "== 2. kill a task mid-run, then --resume"
"$E" sweep "$T/sweep-long.toml" --slurm --no-follow --out "$T/sw2" --progress-every 2s >"$T/sw2.out" 2>"$T/sw2.err" || fail "submit: $(cat "$T/sw2.err")"
JOB=$(sed -n 's/^job \([0-9]*\) submitted.*/\1/p' "$T/sw2.out")
[ -n "$JOB" ] || fail "no job id in: $(cat "$T/sw2.out")"
for _ in $(seq 100); do grep -q "engram spiking: " "$T/sw2/logs/slurm-${JOB}_1.log" 2>/dev/null && break; sleep 0.2; done
scancel "${JOB}_1" || fail "scancel"
echo "cancelled task ${JOB}_1 mid-run: $(tail -1 "$T/sw2/logs/slurm-${JOB}_1.log")"
for _ in $(seq 150); do [ -z "$(squeue -h -j "$JOB" 2>/dev/null)" ] && break; sleep 0.2; done
[ -d "$T/sw2/points/p0001" ] && fail "the killed point p0001 has a run directory"
[ -f "$T/sw2/points/p0001.interrupted/rec/checkpoint.gob" ] || echo "  (no checkpoint: the task was killed before it could write one)"
before=$(cd "$T/sw2/points" && cat p0000/provenance.json p0002/provenance.json p0003/provenance.json | md5sum)
"$E" sweep "$T/sweep-long.toml" --slurm --resume --out "$T/sw2" --poll 1s >"$T/sw2r.out" 2>"$T/sw2r.err" || { fail "--resume exited $?"; cat "$T/sw2r.err"; }
sed 's/^/  /' "$T/sw2r.err"
grep -q "(1 tasks: 1)" "$T/sw2r.err" || fail "--resume did not submit exactly the killed point"
check_points "$T/sw2" 4
after=$(cd "$T/sw2/points" && cat p0000/provenance.json p0002/provenance.json p0003/provenance.json | md5sum)
[ "$before" = "$after" ] || fail "--resume redid finished points"
[ -e "$T/sw2/points/p0001.interrupted" ] && fail "the obsolete interrupted state of p0001 was not removed"
[ "$(tail -n +2 "$T/sw2/points.tsv" | wc -l)" = 4 ] || fail "points.tsv after --resume"

echo "== 3. bad input"
if "$E" sweep "$T/sweep.toml" --slurm --partition nosuch --out "$T/sw3" >"$T/sw3.out" 2>"$T/sw3.err"; then
  fail "a submission to a missing partition succeeded"
fi
grep -q "submitting .* with sbatch failed: .*partition" "$T/sw3.err" || fail "submission failure: $(cat "$T/sw3.err")"
echo "  $(cat "$T/sw3.err")"
cp "$E" "$T/engram-gone"
"$E" sweep "$T/sweep.toml" --slurm --engram "$T/engram-gone" --out "$T/sw4" --poll 1s >"$T/sw4.out" 2>"$T/sw4.err" &
SW4=$!
for _ in $(seq 100); do grep -q "submitted job array" "$T/sw4.err" && break; sleep 0.1; done
rm -f "$T/engram-gone"
wait $SW4 && fail "a sweep whose binary is missing on the node succeeded"
grep -q "engram-gone is missing or not executable on node" "$T/sw4.err" || fail "missing binary: $(cat "$T/sw4.err")"
echo "  $(grep -m1 'missing or not executable' "$T/sw4.err")"

[ $status = 0 ] && echo "ci/slurm: ok"
exit $status
