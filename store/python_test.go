package store

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// pythonPath is Debian's interpreter, where python3-numpy and
// python3-scipy install (not whatever python3 is first on PATH).
const pythonPath = "/usr/bin/python3"

// needNumpyScipy skips the test unless /usr/bin/python3 can import numpy
// and scipy.
func needNumpyScipy(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping Python cross-check in -short mode")
	}
	out, err := exec.Command(pythonPath, "-c", "import numpy, scipy").CombinedOutput()
	if err != nil {
		t.Skipf("skipping Python cross-check: %s cannot import numpy and scipy (%v: %s); "+
			"on Debian: apt-get install python3-numpy python3-scipy", pythonPath, err, strings.TrimSpace(string(out)))
	}
}

// pyList renders values as a Python list literal that parses to exactly
// the same doubles (shortest round-trip decimal).
func pyList(vals []float64) string {
	s := make([]string, len(vals))
	for i, v := range vals {
		switch {
		case math.IsInf(v, 1):
			s[i] = "float('inf')"
		case math.IsInf(v, -1):
			s[i] = "float('-inf')"
		default:
			s[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func pyTuple(shape []int) string {
	if len(shape) == 1 {
		return fmt.Sprintf("(%d,)", shape[0])
	}
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// TestPythonLoadsFiles writes every kind of file and has numpy/scipy load
// them: dtypes, shapes and values must match, and each .npy must be
// byte-identical to np.save of the loaded array.
func TestPythonLoadsFiles(t *testing.T) {
	needNumpyScipy(t)
	dir := t.TempDir()
	var py strings.Builder
	py.WriteString("import io, numpy as np, scipy.sparse as sp\n")
	py.WriteString("def same(a, b): return a.shape == b.shape and a.dtype == b.dtype and (a == b).all()\n")
	checkNPY := func(name, dtype string, shape []int, vals []float64) {
		p := filepath.Join(dir, name)
		fmt.Fprintf(&py, "a = np.load(%q)\n", p)
		fmt.Fprintf(&py, "assert a.dtype == np.dtype(%q), (%q, a.dtype)\n", dtype, name)
		fmt.Fprintf(&py, "assert a.shape == %s, (%q, a.shape)\n", pyTuple(shape), name)
		fmt.Fprintf(&py, "assert a.ravel().astype(np.float64).tolist() == %s, (%q, a)\n", pyList(vals), name)
		fmt.Fprintf(&py, "b = io.BytesIO(); np.save(b, a)\n")
		fmt.Fprintf(&py, "assert b.getvalue() == open(%q, 'rb').read(), (%q, 'bytes differ from np.save')\n", p, name)
	}

	one := []struct {
		name, dtype string
		data        any
		shape       []int
		vals        []float64
	}{
		{"f4.npy", "<f4", []float32{1.5, -2, 0.1, float32(math.Inf(1))}, []int{2, 2}, []float64{1.5, -2, float64(float32(0.1)), math.Inf(1)}},
		{"f8.npy", "<f8", []float64{0.1, -1e300, 5e-324}, nil, []float64{0.1, -1e300, 5e-324}},
		{"i4.npy", "<i4", []int32{math.MinInt32, 0, math.MaxInt32, 5, 6, 7}, []int{3, 2, 1}, []float64{math.MinInt32, 0, math.MaxInt32, 5, 6, 7}},
		{"i8.npy", "<i8", []int64{-1 << 40, 3}, nil, []float64{-1 << 40, 3}},
		{"u1.npy", "|u1", []uint8{0, 255}, nil, []float64{0, 255}},
		{"b1.npy", "|b1", []bool{true, false, false}, []int{1, 3}, []float64{1, 0, 0}},
	}
	for _, c := range one {
		if err := WriteNPY(filepath.Join(dir, c.name), c.data, c.shape...); err != nil {
			t.Fatal(err)
		}
		sh := c.shape
		if sh == nil {
			sh = []int{len(c.vals)}
		}
		checkNPY(c.name, c.dtype, sh, c.vals)
	}

	// Streamed file with more than 9 rows (patched header grows a digit).
	w, err := NewNPYWriter(filepath.Join(dir, "stream.npy"), Float64, 3)
	if err != nil {
		t.Fatal(err)
	}
	var streamed []float64
	for r := 0; r < 12; r++ {
		row := []float64{float64(r), float64(r) / 3, -float64(r)}
		streamed = append(streamed, row...)
		if err := w.WriteFloat64(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	checkNPY("stream.npy", "<f8", []int{12, 3}, streamed)

	npz := filepath.Join(dir, "a.npz")
	if err := WriteNPZ(npz,
		NamedArray{Name: "w", Data: []float32{1, 2, 3, 4, 5, 6}, Shape: []int{3, 2}},
		NamedArray{Name: "ids", Data: []int32{9, 8}},
	); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&py, "z = np.load(%q)\nassert list(z.keys()) == ['w', 'ids'], list(z.keys())\n", npz)
	py.WriteString("assert same(z['w'], np.arange(1, 7, dtype='<f4').reshape(3, 2))\n")
	py.WriteString("assert same(z['ids'], np.array([9, 8], dtype='<i4'))\n")

	csr := filepath.Join(dir, "csr.npz")
	if err := WriteCSRNPZ(csr, 3, 4, []int64{0, 1, 1, 3}, []int32{1, 0, 3}, []float32{1.5, 2, -3}); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&py, "m = sp.load_npz(%q)\n", csr)
	py.WriteString("assert m.format == 'csr' and m.shape == (3, 4) and m.dtype == np.float32, (m.format, m.shape, m.dtype)\n")
	py.WriteString("assert (m.toarray() == np.array([[0, 1.5, 0, 0], [0, 0, 0, 0], [2, 0, 0, -3]], dtype='<f4')).all(), m.toarray()\n")
	// And the other direction: a scipy-written CSR must read back here.
	scipyCSR := filepath.Join(dir, "scipy_csr.npz")
	fmt.Fprintf(&py, "sp.save_npz(%q, sp.csr_matrix(np.array([[0, 0, 7], [1, 0, 0]], dtype='<f4')), compressed=True)\n", scipyCSR)

	tsv := filepath.Join(dir, "t.tsv")
	if err := WriteTSV(tsv, []string{"t_ms", "rate_hz"}, []float64{0, 0.1, 1e-9}, []float64{math.NaN(), 2, -3.25}); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&py, "d = np.genfromtxt(%q, delimiter='\\t', names=True)\n", tsv)
	py.WriteString("assert d.dtype.names == ('t_ms', 'rate_hz'), d.dtype.names\n")
	py.WriteString("assert d['t_ms'].tolist() == [0, 0.1, 1e-9] and np.isnan(d['rate_hz'][0]) and d['rate_hz'][1:].tolist() == [2, -3.25], d\n")
	py.WriteString("print('ok')\n")

	script := filepath.Join(dir, "check.py")
	if err := os.WriteFile(script, []byte(py.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pythonPath, script).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("python check failed: %v\n%s", err, out)
	}

	m, err := ReadCSRNPZ(scipyCSR)
	if err != nil {
		t.Fatal(err)
	}
	if m.NRows != 2 || m.NCols != 3 || fmt.Sprint(m.Indptr, m.Indices, m.Data) != "[0 1 2] [2 0] [7 1]" {
		t.Errorf("scipy CSR read back as %+v", m)
	}
}
