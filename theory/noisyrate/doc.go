// Package noisyrate is the theory of the kernel-filtered noisy rate model
// of spec information-correlations.md §1:
//
//	τ dv/dt = −v + F(x(t) + M v),   x = x̄ + δx (white or Ornstein–Uhlenbeck),
//
// its fixed point v* = F(x̄ + M v*), the linearisation
// τ dδv/dt = −(I − DM) δv + D δx with gains D = diag F′(h*), the stability
// condition max Re λ(DM) < 1, the stationary covariance from the Lyapunov
// equation (I − DM)Σ + Σ(I − DM)ᵀ = D Q D/τ (white noise; OU input by the
// joint Lyapunov equation of (δv, δx)), and the Gaussian entropy
// ½ ln((2πe)^n det Σ) of the rate vector, which feeds analysis/info.
//
//	m := &noisyrate.Model{M: w, XBar: xbar, TauMs: 10, F: noisyrate.Tanh{Amp: 1, Gain: 1}}
//	lin, err := m.Linearise()
//	sigma, err := lin.Covariance(m.TauMs, noisyrate.Noise{Q: q, TauXMs: 5})
//	h, err := noisyrate.GaussianEntropy(sigma)
//
// SolveLyapunov solves A X + X Aᵀ + C = 0 by Bartels–Stewart on the real
// Schur form (gonum's LAPACK Dgehrd/Dorghr/Dhseqr; 1×1 and 2×2 blocks), in
// O(n³) without any n²×n² Kronecker system; ErrUnstable when A is not
// Hurwitz. Model.Simulate integrates the nonlinear model by Euler–Maruyama
// with an injected stream and returns the covariance with batch-means
// errors, for checking the theory (experiment noisy-rate).
//
// Tests: LY-1 (scalar closed form), LY-2 (5-D random system against a
// long simulation, with the Euler bias analysed), LY-3 (unstable → error),
// LY-4 (entropy equals analysis/info's closed form), Bartels–Stewart
// against a dense Kronecker solve, the OU → white limit.
package noisyrate
