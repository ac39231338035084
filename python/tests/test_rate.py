"""Rate-model and other non-spiking experiments (pb-dms, pb-load,
infer-loop, noisy-rate, homeostasis, corr-vs-stimulus): arrays, tables and
CSR weights, checked against each run's own summary and, where one exists,
a closed form."""

import numpy as np
import pytest

import engram

# Values the summary copies from the same float64 computation.
REL_EXACT = 1e-12
# Rates and weights stored as float32.
REL_FLOAT32 = 1e-6


def test_pbdms_weights_are_the_hebbian_sum_post_pre(pbdms_run):
    """rec/weights.npz is W_ij (i post, j pre), model/rate doc.go:
    W_ij = (A/K) c_ij Σ_μ f(φ(ξ_i^μ)) g(φ(ξ_j^μ)), K = cN, φ the logistic
    transfer, f and g ½[2q − 1 + tanh(β_f (r − x_f))] with q_f and the
    centred q_g (ratefn/rule.go). Recomputed from rec/patterns.npy."""
    r = pbdms_run
    c, t, ru = r.config, r.config["transfer"], r.config["rule"]
    w = r.weight()
    assert w.file_orientation == "post_pre" and w.projection is None
    W = w.post_pre.tocoo()
    assert W.shape == (c["network"]["n"],) * 2
    assert W.nnz == r.metrics["nnz"]
    xi = np.asarray(r.arrays["patterns"], dtype=np.float64)
    assert xi.shape == (c["network"]["p"], c["network"]["n"])
    phi = t["r_max_hz"] / (1 + np.exp(-t["beta"] * (xi - t["h0"])))

    def step(q, rate):
        return 0.5 * (2 * q - 1 + np.tanh(ru["beta_f_per_hz"] * (rate - ru["x_f_hz"])))

    f, g = step(ru["q_f"], phi), step(r.metrics["q_g"], phi)
    k = c["network"]["c"] * c["network"]["n"]
    want = ru["A"] / k * np.einsum("mk,mk->k", f[:, W.row], g[:, W.col])
    scale = np.abs(want).max()
    assert np.abs(W.data - want).max() / scale < 1e-6  # float32 weights
    # the transposed reading is wrong by far more: the test sees orientation
    wrong = ru["A"] / k * np.einsum("mk,mk->k", f[:, W.col], g[:, W.row])
    assert np.abs(W.data - wrong).max() / scale > 1e-2
    assert (w.pre_post != w.post_pre.T).nnz == 0


def test_pbdms_traces_and_trials(pbdms_run):
    r = pbdms_run
    assert set(r.states) >= {"m_familiar_t0", "m_novel_t0", "rates_familiar_t0", "q_novel_t0"}
    m = r.state("m_familiar_t0")
    every = r.config["record"]["every_ms"]
    np.testing.assert_allclose(np.diff(m.index), every)
    assert m.shape[1] == r.config["network"]["p"]
    cue = r.config["protocol"]["cue_pattern"]
    trials = r.tables["trials"].set_index("condition")
    assert m[cue].iloc[-1] == pytest.approx(trials.loc["familiar", "m_cued_end"], rel=REL_EXACT)
    assert m[cue].iloc[-1] == pytest.approx(r.metrics["familiar.m_cued_end"], rel=REL_EXACT)
    assert bool(trials.loc["familiar", "retrieved"]) is True
    # the res/trace table is the same recording
    tr = r.tables["trace_familiar_t0"]
    np.testing.assert_allclose(tr["m_cued"], m[cue], rtol=REL_EXACT)
    np.testing.assert_allclose(tr["time_ms"], m.index)
    rates = r.state("rates_familiar_t0")
    assert rates.shape[1] == r.config["record"]["neurons"]
    end = np.asarray(r.arrays["rates_end_familiar_t0"], dtype=np.float64)
    assert end.mean() == pytest.approx(r.metrics["familiar.mean_rate_end_hz"], rel=REL_FLOAT32)
    np.testing.assert_allclose(rates.iloc[-1].to_numpy(), end[: rates.shape[1]], rtol=REL_FLOAT32)


