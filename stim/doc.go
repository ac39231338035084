// Package stim generates the stimuli of rate-network experiments: stored
// pattern currents η^μ ~ N(mean, Σ) and novel or cue currents.
//
// # Patterns
//
// Patterns is a p × N row-major float32 matrix of input currents (pattern μ
// is row μ). The default is the Pereira & Brunel case, η_i^μ iid N(0,1).
// Two structured covariances are supported, both exact Gaussian samplers:
//
//   - across neurons (within a pattern), a low-rank-plus-diagonal Σ:
//     η_i = mean + √s Σ_k L_ik y_k + √(1−s) ε_i, with y, ε iid N(0,1) and
//     loadings L (N × rank, drawn once, rows normalised to unit norm), so
//     every neuron has unit variance and a fraction s of it is shared;
//   - across patterns, a common prototype: η^μ = √ρ θ + √(1−ρ) z^μ, so two
//     patterns correlate with coefficient ρ at every neuron.
//
// Each pattern row is drawn from its own keyed stream
// rng.New(seed, rng.Patterns, μ) (and loadings/prototype from their own
// streams), in parallel and independent of the worker count.
//
//	pat, err := stim.Gaussian(stim.PatternSpec{N: 1000, P: 20}, seed, workers)
//	xi := pat.Row(3) // currents of pattern 3
package stim
