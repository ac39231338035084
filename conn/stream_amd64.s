#include "textflag.h"

// func streamSumAVX(p *uint64, n int) uint64
//
// Sum of n uint64 (n a multiple of 16) with 256-bit loads into four
// accumulators: the read-bandwidth probe of BenchmarkStreamRead.
TEXT ·streamSumAVX(SB), NOSPLIT, $0-24
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	TESTQ CX, CX
	JZ    done

loop:
	VPADDQ 0(SI), Y0, Y0
	VPADDQ 32(SI), Y1, Y1
	VPADDQ 64(SI), Y2, Y2
	VPADDQ 96(SI), Y3, Y3
	ADDQ   $128, SI
	SUBQ   $16, CX
	JNZ    loop

done:
	VPADDQ       Y1, Y0, Y0
	VPADDQ       Y3, Y2, Y2
	VPADDQ       Y2, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDQ       X1, X0, X0
	VPEXTRQ      $0, X0, AX
	VPEXTRQ      $1, X0, BX
	ADDQ         BX, AX
	VZEROUPPER
	MOVQ         AX, ret+16(FP)
	RET
