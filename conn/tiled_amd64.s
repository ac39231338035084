#include "textflag.h"

// The tile kernels load x by scalar loads instead of VGATHERDPS: on the
// Zen 3 machine of bench/RESULTS.md a gather costs ≈ 2 cycles per element
// and made the kernel compute-bound (0.64–0.79 ns per synapse with the
// whole tile in L2); scalar loads and VINSERTPS cost about half that,
// which leaves the kernel bound by the index and weight stream. The
// stream is prefetched 2048 bytes ahead in the weights and 1024 in the
// indices (the same number of groups ahead); tiles of one block are
// contiguous, so this reaches into the next tile. Only AVX is needed.

// LOADIDX8 loads the 8 uint16 indices at off(SI) into AX (lanes 0–3) and
// R13 (lanes 4–7).
#define LOADIDX8(off) \
	MOVQ off(SI), AX; \
	MOVQ off+8(SI), R13

// XLOAD fills ylo with x[idx] for the indices in AX and R13 (consumed), x
// at base; xlo is ylo's lower half and xhi a scratch register.
#define XLOAD(base, ylo, xlo, xhi) \
	MOVWQZX AX, BX; \
	SHRQ $16, AX; \
	VMOVSS (base)(BX*4), xlo; \
	MOVWQZX AX, BX; \
	SHRQ $16, AX; \
	VINSERTPS $0x10, (base)(BX*4), xlo, xlo; \
	MOVWQZX AX, BX; \
	SHRQ $16, AX; \
	VINSERTPS $0x20, (base)(BX*4), xlo, xlo; \
	VINSERTPS $0x30, (base)(AX*4), xlo, xlo; \
	MOVWQZX R13, BX; \
	SHRQ $16, R13; \
	VMOVSS (base)(BX*4), xhi; \
	MOVWQZX R13, BX; \
	SHRQ $16, R13; \
	VINSERTPS $0x10, (base)(BX*4), xhi, xhi; \
	MOVWQZX R13, BX; \
	SHRQ $16, R13; \
	VINSERTPS $0x20, (base)(BX*4), xhi, xhi; \
	VINSERTPS $0x30, (base)(R13*4), xhi, xhi; \
	VINSERTF128 $1, xhi, ylo, ylo

// XLOAD2 is XLOAD for two vectors at bases b1 and b2 with the same indices.
#define XLOAD2(b1, y1, x1, h1, b2, y2, x2, h2) \
	MOVWQZX AX, BX; \
	SHRQ $16, AX; \
	VMOVSS (b1)(BX*4), x1; \
	VMOVSS (b2)(BX*4), x2; \
	MOVWQZX AX, BX; \
	SHRQ $16, AX; \
	VINSERTPS $0x10, (b1)(BX*4), x1, x1; \
	VINSERTPS $0x10, (b2)(BX*4), x2, x2; \
	MOVWQZX AX, BX; \
	SHRQ $16, AX; \
	VINSERTPS $0x20, (b1)(BX*4), x1, x1; \
	VINSERTPS $0x20, (b2)(BX*4), x2, x2; \
	VINSERTPS $0x30, (b1)(AX*4), x1, x1; \
	VINSERTPS $0x30, (b2)(AX*4), x2, x2; \
	MOVWQZX R13, BX; \
	SHRQ $16, R13; \
	VMOVSS (b1)(BX*4), h1; \
	VMOVSS (b2)(BX*4), h2; \
	MOVWQZX R13, BX; \
	SHRQ $16, R13; \
	VINSERTPS $0x10, (b1)(BX*4), h1, h1; \
	VINSERTPS $0x10, (b2)(BX*4), h2, h2; \
	MOVWQZX R13, BX; \
	SHRQ $16, R13; \
	VINSERTPS $0x20, (b1)(BX*4), h1, h1; \
	VINSERTPS $0x20, (b2)(BX*4), h2, h2; \
	VINSERTPS $0x30, (b1)(R13*4), h1, h1; \
	VINSERTPS $0x30, (b2)(R13*4), h2, h2; \
	VINSERTF128 $1, h1, y1, y1; \
	VINSERTF128 $1, h2, y2, y2

