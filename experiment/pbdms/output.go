package pbdms

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/engramsim/engram/analysis/recall"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/memlimit"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/store"
)

// Def returns the experiment definition registered as "pb-dms"; newConfig
// chooses the defaults (PaperDefaults; the demo's file sets its own
// values, which are DemoDefaults).
func Def(newConfig func() *Config) experiment.Def {
	return experiment.Typed("pb-dms",
		"delayed match-to-sample on the Pereira & Brunel rate attractor memory (novel vs familiar stimuli)",
		newConfig, Run, (*Config).EstimateBytes)
}

// Run simulates the protocol and writes recordings, tables, figures and
// report sections into env.Dir. It holds the Go runtime to the memory
// estimate while it runs (memlimit.Apply).
func Run(ctx context.Context, c *Config, env *experiment.Env) (experiment.Summary, error) {
	defer memlimit.Apply(c.EstimateBytes())()
	t0 := time.Now()
	res, err := Simulate(ctx, c, env.Seed, env.Workers, env.Progress)
	if err != nil {
		return nil, err
	}
	simS := time.Since(t0).Seconds() - res.Net.BuildS
	if err := writeRecordings(c, res, env); err != nil {
		return nil, err
	}
	figs, err := writeFigures(c, res, env)
	if err != nil {
		return nil, err
	}
	sum := summary(c, res)
	sum["build_s"] = res.Net.BuildS
	sum["simulate_s"] = simS
	addReport(c, res, env, sum, figs)
	return sum, nil
}

func summary(c *Config, res *Result) experiment.Summary {
	st := res.Net.Stats
	sum := experiment.Summary{
		"n": c.Network.N, "k": c.K(), "p": c.Network.P, "alpha": float64(c.Network.P) / c.K(),
		"nnz": res.Net.Model.W.NNZ(), "q_g": st.Rule.G.Q, "gamma": st.Gamma,
	}
	if len(res.Couplings) > 0 {
		k, mx := argmax(res.Couplings)
		mean, sd := meanSD(res.Couplings)
		sum["background_couplings"] = experiment.Summary{"mean": mean, "sd": sd, "max": mx, "argmax": k}
	}
	for _, cond := range c.Protocol.Conditions {
		var tr []*Trace
		for _, t := range res.Traces {
			if t.Condition == cond {
				tr = append(tr, t)
			}
		}
		avg := func(get func(*Trace) float64) float64 {
			var s float64
			for _, t := range tr {
				s += get(t)
			}
			return s / float64(len(tr))
		}
		per := func(get func(*Trace) float64) []float64 {
			out := make([]float64, len(tr))
			for i, t := range tr {
				out[i] = get(t)
			}
			return out
		}
		retrieved := 0
		regimes := map[string]int{}
		for _, t := range tr {
			if t.Retrieved {
				retrieved++
			}
			regimes[t.Regime()]++
		}
		m := experiment.Summary{
			"trials":                 len(tr),
			"m_cued_end":             avg(func(t *Trace) float64 { return t.MCuedEnd }),
			"m_cued_end_trials":      per(func(t *Trace) float64 { return t.MCuedEnd }),
			"m_cued_delay_mean":      avg(func(t *Trace) float64 { return t.MCuedDelayMean }),
			"m_cued_delay_sd":        avg(func(t *Trace) float64 { return t.MCuedSD }),
			"max_abs_m_end":          avg(func(t *Trace) float64 { return t.MaxAbsOtherEnd }),
			"mean_rate_end_hz":       avg(func(t *Trace) float64 { return t.MeanRateEndHz }),
			"temporal_sd_hz":         avg(func(t *Trace) float64 { return t.TemporalSDHz }),
			"retrieved_fraction":     float64(retrieved) / float64(len(tr)),
			"regime":                 majority(regimes),
			"stim_mean_rate_hz":      avg(func(t *Trace) float64 { return recall.MeanRate(t.StimRates) }),
			"stim_sparseness_frac10": avg(func(t *Trace) float64 { return fracAbove(t.StimRates, 10) }),
			"m_max_before_stim":      avg(func(t *Trace) float64 { return t.MMaxBefore }),
			"pattern_before_stim":    tr[0].PatternBefore,
			"pattern_end":            tr[0].PatternEnd,
			"spontaneous_retrieval":  avg(func(t *Trace) float64 { return b2f(t.MMaxBefore > c.Protocol.SuccessThreshold) }),
		}
		if c.Protocol.Lyapunov {
			m["lyapunov_per_s"] = avg(func(t *Trace) float64 { return t.LyapunovPerS })
		}
		if cond == "familiar" {
			m["cue_pattern"] = c.Protocol.CuePattern
			m["max_abs_m_other_end"] = m["max_abs_m_end"]
			delete(m, "max_abs_m_end")
		} else {
			// for a novel stimulus there is no cued pattern: report the
			// largest |m_μ| over all stored patterns
			delete(m, "m_cued_end")
			delete(m, "m_cued_end_trials")
			delete(m, "m_cued_delay_mean")
			delete(m, "m_cued_delay_sd")
			delete(m, "retrieved_fraction")
		}
		sum[cond] = m
	}
	if h := newHeadline(c, res); h != nil {
		sum["headline"] = experiment.Summary{
			"familiar_retrieved_and_held": h.familiarHeld,
			"novel_left_in_background":    h.novelBackground,
			"spontaneous_retrieval":       h.spontaneous,
			"text":                        h.text,
		}
	}
	return sum
}

