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

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/runner"
	"github.com/engramsim/engram/store"
)

// Table is the collected table of a sweep (points.tsv).
type Table struct {
	// Header is point, run_dir, the swept keys, then every metric (named
	// "summary:<name>" when a swept key has its name).
	Header []string
	// Rows hold one row per point, cells as written.
	Rows [][]string
	// Metrics are the metric columns' names.
	Metrics []string
	// Complete counts the points with a summary; Missing lists the others.
	Complete int
	Missing  []string
	// values[i][metric] of complete points (for the plots).
	values []map[string]runner.Metric
}

// Cell formats a number for the table: the shortest exact decimal, NaN
// as NaN, ±Inf as inf and -inf (what pandas and numpy read).
func Cell(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// CellValue formats a swept value for the table (strings unquoted).
func CellValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return Cell(x)
	}
	return FormatValue(v)
}

// Collect reads every point's res/summary.json in dir and writes
// dir/points.tsv: one row per point with its id, its run directory
// relative to dir, the swept values, then every metric (NaN as NaN, a
// missing value or a point without a summary as an empty cell). For 1-D
// and 2-D grids it also writes line plots or heat maps of the metrics
// (figs/, PNG and SVG with the plotted data as TSV) and dir/report.html.
func Collect(dir string) (*Table, error) {
	plan, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	t := &Table{values: make([]map[string]runner.Metric, len(plan.Points))}
	seenMetric := map[string]bool{}
	for i, pt := range plan.Points {
		f, err := runner.ReadSummaryFile(filepath.Join(dir, pt.RunDir(), runner.SummaryPath))
		if err != nil || f.Status != runner.StatusOK {
			t.Missing = append(t.Missing, pt.ID)
			continue
		}
		t.Complete++
		t.values[i] = map[string]runner.Metric{}
		for _, m := range f.Metrics {
			t.values[i][m.Name] = m
			if !seenMetric[m.Name] {
				seenMetric[m.Name] = true
				t.Metrics = append(t.Metrics, m.Name)
			}
		}
	}
	sort.Strings(t.Metrics)
	t.Header = append([]string{"point", "run_dir"}, plan.Keys...)
	// a metric named like a swept key (a summary that echoes its config,
	// e.g. patterns.count) gets its own column, "summary:<name>"
	fixed := map[string]bool{}
	for _, h := range t.Header {
		fixed[h] = true
	}
	for _, m := range t.Metrics {
		if fixed[m] {
			m = "summary:" + m
		}
		t.Header = append(t.Header, m)
	}
	if d := duplicate(t.Header); d != "" {
		return nil, fmt.Errorf("%s: column %q appears twice (a swept key named like a metric)", dir, d)
	}
	for i, pt := range plan.Points {
		row := []string{pt.ID, pt.RunDir()}
		for _, v := range pt.Values {
			row = append(row, CellValue(v.Value))
		}
		if plan.Repeats > 1 {
			row = append(row, strconv.FormatUint(*pt.Seed, 10))
		}
		for _, name := range t.Metrics {
			m, ok := t.values[i][name]
			if !ok || m.Missing {
				row = append(row, "")
				continue
			}
			row = append(row, Cell(m.Value))
		}
		t.Rows = append(t.Rows, row)
	}
	if err := writeTable(filepath.Join(dir, TableFile), t); err != nil {
		return nil, err
	}
	if err := writeReport(dir, plan, t); err != nil {
		return t, err
	}
	return t, nil
}

func duplicate(s []string) string {
	seen := map[string]bool{}
	for _, x := range s {
		if seen[x] {
			return x
		}
		seen[x] = true
	}
	return ""
}

func writeTable(path string, t *Table) error {
	for _, row := range t.Rows {
		for _, c := range row {
			if strings.ContainsAny(c, "\t\n\r") {
				return fmt.Errorf("%s: cell %q holds a tab or newline", path, c)
			}
		}
	}
	af, err := store.CreateAtomic(path)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(strings.Join(t.Header, "\t") + "\n")
	for _, row := range t.Rows {
		b.WriteString(strings.Join(row, "\t") + "\n")
	}
	if _, err := af.W.WriteString(b.String()); err != nil {
		af.Abort()
		return err
	}
	return af.Commit()
}

