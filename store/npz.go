package store

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"
	"time"
)

// NamedArray is one member of an .npz archive.
type NamedArray struct {
	Name  string // member name without ".npy"; non-empty, unique, no '/'
	Data  any    // []float32, []float64, []int32, []int64, []uint8 or []bool
	Shape []int  // nil means 1-D (len(Data),)
}

// zipEpoch is the fixed modification time stored for every member, so
// identical input gives byte-identical archives (1980-01-01 is the DOS
// epoch, the earliest time zip can represent).
func zipEpoch() time.Time { return time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC) }

// createMember starts an uncompressed member name+".npy".
func createMember(zw *zip.Writer, name string) (io.Writer, error) {
	return zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store, Modified: zipEpoch()})
}

func checkNames(arrays []NamedArray) error {
	seen := make(map[string]bool, len(arrays))
	for i, a := range arrays {
		if a.Name == "" || strings.ContainsAny(a.Name, "/\\") {
			return fmt.Errorf("array %d: invalid name %q", i, a.Name)
		}
		if seen[a.Name] {
			return fmt.Errorf("duplicate array name %q", a.Name)
		}
		seen[a.Name] = true
		_, n, ok := sliceInfo(a.Data)
		if !ok {
			return fmt.Errorf("array %q: unsupported data type %T", a.Name, a.Data)
		}
		if _, err := resolveShape(n, a.Shape); err != nil {
			return fmt.Errorf("array %q: %v", a.Name, err)
		}
	}
	return nil
}

// WriteNPZ writes arrays as an uncompressed .npz archive (what np.savez
// writes), members in the given order. The write is atomic.
func WriteNPZ(path string, arrays ...NamedArray) error {
	if err := checkNames(arrays); err != nil {
		return errorf(path, "%v", err)
	}
	af, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(af.W)
	for _, a := range arrays {
		w, err := createMember(zw, a.Name)
		if err == nil {
			err = encodeNPY(w, a.Data, a.Shape)
		}
		if err != nil {
			af.Abort()
			return errorf(path, "member %s: %v", a.Name, err)
		}
	}
	return af.finish(zw.Close())
}

// ReadNPZ reads every ".npy" member of an .npz archive (compressed or
// not). It returns the arrays keyed by member name without ".npy", and
// the names in archive order. Members not ending in ".npy" are ignored.
// Errors name the file and the member.
func ReadNPZ(path string) (map[string]*Array, []string, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, nil, errorf(path, "not a readable .npz (zip) archive: %v", err)
	}
	defer zr.Close()
	out := make(map[string]*Array, len(zr.File))
	var names []string
	for _, f := range zr.File {
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			continue
		}
		a, err := readMember(f)
		if err != nil {
			return nil, nil, errorf(path, "member %s: %v", f.Name, err)
		}
		if _, dup := out[name]; !dup {
			names = append(names, name)
		}
		out[name] = a
	}
	return out, names, nil
}

func readMember(f *zip.File) (*Array, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	size := int64(-1)
	if f.UncompressedSize64 < 1<<62 {
		size = int64(f.UncompressedSize64)
	}
	return decodeNPY(rc, size)
}

// CSR is a compressed sparse row matrix as stored by scipy.sparse.save_npz:
// row i has the column indices Indices[Indptr[i]:Indptr[i+1]] with values
// Data[Indptr[i]:Indptr[i+1]].
type CSR struct {
	NRows, NCols int
	Indptr       []int64 // len NRows+1, Indptr[0] == 0, non-decreasing
	Indices      []int32 // column of each stored entry, in [0, NCols)
	Data         []float32
}

