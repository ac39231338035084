package plot

import (
	"bytes"
	"compress/zlib"
	"io"
	"math/rand/v2"
	"testing"
)

// zlibRLE output decodes with compress/zlib (which also checks the
// Adler-32 trailer) to the input: empty and one-byte inputs, runs of every
// length around the 3- and 258-byte limits of a deflate match, random
// bytes (no runs: every symbol a literal, a flat code), and 2 MB of zeros.
func TestZlibRLERoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var runs []byte
	for l := 1; l <= 780; l++ {
		runs = append(runs, bytes.Repeat([]byte{byte(l)}, l)...)
	}
	random := make([]byte, 100000)
	for i := range random {
		random[i] = byte(r.IntN(256))
	}
	mixed := append(append(append([]byte(nil), runs...), random...), make([]byte, 5000)...)
	for name, data := range map[string][]byte{
		"empty": nil, "one": {7}, "runs": runs, "random": random, "zeros": make([]byte, 2<<20), "mixed": mixed,
	} {
		z := zlibRLE(nil, data)
		zr, err := zlib.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		back, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(back, data) {
			t.Fatalf("%s: decoded %d bytes differ from the %d written", name, len(back), len(data))
		}
	}
	// a run costs a few bits per 258 bytes: 2 MB of zeros in < 3 KB
	// (8131 matches of ≤ 8 + 1 bits)
	if n := len(zlibRLE(nil, make([]byte, 2<<20))); n > 3000 {
		t.Errorf("2 MiB of zeros: %d bytes", n)
	}
}

// lengthSym, lengthBase and lengthExtra agree with the table of RFC 1951 §3.2.5 (base lengths and
// extra bits of symbols 257–285) for every match length.
func TestLengthSym(t *testing.T) {
	base := []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	extra := []uint{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	for l := 3; l <= 258; l++ {
		k := len(base) - 1 // 258 has its own symbol, 285
		if l < 258 {
			for k = len(base) - 2; base[k] > l; k-- {
			}
		}
		sym := lengthSym(l)
		if sym != 257+k || lengthExtra(sym) != extra[k] || lengthBase(sym) != base[k] {
			t.Fatalf("length %d: symbol %d (base %d, %d extra bits), want %d (base %d, %d extra bits)",
				l, sym, lengthBase(sym), lengthExtra(sym), 257+k, base[k], extra[k])
		}
	}
}

// huffmanLengths gives the lengths of the textbook example (frequencies
// 1, 1, 2, 4: lengths 3, 3, 2, 1), complete codes (Kraft sum exactly 1)
// within the length limit for Fibonacci frequencies, whose unlimited
// Huffman code would be 29 bits deep, and two 1-bit codes for a lone
// symbol.
func TestHuffmanLengths(t *testing.T) {
	if got := huffmanLengths([]int{1, 1, 2, 4}, 15); string(got) != string([]uint8{3, 3, 2, 1}) {
		t.Errorf("lengths %v, want [3 3 2 1]", got)
	}
	fib := []int{1, 1}
	for len(fib) < 30 {
		fib = append(fib, fib[len(fib)-1]+fib[len(fib)-2])
	}
	for _, limit := range []int{7, 15} {
		lens := huffmanLengths(fib[:min(len(fib), 19)], limit)
		if limit == 15 {
			lens = huffmanLengths(fib, limit)
		}
		kraft := 0
		for _, l := range lens {
			if l == 0 || int(l) > limit {
				t.Fatalf("limit %d: length %d in %v", limit, l, lens)
			}
			kraft += 1 << (limit - int(l))
		}
		if kraft != 1<<limit {
			t.Errorf("limit %d: Kraft sum %d/%d, want 1: %v", limit, kraft, 1<<limit, lens)
		}
	}
	if got := huffmanLengths([]int{0, 0, 5}, 15); got[0]+got[1]+got[2] != 2 || got[2] != 1 {
		t.Errorf("one symbol: lengths %v, want two 1-bit codes including symbol 2", got)
	}
}
