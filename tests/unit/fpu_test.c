/* Unit tests for fpu.c: hand-written edge cases (bit patterns and flags) for
 * every entry point, then randomised cross-checks against the host FPU in the
 * four rounding modes x86 has, and against an exact round-to-odd reference in
 * all five (RMM included). The host's own FP state must never be touched. */
#include <fenv.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "emu/cpu/fpu.h"
#include "unit.h"

enum { RNE = FPU_RNE, RTZ = FPU_RTZ, RDN = FPU_RDN, RUP = FPU_RUP, RMM = FPU_RMM };
#define NX FPU_NX
#define UF FPU_UF
#define OF FPU_OF
#define DZ FPU_DZ
#define NV FPU_NV

/* binary64 */
#define D_PZ 0x0000000000000000ull
#define D_NZ 0x8000000000000000ull
#define D_ONE 0x3ff0000000000000ull
#define D_MONE 0xbff0000000000000ull
#define D_TWO 0x4000000000000000ull
#define D_MTWO 0xc000000000000000ull
#define D_HALF 0x3fe0000000000000ull
#define D_THREE 0x4008000000000000ull
#define D_PINF 0x7ff0000000000000ull
#define D_NINF 0xfff0000000000000ull
#define D_QNAN 0x7ff8000000000000ull
#define D_QNANP 0xfff8000000000123ull  /* negative, with a payload */
#define D_SNAN 0x7ff0000000000001ull
#define D_SNANN 0xfff4000000000000ull
#define D_MAX 0x7fefffffffffffffull
#define D_MMAX 0xffefffffffffffffull
#define D_MIN 0x0010000000000000ull     /* smallest normal */
#define D_SUB 0x0000000000000001ull     /* smallest subnormal */
#define D_MSUB 0x8000000000000001ull
#define D_SUBMAX 0x000fffffffffffffull
#define D_HULP 0x3ca0000000000000ull    /* 2^-53: half an ulp of 1 */
#define D_CANON FPU_CANON_NAN_D

/* binary32 */
#define S_PZ 0x00000000u
#define S_NZ 0x80000000u
#define S_ONE 0x3f800000u
#define S_MONE 0xbf800000u
#define S_TWO 0x40000000u
#define S_MTWO 0xc0000000u
#define S_HALF 0x3f000000u
#define S_THREE 0x40400000u
#define S_PINF 0x7f800000u
#define S_NINF 0xff800000u
#define S_QNAN 0x7fc00000u
#define S_QNANP 0xffc00123u
#define S_SNAN 0x7f800001u
#define S_SNANN 0xffa00000u
#define S_MAX 0x7f7fffffu
#define S_MMAX 0xff7fffffu
#define S_MIN 0x00800000u
#define S_SUB 0x00000001u
#define S_MSUB 0x80000001u
#define S_SUBMAX 0x007fffffu
#define S_HULP 0x33800000u              /* 2^-24 */
#define S_CANON FPU_CANON_NAN_S

/* One call with a fresh flags word `fl`; checks result and flags. */
#define T(expr, want, wantf)                                                  \
    do {                                                                      \
        uint32_t fl = 0;                                                      \
        uint64_t got_ = (uint64_t)(expr);                                     \
        CHECK(got_ == (uint64_t)(want) && fl == (uint32_t)(wantf),           \
              "got %#llx flags %#x, want %#llx flags %#x",                    \
              (unsigned long long)got_, fl, (unsigned long long)(want),       \
              (unsigned)(wantf));                                             \
    } while (0)

/* The same call in every rounding mode `rm`; expected (result, flags) pairs
 * in encoding order RNE, RTZ, RDN, RUP, RMM. */
#define TM(expr, ...)                                                         \
    do {                                                                      \
        const uint64_t w_[10] = { __VA_ARGS__ };                              \
        for (int rm = 0; rm < 5; rm++) {                                      \
            uint32_t fl = 0;                                                  \
            uint64_t got_ = (uint64_t)(expr);                                 \
            CHECK(got_ == w_[2 * rm] && fl == w_[2 * rm + 1],                 \
                  "rm %d: got %#llx flags %#x, want %#llx flags %#llx", rm,   \
                  (unsigned long long)got_, fl,                               \
                  (unsigned long long)w_[2 * rm],                             \
                  (unsigned long long)w_[2 * rm + 1]);                        \
        }                                                                     \
    } while (0)

/* ---- hand-written cases ------------------------------------------------- */

static void edge_add(void)
{
    /* Ties and near-ties around 1 in every mode. */
    TM(fpu_add_d(D_ONE, D_HULP, rm, &fl), D_ONE, NX, D_ONE, NX, D_ONE, NX,
       D_ONE + 1, NX, D_ONE + 1, NX);
    TM(fpu_add_d(D_ONE + 1, D_HULP, rm, &fl), D_ONE + 2, NX, D_ONE + 1, NX,
       D_ONE + 1, NX, D_ONE + 2, NX, D_ONE + 2, NX);
    TM(fpu_add_d(D_MONE, D_HULP | D_NZ, rm, &fl), D_MONE, NX, D_MONE, NX,
       D_MONE + 1, NX, D_MONE, NX, D_MONE + 1, NX);
    /* 1 - 2^-54 sits halfway below 1, where the spacing is 2^-53. */
    TM(fpu_sub_d(D_ONE, 0x3c90000000000000ull, rm, &fl), D_ONE, NX,
       D_ONE - 1, NX, D_ONE - 1, NX, D_ONE, NX, D_ONE, NX);
    TM(fpu_add_s(S_ONE, S_HULP, rm, &fl), S_ONE, NX, S_ONE, NX, S_ONE, NX,
       S_ONE + 1, NX, S_ONE + 1, NX);
    TM(fpu_add_s(S_ONE + 1, S_HULP, rm, &fl), S_ONE + 2, NX, S_ONE + 1, NX,
       S_ONE + 1, NX, S_ONE + 2, NX, S_ONE + 2, NX);
    TM(fpu_sub_s(S_MONE, S_HULP, rm, &fl), S_MONE, NX, S_MONE, NX,
       S_MONE + 1, NX, S_MONE, NX, S_MONE + 1, NX);

    /* Signed zeros: x - x is +0 except when rounding down. */
    TM(fpu_add_d(D_ONE, D_MONE, rm, &fl), D_PZ, 0, D_PZ, 0, D_NZ, 0, D_PZ, 0,
       D_PZ, 0);
    TM(fpu_sub_s(S_TWO, S_TWO, rm, &fl), S_PZ, 0, S_PZ, 0, S_NZ, 0, S_PZ, 0,
       S_PZ, 0);
    TM(fpu_add_d(D_PZ, D_NZ, rm, &fl), D_PZ, 0, D_PZ, 0, D_NZ, 0, D_PZ, 0,
       D_PZ, 0);
    T(fpu_add_d(D_NZ, D_NZ, RNE, &fl), D_NZ, 0);
    T(fpu_add_d(D_PZ, D_PZ, RDN, &fl), D_PZ, 0);
    T(fpu_sub_s(S_NZ, S_PZ, RNE, &fl), S_NZ, 0);
    T(fpu_add_d(D_NZ, D_SUB, RNE, &fl), D_SUB, 0);
    T(fpu_add_s(S_MSUB, S_NZ, RUP, &fl), S_MSUB, 0);

    /* Infinities and NaNs: results canonical, NV only for sNaN / inf - inf. */
    T(fpu_add_d(D_PINF, D_NINF, RNE, &fl), D_CANON, NV);
    T(fpu_sub_d(D_PINF, D_PINF, RNE, &fl), D_CANON, NV);
    T(fpu_add_d(D_PINF, D_MAX, RNE, &fl), D_PINF, 0);
    T(fpu_add_d(D_NINF, D_NINF, RNE, &fl), D_NINF, 0);
    T(fpu_add_d(D_QNANP, D_ONE, RNE, &fl), D_CANON, 0);
    T(fpu_add_d(D_QNAN, D_PINF, RNE, &fl), D_CANON, 0);
    T(fpu_add_d(D_SNAN, D_ONE, RNE, &fl), D_CANON, NV);
    T(fpu_add_d(D_ONE, D_SNANN, RNE, &fl), D_CANON, NV);
    T(fpu_add_d(D_QNAN, D_SNAN, RNE, &fl), D_CANON, NV);
    T(fpu_add_s(S_QNANP, S_ONE, RNE, &fl), S_CANON, 0);
    T(fpu_add_s(S_SNAN, S_QNAN, RNE, &fl), S_CANON, NV);
    T(fpu_sub_s(S_NINF, S_NINF, RNE, &fl), S_CANON, NV);
    T(fpu_sub_s(S_ONE, S_SNANN, RNE, &fl), S_CANON, NV);

    /* Overflow: inf or the largest finite value depending on the mode. */
    TM(fpu_add_d(D_MAX, D_MAX, rm, &fl), D_PINF, OF | NX, D_MAX, OF | NX,
       D_MAX, OF | NX, D_PINF, OF | NX, D_PINF, OF | NX);
    TM(fpu_add_d(D_MMAX, D_MMAX, rm, &fl), D_NINF, OF | NX, D_MMAX, OF | NX,
       D_NINF, OF | NX, D_MMAX, OF | NX, D_NINF, OF | NX);
    /* max + half an ulp: a tie that rounds up to 2^1024 only when nearest. */
    TM(fpu_add_d(D_MAX, 0x7c90000000000000ull, rm, &fl), D_PINF, OF | NX,
       D_MAX, NX, D_MAX, NX, D_PINF, OF | NX, D_PINF, OF | NX);
    TM(fpu_add_s(S_MMAX, S_MMAX, rm, &fl), S_NINF, OF | NX, S_MMAX, OF | NX,
       S_NINF, OF | NX, S_MMAX, OF | NX, S_NINF, OF | NX);

    /* Subnormal sums are exact: tiny but no underflow. */
    T(fpu_add_d(D_MIN, D_MSUB, RNE, &fl), D_SUBMAX, 0);
    T(fpu_add_d(D_SUB, D_SUB, RNE, &fl), 2, 0);
    T(fpu_add_s(S_SUBMAX, S_SUB, RNE, &fl), S_MIN, 0);
    T(fpu_sub_s(S_MIN, S_SUB, RTZ, &fl), S_SUBMAX, 0);
}

