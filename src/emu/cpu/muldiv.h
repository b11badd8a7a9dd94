/* The M extension's multiply-high and division results, edge cases
 * included (division by zero, the most negative number divided by -1), as
 * the ISA defines them. One definition for the interpreter (exec.c) and the
 * block compiler (jit_x86.c, which calls these for the ops it does not
 * inline). */
#ifndef REPRISE_CPU_MULDIV_H
#define REPRISE_CPU_MULDIV_H

#include <stdint.h>

static inline uint64_t rv_mulhsu(uint64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)(int64_t)a * (__int128)(unsigned __int128)b) >> 64);
}

static inline uint64_t rv_div(uint64_t x, uint64_t y)
{
    int64_t a = (int64_t)x, b = (int64_t)y;
    return b == 0 ? ~0ULL : (a == INT64_MIN && b == -1) ? (uint64_t)a : (uint64_t)(a / b);
}

static inline uint64_t rv_divu(uint64_t a, uint64_t b)
{
    return b == 0 ? ~0ULL : a / b;
}

static inline uint64_t rv_rem(uint64_t x, uint64_t y)
{
    int64_t a = (int64_t)x, b = (int64_t)y;
    return b == 0 ? (uint64_t)a : (a == INT64_MIN && b == -1) ? 0 : (uint64_t)(a % b);
}

static inline uint64_t rv_remu(uint64_t a, uint64_t b)
{
    return b == 0 ? a : a % b;
}

static inline uint64_t rv_divw(uint64_t x, uint64_t y)
{
    int32_t a = (int32_t)x, b = (int32_t)y;
    int32_t r = b == 0 ? -1 : (a == INT32_MIN && b == -1) ? a : a / b;
    return (uint64_t)(int64_t)r;
}

static inline uint64_t rv_divuw(uint64_t x, uint64_t y)
{
    uint32_t a = (uint32_t)x, b = (uint32_t)y;
    return (uint64_t)(int64_t)(int32_t)(b == 0 ? 0xffffffffu : a / b);
}

static inline uint64_t rv_remw(uint64_t x, uint64_t y)
{
    int32_t a = (int32_t)x, b = (int32_t)y;
    int32_t r = b == 0 ? a : (a == INT32_MIN && b == -1) ? 0 : a % b;
    return (uint64_t)(int64_t)r;
}

static inline uint64_t rv_remuw(uint64_t x, uint64_t y)
{
    uint32_t a = (uint32_t)x, b = (uint32_t)y;
    return (uint64_t)(int64_t)(int32_t)(b == 0 ? a : a % b);
}

#endif
