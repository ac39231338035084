package spiking

import (
	"fmt"
	"math"
	"strings"

	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/theory/siegert"
)

// Brunel is the [brunel] section: the two knobs of Brunel 2000 model A
// (spec §2.2), resolved into the network when the run is built. Unset
// (absent) knobs change nothing.
//
// A knob and the value it derives are mutually exclusive: with brunel.g
// set, the weight.mean of every projection from an inhibitory population
// must be left unset (0), and with brunel.eta set, every input.poisson
// rate_hz must be left unset (0); setting both is an error naming the
// key. config.resolved.toml keeps the knobs and the unset values, so it
// reruns unchanged.
type Brunel struct {
	// G is the relative inhibitory strength g (≥ 0; Brunel's Fig. 8 uses
	// 3–6): every projection from an inhibitory population gets the
	// constant weight magnitude g·J (the simulated weight is −g·J), with J
	// the common constant weight of the projections from excitatory
	// populations (Brunel: 0.1 mV). nil: weights as written.
	G *float64 `toml:"g"`
	// Eta is the external drive η = ν_ext/ν_thr (> 0; Brunel's Fig. 8 uses
	// 0.9–4): every [[input.poisson]] gets rate_hz = η·ν_thr with
	// ν_thr = θ/(w·n_sources·τ_m), the per-source rate at which that input
	// alone holds the mean membrane potential at threshold θ (above e_l) of
	// its target. In model A, w = J and n_sources = C_ext = C_E, so this is
	// Brunel's θ/(J C_E τ) = 10 Hz. nil: rates as written.
	Eta *float64 `toml:"eta"`
}

// brunelDerived records what the [brunel] knobs resolved to.
type brunelDerived struct {
	jMV      float64   // excitatory projection weight J (mV)
	inhProj  []int     // indices of the projections whose weight g sets
	nuThrHz  []float64 // per input.poisson: ν_thr
	extRates []float64 // per input.poisson: η·ν_thr
}

