package spiking

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/model/spike/monitor"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/store"
	"github.com/engramsim/engram/theory/siegert"
)

// Def returns the "spiking" experiment definition.
func Def() experiment.Def {
	return experiment.Typed("spiking",
		"spiking E/I networks (LIF/ALIF/AdEx; delta, exponential and conductance synapses): rates, CV of ISI, Fano factor, raster",
		Defaults, RunExperiment, (*Config).EstimateBytes)
}

// popStats accumulates per-neuron spike statistics online over the
// measured period, so that statistics need no stored spike list.
type popStats struct {
	count, last     []int64
	nISI            []int32
	sumISI, sumISI2 []float64
	win             []int32
	sumWin, sumWin2 []float64
	nWin            int
}

func newPopStats(n int) *popStats {
	s := &popStats{count: make([]int64, n), last: make([]int64, n), nISI: make([]int32, n), sumISI: make([]float64, n),
		sumISI2: make([]float64, n), win: make([]int32, n), sumWin: make([]float64, n), sumWin2: make([]float64, n)}
	return s
}

func (s *popStats) add(step int64, ids []int32) {
	for _, i := range ids {
		if s.count[i] > 0 {
			d := float64(step - s.last[i])
			s.sumISI[i] += d
			s.sumISI2[i] += d * d
			s.nISI[i]++
		}
		s.count[i]++
		s.last[i] = step
		s.win[i]++
	}
}

func (s *popStats) closeWindow() {
	for i, c := range s.win {
		f := float64(c)
		s.sumWin[i] += f
		s.sumWin2[i] += f * f
		s.win[i] = 0
	}
	s.nWin++
}

// cvs returns per-neuron CVs of ISI (NaN with fewer than 2 ISIs).
func (s *popStats) cvs() []float64 {
	out := make([]float64, len(s.count))
	for i := range out {
		m := float64(s.nISI[i])
		if m < 2 {
			out[i] = math.NaN()
			continue
		}
		mean := s.sumISI[i] / m
		v := (s.sumISI2[i] - m*mean*mean) / (m - 1)
		out[i] = math.Sqrt(math.Max(v, 0)) / mean
	}
	return out
}

// fano is the mean over neurons with non-zero mean count of Var/Mean of
// their window counts (NaN with < 2 windows).
func (s *popStats) fano() float64 {
	if s.nWin < 2 {
		return math.NaN()
	}
	W := float64(s.nWin)
	var sum float64
	var used int
	for i := range s.sumWin {
		m := s.sumWin[i] / W
		if m == 0 {
			continue
		}
		v := (s.sumWin2[i] - W*m*m) / (W - 1)
		sum += v / m
		used++
	}
	if used == 0 {
		return math.NaN()
	}
	return sum / float64(used)
}

// statsMon accumulates per-neuron spike statistics after the transient
// (a monitor without files).
type statsMon struct {
	net       *spike.Net
	from, to  int64 // steps [from, to) (to 0: no end)
	fanoSteps int64
	stats     []*popStats
}

func (m *statsMon) Name() string   { return "statistics" }
func (m *statsMon) Detail() string { return "per-neuron counts, ISI moments, Fano windows" }
func (m *statsMon) Close() error   { return nil }
func (m *statsMon) Abort()         {}
func (m *statsMon) Record(step int64) error {
	if step < m.from || m.to > 0 && step >= m.to {
		return nil
	}
	rel := step - m.from
	for k, s := range m.stats {
		s.add(rel, m.net.Spiked(k))
	}
	if (rel+1)%m.fanoSteps == 0 {
		for _, s := range m.stats {
			s.closeWindow()
		}
	}
	return nil
}

