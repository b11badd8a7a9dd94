/* SiFive test finisher ("sifive,test0") at 0x100000: the guest writes 0x5555
 * to power off (exit 0), 0x3333 | code << 16 to fail with code, 0x7777 to
 * reset. Other values are ignored. */
#ifndef REPRISE_DEV_FINISHER_H
#define REPRISE_DEV_FINISHER_H

#include <stdint.h>

struct machine;

int finisher_create(struct machine *m, uint64_t base);

#endif
