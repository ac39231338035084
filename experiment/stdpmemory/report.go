package stdpmemory

import (
	"fmt"
	"math"
	"strings"

	"github.com/engramsim/engram/analysis/assembly"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/report"
)

type figRef struct{ png, caption string }

// maxMatrixN is the largest E population whose full weight matrix is drawn.
const maxMatrixN = 2000

// figures draws the assembly weight matrix (blocks by assembly and the
// full reordered matrix), the class means and R over time, the overlaps
// during the first recall trials and the success per cue fraction.
func figures(env *experiment.Env, c *Config, p *protocol, om *overlapMon, samples []wSample, blocks []float64, w []float32,
	ee *spike.Projection, res recallResult, stats []phaseStat, startStep, binSteps int64, dt float64) ([]figRef, error) {
	var out []figRef
	P := p.pat.P()
	if blocks != nil {
		base := env.Path("figs", "assembly_weights")
		if _, err := plot.Image(base, plot.ImageSpec{Title: "Mean E→E weight between assemblies", XLabel: fmt.Sprintf("post assembly (%d: none)", P),
			YLabel: fmt.Sprintf("pre assembly (%d: none)", P), CLabel: "mean weight (g_L·ms)", Rows: P + 1, Cols: P + 1, Data: blocks}); err != nil {
			return nil, err
		}
		out = append(out, figRef{base + ".png", "Mean E→E weight from assembly a (row, presynaptic) to assembly b (column, postsynaptic) at the start of recall (without recall: at the end); the last row and column are the neurons of no assembly. A strong diagonal is a stored memory."})
	}
	if w != nil && p.pat.N <= maxMatrixN {
		order, _ := p.pat.Order()
		pos := make([]int, p.pat.N)
		for r, i := range order {
			pos[i] = r
		}
		n := p.pat.N
		m := make([]float64, n*n)
		for i := range m {
			m[i] = math.NaN()
		}
		for j := 0; j < n; j++ {
			for q := ee.ColPtr[j]; q < ee.ColPtr[j+1]; q++ {
				m[pos[j]*n+pos[ee.PostIdx[q]]] = float64(w[q])
			}
		}
		base := env.Path("figs", "weight_matrix")
		if _, err := plot.Image(base, plot.ImageSpec{Title: "E→E weights, neurons ordered by assembly", XLabel: "post (ordered)", YLabel: "pre (ordered)",
			CLabel: "weight (g_L·ms)", Rows: n, Cols: n, Data: m}); err != nil {
			return nil, err
		}
		out = append(out, figRef{base + ".png", "The E→E weight matrix at the start of recall (without recall: at the end) with the neurons ordered by assembly (assembly 0's members first, then the new members of 1, …, then the neurons of no assembly; white: no synapse). Row = presynaptic neuron."})
	}
	var vl []float64
	for _, st := range stats {
		vl = append(vl, st.StartMs/1000)
	}
	var ts, wi, wo, wn, wr, rr []float64
	for _, s := range samples {
		a, b, cc, d := classMeans(s.Classes)
		ts = append(ts, s.TMs/1000)
		wi, wo, wn, wr = append(wi, a), append(wo, b), append(wn, cc), append(wr, d)
		rr = append(rr, assembly.MeanRatio(s.Classes))
	}
	base := env.Path("figs", "weights_over_time")
	if _, err := plot.Lines(base, plot.LineSpec{Title: "Mean E→E weight by class", XLabel: "time (s)", YLabel: "mean weight (g_L·ms)", Legend: true, VLines: vl,
		Series: []plot.Series{{Name: "within assembly", X: ts, Y: wi, Color: 0}, {Name: "assembly → rest", X: ts, Y: wo, Color: 1},
			{Name: "rest → assembly", X: ts, Y: wn, Color: 2}, {Name: "rest → rest", X: ts, Y: wr, Color: 3}}}); err != nil {
		return nil, err
	}
	out = append(out, figRef{base + ".png", "⟨w⟩ within assemblies and between assemblies and the rest (means over the assemblies of the class means over existing synapses); dashed: phase starts. res/weight_ratio.tsv."})
	base = env.Path("figs", "weight_ratio")
	if _, err := plot.Lines(base, plot.LineSpec{Title: "Assembly weight ratio R = mean_k R_k", XLabel: "time (s)", YLabel: "R", VLines: vl,
		Series: []plot.Series{{Name: "R", X: ts, Y: rr, Points: len(ts) < 30}}}); err != nil {
		return nil, err
	}
	out = append(out, figRef{base + ".png", "R_k = ⟨w⟩ within k / ⟨w⟩ from k to non-members, averaged over assemblies (1 for uniform weights); dashed: phase starts."})
	if len(res.Trials) > 0 {
		nt := min(len(res.Trials), rasterTrials)
		t0, t1 := res.Trials[0].CueMs, res.Trials[nt-1].DelayMs[1]+c.Phases.Recall.GapMs
		lo, hi := binRange(t0, t1, startStep, binSteps, dt, om.bins)
		var series []plot.Series
		var cues []float64
		var names []string
		for _, r := range res.Trials[:nt] {
			cues = append(cues, r.CueMs/1000)
			names = append(names, fmt.Sprintf("%s (c = %s)", p.groups[r.Assembly], FractionKey(r.Fraction)))
		}
		for k := 0; k < P; k++ {
			var x, y []float64
			for b := lo; b < hi; b++ {
				x = append(x, float64(startStep+int64(b+1)*binSteps)*dt/1000)
				y = append(y, float64(om.M[b*P+k]))
			}
			series = append(series, plot.Series{Name: p.groups[k], X: x, Y: y, Color: k})
		}
		base = env.Path("figs", "overlaps_recall")
		if _, err := plot.Lines(base, plot.LineSpec{Title: "Overlaps m_k(t) during recall", XLabel: "time (s)", YLabel: "m_k", Legend: P <= 12, VLines: cues, Series: series}); err != nil {
			return nil, err
		}
		out = append(out, figRef{base + ".png", fmt.Sprintf("m_k(t) of every assembly in %g ms bins over the first %d recall trials (dashed: cue onsets; cued in order: %s). rec/overlaps.npy has every bin.",
			c.Record.BinMs, nt, strings.Join(names, ", "))})
		if len(om.RT) > 0 {
			_, ends := p.pat.Order()
			base = env.Path("figs", "raster_recall")
			if _, err := plot.Raster(base, om.RT, om.RI, plot.RasterSpec{Title: "E spikes in the first recall trials, neurons ordered by assembly",
				XLabel: "time (ms)", YLabel: fmt.Sprintf("E neuron (assembly order; %s from row 0)", strings.Join(p.groups, ", ")), NIDs: p.pat.N,
				T0: float64(om.rasterA) * dt, T1: float64(om.rasterB) * dt}); err != nil {
				return nil, err
			}
			out = append(out, figRef{base + ".png", fmt.Sprintf("E spikes over the first %d recall trials (cues in order: %s), rows ordered by assembly: the members of %s occupy rows [0, %v) … (ends %v), the neurons of no assembly the top rows. A cued assembly's rows light up with the cue and, for a memory, stay lit through the %g-ms delay until the reset.",
				min(len(res.Trials), rasterTrials), strings.Join(names[:min(len(names), rasterTrials)], ", "), p.groups[0], ends[0], ends, c.Phases.Recall.DelayMs)})
		}
		var fx, fs, fl, fsp []float64
		for _, fr := range res.ByFraction {
			fx, fs, fl, fsp = append(fx, fr.Fraction), append(fs, fr.Success), append(fl, fr.Loose), append(fsp, fr.Spurious)
		}
		base = env.Path("figs", "recall_success")
		lo0, hi1 := 0.0, 1.05
		if _, err := plot.Lines(base, plot.LineSpec{Title: "Recall from partial cues", XLabel: "cue fraction c", YLabel: "fraction of trials", Legend: true, YMin: &lo0, YMax: &hi1,
			Series: []plot.Series{{Name: "success", X: fx, Y: fs, Points: true, Color: 0}, {Name: fmt.Sprintf("m > %g", c.Phases.Recall.LooseM), X: fx, Y: fl, Points: true, Color: 1},
				{Name: "spurious", X: fx, Y: fsp, Points: true, Color: 2}}}); err != nil {
			return nil, err
		}
		out = append(out, figRef{base + ".png", fmt.Sprintf("Success (delay-averaged m of the cued assembly > %g and ≥ %g above every other), the looser m > %g, and spurious recall (another assembly meets the criterion).",
			c.Phases.Recall.SuccessM, c.Phases.Recall.Margin, c.Phases.Recall.LooseM)})
	}
	return out, nil
}

