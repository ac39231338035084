package store_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/engramsim/engram/store"
)

// A recording of unknown length is streamed row by row; Close fixes the
// shape in the header and moves the file into place.
func ExampleNewNPYWriter() {
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "rates.npy")

	w, err := store.NewNPYWriter(path, store.Float32, 3) // 3 neurons per row
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Abort() // no-op after Close
	for step := 0; step < 4; step++ {
		if err := w.WriteFloat32([]float32{float32(step), 0.5, 1}); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}

	a, err := store.ReadNPY(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.DType, a.Shape, a.Data[9:])
	// Output: <f4 [4 3] [3 0.5 1]
}

func ExampleWriteTSV() {
	dir, _ := os.MkdirTemp("", "store-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "fI.tsv")
	if err := store.WriteTSV(path, []string{"I_pA", "rate_hz"}, []float64{0, 100}, []float64{0, 12.5}); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(path)
	fmt.Print(string(b))
	// Output:
	// I_pA	rate_hz
	// 0	0
	// 100	12.5
}
