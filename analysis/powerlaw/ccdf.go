package powerlaw

import (
	"slices"
	"sort"
)

// EmpiricalCCDF returns the distinct values x of data in increasing order
// and P(X ≥ x) for each (data is not modified).
func EmpiricalCCDF(data []float64) (x, p []float64) {
	s := slices.Clone(data)
	sort.Float64s(s)
	n := float64(len(s))
	for i := range s {
		if i > 0 && s[i] == s[i-1] {
			continue
		}
		x, p = append(x, s[i]), append(p, (n-float64(i))/n)
	}
	return x, p
}

// TailCCDF returns the fitted law's P(X ≥ x) at the points of x at or
// above x_min, scaled by the tail fraction NTail/n of a sample of n values
// (so that it overlays the sample's EmpiricalCCDF).
func (r *Result) TailCCDF(x []float64, n int) (fx, fy []float64) {
	frac := float64(r.NTail) / float64(n)
	for _, v := range x {
		if v < r.XMin {
			continue
		}
		below := v
		if r.Discrete {
			below = v - 1
		}
		fx, fy = append(fx, v), append(fy, frac*(1-r.CDF(below)))
	}
	return fx, fy
}
