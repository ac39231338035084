// Package homeostasis is the input-strength sweep of the branching network
// with rate homeostasis (model/homeostasis; criticality.md §6): for each
// external drive h it develops the network under the homeostatic rule,
// freezes it and measures the branching ratio (OLS, and multistep
// regression on a subsample of the units) and the autocorrelation time
// against the theory m = 1 − h/r*. Lower input ⇒ more recurrence ⇒ closer
// to criticality: the knob of Cramer et al. (2020).
//
// One drive (sweep.h_over_r_star = 0.1) is a single-point run whose
// summary also holds drive.{h_over_r_star, m_ols, m_ols_sd, m_theory,
// m_mr, tau_steps, tau_mr_steps, rate, realisations} as metrics: the
// points of examples/homeostasis.sweep.toml, which equal the built-in
// sweep's because every realisation's streams are keyed by its drive's
// value and index (DriveKey), not by the drive's position in the list.
//
// Registered as experiment "homeostasis"; examples/homeostasis.toml.
package homeostasis

import (
	"context"
	"embed"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/engramsim/engram/analysis/branching"
	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/memlimit"
	hm "github.com/engramsim/engram/model/homeostasis"
	"github.com/engramsim/engram/par"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/rng"
	"github.com/engramsim/engram/store"
	"gonum.org/v1/gonum/stat"
)

// Network is the [network] section.
type Network struct {
	// N is the number of binary units (spec: 1000).
	N int `toml:"n"`
	// K is the number of fixed random presynaptic partners per unit, in
	// [1, n − 1] (spec: 100).
	K int `toml:"k"`
	// RStar is the target rate r* in events per unit and step, in (0, 1)
	// (spec: 0.01).
	RStar float64 `toml:"r_star"`
	// TauHP is the homeostatic time constant in steps, ≥ 1 (spec: 2000).
	TauHP float64 `toml:"tau_hp"`
	// Seed is the master seed of connectivity and activity.
	Seed uint64 `toml:"seed"`
}

// Sweep is the [sweep] section.
type Sweep struct {
	// HOverRStar are the external drives h as fractions of r*, each in
	// (0, 1) (in theory 1 − m): a list, or one number for a single-drive
	// run (what a sweep file over this key sets at each point,
	// examples/homeostasis.sweep.toml).
	HOverRStar config.Floats `toml:"h_over_r_star"`
	// Seeds is the number of network realisations per drive.
	Seeds int `toml:"seeds"`
	// Develop is the number of plastic steps before freezing (spec: 150 000).
	Develop int `toml:"develop_steps"`
	// Measure is the number of frozen steps measured, ≥ 3 (spec: 100 000).
	Measure int `toml:"measure_steps"`
	// AverageLast freezes the weights at their mean over this many last
	// plastic steps (0: their last value).
	AverageLast int `toml:"average_last_steps"`
	// SubsampleFrac is the fraction of units whose activity is also
	// analysed by multistep regression (0: none).
	SubsampleFrac float64 `toml:"subsample_frac"`
	// MRTrials is the number of trials the measurement is cut into for
	// MR's bootstrap (≥ 2, and ≥ 100 steps each).
	MRTrials int `toml:"mr_trials"`
}

// Config is the experiment's configuration.
type Config struct {
	// Network: the branching network.
	Network Network `toml:"network"`
	// Sweep: drives, realisations and durations.
	Sweep Sweep `toml:"sweep"`
}

// docFiles is the source of the config structs: their field comments are
// the docs `engram describe` prints (config.DocSource).
//
//go:embed homeostasis.go
var docFiles embed.FS

// DocSources implements config.Documented.
func (c *Config) DocSources() []config.DocSource {
	return []config.DocSource{{Pkg: reflect.TypeFor[Config]().PkgPath(), Files: docFiles}}
}