// plotted returns the metrics the report plots.
func plotted(plan *Plan, t *Table) ([]string, error) {
	if len(plan.Report.Metrics) == 0 {
		var out []string
		for _, m := range t.Metrics {
			if m != "wall_s" {
				out = append(out, m)
			}
		}
		return out, nil
	}
	for _, m := range plan.Report.Metrics {
		if !contains(t.Metrics, m) && t.Complete > 0 {
			msg := fmt.Sprintf("report.metrics: no point has a metric %q", m)
			if s := config.Suggest(m, t.Metrics); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, fmt.Errorf("%s", msg)
		}
	}
	return plan.Report.Metrics, nil
}

func fileName(metric string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, metric)
}

// numeric returns the axis values as numbers (ok false if any is not).
func numeric(vals []any) ([]float64, bool) {
	out := make([]float64, len(vals))
	for i, v := range vals {
		switch x := v.(type) {
		case json.Number:
			f, err := x.Float64()
			if err != nil {
				return nil, false
			}
			out[i] = f
		case float64:
			out[i] = x
		case int64:
			out[i] = float64(x)
		default:
			return nil, false
		}
	}
	return out, true
}

// cellStats is the mean, standard error and count of a metric over the
// repeats of one design point (non-finite values are excluded).
func cellStats(vals []float64) (mean, se float64, n int) {
	var s, s2 float64
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		s += v
		s2 += v * v
		n++
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	mean = s / float64(n)
	se = math.NaN()
	if n > 1 {
		v := (s2 - s*s/float64(n)) / float64(n-1)
		se = math.Sqrt(max(v, 0) / float64(n))
	}
	return mean, se, n
}

// gridIndex maps each point to its cell in the grid (-1 for points
// outside it: there are none in a pure grid).
func gridIndex(plan *Plan) [][]int {
	idx := make([][]int, len(plan.Points))
	for i, pt := range plan.Points {
		for a, ax := range plan.Grid {
			k := -1
			for j, v := range ax.Values {
				if a < len(pt.Values) && CellValue(v) == CellValue(pt.Values[a].Value) {
					k = j
					break
				}
			}
			idx[i] = append(idx[i], k)
		}
	}
	return idx
}

