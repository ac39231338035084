package rate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/engramsim/engram/conn"
	"github.com/engramsim/engram/par"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/rng"
)

// Integrator selects the time-stepping scheme.
type Integrator int

const (
	// Euler is forward Euler, as in the original code.
	Euler Integrator = iota
	// ExpEuler is exponential Euler: exact for input frozen over a step.
	ExpEuler
	// RK2 is Heun's second-order method (two matvecs per step).
	RK2
)

// ParseIntegrator maps "euler", "exp_euler" (or "exponential"), "rk2".
func ParseIntegrator(s string) (Integrator, error) {
	switch s {
	case "euler", "":
		return Euler, nil
	case "exp_euler", "exponential", "expeuler":
		return ExpEuler, nil
	case "rk2", "heun":
		return RK2, nil
	}
	return 0, fmt.Errorf("unknown integrator %q (want euler, exp_euler or rk2)", s)
}

func (g Integrator) String() string {
	return [...]string{"euler", "exp_euler", "rk2"}[g]
}

// Dynamics are the integration parameters.
type Dynamics struct {
	// TauMs is the rate time constant τ in ms (paper: 20).
	TauMs float64
	// DtMs is the time step in ms (paper: 0.5).
	DtMs float64
	// Integrator is the scheme (paper: Euler).
	Integrator Integrator
	// NoiseSD is the SD of white input-current noise added each step
	// (dimensionless; paper: 0).
	NoiseSD float64
}

// DefaultDynamics returns the paper's τ = 20 ms, dt = 0.5 ms, Euler, no noise.
func DefaultDynamics() Dynamics { return Dynamics{TauMs: 20, DtMs: 0.5} }

// Validate rejects impossible values.
func (d Dynamics) Validate() error {
	if !(d.TauMs > 0) || math.IsInf(d.TauMs, 0) {
		return fmt.Errorf("dynamics.tau_ms = %v must be > 0", d.TauMs)
	}
	if !(d.DtMs > 0) || math.IsInf(d.DtMs, 0) {
		return fmt.Errorf("dynamics.dt_ms = %v must be > 0", d.DtMs)
	}
	if d.Integrator == Euler && d.DtMs >= 2*d.TauMs {
		return fmt.Errorf("dynamics.dt_ms = %v ≥ 2 τ: forward Euler is unstable", d.DtMs)
	}
	if !(d.NoiseSD >= 0) || math.IsInf(d.NoiseSD, 0) {
		return fmt.Errorf("dynamics.noise_sd = %v must be ≥ 0", d.NoiseSD)
	}
	return nil
}

// Model is a built network: N neurons, transfer function and weights.
type Model struct {
	N  int
	TF ratefn.Transfer
	W  *conn.CSR

	kmu  sync.Mutex
	kern *conn.Tiled
}

// Kernel returns the matvec view the simulations use: W in conn.Tiled
// layout, built on first use (on up to workers goroutines) and shared by
// every Sim of this model. It copies the weights: after changing W in
// place, call ResetKernel before creating the next Sim.
func (m *Model) Kernel(workers int) (*conn.Tiled, error) {
	m.kmu.Lock()
	defer m.kmu.Unlock()
	if m.kern == nil {
		k, err := conn.NewTiled(m.W, workers)
		if err != nil {
			return nil, fmt.Errorf("rate: %w", err)
		}
		m.kern = k
	}
	return m.kern, nil
}

// ResetKernel drops the cached matvec view (see Kernel).
func (m *Model) ResetKernel() {
	m.kmu.Lock()
	m.kern = nil
	m.kmu.Unlock()
}

// NewModel checks that W is square with weights.
func NewModel(tf ratefn.Transfer, w *conn.CSR) (*Model, error) {
	if w.NPost != w.NPre {
		return nil, fmt.Errorf("rate: weight matrix is %d×%d, not square", w.NPost, w.NPre)
	}
	if len(w.W) != w.NNZ() {
		return nil, fmt.Errorf("rate: weight matrix has no weights")
	}
	if err := tf.Validate(); err != nil {
		return nil, err
	}
	return &Model{N: w.NPost, TF: tf, W: w}, nil
}

