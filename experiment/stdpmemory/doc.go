// Package stdpmemory is the "stdp-memory" experiment: an associative
// memory trained by spike-timing-dependent plasticity in the E/I network
// of Litwin-Kumar & Doiron 2014 (stdp-memory.md §3: presets lkd-demo,
// lkd2014, lkd-bistable — lkd-demo without adaptation and with E→E bounded
// at 2 J_EE, the one that holds delay activity — or any spiking config
// file with populations E and I and an E→E projection) or of Zenke, Agnes
// & Gerstner 2015 (zag2015, below). Random assemblies of
// the E population (analysis/assembly) are imprinted by extra Poisson
// drive, consolidated under spontaneous activity with all plasticity on,
// and recalled from partial cues.
//
// # zag2015
//
// With network.preset = "zag2015" (Zenke, Agnes & Gerstner 2015,
// stdp-memory.md §1.2; model/spike ZAG2015Spec) the memories enter
// through the input: a pattern is a set of the 4096 input channels (the
// Poisson source population S, 5 Hz background, receptive-field discs
// onto E) — a disc of f·4096 channels at a random centre (zag.shape =
// "disc", a compact shape like ZAG's images) or random channels — and a
// presentation or cue raises its channels' rate (rate inputs on groups of
// S; phases.imprint.rate_hz = 25 is ZAG's stimulus scale). Cues raise a
// random fraction c of the pattern's channels. The assembly of pattern k
// is defined post hoc at the end of the imprinting phase (§3.3): the E
// neurons whose rate during k's presentations (the last
// zag.assembly_blocks blocks, default all) exceeds the mean over E
// neurons by zag.assembly_sd = 2 SD. Until then the overlaps are NaN and
// the weight samples are held as copies and evaluated on the assemblies
// once they are known; weight ratios, overlaps, success and selectivity
// refer to them (res/summary.json's zag block lists their sizes and
// thresholds, the input→E weights from each pattern's channels onto its
// assembly and onto the rest, and the checker's maximum per phase). ZAG's
// rate checker stops the run when the E rate low-passed with 100 ms
// exceeds zag.max_e_rate_hz = 20 Hz; zag.ablate switches off the
// heterosynaptic term, the transmitter-induced term, consolidation or
// the iSTDP (SM-11). A resumed zag2015 run must start at settle or
// imprint (the assemblies need the imprinting presentations).
//
// # Protocol
//
// The phases run in this order, each a named, configurable segment
// ([phases.<name>]: start_ms (−1: after the previous phase), duration_ms,
// plasticity = the rules acting in it):
//
//	warmup       plasticity off; the E rate must lie in [check.warmup_min_hz, warmup_max_hz]
//	settle       iSTDP on, E→E plasticity off (homeostatic settling)
//	imprint      blocks of every assembly in a shuffled order, never the same twice in a row:
//	             +rate_hz of external Poisson drive on the members for on_ms, then off_ms
//	consolidate  spontaneous activity, all plasticity on
//	recall       for each assembly, cue fraction and trial (shuffled): +rate_hz on a random
//	             fraction c of the members for cue_ms, a delay_ms delay, gap_ms of rest
//
// Imprinting and recall can end each presentation / delay with a
// non-selective reset (reset_ms of +reset_rate_hz Poisson drive onto the I
// population): in a bistable network it ends the state the delay held, so
// every trial starts from the background and an imprinted assembly does not
// keep potentiating itself through the interval.
//
// # Controls (stdp-memory.md §3.5)
//
// [control] transforms the E→E matrix at the start of a phase (at_phase,
// default recall): kind = "shuffle" permutes the weights within each
// synapse class (analysis/assembly.ShuffleWithinClasses: within an
// assembly, between assemblies, from one, onto one, rest; pooled over the
// assemblies), kind = "shuffle-all" permutes every E→E weight (R ≈ 1),
// kind = "impose" sets the Amit–Brunel structure: J₊·J0 within
// assemblies, Brunel & Wang's rate-conserving J₋ = 1 − f(J₊ − 1)/(1 − f)
// times J0 on the other synapses onto members, J0 onto non-members
// (analysis/assembly.Impose; on an
// untrained network, imprint.blocks = 0, it is the static baseline whose
// success versus J₊ gives R*), and reset_inhibition sets the I→E weights
// back to the preset's value (undoing iSTDP). The summary's "control"
// object reports J0, J₊, J₋, f, the fraction of weights moved, R before,
// and the I→E means. A control is refused on an E→E projection with a p10
// rule (its per-synapse reference weights would pull the matrix back).
//
// The whole protocol is laid out before the run as plain model/spike data:
// assemblies are groups <name>k of E, imprinting and cues are Poisson
// inputs with rate schedules (spike.Blocks shuffles the imprinting), and
// every rule's active windows are the phases that list it (a rule listed
// nowhere is built but off). At the end of every phase the network state
// is written to rec/checkpoint_<phase>.gob; run.from_checkpoint with
// run.from_phase runs the later phases on such a checkpoint (the same
// preset, seed and patterns: another network is refused), starting at
// the checkpoint's time — e.g. recall with other cue fractions on a
// consolidated network without re-training (the CLI's --from-checkpoint
// sets it). A run that trips the rate checker stops with an error naming
// the phase, returned as experiment.KeepResults: the CLI keeps the run
// directory with the checkpoints of the phases before it.
//
// Deviations from stdp-memory.md §3.2: the settling phase has a fixed
// duration (the spec: until the E rate is within 10 % of the iSTDP target
// or 60 s; on lkd-demo the rate stays ≈ 1 Hz, below the 3 Hz target, so
// the spec's rule would always run 60 s), and a cue drives each member
// independently with probability c (so the cued count varies around
// c·|k|; res/recall_trials.tsv lists it).
//
// # Metrics (stdp-memory.md §3.4; analysis/assembly)
//
// The assembly weight classes (within, assembly → rest, rest → assembly,
// rest → rest; means over existing E→E synapses) and R = mean_k R_k are
// taken at the start, after every imprinting block, every
// record.weight_every_ms during settling and consolidation, and at the
// end of every phase. The overlaps m_k(t) and Pearson ρ_k(t) of the E rate
// vector (record.bin_ms bins) with every pattern are computed online over
// the whole run. A recall trial succeeds when m of the cued assembly,
// averaged over the bins lying wholly inside the delay, exceeds
// success_m and every other assembly's by margin; the looser m > loose_m
// and spurious recall (another assembly meets the criterion) are
// reported too, and the selectivity (uncued members − non-members, Hz)
// over the delay and, as pattern completion, during the cue.
//
// # Outputs
//
//	res/summary.json            the summary: weight_ratio (R at the start of recall),
//	                            recall.{success, success_loose, spurious, m_cued, m_other_max,
//	                            rho_cued, m_cue_period, selectivity_hz, completion_hz} keyed by cue fraction
//	                            ("0.25"), rates.{E_hz, I_hz} (the consolidation phase), by phase (with
//	                            E_members_hz and E_nonmembers_hz: members of any assembly, the rest),
//	                            info.{mi_cue_bits (PT-corrected; null below P(P+1) trials), mi_cue_bits_pt,
//	                            mi_cue_bits_plugin, mi_cue_bits_channel (symmetric channel with erasures),
//	                            i_elem_bits, bits_per_synapse = α·i_elem, alpha = P/K_EE, chain_plugin_bits: I(C; R̂) ≤
//	                            I(C; R) ≤ H(R) ≤ Σ_k H(r_k) with r_k = [m_k > success_m]} keyed by cue fraction
//	                            (stdp-memory.md §5; I(ξ_i; delay count of neuron i) over uncued neurons)
//	res/weight_ratio.tsv        t_ms, label, R, the four class means and the summed I→E weight
//	                            onto assembly members and onto the other E neurons, over time
//	res/assembly_weights.tsv    the same per assembly, with synapse counts
//	res/recall_trials.tsv       every trial: assembly, fraction, cue time, cued neurons, averaged m, …
//	rec/overlaps.npy, pearson.npy float32 (bins, P); rec/overlap_t_ms.npy bin ends (ms)
//	rec/patterns.npy            uint8 (P, N_E) memberships
//	rec/rates_hz.npy            population and assembly rates per bin (model/spike/monitor)
//	rec/checkpoint_<phase>.gob, rec/weights_E-E_<phase>.npz
//	figs/assembly_weights, weight_matrix, weights_over_time, weight_ratio, overlaps_recall, raster_recall
//	                            (E spikes of the first 8 trials, rows in assembly order), recall_success
package stdpmemory
