package infer

import (
	"errors"

	"gonum.org/v1/gonum/stat"
)

// Population relates each neuron's threshold x_f to the mean and SD of its
// novel rates (the Lim et al. observation that x_f correlates with both,
// spec §3 [unverified]).
type Population struct {
	// IDs, XFHz, MeanNovelHz, SDNovelHz are per neuron, in result order.
	IDs                          []string
	XFHz, MeanNovelHz, SDNovelHz []float64
	XFAtBound                    []bool
	PearsonXFMean, PearsonXFSD   float64
	SpearmanXFMean, SpearmanXFSD float64
	N                            int
	Method                       string
}

// PopulationSummary computes Pearson and Spearman correlations of x_f with
// the mean and with the SD of the novel rates over results (≥ 3 neurons).
// Neurons whose x_f is on a fit bound are included and marked in XFAtBound.
func PopulationSummary(res []NeuronResult) (Population, error) {
	if len(res) < 3 {
		return Population{}, errors.New("infer: PopulationSummary needs at least 3 neurons")
	}
	p := Population{N: len(res), Method: "Pearson and Spearman (average ranks) correlation over neurons of the point estimates"}
	for _, r := range res {
		p.IDs = append(p.IDs, r.ID)
		p.XFHz = append(p.XFHz, r.RuleFit.XFHz.Value)
		p.XFAtBound = append(p.XFAtBound, r.RuleFit.XFHz.AtBound)
		p.MeanNovelHz = append(p.MeanNovelHz, r.MeanNovelHz)
		p.SDNovelHz = append(p.SDNovelHz, r.SDNovelHz)
	}
	p.PearsonXFMean = stat.Correlation(p.XFHz, p.MeanNovelHz, nil)
	p.PearsonXFSD = stat.Correlation(p.XFHz, p.SDNovelHz, nil)
	rx := ranks(p.XFHz)
	p.SpearmanXFMean = stat.Correlation(rx, ranks(p.MeanNovelHz), nil)
	p.SpearmanXFSD = stat.Correlation(rx, ranks(p.SDNovelHz), nil)
	return p, nil
}

// ranks returns 1-based ranks with ties averaged.
func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	// insertion sort by value (small n)
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && x[idx[j]] < x[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		avg := 0.5*float64(i+j) + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}
