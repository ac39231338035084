"""res/summary.json (the fixed schema), legacy and absent summaries, and a
sweep's DIR/points.tsv.

The schema fixture is written here exactly as the run life cycle writes it
(runner/metrics.go: NaN/±Inf as the strings "NaN", "+Inf", "-Inf", a value
not computed as null). The sweep fixture points at real runs of
examples/lif-noise.toml made by engram.run; test_engram_sweep runs the real
`engram sweep` when the binary has it."""

import json
import math
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

import engram

SCHEMA = {
    "experiment": "spiking", "seed": 7, "status": "ok",
    "metrics": [
        {"name": "populations.E.rate_hz", "value": 9.5, "stderr": 0.25, "unit": "Hz", "method": "count/(n·T)"},
        {"name": "populations.E.cv_isi", "value": "NaN", "stderr": None, "unit": "", "method": ""},
        {"name": "tau_ms", "value": "+Inf", "stderr": None, "unit": "ms", "method": "MR"},
        {"name": "log_l", "value": "-Inf", "stderr": None, "unit": "", "method": ""},
        {"name": "m_stderr", "value": None, "stderr": None, "unit": "", "method": ""},
        {"name": "steps", "value": 20000, "stderr": None, "unit": "", "method": ""},
    ],
    "summary": {"populations": {"E": {"rate_hz": 9.5, "cv_isi": None}}, "tau_ms": None, "m_stderr": None,
                "steps": 20000, "log_l": None, "note": "text is not a metric"},
}


def write_run(d, summary=None, provenance=None):
    os.makedirs(os.path.join(d, "res"), exist_ok=True)
    with open(os.path.join(d, "provenance.json"), "w") as f:
        json.dump(provenance or {"experiment": "spiking", "seed": 7, "status": "ok"}, f)
    if summary is not None:
        with open(os.path.join(d, "res", "summary.json"), "w") as f:
            json.dump(summary, f)
    return d


def test_schema_summary(tmp_path):
    r = engram.load_run(write_run(str(tmp_path / "run"), SCHEMA))
    s = r.summary
    assert s.source == engram.SOURCE_SCHEMA
    assert (s.experiment, s.seed, s.status) == ("spiking", 7, "ok")
    m = r.metrics
    assert m["populations.E.rate_hz"] == 9.5 and s.stderr["populations.E.rate_hz"] == 0.25
    assert math.isnan(m["populations.E.cv_isi"])
    assert m["tau_ms"] == math.inf and m["log_l"] == -math.inf
    assert m["m_stderr"] is None  # missing, not NaN
    assert isinstance(m["steps"], float) and m["steps"] == 20000
    t = s.table.set_index("name")
    assert list(s.table.columns) == ["name", "value", "stderr", "unit", "method", "missing"]
    assert t.loc["populations.E.rate_hz", "unit"] == "Hz" and t.loc["tau_ms", "method"] == "MR"
    assert t.loc["m_stderr", "missing"] and not t.loc["populations.E.cv_isi", "missing"]
    assert np.isnan(t.loc["m_stderr", "value"]) and np.isnan(t.loc["populations.E.cv_isi", "value"])
    assert s.nested["populations"]["E"]["rate_hz"] == 9.5
    with pytest.raises(KeyError, match="did you mean populations.E.rate_hz"):
        m["populations.E.rate"]


@pytest.mark.parametrize("bad,msg", [({"name": "x", "value": "nan"}, "metric x: value"),
                                     ({"name": "x", "value": True}, "boolean"),
                                     ({"name": "x", "value": 1, "stderr": "Inf"}, "metric x: stderr"),
                                     ({"value": 1}, r"metrics\[0\]")])
def test_schema_summary_bad_values(tmp_path, bad, msg):
    d = write_run(str(tmp_path / "run"), {"experiment": "x", "seed": 1, "status": "ok", "metrics": [bad],
                                          "summary": {}})
    with pytest.raises(ValueError, match=msg) as e:
        engram.load_run(d).summary
    assert "summary.json" in str(e.value)


def test_legacy_and_absent_summary(tmp_path):
    legacy = engram.load_run(write_run(str(tmp_path / "legacy"), SCHEMA["summary"]))
    assert legacy.summary.source == engram.SOURCE_LEGACY
    # flattened as engram flattens: numeric leaves by dotted path, null → None, strings dropped
    assert dict(legacy.metrics) == {"log_l": None, "m_stderr": None, "populations.E.cv_isi": None,
                                    "populations.E.rate_hz": 9.5, "steps": 20000.0, "tau_ms": None}
    absent = engram.load_run(write_run(str(tmp_path / "absent")))
    assert absent.summary.source == engram.SOURCE_ABSENT and len(absent.metrics) == 0
    with pytest.raises(KeyError, match="no res/summary.json"):
        absent.metrics["rate_hz"]
    printed = engram.load_run(str(tmp_path / "absent"), {"experiment": "spiking", "summary": {"a": {"b": 2}}})
    assert printed.summary.source == engram.SOURCE_PRINTED and printed.metrics["a.b"] == 2.0


def test_not_a_run_dir(tmp_path):
    with pytest.raises(ValueError, match="not an engram run directory"):
        engram.load_run(tmp_path)
    with pytest.raises(FileNotFoundError):
        engram.load_run(tmp_path / "nope")


