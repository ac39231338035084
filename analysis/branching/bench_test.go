package branching

import (
	"math/rand/v2"
	"testing"

	"github.com/engramsim/engram/theory/branchproc"
)

func benchData(b *testing.B, trials, length int) [][]float64 {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	_, data, err := branchproc.SimulateDriven(rng, branchproc.Driven{M: 0.999, Mean: 100, Length: length, Trials: trials, Subsample: 0.01})
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchCoefficients(b *testing.B, trials, length, kmax int) {
	data := benchData(b, trials, length)
	opts := &CoefficientOptions{Method: StationaryMean, KMin: 1, KMax: kmax}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Coefficients(data, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCoefficients10x1e5 is the issue-6 target: 10 trials × 10⁵ bins,
// k = 1..2500, in < 1 s on one core (go test -bench Coefficients10x1e5 -cpu 1).
func BenchmarkCoefficients10x1e5(b *testing.B) { benchCoefficients(b, 10, 100000, 2500) }

func BenchmarkCoefficientsSmall(b *testing.B)  { benchCoefficients(b, 10, 10000, 50) }
func BenchmarkCoefficientsMedium(b *testing.B) { benchCoefficients(b, 10, 20000, 250) }

// BenchmarkAnalyze10x1e5 is the full default pipeline (coefficients with
// 100 bootstrap replicas, exp_offset and exp fits with bootstrap refits).
func BenchmarkAnalyze10x1e5(b *testing.B) {
	data := benchData(b, 10, 100000)
	opts := &Options{KMin: 1, KMax: 2500, KStep: 10}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Analyze(data, opts); err != nil {
			b.Fatal(err)
		}
	}
}
