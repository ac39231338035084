package infobound

import (
	"fmt"
	"math"

	"github.com/engramsim/engram/analysis/info"
)

// ConfusionResult is I(C; R̂) estimated from a confusion matrix.
type ConfusionResult struct {
	// P is the number of cue labels, Trials the total count.
	P, Trials int
	// PluginBits is the plug-in estimate, Bits the Panzeri–Treves
	// corrected one (alphabet bin count), StdErrBits the delta-method
	// standard error of the plug-in, BiasBits = PluginBits − Bits.
	PluginBits, Bits, StdErrBits, BiasBits float64
	// HRetrievedBits is the Miller–Madow entropy H(R̂), HRetrievedPluginBits
	// its plug-in value; UpperBits = log₂ P is the bound for a uniform cue.
	HRetrievedBits, HRetrievedPluginBits, UpperBits float64
	// Success is the fraction of trials on the diagonal.
	Success float64
	// Estimate is the full analysis/info estimate behind Bits.
	Estimate info.Estimate
}

// ConfusionMI estimates I(C; R̂) in bits from counts[c][r], the number of
// trials in which cue c (0 … P−1) retrieved label r: P columns for the
// assemblies, optionally a (P + 1)-th for "none" (spec §5.3). The
// plug-in value and the Panzeri–Treves correction come from
// analysis/info.MutualInfo (alphabets P and the number of columns).
func ConfusionMI(counts [][]int) (ConfusionResult, error) {
	p := len(counts)
	if p < 2 {
		return ConfusionResult{}, fmt.Errorf("infobound: confusion matrix has %d rows; need ≥ 2 cue labels", p)
	}
	cols := len(counts[0])
	if cols != p && cols != p+1 {
		return ConfusionResult{}, fmt.Errorf("infobound: confusion matrix row 0 has %d columns; need P = %d or P + 1 = %d", cols, p, p+1)
	}
	var x, y []int
	diag := 0
	for c, row := range counts {
		if len(row) != cols {
			return ConfusionResult{}, fmt.Errorf("infobound: confusion matrix row %d has %d columns, row 0 has %d", c, len(row), cols)
		}
		for r, n := range row {
			if n < 0 {
				return ConfusionResult{}, fmt.Errorf("infobound: confusion matrix entry [%d][%d] = %d is negative", c, r, n)
			}
			for range n {
				x, y = append(x, c), append(y, r)
			}
			if r == c {
				diag += n
			}
		}
	}
	if len(x) == 0 {
		return ConfusionResult{}, fmt.Errorf("infobound: confusion matrix is empty (no trials)")
	}
	o := &info.DiscreteOptions{KX: p, KY: cols}
	e, err := info.MutualInfo(x, y, info.PanzeriTreves, o)
	if err != nil {
		return ConfusionResult{}, fmt.Errorf("infobound: confusion MI: %w", err)
	}
	cy, _ := info.Counts(y, cols)
	hp, err := info.EntropyPlugin(cy)
	if err != nil {
		return ConfusionResult{}, err
	}
	hm, _ := info.EntropyMillerMadow(cy)
	return ConfusionResult{P: p, Trials: len(x), PluginBits: e.Plugin / ln2, Bits: e.Value / ln2, StdErrBits: e.StdErr / ln2,
		BiasBits: e.BiasCorrection / ln2, HRetrievedBits: hm.Value / ln2, HRetrievedPluginBits: hp.Value / ln2,
		UpperBits: math.Log2(float64(p)), Success: float64(diag) / float64(len(x)), Estimate: e}, nil
}
