package meanfield

import (
	"math"
	"testing"
)

// R11 (§4, §2.4; capacity_vs_p_A.p + [independent re-implementation
// (numpy)]): S7 step-limit capacity with f = g, original scan rule.
func TestR11StepLimit(t *testing.T) {
	cases := []struct {
		p, abar, want float64
	}{
		{1e-3, 6.95, 0.844}, {1e-3, 8, 0.767}, {1e-3, 10, 0.636}, {0.01, 6.95, 0.790},
		{0.5, 20, 0.4195}, {0.5, 100, 0.340}, {1e-3, 5, 0},
		{1e-3, math.Inf(1), 1 / math.Pi}, {0.1, math.Inf(1), 1 / math.Pi}, {0.5, math.Inf(1), 1 / math.Pi},
	}
	pts := make([]StepParams, len(cases))
	for i, c := range cases {
		pts[i] = StepParams{P: c.p, ABar: c.abar}
	}
	res, err := StepSweep(pts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if !res[i].Converged {
			t.Fatalf("%+v: %s", c, res[i].Err)
		}
		near(t, "S7 α_c scan (p = "+ftoa(c.p)+", Ā = "+ftoa(c.abar)+")", res[i].AlphaCScan, c.want, tolR11)
	}
}

// R12 (§4, §2.4 panel C; capacity_vs_A_p0.p): Δq ≠ 0 at p = 1e-3. The
// asymptotes at Ā = 1000 approach σ²/π (correct theory); the maxima over the
// Ā grid logspace(0, 3, 400) are compared with the published values both
// with BugCompatible (the original's missing m) and with the correct
// theory, which differs from the published maxima by < 0.01.
func TestR12StepDeltaQ(t *testing.T) {
	dqs := []float64{0, 0.02, 0.05, 0.1}
	asym := []float64{0.318, 0.227, 0.091, 0.029}
	var pts []StepParams
	for _, dq := range dqs {
		pts = append(pts, StepParams{P: 1e-3, ABar: 1000, DeltaQ: dq})
	}
	res, err := StepSweep(pts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, dq := range dqs {
		near(t, "α_c(Ā = 1000), Δq = "+ftoa(dq), res[i].AlphaCScan, asym[i], tolR12)
		near(t, "σ²/π, Δq = "+ftoa(dq), res[i].Sigma*res[i].Sigma/math.Pi, asym[i], tolR12)
	}
	maxima := []float64{0.837, 0.636, 0.280, 0.108}
	at := []float64{6.95, 8.27, 13.0, 23.4}
	grid := Logspace(0, 3, 400)
	for _, bug := range []bool{true, false} {
		for i, dq := range dqs {
			// Grid points within ±6 % of the published location.
			var pts []StepParams
			const w = 0.06
			for _, a := range grid {
				if math.Abs(a/at[i]-1) <= w {
					pts = append(pts, StepParams{P: 1e-3, ABar: a, DeltaQ: dq, BugCompatible: bug})
				}
			}
			res, err := StepSweep(pts, nil)
			if err != nil {
				t.Fatal(err)
			}
			best := res[0]
			for _, r := range res {
				if r.AlphaCScan > best.AlphaCScan {
					best = r
				}
			}
			name := "max α_c, Δq = " + ftoa(dq)
			if bug {
				name += " (bug-compatible)"
			}
			near(t, name, best.AlphaCScan, maxima[i], tolR12Max)
		}
	}
}

// The Heaviside limit (Ā = ∞) follows α_c = σ²/π (§2.4) also for Δq ≠ 0.
func TestStepHeavisideLimit(t *testing.T) {
	for _, dq := range []float64{0, 0.02, 0.05} {
		r, err := StepCapacity(StepParams{P: 1e-3, ABar: math.Inf(1), DeltaQ: dq}, nil)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "Ā = ∞ branch end, Δq = "+ftoa(dq), r.AlphaEnd, r.Sigma*r.Sigma/math.Pi, tolR11)
	}
}
