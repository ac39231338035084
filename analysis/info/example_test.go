package info_test

import (
	"fmt"

	"github.com/engramsim/engram/analysis/info"
)

// The XOR triple: no pairwise information, one bit of synergy.
func ExamplePMF() {
	p := &info.PMF{Shape: []int{2, 2, 2}, P: make([]float64, 8)}
	for x := range 2 {
		for y := range 2 {
			p.P[x*4+y*2+(x^y)] = 0.25
		}
	}
	fmt.Printf("I(X;Z) = %.3f bits, I(X,Y;Z) = %.3f bits, TC = %.3f bits\n",
		p.MutualInfo([]int{0}, []int{2})/info.Ln2, p.MutualInfo([]int{0, 1}, []int{2})/info.Ln2, p.TotalCorrelation()/info.Ln2)
	// Output: I(X;Z) = 0.000 bits, I(X,Y;Z) = 1.000 bits, TC = 1.000 bits
}

func ExampleEntropyMillerMadow() {
	e, _ := info.EntropyMillerMadow([]int{3, 1, 0, 4})
	fmt.Printf("%.4f nats (plug-in %.4f, %s, %d of %d bins occupied)\n", e.Value, e.Plugin, e.Method, e.Settings.Occupied, e.Settings.Bins)
	// Output: 1.0993 nats (plug-in 0.9743, miller-madow, 3 of 4 bins occupied)
}