func writeReport(dir string, plan *Plan, t *Table) error {
	rep := report.New("engram sweep — " + filepath.Base(filepath.Clean(dir)))
	rep.Section("Sweep")
	design := fmt.Sprintf("%d points over %s of %s (experiment %s), %d repeat(s); %d complete", len(plan.Points), strings.Join(plan.Keys, ", "), plan.Base, plan.Experiment, plan.Repeats, t.Complete)
	if len(t.Missing) > 0 {
		design += fmt.Sprintf(", missing: %s (run engram sweep --resume)", strings.Join(t.Missing, " "))
	}
	rep.Paragraph(design + ". The table of every point is " + TableFile + ".")
	onlyGrid := len(plan.Keys) == len(plan.Grid)+btoi(plan.Repeats > 1)
	metrics, err := plotted(plan, t)
	if err != nil {
		return err
	}
	if onlyGrid && (len(plan.Grid) == 1 || len(plan.Grid) == 2) && t.Complete > 0 {
		rep.Section("Figures")
		figs := filepath.Join(dir, "figs")
		if err := os.MkdirAll(figs, 0o755); err != nil {
			return err
		}
		idx := gridIndex(plan)
		for _, m := range metrics {
			var png string
			var err error
			if len(plan.Grid) == 1 {
				png, err = linePlot(figs, plan, t, idx, m)
			} else {
				png, err = heatMap(figs, plan, t, idx, m)
			}
			if err != nil {
				return err
			}
			if err := rep.Figure(png, m); err != nil {
				return err
			}
		}
		if len(plan.Grid) == 1 {
			for _, pl := range plan.Report.Plots {
				if pl.X != "" {
					continue
				}
				png, err := combinedPlot(figs, plan, t, idx, pl)
				if err != nil {
					return err
				}
				if err := rep.Figure(png, pl.Title+" ("+strings.Join(pl.Metrics, ", ")+")"); err != nil {
					return err
				}
			}
		}
	} else if gridPlots(plan) > 0 && t.Complete > 0 {
		rep.Paragraph("The [[report.plot]] figures without an x key need a sweep over one [grid] key (and repeats): this design has none.")
	}
	if t.Complete > 0 {
		scatters := false
		for _, pl := range plan.Report.Plots {
			if pl.X == "" {
				continue
			}
			if !scatters {
				rep.Section("Metric against metric")
				scatters = true
			}
			figs := filepath.Join(dir, "figs")
			if err := os.MkdirAll(figs, 0o755); err != nil {
				return err
			}
			png, n, err := scatterPlot(figs, plan, t, pl)
			if err != nil {
				return err
			}
			if err := rep.Figure(png, fmt.Sprintf("%s (%s against %s; one point per run, %d runs)", pl.Title, strings.Join(pl.Metrics, ", "), pl.X, n)); err != nil {
				return err
			}
		}
	}
	rep.Section("Points")
	rep.Table("", t.Header[:len(plan.Keys)+2], func() [][]string {
		var rows [][]string
		for _, r := range t.Rows {
			rows = append(rows, r[:len(plan.Keys)+2])
		}
		return rows
	}())
	return rep.WriteFile(filepath.Join(dir, ReportFile))
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// byCell gathers a metric's values per grid cell (flattened index).
func byCell(plan *Plan, t *Table, idx [][]int, metric string, dims []int) [][]float64 {
	n := 1
	for _, d := range dims {
		n *= d
	}
	cells := make([][]float64, n)
	for i := range plan.Points {
		m, ok := t.values[i][metric]
		if t.values[i] == nil || !ok || m.Missing {
			continue
		}
		c := 0
		for a, d := range dims {
			if idx[i][a] < 0 {
				c = -1
				break
			}
			c = c*d + idx[i][a]
		}
		if c >= 0 {
			cells[c] = append(cells[c], m.Value)
		}
	}
	return cells
}

// lineAxis returns the x values of a 1-D grid's axis and its label: the
// values when they are all numbers (ok), else their indices, named in the
// label.
func lineAxis(ax Axis) (x []float64, ok bool, label string) {
	x, ok = numeric(ax.Values)
	if ok {
		return x, true, ax.Key
	}
	x = make([]float64, len(ax.Values))
	for i := range x {
		x[i] = float64(i)
	}
	return x, false, ax.Key + " (index into " + valuesList(ax.Values) + ")"
}

func linePlot(figs string, plan *Plan, t *Table, idx [][]int, metric string) (string, error) {
	ax := plan.Grid[0]
	x, ok, xlabel := lineAxis(ax)
	cells := byCell(plan, t, idx, metric, []int{len(ax.Values)})
	y := make([]float64, len(x))
	var yerr []float64
	if plan.Repeats > 1 {
		yerr = make([]float64, len(x))
	}
	for i, c := range cells {
		mean, se, _ := cellStats(c)
		y[i] = mean
		if yerr != nil {
			yerr[i] = se
		}
	}
	if ok { // draw by increasing x
		ord := layoutAxis(ax).order
		x, y, yerr = permute(x, ord), permute(y, ord), permute(yerr, ord)
	}
	base := filepath.Join(figs, fileName(metric))
	ylabel := metric
	if plan.Repeats > 1 {
		ylabel += fmt.Sprintf(" (mean ± SE of %d seeds)", plan.Repeats)
	}
	files, err := plot.Lines(base, plot.LineSpec{Title: metric, XLabel: xlabel, YLabel: ylabel, LogX: plan.Report.LogX && ok && anyFinite(y),
		Series: []plot.Series{{Name: metric, X: x, Y: y, YErr: yerr, Points: len(x) < 3}}})
	if err != nil {
		return "", err
	}
	return files[0], nil
}

// combinedPlot draws a [[report.plot]]: each metric against the grid's
// key (with repeats: the mean ± SE over seeds, unless errors names the
// error bars' metric, whose mean over seeds is used).
func combinedPlot(figs string, plan *Plan, t *Table, idx [][]int, pl Plot) (string, error) {
	for _, m := range append(append([]string(nil), pl.Metrics...), pl.Errors...) {
		if m != "" && !contains(t.Metrics, m) {
			msg := fmt.Sprintf("[[report.plot]] %s: no point has a metric %q", pl.Name, m)
			if s := config.Suggest(m, t.Metrics); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return "", fmt.Errorf("%s", msg)
		}
	}
	ax := plan.Grid[0]
	x, ok, xlabel := lineAxis(ax)
	var series []plot.Series
	for k, m := range pl.Metrics {
		y, yerr := make([]float64, len(x)), []float64(nil)
		cells := byCell(plan, t, idx, m, []int{len(x)})
		var ecells [][]float64
		if len(pl.Errors) > 0 && pl.Errors[k] != "" {
			ecells = byCell(plan, t, idx, pl.Errors[k], []int{len(x)})
		}
		if ecells != nil || plan.Repeats > 1 {
			yerr = make([]float64, len(x))
		}
		for i, c := range cells {
			mean, se, _ := cellStats(c)
			y[i] = mean
			switch {
			case ecells != nil:
				yerr[i], _, _ = cellStats(ecells[i])
			case yerr != nil:
				yerr[i] = se
			}
		}
		name := m
		if len(pl.Labels) > 0 {
			name = pl.Labels[k]
		}
		points := !strings.HasSuffix(m, "theory")
		if len(pl.Points) > 0 {
			points = pl.Points[k]
		}
		xs := x
		if ok { // draw by increasing x
			ord := layoutAxis(ax).order
			xs, y, yerr = permute(x, ord), permute(y, ord), permute(yerr, ord)
		}
		series = append(series, plot.Series{Name: name, X: xs, Y: y, YErr: yerr, Points: points, Color: k})
	}
	title := pl.Title
	if title == "" {
		title = pl.Name
	}
	drawn := false // a log axis needs a finite point
	for _, sr := range series {
		drawn = drawn || anyFinite(sr.Y)
	}
	files, err := plot.Lines(filepath.Join(figs, pl.Name), plot.LineSpec{Title: title, XLabel: xlabel, YLabel: pl.YLabel,
		LogX: pl.LogX && ok && drawn, LogY: pl.LogY && drawn, Legend: true, Series: series})
	if err != nil {
		return "", err
	}
	return files[0], nil
}

// anyFinite reports whether v has a finite value.
func anyFinite(v []float64) bool {
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return true
		}
	}
	return false
}

