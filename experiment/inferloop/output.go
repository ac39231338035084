package inferloop

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/engramsim/engram/infer"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/store"
)

// ParamNames lists the nine inferred parameters in infer's order (the
// order of infer.CompareParams and of the params.tsv column groups).
func ParamNames() []string {
	return []string{"r_max_hz", "beta", "h0", "C", "A", "q_f", "beta_f_per_hz", "x_f_hz", "q_g"}
}

// Estimates returns the nine estimates of r in ParamNames order.
func Estimates(r infer.NeuronResult) []infer.Estimate {
	t, u := r.TransferFit, r.RuleFit
	return []infer.Estimate{t.RMaxHz, t.Beta, t.H0, u.C, u.A, u.QF, u.BetaFPerHz, u.XFHz, u.QG}
}

// ParamsVec returns the nine values of p in ParamNames order.
func ParamsVec(p infer.Params) []float64 {
	return []float64{p.RMaxHz, p.Beta, p.H0, p.C, p.A, p.QF, p.BetaFPerHz, p.XFHz, p.QG}
}

// ParamsFromVec is the inverse of ParamsVec (v has nine entries).
func ParamsFromVec(v []float64) infer.Params {
	return infer.Params{RMaxHz: v[0], Beta: v[1], H0: v[2], C: v[3], A: v[4], QF: v[5], BetaFPerHz: v[6], XFHz: v[7], QG: v[8]}
}

