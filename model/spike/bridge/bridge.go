package bridge

import (
	"fmt"
	"slices"
	"strings"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/model/spike"
)

// Rule presets accepted by RuleFrom besides the network presets.
const (
	// PresetMinimalTriplet is the minimal triplet rule (A2+ = A3− = 0) of
	// spiking-networks.md §4.3 with A2− chosen so that θ = A2−τ−/(A3+τ+τ_y)
	// = 3 Hz: A3+ = 6.5e-3, A2− = 1.1082e-3, τ+ = 16.8, τ− = 33.7, τ_y = 114 ms.
	PresetMinimalTriplet = "minimal-triplet"
)

// MinimalTriplet returns the PresetMinimalTriplet rule (bounds [0, 1]).
func MinimalTriplet() spike.RuleSpec {
	p := spike.TripletParams{A3Plus: 6.5e-3, A2Minus: 1.10820e-3, TauPlusMs: 16.8, TauXMs: 101, TauMinusMs: 33.7, TauYMs: 114}
	return spike.RuleSpec{Rule: spike.RuleTriplet, WMax: 1, Triplet: &p}
}

// RuleFrom resolves a rule source: a rule name (pair, gutig, vanrossum,
// triplet, istdp, p10: the documented defaults, bounds [0, 1]; p10 [0, 5]
// as in ZAG), PresetMinimalTriplet, or a network preset of model/spike
// (e.g. zag2015, lkd2014, coba-stdp, zenke2013), whose first pre/post
// rule on the E→E projection is taken (on any projection when E→E has no
// plasticity; lkd2014's voltage rule is measured, its normalisation
// skipped). from says where the rule came from.
func RuleFrom(name string) (rs spike.RuleSpec, from string, err error) {
	if name == PresetMinimalTriplet {
		return MinimalTriplet(), "rule preset " + name, nil
	}
	if slices.Contains(spike.RuleNames, name) {
		rs = spike.RuleSpec{Rule: name, WMax: 1}
		if name == spike.RuleP10 {
			rs.WMax = 5
		}
		if err := checkPairRule(rs); err != nil {
			return rs, "", err
		}
		return rs.Resolved(), "rule " + name + " with its defaults", nil
	}
	s, ok := spike.Preset(name)
	if !ok {
		return rs, "", fmt.Errorf("bridge: unknown rule or preset %q (rules: %s, %s; or a network preset of model/spike, e.g. %s, %s; or a rule TOML file)",
			name, strings.Join(pairRules(), ", "), PresetMinimalTriplet, spike.PresetZAG2015, spike.PresetLKD2014)
	}
	// the E→E rules first (the memory); any projection only when E→E has none
	var found []string
	for pass := range 2 {
		for _, pr := range s.Projections {
			if (pass == 0) != (pr.Pre == "E" && pr.Post == "E") {
				continue
			}
			for _, r := range pr.Plasticity {
				found = append(found, r.Rule)
				if checkPairRule(r) == nil {
					return r.Resolved(), fmt.Sprintf("preset %s, projection %s→%s", name, pr.Pre, pr.Post), nil
				}
			}
		}
		if len(found) > 0 {
			// e.g. lkd2014: vstdp + normalize on E→E; say why the first cannot be bridged
			return rs, "", fmt.Errorf("bridge: preset %q has no pre/post rule the bridge can evaluate on %s (rules %v): %w",
				name, map[bool]string{true: "E→E", false: "its projections"}[pass == 0], found, checkPairRule(spike.RuleSpec{Rule: found[0]}))
		}
	}
	return rs, "", fmt.Errorf("bridge: preset %q has no plastic projection", name)
}

func pairRules() []string {
	var out []string
	for _, n := range spike.RuleNames {
		if checkPairRule(spike.RuleSpec{Rule: n}) == nil {
			out = append(out, n)
		}
	}
	return out
}

// LoadRuleFile reads a rule TOML file: the keys of spike.RuleSpec (rule,
// w_min, w_max and the rule's parameter table, e.g. [p10]); unknown keys
// are errors naming the file and key, and so are bounds with w_max ≤ w_min.
func LoadRuleFile(path string) (spike.RuleSpec, error) {
	data, err := config.ReadFile(path)
	if err != nil {
		return spike.RuleSpec{}, err
	}
	var rs spike.RuleSpec
	if _, err := config.Load(path, data, &rs, nil); err != nil {
		return rs, err
	}
	if rs.Rule == "" {
		return rs, fmt.Errorf("%s: missing key rule (one of %s)", path, strings.Join(pairRules(), ", "))
	}
	if err := checkPairRule(rs); err != nil {
		return rs, fmt.Errorf("%s: %w", path, err)
	}
	if err := checkBounds(rs); err != nil {
		return rs, fmt.Errorf("%s: %w", path, err)
	}
	return rs.Resolved(), nil
}

