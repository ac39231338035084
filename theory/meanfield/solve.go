package meanfield

import (
	"errors"
	"fmt"
	"math"

	"github.com/engramsim/engram/ratefn"
)

// Regime names of a state, from λ = αγ⟨φ′(h)²⟩ (spec §2.3).
const (
	RegimeFixedPoint = "fixed_point" // λ < 1: the static solution is a stable fixed point
	RegimeChaotic    = "chaotic"     // λ ≥ 1: the static solution is unstable (chaos)
)

// State is one static mean-field solution at a load α.
type State struct {
	// Exists is false for the retrieval state when no retrieval solution
	// exists at this α (α beyond the branch); the other fields then repeat
	// the background state (q = 0, m = 0), as the original overlap curve
	// does.
	Exists bool `json:"exists"`
	// M is the overlap q/√(E[g²]·Var r) (spec §2.1 eq. 3).
	M float64 `json:"m"`
	// Q is the overlap ⟨g r⟩ in Hz; Delta the crosstalk variance Δ = αγ⟨r²⟩.
	Q     float64 `json:"q"`
	Delta float64 `json:"delta"`
	// MeanRateHz, R2 (Hz²) and SDRateHz are ⟨r⟩, ⟨r²⟩ and √Var r.
	MeanRateHz float64 `json:"mean_rate_hz"`
	R2         float64 `json:"r2"`
	SDRateHz   float64 `json:"sd_rate_hz"`
	// Lambda is λ = αγ⟨φ′(h)²⟩; Regime is RegimeFixedPoint if λ < 1, else
	// RegimeChaotic.
	Lambda float64 `json:"lambda"`
	Regime string  `json:"regime"`
	// V is the own-term variance v = (1−C)⟨g²r²⟩/K (Hz²) of a finite-K
	// retrieval state (Options.FiniteK > 0); 0 otherwise.
	V float64 `json:"v,omitempty"`
	// Converged reports that every solve behind this state converged.
	Converged bool `json:"converged"`
}

// Result is the output of Solve.
type Result struct {
	Alpha      float64 `json:"alpha"`
	Retrieval  State   `json:"retrieval"`
	Background State   `json:"background"`
	// Gamma is γ = A²E[f²]E[g²] and EG2 is E[g²], from ratefn.Rule.Centre.
	Gamma     float64  `json:"gamma"`
	EG2       float64  `json:"eg2"`
	Converged bool     `json:"converged"`
	Settings  Settings `json:"settings"`
}

// solver bundles a model with resolved options.
type solver struct {
	m     *model
	o     Options
	evals int
	// maxKPts, if > 0, replaces traceK's limit on the number of curve
	// points (tests use it to make the trace fail at a chosen point).
	maxKPts int
}

func newSolver(tf ratefn.Transfer, rule ratefn.Rule, opts *Options) (*solver, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	m, err := newModel(tf, rule, &o)
	if err != nil {
		return nil, err
	}
	if !(m.stats.Gamma > 0) {
		return nil, fmt.Errorf("meanfield: γ = A²E[f²]E[g²] = %v; need A > 0", m.stats.Gamma)
	}
	return &solver{m: m, o: o}, nil
}

// atDelta solves the upper (retrieval) root q at Δ from the warm start
// qWarm, with extra finite-K variance v, and returns α(Δ) = Δ/(γ⟨r²⟩).
func (s *solver) atDelta(delta, qWarm, v float64) (q, alpha float64, found bool, err error) {
	R := func(q float64) (float64, float64) {
		s.evals++
		mo := s.m.evalQ(q, delta, v)
		return mo.Q - q, mo.DQ - 1
	}
	q, found, err = upperRoot(R, qWarm, s.o.QLoss)
	if !found || err != nil {
		return q, 0, false, err
	}
	s.evals++
	mo := s.m.eval(q, delta, v)
	return q, delta / (s.m.stats.Gamma * mo.R2), true, nil
}

