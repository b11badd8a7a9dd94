/* Floating-point check macros for assembly guest tests (rv64f.S, rv64d.S).
 * Operands and results are raw IEEE bit patterns.  Every arithmetic check
 * clears fflags, runs one instruction, then checks the result bits and the
 * exact fflags value.  Single-precision results are read back with
 * fmv.x.d, so they are also checked to be NaN-boxed (upper 32 bits ones).
 * Uses f1-f4, a0-a4, t5, t6; includes test.h. */
#ifndef FP_H
#define FP_H
#include "test.h"

/* fflags bits */
#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

#define BOX 0xffffffff00000000

/* Load raw bits into an f register: singles NaN-boxed by fmv.w.x. */
#define FLOAD_S(freg, bits)	li t5, bits; fmv.w.x freg, t5
#define FLOAD_D(freg, bits)	li t5, bits; fmv.d.x freg, t5
/* Load 64 raw bits (to build non-boxed singles). */
#define FLOAD_RAW(freg, bits)	li t5, bits; fmv.d.x freg, t5

/* Check the 64-bit register image in a0 and fflags in a4. */
#define FCHECK(exp64, flags, ...)				\
	li a3, exp64;						\
	CHECK_EQ(a0, a3, __VA_ARGS__);				\
	li a3, flags;						\
	CHECK_EQ(a4, a3, __VA_ARGS__, " fflags")

#define FRUN(...)						\
	csrwi fflags, 0;					\
	__VA_ARGS__;						\
	csrr a4, fflags