// permute returns v[order[0]], v[order[1]], … (nil for nil).
func permute(v []float64, order []int) []float64 {
	if v == nil {
		return nil
	}
	out := make([]float64, len(order))
	for k, i := range order {
		out[k] = v[i]
	}
	return out
}

func valuesList(vals []any) string {
	var s []string
	for _, v := range vals {
		s = append(s, CellValue(v))
	}
	return strings.Join(s, ", ")
}

// uniform reports whether v is evenly spaced (to 1e-9 relative) and
// increasing, returning the spacing.
func uniform(v []float64) (float64, bool) {
	if len(v) < 2 {
		return 1, len(v) == 1
	}
	d := v[1] - v[0]
	if !(d > 0) {
		return 0, false
	}
	for i := 2; i < len(v); i++ {
		if math.Abs(v[i]-v[i-1]-d) > 1e-9*math.Max(1, math.Abs(d)) {
			return 0, false
		}
	}
	return d, true
}

// axisLayout is how a heat map draws one grid axis: the cells in drawing
// order (by increasing value for numeric axes, else as listed), and
// either a numeric extent (uniform spacing: cells of one width centred on
// the values; ≥ 3 positive values spanning a decade or more, e.g. 0.01,
// 0.03, 0.1, 0.3: a log10 axis, cells bounded at the midpoints in log, of
// one width when the values are geometric; other uneven spacing: cells
// bounded at the midpoints between the values, drawn to scale) or, for values that are not all numbers, one unit-wide cell per
// value. Ticks label the values themselves, at the cells' centres, unless
// the spacing is uniform (the automatic numeric ticks are then right).
type axisLayout struct {
	order  []int     // order[k] is the index into the axis's values of the k-th cell
	x0, x1 float64   // the extent (uniform numeric, or 0..n by index)
	edges  []float64 // uneven numeric: the cells' boundaries
	ticks  []plot.Tick
	label  string
}