// traceBranch follows the retrieval branch from Δ = 0 (q started at 100,
// as the original capacity scan).
func (s *solver) traceBranch(v float64, stop func(branchPoint) bool) (traceResult, error) {
	return trace(func(d, qw float64) (float64, float64, bool, error) { return s.atDelta(d, qw, v) },
		traceSpec{U0: 0, Step0: 0.01, MaxStep: s.o.MaxDeltaStep, RelStep: 0.05, UMax: s.o.DeltaMax, UTol: s.o.DeltaTol,
			Delta: func(u float64) float64 { return u }, Q0: 100, Stop: stop,
			Hump: func(d, qa float64) (float64, float64, error) {
				return residualHump(func(q float64) (float64, float64) {
					s.evals++
					mo := s.m.evalQ(q, d, v)
					return mo.Q - q, mo.DQ - 1
				}, qa, s.o.QLoss)
			}})
}

// state assembles a State from a solved (q, Δ).
func (s *solver) state(alpha, q, delta, v float64) State {
	mo := s.m.eval(q, delta, v)
	st := s.stateFrom(alpha, q, delta, mo)
	st.V = v
	return st
}

func (s *solver) stateFrom(alpha, q, delta float64, mo moments) State {
	vr := math.Max(0, mo.R2-mo.R1*mo.R1)
	st := State{Exists: true, Q: q, Delta: delta, MeanRateHz: mo.R1, R2: mo.R2, SDRateHz: math.Sqrt(vr),
		Lambda: alpha * s.m.stats.Gamma * mo.D2, Converged: true}
	if q != 0 && vr > 0 {
		st.M = q / math.Sqrt(s.m.stats.EG2*vr)
	}
	st.Regime = RegimeFixedPoint
	if st.Lambda >= 1 {
		st.Regime = RegimeChaotic
	}
	return st
}

// Solve computes the static mean-field states at load α = p/K (spec §2.1):
// the retrieval state on the branch connected to α → 0 (the smallest Δ with
// α(Δ) = α, i.e. the rising, stable part of the branch) and the background
// state q = 0. Between α at the end of the branch and its maximum (at
// A = 10.65: 0.295 < α < 0.3056) a retrieval state exists here, while the
// original overlap curve reports m = 0: its Brent solve on Δ ∈ [0, 2000]
// lands on the background root there.
//
// With Options.FiniteK > 0 the retrieval state is the largest-q point with
// α(q) = α on the finite-K curve (finitek.go), provided α does not exceed the
// end of its retrieval part (the capacity of Capacity with the same options:
// the first maximum of α, or the crossover where α(q) has none); beyond it
// Retrieval.Exists is false. The background state is the q = 0 state of
// the K → ∞ theory in both cases.
//
// g is centred by ratefn.Rule.Centre. Errors report bad input
// (α ≤ 0 or not finite, A < 0, NaN parameters, a g that cannot be centred);
// a solve that does not converge returns its best result flagged
// Converged = false together with an error.
func Solve(tf ratefn.Transfer, rule ratefn.Rule, alpha float64, opts *Options) (Result, error) {
	if !(alpha > 0) || math.IsInf(alpha, 0) {
		return Result{}, fmt.Errorf("meanfield: α = %v must be a finite number > 0", alpha)
	}
	s, err := newSolver(tf, rule, opts)
	if err != nil {
		return Result{}, err
	}
	res := Result{Alpha: alpha, Gamma: s.m.stats.Gamma, EG2: s.m.stats.EG2, Settings: s.o.settings(s.m)}
	var errs []error
	bg, err := s.background(alpha)
	if err != nil {
		errs = append(errs, err)
	}
	res.Background = bg
	var ret State
	if s.o.FiniteK > 0 {
		ret, err = s.solveK(alpha)
	} else {
		ret, err = s.retrieval(alpha, 0)
	}
	if err != nil {
		errs = append(errs, err)
	}
	if !ret.Exists {
		c := ret.Converged
		ret = bg
		ret.Exists = false
		ret.Converged = c && bg.Converged
	}
	res.Retrieval = ret
	res.Converged = res.Retrieval.Converged && res.Background.Converged && len(errs) == 0
	return res, errors.Join(errs...)
}

