package infobound

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/engramsim/engram/analysis/info"
)

// Value is one information quantity in bits: the plug-in value and the
// bias-corrected one (Method names the correction).
type Value struct {
	PluginBits float64 `json:"plugin_bits"`
	Bits       float64 `json:"bits"`
	Method     string  `json:"method"`
}

// Chain is the independence chain of spec §5.3–5.4 for one set of trials:
//
//	I(C; R̂) ≤ H(R̂) ≤ log₂(P + 1)
//	I(C; R̂) ≤ I(C; R) ≤ H(R) ≤ Σ_k H(r_k) ≤ Σ_k log₂ n_k,
//
// with R the discrete population response (one word per trial) and r_k
// unit k's response with n_k possible values (its largest value + 1).
type Chain struct {
	// P is the number of cue labels, Trials the number of trials, Units
	// the number of response units.
	P, Trials, Units int
	// MICueRetrieved is I(C; R̂) and MICueResponse I(C; R), both
	// Panzeri–Treves corrected (for R over the observed words, which
	// under-corrects when words are many per trial: trust its plug-in
	// value as the chain's quantity and the corrected one as a guide).
	MICueRetrieved, MICueResponse Value
	// HRetrieved is H(R̂), HResponse H(R) of the population words,
	// SumHUnits Σ_k H(r_k) (all Miller–Madow corrected).
	HRetrieved, HResponse, SumHUnits Value
	// TotalCorrelation is Σ_k H(r_k) − H(R) (plug-in and Miller–Madow).
	TotalCorrelation Value
	// RetrievedBoundBits = log₂(P + 1); UnitsBoundBits = Σ_k log₂ n_k.
	RetrievedBoundBits, UnitsBoundBits float64
	// RetrievedIsFunctionOfR is true when every observed response word
	// comes with a single retrieved label (R̂ computed from R), so that
	// I(C; R̂) ≤ I(C; R) must hold for the plug-in values.
	RetrievedIsFunctionOfR bool
}

// NewChain computes the chain from trials: cue[t] in 0 … P−1, retrieved[t]
// in 0 … P (P: "none"), responses[t] the non-negative integer response of
// every unit (e.g. spike counts in the delay window, or binned overlaps).
// P is the number of cue labels (≥ 2).
func NewChain(p int, cue, retrieved []int, responses [][]int) (Chain, error) {
	n := len(cue)
	switch {
	case p < 2:
		return Chain{}, fmt.Errorf("infobound: chain: P = %d cue labels; need ≥ 2", p)
	case n == 0:
		return Chain{}, fmt.Errorf("infobound: chain: no trials")
	case len(retrieved) != n || len(responses) != n:
		return Chain{}, fmt.Errorf("infobound: chain: %d cues, %d retrieved labels, %d responses; need one of each per trial", n, len(retrieved), len(responses))
	}
	units := len(responses[0])
	if units == 0 {
		return Chain{}, fmt.Errorf("infobound: chain: responses have no units")
	}
	for t := range n {
		if cue[t] < 0 || cue[t] >= p {
			return Chain{}, fmt.Errorf("infobound: chain: trial %d: cue %d outside 0 … %d", t, cue[t], p-1)
		}
		if retrieved[t] < 0 || retrieved[t] > p {
			return Chain{}, fmt.Errorf("infobound: chain: trial %d: retrieved label %d outside 0 … %d (%d = none)", t, retrieved[t], p, p)
		}
		if len(responses[t]) != units {
			return Chain{}, fmt.Errorf("infobound: chain: trial %d has %d units, trial 0 has %d", t, len(responses[t]), units)
		}
		for k, v := range responses[t] {
			if v < 0 {
				return Chain{}, fmt.Errorf("infobound: chain: trial %d, unit %d: response %d is negative", t, k, v)
			}
		}
	}
	c := Chain{P: p, Trials: n, Units: units, RetrievedBoundBits: math.Log2(float64(p + 1))}
	// population words, densely renumbered (no alphabet-size limit)
	ids := map[string]int{}
	words := make([]int, n)
	var sb strings.Builder
	for t, row := range responses {
		sb.Reset()
		for _, v := range row {
			sb.WriteString(strconv.Itoa(v))
			sb.WriteByte(',')
		}
		k := sb.String()
		id, ok := ids[k]
		if !ok {
			id = len(ids)
			ids[k] = id
		}
		words[t] = id
	}
	c.RetrievedIsFunctionOfR = true
	lab := make([]int, len(ids))
	for i := range lab {
		lab[i] = -1
	}
	for t, w := range words {
		if lab[w] >= 0 && lab[w] != retrieved[t] {
			c.RetrievedIsFunctionOfR = false
		}
		lab[w] = retrieved[t]
	}
	mi := func(y []int, ky int) (Value, error) {
		e, err := info.MutualInfo(cue, y, info.PanzeriTreves, &info.DiscreteOptions{KX: p, KY: ky})
		if err != nil {
			return Value{}, err
		}
		return Value{PluginBits: e.Plugin / ln2, Bits: e.Value / ln2, Method: e.Method}, nil
	}
	ent := func(y []int, ky int) (Value, error) {
		cnt, err := info.Counts(y, ky)
		if err != nil {
			return Value{}, err
		}
		e, err := info.EntropyMillerMadow(cnt)
		if err != nil {
			return Value{}, err
		}
		return Value{PluginBits: e.Plugin / ln2, Bits: e.Value / ln2, Method: e.Method}, nil
	}
	var err error
	if c.MICueRetrieved, err = mi(retrieved, p+1); err != nil {
		return c, fmt.Errorf("infobound: chain: I(C; R̂): %w", err)
	}
	if c.MICueResponse, err = mi(words, len(ids)); err != nil {
		return c, fmt.Errorf("infobound: chain: I(C; R): %w", err)
	}
	if c.HRetrieved, err = ent(retrieved, p+1); err != nil {
		return c, err
	}
	if c.HResponse, err = ent(words, len(ids)); err != nil {
		return c, err
	}
	col := make([]int, n)
	c.SumHUnits.Method = "miller-madow"
	for k := range units {
		mx := 0
		for t := range n {
			col[t] = responses[t][k]
			mx = max(mx, col[t])
		}
		h, err := ent(col, mx+1)
		if err != nil {
			return c, err
		}
		c.SumHUnits.PluginBits += h.PluginBits
		c.SumHUnits.Bits += h.Bits
		c.UnitsBoundBits += math.Log2(float64(mx + 1))
	}
	c.TotalCorrelation = Value{PluginBits: c.SumHUnits.PluginBits - c.HResponse.PluginBits, Bits: c.SumHUnits.Bits - c.HResponse.Bits, Method: "miller-madow"}
	return c, nil
}

