package plot

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// renderPNG draws what add adds on a figure-sized image canvas.
func renderPNG(add func(p *gplot.Plot)) *image.RGBA {
	p := newPlot("t", "x", "y")
	add(p)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1000, -3, 3
	c := vgimg.NewWith(vgimg.UseWH(figWidth, figHeight), vgimg.UseDPI(figDPI))
	drawPlot(p, draw.New(c))
	return c.Image().(*image.RGBA)
}

// pixelDiff returns the number of pixels whose channels differ by more
// than tol (0–255) and the largest difference.
func pixelDiff(a, b *image.RGBA, tol int) (n, worst int) {
	for i := range a.Pix {
		d := int(a.Pix[i]) - int(b.Pix[i])
		d = max(d, -d)
		worst = max(worst, d)
		if d > tol && i%4 == 0 {
			n++
		}
	}
	return n, worst
}

// A long curve stroked as overlapping chunks (addLine) looks like the
// same curve stroked as one path: the reference is plotter.Line itself.
func TestLineChunksMatchOnePath(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	xy := make(plotter.XYs, 1000)
	for k := range xy {
		xy[k] = plotter.XY{X: float64(k), Y: r.NormFloat64()}
	}
	ls := draw.LineStyle{Color: PaletteColor(0), Width: lineWidth}
	one := renderPNG(func(p *gplot.Plot) { p.Add(&plotter.Line{XYs: xy, LineStyle: ls}) })
	chunked := renderPNG(func(p *gplot.Plot) { addLine(p, xy, ls) })
	// Differences come only from the repeated segment's anti-aliased
	// edges, painted twice: a few per cent of the line's pixels, each by
	// less than a quarter of the colour range (measured: see the log).
	n, worst := pixelDiff(one, chunked, 8)
	ink := 0
	for i := 0; i < len(one.Pix); i += 4 {
		if one.Pix[i] != 0xff || one.Pix[i+1] != 0xff || one.Pix[i+2] != 0xff {
			ink++
		}
	}
	t.Logf("%d of %d inked pixels differ by > 8 (largest difference %d)", n, ink, worst)
	const maxFrac = 0.02
	if float64(n) > maxFrac*float64(ink) {
		t.Errorf("%d of %d inked pixels differ by > 8, want ≤ %g of them", n, ink, maxFrac)
	}
}

// oneFillPerDot is the reference for squareDots: each square its own
// fill, as plotter.Scatter's BoxGlyph paints them (without the axis
// padding Scatter adds for its glyphs).
type oneFillPerDot squareDots

func (d oneFillPerDot) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	h := d.side / 2
	c.SetColor(d.color)
	for _, pt := range d.xy {
		x, y := trX(pt.X), trY(pt.Y)
		var path vg.Path
		path.Move(vg.Point{X: x - h, Y: y - h})
		path.Line(vg.Point{X: x + h, Y: y - h})
		path.Line(vg.Point{X: x + h, Y: y + h})
		path.Line(vg.Point{X: x - h, Y: y + h})
		path.Close()
		c.Fill(path)
	}
}

// squareDots paints the squares that one fill per square paints.
func TestSquareDotsMatchOneFillEach(t *testing.T) {
	if math.Abs(float64(dotSide)-math.Sqrt(math.Pi)*0.6) > 1e-12 {
		t.Errorf("dotSide = %v, want √π · 0.6", dotSide)
	}
	r := rand.New(rand.NewPCG(1, 2))
	xy := make(plotter.XYs, 3000)
	for k := range xy {
		xy[k] = plotter.XY{X: 1000 * r.Float64(), Y: 6*r.Float64() - 3}
	}
	ref := renderPNG(func(p *gplot.Plot) { p.Add(oneFillPerDot{xy: xy, side: dotSide, color: color.Black}) })
	got := renderPNG(func(p *gplot.Plot) { p.Add(squareDots{xy: xy, side: dotSide, color: color.Black}) })
	// Overlapping squares in one path are filled as their union instead of
	// painted over each other: only the coverage of shared edge pixels
	// differs.
	n, worst := pixelDiff(ref, got, 32)
	t.Logf("%d pixels differ by > 32 (largest %d)", n, worst)
	if n > len(xy)/20 {
		t.Errorf("%d pixels differ by > 32 for %d dots", n, len(xy))
	}
}

