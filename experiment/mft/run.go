package mft

import (
	"context"
	"fmt"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/theory/meanfield"
)

// Def is the experiment's definition for the registry.
func Def() experiment.Def {
	return experiment.Typed("mft", "Static mean-field theory of the rate memory at one load α: retrieval and background states", Defaults, Run, nil)
}

// Run implements the experiment: Solve, and the summary.
func Run(_ context.Context, cfg *Config, env *experiment.Env) (experiment.Summary, error) {
	_, sum, err := Solve(cfg, env)
	return sum, err
}

// stateSummary is a state's metrics (exists and converged as 0/1).
func stateSummary(s meanfield.State) map[string]any {
	return map[string]any{"exists": b2f(s.Exists), "m": s.M, "q": s.Q, "delta": s.Delta, "mean_rate_hz": s.MeanRateHz,
		"r2": s.R2, "sd_rate_hz": s.SDRateHz, "lambda": s.Lambda, "regime": s.Regime, "converged": b2f(s.Converged)}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Solve solves the theory at cfg's load, adds the states' table to the
// report and returns the result and the run's summary.
func Solve(cfg *Config, env *experiment.Env) (meanfield.Result, experiment.Summary, error) {
	tf, rule, err := cfg.Inputs()
	if err != nil {
		return meanfield.Result{}, nil, err
	}
	opts, err := cfg.Options(env.Workers)
	if err != nil {
		return meanfield.Result{}, nil, err
	}
	alpha := cfg.MFT.Alpha
	res, err := meanfield.Solve(tf, rule, alpha, opts)
	if err != nil {
		return res, nil, err
	}
	if env.Report != nil {
		env.Report.Section(fmt.Sprintf("Mean-field states at α = %g", alpha))
		var rows [][]string
		for _, st := range []struct {
			name string
			s    meanfield.State
		}{{"retrieval", res.Retrieval}, {"background", res.Background}} {
			rows = append(rows, []string{st.name, fmt.Sprint(st.s.Exists), fmt.Sprintf("%.4f", st.s.M), fmt.Sprintf("%.4f", st.s.Q), fmt.Sprintf("%.4f", st.s.Delta),
				fmt.Sprintf("%.3f", st.s.MeanRateHz), fmt.Sprintf("%.2f", st.s.R2), fmt.Sprintf("%.3f", st.s.Lambda), st.s.Regime})
		}
		env.Report.Table("", []string{"state", "exists", "m", "q (Hz)", "Δ", "mean rate (Hz)", "⟨r²⟩ (Hz²)", "λ", "regime"}, rows)
	}
	sum := experiment.Summary{
		"alpha": alpha, "retrieval": stateSummary(res.Retrieval), "background": stateSummary(res.Background),
		"gamma": res.Gamma, "converged": res.Converged,
		"retrieval_m": res.Retrieval.M, "background_lambda": res.Background.Lambda,
	}
	return res, sum, nil
}
