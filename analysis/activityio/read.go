package activityio

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/engramsim/engram/analysis/avalanche"
	"github.com/engramsim/engram/store"
)

// Kind says what an input file holds.
type Kind string

// Input kinds (see the package documentation for the layouts).
const (
	KindAuto   Kind = ""       // detect spike files, otherwise counts
	KindCounts Kind = "counts" // population counts, trials × bins
	KindRaster Kind = "raster" // spikes per neuron and bin, summed over neurons
	KindSpikes Kind = "spikes" // spike times, pooled and binned
)

// ParseKind converts a flag value ("auto", "counts", "raster", "spikes").
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(strings.TrimSpace(s))); k {
	case "auto", KindAuto:
		return KindAuto, nil
	case KindCounts, KindRaster, KindSpikes:
		return k, nil
	}
	return "", fmt.Errorf("unknown input kind %q (want auto, counts, raster or spikes)", s)
}

// Options configures Read. nil or the zero value means: detect the kind,
// no bin width recorded, spike times require BinMs or BinMeanIEI.
type Options struct {
	// Kind of the input (default KindAuto).
	Kind Kind
	// Array names the .npz member holding counts or a raster (default: the
	// only member). For spike .npz files the members are times and ids.
	Array string
	// BinMs is the bin width in ms: the width used to bin spike times, or
	// the width of the existing bins of counts and rasters (0: unknown).
	BinMs float64
	// BinMeanIEI bins spike times with the mean inter-event interval of the
	// pooled train instead of BinMs.
	BinMeanIEI bool
	// StartMs, if non-nil, is the start of the first bin of spike times
	// (default: 0 for engram recordings, the first spike otherwise).
	StartMs *float64
	// DtMs and DurationMs describe an engram spike recording (integration
	// step, recorded duration); 0 means read them from the run directory's
	// config.resolved.toml.
	DtMs, DurationMs float64
}

// Activity is population activity read from a file.
type Activity struct {
	// Counts[trial][bin] are events per bin; all trials have the same length.
	Counts [][]float64
	// BinMs is the bin width in ms (0 when unknown).
	BinMs float64
	// Kind is the kind that was read (never KindAuto).
	Kind Kind
	// Neurons is the number of raster rows or distinct spike ids (0 for
	// counts, or when spike ids are not given).
	Neurons int
	// Spikes is the number of spikes binned (spike input only).
	Spikes int
	// Source describes what was read, e.g. "x.npy: counts, 10 trials × 10000 bins".
	Source string
}

// Trials returns the number of trials; Bins the number of bins per trial.
func (a *Activity) Trials() int { return len(a.Counts) }

// Bins returns the number of bins per trial.
func (a *Activity) Bins() int {
	if len(a.Counts) == 0 {
		return 0
	}
	return len(a.Counts[0])
}

// Read reads population activity from path (see the package documentation
// for kinds and layouts).
func Read(path string, opts *Options) (*Activity, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.BinMs < 0 || math.IsNaN(o.BinMs) || math.IsInf(o.BinMs, 0) {
		return nil, fmt.Errorf("bin width %v ms must be positive and finite", o.BinMs)
	}
	if o.BinMeanIEI && o.BinMs > 0 {
		return nil, fmt.Errorf("give either a bin width or mean-IEI binning, not both")
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		rec := filepath.Join(path, "rec", "spikes.npy")
		if _, err := os.Stat(rec); err != nil {
			return nil, fmt.Errorf("%s is a directory without rec/spikes.npy (not an engram spiking run)", path)
		}
		if o.Kind != KindAuto && o.Kind != KindSpikes {
			return nil, fmt.Errorf("%s is a run directory: it holds spikes, not %s", path, o.Kind)
		}
		path, o.Kind = rec, KindSpikes
	}
	ext := strings.ToLower(filepath.Ext(path))
	kind := o.Kind
	if kind == KindAuto {
		if kind, err = detect(path, ext); err != nil {
			return nil, err
		}
	}
	if kind != KindSpikes && o.BinMeanIEI {
		return nil, fmt.Errorf("%s: mean-IEI binning needs spike times, but the file holds %s (use --input spikes for spike files)", path, kind)
	}
	var act *Activity
	switch kind {
	case KindCounts:
		act, err = readCounts(path, ext, o.Array)
	case KindRaster:
		act, err = readRaster(path, ext, o.Array)
	case KindSpikes:
		act, err = readSpikes(path, &o)
	default:
		return nil, fmt.Errorf("unknown input kind %q", kind)
	}
	if err != nil {
		return nil, err
	}
	if kind != KindSpikes {
		act.BinMs = o.BinMs
	}
	return act, nil
}

