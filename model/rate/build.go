package rate

import (
	"fmt"
	"math"

	"github.com/engramsim/engram/conn"
	"github.com/engramsim/engram/par"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/stim"
)

// Factors holds the learning-rule factors of stored patterns.
type Factors struct {
	N, P int
	// F and G are neuron-major (N × P): F[i*P+μ] = f(φ(ξ_i^μ)).
	F, G []float32
	// GPat is pattern-major (P × N): GPat[μ*N+j] = g(φ(ξ_j^μ)), used for
	// overlaps.
	GPat []float32
}

// ComputeFactors evaluates f(φ(ξ)) and g(φ(ξ)) for every neuron and pattern.
// rule.G.Q must already be centred (ratefn.Rule.Centre).
func ComputeFactors(pat *stim.Patterns, tf ratefn.Transfer, rule ratefn.Rule, workers int) *Factors {
	n, p := pat.N, pat.P
	fc := &Factors{N: n, P: p, F: make([]float32, n*p), G: make([]float32, n*p), GPat: make([]float32, n*p)}
	par.For(n, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for mu := 0; mu < p; mu++ {
				r := tf.Rate(float64(pat.Data[mu*n+i]))
				g := float32(rule.G.Eval(r))
				fc.F[i*p+mu] = float32(rule.F.Eval(r))
				fc.G[i*p+mu] = g
				fc.GPat[mu*n+i] = g
			}
		}
	})
	return fc
}

// BuildWeights sets mask.W[k] = scale · Σ_μ F[i,μ] G[j,μ] for every synapse
// k = (i post, j pre) of the mask, in parallel over rows. The Pereira &
// Brunel network uses scale = A / (cN).
func BuildWeights(mask *conn.CSR, fc *Factors, scale float64, workers int) error {
	if mask.NPost != fc.N || mask.NPre != fc.N {
		return fmt.Errorf("rate: mask is %d×%d but patterns have %d neurons", mask.NPost, mask.NPre, fc.N)
	}
	if mask.W == nil || len(mask.W) != mask.NNZ() {
		mask.W = make([]float32, mask.NNZ())
	}
	p := fc.P
	chunks := mask.RowChunks(4 * par.Workers(workers))
	par.For(len(chunks)-1, workers, func(clo, chi int) {
		for ch := clo; ch < chi; ch++ {
			for i := chunks[ch]; i < chunks[ch+1]; i++ {
				fi := fc.F[i*p : (i+1)*p : (i+1)*p]
				for k := mask.RowPtr[i]; k < mask.RowPtr[i+1]; k++ {
					j := int(mask.Pre[k])
					gj := fc.G[j*p : (j+1)*p : (j+1)*p]
					mask.W[k] = float32(scale * float64(dot32(fi, gj)))
				}
			}
		}
	})
	return nil
}

// dot32 is a float32 dot product with four accumulators.
func dot32(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	k := 0
	for ; k+4 <= len(a); k += 4 {
		s0 += a[k] * b[k]
		s1 += a[k+1] * b[k+1]
		s2 += a[k+2] * b[k+2]
		s3 += a[k+3] * b[k+3]
	}
	for ; k < len(a); k++ {
		s0 += a[k] * b[k]
	}
	return (s0 + s1) + (s2 + s3)
}

// BuildOnline accumulates the weights pattern by pattern, as if the patterns
// were presented in order μ = 0, 1, …: before each pattern every weight is
// multiplied by (1 − decay), then scale·f_i g_j is added. decay = 0 gives
// the batch rule; decay > 0 makes a palimpsest in which old patterns fade.
func BuildOnline(mask *conn.CSR, fc *Factors, scale, decay float64, workers int) error {
	if mask.NPost != fc.N || mask.NPre != fc.N {
		return fmt.Errorf("rate: mask is %d×%d but patterns have %d neurons", mask.NPost, mask.NPre, fc.N)
	}
	if !(decay >= 0 && decay < 1) {
		return fmt.Errorf("rate: online decay %v outside [0, 1)", decay)
	}
	mask.W = make([]float32, mask.NNZ())
	p := fc.P
	keep := float32(1 - decay)
	for mu := 0; mu < p; mu++ {
		par.For(mask.NPost, workers, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				fi := float32(scale) * fc.F[i*p+mu]
				for k := mask.RowPtr[i]; k < mask.RowPtr[i+1]; k++ {
					mask.W[k] = keep*mask.W[k] + fi*fc.G[int(mask.Pre[k])*p+mu]
				}
			}
		})
	}
	return nil
}

// BuildBytes bounds the memory a network build holds at its peak, and
// keeps holding while it is simulated, for n neurons, connection
// probability c and p patterns (experiment/pbnet's Build: patterns, mask,
// factors, weights, per-pattern couplings, then the matvec view the first
// Sim adds). Counted:
//
//   - the CSR mask with weights: row pointers 8(n+1) and 8 bytes per
//     synapse (int32 index, float32 weight), for at most nnzBound synapses;
//   - its conn.Tiled copy (conn.TiledBytes, with 10 % padding);
//   - the patterns (p × n float32) and the factors g(φ(ξ)) kept for
//     overlaps (p × n float32);
//   - or, if larger, what the build holds before the Tiled copy exists:
//     patterns, all three factor matrices F, G, GPat (neuron- and
//     pattern-major, 12 bytes per neuron and pattern) and the couplings'
//     two rate vectors.
//
// Not counted, because they end before the larger terms above exist: the
// mask generator's per-chunk buffers (≤ 5 bytes per synapse next to the
// 4-byte index array, before the weights exist) and the patterns' shared
// factors (patterns.rank > 0: 8 bytes per neuron and factor).
func BuildBytes(n int, c float64, p int) int64 {
	// beyond 10¹⁶ synapses (10¹⁷ B) the int64 arithmetic of the conn
	// estimates could overflow: saturate, the run is refused anyway
	if nnzF := float64(n) * float64(n) * c; !(nnzF <= 1e16) || !(float64(n)*float64(p)*16 <= 1<<62) {
		return math.MaxInt64
	}
	nn, pp := int64(n), int64(p)
	nnz := nnzBound(n, c)
	csr := conn.EstimateBytes(n, nnz)
	simulated := conn.TiledBytes(n, n, nnz) + 2*4*nn*pp
	building := 4*4*nn*pp + 2*4*nn
	return csr + max(simulated, building)
}

// nnzBound bounds the synapse count of an n × n mask of probability c:
// the Bernoulli mean n²c plus 6 standard deviations, or n·round(cn) for a
// fixed in-degree, whichever is larger.
func nnzBound(n int, c float64) int64 {
	mean := float64(n) * float64(n) * c
	bern := int64(math.Ceil(mean + 6*math.Sqrt(mean)))
	fixed := int64(n) * int64(math.Round(c*float64(n)))
	return max(bern, fixed)
}

// SimBytes is what NewSim allocates for an n-neuron Model with dynamics d:
// rates, external input, the next state and the input buffer (4 float32
// vectors), two more for RK2; with lyapunov also the Lyapunov twin
// (StartLyapunov: 3 float32 vectors, 4 with RK2, and a float64 vector while
// it draws the initial displacement). The shared conn.Tiled view is part of
// BuildBytes; worker goroutines and noise streams are a few KB.
func SimBytes(n int, d Dynamics, lyapunov bool) int64 {
	nn := int64(n)
	vec := int64(4)
	if d.Integrator == RK2 {
		vec += 2
	}
	if lyapunov {
		vec += 3
		if d.Integrator == RK2 {
			vec++
		}
	}
	b := vec * 4 * nn
	if lyapunov {
		b += 8 * nn
	}
	return b
}
