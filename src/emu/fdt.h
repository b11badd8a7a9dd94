/* Builds the flattened device tree describing exactly the devices the board
 * created (libfdt). */
#ifndef REPRISE_FDT_H
#define REPRISE_FDT_H

#include <stddef.h>
#include <stdint.h>

struct machine;

/* Builds the FDT for m (cpus, memory, chosen with bootargs/initrd/stdout-path,
 * soc with the devices present). *out is new (caller frees with free()).
 * Returns 0 or a negative code with a message. */
int fdt_build(struct machine *m, uint64_t initrd_start, uint64_t initrd_end,
              void **out, size_t *size);

#endif
