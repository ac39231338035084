package branchproc

import "math"

// SubsamplingFactor returns b = p/(p + (1−p)(1−m²)), the factor by which
// binomial subsampling with probability p scales every autocorrelation
// coefficient of the stationary Poisson branching process with branching
// ratio m: r_k = b·m^k. b = 1 at p = 1. It is NaN outside 0 ≤ m < 1,
// 0 < p ≤ 1.
func SubsamplingFactor(p, m float64) float64 {
	if !(m >= 0 && m < 1) || !(p > 0 && p <= 1) {
		return math.NaN()
	}
	return p / (p + (1-p)*(1-m*m))
}

// CorrelationAtLag returns r_k = b·m^k, the lag-k autocorrelation of the
// subsampled stationary process (b from SubsamplingFactor).
func CorrelationAtLag(b, m float64, k int) float64 {
	return b * math.Pow(m, float64(k))
}

// TauFromM returns the autocorrelation time τ = −dt/ln m in the unit of dt.
// It is +Inf at m = 1, negative for m > 1 (growing activity) and NaN for
// m ≤ 0.
func TauFromM(m, dt float64) float64 {
	if !(m > 0) {
		return math.NaN()
	}
	return -dt / math.Log(m)
}

// MFromTau returns m = exp(−dt/τ), the inverse of TauFromM.
func MFromTau(tau, dt float64) float64 {
	return math.Exp(-dt / tau)
}

// StationaryMean returns E[A] = h/(1−m) for 0 ≤ m < 1 (NaN otherwise).
func StationaryMean(h, m float64) float64 {
	if !(m >= 0 && m < 1) {
		return math.NaN()
	}
	return h / (1 - m)
}

// StationaryVariance returns Var[A] = h/((1−m)²(1+m)).
func StationaryVariance(h, m float64) float64 {
	if !(m >= 0 && m < 1) {
		return math.NaN()
	}
	return h / ((1 - m) * (1 - m) * (1 + m))
}

// FanoFactor returns Var[A]/E[A] = 1/(1−m²) of the per-step count. It grows
// without bound as m → 1: small variance means small m, not m near 1.
func FanoFactor(m float64) float64 {
	if !(m >= 0 && m < 1) {
		return math.NaN()
	}
	return 1 / (1 - m*m)
}

// MFromMeanVariance inverts FanoFactor: m = √(1 − μ/σ²). It is NaN when
// σ² < μ (sub-Poisson counts, e.g. refractory neurons).
func MFromMeanVariance(mean, variance float64) float64 {
	if !(variance >= mean) || !(variance > 0) {
		return math.NaN()
	}
	return math.Sqrt(1 - mean/variance)
}

// MFromDriveAndRate returns m = 1 − h/r, the branching ratio implied by a
// per-step external drive h and a stationary rate r (both events per step).
func MFromDriveAndRate(h, r float64) float64 {
	return 1 - h/r
}

// WindowVariance returns Var[S_n] for the sum of n consecutive steps of the
// stationary process: Var[A]·(n + 2 Σ_{k=1}^{n−1} (n−k) m^k).
func WindowVariance(h, m float64, n int) float64 {
	v := StationaryVariance(h, m)
	s := float64(n)
	mk := 1.0
	for k := 1; k < n; k++ {
		mk *= m
		s += 2 * float64(n-k) * mk
	}
	return v * s
}

// BorelPMF returns P(S = n) = e^{−mn}(mn)^{n−1}/n!, the size distribution of
// a Poisson(m) Galton–Watson tree started from one event (n ≥ 1, 0 < m ≤ 1).
// It is evaluated in log space and is accurate for large n.
func BorelPMF(n int, m float64) float64 {
	if n < 1 || !(m > 0) {
		return 0
	}
	x := float64(n)
	lg, _ := math.Lgamma(x + 1)
	return math.Exp(-m*x + (x-1)*math.Log(m*x) - lg)
}

// BorelMean returns the mean avalanche size 1/(1−m) for m < 1 (+Inf at m ≥ 1).
func BorelMean(m float64) float64 {
	if m >= 1 {
		return math.Inf(1)
	}
	return 1 / (1 - m)
}

// DurationCDF returns P(D ≤ d) for the number of generations D ≥ 1 of a
// Poisson(m) Galton–Watson tree started from one event:
// q_0 = 0, q_d = exp(m(q_{d−1} − 1)).
func DurationCDF(d int, m float64) float64 {
	q := 0.0
	for i := 0; i < d; i++ {
		q = math.Exp(m * (q - 1))
	}
	return q
}

// DurationPMF returns P(D = d) = q_d − q_{d−1} (see DurationCDF).
func DurationPMF(d int, m float64) float64 {
	if d < 1 {
		return 0
	}
	q := 0.0
	prev := 0.0
	for i := 0; i < d; i++ {
		prev = q
		q = math.Exp(m * (q - 1))
	}
	return q - prev
}

// DurationPMFTo fills dst[d-1] = P(D = d) for d = 1..len(dst) in one pass and
// returns dst.
func DurationPMFTo(dst []float64, m float64) []float64 {
	q := 0.0
	for i := range dst {
		next := math.Exp(m * (q - 1))
		dst[i] = next - q
		q = next
	}
	return dst
}

// CracklingGamma returns the scaling-relation prediction
// γ = (α_D − 1)/(α_S − 1) for ⟨S⟩(D) ~ D^γ.
func CracklingGamma(alphaSize, alphaDuration float64) float64 {
	return (alphaDuration - 1) / (alphaSize - 1)
}
