package siegert

import (
	"errors"
	"fmt"
	"math"
)

// Params are the LIF constants of the Siegert formula (rest at 0 mV).
type Params struct {
	// TauMMs is the membrane time constant τ in ms (typically 10–30).
	TauMMs float64
	// ThetaMV is the threshold θ in mV above rest (Brunel: 20).
	ThetaMV float64
	// VResetMV is the reset potential V_r in mV above rest, < θ (Brunel: 10).
	VResetMV float64
	// TauRefMs is the absolute refractory period τ_ref in ms (≥ 0; Brunel: 2).
	TauRefMs float64
}

// BrunelParams returns the neuron of Brunel 2000 model A: τ = 20 ms,
// θ = 20 mV, V_r = 10 mV, τ_ref = 2 ms.
func BrunelParams() Params { return Params{TauMMs: 20, ThetaMV: 20, VResetMV: 10, TauRefMs: 2} }

// Validate rejects impossible parameters.
func (p Params) Validate() error {
	switch {
	case !(p.TauMMs > 0):
		return fmt.Errorf("siegert: tau_m_ms = %v must be > 0", p.TauMMs)
	case !(p.TauRefMs >= 0):
		return fmt.Errorf("siegert: tau_ref_ms = %v must be ≥ 0", p.TauRefMs)
	case !(p.VResetMV < p.ThetaMV):
		return fmt.Errorf("siegert: v_reset_mv = %v must be below theta_mv = %v", p.VResetMV, p.ThetaMV)
	}
	return nil
}

// RateHz returns the stationary rate (Hz) of the LIF neuron p under white
// noise of mean muMV and amplitude sigmaMV (Brunel convention: the free
// membrane SD is σ/√2). sigmaMV = 0 gives the deterministic limit
// 1/(τ_ref + τ ln((μ−V_r)/(μ−θ))) for μ > θ and 0 otherwise.
func RateHz(p Params, muMV, sigmaMV float64) (float64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	if !(sigmaMV >= 0) || math.IsNaN(muMV) {
		return 0, fmt.Errorf("siegert: sigma_mv = %v must be ≥ 0 and mu_mv (%v) finite", sigmaMV, muMV)
	}
	if sigmaMV == 0 {
		return DeterministicRateHz(p, muMV), nil
	}
	a := (p.VResetMV - muMV) / sigmaMV
	b := (p.ThetaMV - muMV) / sigmaMV
	if b > 26.5 {
		return 0, nil // e^{b²} overflows: the rate is below 1e-300 Hz
	}
	integral := integrate(func(u float64) float64 { return Erfcx(-u) }, a, b, 1e-13)
	T := p.TauRefMs + p.TauMMs*math.SqrtPi*integral // mean ISI in ms
	return 1000 / T, nil
}

// DeterministicRateHz is the σ → 0 limit of RateHz.
func DeterministicRateHz(p Params, muMV float64) float64 {
	if muMV <= p.ThetaMV {
		return 0
	}
	return 1000 / (p.TauRefMs + p.TauMMs*math.Log((muMV-p.VResetMV)/(muMV-p.ThetaMV)))
}

// Gauss–Kronrod 7/15 nodes and weights on [−1, 1].
var (
	gkX = [8]float64{0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
		0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
		0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
		0.207784955007898467600689403773245, 0}
	gkWK = [8]float64{0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
		0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
		0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
		0.204432940075298892414161999234649, 0.209482141084727828012999174891714}
	gkWG = [4]float64{0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
		0.381830050505118944950369775488975, 0.417959183673469387755102040816327}
)

func gk15(f func(float64) float64, a, b float64) (kron, errEst float64) {
	c, h := (a+b)/2, (b-a)/2
	fc := f(c)
	k := gkWK[7] * fc
	g := gkWG[3] * fc
	for i := 0; i < 7; i++ {
		x := h * gkX[i]
		s := f(c-x) + f(c+x)
		k += gkWK[i] * s
		if i%2 == 1 {
			g += gkWG[i/2] * s
		}
	}
	return k * h, math.Abs((k - g) * h)
}

