// Package plot draws the standard figures of a run — line plots,
// histograms, heatmaps and spike rasters — and writes each one as a
// triplet: base.png (800×500 px, 96 dpi), base.svg, and base.tsv holding
// exactly the data that is plotted, so every figure can be checked and
// redrawn from its run directory. Images additionally write the full
// matrix to base.npy.
//
// # Core functions
//
//   - Lines(base, LineSpec): curves with optional error bars, markers,
//     dashes, dashed vertical markers, log axes and axis limits. Many
//     context curves stay legible: give them Color: Background (thin grey,
//     drawn underneath) and no Name (not in the legend).
//     TSV: series, x, y[, yerr] in long format.
//   - Histogram(base, HistSpec): overlaid semi-transparent histograms with
//     shared bin edges. TSV: series, bin_lo, bin_hi, count[, density].
//   - Image(base, ImageSpec): a row-major matrix with a colour bar
//     (viridis, or white-to-black gray). base.npy has the matrix; base.tsv
//     has its shape, extent and colour range.
//   - Raster(base, times, ids, RasterSpec): one dot per spike up to
//     MaxDots (default 50 000) spikes, else a binned image of counts
//     (base.npy: int32 counts).
//
// Every function takes a base path without extension whose directory
// must exist, and returns the paths it wrote, in the order png, svg, [npy,]
// tsv.
//
// # Example
//
//	files, err := plot.Lines(filepath.Join(runDir, "figs", "overlaps"), plot.LineSpec{
//		Title: "Recall", XLabel: "time (s)", YLabel: "overlap m",
//		Series: []plot.Series{
//			{X: t, Y: mOther, Color: plot.Background},          // context, unlabelled
//			{Name: "cued pattern", X: t, Y: mTarget, Color: plot.AutoColor},
//		},
//		VLines: []float64{cueOnset_s},
//		Legend: true,
//	})
//
// # Invariants
//
//   - Colours come from the fixed Okabe–Ito palette (colour-blind safe);
//     Series.Color indexes it modulo PaletteSize, AutoColor takes the next
//     one in order. The zero value of Series.Color is palette colour 0.
//   - Output is deterministic: the same input gives byte-identical SVG, PNG
//     and TSV files.
//   - Each file is written atomically (store.AtomicFile): an error never
//     leaves a partial file, though files written before the error remain
//     (the data files are written while the figure is drawn, so a drawing
//     error can leave them).
//   - Points that cannot be drawn (NaN/Inf, or non-positive on a log axis)
//     are gaps in the figure but stay in the TSV; histograms skip NaN and
//     out-of-range values; rasters list only spikes inside the window.
//   - Inputs are never modified; nothing is printed; no package state.
//   - Floats in TSVs use store.FormatFloat (shortest round-trip, nan/inf).
//   - Drawing stays cheap next to a simulation (bench_test.go has the
//     figures of the coba spiking run and of the pb-dms demo): the PNG and
//     SVG are rendered concurrently while the data files are written, PNGs
//     are encoded with the "Up" row filter and a run-length deflate
//     (zlibRLE; rows equal to the row above are not even scanned; all-grey
//     figures as grey PNGs), the PNG canvas starts white and its white
//     backgrounds are not painted again, images are drawn into the
//     PNG by nearest-neighbour lookup,
//     long curves are stroked as chunks of 32 segments, matrices with more
//     cells than the PNG has pixels are block-averaged for display (the
//     .npy keeps every cell), and dot rasters above 5000 spikes draw
//     squares, 64 to a path.
package plot
