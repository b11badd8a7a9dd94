/* Add, sub, mul, div, sqrt, the four FMAs and the three compares, in
 * double and single precision, on operands at the edges of the format
 * (zeros, subnormals, the smallest normals and the numbers around them, the
 * largest finite numbers, infinities, quiet and signaling NaNs, singles
 * that are not properly NaN-boxed) and on random ones, each
 * computed twice: once with fflags clear and FS clean, once with inexact
 * already raised and FS dirty. A translator may take a shortcut in the
 * second case (only the result can change, since inexact is already set),
 * so both runs must give the same result bits and the same flags (apart
 * from inexact, which the second run keeps), and FS must end dirty. The
 * same is checked with frm set to each rounding mode (DYN) and with the
 * rounding mode in the instruction, and every result and flag set goes
 * into a digest that must equal QEMU's (diff-qemu-guests.sh) and the
 * recording's (rr-guests.sh). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rt.h"

RT_TEST_NAME("fpfast");

#define MSTATUS_FS_MASK  (3ull << 13)
#define MSTATUS_FS_CLEAN (2ull << 13)
#define NX 1u

static const uint64_t edges[] = {
    0x0000000000000000ull, 0x8000000000000000ull,   /* +0, -0 */
    0x0000000000000001ull, 0x8000000000000001ull,   /* smallest subnormals */
    0x000fffffffffffffull, 0x0008000000000000ull,   /* largest subnormal, a middle one */
    0x0010000000000000ull, 0x8010000000000000ull,   /* 2^-1022 */
    0x0010000000000001ull, 0x001fffffffffffffull,   /* just above it */
    0x0020000000000000ull, 0x0020000000000001ull,   /* 2^-1021 and above */
    0x3ff0000000000000ull, 0xbff0000000000000ull,   /* +1, -1 */
    0x3ff0000000000001ull, 0x3fefffffffffffffull,   /* 1 + ulp, 1 - ulp/2 */
    0x3fe0000000000000ull, 0x4000000000000000ull,   /* 0.5, 2 */
    0x1ff0000000000000ull, 0x2000000000000000ull,   /* sqrt-range of 2^-1022 */
    0x7fefffffffffffffull, 0xffefffffffffffffull,   /* largest finite */
    0x7fe0000000000000ull, 0x7fd0000000000000ull,   /* 2^1023, 2^1022 */
    0x7ff0000000000000ull, 0xfff0000000000000ull,   /* +inf, -inf */
    0x7ff8000000000000ull, 0x7ff4000000000000ull,   /* qNaN, sNaN */
    0xfff8000000000001ull, 0x400921fb54442d18ull,   /* negative qNaN with payload, pi */
};
#define NEDGES (sizeof edges / sizeof edges[0])

/* The same for single precision, NaN-boxed, and two values that are not
 * properly boxed (they read as the canonical NaN). */
#define B(v) (0xffffffff00000000ull | (v))
static const uint64_t sedges[] = {
    B(0x00000000), B(0x80000000), B(0x00000001), B(0x80000001),
    B(0x007fffff), B(0x00400000), B(0x00800000), B(0x80800000),
    B(0x00800001), B(0x00ffffff), B(0x01000000), B(0x01000001),
    B(0x3f800000), B(0xbf800000), B(0x3f800001), B(0x3f7fffff),
    B(0x3f000000), B(0x40000000), B(0x1f800000), B(0x20000000),
    B(0x7f7fffff), B(0xff7fffff), B(0x7f000000), B(0x7e800000),
    B(0x7f800000), B(0xff800000), B(0x7fc00000), B(0x7fa00000),
    B(0xffc00001), B(0x40490fdb),
    0x000000003f800000ull, 0xfffffffe3f800000ull,
};
#undef B
#define NSEDGES (sizeof sedges / sizeof sedges[0])
#define NRANDOM 40
#define NOPS 24     /* 12 double-precision ops, then the same 12 in single */
#define NTHIRD 12   /* third operands of the FMAs: every third edge */

static uint64_t vals[NEDGES + NRANDOM], svals[NSEDGES + NRANDOM];
static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Runs op (see names[]) on a, b and c, with DYN rounding or, if rne,
 * round to nearest in the instruction; fflags = fl_in beforehand and FS
 * set back to clean right before the op if clean. Returns the result (FP
 * bits, or the integer a compare gives) and sets *fl_out. The op sits in a
 * block of its own between CSR accesses (the jump ends it), as in compiled
 * code, where CSR accesses are rare. */
