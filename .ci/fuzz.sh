#!/usr/bin/env bash
# Fuzz the input readers (issue 13): each target runs for FUZZTIME (default
# 10s). A target that finds a crash, hang or over-allocation fails and
# writes the input to <pkg>/testdata/fuzz/<target>/ (commit it as a
# regression seed once fixed). Usage: .ci/fuzz.sh [FUZZTIME]
set -uo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-${FUZZTIME:-10s}}
status=0
while read -r pkg target; do
  echo "== fuzz $target ($pkg, $fuzztime)"
  go test -run XXX -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" || status=1
done <<'TARGETS'
./store/ FuzzDecodeNPY
./store/ FuzzReadNPZ
./store/ FuzzReadTSV
./analysis/activityio/ FuzzReadText
./analysis/activityio/ FuzzReadArray
./analysis/activityio/ FuzzReadValues
TARGETS
exit $status
