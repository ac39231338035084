package infobound

import (
	"fmt"
	"math"
)

// GardnerResult is the capacity of the zero-margin perceptron with
// continuous weights for ±1 outputs of coding level F.
type GardnerResult struct {
	// F is the coding level (fraction of +1 outputs), M = 2F − 1 the mean output.
	F float64 `json:"f"`
	M float64 `json:"m"`
	// V is the optimal threshold (in units of the field's SD) solving
	// (1 + m)∫_{−v}^{∞}Dt (t + v) = (1 − m)∫_{v}^{∞}Dt (t − v).
	V float64 `json:"v"`
	// AlphaC is the capacity in patterns per synapse.
	AlphaC float64 `json:"alpha_c"`
	// BitsPerSynapse is α_c·H₂(F), the information stored at capacity.
	BitsPerSynapse float64 `json:"bits_per_synapse"`
}

// normal density and upper tail
func phiN(x float64) float64 { return math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi) }
func qN(x float64) float64   { return 0.5 * math.Erfc(x/math.Sqrt2) }

// g1(c) = ∫_c^∞ Dt (t − c) = φ(c) − c Q(c); g2(c) = ∫_c^∞ Dt (t − c)² = (1 + c²)Q(c) − c φ(c).
func g1(c float64) float64 { return phiN(c) - c*qN(c) }
func g2(c float64) float64 { return (1+c*c)*qN(c) - c*phiN(c) }

// GardnerCapacity returns the capacity of the perceptron with continuous
// weights at zero margin (κ = 0) for ±1 outputs with mean m = 2f − 1 and
// an optimal threshold v (spec stdp-memory.md §5.1, Gardner 1988):
//
//	1/α_c = ((1 + m)/2) ∫_{−v}^{∞}Dt (t + v)² + ((1 − m)/2) ∫_{v}^{∞}Dt (t − v)²,
//
// with v from (1 + m)∫_{−v}^{∞}Dt (t + v) = (1 − m)∫_{v}^{∞}Dt (t − v),
// solved by bisection to machine precision. α_c = 2 at f = 0.5; f must
// lie in (0, 1).
func GardnerCapacity(f float64) (GardnerResult, error) {
	if !(f > 0 && f < 1) {
		return GardnerResult{}, fmt.Errorf("infobound: Gardner capacity: coding level f = %v must be in (0, 1)", f)
	}
	m := 2*f - 1
	// h(v) = (1 + m) g1(−v) − (1 − m) g1(v) increases in v (g1 decreases).
	h := func(v float64) float64 { return (1+m)*g1(-v) - (1-m)*g1(v) }
	lo, hi := -1.0, 1.0
	for h(lo) > 0 {
		lo *= 2
		if lo < -64 {
			return GardnerResult{}, fmt.Errorf("infobound: Gardner capacity: no threshold found for f = %v", f)
		}
	}
	for h(hi) < 0 {
		hi *= 2
		if hi > 64 {
			return GardnerResult{}, fmt.Errorf("infobound: Gardner capacity: no threshold found for f = %v", f)
		}
	}
	v := 0.0
	if h(0) != 0 {
		for range 200 {
			mid := 0.5 * (lo + hi)
			if mid == lo || mid == hi {
				break
			}
			if h(mid) < 0 {
				lo = mid
			} else {
				hi = mid
			}
		}
		v = 0.5 * (lo + hi)
	}
	inv := (1+m)/2*g2(-v) + (1-m)/2*g2(v)
	a := 1 / inv
	return GardnerResult{F: f, M: m, V: v, AlphaC: a, BitsPerSynapse: a * H2(f)}, nil
}
