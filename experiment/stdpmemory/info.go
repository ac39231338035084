package stdpmemory

import (
	"math"
	"slices"

	"github.com/engramsim/engram/analysis/info"
	"github.com/engramsim/engram/theory/infobound"
)

// countCap bounds the alphabet of the delay spike counts behind the
// per-neuron information (counts ≥ countCap − 1 share the last symbol).
const countCap = 32

// fracInfo is the information of the recall trials of one cue fraction
// (stdp-memory.md §5).
type fracInfo struct {
	Key string
	// MI is I(cue; retrieved label) from the P × (P + 1) confusion matrix
	// (Panzeri–Treves corrected; NaN with fewer than two assemblies).
	MI infobound.ConfusionResult
	// IElem is I(ξ_i; n_i) in bits per neuron and trial: the stored
	// element of the cued pattern against the neuron's delay spike count,
	// over the uncued E neurons of every trial (Panzeri–Treves corrected).
	IElem, IElemSE, IElemPlugin float64
	Samples                     int
	// Chain is the independence chain (§5.3–5.4) with R the word of the
	// assemblies' delay states, r_k = 1 when k's delay-averaged overlap
	// exceeds recall.success_m (ok false with fewer than two assemblies).
	Chain   infobound.Chain
	ChainOK bool
}

// infoOf estimates the information of every cue fraction's trials.
func infoOf(c *Config, p *protocol, om *overlapMon, res recallResult) []fracInfo {
	P := p.pat.P()
	var out []fracInfo
	for _, fr := range res.ByFraction {
		fi := fracInfo{Key: fr.Key, IElem: math.NaN(), IElemSE: math.NaN(), IElemPlugin: math.NaN()}
		fi.MI.Bits, fi.MI.PluginBits, fi.MI.StdErrBits, fi.MI.Success = math.NaN(), math.NaN(), math.NaN(), math.NaN()
		counts := make([][]int, P)
		for k := range counts {
			counts[k] = make([]int, P+1)
		}
		var x, y []int
		var cue, ret []int
		var words [][]int
		for ti, r := range res.Trials {
			if r.Fraction != fr.Fraction {
				continue
			}
			col := P
			if r.Out.Winner >= 0 {
				col = r.Out.Winner
			}
			counts[r.Assembly][col]++
			cue, ret = append(cue, r.Assembly), append(ret, col)
			w := make([]int, P)
			for k, m := range r.MeanM {
				if m > c.Phases.Recall.SuccessM {
					w[k] = 1
				}
			}
			words = append(words, w)
			cued := r.cued
			xi := p.pat.Members[r.Assembly]
			for i, n := range om.winCnt[2*ti+1] {
				if _, isCued := slices.BinarySearch(cued, int32(i)); isCued {
					continue
				}
				b := 0
				if _, in := slices.BinarySearch(xi, int32(i)); in {
					b = 1
				}
				x, y = append(x, b), append(y, min(int(n), countCap-1))
			}
		}
		if P >= 2 {
			if mi, err := infobound.ConfusionMI(counts); err == nil {
				fi.MI = mi
			}
			if ch, err := infobound.NewChain(P, cue, ret, words); err == nil {
				fi.Chain, fi.ChainOK = ch, true
			}
		}
		fi.Samples = len(x)
		if len(x) > 0 {
			if e, err := info.MutualInfo(x, y, info.PanzeriTreves, &info.DiscreteOptions{KX: 2, KY: countCap}); err == nil {
				fi.IElem, fi.IElemSE, fi.IElemPlugin = e.Value/math.Ln2, e.StdErr/math.Ln2, e.Plugin/math.Ln2
			}
		}
		out = append(out, fi)
	}
	return out
}

// infoSummary is the summary's "info" object: α = P/K_EE (patterns per
// E→E input, the PB load), bits per synapse = α · I_elem.
func infoSummary(fis []fracInfo, P int, kEE float64) map[string]any {
	alpha := float64(P) / kEE
	keyed := func(f func(fracInfo) float64) map[string]any {
		m := map[string]any{}
		for _, fi := range fis {
			m[fi.Key] = num(f(fi))
		}
		return m
	}
	return map[string]any{
		"mi_cue_bits":        keyed(func(f fracInfo) float64 { return f.MI.Bits }),
		"mi_cue_bits_plugin": keyed(func(f fracInfo) float64 { return f.MI.PluginBits }),
		"mi_cue_bits_stderr": keyed(func(f fracInfo) float64 { return f.MI.StdErrBits }),
		"mi_cue_upper_bits":  num(math.Log2(float64(P))),
		"mi_cue_bits_symmetric": keyed(func(f fracInfo) float64 {
			if P < 2 || math.IsNaN(f.MI.Success) {
				return math.NaN()
			}
			return infobound.SymmetricConfusionBits(P, f.MI.Success)
		}),
		"i_elem_bits":        keyed(func(f fracInfo) float64 { return f.IElem }),
		"i_elem_bits_stderr": keyed(func(f fracInfo) float64 { return f.IElemSE }),
		"i_elem_bits_plugin": keyed(func(f fracInfo) float64 { return f.IElemPlugin }),
		"bits_per_synapse":   keyed(func(f fracInfo) float64 { return alpha * f.IElem }),
		"chain_plugin_bits":  chainMap(fis),
		"alpha":              alpha,
		"k_ee":               kEE,
		"method": "mi_cue: I(cued assembly; retrieved label or none) from the P × (P+1) confusion matrix; " +
			"i_elem: I(ξ_i of the cued pattern; delay spike count of neuron i, capped at 31) over the uncued E neurons of every trial, Panzeri–Treves corrected (alphabet bin count); " +
			"with few trials per fraction (≲ P(P+1)) the corrected mi_cue over-corrects (a perfect 5-assembly recall of 10 trials gives 0.88 of log₂5 = 2.32 bits): " +
			"mi_cue_bits_symmetric is the closed form of a symmetric channel with the measured success (errors spread over the other P−1 labels); " +
			"bits_per_synapse = α · i_elem with α = P / K_EE (stdp-memory.md §5)",
	}
}

// chainMap is the independence chain's plug-in values per cue fraction:
// I(C; R̂) ≤ I(C; R) ≤ H(R) ≤ Σ_k H(r_k), and the total correlation.
func chainMap(fis []fracInfo) map[string]any {
	m := map[string]any{}
	for _, fi := range fis {
		if !fi.ChainOK {
			continue
		}
		ch := fi.Chain
		m[fi.Key] = map[string]any{"mi_cue_retrieved": num(ch.MICueRetrieved.PluginBits), "mi_cue_response": num(ch.MICueResponse.PluginBits),
			"h_response": num(ch.HResponse.PluginBits), "sum_h_units": num(ch.SumHUnits.PluginBits), "total_correlation": num(ch.TotalCorrelation.PluginBits),
			"h_retrieved": num(ch.HRetrieved.PluginBits)}
	}
	return m
}
