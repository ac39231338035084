package plot

import (
	"fmt"
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/engramsim/engram/store"
)

// Color values with a special meaning in Series.Color.
const (
	// AutoColor takes the next colour of the palette (counting only
	// series with AutoColor).
	AutoColor = -1
	// Background draws the series as a thin grey line: for many context
	// curves (e.g. 30 non-target overlaps) behind a few highlighted ones.
	Background = -2
)

// Series is one curve of a line plot.
type Series struct {
	Name   string    // legend label and TSV series name; "" = not in the legend, "series<i>" in the TSV
	X, Y   []float64 // same length
	YErr   []float64 // optional symmetric error bars (nil, or len(Y))
	Points bool      // draw markers instead of a line
	Dashed bool      // dashed line
	Color  int       // palette index (mod PaletteSize), AutoColor or Background
}

// LineSpec describes a line plot.
type LineSpec struct {
	Title, XLabel, YLabel  string
	Series                 []Series
	VLines                 []float64 // x positions of dashed vertical markers (e.g. cue onsets)
	XMin, XMax, YMin, YMax *float64  // optional axis limits; nil = from the data
	LogX, LogY             bool      // logarithmic axes
	Legend                 bool      // show a legend of the named series
}

// lineWidth is the default line width; backgroundWidth the width of
// Background series (points).
const (
	lineWidth       = vg.Length(1.5)
	backgroundWidth = vg.Length(0.6)
	markerRadius    = vg.Length(2.2)
)

// seriesStyle resolves the colour and width of series i.
func seriesStyle(s Series, auto *int) (color.Color, vg.Length) {
	switch {
	case s.Color == Background:
		return background(), backgroundWidth
	case s.Color < 0:
		c := PaletteColor(*auto)
		*auto++
		return c, lineWidth
	}
	return PaletteColor(s.Color), lineWidth
}

