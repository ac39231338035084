// Package powerlaw fits power-law distributions to data tails and tests them
// against alternatives, following Clauset, Shalizi & Newman (2009) and the
// semantics of the Python powerlaw package (criticality.md §5.3).
//
// # Fitting
//
// Fit takes plain positive values (integers ≥ 1 for Discrete) and returns a
// Result with α, its standard error, x_min, the tail size, the KS distance,
// the log-likelihood and a description of the method:
//
//		r, err := powerlaw.Fit(sizes, &powerlaw.Options{Discrete: true})
//		fmt.Println(r.Alpha, r.AlphaStdErr, r.XMin, r.NTail, r.KS)
//
//	  - Continuous MLE: α̂ = 1 + n [Σ ln(x_i/x_min)]⁻¹, SE (α̂−1)/√n.
//	  - Discrete exact MLE: maximise −n ln ζ(α, x_min) − α Σ ln x_i (Hurwitz ζ
//	    from gonum mathext), SE from the observed Fisher information; or the
//	    fast approximation α̂ ≈ 1 + n [Σ ln(x_i/(x_min − ½))]⁻¹
//	    (Options.DiscreteApprox).
//	  - x_min: fixed (Options.XMin) or chosen by scanning the unique data values
//	    and minimising the KS distance between the tail's empirical CDF and the
//	    fitted law (optionally skipping candidates whose α SE exceeds
//	    SigmaThreshold, and tails shorter than MinTail = 10).
//
// # Goodness of fit and model comparison
//
// GoodnessOfFit runs the semi-parametric bootstrap (values below x_min
// resampled, tail drawn from the fit, refit including the x_min scan);
// p > 0.1 means the power law is plausible. Seeded: a Seed or *rand.Rand.
//
// FitAlternative fits the truncated power law, exponential, lognormal or
// stretched exponential on the same tail; Compare runs the log-likelihood
// ratio test against the power law: R = Σ(ln p_pl − ln p_alt) (R > 0 favours
// the power law), Vuong's normalised test for non-nested alternatives and
// p = 1 − χ²₁.cdf(2|R|) for the nested truncated power law. Trust the sign of
// R only when p < 0.1 (Comparison.Favoured is empty otherwise).
//
// # Reference data
//
// Tests reproduce the published α and x_min of the four data sets of
// Clauset et al. (words, terrorism, blackouts, cities; criticality.md AV-10)
// from testdata/powerlaw-reference (vendored with its provenance and
// licence), and the published likelihood ratios within sampling detail.
//
// # Degenerate input
//
// Empty data, non-positive or non-finite values, non-integers in discrete
// data, tails without variation and scans without a usable tail return the
// errors ErrTooFew, ErrInvalidData or ErrNoVariation; nothing panics on data.
//
// All tests run by default (go test ./analysis/powerlaw/, a few seconds).
package powerlaw
