package store

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Array is an n-dimensional array read from a .npy file, converted to
// float64 for analysis. Data is in C (row-major) order.
//
// Integers wider than 53 bits (int64/uint64 beyond ±2^53) lose precision
// in the conversion. Byte-string arrays (numpy dtype 'S', e.g. the
// "format" member of a scipy sparse .npz) have Data == nil and their
// elements in Strings, with trailing NUL bytes removed as numpy does.
type Array struct {
	Shape   []int     // dimensions; empty for a 0-d (scalar) array
	DType   string    // numpy descriptor as stored in the file, e.g. "<f8", ">i4", "|b1", "|S3"
	Data    []float64 // len == Len() for numeric arrays
	Strings []string  // only for byte-string dtypes
}

// Len returns the number of elements (the product of Shape; 1 for 0-d).
func (a *Array) Len() int {
	n := 1
	for _, s := range a.Shape {
		n *= s
	}
	return n
}

// Dim returns the size of dimension i. It panics if i is out of range.
func (a *Array) Dim(i int) int {
	if i < 0 || i >= len(a.Shape) {
		panic(fmt.Sprintf("store: Array.Dim(%d) of a %d-d array", i, len(a.Shape)))
	}
	return a.Shape[i]
}

// maxHeaderLen bounds the header size we are willing to read (bytes);
// numpy itself refuses headers above 10 000 bytes by default.
const maxHeaderLen = 1 << 20

// maxHeaderDepth bounds the nesting of the header's Python literal; a real
// header nests two levels (dict, shape tuple).
const maxHeaderDepth = 16

// NPYHeader is what a .npy header declares: shape and dtype, without the
// data. Reading it costs no more than the header's bytes, so callers can
// check the memory a read will take (DecodedBytes) before reading.
type NPYHeader struct {
	Shape []int  // dimensions; empty for a 0-d (scalar) array
	DType string // numpy descriptor as stored, e.g. "<f8", "|S3"

	kind     byte
	itemSize int
	order    binary.ByteOrder
}

// Len returns the number of elements (the product of Shape; 1 for 0-d).
func (h *NPYHeader) Len() int {
	n := 1
	for _, s := range h.Shape {
		n *= s
	}
	return n
}

// ItemSize returns the bytes per element in the file.
func (h *NPYHeader) ItemSize() int { return h.itemSize }

// Numeric reports whether the elements decode to Array.Data (false for
// byte strings, which decode to Array.Strings).
func (h *NPYHeader) Numeric() bool { return h.kind != 'S' }

// DecodedBytes is an upper bound on the memory reading the data allocates:
// 8 bytes per element (float64) for numeric dtypes; for byte strings the
// raw bytes, a string header and the string's bytes per element.
func (h *NPYHeader) DecodedBytes() int64 {
	n := int64(h.Len())
	if h.kind == 'S' {
		return n * (2*int64(h.itemSize) + 16)
	}
	return 8*n + encodeChunk*int64(h.itemSize)
}

// NPYFile is an open .npy file whose header has been read; Read reads the
// data from the same open file. Use it to check the memory a read needs
// before reading (ReadNPY does both steps).
type NPYFile struct {
	Path   string
	Header NPYHeader
	f      *os.File
	r      *bufio.Reader
	read   bool
}

// OpenNPY opens a regular file (see OpenRegular) and reads its .npy header,
// checking that the file holds as many data bytes as the header declares.
func OpenNPY(path string) (*NPYFile, error) {
	f, size, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	r := bufio.NewReaderSize(f, 64<<10)
	h, err := readNPYHeader(r, size)
	if err != nil {
		f.Close()
		return nil, errorf(path, "%v", err)
	}
	return &NPYFile{Path: path, Header: *h, f: f, r: r}, nil
}

// Read reads the data. It may be called once.
func (n *NPYFile) Read() (*Array, error) {
	if n.read {
		return nil, errorf(n.Path, "NPYFile.Read called twice")
	}
	n.read = true
	a, err := readNPYData(n.r, &n.Header)
	if err != nil {
		return nil, errorf(n.Path, "%v", err)
	}
	return a, nil
}

