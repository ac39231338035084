package plot

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/engramsim/engram/store"
)

// checkPNG decodes path and checks the documented pixel size.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != PNGWidth || b.Dy() != PNGHeight {
		t.Errorf("%s: %d×%d px, want %d×%d", path, b.Dx(), b.Dy(), PNGWidth, PNGHeight)
	}
}

func checkFiles(t *testing.T, got []string, base string, exts ...string) {
	t.Helper()
	var want []string
	for _, e := range exts {
		want = append(want, base+e)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("files = %v, want %v", got, want)
	}
	for _, f := range want {
		st, err := os.Stat(f)
		if err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	checkPNG(t, base+".png")
	svg, _ := os.ReadFile(base + ".svg")
	if !bytes.HasPrefix(svg, []byte("<?xml")) || !bytes.Contains(svg, []byte("<svg")) {
		t.Errorf("%s.svg does not look like SVG", base)
	}
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func ptr(v float64) *float64 { return &v }

func TestLines(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "overlaps")
	var series []Series
	// 30 grey context curves plus two highlighted ones, as in a recall plot.
	for i := 0; i < 30; i++ {
		x := []float64{0, 1, 2, 3}
		y := []float64{0.01 * float64(i), 0.1, 0.05, math.NaN()}
		series = append(series, Series{X: x, Y: y, Color: Background})
	}
	series = append(series,
		Series{Name: "target", X: []float64{0, 1, 2, 3}, Y: []float64{0.1, 0.5, 0.9, 0.95}, YErr: []float64{0.01, 0.02, 0.03, 0.04}, Color: AutoColor},
		Series{Name: "cue", X: []float64{0.5, 1.5}, Y: []float64{1, 1}, Points: true, Dashed: true, Color: 3},
	)
	spec := LineSpec{Title: "Overlaps", XLabel: "time (s)", YLabel: "m", Series: series,
		VLines: []float64{1, 2}, YMin: ptr(-0.1), YMax: ptr(1.1), Legend: true}
	files, err := Lines(base, spec)
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, files, base, ".png", ".svg", ".tsv")

	hdr, rows, err := store.ReadTSVRecords(base + ".tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(hdr, []string{"series", "x", "y", "yerr"}) {
		t.Fatalf("header %v", hdr)
	}
	// Rebuild the input from the TSV.
	k := 0
	for i, s := range series {
		name := s.Name
		if name == "" {
			name = "series" + strconv.Itoa(i)
		}
		for j := range s.X {
			r := rows[k]
			k++
			e := math.NaN()
			if s.YErr != nil {
				e = s.YErr[j]
			}
			y := num(t, r[2])
			if r[0] != name || num(t, r[1]) != s.X[j] || !(y == s.Y[j] || math.IsNaN(y) && math.IsNaN(s.Y[j])) ||
				!(num(t, r[3]) == e || math.IsNaN(e) && r[3] == "nan") {
				t.Fatalf("row %d = %v, want %s %v %v %v", k-1, r, name, s.X[j], s.Y[j], e)
			}
		}
	}
	if len(rows) != k+2 || rows[k][0] != "vline" || rows[k][1] != "1" || rows[k+1][1] != "2" {
		t.Errorf("vline rows: %v", rows[k:])
	}

	// Determinism: identical input, identical SVG and TSV bytes.
	base2 := filepath.Join(dir, "again")
	if _, err := Lines(base2, spec); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".svg", ".tsv", ".png"} {
		a, _ := os.ReadFile(base + ext)
		b, _ := os.ReadFile(base2 + ext)
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between identical calls", ext)
		}
	}

	// Log axes drop non-positive points without failing; errors name the file.
	if _, err := Lines(filepath.Join(dir, "log"), LineSpec{Series: []Series{{X: []float64{0, 1, 10}, Y: []float64{1, 0, 100}}}, LogX: true, LogY: true}); err != nil {
		t.Errorf("log: %v", err)
	}
	if _, err := Lines(filepath.Join(dir, "bad"), LineSpec{Series: []Series{{X: []float64{1}, Y: nil}}}); err == nil || !strings.Contains(err.Error(), "bad") {
		t.Errorf("length mismatch: err = %v", err)
	}
}

