#!/bin/bash
# KSG-1 (k = 3, 2·10⁴ samples, 4 + 4 dims) in engram vs scipy's cKDTree, and NSB on
# K = 10⁴ bins; rounds alternate the two so that both see the same load.
#   bash bench/info/run.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/engram" ./cmd/engram
go test -c -o "$dir/info.test" ./analysis/info/
grep -m1 "model name" /proc/cpuinfo
uptime
for r in $(seq "$rounds"); do
	/usr/bin/python3 bench/info/ksg_scipy.py 20000 "$dir"
	GOMAXPROCS=1 "$dir/info.test" -test.run XXX -test.bench 'KSG/Large' -test.benchtime 3x | grep Benchmark
	s=$(date +%s.%N)
	GOMAXPROCS=1 "$dir/engram" analyze mi "$dir/x.npy" "$dir/y.npy" --estimator ksg1 --k 3 --noise 0 --json --no-run-dir --quiet |
		/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print("engram-cli mi_nats=%.12f" % d["mi_nats"])'
	echo "engram-cli wall (incl. reading and the 10-subset SE) $(echo "$(date +%s.%N) - $s" | bc) s"
done
GOMAXPROCS=1 "$dir/info.test" -test.run XXX -test.bench 'NSB' -test.benchtime 20x | grep Benchmark
uptime
