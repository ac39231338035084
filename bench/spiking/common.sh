# Shared set-up of the side-by-side benchmark scripts (sourced, not run):
# ROOT (the repository), PY (Debian's /usr/bin/python3, with python3-brian
# installed when missing), WORK (a scratch directory removed on exit), and
# build_tool NAME (go build ./bench/spiking/NAME into $WORK/NAME).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PY=/usr/bin/python3
if ! "$PY" -c 'import brian2' 2>/dev/null; then
  echo "installing python3-brian (Debian)..." >&2
  apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-brian >&2
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
build_tool() { (cd "$ROOT" && go build -o "$WORK/$1" "./bench/spiking/$1"); }