// RunExperiment builds the network of c, attaches the monitors of
// c.recordPlan, runs the transient and the measured period, writes the
// recordings, tables, figures and a report section, and returns the
// summary {populations.<name>.{rate_hz, cv_isi, fano, ...}, weights, wall_s,
// steps, ...} (the run life cycle, package runner, writes it to
// res/summary.json).
func RunExperiment(ctx context.Context, c *Config, env *experiment.Env) (experiment.Summary, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := env.CheckMemory(c.EstimateBytes(), "spiking network and recordings"); err != nil {
		return nil, err
	}
	t0 := time.Now()
	s, err := c.specWithFiles()
	if err != nil {
		return nil, err
	}
	net, err := spike.Build(&s, &spike.Options{Workers: env.Workers, Checks: c.checks()})
	if err != nil {
		return nil, err
	}
	defer net.Close()
	if c.Run.ResumeFrom != "" {
		f, err := os.Open(c.Run.ResumeFrom)
		if err != nil {
			return nil, fmt.Errorf("run.resume_from: %w", err)
		}
		err = net.Restore(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("run.resume_from = %q: %w", c.Run.ResumeFrom, err)
		}
	}
	buildS := time.Since(t0).Seconds()
	pops := net.Populations()
	dt := c.Network.DtMs
	transient, steps := c.steps()
	start := net.Steps()
	total := transient + steps + c.taskSteps()
	env.Logf("spiking: %d neurons, %d synapses built in %.2f s; %d steps", pops[len(pops)-1].Offset+pops[len(pops)-1].N, net.SynapseCount(), buildS, total)

	// Monitors, in the order of recordPlan.
	recDir := filepath.Join(env.Dir, "rec")
	if err := os.MkdirAll(recDir, 0o755); err != nil {
		return nil, err
	}
	var mons []monitor.Monitor
	fail := func(err error) (experiment.Summary, error) {
		_ = monitor.CloseAll(err, mons...)
		return nil, err
	}
	stats := &statsMon{net: net, from: start + transient, to: start + transient + steps, fanoSteps: max(int64(c.Record.FanoWindowMs/dt+0.5), 1)}
	for _, p := range pops {
		stats.stats = append(stats.stats, newPopStats(p.N))
	}
	mons = append(mons, stats)
	var spikes *monitor.Spikes
	if c.Record.Spikes == "all" {
		var sel []monitor.Selection
		if c.Record.SpikeNeurons > 0 {
			for _, p := range pops {
				sel = append(sel, monitor.Selection{Pop: p.Name, First: c.Record.SpikeNeurons})
			}
		}
		if spikes, err = monitor.NewSpikes(net, monitor.SpikesOptions{Label: "spikes → rec/spikes.npy", Path: env.Path("rec", "spikes.npy"), Neurons: sel,
			FromStep: start + transient, ToStep: start + transient + steps, T0Step: start + transient, Keep: c.Record.RasterMaxSpikes}); err != nil {
			return fail(err)
		}
		mons = append(mons, spikes)
	}
	if len(c.Record.StateVars) > 0 && c.Record.StateNeurons > 0 {
		var sel []monitor.Selection
		for _, p := range pops {
			if !p.Model.IsSource() {
				sel = append(sel, monitor.Selection{Pop: p.Name, First: c.Record.StateNeurons})
			}
		}
		from := start + transient + int64(c.Record.StateFromMs/dt+0.5)
		var to int64
		if c.Record.StateToMs > 0 {
			to = start + transient + int64(c.Record.StateToMs/dt+0.5)
		}
		st, err := monitor.NewState(net, monitor.StateOptions{Label: "state variables → rec/", Dir: recDir, Vars: c.Record.StateVars,
			Neurons: sel, EverySteps: int64(c.Record.StateEverySteps), FromStep: from, ToStep: to, T0Step: start + transient})
		if err != nil {
			return fail(err)
		}
		mons = append(mons, st)
	}
	binSteps := max(int64(c.Record.RateBinMs/dt+0.5), 1)
	rates, err := monitor.NewRates(net, monitor.RatesOptions{Label: "rates → rec/rates_hz.npy", Path: env.Path("rec", "rates_hz.npy"), Groups: c.Record.GroupRates,
		BinSteps: binSteps, FromStep: start + transient, Steps: steps})
	if err != nil {
		return fail(err)
	}
	mons = append(mons, rates)
	var weights *monitor.Weights
	if ps := c.weightProjections(); len(ps) > 0 {
		snaps, wst := c.weightSteps()
		for i := range snaps {
			snaps[i] += start
		}
		for i := range wst {
			wst[i] += start
		}
		if weights, err = monitor.NewWeights(net, monitor.WeightsOptions{Dir: recDir,
			StatsPath: env.Path("res", "weight_stats.tsv"), HistPath: env.Path("res", "weight_hist.tsv"), Projections: ps,
			SnapshotSteps: snaps, StatsSteps: wst, Initial: true, Groups: c.Record.WeightGroups, HistBins: c.Record.WeightHistBins}); err != nil {
			return fail(err)
		}
		mons = append(mons, weights)
	}
	var task *taskMon
	if c.Task.Slots > 0 {
		k := slices.IndexFunc(pops, func(p spike.PopInfo) bool { return p.Name == c.Task.Population })
		task = &taskMon{net: net, pop: k, n: pops[k].N, from: start + c.taskStartStep(), slot: c.taskSlotSteps(), slots: c.Task.Slots,
			counts: make([]float32, c.Task.Slots*pops[k].N)}
		mons = append(mons, task)
	}
	monitor.Attach(net, mons...)
	initW := map[string][2]float64{}
	for _, p := range c.weightProjections() {
		initW[p] = weightMeanSD(net.Projection(p))
	}
	if err := os.WriteFile(env.Path("res", "schedule.txt"), []byte(net.ScheduleText()), 0o644); err != nil {
		return fail(err)
	}

	tSim := time.Now()
	for st := int64(0); st < total; st++ {
		if st%1000 == 0 {
			if err := ctx.Err(); err != nil {
				// stopped (SIGTERM at a job's time limit, Ctrl-C): save the
				// network state so that the run can be continued
				_ = monitor.CloseAll(err, mons...)
				if cerr := net.SaveFile(env.Path("rec", "checkpoint.gob")); cerr != nil {
					return nil, fmt.Errorf("%w (and the checkpoint could not be written: %v)", err, cerr)
				}
				return nil, &experiment.Interrupted{Cause: err, AtMs: float64(net.Steps()) * dt, TotalMs: float64(start+total) * dt,
					State: filepath.Join("rec", "checkpoint.gob"), Resume: "run.resume_from=%s"}
			}
			progress.Report(env.Progress, st, total)
		}
		if err := net.Step(); err != nil {
			return fail(err)
		}
	}
	simS := time.Since(tSim).Seconds()
	progress.Report(env.Progress, total, total)

	// Statistics and figures come from memory (the monitors keep what the
	// figures plot), so the figures are drawn while the recordings are
	// closed — flushed and synced, mostly waiting for the disk — and the
	// activity statistics computed from rec/rates_hz.npy.
	durMs := float64(steps) * dt
	popSum := map[string]any{}
	var rows [][]string
	var rateHist, cvHist []plot.HistSeries
	for k, p := range pops {
		sc := stats.stats[k]
		var cnt int64
		perRate := make([]float64, p.N)
		for i, x := range sc.count {
			cnt += x
			perRate[i] = float64(x) / (durMs / 1000)
		}
		cvs := sc.cvs()
		ps := map[string]any{
			"n": p.N, "spikes": cnt,
			"rate_hz":     jsonNum(spike.RateHz(cnt, p.N, durMs)),
			"cv_isi":      jsonNum(spike.MeanFinite(cvs)),
			"fano":        jsonNum(sc.fano()),
			"pop_rate_cv": jsonNum(rates.CV(k)),
		}
		sieg := "—"
		if nu, cv, ok := siegertPrediction(c, k); ok {
			ps["siegert_rate_hz"] = nu
			ps["siegert_cv_isi"] = jsonNum(cv)
			sieg = fmt.Sprintf("%.4g (CV %.3g)", nu, cv)
		}
		popSum[p.Name] = ps
		rows = append(rows, []string{p.Name, fmt.Sprint(p.N), fmt.Sprintf("%.4g", ps["rate_hz"]), fmt.Sprintf("%.3g", ps["cv_isi"]),
			fmt.Sprintf("%.3g", ps["fano"]), sieg})
		rateHist = append(rateHist, plot.HistSeries{Name: p.Name, Values: perRate})
		cvHist = append(cvHist, plot.HistSeries{Name: p.Name, Values: cvs})
	}
	var rTimes []float64
	var rIDs []int32
	if spikes != nil {
		rTimes, rIDs = spikes.Kept()
	}
	xs, ys := rates.Plot()
	var rateSeries []plot.Series
	for k, name := range rates.Columns() {
		rateSeries = append(rateSeries, plot.Series{Name: name, X: xs, Y: ys[k], Color: k})
	}
	jobs := figureJobs(env, c, pops, rTimes, rIDs, rateSeries, rates.PlotBinMs(), rateHist, cvHist, durMs)
	if weights != nil {
		jobs = append(jobs, func() ([]figRef, error) { return weightFigures(env, weights, c.weightProjections()) })
	}
	drawn := drawConcurrently(jobs)
	figs, err := drawn.afterward(func() error {
		if err := monitor.CloseAll(nil, mons...); err != nil {
			return err
		}
		if c.Run.Checkpoint {
			if err := net.SaveFile(env.Path("rec", "checkpoint.gob")); err != nil {
				return err
			}
		}
		sizes := make([]int, len(pops))
		for k, p := range pops {
			sizes[k] = p.N
		}
		if err := activityStats(env.Path("rec", "rates_hz.npy"), float64(binSteps)*dt, sizes, popSum, popNames(pops), c.Record.Avalanches); err != nil {
			return err
		}
		return writePopulations(env.Path("rec", "populations.tsv"), pops)
	})
	if err != nil {
		return nil, err
	}
	groupSum := map[string]any{}
	for g, name := range c.Record.GroupRates {
		groupSum[name] = map[string]any{"pop_rate_cv": jsonNum(rates.CV(len(pops) + g))}
	}
	wSum := map[string]any{}
	if weights != nil {
		for _, p := range c.weightProjections() {
			pr := net.Projection(p)
			fin := weightMeanSD(pr)
			wSum[p] = map[string]any{"synapses": pr.NNZ(), "mean_initial": jsonNum(initW[p][0]), "sd_initial": jsonNum(initW[p][1]),
				"mean_final": jsonNum(fin[0]), "sd_final": jsonNum(fin[1])}
		}
	}
	var taskRes *taskResults
	if task != nil {
		if taskRes, err = c.runTaskBattery(task); err != nil {
			return nil, err
		}
		f, err := writeTask(env, c, task, taskRes)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f...)
	}
	wall := time.Since(t0).Seconds()
	if env.Report != nil {
		addReport(env.Report, c, net, pops, rows, figs, buildS, simS, durMs)
		if taskRes != nil {
			addTaskReport(env.Report, c, taskRes)
		}
	}
	sum := experiment.Summary{
		"populations":      popSum,
		"wall_s":           wall,
		"build_s":          buildS,
		"sim_s":            simS,
		"sim_s_per_bio_s":  simS / (float64(total) * dt / 1000),
		"steps":            total,
		"measured_steps":   steps,
		"dt_ms":            dt,
		"synapses":         net.SynapseCount(),
		"recorded_spikes":  c.Record.Spikes,
		"population_names": popNames(pops),
	}
	if len(groupSum) > 0 {
		sum["groups"] = groupSum
	}
	if taskRes != nil {
		sum["task"] = taskRes.summary()
	}
	if len(wSum) > 0 {
		sum["weights"] = wSum
	}
	if nu, mu, sigma, cv, ok := c.brunelMeanField(); ok {
		sum["mean_field"] = map[string]any{"rate_hz": nu, "mu_mv": mu, "sigma_mv": sigma, "cv_isi": jsonNum(cv),
			"g": *c.Brunel.G, "eta": *c.Brunel.Eta}
	}
	return sum, nil
}