// Close closes the file.
func (n *NPYFile) Close() error { return n.f.Close() }

// ReadNPY reads a .npy file (format 1.0, 2.0 or 3.0) of dtype f4, f8, i1,
// i2, i4, i8, u1, u2, u4, u8, b1 in either byte order, or a byte string
// dtype S<n>. Fortran-ordered and structured arrays are rejected, and so is
// anything but a regular file. The file is opened once and the allocation
// is bounded by its size. Errors name the file.
func ReadNPY(path string) (*Array, error) {
	n, err := OpenNPY(path)
	if err != nil {
		return nil, err
	}
	defer n.Close()
	return n.Read()
}

// decodeNPY parses a .npy stream of size bytes (the header and the data).
func decodeNPY(r io.Reader, size int64) (*Array, error) {
	h, err := readNPYHeader(r, size)
	if err != nil {
		return nil, err
	}
	return readNPYData(r, h)
}

// readNPYHeader reads the header of a .npy stream of size bytes in total
// and rejects shapes whose data cannot fit in the rest of the stream, so
// that nothing larger than the stream is ever allocated.
func readNPYHeader(r io.Reader, size int64) (*NPYHeader, error) {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("not a .npy file: %v", shortRead(err))
	}
	if string(pre[:6]) != npyMagic {
		return nil, errors.New("not a .npy file: bad magic string")
	}
	major := pre[6]
	var hlen, prefix int
	switch major {
	case 1:
		hlen, prefix = int(binary.LittleEndian.Uint16(pre[8:10])), 10
	case 2, 3:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("truncated header: %v", shortRead(err))
		}
		hlen = int(binary.LittleEndian.Uint32([]byte{pre[8], pre[9], b[0], b[1]}))
		prefix = 12
	default:
		return nil, fmt.Errorf("unsupported .npy format version %d.%d", major, pre[7])
	}
	if hlen > maxHeaderLen {
		return nil, fmt.Errorf("header length %d exceeds limit %d", hlen, maxHeaderLen)
	}
	if int64(prefix+hlen) > size {
		return nil, fmt.Errorf("header length %d exceeds the file (%d bytes)", hlen, size)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("truncated header: %v", shortRead(err))
	}
	descr, shape, err := parseHeaderDict(string(hdr))
	if err != nil {
		return nil, fmt.Errorf("header %q: %v", clip(strings.TrimSpace(string(hdr)), 200), err)
	}
	kind, itemSize, order, err := parseDescr(descr)
	if err != nil {
		return nil, err
	}
	h := &NPYHeader{Shape: shape, DType: descr, kind: kind, itemSize: itemSize, order: order}
	n := int64(h.Len())
	avail := size - int64(prefix+hlen)
	if n > 0 && n > avail/int64(itemSize) {
		return nil, fmt.Errorf("shape %v of %s needs %s bytes of data, file has %d", shape, descr, mulString(n, int64(itemSize)), avail)
	}
	return h, nil
}

// mulString formats a·b without overflow.
func mulString(a, b int64) string {
	if a > 0 && b > math.MaxInt64/a {
		return fmt.Sprintf("%d×%d", a, b)
	}
	return strconv.FormatInt(a*b, 10)
}

// clip shortens s to at most n bytes for messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// readNPYData reads the elements declared by h (already checked against
// the stream's size by readNPYHeader).
func readNPYData(r io.Reader, h *NPYHeader) (*Array, error) {
	a := &Array{Shape: h.Shape, DType: h.DType}
	n, itemSize := h.Len(), h.itemSize
	if h.kind == 'S' {
		buf := make([]byte, n*itemSize)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, fmt.Errorf("data: %v", shortRead(err))
		}
		a.Strings = make([]string, n)
		for i := range a.Strings {
			a.Strings[i] = string(bytes.TrimRight(buf[i*itemSize:(i+1)*itemSize], "\x00"))
		}
		return a, nil
	}
	a.Data = make([]float64, n)
	chunk := make([]byte, min(n, encodeChunk)*itemSize)
	for i := 0; i < n; {
		m := min(n-i, encodeChunk)
		b := chunk[:m*itemSize]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("data ends after %d of %d elements: %v", i, n, shortRead(err))
		}
		decodeElems(a.Data[i:i+m], b, h.kind, itemSize, h.order)
		i += m
	}
	return a, nil
}

