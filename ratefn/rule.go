package ratefn

import (
	"fmt"
	"math"
)

// StepSigmoid is a smoothed step ½[2Q − 1 + tanh(β (r − x))] of the
// postsynaptic or presynaptic rate r (Hz). It ranges over (Q − 1, Q).
type StepSigmoid struct {
	// Q is the offset q (dimensionless, typically 0.2–1).
	Q float64
	// BetaPerHz is the steepness β in 1/Hz (typically 0.04–5; median 0.2818).
	BetaPerHz float64
	// XHz is the threshold x in Hz between depression and potentiation
	// (typically 10–50; median 26.59).
	XHz float64
}

// Eval returns the factor at rate r (Hz).
func (s StepSigmoid) Eval(r float64) float64 {
	return 0.5 * (2*s.Q - 1 + math.Tanh(s.BetaPerHz*(r-s.XHz)))
}

func (s StepSigmoid) validate(name string) error {
	for _, p := range []struct {
		k string
		v float64
	}{{"q_" + name, s.Q}, {"beta_" + name + "_per_hz", s.BetaPerHz}, {"x_" + name + "_hz", s.XHz}} {
		if math.IsNaN(p.v) || math.IsInf(p.v, 0) {
			return fmt.Errorf("rule.%s = %v is not a finite number", p.k, p.v)
		}
	}
	if s.BetaPerHz <= 0 {
		return fmt.Errorf("rule.beta_%s_per_hz = %v must be > 0", name, s.BetaPerHz)
	}
	return nil
}

// Rule is the separable learning rule ΔW_ij = A f(r_i) g(r_j) (i post, j pre).
type Rule struct {
	// A is the dimensionless amplitude (median 3.5506; ×3 for chaotic
	// retrieval). Must be ≥ 0.
	A float64
	// F is the postsynaptic factor inferred from data.
	F StepSigmoid
	// G is the presynaptic factor; its Q is set by Centre.
	G StepSigmoid
}

// Validate rejects impossible parameters (A < 0, non-finite values, β ≤ 0).
func (r Rule) Validate() error {
	if math.IsNaN(r.A) || math.IsInf(r.A, 0) {
		return fmt.Errorf("rule.A = %v is not a finite number", r.A)
	}
	if r.A < 0 {
		return fmt.Errorf("rule.A = %v must be ≥ 0", r.A)
	}
	if err := r.F.validate("f"); err != nil {
		return err
	}
	return r.G.validate("g")
}

// Stats are the Gaussian averages of a centred rule under a transfer
// function, over ξ ~ N(0,1).
type Stats struct {
	// Rule is the input rule with G.Q set so that E[g] = 0.
	Rule Rule
	// EF, EF2 are E[f(φ(ξ))] and E[f²]; EG2 is E[g²].
	EF, EF2, EG2 float64
	// Gamma is γ = A² E[f²] E[g²].
	Gamma float64
	// EGPhi is E[g(φ(ξ)) φ(ξ)] in Hz: the overlap q of a pattern with itself.
	EGPhi float64
	// MeanPhi, SDPhi are the mean and SD (Hz) of pattern rates φ(ξ).
	MeanPhi, SDPhi float64
}

// Centre solves q_g so that E[g(φ(ξ))] = 0 for ξ ~ N(0,1) and returns the
// rule's Gaussian constants. It fails when g cannot be centred: when the
// required q_g falls outside [0, 1] (the bracket of the original code) or
// when the centred g is numerically zero (E[g²] < 1e-12, e.g. a threshold
// x_g far outside the range of φ).
func (r Rule) Centre(tf Transfer) (Stats, error) {
	if err := r.Validate(); err != nil {
		return Stats{}, err
	}
	if err := tf.Validate(); err != nil {
		return Stats{}, err
	}
	et := GaussExpect(func(x float64) float64 {
		return math.Tanh(r.G.BetaPerHz * (tf.Rate(x) - r.G.XHz))
	})
	qg := 0.5 * (1 - et)
	if qg < 0 || qg > 1 || math.IsNaN(qg) {
		return Stats{}, fmt.Errorf("rule: g cannot be centred: q_g = %v outside [0,1]", qg)
	}
	r.G.Q = qg
	s := Stats{Rule: r}
	s.EF = GaussExpect(func(x float64) float64 { return r.F.Eval(tf.Rate(x)) })
	s.EF2 = GaussExpect(func(x float64) float64 { v := r.F.Eval(tf.Rate(x)); return v * v })
	s.EG2 = GaussExpect(func(x float64) float64 { v := r.G.Eval(tf.Rate(x)); return v * v })
	if s.EG2 < 1e-12 {
		return Stats{}, fmt.Errorf("rule: g cannot be centred: E[g²] = %.3g (x_g = %g Hz, β_g = %g /Hz give a constant g under φ)", s.EG2, r.G.XHz, r.G.BetaPerHz)
	}
	s.Gamma = r.A * r.A * s.EF2 * s.EG2
	s.EGPhi = GaussExpect(func(x float64) float64 { p := tf.Rate(x); return r.G.Eval(p) * p })
	s.MeanPhi = GaussExpect(tf.Rate)
	m2 := GaussExpect(func(x float64) float64 { p := tf.Rate(x); return p * p })
	s.SDPhi = math.Sqrt(math.Max(0, m2-s.MeanPhi*s.MeanPhi))
	return s, nil
}
