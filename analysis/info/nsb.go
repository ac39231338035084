package info

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
)

// NSBOptions configures EntropyNSB. nil means defaults.
type NSBOptions struct {
	// K is the alphabet size (number of bins including the empty ones);
	// 0: the length of the histogram.
	K int
	// GridPoints is the number of points of the ln β grid (default 400),
	// used twice: over [BetaMin, BetaMax] and again over the region where
	// the posterior weight exceeds 1e-14 of its maximum.
	GridPoints int
	// BetaMin and BetaMax bound the Dirichlet concentration β (defaults
	// 1e-6 and 1e4).
	BetaMin, BetaMax float64
}

// countGroups returns the distinct non-negative counts and their
// multiplicities (zeros included with k − len(counts) extra empty bins).
func countGroups(counts []int, k int) (vals []float64, mult []float64) {
	m := map[int]int{}
	for _, c := range counts {
		m[c]++
	}
	m[0] += k - len(counts)
	keys := make([]int, 0, len(m))
	for c, v := range m {
		if v > 0 {
			keys = append(keys, c)
		}
	}
	slices.Sort(keys)
	for _, c := range keys {
		vals = append(vals, float64(c))
		mult = append(mult, float64(m[c]))
	}
	return
}

// nsbTerms returns, at concentration β, the log posterior weight
// ln w(β) (with the ln β Jacobian), E[H|n,β] and E[H²|n,β].
func nsbTerms(vals, mult []float64, k, n, beta float64) (lw, h1, h2 float64) {
	kb := k * beta
	a := n + kb
	lw = lg(kb) - lg(n+kb)
	for i, c := range vals {
		if c > 0 {
			lw += mult[i] * (lg(c+beta) - lg(beta))
		}
	}
	dxi := k*Trigamma(kb+1) - Trigamma(beta+1)
	lw += math.Log(dxi) + math.Log(beta)
	// E[H] = ψ(A+1) − Σ_i (α_i/A) ψ(α_i+1), α_i = n_i + β
	psiA2, triA2 := mathext.Digamma(a+2), Trigamma(a+2)
	h1 = mathext.Digamma(a + 1)
	var sf, sf2, sa2, sdiag float64
	for i, c := range vals {
		al := c + beta
		h1 -= mult[i] * al / a * mathext.Digamma(al+1)
		f := al * (mathext.Digamma(al+1) - psiA2)
		sf += mult[i] * f
		sf2 += mult[i] * f * f
		sa2 += mult[i] * al * al
		g := mathext.Digamma(al+2) - psiA2
		sdiag += mult[i] * al * (al + 1) * (g*g + Trigamma(al+2) - triA2)
	}
	// E[H²] (Wolpert & Wolf 1995): Σ_{i≠j} α_iα_j[(ψ(α_i+1)−ψ(A+2))(ψ(α_j+1)−ψ(A+2)) − ψ₁(A+2)]
	// + Σ_i α_i(α_i+1)[(ψ(α_i+2)−ψ(A+2))² + ψ₁(α_i+2) − ψ₁(A+2)], all over A(A+1).
	off := sf*sf - sf2 - triA2*(a*a-sa2)
	h2 = (off + sdiag) / (a * (a + 1))
	return
}

func lg(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// EntropyNSB is the Nemenman–Shafee–Bialek (2002) entropy (nats) of a
// histogram over K bins: the posterior mean of H under a mixture of
// symmetric Dirichlet(β) priors whose weight makes the prior on H nearly
// flat, w(β) ∝ [Γ(Kβ)/Γ(N+Kβ)] Π_i [Γ(n_i+β)/Γ(β)] dξ/dβ with
// ξ(β) = ψ(Kβ+1) − ψ(β+1). The integral over β runs on a ln β grid
// (trapezoid rule, refined around the posterior's peak); StdErr is the
// posterior SD from E[H²|n,β]. Sums over bins are grouped by count value,
// so the cost is O(grid × distinct counts), not O(grid × K).
func EntropyNSB(counts []int, o *NSBOptions) (Estimate, error) {
	var d NSBOptions
	if o != nil {
		d = *o
	}
	if d.K == 0 {
		d.K = len(counts)
	}
	if d.K < len(counts) {
		return Estimate{}, fmt.Errorf("info: NSB alphabet K = %d is smaller than the histogram (%d bins)", d.K, len(counts))
	}
	if d.GridPoints <= 0 {
		d.GridPoints = 400
	}
	if d.BetaMin <= 0 {
		d.BetaMin = 1e-6
	}
	if d.BetaMax <= 0 {
		d.BetaMax = 1e4
	}
	if d.K < 2 {
		return Estimate{}, fmt.Errorf("%w: NSB needs an alphabet of ≥ 2 bins", ErrTooFew)
	}
	for i, c := range counts {
		if c < 0 {
			return Estimate{}, fmt.Errorf("%w: bin %d has count %d", ErrLabels, i, c)
		}
	}
	occ, n := occupied(counts)
	if n == 0 {
		return Estimate{}, fmt.Errorf("%w: empty histogram", ErrTooFew)
	}
	vals, mult := countGroups(counts, d.K)
	k, nf := float64(d.K), float64(n)
	integrate := func(lo, hi float64) (lws, h1s, h2s []float64, xs []float64) {
		m := d.GridPoints
		for j := range m {
			x := lo + (hi-lo)*float64(j)/float64(m-1)
			lw, a, b := nsbTerms(vals, mult, k, nf, math.Exp(x))
			xs, lws, h1s, h2s = append(xs, x), append(lws, lw), append(h1s, a), append(h2s, b)
		}
		return
	}
	lo, hi := math.Log(d.BetaMin), math.Log(d.BetaMax)
	lws, _, _, xs := integrate(lo, hi)
	mx := slices.Max(lws)
	// refine to the region with weight > 1e-14·max (one grid step of slack)
	first, last := 0, len(xs)-1
	for first < last && lws[first]-mx < -32 {
		first++
	}
	for last > first && lws[last]-mx < -32 {
		last--
	}
	first, last = max(first-1, 0), min(last+1, len(xs)-1)
	lws, h1s, h2s, xs := integrate(xs[first], xs[last])
	mx = slices.Max(lws)
	var z, s1, s2 float64
	for j := range xs {
		w := math.Exp(lws[j] - mx)
		if j == 0 || j == len(xs)-1 {
			w /= 2
		}
		z += w
		s1 += w * h1s[j]
		s2 += w * h2s[j]
	}
	h, h2 := s1/z, s2/z
	pl, _ := plugin(counts, n)
	e := Estimate{Value: h, Plugin: pl, BiasCorrection: pl - h, StdErr: math.Sqrt(math.Max(h2-h*h, 0)), Method: string(NSB),
		Uncertainty: "posterior SD", Settings: Settings{N: n, Bins: d.K, Occupied: occ}}
	return e, nil
}