// writePopulations writes the populations table: index, name, global id
// offset, size, sign, model.
func writePopulations(path string, pops []spike.PopInfo) error {
	w, err := store.NewTSVWriter(path, []string{"population_index", "name", "offset", "n", "sign", "model"})
	if err != nil {
		return err
	}
	for k, p := range pops {
		sign := "inh"
		if p.Exc {
			sign = "exc"
		}
		if err := w.Row(k, p.Name, p.Offset, p.N, sign, string(p.Model)); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// weightMeanSD returns the mean and SD of a projection's weights.
func weightMeanSD(pr *spike.Projection) [2]float64 {
	var sum, sum2 float64
	for q := int64(0); q < int64(pr.NNZ()); q++ {
		w := float64(pr.Weight(q))
		sum += w
		sum2 += w * w
	}
	n := float64(pr.NNZ())
	m := sum / n
	return [2]float64{m, math.Sqrt(math.Max(0, sum2/n-m*m))}
}

func histMeanSD(h monitor.Hist) (mean, sd float64) {
	var n, s, s2 float64
	for b, c := range h.Count {
		x := (h.Lo[b] + h.Hi[b]) / 2
		f := float64(c)
		n += f
		s += f * x
		s2 += f * x * x
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	mean = s / n
	return mean, math.Sqrt(math.Max(0, s2/n-mean*mean))
}

// weightFigures draws, per monitored projection, the weight distribution
// at every statistics time (one curve per time) and the mean weight over
// time.
func weightFigures(env *experiment.Env, w *monitor.Weights, projs []string) ([]figRef, error) {
	var out []figRef
	for _, p := range projs {
		hs := w.Hists(p)
		if len(hs) == 0 {
			continue
		}
		name := strings.NewReplacer("→", "-", "/", "_", " ", "_").Replace(p)
		var series []plot.Series
		step := max(1, len(hs)/6) // at most ≈ 6 curves
		for k := 0; k < len(hs); k += step {
			series = append(series, histSeries(hs[k], len(series)))
		}
		if (len(hs)-1)%step != 0 {
			series = append(series, histSeries(hs[len(hs)-1], len(series)))
		}
		base := env.Path("figs", "weights_"+name)
		if _, err := plot.Lines(base, plot.LineSpec{Title: "Weight distribution of " + p + " over time", XLabel: "weight", YLabel: "synapses",
			Series: series, Legend: true}); err != nil {
			return nil, err
		}
		out = append(out, figRef{base + ".png", fmt.Sprintf("Distribution of the %s weights at %d times (res/weight_hist.tsv has every time).", p, len(series))})
		var xs, ms []float64
		for _, h := range hs {
			m, _ := histMeanSD(h)
			xs = append(xs, h.TimeMs/1000)
			ms = append(ms, m)
		}
		base = env.Path("figs", "weight_mean_"+name)
		if _, err := plot.Lines(base, plot.LineSpec{Title: "Mean weight of " + p, XLabel: "time (s)", YLabel: "mean weight (binned)",
			Series: []plot.Series{{Name: p, X: xs, Y: ms}}}); err != nil {
			return nil, err
		}
		out = append(out, figRef{base + ".png", fmt.Sprintf("Mean %s weight over time (from the histograms; res/weight_stats.tsv has the exact means).", p)})
	}
	return out, nil
}

func histSeries(h monitor.Hist, color int) plot.Series {
	xs := make([]float64, len(h.Lo))
	ys := make([]float64, len(h.Lo))
	for b := range h.Lo {
		xs[b] = (h.Lo[b] + h.Hi[b]) / 2
		ys[b] = float64(h.Count[b])
	}
	return plot.Series{Name: fmt.Sprintf("t = %.4g s", h.TimeMs/1000), X: xs, Y: ys, Color: color}
}

func popNames(p []spike.PopInfo) []string {
	var s []string
	for _, x := range p {
		s = append(s, x.Name)
	}
	return s
}

// jsonNum maps NaN/Inf (not representable in JSON) to nil.
func jsonNum(x float64) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return x
}

// siegertPrediction returns the Siegert rate and CV of ISI of population k
// when it is an unconnected LIF population with value reset driven only by the white
// noise of [input] (plus a constant bias): the setting of theory/siegert.
//
// For Brunel's model A with the [brunel] knobs set it returns the
// self-consistent mean-field rate (theory/siegert.BrunelRateHz) and the
// diffusion-approximation CV of ISI at that point, the same for both
// populations.
func siegertPrediction(c *Config, k int) (rate, cv float64, ok bool) {
	if nu, _, _, cv, ok := c.brunelMeanField(); ok {
		return nu, cv, true
	}
	p := c.Population[k]
	np := p.Neuron
	if np.Model != spike.LIF || np.Reset != spike.ResetValue || c.Input.SigmaMV <= 0 {
		return 0, 0, false
	}
	for _, pr := range c.Projection {
		if pr.Post == p.Name {
			return 0, 0, false
		}
	}
	for _, in := range c.Input.Poisson {
		if in.Target == p.Name {
			return 0, 0, false
		}
	}
	for _, in := range c.Input.Current {
		if in.Target == p.Name {
			return 0, 0, false
		}
	}
	if len(c.Input.Targets) > 0 {
		found := false
		for _, t := range c.Input.Targets {
			found = found || t == p.Name
		}
		if !found {
			return 0, 0, false
		}
	}
	nRef := math.Round(np.TauRefMs / c.Network.DtMs)
	sp := siegert.Params{TauMMs: np.TauMMs, ThetaMV: np.VThMV - np.ELMV, VResetMV: np.VResetMV - np.ELMV, TauRefMs: nRef * c.Network.DtMs}
	nu, err := siegert.RateHz(sp, c.Input.MuMV+np.IBiasMV, c.Input.SigmaMV)
	if err != nil {
		return 0, 0, false
	}
	cv, err = siegert.CVISI(sp, c.Input.MuMV+np.IBiasMV, c.Input.SigmaMV)
	if err != nil {
		cv = math.NaN()
	}
	return nu, cv, true
}

type figRef struct{ png, caption string }

// figJob draws one figure (or a few) and returns its report entries.
type figJob func() ([]figRef, error)

// drawing is a set of figure jobs running in the background.
type drawing struct {
	wg   sync.WaitGroup
	res  [][]figRef
	errs []error
}

// drawConcurrently starts the figure jobs (each writes its own files; at
// most GOMAXPROCS at a time, in job order). Drawing and encoding PNG/SVG
// dominate the time outside the simulation of short runs.
func drawConcurrently(jobs []figJob) *drawing {
	d := &drawing{res: make([][]figRef, len(jobs)), errs: make([]error, len(jobs))}
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	d.wg.Add(len(jobs))
	go func() {
		for i, j := range jobs {
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; d.wg.Done() }()
				d.res[i], d.errs[i] = j()
			}()
		}
	}()
	return d
}