// LOADIDX12 loads the 12-bit indices of a packed group at off(SI): lanes
// 0–3 are the 48-bit field at off, lanes 4–7 the one at off+6 (each
// 8-byte load also reads 2 bytes of its neighbour, masked off below).
#define LOADIDX12(off) \
	MOVQ off(SI), AX; \
	MOVQ off+6(SI), R13

// XLOAD12 is XLOAD for packed 12-bit indices in AX and R13.
#define XLOAD12(base, ylo, xlo, xhi) \
	MOVL AX, BX; \
	ANDL $0xFFF, BX; \
	SHRQ $12, AX; \
	VMOVSS (base)(BX*4), xlo; \
	MOVL AX, BX; \
	ANDL $0xFFF, BX; \
	SHRQ $12, AX; \
	VINSERTPS $0x10, (base)(BX*4), xlo, xlo; \
	MOVL AX, BX; \
	ANDL $0xFFF, BX; \
	SHRQ $12, AX; \
	VINSERTPS $0x20, (base)(BX*4), xlo, xlo; \
	ANDL $0xFFF, AX; \
	VINSERTPS $0x30, (base)(AX*4), xlo, xlo; \
	MOVL R13, BX; \
	ANDL $0xFFF, BX; \
	SHRQ $12, R13; \
	VMOVSS (base)(BX*4), xhi; \
	MOVL R13, BX; \
	ANDL $0xFFF, BX; \
	SHRQ $12, R13; \
	VINSERTPS $0x10, (base)(BX*4), xhi, xhi; \
	MOVL R13, BX; \
	ANDL $0xFFF, BX; \
	SHRQ $12, R13; \
	VINSERTPS $0x20, (base)(BX*4), xhi, xhi; \
	ANDL $0xFFF, R13; \
	VINSERTPS $0x30, (base)(R13*4), xhi, xhi; \
	VINSERTF128 $1, xhi, ylo, ylo

// XLOAD122 is XLOAD2 for packed 12-bit indices in AX and R13.
#define XLOAD122(b1, y1, x1, h1, b2, y2, x2, h2) \
	MOVL AX, BX; \
	ANDL $0xFFF, BX; \
	SHRQ $12, AX; \
	VMOVSS (b1)(BX*4), x1; \
	VMOVSS (b2)(BX*4), x2; \
	MOVL AX, BX; \
	ANDL $0xFFF, BX; \
	SHRQ $12, AX; \
	VINSERTPS $0x10, (b1)(BX*4), x1, x1; \
	VINSERTPS $0x10, (b2)(BX*4), x2, x2; \
	MOVL AX, BX; \
	ANDL $0xFFF, BX; \
	SHRQ $12, AX; \
	VINSERTPS $0x20, (b1)(BX*4), x1, x1; \
	VINSERTPS $0x20, (b2)(BX*4), x2, x2; \
	ANDL $0xFFF, AX; \
	VINSERTPS $0x30, (b1)(AX*4), x1, x1; \
	VINSERTPS $0x30, (b2)(AX*4), x2, x2; \
	MOVL R13, BX; \
	ANDL $0xFFF, BX; \
	SHRQ $12, R13; \
	VMOVSS (b1)(BX*4), h1; \
	VMOVSS (b2)(BX*4), h2; \
	MOVL R13, BX; \
	ANDL $0xFFF, BX; \
	SHRQ $12, R13; \
	VINSERTPS $0x10, (b1)(BX*4), h1, h1; \
	VINSERTPS $0x10, (b2)(BX*4), h2, h2; \
	MOVL R13, BX; \
	ANDL $0xFFF, BX; \
	SHRQ $12, R13; \
	VINSERTPS $0x20, (b1)(BX*4), h1, h1; \
	VINSERTPS $0x20, (b2)(BX*4), h2, h2; \
	ANDL $0xFFF, R13; \
	VINSERTPS $0x30, (b1)(R13*4), h1, h1; \
	VINSERTPS $0x30, (b2)(R13*4), h2, h2; \
	VINSERTF128 $1, h1, y1, y1; \
	VINSERTF128 $1, h2, y2, y2

