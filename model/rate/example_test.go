package rate_test

import (
	"fmt"

	"github.com/engramsim/engram/conn"
	"github.com/engramsim/engram/model/rate"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/stim"
	"gonum.org/v1/gonum/stat"
)

// A network of N = 2000 neurons (K = 200) storing p = 5 patterns at three
// times the median amplitude, started from φ(4 ξ¹): after 500 ms it still
// holds pattern 1 and no other (the rates correlate 0.54 with ξ¹ and
// |0.04| or less with the others: α = p/K = 0.025 is far below the
// capacity, so the cue is retrieved and held). This is the snippet of the
// package doc, compiled and run.
func ExampleSim() {
	const n, c, p = 2000, 0.1, 5
	tf, rule := ratefn.MedianTransfer(), ratefn.MedianRule()
	rule.A *= 3
	st, err := rule.Centre(tf) // q_g such that E[g] = 0
	if err != nil {
		panic(err)
	}
	pat, err := stim.Gaussian(stim.PatternSpec{N: n, P: p}, 1, 2)
	if err != nil {
		panic(err)
	}
	mask, err := conn.Bernoulli(n, n, c, conn.GenOptions{Seed: 1, Autapses: true})
	if err != nil {
		panic(err)
	}
	fc := rate.ComputeFactors(pat, tf, st.Rule, 2)
	if err := rate.BuildWeights(mask, fc, st.Rule.A/(c*n), 2); err != nil { // W = (A/K) c_ij Σ f g
		panic(err)
	}
	m, err := rate.NewModel(tf, mask)
	if err != nil {
		panic(err)
	}
	s, err := rate.NewSim(m, rate.DefaultDynamics(), rate.SimOptions{Workers: 2, Seed: 1})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	for i, x := range pat.Row(1) { // cue: r(0) = φ(4 ξ¹); s.Ext is the external current
		s.R[i] = float32(tf.Rate(4 * float64(x)))
	}
	for k := 0; k < 1000; k++ { // 1000 steps of dt = 0.5 ms
		s.Step()
	}
	r := make([]float64, n)
	for i, v := range s.R {
		r[i] = float64(v)
	}
	for mu := 0; mu < p; mu++ {
		xi := make([]float64, n)
		for i, x := range pat.Row(mu) {
			xi[i] = float64(x)
		}
		fmt.Printf("pattern %d: corr(r, ξ) > 0.25: %v\n", mu, stat.Correlation(r, xi, nil) > 0.25)
	}
	fmt.Printf("t = %.0f ms\n", s.TimeMs())
	// Output:
	// pattern 0: corr(r, ξ) > 0.25: false
	// pattern 1: corr(r, ξ) > 0.25: true
	// pattern 2: corr(r, ξ) > 0.25: false
	// pattern 3: corr(r, ξ) > 0.25: false
	// pattern 4: corr(r, ξ) > 0.25: false
	// t = 500 ms
}