static void edge_mul(void)
{
    /* Tininess after rounding: (1 - 2^-52) * 2^-1022 (1 + 2^-52) is
     * 2^-1022 (1 - 2^-104), which rounds to 2^-1022 at full precision in the
     * nearest and upward modes, so only the other modes underflow. */
    TM(fpu_mul_d(0x3feffffffffffffeull, 0x0010000000000001ull, rm, &fl),
       D_MIN, NX, D_SUBMAX, UF | NX, D_SUBMAX, UF | NX, D_MIN, NX, D_MIN, NX);
    TM(fpu_mul_s(0x3f7ffffeu, 0x00800001u, rm, &fl),
       S_MIN, NX, S_SUBMAX, UF | NX, S_SUBMAX, UF | NX, S_MIN, NX, S_MIN, NX);
    /* 2^-1022 (1 - 2^-53) is exact at full precision, so tiny in all modes,
     * yet rounds up to the smallest normal when nearest. */
    TM(fpu_mul_d(D_MIN, 0x3fefffffffffffffull, rm, &fl), D_MIN, UF | NX,
       D_SUBMAX, UF | NX, D_SUBMAX, UF | NX, D_MIN, UF | NX, D_MIN, UF | NX);
    /* Half the smallest subnormal: RNE ties to 0, RMM away to it. */
    TM(fpu_mul_d(D_SUB, D_HALF, rm, &fl), D_PZ, UF | NX, D_PZ, UF | NX,
       D_PZ, UF | NX, D_SUB, UF | NX, D_SUB, UF | NX);
    TM(fpu_mul_d(D_MSUB, D_HALF, rm, &fl), D_NZ, UF | NX, D_NZ, UF | NX,
       D_MSUB, UF | NX, D_NZ, UF | NX, D_MSUB, UF | NX);
    TM(fpu_mul_s(S_SUB, S_HALF, rm, &fl), S_PZ, UF | NX, S_PZ, UF | NX,
       S_PZ, UF | NX, S_SUB, UF | NX, S_SUB, UF | NX);
    TM(fpu_mul_d(D_SUB, 0x3fe8000000000000ull, rm, &fl), D_SUB, UF | NX,
       D_PZ, UF | NX, D_PZ, UF | NX, D_SUB, UF | NX, D_SUB, UF | NX);
    TM(fpu_mul_d(D_SUB, D_SUB, rm, &fl), D_PZ, UF | NX, D_PZ, UF | NX,
       D_PZ, UF | NX, D_SUB, UF | NX, D_PZ, UF | NX);
    /* Exact subnormal and exact normalisation: no flags. */
    T(fpu_mul_d(D_MIN, D_HALF, RNE, &fl), 0x0008000000000000ull, 0);
    T(fpu_mul_d(D_SUBMAX, D_TWO, RNE, &fl), 0x001ffffffffffffeull, 0);
    T(fpu_mul_d(D_SUB, 0x4330000000000000ull, RNE, &fl), D_MIN, 0);
    T(fpu_mul_s(S_SUB, 0x4b000000u, RNE, &fl), S_MIN, 0);

    TM(fpu_mul_d(D_MAX, D_TWO, rm, &fl), D_PINF, OF | NX, D_MAX, OF | NX,
       D_MAX, OF | NX, D_PINF, OF | NX, D_PINF, OF | NX);
    TM(fpu_mul_d(D_MAX, D_MTWO, rm, &fl), D_NINF, OF | NX, D_MMAX, OF | NX,
       D_NINF, OF | NX, D_MMAX, OF | NX, D_NINF, OF | NX);
    TM(fpu_mul_s(S_MAX, S_TWO, rm, &fl), S_PINF, OF | NX, S_MAX, OF | NX,
       S_MAX, OF | NX, S_PINF, OF | NX, S_PINF, OF | NX);
    TM(fpu_mul_d(D_ONE + 1, D_ONE + 1, rm, &fl), D_ONE + 2, NX, D_ONE + 2, NX,
       D_ONE + 2, NX, D_ONE + 3, NX, D_ONE + 2, NX);

    T(fpu_mul_d(D_PINF, D_PZ, RNE, &fl), D_CANON, NV);
    T(fpu_mul_d(D_NZ, D_PINF, RNE, &fl), D_CANON, NV);
    T(fpu_mul_d(D_NINF, D_MONE, RNE, &fl), D_PINF, 0);
    T(fpu_mul_d(D_NZ, D_ONE, RNE, &fl), D_NZ, 0);
    T(fpu_mul_d(D_NZ, D_NZ, RNE, &fl), D_PZ, 0);
    T(fpu_mul_d(D_SNAN, D_PZ, RNE, &fl), D_CANON, NV);
    T(fpu_mul_d(D_QNAN, D_PINF, RNE, &fl), D_CANON, 0);
    T(fpu_mul_s(S_PINF, S_NZ, RNE, &fl), S_CANON, NV);
    T(fpu_mul_s(S_QNANP, S_PZ, RNE, &fl), S_CANON, 0);
    T(fpu_mul_s(S_MONE, S_NZ, RNE, &fl), S_PZ, 0);
}

static void edge_div_sqrt(void)
{
    TM(fpu_div_d(D_ONE, D_THREE, rm, &fl), 0x3fd5555555555555ull, NX,
       0x3fd5555555555555ull, NX, 0x3fd5555555555555ull, NX,
       0x3fd5555555555556ull, NX, 0x3fd5555555555555ull, NX);
    TM(fpu_div_s(S_ONE, S_THREE, rm, &fl), 0x3eaaaaabu, NX, 0x3eaaaaaau, NX,
       0x3eaaaaaau, NX, 0x3eaaaaabu, NX, 0x3eaaaaabu, NX);
    T(fpu_div_d(0x4018000000000000ull, D_THREE, RNE, &fl), D_TWO, 0);
    T(fpu_div_d(D_ONE, D_PZ, RNE, &fl), D_PINF, DZ);
    T(fpu_div_d(D_MONE, D_PZ, RNE, &fl), D_NINF, DZ);
    T(fpu_div_d(D_ONE, D_NZ, RNE, &fl), D_NINF, DZ);
    T(fpu_div_d(D_SUB, D_PZ, RNE, &fl), D_PINF, DZ);
    T(fpu_div_d(D_PZ, D_PZ, RNE, &fl), D_CANON, NV);
    T(fpu_div_d(D_PINF, D_NINF, RNE, &fl), D_CANON, NV);
    T(fpu_div_d(D_PINF, D_PZ, RNE, &fl), D_PINF, 0);
    T(fpu_div_d(D_PZ, D_PINF, RNE, &fl), D_PZ, 0);
    T(fpu_div_d(D_ONE, D_NINF, RNE, &fl), D_NZ, 0);
    T(fpu_div_d(D_NZ, D_ONE, RNE, &fl), D_NZ, 0);
    T(fpu_div_d(D_QNAN, D_PZ, RNE, &fl), D_CANON, 0);
    T(fpu_div_d(D_ONE, D_SNAN, RNE, &fl), D_CANON, NV);
    T(fpu_div_s(S_ONE, S_PZ, RNE, &fl), S_PINF, DZ);
    T(fpu_div_s(S_NZ, S_NZ, RNE, &fl), S_CANON, NV);
    T(fpu_div_s(S_SNANN, S_PZ, RNE, &fl), S_CANON, NV);
    TM(fpu_div_d(D_SUB, D_TWO, rm, &fl), D_PZ, UF | NX, D_PZ, UF | NX,
       D_PZ, UF | NX, D_SUB, UF | NX, D_SUB, UF | NX);
    TM(fpu_div_d(D_MAX, D_HALF, rm, &fl), D_PINF, OF | NX, D_MAX, OF | NX,
       D_MAX, OF | NX, D_PINF, OF | NX, D_PINF, OF | NX);
    T(fpu_div_d(D_MIN, D_TWO, RNE, &fl), 0x0008000000000000ull, 0);

    T(fpu_sqrt_d(D_NZ, RNE, &fl), D_NZ, 0);
    T(fpu_sqrt_d(D_PZ, RNE, &fl), D_PZ, 0);
    T(fpu_sqrt_d(D_MONE, RNE, &fl), D_CANON, NV);
    T(fpu_sqrt_d(D_MSUB, RNE, &fl), D_CANON, NV);
    T(fpu_sqrt_d(D_NINF, RNE, &fl), D_CANON, NV);
    T(fpu_sqrt_d(D_PINF, RNE, &fl), D_PINF, 0);
    T(fpu_sqrt_d(D_SNAN, RNE, &fl), D_CANON, NV);
    T(fpu_sqrt_d(D_QNANP, RNE, &fl), D_CANON, 0);
    T(fpu_sqrt_d(0x4010000000000000ull, RNE, &fl), D_TWO, 0);
    T(fpu_sqrt_d(D_SUB, RNE, &fl), 0x1e60000000000000ull, 0);  /* 2^-537 */
    TM(fpu_sqrt_d(D_TWO, rm, &fl), 0x3ff6a09e667f3bcdull, NX,
       0x3ff6a09e667f3bccull, NX, 0x3ff6a09e667f3bccull, NX,
       0x3ff6a09e667f3bcdull, NX, 0x3ff6a09e667f3bcdull, NX);
    TM(fpu_sqrt_s(S_TWO, rm, &fl), 0x3fb504f3u, NX, 0x3fb504f3u, NX,
       0x3fb504f3u, NX, 0x3fb504f4u, NX, 0x3fb504f3u, NX);
    T(fpu_sqrt_s(S_NZ, RNE, &fl), S_NZ, 0);
    T(fpu_sqrt_s(S_MSUB, RNE, &fl), S_CANON, NV);
    T(fpu_sqrt_s(S_SUB, RNE, &fl), 0x1a3504f3u, NX);  /* 2^-74.5 */
    T(fpu_sqrt_s(0x41100000u, RNE, &fl), S_THREE, 0);
    T(fpu_sqrt_s(S_SNAN, RNE, &fl), S_CANON, NV);
}

