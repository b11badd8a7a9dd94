/* The translator and the block cache: decodes guest code into blocks of
 * pre-decoded ops, finds them again by (physical pc, virtual pc, flags),
 * tracks which RAM pages hold code so stores to them invalidate the right
 * blocks, and flushes everything when the arena fills. The arena's capacity
 * is counted in ops, so when a flush happens depends only on the guest. */
#include "tb.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "emu/machine.h"
#include "mmu.h"
#include "util.h"

#define TB_HASH_BITS 16
#define TB_HASH_SIZE (1u << TB_HASH_BITS)
/* Arena capacity in ops; blocks are flushed all at once when it fills. */
#define ARENA_OPS (1u << 20)
#define TB_MAX_BYTES (sizeof(struct tb) + (TB_MAX_INSNS + 1) * sizeof(struct op))

struct tb_cache {
    struct machine *m;
    uint8_t *arena;
    size_t arena_bytes, used_bytes;
    uint64_t used_ops;
    struct tb *hash[TB_HASH_SIZE];
    struct tb **page_tbs;     /* per RAM page: blocks with code on it */
    uint64_t npages;
    uint64_t generation;      /* bumped on every full flush */
    struct tb_stats stats;
};

int tb_cache_create(struct machine *m, struct tb_cache **out)
{
    struct tb_cache *c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    c->m = m;
    c->arena_bytes = (size_t)ARENA_OPS * sizeof(struct op) + 4096 * TB_MAX_BYTES / 8;
    c->arena = malloc(c->arena_bytes);
    c->npages = m->bus.ram_size >> PAGE_SHIFT;
    c->page_tbs = calloc(c->npages ? c->npages : 1, sizeof(*c->page_tbs));
    if (!c->arena || !c->page_tbs) {
        free(c->arena);
        free(c->page_tbs);
        free(c);
        return -ENOMEM;
    }
    *out = c;
    return 0;
}

void tb_cache_destroy(struct tb_cache *c)
{
    if (!c)
        return;
    free(c->arena);
    free(c->page_tbs);
    free(c);
}

static inline unsigned tb_hash(uint64_t ppc, uint32_t flags)
{
    uint64_t k = (ppc >> 1) ^ ((uint64_t)flags << 40);
    k *= 0x9e3779b97f4a7c15ULL;
    return (unsigned)(k >> (64 - TB_HASH_BITS));
}

static inline unsigned jc_hash(uint64_t vpc)
{
    return (unsigned)((vpc >> 1) ^ (vpc >> (JC_BITS + 1))) & (JC_SIZE - 1);
}

static struct tb **page_head(struct tb_cache *c, uint64_t pa)
{
    struct bus *b = &c->m->bus;
    if (!bus_is_ram(b, pa, 1))
        return NULL;
    return &c->page_tbs[(pa - b->ram_base) >> PAGE_SHIFT];
}

bool tb_page_has_code(struct machine *m, uint64_t pa)
{
    struct tb **head = page_head(m->tbc, pa);
    return head && *head;
}

void tb_flush_all(struct machine *m)
{
    struct tb_cache *c = m->tbc;
    memset(c->hash, 0, sizeof(c->hash));
    memset(c->page_tbs, 0, c->npages * sizeof(*c->page_tbs));
    c->used_bytes = 0;
    c->used_ops = 0;
    c->generation++;
    c->stats.flushes++;
    for (int i = 0; i < m->nharts; i++)
        memset(m->harts[i]->jc, 0, sizeof(m->harts[i]->jc));
}

static void hash_remove(struct tb_cache *c, struct tb *tb)
{
    struct tb **pp = &c->hash[tb_hash(tb->ppc, tb->flags)];
    while (*pp) {
        if (*pp == tb) {
            *pp = tb->hash_next;
            return;
        }
        pp = &(*pp)->hash_next;
    }
}

/* Unlinks tb from the list of the page at pa (which = 0 first page, 1 second). */
static void page_remove(struct tb_cache *c, struct tb *tb, uint64_t pa, int which)
{
    struct tb **pp = page_head(c, pa);
    while (pp && *pp) {
        struct tb *t = *pp;
        int w = ((t->ppc & PAGE_MASK) == (pa & PAGE_MASK)) ? 0 : 1;
        if (t == tb && w == which) {
            *pp = t->page_next[w];
            return;
        }
        pp = &t->page_next[w];
    }
}

