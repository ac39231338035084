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
// Two passes over data: the first finds the runs and counts the symbols,
// the second writes the codes; the output is allocated once, at its exact
// size. The stream is deterministic: the same data give the same bytes.
func zlibRLE(dst, data []byte) []byte {
	runs, litFreq := findRuns(data)
	litLen := huffmanLengths(litFreq[:], 15)
	// distance 1 is code 0; a second code keeps the tree complete
	distLen := huffmanLengths([]int{1, 1}, 15)
	var nbits int
	for s, f := range litFreq {
		nbits += f * int(litLen[s])
		if s > 256 {
			nbits += f * (int(lengthExtra(s)) + int(distLen[0]))
		}
	}
	out := slices.Grow(dst, nbits/8+1024) // + zlib header and trailer, block header ≤ 400 bytes
	out = append(out, 0x78, 0x01)         // deflate, 32 KiB window, no dictionary, "fastest"
	w := bitWriter{out: out}
	writeBlock(&w, data, runs, litLen, distLen)
	out = w.flush()
	return binary.BigEndian.AppendUint32(out, adler32Runs(data, runs))
}

// A run is data[start] repeated n more times (n ≥ 3), coded as the literal
// data[start] and matches at distance 1.
type run struct{ start, n int }

// findRuns returns the runs of data and the frequencies of the deflate
// literal/length symbols that code it (including one end of block).
func findRuns(data []byte) (runs []run, freq [286]int) {
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
	freq[256] = 1 // end of block
	return runs, freq
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

// adler32Runs is the Adler-32 checksum (RFC 1950) of data, summing each
// run in closed form.
func adler32Runs(data []byte, runs []run) uint32 {
	const mod = 65521
	var s1, s2 uint64 = 1, 0
	lits := func(p []byte) {
		for len(p) > 0 {
			k := min(len(p), 4096) // no overflow of s2 before the reduction
			for _, c := range p[:k] {
				s1 += uint64(c)
				s2 += s1
			}
			s1, s2 = s1%mod, s2%mod
			p = p[k:]
		}
	}
	pos := 0
	for _, r := range runs {
		lits(data[pos : r.start+1])
		// n more copies of c: s1 += n·c, s2 += n·s1 + c·n(n+1)/2
		n, c := uint64(r.n), uint64(data[r.start])
		s2 = (s2 + n*s1 + c*(n*(n+1)/2)) % mod
		s1 = (s1 + n*c) % mod
		pos = r.start + 1 + r.n
	}
	lits(data[pos:])
	return uint32(s2)<<16 | uint32(s1)
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

// writeBlock writes data (with its runs) as the final deflate block with
// the given code lengths.
func writeBlock(w *bitWriter, data []byte, runs []run, litLen, distLen []uint8) {
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
	litCode := canonicalCodes(litLen)
	d0, d0Len := distCode0(distLen)
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
			w.bits(d0, d0Len) // distance 1: no extra bits
		})
		pos = r.start + 1 + r.n
	}
	lits(data[pos:])
	w.bits(litCode[256], uint(litLen[256]))
}

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