// The SVG of an image figure embeds the very image drawn into the PNG
// (re-encoded at BestSpeed in place of vgsvg's placeholder).
func TestSVGEmbedsImage(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "m")
	data := make([]float64, 30*40)
	for k := range data {
		data[k] = float64(k % 7)
	}
	spec := ImageSpec{Rows: 30, Cols: 40, Data: data}
	if _, err := Image(base, spec); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(base + ".svg")
	if err != nil {
		t.Fatal(err)
	}
	uris := regexp.MustCompile(`data:image/(\w+);base64,([A-Za-z0-9+/=]+)`).FindAllSubmatch(svg, -1)
	// the matrix, then the colour bar (plotter.ColorBar is an image too)
	if len(uris) != 2 || string(uris[0][1]) != "png" || string(uris[1][1]) != "png" {
		t.Fatalf("%d embedded images, want 2 PNGs", len(uris))
	}
	raw, err := base64.StdEncoding.DecodeString(string(uris[0][2]))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	cm := &colorMap{min: 0, max: 6, alpha: 1}
	want := matrixImage(spec, spec.Data, cm)
	if img.Bounds() != want.Bounds() {
		t.Fatalf("embedded image %v, want %v", img.Bounds(), want.Bounds())
	}
	for y := 0; y < want.Bounds().Dy(); y++ {
		for x := 0; x < want.Bounds().Dx(); x++ {
			if a, b := color.NRGBAModel.Convert(img.At(x, y)), color.NRGBAModel.Convert(want.At(x, y)); a != b {
				t.Fatalf("pixel (%d, %d) = %v, want %v", x, y, a, b)
			}
		}
	}
}

// Large matrices are block-averaged to at most one cell per PNG pixel;
// the gray map gives the same pixels as the NRGBA greys it replaces.
func TestMatrixImageSize(t *testing.T) {
	spec := ImageSpec{Rows: 2000, Cols: 1000, Data: make([]float64, 2000*1000), Gray: true}
	for k := range spec.Data {
		spec.Data[k] = float64(k % 3)
	}
	img := matrixImage(spec, spec.Data, &colorMap{gray: true, min: 0, max: 2, alpha: 1})
	g, ok := img.(*image.Gray)
	if !ok || g.Bounds().Dx() > PNGWidth || g.Bounds().Dy() > PNGHeight {
		t.Fatalf("%T of %v, want *image.Gray within %d×%d", img, img.Bounds(), PNGWidth, PNGHeight)
	}
	// block of 4 rows × 2 columns: row r, column c average the cells
	// (4r..4r+3) × (2c, 2c+1); compare one cell with its naive mean.
	const r, c = 10, 7
	var sum float64
	for i := 4 * r; i < 4*r+4; i++ {
		for j := 2 * c; j < 2*c+2; j++ {
			sum += spec.Data[i*spec.Cols+j]
		}
	}
	cm := &colorMap{gray: true, min: 0, max: 2, alpha: 1}
	rows := g.Bounds().Dy()
	if got, want := g.GrayAt(c, rows-1-r).Y, cm.color(sum/8).R; got != want {
		t.Errorf("cell (%d, %d) = %d, want %d", r, c, got, want)
	}
}

// countQuantile agrees with sorting.
func TestCountQuantile(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 3))
	for _, n := range []int{1, 2, 7, 1000} {
		x := make([]int32, n)
		for k := range x {
			x[k] = int32(r.IntN(5) * r.IntN(3))
		}
		s := slices.Clone(x)
		slices.Sort(s)
		for _, q := range []float64{0, 0.5, 0.99, 1} {
			got, top := countQuantile(x, q)
			if want := s[int(q*float64(n-1))]; got != want || top != s[n-1] {
				t.Errorf("n %d q %g: %v %v, want %v %v", n, q, got, top, want, s[n-1])
			}
		}
	}
	if got, top := countQuantile([]int32{0, 0}, 0.99); got != 0 || top != 0 {
		t.Errorf("zeros: %v %v", got, top)
	}
}

