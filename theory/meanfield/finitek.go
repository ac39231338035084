package meanfield

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Finite-K theory (Options.FiniteK > 0; spec §4, notes for test authors).
//
// A retrieval state at load α solves three equations, the averages taken in
// that state:
//
//	q = ⟨g φ(a q + √(Δ + a²v) z)⟩,   Δ = αγ⟨r²⟩,   v = (1−C)⟨g²r²⟩/K,
//
// where v is the O(1/K) sampling variance of the retrieved pattern's own
// term (per neuron a(x)²v, a = A f(φ(x))). The solutions form a curve, which
// is followed here with q as the parameter: at each q, (Δ, v) solve the
// overlap equation and v = F(v) by Newton's method (atQ), and α(q) =
// Δ/(γ⟨r²⟩). The curve starts at the α → 0 end (Δ = 0, q = q0 the upper
// root there, traceK) and q decreases along it, in steps of q0/40.
//
// Retrieval criterion. The retrieval states are the part of the curve
// connected to α → 0, from q0 down to its end (retrievalEnd):
//
//   - the first maximum of α(q), if there is one (a fold: there the
//     retrieval state merges with the unstable state of the same α, and for
//     larger α only the background is left). This is the existence limit,
//     as AlphaC is for K → ∞, and it is what happens at the medians for
//     K = 250 and 2500 and at A = 10.65 for K = 2500;
//   - otherwise the crossover, the minimum of |dα/dq|: α(q) rises all the
//     way as q decreases (dα/dq < 0 along the retrieval part) and the
//     overlap falls continuously into the background, fastest with α
//     there. This happens at A = 10.65, K = 250 (m = 0.108 at α = 0.2784,
//     then 0.089 at 0.28, 0.049 at 0.287, 0.024 at 0.306): the finite-K term
//     unfolds the K → ∞ fold (it is an imperfection, q = 0 is no longer a
//     solution), and no sharp capacity exists. The minimum of |dα/dq| is
//     parameter-free and continuous with the fold: where a fold is born (a
//     cusp) the maximum of α and the minimum of |dα/dq| coincide (both at
//     dα/dq = 0).
//
// Solve (with FiniteK) reports retrieval exactly up to that end, so that
// Capacity and Solve agree (retrieval at 0.999 α_c, none at 1.001 α_c).
//
// Why this and not the K → ∞ algorithm with v iterated on top:
//
//   - With v > 0, q = 0 no longer solves the overlap equation (a(x)²v is
//     correlated with g(x)): the background root is q_b = O(1/K) > QLoss
//     (0.02–0.05 Hz at K = 250), so QLoss no longer tells retrieval from
//     background. At K = 250 the own-term variance of the retrieval state is
//     large (v ≈ 0.4 Hz² at the medians, a²v up to ≈ Δ), so that at fixed
//     (Δ, v) the overlap equation often has a single root: the fixed-v branch
//     has no fold and slides continuously from m ≈ 0.5 down to the
//     background. Maximising α along it with v updated at the maximum
//     drifted to α ≈ 1.25 at m = 0.002, and the damped outer iteration of
//     the previous Solve returned m ≈ 0.02 (not converged) at α = 0.52–0.55,
//     beyond α_c = 0.5196. A test on the shape of T(q) − q (a hump below the
//     root) rejects genuine retrieval roots there, and a threshold on m is
//     not uniform in K and A (m at the end is 0.11–0.5; the background's m
//     grows with A²/K).
//   - Along Δ the self-consistent curve folds (Δ(q) has a maximum), at K =
//     250 after the maximum of α (α(q) peaks at q ≈ 1.33 Hz, Δ at q ≈ 0.93
//     Hz), or not at all (A = 10.65, K = 2500); at fixed Δ the joint (q, v)
//     solve becomes singular near that fold. q passes through it smoothly.
//   - Bisection on α with a fixed-α solve costs a full solve per probe and
//     needs the same retrieval criterion to decide each probe.
//
// As K → ∞ the first maximum of α(q) is the package's AlphaC: K = 1e8 gives
// it to 1e-5 (TestCapacityFiniteK).

