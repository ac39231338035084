package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/engramsim/engram/store"
)

// ImageSpec describes a matrix drawn as an image (heatmap, binned raster).
type ImageSpec struct {
	Title, XLabel, YLabel string
	CLabel                string    // colour-bar label (e.g. "rate (Hz)")
	Rows, Cols            int       // matrix shape
	Data                  []float64 // row-major, len Rows*Cols; NaN is drawn white
	// Extent in data units: columns span [X0, X1] left to right, rows span
	// [Y0, Y1] bottom to top (row 0 at the bottom, like imshow's
	// origin="lower"). X0 == X1 means [0, Cols]; Y0 == Y1 means [0, Rows];
	// X0 > X1 or Y0 > Y1 is an error.
	X0, X1, Y0, Y1 float64
	Gray           bool // white (low) to black (high) instead of viridis
	// VMax, when > 0 and below the data maximum, saturates the colour scale:
	// values ≥ VMax get the top colour (the .npy keeps the true values).
	VMax float64
	// XEdges and YEdges, when set, are the cells' boundaries in data units
	// (Cols+1 and Rows+1 increasing values): cells of uneven widths drawn
	// to scale, e.g. bounded at the midpoints between uneven grid values
	// (Midpoints). They replace X0, X1 (Y0, Y1).
	XEdges, YEdges []float64
	// XTicks and YTicks, when set, replace the axes' automatic ticks (e.g.
	// one tick per cell labelled by its value).
	XTicks, YTicks []Tick
}

// Tick is an axis tick at Value labelled Label ("" = a minor tick).
type Tick struct {
	Value float64
	Label string
}

// Midpoints returns the edges of cells centred on the increasing values
// v: the midpoints between neighbours, and the outer cells as wide on
// their outer side as on their inner side (v[0] − (v[1]−v[0])/2, …); a
// single value gets [v − ½, v + ½]. It panics unless v is increasing.
func Midpoints(v []float64) []float64 {
	n := len(v)
	if n == 0 {
		return nil
	}
	if n == 1 {
		return []float64{v[0] - 0.5, v[0] + 0.5}
	}
	e := make([]float64, n+1)
	for i := 1; i < n; i++ {
		if !(v[i] > v[i-1]) {
			panic(fmt.Sprintf("plot: Midpoints of values not increasing: %v", v))
		}
		e[i] = (v[i-1] + v[i]) / 2
	}
	e[0] = v[0] - (e[1] - v[0])
	e[n] = v[n-1] + (v[n-1] - e[n-1])
	return e
}

// checkEdges validates edges of n cells (nil: none).
func checkEdges(base, axis string, e []float64, n int) error {
	if e == nil {
		return nil
	}
	if len(e) != n+1 {
		return fmt.Errorf("plot: %s: %d %s edges for %d cells (want %d)", base, len(e), axis, n, n+1)
	}
	for i := range e {
		if math.IsNaN(e[i]) || math.IsInf(e[i], 0) || i > 0 && !(e[i] > e[i-1]) {
			return fmt.Errorf("plot: %s: %s edges %v are not finite and increasing", base, axis, e)
		}
	}
	return nil
}

// resampleToEdges maps a rows × cols matrix whose cells have the given
// edges (nil: uniform) onto a uniform outRows × outCols matrix over the
// same extent: each output cell takes the value of the input cell that
// holds its centre.
func resampleToEdges(data []float64, rows, cols int, xEdges, yEdges []float64, outRows, outCols int) []float64 {
	cellOf := func(edges []float64, n, out, k int) int {
		if edges == nil {
			return k * n / out
		}
		x := edges[0] + (float64(k)+0.5)*(edges[n]-edges[0])/float64(out)
		i := sort.SearchFloat64s(edges, x) - 1 // edges[i] ≤ x < edges[i+1] (x is never exactly an edge's float)
		return min(max(i, 0), n-1)
	}
	xi := make([]int, outCols)
	for k := range xi {
		xi[k] = cellOf(xEdges, cols, outCols, k)
	}
	out := make([]float64, outRows*outCols)
	for r := range outRows {
		i := cellOf(yEdges, rows, outRows, r)
		for c, j := range xi {
			out[r*outCols+c] = data[i*cols+j]
		}
	}
	return out
}

