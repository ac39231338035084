package store

import (
	"archive/zip"
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
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

// maxDeflateRatio is the largest expansion deflate can achieve (RFC 1951:
// a 258-byte match coded in about 2 bits, ≈ 1032:1). A member that declares
// more uncompressed bytes than this allows is lying about its size, and its
// declared size would otherwise be allocated before a byte is inflated.
const maxDeflateRatio = 1032

// NPZFile is an open .npz archive whose directory and member headers have
// been read; Read reads one member's data from the same open file. Use it to
// check the memory a read needs before reading (ReadNPZ reads everything).
type NPZFile struct {
	Path string
	// Names are the ".npy" members without the suffix, in archive order,
	// each once (a repeated name refers to its last member, as in ReadNPZ).
	Names   []string
	f       *os.File
	members map[string]*zip.File
	headers map[string]*NPYHeader
}

// OpenNPZ opens a regular file (see OpenRegular) as a zip archive and reads
// the header of every ".npy" member (members not ending in ".npy" are
// ignored). Members must not overlap in the archive, and their declared
// sizes must be possible for their compression method and the archive's
// size; so reading every member allocates at most about 8·1032 times the
// archive's size (deflate's maximum expansion, 8 bytes per element), and
// stored (uncompressed) members at most 8 times their bytes.
func OpenNPZ(path string) (*NPZFile, error) {
	f, size, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	z, err := openNPZ(f, size)
	if err != nil {
		f.Close()
		return nil, errorf(path, "%v", err)
	}
	z.Path, z.f = path, f
	return z, nil
}

// openNPZ reads the directory and member headers from r (size bytes).
func openNPZ(r io.ReaderAt, size int64) (*NPZFile, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("not a readable .npz (zip) archive: %v", err)
	}
	z := &NPZFile{members: map[string]*zip.File{}, headers: map[string]*NPYHeader{}}
	type span struct {
		lo, hi int64
		name   string
	}
	var spans []span
	for _, m := range zr.File {
		name, ok := strings.CutSuffix(m.Name, ".npy")
		if !ok {
			continue
		}
		declared, err := memberSize(m, size)
		if err != nil {
			return nil, fmt.Errorf("member %s: %v", m.Name, err)
		}
		off, err := m.DataOffset()
		if err != nil {
			return nil, fmt.Errorf("member %s: %v", m.Name, err)
		}
		if off < 0 || off > size || int64(m.CompressedSize64) > size-off {
			return nil, fmt.Errorf("member %s: data at %d..%d lies outside the archive (%d bytes)", m.Name, off, off+int64(m.CompressedSize64), size)
		}
		spans = append(spans, span{off, off + int64(m.CompressedSize64), m.Name})
		rc, err := m.Open()
		if err != nil {
			return nil, fmt.Errorf("member %s: %v", m.Name, err)
		}
		h, err := readNPYHeader(rc, declared)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("member %s: %v", m.Name, err)
		}
		if _, dup := z.members[name]; !dup {
			z.Names = append(z.Names, name)
		}
		z.members[name], z.headers[name] = m, h
	}
	// Overlapping members would let one compressed stream count many times.
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.lo, b.lo) })
	for i := 1; i < len(spans); i++ {
		if spans[i].lo < spans[i-1].hi {
			return nil, fmt.Errorf("members %s and %s overlap in the archive", spans[i-1].name, spans[i].name)
		}
	}
	return z, nil
}

// memberSize returns the declared uncompressed size of m after checking
// that it is possible for its compression method and the archive size.
func memberSize(m *zip.File, archive int64) (int64, error) {
	c, u := m.CompressedSize64, m.UncompressedSize64
	if c > uint64(archive) {
		return 0, fmt.Errorf("compressed size %d exceeds the archive (%d bytes)", c, archive)
	}
	switch m.Method {
	case zip.Store:
		if u != c {
			return 0, fmt.Errorf("stored member declares %d bytes but holds %d", u, c)
		}
	case zip.Deflate:
		if u > maxDeflateRatio*c+1024 {
			return 0, fmt.Errorf("declares %d uncompressed bytes from %d compressed, more than deflate can expand (%d:1)", u, c, maxDeflateRatio)
		}
	default:
		return 0, fmt.Errorf("unsupported compression method %d (want stored or deflate)", m.Method)
	}
	return int64(u), nil
}

// Header returns the header of member name (without ".npy").
func (z *NPZFile) Header(name string) (*NPYHeader, bool) {
	h, ok := z.headers[name]
	return h, ok
}

// Read reads member name (without ".npy"). Errors name the file and member.
func (z *NPZFile) Read(name string) (*Array, error) {
	a, err := z.read(name)
	if err != nil {
		return nil, errorf(z.Path, "member %s.npy: %v", name, err)
	}
	return a, nil
}

func (z *NPZFile) read(name string) (*Array, error) {
	m, ok := z.members[name]
	if !ok {
		return nil, fmt.Errorf("no such member (have %s)", strings.Join(z.Names, ", "))
	}
	rc, err := m.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	h, err := readNPYHeader(rc, int64(m.UncompressedSize64))
	if err != nil {
		return nil, err
	}
	return readNPYData(rc, h)
}

// Close closes the archive.
func (z *NPZFile) Close() error {
	if z.f == nil {
		return nil
	}
	return z.f.Close()
}

// ReadNPZ reads every ".npy" member of an .npz archive (compressed or
// not). It returns the arrays keyed by member name without ".npy", and
// the names in archive order. Members not ending in ".npy" are ignored.
// The archive is opened once and allocation is bounded as in OpenNPZ.
// Errors name the file and the member.
func ReadNPZ(path string) (map[string]*Array, []string, error) {
	z, err := OpenNPZ(path)
	if err != nil {
		return nil, nil, err
	}
	defer z.Close()
	out := make(map[string]*Array, len(z.Names))
	for _, name := range z.Names {
		a, err := z.Read(name)
		if err != nil {
			return nil, nil, err
		}
		out[name] = a
	}
	return out, z.Names, nil
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
