package stdpmemory

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/engramsim/engram/analysis/assembly"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/memlimit"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/model/spike/monitor"
	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/store"
)

// Def returns the "stdp-memory" experiment definition.
func Def() experiment.Def {
	return experiment.Def{
		Name:          "stdp-memory",
		Doc:           "associative memory trained by STDP: imprint assemblies in an LKD or ZAG E/I network, consolidate, recall from partial cues (weight ratio, overlaps, success)",
		NewConfig:     func() experiment.Config { return Defaults() },
		EstimateBytes: func(c experiment.Config) int64 { return c.(*Config).EstimateBytes() },
		Run: func(ctx context.Context, c experiment.Config, env *experiment.Env) (experiment.Summary, error) {
			return RunExperiment(ctx, c.(*Config), env)
		},
	}
}

// EstimateBytes is the network's estimate (model/spike) plus the overlap
// series (8 B per bin and assembly), the trials' delay counts (4 B per
// trial and E neuron), the per-neuron bin counts and the weight copies
// taken for the statistics and the matrix figure, plus
// memlimit.RuntimeBytes (the runtime and binary; RunExperiment hands the
// estimate to the collector with memlimit.Apply, so it bounds the peak
// resident memory, TestEstimateBoundsPeakRSS).
func (c *Config) EstimateBytes() int64 {
	p, err := c.build(0, 0)
	if err != nil {
		return 0
	}
	n := int64(p.pat.N)
	bins := int64(p.endMs()/c.Record.BinMs) + 1
	b := p.spec.EstimateBytes() + bins*int64(p.pat.P())*8 + int64(len(p.trials))*n*4 + 16*n
	syn := int64(p.spec.ExpectedSynapses(p.spec.ProjIndex("E→E")))
	b += 2*4*syn + 16*n*n         // effective-weight copy, the dense matrix figure
	b += 12*maxRasterSpikes + 4*n // the recall raster
	if p.zag != nil {
		b += p.zag.estimateBytes(p)
	}
	return b + memlimit.RuntimeBytes
}

// phaseStat is what a completed phase reports.
type phaseStat struct {
	phaseWin
	RateHz map[string]float64
	R      float64
}

// wSample is the assembly weight statistics at one time.
type wSample struct {
	TMs     float64
	Label   string
	Classes []assembly.WeightClass
	// IEMembers and IERest are the summed I→E weight onto an E neuron,
	// averaged over the members of any assembly and over the neurons of
	// none (NaN without an I→E projection).
	IEMembers, IERest float64
}

// inhibitionOnto returns the mean summed I→E input weight of the members
// of any assembly and of the other E neurons.
func inhibitionOnto(ie *spike.Projection, pat assembly.Patterns) (members, rest float64) {
	if ie == nil {
		return math.NaN(), math.NaN()
	}
	return inhibitionFrom(ie, ie.EffectiveWeights(), pat)
}

