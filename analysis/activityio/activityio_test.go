package activityio

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/engramsim/engram/store"
)

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadCountsLayouts(t *testing.T) {
	dir := t.TempDir()
	want := [][]float64{{1, 0, 3, 2}, {0, 5, 0, 1}}
	cases := map[string]string{
		"wide.csv":    "# comment\n\ntrial_a,trial_b\n1,0\n0,5\n3,0\n2,1\n",
		"wide.tsv":    "1\t0\n0\t5\n3\t0\n2\t1\n",
		"wide.txt":    "1 0\n0   5\n3 0\n2 1\n",
		"long.csv":    "bin,trial,count,extra\n0,3,1,9\n2,3,3,9\n3,3,2,9\n1,7,5,9\n3,7,1,9\n", // absent pairs count 0; trials sorted by number
		"crlf.csv":    "a,b\r\n1,0\r\n0,5\r\n3,0\r\n2,1\r\n",
		"spaces.csv":  " 1 , 0\n0 ,5\n3, 0\n2,1\n",
		"header1.csv": "TRIAL,Bin,COUNT\n0,0,1\n0,2,3\n0,3,2\n1,1,5\n1,3,1\n",
	}
	for name, text := range cases {
		p := writeFile(t, dir, name, text)
		act, err := Read(p, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if act.Kind != KindCounts || act.Trials() != 2 || act.Bins() != 4 {
			t.Fatalf("%s: %+v", name, act)
		}
		for i := range want {
			if !slices.Equal(act.Counts[i], want[i]) {
				t.Errorf("%s: trial %d = %v, want %v", name, i, act.Counts[i], want[i])
			}
		}
	}
	// .npy 2-D and 1-D, .npz member.
	flat := []float64{1, 0, 3, 2, 0, 5, 0, 1}
	p := filepath.Join(dir, "c.npy")
	if err := store.WriteNPY(p, flat, 2, 4); err != nil {
		t.Fatal(err)
	}
	act, err := Read(p, &Options{BinMs: 2.5})
	if err != nil || !slices.Equal(act.Counts[1], want[1]) || act.BinMs != 2.5 {
		t.Fatalf("npy: %+v %v", act, err)
	}
	p1 := filepath.Join(dir, "one.npy")
	store.WriteNPY(p1, []int32{4, 5, 6})
	if act, err := Read(p1, nil); err != nil || act.Trials() != 1 || act.Bins() != 3 {
		t.Fatalf("1-D npy: %+v %v", act, err)
	}
	pz := filepath.Join(dir, "c.npz")
	store.WriteNPZ(pz, store.NamedArray{Name: "a", Data: flat, Shape: []int{2, 4}}, store.NamedArray{Name: "b", Data: []float64{1}})
	if act, err := Read(pz, &Options{Array: "a"}); err != nil || !slices.Equal(act.Counts[0], want[0]) {
		t.Fatalf("npz: %+v %v", act, err)
	}
	if _, err := Read(pz, nil); err == nil || !strings.Contains(err.Error(), "a, b") {
		t.Errorf("npz without --array: %v", err)
	}
}

func TestReadRaster(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "r.txt", "1 0 1 0\n0 0 1 1\n1 1 1 0\n")
	act, err := Read(p, &Options{Kind: KindRaster})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(act.Counts[0], []float64{2, 1, 3, 1}) || act.Neurons != 3 {
		t.Errorf("raster counts %v, neurons %d", act.Counts, act.Neurons)
	}
	// 3-D: 2 trials × 2 neurons × 3 bins, boolean.
	p3 := filepath.Join(dir, "r.npy")
	store.WriteNPY(p3, []bool{true, false, true, true, true, false, false, false, false, false, true, true}, 2, 2, 3)
	act, err = Read(p3, &Options{Kind: KindRaster})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(act.Counts[0], []float64{2, 1, 1}) || !slices.Equal(act.Counts[1], []float64{0, 1, 1}) {
		t.Errorf("3-D raster counts %v", act.Counts)
	}
	if _, err := Read(writeFile(t, dir, "neg.txt", "1 0\n0 -1\n"), &Options{Kind: KindRaster}); err == nil || !strings.Contains(err.Error(), "line 2, column 2") {
		t.Errorf("negative raster entry: %v", err)
	}
}

