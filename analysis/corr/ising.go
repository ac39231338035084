package corr

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/engramsim/engram/analysis/spiketrain"
)

// IsingModel is the pairwise maximum-entropy distribution over binary
// words s ∈ {0,1}^N: P(s) = exp(Σ h_i s_i + Σ_{i<j} J_ij s_i s_j)/Z.
type IsingModel struct {
	N int
	H []float64
	// J is symmetric with a zero diagonal.
	J *mat.SymDense
}

// MaxExactUnits is the largest N fitted by exact enumeration of the 2^N
// words; larger populations use pseudo-likelihood.
const MaxExactUnits = 20

// nFeat is the number of parameters N + N(N−1)/2.
func nFeat(n int) int { return n + n*(n-1)/2 }

// pairIndex is the feature index of pair i < j.
func pairIndex(n, i, j int) int { return n + i*(2*n-i-1)/2 + (j - i - 1) }

func (m *IsingModel) theta() []float64 {
	th := make([]float64, nFeat(m.N))
	copy(th, m.H)
	for i := range m.N {
		for j := i + 1; j < m.N; j++ {
			th[pairIndex(m.N, i, j)] = m.J.At(i, j)
		}
	}
	return th
}

func modelFromTheta(n int, th []float64) *IsingModel {
	m := &IsingModel{N: n, H: slices.Clone(th[:n]), J: mat.NewSymDense(n, nil)}
	for i := range n {
		for j := i + 1; j < n; j++ {
			m.J.SetSym(i, j, th[pairIndex(n, i, j)])
		}
	}
	return m
}

// logWeights returns E(s) = Σ h_i s_i + Σ J_ij s_i s_j for every word s
// (bit i of s is unit i), built incrementally from s without its lowest bit.
func logWeights(n int, th []float64) []float64 {
	e := make([]float64, 1<<n)
	for s := 1; s < len(e); s++ {
		b := bits.TrailingZeros(uint(s))
		rest := s &^ (1 << b)
		v := e[rest] + th[b]
		for r := rest; r != 0; r &= r - 1 {
			j := bits.TrailingZeros(uint(r)) // j > b
			v += th[pairIndex(n, b, j)]
		}
		e[s] = v
	}
	return e
}

// Enumerate returns P(s) for all 2^N words and ln Z (N ≤ MaxExactUnits).
func (m *IsingModel) Enumerate() ([]float64, float64) {
	if m.N > MaxExactUnits {
		panic(fmt.Sprintf("corr: Enumerate of %d units (max %d)", m.N, MaxExactUnits))
	}
	return normalise(logWeights(m.N, m.theta()))
}

func normalise(e []float64) ([]float64, float64) {
	mx := slices.Max(e)
	z := 0.0
	p := make([]float64, len(e))
	for s, v := range e {
		p[s] = math.Exp(v - mx)
		z += p[s]
	}
	for s := range p {
		p[s] /= z
	}
	return p, mx + math.Log(z)
}

// moments returns the feature expectations of a word distribution p.
func moments(n int, p []float64) []float64 {
	f := make([]float64, nFeat(n))
	for s, q := range p {
		if q == 0 {
			continue
		}
		for r := uint(s); r != 0; r &= r - 1 {
			i := bits.TrailingZeros(r)
			f[i] += q
			for r2 := r & (r - 1); r2 != 0; r2 &= r2 - 1 {
				f[pairIndex(n, i, bits.TrailingZeros(r2))] += q
			}
		}
	}
	return f
}

// Sample draws bins words from the model by inverse CDF over the 2^N words.
func (m *IsingModel) Sample(rng *rand.Rand, bins int) *spiketrain.Binned {
	p, _ := m.Enumerate()
	cdf := make([]float64, len(p))
	s := 0.0
	for i, v := range p {
		s += v
		cdf[i] = s
	}
	b := &spiketrain.Binned{Neurons: m.N, Bins: bins, Counts: make([]float64, m.N*bins)}
	for t := range bins {
		w, _ := slices.BinarySearch(cdf, rng.Float64()*s)
		w = min(w, len(p)-1)
		for i := range m.N {
			if w>>i&1 == 1 {
				b.Counts[i*bins+t] = 1
			}
		}
	}
	return b
}