// Defaults is the spec's CR-1 network over four drives.
func Defaults() *Config {
	return &Config{
		Network: Network{N: 1000, K: 100, RStar: 0.01, TauHP: 2000, Seed: 1},
		Sweep: Sweep{HOverRStar: []float64{0.3, 0.1, 0.03, 0.01}, Seeds: 2, Develop: 150000, Measure: 100000,
			AverageLast: 20000, SubsampleFrac: 0.1, MRTrials: 10},
	}
}

// SeedValue implements experiment.Config.
func (c *Config) SeedValue() uint64 { return c.Network.Seed }

// SetSeed implements experiment.Config.
func (c *Config) SetSeed(s uint64) { c.Network.Seed = s }

// model returns the model config of drive index i, realisation s. Its
// random streams are keyed by the drive's value and the realisation, not
// by the drive's position in the list, so that a single-drive run
// reproduces that drive's networks in any list (a sweep file over
// sweep.h_over_r_star gives the built-in sweep's numbers).
func (c *Config) model(i, s int) hm.Config {
	n := c.Network
	x := c.Sweep.HOverRStar[i]
	return hm.Config{N: n.N, K: n.K, H: x * n.RStar, RStar: n.RStar, TauHP: n.TauHP,
		Seed: n.Seed, Key: DriveKey(x, s)}
}

// DriveKey is the stream key of realisation s at drive h/r* = x.
func DriveKey(x float64, s int) uint64 {
	return rng.NameKey(fmt.Sprintf("homeostasis drive h/r*=%v realisation %d", x, s))
}

func (c *Config) run() hm.RunOptions {
	w := c.Sweep
	return hm.RunOptions{Develop: w.Develop, Measure: w.Measure, AverageLast: w.AverageLast,
		Subsample: int(math.Round(w.SubsampleFrac * float64(c.Network.N)))}
}

// Validate implements experiment.Config.
func (c *Config) Validate() error {
	// the user's keys first: the model's h = h_over_r_star · r_star is
	// derived, and an error about it would hide the key at fault
	n := c.Network
	switch {
	case n.N < 2:
		return fmt.Errorf("network.n = %d must be ≥ 2", n.N)
	case n.N > math.MaxInt32:
		return fmt.Errorf("network.n = %d exceeds the int32 index range", n.N)
	case n.K < 1 || n.K > n.N-1:
		return fmt.Errorf("network.k = %d must be in [1, network.n − 1 = %d]", n.K, n.N-1)
	case !(n.RStar > 0 && n.RStar < 1):
		return fmt.Errorf("network.r_star = %v must be in (0, 1)", n.RStar)
	case !(n.TauHP >= 1) || math.IsInf(n.TauHP, 0):
		return fmt.Errorf("network.tau_hp = %v must be a finite number ≥ 1 step", n.TauHP)
	}
	w := c.Sweep
	if len(w.HOverRStar) == 0 {
		return fmt.Errorf("sweep.h_over_r_star is empty")
	}
	seen := map[float64]bool{}
	for i, x := range w.HOverRStar {
		if !(x > 0 && x < 1) {
			return fmt.Errorf("sweep.h_over_r_star[%d] = %v must be in (0, 1)", i, x)
		}
		if seen[x] {
			return fmt.Errorf("sweep.h_over_r_star[%d] = %v is listed twice", i, x)
		}
		seen[x] = true
		if err := c.model(i, 0).Validate(); err != nil {
			return fmt.Errorf("network: %w", err)
		}
	}
	switch {
	case w.Seeds < 1:
		return fmt.Errorf("sweep.seeds = %d must be ≥ 1", w.Seeds)
	case w.Develop < 0 || w.Develop > config.MaxSteps:
		return fmt.Errorf("sweep.develop_steps = %d must be in [0, %d]", w.Develop, config.MaxSteps)
	case w.Measure < 3 || w.Measure > config.MaxSteps:
		return fmt.Errorf("sweep.measure_steps = %d must be in [3, %d]", w.Measure, config.MaxSteps)
	case w.AverageLast < 0 || w.AverageLast > w.Develop:
		return fmt.Errorf("sweep.average_last_steps = %d must be in [0, develop_steps]", w.AverageLast)
	case !(w.SubsampleFrac >= 0 && w.SubsampleFrac <= 1):
		return fmt.Errorf("sweep.subsample_frac = %v must be in [0, 1]", w.SubsampleFrac)
	case w.SubsampleFrac > 0 && c.run().Subsample < 10:
		return fmt.Errorf("sweep.subsample_frac = %v is %d of %d units: use 0 (no MR) or at least 10 units", w.SubsampleFrac, c.run().Subsample, c.Network.N)
	case w.SubsampleFrac > 0 && w.MRTrials < 2:
		return fmt.Errorf("sweep.mr_trials = %d must be ≥ 2 (MR's bootstrap resamples trials)", w.MRTrials)
	case w.SubsampleFrac > 0 && w.MRTrials > w.Measure/100: // not 100·mr_trials, which can overflow
		return fmt.Errorf("sweep.measure_steps = %d must be ≥ 100 per MR trial (%d)", w.Measure, 100*w.MRTrials)
	}
	return config.TotalSteps(fmt.Sprintf("sweep.seeds = %d: %d drive(s) × %d realisation(s) × %d steps", w.Seeds, len(w.HOverRStar), w.Seeds, w.Develop+w.Measure),
		float64(len(w.HOverRStar))*float64(w.Seeds)*(float64(w.Develop)+float64(w.Measure)))
}