func TestReadSpikes(t *testing.T) {
	dir := t.TempDir()
	// Header in another order, time in ms: bins of 1 ms from the first spike (0.5).
	p := writeFile(t, dir, "s.csv", "t_ms,unit\n0.5,1\n0.7,2\n2.6,1\n1.9,3\n")
	act, err := Read(p, &Options{BinMs: 1})
	if err != nil {
		t.Fatal(err)
	}
	// [0.5,1.5): 2; [1.5,2.5): 1; [2.5,3.5): 1
	if act.Kind != KindSpikes || !slices.Equal(act.Counts[0], []float64{2, 1, 1}) || act.Neurons != 3 || act.Spikes != 4 {
		t.Errorf("spikes: %+v", act)
	}
	start := 0.0
	act, _ = Read(p, &Options{BinMs: 1, StartMs: &start})
	if !slices.Equal(act.Counts[0], []float64{2, 1, 1}) {
		t.Errorf("start 0: %v", act.Counts[0])
	}
	// Headerless: neuron, time; forced kind.
	p2 := writeFile(t, dir, "s2.txt", "1 0.0\n2 3.0\n")
	act, err = Read(p2, &Options{Kind: KindSpikes, BinMeanIEI: true})
	if err != nil {
		t.Fatal(err)
	}
	if act.BinMs != 3 || act.Spikes != 2 {
		t.Errorf("mean IEI: %+v", act)
	}
	// engram recording with dt from config.resolved.toml: steps 0, 3, 4, 9 at dt 0.5 ms, duration 10 ms.
	run := filepath.Join(dir, "run")
	os.MkdirAll(filepath.Join(run, "rec"), 0o755)
	writeFile(t, run, "config.resolved.toml", "[network]\ndt_ms = 0.5\n[run]\nduration_ms = 10\n")
	store.WriteNPY(filepath.Join(run, "rec", "spikes.npy"), []int64{0, 1, 3, 2, 4, 1, 9, 0}, 4, 2)
	for _, in := range []string{run, filepath.Join(run, "rec", "spikes.npy")} {
		act, err = Read(in, &Options{BinMs: 2})
		if err != nil {
			t.Fatal(err)
		}
		// times 0, 1.5, 2, 4.5 ms over [0, 10): bins of 2 ms → 2, 1, 1, 0, 0
		if !slices.Equal(act.Counts[0], []float64{2, 1, 1, 0, 0}) || act.Neurons != 3 {
			t.Errorf("%s: %v (neurons %d)", in, act.Counts[0], act.Neurons)
		}
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	nan := filepath.Join(dir, "nan.npy")
	store.WriteNPY(nan, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0.0 / zero()}, 3, 4)
	cases := []struct {
		file string
		opts *Options
		want string
	}{
		{writeFile(t, dir, "rag.csv", "1,2\n3\n"), nil, "rag.csv: line 2 has 1 fields, expected 2"},
		{writeFile(t, dir, "txt.csv", "a,b\n1,2\n3,zz\n"), nil, `txt.csv: line 3, column 2 ("b"): cannot parse "zz"`},
		{writeFile(t, dir, "inf.tsv", "1\t2\n3\tinf\n"), nil, "inf.tsv: line 2, column 2: value +Inf is not finite"},
		{writeFile(t, dir, "dup.csv", "trial,bin,count\n0,1,2\n0,1,3\n"), nil, "dup.csv: line 3 repeats trial 0, bin 1 of line 2"},
		{writeFile(t, dir, "frac.csv", "trial,bin,count\n0,1.5,2\n"), nil, `frac.csv: line 2, column 2 ("bin"): bin 1.5 must be an integer`},
		{writeFile(t, dir, "empty.csv", "# nothing\n"), nil, "empty.csv: no data rows"},
		{nan, nil, "nan.npy: element [2, 3] is NaN"},
		{writeFile(t, dir, "one.csv", "neuron,time\n1,2\n"), &Options{BinMs: 1}, "one.csv: 1 spikes; need at least 2"},
		{writeFile(t, dir, "c.csv", "1\n2\n"), &Options{BinMeanIEI: true}, "mean-IEI binning needs spike times"},
		{filepath.Join(dir, "absent.npy"), nil, "absent.npy"},
	}
	for _, c := range cases {
		_, err := Read(c.file, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", filepath.Base(c.file), err, c.want)
		}
	}
	if _, err := ReadValues(writeFile(t, dir, "v.txt", "1\n2\n-3\n"), &ValuesOptions{Positive: true}); err == nil || !strings.Contains(err.Error(), "v.txt: line 3, column 1: value -3 is not positive") {
		t.Errorf("ReadValues: %v", err)
	}
	if v, err := ReadValues(writeFile(t, dir, "t.csv", "x,size\n1,10\n2,20\n"), &ValuesOptions{Column: "size"}); err != nil || !slices.Equal(v, []float64{10, 20}) {
		t.Errorf("ReadValues column: %v %v", v, err)
	}
	if v, err := ReadValues(filepath.Join(dir, "t.csv"), &ValuesOptions{Column: "1"}); err != nil || !slices.Equal(v, []float64{1, 2}) {
		t.Errorf("ReadValues column index: %v %v", v, err)
	}
}

func zero() float64 { return 0 }

func ExampleRead() {
	dir, _ := os.MkdirTemp("", "activityio")
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "spikes.csv")
	os.WriteFile(p, []byte("neuron,time_ms\n0,0.2\n1,0.9\n0,3.1\n2,3.5\n1,7.9\n"), 0o644)
	act, err := Read(p, &Options{BinMs: 2, StartMs: new(float64)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(act.Kind, act.Counts, act.BinMs, act.Neurons)
	// Output: spikes [[2 2 0 1]] 2 3
}
