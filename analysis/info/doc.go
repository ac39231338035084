// Package info estimates entropies and mutual information of neural
// responses (spec information-correlations.md §2): discrete estimators
// for spike counts and binary words, k-nearest-neighbour and Gaussian
// estimators for continuous rate vectors, and the closed forms used as
// test oracles. All values are in nats (Estimate.Bits converts).
//
// # Estimates
//
// Every estimator returns an Estimate: Value, StdErr, the uncorrected
// Plugin value and the BiasCorrection = Plugin − Value it applied, the
// Method, how the uncertainty was obtained, and the Settings (N, bins,
// occupied bins, k, noise, seed, …), so that a number explains itself:
//
//	e, err := info.MutualInfo(stim, resp, info.PanzeriTreves, &info.DiscreteOptions{KX: 8, KY: 8})
//	fmt.Printf("%.3f ± %.3f bits (%s, correction %.3f)\n", e.Bits(), e.StdErrBits(), e.Method, e.BiasCorrection/info.Ln2)
//
// # Discrete (labels ≥ 0; Counts, Words for population words)
//
//   - EntropyPlugin, EntropyMillerMadow (+ (B̂−1)/(2N)), EntropyNSB
//     (Nemenman–Shafee–Bialek, posterior mean and SD, O(grid × distinct
//     counts)), Entropy with quadratic extrapolation (Strong et al. 1998).
//   - MutualInfo: plug-in, Miller–Madow, Panzeri–Treves (PTAlphabet,
//     PTOccupied or the Bayesian PTBayes bin counts), quadratic extrapolation, NSB;
//     MutualInfoShuffle: the shuffle correction for population responses.
//   - PMF: exact entropies, MI, total correlation and co-information of a
//     known joint distribution (XOR example of the spec).
//
// # Continuous (samples × dims)
//
//   - KSG (algorithms 1 and 2, max norm, k-d trees; tie-breaking noise,
//     columns scaled to unit SD) and KozachenkoLeonenko; StdErr from
//     disjoint subsets.
//   - GaussianEntropyEstimate, GaussianMIEstimate, GaussianCopulaMI,
//     GaussianTCEstimate: from the sample covariance with the Wishart
//     log-det correction E[ln det S] − ln det Σ = Σ ψ((N−i)/2) + d ln(2/(N−1)).
//   - GaussianStimulusMI: I(S;R) ≈ ½[ln |Σ_R| − Σ_s P(s) ln |Σ_{R|s}|] for
//     stimulus classes (Wishart-corrected per class).
//   - GeometricMaxEnt: the maximum-entropy count distribution for a mean.
//
// # Closed forms
//
// GaussianEntropy, GaussianMI, GaussianMIFromRho, GaussianTotalCorrelation,
// EquicorrelatedTC, GaussianChannelMI, IndependentBound (Hadamard: with
// white noise decorrelated inputs maximise information, most at low
// noise), BSCMutualInfoBits, WishartLogDetBias, Trigamma.
//
// # Errors and conventions
//
// Data errors are returned, wrapping ErrTooFew (k ≥ N, empty data),
// ErrMismatch (sample counts differ), ErrNotFinite (NaN/Inf), ErrSingular
// (constant or collinear columns) or ErrLabels (negative or non-integer
// labels); a misuse of the API (wrong block size) panics. Inputs are never
// modified. Randomness (tie-breaking noise, partitions, shuffles) comes
// from an injected *rand.Rand or a Seed. Tests pin every estimator to the
// spec's closed forms (IT-1, IT-9, IT-10), its measured biases (IT-2..IT-8,
// IT-11) and brute-force references; the slow ones skip under -short.
package info
