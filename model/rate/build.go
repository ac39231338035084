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

// BuildBytes estimates the memory of a network build: mask with weights,
// patterns and the three factor matrices.
func BuildBytes(n int, c float64, p int) int64 {
	nnzF := float64(n) * float64(n) * c
	// beyond 10¹⁶ synapses (10¹⁷ B) the int64 arithmetic of the conn
	// estimates could overflow: saturate, the run is refused anyway
	if !(nnzF <= 1e16) || !(float64(n)*float64(p)*16 <= 1<<62) {
		return math.MaxInt64
	}
	nnz := int64(nnzF)
	// CSR + its tiled matvec copy + patterns and three factor matrices
	return conn.EstimateBytes(n, nnz) + conn.TiledBytes(n, n, nnz) + 4*4*int64(n)*int64(p)
}
