"""`engram infer` and `engram analyze` run directories, checked against
their own summaries and against naive recomputations from the spiking run
they analysed (the spike counts binned as engram bins them: bin k holds the
steps [k·W, (k+1)·W), W = bin_ms/dt)."""

import numpy as np
import pytest

REL_EXACT = 1e-9


def binned_counts(spikes, bin_ms, dt_ms, bins, neurons=None):
    w = int(round(bin_ms / dt_ms))
    k = spikes["step"].to_numpy() // w
    if neurons is None:
        return np.bincount(k, minlength=bins)[:bins].astype(float)
    c = np.zeros((neurons, bins))
    np.add.at(c, (spikes["neuron"].to_numpy(), k), 1)
    return c


def test_analyze_branching(branching_run, stdp_run):
    r = branching_run
    assert r.experiment == "analyze-branching"
    assert r.config is None or isinstance(r.config, dict)
    assert "analyze branching" in r.command
    co = r.tables["coefficients"]
    fits = r.tables["fits"].set_index("model")
    assert fits.loc[r.summary.nested["fit"], "m"] == pytest.approx(r.metrics["m"], rel=REL_EXACT)
    # the conventional estimator is r_1
    assert co["r_k"].iloc[0] == pytest.approx(r.metrics["m_conventional"], rel=REL_EXACT)
    # r_k: the regression slope of A_{t+k} on A_t, recomputed
    A = binned_counts(stdp_run.spikes, r.metrics["bin_ms"], stdp_run.config["network"]["dt_ms"],
                      int(r.metrics["bins"]))
    for k, rk in zip(co["k"][:5], co["r_k"][:5]):
        x, y = A[:-k], A[k:]
        assert np.cov(x, y)[0, 1] / np.var(x, ddof=1) == pytest.approx(rk, rel=1e-9, abs=1e-12)
    # the summary pairs x with its sibling x_stderr as x's stderr
    # (runner.Flatten); m_conventional always has a finite one
    pairs = [(n[: -len("_stderr")], v) for n, v in r.metrics.items()
             if n.endswith("_stderr") and n[: -len("_stderr")] in r.metrics and v is not None and np.isfinite(v)]
    assert "m_conventional" in dict(pairs)
    table = r.summary.table.set_index("name")
    for base, se in pairs:
        assert r.summary.stderr[base] == se and table.loc[base, "stderr"] == se
    # standard errors the fit could not give are NaN in res/fits.tsv and
    # "NaN" (a value, not missing) in res/summary.json
    for model in fits.index:
        se = r.metrics[f"fits.{model}.m_stderr"]
        if np.isnan(fits.loc[model, "m_stderr"]):
            assert se is not None and np.isnan(se)
        else:
            assert se == pytest.approx(fits.loc[model, "m_stderr"], rel=REL_EXACT)


def test_analyze_corr(corr_run, stdp_run):
    r = corr_run
    s = stdp_run.spikes
    dt = stdp_run.config["network"]["dt_ms"]
    bins = int(r.metrics["bins"])
    K = binned_counts(s, r.metrics["bin_ms"], dt, bins)
    assert K.mean() == pytest.approx(r.metrics["k1"], rel=REL_EXACT)
    assert K.var(ddof=1) == pytest.approx(r.metrics["k2"], rel=REL_EXACT)
    pairs = r.tables["pairs"]
    assert len(pairs) == r.metrics["pairs"]
    assert pairs["rho"].mean() == pytest.approx(r.metrics["rho_mean"], rel=1e-9)
    C = binned_counts(s, r.metrics["bin_ms"], dt, bins, neurons=int(r.metrics["neurons"]))
    for row in pairs.head(20).itertuples():
        assert np.corrcoef(C[row.i], C[row.j])[0, 1] == pytest.approx(row.rho, rel=1e-9, abs=1e-12)
    pk = r.tables["p_k"]
    assert pk["p_observed"].sum() == pytest.approx(1.0, rel=1e-12)


def test_infer_synthetic(infer_run):
    r = infer_run
    assert r.experiment == "infer"
    params = r.tables["params"].set_index("id")
    for p in ("r_max_hz", "beta", "h0", "q_f", "x_f_hz"):
        assert params.loc["median", p] == pytest.approx(r.metrics[p], rel=REL_EXACT)
    truth = r.tables["truth"].set_index("param")
    for p, rel in r.summary.nested["median_rel_err"].items():
        assert truth.loc[p, "rel_err"] == pytest.approx(rel, rel=REL_EXACT)
        assert truth.loc[p, "recovered"] / truth.loc[p, "truth"] - 1 == pytest.approx(rel, rel=1e-9, abs=1e-12)
    # the synthetic data set: rec/synthetic.csv, n novel and n familiar rates
    data = r.tables["rec/synthetic"]
    assert list(data.columns) == ["neuron", "condition", "rate_hz"]
    counts = data.groupby("condition").size()
    assert counts["novel"] == counts["familiar"] == params.loc["median", "n_novel"] == 300
    # res/params.json (r.results): the same fit as JSON
    pj = r.results["params"]["neurons"][0]["transfer"]
    assert pj["r_max_hz"] == pytest.approx(r.metrics["r_max_hz"], rel=REL_EXACT)
    assert r.results["settings"]["settings"]["seed"] == 1
