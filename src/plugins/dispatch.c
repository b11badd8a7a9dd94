/* Callback dispatch: the hooks of plugin.h that the emulator calls
 * (translation, execution records, vCPU life cycle, traps, flushes) and the
 * arena holding the instrumentation records plugins register while a block
 * is translated. Calls each plugin with the prototypes of the API version it
 * declared. Does not load plugins (loader.c) nor implement the queries
 * plugins make (api.c). */
#include <stdlib.h>
#include <string.h>

#include "emu/cpu/cpu.h"
#include "emu/cpu/fpu.h"
#include "emu/machine.h"
#include "internal.h"
#include "util.h"

bool plugin_translation_enabled;
bool plugin_any;
struct plugin *plugin_sole;
bool plugin_mem_values;
struct plugin_dispatch plugin_dispatch;

/* Callback prototypes across API versions. Versions 1-6 pass global
 * callbacks the plugin id; version 7 the registration's userdata. */
typedef void (*cb_id_t)(uint64_t id);
typedef void (*cb_id_ud_t)(uint64_t id, void *ud);
typedef void (*cb_id_vcpu_t)(uint64_t id, unsigned vcpu);
typedef void (*cb_ud_t)(void *ud);
typedef void (*cb_vcpu_ud_t)(unsigned vcpu, void *ud);
typedef void (*cb_trans_v1_t)(uint64_t id, struct plugin_tb *tb);
typedef void (*cb_trans_v7_t)(struct plugin_tb *tb, void *ud);
typedef void (*cb_discon_v6_t)(uint64_t id, unsigned vcpu, int type,
                               uint64_t from, uint64_t to);
typedef void (*cb_discon_v7_t)(unsigned vcpu, int type, uint64_t from,
                               uint64_t to, void *ud);
typedef void (*cb_mem_t)(unsigned vcpu, uint32_t info, uint64_t vaddr, void *ud);

/* ---- record arena ----------------------------------------------------------
 * Records are never freed one by one: blocks point at them until the next
 * full flush, which frees them all. */

#define CHUNK_RECORDS 1024

struct rec_chunk {
    struct rec_chunk *next;
    unsigned used;
    struct plugin_cb recs[CHUNK_RECORDS];
};

static struct rec_chunk *chunks;
static uint64_t disabled_sink;   /* where disabled inline ops write */

struct plugin_cb *plugin_new_record(void)
{
    if (!chunks || chunks->used == CHUNK_RECORDS) {
        struct rec_chunk *c = malloc(sizeof(*c));
        if (!c)
            return NULL;
        c->next = chunks;
        c->used = 0;
        chunks = c;
    }
    struct plugin_cb *r = &chunks->recs[chunks->used++];
    memset(r, 0, sizeof(*r));
    return r;
}

void plugin_free_all_records(void)
{
    while (chunks) {
        struct rec_chunk *c = chunks;
        chunks = c->next;
        free(c);
    }
}

static void noop_cb(unsigned vcpu, void *ud)
{
    (void)vcpu;
    (void)ud;
}

static void noop_mem_cb(unsigned vcpu, uint32_t info, uint64_t vaddr, void *ud)
{
    (void)vcpu;
    (void)info;
    (void)vaddr;
    (void)ud;
}

uint64_t plugin_records_generation;

void plugin_disable_records(struct plugin *p)
{
    plugin_records_generation++;
    for (struct rec_chunk *c = chunks; c; c = c->next) {
        for (unsigned i = 0; i < c->used; i++) {
            struct plugin_cb *r = &c->recs[i];
            if (r->owner != p)
                continue;
            r->base = (char *)&disabled_sink;
            r->stride = 0;
            r->imm = 0;
            r->cond = PCOND_NEVER;
            r->userdata = NULL;
            r->fn = r->kind == PCB_MEM_CB ? (void *)noop_mem_cb : (void *)noop_cb;
        }
    }
}

/* ---- global hooks ---------------------------------------------------------- */

void plugin_call_hook(struct plugin *p, enum plugin_event ev, struct hart *h)
{
    struct plugin_hook *k = &p->hooks[ev];
    if (!p->live || !k->fn)
        return;
    bool v7 = p->version >= 7;
    struct plugin_ctx ctx = plugin_enter(p, h);
    switch (ev) {
    case PEV_VCPU_INIT:
    case PEV_VCPU_EXIT:
    case PEV_VCPU_IDLE:
    case PEV_VCPU_RESUME:
        if (v7)
            ((cb_vcpu_ud_t)k->fn)((unsigned)h->id, k->userdata);
        else
            ((cb_id_vcpu_t)k->fn)(p->id, (unsigned)h->id);
        break;
    case PEV_FLUSH:
        if (v7)
            ((cb_ud_t)k->fn)(k->userdata);
        else
            ((cb_id_t)k->fn)(p->id);
        break;
    case PEV_ATEXIT:   /* atexit took userdata in every version */
        if (v7)
            ((cb_ud_t)k->fn)(k->userdata);
        else
            ((cb_id_ud_t)k->fn)(p->id, k->userdata);
        break;
    default:
        break;
    }
    plugin_leave(ctx);
}

