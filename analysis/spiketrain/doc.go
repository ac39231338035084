// Package spiketrain is engram's neutral spike-train type: spike times in
// ms with the id of the neuron that fired, the observation window, the
// number of neurons and named groups of neurons, and its binning into a
// neuron × bin count matrix. It is what analysis/activityio converts
// recordings into and what analysis/corr and analysis/info consume; it
// does not import the simulators (model/spike has its own recording type),
// so data from any source can be analysed.
//
//	tr, err := spiketrain.New([]float64{1.5, 2.0, 7.1}, []int{0, 1, 0}, 2, 0, 10)
//	b, err := tr.Bin(5, nil)          // 2 neurons × 2 bins of 5 ms
//	k := b.PopulationCounts()         // spikes per bin over all neurons
//	bin := b.Binary()                 // counts clipped to 0/1 (binary words)
//
// # Invariants
//
//   - Times are in ms, in [StartMs, EndMs); IDs are in [0, N). New checks
//     both and rejects NaN/Inf; it copies nothing and sorts nothing (the
//     caller's slices are kept, never modified).
//   - A bin j covers [StartMs + j·w, StartMs + (j+1)·w); the last bin may
//     extend past EndMs when the window is not a multiple of w (Bin says how
//     many bins it made). Bin never allocates more than Options.MaxCells
//     cells when that is set (memory budgets of the CLI).
//   - Binned.Counts is row-major, neuron i's bins at Counts[i·Bins:(i+1)·Bins].
//   - Groups are named lists of neuron ids (e.g. "E", "I", "input");
//     Select returns the train restricted to a group with ids renumbered
//     0..len(group)−1 in the group's order.
package spiketrain
