package rng

import "testing"

func TestStreamsKeyed(t *testing.T) {
	a := New(7, Patterns, 3).Uint64()
	if b := New(7, Patterns, 3).Uint64(); a != b {
		t.Fatal("same key gave different streams")
	}
	for _, o := range []uint64{
		New(8, Patterns, 3).Uint64(),
		New(7, Mask, 3).Uint64(),
		New(7, Patterns, 4).Uint64(),
		New(7, Patterns, 3, 0).Uint64(),
		New(7, Patterns).Uint64(),
	} {
		if o == a {
			t.Fatal("different keys collided")
		}
	}
	// keys are ordered: (1,2) and (2,1) differ
	if New(1, Noise, 1, 2).Uint64() == New(1, Noise, 2, 1).Uint64() {
		t.Fatal("key order ignored")
	}
}

// A crude independence check: the mean of the first draw over 20000 keys is
// uniform to within 5 SD (SD of a U(0,1) mean over n draws is 1/sqrt(12n)).
func TestFirstDrawUniform(t *testing.T) {
	const n = 20000
	var s float64
	for i := 0; i < n; i++ {
		s += New(1, Mask, uint64(i)).Float64()
	}
	m := s / n
	if sd := 1 / (12.0 * n); (m-0.5)*(m-0.5) > 25*sd {
		t.Fatalf("mean of first draws %v", m)
	}
}
