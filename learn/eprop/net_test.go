package eprop

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Glorot-uniform readout (TensorFlow's default, spec §9): every weight in
// [−l, l]·g, l = √(6/(n_rec + n_out)), and the sample variance matches the
// uniform's l²/3 (l including g). For U(−l, l), Var(w²)/E[w²]² = 9/5 − 1,
// so with n = 10 000 weights the variance's relative standard error is
// √(0.8/n) ≈ 0.9 %; tolerance 5 %.
func TestInitOutGlorot(t *testing.T) {
	const relTol = 0.05
	p := Defaults()
	p.NRec, p.NOut = 1000, 10
	n, err := NewNet(p)
	if err != nil {
		t.Fatal(err)
	}
	const g = 2.0
	n.InitOutGlorot(rand.New(rand.NewPCG(3, 4)), g)
	l := g * math.Sqrt(6.0/1010)
	s2, mx := 0.0, 0.0
	for _, w := range n.WOut {
		s2 += w * w
		mx = math.Max(mx, math.Abs(w))
	}
	v := s2 / float64(len(n.WOut))
	if mx > l || mx < 0.99*l {
		t.Errorf("max |w| = %.4f, want in [0.99, 1]·l = %.4f", mx, l)
	}
	if want := l * l / 3; math.Abs(v/want-1) > relTol {
		t.Errorf("variance %.5f, want l²/3 = %.5f (±%.0f %%)", v, want, 100*relTol)
	}
}
