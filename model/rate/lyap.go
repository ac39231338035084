package rate

import (
	"fmt"
	"math"

	"github.com/engramsim/engram/rng"
)

type lyapState struct {
	r, next, tmp, k1 []float32
	d0               float64
	every            int
	sumLog           float64
	timeMs           float64
	since            int
}

// StartLyapunov begins tracking a twin trajectory displaced from the
// current state by a random vector of Euclidean norm d0 (Hz), renormalised
// every `every` steps (Benettin et al. 1980). Typical: d0 = 1e-3·√N Hz,
// every = 20. It resets any earlier estimate.
func (s *Sim) StartLyapunov(d0 float64, every int, seed, key uint64) error {
	if !(d0 > 0) || every < 1 {
		return fmt.Errorf("rate: Lyapunov needs d0 > 0 and every ≥ 1 (got %v, %d)", d0, every)
	}
	if s.ls != nil {
		s.ls.leave(s) // the twin and the pair would both need the second vector
	}
	n := s.m.N
	l := &lyapState{r: make([]float32, n), next: make([]float32, n), tmp: make([]float32, n), d0: d0, every: every}
	if s.dyn.Integrator == RK2 {
		l.k1 = make([]float32, n)
	}
	r := rng.New(seed, rng.Perturb, key)
	u := make([]float64, n)
	var nn float64
	for i := range u {
		u[i] = r.NormFloat64()
		nn += u[i] * u[i]
	}
	sc := d0 / math.Sqrt(nn)
	for i := range u {
		l.r[i] = s.R[i] + float32(u[i]*sc)
	}
	s.lyap = l
	return nil
}

func (l *lyapState) renormalise(s *Sim) {
	l.since++
	if l.since < l.every {
		return
	}
	l.since = 0
	var d2 float64
	for i, v := range l.r {
		d := float64(v - s.R[i])
		d2 += d * d
	}
	d := math.Sqrt(d2)
	l.timeMs += float64(l.every) * s.dyn.DtMs
	if d == 0 {
		// The twin collapsed onto the reference (float32 rounding in a
		// strongly contracting state): count as maximal contraction and
		// re-seed along the old direction is impossible; restart from a
		// fixed direction.
		l.sumLog += math.Log(1e-30 / l.d0)
		for i := range l.r {
			l.r[i] = s.R[i]
		}
		l.r[0] += float32(l.d0)
		return
	}
	l.sumLog += math.Log(d / l.d0)
	sc := float32(l.d0 / d)
	for i, v := range l.r {
		l.r[i] = s.R[i] + (v-s.R[i])*sc
	}
}

// LyapunovPerSecond returns the largest-Lyapunov-exponent estimate in 1/s
// accumulated since StartLyapunov and the time it covers (ms). It returns
// NaN before the first renormalisation or when tracking is off.
func (s *Sim) LyapunovPerSecond() (lambda, overMs float64) {
	if s.lyap == nil || s.lyap.timeMs == 0 {
		return math.NaN(), 0
	}
	return s.lyap.sumLog / s.lyap.timeMs * 1000, s.lyap.timeMs
}

// StopLyapunov stops tracking and frees the twin state.
func (s *Sim) StopLyapunov() { s.lyap = nil }
