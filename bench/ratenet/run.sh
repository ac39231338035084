#!/usr/bin/env bash
# Side-by-side benchmark of one rate-network step: engram (Go benchmark, 1 and
# 2 workers) and numpy/scipy CSR (Debian's python3-numpy/-scipy), same machine,
# same run. Installs the Debian packages if missing. Usage: bench/ratenet/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c 'import numpy, scipy' 2>/dev/null; then
  apt-get update -qq && apt-get install -y -qq python3-numpy python3-scipy
fi
echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for size in "50000 0.005" "40000 0.1"; do
  /usr/bin/python3 bench/ratenet/step_numpy.py $size 20
  /usr/bin/python3 bench/ratenet/matvec_numpy.py $size 30
done
go test -run XXX -bench 'BenchmarkStep' -benchtime 20x -count 3 ./model/rate/
go test -run XXX -bench 'BenchmarkBuild' -benchtime 2x -count 2 ./model/rate/
go test -run XXX -bench 'Stream|MatVec|Tiled' -benchtime 20x -count 3 ./conn/