// Lines draws s as base.png and base.svg and writes the plotted data to
// base.tsv in long format with columns series, x, y (and yerr if any
// series has error bars; NaN where a series has none). VLines appear in
// the TSV as rows of series "vline" with y = nan.
//
// Points with a non-finite coordinate, or a non-positive one on a log
// axis, are not drawn and break the line into separate segments; they are
// still listed in the TSV, so the figure can be redrawn from it with the
// same rule.
func Lines(base string, s LineSpec) ([]string, error) {
	if err := prepare(base); err != nil {
		return nil, err
	}
	hasErr := false
	for i, se := range s.Series {
		if len(se.X) != len(se.Y) {
			return nil, fmt.Errorf("plot: %s: series %d (%q): len(X) = %d, len(Y) = %d", base, i, se.Name, len(se.X), len(se.Y))
		}
		if se.YErr != nil && len(se.YErr) != len(se.Y) {
			return nil, fmt.Errorf("plot: %s: series %d (%q): len(YErr) = %d, len(Y) = %d", base, i, se.Name, len(se.YErr), len(se.Y))
		}
		hasErr = hasErr || se.YErr != nil
	}
	if s.LogY && s.YMin != nil && *s.YMin <= 0 {
		return nil, fmt.Errorf("plot: %s: YMin = %g on a log axis", base, *s.YMin)
	}
	if s.LogX && s.XMin != nil && *s.XMin <= 0 {
		return nil, fmt.Errorf("plot: %s: XMin = %g on a log axis", base, *s.XMin)
	}

	fig := func(dc draw.Canvas) {
		p := newPlot(s.Title, s.XLabel, s.YLabel)
		if s.LogX {
			p.X.Scale = gplot.LogScale{}
			p.X.Tick.Marker = gplot.LogTicks{Prec: -1}
		}
		if s.LogY {
			p.Y.Scale = gplot.LogScale{}
			p.Y.Tick.Marker = gplot.LogTicks{Prec: -1}
		}
		ok := func(x, y float64) bool {
			return !math.IsNaN(x) && !math.IsInf(x, 0) && !math.IsNaN(y) && !math.IsInf(y, 0) &&
				(!s.LogX || x > 0) && (!s.LogY || y > 0)
		}
		auto := 0
		// Background series first so highlighted curves are drawn on top.
		order := make([]int, 0, len(s.Series))
		for i, se := range s.Series {
			if se.Color == Background {
				order = append(order, i)
			}
		}
		for i, se := range s.Series {
			if se.Color != Background {
				order = append(order, i)
			}
		}
		type legendEntry struct {
			name string
			th   gplot.Thumbnailer
		}
		legend := make([]legendEntry, len(s.Series))
		for _, i := range order {
			se := s.Series[i]
			col, width := seriesStyle(se, &auto)
			ls := draw.LineStyle{Color: col, Width: width}
			if se.Dashed {
				ls.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			}
			gs := draw.GlyphStyle{Color: col, Radius: markerRadius, Shape: draw.CircleGlyph{}}
			var seg plotter.XYs
			flush := func() {
				if len(seg) == 0 {
					return
				}
				if se.Points {
					p.Add(&plotter.Scatter{XYs: seg, GlyphStyle: gs})
				} else {
					addLine(p, seg, ls)
				}
				seg = nil
			}
			for k := range se.X {
				if ok(se.X[k], se.Y[k]) {
					seg = append(seg, plotter.XY{X: se.X[k], Y: se.Y[k]})
				} else {
					flush()
				}
			}
			flush()
			if se.YErr != nil {
				var eb errBars
				for k := range se.X {
					e := se.YErr[k]
					if ok(se.X[k], se.Y[k]) && !math.IsNaN(e) && !math.IsInf(e, 0) && (!s.LogY || se.Y[k]-e > 0) {
						eb = append(eb, [3]float64{se.X[k], se.Y[k], math.Abs(e)})
					}
				}
				if len(eb) > 0 {
					bars, err := plotter.NewYErrorBars(eb)
					if err == nil {
						bars.LineStyle = draw.LineStyle{Color: col, Width: vg.Length(1)}
						p.Add(bars)
					}
				}
			}
			if se.Name != "" {
				if se.Points {
					legend[i] = legendEntry{se.Name, &plotter.Scatter{GlyphStyle: gs}}
				} else {
					legend[i] = legendEntry{se.Name, &plotter.Line{LineStyle: ls}}
				}
			}
		}
		if len(s.VLines) > 0 {
			p.Add(vlines{xs: s.VLines, log: s.LogX, style: draw.LineStyle{
				Color: color.Gray{0x55}, Width: vg.Length(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)},
			}})
		}
		if s.Legend {
			for _, e := range legend {
				if e.th != nil {
					p.Legend.Add(e.name, e.th)
				}
			}
		}
		if s.XMin != nil {
			p.X.Min = *s.XMin
		}
		if s.XMax != nil {
			p.X.Max = *s.XMax
		}
		if s.YMin != nil {
			p.Y.Min = *s.YMin
		}
		if s.YMax != nil {
			p.Y.Max = *s.YMax
		}
		if s.LogX {
			fixLogAxis(&p.X)
		}
		if s.LogY {
			fixLogAxis(&p.Y)
		}
		drawPlot(p, dc)
	}
	header := []string{"series", "x", "y"}
	if hasErr {
		header = append(header, "yerr")
	}
	tsv := dataFile{base + ".tsv", func() error {
		return writeTable(base+".tsv", header, func(w *store.TSVWriter) error {
			for i, se := range s.Series {
				name := seriesName(se.Name, i)
				for k := range se.X {
					var err error
					if hasErr {
						e := math.NaN()
						if se.YErr != nil {
							e = se.YErr[k]
						}
						err = w.Row(name, se.X[k], se.Y[k], e)
					} else {
						err = w.Row(name, se.X[k], se.Y[k])
					}
					if err != nil {
						return err
					}
				}
			}
			for _, x := range s.VLines {
				row := []any{"vline", x, math.NaN()}
				if hasErr {
					row = append(row, math.NaN())
				}
				if err := w.Row(row...); err != nil {
					return err
				}
			}
			return nil
		})
	}}
	return writeFigure(base, fig, tsv)
}

