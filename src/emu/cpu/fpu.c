/* IEEE 754 binary32/binary64 arithmetic with RISC-V semantics, in integer
 * arithmetic: rounding modes, accrued flags (tininess after rounding),
 * canonical NaNs, fcvt saturation. NaN-boxing and the frm/fflags CSRs are
 * the caller's.
 *
 * Add, subtract, multiply, divide and square root in round-to-nearest also
 * have a fast path on x86-64 hosts (see host_*): IEEE 754 defines these
 * results exactly, so the host's SSE unit computes the same bits, and an
 * exact error term (TwoSum, or an FMA) tells whether the result is inexact.
 * It is taken only where that is all there is to say: finite operands and
 * result well inside the normal range (no overflow, underflow, invalid or
 * division by zero, no NaN to canonicalise), the host in its default mode
 * (round to nearest, no flush to zero, as fpu_host_sync last saw it);
 * everything else, and every other operation, is computed in integers. The
 * fast path may set the host's sticky flags. */
#include "fpu.h"

#include <stdbool.h>
#include <string.h>

#define FPU_INLINE static inline __attribute__((always_inline))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

typedef unsigned __int128 u128;

/* A format is described by its stored mantissa bits (mb) and exponent bits
 * (eb). Every generic helper takes them as arguments; the public functions
 * pass constants, so each helper is specialised per format when inlined.
 * Encodings of both formats travel in uint64_t (binary32 in the low half). */
#define S_MB 23
#define S_EB 8
#define D_MB 52
#define D_EB 11

#define F_EMASK(eb) ((1u << (eb)) - 1)          /* all-ones exponent field */
#define F_BIAS(eb) ((int)(1u << ((eb) - 1)) - 1)
#define F_INF(mb, eb) ((uint64_t)F_EMASK(eb) << (mb))
#define F_ABS(mb, eb) ((1ull << ((mb) + (eb))) - 1)
#define F_CANON(mb, eb) (F_INF(mb, eb) | (1ull << ((mb) - 1)))

/* An unpacked finite nonzero value: (-1)^sign * sig * 2^(exp - 62), with
 * sig in [2^62, 2^63). Where low-order bits were discarded, bit 0 of sig is
 * ORed with them ("jamming"), which keeps every rounding decision exact as
 * long as at least two bits separate it from the rounding position. */
struct unp {
    uint64_t sign;
    int exp;
    uint64_t sig;
};

enum cvt_kind { CVT_W, CVT_WU, CVT_L, CVT_LU };

FPU_INLINE bool f_isnan(uint64_t x, int mb, int eb)
{
    return (x & F_ABS(mb, eb)) > F_INF(mb, eb);
}

FPU_INLINE bool f_issnan(uint64_t x, int mb, int eb)
{
    return f_isnan(x, mb, eb) && !(x & (1ull << (mb - 1)));
}

FPU_INLINE uint64_t f_sign(uint64_t x, int mb, int eb)
{
    return (x >> (mb + eb)) & 1;
}

FPU_INLINE uint64_t shr_jam64(uint64_t x, int d)
{
    if (d == 0)
        return x;
    if (d < 64)
        return (x >> d) | ((x << (64 - d)) != 0);
    return x != 0;
}

FPU_INLINE u128 shr_jam128(u128 x, int d)
{
    if (d == 0)
        return x;
    if (d < 128)
        return (x >> d) | ((x << (128 - d)) != 0);
    return x != 0;
}

FPU_INLINE int clz128(u128 x)  /* x != 0 */
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

/* Unpack a finite nonzero encoding; subnormals are normalised. */
FPU_INLINE struct unp unpack(uint64_t x, int mb, int eb)
{
    struct unp u;
    uint64_t m = x & ((1ull << mb) - 1);
    int e = (int)((x >> mb) & F_EMASK(eb));
    u.sign = f_sign(x, mb, eb);
    if (likely(e != 0)) {
        u.sig = (m | (1ull << mb)) << (62 - mb);
        u.exp = e - F_BIAS(eb);
    } else {
        int lz = __builtin_clzll(m);
        u.sig = m << (lz - 1);
        u.exp = 64 - F_BIAS(eb) - mb - lz;
    }
    return u;
}

/* Amount to add below the kept bits before truncating, for rounding sig at
 * bit position `shift`. */
FPU_INLINE uint64_t round_inc(int rm, uint64_t sign, uint64_t sig, int shift)
{
    const uint64_t half = 1ull << (shift - 1);
    if (likely(rm == FPU_RNE))
        return half - 1 + ((sig >> shift) & 1);
    switch (rm) {
    case FPU_RMM:
        return half;
    case FPU_RDN:
        return sign ? 2 * half - 1 : 0;
    case FPU_RUP:
        return sign ? 0 : 2 * half - 1;
    default:  /* FPU_RTZ */
        return 0;
    }
}

