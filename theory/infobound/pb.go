package infobound

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/theory/meanfield"
)

// PBResult is the Gaussian information bound of the Pereira–Brunel rate
// memory at one load, from its mean-field retrieval state.
type PBResult struct {
	// Alpha is the load p/K; Exists is false beyond the retrieval branch
	// (then Rho = 0 and no information is retrieved).
	Alpha  float64 `json:"alpha"`
	Exists bool    `json:"exists"`
	// M is the PB overlap of the retrieval state (a correlation with
	// g(φ(ξ)), not with ξ; spec §5.2).
	M float64 `json:"m"`
	// RhoIdentity is corr(ξ, r) over the joint distribution of a neuron's
	// pattern current ξ ~ N(0, 1) and its retrieval rate
	// r = φ(A f(φ(ξ)) q + √Δ z); RhoRank is corr(ξ, Φ⁻¹(F(r))) of the
	// rank-Gaussianised rate (a monotone transform, spec §5.2); Rho is the
	// larger (the bound holds for every transform).
	RhoIdentity float64 `json:"rho_identity"`
	RhoRank     float64 `json:"rho_rank"`
	Rho         float64 `json:"rho"`
	// IElemBits = −½ log₂(1 − ρ²), a lower bound on I(ξ; r) per element.
	IElemBits float64 `json:"i_elem_bits"`
	// BitsPerSynapse = α·IElemBits, a lower bound on I_syn.
	BitsPerSynapse float64 `json:"bits_per_synapse"`
	// MeanRateHz and SDRateHz are ⟨r⟩ and √Var r recomputed here (they
	// must agree with the mean-field state's).
	MeanRateHz float64 `json:"mean_rate_hz"`
	SDRateHz   float64 `json:"sd_rate_hz"`
}

// PBRetrieval returns the bits-per-synapse lower bound of the rate memory
// at load α (spec §5.2): the retrieval state of meanfield.Solve (K → ∞;
// opts.FiniteK must be 0) gives q and Δ, and ρ = corr(ξ, r) is integrated
// over ξ and z by ratefn.GaussExpect.
func PBRetrieval(tf ratefn.Transfer, rule ratefn.Rule, alpha float64, opts *meanfield.Options) (PBResult, error) {
	if opts != nil && opts.FiniteK > 0 {
		return PBResult{}, fmt.Errorf("infobound: PB retrieval: FiniteK = %d is not supported (the bound uses the K → ∞ state)", opts.FiniteK)
	}
	res, err := meanfield.Solve(tf, rule, alpha, opts)
	if err != nil {
		return PBResult{}, fmt.Errorf("infobound: PB retrieval at α = %v: %w", alpha, err)
	}
	out := PBResult{Alpha: alpha, Exists: res.Retrieval.Exists, M: res.Retrieval.M}
	if !res.Retrieval.Exists {
		return out, nil
	}
	st, err := rule.Centre(tf)
	if err != nil {
		return out, err
	}
	rho, mean, sd := PBCorrelation(tf, st.Rule, res.Retrieval.Q, res.Retrieval.Delta)
	out.RhoIdentity, out.MeanRateHz, out.SDRateHz = rho, mean, sd
	out.RhoRank = PBRankCorrelation(tf, st.Rule, res.Retrieval.Q, res.Retrieval.Delta)
	out.Rho = math.Max(rho, out.RhoRank)
	out.IElemBits = GaussianLowerBoundBits(out.Rho) // the larger correlation gives the tighter bound
	out.BitsPerSynapse = BitsPerSynapse(alpha, out.IElemBits)
	return out, nil
}

// PBCorrelation returns ρ = corr(ξ, r), ⟨r⟩ and √Var r for
// r = φ(A f(φ(ξ)) q + √Δ z), ξ, z ~ N(0, 1) independent: the joint
// distribution of pattern current and rate in the mean-field retrieval
// state with overlap q (Hz) and crosstalk variance Δ (pereira-brunel.md
// §2.1). rule's A and F are used as given.
func PBCorrelation(tf ratefn.Transfer, rule ratefn.Rule, q, delta float64) (rho, meanHz, sdHz float64) {
	sd := math.Sqrt(math.Max(delta, 0))
	nodes, weights := normalRule()
	var exr, er, er2 float64
	for i, x := range nodes {
		h0 := rule.A * rule.F.Eval(tf.Rate(x)) * q
		var m1, m2 float64
		if sd == 0 {
			r := tf.Rate(h0)
			m1, m2 = r, r*r
		} else {
			for j, z := range nodes {
				r := tf.Rate(h0 + sd*z)
				m1 += weights[j] * r
				m2 += weights[j] * r * r
			}
		}
		exr += weights[i] * x * m1
		er += weights[i] * m1
		er2 += weights[i] * m2
	}
	v := math.Max(er2-er*er, 0)
	if v == 0 {
		return 0, er, 0
	}
	return exr / math.Sqrt(v), er, math.Sqrt(v)
}

