package branchproc_test

import (
	"fmt"

	"github.com/engramsim/engram/theory/branchproc"
)

// Subsampling 1 % of the events of an m = 0.999 process leaves
// r_k = b·m^k with b ≈ 0.835: all coefficients shrink by the same factor,
// which is why a fit of the decay of r_k recovers m.
func ExampleSubsamplingFactor() {
	b := branchproc.SubsamplingFactor(0.01, 0.999)
	fmt.Printf("b = %.3f, r_1 = %.4f, tau = %.1f steps\n",
		b, branchproc.CorrelationAtLag(b, 0.999, 1), branchproc.TauFromM(0.999, 1))
	// Output:
	// b = 0.835, r_1 = 0.8340, tau = 999.5 steps
}

// At criticality avalanche sizes are Borel distributed and durations follow
// the generation recursion.
func ExampleBorelPMF() {
	fmt.Printf("P(S=1..3) = %.4f %.4f %.4f\n", branchproc.BorelPMF(1, 1), branchproc.BorelPMF(2, 1), branchproc.BorelPMF(3, 1))
	fmt.Printf("P(D=1..3) = %.4f %.4f %.4f\n", branchproc.DurationPMF(1, 1), branchproc.DurationPMF(2, 1), branchproc.DurationPMF(3, 1))
	// Output:
	// P(S=1..3) = 0.3679 0.1353 0.0747
	// P(D=1..3) = 0.3679 0.1636 0.0945
}