// TestEmptyInputs: figures without data still render and write headers.
func TestEmptyInputs(t *testing.T) {
	dir := t.TempDir()
	if _, err := Lines(filepath.Join(dir, "l"), LineSpec{Title: "empty"}); err != nil {
		t.Errorf("Lines: %v", err)
	}
	if _, err := Histogram(filepath.Join(dir, "h"), HistSpec{Series: []HistSeries{{Name: "a"}}}); err != nil {
		t.Errorf("Histogram: %v", err)
	}
	// Log axes without any positive value fall back to [1, 10].
	if _, err := Lines(filepath.Join(dir, "lz"), LineSpec{Series: []Series{{X: []float64{1, 2}, Y: []float64{0, -1}}}, LogY: true}); err != nil {
		t.Errorf("Lines log without positive data: %v", err)
	}
	if _, err := Histogram(filepath.Join(dir, "hz"), HistSpec{Series: []HistSeries{{}}, LogY: true}); err != nil {
		t.Errorf("Histogram log without data: %v", err)
	}
	if _, err := Image(filepath.Join(dir, "i"), ImageSpec{Rows: 1, Cols: 2, Data: []float64{math.NaN(), math.NaN()}}); err != nil {
		t.Errorf("Image all NaN: %v", err)
	}
	if _, err := Raster(filepath.Join(dir, "r"), nil, nil, RasterSpec{}); err != nil {
		t.Errorf("Raster: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "r.tsv")); string(got) != "time\tid\n" {
		t.Errorf("empty raster TSV %q", got)
	}
	if _, err := Lines(filepath.Join(dir, "nodir", "x"), LineSpec{}); err == nil || !strings.Contains(err.Error(), "nodir") {
		t.Errorf("missing directory: err = %v", err)
	}
}

func TestHistogram(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "rates")
	a := []float64{0, 0.1, 0.2, 0.25, 0.5, 0.75, 0.99, 1, 1, math.NaN(), -3}
	b := []float64{0.3, 0.31, 0.32, 0.9, 2}
	spec := HistSpec{Title: "rates", XLabel: "r", YLabel: "density", Bins: 4, Range: &[2]float64{0, 1}, Density: true,
		Series: []HistSeries{{Name: "before", Values: a}, {Name: "after", Values: b}}}
	files, err := Histogram(base, spec)
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, files, base, ".png", ".svg", ".tsv")
	hdr, rows, err := store.ReadTSVRecords(base + ".tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(hdr, []string{"series", "bin_lo", "bin_hi", "count", "density"}) || len(rows) != 8 {
		t.Fatalf("header %v, %d rows", hdr, len(rows))
	}
	// Naive reference: bins [0,.25) [.25,.5) [.5,.75) [.75,1], NaN and
	// out-of-range values skipped.
	naive := func(vals []float64, lo, hi float64, last bool) (c int) {
		for _, v := range vals {
			if v >= lo && (v < hi || last && v == hi) {
				c++
			}
		}
		return c
	}
	for s, vals := range [][]float64{a, b} {
		inRange := naive(vals, 0, 1, true)
		for k := 0; k < 4; k++ {
			r := rows[4*s+k]
			lo, hi := float64(k)/4, float64(k+1)/4
			c := naive(vals, lo, hi, k == 3)
			if num(t, r[1]) != lo || num(t, r[2]) != hi || num(t, r[3]) != float64(c) {
				t.Errorf("series %d bin %d: %v, want [%g, %g) count %d", s, k, r, lo, hi, c)
			}
			if d := num(t, r[4]); math.Abs(d-float64(c)/(float64(inRange)*0.25)) > 1e-12 {
				t.Errorf("series %d bin %d: density %g", s, k, d)
			}
		}
	}
	// Hand count for series a: 0,0.1,0.2 | 0.25 | 0.5 | 0.75,0.99,1,1.
	if got := []string{rows[0][3], rows[1][3], rows[2][3], rows[3][3]}; !reflect.DeepEqual(got, []string{"3", "1", "1", "4"}) {
		t.Errorf("hand-checked counts: %v", got)
	}

	// Edge agreement on awkward decimal edges.
	edges := BinEdges(-0.3, 0.7, 10)
	for _, v := range []float64{-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.30000000000000004} {
		k := binIndex(edges, v)
		if !(edges[k] <= v && (v < edges[k+1] || k == 9 && v == edges[10])) {
			t.Errorf("binIndex(%v) = %d, edges %v", v, k, edges[k:k+2])
		}
	}
}