func shortRead(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("unexpected end of file")
	}
	return err
}

// parseDescr splits a numpy dtype descriptor such as "<f8" or "|S3".
func parseDescr(descr string) (kind byte, size int, order binary.ByteOrder, err error) {
	d := descr
	order = binary.NativeEndian
	if d != "" {
		switch d[0] {
		case '<', '|':
			order, d = binary.LittleEndian, d[1:]
		case '>':
			order, d = binary.BigEndian, d[1:]
		case '=':
			d = d[1:]
		}
	}
	if len(d) < 2 {
		return 0, 0, nil, fmt.Errorf("unsupported dtype %q", descr)
	}
	kind = d[0]
	size, err = strconv.Atoi(d[1:])
	if err != nil {
		return 0, 0, nil, fmt.Errorf("unsupported dtype %q", descr)
	}
	ok := false
	switch kind {
	case 'f':
		ok = size == 4 || size == 8
	case 'i', 'u':
		ok = size == 1 || size == 2 || size == 4 || size == 8
	case 'b':
		ok = size == 1
	case 'S':
		ok = size >= 1
	}
	if !ok {
		return 0, 0, nil, fmt.Errorf("unsupported dtype %q (want f4, f8, i1-i8, u1-u8, b1 or S<n>)", descr)
	}
	return kind, size, order, nil
}

// decodeElems converts len(dst) elements from src.
func decodeElems(dst []float64, src []byte, kind byte, size int, o binary.ByteOrder) {
	switch {
	case kind == 'f' && size == 4:
		for i := range dst {
			dst[i] = float64(math.Float32frombits(o.Uint32(src[4*i:])))
		}
	case kind == 'f' && size == 8:
		for i := range dst {
			dst[i] = math.Float64frombits(o.Uint64(src[8*i:]))
		}
	case kind == 'i' && size == 1:
		for i := range dst {
			dst[i] = float64(int8(src[i]))
		}
	case kind == 'i' && size == 2:
		for i := range dst {
			dst[i] = float64(int16(o.Uint16(src[2*i:])))
		}
	case kind == 'i' && size == 4:
		for i := range dst {
			dst[i] = float64(int32(o.Uint32(src[4*i:])))
		}
	case kind == 'i' && size == 8:
		for i := range dst {
			dst[i] = float64(int64(o.Uint64(src[8*i:])))
		}
	case kind == 'u' && size == 1, kind == 'b':
		for i := range dst {
			dst[i] = float64(src[i])
		}
	case kind == 'u' && size == 2:
		for i := range dst {
			dst[i] = float64(o.Uint16(src[2*i:]))
		}
	case kind == 'u' && size == 4:
		for i := range dst {
			dst[i] = float64(o.Uint32(src[4*i:]))
		}
	case kind == 'u' && size == 8:
		for i := range dst {
			dst[i] = float64(o.Uint64(src[8*i:]))
		}
	default:
		panic("store: unreachable dtype") // parseDescr admits only the cases above
	}
}

