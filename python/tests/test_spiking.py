"""Spiking runs: spikes, population rates, state recordings and CSR weight
snapshots, each checked against the run's own summary (res/summary.json)
by recomputing the summary's numbers from the files with naive pandas/numpy
code. The summary's definitions are those of experiment/spiking
(run.go: popStats.cvs, popStats.fano, spike.RateHz)."""

import numpy as np
import pandas as pd
import pytest

import engram

# The summary's numbers are float64 computed from the same spikes: only
# summation order differs.
REL_EXACT = 1e-9
# rec/rates_hz.npy is float32.
REL_FLOAT32 = 1e-6


def naive_cv_isi(spikes: pd.DataFrame, pop: str) -> float:
    """Mean over neurons with ≥ 2 ISIs of SD(ISI, ddof=1)/mean(ISI)."""
    cvs = []
    for _, t in spikes[spikes.population == pop].groupby("neuron")["time_ms"]:
        isi = np.diff(np.sort(t.to_numpy()))
        if len(isi) >= 2:
            cvs.append(np.std(isi, ddof=1) / np.mean(isi))
    return float(np.mean(cvs))


def naive_fano(spikes: pd.DataFrame, pop: str, n: int, duration_ms: float, window_ms: float, dt_ms: float) -> float:
    """Mean over neurons with a non-zero mean count of Var/Mean (ddof=1) of
    the counts in consecutive windows of window_ms (window k holds the
    steps [k·W, (k+1)·W) after the transient, W = window_ms/dt)."""
    nwin = int(round(duration_ms / window_ms))
    steps_per_window = int(round(window_ms / dt_ms))
    s = spikes[spikes.population == pop]
    w = s["step"].to_numpy() // steps_per_window
    counts = np.zeros((n, nwin))
    np.add.at(counts, (s["local_id"].to_numpy(), w), 1)
    m = counts.mean(axis=1)
    v = counts.var(axis=1, ddof=1)
    keep = m > 0
    return float(np.mean(v[keep] / m[keep]))


