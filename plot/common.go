package plot

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	pngenc "image/png" // how vgsvg encodes, for the placeholders
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/engramsim/engram/store"
)

// Figure geometry: 600×375 pt, which is 800×500 px at 96 dpi.
const (
	figWidth  = 600 * vg.Length(1)
	figHeight = 375 * vg.Length(1)
	figDPI    = 96

	// PNGWidth and PNGHeight are the pixel size of every PNG written.
	PNGWidth  = 800
	PNGHeight = 500
)

// Font sizes in points.
const (
	titleSize  = 14
	labelSize  = 12
	tickSize   = 10
	legendSize = 10
)

// Okabe, M. & Ito, K. (2008) "Color Universal Design": a palette that
// stays distinguishable under the common colour-vision deficiencies.
// Ordered so that the first colours contrast best on white.
func okabeIto() [8]color.NRGBA {
	return [8]color.NRGBA{
		{0x00, 0x72, 0xB2, 0xff}, // blue
		{0xD5, 0x5E, 0x00, 0xff}, // vermillion
		{0x00, 0x9E, 0x73, 0xff}, // bluish green
		{0xE6, 0x9F, 0x00, 0xff}, // orange
		{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
		{0x56, 0xB4, 0xE9, 0xff}, // sky blue
		{0xF0, 0xE4, 0x42, 0xff}, // yellow
		{0x00, 0x00, 0x00, 0xff}, // black
	}
}

// PaletteSize is the number of colours in the fixed palette; Series.Color
// values are taken modulo PaletteSize.
const PaletteSize = 8

// PaletteColor returns colour i (mod PaletteSize) of the Okabe–Ito palette.
func PaletteColor(i int) color.NRGBA {
	i %= PaletteSize
	if i < 0 {
		i += PaletteSize
	}
	return okabeIto()[i]
}

// background is the colour for unlabelled context series (Color == -2).
func background() color.NRGBA { return color.NRGBA{0x99, 0x99, 0x99, 0xff} }

// newPlot returns a plot with the package's fonts and labels.
func newPlot(title, xLabel, yLabel string) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = titleSize
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = labelSize
		a.Tick.Label.Font.Size = tickSize
		a.Tick.Marker = plainTicks{}
	}
	p.Legend.TextStyle.Font.Size = legendSize
	p.Legend.Top = true
	return p
}

// plainTicks are gonum's default tick positions labelled with the shortest
// decimal form of the value ("250", "0.05"), not a fixed precision
// ("250.00").
type plainTicks struct{}

func (plainTicks) Ticks(lo, hi float64) []gplot.Tick {
	ts := gplot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			v, _ := strconv.ParseFloat(strconv.FormatFloat(ts[i].Value, 'g', 10, 64), 64)
			if a := math.Abs(v); a == 0 || (a >= 1e-4 && a < 1e9) {
				ts[i].Label = strconv.FormatFloat(v, 'f', -1, 64) // 1000000, not 1e+06
			} else {
				ts[i].Label = strconv.FormatFloat(v, 'g', -1, 64)
			}
		}
	}
	return ts
}

// drawFunc draws a complete figure onto a canvas.
type drawFunc func(dc draw.Canvas)

// dataFile is a file written next to a figure (its TSV, NPY).
type dataFile struct {
	path  string
	write func() error
}

// writeFigure renders fig as base.png and base.svg, atomically, writes
// the data files, and returns the paths written: png, svg, then the data
// files in order. Panics from the plotting library (e.g. impossible axis
// ranges) are returned as errors naming the file; data files written
// before an error remain (and are returned).
//
// The two renderings are drawn and encoded concurrently (they share only
// read-only inputs; fig builds a fresh plot per canvas), and the data
// files are written meanwhile; both renderings are complete in memory
// before either image file is written (PNGs by encodePNG), and then the
// two are written at once (their syncs overlap). The output
// does not depend on the scheduling: the files are byte-identical from
// run to run.
func writeFigure(base string, fig drawFunc, data ...dataFile) (files []string, err error) {
	var pngBuf, svgBuf bytes.Buffer
	var pngErr, svgErr, dataErr error
	var written []string
	var wg sync.WaitGroup
	wg.Go(func() {
		pngErr = safeDraw(base, func() {
			c := newPNGCanvas()
			fig(draw.New(c))
			if err := encodePNG(&pngBuf, c.Image()); err != nil {
				panic(err)
			}
		})
	})
	wg.Go(func() {
		svgErr = safeDraw(base, func() {
			c := &svgCanvas{Canvas: vgsvg.NewWith(vgsvg.UseWH(figWidth, figHeight))}
			fig(draw.New(c))
			if err := c.writeTo(&svgBuf); err != nil {
				panic(err)
			}
		})
	})
	wg.Go(func() {
		for _, d := range data {
			if dataErr = d.write(); dataErr != nil {
				return
			}
			written = append(written, d.path)
		}
	})
	wg.Wait()
	if err := cmp.Or(pngErr, svgErr); err != nil {
		return written, err
	}
	// the two image files are written (and synced) at once
	var pngWErr, svgWErr error
	wg.Go(func() {
		pngWErr = writeAtomic(base+".png", func(af *store.AtomicFile) error {
			_, err := af.W.Write(pngBuf.Bytes())
			return err
		})
	})
	wg.Go(func() {
		svgWErr = writeAtomic(base+".svg", func(af *store.AtomicFile) error {
			_, err := af.W.Write(svgBuf.Bytes())
			return err
		})
	})
	wg.Wait()
	if pngWErr == nil {
		files = append(files, base+".png")
	}
	if svgWErr == nil {
		files = append(files, base+".svg")
	}
	return append(files, written...), cmp.Or(pngWErr, svgWErr, dataErr)
}

