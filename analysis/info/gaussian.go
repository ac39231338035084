package info

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// ---- closed forms (spec §2.2) -------------------------------------------

// LogDet returns ln det Σ of a symmetric positive-definite matrix by
// Cholesky; ErrSingular when Σ is not positive definite.
func LogDet(s mat.Symmetric) (float64, error) {
	var ch mat.Cholesky
	if ok := ch.Factorize(s); !ok {
		return 0, fmt.Errorf("%w: the %d×%d covariance is not positive definite (constant or collinear columns?)", ErrSingular, s.SymmetricDim(), s.SymmetricDim())
	}
	return ch.LogDet(), nil
}

// GaussianEntropy returns H = ½ ln((2πe)^d det Σ) in nats.
func GaussianEntropy(cov mat.Symmetric) (float64, error) {
	ld, err := LogDet(cov)
	if err != nil {
		return 0, err
	}
	d := float64(cov.SymmetricDim())
	return 0.5 * (d*math.Log(2*math.Pi*math.E) + ld), nil
}

// GaussianMI returns I(X;Y) = ½ ln(det Σ_X det Σ_Y / det Σ) of a joint
// Gaussian whose first dx coordinates are X and the rest Y.
func GaussianMI(cov mat.Symmetric, dx int) (float64, error) {
	lx, ly, l, err := blockLogDets(cov, dx)
	if err != nil {
		return 0, err
	}
	return 0.5 * (lx + ly - l), nil
}

func blockLogDets(cov mat.Symmetric, dx int) (lx, ly, l float64, err error) {
	d := cov.SymmetricDim()
	if dx < 1 || dx >= d {
		panic(fmt.Sprintf("info: dx = %d must be in [1, %d)", dx, d))
	}
	if l, err = LogDet(cov); err != nil {
		return
	}
	if lx, err = LogDet(subSym(cov, 0, dx)); err != nil {
		return
	}
	ly, err = LogDet(subSym(cov, dx, d))
	return
}

// subSym copies the diagonal block [lo, hi) of s.
func subSym(s mat.Symmetric, lo, hi int) *mat.SymDense {
	out := mat.NewSymDense(hi-lo, nil)
	for i := lo; i < hi; i++ {
		for j := i; j < hi; j++ {
			out.SetSym(i-lo, j-lo, s.At(i, j))
		}
	}
	return out
}

// GaussianMIFromRho is the bivariate Gaussian MI −½ ln(1 − ρ²) in nats.
func GaussianMIFromRho(rho float64) float64 { return -0.5 * math.Log1p(-rho*rho) }

// GaussianTotalCorrelation returns TC = Σ H(x_k) − H(X) = −½ ln det C of a
// Gaussian with covariance Σ (C its correlation matrix).
func GaussianTotalCorrelation(cov mat.Symmetric) (float64, error) {
	ld, err := LogDet(cov)
	if err != nil {
		return 0, err
	}
	s := 0.0
	for i := 0; i < cov.SymmetricDim(); i++ {
		s += math.Log(cov.At(i, i))
	}
	return 0.5 * (s - ld), nil
}

// EquicorrelatedTC is −½ ln det C for the k×k correlation matrix with all
// off-diagonal entries ρ: det C = (1−ρ)^{k−1}(1 + (k−1)ρ).
func EquicorrelatedTC(k int, rho float64) float64 {
	return -0.5 * (float64(k-1)*math.Log1p(-rho) + math.Log1p(float64(k-1)*rho))
}

// GaussianChannelMI returns I(X;R) = ½ ln det(I + Σ_N⁻¹ A Σ_X Aᵀ) of the
// channel R = A X + N, X ~ N(0, Σ_X), N ~ N(0, Σ_N), computed as
// ½[ln det(Σ_N + A Σ_X Aᵀ) − ln det Σ_N] (no inverse). A nil A is the
// identity.
func GaussianChannelMI(a mat.Matrix, sx, sn mat.Symmetric) (float64, error) {
	d := sn.SymmetricDim()
	sr := mat.NewSymDense(d, nil)
	if a == nil {
		if sx.SymmetricDim() != d {
			panic("info: GaussianChannelMI: Σ_X and Σ_N differ in size with A = I")
		}
		sr.CopySym(sx)
	} else {
		r, c := a.Dims()
		if r != d || c != sx.SymmetricDim() {
			panic(fmt.Sprintf("info: GaussianChannelMI: A is %d×%d, want %d×%d", r, c, d, sx.SymmetricDim()))
		}
		var t mat.Dense
		t.Mul(a, sx)
		var m mat.Dense
		m.Mul(&t, a.T())
		for i := range d {
			for j := i; j < d; j++ {
				sr.SetSym(i, j, 0.5*(m.At(i, j)+m.At(j, i)))
			}
		}
	}
	tot := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			tot.SetSym(i, j, sr.At(i, j)+sn.At(i, j))
		}
	}
	l1, err := LogDet(tot)
	if err != nil {
		return 0, err
	}
	l0, err := LogDet(sn)
	if err != nil {
		return 0, err
	}
	return 0.5 * (l1 - l0), nil
}

