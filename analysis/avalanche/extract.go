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
	n, err := count(counts, threshold)
	if err != nil {
		return nil, err
	}
	return extractInto(make([]Avalanche, 0, n), counts, threshold), nil
}

// count returns the number of avalanches Extract finds (the same loop as
// extractInto, counting instead of appending), checking the counts.
func count(counts []float64, threshold float64) (int, error) {
	n, start := 0, -1
	for t, v := range counts {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return 0, fmt.Errorf("avalanche: count %v at bin %d is not a finite non-negative number", v, t)
		}
		if v > threshold {
			if start < 0 {
				start = t
			}
			continue
		}
		if start > 0 {
			n++
		}
		start = -1
	}
	return n, nil
}

// extractInto appends the avalanches of counts (already checked) to out.
func extractInto(out []Avalanche, counts []float64, threshold float64) []Avalanche {
	start := -1
	size := 0.0
	for t, v := range counts {
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
	return out
}

// Count returns the number of avalanches ExtractTrials finds (len of its
// result) without allocating, so a caller can bound the memory first.
func Count(counts [][]float64, threshold float64) (int, error) {
	if math.IsNaN(threshold) {
		return 0, fmt.Errorf("avalanche: threshold is NaN")
	}
	n := 0
	for i, tr := range counts {
		c, err := count(tr, threshold)
		if err != nil {
			return 0, fmt.Errorf("trial %d: %w", i, err)
		}
		n += c
	}
	return n, nil
}

// ExtractTrials applies Extract to each trial (avalanches never span
// trials). The result is allocated once, at its final length.
func ExtractTrials(counts [][]float64, threshold float64) ([]Avalanche, error) {
	n, err := Count(counts, threshold)
	if err != nil {
		return nil, err
	}
	out := make([]Avalanche, 0, n)
	for _, tr := range counts {
		out = extractInto(out, tr, threshold)
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