static void edge_fma(void)
{
    /* RISC-V: inf * 0 + qNaN is invalid as well. */
    T(fpu_fma_d(D_PINF, D_PZ, D_QNAN, RNE, &fl), D_CANON, NV);
    T(fpu_fma_d(D_NZ, D_NINF, D_QNANP, RNE, &fl), D_CANON, NV);
    T(fpu_fma_s(S_PZ, S_PINF, S_QNAN, RNE, &fl), S_CANON, NV);
    T(fpu_fma_d(D_PZ, D_NINF, D_ONE, RNE, &fl), D_CANON, NV);
    T(fpu_fma_d(D_PINF, D_ONE, D_NINF, RNE, &fl), D_CANON, NV);
    T(fpu_fma_d(D_PINF, D_ONE, D_PINF, RNE, &fl), D_PINF, 0);
    T(fpu_fma_d(D_NINF, D_ONE, D_MAX, RNE, &fl), D_NINF, 0);
    T(fpu_fma_d(D_ONE, D_ONE, D_NINF, RNE, &fl), D_NINF, 0);
    T(fpu_fma_d(D_SNAN, D_ONE, D_ONE, RNE, &fl), D_CANON, NV);
    T(fpu_fma_d(D_ONE, D_ONE, D_SNAN, RNE, &fl), D_CANON, NV);
    T(fpu_fma_d(D_QNAN, D_ONE, D_ONE, RNE, &fl), D_CANON, 0);
    T(fpu_fma_d(D_ONE, D_QNAN, D_SNANN, RNE, &fl), D_CANON, NV);
    T(fpu_fma_s(S_ONE, S_ONE, S_SNAN, RNE, &fl), S_CANON, NV);
    T(fpu_fma_s(S_QNAN, S_PINF, S_PZ, RNE, &fl), S_CANON, 0);

    /* Exact zeros. */
    TM(fpu_fma_d(D_ONE, D_ONE, D_MONE, rm, &fl), D_PZ, 0, D_PZ, 0, D_NZ, 0,
       D_PZ, 0, D_PZ, 0);
    TM(fpu_fma_d(D_PZ, D_ONE, D_NZ, rm, &fl), D_PZ, 0, D_PZ, 0, D_NZ, 0,
       D_PZ, 0, D_PZ, 0);
    T(fpu_fma_d(D_NZ, D_ONE, D_NZ, RNE, &fl), D_NZ, 0);
    T(fpu_fma_d(D_NZ, D_MONE, D_NZ, RNE, &fl), D_PZ, 0);
    T(fpu_fma_s(S_NZ, S_ONE, S_NZ, RUP, &fl), S_NZ, 0);
    T(fpu_fma_d(D_PZ, D_ONE, D_SUB, RNE, &fl), D_SUB, 0);
    /* A product that rounds to zero still decides the sign. */
    T(fpu_fma_d(D_SUB, D_HALF, D_NZ, RNE, &fl), D_PZ, UF | NX);
    T(fpu_fma_d(D_SUB, D_HALF, D_NZ, RDN, &fl), D_PZ, UF | NX);

    /* Cancellation: the exact low part of a product survives. */
    T(fpu_fma_d(D_ONE + 1, D_ONE + 1, 0xbff0000000000002ull, RNE, &fl),
      0x3970000000000000ull, 0);  /* 2^-104 */
    T(fpu_fma_d(D_ONE + 1, 0x3fefffffffffffffull, D_MONE, RNE, &fl),
      0x3c9ffffffffffffeull, 0);  /* 2^-53 - 2^-105 */
    T(fpu_fma_s(S_ONE + 1, S_ONE + 1, 0xbf800002u, RNE, &fl),
      0x28800000u, 0);  /* 2^-46 */
    /* Single rounding: max * 2 - max does not overflow. */
    T(fpu_fma_d(D_MAX, D_TWO, D_MMAX, RNE, &fl), D_MAX, 0);
    T(fpu_fma_s(S_MAX, S_TWO, S_MMAX, RNE, &fl), S_MAX, 0);
    /* A tiny product against 1 only matters for directed rounding. */
    TM(fpu_fma_d(D_SUB, D_SUB, D_ONE, rm, &fl), D_ONE, NX, D_ONE, NX, D_ONE, NX,
       D_ONE + 1, NX, D_ONE, NX);
    TM(fpu_fma_d(D_SUB, D_SUB, D_MONE, rm, &fl), D_MONE, NX, 0xbfefffffffffffffull,
       NX, D_MONE, NX, 0xbfefffffffffffffull, NX, D_MONE, NX);
    /* 1.5 * 2^-1074: a subnormal tie. */
    TM(fpu_fma_d(D_SUB, D_HALF, D_SUB, rm, &fl), 2, UF | NX, 1, UF | NX,
       1, UF | NX, 2, UF | NX, 2, UF | NX);
    /* Product overflow that the addend cannot rescue in one rounding. */
    TM(fpu_fma_d(D_MAX, D_TWO, D_MONE, rm, &fl), D_PINF, OF | NX, D_MAX, OF | NX,
       D_MAX, OF | NX, D_PINF, OF | NX, D_PINF, OF | NX);
}

static void edge_minmax_cmp_class(void)
{
    T(fpu_min_d(D_NZ, D_PZ, &fl), D_NZ, 0);
    T(fpu_min_d(D_PZ, D_NZ, &fl), D_NZ, 0);
    T(fpu_max_d(D_NZ, D_PZ, &fl), D_PZ, 0);
    T(fpu_max_d(D_PZ, D_NZ, &fl), D_PZ, 0);
    T(fpu_min_d(D_QNAN, D_ONE, &fl), D_ONE, 0);
    T(fpu_min_d(D_ONE, D_QNANP, &fl), D_ONE, 0);
    T(fpu_min_d(D_SNAN, D_ONE, &fl), D_ONE, NV);
    T(fpu_max_d(D_ONE, D_SNANN, &fl), D_ONE, NV);
    T(fpu_min_d(D_QNAN, D_QNANP, &fl), D_CANON, 0);
    T(fpu_max_d(D_SNAN, D_QNAN, &fl), D_CANON, NV);
    T(fpu_min_d(D_ONE, D_TWO, &fl), D_ONE, 0);
    T(fpu_max_d(D_ONE, D_TWO, &fl), D_TWO, 0);
    T(fpu_min_d(D_MONE, D_MTWO, &fl), D_MTWO, 0);
    T(fpu_max_d(D_MONE, D_MTWO, &fl), D_MONE, 0);
    T(fpu_min_d(D_NINF, D_MAX, &fl), D_NINF, 0);
    T(fpu_max_d(D_PINF, D_NINF, &fl), D_PINF, 0);
    T(fpu_min_d(D_MSUB, D_SUB, &fl), D_MSUB, 0);
    T(fpu_min_s(S_NZ, S_PZ, &fl), S_NZ, 0);
    T(fpu_max_s(S_NZ, S_PZ, &fl), S_PZ, 0);
    T(fpu_max_s(S_PZ, S_NZ, &fl), S_PZ, 0);
    T(fpu_min_s(S_QNANP, S_MTWO, &fl), S_MTWO, 0);
    T(fpu_max_s(S_SNAN, S_MTWO, &fl), S_MTWO, NV);
    T(fpu_max_s(S_QNANP, S_SNANN, &fl), S_CANON, NV);
    T(fpu_min_s(S_MONE, S_MTWO, &fl), S_MTWO, 0);
    T(fpu_max_s(S_MSUB, S_NZ, &fl), S_NZ, 0);

    T(fpu_eq_d(D_ONE, D_ONE, &fl), 1, 0);
    T(fpu_eq_d(D_NZ, D_PZ, &fl), 1, 0);
    T(fpu_eq_d(D_QNAN, D_QNAN, &fl), 0, 0);
    T(fpu_eq_d(D_ONE, D_QNANP, &fl), 0, 0);
    T(fpu_eq_d(D_SNAN, D_ONE, &fl), 0, NV);
    T(fpu_eq_d(D_ONE, D_TWO, &fl), 0, 0);
    T(fpu_lt_d(D_QNAN, D_ONE, &fl), 0, NV);
    T(fpu_lt_d(D_ONE, D_TWO, &fl), 1, 0);
    T(fpu_lt_d(D_TWO, D_ONE, &fl), 0, 0);
    T(fpu_lt_d(D_NZ, D_PZ, &fl), 0, 0);
    T(fpu_lt_d(D_MONE, D_NZ, &fl), 1, 0);
    T(fpu_lt_d(D_NINF, D_PINF, &fl), 1, 0);
    T(fpu_lt_d(D_MTWO, D_MONE, &fl), 1, 0);
    T(fpu_lt_d(D_MONE, D_MTWO, &fl), 0, 0);
    T(fpu_lt_d(D_SUB, D_MIN, &fl), 1, 0);
    T(fpu_le_d(D_NZ, D_PZ, &fl), 1, 0);
    T(fpu_le_d(D_PZ, D_NZ, &fl), 1, 0);
    T(fpu_le_d(D_ONE, D_ONE, &fl), 1, 0);
    T(fpu_le_d(D_TWO, D_ONE, &fl), 0, 0);
    T(fpu_le_d(D_MTWO, D_MONE, &fl), 1, 0);
    T(fpu_le_d(D_ONE, D_SNAN, &fl), 0, NV);
    T(fpu_le_d(D_QNAN, D_QNAN, &fl), 0, NV);
    T(fpu_eq_s(S_NZ, S_PZ, &fl), 1, 0);
    T(fpu_eq_s(S_QNAN, S_ONE, &fl), 0, 0);
    T(fpu_eq_s(S_ONE, S_SNANN, &fl), 0, NV);
    T(fpu_lt_s(S_QNANP, S_ONE, &fl), 0, NV);
    T(fpu_lt_s(S_MSUB, S_NZ, &fl), 1, 0);
    T(fpu_le_s(S_PZ, S_NZ, &fl), 1, 0);
    T(fpu_le_s(S_ONE, S_MONE, &fl), 0, 0);
    T(fpu_le_s(S_SNAN, S_SNAN, &fl), 0, NV);

    T(fpu_class_d(D_NINF), 1u << 0, 0);
    T(fpu_class_d(D_MONE), 1u << 1, 0);
    T(fpu_class_d(D_MSUB), 1u << 2, 0);
    T(fpu_class_d(D_NZ), 1u << 3, 0);
    T(fpu_class_d(D_PZ), 1u << 4, 0);
    T(fpu_class_d(D_SUBMAX), 1u << 5, 0);
    T(fpu_class_d(D_MIN), 1u << 6, 0);
    T(fpu_class_d(D_PINF), 1u << 7, 0);
    T(fpu_class_d(D_SNAN), 1u << 8, 0);
    T(fpu_class_d(D_SNANN), 1u << 8, 0);
    T(fpu_class_d(D_QNAN), 1u << 9, 0);
    T(fpu_class_d(D_QNANP), 1u << 9, 0);
    T(fpu_class_s(S_NINF), 1u << 0, 0);
    T(fpu_class_s(S_MMAX), 1u << 1, 0);
    T(fpu_class_s(S_MSUB), 1u << 2, 0);
    T(fpu_class_s(S_NZ), 1u << 3, 0);
    T(fpu_class_s(S_PZ), 1u << 4, 0);
    T(fpu_class_s(S_SUB), 1u << 5, 0);
    T(fpu_class_s(S_MAX), 1u << 6, 0);
    T(fpu_class_s(S_PINF), 1u << 7, 0);
    T(fpu_class_s(S_SNAN), 1u << 8, 0);
    T(fpu_class_s(S_QNAN), 1u << 9, 0);
}