// SCATTER1 adds lane l of the slice result at (R8) to d[perm[l]]: d at
// R12, the slice's 8 permutation bytes at R11. d + out, as Go's d += out.
#define SCATTER1(l, lo) \
	MOVBQZX l(R11), BX; \
	VMOVSS (R12)(BX*4), X2; \
	VADDSS lo(R8), X2, X2; \
	VMOVSS X2, (R12)(BX*4)

// func tileAVX(idx *uint16, w *float32, lens *uint32, ns int, x *float32, out *float32, perm *uint8, d *float32)
//
// For each of ns slices (8 rows, one per lane): out[8s+l] = Σ_k w·x[idx]
// over lens[s] groups of 8 entries; even groups accumulate in Y0, odd in
// Y1 (multiply, then add: never fused), and out = Y0 + Y1; then
// d[perm[8s+l]] += out[8s+l]. Must match tileGo and the scatter of
// tileKernel's portable path bit for bit.
TEXT ·tileAVX(SB), NOSPLIT, $0-64
	MOVQ idx+0(FP), SI
	MOVQ w+8(FP), DI
	MOVQ lens+16(FP), R9
	MOVQ ns+24(FP), R10
	MOVQ x+32(FP), DX
	MOVQ out+40(FP), R8
	MOVQ perm+48(FP), R11
	MOVQ d+56(FP), R12

slice:
	TESTQ R10, R10
	JZ    end
	MOVL  (R9), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	CMPQ  CX, $2
	JLT   tail

loop2:
	PREFETCHT0 2048(DI)
	PREFETCHT0 1024(SI)
	LOADIDX8(0)
	XLOAD(DX, Y4, X4, X5)
	LOADIDX8(16)
	XLOAD(DX, Y7, X7, X8)
	VMULPS (DI), Y4, Y4
	VMULPS 32(DI), Y7, Y7
	VADDPS Y4, Y0, Y0
	VADDPS Y7, Y1, Y1
	ADDQ   $32, SI
	ADDQ   $64, DI
	SUBQ   $2, CX
	CMPQ   CX, $2
	JGE    loop2

tail:
	TESTQ CX, CX
	JZ    done
	LOADIDX8(0)
	XLOAD(DX, Y4, X4, X5)
	VMULPS (DI), Y4, Y4
	VADDPS Y4, Y0, Y0
	ADDQ   $16, SI
	ADDQ   $32, DI

done:
	VADDPS  Y1, Y0, Y0
	VMOVUPS Y0, (R8)
	SCATTER1(0, 0)
	SCATTER1(1, 4)
	SCATTER1(2, 8)
	SCATTER1(3, 12)
	SCATTER1(4, 16)
	SCATTER1(5, 20)
	SCATTER1(6, 24)
	SCATTER1(7, 28)
	ADDQ    $8, R11
	ADDQ    $32, R8
	ADDQ    $4, R9
	DECQ    R10
	JMP     slice

end:
	VZEROUPPER
	RET

// func tileAVXx2(idx *uint16, w *float32, lens *uint32, ns int, x1, x2 *float32, out1, out2 *float32)
//
// tileAVX for two vectors at once: the index and weight stream is read
// once, and each vector's lanes are summed exactly as tileAVX sums them
// (even groups in one accumulator, odd in another, multiply then add), so
// out1 and out2 are bit-identical to two tileAVX calls.
TEXT ·tileAVXx2(SB), NOSPLIT, $0-64
	MOVQ idx+0(FP), SI
	MOVQ w+8(FP), DI
	MOVQ lens+16(FP), R9
	MOVQ ns+24(FP), R10
	MOVQ x1+32(FP), DX
	MOVQ x2+40(FP), R11
	MOVQ out1+48(FP), R8
	MOVQ out2+56(FP), R12

