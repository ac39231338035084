package branching_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/engramsim/engram/analysis/branching"
	"github.com/engramsim/engram/theory/branchproc"
)

// Analyze recovers m = 0.98 from activity in which only 2 % of the events
// are observed, where the conventional estimator returns b·m ≈ 0.33.
func ExampleAnalyze() {
	rng := rand.New(rand.NewPCG(1, 2))
	_, counts, err := branchproc.SimulateDriven(rng, branchproc.Driven{
		M: 0.98, Mean: 1000, Length: 20000, Trials: 10, Subsample: 0.02,
	})
	if err != nil {
		panic(err)
	}
	res, err := branching.Analyze(counts, &branching.Options{KMax: 250})
	if err != nil {
		panic(err)
	}
	fmt.Printf("method %s, fit %s, k = %d..%d\n", res.Method, res.FitModel, res.KMin, res.KMax)
	fmt.Printf("MR m̂ ≈ %.2f, conventional ≈ %.2f\n", res.M, res.MConventional)
	// Output:
	// method sm, fit exp_offset, k = 1..250
	// MR m̂ ≈ 0.98, conventional ≈ 0.33
}

// TauFromM and MFromTau convert between the branching ratio and the
// autocorrelation time.
func ExampleTauFromM() {
	fmt.Printf("%.2f %.3f\n", branching.TauFromM(0.98, 1), branching.MFromTau(49.5, 1))
	// Output:
	// 49.50 0.980
}
