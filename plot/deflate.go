package plot

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// zlibRLE appends to dst data compressed into a zlib stream (RFC 1950)
// of one deflate block (RFC 1951) with dynamic Huffman codes, whose only
// back-references are runs: a byte repeated k ≥ 3 more times is the byte
// and matches at distance 1. It is the "RLE" strategy of zlib (Z_RLE),
// built for PNG rows filtered with "Up": a figure is mostly rows equal to
// the row above, which the filter turns into runs of zeros, and the
// remaining bytes are entropy-coded. It does not hash every byte for
// matches as compress/flate does, and codes the image in one block
// instead of one per 64 KiB (BenchmarkEncodePNG has the times and sizes).
//
// The stream is deterministic: the same data give the same bytes.
func zlibRLE(dst, data []byte) []byte { return zlibRLERows(dst, [][]byte{data}, nil) }

// zlibRLERows is zlibRLE of the concatenated rows, where a nil row stands
// for blank (a PNG row equal to the row above: the filter byte and
// zeros), which is then coded without being scanned or copied. Runs do
// not continue from one row into the next.
//
// Two passes: the first finds the runs of each row and counts the
// symbols, the second writes the codes; the output is allocated once, at
// its exact size.
func zlibRLERows(dst []byte, rows [][]byte, blank []byte) []byte {
	var freq [286]int
	// the runs of all rows in one slice; row i's are all[at[i]:at[i+1]]
	var all []run
	at := make([]int, len(rows)+1)
	nBlank := 0
	for i, r := range rows {
		if r == nil {
			nBlank++
		} else {
			all = findRuns(all, r, &freq)
		}
		at[i+1] = len(all)
	}
	var blankRuns []run
	if nBlank > 0 {
		var bf [286]int
		blankRuns = findRuns(nil, blank, &bf)
		for s, f := range bf {
			freq[s] += nBlank * f
		}
	}
	freq[256] = 1 // end of block
	litLen := huffmanLengths(freq[:], 15)
	// distance 1 is code 0; a second code keeps the tree complete
	distLen := huffmanLengths([]int{1, 1}, 15)
	var nbits int
	for s, f := range freq {
		nbits += f * int(litLen[s])
		if s > 256 {
			nbits += f * (int(lengthExtra(s)) + int(distLen[0]))
		}
	}
	out := slices.Grow(dst, nbits/8+1024) // + zlib header and trailer, block header ≤ 400 bytes
	out = append(out, 0x78, 0x01)         // deflate, 32 KiB window, no dictionary, "fastest"
	w := bitWriter{out: out}
	e := newBlockWriter(&w, litLen, distLen)
	var sum adler32
	bsum := blockSum(blank)
	for i, r := range rows {
		if r == nil {
			e.data(blank, blankRuns)
			sum.addBlock(bsum)
			continue
		}
		e.data(r, all[at[i]:at[i+1]])
		sum.add(r, all[at[i]:at[i+1]])
	}
	e.end()
	out = w.flush()
	return binary.BigEndian.AppendUint32(out, sum.value())
}

// A run is data[start] repeated n more times (n ≥ 3), coded as the literal
// data[start] and matches at distance 1.
type run struct{ start, n int }

// findRuns appends the runs of data to runs and adds to freq the
// frequencies of the deflate literal/length symbols that code data.
func findRuns(runs []run, data []byte, freq *[286]int) []run {
	for i := 0; i < len(data); {
		c := data[i]
		j := i + 1
		if j+2 < len(data) && (data[j] != c || data[j+1] != c || data[j+2] != c) {
			freq[c]++ // no run of 3 follows: a literal (noisy image areas)
			i = j
			continue
		}
		// extend the run eight bytes at a time
		pat := uint64(c) * 0x0101010101010101
		for j+8 <= len(data) {
			if x := binary.LittleEndian.Uint64(data[j:]) ^ pat; x != 0 {
				j += bits.TrailingZeros64(x) / 8
				goto done
			}
			j += 8
		}
		for j < len(data) && data[j] == c {
			j++
		}
	done:
		if n := j - i - 1; n >= 3 {
			runs = append(runs, run{i, n})
			freq[c]++
			forMatches(n, func(l int) { freq[lengthSym(l)]++ })
		} else {
			freq[c] += n + 1
		}
		i = j
	}
	return runs
}

