/* RV64D: every double-precision instruction, with the same coverage as
 * rv64f.S (rounding modes static and DYN, all fflags, canonical NaNs,
 * fmin/fmax, saturating conversions, fclass, sign injection, fused
 * multiply-add), plus conversions between single and double (rounding,
 * overflow, underflow, NaN canonicalisation), fmv.x.d/fmv.d.x and
 * fld/fsd keeping NaN payloads, and a double op reading a boxed single.
 * Expected values are hand-derived from IEEE 754-2008 and the RISC-V D
 * chapter; the comments give the derivation of the less obvious ones. */
#include "fp.h"

#define P0	0x0000000000000000
#define N0	0x8000000000000000
#define ONE	0x3ff0000000000000
#define MONE	0xbff0000000000000
#define TWO	0x4000000000000000
#define MTWO	0xc000000000000000
#define THREE	0x4008000000000000
#define FOUR	0x4010000000000000
#define HALF	0x3fe0000000000000
#define MHALF	0xbfe0000000000000
#define ONEP5	0x3ff8000000000000
#define MONEP5	0xbff8000000000000
#define TWOP5	0x4004000000000000
#define MTWOP5	0xc004000000000000
#define PINF	0x7ff0000000000000
#define NINF	0xfff0000000000000
#define QNAN	0x7ff8000000000000	/* the canonical NaN */
#define NQNAN	0xfff8000000000000
#define QNANP	0x7ff8000000012345
#define SNAN	0x7ff0000000000001
#define NSNAN	0xfff00000000abcde
#define MAXF	0x7fefffffffffffff
#define MMAXF	0xffefffffffffffff
#define MINN	0x0010000000000000	/* 2^-1022 */
#define MINS	0x0000000000000001	/* 2^-1074 */
#define MAXS	0x000fffffffffffff
#define MMINS	0x8000000000000001
#define ONEULP	0x3ff0000000000001	/* 1 + 2^-52 */
#define MONEULP	0xbff0000000000001
#define ONEM	0x3fefffffffffffff	/* 1 - 2^-53 */
#define ULP2	0x3ff0000000000002
#define E53	0x3ca0000000000000	/* 2^-53: half an ulp of 1 */
#define ME53	0xbca0000000000000
#define E54	0x3c90000000000000	/* a quarter ulp */
#define E53X3	0x3ca8000000000000	/* three quarters of an ulp */
#define THIRD_RN 0x3fd5555555555555	/* 1/3 rounded down: nearest */
#define THIRD_RU 0x3fd5555555555556
#define P1E26	0x3ff0000004000000	/* 1 + 2^-26 */
#define P1E27	0x3ff0000002000000	/* 1 + 2^-27 */
/* single-precision values used by the conversions */
#define S_ONE	0x3f800000
#define S_QNAN	0x7fc00000

