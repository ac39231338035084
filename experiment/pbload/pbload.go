// Package pbload is the overlap-versus-load experiment of Pereira & Brunel
// (2018, Fig 6C; shared/specs/pereira-brunel.md §1.9b, R9): for each load
// α = p/K and several realisations (fresh patterns and mask each), start the
// network from a strongly cued state r(0) = φ(gain·ξ^1) with no external
// input and measure the overlap m_1 — instantaneously at measure_ms (the
// paper's points use t = 250 ms) and time-averaged from average_from_ms to
// the end — together with ⟨r²⟩ and the temporal SD of m_1. The static
// mean-field overlap curve (K → ∞, and optionally with the finite-K
// correction) is drawn on the same axes.
//
// Registered as experiment "pb-load"; examples/pb-load-r9.toml is the
// paper's setting (N = 50 000, c = 0.005, A = 3 × median) and
// examples/pb-overlay.toml the smaller N = 20 000, K = 250 overlay.
//
// One load (load.alphas = 0.2) is a single-point run whose summary also
// holds load.{alpha, p, m_at_measure(_sd), m_time_avg(_sd), r2_avg_hz2,
// realisations, m_theory} as metrics: the points of
// examples/pb-load.sweep.toml, which equal the built-in sweep's because
// every realisation's network is keyed by its load's value and index
// (LoadKey), not by the load's position in the list.
package pbload

import (
	"context"
	"embed"
	"fmt"
	"math"
	"reflect"
	"sort"
	"time"

	"github.com/engramsim/engram/analysis/recall"
	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/memlimit"
	"github.com/engramsim/engram/experiment/pbnet"
	"github.com/engramsim/engram/model/rate"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/rng"
	"github.com/engramsim/engram/store"
	"github.com/engramsim/engram/theory/meanfield"
)

// Load is the [load] section.
type Load struct {
	// Alphas are the loads α = p/K to simulate (p = round(α K)), each > 0:
	// a list, or one number for a single-load run (what a sweep file over
	// this key sets at each point, examples/pb-load.sweep.toml).
	Alphas config.Floats `toml:"alphas"`
	// Seeds is the number of realisations per load (fresh patterns and
	// mask each).
	Seeds int `toml:"seeds"`
	// CueGain sets the initial state r(0) = φ(cue_gain · ξ^cue) (paper: 4).
	CueGain float64 `toml:"cue_gain"`
	// CuePattern is the index of the cued pattern.
	CuePattern int `toml:"cue_pattern"`
	// DurationMs is the simulated time per run in ms (paper: 1400).
	DurationMs float64 `toml:"duration_ms" unit:"ms"`
	// MeasureMs is the time of the instantaneous overlap in ms, in
	// (0, duration_ms] (paper: 250).
	MeasureMs float64 `toml:"measure_ms" unit:"ms"`
	// AverageFromMs is the start of the time average of m and ⟨r²⟩ in ms,
	// in [0, duration_ms) (paper: 250).
	AverageFromMs float64 `toml:"average_from_ms" unit:"ms"`
	// Theory overlays the static mean-field overlap curve.
	Theory bool `toml:"theory"`
	// TheoryFiniteK also overlays the mean-field curve with the O(1/K)
	// own-pattern variance.
	TheoryFiniteK bool `toml:"theory_finite_k"`
	// RunawayHz stops the run with an error when any |rate| exceeds it.
	RunawayHz float64 `toml:"runaway_hz" unit:"Hz"`
	// PointsFile re-analyses an earlier run: its res/points.tsv is read
	// instead of simulating (empty: simulate).
	PointsFile string `toml:"points_file"`
}

// Config is the pb-load configuration; network.p is ignored (set per load).
type Config struct {
	pbnet.Sections
	// Load: loads, realisations and timing.
	Load Load `toml:"load"`
}

// docFiles is the source of the config structs: their field comments are
// the docs `engram describe` prints (config.DocSource).
//
//go:embed pbload.go
var docFiles embed.FS

// DocSources implements config.Documented: the [load] section and pbnet's.
func (c *Config) DocSources() []config.DocSource {
	return append(c.Sections.DocSources(), config.DocSource{Pkg: reflect.TypeFor[Config]().PkgPath(), Files: docFiles})
}

