package corrstim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/engramsim/engram/analysis/corr"
	"github.com/engramsim/engram/analysis/info"
	"github.com/engramsim/engram/analysis/spiketrain"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/rng"
)

// spec builds the network for a recurrence factor with the given input
// spikes (nil: a placeholder single spike, for validation and estimates).
func (c *Config) spec(recurrence float64, input *spiketrain.Train) (*spike.Spec, error) {
	n, in := c.Network, c.Input
	nr := spike.DefaultNeuron()
	nuThr := 1000 * nr.VThMV / (n.JMV * float64(n.KE) * nr.TauMMs)
	w := func(m float64) spike.WeightSpec {
		return spike.WeightSpec{Dist: spike.WeightConstant, Mean: m, Scale: 1}
	}
	pop := func(name, sign string, k int) spike.PopulationSpec {
		return spike.PopulationSpec{Name: name, N: k, Sign: sign, Neuron: nr, Init: spike.InitSpec{VLoMV: 0, VHiMV: 20}}
	}
	gen := &spike.GeneratorSpec{TimesMs: []float64{n.DtMs}, IDs: []int32{0}}
	if input != nil {
		gen = &spike.GeneratorSpec{TimesMs: make([]float64, input.Len()), IDs: make([]int32, input.Len())}
		for k, t := range input.TimesMs {
			// generator spikes need t ≥ dt; the input is shifted by one step
			gen.TimesMs[k], gen.IDs[k] = t+n.DtMs, int32(input.IDs[k])
		}
	}
	x := spike.PopulationSpec{Name: "X", N: in.Channels, Sign: "exc", Neuron: spike.NeuronParams{Model: spike.Generator}, Generator: gen}
	j := n.JMV * recurrence
	proj := func(pre, post string, k int, m float64) spike.ProjectionSpec {
		return spike.ProjectionSpec{Pre: pre, Post: post, Rule: spike.RuleFixedIn, K: k, Weight: w(m), DelayMs: n.DelayMs}
	}
	s := &spike.Spec{DtMs: n.DtMs, Seed: n.Seed,
		Populations: []spike.PopulationSpec{pop("E", "exc", n.NE), pop("I", "inh", n.NI), x},
		Projections: []spike.ProjectionSpec{
			proj("E", "E", n.KE, j), proj("E", "I", n.KE, j), proj("I", "E", n.KI, n.G*j), proj("I", "I", n.KI, n.G*j),
			{Name: "X->E", Pre: "X", Post: "E", Rule: spike.RuleFixedIn, K: in.KIn, Weight: w(in.JInMV), DelayMs: n.DtMs},
			{Name: "X->I", Pre: "X", Post: "I", Rule: spike.RuleFixedIn, K: in.KIn, Weight: w(in.JInMV), DelayMs: n.DtMs},
		},
	}
	if n.Eta > 0 {
		s.Poisson = []spike.PoissonSpec{
			{Name: "bg-E", Target: "E", NSources: n.KE, RateHz: n.Eta * nuThr, Weight: n.JMV, Sign: "exc"},
			{Name: "bg-I", Target: "I", NSources: n.KE, RateHz: n.Eta * nuThr, Weight: n.JMV, Sign: "exc"},
		}
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	return s, nil
}

// Condition is one point of the sweep.
type Condition struct {
	RhoIn      float64
	XiIn       int
	Recurrence float64
	Null       bool
}

func (k Condition) String() string {
	s := fmt.Sprintf("ρ_in = %g, ξ_in = %d, recurrence %g", k.RhoIn, k.XiIn, k.Recurrence)
	if k.Null {
		s += " (shuffled)"
	}
	return s
}

// feasible reports whether order-ξ events can carry ρ_in among M channels.
func (c *Config) feasible(rho float64, xi int) bool {
	return xi == 1 || rho <= float64(xi-1)/float64(c.Input.Channels-1)+1e-12
}

// generateInput draws the channels' spike trains over [0, T).
func (c *Config) generateInput(k Condition, r *rand.Rand) (*spiketrain.Train, error) {
	in, m := c.Input, c.Input.Channels
	total := c.Run.TransientMs + c.Run.DurationMs
	if k.Null || k.RhoIn == 0 {
		// trial shuffling keeps each channel's marginal law — Bernoulli per
		// DG bin, Poisson for the CPP — and removes every cross-channel
		// correlation: drawn from that law directly
		if k.XiIn == 1 {
			return dgTrain(nil, m, in.RateHz, in.DGBinMs, total, r)
		}
		return corr.PoissonTrains(r, m, in.RateHz, total), nil
	}
	if k.XiIn == 1 {
		p := in.RateHz * in.DGBinMs / 1000
		lam, err := corr.DGLatentCorrelation(p, p, k.RhoIn)
		if err != nil {
			return nil, err
		}
		dg, err := corr.EquicorrelatedDG(m, p, lam)
		if err != nil {
			return nil, err
		}
		return dgTrain(dg, m, in.RateHz, in.DGBinMs, total, r)
	}
	// ρ = ν ξ(ξ−1)/(M(M−1) r) for order-ξ events at rate ν
	xi := float64(k.XiIn)
	nu := k.RhoIn * in.RateHz * float64(m*(m-1)) / (xi * (xi - 1))
	cpp, err := corr.InjectedCPP(m, in.RateHz, k.XiIn, nu)
	if err != nil {
		return nil, err
	}
	return cpp.Generate(r, total)
}

// dgTrain samples binary DG words per bin (dg nil: independent Bernoulli)
// and places each spike uniformly inside its bin.
func dgTrain(dg *corr.DG, m int, rateHz, binMs, totalMs float64, r *rand.Rand) (*spiketrain.Train, error) {
	bins := int(totalMs / binMs)
	tr := &spiketrain.Train{N: m, StartMs: 0, EndMs: totalMs}
	p := rateHz * binMs / 1000
	const chunk = 4096
	for b0 := 0; b0 < bins; b0 += chunk {
		nb := min(chunk, bins-b0)
		var w *spiketrain.Binned
		if dg != nil {
			w = dg.Sample(r, nb, binMs)
		}
		for i := range m {
			for t := range nb {
				on := false
				if w != nil {
					on = w.Counts[i*nb+t] > 0
				} else {
					on = r.Float64() < p
				}
				if on {
					tr.TimesMs = append(tr.TimesMs, (float64(b0+t)+r.Float64())*binMs)
					tr.IDs = append(tr.IDs, i)
				}
			}
		}
	}
	return tr, nil
}

// Outcome is what one condition measured.
type Outcome struct {
	Condition
	// RateE is the mean E rate (Hz); RhoInMeasured the channels' mean
	// pairwise count correlation; XiHatIn the channels' CuBIC ξ̂.
	RateE, RhoInMeasured float64
	XiHatIn              int
	// RhoOut, RhoOutSD: pairwise count correlation of the recorded E
	// neurons; RhoCurrent: mean correlation of their summed input counts.
	RhoOut, RhoOutSD, RhoCurrent float64
	// XiHat is the output's CuBIC ξ̂ (0: not run, k₂ < k₁); XiAborted flags
	// ξ_max exceeded.
	XiHat     int
	XiAborted bool
	// I2Ratio is the mean I₂/I_N over the Ising groups (NaN: none);
	// TC the Wishart-corrected Gaussian total correlation (nats).
	I2Ratio, TC float64
	// PK and PKIndependent are P(K) of the recorded neurons' binary words
	// and the Poisson-binomial prediction.
	PK, PKIndependent []float64
	// PairOut, PairCurrent are per recorded pair (i < j) ρ_out and the
	// input-current correlation; EigOut, EigCurrent the eigenvalues
	// (descending) of the two correlation matrices (silent neurons left out).
	PairOut, PairCurrent []float64
	EigOut, EigCurrent   []float64
	Note                 string
}

// simulate runs one condition.
func (c *Config) simulate(ctx context.Context, k Condition, idx int, workers int) (*Outcome, error) {
	key := uint64(idx)
	input, err := c.generateInput(k, rng.New(c.Network.Seed, rng.Stimulus, rng.NameKey("corr-vs-stimulus"), key))
	if err != nil {
		return nil, err
	}
	s, err := c.spec(k.Recurrence, input)
	if err != nil {
		return nil, err
	}
	net, err := spike.Build(s, &spike.Options{Workers: workers})
	if err != nil {
		return nil, err
	}
	defer net.Close()
	dt := c.Network.DtMs
	trans := int64(math.Round(c.Run.TransientMs / dt))
	steps := int64(math.Round(c.Run.DurationMs / dt))
	e := net.PopIndex("E")
	var times []float64
	var ids []int
	for st := int64(0); st < trans+steps; st++ {
		if st%10000 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err := net.Step(); err != nil {
			return nil, fmt.Errorf("%s: step %d: %w", k, st, err)
		}
		if st >= trans {
			t := float64(st+1-trans) * dt
			for _, i := range net.Spiked(e) {
				times = append(times, math.Min(t, c.Run.DurationMs-1e-9))
				ids = append(ids, int(i))
			}
		}
	}
	out := &Outcome{Condition: k}
	dur := c.Run.DurationMs
	out.RateE = float64(len(times)) / float64(c.Network.NE) / (dur / 1000)
	outTr, err := spiketrain.New(times, ids, c.Network.NE, 0, dur)
	if err != nil {
		return nil, err
	}
	// the recorded part of the input (shifted by the transient and the generator's one step)
	var it []float64
	var ic []int
	for q, t := range input.TimesMs {
		if t2 := t + dt - c.Run.TransientMs; t2 >= 0 && t2 < dur {
			it, ic = append(it, t2), append(ic, input.IDs[q])
		}
	}
	inTr, err := spiketrain.New(it, ic, c.Input.Channels, 0, dur)
	if err != nil {
		return nil, err
	}
	return out, c.analyse(out, net.Projection("X->E"), outTr, inTr)
}

// analyse fills the outcome from the recorded E spikes and the input.
func (c *Config) analyse(out *Outcome, xe *spike.Projection, outTr, inTr *spiketrain.Train) error {
	nan := math.NaN()
	out.I2Ratio, out.TC, out.RhoCurrent = nan, nan, nan
	rec := make([]int, c.Run.Recorded)
	for i := range rec {
		rec[i] = i
	}
	sub, err := outTr.Select(rec)
	if err != nil {
		return err
	}
	cb, err := sub.Bin(c.Run.CorrBinMs, nil)
	if err != nil {
		return err
	}
	ps, err := corr.CountCorrelation(cb)
	if err != nil {
		out.Note = "output: " + err.Error()
		out.RhoOut, out.RhoOutSD = nan, nan
	} else {
		out.RhoOut, out.RhoOutSD = ps.Mean, ps.SD
	}
	// input: channel correlations and ξ̂
	ib, err := inTr.Bin(c.Run.CorrBinMs, nil)
	if err != nil {
		return err
	}
	if ips, err := corr.CountCorrelation(ib); err == nil {
		out.RhoInMeasured = ips.Mean
	} else {
		out.RhoInMeasured = nan
	}
	if k, err := inTr.PopulationCounts(c.Run.WordBinMs, nil); err == nil {
		if r, err := corr.CuBIC(k, nil); err == nil {
			out.XiHatIn = r.XiHat
		}
	}
	// input currents of the recorded neurons: Σ over their channels
	cur := &spiketrain.Binned{Neurons: len(rec), Bins: ib.Bins, BinMs: ib.BinMs, Counts: make([]float64, len(rec)*ib.Bins)}
	for ch := range xe.NPre {
		row := ib.Row(ch)
		for p := xe.ColPtr[ch]; p < xe.ColPtr[ch+1]; p++ {
			if post := int(xe.PostIdx[p]); post < len(rec) {
				dst := cur.Row(post)
				for t, v := range row {
					dst[t] += v
				}
			}
		}
	}
	if cps, err := corr.CountCorrelation(cur); err == nil && ps != nil {
		out.RhoCurrent = cps.Mean
		for i := range rec {
			for j := i + 1; j < len(rec); j++ {
				a, b := ps.Rho.At(i, j), cps.Rho.At(i, j)
				if !math.IsNaN(a) && !math.IsNaN(b) {
					out.PairOut, out.PairCurrent = append(out.PairOut, a), append(out.PairCurrent, b)
				}
			}
		}
		out.EigOut, out.EigCurrent = eigs(ps.Rho), eigs(cps.Rho)
	}
	// binary words: P(K), CuBIC, Ising
	wb, err := sub.Bin(c.Run.WordBinMs, nil)
	if err != nil {
		return err
	}
	bin := wb.Binary()
	if out.PK, err = corr.CountDistribution(bin.PopulationCounts()); err != nil {
		return err
	}
	pr := make([]float64, bin.Neurons)
	for i := range pr {
		pr[i] = stat.Mean(bin.Row(i), nil)
	}
	out.PKIndependent = corr.PoissonBinomial(pr)
	if k, err := outTr.PopulationCounts(c.Run.WordBinMs, nil); err == nil {
		if r, err := corr.CuBIC(k, nil); err == nil {
			out.XiHat, out.XiAborted = r.XiHat, r.Aborted
		}
	}
	if c.Run.IsingGroups > 0 {
		g := rand.New(rand.NewPCG(c.Network.Seed, rng.NameKey("ising-groups")))
		var ratios []float64
		for range c.Run.IsingGroups {
			perm := g.Perm(len(rec))[:10]
			grp := &spiketrain.Binned{Neurons: 10, Bins: bin.Bins, Counts: make([]float64, 10*bin.Bins)}
			for a, i := range perm {
				copy(grp.Row(a), bin.Row(i))
			}
			f, err := corr.FitIsing(grp, nil)
			if err == nil && f.IN > 0 {
				ratios = append(ratios, f.Ratio)
			}
		}
		if len(ratios) > 0 {
			out.I2Ratio = stat.Mean(ratios, nil)
		}
	}
	// Gaussian total correlation of the count vectors of the first tc_units active neurons
	var cols [][]float64
	for i := 0; i < len(rec) && len(cols) < c.Run.TCUnits; i++ {
		if stat.Variance(cb.Row(i), nil) > 0 {
			cols = append(cols, cb.Row(i))
		}
	}
	if len(cols) >= 2 {
		x := make([][]float64, cb.Bins)
		for t := range x {
			x[t] = make([]float64, len(cols))
			for a, col := range cols {
				x[t][a] = col[t]
			}
		}
		if e, err := info.GaussianTCEstimate(x, nil); err == nil {
			out.TC = e.Value
		}
	}
	return nil
}

// eigs returns the eigenvalues (descending) of the rows/columns of r
// without NaN (silent neurons).
func eigs(r *mat.SymDense) []float64 {
	var keep []int
	for i := range r.SymmetricDim() {
		if !math.IsNaN(r.At(i, (i+1)%r.SymmetricDim())) || r.SymmetricDim() == 1 {
			keep = append(keep, i)
		}
	}
	s := mat.NewSymDense(len(keep), nil)
	for a, i := range keep {
		for b := a; b < len(keep); b++ {
			s.SetSym(a, b, r.At(i, keep[b]))
		}
	}
	var e mat.EigenSym
	if !e.Factorize(s, false) {
		return nil
	}
	v := e.Values(nil)
	slices.Reverse(v)
	return v
}

// Conditions lists the sweep (infeasible CPP combinations included, marked by feasible).
func (c *Config) Conditions() []Condition {
	var out []Condition
	for _, rec := range c.Sweep.Recurrence {
		for _, xi := range c.Sweep.XiIn {
			for _, rho := range c.Sweep.RhoIn {
				out = append(out, Condition{RhoIn: rho, XiIn: xi, Recurrence: rec})
				if c.Sweep.Null {
					out = append(out, Condition{RhoIn: rho, XiIn: xi, Recurrence: rec, Null: true})
				}
			}
		}
	}
	return out
}

// Simulate runs every feasible condition (sequentially; each network
// uses the workers) and returns the outcomes and the skipped conditions.
func (c *Config) Simulate(ctx context.Context, workers int, prog progress.Reporter) ([]*Outcome, []Condition, error) {
	conds := c.Conditions()
	var outs []*Outcome
	var skipped []Condition
	for i, k := range conds {
		if !c.feasible(k.RhoIn, k.XiIn) {
			skipped = append(skipped, k)
			continue
		}
		o, err := c.simulate(ctx, k, i, workers)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", k, err)
		}
		outs = append(outs, o)
		progress.Report(prog, int64(i+1), int64(len(conds)))
	}
	return outs, skipped, nil
}