func layoutAxis(ax Axis) axisLayout {
	n := len(ax.Values)
	l := axisLayout{order: make([]int, n), label: ax.Key}
	for i := range l.order {
		l.order[i] = i
	}
	vals, ok := numeric(ax.Values)
	if ok {
		sort.SliceStable(l.order, func(a, b int) bool { return vals[l.order[a]] < vals[l.order[b]] })
		sorted := make([]float64, n)
		for k, i := range l.order {
			sorted[k] = vals[i]
			if k > 0 && !(sorted[k] > sorted[k-1]) {
				ok = false // equal numbers written differently (1 and 1.0): by index
			}
		}
		if ok {
			if d, uni := uniform(sorted); uni {
				l.x0, l.x1 = sorted[0]-d/2, sorted[n-1]+d/2
				return l
			}
			if lg, ok := logAxis(sorted); ok {
				// a log10 axis: evenly spaced in log, cells of one width;
				// else cells bounded at the midpoints in log
				if d, uni := uniform(lg); uni {
					l.x0, l.x1 = lg[0]-d/2, lg[n-1]+d/2
				} else {
					l.edges = plot.Midpoints(lg)
				}
				l.label = ax.Key + " (log scale)"
				for k, i := range l.order {
					l.ticks = append(l.ticks, plot.Tick{Value: lg[k], Label: CellValue(ax.Values[i])})
				}
				return l
			}
			l.edges = plot.Midpoints(sorted)
			for k, i := range l.order {
				l.ticks = append(l.ticks, plot.Tick{Value: sorted[k], Label: CellValue(ax.Values[i])})
			}
			return l
		}
		for i := range l.order {
			l.order[i] = i
		}
	}
	l.x0, l.x1 = 0, float64(n)
	for k, i := range l.order {
		l.ticks = append(l.ticks, plot.Tick{Value: float64(k) + 0.5, Label: CellValue(ax.Values[i])})
	}
	return l
}

// logAxis reports whether unevenly spaced increasing values are drawn on a
// log10 axis: at least 3 of them, all > 0, spanning at least a decade
// (0.01, 0.03, 0.1, 0.3 …), returning their log10.
func logAxis(v []float64) ([]float64, bool) {
	n := len(v)
	if n < 3 || !(v[0] > 0) || v[n-1] < 10*v[0] {
		return nil, false
	}
	lg := make([]float64, n)
	for i, x := range v {
		lg[i] = math.Log10(x)
	}
	return lg, true
}

