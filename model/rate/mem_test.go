package rate

import (
	"runtime"
	"testing"

	"github.com/engramsim/engram/conn"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/stim"
)

// allocated returns the heap bytes f allocates (runtime.MemStats.TotalAlloc).
func allocated(f func()) int64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return int64(b.TotalAlloc - a.TotalAlloc)
}

// SimBytes counts what NewSim and StartLyapunov allocate, for every
// integrator: at least all of it (worker pools and noise streams aside:
// simSlack) and nothing that is not allocated (sizes measured by the
// runtime, independent of the formula).
func TestSimBytesCountsAllocations(t *testing.T) {
	const n = 20000
	// worker goroutines, row chunks, per-block noise streams (n/4096 PCGs)
	const simSlack = 64 << 10
	tf, rule := ratefn.MedianTransfer(), ratefn.MedianRule()
	st, _ := rule.Centre(tf)
	mask, err := conn.Bernoulli(n, n, 0.001, conn.GenOptions{Seed: 1, Autapses: true})
	if err != nil {
		t.Fatal(err)
	}
	pat, _ := stim.Gaussian(stim.PatternSpec{N: n, P: 2}, 1, 0)
	fc := ComputeFactors(pat, tf, st.Rule, 0)
	if err := BuildWeights(mask, fc, rule.A/(0.001*n), 0); err != nil {
		t.Fatal(err)
	}
	m, _ := NewModel(tf, mask)
	if _, err := m.Kernel(2); err != nil { // the shared view is BuildBytes's, not the Sim's
		t.Fatal(err)
	}
	for _, in := range []Integrator{Euler, ExpEuler, RK2} {
		for _, lyap := range []bool{false, true} {
			d := DefaultDynamics()
			d.Integrator, d.NoiseSD = in, 0.1
			var s *Sim
			got := allocated(func() {
				var err error
				if s, err = NewSim(m, d, SimOptions{Workers: 2, Seed: 1}); err != nil {
					t.Fatal(err)
				}
				if lyap {
					if err := s.StartLyapunov(1, 20, 1, 0); err != nil {
						t.Fatal(err)
					}
				}
			})
			s.Close()
			want := SimBytes(n, d, lyap)
			if got > want+simSlack || got < want {
				t.Errorf("%v, Lyapunov %v: allocated %d bytes, SimBytes %d (slack %d)", in, lyap, got, want, simSlack)
			}
		}
	}
}

// BuildBytes bounds the heap a build holds: patterns, mask, factors,
// weights, then the Tiled view (measured as live heap after a collection,
// independent of the formula).
func TestBuildBytesBoundsLiveHeap(t *testing.T) {
	for _, tc := range []struct {
		n    int
		c    float64
		p    int
		mask string
	}{{20000, 0.0125, 30, "bernoulli"}, {10000, 0.02, 140, "bernoulli"}, {10000, 0.0123, 10, "fixed"}} {
		var live int64
		var a runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&a)
		tf, rule := ratefn.MedianTransfer(), ratefn.MedianRule()
		st, _ := rule.Centre(tf)
		pat, _ := stim.Gaussian(stim.PatternSpec{N: tc.n, P: tc.p}, 1, 0)
		o := conn.GenOptions{Seed: 1, Autapses: true}
		var mask *conn.CSR
		var err error
		if tc.mask == "fixed" {
			mask, err = conn.FixedInDegree(tc.n, tc.n, int(tc.c*float64(tc.n)+0.5), o)
		} else {
			mask, err = conn.Bernoulli(tc.n, tc.n, tc.c, o)
		}
		if err != nil {
			t.Fatal(err)
		}
		fc := ComputeFactors(pat, tf, st.Rule, 0)
		if err := BuildWeights(mask, fc, rule.A/(tc.c*float64(tc.n)), 0); err != nil {
			t.Fatal(err)
		}
		heap := func() int64 {
			var b runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&b)
			return int64(b.HeapAlloc) - int64(a.HeapAlloc)
		}
		live = heap() // building: patterns, mask, all factors
		m, _ := NewModel(tf, mask)
		fc.F, fc.G = nil, nil
		if _, err := m.Kernel(2); err != nil {
			t.Fatal(err)
		}
		live = max(live, heap())
		want := BuildBytes(tc.n, tc.c, tc.p)
		t.Logf("N %d, c %g, p %d (%s): live %d, BuildBytes %d (%.2f×)", tc.n, tc.c, tc.p, tc.mask, live, want, float64(want)/float64(live))
		if live > want {
			t.Errorf("N %d, c %g, p %d: live heap %d > BuildBytes %d", tc.n, tc.c, tc.p, live, want)
		}
		runtime.KeepAlive(m)
		runtime.KeepAlive(pat)
		runtime.KeepAlive(fc)
	}
}
