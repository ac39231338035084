package plot

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// encodePNG round-trips through image/png's decoder, pixel for pixel, for
// every image kind it writes (grey, opaque RGB, RGBA with transparency,
// anything else via NRGBA), with rows longer and shorter than one IDAT
// chunk.
func TestEncodePNG(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 9))
	gray := image.NewGray(image.Rect(0, 0, 301, 207))
	opaque := image.NewRGBA(image.Rect(0, 0, 800, 500))
	trans := image.NewRGBA(image.Rect(0, 0, 17, 3))
	nrgba := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	grey := image.NewRGBA(image.Rect(0, 0, 65, 40)) // opaque, R = G = B: written as grey
	for i := 0; i < len(grey.Pix); i += 4 {
		g := uint8(r.IntN(4) * 85)
		grey.Pix[i], grey.Pix[i+1], grey.Pix[i+2], grey.Pix[i+3] = g, g, g, 0xff
	}
	for i := range gray.Pix {
		gray.Pix[i] = uint8(r.IntN(256))
	}
	for i := range opaque.Pix {
		opaque.Pix[i] = uint8(r.IntN(256))
		if i%4 == 3 {
			opaque.Pix[i] = 0xff
		}
	}
	for y := 0; y < 3; y++ {
		for x := 0; x < 17; x++ {
			a := uint8(r.IntN(256))
			trans.SetRGBA(x, y, color.RGBA{a / 2, a / 3, a, a}) // premultiplied
		}
	}
	for i := range nrgba.Pix {
		nrgba.Pix[i] = uint8(r.IntN(256))
	}
	// rows repeated in bands (coded without being scanned: zlibRLERows'
	// nil rows), in colour and in grey
	bands := image.NewRGBA(image.Rect(0, 0, 33, 50))
	bandsGrey := image.NewGray(image.Rect(0, 0, 33, 50))
	for y := 0; y < 50; y++ {
		for x := 0; x < 33; x++ {
			if y%7 == 0 {
				bands.SetRGBA(x, y, color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), 2, 0xff})
				bandsGrey.SetGray(x, y, color.Gray{uint8(r.IntN(3))})
			} else {
				bands.SetRGBA(x, y, bands.RGBAAt(x, y-1))
				bandsGrey.SetGray(x, y, bandsGrey.GrayAt(x, y-1))
			}
		}
	}
	wantType := []byte{0, 2, 6, 6, 0, 2, 0} // PNG colour types: grey, RGB, RGBA
	for k, img := range []image.Image{gray, opaque, trans, nrgba, grey, bands, bandsGrey} {
		var b bytes.Buffer
		if err := encodePNG(&b, img); err != nil {
			t.Fatal(err)
		}
		// signature (8 bytes), IHDR length and type (8), width, height, depth
		if ct := b.Bytes()[25]; ct != wantType[k] {
			t.Errorf("image %d (%T): colour type %d, want %d", k, img, ct, wantType[k])
		}
		back, err := png.Decode(&b)
		if err != nil {
			t.Fatalf("%T: %v", img, err)
		}
		if back.Bounds() != img.Bounds() {
			t.Fatalf("%T: bounds %v, want %v", img, back.Bounds(), img.Bounds())
		}
		for y := 0; y < img.Bounds().Dy(); y++ {
			for x := 0; x < img.Bounds().Dx(); x++ {
				// compare in straight alpha, as PNG stores it
				a := color.NRGBAModel.Convert(img.At(x, y))
				c := color.NRGBAModel.Convert(back.At(x, y))
				if a != c {
					t.Fatalf("%T: pixel (%d, %d) = %v, want %v", img, x, y, c, a)
				}
			}
		}
	}
}

// figureImage renders the coba run's population-rate figure.
func figureImage() *image.RGBA {
	r := rand.New(rand.NewPCG(1, 7))
	xe, ye := noisyRate(r, 2000, 3200)
	xi, yi := noisyRate(r, 2000, 800)
	p := newPlot("Population rates", "time (ms)", "rate (Hz)")
	addLine(p, xyOf(xe, ye), draw.LineStyle{Color: PaletteColor(0), Width: lineWidth})
	addLine(p, xyOf(xi, yi), draw.LineStyle{Color: PaletteColor(1), Width: lineWidth})
	c := vgimg.NewWith(vgimg.UseWH(figWidth, figHeight), vgimg.UseDPI(figDPI))
	drawPlot(p, draw.New(c))
	return c.Image().(*image.RGBA)
}

// BenchmarkEncodePNG compares encodePNG with image/png at BestSpeed on a
// figure (sizes in the output as bytes/op-independent metrics).
func BenchmarkEncodePNG(b *testing.B) {
	img := figureImage()
	for _, bc := range []struct {
		name string
		enc  func(*bytes.Buffer) error
	}{
		{"encodePNG", func(w *bytes.Buffer) error { return encodePNG(w, img) }},
		{"imagePNGBestSpeed", func(w *bytes.Buffer) error {
			return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var w bytes.Buffer
			for b.Loop() {
				w.Reset()
				if err := bc.enc(&w); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w.Len()), "png-bytes")
		})
	}
}

func xyOf(x, y []float64) plotter.XYs {
	xy := make(plotter.XYs, len(x))
	for k := range x {
		xy[k] = plotter.XY{X: x[k], Y: y[k]}
	}
	return xy
}

// pngCanvas.white is true on a fresh canvas, false for a rectangle that
// touches a drawn line (also within its one-pixel margin) and true for one
// away from it.
func TestPNGCanvasWhite(t *testing.T) {
	c := newPNGCanvas()
	all := vg.Rectangle{Max: vg.Point{X: figWidth, Y: figHeight}}
	if !c.white(all) {
		t.Fatal("fresh canvas not white")
	}
	dc := draw.New(c)
	dc.StrokeLine2(draw.LineStyle{Color: color.Black, Width: 1}, 100, 100, 200, 100)
	for _, tc := range []struct {
		r    vg.Rectangle
		want bool
	}{
		{all, false},
		{vg.Rectangle{Min: vg.Point{X: 150, Y: 90}, Max: vg.Point{X: 160, Y: 110}}, false},    // across the line
		{vg.Rectangle{Min: vg.Point{X: 150, Y: 101.2}, Max: vg.Point{X: 160, Y: 110}}, false}, // its antialiased edge in the margin
		{vg.Rectangle{Min: vg.Point{X: 300, Y: 200}, Max: vg.Point{X: 400, Y: 300}}, true},
	} {
		if got := c.white(tc.r); got != tc.want {
			t.Errorf("white(%v) = %v, want %v", tc.r, got, tc.want)
		}
	}
}
