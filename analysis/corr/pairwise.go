package corr

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mat"

	"github.com/engramsim/engram/analysis/spiketrain"
)

// CountCovariance returns the N×N covariance (N−1 normalised over bins)
// of the binned counts of b.
func CountCovariance(b *spiketrain.Binned) *mat.SymDense {
	n, l := b.Neurons, b.Bins
	if l < 2 {
		panic("corr: CountCovariance needs ≥ 2 bins")
	}
	c := mat.NewDense(n, l, nil)
	for i := range n {
		row := b.Row(i)
		m := 0.0
		for _, v := range row {
			m += v
		}
		m /= float64(l)
		dst := c.RawRowView(i)
		for j, v := range row {
			dst[j] = v - m
		}
	}
	out := mat.NewSymDense(n, nil)
	out.SymOuterK(1/float64(l-1), c)
	return out
}

// PairStats summarises the pairwise count correlations of a population.
type PairStats struct {
	// Rho is the N×N Pearson correlation matrix of the binned counts
	// (NaN rows and columns for silent neurons, 1 on their diagonal).
	Rho *mat.SymDense
	// Mean and SD are over the pairs i < j where both neurons fire; Pairs
	// is their number, Silent the number of neurons without spikes.
	Mean, SD     float64
	Pairs        int
	Silent       int
	BinMs        float64
	MeanCountBin float64 // mean count per neuron and bin
}

// CountCorrelation computes Pearson ρ_ij = Cov(n_i, n_j)/√(Var n_i Var n_j)
// of the binned counts and their distribution over pairs. ρ depends on
// the rates and the bin width: compare at matched rates and bins.
func CountCorrelation(b *spiketrain.Binned) (*PairStats, error) {
	if b.Bins < 2 || b.Neurons < 2 {
		return nil, fmt.Errorf("corr: count correlations need ≥ 2 neurons and ≥ 2 bins (have %d × %d)", b.Neurons, b.Bins)
	}
	cov := CountCovariance(b)
	n := b.Neurons
	rho := mat.NewSymDense(n, nil)
	ps := &PairStats{Rho: rho, BinMs: b.BinMs}
	sd := make([]float64, n)
	for i := range n {
		sd[i] = math.Sqrt(cov.At(i, i))
		if sd[i] == 0 {
			ps.Silent++
		}
	}
	var s, s2 float64
	for i := range n {
		for j := i; j < n; j++ {
			v := math.NaN()
			switch {
			case i == j:
				v = 1
			case sd[i] > 0 && sd[j] > 0:
				v = cov.At(i, j) / (sd[i] * sd[j])
				s += v
				s2 += v * v
				ps.Pairs++
			}
			rho.SetSym(i, j, v)
		}
	}
	tot := 0.0
	for _, v := range b.Counts {
		tot += v
	}
	ps.MeanCountBin = tot / float64(len(b.Counts))
	if ps.Pairs == 0 {
		return nil, fmt.Errorf("corr: no pair of neurons with variable counts (%d of %d silent or constant)", ps.Silent, n)
	}
	pf := float64(ps.Pairs)
	ps.Mean = s / pf
	ps.SD = math.Sqrt(math.Max(s2/pf-ps.Mean*ps.Mean, 0) * pf / math.Max(pf-1, 1))
	return ps, nil
}

// CrossCorrelogram returns C(τ) = Σ_t x(t) y(t+τ) for lags τ = −maxLag..maxLag
// (index τ + maxLag), by FFT of zero-padded sequences (exact up to rounding;
// O(L log L)). With centre, the means are subtracted first (covariance
// function × L).
func CrossCorrelogram(x, y []float64, maxLag int, centre bool) []float64 {
	if len(x) != len(y) {
		panic("corr: CrossCorrelogram sequences differ in length")
	}
	l := len(x)
	if maxLag < 0 || maxLag >= l {
		panic(fmt.Sprintf("corr: maxLag %d must be in [0, %d)", maxLag, l))
	}
	m := 1
	for m < 2*l {
		m <<= 1
	}
	a, b := make([]float64, m), make([]float64, m)
	var mx, my float64
	if centre {
		for i := range l {
			mx += x[i]
			my += y[i]
		}
		mx /= float64(l)
		my /= float64(l)
	}
	for i := range l {
		a[i], b[i] = x[i]-mx, y[i]-my
	}
	f := fourier.NewFFT(m)
	fa := f.Coefficients(nil, a)
	fb := f.Coefficients(nil, b)
	for i := range fa {
		fa[i] = complex(real(fa[i]), -imag(fa[i])) * fb[i]
	}
	c := f.Sequence(nil, fa)
	out := make([]float64, 2*maxLag+1)
	for k := -maxLag; k <= maxLag; k++ {
		idx := k
		if k < 0 {
			idx += m
		}
		out[k+maxLag] = c[idx] / float64(m)
	}
	return out
}
