// Package ratefn holds the pure functions of the rate attractor memory of
// Pereira & Brunel (Neuron 2018): the transfer function φ, the separable
// learning-rule factors f (postsynaptic) and g (presynaptic), their Gaussian
// averages over input currents ξ ~ N(0,1), and the 14 ITC parameter sets of
// the original fits with their medians as named presets.
//
// It imports no simulator, so the network (package rate), the mean-field
// theory and the Lim et al. inference all share one definition.
//
// # Conventions (spec: shared/specs/pereira-brunel.md §1)
//
//   - Input currents h are dimensionless, in units of the SD of the input to a
//     novel stimulus; rates are in Hz; β_f, β_g are in 1/Hz; x_f, x_g in Hz.
//   - φ(h) = r_max / (1 + exp(−β (h − h0)))   (Sigmoid kind; the default)
//     φ(h) = (r_max/2)(2q − 1 + tanh(β (h − h0)))   (Tanh kind)
//   - f(r) = ½[2 q_f − 1 + tanh(β_f (r − x_f))] is the postsynaptic factor,
//     g(r) = ½[2 q_g − 1 + tanh(β_g (r − x_g))] the presynaptic one:
//     ΔW_ij ∝ f(r_i) g(r_j) with i postsynaptic.
//   - Only g is centred: q_g solves E_ξ[g(φ(ξ))] = 0. Because g is affine in
//     q_g, q_g = ½(1 − E[tanh(β_g(φ(ξ) − x_g))]) in closed form.
//   - γ = A² E[f²] E[g²] (with the A²).
//
// # Example
//
//	tf, r := ratefn.MedianTransfer(), ratefn.MedianRule()
//	c, err := r.Centre(tf) // sets r.G.Q so that E[g(φ(ξ))] = 0
//	if err != nil { ... }
//	fmt.Printf("q_g=%.6f gamma=%.6f\n", c.Rule.G.Q, c.Gamma) // q_g=0.950998 gamma=0.020983
//
// All types are plain values; nothing is mutated in place.
package ratefn
