package store

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestWriteNPYBytes pins the exact bytes of a tiny file, computed by hand
// from the NPY format spec (numpy/lib/format.py) and checked against
// numpy 1.24: np.save(f, np.array([1.0, 2.0, 3.0])).
func TestWriteNPYBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npy")
	if err := WriteNPY(path, []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// dict: "{'descr': '<f8', " (17) + "'fortran_order': False, " (24)
	// + "'shape': (3,), " (15) + "}" (1) = 57 bytes.
	dict := "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"
	if len(dict) != 57 {
		t.Fatalf("hand count of dict wrong: %d", len(dict))
	}
	// numpy appends 21-len("3") = 20 growth spaces; with '\n' HEADER_LEN
	// would be 57+20+1 = 78; 6 (magic) + 2 (version) + 2 (length) + 78 = 88,
	// next multiple of 64 is 128, so 40 more pad spaces: HEADER_LEN =
	// 118 = 0x76, and the data starts at byte 128.
	var want []byte
	want = append(want, "\x93NUMPY\x01\x00\x76\x00"...)
	want = append(want, dict...)
	want = append(want, strings.Repeat(" ", 60)...)
	want = append(want, '\n')
	// IEEE-754 little-endian: 1.0 = 0x3FF0..., 2.0 = 0x4000..., 3.0 = 0x4008...
	want = append(want, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f)
	want = append(want, 0, 0, 0, 0, 0, 0, 0x00, 0x40)
	want = append(want, 0, 0, 0, 0, 0, 0, 0x08, 0x40)
	if len(want) != 128+24 {
		t.Fatalf("hand-built file has %d bytes", len(want))
	}
	if !bytes.Equal(got, want) {
		t.Errorf("bytes differ:\n got %q\nwant %q", got, want)
	}
}

func TestNPYRoundTripAllDTypes(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name  string
		data  any
		shape []int
		descr string
		want  []float64
	}{
		{"f4", []float32{1.5, -2, float32(math.Inf(1)), 1e-40}, []int{2, 2}, "<f4", []float64{1.5, -2, math.Inf(1), float64(float32(1e-40))}},
		{"f8", []float64{0.1, -0, math.MaxFloat64, 5e-324, 7}, nil, "<f8", []float64{0.1, 0, math.MaxFloat64, 5e-324, 7}},
		{"i4", []int32{math.MinInt32, -1, 0, math.MaxInt32, 3, 4}, []int{3, 1, 2}, "<i4", []float64{math.MinInt32, -1, 0, math.MaxInt32, 3, 4}},
		{"i8", []int64{-1 << 53, 1 << 53, 42}, nil, "<i8", []float64{-1 << 53, 1 << 53, 42}},
		{"u1", []uint8{0, 255, 7}, []int{3}, "|u1", []float64{0, 255, 7}},
		{"b1", []bool{true, false, true, true}, []int{4, 1}, "|b1", []float64{1, 0, 1, 1}},
		{"empty", []float64{}, []int{0, 5}, "<f8", []float64{}},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name+".npy")
		if err := WriteNPY(path, c.data, c.shape...); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		a, err := ReadNPY(path)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		wantShape := c.shape
		if wantShape == nil {
			wantShape = []int{len(c.want)}
		}
		if !reflect.DeepEqual(a.Shape, wantShape) || a.DType != c.descr || !reflect.DeepEqual(a.Data, c.want) {
			t.Errorf("%s: got shape %v dtype %s data %v; want %v %s %v", c.name, a.Shape, a.DType, a.Data, wantShape, c.descr, c.want)
		}
		if a.Len() != len(c.want) || a.Dim(0) != wantShape[0] {
			t.Errorf("%s: Len %d Dim(0) %d", c.name, a.Len(), a.Dim(0))
		}
	}
	if err := WriteNPY(filepath.Join(dir, "bad.npy"), []float64{1, 2, 3}, 2, 2); err == nil || !strings.Contains(err.Error(), "bad.npy") {
		t.Errorf("shape mismatch: err = %v, want error naming bad.npy", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.npy")); !os.IsNotExist(err) {
		t.Errorf("failed write left a file: %v", err)
	}
}