static void invalidate(struct tb_cache *c, struct tb *tb)
{
    tb->valid = false;
    hash_remove(c, tb);
    page_remove(c, tb, tb->ppc, 0);
    if (tb->ppc2 != ~0ULL)
        page_remove(c, tb, tb->ppc2, 1);
    c->stats.invalidated++;
}

void tb_invalidate_phys(struct machine *m, uint64_t pa, uint64_t len)
{
    struct tb_cache *c = m->tbc;
    if (!c || len == 0)
        return;
    uint64_t end = pa + len;
    for (uint64_t page = pa & PAGE_MASK; page < end; page += PAGE_SIZE) {
        struct tb **head = page_head(c, page);
        if (!head)
            continue;
        struct tb *t = *head;
        while (t) {
            int w = ((t->ppc & PAGE_MASK) == page) ? 0 : 1;
            struct tb *next = t->page_next[w];
            uint64_t s, e;
            if (w == 0) {
                s = t->ppc;
                e = t->pend;
            } else {
                s = page;
                e = page + 2;   /* the second half of a straddling instruction */
            }
            if (s < end && pa < e)
                invalidate(c, t);
            t = next;
        }
    }
}

static void page_add(struct tb_cache *c, struct tb *tb, uint64_t pa, int which)
{
    struct tb **head = page_head(c, pa);
    if (!head)
        return;   /* ROM: never written */
    bool first = *head == NULL;
    tb->page_next[which] = *head;
    *head = tb;
    if (first)
        mmu_protect_code_page(c->m, pa);
}

static void emit(struct tb *tb, const struct insn *d, uint64_t pc, const void *const *labels)
{
    struct op *o = &tb->ops[tb->n_ops++];
    unsigned kind = d->op;
    o->kind = (uint8_t)kind;
    o->h = labels[kind];
    o->imm = d->imm;
    o->rd = d->rd ? d->rd : 32;   /* writes to x0 land in the sink */
    o->rs1 = d->rs1;
    o->rs2 = d->rs2;
    o->rs3 = d->rs3;
    o->rm = d->rm;
    o->idx = (uint8_t)tb->n_insns;
    o->len = d->len;
    o->pcoff = (uint32_t)(pc - tb->vpc);
    o->raw = d->raw;
    /* FP destinations are f registers: x0 mapping does not apply */
    if (d->cls & INSN_FP) {
        switch (kind) {
        case OP_FCVT_W_S: case OP_FCVT_WU_S: case OP_FCVT_L_S: case OP_FCVT_LU_S:
        case OP_FMV_X_W: case OP_FEQ_S: case OP_FLT_S: case OP_FLE_S: case OP_FCLASS_S:
        case OP_FEQ_D: case OP_FLT_D: case OP_FLE_D: case OP_FCLASS_D:
        case OP_FCVT_W_D: case OP_FCVT_WU_D: case OP_FCVT_L_D: case OP_FCVT_LU_D:
        case OP_FMV_X_D:
            break;
        default:
            o->rd = d->rd;
        }
    }
    if (d->cls & INSN_PCREL)
        o->imm = (int64_t)(pc + (uint64_t)d->imm);
}