/* ---- single precision ---- */
/* f3 = inst(f1, f2, rm) */
#define TEST_S_RR(inst, rm, a, b, exp, flags)			\
	FLOAD_S(f1, a);						\
	FLOAD_S(f2, b);						\
	FRUN(inst f3, f1, f2, rm);				\
	fmv.x.d a0, f3;						\
	FCHECK(BOX|(exp), flags, #inst, " ", #rm, " a=", #a, " b=", #b)

/* f3 = inst(f1, f2), no rounding mode (fmin/fmax/fsgnj*) */
#define TEST_S_RR_NORM(inst, a, b, exp, flags)			\
	FLOAD_S(f1, a);						\
	FLOAD_S(f2, b);						\
	FRUN(inst f3, f1, f2);					\
	fmv.x.d a0, f3;						\
	FCHECK(BOX|(exp), flags, #inst, " a=", #a, " b=", #b)

/* f3 = inst(f1, rm) */
#define TEST_S_R(inst, rm, a, exp, flags)			\
	FLOAD_S(f1, a);						\
	FRUN(inst f3, f1, rm);					\
	fmv.x.d a0, f3;						\
	FCHECK(BOX|(exp), flags, #inst, " ", #rm, " a=", #a)

/* f4 = inst(f1, f2, f3, rm) */
#define TEST_S_RRR(inst, rm, a, b, c, exp, flags)		\
	FLOAD_S(f1, a);						\
	FLOAD_S(f2, b);						\
	FLOAD_S(f3, c);						\
	FRUN(inst f4, f1, f2, f3, rm);				\
	fmv.x.d a0, f4;						\
	FCHECK(BOX|(exp), flags, #inst, " ", #rm, " a=", #a, " b=", #b, " c=", #c)

/* integer a0 = inst(f1, f2) (feq/flt/fle) */
#define TEST_S_CMP(inst, a, b, exp, flags)			\
	FLOAD_S(f1, a);						\
	FLOAD_S(f2, b);						\
	FRUN(inst a0, f1, f2);					\
	FCHECK(exp, flags, #inst, " a=", #a, " b=", #b)

/* integer a0 = inst(f1, rm) (fcvt.{w,wu,l,lu}.s) */
#define TEST_S_TOINT(inst, rm, a, exp, flags)			\
	FLOAD_S(f1, a);						\
	FRUN(inst a0, f1, rm);					\
	FCHECK(exp, flags, #inst, " ", #rm, " a=", #a)

/* f3 = inst(integer a1, rm) (fcvt.s.{w,wu,l,lu}) */
#define TEST_S_FROMINT(inst, rm, a, exp, flags)			\
	li a1, a;						\
	FRUN(inst f3, a1, rm);					\
	fmv.x.d a0, f3;						\
	FCHECK(BOX|(exp), flags, #inst, " ", #rm, " a=", #a)

/* Same as TEST_S_RR but rounding through frm with the DYN rm field. */
#define TEST_S_RR_DYN(inst, mode, a, b, exp, flags)		\
	csrwi frm, mode;						\
	TEST_S_RR(inst, dyn, a, b, exp, flags);			\
	csrwi frm, 0

/* ---- double precision ---- */
#define TEST_D_RR(inst, rm, a, b, exp, flags)			\
	FLOAD_D(f1, a);						\
	FLOAD_D(f2, b);						\
	FRUN(inst f3, f1, f2, rm);				\
	fmv.x.d a0, f3;						\
	FCHECK(exp, flags, #inst, " ", #rm, " a=", #a, " b=", #b)

#define TEST_D_RR_NORM(inst, a, b, exp, flags)			\
	FLOAD_D(f1, a);						\
	FLOAD_D(f2, b);						\
	FRUN(inst f3, f1, f2);					\
	fmv.x.d a0, f3;						\
	FCHECK(exp, flags, #inst, " a=", #a, " b=", #b)

#define TEST_D_R(inst, rm, a, exp, flags)			\
	FLOAD_D(f1, a);						\
	FRUN(inst f3, f1, rm);					\
	fmv.x.d a0, f3;						\
	FCHECK(exp, flags, #inst, " ", #rm, " a=", #a)

#define TEST_D_RRR(inst, rm, a, b, c, exp, flags)		\
	FLOAD_D(f1, a);						\
	FLOAD_D(f2, b);						\
	FLOAD_D(f3, c);						\
	FRUN(inst f4, f1, f2, f3, rm);				\
	fmv.x.d a0, f4;						\
	FCHECK(exp, flags, #inst, " ", #rm, " a=", #a, " b=", #b, " c=", #c)

#define TEST_D_CMP(inst, a, b, exp, flags)			\
	FLOAD_D(f1, a);						\
	FLOAD_D(f2, b);						\
	FRUN(inst a0, f1, f2);					\
	FCHECK(exp, flags, #inst, " a=", #a, " b=", #b)

#define TEST_D_TOINT(inst, rm, a, exp, flags)			\
	FLOAD_D(f1, a);						\
	FRUN(inst a0, f1, rm);					\
	FCHECK(exp, flags, #inst, " ", #rm, " a=", #a)

#define TEST_D_FROMINT(inst, rm, a, exp, flags)			\
	li a1, a;						\
	FRUN(inst f3, a1, rm);					\
	fmv.x.d a0, f3;						\
	FCHECK(exp, flags, #inst, " ", #rm, " a=", #a)

/* exact conversions (fcvt.d.w, fcvt.d.wu) take no rounding mode */
#define TEST_D_FROMINT_X(inst, a, exp, flags)			\
	li a1, a;						\
	FRUN(inst f3, a1);					\
	fmv.x.d a0, f3;						\
	FCHECK(exp, flags, #inst, " a=", #a)

#define TEST_D_RR_DYN(inst, mode, a, b, exp, flags)		\
	csrwi frm, mode;						\
	TEST_D_RR(inst, dyn, a, b, exp, flags);			\
	csrwi frm, 0

/* ---- between formats ---- */
/* single f3 = fcvt.s.d(double a, rm) */
#define TEST_D2S(rm, a, exp, flags)				\
	FLOAD_D(f1, a);						\
	FRUN(fcvt.s.d f3, f1, rm);				\
	fmv.x.d a0, f3;						\
	FCHECK(BOX|(exp), flags, "fcvt.s.d ", #rm, " a=", #a)

/* double f3 = fcvt.d.s(single a): always exact */
#define TEST_S2D(a, exp, flags)					\
	FLOAD_S(f1, a);						\
	FRUN(fcvt.d.s f3, f1);					\
	fmv.x.d a0, f3;						\
	FCHECK(exp, flags, "fcvt.d.s a=", #a)

#endif /* FP_H */
