package store

import (
	"encoding/binary"
	"fmt"
	"math"
)

// NPYWriter streams rows of a fixed shape into a .npy file whose number of
// rows is not known in advance. The file has shape (Rows(), rowShape...).
//
// The header is written up front with a first-axis length of 0 and the
// same spare space numpy leaves for growing arrays (21 digits), so Close
// can patch the real row count in place. Rows are buffered; writing a row
// does not allocate. Nothing appears at the target path until Close
// succeeds; Abort discards everything.
//
// Each Write method accepts one row of exactly RowLen() elements and
// converts it to the writer's DType:
//
//	WriteFloat32, WriteFloat64: Float32 or Float64 writers
//	WriteInt32, WriteInt64:     any writer (range-checked for Int32, Uint8, Bool)
//	WriteUint8:                 Uint8 writers
//	WriteBool:                  Bool writers
//
// A row of the wrong length or a method/DType combination outside this
// table is a programming error and panics. An out-of-range value returns
// an error and the row is not written. An IO error is sticky: later writes
// return it and Close aborts.
type NPYWriter struct {
	af       *AtomicFile
	dt       DType
	rowShape []int
	rowLen   int
	rows     int
	hdrLen   int
	buf      []byte
	err      error
	closed   bool
}

// NewNPYWriter starts a streaming write of path with element type dt and
// per-row shape rowShape (empty: each row is a single scalar, giving a 1-D
// file).
func NewNPYWriter(path string, dt DType, rowShape ...int) (*NPYWriter, error) {
	_ = dt.Descr() // panics on an invalid DType
	rowLen := 1
	for _, s := range rowShape {
		if s < 0 {
			panic(fmt.Sprintf("store: NewNPYWriter %s: negative row dimension in %v", path, rowShape))
		}
		rowLen *= s
	}
	w := &NPYWriter{
		dt:       dt,
		rowShape: append([]int(nil), rowShape...),
		rowLen:   rowLen,
		buf:      make([]byte, rowLen*dt.Size()),
	}
	hdr := npyHeader(dt.Descr(), w.shape())
	af, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	if _, err := af.W.Write(hdr); err != nil {
		af.Abort()
		return nil, fmt.Errorf("store: write %s: %w", path, err)
	}
	w.af, w.hdrLen = af, len(hdr)
	return w, nil
}

func (w *NPYWriter) shape() []int { return append([]int{w.rows}, w.rowShape...) }

// Rows returns the number of rows written so far.
func (w *NPYWriter) Rows() int { return w.rows }

// RowLen returns the number of elements per row.
func (w *NPYWriter) RowLen() int { return w.rowLen }

// DType returns the element type of the file.
func (w *NPYWriter) DType() DType { return w.dt }

// begin checks the writer state and the row length before a write.
func (w *NPYWriter) begin(method string, n int) error {
	if w.closed {
		return errorf(w.af.path, "%s: writer already closed", method)
	}
	if w.err != nil {
		return w.err
	}
	if n != w.rowLen {
		panic(fmt.Sprintf("store: NPYWriter.%s %s: row has %d elements, want %d", method, w.af.path, n, w.rowLen))
	}
	return nil
}

func (w *NPYWriter) badType(method string) {
	panic(fmt.Sprintf("store: NPYWriter.%s on a %s writer (%s)", method, w.dt.Descr(), w.af.path))
}

// commitRow writes the encoded row in w.buf.
func (w *NPYWriter) commitRow() error {
	if _, err := w.af.W.Write(w.buf); err != nil {
		w.err = fmt.Errorf("store: write %s: %w", w.af.path, err)
		return w.err
	}
	w.rows++
	return nil
}

// WriteFloat32 appends one row.
func (w *NPYWriter) WriteFloat32(row []float32) error {
	if err := w.begin("WriteFloat32", len(row)); err != nil {
		return err
	}
	le := binary.LittleEndian
	switch w.dt {
	case Float32:
		for i, v := range row {
			le.PutUint32(w.buf[4*i:], math.Float32bits(v))
		}
	case Float64:
		for i, v := range row {
			le.PutUint64(w.buf[8*i:], math.Float64bits(float64(v)))
		}
	default:
		w.badType("WriteFloat32")
	}
	return w.commitRow()
}

