package bridge

import (
	"fmt"
	"math"
	"slices"

	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/progress"
)

// Methods of a drift matrix.
const (
	// MethodClosed evaluates the rule's Poisson-limit closed form.
	MethodClosed = "closed_form"
	// MethodMeasured simulates independent Poisson trains open loop.
	MethodMeasured = "measured"
)

// Options configures DriftMatrix (nil: defaults). The measured drift of
// one grid point averages Synapses independent synapses over DurationS
// seconds: Synapses × DurationS synapse-seconds (the spec asks for
// ≥ 2·10⁴ for a publication-grade table; the defaults give 10⁴).
type Options struct {
	// Method is MethodClosed, MethodMeasured or "" (auto: the closed form
	// when the rule has one, else measured).
	Method string
	// DurationS is the measured time in biological seconds after the
	// warm-up (default 20).
	DurationS float64
	// WarmupS is the time before the measurement in which the traces reach
	// their stationary statistics (default: max(1 s, 8 × the rule's slowest
	// trace time constant)).
	WarmupS float64
	// Synapses is the number of independent synapses per grid point
	// (default 500).
	Synapses int
	// DtMs is the simulation time step in ms (default 0.1).
	DtMs float64
	// W is the weight at which the drift is evaluated and held (open loop);
	// it matters for weight-dependent rules (gutig, vanrossum). Default:
	// the middle of [w_min, w_max] (p10: w = w̃, the heterosynaptic term
	// then vanishes; vstdp, additive, is measured at w = 10 in bounds
	// [0, 20] whatever W).
	W float64
	// Seed is the simulation's master seed (default 1).
	Seed uint64
	// Workers is the number of engine goroutines (≤ 0: 1).
	Workers int
	// Progress receives (done, total) simulation steps.
	Progress progress.Reporter
}

func (o *Options) resolve(rs spike.RuleSpec) (Options, error) {
	var d Options
	if o != nil {
		d = *o
	}
	for _, v := range []struct {
		n string
		x float64
	}{{"DurationS", d.DurationS}, {"WarmupS", d.WarmupS}, {"DtMs", d.DtMs}, {"W", d.W}} {
		if math.IsNaN(v.x) || math.IsInf(v.x, 0) || v.x < 0 {
			return d, fmt.Errorf("bridge: option %s = %v must be a finite number ≥ 0", v.n, v.x)
		}
	}
	if d.Synapses < 0 {
		return d, fmt.Errorf("bridge: option Synapses = %d must be ≥ 0", d.Synapses)
	}
	switch d.Method {
	case "", MethodClosed, MethodMeasured:
	default:
		return d, fmt.Errorf("bridge: unknown method %q (want %q or %q)", d.Method, MethodClosed, MethodMeasured)
	}
	if d.DurationS == 0 {
		d.DurationS = 20
	}
	if d.Synapses == 0 {
		d.Synapses = 500
	}
	if d.DtMs == 0 {
		d.DtMs = 0.1
	}
	if d.WarmupS == 0 {
		d.WarmupS = math.Max(1, 8*slowestTauMs(rs)/1000)
	}
	if d.W == 0 {
		d.W = (rs.WMin + rs.WMax) / 2
	}
	if d.Seed == 0 {
		d.Seed = 1
	}
	// a run or warm-up shorter than one step measures nothing (and left
	// the voltage rule without its initial weights)
	for _, v := range []struct {
		n string
		x float64
	}{{"DurationS", d.DurationS}, {"WarmupS", d.WarmupS}} {
		if v.x*1000 < d.DtMs {
			return d, fmt.Errorf("bridge: option %s = %g s is shorter than one step (dt = %g ms)", v.n, v.x, d.DtMs)
		}
	}
	return d, nil
}

