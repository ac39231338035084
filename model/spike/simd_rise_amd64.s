#include "textflag.h"

// Constants: 32-byte rows of k (riseK* in step_rise.go).
#define RK(i) (i*32)(R10)

// The synaptic part shared by both kernels. In: Y6 = ca·(E_L + I) per lane;
// pointers DI v, SI ge, DX gi, R8 ger, R9 gir, index AX. Out: Y9 = V',
// Y14 = exception mask (x not < ½, or V' ≥ θ), Y7 e, Y8 g, Y10 ger, Y12 gir,
// Y0 V. Order of operations as updateRise (no FMA):
//   em = e·midE − ger·midRE;  gm = g·midI − gir·midRI
//   x = (ca + em·ca) + gm·ca;  y = (c1 + (em·ca)·eE) + (gm·ca)·eI
//   q = 1 + x·(½ + x·(1/12));  V' = V + (y − x·V)/q
#define SYNAPSES \
	VMOVUPS    (DI)(AX*4), Y0      \
	VMOVUPS    (SI)(AX*4), Y7      \
	VMOVUPS    (DX)(AX*4), Y8      \
	VMOVUPS    (R8)(AX*4), Y10     \
	VMOVUPS    (R9)(AX*4), Y12     \
	VMULPS     RK(1), Y7, Y9       \
	VMULPS     RK(3), Y10, Y11     \
	VSUBPS     Y11, Y9, Y9         \
	VMULPS     RK(2), Y8, Y11      \
	VMULPS     RK(4), Y12, Y13     \
	VSUBPS     Y13, Y11, Y11       \
	VMULPS     RK(0), Y9, Y9       \
	VMULPS     RK(0), Y11, Y11     \
	VADDPS     RK(0), Y9, Y13      \
	VADDPS     Y11, Y13, Y13       \
	VMULPS     RK(5), Y9, Y9       \
	VADDPS     Y9, Y6, Y6          \
	VMULPS     RK(6), Y11, Y11     \
	VADDPS     Y11, Y6, Y6         \
	VCMPPS     $0x05, RK(7), Y13, Y14 \
	VMULPS     RK(8), Y13, Y15     \
	VADDPS     RK(7), Y15, Y15     \
	VMULPS     Y15, Y13, Y15       \
	VADDPS     RK(9), Y15, Y15     \
	VMULPS     Y0, Y13, Y9         \
	VSUBPS     Y9, Y6, Y9          \
	VDIVPS     Y15, Y9, Y9         \
	VADDPS     Y9, Y0, Y9          \
	VCMPPS     $0x1d, RK(10), Y9, Y13 \
	VORPS      Y13, Y14, Y14

// The refractory test (ref > 0 in any lane) into Y14; BX ref.
#define REFRACTORY \
	VMOVDQU    (BX)(AX*4), Y13     \
	VPXOR      Y15, Y15, Y15       \
	VPCMPGTD   Y15, Y13, Y13       \
	VORPS      Y13, Y14, Y14

// Conductance updates and stores (R13 re, R14 ri):
//   ge' = e·decE + inE·nrmE;  ger' = ger·decRE + inE·nrmE (and the same for I); re = ri = 0.
#define CONDUCTANCES \
	VMOVUPS    Y9, (DI)(AX*4)      \
	VMOVUPS    (R13)(AX*4), Y3     \
	VMULPS     RK(16), Y3, Y4      \
	VMULPS     RK(12), Y7, Y7      \
	VADDPS     Y4, Y7, Y7          \
	VMOVUPS    Y7, (SI)(AX*4)      \
	VMULPS     RK(14), Y10, Y10    \
	VADDPS     Y4, Y10, Y10        \
	VMOVUPS    Y10, (R8)(AX*4)     \
	VMOVUPS    (R14)(AX*4), Y3     \
	VMULPS     RK(17), Y3, Y4      \
	VMULPS     RK(13), Y8, Y8      \
	VADDPS     Y4, Y8, Y8          \
	VMOVUPS    Y8, (DX)(AX*4)      \
	VMULPS     RK(15), Y12, Y12    \
	VADDPS     Y4, Y12, Y12        \
	VMOVUPS    Y12, (R9)(AX*4)     \
	VXORPS     Y3, Y3, Y3          \
	VMOVUPS    Y3, (R13)(AX*4)     \
	VMOVUPS    Y3, (R14)(AX*4)

// func riseLIFAVX(v, ge, gi, ger, gir, re, ri *float32, ref *int32, n int, k *[riseKLen][8]float32) int
//
// updateRise's per-neuron update for LIF neurons without a threshold jump,
// on chunks of 8 while no neuron of a chunk is refractory, has x ≥ ½ or
// reaches θ; returns the neurons done (a multiple of 8; the chunk where it
// stopped is left untouched).
TEXT ·riseLIFAVX(SB), NOSPLIT, $0-88
	MOVQ v+0(FP), DI
	MOVQ ge+8(FP), SI
	MOVQ gi+16(FP), DX
	MOVQ ger+24(FP), R8
	MOVQ gir+32(FP), R9
	MOVQ re+40(FP), R13
	MOVQ ri+48(FP), R14
	MOVQ ref+56(FP), BX
	MOVQ n+64(FP), CX
	MOVQ k+72(FP), R10
	XORQ AX, AX
	SHRQ $3, CX
	JZ   doneL