static void edge_cvt_to_int(void)
{
    const uint64_t w_min = 0xffffffff80000000ull, w_max = 0x7fffffff;
    const uint64_t all = ~0ull, l_max = 0x7fffffffffffffffull;
    const uint64_t l_min = 0x8000000000000000ull;

    /* 2^31 - 0.5 in each mode: rounding up overflows a W. */
    TM(fpu_cvt_w_d(0x41dfffffffe00000ull, rm, &fl), w_max, NV, w_max, NX,
       w_max, NX, w_max, NV, w_max, NV);
    TM(fpu_cvt_wu_d(0x41dfffffffe00000ull, rm, &fl), w_min, NX, w_max, NX,
       w_max, NX, w_min, NX, w_min, NX);
    /* 2^31 - 1.5: ties to even (2^31 - 2) or away (2^31 - 1). */
    TM(fpu_cvt_w_d(0x41dfffffffa00000ull, rm, &fl), 0x7ffffffe, NX,
       0x7ffffffe, NX, 0x7ffffffe, NX, w_max, NX, w_max, NX);
    /* -2^31 exactly, and -2^31 - 0.5 where only some modes overflow. */
    TM(fpu_cvt_w_d(0xc1e0000000000000ull, rm, &fl), w_min, 0, w_min, 0,
       w_min, 0, w_min, 0, w_min, 0);
    TM(fpu_cvt_w_d(0xc1e0000000100000ull, rm, &fl), w_min, NX, w_min, NX,
       w_min, NV, w_min, NX, w_min, NV);
    T(fpu_cvt_w_d(0xc1e0000000200000ull, RTZ, &fl), w_min, NV);
    T(fpu_cvt_w_d(0x41e0000000000000ull, RNE, &fl), w_max, NV);  /* 2^31 */
    T(fpu_cvt_wu_d(0x41e0000000000000ull, RNE, &fl), w_min, 0);
    T(fpu_cvt_wu_d(0x41efffffffe00000ull, RNE, &fl), all, 0);     /* 2^32-1 */
    T(fpu_cvt_wu_d(0x41f0000000000000ull, RNE, &fl), all, NV);    /* 2^32 */
    TM(fpu_cvt_wu_d(0x41effffffff00000ull, rm, &fl), all, NV, all, NX,
       all, NX, all, NV, all, NV);                                /* 2^32-0.5 */

    T(fpu_cvt_l_d(0x43e0000000000000ull, RNE, &fl), l_max, NV);   /* 2^63 */
    T(fpu_cvt_l_d(0xc3e0000000000000ull, RNE, &fl), l_min, 0);    /* -2^63 */
    T(fpu_cvt_l_d(0xc3e0000000000001ull, RNE, &fl), l_min, NV);
    T(fpu_cvt_l_d(0x43dfffffffffffffull, RNE, &fl), 0x7ffffffffffffc00ull, 0);
    T(fpu_cvt_lu_d(0x43e0000000000000ull, RNE, &fl), l_min, 0);
    T(fpu_cvt_lu_d(0x43efffffffffffffull, RNE, &fl), 0xfffffffffffff800ull, 0);
    T(fpu_cvt_lu_d(0x43f0000000000000ull, RNE, &fl), all, NV);    /* 2^64 */

    /* Negative to unsigned: invalid only if it rounds below zero. */
    T(fpu_cvt_lu_d(D_MONE, RNE, &fl), 0, NV);
    T(fpu_cvt_wu_d(D_MONE, RTZ, &fl), 0, NV);
    TM(fpu_cvt_lu_d(0xbfd3333333333333ull, rm, &fl), 0, NX, 0, NX, 0, NV,
       0, NX, 0, NX);                                             /* -0.3 */
    TM(fpu_cvt_wu_d(D_HALF | D_NZ, rm, &fl), 0, NX, 0, NX, 0, NV, 0, NX,
       0, NV);                                                    /* -0.5 */
    T(fpu_cvt_lu_d(D_NZ, RDN, &fl), 0, 0);
    T(fpu_cvt_lu_d(D_MSUB, RTZ, &fl), 0, NX);
    T(fpu_cvt_lu_d(D_MSUB, RDN, &fl), 0, NV);
    T(fpu_cvt_w_d(D_MSUB, RDN, &fl), all, NX);
    TM(fpu_cvt_w_d(D_SUB, rm, &fl), 0, NX, 0, NX, 0, NX, 1, NX, 0, NX);

    /* NaN -> largest positive, whatever its sign; infinities saturate. */
    T(fpu_cvt_w_d(D_QNAN, RNE, &fl), w_max, NV);
    T(fpu_cvt_w_d(D_QNANP, RNE, &fl), w_max, NV);
    T(fpu_cvt_wu_d(D_SNANN, RNE, &fl), all, NV);
    T(fpu_cvt_l_d(D_QNANP, RNE, &fl), l_max, NV);
    T(fpu_cvt_lu_d(D_QNAN, RNE, &fl), all, NV);
    T(fpu_cvt_w_d(D_PINF, RNE, &fl), w_max, NV);
    T(fpu_cvt_w_d(D_NINF, RNE, &fl), w_min, NV);
    T(fpu_cvt_wu_d(D_NINF, RNE, &fl), 0, NV);
    T(fpu_cvt_lu_d(D_PINF, RNE, &fl), all, NV);
    T(fpu_cvt_l_d(D_NINF, RNE, &fl), l_min, NV);
    T(fpu_cvt_w_d(D_NZ, RNE, &fl), 0, 0);

    TM(fpu_cvt_w_d(0x4004000000000000ull, rm, &fl), 2, NX, 2, NX, 2, NX, 3, NX,
       3, NX);                                                    /* 2.5 */
    TM(fpu_cvt_w_d(0xc004000000000000ull, rm, &fl), -2ull, NX, -2ull, NX,
       -3ull, NX, -2ull, NX, -3ull, NX);                          /* -2.5 */
    TM(fpu_cvt_l_d(0x3ff8000000000000ull, rm, &fl), 2, NX, 1, NX, 1, NX, 2, NX,
       2, NX);                                                    /* 1.5 */
    TM(fpu_cvt_l_d(D_HALF, rm, &fl), 0, NX, 0, NX, 0, NX, 1, NX, 1, NX);

    T(fpu_cvt_w_s(0x4effffffu, RNE, &fl), 0x7fffff80, 0);
    T(fpu_cvt_w_s(0x4f000000u, RNE, &fl), w_max, NV);
    T(fpu_cvt_w_s(0xcf000000u, RNE, &fl), w_min, 0);
    T(fpu_cvt_wu_s(0x4f000000u, RNE, &fl), w_min, 0);
    T(fpu_cvt_wu_s(0x4f7fffffu, RNE, &fl), 0xffffffffffffff00ull, 0);
    T(fpu_cvt_wu_s(0x4f800000u, RNE, &fl), all, NV);
    T(fpu_cvt_l_s(0x5f000000u, RNE, &fl), l_max, NV);
    T(fpu_cvt_l_s(0xdf000000u, RNE, &fl), l_min, 0);
    T(fpu_cvt_lu_s(0x5f000000u, RNE, &fl), l_min, 0);
    T(fpu_cvt_lu_s(0x5f800000u, RNE, &fl), all, NV);
    T(fpu_cvt_w_s(S_QNAN, RNE, &fl), w_max, NV);
    T(fpu_cvt_w_s(S_QNANP, RNE, &fl), w_max, NV);
    T(fpu_cvt_wu_s(S_SNAN, RNE, &fl), all, NV);
    T(fpu_cvt_lu_s(S_QNANP, RNE, &fl), all, NV);
    T(fpu_cvt_l_s(S_NINF, RNE, &fl), l_min, NV);
    TM(fpu_cvt_w_s(0x40200000u, rm, &fl), 2, NX, 2, NX, 2, NX, 3, NX, 3, NX);
    TM(fpu_cvt_w_s(0xbf000000u, rm, &fl), 0, NX, 0, NX, all, NX, 0, NX,
       all, NX);                                                  /* -0.5 */
    TM(fpu_cvt_wu_s(0xbf000000u, rm, &fl), 0, NX, 0, NX, 0, NV, 0, NX, 0, NV);
    TM(fpu_cvt_wu_s(0xbe99999au, rm, &fl), 0, NX, 0, NX, 0, NV, 0, NX, 0, NX);
}

static void edge_cvt_from_int(void)
{
    TM(fpu_cvt_s_w(0x7fffffff, rm, &fl), 0x4f000000u, NX, 0x4effffffu, NX,
       0x4effffffu, NX, 0x4f000000u, NX, 0x4f000000u, NX);
    T(fpu_cvt_s_w(INT32_MIN, RNE, &fl), 0xcf000000u, 0);
    T(fpu_cvt_s_w(0, RDN, &fl), 0, 0);
    T(fpu_cvt_s_w(-1, RNE, &fl), S_MONE, 0);
    /* 2^24 + 1: a tie. */
    TM(fpu_cvt_s_w(16777217, rm, &fl), 0x4b800000u, NX, 0x4b800000u, NX,
       0x4b800000u, NX, 0x4b800001u, NX, 0x4b800001u, NX);
    TM(fpu_cvt_s_w(-16777217, rm, &fl), 0xcb800000u, NX, 0xcb800000u, NX,
       0xcb800001u, NX, 0xcb800000u, NX, 0xcb800001u, NX);
    TM(fpu_cvt_s_w(16777219, rm, &fl), 0x4b800002u, NX, 0x4b800001u, NX,
       0x4b800001u, NX, 0x4b800002u, NX, 0x4b800002u, NX);
    TM(fpu_cvt_s_wu(0xffffffffu, rm, &fl), 0x4f800000u, NX, 0x4f7fffffu, NX,
       0x4f7fffffu, NX, 0x4f800000u, NX, 0x4f800000u, NX);
    T(fpu_cvt_s_l(INT64_MIN, RNE, &fl), 0xdf000000u, 0);
    TM(fpu_cvt_s_lu(UINT64_MAX, rm, &fl), 0x5f800000u, NX, 0x5f7fffffu, NX,
       0x5f7fffffu, NX, 0x5f800000u, NX, 0x5f800000u, NX);
    T(fpu_cvt_s_lu(0, RNE, &fl), 0, 0);
    T(fpu_cvt_s_l(-3, RNE, &fl), 0xc0400000u, 0);

    T(fpu_cvt_d_w(INT32_MIN, RNE, &fl), 0xc1e0000000000000ull, 0);
    T(fpu_cvt_d_wu(0xffffffffu, RNE, &fl), 0x41efffffffe00000ull, 0);
    T(fpu_cvt_d_w(0, RNE, &fl), D_PZ, 0);
    T(fpu_cvt_d_l(INT64_MIN, RNE, &fl), 0xc3e0000000000000ull, 0);
    TM(fpu_cvt_d_l(INT64_MAX, rm, &fl), 0x43e0000000000000ull, NX,
       0x43dfffffffffffffull, NX, 0x43dfffffffffffffull, NX,
       0x43e0000000000000ull, NX, 0x43e0000000000000ull, NX);
    TM(fpu_cvt_d_lu(UINT64_MAX, rm, &fl), 0x43f0000000000000ull, NX,
       0x43efffffffffffffull, NX, 0x43efffffffffffffull, NX,
       0x43f0000000000000ull, NX, 0x43f0000000000000ull, NX);
    TM(fpu_cvt_d_l((1ll << 53) + 1, rm, &fl), 0x4340000000000000ull, NX,
       0x4340000000000000ull, NX, 0x4340000000000000ull, NX,
       0x4340000000000001ull, NX, 0x4340000000000001ull, NX);
    TM(fpu_cvt_d_l(-(1ll << 53) - 1, rm, &fl), 0xc340000000000000ull, NX,
       0xc340000000000000ull, NX, 0xc340000000000001ull, NX,
       0xc340000000000000ull, NX, 0xc340000000000001ull, NX);
    T(fpu_cvt_d_lu(1ull << 63, RNE, &fl), 0x43e0000000000000ull, 0);
}

