/* The floating-point computations of RV64FD, one op at a time (fpexec.h). */
#include "fpexec.h"

#include <stddef.h>

#include "cpu.h"
#include "fpu.h"
#include "tb.h"

#define SIGN_S 0x80000000u
#define SIGN_D 0x8000000000000000ULL

static inline uint32_t unbox(uint64_t v)
{
    return (v >> 32) == 0xffffffffu ? (uint32_t)v : FPU_CANON_NAN_S;
}

bool fp_reads_x(unsigned k)
{
    return (k >= OP_FCVT_S_W && k <= OP_FMV_W_X) || (k >= OP_FCVT_D_W && k <= OP_FMV_D_X);
}

bool fp_writes_x(unsigned k)
{
    return (k >= OP_FCVT_W_S && k <= OP_FCLASS_S) || (k >= OP_FEQ_D && k <= OP_FMV_X_D);
}

/* One function per op, so that every call site (an interpreter label, a
 * spot in generated code) has a single target. ROUNDED(NAME, BODY): an op
 * with a rounding mode (rm; a reserved one raises illegal instruction);
 * FLAGGED: one without that may still raise flags; PLAIN: one that raises
 * no flag. BODY reads its operands as A, B, C (single, unboxed), AD, BD,
 * CD (double) or XS (integer rs1), writes its result to FRD or XRD and
 * collects flags in fl. */

/* The rounding mode: rm, or frm for DYN; a reserved one is illegal. */
#define ROUNDING                                                               \
    int rm = o->rm == 7 ? (int)h->frm : o->rm;                                 \
    if (rm > 4) {                                                              \
        h->fault_tval = o->raw;                                                \
        return EXC_ILLEGAL;                                                    \
    }
#define FP_FN(NAME, PRE, BODY, POST)                                           \
    uint64_t fp_##NAME(struct hart *h, const struct op *o)                     \
    {                                                                          \
        PRE                                                                    \
        uint64_t *f = h->f, *x = h->x;                                         \
        uint32_t fl = 0;                                                       \
        (void)f; (void)x; (void)fl;                                            \
        BODY;                                                                  \
        POST                                                                   \
        return 0;                                                              \
    }
#define RAISED  fflags_raise(h, fl); fs_dirty(h);
#define ROUNDED(NAME, BODY)       FP_FN(NAME, ROUNDING, BODY, RAISED)
#define FLAGGED(NAME, BODY)       FP_FN(NAME, , BODY, RAISED)
/* dirty: whether the op writes an f register (and so dirties FS) */
#define PLAIN(NAME, dirty, BODY)  FP_FN(NAME, , BODY, if (dirty) fs_dirty(h);)

#define A   unbox(f[o->rs1])
#define B   unbox(f[o->rs2])
#define C   unbox(f[o->rs3])
#define AD  f[o->rs1]
#define BD  f[o->rs2]
#define CD  f[o->rs3]
#define XS  x[o->rs1]
#define FRD f[o->rd]
#define XRD x[o->rd]

/* single precision */
ROUNDED(FMADD_S,  FRD = fp_box_s(fpu_fma_s(A, B, C, rm, &fl)))
ROUNDED(FMSUB_S,  FRD = fp_box_s(fpu_fma_s(A, B, C ^ SIGN_S, rm, &fl)))
ROUNDED(FNMSUB_S, FRD = fp_box_s(fpu_fma_s(A ^ SIGN_S, B, C, rm, &fl)))
ROUNDED(FNMADD_S, FRD = fp_box_s(fpu_fma_s(A ^ SIGN_S, B, C ^ SIGN_S, rm, &fl)))
ROUNDED(FADD_S,   FRD = fp_box_s(fpu_add_s(A, B, rm, &fl)))
ROUNDED(FSUB_S,   FRD = fp_box_s(fpu_sub_s(A, B, rm, &fl)))
ROUNDED(FMUL_S,   FRD = fp_box_s(fpu_mul_s(A, B, rm, &fl)))
ROUNDED(FDIV_S,   FRD = fp_box_s(fpu_div_s(A, B, rm, &fl)))
ROUNDED(FSQRT_S,  FRD = fp_box_s(fpu_sqrt_s(A, rm, &fl)))
PLAIN(FSGNJ_S,  true, FRD = fp_box_s((A & ~SIGN_S) | (B & SIGN_S)))
PLAIN(FSGNJN_S, true, FRD = fp_box_s((A & ~SIGN_S) | (~B & SIGN_S)))
PLAIN(FSGNJX_S, true, FRD = fp_box_s(A ^ (B & SIGN_S)))
FLAGGED(FMIN_S,   FRD = fp_box_s(fpu_min_s(A, B, &fl)))
FLAGGED(FMAX_S,   FRD = fp_box_s(fpu_max_s(A, B, &fl)))
ROUNDED(FCVT_W_S,  XRD = fpu_cvt_w_s(A, rm, &fl))
ROUNDED(FCVT_WU_S, XRD = fpu_cvt_wu_s(A, rm, &fl))
ROUNDED(FCVT_L_S,  XRD = fpu_cvt_l_s(A, rm, &fl))
ROUNDED(FCVT_LU_S, XRD = fpu_cvt_lu_s(A, rm, &fl))
PLAIN(FMV_X_W,  false, XRD = (uint64_t)(int64_t)(int32_t)(uint32_t)AD)
FLAGGED(FEQ_S,    XRD = (uint64_t)fpu_eq_s(A, B, &fl))
FLAGGED(FLT_S,    XRD = (uint64_t)fpu_lt_s(A, B, &fl))
FLAGGED(FLE_S,    XRD = (uint64_t)fpu_le_s(A, B, &fl))
PLAIN(FCLASS_S, false, XRD = fpu_class_s(A))
ROUNDED(FCVT_S_W,  FRD = fp_box_s(fpu_cvt_s_w((int32_t)XS, rm, &fl)))
ROUNDED(FCVT_S_WU, FRD = fp_box_s(fpu_cvt_s_wu((uint32_t)XS, rm, &fl)))
ROUNDED(FCVT_S_L,  FRD = fp_box_s(fpu_cvt_s_l((int64_t)XS, rm, &fl)))
ROUNDED(FCVT_S_LU, FRD = fp_box_s(fpu_cvt_s_lu(XS, rm, &fl)))
PLAIN(FMV_W_X,  true, FRD = fp_box_s((uint32_t)XS))