// parseHeaderDict extracts descr and shape from the Python dict literal of
// a .npy header, rejecting fortran_order=True and structured dtypes.
func parseHeaderDict(s string) (descr string, shape []int, err error) {
	p := &pyParser{s: s}
	v, err := p.value()
	if err != nil {
		return "", nil, err
	}
	d, ok := v.(map[string]any)
	if !ok {
		return "", nil, errors.New("header is not a dict")
	}
	switch x := d["descr"].(type) {
	case string:
		descr = x
	case nil:
		return "", nil, errors.New("missing 'descr'")
	default:
		return "", nil, errors.New("structured (record) dtypes are not supported")
	}
	fo, ok := d["fortran_order"].(bool)
	if !ok {
		return "", nil, errors.New("missing or non-bool 'fortran_order'")
	}
	if fo {
		return "", nil, errors.New("fortran_order=True is not supported; save a C-ordered array (np.ascontiguousarray)")
	}
	t, ok := d["shape"].([]any)
	if !ok {
		return "", nil, errors.New("missing or non-tuple 'shape'")
	}
	shape = make([]int, len(t))
	total := int64(1)
	for i, e := range t {
		n, ok := e.(int64)
		if !ok || n < 0 {
			return "", nil, fmt.Errorf("bad dimension %v in shape", e)
		}
		// Keep the element count far from overflow even times an item size.
		if n > 0 && total > (math.MaxInt64>>8)/n {
			return "", nil, errors.New("shape too large")
		}
		shape[i] = int(n)
		total *= n
	}
	return descr, shape, nil
}

// pyParser parses the small subset of Python literals used in .npy
// headers: dicts, tuples, lists, quoted strings, integers, True/False/None.
type pyParser struct {
	s     string
	i     int
	depth int
}

func (p *pyParser) skip() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyParser) errf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *pyParser) value() (any, error) {
	p.skip()
	if p.i >= len(p.s) {
		return nil, p.errf("unexpected end of header")
	}
	c := p.s[p.i]
	if c == '{' || c == '(' || c == '[' {
		if p.depth++; p.depth > maxHeaderDepth {
			return nil, p.errf("nesting deeper than %d", maxHeaderDepth)
		}
		defer func() { p.depth-- }()
	}
	switch {
	case c == '{':
		p.i++
		m := map[string]any{}
		for {
			p.skip()
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				return m, nil
			}
			k, err := p.value()
			if err != nil {
				return nil, err
			}
			ks, ok := k.(string)
			if !ok {
				return nil, p.errf("dict key is not a string")
			}
			p.skip()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, p.errf("expected ':'")
			}
			p.i++
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			m[ks] = v
			if err := p.sep('}'); err != nil {
				return nil, err
			}
		}
	case c == '(' || c == '[':
		end := byte(')')
		if c == '[' {
			end = ']'
		}
		p.i++
		var l []any
		for {
			p.skip()
			if p.i < len(p.s) && p.s[p.i] == end {
				p.i++
				if l == nil {
					l = []any{}
				}
				return l, nil
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			l = append(l, v)
			if err := p.sep(end); err != nil {
				return nil, err
			}
		}
	case c == '\'' || c == '"':
		p.i++
		var b strings.Builder
		for p.i < len(p.s) && p.s[p.i] != c {
			if p.s[p.i] == '\\' && p.i+1 < len(p.s) {
				p.i++
			}
			b.WriteByte(p.s[p.i])
			p.i++
		}
		if p.i >= len(p.s) {
			return nil, p.errf("unterminated string")
		}
		p.i++
		return b.String(), nil
	case c == '-' || (c >= '0' && c <= '9'):
		j := p.i + 1
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		n, err := strconv.ParseInt(p.s[p.i:j], 10, 64)
		if err != nil {
			return nil, p.errf("bad integer %q", p.s[p.i:j])
		}
		p.i = j
		if p.i < len(p.s) && (p.s[p.i] == 'L' || p.s[p.i] == 'l') { // Python 2 long
			p.i++
		}
		return n, nil
	}
	for _, w := range []struct {
		word string
		v    any
	}{{"True", true}, {"False", false}, {"None", nil}} {
		if strings.HasPrefix(p.s[p.i:], w.word) {
			p.i += len(w.word)
			return w.v, nil
		}
	}
	return nil, p.errf("unexpected %q", p.s[p.i:min(p.i+10, len(p.s))])
}

// sep consumes a ',' or peeks the closing delimiter.
func (p *pyParser) sep(end byte) error {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == ',' {
		p.i++
		return nil
	}
	if p.i < len(p.s) && p.s[p.i] == end {
		return nil
	}
	return p.errf("expected ',' or %q", end)
}
