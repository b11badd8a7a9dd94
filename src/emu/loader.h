/* Loads guest images into RAM: ELF64 RISC-V executables (by their program
 * headers) and raw binaries. Validates everything a file controls and reports
 * problems in one sentence naming the file. */
#ifndef REPRISE_LOADER_H
#define REPRISE_LOADER_H

#include <stdbool.h>
#include <stdint.h>

struct bus;

/* True when the file starts with the ELF magic. */
bool loader_is_elf(const char *path);

/* Loads every PT_LOAD segment of an ELF64 little-endian RISC-V file into RAM
 * (segments must lie in RAM). *entry gets e_entry; *lowest and *highest (may be
 * NULL) the loaded physical range [lowest, highest). Returns 0, or
 * -ENOENT/-EINVAL/-EFAULT/-EIO with a message. */
int loader_load_elf(struct bus *b, const char *path, uint64_t *entry,
                    uint64_t *lowest, uint64_t *highest);

/* Copies a raw image to addr. *size (may be NULL) gets its length. Returns 0,
 * or -ENOENT/-EFBIG (does not fit in RAM)/-EIO with a message. */
int loader_load_raw(struct bus *b, const char *path, uint64_t addr, uint64_t *size);

#endif
