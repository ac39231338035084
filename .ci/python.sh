#!/usr/bin/env bash
# The Python package's tests (python/engram, python/tests) with Debian's
# /usr/bin/python3: installs the Debian packages they need when missing
# (idempotent; quiet), builds the engram binary into a temporary directory,
# and runs pytest with a time bound. Called by .ci/run.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
BUDGET_S=${ENGRAM_PYTHON_CI_BUDGET_S:-175}   # the whole script stays under 3 minutes (SECONDS counts from here)

if [ ! -x "$PY" ]; then
  echo "python.sh: $PY not found; the Python tests did not run"; exit 1
fi
# required: numpy pandas scipy pytest; optional (tests skip without them):
# nbformat nbclient ipykernel (the notebook), neo, xarray
need=()
for m in numpy:python3-numpy pandas:python3-pandas scipy:python3-scipy pytest:python3-pytest \
         nbformat:python3-nbformat nbclient:python3-nbclient ipykernel:python3-ipykernel \
         neo:python3-neo xarray:python3-xarray; do
  "$PY" -c "import ${m%%:*}" 2>/dev/null || need+=("${m#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "python.sh: installing ${need[*]}"
    (timeout 40 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 60 apt-get install -y -qq \
      --no-install-recommends "${need[@]}") >/dev/null 2>&1 || echo "python.sh: apt-get could not install ${need[*]}"
  fi
fi
for m in numpy pandas scipy pytest; do
  if ! "$PY" -c "import $m" 2>/dev/null; then
    echo "python.sh: $PY cannot import $m (apt-get install python3-$m); the Python tests did not run"; exit 1
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=0 timeout 90 go build -o "$tmp/engram" ./cmd/engram || { echo "python.sh: go build failed"; exit 1; }
LIMIT_S=$((BUDGET_S - SECONDS))
if [ "$LIMIT_S" -lt 30 ]; then
  echo "python.sh: only ${LIMIT_S} s left of ${BUDGET_S} s after installing and building; the Python tests did not run"; exit 1
fi
# pytest writes no cache into the repository; runs go to pytest's own temp dir
ENGRAM_BINARY="$tmp/engram" PYTHONDONTWRITEBYTECODE=1 timeout --kill-after=10 "$LIMIT_S" \
  "$PY" -m pytest -q -p no:cacheprovider --basetemp="$tmp/pytest" python/tests
rc=$?
[ $rc -eq 124 ] && echo "python.sh: pytest exceeded ${LIMIT_S} s"
exit $rc