// IsingOptions configures the fit. nil means defaults.
type IsingOptions struct {
	// Penalty η of the L2 term (η/2)θ² on the parameters of pairs never
	// active together and units never (or always) active in the data,
	// whose maximum-likelihood values are infinite (default 1e-3). With
	// pseudo-likelihood it applies to every J (default 1e-4).
	Penalty float64
	// Tol is the largest allowed |data − model| moment at convergence
	// (default 1e-10; exact fits only).
	Tol float64
	// MaxIter bounds the optimiser's iterations (default 500).
	MaxIter int
	// PseudoLikelihood forces the pseudo-likelihood fit for N ≤ 20 too.
	PseudoLikelihood bool
}

// IsingFit is a fitted pairwise model with the information-theoretic
// comparison of Schneidman et al. (2006). Entropies are in nats.
type IsingFit struct {
	Model  *IsingModel
	Method string // "exact (Newton)", "exact (L-BFGS)" or "pseudo-likelihood (L-BFGS)"
	// Iterations, Converged, MaxGradient describe the optimisation
	// (MaxGradient: largest |data − model| moment, penalty included).
	Iterations  int
	Converged   bool
	MaxGradient float64
	// Samples is the number of words of the data (0 for a given pmf).
	Samples int
	// DataMoments and ModelMoments are ⟨s_i⟩ then ⟨s_i s_j⟩ (i < j, row
	// by row) in the data and the fitted model (model: exact fits only).
	DataMoments, ModelMoments []float64
	// S1 = Σ H₂(⟨s_i⟩), S2 the fitted model's entropy, SN the plug-in
	// entropy of the data words (biased low for few samples); exact fits
	// only (NaN otherwise).
	S1, S2, SN float64
	// IN = S1 − SN (multi-information of the data), I2 = S1 − S2, Ratio =
	// I2/IN, KL = KL(P_data‖P_2).
	IN, I2, Ratio, KL float64
	// PKData and PKModel are P(K) of the population count K = Σ s_i
	// (PKModel: exact fits only).
	PKData, PKModel []float64
}

// FitIsing fits the pairwise model to binary words (b clipped to 0/1:
// neurons × bins) by exact enumeration for N ≤ 20 and pseudo-likelihood
// beyond.
func FitIsing(b *spiketrain.Binned, o *IsingOptions) (*IsingFit, error) {
	if b.Neurons < 1 || b.Bins < 1 {
		return nil, fmt.Errorf("corr: Ising fit of %d neurons × %d bins", b.Neurons, b.Bins)
	}
	n := b.Neurons
	if n > MaxExactUnits || (o != nil && o.PseudoLikelihood) {
		return fitPseudo(b, o)
	}
	p := make([]float64, 1<<n)
	for t := range b.Bins {
		w := 0
		for i := range n {
			if b.Counts[i*b.Bins+t] > 0 {
				w |= 1 << i
			}
		}
		p[w]++
	}
	for s := range p {
		p[s] /= float64(b.Bins)
	}
	f, err := FitIsingPMF(p, n, o)
	if err != nil {
		return nil, err
	}
	f.Samples = b.Bins
	return f, nil
}