static struct tb *translate(struct hart *h, uint64_t vpc, uint64_t ppc,
                            const uint8_t *host, uint32_t flags)
{
    struct tb_cache *c = h->m->tbc;
    if (c->used_bytes + TB_MAX_BYTES > c->arena_bytes || c->used_ops + TB_MAX_INSNS + 1 > ARENA_OPS)
        tb_flush_all(h->m);

    struct tb *tb = (struct tb *)(c->arena + c->used_bytes);
    memset(tb, 0, sizeof(*tb));
    tb->vpc = vpc;
    tb->ppc = ppc;
    tb->ppc2 = ~0ULL;
    tb->flags = flags;
    tb->valid = true;
    tb->may_chain = !(flags & TBF_SINGLE);

    const void *const *labels = exec_labels();
    unsigned max = (flags & TBF_SINGLE) ? 1 : TB_MAX_INSNS;
    uint64_t page_left = PAGE_SIZE - (ppc & (PAGE_SIZE - 1));
    uint64_t off = 0;
    struct insn d;

    while (tb->n_insns < max) {
        if (off + 2 > page_left)
            break;
        uint16_t lo;
        memcpy(&lo, host + off, 2);
        uint32_t raw = lo;
        if (insn_len(lo) == 4) {
            if (off + 4 <= page_left) {
                memcpy(&raw, host + off, 4);
            } else {
                if (tb->n_insns > 0)
                    break;   /* a straddling instruction gets a block of its own */
                uint64_t pa2;
                const uint8_t *host2;
                int r = mmu_fetch(h, vpc + 2, &pa2, &host2);
                if (r) {
                    hart_trap(h, (uint64_t)r, false, h->fault_tval, vpc);
                    return NULL;
                }
                uint16_t hi;
                memcpy(&hi, host2, 2);
                raw = lo | ((uint32_t)hi << 16);
                tb->ppc2 = pa2 & PAGE_MASK;
                tb->may_chain = false;
                max = 1;
            }
        }
        decode(raw, &d);
        if ((d.cls & INSN_FP) && (flags & TBF_FS_OFF)) {
            d.op = OP_ILLEGAL;
            d.cls = INSN_ENDS_BLOCK;
        }
        uint64_t pc = vpc + off;
        emit(tb, &d, pc, labels);
        tb->n_insns++;
        off += d.len;
        if (d.cls & INSN_ENDS_BLOCK) {
            if (d.op == OP_JAL)
                tb->exit_pc[0] = pc + (uint64_t)d.imm;
            else if (d.op >= OP_BEQ && d.op <= OP_BGEU)
                tb->exit_pc[0] = pc + (uint64_t)d.imm;
            break;
        }
    }
    tb->exit_pc[1] = vpc + off;
    tb->pend = ppc + (off < page_left ? off : page_left);
    /* Fall-through exit (also after a conditional branch). */
    struct insn ex = {.op = OP_EXIT, .len = 0, .raw = 0};
    emit(tb, &ex, vpc + off, labels);
    tb->ops[tb->n_ops - 1].idx = (uint8_t)tb->n_insns;

    c->used_bytes += sizeof(struct tb) + tb->n_ops * sizeof(struct op);
    c->used_bytes = (c->used_bytes + 15) & ~(size_t)15;
    c->used_ops += tb->n_ops;
    c->stats.translated++;

    unsigned hidx = tb_hash(ppc, flags);
    tb->hash_next = c->hash[hidx];
    c->hash[hidx] = tb;
    page_add(c, tb, ppc, 0);
    if (tb->ppc2 != ~0ULL)
        page_add(c, tb, tb->ppc2, 1);
    return tb;
}

struct tb *tb_find(struct hart *h, uint32_t flags)
{
    uint64_t vpc = h->pc;

    unsigned j = jc_hash(vpc);
    struct tb *tb = h->jc[j];
    if (likely(tb && tb->vpc == vpc && tb->flags == flags && tb->valid))
        return tb;

    if (vpc & 1) {   /* cannot happen with C enabled: jalr clears bit 0 */
        hart_trap(h, EXC_INSN_MISALIGNED, false, vpc, vpc);
        return NULL;
    }
    uint64_t ppc;
    const uint8_t *host;
    int r = mmu_fetch(h, vpc, &ppc, &host);
    if (r) {
        hart_trap(h, (uint64_t)r, false, h->fault_tval, vpc);
        return NULL;
    }
    struct tb_cache *c = h->m->tbc;
    for (tb = c->hash[tb_hash(ppc, flags)]; tb; tb = tb->hash_next) {
        if (tb->ppc == ppc && tb->vpc == vpc && tb->flags == flags) {
            if (tb->ppc2 != ~0ULL) {
                uint64_t pa2;
                const uint8_t *h2;
                if (mmu_fetch(h, vpc + 2, &pa2, &h2) || (pa2 & PAGE_MASK) != tb->ppc2)
                    continue;
            }
            break;
        }
    }
    if (!tb) {
        tb = translate(h, vpc, ppc, host, flags);
        if (!tb)
            return NULL;
    }
    if (tb->ppc2 == ~0ULL)
        h->jc[j] = tb;
    return tb;
}

uint64_t tb_generation(struct machine *m)
{
    return m->tbc->generation;
}

void tb_get_stats(struct machine *m, struct tb_stats *s)
{
    *s = m->tbc->stats;
}