static void edge_cvt_float(void)
{
    TM(fpu_cvt_s_d(0x3ff0000010000000ull, rm, &fl), S_ONE, NX, S_ONE, NX,
       S_ONE, NX, S_ONE + 1, NX, S_ONE + 1, NX);                 /* 1+2^-24 */
    TM(fpu_cvt_s_d(0x3ff0000030000000ull, rm, &fl), S_ONE + 2, NX, S_ONE + 1, NX,
       S_ONE + 1, NX, S_ONE + 2, NX, S_ONE + 2, NX);             /* 1+3*2^-24 */
    TM(fpu_cvt_s_d(D_MAX, rm, &fl), S_PINF, OF | NX, S_MAX, OF | NX,
       S_MAX, OF | NX, S_PINF, OF | NX, S_PINF, OF | NX);
    TM(fpu_cvt_s_d(D_MMAX, rm, &fl), S_NINF, OF | NX, S_MMAX, OF | NX,
       S_NINF, OF | NX, S_MMAX, OF | NX, S_NINF, OF | NX);
    /* FLT_MAX + half an ulp: overflows only when rounding to nearest/up. */
    TM(fpu_cvt_s_d(0x47effffff0000000ull, rm, &fl), S_PINF, OF | NX, S_MAX, NX,
       S_MAX, NX, S_PINF, OF | NX, S_PINF, OF | NX);
    T(fpu_cvt_s_d(0x47efffffe0000000ull, RNE, &fl), S_MAX, 0);
    /* 2^-150: half the smallest subnormal. */
    TM(fpu_cvt_s_d(0x3690000000000000ull, rm, &fl), S_PZ, UF | NX, S_PZ, UF | NX,
       S_PZ, UF | NX, S_SUB, UF | NX, S_SUB, UF | NX);
    /* 2^-126 (1 - 2^-25): not tiny after rounding to nearest or up. */
    TM(fpu_cvt_s_d(0x380ffffff0000000ull, rm, &fl), S_MIN, NX, S_SUBMAX, UF | NX,
       S_SUBMAX, UF | NX, S_MIN, NX, S_MIN, NX);
    /* 2^-126 (1 - 2^-24): tiny in every mode. */
    TM(fpu_cvt_s_d(0x380fffffe0000000ull, rm, &fl), S_MIN, UF | NX,
       S_SUBMAX, UF | NX, S_SUBMAX, UF | NX, S_MIN, UF | NX, S_MIN, UF | NX);
    T(fpu_cvt_s_d(0x36a0000000000000ull, RNE, &fl), S_SUB, 0);  /* 2^-149 */
    T(fpu_cvt_s_d(D_SUB, RUP, &fl), S_SUB, UF | NX);
    T(fpu_cvt_s_d(D_MSUB, RNE, &fl), S_NZ, UF | NX);
    T(fpu_cvt_s_d(D_SNAN, RNE, &fl), S_CANON, NV);
    T(fpu_cvt_s_d(D_QNANP, RNE, &fl), S_CANON, 0);
    T(fpu_cvt_s_d(D_NINF, RNE, &fl), S_NINF, 0);
    T(fpu_cvt_s_d(D_NZ, RNE, &fl), S_NZ, 0);

    T(fpu_cvt_d_s(S_SUB, &fl), 0x36a0000000000000ull, 0);
    T(fpu_cvt_d_s(S_MSUB, &fl), 0xb6a0000000000000ull, 0);
    T(fpu_cvt_d_s(S_SNAN, &fl), D_CANON, NV);
    T(fpu_cvt_d_s(S_QNANP, &fl), D_CANON, 0);
    T(fpu_cvt_d_s(S_NZ, &fl), D_NZ, 0);
    T(fpu_cvt_d_s(S_NINF, &fl), D_NINF, 0);
    T(fpu_cvt_d_s(S_MAX, &fl), 0x47efffffe0000000ull, 0);
    T(fpu_cvt_d_s(S_ONE, &fl), D_ONE, 0);
}

static void edge_flags_accrue(void)
{
    uint32_t fl = NV | DZ;
    CHECK(fpu_add_d(D_ONE, D_ONE, RNE, &fl) == D_TWO && fl == (NV | DZ),
          "flags must never be cleared: %#x", fl);
    fpu_div_s(S_ONE, S_THREE, RNE, &fl);
    CHECK(fl == (NV | DZ | NX), "flags must be ORed in: %#x", fl);
}

/* ---- randomised cross-checks -------------------------------------------- */

typedef __float128 f128;

struct fmt {
    int mb, eb;  /* stored mantissa bits, exponent bits */
};
static const struct fmt FS = { 23, 8 }, FD = { 52, 11 };

static int fmt_bias(struct fmt f) { return (1 << (f.eb - 1)) - 1; }
static int fmt_emask(struct fmt f) { return (1 << f.eb) - 1; }
static int fmt_expfield(struct fmt f, uint64_t x)
{
    return (int)((x >> f.mb) & (uint64_t)fmt_emask(f));
}
static bool fmt_isnan(struct fmt f, uint64_t x)
{
    return fmt_expfield(f, x) == fmt_emask(f) && (x & ((1ull << f.mb) - 1));
}
static bool fmt_issnan(struct fmt f, uint64_t x)
{
    return fmt_isnan(f, x) && !((x >> (f.mb - 1)) & 1);
}
static bool fmt_iszero(struct fmt f, uint64_t x)
{
    return (x & ((1ull << (f.mb + f.eb)) - 1)) == 0;
}
static bool fmt_isfinite(struct fmt f, uint64_t x)
{
    return fmt_expfield(f, x) != fmt_emask(f);
}
static uint64_t fmt_canon(struct fmt f)
{
    return f.mb == 52 ? D_CANON : S_CANON;
}
static uint64_t fmt_pack(struct fmt f, uint64_t sign, int e, uint64_t m)
{
    return sign << (f.mb + f.eb) | (uint64_t)e << f.mb | (m & ((1ull << f.mb) - 1));
}

