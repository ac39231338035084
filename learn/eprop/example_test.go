package eprop_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/engramsim/engram/learn/eprop"
)

// Symmetric e-prop is BPTT with the spike paths through the recurrence
// and the reset cut (spec §5, test EP-2): the two gradients agree to
// rounding on a network of 4 LIF and 4 ALIF neurons.
func ExampleNet_EProp() {
	r := rand.New(rand.NewPCG(1, 2))
	p := eprop.Params{NIn: 3, NRec: 8, NOut: 1, NALIF: 4, Convention: eprop.ConvP, Readout: eprop.ConvP, DtMs: 1,
		TauMMs: 20, TauAMs: 500, TauOutMs: 20, VTh: 0.62, Beta: 0.07, GammaPD: 0.3, NRef: 2}
	net, _ := eprop.NewNet(p)
	net.InitGaussian(r, 2, 2, 1)
	const T = 50
	x := eprop.FrozenBernoulli(r, T, p.NIn, 100, 1)
	y := make([]float64, T)
	for i := range y {
		y[i] = r.NormFloat64()
	}
	rec := eprop.NewRecord(p, T)
	_ = net.Simulate(x, T, rec)
	loss := &eprop.Regression{Target: y}
	E := loss.Eval([]*eprop.Record{rec}) // fills rec.DY

	ge, gb := eprop.NewGrad(p), eprop.NewGrad(p)
	net.EProp([]*eprop.Record{rec}, &eprop.Feedback{Kind: eprop.Symmetric}, ge, &eprop.Workspace{})
	net.BPTT([]*eprop.Record{rec}, eprop.CutZ, gb, nil)
	d, m := 0.0, 0.0
	for i := range gb.WRec {
		d, m = math.Max(d, math.Abs(ge.WRec[i]-gb.WRec[i])), math.Max(m, math.Abs(gb.WRec[i]))
	}
	fmt.Printf("loss %.2f, e-prop = cut BPTT: %v\n", E, d <= 1e-12*m)
	// Output:
	// loss 336.11, e-prop = cut BPTT: true
}