/* Overflow, subnormal and underflow cases of round_pack. */
static uint64_t round_pack_slow(uint64_t sign, int exp, uint64_t sig, int rm,
                                uint32_t *flags, int mb, int eb)
{
    const int shift = 62 - mb;
    const uint64_t lowmask = (1ull << shift) - 1;
    const int emax = (int)F_EMASK(eb) - 1;  /* largest finite biased exponent */
    const int be = exp + F_BIAS(eb);
    const uint64_t sbit = sign << (mb + eb);

    if (be >= emax) {
        if (be == emax) {
            uint64_t r = (sig + round_inc(rm, sign, sig, shift)) >> shift;
            if (r < (2ull << mb)) {
                if (sig & lowmask)
                    *flags |= FPU_NX;
                return sbit + ((uint64_t)(be - 1) << mb) + r;
            }
        }
        *flags |= FPU_OF | FPU_NX;
        bool to_inf = rm == FPU_RNE || rm == FPU_RMM ||
                      (rm == FPU_RDN && sign) || (rm == FPU_RUP && !sign);
        if (to_inf)
            return sbit | F_INF(mb, eb);
        return sbit | ((uint64_t)emax << mb) | ((1ull << mb) - 1);
    }

    /* be <= 0. Tiny after rounding: the result rounded to full precision
     * with an unbounded exponent is still below the smallest normal. */
    bool tiny = be < 0 ||
                sig + round_inc(rm, sign, sig, shift) < (1ull << 63);
    uint64_t s = shr_jam64(sig, 1 - be);
    if (s & lowmask) {
        *flags |= FPU_NX;
        if (tiny)
            *flags |= FPU_UF;
    }
    /* A carry out of the subnormal range yields the smallest normal. */
    return sbit + ((s + round_inc(rm, sign, s, shift)) >> shift);
}

/* Round (-1)^sign * sig * 2^(exp - 62), sig in [2^62, 2^63) and jammed, to
 * the format, raise the flags and return the encoding. */
FPU_INLINE uint64_t round_pack(uint64_t sign, int exp, uint64_t sig, int rm,
                               uint32_t *flags, int mb, int eb)
{
    const int shift = 62 - mb;
    const int be = exp + F_BIAS(eb);
    /* be in [1, emax - 1]: normal even if rounding carries into be + 1. */
    if (likely((unsigned)(be - 1) < F_EMASK(eb) - 2)) {
        if (sig & ((1ull << shift) - 1))
            *flags |= FPU_NX;
        /* The hidden bit of the rounded significand adds 1 to the exponent
         * field, and a rounding carry (2^(mb+1)) adds 2: both are right. */
        return (sign << (mb + eb)) + ((uint64_t)(be - 1) << mb) +
               ((sig + round_inc(rm, sign, sig, shift)) >> shift);
    }
    return round_pack_slow(sign, exp, sig, rm, flags, mb, eb);
}

/* Round X * 2^(e - 124), X a nonzero 128-bit value (jammed), to the format. */
FPU_INLINE uint64_t round_pack128(uint64_t sign, int e, u128 x, int rm,
                                  uint32_t *flags, int mb, int eb)
{
    int lead = 127 - clz128(x);
    uint64_t sig = lead > 62 ? (uint64_t)shr_jam128(x, lead - 62)
                             : (uint64_t)x << (62 - lead);
    return round_pack(sign, e + lead - 124, sig, rm, flags, mb, eb);
}

FPU_INLINE uint64_t exact_zero(int rm, int mb, int eb)
{
    /* x + (-x) and the like: +0 except when rounding down. */
    return (uint64_t)(rm == FPU_RDN) << (mb + eb);
}

FPU_INLINE uint64_t nan_result(uint64_t a, uint64_t b, uint32_t *flags,
                               int mb, int eb)
{
    if (f_issnan(a, mb, eb) || f_issnan(b, mb, eb))
        *flags |= FPU_NV;
    return F_CANON(mb, eb);
}

/* True when both exponent fields are neither 0 nor all ones. */
FPU_INLINE bool both_normal(uint64_t a, uint64_t b, int mb, int eb)
{
    uint32_t fa = (uint32_t)(a >> mb) & F_EMASK(eb);
    uint32_t fb = (uint32_t)(b >> mb) & F_EMASK(eb);
    return fa - 1 < F_EMASK(eb) - 1 && fb - 1 < F_EMASK(eb) - 1;
}

/* ---- add / sub ---------------------------------------------------------- */

FPU_INLINE uint64_t add_finite(struct unp a, struct unp b, int rm,
                               uint32_t *flags, int mb, int eb)
{
    if (a.sign == b.sign) {
        if (a.exp < b.exp) {
            struct unp t = a;
            a = b;
            b = t;
        }
        uint64_t s = a.sig + shr_jam64(b.sig, a.exp - b.exp);
        int e = a.exp;
        if (s >> 63) {
            s = (s >> 1) | (s & 1);
            e++;
        }
        return round_pack(a.sign, e, s, rm, flags, mb, eb);
    }
    if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
        struct unp t = a;
        a = b;
        b = t;
    } else if (a.exp == b.exp && a.sig == b.sig) {
        return exact_zero(rm, mb, eb);
    }
    /* When b was jammed (exponents 2+ apart) at most one bit cancels, and the
     * difference is odd, so it never sits on a rounding boundary. */
    uint64_t s = a.sig - shr_jam64(b.sig, a.exp - b.exp);
    int lz = __builtin_clzll(s) - 1;
    return round_pack(a.sign, a.exp - lz, s << lz, rm, flags, mb, eb);
}

static uint64_t add_special(uint64_t a, uint64_t b, int rm, uint32_t *flags,
                            int mb, int eb)
{
    const uint64_t inf = F_INF(mb, eb);
    uint64_t aa = a & F_ABS(mb, eb), ab = b & F_ABS(mb, eb);
    if (aa > inf || ab > inf)
        return nan_result(a, b, flags, mb, eb);
    if (aa == inf) {
        if (ab == inf && a != b) {
            *flags |= FPU_NV;
            return F_CANON(mb, eb);
        }
        return a;
    }
    if (ab == inf)
        return b;
    if (aa == 0) {
        if (ab == 0)
            return a == b ? a : exact_zero(rm, mb, eb);
        return b;
    }
    if (ab == 0)
        return a;
    return add_finite(unpack(a, mb, eb), unpack(b, mb, eb), rm, flags, mb, eb);
}

