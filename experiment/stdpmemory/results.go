package stdpmemory

import (
	"fmt"
	"math"
	"slices"

	"github.com/engramsim/engram/analysis/assembly"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/store"
)

// trialResult is one evaluated recall trial.
type trialResult struct {
	trial
	NCued       int
	MeanM       []float64 // overlaps averaged over the delay's bins
	MeanRho     []float64
	CueM        float64 // the cued assembly's overlap averaged over the cue
	Bins        int     // delay bins averaged
	Out         assembly.Trial
	MaxOther    float64
	Selectivity float64 // Hz, over the delay
	// Completion is the selectivity during the cue (uncued members −
	// non-members, Hz): pattern completion while the cue is on.
	Completion float64
	cued       []int32 // the cued neurons, ascending
}

// fracResult aggregates the trials of one cue fraction.
type fracResult struct {
	Key                                  string
	Fraction                             float64
	N                                    int
	Success, Loose, Spurious             float64
	MCued, MOther, MCue, RhoCued, SelSHz float64
	CompHz                               float64
}

type recallResult struct {
	Trials     []trialResult
	ByFraction []fracResult
}

// binRange returns the bins lying wholly inside [a, b) ms.
func binRange(a, b float64, startStep, binSteps int64, dt float64, bins int) (lo, hi int) {
	sa, sb := int64(math.Round(a/dt))-startStep, int64(math.Round(b/dt))-startStep
	lo = int((sa + binSteps - 1) / binSteps)
	hi = min(int(sb/binSteps), bins)
	return lo, hi
}

