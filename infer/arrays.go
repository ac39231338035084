package infer

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/engramsim/engram/store"
)

// ReadInput reads rate data from a file (ReadRates for .csv/.tsv,
// ReadRatesNPZ, ReadRatesNPY by extension) or from every readable file of
// a directory.
func ReadInput(path string) (*Dataset, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("infer: %v", err)
	}
	if !fi.IsDir() {
		return readFile(path)
	}
	return ReadDirWith(path, []string{".csv", ".tsv", ".npz", ".npy"}, readFile)
}

// readFile reads one file by its extension.
func readFile(path string) (*Dataset, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npz":
		return ReadRatesNPZ(path)
	case ".npy":
		return ReadRatesNPY(path)
	}
	return ReadRates(path)
}

// fileID is the file name without extension.
func fileID(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// ratesFrom copies src, dropping NaN (missing) values and rejecting
// infinite or negative ones with an error naming the file, what (e.g.
// "array novel") and the index (index(j) formats the position of src[j]).
func ratesFrom(path, what string, src []float64, index func(j int) string) ([]float64, error) {
	out := make([]float64, 0, len(src))
	for j, v := range src {
		if math.IsNaN(v) {
			continue
		}
		if math.IsInf(v, 0) || v < 0 {
			msg := "is infinite"
			if !math.IsInf(v, 0) {
				msg = fmt.Sprintf("%v Hz is negative", v)
			}
			return nil, fmt.Errorf("infer: %s: %s, index %s: rate %s", path, what, index(j), msg)
		}
		out = append(out, v)
	}
	return out, nil
}

// ratesRow extracts row k of a 2-D array (all of a 1-D array when k < 0).
func ratesRow(path, array string, a *store.Array, k int) ([]float64, error) {
	if k < 0 {
		return ratesFrom(path, "array "+array, a.Data, func(j int) string { return fmt.Sprintf("[%d]", j) })
	}
	w := a.Shape[1]
	return ratesFrom(path, "array "+array, a.Data[k*w:(k+1)*w], func(j int) string { return fmt.Sprintf("[%d, %d]", k, j) })
}

// arrayNeuron validates one neuron read from an array file; where names the
// rows it came from.
func arrayNeuron(path, id, where string, nov, fam []float64) (NeuronData, error) {
	for _, c := range []struct {
		name string
		n    int
	}{{CondNovel, len(nov)}, {CondFamiliar, len(fam)}} {
		if c.n < MinSamplesPerCondition {
			return NeuronData{}, fmt.Errorf("infer: %s: neuron %q (%s): %d finite %s rates, need at least %d (MinSamplesPerCondition)",
				path, id, where, c.n, c.name, MinSamplesPerCondition)
		}
	}
	nd, err := NewNeuronData(id, nov, fam)
	if err != nil {
		return nd, fmt.Errorf("%s: %v", path, err)
	}
	return nd, nil
}

// ReadRatesNPZ reads the .npz convention: arrays novel and familiar, 1-D
// (one neuron) or 2-D (neurons × stimuli), NaN = missing.
func ReadRatesNPZ(path string) (*Dataset, error) {
	arrs, names, err := store.ReadNPZ(path)
	if err != nil {
		return nil, fmt.Errorf("infer: %v", err)
	}
	nov, fam := arrs["novel"], arrs["familiar"]
	for _, c := range []struct {
		name string
		a    *store.Array
	}{{"novel", nov}, {"familiar", fam}} {
		if c.a == nil {
			return nil, fmt.Errorf("infer: %s: missing array %q (the file has %s; want arrays novel and familiar)", path, c.name, listNames(names))
		}
		if c.a.Data == nil {
			return nil, fmt.Errorf("infer: %s: array %s has non-numeric dtype %s", path, c.name, c.a.DType)
		}
		if d := len(c.a.Shape); d != 1 && d != 2 {
			return nil, fmt.Errorf("infer: %s: array %s has shape %v; want 1-D (one neuron) or 2-D (neurons × stimuli)", path, c.name, c.a.Shape)
		}
	}
	if len(nov.Shape) != len(fam.Shape) {
		return nil, fmt.Errorf("infer: %s: arrays novel %v and familiar %v must both be 1-D or both 2-D", path, nov.Shape, fam.Shape)
	}
	base := fileID(path)
	ds := &Dataset{Source: path}
	if len(nov.Shape) == 1 {
		n, err := ratesRow(path, "novel", nov, -1)
		if err != nil {
			return nil, err
		}
		f, err := ratesRow(path, "familiar", fam, -1)
		if err != nil {
			return nil, err
		}
		nd, err := arrayNeuron(path, base, "arrays novel and familiar", n, f)
		if err != nil {
			return nil, err
		}
		ds.Neurons = []NeuronData{nd}
		return ds, nil
	}
	if nov.Shape[0] != fam.Shape[0] {
		return nil, fmt.Errorf("infer: %s: novel has %d rows (neurons) but familiar has %d", path, nov.Shape[0], fam.Shape[0])
	}
	if nov.Shape[0] == 0 {
		return nil, fmt.Errorf("infer: %s: arrays have no rows (neurons)", path)
	}
	for k := 0; k < nov.Shape[0]; k++ {
		n, err := ratesRow(path, "novel", nov, k)
		if err != nil {
			return nil, err
		}
		f, err := ratesRow(path, "familiar", fam, k)
		if err != nil {
			return nil, err
		}
		nd, err := arrayNeuron(path, fmt.Sprintf("%s_%d", base, k), fmt.Sprintf("row %d of novel and familiar", k), n, f)
		if err != nil {
			return nil, err
		}
		ds.Neurons = append(ds.Neurons, nd)
	}
	return ds, nil
}

// ReadRatesNPY reads the .npy convention: shape (2, S) for one neuron or
// (M, 2, S) for M neurons; index 0 of the condition axis is novel, 1
// familiar; NaN = missing.
func ReadRatesNPY(path string) (*Dataset, error) {
	a, err := store.ReadNPY(path)
	if err != nil {
		return nil, fmt.Errorf("infer: %v", err)
	}
	if a.Data == nil {
		return nil, fmt.Errorf("infer: %s: non-numeric dtype %s", path, a.DType)
	}
	sh := a.Shape
	bad := func() error {
		return fmt.Errorf("infer: %s: shape %v; want (2, S) for one neuron or (M, 2, S) for M neurons (condition axis: 0 novel, 1 familiar)", path, sh)
	}
	var m, s int
	switch {
	case len(sh) == 2 && sh[0] == 2:
		m, s = 1, sh[1]
	case len(sh) == 3 && sh[1] == 2 && sh[0] > 0:
		m, s = sh[0], sh[2]
	default:
		return nil, bad()
	}
	base := fileID(path)
	ds := &Dataset{Source: path}
	for k := 0; k < m; k++ {
		var rows [2][]float64
		for c := 0; c < 2; c++ {
			off := (2*k + c) * s
			r, err := ratesFrom(path, "array", a.Data[off:off+s], func(j int) string {
				if len(sh) == 2 {
					return fmt.Sprintf("[%d, %d]", c, j)
				}
				return fmt.Sprintf("[%d, %d, %d]", k, c, j)
			})
			if err != nil {
				return nil, err
			}
			rows[c] = r
		}
		id, where := base, "rows 0 (novel) and 1 (familiar)"
		if len(sh) == 3 {
			id, where = fmt.Sprintf("%s_%d", base, k), fmt.Sprintf("index %d of axis 0", k)
		}
		nd, err := arrayNeuron(path, id, where, rows[0], rows[1])
		if err != nil {
			return nil, err
		}
		ds.Neurons = append(ds.Neurons, nd)
	}
	return ds, nil
}

func listNames(n []string) string {
	if len(n) == 0 {
		return "no .npy members"
	}
	return "arrays " + strings.Join(n, ", ")
}