// Defaults is the issue-3 overlay: A = 3 × median, N = 20 000, K = 250,
// α = 0.04 … 0.8, 3 realisations.
func Defaults() *Config {
	c := &Config{Sections: pbnet.DefaultSections(20000, 0.0125, 0)}
	c.Rule.A = 3 * ratefn.MedianA
	var al []float64
	for p := 10; p <= 200; p += 10 {
		al = append(al, float64(p)/250)
	}
	c.Load = Load{Alphas: al, Seeds: 3, CueGain: 4, DurationMs: 1400, MeasureMs: 250, AverageFromMs: 250, Theory: true, TheoryFiniteK: true, RunawayHz: 1e4}
	return c
}

// Validate checks every key.
func (c *Config) Validate() error {
	if err := c.Sections.Validate(); err != nil {
		return err
	}
	l := c.Load
	dt := c.Dynamics.DtMs
	steps, err := config.Steps("load.duration_ms", l.DurationMs, dt, 1, config.MaxSteps)
	if err != nil {
		return err
	}
	// the instantaneous overlap is taken after step round(measure_ms/dt) ≥ 1
	if _, err := config.Steps("load.measure_ms", l.MeasureMs, dt, 1, config.MaxSteps); err != nil {
		return err
	}
	if _, err := config.Steps("load.average_from_ms", l.AverageFromMs, dt, 0, config.MaxSteps); err != nil {
		return err
	}
	if len(l.Alphas) == 0 {
		return fmt.Errorf("load.alphas is empty")
	}
	for _, a := range l.Alphas {
		if !(a > 0) || math.IsInf(a, 0) {
			return fmt.Errorf("load.alphas: %v must be > 0", a)
		}
		if p := math.Round(a * c.K()); p > math.MaxInt32 {
			return fmt.Errorf("load.alphas: alpha = %v gives p = %.3g patterns, more than %d", a, p, math.MaxInt32)
		}
		if p := int(math.Round(a * c.K())); p <= l.CuePattern {
			return fmt.Errorf("load.alphas: alpha = %v gives p = %d patterns, not enough for cue_pattern %d", a, p, l.CuePattern)
		}
	}
	if l.Seeds < 1 {
		return fmt.Errorf("load.seeds = %d must be ≥ 1", l.Seeds)
	}
	if err := config.TotalSteps(fmt.Sprintf("load.seeds = %d: %d load(s) × %d realisation(s) × %d steps", l.Seeds, len(l.Alphas), l.Seeds, steps),
		float64(len(l.Alphas))*float64(l.Seeds)*float64(steps)); err != nil {
		return err
	}
	switch {
	case math.IsNaN(l.CueGain) || math.IsInf(l.CueGain, 0):
		return fmt.Errorf("load.cue_gain = %v is not finite", l.CueGain)
	case l.CuePattern < 0:
		return fmt.Errorf("load.cue_pattern = %d must be ≥ 0", l.CuePattern)
	case !(l.MeasureMs >= 0 && l.MeasureMs <= l.DurationMs):
		return fmt.Errorf("load.measure_ms = %v outside (0, duration_ms]", l.MeasureMs)
	case !(l.AverageFromMs >= 0 && l.AverageFromMs < l.DurationMs):
		return fmt.Errorf("load.average_from_ms = %v outside [0, duration_ms)", l.AverageFromMs)
	case !(l.RunawayHz > 0):
		return fmt.Errorf("load.runaway_hz = %v must be > 0", l.RunawayHz)
	}
	return nil
}

// EstimateBytes bounds the run's peak resident memory (memlimit.Apply makes
// the Go runtime keep it): the largest network built (rate.BuildBytes at
// the largest load) with its Sim and Welford accumulators (2 float64 per
// neuron), or the figures, whichever is larger, plus the points and
// memlimit.RuntimeBytes. Networks are built one at a time; the previous one
// is garbage by then, which the memory limit makes the collector reclaim.
func (c *Config) EstimateBytes() int64 {
	maxA := 0.0
	for _, a := range c.Load.Alphas {
		maxA = math.Max(maxA, a)
	}
	s := c.Sections
	s.Network.P = int(math.Round(maxA * c.K())) // ≤ MaxInt32 (Validate)
	dyn, err := c.DynamicsFn()
	if err != nil {
		dyn = rate.DefaultDynamics()
	}
	n := float64(c.Network.N)
	sim := float64(s.EstimateBytes()) + float64(rate.SimBytes(c.Network.N, dyn, false)) + 16*n
	points := float64(len(c.Load.Alphas)) * float64(c.Load.Seeds) * 256
	// in float64 and saturated: no size can wrap the estimate around
	return experiment.SaturateBytes(max(sim, figureBytes) + points + memlimit.RuntimeBytes)
}

