package sweep

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/rng"
	"github.com/engramsim/engram/runner"
)

// Slurm holds the resources of each array task ([slurm] in a sweep file;
// the CLI's flags override them).
type Slurm struct {
	// CPUsPerTask is --cpus-per-task of each array task (≥ 1); the point's
	// run uses that many workers.
	CPUsPerTask int `toml:"cpus_per_task"`
	// Mem is --mem of each task (Slurm's syntax: 2G, 500M; "" = the
	// cluster's default, DefMemPerCPU × CPUs).
	Mem string `toml:"mem"`
	// Time is --time of each task (Slurm's syntax: 30, 1:00:00,
	// 1-00:00:00; "" = the partition's default).
	Time string `toml:"time"`
	// Partition is --partition ("" = the default partition).
	Partition string `toml:"partition"`
	// MaxRunning caps the tasks running at once (--array=…%N; 0 = no cap).
	MaxRunning int `toml:"max_running"`
	// Extra are further sbatch options, one per entry (e.g. "--qos=short").
	Extra []string `toml:"extra"`
}

// Report says what `engram sweep collect` plots ([report]).
type Report struct {
	// Metrics are the metric names plotted (line plots for a 1-D grid,
	// heat maps for a 2-D grid); empty = every metric except wall_s.
	Metrics []string `toml:"metrics"`
	// LogX draws the line plots of a 1-D grid on a log x axis.
	LogX bool `toml:"log_x"`
	// Plots are figures of several metrics on common axes against the key
	// of a 1-D grid ([[report.plot]]), e.g. a measurement with its theory.
	Plots []Plot `toml:"plot"`
}

// Plot is one [[report.plot]]: one line per metric against the swept key
// of a 1-D grid (with repeats, the mean over seeds ± its standard error).
type Plot struct {
	// Name is the figure's file name under figs/ (letters, digits, _, -).
	Name string `toml:"name"`
	// Title is the figure's title ("" = the name).
	Title string `toml:"title"`
	// Metrics are the plotted metrics, one line each.
	Metrics []string `toml:"metrics"`
	// Labels name the lines in the legend, one per metric ([] = the
	// metric names).
	Labels []string `toml:"labels"`
	// Errors are the metrics giving each line's error bars, one per
	// metric, "" for none (e.g. a standard deviation over realisations;
	// [] = none, or the standard error over repeats).
	Errors []string `toml:"errors"`
	// Points marks each metric's line drawn as points (true) or as a line
	// (false), one per metric ([] = points for measured values, i.e.
	// every metric but those whose name ends in "theory").
	Points []bool `toml:"points"`
	// YLabel labels the y axis ("" = none).
	YLabel string `toml:"y_label"`
	// LogX and LogY draw logarithmic axes.
	LogX bool `toml:"log_x"`
	LogY bool `toml:"log_y"`
	// X, if set, plots the metrics against this metric or swept key
	// instead of the key of a 1-D grid: a scatter of every complete run
	// (one point per run, repeats not averaged; errors are per run), for
	// any design — e.g. task accuracy against the branching ratio m̂ of
	// a [zip] sweep.
	X string `toml:"x"`
	// XLabel labels the x axis of such a plot ("" = X).
	XLabel string `toml:"x_label"`
}

