// Package infer estimates a neuron's transfer function φ and the
// postsynaptic factor f of its learning rule from the distributions of its
// responses to novel and to familiar stimuli, following Lim et al. (Nat
// Neurosci 2015) as used by Pereira & Brunel (Neuron 2018); spec:
// shared/specs/pereira-brunel.md §1.2–1.4 and §3. φ, f, g and the Gaussian
// averages come from package ratefn; this package only estimates them.
//
// # Model and assumptions
//
// For a stimulus with input h the rate is r = φ(h). Assumptions, each of
// which the estimates inherit:
//
//  1. Gaussian inputs. Inputs to novel stimuli are h ~ N(0,1); this fixes
//     the units of h (SDs of the novel input) and makes h dimensionless.
//  2. Same φ after learning: familiar rates are r^F = φ(h + Δh).
//  3. Δh depends on the stimulus only through its novel rate:
//     Δh = C f(r^N), f(r) = ½[2q_f − 1 + tanh(β_f (r − x_f))], C ≥ 0, β_f > 0
//     (one-pattern approximation: feedback and crosstalk neglected).
//  4. Rank preservation: h ↦ h + Δh(φ(h)) is increasing, so the stimulus at
//     quantile u of the novel distribution is at quantile u of the familiar
//     one. Novel and familiar samples need not be the same stimuli.
//
// Units: rates and x_f in Hz, β_f in 1/Hz, h, h0, C and Δh in units of h,
// β in 1/(unit of h), q_f, q_g and A dimensionless.
//
// # Method (steps of spec §3)
//
// Empirical quantiles use Hazen plotting positions: the i-th of n sorted
// rates sits at u = (i − ½)/n, linearly interpolated in between; K =
// min(n, Options.MaxGrid) levels u_k = (k − ½)/K are used.
//
//  1. Transfer function. The nonparametric φ is F_N⁻¹∘Φ_G (Curves.PhiEmpirical).
//     The logistic φ(h) = r_max/(1 + e^{−β(h − h0)}) is fitted by bounded
//     least squares to the empirical inverse relation
//     Φ_G⁻¹(u_k) ≈ φ⁻¹(F_N⁻¹(u_k)) = h0 + β⁻¹ ln(r/(r_max − r)): for fixed r_max
//     it is linear in (h0, 1/β), and r_max > max rate is a 1-D search
//     (TransferFitInverse; TransferFitRate fits in Hz instead).
//  2. h^F(u) = φ̂⁻¹(F_F⁻¹(u)) and h^N(u) = φ̂⁻¹(F_N⁻¹(u)) (DeltaHLogistic), or
//     the literal Δh(u) = Φ_G⁻¹(F_N(F_F⁻¹(u))) − Φ_G⁻¹(u) (DeltaHEmpirical,
//     which must drop familiar rates above the largest novel rate — exactly
//     the potentiated ones, hence not the default).
//  3. Rank matching: Δh(u) = h^F(u) − h^N(u) plotted against r^N(u) = F_N⁻¹(u)
//     (Curves.DeltaHPoints); equivalently Δr(r) = F_F⁻¹(F_N(r)) − r.
//  4. Fit Δh(r) = C f(r) by bounded least squares: (C, q_f) enter linearly
//     and are solved exactly under 0 ≤ C ≤ C_max, 0 ≤ q_f ≤ 1 for each
//     (β_f, x_f), which are found by grid search and Nelder–Mead in a box.
//     g has the shape of f (x_g = x_f, β_g = β_f) and q_g solves
//     E[g(φ̂(ξ))] = 0 (ratefn.Rule.Centre). A = C / E[g(φ̂)φ̂] is the
//     one-pattern conversion Δh_i = A f_i E[g(φ)φ]: [inferred], the
//     original conversion is not public.
//
// Default bounds (DefaultBounds): r_max ∈ [1, 200] Hz, β ∈ [0.05, 10],
// h0 ∈ [−5, 5], C ∈ [0, 100], β_f ∈ [0.005, 10]/Hz, x_f ∈ [0, max novel rate].
// The P&B fits sit on r_max = 200, h0 = 5 and x_f = 0 (spec §1.4); an
// estimate on a bound has Estimate.AtBound set and a warning: it is a bound,
// not a measurement.
//
// Rank preservation is checked on the data (RankCheck): if the map folds,
// the rank-matched map is its monotone rearrangement and its slope dh^F/dz
// falls to 0 at the fold edges. The smallest slope over windows of width
// 0.05 in u is ≥ 0.53 on all 150 synthetic rank-preserving data sets tried
// (n = 1000) and ≤ 0.08 on folded ones, so 0.3 is the threshold.
//
// Uncertainty: percentile bootstrap, resampling stimuli with replacement
// within each condition (unpaired). Replicate b of neuron i uses
// rand.NewPCG(Seed, i<<32|b), so results do not depend on Workers. Every
// Estimate has value, [Lo, Hi], bootstrap SD and AtBound; curves have
// pointwise bands on fixed grids (h ∈ [−3.5, 3.5]; r ∈ [0, max rate]).
//
// # Example
//
//	ds, err := infer.ReadRates("neuron7.csv") // rate_hz,condition
//	if err != nil { ... }
//	// or infer.ReadInput(path): .csv/.tsv, .npz (arrays novel, familiar),
//	// .npy ((2, S) or (M, 2, S)), or a directory of such files
//	res, err := infer.InferAll(ds, &infer.Options{Seed: 1}) // 200 replicates
//	if err != nil { ... }
//	tf, rule := res[0].Transfer(), res[0].Rule() // ratefn values for a network
//	b, _ := json.Marshal(infer.NewReport(res))  // engram infer --json
//
// # What finite samples identify
//
// testdata/identifiability.tsv: 50 unpaired synthetic data sets per truth
// (medians and the 14 ITC fits of ratefn.ITCFits as ground truth, C = A·E[gφ])
// and per n stimuli per condition. Median relative error ± SD (robust SD)
// at the medians, and the number of the 14 ITC truths for which the
// parameter is identifiable (truth not on a bound, |median error| ≤ 0.10,
// SD ≤ 0.25):
//
//	param          n=100               n=1000              n=10000             ITC identifiable
//	r_max_hz       +0.12 ± 0.71 (0.71)  +0.00 ± 0.17 (0.17)  +0.01 ± 0.05 (0.06)  1 / 11 / 13
//	beta           -0.01 ± 0.10 (0.13)  +0.00 ± 0.03 (0.03)  -0.00 ± 0.01 (0.01) 14 / 14 / 14
//	h0             +0.06 ± 0.38 (0.52)  +0.00 ± 0.12 (0.13)  +0.01 ± 0.04 (0.05)  0 / 11 / 11
//	C              -0.18 ± >9   (0.81)  -0.01 ± >8   (0.87)  -0.01 ± 0.51 (0.25)  0 /  1 /  7
//	A              -0.34 ± >9   (1.32)  -0.04 ± >9   (1.28)  +0.03 ± 1.13 (0.33)  0 /  1 /  4
//	q_f            -0.05 ± 0.18 (0.18)  +0.01 ± 0.11 (0.13)  +0.00 ± 0.05 (0.05)  0 / 11 / 13
//	beta_f_per_hz  +0.95 ± >9   (4.58)  +0.06 ± 0.26 (0.26)  -0.02 ± 0.15 (0.14)  0 /  0 / 10
//	x_f_hz         -0.01 ± 0.18 (0.15)  +0.02 ± 0.14 (0.10)  +0.01 ± 0.05 (0.03)  1 /  9 / 13
//	q_g            -0.01 ± 0.04 (0.03)  +0.00 ± 0.02 (0.01)  +0.00 ± 0.01 (0.00)  7 / 13 / 13
//
// Why parameters fail, at n = 10000:
//   - On a bound, never identifiable: r_max = 200 (ITC 8), h0 = 5 (ITC 2, 9,
//     10), x_f ≈ 0 (ITC 9; then q_f, q_g and A of ITC 9 are biased too). With
//     h0 = 5 the novel rates lie on the exponential foot of φ, where only
//     r_max e^{−βh0} is determined.
//   - C and A (ITC 1, 4, 5, 10, 11, 13, 14 for C): the potentiation branch of f
//     lies in the top few percent of rates (P(φ > x_f) = 4.4 % at the medians)
//     and does not saturate inside the data. Then C·½(1 + tanh(β_f(r − x_f)))
//     ≈ C e^{2β_f(r − x_f)} and C trades off against x_f and q_f → 1; the
//     error distribution is heavy-tailed (C runs to its bound in a few % of
//     data sets) although its IQR is moderate. A adds the uncertainty of
//     E[g(φ̂)φ̂]. Report their CIs, not the point values.
//   - β_f: ITC 7 (β_f = 4.98/Hz, a step narrower than the spacing of the
//     top quantiles: only a lower bound, even without noise), ITC 4 and 13
//     (few rates above x_f).
//
// At n = 1000 (a realistic stimulus count is lower still) only β, q_g, and
// for most neurons r_max, h0, q_f and x_f are identified; at n = 100 only β.
//
// # Tests
//
//	go test ./infer/                    # ≈ 5 s (2 shared cores)
//	ENGRAM_LONG=1 go test ./infer/ -v   # + identifiability study and 100-set bootstrap coverage (~4 min; 2 cores, load 12)
//	ENGRAM_LONG=1 ENGRAM_WRITE_STUDY=1 go test ./infer/ -run TestIdentifiabilityStudy  # rewrite the table
//
// Nothing here prints or keeps package state; inputs are never mutated.
package infer