// heatMap draws a metric over a 2-D grid: the first key along x (columns),
// the second along y (rows), both laid out by layoutAxis; with repeats the
// cell is the mean over seeds. Next to the figure, <base>-cells.tsv lists
// x, y, mean, se, n per cell.
func heatMap(figs string, plan *Plan, t *Table, idx [][]int, metric string) (string, error) {
	ax, ay := plan.Grid[0], plan.Grid[1]
	nx, ny := len(ax.Values), len(ay.Values)
	cells := byCell(plan, t, idx, metric, []int{nx, ny})
	data := make([]float64, nx*ny)
	base := filepath.Join(figs, fileName(metric))
	if err := os.MkdirAll(figs, 0o755); err != nil {
		return "", err
	}
	w, err := store.NewTSVWriter(base+"-cells.tsv", []string{ax.Key, ay.Key, "mean", "se", "n"})
	if err != nil {
		return "", err
	}
	lx, ly := layoutAxis(ax), layoutAxis(ay)
	for i := range nx {
		for j := range ny {
			mean, se, n := cellStats(cells[i*ny+j])
			if err := w.Row(CellValue(ax.Values[i]), CellValue(ay.Values[j]), mean, se, n); err != nil {
				w.Abort()
				return "", err
			}
		}
	}
	for c, i := range lx.order {
		for r, j := range ly.order {
			mean, _, _ := cellStats(cells[i*ny+j])
			data[r*nx+c] = mean // row r (y) from the bottom, column c (x)
		}
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	spec := plot.ImageSpec{Title: metric, XLabel: lx.label, YLabel: ly.label, CLabel: metric, Rows: ny, Cols: nx, Data: data,
		X0: lx.x0, X1: lx.x1, Y0: ly.x0, Y1: ly.x1, XEdges: lx.edges, YEdges: ly.edges, XTicks: lx.ticks, YTicks: ly.ticks}
	if plan.Repeats > 1 {
		spec.CLabel += fmt.Sprintf(" (mean of %d seeds)", plan.Repeats)
	}
	files, err := plot.Image(base, spec)
	if err != nil {
		return "", err
	}
	return files[0], nil
}

// gridPlots counts the [[report.plot]] entries drawn against a 1-D grid's
// key (those without x).
func gridPlots(plan *Plan) int {
	n := 0
	for _, pl := range plan.Report.Plots {
		if pl.X == "" {
			n++
		}
	}
	return n
}

// runValue is point i's value of name: a swept key's value (if numeric)
// or a metric's.
func runValue(plan *Plan, t *Table, i int, name string) (float64, bool) {
	for _, v := range plan.Points[i].Values {
		if v.Key == name {
			x, ok := numeric([]any{v.Value})
			if !ok {
				return 0, false
			}
			return x[0], true
		}
	}
	if t.values[i] == nil {
		return 0, false
	}
	m, ok := t.values[i][name]
	if !ok || m.Missing {
		return 0, false
	}
	return m.Value, true
}

// scatterPlot draws a [[report.plot]] with an x key: each metric against
// x, one point per complete run (in point order; runs missing either
// value are left out). It returns the PNG and the number of runs drawn.
func scatterPlot(figs string, plan *Plan, t *Table, pl Plot) (string, int, error) {
	isKey := contains(plan.Keys, pl.X)
	for _, m := range append(append([]string{pl.X}, pl.Metrics...), pl.Errors...) {
		if m == "" || m == pl.X && isKey {
			continue
		}
		if !contains(t.Metrics, m) {
			msg := fmt.Sprintf("[[report.plot]] %s: no point has a metric %q", pl.Name, m)
			if m == pl.X {
				msg = fmt.Sprintf("[[report.plot]] %s: x = %q is neither a swept key (%s) nor a metric", pl.Name, m, strings.Join(plan.Keys, ", "))
			}
			if s := config.Suggest(m, append(append([]string(nil), t.Metrics...), plan.Keys...)); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return "", 0, fmt.Errorf("%s", msg)
		}
	}
	var series []plot.Series
	runs := map[int]bool{}
	for k, m := range pl.Metrics {
		var xs, ys, es []float64
		for i := range plan.Points {
			x, ok1 := runValue(plan, t, i, pl.X)
			y, ok2 := runValue(plan, t, i, m)
			if !ok1 || !ok2 {
				continue
			}
			e := math.NaN()
			if len(pl.Errors) > 0 && pl.Errors[k] != "" {
				if v, ok := runValue(plan, t, i, pl.Errors[k]); ok {
					e = v
				}
			}
			xs, ys, es = append(xs, x), append(ys, y), append(es, e)
			runs[i] = true
		}
		name := m
		if len(pl.Labels) > 0 {
			name = pl.Labels[k]
		}
		if len(pl.Errors) == 0 || pl.Errors[k] == "" {
			es = nil
		}
		series = append(series, plot.Series{Name: name, X: xs, Y: ys, YErr: es, Points: true, Color: k})
	}
	title := pl.Title
	if title == "" {
		title = pl.Name
	}
	xlabel := pl.XLabel
	if xlabel == "" {
		xlabel = pl.X
	}
	drawn := false
	for _, sr := range series {
		drawn = drawn || anyFinite(sr.Y)
	}
	files, err := plot.Lines(filepath.Join(figs, pl.Name), plot.LineSpec{Title: title, XLabel: xlabel, YLabel: pl.YLabel,
		LogX: pl.LogX && drawn, LogY: pl.LogY && drawn, Legend: true, Series: series})
	if err != nil {
		return "", 0, err
	}
	return files[0], len(runs), nil
}
