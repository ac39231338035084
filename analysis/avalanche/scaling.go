package avalanche

import (
	"fmt"
	"math"
	"slices"
)

// DurationMean is the mean avalanche size at one duration.
type DurationMean struct {
	Duration float64
	MeanSize float64
	Count    int
}

// MeanSizeByDuration groups avalanches by duration and returns ⟨S⟩(D),
// sorted by D.
func MeanSizeByDuration(sizes, durations []float64) ([]DurationMean, error) {
	if len(sizes) != len(durations) {
		return nil, fmt.Errorf("avalanche: %d sizes but %d durations", len(sizes), len(durations))
	}
	sum := map[float64]float64{}
	cnt := map[float64]int{}
	for i, d := range durations {
		sum[d] += sizes[i]
		cnt[d]++
	}
	out := make([]DurationMean, 0, len(cnt))
	for d, c := range cnt {
		out = append(out, DurationMean{Duration: d, MeanSize: sum[d] / float64(c), Count: c})
	}
	slices.SortFunc(out, func(a, b DurationMean) int {
		switch {
		case a.Duration < b.Duration:
			return -1
		case a.Duration > b.Duration:
			return 1
		}
		return 0
	})
	return out, nil
}

// ScalingResult is the fit ⟨S⟩(D) ∝ D^γ.
type ScalingResult struct {
	// Gamma is the OLS slope of ln⟨S⟩ on ln D over the unique durations in
	// [DMin, DMax] with at least MinCount avalanches; StdErr its OLS
	// standard error; Intercept the ln-prefactor.
	Gamma, StdErr, Intercept float64
	DMin, DMax               float64
	MinCount                 int
	Points                   int
	Method                   string
	Curve                    []DurationMean // ⟨S⟩(D) points used
}

// ScalingExponent fits ⟨S⟩(D) ~ D^γ over durations in [dmin, dmax]
// (dmax ≤ 0: no upper limit), using durations observed at least minCount
// times (minCount ≤ 0 means 1).
func ScalingExponent(sizes, durations []float64, dmin, dmax float64, minCount int) (*ScalingResult, error) {
	curve, err := MeanSizeByDuration(sizes, durations)
	if err != nil {
		return nil, err
	}
	if minCount <= 0 {
		minCount = 1
	}
	res := &ScalingResult{DMin: dmin, DMax: dmax, MinCount: minCount,
		Method: "OLS of ln⟨S⟩ on ln D over unique durations (unweighted)"}
	var xs, ys []float64
	for _, c := range curve {
		if c.Duration < dmin || (dmax > 0 && c.Duration > dmax) || c.Count < minCount || !(c.MeanSize > 0) || !(c.Duration > 0) {
			continue
		}
		res.Curve = append(res.Curve, c)
		xs = append(xs, math.Log(c.Duration))
		ys = append(ys, math.Log(c.MeanSize))
	}
	res.Points = len(xs)
	if len(xs) < 3 {
		res.Gamma, res.StdErr, res.Intercept = math.NaN(), math.NaN(), math.NaN()
		return res, fmt.Errorf("avalanche: %d distinct durations in [%v, %v], need ≥ 3 for the ⟨S⟩(D) fit", len(xs), dmin, dmax)
	}
	n := float64(len(xs))
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= n
	my /= n
	var sxx, sxy float64
	for i := range xs {
		sxx += (xs[i] - mx) * (xs[i] - mx)
		sxy += (xs[i] - mx) * (ys[i] - my)
	}
	res.Gamma = sxy / sxx
	res.Intercept = my - res.Gamma*mx
	ssr := 0.0
	for i := range xs {
		r := ys[i] - res.Intercept - res.Gamma*xs[i]
		ssr += r * r
	}
	res.StdErr = math.Sqrt(ssr / (n - 2) / sxx)
	return res, nil
}

// PredictedGamma returns the crackling-noise relation γ = (α_D − 1)/(α_S − 1)
// and its standard error propagated from the exponents' standard errors
// (assumed independent).
func PredictedGamma(alphaS, seS, alphaD, seD float64) (gamma, se float64) {
	gamma = (alphaD - 1) / (alphaS - 1)
	dS := -(alphaD - 1) / ((alphaS - 1) * (alphaS - 1))
	dD := 1 / (alphaS - 1)
	se = math.Sqrt(dS*dS*seS*seS + dD*dD*seD*seD)
	return gamma, se
}