// EstimateBytes bounds the run's peak resident memory (memlimit.Apply makes
// the Go runtime keep it): the activity series kept for every run, and per
// run in progress (one per worker: max(NumCPU, GOMAXPROCS), the default
// of --workers) its network and MR's work, plus memlimit.RuntimeBytes.
// A network at its build peak (model/homeostasis.New) holds the
// fixed-in-degree CSR (row pointers 8(n+1), 4 bytes per synapse) and its
// pre-major copy (column pointers and a cursor array, 16 bytes per unit;
// 12 bytes per synapse: post index and synapse id); running, the weights
// (float64), the partner counts (int32), the active lists (two int32
// slices grown by append, ≤ 16 bytes per unit), the weight average
// (float64) and the measured series (1 or 2 float64 per step). MR copies
// its trials and keeps 100 bootstrap coefficient curves.
func (c *Config) EstimateBytes() int64 {
	runs := float64(len(c.Sweep.HOverRStar)) * float64(c.Sweep.Seeds)
	n, k := float64(c.Network.N), float64(c.Network.K)
	meas := float64(c.Sweep.Measure)
	series := 1.0
	if c.Sweep.SubsampleFrac > 0 {
		series = 2
	}
	build := 8*(n+1) + 4*n*k + 16*n + 12*n*k
	running := 12*n*k + 8*n + 8*n + 4*n + 16*n + 8*n + series*8*meas
	var mrb float64
	if c.Sweep.SubsampleFrac > 0 && c.Sweep.MRTrials > 0 {
		mrb = 2*8*meas + 3*100*float64(c.Sweep.Measure/c.Sweep.MRTrials/2)*8
	}
	workers := min(runs, float64(max(runtime.NumCPU(), runtime.GOMAXPROCS(0))))
	// in float64 and saturated: no size can wrap the estimate around
	return experiment.SaturateBytes(runs*meas*8*series + workers*(max(build, running)+mrb) + figureBytes + memlimit.RuntimeBytes)
}

// figureBytes bounds drawing the figures and rendering the report: two
// 800 × 500 RGBA canvases drawn concurrently with their encoders and SVG
// buffers, and the report's base64 copies of the PNGs.
const figureBytes = 16 << 20

// Def registers the experiment.
func Def() experiment.Def {
	return experiment.Typed("homeostasis",
		"branching network with rate homeostasis: input strength vs distance to criticality (criticality spec §6)",
		Defaults, Run, (*Config).EstimateBytes)
}

