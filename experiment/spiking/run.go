package spiking

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/store"
	"github.com/engramsim/engram/theory/siegert"
)

// Def returns the "spiking" experiment definition.
func Def() experiment.Def {
	return experiment.Def{
		Name:          "spiking",
		Doc:           "spiking E/I networks (LIF/ALIF/AdEx; delta, exponential and conductance synapses): rates, CV of ISI, Fano factor, raster",
		NewConfig:     func() experiment.Config { return Defaults() },
		EstimateBytes: func(c experiment.Config) int64 { return c.(*Config).EstimateBytes() },
		Run: func(ctx context.Context, c experiment.Config, env *experiment.Env) (experiment.Summary, error) {
			return RunExperiment(ctx, c.(*Config), env)
		},
	}
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

type stateRec struct {
	w    *store.NPYWriter
	pop  int
	name string
	row  []float32
	path string
}

// RunExperiment builds the network of c, runs the transient and the measured
// period, streams recordings into env.Dir/rec, draws figures into figs/,
// adds a report section and returns the summary
// {populations.<name>.{rate_hz, cv_isi, fano, ...}, wall_s, steps, ...}.
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
	net, err := spike.Build(&s, &spike.Options{Workers: env.Workers,
		Checks: spike.Checks{Disable: c.Check.Disable, MaxRateHz: c.Check.MaxRateHz, WindowMs: c.Check.WindowMs}})
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
	total := transient + steps
	env.Logf("spiking: %d neurons, %d synapses built in %.2f s; %d steps", pops[len(pops)-1].Offset+pops[len(pops)-1].N, net.SynapseCount(), buildS, total)

	var spikeW *store.NPYWriter
	var recs []*stateRec
	var rateW *rateRec
	abort := func() {
		if spikeW != nil {
			spikeW.Abort()
		}
		if rateW != nil {
			rateW.abort()
		}
		for _, r := range recs {
			r.w.Abort()
		}
	}
	if c.Record.Spikes == "all" {
		if spikeW, err = store.NewNPYWriter(env.Path("rec", "spikes.npy"), store.Int64, 2); err != nil {
			return nil, err
		}
	}
	for _, v := range c.Record.StateVars {
		for k, p := range pops {
			if net.State(k, v) == nil || c.Record.StateNeurons == 0 {
				continue
			}
			m := min(c.Record.StateNeurons, p.N)
			path := env.Path("rec", fmt.Sprintf("state_%s_%s.npy", v, p.Name))
			w, err := store.NewNPYWriter(path, store.Float32, m)
			if err != nil {
				abort()
				return nil, err
			}
			recs = append(recs, &stateRec{w: w, pop: k, name: v, row: make([]float32, m), path: path})
		}
	}

	binSteps := max(int64(c.Record.RateBinMs/dt+0.5), 1)
	fanoSteps := max(int64(c.Record.FanoWindowMs/dt+0.5), 1)
	if rateW, err = newRateRec(env.Path("rec", "rates_hz.npy"), pops, binSteps, steps, dt); err != nil {
		abort()
		return nil, err
	}
	stats := make([]*popStats, len(pops))
	for k, p := range pops {
		stats[k] = newPopStats(p.N)
	}
	recN := c.Record.SpikeNeurons
	stFrom, stTo := int64(c.Record.StateFromMs/dt+0.5), int64(c.Record.StateToMs/dt+0.5)
	var rTimes []float64
	var rIDs []int32
	var row [2]int64
	tSim := time.Now()
	for st := int64(0); st < total; st++ {
		if st%1000 == 0 {
			if err := ctx.Err(); err != nil {
				abort()
				return nil, err
			}
			progress.Report(env.Progress, st, total)
		}
		if err := net.Step(); err != nil {
			abort()
			return nil, err
		}
		if st < transient {
			continue
		}
		m := st - transient
		for k, p := range pops {
			ids := net.Spiked(k)
			stats[k].add(m, ids)
			rateW.add(k, len(ids))
			if spikeW == nil {
				continue
			}
			for _, i := range ids {
				if recN > 0 && int(i) >= recN {
					break
				}
				row[0], row[1] = m, int64(p.Offset)+int64(i)
				if err := spikeW.WriteInt64(row[:]); err != nil {
					abort()
					return nil, err
				}
				if len(rTimes) < c.Record.RasterMaxSpikes {
					rTimes = append(rTimes, float64(m+1)*dt)
					rIDs = append(rIDs, int32(row[1]))
				}
			}
		}
		if err := rateW.endStep(m); err != nil {
			abort()
			return nil, err
		}
		if (m+1)%fanoSteps == 0 {
			for _, s := range stats {
				s.closeWindow()
			}
		}
		if len(recs) > 0 && m%int64(c.Record.StateEverySteps) == 0 && m >= stFrom && (stTo == 0 || m < stTo) {
			for _, r := range recs {
				copy(r.row, net.State(r.pop, r.name))
				if err := r.w.WriteFloat32(r.row); err != nil {
					abort()
					return nil, err
				}
			}
		}
	}
	simS := time.Since(tSim).Seconds()
	progress.Report(env.Progress, total, total)
	if spikeW != nil {
		if err := spikeW.Close(); err != nil {
			abort()
			return nil, err
		}
		spikeW = nil
	}
	if err := rateW.close(); err != nil { // a later abort() leaves the closed file alone
		abort()
		return nil, err
	}
	for i, r := range recs {
		if err := r.w.Close(); err != nil {
			for _, q := range recs[i+1:] {
				q.w.Abort()
			}
			return nil, err
		}
	}

	if c.Run.Checkpoint {
		if err := writeCheckpoint(env.Path("rec", "checkpoint.gob"), net); err != nil {
			return nil, err
		}
	}

	// Statistics.
	durMs := float64(steps) * dt
	popSum := map[string]any{}
	var rows [][]string
	var rateHist, cvHist []plot.HistSeries
	for k, p := range pops {
		sc := stats[k]
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
			"pop_rate_cv": jsonNum(rateW.cv(k)),
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
	var names, offs, ns []float64
	var header = []string{"population_index", "offset", "n"}
	for k, p := range pops {
		names = append(names, float64(k))
		offs = append(offs, float64(p.Offset))
		ns = append(ns, float64(p.N))
	}
	if err := store.WriteTSV(env.Path("rec", "populations.tsv"), header, names, offs, ns); err != nil {
		return nil, err
	}

	figs, err := drawFigures(env, c, pops, rTimes, rIDs, rateW.series(pops), rateW.plotBinMs(), rateHist, cvHist, durMs)
	if err != nil {
		return nil, err
	}
	wall := time.Since(t0).Seconds()
	if env.Report != nil {
		addReport(env.Report, c, net, pops, rows, figs, buildS, simS, durMs)
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
	if nu, mu, sigma, cv, ok := c.brunelMeanField(); ok {
		sum["mean_field"] = map[string]any{"rate_hz": nu, "mu_mv": mu, "sigma_mv": sigma, "cv_isi": jsonNum(cv),
			"g": *c.Brunel.G, "eta": *c.Brunel.Eta}
	}
	return sum, nil
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

func drawFigures(env *experiment.Env, c *Config, pops []spike.PopInfo, times []float64, ids []int32,
	rateSeries []plot.Series, rateBinMs float64, rateHist, cvHist []plot.HistSeries, durMs float64) ([]figRef, error) {
	var out []figRef
	nTot := pops[len(pops)-1].Offset + pops[len(pops)-1].N
	if len(times) > 0 {
		base := env.Path("figs", "raster")
		if _, err := plot.Raster(base, times, ids, plot.RasterSpec{Title: "Spike raster (after the transient)",
			XLabel: "time (ms)", YLabel: "neuron (global id)", NIDs: nTot}); err != nil {
			return nil, err
		}
		out = append(out, figRef{base + ".png", "Spike raster of the recorded neurons (populations stacked in config order; an image of binned counts when large)."})
	}
	base := env.Path("figs", "population_rate")
	if _, err := plot.Lines(base, plot.LineSpec{Title: "Population rates", XLabel: "time (ms)", YLabel: "rate (Hz)",
		Series: rateSeries, Legend: true}); err != nil {
		return nil, err
	}
	caption := fmt.Sprintf("Population rates in %.3g ms bins.", rateBinMs)
	if rateBinMs != c.Record.RateBinMs {
		caption = fmt.Sprintf("Population rates in %.3g ms bins (rec/rates_hz.npy has every %.3g ms bin).", rateBinMs, c.Record.RateBinMs)
	}
	out = append(out, figRef{base + ".png", caption})
	base = env.Path("figs", "rate_hist")
	if _, err := plot.Histogram(base, plot.HistSpec{Title: "Single-neuron rates", XLabel: "rate (Hz)", YLabel: "neurons",
		Series: rateHist}); err != nil {
		return nil, err
	}
	out = append(out, figRef{base + ".png", fmt.Sprintf("Distribution of single-neuron rates over %.0f ms.", durMs)})
	base = env.Path("figs", "cv_hist")
	if _, err := plot.Histogram(base, plot.HistSpec{Title: "CV of inter-spike intervals", XLabel: "CV of ISI", YLabel: "neurons",
		Series: cvHist}); err != nil {
		return nil, err
	}
	out = append(out, figRef{base + ".png", "Distribution of the CV of inter-spike intervals (neurons with ≥ 3 spikes)."})
	return out, nil
}

func addReport(r *report.Report, c *Config, net *spike.Net, pops []spike.PopInfo, rows [][]string, figs []figRef, buildS, simS, durMs float64) {
	r.Section("Spiking network")
	var desc []string
	for _, p := range c.Population {
		desc = append(desc, fmt.Sprintf("%s: %d %s %s neurons (%s synapses, reset by %s)", p.Name, p.N, p.Sign, p.Neuron.Model, p.Neuron.Synapse, p.Neuron.Reset))
	}
	r.Paragraph(strings.Join(desc, "; ") + fmt.Sprintf(". %d projections, %d synapses. Statistics over %.0f ms after a %.0f ms transient; spikes in rec/spikes.npy as rows (step, global id), spike time = (step + 1)·dt after the transient.",
		len(c.Projection), net.SynapseCount(), durMs, c.Run.TransientMs))
	if d := c.Derived(); d != "" {
		r.Pre("Derived parameters ([brunel] knobs) and mean-field prediction", d)
	}
	r.Pre("Per-step schedule", net.ScheduleText())
	r.KeyValues("Run", []report.KV{
		{Key: "dt", Value: fmt.Sprint(c.Network.DtMs), Unit: "ms"},
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

// writeCheckpoint saves net's state atomically to path.
func writeCheckpoint(path string, net *spike.Net) error {
	af, err := store.CreateAtomic(path)
	if err != nil {
		return err
	}
	if err := net.Save(af.W); err != nil {
		af.Abort()
		return err
	}
	return af.Commit()
}
