package corr

import (
	"fmt"
	"math"
)

// CountDistribution returns P(K = k), k = 0..max, of the population count
// per bin (values must be integers ≥ 0).
func CountDistribution(k []float64) ([]float64, error) {
	if len(k) == 0 {
		return nil, fmt.Errorf("corr: no bins")
	}
	mx := 0
	for i, v := range k {
		if v < 0 || v != math.Trunc(v) || v > 1<<30 {
			return nil, fmt.Errorf("corr: bin %d has population count %v (want an integer ≥ 0)", i, v)
		}
		mx = max(mx, int(v))
	}
	p := make([]float64, mx+1)
	for _, v := range k {
		p[int(v)] += 1 / float64(len(k))
	}
	return p, nil
}

// PoissonBinomial is the distribution of the number of successes of
// independent Bernoulli trials with probabilities p (the independent
// prediction of P(K) for binary bins with spike probabilities p_i).
func PoissonBinomial(p []float64) []float64 {
	out := []float64{1}
	for _, q := range p {
		next := make([]float64, len(out)+1)
		for k, v := range out {
			next[k] += v * (1 - q)
			next[k+1] += v * q
		}
		out = next
	}
	return out
}

// KStats are the unbiased k-statistics k₁, k₂, k₃ of a sample (estimators
// of the first three cumulants: mean, variance, third central moment).
type KStats struct {
	K1, K2, K3 float64
	// L is the sample size.
	L int
}

// KStatistics computes k₁ = S₁/L, k₂ = (L S₂ − S₁²)/(L(L−1)),
// k₃ = (2S₁³ − 3L S₁S₂ + L²S₃)/(L(L−1)(L−2)) with S_r = Σ x^r (Stuart &
// Ord; elephant's cubic._kstat). Sums are of centred data for accuracy
// (the k-statistics are shift-invariant beyond k₁).
func KStatistics(x []float64) (KStats, error) {
	l := len(x)
	if l < 3 {
		return KStats{}, fmt.Errorf("corr: k-statistics need ≥ 3 values (have %d)", l)
	}
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(l)
	var s1, s2, s3 float64
	for _, v := range x {
		d := v - m
		s1 += d
		s2 += d * d
		s3 += d * d * d
	}
	lf := float64(l)
	return KStats{K1: m, K2: (lf*s2 - s1*s1) / (lf * (lf - 1)),
		K3: (2*s1*s1*s1 - 3*lf*s1*s2 + lf*lf*s3) / (lf * (lf - 1) * (lf - 2)), L: l}, nil
}

// ThirdCumulant returns the connected third-order correlation
// ⟨δs_i δs_j δs_l⟩ (mean of the product of deviations from the means) of
// three equally long series.
func ThirdCumulant(a, b, c []float64) float64 {
	l := len(a)
	if len(b) != l || len(c) != l || l == 0 {
		panic("corr: ThirdCumulant series differ in length")
	}
	ma, mb, mc := mean(a), mean(b), mean(c)
	s := 0.0
	for t := range l {
		s += (a[t] - ma) * (b[t] - mb) * (c[t] - mc)
	}
	return s / float64(l)
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}
