package avalanche

import (
	"fmt"
	"math"
)

// Avalanche is a maximal run of consecutive active bins (count > threshold)
// bounded by inactive bins.
type Avalanche struct {
	// Start is the index of the first active bin.
	Start int
	// Duration is the number of bins in the run.
	Duration int
	// Size is the total count over the run.
	Size float64
}

// Extract finds avalanches in population counts: maximal runs of bins with
// count > threshold (threshold 0: non-empty bins, Beggs & Plenz). Runs that
// touch the first or last bin are dropped because they are not bounded by
// inactive bins and their size and duration are unknown. Size is the total
// count in the run (not reduced by the threshold).
func Extract(counts []float64, threshold float64) ([]Avalanche, error) {
	if math.IsNaN(threshold) {
		return nil, fmt.Errorf("avalanche: threshold is NaN")
	}
	var out []Avalanche
	start := -1
	size := 0.0
	for t, v := range counts {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return nil, fmt.Errorf("avalanche: count %v at bin %d is not a finite non-negative number", v, t)
		}
		if v > threshold {
			if start < 0 {
				start, size = t, 0
			}
			size += v
			continue
		}
		if start > 0 { // start == 0 touches the left edge
			out = append(out, Avalanche{Start: start, Duration: t - start, Size: size})
		}
		start = -1
	}
	return out, nil
}

// ExtractTrials applies Extract to each trial (avalanches never span trials).
func ExtractTrials(counts [][]float64, threshold float64) ([]Avalanche, error) {
	var out []Avalanche
	for i, tr := range counts {
		a, err := Extract(tr, threshold)
		if err != nil {
			return nil, fmt.Errorf("trial %d: %w", i, err)
		}
		out = append(out, a...)
	}
	return out, nil
}

// SizesDurations splits avalanches into size and duration slices.
func SizesDurations(av []Avalanche) (sizes, durations []float64) {
	sizes = make([]float64, len(av))
	durations = make([]float64, len(av))
	for i, a := range av {
		sizes[i] = a.Size
		durations[i] = float64(a.Duration)
	}
	return sizes, durations
}