/* double precision */
ROUNDED(FMADD_D,  FRD = fpu_fma_d(AD, BD, CD, rm, &fl))
ROUNDED(FMSUB_D,  FRD = fpu_fma_d(AD, BD, CD ^ SIGN_D, rm, &fl))
ROUNDED(FNMSUB_D, FRD = fpu_fma_d(AD ^ SIGN_D, BD, CD, rm, &fl))
ROUNDED(FNMADD_D, FRD = fpu_fma_d(AD ^ SIGN_D, BD, CD ^ SIGN_D, rm, &fl))
ROUNDED(FADD_D,   FRD = fpu_add_d(AD, BD, rm, &fl))
ROUNDED(FSUB_D,   FRD = fpu_sub_d(AD, BD, rm, &fl))
ROUNDED(FMUL_D,   FRD = fpu_mul_d(AD, BD, rm, &fl))
ROUNDED(FDIV_D,   FRD = fpu_div_d(AD, BD, rm, &fl))
ROUNDED(FSQRT_D,  FRD = fpu_sqrt_d(AD, rm, &fl))
PLAIN(FSGNJ_D,  true, FRD = (AD & ~SIGN_D) | (BD & SIGN_D))
PLAIN(FSGNJN_D, true, FRD = (AD & ~SIGN_D) | (~BD & SIGN_D))
PLAIN(FSGNJX_D, true, FRD = AD ^ (BD & SIGN_D))
FLAGGED(FMIN_D,   FRD = fpu_min_d(AD, BD, &fl))
FLAGGED(FMAX_D,   FRD = fpu_max_d(AD, BD, &fl))
ROUNDED(FCVT_S_D, FRD = fp_box_s(fpu_cvt_s_d(AD, rm, &fl)))
ROUNDED(FCVT_D_S, (void)rm; FRD = fpu_cvt_d_s(A, &fl))
FLAGGED(FEQ_D,    XRD = (uint64_t)fpu_eq_d(AD, BD, &fl))
FLAGGED(FLT_D,    XRD = (uint64_t)fpu_lt_d(AD, BD, &fl))
FLAGGED(FLE_D,    XRD = (uint64_t)fpu_le_d(AD, BD, &fl))
PLAIN(FCLASS_D, false, XRD = fpu_class_d(AD))
ROUNDED(FCVT_W_D,  XRD = fpu_cvt_w_d(AD, rm, &fl))
ROUNDED(FCVT_WU_D, XRD = fpu_cvt_wu_d(AD, rm, &fl))
ROUNDED(FCVT_L_D,  XRD = fpu_cvt_l_d(AD, rm, &fl))
ROUNDED(FCVT_LU_D, XRD = fpu_cvt_lu_d(AD, rm, &fl))
PLAIN(FMV_X_D,  false, XRD = AD)
ROUNDED(FCVT_D_W,  FRD = fpu_cvt_d_w((int32_t)XS, rm, &fl))
ROUNDED(FCVT_D_WU, FRD = fpu_cvt_d_wu((uint32_t)XS, rm, &fl))
ROUNDED(FCVT_D_L,  FRD = fpu_cvt_d_l((int64_t)XS, rm, &fl))
ROUNDED(FCVT_D_LU, FRD = fpu_cvt_d_lu(XS, rm, &fl))
PLAIN(FMV_D_X,  true, FRD = XS)

fp_fn fp_function(unsigned k)
{
    static const fp_fn table[] = {
#define X(name, doc) [OP_##name - OP_FMADD_S] = fp_##name,
        OP_LIST_FP(X)
#undef X
    };
    return op_is_fp(k) ? table[k - OP_FMADD_S] : NULL;
}
