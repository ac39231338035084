#!/usr/bin/env bash
# Side-by-side benchmark of engram and Brian2 on COBA + additive STDP
# (per-neuron traces; engram's examples/coba-stdp.toml, spec §4.1, §7.1):
# 4000 neurons, 2 %, ≈205 k plastic E→E synapses, dt 0.1 ms, single thread.
#
#   bash bench/spiking/plastic.sh [REPEATS] [DURATION_MS]
#
# Installs Debian's python3-brian if missing and uses /usr/bin/python3.
# Brian2 runs cpp_standalone without OpenMP; its cold compile is done once
# first and excluded. Repeats alternate engram and Brian2 (fresh process
# each, seeds 1..R) so both see the same machine load. Reported: medians
# of the loop wall time per biological second (Brian's own timer; engram's
# loop wall and CPU time), their ratio, and both simulators' rates and
# final mean weight.
set -euo pipefail
REPS=${1:-5}
DUR=${2:-2000}
source "$(dirname "$0")/common.sh"
build_tool plasticrun
echo "warming up Brian2 (cold compile, excluded)..." >&2
"$PY" "$ROOT/bench/spiking/brian_coba_stdp.py" 10 1 "$WORK/brian" 2>/dev/null | grep '^{' > /dev/null
: > "$WORK/results.jsonl"
for r in $(seq 1 "$REPS"); do
  "$WORK/plasticrun" -model coba-stdp -dur_ms "$DUR" -seed "$r" -workers 1 | tee -a "$WORK/results.jsonl" >&2
  "$PY" "$ROOT/bench/spiking/brian_coba_stdp.py" "$DUR" "$r" "$WORK/brian" 2>/dev/null | grep '^{' | tee -a "$WORK/results.jsonl" >&2
done
"$PY" - "$WORK/results.jsonl" "$DUR" <<'PYEOF'
import json, statistics, sys, os, platform
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(sim, f):
    v = [f(r) for r in rows if r['sim'] == sim]
    return statistics.median(v) if v else float('nan')
cpu = open('/proc/cpuinfo').read().split('model name')[1].split('\n')[0].strip(': \t')
print(f"## COBA + STDP, 4000 neurons, {float(sys.argv[2])/1000:g} s, dt 0.1 ms, single thread — medians of {sum(r['sim']=='engram' for r in rows)} alternating runs")
print(f"CPU: {cpu}; load average at the end: {os.getloadavg()[0]:.1f}")
print()
print("| quantity | engram | Brian2 | engram/Brian2 |")
print("|---|---|---|---|")
e, b = med('engram', lambda r: r['wall_s_per_bio_s']), med('brian2', lambda r: r['wall_s_per_bio_s'])
print(f"| loop wall time per bio-s (s) | {e:.3f} | {b:.3f} | **{e/b:.2f}** |")
print(f"| engram loop CPU time per bio-s (s) | {med('engram', lambda r: r['cpu_s_per_bio_s']):.3f} | – | – |")
for p in ('E', 'I'):
    ee, bb = med('engram', lambda r: r['rates_hz'][p]), med('brian2', lambda r: r['rates_hz'][p])
    print(f"| {p} rate (Hz) | {ee:.2f} | {bb:.2f} | {ee/bb:.3f} |")
ee, bb = med('engram', lambda r: r['mean_plastic_weight']), med('brian2', lambda r: r['mean_plastic_weight'])
print(f"| final mean E→E weight | {ee:.4f} | {bb:.4f} | {ee/bb:.3f} |")
PYEOF
