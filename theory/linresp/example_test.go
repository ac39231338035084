package linresp_test

import (
	"fmt"
	"math/cmplx"

	"github.com/engramsim/engram/theory/linresp"
)

// The LIF neuron of Brunel 2000 (τ = 20 ms, θ = 20, V_r = 10 mV, τ_ref =
// 2 ms) at μ = 15, σ = 5 mV: the Siegert rate is 9.46080 Hz
// (theory/siegert); its rate response and spike-train spectrum at 10 Hz.
func Example() {
	n := linresp.Neuron{TauMMs: 20, VThMV: 20, VResetMV: 10, VLbMV: -30, TauRefMs: 2, DVMV: 0.01}
	s, _ := n.Steady(15, 5)
	r, _ := n.Respond(15, 5, 10)
	fmt.Printf("r0 = %.4f Hz, |A(10 Hz)| = %.3f Hz/mV, C0(10 Hz) = %.3f Hz\n", s.RateHz, cmplx.Abs(r.A), r.Spectrum)
	// Output: r0 = 9.4608 Hz, |A(10 Hz)| = 2.585 Hz/mV, C0(10 Hz) = 7.257 Hz
}
