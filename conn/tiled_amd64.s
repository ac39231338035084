#include "textflag.h"

// func tileAVX2(idx *uint16, w *float32, lens *uint32, ns int, x *float32, out *float32)
//
// For each of ns slices (8 rows, one per lane): out[8s+l] = Σ_k w·x[idx]
// over lens[s] groups of 8 entries; even groups accumulate in Y0, odd in
// Y1 (multiply, then add: never fused), and out = Y0 + Y1. Must match
// tileGo in tiled.go bit for bit.
TEXT ·tileAVX2(SB), NOSPLIT, $0-48
	MOVQ idx+0(FP), SI
	MOVQ w+8(FP), DI
	MOVQ lens+16(FP), R9
	MOVQ ns+24(FP), R10
	MOVQ x+32(FP), DX
	MOVQ out+40(FP), R8

slice:
	TESTQ R10, R10
	JZ    end
	MOVL  (R9), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	CMPQ  CX, $2
	JLT   tail

loop2:
	VPMOVZXWD (SI), Y2
	VPMOVZXWD 16(SI), Y5
	VPCMPEQD  Y3, Y3, Y3
	VPCMPEQD  Y6, Y6, Y6
	VXORPS    Y4, Y4, Y4
	VXORPS    Y7, Y7, Y7
	VGATHERDPS Y3, (DX)(Y2*4), Y4
	VGATHERDPS Y6, (DX)(Y5*4), Y7
	VMULPS    (DI), Y4, Y4
	VMULPS    32(DI), Y7, Y7
	VADDPS    Y4, Y0, Y0
	VADDPS    Y7, Y1, Y1
	ADDQ      $32, SI
	ADDQ      $64, DI
	SUBQ      $2, CX
	CMPQ      CX, $2
	JGE       loop2

tail:
	TESTQ CX, CX
	JZ    done
	VPMOVZXWD (SI), Y2
	VPCMPEQD  Y3, Y3, Y3
	VXORPS    Y4, Y4, Y4
	VGATHERDPS Y3, (DX)(Y2*4), Y4
	VMULPS    (DI), Y4, Y4
	VADDPS    Y4, Y0, Y0
	ADDQ      $16, SI
	ADDQ      $32, DI

done:
	VADDPS  Y1, Y0, Y0
	VMOVUPS Y0, (R8)
	ADDQ    $32, R8
	ADDQ    $4, R9
	DECQ    R10
	JMP     slice

end:
	VZEROUPPER
	RET

// func tileAVX2x2(idx *uint16, w *float32, lens *uint32, ns int, x1, x2 *float32, out1, out2 *float32)
//
// tileAVX2 for two vectors at once: the index and weight stream is read
// once, and each vector's lanes are summed exactly as tileAVX2 sums them
// (even groups in one accumulator, odd in another, multiply then add), so
// out1 and out2 are bit-identical to two tileAVX2 calls.
TEXT ·tileAVX2x2(SB), NOSPLIT, $0-64
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
	VPMOVZXWD (SI), Y2
	VPMOVZXWD 16(SI), Y5
	VMOVUPS   (DI), Y14
	VMOVUPS   32(DI), Y15
	VPCMPEQD  Y3, Y3, Y3
	VPCMPEQD  Y6, Y6, Y6
	VPCMPEQD  Y10, Y10, Y10
	VPCMPEQD  Y11, Y11, Y11
	VXORPS    Y4, Y4, Y4
	VXORPS    Y7, Y7, Y7
	VXORPS    Y12, Y12, Y12
	VXORPS    Y13, Y13, Y13
	VGATHERDPS Y3, (DX)(Y2*4), Y4
	VGATHERDPS Y6, (DX)(Y5*4), Y7
	VGATHERDPS Y10, (R11)(Y2*4), Y12
	VGATHERDPS Y11, (R11)(Y5*4), Y13
	VMULPS    Y14, Y4, Y4
	VMULPS    Y15, Y7, Y7
	VMULPS    Y14, Y12, Y12
	VMULPS    Y15, Y13, Y13
	VADDPS    Y4, Y0, Y0
	VADDPS    Y7, Y1, Y1
	VADDPS    Y12, Y8, Y8
	VADDPS    Y13, Y9, Y9
	ADDQ      $32, SI
	ADDQ      $64, DI
	SUBQ      $2, CX
	CMPQ      CX, $2
	JGE       loop22

tail2:
	TESTQ CX, CX
	JZ    done2
	VPMOVZXWD (SI), Y2
	VMOVUPS   (DI), Y14
	VPCMPEQD  Y3, Y3, Y3
	VPCMPEQD  Y10, Y10, Y10
	VXORPS    Y4, Y4, Y4
	VXORPS    Y12, Y12, Y12
	VGATHERDPS Y3, (DX)(Y2*4), Y4
	VGATHERDPS Y10, (R11)(Y2*4), Y12
	VMULPS    Y14, Y4, Y4
	VMULPS    Y14, Y12, Y12
	VADDPS    Y4, Y0, Y0
	VADDPS    Y12, Y8, Y8
	ADDQ      $16, SI
	ADDQ      $32, DI

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
