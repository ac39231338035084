// Package rate simulates the recurrent rate network of Pereira & Brunel
// (Neuron 2018):
//
//	τ dr_i/dt = −r_i + φ(I_i(t) + Σ_j W_ij r_j),
//	W_ij = (A / K) c_ij Σ_μ f(φ(ξ_i^μ)) g(φ(ξ_j^μ)),   K = cN,
//
// with φ, f, g from package ratefn (f postsynaptic, only g centred), c_ij a
// sparse random mask (package conn; the normalisation is the mean in-degree
// K, not the actual one) and ξ^μ the stored pattern currents (package stim).
//
// # Building
//
// Factors computes F = f(φ(ξ)) and G = g(φ(ξ)) once; BuildWeights fills the
// mask's weights in parallel as per-row dot products of length p (cost
// ∝ nnz·p; 12.5 M synapses × p = 140 takes a few seconds). BuildOnline
// accumulates pattern by pattern with an optional decay (palimpsest); with
// decay 0 it equals BuildWeights up to float32 rounding.
//
// # Integrating
//
// Sim holds float32 struct-of-arrays state and advances it with forward
// Euler (the paper: dt = 0.5 ms, τ = 20 ms), exponential Euler
// (r ← φ + (r − φ) e^{−dt/τ}, exact for frozen input) or Heun's RK2 (two
// matvecs per step). The Euler and exponential steps are a single fused
// pass: each row's recurrent input is computed from the previous state and
// the new rate written to a second buffer, so one barrier per step; every
// row is computed by exactly one goroutine with a fixed summation order, so
// results are bit-identical for any worker count. The matvec uses W's
// conn.Tiled view (Model.Kernel: built once per Model on the first Sim and
// shared; call Model.ResetKernel after changing W in place), which keeps
// the gathered rates in L1 and is ≈ 1.5–2.5× faster than the plain CSR
// kernel (bench/RESULTS.md). Optional input noise of
// SD NoiseSD (dimensionless current, fresh each step) comes from keyed
// streams per block of 4096 neurons.
//
// Sim.Lyapunov tracks a perturbed twin trajectory (Benettin's method) to
// estimate the largest Lyapunov exponent. With the Euler schemes the twin
// is advanced in the same pass over W as the state
// (conn.Tiled.MulVec2Range, bit-identical to two passes), which costs
// ≈ 1.3–1.8 single passes instead of 2; with RK2 it doubles the cost.
//
// Lockstep pairs two Sims of one model, each stepped from its own
// goroutine, so that each step reads W once for both (the same bits as
// stepping them alone): trials of one network with the same timing.
//
// PatternCouplings gives the per-pattern gains λ_μ = (A/N) Σ_i φ′(h_i) f g
// of the linearised dynamics at a state: their mean is the mean-field
// background stability parameter A⟨g f φ′⟩, their finite-N spread decides
// which pattern a marginal background condenses into.
//
// Building and running a network (ExampleSim is this snippet complete,
// compiled and run by go test):
//
//	st, err := rule.Centre(tf)                          // q_g such that E[g] = 0
//	fc := rate.ComputeFactors(pat, tf, st.Rule, 2)      // pat from stim.Gaussian
//	err = rate.BuildWeights(mask, fc, st.Rule.A/k, 2)   // mask from conn.Bernoulli, k = cN
//	m, err := rate.NewModel(tf, mask)
//	s, err := rate.NewSim(m, rate.DefaultDynamics(), rate.SimOptions{Workers: 2, Seed: 1})
//	defer s.Close()
//	copy(s.Ext, cue)                                     // external current I(t)
//	for k := 0; k < 1000; k++ { s.Step() }
//
// Memory: BuildBytes bounds a network build with its matvec view, SimBytes
// what each Sim adds; experiments add their recordings.
//
// Units: time in ms, rates in Hz, currents dimensionless.
package rate