// chainTol absorbs float rounding in the plug-in inequalities (bits).
const chainTol = 1e-9

// Check verifies the chain's inequalities and returns the violated ones
// (nil: all hold). The plug-in values satisfy every inequality for any
// data (they are the exact quantities of the empirical distribution), so
// each is checked to rounding; the data-processing step I(C; R̂) ≤ I(C; R)
// only when RetrievedIsFunctionOfR. The bias-corrected values are not
// checked: each side is corrected separately, so a corrected inequality
// may fail by up to the two corrections, and a check within that slack
// would follow from the plug-in one and could never report anything new.
func (c Chain) Check() []string {
	var bad []string
	type pair struct {
		name string
		a, b Value
	}
	bound := func(x float64) Value { return Value{PluginBits: x, Bits: x} }
	steps := []pair{
		{"I(C; R̂) ≤ H(R̂)", c.MICueRetrieved, c.HRetrieved},
		{"H(R̂) ≤ log₂(P + 1)", c.HRetrieved, bound(c.RetrievedBoundBits)},
		{"I(C; R) ≤ H(R)", c.MICueResponse, c.HResponse},
		{"H(R) ≤ Σ_k H(r_k)", c.HResponse, c.SumHUnits},
		{"Σ_k H(r_k) ≤ Σ_k log₂ n_k", c.SumHUnits, bound(c.UnitsBoundBits)},
	}
	if c.RetrievedIsFunctionOfR {
		steps = append(steps, pair{"I(C; R̂) ≤ I(C; R)", c.MICueRetrieved, c.MICueResponse})
	}
	for _, s := range steps {
		if s.a.PluginBits > s.b.PluginBits+chainTol {
			bad = append(bad, fmt.Sprintf("plug-in %s: %.6g > %.6g bits", s.name, s.a.PluginBits, s.b.PluginBits))
		}
	}
	return bad
}

// CueMIGaussian is the continuous I(C; R) in bits of responses r (trials
// × dims, e.g. delay-period rates or the P overlaps m_k) about the cue
// labels, ½[ln|Σ_R| − Σ_c P(c) ln|Σ_{R|c}|] with the Wishart correction
// (analysis/info.GaussianStimulusMI, spec §5.3).
func CueMIGaussian(cue []int, r [][]float64) (info.Estimate, error) {
	e, err := info.GaussianStimulusMI(cue, r, nil)
	if err != nil {
		return e, fmt.Errorf("infobound: Gaussian I(C; R): %w", err)
	}
	return e, nil
}
