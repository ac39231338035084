#include "textflag.h"

// Constants (see simd_amd64.go): 32-byte rows of k.
#define KROW(i) (i*32)(R10)

// func cobaRun0AVX(v, ge, gi, re, ri *float32, n int, k *[cobaKLen][8]float32) int
//
// Per neuron, the operations of cobaRun0 in the same order (no FMA), so
// the results are bit-identical to the Go loop:
//   y = b + g·kI;  x = (a + e·cE) + g·cI
//   V' = V + (y − x·V)/(1 + x·(½ + x/12))
//   ge' = e·decE + re;  gi' = g·decI + ri
// A chunk with x ≥ ½ or V' ≥ θ in any lane is left untouched.
TEXT ·cobaRun0AVX(SB), NOSPLIT, $0-64
	MOVQ v+0(FP), DI
	MOVQ ge+8(FP), SI
	MOVQ gi+16(FP), DX
	MOVQ re+24(FP), R8
	MOVQ ri+32(FP), R9
	MOVQ n+40(FP), CX
	MOVQ k+48(FP), R10
	VMOVUPS KROW(0), Y0 // a
	VMOVUPS KROW(1), Y1 // cE
	VMOVUPS KROW(2), Y2 // cI
	VMOVUPS KROW(3), Y3 // b
	VMOVUPS KROW(4), Y4 // kI
	XORQ    AX, AX
	SHRQ    $3, CX
	JZ      done0

loop0:
	VMOVUPS   (DX), Y12          // g
	VMOVUPS   (SI), Y11          // e
	VMULPS    Y4, Y12, Y13       // g·kI
	VADDPS    Y3, Y13, Y13       // y = b + g·kI
	VMULPS    Y1, Y11, Y14       // e·cE
	VADDPS    Y0, Y14, Y14       // a + e·cE
	VMULPS    Y2, Y12, Y15       // g·cI
	VADDPS    Y15, Y14, Y14      // x
	VCMPPS    $0x1d, KROW(5), Y14, Y15 // x ≥ ½ (GE_OQ)
	VMULPS    KROW(6), Y14, Y5   // x/12
	VADDPS    KROW(5), Y5, Y5    // ½ + x/12
	VMULPS    Y14, Y5, Y5        // x·(½ + x/12)
	VADDPS    KROW(7), Y5, Y5    // Q = 1 + …
	VMOVUPS   (DI), Y6           // V
	VMULPS    Y6, Y14, Y7        // x·V
	VSUBPS    Y7, Y13, Y13       // y − x·V
	VDIVPS    Y5, Y13, Y13       // (y − x·V)/Q
	VADDPS    Y13, Y6, Y13       // V'
	VCMPPS    $0x1d, KROW(8), Y13, Y7 // V' ≥ θ
	VORPS     Y7, Y15, Y15
	VMOVMSKPS Y15, BX
	TESTL     BX, BX
	JNZ       done0
	VMOVUPS   Y13, (DI)
	VMULPS    KROW(9), Y11, Y8   // e·decE
	VADDPS    (R8), Y8, Y8       // + re
	VMOVUPS   Y8, (SI)
	VMULPS    KROW(10), Y12, Y9  // g·decI
	VADDPS    (R9), Y9, Y9       // + ri
	VMOVUPS   Y9, (DX)
	ADDQ      $32, DI
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, R8
	ADDQ      $32, R9
	ADDQ      $8, AX
	DECQ      CX
	JNZ       loop0

done0:
	VZEROUPPER
	MOVQ AX, ret+56(FP)
	RET

// func cobaRunNAVX(v, ge, gi, gn, th, re, ri *float32, n int, k *[cobaKLen][8]float32) int
//
// cobaRunN per neuron, in the Go loop's order:
//   x = ((a + e·cEa) + n·cN) + g·cI;  y = b + g·kI
//   V' = V + (y − x·V)/(1 + x·(½ + x/12))
//   th' = th·decTh;  stop if x ≥ ½ or V' ≥ θ + th'
//   gn' = n + (e − n)·mulN;  ge' = e·decE + re;  gi' = g·decI + ri
TEXT ·cobaRunNAVX(SB), NOSPLIT, $0-80
	MOVQ v+0(FP), DI
	MOVQ ge+8(FP), SI
	MOVQ gi+16(FP), DX
	MOVQ gn+24(FP), R11
	MOVQ th+32(FP), R12
	MOVQ re+40(FP), R8
	MOVQ ri+48(FP), R9
	MOVQ n+56(FP), CX
	MOVQ k+64(FP), R10
	VMOVUPS KROW(0), Y0 // a
	VMOVUPS KROW(1), Y1 // cEa
	VMOVUPS KROW(2), Y2 // cN
	VMOVUPS KROW(3), Y3 // cI
	VMOVUPS KROW(4), Y4 // b
	XORQ    AX, AX
	SHRQ    $3, CX
	JZ      doneN

