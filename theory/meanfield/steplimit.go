package meanfield

import (
	"fmt"
	"math"

	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/ratefn"
)

// StepParams is one point of the step-function limit of Supplementary
// Fig S7 (spec §2.4): f and g are steps at a common threshold with coding
// level P; φ has r_max = 1 (rates in units of r_max).
type StepParams struct {
	// P is the coding level P(φ(ξ) > threshold), in (0, 1).
	P float64
	// ABar is the normalised amplitude Ā = A√(E[f²]E[g²]) (= √γ), > 0;
	// math.Inf(1) gives the Heaviside limit (φ a unit step at 0).
	ABar float64
	// DeltaQ is Δq = 1 − p − q_f (0: f = g). q_f = 1 − p − Δq must lie in
	// [0, 1].
	DeltaQ float64
	// Beta and H0 are the gain and threshold of φ; 0 means the medians.
	Beta, H0 float64
	// BugCompatible reproduces the original code's missing factor m in the
	// mean field of the above-threshold population in ⟨r²⟩ (spec §2.4), for
	// comparison with the published panels C and D. false (default) is the
	// correct theory.
	BugCompatible bool
}

// StepOptions configures StepCapacity and its sweeps (nil = defaults).
type StepOptions struct {
	// ZStep, if > 0, replaces the accurate z integration (composite
	// Gauss–Legendre panels refined around the step of φ) by the original
	// uniform Riemann grid on [−10, 10) with this spacing (original 0.01).
	ZStep float64
	// MLoss is the m below which retrieval counts as lost (default 0.01).
	MLoss float64
	// Workers and Progress are used by the sweeps, as in Options.
	Workers  int
	Progress progress.Reporter
}

// StepResult is the capacity of one step-limit point.
type StepResult struct {
	Params StepParams `json:"params"`
	// AlphaC is the maximum of α(Δ) = Δ/⟨r²⟩ along the retrieval branch;
	// DeltaC and MAtAlphaC are Δ = α⟨r²⟩ and m there.
	AlphaC    float64 `json:"alpha_c"`
	DeltaC    float64 `json:"delta_c"`
	MAtAlphaC float64 `json:"m_at_alpha_c"`
	// AlphaCScan is the original rule: α at the last point of the log grid
	// Δ_k = 10^(−3 + 4k/1999), k = 0…1999, at which the branch still has
	// m > MLoss (0 if lost at Δ = 1e-3).
	AlphaCScan    float64 `json:"alpha_c_scan"`
	DeltaCScan    float64 `json:"delta_c_scan"`
	MAtAlphaCScan float64 `json:"m_at_alpha_c_scan"`
	// DeltaEnd, AlphaEnd locate the end of the branch (fold or m = MLoss).
	DeltaEnd float64 `json:"delta_end"`
	AlphaEnd float64 `json:"alpha_end"`
	// EF2, EG2 and Sigma = √(E[g²]/E[f²]) of the step rule; the Ā → ∞
	// capacity is Sigma²/π.
	EF2   float64 `json:"ef2"`
	EG2   float64 `json:"eg2"`
	Sigma float64 `json:"sigma"`
	// ReachedEnd: the branch survived to Δ = 10 (the end of the original
	// grid); AlphaCScan is then α there, and AlphaC a lower bound.
	ReachedEnd bool `json:"reached_end"`
	Converged  bool `json:"converged"`
}

// step-limit grid of the original code.
const (
	stepLogLo, stepLogHi = -3.0, 1.0
	stepGridN            = 2000
)

type stepModel struct {
	p, abar, qf, sigma, beta, h0 float64
	bug                          bool
	zstep                        float64
	ref                          glRef
	zr, wr                       []float64 // Riemann grid when zstep > 0
}

func (sp StepParams) validate() error {
	for _, v := range []struct {
		n string
		x float64
	}{{"P", sp.P}, {"ABar", sp.ABar}, {"DeltaQ", sp.DeltaQ}, {"Beta", sp.Beta}, {"H0", sp.H0}} {
		if math.IsNaN(v.x) {
			return fmt.Errorf("meanfield: StepParams.%s is NaN", v.n)
		}
	}
	if !(sp.P > 0 && sp.P < 1) {
		return fmt.Errorf("meanfield: StepParams.P = %v must be in (0, 1)", sp.P)
	}
	if !(sp.ABar > 0) {
		return fmt.Errorf("meanfield: StepParams.ABar = %v must be > 0", sp.ABar)
	}
	if qf := 1 - sp.P - sp.DeltaQ; qf < 0 || qf > 1 {
		return fmt.Errorf("meanfield: q_f = 1 − P − DeltaQ = %v must be in [0, 1]", qf)
	}
	if sp.Beta < 0 || math.IsInf(sp.Beta, 0) || math.IsInf(sp.H0, 0) {
		return fmt.Errorf("meanfield: StepParams.Beta = %v, H0 = %v must be finite, Beta ≥ 0", sp.Beta, sp.H0)
	}
	return nil
}