// FitIsingPMF fits the pairwise model to a given distribution p over the
// 2^n words (bit i of the index is unit i) by maximising the concave
// log-likelihood θ·m_data − ln Z(θ): Newton's method with a backtracking
// line search for n ≤ 14, L-BFGS beyond, until every moment matches to
// Tol.
func FitIsingPMF(p []float64, n int, o *IsingOptions) (*IsingFit, error) {
	if n < 1 || n > MaxExactUnits || len(p) != 1<<n {
		return nil, fmt.Errorf("corr: exact Ising fit needs 1 ≤ n ≤ %d and 2^n probabilities (n = %d, %d given)", MaxExactUnits, n, len(p))
	}
	opt := IsingOptions{Penalty: 1e-3, Tol: 1e-10, MaxIter: 500}
	if o != nil {
		if o.Penalty > 0 {
			opt.Penalty = o.Penalty
		}
		if o.Tol > 0 {
			opt.Tol = o.Tol
		}
		if o.MaxIter > 0 {
			opt.MaxIter = o.MaxIter
		}
	}
	tot := 0.0
	for s, q := range p {
		if !(q >= 0) || math.IsInf(q, 0) {
			return nil, fmt.Errorf("corr: word %d has probability %v", s, q)
		}
		tot += q
	}
	if math.Abs(tot-1) > 1e-9 {
		return nil, fmt.Errorf("corr: word probabilities sum to %v, not 1", tot)
	}
	md := moments(n, p)
	nf := len(md)
	pen := make([]float64, nf) // penalty per feature
	th := make([]float64, nf)
	for i := range n {
		if md[i] == 0 || md[i] == 1 {
			pen[i] = opt.Penalty
		} else {
			th[i] = math.Log(md[i] / (1 - md[i])) // independent start
		}
		for j := i + 1; j < n; j++ {
			if md[pairIndex(n, i, j)] == 0 {
				pen[pairIndex(n, i, j)] = opt.Penalty
			}
		}
	}
	obj := func(th []float64) (float64, []float64, []float64) { // L, gradient, model moments, all for maximisation
		pm, lz := normalise(logWeights(n, th))
		mm := moments(n, pm)
		l := -lz
		g := make([]float64, nf)
		for a := range nf {
			l += th[a]*md[a] - pen[a]*th[a]*th[a]/2
			g[a] = md[a] - mm[a] - pen[a]*th[a]
		}
		return l, g, mm
	}
	fit := &IsingFit{}
	maxAbs := func(g []float64) float64 {
		m := 0.0
		for _, v := range g {
			m = math.Max(m, math.Abs(v))
		}
		return m
	}
	l, g, _ := obj(th)
	if n <= 14 {
		fit.Method = "exact (Newton)"
		for it := 0; it < opt.MaxIter && maxAbs(g) > opt.Tol; it++ {
			fit.Iterations = it + 1
			h := fisher(n, th, pen)
			var ch mat.Cholesky
			if !ch.Factorize(h) {
				return nil, fmt.Errorf("corr: Ising Newton step: singular Fisher information (a unit always equal to another?)")
			}
			var step mat.VecDense
			if err := ch.SolveVecTo(&step, mat.NewVecDense(nf, slices.Clone(g))); err != nil {
				return nil, err
			}
			t := 1.0
			for range 60 {
				cand := make([]float64, nf)
				for a := range cand {
					cand[a] = th[a] + t*step.AtVec(a)
				}
				lc, gc, _ := obj(cand)
				if lc >= l-1e-15*math.Abs(l) {
					th, l, g = cand, lc, gc
					break
				}
				t /= 2
			}
		}
	} else {
		fit.Method = "exact (L-BFGS)"
		prob := optimize.Problem{
			Func: func(x []float64) float64 { l, _, _ := obj(x); return -l },
			Grad: func(grad, x []float64) {
				_, g, _ := obj(x)
				for a := range g {
					grad[a] = -g[a]
				}
			},
		}
		res, err := optimize.Minimize(prob, th, &optimize.Settings{GradientThreshold: opt.Tol, MajorIterations: opt.MaxIter}, &optimize.LBFGS{})
		if res == nil {
			return nil, fmt.Errorf("corr: Ising L-BFGS: %v", err)
		}
		th = res.X
		fit.Iterations = res.MajorIterations
		l, g, _ = obj(th)
	}
	fit.MaxGradient = maxAbs(g)
	fit.Converged = fit.MaxGradient <= opt.Tol*10
	fit.Model = modelFromTheta(n, th)
	pm, lz := normalise(logWeights(n, th))
	fit.DataMoments, fit.ModelMoments = md, moments(n, pm)
	// entropies
	for i := range n {
		fit.S1 += h2(md[i])
	}
	dot := func(m []float64) float64 {
		s := 0.0
		for a := range m {
			s += th[a] * m[a]
		}
		return s
	}
	fit.S2 = lz - dot(fit.ModelMoments)
	fit.SN = entropyOf(p)
	fit.IN, fit.I2 = fit.S1-fit.SN, fit.S1-fit.S2
	fit.Ratio = fit.I2 / fit.IN
	fit.KL = -fit.SN - (dot(md) - lz)
	fit.PKData, fit.PKModel = popCount(n, p), popCount(n, pm)
	return fit, nil
}

// fisher is the Fisher information (model covariance of the features)
// plus the penalty diagonal.
func fisher(n int, th, pen []float64) *mat.SymDense {
	pm, _ := normalise(logWeights(n, th))
	nf := len(th)
	m := moments(n, pm)
	h := mat.NewSymDense(nf, nil)
	raw := h.RawSymmetric().Data
	act := make([]int, 0, nf)
	for s, q := range pm {
		act = act[:0]
		for r := uint(s); r != 0; r &= r - 1 {
			i := bits.TrailingZeros(r)
			act = append(act, i)
			for r2 := r & (r - 1); r2 != 0; r2 &= r2 - 1 {
				act = append(act, pairIndex(n, i, bits.TrailingZeros(r2)))
			}
		}
		slices.Sort(act)
		for x, a := range act {
			for _, b := range act[x:] {
				raw[a*nf+b] += q
			}
		}
	}
	for a := range nf {
		for b := a; b < nf; b++ {
			v := raw[a*nf+b] - m[a]*m[b]
			if a == b {
				v += pen[a]
			}
			h.SetSym(a, b, v)
		}
	}
	return h
}

