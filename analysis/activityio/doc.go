// Package activityio reads population activity for the criticality analyses
// (analysis/branching, analysis/avalanche, analysis/powerlaw) from files:
// count matrices, binary rasters and spike times in .npy, .npz and
// delimited text, with binning of spike times. It is what
// `engram analyze …` uses, and is usable as a library:
//
//	act, err := activityio.Read("rec/spikes.npy", &activityio.Options{BinMs: 4})
//	res, err := branching.Analyze(act.Counts, &branching.Options{Dt: act.BinMs, DtUnit: "ms"})
//
// # Result
//
// Read returns an Activity: Counts[trial][bin] (events per bin, every trial
// the same length), the bin width in ms when known (BinMs; 0 when the input
// is already binned and no width was given), and a one-line description of
// what was read. Inputs are never modified; nothing is cached.
//
// # Opening before reading
//
// Read is Open, Input.Read and Close. Open reads only the header of an
// array file, or the first line and the size of a text file, decides the
// kind and checks the layout (dimensions, dtype, empty arrays); its Layout
// then bounds the memory reading will take (ReadBytes), so a caller can
// refuse an input before reading it — engram analyze checks it against
// --mem-budget. Each file is opened once, and only regular files are
// accepted: a named pipe or device is refused at once instead of blocking.
// Allocation is bounded by the file's size, except for the cells binning
// spike times or expanding a sparse long table creates, which
// Options.MaxCells bounds. OpenValues does the same for ReadValues.
//
// # Kinds and layouts
//
// Options.Kind says what the file holds; KindAuto (the zero value) detects
// spike files (see below) and otherwise reads counts.
//
// Counts (KindCounts), trials × bins:
//   - .npy: 1-D = one trial; 2-D = trials × bins.
//   - .npz: the member named by Options.Array (may be omitted when the
//     archive holds exactly one array), laid out as for .npy.
//   - text (.csv, .tsv, .txt, …), wide layout: one column per trial, one row
//     per bin; a single column is a single trial. An optional header line
//     names the columns. With Options.Trials = TrialsRows (--trials rows)
//     one row per trial, one column per bin; when columns outnumber rows
//     Activity.Hint suggests it.
//   - text, long layout: a header with the columns trial, bin, count (any
//     order, case-insensitive, extra columns ignored). trial and bin are
//     integers ≥ 0; trials are sorted by their number; every trial has
//     max(bin)+1 bins; (trial, bin) pairs that are absent count 0 (sparse
//     input is fine); a repeated pair is an error.
//
// Rasters (KindRaster), spikes per neuron and bin (0/1, or counts), summed
// over neurons into population counts:
//   - .npy/.npz: 2-D = neurons × bins (one trial); 3-D = trials × neurons ×
//     bins.
//   - text: one row per neuron, one column per bin (no header).
//
// Spike times (KindSpikes), pooled over neurons and binned:
//   - text: two columns neuron, time (ms). With a header, the time column
//     is the one named time, time_ms, t or t_ms and the neuron column the
//     one named neuron, neuron_id, id, sender or unit; without a header the
//     first column is the neuron and the second the time.
//   - .npz: members times (ms, required) and ids (optional, neuron ids).
//   - .npy of integer dtype and shape (n, 2): engram's spiking recording
//     rec/spikes.npy (experiment/spiking), rows (step after the transient,
//     global neuron id). A spike in step s is binned at time s·dt_ms, and the
//     recording covers [0, duration_ms). dt_ms and duration_ms come from
//     Options.DtMs / DurationMs or, when zero, from config.resolved.toml in
//     the run directory (the parent of rec/). The same recording can be
//     given as the run directory itself.
//
// KindAuto reads spikes when the path is a run directory with rec/spikes.npy,
// a .npz with a times member, an integer (n, 2) .npy whose base name starts
// with "spikes", or a text file whose header names a time column.
//
// # Binning spike times
//
// Options.BinMs > 0 bins with that width from Options.StartMs (default: 0
// for engram recordings, the first spike otherwise) up to the last spike (or
// the recording's end). Options.BinMeanIEI uses the mean inter-event interval
// of the pooled train (Beggs & Plenz; avalanche.CountsByMeanIEI). For counts
// and rasters, BinMs only records the width of the existing bins.
//
// # Errors
//
// Every data error names the file and, as applicable, the line and column
// (text), the member (npz) or the trial and bin: ragged rows, non-numeric
// cells, NaN/Inf, negative counts, raster entries or spike times, unknown
// members, empty arrays.
// ReadValues reads one column of values (e.g. event sizes for a power-law
// fit) with the same rules.
//
// # Per-neuron activity
//
// Input.ReadBinned reads spike times (with neuron ids) or a raster as a
// neuron × bin matrix (analysis/spiketrain.Binned) for the correlation and
// information analyses (engram analyze corr, ising); Spikes.Train converts
// spike times to a spiketrain.Train. Counts inputs are refused there: they
// hold no per-neuron data.
package activityio
