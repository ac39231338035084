package train

import (
	"fmt"
	"math"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/store"
	"github.com/engramsim/engram/theory/branchproc"
)

// write saves the learning curve, figures and the report.
func write(c *Config, res *Result, env *experiment.Env) error {
	n := len(res.Curve)
	it, loss, rate := make([]float64, n), make([]float64, n), make([]float64, n)
	terms := make([][]float64, len(res.TermNames))
	for k := range terms {
		terms[k] = make([]float64, n)
	}
	for i, r := range res.Curve {
		it[i], loss[i], rate[i] = float64(r.Iteration), r.Loss, r.RateHz
		for k := range terms {
			terms[k][i] = r.Terms[k]
		}
	}
	header := append([]string{"iteration", "loss", "rate_hz"}, res.TermNames...)
	if err := store.WriteTSV(env.Path("res", "learning_curve.tsv"), header, append([][]float64{it, loss, rate}, terms...)...); err != nil {
		return err
	}
	series := []plot.Series{{Name: "total", X: it, Y: loss, Color: 0}}
	if len(terms) > 1 {
		for k, tm := range terms {
			series = append(series, plot.Series{Name: res.TermNames[k], X: it, Y: tm, Color: k + 1})
		}
	}
	positive := true
	for _, v := range loss {
		positive = positive && v > 0
	}
	if _, err := plot.Lines(env.Path("figs", "learning_curve"), plot.LineSpec{Title: fmt.Sprintf("%s: loss (%s, %s)", c.Network.Task, c.Train.Method, c.Train.Optimizer),
		XLabel: "iteration", YLabel: "loss", LogY: positive, Legend: true, Series: series}); err != nil {
		return err
	}
	if _, err := plot.Lines(env.Path("figs", "rate_curve"), plot.LineSpec{Title: "population-mean rate during training", XLabel: "iteration", YLabel: "rate (Hz)",
		Series: []plot.Series{{Name: "rate", X: it, Y: rate, Color: 0}}}); err != nil {
		return err
	}
	if len(res.VCurve) > 0 {
		var vi, ve, vc []float64
		for _, r := range res.VCurve {
			vi, ve, vc = append(vi, float64(r.Iteration)), append(ve, r.Error), append(vc, r.Confirm)
		}
		if err := store.WriteTSV(env.Path("res", "validation_curve.tsv"), []string{"iteration", "error", "confirm_error"}, vi, ve, vc); err != nil {
			return err
		}
		if _, err := plot.Lines(env.Path("figs", "validation_curve"), plot.LineSpec{Title: "evidence task: validation error (fresh batch)", XLabel: "iteration", YLabel: "error",
			Series: []plot.Series{{Name: "error", X: vi, Y: ve, Color: 0}}}); err != nil {
			return err
		}
	}
	if len(res.MCurve) > 0 {
		var mi, mr, mc, mn []float64
		for _, r := range res.MCurve {
			mi, mr, mc, mn = append(mi, float64(r.Iteration)), append(mr, r.MR), append(mc, r.Conventional), append(mn, r.Naive)
		}
		if err := store.WriteTSV(env.Path("res", "branching_curve.tsv"), []string{"iteration", "m_mr", "m_conventional", "m_naive"}, mi, mr, mc, mn); err != nil {
			return err
		}
		if _, err := plot.Lines(env.Path("figs", "branching_curve"), plot.LineSpec{Title: "branching ratio of the training batch's population count", XLabel: "iteration", YLabel: "m̂",
			Legend: true, Series: []plot.Series{{Name: "multistep regression", X: mi, Y: mr, Color: 0}, {Name: "conventional (lag-1 OLS)", X: mi, Y: mc, Color: 1},
				{Name: "naive ratio (seed code)", X: mi, Y: mn, Color: 2, Dashed: true}}}); err != nil {
			return err
		}
	}
	p := res.Net.P
	T := float64(c.steps()) * p.DtMs
	for _, r := range []struct {
		name string
		ev   *Eval
	}{{"raster_before", res.Initial}, {"raster_after", res.Final}} {
		if _, err := plot.Raster(env.Path("figs", r.name), r.ev.Times, r.ev.IDs, plot.RasterSpec{Title: r.name[7:] + " training (first evaluation trial)",
			XLabel: "time (ms)", YLabel: "neuron", T0: 0, T1: T, NIDs: p.NRec}); err != nil {
			return err
		}
	}
	if _, err := plot.Histogram(env.Path("figs", "rates_hist"), plot.HistSpec{Title: "per-neuron rates", XLabel: "rate (Hz)", YLabel: "neurons",
		Series: []plot.HistSeries{{Name: "before", Values: res.Initial.Rates}, {Name: "after", Values: res.Final.Rates}}}); err != nil {
		return err
	}
	blocks := weightBlocks(res)
	for _, b := range blocks {
		if len(b.before) == 0 {
			continue
		}
		if _, err := plot.Histogram(env.Path("figs", "weights_"+b.name), plot.HistSpec{Title: "weights " + b.label, XLabel: "weight", YLabel: "synapses",
			Series: []plot.HistSeries{{Name: "before", Values: b.before}, {Name: "after", Values: b.after}}}); err != nil {
			return err
		}
	}
	if c.Network.Task == "pattern" {
		steps := make([]float64, c.steps())
		tgt := make([]float64, len(steps))
		s, _ := c.build()
		for i := range steps {
			steps[i] = float64(i+1) * p.DtMs
			tgt[i] = s.target[i]
		}
		if _, err := plot.Lines(env.Path("figs", "output"), plot.LineSpec{Title: "readout after training", XLabel: "time (ms)", YLabel: "y", Legend: true,
			Series: []plot.Series{{Name: "target y*", X: steps, Y: tgt, Color: 2, Dashed: true}, {Name: "before", X: steps, Y: res.Initial.Y, Color: 7},
				{Name: "after", X: steps, Y: res.Final.Y, Color: 0}}}); err != nil {
			return err
		}
	}
	rep := env.Report
	rep.Section("Training a spiking RNN: " + c.Network.Task)
	preset := "dense network"
	if c.Network.Preset != "" {
		preset = "E/I preset " + c.Network.Preset + fmt.Sprintf(" (%d E, %d I, Dale's law, fixed out-degree masks)", res.NE, p.NRec-res.NE)
	}
	rep.Paragraph(fmt.Sprintf("%d inputs, %d recurrent neurons (%d ALIF) of convention %s, %d readouts (convention %s); %s. %s with %s feedback, %s η = %g, batch %d, %d iterations of %d steps (Δt = %g ms). "+
		"Evaluations on %d trials before and after training.",
		p.NIn, p.NRec, p.NALIF, p.Convention, p.NOut, p.Readout, preset, c.Train.Method, c.Train.Feedback, c.Train.Optimizer, c.Train.LR, c.Train.Batch, res.Done, c.steps(), p.DtMs, c.Train.EvalTrials))
	if n := len(res.VCurve); n > 0 {
		msg := fmt.Sprintf("Validation every %d iterations on a fresh batch of %d; last validation error %.3f.", c.Train.ValidateEvery, c.Train.Batch, res.VCurve[n-1].Error)
		if c.Train.StopError > 0 {
			if res.StopIteration >= 0 {
				msg += fmt.Sprintf(" Early stop at iteration %d: error < %g confirmed by %d further batches (%.3f).", res.StopIteration, c.Train.StopError, c.Train.StopBatches, res.VCurve[n-1].Confirm)
			} else {
				msg += fmt.Sprintf(" The early-stop criterion (error < %g, confirmed by %d batches) was not reached in %d iterations.", c.Train.StopError, c.Train.StopBatches, res.Done)
			}
		}
		rep.Paragraph(msg)
	}
	f := func(v float64) string {
		if math.IsNaN(v) {
			return "—"
		}
		return fmt.Sprintf("%.4g", v)
	}
	in, fi := res.Initial, res.Final
	rows := [][]string{
		{"loss", f(in.Loss), f(fi.Loss)},
		{"population-mean rate (Hz)", f(in.RateHz), f(fi.RateHz)},
		{"silent fraction", f(in.Silent), f(fi.Silent)},
		{"Treves–Rolls sparseness ⟨r⟩²/⟨r²⟩", f(in.Sparseness), f(fi.Sparseness)},
		{"mean count per step", f(in.Mean), f(fi.Mean)},
		{"Var/E of the count per step", f(in.VarOverMean), f(fi.VarOverMean)},
		{"MR m̂ (± SE)", f(in.MHat) + " ± " + f(in.MHatSE), f(fi.MHat) + " ± " + f(fi.MHatSE)},
		{"1/(1 − m̂²) (branching prediction of Var/E)", f(branchproc.FanoFactor(in.MHat)), f(branchproc.FanoFactor(fi.MHat))},
		{"m implied by mean and Var, √(1 − E/Var)", f(in.MFromFano), f(fi.MFromFano)},
		{"conventional m (lag-1 OLS)", f(in.MConventional), f(fi.MConventional)},
	}
	if c.Network.Task == "evidence" {
		rows = append(rows, []string{"accuracy", f(in.Accuracy), f(fi.Accuracy)})
	}
	rep.Table("before and after training", []string{"quantity", "before", "after"}, rows)
	rep.Paragraph("For branching dynamics Var/E = 1/(1 − m²) ≥ 1 grows as m → 1 (criticality.md §2): a small variance of the global rate means a small m, not criticality. " +
		"Refractoriness and the deterministic drive of a LIF network can push Var/E below 1, where the relation is only a guide.")
	if res.Resumed > 0 {
		rep.Paragraph(fmt.Sprintf("Resumed from a checkpoint after %d iterations.", res.Resumed))
	}
	for _, fg := range []struct{ name, caption string }{
		{"learning_curve", "loss per iteration (data: res/learning_curve.tsv)"},
		{"rate_curve", "population-mean rate of the training batch per iteration"},
		{"branching_curve", "m̂ of the training batch by three estimators during training (data: res/branching_curve.tsv; the naive ratio tracks the rate, criticality.md §2)"},
		{"output", "readout before and after training against the target"},
		{"raster_before", "spikes of the first evaluation trial before training"},
		{"raster_after", "spikes of the first evaluation trial after training"},
		{"rates_hist", "per-neuron rates before and after training"},
	} {
		_ = rep.Figure(env.Path("figs", fg.name+".png"), fg.caption)
	}
	for _, b := range blocks {
		_ = rep.Figure(env.Path("figs", "weights_"+b.name+".png"), "weights "+b.label+" before and after training (existing synapses)")
	}
	return nil
}

