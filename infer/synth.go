package infer

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/engramsim/engram/ratefn"
)

// NoiseKind selects the measurement noise added to synthetic rates.
type NoiseKind int

const (
	// NoNoise leaves r = φ(h).
	NoNoise NoiseKind = iota
	// Multiplicative gives r·(1 + σε), ε ~ N(0,1), clipped at 0.
	Multiplicative
	// Additive gives r + σε (σ in Hz), clipped at 0.
	Additive
)

// SynthSpec describes synthetic novel/familiar responses of one neuron
// (spec §3 self-test): h ~ N(0,1) per stimulus, r^N = φ(h),
// r^F = φ(h + Δh(r^N)) with Δh(r) = C f(r) unless DeltaH is set.
type SynthSpec struct {
	// Transfer is the true φ.
	Transfer ratefn.Transfer
	// F is the true postsynaptic factor f and C ≥ 0 its amplitude in units of h.
	F ratefn.StepSigmoid
	C float64
	// DeltaH, if non-nil, replaces C·F.Eval as Δh(r^N) (e.g. a non-monotone
	// map that breaks rank preservation).
	DeltaH func(rNovelHz float64) float64
	// NNovel, NFamiliar are the sample sizes (≥ MinSamplesPerCondition).
	NNovel, NFamiliar int
	// Paired draws the familiar response of stimulus k from the same h_k as
	// its novel response (requires NNovel == NFamiliar); otherwise the two
	// samples use independent draws of h.
	Paired bool
	// Noise and NoiseSD add measurement noise (σ dimensionless for
	// Multiplicative, Hz for Additive).
	Noise   NoiseKind
	NoiseSD float64
}

// Synthesize draws one neuron's data from spec using rng.
func Synthesize(id string, spec SynthSpec, rng *rand.Rand) (NeuronData, error) {
	if rng == nil {
		return NeuronData{}, errors.New("infer: Synthesize needs a *rand.Rand")
	}
	if err := spec.Transfer.Validate(); err != nil {
		return NeuronData{}, fmt.Errorf("infer: synth: %w", err)
	}
	if spec.Paired && spec.NNovel != spec.NFamiliar {
		return NeuronData{}, fmt.Errorf("infer: synth: paired needs NNovel == NFamiliar (%d != %d)", spec.NNovel, spec.NFamiliar)
	}
	if spec.NoiseSD < 0 || math.IsNaN(spec.NoiseSD) {
		return NeuronData{}, fmt.Errorf("infer: synth: NoiseSD = %v", spec.NoiseSD)
	}
	dh := spec.DeltaH
	if dh == nil {
		dh = func(r float64) float64 { return spec.C * spec.F.Eval(r) }
	}
	noise := func(r float64) float64 {
		switch spec.Noise {
		case Multiplicative:
			r *= 1 + spec.NoiseSD*rng.NormFloat64()
		case Additive:
			r += spec.NoiseSD * rng.NormFloat64()
		}
		return math.Max(r, 0)
	}
	nov := make([]float64, spec.NNovel)
	fam := make([]float64, spec.NFamiliar)
	tf := spec.Transfer
	for k := range nov {
		h := rng.NormFloat64()
		rn := tf.Rate(h)
		nov[k] = noise(rn)
		if spec.Paired {
			fam[k] = noise(tf.Rate(h + dh(rn)))
		}
	}
	if !spec.Paired {
		for k := range fam {
			h := rng.NormFloat64()
			fam[k] = noise(tf.Rate(h + dh(tf.Rate(h))))
		}
	}
	return NewNeuronData(id, nov, fam)
}

// Params are the nine parameters of one neuron's φ and rule, as point values.
type Params struct {
	RMaxHz, Beta, H0           float64
	C, A, QF, BetaFPerHz, XFHz float64
	QG                         float64
}

// Params returns the point estimates of r.
func (r NeuronResult) Params() Params {
	t, u := r.TransferFit, r.RuleFit
	return Params{t.RMaxHz.Value, t.Beta.Value, t.H0.Value, u.C.Value, u.A.Value, u.QF.Value, u.BetaFPerHz.Value, u.XFHz.Value, u.QG.Value}
}

func (p Params) vec() [9]float64 {
	return [9]float64{p.RMaxHz, p.Beta, p.H0, p.C, p.A, p.QF, p.BetaFPerHz, p.XFHz, p.QG}
}

// ParamsFromITC returns the ground-truth Params of an ITC fit: q_g from
// centring g under the fit's φ and C = A·E[g(φ)φ] (the one-pattern
// conversion of spec §3 step 4, [inferred]).
func ParamsFromITC(f ratefn.ITCFit) (Params, error) {
	st, err := f.Rule().Centre(f.Transfer())
	if err != nil {
		return Params{}, fmt.Errorf("infer: %w", err)
	}
	return Params{f.RMaxHz, f.Beta, f.H0, f.A * st.EGPhi, f.A, f.QF, f.BetaFPerHz, f.XF, st.Rule.G.Q}, nil
}

// SynthSpecFromParams builds a SynthSpec (without sample sizes) whose truth
// is p: φ = (r_max, β, h0), f = (q_f, β_f, x_f), amplitude C.
func SynthSpecFromParams(p Params) SynthSpec {
	return SynthSpec{
		Transfer: ratefn.Transfer{Kind: ratefn.Sigmoid, RMaxHz: p.RMaxHz, Beta: p.Beta, H0: p.H0},
		F:        ratefn.StepSigmoid{Q: p.QF, BetaPerHz: p.BetaFPerHz, XHz: p.XFHz},
		C:        p.C,
	}
}

// ParamError compares one parameter.
type ParamError struct {
	Name             string
	Truth, Recovered float64
	// RelErr is (Recovered − Truth)/|Truth|; when |Truth| < 1e-6 it is the
	// absolute error instead (and Absolute is true).
	RelErr   float64
	Absolute bool
}

// CompareParams returns the error of each of the nine parameters in the
// order r_max_hz, beta, h0, C, A, q_f, beta_f_per_hz, x_f_hz, q_g.
func CompareParams(truth, recovered Params) []ParamError {
	t, r := truth.vec(), recovered.vec()
	names := paramNames()
	out := make([]ParamError, 9)
	for k := range out {
		e := ParamError{Name: names[k], Truth: t[k], Recovered: r[k]}
		if math.Abs(t[k]) < 1e-6 {
			e.RelErr, e.Absolute = r[k]-t[k], true
		} else {
			e.RelErr = (r[k] - t[k]) / math.Abs(t[k])
		}
		out[k] = e
	}
	return out
}
