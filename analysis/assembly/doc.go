// Package assembly holds the patterns and the metrics of an associative
// memory stored as cell assemblies in a spiking network (stdp-memory.md
// §3.3–§3.4), computed from plain slices: it imports no simulator, so it
// works on recorded or external data as well.
//
// # Patterns
//
// Random draws P binary patterns ξ^k ∈ {0, 1}^N, LKD style: each neuron
// joins assembly k independently with probability f (overlaps allowed),
// or, with Disjoint, P disjoint blocks of round(f·N) neurons of a random
// permutation. Streams are keyed by the seed and the pattern set's name
// (rng.Patterns, rng.NameKey(name), k), so renaming or adding an assembly
// set leaves every other draw unchanged.
//
// # Metrics
//
//   - Assembly weight ratio R_k = ⟨w_ij⟩_{i,j ∈ k} / ⟨w_ij⟩_{pre ∈ k, post ∉ k},
//     means over existing synapses only (the structural connectivity, not
//     the non-zero weights): Classes, Ratio, MeanRatio. Uniform weights
//     give R_k = 1 exactly.
//   - Overlap m_k(t) = q_k / (√(f(1−f))·SD_i r_i), q_k = (1/N) Σ_i (ξ_i^k − f) r_i
//     (Pereira & Brunel's definition with the centred pattern, computed by
//     analysis/recall), and the plain Pearson correlation ρ_k(t) between
//     the rate vector and ξ^k: Tracker. When the pattern mean is exactly f
//     the two are equal.
//   - Retrieval success of a trial from the time-averaged overlaps over the
//     delay (m_cued > 0.3 and at least 0.2 above every other assembly),
//     PB's looser m > 0.2, and spurious recall (a non-cued assembly meeting
//     the criterion): Criterion.Evaluate.
//   - Selectivity S_k = mean rate of k's uncued members − mean rate of the
//     non-members (Hz): Selectivity.
//
// Rates are in Hz; weights in whatever unit the caller stores them.
// Inputs are never modified.
package assembly
