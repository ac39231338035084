package branching

import "fmt"

// Lagged products s_k = Σ_{t<L−k} x_t·x_{t+k}, k = 0..kmax, by a segmented
// power-of-two FFT.
//
// The series is cut into segments of B samples (B a power of two ≥ kmax)
// and each is transformed once, zero-padded to N = 2B. Segment i
// correlated with itself and with segment i+1 covers every pair (t, t+k)
// with t in segment i and k ≤ kmax ≤ B; as N = 2B, shifting segment i+1 by
// B samples multiplies its transform by e^{−2πi·jB/N} = (−1)^j, so
//
//	S_j = Σ_i conj(F_i(j))·(F_i(j) + (−1)^j·F_{i+1}(j))
//
// and one (normalised) inverse transform of S gives s_k with no wrap-around (t+k <
// 2B = N). Cost: ⌈L/B⌉+1 real transforms of length N ≈ 2L·log₂N flops, the
// same as one transform of length L+kmax forwards and back, but the length
// is always a power of two (realFFT, fft.go), short enough to stay in cache,
// and the work memory is O(kmax), not O(L).
//
// The previous code used one gonum transform of the smallest 2^a·3^b·5^c
// length ≥ L+kmax; fftpack's factor table holds 13 radix factors, so lengths
// such as 2·3¹³ (L = 2 874 083) or 2^28 (L = 2^27) panicked.

// maxFFTLag is the largest lag the FFT path supports; it keeps the segment
// length (and the bit-reversal table, uint32) far from overflow.
const maxFFTLag = 1 << 30

// minFFTSegment keeps segments long enough that per-transform overhead is
// negligible (and short enough to stay in cache for small k_max).
const minFFTSegment = 1 << 11

// lagSegment returns the segment length B for a series of the given length
// and largest lag kmax: the smallest power of two ≥ max(kmax, 2048), but no
// longer than needed to hold the whole series.
func lagSegment(length, kmax int) (int, error) {
	if kmax > maxFFTLag {
		return 0, fmt.Errorf("%w: k_max = %d exceeds the largest supported lag %d (give a smaller k_max)", ErrTooShort, kmax, maxFFTLag)
	}
	b := 1
	for b < kmax || b < minFFTSegment {
		b *= 2
	}
	for b/2 >= kmax && b/2 >= length { // one segment holds the whole series
		b /= 2
	}
	return max(b, 1), nil
}

// lagPlan holds the transform and buffers for one (length, kmax); it is
// reused across trials.
type lagPlan struct {
	seg, n, kmax int
	fft          *realFFT
	buf          []float64
	cur, next    []complex128
	acc          []complex128
}

func newLagPlan(length, kmax int) (*lagPlan, error) {
	b, err := lagSegment(length, kmax)
	if err != nil {
		return nil, err
	}
	n := 2 * b
	return &lagPlan{
		seg: b, n: n, kmax: kmax,
		fft:  newRealFFT(n),
		buf:  make([]float64, n),
		cur:  make([]complex128, n/2+1),
		next: make([]complex128, n/2+1),
		acc:  make([]complex128, n/2+1),
	}, nil
}

// lagPlanBytes is the memory newLagPlan allocates: the transform's tables,
// buf of N floats and three half spectra of N/2+1 complex values.
func lagPlanBytes(length, kmax int) int64 {
	b, err := lagSegment(length, kmax)
	if err != nil {
		return 0
	}
	n := int64(2 * b)
	return realFFTBytes(int(n)) + 8*n + 3*16*(n/2+1)
}

// transform puts the transform of y[lo:lo+seg] (zero-padded to n) in
// dst, with y_t = v_t·scale − shift.
func (p *lagPlan) transform(dst []complex128, v []float64, lo int, scale, shift float64) {
	hi := min(lo+p.seg, len(v))
	if lo >= hi {
		clear(dst)
		return
	}
	for i, x := range v[lo:hi] {
		p.buf[i] = x*scale - shift
	}
	clear(p.buf[hi-lo:])
	p.fft.forward(dst, p.buf)
}

// products fills dst[k] = Σ_{t<L−k} y_t·y_{t+k} for k = 0..len(dst)−1
// (len(dst) ≤ kmax+1), where y_t = v_t·scale − shift, and returns it.
func (p *lagPlan) products(dst, v []float64, scale, shift float64) []float64 {
	if len(dst) > p.kmax+1 {
		panic("branching: lagPlan.products: more lags than planned")
	}
	clear(p.acc)
	p.transform(p.cur, v, 0, scale, shift)
	for lo := 0; lo < len(v); lo += p.seg {
		p.transform(p.next, v, lo+p.seg, scale, shift)
		for j, f := range p.cur {
			g := p.next[j]
			if j&1 == 1 {
				g = -g
			}
			fc := complex(real(f), -imag(f))
			p.acc[j] += fc * (f + g)
		}
		p.cur, p.next = p.next, p.cur
	}
	p.fft.inverse(p.buf, p.acc)
	copy(dst, p.buf)
	return dst
}