// slowestTauMs is the longest trace time constant of a rule in ms.
func slowestTauMs(rs spike.RuleSpec) float64 {
	switch rs.Rule {
	case spike.RulePair:
		return max(rs.Pair.TauPlusMs, rs.Pair.TauMinusMs)
	case spike.RuleGutig:
		return rs.Gutig.TauMs
	case spike.RuleVanRossum:
		return max(rs.VanRossum.TauPlusMs, rs.VanRossum.TauMinusMs)
	case spike.RuleTriplet:
		p := rs.Triplet
		return max(p.TauPlusMs, p.TauMinusMs, p.TauXMs, p.TauYMs, p.TauHomMs)
	case spike.RuleISTDP:
		return rs.ISTDP.TauMs
	case spike.RuleP10:
		return max(rs.P10.TauPlusMs, rs.P10.TauMinusMs, rs.P10.TauSlowMs)
	case spike.RuleVSTDP:
		return max(rs.VSTDP.TauMinusMs, rs.VSTDP.TauPlusMs, rs.VSTDP.TauXMs, 150) // 150 ms: LKD's adaptation
	}
	return 100
}

// Drift is a drift matrix D(ν_post, ν_pre) in weight units per second.
type Drift struct {
	// PostHz and PreHz are the rates of the rows and the columns.
	PostHz []float64 `json:"post_hz"`
	PreHz  []float64 `json:"pre_hz"`
	// PerS[i][j] is D(PostHz[i], PreHz[j]) in 1/s (weight units per s).
	PerS [][]float64 `json:"drift_per_s"`
	// SEPerS is the standard error of each measured entry (nil for the
	// closed form).
	SEPerS [][]float64 `json:"drift_se_per_s,omitempty"`
	// Method is MethodClosed or MethodMeasured; W the weight at which the
	// drift was evaluated.
	Method string  `json:"method"`
	W      float64 `json:"w"`
	// SynapseSeconds is Synapses × DurationS per grid point (measured).
	SynapseSeconds float64 `json:"synapse_seconds,omitempty"`
	// PostAchievedHz are the rates the driven postsynaptic neurons fired at
	// during the measurement, DriveHz their calibrated external Poisson
	// rates (voltage rules only; nil otherwise).
	PostAchievedHz []float64 `json:"post_achieved_hz,omitempty"`
	DriveHz        []float64 `json:"drive_hz,omitempty"`
}

// CheckRates rejects an empty grid and rates that are not finite and
// > 0 or repeated; it returns the rates sorted ascending. what names the
// grid in errors.
func CheckRates(rates []float64, what string) ([]float64, error) {
	if len(rates) == 0 {
		return nil, fmt.Errorf("bridge: %s: empty rate grid", what)
	}
	for _, r := range rates {
		if !(r > 0) || math.IsInf(r, 0) {
			return nil, fmt.Errorf("bridge: %s: rate %v Hz must be a finite number > 0", what, r)
		}
	}
	s := slices.Clone(rates)
	slices.Sort(s)
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			return nil, fmt.Errorf("bridge: %s: rate %v Hz appears twice", what, s[i])
		}
	}
	return s, nil
}

// DriftMatrix returns D on the grid post × pre (each checked by CheckRates
// and sorted) by the closed form or the open-loop simulation (o.Method).
func DriftMatrix(rs spike.RuleSpec, post, pre []float64, o *Options) (Drift, error) {
	rs = rs.Resolved()
	d, err := o.resolve(rs)
	if err != nil {
		return Drift{}, err
	}
	if post, err = CheckRates(post, "post rates"); err != nil {
		return Drift{}, err
	}
	if pre, err = CheckRates(pre, "pre rates"); err != nil {
		return Drift{}, err
	}
	if err := checkPairRule(rs); err != nil {
		return Drift{}, err
	}
	cf, cfErr := ClosedForm(rs, d.W)
	method := d.Method
	if method == "" {
		method = MethodClosed
		if cfErr != nil {
			method = MethodMeasured
		}
	}
	if method == MethodClosed {
		if cfErr != nil {
			return Drift{}, cfErr
		}
		out := Drift{PostHz: post, PreHz: pre, Method: MethodClosed, W: d.W, PerS: make([][]float64, len(post))}
		for i, a := range post {
			out.PerS[i] = make([]float64, len(pre))
			for j, b := range pre {
				out.PerS[i][j] = cf(a, b)
			}
		}
		return out, nil
	}
	if rs.Rule == spike.RuleVSTDP {
		return measureVoltage(rs, post, pre, d)
	}
	return measure(rs, post, pre, d)
}

