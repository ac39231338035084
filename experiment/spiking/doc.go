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
//	[run]                duration_ms, transient_ms, checkpoint, resume_from
//	[record]             spikes (all/count/none), spike_neurons, state_vars, …
//	[check]              disable, max_rate_hz, window_ms
//
// Defaults() is the lif-noise setting (unconnected Brunel LIF neurons under
// white noise μ = 15 mV, σ = 5 mV); PresetConfig(name) gives every
// model/spike preset; examples/{lif-noise,brunel-ai,brunel-sr,coba,cuba,
// l23-allen-maclean,l23-allen-2022}.toml spell them out.
//
// # Outputs
//
//	rec/spikes.npy            int64 (n_spikes, 2): step after the transient, global neuron id
//	rec/state_<var>_<pop>.npy float32 (samples, neurons), every state_every_steps in [state_from_ms, state_to_ms)
//	rec/rates_hz.npy          float32 (bins, populations): population rates
//	rec/populations.tsv       population index, global id offset, size
//	rec/checkpoint.gob        final state (run.checkpoint); run.resume_from continues from it bit-identically
//	figs/raster, population_rate, rate_hist, cv_hist (.png/.svg/.tsv)
//
// The summary holds populations.<name>.{rate_hz, cv_isi, fano, n, spikes}
// (plus siegert_rate_hz for unconnected noise-driven LIF populations),
// wall_s, steps, build_s, sim_s, sim_s_per_bio_s and synapses. Statistics
// are accumulated online (per-neuron counts, ISI moments and window
// counts), so "count" mode needs no spike storage.
package spiking
