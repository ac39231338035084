package meanfield

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/engramsim/engram/progress"
)

// ScanMethod selects how Capacity evaluates the original scan-stop rule
// (spec §2.2: Δ = 0.01, 0.02, …; stop at the first Δ where the warm-started
// fixed-point iteration gives q < 0.01; report α at the last Δ before).
type ScanMethod int

const (
	// ScanAuto uses ScanLiteral on OriginalGrid and ScanFold otherwise.
	ScanAuto ScanMethod = iota
	// ScanFold locates the end of the branch Δ_end (the fold, or where q
	// falls below QLoss) to DeltaTol by continuation and reports α at the
	// largest grid value 0.01·k ≤ Δ_end. It gives the scan's answer whenever
	// the scan's fixed-point iteration converges to the branch, in a
	// fraction of the time.
	ScanFold
	// ScanLiteral runs the original loop: plain fixed-point iteration
	// q ← T(q) to |Δq| < 1e-7 at every Δ, warm-started (q = 100 at the
	// first Δ), stopping at the first q < QLoss.
	ScanLiteral
)

// String names the method.
func (s ScanMethod) String() string {
	switch s {
	case ScanAuto:
		return "auto"
	case ScanFold:
		return "fold"
	case ScanLiteral:
		return "literal"
	}
	return fmt.Sprintf("ScanMethod(%d)", int(s))
}

// Options configures Solve, Capacity, OverlapCurve and the sweeps. A nil
// *Options means all defaults; a zero field means that field's default.
type Options struct {
	// Grid selects the integration grid: AccurateGrid (default) or the
	// original 200 × 200 Riemann grid.
	Grid GridKind
	// XPanelWidth is the base width of the 8-node Gauss–Legendre panels in x
	// on the accurate grid (default 0.25; effective node spacing 0.03, and
	// much finer near steep thresholds, which are refined automatically).
	XPanelWidth float64
	// ZNodes is the number of Gauss–Hermite nodes in z (default 100).
	ZNodes int
	// Scan selects how AlphaCScan is evaluated (default ScanAuto).
	Scan ScanMethod
	// QLoss is the overlap (Hz) below which retrieval counts as lost, as in
	// the original code (default 0.01).
	QLoss float64
	// DeltaTol is the resolution in Δ to which the end of the retrieval
	// branch is located (default 1e-7).
	DeltaTol float64
	// MaxDeltaStep caps the continuation step in Δ (default 0.25).
	MaxDeltaStep float64
	// DeltaMax is the largest Δ explored (default 2000, the original Brent
	// bracket).
	DeltaMax float64
	// FiniteK, if > 0, adds the O(1/K) sampling variance of the retrieved
	// pattern's own term, a(x)²(1 − C)⟨g²r²⟩/K with a = A f(φ(x)), to the
	// noise of the retrieval state in Solve, OverlapCurve, Capacity and the
	// capacity sweeps (spec §4, notes for test authors; not from the paper).
	// 0 = the K → ∞ theory. Typical: 250 (with C = 0.005) to 2500.
	FiniteK int
	// C is the connection probability used with FiniteK (e.g. 0.005).
	C float64
	// Workers is the number of goroutines of the sweeps (default
	// runtime.GOMAXPROCS(0)). Results do not depend on it.
	Workers int
	// Progress, if non-nil, receives (points done, total) from the sweeps.
	Progress progress.Reporter
}

// Settings records the resolved options a result was computed with.
type Settings struct {
	Grid         string  `json:"grid"`
	XPanelWidth  float64 `json:"x_panel_width,omitempty"`
	XNodes       int     `json:"x_nodes"`
	ZNodes       int     `json:"z_nodes"`
	Scan         string  `json:"scan"`
	QLoss        float64 `json:"q_loss"`
	DeltaTol     float64 `json:"delta_tol"`
	MaxDeltaStep float64 `json:"max_delta_step"`
	DeltaMax     float64 `json:"delta_max"`
	FiniteK      int     `json:"finite_k,omitempty"`
	C            float64 `json:"c,omitempty"`
}

// resolve fills defaults and validates.
func (o *Options) resolve() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.XPanelWidth == 0 {
		r.XPanelWidth = DefaultXPanelWidth
	}
	if r.ZNodes == 0 {
		r.ZNodes = DefaultZNodes
	}
	if r.QLoss == 0 {
		r.QLoss = 0.01
	}
	if r.DeltaTol == 0 {
		r.DeltaTol = 1e-7
	}
	if r.MaxDeltaStep == 0 {
		r.MaxDeltaStep = 0.25
	}
	if r.DeltaMax == 0 {
		r.DeltaMax = 2000
	}
	if r.Workers <= 0 {
		r.Workers = defaultWorkers()
	}
	if r.Scan == ScanAuto {
		if r.Grid == OriginalGrid {
			r.Scan = ScanLiteral
		} else {
			r.Scan = ScanFold
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"XPanelWidth", r.XPanelWidth}, {"QLoss", r.QLoss}, {"DeltaTol", r.DeltaTol},
		{"MaxDeltaStep", r.MaxDeltaStep}, {"DeltaMax", r.DeltaMax}} {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return r, fmt.Errorf("meanfield: Options.%s = %v must be a finite number > 0", p.name, p.v)
		}
	}
	if r.ZNodes < 2 || r.ZNodes > 200 {
		return r, fmt.Errorf("meanfield: Options.ZNodes = %d must be in [2, 200]", r.ZNodes)
	}
	if r.FiniteK < 0 {
		return r, fmt.Errorf("meanfield: Options.FiniteK = %d must be ≥ 0", r.FiniteK)
	}
	if math.IsNaN(r.C) || r.C < 0 || r.C >= 1 {
		return r, fmt.Errorf("meanfield: Options.C = %v must be in [0, 1)", r.C)
	}
	if r.Grid != AccurateGrid && r.Grid != OriginalGrid {
		return r, fmt.Errorf("meanfield: unknown grid %v", r.Grid)
	}
	if r.Scan != ScanFold && r.Scan != ScanLiteral {
		return r, fmt.Errorf("meanfield: unknown scan method %v", r.Scan)
	}
	return r, nil
}

func (o Options) settings(m *model) Settings {
	s := Settings{Grid: o.Grid.String(), XNodes: len(m.a), ZNodes: len(m.zn), Scan: o.Scan.String(),
		QLoss: o.QLoss, DeltaTol: o.DeltaTol, MaxDeltaStep: o.MaxDeltaStep, DeltaMax: o.DeltaMax,
		FiniteK: o.FiniteK, C: o.C}
	if o.Grid == AccurateGrid {
		s.XPanelWidth = o.XPanelWidth
	}
	return s
}

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }

// parallel runs fn(i) for i in [0, n) on workers goroutines. Each index is
// computed independently and written by index, so the output does not
// depend on the number of workers.
func parallel(n, workers int, rep progress.Reporter, fn func(i int)) {
	if workers > n {
		workers = n
	}
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
				progress.Report(rep, done.Add(1), int64(n))
			}
		}()
	}
	wg.Wait()
}
