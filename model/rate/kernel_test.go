package rate

import (
	"math"
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
