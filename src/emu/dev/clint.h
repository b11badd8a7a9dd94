/* CLINT (SiFive core-local interruptor): msip and mtimecmp per hart and the
 * shared mtime. mtime is not stored: it is the machine's instruction-derived
 * guest time (design invariant 2), plus whatever offset a guest write set. */
#ifndef REPRISE_DEV_CLINT_H
#define REPRISE_DEV_CLINT_H

#include <stdint.h>

struct machine;
struct hart;
struct clint;

int clint_create(struct machine *m, uint64_t base, struct clint **out);

/* mtimecmp of hart i (UINT64_MAX after reset, as nothing is due). */
uint64_t clint_mtimecmp(const struct clint *c, int hart);

#endif