func addReport(env *experiment.Env, c *Config, p *protocol, stats []phaseStat, res recallResult, figs []figRef, sum experiment.Summary) {
	r := env.Report
	r.Section("Associative memory trained by STDP")
	r.Paragraph(fmt.Sprintf("Network %s (seed %d): %d assemblies of the E population (f = %g, %s, mean size %.1f). The protocol (stdp-memory.md §3.2) runs the phases below; each plasticity rule acts in the phases that list it. "+
		"Imprinting presents every assembly once per block in a shuffled order (never the same twice in a row) with +%g Hz of external Poisson drive for %g ms, %g ms apart. "+
		"Recall cues a random fraction c of an assembly's members (each member independently with probability c) with +%g Hz for %g ms, then records a %g ms delay and %g ms of spontaneous activity. "+
		"Checkpoints of every phase: rec/checkpoint_<phase>.gob (run.from_checkpoint re-runs later phases on them).",
		c.Network.Preset, c.Network.Seed, p.pat.P(), p.pat.F, map[bool]string{true: "disjoint", false: "overlapping"}[c.Patterns.Disjoint], meanSize(p.pat),
		c.Phases.Imprint.RateHz, c.Phases.Imprint.OnMs, c.Phases.Imprint.OffMs, c.Phases.Recall.RateHz, c.Phases.Recall.CueMs, c.Phases.Recall.DelayMs, c.Phases.Recall.GapMs))
	var rows [][]string
	for _, st := range stats {
		if st.EndMs <= st.StartMs {
			continue
		}
		pl := strings.Join(st.Plasticity, ", ")
		if pl == "" {
			pl = "none"
		}
		rows = append(rows, []string{st.Name, fmt.Sprintf("%.1f", st.StartMs/1000), fmt.Sprintf("%.1f", st.EndMs/1000), pl,
			fmt.Sprintf("%.3g", st.RateHz["E"]), fmt.Sprintf("%.3g", st.RateHz["members"]), fmt.Sprintf("%.3g", st.RateHz["nonmembers"]),
			fmt.Sprintf("%.3g", st.RateHz["I"]), fmt.Sprintf("%.4g", st.R)})
	}
	r.Table("Phases", []string{"phase", "start (s)", "end (s)", "plasticity", "E rate (Hz)", "assembly members (Hz)", "other E (Hz)", "I rate (Hz)", "R at the end"}, rows)
	if len(res.ByFraction) > 0 {
		rows = nil
		for _, fr := range res.ByFraction {
			rows = append(rows, []string{fr.Key, fmt.Sprint(fr.N), fmt.Sprintf("%.3f", fr.Success), fmt.Sprintf("%.3f", fr.Loose), fmt.Sprintf("%.3f", fr.Spurious),
				fmt.Sprintf("%.3f", fr.MCued), fmt.Sprintf("%.3f", fr.MOther), fmt.Sprintf("%.3f", fr.MCue), fmt.Sprintf("%.3g", fr.SelSHz), fmt.Sprintf("%.3g", fr.CompHz)})
		}
		r.Table("Recall by cue fraction (res/recall_trials.tsv has every trial)", []string{"c", "trials", "success", fmt.Sprintf("m > %g", c.Phases.Recall.LooseM), "spurious",
			"⟨m_cued⟩ delay", "⟨max other m⟩ delay", "⟨m_cued⟩ cue", "selectivity, delay (Hz)", "completion, cue (Hz)"}, rows)
	}
	r.KeyValues("Run", []report.KV{
		{Key: "weight ratio R (start of recall)", Value: fmt.Sprintf("%.4g", sum["weight_ratio"])},
		{Key: "simulated", Value: fmt.Sprintf("%.1f", sum["bio_s"]), Unit: "s"},
		{Key: "simulation time", Value: fmt.Sprintf("%.1f", sum["sim_s"]), Unit: "s"},
		{Key: "workers", Value: fmt.Sprint(env.Workers)},
	})
	for _, f := range figs {
		_ = r.Figure(f.png, f.caption)
	}
}
