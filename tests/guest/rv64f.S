/* RV64F: every single-precision instruction.  Arithmetic in all five static
 * rounding modes and through frm with DYN; every fflags bit (NX, UF with
 * tininess detected after rounding, OF, DZ, NV); canonical NaN results;
 * NaN boxing (a non-boxed input reads as the canonical NaN, results and
 * fmv.w.x/flw are boxed, fmv.x.w/fsw ignore the upper half); fmin/fmax
 * with NaNs and signed zeros; fcvt saturation in every direction; fclass;
 * fsgnj*; the four fused multiply-add forms; invalid rounding modes.
 * Expected values are hand-derived from IEEE 754-2008 and the RISC-V F
 * chapter; the comments give the derivation of the less obvious ones. */
#include "fp.h"

#define P0	0x00000000	/* +0 */
#define N0	0x80000000	/* -0 */
#define ONE	0x3f800000
#define MONE	0xbf800000
#define TWO	0x40000000
#define MTWO	0xc0000000
#define THREE	0x40400000
#define FOUR	0x40800000
#define HALF	0x3f000000
#define MHALF	0xbf000000
#define ONEP5	0x3fc00000	/* 1.5 */
#define MONEP5	0xbfc00000
#define TWOP5	0x40200000	/* 2.5 */
#define MTWOP5	0xc0200000
#define PINF	0x7f800000
#define NINF	0xff800000
#define QNAN	0x7fc00000	/* the canonical NaN */
#define NQNAN	0xffc00000
#define QNANP	0x7fc12345	/* quiet NaN with a payload */
#define SNAN	0x7f800001
#define NSNAN	0xff8abcde
#define MAXF	0x7f7fffff	/* largest finite */
#define MMAXF	0xff7fffff
#define MINN	0x00800000	/* smallest normal 2^-126 */
#define MINS	0x00000001	/* smallest subnormal 2^-149 */
#define MAXS	0x007fffff	/* largest subnormal */
#define MMINS	0x80000001
#define ONEULP	0x3f800001	/* 1 + 2^-23 */
#define MONEULP	0xbf800001
#define ONEM	0x3f7fffff	/* 1 - 2^-24 */
#define ULP2	0x3f800002	/* 1 + 2^-22 */
#define E24	0x33800000	/* 2^-24: half an ulp of 1 */
#define ME24	0xb3800000
#define E25	0x33000000	/* 2^-25: a quarter ulp */
#define E24X3	0x33c00000	/* 3 * 2^-25: three quarters of an ulp */
#define THIRD_RN 0x3eaaaaab	/* 1/3 rounded up (RNE/RUP/RMM) */
#define THIRD_RZ 0x3eaaaaaa	/* 1/3 rounded down (RTZ/RDN) */
#define P1E12	0x3f800800	/* 1 + 2^-12 */
#define P2E11	0x3a000000	/* 2^-11 */

