#!/bin/sh
# Size dependence at fixed in-degrees (C_E = 1000, C_I = 250): Brunel model A
# at g = 5 and g = 8 (eta = 2) with N_E = 5000, 10000, 20000, 40000
# (N_I = N_E/4; connection density eps = C_E/N_E = 0.2 ... 0.025), otherwise
# as sweep.toml (200 ms transient, 1 s measured, seed 1, one worker).
# Writes scaling.tsv next to this script.
# Usage: sh results/brunel-sweep/scaling.sh [path/to/engram]   (from the repo root)
set -eu
ENGRAM=${1:-engram}
HERE=$(dirname "$0")
RUNS=${RUNS:-/tmp/brunel-sweep-runs}
mkdir -p "$RUNS"
OUT="$HERE/scaling.tsv"
printf 'g\teta\tN_E\teps\tsim_rate_E_hz\tsiegert_rate_hz\tsim_cv_isi_E\tsiegert_cv_isi\tpop_rate_cv_E_1ms\tpoisson_pop_rate_cv_1ms\tfano_E_100ms\tsim_s\n' > "$OUT.tmp"
for g in 5 8; do
  for ne in 5000 10000 20000 40000; do
    ni=$((ne / 4))
    sed -e "s/^  n = 10000$/  n = $ne/" -e "s/^  n = 2500$/  n = $ni/" examples/brunel-ai.toml > "$RUNS/scale-$ne.toml"
    nice -n 10 "$ENGRAM" run "$RUNS/scale-$ne.toml" --workers 1 --quiet --json \
      --set brunel.g=$g --set brunel.eta=2 \
      --set run.transient_ms=200 --set run.duration_ms=1000 \
      --set record.spikes=count --set 'record.state_vars=[]' \
      --out "$RUNS/scale-g$g-ne$ne" > "$RUNS/scale-g$g-ne$ne.json"
    python3 - "$RUNS/scale-g$g-ne$ne.json" $ne >> "$OUT.tmp" <<'PY'
import json, math, sys
s = json.load(open(sys.argv[1]))["summary"]
ne = int(sys.argv[2])
E, mf = s["populations"]["E"], s["mean_field"]
f = lambda x: "nan" if x is None else "%.4g" % x
print("\t".join([f(mf["g"]), f(mf["eta"]), str(ne), f(1000 / ne), f(E["rate_hz"]), f(mf["rate_hz"]), f(E["cv_isi"]),
                 f(mf["cv_isi"]), f(E["pop_rate_cv"]), f(1 / math.sqrt(ne * E["rate_hz"] * 1e-3)), f(E["fano"]), "%.1f" % s["sim_s"]]))
PY
  done
done
mv "$OUT.tmp" "$OUT"