// integrate is adaptive Gauss–Kronrod quadrature with relative tolerance rel
// (absolute floor 1e-300), recursion depth ≤ 50.
func integrate(f func(float64) float64, a, b, rel float64) float64 {
	whole, _ := gk15(f, a, b)
	tol := math.Max(math.Abs(whole)*rel, 1e-300)
	var rec func(a, b, tol float64, depth int) float64
	rec = func(a, b, tol float64, depth int) float64 {
		v, e := gk15(f, a, b)
		if e <= tol || depth >= 50 {
			return v
		}
		m := (a + b) / 2
		return rec(a, m, tol/2, depth+1) + rec(m, b, tol/2, depth+1)
	}
	return rec(a, b, tol, 0)
}

// BrunelNet describes Brunel's model A network for the mean-field rate.
type BrunelNet struct {
	// Neuron holds τ, θ, V_r and τ_ref.
	Neuron Params
	// CE is the number of excitatory inputs per neuron (Brunel: 1000); the
	// number of external inputs is also CE.
	CE float64
	// Gamma is C_I/C_E (Brunel: 0.25).
	Gamma float64
	// JMV is the excitatory PSP amplitude in mV (Brunel: 0.1).
	JMV float64
	// G is the relative inhibitory strength g (inhibitory PSP −gJ).
	G float64
	// Eta is ν_ext/ν_thr, ν_thr = θ/(J C_E τ).
	Eta float64
}

// BrunelModelA returns model A with the given g and η.
func BrunelModelA(g, eta float64) BrunelNet {
	return BrunelNet{Neuron: BrunelParams(), CE: 1000, Gamma: 0.25, JMV: 0.1, G: g, Eta: eta}
}

// NuThrHz returns ν_thr = θ/(J C_E τ) in Hz.
func (n BrunelNet) NuThrHz() float64 {
	return 1000 * n.Neuron.ThetaMV / (n.JMV * n.CE * n.Neuron.TauMMs)
}

// MuSigmaMV returns the mean-field input (μ, σ) in mV at network rate nuHz.
func (n BrunelNet) MuSigmaMV(nuHz float64) (mu, sigma float64) {
	tauS := n.Neuron.TauMMs / 1000
	ext := n.Eta * n.NuThrHz()
	mu = n.CE * n.JMV * tauS * (ext + nuHz*(1-n.G*n.Gamma))
	sigma = math.Sqrt(n.JMV * n.JMV * n.CE * tauS * (ext + nuHz*(1+n.G*n.G*n.Gamma)))
	return mu, sigma
}

// BrunelRateHz solves ν = Φ(μ(ν), σ(ν)) by bisection on (0, 1/τ_ref) and
// returns the stationary rate with its μ and σ. When several solutions exist
// (excitation-dominated networks) it returns the one bracketed first from
// below on a coarse grid.
func BrunelRateHz(n BrunelNet) (nu, mu, sigma float64, err error) {
	if err := n.Neuron.Validate(); err != nil {
		return 0, 0, 0, err
	}
	f := func(nu float64) float64 {
		m, s := n.MuSigmaMV(nu)
		r, _ := RateHz(n.Neuron, m, s)
		return r - nu
	}
	hi := 1000.0
	if n.Neuron.TauRefMs > 0 {
		hi = 1000 / n.Neuron.TauRefMs
	}
	lo := 0.0
	flo := f(lo)
	if flo <= 0 {
		m, s := n.MuSigmaMV(0)
		return 0, m, s, nil
	}
	const grid = 2000
	found := false
	for i := 1; i <= grid; i++ {
		x := hi * float64(i) / grid
		if f(x) < 0 {
			hi, found = x, true
			break
		}
		lo = x
	}
	if !found {
		return 0, 0, 0, errors.New("siegert: no self-consistent rate below 1/tau_ref")
	}
	for it := 0; it < 200 && hi-lo > 1e-12*hi; it++ {
		m := (lo + hi) / 2
		if f(m) > 0 {
			lo = m
		} else {
			hi = m
		}
	}
	nu = (lo + hi) / 2
	mu, sigma = n.MuSigmaMV(nu)
	return nu, mu, sigma, nil
}
