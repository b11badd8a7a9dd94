/* memcpy: block copies of many sizes and alignments over 2 x 2 MiB: byte
 * loops, 32-bit and 64-bit word loops, a shift-merging copy for mismatched
 * alignments and an overlapping backward move. Each pass hashes the whole
 * destination so that a wrong copy changes the checksum. */
#include "bench.h"

#include <stddef.h>

#ifndef PASSES
#define PASSES 192
#endif
#ifndef EXPECTED
#define EXPECTED 0x2284b33c390b7e95ULL
#endif

#define BUF_SIZE (2u << 20)
#define PAD 64

typedef uint64_t __attribute__((may_alias)) u64a;
typedef uint32_t __attribute__((may_alias)) u32a;

static uint8_t src[BUF_SIZE + PAD] __attribute__((aligned(64)));
static uint8_t dst[BUF_SIZE + PAD] __attribute__((aligned(64)));

static void copy_bytes(uint8_t *d, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

/* d and s 4-byte aligned. */
static void copy_u32(uint8_t *d, const uint8_t *s, size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        *(u32a *)(d + i) = *(const u32a *)(s + i);
    for (; i < n; i++)
        d[i] = s[i];
}

/* d and s 8-byte aligned; four words per iteration. */
static void copy_u64(uint8_t *d, const uint8_t *s, size_t n)
{
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        uint64_t a = *(const u64a *)(s + i), b = *(const u64a *)(s + i + 8);
        uint64_t c = *(const u64a *)(s + i + 16), e = *(const u64a *)(s + i + 24);
        *(u64a *)(d + i) = a;
        *(u64a *)(d + i + 8) = b;
        *(u64a *)(d + i + 16) = c;
        *(u64a *)(d + i + 24) = e;
    }
    for (; i + 8 <= n; i += 8)
        *(u64a *)(d + i) = *(const u64a *)(s + i);
    for (; i < n; i++)
        d[i] = s[i];
}

/* Any alignment: align d, then copy words, merging two aligned source
 * words per destination word when s and d disagree (little-endian). */
static void copy_any(uint8_t *d, const uint8_t *s, size_t n)
{
    while (n && ((uintptr_t)d & 7)) {
        *d++ = *s++;
        n--;
    }
    unsigned sh = (uintptr_t)s & 7;
    if (sh == 0) {
        copy_u64(d, s, n);
        return;
    }
    const u64a *ws = (const u64a *)(s - sh);
    uint64_t lo = *ws++;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t hi = *ws++;
        *(u64a *)(d + i) = (lo >> (8 * sh)) | (hi << (64 - 8 * sh));
        lo = hi;
    }
    for (; i < n; i++)
        d[i] = s[i];
}

/* memmove with d > s and overlap: backwards, words when both allow. */
static void move_back(uint8_t *d, const uint8_t *s, size_t n)
{
    while (n && (((uintptr_t)(d + n) & 7) || ((uintptr_t)(s + n) & 7))) {
        n--;
        d[n] = s[n];
    }
    while (n >= 8) {
        n -= 8;
        *(u64a *)(d + n) = *(const u64a *)(s + n);
    }
    while (n) {
        n--;
        d[n] = s[n];
    }
}

static uint64_t hash_buf(const uint8_t *p, size_t n)
{
    uint64_t h = 0, g = 0;
    for (size_t i = 0; i < n; i += 16) {
        h = (h ^ *(const u64a *)(p + i)) * 0x9fb21c651e98df25ULL;
        g += *(const u64a *)(p + i + 8) ^ (g >> 17);
    }
    return h ^ g;
}

static const uint32_t sizes[] = {
    1, 2, 3, 5, 7, 8, 13, 16, 24, 31, 32, 63, 64, 100, 128, 255, 256, 511, 777,
    1024, 1500, 2048, 4095, 4096, 8191, 16384, 40000, 65536,
};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

int main(void)
{
    uint64_t sum = 0, x = 0x243f6a8885a308d3ULL;
    for (size_t i = 0; i < BUF_SIZE + PAD; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *(u64a *)(src + i) = x;
    }
    size_t pos = 0;
    for (int pass = 0; pass < PASSES; pass++) {
        for (unsigned so = 0; so < 8; so++) {
            for (unsigned dof = 0; dof < 8; dof++) {
                for (unsigned k = 0; k < NSIZES; k++) {
                    size_t n = sizes[(k + so + pass) % NSIZES];
                    if (pos + n + 16 > BUF_SIZE)
                        pos = (pos + n) % 4093;
                    uint8_t *d = dst + ((pos + dof) & ~(size_t)7) + dof;
                    const uint8_t *s = src + ((pos * 3 + so) % (BUF_SIZE - n - 16));
                    switch ((k + so + dof) & 3) {
                    case 0:
                        if (n < 64)
                            copy_bytes(d, s, n);
                        else
                            copy_any(d, s, n);
                        break;
                    case 1:
                        if (((uintptr_t)d & 3) == 0 && ((uintptr_t)s & 3) == 0)
                            copy_u32(d, s, n);
                        else
                            copy_bytes(d, s, n);
                        break;
                    case 2:
                        copy_any(d, s, n);
                        break;
                    default:
                        copy_u64(d - ((uintptr_t)d & 7), s - ((uintptr_t)s & 7), n);
                        break;
                    }
                    sum += d[0] + d[n / 2] + d[n - 1];
                    pos += n + 8;
                }
            }
        }
        /* An overlapping move inside dst, then a word-wise scramble of src so
         * that the next pass copies different data. */
        move_back(dst + 4099 + pass, dst + 3 + pass, 1u << 19);
        for (size_t i = (pass * 4096) % BUF_SIZE; i < BUF_SIZE; i += 4096)
            *(u64a *)(src + i) += sum;
        sum = bench_mix(sum, hash_buf(dst, BUF_SIZE));
    }
    return bench_report("memcpy", sum, EXPECTED);
}