static void hook_all(enum plugin_event ev, struct hart *h)
{
    for (struct plugin *p = plugin_state.list; p; p = p->next)
        plugin_call_hook(p, ev, h);
}

void plugin_vcpu_init(struct hart *h)
{
    hook_all(PEV_VCPU_INIT, h);
}

void plugin_vcpu_exit(struct hart *h)
{
    hook_all(PEV_VCPU_EXIT, h);
}

void plugin_vcpu_idle(struct hart *h)
{
    hook_all(PEV_VCPU_IDLE, h);
}

void plugin_vcpu_resume(struct hart *h)
{
    hook_all(PEV_VCPU_RESUME, h);
}

void plugin_discon(struct hart *h, bool interrupt, uint64_t from, uint64_t to)
{
    int type = interrupt ? 1 : 2;    /* QEMU_PLUGIN_DISCON_INTERRUPT, _EXCEPTION */
    for (struct plugin *p = plugin_state.list; p; p = p->next) {
        struct plugin_hook *k = &p->hooks[PEV_DISCON];
        if (!p->live || !k->fn || !(p->discon_mask & (unsigned)type))
            continue;
        struct plugin_ctx ctx = plugin_enter(p, h);
        if (p->version >= 7)
            ((cb_discon_v7_t)k->fn)((unsigned)h->id, type, from, to, k->userdata);
        else
            ((cb_discon_v6_t)k->fn)(p->id, (unsigned)h->id, type, from, to);
        plugin_leave(ctx);
    }
}

void plugin_flush(struct machine *m)
{
    (void)m;
    hook_all(PEV_FLUSH, NULL);
    plugin_free_all_records();
}

/* ---- translation ----------------------------------------------------------- */

void plugin_tb_trans(struct plugin_tb *tb)
{
    tb->exec_cbs = NULL;
    tb->exec_tail = &tb->exec_cbs;
    for (unsigned i = 0; i < tb->n; i++) {
        struct plugin_insn *in = &tb->insns[i];
        in->exec_cbs = NULL;
        in->exec_tail = &in->exec_cbs;
        in->mem_cbs = NULL;
        in->mem_tail = &in->mem_cbs;
    }
    struct plugin_tb *outer = plugin_state.trans_tb;
    plugin_state.trans_tb = tb;
    for (struct plugin *p = plugin_state.list; p; p = p->next) {
        struct plugin_hook *k = &p->hooks[PEV_TB_TRANS];
        if (!p->live || !k->fn)
            continue;
        struct plugin_ctx ctx = plugin_enter(p, tb->hart);
        if (p->version >= 7)
            ((cb_trans_v7_t)k->fn)(tb, k->userdata);
        else
            ((cb_trans_v1_t)k->fn)(p->id, tb);
        plugin_leave(ctx);
    }
    plugin_state.trans_tb = outer;
}

/* ---- execution records ----------------------------------------------------- */

static inline uint64_t *record_entry(const struct plugin_cb *cb, const struct hart *h)
{
    return (uint64_t *)(cb->base + (size_t)h->id * cb->stride);
}

static bool cond_holds(enum plugin_cond c, uint64_t a, uint64_t b)
{
    switch (c) {
    case PCOND_ALWAYS: return true;
    case PCOND_EQ: return a == b;
    case PCOND_NE: return a != b;
    case PCOND_LT: return a < b;
    case PCOND_LE: return a <= b;
    case PCOND_GT: return a > b;
    case PCOND_GE: return a >= b;
    case PCOND_NEVER:
    default: return false;
    }
}

/* Runs a callback that may call qemu_plugin_set_pc; true when it did. */
static bool run_redirectable(struct hart *h, const struct plugin_cb *cb)
{
    struct plugin_redirect r = { .h = h };
    struct plugin_redirect *const outer = plugin_state.redirect;
    const struct plugin_ctx ctx = plugin_enter(cb->owner, h);
    r.depth = plugin_dispatch.depth;
    plugin_state.redirect = &r;
    if (sigsetjmp(r.env, 0)) {   /* qemu_plugin_set_pc jumped here */
        plugin_state.redirect = outer;
        plugin_leave(ctx);
        return true;
    }
    ((cb_vcpu_ud_t)cb->fn)((unsigned)h->id, cb->userdata);
    plugin_state.redirect = outer;
    plugin_leave(ctx);
    return false;
}