// forMatches cuts a run of n ≥ 3 repeats into match lengths 3–258.
func forMatches(n int, f func(l int)) {
	for n > 0 {
		l := min(n, 258)
		if r := n - l; r > 0 && r < 3 {
			l = n - 3 // leave a match of 3, not 1–2 bytes
		}
		f(l)
		n -= l
	}
}

// adler32 accumulates the Adler-32 checksum (RFC 1950).
type adler32 struct {
	s1, s2 uint64
	init   bool
}

const adlerMod = 65521

func (a *adler32) start() {
	if !a.init {
		a.s1, a.init = 1, true
	}
}

// add adds data (with its runs), summing each run in closed form.
func (a *adler32) add(data []byte, runs []run) {
	a.start()
	s1, s2 := a.s1, a.s2
	lits := func(p []byte) {
		for len(p) > 0 {
			k := min(len(p), 4096) // no overflow of s2 before the reduction
			for _, c := range p[:k] {
				s1 += uint64(c)
				s2 += s1
			}
			s1, s2 = s1%adlerMod, s2%adlerMod
			p = p[k:]
		}
	}
	pos := 0
	for _, r := range runs {
		lits(data[pos : r.start+1])
		// n more copies of c: s1 += n·c, s2 += n·s1 + c·n(n+1)/2
		n, c := uint64(r.n), uint64(data[r.start])
		s2 = (s2 + n*s1 + c*(n*(n+1)/2)) % adlerMod
		s1 = (s1 + n*c) % adlerMod
		pos = r.start + 1 + r.n
	}
	lits(data[pos:])
	a.s1, a.s2 = s1, s2
}

// blockSums are the sums that add a block of bytes x₁…x_L to a checksum:
// s1 += Σ xᵢ, s2 += L·s1 + Σ (L − i + 1)·xᵢ (all mod 65521).
type blockSums struct{ l, sum, wsum uint64 }

func blockSum(x []byte) blockSums {
	var b blockSums
	b.l = uint64(len(x)) % adlerMod
	for i, c := range x {
		b.sum = (b.sum + uint64(c)) % adlerMod
		b.wsum = (b.wsum + uint64(len(x)-i)%adlerMod*uint64(c)) % adlerMod
	}
	return b
}

func (a *adler32) addBlock(b blockSums) {
	a.start()
	a.s2 = (a.s2 + b.l*a.s1 + b.wsum) % adlerMod
	a.s1 = (a.s1 + b.sum) % adlerMod
}

func (a *adler32) value() uint32 {
	a.start()
	return uint32(a.s2%adlerMod)<<16 | uint32(a.s1%adlerMod)
}

// lengthSym returns the deflate length symbol (257–285) of a match
// length 3 ≤ l ≤ 258.
func lengthSym(l int) int {
	if l == 258 {
		return 285
	}
	l -= 3
	if l < 8 {
		return 257 + l
	}
	// symbols 265… cover 4 lengths per extra-bit count nb, doubling
	nb := bits.Len(uint(l)) - 3
	return 265 + (nb-1)*4 + l>>nb&3
}

// lengthExtra returns the number of extra bits of length symbol s.
func lengthExtra(s int) uint {
	if s < 265 || s == 285 {
		return 0
	}
	return uint(s-261) / 4
}

// lengthBase returns the shortest match length of length symbol s.
func lengthBase(s int) int {
	if s == 285 {
		return 258
	}
	if s < 265 {
		return s - 254
	}
	nb := lengthExtra(s)
	return 3 + (4+(s-265)%4)<<nb
}

