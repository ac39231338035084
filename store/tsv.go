package store

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// FormatFloat formats v the way every TSV in this package does: the
// shortest decimal that round-trips (strconv 'g', -1), and "nan", "inf",
// "-inf" for the special values (what numpy.loadtxt and pandas read).
func FormatFloat(v float64) string {
	return string(appendFloat(nil, v, 64))
}

func appendFloat(b []byte, v float64, bits int) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "nan"...)
	case math.IsInf(v, 1):
		return append(b, "inf"...)
	case math.IsInf(v, -1):
		return append(b, "-inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, bits)
}

func checkField(s string) error {
	if strings.ContainsAny(s, "\t\r\n") {
		return fmt.Errorf("field %q contains a tab or newline", s)
	}
	return nil
}

// WriteTSV writes a numeric table: one header line (no leading '#'), then
// one line per row, tab-separated, floats as in FormatFloat. All columns
// must have the same length and len(header) must equal len(cols). The
// write is atomic.
func WriteTSV(path string, header []string, cols ...[]float64) error {
	if len(header) != len(cols) {
		return errorf(path, "%d header names for %d columns", len(header), len(cols))
	}
	for j, c := range cols {
		if len(c) != len(cols[0]) {
			return errorf(path, "column %q has %d rows, column %q has %d", header[j], len(c), header[0], len(cols[0]))
		}
	}
	w, err := NewTSVWriter(path, header)
	if err != nil {
		return err
	}
	n := 0
	if len(cols) > 0 {
		n = len(cols[0])
	}
	var line []byte
	for i := 0; i < n && w.err == nil; i++ {
		line = line[:0]
		for j, c := range cols {
			if j > 0 {
				line = append(line, '\t')
			}
			line = appendFloat(line, c[i], 64)
		}
		w.writeLine(line)
	}
	return w.Close()
}

// TSVWriter streams a table row by row. The header line is written before
// the first row (or at Close for an empty table); Comment lines written
// before that precede it. The file appears at its path only when Close
// succeeds.
type TSVWriter struct {
	af         *AtomicFile
	header     []string
	headerDone bool
	line       []byte
	err        error
	closed     bool
}

// NewTSVWriter starts an atomic write of a table with the given column
// names. Names must not contain tabs or newlines.
func NewTSVWriter(path string, header []string) (*TSVWriter, error) {
	if len(header) == 0 {
		return nil, errorf(path, "empty header")
	}
	for _, h := range header {
		if err := checkField(h); err != nil {
			return nil, errorf(path, "header: %v", err)
		}
	}
	af, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	return &TSVWriter{af: af, header: append([]string(nil), header...)}, nil
}

// writeHeader writes the header line once.
func (w *TSVWriter) writeHeader() {
	if w.headerDone || w.err != nil {
		return
	}
	w.headerDone = true
	if _, err := w.af.W.WriteString(strings.Join(w.header, "\t") + "\n"); err != nil {
		w.err = fmt.Errorf("store: write %s: %w", w.af.path, err)
	}
}

// writeLine writes b and a newline, after the header.
func (w *TSVWriter) writeLine(b []byte) {
	w.writeHeader()
	if w.err != nil {
		return
	}
	if _, err := w.af.W.Write(b); err == nil {
		err = w.af.W.WriteByte('\n')
		if err != nil {
			w.err = fmt.Errorf("store: write %s: %w", w.af.path, err)
		}
	} else {
		w.err = fmt.Errorf("store: write %s: %w", w.af.path, err)
	}
}

// Comment writes "# text" on its own line. Comments written before the
// first Row come before the header line; readers such as ReadTSV,
// numpy.loadtxt and pandas (comment='#') skip them.
func (w *TSVWriter) Comment(text string) error {
	if w.closed {
		return errorf(w.af.path, "Comment after Close")
	}
	if strings.ContainsAny(text, "\r\n") {
		return errorf(w.af.path, "comment %q contains a newline", text)
	}
	if w.err != nil {
		return w.err
	}
	if _, err := w.af.W.WriteString("# " + text + "\n"); err != nil {
		w.err = fmt.Errorf("store: write %s: %w", w.af.path, err)
	}
	return w.err
}

