#!/usr/bin/env bash
# Side-by-side speed of the memory models' plastic networks (issue 14,
# stdp-memory.md §7): engram's lkd2014 preset with all its plasticity
# (voltage STDP + 20-ms normalisation on E→E, Vogels iSTDP on I→E) next to
# the same network in Brian2 cpp_standalone (bench/spiking/brian_lkd.py),
# and engram's zag2015 preset (P10 + consolidation + STP + global iSTDP)
# against its budget (no Brian2 model of it exists here; Auryn's
# sim_rc_p10c needs the unpublished receptive-field file).
#
#   bash bench/spiking/memory.sh [REPEATS] [PLASTIC_MS]
#
# Both simulators single-threaded; 1 s warm-up without plasticity, then
# PLASTIC_MS (default 2000) of plastic time, whose loop wall time per
# biological second is reported (engram: plasticrun's segment timer;
# Brian2: its own timer around the plastic run, compile excluded). Repeats
# alternate the simulators (seeds 1..R) so that both see the same load;
# medians, ratios and the CPU are printed as a Markdown table. On a loaded
# machine wall times include waiting for a core; the CPU times do not.
set -euo pipefail
REPS=${1:-3}
DUR=${2:-2000}
source "$(dirname "$0")/common.sh"
build_tool plasticrun
echo "warming up Brian2 (cold compile, excluded)..." >&2
"$PY" "$ROOT/bench/spiking/brian_lkd.py" --warmup 0.02 --duration 0.02 --build-dir "$WORK/brian" 2>/dev/null | grep '^{' > /dev/null
: > "$WORK/results.jsonl"
for r in $(seq 1 "$REPS"); do
  "$WORK/plasticrun" -model lkd2014 -prime_ms 1000 -dur_ms "$DUR" -seed "$r" -workers 1 | grep '"measured"' | tee -a "$WORK/results.jsonl" >&2
  "$PY" "$ROOT/bench/spiking/brian_lkd.py" --warmup 1 --duration "$(awk "BEGIN{print $DUR/1000}")" --seed "$r" --build-dir "$WORK/brian" 2>/dev/null | grep '^{' | tee -a "$WORK/results.jsonl" >&2
  "$WORK/plasticrun" -model zag2015 -prime_ms 1000 -dur_ms "$DUR" -seed "$r" -workers 1 | grep '"measured"' | tee -a "$WORK/results.jsonl" >&2
done
"$PY" - "$WORK/results.jsonl" "$DUR" <<'PYEOF'
import json, statistics, sys, os
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(pred, f):
    v = [f(r) for r in rows if pred(r)]
    return statistics.median(v) if v else float('nan')
lkd = lambda r: r['sim'] == 'engram' and r['model'] == 'lkd2014'
zag = lambda r: r['sim'] == 'engram' and r['model'] == 'zag2015'
bri = lambda r: r['sim'] == 'brian2'
cpu = open('/proc/cpuinfo').read().split('model name')[1].split('\n')[0].strip(': \t')
n = sum(map(lkd, rows))
print(f"## Memory models, plastic, {float(sys.argv[2])/1000:g} s after a 1 s warm-up, dt 0.1 ms, single thread — medians of {n} alternating runs")
print(f"CPU: {cpu}; load average at the end: {os.getloadavg()[0]:.1f}")
print()
print("| quantity | engram | Brian2 2.5 | engram/Brian2 | budget (§7) |")
print("|---|---|---|---|---|")
e, b = med(lkd, lambda r: r['wall_s_per_bio_s']), med(bri, lambda r: r['plastic_s_per_bio_s'])
print(f"| lkd2014 loop wall s per bio-s | {e:.3f} | {b:.3f} | **{e/b:.2f}** | ≤ 2 |")
ec, bc = med(lkd, lambda r: r['cpu_s_per_bio_s']), med(bri, lambda r: r['plastic_cpu_s_per_bio_s'])
print(f"| lkd2014 loop CPU s per bio-s | {ec:.3f} | {bc:.3f} | **{ec/bc:.2f}** | ≤ 2 |")
for p, k in (('E', 'rate_e_hz'), ('I', 'rate_i_hz')):
    print(f"| lkd2014 {p} rate, plastic phase (Hz) | {med(lkd, lambda r: r['rates_hz'][p]):.2f} | {med(bri, lambda r: r[k]):.2f} | | |")
print(f"| zag2015 loop wall s per bio-s | {med(zag, lambda r: r['wall_s_per_bio_s']):.3f} | – | – | ≤ 1 |")
print(f"| zag2015 loop CPU s per bio-s | {med(zag, lambda r: r['cpu_s_per_bio_s']):.3f} | – | – | ≤ 1 |")
for p in ('E', 'I'):
    print(f"| zag2015 {p} rate, plastic phase (Hz) | {med(zag, lambda r: r['rates_hz'][p]):.2f} | – | | |")
PYEOF