// check validates a [[report.plot]] entry (i is its index).
func (pl Plot) check(path string, i int) error {
	where := fmt.Sprintf("%s: [[report.plot]] %d", path, i)
	switch {
	case pl.Name == "" || strings.Trim(pl.Name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "":
		return fmt.Errorf("%s: name = %q: want a file name of letters, digits, _ and -", where, pl.Name)
	case len(pl.Metrics) == 0:
		return fmt.Errorf("%s (%s): metrics is empty", where, pl.Name)
	case len(pl.Labels) != 0 && len(pl.Labels) != len(pl.Metrics):
		return fmt.Errorf("%s (%s): %d labels for %d metrics", where, pl.Name, len(pl.Labels), len(pl.Metrics))
	case len(pl.Errors) != 0 && len(pl.Errors) != len(pl.Metrics):
		return fmt.Errorf("%s (%s): %d errors for %d metrics (\"\" for none)", where, pl.Name, len(pl.Errors), len(pl.Metrics))
	case len(pl.Points) != 0 && len(pl.Points) != len(pl.Metrics):
		return fmt.Errorf("%s (%s): %d points flags for %d metrics", where, pl.Name, len(pl.Points), len(pl.Metrics))
	}
	return nil
}

// Value is one swept key's value at a point.
type Value struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

// Point is one run of a sweep.
type Point struct {
	// Index is the point's position (0, 1, …; the Slurm array task id).
	Index int `json:"index"`
	// ID names the point's run directory, points/<ID>.
	ID string `json:"id"`
	// Values are the swept keys' values, in the order of Plan.Keys
	// (without the repeat seed).
	Values []Value `json:"values"`
	// Seed is the master seed of a repeat (nil: the base config's seed).
	Seed *uint64 `json:"seed,omitempty"`
	// Sets are the --set overrides of the point: [set] then the swept values.
	Sets []string `json:"sets"`
}

// RunDir is the point's run directory relative to the sweep directory.
func (p Point) RunDir() string { return filepath.Join("points", p.ID) }

// Describe is "brunel.g=5 brunel.eta=2 seed=3".
func (p Point) Describe() string {
	var s []string
	for _, v := range p.Values {
		s = append(s, v.Key+"="+FormatValue(v.Value))
	}
	if p.Seed != nil {
		s = append(s, fmt.Sprintf("seed=%d", *p.Seed))
	}
	return strings.Join(s, " ")
}

// Axis is one swept key with its distinct values in design order.
type Axis struct {
	Key    string `json:"key"`
	Values []any  `json:"values"`
}

// Plan is a sweep file expanded into points.
type Plan struct {
	// File is the sweep file's path.
	File string `json:"sweep_file"`
	// Base is the base config's path; BaseTOML its contents.
	Base     string `json:"base"`
	BaseTOML string `json:"-"`
	// Experiment is the base config's experiment.
	Experiment string `json:"experiment"`
	// Keys are the swept keys in order (grid, then zip, then random).
	Keys []string `json:"keys"`
	// Grid are the grid's axes (for the report's plots).
	Grid []Axis `json:"grid"`
	// Repeats is the number of seeds per design point.
	Repeats int     `json:"repeats"`
	Points  []Point `json:"points"`
	Slurm   Slurm   `json:"slurm"`
	Report  Report  `json:"report"`
}

// fileKeys are the top-level keys of a sweep file.
var fileKeys = []string{"base", "repeats", "seed", "set", "grid", "zip", "list", "random", "slurm", "report"}

// Parse reads a sweep file and expands it into points; reg resolves the
// base config with every point's overrides (so an unknown key, a bad value
// or an impossible combination is an error before anything runs).
func Parse(path string, reg *experiment.Registry) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sweep file: %v", err)
	}
	return ParseBytes(path, data, reg)
}