func h2(p float64) float64 {
	s := 0.0
	for _, q := range []float64{p, 1 - p} {
		if q > 0 {
			s -= q * math.Log(q)
		}
	}
	return s
}

func entropyOf(p []float64) float64 {
	s := 0.0
	for _, q := range p {
		if q > 0 {
			s -= q * math.Log(q)
		}
	}
	return s
}

func popCount(n int, p []float64) []float64 {
	out := make([]float64, n+1)
	for s, q := range p {
		out[bits.OnesCount(uint(s))] += q
	}
	return out
}

// fitPseudo maximises the pseudo-likelihood Σ_t Σ_i ln P(s_i | s_{−i})
// (per sample, with (η/2)ΣJ² ) by L-BFGS, J kept symmetric.
func fitPseudo(b *spiketrain.Binned, o *IsingOptions) (*IsingFit, error) {
	n, T := b.Neurons, b.Bins
	eta, maxIter := 1e-4, 500
	if o != nil {
		if o.Penalty > 0 {
			eta = o.Penalty
		}
		if o.MaxIter > 0 {
			maxIter = o.MaxIter
		}
	}
	active := make([][]int, T)
	s := make([]float64, n*T) // t-major
	for t := range T {
		for i := range n {
			if b.Counts[i*T+t] > 0 {
				active[t] = append(active[t], i)
				s[t*n+i] = 1
			}
		}
	}
	nf := nFeat(n)
	md := make([]float64, nf)
	for t := range T {
		for x, i := range active[t] {
			md[i]++
			for _, j := range active[t][x+1:] {
				md[pairIndex(n, min(i, j), max(i, j))]++
			}
		}
	}
	for a := range md {
		md[a] /= float64(T)
	}
	u := make([]float64, n)
	f := func(th, grad []float64) float64 {
		if grad != nil {
			clear(grad)
		}
		l := 0.0
		for t := range T {
			copy(u, th[:n])
			for _, j := range active[t] {
				for i := range n {
					if i != j {
						u[i] += th[pairIndex(n, min(i, j), max(i, j))]
					}
				}
			}
			for i := range n {
				si := s[t*n+i]
				// ln P = s u − ln(1 + e^u)
				lp := si*u[i] - softplus(u[i])
				l += lp
				if grad != nil {
					r := si - sigmoid(u[i])
					grad[i] -= r
					for _, j := range active[t] {
						if j != i {
							grad[pairIndex(n, min(i, j), max(i, j))] -= r
						}
					}
				}
			}
		}
		l /= float64(T)
		if grad != nil {
			for a := range grad {
				grad[a] /= float64(T)
			}
		}
		for a := n; a < nf; a++ {
			l -= eta * th[a] * th[a] / 2
			if grad != nil {
				grad[a] += eta * th[a]
			}
		}
		return -l
	}
	th := make([]float64, nf)
	for i := range n {
		m := math.Min(math.Max(md[i], 0.5/float64(T)), 1-0.5/float64(T))
		th[i] = math.Log(m / (1 - m))
	}
	prob := optimize.Problem{Func: func(x []float64) float64 { return f(x, nil) }, Grad: func(g, x []float64) { f(x, g) }}
	res, err := optimize.Minimize(prob, th, &optimize.Settings{GradientThreshold: 1e-8, MajorIterations: maxIter}, &optimize.LBFGS{})
	if res == nil {
		return nil, fmt.Errorf("corr: pseudo-likelihood L-BFGS: %v", err)
	}
	g := make([]float64, nf)
	f(res.X, g)
	mg := 0.0
	for _, v := range g {
		mg = math.Max(mg, math.Abs(v))
	}
	nan := math.NaN()
	fit := &IsingFit{Model: modelFromTheta(n, res.X), Method: "pseudo-likelihood (L-BFGS)", Iterations: res.MajorIterations,
		Converged: mg < 1e-6, MaxGradient: mg, Samples: T, DataMoments: md,
		S1: nan, S2: nan, SN: nan, IN: nan, I2: nan, Ratio: nan, KL: nan}
	pk := make([]float64, n+1)
	for t := range T {
		pk[len(active[t])] += 1 / float64(T)
	}
	fit.PKData = pk
	return fit, nil
}

func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