// checkPairRule rejects rules that are not pre/post rules of one synapse.
func checkPairRule(rs spike.RuleSpec) error {
	switch rs.Rule {
	case spike.RulePair, spike.RuleGutig, spike.RuleVanRossum, spike.RuleTriplet, spike.RuleISTDP, spike.RuleP10, spike.RuleVSTDP:
		return nil
	case spike.RuleHomeostasis, spike.RuleScaling, spike.RuleNormalize, spike.RuleGlobalISTDP:
		return fmt.Errorf("bridge: rule %q is not a pre/post learning rule of single synapses (it acts on rows or through a population rate): no drift D(ν_post, ν_pre)", rs.Rule)
	}
	return fmt.Errorf("bridge: unknown rule %q (known: %v)", rs.Rule, spike.RuleNames)
}

// ClosedForm returns the Poisson limit D(ν_post, ν_pre) in 1/s of a rule
// (resolved) at weight w, for independent Poisson trains
// (spiking-networks.md §4.1–4.4, stdp-memory.md §4.2):
//
//	pair        ν_pre ν_post (A+ τ+ − A− τ−)
//	triplet     ν_pre ν_post (A2+ τ+ − A2− τ−) + A3+ τ+ τ_y ν_pre ν_post² − A3− τ− τ_x ν_pre² ν_post
//	gutig       w_max λ τ ν_pre ν_post [(1 − u)^μ − α u^μ], u = w/w_max
//	vanrossum   ν_pre ν_post (c_p τ+ − c_d τ− w)
//	istdp       2 η τ ν_pre (ν_post − ρ0)
//	p10         ν_pre [δ + A3+ τ₊ τ_slow ν_post² − A2− τ₋ ν_post]  (w = w̃)
//
// Nearest-spike variants and the triplet's sliding threshold have no
// closed form here (error); measure them.
func ClosedForm(rs spike.RuleSpec, w float64) (func(post, pre float64) float64, error) {
	rs = rs.Resolved()
	if err := checkPairRule(rs); err != nil {
		return nil, err
	}
	const s = 1e-3 // ms → s
	switch rs.Rule {
	case spike.RulePair:
		p := *rs.Pair
		if p.Nearest {
			return nil, fmt.Errorf("bridge: pair rule with nearest-spike traces has no closed form here; measure it")
		}
		c := p.APlus*p.TauPlusMs*s - p.AMinus*p.TauMinusMs*s
		return func(post, pre float64) float64 { return pre * post * c }, nil
	case spike.RuleTriplet:
		p := *rs.Triplet
		if p.Nearest || p.TauHomMs > 0 {
			return nil, fmt.Errorf("bridge: triplet rule with nearest-spike traces or a sliding threshold (tau_hom_ms > 0) has no closed form here; measure it")
		}
		return func(post, pre float64) float64 {
			return pre*post*(p.A2Plus*p.TauPlusMs*s-p.A2Minus*p.TauMinusMs*s) + p.A3Plus*p.TauPlusMs*s*p.TauYMs*s*pre*post*post -
				p.A3Minus*p.TauMinusMs*s*p.TauXMs*s*pre*pre*post
		}, nil
	case spike.RuleGutig:
		p := *rs.Gutig
		u := max(0, min(1, w/rs.WMax))
		k := math.Pow(1-u, p.Mu) - p.Alpha*math.Pow(u, p.Mu)
		if p.Mu == 0 {
			k = 1 - p.Alpha
		}
		return func(post, pre float64) float64 { return rs.WMax * p.Lambda * p.TauMs * s * pre * post * k }, nil
	case spike.RuleVanRossum:
		p := *rs.VanRossum
		return func(post, pre float64) float64 { return pre * post * (p.CP*p.TauPlusMs*s - p.CD*p.TauMinusMs*s*w) }, nil
	case spike.RuleISTDP:
		p := *rs.ISTDP
		return func(post, pre float64) float64 { return 2 * p.Eta * p.TauMs * s * pre * (post - p.Rho0Hz) }, nil
	case spike.RuleP10:
		p := *rs.P10
		return func(post, pre float64) float64 { return p.PoissonDrift(pre, post, 0) }, nil
	case spike.RuleVSTDP:
		return nil, fmt.Errorf("bridge: rule %q depends on the postsynaptic voltage and has no closed form (stdp-memory.md §4.2); measure it", rs.Rule)
	}
	return nil, fmt.Errorf("bridge: rule %q has no closed form", rs.Rule)
}
