"""Shared fixtures: the engram binary and small runs of every kind.

The binary is $ENGRAM_BINARY when set (.ci/python.sh builds it), else it is
built once per session with `go build` from this repository. Runs go to a
session temporary directory, never into the repository; each takes well
under a second."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "python"))

import engram  # noqa: E402


@pytest.fixture(scope="session")
def engram_bin(tmp_path_factory) -> str:
    exe = os.environ.get("ENGRAM_BINARY")
    if exe:
        return exe
    go = shutil.which("go")
    if not go:
        pytest.skip("no engram binary: set ENGRAM_BINARY or install go")
    exe = str(tmp_path_factory.mktemp("bin") / "engram")
    subprocess.run([go, "build", "-o", exe, "./cmd/engram"], cwd=REPO, check=True,
                   env={**os.environ, "CGO_ENABLED": "0"})
    return exe


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    return tmp_path_factory.mktemp("runs")


def cli(engram_bin: str, *args: str) -> dict:
    """Run an engram command with --json --quiet and return what it printed."""
    p = subprocess.run([engram_bin, *args, "--json", "--quiet"], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"engram {' '.join(args)} failed: {p.stderr}")
    return json.loads(p.stdout)


def example(name: str) -> dict:
    with open(os.path.join(REPO, "examples", name), "rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="session")
def stdp_run(engram_bin, runs):
    """examples/coba-stdp.toml at 400 + 100 neurons, 1 s (plastic E→E,
    weight snapshots at 0, 500 and 1200 ms), passed to engram.run as a dict."""
    cfg = example("coba-stdp.toml")
    sizes = {"E": 400, "I": 100}
    for p in cfg["population"]:
        p["n"] = sizes[p["name"]]
    for pr in cfg["projection"]:
        pr["p"] = 0.1
    cfg["run"]["duration_ms"] = 1000.0
    cfg["record"]["weights_at_ms"] = [500.0]
    cfg["record"]["spike_neurons"] = 0
    return engram.run(cfg, out=runs / "stdp", binary=engram_bin, workers=1)


@pytest.fixture(scope="session")
def lif_run(engram_bin, runs):
    """examples/lif-noise.toml (1000 unconnected LIF neurons, 2 s) at μ = 15 mV."""
    return engram.run(os.path.join(REPO, "examples", "lif-noise.toml"), set={"input.mu_mv": 15.0, "run.duration_ms": 1000},
                      out=runs / "lif", binary=engram_bin, workers=1)


@pytest.fixture(scope="session")
def pbdms_run(engram_bin, runs):
    """pb-dms at N = 2000, K = 100, p = 5, short protocol, weights and patterns saved."""
    sets = {"network.n": 2000, "network.c": 0.05, "network.p": 5, "protocol.background_ms": 200,
            "protocol.delay_ms": 300, "record.save_weights": True, "record.save_patterns": True, "record.neurons": 10}
    return engram.run(os.path.join(REPO, "examples", "pb-dms.toml"), set=sets, out=runs / "pbdms",
                      binary=engram_bin, workers=1)


@pytest.fixture(scope="session")
def pbload_run(engram_bin, runs):
    sets = {"network.n": 2000, "network.c": 0.05, "load.alphas": [0.05, 0.1], "load.seeds": 2,
            "load.duration_ms": 300}
    return engram.run(os.path.join(REPO, "examples", "pb-load-r9.toml"), set=sets, out=runs / "pbload",
                      binary=engram_bin, workers=1)


@pytest.fixture(scope="session")
def homeostasis_run(engram_bin, runs):
    sets = {"network.n": 200, "network.k": 20, "sweep.h_over_r_star": [0.3, 0.1], "sweep.seeds": 1,
            "sweep.develop_steps": 5000, "sweep.measure_steps": 5000, "sweep.average_last_steps": 2000}
    return engram.run(os.path.join(REPO, "examples", "homeostasis.toml"), set=sets, out=runs / "homeostasis",
                      binary=engram_bin, workers=1)


@pytest.fixture(scope="session")
def corrstim_run(engram_bin, runs):
    sets = {"run.duration_ms": 1000, "sweep.rho_in": [0.0, 0.2], "sweep.xi_in": [1], "sweep.recurrence": [1.0]}
    return engram.run(os.path.join(REPO, "examples", "corr-vs-stimulus.toml"), set=sets, out=runs / "corrstim",
                      binary=engram_bin, workers=1)


@pytest.fixture(scope="session")
def noisyrate_run(engram_bin, runs):
    cfg = {"experiment": "noisy-rate", "network": {"n": 5}, "run": {"duration_ms": 5000.0}}
    return engram.run(cfg, out=runs / "noisyrate", binary=engram_bin, workers=1)


@pytest.fixture(scope="session")
def inferloop_run(engram_bin, runs):
    cfg = {"experiment": "infer-loop", "network": {"n": 2000, "c": 0.05},
           "protocol": {"novel_stimuli": 20}, "inference": {"neurons": 5, "bootstrap": 10}}
    return engram.run(cfg, out=runs / "inferloop", binary=engram_bin, workers=1)


@pytest.fixture(scope="session")
def infer_run(engram_bin, runs):
    """engram infer --synthetic median: Lim et al. inference on synthetic rates."""
    out = runs / "infer"
    printed = cli(engram_bin, "infer", "--synthetic", "median", "--n", "300", "--out", str(out))
    return engram.load_run(out, printed)


@pytest.fixture(scope="session")
def branching_run(engram_bin, runs, stdp_run):
    out = runs / "branching"
    printed = cli(engram_bin, "analyze", "branching", stdp_run.path, "--bin-ms", "4", "--out", str(out))
    return engram.load_run(out, printed)


@pytest.fixture(scope="session")
def corr_run(engram_bin, runs, stdp_run):
    out = runs / "corr"
    printed = cli(engram_bin, "analyze", "corr", stdp_run.path, "--bin-ms", "4", "--out", str(out))
    return engram.load_run(out, printed)
