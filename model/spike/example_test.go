package spike_test

import (
	"fmt"

	"github.com/engramsim/engram/model/spike"
)

// A single Brunel LIF neuron with constant drive μ = 25 mV fires every
// 240 steps of 0.1 ms (τ_ref = 2 ms plus the first passage from V_r = 10 mV
// to θ = 20 mV, 20 ln 3 = 21.97 ms, rounded up to whole steps).
func ExampleBuild() {
	nr := spike.DefaultNeuron()
	nr.IBiasMV = 25
	s := spike.Spec{DtMs: 0.1, Seed: 1, Populations: []spike.PopulationSpec{{Name: "N", N: 1, Sign: "exc", Neuron: nr}}}
	net, err := spike.Build(&s, nil)
	if err != nil {
		panic(err)
	}
	defer net.Close()
	var spikes []int64
	for i := 0; i < 1000; i++ {
		_ = net.Step()
		if len(net.Spiked(0)) > 0 {
			spikes = append(spikes, net.Steps()-1)
		}
	}
	fmt.Println(spikes)
	// Output: [321 561 801]
}