// detect decides between spikes and counts for KindAuto.
func detect(path, ext string) (Kind, error) {
	switch ext {
	case ".npz":
		arrs, _, err := store.ReadNPZ(path)
		if err != nil {
			return "", err
		}
		if _, ok := arrs["times"]; ok {
			return KindSpikes, nil
		}
	case ".npy":
		a, err := store.ReadNPY(path)
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(strings.ToLower(filepath.Base(path)), "spikes") && len(a.Shape) == 2 && a.Shape[1] == 2 && isIntDType(a.DType) {
			return KindSpikes, nil
		}
	default:
		t, err := ReadTable(path)
		if err != nil {
			return "", err
		}
		if t.Header != nil && t.Find(timeNames...) >= 0 {
			return KindSpikes, nil
		}
	}
	return KindCounts, nil
}

var (
	timeNames   = []string{"time", "time_ms", "t", "t_ms"}
	neuronNames = []string{"neuron", "neuron_id", "id", "sender", "unit"}
)

func isIntDType(d string) bool {
	return strings.Contains(d, "i") || strings.Contains(d, "u")
}

// readArray reads a .npy or the chosen .npz member and returns it with a
// label for messages.
func readArray(path, ext, member string) (*store.Array, string, error) {
	switch ext {
	case ".npy":
		if member != "" {
			return nil, "", fmt.Errorf("%s: an array name (%q) only applies to .npz files", path, member)
		}
		a, err := store.ReadNPY(path)
		return a, path, err
	case ".npz":
		arrs, names, err := store.ReadNPZ(path)
		if err != nil {
			return nil, "", err
		}
		if member == "" {
			if len(names) != 1 {
				return nil, "", fmt.Errorf("%s: holds %d arrays (%s); name one with --array", path, len(names), strings.Join(names, ", "))
			}
			member = names[0]
		}
		a, ok := arrs[member]
		if !ok {
			return nil, "", fmt.Errorf("%s: no array %q (have %s)", path, member, strings.Join(names, ", "))
		}
		return a, fmt.Sprintf("%s[%s]", path, member), nil
	}
	return nil, "", fmt.Errorf("%s: not an array file", path)
}

func checkFiniteArray(a *store.Array, label string) error {
	if a.Data == nil {
		return fmt.Errorf("%s: dtype %s is not numeric", label, a.DType)
	}
	for i, v := range a.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: element %s is %v (not finite)", label, index(a.Shape, i), v)
		}
	}
	return nil
}

// index formats flat index i of a C-ordered array as [i0, i1, …].
func index(shape []int, i int) string {
	idx := make([]string, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = strconv.Itoa(i % shape[d])
		i /= shape[d]
	}
	return "[" + strings.Join(idx, ", ") + "]"
}

func rows(a *store.Array, n, l, off int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = append([]float64(nil), a.Data[off+i*l:off+(i+1)*l]...)
	}
	return out
}