// afterward runs f while the figures are drawn, waits for them, and
// returns their report entries in job order (so the report does not
// depend on which finished first) and the first error: f's, else the
// first job's in job order. It always waits for every job, so that no
// file is written after it returns.
func (d *drawing) afterward(f func() error) ([]figRef, error) {
	var ferr error
	if f != nil {
		ferr = f()
	}
	d.wg.Wait()
	if ferr != nil {
		return nil, ferr
	}
	var out []figRef
	for i := range d.res {
		if d.errs[i] != nil {
			return nil, d.errs[i]
		}
		out = append(out, d.res[i]...)
	}
	return out, nil
}

// figureJobs returns the jobs drawing the raster, the population rates and
// the rate and CV histograms.
func figureJobs(env *experiment.Env, c *Config, pops []spike.PopInfo, times []float64, ids []int32,
	rateSeries []plot.Series, rateBinMs float64, rateHist, cvHist []plot.HistSeries, durMs float64) []figJob {
	var jobs []figJob
	nTot := pops[len(pops)-1].Offset + pops[len(pops)-1].N
	if len(times) > 0 {
		jobs = append(jobs, func() ([]figRef, error) {
			base := env.Path("figs", "raster")
			if _, err := plot.Raster(base, times, ids, plot.RasterSpec{Title: "Spike raster (after the transient)",
				XLabel: "time (ms)", YLabel: "neuron (global id)", NIDs: nTot}); err != nil {
				return nil, err
			}
			return []figRef{{base + ".png", "Spike raster of the recorded neurons (populations stacked in config order; an image of binned counts when large)."}}, nil
		})
	}
	jobs = append(jobs, func() ([]figRef, error) {
		base := env.Path("figs", "population_rate")
		if _, err := plot.Lines(base, plot.LineSpec{Title: "Population rates", XLabel: "time (ms)", YLabel: "rate (Hz)",
			Series: rateSeries, Legend: true}); err != nil {
			return nil, err
		}
		caption := fmt.Sprintf("Population rates in %.3g ms bins.", rateBinMs)
		if rateBinMs != c.Record.RateBinMs {
			caption = fmt.Sprintf("Population rates in %.3g ms bins (rec/rates_hz.npy has every %.3g ms bin).", rateBinMs, c.Record.RateBinMs)
		}
		return []figRef{{base + ".png", caption}}, nil
	}, func() ([]figRef, error) {
		base := env.Path("figs", "rate_hist")
		if _, err := plot.Histogram(base, plot.HistSpec{Title: "Single-neuron rates", XLabel: "rate (Hz)", YLabel: "neurons",
			Series: rateHist}); err != nil {
			return nil, err
		}
		return []figRef{{base + ".png", fmt.Sprintf("Distribution of single-neuron rates over %.0f ms.", durMs)}}, nil
	}, func() ([]figRef, error) {
		base := env.Path("figs", "cv_hist")
		if _, err := plot.Histogram(base, plot.HistSpec{Title: "CV of inter-spike intervals", XLabel: "CV of ISI", YLabel: "neurons",
			Series: cvHist}); err != nil {
			return nil, err
		}
		return []figRef{{base + ".png", "Distribution of the CV of inter-spike intervals (neurons with ≥ 3 spikes)."}}, nil
	})
	return jobs
}

