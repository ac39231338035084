package spike

import "math"

// Memory model of a built network, in bytes per synapse: the post index
// of each position (4) plus its weight (4) unless a static projection has
// constant weights (no weight array); plastic projections add the
// post-side index (presynaptic neuron and position, 8). During
// construction the generators hold the drawn indices twice (per-chunk
// buffers and the concatenated array) and a fixed in-degree mask is
// transposed; Build collects garbage between these stages for projections
// of ≥ 10^7 synapses, so one projection's construction needs 4 bytes per
// synapse beyond its resident ones; the estimate counts 8
// (BuildExtraPerSynapse), the peak should a collection not return the
// generator's buffers in time (measured in bench/RESULTS.md, "Scale":
// 10^8 static constant-weight synapses peak at 7.2 B per synapse, 10^8
// with 64 % plastic at 15.0 B).
const (
	BytesPerSynapseConst   = 4
	BytesPerSynapse        = 8
	BytesPerPlasticSynapse = 16
	BuildExtraPerSynapse   = 8
	// BaseBytes covers the binary, the Go runtime and its heap slack.
	BaseBytes = 48 << 20
)

// ExpectedSynapses returns the expected number of synapses of projection i
// of s (exact for the fixed-degree and one-to-one rules).
func (s *Spec) ExpectedSynapses(i int) float64 {
	pr := s.Projections[i]
	a, b := s.PopIndex(pr.Pre), s.PopIndex(pr.Post)
	if a < 0 || b < 0 {
		return 0
	}
	nPre, nPost := float64(s.Populations[a].N), float64(s.Populations[b].N)
	same := a == b && !pr.Autapses
	avail := func(m float64) float64 {
		if same {
			return m - 1
		}
		return m
	}
	switch pr.Rule {
	case RuleFixedIn:
		k := float64(pr.K)
		if k == 0 {
			k = roundHalf(pr.P * avail(nPre))
		}
		return k * nPost
	case RuleFixedOut:
		k := float64(pr.K)
		if k == 0 {
			k = roundHalf(pr.P * avail(nPost))
		}
		return k * nPre
	case RuleOneToOne:
		return nPre
	case RuleDisc: // π r² presynaptic cells per postsynaptic neuron, plus the disc's boundary
		return nPost * (math.Pi*pr.Radius*pr.Radius + 2*math.Pi*pr.Radius + 1)
	}
	return pr.P * nPost * avail(nPre)
}

func roundHalf(x float64) float64 {
	if x < 0 {
		return -roundHalf(-x)
	}
	return float64(int64(x + 0.5))
}

// EstimateBytes returns the estimated peak memory of Build(s) and its
// steps: synapses at their construction peak (the largest projection's
// temporaries plus every projection's resident bytes), per-neuron state
// (up to 7 float32 variables, the input buffers, the spike history, random
// streams, conductance rise parts), traces and plasticity state (per-post
// rule state, voltage STDP's settlement marks and P10's reference weights
// per synapse, short-term plasticity per presynaptic neuron), and Poisson
// drive streams.
func (s *Spec) EstimateBytes() int64 {
	var resident, peakExtra float64
	maxDelay := 0
	for i, pr := range s.Projections {
		m := s.ExpectedSynapses(i)
		if pr.Rule == RuleBernoulli {
			m += 6 * math.Sqrt(m) // sampling fluctuation of the count
		}
		per := float64(BytesPerSynapse)
		switch {
		case len(pr.Plasticity) > 0:
			per = BytesPerPlasticSynapse
		case pr.Weight.Dist == WeightConstant:
			per = BytesPerSynapseConst
		}
		resident += m * per
		for _, r := range pr.Plasticity {
			switch r.Rule {
			case RuleVSTDP: // the lazy LTP's per-synapse settlement mark (float64)
				resident += 8 * m
			case RuleP10: // the consolidated reference weight w̃ (float32)
				resident += 4 * m
			}
		}
		if pr.STP != nil { // x, u (float32) and the last-update step (int64) per presynaptic neuron
			if j := s.PopIndex(pr.Pre); j >= 0 {
				resident += 16 * float64(s.Populations[j].N)
			}
		}
		if pr.Rule != RuleOneToOne {
			peakExtra = math.Max(peakExtra, m*BuildExtraPerSynapse)
		}
		if s.DtMs > 0 {
			maxDelay = max(maxDelay, int(pr.DelayMs/s.DtMs+0.5))
		}
		if j := s.PopIndex(pr.Post); j >= 0 {
			n := float64(s.Populations[j].N)
			resident += 16 * n                               // column/row pointers
			resident += 56 * n * float64(len(pr.Plasticity)) // per-post rule state (normalize: 52 B)
		}
		if j := s.PopIndex(pr.Pre); j >= 0 {
			resident += 8 * float64(s.Populations[j].N)
		}
		// traces: up to 5 per rule, float64 per neuron of pre or post
		resident += 5 * 8 * float64(len(pr.Plasticity)) * float64(s.maxN())
	}
	var neur float64
	for _, p := range s.Populations {
		// state 7×4, ref 4, inputs 2×4, per-worker spike lists 8, noise stream 48,
		// spike history 4 per slot, pre-reset V 4
		neur += float64(p.N) * float64(7*4+4+8+8+48+4+4*(maxDelay+2))
		if p.Neuron.TauRiseEMs > 0 || p.Neuron.TauRiseIMs > 0 { // rise parts of both conductances
			neur += float64(p.N) * 8
		}
	}
	for _, in := range s.Poisson {
		if j := s.PopIndex(in.Target); j >= 0 {
			neur += float64(s.Populations[j].N) * 24
		}
	}
	b := BaseBytes + resident + peakExtra + neur
	if !(b < math.MaxInt64) { // saturate (NaN too): refused by any budget
		return math.MaxInt64
	}
	return int64(b)
}

func (s *Spec) maxN() int {
	m := 0
	for _, p := range s.Populations {
		m = max(m, p.N)
	}
	return m
}