loopN:
	VMOVUPS   (SI), Y11          // e
	VMOVUPS   (R11), Y10         // n
	VMOVUPS   (DX), Y12          // g
	VMULPS    Y1, Y11, Y14       // e·cEa
	VADDPS    Y0, Y14, Y14       // a + e·cEa
	VMULPS    Y2, Y10, Y15       // n·cN
	VADDPS    Y15, Y14, Y14      // + n·cN
	VMULPS    Y3, Y12, Y15       // g·cI
	VADDPS    Y15, Y14, Y14      // x
	VMULPS    KROW(5), Y12, Y13  // g·kI
	VADDPS    Y4, Y13, Y13       // y = b + g·kI
	VCMPPS    $0x1d, KROW(6), Y14, Y15 // x ≥ ½
	VMULPS    KROW(7), Y14, Y5   // x/12
	VADDPS    KROW(6), Y5, Y5    // ½ + x/12
	VMULPS    Y14, Y5, Y5        // x·(…)
	VADDPS    KROW(8), Y5, Y5    // Q
	VMOVUPS   (DI), Y6           // V
	VMULPS    Y6, Y14, Y7        // x·V
	VSUBPS    Y7, Y13, Y13       // y − x·V
	VDIVPS    Y5, Y13, Y13       // /Q
	VADDPS    Y13, Y6, Y13       // V'
	VMOVUPS   (R12), Y7          // th
	VMULPS    KROW(13), Y7, Y7   // th' = th·decTh
	VADDPS    KROW(9), Y7, Y8    // θ + th'  (θ + th' as θ + th' = th' + θ)
	VCMPPS    $0x1d, Y8, Y13, Y8 // V' ≥ θ + th'
	VORPS     Y8, Y15, Y15
	VMOVMSKPS Y15, BX
	TESTL     BX, BX
	JNZ       doneN
	VMOVUPS   Y13, (DI)
	VMOVUPS   Y7, (R12)
	VSUBPS    Y10, Y11, Y8       // e − n
	VMULPS    KROW(12), Y8, Y8   // (e − n)·mulN
	VADDPS    Y8, Y10, Y8        // n + …
	VMOVUPS   Y8, (R11)
	VMULPS    KROW(10), Y11, Y8  // e·decE
	VADDPS    (R8), Y8, Y8
	VMOVUPS   Y8, (SI)
	VMULPS    KROW(11), Y12, Y9  // g·decI
	VADDPS    (R9), Y9, Y9
	VMOVUPS   Y9, (DX)
	ADDQ      $32, DI
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, R11
	ADDQ      $32, R12
	ADDQ      $32, R8
	ADDQ      $32, R9
	ADDQ      $8, AX
	DECQ      CX
	JNZ       loopN

doneN:
	VZEROUPPER
	MOVQ AX, ret+72(FP)
	RET

// func rowAddAVX(w *float32, pos, pre *int32, n int, x *float64, c, lo, hi float64)
//
// For e < n: q = pos[e]; w[q] = float32(clip(float64(w[q]) + x[pre[e]]·c, lo, hi)),
// clip as clampW (NaN passes: MAXSD/MINSD return their second operand
// when either is NaN, and w is the second). Prefetches w[pos[e + 16]]:
// the positions are scattered over the whole weight array.
TEXT ·rowAddAVX(SB), NOSPLIT, $0-64
	MOVQ  w+0(FP), DI
	MOVQ  pos+8(FP), SI
	MOVQ  pre+16(FP), DX
	MOVQ  n+24(FP), CX
	MOVQ  x+32(FP), R8
	MOVSD c+40(FP), X1
	MOVSD lo+48(FP), X2
	MOVSD hi+56(FP), X3
	XORQ  AX, AX
	TESTQ CX, CX
	JZ    doneR
	MOVQ  CX, R11
	SUBQ  $16, R11 // last e with a prefetch target

loopR:
	CMPQ      AX, R11
	JGE       noprefetch
	MOVLQSX   64(SI)(AX*4), R10
	PREFETCHT0 (DI)(R10*4)

noprefetch:
	MOVLQSX  (SI)(AX*4), R9       // q
	MOVLQSX  (DX)(AX*4), R10      // j
	MOVSS    (DI)(R9*4), X0
	CVTSS2SD X0, X0               // float64(w)
	MOVSD    (R8)(R10*8), X4      // x[j]
	MULSD    X1, X4               // x[j]·c
	ADDSD    X4, X0               // w + x[j]·c
	MOVAPD   X2, X5
	MAXSD    X0, X5               // lo > w ? lo : w  (w if NaN)
	MOVAPD   X3, X6
	MINSD    X5, X6               // hi < w ? hi : w
	CVTSD2SS X6, X6
	MOVSS    X6, (DI)(R9*4)
	INCQ     AX
	CMPQ     AX, CX
	JLT      loopR

