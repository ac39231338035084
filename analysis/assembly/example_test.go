package assembly_test

import (
	"fmt"

	"github.com/engramsim/engram/analysis/assembly"
)

// Two disjoint assemblies of 2 neurons among 6, a fully connected
// projection (no autapses) whose weights within assembly 0 are doubled,
// and the rates of a state in which assembly 0 is active.
func Example() {
	p := assembly.Patterns{N: 6, F: 1.0 / 3, Members: [][]int32{{0, 1}, {2, 3}}}
	var colPtr []int64
	var post []int32
	var w []float32
	colPtr = append(colPtr, 0)
	for j := 0; j < 6; j++ {
		for i := 0; i < 6; i++ {
			if i == j {
				continue
			}
			x := float32(1)
			if i < 2 && j < 2 {
				x = 2
			}
			post, w = append(post, int32(i)), append(w, x)
		}
		colPtr = append(colPtr, int64(len(post)))
	}
	cs := assembly.Classes(colPtr, post, w, p)
	fmt.Printf("R_0 = %g, R_1 = %g\n", cs[0].Ratio(), cs[1].Ratio())
	m, rho := make([]float64, 2), make([]float64, 2)
	assembly.NewTracker(p).Overlaps(m, rho, []float32{20, 20, 1, 1, 1, 1})
	fmt.Printf("m = %.3f %.3f, ρ = %.3f %.3f\n", m[0], m[1], rho[0], rho[1])
	fmt.Printf("%+v\n", assembly.DefaultCriterion().Evaluate(m, 0))
	// Output:
	// R_0 = 2, R_1 = 1
	// m = 1.000 -0.500, ρ = 1.000 -0.500
	// {Success:true Loose:true Spurious:false Winner:0}
}
