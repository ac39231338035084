package powerlaw

import (
	"math"
	"testing"
)

// The empirical CCDF of {1, 2, 2, 3} is P(X ≥ 1) = 1, P(X ≥ 2) = 3/4,
// P(X ≥ 3) = 1/4; a continuous fit's tail CCDF at x_min is the tail
// fraction, and it falls as (x/x_min)^(1−α).
func TestCCDF(t *testing.T) {
	x, p := EmpiricalCCDF([]float64{3, 2, 1, 2})
	if len(x) != 3 || x[1] != 2 || p[0] != 1 || p[1] != 0.75 || p[2] != 0.25 {
		t.Errorf("EmpiricalCCDF = %v %v", x, p)
	}
	r := &Result{Alpha: 2.5, XMin: 1, NTail: 50}
	fx, fy := r.TailCCDF([]float64{0.5, 1, 4}, 100)
	if len(fx) != 2 || math.Abs(fy[0]-0.5) > 1e-12 || math.Abs(fy[1]-0.5*math.Pow(4, -1.5)) > 1e-12 {
		t.Errorf("TailCCDF = %v %v", fx, fy)
	}
}