FPU_INLINE uint64_t f_add(uint64_t a, uint64_t b, int rm, uint32_t *flags,
                          int mb, int eb)
{
    if (unlikely(!both_normal(a, b, mb, eb)))
        return add_special(a, b, rm, flags, mb, eb);
    return add_finite(unpack(a, mb, eb), unpack(b, mb, eb), rm, flags, mb, eb);
}

/* ---- mul ---------------------------------------------------------------- */

FPU_INLINE uint64_t mul_finite(struct unp a, struct unp b, int rm,
                               uint32_t *flags, int mb, int eb)
{
    int e = a.exp + b.exp;
    uint64_t s;
    if (mb == S_MB) {
        /* 24 x 24 bits: exact in 64 bits, in [2^62, 2^64). */
        s = ((a.sig >> 39) * (b.sig >> 39)) << 16;
    } else {
        u128 p = (u128)a.sig * b.sig;  /* [2^124, 2^126) */
        s = (uint64_t)(p >> 62) | ((uint64_t)p << 2 != 0);
    }
    if (s >> 63) {
        s = (s >> 1) | (s & 1);
        e++;
    }
    return round_pack(a.sign ^ b.sign, e, s, rm, flags, mb, eb);
}

static uint64_t mul_special(uint64_t a, uint64_t b, int rm, uint32_t *flags,
                            int mb, int eb)
{
    const uint64_t inf = F_INF(mb, eb);
    uint64_t aa = a & F_ABS(mb, eb), ab = b & F_ABS(mb, eb);
    uint64_t sbit = (a ^ b) & (1ull << (mb + eb));
    if (aa > inf || ab > inf)
        return nan_result(a, b, flags, mb, eb);
    if (aa == inf || ab == inf) {
        if (aa == 0 || ab == 0) {
            *flags |= FPU_NV;
            return F_CANON(mb, eb);
        }
        return sbit | inf;
    }
    if (aa == 0 || ab == 0)
        return sbit;
    return mul_finite(unpack(a, mb, eb), unpack(b, mb, eb), rm, flags, mb, eb);
}

FPU_INLINE uint64_t f_mul(uint64_t a, uint64_t b, int rm, uint32_t *flags,
                          int mb, int eb)
{
    if (unlikely(!both_normal(a, b, mb, eb)))
        return mul_special(a, b, rm, flags, mb, eb);
    return mul_finite(unpack(a, mb, eb), unpack(b, mb, eb), rm, flags, mb, eb);
}

/* ---- div ---------------------------------------------------------------- */

FPU_INLINE uint64_t div_finite(struct unp a, struct unp b, int rm,
                               uint32_t *flags, int mb, int eb)
{
    int e = a.exp - b.exp;
    uint64_t s;
    if (mb == S_MB) {
        uint64_t x = a.sig >> 39, y = b.sig >> 39, n;
        if (x < y) {
            n = x << 40;
            e--;
        } else {
            n = x << 39;
        }
        uint64_t q = n / y;  /* [2^39, 2^40) */
        s = (q << 23) | (n % y != 0);
    } else {
        u128 n;
        if (a.sig < b.sig) {
            n = (u128)a.sig << 63;
            e--;
        } else {
            n = (u128)a.sig << 62;
        }
        uint64_t q = (uint64_t)(n / b.sig);  /* [2^62, 2^63) */
        /* The remainder is below 2^64, so the low halves decide it. */
        s = q | ((uint64_t)n != q * b.sig);
    }
    return round_pack(a.sign ^ b.sign, e, s, rm, flags, mb, eb);
}

static uint64_t div_special(uint64_t a, uint64_t b, int rm, uint32_t *flags,
                            int mb, int eb)
{
    const uint64_t inf = F_INF(mb, eb);
    uint64_t aa = a & F_ABS(mb, eb), ab = b & F_ABS(mb, eb);
    uint64_t sbit = (a ^ b) & (1ull << (mb + eb));
    if (aa > inf || ab > inf)
        return nan_result(a, b, flags, mb, eb);
    if ((aa == inf && ab == inf) || (aa == 0 && ab == 0)) {
        *flags |= FPU_NV;
        return F_CANON(mb, eb);
    }
    if (aa == inf)
        return sbit | inf;
    if (ab == inf)
        return sbit;
    if (ab == 0) {
        *flags |= FPU_DZ;
        return sbit | inf;
    }
    if (aa == 0)
        return sbit;
    return div_finite(unpack(a, mb, eb), unpack(b, mb, eb), rm, flags, mb, eb);
}

FPU_INLINE uint64_t f_div(uint64_t a, uint64_t b, int rm, uint32_t *flags,
                          int mb, int eb)
{
    if (unlikely(!both_normal(a, b, mb, eb)))
        return div_special(a, b, rm, flags, mb, eb);
    return div_finite(unpack(a, mb, eb), unpack(b, mb, eb), rm, flags, mb, eb);
}

/* ---- sqrt --------------------------------------------------------------- */

/* 2^16 / sqrt(m) at the midpoints of m in [1, 4) split into steps of 1/16. */
static const uint16_t rsqrt_seed[48] = {
    64535, 62664, 60947, 59364, 57898, 56535, 55265, 54076,
    52961, 51912, 50923, 49989, 49104, 48265, 47467, 46707,
    45983, 45292, 44630, 43997, 43390, 42808, 42248, 41710,
    41192, 40693, 40211, 39746, 39297, 38863, 38443, 38036,
    37642, 37260, 36889, 36529, 36179, 35840, 35509, 35188,
    34875, 34571, 34274, 33985, 33703, 33427, 33159, 32897,
};