// figureBytes bounds drawing the figures and rendering the report: two
// 800 × 500 RGBA canvases drawn concurrently with their encoders and SVG
// buffers, the report's base64 copies of the PNGs, the theory curves.
const figureBytes = 16 << 20

// Def returns the experiment definition "pb-load".
func Def() experiment.Def {
	return experiment.Typed("pb-load",
		"overlap vs memory load from a cued start, simulation with the mean-field curve (Pereira & Brunel Fig 6C)",
		Defaults, Run, (*Config).EstimateBytes)
}

// Point is one simulated (α, realisation).
type Point struct {
	Alpha                   float64
	P, Seed                 int
	MAtMeasure, MAvg, MSD   float64
	MEnd, R2Avg, MeanRateHz float64
	TemporalSDHz            float64
	BuildS, SimS            float64
}

// LoadKey is the stream key of realisation s at load α: keyed by the
// load's value, not its position in the list, so that a single-load run
// reproduces that load's networks in any list (a sweep file over
// load.alphas gives the built-in sweep's numbers).
func LoadKey(alpha float64, s int) uint64 {
	return rng.NameKey(fmt.Sprintf("pb-load alpha=%v realisation %d", alpha, s))
}

// Simulate runs every (α, realisation).
func Simulate(ctx context.Context, c *Config, seed uint64, workers int, prog progress.Reporter) ([]Point, error) {
	l := c.Load
	steps := int(math.Round(l.DurationMs / c.Dynamics.DtMs))
	measure := int(math.Round(l.MeasureMs / c.Dynamics.DtMs))
	avgFrom := int(math.Round(l.AverageFromMs / c.Dynamics.DtMs))
	total := int64(len(l.Alphas)*l.Seeds) * int64(steps)
	var done int64
	var pts []Point
	for _, alpha := range l.Alphas {
		for si := 0; si < l.Seeds; si++ {
			s := c.Sections
			s.Network.P = int(math.Round(alpha * c.K()))
			net, err := s.Build(seed, LoadKey(alpha, si), workers)
			if err != nil {
				return nil, err
			}
			pt, err := runOne(ctx, c, net, steps, measure, avgFrom, workers, func(n int) {
				done += int64(n)
				progress.Report(prog, done, total)
			})
			if err != nil {
				return nil, fmt.Errorf("alpha = %g, realisation %d: %w", alpha, si, err)
			}
			pt.Alpha, pt.P, pt.Seed, pt.BuildS = alpha, s.Network.P, si, net.BuildS
			pts = append(pts, pt)
		}
	}
	return pts, nil
}

func runOne(ctx context.Context, c *Config, net *pbnet.Net, steps, measure, avgFrom, workers int, tick func(int)) (Point, error) {
	t0 := time.Now()
	s, err := rate.NewSim(net.Model, net.Dyn, rate.SimOptions{Workers: workers})
	if err != nil {
		return Point{}, err
	}
	defer s.Close()
	mu := c.Load.CuePattern
	for i, x := range net.Patterns.Row(mu) {
		s.R[i] = float32(net.Model.TF.Rate(c.Load.CueGain * float64(x)))
	}
	ov := recall.NewOverlaps(net.Patterns.P)
	wel := recall.NewWelford(net.Model.N)
	var pt Point
	var sm, sm2, sr2 float64
	var cnt int
	// overlaps of the cued pattern only: cheap dot product per step
	g := net.Factors.GPat[mu*net.Model.N : (mu+1)*net.Model.N]
	one := recall.NewOverlaps(1)
	for k := 1; k <= steps; k++ {
		s.Step()
		if k == measure || k >= avgFrom {
			one.Compute(s.R, g, net.Stats.EG2, 1)
			if k == measure {
				pt.MAtMeasure = one.M[0]
			}
			if k >= avgFrom {
				sm += one.M[0]
				sm2 += one.M[0] * one.M[0]
				sr2 += one.R2
				cnt++
				if 2*k >= steps+avgFrom {
					wel.Add(s.R)
				}
			}
		}
		if k%100 == 0 {
			if err := ctx.Err(); err != nil {
				return pt, err
			}
			if err := pbnet.CheckState(s.R, c.Load.RunawayHz, s.TimeMs()); err != nil {
				return pt, err
			}
			tick(100)
		}
	}
	tick(steps % 100)
	if measure == 0 {
		one.Compute(s.R, g, net.Stats.EG2, 1)
		pt.MAtMeasure = one.M[0]
	}
	ov.Compute(s.R, net.Factors.GPat, net.Stats.EG2, workers)
	pt.MEnd = ov.M[mu]
	pt.MeanRateHz = ov.MeanRate
	if cnt > 0 {
		pt.MAvg = sm / float64(cnt)
		pt.MSD = math.Sqrt(math.Max(0, sm2/float64(cnt)-pt.MAvg*pt.MAvg))
		pt.R2Avg = sr2 / float64(cnt)
	}
	pt.TemporalSDHz = wel.MeanTemporalSD()
	pt.SimS = time.Since(t0).Seconds()
	return pt, nil
}

