package meanfield

import (
	"fmt"
	"math"

	"github.com/engramsim/engram/ratefn"
)

// GridKind selects how the 2-D Gaussian integrals over (x, z) are done.
type GridKind int

const (
	// AccurateGrid (the default): composite 8-point Gauss–Legendre panels in x
	// (base width Options.XPanelWidth, refined geometrically around the
	// thresholds of f∘φ and g∘φ when they are steep) × Gauss–Hermite in z
	// (Options.ZNodes nodes), switching to refined Gauss–Legendre panels in z
	// when √Δ·β_φ is large.
	AccurateGrid GridKind = iota
	// OriginalGrid is the grid of the original Python code (spec §2.1): a
	// 200 × 200 Riemann sum, x, z ∈ [−10, 10) with spacing 0.1, weights the
	// N(0,1) density × 0.1 in each variable. Use it to reproduce the
	// original numbers exactly (R4 original algorithm, the Fig 6C curve).
	OriginalGrid
)

// String returns "accurate" or "original".
func (k GridKind) String() string {
	switch k {
	case AccurateGrid:
		return "accurate"
	case OriginalGrid:
		return "original"
	}
	return fmt.Sprintf("GridKind(%d)", int(k))
}

// Defaults of the accurate grid.
const (
	DefaultXPanelWidth = 0.25 // width of the base Gauss–Legendre panels in x (8 nodes each)
	DefaultZNodes      = 100  // Gauss–Hermite nodes in z
	xHalfRange         = 8.5  // x ∈ [−8.5, 8.5]: the N(0,1) mass outside is 2e-17
	zHalfRange         = 9.0  // z range of the Gauss–Legendre fallback in z
	ghMaxSlope         = 4.0  // use Gauss–Hermite in z while k·√Δ ≤ this
)

// moments are the averages over the 2-D measure at one (q, Δ).
type moments struct {
	Q   float64 // ⟨g r⟩ (Hz): the right-hand side of the overlap equation
	DQ  float64 // ∂⟨g r⟩/∂q = ⟨g a φ′⟩
	R1  float64 // ⟨r⟩ (Hz)
	R2  float64 // ⟨r²⟩ (Hz²)
	D2  float64 // ⟨φ′(h)²⟩ (Hz²)
	GR2 float64 // ⟨g² r²⟩ (Hz²), for the finite-K correction
}

// model is one integration problem: a transfer function written as
// φ(h) = c0 + c1·σ(k(h − h0)) with σ the logistic function, the per-x-node
// values a = A f(φ(x)) and g(φ(x)), and the z rule.
type model struct {
	stats ratefn.Stats
	tf    ratefn.Transfer

	c0, c1, k, h0 float64

	xw, a, g []float64 // x nodes: weight (incl. density), A f(φ(x)), g(φ(x))

	grid   GridKind
	zn, zw []float64 // fixed z rule (Gauss–Hermite or Riemann)
	ref    glRef
}

// newModel validates the inputs, centres g and precomputes the x side.
func newModel(tf ratefn.Transfer, rule ratefn.Rule, o *Options) (*model, error) {
	st, err := rule.Centre(tf)
	if err != nil {
		return nil, fmt.Errorf("meanfield: %w", err)
	}
	m := &model{stats: st, tf: tf, grid: o.Grid, ref: newGLRef()}
	switch tf.Kind {
	case ratefn.Sigmoid:
		m.c0, m.c1, m.k, m.h0 = 0, tf.RMaxHz, tf.Beta, tf.H0
	case ratefn.Tanh:
		// (r/2)(2Q−1+tanh(β(h−h0))) = r(Q−1) + r·σ(2β(h−h0)).
		m.c0, m.c1, m.k, m.h0 = tf.RMaxHz*(tf.Q-1), tf.RMaxHz, 2*tf.Beta, tf.H0
	default:
		return nil, fmt.Errorf("meanfield: unsupported transfer kind %v", tf.Kind)
	}
	// Constants (q_g, E[f²], E[g²], γ, …) are recomputed on the refined x
	// rule, so that they are consistent with the integrals of the mean-field
	// equations on that rule (ratefn.GaussExpect is adaptive and agrees with
	// it to ≈1e-10 even at β_g = 100/Hz).
	xa, wa := accurateX(m.ref, tf, st.Rule, o.XPanelWidth)
	if err := m.recentre(xa, wa); err != nil {
		return nil, err
	}
	st = m.stats
	var x []float64
	switch o.Grid {
	case OriginalGrid:
		x, m.xw = riemannNormal(-10, 10, 0.1)
		m.zn, m.zw = riemannNormal(-10, 10, 0.1)
	case AccurateGrid:
		x, m.xw = xa, wa
		m.zn, m.zw = gaussHermiteNormal(o.ZNodes)
	default:
		return nil, fmt.Errorf("meanfield: unknown grid %v", o.Grid)
	}
	m.a = make([]float64, len(x))
	m.g = make([]float64, len(x))
	for i, v := range x {
		r := tf.Rate(v)
		m.a[i] = st.Rule.A * st.Rule.F.Eval(r)
		m.g[i] = st.Rule.G.Eval(r)
	}
	return m, nil
}