TEST_BEGIN("rv64f")

	/* ---- fadd.s / fsub.s ---- */
	TEST_S_RR(fadd.s, rne, ONE, ONE, TWO, 0)
	TEST_S_RR(fadd.s, rne, ONE, MONE, P0, 0)
	TEST_S_RR(fadd.s, rne, ONEP5, TWOP5, FOUR, 0)
	TEST_S_RR(fsub.s, rne, THREE, ONE, TWO, 0)
	TEST_S_RR(fsub.s, rne, ONE, THREE, MTWO, 0)
	/* 1 + 2^-24 is exactly halfway between 1 and 1+ulp */
	TEST_S_RR(fadd.s, rne, ONE, E24, ONE, NX)
	TEST_S_RR(fadd.s, rtz, ONE, E24, ONE, NX)
	TEST_S_RR(fadd.s, rdn, ONE, E24, ONE, NX)
	TEST_S_RR(fadd.s, rup, ONE, E24, ONEULP, NX)
	TEST_S_RR(fadd.s, rmm, ONE, E24, ONEULP, NX)
	/* ...and for the negative value */
	TEST_S_RR(fadd.s, rne, MONE, ME24, MONE, NX)
	TEST_S_RR(fadd.s, rtz, MONE, ME24, MONE, NX)
	TEST_S_RR(fadd.s, rdn, MONE, ME24, MONEULP, NX)
	TEST_S_RR(fadd.s, rup, MONE, ME24, MONE, NX)
	TEST_S_RR(fadd.s, rmm, MONE, ME24, MONEULP, NX)
	/* (1+ulp) + half ulp: tie, the even neighbour is 1+2ulp */
	TEST_S_RR(fadd.s, rne, ONEULP, E24, ULP2, NX)
	TEST_S_RR(fadd.s, rtz, ONEULP, E24, ONEULP, NX)
	TEST_S_RR(fadd.s, rmm, ONEULP, E24, ULP2, NX)
	/* quarter and three-quarter ulp: not ties */
	TEST_S_RR(fadd.s, rne, ONE, E25, ONE, NX)
	TEST_S_RR(fadd.s, rmm, ONE, E25, ONE, NX)
	TEST_S_RR(fadd.s, rup, ONE, E25, ONEULP, NX)
	TEST_S_RR(fadd.s, rne, ONE, E24X3, ONEULP, NX)
	TEST_S_RR(fadd.s, rtz, ONE, E24X3, ONE, NX)
	TEST_S_RR(fadd.s, rdn, ONE, E24X3, ONE, NX)
	/* the same additions through frm with rm = DYN (rne=0 rtz=1 rdn=2
	 * rup=3 rmm=4) */
	TEST_S_RR_DYN(fadd.s, 0, ONE, E24, ONE, NX)
	TEST_S_RR_DYN(fadd.s, 1, ONE, E24X3, ONE, NX)
	TEST_S_RR_DYN(fadd.s, 2, MONE, ME24, MONEULP, NX)
	TEST_S_RR_DYN(fadd.s, 3, ONE, E25, ONEULP, NX)
	TEST_S_RR_DYN(fadd.s, 4, ONE, E24, ONEULP, NX)
	TEST_S_RR_DYN(fsub.s, 2, ONE, ONE, N0, 0)
	/* signed zeros: x - x is +0 except in RDN; -0 + -0 = -0 */
	TEST_S_RR(fsub.s, rne, ONE, ONE, P0, 0)
	TEST_S_RR(fsub.s, rdn, ONE, ONE, N0, 0)
	TEST_S_RR(fadd.s, rdn, ONE, MONE, N0, 0)
	TEST_S_RR(fadd.s, rne, P0, N0, P0, 0)
	TEST_S_RR(fadd.s, rdn, P0, N0, N0, 0)
	TEST_S_RR(fadd.s, rne, N0, N0, N0, 0)
	TEST_S_RR(fsub.s, rne, N0, P0, N0, 0)
	TEST_S_RR(fsub.s, rup, P0, P0, P0, 0)
	/* infinities and NaNs: results are the canonical NaN, payloads and
	 * signs are not propagated, only a signalling input raises NV */
	TEST_S_RR(fadd.s, rne, PINF, ONE, PINF, 0)
	TEST_S_RR(fadd.s, rne, NINF, MAXF, NINF, 0)
	TEST_S_RR(fadd.s, rne, PINF, NINF, QNAN, NV)
	TEST_S_RR(fsub.s, rne, PINF, PINF, QNAN, NV)
	TEST_S_RR(fsub.s, rne, PINF, NINF, PINF, 0)
	TEST_S_RR(fadd.s, rne, QNAN, ONE, QNAN, 0)
	TEST_S_RR(fadd.s, rne, ONE, QNANP, QNAN, 0)
	TEST_S_RR(fadd.s, rne, NQNAN, ONE, QNAN, 0)
	TEST_S_RR(fadd.s, rne, SNAN, ONE, QNAN, NV)
	TEST_S_RR(fsub.s, rne, ONE, NSNAN, QNAN, NV)
	TEST_S_RR(fadd.s, rne, QNANP, SNAN, QNAN, NV)
	TEST_S_RR(fadd.s, rne, SNAN, PINF, QNAN, NV)
	/* overflow: to inf or to the largest finite, by rounding mode */
	TEST_S_RR(fadd.s, rne, MAXF, MAXF, PINF, OF|NX)
	TEST_S_RR(fadd.s, rtz, MAXF, MAXF, MAXF, OF|NX)
	TEST_S_RR(fadd.s, rdn, MAXF, MAXF, MAXF, OF|NX)
	TEST_S_RR(fadd.s, rup, MAXF, MAXF, PINF, OF|NX)
	TEST_S_RR(fadd.s, rmm, MAXF, MAXF, PINF, OF|NX)
	TEST_S_RR(fsub.s, rne, MMAXF, MAXF, NINF, OF|NX)
	TEST_S_RR(fsub.s, rtz, MMAXF, MAXF, MMAXF, OF|NX)
	TEST_S_RR(fsub.s, rdn, MMAXF, MAXF, NINF, OF|NX)
	TEST_S_RR(fsub.s, rup, MMAXF, MAXF, MMAXF, OF|NX)
	/* max + half its ulp (2^103) is a tie that rounds to inf in RNE */
	TEST_S_RR(fadd.s, rne, MAXF, 0x73000000, PINF, OF|NX)
	TEST_S_RR(fadd.s, rne, MAXF, 0x72800000, MAXF, NX)
	/* subnormal sums are exact: no UF without NX */
	TEST_S_RR(fadd.s, rne, MINS, MINS, 0x00000002, 0)
	TEST_S_RR(fadd.s, rne, MAXS, MINS, MINN, 0)
	TEST_S_RR(fsub.s, rne, MINN, MINS, MAXS, 0)
	TEST_S_RR(fsub.s, rne, MINS, MINS, P0, 0)

	/* ---- fmul.s ---- */
	TEST_S_RR(fmul.s, rne, TWO, THREE, 0x40c00000, 0)
	TEST_S_RR(fmul.s, rne, MONE, P0, N0, 0)
	TEST_S_RR(fmul.s, rne, N0, N0, P0, 0)
	TEST_S_RR(fmul.s, rne, PINF, MTWO, NINF, 0)
	TEST_S_RR(fmul.s, rne, PINF, P0, QNAN, NV)
	TEST_S_RR(fmul.s, rne, N0, NINF, QNAN, NV)
	TEST_S_RR(fmul.s, rne, SNAN, P0, QNAN, NV)
	TEST_S_RR(fmul.s, rne, QNANP, PINF, QNAN, 0)
	/* (1+2^-12)^2 = 1 + 2^-11 + 2^-24: a tie, rounds to even */
	TEST_S_RR(fmul.s, rne, P1E12, P1E12, 0x3f801000, NX)
	TEST_S_RR(fmul.s, rup, P1E12, P1E12, 0x3f801001, NX)
	TEST_S_RR(fmul.s, rmm, P1E12, P1E12, 0x3f801001, NX)
	TEST_S_RR(fmul.s, rdn, P1E12, P1E12, 0x3f801000, NX)
	TEST_S_RR(fmul.s, rtz, P1E12, P1E12, 0x3f801000, NX)
	/* overflow in multiplication */
	TEST_S_RR(fmul.s, rne, MAXF, TWO, PINF, OF|NX)
	TEST_S_RR(fmul.s, rtz, MAXF, MTWO, MMAXF, OF|NX)
	TEST_S_RR(fmul.s, rup, MAXF, MTWO, MMAXF, OF|NX)
	TEST_S_RR(fmul.s, rdn, MAXF, MTWO, NINF, OF|NX)
	/* underflow.  2^-126 * 0.5 = 2^-127 is an exact subnormal: no flags */
	TEST_S_RR(fmul.s, rne, MINN, HALF, 0x00400000, 0)
	/* 2^-149 * 0.5 = 2^-150, halfway between 0 and the smallest subnormal */
	TEST_S_RR(fmul.s, rne, MINS, HALF, P0, UF|NX)
	TEST_S_RR(fmul.s, rtz, MINS, HALF, P0, UF|NX)
	TEST_S_RR(fmul.s, rdn, MINS, HALF, P0, UF|NX)
	TEST_S_RR(fmul.s, rup, MINS, HALF, MINS, UF|NX)
	TEST_S_RR(fmul.s, rmm, MINS, HALF, MINS, UF|NX)
	TEST_S_RR(fmul.s, rdn, MMINS, HALF, MMINS, UF|NX)
	TEST_S_RR(fmul.s, rup, MMINS, HALF, N0, UF|NX)
	/* (1-2^-24) * 2^-126: tiny even after rounding with unbounded exponent
	 * (the product has 24 bits), then a tie between the largest
	 * subnormal and 2^-126 that RNE rounds up: result normal, UF set. */
	TEST_S_RR(fmul.s, rne, ONEM, MINN, MINN, UF|NX)
	TEST_S_RR(fmul.s, rtz, ONEM, MINN, MAXS, UF|NX)
	/* (1+2^-23) * (1-2^-23)*2^-126 = (1-2^-46)*2^-126: tiny before
	 * rounding but not after (RISC-V detects tininess after rounding), so
	 * RNE/RUP/RMM give 2^-126 with NX only; RTZ/RDN stay subnormal + UF. */
	TEST_S_RR(fmul.s, rne, ONEULP, MAXS, MINN, NX)
	TEST_S_RR(fmul.s, rup, ONEULP, MAXS, MINN, NX)
	TEST_S_RR(fmul.s, rmm, ONEULP, MAXS, MINN, NX)
	TEST_S_RR(fmul.s, rtz, ONEULP, MAXS, MAXS, UF|NX)
	TEST_S_RR(fmul.s, rdn, ONEULP, MAXS, MAXS, UF|NX)

	/* ---- fdiv.s ---- */
	TEST_S_RR(fdiv.s, rne, ONE, THREE, THIRD_RN, NX)
	TEST_S_RR(fdiv.s, rtz, ONE, THREE, THIRD_RZ, NX)
	TEST_S_RR(fdiv.s, rdn, ONE, THREE, THIRD_RZ, NX)
	TEST_S_RR(fdiv.s, rup, ONE, THREE, THIRD_RN, NX)
	TEST_S_RR(fdiv.s, rmm, ONE, THREE, THIRD_RN, NX)
	TEST_S_RR(fdiv.s, rne, MONE, THREE, 0xbeaaaaab, NX)
	TEST_S_RR(fdiv.s, rtz, MONE, THREE, 0xbeaaaaaa, NX)
	TEST_S_RR(fdiv.s, rdn, MONE, THREE, 0xbeaaaaab, NX)
	TEST_S_RR(fdiv.s, rup, MONE, THREE, 0xbeaaaaaa, NX)
	TEST_S_RR_DYN(fdiv.s, 1, ONE, THREE, THIRD_RZ, NX)
	TEST_S_RR_DYN(fdiv.s, 3, MONE, THREE, 0xbeaaaaaa, NX)
	TEST_S_RR(fdiv.s, rne, THREE, TWO, ONEP5, 0)
	/* division by zero: DZ, signed infinity; 0/0 and inf/inf: NV */
	TEST_S_RR(fdiv.s, rne, ONE, P0, PINF, DZ)
	TEST_S_RR(fdiv.s, rne, ONE, N0, NINF, DZ)
	TEST_S_RR(fdiv.s, rne, MONE, P0, NINF, DZ)
	TEST_S_RR(fdiv.s, rne, MINS, N0, NINF, DZ)
	TEST_S_RR(fdiv.s, rne, P0, P0, QNAN, NV)
	TEST_S_RR(fdiv.s, rne, PINF, NINF, QNAN, NV)
	TEST_S_RR(fdiv.s, rne, PINF, P0, PINF, 0)
	TEST_S_RR(fdiv.s, rne, ONE, NINF, N0, 0)
	TEST_S_RR(fdiv.s, rne, QNAN, P0, QNAN, 0)
	TEST_S_RR(fdiv.s, rne, SNAN, ONE, QNAN, NV)
	/* overflow and underflow by division */
	TEST_S_RR(fdiv.s, rne, MAXF, HALF, PINF, OF|NX)
	TEST_S_RR(fdiv.s, rtz, MAXF, HALF, MAXF, OF|NX)
	TEST_S_RR(fdiv.s, rne, MINS, FOUR, P0, UF|NX)
	TEST_S_RR(fdiv.s, rup, MINS, FOUR, MINS, UF|NX)
	TEST_S_RR(fdiv.s, rne, MINN, TWO, 0x00400000, 0)

	/* ---- fsqrt.s ---- */
	TEST_S_R(fsqrt.s, rne, FOUR, TWO, 0)
	TEST_S_R(fsqrt.s, rne, 0x40100000, 0x3fc00000, 0)	/* 2.25 -> 1.5 */
	/* sqrt(2) = 1.0110101 0000 0100 1111 0011 0011 ... */
	TEST_S_R(fsqrt.s, rne, TWO, 0x3fb504f3, NX)
	TEST_S_R(fsqrt.s, rtz, TWO, 0x3fb504f3, NX)
	TEST_S_R(fsqrt.s, rdn, TWO, 0x3fb504f3, NX)
	TEST_S_R(fsqrt.s, rup, TWO, 0x3fb504f4, NX)
	TEST_S_R(fsqrt.s, rmm, TWO, 0x3fb504f3, NX)
	/* sqrt(3) = 1.7320508: 0x3fddb3d7 is just below it */
	TEST_S_R(fsqrt.s, rne, THREE, 0x3fddb3d7, NX)
	TEST_S_R(fsqrt.s, rtz, THREE, 0x3fddb3d7, NX)
	TEST_S_R(fsqrt.s, rup, THREE, 0x3fddb3d8, NX)
	TEST_S_R(fsqrt.s, rne, P0, P0, 0)
	TEST_S_R(fsqrt.s, rne, N0, N0, 0)
	TEST_S_R(fsqrt.s, rne, PINF, PINF, 0)
	TEST_S_R(fsqrt.s, rne, NINF, QNAN, NV)
	TEST_S_R(fsqrt.s, rne, MONE, QNAN, NV)
	TEST_S_R(fsqrt.s, rne, MMINS, QNAN, NV)
	TEST_S_R(fsqrt.s, rne, QNANP, QNAN, 0)
	TEST_S_R(fsqrt.s, rne, SNAN, QNAN, NV)
	/* subnormal inputs: sqrt(2^-148) = 2^-74, sqrt(2^-128) = 2^-64,
	 * sqrt(2^-147) = sqrt(2) * 2^-74 */
	TEST_S_R(fsqrt.s, rne, 0x00000002, 0x1a800000, 0)
	TEST_S_R(fsqrt.s, rne, 0x00200000, 0x1f800000, 0)
	TEST_S_R(fsqrt.s, rne, 0x00000004, 0x1ab504f3, NX)

	/* ---- fmin.s / fmax.s (IEEE 754-2019 minimumNumber/maximumNumber) */
	TEST_S_RR_NORM(fmin.s, ONE, TWO, ONE, 0)
	TEST_S_RR_NORM(fmax.s, ONE, TWO, TWO, 0)
	TEST_S_RR_NORM(fmin.s, MTWO, ONE, MTWO, 0)
	TEST_S_RR_NORM(fmax.s, MTWO, MONE, MONE, 0)
	TEST_S_RR_NORM(fmin.s, N0, P0, N0, 0)
	TEST_S_RR_NORM(fmin.s, P0, N0, N0, 0)
	TEST_S_RR_NORM(fmax.s, N0, P0, P0, 0)
	TEST_S_RR_NORM(fmax.s, P0, N0, P0, 0)
	TEST_S_RR_NORM(fmin.s, NINF, MMAXF, NINF, 0)
	TEST_S_RR_NORM(fmax.s, PINF, MAXF, PINF, 0)
	TEST_S_RR_NORM(fmin.s, MINS, P0, P0, 0)
	/* one NaN: the other operand; a signalling NaN also raises NV */
	TEST_S_RR_NORM(fmin.s, QNAN, ONE, ONE, 0)
	TEST_S_RR_NORM(fmin.s, ONE, QNANP, ONE, 0)
	TEST_S_RR_NORM(fmax.s, NQNAN, MONE, MONE, 0)
	TEST_S_RR_NORM(fmin.s, SNAN, ONE, ONE, NV)
	TEST_S_RR_NORM(fmax.s, MTWO, SNAN, MTWO, NV)
	TEST_S_RR_NORM(fmax.s, NSNAN, N0, N0, NV)
	/* both NaN: the canonical NaN */
	TEST_S_RR_NORM(fmin.s, QNANP, NQNAN, QNAN, 0)
	TEST_S_RR_NORM(fmax.s, QNAN, QNAN, QNAN, 0)
	TEST_S_RR_NORM(fmax.s, SNAN, QNANP, QNAN, NV)
	TEST_S_RR_NORM(fmin.s, SNAN, SNAN, QNAN, NV)

	/* ---- sign injection: raw bit operations, no flags, NaNs kept ---- */
	TEST_S_RR_NORM(fsgnj.s, ONE, MTWO, MONE, 0)
	TEST_S_RR_NORM(fsgnj.s, MONE, TWO, ONE, 0)
	TEST_S_RR_NORM(fsgnjn.s, ONE, MTWO, ONE, 0)
	TEST_S_RR_NORM(fsgnjn.s, ONE, TWO, MONE, 0)
	TEST_S_RR_NORM(fsgnjx.s, MONE, MTWO, ONE, 0)
	TEST_S_RR_NORM(fsgnjx.s, MONE, TWO, MONE, 0)
	TEST_S_RR_NORM(fsgnjx.s, ONE, MTWO, MONE, 0)
	TEST_S_RR_NORM(fsgnj.s, QNANP, NINF, 0xffc12345, 0)
	TEST_S_RR_NORM(fsgnj.s, SNAN, MONE, 0xff800001, 0)
	TEST_S_RR_NORM(fsgnjn.s, NSNAN, NSNAN, 0x7f8abcde, 0)
	TEST_S_RR_NORM(fsgnjx.s, P0, N0, N0, 0)
	TEST_S_RR_NORM(fsgnj.s, N0, QNAN, P0, 0)

	/* ---- comparisons: feq is quiet, flt/fle signal on any NaN ---- */
	TEST_S_CMP(feq.s, ONE, ONE, 1, 0)
	TEST_S_CMP(feq.s, ONE, TWO, 0, 0)
	TEST_S_CMP(feq.s, P0, N0, 1, 0)
	TEST_S_CMP(feq.s, QNAN, QNAN, 0, 0)
	TEST_S_CMP(feq.s, QNAN, ONE, 0, 0)
	TEST_S_CMP(feq.s, SNAN, ONE, 0, NV)
	TEST_S_CMP(feq.s, ONE, SNAN, 0, NV)
	TEST_S_CMP(feq.s, PINF, PINF, 1, 0)
	TEST_S_CMP(flt.s, ONE, TWO, 1, 0)
	TEST_S_CMP(flt.s, TWO, ONE, 0, 0)
	TEST_S_CMP(flt.s, ONE, ONE, 0, 0)
	TEST_S_CMP(flt.s, N0, P0, 0, 0)
	TEST_S_CMP(flt.s, MTWO, MONE, 1, 0)
	TEST_S_CMP(flt.s, NINF, MMAXF, 1, 0)
	TEST_S_CMP(flt.s, QNAN, ONE, 0, NV)
	TEST_S_CMP(flt.s, ONE, QNAN, 0, NV)
	TEST_S_CMP(flt.s, SNAN, ONE, 0, NV)
	TEST_S_CMP(fle.s, ONE, ONE, 1, 0)
	TEST_S_CMP(fle.s, N0, P0, 1, 0)
	TEST_S_CMP(fle.s, P0, N0, 1, 0)
	TEST_S_CMP(fle.s, TWO, ONE, 0, 0)
	TEST_S_CMP(fle.s, MINS, P0, 0, 0)
	TEST_S_CMP(fle.s, QNAN, QNAN, 0, NV)
	TEST_S_CMP(fle.s, NINF, NINF, 1, 0)

	/* ---- fclass.s: one bit per class ---- */