// kMoments are the moments of the finite-K integrand at (q, Δ, v) with the
// derivatives of ⟨g r⟩ and ⟨g²r²⟩ with respect to Δ and v that Newton's
// method in (Δ, v) needs. A per-neuron variance s² = Δ + a²v gives
// ∂⟨X(h)⟩/∂Δ = ½⟨X″(h)⟩ and ∂⟨X(h)⟩/∂v = ½⟨a²X″(h)⟩ (Gaussian identity).
type kMoments struct {
	moments
	TD, TV float64 // ∂⟨g r⟩/∂Δ, ∂⟨g r⟩/∂v
	GD, GV float64 // ∂⟨g²r²⟩/∂Δ, ∂⟨g²r²⟩/∂v
}

// kSat is the logistic argument beyond which evalK treats φ as saturated
// (relative error e^−40 ≈ 4e-18, below float64 resolution of the sums).
const kSat = 40

// evalK evaluates kMoments on the per-node kernel (the eval path for v > 0),
// skipping the exponential where φ is saturated.
func (m *model) evalK(q, delta, v float64) kMoments {
	z, wz := m.zRule(delta + v*maxAbs2(m.a))
	c0, c1, k := m.c0, m.c1, m.k
	var mo kMoments
	for i, ai := range m.a {
		logE := -k * (ai*q - m.h0)
		sdi := math.Sqrt(delta + v*ai*ai)
		ks := k * sdi
		var s0, s1, s2, s11, s20, s22 float64
		for j, zj := range z {
			u := logE - ks*zj
			var d, dp float64
			switch {
			case u > kSat: // σ = 1/(1+e^u) < 4e-18: φ = c0, φ′ = φ″ = 0
			case u < -kSat:
				d = 1
			default:
				d, dp = m.sig(u)
			}
			ph := c0 + c1*d
			dpp := dp * k * (1 - 2*d) // φ″
			w := wz[j]
			s0 += w * ph
			s2 += w * ph * ph
			s1 += w * dp
			s11 += w * dp * dp
			s20 += w * dpp
			s22 += w * 2 * (dp*dp + ph*dpp) // (φ²)″
		}
		w, g := m.xw[i], m.g[i]
		a2 := ai * ai
		mo.Q += w * g * s0
		mo.DQ += w * g * ai * s1
		mo.R1 += w * s0
		mo.R2 += w * s2
		mo.D2 += w * s11
		mo.GR2 += w * g * g * s2
		mo.TD += 0.5 * w * g * s20
		mo.TV += 0.5 * w * g * a2 * s20
		mo.GD += 0.5 * w * g * g * s22
		mo.GV += 0.5 * w * g * g * a2 * s22
	}
	return mo
}

// kPoint is one point of the finite-K curve.
type kPoint struct {
	Q, Delta, V, Alpha float64
}

// kc is (1 − C)/K: v = kc·⟨g²r²⟩.
func (s *solver) kc() float64 { return (1 - s.o.C) / float64(s.o.FiniteK) }