// Matrices with more cells per axis than the figure has pixels (PNGWidth
// columns, PNGHeight rows) are block-averaged for display to at most that
// many: finer cells cannot be shown, and drawing them cost most of a
// raster's time (a 2000 × 1000 binned raster: the 2-Mpixel image scaled
// down for the PNG and PNG-encoded into the SVG). The .npy keeps every
// cell.
const (
	maxDrawCols = PNGWidth
	maxDrawRows = PNGHeight
)

// Image draws im as base.png and base.svg with a colour bar, writes the
// full matrix to base.npy (float64, shape (Rows, Cols)) and a one-row
// base.tsv with the shape, extent and colour range (rows, cols, x0, x1,
// y0, y1, vmin, vmax) whose comment names the .npy. Colours are scaled
// between the minimum and maximum finite values.
func Image(base string, im ImageSpec) ([]string, error) {
	if err := prepare(base); err != nil {
		return nil, err
	}
	if im.Rows <= 0 || im.Cols <= 0 || len(im.Data) != im.Rows*im.Cols {
		return nil, fmt.Errorf("plot: %s: %d×%d image with %d values", base, im.Rows, im.Cols, len(im.Data))
	}
	if im.X0 > im.X1 || im.Y0 > im.Y1 {
		return nil, fmt.Errorf("plot: %s: reversed extent x [%g, %g], y [%g, %g]", base, im.X0, im.X1, im.Y0, im.Y1)
	}
	if err := checkEdges(base, "x", im.XEdges, im.Cols); err != nil {
		return nil, err
	}
	if err := checkEdges(base, "y", im.YEdges, im.Rows); err != nil {
		return nil, err
	}
	var comments []string
	if im.XEdges != nil {
		im.X0, im.X1 = im.XEdges[0], im.XEdges[im.Cols]
		comments = append(comments, "column edges (x): "+floatList(im.XEdges))
	}
	if im.YEdges != nil {
		im.Y0, im.Y1 = im.YEdges[0], im.YEdges[im.Rows]
		comments = append(comments, "row edges (y): "+floatList(im.YEdges))
	}
	return drawImage(base, im, im.Data, comments)
}

func floatList(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = store.FormatFloat(x)
	}
	return strings.Join(s, " ")
}

// cell is the element type of a drawn matrix: float64 (Image) or int32
// (the counts of a binned Raster).
type cell interface{ ~float64 | ~int32 }

// drawImage implements Image for the matrix data (row-major, im.Rows ×
// im.Cols; im.Data is not used); extra comment lines go into the TSV.
func drawImage[T cell](base string, im ImageSpec, data []T, comments []string) ([]string, error) {
	if im.X0 == im.X1 {
		im.X0, im.X1 = 0, float64(im.Cols)
	}
	if im.Y0 == im.Y1 {
		im.Y0, im.Y1 = 0, float64(im.Rows)
	}
	vmin, vmax := math.Inf(1), math.Inf(-1)
	for _, x := range data {
		if v := float64(x); v > math.Inf(-1) && v < math.Inf(1) { // finite (false for NaN)
			if v < vmin {
				vmin = v
			}
			if v > vmax {
				vmax = v
			}
		}
	}
	if vmin > vmax {
		vmin, vmax = 0, 1
	}
	if im.VMax > vmin && im.VMax < vmax {
		vmax = im.VMax
	}
	cm := &colorMap{gray: im.Gray, min: vmin, max: vmax, alpha: 1}
	if cm.max == cm.min {
		cm.max = cm.min + 1
	}
	var img image.Image
	if im.XEdges != nil || im.YEdges != nil {
		// uneven cells: draw a uniform matrix fine enough to show them to scale
		disp := im
		f := make([]float64, len(data))
		for i, v := range data {
			f[i] = float64(v)
		}
		if im.XEdges != nil {
			disp.Cols = PNGWidth
		}
		if im.YEdges != nil {
			disp.Rows = PNGHeight
		}
		img = matrixImage(disp, resampleToEdges(f, im.Rows, im.Cols, im.XEdges, im.YEdges, disp.Rows, disp.Cols), cm)
	} else {
		img = matrixImage(im, data, cm)
	}

	fig := func(dc draw.Canvas) {
		const barWidth = 90
		main := draw.Crop(dc, 0, -barWidth, 0, 0)
		bar := draw.Crop(dc, figWidth-barWidth, 0, 0, -vg.Length(titleSize+8))
		p := newPlot(im.Title, im.XLabel, im.YLabel)
		p.Add(plotter.NewImage(img, im.X0, im.Y0, im.X1, im.Y1))
		p.X.Min, p.X.Max = math.Min(im.X0, im.X1), math.Max(im.X0, im.X1)
		p.Y.Min, p.Y.Max = math.Min(im.Y0, im.Y1), math.Max(im.Y0, im.Y1)
		if len(im.XTicks) > 0 {
			p.X.Tick.Marker = constTicks(im.XTicks)
		}
		if len(im.YTicks) > 0 {
			p.Y.Tick.Marker = constTicks(im.YTicks)
		}
		drawPlot(p, main)

		cb := newPlot("", "", im.CLabel)
		cb.HideX()
		cb.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true, Colors: 256})
		if pc, ok := dc.Canvas.(*pngCanvas); ok && pc.white(bar.Rectangle) {
			cb.BackgroundColor = nil // the fill would leave every pixel as it is (see drawPlot)
		}
		cb.Draw(draw.Crop(bar, marginL, -marginR, marginB, -marginT))
	}
	npy := dataFile{base + ".npy", func() error { return store.WriteNPY(base+".npy", data, im.Rows, im.Cols) }}
	dtype := "float64"
	if _, ok := any(data).([]int32); ok {
		dtype = "int32"
	}
	tsv := dataFile{base + ".tsv", func() error {
		return writeTable(base+".tsv", []string{"rows", "cols", "x0", "x1", "y0", "y1", "vmin", "vmax"}, func(w *store.TSVWriter) error {
			notes := append([]string{
				"matrix in " + baseName(base) + ".npy: " + dtype + ", shape (rows, cols), row-major;",
				"columns span [x0, x1], row 0 is at y0 (bottom); colours scale from vmin to vmax",
			}, comments...)
			for _, c := range notes {
				if err := w.Comment(c); err != nil {
					return err
				}
			}
			return w.Row(im.Rows, im.Cols, im.X0, im.X1, im.Y0, im.Y1, vmin, vmax)
		})
	}}
	return writeFigure(base, fig, npy, tsv)
}

