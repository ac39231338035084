// Package par runs index-range kernels on a fixed number of goroutines.
//
// Work is split into contiguous chunks whose boundaries depend only on n and
// the chunk count, never on scheduling; kernels that write disjoint ranges
// therefore give identical results for any worker count.
package par

import (
	"runtime"
	"sync"
)

// Workers returns w if w > 0, else GOMAXPROCS.
func Workers(w int) int {
	if w > 0 {
		return w
	}
	return runtime.GOMAXPROCS(0)
}

// For calls fn(lo, hi) on contiguous chunks covering [0, n) using up to
// workers goroutines (≤ 0 means GOMAXPROCS). With one worker, or n small,
// it runs inline without spawning goroutines.
func For(n, workers int, fn func(lo, hi int)) {
	w := Workers(workers)
	if w > n {
		w = n
	}
	if w <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	wg.Add(w)
	for k := 0; k < w; k++ {
		lo, hi := k*n/w, (k+1)*n/w
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// Pool is a persistent set of worker goroutines for kernels called many
// times per second (e.g. every integration step), avoiding goroutine start
// cost. The zero value is not usable; call NewPool. Close it when done.
type Pool struct {
	w    int
	jobs []chan func(int)
	wg   sync.WaitGroup
}

// NewPool starts workers-1 goroutines (the caller's goroutine is worker 0).
func NewPool(workers int) *Pool {
	p := &Pool{w: Workers(workers)}
	p.jobs = make([]chan func(int), p.w)
	for k := 1; k < p.w; k++ {
		ch := make(chan func(int))
		p.jobs[k] = ch
		go func(k int) {
			for f := range ch {
				f(k)
				p.wg.Done()
			}
		}(k)
	}
	return p
}

// Size returns the number of workers.
func (p *Pool) Size() int { return p.w }

// Run calls fn(k) for k = 0..Size()-1 concurrently and waits for all.
func (p *Pool) Run(fn func(k int)) {
	p.wg.Add(p.w - 1)
	for k := 1; k < p.w; k++ {
		p.jobs[k] <- fn
	}
	fn(0)
	p.wg.Wait()
}

// Range calls fn(lo, hi) for Size() contiguous chunks of [0, n).
func (p *Pool) Range(n int, fn func(lo, hi int)) {
	w := p.w
	p.Run(func(k int) {
		lo, hi := k*n/w, (k+1)*n/w
		if hi > lo {
			fn(lo, hi)
		}
	})
}

// Close stops the workers.
func (p *Pool) Close() {
	for k := 1; k < p.w; k++ {
		close(p.jobs[k])
	}
}
