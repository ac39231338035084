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
//	  [population.neuron] model (lif, alif, adex, poisson, generator), synapse, reset, tau_m_ms, …
//	  [population.init]   v_lo_mv, v_hi_mv, ge_mean, ge_sd, gi_mean, gi_sd
//	  [population.generator] times_ms, ids (model = "generator")
//	[[group]]            name, population, ids | lo, hi | fraction (assemblies, cue sets)
//	[[projection]]       name, pre, post, rule, p, k, autapses, multapses, delay_ms, dendritic_delay_ms
//	  [projection.weight] dist, mean, sd, log_mu, log_sigma, scale (magnitudes)
//	  [[projection.plasticity]] rule, w_min, w_max, active; [projection.plasticity.<rule>] parameters
//	[input]              mu_mv, sigma_mv, targets, bridge (white noise)
//	  [[input.poisson]]   name, target, group, fraction, n_sources, rate_hz, schedule, weight, sign
//	  [[input.rate]]      name, target (a poisson population), group, fraction, schedule
//	  [[input.blocks]]    name, inputs, start_ms, on_ms, off_ms, blocks, rate_hz, shuffle
//	  [[input.current]]   target, kind (constant/step/ou), amp_mv, …
//	  [[input.spike_file]] target, path (.npy (n,2) or .tsv: time_ms, id), weight, sign
//	[brunel]             g, eta: Brunel 2000 model A knobs (see below)
//	[run]                duration_ms, transient_ms, checkpoint, resume_from
//	[record]             spikes (all/count/none), spike_neurons, state_vars, …, group_rates,
//	                     weight_projections, weights_at_ms, weight_stats, weight_groups, weight_hist_bins
//	[check]              disable, max_rate_hz, window_ms
//	[task]               slots, slot_ms, symbols, population, channel_neurons, n_sources, rate_hz, weight,
//	                     read, k_back, parity_n, test_fraction, readout, lambdas (task phase, below)
//
// Defaults() is the lif-noise setting (unconnected Brunel LIF neurons under
// white noise μ = 15 mV, σ = 5 mV); PresetConfig(name) gives every
// model/spike preset; examples/{lif-noise,brunel-ai,brunel-ai-fluct,
// brunel-sr,coba,cuba,coba-stdp,zenke2013,l23-allen-maclean,l23-allen-2022}.toml
// spell them out. Printed configs (describe, config.resolved.toml) show
// only the neuron fields of each population's model. Durations are
// checked (finite, at least one step, at most MaxSteps), schedules and
// plasticity windows must start inside the run, and the first error
// reported is the user's.
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
// # Task phase
//
// With task.slots > 0 the run continues after the measured period with a
// stream of task.slots random symbols, one per task.slot_ms slot (i.i.d.
// uniform, stream rng.Stimulus "task:symbols"); symbol c switches on extra
// Poisson input to channel c (group task:<c>, the neurons
// [c·channel_neurons, (c+1)·channel_neurons) of task.population). The
// spike counts of each neuron in each slot are the states of a readout
// battery (analysis/readout): the current symbol, the symbol k slots back,
// the parity of the last n symbols, each trained on a random
// (1 − test_fraction) of the slots with λ by cross-validation and tested on
// the rest (criticality.md §6.3; Cramer et al. 2020). The population
// statistics, the spike recording and the rate file cover only the
// measured period, before the task phase. Summary: task.<name>.{acc,
// acc_se, chance, lambda, n_test, n_train} for name = current, kback_<k>,
// parity_<n>, and task.{rate_hz, driven_rate_hz, other_rate_hz,
// read_neurons, slots}.
//
// # Outputs
//
//	rec/spikes.npy            int64 (n_spikes, 2): step after the transient, global neuron id
//	rec/spikes_t_ms.npy       float64 (n_spikes,): spike times (step + 1)·dt in ms after the transient
//	rec/state_<var>_<pop>.npy float32 (samples, neurons), every state_every_steps in [state_from_ms, state_to_ms)
//	rec/state_<pop>_ids.npy, rec/state_t_ms.npy: the recorded local ids, the sample times (ms after the transient)
//	rec/rates_hz.npy          float32 (bins, populations + group_rates): rates in rate_bin_ms bins (Hz), streamed
//	rec/populations.tsv       population index, name, global id offset, size, sign, model
//	rec/weights_<proj>_<t>ms.npz scipy CSR (N_pre, N_post), row = presynaptic neuron, weight magnitudes, at t ms
//	                          from the start of the run: the start, weights_at_ms, the end (plastic projections)
//	res/weight_stats.tsv      t_ms, projection, group, pre, post, n, mean, sd (within/between weight_groups)
//	res/weight_hist.tsv       t_ms, projection, bin_lo, bin_hi, count
//	res/summary.json          the summary below (written by package runner)
//	res/schedule.txt          the per-step schedule the run executed (Net.ScheduleText)
//	res/task.tsv              task, kind, k, accuracy, se, chance, n_test, n_train, lambda, method (task phase)
//	rec/task_symbols.npy      int64 (slots,): the symbol of each slot
//	rec/task_counts.npy       float32 (slots, N): spikes of each task.population neuron in each slot
//	rec/checkpoint.gob        final state (run.checkpoint); run.resume_from continues from it bit-identically
//	figs/raster, population_rate, rate_hist, cv_hist, weights_<proj>, weight_mean_<proj> (.png/.svg/.tsv)
//
// The summary holds populations.<name>.{rate_hz, cv_isi, fano,
// pop_rate_cv, pop_fano, pop_fano_2dt … pop_fano_5dt, sync_chi, mr_m, mr_m_stderr, mr_fit_r2, tau_ac_ms,
// osc_peak_hz, osc_power, n, spikes} (plus siegert_rate_hz and siegert_cv_isi for
// unconnected noise-driven LIF populations and for model A with both
// knobs, where they are the self-consistent mean-field values), mean_field
// {rate_hz, mu_mv, sigma_mv, cv_isi, g, eta} for model A,
// weights.<projection>.{synapses, mean_initial, sd_initial, mean_final,
// sd_final}, groups.<name>.pop_rate_cv, wall_s, steps, build_s, sim_s,
// sim_s_per_bio_s and synapses. pop_rate_cv is the CV of the population
// rate over the full rate bins, a synchrony measure (≈ 1/√(N·ν·bin) for
// independent Poisson neurons); pop_fano, the synchrony sync_chi, the branching ratio mr_m and the
// autocorrelation time tau_ac_ms describe the population activity in the
// rate bins (see activityStats). Recording is done by model/spike/monitor
// monitors attached at the record phase; statistics are accumulated online
// and recordings streamed, so memory does not grow with the run length.
package spiking
