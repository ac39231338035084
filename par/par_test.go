package par

import "testing"

func TestForCovers(t *testing.T) {
	for _, w := range []int{1, 2, 3, 8} {
		for _, n := range []int{0, 1, 5, 100} {
			seen := make([]int, n)
			For(n, w, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					seen[i]++
				}
			})
			for i, s := range seen {
				if s != 1 {
					t.Fatalf("w=%d n=%d: index %d visited %d times", w, n, i, s)
				}
			}
		}
	}
}

func TestPoolRange(t *testing.T) {
	p := NewPool(3)
	defer p.Close()
	for rep := 0; rep < 100; rep++ {
		seen := make([]int, 50)
		p.Range(50, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		for i, s := range seen {
			if s != 1 {
				t.Fatalf("index %d visited %d times", i, s)
			}
		}
	}
}
