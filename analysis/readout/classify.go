package readout

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Classifier trains readouts of one feature matrix on one train/test
// split for any number of label sets (tasks). For Ridge it factorises the
// training features (and those of each cross-validation fold) once, so
// that every further task costs a few matrix products.
type Classifier struct {
	opt   Options
	x     mat.Matrix
	split Split
	folds [][]int // positions into split.Train of each fold's validation set
	// ridge solvers: full training set, and per fold (training minus fold)
	full   *ridgeSolver
	solver []*ridgeSolver
	// standardised test features are computed by the models themselves
	xTrain *mat.Dense
	xTest  *mat.Dense
	xFoldT []*mat.Dense // per fold: fold-training rows
	xFoldV []*mat.Dense // per fold: validation rows
}

// NewClassifier prepares readouts of x (samples × features) trained on
// sp.Train and tested on sp.Test; o nil means the defaults (see Options).
// The cross-validation folds are drawn from r (not used when the λ grid
// has one value). Inputs are not mutated.
func NewClassifier(x mat.Matrix, sp Split, o *Options, r *rand.Rand) (*Classifier, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	n, _ := x.Dims()
	for _, i := range append(append([]int(nil), sp.Train...), sp.Test...) {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("readout: split index %d outside 0..%d", i, n-1)
		}
	}
	if len(sp.Test) == 0 || len(sp.Train) < 2 {
		return nil, fmt.Errorf("readout: need ≥ 2 training and ≥ 1 test samples (have %d, %d)", len(sp.Train), len(sp.Test))
	}
	c := &Classifier{opt: o.resolved(), x: x, split: sp}
	c.xTrain, c.xTest = rowsOf(x, sp.Train), rowsOf(x, sp.Test)
	if len(c.opt.Lambdas) > 1 {
		if len(sp.Train) < 2*c.opt.Folds {
			return nil, fmt.Errorf("readout: %d training samples are too few for %d-fold cross-validation", len(sp.Train), c.opt.Folds)
		}
		perm := r.Perm(len(sp.Train))
		c.folds = make([][]int, c.opt.Folds)
		for q, pos := range perm {
			c.folds[q%c.opt.Folds] = append(c.folds[q%c.opt.Folds], pos)
		}
		for _, val := range c.folds {
			in := make([]bool, len(sp.Train))
			for _, pos := range val {
				in[pos] = true
			}
			var tr, va []int
			for pos, i := range sp.Train {
				if in[pos] {
					va = append(va, i)
				} else {
					tr = append(tr, i)
				}
			}
			c.xFoldT = append(c.xFoldT, rowsOf(x, tr))
			c.xFoldV = append(c.xFoldV, rowsOf(x, va))
		}
	}
	if c.opt.Method == Ridge {
		var err error
		if c.full, err = newRidgeSolver(c.xTrain); err != nil {
			return nil, err
		}
		for _, xt := range c.xFoldT {
			s, err := newRidgeSolver(xt)
			if err != nil {
				return nil, err
			}
			c.solver = append(c.solver, s)
		}
	}
	return c, nil
}

// foldLabels returns the training and validation labels of fold f.
func (c *Classifier) foldLabels(y []int, f int) (tr, va []int) {
	in := make([]bool, len(c.split.Train))
	for _, pos := range c.folds[f] {
		in[pos] = true
	}
	for pos, i := range c.split.Train {
		if in[pos] {
			va = append(va, y[i])
		} else {
			tr = append(tr, y[i])
		}
	}
	return tr, va
}

// Classify trains a readout of the labels y (one per sample, in
// 0..classes−1; only the split's samples are read) and returns its
// accuracy on the test set. With several penalties λ is the one with the
// best mean validation accuracy over the folds (ties: the larger λ).
func (c *Classifier) Classify(y []int, classes int) (Accuracy, error) {
	n, _ := c.x.Dims()
	if len(y) != n {
		panic(fmt.Sprintf("readout: %d labels for %d samples", len(y), n))
	}
	for _, idx := range [][]int{c.split.Train, c.split.Test} {
		if err := checkLabels(labelsOf(y, idx), classes); err != nil {
			return Accuracy{}, err
		}
	}
	yTr, yTe := labelsOf(y, c.split.Train), labelsOf(y, c.split.Test)
	lambda := c.opt.Lambdas[0]
	if len(c.opt.Lambdas) > 1 {
		score := make([]float64, len(c.opt.Lambdas))
		for f := range c.folds {
			tr, va := c.foldLabels(y, f)
			for li, l := range c.opt.Lambdas {
				pred, err := c.fitPredict(c.xFoldT[f], c.solverOf(f), tr, classes, l, c.xFoldV[f])
				if err != nil {
					return Accuracy{}, err
				}
				score[li] += fractionCorrect(pred, va)
			}
		}
		best := 0
		for li := range score {
			if score[li] >= score[best] {
				best = li
			}
		}
		lambda = c.opt.Lambdas[best]
	}
	pred, err := c.fitPredict(c.xTrain, c.full, yTr, classes, lambda, c.xTest)
	if err != nil {
		return Accuracy{}, err
	}
	acc := fractionCorrect(pred, yTe)
	maj := majority(yTr, classes)
	var chance int
	for _, v := range yTe {
		if v == maj {
			chance++
		}
	}
	return Accuracy{Value: acc, SE: BinomialSE(acc, len(yTe)), N: len(yTe), Chance: float64(chance) / float64(len(yTe)),
		Method: c.opt.Method, Lambda: lambda, Train: len(yTr)}, nil
}

