package plot

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Midpoints of uneven values: the midpoints between neighbours, outer
// cells mirrored (closed form: Brunel-phase's g axis 3, 4, 4.5, 5, 6, 8
// gives 2.5 | 3.5 | 4.25 | 4.75 | 5.5 | 7 | 9).
func TestMidpoints(t *testing.T) {
	for _, c := range []struct{ v, want []float64 }{
		{[]float64{3, 4, 4.5, 5, 6, 8}, []float64{2.5, 3.5, 4.25, 4.75, 5.5, 7, 9}},
		{[]float64{1, 2}, []float64{0.5, 1.5, 2.5}},
		{[]float64{7}, []float64{6.5, 7.5}},
	} {
		if got := Midpoints(c.v); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Midpoints(%v) = %v, want %v", c.v, got, c.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Midpoints of decreasing values did not panic")
		}
	}()
	Midpoints([]float64{2, 1})
}

// The display matrix of uneven cells equals a naive reference: each
// output cell's centre, located by a linear scan of the edges.
func TestResampleToEdges(t *testing.T) {
	xe := []float64{2.5, 3.5, 4.25, 4.75, 5.5, 7, 9} // 6 columns
	ye := []float64{0, 1, 10}                        // 2 rows: the top one 9× taller
	data := make([]float64, 2*6)
	for i := range data {
		data[i] = float64(i)
	}
	const outR, outC = 50, 130
	got := resampleToEdges(data, 2, 6, xe, ye, outR, outC)
	find := func(e []float64, x float64) int {
		for i := 0; i+1 < len(e); i++ {
			if x >= e[i] && x < e[i+1] {
				return i
			}
		}
		return len(e) - 2
	}
	for r := range outR {
		y := ye[0] + (float64(r)+0.5)*(ye[2]-ye[0])/outR
		for c := range outC {
			x := xe[0] + (float64(c)+0.5)*(xe[6]-xe[0])/outC
			if want := data[find(ye, y)*6+find(xe, x)]; got[r*outC+c] != want {
				t.Fatalf("display cell (%d, %d) at (%g, %g) = %v, want %v", r, c, x, y, got[r*outC+c], want)
			}
		}
	}
	// the share of display columns of each data column is its width
	count := make([]int, 6)
	for c := range outC {
		count[int(got[c])]++
	}
	for j, n := range count {
		if w := (xe[j+1] - xe[j]) / (xe[6] - xe[0]) * outC; float64(n) < w-1 || float64(n) > w+1 {
			t.Errorf("column %d: %d display columns, width says %.1f", j, n, w)
		}
	}
}

// Image with edges and value ticks: drawn, extent and edges in the TSV;
// bad edges are errors.
func TestImageUnevenEdges(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "h")
	spec := ImageSpec{Rows: 2, Cols: 3, Data: []float64{1, 2, 3, 4, 5, 6}, XEdges: Midpoints([]float64{1, 2, 4}), YEdges: []float64{0, 1, 3},
		XTicks: []Tick{{1, "1"}, {2, "2"}, {4, "4"}}, YTicks: []Tick{{0.5, "a"}, {2, "b"}}}
	if _, err := Image(base, spec); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(base + ".tsv")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"column edges (x): 0.5 1.5 3 5", "row edges (y): 0 1 3", "2\t3\t0.5\t5\t0\t3\t1\t6"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("TSV lacks %q:\n%s", want, b)
		}
	}
	spec.XEdges = []float64{0, 1}
	if _, err := Image(base+"2", spec); err == nil || !strings.Contains(err.Error(), "x edges") {
		t.Errorf("wrong edge count: %v", err)
	}
	spec.XEdges = []float64{0, 2, 1, 3}
	if _, err := Image(base+"3", spec); err == nil || !strings.Contains(err.Error(), "increasing") {
		t.Errorf("decreasing edges: %v", err)
	}
}
