package bridge

import (
	"fmt"
	"math"

	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/progress"
)

// measure simulates, for every (post, pre) pair of the grid, d.Synapses
// independent synapses, each from its own Poisson source at ν_pre onto
// its own Poisson "post" neuron at ν_post (spike sources transmit
// nothing: only the rule runs), open loop: after the plasticity of every
// step the increments are accumulated and the weights reset to d.W
// (stdp-memory.md §4.4 step 1). One presynaptic population per pre rate
// and one postsynaptic population per post rate are shared by the grid's
// one-to-one projections, so entries of one row (column) share their
// post (pre) trains; every entry is still an average over independent
// pre/post pairs.
func measure(rs spike.RuleSpec, post, pre []float64, d Options) (Drift, error) {
	rs.Active, rs.Off = nil, false
	if d.W < rs.WMin || d.W > rs.WMax {
		return Drift{}, fmt.Errorf("bridge: weight W = %v outside the rule's bounds [%v, %v]", d.W, rs.WMin, rs.WMax)
	}
	if rs.Rule == spike.RuleP10 {
		p := *rs.P10
		p.ConsolidationPeriodMs, p.ConsolidateInitial = 0, true // w̃ = w: no heterosynaptic pull
		rs.P10 = &p
	}
	preSign := "exc"
	if rs.Rule == spike.RuleISTDP {
		preSign = "inh"
	}
	n := d.Synapses
	s := spike.Spec{DtMs: d.DtMs, Seed: d.Seed}
	for j, r := range pre {
		s.Populations = append(s.Populations, spike.PopulationSpec{Name: fmt.Sprintf("pre%d", j), N: n, Sign: preSign, Neuron: spike.SourceNeuron(spike.Poisson, r)})
	}
	for i, r := range post {
		s.Populations = append(s.Populations, spike.PopulationSpec{Name: fmt.Sprintf("post%d", i), N: n, Sign: "exc", Neuron: spike.SourceNeuron(spike.Poisson, r)})
	}
	for i := range post {
		for j := range pre {
			s.Projections = append(s.Projections, spike.ProjectionSpec{Pre: fmt.Sprintf("pre%d", j), Post: fmt.Sprintf("post%d", i),
				Rule: spike.RuleOneToOne, Weight: spike.WeightSpec{Dist: spike.WeightConstant, Mean: d.W, Scale: 1}, DelayMs: d.DtMs,
				Plasticity: []spike.RuleSpec{rs}})
		}
	}
	net, err := spike.Build(&s, &spike.Options{Workers: d.Workers})
	if err != nil {
		return Drift{}, fmt.Errorf("bridge: building the open-loop network: %w", err)
	}
	defer net.Close()
	projs := net.Projections()
	w0 := make([][]float32, len(projs))
	acc := make([][]float64, len(projs))
	for k, pr := range projs {
		w0[k] = append([]float32(nil), pr.W...)
		acc[k] = make([]float64, len(pr.W))
	}
	warm := int64(math.Round(d.WarmupS * 1000 / d.DtMs))
	steps := warm + int64(math.Round(d.DurationS*1000/d.DtMs))
	net.AddTask(spike.PhasePlasticity, "bridge: open loop", "accumulate the weight increments and reset the weights", func(step int64) error {
		for k, pr := range projs {
			W, a, w := pr.W, acc[k], w0[k]
			for q := range W {
				if step >= warm {
					a[q] += float64(W[q]) - float64(w[q])
				}
				W[q] = w[q]
			}
		}
		return nil
	})
	var done int64
	if err := net.Run(steps, func() error {
		done++
		if done%1000 == 0 || done == steps {
			progress.Report(d.Progress, done, steps)
		}
		return nil
	}); err != nil {
		return Drift{}, fmt.Errorf("bridge: open-loop run: %w", err)
	}
	T := d.DurationS
	out := Drift{PostHz: post, PreHz: pre, Method: MethodMeasured, W: d.W, SynapseSeconds: float64(n) * T,
		PerS: make([][]float64, len(post)), SEPerS: make([][]float64, len(post))}
	for i := range post {
		out.PerS[i], out.SEPerS[i] = make([]float64, len(pre)), make([]float64, len(pre))
		for j := range pre {
			var m, m2 float64
			for _, a := range acc[i*len(pre)+j] {
				x := a / T
				m += x
				m2 += x * x
			}
			out.PerS[i][j], out.SEPerS[i][j] = meanSE(m, m2, n)
		}
	}
	return out, nil
}

// meanSE returns the mean and its standard error of n values with sum m
// and sum of squares m2 (SE 0 for n ≤ 1).
func meanSE(m, m2 float64, n int) (mean, se float64) {
	nn := float64(n)
	mean = m / nn
	if n > 1 {
		se = math.Sqrt(math.Max(m2/nn-mean*mean, 0) / (nn - 1))
	}
	return mean, se
}