// resolveBrunel returns copies of c's projections and Poisson inputs with
// the [brunel] knobs applied, and what they resolved to. Errors name the
// key (brunel.g, brunel.eta, projection[i] (pre→post).weight.mean,
// input.poisson[i].rate_hz).
func (c *Config) resolveBrunel() ([]spike.ProjectionSpec, []spike.PoissonSpec, brunelDerived, error) {
	var d brunelDerived
	projs, ins := c.Projection, c.Input.Poisson
	g, eta := c.Brunel.G, c.Brunel.Eta
	if g == nil && eta == nil {
		return projs, ins, d, nil
	}
	sign := func(name string) string {
		for _, p := range c.Population {
			if p.Name == name {
				return p.Sign
			}
		}
		return ""
	}
	if g != nil {
		if !(*g >= 0) || math.IsInf(*g, 0) {
			return nil, nil, d, fmt.Errorf("brunel.g = %v must be ≥ 0 and finite", *g)
		}
		projs = append([]spike.ProjectionSpec(nil), projs...)
		d.jMV = math.NaN()
		for i, pr := range projs {
			if sign(pr.Pre) != "exc" {
				continue
			}
			key := fmt.Sprintf("projection[%d] (%s→%s).weight", i, pr.Pre, pr.Post)
			if pr.Weight.Dist != spike.WeightConstant {
				return nil, nil, d, fmt.Errorf("brunel.g needs constant excitatory weights J; %s.dist = %q", key, pr.Weight.Dist)
			}
			j := pr.Weight.Mean * pr.Weight.Scale
			if math.IsNaN(d.jMV) {
				d.jMV = j
			} else if math.Abs(j-d.jMV) > 1e-12*math.Abs(d.jMV) {
				return nil, nil, d, fmt.Errorf("brunel.g needs one excitatory weight J; %s is %v mV, an earlier one %v mV", key, j, d.jMV)
			}
		}
		if math.IsNaN(d.jMV) {
			return nil, nil, d, fmt.Errorf("brunel.g = %v: no projection from an excitatory population to take J from", *g)
		}
		if !(d.jMV > 0) {
			return nil, nil, d, fmt.Errorf("brunel.g = %v needs an excitatory weight J > 0; the excitatory projections have J = %v mV (mean × scale)", *g, d.jMV)
		}
		for i := range projs {
			pr := &projs[i]
			if sign(pr.Pre) != "inh" {
				continue
			}
			key := fmt.Sprintf("projection[%d] (%s→%s).weight", i, pr.Pre, pr.Post)
			switch {
			case pr.Weight.Dist != "" && pr.Weight.Dist != spike.WeightConstant:
				return nil, nil, d, fmt.Errorf("%s.dist = %q: brunel.g sets a constant weight (use dist = \"constant\" or leave it unset)", key, pr.Weight.Dist)
			case pr.Weight.Mean != 0:
				return nil, nil, d, fmt.Errorf("%s.mean = %v is set and so is brunel.g = %v (which derives it as g·J = %v mV); remove one", key, pr.Weight.Mean, *g, *g*d.jMV)
			case pr.Weight.Scale != 0 && pr.Weight.Scale != 1:
				return nil, nil, d, fmt.Errorf("%s.scale = %v: with brunel.g the scale must be 1 (or unset)", key, pr.Weight.Scale)
			}
			pr.Weight = spike.WeightSpec{Dist: spike.WeightConstant, Mean: *g * d.jMV, Scale: 1}
			d.inhProj = append(d.inhProj, i)
		}
		if len(d.inhProj) == 0 {
			return nil, nil, d, fmt.Errorf("brunel.g = %v: no projection from an inhibitory population to apply it to", *g)
		}
	}
	if eta != nil {
		if !(*eta > 0) || math.IsInf(*eta, 0) {
			return nil, nil, d, fmt.Errorf("brunel.eta = %v must be > 0 and finite", *eta)
		}
		if len(ins) == 0 {
			return nil, nil, d, fmt.Errorf("brunel.eta = %v: there is no [[input.poisson]] to apply it to", *eta)
		}
		ins = append([]spike.PoissonSpec(nil), ins...)
		for i := range ins {
			in := &ins[i]
			key := fmt.Sprintf("input.poisson[%d]", i)
			var nr *spike.NeuronParams
			for k := range c.Population {
				if c.Population[k].Name == in.Target {
					nr = &c.Population[k].Neuron
				}
			}
			switch {
			case nr == nil:
				return nil, nil, d, fmt.Errorf("%s.target = %q: unknown population", key, in.Target)
			case in.RateHz != 0:
				return nil, nil, d, fmt.Errorf("%s.rate_hz = %v is set and so is brunel.eta = %v (which derives it as η·ν_thr); remove one", key, in.RateHz, *eta)
			case in.Sign != "exc" || !(in.Weight > 0) || in.NSources <= 0:
				return nil, nil, d, fmt.Errorf("%s: brunel.eta needs an excitatory input with weight > 0 and n_sources > 0 (got sign %q, weight %v, n_sources %d)", key, in.Sign, in.Weight, in.NSources)
			case nr.Synapse != spike.Delta || !(nr.VThMV-nr.ELMV > 0) || !(nr.TauMMs > 0):
				return nil, nil, d, fmt.Errorf("%s: brunel.eta needs a target with delta synapses and v_th_mv > e_l_mv, tau_m_ms > 0 (population %q)", key, in.Target)
			}
			nuThr := 1000 * (nr.VThMV - nr.ELMV) / (in.Weight * float64(in.NSources) * nr.TauMMs)
			in.RateHz = *eta * nuThr
			d.nuThrHz = append(d.nuThrHz, nuThr)
			d.extRates = append(d.extRates, in.RateHz)
		}
	}
	return projs, ins, d, nil
}