// solveOnBranch is Solve (K → ∞) on an already traced branch; pk must hold
// the branch peak (read only here).
func (s *solver) solveOnBranch(alpha float64, tr traceResult, pk *branchPeak) (Result, error) {
	res := Result{Alpha: alpha, Gamma: s.m.stats.Gamma, EG2: s.m.stats.EG2, Settings: s.o.settings(s.m)}
	bg, err1 := s.background(alpha)
	ret, err2 := s.invert(alpha, 0, tr, pk)
	return s.assemble(res, bg, ret, err1, err2)
}

// assemble completes res from the background and retrieval states (a
// retrieval state that does not exist repeats the background).
func (s *solver) assemble(res Result, bg, ret State, err1, err2 error) (Result, error) {
	res.Background = bg
	if !ret.Exists {
		c := ret.Converged
		ret = bg
		ret.Exists = false
		ret.Converged = c && bg.Converged
	}
	res.Retrieval = ret
	res.Converged = ret.Converged && bg.Converged && err1 == nil && err2 == nil
	return res, errors.Join(err1, err2)
}

// retrieval solves the retrieval state at α with finite-K variance v,
// tracing the branch only as far as needed.
func (s *solver) retrieval(alpha, v float64) (State, error) {
	tr, err := s.traceBranch(v, func(p branchPoint) bool { return p.Alpha >= alpha })
	if err != nil {
		return State{Converged: false}, fmt.Errorf("meanfield: retrieval branch at α = %v: %w", alpha, err)
	}
	return s.invert(alpha, v, tr, nil)
}

// branchPeak is the refined maximum of α(Δ) along a traced branch.
type branchPeak struct {
	ok   bool
	k    int // index of the largest sampled α
	pt   branchPoint
	lo   branchPoint // the sample before the peak (warm start)
	have bool
}

// peak refines the maximum of α(Δ) on tr (cached in pk if non-nil).
func (s *solver) peak(v float64, tr traceResult, pk *branchPeak) branchPeak {
	if pk != nil && pk.have {
		return *pk
	}
	pts := tr.Pts
	var r branchPeak
	r.have = true
	if len(pts) >= 2 {
		k := argmaxAlpha(pts)
		a, b := pts[max(k-1, 0)], pts[min(k+1, len(pts)-1)]
		dm, am := s.maxAlpha(a, pts[k], b, v)
		qh, _, found, err := s.atDelta(dm, a.Q, v)
		r = branchPeak{ok: found && err == nil, k: k, pt: branchPoint{Delta: dm, Q: qh, Alpha: am}, lo: a, have: true}
	}
	if pk != nil {
		*pk = r
	}
	return r
}

// invert finds the retrieval state at α on the traced branch tr: the
// smallest Δ with α(Δ) = α. pk caches the branch maximum across calls.
func (s *solver) invert(alpha, v float64, tr traceResult, pk *branchPeak) (State, error) {
	pts := tr.Pts
	var lo, hi branchPoint
	k := -1
	for i, p := range pts {
		if p.Alpha >= alpha {
			k = i
			break
		}
	}
	switch {
	case k >= 1:
		lo, hi = pts[k-1], pts[k]
	case len(pts) >= 2:
		// The steps may have jumped over a maximum of α(Δ) just above α:
		// refine the maximum before declaring that no solution exists.
		p := s.peak(v, tr, pk)
		if !p.ok || p.pt.Alpha < alpha {
			if tr.ReachedMax && !tr.Folded {
				return State{Converged: false}, fmt.Errorf("meanfield: retrieval branch still present at Δ = %v (DeltaMax)", s.o.DeltaMax)
			}
			return State{Exists: false, Converged: true}, nil
		}
		lo, hi = p.lo, p.pt
	default:
		return State{Exists: false, Converged: true}, nil
	}
	// α(Δ) − α changes sign on [lo, hi]: Illinois regula falsi, warm
	// starting q from lo (q decreases along the branch).
	fa, fb := lo.Alpha-alpha, hi.Alpha-alpha
	a, b := lo.Delta, hi.Delta
	d, q := b, hi.Q
	side := 0
	conv := false
	for it := 0; it < 200; it++ {
		d = (a*fb - b*fa) / (fb - fa)
		qd, ad, found, err := s.atDelta(d, lo.Q, v)
		if err != nil || !found {
			return State{Converged: false}, fmt.Errorf("meanfield: lost the branch at Δ = %v while solving α = %v", d, alpha)
		}
		q = qd
		f := ad - alpha
		if math.Abs(f) <= 1e-13*alpha || b-a <= 1e-14*(1+d) {
			conv = true
			break
		}
		illinoisUpdate(&a, &fa, &b, &fb, &side, d, f, f < 0)
	}
	st := s.state(alpha, q, d, v)
	st.Converged = conv
	if !conv {
		return st, fmt.Errorf("meanfield: retrieval solve at α = %v did not converge", alpha)
	}
	return st, nil
}