// headline is the paper's DMS result as this run shows it (trial 0 of
// each condition; R14 of the spec, Pereira & Brunel 2018 Fig 3): a
// familiar stimulus is retrieved and held through the delay, a novel one
// leaves the network in its background state.
type headline struct {
	fam, nov *Trace
	// familiarHeld: the cued pattern ends the delay above the success
	// threshold (m > 0.2, spec §1.8) and is the pattern closest to the
	// state. novelBackground: after the novel stimulus no stored pattern
	// is above that threshold, and none was before it. spontaneous: a
	// pattern was above it at stimulus onset in some trial.
	familiarHeld, novelBackground, spontaneous bool
	threshold                                  float64 // protocol.success_threshold
	text                                       string
}

// newHeadline returns nil unless both conditions ran.
func newHeadline(c *Config, res *Result) *headline {
	thr := c.Protocol.SuccessThreshold
	h := &headline{threshold: thr}
	for _, t := range res.Traces {
		if t.MMaxBefore > thr {
			h.spontaneous = true
		}
		if t.Trial != 0 {
			continue
		}
		switch t.Condition {
		case "familiar":
			h.fam = t
		case "novel":
			h.nov = t
		}
	}
	if h.fam == nil || h.nov == nil {
		return nil
	}
	h.familiarHeld = h.fam.Retrieved && h.fam.PatternEnd == c.Protocol.CuePattern
	h.novelBackground = h.nov.MaxAbsOtherEnd <= thr && h.nov.MMaxBefore <= thr
	delay := fmt.Sprintf("%.0f ms", c.Protocol.DelayMs)
	var fam, nov string
	if h.familiarHeld {
		fam = fmt.Sprintf("the familiar stimulus (stored pattern %d) is retrieved and held through the %s delay (m = %.3f at its end)",
			c.Protocol.CuePattern, delay, h.fam.MCuedEnd)
	} else {
		fam = fmt.Sprintf("the familiar stimulus (stored pattern %d) is not held through the %s delay (m = %.3f at its end; pattern %d is closest, m = %.3f)",
			c.Protocol.CuePattern, delay, h.fam.MCuedEnd, h.fam.PatternEnd, h.fam.MMaxEnd)
	}
	switch {
	case h.novelBackground:
		nov = fmt.Sprintf("the novel stimulus leaves the network in its background state: no stored pattern is retrieved (largest |m_μ| = %.3f at the end, %.3f before the stimulus; retrieval means m > %g)",
			h.nov.MaxAbsOtherEnd, h.nov.MMaxBefore, thr)
	case h.nov.MMaxBefore > thr:
		nov = fmt.Sprintf("the network had retrieved pattern %d spontaneously before the novel stimulus (m = %.3f) and ends in pattern %d (m = %.3f): a finite-size effect, see \"Spontaneous retrieval\"",
			h.nov.PatternBefore, h.nov.MMaxBefore, h.nov.PatternEnd, h.nov.MMaxEnd)
	default:
		nov = fmt.Sprintf("the novel stimulus leaves pattern %d retrieved (m = %.3f at the end)", h.nov.PatternEnd, h.nov.MMaxEnd)
	}
	h.text = strings.ToUpper(fam[:1]) + fam[1:] + "; " + nov + "."
	return h
}

