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
