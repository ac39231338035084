package eprop

import (
	"fmt"
)

// Method selects how the trainer computes gradients.
type Method int

const (
	// MethodEProp is e-prop (Net.EProp).
	MethodEProp Method = iota
	// MethodBPTT is exact BPTT (Net.BPTT, Full).
	MethodBPTT
)

// ParseMethod reads "eprop" or "bptt".
func ParseMethod(s string) (Method, error) {
	switch s {
	case "eprop":
		return MethodEProp, nil
	case "bptt":
		return MethodBPTT, nil
	}
	return 0, fmt.Errorf("eprop: method %q: want eprop or bptt", s)
}

// TrainerOptions configure a Trainer.
type TrainerOptions struct {
	// Method is e-prop (default) or BPTT.
	Method Method
	// Feedback is e-prop's feedback (nil: symmetric).
	Feedback *Feedback
	// Optimizer updates the weights (required).
	Optimizer Optimizer
	// Losses are summed (at least one).
	Losses []Loss
	// Train says which blocks learn: input, recurrent, readout weights and
	// readout bias (nil: all four).
	Train *[4]bool
}

// Trainer runs training iterations on a Net, reusing its buffers: after
// the first Step with a given batch shape, Step allocates nothing.
type Trainer struct {
	Net  *Net
	Opt  TrainerOptions
	Recs []*Record
	// Last holds each loss's value at the last Step.
	Last  []float64
	grad  *Grad
	delta *Grad
	ws    Workspace
	// cached block lists (Grad.Slices order), so Step does not allocate
	params, gs, ds [][]float64
}

// NewTrainer validates the network, masks and options.
func NewTrainer(n *Net, o TrainerOptions) (*Trainer, error) {
	if err := n.P.Validate(); err != nil {
		return nil, err
	}
	if err := n.ValidateMasks(); err != nil {
		return nil, err
	}
	if o.Optimizer == nil {
		return nil, fmt.Errorf("eprop: trainer without an optimizer")
	}
	if err := o.Optimizer.Validate(); err != nil {
		return nil, err
	}
	if len(o.Losses) == 0 {
		return nil, fmt.Errorf("eprop: trainer without a loss")
	}
	if o.Feedback == nil {
		o.Feedback = &Feedback{Kind: Symmetric}
	}
	if o.Feedback.Kind != Symmetric && len(o.Feedback.B) != n.P.NRec*n.P.NOut {
		return nil, fmt.Errorf("eprop: %s feedback matrix has %d entries, want n_rec·n_out = %d", o.Feedback.Kind, len(o.Feedback.B), n.P.NRec*n.P.NOut)
	}
	if !(o.Feedback.Decay >= 0) || !finite(o.Feedback.Decay) {
		return nil, fmt.Errorf("eprop: feedback decay = %v must be finite and ≥ 0", o.Feedback.Decay)
	}
	n.Constrain()
	tr := &Trainer{Net: n, Opt: o, grad: NewGrad(n.P), delta: NewGrad(n.P), Last: make([]float64, len(o.Losses))}
	tr.params, tr.gs, tr.ds = [][]float64{n.WIn, n.WRec, n.WOut, n.BOut}, tr.grad.Slices(), tr.delta.Slices()
	return tr, nil
}

// Forward simulates the batch xs (each T×NIn) and evaluates the losses
// without updating anything; it returns the summed loss.
func (tr *Trainer) Forward(xs [][]float64, T int) (float64, error) {
	for len(tr.Recs) < len(xs) {
		tr.Recs = append(tr.Recs, NewRecord(tr.Net.P, T))
	}
	recs := tr.Recs[:len(xs)]
	for b, x := range xs {
		if err := tr.Net.Simulate(x, T, recs[b]); err != nil {
			return 0, fmt.Errorf("trial %d: %w", b, err)
		}
		recs[b].ResetGrad()
	}
	E := 0.0
	for i, l := range tr.Opt.Losses {
		if err := l.Check(&tr.Net.P, recs); err != nil {
			return 0, err
		}
		tr.Last[i] = l.Eval(recs)
		E += tr.Last[i]
	}
	return E, nil
}

// Gradient computes the gradient of the last Forward's losses into the
// trainer's gradient buffer and returns it.
func (tr *Trainer) Gradient(nb int) *Grad {
	g := tr.grad
	g.Zero()
	recs := tr.Recs[:nb]
	if tr.Opt.Method == MethodBPTT {
		tr.Net.BPTT(recs, Full, g, nil)
	} else {
		tr.Net.EProp(recs, tr.Opt.Feedback, g, &tr.ws)
	}
	return g
}

// Step runs one iteration on the batch xs: forward, losses, gradient,
// optimiser step, adaptive feedback update, constraints. It returns the
// summed loss before the update.
func (tr *Trainer) Step(xs [][]float64, T int) (float64, error) {
	E, err := tr.Forward(xs, T)
	if err != nil {
		return 0, err
	}
	tr.Gradient(len(xs))
	if tr.Opt.Train != nil {
		for b, on := range tr.Opt.Train {
			if !on {
				clear(tr.gs[b])
			}
		}
	}
	n := tr.Net
	tr.Opt.Optimizer.Step(tr.params, tr.gs, tr.ds)
	if fb := tr.Opt.Feedback; fb.Kind == Adaptive {
		for i := range fb.B { // same layout as WOut
			fb.B[i] += tr.delta.WOut[i] - fb.Decay*fb.B[i]
		}
	}
	n.Constrain()
	return E, nil
}
