package powerlaw_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/engramsim/engram/analysis/powerlaw"
)

// Fit recovers the exponent of synthetic power-law data with x_min chosen
// by the KS scan, and the nested likelihood-ratio test does not prefer an
// exponential cut-off.
func ExampleFit() {
	rng := rand.New(rand.NewPCG(1, 1))
	x := powerlaw.SampleContinuous(rng, 2.5, 1, 5000)
	r, err := powerlaw.Fit(x, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("alpha ≈ %.1f\n", r.Alpha)
	c, err := powerlaw.Compare(r, powerlaw.Exponential)
	if err != nil {
		panic(err)
	}
	fmt.Printf("vs exponential: favoured %s\n", c.Favoured)
	// Output:
	// alpha ≈ 2.5
	// vs exponential: favoured power_law
}
