// Package branchproc holds ground-truth generators and analytic oracles for
// the Poisson branching process used to validate engram's criticality
// estimators (analysis/branching, analysis/avalanche).
//
// # Model
//
// The driven branching process (mrestimator's simulate_branching) is
//
//	A_{t+1} ~ Poisson(m·A_t + h),   h = a·(1 − m),
//
// with a the desired stationary mean (events per bin). Each event may be
// observed independently with probability p (binomial subsampling),
// a_t ~ Binomial(A_t, p). The closed forms this package provides are
//
//	E[A] = h/(1−m)            StationaryMean
//	Var[A] = E[A]/(1−m²)      StationaryVariance, FanoFactor = 1/(1−m²)
//	r_k = b·m^k               CorrelationAtLag, b = p/(p + (1−p)(1−m²)) SubsamplingFactor
//	τ = −Δt/ln m              TauFromM, MFromTau
//
// The undriven process (h = 0) seeded with one event generates one avalanche
// per run; its size S is Borel distributed (BorelPMF) and its duration D
// obeys P(D ≤ d) = q_d, q_0 = 0, q_d = exp(m(q_{d−1} − 1)) (DurationCDF).
// At m = 1 these give the mean-field exponents α_S = 3/2, α_D = 2, γ = 2.
//
// # Randomness and units
//
// Every generator takes a *rand.Rand (math/rand/v2); nothing uses a global
// source, so a fixed seed reproduces a run bit for bit. Time is measured in
// steps (bins) of the process; τ is returned in the unit of the dt argument.
// Generators allocate and return fresh slices; inputs are never mutated.
//
// Parameters are validated by Driven.Validate; impossible values (m < 0,
// p outside [0, 1], negative lengths) are rejected with an error.
package branchproc
