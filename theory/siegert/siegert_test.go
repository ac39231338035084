package siegert

import (
	"fmt"
	"math"
	"testing"
)

// Reference rates: spec spiking-networks.md §3, "independent re-implementation
// (numpy)": scipy quadrature of erfcx and mpmath at 30 digits, agreeing to 12
// significant digits. θ = 20 mV, V_r = 10 mV, τ = 20 ms, τ_ref = 2 ms.
func TestRateHzReferenceValues(t *testing.T) {
	const relTol, relTolTiny = 1e-9, 1e-6 // spec §3 tolerances
	p := BrunelParams()
	cases := []struct{ mu, sigma, nu, tol float64 }{
		{10, 5, 0.881923455976, relTol},
		{15, 5, 9.46079980576, relTol},
		{20, 5, 27.3405673531, relTol},
		{19, 1, 6.83081914266, relTol},
		{25, 1, 42.0167514164, relTol},
		{10, 2, 1.91792829925e-9, relTolTiny},
		{21.02515145711832, 7.682907052304934, 37.9496970858, relTol},
	}
	for _, c := range cases {
		got, err := RateHz(p, c.mu, c.sigma)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-c.nu) > c.tol*c.nu {
			t.Errorf("μ=%v σ=%v: ν = %.12g Hz, want %.12g (rel err %.2g)", c.mu, c.sigma, got, c.nu, (got-c.nu)/c.nu)
		}
	}
}

// As σ → 0 with μ > θ the rate tends to 1/(τ_ref + τ ln((μ−V_r)/(μ−θ)))
// (41.7149 Hz at μ = 25, spec §3); the correction is O(σ²).
func TestRateHzDeterministicLimit(t *testing.T) {
	p := BrunelParams()
	det := DeterministicRateHz(p, 25)
	if math.Abs(det-41.7149) > 1e-4 {
		t.Fatalf("deterministic rate %v, want 41.7149", det)
	}
	prev := math.Inf(1)
	for _, s := range []float64{0.4, 0.2, 0.1, 0.05} {
		r, _ := RateHz(p, 25, s)
		d := math.Abs(r - det)
		if d > prev/2 { // O(σ²): halving σ must at least halve the gap
			t.Errorf("σ=%v: |ν−ν_det| = %v did not shrink (prev %v)", s, d, prev)
		}
		prev = d
	}
	if prev > 1e-2 {
		t.Errorf("σ=0.05: gap %v Hz", prev)
	}
	if r, _ := RateHz(p, 15, 0); r != 0 {
		t.Errorf("sub-threshold deterministic rate %v", r)
	}
}

func TestErfcx(t *testing.T) {
	// Values of erfcx from the defining series/asymptotics (Abramowitz &
	// Stegun 7.1): erfcx(0) = 1, erfcx(1) = 0.42758357615580700442,
	// erfcx(30) ≈ 0.018795888861416751 (continued fraction, checked against
	// the asymptotic series 1/(x√π)(1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶) + 105/(16x⁸)),
	// whose truncation error at x = 30 is ≈ 5e-14 relative).
	cases := []struct{ x, want float64 }{
		{0, 1},
		{1, 0.42758357615580700442},
		{30, 1 / (30 * math.SqrtPi) * (1 - 1/(2*900.0) + 3/(4*810000.0) - 15/(8*729000000.0) + 105/(16*656100000000.0))},
	}
	for _, c := range cases {
		if got := Erfcx(c.x); math.Abs(got-c.want) > 1e-12*c.want {
			t.Errorf("Erfcx(%v) = %.17g, want %.17g", c.x, got, c.want)
		}
	}
	// Continuity at the switch point 26.
	a, b := math.Exp(26*26)*math.Erfc(26), erfcxCF(26)
	if math.Abs(a-b) > 1e-12*a {
		t.Errorf("erfcx branches disagree at 26: %v vs %v", a, b)
	}
	// Reflection erfcx(−x) = 2e^{x²} − erfcx(x).
	if got, want := Erfcx(-2), 2*math.Exp(4)-Erfcx(2); math.Abs(got-want) > 1e-13*want {
		t.Errorf("reflection: %v vs %v", got, want)
	}
}

// Self-consistent model A rates, spec §2.2 table ("independent
// re-implementation (numpy)", 5–6 significant digits given).
func TestBrunelRateHz(t *testing.T) {
	const relTol = 5e-5 // the table is rounded to 5 significant digits (half an ulp of 12.988 is 3.9e-5)
	cases := []struct{ g, eta, nu, mu, sigma float64 }{
		{5, 2, 37.9497, 21.025, 7.683},
		{4.5, 0.9, 6.5167, 16.371, 3.115},
		{6, 4, 55.841, 24.159, 10.940},
		{5, 4, 90.725, 34.638, 11.813},
		{8, 2, 12.988, 14.025, 6.940},
	}
	for _, c := range cases {
		nu, mu, sigma, err := BrunelRateHz(BrunelModelA(c.g, c.eta))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(nu-c.nu) > relTol*c.nu || math.Abs(mu-c.mu) > 1e-3 || math.Abs(sigma-c.sigma) > 1e-3 {
			t.Errorf("g=%v η=%v: ν=%.6g μ=%.5g σ=%.5g, want %v %v %v", c.g, c.eta, nu, mu, sigma, c.nu, c.mu, c.sigma)
		}
	}
}

func TestValidate(t *testing.T) {
	bad := []Params{{TauMMs: -1, ThetaMV: 20, VResetMV: 10}, {TauMMs: 20, ThetaMV: 20, VResetMV: 20}, {TauMMs: 20, ThetaMV: 20, VResetMV: 10, TauRefMs: -1}}
	for _, p := range bad {
		if _, err := RateHz(p, 10, 5); err == nil {
			t.Errorf("%+v accepted", p)
		}
	}
}

func ExampleRateHz() {
	p := Params{TauMMs: 20, ThetaMV: 20, VResetMV: 10, TauRefMs: 2}
	nu, _ := RateHz(p, 15, 5)
	fmt.Printf("%.6f Hz\n", nu)
	// Output: 9.460800 Hz
}

// CV of the ISI, reference values from an independent scipy
// re-implementation of the same double integral (quad with erfcx,
// epsrel 1e-12 inner / 1e-10 outer), computed for engram.
func TestCVISI(t *testing.T) {
	const relTol = 1e-6
	p := BrunelParams()
	cases := []struct{ mu, sigma, cv float64 }{
		{15, 5, 0.8147572116594495},
		{10, 5, 0.9863955927646829},
		{20, 5, 0.5826358399327144},
		{19, 1, 0.5923227217216821},
		{25, 1, 0.10913468270494497},
		{21.02515145711832, 7.682907052304934, 0.6753285860072675},
	}
	for _, c := range cases {
		got, err := CVISI(p, c.mu, c.sigma)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-c.cv) > relTol*c.cv {
			t.Errorf("μ=%v σ=%v: CV %.10g, want %.10g", c.mu, c.sigma, got, c.cv)
		}
	}
}
