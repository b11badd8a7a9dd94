/* An RV64GC disassembler producing GNU objdump's text (binutils 2.40, with
 * its default aliases: "li a0,1", "mv", "ret", "add a0,a0,1" for addi, and
 * "c."-prefixed hints), for qemu_plugin_insn_disas. Knows nothing about
 * plugins; decodes from the bits alone. */
#ifndef REPRISE_DISAS_H
#define REPRISE_DISAS_H

#include <stddef.h>
#include <stdint.h>

#define DISAS_MAX 64   /* enough for any instruction's text */

/* Writes the instruction whose bits are in raw (16-bit forms in the low half)
 * at address pc into buf, as "mnemonic operands" with one space between
 * (objdump puts a tab there). Branch and jump targets are absolute, as 0x...;
 * unknown encodings print as ".2byte 0x..." / ".4byte 0x...". Returns the
 * instruction length (2 or 4). */
unsigned disas_insn(uint32_t raw, uint64_t pc, char *buf, size_t size);

#endif
