package eprop

import (
	"fmt"
	"math"
)

// An Optimizer turns gradients into in-place parameter updates. Params and
// grads are parallel lists of blocks (Grad.Slices order); the optimiser
// keeps its state per block and must be used with the same shapes.
type Optimizer interface {
	// Step updates params in place from grads and writes the applied
	// change into delta (same shapes; may be nil).
	Step(params, grads, delta [][]float64)
	// Validate rejects impossible hyperparameters.
	Validate() error
}

// SGD is plain gradient descent, w ← w − LR·g.
type SGD struct {
	// LR is the learning rate η (> 0).
	LR float64
}

// Validate implements Optimizer.
func (o *SGD) Validate() error {
	if !(o.LR > 0) || !finite(o.LR) {
		return fmt.Errorf("eprop: learning rate = %v must be positive and finite", o.LR)
	}
	return nil
}

// Step implements Optimizer.
func (o *SGD) Step(params, grads, delta [][]float64) {
	for b, p := range params {
		for i, g := range grads[b] {
			d := -o.LR * g
			p[i] += d
			if delta != nil {
				delta[b][i] = d
			}
		}
	}
}

// Adam is Kingma & Ba's optimiser with bias correction (spec §12 defaults
// β1 = 0.9, β2 = 0.999, ε = 1e-8).
type Adam struct {
	// LR is the step size η (> 0).
	LR float64
	// B1, B2 are the moment decays in [0, 1) (0 means 0.9 and 0.999).
	B1, B2 float64
	// Eps is the denominator's offset (0 means 1e-8).
	Eps float64
	// M, V are the first and second moments per block; T the step count.
	// They are state: checkpoint them.
	M, V [][]float64
	T    int
}

// Validate implements Optimizer.
func (o *Adam) Validate() error {
	if !(o.LR > 0) || !finite(o.LR) {
		return fmt.Errorf("eprop: learning rate = %v must be positive and finite", o.LR)
	}
	if !(o.B1 >= 0 && o.B1 < 1) || !(o.B2 >= 0 && o.B2 < 1) || !(o.Eps >= 0) {
		return fmt.Errorf("eprop: Adam β1 = %v, β2 = %v must be in [0, 1) and ε = %v ≥ 0", o.B1, o.B2, o.Eps)
	}
	return nil
}

// Step implements Optimizer.
func (o *Adam) Step(params, grads, delta [][]float64) {
	b1, b2, eps := o.B1, o.B2, o.Eps
	if b1 == 0 {
		b1 = 0.9
	}
	if b2 == 0 {
		b2 = 0.999
	}
	if eps == 0 {
		eps = 1e-8
	}
	if o.M == nil {
		for _, p := range params {
			o.M, o.V = append(o.M, make([]float64, len(p))), append(o.V, make([]float64, len(p)))
		}
	}
	o.T++
	c1, c2 := 1-math.Pow(b1, float64(o.T)), 1-math.Pow(b2, float64(o.T))
	for b, p := range params {
		m, v := o.M[b], o.V[b]
		for i, g := range grads[b] {
			m[i] = b1*m[i] + (1-b1)*g
			v[i] = b2*v[i] + (1-b2)*g*g
			d := -o.LR * (m[i] / c1) / (math.Sqrt(v[i]/c2) + eps)
			p[i] += d
			if delta != nil {
				delta[b][i] = d
			}
		}
	}
}
