package assembly

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Synapse classes relative to a set of patterns (stdp-memory.md §3.5),
// for the controls that shuffle or impose a weight structure.
const (
	// ClassWithin: pre and post share at least one assembly.
	ClassWithin uint8 = iota
	// ClassBetween: both are members of assemblies, but of none in common.
	ClassBetween
	// ClassFrom: the pre is a member of an assembly, the post of none.
	ClassFrom
	// ClassOnto: the pre is a member of no assembly, the post is.
	ClassOnto
	// ClassRest: neither is a member of any assembly.
	ClassRest
	// NumClasses is the number of synapse classes.
	NumClasses = 5
)

// ClassNames are the synapse classes' names, indexed by class.
var ClassNames = [NumClasses]string{"within", "between", "from-assembly", "onto-assembly", "rest"}

// SynapseClasses returns the class of every synapse of a pre-major
// projection (colPtr, post as in Classes).
func SynapseClasses(colPtr []int64, post []int32, p Patterns) []uint8 {
	if len(colPtr) != p.N+1 || colPtr[p.N] != int64(len(post)) {
		panic(fmt.Sprintf("assembly: SynapseClasses: colPtr of %d entries (want N+1 = %d) for %d synapses", len(colPtr), p.N+1, len(post)))
	}
	in, words := p.membership()
	any := func(b []uint64) bool {
		for _, x := range b {
			if x != 0 {
				return true
			}
		}
		return false
	}
	cls := make([]uint8, len(post))
	for j := 0; j < p.N; j++ {
		pj := in[j*words : (j+1)*words]
		jIn := any(pj)
		for q := colPtr[j]; q < colPtr[j+1]; q++ {
			i := int(post[q])
			pi := in[i*words : (i+1)*words]
			iIn := any(pi)
			c := ClassRest
			switch {
			case jIn && iIn:
				c = ClassBetween
				for b := range pj {
					if pj[b]&pi[b] != 0 {
						c = ClassWithin
						break
					}
				}
			case jIn:
				c = ClassFrom
			case iIn:
				c = ClassOnto
			}
			cls[q] = c
		}
	}
	return cls
}

// ShuffleWithinClasses returns a copy of w with the weights permuted
// uniformly at random within each synapse class (stdp-memory.md §3.5's
// static-structure control: the class means, and each class's weight
// distribution, are kept; which synapse carries which weight is not).
func ShuffleWithinClasses(colPtr []int64, post []int32, w []float32, p Patterns, r *rand.Rand) []float32 {
	if len(w) != len(post) {
		panic(fmt.Sprintf("assembly: ShuffleWithinClasses: %d weights for %d synapses", len(w), len(post)))
	}
	cls := SynapseClasses(colPtr, post, p)
	var idx [NumClasses][]int
	for q, c := range cls {
		idx[c] = append(idx[c], q)
	}
	out := make([]float32, len(w))
	for _, qs := range idx {
		vals := make([]float32, len(qs))
		for m, q := range qs {
			vals[m] = w[q]
		}
		r.Shuffle(len(vals), func(a, b int) { vals[a], vals[b] = vals[b], vals[a] })
		for m, q := range qs {
			out[q] = vals[m]
		}
	}
	return out
}

// Imposed is an Amit–Brunel structure imposed on a projection.
type Imposed struct {
	// W is the new weight of every synapse (delivery order).
	W []float32
	// J0 is the mean weight of the matrix it replaces (the unit of J₊, J₋).
	J0 float64
	// JPlus is the ratio R of within-assembly synapses (weight J₊·J0).
	JPlus float64
	// JMinus is the ratio of the other synapses onto assembly members
	// (weight J₋·J0); synapses onto neurons of no assembly keep J0.
	JMinus float64
	// F is the coding level in J₋'s formula.
	F float64
	// QWithin is the fraction of synapses in ClassWithin.
	QWithin float64
}

// Impose returns the Amit–Brunel structure of ratio J₊ (stdp-memory.md
// §1.3, §3.5) for the synapses of a pre-major projection, with the
// rate-conserving J₋ = 1 − f(J₊ − 1)/(1 − f) of Brunel & Wang (2001), f =
// p.F: a synapse whose pre and post share an assembly gets J₊·J0, any other
// synapse onto a member of an assembly J₋·J0, and every synapse onto a
// neuron of no assembly J0 (J0 is the mean of w). A member of one assembly
// then receives on average f·J₊ + (1 − f)·J₋ = 1 times J0 from a random
// presynaptic population with a fraction f of fellow members — its mean
// input at equal rates is kept — and so does every non-member. Errors:
// J₊ < 0 or not finite, an empty weight vector, f outside (0, 1), and
// J₊ > 1/f (J₋ < 0).
func Impose(colPtr []int64, post []int32, w []float32, p Patterns, ratio float64) (Imposed, error) {
	var im Imposed
	if !(ratio >= 0) || math.IsInf(ratio, 0) {
		return im, fmt.Errorf("imposed ratio J₊ = %v must be finite and ≥ 0", ratio)
	}
	if len(w) == 0 || len(w) != len(post) {
		return im, fmt.Errorf("imposed structure: %d weights for %d synapses", len(w), len(post))
	}
	f := p.F
	if !(f > 0 && f < 1) {
		return im, fmt.Errorf("imposed structure: coding level f = %v must be in (0, 1)", f)
	}
	cls := SynapseClasses(colPtr, post, p)
	var s float64
	var nw int
	for q, x := range w {
		s += float64(x)
		if cls[q] == ClassWithin {
			nw++
		}
	}
	im.J0, im.F = s/float64(len(w)), f
	im.QWithin = float64(nw) / float64(len(w))
	im.JPlus = ratio
	im.JMinus = 1 - f*(ratio-1)/(1-f)
	if im.JMinus < 0 {
		return im, fmt.Errorf("imposed ratio J₊ = %v: the rate-conserving J₋ = 1 − f(J₊ − 1)/(1 − f) = %.4g is negative (f = %v: J₊ must be ≤ 1/f = %.4g)",
			ratio, im.JMinus, f, 1/f)
	}
	wp, wm, w0 := float32(ratio*im.J0), float32(im.JMinus*im.J0), float32(im.J0)
	im.W = make([]float32, len(w))
	for q, c := range cls {
		switch c {
		case ClassWithin:
			im.W[q] = wp
		case ClassBetween, ClassOnto:
			im.W[q] = wm
		default: // onto a neuron of no assembly
			im.W[q] = w0
		}
	}
	return im, nil
}
