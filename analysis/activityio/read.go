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

// Trials says how a wide text table of counts holds its trials.
type Trials string

// Layouts of wide text count tables.
const (
	TrialsDefault Trials = ""        // TrialsColumns
	TrialsColumns Trials = "columns" // one column per trial, one row per bin
	TrialsRows    Trials = "rows"    // one row per trial, one column per bin
)

// ParseTrials converts a flag value ("rows", "columns"; "" is the default).
func ParseTrials(s string) (Trials, error) {
	switch t := Trials(strings.ToLower(strings.TrimSpace(s))); t {
	case TrialsDefault, TrialsColumns, TrialsRows:
		return t, nil
	}
	return "", fmt.Errorf("unknown trial layout %q (want rows or columns)", s)
}

// Options configures Read. nil or the zero value means: detect the kind,
// no bin width recorded, spike times require BinMs or BinMeanIEI.
type Options struct {
	// Kind of the input (default KindAuto).
	Kind Kind
	// Array names the .npz member holding counts or a raster (default: the
	// only member). For spike .npz files the members are times and ids.
	Array string
	// Trials is the layout of a wide text table of counts (default
	// TrialsColumns: one column per trial). It is an error for other
	// inputs, which fix their own layout.
	Trials Trials
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
	// MaxCells, if positive, is the largest number of count cells (trials ×
	// bins) that binning spike times or expanding a sparse long-format table
	// may create; more is an error naming the file. These are the only
	// outputs not bounded by the file's size (a two-line file can name bin
	// 2·10⁹); the CLI derives the limit from --mem-budget.
	MaxCells int64
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
	// Hint, when not empty, says how the file might have been meant to be
	// read (e.g. a wide text table with more columns than rows).
	Hint string
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

// Layout is what is known about an input before its data are read.
type Layout struct {
	// Kind is the kind that will be read (never KindAuto).
	Kind Kind
	// Values is the number of values in the file: exact for arrays (Exact),
	// an upper bound for text ((size+1)/2, a character and a separator each).
	Values int64
	Exact  bool
	// Trials and Bins are exact for counts and rasters in arrays and 0
	// (unknown) otherwise.
	Trials, Bins int64
	// ReadBytes bounds the memory Read allocates: the decoded or parsed
	// values and the counts built from them. Cells created beyond the file's
	// contents (spike bins, sparse long tables) are bounded by
	// Options.MaxCells instead and not included.
	ReadBytes int64
}

// source is an opened input file: an .npy, an .npz or a text table.
type source struct {
	path, ext string
	size      int64
	npy       *store.NPYFile
	npz       *store.NPZFile
	file      *os.File
	text      *tableReader
}

func openSource(path string) (*source, error) {
	s := &source{path: path, ext: strings.ToLower(filepath.Ext(path))}
	var err error
	switch s.ext {
	case ".npy":
		s.npy, err = store.OpenNPY(path)
	case ".npz":
		s.npz, err = store.OpenNPZ(path)
	default:
		if s.file, s.size, err = store.OpenRegular(path); err == nil {
			if s.text, err = newTableReader(s.file, path); err != nil {
				s.file.Close()
			}
		}
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (s *source) isArray() bool { return s.npy != nil || s.npz != nil }

func (s *source) close() error {
	switch {
	case s.npy != nil:
		return s.npy.Close()
	case s.npz != nil:
		return s.npz.Close()
	case s.file != nil:
		return s.file.Close()
	}
	return nil
}

// header returns the header of the .npy, or of the .npz member (default:
// the only one), with a label for messages and the member's name.
func (s *source) header(member string) (*store.NPYHeader, string, string, error) {
	switch {
	case s.npy != nil:
		if member != "" {
			return nil, "", "", fmt.Errorf("%s: an array name (%q) only applies to .npz files", s.path, member)
		}
		return &s.npy.Header, s.path, "", nil
	case s.npz != nil:
		names := s.npz.Names
		if member == "" {
			if len(names) != 1 {
				return nil, "", "", fmt.Errorf("%s: holds %d arrays (%s); name one with --array", s.path, len(names), strings.Join(names, ", "))
			}
			member = names[0]
		}
		h, ok := s.npz.Header(member)
		if !ok {
			return nil, "", "", fmt.Errorf("%s: no array %q (have %s)", s.path, member, strings.Join(names, ", "))
		}
		return h, fmt.Sprintf("%s[%s]", s.path, member), member, nil
	}
	return nil, "", "", fmt.Errorf("%s: not an array file", s.path)
}

func (s *source) readArray(member string) (*store.Array, error) {
	if s.npy != nil {
		return s.npy.Read()
	}
	return s.npz.Read(member)
}

// textValues is the largest number of values a text file of the source's
// size can hold.
func (s *source) textValues() int64 { return (s.size + 1) / 2 }

// Input is an opened activity file: its kind and layout are known from the
// header (arrays) or the first line and size (text) before any data are
// read, so a caller can check the memory Read will take first. The file is
// opened once and Read reads from it; only regular files are accepted.
type Input struct {
	// Path is the data file (rec/spikes.npy for a run directory).
	Path   string
	src    *source
	o      Options
	kind   Kind
	member string
	label  string
	layout Layout
	long   bool // text counts in long format
}

// Read reads population activity from path (see the package documentation
// for kinds and layouts): Open, Input.Read, Close.
func Read(path string, opts *Options) (*Activity, error) {
	in, err := Open(path, opts)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	return in.Read()
}

// Open opens path, reads the header (arrays) or first line (text), decides
// the kind and checks the layout: wrong dimensions, empty arrays,
// non-numeric dtypes and a header on a text raster are errors here, before
// any data are read.
func Open(path string, opts *Options) (*Input, error) {
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
	if _, err := ParseTrials(string(o.Trials)); err != nil {
		return nil, err
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
	src, err := openSource(path)
	if err != nil {
		return nil, err
	}
	in := &Input{Path: path, src: src, o: o}
	if err := in.plan(); err != nil {
		src.close()
		return nil, err
	}
	return in, nil
}

// Layout returns what is known before reading.
func (in *Input) Layout() Layout { return in.layout }

// SetMaxCells sets Options.MaxCells after Open, e.g. to what a memory
// budget leaves once Layout().ReadBytes is accounted for.
func (in *Input) SetMaxCells(n int64) { in.o.MaxCells = n }

// Close closes the file.
func (in *Input) Close() error { return in.src.close() }

// plan decides the kind and the layout from the header or first line.
func (in *Input) plan() error {
	s, o := in.src, &in.o
	kind := o.Kind
	if kind == KindAuto {
		kind = KindCounts
		switch {
		case s.npz != nil:
			if _, ok := s.npz.Header("times"); ok {
				kind = KindSpikes
			}
		case s.npy != nil:
			h := &s.npy.Header
			if strings.HasPrefix(strings.ToLower(filepath.Base(in.Path)), "spikes") && len(h.Shape) == 2 && h.Shape[1] == 2 && isIntDType(h.DType) {
				kind = KindSpikes
			}
		default:
			if t := (&Table{Header: s.text.headerFields()}); t.Find(timeNames...) >= 0 {
				kind = KindSpikes
			}
		}
	}
	in.kind = kind
	if kind != KindSpikes && o.BinMeanIEI {
		return fmt.Errorf("%s: mean-IEI binning needs spike times, but the file holds %s (use --input spikes for spike files)", in.Path, kind)
	}
	wideText := kind == KindCounts && !s.isArray()
	if wideText {
		hdr := &Table{Header: s.text.headerFields()}
		in.long = hdr.Find("trial") >= 0 && hdr.Find("bin") >= 0 && hdr.Find("count") >= 0
		wideText = !in.long
	}
	if o.Trials != TrialsDefault && !wideText {
		return fmt.Errorf("%s: the trial layout (%q) applies only to wide text tables of counts; this input is %s", in.Path, o.Trials, in.describe())
	}
	lay := Layout{Kind: kind}
	if s.isArray() {
		lay.Exact = true
		if kind == KindSpikes {
			return in.planSpikeArrays(&lay)
		}
		h, label, member, err := s.header(o.Array)
		if err != nil {
			return err
		}
		in.label, in.member = label, member
		if !h.Numeric() {
			return fmt.Errorf("%s: dtype %s is not numeric", label, h.DType)
		}
		if h.Len() == 0 {
			return fmt.Errorf("%s: empty array (shape %v)", label, h.Shape)
		}
		lay.Values = int64(h.Len())
		sh := h.Shape
		switch kind {
		case KindCounts:
			switch len(sh) {
			case 1:
				lay.Trials, lay.Bins = 1, int64(sh[0])
			case 2:
				lay.Trials, lay.Bins = int64(sh[0]), int64(sh[1])
			default:
				return fmt.Errorf("%s: counts must be 1-D (one trial) or 2-D (trials × bins), got shape %v", label, sh)
			}
			lay.ReadBytes = h.DecodedBytes() + 24*lay.Trials
		case KindRaster:
			var neurons int64
			switch len(sh) {
			case 2:
				lay.Trials, neurons, lay.Bins = 1, int64(sh[0]), int64(sh[1])
			case 3:
				lay.Trials, neurons, lay.Bins = int64(sh[0]), int64(sh[1]), int64(sh[2])
			default:
				return fmt.Errorf("%s: a raster must be 2-D (neurons × bins) or 3-D (trials × neurons × bins), got shape %v", label, sh)
			}
			lay.ReadBytes = h.DecodedBytes() + 24*lay.Trials*neurons + (8*lay.Bins+24)*lay.Trials
		}
		in.layout = lay
		return nil
	}
	if o.Array != "" {
		return fmt.Errorf("%s: an array name (%q) only applies to .npz files", in.Path, o.Array)
	}
	in.label = in.Path
	v := s.textValues()
	width := int64(len(s.text.first))
	lay.Values = v
	lay.ReadBytes = textBytes(s.size)
	switch {
	case kind == KindRaster:
		if s.text.header {
			return fmt.Errorf("%s: a text raster has no header (one row per neuron, one column per bin); line %d is not numeric", in.Path, s.text.firstLine)
		}
		lay.ReadBytes += 8*width + 64
	case kind == KindSpikes:
		lay.ReadBytes += 3 * 8 * (v / 2) // times, ids and the sorted copy counting neurons
	case in.long:
		lay.ReadBytes += 2 * 64 * (v / 3) // the (trial, bin) map: one entry per row of ≥ 3 values
	case o.Trials == TrialsRows:
		lay.ReadBytes += 24 * (v/width + 1)
	default:
		lay.ReadBytes += 8*v + 24*width
	}
	in.layout = lay
	return nil
}

// planSpikeArrays checks the spike members of an .npz or the shape of a
// recording .npy.
func (in *Input) planSpikeArrays(lay *Layout) error {
	s, o := in.src, &in.o
	if o.Array != "" {
		return fmt.Errorf("%s: --array does not apply to spike files (spike .npz members are times and ids)", in.Path)
	}
	in.label = in.Path
	if s.npy != nil {
		h := &s.npy.Header
		if len(h.Shape) != 2 || h.Shape[1] != 2 || !isIntDType(h.DType) {
			return fmt.Errorf("%s: a spike .npy must be engram's recording: integer rows (step, neuron id), shape (n, 2); got %s %v", in.Path, h.DType, h.Shape)
		}
		n := int64(h.Shape[0])
		lay.Values, lay.ReadBytes = 2*n, h.DecodedBytes()+3*8*n
		return nil
	}
	th, ok := s.npz.Header("times")
	if !ok {
		return fmt.Errorf("%s: spike archives need a member \"times\" (ms) and optionally \"ids\"; have %v", in.Path, s.npz.Names)
	}
	lay.Values, lay.ReadBytes = int64(th.Len()), th.DecodedBytes()+8*int64(th.Len())
	if ih, ok := s.npz.Header("ids"); ok {
		if ih.Len() != th.Len() {
			return fmt.Errorf("%s: ids has %d elements, times has %d", in.Path, ih.Len(), th.Len())
		}
		lay.Values += int64(ih.Len())
		lay.ReadBytes += ih.DecodedBytes()
	}
	return nil
}

func (in *Input) describe() string {
	switch {
	case in.src.isArray():
		return fmt.Sprintf("an array file read as %s", in.kind)
	case in.long:
		return "a long-format table (trial, bin, count)"
	}
	return fmt.Sprintf("a text table read as %s", in.kind)
}

// Read reads the data. It may be called once.
func (in *Input) Read() (*Activity, error) {
	var act *Activity
	var err error
	switch in.kind {
	case KindCounts:
		act, err = in.readCounts()
	case KindRaster:
		act, err = in.readRaster()
	case KindSpikes:
		var sp *Spikes
		if sp, err = in.readSpikeTimes(); err == nil {
			act, err = sp.Bin(&in.o)
		}
	default:
		return nil, fmt.Errorf("unknown input kind %q", in.kind)
	}
	if err != nil {
		return nil, err
	}
	if in.kind != KindSpikes {
		act.BinMs = in.o.BinMs
	}
	return act, nil
}

var (
	timeNames   = []string{"time", "time_ms", "t", "t_ms"}
	neuronNames = []string{"neuron", "neuron_id", "id", "sender", "unit"}
)

func isIntDType(d string) bool {
	return strings.Contains(d, "i") || strings.Contains(d, "u")
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

// checkNonNegativeArray names the first negative element; what names the
// values ("count", "raster element").
func checkNonNegativeArray(a *store.Array, label, what string) error {
	for i, v := range a.Data {
		if v < 0 {
			return fmt.Errorf("%s: %s %s is negative (%v)", label, what, index(a.Shape, i), v)
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

// rows returns n views of length l into data from off (no copy).
func rows(data []float64, n, l, off int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		lo := off + i*l
		out[i] = data[lo : lo+l : lo+l]
	}
	return out
}

func (in *Input) readCounts() (*Activity, error) {
	if in.src.isArray() {
		a, err := in.src.readArray(in.member)
		if err != nil {
			return nil, err
		}
		label := in.label
		if err := checkFiniteArray(a, label); err != nil {
			return nil, err
		}
		if err := checkNonNegativeArray(a, label, "count"); err != nil {
			return nil, err
		}
		var c [][]float64
		if len(a.Shape) == 1 {
			c = rows(a.Data, 1, a.Shape[0], 0)
		} else {
			c = rows(a.Data, a.Shape[0], a.Shape[1], 0)
		}
		return &Activity{Counts: c, Kind: KindCounts, Source: fmt.Sprintf("%s: counts, %d trials × %d bins", label, len(c), len(c[0]))}, nil
	}
	t, err := in.src.text.read()
	if err != nil {
		return nil, err
	}
	if err := t.CheckFinite(); err != nil {
		return nil, err
	}
	if in.long {
		return countsFromLong(t, t.Find("trial"), t.Find("bin"), t.Find("count"), in.o.MaxCells)
	}
	if err := t.checkNonNegative("count", ""); err != nil {
		return nil, err
	}
	nr, nc := t.Rows(), t.Columns()
	if in.o.Trials == TrialsRows {
		c := rows(t.Data, nr, nc, 0)
		return &Activity{Counts: c, Kind: KindCounts, Source: fmt.Sprintf("%s: counts (one row per trial), %d trials × %d bins", t.Path, nr, nc)}, nil
	}
	c := make([][]float64, nc)
	for j := range c {
		c[j] = make([]float64, nr)
		for i := range c[j] {
			c[j][i] = t.At(i, j)
		}
	}
	act := &Activity{Counts: c, Kind: KindCounts, Source: fmt.Sprintf("%s: counts (one column per trial), %d trials × %d bins", t.Path, nc, nr)}
	if nc > nr {
		act.Hint = fmt.Sprintf("the table has more columns (%d) than rows (%d) and was read as one column per trial; if each row is a trial, read it with --trials rows (Options.Trials = TrialsRows)", nc, nr)
	}
	return act, nil
}

func intValue(t *Table, i, j int, what string) (int, error) {
	v := t.At(i, j)
	if v != math.Trunc(v) || v < 0 || v > 1<<31 {
		return 0, fmt.Errorf("%s: line %d, %s: %s %v must be an integer ≥ 0", t.Path, t.Line(i), t.ColumnName(j), what, v)
	}
	return int(v), nil
}

func countsFromLong(t *Table, ti, bi, ci int, maxCells int64) (*Activity, error) {
	type key struct{ trial, bin int }
	seen := make(map[key]int, t.Rows())
	trialIDs := map[int]bool{}
	maxBin, maxBinRow := -1, 0
	for i := range t.Rows() {
		tr, err := intValue(t, i, ti, "trial")
		if err != nil {
			return nil, err
		}
		b, err := intValue(t, i, bi, "bin")
		if err != nil {
			return nil, err
		}
		if v := t.At(i, ci); v < 0 {
			return nil, fmt.Errorf("%s: line %d, %s: count %v is negative", t.Path, t.Line(i), t.ColumnName(ci), v)
		}
		if prev, ok := seen[key{tr, b}]; ok {
			return nil, fmt.Errorf("%s: line %d repeats trial %d, bin %d of line %d", t.Path, t.Line(i), tr, b, t.Line(prev))
		}
		seen[key{tr, b}] = i
		trialIDs[tr] = true
		if b > maxBin {
			maxBin, maxBinRow = b, i
		}
	}
	cells := int64(len(trialIDs)) * int64(maxBin+1)
	if maxCells > 0 && cells > maxCells {
		return nil, fmt.Errorf("%s: %d trials × %d bins (bin %d at line %d) are %d count cells, more than the %d the memory budget allows (raise --mem-budget)",
			t.Path, len(trialIDs), maxBin+1, maxBin, t.Line(maxBinRow), cells, maxCells)
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
		c[pos[kb.trial]][kb.bin] = t.At(i, ci)
	}
	return &Activity{Counts: c, Kind: KindCounts, Source: fmt.Sprintf("%s: counts (long format trial, bin, count), %d trials × %d bins", t.Path, len(c), maxBin+1)}, nil
}

func (in *Input) readRaster() (*Activity, error) {
	var trials [][][]float64 // trial → neuron → bin
	label := in.label
	if in.src.isArray() {
		a, err := in.src.readArray(in.member)
		if err != nil {
			return nil, err
		}
		if err := checkFiniteArray(a, label); err != nil {
			return nil, err
		}
		if err := checkNonNegativeArray(a, label, "raster element"); err != nil {
			return nil, err
		}
		sh := a.Shape
		if len(sh) == 2 {
			trials = [][][]float64{rows(a.Data, sh[0], sh[1], 0)}
		} else {
			n, l := sh[1], sh[2]
			for tr := range sh[0] {
				trials = append(trials, rows(a.Data, n, l, tr*n*l))
			}
		}
	} else {
		t, err := in.src.text.read()
		if err != nil {
			return nil, err
		}
		if err := t.CheckFinite(); err != nil {
			return nil, err
		}
		if err := t.checkNonNegative("raster entry", ""); err != nil {
			return nil, err
		}
		trials = [][][]float64{rows(t.Data, t.Rows(), t.Columns(), 0)}
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

// ValuesInput is an opened list of values (see ReadValues); like Input,
// its Layout is known before the data are read.
type ValuesInput struct {
	src    *source
	o      ValuesOptions
	label  string
	member string
	col    int
	layout Layout
}

// OpenValues opens a list of values and checks its shape, member or column
// before reading.
func OpenValues(path string, opts *ValuesOptions) (*ValuesInput, error) {
	var o ValuesOptions
	if opts != nil {
		o = *opts
	}
	src, err := openSource(path)
	if err != nil {
		return nil, err
	}
	v := &ValuesInput{src: src, o: o, label: path}
	if err := v.plan(); err != nil {
		src.close()
		return nil, err
	}
	return v, nil
}

func (v *ValuesInput) plan() error {
	s, o := v.src, &v.o
	if s.isArray() {
		if o.Column != "" {
			return fmt.Errorf("%s: a column (%q) only applies to text files", s.path, o.Column)
		}
		h, label, member, err := s.header(o.Array)
		if err != nil {
			return err
		}
		v.label, v.member = label, member
		if !h.Numeric() {
			return fmt.Errorf("%s: dtype %s is not numeric", label, h.DType)
		}
		if len(h.Shape) != 1 && !(len(h.Shape) == 2 && (h.Shape[0] == 1 || h.Shape[1] == 1)) {
			return fmt.Errorf("%s: values must be a 1-D array, got shape %v", label, h.Shape)
		}
		if h.Len() == 0 {
			return fmt.Errorf("%s: empty array", label)
		}
		v.layout = Layout{Values: int64(h.Len()), Exact: true, ReadBytes: h.DecodedBytes()}
		return nil
	}
	if o.Array != "" {
		return fmt.Errorf("%s: an array name (%q) only applies to .npz files", s.path, o.Array)
	}
	hdr := &Table{Header: s.text.headerFields(), Width: len(s.text.first)}
	switch {
	case o.Column != "":
		if n, err := strconv.Atoi(o.Column); err == nil {
			if n < 1 || n > hdr.Width {
				return fmt.Errorf("%s: column %d out of range (the table has %d columns)", s.path, n, hdr.Width)
			}
			v.col = n - 1
		} else if v.col = hdr.Find(o.Column); v.col < 0 {
			return fmt.Errorf("%s: no column named %q (header: %s)", s.path, o.Column, strings.Join(hdr.Header, ", "))
		}
	case hdr.Width != 1:
		return fmt.Errorf("%s: has %d columns; choose one with --column (name or 1-based index)", s.path, hdr.Width)
	}
	nv := s.textValues()
	v.layout = Layout{Values: nv, ReadBytes: textBytes(s.size) + 8*(nv/int64(hdr.Width)+1)}
	return nil
}

// Layout returns what is known before reading.
func (v *ValuesInput) Layout() Layout { return v.layout }

// Close closes the file.
func (v *ValuesInput) Close() error { return v.src.close() }

// Read reads the values. It may be called once.
func (v *ValuesInput) Read() ([]float64, error) {
	bad := func(x float64) string {
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			return "is not finite"
		case v.o.Positive && x <= 0:
			return "is not positive"
		}
		return ""
	}
	if v.src.isArray() {
		a, err := v.src.readArray(v.member)
		if err != nil {
			return nil, err
		}
		for i, x := range a.Data {
			if msg := bad(x); msg != "" {
				return nil, fmt.Errorf("%s: element %d (%v) %s", v.label, i, x, msg)
			}
		}
		return a.Data, nil
	}
	t, err := v.src.text.read()
	if err != nil {
		return nil, err
	}
	out := make([]float64, t.Rows())
	for i := range out {
		x := t.At(i, v.col)
		if msg := bad(x); msg != "" {
			return nil, fmt.Errorf("%s: line %d, %s: value %v %s", t.Path, t.Line(i), t.ColumnName(v.col), x, msg)
		}
		out[i] = x
	}
	return out, nil
}

// ReadValues reads a list of values: a 1-D .npy or .npz member, or one
// column of a text table (one value per line). Non-finite values, and with
// Positive values ≤ 0, are errors naming their line or index.
func ReadValues(path string, opts *ValuesOptions) ([]float64, error) {
	v, err := OpenValues(path, opts)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	return v.Read()
}