// IndependentBound is the Hadamard bound Σ_k ½ ln(1 + Σ_kk/σ²) on the
// information of the white-noise channel R = X + N, N ~ N(0, σ²I), over all
// inputs with the marginal variances diag(Σ_X) (equality iff Σ_X is
// diagonal).
func IndependentBound(variances []float64, sigma2 float64) float64 {
	s := 0.0
	for _, v := range variances {
		s += 0.5 * math.Log1p(v/sigma2)
	}
	return s
}

// BinaryEntropyBits is H₂(p) = −p log₂ p − (1−p) log₂(1−p).
func BinaryEntropyBits(p float64) float64 {
	h := 0.0
	for _, q := range []float64{p, 1 - p} {
		if q > 0 {
			h -= q * math.Log2(q)
		}
	}
	return h
}

// BSCMutualInfoBits is the information 1 − H₂(ε) bits of a binary
// symmetric channel with flip probability ε and a uniform input.
func BSCMutualInfoBits(eps float64) float64 { return 1 - BinaryEntropyBits(eps) }

// WishartLogDetBias is E[ln det S] − ln det Σ for the (N−1)-normalised
// sample covariance S of N Gaussian samples in d dimensions:
// Σ_{i=1}^{d} ψ((N−i)/2) + d ln(2/(N−1)).
func WishartLogDetBias(d, n int) float64 {
	if n <= d {
		panic(fmt.Sprintf("info: WishartLogDetBias needs N > d (N = %d, d = %d)", n, d))
	}
	s := float64(d) * math.Log(2/float64(n-1))
	for i := 1; i <= d; i++ {
		s += mathext.Digamma(float64(n-i) / 2)
	}
	return s
}

// wishartLogDetVar is Var[ln det S] = Σ_{i=1}^{d} ψ₁((N−i)/2) (Wishart).
func wishartLogDetVar(d, n int) float64 {
	s := 0.0
	for i := 1; i <= d; i++ {
		s += Trigamma(float64(n-i) / 2)
	}
	return s
}

// ---- estimators from samples --------------------------------------------

// GaussOptions configures the covariance (Gaussian) estimators. nil means
// the Wishart correction on.
type GaussOptions struct {
	// NoWishart turns the Wishart log-det bias correction off (the raw
	// plug-in covariance estimate is then returned as Value).
	NoWishart bool
}

// checkSamples validates samples × dims data and returns N, d.
func checkSamples(x [][]float64, name string) (int, int, error) {
	if len(x) == 0 {
		return 0, 0, fmt.Errorf("%w: %s has no samples", ErrTooFew, name)
	}
	d := len(x[0])
	if d == 0 {
		return 0, 0, fmt.Errorf("%s: samples have no dimensions", name)
	}
	for i, r := range x {
		if len(r) != d {
			return 0, 0, fmt.Errorf("%s: sample %d has %d dimensions, sample 0 has %d", name, i, len(r), d)
		}
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, 0, fmt.Errorf("%w: %s sample %d, dimension %d is %v", ErrNotFinite, name, i, j, v)
			}
		}
	}
	return len(x), d, nil
}

// checkConstant reports a constant column of x.
func checkConstant(x [][]float64, name string) error {
	d := len(x[0])
	for j := range d {
		c := true
		for i := 1; i < len(x) && c; i++ {
			c = x[i][j] == x[0][j]
		}
		if c {
			return fmt.Errorf("%w: %s dimension %d is constant (%v in all %d samples)", ErrSingular, name, j, x[0][j], len(x))
		}
	}
	return nil
}

// joinColumns stacks x and y side by side into an N × (dx+dy) matrix.
func joinColumns(x, y [][]float64) *mat.Dense {
	n, dx, dy := len(x), len(x[0]), 0
	if y != nil {
		dy = len(y[0])
	}
	m := mat.NewDense(n, dx+dy, nil)
	for i := range n {
		row := m.RawRowView(i)
		copy(row, x[i])
		if y != nil {
			copy(row[dx:], y[i])
		}
	}
	return m
}

