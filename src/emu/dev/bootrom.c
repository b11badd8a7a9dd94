/* The reset ROM at 0x1000 (see bootrom.h), laid out like QEMU's virt board:
 * six instructions, the start and FDT addresses, then fw_dynamic_info.
 * Owns only the image it builds; the bus keeps the copy the harts execute. */
#include "bootrom.h"

#include <string.h>

#include "../bus.h"
#include "../machine.h"
#include "util.h"

/* Byte offsets in the ROM. */
#define ROM_START_ADDR  0x18    /* u64: where the stub jumps */
#define ROM_FDT_ADDR    0x20    /* u64: loaded into a1 */
#define ROM_FW_DYN      0x28    /* struct fw_dynamic_info, pointed to by a2 */
#define ROM_SIZE        (ROM_FW_DYN + 6 * 8)

#define FW_DYNAMIC_INFO_MAGIC   0x4942534fULL   /* "OSBI" */
#define FW_DYNAMIC_INFO_VERSION 2

enum { REG_ZERO = 0, REG_T0 = 5, REG_A0 = 10, REG_A1 = 11, REG_A2 = 12 };

#define CSR_MHARTID 0xf14

static uint32_t enc_i(uint32_t opcode, unsigned f3, unsigned rd, unsigned rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
}

static uint32_t enc_u(uint32_t opcode, unsigned rd, uint32_t imm20)
{
    return (imm20 & 0xfffff) << 12 | rd << 7 | opcode;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

int bootrom_create(struct machine *m, uint64_t start, uint64_t fdt_addr,
                   uint64_t next_addr, uint64_t next_mode)
{
    uint8_t rom[ROM_SIZE];
    memset(rom, 0, sizeof(rom));

    const uint32_t code[6] = {
        enc_u(0x17, REG_T0, 0),                            /* auipc t0, 0 */
        enc_i(0x13, 0, REG_A2, REG_T0, ROM_FW_DYN),        /* addi a2, t0, 40 */
        enc_i(0x73, 2, REG_A0, REG_ZERO, CSR_MHARTID),     /* csrr a0, mhartid */
        enc_i(0x03, 3, REG_A1, REG_T0, ROM_FDT_ADDR),      /* ld a1, 32(t0) */
        enc_i(0x03, 3, REG_T0, REG_T0, ROM_START_ADDR),    /* ld t0, 24(t0) */
        enc_i(0x67, 0, REG_ZERO, REG_T0, 0),               /* jr t0 */
    };
    for (unsigned i = 0; i < ARRAY_SIZE(code); i++)
        put32(rom + 4 * i, code[i]);
    put64(rom + ROM_START_ADDR, start);
    put64(rom + ROM_FDT_ADDR, fdt_addr);

    /* struct fw_dynamic_info: magic, version, next_addr, next_mode, options,
     * boot_hart (OpenSBI's include/sbi/fw_dynamic.h), 64-bit words on RV64. */
    const uint64_t info[6] = {
        FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION, next_addr, next_mode, 0, 0,
    };
    for (unsigned i = 0; i < ARRAY_SIZE(info); i++)
        put64(rom + ROM_FW_DYN + 8 * i, info[i]);

    return bus_map_rom(&m->bus, VIRT_BOOTROM_BASE, VIRT_BOOTROM_SIZE, rom, sizeof(rom));
}
