package readout

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Method names a readout.
const (
	// Ridge is a linear readout: one-hot targets regressed on the
	// standardised features by ridge regression, prediction = argmax.
	Ridge = "ridge"
	// Logistic is L2-penalised logistic regression (Newton/IRLS), one
	// model per class (one-vs-rest) for more than two classes.
	Logistic = "logistic"
)

// DefaultLambdas is the penalty grid (on standardised features; the data
// term is the sum of squares over samples) searched by cross-validation
// when Options.Lambdas is empty.
var DefaultLambdas = []float64{0.01, 0.1, 1, 10, 100, 1000, 10000}

// Options configures a readout. The zero value (and nil) is ridge with λ
// chosen from DefaultLambdas by 5-fold cross-validation on the training set.
type Options struct {
	// Method is Ridge (default) or Logistic.
	Method string
	// Lambdas is the grid of L2 penalties searched by cross-validation on
	// the training set (one value: fixed, no cross-validation; empty:
	// DefaultLambdas). The intercept is not penalised.
	Lambdas []float64
	// Folds is the number of cross-validation folds (default 5, ≥ 2).
	Folds int
	// MaxIter bounds the Newton iterations of Logistic (default 50).
	MaxIter int
}

func (o *Options) resolved() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Method == "" {
		r.Method = Ridge
	}
	if len(r.Lambdas) == 0 {
		r.Lambdas = DefaultLambdas
	}
	if r.Folds == 0 {
		r.Folds = 5
	}
	if r.MaxIter == 0 {
		r.MaxIter = 50
	}
	return r
}

// Validate reports impossible options.
func (o *Options) Validate() error {
	r := o.resolved()
	if r.Method != Ridge && r.Method != Logistic {
		return fmt.Errorf("readout: method %q must be %q or %q", r.Method, Ridge, Logistic)
	}
	for _, l := range r.Lambdas {
		if !(l >= 0) || math.IsInf(l, 0) {
			return fmt.Errorf("readout: lambda %v must be finite and ≥ 0", l)
		}
	}
	if r.Folds < 2 {
		return fmt.Errorf("readout: folds = %d must be ≥ 2", r.Folds)
	}
	if r.MaxIter < 1 {
		return fmt.Errorf("readout: max_iter = %d must be ≥ 1", r.MaxIter)
	}
	return nil
}

// Accuracy is a held-out classification accuracy with its binomial
// standard error and the settings that produced it.
type Accuracy struct {
	// Value is the fraction of test samples classified correctly.
	Value float64
	// SE is the binomial standard error √(Value(1 − Value)/N).
	SE float64
	// N is the number of test samples.
	N int
	// Chance is the test accuracy of always answering the most frequent
	// training label (the baseline a readout must beat).
	Chance float64
	// Method is the readout (Ridge or Logistic).
	Method string
	// Lambda is the penalty used (chosen by cross-validation when the
	// grid had more than one value).
	Lambda float64
	// Train is the number of training samples.
	Train int
}

// BinomialSE is √(p(1 − p)/n), the standard error of a fraction p
// estimated from n independent trials (NaN for n < 1).
func BinomialSE(p float64, n int) float64 {
	if n < 1 {
		return math.NaN()
	}
	return math.Sqrt(p * (1 - p) / float64(n))
}

// Split is a partition of sample indices into a training and a test set.
type Split struct {
	Train, Test []int
}

// RandomSplit puts a random round(testFraction·n) of 0..n−1 into Test and
// the rest into Train (both in the random order of one permutation drawn
// from r). It panics unless 0 < testFraction < 1 and both sets are
// non-empty.
func RandomSplit(n int, testFraction float64, r *rand.Rand) Split {
	nt := int(math.Round(testFraction * float64(n)))
	if !(testFraction > 0 && testFraction < 1) || nt < 1 || nt >= n {
		panic(fmt.Sprintf("readout: cannot split %d samples with test fraction %v", n, testFraction))
	}
	p := r.Perm(n)
	return Split{Train: p[nt:], Test: p[:nt]}
}

// Linear is a fitted linear map y = ((x − Mean)/Scale)·W + B.
type Linear struct {
	// Mean and Scale standardise each feature (Scale 1 for a constant feature).
	Mean, Scale []float64
	// W is features × outputs.
	W *mat.Dense
	// B is the intercept of each output.
	B []float64
}

// PredictTo fills dst (samples × outputs; allocated when nil) with the
// predictions for the rows of x and returns it.
func (l *Linear) PredictTo(dst *mat.Dense, x mat.Matrix) *mat.Dense {
	z := standardise(x, l.Mean, l.Scale)
	n, _ := z.Dims()
	_, k := l.W.Dims()
	if dst == nil {
		dst = mat.NewDense(n, k, nil)
	}
	dst.Mul(z, l.W)
	for i := range n {
		for j := range k {
			dst.Set(i, j, dst.At(i, j)+l.B[j])
		}
	}
	return dst
}

// colStats returns the column means and SDs (1 where the SD is 0) of x.
func colStats(x mat.Matrix) (mean, scale []float64) {
	n, p := x.Dims()
	mean, scale = make([]float64, p), make([]float64, p)
	for j := range p {
		var s, s2 float64
		for i := range n {
			v := x.At(i, j)
			s += v
			s2 += v * v
		}
		m := s / float64(n)
		v := s2/float64(n) - m*m
		mean[j] = m
		if v > 1e-12*math.Max(1, m*m) {
			scale[j] = math.Sqrt(v)
		} else {
			scale[j] = 1
		}
	}
	return mean, scale
}