func readCounts(path, ext, member string) (*Activity, error) {
	if ext == ".npy" || ext == ".npz" {
		a, label, err := readArray(path, ext, member)
		if err != nil {
			return nil, err
		}
		if err := checkFiniteArray(a, label); err != nil {
			return nil, err
		}
		var c [][]float64
		switch len(a.Shape) {
		case 1:
			c = rows(a, 1, a.Shape[0], 0)
		case 2:
			c = rows(a, a.Shape[0], a.Shape[1], 0)
		default:
			return nil, fmt.Errorf("%s: counts must be 1-D (one trial) or 2-D (trials × bins), got shape %v", label, a.Shape)
		}
		if len(c) == 0 || len(c[0]) == 0 {
			return nil, fmt.Errorf("%s: empty array (shape %v)", label, a.Shape)
		}
		return &Activity{Counts: c, Kind: KindCounts, Source: fmt.Sprintf("%s: counts, %d trials × %d bins", label, len(c), len(c[0]))}, nil
	}
	if member != "" {
		return nil, fmt.Errorf("%s: an array name (%q) only applies to .npz files", path, member)
	}
	t, err := ReadTable(path)
	if err != nil {
		return nil, err
	}
	if err := t.CheckFinite(); err != nil {
		return nil, err
	}
	if ti, bi, ci := t.Find("trial"), t.Find("bin"), t.Find("count"); ti >= 0 && bi >= 0 && ci >= 0 {
		return countsFromLong(t, ti, bi, ci)
	}
	nt, nb := t.Columns(), len(t.Rows)
	c := make([][]float64, nt)
	for j := range c {
		c[j] = make([]float64, nb)
		for i, r := range t.Rows {
			c[j][i] = r[j]
		}
	}
	return &Activity{Counts: c, Kind: KindCounts, Source: fmt.Sprintf("%s: counts (one column per trial), %d trials × %d bins", path, nt, nb)}, nil
}

func intValue(t *Table, i, j int, what string) (int, error) {
	v := t.Rows[i][j]
	if v != math.Trunc(v) || v < 0 || v > 1<<31 {
		return 0, fmt.Errorf("%s: line %d, %s: %s %v must be an integer ≥ 0", t.Path, t.Lines[i], t.ColumnName(j), what, v)
	}
	return int(v), nil
}

