package bridge

import (
	"fmt"
	"math"

	"github.com/engramsim/engram/theory/meanfield"
)

// Pattern describes binary patterns (stdp-memory.md §3.3, §4.4 step 3):
// members fire at NuHiHz during imprinting, non-members at NuLoHz; a
// fraction P of the neurons are members (the coding level).
type Pattern struct {
	// NuLoHz is the non-member rate ν_lo in Hz (> 0).
	NuLoHz float64 `json:"nu_lo_hz" toml:"nu_lo_hz"`
	// NuHiHz is the member rate ν_hi in Hz (> ν_lo).
	NuHiHz float64 `json:"nu_hi_hz" toml:"nu_hi_hz"`
	// P is the coding level p in (0, 1).
	P float64 `json:"p" toml:"p"`
}

// Validate rejects rates that are not finite, ν_lo ≥ ν_hi and p outside (0, 1).
func (p Pattern) Validate() error {
	if !(p.NuLoHz > 0) || math.IsInf(p.NuLoHz, 0) || !(p.NuHiHz > 0) || math.IsInf(p.NuHiHz, 0) {
		return fmt.Errorf("bridge: pattern rates ν_lo = %v, ν_hi = %v Hz must be finite numbers > 0", p.NuLoHz, p.NuHiHz)
	}
	if !(p.NuHiHz > p.NuLoHz) {
		return fmt.Errorf("bridge: pattern rates ν_lo = %v ≥ ν_hi = %v Hz; need ν_lo < ν_hi", p.NuLoHz, p.NuHiHz)
	}
	if !(p.P > 0 && p.P < 1) {
		return fmt.Errorf("bridge: coding level p = %v must be in (0, 1)", p.P)
	}
	return nil
}

// StepFamily is a rule's image in the step family of pereira-brunel.md
// §2.4 for binary patterns (stdp-memory.md §4.4 steps 3–4).
type StepFamily struct {
	Pattern Pattern `json:"pattern"`
	// FLo, FHi are f(ν_lo), f(ν_hi); GLo, GHi g(ν_lo), g(ν_hi).
	FLo float64 `json:"f_lo"`
	FHi float64 `json:"f_hi"`
	GLo float64 `json:"g_lo"`
	GHi float64 `json:"g_hi"`
	// InFamily is false when the rule does not map onto the family (then
	// Reason says why, e.g. "no depression at ν_lo", and the fields below
	// are zero).
	InFamily bool   `json:"in_family"`
	Reason   string `json:"reason,omitempty"`
	// QF = f(ν_hi)/(f(ν_hi) − f(ν_lo)), DeltaQ = 1 − p − q_f; FScale =
	// f(ν_hi) − f(ν_lo) and GScale = g(ν_hi) − g(ν_lo) are the step
	// heights (the centred g takes (1 − p)·GScale and −p·GScale).
	QF     float64 `json:"q_f"`
	DeltaQ float64 `json:"delta_q"`
	FScale float64 `json:"f_scale"`
	GScale float64 `json:"g_scale"`
	// EF2 = p q_f² + (1 − p)(1 − q_f)², EG2 = p(1 − p).
	EF2 float64 `json:"ef2"`
	EG2 float64 `json:"eg2"`
	// AlphaCMFT is the large-gain capacity (E[g²]/E[f²])/π (R12).
	AlphaCMFT float64 `json:"alpha_c_mft"`
	// AlphaCStep is the same limit from meanfield.StepCapacity (Ā = ∞,
	// branch maximum): a check on the closed form.
	AlphaCStep float64 `json:"alpha_c_step"`
}

// MapStep maps f and g at the two pattern rates onto the step family. The
// rule is in the family only if f(ν_lo) < 0 < f(ν_hi) and g(ν_hi) > g(ν_lo).
func MapStep(pat Pattern, fLo, fHi, gLo, gHi float64) (StepFamily, error) {
	if err := pat.Validate(); err != nil {
		return StepFamily{}, err
	}
	for _, v := range []float64{fLo, fHi, gLo, gHi} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return StepFamily{}, fmt.Errorf("bridge: f, g at the pattern rates (%v, %v, %v, %v) must be finite", fLo, fHi, gLo, gHi)
		}
	}
	s := StepFamily{Pattern: pat, FLo: fLo, FHi: fHi, GLo: gLo, GHi: gHi}
	switch {
	case !(fLo < 0):
		s.Reason = fmt.Sprintf("no depression at ν_lo: f(%g Hz) = %.4g ≥ 0", pat.NuLoHz, fLo)
	case !(fHi > 0):
		s.Reason = fmt.Sprintf("no potentiation at ν_hi: f(%g Hz) = %.4g ≤ 0", pat.NuHiHz, fHi)
	case !(gHi > gLo):
		s.Reason = fmt.Sprintf("g does not increase from ν_lo to ν_hi: g(%g Hz) = %.4g, g(%g Hz) = %.4g", pat.NuLoHz, gLo, pat.NuHiHz, gHi)
	}
	if s.Reason != "" {
		return s, nil
	}
	p := pat.P
	s.InFamily = true
	s.FScale, s.GScale = fHi-fLo, gHi-gLo
	s.QF = fHi / s.FScale
	s.DeltaQ = 1 - p - s.QF
	s.EF2 = p*s.QF*s.QF + (1-p)*(1-s.QF)*(1-s.QF)
	s.EG2 = p * (1 - p)
	s.AlphaCMFT = s.EG2 / s.EF2 / math.Pi
	r, err := meanfield.StepCapacity(meanfield.StepParams{P: p, ABar: math.Inf(1), DeltaQ: s.DeltaQ}, nil)
	if err != nil {
		return s, fmt.Errorf("bridge: step-family capacity: %w", err)
	}
	s.AlphaCStep = r.AlphaC
	return s, nil
}
