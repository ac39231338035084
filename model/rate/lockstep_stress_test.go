package rate

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/engramsim/engram/ratefn"
)

type stressPlan struct {
	steps, joinAfter, lyapAt, stopAt, extAt, workers int
}

// TestLockstepStress: random pairs — Euler or exponential Euler, with or
// without noise, 1–3 workers per Sim, different lengths (one closes
// early), a late Join, StartLyapunov and StopLyapunov at random steps,
// Ext changed mid-run, perturbed interleavings — end with the bits (R,
// Steps, Lyapunov estimate) of the same Sims stepped alone, and never
// deadlock. Written by a review helper.
func TestLockstepStress(t *testing.T) {
	const n = 700
	m, _, _, pat := network(t, n, 30, 10, 3*ratefn.MedianA, 11)
	rng := rand.New(rand.NewPCG(1, 2))
	iters := 150
	if testing.Short() {
		iters = 30
	}
	var shared int64
	defer func() { t.Logf("shared steps total %d", shared) }()
	for it := 0; it < iters; it++ {
		d := DefaultDynamics()
		if rng.IntN(2) == 1 {
			d.Integrator = ExpEuler
		}
		if rng.IntN(2) == 1 {
			d.NoiseSD = 0.3
		}
		var pl [2]stressPlan
		for v := range pl {
			p := stressPlan{steps: rng.IntN(120), joinAfter: 0, lyapAt: -1, stopAt: -1, extAt: -1, workers: 1 + rng.IntN(3)}
			if rng.IntN(3) == 0 {
				p.joinAfter = rng.IntN(20)
			}
			if rng.IntN(3) == 0 {
				p.lyapAt = p.joinAfter + rng.IntN(120)
				if rng.IntN(2) == 0 {
					p.stopAt = p.lyapAt + rng.IntN(40)
				}
			}
			if rng.IntN(2) == 0 {
				p.extAt = rng.IntN(120)
			}
			pl[v] = p
		}
		newSim := func(v int) *Sim { return trialSim(t, m, d, pl[v].workers, v, pat) }
		type out struct {
			r     []float32
			steps int64
			lam   float64
		}
		run := func(s *Sim, p stressPlan, ls *Lockstep) out {
			defer s.Close()
			for k := 0; k < p.steps; k++ {
				if ls != nil && k == p.joinAfter {
					if err := ls.Join(s); err != nil {
						t.Error(err)
					}
				}
				if k == p.lyapAt {
					if err := s.StartLyapunov(1e-3*math.Sqrt(n), 7, 1, 2); err != nil {
						t.Error(err)
					}
				}
				if k == p.stopAt {
					s.StopLyapunov()
				}
				if k == p.extAt {
					for i := range s.Ext {
						s.Ext[i] += 0.05
					}
				}
				s.Step()
				if rng2 := k % 17; rng2 == 3 {
					time.Sleep(time.Microsecond) // perturb interleavings
				}
			}
			lam, _ := s.LyapunovPerSecond()
			return out{append([]float32(nil), s.R...), s.Steps, lam}
		}
		var alone [2]out
		for v := range 2 {
			alone[v] = run(newSim(v), pl[v], nil)
		}
		var ls Lockstep
		sims := [2]*Sim{newSim(0), newSim(1)}
		var paired [2]out
		var wg sync.WaitGroup
		for v := range 2 {
			wg.Go(func() { paired[v] = run(sims[v], pl[v], &ls) })
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("iter %d: deadlock, plans %+v", it, pl)
		}
		shared += ls.Shared()
		for v := range 2 {
			a, b := alone[v], paired[v]
			if !slices.Equal(a.r, b.r) || a.steps != b.steps || math.Float64bits(a.lam) != math.Float64bits(b.lam) {
				t.Fatalf("iter %d (%v noise %v) Sim %d differs; plans %+v", it, d.Integrator, d.NoiseSD, v, pl)
			}
		}
	}
}
