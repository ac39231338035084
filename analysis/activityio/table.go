package activityio

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/engramsim/engram/store"
)

// Table is a numeric table read from delimited text. Values are stored
// row-major in one slice (no per-row allocation).
type Table struct {
	// Path is the file the table was read from.
	Path string
	// Header holds the column names, or nil when the file has no header.
	Header []string
	// Width is the number of columns; Data holds Rows()·Width values, row
	// by row.
	Width int
	Data  []float64
	// breaks records the rows whose line number does not follow the
	// previous row's (after blank or comment lines): row → line.
	breaks []lineBreak
}

type lineBreak struct{ row, line int }

// Columns returns the number of columns.
func (t *Table) Columns() int { return t.Width }

// Rows returns the number of data rows.
func (t *Table) Rows() int {
	if t.Width == 0 {
		return 0
	}
	return len(t.Data) / t.Width
}

// Row returns row i (a view into Data).
func (t *Table) Row(i int) []float64 { return t.Data[i*t.Width : (i+1)*t.Width : (i+1)*t.Width] }

// At returns the value in row i, column j.
func (t *Table) At(i, j int) float64 { return t.Data[i*t.Width+j] }

// Line returns the 1-based line number of row i in the file.
func (t *Table) Line(i int) int {
	k := sort.Search(len(t.breaks), func(k int) bool { return t.breaks[k].row > i }) - 1
	if k < 0 {
		return i + 1
	}
	return t.breaks[k].line + i - t.breaks[k].row
}

// ColumnName returns a description of column j (0-based) for messages:
// `column 3 ("trial_2")` or `column 3`.
func (t *Table) ColumnName(j int) string {
	if t.Header != nil && j < len(t.Header) {
		return fmt.Sprintf("column %d (%q)", j+1, clip(t.Header[j], 40))
	}
	return fmt.Sprintf("column %d", j+1)
}

// Find returns the index of the first header column whose lower-cased name
// is one of names, or −1.
func (t *Table) Find(names ...string) int {
	for j, h := range t.Header {
		for _, n := range names {
			if strings.EqualFold(strings.TrimSpace(h), n) {
				return j
			}
		}
	}
	return -1
}

// CheckFinite returns an error naming the line and column of the first NaN
// or Inf value.
func (t *Table) CheckFinite() error {
	for k, v := range t.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			i, j := k/t.Width, k%t.Width
			return fmt.Errorf("%s: line %d, %s: value %v is not finite", t.Path, t.Line(i), t.ColumnName(j), v)
		}
	}
	return nil
}

// checkNonNegative returns an error naming the line, column and value of the
// first negative value; what names the values ("count", "raster entry").
func (t *Table) checkNonNegative(what, hint string) error {
	for k, v := range t.Data {
		if v < 0 {
			i, j := k/t.Width, k%t.Width
			return fmt.Errorf("%s: line %d, %s: %s %v is negative%s", t.Path, t.Line(i), t.ColumnName(j), what, v, hint)
		}
	}
	return nil
}

// maxLine is the longest line the text readers accept (bytes).
const maxLine = 1 << 30

// tableReader reads a table from an open file in two steps: open finds the
// first line that is neither blank nor a comment (the header, if any, so the
// kind of file can be decided), read parses the rest.
type tableReader struct {
	path      string
	sc        *bufio.Scanner
	line      int      // lines consumed so far
	first     []string // fields of the first line
	firstLine int
	split     func(string) []string
	header    bool
}

// newTableReader starts reading r and consumes lines up to and including the
// first non-blank, non-comment one.
func newTableReader(r io.Reader, path string) (*tableReader, error) {
	tr := &tableReader{path: path, sc: bufio.NewScanner(r)}
	tr.sc.Buffer(make([]byte, 64<<10), maxLine)
	for tr.sc.Scan() {
		tr.line++
		s := strings.TrimSpace(strings.TrimSuffix(tr.sc.Text(), "\r"))
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		tr.split = splitterFor(s)
		tr.first, tr.firstLine = tr.split(s), tr.line
		tr.header = isHeader(tr.first)
		return tr, nil
	}
	if err := tr.sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: line %d: %v", path, tr.line+1, err)
	}
	return nil, fmt.Errorf("%s: no data rows", path)
}

// headerFields returns the header's fields, or nil when the first line is data.
func (tr *tableReader) headerFields() []string {
	if tr.header {
		return tr.first
	}
	return nil
}

// read parses the remaining lines. Every row must have as many fields as
// the first line. Errors name the file, line and column.
func (tr *tableReader) read() (*Table, error) {
	width := len(tr.first)
	t := &Table{Path: tr.path, Width: width}
	prevLine := 0 // line of the previous data row
	addRow := func(fields []string, line int) error {
		if len(fields) != width {
			return fmt.Errorf("%s: line %d has %d fields, expected %d like line %d (ragged table)", tr.path, line, len(fields), width, tr.firstLine)
		}
		if line != prevLine+1 {
			t.breaks = append(t.breaks, lineBreak{t.Rows(), line})
		}
		prevLine = line
		for j, fs := range fields {
			v, err := strconv.ParseFloat(fs, 64)
			if err != nil {
				return fmt.Errorf("%s: line %d, %s: cannot parse %q as a number", tr.path, line, t.ColumnName(j), clip(fs, 40))
			}
			t.Data = append(t.Data, v)
		}
		return nil
	}
	if tr.header {
		t.Header = tr.first
	} else if err := addRow(tr.first, tr.firstLine); err != nil {
		return nil, err
	}
	for tr.sc.Scan() {
		tr.line++
		s := strings.TrimSpace(strings.TrimSuffix(tr.sc.Text(), "\r"))
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if err := addRow(tr.split(s), tr.line); err != nil {
			return nil, err
		}
	}
	if err := tr.sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: line %d: %v", tr.path, tr.line+1, err)
	}
	if t.Rows() == 0 {
		return nil, fmt.Errorf("%s: no data rows", tr.path)
	}
	return t, nil
}

// ReadTable reads a delimited numeric table from a regular file. Blank
// lines and lines starting with '#' are skipped. The delimiter is taken
// from the first remaining line: a comma if it has one, else a tab if it has
// one, else runs of white space. That first line is a header when any of
// its fields is not a number. Every row must have as many fields as the
// first line. The file is opened once; errors name the file, line and
// column.
func ReadTable(path string) (*Table, error) {
	f, _, err := store.OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tr, err := newTableReader(f, path)
	if err != nil {
		return nil, err
	}
	return tr.read()
}

// textBytes bounds the memory reading a text table of size bytes takes: at
// most (size+1)/2 values (a character and a separator each) of 8 bytes,
// doubled while append grows the slice; line breaks (at most one per 3
// bytes: a row and a blank line) of 16 bytes, also doubled; the scanner's
// buffer (twice the longest line) and the header's strings.
func textBytes(size int64) int64 {
	values := (size + 1) / 2
	return 2*8*values + 2*16*(size/3) + 2*size + 2*size + 64<<10
}

func splitterFor(s string) func(string) []string {
	var sep string
	switch {
	case strings.Contains(s, ","):
		sep = ","
	case strings.Contains(s, "\t"):
		sep = "\t"
	default:
		return strings.Fields
	}
	return func(s string) []string {
		f := strings.Split(s, sep)
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		return f
	}
}

func isHeader(fields []string) bool {
	for _, f := range fields {
		if _, err := strconv.ParseFloat(f, 64); err != nil {
			return true
		}
	}
	return false
}

// clip shortens s to at most n bytes for messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
