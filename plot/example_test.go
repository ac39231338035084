package plot_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/engramsim/engram/plot"
)

// The TSV beside each figure holds exactly what is drawn.
func ExampleHistogram() {
	dir, err := os.MkdirTemp("", "plot-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	base := filepath.Join(dir, "isi")
	files, err := plot.Histogram(base, plot.HistSpec{
		Title: "ISI", XLabel: "ISI (ms)", YLabel: "count", Bins: 2, Range: &[2]float64{0, 10},
		Series: []plot.HistSeries{{Name: "E", Values: []float64{1, 2, 7, 10, 11}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range files {
		fmt.Println(filepath.Base(f))
	}
	tsv, _ := os.ReadFile(base + ".tsv")
	fmt.Print(string(tsv))
	// Output:
	// isi.png
	// isi.svg
	// isi.tsv
	// series	bin_lo	bin_hi	count
	// E	0	5	2
	// E	5	10	2
}