doneR:
	RET

// func scatterAddAVX(in *float32, idx *int32, w *float32, n int, sub bool)
//
// in[idx[m]] += w[m] (sub: −= w[m]) for m < n, in order (a repeated index,
// a multapse, sees the earlier addition: scalar loads and stores).
TEXT ·scatterAddAVX(SB), NOSPLIT, $0-33
	MOVQ  in+0(FP), DI
	MOVQ  idx+8(FP), SI
	MOVQ  w+16(FP), DX
	MOVQ  n+24(FP), CX
	MOVBLZX sub+32(FP), BX
	XORQ  AX, AX
	TESTQ CX, CX
	JZ    doneA
	TESTL BX, BX
	JNZ   loopSub

loopAdd:
	MOVLQSX (SI)(AX*4), R9
	MOVSS   (DI)(R9*4), X0
	ADDSS   (DX)(AX*4), X0
	MOVSS   X0, (DI)(R9*4)
	INCQ    AX
	CMPQ    AX, CX
	JLT     loopAdd
	RET

loopSub:
	MOVLQSX (SI)(AX*4), R9
	MOVSS   (DI)(R9*4), X0
	SUBSS   (DX)(AX*4), X0
	MOVSS   X0, (DI)(R9*4)
	INCQ    AX
	CMPQ    AX, CX
	JLT     loopSub

doneA:
	RET

// func scatterConstAVX(in *float32, idx *int32, n int, c float32)
//
// in[idx[m]] += c for m < n, in order.
TEXT ·scatterConstAVX(SB), NOSPLIT, $0-28
	MOVQ  in+0(FP), DI
	MOVQ  idx+8(FP), SI
	MOVQ  n+16(FP), CX
	MOVSS c+24(FP), X1
	XORQ  AX, AX
	TESTQ CX, CX
	JZ    doneC

loopC:
	MOVLQSX (SI)(AX*4), R9
	MOVSS   (DI)(R9*4), X0
	ADDSS   X1, X0
	MOVSS   X0, (DI)(R9*4)
	INCQ    AX
	CMPQ    AX, CX
	JLT     loopC

doneC:
	RET

// func p10RowAVX(w *float32, pos, pre *int32, wt *float32, n int, z *float64, ls, h, lo, hi float64)
//
// p10RowGo in assembly with software prefetch of the scattered weights
// (SSE2 scalar arithmetic in the same order; the same bits):
//   w ← clip(w + (ls·z[pre[e]] − h·(w − w̃[e])), lo, hi) at position pos[e].
TEXT ·p10RowAVX(SB), NOSPLIT, $0-80
	MOVQ  w+0(FP), DI
	MOVQ  pos+8(FP), SI
	MOVQ  pre+16(FP), DX
	MOVQ  wt+24(FP), BX
	MOVQ  n+32(FP), CX
	MOVQ  z+40(FP), R8
	MOVSD ls+48(FP), X1
	MOVSD h+56(FP), X7
	MOVSD lo+64(FP), X2
	MOVSD hi+72(FP), X3
	XORQ  AX, AX
	TESTQ CX, CX
	JZ    doneP
	MOVQ  CX, R11
	SUBQ  $16, R11

loopP:
	CMPQ       AX, R11
	JGE        noprefetchP
	MOVLQSX    64(SI)(AX*4), R10
	PREFETCHT0 (DI)(R10*4)

noprefetchP:
	MOVLQSX  (SI)(AX*4), R9  // q
	MOVLQSX  (DX)(AX*4), R10 // j
	MOVSS    (DI)(R9*4), X0
	CVTSS2SD X0, X0          // w
	MOVSD    (R8)(R10*8), X4 // z[j]
	MULSD    X1, X4          // ls·z[j]  (ls*z: commutative)
	MOVSS    (BX)(AX*4), X5
	CVTSS2SD X5, X5          // w̃
	MOVAPD   X0, X6
	SUBSD    X5, X6          // w − w̃
	MULSD    X7, X6          // h·(w − w̃)
	SUBSD    X6, X4          // ls·z − h·(w − w̃)
	ADDSD    X4, X0          // w + …
	MOVAPD   X2, X5
	MAXSD    X0, X5          // lo > w ? lo : w
	MOVAPD   X3, X6
	MINSD    X5, X6          // hi < w ? hi : w
	CVTSD2SS X6, X6
	MOVSS    X6, (DI)(R9*4)
	INCQ     AX
	CMPQ     AX, CX
	JLT      loopP

