/* Virtual memory: Sv39/Sv48 page-table walks with hardware A/D updates, the
 * software TLB fill, and the slow paths of loads, stores and fetches. The
 * fast path (a TLB hit on RAM) is inlined in exec.c. */
#ifndef REPRISE_MMU_H
#define REPRISE_MMU_H

#include <stdint.h>

#include "cpu.h"

enum mmu_access { ACC_R = 0, ACC_W = 1, ACC_X = 2 };

/* MMU index for data accesses at h's effective privilege (MPRV). */
int mmu_data_index(const struct hart *h);

/* Translates an access of size bytes at va and checks it against PMP. On
 * success returns 0, sets *pa and fills the TLB entry of mmu index idx when
 * the target is RAM or ROM and PMP treats its whole page alike. Otherwise
 * returns the exception cause (page fault or access fault for acc). */
int mmu_translate(struct hart *h, uint64_t va, unsigned size, int acc, int idx, uint64_t *pa);

/* Translates va as an access of type acc at h's current privilege would,
 * but changes nothing: no TLB fill, no A/D update, no trap, no PMP check.
 * For plugins and debuggers. Returns 0 with *pa, or the exception cause. */
int mmu_translate_debug(struct hart *h, uint64_t va, int acc, uint64_t *pa);

/* Slow paths: any alignment, device memory, TLB refill. They return 0, or an
 * exception cause with the faulting address in h->fault_tval. */
int mmu_load_slow(struct hart *h, uint64_t va, unsigned size, uint64_t *val);
int mmu_store_slow(struct hart *h, uint64_t va, unsigned size, uint64_t val);

/* For AMOs and LR/SC: translates an aligned address for a read-modify-write
 * and returns a host pointer into RAM and the physical address. Misaligned
 * addresses raise the misaligned exception; non-RAM raises an access fault. */
int mmu_amo_ptr(struct hart *h, uint64_t va, unsigned size, bool is_lr,
                uint8_t **host, uint64_t *pa);

/* Fetch translation of the page holding va for the current privilege.
 * Returns 0 with the physical address and a host pointer to it (RAM or ROM),
 * or an exception cause (tval in h->fault_tval). */
int mmu_fetch(struct hart *h, uint64_t va, uint64_t *pa, const uint8_t **host);

/* Drops write permission for the physical page pa from every TLB of every
 * hart (it now holds translated code). */
void mmu_protect_code_page(struct machine *m, uint64_t pa);

#endif