func (c *Classifier) solverOf(f int) *ridgeSolver {
	if c.solver == nil {
		return nil
	}
	return c.solver[f]
}

func (c *Classifier) fitPredict(xtr *mat.Dense, rs *ridgeSolver, ytr []int, classes int, lambda float64, xte *mat.Dense) ([]int, error) {
	var m *Linear
	switch c.opt.Method {
	case Ridge:
		m = rs.solve(oneHot(ytr, classes), lambda)
	default:
		var err error
		if m, err = FitLogisticOVR(xtr, ytr, classes, lambda, c.opt.MaxIter); err != nil {
			return nil, err
		}
	}
	return argmaxRows(m.PredictTo(nil, xte)), nil
}

// FitLogistic returns the L2-penalised logistic regression of binary
// labels y ∈ {0, 1} on the standardised features of x, by Newton's method
// (IRLS) from zero: it maximises Σ log p(y_i | x_i) − λ/2 ‖w‖² (intercept
// not penalised). The single output is the log-odds of label 1. Iteration
// stops when no coefficient moves by more than 1e-10 (relative) or after
// maxIter steps (separable data with λ = 0 have no finite optimum).
func FitLogistic(x mat.Matrix, y []int, lambda float64, maxIter int) (*Linear, error) {
	n, p := x.Dims()
	if len(y) != n {
		panic(fmt.Sprintf("readout: %d labels for %d samples", len(y), n))
	}
	if err := checkLabels(y, 2); err != nil {
		return nil, err
	}
	mean, scale := colStats(x)
	z := standardise(x, mean, scale)
	a := mat.NewDense(n, p+1, nil) // [1 Z]
	for i := range n {
		a.Set(i, 0, 1)
		for j := range p {
			a.Set(i, j+1, z.At(i, j))
		}
	}
	beta := mat.NewVecDense(p+1, nil)
	eta := mat.NewVecDense(n, nil)
	g := mat.NewVecDense(p+1, nil)
	resid := mat.NewVecDense(n, nil)
	aw := mat.NewDense(n, p+1, nil)
	var h mat.SymDense
	var delta mat.VecDense
	for range maxIter {
		eta.MulVec(a, beta)
		for i := range n {
			pi := 1 / (1 + math.Exp(-eta.AtVec(i)))
			resid.SetVec(i, pi-float64(y[i]))
			w := math.Max(pi*(1-pi), 1e-12)
			sw := math.Sqrt(w)
			for j := range p + 1 {
				aw.Set(i, j, a.At(i, j)*sw)
			}
		}
		g.MulVec(a.T(), resid)
		h.SymOuterK(1, aw.T())
		for j := 1; j <= p; j++ {
			g.SetVec(j, g.AtVec(j)+lambda*beta.AtVec(j))
			h.SetSym(j, j, h.At(j, j)+lambda)
		}
		h.SetSym(0, 0, h.At(0, 0)+1e-12)
		var ch mat.Cholesky
		if ok := ch.Factorize(&h); !ok {
			// singular Hessian (λ = 0, collinear features): tiny ridge
			for j := range p + 1 {
				h.SetSym(j, j, h.At(j, j)+1e-8)
			}
			if ok := ch.Factorize(&h); !ok {
				return nil, fmt.Errorf("readout: logistic Newton step: Hessian not positive definite")
			}
		}
		if err := ch.SolveVecTo(&delta, g); err != nil {
			return nil, fmt.Errorf("readout: logistic Newton step: %w", err)
		}
		var moved float64
		for j := range p + 1 {
			b := beta.AtVec(j)
			moved = math.Max(moved, math.Abs(delta.AtVec(j))/math.Max(1, math.Abs(b)))
			beta.SetVec(j, b-delta.AtVec(j))
		}
		if moved < 1e-10 {
			break
		}
	}
	w := mat.NewDense(p, 1, nil)
	for j := range p {
		w.Set(j, 0, beta.AtVec(j+1))
	}
	return &Linear{Mean: mean, Scale: scale, W: w, B: []float64{beta.AtVec(0)}}, nil
}

// FitLogisticOVR fits FitLogistic for each class against the rest (for
// two classes: one model, output 0 its negative log-odds, output 1 its
// log-odds) and returns the samples × classes log-odds map; argmax of its
// rows is the predicted class.
func FitLogisticOVR(x mat.Matrix, y []int, classes int, lambda float64, maxIter int) (*Linear, error) {
	if err := checkLabels(y, classes); err != nil {
		return nil, err
	}
	_, p := x.Dims()
	if classes == 2 {
		m, err := FitLogistic(x, y, lambda, maxIter)
		if err != nil {
			return nil, err
		}
		w := mat.NewDense(p, 2, nil)
		for j := range p {
			w.Set(j, 0, -m.W.At(j, 0))
			w.Set(j, 1, m.W.At(j, 0))
		}
		return &Linear{Mean: m.Mean, Scale: m.Scale, W: w, B: []float64{-m.B[0], m.B[0]}}, nil
	}
	w := mat.NewDense(p, classes, nil)
	b := make([]float64, classes)
	var out *Linear
	for k := range classes {
		yk := make([]int, len(y))
		for i, c := range y {
			if c == k {
				yk[i] = 1
			}
		}
		m, err := FitLogistic(x, yk, lambda, maxIter)
		if err != nil {
			return nil, err
		}
		for j := range p {
			w.Set(j, k, m.W.At(j, 0))
		}
		b[k] = m.B[0]
		out = m
	}
	return &Linear{Mean: out.Mean, Scale: out.Scale, W: w, B: b}, nil
}