func addReport(r *report.Report, c *Config, net *spike.Net, pops []spike.PopInfo, rows [][]string, figs []figRef, buildS, simS, durMs float64) {
	r.Section("Spiking network")
	var desc []string
	for _, p := range c.Population {
		desc = append(desc, fmt.Sprintf("%s: %d %s %s neurons (%s synapses, reset by %s)", p.Name, p.N, p.Sign, p.Neuron.Model, p.Neuron.Synapse, p.Neuron.Reset))
	}
	r.Paragraph(strings.Join(desc, "; ") + fmt.Sprintf(". %d projections, %d synapses. Statistics over %.0f ms after a %.0f ms transient. "+
		"Spikes: rec/spikes.npy, int64 rows (step after the transient, global id), and rec/spikes_t_ms.npy, their times (step + 1)·dt in ms after the transient; "+
		"global ids and populations in rec/populations.tsv. Weights (plastic projections): rec/weights_<projection>_<t>ms.npz, scipy CSR of shape (N_pre, N_post), row = presynaptic neuron, magnitudes (inhibitory ones act negatively), t in ms from the start of the run; statistics in res/weight_stats.tsv and res/weight_hist.tsv. Summary: res/summary.json.",
		len(c.Projection), net.SynapseCount(), durMs, c.Run.TransientMs))
	if d := c.Derived(); d != "" {
		r.Pre("Derived parameters ([brunel] knobs) and mean-field prediction", d)
	}
	r.Pre("Per-step schedule", net.ScheduleText())
	r.KeyValues("Run", []report.KV{
		{Key: "dt", Value: fmt.Sprint(c.Network.DtMs), Unit: "ms"},
		{Key: "workers", Value: fmt.Sprint(net.Workers())},
		{Key: "seed", Value: fmt.Sprint(c.Network.Seed)},
		{Key: "build time", Value: fmt.Sprintf("%.3f", buildS), Unit: "s"},
		{Key: "simulation time", Value: fmt.Sprintf("%.3f", simS), Unit: "s"},
		{Key: "simulated", Value: fmt.Sprintf("%.0f", durMs+c.Run.TransientMs), Unit: "ms"},
	})
	r.Table("Population statistics", []string{"population", "n", "rate (Hz)", "mean CV of ISI", "Fano factor", "Siegert rate (Hz)"}, rows)
	for _, f := range figs {
		_ = r.Figure(f.png, f.caption)
	}
}
