// Package store reads and writes the array and table files of a run
// directory: NumPy .npy and .npz, scipy-compatible sparse CSR .npz, and
// tab-separated tables. Everything it writes loads directly in Python
// (numpy.load, scipy.sparse.load_npz, pandas.read_csv(sep="\t")).
//
// # Atomic writes
//
// Every writer creates a hidden temporary file in the target directory and
// renames it onto the target only when the write completed (Close/Commit).
// A failed or aborted write removes the temporary file and never leaves a
// partial file at the target, nor clobbers a good file already there.
// AtomicFile exposes the same mechanism to other packages.
//
// # Core types and functions
//
//   - WriteNPY(path, data, shape...) writes one []float32, []float64,
//     []int32, []int64, []uint8 or []bool as a C-ordered little-endian
//     array. Files are byte-identical to what numpy >= 1.23 np.save writes
//     for the same array (format 1.0; 2.0 only if the header exceeds
//     65535 bytes).
//   - NPYWriter streams rows (recordings whose length is unknown up front);
//     Close patches the row count into the header, which reserves space for
//     it exactly as numpy does for growable arrays. Rows are buffered and
//     do not allocate.
//   - ReadNPY returns an *Array (shape, dtype, data as float64) for dtypes
//     f4, f8, i1-i8, u1-u8, b1 in any byte order and header versions 1-3.
//     OpenNPY reads the header alone (NPYHeader.DecodedBytes says what the
//     data will take) and NPYFile.Read the data from the same open file.
//   - WriteNPZ / ReadNPZ handle archives of named arrays (OpenNPZ and
//     NPZFile.Read member by member); WriteCSRNPZ / ReadCSRNPZ handle
//     scipy's sparse CSR layout.
//   - WriteTSV, TSVWriter, ReadTSV, ReadTSVRecords handle tables: one
//     header line (no leading '#'), optional "# " comment lines before it,
//     floats in shortest round-trip form with nan/inf/-inf.
//
// # Example
//
//	dir := run.Dir("rec")
//	if err := store.WriteNPY(filepath.Join(dir, "w.npy"), w, n, n); err != nil {
//		return err
//	}
//	rw, err := store.NewNPYWriter(filepath.Join(dir, "rates.npy"), store.Float32, n)
//	if err != nil {
//		return err
//	}
//	defer rw.Abort() // no-op after a successful Close
//	for step := range steps {
//		if err := rw.WriteFloat32(rates); err != nil {
//			return err
//		}
//	}
//	return rw.Close() // rates.npy now has shape (steps, n)
//
// # Invariants
//
//   - Inputs are never modified; written data is little-endian, C order.
//   - Errors that depend on data or IO are returned and name the file (and
//     the npz member, TSV line and column where relevant). Misuse — an
//     invalid DType, a streamed row of the wrong length, a Write method
//     that does not fit the writer's DType — panics with a "store: "
//     prefix.
//   - Nothing is printed; there is no package-level state. Writers are not
//     safe for concurrent use.
//   - Reading converts to float64: integers beyond ±2^53 lose precision.
//   - Readers open only regular files (OpenRegular): a named pipe, device,
//     socket or directory is an error, never a blocking open. Each file is
//     opened once, and nothing larger than the file can justify is
//     allocated: a .npy's declared shape must fit in the file, header
//     literals are bounded in length and nesting, and an .npz member's
//     declared size must be possible for its compression (deflate expands
//     at most 1032:1) with members not overlapping. Fuzz targets in
//     fuzz_test.go check this (.ci/fuzz.sh).
package store