// PBRankCorrelation is corr(ξ, Φ⁻¹(F(r))) for the joint distribution of
// PBCorrelation, F the distribution function of r: the correlation of the
// pattern current with the rank-Gaussianised rate. The joint distribution
// is the product quadrature rule (width 1/8 panels, 1152² weighted
// points), ranks are weighted mid-ranks.
func PBRankCorrelation(tf ratefn.Transfer, rule ratefn.Rule, q, delta float64) float64 {
	sd := math.Sqrt(math.Max(delta, 0))
	nodes, weights := normalRuleWidth(1.0 / 8)
	type pt struct{ r, x, w float64 }
	pts := make([]pt, 0, len(nodes)*len(nodes))
	for i, x := range nodes {
		h0 := rule.A * rule.F.Eval(tf.Rate(x)) * q
		for j, z := range nodes {
			pts = append(pts, pt{tf.Rate(h0 + sd*z), x, weights[i] * weights[j]})
		}
	}
	slices.SortFunc(pts, func(a, b pt) int { return cmp.Compare(a.r, b.r) })
	// upper tail of each run from a suffix sum (no cancellation near u = 1)
	above := make([]float64, len(pts)+1)
	for k := len(pts) - 1; k >= 0; k-- {
		above[k] = above[k+1] + pts[k].w
	}
	var cum, exy, ey, ey2 float64
	for k := 0; k < len(pts); {
		// a run of equal rates shares its mid-rank
		e, w := k, 0.0
		for e < len(pts) && pts[e].r == pts[k].r {
			w += pts[e].w
			e++
		}
		// Φ⁻¹ of the lower tail below the median, −Φ⁻¹ of the upper above
		// (math.Erfcinv loses the tails: it computes Erfinv(1 − x))
		var y float64
		if lo := cum + w/2; lo < 0.5 {
			y = distuv.UnitNormal.Quantile(lo)
		} else {
			y = -distuv.UnitNormal.Quantile(above[e] + w/2)
		}
		for ; k < e; k++ {
			exy += pts[k].w * pts[k].x * y
			ey += pts[k].w * y
			ey2 += pts[k].w * y * y
		}
		cum += w
	}
	v := ey2 - ey*ey
	if !(v > 0) {
		return 0
	}
	return exy / math.Sqrt(v) // E[ξ] = 0, Var ξ = 1
}

// normalRule returns nodes and weights of E[h(ξ)], ξ ~ N(0, 1): 8-node
// Gauss–Legendre panels of width 1/16 on [−9, 9] (2304 nodes), weights
// normalised to sum 1. Its error for the smooth sigmoids of ratefn is far
// below 1e-9 (the Gaussian tail beyond 9 is 2e-19).
func normalRule() (x, w []float64) { return normalRuleWidth(1.0 / 16) }

func normalRuleWidth(width float64) (x, w []float64) {
	// 8-node Gauss–Legendre on [−1, 1]
	gx := [8]float64{-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
		0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363}
	gw := [8]float64{0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
		0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763}
	const half = 9.0
	n := int(2 * half / width)
	var sum float64
	for p := range n {
		mid := -half + (float64(p)+0.5)*width
		for k := range gx {
			xv := mid + 0.5*width*gx[k]
			wv := 0.5 * width * gw[k] * math.Exp(-0.5*xv*xv)
			x, w = append(x, xv), append(w, wv)
			sum += wv
		}
	}
	for i := range w {
		w[i] /= sum
	}
	return x, w
}

// PBCurve evaluates PBRetrieval at every load (in order) and returns the
// points and the index of the largest bits-per-synapse bound among the
// loads with a retrieval state (−1 when none has one).
func PBCurve(tf ratefn.Transfer, rule ratefn.Rule, alphas []float64, opts *meanfield.Options) ([]PBResult, int, error) {
	out := make([]PBResult, len(alphas))
	best := -1
	for i, a := range alphas {
		r, err := PBRetrieval(tf, rule, a, opts)
		if err != nil {
			return out, best, err
		}
		out[i] = r
		if r.Exists && (best < 0 || r.BitsPerSynapse > out[best].BitsPerSynapse) {
			best = i
		}
	}
	return out, best, nil
}