@pytest.fixture(scope="module")
def sweep_dir(engram_bin, tmp_path_factory):
    """A sweep directory as `engram sweep` lays it out (sweep/collect.go):
    points/p000k/ run directories (lif-noise at μ = 12, 15, 18 mV),
    sweep.json with the swept keys, and points.tsv with the point id, the
    run directory, the swept value, then metrics; point p0003 did not
    finish (empty cells), one metric is NaN and one +inf."""
    d = tmp_path_factory.mktemp("sweep")
    mus = [12.0, 15.0, 18.0]
    rows = []
    for k, mu in enumerate(mus):
        r = engram.run(os.path.join(os.path.dirname(__file__), "..", "..", "examples", "lif-noise.toml"),
                       set={"input.mu_mv": mu, "run.duration_ms": 500.0}, out=d / "points" / f"p{k:04d}",
                       binary=engram_bin, workers=1)
        m = r.metrics
        rows.append([f"p{k:04d}", f"points/p{k:04d}", repr(mu), repr(m["populations.LIF.rate_hz"]),
                     repr(m["populations.LIF.cv_isi"]), "NaN" if k == 0 else "inf" if k == 1 else
                     repr(m["populations.LIF.fano"])])
    rows.append(["p0003", "points/p0003", "21", "", "", ""])
    (d / "sweep.json").write_text(json.dumps({"experiment": "spiking", "keys": ["input.mu_mv"], "repeats": 1}))
    with open(d / "points.tsv", "w") as f:
        f.write("point\trun_dir\tinput.mu_mv\tpopulations.LIF.rate_hz\tpopulations.LIF.cv_isi\tpopulations.LIF.fano\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    return d


def test_load_sweep(sweep_dir):
    df = engram.load_sweep(sweep_dir)
    assert list(df.columns[:3]) == ["point", "run_dir", "input.mu_mv"]
    assert list(df["point"]) == ["p0000", "p0001", "p0002", "p0003"]
    assert df.attrs["swept"] == ["input.mu_mv"] and df.attrs["metrics"] == list(df.columns[3:])
    assert str(df["input.mu_mv"].dtype) == "Float64" and df["input.mu_mv"].iloc[3] == 21.0
    rate = df["populations.LIF.rate_hz"]
    assert str(rate.dtype) == "Float64"
    assert rate.isna().tolist() == [False, False, False, True]  # empty cell: missing
    fano = df["populations.LIF.fano"]
    assert not fano.isna().iloc[0] and math.isnan(fano.iloc[0])  # "NaN": a NaN value, not missing
    assert fano.isna().iloc[3] and fano.iloc[1] == math.inf
    # rates grow with μ (LIF below/near threshold: 12 → 15 → 18 mV)
    assert rate.iloc[0] < rate.iloc[1] < rate.iloc[2]
    # every row's run directory loads and its summary holds the same numbers
    for k in range(3):
        r = engram.load_run(df.attrs["run_dirs"][k])
        assert r.config["input"]["mu_mv"] == df["input.mu_mv"].iloc[k]
        assert r.metrics["populations.LIF.rate_hz"] == rate.iloc[k]
        assert r.metrics["populations.LIF.cv_isi"] == df["populations.LIF.cv_isi"].iloc[k]


def test_load_sweep_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="points.tsv"):
        engram.load_sweep(tmp_path)
    (tmp_path / "points.tsv").write_text("point\trun_dir\tx\np0000\tpoints/p0000\n")
    with pytest.raises(ValueError, match="line 2: 2 cells, the header has 3"):
        engram.load_sweep(tmp_path)
    (tmp_path / "points.tsv").write_text("point\tx\n0\t1\n")
    with pytest.raises(ValueError, match="no column 'run_dir'"):
        engram.load_sweep(tmp_path)


def test_engram_sweep(engram_bin, tmp_path):
    """The real `engram sweep` (issue17 branch): a 2-point grid over
    lif-noise's μ, then load_sweep against each point's summary."""
    if subprocess.run([engram_bin, "sweep", "--help"], capture_output=True).returncode != 0:
        pytest.skip("this engram binary has no sweep command")
    base = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "examples", "lif-noise.toml"))
    sw = tmp_path / "mu.toml"
    sw.write_text(f'base = "{base}"\n[grid]\n"input.mu_mv" = [12.0, 18.0]\n[set]\n"run.duration_ms" = 500.0\n')
    out = tmp_path / "out"
    p = subprocess.run([engram_bin, "sweep", str(sw), "--local", "2", "--out", str(out), "--quiet"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    df = engram.load_sweep(out)
    assert len(df) == 2 and df.attrs["swept"] == ["input.mu_mv"]
    col = "populations.LIF.rate_hz"
    assert col in df.attrs["metrics"]
    assert all(str(df[c].dtype) == "Float64" for c in df.attrs["metrics"])
    assert df["populations.LIF.spikes"].iloc[1] > df["populations.LIF.spikes"].iloc[0]
    for k in range(2):
        r = engram.load_run(df.attrs["run_dirs"][k])
        assert r.summary.source == engram.SOURCE_SCHEMA
        assert r.metrics[col] == df[col].iloc[k]
        assert r.config["input"]["mu_mv"] == df["input.mu_mv"].iloc[k]