static uint64_t f_sqrt(uint64_t a, int rm, uint32_t *flags, int mb, int eb)
{
    const uint64_t inf = F_INF(mb, eb);
    uint64_t aa = a & F_ABS(mb, eb);
    if (aa > inf)
        return nan_result(a, a, flags, mb, eb);
    if (aa == 0)
        return a;  /* sqrt(-0) = -0 */
    if (f_sign(a, mb, eb)) {
        *flags |= FPU_NV;
        return F_CANON(mb, eb);
    }
    if (aa == inf)
        return a;

    struct unp u = unpack(a, mb, eb);
    /* m = mm / 2^62 in [1, 4), exponent made even. */
    uint64_t mm = u.sig;
    int e = u.exp;
    if (e & 1) {
        mm <<= 1;
        e--;
    }
    /* y ~ 2^63 / sqrt(m) by Newton's iteration y' = y (3 - m y^2) / 2, which
     * approaches from below; the precision roughly doubles per step. */
    uint64_t y = (uint64_t)rsqrt_seed[(mm >> 58) - 16] << 47;
    for (int i = mb == S_MB ? 3 : 4; i > 0; i--) {
        uint64_t y2 = (uint64_t)(((u128)y * y) >> 64);          /* y^2 2^62 */
        uint64_t my2 = (uint64_t)(((u128)mm * y2) >> 62);        /* m y^2 2^62 */
        y = (uint64_t)(((u128)y * ((3ull << 62) - my2)) >> 63);
    }
    /* r = floor(sqrt(m) 2^k) with k = mb + 2 (two bits below the precision),
     * fixed up exactly against the radicand m 2^(2k). */
    const int k = mb + 2;
    uint64_t r = (uint64_t)(((u128)mm * y) >> (125 - k));
    uint64_t sig;
    if (mb == S_MB) {
        uint64_t rad = mm >> (62 - 2 * k);  /* exact: low bits are zero */
        while (r * r > rad)
            r--;
        while ((r + 1) * (r + 1) <= rad)
            r++;
        sig = (r << (62 - k)) | (r * r != rad);
    } else {
        u128 rad = (u128)mm << (2 * k - 62);
        while ((u128)r * r > rad)
            r--;
        while ((u128)(r + 1) * (r + 1) <= rad)
            r++;
        sig = (r << (62 - k)) | ((u128)r * r != rad);
    }
    return round_pack(0, e / 2, sig, rm, flags, mb, eb);
}

/* ---- fma ---------------------------------------------------------------- */

/* a * b + c, all finite and nonzero. The exact product (at most 106 bits)
 * and the addend are aligned in 128 bits; whichever is smaller is jammed. */
FPU_INLINE uint64_t fma_finite(struct unp a, struct unp b, struct unp c,
                               int rm, uint32_t *flags, int mb, int eb)
{
    uint64_t ps = a.sign ^ b.sign;
    int ep = a.exp + b.exp;            /* product = p * 2^(ep - 124) */
    u128 p = (u128)a.sig * b.sig;      /* [2^124, 2^126) */
    u128 q = (u128)c.sig << 62;        /* addend = q * 2^(c.exp - 124) */
    int e;
    if (ep >= c.exp) {
        q = shr_jam128(q, ep - c.exp);
        e = ep;
    } else {
        p = shr_jam128(p, c.exp - ep);
        e = c.exp;
    }
    if (ps == c.sign)
        return round_pack128(ps, e, p + q, rm, flags, mb, eb);
    if (p > q)
        return round_pack128(ps, e, p - q, rm, flags, mb, eb);
    if (p < q)
        return round_pack128(c.sign, e, q - p, rm, flags, mb, eb);
    return exact_zero(rm, mb, eb);
}

static uint64_t fma_special(uint64_t a, uint64_t b, uint64_t c, int rm,
                            uint32_t *flags, int mb, int eb)
{
    const uint64_t inf = F_INF(mb, eb);
    const uint64_t signbit = 1ull << (mb + eb);
    uint64_t aa = a & F_ABS(mb, eb), ab = b & F_ABS(mb, eb);
    uint64_t ac = c & F_ABS(mb, eb);
    uint64_t psign = (a ^ b) & signbit;
    bool inf_zero = (aa == inf && ab == 0) || (aa == 0 && ab == inf);

    if (aa > inf || ab > inf || ac > inf) {
        /* RISC-V: inf * 0 + qNaN is invalid too. */
        if (inf_zero || f_issnan(c, mb, eb))
            *flags |= FPU_NV;
        return nan_result(a, b, flags, mb, eb);
    }
    if (inf_zero) {
        *flags |= FPU_NV;
        return F_CANON(mb, eb);
    }
    if (aa == inf || ab == inf) {
        if (ac == inf && (c & signbit) != psign) {
            *flags |= FPU_NV;
            return F_CANON(mb, eb);
        }
        return psign | inf;
    }
    if (ac == inf)
        return c;
    if (aa == 0 || ab == 0) {
        if (ac == 0)
            return (c & signbit) == psign ? c : exact_zero(rm, mb, eb);
        return c;
    }
    if (ac == 0)
        return mul_finite(unpack(a, mb, eb), unpack(b, mb, eb), rm, flags,
                          mb, eb);
    return fma_finite(unpack(a, mb, eb), unpack(b, mb, eb), unpack(c, mb, eb),
                      rm, flags, mb, eb);
}

FPU_INLINE uint64_t f_fma(uint64_t a, uint64_t b, uint64_t c, int rm,
                          uint32_t *flags, int mb, int eb)
{
    if (unlikely(!both_normal(a, b, mb, eb) || !both_normal(c, c, mb, eb)))
        return fma_special(a, b, c, rm, flags, mb, eb);
    return fma_finite(unpack(a, mb, eb), unpack(b, mb, eb), unpack(c, mb, eb),
                      rm, flags, mb, eb);
}

