package meanfield

import (
	"testing"

	"github.com/engramsim/engram/ratefn"
)

// BenchmarkCapacityMedian: one capacity point (both definitions) at the
// medians on the accurate grid. Target < 0.5 s on one core (issue 3).
func BenchmarkCapacityMedian(b *testing.B) {
	tf, r := median()
	for b.Loop() {
		if _, err := Capacity(tf, r, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCapacityFiniteK250: the finite-K capacity at the medians,
// K = 250, c = 0.005 (≈ 0.3 s: the per-node kernel, ≈ 200 evaluations).
func BenchmarkCapacityFiniteK250(b *testing.B) {
	tf, r := median()
	for b.Loop() {
		if _, err := Capacity(tf, r, &Options{FiniteK: 250, C: 0.005}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCapacityOriginalGridLiteral: the original algorithm on the
// original grid (the cost the spec's §5 quotes as 10–30 s in Python).
func BenchmarkCapacityOriginalGridLiteral(b *testing.B) {
	tf, r := median()
	for b.Loop() {
		if _, err := Capacity(tf, r, &Options{Grid: OriginalGrid}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSolveAlpha: retrieval and background states at α = 0.2, A = 3×.
func BenchmarkSolveAlpha(b *testing.B) {
	tf := ratefn.MedianTransfer()
	r := tripleA()
	for b.Loop() {
		if _, err := Solve(tf, r, 0.2, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweepBetaG20 (Small) and BenchmarkSweepBetaG200 (Large, the full
// Fig 4B grid Logspace(−2, 2, 200); target < 1 min on 2 cores).
func BenchmarkSweepBetaG20(b *testing.B)  { benchSweep(b, 20) }
func BenchmarkSweepBetaG200(b *testing.B) { benchSweep(b, 200) }

func benchSweep(b *testing.B, n int) {
	tf, r := median()
	bs := Logspace(-2, 2, n)
	for b.Loop() {
		if _, err := SweepBetaG(tf, r, bs, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStepCapacity: one S7 point (p = 1e-3, Ā = 6.95).
func BenchmarkStepCapacity(b *testing.B) {
	for b.Loop() {
		if _, err := StepCapacity(StepParams{P: 1e-3, ABar: 6.95}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
