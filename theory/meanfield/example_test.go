package meanfield_test

import (
	"fmt"

	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/theory/meanfield"
)

// Capacity of the inferred rule (spec R4) and the states at the Fig 3 load
// (R13).
func Example() {
	tf, rule := ratefn.MedianTransfer(), ratefn.MedianRule()
	c, err := meanfield.Capacity(tf, rule, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("alpha_c=%.4f alpha_c_scan=%.4f m_at_alpha_c=%.3f\n", c.AlphaC, c.AlphaCScan, c.MAtAlphaC)
	res, err := meanfield.Solve(tf, rule, 0.12, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, b := res.Retrieval, res.Background
	fmt.Printf("retrieval: m=%.3f mean=%.2f Hz lambda=%.3f %s\n", r.M, r.MeanRateHz, r.Lambda, r.Regime)
	fmt.Printf("background: mean=%.2f Hz sd=%.2f Hz lambda=%.3f %s\n", b.MeanRateHz, b.SDRateHz, b.Lambda, b.Regime)
	// Output:
	// alpha_c=0.5601 alpha_c_scan=0.5535 m_at_alpha_c=0.504
	// retrieval: m=0.976 mean=6.69 Hz lambda=0.033 fixed_point
	// background: mean=9.37 Hz sd=3.39 Hz lambda=0.121 fixed_point
}

// The step-function limit of Supplementary Fig S7 (spec R11).
func ExampleStepCapacity() {
	r, err := meanfield.StepCapacity(meanfield.StepParams{P: 1e-3, ABar: 6.95}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("alpha_c_scan=%.4f alpha_c=%.4f\n", r.AlphaCScan, r.AlphaC)
	// Output:
	// alpha_c_scan=0.8442 alpha_c=0.8450
}