// atQ solves (Δ, v) at overlap q by Newton's method from (d0, v0), with
// steps halved while they increase the scaled residual or leave Δ, v ≥ 0.
// Converged when |T − q| ≤ 1e-11·q and |F(v) − v| ≤ 1e-10·F(v).
func (s *solver) atQ(q, d0, v0 float64) (kPoint, error) {
	kc := s.kc()
	d, v := math.Max(d0, 0), math.Max(v0, 0)
	eval := func(d, v float64) (kMoments, float64, float64, float64) {
		s.evals++
		km := s.m.evalK(q, d, v)
		f1, f2 := km.Q-q, kc*km.GR2-v
		return km, f1, f2, math.Hypot(f1/q, f2/(kc*km.GR2))
	}
	km, f1, f2, merit := eval(d, v)
	for it := 0; it < 60; it++ {
		if math.IsNaN(merit) {
			break
		}
		if math.Abs(f1) <= 1e-11*q && math.Abs(f2) <= 1e-10*kc*km.GR2 {
			return kPoint{Q: q, Delta: d, V: v, Alpha: d / (s.m.stats.Gamma * km.R2)}, nil
		}
		j11, j12 := km.TD, km.TV
		j21, j22 := kc*km.GD, kc*km.GV-1
		det := j11*j22 - j12*j21
		if det == 0 || math.IsNaN(det) {
			break
		}
		dd := (-f1*j22 + f2*j12) / det
		dv := (-f2*j11 + f1*j21) / det
		lam := 1.0
		accepted := false
		for ls := 0; ls < 30; ls++ {
			dn, vn := d+lam*dd, v+lam*dv
			if dn >= 0 && vn >= 0 {
				kmn, g1, g2, mn := eval(dn, vn)
				if mn < merit || ls == 29 || lam*math.Max(math.Abs(dd)/(1+d), math.Abs(dv)/(1+v)) < 1e-13 {
					d, v, km, f1, f2, merit = dn, vn, kmn, g1, g2, mn
					accepted = true
					break
				}
			}
			lam /= 2
		}
		if !accepted {
			break
		}
	}
	return kPoint{Q: q, Delta: d, V: v}, fmt.Errorf("meanfield: finite-K solve at q = %v did not converge (Δ = %v, v = %v)", q, d, v)
}

// startK returns the α → 0 end of the finite-K curve: the upper root q0 at
// Δ = 0 (from q = 100, as the K → ∞ trace) with v = F(v). G(v) = F(v) − v
// is positive at v = 0; secant steps on G (the first one the plain step
// v ← F(v)) are safeguarded by a bracket [lo, hi] with G(lo) > 0 and either
// G(hi) < 0 or no upper root at hi, and replaced by regula falsi or
// bisection when they leave it. found is false when there is no upper root
// even at v = 0, or when the bracket shrinks to a relative width of 1e-9
// with no root at hi: the upper root disappears before v reaches its own
// F(v), so no finite-K retrieval state exists at α → 0 (near the edges of
// the K → ∞ retrieval region, e.g. β_g = 0.092 or x_g = 29.5 Hz at K = 250),
// and α_c = 0.
func (s *solver) startK() (p kPoint, found bool, err error) {
	kc := s.kc()
	type pt struct{ v, g, q float64 }
	eval := func(v, qw float64) (pt, bool, error) {
		q, _, found, err := s.atDelta(0, qw, v)
		if !found || err != nil {
			return pt{v: v}, false, err
		}
		s.evals++
		return pt{v: v, g: kc*s.m.eval(q, 0, v).GR2 - v, q: q}, true, nil
	}
	lo, ok, err := eval(0, 100)
	if !ok || err != nil {
		return kPoint{}, false, err
	}
	var hi pt
	haveHi, hiLost := false, false
	prev := lo
	v := lo.v + lo.g
	for it := 0; it < 200; it++ {
		p, ok, err := eval(v, lo.q)
		if err != nil {
			return kPoint{}, false, err
		}
		if ok {
			if math.Abs(p.g) <= 1e-12*(p.v+p.g) {
				return kPoint{Q: p.q, V: p.v}, true, nil
			}
			if p.g > 0 {
				lo = p
			} else {
				hi, haveHi, hiLost = p, true, false
			}
		} else {
			hi, haveHi, hiLost = p, true, true
		}
		if haveHi && hi.v-lo.v <= 1e-9*hi.v {
			if hiLost {
				return kPoint{}, false, nil
			}
			if math.Abs(hi.g) < lo.g {
				lo = hi
			}
			return kPoint{Q: lo.q, V: lo.v}, true, nil
		}
		vn := math.NaN()
		if ok {
			vn = p.v + p.g
			if p.g != prev.g {
				vn = p.v - p.g*(p.v-prev.v)/(p.g-prev.g)
			}
			prev = p
		}
		if !(vn > lo.v && (!haveHi || vn < hi.v)) {
			switch {
			case !haveHi:
				vn = lo.v + lo.g
			case !hiLost:
				vn = lo.v - lo.g*(hi.v-lo.v)/(hi.g-lo.g)
				if !(vn > lo.v && vn < hi.v) {
					vn = 0.5 * (lo.v + hi.v)
				}
			default:
				vn = 0.5 * (lo.v + hi.v)
			}
		}
		v = vn
	}
	return kPoint{}, false, fmt.Errorf("meanfield: finite-K: own-term variance at Δ = 0 did not converge")
}

