package corrstim

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/store"
)

// Def registers the experiment.
func Def() experiment.Def {
	return experiment.Typed("corr-vs-stimulus",
		"DG/CPP-correlated input channels into an E/I LIF network: do output correlations follow input correlations? (information spec §5)",
		Defaults, Run, (*Config).EstimateBytes)
}

func nanInt(v int) float64 {
	if v == 0 {
		return math.NaN()
	}
	return float64(v)
}

// Run simulates the sweep and writes res/conditions.tsv, res/p_k.tsv,
// res/pairs.tsv (the showcase condition and its null), the figures and the
// report.
func Run(ctx context.Context, c *Config, env *experiment.Env) (experiment.Summary, error) {
	outs, skipped, err := c.Simulate(ctx, env.Workers, env.Progress)
	if err != nil {
		return nil, err
	}
	hdr := []string{"rho_in", "xi_in", "recurrence", "null", "rate_e_hz", "rho_in_measured", "xi_hat_in", "rho_current", "rho_out", "rho_out_sd",
		"xi_hat_out", "xi_aborted", "i2_over_in", "tc_nats", "note"}
	tw, err := store.NewTSVWriter(env.Path("res", "conditions.tsv"), hdr)
	if err != nil {
		return nil, err
	}
	for _, o := range outs {
		if err := tw.Row(o.RhoIn, o.XiIn, o.Recurrence, o.Null, o.RateE, o.RhoInMeasured, nanInt(o.XiHatIn), o.RhoCurrent, o.RhoOut, o.RhoOutSD,
			nanInt(o.XiHat), o.XiAborted, o.I2Ratio, o.TC, o.Note); err != nil {
			tw.Abort()
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	pw, err := store.NewTSVWriter(env.Path("res", "p_k.tsv"), []string{"rho_in", "xi_in", "recurrence", "null", "k", "p_observed", "p_independent"})
	if err != nil {
		return nil, err
	}
	for _, o := range outs {
		for k := range max(len(o.PK), len(o.PKIndependent)) {
			po, pi := 0.0, 0.0
			if k < len(o.PK) {
				po = o.PK[k]
			}
			if k < len(o.PKIndependent) {
				pi = o.PKIndependent[k]
			}
			if err := pw.Row(o.RhoIn, o.XiIn, o.Recurrence, o.Null, k, po, pi); err != nil {
				pw.Abort()
				return nil, err
			}
		}
	}
	if err := pw.Close(); err != nil {
		return nil, err
	}

	// ρ_out vs ρ_in, ξ̂ and I₂/I_N vs ρ_in: one series per (ξ_in, recurrence, null)
	type key struct {
		xi   int
		rec  float64
		null bool
	}
	groups := map[key][]*Outcome{}
	var keys []key
	for _, o := range outs {
		k := key{o.XiIn, o.Recurrence, o.Null}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], o)
	}
	series := func(f func(*Outcome) float64, withErr func(*Outcome) float64) []plot.Series {
		var ss []plot.Series
		for ci, k := range keys {
			g := groups[k]
			s := plot.Series{Name: fmt.Sprintf("ξ_in = %d, rec. %g", k.xi, k.rec), Points: !k.null, Dashed: k.null, Color: ci / 2}
			if !c.Sweep.Null {
				s.Color = ci
			}
			if k.null {
				s.Name += " (shuffled)"
			}
			for _, o := range g {
				s.X, s.Y = append(s.X, o.RhoIn), append(s.Y, f(o))
				if withErr != nil {
					s.YErr = append(s.YErr, withErr(o))
				}
			}
			ss = append(ss, s)
		}
		return ss
	}
	figs := []struct {
		name, title, ylabel, caption string
		f, e                         func(*Outcome) float64
	}{
		{"rho_out_vs_rho_in", "output vs input pairwise correlation", "mean ρ_out (± SD over pairs)", "mean pairwise count correlation of the recorded E neurons against the input channels' ρ_in; dashed: trial-shuffled input (res/conditions.tsv)",
			func(o *Outcome) float64 { return o.RhoOut }, func(o *Outcome) float64 { return o.RhoOutSD }},
		{"xi_hat_vs_rho_in", "CuBIC order of the output", "ξ̂ (lower bound on the correlation order)", "CuBIC ξ̂ of the E population count (ξ_max + 1 when aborted)",
			func(o *Outcome) float64 { return nanInt(o.XiHat) }, nil},
		{"i2_ratio_vs_rho_in", "pairwise share of the multi-information", "I₂/I_N (groups of 10)", "mean I₂/I_N of the pairwise maximum-entropy fits on random groups of 10 recorded neurons (plug-in I_N: biased up when the words are undersampled)",
			func(o *Outcome) float64 { return o.I2Ratio }, nil},
		{"tc_vs_rho_in", "total correlation of the count vectors", "TC (nats, Gaussian, Wishart-corrected)", "Gaussian total correlation of the binned counts of run.tc_units recorded neurons",
			func(o *Outcome) float64 { return o.TC }, nil},
	}
	rep := env.Report
	rep.Section("Network vs stimulus correlations")
	n := c.Network
	rep.Paragraph(fmt.Sprintf("%d E + %d I LIF neurons (Brunel type, J = %g mV × recurrence, g = %g, k_e = %d, k_i = %d, delay %g ms, background η = %g); %d input channels at %g Hz, each neuron receiving %d of them with weight %g mV. "+
		"ξ_in = 1: dichotomised Gaussian in %g-ms bins; ξ_in ≥ 2: compound Poisson with correlated events of exactly that order. %g ms recorded after %g ms; correlations in %g-ms bins, words in %g-ms bins. "+
		"The shuffled null keeps every channel's marginal law and removes the cross-channel correlations.",
		n.NE, n.NI, n.JMV, n.G, n.KE, n.KI, n.DelayMs, n.Eta, c.Input.Channels, c.Input.RateHz, c.Input.KIn, c.Input.JInMV,
		c.Input.DGBinMs, c.Run.DurationMs, c.Run.TransientMs, c.Run.CorrBinMs, c.Run.WordBinMs))
	if len(skipped) > 0 {
		var s []string
		for _, k := range skipped {
			s = append(s, k.String())
		}
		rep.Paragraph(fmt.Sprintf("Skipped (order-ξ events cannot carry ρ_in > (ξ−1)/(M−1) = …): %s.", strings.Join(s, "; ")))
	}
	for _, f := range figs {
		if _, err := plot.Lines(env.Path("figs", f.name), plot.LineSpec{Title: f.title, XLabel: "input ρ_in", YLabel: f.ylabel, Legend: true, Series: series(f.f, f.e)}); err != nil {
			return nil, err
		}
		_ = rep.Figure(env.Path("figs", f.name+".png"), f.caption)
	}
	// showcase: the largest ρ_in with ξ_in = the first listed, the largest recurrence, and its null
	var show, showNull *Outcome
	for _, o := range outs {
		if o.XiIn != c.Sweep.XiIn[0] || o.Recurrence != slices.Max(c.Sweep.Recurrence) {
			continue
		}
		if !o.Null && (show == nil || o.RhoIn > show.RhoIn) {
			show = o
		}
		if o.Null && (showNull == nil || o.RhoIn > showNull.RhoIn) {
			showNull = o
		}
	}
	if show != nil && len(show.PairOut) > 0 {
		ss := []plot.Series{{Name: show.Condition.String(), X: show.PairCurrent, Y: show.PairOut, Points: true, Color: 0}}
		rows := [][]float64{{}, {}, {}}
		add := func(o *Outcome, null float64) {
			for i := range o.PairOut {
				rows[0], rows[1], rows[2] = append(rows[0], null), append(rows[1], o.PairCurrent[i]), append(rows[2], o.PairOut[i])
			}
		}
		add(show, 0)
		if showNull != nil && len(showNull.PairOut) > 0 {
			ss = append(ss, plot.Series{Name: showNull.Condition.String(), X: showNull.PairCurrent, Y: showNull.PairOut, Points: true, Color: 1})
			add(showNull, 1)
		}
		if err := store.WriteTSV(env.Path("res", "pairs.tsv"), []string{"null", "rho_input_current", "rho_out"}, rows...); err != nil {
			return nil, err
		}
		if _, err := plot.Lines(env.Path("figs", "pairs_scatter"), plot.LineSpec{Title: "Σ_out vs Σ_in (pairs)", XLabel: "ρ of the summed input counts", YLabel: "ρ_out", Legend: true, Series: ss}); err != nil {
			return nil, err
		}
		_ = rep.Figure(env.Path("figs", "pairs_scatter.png"), "every recorded pair: output count correlation against the correlation of the two neurons' summed input (res/pairs.tsv)")
		rank := func(v []float64) []float64 {
			x := make([]float64, len(v))
			for i := range x {
				x[i] = float64(i + 1)
			}
			return x
		}
		es := []plot.Series{{Name: "output", X: rank(show.EigOut), Y: show.EigOut, Color: 0}, {Name: "input currents", X: rank(show.EigCurrent), Y: show.EigCurrent, Dashed: true, Color: 2}}
		if _, err := plot.Lines(env.Path("figs", "eigenspectra"), plot.LineSpec{Title: "eigenvalues of the correlation matrices (" + show.Condition.String() + ")", XLabel: "rank", YLabel: "eigenvalue", LogY: true, LogX: true, Legend: true, Series: es}); err != nil {
			return nil, err
		}
		_ = rep.Figure(env.Path("figs", "eigenspectra.png"), "eigenspectra of the output and input-current correlation matrices of the recorded neurons")
		kk := func(v []float64) []float64 { return rank(v)[:len(v)] }
		shift := func(x []float64) []float64 {
			out := make([]float64, len(x))
			for i := range x {
				out[i] = x[i] - 1
			}
			return out
		}
		ps := []plot.Series{{Name: "observed", X: shift(kk(show.PK)), Y: zerosNaN(show.PK), Points: true, Color: 0},
			{Name: "independent", X: shift(kk(show.PKIndependent)), Y: zerosNaN(show.PKIndependent), Dashed: true, Color: 2}}
		if showNull != nil {
			ps = append(ps, plot.Series{Name: "shuffled input", X: shift(kk(showNull.PK)), Y: zerosNaN(showNull.PK), Points: true, Color: 1})
		}
		if _, err := plot.Lines(env.Path("figs", "p_k"), plot.LineSpec{Title: "P(K) of the recorded neurons (" + show.Condition.String() + ")", XLabel: "K (active in a word bin)", YLabel: "P(K)", LogY: true, Legend: true, Series: ps}); err != nil {
			return nil, err
		}
		_ = rep.Figure(env.Path("figs", "p_k.png"), "population count distribution against the independent (Poisson-binomial) prediction and the shuffled null (res/p_k.tsv)")
	}
	var table [][]string
	for _, o := range outs {
		table = append(table, []string{fmt.Sprint(o.RhoIn), fmt.Sprint(o.XiIn), fmt.Sprint(o.Recurrence), fmt.Sprint(o.Null), fmt.Sprintf("%.1f", o.RateE),
			fmt.Sprintf("%.3f", o.RhoInMeasured), fmt.Sprintf("%.3f", o.RhoCurrent), fmt.Sprintf("%.3f ± %.3f", o.RhoOut, o.RhoOutSD), fmt.Sprint(o.XiHat), fmt.Sprintf("%.3f", o.I2Ratio), fmt.Sprintf("%.3f", o.TC)})
	}
	rep.Table("conditions (res/conditions.tsv)", []string{"ρ_in", "ξ_in", "recurrence", "shuffled", "rate E (Hz)", "ρ_in measured", "ρ input current", "ρ_out", "ξ̂ out", "I₂/I_N", "TC (nats)"}, table)
	col := func(f func(*Outcome) float64) []float64 {
		v := make([]float64, len(outs))
		for i, o := range outs {
			v[i] = f(o)
		}
		return v
	}
	return experiment.Summary{
		"conditions": len(outs), "skipped": len(skipped),
		"rho_in":     col(func(o *Outcome) float64 { return o.RhoIn }),
		"xi_in":      col(func(o *Outcome) float64 { return float64(o.XiIn) }),
		"recurrence": col(func(o *Outcome) float64 { return o.Recurrence }),
		"null":       col(func(o *Outcome) float64 { return map[bool]float64{true: 1}[o.Null] }),
		"rho_out":    col(func(o *Outcome) float64 { return o.RhoOut }),
		"xi_hat_out": col(func(o *Outcome) float64 { return nanInt(o.XiHat) }),
		"i2_over_in": col(func(o *Outcome) float64 { return o.I2Ratio }),
		"rate_e_hz":  col(func(o *Outcome) float64 { return o.RateE }),
	}, nil
}

func zerosNaN(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x
		if x == 0 {
			out[i] = math.NaN()
		}
	}
	return out
}