// accurateX builds the accurate x rule: 8-node Gauss–Legendre panels of
// width h on [−8.5, 8.5], refined around the thresholds of f∘φ and g∘φ.
func accurateX(ref glRef, tf ratefn.Transfer, rule ratefn.Rule, h float64) (x, w []float64) {
	var feats []feature
	lo, hi := tf.Range()
	for _, s := range []ratefn.StepSigmoid{rule.F, rule.G} {
		if s.XHz <= lo || s.XHz >= hi {
			continue
		}
		xc := tf.Inverse(s.XHz)
		slope := s.BetaPerHz * tf.Deriv(xc) // d/dx of the tanh argument
		if slope > 0 {
			feats = append(feats, feature{Centre: xc, Width: 1 / slope})
		}
	}
	return compositeGaussNormal(ref, breakpoints(xHalfRange, h, feats))
}

// recentre recomputes q_g and the Gaussian constants of m.stats on the
// rule (x, w), with the error conditions of ratefn.Rule.Centre.
func (m *model) recentre(x, w []float64) error {
	r := m.stats.Rule
	var et, sw float64
	for i, v := range x {
		et += w[i] * math.Tanh(r.G.BetaPerHz*(m.tf.Rate(v)-r.G.XHz))
		sw += w[i]
	}
	qg := 0.5 * (1 - et/sw)
	if qg < 0 || qg > 1 || math.IsNaN(qg) {
		return fmt.Errorf("meanfield: rule: g cannot be centred: q_g = %v outside [0,1]", qg)
	}
	r.G.Q = qg
	st := ratefn.Stats{Rule: r}
	var m2 float64
	for i, v := range x {
		p := m.tf.Rate(v)
		f, g := r.F.Eval(p), r.G.Eval(p)
		st.EF += w[i] * f
		st.EF2 += w[i] * f * f
		st.EG2 += w[i] * g * g
		st.EGPhi += w[i] * g * p
		st.MeanPhi += w[i] * p
		m2 += w[i] * p * p
	}
	if st.EG2 < 1e-12 {
		return fmt.Errorf("meanfield: rule: g cannot be centred: E[g²] = %.3g (x_g = %g Hz, β_g = %g /Hz give a constant g under φ)", st.EG2, r.G.XHz, r.G.BetaPerHz)
	}
	st.Gamma = r.A * r.A * st.EF2 * st.EG2
	st.SDPhi = math.Sqrt(math.Max(0, m2-st.MeanPhi*st.MeanPhi))
	m.stats = st
	return nil
}

// zRule returns the z nodes for noise variance Δ. On the accurate grid it
// switches from Gauss–Hermite to Gauss–Legendre panels of width 1.5/(k√Δ)
// when the smoothed sigmoid becomes too steep in z for Gauss–Hermite.
func (m *model) zRule(delta float64) (z, w []float64) {
	s := m.k * math.Sqrt(delta)
	if m.grid == OriginalGrid || s <= ghMaxSlope {
		return m.zn, m.zw
	}
	return compositeGaussNormal(m.ref, breakpoints(zHalfRange, 1.5/s, nil))
}

