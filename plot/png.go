package plot

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"io"
)

// encodePNG writes img as a PNG: 8-bit grey for *image.Gray and for an
// opaque *image.RGBA whose pixels are all grey (a binned raster), 8-bit RGB
// for other opaque *image.RGBA (every figure: they are drawn on white),
// else 8-bit RGBA; every row with the "Up" filter, compressed by zlibRLE.
//
// image/png picks the best of the five filters for every row, which took
// half its time on a figure (and its default compression level as long as
// the drawing). Rows of a plot mostly equal the row above, which "Up"
// turns into zeros, and zlibRLE codes those runs without searching for
// matches (BenchmarkEncodePNG); a row found equal to the row above (one
// memory comparison) is not even filtered or scanned. Decoders need
// nothing special (TestEncodePNG round-trips through image/png).
func encodePNG(w io.Writer, img image.Image) error {
	b := img.Bounds()
	width, height := b.Dx(), b.Dy()
	var ct byte // PNG colour type
	var bpp int // bytes per pixel
	// filter writes row y (0-based) with filter type Up: each byte minus
	// the byte above (zero above the first row)
	var filter func(y int, dst []byte)
	// same[y]: row y has the pixels of row y−1, so its filtered bytes are
	// zeros (known for *image.Gray and *image.RGBA)
	same := make([]bool, height)
	gray, _ := img.(*image.Gray)
	rgba, _ := img.(*image.RGBA)
	opaque, grey := false, false
	switch {
	case gray != nil:
		for y := 1; y < height; y++ {
			same[y] = bytes.Equal(gray.Pix[y*gray.Stride:y*gray.Stride+width], gray.Pix[(y-1)*gray.Stride:(y-1)*gray.Stride+width])
		}
	case rgba != nil:
		for y := 1; y < height; y++ {
			same[y] = bytes.Equal(rgba.Pix[y*rgba.Stride:y*rgba.Stride+4*width], rgba.Pix[(y-1)*rgba.Stride:(y-1)*rgba.Stride+4*width])
		}
		opaque, grey = classifyRGBA(rgba, same)
	}
	switch {
	case gray != nil:
		ct, bpp = 0, 1
		filter = func(y int, dst []byte) {
			src := gray.Pix[y*gray.Stride : y*gray.Stride+width]
			if y == 0 {
				copy(dst, src)
				return
			}
			above := gray.Pix[(y-1)*gray.Stride:]
			for x, v := range src {
				dst[x] = v - above[x]
			}
		}
	case opaque && grey:
		ct, bpp = 0, 1
		filter = func(y int, dst []byte) {
			src := rgba.Pix[y*rgba.Stride : y*rgba.Stride+4*width]
			if y == 0 {
				for x := range dst {
					dst[x] = src[4*x]
				}
				return
			}
			above := rgba.Pix[(y-1)*rgba.Stride:]
			for x := range dst {
				dst[x] = src[4*x] - above[4*x]
			}
		}
	case opaque:
		ct, bpp = 2, 3
		filter = func(y int, dst []byte) {
			src := rgba.Pix[y*rgba.Stride : y*rgba.Stride+4*width]
			if y == 0 {
				for x := 0; x < width; x++ {
					dst[3*x], dst[3*x+1], dst[3*x+2] = src[4*x], src[4*x+1], src[4*x+2]
				}
				return
			}
			above := rgba.Pix[(y-1)*rgba.Stride : (y-1)*rgba.Stride+4*width]
			// dst is zero: write only the pixels that differ from the
			// pixel above, testing two at a time
			x := 0
			for ; x+2 <= width; x += 2 {
				if binary.LittleEndian.Uint64(src[4*x:]) == binary.LittleEndian.Uint64(above[4*x:]) {
					continue
				}
				for k := x; k < x+2; k++ {
					s, a := src[4*k:4*k+3:4*k+3], above[4*k:4*k+3:4*k+3]
					d := dst[3*k : 3*k+3 : 3*k+3]
					d[0], d[1], d[2] = s[0]-a[0], s[1]-a[1], s[2]-a[2]
				}
			}
			for ; x < width; x++ {
				s, a := src[4*x:4*x+3:4*x+3], above[4*x:4*x+3:4*x+3]
				d := dst[3*x : 3*x+3 : 3*x+3]
				d[0], d[1], d[2] = s[0]-a[0], s[1]-a[1], s[2]-a[2]
			}
		}
	default:
		ct, bpp = 6, 4
		clear(same) // rows are converted pixel by pixel: no shortcut
		prev := make([]byte, 4*width)
		filter = func(y int, dst []byte) {
			for x := 0; x < width; x++ {
				c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
				d, p := dst[4*x:4*x+4:4*x+4], prev[4*x:4*x+4:4*x+4]
				d[0], d[1], d[2], d[3] = c.R-p[0], c.G-p[1], c.B-p[2], c.A-p[3]
				p[0], p[1], p[2], p[3] = c.R, c.G, c.B, c.A
			}
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.WriteString("\x89PNG\r\n\x1a\n"); err != nil {
		return err
	}
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8], ihdr[9] = 8, ct // bit depth, colour type; compression, filter method, interlace: 0
	if err := writeChunk(bw, "IHDR", ihdr[:]); err != nil {
		return err
	}
	// the filtered rows: filter type Up (2), then the differences; a row
	// equal to the one above is all zeros, passed to zlibRLERows as nil
	n := width * bpp
	changed := 0
	for _, s := range same {
		if !s {
			changed++
		}
	}
	buf := make([]byte, (n+1)*changed)
	rows := make([][]byte, height)
	for y := range rows {
		if same[y] {
			continue
		}
		rows[y], buf = buf[:n+1:n+1], buf[n+1:]
		rows[y][0] = 2
		filter(y, rows[y][1:])
	}
	blank := make([]byte, n+1)
	blank[0] = 2
	z := zlibRLERows(nil, rows, blank)
	for len(z) > 0 {
		k := min(len(z), 1<<16) // IDAT chunks of at most 64 KiB
		if err := writeChunk(bw, "IDAT", z[:k]); err != nil {
			return err
		}
		z = z[k:]
	}
	if err := writeChunk(bw, "IEND", nil); err != nil {
		return err
	}
	return bw.Flush()
}

// classifyRGBA reports whether every pixel of img is opaque and whether
// every pixel is grey (R = G = B); rows with same[y] (equal to the row
// above) are not looked at.
func classifyRGBA(img *image.RGBA, same []bool) (opaque, grey bool) {
	b := img.Bounds()
	const (
		alpha = 0xff000000ff000000 // the A bytes of two pixels
		rg    = 0x0000ffff0000ffff // R−G and G−B after v ^ v>>8
	)
	opaque, grey = true, true
	for y := 0; y < b.Dy(); y++ {
		if same[y] {
			continue
		}
		p := img.Pix[y*img.Stride : y*img.Stride+4*b.Dx()]
		x := 0
		for ; x+8 <= len(p); x += 8 { // two pixels at a time
			v := binary.LittleEndian.Uint64(p[x:]) // R, G, B, A from the low byte
			opaque = opaque && v&alpha == alpha
			grey = grey && (v^v>>8)&rg == 0
		}
		for ; x+4 <= len(p); x += 4 {
			v := binary.LittleEndian.Uint32(p[x:])
			opaque = opaque && v>>24 == 0xff
			grey = grey && (v^v>>8)&0xffff == 0
		}
		if !opaque {
			return false, false
		}
	}
	return opaque, grey
}

// writeChunk writes one PNG chunk: length, type, data and the CRC-32 of
// type and data.
func writeChunk(w io.Writer, typ string, data []byte) error {
	var hdr [8]byte
	binary.BigEndian.PutUint32(hdr[:4], uint32(len(data)))
	copy(hdr[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(hdr[4:])
	crc.Write(data)
	var tail [4]byte
	binary.BigEndian.PutUint32(tail[:], crc.Sum32())
	for _, b := range [][]byte{hdr[:], data, tail[:]} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}