#define TEST_FCLASS_S(a, exp)						\
	FLOAD_S(f1, a);							\
	FRUN(fclass.s a0, f1);						\
	FCHECK(exp, 0, "fclass.s a=", #a)
	TEST_FCLASS_S(NINF, 0x001)
	TEST_FCLASS_S(MONE, 0x002)
	TEST_FCLASS_S(MMAXF, 0x002)
	TEST_FCLASS_S(MMINS, 0x004)
	TEST_FCLASS_S(0x807fffff, 0x004)
	TEST_FCLASS_S(N0, 0x008)
	TEST_FCLASS_S(P0, 0x010)
	TEST_FCLASS_S(MINS, 0x020)
	TEST_FCLASS_S(MAXS, 0x020)
	TEST_FCLASS_S(MINN, 0x040)
	TEST_FCLASS_S(ONE, 0x040)
	TEST_FCLASS_S(PINF, 0x080)
	TEST_FCLASS_S(SNAN, 0x100)
	TEST_FCLASS_S(NSNAN, 0x100)
	TEST_FCLASS_S(0x7fbfffff, 0x100)
	TEST_FCLASS_S(QNAN, 0x200)
	TEST_FCLASS_S(NQNAN, 0x200)
	TEST_FCLASS_S(QNANP, 0x200)

	/* ---- fcvt.w.s / fcvt.wu.s (32-bit results sign-extended) ---- */
	TEST_S_TOINT(fcvt.w.s, rne, ONEP5, 2, NX)
	TEST_S_TOINT(fcvt.w.s, rtz, ONEP5, 1, NX)
	TEST_S_TOINT(fcvt.w.s, rdn, ONEP5, 1, NX)
	TEST_S_TOINT(fcvt.w.s, rup, ONEP5, 2, NX)
	TEST_S_TOINT(fcvt.w.s, rmm, ONEP5, 2, NX)
	TEST_S_TOINT(fcvt.w.s, rne, TWOP5, 2, NX)
	TEST_S_TOINT(fcvt.w.s, rmm, TWOP5, 3, NX)
	TEST_S_TOINT(fcvt.w.s, rne, MONEP5, -2, NX)
	TEST_S_TOINT(fcvt.w.s, rtz, MONEP5, -1, NX)
	TEST_S_TOINT(fcvt.w.s, rdn, MONEP5, -2, NX)
	TEST_S_TOINT(fcvt.w.s, rup, MONEP5, -1, NX)
	TEST_S_TOINT(fcvt.w.s, rmm, MONEP5, -2, NX)
	TEST_S_TOINT(fcvt.w.s, rne, MTWOP5, -2, NX)
	TEST_S_TOINT(fcvt.w.s, rmm, MTWOP5, -3, NX)
	TEST_S_TOINT(fcvt.w.s, rne, MHALF, 0, NX)
	TEST_S_TOINT(fcvt.w.s, rdn, MHALF, -1, NX)
	TEST_S_TOINT(fcvt.w.s, rne, THREE, 3, 0)
	TEST_S_TOINT(fcvt.w.s, rne, N0, 0, 0)
	TEST_S_TOINT(fcvt.w.s, rne, MINS, 0, NX)
	TEST_S_TOINT(fcvt.w.s, rup, MINS, 1, NX)
	/* saturation: 2^31 and above -> INT32_MAX; below -2^31 -> INT32_MIN;
	 * NaN -> INT32_MAX; all with NV and without NX */
	TEST_S_TOINT(fcvt.w.s, rne, 0x4effffff, 0x7fffff80, 0)
	TEST_S_TOINT(fcvt.w.s, rne, 0x4f000000, 0x7fffffff, NV)
	TEST_S_TOINT(fcvt.w.s, rne, 0xcf000000, 0xffffffff80000000, 0)
	TEST_S_TOINT(fcvt.w.s, rne, 0xcf000001, 0xffffffff80000000, NV)
	TEST_S_TOINT(fcvt.w.s, rne, PINF, 0x7fffffff, NV)
	TEST_S_TOINT(fcvt.w.s, rne, NINF, 0xffffffff80000000, NV)
	TEST_S_TOINT(fcvt.w.s, rne, QNAN, 0x7fffffff, NV)
	TEST_S_TOINT(fcvt.w.s, rne, NQNAN, 0x7fffffff, NV)
	TEST_S_TOINT(fcvt.w.s, rne, SNAN, 0x7fffffff, NV)
	TEST_S_TOINT(fcvt.wu.s, rne, THREE, 3, 0)
	/* 3e9 = 0xb2d05e00 fits in 32 unsigned bits; rd is sign-extended */
	TEST_S_TOINT(fcvt.wu.s, rne, 0x4f32d05e, 0xffffffffb2d05e00, 0)
	TEST_S_TOINT(fcvt.wu.s, rne, 0x4f7fffff, 0xffffffffffffff00, 0)
	TEST_S_TOINT(fcvt.wu.s, rne, 0x4f800000, 0xffffffffffffffff, NV)
	TEST_S_TOINT(fcvt.wu.s, rne, MONE, 0, NV)
	/* -0.5 rounds to 0 in RNE/RTZ/RUP (in range: NX only), -1 in RDN */
	TEST_S_TOINT(fcvt.wu.s, rne, MHALF, 0, NX)
	TEST_S_TOINT(fcvt.wu.s, rtz, MHALF, 0, NX)
	TEST_S_TOINT(fcvt.wu.s, rdn, MHALF, 0, NV)
	TEST_S_TOINT(fcvt.wu.s, rmm, MHALF, 0, NV)
	TEST_S_TOINT(fcvt.wu.s, rne, N0, 0, 0)
	TEST_S_TOINT(fcvt.wu.s, rne, PINF, 0xffffffffffffffff, NV)
	TEST_S_TOINT(fcvt.wu.s, rne, NINF, 0, NV)
	TEST_S_TOINT(fcvt.wu.s, rne, QNAN, 0xffffffffffffffff, NV)
	TEST_S_TOINT(fcvt.wu.s, rne, SNAN, 0xffffffffffffffff, NV)
	TEST_S_TOINT(fcvt.wu.s, rup, ONEP5, 2, NX)

	/* ---- fcvt.l.s / fcvt.lu.s ---- */
	TEST_S_TOINT(fcvt.l.s, rne, 0x501502f9, 10000000000, 0)
	TEST_S_TOINT(fcvt.l.s, rne, MTWOP5, -2, NX)
	TEST_S_TOINT(fcvt.l.s, rmm, MTWOP5, -3, NX)
	TEST_S_TOINT(fcvt.l.s, rup, MTWOP5, -2, NX)
	TEST_S_TOINT(fcvt.l.s, rdn, TWOP5, 2, NX)
	TEST_S_TOINT(fcvt.l.s, rne, 0x5effffff, 0x7fffff8000000000, 0)
	TEST_S_TOINT(fcvt.l.s, rne, 0x5f000000, 0x7fffffffffffffff, NV)
	TEST_S_TOINT(fcvt.l.s, rne, 0xdf000000, 0x8000000000000000, 0)
	TEST_S_TOINT(fcvt.l.s, rne, 0xdf000001, 0x8000000000000000, NV)
	TEST_S_TOINT(fcvt.l.s, rne, PINF, 0x7fffffffffffffff, NV)
	TEST_S_TOINT(fcvt.l.s, rne, NINF, 0x8000000000000000, NV)
	TEST_S_TOINT(fcvt.l.s, rne, QNANP, 0x7fffffffffffffff, NV)
	TEST_S_TOINT(fcvt.lu.s, rne, 0x5f000000, 0x8000000000000000, 0)
	TEST_S_TOINT(fcvt.lu.s, rne, 0x5f7fffff, 0xffffff0000000000, 0)
	TEST_S_TOINT(fcvt.lu.s, rne, 0x5f800000, 0xffffffffffffffff, NV)
	TEST_S_TOINT(fcvt.lu.s, rne, MONE, 0, NV)
	TEST_S_TOINT(fcvt.lu.s, rtz, MHALF, 0, NX)
	TEST_S_TOINT(fcvt.lu.s, rne, NINF, 0, NV)
	TEST_S_TOINT(fcvt.lu.s, rne, PINF, 0xffffffffffffffff, NV)
	TEST_S_TOINT(fcvt.lu.s, rne, SNAN, 0xffffffffffffffff, NV)
	TEST_S_TOINT(fcvt.lu.s, rmm, ONEP5, 2, NX)

	/* ---- fcvt.s.{w,wu,l,lu}: W forms use only rs1[31:0] ---- */
	TEST_S_FROMINT(fcvt.s.w, rne, 1, ONE, 0)
	TEST_S_FROMINT(fcvt.s.w, rne, -1, MONE, 0)
	TEST_S_FROMINT(fcvt.s.w, rne, 0, P0, 0)
	TEST_S_FROMINT(fcvt.s.w, rne, 0x100000001, ONE, 0)
	TEST_S_FROMINT(fcvt.s.w, rne, 0x7fffffff, 0x4f000000, NX)
	TEST_S_FROMINT(fcvt.s.w, rtz, 0x7fffffff, 0x4effffff, NX)
	TEST_S_FROMINT(fcvt.s.w, rne, 0x80000000, 0xcf000000, 0)
	/* 2^24 + 1: a tie between 2^24 and 2^24 + 2 */
	TEST_S_FROMINT(fcvt.s.w, rne, 16777217, 0x4b800000, NX)
	TEST_S_FROMINT(fcvt.s.w, rmm, 16777217, 0x4b800001, NX)
	TEST_S_FROMINT(fcvt.s.w, rup, 16777217, 0x4b800001, NX)
	TEST_S_FROMINT(fcvt.s.w, rdn, -16777217, 0xcb800001, NX)
	TEST_S_FROMINT(fcvt.s.w, rtz, -16777217, 0xcb800000, NX)
	TEST_S_FROMINT(fcvt.s.wu, rne, 0xffffffff, 0x4f800000, NX)
	TEST_S_FROMINT(fcvt.s.wu, rtz, 0xffffffff, 0x4f7fffff, NX)
	TEST_S_FROMINT(fcvt.s.wu, rne, 0xffffffff80000000, 0x4f000000, 0)
	TEST_S_FROMINT(fcvt.s.wu, rne, 0x1234500000000, P0, 0)
	TEST_S_FROMINT(fcvt.s.l, rne, -1, MONE, 0)
	TEST_S_FROMINT(fcvt.s.l, rne, 0x7fffffffffffffff, 0x5f000000, NX)
	TEST_S_FROMINT(fcvt.s.l, rtz, 0x7fffffffffffffff, 0x5effffff, NX)
	TEST_S_FROMINT(fcvt.s.l, rne, 0x8000000000000000, 0xdf000000, 0)
	TEST_S_FROMINT(fcvt.s.l, rup, 0x8000000000000001, 0xdeffffff, NX)
	TEST_S_FROMINT(fcvt.s.l, rne, 10000000000, 0x501502f9, 0)
	TEST_S_FROMINT(fcvt.s.lu, rne, 0xffffffffffffffff, 0x5f800000, NX)
	TEST_S_FROMINT(fcvt.s.lu, rtz, 0xffffffffffffffff, 0x5f7fffff, NX)
	TEST_S_FROMINT(fcvt.s.lu, rne, 0x8000000000000000, 0x5f000000, 0)
	TEST_S_FROMINT(fcvt.s.lu, rne, 0, P0, 0)

	/* ---- fused multiply-add: one rounding of a*b+c ----
	 * a = b = 1+2^-12: a*b = 1 + 2^-11 + 2^-24 exactly, so
	 * a*b - 1 = 2^-11 + 2^-24 = 0x3a000400 with no rounding at all (an
	 * unfused multiply would have lost the 2^-24). */
	TEST_S_RRR(fmadd.s, rne, P1E12, P1E12, MONE, 0x3a000400, 0)
	TEST_S_RRR(fmsub.s, rne, P1E12, P1E12, ONE, 0x3a000400, 0)
	TEST_S_RRR(fnmsub.s, rne, P1E12, P1E12, ONE, 0xba000400, 0)
	TEST_S_RRR(fnmadd.s, rne, P1E12, P1E12, MONE, 0xba000400, 0)
	/* -(a*b) - 1 = -(2 + 2^-11 + 2^-24): 2^-24 is a quarter ulp at 2 */
	TEST_S_RRR(fnmadd.s, rne, P1E12, P1E12, ONE, 0xc0000800, NX)
	TEST_S_RRR(fnmadd.s, rup, P1E12, P1E12, ONE, 0xc0000800, NX)
	TEST_S_RRR(fnmadd.s, rdn, P1E12, P1E12, ONE, 0xc0000801, NX)
	TEST_S_RRR(fnmadd.s, rtz, P1E12, P1E12, ONE, 0xc0000800, NX)
	TEST_S_RRR(fmadd.s, rup, P1E12, P1E12, ONE, 0x40000801, NX)
	TEST_S_RRR(fmadd.s, rmm, P1E12, P1E12, ONE, 0x40000800, NX)
	TEST_S_RRR(fmsub.s, rdn, P1E12, P1E12, MONE, 0x40000800, NX)
	TEST_S_RRR(fnmsub.s, rdn, P1E12, P1E12, MONE, 0xc0000801, NX)
	TEST_S_RRR(fmadd.s, rne, TWO, THREE, ONE, 0x40e00000, 0)
	TEST_S_RRR(fmsub.s, rne, TWO, THREE, ONE, 0x40a00000, 0)
	TEST_S_RRR(fnmsub.s, rne, TWO, THREE, ONE, 0xc0a00000, 0)
	TEST_S_RRR(fnmadd.s, rne, TWO, THREE, ONE, 0xc0e00000, 0)
	/* signed zeros: +0*x + -0 = +0; -(0*0) - 0 = -0; -(0*0) + 0 = +0 */
	TEST_S_RRR(fmadd.s, rne, P0, ONE, N0, P0, 0)
	TEST_S_RRR(fmadd.s, rne, N0, ONE, N0, N0, 0)
	TEST_S_RRR(fnmadd.s, rne, P0, P0, P0, N0, 0)
	TEST_S_RRR(fnmsub.s, rne, P0, P0, P0, P0, 0)
	TEST_S_RRR(fmsub.s, rdn, ONE, ONE, ONE, N0, 0)
	/* inf * 0 is invalid even when the addend is a quiet NaN */
	TEST_S_RRR(fmadd.s, rne, PINF, P0, QNAN, QNAN, NV)
	TEST_S_RRR(fmadd.s, rne, P0, NINF, ONE, QNAN, NV)
	TEST_S_RRR(fmadd.s, rne, PINF, ONE, NINF, QNAN, NV)
	TEST_S_RRR(fmsub.s, rne, PINF, ONE, PINF, QNAN, NV)
	TEST_S_RRR(fmadd.s, rne, PINF, ONE, PINF, PINF, 0)
	TEST_S_RRR(fmadd.s, rne, ONE, ONE, QNANP, QNAN, 0)
	TEST_S_RRR(fmadd.s, rne, ONE, ONE, SNAN, QNAN, NV)
	TEST_S_RRR(fnmadd.s, rne, QNAN, ONE, ONE, QNAN, 0)
	/* overflow and underflow inside the fused op */
	TEST_S_RRR(fmadd.s, rne, MAXF, TWO, MMAXF, MAXF, 0)
	TEST_S_RRR(fmadd.s, rne, MAXF, MAXF, MONE, PINF, OF|NX)
	TEST_S_RRR(fmadd.s, rtz, MAXF, MAXF, MONE, MAXF, OF|NX)
	TEST_S_RRR(fmadd.s, rne, MINS, HALF, P0, P0, UF|NX)
	TEST_S_RRR(fmadd.s, rup, MINS, HALF, P0, MINS, UF|NX)
	/* DYN rounding on a fused op */
	csrwi	frm, 2
	TEST_S_RRR(fnmadd.s, dyn, P1E12, P1E12, ONE, 0xc0000801, NX)
	csrwi	frm, 3
	TEST_S_RRR(fmadd.s, dyn, P1E12, P1E12, ONE, 0x40000801, NX)
	csrwi	frm, 0

	/* ---- fmv.x.w / fmv.w.x / flw / fsw and NaN boxing ---- */
	li	a1, 0x123456783f800000
	fmv.w.x	f1, a1			/* only a1[31:0], boxed */
	fmv.x.d	a0, f1
	CHECK_IMM(a0, 0xffffffff3f800000, "fmv.w.x boxes")
	li	a1, 0x80000000
	fmv.w.x	f1, a1
	fmv.x.w	a0, f1
	CHECK_IMM(a0, 0xffffffff80000000, "fmv.x.w sign-extends bit 31")
	li	a1, 0x7f800001
	fmv.w.x	f1, a1
	fmv.x.w	a0, f1
	CHECK_IMM(a0, 0x7f800001, "fmv.x.w of an sNaN: bits unchanged")
	/* fmv.x.w ignores the upper 32 bits, even if not a valid box */
	FLOAD_RAW(f1, 0x123456789abcdef0)
	csrwi	fflags, 0
	fmv.x.w	a0, f1
	csrr	a4, fflags
	CHECK_IMM(a0, 0xffffffff9abcdef0, "fmv.x.w of a non-boxed register")
	CHECK_IMM(a4, 0, "fmv.x.w raises no flags")
	la	s0, fpbuf
	li	a1, -1
	sd	a1, 0(s0)
	fsw	f1, 0(s0)		/* stores the low 32 bits as they are */
	ld	a0, 0(s0)
	CHECK_IMM(a0, 0xffffffff9abcdef0, "fsw of a non-boxed register")
	li	a1, 0x00000000c0490fdb
	sd	a1, 0(s0)
	flw	f2, 0(s0)
	fmv.x.d	a0, f2
	CHECK_IMM(a0, 0xffffffffc0490fdb, "flw boxes")
	flw	f2, 4(s0)
	fmv.x.d	a0, f2
	CHECK_IMM(a0, 0xffffffff00000000, "flw +0 from the upper word")
	fsw	f2, 8(s0)
	lwu	a0, 8(s0)
	CHECK_IMM(a0, 0, "fsw then lwu")
	/* flw / fsw round trip a signalling NaN unchanged and quietly */
	li	a1, 0xff800001
	sw	a1, 0(s0)
	csrwi	fflags, 0
	flw	f3, 0(s0)
	fsw	f3, 4(s0)
	csrr	a4, fflags
	lwu	a0, 4(s0)
	CHECK_IMM(a0, 0xff800001, "flw/fsw keep an sNaN")
	CHECK_IMM(a4, 0, "flw/fsw raise no flags")

	/* A non-boxed single input reads as the canonical NaN (quiet). */
#define TEST_UNBOXED(exp, expflags, ...)				\
	FLOAD_RAW(f1, 0x000000003f800000);	/* 1.0f, not boxed */	\
	FLOAD_S(f2, ONE);						\
	csrwi fflags, 0;						\
	__VA_ARGS__;							\
	csrr a4, fflags;						\
	CHECK_IMM(a0, exp, #__VA_ARGS__, " with f1 non-boxed");		\
	CHECK_IMM(a4, expflags, #__VA_ARGS__, " with f1 non-boxed: fflags")
	TEST_UNBOXED(BOX|QNAN, 0, fadd.s f3, f1, f2; fmv.x.d a0, f3)
	TEST_UNBOXED(BOX|QNAN, 0, fadd.s f3, f2, f1; fmv.x.d a0, f3)
	TEST_UNBOXED(BOX|QNAN, 0, fmul.s f3, f1, f2; fmv.x.d a0, f3)
	TEST_UNBOXED(BOX|QNAN, 0, fsqrt.s f3, f1; fmv.x.d a0, f3)
	TEST_UNBOXED(BOX|ONE, 0, fmin.s f3, f1, f2; fmv.x.d a0, f3)
	TEST_UNBOXED(BOX|ONE, 0, fmax.s f3, f2, f1; fmv.x.d a0, f3)
	TEST_UNBOXED(BOX|QNAN, 0, fsgnj.s f3, f1, f2; fmv.x.d a0, f3)
	TEST_UNBOXED(BOX|NQNAN, 0, fsgnjn.s f3, f1, f2; fmv.x.d a0, f3)
	TEST_UNBOXED(BOX|ONE, 0, fsgnj.s f3, f2, f1; fmv.x.d a0, f3)
	TEST_UNBOXED(0, 0, feq.s a0, f1, f1)
	TEST_UNBOXED(0, NV, flt.s a0, f1, f2)
	TEST_UNBOXED(0x200, 0, fclass.s a0, f1)
	TEST_UNBOXED(0x7fffffff, NV, fcvt.w.s a0, f1)
	TEST_UNBOXED(0x7ff8000000000000, 0, fcvt.d.s f3, f1; fmv.x.d a0, f3)
	TEST_UNBOXED(BOX|QNAN, 0, fmadd.s f3, f2, f2, f1; fmv.x.d a0, f3)
	/* a box must be all ones: 0xfffffffe in the top half is not boxed */
	FLOAD_RAW(f1, 0xfffffffe3f800000)
	fadd.s	f3, f1, f1
	fmv.x.d	a0, f3
	CHECK_IMM(a0, BOX|QNAN, "fadd.s with upper bits 0xfffffffe")

	/* ---- fflags accumulate until cleared ---- */
	csrwi	fflags, 0
	FLOAD_S(f1, ONE)
	FLOAD_S(f2, P0)
	fdiv.s	f3, f1, f2		/* DZ */
	FLOAD_S(f2, THREE)
	fdiv.s	f3, f1, f2		/* NX */
	csrr	a0, fflags
	CHECK_IMM(a0, DZ|NX, "fflags accumulate")
	fadd.s	f3, f1, f1		/* exact: leaves flags alone */
	csrr	a0, fflags
	CHECK_IMM(a0, DZ|NX, "exact op keeps fflags")

	/* ---- reserved rounding modes are illegal instructions ----
	 * rm = 5 and 6 in the instruction, or DYN with frm = 5..7.  mtval is
	 * the instruction word (QEMU 7.2). */
	TRAP_ARM
	.word	0x002081d3 | (5 << 12)	/* fadd.s f3, f1, f2, rm=5 */
	TRAP_DISARM
	CHECK_TRAP(COUNT, 1, "fadd.s rm=5")
	CHECK_TRAP(MCAUSE, 2, "fadd.s rm=5")
	CHECK_TRAP(MTVAL, 0x002081d3 | (5 << 12), "fadd.s rm=5")
	TRAP_ARM
	.word	0x0020e1d3		/* fadd.s f3, f1, f2, rm=6 */
	TRAP_DISARM
	CHECK_TRAP(COUNT, 1, "fadd.s rm=6")
	CHECK_TRAP(MTVAL, 0x0020e1d3, "fadd.s rm=6")
	li	a1, 5
	csrw	frm, a1
	TRAP_ARM
	fmul.s	f3, f1, f2, dyn
	TRAP_DISARM
	csrwi	frm, 0
	CHECK_TRAP(COUNT, 1, "fmul.s dyn with frm=5")
	CHECK_TRAP(MCAUSE, 2, "fmul.s dyn with frm=5")
	csrwi	frm, 7
	TRAP_ARM
	fcvt.w.s a0, f1, dyn
	TRAP_DISARM
	csrwi	frm, 0
	CHECK_TRAP(COUNT, 1, "fcvt.w.s dyn with frm=7")
	/* ...but frm itself holds any 3-bit value, and ops that do not
	 * round ignore it */
	csrwi	frm, 6
	csrr	a0, frm
	CHECK_IMM(a0, 6, "frm holds 6")
	TRAP_ARM
	fsgnj.s	f3, f1, f2
	fmin.s	f3, f1, f2
	feq.s	a0, f1, f2
	fmv.x.w	a0, f1
	TRAP_DISARM
	csrwi	frm, 0
	CHECK_TRAP(COUNT, 0, "non-rounding ops with frm=6")

TEST_END

	.data
	.balign	8
fpbuf:	.dword	0, 0
