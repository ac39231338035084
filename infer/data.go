package infer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// MinSamplesPerCondition is the smallest number of novel and of familiar
// rates a neuron must have. Below about 20 samples the empirical quantile
// function has fewer points than the logistic fit has parameters per
// decade of probability, and the bootstrap percentile intervals are
// meaningless (see the degradation table in doc.go: even n = 100 leaves
// most rule parameters unidentified).
const MinSamplesPerCondition = 20

// Condition labels accepted in the condition column (case-insensitive).
const (
	CondNovel    = "novel"
	CondFamiliar = "familiar"
)

// NeuronData holds one neuron's visual responses (Hz) across stimuli: one
// value per novel stimulus and one per familiar stimulus. The two samples
// need not have the same size and are not assumed to be paired.
type NeuronData struct {
	// ID names the neuron (a column value or a file name).
	ID string `json:"id"`
	// Novel and Familiar are rates in Hz, finite and ≥ 0.
	Novel    []float64 `json:"novel_hz"`
	Familiar []float64 `json:"familiar_hz"`
}

// Dataset is a list of neurons in input order.
type Dataset struct {
	// Source names where the data came from (file or directory).
	Source  string
	Neurons []NeuronData
}

// NewNeuronData copies novel and familiar into a validated NeuronData: the
// id must be non-empty, every rate finite and ≥ 0, and each condition must
// have at least MinSamplesPerCondition values. Use it for data that does
// not come from a CSV/TSV file (e.g. NPY arrays).
func NewNeuronData(id string, novel, familiar []float64) (NeuronData, error) {
	if strings.TrimSpace(id) == "" {
		return NeuronData{}, errors.New("infer: empty neuron id")
	}
	for _, c := range []struct {
		name string
		v    []float64
	}{{CondNovel, novel}, {CondFamiliar, familiar}} {
		for i, r := range c.v {
			if err := checkRate(r); err != nil {
				return NeuronData{}, fmt.Errorf("infer: neuron %q: %s rate %d: %v", id, c.name, i, err)
			}
		}
		if len(c.v) < MinSamplesPerCondition {
			return NeuronData{}, fmt.Errorf("infer: neuron %q: %d %s rates, need at least %d (MinSamplesPerCondition)", id, len(c.v), c.name, MinSamplesPerCondition)
		}
	}
	return NeuronData{ID: id, Novel: append([]float64(nil), novel...), Familiar: append([]float64(nil), familiar...)}, nil
}

func checkRate(r float64) error {
	switch {
	case math.IsNaN(r):
		return errors.New("rate is NaN")
	case math.IsInf(r, 0):
		return errors.New("rate is infinite")
	case r < 0:
		return fmt.Errorf("rate %v Hz is negative", r)
	}
	return nil
}

// ReadRates reads one CSV (comma) or TSV (tab) file with a header row.
// Two layouts are accepted (column order free, names case-insensitive,
// extra columns ignored):
//
//	neuron,condition,rate_hz   many neurons, in order of first appearance
//	rate_hz,condition          one neuron whose id is the file name without extension
//
// condition is novel or familiar (case-insensitive). Blank lines and lines
// starting with # are skipped. Every error names the file, the line number
// (1-based, the header is line 1 unless preceded by comments) and the
// column; a neuron with fewer than MinSamplesPerCondition rates in either
// condition is an error naming the file, the neuron and the condition column.
func ReadRates(path string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("infer: %w", err)
	}
	defer f.Close()
	base := filepath.Base(path)
	id := strings.TrimSuffix(base, filepath.Ext(base))
	neurons, err := readRates(f, path, id)
	if err != nil {
		return nil, err
	}
	return &Dataset{Source: path, Neurons: neurons}, nil
}

// ReadRatesDir reads every *.csv and *.tsv file of dir (sorted by name),
// each in either layout of ReadRates, into one Dataset. Neuron ids must be
// unique across files.
func ReadRatesDir(dir string) (*Dataset, error) {
	return ReadDirWith(dir, []string{".csv", ".tsv"}, ReadRates)
}

