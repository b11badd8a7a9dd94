/* IEEE 754 binary32/binary64 arithmetic with RISC-V semantics: the five
 * rounding modes, the accrued exception flags, canonical NaNs, fcvt
 * saturation. Pure functions of their inputs: the host's floating-point
 * mode never changes a result. A fast path on the host FPU is taken only
 * while the host is in its default mode (round to nearest, no flush to
 * zero), as fpu_host_sync last found it; it may set the host's sticky flags
 * and never changes its mode.
 * NaN-boxing of single-precision values in 64-bit registers is the caller's
 * job: these functions take and return raw 32-bit patterns for S. */
#ifndef REPRISE_FPU_H
#define REPRISE_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* Rounding modes, as encoded in the rm field and frm. */
enum fpu_rm {
    FPU_RNE = 0,  /* round to nearest, ties to even */
    FPU_RTZ = 1,  /* toward zero */
    FPU_RDN = 2,  /* down (toward -inf) */
    FPU_RUP = 3,  /* up (toward +inf) */
    FPU_RMM = 4,  /* to nearest, ties to max magnitude */
};

/* fflags bits */
#define FPU_NX 0x01u  /* inexact */
#define FPU_UF 0x02u  /* underflow */
#define FPU_OF 0x04u  /* overflow */
#define FPU_DZ 0x08u  /* divide by zero */
#define FPU_NV 0x10u  /* invalid */

/* Whether the host fast path may be used (tests turn it off to check the
 * integer path on the same inputs). */
extern bool fpu_host_fast;

/* Looks at the host's floating-point mode (and FPU) again: call it before
 * running guest code and after anything that may change the mode. Until
 * the first call the fast path is off. */
void fpu_host_sync(void);

/* Whether the host FPU may compute results (in round to nearest) as
 * fpu_host_sync last found it. */
bool fpu_host_usable(void);

/* Whether the host has fused multiply-add instructions. */
bool fpu_host_has_fma(void);

#define FPU_CANON_NAN_S 0x7fc00000u
#define FPU_CANON_NAN_D 0x7ff8000000000000ull

/* Every function ORs the exception flags it raises into *flags and never
 * clears any. rm must be 0..4 (the caller resolves DYN and rejects 5/6).
 * NaN results are always the canonical NaN. */

uint32_t fpu_add_s(uint32_t a, uint32_t b, int rm, uint32_t *flags);
uint32_t fpu_sub_s(uint32_t a, uint32_t b, int rm, uint32_t *flags);
uint32_t fpu_mul_s(uint32_t a, uint32_t b, int rm, uint32_t *flags);
uint32_t fpu_div_s(uint32_t a, uint32_t b, int rm, uint32_t *flags);
uint32_t fpu_sqrt_s(uint32_t a, int rm, uint32_t *flags);
/* fused a*b+c with a single rounding; the fmsub/fnmsub/fnmadd variants are
 * built by the caller by flipping sign bits of the inputs (negating a NaN
 * input must not matter, as results are canonical). */
uint32_t fpu_fma_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *flags);
uint32_t fpu_min_s(uint32_t a, uint32_t b, uint32_t *flags);
uint32_t fpu_max_s(uint32_t a, uint32_t b, uint32_t *flags);
int fpu_eq_s(uint32_t a, uint32_t b, uint32_t *flags);   /* quiet */
int fpu_lt_s(uint32_t a, uint32_t b, uint32_t *flags);   /* signaling */
int fpu_le_s(uint32_t a, uint32_t b, uint32_t *flags);   /* signaling */
uint64_t fpu_class_s(uint32_t a);                        /* 10-bit mask */

uint64_t fpu_add_d(uint64_t a, uint64_t b, int rm, uint32_t *flags);
uint64_t fpu_sub_d(uint64_t a, uint64_t b, int rm, uint32_t *flags);
uint64_t fpu_mul_d(uint64_t a, uint64_t b, int rm, uint32_t *flags);
uint64_t fpu_div_d(uint64_t a, uint64_t b, int rm, uint32_t *flags);
uint64_t fpu_sqrt_d(uint64_t a, int rm, uint32_t *flags);
uint64_t fpu_fma_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *flags);
uint64_t fpu_min_d(uint64_t a, uint64_t b, uint32_t *flags);
uint64_t fpu_max_d(uint64_t a, uint64_t b, uint32_t *flags);
int fpu_eq_d(uint64_t a, uint64_t b, uint32_t *flags);
int fpu_lt_d(uint64_t a, uint64_t b, uint32_t *flags);
int fpu_le_d(uint64_t a, uint64_t b, uint32_t *flags);
uint64_t fpu_class_d(uint64_t a);

/* Conversions. Float -> integer saturates as the ISA says (NaN -> max
 * positive; out of range -> the nearest bound) and raises NV there, NX when
 * the value was not an integer. Results of W variants are sign-extended to
 * 64 bits, as the destination register holds them. */
uint64_t fpu_cvt_w_s(uint32_t a, int rm, uint32_t *flags);
uint64_t fpu_cvt_wu_s(uint32_t a, int rm, uint32_t *flags);
uint64_t fpu_cvt_l_s(uint32_t a, int rm, uint32_t *flags);
uint64_t fpu_cvt_lu_s(uint32_t a, int rm, uint32_t *flags);
uint64_t fpu_cvt_w_d(uint64_t a, int rm, uint32_t *flags);
uint64_t fpu_cvt_wu_d(uint64_t a, int rm, uint32_t *flags);
uint64_t fpu_cvt_l_d(uint64_t a, int rm, uint32_t *flags);
uint64_t fpu_cvt_lu_d(uint64_t a, int rm, uint32_t *flags);

uint32_t fpu_cvt_s_w(int32_t v, int rm, uint32_t *flags);
uint32_t fpu_cvt_s_wu(uint32_t v, int rm, uint32_t *flags);
uint32_t fpu_cvt_s_l(int64_t v, int rm, uint32_t *flags);
uint32_t fpu_cvt_s_lu(uint64_t v, int rm, uint32_t *flags);
uint64_t fpu_cvt_d_w(int32_t v, int rm, uint32_t *flags);
uint64_t fpu_cvt_d_wu(uint32_t v, int rm, uint32_t *flags);
uint64_t fpu_cvt_d_l(int64_t v, int rm, uint32_t *flags);
uint64_t fpu_cvt_d_lu(uint64_t v, int rm, uint32_t *flags);

uint32_t fpu_cvt_s_d(uint64_t a, int rm, uint32_t *flags);
uint64_t fpu_cvt_d_s(uint32_t a, uint32_t *flags);  /* exact; NV for sNaN */

#endif
