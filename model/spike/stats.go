package spike

import "math"

// Spikes is a recorded spike list: Step[k] is the step index at whose end
// neuron ID[k] (a local id of one population, or a global id) spiked.
// Entries are in time order.
type Spikes struct {
	Step []int64
	ID   []int32
}

// Append adds the spikes ids of step.
func (s *Spikes) Append(step int64, ids []int32) {
	for _, i := range ids {
		s.Step = append(s.Step, step)
		s.ID = append(s.ID, i)
	}
}

// RateHz is the mean rate of n neurons that emitted count spikes in durMs.
func RateHz(count int64, n int, durMs float64) float64 {
	if n <= 0 || durMs <= 0 {
		return math.NaN()
	}
	return float64(count) / float64(n) / (durMs / 1000)
}

// CVISIs returns, for each of the n neurons, the coefficient of variation
// (SD/mean) of its inter-spike intervals; neurons with fewer than 3 spikes
// get NaN. IDs must be in [0, n).
func CVISIs(s *Spikes, n int) []float64 {
	last := make([]int64, n)
	cnt := make([]int, n)
	sum := make([]float64, n)
	sum2 := make([]float64, n)
	for k, id := range s.ID {
		t := s.Step[k]
		if cnt[id] > 0 {
			d := float64(t - last[id])
			sum[id] += d
			sum2[id] += float64(d * d)
		}
		cnt[id]++
		last[id] = t
	}
	cv := make([]float64, n)
	for i := range cv {
		m := cnt[i] - 1
		if m < 2 {
			cv[i] = math.NaN()
			continue
		}
		mean := sum[i] / float64(m)
		v := (sum2[i] - float64(float64(m)*mean*mean)) / float64(m-1)
		cv[i] = math.Sqrt(math.Max(v, 0)) / mean
	}
	return cv
}

// FanoFactor returns the mean over neurons (with non-zero mean count) of
// Var/Mean of spike counts in consecutive windows of binSteps steps within
// [fromStep, toStep). It is NaN when no neuron qualifies or there are fewer
// than two windows.
func FanoFactor(s *Spikes, n int, fromStep, toStep, binSteps int64) float64 {
	nb := int((toStep - fromStep) / binSteps)
	if nb < 2 || n <= 0 {
		return math.NaN()
	}
	counts := make([]float64, n*nb)
	for k, id := range s.ID {
		t := s.Step[k]
		if t < fromStep {
			continue
		}
		b := int((t - fromStep) / binSteps)
		if b >= nb {
			continue
		}
		counts[int(id)*nb+b]++
	}
	var sum float64
	var used int
	for i := 0; i < n; i++ {
		c := counts[i*nb : (i+1)*nb]
		var m, v float64
		for _, x := range c {
			m += x
		}
		m /= float64(nb)
		if m == 0 {
			continue
		}
		for _, x := range c {
			v += float64((x - m) * (x - m))
		}
		v /= float64(nb - 1)
		sum += v / m
		used++
	}
	if used == 0 {
		return math.NaN()
	}
	return sum / float64(used)
}

// MeanFinite returns the mean of the finite entries of x (NaN if none).
func MeanFinite(x []float64) float64 {
	var s float64
	var n int
	for _, v := range x {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			s += v
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

// CV returns SD/mean of x (population-rate modulation when x is a binned
// population count); NaN for a zero mean.
func CV(x []float64) float64 {
	var m, v float64
	for _, a := range x {
		m += a
	}
	m /= float64(len(x))
	for _, a := range x {
		v += float64((a - m) * (a - m))
	}
	v /= float64(len(x))
	if m == 0 {
		return math.NaN()
	}
	return math.Sqrt(v) / m
}

// Synchrony accumulates the Golomb–Hansel synchrony measure
// χ = √(Var_t[V̄(t)] / mean_i Var_t[V_i(t)]) over calls to Add with the
// membrane potentials of one population at successive steps: χ ≈ 1 for full
// synchrony, ≈ 1/√N for independent neurons. The zero value is ready to use.
type Synchrony struct {
	n           int
	sum, sum2   []float64
	mSum, mSum2 float64
}

// Add accumulates one time step.
func (s *Synchrony) Add(v []float32) {
	if s.sum == nil {
		s.sum, s.sum2 = make([]float64, len(v)), make([]float64, len(v))
	}
	var m float64
	for i, x := range v {
		f := float64(x)
		s.sum[i] += f
		s.sum2[i] += float64(f * f)
		m += f
	}
	m /= float64(len(v))
	s.mSum += m
	s.mSum2 += float64(m * m)
	s.n++
}

// Chi returns χ (NaN before two steps).
func (s *Synchrony) Chi() float64 {
	if s.n < 2 {
		return math.NaN()
	}
	T := float64(s.n)
	varMean := s.mSum2/T - float64((s.mSum/T)*(s.mSum/T))
	var vi float64
	for i := range s.sum {
		m := s.sum[i] / T
		vi += s.sum2[i]/T - float64(m*m)
	}
	vi /= float64(len(s.sum))
	if vi <= 0 {
		return math.NaN()
	}
	return math.Sqrt(math.Max(varMean, 0) / vi)
}
