// Package infobound computes the information bounds of an associative
// memory and their closed-form oracles (spec stdp-memory.md §5, building
// on information-correlations.md §2 through package analysis/info).
// Values are in bits unless a name says otherwise.
//
// # Bits per synapse (§5.1)
//
// I_syn = α × I_elem: the load α = P/K (patterns per plastic synapse)
// times the information per pattern element between the stored element
// and what retrieval returns. BitsPerSynapse multiplies; the per-element
// oracles are
//
//   - BinaryChannelBits(f, a, b): binary patterns of coding level f read
//     out as member / non-member with miss rate a and false-alarm rate b
//     (binary asymmetric channel), H₂(f(1−a) + (1−f)b) − f H₂(a) − (1−f) H₂(b);
//   - GaussianLowerBoundBits(ρ): for a Gaussian pattern element ξ and any
//     read-out Y with correlation ρ, I(ξ; Y) ≥ −½ log₂(1 − ρ²) (equality
//     for jointly Gaussian pairs);
//   - HopfieldBitsPerSynapse(α_c, m) = α_c[1 − H₂((1 − m)/2)] (a ±1
//     pattern retrieved with overlap m is a binary symmetric channel).
//
// GardnerCapacity is the capacity of the perceptron with continuous
// weights at zero margin for ±1 outputs of coding level f with an optimal
// threshold (α_c = 2 at f = 0.5). ReferenceTable lists the reference
// values of §5.1 with their provenance.
//
// # Cue and retrieved state (§5.3, §5.4)
//
// ConfusionMI estimates I(C; R̂) from a P × (P + 1) confusion matrix
// (rows the cued assembly, columns the retrieved one, the last column
// "none") with the plug-in and the Panzeri–Treves corrected estimators of
// analysis/info; SymmetricConfusionBits is its closed form for the
// symmetric channel. NewChain computes, from trials of cue labels,
// retrieved labels and discrete responses (e.g. spike counts per neuron),
// the chain I(C; R̂) ≤ I(C; R) ≤ H(R) ≤ Σ_k H(r_k) ≤ Σ_k log₂ n_k with
// the total correlation TC = Σ_k H(r_k) − H(R), plug-in and bias-corrected;
// Chain.Check verifies the inequalities (exact for the plug-in values,
// which satisfy them for any data).
//
// # The rate memory (§5.2)
//
// PBRetrieval applies the Gaussian bound to the Pereira–Brunel rate memory
// at load α: from the mean-field retrieval state (theory/meanfield) it
// computes ρ = corr(ξ, r) over the joint distribution of a neuron's
// pattern current ξ and its rate r = φ(A f(φ(ξ)) q + √Δ z), and
// I_syn ≥ α·(−½ log₂(1 − ρ²)), with ρ the larger of corr(ξ, r) and the
// correlation with the rank-Gaussianised rate; PBCurve follows it along
// the load axis (at the medians the bound peaks near α = 0.4 at ≈ 0.063
// bits/synapse). GaussianBoundFromSamples is the same bound from a
// simulation: the cued pattern's row of pb-dms rec/patterns.npy against
// rec/rates_end_*.npy (N = 20 000, K = 1000, α = 0.02: ρ = 0.4956 ±
// 0.0053, mean-field 0.5068; 0.0041 vs 0.0043 bits/synapse).
//
// # Example
//
//	iElem := infobound.BinaryChannelBits(0.05, 0.1, 0.01) // 0.205010 bits
//	isyn := infobound.BitsPerSynapse(0.025, iElem)         // per plastic synapse
//	g, _ := infobound.GardnerCapacity(0.5)                 // g.AlphaC = 2
//
// # Conventions
//
// Functions are pure; the data are never modified. Out-of-range arguments
// to the closed forms (a probability outside [0, 1], |ρ| ≥ 1, P < 2) panic
// with an "infobound:" message, as the misuse of a formula; data-dependent
// routines (ConfusionMI, NewChain, PBRetrieval) return errors naming what
// is wrong.
package infobound