func constTicks(t []Tick) gplot.ConstantTicks {
	out := make(gplot.ConstantTicks, len(t))
	for i, k := range t {
		out[i] = gplot.Tick{Value: k.Value, Label: k.Label}
	}
	return out
}

func baseName(base string) string {
	for i := len(base) - 1; i >= 0; i-- {
		if base[i] == '/' || base[i] == '\\' {
			return base[i+1:]
		}
	}
	return base
}

// matrixImage renders the matrix (block-averaged if larger than
// maxDrawCols × maxDrawRows) and enlarges it by whole pixels so that the
// renderer's interpolation does not blur cell edges. Gray maps give an
// *image.Gray (the same pixels as opaque NRGBA greys, a quarter of the
// bytes to scale and to PNG-encode into the SVG), others an *image.NRGBA.
func matrixImage[T cell](im ImageSpec, data []T, cm *colorMap) image.Image {
	by := (im.Rows + maxDrawRows - 1) / maxDrawRows
	bx := (im.Cols + maxDrawCols - 1) / maxDrawCols
	rows, cols := (im.Rows+by-1)/by, (im.Cols+bx-1)/bx
	fy := max(1, PNGHeight/rows)
	fx := max(1, PNGWidth/cols)
	rect := image.Rect(0, 0, cols*fx, rows*fy)
	var gray *image.Gray
	var rgba *image.NRGBA
	if cm.gray && cm.alpha == 1 {
		gray = image.NewGray(rect)
	} else {
		rgba = image.NewNRGBA(rect)
	}
	// colours of small whole values (the counts of a binned raster),
	// computed once each: colorMap.color per cell took most of the time
	var lut [1024]color.NRGBA
	var have [1024]bool
	colorOf := func(v float64) color.NRGBA {
		if k := int(v); v >= 0 && v < float64(len(lut)) && float64(k) == v {
			if !have[k] {
				lut[k], have[k] = cm.color(v), true
			}
			return lut[k]
		}
		return cm.color(v)
	}
	if by == 1 && bx == 1 && gray != nil && fx == 1 && fy == 1 {
		// one pixel per cell (a binned raster): colour each directly
		for r := 0; r < rows; r++ {
			p := gray.Pix[(rows-1-r)*gray.Stride:]
			for c, x := range data[r*im.Cols : (r+1)*im.Cols] {
				v := float64(x)
				if math.IsNaN(v) {
					p[c] = 0xff
				} else {
					p[c] = colorOf(v).R
				}
			}
		}
		return gray
	}
	for r := 0; r < rows; r++ {
		y0 := (rows - 1 - r) * fy // row 0 at the bottom
		for c := 0; c < cols; c++ {
			sum, n := 0.0, 0
			for i := r * by; i < min((r+1)*by, im.Rows); i++ {
				for j := c * bx; j < min((c+1)*bx, im.Cols); j++ {
					if v := float64(data[i*im.Cols+j]); !math.IsNaN(v) {
						sum += v
						n++
					}
				}
			}
			col := color.NRGBA{0xff, 0xff, 0xff, 0xff}
			if n > 0 {
				col = colorOf(sum / float64(n))
			}
			if gray != nil {
				for y := y0; y < y0+fy; y++ {
					p := gray.Pix[y*gray.Stride+c*fx : y*gray.Stride+(c+1)*fx]
					for x := range p {
						p[x] = col.R
					}
				}
				continue
			}
			for y := y0; y < y0+fy; y++ {
				p := rgba.Pix[y*rgba.Stride+4*c*fx : y*rgba.Stride+4*(c+1)*fx]
				for x := 0; x+4 <= len(p); x += 4 {
					p[x], p[x+1], p[x+2], p[x+3] = col.R, col.G, col.B, col.A
				}
			}
		}
	}
	if gray != nil {
		return gray
	}
	return rgba
}