doneP:
	RET

// func aifRunAVX(v, ge, gi, gn, th, ga, re, ri *float32, n int, k *[cobaKLen][8]float32) int
//
// cobaRunNAVX with a spike-triggered adaptation conductance ga reversing
// at E_i (updateAIF for E_e = 0, no absolute refractoriness): k rows 0–13
// as cobaRunNAVX, 14 midA (ga's mid-step factor), 15 E_i, 16 ga's decay.
//   x += (ga·midA)·a;  y += ((ga·midA)·a)·E_i;  ga' = ga·decA
TEXT ·aifRunAVX(SB), NOSPLIT, $0-88
	MOVQ v+0(FP), DI
	MOVQ ge+8(FP), SI
	MOVQ gi+16(FP), DX
	MOVQ gn+24(FP), R11
	MOVQ th+32(FP), R12
	MOVQ ga+40(FP), R13
	MOVQ re+48(FP), R8
	MOVQ ri+56(FP), R9
	MOVQ n+64(FP), CX
	MOVQ k+72(FP), R10
	VMOVUPS KROW(0), Y0 // a
	VMOVUPS KROW(1), Y1 // cEa
	VMOVUPS KROW(2), Y2 // cN
	VMOVUPS KROW(3), Y3 // cI
	VMOVUPS KROW(4), Y4 // b
	XORQ    AX, AX
	SHRQ    $3, CX
	JZ      doneA2

loopA2:
	VMOVUPS   (SI), Y11          // e
	VMOVUPS   (R11), Y10         // n
	VMOVUPS   (DX), Y12          // g
	VMULPS    Y1, Y11, Y14       // e·cEa
	VADDPS    Y0, Y14, Y14       // a + e·cEa
	VMULPS    Y2, Y10, Y15       // n·cN
	VADDPS    Y15, Y14, Y14      // + n·cN
	VMULPS    Y3, Y12, Y15       // g·cI
	VADDPS    Y15, Y14, Y14      // x
	VMULPS    KROW(5), Y12, Y13  // g·kI
	VADDPS    Y4, Y13, Y13       // y = b + g·kI
	VMOVUPS   (R13), Y9          // ga
	VMULPS    KROW(14), Y9, Y5   // A = ga·midA
	VMULPS    Y0, Y5, Y5         // A·a
	VADDPS    Y5, Y14, Y14       // x += A·a
	VMULPS    KROW(15), Y5, Y5   // (A·a)·E_i
	VADDPS    Y5, Y13, Y13       // y += …
	VCMPPS    $0x1d, KROW(6), Y14, Y15 // x ≥ ½
	VMULPS    KROW(7), Y14, Y5   // x/12
	VADDPS    KROW(6), Y5, Y5    // ½ + x/12
	VMULPS    Y14, Y5, Y5        // x·(…)
	VADDPS    KROW(8), Y5, Y5    // Q
	VMOVUPS   (DI), Y6           // V
	VMULPS    Y6, Y14, Y7        // x·V
	VSUBPS    Y7, Y13, Y13       // y − x·V
	VDIVPS    Y5, Y13, Y13       // /Q
	VADDPS    Y13, Y6, Y13       // V'
	VMOVUPS   (R12), Y7          // th
	VMULPS    KROW(13), Y7, Y7   // th' = th·decTh
	VADDPS    KROW(9), Y7, Y8    // θ + th'
	VCMPPS    $0x1d, Y8, Y13, Y8 // V' ≥ θ + th'
	VORPS     Y8, Y15, Y15
	VMOVMSKPS Y15, BX
	TESTL     BX, BX
	JNZ       doneA2
	VMOVUPS   Y13, (DI)
	VMOVUPS   Y7, (R12)
	VMULPS    KROW(16), Y9, Y9   // ga·decA
	VMOVUPS   Y9, (R13)
	VSUBPS    Y10, Y11, Y8       // e − n
	VMULPS    KROW(12), Y8, Y8   // (e − n)·mulN
	VADDPS    Y8, Y10, Y8        // n + …
	VMOVUPS   Y8, (R11)
	VMULPS    KROW(10), Y11, Y8  // e·decE
	VADDPS    (R8), Y8, Y8
	VMOVUPS   Y8, (SI)
	VMULPS    KROW(11), Y12, Y9  // g·decI
	VADDPS    (R9), Y9, Y9
	VMOVUPS   Y9, (DX)
	ADDQ      $32, DI
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, R11
	ADDQ      $32, R12
	ADDQ      $32, R13
	ADDQ      $32, R8
	ADDQ      $32, R9
	ADDQ      $8, AX
	DECQ      CX
	JNZ       loopA2

doneA2:
	VZEROUPPER
	MOVQ AX, ret+80(FP)
	RET
