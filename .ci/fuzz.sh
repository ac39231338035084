#!/usr/bin/env bash
# Short fuzzing runs (about 10 s each) of every fuzz target in the
# repository; .ci/run calls this script and checks that every `func Fuzz…`
# has a line here. One line per target: add yours at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run XXX -fuzz '^FuzzLoad$' -fuzztime 10s ./config/
go test -run XXX -fuzz '^FuzzSet$' -fuzztime 10s ./config/
go test -run XXX -fuzz '^FuzzResolve$' -fuzztime 10s ./cmd/engram/