slice2:
	TESTQ R10, R10
	JZ    end2
	MOVL  (R9), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	CMPQ  CX, $2
	JLT   tail2

loop22:
	PREFETCHT0 2048(DI)
	PREFETCHT0 1024(SI)
	VMOVUPS (DI), Y14
	VMOVUPS 32(DI), Y15
	LOADIDX8(0)
	XLOAD2(DX, Y4, X4, X5, R11, Y12, X12, X13)
	LOADIDX8(16)
	XLOAD2(DX, Y7, X7, X6, R11, Y10, X10, X11)
	VMULPS Y14, Y4, Y4
	VMULPS Y15, Y7, Y7
	VMULPS Y14, Y12, Y12
	VMULPS Y15, Y10, Y10
	VADDPS Y4, Y0, Y0
	VADDPS Y7, Y1, Y1
	VADDPS Y12, Y8, Y8
	VADDPS Y10, Y9, Y9
	ADDQ   $32, SI
	ADDQ   $64, DI
	SUBQ   $2, CX
	CMPQ   CX, $2
	JGE    loop22

tail2:
	TESTQ CX, CX
	JZ    done2
	VMOVUPS (DI), Y14
	LOADIDX8(0)
	XLOAD2(DX, Y4, X4, X5, R11, Y12, X12, X13)
	VMULPS Y14, Y4, Y4
	VMULPS Y14, Y12, Y12
	VADDPS Y4, Y0, Y0
	VADDPS Y12, Y8, Y8
	ADDQ   $16, SI
	ADDQ   $32, DI

done2:
	VADDPS  Y1, Y0, Y0
	VADDPS  Y9, Y8, Y8
	VMOVUPS Y0, (R8)
	VMOVUPS Y8, (R12)
	ADDQ    $32, R8
	ADDQ    $32, R12
	ADDQ    $4, R9
	DECQ    R10
	JMP     slice2

end2:
	VZEROUPPER
	RET

// func tileAVX12(idx *uint16, w *float32, lens *uint32, ns int, x *float32, out *float32, perm *uint8, d *float32)
//
// tileAVX for packed 12-bit indices (12 bytes per group of 8).
// For each of ns slices (8 rows, one per lane): out[8s+l] = Σ_k w·x[idx]
// over lens[s] groups of 8 entries; even groups accumulate in Y0, odd in
// Y1 (multiply, then add: never fused), and out = Y0 + Y1; then
// d[perm[8s+l]] += out[8s+l]. Must match tileGo and the scatter of
// tileKernel's portable path bit for bit.
TEXT ·tileAVX12(SB), NOSPLIT, $0-64
	MOVQ idx+0(FP), SI
	MOVQ w+8(FP), DI
	MOVQ lens+16(FP), R9
	MOVQ ns+24(FP), R10
	MOVQ x+32(FP), DX
	MOVQ out+40(FP), R8
	MOVQ perm+48(FP), R11
	MOVQ d+56(FP), R12

slice_12:
	TESTQ R10, R10
	JZ    end_12
	MOVL  (R9), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	CMPQ  CX, $2
	JLT   tail_12

loop2_12:
	PREFETCHT0 2048(DI)
	PREFETCHT0 768(SI)
	LOADIDX12(0)
	XLOAD12(DX, Y4, X4, X5)
	LOADIDX12(12)
	XLOAD12(DX, Y7, X7, X8)
	VMULPS (DI), Y4, Y4
	VMULPS 32(DI), Y7, Y7
	VADDPS Y4, Y0, Y0
	VADDPS Y7, Y1, Y1
	ADDQ   $24, SI
	ADDQ   $64, DI
	SUBQ   $2, CX
	CMPQ   CX, $2
	JGE    loop2_12