// pngCanvas draws an image where vgimg's bilinear transform does: the same
// colour at the centre of every cell, differences only at cell edges
// (bilinear blends neighbouring cells there), and vgimg's own drawing while
// a transform is active.
func TestPNGCanvasImage(t *testing.T) {
	spec := ImageSpec{Rows: 6, Cols: 5, Data: make([]float64, 30)}
	for k := range spec.Data {
		spec.Data[k] = float64((k * 7) % 30)
	}
	img := matrixImage(spec, spec.Data, &colorMap{min: 0, max: 29, alpha: 1})
	rect := vg.Rectangle{Min: vg.Point{X: 53.3, Y: 41.7}, Max: vg.Point{X: 430.1, Y: 301.2}}
	draws := func(c vg.Canvas, transformed bool) *image.RGBA {
		if transformed {
			c.Push()
			c.Translate(vg.Point{X: 10, Y: -5})
		}
		c.DrawImage(rect, img)
		if transformed {
			c.Pop()
		}
		switch c := c.(type) {
		case *pngCanvas:
			return c.Image().(*image.RGBA)
		case *vgimg.Canvas:
			return c.Image().(*image.RGBA)
		}
		return nil
	}
	newRef := func() *vgimg.Canvas { return vgimg.NewWith(vgimg.UseWH(figWidth, figHeight), vgimg.UseDPI(figDPI)) }
	ref, got := draws(newRef(), false), draws(newPNGCanvas(), false)
	// cell centres: rect in pixels (96/72 px per pt, y from the top)
	s := float64(figDPI) / 72
	h := float64(ref.Bounds().Dy())
	x0, x1, yTop, yBot := float64(rect.Min.X)*s, float64(rect.Max.X)*s, h-float64(rect.Max.Y)*s, h-float64(rect.Min.Y)*s
	for r := 0; r < spec.Rows; r++ {
		for c := 0; c < spec.Cols; c++ {
			x := int(x0 + (float64(c)+0.5)*(x1-x0)/float64(spec.Cols))
			y := int(yTop + (float64(spec.Rows-1-r)+0.5)*(yBot-yTop)/float64(spec.Rows)) // row 0 at the bottom
			if a, b := ref.RGBAAt(x, y), got.RGBAAt(x, y); a != b {
				t.Errorf("cell (%d, %d) at pixel (%d, %d): %v, vgimg %v", r, c, x, y, b, a)
			}
		}
	}
	// bilinear blends a pixel or two at each of the 6 + 5 cell boundaries
	n, _ := pixelDiff(ref, got, 0)
	edges := 2 * ((spec.Rows+1)*int(x1-x0) + (spec.Cols+1)*int(yBot-yTop))
	t.Logf("%d pixels differ (cell-edge budget %d)", n, edges)
	if n > edges {
		t.Errorf("%d pixels differ, more than the cell edges' %d", n, edges)
	}
	if n, _ := pixelDiff(draws(newRef(), true), draws(newPNGCanvas(), true), 0); n != 0 {
		t.Errorf("with a transform: %d pixels differ from vgimg", n)
	}
}

// linePart gives the plot the same axis padding as plotter.Line's box per
// point: figures drawn with either are pixel-identical, for noisy curves,
// axis limits that cut points off, a log axis and a flat line.
func TestLinePartSameFigure(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x, y := noisyRate(r, 700, 400)
	flat, pos := make([]float64, len(x)), make([]float64, len(x))
	for i := range flat {
		flat[i], pos[i] = 3, y[i]+1
	}
	lo, hi := 100.0, 600.0
	ylo := 12.0
	for _, tc := range []struct {
		name string
		y    []float64
		set  func(p *gplot.Plot)
	}{
		{"noisy", y, func(*gplot.Plot) {}},
		{"limits", y, func(p *gplot.Plot) { p.X.Min, p.X.Max, p.Y.Min = lo, hi, ylo }},
		{"log", pos, func(p *gplot.Plot) { p.Y.Scale, p.Y.Tick.Marker = gplot.LogScale{}, gplot.LogTicks{Prec: -1} }},
		{"flat", flat, func(*gplot.Plot) {}},
	} {
		var imgs [2][]byte
		for k := range imgs {
			p := newPlot("t", "x", "y")
			xy := xyOf(x, tc.y)
			ls := draw.LineStyle{Color: PaletteColor(0), Width: lineWidth}
			for lo := 0; ; lo += lineChunk - 1 {
				hi := min(lo+lineChunk+1, len(xy))
				if k == 0 {
					p.Add(&plotter.Line{XYs: xy[lo:hi:hi], LineStyle: ls})
				} else {
					p.Add(linePart{&plotter.Line{XYs: xy[lo:hi:hi], LineStyle: ls}})
				}
				if hi == len(xy) {
					break
				}
			}
			tc.set(p)
			c := newPNGCanvas()
			drawPlot(p, draw.New(c))
			imgs[k] = c.Image().(*image.RGBA).Pix
		}
		if !bytes.Equal(imgs[0], imgs[1]) {
			t.Errorf("%s: linePart changes the figure", tc.name)
		}
	}
}
