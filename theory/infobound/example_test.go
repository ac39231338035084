package infobound_test

import (
	"fmt"

	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/theory/infobound"
)

// Bits per synapse of a sparse binary memory read out with 10 % misses and
// 1 % false alarms at the LKD load, and the Gardner bound at f = 0.5.
func Example() {
	iElem := infobound.BinaryChannelBits(0.05, 0.1, 0.01)
	fmt.Printf("I_elem = %.6f bits, I_syn = %.6f bits/synapse\n", iElem, infobound.BitsPerSynapse(0.025, iElem))
	g, _ := infobound.GardnerCapacity(0.5)
	fmt.Printf("Gardner alpha_c(0.5) = %.6f\n", g.AlphaC)
	fmt.Printf("cue MI, P = 20, s = 0.9: %.6f bits\n", infobound.SymmetricConfusionBits(20, 0.9))
	// Output:
	// I_elem = 0.205010 bits, I_syn = 0.005125 bits/synapse
	// Gardner alpha_c(0.5) = 2.000000
	// cue MI, P = 20, s = 0.9: 3.428140 bits
}

// The Gaussian bound on the bits per synapse of the Pereira–Brunel rate
// memory (median ITC fit) at load α = 0.12, from its mean-field retrieval
// state.
func ExamplePBRetrieval() {
	r, err := infobound.PBRetrieval(ratefn.MedianTransfer(), ratefn.MedianRule(), 0.12, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("m = %.3f, rho = %.4f, I_elem >= %.4f bits, I_syn >= %.5f bits/synapse\n", r.M, r.Rho, r.IElemBits, r.BitsPerSynapse)
	// Output:
	// m = 0.976, rho = 0.5011, I_elem >= 0.2085 bits, I_syn >= 0.02502 bits/synapse
}