// Point is one (drive, realisation).
type Point struct {
	*hm.Result
	HOverRStar float64
	Seed       int
	TauOLS     float64 // −1/ln m̂ (steps)
	// MR on the subsample: m̂ ± SE, τ (steps), the subsample's OLS slope
	// (biased by subsampling), and MR's warnings (m̂ is NaN when the fit
	// failed or gave τ ≤ 0). All NaN without a subsample.
	MRM, MRSE, MRTau, MROLS float64
	MRWarnings              string
}

// Simulate runs every (drive, realisation) on up to workers goroutines;
// the results do not depend on workers.
func Simulate(ctx context.Context, c *Config, workers int, prog progress.Reporter) ([]Point, error) {
	nh, ns := len(c.Sweep.HOverRStar), c.Sweep.Seeds
	pts := make([]Point, nh*ns)
	errs := make([]error, nh*ns)
	o := c.run()
	var mu sync.Mutex
	var done int64
	par.For(nh*ns, workers, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			if ctx.Err() != nil {
				errs[j] = ctx.Err()
				continue
			}
			i, s := j/ns, j%ns
			r, err := hm.RunContext(ctx, c.model(i, s), o)
			if err != nil {
				errs[j] = err
				continue
			}
			nan := math.NaN()
			p := Point{Result: r, HOverRStar: c.Sweep.HOverRStar[i], Seed: s, TauOLS: -1 / math.Log(r.M),
				MRM: nan, MRSE: nan, MRTau: nan, MROLS: nan}
			if r.SubActivity != nil {
				m, err := mr(r.SubActivity, c.Sweep.MRTrials, r.MTheory)
				switch {
				case err != nil:
					p.MRWarnings = "MR failed: " + err.Error()
				default:
					p.MRSE, p.MRTau, p.MROLS = m.MStdErr, m.TauBins, m.MConventional
					p.MRWarnings = strings.Join(m.Warnings, "; ")
					if m.TauBins > 0 && !math.IsInf(m.TauBins, 0) {
						p.MRM = m.M
					} else {
						p.MRWarnings = strings.TrimPrefix(p.MRWarnings+"; τ ≤ 0 or infinite: m̂ not used", "; ")
					}
				}
			}
			pts[j] = p
			mu.Lock()
			done++
			progress.Report(prog, done, int64(nh*ns))
			mu.Unlock()
		}
	})
	for j, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("h/r* = %g, realisation %d: %w", c.Sweep.HOverRStar[j/ns], j%ns, err)
		}
	}
	return pts, nil
}

// mr runs multistep regression (sm, exp_offset, 100 trial bootstraps) on
// the activity cut into trials, with lags up to 10 expected τ.
func mr(a []float64, trials int, mTheory float64) (*branching.Result, error) {
	l := len(a) / trials
	tr := make([][]float64, trials)
	for k := range tr {
		tr[k] = a[k*l : (k+1)*l]
	}
	kmax := min(l/2, max(10, int(10*-1/math.Log(mTheory))))
	return branching.Analyze(tr, &branching.Options{Models: []branching.Model{branching.ExpOffset}, KMin: 1, KMax: kmax,
		NumBoot: 100, Dt: 1, DtUnit: "steps"})
}

