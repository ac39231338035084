package ratefn

import (
	"fmt"
	"math"
)

// TransferKind selects the functional form of φ.
type TransferKind int

const (
	// Sigmoid is the logistic φ(h) = r_max/(1+exp(−β(h−h0))) of the paper.
	Sigmoid TransferKind = iota
	// Tanh is φ(h) = (r_max/2)(2q−1+tanh(β(h−h0))), present but unused in
	// the original code.
	Tanh
)

// String returns "sigmoid" or "tanh".
func (k TransferKind) String() string {
	switch k {
	case Sigmoid:
		return "sigmoid"
	case Tanh:
		return "tanh"
	}
	return fmt.Sprintf("TransferKind(%d)", int(k))
}

// ParseTransferKind maps "sigmoid"/"logistic" and "tanh" to a kind.
func ParseTransferKind(s string) (TransferKind, error) {
	switch s {
	case "sigmoid", "logistic", "":
		return Sigmoid, nil
	case "tanh":
		return Tanh, nil
	}
	return 0, fmt.Errorf("ratefn: unknown transfer function kind %q (want sigmoid or tanh)", s)
}

// Transfer is the single-neuron transfer function φ from dimensionless input
// current to rate (Hz).
type Transfer struct {
	Kind TransferKind
	// RMaxHz is the maximal rate r_max in Hz (typical 30–200; median 76.22).
	RMaxHz float64
	// Beta is the gain β in 1/(unit of h) (typical 0.5–1.2; median 0.8236).
	Beta float64
	// H0 is the threshold h0 in units of h (typical 1–5; median 2.4626).
	H0 float64
	// Q is the offset of the Tanh kind (ignored by Sigmoid); φ ranges over
	// r_max·(q−1, q).
	Q float64
}

// Validate rejects impossible or non-finite parameters.
func (t Transfer) Validate() error {
	for _, p := range []struct {
		name string
		v    float64
	}{{"r_max_hz", t.RMaxHz}, {"beta", t.Beta}, {"h0", t.H0}, {"q", t.Q}} {
		if math.IsNaN(p.v) || math.IsInf(p.v, 0) {
			return fmt.Errorf("transfer.%s = %v is not a finite number", p.name, p.v)
		}
	}
	if t.RMaxHz <= 0 {
		return fmt.Errorf("transfer.r_max_hz = %v must be > 0", t.RMaxHz)
	}
	if t.Beta <= 0 {
		return fmt.Errorf("transfer.beta = %v must be > 0", t.Beta)
	}
	if t.Kind != Sigmoid && t.Kind != Tanh {
		return fmt.Errorf("transfer: unknown kind %v", t.Kind)
	}
	return nil
}

// Rate returns φ(h) in Hz.
func (t Transfer) Rate(h float64) float64 {
	if t.Kind == Tanh {
		return 0.5 * t.RMaxHz * (2*t.Q - 1 + math.Tanh(t.Beta*(h-t.H0)))
	}
	return t.RMaxHz / (1 + math.Exp(-t.Beta*(h-t.H0)))
}

// Deriv returns φ′(h) in Hz per unit h.
func (t Transfer) Deriv(h float64) float64 {
	if t.Kind == Tanh {
		th := math.Tanh(t.Beta * (h - t.H0))
		return 0.5 * t.RMaxHz * t.Beta * (1 - th*th)
	}
	e := math.Exp(-t.Beta * (h - t.H0))
	if math.IsInf(e, 1) {
		return 0
	}
	return t.RMaxHz * t.Beta * e / ((1 + e) * (1 + e))
}

// Inverse returns φ⁻¹(r). Rates outside the open range of φ give ±Inf
// (at the bounds) or NaN (beyond them).
func (t Transfer) Inverse(r float64) float64 {
	if t.Kind == Tanh {
		return t.H0 + math.Atanh(2*r/t.RMaxHz-2*t.Q+1)/t.Beta
	}
	return t.H0 + math.Log(r/(t.RMaxHz-r))/t.Beta
}

// Range returns the open interval of rates φ can take.
func (t Transfer) Range() (lo, hi float64) {
	if t.Kind == Tanh {
		return t.RMaxHz * (t.Q - 1), t.RMaxHz * t.Q
	}
	return 0, t.RMaxHz
}
