package rate

import (
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/stim"
)

// TestLockstepIdentical: two Sims stepped as a pair (different initial
// states, external inputs and noise streams) end with the bits of the same
// Sims stepped alone, for Euler and exponential Euler and 1 or 2 workers;
// also when one leaves early (Close) or starts a Lyapunov twin mid-run, and
// the pair really shared steps.
func TestLockstepIdentical(t *testing.T) {
	const n = 1000
	m, _, _, pat := network(t, n, 40, 20, 3*ratefn.MedianA, 7)
	type plan struct{ steps, lyapAt int }
	plans := [][2]plan{
		{{300, -1}, {300, -1}},  // equal runs
		{{300, -1}, {120, -1}},  // the second leaves early
		{{300, 100}, {300, -1}}, // the first starts a twin at step 100
	}
	for _, integ := range []Integrator{Euler, ExpEuler} {
		for _, workers := range []int{1, 2} {
			for pi, pl := range plans {
				d := DefaultDynamics()
				d.Integrator = integ
				d.NoiseSD = 0.3
				newSim := func(v int) *Sim { return trialSim(t, m, d, workers, v, pat) }
				run := func(s *Sim, p plan) ([]float32, float64) {
					defer s.Close()
					for k := 0; k < p.steps; k++ {
						if k == p.lyapAt {
							if err := s.StartLyapunov(1e-3*math.Sqrt(n), 20, 1, 2); err != nil {
								t.Error(err)
								return nil, 0
							}
						}
						s.Step()
					}
					lam, _ := s.LyapunovPerSecond()
					return append([]float32(nil), s.R...), lam
				}
				var alone [2][]float32
				var lamAlone [2]float64
				for v := range 2 {
					alone[v], lamAlone[v] = run(newSim(v), pl[v])
				}
				var ls Lockstep
				sims := [2]*Sim{newSim(0), newSim(1)}
				for _, s := range sims {
					if err := ls.Join(s); err != nil {
						t.Fatal(err)
					}
				}
				var paired [2][]float32
				var lamPaired [2]float64
				var wg sync.WaitGroup
				for v := range 2 {
					wg.Go(func() { paired[v], lamPaired[v] = run(sims[v], pl[v]) })
				}
				wg.Wait()
				for v := range 2 {
					if !slices.Equal(alone[v], paired[v]) || !(lamAlone[v] == lamPaired[v] || math.IsNaN(lamAlone[v]) && math.IsNaN(lamPaired[v])) {
						t.Fatalf("%v, %d workers, plan %d, Sim %d: paired result differs", integ, workers, pi, v)
					}
				}
				want := int64(min(pl[0].steps, pl[1].steps))
				if pl[0].lyapAt >= 0 {
					want = int64(pl[0].lyapAt)
				}
				if got := ls.Shared(); got != want {
					t.Fatalf("%v, plan %d: %d shared steps, want %d", integ, pi, got, want)
				}
			}
		}
	}
}

// trialSim is Sim v of a pair test: its own noise stream, started at φ of
// pattern v, with an external input that differs between the two.
func trialSim(t *testing.T, m *Model, d Dynamics, workers, v int, pat *stim.Patterns) *Sim {
	t.Helper()
	s, err := NewSim(m, d, SimOptions{Workers: workers, Seed: 5, Trial: uint64(v)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.R {
		s.R[i] = float32(m.TF.Rate(float64(pat.Row(v)[i])))
		s.Ext[i] = float32(v) * 0.1 * float32(i%7)
	}
	return s
}

// TestLockstepJoinErrors: RK2, a third member, another model, a Sim with a
// twin, and joining twice are refused.
func TestLockstepJoinErrors(t *testing.T) {
	m, _, _, _ := network(t, 500, 20, 10, ratefn.MedianA, 3)
	m2, _, _, _ := network(t, 500, 20, 10, ratefn.MedianA, 4)
	sim := func(m *Model, integ Integrator) *Sim {
		d := DefaultDynamics()
		d.Integrator = integ
		s, err := NewSim(m, d, SimOptions{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	var ls Lockstep
	if ls.Join(sim(m, RK2)) == nil {
		t.Fatal("RK2 joined")
	}
	a := sim(m, Euler)
	if err := ls.Join(a); err != nil {
		t.Fatal(err)
	}
	if ls.Join(a) == nil {
		t.Fatal("joined twice")
	}
	if ls.Join(sim(m2, Euler)) == nil {
		t.Fatal("another model joined")
	}
	if ls.Join(sim(m, ExpEuler)) == nil {
		t.Fatal("other dynamics joined")
	}
	tw := sim(m, Euler)
	if err := tw.StartLyapunov(1, 5, 1, 1); err != nil {
		t.Fatal(err)
	}
	if ls.Join(tw) == nil {
		t.Fatal("a Sim with a twin joined")
	}
	if err := ls.Join(sim(m, Euler)); err != nil {
		t.Fatal(err)
	}
	if ls.Join(sim(m, Euler)) == nil {
		t.Fatal("a third member joined")
	}
}

// TestLockstepPanicPropagates: when the paired step panics on one
// goroutine (here because the waiting partner's Ext is too short), the
// partner panics too instead of waiting forever.
func TestLockstepPanicPropagates(t *testing.T) {
	m, _, _, _ := network(t, 500, 20, 10, ratefn.MedianA, 3)
	var ls Lockstep
	sims := make([]*Sim, 2)
	for i := range sims {
		s, err := NewSim(m, DefaultDynamics(), SimOptions{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := ls.Join(s); err != nil {
			t.Fatal(err)
		}
		sims[i] = s
	}
	a, b := sims[0], sims[1]
	a.Ext = a.Ext[:10]
	aPanic := make(chan any, 1)
	go func() {
		defer a.Close()
		defer func() { aPanic <- recover() }()
		a.Step()
	}()
	for ls.waitingSim() != a {
		time.Sleep(time.Millisecond)
	}
	var bPanic any
	func() {
		defer b.Close()
		defer func() { bPanic = recover() }()
		b.Step()
	}()
	select {
	case v := <-aPanic:
		if v == nil || bPanic == nil {
			t.Fatalf("panics: waiting Sim %v, stepping Sim %v; want both", v, bPanic)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting Sim is stuck after its partner's paired step panicked")
	}
}
