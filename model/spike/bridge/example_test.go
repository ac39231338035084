package bridge_test

import (
	"fmt"

	"github.com/engramsim/engram/model/spike/bridge"
)

// The bridge of ZAG's P10 rule for assemblies of 5 % of the neurons firing
// at 30 Hz over a 2 Hz background (stdp-memory.md §4.4, first table row).
func Example() {
	rs, from, err := bridge.RuleFrom("zag2015")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := bridge.Run(rs, []float64{1, 2, 5, 10, 20, 40}, &bridge.Pattern{NuLoHz: 2, NuHiHz: 30, P: 0.05}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := res.Step
	fmt.Printf("%s (%s): separability %.6f\n", res.Rule, from, res.Separability.Index)
	fmt.Printf("q_f = %.6f, delta_q = %.6f, alpha_c_mft = %.6f\n", s.QF, s.DeltaQ, s.AlphaCMFT)
	// Output:
	// p10 (preset zag2015, projection E→E): separability 1.000000
	// q_f = 0.990260, delta_q = -0.040260, alpha_c_mft = 0.307807
}
