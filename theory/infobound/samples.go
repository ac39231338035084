package infobound

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// SampleBound is the Gaussian lower bound of spec §5.2 from paired
// samples of a Gaussian pattern element and its read-out.
type SampleBound struct {
	// N is the number of pairs.
	N int `json:"n"`
	// RhoIdentity is the sample corr(ξ, y), RhoRank corr(ξ, Φ⁻¹(rank(y)))
	// (rank-Gaussianised y, mid-ranks for ties); Rho the larger.
	RhoIdentity float64 `json:"rho_identity"`
	RhoRank     float64 `json:"rho_rank"`
	Rho         float64 `json:"rho"`
	// RhoSE is the large-sample standard error (1 − ρ²)/√N of Rho.
	RhoSE float64 `json:"rho_se"`
	// IElemBits = −½ log₂(1 − ρ²) (0 when ρ ≤ 0).
	IElemBits float64 `json:"i_elem_bits"`
}

// GaussianBoundFromSamples returns the per-element bound of spec §5.2 from
// samples: xi[i] the stored Gaussian pattern element of neuron i (e.g.
// pb-dms rec/patterns.npy, the cued pattern's row) and y[i] its read-out
// (e.g. rec/rates_end_*.npy). Multiply IElemBits by the load α for bits
// per synapse. The samples are not modified.
func GaussianBoundFromSamples(xi, y []float64) (SampleBound, error) {
	n := len(xi)
	if n != len(y) {
		return SampleBound{}, fmt.Errorf("infobound: %d pattern elements for %d read-outs", n, len(y))
	}
	if n < 3 {
		return SampleBound{}, fmt.Errorf("infobound: %d samples; need ≥ 3", n)
	}
	for i := range n {
		if math.IsNaN(xi[i]) || math.IsInf(xi[i], 0) || math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return SampleBound{}, fmt.Errorf("infobound: sample %d (ξ = %v, y = %v) is not finite", i, xi[i], y[i])
		}
	}
	if stat.Variance(xi, nil) == 0 || stat.Variance(y, nil) == 0 {
		return SampleBound{}, fmt.Errorf("infobound: constant pattern or read-out: no correlation defined")
	}
	b := SampleBound{N: n, RhoIdentity: stat.Correlation(xi, y, nil)}
	// rank-Gaussianised read-out (mid-ranks for ties)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, c int) int { return cmp.Compare(y[a], y[c]) })
	g := make([]float64, n)
	for k := 0; k < n; {
		e := k
		for e < n && y[idx[e]] == y[idx[k]] {
			e++
		}
		z := distuv.UnitNormal.Quantile((float64(k+e) / 2) / float64(n))
		for ; k < e; k++ {
			g[idx[k]] = z
		}
	}
	b.RhoRank = stat.Correlation(xi, g, nil)
	if math.IsNaN(b.RhoRank) {
		b.RhoRank = 0
	}
	b.Rho = math.Max(b.RhoIdentity, b.RhoRank)
	b.RhoSE = (1 - b.Rho*b.Rho) / math.Sqrt(float64(n))
	if b.Rho > 0 {
		b.IElemBits = GaussianLowerBoundBits(b.Rho)
	}
	return b, nil
}
