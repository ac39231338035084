package readout

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// tolExact bounds differences that are rounding error only (different
// but exact algebra of the same linear system).
const tolExact = 1e-8

// gaussian returns an n × p matrix of N(0,1) entries.
func gaussian(n, p int, r *rand.Rand) *mat.Dense {
	x := mat.NewDense(n, p, nil)
	for i := range n {
		for j := range p {
			x.Set(i, j, r.NormFloat64())
		}
	}
	return x
}

// TestRidgeEqualsNormalEquations: the eigen-based ridge solution equals the
// textbook normal equations (AᵀA + λD)β = Aᵀy with A = [1 Z], Z the
// standardised features (population SD) and D = diag(0, 1, …, 1), solved
// directly (naive reference).
func TestRidgeEqualsNormalEquations(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n, p, k := 60, 7, 2
	x := gaussian(n, p, r)
	for i := range n { // shifted and scaled columns, so standardisation matters
		for j := range p {
			x.Set(i, j, 3*float64(j+1)*x.At(i, j)+float64(j))
		}
	}
	y := gaussian(n, k, r)
	for _, lambda := range []float64{0, 0.7, 50} {
		m, err := FitRidge(x, y, lambda)
		if err != nil {
			t.Fatal(err)
		}
		a := mat.NewDense(n, p+1, nil)
		for j := range p {
			var s, s2 float64
			for i := range n {
				s += x.At(i, j)
				s2 += x.At(i, j) * x.At(i, j)
			}
			mu := s / float64(n)
			sd := math.Sqrt(s2/float64(n) - mu*mu)
			for i := range n {
				a.Set(i, 0, 1)
				a.Set(i, j+1, (x.At(i, j)-mu)/sd)
			}
		}
		var ata, aty, beta mat.Dense
		ata.Mul(a.T(), a)
		for j := 1; j <= p; j++ {
			ata.Set(j, j, ata.At(j, j)+lambda)
		}
		aty.Mul(a.T(), y)
		if err := beta.Solve(&ata, &aty); err != nil {
			t.Fatal(err)
		}
		for o := range k {
			if d := math.Abs(beta.At(0, o) - m.B[o]); d > tolExact {
				t.Errorf("λ = %v output %d: intercept %v, normal equations %v", lambda, o, m.B[o], beta.At(0, o))
			}
			for j := range p {
				if d := math.Abs(beta.At(j+1, o) - m.W.At(j, o)); d > tolExact {
					t.Errorf("λ = %v w[%d,%d] = %v, normal equations %v", lambda, j, o, m.W.At(j, o), beta.At(j+1, o))
				}
			}
		}
		// predictions: Aβ
		var want mat.Dense
		want.Mul(a, &beta)
		got := m.PredictTo(nil, x)
		for i := range n {
			for o := range k {
				if d := math.Abs(got.At(i, o) - want.At(i, o)); d > tolExact {
					t.Fatalf("λ = %v prediction (%d,%d) = %v, want %v", lambda, i, o, got.At(i, o), want.At(i, o))
				}
			}
		}
	}
}

// separable returns two Gaussian clouds (SD 1) in p dimensions whose
// means are 10 apart along the first axis: a linear boundary separates
// them except with probability Φ(−5) ≈ 3e-7 per sample.
func separable(n, p int, r *rand.Rand) (*mat.Dense, []int) {
	x := gaussian(n, p, r)
	y := make([]int, n)
	for i := range n {
		y[i] = r.IntN(2)
		x.Set(i, 0, x.At(i, 0)+10*float64(y[i])-5)
	}
	return x, y
}

func TestSeparableDataAccuracyOne(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x, y := separable(300, 10, r)
	sp := RandomSplit(300, 0.3, r)
	for _, method := range []string{Ridge, Logistic} {
		c, err := NewClassifier(x, sp, &Options{Method: method}, r)
		if err != nil {
			t.Fatal(err)
		}
		a, err := c.Classify(y, 2)
		if err != nil {
			t.Fatal(err)
		}
		if a.Value != 1 || a.SE != 0 || a.N != 90 || a.Train != 210 {
			t.Errorf("%s: accuracy %+v, want 1 on 90 test samples", method, a)
		}
	}
}

// TestRandomLabelsAtChance: labels independent of the features cannot be
// predicted: held-out accuracy 0.5 within 3 binomial SE (a readout that
// leaked test labels into training would exceed it).
func TestRandomLabelsAtChance(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 2000
	x := gaussian(n, 50, r)
	y := make([]int, n)
	for i := range y {
		y[i] = r.IntN(2)
	}
	sp := RandomSplit(n, 0.25, r)
	for _, o := range []*Options{nil, {Method: Logistic, Lambdas: []float64{1}}} {
		c, err := NewClassifier(x, sp, o, r)
		if err != nil {
			t.Fatal(err)
		}
		a, err := c.Classify(y, 2)
		if err != nil {
			t.Fatal(err)
		}
		se := BinomialSE(0.5, a.N)
		if math.Abs(a.Value-0.5) > 3*se {
			t.Errorf("%s: random labels accuracy %v ± %v, want 0.5 within 3 SE (%v)", a.Method, a.Value, a.SE, 3*se)
		}
	}
}