// ParseBytes is Parse for a file's contents (path names it and anchors a
// relative base).
func ParseBytes(path string, data []byte, reg *experiment.Registry) (*Plan, error) {
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for k := range raw {
		if !contains(fileKeys, k) {
			msg := fmt.Sprintf("%s: unknown key %q", path, k)
			if s := config.Suggest(k, fileKeys); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, fmt.Errorf("%s (a sweep file has %s)", msg, strings.Join(fileKeys, ", "))
		}
	}
	p := &Plan{File: path, Repeats: 1}
	base, _ := raw["base"].(string)
	if base == "" {
		return nil, fmt.Errorf("%s: missing base = \"path/to/experiment.toml\" (relative to the sweep file)", path)
	}
	if !filepath.IsAbs(base) {
		base = filepath.Join(filepath.Dir(path), base)
	}
	p.Base = base
	bd, err := config.ReadFile(base)
	if err != nil {
		return nil, fmt.Errorf("%s: base: %v", path, err)
	}
	p.BaseTOML = string(bd)
	if p.Experiment, err = config.ExperimentName(base, bd); err != nil {
		return nil, err
	}
	firstSeed := uint64(1)
	if v, ok := raw["repeats"]; ok {
		n, ok := v.(int64)
		if !ok || n < 1 || n > 1e6 {
			return nil, fmt.Errorf("%s: repeats = %v: want a count ≥ 1", path, v)
		}
		p.Repeats = int(n)
	}
	if v, ok := raw["seed"]; ok {
		n, ok := v.(int64)
		if !ok || n < 0 {
			return nil, fmt.Errorf("%s: seed = %v: want the first seed of the repeats (an integer ≥ 0)", path, v)
		}
		firstSeed = uint64(n)
	}
	for _, sec := range []struct {
		name string
		dst  any
	}{{"slurm", &p.Slurm}, {"report", &p.Report}} {
		if _, ok := raw[sec.name]; !ok {
			continue
		}
		if err := decodeSection(path, data, sec.name, sec.dst); err != nil {
			return nil, err
		}
	}
	names := map[string]bool{}
	for i, pl := range p.Report.Plots {
		if err := pl.check(path, i); err != nil {
			return nil, err
		}
		if names[pl.Name] {
			return nil, fmt.Errorf("%s: [[report.plot]] name %q is used twice", path, pl.Name)
		}
		names[pl.Name] = true
	}
	order := keyOrder(md)
	fixed, err := leaves(path, "set", raw["set"], order)
	if err != nil {
		return nil, err
	}
	grid, err := leaves(path, "grid", raw["grid"], order)
	if err != nil {
		return nil, err
	}
	zip, err := leaves(path, "zip", raw["zip"], order)
	if err != nil {
		return nil, err
	}
	// [[list]]: explicit points, each a table of the same keys
	var list [][]Value
	if v, ok := raw["list"]; ok {
		entries, ok := v.([]map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: list must be an array of tables ([[list]] with the keys of one point each)", path)
		}
		if len(entries) == 0 {
			return nil, fmt.Errorf("%s: [[list]] has no entries: the design would have no points", path)
		}
		for i, e := range entries {
			vs, err := leaves(path, fmt.Sprintf("list[%d]", i), e, order)
			if err != nil {
				return nil, err
			}
			sort.SliceStable(vs, func(a, b int) bool { return vs[a].Key < vs[b].Key })
			if i > 0 && keysOf(vs) != keysOf(list[0]) {
				return nil, fmt.Errorf("%s: [[list]] entry %d sets %s, entry 0 sets %s: every entry must set the same keys", path, i, keysOf(vs), keysOf(list[0]))
			}
			list = append(list, vs)
		}
	}
	var random []Value
	nRandom, randomSeed := 0, uint64(1)
	if r, ok := raw["random"].(map[string]any); ok {
		nv, ok := r["n"].(int64)
		if !ok || nv < 1 {
			return nil, fmt.Errorf("%s: random.n = %v: want the number of random points (≥ 1)", path, r["n"])
		}
		nRandom = int(nv)
		if sv, ok := r["seed"]; ok {
			s, ok := sv.(int64)
			if !ok || s < 0 {
				return nil, fmt.Errorf("%s: random.seed = %v: want an integer ≥ 0", path, sv)
			}
			randomSeed = uint64(s)
		}
		rest := map[string]any{}
		for k, v := range r {
			if k != "n" && k != "seed" {
				rest[k] = v
			}
		}
		if random, err = leaves(path, "random", rest, order); err != nil {
			return nil, err
		}
		if len(random) == 0 {
			return nil, fmt.Errorf("%s: [random] has n and seed but no key to draw", path)
		}
	} else if _, ok := raw["random"]; ok {
		return nil, fmt.Errorf("%s: random must be a table", path)
	}
	// every key once
	seen := map[string]string{}
	for _, blk := range []struct {
		name string
		vs   []Value
	}{{"set", fixed}, {"grid", grid}, {"zip", zip}, {"list", firstOf(list)}, {"random", random}} {
		for _, v := range blk.vs {
			if prev, dup := seen[v.Key]; dup {
				return nil, fmt.Errorf("%s: key %s is given twice (in [%s] and [%s]); sweep or fix each key once", path, v.Key, prev, blk.name)
			}
			seen[v.Key] = blk.name
			if v.Key == config.ExperimentKey {
				return nil, fmt.Errorf("%s: [%s] %s: the experiment cannot be swept; use another base", path, blk.name, v.Key)
			}
		}
	}
	// the factors of the design
	type factor [][]Value // alternatives, each setting one or more keys
	var factors []factor
	for _, g := range grid {
		vals, ok := g.Value.([]any)
		if !ok {
			return nil, fmt.Errorf("%s: grid.%s = %s: want a list of values", path, g.Key, FormatValue(g.Value))
		}
		if len(vals) == 0 {
			return nil, fmt.Errorf("%s: grid.%s is an empty list: the design would have no points", path, g.Key)
		}
		if d := firstDuplicate(vals); d != "" {
			return nil, fmt.Errorf("%s: grid.%s lists %s twice", path, g.Key, d)
		}
		var f factor
		for _, v := range vals {
			f = append(f, []Value{{g.Key, v}})
		}
		factors = append(factors, f)
		p.Grid = append(p.Grid, Axis{Key: g.Key, Values: vals})
		p.Keys = append(p.Keys, g.Key)
	}
	if len(zip) > 0 {
		n := -1
		for _, z := range zip {
			vals, ok := z.Value.([]any)
			if !ok {
				return nil, fmt.Errorf("%s: zip.%s = %s: want a list of values", path, z.Key, FormatValue(z.Value))
			}
			if n >= 0 && len(vals) != n {
				return nil, fmt.Errorf("%s: [zip] lists must have equal lengths: %s has %d values, %s has %d", path, zip[0].Key, n, z.Key, len(vals))
			}
			n = len(vals)
			p.Keys = append(p.Keys, z.Key)
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: [zip] lists are empty: the design would have no points", path)
		}
		var f factor
		for i := range n {
			var row []Value
			for _, z := range zip {
				row = append(row, Value{z.Key, z.Value.([]any)[i]})
			}
			f = append(f, row)
		}
		factors = append(factors, f)
	}
	if len(list) > 0 {
		for _, v := range list[0] {
			p.Keys = append(p.Keys, v.Key)
		}
		factors = append(factors, factor(list))
	}
	if nRandom > 0 {
		var f factor
		draws := make([][]Value, nRandom)
		for _, r := range random {
			vals, ok := r.Value.([]any)
			if !ok || len(vals) < 2 {
				return nil, fmt.Errorf("%s: random.%s = %s: want [lo, hi] (uniform) or a list of ≥ 3 values to choose from", path, r.Key, FormatValue(r.Value))
			}
			src := rng.New(randomSeed, rng.Sweep, rng.NameKey(r.Key))
			lo, hi, isRange, isInt := rangeOf(vals)
			if isRange && !(lo < hi) {
				return nil, fmt.Errorf("%s: random.%s = %s: want lo < hi", path, r.Key, FormatValue(r.Value))
			}
			for i := range nRandom {
				var v any
				switch {
				case isRange && isInt:
					v = int64(lo) + src.Int64N(int64(hi)-int64(lo)+1)
				case isRange:
					v = lo + (hi-lo)*src.Float64()
				default:
					v = vals[src.IntN(len(vals))]
				}
				draws[i] = append(draws[i], Value{r.Key, v})
			}
			p.Keys = append(p.Keys, r.Key)
		}
		f = append(f, draws...)
		factors = append(factors, f)
	}
	if len(factors) == 0 && p.Repeats < 2 {
		return nil, fmt.Errorf("%s: empty design: give [grid], [zip], [[list]] or [random] keys, or repeats ≥ 2", path)
	}
	combos := [][]Value{nil}
	for _, f := range factors {
		var next [][]Value
		for _, c := range combos {
			for _, alt := range f {
				next = append(next, append(append([]Value(nil), c...), alt...))
			}
		}
		combos = next
	}
	const maxPoints = 1 << 20
	if len(combos)*p.Repeats > maxPoints {
		return nil, fmt.Errorf("%s: %d points: more than %d", path, len(combos)*p.Repeats, maxPoints)
	}
	var fixedSets []string
	for _, v := range fixed {
		fixedSets = append(fixedSets, v.Key+"="+FormatValue(v.Value))
	}
	width := len(strconv.Itoa(len(combos)*p.Repeats - 1))
	width = max(width, 4)
	for _, c := range combos {
		for r := range p.Repeats {
			pt := Point{Index: len(p.Points), Values: c}
			pt.ID = fmt.Sprintf("p%0*d", width, pt.Index)
			pt.Sets = append([]string(nil), fixedSets...)
			for _, v := range c {
				pt.Sets = append(pt.Sets, v.Key+"="+FormatValue(v.Value))
			}
			if p.Repeats > 1 {
				s := firstSeed + uint64(r)
				pt.Seed = &s
			}
			p.Points = append(p.Points, pt)
		}
	}
	if p.Repeats > 1 {
		p.Keys = append(p.Keys, "seed")
	}
	// every point must resolve: unknown keys and bad values are errors now
	for _, pt := range p.Points {
		if _, _, err := runner.Resolve(reg, base, bd, runner.ResolveOptions{Sets: pt.Sets, Seed: pt.Seed}); err != nil {
			return nil, fmt.Errorf("%s: point %s (%s): %v", path, pt.ID, pt.Describe(), err)
		}
	}
	return p, nil
}

