package spike

import (
	"testing"
)

// BenchmarkCOBA runs the Vogels–Abbott COBA benchmark (4000 neurons, 2 %,
// dt 0.1 ms) for 1 s of biological time per iteration on one worker and
// reports seconds per biological second and ns per neuron-step.
func BenchmarkCOBA(b *testing.B) { benchCOBA(b, 1) }

// BenchmarkCOBAW2 is BenchmarkCOBA on two workers.
func BenchmarkCOBAW2(b *testing.B) { benchCOBA(b, 2) }

func benchCOBA(b *testing.B, workers int) {
	s := COBASpec()
	net, err := Build(&s, &Options{Workers: workers})
	if err != nil {
		b.Fatal(err)
	}
	defer net.Close()
	const steps = 10000
	var spikes int64
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		for st := 0; st < steps; st++ {
			if err := net.Step(); err != nil {
				b.Fatal(err)
			}
			spikes += int64(len(net.Spiked(0)) + len(net.Spiked(1)))
		}
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(sec, "s/bio-s")
	b.ReportMetric(float64(spikes)/float64(b.N)/4000, "Hz")
}

// BenchmarkCOBANeuronUpdate times a whole Step of the COBA neurons without
// synapses (neuron update, spike bookkeeping, checkers). Conductances are
// restored to their initial values every 1000 steps so that they never
// decay into float32 subnormals (which are slow on x86 and absent from the
// connected network, whose conductances are continually re-excited).
func BenchmarkCOBANeuronUpdate(b *testing.B) {
	s := COBASpec()
	s.Projections = nil
	net, err := Build(&s, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer net.Close()
	ge0 := append([]float32(nil), net.pops[0].ge...)
	gi0 := append([]float32(nil), net.pops[0].gi...)
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		if it%1000 == 0 {
			for _, p := range net.pops {
				copy(p.ge, ge0[:p.n])
				copy(p.gi, gi0[:p.n])
			}
		}
		if err := net.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/4000, "ns/neuron-step")
}