// RunExperiment runs the protocol of c: builds the network with every
// phase laid out (assemblies as groups, imprinting and cue inputs with
// their schedules, each plasticity rule active in the phases that list
// it), runs it phase by phase with a checkpoint after each, measures the
// assembly weight statistics and the overlaps, evaluates every recall
// trial, and writes tables, figures, a report section and the summary.
func RunExperiment(ctx context.Context, c *Config, env *experiment.Env) (experiment.Summary, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	defer memlimit.Apply(c.EstimateBytes())()
	t0 := time.Now()
	first := 0
	var ck []byte
	if c.Run.FromCheckpoint != "" {
		first = slices.Index(phaseOrder, c.Run.FromPhase)
		var err error
		if ck, err = store.ReadRegularFile(c.Run.FromCheckpoint, 1<<34); err != nil {
			return nil, fmt.Errorf("run.from_checkpoint: %w", err)
		}
	}
	opts := &spike.Options{Workers: env.Workers, Checks: spike.Checks{MaxRateHz: c.Check.MaxRateHz, WindowMs: c.Check.WindowMs}}
	build := func(t0 float64) (*protocol, *spike.Net, error) {
		p, err := c.build(first, t0)
		if err != nil {
			return nil, nil, err
		}
		if err := env.CheckMemory(c.EstimateBytes(), "stdp-memory network and recordings"); err != nil {
			return nil, nil, err
		}
		net, err := spike.Build(&p.spec, opts)
		if err != nil {
			return nil, nil, err
		}
		if ck != nil {
			if err := net.RestoreWith(bytes.NewReader(ck), spike.RestoreOptions{AllowProtocolChange: true}); err != nil {
				net.Close()
				return nil, nil, fmt.Errorf("run.from_checkpoint = %q: %w (it must come from a run of the same preset, seed and patterns)", c.Run.FromCheckpoint, err)
			}
		}
		return p, net, nil
	}
	p, net, err := build(0)
	if err != nil {
		return nil, err
	}
	if ck != nil && net.TimeMs() != 0 {
		// the resumed phases start at the checkpoint's time: lay them out again
		tc := net.TimeMs()
		net.Close()
		if p, net, err = build(tc); err != nil {
			return nil, err
		}
		env.Logf("stdp-memory: resumed from %s at t = %.1f s; running from phase %s", c.Run.FromCheckpoint, tc/1000, c.Run.FromPhase)
	}
	defer net.Close()
	buildS := time.Since(t0).Seconds()
	dt := net.DtMs()
	stepOf := func(ms float64) int64 { return int64(math.Round(ms / dt)) }
	startStep := stepOf(p.phases[0].StartMs)
	endStep := stepOf(p.endMs())
	binSteps := max(int64(math.Round(c.Record.BinMs/dt)), 1)
	ee := net.Projection("E→E")
	env.Logf("stdp-memory: %s, %d assemblies (mean size %.1f), %d synapses; phases %s; %.0f s of biological time",
		c.Network.Preset, p.pat.P(), meanSize(p.pat), net.SynapseCount(), phaseList(p.phases), (p.endMs()-p.phases[0].StartMs)/1000)

	// monitors
	var windows [][2]int64
	for _, tr := range p.trials { // the cue, then the delay of each trial
		windows = append(windows, [2]int64{stepOf(tr.CueMs), stepOf(tr.DelayMs[0])}, [2]int64{stepOf(tr.DelayMs[0]), stepOf(tr.DelayMs[1])})
	}
	om := newOverlapMon(net, p.pat, startStep, binSteps, windows)
	if n := min(len(p.trials), rasterTrials); n > 0 { // the raster of the first recall trials
		om.rasterA, om.rasterB = stepOf(p.trials[0].CueMs), stepOf(p.trials[n-1].DelayMs[1]+c.Phases.Recall.GapMs)
		order, _ := p.pat.Order()
		om.rasterRow = make([]int32, p.pat.N)
		for r, i := range order {
			om.rasterRow[i] = int32(r)
		}
	}
	rates, err := monitor.NewRates(net, monitor.RatesOptions{Label: "rates → rec/rates_hz.npy", Path: env.Path("rec", "rates_hz.npy"),
		Groups: p.groups, BinSteps: binSteps, FromStep: startStep, Steps: endStep - startStep})
	if err != nil {
		return nil, err
	}
	mons := []monitor.Monitor{om, rates}
	var zev *zagEvoked
	if p.zag != nil { // zag2015: post-hoc assemblies, ZAG's E rate checker
		om.undefined = true
		env.Logf("stdp-memory: zag2015: %d input patterns (%s, mean %.1f channels); the assemblies (mean size 0 until then) are defined at the end of imprinting",
			p.zag.input.P(), c.Zag.Shape, meanSize(p.zag.input))
		zev = newZagEvoked(p.zag, net, c.Zag.MaxERateHz, c.Zag.ERateTauMs)
		mons = append(mons, zev)
	}
	monitor.Attach(net, mons...)
	fail := func(err error) (experiment.Summary, error) {
		_ = monitor.CloseAll(err, mons...)
		return nil, err
	}

	// run, phase by phase
	var samples []wSample
	var trained []float64 // block means at the start of recall (or the end)
	var trainedW []float32
	ie := net.Projection("I→E")
	sample := func(label string) {
		if p.zag != nil && !p.zag.defined {
			p.zag.hold(len(samples), ee, ie)
			samples = append(samples, wSample{TMs: net.TimeMs(), Label: label})
			return
		}
		w := ee.EffectiveWeights()
		x := wSample{TMs: net.TimeMs(), Label: label, Classes: assembly.Classes(ee.ColPtr, ee.PostIdx, w, p.pat)}
		x.IEMembers, x.IERest = inhibitionOnto(ie, p.pat)
		samples = append(samples, x)
	}
	si := 0
	var stats []phaseStat
	tSim := time.Now()
	_, _ = om.takeCounts()
	var ctl *controlResult
	for _, ph := range p.phases {
		if c.Control.active() && ph.Name == c.Control.AtPhase {
			r, err := applyControl(c, net, p.pat)
			if err != nil {
				return fail(err)
			}
			ctl = &r
			sample(strings.TrimSpace("control " + c.Control.Kind + map[bool]string{true: " reset_inhibition"}[c.Control.ResetInhibition]))
			env.Logf("stdp-memory: control %q (reset_inhibition %v) applied at the start of phase %s (t = %.1f s): R = %.3f", c.Control.Kind, c.Control.ResetInhibition, ph.Name, net.TimeMs()/1000,
				assembly.MeanRatio(samples[len(samples)-1].Classes))
		}
		if ph.Name == PhaseRecall {
			w := ee.EffectiveWeights()
			trained, trainedW = assembly.BlockMeans(ee.ColPtr, ee.PostIdx, w, p.pat), slices.Clone(w)
		}
		end := stepOf(ph.EndMs)
		for net.Steps() < end {
			for si < len(p.samples) && stepOf(p.samples[si].TMs) <= net.Steps() {
				sample(p.samples[si].Label)
				si++
			}
			if (net.Steps()-startStep)%1000 == 0 {
				if err := ctx.Err(); err != nil {
					return fail(err)
				}
				progress.Report(env.Progress, net.Steps()-startStep, endStep-startStep)
			}
			if err := net.Step(); err != nil {
				// the checkpoints of the completed phases are kept
				_ = monitor.CloseAll(err, mons...)
				return nil, &experiment.KeepResults{Err: fmt.Errorf("phase %s [%.0f, %.0f) ms failed at t = %.1f ms: %w (rec/ keeps the checkpoints of the phases before it)",
					ph.Name, ph.StartMs, ph.EndMs, net.TimeMs(), err)}
			}
		}
		if zev != nil && ph.Name == PhaseImprint && ph.EndMs > ph.StartMs {
			if err := zev.define(c, p); err != nil {
				return fail(err)
			}
			om.setPatterns(p.pat)
			p.zag.resolve(samples, ee, ie, p.pat)
		}
		for si < len(p.samples) && stepOf(p.samples[si].TMs) <= net.Steps() {
			sample(p.samples[si].Label)
			si++
		}
		cnt, mc := om.takeCounts()
		st := phaseStat{phaseWin: ph, RateHz: map[string]float64{}, R: assembly.MeanRatio(samples[len(samples)-1].Classes)}
		durS := (ph.EndMs - ph.StartMs) / 1000
		for k, pi := range net.Populations() {
			st.RateHz[pi.Name] = float64(cnt[k]) / float64(pi.N) / durS
		}
		st.RateHz["members"] = float64(mc) / float64(om.nMembers) / durS
		st.RateHz["nonmembers"] = math.NaN()
		if n := p.pat.N - om.nMembers; n > 0 {
			st.RateHz["nonmembers"] = float64(cnt[om.e]-mc) / float64(n) / durS
		}
		if mc < 0 { // zag2015: the assemblies were not known for the whole phase
			st.RateHz["members"], st.RateHz["nonmembers"] = math.NaN(), math.NaN()
		}
		if zev != nil {
			p.zag.maxRate[ph.Name] = zev.takeMax()
		}
		stats = append(stats, st)
		env.Logf("stdp-memory: phase %-11s [%7.1f, %7.1f) s done: E %.2f Hz (assembly members %.2f, others %.2f), I %.2f Hz, R = %.3f", ph.Name, ph.StartMs/1000, ph.EndMs/1000,
			st.RateHz["E"], st.RateHz["members"], st.RateHz["nonmembers"], st.RateHz["I"], st.R)
		if c.Run.Checkpoints && ph.EndMs > ph.StartMs {
			if err := net.SaveFile(env.Path("rec", "checkpoint_"+ph.Name+".gob")); err != nil {
				return fail(err)
			}
		}
		if c.Record.WeightSnapshots && ph.EndMs > ph.StartMs {
			if err := ee.WriteNPZ(env.Path("rec", "weights_E-E_"+ph.Name+".npz")); err != nil {
				return fail(err)
			}
		}
		if ph.Name == PhaseWarmup && ph.EndMs > ph.StartMs {
			if r := st.RateHz["E"]; r < c.Check.WarmupMinHz || r > c.Check.WarmupMaxHz {
				return fail(fmt.Errorf("phase warmup: mean E rate %.3g Hz outside [check.warmup_min_hz, check.warmup_max_hz] = [%v, %v] Hz", r, c.Check.WarmupMinHz, c.Check.WarmupMaxHz))
			}
		}
	}
	if trained == nil { // no recall: the weights at the end
		w := ee.EffectiveWeights()
		trained, trainedW = assembly.BlockMeans(ee.ColPtr, ee.PostIdx, w, p.pat), slices.Clone(w)
	}
	simS := time.Since(tSim).Seconds()
	progress.Report(env.Progress, endStep-startStep, endStep-startStep)
	if err := monitor.CloseAll(nil, mons...); err != nil {
		return nil, err
	}
	bioS := float64(endStep-startStep) * dt / 1000

	// recall trials
	res := evaluate(c, p, net, om, startStep, binSteps)

	// outputs
	if err := writeOutputs(env, c, p, om, samples, res, startStep, binSteps, dt); err != nil {
		return nil, err
	}
	figs, err := figures(env, c, p, om, samples, trained, trainedW, ee, res, stats, startStep, binSteps, dt)
	if err != nil {
		return nil, err
	}
	sum := summary(c, p, samples, stats, res)
	if strings.HasSuffix(c.Network.Preset, ".toml") {
		if b, err := os.ReadFile(c.Network.Preset); err == nil {
			sum["network_file_sha256"] = fmt.Sprintf("%x", sha256.Sum256(b))
		}
	}
	if len(res.Trials) > 0 {
		sum["info"] = infoSummary(infoOf(c, p, om, res), p.pat.P(), float64(ee.NNZ())/float64(p.pat.N))
	}
	if ctl != nil {
		sum["control"] = map[string]any{"kind": c.Control.Kind, "at_phase": c.Control.AtPhase, "t_ms": ctl.TMs,
			"j_plus": num(ctl.JPlus), "j_minus": num(ctl.JMinus), "j0": num(ctl.J0), "q_within": num(ctl.QWithin),
			"reset_inhibition": c.Control.ResetInhibition, "ie_mean_before": num(ctl.IEBefore), "ie_mean_after": num(ctl.IEAt),
			"f": num(ctl.F), "moved": ctl.Moved, "weight_ratio_before": num(ctl.RBefore)}
	}
	sum["build_s"], sum["sim_s"], sum["bio_s"] = buildS, simS, bioS
	sum["sim_s_per_bio_s"] = simS / bioS
	sum["synapses"] = net.SynapseCount()
	if p.zag != nil {
		sum["zag"] = p.zag.summary(c, p, net.Projection("S→E"))
	}
	if env.Report != nil {
		addReport(env, c, p, stats, res, figs, sum)
	}
	if err := writeJSON(env.Path("res", "summary.json"), sum); err != nil {
		return nil, err
	}
	return sum, nil
}

func meanSize(p assembly.Patterns) float64 {
	var s int
	for _, m := range p.Members {
		s += len(m)
	}
	return float64(s) / float64(p.P())
}

func phaseList(ph []phaseWin) string {
	var s []string
	for _, p := range ph {
		if p.EndMs > p.StartMs {
			s = append(s, fmt.Sprintf("%s %.0f s", p.Name, (p.EndMs-p.StartMs)/1000))
		}
	}
	return strings.Join(s, ", ")
}

// writeJSON writes v as indented JSON (NaN and Inf must have been mapped to nil).
func writeJSON(path string, v any) error {
	af, err := store.CreateAtomic(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(af.W)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		af.Abort()
		return fmt.Errorf("%s: %w", path, err)
	}
	return af.Commit()
}

// num maps NaN and Inf (not representable in JSON) to nil.
func num(x float64) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return x
}
