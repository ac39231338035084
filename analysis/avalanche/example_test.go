package avalanche_test

import (
	"fmt"

	"github.com/engramsim/engram/analysis/avalanche"
)

// Extract finds runs of non-empty bins bounded by empty ones; runs touching
// the ends of the recording are dropped.
func ExampleExtract() {
	counts := []float64{2, 0, 1, 3, 0, 0, 5, 0, 1, 1, 1, 0, 4}
	av, _ := avalanche.Extract(counts, 0)
	sizes, durations := avalanche.SizesDurations(av)
	fmt.Println(len(av), sizes, durations)
	// Output:
	// 3 [4 5 3] [2 1 3]
}
