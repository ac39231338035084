package eprop

import (
	"math"
	"math/rand/v2"
	"testing"
)

// tolFD is the relative tolerance of central finite differences (h = 1e-6)
// of the losses as functions of z and y (polynomials and softmax: the
// truncation error is O(h²), the rounding error O(ε/h) ≈ 1e-10).
const tolFD = 1e-6

// randomBatch returns records with random spikes (probability p) and
// readouts, with zeroed derivatives.
func randomBatch(r *rand.Rand, B, T, N, NO int, p float64) []*Record {
	pr := Params{NIn: 1, NRec: N, NOut: NO}
	var recs []*Record
	for b := 0; b < B; b++ {
		rec := NewRecord(pr, T)
		for i := range rec.Z {
			if r.Float64() < p {
				rec.Z[i] = 1
			}
		}
		for i := range rec.Y {
			rec.Y[i] = r.NormFloat64()
		}
		recs = append(recs, rec)
	}
	return recs
}

// checkFD compares each record's DZ and DY after Eval with central
// differences of Eval in Z and Y.
func checkFD(t *testing.T, name string, l Loss, recs []*Record) {
	t.Helper()
	p := &Params{NIn: 1, NRec: recs[0].NRec, NOut: recs[0].NOut, DtMs: 1}
	if err := l.Check(p, recs); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		r.ResetGrad()
	}
	l.Eval(recs)
	eval := func() float64 {
		dz, dy := make([][]float64, len(recs)), make([][]float64, len(recs))
		for b, r := range recs { // Eval adds to DZ/DY: keep the analytic ones
			dz[b], dy[b] = append([]float64(nil), r.DZ...), append([]float64(nil), r.DY...)
		}
		e := l.Eval(recs)
		for b, r := range recs {
			copy(r.DZ, dz[b])
			copy(r.DY, dy[b])
		}
		return e
	}
	const h = 1e-6
	worst, scale := 0.0, 0.0
	for _, r := range recs {
		for _, v := range append(append([]float64(nil), r.DZ...), r.DY...) {
			scale = math.Max(scale, math.Abs(v))
		}
	}
	if scale == 0 {
		t.Fatalf("%s: zero gradient, the test would be vacuous", name)
	}
	for _, r := range recs {
		for _, blk := range []struct{ x, g []float64 }{{r.Z, r.DZ}, {r.Y, r.DY}} {
			for i := range blk.x {
				x0 := blk.x[i]
				blk.x[i] = x0 + h
				ep := eval()
				blk.x[i] = x0 - h
				em := eval()
				blk.x[i] = x0
				fd := (ep - em) / (2 * h)
				worst = math.Max(worst, math.Abs(fd-blk.g[i])/scale)
			}
		}
	}
	if worst > tolFD {
		t.Errorf("%s: analytic vs finite-difference derivative: max|Δ|/max|g| = %.3g > %g", name, worst, tolFD)
	}
}

func TestLossDerivativesFiniteDifferences(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 1))
	T := 40
	target := make([]float64, T*2)
	for i := range target {
		target[i] = r.NormFloat64()
	}
	cases := []struct {
		name string
		l    Loss
	}{
		{"regression", &Regression{Target: target, Coef: 0.7}},
		{"classification", &Classification{Labels: []int{1, 0, 1}, Start: 25}},
		{"neuron_rate", &NeuronRate{TargetHz: 20, Coef: 300, Half: true}},
		{"pop_rate", &PopRate{TargetHz: 20, Coef: 10}},
		{"variance", &Variance{Beta: 3, TargetVar: 1e-3, MeanCoef: 2, MeanTargetHz: 50}},
		{"branching", &Branching{Target: 0.9, Coef: 2}},
	}
	for _, c := range cases {
		checkFD(t, c.name, c.l, randomBatch(r, 3, T, 6, 2, 0.2))
	}
}

// EP-5: the variance loss's analytic learning signal
// 4β(σ − σ_r)(r^t − μ)/(TNΔt) equals the naive derivative that keeps the
// μ-dependence (∂σ/∂z_j^t = (2/T)Σ_s (r^s − μ)(δ_st − 1/T)/(NΔt)), to
// 1e-12; then eq. (1) with this loss equals BPTT (1e-12).
func TestEP5VarianceLoss(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 2))
	const T, N, dt = 60, 7, 0.5
	recs := randomBatch(r, 1, T, N, 1, 0.3)
	l := &Variance{Beta: 2.5, TargetVar: 0.05}
	if err := l.Check(&Params{DtMs: dt}, recs); err != nil {
		t.Fatal(err)
	}
	l.Eval(recs)
	rate := PopRateOf(nil, recs[0], dt)
	mu, sig := 0.0, 0.0
	for _, v := range rate {
		mu += v / T
	}
	for _, v := range rate {
		sig += (v - mu) * (v - mu) / T
	}
	worst, scale := 0.0, 0.0
	for tt := 0; tt < T; tt++ {
		ds := 0.0
		for s := 0; s < T; s++ {
			delta := 0.0
			if s == tt {
				delta = 1
			}
			ds += 2.0 / T * (rate[s] - mu) * (delta - 1.0/T) / (N * dt)
		}
		naive := 2 * l.Beta * (sig - l.TargetVar) * ds
		for j := 0; j < N; j++ {
			worst = math.Max(worst, math.Abs(recs[0].DZ[tt*N+j]-naive))
			scale = math.Max(scale, math.Abs(naive))
		}
	}
	if worst/scale > tolIdentity {
		t.Errorf("EP-5: analytic vs naive ∂L/∂z: %.3g > %g", worst/scale, tolIdentity)
	}
	// eq. (1) with the variance loss, LIF + ALIF network of spec §7
	for seed := uint64(0); seed < 5; seed++ {
		n, x, _, T := verifySetup(seed, 4)
		lv := &Variance{Beta: 1e3, TargetVar: 0}
		rec := forward(t, n, x, T, lv)
		g := NewGrad(n.P)
		lz := [][]float64{make([]float64, T*n.P.NRec)}
		n.BPTT([]*Record{rec}, Full, g, lz)
		gIn, gRec := factorised(n, rec, lz[0])
		if d := maxRelDiff([][]float64{gIn, gRec}, [][]float64{g.WIn, g.WRec}); !(d < tolIdentity) {
			t.Errorf("EP-5 seed %d: eq. (1) with the variance loss vs BPTT: %.3g", seed, d)
		}
	}
}