// brunelModelA returns the mean-field description of c when it is Brunel's
// model A with both knobs set: one exc population E and one inh population
// I of identical LIF neurons (delta synapses, value reset), four fixed
// in-degree projections with C_E inputs from E and C_I from I onto each
// population, and one Poisson input per population of C_E sources of
// weight J. ok is false otherwise.
func (c *Config) brunelModelA() (n siegert.BrunelNet, ok bool) {
	if c.Brunel.G == nil || c.Brunel.Eta == nil || len(c.Population) != 2 || len(c.Projection) != 4 || len(c.Input.Poisson) != 2 ||
		c.Input.SigmaMV != 0 || c.Input.MuMV != 0 || len(c.Input.Current) > 0 || len(c.Input.SpikeFile) > 0 {
		return n, false
	}
	projs, _, d, err := c.resolveBrunel()
	if err != nil {
		return n, false
	}
	nr := c.Population[0].Neuron
	for _, p := range c.Population {
		if p.Neuron != nr {
			return n, false
		}
	}
	if nr.Model != spike.LIF || nr.Synapse != spike.Delta || nr.Reset != spike.ResetValue || nr.IBiasMV != 0 {
		return n, false
	}
	sign := map[string]string{c.Population[0].Name: c.Population[0].Sign, c.Population[1].Name: c.Population[1].Sign}
	if sign[c.Population[0].Name] == sign[c.Population[1].Name] {
		return n, false
	}
	k := map[string]int{} // in-degree by pre sign, equal for both targets
	seen := map[[2]string]bool{}
	for _, pr := range projs {
		if pr.Rule != spike.RuleFixedIn || pr.K <= 0 || pr.Weight.Dist != spike.WeightConstant {
			return n, false
		}
		s := sign[pr.Pre]
		if old, has := k[s]; has && old != pr.K {
			return n, false
		}
		k[s] = pr.K
		seen[[2]string{pr.Pre, pr.Post}] = true
	}
	if len(seen) != 4 {
		return n, false
	}
	targets := map[string]bool{}
	for _, in := range c.Input.Poisson {
		if in.NSources != k["exc"] || in.Weight != d.jMV || in.Sign != "exc" {
			return n, false
		}
		targets[in.Target] = true
	}
	if len(targets) != 2 {
		return n, false
	}
	sp := siegert.Params{TauMMs: nr.TauMMs, ThetaMV: nr.VThMV - nr.ELMV, VResetMV: nr.VResetMV - nr.ELMV,
		TauRefMs: math.Round(nr.TauRefMs/c.Network.DtMs) * c.Network.DtMs}
	return siegert.BrunelNet{Neuron: sp, CE: float64(k["exc"]), Gamma: float64(k["inh"]) / float64(k["exc"]), JMV: d.jMV,
		G: *c.Brunel.G, Eta: *c.Brunel.Eta}, true
}

// brunelMeanField returns the self-consistent stationary (Siegert) rate of
// model A (theory/siegert.BrunelRateHz) and the diffusion-approximation CV
// of ISI there (siegert.CVISI).
func (c *Config) brunelMeanField() (nu, mu, sigma, cv float64, ok bool) {
	n, ok := c.brunelModelA()
	if !ok {
		return 0, 0, 0, 0, false
	}
	nu, mu, sigma, err := siegert.BrunelRateHz(n)
	if err != nil {
		return 0, 0, 0, 0, false
	}
	cv, err = siegert.CVISI(n.Neuron, mu, sigma)
	if err != nil {
		cv = math.NaN()
	}
	return nu, mu, sigma, cv, true
}

// Derived describes the values the [brunel] knobs resolve to, with units
// (as `engram describe` prints them); "" without knobs.
func (c *Config) Derived() string {
	if c.Brunel.G == nil && c.Brunel.Eta == nil {
		return ""
	}
	projs, ins, d, err := c.resolveBrunel()
	if err != nil {
		return "# brunel: " + err.Error() + "\n"
	}
	var b strings.Builder
	if g := c.Brunel.G; g != nil {
		var names []string
		for _, i := range d.inhProj {
			names = append(names, projs[i].Pre+"→"+projs[i].Post)
		}
		fmt.Fprintf(&b, "# brunel.g = %g: J = %.6g mV (excitatory projection weight); inhibitory weight −g·J = %.6g mV (%s)\n",
			*g, d.jMV, -*g*d.jMV, strings.Join(names, ", "))
	}
	if eta := c.Brunel.Eta; eta != nil {
		for i, in := range ins {
			var nr spike.NeuronParams
			for _, p := range c.Population {
				if p.Name == in.Target {
					nr = p.Neuron
				}
			}
			fmt.Fprintf(&b, "# brunel.eta = %g: input.poisson[%d] (→%s): ν_thr = θ/(w·n_sources·τ_m) = %.6g mV/(%.6g mV·%d·%.6g ms) = %.6g Hz; rate_hz = η·ν_thr = %.6g Hz per source\n",
				*eta, i, in.Target, nr.VThMV-nr.ELMV, in.Weight, in.NSources, nr.TauMMs, d.nuThrHz[i], d.extRates[i])
		}
	}
	if nu, mu, sigma, cv, ok := c.brunelMeanField(); ok {
		fmt.Fprintf(&b, "# mean field (model A, theory/siegert): self-consistent rate %.4g Hz at μ = %.4g mV, σ = %.4g mV (θ = %g mV); CV of ISI %.3g (diffusion approximation)\n",
			nu, mu, sigma, c.Population[0].Neuron.VThMV-c.Population[0].Neuron.ELMV, cv)
	}
	return b.String()
}
