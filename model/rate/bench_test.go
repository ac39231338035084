package rate

import (
	"testing"

	"github.com/engramsim/engram/conn"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/stim"
)

// benchStep measures one Euler step (fused matvec + φ) of the PB network.
// Sizes of issue 2: N = 50 000, c = 0.005 (12.5 M synapses) and N = 40 000,
// c = 0.1 (160 M synapses). Reported: ns per synapse per step.
func benchStep(b *testing.B, n int, c float64, workers int) {
	tf, rule := ratefn.MedianTransfer(), ratefn.MedianRule()
	st, _ := rule.Centre(tf)
	mask, err := conn.Bernoulli(n, n, c, conn.GenOptions{Seed: 1, Autapses: true})
	if err != nil {
		b.Fatal(err)
	}
	pat, _ := stim.Gaussian(stim.PatternSpec{N: n, P: 2}, 1, 0)
	fc := ComputeFactors(pat, tf, st.Rule, 0)
	if err := BuildWeights(mask, fc, rule.A/(c*float64(n)), 0); err != nil {
		b.Fatal(err)
	}
	m, _ := NewModel(tf, mask)
	s, _ := NewSim(m, DefaultDynamics(), SimOptions{Workers: workers})
	defer s.Close()
	for i := range s.R {
		s.R[i] = float32(tf.Rate(float64(pat.Row(0)[i])))
	}
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		s.Step()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(mask.NNZ()), "ns/nnz")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/step")
}

func BenchmarkStepN50kC005W1(b *testing.B) { benchStep(b, 50000, 0.005, 1) }
func BenchmarkStepN50kC005W2(b *testing.B) { benchStep(b, 50000, 0.005, 2) }
func BenchmarkStepN40kC01W1(b *testing.B)  { benchStep(b, 40000, 0.1, 1) }
func BenchmarkStepN40kC01W2(b *testing.B)  { benchStep(b, 40000, 0.1, 2) }

// BenchmarkBuildN50kP140 is the weight build of the paper's chaotic setting:
// 12.5 M synapses × p = 140 (the original Python takes 541 s).
func BenchmarkBuildN50kP140(b *testing.B) {
	const n, c, p = 50000, 0.005, 140
	tf, rule := ratefn.MedianTransfer(), ratefn.MedianRule()
	st, _ := rule.Centre(tf)
	pat, _ := stim.Gaussian(stim.PatternSpec{N: n, P: p}, 1, 0)
	fc := ComputeFactors(pat, tf, st.Rule, 0)
	mask, _ := conn.Bernoulli(n, n, c, conn.GenOptions{Seed: 1, Autapses: true})
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		if err := BuildWeights(mask, fc, rule.A/(c*n), 0); err != nil {
			b.Fatal(err)
		}
	}
}