func evaluate(c *Config, p *protocol, net *spike.Net, om *overlapMon, startStep, binSteps int64) recallResult {
	rc := c.Phases.Recall
	crit := assembly.Criterion{MinM: rc.SuccessM, Margin: rc.Margin, LooseM: rc.LooseM}
	P := p.pat.P()
	dt := net.DtMs()
	var res recallResult
	for ti, tr := range p.trials {
		r := trialResult{trial: tr, MeanM: make([]float64, P), MeanRho: make([]float64, P)}
		_, cued, _ := net.PoissonMembers(tr.Input)
		r.NCued = len(cued)
		if p.zag != nil { // the cued input channels
			cued, r.NCued = nil, len(p.zag.cues[ti])
		}
		r.cued = slices.Sorted(slices.Values(cued))
		lo, hi := binRange(tr.DelayMs[0], tr.DelayMs[1], startStep, binSteps, dt, om.bins)
		r.Bins = max(hi-lo, 0)
		for b := lo; b < hi; b++ {
			for k := 0; k < P; k++ {
				r.MeanM[k] += float64(om.M[b*P+k])
				r.MeanRho[k] += float64(om.Rho[b*P+k])
			}
		}
		for k := range r.MeanM {
			if r.Bins > 0 {
				r.MeanM[k] /= float64(r.Bins)
				r.MeanRho[k] /= float64(r.Bins)
			} else {
				r.MeanM[k], r.MeanRho[k] = math.NaN(), math.NaN()
			}
		}
		clo, chi := binRange(tr.CueMs, tr.DelayMs[0], startStep, binSteps, dt, om.bins)
		r.CueM = math.NaN()
		if chi > clo {
			r.CueM = 0
			for b := clo; b < chi; b++ {
				r.CueM += float64(om.M[b*P+tr.Assembly])
			}
			r.CueM /= float64(chi - clo)
		}
		r.Out = crit.Evaluate(r.MeanM, tr.Assembly)
		r.MaxOther = math.Inf(-1)
		for k, v := range r.MeanM {
			if k != tr.Assembly {
				r.MaxOther = math.Max(r.MaxOther, v)
			}
		}
		if P == 1 {
			r.MaxOther = math.NaN()
		}
		sel := func(w int, durMs float64) float64 {
			rate := make([]float64, p.pat.N)
			for i, n := range om.winCnt[w] {
				rate[i] = float64(n) / (durMs / 1000)
			}
			return assembly.Selectivity(rate, p.pat, tr.Assembly, cued)
		}
		r.Completion = sel(2*ti, tr.DelayMs[0]-tr.CueMs)
		r.Selectivity = sel(2*ti+1, tr.DelayMs[1]-tr.DelayMs[0])
		res.Trials = append(res.Trials, r)
	}
	for _, f := range rc.Fractions {
		fr := fracResult{Key: FractionKey(f), Fraction: f}
		var nSel, nOther, nComp int
		for _, r := range res.Trials {
			if r.Fraction != f {
				continue
			}
			fr.N++
			fr.Success += b2f(r.Out.Success)
			fr.Loose += b2f(r.Out.Loose)
			fr.Spurious += b2f(r.Out.Spurious)
			fr.MCued += r.MeanM[r.Assembly]
			fr.RhoCued += r.MeanRho[r.Assembly]
			fr.MCue += r.CueM
			if !math.IsNaN(r.MaxOther) {
				fr.MOther += r.MaxOther
				nOther++
			}
			if !math.IsNaN(r.Selectivity) {
				fr.SelSHz += r.Selectivity
				nSel++
			}
			if !math.IsNaN(r.Completion) {
				fr.CompHz += r.Completion
				nComp++
			}
		}
		if fr.N > 0 {
			n := float64(fr.N)
			fr.Success, fr.Loose, fr.Spurious, fr.MCued, fr.RhoCued, fr.MCue = fr.Success/n, fr.Loose/n, fr.Spurious/n, fr.MCued/n, fr.RhoCued/n, fr.MCue/n
		}
		fr.MOther /= float64(nOther)
		fr.SelSHz /= float64(nSel)
		fr.CompHz /= float64(nComp)
		res.ByFraction = append(res.ByFraction, fr)
	}
	return res
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// classMeans averages the four class means over the assemblies.
func classMeans(cs []assembly.WeightClass) (within, out, in, rest float64) {
	n := float64(len(cs))
	for _, c := range cs {
		within += c.Within / n
		out += c.Out / n
		in += c.In / n
		rest += c.Rest / n
	}
	return
}

// writeOutputs writes the overlap series, the patterns and the tables.
func writeOutputs(env *experiment.Env, c *Config, p *protocol, om *overlapMon, samples []wSample, res recallResult, startStep, binSteps int64, dt float64) error {
	P := p.pat.P()
	if err := store.WriteNPY(env.Path("rec", "overlaps.npy"), om.M, om.bins, P); err != nil {
		return err
	}
	if err := store.WriteNPY(env.Path("rec", "pearson.npy"), om.Rho, om.bins, P); err != nil {
		return err
	}
	tb := make([]float64, om.bins)
	for b := range tb {
		tb[b] = float64(startStep+int64(b+1)*binSteps) * dt
	}
	if err := store.WriteNPY(env.Path("rec", "overlap_t_ms.npy"), tb); err != nil {
		return err
	}
	pm := make([]uint8, P*p.pat.N)
	for k, m := range p.pat.Members {
		for _, i := range m {
			pm[k*p.pat.N+int(i)] = 1
		}
	}
	if err := store.WriteNPY(env.Path("rec", "patterns.npy"), pm, P, p.pat.N); err != nil {
		return err
	}
	w, err := store.NewTSVWriter(env.Path("res", "weight_ratio.tsv"), []string{"t_ms", "label", "R", "within", "out", "in", "rest", "ie_sum_members", "ie_sum_rest"})
	if err != nil {
		return err
	}
	for _, s := range samples {
		a, b, cc, d := classMeans(s.Classes)
		if err := w.Row(s.TMs, s.Label, assembly.MeanRatio(s.Classes), a, b, cc, d, s.IEMembers, s.IERest); err != nil {
			w.Abort()
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	w, err = store.NewTSVWriter(env.Path("res", "assembly_weights.tsv"), []string{"t_ms", "label", "assembly", "size", "R_k", "within", "out", "in", "rest", "n_within", "n_out", "n_in", "n_rest"})
	if err != nil {
		return err
	}
	for _, s := range samples {
		for k, cl := range s.Classes {
			if err := w.Row(s.TMs, s.Label, p.groups[k], len(p.pat.Members[k]), cl.Ratio(), cl.Within, cl.Out, cl.In, cl.Rest, cl.NWithin, cl.NOut, cl.NIn, cl.NRest); err != nil {
				w.Abort()
				return err
			}
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	w, err = store.NewTSVWriter(env.Path("res", "recall_trials.tsv"), []string{"trial", "assembly", "fraction", "rep", "cue_ms", "n_cued",
		"delay_bins", "m_cued", "max_m_other", "rho_cued", "m_cue_period", "success", "loose", "spurious", "winner", "selectivity_hz", "completion_hz"})
	if err != nil {
		return err
	}
	for i, r := range res.Trials {
		win := "none"
		if r.Out.Winner >= 0 {
			win = p.groups[r.Out.Winner]
		}
		if err := w.Row(i, p.groups[r.Assembly], r.Fraction, r.Rep, r.CueMs, r.NCued, r.Bins, r.MeanM[r.Assembly], r.MaxOther,
			r.MeanRho[r.Assembly], r.CueM, b2f(r.Out.Success), b2f(r.Out.Loose), b2f(r.Out.Spurious), win, r.Selectivity, r.Completion); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// summary is the JSON summary (keys of issue 15).
func summary(c *Config, p *protocol, samples []wSample, stats []phaseStat, res recallResult) experiment.Summary {
	// the trained network: the last sample before recall (the end of the
	// phase preceding it), or the last sample
	tr := samples[len(samples)-1]
	for _, s := range samples {
		for _, st := range stats {
			if st.Name == PhaseRecall && s.TMs <= st.StartMs+1e-9 {
				tr = s
			}
		}
	}
	a, b, cc, d := classMeans(tr.Classes)
	byPhase := map[string]any{}
	ratePhase := map[string]any{}
	var phases []any
	for _, st := range stats {
		if st.EndMs <= st.StartMs {
			continue
		}
		byPhase[st.Name] = num(st.R)
		ratePhase[st.Name] = map[string]any{"E_hz": num(st.RateHz["E"]), "I_hz": num(st.RateHz["I"]),
			"E_members_hz": num(st.RateHz["members"]), "E_nonmembers_hz": num(st.RateHz["nonmembers"])}
		phases = append(phases, map[string]any{"name": st.Name, "start_ms": st.StartMs, "end_ms": st.EndMs, "plasticity": st.Plasticity})
	}
	// spontaneous rates: the consolidation phase (trained network,
	// plasticity on), else the whole run
	rates := map[string]any{"by_phase": ratePhase}
	var win string
	for _, st := range stats {
		if st.Name == PhaseConsolidate && st.EndMs > st.StartMs {
			rates["E_hz"], rates["I_hz"], win = num(st.RateHz["E"]), num(st.RateHz["I"]), PhaseConsolidate
		}
	}
	if win == "" {
		var e, i, t float64
		for _, st := range stats {
			d := st.EndMs - st.StartMs
			e += st.RateHz["E"] * d
			i += st.RateHz["I"] * d
			t += d
		}
		rates["E_hz"], rates["I_hz"], win = num(e/t), num(i/t), "whole run"
	}
	rates["window"] = win
	rec := map[string]any{}
	if len(res.Trials) > 0 {
		keyed := func(f func(fracResult) float64) map[string]any {
			m := map[string]any{}
			for _, fr := range res.ByFraction {
				m[fr.Key] = num(f(fr))
			}
			return m
		}
		rec = map[string]any{
			"success":             keyed(func(f fracResult) float64 { return f.Success }),
			"success_loose":       keyed(func(f fracResult) float64 { return f.Loose }),
			"spurious":            keyed(func(f fracResult) float64 { return f.Spurious }),
			"m_cued":              keyed(func(f fracResult) float64 { return f.MCued }),
			"m_other_max":         keyed(func(f fracResult) float64 { return f.MOther }),
			"rho_cued":            keyed(func(f fracResult) float64 { return f.RhoCued }),
			"m_cue_period":        keyed(func(f fracResult) float64 { return f.MCue }),
			"selectivity_hz":      keyed(func(f fracResult) float64 { return f.SelSHz }),
			"completion_hz":       keyed(func(f fracResult) float64 { return f.CompHz }),
			"trials":              len(res.Trials),
			"trials_per_fraction": keyed(func(f fracResult) float64 { return float64(f.N) }),
			"criterion": map[string]any{"success_m": c.Phases.Recall.SuccessM, "margin": c.Phases.Recall.Margin,
				"loose_m": c.Phases.Recall.LooseM, "average": fmt.Sprintf("overlap m_k in %g ms bins averaged over the %g ms delay after the cue", c.Record.BinMs, c.Phases.Recall.DelayMs)},
		}
	}
	sizes := []int{}
	for _, m := range p.pat.Members {
		sizes = append(sizes, len(m))
	}
	return experiment.Summary{
		"weight_ratio":          num(assembly.MeanRatio(tr.Classes)),
		"weight_ratio_at":       map[string]any{"t_ms": tr.TMs, "label": tr.Label},
		"weight_ratio_by_phase": byPhase,
		"weights": map[string]any{"within": num(a), "out": num(b), "in": num(cc), "rest": num(d),
			"ie_sum_members": num(tr.IEMembers), "ie_sum_rest": num(tr.IERest)},
		"recall":   rec,
		"rates":    rates,
		"patterns": map[string]any{"count": p.pat.P(), "f": p.pat.F, "disjoint": c.Patterns.Disjoint, "sizes": sizes},
		"preset":   c.Network.Preset,
		"phases":   phases,
	}
}