// SimOptions configure a Sim.
type SimOptions struct {
	// Workers is the goroutine count (≤ 0: GOMAXPROCS).
	Workers int
	// Seed and Trial key the noise streams.
	Seed, Trial uint64
}

const noiseBlock = 4096

// Sim integrates a Model. Fields R (rates, Hz) and Ext (external current)
// may be read and written between steps.
type Sim struct {
	m    *Model
	dyn  Dynamics
	R    []float32
	Ext  []float32
	next []float32
	k1   []float32
	rk2  []float32
	in   []float32 // Ext + noise for the current step
	pool *par.Pool
	rows []int
	kern *conn.Tiled
	// Step counts completed steps.
	Steps int64

	noise []*rand.Rand
	a     float32 // dt/τ (Euler) or 1 − exp(−dt/τ) (exp Euler)

	lyap *lyapState

	ls      *Lockstep // the pair s has joined, or nil
	lsDone  bool      // set by the partner before it releases s: s was stepped
	lsPanic any       // set by the partner when the paired step panicked
}

// NewSim allocates a simulation with R = Ext = 0.
func NewSim(m *Model, d Dynamics, o SimOptions) (*Sim, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	n := m.N
	s := &Sim{m: m, dyn: d, R: make([]float32, n), Ext: make([]float32, n), next: make([]float32, n),
		in: make([]float32, n), pool: par.NewPool(o.Workers)}
	k, err := m.Kernel(o.Workers)
	if err != nil {
		s.pool.Close()
		return nil, err
	}
	s.kern = k
	s.rows = k.RowChunks(s.pool.Size())
	switch d.Integrator {
	case Euler:
		s.a = float32(d.DtMs / d.TauMs)
	case ExpEuler:
		s.a = float32(-math.Expm1(-d.DtMs / d.TauMs))
	case RK2:
		s.a = float32(d.DtMs / d.TauMs)
		s.k1 = make([]float32, n)
		s.rk2 = make([]float32, n)
	}
	if d.NoiseSD > 0 {
		nb := (n + noiseBlock - 1) / noiseBlock
		s.noise = make([]*rand.Rand, nb)
		for b := range s.noise {
			s.noise[b] = rng.New(o.Seed, rng.Noise, o.Trial, uint64(b))
		}
	}
	return s, nil
}

// Close releases the worker goroutines.
func (s *Sim) Close() {
	if s.ls != nil {
		s.ls.leave(s)
	}
	s.pool.Close()
}

// Model returns the simulated model.
func (s *Sim) Model() *Model { return s.m }

// Dynamics returns the integration parameters.
func (s *Sim) Dynamics() Dynamics { return s.dyn }

// TimeMs returns the simulated time since the start (Steps · dt).
func (s *Sim) TimeMs() float64 { return float64(s.Steps) * s.dyn.DtMs }

// rate evaluates φ in float64 and returns float32.
func rateOf(tf *ratefn.Transfer, h float32) float32 {
	if tf.Kind == ratefn.Sigmoid {
		return float32(tf.RMaxHz / (1 + math.Exp(-tf.Beta*(float64(h)-tf.H0))))
	}
	return float32(tf.Rate(float64(h)))
}

// prepareInput fills s.in = Ext (+ noise).
func (s *Sim) prepareInput() []float32 {
	if s.noise == nil {
		return s.Ext
	}
	sd := s.dyn.NoiseSD
	n := s.m.N
	// blocks of the persistent pool: no goroutine start per step; each block
	// (and its stream) is handled by exactly one worker, in order
	s.pool.Range(len(s.noise), func(lo, hi int) {
		for b := lo; b < hi; b++ {
			r := s.noise[b]
			end := min((b+1)*noiseBlock, n)
			for i := b * noiseBlock; i < end; i++ {
				s.in[i] = s.Ext[i] + float32(sd*r.NormFloat64())
			}
		}
	})
	return s.in
}

