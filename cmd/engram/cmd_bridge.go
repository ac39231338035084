package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/model/spike/bridge"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/runner"
	"github.com/engramsim/engram/store"
)

// bridgeCmd is `engram bridge`: the rate-limit bridge of a plasticity rule
// (stdp-memory.md §4; the science is in model/spike/bridge).
func (a *app) bridgeCmd() *cobra.Command {
	var rates, method string
	var durationS, warmupS, dtMs, w, nuLo, nuHi, coding float64
	var synapses int
	cmd := &cobra.Command{
		Use:   "bridge <rule|preset|rule.toml>",
		Short: "Rate-limit bridge of an STDP rule: drift D(ν_post, ν_pre), separability, (f, g), step family and α_c of the rate memory",
		Long: `bridge computes the drift D(ν_post, ν_pre) = ⟨ẇ⟩ of a plasticity rule under independent
Poisson pre/post trains on a rate grid (rows ν_post, columns ν_pre, weight units per
second), its SVD separability σ₁²/Σσ² with f = σ₁u₁ and g = v₁ (g increasing), and, for
binary patterns (non-members at --nu-lo, members at --nu-hi, coding level --coding),
the rule's step-family parameters q_f, Δq and the mean-field capacity
alpha_c_mft = (E[g²]/E[f²])/π of Pereira & Brunel (stdp-memory.md §4.4).

The rule is a rule name with its defaults (pair, gutig, vanrossum, triplet, istdp,
p10, vstdp), minimal-triplet (θ = 3 Hz), a network preset (its E→E rule, e.g.
zag2015, lkd2014) or a TOML file with the keys of a plasticity rule (rule, w_min,
w_max, [p10] …), or a bridge run's config.resolved.toml (reruns it).

The voltage rule (vstdp) has no closed form: it is measured with LKD's E neurons
driven to each ν_post by calibrated Poisson input (post_achieved_hz, drive_hz in
the JSON).

--method auto uses the rule's closed form when it has one, and measures the drift
open loop with the engine's rule (independent Poisson trains, weights held) when it
has none or when --duration-s or --synapses is given.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(a.sets) > 0 {
				return fmt.Errorf("bridge: --set does not apply (use a rule TOML file)")
			}
			src := args[0]
			rs, from, fileCfg, err := bridgeRule(src)
			if err != nil {
				return err
			}
			ch := cmd.Flags().Changed
			if fileCfg != nil {
				// a run's config.resolved.toml: its settings, unless a flag is given
				c := fileCfg
				if !ch("rates") {
					rates = joinRates(c.RatesHz)
				}
				if !ch("method") && c.Method != "" {
					method = c.Method
				}
				set := func(name string, dst *float64, v float64) {
					if !ch(name) {
						*dst = v
					}
				}
				set("duration-s", &durationS, c.DurationS)
				set("warmup-s", &warmupS, c.WarmupS)
				set("dt-ms", &dtMs, c.DtMs)
				set("w", &w, c.W)
				if !ch("synapses") {
					synapses = c.Synapses
				}
				if c.Pattern != nil {
					set("nu-lo", &nuLo, c.Pattern.NuLoHz)
					set("nu-hi", &nuHi, c.Pattern.NuHiHz)
					set("coding", &coding, c.Pattern.P)
				}
				if !ch("seed") && c.Seed != 0 {
					a.seed = c.Seed
				}
				src = c.Source
			}
			grid, err := parseRates(rates)
			if err != nil {
				return err
			}
			if _, err := bridge.CheckRates(grid, "--rates"); err != nil {
				return err
			}
			m := method
			switch method {
			case "auto":
				if ch("duration-s") || ch("synapses") {
					m = bridge.MethodMeasured
				}
			case "closed", bridge.MethodClosed:
				m = bridge.MethodClosed
			case bridge.MethodMeasured:
			default:
				return fmt.Errorf("--method %q: want auto, closed or measured", method)
			}
			for _, v := range []struct {
				name string
				x    float64
			}{{"--duration-s", durationS}, {"--warmup-s", warmupS}, {"--dt-ms", dtMs}, {"--w", w}} {
				if math.IsNaN(v.x) || math.IsInf(v.x, 0) || v.x < 0 {
					return fmt.Errorf("%s = %v must be a finite number ≥ 0", v.name, v.x)
				}
			}
			if ch("duration-s") && !(durationS > 0) {
				return fmt.Errorf("--duration-s = %v must be > 0", durationS)
			}
			if synapses < 0 || ch("synapses") && synapses == 0 {
				return fmt.Errorf("--synapses = %d must be ≥ 1", synapses)
			}
			pat := &bridge.Pattern{NuLoHz: nuLo, NuHiHz: nuHi, P: coding}
			if err := pat.Validate(); err != nil {
				return fmt.Errorf("--nu-lo/--nu-hi/--coding: %v", err)
			}
			seed := uint64(1)
			if ch("seed") || fileCfg != nil && a.seed != 0 {
				seed = a.seed
			}
			cfg, err := (bridge.Config{Source: src, RatesHz: grid, Method: m, DurationS: durationS, WarmupS: warmupS, Synapses: synapses,
				DtMs: dtMs, W: w, Seed: seed, Pattern: pat, Rule: rs}).Resolved()
			if err != nil {
				return err
			}
			return a.bridgeRun(cmd, &cfg, from)
		},
	}
	f := cmd.Flags()
	f.StringVar(&rates, "rates", "1,2,5,10,20,40", "rate grid in Hz (comma-separated, both axes)")
	f.StringVar(&method, "method", "auto", "auto, closed (the rule's Poisson-limit closed form) or measured (open-loop simulation)")
	f.Float64Var(&durationS, "duration-s", 0, "measured: biological seconds per grid point (default 20; implies --method measured under auto)")
	f.Float64Var(&warmupS, "warmup-s", 0, "measured: warm-up seconds (default max(1, 8 × the slowest trace τ))")
	f.IntVar(&synapses, "synapses", 0, "measured: independent synapses per grid point (default 500)")
	f.Float64Var(&dtMs, "dt-ms", 0, "measured: time step in ms (default 0.1)")
	f.Float64Var(&w, "w", 0, "weight at which the drift is evaluated (default: the middle of the rule's bounds)")
	f.Float64Var(&nuLo, "nu-lo", 2, "binary patterns: non-member rate ν_lo in Hz")
	f.Float64Var(&nuHi, "nu-hi", 30, "binary patterns: member rate ν_hi in Hz")
	f.Float64Var(&coding, "coding", 0.05, "binary patterns: coding level p (fraction of members)")
	return cmd
}

// bridgeRule resolves the positional argument: an existing file or a
// *.toml name is a rule file or a run's config.resolved.toml (fileCfg),
// anything else a rule or preset name.
func bridgeRule(src string) (rs spike.RuleSpec, from string, fileCfg *bridge.Config, err error) {
	if st, serr := os.Stat(src); (serr == nil && !st.IsDir()) || strings.HasSuffix(src, ".toml") {
		rs, fileCfg, err = bridge.LoadFile(src)
		return rs, "file " + src, fileCfg, err
	}
	rs, from, err = bridge.RuleFrom(src)
	return rs, from, nil, err
}

func joinRates(r []float64) string {
	s := make([]string, len(r))
	for i, v := range r {
		s[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}

// parseRates parses a comma-separated list of numbers.
func parseRates(s string) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("--rates: empty rate grid")
	}
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, fmt.Errorf("--rates: %q is not a number", strings.TrimSpace(f))
		}
		out = append(out, v)
	}
	return out, nil
}

func (a *app) bridgeRun(cmd *cobra.Command, cfg *bridge.Config, from string) error {
	var res bridge.Result
	return a.withRunDir(cmd.Context(), RunSpec{Name: "bridge", Seed: cfg.Seed, ConfigTOML: config.Format(cfg, ""), Label: cfg.Source,
		ExtraJSON: func() map[string]any { return bridgeJSON(cfg, from, res) }},
		func(env *experiment.Env) (experiment.Summary, error) {
			o := cfg.Options()
			o.Workers, o.Progress = env.Workers, env.Progress
			var err error
			if res, err = bridge.Run(cfg.Rule, cfg.RatesHz, cfg.Pattern, o); err != nil {
				return nil, err
			}
			if err := bridgeFiles(env, cfg, from, res); err != nil {
				return nil, err
			}
			sum := experiment.Summary{"rule": res.Rule, "method": res.Drift.Method, "separability": res.Separability.Index}
			if s := res.Step; s != nil {
				sum["in_family"] = s.InFamily
				if s.InFamily {
					sum["q_f"], sum["delta_q"], sum["alpha_c_mft"] = s.QF, s.DeltaQ, s.AlphaCMFT
				} else {
					sum["reason"] = s.Reason
				}
			}
			return sum, nil
		})
}

// bridgeJSON is the documented top level of `engram bridge --json`.
func bridgeJSON(cfg *bridge.Config, from string, res bridge.Result) map[string]any {
	out := map[string]any{
		"rule": res.Rule, "source": cfg.Source, "from": from, "method": res.Drift.Method, "w": res.Drift.W,
		"rates_hz": res.Drift.PostHz, "drift_per_s": res.Drift.PerS,
		"separability": res.Separability.Index, "sigma": res.Separability.Sigma, "f": res.Separability.F, "g": res.Separability.G,
	}
	if res.Drift.SEPerS != nil {
		out["drift_se_per_s"], out["synapse_seconds"] = res.Drift.SEPerS, res.Drift.SynapseSeconds
	}
	if res.Drift.PostAchievedHz != nil {
		out["post_achieved_hz"], out["drive_hz"] = res.Drift.PostAchievedHz, res.Drift.DriveHz
	}
	if s := res.Step; s != nil {
		out["g_centred"] = res.GCentred
		out["step"] = runner.Sanitize(*s)
		if s.InFamily {
			out["alpha_c_mft"] = s.AlphaCMFT
		} else {
			out["alpha_c_mft"] = nil
		}
	}
	return runner.Sanitize(out).(map[string]any)
}

// bridgeFiles writes res/ tables, the figures and the report sections.
func bridgeFiles(env *experiment.Env, cfg *bridge.Config, from string, res bridge.Result) error {
	d, sep := res.Drift, res.Separability
	n := len(d.PreHz)
	cols := [][]float64{d.PostHz}
	header := []string{"post_hz \\ pre_hz"}
	flat := make([]float64, 0, n*n)
	for j, pre := range d.PreHz {
		header = append(header, "D_pre_"+store.FormatFloat(pre)+"_hz")
		c := make([]float64, len(d.PostHz))
		for i := range d.PostHz {
			c[i] = d.PerS[i][j]
		}
		cols = append(cols, c)
	}
	for i := range d.PostHz {
		flat = append(flat, d.PerS[i]...)
	}
	if err := store.WriteTSV(env.Path("res", "drift_per_s.tsv"), header, cols...); err != nil {
		return err
	}
	fgCols := [][]float64{d.PostHz, sep.F, sep.G}
	fgHead := []string{"rate_hz", "f", "g"}
	if res.GCentred != nil {
		fgCols, fgHead = append(fgCols, res.GCentred), append(fgHead, "g_centred")
	}
	if err := store.WriteTSV(env.Path("res", "f_g.tsv"), fgHead, fgCols...); err != nil {
		return err
	}
	idx := make([]float64, n)
	for k := range idx {
		idx[k] = float64(k)
	}
	heat := env.Path("figs", "drift")
	if _, err := plot.Image(heat, plot.ImageSpec{Title: "Drift D(ν_post, ν_pre) of " + res.Rule, XLabel: "ν_pre (grid index)", YLabel: "ν_post (grid index)",
		CLabel: "⟨ẇ⟩ (1/s)", Rows: len(d.PostHz), Cols: n, Data: flat}); err != nil {
		return err
	}
	fg := env.Path("figs", "f_g")
	series := []plot.Series{{Name: "f(ν_post) / max|f|", X: d.PostHz, Y: scaled(sep.F), Points: true, Color: 0},
		{Name: "g(ν_pre) / max|g|", X: d.PreHz, Y: scaled(sep.G), Points: true, Color: 1}}
	if _, err := plot.Lines(fg, plot.LineSpec{Title: "Leading singular vectors", XLabel: "rate (Hz)", YLabel: "normalised factor", LogX: true, Legend: true, Series: series}); err != nil {
		return err
	}
	rep := env.Report
	rep.Section("Rate-limit bridge (stdp-memory.md §4)")
	rep.Paragraph(fmt.Sprintf("Rule %s (%s), drift by %s at w = %g; grid %v Hz. %s", res.Rule, from, d.Method, d.W, d.PostHz, methodNote(d)))
	rows := [][]string{}
	for i, post := range d.PostHz {
		r := []string{store.FormatFloat(post)}
		for j := range d.PreHz {
			cell := fmt.Sprintf("%.4g", d.PerS[i][j])
			if d.SEPerS != nil {
				cell += fmt.Sprintf(" ± %.1g", d.SEPerS[i][j])
			}
			r = append(r, cell)
		}
		rows = append(rows, r)
	}
	head := []string{"ν_post \\ ν_pre (Hz)"}
	for _, pre := range d.PreHz {
		head = append(head, store.FormatFloat(pre))
	}
	rep.Table("Drift per second (rows ν_post, columns ν_pre)", head, rows)
	_ = rep.Figure(heat+".png", "Drift matrix (grid indices; the rates are in the table).")
	kv := []report.KV{{Key: "separability σ₁²/Σσ²", Value: fmt.Sprintf("%.6f", sep.Index)}}
	if s := res.Step; s != nil {
		p := s.Pattern
		kv = append(kv, report.KV{Key: "binary patterns ν_lo, ν_hi, p", Value: fmt.Sprintf("%g Hz, %g Hz, %g", p.NuLoHz, p.NuHiHz, p.P)},
			report.KV{Key: "f(ν_lo), f(ν_hi)", Value: fmt.Sprintf("%.4g, %.4g", s.FLo, s.FHi)})
		if s.InFamily {
			kv = append(kv, report.KV{Key: "q_f, Δq", Value: fmt.Sprintf("%.6f, %.6f", s.QF, s.DeltaQ)},
				report.KV{Key: "α_c (Ā → ∞) = (E[g²]/E[f²])/π", Value: fmt.Sprintf("%.6f", s.AlphaCMFT)},
				report.KV{Key: "α_c, meanfield step limit (check)", Value: fmt.Sprintf("%.6f", s.AlphaCStep)})
		} else {
			kv = append(kv, report.KV{Key: "step family", Value: "outside: " + s.Reason})
		}
	}
	rep.KeyValues("", kv)
	_ = rep.Figure(fg+".png", "f = σ₁u₁ and g = v₁ of the drift matrix, each scaled to its largest magnitude.")
	return nil
}

func methodNote(d bridge.Drift) string {
	if d.PostAchievedHz != nil {
		return fmt.Sprintf("Measured with LKD E neurons driven by calibrated Poisson input (%v Hz) to %v Hz, the synapse transmitting 1e-9 of its weight: %g synapse-seconds per grid point (± standard errors).",
			roundAll(d.DriveHz, 1), roundAll(d.PostAchievedHz, 0.01), d.SynapseSeconds)
	}
	if d.Method == bridge.MethodMeasured {
		return fmt.Sprintf("Measured open loop: %g synapse-seconds per grid point (± standard errors).", d.SynapseSeconds)
	}
	return "Poisson-limit closed form."
}

func scaled(x []float64) []float64 {
	m := 0.0
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	out := make([]float64, len(x))
	for i, v := range x {
		if m > 0 {
			out[i] = v / m
		}
	}
	return out
}

func roundAll(x []float64, q float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = math.Round(v/q) * q
	}
	return out
}