// Run simulates, writes res/points.tsv, res/summary.tsv, the overlay figure
// and the report section.
func Run(ctx context.Context, c *Config, env *experiment.Env) (experiment.Summary, error) {
	defer memlimit.Apply(c.EstimateBytes())()
	var pts []Point
	var err error
	if c.Load.PointsFile != "" {
		pts, err = ReadPoints(c.Load.PointsFile)
	} else {
		pts, err = Simulate(ctx, c, env.Seed, env.Workers, env.Progress)
	}
	if err != nil {
		return nil, err
	}
	tw, err := store.NewTSVWriter(env.Path("res", "points.tsv"), []string{"alpha", "p", "realisation", "m_at_measure", "m_time_avg", "m_temporal_sd", "m_end", "r2_avg_hz2", "mean_rate_end_hz", "rate_temporal_sd_hz", "build_s", "sim_s"})
	if err != nil {
		return nil, err
	}
	for _, p := range pts {
		if err := tw.Row(p.Alpha, p.P, p.Seed, p.MAtMeasure, p.MAvg, p.MSD, p.MEnd, p.R2Avg, p.MeanRateHz, p.TemporalSDHz, p.BuildS, p.SimS); err != nil {
			tw.Abort()
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	agg := Aggregate(pts)
	cols := make([][]float64, 7)
	for _, a := range agg {
		for i, v := range []float64{a.Alpha, a.MMeasure, a.MMeasureSD, a.MAvg, a.MAvgSD, a.R2, float64(a.N)} {
			cols[i] = append(cols[i], v)
		}
	}
	if err := store.WriteTSV(env.Path("res", "summary.tsv"), []string{"alpha", "m_at_measure_mean", "m_at_measure_sd", "m_time_avg_mean", "m_time_avg_sd", "r2_avg_hz2", "realisations"}, cols...); err != nil {
		return nil, err
	}
	series := []plot.Series{
		{Name: fmt.Sprintf("simulation, m at %g ms (mean ± SD)", c.Load.MeasureMs), X: cols[0], Y: cols[1], YErr: cols[2], Points: true, Color: 0},
		{Name: fmt.Sprintf("simulation, m averaged from %g ms", c.Load.AverageFromMs), X: cols[0], Y: cols[3], YErr: cols[4], Points: true, Color: 1},
	}
	sum := experiment.Summary{"n": c.Network.N, "k": c.K(), "A": c.Rule.A, "seeds": c.Load.Seeds}
	var table [][]string
	for _, a := range agg {
		table = append(table, []string{fmt.Sprintf("%.3f", a.Alpha), fmt.Sprintf("%.3f ± %.3f", a.MMeasure, a.MMeasureSD), fmt.Sprintf("%.3f ± %.3f", a.MAvg, a.MAvgSD), fmt.Sprintf("%.0f", a.R2), fmt.Sprint(a.N)})
	}
	if c.Load.Theory {
		tf, _ := c.TransferFn()
		rule := c.RuleFn()
		maxA := cols[0][len(cols[0])-1]
		var al []float64
		for x := 0.005; x <= maxA+1e-9; x += 0.005 {
			al = append(al, x)
		}
		curve, err := meanfield.OverlapCurve(tf, rule, al, &meanfield.Options{Workers: env.Workers})
		if err != nil {
			env.Logf("warning: mean-field curve: %v", err)
			sum["theory_warning"] = fmt.Sprintf("mean-field curve: %v", err)
		}
		series = append(series, curveSeries(curve, "mean-field theory (K → ∞)", false, 2))
		if c.Load.TheoryFiniteK {
			// The finite-K correction only lowers m, so the finite-K branch
			// ends before the K → ∞ one: solve only where that one exists
			// (OverlapCurve traces the finite-K curve once, see
			// meanfield/finitek.go).
			var fal []float64
			for _, r := range curve {
				if r.Retrieval.Exists {
					fal = append(fal, r.Alpha)
				}
			}
			fk, err := meanfield.OverlapCurve(tf, rule, fal, &meanfield.Options{Workers: env.Workers, FiniteK: int(math.Round(c.K())), C: c.Network.C})
			if err != nil {
				// Never lose a simulation to a theory curve: keep the
				// converged points, say which were dropped. OverlapCurve
				// returns every point (a failed trace: all with
				// Converged = false) except on invalid input (none).
				var ok []meanfield.Result
				for _, r := range fk {
					if r.Converged {
						ok = append(ok, r)
					}
				}
				var msg string
				if len(fk) == 0 {
					msg = fmt.Sprintf("finite-K mean-field curve failed, not drawn (%v)", err)
				} else {
					msg = fmt.Sprintf("finite-K mean-field curve: %d of %d points did not converge and are not drawn (%v)", len(fal)-len(ok), len(fal), err)
				}
				env.Logf("warning: %s", msg)
				if prev, ok := sum["theory_warning"].(string); ok {
					msg = prev + "; " + msg // keep the K → ∞ curve's warning
				}
				sum["theory_warning"] = msg
				fk = ok
			}
			if len(fk) > 0 {
				series = append(series, curveSeries(fk, fmt.Sprintf("mean-field theory, finite K = %.0f", c.K()), true, 3))
			}
		}
		if _, err := WriteMFTCurve(env, curve, "mft_overlap_curve"); err != nil {
			return nil, err
		}
	}
	base := env.Path("figs", "overlap_vs_load")
	if _, err := plot.Lines(base, plot.LineSpec{Title: fmt.Sprintf("Overlap vs load (N = %d, K = %.0f, A = %.4g)", c.Network.N, c.K(), c.Rule.A),
		XLabel: "load α = p/K", YLabel: "overlap m_1", Series: series, Legend: true}); err != nil {
		return nil, err
	}
	r := env.Report
	r.Section("Overlap vs memory load")
	r.Paragraph(fmt.Sprintf("Cued start r(0) = φ(%g ξ^1), no input, %g ms per run, %d realisation(s) per load with fresh patterns and mask. The instantaneous overlap at %g ms (the quantity of the paper's Fig 6C points) and the time average from %g ms are shown with the static mean-field curve.",
		c.Load.CueGain, c.Load.DurationMs, c.Load.Seeds, c.Load.MeasureMs, c.Load.AverageFromMs))
	r.Table("", []string{"α", fmt.Sprintf("m at %g ms", c.Load.MeasureMs), "m time-averaged", "⟨r²⟩ (Hz²)", "runs"}, table)
	_ = r.Figure(base+".png", "Simulated overlaps (points, mean ± SD over realisations) and the mean-field overlap curve.")
	sum["alphas"] = cols[0]
	sum["m_at_measure"] = cols[1]
	sum["m_time_avg"] = cols[3]
	if len(agg) == 1 {
		// a single-load run (a point of a sweep over load.alphas): its
		// numbers as metrics of res/summary.json, with the mean-field
		// overlap at this load (0 beyond the retrieval branch)
		a := agg[0]
		one := map[string]any{"alpha": a.Alpha, "p": pts[0].P, "m_at_measure": a.MMeasure, "m_at_measure_sd": a.MMeasureSD,
			"m_time_avg": a.MAvg, "m_time_avg_sd": a.MAvgSD, "r2_avg_hz2": a.R2, "realisations": a.N}
		if c.Load.Theory {
			tf, _ := c.TransferFn()
			one["m_theory"] = nil // missing when the solve fails
			if res, err := meanfield.Solve(tf, c.RuleFn(), a.Alpha, &meanfield.Options{Workers: env.Workers}); err == nil {
				m := 0.0
				if res.Retrieval.Exists {
					m = res.Retrieval.M
				}
				one["m_theory"] = m
			}
		}
		sum["load"] = one
	}
	return sum, nil
}

func curveSeries(res []meanfield.Result, name string, dashed bool, color int) plot.Series {
	s := plot.Series{Name: name, Dashed: dashed, Color: color}
	for _, r := range res {
		s.X = append(s.X, r.Alpha)
		m := 0.0
		if r.Retrieval.Exists {
			m = r.Retrieval.M
		}
		s.Y = append(s.Y, m)
	}
	return s
}

// WriteMFTCurve writes the overlap curve res/<name>.tsv and its figure.
func WriteMFTCurve(env *experiment.Env, res []meanfield.Result, name string) (experiment.Summary, error) {
	cols := make([][]float64, 8)
	for _, r := range res {
		m := 0.0
		if r.Retrieval.Exists {
			m = r.Retrieval.M
		}
		for i, v := range []float64{r.Alpha, m, r.Retrieval.Q, r.Retrieval.Delta, r.Retrieval.MeanRateHz, r.Retrieval.R2, r.Retrieval.Lambda, r.Background.Lambda} {
			cols[i] = append(cols[i], v)
		}
	}
	if err := store.WriteTSV(env.Path("res", name+".tsv"), []string{"alpha", "m", "q_hz", "delta", "mean_rate_hz", "r2_hz2", "lambda_retrieval", "lambda_background"}, cols...); err != nil {
		return nil, err
	}
	base := env.Path("figs", name)
	if _, err := plot.Lines(base, plot.LineSpec{Title: "Mean-field overlap and stability", XLabel: "load α", YLabel: "m, λ", Legend: true, Series: []plot.Series{
		{Name: "retrieval overlap m", X: cols[0], Y: cols[1], Color: 0},
		{Name: "λ retrieval (chaos above 1)", X: cols[0], Y: cols[6], Dashed: true, Color: 1},
		{Name: "λ background", X: cols[0], Y: cols[7], Dashed: true, Color: 2}}}); err != nil {
		return nil, err
	}
	if env.Report != nil {
		env.Report.Section("Mean-field overlap curve")
		_ = env.Report.Figure(base+".png", "Static mean-field overlap m(α) of the retrieval branch and the stability parameter λ = αγ⟨φ′²⟩ of the retrieval and background states (λ > 1: the fixed point is unstable, chaotic dynamics).")
		end := 0.0
		for _, r := range res {
			if r.Retrieval.Exists {
				end = r.Alpha
			}
		}
		env.Report.KeyValues("", []report.KV{{Key: "largest α with a retrieval state", Value: fmt.Sprintf("%.4g", end)}})
	}
	return experiment.Summary{"points": len(res)}, nil
}

// ReadPoints reads the res/points.tsv of an earlier pb-load run.
func ReadPoints(path string) ([]Point, error) {
	hdr, cols, err := store.ReadTSV(path)
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	for i, h := range hdr {
		idx[h] = i
	}
	need := []string{"alpha", "p", "realisation", "m_at_measure", "m_time_avg", "m_temporal_sd", "m_end", "r2_avg_hz2", "mean_rate_end_hz", "rate_temporal_sd_hz"}
	for _, k := range need {
		if _, ok := idx[k]; !ok {
			return nil, fmt.Errorf("%s: missing column %q (is it a pb-load res/points.tsv?)", path, k)
		}
	}
	get := func(k string, i int) float64 { return cols[idx[k]][i] }
	var pts []Point
	for i := range cols[0] {
		pts = append(pts, Point{Alpha: get("alpha", i), P: int(get("p", i)), Seed: int(get("realisation", i)), MAtMeasure: get("m_at_measure", i),
			MAvg: get("m_time_avg", i), MSD: get("m_temporal_sd", i), MEnd: get("m_end", i), R2Avg: get("r2_avg_hz2", i),
			MeanRateHz: get("mean_rate_end_hz", i), TemporalSDHz: get("rate_temporal_sd_hz", i)})
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("%s: no points", path)
	}
	return pts, nil
}

// Agg is the per-load aggregate.
type Agg struct {
	Alpha                float64
	MMeasure, MMeasureSD float64
	MAvg, MAvgSD         float64
	R2                   float64
	N                    int
}

// Aggregate averages points per α (SD with ddof = 0 over realisations).
func Aggregate(pts []Point) []Agg {
	by := map[float64][]Point{}
	for _, p := range pts {
		by[p.Alpha] = append(by[p.Alpha], p)
	}
	var out []Agg
	for a, ps := range by {
		g := Agg{Alpha: a, N: len(ps)}
		var s1, s2, t1, t2, r2 float64
		for _, p := range ps {
			s1 += p.MAtMeasure
			s2 += p.MAtMeasure * p.MAtMeasure
			t1 += p.MAvg
			t2 += p.MAvg * p.MAvg
			r2 += p.R2Avg
		}
		n := float64(len(ps))
		g.MMeasure, g.MAvg, g.R2 = s1/n, t1/n, r2/n
		g.MMeasureSD = math.Sqrt(math.Max(0, s2/n-g.MMeasure*g.MMeasure))
		g.MAvgSD = math.Sqrt(math.Max(0, t2/n-g.MAvg*g.MAvg))
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Alpha < out[j].Alpha })
	return out
}
