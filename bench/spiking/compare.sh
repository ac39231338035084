#!/usr/bin/env bash
# Side-by-side benchmark of engram and Brian2 on the Vogels–Abbott COBA (or
# CUBA) network: 4000 neurons, 2 %, 1 s, dt 0.1 ms, single-threaded.
#
#   bash bench/spiking/compare.sh [coba|cuba|coba-nosyn|cuba-nosyn] [REPEATS]
#
# Installs Debian's python3-brian if missing and always uses /usr/bin/python3.
# Brian2 runs in cpp_standalone mode without OpenMP; its cold compile is done
# once first and excluded. Repeats alternate engram and Brian2 runs (fresh
# process each, seeds 1..R) so that both see the same machine load; the
# table reports medians, engram/Brian2 ratios of the loop time per
# biological second, and both simulators' mean rate and CV of ISI.
set -euo pipefail
MODEL=${1:-coba}
REPS=${2:-3}
source "$(dirname "$0")/common.sh"
build_tool cobarun
echo "warming up Brian2 (cold compile, excluded)..." >&2
"$PY" "$ROOT/bench/spiking/brian_va.py" "$MODEL" 10 1 "$WORK/brian" 2>/dev/null | grep '^{' > /dev/null
: > "$WORK/results.jsonl"
for r in $(seq 1 "$REPS"); do
  "$WORK/cobarun" -model "$MODEL" -seed "$r" -workers 1 | tee -a "$WORK/results.jsonl" >&2
  "$PY" "$ROOT/bench/spiking/brian_va.py" "$MODEL" 1000 "$r" "$WORK/brian" 2>/dev/null | grep '^{' | tee -a "$WORK/results.jsonl" >&2
done
"$PY" - "$WORK/results.jsonl" "$MODEL" <<'PYEOF'
import json, statistics, sys, platform, os
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
model = sys.argv[2]
def med(sim, key):
    v = [r[key] for r in rows if r['sim'] == sim and key in r]
    return statistics.median(v) if v else float('nan')
e_wall, b_wall = med('engram', 'loop_wall_s_per_bio_s'), med('brian2', 'loop_wall_s_per_bio_s')
print(f"## {model.upper()} 4000 neurons, p = 0.02, 1 s, dt 0.1 ms, single thread — medians of {len([r for r in rows if r['sim']=='engram'])} alternating runs")
print(f"load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
print()
print("| quantity | engram | Brian2 | engram/Brian2 |")
print("|---|---|---|---|")
print(f"| loop wall time per bio-s (s) | {e_wall:.3f} | {b_wall:.3f} | {e_wall/b_wall:.2f} |")
print(f"| engram loop CPU time per bio-s (s) | {med('engram','loop_cpu_s_per_bio_s'):.3f} | – | – |")
print(f"| mean rate (Hz) | {med('engram','rate_hz'):.2f} | {med('brian2','rate_hz'):.2f} | {med('engram','rate_hz')/med('brian2','rate_hz'):.3f} |")
print(f"| mean CV of ISI | {med('engram','cv_isi'):.3f} | {med('brian2','cv_isi'):.3f} | {med('engram','cv_isi')/med('brian2','cv_isi'):.3f} |")
print(f"| ns per neuron-step, all-in (wall) | {med('engram','ns_per_neuron_step'):.2f} | {b_wall/1e4/4000*1e9:.2f} | {e_wall/b_wall:.2f} |")
print(f"| synapses | {med('engram','synapses'):.0f} | {med('brian2','synapses'):.0f} | |")
PYEOF
