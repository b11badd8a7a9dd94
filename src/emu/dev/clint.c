/* CLINT at 0x2000000: msip (+4*hart), mtimecmp (+0x4000 + 8*hart) and mtime
 * (+0xbff8), 32- or 64-bit accesses. It drives MSIP directly and leaves MTIP
 * to machine_update_timers, which compares mtime with clint_mtimecmp. */
#include "clint.h"

#include <stdlib.h>
#include <string.h>

#include "emu/bus.h"
#include "emu/cpu/cpu.h"
#include "emu/machine.h"
#include "util.h"

#define CLINT_MSIP      0x0000
#define CLINT_MTIMECMP  0x4000
#define CLINT_MTIME     0xbff8

struct clint {
    struct machine *m;
    uint64_t mtimecmp[MAX_HARTS];
};

uint64_t clint_mtimecmp(const struct clint *c, int hart)
{
    return c->mtimecmp[hart];
}

/* Reads or merges a 32-bit half into a 64-bit register. */
static uint64_t part_read(uint64_t reg, uint64_t off, unsigned size)
{
    return size == 8 ? reg : (uint32_t)(reg >> (8 * (off & 4)));
}

static uint64_t part_write(uint64_t reg, uint64_t off, unsigned size, uint64_t val)
{
    if (size == 8)
        return val;
    unsigned sh = 8 * (off & 4);
    return (reg & ~(0xffffffffULL << sh)) | ((val & 0xffffffffULL) << sh);
}

static int clint_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct clint *c = opaque;
    struct machine *m = c->m;
    if (size != 4 && size != 8)
        return -EINVAL;
    if (off < CLINT_MSIP + 4 * (uint64_t)m->nharts) {
        if (size != 4)
            return -EINVAL;
        *val = (m->harts[off / 4]->mip & MIP_MSIP) ? 1 : 0;
        return 0;
    }
    if (off >= CLINT_MTIMECMP && off < CLINT_MTIMECMP + 8 * (uint64_t)m->nharts) {
        *val = part_read(c->mtimecmp[(off - CLINT_MTIMECMP) / 8], off, size);
        return 0;
    }
    if (off >= CLINT_MTIME && off < CLINT_MTIME + 8) {
        *val = part_read(machine_mtime(m), off, size);
        return 0;
    }
    *val = 0;   /* reserved space reads as zero, as on QEMU */
    return 0;
}

static int clint_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct clint *c = opaque;
    struct machine *m = c->m;
    if (size != 4 && size != 8)
        return -EINVAL;
    if (off < CLINT_MSIP + 4 * (uint64_t)m->nharts) {
        if (size != 4)
            return -EINVAL;
        hart_set_mip(m->harts[off / 4], MIP_MSIP, val & 1);
        machine_kick(m);
        return 0;
    }
    if (off >= CLINT_MTIMECMP && off < CLINT_MTIMECMP + 8 * (uint64_t)m->nharts) {
        int h = (int)((off - CLINT_MTIMECMP) / 8);
        c->mtimecmp[h] = part_write(c->mtimecmp[h], off, size, val);
        hart_set_mip(m->harts[h], MIP_MTIP, machine_mtime(m) >= c->mtimecmp[h]);
        machine_kick(m);   /* the hart's next deadline changed */
        return 0;
    }
    if (off >= CLINT_MTIME && off < CLINT_MTIME + 8) {
        uint64_t now = machine_mtime(m);
        machine_set_mtime(m, part_write(now, off, size, val));
        machine_kick(m);
        return 0;
    }
    return 0;
}

static void clint_reset(void *opaque)
{
    struct clint *c = opaque;
    for (int i = 0; i < MAX_HARTS; i++)
        c->mtimecmp[i] = UINT64_MAX;
}

static void clint_destroy(void *opaque)
{
    free(opaque);
}

static const struct dev_ops clint_ops = {
    .name = "clint",
    .read = clint_read,
    .write = clint_write,
    .reset = clint_reset,
    .destroy = clint_destroy,
};

int clint_create(struct machine *m, uint64_t base, struct clint **out)
{
    struct clint *c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    c->m = m;
    clint_reset(c);
    int r = bus_map(&m->bus, base, VIRT_CLINT_SIZE, &clint_ops, c);
    if (r) {
        free(c);
        return r;
    }
    *out = c;
    return 0;
}