// title is a short statement of the headline for its figure.
func (h *headline) title() string {
	fam := "familiar stimulus held"
	if !h.familiarHeld {
		fam = "familiar stimulus not held"
	}
	nov := "novel stimulus leaves the background"
	switch {
	case h.nov.MMaxBefore > h.threshold:
		nov = fmt.Sprintf("pattern %d retrieved before the novel stimulus", h.nov.PatternBefore)
	case !h.novelBackground:
		nov = fmt.Sprintf("novel stimulus: pattern %d retrieved", h.nov.PatternEnd)
	}
	return "DMS: " + fam + ", " + nov
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func majority(m map[string]int) string {
	best, n := "", -1
	for _, k := range []string{"fixed_point", "chaotic"} {
		if m[k] > n {
			best, n = k, m[k]
		}
	}
	return best
}

func fracAbove(x []float32, thr float32) float64 {
	n := 0
	for _, v := range x {
		if v > thr {
			n++
		}
	}
	return float64(n) / float64(len(x))
}

func writeRecordings(c *Config, res *Result, env *experiment.Env) error {
	p, nrec := c.Network.P, c.Record.Neurons
	for _, t := range res.Traces {
		tag := fmt.Sprintf("%s_t%d", t.Condition, t.Trial)
		ns := len(t.TimeMs)
		if err := store.WriteNPY(env.Path("rec", "time_ms_"+tag+".npy"), t.TimeMs); err != nil {
			return err
		}
		if err := store.WriteNPY(env.Path("rec", "m_"+tag+".npy"), t.M, ns, p); err != nil {
			return err
		}
		if err := store.WriteNPY(env.Path("rec", "q_"+tag+".npy"), t.Q, ns, p); err != nil {
			return err
		}
		if nrec > 0 {
			if err := store.WriteNPY(env.Path("rec", "rates_"+tag+".npy"), t.Rates, ns, nrec); err != nil {
				return err
			}
		}
		if err := store.WriteNPY(env.Path("rec", "rates_end_"+tag+".npy"), t.EndRates); err != nil {
			return err
		}
		if err := store.WriteNPY(env.Path("rec", "rates_stim_"+tag+".npy"), t.StimRates); err != nil {
			return err
		}
		if err := store.WriteTSV(env.Path("res", "trace_"+tag+".tsv"), []string{"time_ms", "m_cued", "max_abs_m_other", "mean_rate_hz", "r2_hz2"},
			t.TimeMs, col(t, c.Protocol.CuePattern, p), maxOther(t, c.Protocol.CuePattern, p), t.MeanRate, t.R2); err != nil {
			return err
		}
	}
	w := res.Net.Model.W
	if c.Record.SaveWeights {
		if err := store.WriteCSRNPZ(env.Path("rec", "weights.npz"), w.NPost, w.NPre, w.RowPtr, w.Pre, w.W); err != nil {
			return err
		}
	}
	if c.Record.SavePatterns {
		if err := store.WriteNPY(env.Path("rec", "patterns.npy"), res.Net.Patterns.Data, p, c.Network.N); err != nil {
			return err
		}
	}
	// per-trial table
	if len(res.Couplings) > 0 {
		idx := make([]float64, len(res.Couplings))
		for k := range idx {
			idx[k] = float64(k)
		}
		if err := store.WriteTSV(env.Path("res", "background_couplings.tsv"), []string{"pattern", "lambda"}, idx, res.Couplings); err != nil {
			return err
		}
	}
	tw, err := store.NewTSVWriter(env.Path("res", "trials.tsv"), []string{"condition", "trial", "m_cued_end", "max_abs_m_other_end",
		"m_cued_delay_mean", "m_cued_delay_sd", "mean_rate_end_hz", "temporal_sd_hz", "lyapunov_per_s", "retrieved", "regime", "pattern_before_stim", "m_max_before_stim", "pattern_end", "m_max_end"})
	if err != nil {
		return err
	}
	for _, t := range res.Traces {
		if err := tw.Row(t.Condition, t.Trial, t.MCuedEnd, t.MaxAbsOtherEnd, t.MCuedDelayMean, t.MCuedSD, t.MeanRateEndHz,
			t.TemporalSDHz, t.LyapunovPerS, t.Retrieved, t.Regime(), t.PatternBefore, t.MMaxBefore, t.PatternEnd, t.MMaxEnd); err != nil {
			tw.Abort()
			return err
		}
	}
	return tw.Close()
}

func col(t *Trace, mu, p int) []float64 {
	out := make([]float64, len(t.TimeMs))
	for s := range out {
		out[s] = t.M[s*p+mu]
	}
	return out
}

func maxOther(t *Trace, mu, p int) []float64 {
	out := make([]float64, len(t.TimeMs))
	for s := range out {
		ex := mu
		if t.Condition == "novel" {
			ex = -1
		}
		for k := 0; k < p; k++ {
			if k != ex {
				out[s] = math.Max(out[s], math.Abs(t.M[s*p+k]))
			}
		}
	}
	return out
}

type figure struct{ png, caption string }

func writeFigures(c *Config, res *Result, env *experiment.Env) ([]figure, error) {
	var figs []figure
	p := c.Network.P
	stimOn := c.Protocol.BackgroundMs
	stimOff := stimOn + c.Protocol.PresentationMs
	if h := newHeadline(c, res); h != nil {
		fam, nov := h.fam, h.nov
		thr := c.Protocol.SuccessThreshold
		t0, t1 := fam.TimeMs[0], fam.TimeMs[len(fam.TimeMs)-1]
		base := env.Path("figs", "headline")
		if _, err := plot.Lines(base, plot.LineSpec{Title: h.title(), XLabel: "time (ms)", YLabel: "overlap m",
			Series: []plot.Series{
				{Name: fmt.Sprintf("familiar: m of the cued pattern %d", c.Protocol.CuePattern), X: fam.TimeMs, Y: col(fam, c.Protocol.CuePattern, p), Color: 0},
				{Name: "novel: largest |m_μ| of all patterns", X: nov.TimeMs, Y: maxOther(nov, -1, p), Color: 1},
				{Name: fmt.Sprintf("retrieval threshold m = %g", thr), X: []float64{t0, t1}, Y: []float64{thr, thr}, Color: 7, Dashed: true},
			},
			VLines: []float64{stimOn, stimOff}, Legend: true}); err != nil {
			return nil, err
		}
		figs = append(figs, figure{base + ".png", "The paper's result (Pereira & Brunel 2018, Fig 3) in this run: " + h.text +
			" Trial 0 of each condition; dashed vertical lines mark the stimulus."})
	}
	for _, t := range res.Traces {
		if t.Trial != 0 {
			continue
		}
		tag := t.Condition
		var series []plot.Series
		for k := 0; k < p; k++ {
			if t.Condition == "familiar" && k == c.Protocol.CuePattern {
				continue
			}
			series = append(series, plot.Series{X: t.TimeMs, Y: col(t, k, p), Color: -2})
		}
		if t.Condition == "familiar" {
			series = append(series, plot.Series{Name: fmt.Sprintf("m_%d (cued)", c.Protocol.CuePattern), X: t.TimeMs, Y: col(t, c.Protocol.CuePattern, p), Color: 0})
		}
		series[0].Name = "other patterns"
		base := env.Path("figs", "overlaps_"+tag)
		if _, err := plot.Lines(base, plot.LineSpec{Title: fmt.Sprintf("Overlaps m_μ(t), %s stimulus", tag), XLabel: "time (ms)", YLabel: "m",
			Series: series, VLines: []float64{stimOn, stimOff}, Legend: true}); err != nil {
			return nil, err
		}
		figs = append(figs, figure{base + ".png", fmt.Sprintf("Normalised overlaps m_μ(t) of all %d stored patterns (%s stimulus, trial 0); dashed lines mark the stimulus.", p, tag)})
		nr := min(20, c.Record.Neurons)
		if nr > 0 {
			var rs []plot.Series
			nrec := c.Record.Neurons
			for i := 0; i < nr; i++ {
				y := make([]float64, len(t.TimeMs))
				for s := range y {
					y[s] = float64(t.Rates[s*nrec+i])
				}
				rs = append(rs, plot.Series{Name: fmt.Sprintf("neuron %d", i), X: t.TimeMs, Y: y, Color: i})
			}
			base := env.Path("figs", "rates_"+tag)
			if _, err := plot.Lines(base, plot.LineSpec{Title: fmt.Sprintf("Rates of %d neurons, %s stimulus", nr, tag), XLabel: "time (ms)", YLabel: "rate (Hz)",
				Series: rs, VLines: []float64{stimOn, stimOff}}); err != nil {
				return nil, err
			}
			figs = append(figs, figure{base + ".png", fmt.Sprintf("Rate traces of neurons 0–%d (%s stimulus, trial 0).", nr-1, tag)})
		}
	}
	// rate distributions, novel vs familiar, during the stimulus and at the end
	for _, when := range []string{"stim", "end"} {
		var hs []plot.HistSeries
		for _, t := range res.Traces {
			if t.Trial != 0 {
				continue
			}
			r := t.StimRates
			if when == "end" {
				r = t.EndRates
			}
			v := make([]float64, len(r))
			for i, x := range r {
				v[i] = float64(x)
			}
			hs = append(hs, plot.HistSeries{Name: t.Condition, Values: v})
		}
		title, cap := "Rates at the end of the stimulus", "Distribution of rates at the end of the presentation: novel vs familiar stimulus (Lim et al. 2015 compare these)."
		if when == "end" {
			title, cap = "Rates at the end of the delay", "Distribution of rates at the end of the delay period, after a novel vs a familiar stimulus."
		}
		base := env.Path("figs", "rate_hist_"+when)
		if _, err := plot.Histogram(base, plot.HistSpec{Title: title, XLabel: "rate (Hz)", YLabel: "fraction of neurons", Series: hs, Bins: 80, Density: true, LogY: true}); err != nil {
			return nil, err
		}
		figs = append(figs, figure{base + ".png", cap})
	}
	// weight histogram
	w := res.Net.Model.W.W
	stride := max(1, len(w)/200000)
	wv := make([]float64, 0, len(w)/stride+1)
	for k := 0; k < len(w); k += stride {
		wv = append(wv, float64(w[k]))
	}
	base := env.Path("figs", "weights_hist")
	if _, err := plot.Histogram(base, plot.HistSpec{Title: "Synaptic weights W_ij", XLabel: "W_ij", YLabel: "count", Series: []plot.HistSeries{{Name: "W", Values: wv}}, Bins: 100, LogY: true}); err != nil {
		return nil, err
	}
	figs = append(figs, figure{base + ".png", fmt.Sprintf("Histogram of %d weights (every %d-th of %d synapses).", len(wv), stride, len(w))})
	return figs, nil
}

func addReport(c *Config, res *Result, env *experiment.Env, sum experiment.Summary, figs []figure) {
	r := env.Report
	if r == nil {
		return
	}
	r.Section("Delayed match-to-sample: novel vs familiar stimuli")
	r.Paragraph(fmt.Sprintf("Rate network of Pereira & Brunel (2018): N = %d neurons, mean in-degree K = %.0f, p = %d stored patterns (load α = %.3f), A = %.4g, γ = %.4g, q_g = %.6f. Protocol: %.0f ms background, %.0f ms stimulus, %.0f ms delay; integrator %s, dt = %g ms, τ = %g ms.",
		c.Network.N, c.K(), c.Network.P, float64(c.Network.P)/c.K(), c.Rule.A, res.Net.Stats.Gamma, res.Net.Stats.Rule.G.Q,
		c.Protocol.BackgroundMs, c.Protocol.PresentationMs, c.Protocol.DelayMs, c.Dynamics.Integrator, c.Dynamics.DtMs, c.Dynamics.TauMs))
	h := newHeadline(c, res)
	if h != nil {
		r.Paragraph("Result: " + h.text)
		if len(figs) > 0 { // the headline figure comes first
			_ = r.Figure(figs[0].png, figs[0].caption)
			figs = figs[1:]
		}
	}
	var kv []report.KV
	for _, cond := range c.Protocol.Conditions {
		m := sum[cond].(experiment.Summary)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if _, isSlice := m[k].([]float64); isSlice {
				continue
			}
			kv = append(kv, report.KV{Key: cond + "." + k, Value: fmt.Sprint(fmtVal(m[k]))})
		}
	}
	kv = append(kv, report.KV{Key: "build", Value: fmt.Sprintf("%.2f", res.Net.BuildS), Unit: "s"})
	r.KeyValues("Key numbers", kv)
	var rows [][]string
	var spont []*Trace
	for _, t := range res.Traces {
		if t.MMaxBefore > c.Protocol.SuccessThreshold {
			spont = append(spont, t)
		}
		rows = append(rows, []string{t.Condition, fmt.Sprint(t.Trial), fmt.Sprintf("%d (m = %.3f)", t.PatternBefore, t.MMaxBefore),
			fmt.Sprintf("%d (m = %.3f)", t.PatternEnd, t.MMaxEnd), fmt.Sprintf("%.3f", t.MCuedEnd), t.Regime(), fmt.Sprintf("%.3g", t.LyapunovPerS)})
	}
	if len(res.Couplings) > 0 {
		k, mx := argmax(res.Couplings)
		mean, sd := meanSD(res.Couplings)
		r.Paragraph(fmt.Sprintf("Background stability per pattern: λ_μ = (A/N) Σ_i φ′(h_i) f(φ(ξ_i^μ)) g(φ(ξ_i^μ)) at the homogeneous state r = φ(0) (res/background_couplings.tsv). Mean over patterns %.3f (the mean-field A⟨g f φ′⟩, K, N → ∞), SD %.3f (finite N: shrinks as N^(-1/2)), largest %.3f for pattern %d. The closer the largest λ_μ is to 1, the more likely the background condenses spontaneously into that pattern; at K = 250 condensation was seen already from λ_max ≈ 0.87 (finite-K noise adds to the linear gain).",
			mean, sd, mx, k))
	}
	r.Table("Trials: which stored pattern the network was closest to at stimulus onset and at the end of the delay", []string{"condition", "trial",
		"pattern before stimulus", "pattern at end", "m of cued pattern at end", "delay regime", "Lyapunov exponent (1/s)"}, rows)
	for _, f := range figs {
		_ = r.Figure(f.png, f.caption)
	}
	if len(spont) > 0 {
		spontaneousSection(r, c, res, spont)
	}
}