@pytest.mark.parametrize("fixture", ["stdp_run", "lif_run"])
def test_spikes_match_summary(fixture, request):
    r = request.getfixturevalue(fixture)
    assert r.experiment == "spiking"
    assert r.summary.source == engram.SOURCE_SCHEMA
    s = r.spikes
    assert list(s.columns) == ["time_ms", "step", "neuron", "population", "local_id"]
    assert s["time_ms"].is_monotonic_increasing
    dur = r.config["run"]["duration_ms"]
    dt = r.config["network"]["dt_ms"]
    assert s["time_ms"].min() > 0 and s["time_ms"].max() <= dur + 1e-9
    np.testing.assert_allclose(s["time_ms"], (s["step"] + 1) * dt, rtol=1e-12)
    for _, p in r.populations.iterrows():
        name, n = p["name"], int(p["n"])
        sub = s[s.population == name]
        assert len(sub) == r.metrics[f"populations.{name}.spikes"]
        assert (sub["neuron"] - sub["local_id"] == p["offset"]).all()
        assert sub["local_id"].between(0, n - 1).all()
        rate = len(sub) / (n * dur / 1000)
        assert r.metrics[f"populations.{name}.rate_hz"] == pytest.approx(rate, rel=REL_EXACT)
        assert r.metrics[f"populations.{name}.cv_isi"] == pytest.approx(naive_cv_isi(s, name), rel=REL_EXACT)
        fano = naive_fano(s, name, n, dur, r.config["record"]["fano_window_ms"], dt)
        assert r.metrics[f"populations.{name}.fano"] == pytest.approx(fano, rel=REL_EXACT)
        # population rate: bins of rate_bin_ms, mean over bins = the measured rate
        pr = r.population_rates[name]
        assert pr.mean() == pytest.approx(rate, rel=REL_FLOAT32)
        # pop_fano (experiment/spiking activity.go): Var/Mean (ddof=1) of the
        # population count per rate bin, the last bin dropped; recounted
        # from the spikes, binned by step
        bin_steps = int(round(r.config["record"]["rate_bin_ms"] / dt))
        counts = np.bincount(sub["step"].to_numpy() // bin_steps, minlength=len(pr))[: len(pr) - 1]
        assert counts == pytest.approx(pr.to_numpy()[:-1] * n * r.config["record"]["rate_bin_ms"] / 1000, rel=1e-6)
        assert r.metrics[f"populations.{name}.pop_fano"] == pytest.approx(counts.var(ddof=1) / counts.mean(),
                                                                           rel=REL_EXACT)
    assert r.population_rates.index[1] - r.population_rates.index[0] == r.config["record"]["rate_bin_ms"]
    assert len(r.population_rates) * r.config["record"]["rate_bin_ms"] == pytest.approx(dur)


def test_state_recording_time_axis(lif_run):
    r = lif_run
    assert r.states == ["v_LIF"]
    v = r.state("v", "LIF")
    assert v.equals(r.state("v_LIF"))
    rec = r.config["record"]
    dt = r.config["network"]["dt_ms"]
    assert v.index.name == "time_ms"
    np.testing.assert_allclose(np.diff(v.index), dt * rec["state_every_steps"], rtol=1e-9)
    assert list(v.columns) == list(range(rec["state_neurons"]))
    # LIF: V stays at or below threshold (θ = 20 mV) and never below the reset band far from it
    nrn = r.config["population"][0]["neuron"]
    assert v.to_numpy().max() <= nrn["v_th_mv"] + 1e-4
    with pytest.raises(KeyError, match="v_LIF"):
        r.state("v_LIFF")


def test_weights_orientation_and_summary(stdp_run):
    r = stdp_run
    assert [w.t_ms for w in r.weights] == [0.0, 500.0, 1200.0]
    w0, wend = r.weight("E-E", 0.0), r.weight("E-E")
    assert (wend.projection, wend.pre, wend.post, wend.file_orientation) == ("E-E", "E", "E", "pre_post")
    s = r.summary.nested["weights"]["E→E"]
    assert wend.pre_post.nnz == s["synapses"]
    data = wend.pre_post.data.astype(np.float64)
    assert data.mean() == pytest.approx(s["mean_final"], rel=REL_FLOAT32)
    assert data.std() == pytest.approx(s["sd_final"], rel=1e-4)
    assert w0.pre_post.data.astype(np.float64).mean() == pytest.approx(s["mean_initial"], rel=REL_FLOAT32)
    # orientation: post_pre is the transpose of pre_post
    assert (wend.post_pre != wend.pre_post.T).nnz == 0
    # E→E with p = 0.1: every row (presynaptic neuron) has ≈ 40 targets; the
    # in- and out-degree sums agree and match the synapse count.
    assert wend.shape_pre_post == (400, 400)
    assert wend.pre_post.getnnz(axis=1).sum() == wend.post_pre.getnnz(axis=1).sum() == s["synapses"]
    # the weight statistics table's first "all" row at t = 0 is the initial mean
    ws = r.tables["weight_stats"]
    first = ws[(ws.t_ms == 0) & (ws.group == "all")].iloc[0]
    assert first["projection"] == "E→E"
    assert first["mean"] == pytest.approx(s["mean_initial"], rel=REL_FLOAT32)


def test_arrays_memory_mapped(stdp_run):
    a = stdp_run.arrays["spikes"]
    assert isinstance(a, np.memmap) and a.dtype == np.int64 and a.shape[1] == 2
    assert "weights_E-E_0ms" not in stdp_run.arrays  # sparse matrices are in .weights
    with pytest.raises(KeyError, match="did you mean"):
        stdp_run.arrays["spike"]


def test_brian_and_nest_views(stdp_run):
    t, i = stdp_run.spikes_brian
    ev = stdp_run.spikes_nest
    assert len(t) == len(i) == len(ev["times"]) == stdp_run.metrics["populations.E.spikes"] + \
        stdp_run.metrics["populations.I.spikes"]
    assert ev["senders"].min() >= 1


def test_provenance_and_config(stdp_run):
    r = stdp_run
    assert r.provenance["experiment"] == "spiking" and r.provenance["status"] == "ok"
    assert r.seed == r.config["network"]["seed"] == 1
    assert [p["n"] for p in r.config["population"]] == [400, 100]
    assert list(r.populations["name"]) == ["E", "I"]
