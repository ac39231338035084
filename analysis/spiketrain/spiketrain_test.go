package spiketrain

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBinAgainstNaive compares Bin with a per-spike, per-bin scan.
func TestBinAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, start, end, w := 7, 3.0, 103.0, 4.0
	var ts []float64
	var ids []int
	for range 500 {
		ts = append(ts, start+(end-start)*rng.Float64())
		ids = append(ids, rng.IntN(n))
	}
	tr, err := New(ts, ids, n, start, end)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tr.Bin(w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.Bins != 25 { // (103 − 3)/4 exactly
		t.Fatalf("bins = %d, want 25", b.Bins)
	}
	for i := range n {
		for j := range b.Bins {
			lo, hi := start+float64(j)*w, start+float64(j+1)*w
			c := 0.0
			for k := range ts {
				if ids[k] == i && ts[k] >= lo && ts[k] < hi {
					c++
				}
			}
			if b.Row(i)[j] != c {
				t.Fatalf("neuron %d bin %d: %v, want %v", i, j, b.Row(i)[j], c)
			}
		}
	}
	pop := b.PopulationCounts()
	s := 0.0
	for _, v := range pop {
		s += v
	}
	if s != 500 {
		t.Fatalf("population total %v, want 500", s)
	}
	for _, v := range b.Binary().Counts {
		if v != 0 && v != 1 {
			t.Fatalf("binary count %v", v)
		}
	}
}

func TestValidateAndSelect(t *testing.T) {
	for _, c := range []struct {
		name  string
		times []float64
		ids   []int
		n     int
	}{
		{"length", []float64{1}, nil, 2},
		{"outside", []float64{11}, []int{0}, 2},
		{"id", []float64{1}, []int{2}, 2},
	} {
		if _, err := New(c.times, c.ids, c.n, 0, 10); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", c.name, err)
		}
	}
	tr, _ := New([]float64{1, 2, 3, 4}, []int{0, 1, 2, 1}, 3, 0, 10)
	tr.Groups = []Group{{Name: "odd", IDs: []int{1}}}
	s, err := tr.SelectGroup("odd")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.TimesMs, []float64{2, 4}) || !slices.Equal(s.IDs, []int{0, 0}) || s.N != 1 {
		t.Fatalf("select: %+v", s)
	}
	if _, err := tr.Bin(0.001, &Options{MaxCells: 100}); err == nil {
		t.Fatal("MaxCells not enforced")
	}
	if r := tr.RatesHz(); r[1] != 200 { // 2 spikes in 10 ms
		t.Fatalf("rate %v", r)
	}
}

func ExampleTrain_Bin() {
	tr, _ := New([]float64{1.5, 2.0, 7.1}, []int{0, 1, 0}, 2, 0, 10)
	b, _ := tr.Bin(5, nil)
	fmt.Println(b.Rows(), b.PopulationCounts())
	// Output: [[1 1] [1 0]] [2 1]
}