loopL:
	VMOVUPS RK(11), Y6 // c1 = ca·(E_L + I_bias)
	SYNAPSES
	REFRACTORY
	VMOVMSKPS Y14, R11
	TESTL     R11, R11
	JNZ       doneL
	CONDUCTANCES
	ADDQ $8, AX
	DECQ CX
	JNZ  loopL

doneL:
	VZEROUPPER
	MOVQ AX, ret+80(FP)
	RET

// func riseEIFAVX(v, ge, gi, ger, gir, re, ri *float32, ref *int32, th, w *float32, n int, k *[riseKLen][8]float32) int
//
// The same for AdEx neurons with the adaptive soft threshold (th acts on
// V_T) and adaptation w:
//   xe = min(20, (V − (V_T + th))/Δ_T);  e^{xe} as expFast;  I = I_bias + (Δ_T·e^{xe} − w)
//   th' = th·decTh;  w' = w∞ + (w − w∞)·decW,  w∞ = a_w·(V − E_L)
TEXT ·riseEIFAVX(SB), NOSPLIT, $0-104
	MOVQ v+0(FP), DI
	MOVQ ge+8(FP), SI
	MOVQ gi+16(FP), DX
	MOVQ ger+24(FP), R8
	MOVQ gir+32(FP), R9
	MOVQ re+40(FP), R13
	MOVQ ri+48(FP), R14
	MOVQ ref+56(FP), BX
	MOVQ th+64(FP), R11
	MOVQ w+72(FP), R12
	MOVQ n+80(FP), CX
	MOVQ k+88(FP), R10
	XORQ AX, AX
	SHRQ $3, CX
	JZ   doneE

loopE:
	VMOVUPS    (DI)(AX*4), Y0
	VMOVUPS    (R11)(AX*4), Y1 // th
	VADDPS     RK(20), Y1, Y3  // V_T + th
	VSUBPS     Y3, Y0, Y3      // V − …
	VMULPS     RK(21), Y3, Y3  // xe
	VMOVUPS    RK(22), Y4      // 20
	VMINPS     Y3, Y4, Y3      // 20 < xe ? 20 : xe (NaN stays)
	VMULPS     RK(23), Y3, Y3  // t = xe·log₂e
	VMOVUPS    RK(24), Y4      // −127
	VMAXPS     Y3, Y4, Y3      // −127 > t ? −127 : t (NaN stays)
	VADDPS     RK(25), Y3, Y4  // t + 128.5
	VCVTTPS2DQ Y4, Y4
	VPSUBD     RK(36), Y4, Y4  // kk
	VCVTDQ2PS  Y4, Y5
	VSUBPS     Y5, Y3, Y5
	VMULPS     RK(26), Y5, Y5  // f
	VMULPS     RK(27), Y5, Y6  // f/720
	VADDPS     RK(28), Y6, Y6
	VMULPS     Y6, Y5, Y6
	VADDPS     RK(29), Y6, Y6
	VMULPS     Y6, Y5, Y6
	VADDPS     RK(30), Y6, Y6
	VMULPS     Y6, Y5, Y6
	VADDPS     RK(7), Y6, Y6
	VMULPS     Y6, Y5, Y6
	VADDPS     RK(9), Y6, Y6
	VMULPS     Y6, Y5, Y6
	VADDPS     RK(9), Y6, Y6   // 1 + a
	VPADDD     RK(35), Y4, Y4  // kk + 127
	VPSLLD     $23, Y4, Y4
	VMULPS     Y4, Y6, Y6      // e^{xe}
	VMULPS     RK(31), Y6, Y6  // Δ_T·e^{xe}
	VMOVUPS    (R12)(AX*4), Y2 // w
	VSUBPS     Y2, Y6, Y6      // − w
	VADDPS     RK(19), Y6, Y6  // I = I_bias + …
	VADDPS     RK(18), Y6, Y6  // E_L + I
	VMULPS     RK(0), Y6, Y6   // c1 = ca·(E_L + I)
	SYNAPSES
	REFRACTORY
	VMOVMSKPS Y14, CX
	TESTL     CX, CX
	JNZ       doneE
	CONDUCTANCES
	VMULPS    RK(34), Y1, Y1  // th·decTh
	VMOVUPS   Y1, (R11)(AX*4)
	VSUBPS    RK(18), Y0, Y5  // V − E_L
	VMULPS    RK(32), Y5, Y5  // w∞
	VSUBPS    Y5, Y2, Y6      // w − w∞
	VMULPS    RK(33), Y6, Y6
	VADDPS    Y6, Y5, Y6
	VMOVUPS   Y6, (R12)(AX*4)
	ADDQ $8, AX
	MOVQ n+80(FP), CX
	SHRQ $3, CX
	SHLQ $3, CX
	CMPQ AX, CX
	JLT  loopE

doneE:
	VZEROUPPER
	MOVQ AX, ret+96(FP)
	RET