// I returns E_z φ(Ā(μ + √Δ z)), E_z φ² and ∂/∂μ of the first.
func (s *stepModel) pop(mu, delta float64) (i1, i2, di float64) {
	sd := math.Sqrt(delta)
	if math.IsInf(s.abar, 1) {
		if sd == 0 {
			if mu > 0 {
				return 1, 1, 0
			}
			return 0, 0, 0
		}
		u := mu / sd
		c := 0.5 * math.Erfc(-u/math.Sqrt2)
		return c, c, math.Exp(-0.5*u*u) / (sd * math.Sqrt(2*math.Pi))
	}
	var z, w []float64
	if s.zstep > 0 {
		z, w = s.zr, s.wr
	} else {
		base := 0.5
		var feats []feature
		if sd > 0 {
			feats = []feature{{Centre: (s.h0/s.abar - mu) / sd, Width: 1 / (s.beta * s.abar * sd)}}
		}
		z, w = compositeGaussNormal(s.ref, breakpoints(zHalfRange, base, feats))
	}
	kb := s.beta * s.abar
	for j, zj := range z {
		u := -s.beta * (s.abar*(mu+sd*zj) - s.h0)
		var d float64
		if u > 0 {
			e := math.Exp(-u)
			d = e / (1 + e)
		} else {
			d = 1 / (1 + math.Exp(u))
		}
		i1 += w[j] * d
		i2 += w[j] * d * d
		di += w[j] * kb * d * (1 - d)
	}
	return i1, i2, di
}

// eval returns R(m) = M(m) − m, R′(m) and ⟨r²⟩.
func (s *stepModel) eval(m, delta float64) (r, dr, r2 float64) {
	muA, muB := s.qf*s.sigma*m, -(1-s.qf)*s.sigma*m
	a1, a2, ad := s.pop(muA, delta)
	b1, b2, bd := s.pop(muB, delta)
	r = a1 - b1 - m
	dr = s.qf*s.sigma*ad + (1-s.qf)*s.sigma*bd - 1
	if s.bug {
		_, a2, _ = s.pop(s.qf*s.sigma, delta)
	}
	r2 = s.p*a2 + (1-s.p)*b2
	return r, dr, r2
}