// Validate checks the CSR invariants listed on the fields.
func (m *CSR) Validate() error {
	if m.NRows < 0 || m.NCols < 0 {
		return fmt.Errorf("negative shape (%d, %d)", m.NRows, m.NCols)
	}
	if len(m.Indptr) != m.NRows+1 {
		return fmt.Errorf("len(indptr) = %d, want nRows+1 = %d", len(m.Indptr), m.NRows+1)
	}
	if m.Indptr[0] != 0 {
		return fmt.Errorf("indptr[0] = %d, want 0", m.Indptr[0])
	}
	for i := 1; i < len(m.Indptr); i++ {
		if m.Indptr[i] < m.Indptr[i-1] {
			return fmt.Errorf("indptr decreases at row %d (%d < %d)", i-1, m.Indptr[i], m.Indptr[i-1])
		}
	}
	nnz := m.Indptr[m.NRows]
	if int64(len(m.Indices)) != nnz || int64(len(m.Data)) != nnz {
		return fmt.Errorf("indptr[nRows] = %d but len(indices) = %d, len(data) = %d", nnz, len(m.Indices), len(m.Data))
	}
	for k, c := range m.Indices {
		if c < 0 || int(c) >= m.NCols {
			return fmt.Errorf("indices[%d] = %d out of range [0, %d)", k, c, m.NCols)
		}
	}
	return nil
}

// WriteCSRNPZ writes a CSR matrix in the layout of scipy.sparse.save_npz,
// so scipy.sparse.load_npz returns a csr_matrix of shape (nRows, nCols).
// Members, in scipy's order: indices (<i4), indptr (<i8), format (0-d |S3
// b'csr'), shape (<i8 [nRows, nCols]), data (<f4). The arguments are
// validated (see CSR.Validate) before anything is written.
func WriteCSRNPZ(path string, nRows, nCols int, indptr []int64, indices []int32, data []float32) error {
	m := CSR{NRows: nRows, NCols: nCols, Indptr: indptr, Indices: indices, Data: data}
	if err := m.Validate(); err != nil {
		return errorf(path, "CSR: %v", err)
	}
	af, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(af.W)
	put := func(name string, write func(io.Writer) error) error {
		w, err := createMember(zw, name)
		if err != nil {
			return err
		}
		return write(w)
	}
	err = put("indices", func(w io.Writer) error { return encodeNPY(w, indices, nil) })
	if err == nil {
		err = put("indptr", func(w io.Writer) error { return encodeNPY(w, indptr, nil) })
	}
	if err == nil {
		err = put("format", func(w io.Writer) error {
			_, err := w.Write(append(npyHeader("|S3", nil), "csr"...))
			return err
		})
	}
	if err == nil {
		err = put("shape", func(w io.Writer) error { return encodeNPY(w, []int64{int64(nRows), int64(nCols)}, nil) })
	}
	if err == nil {
		err = put("data", func(w io.Writer) error { return encodeNPY(w, data, nil) })
	}
	if err == nil {
		err = zw.Close()
	}
	return af.finish(err)
}

// ReadCSRNPZ reads a CSR matrix written by WriteCSRNPZ or by
// scipy.sparse.save_npz (format "csr"). Values are converted to the CSR
// field types; errors name the file.
func ReadCSRNPZ(path string) (*CSR, error) {
	arrs, _, err := ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"format", "shape", "indptr", "indices", "data"} {
		if arrs[k] == nil {
			return nil, errorf(path, "not a sparse .npz: member %q missing", k)
		}
	}
	if f := arrs["format"].Strings; len(f) != 1 || f[0] != "csr" {
		return nil, errorf(path, "sparse format is %q (dtype %s), want \"csr\"", f, arrs["format"].DType)
	}
	sh := arrs["shape"].Data
	if len(sh) != 2 {
		return nil, errorf(path, "shape member has %d elements, want 2", len(sh))
	}
	m := &CSR{NRows: int(sh[0]), NCols: int(sh[1])}
	for _, v := range arrs["indptr"].Data {
		m.Indptr = append(m.Indptr, int64(v))
	}
	m.Indices = make([]int32, len(arrs["indices"].Data))
	for i, v := range arrs["indices"].Data {
		m.Indices[i] = int32(v)
	}
	m.Data = make([]float32, len(arrs["data"].Data))
	for i, v := range arrs["data"].Data {
		m.Data[i] = float32(v)
	}
	if err := m.Validate(); err != nil {
		return nil, errorf(path, "CSR: %v", err)
	}
	return m, nil
}
