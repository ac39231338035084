package store

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within runs fn and fails if it has not returned after d (the readers
// must never block); it returns fn's error.
func within(t *testing.T, d time.Duration, what string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("%s did not return within %v (blocked)", what, d)
		return nil
	}
}

// TestReadersRefuseNonRegular is the issue-13 regression for "a FIFO as
// input hangs and ignores SIGINT": opening a FIFO for reading blocks until a
// writer appears, so every reader must refuse it (and devices, directories)
// without blocking, with an error naming the path and what it is.
func TestReadersRefuseNonRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "in.npy")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	// If a reader does block, a writer unblocks it so the test can end.
	t.Cleanup(func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	readers := map[string]func(string) error{
		"ReadNPY":        func(p string) error { _, err := ReadNPY(p); return err },
		"ReadNPZ":        func(p string) error { _, _, err := ReadNPZ(p); return err },
		"ReadTSV":        func(p string) error { _, _, err := ReadTSV(p); return err },
		"ReadTSVRecords": func(p string) error { _, _, err := ReadTSVRecords(p); return err },
	}
	inputs := map[string]string{fifo: "named pipe", dir: "directory"}
	if st, err := os.Stat("/dev/zero"); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		inputs["/dev/zero"] = "character device"
	}
	for name, read := range readers {
		for path, what := range inputs {
			err := within(t, 5*time.Second, name+"("+path+")", func() error { return read(path) })
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), what) {
				t.Errorf("%s(%s): err = %v; want it to name the path and say %q", name, path, err, what)
			}
		}
	}
}

// TestNPYHeaderBounds: declared sizes larger than the file are refused from
// the header alone, and nesting in the header literal is bounded (each
// level of "((((…" was a recursive call: a 1 MB header could nest 10⁶ deep).
func TestNPYHeaderBounds(t *testing.T) {
	dir := t.TempDir()
	long := handNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", make([]byte, 8))
	binary.LittleEndian.PutUint16(long[8:], 60000) // header length beyond the file
	deep := handNPY(2, "{'descr': '<f8', 'fortran_order': False, 'shape': "+strings.Repeat("(", 100000)+"1,)}", nil)
	cases := map[string]struct {
		data []byte
		want string
	}{
		"hlen.npy": {long, "exceeds the file"},
		"deep.npy": {deep, "nesting deeper than"},
		"huge.npy": {handNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }", nil), "needs 8000000000000 bytes of data, file has 0"},
	}
	for name, c := range cases {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadNPY(p); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v, want %q and the path", name, err, c.want)
		}
	}
	// A zero-length axis next to huge ones is a valid empty array: 0
	// elements, no data, nothing allocated beyond the shape.
	p := filepath.Join(dir, "empty.npy")
	os.WriteFile(p, handNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000, 100000000, 0), }", nil), 0o644)
	if a, err := ReadNPY(p); err != nil || a.Len() != 0 || len(a.Data) != 0 {
		t.Errorf("(1e8, 1e8, 0): %+v, %v; want an empty array", a, err)
	}
}

// deflated returns raw deflate data of b.
func deflated(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// TestNPZSizeBounds: an .npz member's declared uncompressed size is what
// the reader allocates, so it must be possible for the member's method
// (deflate expands at most 1032:1; stored members not at all), and members
// must not overlap (one stream counted many times). The legitimate extreme
// — 2^22 zeros deflated ~1000:1 — is read.
func TestNPZSizeBounds(t *testing.T) {
	dir := t.TempDir()
	raw := func(name string, entries ...func(*zip.Writer)) string {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, e := range entries {
			e(zw)
		}
		zw.Close()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	member := func(name string, method uint16, payload []byte, declared uint64) func(*zip.Writer) {
		return func(zw *zip.Writer) {
			data := payload
			if method == zip.Deflate {
				data = deflated(t, payload)
			}
			w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: method, CRC32: crc32.ChecksumIEEE(payload),
				CompressedSize64: uint64(len(data)), UncompressedSize64: declared})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(data)
		}
	}
	zeros := append(npyHeader("<f8", []int{1 << 22}), make([]byte, 8<<22)...)
	small := append(npyHeader("<f8", []int{2}), make([]byte, 16)...)
	// A member whose header says (10⁹,) and whose zip entry claims the 8 GB
	// that needs, holding 64 KiB: the old reader trusted the entry and
	// allocated 8 GB before finding the data short.
	liar := append(npyHeader("<f8", []int{1e9}), make([]byte, 64<<10)...)
	const maxAlloc = 16 << 20 // far above what reading the header costs, far below 8 GB
	cases := []struct {
		path, want string
	}{
		{raw("liar.npz", member("a.npy", zip.Deflate, liar, 8e9+uint64(len(liar)-64<<10))), "more than deflate can expand"},
		{raw("stored.npz", member("a.npy", zip.Store, small, 1<<40)), "stored member declares"},
	}
	for _, c := range cases {
		var err error
		if n := allocatedBy(func() { _, _, err = ReadNPZ(c.path) }); n > maxAlloc {
			t.Errorf("%s: allocated %d bytes (> %d)", c.path, n, maxAlloc)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: err = %v, want %q", c.path, err, c.want)
		}
	}
	ok := raw("zeros.npz", member("z.npy", zip.Deflate, zeros, uint64(len(zeros))))
	st, _ := os.Stat(ok)
	if arrs, _, err := ReadNPZ(ok); err != nil || arrs["z"].Len() != 1<<22 {
		t.Errorf("2^22 deflated zeros (%d bytes): %v", st.Size(), err)
	}

	// Overlap: copy member a's central-directory entry onto member b's, so
	// both point at the same local header and data.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range []string{"a.npy", "b.npy"} {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
		w.Write(small)
	}
	zw.Close()
	b := buf.Bytes()
	cd := bytes.Index(b, []byte("PK\x01\x02"))
	second := cd + bytes.Index(b[cd+4:], []byte("PK\x01\x02")) + 4
	copy(b[second+42:second+46], b[cd+42:cd+46]) // relative offset of the local header
	p := filepath.Join(dir, "overlap.npz")
	os.WriteFile(p, b, 0o644)
	if _, _, err := ReadNPZ(p); err == nil || !strings.Contains(err.Error(), "overlap") {
		t.Errorf("overlapping members: err = %v", err)
	}
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