TEST_BEGIN("rv64d")

	/* ---- fadd.d / fsub.d ---- */
	TEST_D_RR(fadd.d, rne, ONE, ONE, TWO, 0)
	TEST_D_RR(fadd.d, rne, ONEP5, TWOP5, FOUR, 0)
	TEST_D_RR(fsub.d, rne, ONE, THREE, MTWO, 0)
	/* 1 + 2^-53: a tie between 1 and 1 + ulp */
	TEST_D_RR(fadd.d, rne, ONE, E53, ONE, NX)
	TEST_D_RR(fadd.d, rtz, ONE, E53, ONE, NX)
	TEST_D_RR(fadd.d, rdn, ONE, E53, ONE, NX)
	TEST_D_RR(fadd.d, rup, ONE, E53, ONEULP, NX)
	TEST_D_RR(fadd.d, rmm, ONE, E53, ONEULP, NX)
	TEST_D_RR(fadd.d, rne, MONE, ME53, MONE, NX)
	TEST_D_RR(fadd.d, rdn, MONE, ME53, MONEULP, NX)
	TEST_D_RR(fadd.d, rup, MONE, ME53, MONE, NX)
	TEST_D_RR(fadd.d, rmm, MONE, ME53, MONEULP, NX)
	TEST_D_RR(fadd.d, rne, ONEULP, E53, ULP2, NX)
	TEST_D_RR(fadd.d, rne, ONE, E54, ONE, NX)
	TEST_D_RR(fadd.d, rup, ONE, E54, ONEULP, NX)
	TEST_D_RR(fadd.d, rne, ONE, E53X3, ONEULP, NX)
	TEST_D_RR(fadd.d, rtz, ONE, E53X3, ONE, NX)
	TEST_D_RR_DYN(fadd.d, 0, ONE, E53, ONE, NX)
	TEST_D_RR_DYN(fadd.d, 1, ONE, E53X3, ONE, NX)
	TEST_D_RR_DYN(fadd.d, 2, MONE, ME53, MONEULP, NX)
	TEST_D_RR_DYN(fadd.d, 3, ONE, E54, ONEULP, NX)
	TEST_D_RR_DYN(fadd.d, 4, ONE, E53, ONEULP, NX)
	/* signed zeros */
	TEST_D_RR(fsub.d, rne, ONE, ONE, P0, 0)
	TEST_D_RR(fsub.d, rdn, ONE, ONE, N0, 0)
	TEST_D_RR_DYN(fsub.d, 2, TWO, TWO, N0, 0)
	TEST_D_RR(fadd.d, rne, P0, N0, P0, 0)
	TEST_D_RR(fadd.d, rdn, N0, P0, N0, 0)
	TEST_D_RR(fadd.d, rne, N0, N0, N0, 0)
	/* infinities and NaNs */
	TEST_D_RR(fadd.d, rne, PINF, MAXF, PINF, 0)
	TEST_D_RR(fadd.d, rne, PINF, NINF, QNAN, NV)
	TEST_D_RR(fsub.d, rne, NINF, NINF, QNAN, NV)
	TEST_D_RR(fadd.d, rne, QNANP, ONE, QNAN, 0)
	TEST_D_RR(fadd.d, rne, NQNAN, ONE, QNAN, 0)
	TEST_D_RR(fadd.d, rne, ONE, SNAN, QNAN, NV)
	TEST_D_RR(fsub.d, rne, NSNAN, QNANP, QNAN, NV)
	/* overflow */
	TEST_D_RR(fadd.d, rne, MAXF, MAXF, PINF, OF|NX)
	TEST_D_RR(fadd.d, rtz, MAXF, MAXF, MAXF, OF|NX)
	TEST_D_RR(fadd.d, rdn, MAXF, MAXF, MAXF, OF|NX)
	TEST_D_RR(fadd.d, rup, MAXF, MAXF, PINF, OF|NX)
	TEST_D_RR(fadd.d, rmm, MAXF, MAXF, PINF, OF|NX)
	TEST_D_RR(fsub.d, rne, MMAXF, MAXF, NINF, OF|NX)
	TEST_D_RR(fsub.d, rup, MMAXF, MAXF, MMAXF, OF|NX)
	TEST_D_RR(fsub.d, rdn, MMAXF, MAXF, NINF, OF|NX)
	/* exact subnormal arithmetic */
	TEST_D_RR(fadd.d, rne, MINS, MINS, 0x0000000000000002, 0)
	TEST_D_RR(fadd.d, rne, MAXS, MINS, MINN, 0)
	TEST_D_RR(fsub.d, rne, MINN, MINS, MAXS, 0)

	/* ---- fmul.d ---- */
	TEST_D_RR(fmul.d, rne, TWO, THREE, 0x4018000000000000, 0)
	TEST_D_RR(fmul.d, rne, MONE, P0, N0, 0)
	TEST_D_RR(fmul.d, rne, NINF, N0, QNAN, NV)
	TEST_D_RR(fmul.d, rne, NINF, MTWO, PINF, 0)
	TEST_D_RR(fmul.d, rne, SNAN, ONE, QNAN, NV)
	/* (1+2^-26)(1+2^-27) = 1 + 2^-26 + 2^-27 + 2^-53: a tie at 2^-52 */
	TEST_D_RR(fmul.d, rne, P1E26, P1E27, 0x3ff0000006000000, NX)
	TEST_D_RR(fmul.d, rtz, P1E26, P1E27, 0x3ff0000006000000, NX)
	TEST_D_RR(fmul.d, rdn, P1E26, P1E27, 0x3ff0000006000000, NX)
	TEST_D_RR(fmul.d, rup, P1E26, P1E27, 0x3ff0000006000001, NX)
	TEST_D_RR(fmul.d, rmm, P1E26, P1E27, 0x3ff0000006000001, NX)
	TEST_D_RR(fmul.d, rne, MAXF, TWO, PINF, OF|NX)
	TEST_D_RR(fmul.d, rtz, MAXF, MTWO, MMAXF, OF|NX)
	/* underflow: exact subnormal, tie to zero, tininess after rounding */
	TEST_D_RR(fmul.d, rne, MINN, HALF, 0x0008000000000000, 0)
	TEST_D_RR(fmul.d, rne, MINS, HALF, P0, UF|NX)
	TEST_D_RR(fmul.d, rup, MINS, HALF, MINS, UF|NX)
	TEST_D_RR(fmul.d, rmm, MINS, HALF, MINS, UF|NX)
	TEST_D_RR(fmul.d, rdn, MMINS, HALF, MMINS, UF|NX)
	TEST_D_RR(fmul.d, rne, ONEM, MINN, MINN, UF|NX)
	TEST_D_RR(fmul.d, rtz, ONEM, MINN, MAXS, UF|NX)
	/* (1+2^-52)(1-2^-52)2^-1022 = (1-2^-104)2^-1022: tiny only before
	 * rounding, so no UF in RNE */
	TEST_D_RR(fmul.d, rne, ONEULP, MAXS, MINN, NX)
	TEST_D_RR(fmul.d, rup, ONEULP, MAXS, MINN, NX)
	TEST_D_RR(fmul.d, rtz, ONEULP, MAXS, MAXS, UF|NX)

	/* ---- fdiv.d ---- */
	TEST_D_RR(fdiv.d, rne, ONE, THREE, THIRD_RN, NX)
	TEST_D_RR(fdiv.d, rtz, ONE, THREE, THIRD_RN, NX)
	TEST_D_RR(fdiv.d, rdn, ONE, THREE, THIRD_RN, NX)
	TEST_D_RR(fdiv.d, rup, ONE, THREE, THIRD_RU, NX)
	TEST_D_RR(fdiv.d, rmm, ONE, THREE, THIRD_RN, NX)
	TEST_D_RR(fdiv.d, rdn, MONE, THREE, 0xbfd5555555555556, NX)
	TEST_D_RR(fdiv.d, rup, MONE, THREE, 0xbfd5555555555555, NX)
	TEST_D_RR_DYN(fdiv.d, 3, ONE, THREE, THIRD_RU, NX)
	TEST_D_RR_DYN(fdiv.d, 2, MONE, THREE, 0xbfd5555555555556, NX)
	TEST_D_RR(fdiv.d, rne, TWO, THREE, 0x3fe5555555555555, NX)
	TEST_D_RR(fdiv.d, rne, ONE, P0, PINF, DZ)
	TEST_D_RR(fdiv.d, rne, MONE, P0, NINF, DZ)
	TEST_D_RR(fdiv.d, rne, ONE, N0, NINF, DZ)
	TEST_D_RR(fdiv.d, rne, N0, N0, QNAN, NV)
	TEST_D_RR(fdiv.d, rne, NINF, PINF, QNAN, NV)
	TEST_D_RR(fdiv.d, rne, PINF, N0, NINF, 0)
	TEST_D_RR(fdiv.d, rne, QNAN, P0, QNAN, 0)
	TEST_D_RR(fdiv.d, rne, MAXF, HALF, PINF, OF|NX)
	TEST_D_RR(fdiv.d, rdn, MAXF, HALF, MAXF, OF|NX)
	TEST_D_RR(fdiv.d, rne, MINS, FOUR, P0, UF|NX)
	TEST_D_RR(fdiv.d, rup, MINS, FOUR, MINS, UF|NX)

	/* ---- fsqrt.d ---- */
	TEST_D_R(fsqrt.d, rne, FOUR, TWO, 0)
	/* sqrt(2) = 0x3ff6a09e667f3bcc.9...: nearest is ...bcd */
	TEST_D_R(fsqrt.d, rne, TWO, 0x3ff6a09e667f3bcd, NX)
	TEST_D_R(fsqrt.d, rtz, TWO, 0x3ff6a09e667f3bcc, NX)
	TEST_D_R(fsqrt.d, rdn, TWO, 0x3ff6a09e667f3bcc, NX)
	TEST_D_R(fsqrt.d, rup, TWO, 0x3ff6a09e667f3bcd, NX)
	TEST_D_R(fsqrt.d, rmm, TWO, 0x3ff6a09e667f3bcd, NX)
	TEST_D_R(fsqrt.d, rne, N0, N0, 0)
	TEST_D_R(fsqrt.d, rne, PINF, PINF, 0)
	TEST_D_R(fsqrt.d, rne, NINF, QNAN, NV)
	TEST_D_R(fsqrt.d, rne, MMINS, QNAN, NV)
	TEST_D_R(fsqrt.d, rne, SNAN, QNAN, NV)
	TEST_D_R(fsqrt.d, rne, QNANP, QNAN, 0)
	/* sqrt(2^-1074) = 2^-537 exactly */
	TEST_D_R(fsqrt.d, rne, MINS, 0x1e60000000000000, 0)

	/* ---- fmin.d / fmax.d ---- */
	TEST_D_RR_NORM(fmin.d, ONE, TWO, ONE, 0)
	TEST_D_RR_NORM(fmax.d, ONE, TWO, TWO, 0)
	TEST_D_RR_NORM(fmin.d, N0, P0, N0, 0)
	TEST_D_RR_NORM(fmin.d, P0, N0, N0, 0)
	TEST_D_RR_NORM(fmax.d, N0, P0, P0, 0)
	TEST_D_RR_NORM(fmax.d, P0, N0, P0, 0)
	TEST_D_RR_NORM(fmin.d, NINF, MMAXF, NINF, 0)
	TEST_D_RR_NORM(fmax.d, MINS, MMINS, MINS, 0)
	TEST_D_RR_NORM(fmin.d, QNAN, MONE, MONE, 0)
	TEST_D_RR_NORM(fmax.d, MTWO, QNANP, MTWO, 0)
	TEST_D_RR_NORM(fmin.d, SNAN, ONE, ONE, NV)
	TEST_D_RR_NORM(fmax.d, ONE, NSNAN, ONE, NV)
	TEST_D_RR_NORM(fmin.d, QNANP, NQNAN, QNAN, 0)
	TEST_D_RR_NORM(fmax.d, SNAN, QNAN, QNAN, NV)

	/* ---- sign injection ---- */
	TEST_D_RR_NORM(fsgnj.d, ONE, MTWO, MONE, 0)
	TEST_D_RR_NORM(fsgnjn.d, ONE, MTWO, ONE, 0)
	TEST_D_RR_NORM(fsgnjn.d, MONE, MTWO, ONE, 0)
	TEST_D_RR_NORM(fsgnjx.d, MONE, MTWO, ONE, 0)
	TEST_D_RR_NORM(fsgnjx.d, MONE, TWO, MONE, 0)
	TEST_D_RR_NORM(fsgnj.d, QNANP, NINF, 0xfff8000000012345, 0)
	TEST_D_RR_NORM(fsgnjn.d, SNAN, P0, 0xfff0000000000001, 0)
	TEST_D_RR_NORM(fsgnjx.d, N0, N0, P0, 0)

	/* ---- comparisons ---- */
	TEST_D_CMP(feq.d, ONE, ONE, 1, 0)
	TEST_D_CMP(feq.d, P0, N0, 1, 0)
	TEST_D_CMP(feq.d, ONE, ONEULP, 0, 0)
	TEST_D_CMP(feq.d, QNAN, QNAN, 0, 0)
	TEST_D_CMP(feq.d, SNAN, QNAN, 0, NV)
	TEST_D_CMP(flt.d, ONE, ONEULP, 1, 0)
	TEST_D_CMP(flt.d, N0, P0, 0, 0)
	TEST_D_CMP(flt.d, NINF, PINF, 1, 0)
	TEST_D_CMP(flt.d, MONE, QNAN, 0, NV)
	TEST_D_CMP(fle.d, N0, P0, 1, 0)
	TEST_D_CMP(fle.d, ONEULP, ONE, 0, 0)
	TEST_D_CMP(fle.d, QNANP, ONE, 0, NV)
	TEST_D_CMP(fle.d, MMINS, N0, 1, 0)

	/* ---- fclass.d ---- */