/* ---- min / max / compare / class ---------------------------------------- */

/* An unsigned key ordering non-NaN encodings numerically, with -0 < +0. */
FPU_INLINE uint64_t order_key(uint64_t x, int mb, int eb)
{
    const uint64_t signbit = 1ull << (mb + eb);
    return (x & signbit) ? ~x & (2 * signbit - 1) : x | signbit;
}

static uint64_t f_minmax(uint64_t a, uint64_t b, uint32_t *flags, bool is_max,
                         int mb, int eb)
{
    bool an = f_isnan(a, mb, eb), bn = f_isnan(b, mb, eb);
    if (an || bn) {
        if (f_issnan(a, mb, eb) || f_issnan(b, mb, eb))
            *flags |= FPU_NV;
        if (an && bn)
            return F_CANON(mb, eb);
        return an ? b : a;
    }
    bool a_less = order_key(a, mb, eb) < order_key(b, mb, eb);
    return a_less != is_max ? a : b;
}

static int f_eq(uint64_t a, uint64_t b, uint32_t *flags, int mb, int eb)
{
    if (f_isnan(a, mb, eb) || f_isnan(b, mb, eb)) {
        if (f_issnan(a, mb, eb) || f_issnan(b, mb, eb))
            *flags |= FPU_NV;
        return 0;
    }
    return a == b || ((a | b) & F_ABS(mb, eb)) == 0;
}

/* Signaling a < b (or_equal: a <= b). */
static int f_less(uint64_t a, uint64_t b, uint32_t *flags, bool or_equal,
                  int mb, int eb)
{
    if (f_isnan(a, mb, eb) || f_isnan(b, mb, eb)) {
        *flags |= FPU_NV;
        return 0;
    }
    if (((a | b) & F_ABS(mb, eb)) == 0)
        return or_equal;
    uint64_t ka = order_key(a, mb, eb), kb = order_key(b, mb, eb);
    return or_equal ? ka <= kb : ka < kb;
}

static uint64_t f_class(uint64_t x, int mb, int eb)
{
    bool neg = f_sign(x, mb, eb);
    uint64_t m = x & ((1ull << mb) - 1);
    uint32_t e = (uint32_t)(x >> mb) & F_EMASK(eb);
    if (e == F_EMASK(eb)) {
        if (m == 0)
            return neg ? 1u << 0 : 1u << 7;
        return (m >> (mb - 1)) ? 1u << 9 : 1u << 8;
    }
    if (e == 0) {
        if (m == 0)
            return neg ? 1u << 3 : 1u << 4;
        return neg ? 1u << 2 : 1u << 5;
    }
    return neg ? 1u << 1 : 1u << 6;
}

/* ---- conversions -------------------------------------------------------- */

/* The saturated result of an invalid conversion, with NV raised. */
static uint64_t cvt_invalid(bool neg, uint64_t pos_max, uint64_t neg_max,
                            bool is_word, uint32_t *flags)
{
    uint64_t v = neg ? -neg_max : pos_max;
    *flags |= FPU_NV;
    return is_word ? (uint64_t)(int64_t)(int32_t)(uint32_t)v : v;
}

static uint64_t f_to_int(uint64_t x, int rm, uint32_t *flags,
                         enum cvt_kind kind, int mb, int eb)
{
    const uint64_t inf = F_INF(mb, eb);
    const bool is_signed = kind == CVT_W || kind == CVT_L;
    const bool is_word = kind == CVT_W || kind == CVT_WU;
    const uint64_t pos_max = kind == CVT_W ? 0x7fffffffull
                           : kind == CVT_WU ? 0xffffffffull
                           : kind == CVT_L ? 0x7fffffffffffffffull
                           : ~0ull;
    /* The largest magnitude a negative result may have (0 if unsigned). */
    const uint64_t neg_max = is_signed ? pos_max + 1 : 0;
    uint64_t ax = x & F_ABS(mb, eb);
    bool neg = f_sign(x, mb, eb);

    if (ax > inf)  /* NaN -> the largest positive value */
        return cvt_invalid(false, pos_max, neg_max, is_word, flags);
    if (ax == 0)
        return 0;
    if (ax == inf)
        return cvt_invalid(neg, pos_max, neg_max, is_word, flags);
    struct unp u = unpack(x, mb, eb);
    if (u.exp >= 64)  /* |x| >= 2^64 */
        return cvt_invalid(neg, pos_max, neg_max, is_word, flags);

    uint64_t mag, frac = 0;  /* frac: the part below 1, as a 0.64 fraction */
    if (u.exp >= 62) {
        mag = u.sig << (u.exp - 62);
    } else {
        int sh = 62 - u.exp;  /* >= 1 */
        mag = sh < 64 ? u.sig >> sh : 0;
        frac = sh < 64 ? u.sig << (64 - sh) : 1;  /* 1: nonzero, below half */
        bool up;
        switch (rm) {
        case FPU_RNE:
            up = frac > (1ull << 63) || (frac == (1ull << 63) && (mag & 1));
            break;
        case FPU_RMM:
            up = frac >= (1ull << 63);
            break;
        case FPU_RDN:
            up = neg && frac;
            break;
        case FPU_RUP:
            up = !neg && frac;
            break;
        default:
            up = false;
            break;
        }
        mag += up;
    }
    if (neg ? mag > neg_max : mag > pos_max)
        return cvt_invalid(neg, pos_max, neg_max, is_word, flags);
    if (frac)
        *flags |= FPU_NX;
    uint64_t v = neg ? -mag : mag;
    return is_word ? (uint64_t)(int64_t)(int32_t)(uint32_t)v : v;
}

