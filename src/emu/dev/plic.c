/* PLIC registers: priority (+4*src), pending (+0x1000), enables (+0x2000 +
 * 0x80*ctx), threshold (+0x200000 + 0x1000*ctx) and claim/complete (+4 of
 * it). Context 2h is hart h's M-mode (MEIP), 2h+1 its S-mode (SEIP). */
#include "plic.h"

#include <stdlib.h>
#include <string.h>

#include "emu/bus.h"
#include "emu/cpu/cpu.h"
#include "emu/machine.h"
#include "util.h"

#define PLIC_PENDING    0x1000
#define PLIC_ENABLE     0x2000
#define PLIC_CONTEXT    0x200000
#define NWORDS          (PLIC_NUM_SOURCES / 32)
#define MAX_CTX         (2 * MAX_HARTS)

struct plic {
    struct machine *m;
    int nctx;
    uint32_t priority[PLIC_NUM_SOURCES];
    uint32_t level[NWORDS];     /* input line levels */
    uint32_t pending[NWORDS];
    uint32_t claimed[NWORDS];   /* in service: not pending again until completed */
    uint32_t enable[MAX_CTX][NWORDS];
    uint32_t threshold[MAX_CTX];
};

uint64_t plic_size(int nharts)
{
    return PLIC_CONTEXT + 0x1000ULL * 2 * (uint64_t)nharts;
}

static inline bool bit(const uint32_t *w, int n) { return (w[n / 32] >> (n % 32)) & 1; }
static inline void set_bit(uint32_t *w, int n, bool v)
{
    if (v)
        w[n / 32] |= 1u << (n % 32);
    else
        w[n / 32] &= ~(1u << (n % 32));
}

/* Highest-priority pending enabled source above the threshold, or 0. */
static int best(const struct plic *p, int ctx)
{
    int src = 0;
    uint32_t prio = 0;
    for (int n = 1; n < PLIC_NUM_SOURCES; n++) {
        if (bit(p->pending, n) && bit(p->enable[ctx], n) &&
            p->priority[n] > p->threshold[ctx] && p->priority[n] > prio) {
            prio = p->priority[n];
            src = n;
        }
    }
    return src;
}

static void update(struct plic *p)
{
    for (int ctx = 0; ctx < p->nctx; ctx++) {
        struct hart *h = p->m->harts[ctx / 2];
        hart_set_mip(h, (ctx & 1) ? MIP_SEIP : MIP_MEIP, best(p, ctx) != 0);
    }
    machine_kick(p->m);
}

static void plic_set(void *opaque, int n, int level)
{
    struct plic *p = opaque;
    if (n <= 0 || n >= PLIC_NUM_SOURCES)
        return;
    set_bit(p->level, n, level);
    /* The gateway: a level turns into a request once; the request stays
     * pending when the line drops, until a claim takes it. */
    if (level && !bit(p->claimed, n))
        set_bit(p->pending, n, true);
    update(p);
}

struct irq_line plic_irq(struct plic *p, int n)
{
    struct irq_line l = {.set = plic_set, .opaque = p, .num = n};
    return l;
}

static int plic_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct plic *p = opaque;
    if (size != 4)
        return -EINVAL;
    *val = 0;
    if (off < 4 * PLIC_NUM_SOURCES) {
        *val = p->priority[off / 4];
    } else if (off >= PLIC_PENDING && off < PLIC_PENDING + 4 * NWORDS) {
        *val = p->pending[(off - PLIC_PENDING) / 4];
    } else if (off >= PLIC_ENABLE && off < PLIC_ENABLE + 0x80ULL * (uint64_t)p->nctx) {
        uint64_t r = off - PLIC_ENABLE;
        if ((r % 0x80) / 4 < NWORDS)
            *val = p->enable[r / 0x80][(r % 0x80) / 4];
    } else if (off >= PLIC_CONTEXT && off < PLIC_CONTEXT + 0x1000ULL * (uint64_t)p->nctx) {
        uint64_t r = off - PLIC_CONTEXT;
        int ctx = (int)(r / 0x1000);
        if (r % 0x1000 == 0) {
            *val = p->threshold[ctx];
        } else if (r % 0x1000 == 4) {   /* claim */
            int src = best(p, ctx);
            if (src) {
                set_bit(p->pending, src, false);
                set_bit(p->claimed, src, true);
            }
            *val = (uint64_t)src;
            update(p);
        }
    }
    return 0;
}

static int plic_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct plic *p = opaque;
    if (size != 4)
        return -EINVAL;
    if (off < 4 * PLIC_NUM_SOURCES) {
        if (off >= 4)
            p->priority[off / 4] = (uint32_t)val & 7;
    } else if (off >= PLIC_ENABLE && off < PLIC_ENABLE + 0x80ULL * (uint64_t)p->nctx) {
        uint64_t r = off - PLIC_ENABLE;
        unsigned w = (unsigned)((r % 0x80) / 4);
        if (w < NWORDS)
            p->enable[r / 0x80][w] = (uint32_t)val & (w == 0 ? ~1u : ~0u);
    } else if (off >= PLIC_CONTEXT && off < PLIC_CONTEXT + 0x1000ULL * (uint64_t)p->nctx) {
        uint64_t r = off - PLIC_CONTEXT;
        int ctx = (int)(r / 0x1000);
        if (r % 0x1000 == 0) {
            p->threshold[ctx] = (uint32_t)val & 7;
        } else if (r % 0x1000 == 4) {   /* complete */
            int src = (int)(uint32_t)val;
            if (src > 0 && src < PLIC_NUM_SOURCES && bit(p->enable[ctx], src) &&
                bit(p->claimed, src)) {
                set_bit(p->claimed, src, false);
                if (bit(p->level, src))
                    set_bit(p->pending, src, true);
            }
        }
    }
    update(p);
    return 0;
}

static void plic_reset(void *opaque)
{
    struct plic *p = opaque;
    struct machine *m = p->m;
    int nctx = p->nctx;
    uint32_t level[NWORDS];
    memcpy(level, p->level, sizeof(level));
    memset(p, 0, sizeof(*p));
    p->m = m;
    p->nctx = nctx;
    memcpy(p->level, level, sizeof(level));
    memcpy(p->pending, level, sizeof(level));
}

static void plic_destroy(void *opaque)
{
    free(opaque);
}

static const struct dev_ops plic_ops = {
    .name = "plic",
    .read = plic_read,
    .write = plic_write,
    .reset = plic_reset,
    .destroy = plic_destroy,
};

int plic_create(struct machine *m, uint64_t base, struct plic **out)
{
    struct plic *p = calloc(1, sizeof(*p));
    if (!p)
        return -ENOMEM;
    p->m = m;
    p->nctx = 2 * m->nharts;
    int r = bus_map(&m->bus, base, plic_size(m->nharts), &plic_ops, p);
    if (r) {
        free(p);
        return r;
    }
    *out = p;
    return 0;
}
