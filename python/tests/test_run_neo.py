"""engram.run (errors carry engram's own text), the TOML writer, and the
optional conversions (Neo, xarray)."""

import os
import tomllib

import numpy as np
import pytest

import engram

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")


def test_run_error_carries_engram_text(engram_bin, tmp_path):
    with pytest.raises(engram.EngramError) as e:
        engram.run(os.path.join(EXAMPLES, "lif-noise.toml"), set={"input.mu_mvv": 3}, out=tmp_path / "x",
                   binary=engram_bin)
    assert 'unknown key "input.mu_mvv"' in str(e.value) and 'did you mean "input.mu_mv"' in str(e.value)
    assert e.value.returncode == 1 and "--set" in e.value.command
    assert not (tmp_path / "x").exists()


def test_run_refuses_existing_out(engram_bin, lif_run):
    with pytest.raises(engram.EngramError, match="already exists"):
        engram.run(os.path.join(EXAMPLES, "lif-noise.toml"), out=lif_run.path, binary=engram_bin)


def test_run_bad_value_and_missing_binary(engram_bin, tmp_path, monkeypatch):
    with pytest.raises(engram.EngramError, match="input.sigma_mv"):
        engram.run(os.path.join(EXAMPLES, "lif-noise.toml"), set={"input.sigma_mv": "loud"}, out=tmp_path / "y",
                   binary=engram_bin)
    monkeypatch.delenv("ENGRAM_BINARY", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(engram.EngramError, match="engram binary not found"):
        engram.run(os.path.join(EXAMPLES, "lif-noise.toml"))
    with pytest.raises(engram.EngramError, match="not an executable"):
        engram.run(os.path.join(EXAMPLES, "lif-noise.toml"), binary=tmp_path / "nothing" / "engram")


def test_set_values_reach_the_config(lif_run, stdp_run):
    assert lif_run.config["input"]["mu_mv"] == 15.0 and lif_run.config["run"]["duration_ms"] == 1000.0
    assert lif_run.printed["run_dir"] == lif_run.path
    # a dict config (stdp_run) went through dumps_toml
    assert stdp_run.config["record"]["weights_at_ms"] == [500.0]


def test_dumps_toml_round_trip(stdp_run):
    cfg = stdp_run.config
    assert tomllib.loads(engram.dumps_toml(cfg)) == cfg
    assert engram.toml_value("a\"b") == '"a\\"b"' and engram.toml_value([1, 2.5, True]) == "[1, 2.5, true]"
    assert engram.toml_value(np.float32(0.5)) == "0.5"
    with pytest.raises(TypeError):
        engram.toml_value(object())


def test_rerun_from_loaded_config(engram_bin, lif_run, tmp_path):
    """A run's config.resolved.toml reruns to the same numbers (same seed)."""
    again = engram.run(lif_run.config, out=tmp_path / "again", binary=engram_bin, workers=2)
    assert again.metrics["populations.LIF.spikes"] == lif_run.metrics["populations.LIF.spikes"]
    assert again.spikes["neuron"].equals(lif_run.spikes["neuron"])


def test_to_neo(stdp_run):
    neo = pytest.importorskip("neo")
    pq = pytest.importorskip("quantities")
    seg = engram.to_neo(stdp_run)
    assert isinstance(seg, neo.Segment)
    pops = stdp_run.populations
    assert len(seg.spiketrains) == int(pops["n"].sum())  # silent neurons too, with empty trains
    total = sum(len(st) for st in seg.spiketrains)
    assert total == stdp_run.metrics["populations.E.spikes"] + stdp_run.metrics["populations.I.spikes"]
    st = seg.spiketrains[450]
    assert st.annotations["population"] == "I" and st.annotations["local_id"] == 50
    assert st.units == pq.ms and float(st.t_stop) == stdp_run.config["run"]["duration_ms"]
    want = stdp_run.spikes.query("neuron == 450")["time_ms"].to_numpy()
    np.testing.assert_array_equal(st.magnitude, want)
    # from a DataFrame: only the neurons that spiked
    seg2 = engram.to_neo(stdp_run.spikes)
    assert len(seg2.spiketrains) == stdp_run.spikes["neuron"].nunique()


def test_state_to_xarray(lif_run):
    pytest.importorskip("xarray")
    da = lif_run.state("v", "LIF").stack().to_xarray()
    assert set(da.dims) == {"time_ms", "neuron"}
