#!/usr/bin/env bash
# Side-by-side CPU-time benchmark of engram and Auryn (fzenke/auryn, built
# here from its public source; never committed) on
#   coba:      the Vogels–Abbott COBA network at engram's parameters
#              (Auryn's examples/sim_coba_benchmark.cpp patched at build time:
#              w_e = 0.6, w_i = 6.7, no background current, random initial
#              V and conductances as engram's COBASpec), 10 s;
#   zenke2013: Auryn's examples/plasticity/sim_background (Zenke et al. 2013,
#              25 000 neurons, 33.75 M synapses, triplet STDP + sliding
#              threshold on E→E) against engram's Zenke2013Spec, τ_hom = 10 s
#              (30 s static priming, then plastic seconds).
#
#   bash bench/spiking/auryn.sh [coba|zenke2013|all] [REPEATS]
#
# AURYN_SRC names a checkout of fzenke/auryn (default: $ROOT/../auryn-src;
# cloned from the search tool's mirror when absent); it is built once with
# Debian's cmake, boost and Open MPI (installed if missing), as the spec's
# Appendix A.1 describes (targeted make of the two examples). Runs are
# single-process (one MPI rank, one engram worker), alternated, each a fresh
# process; CPU time is user + sys of the whole process from /usr/bin/time
# (Auryn: including its network construction; engram: both the whole
# process and the simulation loop alone are reported).
set -euo pipefail
WHAT=${1:-all}
REPS=${2:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC=${AURYN_SRC:-$ROOT/../auryn-src}
MIRROR=/work/.mirror/fzenke+auryn/repo
if [ ! -d "$SRC/src/auryn" ]; then
  [ -d "$MIRROR" ] || { echo "no Auryn source: set AURYN_SRC to a checkout of fzenke/auryn" >&2; exit 1; }
  git clone -q "$MIRROR" "$SRC"
fi
BUILD=$SRC/build/release
if [ ! -x "$BUILD/examples/plasticity/sim_background" ] || [ ! -f "$BUILD/src/libauryn.a" ]; then
  if ! command -v mpicxx >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake libboost-mpi-dev libboost-program-options-dev \
      libboost-serialization-dev libboost-filesystem-dev libboost-date-time-dev libboost-test-dev libboost-system-dev \
      libopenmpi-dev openmpi-bin >&2
  fi
  (cd "$BUILD" && ./bootstrap.sh >&2 && make -j2 sim_coba_benchmark sim_background >&2)
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && go build -o "$WORK/plasticrun" ./bench/spiking/plasticrun)

# Auryn's COBA example at engram's parameters.
sed -e 's/double w = 0.4;/double w = 0.6;/' -e 's/double wi = 5.1;/double wi = 6.7;/' \
    -e 's/set_state("bg_current",2e-2)/set_state("bg_current",0.0)/' \
    -e 's|neurons_i->set_refractory_period(5.0e-3);|neurons_i->set_refractory_period(5.0e-3);\
	neurons_e->random_mem(-55e-3,2.887e-3); neurons_i->random_mem(-55e-3,2.887e-3);\
	neurons_e->g_ampa->set_random_normal(4.0,1.5,11); neurons_i->g_ampa->set_random_normal(4.0,1.5,12);\
	neurons_e->g_gaba->set_random_normal(20.0,12.0,13); neurons_i->g_gaba->set_random_normal(20.0,12.0,14);|' \
    "$SRC/examples/sim_coba_benchmark.cpp" > "$WORK/sim_coba_engram.cpp"
FL="$BUILD/examples/CMakeFiles/sim_coba_benchmark.dir"
CXXFLAGS=$(sed -n 's/^CXX_FLAGS = //p' "$FL/flags.make")
CXXDEFS=$(sed -n 's/^CXX_DEFINES = //p' "$FL/flags.make")
CXXINC=$(sed -n 's/^CXX_INCLUDES = //p' "$FL/flags.make")
LIBS=$(sed -e 's/.*-o sim_coba_benchmark//' "$FL/link.txt" | sed "s|\.\./src/libauryn.a|$BUILD/src/libauryn.a|")
# shellcheck disable=SC2086
/usr/bin/c++ $CXXFLAGS $CXXDEFS $CXXINC "$WORK/sim_coba_engram.cpp" -o "$WORK/sim_coba_engram" $LIBS

