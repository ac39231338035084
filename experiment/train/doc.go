// Package train is the experiment "train": a spiking RNN of LIF/ALIF
// neurons (learn/eprop) trained by e-prop or exact BPTT on one of four
// tasks (spec eprop.md):
//
//   - pattern: the pattern-generation tutorial (§9), a readout learns a
//     sum of sines from frozen noise, with the rate regulariser;
//   - evidence: the evidence-accumulation tutorial (§9, ALIF, 2 readouts);
//   - target-rate: the talk's rate target (§8) — per-neuron and per-bin
//     population-rate losses, typically on the L2/3 E/I preset with Dale's
//     law; reports the silent fraction (the "sparse response");
//   - variance: the slides' loss on the variance of the global rate (§6),
//     made exact; reports the measured Var/E of the population count
//     against the branching prediction 1/(1 − m̂²), m̂ by multistep
//     regression (criticality.md §2).
//
// Config sections:
//
//	[network]  task, preset, n_in, n_rec, n_out, n_alif, convention, readout, dt_ms, tau_m_ms, tau_a_ms,
//	           tau_out_ms, v_th, beta, gamma_pd, n_ref, init_*_gain, init_out, p_in, seed
//	[input]    rate_hz, frozen
//	[train]    method, feedback, feedback_scale, feedback_decay, optimizer, lr, iterations, batch, steps,
//	           train_in, train_rec, train_out, checkpoint_every, resume_from, eval_trials,
//	           validate_every, stop_error, stop_batches (the evidence tutorial's early stop)
//	[loss]     regression_coef, classification_coef, rate_* , pop_rate_*, var_*, branching_*
//
// Run directory:
//
//	res/learning_curve.tsv    loss (total and per term) and rate per iteration
//	res/branching_curve.tsv   m̂ of the training batch (MR, conventional, naive) at ~50 iterations
//	res/validation_curve.tsv  evidence task: error on a fresh batch every train.validate_every
//	                          iterations, and the confirming batches' mean error
//	figs/learning_curve, rate_curve, branching_curve, raster_before, raster_after, rates_hist, weights_<block>, output (pattern)
//	rec/checkpoint.gob        weights, feedback, optimiser and EMA state, curve (every train.checkpoint_every
//	                          iterations and at the end); train.resume_from continues bit-identically
//
// Inputs are drawn from streams keyed by (seed, iteration, trial), so a
// resumed run sees the same inputs as an uninterrupted one.
//
// Tests: go test -short (seconds); without -short the target-rate run on
// the L2/3 preset (≈ 10–30 s); ENGRAM_LONG=1 adds the variance-loss
// ordering test and EP-8 (the evidence example stops by the tutorial's
// criterion within 2000 iterations; minutes).
//
// Registered as experiment "train"; examples/eprop-*.toml.
package train