// Row writes one row of len(header) values. Accepted types: string (no
// tabs or newlines), bool, int, int8..int64, uint, uint8..uint64, float32
// (formatted at float32 precision), float64.
func (w *TSVWriter) Row(vals ...any) error {
	if w.closed {
		return errorf(w.af.path, "Row after Close")
	}
	if w.err != nil {
		return w.err
	}
	if len(vals) != len(w.header) {
		return errorf(w.af.path, "row has %d values, header has %d columns", len(vals), len(w.header))
	}
	b := w.line[:0]
	for j, v := range vals {
		if j > 0 {
			b = append(b, '\t')
		}
		switch x := v.(type) {
		case string:
			if err := checkField(x); err != nil {
				return errorf(w.af.path, "column %q: %v", w.header[j], err)
			}
			b = append(b, x...)
		case bool:
			b = strconv.AppendBool(b, x)
		case int:
			b = strconv.AppendInt(b, int64(x), 10)
		case int8:
			b = strconv.AppendInt(b, int64(x), 10)
		case int16:
			b = strconv.AppendInt(b, int64(x), 10)
		case int32:
			b = strconv.AppendInt(b, int64(x), 10)
		case int64:
			b = strconv.AppendInt(b, x, 10)
		case uint:
			b = strconv.AppendUint(b, uint64(x), 10)
		case uint8:
			b = strconv.AppendUint(b, uint64(x), 10)
		case uint16:
			b = strconv.AppendUint(b, uint64(x), 10)
		case uint32:
			b = strconv.AppendUint(b, uint64(x), 10)
		case uint64:
			b = strconv.AppendUint(b, x, 10)
		case float32:
			b = appendFloat(b, float64(x), 32)
		case float64:
			b = appendFloat(b, x, 64)
		default:
			return errorf(w.af.path, "column %q: unsupported value type %T", w.header[j], v)
		}
	}
	w.line = b
	w.writeLine(b)
	return w.err
}

// Close writes the header if no row was written and atomically moves the
// file into place. After a write error it discards the file and returns
// the error. Close after Close or Abort returns nil.
func (w *TSVWriter) Close() error {
	if w.closed {
		return nil
	}
	w.writeHeader()
	w.closed = true
	if w.err != nil {
		w.af.Abort()
		return w.err
	}
	return w.af.Commit()
}

// Abort discards the file; the target path is not touched.
func (w *TSVWriter) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	w.af.Abort()
}

// maxTSVLine is the longest line the TSV readers accept (bytes).
const maxTSVLine = 64 << 20

// scanTSV reads the layout shared by ReadTSVRecords and ReadTSV: lines
// starting with '#' and blank lines are skipped, the first other line is
// the header, and row is called for every following line, which must have
// as many fields as the header. Only regular files are read (OpenRegular).
// Errors name the file and line.
func scanTSV(path string, row func(lineNo int, header, fields []string) error) ([]string, error) {
	f, _, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return scanTSVFrom(f, path, row)
}

func scanTSVFrom(r io.Reader, path string, row func(lineNo int, header, fields []string) error) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxTSVLine)
	var header []string
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if header == nil {
			header = fields
			continue
		}
		if len(fields) != len(header) {
			return nil, errorf(path, "line %d: %d fields, header has %d", lineNo, len(fields), len(header))
		}
		if err := row(lineNo, header, fields); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, errorf(path, "line %d: %v", lineNo+1, err)
	}
	if header == nil {
		return nil, errorf(path, "no header line")
	}
	return header, nil
}

// ReadTSVRecords reads any TSV written by this package (or similar):
// lines starting with '#' and blank lines are skipped, the first other
// line is the header, and every following line must have as many fields
// as the header. Errors name the file and line.
func ReadTSVRecords(path string) (header []string, rows [][]string, err error) {
	header, err = scanTSV(path, func(_ int, _, fields []string) error {
		rows = append(rows, fields)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return header, rows, nil
}

// ReadTSV reads a numeric table (see ReadTSVRecords for the layout) and
// returns its columns. Fields are parsed with strconv.ParseFloat, which
// also accepts "nan", "inf" and "-inf". Errors name the file, line and
// column.
func ReadTSV(path string) (header []string, cols [][]float64, err error) {
	f, _, err := OpenRegular(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return readTSVFrom(f, path)
}

func readTSVFrom(r io.Reader, path string) (header []string, cols [][]float64, err error) {
	header, err = scanTSVFrom(r, path, func(lineNo int, header, fields []string) error {
		if cols == nil {
			cols = make([][]float64, len(header))
		}
		for j, field := range fields {
			v, err := strconv.ParseFloat(field, 64)
			if err != nil {
				return errorf(path, "line %d, column %d (%s): %q is not a number", lineNo, j+1, header[j], clip(field, 40))
			}
			cols[j] = append(cols[j], v)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if cols == nil {
		cols = make([][]float64, len(header))
	}
	return header, cols, nil
}
