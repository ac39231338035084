package bridge

import (
	"fmt"
	"math"
	"slices"

	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/progress"
)

// Voltage rules (vstdp) read the postsynaptic voltage, so ν_post cannot be
// a Poisson spike train: the postsynaptic neurons are LKD 2014's E neurons
// (AdEx with an adaptive threshold, COBA; the E population of
// spike.LKD2014Spec) driven by an external Poisson conductance input whose
// rate is calibrated so that they fire at ν_post (stdp-memory.md §4.4 step
// 1). The plastic synapse must not drive its own postsynaptic neuron (the
// trains are independent in the bridge): it transmits through short-term
// depression with U = 1e-9, i.e. a billionth of its weight. The rule is
// additive (clipping aside), so the drift does not depend on w; it is
// measured closed loop from vstdpW far from the bounds [0, 2·vstdpW].
const (
	vstdpW          = 10
	transmitU       = 1e-9
	calibNeurons    = 100
	calibWarmS      = 1
	calibS          = 4
	driveLoHz       = 300.0
	driveHiHz       = 30000.0
	calibLevels     = 18
	calibRefineRuns = 2
)

// lkdNeuron returns LKD 2014's E neuron, its initial state and the weight
// of one external input event (g_L·ms).
func lkdNeuron() (spike.NeuronParams, spike.InitSpec, float64) {
	s := spike.LKD2014Spec(4, 1, 0.2)
	e := s.Populations[0]
	return e.Neuron, e.Init, s.Poisson[0].Weight
}

// driveSpec is one population of n LKD E neurons per drive rate.
func driveSpec(drives []float64, n int, dt float64, seed uint64) spike.Spec {
	nr, init, wd := lkdNeuron()
	s := spike.Spec{DtMs: dt, Seed: seed}
	for k, r := range drives {
		name := fmt.Sprintf("post%d", k)
		s.Populations = append(s.Populations, spike.PopulationSpec{Name: name, N: n, Sign: "exc", Neuron: nr, Init: init})
		s.Poisson = append(s.Poisson, spike.PoissonSpec{Name: "drive " + name, Target: name, NSources: 1, RateHz: r, Weight: wd, Sign: "exc"})
	}
	return s
}

