package spiking

import (
	"math"

	"github.com/engramsim/engram/analysis/branching"
	"github.com/engramsim/engram/store"
)

// minActivityBins is the fewest rate bins the activity statistics are
// computed from (MR fits lags up to a tenth of the series).
const minActivityBins = 100

// activityStats adds to each population's summary statistics of its
// population activity, read back from rec/rates_hz.npy (counts per
// rate_bin_ms bin = rate × N × bin; the last, shorter bin is dropped):
//
//   - pop_fano: Var/Mean of the population spike count per bin: ≈ 1 for
//     independent Poisson neurons (below 1 for regular ones), ≫ 1 when
//     neurons fire together;
//   - sync_chi: √(pop_fano/N), Golomb's (2007) synchrony χ of the binned
//     spike counts when each neuron's count variance is its mean (Poisson
//     bins): 0 for asynchronous firing, 1 when all neurons fire together;
//   - mr_m, mr_m_stderr: the branching ratio m̂ by multistep regression
//     (Wilting & Priesemann 2018; analysis/branching, exp_offset fit of
//     r_k = A m^k + O over k = 1 … L/10 bins, asymptotic error);
//   - tau_ac_ms: the autocorrelation time τ̂ = −bin/ln m̂ of that fit, in
//     ms; +Inf when m̂ ≥ 1 (the correlation does not decay over the fitted
//     lags, e.g. a sustained population oscillation).
//
// Values that cannot be computed (too few bins, no spikes, a failed fit)
// are NaN (null in the nested summary, "NaN" in the metrics).
func activityStats(path string, binMs float64, sizes []int, popSum map[string]any, names []string) error {
	arr, err := store.ReadNPY(path)
	if err != nil {
		return err
	}
	if len(arr.Shape) != 2 {
		return nil
	}
	bins, cols := arr.Shape[0], arr.Shape[1]
	for k, name := range names {
		ps, ok := popSum[name].(map[string]any)
		if !ok || k >= cols {
			continue
		}
		nan := math.NaN()
		ps["pop_fano"], ps["sync_chi"], ps["mr_m"], ps["mr_m_stderr"], ps["tau_ac_ms"] = nan, nan, nan, nan, nan
		n := bins - 1
		if n < minActivityBins {
			continue
		}
		counts := make([]float64, n)
		var s, s2 float64
		for b := range n {
			c := float64(arr.Data[b*cols+k]) * float64(sizes[k]) * binMs / 1000
			c = math.Round(c*1e3) / 1e3 // undo float32 rounding of integer counts
			counts[b] = c
			s += c
			s2 += c * c
		}
		mean := s / float64(n)
		if !(mean > 0) {
			continue
		}
		fano := (s2/float64(n) - mean*mean) * float64(n) / float64(n-1) / mean
		ps["pop_fano"], ps["sync_chi"] = fano, math.Sqrt(max(fano, 0)/float64(sizes[k]))
		res, err := branching.Analyze([][]float64{counts}, &branching.Options{Dt: binMs, DtUnit: "ms", NumBoot: -1})
		if err != nil {
			continue
		}
		tau := res.Tau
		if res.M >= 1 {
			tau = math.Inf(1)
		}
		ps["mr_m"], ps["mr_m_stderr"], ps["tau_ac_ms"] = res.M, res.MStdErr, tau
	}
	return nil
}
