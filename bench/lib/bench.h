/* The benchmark guests' runtime: console output on the ns16550a UART,
 * checksum reporting and exit through the sifive_test finisher. Built with
 * BENCH_HOST the same kernels run natively (stdio), to cross-check the
 * expected checksums against real hardware. */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

#define BENCH_EXIT_CHECKSUM 1   /* finisher code: wrong checksum */
#define BENCH_EXIT_TRAP 2       /* finisher code: unexpected trap */

void bench_puts(const char *s);
void bench_put_hex(uint64_t v);
void bench_put_dec(uint64_t v);

/* Prints "NAME: checksum 0x... ok" (or "... expected 0x... FAIL") and
 * returns the exit code main should return: 0 or BENCH_EXIT_CHECKSUM. */
int bench_report(const char *name, uint64_t got, uint64_t expected);

/* Mixes v into the running checksum h (order-sensitive). */
static inline uint64_t bench_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdULL;
}

#endif
