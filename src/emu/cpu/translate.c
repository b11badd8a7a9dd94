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
#include "fpexec.h"
#include "jit.h"
#include "mmu.h"
#include "plugins/plugin.h"
#include "util.h"

#define TB_HASH_BITS 16
#define TB_HASH_SIZE (1u << TB_HASH_BITS)
/* Capacity in guest ops (one per instruction plus the exit): blocks are
 * flushed all at once when it fills. Plugin ops are not counted, so plugins
 * never change when a flush happens (design invariant 4); the memory that
 * holds blocks grows in chunks as needed. */
#define ARENA_OPS (1u << 20)
#define CHUNK_BYTES (8u << 20)

struct chunk {
    struct chunk *next;
    size_t used, size;
    uint8_t data[];
};

struct tb_cache {
    struct machine *m;
    struct chunk *chunks;     /* current chunk first */
    uint64_t used_ops;
    struct tb *hash[TB_HASH_SIZE];
    struct tb **page_tbs;     /* per RAM page: blocks with code on it */
    uint64_t npages;
    uint64_t generation;      /* bumped on every full flush */
    uint64_t records_gen;     /* plugin_records_generation the host code embeds */
    struct tb_stats stats;
    struct jit *jit;          /* host code for blocks, or NULL */
};

int tb_cache_create(struct machine *m, struct tb_cache **out)
{
    struct tb_cache *c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    c->m = m;
    c->npages = m->bus.ram_size >> PAGE_SHIFT;
    c->page_tbs = calloc(c->npages ? c->npages : 1, sizeof(*c->page_tbs));
    if (!c->page_tbs) {
        free(c);
        return -ENOMEM;
    }
    int r = jit_create(&c->jit, m->cfg->smp == 1 ? 0 : -1);   /* blocks are shared by all harts */
    if (r) {
        free(c->page_tbs);
        free(c);
        return r;
    }
    *out = c;
    return 0;
}

static void free_chunks(struct chunk *k)
{
    while (k) {
        struct chunk *next = k->next;
        free(k);
        k = next;
    }
}

void tb_cache_destroy(struct tb_cache *c)
{
    if (!c)
        return;
    free_chunks(c->chunks);
    free(c->page_tbs);
    jit_destroy(c->jit);
    free(c);
}

/* Memory for a block of n ops, or NULL when the host is out of memory. */
static struct tb *tb_alloc(struct tb_cache *c, unsigned n)
{
    size_t bytes = (sizeof(struct tb) + n * sizeof(struct op) + 15) & ~(size_t)15;
    struct chunk *k = c->chunks;
    if (!k || k->size - k->used < bytes) {
        size_t size = bytes > CHUNK_BYTES ? bytes : CHUNK_BYTES;
        k = malloc(sizeof(*k) + size);
        if (!k)
            return NULL;
        k->size = size;
        k->used = 0;
        k->next = c->chunks;
        c->chunks = k;
    }
    struct tb *tb = (struct tb *)(k->data + k->used);
    k->used += bytes;
    return tb;
}