// colorMap maps values to viridis (or white-to-black gray) colours; it
// implements palette.ColorMap for the colour bar.
type colorMap struct {
	gray     bool
	min, max float64
	alpha    float64
}

// viridisAnchors samples matplotlib's viridis at t = 0, 1/8, …, 1.
func viridisAnchors() [9][3]uint8 {
	return [9][3]uint8{
		{0x44, 0x01, 0x54}, {0x48, 0x28, 0x78}, {0x3E, 0x4A, 0x89}, {0x31, 0x68, 0x8E}, {0x26, 0x82, 0x8E},
		{0x1F, 0x9E, 0x89}, {0x35, 0xB7, 0x79}, {0x6D, 0xCD, 0x59}, {0xFD, 0xE7, 0x25},
	}
}

func (m *colorMap) color(v float64) color.NRGBA {
	t := (v - m.min) / (m.max - m.min)
	t = math.Min(math.Max(t, 0), 1)
	a := uint8(math.Round(255 * m.alpha))
	if m.gray {
		g := uint8(math.Round(255 * (1 - t)))
		return color.NRGBA{g, g, g, a}
	}
	anch := viridisAnchors()
	x := t * 8
	k := min(int(x), 7)
	f := x - float64(k)
	var c [3]uint8
	for i := range c {
		c[i] = uint8(math.Round(float64(anch[k][i])*(1-f) + float64(anch[k+1][i])*f))
	}
	return color.NRGBA{c[0], c[1], c[2], a}
}

func (m *colorMap) At(v float64) (color.Color, error) {
	tol := 1e-9 * (m.max - m.min)
	if v < m.min-tol || v > m.max+tol || math.IsNaN(v) {
		return nil, palette.ErrOverflow
	}
	return m.color(v), nil
}
func (m *colorMap) Max() float64       { return m.max }
func (m *colorMap) SetMax(v float64)   { m.max = v }
func (m *colorMap) Min() float64       { return m.min }
func (m *colorMap) SetMin(v float64)   { m.min = v }
func (m *colorMap) Alpha() float64     { return m.alpha }
func (m *colorMap) SetAlpha(a float64) { m.alpha = a }
func (m *colorMap) Palette(n int) palette.Palette {
	cs := make([]color.Color, n)
	for i := range cs {
		cs[i] = m.color(m.min + (m.max-m.min)*float64(i)/float64(max(n-1, 1)))
	}
	return colors(cs)
}

type colors []color.Color

func (c colors) Colors() []color.Color { return c }