// StepCapacity computes the capacity of one point of the step-function
// limit (spec §2.4) both as the branch maximum and by the original
// scan-stop rule on the original log grid in Δ = α⟨r²⟩.
func StepCapacity(sp StepParams, opts *StepOptions) (StepResult, error) {
	var o StepOptions
	if opts != nil {
		o = *opts
	}
	if o.MLoss == 0 {
		o.MLoss = 0.01
	}
	if !(o.MLoss > 0) || math.IsNaN(o.ZStep) || o.ZStep < 0 {
		return StepResult{}, fmt.Errorf("meanfield: StepOptions MLoss = %v, ZStep = %v invalid", o.MLoss, o.ZStep)
	}
	if err := sp.validate(); err != nil {
		return StepResult{}, err
	}
	if sp.Beta == 0 {
		sp.Beta = ratefn.MedianBeta
	}
	if sp.H0 == 0 {
		sp.H0 = ratefn.MedianH0
	}
	p, qf := sp.P, 1-sp.P-sp.DeltaQ
	ef2 := p*qf*qf + (1-p)*(1-qf)*(1-qf)
	eg2 := p * (1 - p)
	s := &stepModel{p: p, abar: sp.ABar, qf: qf, sigma: math.Sqrt(eg2 / ef2), beta: sp.Beta, h0: sp.H0,
		bug: sp.BugCompatible, zstep: o.ZStep, ref: newGLRef()}
	if o.ZStep > 0 {
		s.zr, s.wr = riemannNormal(-10, 10, o.ZStep)
	}
	res := StepResult{Params: sp, EF2: ef2, EG2: eg2, Sigma: s.sigma}
	at := func(delta, mWarm float64) (m, alpha float64, found bool, err error) {
		R := func(m float64) (float64, float64) { r, dr, _ := s.eval(m, delta); return r, dr }
		m, found, err = upperRoot(R, mWarm, o.MLoss)
		if !found || err != nil {
			return m, 0, false, err
		}
		_, _, r2 := s.eval(m, delta)
		return m, delta / r2, true, nil
	}
	tr, err := trace(at, traceSpec{U0: stepLogLo, Step0: (stepLogHi - stepLogLo) / (stepGridN - 1), MaxStep: 0.05,
		UMax: stepLogHi, UTol: 1e-9, Delta: func(u float64) float64 { return math.Pow(10, u) }, Q0: 10,
		Hump: func(delta, ma float64) (float64, float64, error) {
			return residualHump(func(m float64) (float64, float64) { r, dr, _ := s.eval(m, delta); return r, dr }, ma, o.MLoss)
		}})
	if err != nil {
		return res, fmt.Errorf("meanfield: step capacity: %w", err)
	}
	pts := tr.Pts
	res.ReachedEnd = tr.ReachedMax
	if len(pts) == 0 {
		res.Converged = true
		return res, nil
	}
	last := pts[len(pts)-1]
	res.DeltaEnd, res.AlphaEnd = last.Delta, last.Alpha
	// Branch maximum (golden section in log Δ between neighbours).
	k := argmaxAlpha(pts)
	bd, ba, bm := pts[k].Delta, pts[k].Alpha, pts[k].Q
	if k > 0 && k < len(pts)-1 {
		warm := pts[k-1].Q
		f := func(u float64) float64 {
			_, al, found, err := at(math.Pow(10, u), warm)
			if !found || err != nil {
				return math.Inf(-1)
			}
			return al
		}
		u, al := brentMax(f, pts[k-1].U, pts[k+1].U, pts[k].U, pts[k].Alpha, 1e-7)
		if al > ba {
			bd, ba = math.Pow(10, u), al
			bm, _, _, _ = at(bd, warm)
		}
	}
	res.AlphaC, res.DeltaC, res.MAtAlphaC = ba, bd, bm
	// Scan rule on the original grid.
	gv := func(k float64) float64 { return math.Pow(10, stepLogLo+k*(stepLogHi-stepLogLo)/(stepGridN-1)) }
	kk := math.Floor((math.Log10(res.DeltaEnd) - stepLogLo) / ((stepLogHi - stepLogLo) / (stepGridN - 1)))
	for kk+1 < stepGridN && gv(kk+1) <= res.DeltaEnd {
		kk++
	}
	for kk >= 0 && gv(kk) > res.DeltaEnd {
		kk--
	}
	if kk >= 0 {
		ds := gv(kk)
		j := 0
		for i, pt := range pts {
			if pt.Delta <= ds {
				j = i
			}
		}
		m, al, found, err := at(ds, pts[j].Q)
		if err != nil || !found {
			return res, fmt.Errorf("meanfield: step capacity: lost the branch at the scan point Δ = %v", ds)
		}
		res.AlphaCScan, res.DeltaCScan, res.MAtAlphaCScan = al, ds, m
	}
	res.Converged = true
	return res, nil
}

// StepSweep computes StepCapacity for every point in parallel; the output is
// independent of the number of workers. A point that fails carries its error
// text and Converged = false; the call fails only on invalid options.
func StepSweep(points []StepParams, opts *StepOptions) ([]StepPoint, error) {
	var o StepOptions
	if opts != nil {
		o = *opts
	}
	workers := o.Workers
	if workers <= 0 {
		workers = defaultWorkers()
	}
	out := make([]StepPoint, len(points))
	parallel(len(points), workers, o.Progress, func(i int) {
		r, err := StepCapacity(points[i], opts)
		out[i] = StepPoint{StepResult: r}
		out[i].Params = points[i]
		if err != nil {
			out[i].Err = err.Error()
			out[i].Converged = false
		}
	})
	return out, nil
}

// StepPoint is one StepSweep result with its error text, if any.
type StepPoint struct {
	StepResult
	Err string `json:"error,omitempty"`
}

// StepSweepP is α_c vs coding level p at fixed Ā and Δq (Fig S7 B, D).
func StepSweepP(abar, deltaQ float64, ps []float64, bugCompatible bool, opts *StepOptions) ([]StepPoint, error) {
	pts := make([]StepParams, len(ps))
	for i, p := range ps {
		pts[i] = StepParams{P: p, ABar: abar, DeltaQ: deltaQ, BugCompatible: bugCompatible}
	}
	return StepSweep(pts, opts)
}

// StepSweepABar is α_c vs Ā at fixed p and Δq (Fig S7 C).
func StepSweepABar(p, deltaQ float64, abars []float64, bugCompatible bool, opts *StepOptions) ([]StepPoint, error) {
	pts := make([]StepParams, len(abars))
	for i, a := range abars {
		pts[i] = StepParams{P: p, ABar: a, DeltaQ: deltaQ, BugCompatible: bugCompatible}
	}
	return StepSweep(pts, opts)
}
