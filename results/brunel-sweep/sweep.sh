#!/bin/sh
# Sweep of Brunel 2000 model A (examples/brunel-ai.toml: N_E = 10000,
# N_I = 2500, C_E = 1000, C_I = 250, J = 0.1 mV, D = 1.5 ms, dt = 0.1 ms,
# seed 1) over the [brunel] knobs g and eta. Each point: 200 ms transient,
# 1 s measured, spike counts only, one worker. Writes sweep.tsv next to this
# script; run directories go to $RUNS (default /tmp/brunel-sweep-runs).
# Usage: sh results/brunel-sweep/sweep.sh [path/to/engram]   (from the repo root)
set -eu
ENGRAM=${1:-engram}
HERE=$(dirname "$0")
RUNS=${RUNS:-/tmp/brunel-sweep-runs}
mkdir -p "$RUNS"
OUT="$HERE/sweep.tsv"
printf 'g\teta\tsim_rate_E_hz\tsim_rate_I_hz\tsiegert_rate_hz\tmu_mv\tsigma_mv\tsim_cv_isi_E\tsiegert_cv_isi\tpop_rate_cv_E_1ms\tfano_E_100ms\tsim_s\n' > "$OUT.tmp"
for g in 4.5 5 5.5 6 7 8; do
  for eta in 0.9 1 1.5 2 3 4; do
    nice -n 10 "$ENGRAM" run examples/brunel-ai.toml --workers 1 --quiet --json \
      --set brunel.g=$g --set brunel.eta=$eta \
      --set run.transient_ms=200 --set run.duration_ms=1000 \
      --set record.spikes=count --set 'record.state_vars=[]' \
      --out "$RUNS/g$g-eta$eta" > "$RUNS/g$g-eta$eta.json"
    python3 - "$RUNS/g$g-eta$eta.json" >> "$OUT.tmp" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
E, I, mf = s["populations"]["E"], s["populations"]["I"], s["mean_field"]
f = lambda x: "nan" if x is None else "%.4g" % x
print("\t".join([f(mf["g"]), f(mf["eta"]), f(E["rate_hz"]), f(I["rate_hz"]), f(mf["rate_hz"]), f(mf["mu_mv"]),
                 f(mf["sigma_mv"]), f(E["cv_isi"]), f(mf["cv_isi"]), f(E["pop_rate_cv"]), f(E["fano"]), "%.1f" % s["sim_s"]]))
PY
  done
done
mv "$OUT.tmp" "$OUT"