func TestImageAndRaster(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "W")
	data := []float64{1, 2, 3, 4, 5, math.NaN()}
	files, err := Image(base, ImageSpec{Title: "weights", Rows: 2, Cols: 3, Data: data, X0: 0, X1: 3, Y0: 0, Y1: 2, CLabel: "w"})
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, files, base, ".png", ".svg", ".npy", ".tsv")
	arr, err := store.ReadNPY(base + ".npy")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(arr.Shape, []int{2, 3}) || !reflect.DeepEqual(arr.Data[:5], data[:5]) || !math.IsNaN(arr.Data[5]) {
		t.Errorf("npy: %v %v", arr.Shape, arr.Data)
	}
	hdr, cols, err := store.ReadTSV(base + ".tsv")
	if err != nil {
		t.Fatal(err)
	}
	var got []float64
	for _, c := range cols {
		got = append(got, c...)
	}
	if !reflect.DeepEqual(hdr, []string{"rows", "cols", "x0", "x1", "y0", "y1", "vmin", "vmax"}) || !reflect.DeepEqual(got, []float64{2, 3, 0, 3, 0, 2, 1, 5}) {
		t.Errorf("tsv: %v %v", hdr, got)
	}

	// VMax saturates the colour range; the TSV records the range used.
	if _, err := Image(base+"v", ImageSpec{Rows: 2, Cols: 3, Data: data, VMax: 3}); err != nil {
		t.Fatal(err)
	}
	if _, cols, err := store.ReadTSV(base + "v.tsv"); err != nil || cols[7][0] != 3 {
		t.Errorf("VMax 3: tsv vmax %v (%v)", cols, err)
	}

	// Dot raster: the TSV lists exactly the spikes in the window.
	rb := filepath.Join(dir, "raster")
	times := []float64{0.5, 1.5, 2.5, 9}
	ids := []int32{0, 3, 1, 2}
	files, err = Raster(rb, times, ids, RasterSpec{T0: 0, T1: 3, XLabel: "t (s)", YLabel: "neuron"})
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, files, rb, ".png", ".svg", ".tsv")
	_, cols, err = store.ReadTSV(rb + ".tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cols[0], times[:3]) || !reflect.DeepEqual(cols[1], []float64{0, 3, 1}) {
		t.Errorf("raster tsv %v", cols)
	}

	// Binned raster: counts equal a naive count.
	bb := filepath.Join(dir, "binned")
	var bt []float64
	var bi []int32
	for k := 0; k < 200; k++ {
		bt = append(bt, float64(k%10)+0.5) // 20 spikes in each unit interval
		bi = append(bi, int32(k%4))
	}
	files, err = Raster(bb, bt, bi, RasterSpec{T0: 0, T1: 10, MaxDots: 100, Bins: 5, NIDs: 4})
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, files, bb, ".png", ".svg", ".npy", ".tsv")
	arr, err = store.ReadNPY(bb + ".npy")
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, 4*5)
	for k := range bt {
		want[int(bi[k])*5+int(bt[k]/2)]++
	}
	if !reflect.DeepEqual(arr.Shape, []int{4, 5}) || !reflect.DeepEqual(arr.Data, want) {
		t.Errorf("binned counts %v %v, want %v", arr.Shape, arr.Data, want)
	}
}