tail_12:
	TESTQ CX, CX
	JZ    done_12
	LOADIDX12(0)
	XLOAD12(DX, Y4, X4, X5)
	VMULPS (DI), Y4, Y4
	VADDPS Y4, Y0, Y0
	ADDQ   $12, SI
	ADDQ   $32, DI

done_12:
	VADDPS  Y1, Y0, Y0
	VMOVUPS Y0, (R8)
	SCATTER1(0, 0)
	SCATTER1(1, 4)
	SCATTER1(2, 8)
	SCATTER1(3, 12)
	SCATTER1(4, 16)
	SCATTER1(5, 20)
	SCATTER1(6, 24)
	SCATTER1(7, 28)
	ADDQ    $8, R11
	ADDQ    $32, R8
	ADDQ    $4, R9
	DECQ    R10
	JMP     slice_12

end_12:
	VZEROUPPER
	RET

// func tileAVX12x2(idx *uint16, w *float32, lens *uint32, ns int, x1, x2 *float32, out1, out2 *float32)
//
// tileAVX for two vectors at once: the index and weight stream is read
// once, and each vector's lanes are summed exactly as tileAVX sums them
// (even groups in one accumulator, odd in another, multiply then add), so
// out1 and out2 are bit-identical to two tileAVX calls.
TEXT ·tileAVX12x2(SB), NOSPLIT, $0-64
	MOVQ idx+0(FP), SI
	MOVQ w+8(FP), DI
	MOVQ lens+16(FP), R9
	MOVQ ns+24(FP), R10
	MOVQ x1+32(FP), DX
	MOVQ x2+40(FP), R11
	MOVQ out1+48(FP), R8
	MOVQ out2+56(FP), R12

slice2_12:
	TESTQ R10, R10
	JZ    end2_12
	MOVL  (R9), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	CMPQ  CX, $2
	JLT   tail2_12

loop22_12:
	PREFETCHT0 2048(DI)
	PREFETCHT0 768(SI)
	VMOVUPS (DI), Y14
	VMOVUPS 32(DI), Y15
	LOADIDX12(0)
	XLOAD122(DX, Y4, X4, X5, R11, Y12, X12, X13)
	LOADIDX12(12)
	XLOAD122(DX, Y7, X7, X6, R11, Y10, X10, X11)
	VMULPS Y14, Y4, Y4
	VMULPS Y15, Y7, Y7
	VMULPS Y14, Y12, Y12
	VMULPS Y15, Y10, Y10
	VADDPS Y4, Y0, Y0
	VADDPS Y7, Y1, Y1
	VADDPS Y12, Y8, Y8
	VADDPS Y10, Y9, Y9
	ADDQ   $24, SI
	ADDQ   $64, DI
	SUBQ   $2, CX
	CMPQ   CX, $2
	JGE    loop22_12

tail2_12:
	TESTQ CX, CX
	JZ    done2_12
	VMOVUPS (DI), Y14
	LOADIDX12(0)
	XLOAD122(DX, Y4, X4, X5, R11, Y12, X12, X13)
	VMULPS Y14, Y4, Y4
	VMULPS Y14, Y12, Y12
	VADDPS Y4, Y0, Y0
	VADDPS Y12, Y8, Y8
	ADDQ   $12, SI
	ADDQ   $32, DI

done2_12:
	VADDPS  Y1, Y0, Y0
	VADDPS  Y9, Y8, Y8
	VMOVUPS Y0, (R8)
	VMOVUPS Y8, (R12)
	ADDQ    $32, R8
	ADDQ    $32, R12
	ADDQ    $4, R9
	DECQ    R10
	JMP     slice2_12

end2_12:
	VZEROUPPER
	RET