// TestLogisticMatchesFrequencies: with one binary feature and λ = 0 the
// logistic MLE reproduces the empirical frequency of label 1 in each
// feature group (the saturated model; closed form logit(p̂_g)).
func TestLogisticMatchesFrequencies(t *testing.T) {
	x := mat.NewDense(100, 1, nil)
	y := make([]int, 100)
	// group x = 0: 40 samples, 10 ones (p̂ = 0.25); x = 1: 60 samples, 42 ones (0.7)
	for i := range 100 {
		if i >= 40 {
			x.Set(i, 0, 1)
			if i < 40+42 {
				y[i] = 1
			}
		} else if i < 10 {
			y[i] = 1
		}
	}
	m, err := FitLogistic(x, y, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	logit := m.PredictTo(nil, mat.NewDense(2, 1, []float64{0, 1}))
	for g, want := range []float64{0.25, 0.7} {
		p := 1 / (1 + math.Exp(-logit.At(g, 0)))
		if math.Abs(p-want) > 1e-9 {
			t.Errorf("group %d: p = %v, want the empirical %v", g, p, want)
		}
	}
}

func TestBinomialSE(t *testing.T) {
	// √(0.8·0.2/100) = 0.04
	if got := BinomialSE(0.8, 100); math.Abs(got-0.04) > 1e-15 {
		t.Errorf("BinomialSE(0.8, 100) = %v, want 0.04", got)
	}
	if !math.IsNaN(BinomialSE(0.5, 0)) {
		t.Error("BinomialSE(·, 0) should be NaN")
	}
}

func TestTargets(t *testing.T) {
	s := []int{1, 0, 1, 1, 0}
	y := make([]int, len(s))
	for _, c := range []struct {
		task Task
		want []int
	}{
		{Task{Kind: Current}, []int{1, 0, 1, 1, 0}},
		{Task{Kind: KBack, K: 1}, []int{-1, 1, 0, 1, 1}},
		{Task{Kind: KBack, K: 3}, []int{-1, -1, -1, 1, 0}},
		{Task{Kind: Parity, K: 2}, []int{-1, 1, 1, 0, 1}},  // XOR of s_t, s_{t−1}
		{Task{Kind: Parity, K: 3}, []int{-1, -1, 0, 0, 0}}, // 1+0+1, 0+1+1, 1+1+0: all even
	} {
		if got := c.task.TargetsTo(y, s); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.task.Name(), got, c.want)
		}
	}
}

// delayLine returns states that hold s_t, s_{t−1}, s_{t−2} exactly (a
// perfect memory of depth 2) plus the product s_t·s_{t−1} (which makes
// XOR of the last two linear: s_t + s_{t−1} − 2 s_t s_{t−1}) and noise
// features.
func delayLine(s []int, r *rand.Rand) *mat.Dense {
	x := mat.NewDense(len(s), 8, nil)
	for t := range s {
		at := func(k int) float64 {
			if t-k < 0 {
				return 0
			}
			return float64(s[t-k])
		}
		x.Set(t, 0, at(0))
		x.Set(t, 1, at(1))
		x.Set(t, 2, at(2))
		x.Set(t, 3, at(0)*at(1))
		for j := 4; j < 8; j++ {
			x.Set(t, j, r.NormFloat64())
		}
	}
	return x
}

// TestBatteryOnDelayLine: a readout of a depth-2 delay line solves the
// current, 1-back and 2-back tasks and 2-parity exactly, and is at chance
// (within 3 SE) on 5-back and on 4-parity: both depend on a symbol the
// states hold no information about (s_{t−5}, s_{t−3}), so the label given
// the features is a fair coin. (3-parity would not do: it is a
// deterministic but not linearly separable function of the features, and a
// linear readout can then score below chance.)
func TestBatteryOnDelayLine(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	s := make([]int, 3000)
	for i := range s {
		s[i] = r.IntN(2)
	}
	x := delayLine(s, r)
	tasks := BatteryTasks([]int{1, 2, 5}, []int{2, 4})
	res, err := RunBattery(x, s, 2, &BatteryOptions{Tasks: tasks}, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range res {
		a := tr.Accuracy
		switch tr.Task.Name() {
		case "current", "kback_1", "kback_2", "parity_2":
			if a.Value != 1 {
				t.Errorf("%s: accuracy %v ± %v, want 1", tr.Task.Name(), a.Value, a.SE)
			}
		case "kback_5", "parity_4":
			if se := BinomialSE(0.5, a.N); math.Abs(a.Value-0.5) > 3*se {
				t.Errorf("%s: accuracy %v ± %v, want 0.5 within 3 SE", tr.Task.Name(), a.Value, a.SE)
			}
		}
		if a.N != 599 { // round(0.2 · (3000 − 5))
			t.Errorf("%s: %d test samples, want 599", tr.Task.Name(), a.N)
		}
	}
}

func TestBatteryErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	x := gaussian(100, 3, r)
	s := make([]int, 100)
	for i := range s {
		s[i] = i % 3
	}
	if _, err := RunBattery(x, s, 3, nil, r); err == nil {
		t.Error("parity with 3 symbols: no error")
	}
	if _, err := RunBattery(x, s, 2, nil, r); err == nil {
		t.Error("symbol 2 with a binary alphabet: no error")
	}
	if _, err := RunBattery(x, s[:50], 3, &BatteryOptions{Tasks: []Task{{Kind: Current}}}, r); err == nil {
		t.Error("50 symbols for 100 states: no error")
	}
	if err := (&Options{Method: "svm"}).Validate(); err == nil {
		t.Error("method svm: no error")
	}
	if err := (&Options{Lambdas: []float64{-1}}).Validate(); err == nil {
		t.Error("negative lambda: no error")
	}
}
