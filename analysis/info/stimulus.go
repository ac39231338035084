package info

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// GaussianStimulusMI is the information between a discrete stimulus s
// (labels ≥ 0) and a continuous response vector r (samples × dims) under a
// Gaussian model per stimulus class: I(S;R) ≈ ½[ln det Σ_R − Σ_s P(s) ln det
// Σ_{R|s}] — the Gaussian-channel formula ½ ln(|Σ_R|/|Σ_{R|X}|) with the
// noise covariance estimated per class. Each log-det is Wishart-corrected
// (with its own sample count) unless o.NoWishart. The total covariance
// makes the value an upper bound on the information of a Gaussian mixture
// only approximately: exact when the responses are Gaussian given s and the
// class means differ little relative to the noise; report it next to a
// discrete or k-NN estimate. StdErr is not available (NaN).
func GaussianStimulusMI(s []int, r [][]float64, o *GaussOptions) (Estimate, error) {
	n, d, err := checkSamples(r, "R")
	if err != nil {
		return Estimate{}, err
	}
	if len(s) != n {
		return Estimate{}, fmt.Errorf("%w: %d stimuli for %d responses", ErrMismatch, len(s), n)
	}
	cs, err := Counts(s, 0)
	if err != nil {
		return Estimate{}, fmt.Errorf("stimulus: %w", err)
	}
	wish := o == nil || !o.NoWishart
	logdet := func(rows [][]float64) (float64, float64, error) {
		m := len(rows)
		if m <= d+1 {
			return 0, 0, fmt.Errorf("%w: a stimulus class has %d responses for %d dimensions (need > d + 1)", ErrTooFew, m, d)
		}
		var cov mat.SymDense
		stat.CovarianceMatrix(&cov, joinColumns(rows, nil), nil)
		ld, err := LogDet(&cov)
		if err != nil {
			return 0, 0, err
		}
		corr := 0.0
		if wish {
			corr = WishartLogDetBias(d, m)
		}
		return ld, corr, nil
	}
	if err := checkConstant(r, "R"); err != nil {
		return Estimate{}, err
	}
	lt, ct, err := logdet(r)
	if err != nil {
		return Estimate{}, err
	}
	byS := make([][][]float64, len(cs))
	for i, v := range s {
		byS[v] = append(byS[v], r[i])
	}
	raw, cor := lt, lt-ct
	for _, rows := range byS {
		if len(rows) == 0 {
			continue
		}
		p := float64(len(rows)) / float64(n)
		l, c, err := logdet(rows)
		if err != nil {
			return Estimate{}, err
		}
		raw -= p * l
		cor -= p * (l - c)
	}
	e := Estimate{Value: cor / 2, Plugin: raw / 2, StdErr: math.NaN(), Method: "gaussian-stimulus", Uncertainty: "none",
		Settings: Settings{N: n, Dims: []int{d}, Bins: len(cs), Wishart: wish}}
	if wish {
		e.Method += "-wishart"
	}
	e.BiasCorrection = e.Plugin - e.Value
	return e, nil
}

// GeometricMaxEnt is the maximum-entropy distribution of a count K ≥ 0
// with a given mean ⟨K⟩ = μ (e.g. ⟨N⟩ = K Δt ⟨r⟩ of a population in a
// window): the geometric P(k) = (1 − q) q^k with q = μ/(1 + μ). It returns
// q and its entropy (1+μ) ln(1+μ) − μ ln μ (nats); any other count
// distribution with that mean has lower entropy.
func GeometricMaxEnt(mean float64) (q, entropy float64) {
	if !(mean >= 0) || math.IsInf(mean, 0) {
		panic(fmt.Sprintf("info: GeometricMaxEnt mean %v must be finite and ≥ 0", mean))
	}
	if mean == 0 {
		return 0, 0
	}
	return mean / (1 + mean), (1+mean)*math.Log1p(mean) - mean*math.Log(mean)
}
