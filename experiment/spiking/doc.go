// Package spiking is the "spiking" experiment: it builds a spiking network
// (model/spike) from a TOML config, runs it, streams spikes and state
// samples to .npy, and reports per-population rate, CV of ISI and Fano
// factor with raster, population-rate, rate and CV figures.
//
// # Config
//
//	experiment = "spiking"
//	[network]            seed, dt_ms
//	[[population]]       name, n, sign ("exc"/"inh": Dale's law)
//	  [population.neuron] model, synapse, reset, tau_m_ms, e_l_mv, v_th_mv, …
//	  [population.init]   v_lo_mv, v_hi_mv, ge_mean, ge_sd, gi_mean, gi_sd
//	[[projection]]       pre, post, rule, p, k, autapses, multapses, delay_ms
//	  [projection.weight] dist, mean, sd, log_mu, log_sigma, scale
//	[input]              mu_mv, sigma_mv, targets, bridge (white noise)
//	  [[input.poisson]]   target, n_sources, rate_hz, weight, sign
//	  [[input.current]]   target, kind (constant/step/ou), amp_mv, …
//	  [[input.spike_file]] target, path (.npy (n,2) or .tsv: time_ms, id), weight, sign
//	[brunel]             g, eta: Brunel 2000 model A knobs (see below)
//	[run]                duration_ms, transient_ms, checkpoint, resume_from
//	[record]             spikes (all/count/none), spike_neurons, state_vars, …
//	[check]              disable, max_rate_hz, window_ms
//
// Defaults() is the lif-noise setting (unconnected Brunel LIF neurons under
// white noise μ = 15 mV, σ = 5 mV); PresetConfig(name) gives every
// model/spike preset; examples/{lif-noise,brunel-ai,brunel-ai-fluct,
// brunel-sr,coba,cuba,l23-allen-maclean,l23-allen-2022}.toml spell them out.
//
// # Brunel knobs
//
// brunel.g sets the weight of every projection from an inhibitory
// population to −g·J (J: the common constant excitatory projection
// weight, 0.1 mV in model A); brunel.eta sets every Poisson rate to
// η·ν_thr, ν_thr = θ/(w·n_sources·τ_m) (Brunel's θ/(J C_E τ) = 10 Hz).
// A knob and the value it derives may not both be set (the weight.mean of
// inhibitory projections and input.poisson rate_hz stay unset, 0): that is
// an error naming the key, as are g < 0 and η ≤ 0. Spec() applies the
// knobs without changing the config, so config.resolved.toml keeps them;
// Derived() (printed by `engram describe` and in the report) lists the
// resolved values with units and, for model A, the self-consistent
// mean-field rate, μ, σ and CV of ISI (theory/siegert).
//
// # Outputs
//
//	rec/spikes.npy            int64 (n_spikes, 2): step after the transient, global neuron id
//	rec/state_<var>_<pop>.npy float32 (samples, neurons), every state_every_steps in [state_from_ms, state_to_ms)
//	rec/rates_hz.npy          float32 (bins, populations): population rates in rate_bin_ms bins (Hz), streamed as each bin closes
//	rec/populations.tsv       population index, global id offset, size
//	rec/checkpoint.gob        final state (run.checkpoint); run.resume_from continues from it bit-identically
//	figs/raster, population_rate, rate_hist, cv_hist (.png/.svg/.tsv)
//
// The summary holds populations.<name>.{rate_hz, cv_isi, fano,
// pop_rate_cv, n, spikes} (plus siegert_rate_hz and siegert_cv_isi for
// unconnected noise-driven LIF populations and for model A with both
// knobs, where they are the self-consistent mean-field values), mean_field
// {rate_hz, mu_mv, sigma_mv, cv_isi, g, eta} for model A, wall_s, steps,
// build_s, sim_s, sim_s_per_bio_s and synapses. pop_rate_cv is the CV of
// the population rate over the full rate bins, a synchrony measure
// (≈ 1/√(N·ν·bin) for independent Poisson neurons). Statistics are
// accumulated online (per-neuron counts, ISI moments and window counts)
// and recordings are streamed, so memory does not grow with the run
// length (the population-rate figure keeps ≤ 2000 points per population)
// and "count" mode needs no spike storage.
package spiking
