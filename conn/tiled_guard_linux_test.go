//go:build linux

package conn

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"unsafe"
)

// guarded returns a byte slice of n bytes that ends exactly at a PROT_NONE page.
func guarded(t *testing.T, n int) []byte {
	ps := syscall.Getpagesize()
	np := (n+ps-1)/ps + 1
	m, err := syscall.Mmap(-1, 0, (np+1)*ps, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Munmap(m) })
	if err := syscall.Mprotect(m[np*ps:], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	return m[np*ps-n : np*ps]
}

func u16s(b []byte) []uint16  { return unsafe.Slice((*uint16)(unsafe.Pointer(&b[0])), len(b)/2) }
func f32s(b []byte) []float32 { return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4) }

// TestTiledNoOverread: every array the kernels read ends at a PROT_NONE
// page; only the packed index array gets 2 bytes of slack (the allocator's
// size classes would hide an overread in TestTiled). Written by a review
// helper.
func TestTiledNoOverread(t *testing.T) {
	if !useAVX {
		t.Skip("no AVX")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, pack12 := range []bool{false, true} {
		for it := 0; it < 50; it++ {
			nx := 4096
			idx0, w0, lens0, x0, perm0 := randomTile(r, pack12, nx, 3, false)
			slack := 0 // the packed kernel reads 2 bytes past a group; NewTiled allocates 16
			if pack12 {
				slack = 2
			}
			ib := guarded(t, len(idx0)*2+slack)
			idx := u16s(ib)[:len(idx0)]
			copy(idx, idx0)
			w := f32s(guarded(t, len(w0)*4))
			copy(w, w0)
			lensB := guarded(t, 4*len(lens0))
			lens := unsafe.Slice((*uint32)(unsafe.Pointer(&lensB[0])), len(lens0))
			copy(lens, lens0)
			x := f32s(guarded(t, 4*nx))
			copy(x, x0)
			perm := (*[TileRows]uint8)(guarded(t, TileRows))
			*perm = perm0
			out := (*[TileRows]float32)(f32s(guarded(t, 4*TileRows)))
			d := (*[TileRows]float32)(f32s(guarded(t, 4*TileRows)))
			o2 := (*[TileRows]float32)(f32s(guarded(t, 4*TileRows)))
			tileKernel(idx, pack12, w, lens, x, out, perm, d)
			tileKernel2(idx, pack12, w, lens, x, x, out, o2)
		}
	}
}
