package branching

import (
	"errors"
	"math"
	"testing"
)

// spikeSeries is a constant series (3 events/bin) with one bin of height h.
func spikeSeries(length, at int, h float64) [][]float64 {
	x := make([]float64, length)
	for i := range x {
		x[i] = 3
	}
	x[at] = h
	return [][]float64{x}
}

// TestCoefficientsHugeValue is the issue-13 regression for "a constant
// series with one 1e308 says zero variance": the series is not constant; the
// old code overflowed (x − mean)² to +Inf, every r_k became NaN and that was
// reported as ErrConstant. r_k is invariant to shift and scale, so the series
// has the coefficients of a unit impulse δ_p, in closed form: for one trial,
// k ≥ 1 and k ≤ p < L−k, both windows of n = L−k bins hold the impulse once,
// ⟨xy⟩ = 0, so r_k = (0 − 1/n²)/(1/n − 1/n²) = −1/(n−1).
func TestCoefficientsHugeValue(t *testing.T) {
	// relTol: the inputs carry relative rounding ε ≈ 1e-16 on values ~1e308
	// and r_k ≈ −1e-3, so errors reach ~1e-13; 1e-9 leaves a wide margin
	// and is far below the O(1) error of any overflow.
	const relTol = 1e-9
	const length, at = 1000, 500
	for _, h := range []float64{1e308, -1e308, math.MaxFloat64, 7} {
		data := spikeSeries(length, at, h)
		for _, steps := range [][]int{{1, 2, 10, 400}, rangeSteps(1, 400, 1)} { // direct and FFT paths
			for _, meth := range []Method{TrialSeparated, StationaryMean} {
				c, err := Coefficients(data, &CoefficientOptions{Method: meth, Steps: steps})
				if err != nil {
					t.Fatalf("h=%g %s (%d steps): %v", h, meth, len(steps), err)
				}
				for i, k := range steps {
					want := -1 / float64(length-k-1)
					if d := math.Abs(c.Coefficients[i]/want - 1); !(d <= relTol) {
						t.Fatalf("h=%g %s (%d steps): r_%d = %v, want −1/(L−k−1) = %v", h, meth, len(steps), k, c.Coefficients[i], want)
					}
				}
				if want := (3*(length-1) + h) / length; math.Abs(c.TrialMeans[0]/want-1) > 1e-15 {
					t.Errorf("h=%g: trial mean %v, want %v", h, c.TrialMeans[0], want)
				}
			}
		}
		// The conventional estimator is the same regression at k = 1 over
		// n = L−1 pairs.
		cv, err := Conventional(data)
		if err != nil {
			t.Fatalf("h=%g conventional: %v", h, err)
		}
		if want := -1 / float64(length-2); math.Abs(cv.M/want-1) > relTol || math.IsNaN(cv.StdErr) || math.IsInf(cv.StdErr, 0) {
			t.Errorf("h=%g conventional: m = %v ± %v, want %v with a finite error", h, cv.M, cv.StdErr, want)
		}
	}
	// A truly constant series is still ErrConstant (before any transform).
	if _, err := Coefficients(spikeSeries(length, at, 3), &CoefficientOptions{Steps: rangeSteps(1, 100, 1)}); !errors.Is(err, ErrConstant) {
		t.Errorf("constant series: err = %v, want ErrConstant", err)
	}
}