// kTrace is the finite-K curve from its α → 0 end, in order of decreasing q.
type kTrace struct {
	Pts []kPoint
	// IA and ID index the largest α and Δ sampled up to their first
	// maximum; PastA and PastD report that the trace went at least two
	// points beyond it (so that Pts[IA±1] bracket the first maximum of α(q)).
	IA, ID       int
	PastA, PastD bool
	// AtFloor: the trace stopped because the next q would fall below QLoss.
	AtFloor bool
	// end caches retrievalEnd.
	end     kEnd
	haveEnd bool
}

// kEnd is the end of the retrieval part of the finite-K curve.
type kEnd struct {
	P kPoint
	// Crossover: α(q) has no maximum; P is the minimum of |dα/dq|.
	Crossover bool
	// None: the curve is empty (no retrieval root at Δ = 0).
	None bool
}

// warm interpolates (Δ, v) at q linearly between the sampled points (q
// decreases along Pts); outside, the nearest end segment is extrapolated.
func (t *kTrace) warm(q float64) (d, v float64) {
	p := t.Pts
	if len(p) == 1 {
		return p[0].Delta, p[0].V
	}
	// First index with Q ≤ q.
	i := sort.Search(len(p), func(i int) bool { return p[i].Q <= q })
	i = min(max(i, 1), len(p)-1)
	a, b := p[i-1], p[i]
	t0 := (q - a.Q) / (b.Q - a.Q)
	return a.Delta + t0*(b.Delta-a.Delta), math.Max(0, a.V+t0*(b.V-a.V))
}

// kStepsPerQ0 sets the trace step: q0/kStepsPerQ0 (halved on a failed
// solve). At the medians the first maximum of α lies near 0.5 q0.
const kStepsPerQ0 = 40

// traceK follows the finite-K curve from Δ = 0 downward in q. It stops two
// points past the first maximum of α (and, if needD, of Δ, unless α falls
// below half its maximum first); without a maximum of α it goes on until q
// would fall below QLoss.
func (s *solver) traceK(needD bool) (*kTrace, error) {
	p0, found, err := s.startK()
	if err != nil {
		return nil, err
	}
	t := &kTrace{}
	if !found {
		return t, nil
	}
	t.Pts = append(t.Pts, p0)
	h0 := p0.Q / kStepsPerQ0
	h := h0
	limit := 20 * kStepsPerQ0
	if s.maxKPts > 0 {
		limit = s.maxKPts
	}
	for len(t.Pts) < limit {
		n := len(t.Pts) - 1
		last := t.Pts[n]
		if t.PastA && (!needD || t.PastD || last.Alpha < 0.5*t.Pts[t.IA].Alpha) {
			return t, nil
		}
		if last.Q-h < s.o.QLoss {
			t.AtFloor = true
			return t, nil
		}
		q := last.Q - h
		d, v := last.Delta, last.V
		if n >= 1 {
			prev := t.Pts[n-1]
			f := (q - last.Q) / (last.Q - prev.Q)
			d, v = last.Delta+f*(last.Delta-prev.Delta), math.Max(0, last.V+f*(last.V-prev.V))
		}
		p, err := s.atQ(q, d, v)
		if err != nil {
			if h < 1e-6*h0 {
				return t, fmt.Errorf("meanfield: finite-K curve lost at q = %v: %w", q, err)
			}
			h /= 2
			continue
		}
		t.Pts = append(t.Pts, p)
		n++
		// The first maxima: once passed, IA and ID stay (α rises again on
		// the background side of the curve).
		if !t.PastA {
			if p.Alpha > t.Pts[t.IA].Alpha {
				t.IA = n
			}
			t.PastA = n-t.IA >= 2
		}
		if !t.PastD {
			if p.Delta > t.Pts[t.ID].Delta {
				t.ID = n
			}
			t.PastD = n-t.ID >= 2
		}
		h = math.Min(2*h, h0)
	}
	return t, errors.New("meanfield: finite-K curve: too many steps")
}

