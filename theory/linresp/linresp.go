package linresp

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
)

// Neuron holds the constants of an EIF (DeltaTMV > 0) or LIF (DeltaTMV = 0)
// neuron and the grid of the threshold integration.
type Neuron struct {
	// TauMMs is the membrane time constant τ in ms (> 0).
	TauMMs float64
	// ELMV is the leak reversal E_L in mV.
	ELMV float64
	// DeltaTMV is the EIF slope factor Δ_T in mV (0: LIF).
	DeltaTMV float64
	// VTMV is the EIF soft threshold V_T in mV (unused for LIF).
	VTMV float64
	// VThMV is the spike threshold (EIF: the numerical cut-off) in mV.
	VThMV float64
	// VResetMV is the reset potential V_re in mV (V_lb < V_re < V_th).
	VResetMV float64
	// VLbMV is the lower boundary of the grid in mV.
	VLbMV float64
	// TauRefMs is the absolute refractory period in ms (≥ 0).
	TauRefMs float64
	// DVMV is the grid step ΔV in mV (> 0; Richardson: 0.1; 0.01 for
	// sub-percent accuracy).
	DVMV float64
}

// ErrParams reports impossible neuron or input parameters.
var ErrParams = errors.New("linresp: invalid parameters")

// Validate rejects impossible parameters.
func (n Neuron) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrParams}, a...)...)
	}
	for _, v := range []float64{n.TauMMs, n.ELMV, n.DeltaTMV, n.VTMV, n.VThMV, n.VResetMV, n.VLbMV, n.TauRefMs, n.DVMV} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return bad("parameters must be finite (%+v)", n)
		}
	}
	switch {
	case n.TauMMs <= 0:
		return bad("tau_m %g ms must be > 0", n.TauMMs)
	case n.DeltaTMV < 0:
		return bad("delta_T %g mV must be ≥ 0", n.DeltaTMV)
	case n.TauRefMs < 0:
		return bad("tau_ref %g ms must be ≥ 0", n.TauRefMs)
	case n.DVMV <= 0:
		return bad("grid step %g mV must be > 0", n.DVMV)
	case !(n.VLbMV < n.VResetMV && n.VResetMV < n.VThMV):
		return bad("need V_lb < V_reset < V_th (got %g, %g, %g mV)", n.VLbMV, n.VResetMV, n.VThMV)
	case (n.VThMV-n.VLbMV)/n.DVMV > 1e7:
		return bad("%g grid points: raise the grid step", (n.VThMV-n.VLbMV)/n.DVMV)
	case (n.VResetMV-n.VLbMV)/n.DVMV < 2:
		return bad("V_reset − V_lb must span at least two grid steps")
	case (n.VThMV-n.VResetMV)/n.DVMV < 2:
		return bad("V_th − V_reset must span at least two grid steps (the reset is placed on the nearest grid point)")
	}
	return nil
}

func checkInput(mu, sigma float64) error {
	if math.IsNaN(mu) || math.IsInf(mu, 0) || !(sigma > 0) || math.IsInf(sigma, 0) {
		return fmt.Errorf("%w: need finite mu and sigma > 0 (got %g, %g mV)", ErrParams, mu, sigma)
	}
	return nil
}

// grid is one threshold integration's precomputed coefficients.
type grid struct {
	n, kre  int       // V_k = V_lb + kΔV for k = 0..n (V_n = V_th); reset index
	dv, tau float64   // ΔV, τ
	alpha   []float64 // α_k
	beta    []float64 // β_k
}

func (n Neuron) grid(mu, sigma float64) grid {
	m := int(math.Round((n.VThMV - n.VLbMV) / n.DVMV))
	dv := (n.VThMV - n.VLbMV) / float64(m)
	g := grid{n: m, kre: int(math.Round((n.VResetMV - n.VLbMV) / dv)), dv: dv, tau: n.TauMMs,
		alpha: make([]float64, m+1), beta: make([]float64, m+1)}
	s2 := sigma * sigma / 2
	for k := 0; k <= m; k++ {
		// the drift of the cell (V_{k−1}, V_k], at its midpoint: the step
		// from V_k down to V_{k−1} is then second order in ΔV
		v := n.VLbMV + (float64(k)-0.5)*dv
		f := n.ELMV - v + mu
		if n.DeltaTMV > 0 {
			f += n.DeltaTMV * math.Exp((v-n.VTMV)/n.DeltaTMV)
		}
		G := -f / s2
		if math.Abs(G) < 1e-6 {
			g.alpha[k], g.beta[k] = 1, dv/s2
			continue
		}
		g.alpha[k], g.beta[k] = math.Exp(G*dv), math.Expm1(G*dv)/(G*s2)
	}
	return g
}

// Steady is the stationary state of a neuron under constant input.
type Steady struct {
	// RateHz is the stationary rate r0.
	RateHz float64
	// VMV are the grid potentials V_lb … V_th.
	VMV []float64
	// P is the stationary density on the grid (per mV); with the
	// refractory mass r0·τ_ref it integrates to 1.
	P []float64
	// MeanVMV is the mean potential of the non-refractory neurons.
	MeanVMV float64
}