// svgCanvas is a vgsvg.Canvas that embeds images with encodePNG:
// vgsvg.Canvas.DrawImage encodes with image/png at its default level,
// which took most of a binned raster's time. Each image is drawn as a distinct 1×1
// placeholder, whose data URI writeTo replaces by the real image's.
type svgCanvas struct {
	*vgsvg.Canvas
	imgs []image.Image
}

// DrawImage implements vg.Canvas.
func (c *svgCanvas) DrawImage(rect vg.Rectangle, img image.Image) {
	c.Canvas.DrawImage(rect, svgPlaceholder(len(c.imgs)))
	c.imgs = append(c.imgs, img)
}

// svgPlaceholder returns placeholder image k (k < 2²⁴).
func svgPlaceholder(k int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	img.SetNRGBA(0, 0, color.NRGBA{uint8(k >> 16), uint8(k >> 8), uint8(k), 0x5a})
	return img
}

// svgDataURI is how vgsvg.Canvas.DrawImage embeds the PNG data (its
// "jpg" media type is wrong; the replacements say png).
func svgDataURI(data []byte, media string) []byte {
	return []byte("data:image/" + media + ";base64," + base64.StdEncoding.EncodeToString(data))
}

// writeTo writes the SVG with every placeholder replaced by its image.
func (c *svgCanvas) writeTo(w io.Writer) error {
	var b bytes.Buffer
	if _, err := c.Canvas.WriteTo(&b); err != nil {
		return err
	}
	out := b.Bytes()
	// the placeholders encoded as vgsvg did (image/png's defaults), with
	// one compressor for all of them (each new one allocates ≈ 0.6 MB)
	enc := pngenc.Encoder{BufferPool: &onePNGBuffer{}}
	for k, img := range c.imgs {
		var ph, data bytes.Buffer
		if err := enc.Encode(&ph, svgPlaceholder(k)); err != nil {
			return err
		}
		if err := encodePNG(&data, img); err != nil {
			return err
		}
		old := svgDataURI(ph.Bytes(), "jpg")
		if n := bytes.Count(out, old); n != 1 {
			return fmt.Errorf("plot: SVG image %d: placeholder found %d times", k, n)
		}
		out = bytes.Replace(out, old, svgDataURI(data.Bytes(), "png"), 1)
	}
	_, err := w.Write(out)
	return err
}

// onePNGBuffer is an image/png buffer pool holding one buffer.
type onePNGBuffer struct{ b *pngenc.EncoderBuffer }

func (p *onePNGBuffer) Get() *pngenc.EncoderBuffer  { return p.b }
func (p *onePNGBuffer) Put(b *pngenc.EncoderBuffer) { p.b = b }

func safeDraw(base string, f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plot: %s: drawing failed: %v", base, r)
		}
	}()
	f()
	return nil
}

// writeAtomic writes path through an AtomicFile.
func writeAtomic(path string, write func(af *store.AtomicFile) error) error {
	af, err := store.CreateAtomic(path)
	if err != nil {
		return err
	}
	if err := write(af); err != nil {
		af.Abort()
		return fmt.Errorf("plot: write %s: %w", path, err)
	}
	return af.Commit()
}

// prepare checks that the directory of base exists.
func prepare(base string) error {
	if base == "" {
		return fmt.Errorf("plot: empty base path")
	}
	dir := filepath.Dir(base)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("plot: %s: output directory: %w", base, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("plot: %s: %s is not a directory", base, dir)
	}
	return nil
}

// seriesName is the name used in TSV files: the given name, or "series<i>"
// for unnamed series.
func seriesName(name string, i int) string {
	if name != "" {
		return name
	}
	return fmt.Sprintf("series%d", i)
}

// Margins around every figure (points): left, right, bottom, top.
const (
	marginL, marginR, marginB, marginT = 4, 16, 4, 6
	legendGap                          = 10
)

// drawPlot draws p onto dc inside the figure margins. A non-empty legend
// is drawn in a strip right of the axes (thumbnails left, labels right),
// so it never hides data.
//
// On a PNG canvas, which starts white and on which nothing is drawn
// before the plot, the plot's white background is not filled again:
// painting the whole figure through the rasteriser was a tenth of a
// figure's drawing time, and it leaves every pixel as it was.
func drawPlot(p *gplot.Plot, dc draw.Canvas) {
	if _, ok := dc.Canvas.(*pngCanvas); ok && p.BackgroundColor == color.White {
		p.BackgroundColor = nil
	}
	dc = draw.Crop(dc, marginL, -marginR, marginB, -marginT)
	leg := p.Legend
	r := leg.Rectangle(dc)
	w := r.Max.X - r.Min.X
	if w <= 0 {
		p.Draw(dc)
		return
	}
	w = min(w, figWidth*0.4)
	p.Legend = gplot.NewLegend()
	p.Draw(draw.Crop(dc, 0, -(w + legendGap), 0, 0))
	p.Legend = leg
	var titleH vg.Length
	if p.Title.Text != "" {
		titleH = p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
	}
	leg.Left, leg.Top = true, true
	leg.Draw(draw.Crop(dc, dc.Max.X-dc.Min.X-w, 0, 0, -titleH))
}

// fixLogAxis gives a log axis without any positive data the range [1, 10]
// instead of letting the plotting library fail on it.
func fixLogAxis(a *gplot.Axis) {
	if !(a.Min > 0) || math.IsInf(a.Min, 0) || math.IsInf(a.Max, 0) || a.Max < a.Min {
		a.Min, a.Max = 1, 10
	}
}
