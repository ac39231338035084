package noisyrate

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/lapack"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"
)

// ErrUnstable is returned when the linearised dynamics have an eigenvalue
// with non-negative real part (max Re λ(DM) ≥ 1): no stationary covariance.
var ErrUnstable = errors.New("noisyrate: unstable linearisation (max Re λ(DM) ≥ 1): no stationary covariance")

// RealSchur returns the real Schur decomposition A = U T Uᵀ (T upper
// quasi-triangular with 1×1 and 2×2 diagonal blocks, U orthogonal) and the
// eigenvalues, by Hessenberg reduction (Dgehrd, Dorghr) and the QR
// algorithm (Dhseqr) of gonum's LAPACK.
func RealSchur(a mat.Matrix) (t, u *mat.Dense, wr, wi []float64, err error) {
	n, c := a.Dims()
	if n != c {
		panic("noisyrate: RealSchur of a non-square matrix")
	}
	h := mat.DenseCopyOf(a)
	if n == 1 {
		return h, mat.NewDense(1, 1, []float64{1}), []float64{h.At(0, 0)}, []float64{0}, nil
	}
	var impl lapackgonum.Implementation
	raw := h.RawMatrix()
	tau := make([]float64, n-1)
	work := make([]float64, 1)
	impl.Dgehrd(n, 0, n-1, raw.Data, raw.Stride, tau, work, -1)
	work = make([]float64, max(int(work[0]), n))
	impl.Dgehrd(n, 0, n-1, raw.Data, raw.Stride, tau, work, len(work))
	q := mat.DenseCopyOf(h)
	qr := q.RawMatrix()
	impl.Dorghr(n, 0, n-1, qr.Data, qr.Stride, tau, work, -1)
	work = make([]float64, max(int(work[0]), n))
	impl.Dorghr(n, 0, n-1, qr.Data, qr.Stride, tau, work, len(work))
	for i := range n {
		for j := 0; j < i-1; j++ {
			h.Set(i, j, 0)
		}
	}
	wr, wi = make([]float64, n), make([]float64, n)
	impl.Dhseqr(lapack.EigenvaluesAndSchur, lapack.SchurOrig, n, 0, n-1, raw.Data, raw.Stride, wr, wi, qr.Data, qr.Stride, work, -1)
	work = make([]float64, max(int(work[0]), n))
	if unc := impl.Dhseqr(lapack.EigenvaluesAndSchur, lapack.SchurOrig, n, 0, n-1, raw.Data, raw.Stride, wr, wi, qr.Data, qr.Stride, work, len(work)); unc > 0 {
		return nil, nil, nil, nil, fmt.Errorf("noisyrate: Schur decomposition did not converge (%d eigenvalues left)", unc)
	}
	return h, q, wr, wi, nil
}

// SolveLyapunov solves the continuous Lyapunov equation A X + X Aᵀ + C = 0
// for X, with A Hurwitz (every eigenvalue has Re λ < 0; ErrUnstable
// otherwise) and C symmetric, by the Bartels–Stewart method: the real
// Schur form A = U T Uᵀ turns it into T Y + Y Tᵀ = −UᵀCU, solved block by
// block (1×1 and 2×2 blocks; systems of at most 4 unknowns), X = U Y Uᵀ.
// The cost is O(n³); no Kronecker system of size n² is formed.
func SolveLyapunov(a mat.Matrix, c mat.Symmetric) (*mat.SymDense, error) {
	n, _ := a.Dims()
	if c.SymmetricDim() != n {
		panic("noisyrate: SolveLyapunov: A and C differ in size")
	}
	t, u, wr, _, err := RealSchur(a)
	if err != nil {
		return nil, err
	}
	for _, v := range wr {
		if !(v < 0) {
			return nil, fmt.Errorf("%w (eigenvalue with real part %g of the drift)", ErrUnstable, v)
		}
	}
	var f, tmp mat.Dense
	tmp.Mul(u.T(), c)
	f.Mul(&tmp, u)
	// blocks of T
	var starts []int
	for i := 0; i < n; {
		starts = append(starts, i)
		if i+1 < n && t.At(i+1, i) != 0 {
			i += 2
		} else {
			i++
		}
	}
	size := func(b int) int {
		if b+1 < len(starts) {
			return starts[b+1] - starts[b]
		}
		return n - starts[b]
	}
	y := mat.NewDense(n, n, nil)
	for bj := len(starts) - 1; bj >= 0; bj-- {
		j0, q := starts[bj], size(bj)
		for bi := len(starts) - 1; bi >= 0; bi-- {
			i0, p := starts[bi], size(bi)
			// R = −F_IJ − Σ_{K>I} T_IK Y_KJ − Σ_{L>J} Y_IL T_JLᵀ
			r := make([]float64, p*q) // column-major vec
			for a := range p {
				for b := range q {
					s := -f.At(i0+a, j0+b)
					for k := i0 + p; k < n; k++ {
						s -= t.At(i0+a, k) * y.At(k, j0+b)
					}
					for l := j0 + q; l < n; l++ {
						s -= y.At(i0+a, l) * t.At(j0+b, l)
					}
					r[b*p+a] = s
				}
			}
			// (I_q ⊗ T_II + T_JJ ⊗ I_p) vec Y = vec R
			m := mat.NewDense(p*q, p*q, nil)
			for b := range q {
				for a := range p {
					row := b*p + a
					for a2 := range p {
						m.Set(row, b*p+a2, m.At(row, b*p+a2)+t.At(i0+a, i0+a2))
					}
					for b2 := range q {
						m.Set(row, b2*p+a, m.At(row, b2*p+a)+t.At(j0+b, j0+b2))
					}
				}
			}
			var sol mat.VecDense
			if err := sol.SolveVec(m, mat.NewVecDense(p*q, r)); err != nil {
				return nil, fmt.Errorf("noisyrate: Bartels–Stewart block (%d, %d): %v", i0, j0, err)
			}
			for b := range q {
				for a := range p {
					y.Set(i0+a, j0+b, sol.AtVec(b*p+a))
				}
			}
		}
	}
	var x mat.Dense
	tmp.Mul(u, y)
	x.Mul(&tmp, u.T())
	out := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			out.SetSym(i, j, 0.5*(x.At(i, j)+x.At(j, i)))
		}
	}
	return out, nil
}

// LyapunovResidual is max |A X + X Aᵀ + C| (a check of a solution).
func LyapunovResidual(a mat.Matrix, x, c mat.Symmetric) float64 {
	var ax mat.Dense
	ax.Mul(a, x)
	n := c.SymmetricDim()
	r := 0.0
	for i := range n {
		for j := range n {
			r = math.Max(r, math.Abs(ax.At(i, j)+ax.At(j, i)+c.At(i, j)))
		}
	}
	return r
}