// eval returns the moments at overlap q and crosstalk variance Δ. extraVar
// adds a per-neuron variance extraVar·a(x)² to Δ (the finite-K correction).
func (m *model) eval(q, delta, extraVar float64) moments {
	return m.evalMode(q, delta, extraVar, false)
}

// evalQ returns only Q and DQ (the fields the root finder needs), about
// twice as fast as eval.
func (m *model) evalQ(q, delta, extraVar float64) moments {
	return m.evalMode(q, delta, extraVar, true)
}

func (m *model) evalMode(q, delta, extraVar float64, light bool) moments {
	z, wz := m.zRule(delta + extraVar*maxAbs2(m.a))
	var wsum float64
	for _, w := range wz {
		wsum += w
	}
	sd := math.Sqrt(delta)
	nz := len(z)
	logZ := make([]float64, nz)
	ez := make([]float64, nz)
	maxLZ := 0.0
	for j, v := range z {
		logZ[j] = -m.k * sd * v
		ez[j] = math.Exp(logZ[j])
		maxLZ = math.Max(maxLZ, math.Abs(logZ[j]))
	}
	c0, c1, ck := m.c0, m.c1, m.c1*m.k
	var mo moments
	for i, ai := range m.a {
		logE := -m.k * (ai*q - m.h0)
		var s0, s1, s2, s11 float64
		switch {
		case light && extraVar == 0 && math.Abs(logE)+maxLZ < 700:
			// Only ⟨g r⟩ and its q-derivative: Σw·σ and Σw·t·σ².
			e := math.Exp(logE)
			var sd, st float64
			for j, zj := range ez {
				t := e * zj
				d := 1 / (1 + t)
				sd += wz[j] * d
				st += wz[j] * t * d * d
			}
			s0 = c0*wsum + c1*sd
			s1 = ck * st
		case extraVar == 0 && math.Abs(logE)+maxLZ < 700:
			e := math.Exp(logE)
			for j, zj := range ez {
				t := e * zj
				d := 1 / (1 + t)
				ph := c0 + c1*d
				dp := ck * t * d * d
				w := wz[j]
				s0 += w * ph
				s2 += w * ph * ph
				s1 += w * dp
				s11 += w * dp * dp
			}
		default:
			sdi := math.Sqrt(delta + extraVar*ai*ai)
			for j, zj := range z {
				d, dp := m.sig(logE - m.k*sdi*zj)
				ph := c0 + c1*d
				w := wz[j]
				s0 += w * ph
				s2 += w * ph * ph
				s1 += w * dp
				s11 += w * dp * dp
			}
		}
		w, g := m.xw[i], m.g[i]
		mo.Q += w * g * s0
		mo.DQ += w * g * ai * s1
		mo.R1 += w * s0
		mo.R2 += w * s2
		mo.D2 += w * s11
		mo.GR2 += w * g * g * s2
	}
	return mo
}

// sig returns σ = 1/(1+e^u) and c1·k·σ(1−σ) (= φ′) for a log-argument u,
// without overflow.
func (m *model) sig(u float64) (d, dp float64) {
	if u > 0 {
		e := math.Exp(-u)
		d = e / (1 + e)
	} else {
		e := math.Exp(u)
		d = 1 / (1 + e)
	}
	return d, m.c1 * m.k * d * (1 - d)
}

func maxAbs2(a []float64) float64 {
	var mx float64
	for _, v := range a {
		mx = math.Max(mx, v*v)
	}
	return mx
}

// background returns the moments of the q = 0 state at variance Δ; x drops
// out because E[g] = 0 makes q = 0 a solution and the field is √Δ z.
func (m *model) background(delta float64) moments {
	z, wz := m.zRule(delta)
	sd := math.Sqrt(delta)
	var mo moments
	for j, v := range z {
		d, dp := m.sig(-m.k * (sd*v - m.h0))
		ph := m.c0 + m.c1*d
		mo.R1 += wz[j] * ph
		mo.R2 += wz[j] * ph * ph
		mo.D2 += wz[j] * dp * dp
	}
	mo.GR2 = m.stats.EG2 * mo.R2
	return mo
}
