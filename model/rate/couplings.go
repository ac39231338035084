package rate

import (
	"fmt"

	"github.com/engramsim/engram/par"
)

// PatternCouplings returns, for every stored pattern μ, the gain of the
// linearised dynamics along that pattern at a state whose total inputs are
// h (h_i = I_i + Σ_j W_ij r_j):
//
//	λ_μ = (A/N) Σ_i φ′(h_i) f(φ(ξ_i^μ)) g(φ(ξ_i^μ)).
//
// Averaged over patterns this is the mean-field stability parameter of the
// background, A⟨g f φ′⟩ (condensation into a memory when it exceeds 1;
// shared/specs/pereira-brunel.md); per pattern it is that parameter
// evaluated on the network's own finite sample of N neurons. Its spread over
// patterns shrinks as N^{-1/2}; the pattern with the largest λ_μ is the one
// a marginally stable background condenses into first.
//
// It needs the neuron-major factors fc.F and fc.G (pbnet.Build computes the
// couplings itself and then frees them: see pbnet.Net.BackgroundCouplings).
func PatternCouplings(m *Model, fc *Factors, amp float64, h []float32, workers int) []float64 {
	n, p := fc.N, fc.P
	if len(fc.F) < n*p || len(fc.G) < n*p {
		panic("rate: PatternCouplings: the neuron-major factors F and G are missing (freed after the build?)")
	}
	if len(h) < n {
		panic(fmt.Sprintf("rate: PatternCouplings: %d inputs for %d neurons", len(h), n))
	}
	// fixed blocks summed in order: the result does not depend on workers
	const block = 4096
	nb := (n + block - 1) / block
	parts := make([]float64, nb*p)
	par.For(nb, workers, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			s := parts[b*p : (b+1)*p]
			for i := b * block; i < min(n, (b+1)*block); i++ {
				d := m.TF.Deriv(float64(h[i]))
				f, g := fc.F[i*p:(i+1)*p], fc.G[i*p:(i+1)*p]
				for mu := range s {
					s[mu] += d * float64(f[mu]) * float64(g[mu])
				}
			}
		}
	})
	out := make([]float64, p)
	for b := 0; b < nb; b++ {
		for mu, v := range parts[b*p : (b+1)*p] {
			out[mu] += v
		}
	}
	for mu := range out {
		out[mu] *= amp / float64(n)
	}
	return out
}