// ReadDirWith reads every file of dir whose extension (case-insensitive) is
// in exts, sorted by name, with read, and merges the neurons into one
// Dataset. Neuron ids must be unique across files.
func ReadDirWith(dir string, exts []string, read func(path string) (*Dataset, error)) (*Dataset, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("infer: %w", err)
	}
	var names []string
	for _, e := range ents {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if !e.IsDir() && slices.Contains(exts, ext) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("infer: %s: no %s files", dir, strings.Join(exts, ", "))
	}
	ds := &Dataset{Source: dir}
	seen := map[string]string{}
	for _, n := range names {
		p := filepath.Join(dir, n)
		d, err := read(p)
		if err != nil {
			return nil, err
		}
		for _, nd := range d.Neurons {
			if prev, ok := seen[nd.ID]; ok {
				return nil, fmt.Errorf("infer: %s: neuron %q already read from %s", p, nd.ID, prev)
			}
			seen[nd.ID] = p
			ds.Neurons = append(ds.Neurons, nd)
		}
	}
	return ds, nil
}

func readRates(r io.Reader, path, fileID string) ([]NeuronData, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3) // UTF-8 byte-order mark (spreadsheet exports)
	}
	delim := ','
	switch strings.ToLower(filepath.Ext(path)) {
	case ".tsv", ".tab":
		delim = '\t'
	case ".csv":
	default: // sniff the first line
		head, _ := br.Peek(4096) // short files return what there is
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			head = head[:i]
		}
		if bytes.Count(head, []byte{'\t'}) > bytes.Count(head, []byte{','}) {
			delim = '\t'
		}
	}
	cr := csv.NewReader(br)
	cr.Comma = delim
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("infer: %s: empty file (want a header rate_hz,condition or neuron,condition,rate_hz)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("infer: %s: %w", path, err)
	}
	hline, _ := cr.FieldPos(0)
	if delim == ',' && len(header) == 1 && strings.Contains(header[0], "\t") {
		return nil, fmt.Errorf("infer: %s: line %d: header looks tab-separated; name the file .tsv", path, hline)
	}
	col := map[string]int{}
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[k]; dup && k != "" {
			return nil, fmt.Errorf("infer: %s: line %d, column %d: duplicate column %q", path, hline, i+1, k)
		}
		col[k] = i
	}
	var missing []string
	for _, k := range []string{"rate_hz", "condition"} {
		if _, ok := col[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("infer: %s: line %d: missing column(s) %s (header %q; want rate_hz,condition or neuron,condition,rate_hz)",
			path, hline, strings.Join(missing, ", "), strings.Join(header, string(delim)))
	}
	ci, ri := col["condition"], col["rate_hz"]
	ni, many := col["neuron"]
	type acc struct {
		nov, fam []float64
		lastLine int
	}
	byID := map[string]*acc{}
	var order []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("infer: %s: %w", path, err)
		}
		if len(rec) != len(header) {
			return nil, fmt.Errorf("infer: %s: line %d: %d fields, header has %d", path, line, len(rec), len(header))
		}
		id := fileID
		if many {
			id = strings.TrimSpace(rec[ni])
			if id == "" {
				return nil, fmt.Errorf("infer: %s: line %d, column %d (neuron): empty neuron id", path, line, ni+1)
			}
		}
		cond := strings.ToLower(strings.TrimSpace(rec[ci]))
		if cond != CondNovel && cond != CondFamiliar {
			return nil, fmt.Errorf("infer: %s: line %d, column %d (condition): unknown condition %q (want novel or familiar)", path, line, ci+1, rec[ci])
		}
		s := strings.TrimSpace(rec[ri])
		v, perr := strconv.ParseFloat(s, 64)
		if perr != nil {
			return nil, fmt.Errorf("infer: %s: line %d, column %d (rate_hz): %q is not a number", path, line, ri+1, s)
		}
		if err := checkRate(v); err != nil {
			return nil, fmt.Errorf("infer: %s: line %d, column %d (rate_hz): %v", path, line, ri+1, err)
		}
		a := byID[id]
		if a == nil {
			a = &acc{}
			byID[id] = a
			order = append(order, id)
		}
		a.lastLine = line
		if cond == CondNovel {
			a.nov = append(a.nov, v)
		} else {
			a.fam = append(a.fam, v)
		}
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("infer: %s: no data rows after the header", path)
	}
	out := make([]NeuronData, 0, len(order))
	for _, id := range order {
		a := byID[id]
		for _, c := range []struct {
			name string
			n    int
		}{{CondNovel, len(a.nov)}, {CondFamiliar, len(a.fam)}} {
			if c.n < MinSamplesPerCondition {
				return nil, fmt.Errorf("infer: %s: neuron %q (rows up to line %d), column %d (condition): %d %s rates, need at least %d (MinSamplesPerCondition)",
					path, id, a.lastLine, ci+1, c.n, c.name, MinSamplesPerCondition)
			}
		}
		out = append(out, NeuronData{ID: id, Novel: a.nov, Familiar: a.fam})
	}
	return out, nil
}