FPU_INLINE uint64_t int_to_f(uint64_t mag, uint64_t neg, int rm,
                             uint32_t *flags, int mb, int eb)
{
    if (mag == 0)
        return 0;
    int lz = __builtin_clzll(mag);
    uint64_t s = mag << lz;  /* leading one at bit 63 */
    return round_pack(neg, 63 - lz, (s >> 1) | (s & 1), rm, flags, mb, eb);
}

/* Convert between formats (from mb0/eb0 to mb/eb), rounding if narrowing. */
FPU_INLINE uint64_t f_convert(uint64_t x, int rm, uint32_t *flags,
                              int mb0, int eb0, int mb, int eb)
{
    uint64_t ax = x & F_ABS(mb0, eb0);
    uint64_t sbit = f_sign(x, mb0, eb0) << (mb + eb);
    if (ax > F_INF(mb0, eb0)) {
        if (f_issnan(x, mb0, eb0))
            *flags |= FPU_NV;
        return F_CANON(mb, eb);
    }
    if (ax == F_INF(mb0, eb0))
        return sbit | F_INF(mb, eb);
    if (ax == 0)
        return sbit;
    struct unp u = unpack(x, mb0, eb0);
    return round_pack(u.sign, u.exp, u.sig, rm, flags, mb, eb);
}

/* ---- host fast path ----------------------------------------------------- */

bool fpu_host_fast = true;

#if defined(__x86_64__)
/* Bounds on the biased exponent of operands and results for the fast path:
 * far enough from both ends that no intermediate overflows and every error
 * term is exactly representable. */
#define HD_LO 64
#define HD_HI (2046 - 64)
#define HS_LO 30
#define HS_HI (254 - 30)

static double d_of(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint64_t u_of_d(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static float f_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t u_of_f(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static unsigned d_exp(uint64_t u) { return (unsigned)(u >> 52) & 0x7ff; }
static unsigned s_exp(uint32_t u) { return (u >> 23) & 0xff; }

/* What fpu_host_sync last found: the host in its default floating-point
 * mode (round to nearest, every exception masked, no flush-to-zero or
 * denormals-are-zero). Reading the mode costs more than an operation, so it
 * is not read for each. And whether the host has FMA (asked once). */
static bool host_mode_default, host_has_fma, host_has_fma_known;

void fpu_host_sync(void)
{
    unsigned csr;
    __asm__ volatile("stmxcsr %0" : "=m"(csr));
    host_mode_default = (csr & 0xffc0u) == 0x1f80u;
    fpu_host_has_fma();   /* (HOST_FMA_OP reads host_has_fma) */
}

bool fpu_host_has_fma(void)
{
    if (!host_has_fma_known) {
        __builtin_cpu_init();
        host_has_fma = __builtin_cpu_supports("fma");
        host_has_fma_known = true;
    }
    return host_has_fma;
}

bool fpu_host_usable(void)
{
    return host_mode_default && fpu_host_fast;
}

static bool host_ok(int rm)
{
    return rm == FPU_RNE && fpu_host_usable();
}

/* a + b, with TwoSum's exact rounding error err. Operands below half the
 * largest power of two: neither the sum nor any step of TwoSum overflows,
 * and a sum that is tiny is exact, so inexact is all there is to raise.
 * The operands alone decide whether the fast path applies. */
static bool host_add_d(uint64_t a, uint64_t b, uint64_t *r, uint32_t *flags)
{
    if (d_exp(a) > 0x7fc || d_exp(b) > 0x7fc)
        return false;
    double x = d_of(a), y = d_of(b), s = x + y;
    double yy = s - x, err = (x - (s - yy)) + (y - yy);
    *flags |= err != 0 ? FPU_NX : 0;
    *r = u_of_d(s);
    return true;
}

static bool host_add_s(uint32_t a, uint32_t b, uint32_t *r, uint32_t *flags)
{
    if (s_exp(a) > 0xfc || s_exp(b) > 0xfc)
        return false;
    float x = f_of(a), y = f_of(b), s = x + y;
    float yy = s - x, err = (x - (s - yy)) + (y - yy);
    *flags |= err != 0 ? FPU_NX : 0;
    *r = u_of_f(s);
    return true;
}

/* Multiplication, division and square root check exactness with an FMA:
 * the error a*b - p, the remainder a - q*b and a - s*s are exact there. */
__attribute__((target("fma")))
static bool host_mul_d(uint64_t a, uint64_t b, uint64_t *r, uint32_t *flags)
{
    unsigned ea = d_exp(a), eb = d_exp(b);
    if (ea < HD_LO || ea > HD_HI || eb < HD_LO || eb > HD_HI)
        return false;
    double x = d_of(a), y = d_of(b), p = x * y;
    unsigned ep = d_exp(u_of_d(p));
    if (ep < HD_LO || ep > HD_HI)
        return false;
    *flags |= __builtin_fma(x, y, -p) != 0 ? FPU_NX : 0;
    *r = u_of_d(p);
    return true;
}

__attribute__((target("fma")))
static bool host_div_d(uint64_t a, uint64_t b, uint64_t *r, uint32_t *flags)
{
    unsigned ea = d_exp(a), eb = d_exp(b);
    if (ea < HD_LO || ea > HD_HI || eb < HD_LO || eb > HD_HI)
        return false;
    double x = d_of(a), y = d_of(b), q = x / y;
    unsigned eq = d_exp(u_of_d(q));
    if (eq < HD_LO || eq > HD_HI)
        return false;
    *flags |= __builtin_fma(-q, y, x) != 0 ? FPU_NX : 0;
    *r = u_of_d(q);
    return true;
}

__attribute__((target("fma")))
static bool host_sqrt_d(uint64_t a, uint64_t *r, uint32_t *flags)
{
    unsigned ea = d_exp(a);
    if ((a >> 63) || ea < HD_LO || ea > HD_HI)
        return false;
    double x = d_of(a), s = __builtin_sqrt(x);
    *flags |= __builtin_fma(-s, s, x) != 0 ? FPU_NX : 0;
    *r = u_of_d(s);
    return true;
}

__attribute__((target("fma")))
static bool host_mul_s(uint32_t a, uint32_t b, uint32_t *r, uint32_t *flags)
{
    unsigned ea = s_exp(a), eb = s_exp(b);
    if (ea < HS_LO || ea > HS_HI || eb < HS_LO || eb > HS_HI)
        return false;
    float x = f_of(a), y = f_of(b), p = x * y;
    unsigned ep = s_exp(u_of_f(p));
    if (ep < HS_LO || ep > HS_HI)
        return false;
    *flags |= __builtin_fmaf(x, y, -p) != 0 ? FPU_NX : 0;
    *r = u_of_f(p);
    return true;
}

__attribute__((target("fma")))
static bool host_div_s(uint32_t a, uint32_t b, uint32_t *r, uint32_t *flags)
{
    unsigned ea = s_exp(a), eb = s_exp(b);
    if (ea < HS_LO || ea > HS_HI || eb < HS_LO || eb > HS_HI)
        return false;
    float x = f_of(a), y = f_of(b), q = x / y;
    unsigned eq = s_exp(u_of_f(q));
    if (eq < HS_LO || eq > HS_HI)
        return false;
    *flags |= __builtin_fmaf(-q, y, x) != 0 ? FPU_NX : 0;
    *r = u_of_f(q);
    return true;
}

__attribute__((target("fma")))
static bool host_sqrt_s(uint32_t a, uint32_t *r, uint32_t *flags)
{
    unsigned ea = s_exp(a);
    if ((a >> 31) || ea < HS_LO || ea > HS_HI)
        return false;
    float x = f_of(a), s = __builtin_sqrtf(x);
    *flags |= __builtin_fmaf(-s, s, x) != 0 ? FPU_NX : 0;
    *r = u_of_f(s);
    return true;
}

#define HOST_ADD_D(a, b, rm, flags) do { uint64_t r_; \
    if (host_ok(rm) && host_add_d(a, b, &r_, flags)) return r_; } while (0)
#define HOST_ADD_S(a, b, rm, flags) do { uint32_t r_; \
    if (host_ok(rm) && host_add_s(a, b, &r_, flags)) return r_; } while (0)
#define HOST_FMA_OP(call, T, rm) do { T r_; \
    if (host_ok(rm) && host_has_fma && call) return r_; } while (0)
