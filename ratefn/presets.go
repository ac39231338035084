package ratefn

import (
	"fmt"
	"sort"
)

// ITCFit is one of the 14 per-neuron fits of Pereira & Brunel (2018),
// decoded from `parametersFit.p` of ulisespereira/AttractorDynamics @ 77b8c0d
// (shared/specs/pereira-brunel.md §1.4). The per-neuron values are given to
// the 4 significant digits of the spec table; the medians (MedianTransfer,
// MedianRule) are the exact values of R1.
type ITCFit struct {
	RMaxHz, Beta, H0      float64
	A, QF, BetaFPerHz, XF float64
}

// itcFits lists the 14 fits in the order of the pickle.
func itcFits() [14]ITCFit {
	rmax := [14]float64{30.19, 196.4, 55.37, 103.1, 51.92, 67.17, 81.17, 200, 194.2, 179.6, 64.25, 81.29, 71.27, 61.59}
	beta := [14]float64{0.893, 0.8814, 1.077, 0.6665, 0.8112, 0.836, 0.8874, 0.7883, 0.583, 0.5608, 0.7255, 0.7036, 1.143, 0.9674}
	h0 := [14]float64{2.608, 5, 2.538, 3.952, 2.317, 2.369, 2.387, 3.904, 5, 5, 2.151, 2.095, 1.233, 2.387}
	a := [14]float64{10, 0.6747, 3.539, 2.5, 7.989, 3.289, 4.608, 1.108, 5.448, 12, 4.8, 1.375, 3.562, 2.787}
	qf := [14]float64{0.9492, 0.4403, 0.9222, 0.8778, 0.9607, 0.8246, 0.9506, 0.5018, 0.221, 0.97, 0.8182, 0.6235, 0.8145, 0.8304}
	bf := [14]float64{0.1927, 1.439, 0.2637, 0.3141, 0.3154, 0.09053, 4.978, 0.08418, 0.04033, 0.2212, 0.07693, 0.7596, 1.194, 0.2999}
	xf := [14]float64{13.69, 9.24, 19.18, 28.45, 22.24, 31.69, 39.83, 23.76, 1.4e-7, 31.85, 33.24, 33.06, 49.54, 24.74}
	var out [14]ITCFit
	for i := range out {
		out[i] = ITCFit{rmax[i], beta[i], h0[i], a[i], qf[i], bf[i], xf[i]}
	}
	return out
}

// ITCFits returns the 14 fitted parameter sets (neurons 1–14).
func ITCFits() []ITCFit { f := itcFits(); return f[:] }

// Transfer returns the fit's logistic transfer function.
func (f ITCFit) Transfer() Transfer {
	return Transfer{Kind: Sigmoid, RMaxHz: f.RMaxHz, Beta: f.Beta, H0: f.H0}
}

// Rule returns the fit's rule with g = f's shape (x_g = x_f, β_g = β_f);
// G.Q is left 0 until Centre is called.
func (f ITCFit) Rule() Rule {
	s := StepSigmoid{Q: f.QF, BetaPerHz: f.BetaFPerHz, XHz: f.XF}
	return Rule{A: f.A, F: s, G: StepSigmoid{BetaPerHz: s.BetaPerHz, XHz: s.XHz}}
}

// Exact medians of the 14 fits (R1 of pereira-brunel.md, [pickle]).
const (
	MedianRMaxHz     = 76.21783
	MedianBeta       = 0.8235614
	MedianH0         = 2.462552
	MedianA          = 3.550594
	MedianQF         = 0.8274883
	MedianBetaFPerHz = 0.2818240
	MedianXFHz       = 26.59497
)

// MedianTransfer is φ at the medians of the 14 fits.
func MedianTransfer() Transfer {
	return Transfer{Kind: Sigmoid, RMaxHz: MedianRMaxHz, Beta: MedianBeta, H0: MedianH0}
}

// MedianRule is the rule at the medians (g with f's shape; G.Q set by Centre).
func MedianRule() Rule {
	return ITCFit{A: MedianA, QF: MedianQF, BetaFPerHz: MedianBetaFPerHz, XF: MedianXFHz}.Rule()
}

// Median returns the median of each parameter over fits (the mean of the
// two middle values for an even count).
func Median(fits []ITCFit) ITCFit {
	med := func(get func(ITCFit) float64) float64 {
		v := make([]float64, len(fits))
		for i, f := range fits {
			v[i] = get(f)
		}
		sort.Float64s(v)
		n := len(v)
		if n%2 == 1 {
			return v[n/2]
		}
		return 0.5 * (v[n/2-1] + v[n/2])
	}
	return ITCFit{
		RMaxHz: med(func(f ITCFit) float64 { return f.RMaxHz }),
		Beta:   med(func(f ITCFit) float64 { return f.Beta }),
		H0:     med(func(f ITCFit) float64 { return f.H0 }),
		A:      med(func(f ITCFit) float64 { return f.A }),
		QF:     med(func(f ITCFit) float64 { return f.QF }),
		BetaFPerHz: med(func(f ITCFit) float64 {
			return f.BetaFPerHz
		}),
		XF: med(func(f ITCFit) float64 { return f.XF }),
	}
}

// Preset returns a named parameter set: "median" or "itc1" … "itc14".
func Preset(name string) (Transfer, Rule, error) {
	if name == "median" || name == "" {
		return MedianTransfer(), MedianRule(), nil
	}
	var k int
	if _, err := fmt.Sscanf(name, "itc%d", &k); err == nil && k >= 1 && k <= 14 && name == fmt.Sprintf("itc%d", k) {
		f := itcFits()[k-1]
		return f.Transfer(), f.Rule(), nil
	}
	return Transfer{}, Rule{}, fmt.Errorf("unknown preset %q (want median or itc1 … itc14)", name)
}

// PresetNames lists the names Preset accepts.
func PresetNames() []string {
	n := []string{"median"}
	for k := 1; k <= 14; k++ {
		n = append(n, fmt.Sprintf("itc%d", k))
	}
	return n
}
