// Package spike simulates plastic networks of spiking point neurons: LIF,
// ALIF (adaptive threshold) and AdEx neurons with delta, current-based
// exponential or conductance-based (COBA, optionally with an NMDA-like
// slow conductance and a spike-triggered threshold jump) synapses, spike
// sources (Poisson with rate schedules, given spike times), per-projection
// delays, STDP and homeostatic plasticity, Poisson, white-noise, constant,
// step and Ornstein–Uhlenbeck inputs, in float32 struct-of-arrays state,
// allocation-free steps and results that are bit-identical for any number
// of workers.
//
// # Building and running
//
// A network is described by plain data (Spec: populations, groups,
// projections with their plasticity rules, inputs) and built once:
//
//	s := spike.COBASTDPSpec()              // COBA benchmark + pair STDP on E→E
//	net, err := spike.Build(&s, &spike.Options{Workers: 2})
//	if err != nil { … }
//	defer net.Close()
//	for step := 0; step < 10000; step++ {   // 1 s at dt = 0.1 ms
//		if err := net.Step(); err != nil { … } // checker: NaN/Inf, runaway rate
//		for k := range net.Populations() { use(net.Spiked(k)) }
//	}
//
// Monitors (package model/spike/monitor) record spikes, state variables,
// rates and weights at the record phase of the step. Presets:
// LIFNoiseSpec (the Siegert setting), BrunelASpec (Brunel 2000 model A),
// COBASpec and CUBASpec (Brette et al. 2007), COBASTDPSpec (Brian2's COBA
// + STDP benchmark), Zenke2013Spec (Auryn's plastic benchmark),
// Vogels2011Spec (inhibitory plasticity), L23Spec with L23AllenMacLeanSpec
// and L23Allen2022Spec (the seed slides' E/I network, probabilities read
// from X to Y); Preset(name) looks them up by name.
//
// # The step as data
//
// Step runs an ordered list of entries, each registered at a Phase:
//
//	input      schedules and external events; traces; arrivals (the weights of
//	           spikes emitted D steps ago are read and enter the synaptic input);
//	           Poisson drive
//	integrate  V and synaptic state over dt, threshold and reset (pre-reset V kept)
//	deliver    this step's spikes enter each population's spike history
//	plasticity event-driven rules (presynaptic arrivals, postsynaptic spikes)
//	periodic   periodic operators (rate homeostasis, scaling)
//	record     monitors (Net.AddTask)
//	check      NaN/Inf of state and weights, runaway rate
//
// Net.Schedule returns that list (what Step iterates) and Schedule(spec)
// the list a spec would build, without building it; `engram describe`
// prints the latter. Consecutive parallel entries share one pass over the
// workers; each worker owns a contiguous range of every population (and of
// every projection's postsynaptic population), so every state variable and
// every weight is written by one worker in a fixed order.
//
// # Units and equations
//
// Potentials in mV, times in ms, rates in Hz. Currents are the voltages R·I
// they produce (mV); conductances are in units of the leak conductance g_L:
//
//	delta: τ_m dV/dt = −(V − E_L) + I_ext;  a spike of weight w adds ±w to V
//	exp:   τ_m dV/dt = −(V − E_L) + I_ext + I_e + I_i;  τ_s dI/dt = −I, I ± w
//	coba:  τ_m dV/dt = −(V − E_L) + I_ext + g_e(E_e − V) + g_i(E_i − V), g += w
//	       (with tau_nmda_ms: g_e = (1 − f)g_AMPA + f g_N, τ_N dg_N/dt = g_AMPA − g_N)
//
// Integration: linear parts exactly (delta, exp: the exact propagator
// including the synaptic current, NEST-style); COBA by the exponential
// midpoint rule (V exact over the step with the conductances frozen at
// their mid-step value; second order, 0.01 % PSP error at dt = 0.1 ms);
// AdEx freezes the exponential term and w over a step. White noise in the
// Brunel convention is an exact OU increment σ√((1 − e^{−2dt/τ})/2)·N(0,1),
// optionally with a Brownian-bridge threshold-crossing correction.
//
// Refractoriness: n_ref = round(τ_ref/dt) steps after the emission step.
// With reset by value V is clamped at V_reset during them and arriving delta
// inputs are discarded (Brunel, NEST); with reset by subtraction V keeps
// integrating and only spikes are suppressed (e-prop). So a neuron that
// spikes in step m is released at the end of step m + n_ref, exactly τ_ref
// after its spike time (m + 1)·dt. (Brian2 releases one step earlier;
// TestBrianTwoNeuronTiming reproduces Brian2's spike steps once that and
// its start-of-step conductances are matched.) A threshold jump
// (threshold_jump_mv) is Auryn's relative refractoriness instead.
//
// # Spike times and delays
//
// A spike emitted in step m has time (m + 1)·dt. With delay D steps it acts
// on the postsynaptic neuron at the end of step m + D, exactly D·dt later;
// its weight is read in the input phase of step m + D, after the
// plasticity of step m + D − 1. The delay is axonal by default: plasticity
// sees the presynaptic spike at the synapse in step m + D and a
// postsynaptic spike of step m in step m. A projection's
// dendritic_delay_ms moves d of the D steps to the dendrite: presynaptic
// spikes reach the synapse after D − d steps, postsynaptic spikes after d
// (NEST's convention is all dendritic).
//
// # The synapse store and the sign convention
//
// Each projection holds one weight array in delivery order (pre-major:
// Projection.ColPtr, PostIdx, W) and, when plastic, a post-side index of
// positions into it (PostIndex): no second copy of any weight. Weights are
// magnitudes ≥ 0 everywhere (specs, store, snapshots); the sign of the
// effect is the presynaptic population's (Dale's law), applied on
// delivery. Static projections with constant weights store no weight
// array (WConst) unless EnsureWeights is called. WriteNPZ exports a
// projection as a scipy CSR matrix of shape (N_pre, N_post), row =
// presynaptic neuron.
//
// # Plasticity
//
// Rules (RuleSpec, per projection, applied in order): pair (all-to-all or
// nearest), gutig (weight-dependent), vanrossum, triplet (all-to-all or
// nearest, with the Zenke 2013 sliding threshold), istdp (Vogels 2011),
// homeostasis (Zierenberg et al. 2018) and scaling, each with hard bounds
// and optional active windows. Traces are per neuron, owned by the
// population and shared by rules with the same τ, delay and kind; when a
// presynaptic arrival and a postsynaptic spike fall in the same step both
// updates use the traces' values from before their own increment (t − ε),
// the arrival's first. Traces are stored as sums scaled to a base time, so
// a step costs its events, not the population size (see trace).
//
// The memory models' mechanisms (stdp-memory.md §2; presets LKD2014Spec
// and ZAG2015Spec, names lkd2014 and zag2015):
//
//   - vstdp: Clopath-type voltage STDP (Litwin-Kumar & Doiron 2014) on AdEx
//     posts: LTD at presynaptic arrivals from the low-passed voltage ū₋, LTP
//     at every step with V above θ_LTP from ū₊ and the presynaptic trace.
//     The LTP is lazy: per postsynaptic neuron a running sum K_i of its LTP
//     drive is kept, and a synapse takes what accrued since its last
//     settlement when its weight is next read (arrival, delivery,
//     normalisation, trace rescale, Projection.Weight); the result equals
//     the per-step update up to float rounding (TestFastKernelsMatchGeneric
//     and the naive float64 reference in memory_rules_test.go).
//   - normalize: additive row-sum normalisation every period_ms (the
//     periodic phase), with tracked row sums, so that Σ_j w_ij stays at
//     its target exactly (error diffusion of the float32 rounding).
//   - p10: Zenke, Agnes & Gerstner's rule — minimal-triplet LTP, pair LTD,
//     the cubic heterosynaptic pull towards the consolidated reference w̃,
//     transmitter-induced δ; w̃ relaxes on the bistable ODE every
//     consolidation_period_ms (the periodic phase).
//   - global_istdp: inhibitory STDP gated by a slow estimate of the whole
//     postsynaptic population's rate against κ (updated before the step's
//     events, the prestep entry).
//   - Tsodyks–Markram short-term plasticity per presynaptic neuron
//     (ProjectionSpec.STP; depression u, x in Auryn's update order, or
//     facilitate_first), a serial schedule entry before delivery.
//
// A rule with off = true is built (its traces run, checkpoints restore it)
// but never changes a weight: the baseline, recall and ablation runs.
// Conductances may have rise times (difference of exponentials of unit
// area) and COBA neurons up to two spike-triggered adaptation
// conductances (Auryn's AIF); those paths have AVX2 kernels on amd64
// (dispatched at run time, generic Go elsewhere, bit-identical results).
//
// # Determinism, checkpoints, memory, speed
//
// Every random number comes from a stream keyed by name and purpose
// (rng): masks per (projection name, row), weights per (projection name,
// pre neuron), initial state per (population name, neuron), Poisson drive
// per (input name, neuron), spike sources per population name, group and
// cue membership per group or input name. Adding a population, a
// projection or an input leaves every other draw unchanged (tested), and
// runs are bit-identical for any worker count (tested, with plasticity).
// Net.Save and Net.Restore checkpoint the whole dynamic state — neuron
// state, spike history, every random stream, weights, traces and rule
// state — in a versioned format with a checksum and hashes of the network
// and of the whole spec; a checkpoint of another network, or a corrupted
// one, is refused, and resuming is bit-identical (tested). Memory:
// BytesPerSynapse (8 B; 4 B for constant static weights, 16 B plastic),
// Spec.EstimateBytes bounds the construction peak. On amd64 the neuron
// update, spike delivery and the postsynaptic row updates run AVX2 or
// scalar assembly kernels chosen at run time (ENGRAM_NO_AVX=1 selects the
// portable Go loops, which give the same bits).
package spike
