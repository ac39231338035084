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

// HistSeries is one distribution of a histogram.
type HistSeries struct {
	Name   string // legend label and TSV series name ("series<i>" if empty)
	Values []float64
}

// HistSpec describes overlaid histograms sharing the same bin edges.
type HistSpec struct {
	Title, XLabel, YLabel string
	Series                []HistSeries // drawn overlaid and semi-transparent
	Bins                  int          // number of equal-width bins; 0 = 30
	Range                 *[2]float64  // [lo, hi]; nil = min and max of all finite values
	Density               bool         // plot count/(n·width) instead of counts (n = values in range)
	LogY                  bool         // logarithmic count axis (empty bins are not drawn)
}

// DefaultBins is the number of bins used when HistSpec.Bins is 0.
const DefaultBins = 30

// histResult holds the bin edges and counts computed for Histogram.
type histResult struct {
	edges  []float64   // Bins+1 edges
	counts [][]float64 // per series
	n      []int       // values in range per series
}

// BinEdges returns the bins+1 equal-width edges spanning [lo, hi] that
// Histogram uses (the last edge is exactly hi).
func BinEdges(lo, hi float64, bins int) []float64 {
	e := make([]float64, bins+1)
	for k := range e {
		e[k] = lo + (hi-lo)*float64(k)/float64(bins)
	}
	e[bins] = hi
	return e
}

// binIndex returns the bin of v for the given edges: edges[k] <= v <
// edges[k+1], with the last bin closed on the right; -1 if outside.
func binIndex(edges []float64, v float64) int {
	bins := len(edges) - 1
	lo, hi := edges[0], edges[bins]
	if !(v >= lo && v <= hi) {
		return -1
	}
	k := int((v - lo) / (hi - lo) * float64(bins))
	k = min(max(k, 0), bins-1)
	// Make the result agree exactly with the edge comparisons.
	for k > 0 && v < edges[k] {
		k--
	}
	for k < bins-1 && v >= edges[k+1] {
		k++
	}
	return k
}

func computeHist(h HistSpec) (histResult, error) {
	bins := h.Bins
	if bins == 0 {
		bins = DefaultBins
	}
	if bins < 0 {
		return histResult{}, fmt.Errorf("Bins = %d", h.Bins)
	}
	var lo, hi float64
	if h.Range != nil {
		lo, hi = h.Range[0], h.Range[1]
		if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			return histResult{}, fmt.Errorf("invalid Range [%g, %g]", lo, hi)
		}
	} else {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, s := range h.Series {
			for _, v := range s.Values {
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
		switch {
		case lo > hi: // no finite values
			lo, hi = 0, 1
		case lo == hi:
			lo, hi = lo-0.5, hi+0.5
		}
	}
	r := histResult{edges: BinEdges(lo, hi, bins)}
	for _, s := range h.Series {
		c := make([]float64, bins)
		n := 0
		for _, v := range s.Values {
			if k := binIndex(r.edges, v); k >= 0 {
				c[k]++
				n++
			}
		}
		r.counts = append(r.counts, c)
		r.n = append(r.n, n)
	}
	return r, nil
}

// Histogram draws overlaid, semi-transparent histograms with common bin
// edges as base.png and base.svg, and writes base.tsv with columns
// series, bin_lo, bin_hi, count (and density when h.Density). Bins are
// [lo, hi) except the last, which is closed; NaN and values outside the
// range are skipped (they appear in no bin and in no TSV column).
func Histogram(base string, h HistSpec) ([]string, error) {
	if err := prepare(base); err != nil {
		return nil, err
	}
	r, err := computeHist(h)
	if err != nil {
		return nil, fmt.Errorf("plot: %s: %v", base, err)
	}
	bins := len(r.edges) - 1
	width := (r.edges[bins] - r.edges[0]) / float64(bins)
	height := func(s, k int) float64 {
		if !h.Density {
			return r.counts[s][k]
		}
		if r.n[s] == 0 {
			return 0
		}
		return r.counts[s][k] / (float64(r.n[s]) * (r.edges[k+1] - r.edges[k]))
	}
	fig := func(dc draw.Canvas) {
		p := newPlot(h.Title, h.XLabel, h.YLabel)
		if h.LogY {
			p.Y.Scale = gplot.LogScale{}
			p.Y.Tick.Marker = gplot.LogTicks{Prec: -1}
		}
		for s, se := range h.Series {
			col := PaletteColor(s)
			fill := color.NRGBA{col.R, col.G, col.B, 0x73} // 45 % opaque
			hb := make([]plotter.HistogramBin, 0, bins)
			for k := 0; k < bins; k++ {
				y := height(s, k)
				if h.LogY && y <= 0 {
					continue
				}
				hb = append(hb, plotter.HistogramBin{Min: r.edges[k], Max: r.edges[k+1], Weight: y})
			}
			hist := &plotter.Histogram{
				Bins:      hb,
				Width:     width,
				FillColor: fill,
				LineStyle: draw.LineStyle{Color: col, Width: vg.Length(0.8)},
				LogY:      h.LogY,
			}
			if len(hb) > 0 {
				p.Add(hist)
			}
			if se.Name != "" {
				p.Legend.Add(se.Name, hist)
			}
		}
		if h.LogY {
			fixLogAxis(&p.Y)
		} else {
			p.Y.Min = 0
		}
		p.X.Min, p.X.Max = r.edges[0], r.edges[bins]
		drawPlot(p, dc)
	}
	header := []string{"series", "bin_lo", "bin_hi", "count"}
	if h.Density {
		header = append(header, "density")
	}
	tsv := dataFile{base + ".tsv", func() error {
		return writeTable(base+".tsv", header, func(w *store.TSVWriter) error {
			for s, se := range h.Series {
				name := seriesName(se.Name, s)
				for k := 0; k < bins; k++ {
					row := []any{name, r.edges[k], r.edges[k+1], int64(r.counts[s][k])}
					if h.Density {
						row = append(row, height(s, k))
					}
					if err := w.Row(row...); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}}
	return writeFigure(base, fig, tsv)
}