static inline unsigned tb_hash(uint64_t ppc, uint32_t flags)
{
    uint64_t k = (ppc >> 1) ^ ((uint64_t)flags << 40);
    k *= 0x9e3779b97f4a7c15ULL;
    return (unsigned)(k >> (64 - TB_HASH_BITS));
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
    if (c->chunks) {   /* keep one chunk for what comes next */
        free_chunks(c->chunks->next);
        c->chunks->next = NULL;
        c->chunks->used = 0;
    }
    c->used_ops = 0;
    jit_reset(c->jit);
    c->records_gen = plugin_records_generation;
    if (plugin_any)
        plugin_flush(m);
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

/* Drops every chain into tb and tb's own. Blocks chain only within one
 * page, so the blocks that can jump to tb are on the list of its first
 * page; after this no link reaches tb or leaves it, in host code either. */
static void unchain(struct tb_cache *c, struct tb *tb)
{
    uint64_t page = tb->ppc & PAGE_MASK;
    struct tb **head = page_head(c, tb->ppc);
    for (struct tb *t = head ? *head : NULL; t;) {
        for (int s = 0; s < 2; s++) {
            if (t->chain[s] == tb) {
                t->chain[s] = NULL;
                jit_unlink(c->jit, t, s);
            }
        }
        t = t->page_next[(t->ppc & PAGE_MASK) == page ? 0 : 1];
    }
    for (int s = 0; s < 2; s++) {
        tb->chain[s] = NULL;
        jit_unlink(c->jit, tb, s);
    }
}

static void invalidate(struct tb_cache *c, struct tb *tb)
{
    tb->valid = false;
    hash_remove(c, tb);
    page_remove(c, tb, tb->ppc, 0);
    if (tb->ppc2 != ~0ULL)
        page_remove(c, tb, tb->ppc2, 1);
    unchain(c, tb);
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
    if ((d->cls & INSN_FP) && !fp_writes_x(kind))
        o->rd = d->rd;
    if (d->cls & INSN_PCREL)
        o->imm = (int64_t)(pc + (uint64_t)d->imm);
}

/* Host code for blocks whose ops all have it (plugin ops included,
 * unless they instrument an access the compiler leaves to the
 * interpreter). Either way the block is the same. Single-instruction
 * blocks for exact stops get host code too: stepping the last few
 * instructions of every turn in the interpreter, with plugin callbacks
 * called from C, slowed callback-heavy runs by up to 8%. */
static void attach_host_code(struct tb_cache *c, struct tb *tb, const void *const *labels)
{
    tb->ops[0].h = labels[tb->ops[0].kind];
    if (jit_compile(c->jit, tb))
        tb->ops[0].h = labels[OP_JIT];
}

static bool is_mem_op(unsigned k)
{
    return (k >= OP_LB && k <= OP_SD) || (k >= OP_LR_W && k <= OP_AMOMAXU_D) ||
           (k >= OP_FLW && k <= OP_FSD);
}

static unsigned count_cbs(const struct plugin_cb *cb)
{
    unsigned n = 0;
    for (; cb; cb = cb->next)
        n++;
    return n;
}

/* Emits one op per callback record (registration order), at the position
 * of instruction idx. */
static void emit_cbs(struct tb *tb, const struct plugin_cb *cb, uint64_t pc, unsigned idx,
                     const void *const *labels)
{
    for (; cb; cb = cb->next) {
        struct insn d = {.op = cb->kind == PCB_INLINE_ADD ? OP_PLUGIN_INLINE : OP_PLUGIN_CB};
        emit(tb, &d, pc, labels);
        struct op *o = &tb->ops[tb->n_ops - 1];
        o->imm = (int64_t)(uintptr_t)cb;
        o->idx = (uint8_t)idx;
    }
}

/* Describes the decoded block to the plugins and returns how many extra ops
 * their instrumentation needs. */
static unsigned plugin_describe(struct hart *h, struct plugin_tb *ptb, uint64_t vpc, uint64_t ppc,
                                const struct insn *ds, unsigned n)
{
    struct bus *b = &h->m->bus;
    memset(ptb, 0, sizeof(*ptb));
    ptb->vaddr = vpc;
    ptb->paddr = ppc;
    ptb->n = n;
    ptb->hart = h;
    ptb->exec_tail = &ptb->exec_cbs;
    uint64_t off = 0;
    for (unsigned i = 0; i < n; i++) {
        struct plugin_insn *pi = &ptb->insns[i];
        pi->vaddr = vpc + off;
        pi->paddr = ppc + off;
        pi->haddr = bus_is_ram(b, ppc + off, ds[i].len) ? bus_ram_ptr(b, ppc + off) : NULL;
        pi->data = ds[i].raw;
        pi->len = ds[i].len;
        pi->op_kind = ds[i].op;
        pi->is_mem = is_mem_op(ds[i].op);
        pi->exec_tail = &pi->exec_cbs;
        pi->mem_tail = &pi->mem_cbs;
        off += ds[i].len;
    }
    plugin_tb_trans(ptb);
    unsigned extra = count_cbs(ptb->exec_cbs);
    for (unsigned i = 0; i < n; i++) {
        extra += count_cbs(ptb->insns[i].exec_cbs);
        if (ptb->insns[i].mem_cbs && ptb->insns[i].is_mem)
            extra += 2;
    }
    return extra;
}

static struct tb *translate(struct hart *h, uint64_t vpc, uint64_t ppc,
                            const uint8_t *host, uint32_t flags)
{
    struct tb_cache *c = h->m->tbc;
    if (c->used_ops + TB_MAX_INSNS + 1 > ARENA_OPS)
        tb_flush_all(h->m);

    /* Decode the block first. */
    struct insn ds[TB_MAX_INSNS];
    unsigned n = 0;
    unsigned max = (flags & TBF_SINGLE) ? 1 : TB_MAX_INSNS;
    uint64_t page_left = PAGE_SIZE - (ppc & (PAGE_SIZE - 1));
    uint64_t off = 0, exit0 = 0, ppc2 = ~0ULL;

    while (n < max) {
        if (off + 2 > page_left)
            break;
        uint16_t lo;
        memcpy(&lo, host + off, 2);
        uint32_t raw = lo;
        if (insn_len(lo) == 4) {
            if (off + 4 <= page_left) {
                memcpy(&raw, host + off, 4);
            } else {
                if (n > 0)
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
                ppc2 = pa2 & PAGE_MASK;
                max = 1;
            }
        }
        struct insn *d = &ds[n];
        decode(raw, d);
        if ((d->cls & INSN_FP) && (flags & TBF_FS_OFF)) {
            d->op = OP_ILLEGAL;
            d->cls = INSN_ENDS_BLOCK;
        }
        uint64_t pc = vpc + off;
        n++;
        off += d->len;
        if (d->cls & INSN_ENDS_BLOCK) {
            if (d->op == OP_JAL || (d->op >= OP_BEQ && d->op <= OP_BGEU))
                exit0 = pc + (uint64_t)d->imm;
            break;
        }
    }

    static struct plugin_tb ptb;
    unsigned extra = plugin_translation_enabled ? plugin_describe(h, &ptb, vpc, ppc, ds, n) : 0;

    struct tb *tb = tb_alloc(c, n + 1 + extra);
    if (!tb) {
        rp_error(-ENOMEM, "out of host memory for translated code");
        h->m->stop_requested = true;
        h->m->stop_reason = STOP_ERROR;
        return NULL;
    }
    memset(tb, 0, sizeof(*tb));
    tb->vpc = vpc;
    tb->ppc = ppc;
    tb->ppc2 = ppc2;
    tb->flags = flags;
    tb->valid = true;
    tb->may_chain = !(flags & TBF_SINGLE) && ppc2 == ~0ULL;
    tb->exit_pc[0] = exit0;
    tb->exit_pc[1] = vpc + off;
    tb->pend = ppc + (off < page_left ? off : page_left);

    const void *const *labels = exec_labels();
    if (extra)
        emit_cbs(tb, ptb.exec_cbs, vpc, 0, labels);
    uint64_t pc = vpc;
    for (unsigned i = 0; i < n; i++) {
        const struct plugin_insn *pi = extra ? &ptb.insns[i] : NULL;
        bool mem = pi && pi->mem_cbs && pi->is_mem;
        if (pi)
            emit_cbs(tb, pi->exec_cbs, pc, i, labels);
        if (mem) {
            struct insn pre = ds[i];
            pre.op = OP_PLUGIN_MEM_PRE;
            pre.cls = ds[i].cls & INSN_FP;
            emit(tb, &pre, pc, labels);
            tb->ops[tb->n_ops - 1].rm = (uint8_t)ds[i].op;
        }
        emit(tb, &ds[i], pc, labels);
        tb->n_insns++;
        if (mem) {
            struct insn post = ds[i];
            post.op = OP_PLUGIN_MEM_POST;
            post.cls = ds[i].cls & INSN_FP;
            emit(tb, &post, pc, labels);
            struct op *o = &tb->ops[tb->n_ops - 1];
            o->rm = (uint8_t)ds[i].op;
            o->imm = (int64_t)(uintptr_t)pi->mem_cbs;
            o->idx = (uint8_t)i;
        }
        pc += ds[i].len;
    }
    /* Fall-through exit (also after a conditional branch). */
    struct insn ex = {.op = OP_EXIT, .len = 0, .raw = 0};
    emit(tb, &ex, vpc + off, labels);
    tb->ops[tb->n_ops - 1].idx = (uint8_t)tb->n_insns;

    c->used_ops += n + 1;
    c->stats.translated++;

    attach_host_code(c, tb, labels);

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

    /* A single-step block takes another slot than the block at its pc:
     * both are looked up at the end of every turn. */
    unsigned j = tb_jc_hash(vpc) ^ ((flags & TBF_SINGLE) ? JC_SIZE / 2 : 0);
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

/* Generates host code again for every block, because plugin records that
 * it embeds changed (a reset or uninstall). The blocks, their chains and
 * what plugins saw of their translation stay as they are. */
static void regenerate_host_code(struct tb_cache *c)
{
    const void *const *labels = exec_labels();
    c->records_gen = plugin_records_generation;
    jit_reset(c->jit);
    for (unsigned i = 0; i < TB_HASH_SIZE; i++) {
        for (struct tb *tb = c->hash[i]; tb; tb = tb->hash_next) {
            tb->jit_entry = tb->jit_body = NULL;
            for (int s = 0; s < 2; s++)
                tb->jit_patch[s] = tb->jit_stub[s] = NULL;
            attach_host_code(c, tb, labels);
        }
    }
    for (unsigned i = 0; i < TB_HASH_SIZE; i++) {
        for (struct tb *tb = c->hash[i]; tb; tb = tb->hash_next) {
            for (int s = 0; s < 2; s++) {
                if (tb->chain[s])
                    jit_link(c->jit, tb, s, tb->chain[s]);
            }
        }
    }
}

struct jit_ret tb_jit_run(struct hart *h, const struct tb *tb, uint64_t icount)
{
    struct tb_cache *c = h->m->tbc;
    if (unlikely(c->records_gen != plugin_records_generation)) {
        regenerate_host_code(c);
        if (!tb->jit_body) {   /* interpreted from now on, from its first op */
            h->icount = icount;
            return (struct jit_ret){JIT_INTERP, (struct tb *)(uintptr_t)tb};
        }
    }
    struct jit_ret r = jit_run(c->jit, h, tb, icount);
    /* Resets and uninstalls that callbacks asked for, now that no plugin
     * code is on the stack. */
    if (unlikely(plugin_dispatch.pending))
        plugin_run_pending();
    return r;
}

void tb_link(struct hart *h, struct tb *from, int slot, struct tb *to)
{
    from->chain[slot] = to;
    jit_link(h->m->tbc->jit, from, slot, to);
}

uint64_t tb_generation(struct machine *m)
{
    return m->tbc->generation;
}

void tb_get_stats(struct machine *m, struct tb_stats *s)
{
    *s = m->tbc->stats;
    s->host_code = jit_describe(m->tbc->jit);
}