// lineChunk is the number of segments per stroked path of a long curve.
// The PNG rasteriser (freetype's, through gg) keeps the cells of a path in
// one sorted list per pixel row and inserts by linear search, so stroking
// one path costs about the square of the cells it covers per row: a noisy
// 2000-point rate trace took 0.9 s. Paths of lineChunk segments keep that
// cost linear (BenchmarkLinesCobaRates: 1.8 s → 0.1 s for two traces).
// Each path repeats the last segment of the previous one, so every vertex
// is drawn with its round join, as in one path; only that repeated segment
// is painted twice (its anti-aliased edge pixels a little darker).
const lineChunk = 32

// addLine adds the polyline xy to p as overlapping paths of at most
// lineChunk segments.
func addLine(p *gplot.Plot, xy plotter.XYs, ls draw.LineStyle) {
	for lo := 0; ; lo += lineChunk - 1 {
		hi := min(lo+lineChunk+1, len(xy))
		p.Add(linePart{&plotter.Line{XYs: xy[lo:hi:hi], LineStyle: ls}})
		if hi == len(xy) {
			return
		}
	}
}

// linePart is a plotter.Line that gives the plot only the glyph boxes of
// its extreme points. The plot pads its axes by the boxes that reach
// furthest left, right, down and up (gplot's padX and padY), and a line's
// boxes, one per point, all have the same size, so these four decide; a
// box per point of every part of every curve (twice, for the PNG and the
// SVG) was only allocated and scanned.
type linePart struct{ *plotter.Line }

// GlyphBoxes implements gplot.GlyphBoxer, keeping the boxes that
// gplot.Plot.GlyphBoxes keeps (inside the axes where the box has a size).
func (l linePart) GlyphBoxes(p *gplot.Plot) []gplot.GlyphBox {
	r := 0.5 * l.LineStyle.Width
	rect := vg.Rectangle{Min: vg.Point{X: -r, Y: -r}, Max: vg.Point{X: r, Y: r}}
	var ext [4]gplot.GlyphBox // least and greatest X, least and greatest Y
	n := 0
	for i := range l.XYs {
		b := gplot.GlyphBox{X: p.X.Norm(l.XYs[i].X), Y: p.Y.Norm(l.XYs[i].Y), Rectangle: rect}
		if b.Size().X > 0 && (b.X < 0 || b.X > 1) || b.Size().Y > 0 && (b.Y < 0 || b.Y > 1) {
			continue
		}
		if n == 0 {
			ext = [4]gplot.GlyphBox{b, b, b, b}
		}
		n++
		if b.X < ext[0].X {
			ext[0] = b
		}
		if b.X > ext[1].X {
			ext[1] = b
		}
		if b.Y < ext[2].Y {
			ext[2] = b
		}
		if b.Y > ext[3].Y {
			ext[3] = b
		}
	}
	if n == 0 {
		return nil
	}
	return ext[:]
}

// writeTable writes a TSV through store's atomic writer.
func writeTable(path string, header []string, rows func(w *store.TSVWriter) error) error {
	w, err := store.NewTSVWriter(path, header)
	if err != nil {
		return err
	}
	if err := rows(w); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

// errBars adapts (x, y, err) triples to plotter.XYer and YErrorer.
type errBars [][3]float64

func (e errBars) Len() int                        { return len(e) }
func (e errBars) XY(i int) (float64, float64)     { return e[i][0], e[i][1] }
func (e errBars) YError(i int) (float64, float64) { return e[i][2], e[i][2] }

// vlines draws full-height vertical lines at data x positions, without
// influencing the axis ranges.
type vlines struct {
	xs    []float64
	log   bool
	style draw.LineStyle
}

func (v vlines) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, x := range v.xs {
		if math.IsNaN(x) || x < p.X.Min || x > p.X.Max || (v.log && x <= 0) {
			continue
		}
		px := trX(x)
		c.StrokeLine2(v.style, px, c.Min.Y, px, c.Max.Y)
	}
}