// blockWriter writes the final deflate block with the given code lengths:
// the header at creation, then data (with its runs), then end.
type blockWriter struct {
	w       *bitWriter
	litLen  []uint8
	litCode []uint32
	d0      uint32
	d0Len   uint
}

func newBlockWriter(w *bitWriter, litLen, distLen []uint8) *blockWriter {
	nLit := 286
	for nLit > 257 && litLen[nLit-1] == 0 {
		nLit--
	}
	// code lengths of both alphabets, run-length coded (RFC 1951 §3.2.7)
	type clSym struct{ sym, extra, nExtra uint8 }
	var cl []clSym
	all := append(append([]uint8(nil), litLen[:nLit]...), distLen...)
	for i := 0; i < len(all); {
		v := all[i]
		j := i + 1
		for j < len(all) && all[j] == v {
			j++
		}
		n := j - i
		if v == 0 {
			for n >= 11 {
				k := min(n, 138)
				cl = append(cl, clSym{18, uint8(k - 11), 7})
				n -= k
			}
			if n >= 3 {
				cl = append(cl, clSym{17, uint8(n - 3), 3})
				n = 0
			}
		} else {
			cl = append(cl, clSym{v, 0, 0})
			n--
			for n >= 3 {
				k := min(n, 6)
				cl = append(cl, clSym{16, uint8(k - 3), 2})
				n -= k
			}
		}
		for ; n > 0; n-- {
			cl = append(cl, clSym{v, 0, 0})
		}
		i = j
	}
	var clFreq [19]int
	for _, s := range cl {
		clFreq[s.sym]++
	}
	clLen := huffmanLengths(clFreq[:], 7)
	order := [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
	nCL := 19
	for nCL > 4 && clLen[order[nCL-1]] == 0 {
		nCL--
	}
	w.bits(1, 1) // final block
	w.bits(2, 2) // dynamic Huffman codes
	w.bits(uint32(nLit-257), 5)
	w.bits(uint32(len(distLen)-1), 5)
	w.bits(uint32(nCL-4), 4)
	for _, s := range order[:nCL] {
		w.bits(uint32(clLen[s]), 3)
	}
	clCode := canonicalCodes(clLen)
	for _, s := range cl {
		w.bits(clCode[s.sym], uint(clLen[s.sym]))
		if s.nExtra > 0 {
			w.bits(uint32(s.extra), uint(s.nExtra))
		}
	}
	d0, d0Len := distCode0(distLen)
	return &blockWriter{w: w, litLen: litLen, litCode: canonicalCodes(litLen), d0: d0, d0Len: d0Len}
}

// data writes the codes of data, whose runs are runs.
func (e *blockWriter) data(data []byte, runs []run) {
	w, litLen, litCode := e.w, e.litLen, e.litCode
	lits := func(p []byte) {
		for _, c := range p {
			w.bits(litCode[c], uint(litLen[c]))
		}
	}
	pos := 0
	for _, r := range runs {
		lits(data[pos : r.start+1])
		forMatches(r.n, func(l int) {
			s := lengthSym(l)
			w.bits(litCode[s], uint(litLen[s]))
			if ne := lengthExtra(s); ne > 0 {
				w.bits(uint32(l-lengthBase(s)), ne)
			}
			w.bits(e.d0, e.d0Len) // distance 1: no extra bits
		})
		pos = r.start + 1 + r.n
	}
	lits(data[pos:])
}

// end writes the end-of-block code.
func (e *blockWriter) end() { e.w.bits(e.litCode[256], uint(e.litLen[256])) }

// distCode0 returns the code of distance symbol 0 and its length.
func distCode0(distLen []uint8) (uint32, uint) {
	return canonicalCodes(distLen)[0], uint(distLen[0])
}

// huffmanLengths returns code lengths (≤ maxLen) of a Huffman code for the
// symbol frequencies freq: 0 for unused symbols. With fewer than two used
// symbols, symbols 0 and 1 get length 1 so that the code is complete.
func huffmanLengths(freq []int, maxLen int) []uint8 {
	lens := make([]uint8, len(freq))
	var syms []int
	for s, f := range freq {
		if f > 0 {
			syms = append(syms, s)
		}
	}
	if len(syms) < 2 {
		for _, s := range []int{0, 1} {
			if len(syms) == 0 || syms[0] != s {
				syms = append(syms, s)
			}
		}
		syms = syms[:2]
		for _, s := range syms {
			lens[s] = 1
		}
		return lens
	}
	// sort by frequency (ties by symbol: deterministic), then build the
	// tree with two queues: leaves in order, internal nodes as made
	slices.SortFunc(syms, func(a, b int) int {
		if freq[a] != freq[b] {
			return freq[a] - freq[b]
		}
		return a - b
	})
	n := len(syms)
	weight := make([]int, 2*n-1)
	parent := make([]int, 2*n-1)
	for i, s := range syms {
		weight[i] = freq[s]
	}
	leaf, node, next := 0, n, n
	pick := func() int {
		if leaf < n && (node >= next || weight[leaf] <= weight[node]) {
			leaf++
			return leaf - 1
		}
		node++
		return node - 1
	}
	for ; next < 2*n-1; next++ {
		a, b := pick(), pick()
		weight[next] = weight[a] + weight[b]
		parent[a], parent[b] = next, next
	}
	// depth of each leaf; count leaves per depth
	depth := make([]int, 2*n-1)
	count := make([]int, max(maxLen, n)+1)
	for i := 2*n - 3; i >= 0; i-- {
		depth[i] = depth[parent[i]] + 1
	}
	for i := 0; i < n; i++ {
		count[min(depth[i], maxLen)]++
	}
	// limit the lengths (zlib's gen_bitlen): the leaves cut to maxLen
	// overfill the code; move pairs down from shorter lengths until the
	// Kraft sum is one again
	kraft := 0
	for l := 1; l <= maxLen; l++ {
		kraft += count[l] << (maxLen - l)
	}
	for kraft > 1<<maxLen {
		l := maxLen - 1
		for count[l] == 0 {
			l--
		}
		count[l]--
		count[l+1] += 2
		count[maxLen]--
		kraft-- // −2^(maxLen−l) + 2·2^(maxLen−l−1) − 1
	}
	// longest codes to the rarest symbols (syms is in increasing frequency)
	i := 0
	for l := maxLen; l >= 1; l-- {
		for k := 0; k < count[l]; k++ {
			lens[syms[i]] = uint8(l)
			i++
		}
	}
	return lens
}

// canonicalCodes returns the canonical Huffman codes (RFC 1951 §3.2.2) of
// the code lengths, bit-reversed for the LSB-first bit writer.
func canonicalCodes(lens []uint8) []uint32 {
	var count [16]uint32
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [16]uint32
	code := uint32(0)
	for l := 1; l < 16; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	codes := make([]uint32, len(lens))
	for s, l := range lens {
		if l > 0 {
			codes[s] = bits.Reverse32(next[l]) >> (32 - uint(l))
			next[l]++
		}
	}
	return codes
}

// bitWriter appends bits LSB first (deflate's order) to out.
type bitWriter struct {
	out   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) bits(v uint32, n uint) {
	w.acc |= uint64(v) << w.nbits
	w.nbits += n
	if w.nbits >= 32 {
		w.out = binary.LittleEndian.AppendUint32(w.out, uint32(w.acc))
		w.acc >>= 32
		w.nbits -= 32
	}
}

// flush writes the pending bits, padded with zeros to a byte.
func (w *bitWriter) flush() []byte {
	for w.nbits > 0 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nbits = max(w.nbits, 8) - 8
	}
	return w.out
}