// atQWarm is atQ warm-started by interpolation on t.
func (s *solver) atQWarm(t *kTrace, q float64) (kPoint, error) {
	d, v := t.warm(q)
	return s.atQ(q, d, v)
}

// maxOnK maximises val(q) over q between Pts[i+1] and Pts[i−1] by Brent's
// method (tolerance 1e-7·q0 in q) and returns the point there.
func (s *solver) maxOnK(t *kTrace, i int, val func(q float64) (float64, error), pval func(kPoint) float64) (kPoint, error) {
	p := t.Pts
	if i <= 0 || i >= len(p)-1 {
		return p[i], nil
	}
	var ferr error
	f := func(q float64) float64 {
		v, err := val(q)
		if err != nil {
			ferr = err
			return math.Inf(-1)
		}
		return v
	}
	qm, _ := brentMax(f, p[i+1].Q, p[i-1].Q, p[i].Q, f(p[i].Q), 1e-7*p[0].Q)
	if ferr != nil {
		return p[i], ferr
	}
	pt, err := s.atQWarm(t, qm)
	if err != nil {
		return p[i], err
	}
	if pval != nil && pval(p[i]) > pval(pt) {
		return p[i], nil
	}
	return pt, nil
}

// field returns val as a function of q along the curve.
func (s *solver) field(t *kTrace, val func(kPoint) float64) func(q float64) (float64, error) {
	return func(q float64) (float64, error) {
		pt, err := s.atQWarm(t, q)
		return val(pt), err
	}
}

func alphaOf(p kPoint) float64 { return p.Alpha }
func deltaOf(p kPoint) float64 { return p.Delta }

// retrievalEnd returns the end of the retrieval part of the curve (cached
// in t): the first maximum of α(q) (the fold in α) if the trace passed one;
// otherwise, if it reached QLoss, the crossover, the minimum of |dα/dq|
// over the curve (dα/dq < 0 there; central differences with step 1e-4·q0,
// refined by Brent's method), where the overlap falls fastest with α.
func (s *solver) retrievalEnd(t *kTrace) (kEnd, error) {
	if t.haveEnd {
		return t.end, nil
	}
	p := t.Pts
	var e kEnd
	switch {
	case len(p) == 0:
		e.None = true
	case t.PastA:
		pk, err := s.maxOnK(t, t.IA, s.field(t, alphaOf), alphaOf)
		if err != nil {
			return e, err
		}
		e.P = pk
	case t.AtFloor && len(p) >= 4:
		// Smallest sampled slope |dα/dq| = −dα/dq (central differences at
		// interior points; q decreases along Pts).
		slope := func(i int) float64 { return (p[i+1].Alpha - p[i-1].Alpha) / (p[i-1].Q - p[i+1].Q) }
		k := 1
		for i := 2; i < len(p)-1; i++ {
			if slope(i) < slope(k) {
				k = i
			}
		}
		if k >= len(p)-2 {
			return e, fmt.Errorf("meanfield: finite-K curve: α(q) has neither a maximum nor a crossover above q = QLoss")
		}
		hq := 1e-4 * p[0].Q
		// negSlope is dα/dq = −|dα/dq|: its maximum is the minimum of |dα/dq|.
		negSlope := func(q float64) (float64, error) {
			a, err := s.atQWarm(t, q+hq)
			if err != nil {
				return 0, err
			}
			b, err := s.atQWarm(t, q-hq)
			if err != nil {
				return 0, err
			}
			return -(b.Alpha - a.Alpha) / (2 * hq), nil
		}
		pc, err := s.maxOnK(t, k, negSlope, nil)
		if err != nil {
			return e, err
		}
		e.P, e.Crossover = pc, true
	default:
		last := p[len(p)-1]
		return e, fmt.Errorf("meanfield: finite-K curve ended at q = %v (α = %v) before a maximum of α", last.Q, last.Alpha)
	}
	t.end, t.haveEnd = e, true
	return e, nil
}