// countQuantile returns the element at index ⌊q·(len−1)⌋ of the sorted
// counts (non-negative) and the largest count, by counting the values
// instead of sorting them (2·10⁶ cells of a binned raster).
func countQuantile(counts []int32, q float64) (int32, int32) {
	var top int32
	for _, v := range counts {
		top = max(top, v)
	}
	// four interleaved tables: most cells hold the same few values, and
	// an increment of one table entry waits for the previous one
	var h [4][]int
	for i := range h {
		h[i] = make([]int, int(top)+1)
	}
	i := 0
	for ; i+4 <= len(counts); i += 4 {
		h[0][counts[i]]++
		h[1][counts[i+1]]++
		h[2][counts[i+2]]++
		h[3][counts[i+3]]++
	}
	for ; i < len(counts); i++ {
		h[0][counts[i]]++
	}
	hist := make([]int, int(top)+1)
	for v := range hist {
		hist[v] = h[0][v] + h[1][v] + h[2][v] + h[3][v]
	}
	rank := int(q * float64(len(counts)-1))
	for v, n := range hist {
		if rank < n {
			return int32(v), top
		}
		rank -= n
	}
	return top, top
}

// RasterSpec describes a spike raster.
type RasterSpec struct {
	Title, XLabel, YLabel string
	// T0, T1 is the time window; spikes outside it are dropped. T1 <= T0
	// means the range of the data.
	T0, T1 float64
	// NIDs is the number of neurons (rows); ids >= NIDs are dropped. 0 means
	// max id + 1.
	NIDs int
	// MaxDots is the largest number of spikes drawn as individual dots;
	// above it the raster is binned into an image. 0 means DefaultMaxDots.
	MaxDots int
	// Bins is the number of time bins in image mode; 0 means PNGWidth
	// (one bin per pixel column).
	Bins int
}

// DefaultMaxDots is the dot/image threshold used when RasterSpec.MaxDots is 0.
const DefaultMaxDots = 50000

// maxRasterRows bounds the rows of a binned raster; above it consecutive
// ids are pooled into one row. It is the PNG's height, so the binned
// counts (base.npy) are no finer than the figure can show (its plot area,
// inside axes and colour bar, is a little smaller still): a finer matrix
// would only be block-averaged again when drawn, at 5× the cost.
const maxRasterRows = PNGHeight