def test_pbload_tables_match_summary(pbload_run):
    r = pbload_run
    pts = r.tables["points"]
    s = r.summary.nested
    assert sorted(pts["alpha"].unique()) == s["alphas"]
    mean = pts.groupby("alpha")["m_at_measure"].mean()
    np.testing.assert_allclose(mean.to_numpy(), s["m_at_measure"], rtol=REL_EXACT)
    summ = r.tables["summary"]
    np.testing.assert_allclose(summ["m_at_measure_mean"], s["m_at_measure"], rtol=REL_EXACT)
    assert (summ["realisations"] == r.config["load"]["seeds"]).all()
    # p = α K
    k = r.config["network"]["c"] * r.config["network"]["n"]
    np.testing.assert_allclose(pts["p"], np.round(pts["alpha"] * k))


def test_noisy_rate_gaussian_entropy_closed_form(noisyrate_run):
    """entropy = ½ log det(2πe Σ), total correlation = Σ_i ½ log Σ_ii − ½ log det Σ
    (Gaussian closed forms), from res/covariance.tsv (upper triangle)."""
    r = noisyrate_run
    cv = r.tables["covariance"]
    n = int(cv["i"].max()) + 1
    assert n == r.config["network"]["n"]
    for col, key in (("theory", "theory"), ("simulated", "sim")):
        S = np.zeros((n, n))
        for row in cv.itertuples():
            S[row.i, row.j] = S[row.j, row.i] = getattr(row, col)
        logdet = np.linalg.slogdet(S)[1]
        assert 0.5 * (n * np.log(2 * np.pi * np.e) + logdet) == pytest.approx(
            r.metrics[f"entropy_{key}_nats"], rel=1e-9)
        assert 0.5 * np.log(np.diag(S)).sum() - 0.5 * logdet == pytest.approx(r.metrics[f"tc_{key}_nats"], rel=1e-9)


def test_homeostasis_activity_and_sweep(homeostasis_run):
    r = homeostasis_run
    s = r.summary.nested
    sweep = r.tables["sweep"].sort_values("h_over_r_star")
    assert list(sweep["h_over_r_star"]) == s["h_over_r_star"]
    np.testing.assert_allclose(sweep["m_ols"], s["m_ols"], rtol=REL_EXACT)
    np.testing.assert_allclose(sweep["rate"], s["rate"], rtol=REL_EXACT)
    n = r.config["network"]["n"]
    for h, rate in zip(s["h_over_r_star"], s["rate"]):
        a = r.arrays[f"activity_h{h:g}_r0"]
        assert isinstance(a, np.memmap) and a.shape == (r.config["sweep"]["measure_steps"],)
        # rate = mean active units per step / n
        assert np.mean(a) / n == pytest.approx(rate, rel=REL_EXACT)


def test_corr_vs_stimulus_conditions(corrstim_run):
    r = corrstim_run
    s = r.summary.nested
    cond = r.tables["conditions"]
    assert len(cond) == r.metrics["conditions"] == 4
    np.testing.assert_allclose(cond["rho_out"], s["rho_out"], rtol=REL_EXACT)
    np.testing.assert_allclose(cond["rate_e_hz"], s["rate_e_hz"], rtol=REL_EXACT)
    assert cond["null"].dtype == bool
    # P(K) of every condition sums to 1
    pk = r.tables["p_k"].groupby(["rho_in", "null"])["p_observed"].sum()
    np.testing.assert_allclose(pk.to_numpy(), 1.0, rtol=1e-9)


def test_infer_loop(inferloop_run):
    r = inferloop_run
    cmp = r.tables["compare"].set_index("param")
    for p in ("r_max_hz", "beta", "h0", "A"):
        assert cmp.loc[p, "truth"] == pytest.approx(r.metrics[f"params.{p}.truth"], rel=REL_EXACT)
        assert cmp.loc[p, "recovered_median"] == pytest.approx(r.metrics[f"params.{p}.recovered_median"],
                                                                rel=REL_EXACT)
    assert cmp.loc["r_max_hz", "truth"] == r.config["transfer"]["r_max_hz"]
    params = r.tables["params"]
    assert len(params) == r.config["inference"]["neurons"] == r.metrics["neurons"]
    assert np.median(params["r_max_hz"]) == pytest.approx(cmp.loc["r_max_hz", "recovered_median"], rel=REL_EXACT)
    nov = r.arrays["rates_novel"]
    assert nov.shape == (r.config["inference"]["neurons"], r.config["protocol"]["novel_stimuli"])
