/* The floating-point computations of RV64FD (decode.h's OP_LIST_FP: every
 * F/D op but loads and stores), one op at a time: for the interpreter and
 * for calls from generated code. */
#ifndef REPRISE_FPEXEC_H
#define REPRISE_FPEXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

struct hart;
struct op;

/* Single-precision values live NaN-boxed in the 64-bit f registers: one
 * that is not properly boxed reads as the canonical NaN. */
static inline uint64_t fp_box_s(uint32_t v)
{
    return 0xffffffff00000000ULL | v;
}

static inline bool op_is_fp(unsigned k)
{
    return k >= OP_FMADD_S && k <= OP_FMV_D_X;
}

/* Whether FP op k reads integer register rs1 (conversions and moves from
 * an integer) or writes integer register rd (conversions and moves to one,
 * comparisons, classification). */
bool fp_reads_x(unsigned k);
bool fp_writes_x(unsigned k);

/* fp_NAME(h, o) runs FP op o (of kind OP_NAME) on h: the result to f[rd]
 * (or x[rd]), the exception flags into fflags, mstatus.FS set dirty when an
 * FP register or fflags may have been written. Returns 0, or EXC_ILLEGAL
 * (h->fault_tval = the instruction) when the rounding mode (the
 * instruction's, or frm for DYN) is reserved; nothing is changed then. */
typedef uint64_t (*fp_fn)(struct hart *h, const struct op *o);
#define FP_DECLARE(name, doc) uint64_t fp_##name(struct hart *h, const struct op *o);
OP_LIST_FP(FP_DECLARE)
#undef FP_DECLARE

/* fp_NAME for op kind k, or NULL if k is not an FP computation. */
fp_fn fp_function(unsigned k);

#endif
