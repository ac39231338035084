package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
)

// DType is an element type that this package can write to .npy.
type DType int

// Writable element types. The zero DType is invalid.
const (
	Float32 DType = iota + 1 // numpy '<f4'
	Float64                  // numpy '<f8'
	Int32                    // numpy '<i4'
	Int64                    // numpy '<i8'
	Uint8                    // numpy '|u1'
	Bool                     // numpy '|b1' (one byte per element, 0 or 1)
)

// Descr returns the numpy dtype descriptor, e.g. "<f8".
func (d DType) Descr() string {
	switch d {
	case Float32:
		return "<f4"
	case Float64:
		return "<f8"
	case Int32:
		return "<i4"
	case Int64:
		return "<i8"
	case Uint8:
		return "|u1"
	case Bool:
		return "|b1"
	}
	panic(fmt.Sprintf("store: invalid DType %d", int(d)))
}

// Size returns the element size in bytes.
func (d DType) Size() int {
	switch d {
	case Float32, Int32:
		return 4
	case Float64, Int64:
		return 8
	case Uint8, Bool:
		return 1
	}
	panic(fmt.Sprintf("store: invalid DType %d", int(d)))
}

// String returns Descr.
func (d DType) String() string { return d.Descr() }

const (
	npyMagic = "\x93NUMPY"
	// npyAlign is the alignment numpy uses for the start of the data.
	npyAlign = 64
	// npyGrowthDigits is numpy's GROWTH_AXIS_MAX_DIGITS: the header keeps
	// room for a first-axis length of up to 21 decimal digits, which is
	// what lets NPYWriter patch the row count in place.
	npyGrowthDigits = 21
)

// pyShape formats a shape as a Python tuple repr: (), (3,), (2, 3).
func pyShape(shape []int) string {
	switch len(shape) {
	case 0:
		return "()"
	case 1:
		return "(" + strconv.Itoa(shape[0]) + ",)"
	}
	var b bytes.Buffer
	b.WriteByte('(')
	for i, s := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(s))
	}
	b.WriteByte(')')
	return b.String()
}

// npyHeader returns the complete header (magic, version, length, dict,
// padding, '\n') exactly as numpy >= 1.23 np.save writes it for a
// C-ordered array: the dict, then spare spaces so the first axis can grow
// to 21 digits, then spaces to make the total a multiple of 64 (numpy adds
// a full 64 when already aligned), then '\n'. Version 1.0 is used unless
// the header does not fit its 16-bit length field.
func npyHeader(descr string, shape []int) []byte {
	dict := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + pyShape(shape) + ", }"
	if len(shape) > 0 {
		n := npyGrowthDigits - len(strconv.Itoa(shape[0]))
		if n > 0 {
			dict += string(bytes.Repeat([]byte{' '}, n))
		}
	}
	hlen := len(dict) + 1 // + '\n'
	major, lenSize := byte(1), 2
	pad := npyAlign - (len(npyMagic)+2+lenSize+hlen)%npyAlign
	if hlen+pad > math.MaxUint16 {
		major, lenSize = 2, 4
		pad = npyAlign - (len(npyMagic)+2+lenSize+hlen)%npyAlign
	}
	out := make([]byte, 0, len(npyMagic)+2+lenSize+hlen+pad)
	out = append(out, npyMagic...)
	out = append(out, major, 0)
	if lenSize == 2 {
		out = binary.LittleEndian.AppendUint16(out, uint16(hlen+pad))
	} else {
		out = binary.LittleEndian.AppendUint32(out, uint32(hlen+pad))
	}
	out = append(out, dict...)
	out = append(out, bytes.Repeat([]byte{' '}, pad)...)
	return append(out, '\n')
}

// sliceInfo returns the DType and length of a supported data slice.
func sliceInfo(data any) (DType, int, bool) {
	switch d := data.(type) {
	case []float32:
		return Float32, len(d), true
	case []float64:
		return Float64, len(d), true
	case []int32:
		return Int32, len(d), true
	case []int64:
		return Int64, len(d), true
	case []uint8:
		return Uint8, len(d), true
	case []bool:
		return Bool, len(d), true
	}
	return 0, 0, false
}