// GaussianEntropyEstimate estimates H(X) = ½ ln((2πe)^d det Σ) from the
// sample covariance (N−1 normalised) of x (samples × dims), with the
// Wishart correction: ln det Σ ≈ ln det S − WishartLogDetBias(d, N). The
// standard error is ½√Var[ln det S] = ½√(Σ ψ₁((N−i)/2)) (exact for
// Gaussian data).
func GaussianEntropyEstimate(x [][]float64, o *GaussOptions) (Estimate, error) {
	n, d, err := checkSamples(x, "X")
	if err != nil {
		return Estimate{}, err
	}
	if n <= d+1 {
		return Estimate{}, fmt.Errorf("%w: %d samples for %d dimensions (need N > d + 1)", ErrTooFew, n, d)
	}
	if err := checkConstant(x, "X"); err != nil {
		return Estimate{}, err
	}
	var cov mat.SymDense
	stat.CovarianceMatrix(&cov, joinColumns(x, nil), nil)
	h, err := GaussianEntropy(&cov)
	if err != nil {
		return Estimate{}, err
	}
	e := Estimate{Value: h, Plugin: h, Method: "gaussian", StdErr: 0.5 * math.Sqrt(wishartLogDetVar(d, n)),
		Uncertainty: "analytic (Wishart variance of ln det S)", Settings: Settings{N: n, Dims: []int{d}}}
	if o == nil || !o.NoWishart {
		e.Value = h - 0.5*WishartLogDetBias(d, n)
		e.BiasCorrection = e.Plugin - e.Value
		e.Method, e.Settings.Wishart = "gaussian-wishart", true
	}
	return e, nil
}

// GaussianMIEstimate estimates I(X;Y) = ½ ln(det S_X det S_Y / det S) from
// the sample covariance of the joint samples (x and y: samples × dims, the
// same N), each log-det Wishart-corrected unless o.NoWishart.
//
// Standard error (delta method, Gaussian data): Var Î ≈ Σ_i ρ_i²/N +
// d_x d_y/(2N²), with ρ_i the sample canonical correlations (the first
// term is the asymptotic variance of −½ Σ ln(1−ρ_i²), the second the
// χ²_{d_x d_y}/(2N) spread at independence, where the first vanishes).
func GaussianMIEstimate(x, y [][]float64, o *GaussOptions) (Estimate, error) {
	n, dx, err := checkSamples(x, "X")
	if err != nil {
		return Estimate{}, err
	}
	ny, dy, err := checkSamples(y, "Y")
	if err != nil {
		return Estimate{}, err
	}
	if n != ny {
		return Estimate{}, fmt.Errorf("%w: X has %d samples, Y has %d", ErrMismatch, n, ny)
	}
	if n <= dx+dy+1 {
		return Estimate{}, fmt.Errorf("%w: %d samples for %d joint dimensions (need N > d + 1)", ErrTooFew, n, dx+dy)
	}
	if err := checkConstant(x, "X"); err != nil {
		return Estimate{}, err
	}
	if err := checkConstant(y, "Y"); err != nil {
		return Estimate{}, err
	}
	var cov mat.SymDense
	stat.CovarianceMatrix(&cov, joinColumns(x, y), nil)
	return gaussianMIFromCov(&cov, n, dx, dy, o, "gaussian")
}

func gaussianMIFromCov(cov *mat.SymDense, n, dx, dy int, o *GaussOptions, method string) (Estimate, error) {
	lx, ly, l, err := blockLogDets(cov, dx)
	if err != nil {
		return Estimate{}, err
	}
	raw := 0.5 * (lx + ly - l)
	rho2, err := canonicalSum(cov, dx)
	if err != nil {
		return Estimate{}, err
	}
	nf := float64(n)
	e := Estimate{Value: raw, Plugin: raw, Method: method, StdErr: math.Sqrt(rho2/nf + float64(dx*dy)/(2*nf*nf)),
		Uncertainty: "analytic (delta method on the canonical correlations)", Settings: Settings{N: n, Dims: []int{dx, dy}}}
	if o == nil || !o.NoWishart {
		d := dx + dy
		e.Value = raw - 0.5*(WishartLogDetBias(dx, n)+WishartLogDetBias(dy, n)-WishartLogDetBias(d, n))
		e.BiasCorrection = e.Plugin - e.Value
		e.Method += "-wishart"
		e.Settings.Wishart = true
	}
	return e, nil
}