#else
void fpu_host_sync(void)
{
}

bool fpu_host_usable(void)
{
    return false;
}

bool fpu_host_has_fma(void)
{
    return false;
}

#define HOST_ADD_D(a, b, rm, flags) do { } while (0)
#define HOST_ADD_S(a, b, rm, flags) do { } while (0)
#define HOST_FMA_OP(call, T, rm) do { } while (0)
#endif

/* ---- public entry points ------------------------------------------------ */

uint32_t fpu_add_s(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
    HOST_ADD_S(a, b, rm, flags);
    return (uint32_t)f_add(a, b, rm, flags, S_MB, S_EB);
}

uint32_t fpu_sub_s(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
    HOST_ADD_S(a, b ^ 0x80000000u, rm, flags);
    return (uint32_t)f_add(a, b ^ 0x80000000u, rm, flags, S_MB, S_EB);
}

uint32_t fpu_mul_s(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
    HOST_FMA_OP(host_mul_s(a, b, &r_, flags), uint32_t, rm);
    return (uint32_t)f_mul(a, b, rm, flags, S_MB, S_EB);
}

uint32_t fpu_div_s(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
    HOST_FMA_OP(host_div_s(a, b, &r_, flags), uint32_t, rm);
    return (uint32_t)f_div(a, b, rm, flags, S_MB, S_EB);
}

uint32_t fpu_sqrt_s(uint32_t a, int rm, uint32_t *flags)
{
    HOST_FMA_OP(host_sqrt_s(a, &r_, flags), uint32_t, rm);
    return (uint32_t)f_sqrt(a, rm, flags, S_MB, S_EB);
}

uint32_t fpu_fma_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *flags)
{
    return (uint32_t)f_fma(a, b, c, rm, flags, S_MB, S_EB);
}

uint32_t fpu_min_s(uint32_t a, uint32_t b, uint32_t *flags)
{
    return (uint32_t)f_minmax(a, b, flags, false, S_MB, S_EB);
}

uint32_t fpu_max_s(uint32_t a, uint32_t b, uint32_t *flags)
{
    return (uint32_t)f_minmax(a, b, flags, true, S_MB, S_EB);
}

int fpu_eq_s(uint32_t a, uint32_t b, uint32_t *flags)
{
    return f_eq(a, b, flags, S_MB, S_EB);
}

int fpu_lt_s(uint32_t a, uint32_t b, uint32_t *flags)
{
    return f_less(a, b, flags, false, S_MB, S_EB);
}

int fpu_le_s(uint32_t a, uint32_t b, uint32_t *flags)
{
    return f_less(a, b, flags, true, S_MB, S_EB);
}

uint64_t fpu_class_s(uint32_t a)
{
    return f_class(a, S_MB, S_EB);
}

uint64_t fpu_add_d(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    HOST_ADD_D(a, b, rm, flags);
    return f_add(a, b, rm, flags, D_MB, D_EB);
}

