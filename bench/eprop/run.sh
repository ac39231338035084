#!/bin/bash
# Side-by-side speed of one e-prop pattern-generation iteration (eprop.md §9
# defaults): engram's Go implementation (BenchmarkPatternIteration) against
# the numpy reference pattern_numpy.py, run in the same minute on the same
# machine. Prints the CPU model, both times and the ratio.
#   bash bench/eprop/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
go_ns=$(go test -run '^$' -bench 'BenchmarkPatternIteration$' -benchtime 200x -count 3 ./learn/eprop |
	awk '/^BenchmarkPatternIteration/ {print $3}' | sort -n | sed -n 2p)
py=$(/usr/bin/python3 bench/eprop/pattern_numpy.py 20)
py_s=$(echo "$py" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["s_per_iter"])')
echo "numpy: $py"
/usr/bin/python3 - "$go_ns" "$py_s" <<'PY'
import sys
go, py = float(sys.argv[1]) / 1e9, float(sys.argv[2])
print(f"go (median of 3 runs of 200 iterations): {go*1e3:.2f} ms/iteration")
print(f"numpy (median of 18 iterations):        {py*1e3:.2f} ms/iteration")
print(f"speed-up: {py/go:.1f}x (issue 18 asks >= 10x)")
PY