// Raster draws spikes (times[k], ids[k]). With at most MaxDots spikes in
// the window it draws one dot per spike and base.tsv lists the plotted
// (time, id) pairs. Otherwise it counts spikes in Bins time bins × ids
// (pooling ceil(NIDs/2000) consecutive ids per row when NIDs > 2000) and
// draws that matrix as Image does (gray scale): base.npy then holds the
// counts (int32, shape (rows, bins)) and base.tsv the extent, as for Image.
func Raster(base string, times []float64, ids []int32, spec RasterSpec) ([]string, error) {
	if err := prepare(base); err != nil {
		return nil, err
	}
	if len(times) != len(ids) {
		return nil, fmt.Errorf("plot: %s: %d times but %d ids", base, len(times), len(ids))
	}
	nIDs := spec.NIDs
	for k, id := range ids {
		if id < 0 {
			return nil, fmt.Errorf("plot: %s: spike %d has negative id %d", base, k, id)
		}
		if spec.NIDs == 0 {
			nIDs = max(nIDs, int(id)+1)
		}
	}
	nIDs = max(nIDs, 1)
	t0, t1 := spec.T0, spec.T1
	if t1 <= t0 {
		t0, t1 = math.Inf(1), math.Inf(-1)
		for _, t := range times {
			if t > math.Inf(-1) && t < math.Inf(1) { // finite (false for NaN)
				if t < t0 {
					t0 = t
				}
				if t > t1 {
					t1 = t
				}
			}
		}
		switch {
		case t0 > t1:
			t0, t1 = 0, 1
		case t0 == t1:
			t0, t1 = t0-0.5, t1+0.5
		}
	}
	keep := func(k int) bool { return times[k] >= t0 && times[k] <= t1 && int(ids[k]) < nIDs }
	n := 0
	for k, t := range times {
		if t >= t0 && t <= t1 && int(ids[k]) < nIDs { // keep(k), inlined: 10⁵–10⁶ spikes
			n++
		}
	}
	maxDots := spec.MaxDots
	if maxDots == 0 {
		maxDots = DefaultMaxDots
	}
	if n > maxDots {
		bins := spec.Bins
		if bins <= 0 {
			bins = PNGWidth
		}
		per := (nIDs + maxRasterRows - 1) / maxRasterRows
		rows := (nIDs + per - 1) / per
		// rows of a bin are a row stride apart, but consecutive bins share
		// cache lines: the time-ordered spikes stay within ≈ 500 lines
		counts := make([]int32, rows*bins)
		rowStart := make([]int32, nIDs) // id → offset of its row (no division per spike)
		for id := range rowStart {
			rowStart[id] = int32(id / per * bins)
		}
		for k, t := range times {
			id := int(ids[k])
			if !(t >= t0 && t <= t1 && id < nIDs) { // !keep(k)
				continue
			}
			b := min(int((t-t0)/(t1-t0)*float64(bins)), bins-1)
			counts[int(rowStart[id])+b]++
		}
		// saturate at the 99th percentile of the counts (at least 1 spike):
		// with a linear scale to the rare maximum, typical 0–2-spike cells
		// of a large irregular network would be drawn in near-white
		q99, top32 := countQuantile(counts, 0.99)
		vmax, top := math.Max(1, float64(q99)), float64(top32)
		im := ImageSpec{
			Title: spec.Title, XLabel: spec.XLabel, YLabel: spec.YLabel, CLabel: "spikes per bin",
			Rows: rows, Cols: bins,
			X0: t0, X1: t1, Y0: -0.5, Y1: float64(rows*per) - 0.5, Gray: true, VMax: vmax,
		}
		caption := fmt.Sprintf("binned raster of %d spikes: %d time bins of width %g, %d id(s) per row", n, bins, (t1-t0)/float64(bins), per)
		if vmax < top {
			caption += fmt.Sprintf("; colour saturates at %g spikes per bin (99th percentile; maximum %g)", vmax, top)
		}
		return drawImage(base, im, counts, []string{caption})
	}

	fig := func(dc draw.Canvas) {
		p := newPlot(spec.Title, spec.XLabel, spec.YLabel)
		xy := make(plotter.XYs, 0, n)
		for k := range times {
			if keep(k) {
				xy = append(xy, plotter.XY{X: times[k], Y: float64(ids[k])})
			}
		}
		if n > 5000 {
			p.Add(squareDots{xy: xy, side: dotSide, color: color.Black})
		} else {
			p.Add(&plotter.Scatter{XYs: xy, GlyphStyle: draw.GlyphStyle{
				Color: color.Black, Radius: 1.2, Shape: draw.CircleGlyph{},
			}})
		}
		p.X.Min, p.X.Max = t0, t1
		p.Y.Min, p.Y.Max = -0.5, float64(nIDs)-0.5
		drawPlot(p, dc)
	}
	tsv := dataFile{base + ".tsv", func() error {
		return writeTable(base+".tsv", []string{"time", "id"}, func(w *store.TSVWriter) error {
			for k := range times {
				if keep(k) {
					if err := w.Row(times[k], ids[k]); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}}
	return writeFigure(base, fig, tsv)
}

// dotSide is the side of a raster's square dots above 5000 spikes: the
// area of the circles of radius 0.6 pt drawn before (√π · 0.6 pt ≈ 1.06 pt,
// 1.4 px), so the raster is as dark.
const dotSide = vg.Length(1.0634723105433598) // math.Sqrt(math.Pi) * 0.6

// squareDots draws many small dots as filled squares of the given side,
// squaresPerPath to a path: above 5000 spikes a raster's dots are
// dotSide wide, where a square looks like a circle. Drawing each dot as
// its own glyph (plotter.Scatter) cost one fill per dot — a pass over
// every pixel row of the PNG rasteriser and one SVG element each — and
// 50 000 dots took 0.6 s (BenchmarkRasterDots). Unlike Scatter it does
// not pad the axes for its glyphs (the raster sets its axis ranges).
type squareDots struct {
	xy    plotter.XYs
	side  vg.Length
	color color.Color
}

// squaresPerPath keeps each path's cells per pixel row few (the PNG
// rasteriser inserts them by linear search, see lineChunk).
const squaresPerPath = 64

// Plot implements gplot.Plotter.
func (d squareDots) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	h := d.side / 2
	c.SetColor(d.color)
	var path vg.Path
	for k, pt := range d.xy {
		x, y := trX(pt.X), trY(pt.Y)
		path.Move(vg.Point{X: x - h, Y: y - h})
		path.Line(vg.Point{X: x + h, Y: y - h})
		path.Line(vg.Point{X: x + h, Y: y + h})
		path.Line(vg.Point{X: x - h, Y: y + h})
		path.Close()
		if (k+1)%squaresPerPath == 0 || k == len(d.xy)-1 {
			c.Fill(path)
			path = path[:0]
		}
	}
}
