package eprop

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Net is a recurrent spiking network with a leaky readout. Weights are
// stored pre-major ("from i to j" at i·n_post + j): WIn[i·NRec + j] is
// W^in_ji, WRec[i·NRec + j] is W^rec_ji (pre i, post j), WOut[j·NOut + k]
// is W^out_kj. This layout makes spike propagation and the e-prop
// gradient walk contiguous rows of the spiking presynaptic neuron.
type Net struct {
	P Params
	// WIn (NIn×NRec), WRec (NRec×NRec, zero diagonal), WOut (NRec×NOut),
	// BOut (NOut; readout bias, convention-P readout only).
	WIn, WRec, WOut, BOut []float64
	// Beta is the per-neuron adaptation strength (0 for LIF neurons).
	Beta []float64
	// MaskIn and MaskRec, when non-nil, say which synapses exist (same
	// layout as WIn and WRec); absent synapses are held at 0. The
	// recurrent diagonal is always absent.
	MaskIn, MaskRec []bool
	// Sign, when non-nil, is Dale's law per recurrent neuron: +1
	// excitatory (outgoing weights ≥ 0), −1 inhibitory (≤ 0), 0 free.
	Sign []int8
	// InSign, when non-zero, constrains every input weight to that sign.
	InSign int8
}

// NewNet returns a network of the given parameters with zero weights
// (LIF neurons first, then NALIF ALIF neurons with β = P.Beta).
func NewNet(p Params) (*Net, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := &Net{P: p,
		WIn: make([]float64, p.NIn*p.NRec), WRec: make([]float64, p.NRec*p.NRec),
		WOut: make([]float64, p.NRec*p.NOut), BOut: make([]float64, p.NOut), Beta: make([]float64, p.NRec)}
	for j := p.NRec - p.NALIF; j < p.NRec; j++ {
		n.Beta[j] = p.Beta
	}
	return n, nil
}

// InitGaussian draws W^in ~ N(0,1)·gIn/√n_in, W^rec ~ N(0,1)·gRec/√n_rec
// (zero diagonal) and W^out ~ N(0,1)·gOut/√n_rec: the tutorial's
// initialisation with gIn = gRec = gOut = 1 (spec §9). Masks and Dale's law
// are applied afterwards (Constrain).
func (n *Net) InitGaussian(r *rand.Rand, gIn, gRec, gOut float64) {
	p := n.P
	for i := range n.WIn {
		n.WIn[i] = gIn * r.NormFloat64() / math.Sqrt(float64(p.NIn))
	}
	for i := range n.WRec {
		n.WRec[i] = gRec * r.NormFloat64() / math.Sqrt(float64(p.NRec))
	}
	for i := range n.WOut {
		n.WOut[i] = gOut * r.NormFloat64() / math.Sqrt(float64(p.NRec))
	}
	n.Constrain()
}

// InitOutGlorot redraws the readout weights Glorot-uniform,
// W^out ~ U(−l, l)·g with l = √(6/(n_rec + n_out)): TensorFlow's default
// initialiser, which the evidence-accumulation tutorial's readout uses
// (spec §9; SD l/√3 ≈ 0.14 for 100 neurons and 2 readouts, against
// 1/√n_rec = 0.1 of InitGaussian).
func (n *Net) InitOutGlorot(r *rand.Rand, g float64) {
	l := math.Sqrt(6 / float64(n.P.NRec+n.P.NOut))
	for i := range n.WOut {
		n.WOut[i] = g * l * (2*r.Float64() - 1)
	}
}

// ValidateMasks checks the masks' and signs' sizes and that every
// recurrent neuron keeps at least one incoming synapse (input or
// recurrent); the error names the first neuron left without inputs.
func (n *Net) ValidateMasks() error {
	p := n.P
	if n.MaskIn != nil && len(n.MaskIn) != p.NIn*p.NRec {
		return fmt.Errorf("eprop: input mask has %d entries, want n_in·n_rec = %d", len(n.MaskIn), p.NIn*p.NRec)
	}
	if n.MaskRec != nil && len(n.MaskRec) != p.NRec*p.NRec {
		return fmt.Errorf("eprop: recurrent mask has %d entries, want n_rec² = %d", len(n.MaskRec), p.NRec*p.NRec)
	}
	if n.Sign != nil && len(n.Sign) != p.NRec {
		return fmt.Errorf("eprop: Dale signs have %d entries, want n_rec = %d", len(n.Sign), p.NRec)
	}
	for _, s := range n.Sign {
		if s < -1 || s > 1 {
			return fmt.Errorf("eprop: Dale sign %d: want −1, 0 or +1", s)
		}
	}
	if n.InSign < -1 || n.InSign > 1 {
		return fmt.Errorf("eprop: input sign %d: want −1, 0 or +1", n.InSign)
	}
	for j := 0; j < p.NRec; j++ {
		has := false
		for i := 0; i < p.NIn && !has; i++ {
			has = n.MaskIn == nil || n.MaskIn[i*p.NRec+j]
		}
		for i := 0; i < p.NRec && !has; i++ {
			has = i != j && (n.MaskRec == nil || n.MaskRec[i*p.NRec+j])
		}
		if !has {
			return fmt.Errorf("eprop: the masks leave recurrent neuron %d without any incoming synapse (input or recurrent)", j)
		}
	}
	return nil
}

// Constrain enforces the masks, the zero diagonal and Dale's law in place
// (weights of the wrong sign are clipped to 0). Training calls it after
// every update.
func (n *Net) Constrain() {
	p := n.P
	N := p.NRec
	for i := 0; i < p.NIn; i++ {
		row := n.WIn[i*N : (i+1)*N]
		for j := range row {
			if n.MaskIn != nil && !n.MaskIn[i*N+j] {
				row[j] = 0
			}
			if (n.InSign > 0 && row[j] < 0) || (n.InSign < 0 && row[j] > 0) {
				row[j] = 0
			}
		}
	}
	for i := 0; i < N; i++ {
		row := n.WRec[i*N : (i+1)*N]
		var s int8
		if n.Sign != nil {
			s = n.Sign[i]
		}
		for j := range row {
			if j == i || (n.MaskRec != nil && !n.MaskRec[i*N+j]) {
				row[j] = 0
			}
			if (s > 0 && row[j] < 0) || (s < 0 && row[j] > 0) {
				row[j] = 0
			}
		}
	}
}

// Clone returns a deep copy.
func (n *Net) Clone() *Net {
	c := *n
	c.WIn, c.WRec, c.WOut, c.BOut, c.Beta = clone(n.WIn), clone(n.WRec), clone(n.WOut), clone(n.BOut), clone(n.Beta)
	if n.MaskIn != nil {
		c.MaskIn = append([]bool(nil), n.MaskIn...)
	}
	if n.MaskRec != nil {
		c.MaskRec = append([]bool(nil), n.MaskRec...)
	}
	if n.Sign != nil {
		c.Sign = append([]int8(nil), n.Sign...)
	}
	return &c
}

func clone(x []float64) []float64 { return append([]float64(nil), x...) }