func standardise(x mat.Matrix, mean, scale []float64) *mat.Dense {
	n, p := x.Dims()
	if len(mean) != p {
		panic(fmt.Sprintf("readout: %d features, model has %d", p, len(mean)))
	}
	z := mat.NewDense(n, p, nil)
	for i := range n {
		for j := range p {
			z.Set(i, j, (x.At(i, j)-mean[j])/scale[j])
		}
	}
	return z
}

// ridgeSolver holds the eigendecomposition of ZᵀZ of standardised
// features Z, so that solutions for many penalties and targets are cheap:
// W(λ) = V diag(1/(s + λ)) Vᵀ Zᵀ (Y − Ȳ).
type ridgeSolver struct {
	mean, scale []float64
	z           *mat.Dense
	v           *mat.Dense
	s           []float64
}

func newRidgeSolver(x mat.Matrix) (*ridgeSolver, error) {
	mean, scale := colStats(x)
	z := standardise(x, mean, scale)
	var g mat.SymDense
	g.SymOuterK(1, z.T())
	var e mat.EigenSym
	if !e.Factorize(&g, true) {
		return nil, fmt.Errorf("readout: eigendecomposition of the feature Gram matrix failed")
	}
	rs := &ridgeSolver{mean: mean, scale: scale, z: z, v: &mat.Dense{}}
	e.VectorsTo(rs.v)
	rs.s = e.Values(nil)
	for i, s := range rs.s {
		rs.s[i] = math.Max(s, 0)
	}
	return rs, nil
}

// solve returns the ridge map for targets y (samples × outputs) at
// penalty lambda (λ = 0 uses the pseudo-inverse on the zero eigenvalues).
func (rs *ridgeSolver) solve(y *mat.Dense, lambda float64) *Linear {
	n, k := y.Dims()
	b := make([]float64, k)
	yc := mat.NewDense(n, k, nil)
	for j := range k {
		var s float64
		for i := range n {
			s += y.At(i, j)
		}
		b[j] = s / float64(n)
		for i := range n {
			yc.Set(i, j, y.At(i, j)-b[j])
		}
	}
	var zty, vt mat.Dense
	zty.Mul(rs.z.T(), yc)
	vt.Mul(rs.v.T(), &zty)
	smax := slices.Max(rs.s)
	p, _ := vt.Dims()
	for i := range p {
		d := rs.s[i] + lambda
		f := 0.0
		if d > 1e-12*math.Max(smax, 1) {
			f = 1 / d
		}
		for j := range k {
			vt.Set(i, j, vt.At(i, j)*f)
		}
	}
	w := &mat.Dense{}
	w.Mul(rs.v, &vt)
	return &Linear{Mean: rs.mean, Scale: rs.scale, W: w, B: b}
}

// FitRidge returns the ridge regression of y (samples × outputs) on the
// standardised features x (samples × features): it minimises
// ‖Y − Z W − 1B‖² + λ‖W‖² (intercept not penalised).
func FitRidge(x mat.Matrix, y *mat.Dense, lambda float64) (*Linear, error) {
	n, _ := x.Dims()
	if r, _ := y.Dims(); r != n {
		panic(fmt.Sprintf("readout: %d samples of features, %d of targets", n, r))
	}
	rs, err := newRidgeSolver(x)
	if err != nil {
		return nil, err
	}
	return rs.solve(y, lambda), nil
}

// oneHot returns the samples × classes indicator matrix of labels.
func oneHot(labels []int, classes int) *mat.Dense {
	y := mat.NewDense(len(labels), classes, nil)
	for i, c := range labels {
		y.Set(i, c, 1)
	}
	return y
}

// argmaxRows returns the column of the largest entry of each row.
func argmaxRows(p *mat.Dense) []int {
	n, k := p.Dims()
	out := make([]int, n)
	for i := range n {
		best := 0
		for j := 1; j < k; j++ {
			if p.At(i, j) > p.At(i, best) {
				best = j
			}
		}
		out[i] = best
	}
	return out
}

func rowsOf(x mat.Matrix, idx []int) *mat.Dense {
	_, p := x.Dims()
	out := mat.NewDense(len(idx), p, nil)
	for r, i := range idx {
		for j := range p {
			out.Set(r, j, x.At(i, j))
		}
	}
	return out
}

func labelsOf(y []int, idx []int) []int {
	out := make([]int, len(idx))
	for r, i := range idx {
		out[r] = y[i]
	}
	return out
}

func fractionCorrect(pred, truth []int) float64 {
	var c int
	for i := range pred {
		if pred[i] == truth[i] {
			c++
		}
	}
	return float64(c) / float64(len(pred))
}

// majority returns the most frequent label (smallest on ties).
func majority(y []int, classes int) int {
	cnt := make([]int, classes)
	for _, c := range y {
		cnt[c]++
	}
	best := 0
	for c := range cnt {
		if cnt[c] > cnt[best] {
			best = c
		}
	}
	return best
}

func checkLabels(y []int, classes int) error {
	if classes < 2 {
		return fmt.Errorf("readout: %d classes (need ≥ 2)", classes)
	}
	for i, c := range y {
		if c < 0 || c >= classes {
			return fmt.Errorf("readout: label %d of sample %d outside 0..%d", c, i, classes-1)
		}
	}
	return nil
}