static __attribute__((noinline, cold)) bool run_cb_slow(struct hart *h,
                                                        const struct plugin_cb *cb)
{
    switch (cb->kind) {
    case PCB_INLINE_ADD:
        *record_entry(cb, h) += cb->imm;
        return false;
    case PCB_INLINE_STORE:
        *record_entry(cb, h) = cb->imm;
        return false;
    case PCB_COND_CB:
        if (!cond_holds(cb->cond, *record_entry(cb, h), cb->imm))
            return false;
        /* fall through */
    case PCB_CB: {
        if (cb->set_pc)
            return run_redirectable(h, cb);
        struct plugin_ctx ctx = plugin_enter(cb->owner, h);
        plugin_dispatch.no_regs = cb->no_regs;
        ((cb_vcpu_ud_t)cb->fn)((unsigned)h->id, cb->userdata);
        plugin_leave(ctx);
        return false;
    }
    case PCB_MEM_CB:
        return false;   /* memory records run through plugin_run_mem_cb */
    }
    return false;
}

/* The context of a record's callback when no plugin code is on the stack
 * (depth 0, so the context to restore afterwards is empty): opened, then
 * closed, with the resets and uninstalls asked for meanwhile run. */
static inline void open_top(struct hart *h, const struct plugin_cb *cb)
{
    plugin_dispatch.cur = cb->owner;
    plugin_dispatch.hart = h;
    plugin_dispatch.depth = 1;
    plugin_dispatch.no_regs = cb->no_regs;
}

void plugin_fp_recheck(void)
{
    struct hart *h = plugin_state.m ? plugin_state.m->cur : NULL;
    if (h)
        hart_sync_fp_host(h);   /* the other harts do it when their turn starts */
    else
        fpu_host_sync();
}

static inline void close_top(void)
{
    plugin_fp_recheck();
    plugin_dispatch.cur = NULL;
    plugin_dispatch.hart = NULL;
    plugin_dispatch.depth = 0;
    plugin_dispatch.no_regs = false;
    if (unlikely(plugin_dispatch.pending))
        plugin_run_pending();
}

/* The common case is kept short: a plain callback called from translated
 * code, where no plugin code is on the stack. */
bool plugin_run_cb(struct hart *h, const struct plugin_cb *cb)
{
    if (unlikely(cb->kind != PCB_CB || cb->set_pc || plugin_dispatch.depth))
        return run_cb_slow(h, cb);
    open_top(h, cb);
    ((cb_vcpu_ud_t)cb->fn)((unsigned)h->id, cb->userdata);
    close_top();
    return false;
}

static inline uint32_t meminfo_of(const struct plugin_mem_access *acc)
{
    return acc->size_shift | (acc->sign_extend ? PLUGIN_ACC_SIGNED : 0) |
           (acc->store ? PLUGIN_ACC_STORE : 0);
}

void plugin_run_mem_cb(struct hart *h, const struct plugin_cb *cb,
                       const struct plugin_mem_access *acc)
{
    if (!(cb->rw & (acc->store ? PMEM_W : PMEM_R)))
        return;
    switch (cb->kind) {
    case PCB_INLINE_ADD:
        *record_entry(cb, h) += cb->imm;
        return;
    case PCB_INLINE_STORE:
        *record_entry(cb, h) = cb->imm;
        return;
    case PCB_MEM_CB:
        if (likely(plugin_dispatch.depth == 0)) {   /* as in plugin_run_cb */
            plugin_dispatch.acc = acc;
            open_top(h, cb);
            ((cb_mem_t)cb->fn)((unsigned)h->id, meminfo_of(acc), acc->vaddr, cb->userdata);
            plugin_dispatch.acc = NULL;
            close_top();
        } else {
            const struct plugin_mem_access *outer = plugin_dispatch.acc;
            plugin_dispatch.acc = acc;
            struct plugin_ctx ctx = plugin_enter(cb->owner, h);
            plugin_dispatch.no_regs = cb->no_regs;
            ((cb_mem_t)cb->fn)((unsigned)h->id, meminfo_of(acc), acc->vaddr, cb->userdata);
            plugin_leave(ctx);
            plugin_dispatch.acc = outer;
        }
        return;
    case PCB_CB:
    case PCB_COND_CB:
        return;
    }
}
