// Package corr measures pairwise and higher-order correlations of
// population spike activity and generates spike data with known
// correlation structure (spec information-correlations.md §3–4).
//
// Inputs are analysis/spiketrain values (spike trains or neuron × bin
// count matrices); nothing here imports a simulator.
//
//	b, _ := train.Bin(5, nil)
//	ps, _ := corr.CountCorrelation(b)           // ρ_ij matrix, mean and SD over pairs
//	k, _ := train.PopulationCounts(5, nil)
//	r, _ := corr.CuBIC(k, nil)                  // ξ̂: lower bound on the order of correlation
//	fit, _ := corr.FitIsing(b.Binary(), nil)    // pairwise maximum entropy, I₂/I_N
//
// # Measures
//
//   - CountCovariance, CountCorrelation: Pearson ρ of binned counts
//     (silent neurons excluded; ρ depends on rates and bin width).
//   - CrossCorrelogram: Σ_t x(t)y(t+τ) by FFT (raw or mean-subtracted).
//   - CountDistribution (P(K)), PoissonBinomial (the independent
//     prediction), KStatistics (unbiased k₁, k₂, k₃), ThirdCumulant.
//   - CuBIC (Staude, Rotter & Grün 2010, as elephant): maximal cumulants
//     κ*_m(ξ), Stuart–Ord variance of k₃, p(ξ) = 1 − Φ((k₃ − κ*₃)/σ); the
//     first ξ with p ≥ α; k₂ < k₁ is ErrCuBICOrder; abort after ξ_max.
//   - IsingModel / FitIsing / FitIsingPMF: pairwise maximum entropy,
//     exact enumeration up to MaxExactUnits = 20 (Newton up to 14 units,
//     L-BFGS beyond; an L2 penalty only on parameters whose ML value is
//     infinite), pseudo-likelihood beyond 20; reports S₁, S₂, S_N, I_N,
//     I₂, I₂/I_N, KL(P_data‖P₂) and P(K) observed vs predicted.
//
// # Ground truth generators
//
// PoissonTrains (independent), CPP (compound Poisson with an amplitude
// distribution; InjectedCPP for order-ξ events, SharedSourcePair for the
// common-input pair), DG (dichotomised Gaussian with BivariateNormalCDF,
// DGPair, DGLatentCorrelation) and XORTriplets (pure third order). All
// take an injected *rand.Rand.
//
// Tests HO-1..HO-10 of the spec, with brute-force references for the
// CCH, the k-statistics (scipy values) and the Poisson-binomial; the
// replicate-heavy ones shrink under -short.
package corr
