// Package meanfield is the static mean-field theory (MFT) of the rate
// attractor memory of Pereira & Brunel (Neuron 2018): retrieval and
// background states at a memory load α = p/K, their stability, the storage
// capacity α_c (two definitions), the step-function limit of Supplementary
// Fig S7, and parallel sweeps (α_c vs β_g, x_g, A, coding level; overlap
// vs α). Specification: shared/specs/pereira-brunel.md §2 and §4.
//
// φ, f and g, their presets and the centring of g come from package ratefn;
// nothing here redefines them.
//
// # Equations (spec §2.1, diluted limit c → 0, K → ∞)
//
// While pattern 1 is retrieved, a neuron whose own pattern-1 current is x
// receives h = a(x) q + √Δ z with a(x) = A f(φ(x)) and x, z ~ N(0,1):
//
//	q = ⟨g(φ(x)) φ(a(x) q + √Δ z)⟩          overlap equation (q in Hz)
//	Δ = αγ⟨r²⟩,  γ = A² E[f²] E[g²]          crosstalk variance
//	m = q / √(E[g²] Var r)                  reported overlap (§1.8)
//	λ = αγ⟨φ′(h)²⟩                          chaos criterion (§2.3): λ < 1 fixed point
//
// ⟨·⟩ is the average over (x, z). Because E[g] = 0, q = 0 always solves the
// overlap equation: that is the background state, with Δ = αγ⟨φ(√Δ z)²⟩.
//
// # Algorithms
//
// The retrieval branch is followed in Δ: at each Δ the largest stable root
// of R(q) = T(q) − q (the root fixed-point iteration from large q reaches) is
// found by safeguarded Newton steps, and α(Δ) = Δ/(γ⟨r²⟩). Steps double up
// to Options.MaxDeltaStep (or 5 % of Δ); the end of the branch is located to
// Options.DeltaTol as the zero of the height of the hump of R (a fold), or
// by bisection when q falls below Options.QLoss = 0.01 Hz.
//
//   - Solve(tf, rule, α) returns the retrieval state at the smallest Δ with
//     α(Δ) = α (the part of the branch connected to α → 0) and the
//     background state. Beyond the branch, Retrieval.Exists is false and the
//     other fields repeat the background (m = 0), as the original curve.
//   - Capacity returns AlphaC, the maximum of α(Δ) on the branch (the
//     existence limit: physical), and AlphaCScan, the original code's rule
//     (Δ = 0.01, 0.02, …; α at the last Δ with q > 0.01). At the medians:
//     0.5601 and 0.5535 (R4). ScanFold (default) reads AlphaCScan off the
//     located branch end; ScanLiteral runs the original loop.
//   - StepCapacity is the S7 step limit (§2.4) in Δ = α⟨r²⟩ on the original
//     log grid, Ā = +Inf giving the Heaviside limit α_c = (E[g²]/E[f²])/π.
//     StepParams.BugCompatible reproduces the original's missing factor m.
//   - Options.FiniteK and Options.C add the O(1/K) variance a(x)²(1−c)⟨g²r²⟩/K
//     of the retrieved pattern's own term (spec §4 notes) to compare with
//     simulations (at A = 3.5506, K = 250, c = 0.005: m = 0.968 at α = 0.04).
//     The finite-K states form a curve followed in q (finitek.go); Solve,
//     OverlapCurve and Capacity use it. Its retrieval part ends at the first
//     maximum of α — the finite-K α_c: 0.5554 (K = 2500) and 0.5196
//     (K = 250) at the medians — or, where α(q) has no maximum (A = 10.65,
//     K = 250), at the crossover where m falls fastest (α_c = 0.2784,
//     CapacityResult.Crossover).
//
// # Integration grids and accuracy
//
// The x-dependence enters only through a(x) and g(φ(x)), precomputed once
// per solve on the x nodes; φ is written as c0 + c1·σ(k(h − h0)), so that
// e^{−k(a q − h0)}·e^{−k√Δ z} factorises and the inner loop has no exp.
//
//   - AccurateGrid (default): 8-node Gauss–Legendre panels of width 0.25 on
//     x ∈ [−8.5, 8.5] (544 nodes), refined geometrically down to half the
//     transition width around the thresholds of f∘φ and g∘φ when they are
//     steep (e.g. β_g = 100/Hz); 100 Gauss–Hermite nodes in z, replaced by
//     Gauss–Legendre panels of width 1.5/(k√Δ) when k√Δ > 4. Relative
//     accuracy of every average ≤ 1e-6 against a brute-force midpoint
//     reference (TestGridAccuracy; ≤ 1e-9 for ⟨g r⟩, ⟨r²⟩ at the medians).
//     q_g, E[f²], E[g²] and γ are recomputed on this x rule (identical to
//     ratefn.Rule.Centre for smooth rules; correct also for step-like g).
//   - OriginalGrid: the original 200 × 200 Riemann sum, x, z ∈ [−10, 10)
//     step 0.1. It reproduces the published numbers where the coarse grid
//     matters: α_c = 0.4578 and 0.4368 at β_g = 10 and 100 (R5; the
//     converged values are 0.482 and 0.477) and m = 0.9505 at α = 0.005,
//     A = 10.65 (R7; converged 0.9523).
//
// # Options and results
//
// All functions take *Options (nil = defaults, documented per field) and
// return plain structs that carry Converged and the resolved Settings.
// Invalid input (α ≤ 0, A ≤ 0, NaN parameters, a g that cannot be centred)
// returns an error; a solve that fails to converge returns its partial
// result with Converged = false and an error. Sweeps run Options.Workers
// goroutines, compute each point independently and write it by index, so
// their output does not depend on the worker count; a failing point carries
// its error text. Nothing prints; Options.Progress receives (done, total).
//
// # Example
//
//	tf, rule := ratefn.MedianTransfer(), ratefn.MedianRule()
//	c, err := meanfield.Capacity(tf, rule, nil)
//	// c.AlphaC = 0.5601 (branch maximum), c.AlphaCScan = 0.5535 (original)
//	res, err := meanfield.Solve(tf, rule, 0.12, nil)
//	// res.Retrieval.M = 0.976, res.Background.MeanRateHz = 9.37
//
// # Tests and benchmarks
//
//	go test ./theory/meanfield/                      # ≈ 20 s: R2, R4–R8, R11–R13, finite K
//	go test -short ./theory/meanfield/               # ≈ 11 s: without the slow finite-K tests
//	ENGRAM_LONG=1 go test ./theory/meanfield/        # + full R5/R6 sweeps, literal-scan check
//	go test -run '^$' -bench . ./theory/meanfield/   # BenchmarkCapacityMedian, …
package meanfield
