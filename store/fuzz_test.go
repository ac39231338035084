package store

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Fuzz targets for the readers (issue 13): no input may panic, hang or
// allocate more than a fixed multiple of its own size. The allocation is
// measured with runtime.MemStats.TotalAlloc around the call, which counts
// every byte allocated (freed or not) and so bounds the peak from above.
// Run each for a while with .ci/fuzz.sh.

// npySeeds are small valid and edge-case .npy streams.
func npySeeds() [][]byte {
	return [][]byte{
		append(npyHeader("<f8", []int{3}), make([]byte, 24)...),
		append(npyHeader("<i4", []int{2, 2}), make([]byte, 16)...),
		append(npyHeader("|b1", []int{4}), 0, 1, 1, 0),
		append(npyHeader("|S3", nil), "csr"...),
		handNPY(2, "{'descr': '>u2', 'fortran_order': False, 'shape': (1,), }", []byte{0, 7}),
		handNPY(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000000, 100000000, 0), }", nil),
		handNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }", make([]byte, 8)),
	}
}

func FuzzDecodeNPY(f *testing.F) {
	for _, s := range npySeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a *Array
		var err error
		n := allocatedBy(func() { a, err = decodeNPY(bytes.NewReader(b), int64(len(b))) })
		// 64 bytes per input byte covers the float64 data (8 per byte at
		// most), byte strings (string header + bytes) and the header's
		// parsed literal; 1 MiB covers the fixed chunk buffers.
		if limit := uint64(64*len(b) + 1<<20); n > limit {
			t.Fatalf("%d-byte input allocated %d bytes (> %d)", len(b), n, limit)
		}
		if err != nil {
			return
		}
		if a.Data == nil && a.Strings == nil && a.Len() != 0 {
			t.Fatalf("no data for %d elements", a.Len())
		}
		if a.Data != nil && len(a.Data) != a.Len() || a.Strings != nil && len(a.Strings) != a.Len() {
			t.Fatalf("shape %v (%d elements) but %d values / %d strings", a.Shape, a.Len(), len(a.Data), len(a.Strings))
		}
	})
}

func FuzzReadNPZ(f *testing.F) {
	dir := f.TempDir()
	p := filepath.Join(dir, "a.npz")
	if err := WriteNPZ(p, NamedArray{Name: "x", Data: []float64{1, 2, 3}}, NamedArray{Name: "m", Data: []int32{1, 2, 3, 4}, Shape: []int{2, 2}}); err != nil {
		f.Fatal(err)
	}
	if b, err := os.ReadFile(p); err == nil {
		f.Add(b)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "z.npy", Method: zip.Deflate})
	w.Write(append(npyHeader("<f8", []int{4096}), make([]byte, 8*4096)...))
	zw.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		n := allocatedBy(func() {
			z, err := openNPZ(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				return
			}
			for _, name := range z.Names {
				if a, err := z.read(name); err == nil && a.Data != nil && len(a.Data) != a.Len() {
					t.Fatalf("member %s: shape %v but %d values", name, a.Shape, len(a.Data))
				}
			}
		})
		// Deflate expands at most 1032:1 and every element becomes 8 bytes;
		// 4 MiB covers the zip and flate readers' fixed state.
		if limit := uint64(8*maxDeflateRatio*len(b) + 4<<20); n > limit {
			t.Fatalf("%d-byte archive allocated %d bytes (> %d)", len(b), n, limit)
		}
	})
}

func FuzzReadTSV(f *testing.F) {
	for _, s := range []string{
		"a\tb\n1\t2\n3\tnan\n",
		"# comment\n\nx\n-inf\n1e308\n",
		"a\tb\r\n1\t2\r\n",
		"h\n\t\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n := allocatedBy(func() {
			h, cols, err := readTSVFrom(bytes.NewReader(b), "fuzz.tsv")
			if err == nil {
				for j, c := range cols {
					if len(c) != len(cols[0]) {
						t.Fatalf("column %d (%q) has %d rows, column 0 has %d", j, h[j], len(c), len(cols[0]))
					}
				}
			}
			_, _ = scanTSVFrom(bytes.NewReader(b), "fuzz.tsv", func(int, []string, []string) error { return nil })
		})
		// Fields as strings (header 16 bytes + data) and floats (8 bytes,
		// doubled by append) per 2 input bytes; 1 MiB covers the scanner's
		// initial 64 KiB buffer and its growth.
		if limit := uint64(64*len(b) + 1<<20); n > limit {
			t.Fatalf("%d-byte input allocated %d bytes (> %d)", len(b), n, limit)
		}
	})
}
