package activityio

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/engramsim/engram/store"
)

// Fuzz targets for the activity readers (issue 13): whatever the bytes, Read
// returns activity or an error, never panics or hangs, and allocates at most
// a fixed multiple of the file's size plus the cells Options.MaxCells allows.
// Allocation is measured with runtime.MemStats.TotalAlloc, which counts
// every byte allocated including the garbage of slice growth (≈ 5× the final
// size for append's 1.25 growth) and per-line strings, so the bound is loose
// but linear. Run each for a while with .ci/fuzz.sh.

// fuzzMaxCells keeps spike binning and long tables small while fuzzing.
const fuzzMaxCells = 1 << 16

var fuzzKinds = []Kind{KindAuto, KindCounts, KindRaster, KindSpikes}

// fuzzRead writes b to a file with the given extension and reads it as kind.
func fuzzRead(t *testing.T, b []byte, ext string, kind Kind, rowsLayout bool) {
	p := filepath.Join(t.TempDir(), "in"+ext)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	o := &Options{Kind: kind, BinMs: 1, MaxCells: fuzzMaxCells, DtMs: 0.1, DurationMs: 100}
	if rowsLayout {
		o.Trials = TrialsRows
	}
	if kind == KindCounts || kind == KindRaster || kind == KindAuto {
		o.BinMs = 0
	}
	var act *Activity
	var err error
	n := allocatedBy(func() { act, err = Read(p, o) })
	if limit := uint64(128*len(b) + 4<<20 + 16*fuzzMaxCells); n > limit {
		t.Fatalf("%s as %s: %d-byte file allocated %d bytes (> %d)", ext, kind, len(b), n, limit)
	}
	if err != nil {
		return
	}
	if act.Trials() == 0 || act.Bins() == 0 {
		t.Fatalf("%s as %s: empty activity without an error: %+v", ext, kind, act)
	}
	for i, c := range act.Counts {
		if len(c) != act.Bins() {
			t.Fatalf("%s as %s: trial %d has %d bins, trial 0 has %d", ext, kind, i, len(c), act.Bins())
		}
		for j, v := range c {
			if v < 0 || v != v {
				t.Fatalf("%s as %s: trial %d bin %d = %v", ext, kind, i, j, v)
			}
		}
	}
}

func FuzzReadText(f *testing.F) {
	for _, s := range []string{
		"# comment\n\ntrial_a,trial_b\n1,0\n0,5\n3,0\n2,1\n",
		"1\t0\n0\t5\n",
		"1 0 1 0\n0 0 1 1\n",
		"bin,trial,count\n0,3,1\n2,3,3\n1,7,5\n",
		"t_ms,unit\n0.5,1\n0.7,2\n2.6,1\n",
		"1 0.0\n2 3.0\n",
		"trial,bin,count\n0,2000000000,1\n",
		"neuron,time\n1,0\n2,1e300\n",
	} {
		for k := range fuzzKinds {
			f.Add([]byte(s), uint8(k))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, sel uint8) {
		fuzzRead(t, b, ".csv", fuzzKinds[int(sel)%len(fuzzKinds)], sel&4 != 0)
	})
}

func FuzzReadArray(f *testing.F) {
	dir := f.TempDir()
	add := func(name string, data any, shape ...int) {
		p := filepath.Join(dir, name)
		if err := store.WriteNPY(p, data, shape...); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for k := range fuzzKinds {
			f.Add(b, uint8(k))
		}
	}
	add("c.npy", []float64{1, 0, 3, 2, 0, 5, 0, 1}, 2, 4)
	add("r.npy", []bool{true, false, true, true, true, false, false, false, false, false, true, true}, 2, 2, 3)
	add("s.npy", []int64{0, 1, 3, 2, 4, 1, 9, 0}, 4, 2)
	add("e.npy", []float64{}, 0, 3)
	f.Fuzz(func(t *testing.T, b []byte, sel uint8) {
		fuzzRead(t, b, ".npy", fuzzKinds[int(sel)%len(fuzzKinds)], false)
	})
}

func FuzzReadValues(f *testing.F) {
	for _, s := range []string{"1\n2\n3\n", "x,size\n1,10\n2,20\n", "3.5\n-1\nnan\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "v.txt")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		var err error
		n := allocatedBy(func() { _, err = ReadValues(p, &ValuesOptions{Column: "1", Positive: true}) })
		if limit := uint64(128*len(b) + 4<<20); n > limit {
			t.Fatalf("%d-byte file allocated %d bytes (err %v)", len(b), n, err)
		}
	})
}