uint64_t fpu_sub_d(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    HOST_ADD_D(a, b ^ (1ull << 63), rm, flags);
    return f_add(a, b ^ (1ull << 63), rm, flags, D_MB, D_EB);
}

uint64_t fpu_mul_d(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    HOST_FMA_OP(host_mul_d(a, b, &r_, flags), uint64_t, rm);
    return f_mul(a, b, rm, flags, D_MB, D_EB);
}

uint64_t fpu_div_d(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    HOST_FMA_OP(host_div_d(a, b, &r_, flags), uint64_t, rm);
    return f_div(a, b, rm, flags, D_MB, D_EB);
}

uint64_t fpu_sqrt_d(uint64_t a, int rm, uint32_t *flags)
{
    HOST_FMA_OP(host_sqrt_d(a, &r_, flags), uint64_t, rm);
    return f_sqrt(a, rm, flags, D_MB, D_EB);
}

uint64_t fpu_fma_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *flags)
{
    return f_fma(a, b, c, rm, flags, D_MB, D_EB);
}

uint64_t fpu_min_d(uint64_t a, uint64_t b, uint32_t *flags)
{
    return f_minmax(a, b, flags, false, D_MB, D_EB);
}

uint64_t fpu_max_d(uint64_t a, uint64_t b, uint32_t *flags)
{
    return f_minmax(a, b, flags, true, D_MB, D_EB);
}

int fpu_eq_d(uint64_t a, uint64_t b, uint32_t *flags)
{
    return f_eq(a, b, flags, D_MB, D_EB);
}

int fpu_lt_d(uint64_t a, uint64_t b, uint32_t *flags)
{
    return f_less(a, b, flags, false, D_MB, D_EB);
}

int fpu_le_d(uint64_t a, uint64_t b, uint32_t *flags)
{
    return f_less(a, b, flags, true, D_MB, D_EB);
}

uint64_t fpu_class_d(uint64_t a)
{
    return f_class(a, D_MB, D_EB);
}

uint64_t fpu_cvt_w_s(uint32_t a, int rm, uint32_t *flags)
{
    return f_to_int(a, rm, flags, CVT_W, S_MB, S_EB);
}

uint64_t fpu_cvt_wu_s(uint32_t a, int rm, uint32_t *flags)
{
    return f_to_int(a, rm, flags, CVT_WU, S_MB, S_EB);
}

uint64_t fpu_cvt_l_s(uint32_t a, int rm, uint32_t *flags)
{
    return f_to_int(a, rm, flags, CVT_L, S_MB, S_EB);
}

uint64_t fpu_cvt_lu_s(uint32_t a, int rm, uint32_t *flags)
{
    return f_to_int(a, rm, flags, CVT_LU, S_MB, S_EB);
}

uint64_t fpu_cvt_w_d(uint64_t a, int rm, uint32_t *flags)
{
    return f_to_int(a, rm, flags, CVT_W, D_MB, D_EB);
}

uint64_t fpu_cvt_wu_d(uint64_t a, int rm, uint32_t *flags)
{
    return f_to_int(a, rm, flags, CVT_WU, D_MB, D_EB);
}

uint64_t fpu_cvt_l_d(uint64_t a, int rm, uint32_t *flags)
{
    return f_to_int(a, rm, flags, CVT_L, D_MB, D_EB);
}

uint64_t fpu_cvt_lu_d(uint64_t a, int rm, uint32_t *flags)
{
    return f_to_int(a, rm, flags, CVT_LU, D_MB, D_EB);
}

uint32_t fpu_cvt_s_w(int32_t v, int rm, uint32_t *flags)
{
    uint64_t mag = v < 0 ? -(uint64_t)(int64_t)v : (uint64_t)v;
    return (uint32_t)int_to_f(mag, v < 0, rm, flags, S_MB, S_EB);
}

uint32_t fpu_cvt_s_wu(uint32_t v, int rm, uint32_t *flags)
{
    return (uint32_t)int_to_f(v, 0, rm, flags, S_MB, S_EB);
}

uint32_t fpu_cvt_s_l(int64_t v, int rm, uint32_t *flags)
{
    uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
    return (uint32_t)int_to_f(mag, v < 0, rm, flags, S_MB, S_EB);
}

uint32_t fpu_cvt_s_lu(uint64_t v, int rm, uint32_t *flags)
{
    return (uint32_t)int_to_f(v, 0, rm, flags, S_MB, S_EB);
}

uint64_t fpu_cvt_d_w(int32_t v, int rm, uint32_t *flags)
{
    uint64_t mag = v < 0 ? -(uint64_t)(int64_t)v : (uint64_t)v;
    return int_to_f(mag, v < 0, rm, flags, D_MB, D_EB);
}

uint64_t fpu_cvt_d_wu(uint32_t v, int rm, uint32_t *flags)
{
    return int_to_f(v, 0, rm, flags, D_MB, D_EB);
}

uint64_t fpu_cvt_d_l(int64_t v, int rm, uint32_t *flags)
{
    uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
    return int_to_f(mag, v < 0, rm, flags, D_MB, D_EB);
}

uint64_t fpu_cvt_d_lu(uint64_t v, int rm, uint32_t *flags)
{
    return int_to_f(v, 0, rm, flags, D_MB, D_EB);
}

uint32_t fpu_cvt_s_d(uint64_t a, int rm, uint32_t *flags)
{
    return (uint32_t)f_convert(a, rm, flags, D_MB, D_EB, S_MB, S_EB);
}

uint64_t fpu_cvt_d_s(uint32_t a, uint32_t *flags)
{
    /* Widening is exact, so the rounding mode never matters. */
    return f_convert(a, FPU_RNE, flags, S_MB, S_EB, D_MB, D_EB);
}