// solveOnK solves val(q) = target for q between a and b (val − target of
// opposite signs at the two points) by the Illinois method.
func (s *solver) solveOnK(t *kTrace, a, b kPoint, target float64, val func(kPoint) float64) (kPoint, error) {
	fa, fb := val(a)-target, val(b)-target
	side := 0
	best := a
	for it := 0; it < 100; it++ {
		q := (a.Q*fb - b.Q*fa) / (fb - fa)
		if !(q > math.Min(a.Q, b.Q) && q < math.Max(a.Q, b.Q)) {
			q = 0.5 * (a.Q + b.Q)
		}
		p, err := s.atQWarm(t, q)
		if err != nil {
			return p, err
		}
		best = p
		f := val(p) - target
		if math.Abs(f) <= 1e-13*math.Abs(target) || math.Abs(b.Q-a.Q) <= 1e-13*q {
			return p, nil
		}
		if (f > 0) == (fa > 0) {
			a, fa = p, f
			if side == 1 {
				fb /= 2
			}
			side = 1
		} else {
			b, fb = p, f
			if side == -1 {
				fa /= 2
			}
			side = -1
		}
	}
	return best, errNoConv
}

// retrievalK is the finite-K retrieval state at α: the largest q on the
// curve with α(q) = α, provided it lies on the retrieval part (q ≥ the q of
// retrievalEnd); otherwise no retrieval state exists.
func (s *solver) retrievalK(alpha float64, t *kTrace) (State, error) {
	e, err := s.retrievalEnd(t)
	if err != nil {
		return State{Converged: false}, fmt.Errorf("meanfield: finite-K retrieval at α = %v: %w", alpha, err)
	}
	if e.None || e.P.Alpha < alpha {
		return State{Exists: false, Converged: true}, nil
	}
	p := t.Pts
	lo, hi := e.P, p[0] // α(lo) ≥ α > α(hi), lo.Q < hi.Q
	for i := 1; i < len(p) && p[i].Q > e.P.Q; i++ {
		if p[i].Alpha >= alpha {
			lo, hi = p[i], p[i-1]
			break
		}
		hi = p[i]
	}
	pt, err := s.solveOnK(t, lo, hi, alpha, alphaOf)
	st := s.state(alpha, pt.Q, pt.Delta, pt.V)
	if err != nil {
		st.Converged = false
		return st, fmt.Errorf("meanfield: finite-K retrieval at α = %v: %w", alpha, err)
	}
	return st, nil
}

// solveK is the retrieval part of Solve with FiniteK.
func (s *solver) solveK(alpha float64) (State, error) {
	t, err := s.traceK(false)
	if err != nil {
		return State{Converged: false}, fmt.Errorf("meanfield: finite-K retrieval at α = %v: %w", alpha, err)
	}
	return s.retrievalK(alpha, t)
}

// solveOnCurveK is Solve (FiniteK) on an already traced curve whose end
// (retrievalEnd) has been computed; t is only read.
func (s *solver) solveOnCurveK(alpha float64, t *kTrace) (Result, error) {
	res := Result{Alpha: alpha, Gamma: s.m.stats.Gamma, EG2: s.m.stats.EG2, Settings: s.o.settings(s.m)}
	bg, err1 := s.background(alpha)
	ret, err2 := s.retrievalK(alpha, t)
	return s.assemble(res, bg, ret, err1, err2)
}