func firstOf(l [][]Value) []Value {
	if len(l) == 0 {
		return nil
	}
	return l[0]
}

func keysOf(vs []Value) string {
	var k []string
	for _, v := range vs {
		k = append(k, v.Key)
	}
	return strings.Join(k, ", ")
}

func contains(s []string, k string) bool {
	for _, x := range s {
		if x == k {
			return true
		}
	}
	return false
}

func decodeSection(path string, data []byte, name string, dst any) error {
	var wrap map[string]toml.Primitive
	md, err := toml.Decode(string(data), &wrap)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if err := md.PrimitiveDecode(wrap[name], dst); err != nil {
		return fmt.Errorf("%s: [%s]: %v", path, name, err)
	}
	var probe map[string]any
	_ = md.PrimitiveDecode(wrap[name], &probe)
	known := config.Keys(dst)
	for _, k := range dottedKeys("", probe) {
		if !contains(known, k) {
			msg := fmt.Sprintf("%s: unknown key %s.%s", path, name, k)
			s := config.Suggest(k, known)
			for _, c := range known {
				if s == "" && strings.HasPrefix(c, k) {
					s = c
				}
			}
			if s != "" {
				msg += fmt.Sprintf(" (did you mean %s.%s?)", name, s)
			}
			return fmt.Errorf("%s", msg)
		}
	}
	return nil
}

