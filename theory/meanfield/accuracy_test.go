package meanfield

import (
	"math"
	"testing"

	"github.com/engramsim/engram/ratefn"
)

// bruteMoments is a naive reference for the 2-D Gaussian integrals: midpoint
// rules with spacing hx in x and hz in z on [−9, 9]², using ratefn's φ, φ′,
// f and g directly (no logistic factorisation, no Gauss nodes). For the
// analytic, Gaussian-weighted integrands here the midpoint rule converges
// faster than any power of h, so hx = 0.002, hz = 0.01 is a reference to
// ≈1e-12.
func bruteMoments(tf ratefn.Transfer, st ratefn.Stats, q, delta, hx, hz float64) moments {
	nx, nz := int(math.Round(18/hx)), int(math.Round(18/hz))
	norm := 1 / math.Sqrt(2*math.Pi)
	zs := make([]float64, nz)
	wz := make([]float64, nz)
	for j := range zs {
		z := -9 + (float64(j)+0.5)*hz
		zs[j], wz[j] = z, hz*norm*math.Exp(-0.5*z*z)
	}
	sd := math.Sqrt(delta)
	var mo moments
	for i := 0; i < nx; i++ {
		x := -9 + (float64(i)+0.5)*hx
		wx := hx * norm * math.Exp(-0.5*x*x)
		r := tf.Rate(x)
		a, g := st.Rule.A*st.Rule.F.Eval(r), st.Rule.G.Eval(r)
		var s0, s1, s2, s11 float64
		for j, z := range zs {
			h := a*q + sd*z
			ph, dp := tf.Rate(h), tf.Deriv(h)
			s0 += wz[j] * ph
			s2 += wz[j] * ph * ph
			s1 += wz[j] * dp
			s11 += wz[j] * dp * dp
		}
		mo.Q += wx * g * s0
		mo.DQ += wx * g * a * s1
		mo.R1 += wx * s0
		mo.R2 += wx * s2
		mo.D2 += wx * s11
	}
	return mo
}

// accuracyRel is the relative accuracy the default (accurate) grid must
// reach on every moment. Measured: ≤ 3e-7 (the worst is ∂⟨g r⟩/∂q at
// A = 3 × median, small Δ); ≤ 1e-9 for ⟨g r⟩ and ⟨r²⟩ at the median rule.
const accuracyRel = 1e-6

// TestGridAccuracy documents the accuracy of the default grid against the
// brute-force reference, at the R4 scan point (median rule, q_c = 1.35,
// Δ_c = 5.57), at a retrieval point of A = 3 × median, and at large Δ where
// the z rule switches from Gauss–Hermite to Gauss–Legendre panels.
func TestGridAccuracy(t *testing.T) {
	tf := ratefn.MedianTransfer()
	big := ratefn.MedianRule()
	big.A *= 3
	cases := []struct {
		name     string
		rule     ratefn.Rule
		q, delta float64
	}{
		{"median, R4 scan point", ratefn.MedianRule(), 1.35, 5.57},
		{"3×A, small Δ", big, 2.0, 5},
		{"3×A, Δ = 112 (GL in z)", big, 0.43, 112},
	}
	if testing.Short() {
		cases = cases[:1]
	}
	for _, c := range cases {
		st, err := c.rule.Centre(tf)
		if err != nil {
			t.Fatal(err)
		}
		ref := bruteMoments(tf, st, c.q, c.delta, 0.002, 0.01)
		o, _ := (*Options)(nil).resolve()
		m, err := newModel(tf, c.rule, &o)
		if err != nil {
			t.Fatal(err)
		}
		got := m.eval(c.q, c.delta, 0)
		for _, v := range []struct {
			n         string
			got, want float64
		}{{"⟨g r⟩", got.Q, ref.Q}, {"⟨g a φ′⟩", got.DQ, ref.DQ}, {"⟨r⟩", got.R1, ref.R1}, {"⟨r²⟩", got.R2, ref.R2}, {"⟨φ′²⟩", got.D2, ref.D2}} {
			if rel := math.Abs(v.got-v.want) / math.Abs(v.want); rel > accuracyRel {
				t.Errorf("%s: %s = %.12g, brute force %.12g (rel %.2g > %g)", c.name, v.n, v.got, v.want, rel, accuracyRel)
			}
		}
	}
}

// TestSteepGRefinement checks the automatic x refinement for a step-like g
// (β_g = 100/Hz, transition width 7e-4 in x) against a 1-D midpoint rule with
// spacing 1e-5: q_g and E[g²] computed on the model's x nodes. (At this β_g
// ratefn.Centre, whose GaussExpect uses fixed 0.02-wide panels, gives q_g
// 4.6e-5 too large and E[g²] 1.4e-3 too small; meanfield recomputes the
// constants on its refined rule.)
func TestSteepGRefinement(t *testing.T) {
	tf := ratefn.MedianTransfer()
	r := ratefn.MedianRule()
	r.G.BetaPerHz = 100
	o, _ := (*Options)(nil).resolve()
	m, err := newModel(tf, r, &o)
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-5
	var et float64
	for x := -9 + h/2; x < 9; x += h {
		et += h * math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi) * math.Tanh(r.G.BetaPerHz*(tf.Rate(x)-r.G.XHz))
	}
	qg := 0.5 * (1 - et)
	r.G.Q = qg
	var eg2 float64
	for x := -9 + h/2; x < 9; x += h {
		g := r.G.Eval(tf.Rate(x))
		eg2 += h * math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi) * g * g
	}
	if math.Abs(m.stats.Rule.G.Q-qg) > 1e-8 || math.Abs(m.stats.EG2-eg2) > 1e-8*eg2 {
		t.Errorf("steep g: q_g %.10f vs brute %.10f; E[g²] %.10g vs %.10g", m.stats.Rule.G.Q, qg, m.stats.EG2, eg2)
	}
	// E[g] = 0 on the model's own x nodes, so q = 0 solves the overlap
	// equation exactly.
	var eg float64
	for i, w := range m.xw {
		eg += w * m.g[i]
	}
	if math.Abs(eg) > 1e-13 {
		t.Errorf("E[g] on the x nodes = %g", eg)
	}
}
