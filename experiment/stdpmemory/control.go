package stdpmemory

import (
	"fmt"
	"math"
	"slices"

	"github.com/engramsim/engram/analysis/assembly"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/rng"
)

// Control kinds (Control.Kind).
const (
	ControlShuffle    = "shuffle"
	ControlShuffleAll = "shuffle-all"
	ControlImpose     = "impose"
)

func (c *Control) validate() error {
	switch c.Kind {
	case "", ControlShuffle, ControlShuffleAll:
	case ControlImpose:
		if !(c.Ratio > 0) || math.IsInf(c.Ratio, 0) {
			return fmt.Errorf("control.ratio = %v must be finite and > 0 for kind %q", c.Ratio, ControlImpose)
		}
	default:
		return fmt.Errorf("control.kind = %q: known kinds are %q, %q, %q and \"\" (none)", c.Kind, ControlShuffle, ControlShuffleAll, ControlImpose)
	}
	if c.Kind == "" && !c.ResetInhibition {
		return nil
	}
	if k := slices.Index(phaseOrder, c.AtPhase); k < 1 {
		return fmt.Errorf("control.at_phase = %q must be one of %v", c.AtPhase, phaseOrder[1:])
	}
	return nil
}

// active reports whether the control does anything.
func (c *Control) active() bool { return c.Kind != "" || c.ResetInhibition }

// controlResult is what the applied control reports.
type controlResult struct {
	TMs            float64
	JPlus, JMinus  float64 // impose
	J0, QWithin    float64
	IEBefore, IEAt float64 // mean I→E weight before and after (reset_inhibition)
	F              float64 // impose: the coding level in J₋
	Moved          float64 // the fraction of E→E weights the control changed
	RBefore        float64 // R of the matrix it replaced
}

// applyControl transforms the network's weights as c.Control says.
func applyControl(c *Config, net *spike.Net, pat assembly.Patterns) (controlResult, error) {
	ctl := c.Control
	res := controlResult{TMs: net.TimeMs(), JPlus: math.NaN(), JMinus: math.NaN(), J0: math.NaN(), QWithin: math.NaN(),
		IEBefore: math.NaN(), IEAt: math.NaN(), F: math.NaN()}
	ee := net.Projection("E→E")
	if ee == nil {
		return res, fmt.Errorf("control: the %s network has no E→E projection", c.Network.Preset)
	}
	w := slices.Clone(ee.EffectiveWeights())
	res.RBefore = assembly.MeanRatio(assembly.Classes(ee.ColPtr, ee.PostIdx, w, pat))
	for _, pr := range net.Spec().Projections {
		if pr.DisplayName() != "E→E" {
			continue
		}
		for _, r := range pr.Plasticity {
			if r.Rule == spike.RuleP10 && ctl.Kind != "" {
				// its per-synapse reference weights would pull the new matrix back to the old one
				return res, fmt.Errorf("control.kind = %q: the E→E projection has a p10 rule, whose reference weights SetWeights does not replace", ctl.Kind)
			}
		}
	}
	switch ctl.Kind {
	case ControlShuffle:
		r := rng.New(c.Network.Seed, rng.Weights, rng.NameKey("control shuffle"))
		if err := ee.SetWeights(assembly.ShuffleWithinClasses(ee.ColPtr, ee.PostIdx, w, pat, r)); err != nil {
			return res, fmt.Errorf("control: %w", err)
		}
	case ControlShuffleAll:
		r := rng.New(c.Network.Seed, rng.Weights, rng.NameKey("control shuffle-all"))
		nw := slices.Clone(w)
		r.Shuffle(len(nw), func(a, b int) { nw[a], nw[b] = nw[b], nw[a] })
		if err := ee.SetWeights(nw); err != nil {
			return res, fmt.Errorf("control: %w", err)
		}
	case ControlImpose:
		im, err := assembly.Impose(ee.ColPtr, ee.PostIdx, w, pat, ctl.Ratio)
		if err != nil {
			return res, fmt.Errorf("control (kind = %q, ratio = %v): %w", ctl.Kind, ctl.Ratio, err)
		}
		if err := ee.SetWeights(im.W); err != nil {
			return res, fmt.Errorf("control: %w", err)
		}
		res.JPlus, res.JMinus, res.J0, res.QWithin, res.F = im.JPlus, im.JMinus, im.J0, im.QWithin, im.F
	}
	if ctl.Kind != "" {
		nw := ee.EffectiveWeights()
		var moved int
		for q := range w {
			if nw[q] != w[q] {
				moved++
			}
		}
		res.Moved = float64(moved) / float64(len(w))
	}
	if ctl.ResetInhibition {
		ie := net.Projection("I→E")
		if ie == nil {
			return res, fmt.Errorf("control.reset_inhibition: the %s network has no I→E projection", c.Network.Preset)
		}
		base, err := c.baseSpec()
		if err != nil {
			return res, err
		}
		w0 := base.Projections[base.ProjIndex("I→E")].Weight
		if w0.Dist != spike.WeightConstant {
			return res, fmt.Errorf("control.reset_inhibition: the %s preset's I→E weights are not constant", c.Network.Preset)
		}
		cur := ie.EffectiveWeights()
		nw := make([]float32, len(cur))
		var s float64
		for q, x := range cur {
			s += float64(x)
			nw[q] = float32(w0.Mean)
		}
		res.IEBefore, res.IEAt = s/float64(len(cur)), w0.Mean
		if err := ie.SetWeights(nw); err != nil {
			return res, fmt.Errorf("control: %w", err)
		}
	}
	return res, nil
}