// runRates simulates s for warm + dur seconds and returns the rate of
// the first len(counted) populations after the warm-up; before each run
// it calls setup (may be nil) with the built network.
func runRates(s spike.Spec, npop int, warmS, durS float64, workers int, rep progress.Reporter, setup func(*spike.Net) error) ([]float64, error) {
	net, err := spike.Build(&s, &spike.Options{Workers: workers})
	if err != nil {
		return nil, fmt.Errorf("bridge: building the voltage-rule network: %w", err)
	}
	defer net.Close()
	if setup != nil {
		if err := setup(net); err != nil {
			return nil, err
		}
	}
	warm := int64(math.Round(warmS * 1000 / s.DtMs))
	steps := warm + int64(math.Round(durS*1000/s.DtMs))
	cnt := make([]int64, npop)
	var done int64
	if err := net.Run(steps, func() error {
		done++
		if done > warm {
			for k := range cnt {
				cnt[k] += int64(len(net.Spiked(k)))
			}
		}
		if done%1000 == 0 || done == steps {
			progress.Report(rep, done, steps)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("bridge: voltage-rule run: %w", err)
	}
	out := make([]float64, npop)
	for k, c := range cnt {
		out[k] = float64(c) / float64(s.Populations[k].N) / durS
	}
	return out, nil
}

// interpLogLog returns the drive at which the rate curve (drives, rates;
// drives ascending) reaches target, interpolating log rate linearly in
// log drive between the bracketing levels.
func interpLogLog(drives, rates []float64, target float64) (float64, bool) {
	for k := 1; k < len(drives); k++ {
		a, b := rates[k-1], rates[k]
		if a > 0 && b > a && target >= a && target <= b {
			t := (math.Log(target) - math.Log(a)) / (math.Log(b) - math.Log(a))
			return math.Exp(math.Log(drives[k-1]) + t*(math.Log(drives[k])-math.Log(drives[k-1]))), true
		}
	}
	return 0, false
}

// Calibration is the drive that makes LKD's E neuron fire at each target.
type Calibration struct {
	// TargetHz are the requested rates, DriveHz the external Poisson rates
	// found, AchievedHz the rates measured in the calibration's last run.
	TargetHz   []float64 `json:"target_hz"`
	DriveHz    []float64 `json:"drive_hz"`
	AchievedHz []float64 `json:"achieved_hz"`
}

// calibrate finds the drive for every target rate: a scan of calibLevels
// drives between driveLoHz and driveHiHz, log-log interpolation, then
// calibRefineRuns secant refinements at the targets.
func calibrate(targets []float64, d Options) (Calibration, error) {
	levels := make([]float64, calibLevels)
	for k := range levels {
		levels[k] = driveLoHz * math.Pow(driveHiHz/driveLoHz, float64(k)/float64(calibLevels-1))
	}
	rates, err := runRates(driveSpec(levels, calibNeurons, d.DtMs, d.Seed+1), len(levels), calibWarmS, calibS, d.Workers, nil, nil)
	if err != nil {
		return Calibration{}, err
	}
	c := Calibration{TargetHz: targets, DriveHz: make([]float64, len(targets))}
	for i, t := range targets {
		r, ok := interpLogLog(levels, rates, t)
		if !ok {
			return c, fmt.Errorf("bridge: LKD's E neuron cannot be driven to ν_post = %g Hz by external Poisson input of %g–%g Hz (rates %.3g–%.3g Hz)",
				t, driveLoHz, driveHiHz, rates[0], slices.Max(rates))
		}
		c.DriveHz[i] = r
	}
	// secant refinement in log-log: the local slope from the scan
	for it := range calibRefineRuns {
		got, err := runRates(driveSpec(c.DriveHz, calibNeurons, d.DtMs, d.Seed+2+uint64(it)), len(targets), calibWarmS, calibS, d.Workers, nil, nil)
		if err != nil {
			return c, err
		}
		c.AchievedHz = got
		for i, t := range targets {
			if !(got[i] > 0) {
				return c, fmt.Errorf("bridge: calibration: no spikes at ν_post = %g Hz (drive %.4g Hz)", t, c.DriveHz[i])
			}
			k := max(1, min(len(levels)-1, sort1(levels, c.DriveHz[i])))
			slope := (math.Log(rates[k]) - math.Log(rates[k-1])) / (math.Log(levels[k]) - math.Log(levels[k-1]))
			if !(slope > 0) || math.IsInf(slope, 0) || math.IsNaN(slope) {
				slope = 1
			}
			c.DriveHz[i] *= math.Exp((math.Log(t) - math.Log(got[i])) / slope)
		}
	}
	return c, nil
}

// sort1 returns the index of the first level above x.
func sort1(levels []float64, x float64) int {
	k, _ := slices.BinarySearch(levels, x)
	return k
}

// measureVoltage is measure for vstdp: rows are populations of LKD E
// neurons driven to the post rates (calibrated), columns Poisson sources
// at the pre rates, one-to-one projections with the rule (transmitting
// U = 1e-9 of the weight). Drift = (settled final − settled initial
// weight)/T per synapse.
func measureVoltage(rs spike.RuleSpec, post, pre []float64, d Options) (Drift, error) {
	cal, err := calibrate(post, d)
	if err != nil {
		return Drift{}, err
	}
	rs.Active, rs.Off = nil, false
	rs.WMin, rs.WMax = 0, 2*vstdpW
	n := d.Synapses
	s := driveSpec(cal.DriveHz, n, d.DtMs, d.Seed)
	for j, r := range pre {
		s.Populations = append(s.Populations, spike.PopulationSpec{Name: fmt.Sprintf("pre%d", j), N: n, Sign: "exc", Neuron: spike.SourceNeuron(spike.Poisson, r)})
	}
	for i := range post {
		for j := range pre {
			s.Projections = append(s.Projections, spike.ProjectionSpec{Pre: fmt.Sprintf("pre%d", j), Post: fmt.Sprintf("post%d", i),
				Rule: spike.RuleOneToOne, Weight: spike.WeightSpec{Dist: spike.WeightConstant, Mean: vstdpW, Scale: 1}, DelayMs: d.DtMs,
				STP: &spike.STPParams{U: transmitU, TauDMs: 1, TauFMs: 1}, Plasticity: []spike.RuleSpec{rs}})
		}
	}
	var w0 [][]float32
	var projs []*spike.Projection
	warm := int64(math.Round(d.WarmupS * 1000 / d.DtMs))
	achieved, err := runRates(s, len(post), d.WarmupS, d.DurationS, d.Workers, d.Progress, func(net *spike.Net) error {
		projs = net.Projections()
		net.AddTask(spike.PhaseRecord, "bridge: weights after the warm-up", "", func(step int64) error {
			if step == warm-1 {
				for _, pr := range projs {
					w0 = append(w0, pr.EffectiveWeights())
				}
			}
			return nil
		})
		return nil
	})
	if err != nil {
		return Drift{}, err
	}
	T := d.DurationS
	out := Drift{PostHz: post, PreHz: pre, Method: MethodMeasured, W: vstdpW, SynapseSeconds: float64(n) * T,
		PerS: make([][]float64, len(post)), SEPerS: make([][]float64, len(post)), PostAchievedHz: achieved, DriveHz: cal.DriveHz}
	for i := range post {
		out.PerS[i], out.SEPerS[i] = make([]float64, len(pre)), make([]float64, len(pre))
		for j := range pre {
			k := i*len(pre) + j
			w1 := projs[k].EffectiveWeights()
			var m, m2 float64
			for q, w := range w1 {
				if w <= 0 || w >= 2*vstdpW {
					return Drift{}, fmt.Errorf("bridge: vstdp weight reached a bound (%v) at (%g, %g) Hz: shorten --duration-s", w, post[i], pre[j])
				}
				x := (float64(w) - float64(w0[k][q])) / T
				m += x
				m2 += x * x
			}
			out.PerS[i][j], out.SEPerS[i][j] = meanSE(m, m2, n)
		}
	}
	return out, nil
}