// handNPY builds a .npy file from a raw header dict and data bytes, with
// the given major version, for testing the reader on files this package
// does not write.
func handNPY(major byte, dict string, data []byte) []byte {
	var b []byte
	b = append(b, "\x93NUMPY"...)
	b = append(b, major, 0)
	hdr := dict + "\n"
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(hdr)))
	}
	b = append(b, hdr...)
	return append(b, data...)
}

func TestReadNPYForeign(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name  string
		file  []byte
		shape []int
		want  []float64
	}{
		// big-endian int16: 0x0102 = 258, 0xFFFE = -2
		{"be_i2", handNPY(1, "{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }", []byte{1, 2, 0xff, 0xfe}), []int{2}, []float64{258, -2}},
		// big-endian float32 1.0 = 0x3F800000; version 2.0 header
		{"v2_be_f4", handNPY(2, "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }", []byte{0x3f, 0x80, 0, 0}), []int{1, 1}, []float64{1}},
		// version 3.0, little-endian uint16 0x0100 = 256 and uint32, int8
		{"v3_u2", handNPY(3, "{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }", []byte{0, 1}), []int{1}, []float64{256}},
		{"u4", handNPY(1, "{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }", []byte{0xff, 0xff, 0xff, 0xff}), []int{1}, []float64{4294967295}},
		{"u8", handNPY(1, "{'descr': '>u8', 'fortran_order': False, 'shape': (1,), }", []byte{0, 0, 0, 0, 0, 0, 1, 0}), []int{1}, []float64{256}},
		{"i1", handNPY(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", []byte{0x80, 0x7f}), []int{2}, []float64{-128, 127}},
		// 0-d array, key order shuffled, Python 2 long suffix
		{"scalar", handNPY(1, "{'shape': (), 'fortran_order': False, 'descr': '<i8'}", []byte{5, 0, 0, 0, 0, 0, 0, 0}), []int{}, []float64{5}},
		{"py2", handNPY(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (1L, 2L), }", []byte{1, 0, 0, 0, 2, 0, 0, 0}), []int{1, 2}, []float64{1, 2}},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name+".npy")
		if err := os.WriteFile(path, c.file, 0o644); err != nil {
			t.Fatal(err)
		}
		a, err := ReadNPY(path)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(a.Shape, c.shape) || !reflect.DeepEqual(a.Data, c.want) {
			t.Errorf("%s: got %v %v, want %v %v", c.name, a.Shape, a.Data, c.shape, c.want)
		}
	}
}

func TestReadNPYErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, file, wantMsg string
	}{
		{"fortran", string(handNPY(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }", make([]byte, 8))), "fortran_order=True"},
		{"struct", string(handNPY(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", make([]byte, 8))), "structured"},
		{"dtype", string(handNPY(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", make([]byte, 16))), "unsupported dtype"},
		{"short", string(handNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", make([]byte, 8))), "needs 32 bytes"},
		{"magic", "PK\x03\x04 not npy", "bad magic"},
		{"garbage", string(handNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,) ", make([]byte, 8))), "header"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name+".npy")
		if err := os.WriteFile(path, []byte(c.file), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadNPY(path)
		if err == nil || !strings.Contains(err.Error(), c.wantMsg) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v; want it to mention %q and the path", c.name, err, c.wantMsg)
		}
	}
	if _, err := ReadNPY(filepath.Join(dir, "missing.npy")); err == nil || !strings.Contains(err.Error(), "missing.npy") {
		t.Errorf("missing file: err = %v", err)
	}
}

// TestWriteNPYVersion2 forces a header above 65535 bytes (format 1.0's
// 16-bit length field) with a 25 000-dimensional shape of ones; numpy
// itself cannot load it (ndim <= 64), so only our reader checks it.
func TestWriteNPYVersion2(t *testing.T) {
	shape := make([]int, 25000)
	for i := range shape {
		shape[i] = 1
	}
	path := filepath.Join(t.TempDir(), "v2.npy")
	if err := WriteNPY(path, []int32{42}, shape...); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	hlen := int(binary.LittleEndian.Uint32(b[8:12]))
	if b[6] != 2 || b[7] != 0 || (12+hlen)%64 != 0 || b[12+hlen-1] != '\n' || hlen <= math.MaxUint16 {
		t.Fatalf("version %d.%d, header length %d", b[6], b[7], hlen)
	}
	a, err := ReadNPY(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Shape) != 25000 || !reflect.DeepEqual(a.Data, []float64{42}) {
		t.Errorf("got %d dims, data %v", len(a.Shape), a.Data)
	}
}

func TestNPYWriterStream(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rec.npy")
	w, err := NewNPYWriter(path, Float32, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	var all []float32
	for r := 0; r < 11; r++ { // 11: two digits, so the patch changes the dict length
		row := make([]float32, 6)
		for i := range row {
			row[i] = float32(r*10+i) + 0.25
		}
		all = append(all, row...)
		if err := w.WriteFloat32(row); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("target exists before Close: %v", err)
	}
	if w.Rows() != 11 {
		t.Errorf("Rows = %d", w.Rows())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// The streamed file must be byte-identical to a one-shot write of the
	// same array (both follow numpy's header layout).
	ref := filepath.Join(dir, "ref.npy")
	if err := WriteNPY(ref, all, 11, 2, 3); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want, _ := os.ReadFile(ref)
	if !bytes.Equal(got, want) {
		t.Errorf("streamed file differs from one-shot file:\n%q\n%q", got[:128], want[:128])
	}
	if !bytes.Contains(got[:128], []byte("'shape': (11, 2, 3), }")) {
		t.Errorf("header not patched: %q", got[:128])
	}

	// Conversions and range checks.
	p2 := filepath.Join(dir, "ints.npy")
	wi, err := NewNPYWriter(p2, Uint8)
	if err != nil {
		t.Fatal(err)
	}
	if err := wi.WriteInt64([]int64{256}); err == nil || !strings.Contains(err.Error(), "uint8") {
		t.Errorf("out of range: err = %v", err)
	}
	for _, v := range []int64{0, 255, 7} {
		if err := wi.WriteInt64([]int64{v}); err != nil {
			t.Fatal(err)
		}
	}
	if err := wi.WriteUint8([]uint8{9}); err != nil {
		t.Fatal(err)
	}
	if err := wi.Close(); err != nil {
		t.Fatal(err)
	}
	a, err := ReadNPY(p2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Shape, []int{4}) || !reflect.DeepEqual(a.Data, []float64{0, 255, 7, 9}) || a.DType != "|u1" {
		t.Errorf("got %v %s %v", a.Shape, a.DType, a.Data)
	}

	// Zero rows.
	p3 := filepath.Join(dir, "empty.npy")
	we, _ := NewNPYWriter(p3, Float64, 4)
	if err := we.Close(); err != nil {
		t.Fatal(err)
	}
	if a, err := ReadNPY(p3); err != nil || !reflect.DeepEqual(a.Shape, []int{0, 4}) {
		t.Errorf("empty: %v %v", a, err)
	}

	// Misuse panics.
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.HasPrefix(r.(string), "store: ") {
				t.Errorf("wrong row length: recover() = %v", r)
			}
		}()
		wp, _ := NewNPYWriter(filepath.Join(dir, "p.npy"), Float64, 3)
		defer wp.Abort()
		_ = wp.WriteFloat64([]float64{1})
	}()
}

// TestAtomicity checks that aborted and failed writes leave the previous
// file byte-for-byte intact and leave no temporary files behind.
func TestAtomicity(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.npy")
	if err := WriteNPY(path, []int32{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)

	w, err := NewNPYWriter(path, Float64, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5000; i++ { // more than the bufio buffer, so data reaches the disk
		if err := w.WriteFloat64([]float64{1, 2}); err != nil {
			t.Fatal(err)
		}
	}
	w.Abort() // simulated crash / cancelled run
	if err := w.Close(); err != nil {
		t.Errorf("Close after Abort: %v", err)
	}

	tw, err := NewTSVWriter(path, []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	_ = tw.Row(1.0)
	tw.Abort()

	// Failing one-shot writes: bad shape, unsupported type, invalid CSR.
	if err := WriteNPY(path, []float64{1, 2}, 3); err == nil {
		t.Error("bad shape accepted")
	}
	if err := WriteNPZ(path, NamedArray{Name: "a", Data: []string{"x"}}); err == nil {
		t.Error("bad npz member accepted")
	}
	if err := WriteCSRNPZ(path, 1, 1, []int64{0, 2}, []int32{0}, []float32{1}); err == nil {
		t.Error("bad CSR accepted")
	}
	if err := WriteTSV(path, []string{"a", "b"}, []float64{1}, []float64{1, 2}); err == nil {
		t.Error("ragged TSV accepted")
	}

	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, good) {
		t.Errorf("previous file changed")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only x.npy", names)
	}

	// An AtomicFile whose target directory vanished fails at Commit
	// without creating anything.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	af, err := CreateAtomic(filepath.Join(sub, "y"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = af.W.WriteString("data")
	if err := os.RemoveAll(sub); err != nil {
		t.Fatal(err)
	}
	if err := af.Commit(); err == nil || !strings.Contains(err.Error(), "y") {
		t.Errorf("Commit into removed dir: err = %v", err)
	}
}

func TestNPZRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npz")
	err := WriteNPZ(path,
		NamedArray{Name: "w", Data: []float32{1, 2, 3, 4, 5, 6}, Shape: []int{2, 3}},
		NamedArray{Name: "ids", Data: []int64{7, 8}},
		NamedArray{Name: "mask", Data: []bool{true, false}},
	)
	if err != nil {
		t.Fatal(err)
	}
	m, names, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, []string{"w", "ids", "mask"}) {
		t.Errorf("names = %v", names)
	}
	if a := m["w"]; !reflect.DeepEqual(a.Shape, []int{2, 3}) || a.DType != "<f4" || !reflect.DeepEqual(a.Data, []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("w = %+v", a)
	}
	if a := m["ids"]; a.DType != "<i8" || !reflect.DeepEqual(a.Data, []float64{7, 8}) {
		t.Errorf("ids = %+v", a)
	}
	if a := m["mask"]; a.DType != "|b1" || !reflect.DeepEqual(a.Data, []float64{1, 0}) {
		t.Errorf("mask = %+v", a)
	}
	if err := WriteNPZ(path, NamedArray{Name: "a", Data: []int32{1}}, NamedArray{Name: "a", Data: []int32{1}}); err == nil {
		t.Error("duplicate names accepted")
	}
	// Determinism: same input, same bytes.
	p2 := filepath.Join(t.TempDir(), "b.npz")
	_ = WriteNPZ(p2, NamedArray{Name: "x", Data: []int32{1}})
	b1, _ := os.ReadFile(p2)
	_ = WriteNPZ(p2, NamedArray{Name: "x", Data: []int32{1}})
	b2, _ := os.ReadFile(p2)
	if !bytes.Equal(b1, b2) {
		t.Error("WriteNPZ is not deterministic")
	}
}

func TestCSRNPZRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.npz")
	// [[0 1.5 0 0]
	//  [0 0   0 0]
	//  [2 0   0 -3]]
	indptr := []int64{0, 1, 1, 3}
	indices := []int32{1, 0, 3}
	data := []float32{1.5, 2, -3}
	if err := WriteCSRNPZ(path, 3, 4, indptr, indices, data); err != nil {
		t.Fatal(err)
	}
	m, names, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, []string{"indices", "indptr", "format", "shape", "data"}) {
		t.Errorf("member order %v", names)
	}
	if f := m["format"]; f.DType != "|S3" || len(f.Shape) != 0 || !reflect.DeepEqual(f.Strings, []string{"csr"}) {
		t.Errorf("format = %+v", f)
	}
	if s := m["shape"]; s.DType != "<i8" || !reflect.DeepEqual(s.Data, []float64{3, 4}) {
		t.Errorf("shape = %+v", s)
	}
	c, err := ReadCSRNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	want := &CSR{NRows: 3, NCols: 4, Indptr: indptr, Indices: indices, Data: data}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v want %+v", c, want)
	}
	bad := []struct {
		name    string
		indptr  []int64
		indices []int32
		msg     string
	}{
		{"len", []int64{0, 1, 3}, []int32{1, 0, 3}, "len(indptr)"},
		{"mono", []int64{0, 2, 1, 3}, []int32{1, 0, 3}, "decreases"},
		{"range", []int64{0, 1, 1, 3}, []int32{1, 0, 4}, "out of range"},
		{"nnz", []int64{0, 1, 1, 2}, []int32{1, 0, 3}, "indptr[nRows]"},
	}
	for _, b := range bad {
		if err := WriteCSRNPZ(path, 3, 4, b.indptr, b.indices, data); err == nil || !strings.Contains(err.Error(), b.msg) {
			t.Errorf("%s: err = %v, want %q", b.name, err, b.msg)
		}
	}
}

func TestTSV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.tsv")
	x := []float64{0.1, 1e21, -2.5e-7, math.NaN(), math.Inf(-1)}
	y := []float64{1, 2, 3, 4, 5}
	if err := WriteTSV(path, []string{"x", "y"}, x, y); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	// Shortest round-trip 'g' formatting, hand-written.
	want := "x\ty\n0.1\t1\n1e+21\t2\n-2.5e-07\t3\nnan\t4\n-inf\t5\n"
	if string(got) != want {
		t.Errorf("got %q want %q", got, want)
	}
	h, cols, err := ReadTSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(h, []string{"x", "y"}) || !reflect.DeepEqual(cols[1], y) || len(cols[0]) != 5 ||
		cols[0][0] != 0.1 || cols[0][1] != 1e21 || cols[0][2] != -2.5e-7 || !math.IsNaN(cols[0][3]) || !math.IsInf(cols[0][4], -1) {
		t.Errorf("read back %v %v", h, cols)
	}

	p2 := filepath.Join(dir, "s.tsv")
	w, err := NewTSVWriter(p2, []string{"series", "n", "v", "ok"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Comment("made by a test"); err != nil {
		t.Fatal(err)
	}
	if err := w.Row("a", 3, float32(0.1), true); err != nil {
		t.Fatal(err)
	}
	if err := w.Row("b", int64(-4), 0.1, false); err != nil {
		t.Fatal(err)
	}
	if err := w.Row("bad\tname", 1, 1.0, true); err == nil {
		t.Error("tab in field accepted")
	}
	if err := w.Row("short"); err == nil {
		t.Error("short row accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(p2)
	want = "# made by a test\nseries\tn\tv\tok\na\t3\t0.1\ttrue\nb\t-4\t0.1\tfalse\n"
	if string(got) != want {
		t.Errorf("got %q want %q", got, want)
	}
	hdr, rows, err := ReadTSVRecords(p2)
	if err != nil || len(hdr) != 4 || len(rows) != 2 || rows[1][1] != "-4" {
		t.Errorf("ReadTSVRecords: %v %v %v", hdr, rows, err)
	}
	_, _, err = ReadTSV(p2)
	if err == nil || !strings.Contains(err.Error(), "s.tsv") || !strings.Contains(err.Error(), "line 3, column 1 (series)") {
		t.Errorf("non-numeric: err = %v", err)
	}

	// Header only.
	p3 := filepath.Join(dir, "e.tsv")
	we, _ := NewTSVWriter(p3, []string{"a", "b"})
	if err := we.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p3); string(got) != "a\tb\n" {
		t.Errorf("empty table: %q", got)
	}
}

func BenchmarkNPYWriterRow(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(map[int]string{100: "Small", 10000: "Medium"}[n], func(b *testing.B) {
			w, err := NewNPYWriter(filepath.Join(b.TempDir(), "r.npy"), Float32, n)
			if err != nil {
				b.Fatal(err)
			}
			defer w.Abort()
			row := make([]float32, n)
			b.SetBytes(int64(4 * n))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := w.WriteFloat32(row); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestNPYWriterRowAllocs(t *testing.T) {
	w, err := NewNPYWriter(filepath.Join(t.TempDir(), "r.npy"), Float32, 64)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	row := make([]float32, 64)
	if n := testing.AllocsPerRun(1000, func() { _ = w.WriteFloat32(row) }); n != 0 {
		t.Errorf("WriteFloat32 allocates %v times per row", n)
	}
}
