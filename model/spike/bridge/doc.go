// Package bridge is the rate-limit bridge from a spike-timing-dependent
// plasticity rule to the Pereira–Brunel rate memory (spec stdp-memory.md
// §4): the drift D(ν_post, ν_pre) = ⟨ẇ⟩ of a rule of model/spike under
// independent Poisson pre/post trains, its separability D ≈ f(ν_post)
// g(ν_pre), and, for binary patterns, the rule's place in the step family
// of pereira-brunel.md §2.4 with its mean-field capacity (theory/meanfield).
//
// # Drift
//
// DriftMatrix evaluates D on a rate grid (rows ν_post, columns ν_pre, in
// weight units per second) either by the rule's Poisson-limit closed form
// (ClosedForm: pair, triplet, gutig, vanrossum, istdp, p10; spiking-
// networks.md §4, stdp-memory.md §4.2) or measured open loop with the
// engine's own rule (Options.Method = MethodMeasured): Options.Synapses
// independent synapses per grid point, each between its own Poisson source
// and Poisson "post" neuron, for Options.DurationS after a warm-up, the
// weights reset to Options.W after every step's plasticity and the
// increments accumulated (§4.4 step 1). The P10 rule is measured at
// w = w̃, where its heterosynaptic term vanishes (the Hebbian part).
// Voltage-based STDP (vstdp, LKD 2014) has no closed form: its
// postsynaptic neurons are LKD's E neurons (AdEx, COBA) driven by an
// external Poisson input whose rate is calibrated to each ν_post (a scan
// of drives, log-log interpolation, two secant refinements; the achieved
// rates are reported in Drift.PostAchievedHz), and the plastic synapse
// transmits only 1e-9 of its weight, so that pre and post stay
// independent. Row and population-rate rules (normalize, homeostasis,
// scaling, global_istdp) have no pairwise drift: they are errors.
//
// With the engine's LKD neuron and rule, D is separable (σ₁²/Σσ² =
// 0.999995 on the 6 × 6 grid 1–40 Hz, 100 synapses × 5 s) and changes
// sign with ν_post: depression below ≈ 15 Hz (D(5, 5) ≈ −3.6e-3 per s),
// potentiation above (D(40, 40) ≈ +0.140 per s), the Clopath-type
// rate dependence; for the default two-rate patterns (2 and 30 Hz,
// p = 0.05) it maps onto the step family with q_f ≈ 0.73 and
// alpha_c_mft ≈ 0.159. (Measured after a fix of the engine's lazy LTP,
// which before lost the LTP accrued after ≈ 0.5 s without a normalisation
// pass and made D negative everywhere.)
//
// # Separability and the step family
//
// Separate computes the SVD of D: the index σ₁²/Σσ² (1 = separable) and
// f = σ₁u₁, g = v₁ (unit norm, sign: g increasing). MapStep maps binary
// patterns (ν_lo for non-members, ν_hi for members, coding level p) to
// the step family: q_f = f(ν_hi)/(f(ν_hi) − f(ν_lo)), Δq = 1 − p − q_f,
// valid only if f(ν_lo) < 0 < f(ν_hi) (otherwise InFamily is false and
// Reason says "no depression at ν_lo" or why), and the large-gain capacity
// α_c = (E[g²]/E[f²])/π with E[g²] = p(1 − p), E[f²] = p q_f² +
// (1 − p)(1 − q_f)² (AlphaCMFT), checked against meanfield.StepCapacity at
// Ā = ∞ (AlphaCStep). Run does all of it: the drift on the grid and at
// ν_lo, ν_hi (f and g there are projections of D's rows and columns on g
// and f), the SVD, the step family and g − E[g] over the pattern.
//
// # Example
//
//	rs, _, _ := bridge.RuleFrom("zag2015") // the P10 rule of the E→E projection
//	res, err := bridge.Run(rs, []float64{1, 2, 5, 10, 20, 40},
//		&bridge.Pattern{NuLoHz: 2, NuHiHz: 30, P: 0.05}, nil)
//	// res.Separability.Index = 1, res.Step.QF = 0.990260,
//	// res.Step.AlphaCMFT = 0.307807 (stdp-memory.md §4.4 table)
//
// Rule sources: RuleFrom takes a rule name with its defaults, the
// minimal triplet (θ = 3 Hz) or a network preset; LoadRuleFile reads a
// RuleSpec TOML strictly. Bad input (empty grid, rates ≤ 0 or not finite
// or repeated, unknown rule, ν_lo ≥ ν_hi, p outside (0, 1)) is an error
// naming the value. Nothing prints; Options.Progress receives simulation
// steps. Results are deterministic for a seed and independent of
// Options.Workers.
package bridge