// resolveShape checks shape against n elements; an empty shape means 1-D.
func resolveShape(n int, shape []int) ([]int, error) {
	if len(shape) == 0 {
		return []int{n}, nil
	}
	p := 1
	for _, s := range shape {
		if s < 0 {
			return nil, fmt.Errorf("negative dimension in shape %v", shape)
		}
		p *= s
	}
	if p != n {
		return nil, fmt.Errorf("shape %v holds %d elements, data has %d", shape, p, n)
	}
	return append([]int(nil), shape...), nil
}

// encodeChunk is the number of elements converted per write.
const encodeChunk = 4096

// writeNPYData writes data little-endian to w.
func writeNPYData(w io.Writer, data any) error {
	var buf [encodeChunk * 8]byte
	le := binary.LittleEndian
	switch d := data.(type) {
	case []uint8:
		_, err := w.Write(d)
		return err
	case []bool:
		for i := 0; i < len(d); i += encodeChunk {
			c := d[i:min(i+encodeChunk, len(d))]
			for j, v := range c {
				buf[j] = 0
				if v {
					buf[j] = 1
				}
			}
			if _, err := w.Write(buf[:len(c)]); err != nil {
				return err
			}
		}
	case []float32:
		for i := 0; i < len(d); i += encodeChunk {
			c := d[i:min(i+encodeChunk, len(d))]
			for j, v := range c {
				le.PutUint32(buf[4*j:], math.Float32bits(v))
			}
			if _, err := w.Write(buf[:4*len(c)]); err != nil {
				return err
			}
		}
	case []float64:
		for i := 0; i < len(d); i += encodeChunk {
			c := d[i:min(i+encodeChunk, len(d))]
			for j, v := range c {
				le.PutUint64(buf[8*j:], math.Float64bits(v))
			}
			if _, err := w.Write(buf[:8*len(c)]); err != nil {
				return err
			}
		}
	case []int32:
		for i := 0; i < len(d); i += encodeChunk {
			c := d[i:min(i+encodeChunk, len(d))]
			for j, v := range c {
				le.PutUint32(buf[4*j:], uint32(v))
			}
			if _, err := w.Write(buf[:4*len(c)]); err != nil {
				return err
			}
		}
	case []int64:
		for i := 0; i < len(d); i += encodeChunk {
			c := d[i:min(i+encodeChunk, len(d))]
			for j, v := range c {
				le.PutUint64(buf[8*j:], uint64(v))
			}
			if _, err := w.Write(buf[:8*len(c)]); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unsupported data type %T", data)
	}
	return nil
}

// encodeNPY writes a complete .npy stream (header and data) to w.
func encodeNPY(w io.Writer, data any, shape []int) error {
	dt, n, ok := sliceInfo(data)
	if !ok {
		return fmt.Errorf("unsupported data type %T (want []float32, []float64, []int32, []int64, []uint8 or []bool)", data)
	}
	sh, err := resolveShape(n, shape)
	if err != nil {
		return err
	}
	if _, err := w.Write(npyHeader(dt.Descr(), sh)); err != nil {
		return err
	}
	return writeNPYData(w, data)
}

// WriteNPY writes data to path as a C-ordered little-endian .npy file
// (format 1.0, or 2.0 if the header needs it). data must be one of
// []float32, []float64, []int32, []int64, []uint8, []bool. shape defaults
// to the 1-D shape (len(data),); otherwise its product must equal
// len(data). The write is atomic.
func WriteNPY(path string, data any, shape ...int) error {
	if _, n, ok := sliceInfo(data); ok {
		if _, err := resolveShape(n, shape); err != nil {
			return errorf(path, "%v", err)
		}
	} else {
		return errorf(path, "unsupported data type %T", data)
	}
	af, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	return af.finish(encodeNPY(af.W, data, shape))
}