// fuseTwin lets an Euler step advance the Lyapunov twin in the same pass
// over W as the state (conn.Tiled.MulVec2Range: the same bits as two
// passes); tests turn it off to check that.
var fuseTwin = true

// Step advances the state by one time step.
func (s *Sim) Step() {
	if s.ls != nil && s.ls.step(s) {
		return
	}
	in := s.prepareInput()
	l := s.lyap
	if l != nil && fuseTwin && s.dyn.Integrator != RK2 {
		s.advanceTwin(l, in)
	} else {
		if l != nil {
			l.r, l.next, l.tmp = s.advance(l.r, l.next, l.tmp, l.k1, in)
		}
		s.R, s.next, s.rk2 = s.advance(s.R, s.next, s.rk2, s.k1, in)
	}
	s.Steps++
	if s.lyap != nil {
		s.lyap.renormalise(s)
	}
}

// eulerRows turns next = W r into the Euler (or exponential Euler) update
// of rows [lo, hi).
func eulerRows(tf *ratefn.Transfer, a float32, exp bool, next, r, in []float32, lo, hi int) {
	for i := lo; i < hi; i++ {
		phi := rateOf(tf, in[i]+next[i])
		if exp {
			next[i] = phi + (r[i]-phi)*(1-a)
		} else {
			next[i] = r[i] + a*(phi-r[i])
		}
	}
}

// advanceTwin is an Euler step of the state and its Lyapunov twin with one
// pass over W; the result is bit-identical to two advance calls.
func (s *Sim) advanceTwin(l *lyapState, in []float32) {
	t, tf, a := s.kern, &s.m.TF, s.a
	exp := s.dyn.Integrator == ExpEuler
	r, next, lr, lnext := s.R, s.next, l.r, l.next
	s.pool.Run(func(k int) {
		lo, hi := s.rows[k], s.rows[k+1]
		t.MulVec2Range(next, lnext, r, lr, lo, hi)
		eulerRows(tf, a, exp, next, r, in, lo, hi)
		eulerRows(tf, a, exp, lnext, lr, in, lo, hi)
	})
	s.R, s.next = next, r
	l.r, l.next = lnext, lr
}

// advance integrates one step from r using the scratch buffers and returns
// (new state, free buffer, free buffer).
func (s *Sim) advance(r, next, tmp, k1 []float32, in []float32) ([]float32, []float32, []float32) {
	w, tf, a := s.kern, &s.m.TF, s.a
	switch s.dyn.Integrator {
	case Euler, ExpEuler:
		exp := s.dyn.Integrator == ExpEuler
		s.pool.Run(func(k int) {
			lo, hi := s.rows[k], s.rows[k+1]
			w.MulVecRange(next, r, lo, hi)
			eulerRows(tf, a, exp, next, r, in, lo, hi)
		})
		return next, r, tmp
	default: // RK2 (Heun)
		s.pool.Run(func(k int) {
			lo, hi := s.rows[k], s.rows[k+1]
			w.MulVecRange(tmp, r, lo, hi)
			for i := lo; i < hi; i++ {
				k1[i] = rateOf(tf, in[i]+tmp[i]) - r[i]
				tmp[i] = r[i] + a*k1[i]
			}
		})
		s.pool.Run(func(k int) {
			lo, hi := s.rows[k], s.rows[k+1]
			w.MulVecRange(next, tmp, lo, hi)
			for i := lo; i < hi; i++ {
				k2 := rateOf(tf, in[i]+next[i]) - tmp[i]
				next[i] = r[i] + 0.5*a*(k1[i]+k2)
			}
		})
		return next, r, tmp
	}
}