// spontaneousSection explains trials in which the network retrieved a
// stored pattern before any stimulus (results/pb-background).
func spontaneousSection(r *report.Report, c *Config, res *Result, spont []*Trace) {
	r.Section("Spontaneous retrieval before the stimulus")
	r.Paragraph(fmt.Sprintf("In %d of %d trials the network had already settled into a stored pattern (m > %g) during the %.0f ms background, before any stimulus. This is a finite-size property of the model, not of the protocol: the mean-field background is stable (A⟨g f φ′⟩ ≈ 0.8 at α = 0.12), but at finite N the per-pattern gains λ_μ spread (SD ∝ N^(-1/2)) and, together with the finite-K random part of the connectivity, the largest one reaches the instability; the background then condenses into that pattern, argmax λ_μ. A stimulus presented afterwards starts from a retrieval state: a familiar one switches the network to the cued memory, a novel one leaves the spontaneously retrieved pattern in place. At K = 250 and p = 30 the background was stable from N ≈ 10⁵ on (seeds 1–5; the engram demo runs there); examples/pb-spontaneous.toml reproduces the effect at N = 20 000 and results/pb-background/README.md has the scan over N and seeds.",
		len(spont), len(res.Traces), c.Protocol.SuccessThreshold, c.Protocol.BackgroundMs))
	if len(res.Couplings) == 0 {
		return
	}
	order := make([]int, len(res.Couplings))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(res.Couplings[b], res.Couplings[a]) })
	var rows [][]string
	for rank, mu := range order[:min(10, len(order))] {
		var in []string
		for _, t := range spont {
			if t.PatternBefore == mu {
				in = append(in, fmt.Sprintf("%s %d (m = %.3f)", t.Condition, t.Trial, t.MMaxBefore))
			}
		}
		rows = append(rows, []string{fmt.Sprint(rank + 1), fmt.Sprint(mu), fmt.Sprintf("%.4f", res.Couplings[mu]), strings.Join(in, ", ")})
	}
	r.Table("The ten largest per-pattern gains λ_μ (all in res/background_couplings.tsv) and the trials that retrieved each pattern before the stimulus",
		[]string{"rank", "pattern μ", "λ_μ", "retrieved spontaneously in (condition, trial)"}, rows)
}

func fmtVal(v any) any {
	if f, ok := v.(float64); ok {
		return fmt.Sprintf("%.4g", f)
	}
	return v
}
