package conn

import (
	"slices"
	"testing"
)

// diagonal counts the i→i entries of c.
func diagonal(c *CSR) int {
	n := 0
	for i := 0; i < c.NPost; i++ {
		if slices.Contains(c.Pre[c.RowPtr[i]:c.RowPtr[i+1]], int32(i)) {
			n++
		}
	}
	return n
}

// TestDistinctPopulationsKeepDiagonal: a square projection between two
// distinct populations keeps its i→i pairs (they are not autapses): at
// p = 1 all n² pairs exist and a fixed in-degree of n is possible, while
// the zero value (recurrent) excludes the diagonal. The masks are the ones
// Autapses = true draws (same random streams), so networks built with the
// old Autapses workaround are unchanged.
func TestDistinctPopulationsKeepDiagonal(t *testing.T) {
	const n = 40
	dist := GenOptions{Seed: 5, DistinctPopulations: true, Workers: 2}
	rec := GenOptions{Seed: 5, Workers: 2}
	full, err := Bernoulli(n, n, 1, dist)
	if err != nil {
		t.Fatal(err)
	}
	if full.NNZ() != n*n || diagonal(full) != n {
		t.Errorf("Bernoulli p = 1, distinct: %d synapses (%d diagonal), want %d (%d)", full.NNZ(), diagonal(full), n*n, n)
	}
	noDiag, _ := Bernoulli(n, n, 1, rec)
	if noDiag.NNZ() != n*n-n || diagonal(noDiag) != 0 {
		t.Errorf("Bernoulli p = 1, recurrent: %d synapses (%d diagonal), want %d (0)", noDiag.NNZ(), diagonal(noDiag), n*n-n)
	}
	if _, err := FixedInDegree(n, n, n, rec); err == nil {
		t.Error("fixed in-degree n within a population without autapses: no error")
	}
	in, err := FixedInDegree(n, n, n, dist)
	if err != nil || in.NNZ() != n*n {
		t.Errorf("fixed in-degree n between distinct populations: %v, %d synapses", err, in.NNZ())
	}
	aut := GenOptions{Seed: 5, Autapses: true, Workers: 2}
	for name, gen := range map[string]func(GenOptions) (*CSR, error){
		"bernoulli": func(o GenOptions) (*CSR, error) { return Bernoulli(n, n, 0.3, o) },
		"fixed_in":  func(o GenOptions) (*CSR, error) { return FixedInDegree(n, n, 12, o) },
		"fixed_out": func(o GenOptions) (*CSR, error) { return FixedOutDegree(n, n, 12, o) },
	} {
		a, err1 := gen(dist)
		b, err2 := gen(aut)
		if err1 != nil || err2 != nil || !slices.Equal(a.RowPtr, b.RowPtr) || !slices.Equal(a.Pre, b.Pre) {
			t.Errorf("%s: DistinctPopulations mask differs from the Autapses one (%v, %v)", name, err1, err2)
		}
		if name != "bernoulli" && diagonal(a) == 0 {
			t.Errorf("%s: no diagonal entries among %d (expected ≈ %d)", name, a.NNZ(), 12)
		}
		r, _ := gen(rec)
		if diagonal(r) != 0 {
			t.Errorf("%s: recurrent mask has %d diagonal entries", name, diagonal(r))
		}
	}
	// Non-square masks never exclude anything.
	if c, _ := Bernoulli(n, n+1, 1, rec); c.NNZ() != n*(n+1) {
		t.Errorf("non-square p = 1: %d synapses", c.NNZ())
	}
}
