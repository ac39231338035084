package rate

import (
	"math"
	"slices"
	"testing"

	"github.com/engramsim/engram/ratefn"
)

// TestKernelCache: Sims of one Model share its tiled kernel; after W is
// changed in place the cached copy is stale until ResetKernel, after which
// a step uses the new weights (checked against a float64 step on the CSR).
func TestKernelCache(t *testing.T) {
	const n = 700 // not a multiple of the 256-row window
	m, _, _, _ := network(t, n, 40, 4, ratefn.MedianA, 3)
	k1, err := m.Kernel(1)
	if err != nil {
		t.Fatal(err)
	}
	if k2, _ := m.Kernel(2); k2 != k1 {
		t.Fatal("second Kernel call rebuilt the view")
	}
	for k := range m.W.W {
		m.W.W[k] *= 2
	}
	m.ResetKernel()
	if k3, _ := m.Kernel(2); k3 == k1 {
		t.Fatal("ResetKernel kept the stale view")
	}
	s, err := NewSim(m, DefaultDynamics(), SimOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r0 := make([]float64, n)
	for i := range s.R {
		s.R[i] = float32(0.5 * float64(i%11))
		r0[i] = float64(s.R[i])
	}
	s.Step()
	for i := 0; i < n; i++ {
		pre, w := m.W.Row(i)
		var h float64
		for q, j := range pre {
			h += float64(w[q]) * r0[j]
		}
		want := r0[i] + 0.025*(m.TF.Rate(h)-r0[i])
		// float32 state, one step: relative error ≲ 1e-6
		if math.Abs(float64(s.R[i])-want) > 1e-5*math.Max(1, math.Abs(want)) {
			t.Fatalf("neuron %d: %v, float64 step with the doubled weights %v", i, s.R[i], want)
		}
	}
}

// TestLyapunovTwinFused: advancing the Lyapunov twin in the same pass over
// W as the state (MulVec2Range) gives exactly the bits of two passes, for
// both Euler schemes, with 1 and 2 workers, at a chaotic load (A = 3 ×
// median, α = 0.5, where the twin separates and is renormalised).
func TestLyapunovTwinFused(t *testing.T) {
	const n = 1000
	m, _, _, pat := network(t, n, 40, 20, 3*ratefn.MedianA, 7)
	defer func() { fuseTwin = true }()
	for _, integ := range []Integrator{Euler, ExpEuler} {
		for _, workers := range []int{1, 2} {
			var rs [2][]float32
			var lams [2]float64
			for v, fuse := range []bool{true, false} {
				fuseTwin = fuse
				d := DefaultDynamics()
				d.Integrator = integ
				s, err := NewSim(m, d, SimOptions{Workers: workers})
				if err != nil {
					t.Fatal(err)
				}
				for i := range s.R {
					s.R[i] = float32(m.TF.Rate(float64(pat.Row(0)[i])))
				}
				if err := s.StartLyapunov(1e-3*math.Sqrt(n), 20, 1, 2); err != nil {
					t.Fatal(err)
				}
				for k := 0; k < 400; k++ {
					s.Step()
				}
				rs[v] = append([]float32(nil), s.R...)
				lams[v], _ = s.LyapunovPerSecond()
				s.Close()
			}
			if !slices.Equal(rs[0], rs[1]) || lams[0] != lams[1] || math.IsNaN(lams[0]) {
				t.Fatalf("integrator %v, %d workers: fused twin differs (λ %v vs %v)", integ, workers, lams[0], lams[1])
			}
		}
	}
}
