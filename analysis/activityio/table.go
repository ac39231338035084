package activityio

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// Table is a numeric table read from delimited text.
type Table struct {
	// Path is the file the table was read from.
	Path string
	// Header holds the column names, or nil when the file has no header.
	Header []string
	// Rows holds the values row by row; every row has len(Columns) values.
	Rows [][]float64
	// Lines[i] is the 1-based line number of Rows[i] in the file.
	Lines []int
}

// Columns returns the number of columns.
func (t *Table) Columns() int {
	if t.Header != nil {
		return len(t.Header)
	}
	if len(t.Rows) > 0 {
		return len(t.Rows[0])
	}
	return 0
}

// ColumnName returns a description of column j (0-based) for messages:
// `column 3 ("trial_2")` or `column 3`.
func (t *Table) ColumnName(j int) string {
	if t.Header != nil && j < len(t.Header) {
		return fmt.Sprintf("column %d (%q)", j+1, t.Header[j])
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
	for i, row := range t.Rows {
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s: line %d, %s: value %v is not finite", t.Path, t.Lines[i], t.ColumnName(j), v)
			}
		}
	}
	return nil
}

// ReadTable reads a delimited numeric table. Blank lines and lines starting
// with '#' are skipped. The delimiter is taken from the first remaining
// line: a comma if it has one, else a tab if it has one, else runs of
// white space. That first line is a header when any of its fields is not a
// number. Every row must have as many fields as the first line. Errors name
// the file, line and column.
func ReadTable(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t := &Table{Path: path}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	var split func(string) []string
	width, line, firstLine := -1, 0, 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(strings.TrimSuffix(sc.Text(), "\r"))
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if split == nil {
			split = splitterFor(s)
			fields := split(s)
			width, firstLine = len(fields), line
			if isHeader(fields) {
				t.Header = fields
				continue
			}
		}
		fields := split(s)
		if len(fields) != width {
			return nil, fmt.Errorf("%s: line %d has %d fields, expected %d like line %d (ragged table)", path, line, len(fields), width, firstLine)
		}
		row := make([]float64, width)
		for j, fs := range fields {
			v, err := strconv.ParseFloat(fs, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: line %d, %s: cannot parse %q as a number", path, line, t.ColumnName(j), fs)
			}
			row[j] = v
		}
		t.Rows = append(t.Rows, row)
		t.Lines = append(t.Lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: line %d: %v", path, line+1, err)
	}
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("%s: no data rows", path)
	}
	return t, nil
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