func checkBounds(rs spike.RuleSpec) error {
	if !(rs.WMin >= 0) || !(rs.WMax > rs.WMin) || rs.WMax > 1e300 {
		return fmt.Errorf("bridge: bounds w_min = %v, w_max = %v: need 0 ≤ w_min < w_max, finite", rs.WMin, rs.WMax)
	}
	return nil
}

// Result is the rate-limit bridge of one rule (stdp-memory.md §4.4).
type Result struct {
	// Rule is the rule's name; RuleSpec the resolved rule.
	Rule     string         `json:"rule"`
	RuleSpec spike.RuleSpec `json:"-"`
	// Drift is D on the requested grid (rows ν_post, columns ν_pre).
	Drift Drift `json:"drift"`
	// Separability is the SVD of Drift.PerS, with f and g.
	Separability Separability `json:"separability"`
	// Step is the step-family image for binary patterns (nil without a
	// Pattern). GCentred is g − E[g] on the grid, E[g] = p g(ν_hi) +
	// (1 − p) g(ν_lo) over the pattern (nil without a Pattern).
	Step     *StepFamily `json:"step,omitempty"`
	GCentred []float64   `json:"g_centred,omitempty"`
}

// Run computes the bridge of rs on the rate grid (both axes; checked by
// CheckRates): D, its separability with (f, g), and, when pat is not nil,
// f and g at the pattern rates, the step-family parameters and the
// mean-field capacity. f(ν) and g(ν) at rates off the grid are the
// projections of D(ν, ·) on g and of D(·, ν) on f/|f|² (exact for a
// separable rule), so the drift is also evaluated (or measured) at ν_lo,
// ν_hi.
func Run(rs spike.RuleSpec, rates []float64, pat *Pattern, o *Options) (Result, error) {
	rs = rs.Resolved()
	if err := checkPairRule(rs); err != nil {
		return Result{}, err
	}
	if err := checkBounds(rs); err != nil {
		return Result{}, err
	}
	grid, err := CheckRates(rates, "rates")
	if err != nil {
		return Result{}, err
	}
	ext := slices.Clone(grid)
	if pat != nil {
		if err := pat.Validate(); err != nil {
			return Result{}, err
		}
		for _, r := range []float64{pat.NuLoHz, pat.NuHiHz} {
			if !slices.Contains(ext, r) {
				ext = append(ext, r)
			}
		}
		slices.Sort(ext)
	}
	full, err := DriftMatrix(rs, ext, ext, o)
	if err != nil {
		return Result{}, err
	}
	idx := make([]int, len(grid))
	for k, r := range grid {
		idx[k] = slices.Index(ext, r)
	}
	sub := func(m [][]float64) [][]float64 {
		if m == nil {
			return nil
		}
		out := make([][]float64, len(grid))
		for a, i := range idx {
			out[a] = make([]float64, len(grid))
			for b, j := range idx {
				out[a][b] = m[i][j]
			}
		}
		return out
	}
	d := full
	d.PostHz, d.PreHz, d.PerS, d.SEPerS = grid, grid, sub(full.PerS), sub(full.SEPerS)
	pick := func(v []float64) []float64 {
		if v == nil {
			return nil
		}
		out := make([]float64, len(idx))
		for a, i := range idx {
			out[a] = v[i]
		}
		return out
	}
	d.PostAchievedHz, d.DriveHz = pick(full.PostAchievedHz), pick(full.DriveHz)
	sep, err := Separate(d.PerS)
	if err != nil {
		return Result{}, err
	}
	res := Result{Rule: rs.Rule, RuleSpec: rs, Drift: d, Separability: sep}
	if pat == nil {
		return res, nil
	}
	row := func(nu float64) []float64 {
		i := slices.Index(ext, nu)
		out := make([]float64, len(grid))
		for b, j := range idx {
			out[b] = full.PerS[i][j]
		}
		return out
	}
	col := func(nu float64) []float64 {
		j := slices.Index(ext, nu)
		out := make([]float64, len(grid))
		for a, i := range idx {
			out[a] = full.PerS[i][j]
		}
		return out
	}
	fLo, fHi := sep.fAt(row(pat.NuLoHz)), sep.fAt(row(pat.NuHiHz))
	gLo, gHi := sep.gAt(col(pat.NuLoHz)), sep.gAt(col(pat.NuHiHz))
	st, err := MapStep(*pat, fLo, fHi, gLo, gHi)
	if err != nil {
		return res, err
	}
	res.Step = &st
	eg := pat.P*gHi + (1-pat.P)*gLo
	res.GCentred = make([]float64, len(grid))
	for k, g := range sep.G {
		res.GCentred[k] = g - eg
	}
	return res, nil
}