// Steady returns the stationary density and rate under mean input mu and
// noise sigma (mV).
func (n Neuron) Steady(mu, sigma float64) (Steady, error) {
	if err := n.Validate(); err != nil {
		return Steady{}, err
	}
	if err := checkInput(mu, sigma); err != nil {
		return Steady{}, err
	}
	g := n.grid(mu, sigma)
	p, logScale := g.steadyUnit()
	sum := 0.0
	for _, x := range p {
		sum += x
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return Steady{}, fmt.Errorf("%w: the threshold integration failed (μ = %g, σ = %g mV)", ErrParams, mu, sigma)
	}
	// p is the unit-flux density times e^{−logScale}: r0 = 1/(ΔV Σp e^L + τ_ref)
	// (0 Hz when the input is so far below threshold that e^L overflows)
	ref := n.TauRefMs * math.Exp(-logScale)
	r0 := math.Exp(-logScale) / (g.dv*sum + ref) // per ms
	out := Steady{RateHz: 1000 * r0, VMV: make([]float64, g.n+1), P: make([]float64, g.n+1)}
	var mv float64
	for k := range p {
		out.VMV[k] = n.VLbMV + float64(k)*g.dv
		out.P[k] = p[k] / (g.dv*sum + ref)
		mv += out.VMV[k] * p[k]
	}
	out.MeanVMV = mv / sum
	return out, nil
}

// steadyUnit integrates the stationary density for unit flux (j = 1 above
// the reset, 0 below): p_k in ms per mV, times e^{−logScale} (the density
// grows as e^{(V_th − μ)²/σ²} below threshold; it is rescaled before it
// overflows).
func (g grid) steadyUnit() (p []float64, logScale float64) {
	p = make([]float64, g.n+1)
	j := 1.0
	for k := g.n; k >= 1; k-- {
		p[k-1] = p[k]*g.alpha[k] + g.tau*j*g.beta[k]
		if k-1 == g.kre {
			j = 0
		}
		if p[k-1] > 1e250 {
			for i := k - 1; i <= g.n; i++ {
				p[i] *= 1e-250
			}
			j *= 1e-250
			logScale += 250 * math.Ln10
		}
	}
	return p, logScale
}

// Response is a neuron's linear response at one frequency.
type Response struct {
	// FreqHz is the frequency.
	FreqHz float64
	// A is the rate response to a modulation μ₁e^{iωt} of the mean input,
	// r₁/μ₁ in Hz per mV (A(0) = dr0/dμ).
	A complex128
	// ISI is the Fourier transform f̃(ω) = ∫ρ(t)e^{−iωt}dt of the
	// inter-spike-interval density (f̃(0) = 1).
	ISI complex128
	// Spectrum is the spike-train power spectrum of the unconnected
	// neuron, C0(ω) = r0 (1 + 2 Re[f̃/(1 − f̃)]) in Hz (→ r0 CV² as ω → 0,
	// → r0 as ω → ∞).
	Spectrum float64
	// RateHz is r0.
	RateHz float64
}

// Respond returns the linear response at frequency freqHz (≠ 0; use a
// small value such as 1e-3 Hz for the ω → 0 limits).
func (n Neuron) Respond(mu, sigma, freqHz float64) (Response, error) {
	if err := n.Validate(); err != nil {
		return Response{}, err
	}
	if err := checkInput(mu, sigma); err != nil {
		return Response{}, err
	}
	if freqHz == 0 || math.IsNaN(freqHz) || math.IsInf(freqHz, 0) {
		return Response{}, fmt.Errorf("%w: frequency %g Hz must be finite and non-zero", ErrParams, freqHz)
	}
	g := n.grid(mu, sigma)
	p0, logScale := g.steadyUnit()
	if logScale != 0 {
		return Response{}, fmt.Errorf("%w: μ = %g mV is too far below threshold for σ = %g mV (rate ≈ 0: the response is not resolved)", ErrParams, mu, sigma)
	}
	sum := 0.0
	for _, x := range p0 {
		sum += x
	}
	r0 := 1 / (g.dv*sum + n.TauRefMs)
	w := complex(0, 2*math.Pi*freqHz/1000) // iω in 1/ms
	// Three solutions from V_th down, p = 0 there: A (flux 1 at threshold,
	// no reinjection), B (flux 0, unit reinjection at V_re), M (flux 0,
	// driven by the modulation of the mean input through r0·p0).
	var pA, jA, pB, jB, pM, jM complex128 = 0, 1, 0, 0, 0, 0
	for k := g.n; k >= 1; k-- {
		a, b := complex(g.alpha[k], 0), complex(g.beta[k], 0)
		tau := complex(g.tau, 0)
		npA := pA*a + tau*jA*b
		npB := pB*a + tau*jB*b
		npM := pM*a + b*(tau*jM-complex(r0*p0[k], 0))
		dv := complex(g.dv, 0)
		jA += dv * w * pA
		jB += dv * w * pB
		jM += dv * w * pM
		if k-1 == g.kre {
			jB--
		}
		pA, pB, pM = npA, npB, npM
	}
	// B injects at V_re what reaches threshold as aB with jA·aB + jB = 0 at
	// V_lb; the ISI transform adds the refractory delay.
	ref := cmplx.Exp(-w * complex(n.TauRefMs, 0))
	isi := -jB / jA * ref
	// the rate-driven solution J_r = A + e^{−iωτ_ref}B carries r₁ = 1
	jR := jA + ref*jB
	resp := Response{FreqHz: freqHz, A: 1000 * (-jM / jR), ISI: isi, RateHz: 1000 * r0}
	resp.Spectrum = 1000 * r0 * (1 + 2*real(isi/(1-isi)))
	if cmplx.IsNaN(resp.A) || cmplx.IsInf(resp.A) || math.IsNaN(resp.Spectrum) || math.IsInf(resp.Spectrum, 0) {
		return Response{}, fmt.Errorf("%w: the response at %g Hz is not finite (μ = %g, σ = %g mV: refine DVMV or move V_lb)", ErrParams, freqHz, mu, sigma)
	}
	return resp, nil
}
