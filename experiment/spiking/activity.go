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
//   - pop_fano: Var/Mean of the population spike count per bin, a
//     synchrony measure: ≈ 1 for independent Poisson neurons (below 1 for
//     regular ones), ≫ 1 when neurons fire together;
//   - mr_m, mr_m_stderr: the branching ratio m̂ by multistep regression
//     (Wilting & Priesemann 2018; analysis/branching, exp_offset fit of
//     r_k = A m^k + O over k = 1 … L/10 bins, asymptotic error);
//   - tau_ac_ms: the autocorrelation time τ̂ = −bin/ln m̂ of that fit, in ms.
//
// Values that cannot be computed (too few bins, no spikes, a failed fit)
// are null.
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
		ps["pop_fano"], ps["mr_m"], ps["mr_m_stderr"], ps["tau_ac_ms"] = nil, nil, nil, nil
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
		ps["pop_fano"] = jsonNum((s2/float64(n) - mean*mean) * float64(n) / float64(n-1) / mean)
		res, err := branching.Analyze([][]float64{counts}, &branching.Options{Dt: binMs, DtUnit: "ms", NumBoot: -1})
		if err != nil {
			continue
		}
		ps["mr_m"], ps["mr_m_stderr"], ps["tau_ac_ms"] = jsonNum(res.M), jsonNum(res.MStdErr), jsonNum(res.Tau)
	}
	return nil
}