#define TEST_FCLASS_D(a, exp)						\
	FLOAD_D(f1, a);							\
	FRUN(fclass.d a0, f1);						\
	FCHECK(exp, 0, "fclass.d a=", #a)
	TEST_FCLASS_D(NINF, 0x001)
	TEST_FCLASS_D(MONE, 0x002)
	TEST_FCLASS_D(MMINS, 0x004)
	TEST_FCLASS_D(N0, 0x008)
	TEST_FCLASS_D(P0, 0x010)
	TEST_FCLASS_D(MAXS, 0x020)
	TEST_FCLASS_D(MINN, 0x040)
	TEST_FCLASS_D(MAXF, 0x040)
	TEST_FCLASS_D(PINF, 0x080)
	TEST_FCLASS_D(SNAN, 0x100)
	TEST_FCLASS_D(0x7ff7ffffffffffff, 0x100)
	TEST_FCLASS_D(QNAN, 0x200)
	TEST_FCLASS_D(NQNAN, 0x200)
	/* a boxed single is just a NaN to the D instructions */
	TEST_FCLASS_D(0xffffffff3f800000, 0x200)

	/* ---- fcvt.{w,wu,l,lu}.d ---- */
	TEST_D_TOINT(fcvt.w.d, rne, TWOP5, 2, NX)
	TEST_D_TOINT(fcvt.w.d, rmm, TWOP5, 3, NX)
	TEST_D_TOINT(fcvt.w.d, rup, TWOP5, 3, NX)
	TEST_D_TOINT(fcvt.w.d, rdn, MTWOP5, -3, NX)
	TEST_D_TOINT(fcvt.w.d, rtz, MTWOP5, -2, NX)
	TEST_D_TOINT(fcvt.w.d, rne, 0x41dfffffffc00000, 0x7fffffff, 0)
	TEST_D_TOINT(fcvt.w.d, rne, 0x41e0000000000000, 0x7fffffff, NV)
	/* 2^31 - 0.5: RTZ gives INT32_MAX (in range), RNE rounds out of range */
	TEST_D_TOINT(fcvt.w.d, rtz, 0x41dfffffffe00000, 0x7fffffff, NX)
	TEST_D_TOINT(fcvt.w.d, rne, 0x41dfffffffe00000, 0x7fffffff, NV)
	/* -2^31 - 0.5: RNE ties to even -2^31 (in range), RDN/RMM do not */
	TEST_D_TOINT(fcvt.w.d, rne, 0xc1e0000000100000, 0xffffffff80000000, NX)
	TEST_D_TOINT(fcvt.w.d, rdn, 0xc1e0000000100000, 0xffffffff80000000, NV)
	TEST_D_TOINT(fcvt.w.d, rmm, 0xc1e0000000100000, 0xffffffff80000000, NV)
	TEST_D_TOINT(fcvt.w.d, rne, 0xc1e0000000000000, 0xffffffff80000000, 0)
	TEST_D_TOINT(fcvt.w.d, rne, NINF, 0xffffffff80000000, NV)
	TEST_D_TOINT(fcvt.w.d, rne, PINF, 0x7fffffff, NV)
	TEST_D_TOINT(fcvt.w.d, rne, QNAN, 0x7fffffff, NV)
	TEST_D_TOINT(fcvt.w.d, rne, NSNAN, 0x7fffffff, NV)
	TEST_D_TOINT(fcvt.wu.d, rne, 0x41efffffffe00000, 0xffffffffffffffff, 0)
	TEST_D_TOINT(fcvt.wu.d, rne, 0x41e0000000000000, 0xffffffff80000000, 0)
	/* 2^32 - 0.5: same result, different flags */
	TEST_D_TOINT(fcvt.wu.d, rtz, 0x41efffffffff0000, 0xffffffffffffffff, NX)
	TEST_D_TOINT(fcvt.wu.d, rne, 0x41efffffffff0000, 0xffffffffffffffff, NV)
	TEST_D_TOINT(fcvt.wu.d, rne, 0x41f0000000000000, 0xffffffffffffffff, NV)
	TEST_D_TOINT(fcvt.wu.d, rtz, 0xbfeccccccccccccd, 0, NX)	/* -0.9 */
	TEST_D_TOINT(fcvt.wu.d, rne, 0xbfeccccccccccccd, 0, NV)
	TEST_D_TOINT(fcvt.wu.d, rne, NINF, 0, NV)
	TEST_D_TOINT(fcvt.wu.d, rne, QNAN, 0xffffffffffffffff, NV)
	TEST_D_TOINT(fcvt.l.d, rne, 0x43dfffffffffffff, 0x7ffffffffffffc00, 0)
	TEST_D_TOINT(fcvt.l.d, rne, 0x43e0000000000000, 0x7fffffffffffffff, NV)
	TEST_D_TOINT(fcvt.l.d, rne, 0xc3e0000000000000, 0x8000000000000000, 0)
	TEST_D_TOINT(fcvt.l.d, rne, 0xc3e0000000000001, 0x8000000000000000, NV)
	TEST_D_TOINT(fcvt.l.d, rne, NINF, 0x8000000000000000, NV)
	TEST_D_TOINT(fcvt.l.d, rne, PINF, 0x7fffffffffffffff, NV)
	TEST_D_TOINT(fcvt.l.d, rne, SNAN, 0x7fffffffffffffff, NV)
	TEST_D_TOINT(fcvt.l.d, rne, MONEP5, -2, NX)
	TEST_D_TOINT(fcvt.l.d, rup, MONEP5, -1, NX)
	TEST_D_TOINT(fcvt.l.d, rmm, MHALF, -1, NX)
	TEST_D_TOINT(fcvt.l.d, rne, MHALF, 0, NX)
	TEST_D_TOINT(fcvt.lu.d, rne, 0x43efffffffffffff, 0xfffffffffffff800, 0)
	TEST_D_TOINT(fcvt.lu.d, rne, 0x43f0000000000000, 0xffffffffffffffff, NV)
	TEST_D_TOINT(fcvt.lu.d, rne, MONE, 0, NV)
	TEST_D_TOINT(fcvt.lu.d, rup, MHALF, 0, NX)
	TEST_D_TOINT(fcvt.lu.d, rdn, MHALF, 0, NV)
	TEST_D_TOINT(fcvt.lu.d, rne, PINF, 0xffffffffffffffff, NV)
	TEST_D_TOINT(fcvt.lu.d, rne, QNANP, 0xffffffffffffffff, NV)

	/* ---- fcvt.d.{w,wu,l,lu} ---- */
	TEST_D_FROMINT_X(fcvt.d.w, 0x7fffffff, 0x41dfffffffc00000, 0)
	TEST_D_FROMINT_X(fcvt.d.w, 0x80000000, 0xc1e0000000000000, 0)
	TEST_D_FROMINT_X(fcvt.d.w, -1, MONE, 0)
	TEST_D_FROMINT_X(fcvt.d.w, 0xffffffff00000003, THREE, 0)
	TEST_D_FROMINT_X(fcvt.d.wu, 0xffffffff, 0x41efffffffe00000, 0)
	TEST_D_FROMINT_X(fcvt.d.wu, 0xffffffff80000000, 0x41e0000000000000, 0)
	TEST_D_FROMINT(fcvt.d.l, rne, 0x7fffffffffffffff, 0x43e0000000000000, NX)
	TEST_D_FROMINT(fcvt.d.l, rtz, 0x7fffffffffffffff, 0x43dfffffffffffff, NX)
	TEST_D_FROMINT(fcvt.d.l, rne, 0x8000000000000000, 0xc3e0000000000000, 0)
	/* 2^53 + 1: a tie between 2^53 and 2^53 + 2 */
	TEST_D_FROMINT(fcvt.d.l, rne, 0x20000000000001, 0x4340000000000000, NX)
	TEST_D_FROMINT(fcvt.d.l, rup, 0x20000000000001, 0x4340000000000001, NX)
	TEST_D_FROMINT(fcvt.d.l, rmm, 0x20000000000001, 0x4340000000000001, NX)
	TEST_D_FROMINT(fcvt.d.l, rdn, -0x20000000000001, 0xc340000000000001, NX)
	TEST_D_FROMINT(fcvt.d.l, rne, 0, P0, 0)
	TEST_D_FROMINT(fcvt.d.lu, rne, 0xffffffffffffffff, 0x43f0000000000000, NX)
	TEST_D_FROMINT(fcvt.d.lu, rtz, 0xffffffffffffffff, 0x43efffffffffffff, NX)
	TEST_D_FROMINT(fcvt.d.lu, rne, 0x8000000000000000, 0x43e0000000000000, 0)

	/* ---- fcvt.s.d: rounding, overflow, underflow, NaNs ---- */
	TEST_D2S(rne, ONE, S_ONE, 0)
	TEST_D2S(rne, THIRD_RN, 0x3eaaaaab, NX)
	TEST_D2S(rtz, THIRD_RN, 0x3eaaaaaa, NX)
	TEST_D2S(rdn, THIRD_RN, 0x3eaaaaaa, NX)
	TEST_D2S(rup, THIRD_RN, 0x3eaaaaab, NX)
	TEST_D2S(rmm, THIRD_RN, 0x3eaaaaab, NX)
	TEST_D2S(rne, MAXF, 0x7f800000, OF|NX)
	TEST_D2S(rtz, MAXF, 0x7f7fffff, OF|NX)
	TEST_D2S(rdn, MMAXF, 0xff800000, OF|NX)
	TEST_D2S(rup, MMAXF, 0xff7fffff, OF|NX)
	/* 2^-149 is the single's smallest subnormal: exact; 2^-150 a tie to 0;
	 * 0.75 * 2^-149 rounds up to 2^-149 */
	TEST_D2S(rne, 0x36a0000000000000, 0x00000001, 0)
	TEST_D2S(rne, 0x3690000000000000, 0x00000000, UF|NX)
	TEST_D2S(rup, 0x3690000000000000, 0x00000001, UF|NX)
	TEST_D2S(rne, 0x3698000000000000, 0x00000001, UF|NX)
	TEST_D2S(rne, MINS, 0x00000000, UF|NX)
	TEST_D2S(rdn, MMINS, 0x80000001, UF|NX)
	TEST_D2S(rne, N0, 0x80000000, 0)
	TEST_D2S(rne, NINF, 0xff800000, 0)
	TEST_D2S(rne, QNANP, S_QNAN, 0)
	TEST_D2S(rne, NQNAN, S_QNAN, 0)
	TEST_D2S(rne, SNAN, S_QNAN, NV)

	/* ---- fcvt.d.s: exact, NaNs canonicalised ---- */
	TEST_S2D(S_ONE, ONE, 0)
	TEST_S2D(0x00000001, 0x36a0000000000000, 0)
	TEST_S2D(0x7f7fffff, 0x47efffffe0000000, 0)
	TEST_S2D(0x80000000, N0, 0)
	TEST_S2D(0xff800000, NINF, 0)
	TEST_S2D(0x7fc12345, QNAN, 0)
	TEST_S2D(0x7f800001, QNAN, NV)
	TEST_S2D(0xffc00000, QNAN, 0)
	TEST_S2D(0x3eaaaaab, 0x3fd5555560000000, 0)

	/* ---- fused multiply-add ----
	 * (1+2^-26)(1+2^-27) - 1 = 2^-26 + 2^-27 + 2^-53 exactly */
	TEST_D_RRR(fmadd.d, rne, P1E26, P1E27, MONE, 0x3e58000002000000, 0)
	TEST_D_RRR(fmsub.d, rne, P1E26, P1E27, ONE, 0x3e58000002000000, 0)
	TEST_D_RRR(fnmsub.d, rne, P1E26, P1E27, ONE, 0xbe58000002000000, 0)
	TEST_D_RRR(fnmadd.d, rne, P1E26, P1E27, MONE, 0xbe58000002000000, 0)
	/* a*b + 1 = 2 + 2^-26 + 2^-27 + 2^-53: a quarter ulp at 2 */
	TEST_D_RRR(fmadd.d, rne, P1E26, P1E27, ONE, 0x4000000003000000, NX)
	TEST_D_RRR(fmadd.d, rup, P1E26, P1E27, ONE, 0x4000000003000001, NX)
	TEST_D_RRR(fmadd.d, rmm, P1E26, P1E27, ONE, 0x4000000003000000, NX)
	TEST_D_RRR(fnmadd.d, rdn, P1E26, P1E27, ONE, 0xc000000003000001, NX)
	TEST_D_RRR(fnmadd.d, rtz, P1E26, P1E27, ONE, 0xc000000003000000, NX)
	TEST_D_RRR(fmadd.d, rne, TWO, THREE, ONE, 0x401c000000000000, 0)
	TEST_D_RRR(fmsub.d, rne, TWO, THREE, ONE, 0x4014000000000000, 0)
	TEST_D_RRR(fnmsub.d, rne, TWO, THREE, ONE, 0xc014000000000000, 0)
	TEST_D_RRR(fnmadd.d, rne, TWO, THREE, ONE, 0xc01c000000000000, 0)
	TEST_D_RRR(fnmadd.d, rne, P0, P0, P0, N0, 0)
	TEST_D_RRR(fnmsub.d, rne, P0, P0, P0, P0, 0)
	TEST_D_RRR(fmsub.d, rdn, TWO, TWO, FOUR, N0, 0)
	TEST_D_RRR(fmadd.d, rne, N0, TWO, N0, N0, 0)
	TEST_D_RRR(fmadd.d, rne, NINF, P0, QNAN, QNAN, NV)
	TEST_D_RRR(fmadd.d, rne, PINF, ONE, NINF, QNAN, NV)
	TEST_D_RRR(fnmsub.d, rne, PINF, ONE, NINF, NINF, 0)
	TEST_D_RRR(fmadd.d, rne, ONE, ONE, SNAN, QNAN, NV)
	TEST_D_RRR(fmadd.d, rne, QNANP, ONE, ONE, QNAN, 0)
	TEST_D_RRR(fmadd.d, rne, MAXF, MAXF, NINF, NINF, 0)
	TEST_D_RRR(fmadd.d, rne, MAXF, TWO, MMAXF, MAXF, 0)
	TEST_D_RRR(fmadd.d, rtz, MAXF, TWO, ONE, MAXF, OF|NX)
	TEST_D_RRR(fmadd.d, rne, MINS, HALF, P0, P0, UF|NX)
	TEST_D_RRR(fmadd.d, rmm, MINS, HALF, N0, MINS, UF|NX)
	csrwi	frm, 3
	TEST_D_RRR(fmadd.d, dyn, P1E26, P1E27, ONE, 0x4000000003000001, NX)
	csrwi	frm, 2
	TEST_D_RRR(fnmadd.d, dyn, P1E26, P1E27, ONE, 0xc000000003000001, NX)
	csrwi	frm, 0

	/* ---- moves, loads and stores keep every bit ---- */
	li	a1, 0x7ff0000000000001	/* sNaN */
	csrwi	fflags, 0
	fmv.d.x	f1, a1
	fmv.x.d	a0, f1
	csrr	a4, fflags
	CHECK_IMM(a0, 0x7ff0000000000001, "fmv.d.x/fmv.x.d sNaN round trip")
	CHECK_IMM(a4, 0, "fmv.d.x/fmv.x.d raise no flags")
	la	s0, dbuf
	fsd	f1, 0(s0)
	ld	a0, 0(s0)
	CHECK_IMM(a0, 0x7ff0000000000001, "fsd of an sNaN")
	li	a1, 0xfff8000000abcdef
	sd	a1, 8(s0)
	fld	f2, 8(s0)
	fmv.x.d	a0, f2
	CHECK_IMM(a0, 0xfff8000000abcdef, "fld of a NaN with a payload")
	fld	f3, -8+16(s0)
	fsd	f3, 0(s0)
	ld	a0, 0(s0)
	CHECK_IMM(a0, 0xfff8000000abcdef, "fld/fsd with offsets")
	/* a single written by flw is a (NaN) boxed value to fmv.x.d and to
	 * D arithmetic */
	li	a1, 0x3f800000
	sw	a1, 0(s0)
	flw	f4, 0(s0)
	fmv.x.d	a0, f4
	CHECK_IMM(a0, 0xffffffff3f800000, "flw result as a double")
	FLOAD_D(f5, ONE)
	csrwi	fflags, 0
	fadd.d	f6, f4, f5
	csrr	a4, fflags
	fmv.x.d	a0, f6
	CHECK_IMM(a0, QNAN, "fadd.d of a boxed single (a quiet NaN)")
	CHECK_IMM(a4, 0, "fadd.d of a boxed single: fflags")
	/* and a double is not a valid single */
	csrwi	fflags, 0
	fadd.s	f6, f5, f5
	csrr	a4, fflags
	fmv.x.d	a0, f6
	CHECK_IMM(a0, 0xffffffff7fc00000, "fadd.s of a double (not boxed)")
	CHECK_IMM(a4, 0, "fadd.s of a double: fflags")

	/* ---- all 32 f registers are distinct and 64 bits wide ---- */
	li	a1, 0x0101010101010101
	li	a2, 0
	fmv.d.x	f0, a2
	add	a2, a2, a1
	fmv.d.x	f1, a2
	add	a2, a2, a1
	fmv.d.x	f2, a2
	add	a2, a2, a1
	fmv.d.x	f3, a2
	add	a2, a2, a1
	fmv.d.x	f4, a2
	add	a2, a2, a1
	fmv.d.x	f5, a2
	add	a2, a2, a1
	fmv.d.x	f6, a2
	add	a2, a2, a1
	fmv.d.x	f7, a2
	add	a2, a2, a1
	fmv.d.x	f8, a2
	add	a2, a2, a1
	fmv.d.x	f9, a2
	add	a2, a2, a1
	fmv.d.x	f10, a2
	add	a2, a2, a1
	fmv.d.x	f11, a2
	add	a2, a2, a1
	fmv.d.x	f12, a2
	add	a2, a2, a1
	fmv.d.x	f13, a2
	add	a2, a2, a1
	fmv.d.x	f14, a2
	add	a2, a2, a1
	fmv.d.x	f15, a2
	add	a2, a2, a1
	fmv.d.x	f16, a2
	add	a2, a2, a1
	fmv.d.x	f17, a2
	add	a2, a2, a1
	fmv.d.x	f18, a2
	add	a2, a2, a1
	fmv.d.x	f19, a2
	add	a2, a2, a1
	fmv.d.x	f20, a2
	add	a2, a2, a1
	fmv.d.x	f21, a2
	add	a2, a2, a1
	fmv.d.x	f22, a2
	add	a2, a2, a1
	fmv.d.x	f23, a2
	add	a2, a2, a1
	fmv.d.x	f24, a2
	add	a2, a2, a1
	fmv.d.x	f25, a2
	add	a2, a2, a1
	fmv.d.x	f26, a2
	add	a2, a2, a1
	fmv.d.x	f27, a2
	add	a2, a2, a1
	fmv.d.x	f28, a2
	add	a2, a2, a1
	fmv.d.x	f29, a2
	add	a2, a2, a1
	fmv.d.x	f30, a2
	add	a2, a2, a1
	fmv.d.x	f31, a2
	/* sum of all 32 registers = 0x01..01 * (0+1+...+31) = 496 * 0x01..01 */
	li	a3, 0
#define ADDF(r) fmv.x.d a0, r; add a3, a3, a0
	ADDF(f0); ADDF(f1); ADDF(f2); ADDF(f3); ADDF(f4); ADDF(f5)
	ADDF(f6); ADDF(f7); ADDF(f8); ADDF(f9); ADDF(f10); ADDF(f11)
	ADDF(f12); ADDF(f13); ADDF(f14); ADDF(f15); ADDF(f16); ADDF(f17)
	ADDF(f18); ADDF(f19); ADDF(f20); ADDF(f21); ADDF(f22); ADDF(f23)
	ADDF(f24); ADDF(f25); ADDF(f26); ADDF(f27); ADDF(f28); ADDF(f29)
	ADDF(f30); ADDF(f31)
	li	a1, 0x0101010101010101
	li	a2, 496
	mul	a1, a1, a2
	CHECK_EQ(a3, a1, "f0..f31 hold distinct 64-bit values")
	fmv.x.d	a0, f31
	CHECK_IMM(a0, 0x1f1f1f1f1f1f1f1f, "f31")

TEST_END

	.data
	.balign	8
dbuf:	.dword	0, 0, 0
