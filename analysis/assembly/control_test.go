package assembly

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// naiveClass classifies j→i from the member lists directly.
func naiveClass(p Patterns, j, i int) uint8 {
	inJ, inI, shared := false, false, false
	for _, m := range p.Members {
		a, b := slices.Contains(m, int32(j)), slices.Contains(m, int32(i))
		inJ, inI, shared = inJ || a, inI || b, shared || (a && b)
	}
	switch {
	case shared:
		return ClassWithin
	case inJ && inI:
		return ClassBetween
	case inJ:
		return ClassFrom
	case inI:
		return ClassOnto
	}
	return ClassRest
}

// TestSynapseClassesNaive: the bit-set classification equals a naive one
// from the member lists, and every class occurs.
func TestSynapseClassesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	n := 150
	colPtr, post, _, _ := randomCSR(n, 0.3, r, false)
	p, err := Random(9, "classes", Options{P: 3, N: n, F: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	cls := SynapseClasses(colPtr, post, p)
	var seen [NumClasses]int
	for j := 0; j < n; j++ {
		for q := colPtr[j]; q < colPtr[j+1]; q++ {
			if want := naiveClass(p, j, int(post[q])); cls[q] != want {
				t.Fatalf("synapse %d (%d→%d): class %s, naive %s", q, j, post[q], ClassNames[cls[q]], ClassNames[want])
			}
			seen[cls[q]]++
		}
	}
	for c, k := range seen {
		if k == 0 {
			t.Errorf("class %s never occurs: the test does not exercise it", ClassNames[c])
		}
	}
}

// TestShuffleWithinClasses: the shuffle permutes each class's weights
// (same sorted multiset per class, so the class means are kept exactly),
// moves most weights, is fixed by the stream and differs between streams.
func TestShuffleWithinClasses(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 150
	colPtr, post, w, _ := randomCSR(n, 0.3, r, false)
	p, err := Random(3, "shuffle", Options{P: 4, N: n, F: 0.15})
	if err != nil {
		t.Fatal(err)
	}
	cls := SynapseClasses(colPtr, post, p)
	s1 := ShuffleWithinClasses(colPtr, post, w, p, rand.New(rand.NewPCG(5, 6)))
	s2 := ShuffleWithinClasses(colPtr, post, w, p, rand.New(rand.NewPCG(5, 6)))
	s3 := ShuffleWithinClasses(colPtr, post, w, p, rand.New(rand.NewPCG(5, 7)))
	if !slices.Equal(s1, s2) {
		t.Error("the same stream gave different shuffles")
	}
	if slices.Equal(s1, s3) {
		t.Error("different streams gave the same shuffle")
	}
	moved := 0
	for c := range uint8(NumClasses) {
		var a, b []float32
		for q := range w {
			if cls[q] == c {
				a, b = append(a, w[q]), append(b, s1[q])
			}
		}
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("class %s: the shuffled weights are not a permutation of the original ones", ClassNames[c])
		}
	}
	for q := range w {
		if s1[q] != w[q] {
			moved++
		}
	}
	// weights are uniform random: a permutation leaves ≈ 1/n_class in place
	if moved < len(w)*9/10 {
		t.Errorf("only %d of %d weights moved", moved, len(w))
	}
}

// TestImpose: within-assembly synapses get J₊·J0, the other synapses onto
// members J₋·J0 with Brunel & Wang's J₋ = 1 − f(J₊ − 1)/(1 − f), those onto
// non-members J0; for disjoint assemblies (P·f = 0.5 < 1) on a dense
// matrix every member's mean input is J0 up to the O(1/N) effect of the
// missing autapse (its fellow members are n_k − 1 of N − 1 inputs, not
// f·N), and every non-member's is exactly J0; errors for bad ratios.
func TestImpose(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	n := 200
	colPtr, post, w, _ := randomCSR(n, 1, r, false)
	p, err := Random(3, "impose disjoint", Options{P: 5, N: n, F: 0.1, Disjoint: true})
	if err != nil {
		t.Fatal(err)
	}
	const jp = 3.0
	im, err := Impose(colPtr, post, w, p, jp)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 - 0.1*(jp-1)/0.9; math.Abs(im.JMinus-want) > 1e-15 {
		t.Errorf("J₋ = %v, want %v", im.JMinus, want)
	}
	cls := SynapseClasses(colPtr, post, p)
	in := make([]float64, n)
	deg := make([]float64, n)
	for q := range w {
		want := im.J0
		switch cls[q] {
		case ClassWithin:
			want = jp * im.J0
		case ClassBetween, ClassOnto:
			want = im.JMinus * im.J0
		}
		if math.Abs(float64(im.W[q])-want) > 1e-6*want {
			t.Fatalf("synapse %d (class %s): %v, want %v", q, ClassNames[cls[q]], im.W[q], want)
		}
		in[post[q]] += float64(im.W[q])
		deg[post[q]]++
	}
	member := make([]bool, n)
	for _, m := range p.Members {
		for _, i := range m {
			member[i] = true
		}
	}
	// a member of a block of 20: 19 fellow inputs of 199, against f = 0.1
	exact := (19*jp + (199-19)*im.JMinus) / 199
	for i := range in {
		mean := in[i] / deg[i] / im.J0
		want := 1.0
		if member[i] {
			want = exact
		}
		if math.Abs(mean-want) > 1e-6 {
			t.Errorf("neuron %d (member %v): mean input %v J0, want %v", i, member[i], mean, want)
		}
	}
	if math.Abs(exact-1) > 0.02 {
		t.Errorf("member mean input %v J0: not rate-conserving", exact)
	}
	for _, bad := range []struct {
		ratio float64
		want  string
	}{{-1, "≥ 0"}, {math.NaN(), "finite"}, {math.Inf(1), "finite"}, {11, "negative"}} {
		if _, err := Impose(colPtr, post, w, p, bad.ratio); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ratio %v: error %v, want one containing %q", bad.ratio, err, bad.want)
		}
	}
}
