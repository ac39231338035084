// Package branching estimates the branching ratio m and the autocorrelation
// time τ of population activity, following the multistep-regression (MR)
// estimator of Wilting & Priesemann (2018) with mrestimator's semantics
// (criticality.md §3).
//
// # Input
//
// Activity is a plain matrix counts[trial][bin] of events per bin (all trials
// the same length), bin width Dt in DtUnit. Use analysis/avalanche's binning
// helpers to get there from spike times or rasters. Inputs are never mutated.
//
// # Estimators
//
//   - Naive: mean of A(t+1)/A(t) with x/0 := 0 — the estimator of the earlier
//     research code. Biased (it tracks the fraction of non-empty bins, i.e. the
//     rate); provided only to reproduce old numbers.
//   - Conventional: OLS slope of a_{t+1} on a_t (= r₁). Under subsampling with
//     probability p it converges to b·m with b = p/(p + (1−p)(1−m²)).
//   - Multistep regression: Coefficients computes r_k for k = KMin..KMax by
//     the trial-separated (ts) or stationary-mean (sm) method; Fit fits
//     a model of r_k against k·dt and returns m̂ = exp(−dt/τ̂), unbiased
//     under subsampling because b only scales the amplitudes.
//
// Analyze runs all three in one call and is what a command-line tool needs:
//
//	res, err := branching.Analyze(counts, nil) // sm, exp_offset + exp, 100 bootstraps
//	fmt.Println(res.M, res.MStdErr, res.TauBins, res.MConventional, res.Warnings)
//
// The multistep-regression fit models (FitOptions.Model, Options.Models):
//
//   - exp: |A| e^{−k·dt/τ}.
//   - exp_offset (default): |A| e^{−k·dt/τ} + O.
//   - complex: exp_offset plus a damped oscillation and a Gaussian term
//     (mrestimator's complex model).
//   - two_timescales: |A1| e^{−k·dt/τ1} + |A2| e^{−k·dt/τ2}; the reported τ
//     is the timescale of the component with the larger |A|, stored first
//     in Params (tau1, A1, tau2, A2), the other component second.
//   - linear: A·k·dt + O, no τ.
//
// # Uncertainty, method, settings
//
// Every result carries its estimate, its uncertainty and how both were
// obtained. Coefficient errors come from a trial bootstrap (seeded; default
// seed 5330 as mrestimator). Fit errors are the SD of τ̂ and m̂ over refits
// of the bootstrap replicas, or — for a single trial — asymptotic errors
// from s²(JᵀJ)⁻¹, which ignore the correlation between r_k and are
// optimistic; FitResult.UncertaintyMethod says which. FitResult.Flags and
// Result.Warnings name caveats: τ below one bin (no measurable correlation),
// amplitude indistinguishable from noise, negative τ (m > 1), τ beyond the
// fit range (raise KMax to 5–10 τ), and for two_timescales an unresolved or
// unseparated second component, a timescale at its bound, or near-equal
// amplitudes (the choice of the reported τ is then fragile).
//
// # Fitting
//
// Fits are unweighted nonlinear least squares by a bounded
// Levenberg–Marquardt solver, one run per start vector, keeping the smallest
// SSR. The start vectors and bounds are mrestimator's: exp starts (τ, A) =
// (20,1), (200,1), (−20,1), (−200,1), (−1,1); exp_offset likewise with O = 0;
// complex has 22 starts and box bounds (time-like values assume dt in ms).
// two_timescales has no reference starts or bounds (criticality.md gives
// none), so ours are derived from the data: τ1, τ2 ∈ [dt, 10·k_max·dt],
// A1, A2 ∈ [0, max(1, 2·max|r_k|)], and 12 starts placing fast/slow pairs
// with ratios 3, 10, 30, 100 around the τ of an exp fit (twotimescales.go).
// The budget is 100·(n_par+1) evaluations, retried with 10000; if no start
// converges the result holds NaN and Converged = false — never a panic.
// Negative τ starts let the fit represent growing activity (m > 1).
//
// # Choosing the method and the range
//
// ts estimates the mean per trial window and underestimates r_k when trials
// are short (L/τ ≲ 200); sm pools the mean over trials and is unbiased if
// trials are stationary relative to each other, so Analyze defaults to sm.
// Report both when unsure. Choose KMax ≈ 5–10 τ; the offset model needs KMax
// well beyond τ to separate O from the decay.
//
// # Degenerate input
//
// Empty or ragged input, NaN/Inf, constant activity and lags longer than the
// trials return the errors ErrNoData, ErrRagged, ErrNonFinite, ErrConstant
// and ErrTooShort (test with errors.Is); a bootstrap with one trial returns
// ErrTooFewTrials.
//
// # Performance
//
// Lagged cross-products are computed by a segmented power-of-two real FFT
// (lagfft.go, fft.go: segments of B ≥ k_max samples, transforms of 2B, one
// inverse per trial) when more than 48 lags are requested, and directly
// otherwise; any series length works and the work memory is O(k_max), not
// O(L). Bootstrap replicas reuse per-trial moments, so they cost
// O(trials·k) each. 10 trials × 10⁵ bins with k ≤ 2500 take 46–69 ms on
// one core (BenchmarkCoefficients10x1e5; 136–187 ms with the former single
// gonum transform of length 2^a·3^b·5^c, ≈ 40–52 ms for numpy's rfft of
// the same data). AnalyzeBytes and CoefficientsBytes bound the memory an
// analysis needs before it runs. Integrated is Sokal's windowed integrated
// autocorrelation time ½ + Σ_{k≤K} r_k from the same coefficients.
//
// # Tests
//
// The default tests pin the estimators to the closed forms and acceptance
// table of criticality.md (MR-3, MR-4, MR-6..MR-10) in a few seconds. The
// repetition-averaged MR-5 test is slow and opt-in:
//
//	ENGRAM_LONG=1 go test -run TestMRTableMeans -v ./analysis/branching/
//
// So is the Monte Carlo behind the two_timescales tolerances:
//
//	ENGRAM_LONG=1 go test -run TestTwoTimescalesMonteCarlo -v ./analysis/branching/
package branching