// capacityK is Capacity with FiniteK: AlphaC is the end of the retrieval
// part of the finite-K curve — its first maximum of α (a fold), or, when
// α(q) has none, the crossover (minimum of |dα/dq|; Crossover = true) — with
// DeltaC, QC, MAtAlphaC and VC there. DeltaEnd and AlphaEnd are the first
// maximum of Δ(q), the end of the branch in Δ (beyond it no finite-K
// retrieval state exists at that Δ), and the scan fields apply the scan
// rule to the part of the curve before it (α at the last Δ = 0.01·k ≤
// DeltaEnd). When Δ(q) does not turn before α has fallen to half its
// maximum or q reaches QLoss, DeltaEnd and the scan fields are 0. When the
// curve cannot be followed or refined beyond α_c (the trace fails after
// passing the maximum of α, or the maximum of Δ or the scan point cannot
// be solved), α_c is still returned (Converged) and the fields not
// computed are 0, with Warning saying why.
//
// Measured on the accurate grid with C = 0.005 (α_c, m at α_c): medians
// K → ∞ 0.5601, 0.504; K = 2500 0.5554, 0.499; K = 250 0.5196, 0.439.
// A = 10.65: K → ∞ 0.3056, 0.163; K = 2500 0.3021, 0.157; K = 250
// 0.2784, 0.108 (crossover).
func (s *solver) capacityK() (CapacityResult, error) {
	res := CapacityResult{Gamma: s.m.stats.Gamma, Settings: s.o.settings(s.m)}
	t, traceErr := s.traceK(true)
	res.Evals = s.evals
	if traceErr != nil && (t == nil || !t.PastA) {
		return res, fmt.Errorf("meanfield: capacity: %w", traceErr)
	}
	// A trace that failed after passing the maximum of α (while looking
	// for the maximum of Δ) still brackets α_c: keep it, and leave DeltaEnd
	// and the scan fields at 0.
	e, err := s.retrievalEnd(t)
	res.Evals = s.evals
	if err != nil {
		return res, fmt.Errorf("meanfield: capacity: %w", err)
	}
	if e.None {
		res.Converged = true
		return res, nil
	}
	st := s.state(e.P.Alpha, e.P.Q, e.P.Delta, e.P.V)
	res.AlphaC, res.DeltaC, res.QC, res.MAtAlphaC, res.VC, res.Crossover = e.P.Alpha, e.P.Delta, e.P.Q, st.M, e.P.V, e.Crossover
	res.Evals = s.evals
	res.Converged = true
	if traceErr != nil {
		res.Warning = fmt.Sprintf("finite-K curve not followed beyond α_c, DeltaEnd and the scan-rule α_c are not computed (0): %v", traceErr)
		return res, nil
	}
	if t.PastD {
		end, err := s.maxOnK(t, t.ID, s.field(t, deltaOf), deltaOf)
		if err != nil {
			res.Evals = s.evals
			res.Warning = fmt.Sprintf("end of the finite-K branch in Δ not located, DeltaEnd and the scan-rule α_c are not computed (0): %v", err)
			return res, nil
		}
		res.DeltaEnd, res.AlphaEnd = end.Delta, end.Alpha
		if kk := scanIndex(end.Delta); kk >= 1 {
			ds := kk / scanPerUnit
			// Δ rises from 0 at Pts[0] to the end: bracket ds before it.
			lo, hi := end, t.Pts[0]
			for i := 1; i < len(t.Pts) && t.Pts[i].Q > end.Q; i++ {
				if t.Pts[i].Delta >= ds {
					lo, hi = t.Pts[i], t.Pts[i-1]
					break
				}
				hi = t.Pts[i]
			}
			p, err := s.solveOnK(t, lo, hi, ds, deltaOf)
			if err != nil {
				res.Evals = s.evals
				res.Warning = fmt.Sprintf("scan point Δ = %v not solved, the scan-rule α_c is not computed (0): %v", ds, err)
				return res, nil
			}
			sst := s.state(p.Alpha, p.Q, p.Delta, p.V)
			res.AlphaCScan, res.DeltaCScan, res.QCScan, res.MAtAlphaCScan = p.Alpha, ds, p.Q, sst.M
		}
	}
	res.Evals = s.evals
	res.Converged = true
	return res, nil
}
