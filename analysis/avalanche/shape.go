package avalanche

import (
	"fmt"
	"math"

	"github.com/engramsim/engram/progress"
)

// AverageShapes returns the mean temporal profile ⟨s(t)⟩_D of the avalanches
// of each duration D with at least minCount occurrences; counts is the
// series the avalanches were extracted from.
func AverageShapes(counts []float64, av []Avalanche, minCount int) (map[int][]float64, error) {
	if minCount < 1 {
		minCount = 1
	}
	sum := map[int][]float64{}
	n := map[int]int{}
	for _, a := range av {
		if a.Start < 0 || a.Start+a.Duration > len(counts) {
			return nil, fmt.Errorf("avalanche: avalanche at %d (duration %d) outside the %d-bin series", a.Start, a.Duration, len(counts))
		}
		s := sum[a.Duration]
		if s == nil {
			s = make([]float64, a.Duration)
			sum[a.Duration] = s
		}
		for t := range s {
			s[t] += counts[a.Start+t]
		}
		n[a.Duration]++
	}
	out := map[int][]float64{}
	for d, s := range sum {
		if n[d] < minCount {
			continue
		}
		for t := range s {
			s[t] /= float64(n[d])
		}
		out[d] = s
	}
	return out, nil
}

// CollapseOptions configures ShapeCollapse. nil means defaults.
type CollapseOptions struct {
	// DMin, DMax bound the durations used (defaults 4 and no limit);
	// MinCount is the minimum number of avalanches per duration (default 20).
	DMin, DMax, MinCount int
	// GammaLo, GammaHi bound the search for γ (defaults 1 and 3).
	GammaLo, GammaHi float64
	// GridPoints is the number of points on t/D ∈ (0, 1) (default 50).
	GridPoints int
	Progress   progress.Reporter
}

// CollapseResult is the outcome of ShapeCollapse.
type CollapseResult struct {
	// Gamma minimises the spread of D^{1−γ}⟨s(t/D)⟩_D across durations;
	// under the crackling-noise relation it equals the ⟨S⟩(D) exponent.
	Gamma float64
	// Cost is the mean relative variance of the collapsed shapes at Gamma.
	Cost      float64
	Durations []int
	Method    string
}

// ShapeCollapse estimates γ by collapsing the average avalanche shapes:
// ⟨s(t)⟩_D ≈ D^{γ−1} F(t/D). Each shape is sampled at the midpoints
// u = (i+½)/G of t/D by linear interpolation (bin t covers u ∈ [t/D,
// (t+1)/D), its value is placed at (t+½)/D), rescaled by D^{1−γ}; the cost is
// the variance across durations divided by the squared mean, averaged over
// u; γ is found by golden-section search.
func ShapeCollapse(counts []float64, av []Avalanche, opts *CollapseOptions) (*CollapseResult, error) {
	o := CollapseOptions{DMin: 4, MinCount: 20, GammaLo: 1, GammaHi: 3, GridPoints: 50}
	if opts != nil {
		if opts.DMin > 0 {
			o.DMin = opts.DMin
		}
		o.DMax = opts.DMax
		if opts.MinCount > 0 {
			o.MinCount = opts.MinCount
		}
		if opts.GammaHi > opts.GammaLo {
			o.GammaLo, o.GammaHi = opts.GammaLo, opts.GammaHi
		}
		if opts.GridPoints > 1 {
			o.GridPoints = opts.GridPoints
		}
		o.Progress = opts.Progress
	}
	shapes, err := AverageShapes(counts, av, o.MinCount)
	if err != nil {
		return nil, err
	}
	var ds []int
	var grids [][]float64
	for d, s := range shapes {
		if d < o.DMin || (o.DMax > 0 && d > o.DMax) {
			continue
		}
		ds = append(ds, d)
		g := make([]float64, o.GridPoints)
		for i := range g {
			u := (float64(i) + 0.5) / float64(o.GridPoints)
			pos := u*float64(d) - 0.5
			lo := int(math.Floor(pos))
			w := pos - float64(lo)
			a := s[max(min(lo, d-1), 0)]
			b := s[max(min(lo+1, d-1), 0)]
			g[i] = a + w*(b-a)
		}
		grids = append(grids, g)
	}
	if len(ds) < 3 {
		return nil, fmt.Errorf("avalanche: shape collapse needs ≥ 3 durations with ≥ %d avalanches in [%d, %d], found %d", o.MinCount, o.DMin, o.DMax, len(ds))
	}
	cost := func(gamma float64) float64 {
		c := 0.0
		for i := range o.GridPoints {
			var m, m2 float64
			for j, d := range ds {
				v := grids[j][i] * math.Pow(float64(d), 1-gamma)
				m += v
				m2 += v * v
			}
			n := float64(len(ds))
			m /= n
			c += (m2/n - m*m) / (m * m)
		}
		return c / float64(o.GridPoints)
	}
	const g = 0.6180339887498949
	a, b := o.GammaLo, o.GammaHi
	c1, c2 := b-g*(b-a), a+g*(b-a)
	f1, f2 := cost(c1), cost(c2)
	for it := 0; b-a > 1e-6; it++ {
		if f1 < f2 {
			b, c2, f2 = c2, c1, f1
			c1 = b - g*(b-a)
			f1 = cost(c1)
		} else {
			a, c1, f1 = c1, c2, f2
			c2 = a + g*(b-a)
			f2 = cost(c2)
		}
		progress.Report(o.Progress, int64(it+1), 40)
	}
	gamma := (a + b) / 2
	return &CollapseResult{Gamma: gamma, Cost: cost(gamma), Durations: ds,
		Method: "shape collapse: minimise relative variance of D^{1−γ}⟨s(uD)⟩ over durations (golden section)"}, nil
}