// canonicalSum is Σ ρ_i² = tr(S_X⁻¹ S_XY S_Y⁻¹ S_YX), by Cholesky solves.
func canonicalSum(cov *mat.SymDense, dx int) (float64, error) {
	d := cov.SymmetricDim()
	sxy := mat.NewDense(dx, d-dx, nil)
	for i := range dx {
		for j := dx; j < d; j++ {
			sxy.Set(i, j-dx, cov.At(i, j))
		}
	}
	var cx, cy mat.Cholesky
	if !cx.Factorize(subSym(cov, 0, dx)) || !cy.Factorize(subSym(cov, dx, d)) {
		return 0, fmt.Errorf("%w: marginal covariance not positive definite", ErrSingular)
	}
	var a, b mat.Dense
	if err := cx.SolveTo(&a, sxy); err != nil { // S_X⁻¹ S_XY
		return 0, err
	}
	if err := cy.SolveTo(&b, sxy.T()); err != nil { // S_Y⁻¹ S_YX
		return 0, err
	}
	var p mat.Dense
	p.Mul(&a, &b)
	return mat.Trace(&p), nil
}

// CopulaNormalize returns the Gaussian-copula transform of each column of
// x: g = Φ⁻¹(rank/(N+1)), ranks 1..N (ties broken by sample order).
func CopulaNormalize(x [][]float64) [][]float64 {
	n, d := len(x), len(x[0])
	out := make([][]float64, n)
	flat := make([]float64, n*d)
	for i := range out {
		out[i] = flat[i*d : (i+1)*d : (i+1)*d]
	}
	idx := make([]int, n)
	for j := range d {
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			switch {
			case x[a][j] < x[b][j]:
				return -1
			case x[a][j] > x[b][j]:
				return 1
			}
			return 0
		})
		for r, i := range idx {
			out[i][j] = distuv.UnitNormal.Quantile(float64(r+1) / float64(n+1))
		}
	}
	return out
}

// GaussianCopulaMI is the Gaussian-copula MI (Ince et al. 2017): each
// marginal dimension is rank-transformed to N(0,1) (CopulaNormalize), then
// GaussianMIEstimate (Wishart-corrected unless o.NoWishart). It is a lower
// bound on the MI for any monotone marginal transforms of a Gaussian and
// invariant to them.
func GaussianCopulaMI(x, y [][]float64, o *GaussOptions) (Estimate, error) {
	n, dx, err := checkSamples(x, "X")
	if err != nil {
		return Estimate{}, err
	}
	ny, dy, err := checkSamples(y, "Y")
	if err != nil {
		return Estimate{}, err
	}
	if n != ny {
		return Estimate{}, fmt.Errorf("%w: X has %d samples, Y has %d", ErrMismatch, n, ny)
	}
	if n <= dx+dy+1 {
		return Estimate{}, fmt.Errorf("%w: %d samples for %d joint dimensions", ErrTooFew, n, dx+dy)
	}
	if err := checkConstant(x, "X"); err != nil {
		return Estimate{}, err
	}
	if err := checkConstant(y, "Y"); err != nil {
		return Estimate{}, err
	}
	var cov mat.SymDense
	stat.CovarianceMatrix(&cov, joinColumns(CopulaNormalize(x), CopulaNormalize(y)), nil)
	return gaussianMIFromCov(&cov, n, dx, dy, o, "gaussian-copula")
}

// GaussianTCEstimate estimates the total correlation −½ ln det R from the
// sample correlation matrix of x, with the Wishart correction of the
// joint and the (1-D) marginal log-dets unless o.NoWishart.
func GaussianTCEstimate(x [][]float64, o *GaussOptions) (Estimate, error) {
	n, d, err := checkSamples(x, "X")
	if err != nil {
		return Estimate{}, err
	}
	if d < 2 || n <= d+1 {
		return Estimate{}, fmt.Errorf("%w: %d samples × %d dimensions (need d ≥ 2, N > d + 1)", ErrTooFew, n, d)
	}
	if err := checkConstant(x, "X"); err != nil {
		return Estimate{}, err
	}
	var cov mat.SymDense
	stat.CovarianceMatrix(&cov, joinColumns(x, nil), nil)
	tc, err := GaussianTotalCorrelation(&cov)
	if err != nil {
		return Estimate{}, err
	}
	e := Estimate{Value: tc, Plugin: tc, Method: "gaussian-tc", StdErr: math.NaN(), Uncertainty: "none", Settings: Settings{N: n, Dims: []int{d}}}
	if o == nil || !o.NoWishart {
		e.Value = tc - 0.5*(float64(d)*WishartLogDetBias(1, n)-WishartLogDetBias(d, n))
		e.BiasCorrection = e.Plugin - e.Value
		e.Method += "-wishart"
		e.Settings.Wishart = true
	}
	return e, nil
}