type block struct {
	name, label   string
	before, after []float64
}

// weightBlocks splits the weights by projection (input, E→E, E→I, I→E,
// I→I for the preset; input, recurrent, readout otherwise), keeping
// existing synapses only.
func weightBlocks(res *Result) []block {
	net := res.Net
	p := net.P
	N := p.NRec
	in := block{name: "in", label: "input → recurrent"}
	for i := range net.WIn {
		if net.MaskIn == nil || net.MaskIn[i] {
			in.before, in.after = append(in.before, res.WInit[0][i]), append(in.after, net.WIn[i])
		}
	}
	out := block{name: "out", label: "readout", before: res.WInit[2], after: net.WOut}
	bs := []block{in}
	if !res.Preset {
		rec := block{name: "rec", label: "recurrent"}
		for i := 0; i < N; i++ {
			for j := 0; j < N; j++ {
				if i != j && (net.MaskRec == nil || net.MaskRec[i*N+j]) {
					rec.before, rec.after = append(rec.before, res.WInit[1][i*N+j]), append(rec.after, net.WRec[i*N+j])
				}
			}
		}
		return append(bs, rec, out)
	}
	names := [2]string{"E", "I"}
	for a := 0; a < 2; a++ {
		for b := 0; b < 2; b++ {
			bl := block{name: names[a] + names[b], label: names[a] + " → " + names[b]}
			for i := 0; i < N; i++ {
				if (i < res.NE) != (a == 0) {
					continue
				}
				for j := 0; j < N; j++ {
					if (j < res.NE) != (b == 0) || !net.MaskRec[i*N+j] {
						continue
					}
					bl.before, bl.after = append(bl.before, res.WInit[1][i*N+j]), append(bl.after, net.WRec[i*N+j])
				}
			}
			bs = append(bs, bl)
		}
	}
	return bs
}