static uint64_t run_op(unsigned op, bool rne, uint64_t a, uint64_t b, uint64_t c, unsigned fl_in,
                       bool clean, unsigned *fl_out)
{
    uint64_t r = 0;
    unsigned long fl = 0;
    unsigned long fsm = clean ? MSTATUS_FS_MASK : 0, fsc = clean ? MSTATUS_FS_CLEAN : 0;
    switch (op + (rne ? NOPS : 0)) {
#define OP(n, insn, get)                                                       \
    case n:                                                                    \
        __asm__ volatile("csrw fflags, %[fi]\n\t"                              \
                         "fmv.d.x ft0, %[a]\n\t"                               \
                         "fmv.d.x ft1, %[b]\n\t"                               \
                         "fmv.d.x ft3, %[c]\n\t"                               \
                         "csrc mstatus, %[fsm]\n\t"                            \
                         "csrs mstatus, %[fsc]\n\t"                            \
                         insn "\n\t"                                           \
                         get "\n\t"                                            \
                         "j 1f\n"                                               \
                         "1:\tcsrr %[fo], fflags"                              \
                         : [r] "=r"(r), [fo] "=r"(fl)                          \
                         : [a] "r"(a), [b] "r"(b), [c] "r"(c),                 \
                           [fi] "r"((unsigned long)fl_in), [fsm] "r"(fsm), [fsc] "r"(fsc) \
                         : "ft0", "ft1", "ft2", "ft3");                        \
        break;
#define FOP(n, insn) OP(n, insn, "fmv.x.d %[r], ft2")
#define XOP(n, insn) OP(n, insn, "")
    FOP(0, "fadd.d ft2, ft0, ft1")
    FOP(1, "fsub.d ft2, ft0, ft1")
    FOP(2, "fmul.d ft2, ft0, ft1")
    FOP(3, "fdiv.d ft2, ft0, ft1")
    FOP(4, "fsqrt.d ft2, ft0")
    FOP(5, "fmadd.d ft2, ft0, ft1, ft3")
    FOP(6, "fmsub.d ft2, ft0, ft1, ft3")
    FOP(7, "fnmsub.d ft2, ft0, ft1, ft3")
    FOP(8, "fnmadd.d ft2, ft0, ft1, ft3")
    XOP(9, "feq.d %[r], ft0, ft1")
    XOP(10, "flt.d %[r], ft0, ft1")
    XOP(11, "fle.d %[r], ft0, ft1")
    FOP(12, "fadd.s ft2, ft0, ft1")
    FOP(13, "fsub.s ft2, ft0, ft1")
    FOP(14, "fmul.s ft2, ft0, ft1")
    FOP(15, "fdiv.s ft2, ft0, ft1")
    FOP(16, "fsqrt.s ft2, ft0")
    FOP(17, "fmadd.s ft2, ft0, ft1, ft3")
    FOP(18, "fmsub.s ft2, ft0, ft1, ft3")
    FOP(19, "fnmsub.s ft2, ft0, ft1, ft3")
    FOP(20, "fnmadd.s ft2, ft0, ft1, ft3")
    XOP(21, "feq.s %[r], ft0, ft1")
    XOP(22, "flt.s %[r], ft0, ft1")
    XOP(23, "fle.s %[r], ft0, ft1")
    FOP(NOPS + 0, "fadd.d ft2, ft0, ft1, rne")
    FOP(NOPS + 1, "fsub.d ft2, ft0, ft1, rne")
    FOP(NOPS + 2, "fmul.d ft2, ft0, ft1, rne")
    FOP(NOPS + 3, "fdiv.d ft2, ft0, ft1, rne")
    FOP(NOPS + 4, "fsqrt.d ft2, ft0, rne")
    FOP(NOPS + 5, "fmadd.d ft2, ft0, ft1, ft3, rne")
    FOP(NOPS + 6, "fmsub.d ft2, ft0, ft1, ft3, rne")
    FOP(NOPS + 7, "fnmsub.d ft2, ft0, ft1, ft3, rne")
    FOP(NOPS + 8, "fnmadd.d ft2, ft0, ft1, ft3, rne")
    XOP(NOPS + 9, "feq.d %[r], ft0, ft1")
    XOP(NOPS + 10, "flt.d %[r], ft0, ft1")
    XOP(NOPS + 11, "fle.d %[r], ft0, ft1")
    FOP(NOPS + 12, "fadd.s ft2, ft0, ft1, rne")
    FOP(NOPS + 13, "fsub.s ft2, ft0, ft1, rne")
    FOP(NOPS + 14, "fmul.s ft2, ft0, ft1, rne")
    FOP(NOPS + 15, "fdiv.s ft2, ft0, ft1, rne")
    FOP(NOPS + 16, "fsqrt.s ft2, ft0, rne")
    FOP(NOPS + 17, "fmadd.s ft2, ft0, ft1, ft3, rne")
    FOP(NOPS + 18, "fmsub.s ft2, ft0, ft1, ft3, rne")
    FOP(NOPS + 19, "fnmsub.s ft2, ft0, ft1, ft3, rne")
    FOP(NOPS + 20, "fnmadd.s ft2, ft0, ft1, ft3, rne")
    XOP(NOPS + 21, "feq.s %[r], ft0, ft1")
    XOP(NOPS + 22, "flt.s %[r], ft0, ft1")
    XOP(NOPS + 23, "fle.s %[r], ft0, ft1")
#undef XOP
#undef FOP
#undef OP
    }
    *fl_out = (unsigned)fl;
    return r;
}