func argmaxAlpha(pts []branchPoint) int {
	k := 0
	for i, p := range pts {
		if p.Alpha > pts[k].Alpha {
			k = i
		}
	}
	return k
}

// maxAlpha maximises α(Δ) on [a.Delta, c.Delta] by Brent's method from the
// interior point b, warm starting q from a.
func (s *solver) maxAlpha(a, b, c branchPoint, v float64) (delta, alpha float64) {
	f := func(d float64) float64 {
		_, al, found, err := s.atDelta(d, a.Q, v)
		if !found || err != nil {
			return math.Inf(-1)
		}
		return al
	}
	if c.Delta-a.Delta <= s.o.DeltaTol || !(b.Delta > a.Delta && b.Delta < c.Delta) {
		best := a
		for _, p := range []branchPoint{b, c} {
			if p.Alpha > best.Alpha {
				best = p
			}
		}
		return best.Delta, best.Alpha
	}
	d, al := brentMax(f, a.Delta, c.Delta, b.Delta, b.Alpha, 1e-5*(1+c.Delta))
	for _, p := range []branchPoint{a, b, c} {
		if p.Alpha > al {
			d, al = p.Delta, p.Alpha
		}
	}
	return d, al
}

// background solves Δ = αγ⟨φ(√Δ z)²⟩ for the q = 0 state (smallest root).
func (s *solver) background(alpha float64) (State, error) {
	ag := alpha * s.m.stats.Gamma
	f := func(d float64) float64 { return d - ag*s.m.background(d).R2 }
	lo, hi := s.m.tf.Range()
	ub := ag * math.Max(lo*lo, hi*hi) * 1.0001
	const n = 64
	a, fa := 0.0, f(0)
	b := a
	found := false
	for k := 1; k <= n; k++ {
		b = ub * float64(k*k) / (n * n)
		if fb := f(b); fb >= 0 {
			found = true
			break
		} else {
			a, fa = b, fb
		}
	}
	if !found {
		return State{Converged: false}, fmt.Errorf("meanfield: background equation has no root below %v", ub)
	}
	_ = fa
	d, err := rootBisectSecant(f, a, b)
	mo := s.m.background(d)
	st := s.stateFrom(alpha, 0, d, mo)
	st.Exists = true
	if err != nil {
		st.Converged = false
		return st, fmt.Errorf("meanfield: background at α = %v: %w", alpha, err)
	}
	return st, nil
}

// rootBisectSecant finds a root of f on [a, b] with f(a) < 0 ≤ f(b) by the
// Illinois method.
func rootBisectSecant(f func(float64) float64, a, b float64) (float64, error) {
	fa, fb := f(a), f(b)
	side := 0
	for it := 0; it < 200; it++ {
		c := (a*fb - b*fa) / (fb - fa)
		if fb == fa {
			c = 0.5 * (a + b)
		}
		fc := f(c)
		if fc == 0 || b-a <= 1e-14*(1+math.Abs(c)) {
			return c, nil
		}
		illinoisUpdate(&a, &fa, &b, &fb, &side, c, fc, fc < 0)
		if math.Abs(fc) <= 1e-14*(1+math.Abs(c)) {
			return c, nil
		}
	}
	return 0.5 * (a + b), errNoConv
}