func countsFromLong(t *Table, ti, bi, ci int) (*Activity, error) {
	type key struct{ trial, bin int }
	seen := make(map[key]int, len(t.Rows))
	trialIDs := map[int]bool{}
	maxBin := -1
	for i := range t.Rows {
		tr, err := intValue(t, i, ti, "trial")
		if err != nil {
			return nil, err
		}
		b, err := intValue(t, i, bi, "bin")
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[key{tr, b}]; ok {
			return nil, fmt.Errorf("%s: line %d repeats trial %d, bin %d of line %d", t.Path, t.Lines[i], tr, b, t.Lines[prev])
		}
		seen[key{tr, b}] = i
		trialIDs[tr] = true
		maxBin = max(maxBin, b)
	}
	ids := make([]int, 0, len(trialIDs))
	for id := range trialIDs {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	pos := make(map[int]int, len(ids))
	c := make([][]float64, len(ids))
	for k, id := range ids {
		pos[id] = k
		c[k] = make([]float64, maxBin+1)
	}
	for kb, i := range seen {
		c[pos[kb.trial]][kb.bin] = t.Rows[i][ci]
	}
	return &Activity{Counts: c, Kind: KindCounts, Source: fmt.Sprintf("%s: counts (long format trial, bin, count), %d trials × %d bins", t.Path, len(c), maxBin+1)}, nil
}

func readRaster(path, ext, member string) (*Activity, error) {
	var trials [][][]float64 // trial → neuron → bin
	var label string
	if ext == ".npy" || ext == ".npz" {
		a, l, err := readArray(path, ext, member)
		if err != nil {
			return nil, err
		}
		label = l
		if err := checkFiniteArray(a, label); err != nil {
			return nil, err
		}
		for i, v := range a.Data {
			if v < 0 {
				return nil, fmt.Errorf("%s: raster element %s is negative (%v)", label, index(a.Shape, i), v)
			}
		}
		switch len(a.Shape) {
		case 2:
			trials = [][][]float64{rows(a, a.Shape[0], a.Shape[1], 0)}
		case 3:
			n, l := a.Shape[1], a.Shape[2]
			for tr := 0; tr < a.Shape[0]; tr++ {
				trials = append(trials, rows(a, n, l, tr*n*l))
			}
		default:
			return nil, fmt.Errorf("%s: a raster must be 2-D (neurons × bins) or 3-D (trials × neurons × bins), got shape %v", label, a.Shape)
		}
		if len(trials) == 0 || len(trials[0]) == 0 || len(trials[0][0]) == 0 {
			return nil, fmt.Errorf("%s: empty raster (shape %v)", label, a.Shape)
		}
	} else {
		if member != "" {
			return nil, fmt.Errorf("%s: an array name (%q) only applies to .npz files", path, member)
		}
		t, err := ReadTable(path)
		if err != nil {
			return nil, err
		}
		if t.Header != nil {
			return nil, fmt.Errorf("%s: a text raster has no header (one row per neuron, one column per bin); line 1 is not numeric", path)
		}
		if err := t.CheckFinite(); err != nil {
			return nil, err
		}
		for i, r := range t.Rows {
			for j, v := range r {
				if v < 0 {
					return nil, fmt.Errorf("%s: line %d, %s: raster entry %v is negative", path, t.Lines[i], t.ColumnName(j), v)
				}
			}
		}
		label, trials = path, [][][]float64{t.Rows}
	}
	c := make([][]float64, len(trials))
	for i, r := range trials {
		pc, err := avalanche.PopulationCounts(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", label, err)
		}
		c[i] = pc
	}
	return &Activity{Counts: c, Kind: KindRaster, Neurons: len(trials[0]),
		Source: fmt.Sprintf("%s: raster, %d trials × %d neurons × %d bins", label, len(c), len(trials[0]), len(c[0]))}, nil
}

// ValuesOptions configures ReadValues. nil means defaults.
type ValuesOptions struct {
	// Array names the .npz member (default: the only member).
	Array string
	// Column selects a column of a text table by header name or 1-based
	// index (default: the only column).
	Column string
	// Positive rejects values ≤ 0 (power-law fits need x > 0).
	Positive bool
}

// ReadValues reads a list of values: a 1-D .npy or .npz member, or one
// column of a text table (one value per line). Non-finite values, and with
// Positive values ≤ 0, are errors naming their line or index.
func ReadValues(path string, opts *ValuesOptions) ([]float64, error) {
	var o ValuesOptions
	if opts != nil {
		o = *opts
	}
	ext := strings.ToLower(filepath.Ext(path))
	bad := func(v float64) string {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return "is not finite"
		case o.Positive && v <= 0:
			return "is not positive"
		}
		return ""
	}
	if ext == ".npy" || ext == ".npz" {
		if o.Column != "" {
			return nil, fmt.Errorf("%s: a column (%q) only applies to text files", path, o.Column)
		}
		a, label, err := readArray(path, ext, o.Array)
		if err != nil {
			return nil, err
		}
		if a.Data == nil {
			return nil, fmt.Errorf("%s: dtype %s is not numeric", label, a.DType)
		}
		if len(a.Shape) != 1 && !(len(a.Shape) == 2 && (a.Shape[0] == 1 || a.Shape[1] == 1)) {
			return nil, fmt.Errorf("%s: values must be a 1-D array, got shape %v", label, a.Shape)
		}
		for i, v := range a.Data {
			if msg := bad(v); msg != "" {
				return nil, fmt.Errorf("%s: element %d (%v) %s", label, i, v, msg)
			}
		}
		if len(a.Data) == 0 {
			return nil, fmt.Errorf("%s: empty array", label)
		}
		return append([]float64(nil), a.Data...), nil
	}
	if o.Array != "" {
		return nil, fmt.Errorf("%s: an array name (%q) only applies to .npz files", path, o.Array)
	}
	t, err := ReadTable(path)
	if err != nil {
		return nil, err
	}
	col := 0
	switch {
	case o.Column != "":
		if n, err := strconv.Atoi(o.Column); err == nil {
			if n < 1 || n > t.Columns() {
				return nil, fmt.Errorf("%s: column %d out of range (the table has %d columns)", path, n, t.Columns())
			}
			col = n - 1
		} else if col = t.Find(o.Column); col < 0 {
			return nil, fmt.Errorf("%s: no column named %q (header: %s)", path, o.Column, strings.Join(t.Header, ", "))
		}
	case t.Columns() != 1:
		return nil, fmt.Errorf("%s: has %d columns; choose one with --column (name or 1-based index)", path, t.Columns())
	}
	out := make([]float64, len(t.Rows))
	for i, r := range t.Rows {
		if msg := bad(r[col]); msg != "" {
			return nil, fmt.Errorf("%s: line %d, %s: value %v %s", path, t.Lines[i], t.ColumnName(col), r[col], msg)
		}
		out[i] = r[col]
	}
	return out, nil
}
