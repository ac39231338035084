// Package mft is the static mean-field theory of the rate memory at one
// load as an experiment ("mft", examples/mft.toml), so that it can be run
// from a config and swept (engram sweep over mft.alpha, rule.A, …) like any
// simulation. It solves the diluted mean-field theory of Pereira & Brunel
// (2018; theory/meanfield) for the retrieval and the background (q = 0)
// branches at load α and reports, for each, whether it exists, the overlap
// m, q, the crosstalk variance Δ, the mean rate, ⟨r²⟩ and λ = αγ⟨φ′²⟩
// (λ > 1: unstable, chaotic dynamics).
//
//	cfg := mft.Defaults()
//	cfg.MFT.Alpha = 0.2
//	cfg.Rule.A = 10.6518
//	res, sum, err := mft.Solve(cfg, env) // env: an experiment.Env (workers, report)
//	// res.Retrieval.M ≈ 0.768 (pereira-brunel.md R7); sum["retrieval"]["m"] the same
//
// The summary's metrics (res/summary.json) are retrieval.{exists, m, q,
// delta, mean_rate_hz, r2, sd_rate_hz, lambda, converged},
// background.{…}, gamma, converged, and, as `engram mft` has always
// printed them, retrieval_m and background_lambda. The theory uses no
// random numbers (the seed is 0). `engram mft --alpha A` runs this
// experiment with its flags as config keys.
package mft
