package eprop

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Adam's first step is −η·g/(|g| + ε/…) = −η·sign(g) (bias-corrected
// m̂ = g, v̂ = g²; Kingma & Ba 2015 §2); its second step with a repeated
// gradient is again −η·sign(g).
func TestAdamClosedForm(t *testing.T) {
	p := [][]float64{{1, 2, 3}}
	g := [][]float64{{0.5, -2, 1e-3}}
	d := [][]float64{make([]float64, 3)}
	o := &Adam{LR: 0.01}
	o.Step(p, g, d)
	o.Step(p, g, d)
	want := []float64{1 - 0.02, 2 + 0.02, 3 - 0.02}
	for i := range want {
		// ε = 1e-8 against |g| ≥ 1e-3 changes the step by ≤ 1e-5 relative
		if math.Abs(p[0][i]-want[i]) > 1e-6 {
			t.Errorf("Adam: p[%d] = %.9f, want %.9f", i, p[0][i], want[i])
		}
	}
	s := &SGD{LR: 0.1}
	q := [][]float64{{1}}
	s.Step(q, [][]float64{{2}}, nil)
	if q[0][0] != 0.8 {
		t.Errorf("SGD: %v, want 0.8", q[0][0])
	}
}

// Masks, the zero diagonal and Dale's law hold after every update, with
// both methods and an optimiser that pushes weights across zero.
func TestConstraintsAfterEveryUpdate(t *testing.T) {
	for _, m := range []Method{MethodEProp, MethodBPTT} {
		n, x, loss, T := verifySetup(1, 4)
		r := rand.New(rand.NewPCG(3, 3))
		N := n.P.NRec
		n.Sign = make([]int8, N)
		n.MaskRec = make([]bool, N*N)
		n.MaskIn = make([]bool, n.P.NIn*N)
		for i := range n.Sign {
			n.Sign[i] = 1
			if i%3 == 0 {
				n.Sign[i] = -1
			}
		}
		for i := range n.MaskRec {
			n.MaskRec[i] = r.Float64() < 0.5
		}
		for i := range n.MaskIn {
			n.MaskIn[i] = true
		}
		n.InSign = 1
		tr, err := NewTrainer(n, TrainerOptions{Method: m, Optimizer: &Adam{LR: 0.05}, Losses: []Loss{loss, &NeuronRate{TargetHz: 100, Coef: 10}}})
		if err != nil {
			t.Fatal(err)
		}
		changed := false
		w0 := append([]float64(nil), n.WRec...)
		for it := 0; it < 30; it++ {
			if _, err := tr.Step([][]float64{x}, T); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < N; i++ {
				for j := 0; j < N; j++ {
					w := n.WRec[i*N+j]
					if (i == j || !n.MaskRec[i*N+j]) && w != 0 {
						t.Fatalf("method %d it %d: absent synapse %d→%d has weight %v", m, it, i, j, w)
					}
					if w*float64(n.Sign[i]) < 0 {
						t.Fatalf("method %d it %d: Dale violated at %d→%d: %v (sign %d)", m, it, i, j, w, n.Sign[i])
					}
				}
			}
			for _, w := range n.WIn {
				if w < 0 {
					t.Fatalf("negative input weight %v with InSign = +1", w)
				}
			}
		}
		for i := range w0 {
			changed = changed || w0[i] != n.WRec[i]
		}
		if !changed {
			t.Errorf("method %d: no recurrent weight changed: the test is vacuous", m)
		}
	}
}

func wantErr(t *testing.T, err error, sub string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), sub) {
		t.Errorf("error %v, want one containing %q", err, sub)
	}
}

// Bad input gives clear errors: incompatible convention/neuron pairs, a
// loss without its target, a learning rate ≤ 0, masks leaving a neuron
// without inputs.
func TestBadInput(t *testing.T) {
	p := Defaults()
	p.NALIF = 3
	wantErr(t, p.Validate(), "ALIF neurons with convention T")
	p = Defaults()
	p.NRef = 3
	wantErr(t, p.Validate(), "no refractory period")
	p = Defaults()
	p.TauMMs = -1
	wantErr(t, p.Validate(), "tau_m_ms = -1")
	if _, err := ParseConvention("Q"); err == nil {
		t.Error("convention Q accepted")
	}

	n, x, _, T := verifySetup(0, 0)
	_, err := NewTrainer(n, TrainerOptions{Optimizer: &SGD{LR: 0}, Losses: []Loss{&Regression{}}})
	wantErr(t, err, "learning rate = 0")
	_, err = NewTrainer(n, TrainerOptions{Optimizer: &Adam{LR: -1}, Losses: []Loss{&Regression{}}})
	wantErr(t, err, "learning rate = -1")
	_, err = NewTrainer(n, TrainerOptions{Optimizer: &SGD{LR: 1}})
	wantErr(t, err, "without a loss")

	for _, c := range []struct {
		l   Loss
		sub string
	}{
		{&Regression{}, "regression loss without a target"},
		{&Classification{}, "without its target"},
		{&NeuronRate{TargetHz: math.NaN(), Coef: 1}, "without its target"},
		{&Variance{Beta: 1, TargetVar: -1}, "without its target"},
		{&Branching{Target: 1, Coef: 1}, "without its target"},
	} {
		tr, err := NewTrainer(n, TrainerOptions{Optimizer: &SGD{LR: 1}, Losses: []Loss{c.l}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = tr.Step([][]float64{x}, T)
		wantErr(t, err, c.sub)
	}

	m := n.Clone()
	m.MaskIn = make([]bool, len(m.WIn))
	m.MaskRec = make([]bool, len(m.WRec))
	for i := range m.MaskRec {
		m.MaskRec[i] = i%m.P.NRec != 5 // nothing reaches neuron 5
	}
	_, err = NewTrainer(m, TrainerOptions{Optimizer: &SGD{LR: 1}, Losses: []Loss{&Regression{}}})
	wantErr(t, err, "neuron 5 without any incoming synapse")
	if err := n.Simulate(x[:5], T, NewRecord(n.P, T)); err == nil {
		t.Error("short input accepted")
	}
}

// Adaptive feedback receives W^out's update (plus decay); random feedback
// stays fixed.
func TestFeedbackKinds(t *testing.T) {
	for _, kind := range []FeedbackKind{Random, Adaptive} {
		n, x, loss, T := verifySetup(2, 4)
		fb := NewFeedback(kind, n.P, rand.New(rand.NewPCG(1, 9)), 1)
		b0 := append([]float64(nil), fb.B...)
		w0 := append([]float64(nil), n.WOut...)
		tr, err := NewTrainer(n, TrainerOptions{Feedback: fb, Optimizer: &SGD{LR: 0.1}, Losses: []Loss{loss}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Step([][]float64{x}, T); err != nil {
			t.Fatal(err)
		}
		for i := range fb.B {
			want := b0[i]
			if kind == Adaptive {
				want += n.WOut[i] - w0[i]
			}
			if math.Abs(fb.B[i]-want) > 1e-15 {
				t.Fatalf("%v: B[%d] = %v, want %v", kind, i, fb.B[i], want)
			}
		}
	}
}
