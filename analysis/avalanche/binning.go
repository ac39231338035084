package avalanche

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrNoEvents is returned when binning needs at least two events.
var ErrNoEvents = errors.New("avalanche: need at least two events")

// maxBins bounds the bins CountsFromSpikeTimes allocates (2^40 float64s are
// 8 TiB: any range beyond it is a mistake, and int conversion must not wrap).
const maxBins = 1 << 40

// CountsFromSpikeTimes bins event times (any unit, e.g. ms; any order) into
// counts per bin of width binWidth covering [start, end): bin i counts events
// with start + i·binWidth ≤ t < start + (i+1)·binWidth. Events outside the
// range are ignored. Times from several neurons may simply be concatenated.
func CountsFromSpikeTimes(times []float64, binWidth, start, end float64) ([]float64, error) {
	if !(binWidth > 0) || math.IsInf(binWidth, 0) {
		return nil, fmt.Errorf("avalanche: bin width %v must be positive and finite", binWidth)
	}
	if !(end > start) {
		return nil, fmt.Errorf("avalanche: empty time range [%v, %v)", start, end)
	}
	bins := math.Ceil((end - start) / binWidth)
	if !(bins <= maxBins) {
		return nil, fmt.Errorf("avalanche: [%v, %v) at bin width %v is %.4g bins, more than %d", start, end, binWidth, bins, maxBins)
	}
	nb := int(bins)
	counts := make([]float64, nb)
	for _, t := range times {
		if math.IsNaN(t) || t < start || t >= end {
			continue
		}
		i := int((t - start) / binWidth)
		if i >= nb {
			i = nb - 1
		}
		counts[i]++
	}
	return counts, nil
}

// MeanInterEventInterval returns the mean interval between consecutive
// events of the pooled (population) train: (t_max − t_min)/(n − 1).
func MeanInterEventInterval(times []float64) (float64, error) {
	if len(times) < 2 {
		return math.NaN(), ErrNoEvents
	}
	lo, hi := slices.Min(times), slices.Max(times)
	if !(hi > lo) {
		return math.NaN(), fmt.Errorf("avalanche: all %d events at the same time", len(times))
	}
	return (hi - lo) / float64(len(times)-1), nil
}

// CountsByMeanIEI bins the pooled event times with bin width equal to the
// mean inter-event interval (Beggs & Plenz's choice) over
// [min(times), max(times)] and returns the counts and the width used.
func CountsByMeanIEI(times []float64) (counts []float64, binWidth float64, err error) {
	binWidth, err = MeanInterEventInterval(times)
	if err != nil {
		return nil, math.NaN(), err
	}
	lo, hi := slices.Min(times), slices.Max(times)
	counts, err = CountsFromSpikeTimes(times, binWidth, lo, math.Nextafter(hi, math.Inf(1)))
	return counts, binWidth, err
}

// PopulationCounts sums a raster[neuron][bin] (any non-zero value is a
// spike, counted with its value) into population counts per bin. All rows
// must have the same length.
func PopulationCounts(raster [][]float64) ([]float64, error) {
	if len(raster) == 0 {
		return nil, fmt.Errorf("avalanche: empty raster")
	}
	out := make([]float64, len(raster[0]))
	for i, row := range raster {
		if len(row) != len(out) {
			return nil, fmt.Errorf("avalanche: raster row %d has %d bins, row 0 has %d", i, len(row), len(out))
		}
		for t, v := range row {
			out[t] += v
		}
	}
	return out, nil
}

// PopulationCountsBool is PopulationCounts for a boolean raster[neuron][bin].
func PopulationCountsBool(raster [][]bool) ([]float64, error) {
	if len(raster) == 0 {
		return nil, fmt.Errorf("avalanche: empty raster")
	}
	out := make([]float64, len(raster[0]))
	for i, row := range raster {
		if len(row) != len(out) {
			return nil, fmt.Errorf("avalanche: raster row %d has %d bins, row 0 has %d", i, len(row), len(out))
		}
		for t, v := range row {
			if v {
				out[t]++
			}
		}
	}
	return out, nil
}

// Rebin sums consecutive groups of factor bins (a trailing partial group is
// dropped), for studying the bin-size dependence of exponents.
func Rebin(counts []float64, factor int) ([]float64, error) {
	if factor < 1 {
		return nil, fmt.Errorf("avalanche: rebin factor %d must be ≥ 1", factor)
	}
	out := make([]float64, len(counts)/factor)
	for i := range out {
		for _, v := range counts[i*factor : (i+1)*factor] {
			out[i] += v
		}
	}
	return out, nil
}