// WriteParamsTSV writes one row per neuron: id, n_novel, n_familiar, then
// for every parameter <name>, <name>_ci_lo, <name>_ci_hi, <name>_se and
// <name>_at_bound, then the rank-preservation check and the warning count.
func WriteParamsTSV(path string, res []infer.NeuronResult) error {
	header := []string{"id", "n_novel", "n_familiar"}
	for _, n := range ParamNames() {
		header = append(header, n, n+"_ci_lo", n+"_ci_hi", n+"_se", n+"_at_bound")
	}
	header = append(header, "rank_min_slope", "rank_violated", "mean_novel_hz", "sd_novel_hz", "boot_replicates", "boot_failed", "warnings")
	w, err := store.NewTSVWriter(path, header)
	if err != nil {
		return err
	}
	for _, r := range res {
		row := []any{r.ID, r.NNovel, r.NFamiliar}
		for _, e := range Estimates(r) {
			row = append(row, e.Value, e.Lo, e.Hi, e.SE, e.AtBound)
		}
		row = append(row, r.Rank.MinSlope, r.Rank.Violated, r.MeanNovelHz, r.SDNovelHz, r.Boot.Replicates, r.Boot.Failed, len(r.Warnings))
		if err := w.Row(row...); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// FileTag turns a neuron id into a file-name-safe tag: characters other
// than letters, digits, '.', '-' and '_' become '_'. used holds the tags
// already given out; a repeated tag gets the suffix _<k>.
func FileTag(id string, used map[string]bool) string {
	var b strings.Builder
	for _, c := range id {
		if c < 128 && (c == '.' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	t := b.String()
	if t == "" || t[0] == '.' {
		t = "n" + t
	}
	base := t
	for k := 2; used[t]; k++ {
		t = fmt.Sprintf("%s_%d", base, k)
	}
	used[t] = true
	return t
}

// tomlFloat formats a finite float as a TOML float literal.
func tomlFloat(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

// RulePresetTOML returns a TOML fragment with the [transfer] and [rule]
// sections of experiment/pbnet (keys kind, r_max_hz, beta, h0; A, q_f,
// beta_f_per_hz, x_f_hz) holding r's point estimates, plus the same values
// as --set flags in a comment. g takes f's shape (x_g = x_f, β_g = β_f) and
// q_g is re-solved by the network from E[g] = 0, as in the inference.
// Append it to a pb-dms or infer-loop config that has no [transfer] or
// [rule] table of its own. A non-finite value (e.g. A when centring g
// failed) is left out with a comment, so the fragment then does not
// validate until the user supplies it.
func RulePresetTOML(r infer.NeuronResult, source string) string {
	t, u := r.TransferFit, r.RuleFit
	var b strings.Builder
	fmt.Fprintf(&b, "# engram infer: transfer function and learning rule of neuron %q\n", r.ID)
	if source != "" {
		fmt.Fprintf(&b, "# data: %s (%d novel, %d familiar rates)\n", source, r.NNovel, r.NFamiliar)
	}
	b.WriteString("# Point estimates; CIs are in res/params.tsv. q_g is re-solved from E[g] = 0 by the network\n")
	fmt.Fprintf(&b, "# (inferred q_g = %s); g has f's shape (x_g = x_f, beta_g = beta_f).\n", store.FormatFloat(u.QG.Value))
	fmt.Fprintf(&b, "# Use it with `engram run <config> --rule-from <this infer run directory>#%s`, or append it to a\n", r.ID)
	b.WriteString("# pb-dms config (or infer-loop with truth.preset = \"\") without its own [transfer] and [rule]\n# tables, or pass:\n#  ")
	type kv struct {
		sec, key string
		v        float64
	}
	kvs := []kv{{"transfer", "r_max_hz", t.RMaxHz.Value}, {"transfer", "beta", t.Beta.Value}, {"transfer", "h0", t.H0.Value},
		{"rule", "A", u.A.Value}, {"rule", "q_f", u.QF.Value}, {"rule", "beta_f_per_hz", u.BetaFPerHz.Value}, {"rule", "x_f_hz", u.XFHz.Value}}
	b.WriteString(" --set transfer.kind=sigmoid")
	for _, e := range kvs {
		if !math.IsNaN(e.v) && !math.IsInf(e.v, 0) {
			fmt.Fprintf(&b, " --set %s.%s=%s", e.sec, e.key, tomlFloat(e.v))
		}
	}
	b.WriteString("\n")
	sec := ""
	for _, e := range kvs {
		if e.sec != sec {
			sec = e.sec
			fmt.Fprintf(&b, "\n[%s]\n", sec)
			if sec == "transfer" {
				b.WriteString("kind = \"sigmoid\"\n")
			}
		}
		if math.IsNaN(e.v) || math.IsInf(e.v, 0) {
			fmt.Fprintf(&b, "# %s is undefined for this neuron (%v); set it before use\n", e.key, e.v)
			continue
		}
		fmt.Fprintf(&b, "%s = %s\n", e.key, tomlFloat(e.v))
	}
	return b.String()
}

// Figure is a written figure and its caption.
type Figure struct{ PNG, Caption string }

// NeuronFigures writes the three figures of one neuron into dir with the
// file tag tag: rate histograms (novel vs familiar), empirical vs fitted φ
// with bootstrap bands, and rank-matched Δh against the novel rate with the
// fitted C·f(r) and its band. Bands are drawn as dashed lines at the
// pointwise percentile limits.
func NeuronFigures(dir, tag string, nd infer.NeuronData, r infer.NeuronResult) ([]Figure, error) {
	var figs []Figure
	lvl := 100 * r.Settings.Level
	base := filepath.Join(dir, "hist_"+tag)
	if _, err := plot.Histogram(base, plot.HistSpec{Title: fmt.Sprintf("Neuron %s: responses across stimuli", r.ID), XLabel: "rate (Hz)", YLabel: "density",
		Series: []plot.HistSeries{{Name: fmt.Sprintf("novel (n = %d)", len(nd.Novel)), Values: nd.Novel}, {Name: fmt.Sprintf("familiar (n = %d)", len(nd.Familiar)), Values: nd.Familiar}},
		Bins:   histBins(len(nd.Novel) + len(nd.Familiar)), Density: true}); err != nil {
		return nil, err
	}
	figs = append(figs, Figure{base + ".png", fmt.Sprintf("Neuron %s: distributions of the responses to novel and to familiar stimuli (the data of the inference).", r.ID)})

	c := r.Curves
	base = filepath.Join(dir, "phi_"+tag)
	s := []plot.Series{
		{Name: "empirical F_N⁻¹(Φ_G(h))", X: c.PhiEmpirical.X, Y: c.PhiEmpirical.Y, Color: 0},
		{Name: fmt.Sprintf("empirical %.0f%% band", lvl), X: c.PhiEmpirical.X, Y: c.PhiEmpirical.Lo, Color: 0, Dashed: true},
		{X: c.PhiEmpirical.X, Y: c.PhiEmpirical.Hi, Color: 0, Dashed: true},
		{Name: "logistic fit", X: c.PhiLogistic.X, Y: c.PhiLogistic.Y, Color: 1},
		{Name: fmt.Sprintf("fit %.0f%% band", lvl), X: c.PhiLogistic.X, Y: c.PhiLogistic.Lo, Color: 1, Dashed: true},
		{X: c.PhiLogistic.X, Y: c.PhiLogistic.Hi, Color: 1, Dashed: true},
	}
	if _, err := plot.Lines(base, plot.LineSpec{Title: fmt.Sprintf("Neuron %s: transfer function", r.ID), XLabel: "input h (SD of novel input)", YLabel: "rate (Hz)",
		Series: dropEmpty(s), Legend: true}); err != nil {
		return nil, err
	}
	t := r.TransferFit
	figs = append(figs, Figure{base + ".png", fmt.Sprintf("Neuron %s: quantile-mapped φ (novel rates vs Gaussian input) and the logistic fit r_max = %.3g Hz, β = %.3g, h0 = %.3g; dashed: pointwise %.0f%% bootstrap bands.",
		r.ID, t.RMaxHz.Value, t.Beta.Value, t.H0.Value, lvl)})

	base = filepath.Join(dir, "dh_"+tag)
	u := r.RuleFit
	s = []plot.Series{
		{Name: "rank-matched Δh(u)", X: c.DeltaHPointsRHz, Y: c.DeltaHPoints, Points: true, Color: 2},
		{Name: "fit C·f(r)", X: c.DeltaHFit.X, Y: c.DeltaHFit.Y, Color: 3},
		{Name: fmt.Sprintf("fit %.0f%% band", lvl), X: c.DeltaHFit.X, Y: c.DeltaHFit.Lo, Color: 3, Dashed: true},
		{X: c.DeltaHFit.X, Y: c.DeltaHFit.Hi, Color: 3, Dashed: true},
	}
	if _, err := plot.Lines(base, plot.LineSpec{Title: fmt.Sprintf("Neuron %s: input change vs novel rate", r.ID), XLabel: "novel rate r (Hz)", YLabel: "Δh (SD of novel input)",
		Series: dropEmpty(s), Legend: true}); err != nil {
		return nil, err
	}
	figs = append(figs, Figure{base + ".png", fmt.Sprintf("Neuron %s: Δh against the novel rate at matched quantiles, and the fit C·f(r) with C = %.3g, q_f = %.3g, β_f = %.3g /Hz, x_f = %.3g Hz (f ∝ Δh: depression below, potentiation above x_f); dashed: %.0f%% band.",
		r.ID, u.C.Value, u.QF.Value, u.BetaFPerHz.Value, u.XFHz.Value, lvl)})
	return figs, nil
}

// histBins chooses about √n bins between 15 and 60.
func histBins(n int) int {
	return max(15, min(60, int(math.Sqrt(float64(n)))))
}

// dropEmpty removes series without points and bands that are all NaN (no
// bootstrap).
func dropEmpty(s []plot.Series) []plot.Series {
	out := s[:0:0]
	for _, e := range s {
		ok := false
		for _, y := range e.Y {
			if !math.IsNaN(y) {
				ok = true
				break
			}
		}
		if ok && len(e.X) == len(e.Y) {
			out = append(out, e)
		}
	}
	return out
}

// PopulationFigure plots each neuron's x_f against the mean and the SD of
// its novel rates (Lim et al.: x_f correlates with both), with the CI of x_f
// as error bars. It returns the figure and the population summary (nil
// when fewer than 3 neurons: no correlations).
func PopulationFigure(dir string, res []infer.NeuronResult) (Figure, *infer.Population, error) {
	var mx, sx, y, ye []float64
	for _, r := range res {
		x := r.RuleFit.XFHz
		mx = append(mx, r.MeanNovelHz)
		sx = append(sx, r.SDNovelHz)
		y = append(y, x.Value)
		e := 0.5 * (x.Hi - x.Lo)
		if math.IsNaN(e) {
			e = 0
		}
		ye = append(ye, e)
	}
	base := filepath.Join(dir, "population_xf")
	if _, err := plot.Lines(base, plot.LineSpec{Title: "Threshold x_f vs novel-rate statistics", XLabel: "mean or SD of novel rates (Hz)", YLabel: "x_f (Hz)",
		Series: []plot.Series{{Name: "vs mean", X: mx, Y: y, YErr: ye, Points: true, Color: 0}, {Name: "vs SD", X: sx, Y: y, YErr: ye, Points: true, Color: 1}},
		Legend: true}); err != nil {
		return Figure{}, nil, err
	}
	cap := fmt.Sprintf("x_f of each of the %d neurons against the mean and the SD of its novel rates; bars: half-width of the CI of x_f.", len(res))
	var pop *infer.Population
	if p, err := infer.PopulationSummary(res); err == nil {
		pop = &p
		cap += fmt.Sprintf(" Pearson r(x_f, mean) = %.2f, r(x_f, SD) = %.2f; Spearman %.2f, %.2f (point estimates, bound hits included).",
			p.PearsonXFMean, p.PearsonXFSD, p.SpearmanXFMean, p.SpearmanXFSD)
	}
	return Figure{base + ".png", cap}, pop, nil
}

// fmtEst formats an estimate as "value [lo, hi]" with a * for a bound hit.
func fmtEst(e infer.Estimate) string {
	s := fmt.Sprintf("%.4g", e.Value)
	if !math.IsNaN(e.Lo) && !math.IsNaN(e.Hi) {
		s += fmt.Sprintf(" [%.3g, %.3g]", e.Lo, e.Hi)
	}
	if e.AtBound {
		s += " *"
	}
	return s
}

// AddParamTable adds the per-neuron parameter table and the warnings of res
// to rep.
func AddParamTable(rep *report.Report, res []infer.NeuronResult) {
	if rep == nil || len(res) == 0 {
		return
	}
	header := append([]string{"neuron", "n nov/fam"}, ParamNames()...)
	header = append(header, "rank ok")
	var rows [][]string
	for _, r := range res {
		row := []string{r.ID, fmt.Sprintf("%d/%d", r.NNovel, r.NFamiliar)}
		for _, e := range Estimates(r) {
			row = append(row, fmtEst(e))
		}
		ok := "yes"
		if r.Rank.Violated {
			ok = fmt.Sprintf("no (slope %.2f at %.3g Hz)", r.Rank.MinSlope, r.Rank.AtRateHz)
		}
		rows = append(rows, append(row, ok))
	}
	st := res[0].Settings
	rep.Table(fmt.Sprintf("Point estimates with %.0f%% percentile-bootstrap CIs (%d replicates, resampling stimuli within each condition); * = on a fit bound (a bound, not a measurement). Units: r_max, x_f in Hz; β_f in 1/Hz; h0, C in SD of the novel input.",
		100*st.Level, st.Bootstrap), header, rows)
	var warn [][]string
	for _, r := range res {
		for _, w := range r.Warnings {
			warn = append(warn, []string{r.ID, w})
		}
	}
	if len(warn) > 0 {
		rep.Table("Warnings", []string{"neuron", "warning"}, warn)
	}
}

// WriteOutputs writes the standard inference outputs of res into the run
// directory dir: res/params.tsv, res/rule_preset_<tag>.toml, and figures
// for the first maxFigNeurons neurons plus the population figure, and adds
// the parameter table and figures to rep (may be nil). data must be the
// dataset res was inferred from (same order). It returns the written
// preset files.
func WriteOutputs(dir string, data []infer.NeuronData, res []infer.NeuronResult, source string, maxFigNeurons int, rep *report.Report) ([]string, error) {
	for _, sub := range []string{"res", "figs"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, err
		}
	}
	if err := WriteParamsTSV(filepath.Join(dir, "res", "params.tsv"), res); err != nil {
		return nil, err
	}
	used := map[string]bool{}
	var presets []string
	var figs []Figure
	for i, r := range res {
		tag := FileTag(r.ID, used)
		p := filepath.Join(dir, "res", "rule_preset_"+tag+".toml")
		if err := os.WriteFile(p, []byte(RulePresetTOML(r, source)), 0o644); err != nil {
			return nil, err
		}
		presets = append(presets, p)
		if i < maxFigNeurons {
			f, err := NeuronFigures(filepath.Join(dir, "figs"), tag, data[i], r)
			if err != nil {
				return nil, err
			}
			figs = append(figs, f...)
		}
	}
	pf, pop, err := PopulationFigure(filepath.Join(dir, "figs"), res)
	if err != nil {
		return nil, err
	}
	if rep != nil {
		AddParamTable(rep, res)
		if len(res) > maxFigNeurons {
			rep.Paragraph(fmt.Sprintf("Per-neuron figures are shown for the first %d of %d neurons.", maxFigNeurons, len(res)))
		}
		for _, f := range figs {
			if err := rep.Figure(f.PNG, f.Caption); err != nil {
				return nil, err
			}
		}
		if pop != nil || len(res) > 1 {
			if err := rep.Figure(pf.PNG, pf.Caption); err != nil {
				return nil, err
			}
		}
	}
	return presets, nil
}
