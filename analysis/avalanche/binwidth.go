package avalanche

import "fmt"

// BinWidthResult is the avalanche analysis of activity rebinned by one
// factor (one row of ExponentsByBinWidth).
type BinWidthResult struct {
	// Factor is the rebinning factor (bins merged); BinWidth the new bin
	// width (Options.BinWidth × Factor, in Options.BinUnit).
	Factor   int
	BinWidth float64
	// Result is the analysis at that width (nil when Err is set).
	Result *Result
	// Err is why the analysis failed at this factor.
	Err error
}

// ExponentsByBinWidth rebins every trial of counts[trial][bin] by each factor,
// extracts avalanches at threshold (none spans two trials) and repeats
// Analyze with opts (bin width scaled, default 1; no progress): how the exponents α_S, α_D and γ depend
// on the bin width (criticality.md §4). A failing factor records its error
// and the others still run.
func ExponentsByBinWidth(counts [][]float64, threshold float64, factors []int, opts *Options) []BinWidthResult {
	var base Options
	if opts != nil {
		base = *opts
	}
	if base.BinWidth == 0 {
		base.BinWidth = 1
	}
	var out []BinWidthResult
	for _, k := range factors {
		o := base
		o.BinWidth, o.Progress = base.BinWidth*float64(k), nil
		row := BinWidthResult{Factor: k, BinWidth: o.BinWidth}
		rebinned := make([][]float64, len(counts))
		for i, tr := range counts {
			rebinned[i], row.Err = Rebin(tr, k)
			if row.Err == nil && len(rebinned[i]) == 0 {
				row.Err = fmt.Errorf("factor %d exceeds the trial length %d", k, len(tr))
			}
			if row.Err != nil {
				break
			}
		}
		if row.Err == nil {
			var av []Avalanche
			if av, row.Err = ExtractTrials(rebinned, threshold); row.Err == nil {
				s, d := SizesDurations(av)
				row.Result, row.Err = Analyze(s, d, &o)
			}
		}
		out = append(out, row)
	}
	return out
}