timed() { # prints "user+sys wall maxrss_kB", then the command's stdout on later lines
  /usr/bin/time -f '%U %S %e %M' -o "$WORK/time" "$@" > "$WORK/out" 2> "$WORK/err" || { cat "$WORK/err" >&2; return 1; }
  awk '{printf "%.3f %.3f %d\n", $1+$2, $3, $4}' "$WORK/time"
  cat "$WORK/out"
}
: > "$WORK/results.tsv"
for r in $(seq 1 "$REPS"); do
  if [ "$WHAT" = coba ] || [ "$WHAT" = all ]; then
    mkdir -p "$WORK/a$r"
    read -r cpu wall rss < <(timed "$WORK/sim_coba_engram" --fast --simtime 10 --dir "$WORK/a$r" | head -1)
    echo -e "auryn\tcoba\t$r\t$cpu\t$wall\t$rss\t-" >> "$WORK/results.tsv"
    out=$(timed "$WORK/plasticrun" -model coba -dur_ms 10000 -seed "$r")
    read -r cpu wall rss <<< "$(echo "$out" | head -1)"
    loop=$(echo "$out" | tail -1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["cpu_s_per_bio_s"]*10)')
    echo -e "engram\tcoba\t$r\t$cpu\t$wall\t$rss\t$loop" >> "$WORK/results.tsv"
    erate=$(echo "$out" | tail -1 | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)["rates_hz"]; print((d["E"]*3200+d["I"]*800)/4000)')
    echo -e "engram\tcoba-rate\t$r\t$erate\t-\t-\t-" >> "$WORK/results.tsv"
  fi
  if [ "$WHAT" = zenke2013 ] || [ "$WHAT" = all ]; then
    for S in 1 6; do
      mkdir -p "$WORK/z$r$S"
      read -r cpu wall rss < <(timed "$BUILD/examples/plasticity/sim_background" --fast --tau 10 --simtime "$S" --dir "$WORK/z$r$S" | head -1)
      # E rate over t in [32, 36) s, the window of engram's plastic segments 3–6
      rate=$(awk '$1 >= 32 && $1 < 36 {s+=$2; n++} END {if (n) printf "%.3f", s/n; else print "nan"}' "$WORK/z$r$S"/*.e.prate 2>/dev/null || echo nan)
      echo -e "auryn\tzenke$S\t$r\t$cpu\t$wall\t$rss\t$rate" >> "$WORK/results.tsv"
    done
    out=$(timed "$WORK/plasticrun" -model zenke2013 -tau_hom_ms 10000 -prime_ms 30000 -dur_ms 1000 -segments 6 -seed "$r")
    read -r cpu wall rss <<< "$(echo "$out" | head -1)"
    echo "$out" | tail -n +2 > "$WORK/zr$r.jsonl"
    plastic=$(/usr/bin/python3 -c 'import json,sys,statistics; r=[json.loads(l) for l in open(sys.argv[1])][2:]; print(statistics.mean(x["cpu_s_per_bio_s"] for x in r), statistics.mean(x["rates_hz"]["E"] for x in r))' "$WORK/zr$r.jsonl")
    echo -e "engram\tzenke\t$r\t$cpu\t$wall\t$rss\t$plastic" >> "$WORK/results.tsv"
  fi
done
if [ "$WHAT" = coba ] || [ "$WHAT" = all ]; then
  # one untimed Auryn COBA run with spike output, for its mean rate
  mkdir -p "$WORK/arate"
  "$WORK/sim_coba_engram" --simtime 10 --dir "$WORK/arate" > /dev/null 2>&1
  arate=$(cat "$WORK/arate"/coba.0.e.ras "$WORK/arate"/coba.0.i.ras | wc -l | awk '{printf "%.3f", $1/4000/10}')
  echo -e "auryn\tcoba-rate\t1\t$arate\t-\t-\t-" >> "$WORK/results.tsv"
fi
cat "$WORK/results.tsv" >&2
/usr/bin/python3 - "$WORK/results.tsv" <<'PYEOF'
import sys, statistics, os
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
cpu = open('/proc/cpuinfo').read().split('model name')[1].split('\n')[0].strip(': \t')
print(f"CPU: {cpu}; load average at the end: {os.getloadavg()[0]:.1f}; medians of {max(int(r[2]) for r in rows)} alternated runs")
def med(sim, bench, col):
    v = [float(r[col].split()[0]) for r in rows if r[0] == sim and r[1] == bench]
    return statistics.median(v) if v else float('nan')
if any(r[1] == 'coba' for r in rows):
    a, e, el = med('auryn', 'coba', 3), med('engram', 'coba', 3), med('engram', 'coba', 6)
    print(f"| COBA 10 s, CPU s (whole process) | Auryn {a:.3f} | engram {e:.3f} (loop {el:.3f}) | engram/Auryn **{e/a:.2f}** (loop {el/a:.2f}) |")
    print(f"| COBA mean rate (Hz) | Auryn {med('auryn', 'coba-rate', 3):.2f} | engram {med('engram', 'coba-rate', 3):.2f} | |")
if any(r[1] == 'zenke' for r in rows):
    a1, a6 = med('auryn', 'zenke1', 3), med('auryn', 'zenke6', 3)
    ap = (a6 - a1) / 5
    ep = statistics.median([float(r[6].split()[0]) for r in rows if r[0] == 'engram' and r[1] == 'zenke'])
    er = statistics.median([float(r[6].split()[1]) for r in rows if r[0] == 'engram' and r[1] == 'zenke'])
    ar = med('auryn', 'zenke6', 6)
    print(f"| Zenke 2013 plastic phase, CPU s per bio-s | Auryn {ap:.3f} ((S=6 − S=1)/5) | engram {ep:.3f} | engram/Auryn **{ep/ap:.2f}** |")
    print(f"| E rate over t in [32, 36) s (Hz) | Auryn {ar} | engram {er:.2f} | |")
    print(f"| whole process, S = 6 (CPU s) | Auryn {a6:.1f} | engram {med('engram', 'zenke', 3):.1f} (36 s simulated) | |")
PYEOF
