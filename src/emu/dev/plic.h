/* PLIC (platform-level interrupt controller) as on QEMU's virt: 95 sources,
 * two contexts per hart (M then S), level-triggered gateways. Devices raise
 * their line through the irq_line that plic_irq returns. */
#ifndef REPRISE_DEV_PLIC_H
#define REPRISE_DEV_PLIC_H

#include <stdint.h>

#include "../irq.h"

struct machine;
struct plic;

#define PLIC_NUM_SOURCES 96   /* source 0 does not exist */

int plic_create(struct machine *m, uint64_t base, struct plic **out);

/* The interrupt line of source n (1..95). */
struct irq_line plic_irq(struct plic *p, int n);

/* Size of the register window for m's number of harts. */
uint64_t plic_size(int nharts);

#endif