static float u2f(uint64_t u) { uint32_t v = (uint32_t)u; float f; memcpy(&f, &v, 4); return f; }
static uint64_t f2u(float f) { uint32_t v; memcpy(&v, &f, 4); return v; }
static double u2d(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint64_t d2u(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

static uint64_t rng_state = 0x243f6a8885a308d3ull;  /* fixed: reproducible */

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* Mantissas biased toward few significant bits (exact results and ties)
 * and trailing ones (carries). */
static uint64_t gen_mant(struct fmt f)
{
    uint64_t m = rnd() & ((1ull << f.mb) - 1);
    switch (rnd() % 6) {
    case 0: return m & (~0ull << (rnd() % (f.mb + 1)));
    case 1: return m | ((1ull << (rnd() % (f.mb + 1))) - 1);
    case 2: return m & (~0ull << (f.mb - rnd() % 8));
    default: return m;
    }
}

/* A finite value with biased exponent e (clamped; e <= 0 gives subnormals). */
static uint64_t gen_at(struct fmt f, int e)
{
    uint64_t s = rnd() & 1, m = gen_mant(f);
    if (e >= fmt_emask(f))
        e = fmt_emask(f) - 1;
    if (e <= 0) {
        int sh = 1 - e;
        m = sh >= f.mb ? rnd() & 3 : (m | 1ull << f.mb) >> sh;
        return fmt_pack(f, s, 0, m);
    }
    return fmt_pack(f, s, e, m);
}

static uint64_t gen_special(struct fmt f)
{
    const uint64_t mm = (1ull << f.mb) - 1, q = 1ull << (f.mb - 1);
    const int emask = fmt_emask(f), bias = fmt_bias(f);
    uint64_t s = rnd() & 1;
    switch (rnd() % 12) {
    case 0: return fmt_pack(f, s, 0, 0);
    case 1: return fmt_pack(f, s, emask, 0);
    case 2: return fmt_pack(f, s, emask, q | rnd());
    case 3: return fmt_pack(f, s, emask, (rnd() & (q - 1)) | 1);
    case 4: return fmt_pack(f, s, emask - 1, mm - (rnd() & 3));
    case 5: return fmt_pack(f, s, 1, rnd() & 3);
    case 6: return fmt_pack(f, s, 0, 1 + (rnd() & 3));
    case 7: return fmt_pack(f, s, 0, mm - (rnd() & 3));
    case 8: return fmt_pack(f, s, bias, 0);
    case 9: return fmt_pack(f, s, bias, rnd() & 3);
    case 10: return fmt_pack(f, s, bias - 1, mm - (rnd() & 3));
    default: return fmt_pack(f, s, 0, rnd() & mm);
    }
}

static uint64_t gen_val(struct fmt f)
{
    const int bias = fmt_bias(f), emask = fmt_emask(f);
    switch (rnd() % 10) {
    case 0: return gen_special(f);
    case 1: return gen_at(f, (int)(rnd() % 4) - 2);
    case 2: return gen_at(f, emask - 1 - (int)(rnd() % 3));
    case 3: case 4: case 5: return gen_at(f, bias - 20 + (int)(rnd() % 41));
    default: return gen_at(f, 1 + (int)(rnd() % (uint64_t)(emask - 1)));
    }
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_FMA, OP_COUNT };
static const char *const op_name[OP_COUNT] = {
    [OP_ADD] = "add", [OP_SUB] = "sub", [OP_MUL] = "mul",
    [OP_DIV] = "div", [OP_SQRT] = "sqrt", [OP_FMA] = "fma",
};

static void gen_ops(int op, struct fmt f, uint64_t *a, uint64_t *b, uint64_t *c)
{
    const int bias = fmt_bias(f), emask = fmt_emask(f);
    *a = gen_val(f);
    *b = gen_val(f);
    *c = gen_val(f);
    int ea = fmt_expfield(f, *a), target;
    switch (rnd() % 4) {
    case 1:  /* close exponents: cancellation, ties, sticky bits */
        *b = gen_at(f, ea + 2 - (int)(rnd() % (uint64_t)(f.mb + 6)));
        break;
    case 2:  /* a with a few low bits changed, maybe negated */
        *b = *a ^ (rnd() & 0xf) ^ ((rnd() & 1) << (f.mb + f.eb));
        break;
    case 3:  /* a product or quotient near the ends of the exponent range */
        target = (rnd() & 1) ? (int)(rnd() % (uint64_t)(f.mb + 6)) - f.mb - 2
                             : emask - 3 + (int)(rnd() % 6);
        *b = gen_at(f, op == OP_DIV ? ea - target + bias : target - ea + bias);
        break;
    default:
        break;
    }
    if (op == OP_FMA) {
        int ep = ea + fmt_expfield(f, *b) - bias;
        switch (rnd() % 3) {
        case 0:  /* c close to -(a*b): massive cancellation */
            if (f.mb == 52)
                *c = d2u(-(u2d(*a) * u2d(*b))) ^ (rnd() & 0xff);
            else
                *c = f2u(-(u2f(*a) * u2f(*b))) ^ (rnd() & 0xff);
            break;
        case 1:  /* c near the product's rounding position */
            *c = gen_at(f, ep + 2 - (int)(rnd() % (uint64_t)(2 * f.mb + 8)));
            break;
        default:
            break;
        }
    }
}

static uint64_t my_op(int op, bool dbl, uint64_t a, uint64_t b, uint64_t c,
                      int rm, uint32_t *fl)
{
    uint32_t sa = (uint32_t)a, sb = (uint32_t)b, sc = (uint32_t)c;
    switch (op) {
    case OP_ADD: return dbl ? fpu_add_d(a, b, rm, fl) : fpu_add_s(sa, sb, rm, fl);
    case OP_SUB: return dbl ? fpu_sub_d(a, b, rm, fl) : fpu_sub_s(sa, sb, rm, fl);
    case OP_MUL: return dbl ? fpu_mul_d(a, b, rm, fl) : fpu_mul_s(sa, sb, rm, fl);
    case OP_DIV: return dbl ? fpu_div_d(a, b, rm, fl) : fpu_div_s(sa, sb, rm, fl);
    case OP_SQRT: return dbl ? fpu_sqrt_d(a, rm, fl) : fpu_sqrt_s(sa, rm, fl);
    default: return dbl ? fpu_fma_d(a, b, c, rm, fl) : fpu_fma_s(sa, sb, sc, rm, fl);
    }
}

/* Host references. Operands pass through volatiles so that nothing is
 * folded at compile time or moved across the mode and flag accesses. */
static volatile float vfa, vfb, vfc, vfr;
static volatile double vda, vdb, vdc, vdr;
static volatile long double vla, vlr;
static volatile f128 vqa, vqb, vqr;
static volatile int32_t vi32;
static volatile uint32_t vu32;
static volatile int64_t vi64;
static volatile uint64_t vu64;

static const int host_rm[4] = {
    [RNE] = FE_TONEAREST, [RTZ] = FE_TOWARDZERO,
    [RDN] = FE_DOWNWARD, [RUP] = FE_UPWARD,
};

/* host_begin() sets the host's rounding mode and clears its flags for one
 * reference operation; host_flags() reads them back; host_end() returns to
 * round-to-nearest, which everything else in this file assumes (compilers
 * may rewrite even exact arithmetic, say t into t + -0, under that
 * assumption). */
#if defined(__x86_64__)
/* fesetround/feclearexcept also rewrite the x87 environment (~150 ns); the
 * references bracketed by these only use SSE and binary128 (soft-fp, which
 * follows MXCSR), so MXCSR alone is switched here. */
#include <xmmintrin.h>

static void host_begin(int rm)
{
    static const unsigned rc[4] = {
        [RNE] = 0x0000, [RTZ] = 0x6000, [RDN] = 0x2000, [RUP] = 0x4000,
    };
    _mm_setcsr((_mm_getcsr() & ~0x603fu) | rc[rm]);
}

static uint32_t host_flags(void)
{
    unsigned m = _mm_getcsr();
    return (m & 0x20 ? NX : 0) | (m & 0x10 ? UF : 0) | (m & 0x08 ? OF : 0) |
           (m & 0x04 ? DZ : 0) | (m & 0x01 ? NV : 0);
}
#else
static void host_begin(int rm)
{
    fesetround(host_rm[rm]);
    feclearexcept(FE_ALL_EXCEPT);
}

static uint32_t host_flags(void)
{
    int e = fetestexcept(FE_ALL_EXCEPT);
    return (e & FE_INEXACT ? NX : 0) | (e & FE_UNDERFLOW ? UF : 0) |
           (e & FE_OVERFLOW ? OF : 0) | (e & FE_DIVBYZERO ? DZ : 0) |
           (e & FE_INVALID ? NV : 0);
}
#endif

static void host_end(void)
{
    host_begin(RNE);
}

static uint64_t host_op(int op, bool dbl, uint64_t a, uint64_t b, uint64_t c,
                        int rm, uint32_t *fl)
{
    if (dbl) {
        vda = u2d(a), vdb = u2d(b), vdc = u2d(c);
        host_begin(rm);
        switch (op) {
        case OP_ADD: vdr = vda + vdb; break;
        case OP_SUB: vdr = vda - vdb; break;
        case OP_MUL: vdr = vda * vdb; break;
        case OP_DIV: vdr = vda / vdb; break;
        case OP_SQRT: vdr = sqrt(vda); break;
        default: vdr = fma(vda, vdb, vdc); break;
        }
        *fl = host_flags();
        host_end();
        return d2u(vdr);
    }
    vfa = u2f(a), vfb = u2f(b), vfc = u2f(c);
    host_begin(rm);
    switch (op) {
    case OP_ADD: vfr = vfa + vfb; break;
    case OP_SUB: vfr = vfa - vfb; break;
    case OP_MUL: vfr = vfa * vfb; break;
    case OP_DIV: vfr = vfa / vfb; break;
    case OP_SQRT: vfr = sqrtf(vfa); break;
    default: vfr = fmaf(vfa, vfb, vfc); break;
    }
    *fl = host_flags();
    host_end();
    return f2u(vfr);
}

/* The exact result of a finite operation, or that result rounded to odd
 * (toward zero, then the last bit set if inexact) at a precision of at
 * least p + 2 bits and with a wider exponent range: rounding it once more
 * to the format gives the correctly rounded result in any mode. Floats use
 * binary64 on the host FPU; doubles binary128 (soft-fp, which holds exact
 * products), except sqrt, which libgcc lacks: that uses long double (x87,
 * 64 bits, so switched with fesetround). */
static f128 set_last_bit(f128 x)
{
    uint64_t w[2];
    memcpy(w, &x, 16);
    w[0] |= 1;
    memcpy(&x, w, 16);
    return x;
}

static f128 wide_op(int op, bool dbl, uint64_t a, uint64_t b, uint64_t c)
{
    bool inexact;
    if (!dbl) {
        vda = u2f(a), vdb = u2f(b), vdc = u2f(c);
        host_begin(RTZ);
        switch (op) {
        case OP_ADD: vdr = vda + vdb; break;
        case OP_SUB: vdr = vda - vdb; break;
        case OP_MUL: vdr = vda * vdb; break;
        case OP_DIV: vdr = vda / vdb; break;
        case OP_SQRT: vdr = sqrt(vda); break;
        default: vdr = fma(vda, vdb, vdc); break;
        }
        inexact = host_flags() & NX;
        host_end();
        return (f128)u2d(d2u(vdr) | inexact);
    }
    if (op == OP_SQRT) {
        vla = u2d(a);
        fesetround(FE_TOWARDZERO);
        feclearexcept(FE_ALL_EXCEPT);
        vlr = sqrtl(vla);
        inexact = fetestexcept(FE_INEXACT);
        fesetround(FE_TONEAREST);
        long double r = vlr;
        uint64_t m;
        memcpy(&m, &r, 8);  /* the low 64 bits of the significand */
        m |= inexact;
        memcpy(&r, &m, 8);
        return (f128)r;
    }
    vqa = u2d(a), vqb = u2d(b);
    if (op == OP_FMA)
        vqa = vqa * vqb, vqb = u2d(c);  /* exact: 106 bits fit in 113 */
    host_begin(RTZ);
    switch (op) {
    case OP_ADD: vqr = vqa + vqb; break;
    case OP_SUB: vqr = vqa - vqb; break;
    case OP_MUL: vqr = vqa * vqb; break;
    case OP_DIV: vqr = vqa / vqb; break;
    default: vqr = vqa + vqb; break;
    }
    inexact = host_flags() & NX;
    host_end();
    return inexact ? set_last_bit(vqr) : vqr;
}

static f128 q_pow2(int e)  /* within binary128's normal range */
{
    uint64_t w[2] = { 0, (uint64_t)(e + 16383) << 48 };
    f128 x;
    memcpy(&x, w, sizeof x);
    return x;
}

static int q_ilogb(f128 x)  /* floor(log2(x)), x normal and positive */
{
    uint64_t w[2];
    memcpy(w, &x, sizeof w);
    return (int)((w[1] >> 48) & 0x7fff) - 16383;
}

/* Round a >= 0 to a multiple of 2^qe; exact binary128 arithmetic only. */
static f128 q_round_at(f128 a, int qe, int rm, bool neg, bool *inexact)
{
    f128 ulp = q_pow2(qe);
    unsigned __int128 n = (unsigned __int128)(a / ulp);
    f128 t = (f128)n * ulp, r = a - t, half = ulp / 2;
    bool up;
    switch (rm) {
    case RNE: up = r > half || (r == half && (n & 1)); break;
    case RMM: up = r >= half; break;
    case RDN: up = neg && r != 0; break;
    case RUP: up = !neg && r != 0; break;
    default: up = false; break;
    }
    *inexact = r != 0;
    return up ? t + ulp : t;
}

/* IEEE rounding of a nonzero finite value to precision p and exponent range
 * [emin, emax] by the book: overflow when the result rounded with an
 * unbounded exponent exceeds the largest finite value, underflow when it is
 * below 2^emin (tininess after rounding) and the delivered result inexact. */
static uint64_t ref_round(f128 w, int rm, struct fmt f, uint32_t *fl)
{
    const int p = f.mb + 1, emax = fmt_bias(f), emin = 1 - emax;
    bool neg = w < 0, inexact, inexact_unbounded;
    f128 a = neg ? -w : w;
    int e = q_ilogb(a);
    f128 unb = q_round_at(a, e - (p - 1), rm, neg, &inexact_unbounded);
    f128 res = q_round_at(a, (e < emin ? emin : e) - (p - 1), rm, neg, &inexact);
    f128 maxf = q_pow2(emax + 1) - q_pow2(emax + 1 - p);
    if (unb > maxf) {
        *fl |= OF | NX;
        bool to_inf = rm == RNE || rm == RMM || (rm == RDN && neg) ||
                      (rm == RUP && !neg);
        res = to_inf ? (f128)INFINITY : maxf;
    } else if (inexact) {
        *fl |= NX;
        if (unb < q_pow2(emin))
            *fl |= UF;
    }
    if (neg)
        res = -res;
    return f.mb == 52 ? d2u((double)res) : f2u((float)res);
}

/* Mismatch bookkeeping: the first few are reported in full. */
struct tally {
    const char *what;
    long n, bad;
};

static void tally_check(struct tally *t, bool ok, const char *op, bool dbl,
                        uint64_t a, uint64_t b, uint64_t c, int rm,
                        uint64_t got, uint32_t gotf, uint64_t want, uint32_t wantf)
{
    t->n++;
    if (ok || ++t->bad > 5)
        return;
    CHECK(ok, "%s %s_%c(%#llx, %#llx, %#llx) rm %d: got %#llx flags %#x, "
          "want %#llx flags %#x", t->what, op, dbl ? 'd' : 's',
          (unsigned long long)a, (unsigned long long)b, (unsigned long long)c,
          rm, (unsigned long long)got, gotf, (unsigned long long)want, wantf);
}

static void tally_done(const struct tally *t, const char *op, bool dbl)
{
    CHECK(t->bad == 0, "%s %s_%c: %ld of %ld mismatched", t->what, op,
          dbl ? 'd' : 's', t->bad, t->n);
}

/* A host NaN result (payload varies) must be our canonical NaN. */
static bool same(struct fmt f, uint64_t got, uint32_t gotf, uint64_t want,
                 uint32_t wantf)
{
    if (fmt_isnan(f, want))
        want = fmt_canon(f);
    return got == want && gotf == wantf;
}

static long total_random;

/* x86 fma does not flag inf * 0 + qNaN; RISC-V does. */
static uint32_t fma_inf_zero_qnan(struct fmt f, uint64_t a, uint64_t b,
                                  uint64_t c)
{
    bool a_inf = fmt_expfield(f, a) == fmt_emask(f) && !fmt_isnan(f, a);
    bool b_inf = fmt_expfield(f, b) == fmt_emask(f) && !fmt_isnan(f, b);
    if (fmt_isnan(f, c) && ((a_inf && fmt_iszero(f, b)) ||
                            (b_inf && fmt_iszero(f, a))))
        return NV;
    return 0;
}

static void random_arith(int op, bool dbl, long n)
{
    const struct fmt f = dbl ? FD : FS;
    struct tally host = { "vs host", 0, 0 }, rmm = { "vs ref (RMM)", 0, 0 };
    struct tally ref = { "ref vs host", 0, 0 };

    for (long i = 0; i < n; i++) {
        uint64_t a, b, c;
        gen_ops(op, f, &a, &b, &c);
        if (op == OP_SQRT && rnd() % 4)
            a &= ~(1ull << (f.mb + f.eb));  /* mostly non-negative */
        /* Rounding can only happen when every operand is finite. */
        bool finite = fmt_isfinite(f, a) &&
                      (op == OP_SQRT || fmt_isfinite(f, b)) &&
                      (op != OP_FMA || fmt_isfinite(f, c)) &&
                      !(op == OP_DIV && fmt_iszero(f, b)) &&
                      !(op == OP_SQRT && (a >> (f.mb + f.eb)));
        f128 w = finite ? wide_op(op, dbl, a, b, c) : 0;

        for (int rm = 0; rm < 5; rm++) {
            uint32_t got_fl = 0, want_fl = 0;
            uint64_t got = my_op(op, dbl, a, b, c, rm, &got_fl);
            if (rm != RMM) {
                uint64_t want = host_op(op, dbl, a, b, c, rm, &want_fl);
                if (op == OP_FMA)
                    want_fl |= fma_inf_zero_qnan(f, a, b, c);
                tally_check(&host, same(f, got, got_fl, want, want_fl),
                            op_name[op], dbl, a, b, c, rm, got, got_fl,
                            want, want_fl);
                if (w != 0 && i % 8 == 0) {
                    uint32_t ref_fl = 0;
                    uint64_t r = ref_round(w, rm, f, &ref_fl);
                    tally_check(&ref, same(f, r, ref_fl, want, want_fl),
                                op_name[op], dbl, a, b, c, rm, r, ref_fl,
                                want, want_fl);
                }
            } else {
                uint64_t want;
                if (w != 0)
                    want = ref_round(w, RMM, f, &want_fl);
                else  /* no rounding happens: exactly as in RNE */
                    want = host_op(op, dbl, a, b, c, RNE, &want_fl);
                if (op == OP_FMA)
                    want_fl |= fma_inf_zero_qnan(f, a, b, c);
                tally_check(&rmm, same(f, got, got_fl, want, want_fl),
                            op_name[op], dbl, a, b, c, rm, got, got_fl,
                            want, want_fl);
            }
        }
    }
    tally_done(&host, op_name[op], dbl);
    tally_done(&rmm, op_name[op], dbl);
    tally_done(&ref, op_name[op], dbl);
    total_random += host.n + rmm.n;
}

/* float -> integer. Two references: the host's nearbyint() in the mode,
 * and (all five modes) truncation plus the exact remainder. */
enum { K_W, K_WU, K_L, K_LU };
static const char *const kind_name[4] = { "w", "wu", "l", "lu" };

static uint64_t ref_saturate(double x, double r, int kind, uint32_t *fl)
{
    static const long double lo[4] = { -2147483648.0L, 0, -9223372036854775808.0L, 0 };
    static const long double hi[4] = { 2147483647.0L, 4294967295.0L,
                                       9223372036854775807.0L,
                                       18446744073709551615.0L };
    static const uint64_t lo_v[4] = { 0xffffffff80000000ull, 0,
                                      0x8000000000000000ull, 0 };
    static const uint64_t hi_v[4] = { 0x7fffffff, ~0ull, 0x7fffffffffffffffull,
                                      ~0ull };
    if (isnan(x) || r > hi[kind]) {
        *fl |= NV;
        return hi_v[kind];
    }
    if (r < lo[kind]) {
        *fl |= NV;
        return lo_v[kind];
    }
    if (r != x)
        *fl |= NX;
    uint64_t v = r < 0 ? (uint64_t)(int64_t)r : (uint64_t)r;
    if (kind == K_W || kind == K_WU)
        v = (uint64_t)(int64_t)(int32_t)(uint32_t)v;
    return v;
}

static uint64_t ref_f2i_host(double x, int rm, int kind, uint32_t *fl)
{
    vda = x;
    host_begin(rm);
    /* Not rint(): gcc expands that inline assuming round-to-nearest. */
    vdr = nearbyint(vda);
    host_end();
    return ref_saturate(x, vdr, kind, fl);
}

static uint64_t ref_f2i_exact(double x, int rm, int kind, uint32_t *fl)
{
    double r = x;
    if (isfinite(x)) {
        double t = trunc(x), frac = fabs(x - t), away = t + (x < 0 ? -1 : 1);
        bool odd = fmod(t, 2.0) != 0, up;
        switch (rm) {
        case RNE: up = frac > 0.5 || (frac == 0.5 && odd); break;
        case RMM: up = frac >= 0.5; break;
        case RDN: up = x < 0 && frac != 0; break;
        case RUP: up = x > 0 && frac != 0; break;
        default: up = false; break;
        }
        r = up ? away : t;
    }
    return ref_saturate(x, r, kind, fl);
}

static uint64_t my_f2i(bool dbl, int kind, uint64_t a, int rm, uint32_t *fl)
{
    uint32_t s = (uint32_t)a;
    switch (kind) {
    case K_W: return dbl ? fpu_cvt_w_d(a, rm, fl) : fpu_cvt_w_s(s, rm, fl);
    case K_WU: return dbl ? fpu_cvt_wu_d(a, rm, fl) : fpu_cvt_wu_s(s, rm, fl);
    case K_L: return dbl ? fpu_cvt_l_d(a, rm, fl) : fpu_cvt_l_s(s, rm, fl);
    default: return dbl ? fpu_cvt_lu_d(a, rm, fl) : fpu_cvt_lu_s(s, rm, fl);
    }
}

static void random_f2i(bool dbl, long n)
{
    static const int edges[] = { 30, 31, 32, 62, 63, 64 };
    const struct fmt f = dbl ? FD : FS;
    const int bias = fmt_bias(f);
    const uint64_t mm = (1ull << f.mb) - 1;
    struct tally host[4], exact[4];
    for (int k = 0; k < 4; k++) {
        host[k] = (struct tally){ "vs host", 0, 0 };
        exact[k] = (struct tally){ "vs trunc+remainder", 0, 0 };
    }
    for (long i = 0; i < n; i++) {
        uint64_t a, s = rnd() & 1;
        switch (rnd() % 5) {
        case 0: a = gen_val(f); break;
        case 1:  /* next to 2^31, 2^32, 2^63, 2^64 */
            a = fmt_pack(f, s, bias + edges[rnd() % 6],
                         rnd() & 1 ? mm - (rnd() & 0xff) : rnd() & 0xff);
            break;
        case 2: a = gen_at(f, bias - 2 + (int)(rnd() % 26)); break;
        default: a = gen_at(f, bias - 3 + (int)(rnd() % 70)); break;
        }
        double x = dbl ? u2d(a) : (double)u2f(a);
        for (int k = 0; k < 4; k++) {
            for (int rm = 0; rm < 5; rm++) {
                uint32_t got_fl = 0, want_fl = 0;
                uint64_t got = my_f2i(dbl, k, a, rm, &got_fl);
                uint64_t want = ref_f2i_exact(x, rm, k, &want_fl);
                tally_check(&exact[k], got == want && got_fl == want_fl,
                            kind_name[k], dbl, a, 0, 0, rm, got, got_fl,
                            want, want_fl);
                if (rm != RMM) {
                    want_fl = 0;
                    want = ref_f2i_host(x, rm, k, &want_fl);
                    tally_check(&host[k], got == want && got_fl == want_fl,
                                kind_name[k], dbl, a, 0, 0, rm, got, got_fl,
                                want, want_fl);
                }
            }
        }
    }
    for (int k = 0; k < 4; k++) {
        tally_done(&host[k], kind_name[k], dbl);
        tally_done(&exact[k], kind_name[k], dbl);
        total_random += host[k].n + exact[k].n;
    }
}

/* integer -> float: the eight variants. The host converts 64-bit unsigned
 * values through (exact) binary128. */
static const char *const i2f_name[8] = { "s_w", "s_wu", "s_l", "s_lu",
                                         "d_w", "d_wu", "d_l", "d_lu" };

static uint64_t my_i2f(int v, uint64_t x, int rm, uint32_t *fl)
{
    switch (v) {
    case 0: return fpu_cvt_s_w((int32_t)x, rm, fl);
    case 1: return fpu_cvt_s_wu((uint32_t)x, rm, fl);
    case 2: return fpu_cvt_s_l((int64_t)x, rm, fl);
    case 3: return fpu_cvt_s_lu(x, rm, fl);
    case 4: return fpu_cvt_d_w((int32_t)x, rm, fl);
    case 5: return fpu_cvt_d_wu((uint32_t)x, rm, fl);
    case 6: return fpu_cvt_d_l((int64_t)x, rm, fl);
    default: return fpu_cvt_d_lu(x, rm, fl);
    }
}

static uint64_t host_i2f(int v, uint64_t x, int rm, uint32_t *fl)
{
    uint64_t r;
    vi32 = (int32_t)x, vu32 = (uint32_t)x, vi64 = (int64_t)x, vu64 = x;
    host_begin(rm);
    switch (v) {
    case 0: vfr = (float)vi32; break;
    case 1: vfr = (float)vu32; break;
    case 2: vfr = (float)vi64; break;
    case 3: vqa = vu64; vfr = (float)vqa; break;
    case 4: vdr = (double)vi32; break;
    case 5: vdr = (double)vu32; break;
    case 6: vdr = (double)vi64; break;
    default: vqa = vu64; vdr = (double)vqa; break;
    }
    *fl = host_flags();
    host_end();
    r = v < 4 ? f2u(vfr) : d2u(vdr);
    return r;
}

static f128 i2f_exact(int v, uint64_t x)
{
    switch (v & 3) {
    case 0: return (f128)(int32_t)x;
    case 1: return (f128)(uint32_t)x;
    case 2: return (f128)(int64_t)x;
    default: return (f128)x;
    }
}

static uint64_t gen_int(void)
{
    static const uint64_t special[] = {
        0, 1, ~0ull, 0x7fffffff, 0x80000000, 0xffffffff, 0xffffffff80000000ull,
        0x7fffffffffffffffull, 0x8000000000000000ull, 0x100000001ull,
    };
    uint64_t v = rnd();
    int len, k;
    switch (rnd() % 8) {
    case 0: return v >> (rnd() % 64);
    case 1: return -(v >> (rnd() % 64));
    case 2:  /* near a power of two */
        k = (int)(rnd() % 64);
        return (1ull << k) + (rnd() % 5) - 2;
    case 3: case 4:  /* few significant bits, at 32- or 64-bit scale: ties */
        len = 20 + (int)(rnd() % 44);
        v = (v | 1ull << 63) >> (64 - len);
        v &= ~0ull << (rnd() % (uint64_t)len);
        if (rnd() & 1)
            v >>= 32 - (rnd() % 8);
        return rnd() & 1 ? v : -v;
    case 5: return special[rnd() % (sizeof special / sizeof special[0])];
    default: return v;
    }
}

static void random_i2f(long n)
{
    struct tally host[8], rmm[8];
    for (int v = 0; v < 8; v++) {
        host[v] = (struct tally){ "vs host", 0, 0 };
        rmm[v] = (struct tally){ "vs ref (RMM)", 0, 0 };
    }
    for (long i = 0; i < n; i++) {
        uint64_t x = gen_int();
        for (int v = 0; v < 8; v++) {
            const struct fmt f = v < 4 ? FS : FD;
            for (int rm = 0; rm < 5; rm++) {
                uint32_t got_fl = 0, want_fl = 0;
                uint64_t got = my_i2f(v, x, rm, &got_fl), want;
                if (rm != RMM) {
                    want = host_i2f(v, x, rm, &want_fl);
                    tally_check(&host[v], got == want && got_fl == want_fl,
                                i2f_name[v], v >= 4, x, 0, 0, rm, got, got_fl,
                                want, want_fl);
                } else {
                    f128 w = i2f_exact(v, x);
                    want = w != 0 ? ref_round(w, RMM, f, &want_fl) : 0;
                    tally_check(&rmm[v], got == want && got_fl == want_fl,
                                i2f_name[v], v >= 4, x, 0, 0, rm, got, got_fl,
                                want, want_fl);
                }
            }
        }
    }
    for (int v = 0; v < 8; v++) {
        tally_done(&host[v], i2f_name[v], v >= 4);
        tally_done(&rmm[v], i2f_name[v], v >= 4);
        total_random += host[v].n + rmm[v].n;
    }
}

/* fcvt.s.d (rounding) and fcvt.d.s (exact). */
static void random_fcvt(long n)
{
    struct tally sd = { "vs host", 0, 0 }, sd_rmm = { "vs ref (RMM)", 0, 0 };
    struct tally ds = { "vs host", 0, 0 };
    for (long i = 0; i < n; i++) {
        uint64_t a = rnd() % 3 ? gen_at(FD, 1023 - 155 + (int)(rnd() % 290))
                               : gen_val(FD);
        uint64_t s = gen_val(FS);
        for (int rm = 0; rm < 5; rm++) {
            uint32_t got_fl = 0, want_fl = 0;
            uint64_t got = fpu_cvt_s_d(a, rm, &got_fl), want;
            if (rm != RMM) {
                vda = u2d(a);
                host_begin(rm);
                vfr = (float)vda;
                want_fl = host_flags();
                host_end();
                want = f2u(vfr);
                tally_check(&sd, same(FS, got, got_fl, want, want_fl), "cvt_s",
                            true, a, 0, 0, rm, got, got_fl, want, want_fl);
            } else {
                if (fmt_isfinite(FD, a) && !fmt_iszero(FD, a))
                    want = ref_round((f128)u2d(a), RMM, FS, &want_fl);
                else
                    want = fpu_cvt_s_d(a, RNE, &want_fl);  /* checked above */
                tally_check(&sd_rmm, same(FS, got, got_fl, want, want_fl),
                            "cvt_s", true, a, 0, 0, rm, got, got_fl, want,
                            want_fl);
            }
        }
        uint32_t got_fl = 0, want_fl;
        uint64_t got = fpu_cvt_d_s((uint32_t)s, &got_fl);
        vfa = u2f(s);
        host_begin(RNE);
        vdr = (double)vfa;
        want_fl = host_flags();
        host_end();
        tally_check(&ds, same(FD, got, got_fl, d2u(vdr), want_fl), "cvt_d",
                    false, s, 0, 0, RNE, got, got_fl, d2u(vdr), want_fl);
    }
    tally_done(&sd, "cvt_s", true);
    tally_done(&sd_rmm, "cvt_s", true);
    tally_done(&ds, "cvt_d", false);
    total_random += sd.n + sd_rmm.n + ds.n;
}

/* min/max/eq/lt/le/class against the definitions, on host values. */
static void random_misc(bool dbl, long n)
{
    const struct fmt f = dbl ? FD : FS;
    const uint64_t signbit = 1ull << (f.mb + f.eb);
    struct tally t = { "vs definition", 0, 0 };
    for (long i = 0; i < n; i++) {
        uint64_t a = gen_val(f), b;
        switch (rnd() % 4) {
        case 0: b = a; break;
        case 1: b = a ^ signbit; break;
        case 2: b = a ^ (rnd() & 3); break;
        default: b = gen_val(f); break;
        }
        double x = dbl ? u2d(a) : u2f(a), y = dbl ? u2d(b) : u2f(b);
        bool an = isnan(x), bn = isnan(y);
        bool any_snan = fmt_issnan(f, a) || fmt_issnan(f, b);
        uint32_t fl, want_fl;
        uint64_t got, want;

        for (int is_max = 0; is_max < 2; is_max++) {
            fl = 0;
            got = dbl ? (is_max ? fpu_max_d(a, b, &fl) : fpu_min_d(a, b, &fl))
                      : (is_max ? fpu_max_s((uint32_t)a, (uint32_t)b, &fl)
                                : fpu_min_s((uint32_t)a, (uint32_t)b, &fl));
            want_fl = any_snan ? NV : 0;
            if (an && bn)
                want = fmt_canon(f);
            else if (an || bn)
                want = an ? b : a;
            else if (x != y)
                want = (x < y) != is_max ? a : b;
            else if (x == 0 && signbit(x) != signbit(y))
                want = (signbit(x) != 0) != is_max ? a : b;
            else
                want = a;
            tally_check(&t, got == want && fl == want_fl,
                        is_max ? "max" : "min", dbl, a, b, 0, 0, got, fl,
                        want, want_fl);
        }
        for (int cmp = 0; cmp < 3; cmp++) {
            static const char *const names[3] = { "eq", "lt", "le" };
            fl = 0;
            if (cmp == 0)
                got = dbl ? fpu_eq_d(a, b, &fl) : fpu_eq_s((uint32_t)a, (uint32_t)b, &fl);
            else if (cmp == 1)
                got = dbl ? fpu_lt_d(a, b, &fl) : fpu_lt_s((uint32_t)a, (uint32_t)b, &fl);
            else
                got = dbl ? fpu_le_d(a, b, &fl) : fpu_le_s((uint32_t)a, (uint32_t)b, &fl);
            want = cmp == 0 ? x == y : cmp == 1 ? x < y : x <= y;
            want_fl = cmp == 0 ? (any_snan ? NV : 0) : (an || bn ? NV : 0);
            tally_check(&t, got == want && fl == want_fl, names[cmp], dbl,
                        a, b, 0, 0, got, fl, want, want_fl);
        }
        got = dbl ? fpu_class_d(a) : fpu_class_s((uint32_t)a);
        bool neg = signbit(x) != 0;
        switch (fpclassify(x)) {
        case FP_INFINITE: want = neg ? 1 << 0 : 1 << 7; break;
        case FP_NORMAL: want = neg ? 1 << 1 : 1 << 6; break;
        case FP_SUBNORMAL: want = neg ? 1 << 2 : 1 << 5; break;
        case FP_ZERO: want = neg ? 1 << 3 : 1 << 4; break;
        default: want = fmt_issnan(f, a) ? 1 << 8 : 1 << 9; break;
        }
        /* A float subnormal is a normal double: classify by the encoding. */
        if (!dbl && fmt_expfield(f, a) == 0 && !fmt_iszero(f, a))
            want = neg ? 1 << 2 : 1 << 5;
        tally_check(&t, got == want, "class", dbl, a, 0, 0, 0, got, 0, want, 0);
    }
    tally_done(&t, "misc", dbl);
    total_random += t.n;
}

/* Results must not depend on the host's rounding mode, and the host's mode
 * and flags must be left exactly as found. */
static int run_all(uint64_t a, uint64_t b, uint64_t c, int rm, uint64_t *out)
{
    uint32_t fl = 0;
    int n = 0;
    for (int op = 0; op < OP_COUNT; op++) {
        out[n++] = my_op(op, true, a, b, c, rm, &fl);
        out[n++] = my_op(op, false, a, b, c, rm, &fl);
    }
    out[n++] = fpu_cvt_s_d(a, rm, &fl);
    out[n++] = fpu_cvt_l_d(a, rm, &fl);
    out[n++] = fpu_cvt_wu_s((uint32_t)b, rm, &fl);
    out[n++] = fpu_cvt_d_lu(b, rm, &fl);
    out[n++] = fpu_cvt_s_w((int32_t)c, rm, &fl);
    out[n++] = fl;
    return n;
}

static void host_state_untouched(void)
{
    int bad_state = 0, bad_result = 0;
    for (int i = 0; i < 20000; i++) {
        uint64_t a = gen_val(FD), b = gen_val(FD), c = gen_val(FD);
        uint64_t want[32], got[32];
        int rm = i % 5, mode = host_rm[(i / 5) % 4];
        int n = run_all(a, b, c, rm, want);
        fesetround(mode);
        fpu_host_sync();
        run_all(a, b, c, rm, got);
        if (fegetround() != mode)
            bad_state++;
        fesetround(FE_TONEAREST);
        fpu_host_sync();
        if (memcmp(want, got, n * sizeof want[0]))
            bad_result++;
    }
    CHECK(bad_state == 0, "host rounding mode changed in %d of 20000 rounds",
          bad_state);
    CHECK(bad_result == 0, "results depended on the host's rounding mode in "
          "%d of 20000 rounds", bad_result);
}

int main(void)
{
    fpu_host_sync();
    edge_add();
    edge_mul();
    edge_div_sqrt();
    edge_fma();
    edge_minmax_cmp_class();
    edge_cvt_to_int();
    edge_cvt_from_int();
    edge_cvt_float();
    edge_flags_accrue();

    host_state_untouched();
    /* Arithmetic twice: with the host fast path where it applies, and in
     * integers only. */
    for (int pass = 0; pass < 2; pass++) {
        fpu_host_fast = pass == 0;
        for (int op = 0; op < OP_COUNT; op++) {
            random_arith(op, false, 300000);
            random_arith(op, true, 300000);
        }
    }
    fpu_host_fast = true;
    random_f2i(false, 150000);
    random_f2i(true, 150000);
    random_i2f(150000);
    random_fcvt(300000);
    random_misc(false, 300000);
    random_misc(true, 300000);
    fesetround(FE_TONEAREST);
    printf("fpu_test: %ld random comparisons\n", total_random);
    return unit_done("fpu_test");
}
