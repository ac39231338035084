package infer_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/engramsim/engram/infer"
	"github.com/engramsim/engram/ratefn"
)

// Synthetic self-test of spec §3: data from the median φ and f, then
// inference with a small bootstrap.
func Example() {
	truth, err := infer.ParamsFromITC(ratefn.Median(ratefn.ITCFits()))
	if err != nil {
		panic(err)
	}
	spec := infer.SynthSpecFromParams(truth)
	spec.NNovel, spec.NFamiliar = 5000, 5000
	nd, err := infer.Synthesize("median", spec, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	res, err := infer.Infer(nd, 0, &infer.Options{Bootstrap: 50, Seed: 1})
	if err != nil {
		panic(err)
	}
	b, x := res.TransferFit.Beta, res.RuleFit.XFHz
	fmt.Printf("beta = %.2f (true %.2f), 95%% CI [%.2f, %.2f]\n", b.Value, truth.Beta, b.Lo, b.Hi)
	fmt.Printf("x_f  = %.1f Hz (true %.1f Hz), 95%% CI [%.1f, %.1f]\n", x.Value, truth.XFHz, x.Lo, x.Hi)
	fmt.Println("rank preservation flagged:", res.Rank.Violated)
	// Output:
	// beta = 0.82 (true 0.82), 95% CI [0.79, 0.84]
	// x_f  = 28.0 Hz (true 26.6 Hz), 95% CI [26.3, 38.2]
	// rank preservation flagged: false
}
