package infobound

import (
	"fmt"
	"math"
)

// H2 is the binary entropy H₂(p) = −p log₂ p − (1 − p) log₂(1 − p) in bits.
func H2(p float64) float64 {
	checkProb("H2", "p", p)
	h := 0.0
	for _, q := range []float64{p, 1 - p} {
		if q > 0 {
			h -= q * math.Log2(q)
		}
	}
	return h
}

func checkProb(fn, name string, p float64) {
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("infobound: %s: %s = %v must be a probability in [0, 1]", fn, name, p))
	}
}

// BitsPerSynapse is I_syn = α × I_elem (spec §5.1): the load α = P/K in
// patterns per synapse times the information per pattern element in bits.
func BitsPerSynapse(alpha, iElemBits float64) float64 { return alpha * iElemBits }

// BinaryChannelBits is the information per element of binary patterns of
// coding level f read out as member / non-member with miss rate a and
// false-alarm rate b (binary asymmetric channel, spec §5.2):
// H₂(f(1 − a) + (1 − f)b) − f H₂(a) − (1 − f) H₂(b).
func BinaryChannelBits(f, a, b float64) float64 {
	checkProb("BinaryChannelBits", "f", f)
	checkProb("BinaryChannelBits", "a", a)
	checkProb("BinaryChannelBits", "b", b)
	return H2(f*(1-a)+(1-f)*b) - f*H2(a) - (1-f)*H2(b)
}

// GaussianLowerBoundBits is −½ log₂(1 − ρ²): a lower bound on I(ξ; Y) for
// a Gaussian ξ and any read-out Y with correlation ρ (spec §5.2; equality
// for jointly Gaussian pairs). |ρ| must be < 1.
func GaussianLowerBoundBits(rho float64) float64 {
	if !(math.Abs(rho) < 1) {
		panic(fmt.Sprintf("infobound: GaussianLowerBoundBits: |ρ| = %v must be < 1", math.Abs(rho)))
	}
	return -0.5 * math.Log1p(-rho*rho) / math.Ln2
}

// SymmetricConfusionBits is I(C; R̂) in bits for a cue uniform on P labels
// retrieved correctly with probability s, the errors spread uniformly over
// the other P − 1 labels (spec §5.3): log₂P − H₂(s) − (1 − s) log₂(P − 1).
func SymmetricConfusionBits(p int, s float64) float64 {
	if p < 2 {
		panic(fmt.Sprintf("infobound: SymmetricConfusionBits: P = %d must be ≥ 2", p))
	}
	checkProb("SymmetricConfusionBits", "s", s)
	return math.Log2(float64(p)) - H2(s) - (1-s)*math.Log2(float64(p-1))
}

// HopfieldBitsPerSynapse is α_c[1 − H₂((1 − m)/2)] (spec §5.1): ±1
// patterns stored at load α_c and retrieved with overlap m, each element
// a binary symmetric channel with flip probability (1 − m)/2, per N²
// couplings (twice that per independent symmetric pair).
func HopfieldBitsPerSynapse(alphaC, m float64) float64 {
	if !(m >= -1 && m <= 1) {
		panic(fmt.Sprintf("infobound: HopfieldBitsPerSynapse: overlap m = %v must be in [−1, 1]", m))
	}
	return alphaC * (1 - H2((1-m)/2))
}