// Run simulates, writes res/sweep.tsv, rec/activity_*.npy, the figures and
// the report section.
func Run(ctx context.Context, c *Config, env *experiment.Env) (experiment.Summary, error) {
	defer memlimit.Apply(c.EstimateBytes())()
	pts, err := Simulate(ctx, c, env.Workers, env.Progress)
	if err != nil {
		return nil, err
	}
	hdr := []string{"h_over_r_star", "h", "realisation", "m_ols", "m_theory", "tau_ols_steps", "rate", "rate_deviation",
		"mean_w", "m_mr_subsample", "m_mr_se", "tau_mr_steps", "m_ols_subsample", "warning", "mr_warnings"}
	tw, err := store.NewTSVWriter(env.Path("res", "sweep.tsv"), hdr)
	if err != nil {
		return nil, err
	}
	var warnings []string
	for _, p := range pts {
		if err := tw.Row(p.HOverRStar, p.H, p.Seed, p.M, p.MTheory, p.TauOLS, p.Rate, p.RateDeviation, p.MeanW,
			p.MRM, p.MRSE, p.MRTau, p.MROLS, p.Warning, p.MRWarnings); err != nil {
			tw.Abort()
			return nil, err
		}
		for _, w := range []string{p.Warning, p.MRWarnings} {
			if w != "" {
				warnings = append(warnings, fmt.Sprintf("h/r* = %g, realisation %d: %s", p.HOverRStar, p.Seed, w))
			}
		}
		if err := store.WriteNPY(env.Path("rec", fmt.Sprintf("activity_h%g_r%d.npy", p.HOverRStar, p.Seed)), p.Activity); err != nil {
			tw.Abort()
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	for _, w := range warnings {
		env.Logf("warning: %s", w)
	}

	// per drive: mean over realisations, sorted by h/r*
	type agg struct{ x, m, mSD, mr, tau, tauMR, rate float64 }
	by := map[float64][]Point{}
	for _, p := range pts {
		by[p.HOverRStar] = append(by[p.HOverRStar], p)
	}
	var ag []agg
	for x, ps := range by {
		var a agg
		a.x = x
		var ms, mrs []float64
		for _, p := range ps {
			ms = append(ms, p.M)
			a.rate += p.Rate / float64(len(ps))
			if !math.IsNaN(p.MRM) {
				mrs = append(mrs, p.MRM)
			}
		}
		a.m, a.mSD = meanSD(ms)
		a.mr, _ = meanSD(mrs) // NaN when no realisation has an MR estimate
		a.tau, a.tauMR = -1/math.Log(a.m), -1/math.Log(a.mr)
		ag = append(ag, a)
	}
	sort.Slice(ag, func(i, j int) bool { return ag[i].x < ag[j].x })
	col := func(f func(agg) float64) []float64 {
		v := make([]float64, len(ag))
		for i, a := range ag {
			v[i] = f(a)
		}
		return v
	}
	x := col(func(a agg) float64 { return a.x })
	var xt, mt, tt []float64
	e0, e1 := math.Log10(x[0]), math.Log10(x[len(x)-1])
	if len(x) == 1 { // a single drive: the theory line around it (a log axis needs a range)
		e0, e1 = math.Log10(x[0]/3), math.Log10(min(3*x[0], (1+x[0])/2))
	}
	for k := range 101 {
		v := math.Pow(10, e0+(e1-e0)*float64(k)/100)
		xt = append(xt, v)
		mt = append(mt, 1-v)
		tt = append(tt, -1/math.Log(1-v))
	}
	hasMR := c.Sweep.SubsampleFrac > 0
	mSeries := []plot.Series{
		{Name: "theory 1 − h/r*", X: xt, Y: mt, Color: 2},
		{Name: "OLS, all units (mean ± SD)", X: x, Y: col(func(a agg) float64 { return a.m }), YErr: col(func(a agg) float64 { return a.mSD }), Points: true, Color: 0},
	}
	tSeries := []plot.Series{
		{Name: "theory −1/ln(1 − h/r*)", X: xt, Y: tt, Color: 2},
		{Name: "from OLS m̂", X: x, Y: col(func(a agg) float64 { return a.tau }), Points: true, Color: 0},
	}
	if hasMR {
		mSeries = append(mSeries, plot.Series{Name: fmt.Sprintf("MR, %g of the units", c.Sweep.SubsampleFrac), X: x, Y: col(func(a agg) float64 { return a.mr }), Points: true, Color: 1})
		tSeries = append(tSeries, plot.Series{Name: "MR on the subsample", X: x, Y: col(func(a agg) float64 { return a.tauMR }), Points: true, Color: 1})
	}
	mBase := env.Path("figs", "m_vs_input")
	if _, err := plot.Lines(mBase, plot.LineSpec{Title: fmt.Sprintf("Branching ratio vs input (N = %d, K = %d, r* = %g)", c.Network.N, c.Network.K, c.Network.RStar),
		XLabel: "input h / r*", YLabel: "branching ratio m", LogX: true, Legend: true, Series: mSeries}); err != nil {
		return nil, err
	}
	tBase := env.Path("figs", "tau_vs_input")
	if _, err := plot.Lines(tBase, plot.LineSpec{Title: "Autocorrelation time vs input", XLabel: "input h / r*", YLabel: "τ (steps)",
		LogX: true, LogY: true, Legend: true, Series: tSeries}); err != nil {
		return nil, err
	}
	r := env.Report
	r.Section("Input strength vs distance to criticality")
	freeze := "weights frozen at their last value"
	if c.Sweep.AverageLast > 0 {
		freeze = fmt.Sprintf("weights frozen at their mean over the last %d", c.Sweep.AverageLast)
	}
	mrText := ""
	if hasMR {
		mrText = fmt.Sprintf(" The MR estimate uses only %g of the units (subsampling biases the OLS slope, not MR).", c.Sweep.SubsampleFrac)
	}
	r.Paragraph(fmt.Sprintf("Binary branching network with rate homeostasis (N = %d units, K = %d inputs each, r* = %g, τ_hp = %g steps): "+
		"%d plastic steps, %s, then %d steps measured; %d realisation(s) per drive. Theory: m = 1 − h/r*; τ = −1/ln m̂ of the mean m̂.%s",
		c.Network.N, c.Network.K, c.Network.RStar, c.Network.TauHP, c.Sweep.Develop, freeze, c.Sweep.Measure, c.Sweep.Seeds, mrText))
	num := func(f string, v float64) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "—"
		}
		return fmt.Sprintf(f, v)
	}
	var rows [][]string
	for _, a := range ag {
		rows = append(rows, []string{fmt.Sprintf("%g", a.x), fmt.Sprintf("%.4f", 1-a.x), num("%.4f", a.m) + " ± " + num("%.4f", a.mSD),
			num("%.4f", a.mr), num("%.1f", a.tau), num("%.4g", a.rate)})
	}
	r.Table("", []string{"h/r*", "m theory", "m̂ OLS", "m̂ MR (subsample)", "τ (steps)", "rate"}, rows)
	_ = r.Figure(mBase+".png", "Branching ratio against the input strength: lower input, closer to criticality.")
	_ = r.Figure(tBase+".png", "Autocorrelation time against the input strength.")
	for _, w := range warnings {
		r.Paragraph("Warning: " + w)
	}
	sum := experiment.Summary{
		"h_over_r_star": x, "m_ols": col(func(a agg) float64 { return a.m }), "m_theory": col(func(a agg) float64 { return 1 - a.x }),
		"m_mr": col(func(a agg) float64 { return a.mr }), "tau_steps": col(func(a agg) float64 { return a.tau }),
		"rate": col(func(a agg) float64 { return a.rate }), "warnings": len(warnings),
	}
	if len(ag) == 1 {
		// a single-drive run (a point of a sweep over sweep.h_over_r_star):
		// its numbers as metrics of res/summary.json
		a := ag[0]
		sum["drive"] = map[string]any{"h_over_r_star": a.x, "m_ols": a.m, "m_ols_sd": a.mSD, "m_theory": 1 - a.x,
			"m_mr": a.mr, "tau_steps": a.tau, "tau_mr_steps": a.tauMR, "rate": a.rate, "realisations": c.Sweep.Seeds}
	}
	return sum, nil
}

// meanSD is the mean and sample SD (NaN, NaN for no values; SD 0 for one).
func meanSD(x []float64) (float64, float64) {
	switch len(x) {
	case 0:
		return math.NaN(), math.NaN()
	case 1:
		return x[0], 0
	}
	return stat.MeanStdDev(x, nil)
}
