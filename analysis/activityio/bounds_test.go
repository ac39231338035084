package activityio

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/engramsim/engram/store"
)

// rawNPY writes a .npy with a hand-written header dict and data bytes
// (shapes that store.WriteNPY cannot produce from a slice).
func rawNPY(t *testing.T, dir, name, dict string, data []byte) string {
	t.Helper()
	hdr := dict + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
	b.WriteString(hdr)
	b.Write(data)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// allocatedBy returns the bytes allocated while fn runs (TotalAlloc counts
// every allocation, freed or not, so it bounds the peak from above).
func allocatedBy(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestZeroLengthAxis is the issue-13 regression for "a 128-byte .npy
// declaring a zero-length axis next to huge ones runs out of memory or
// grows for ever": (10¹², 0) made the old reader allocate 10¹² row slices,
// (10⁸, 10⁸, 0) as a raster 10⁸ trials of 10⁸ rows each. An empty array is
// an error from the header alone, and reading allocates next to nothing.
func TestZeroLengthAxis(t *testing.T) {
	dir := t.TempDir()
	const maxAlloc = 1 << 20 // the header, the file buffer and the message
	for _, c := range []struct {
		shape string
		kind  Kind
	}{
		{"(1000000000000, 0)", KindRaster}, {"(100000000, 100000000, 0)", KindRaster},
		{"(1000000000000, 0)", KindCounts}, {"(0, 1000000000000)", KindCounts}, {"(0,)", KindCounts},
	} {
		p := rawNPY(t, dir, "z.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': "+c.shape+", }", nil)
		if st, _ := os.Stat(p); st.Size() > 128 {
			t.Fatalf("test file is %d bytes", st.Size())
		}
		var err error
		if n := allocatedBy(func() { _, err = Read(p, &Options{Kind: c.kind}) }); n > maxAlloc {
			t.Errorf("%s %s: allocated %d bytes", c.kind, c.shape, n)
		}
		if err == nil || !strings.Contains(err.Error(), "empty array") || !strings.Contains(err.Error(), p) {
			t.Errorf("%s %s: err = %v, want an empty-array error naming the file", c.kind, c.shape, err)
		}
	}
}

// TestNegativeCounts is the issue-13 regression for "negative counts in
// analyze branching|timescale are accepted": counts are events per bin;
// every layout names the file and the position of the first negative value.
func TestNegativeCounts(t *testing.T) {
	dir := t.TempDir()
	npy := filepath.Join(dir, "neg.npy")
	store.WriteNPY(npy, []float64{1, 2, 3, 4, -5, 6}, 2, 3)
	cases := []struct {
		file string
		opts *Options
		want string
	}{
		{npy, nil, "neg.npy: count [1, 1] is negative (-5)"},
		{writeFile(t, dir, "wide.csv", "a,b\n1,2\n3,-4\n"), nil, `wide.csv: line 3, column 2 ("b"): count -4 is negative`},
		{writeFile(t, dir, "rows.txt", "1 2 3\n4 5 -0.5\n"), &Options{Trials: TrialsRows}, "rows.txt: line 2, column 3: count -0.5 is negative"},
		{writeFile(t, dir, "long.csv", "trial,bin,count\n0,0,1\n0,1,-2\n"), nil, `long.csv: line 3, column 3 ("count"): count -2 is negative`},
	}
	for _, c := range cases {
		if _, err := Read(c.file, c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", filepath.Base(c.file), err, c.want)
		}
	}
}

// TestTrialsRows is the issue-13 regression for "text count files are read
// one column per trial with no way to say one row per trial": the same 8 ×
// 100 000 matrix as a .npy (trials × bins) and as a CSV with one row per
// trial give identical counts with TrialsRows; read by columns, the CSV
// yields 10⁵ trials of 8 bins and a hint naming the option.
func TestTrialsRows(t *testing.T) {
	dir := t.TempDir()
	const trials, bins = 8, 100000
	flat := make([]float64, trials*bins)
	var b strings.Builder
	for i := range trials {
		for j := range bins {
			v := float64((i*7 + j*13) % 11)
			flat[i*bins+j] = v
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(store.FormatFloat(v))
		}
		b.WriteByte('\n')
	}
	csv := writeFile(t, dir, "trials.csv", b.String())
	npy := filepath.Join(dir, "trials.npy")
	if err := store.WriteNPY(npy, flat, trials, bins); err != nil {
		t.Fatal(err)
	}
	want, err := Read(npy, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Read(csv, &Options{Trials: TrialsRows})
	if err != nil {
		t.Fatal(err)
	}
	if got.Trials() != trials || got.Bins() != bins || got.Hint != "" {
		t.Fatalf("rows: %d trials × %d bins (hint %q), want %d × %d", got.Trials(), got.Bins(), got.Hint, trials, bins)
	}
	for i := range want.Counts {
		if !slices.Equal(got.Counts[i], want.Counts[i]) {
			t.Fatalf("trial %d differs from the .npy", i)
		}
	}
	cols, err := Read(csv, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cols.Trials() != bins || cols.Bins() != trials || !strings.Contains(cols.Hint, "--trials rows") {
		t.Errorf("columns: %d trials × %d bins, hint %q", cols.Trials(), cols.Bins(), cols.Hint)
	}
	// The option is refused where it has no meaning.
	for _, f := range []string{npy, writeFile(t, dir, "long.csv", "trial,bin,count\n0,0,1\n")} {
		if _, err := Read(f, &Options{Trials: TrialsColumns}); err == nil || !strings.Contains(err.Error(), "applies only to wide text tables") {
			t.Errorf("%s with a trial layout: %v", filepath.Base(f), err)
		}
	}
	if _, err := ParseTrials("diagonal"); err == nil {
		t.Error("ParseTrials accepted diagonal")
	}
}

// TestOpenedOnce: Open reads only the header (the layout of an 8 GB sparse
// file is known at once) and Read reads from the descriptor Open made — the
// path can be gone by then. (The old reader opened a file up to three
// times: to detect the kind, to read it, and for .npz once more per member.)
func TestOpenedOnce(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.npy")
	store.WriteNPY(p, []float64{1, 0, 3, 2, 0, 5}, 2, 3)
	in, err := Open(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l := in.Layout(); l.Kind != KindCounts || !l.Exact || l.Trials != 2 || l.Bins != 3 || l.Values != 6 || l.ReadBytes < 48 {
		t.Errorf("layout %+v", l)
	}
	os.Remove(p)
	act, err := in.Read()
	in.Close()
	if err != nil || !slices.Equal(act.Counts[1], []float64{2, 0, 5}) {
		t.Fatalf("read after remove: %+v, %v", act, err)
	}
	// 2^30 float64 declared, file extended sparsely to the 8 GiB they need.
	big := rawNPY(t, dir, "big.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (1073741824,), }", nil)
	st, _ := os.Stat(big)
	if err := os.Truncate(big, st.Size()+8<<30); err != nil {
		t.Skip("cannot create a sparse file:", err)
	}
	start := time.Now()
	in, err = Open(big, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if l := in.Layout(); l.Values != 1<<30 || l.ReadBytes < 8<<30 || time.Since(start) > 2*time.Second {
		t.Errorf("sparse 8 GiB: layout %+v after %v", l, time.Since(start))
	}
}

// TestNonRegularInput: a FIFO (and a directory without rec/) is refused
// at once instead of blocking in open(2).
func TestNonRegularInput(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "counts.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	t.Cleanup(func() { // unblock a reader that did block
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	done := make(chan error, 1)
	go func() { _, err := Read(fifo, nil); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "named pipe") || !strings.Contains(err.Error(), fifo) {
			t.Errorf("FIFO: err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read of a FIFO blocked")
	}
}

// TestCellLimit: the two inputs whose counts are not bounded by the file's
// size — spike times binned finely and a sparse long table naming a huge
// bin — obey Options.MaxCells.
func TestCellLimit(t *testing.T) {
	dir := t.TempDir()
	long := writeFile(t, dir, "long.csv", "trial,bin,count\n0,0,1\n0,2000000000,1\n")
	if _, err := Read(long, &Options{MaxCells: 1e6}); err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "memory budget") {
		t.Errorf("long table with bin 2e9: %v", err)
	}
	sp := writeFile(t, dir, "sp.csv", "neuron,time\n1,0\n2,1e9\n")
	if _, err := Read(sp, &Options{BinMs: 0.001, MaxCells: 1e6}); err == nil || !strings.Contains(err.Error(), "sp.csv") || !strings.Contains(err.Error(), "--bin-ms") {
		t.Errorf("1e12 spike bins: %v", err)
	}
	if act, err := Read(sp, &Options{BinMs: 1e8, MaxCells: 1e6}); err != nil || act.Bins() != 11 {
		t.Errorf("11 spike bins: %v", err)
	}
}
