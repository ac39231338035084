#!/usr/bin/env bash
# Short fuzzing runs (about 10 s each) of every fuzz target in the
# repository; .ci/run calls this script and checks that every `func Fuzz…`
# has a line here. One line per target: add yours at the end. A target that
# finds a crash, hang or over-allocation fails and writes the input to
# <pkg>/testdata/fuzz/<target>/ (commit it as a regression seed once fixed).
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run XXX -fuzz '^FuzzLoad$' -fuzztime 10s ./config/
go test -run XXX -fuzz '^FuzzSet$' -fuzztime 10s ./config/
go test -run XXX -fuzz '^FuzzResolve$' -fuzztime 10s ./cmd/engram/
go test -run XXX -fuzz '^FuzzDecodeNPY$' -fuzztime 10s ./store/
go test -run XXX -fuzz '^FuzzReadNPZ$' -fuzztime 10s ./store/
go test -run XXX -fuzz '^FuzzReadTSV$' -fuzztime 10s ./store/
go test -run XXX -fuzz '^FuzzReadText$' -fuzztime 10s ./analysis/activityio/
go test -run XXX -fuzz '^FuzzReadArray$' -fuzztime 10s ./analysis/activityio/
go test -run XXX -fuzz '^FuzzReadValues$' -fuzztime 10s ./analysis/activityio/
