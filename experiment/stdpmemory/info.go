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
	// Channel is I(C; R̂) of the symmetric channel with erasures at the
	// measured success, "none" and wrong-assembly rates (channelBits).
	Channel float64
}

// channelBits is I(C; R̂) in bits for a uniform cue over P labels retrieved
// correctly with probability s, as "none" with probability e and as each
// other label with probability w/(P − 1): H(R̂) − H(R̂ | C) with
// P(R̂ = k) = (s + w)/P and P(none) = e. s = 1 gives log₂ P; e = 1 gives 0.
func channelBits(p int, s, e, w float64) float64 {
	xlog := func(x float64) float64 {
		if x <= 0 {
			return 0
		}
		return x * math.Log2(x)
	}
	P := float64(p)
	hR := -P*xlog((s+w)/P) - xlog(e)
	hRC := -xlog(s) - xlog(e) - (P-1)*xlog(w/(P-1))
	return hR - hRC
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
		fi.Channel = math.NaN()
		if P >= 2 {
			if mi, err := infobound.ConfusionMI(counts); err == nil {
				fi.MI = mi
			}
			var ns, ne, nw, n float64
			for k, row := range counts {
				for col, x := range row {
					switch {
					case col == k:
						ns += float64(x)
					case col == P:
						ne += float64(x)
					default:
						nw += float64(x)
					}
					n += float64(x)
				}
			}
			if n > 0 {
				fi.Channel = channelBits(P, ns/n, ne/n, nw/n)
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
		"mi_cue_bits": keyed(func(f fracInfo) float64 {
			if f.MI.Trials < P*(P+1) {
				return math.NaN() // the PT correction is not valid with fewer trials than cells
			}
			return f.MI.Bits
		}),
		"mi_cue_bits_pt":      keyed(func(f fracInfo) float64 { return f.MI.Bits }),
		"mi_cue_trials":       keyed(func(f fracInfo) float64 { return float64(f.MI.Trials) }),
		"mi_cue_bits_plugin":  keyed(func(f fracInfo) float64 { return f.MI.PluginBits }),
		"mi_cue_bits_stderr":  keyed(func(f fracInfo) float64 { return f.MI.StdErrBits }),
		"mi_cue_upper_bits":   num(math.Log2(float64(P))),
		"mi_cue_bits_channel": keyed(func(f fracInfo) float64 { return f.Channel }),
		"i_elem_bits":         keyed(func(f fracInfo) float64 { return f.IElem }),
		"i_elem_bits_stderr":  keyed(func(f fracInfo) float64 { return f.IElemSE }),
		"i_elem_bits_plugin":  keyed(func(f fracInfo) float64 { return f.IElemPlugin }),
		"bits_per_synapse":    keyed(func(f fracInfo) float64 { return alpha * f.IElem }),
		"chain_plugin_bits":   chainMap(fis),
		"alpha":               alpha,
		"k_ee":                kEE,
		"method": "mi_cue: I(cued assembly; retrieved label or none) from the P × (P+1) confusion matrix; " +
			"i_elem: I(ξ_i of the cued pattern; delay spike count of neuron i, capped at 31) over the uncued E neurons of every trial, Panzeri–Treves corrected (alphabet bin count); " +
			"mi_cue_bits is null with fewer trials than the P(P+1) cells, where the correction is not valid (mi_cue_bits_pt has it anyway: a perfect 5-assembly recall of 10 trials gives 0.88 bits of log₂5 = 2.32); " +
			"mi_cue_bits_channel is the closed form of a symmetric channel with erasures at the measured rates (success s, none e, wrong assembly w spread over the other P−1 labels); " +
			"bits_per_synapse = α · i_elem with α = P / K_EE (stdp-memory.md §5)",
	}
}

// chainMap is the independence chain's plug-in values per cue fraction:
// I(C; R) ≤ H(R) ≤ Σ_k H(r_k), the total correlation, and I(C; R̂), which
// is ≤ I(C; R) only when R̂ is a function of the response word R
// (retrieved_is_function_of_response: the success criterion also needs
// its margin, so one word can come with "none" and with k).
func chainMap(fis []fracInfo) map[string]any {
	m := map[string]any{}
	for _, fi := range fis {
		if !fi.ChainOK {
			continue
		}
		ch := fi.Chain
		m[fi.Key] = map[string]any{"mi_cue_retrieved": num(ch.MICueRetrieved.PluginBits), "mi_cue_response": num(ch.MICueResponse.PluginBits),
			"h_response": num(ch.HResponse.PluginBits), "sum_h_units": num(ch.SumHUnits.PluginBits), "total_correlation": num(ch.TotalCorrelation.PluginBits),
			"h_retrieved": num(ch.HRetrieved.PluginBits), "retrieved_is_function_of_response": ch.RetrievedIsFunctionOfR}
	}
	return m
}