static uint64_t fs_field(void)
{
    uint64_t s;
    __asm__ volatile("csrr %0, mstatus" : "=r"(s));
    return s & MSTATUS_FS_MASK;
}

static const char *const names[NOPS] = { "fadd.d", "fsub.d", "fmul.d", "fdiv.d", "fsqrt.d",
    "fmadd.d", "fmsub.d", "fnmsub.d", "fnmadd.d", "feq.d", "flt.d", "fle.d",
    "fadd.s", "fsub.s", "fmul.s", "fdiv.s", "fsqrt.s",
    "fmadd.s", "fmsub.s", "fnmsub.s", "fnmadd.s", "feq.s", "flt.s", "fle.s" };

int main(void)
{
    for (unsigned i = 0; i < NEDGES; i++)
        vals[i] = edges[i];
    for (unsigned i = 0; i < NSEDGES; i++)
        svals[i] = sedges[i];
    for (unsigned i = 0; i < NRANDOM; i++) {   /* random normals of moderate size, both signs */
        uint64_t r = next_random();
        vals[NEDGES + i] = (r & 0x800fffffffffffffull) | ((0x3c0ull + (r >> 52) % 0x80) << 52);
        svals[NSEDGES + i] = 0xffffffff00000000ull | (r & 0x807fffffu) |
                             ((0x60u + (uint32_t)(r >> 32) % 0x40) << 23);
    }
    uint64_t digest = 0;
    for (unsigned mode = 0; mode < 6; mode++) {   /* frm 0..4 with DYN, then rm = RNE */
        if (mode < 5)
            __asm__ volatile("csrw frm, %0" : : "r"((unsigned long)mode));
        else
            __asm__ volatile("csrwi frm, 3");   /* must not matter */
        for (unsigned op = 0; op < NOPS; op++) {
            unsigned f = op % 12;   /* the function: add, sub, ..., fle */
            const uint64_t *v = op < 12 ? vals : svals;
            unsigned nvals = op < 12 ? NEDGES + NRANDOM : NSEDGES + NRANDOM;
            for (unsigned i = 0; i < nvals; i++) {
                for (unsigned j = 0; j < (f == 4 ? 1 : nvals); j++) {
                    for (unsigned k = 0; k < (f >= 5 && f <= 8 ? NTHIRD : 1); k++) {
                        uint64_t a = v[i], b = v[j], c = v[k * 3 % nvals];
                        bool rne = mode == 5, cmp = f >= 9;
                        unsigned fl_ref, fl_nx;
                        uint64_t ref = run_op(op, rne, a, b, c, 0, true, &fl_ref);
                        if (!cmp)
                            RT_CHECK(fs_field(), MSTATUS_FS_MASK);
                        uint64_t got = run_op(op, rne, a, b, c, NX, true, &fl_nx);
                        RT_CHECK_OP2(names[op], a, b, got, ref);
                        RT_CHECK_OP2(names[op], a, b, fl_nx, fl_ref | NX);
                        /* and once more with FS already dirty */
                        got = run_op(op, rne, a, b, c, NX, false, &fl_nx);
                        RT_CHECK_OP2(names[op], a, b, got, ref);
                        RT_CHECK_OP2(names[op], a, b, fl_nx, fl_ref | NX);
                        digest = (digest ^ ref ^ ((uint64_t)fl_ref << 59)) * 0x100000001b3ull;
                    }
                }
            }
        }
        printf("fpfast: mode %u digest %016llx\n", mode, (unsigned long long)digest);
    }
    __asm__ volatile("csrwi frm, 0");
    rt_pass();
}
