#!/bin/sh
# Background stability of the Pereira–Brunel network at finite N (issue 2, R14 novel stimulus).
# Usage: sh results/pb-background/scan.sh [engram-binary] [scratch-dir]
# (1) six network realisations of the demo network (N = 20 000, K = 250, p = 30): per-pattern
#     couplings λ_μ and the state after 3 s of spontaneous activity (~40 s each on 2 cores);
# (2) N = 50 000, 100 000, 200 000 at K = 250, p = 30: 2 s background, novel stimulus, 1.5 s delay
#     (3–15 min each on 2 cores).
set -e
ENGRAM=${1:-engram}
TMP=${2:-/tmp/pb-background}
mkdir -p "$TMP"
common="--quiet --json --set protocol.conditions=[\"novel\"] --set protocol.trials=1 --set protocol.lyapunov=false --set record.save_weights=false"
printf 'seed\tlambda_mean\tlambda_sd\tlambda_max\targmax\tpattern_after_3s\tm_after_3s\n'
for s in 1 2 3 4 5 6; do
  rm -rf "$TMP/s$s"
  $ENGRAM demo $common --seed $s --out "$TMP/s$s" --set protocol.background_ms=3000 \
    --set protocol.presentation_ms=0 --set protocol.delay_ms=0 > "$TMP/s$s.json"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['summary']; b=d['background_couplings']; n=d['novel']
print('$s\t%.4f\t%.4f\t%.4f\t%d\t%d\t%.4f' % (b['mean'], b['sd'], b['max'], b['argmax'], n['pattern_before_stim'], n['m_max_before_stim']))" "$TMP/s$s.json"
done
printf '\nN\tc\tlambda_mean\tlambda_sd\tlambda_max\targmax\tpattern_at_onset\tmax_m_at_onset\tmax_abs_m_end\tmean_rate_end_hz\n'
for nc in "50000 0.005" "100000 0.0025" "200000 0.00125"; do
  set -- $nc
  rm -rf "$TMP/N$1"
  $ENGRAM demo $common --out "$TMP/N$1" --set network.n=$1 --set network.c=$2 \
    --set protocol.background_ms=2000 --set protocol.delay_ms=1500 > "$TMP/N$1.json"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['summary']; b=d['background_couplings']; n=d['novel']
print('$1\t$2\t%.4f\t%.4f\t%.4f\t%d\t%d\t%.4f\t%.4f\t%.3f' % (b['mean'], b['sd'], b['max'], b['argmax'], n['pattern_before_stim'], n['m_max_before_stim'], n['max_abs_m_end'], n['mean_rate_end_hz']))" "$TMP/N$1.json"
done
