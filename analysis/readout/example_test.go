package readout_test

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/engramsim/engram/analysis/readout"
)

// A "network" whose state is the current and the previous binary symbol
// (a delay line of depth 1) solves the current and the 1-back task and is
// at chance 3 back.
func ExampleRunBattery() {
	r := rand.New(rand.NewPCG(1, 2))
	s := make([]int, 1000)
	x := mat.NewDense(len(s), 2, nil)
	for t := range s {
		s[t] = r.IntN(2)
		x.Set(t, 0, float64(s[t]))
		if t > 0 {
			x.Set(t, 1, float64(s[t-1]))
		}
	}
	res, err := readout.RunBattery(x, s, 2, &readout.BatteryOptions{Tasks: readout.BatteryTasks([]int{1, 3}, nil)}, r)
	if err != nil {
		panic(err)
	}
	for _, t := range res {
		fmt.Printf("%-8s %.2f ± %.2f (chance %.2f, n = %d)\n", t.Task.Name(), t.Accuracy.Value, t.Accuracy.SE, t.Accuracy.Chance, t.Accuracy.N)
	}
	// Output:
	// current  1.00 ± 0.00 (chance 0.57, n = 199)
	// kback_1  1.00 ± 0.00 (chance 0.55, n = 199)
	// kback_3  0.56 ± 0.04 (chance 0.53, n = 199)
}
