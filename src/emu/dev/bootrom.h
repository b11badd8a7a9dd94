/* The reset ROM at 0x1000, laid out as QEMU's virt board does: a stub that
 * loads a0 = mhartid, a1 = FDT address, a2 = &fw_dynamic_info and jumps to the
 * start address, followed by those words and the fw_dynamic_info block. */
#ifndef REPRISE_DEV_BOOTROM_H
#define REPRISE_DEV_BOOTROM_H

#include <stdint.h>

struct machine;

/* next_addr/next_mode fill fw_dynamic_info (next_addr 0 when no -kernel;
 * next_mode 1 = S-mode). Maps the ROM at VIRT_BOOTROM_BASE. */
int bootrom_create(struct machine *m, uint64_t start, uint64_t fdt_addr,
                   uint64_t next_addr, uint64_t next_mode);

#endif