// dottedKeys lists the leaf keys of a decoded table as dotted paths, the
// entries of arrays of tables under the array's name (as config.Keys
// lists them).
func dottedKeys(prefix string, m map[string]any) []string {
	var out []string
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch x := v.(type) {
		case map[string]any:
			out = append(out, dottedKeys(key, x)...)
		case []map[string]any:
			for _, e := range x {
				out = append(out, dottedKeys(key, e)...)
			}
		default:
			out = append(out, key)
		}
	}
	sort.Strings(out)
	return out
}

// keyOrder maps each dotted key of the document to its position.
func keyOrder(md toml.MetaData) map[string]int {
	o := map[string]int{}
	for i, k := range md.Keys() {
		o[k.String()] = i
	}
	return o
}

// leaves flattens a section (nested tables as dotted keys: grid.brunel.g
// or grid."brunel.g") into values in document order.
func leaves(path, section string, v any, order map[string]int) ([]Value, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: %s must be a table of config keys", path, section)
	}
	var out []Value
	var walk func(prefix, docPrefix string, m map[string]any)
	walk = func(prefix, docPrefix string, m map[string]any) {
		for k, e := range m {
			key, doc := k, docPrefix+"."+quoteKey(k)
			if prefix != "" {
				key = prefix + "." + k
			}
			if sub, ok := e.(map[string]any); ok {
				walk(key, doc, sub)
				continue
			}
			out = append(out, Value{Key: key, Value: e})
			order[key] = order[doc]
		}
	}
	walk("", section, m)
	sort.SliceStable(out, func(i, j int) bool { return order[out[i].Key] < order[out[j].Key] })
	return out, nil
}

func quoteKey(k string) string {
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return strconv.Quote(k)
		}
	}
	return k
}

// rangeOf reads [lo, hi] of two numbers.
func rangeOf(vals []any) (lo, hi float64, isRange, isInt bool) {
	if len(vals) != 2 {
		return 0, 0, false, false
	}
	a, aInt, okA := number(vals[0])
	b, bInt, okB := number(vals[1])
	if !okA || !okB {
		return 0, 0, false, false
	}
	return a, b, true, aInt && bInt
}

func number(v any) (float64, bool, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true, true
	case float64:
		return x, false, !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	return 0, false, false
}

func firstDuplicate(vals []any) string {
	seen := map[string]bool{}
	for _, v := range vals {
		s := FormatValue(v)
		if seen[s] {
			return s
		}
		seen[s] = true
	}
	return ""
}

// FormatValue writes a TOML value as --set takes it (and as the table
// shows it): integers and floats in the shortest exact form, strings
// quoted, arrays and inline tables in TOML syntax.
func FormatValue(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case json.Number:
		return x.String()
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		switch {
		case math.IsNaN(x):
			return "nan"
		case math.IsInf(x, 1):
			return "inf"
		case math.IsInf(x, -1):
			return "-inf"
		}
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s
	case bool:
		return strconv.FormatBool(x)
	case []any:
		var s []string
		for _, e := range x {
			s = append(s, FormatValue(e))
		}
		return "[" + strings.Join(s, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var s []string
		for _, k := range keys {
			s = append(s, quoteKey(k)+" = "+FormatValue(x[k]))
		}
		return "{" + strings.Join(s, ", ") + "}"
	}
	return fmt.Sprint(v)
}
