// Package avalanche extracts neuronal avalanches from population activity
// and characterises them: size and duration power laws, the mean-size
// scaling ⟨S⟩(D) ~ D^γ and the crackling-noise relation
// γ = (α_D − 1)/(α_S − 1) (criticality.md §5).
//
// # From spikes to counts
//
// CountsFromSpikeTimes bins pooled spike times by a given width;
// CountsByMeanIEI uses the mean inter-event interval of the population as
// the width (Beggs & Plenz); PopulationCounts / PopulationCountsBool sum a
// raster[neuron][bin]; Rebin coarsens counts to study bin-size dependence.
//
// # Avalanches
//
// An avalanche is a maximal run of consecutive bins with count > threshold
// (threshold 0: non-empty bins) bounded by sub-threshold bins. Size is the
// total count in the run, duration the number of bins. Runs touching either
// end of the recording are dropped (unbounded, so of unknown size).
//
//	av, _ := avalanche.Extract(counts, 0)
//	sizes, durations := avalanche.SizesDurations(av)
//	res, err := avalanche.Analyze(sizes, durations, nil)
//	fmt.Println(res.NAvalanches, res.SizeAlpha, res.DurationAlpha, res.GammaFit, res.GammaPredicted)
//
// Exponents are fitted with analysis/powerlaw (discrete MLE, x_min by KS
// scan unless fixed); each comes with its standard error, and γ's
// prediction carries the propagated error.
//
// # Caveats
//
// Report the bin width with every exponent: subsampling and external drive
// change avalanche statistics and merge avalanches (Priesemann et al. 2009;
// Wilting & Priesemann 2018). For the distance to criticality prefer the
// branching-ratio / τ estimate (analysis/branching); use avalanches as a
// secondary, undriven-case check. For ground truth use the undriven,
// single-seed process of theory/branchproc, one avalanche per run: at m = 1,
// α_S = 3/2, α_D = 2, γ = 2, with a slow finite-size approach for α_D.
//
// Tests (AV-3..AV-5 of criticality.md) run by default in about a second:
//
//	go test ./analysis/avalanche/
package avalanche
