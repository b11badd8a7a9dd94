/* Physical memory protection checks (pmp.c). */
#ifndef REPRISE_PMP_H
#define REPRISE_PMP_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

/* Checks an access of len bytes at physical pa (acc: 0 read, 1 write,
 * 2 execute) at privilege prv. Returns 0 when allowed, -1 when it must
 * raise an access fault. *whole_page (may be NULL) tells whether every byte
 * of pa's page is governed by the same decision, so the TLB may cache it. */
int pmp_check(const struct hart *h, uint64_t pa, uint64_t len, int acc, int prv,
              bool *whole_page);

#endif