// WriteFloat64 appends one row. For a Float32 writer values are rounded
// to float32.
func (w *NPYWriter) WriteFloat64(row []float64) error {
	if err := w.begin("WriteFloat64", len(row)); err != nil {
		return err
	}
	le := binary.LittleEndian
	switch w.dt {
	case Float32:
		for i, v := range row {
			le.PutUint32(w.buf[4*i:], math.Float32bits(float32(v)))
		}
	case Float64:
		for i, v := range row {
			le.PutUint64(w.buf[8*i:], math.Float64bits(v))
		}
	default:
		w.badType("WriteFloat64")
	}
	return w.commitRow()
}

// WriteInt32 appends one row.
func (w *NPYWriter) WriteInt32(row []int32) error {
	if err := w.begin("WriteInt32", len(row)); err != nil {
		return err
	}
	for i, v := range row {
		if err := w.putInt(i, int64(v)); err != nil {
			return err
		}
	}
	return w.commitRow()
}

// WriteInt64 appends one row.
func (w *NPYWriter) WriteInt64(row []int64) error {
	if err := w.begin("WriteInt64", len(row)); err != nil {
		return err
	}
	for i, v := range row {
		if err := w.putInt(i, v); err != nil {
			return err
		}
	}
	return w.commitRow()
}

// putInt encodes element i of the current row from an integer.
func (w *NPYWriter) putInt(i int, v int64) error {
	le := binary.LittleEndian
	switch w.dt {
	case Float32:
		le.PutUint32(w.buf[4*i:], math.Float32bits(float32(v)))
	case Float64:
		le.PutUint64(w.buf[8*i:], math.Float64bits(float64(v)))
	case Int32:
		if v < math.MinInt32 || v > math.MaxInt32 {
			return errorf(w.af.path, "row %d element %d: %d out of int32 range", w.rows, i, v)
		}
		le.PutUint32(w.buf[4*i:], uint32(int32(v)))
	case Int64:
		le.PutUint64(w.buf[8*i:], uint64(v))
	case Uint8:
		if v < 0 || v > math.MaxUint8 {
			return errorf(w.af.path, "row %d element %d: %d out of uint8 range", w.rows, i, v)
		}
		w.buf[i] = byte(v)
	case Bool:
		if v != 0 && v != 1 {
			return errorf(w.af.path, "row %d element %d: %d is not a bool (0 or 1)", w.rows, i, v)
		}
		w.buf[i] = byte(v)
	}
	return nil
}

// WriteUint8 appends one row to a Uint8 writer.
func (w *NPYWriter) WriteUint8(row []uint8) error {
	if err := w.begin("WriteUint8", len(row)); err != nil {
		return err
	}
	if w.dt != Uint8 {
		w.badType("WriteUint8")
	}
	copy(w.buf, row)
	return w.commitRow()
}

// WriteBool appends one row to a Bool writer.
func (w *NPYWriter) WriteBool(row []bool) error {
	if err := w.begin("WriteBool", len(row)); err != nil {
		return err
	}
	if w.dt != Bool {
		w.badType("WriteBool")
	}
	for i, v := range row {
		w.buf[i] = 0
		if v {
			w.buf[i] = 1
		}
	}
	return w.commitRow()
}

// Close patches the header with the final row count and atomically moves
// the file into place. After a sticky write error Close aborts and
// returns that error. Close after Close or Abort returns nil.
func (w *NPYWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if w.err != nil {
		w.af.Abort()
		return w.err
	}
	hdr := npyHeader(w.dt.Descr(), w.shape())
	if len(hdr) != w.hdrLen {
		// Cannot happen for fewer than 10^21 rows; kept as a guard.
		w.af.Abort()
		return errorf(w.af.path, "patched header is %d bytes, reserved %d", len(hdr), w.hdrLen)
	}
	if err := w.af.W.Flush(); err != nil {
		w.af.Abort()
		return fmt.Errorf("store: write %s: %w", w.af.path, err)
	}
	if _, err := w.af.f.WriteAt(hdr, 0); err != nil {
		w.af.Abort()
		return fmt.Errorf("store: patch header of %s: %w", w.af.path, err)
	}
	return w.af.Commit()
}

// Abort discards the temporary file; the target path is not touched.
func (w *NPYWriter) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	w.af.Abort()
}
