/* The public plugin API (include/reprise/qemu-plugin.h) in system mode, on
 * top of plugin.h's records: registrations, block/instruction/memory
 * queries, scoreboards, guest memory and time, and the odds and ends.
 * Version-polymorphic symbols live in compat.c, register access in regs.c,
 * life-cycle calls in loader.c. Every function tolerates misuse (stale
 * handles, unknown ids) by warning once and doing nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "disas.h"
#include "emu/bus.h"
#include "emu/cpu/cpu.h"
#include "emu/cpu/mmu.h"
#include "emu/machine.h"
#include "internal.h"
#include "reprise/qemu-plugin.h"

/* ---- handle checks --------------------------------------------------------- */

static struct plugin_tb *tb_of(const struct qemu_plugin_tb *tb, const char *fn)
{
    struct plugin_tb *t = plugin_state.trans_tb;
    if (!tb || (const void *)tb != (const void *)t) {
        plugin_warn_stale(fn);
        return NULL;
    }
    return t;
}

static struct plugin_insn *insn_of(const struct qemu_plugin_insn *insn, const char *fn)
{
    struct plugin_tb *t = plugin_state.trans_tb;
    const struct plugin_insn *in = (const struct plugin_insn *)insn;
    if (!t || !in || in < t->insns || in >= t->insns + t->n) {
        plugin_warn_stale(fn);
        return NULL;
    }
    return (struct plugin_insn *)in;
}

/* ---- global callbacks ------------------------------------------------------ */

static void set_hook(qemu_plugin_id_t id, enum plugin_event ev, void *fn, void *ud,
                     const char *name)
{
    struct plugin *p = plugin_find(id, name);
    if (!p)
        return;
    p->hooks[ev].fn = fn;
    /* Before version 7 only atexit took userdata; the argument is not there. */
    p->hooks[ev].userdata = (p->version >= 7 || ev == PEV_ATEXIT) ? ud : NULL;
    if (ev == PEV_TB_TRANS)
        plugin_update_translation();
}

void qemu_plugin_register_vcpu_init_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_udata_cb_t cb,
                                       void *userdata)
{
    set_hook(id, PEV_VCPU_INIT, (void *)cb, userdata, __func__);
}

void qemu_plugin_register_vcpu_exit_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_udata_cb_t cb,
                                       void *userdata)
{
    set_hook(id, PEV_VCPU_EXIT, (void *)cb, userdata, __func__);
}

void qemu_plugin_register_vcpu_idle_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_udata_cb_t cb,
                                       void *userdata)
{
    set_hook(id, PEV_VCPU_IDLE, (void *)cb, userdata, __func__);
}

void qemu_plugin_register_vcpu_resume_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_udata_cb_t cb,
                                         void *userdata)
{
    set_hook(id, PEV_VCPU_RESUME, (void *)cb, userdata, __func__);
}

void qemu_plugin_register_vcpu_discon_cb(qemu_plugin_id_t id, enum qemu_plugin_discon_type type,
                                         qemu_plugin_vcpu_discon_cb_t cb, void *userdata)
{
    struct plugin *p = plugin_find(id, __func__);
    if (!p)
        return;
    set_hook(id, PEV_DISCON, (void *)cb, userdata, __func__);
    p->discon_mask = (unsigned)type;
}

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb,
                                           void *userdata)
{
    set_hook(id, PEV_TB_TRANS, (void *)cb, userdata, __func__);
}

void qemu_plugin_register_flush_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata)
{
    set_hook(id, PEV_FLUSH, (void *)cb, userdata, __func__);
}

void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata)
{
    set_hook(id, PEV_ATEXIT, (void *)cb, userdata, __func__);
}

/* System calls belong to user-mode emulation: accepted, never called. */
void qemu_plugin_register_vcpu_syscall_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_syscall_cb_t cb,
                                          void *userdata)
{
    set_hook(id, PEV_SYSCALL, (void *)cb, userdata, __func__);
}

void qemu_plugin_register_vcpu_syscall_ret_cb(qemu_plugin_id_t id,
                                              qemu_plugin_vcpu_syscall_ret_cb_t cb,
                                              void *userdata)
{
    set_hook(id, PEV_SYSCALL_RET, (void *)cb, userdata, __func__);
}

void qemu_plugin_register_vcpu_syscall_filter_cb(qemu_plugin_id_t id,
                                                 qemu_plugin_vcpu_syscall_filter_cb_t cb,
                                                 void *userdata)
{
    set_hook(id, PEV_SYSCALL_FILTER, (void *)cb, userdata, __func__);
}

typedef void (*cb_id_vcpu_t)(uint64_t id, unsigned vcpu);

void qemu_plugin_vcpu_for_each(qemu_plugin_id_t id, qemu_plugin_vcpu_udata_cb_t cb,
                               void *userdata)
{
    struct plugin *p = plugin_find(id, __func__);
    if (!p || !cb || !plugin_state.m)
        return;
    for (int i = 0; i < plugin_state.m->nharts; i++) {
        struct plugin_ctx ctx = plugin_enter(p, plugin_state.m->harts[i]);
        if (p->version >= 7)
            cb((unsigned)i, userdata);
        else
            ((cb_id_vcpu_t)(void *)cb)(p->id, (unsigned)i);
        plugin_leave(ctx);
    }
}

/* ---- execution instrumentation -------------------------------------------- */

/* Appends a record of kind to the list ending at *tail, owned by the plugin
 * whose translation callback is running. */
static struct plugin_cb *add_record(struct plugin_cb ***tail, enum plugin_cb_kind kind)
{
    struct plugin *p = plugin_dispatch.cur;
    if (!p)
        return NULL;
    struct plugin_cb *r = plugin_new_record();
    if (!r) {
        fprintf(stderr, "reprise: out of memory for plugin %s's instrumentation\n", p->path);
        return NULL;
    }
    r->kind = kind;
    r->owner = p;
    r->rw = PMEM_RW;
    r->cond = PCOND_ALWAYS;
    **tail = r;
    *tail = &r->next;
    return r;
}

/* Where an inline op or condition on entry acts: a contiguous array with one
 * element per hart. False for an entry that does not fit its scoreboard. */
static bool entry_target(qemu_plugin_u64 entry, char **base, size_t *stride)
{
    struct scoreboard *sb = (struct scoreboard *)entry.score;
    if (!sb || entry.offset + sizeof(uint64_t) > sb->size)
        return false;
    *base = sb->data + entry.offset;
    *stride = sb->size;
    return true;
}

/* Only a callback registered with QEMU_PLUGIN_CB_RW_REGS_PC (version 6 on)
 * may move the pc with qemu_plugin_set_pc, as in QEMU. */
static bool flags_set_pc(enum qemu_plugin_cb_flags flags)
{
    return flags == QEMU_PLUGIN_CB_RW_REGS_PC;
}

static void add_cb(struct plugin_cb ***tail, void *fn, enum qemu_plugin_cb_flags flags,
                   void *userdata)
{
    struct plugin_cb *r = add_record(tail, PCB_CB);
    if (r) {
        r->fn = fn;
        r->userdata = userdata;
        r->set_pc = flags_set_pc(flags);
        r->no_regs = flags == QEMU_PLUGIN_CB_NO_REGS;
    }
}

static void add_cond_cb(struct plugin_cb ***tail, void *fn, enum qemu_plugin_cb_flags flags,
                        enum qemu_plugin_cond cond, qemu_plugin_u64 entry, uint64_t imm,
                        void *userdata)
{
    char *base;
    size_t stride;
    if (cond == QEMU_PLUGIN_COND_NEVER)
        return;
    if (cond == QEMU_PLUGIN_COND_ALWAYS) {
        add_cb(tail, fn, flags, userdata);
        return;
    }
    if ((unsigned)cond > QEMU_PLUGIN_COND_GE || !entry_target(entry, &base, &stride))
        return;
    struct plugin_cb *r = add_record(tail, PCB_COND_CB);
    if (r) {
        r->fn = fn;
        r->userdata = userdata;
        r->set_pc = flags_set_pc(flags);
        r->no_regs = flags == QEMU_PLUGIN_CB_NO_REGS;
        r->cond = (enum plugin_cond)cond;
        r->base = base;
        r->stride = stride;
        r->imm = imm;
    }
}

static void add_inline(struct plugin_cb ***tail, enum qemu_plugin_op op, char *base,
                       size_t stride, uint64_t imm, unsigned rw)
{
    if (op != QEMU_PLUGIN_INLINE_ADD_U64 && op != QEMU_PLUGIN_INLINE_STORE_U64)
        return;
    struct plugin_cb *r = add_record(tail, op == QEMU_PLUGIN_INLINE_ADD_U64 ? PCB_INLINE_ADD
                                                                           : PCB_INLINE_STORE);
    if (r) {
        r->base = base;
        r->stride = stride;
        r->imm = imm;
        r->rw = rw;
    }
}

static void add_inline_entry(struct plugin_cb ***tail, enum qemu_plugin_op op,
                             qemu_plugin_u64 entry, uint64_t imm, unsigned rw)
{
    char *base;
    size_t stride;
    if (entry_target(entry, &base, &stride))
        add_inline(tail, op, base, stride, imm, rw);
}

void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata)
{
    struct plugin_tb *t = tb_of(tb, __func__);
    if (t && cb)
        add_cb(&t->exec_tail, (void *)cb, flags, userdata);
}

void qemu_plugin_register_vcpu_tb_exec_cond_cb(struct qemu_plugin_tb *tb,
                                               qemu_plugin_vcpu_udata_cb_t cb,
                                               enum qemu_plugin_cb_flags flags,
                                               enum qemu_plugin_cond cond,
                                               qemu_plugin_u64 entry, uint64_t imm,
                                               void *userdata)
{
    struct plugin_tb *t = tb_of(tb, __func__);
    if (t && cb)
        add_cond_cb(&t->exec_tail, (void *)cb, flags, cond, entry, imm, userdata);
}

void qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(struct qemu_plugin_tb *tb,
                                                       enum qemu_plugin_op op,
                                                       qemu_plugin_u64 entry, uint64_t imm)
{
    struct plugin_tb *t = tb_of(tb, __func__);
    if (t)
        add_inline_entry(&t->exec_tail, op, entry, imm, PMEM_RW);
}

void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata)
{
    struct plugin_insn *in = insn_of(insn, __func__);
    if (in && cb)
        add_cb(&in->exec_tail, (void *)cb, flags, userdata);
}

void qemu_plugin_register_vcpu_insn_exec_cond_cb(struct qemu_plugin_insn *insn,
                                                 qemu_plugin_vcpu_udata_cb_t cb,
                                                 enum qemu_plugin_cb_flags flags,
                                                 enum qemu_plugin_cond cond,
                                                 qemu_plugin_u64 entry, uint64_t imm,
                                                 void *userdata)
{
    struct plugin_insn *in = insn_of(insn, __func__);
    if (in && cb)
        add_cond_cb(&in->exec_tail, (void *)cb, flags, cond, entry, imm, userdata);
}

void qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(struct qemu_plugin_insn *insn,
                                                         enum qemu_plugin_op op,
                                                         qemu_plugin_u64 entry, uint64_t imm)
{
    struct plugin_insn *in = insn_of(insn, __func__);
    if (in)
        add_inline_entry(&in->exec_tail, op, entry, imm, PMEM_RW);
}

void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_mem_cb_t cb,
                                      enum qemu_plugin_cb_flags flags,
                                      enum qemu_plugin_mem_rw rw, void *userdata)
{
    struct plugin_insn *in = insn_of(insn, __func__);
    if (!in || !cb || !in->is_mem || !(rw & PMEM_RW))
        return;   /* an instruction without accesses never calls it */
    struct plugin_cb *r = add_record(&in->mem_tail, PCB_MEM_CB);
    if (r) {
        r->fn = (void *)cb;
        r->userdata = userdata;
        r->no_regs = flags == QEMU_PLUGIN_CB_NO_REGS;
        r->rw = (unsigned)rw & PMEM_RW;
    }
}

void qemu_plugin_register_vcpu_mem_inline_per_vcpu(struct qemu_plugin_insn *insn,
                                                   enum qemu_plugin_mem_rw rw,
                                                   enum qemu_plugin_op op,
                                                   qemu_plugin_u64 entry, uint64_t imm)
{
    struct plugin_insn *in = insn_of(insn, __func__);
    if (in && in->is_mem && (rw & PMEM_RW))
        add_inline_entry(&in->mem_tail, op, entry, imm, (unsigned)rw & PMEM_RW);
}

/* Version 1: inline operations on one raw uint64_t shared by every hart. */
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_mem_inline(struct qemu_plugin_insn *insn,
                                          enum qemu_plugin_mem_rw rw, enum qemu_plugin_op op,
                                          void *ptr, uint64_t imm);

void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm)
{
    struct plugin_tb *t = tb_of(tb, __func__);
    if (t && ptr)
        add_inline(&t->exec_tail, op, ptr, 0, imm, PMEM_RW);
}

void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm)
{
    struct plugin_insn *in = insn_of(insn, __func__);
    if (in && ptr)
        add_inline(&in->exec_tail, op, ptr, 0, imm, PMEM_RW);
}

void qemu_plugin_register_vcpu_mem_inline(struct qemu_plugin_insn *insn,
                                          enum qemu_plugin_mem_rw rw, enum qemu_plugin_op op,
                                          void *ptr, uint64_t imm)
{
    struct plugin_insn *in = insn_of(insn, __func__);
    if (in && ptr && in->is_mem && (rw & PMEM_RW))
        add_inline(&in->mem_tail, op, ptr, 0, imm, (unsigned)rw & PMEM_RW);
}

/* ---- block and instruction queries ---------------------------------------- */

size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb)
{
    struct plugin_tb *t = tb_of(tb, __func__);
    return t ? t->n : 0;
}

uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb)
{
    struct plugin_tb *t = tb_of(tb, __func__);
    return t ? t->vaddr : 0;
}

struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx)
{
    struct plugin_tb *t = tb_of(tb, __func__);
    if (!t || idx >= t->n)
        return NULL;
    return (struct qemu_plugin_insn *)&t->insns[idx];
}

size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn)
{
    struct plugin_insn *in = insn_of(insn, __func__);
    return in ? in->len : 0;
}

uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn)
{
    struct plugin_insn *in = insn_of(insn, __func__);
    return in ? in->vaddr : 0;
}

void *qemu_plugin_insn_haddr(const struct qemu_plugin_insn *insn)
{
    struct plugin_insn *in = insn_of(insn, __func__);
    return in ? in->haddr : NULL;
}

char *qemu_plugin_insn_disas(const struct qemu_plugin_insn *insn)
{
    struct plugin_insn *in = insn_of(insn, __func__);
    if (!in)
        return NULL;
    char buf[DISAS_MAX];
    disas_insn(in->data, in->vaddr, buf, sizeof(buf));
    return g_strdup(buf);
}

const char *qemu_plugin_insn_symbol(const struct qemu_plugin_insn *insn)
{
    struct plugin_insn *in = insn_of(insn, __func__);
    return in ? symbols_lookup(in->vaddr) : NULL;
}

/* ---- memory accesses ------------------------------------------------------- */

unsigned int qemu_plugin_mem_size_shift(qemu_plugin_meminfo_t info)
{
    return info & 0xf;
}

bool qemu_plugin_mem_is_sign_extended(qemu_plugin_meminfo_t info)
{
    return info & PLUGIN_ACC_SIGNED;
}

bool qemu_plugin_mem_is_big_endian(qemu_plugin_meminfo_t info)
{
    return false;
}

bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info)
{
    return info & PLUGIN_ACC_STORE;
}

qemu_plugin_mem_value qemu_plugin_mem_get_value(qemu_plugin_meminfo_t info)
{
    qemu_plugin_mem_value v;
    memset(&v, 0, sizeof(v));
    const struct plugin_mem_access *acc = plugin_dispatch.acc;
    uint64_t x = acc ? acc->value : 0;
    switch (info & 0xf) {
    case 0: v.type = QEMU_PLUGIN_MEM_VALUE_U8; v.data.u8 = (uint8_t)x; break;
    case 1: v.type = QEMU_PLUGIN_MEM_VALUE_U16; v.data.u16 = (uint16_t)x; break;
    case 2: v.type = QEMU_PLUGIN_MEM_VALUE_U32; v.data.u32 = (uint32_t)x; break;
    default: v.type = QEMU_PLUGIN_MEM_VALUE_U64; v.data.u64 = x; break;
    }
    return v;
}

/* Translates va for the current hart as a load (store) would, without side
 * effects. Until the MMU offers a side-effect-free walk, an address under
 * paging is answered only from the software TLB (which holds every RAM page
 * the hart just accessed); M-mode and bare translation are exact. */
bool plugin_translate(struct hart *h, uint64_t va, bool store, uint64_t *pa)
{
    return h && mmu_translate_debug(h, va, store ? ACC_W : ACC_R, pa) == 0;
}

struct qemu_plugin_hwaddr {
    uint64_t pa;
    bool io;
    const char *name;
};

static struct qemu_plugin_hwaddr hwaddr_slot;

static const char *device_name(uint64_t pa, bool *io)
{
    struct bus *b = &plugin_state.m->bus;
    *io = false;
    if (bus_is_ram(b, pa, 1))
        return "RAM";
    struct bus_region *r = bus_find(b, pa);
    if (!r)
        return "unassigned";
    if (!r->ops)
        return "RAM";      /* ROM: memory, as QEMU reports it */
    *io = true;
    return r->ops->name ? r->ops->name : "device";
}

struct qemu_plugin_hwaddr *qemu_plugin_get_hwaddr(qemu_plugin_meminfo_t info, uint64_t vaddr)
{
    struct hart *h = plugin_dispatch.hart;
    uint64_t pa;
    if (!h || !plugin_state.m || !plugin_translate(h, vaddr, info & PLUGIN_ACC_STORE, &pa))
        return NULL;
    hwaddr_slot.pa = pa;
    hwaddr_slot.name = device_name(pa, &hwaddr_slot.io);
    return &hwaddr_slot;
}

bool qemu_plugin_hwaddr_is_io(const struct qemu_plugin_hwaddr *haddr)
{
    return haddr && haddr->io;
}

uint64_t qemu_plugin_hwaddr_phys_addr(const struct qemu_plugin_hwaddr *haddr)
{
    return haddr ? haddr->pa : 0;
}

const char *qemu_plugin_hwaddr_device_name(const struct qemu_plugin_hwaddr *h)
{
    return h ? h->name : "invalid";
}

/* ---- guest memory ---------------------------------------------------------- */

/* Copies len bytes at physical pa out of RAM or ROM; false when a byte is
 * elsewhere (devices are never read: that could change their state). */
static bool read_phys(uint64_t pa, uint8_t *dst, size_t len)
{
    struct bus *b = &plugin_state.m->bus;
    while (len) {
        size_t chunk = PAGE_SIZE - (pa & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        bool writable;
        const uint8_t *src = bus_host_ptr(b, pa, chunk, &writable);
        if (!src)
            return false;
        memcpy(dst, src, chunk);
        pa += chunk;
        dst += chunk;
        len -= chunk;
    }
    return true;
}

bool qemu_plugin_read_memory_vaddr(uint64_t addr, GByteArray *data, size_t len)
{
    struct hart *h = plugin_dispatch.hart;
    if (!h || !data || len == 0)
        return false;
    g_byte_array_set_size(data, (guint)len);
    for (size_t done = 0; done < len;) {
        uint64_t va = addr + done, pa;
        size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > len - done)
            chunk = len - done;
        if (!plugin_translate(h, va, false, &pa) || !read_phys(pa, data->data + done, chunk))
            return false;
        done += chunk;
    }
    return true;
}

bool qemu_plugin_write_memory_vaddr(uint64_t addr, GByteArray *data)
{
    struct hart *h = plugin_dispatch.hart;
    if (!h || !data || !plugin_may_write(plugin_dispatch.cur, __func__))
        return false;
    for (size_t done = 0; done < data->len;) {
        uint64_t va = addr + done, pa;
        size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > data->len - done)
            chunk = data->len - done;
        if (!plugin_translate(h, va, true, &pa) ||
            bus_write_ram(&plugin_state.m->bus, pa, data->data + done, chunk))
            return false;
        done += chunk;
    }
    return true;
}

enum qemu_plugin_hwaddr_operation_result
qemu_plugin_read_memory_hwaddr(uint64_t addr, GByteArray *data, size_t len)
{
    if (!plugin_state.m || !data || len == 0)
        return QEMU_PLUGIN_HWADDR_OPERATION_ERROR;
    g_byte_array_set_size(data, (guint)len);
    if (read_phys(addr, data->data, len))
        return QEMU_PLUGIN_HWADDR_OPERATION_OK;
    bool io;
    device_name(addr, &io);
    return io ? QEMU_PLUGIN_HWADDR_OPERATION_DEVICE_ERROR
              : QEMU_PLUGIN_HWADDR_OPERATION_INVALID_ADDRESS;
}

enum qemu_plugin_hwaddr_operation_result
qemu_plugin_write_memory_hwaddr(uint64_t addr, GByteArray *data)
{
    if (!plugin_state.m || !data)
        return QEMU_PLUGIN_HWADDR_OPERATION_ERROR;
    if (!plugin_may_write(plugin_dispatch.cur, __func__))
        return QEMU_PLUGIN_HWADDR_OPERATION_ACCESS_DENIED;
    struct bus *b = &plugin_state.m->bus;
    if (!bus_is_ram(b, addr, data->len)) {
        bool io;
        device_name(addr, &io);
        return io || bus_find(b, addr) ? QEMU_PLUGIN_HWADDR_OPERATION_ACCESS_DENIED
                                       : QEMU_PLUGIN_HWADDR_OPERATION_INVALID_ADDRESS;
    }
    return bus_write_ram(b, addr, data->data, data->len) ? QEMU_PLUGIN_HWADDR_OPERATION_ERROR
                                                          : QEMU_PLUGIN_HWADDR_OPERATION_OK;
}

bool qemu_plugin_translate_vaddr(uint64_t vaddr, uint64_t *hwaddr)
{
    return hwaddr && plugin_translate(plugin_dispatch.hart, vaddr, false, hwaddr);
}

/* ---- scoreboards ----------------------------------------------------------- */

struct qemu_plugin_scoreboard *qemu_plugin_scoreboard_new(size_t element_size)
{
    struct scoreboard *sb = calloc(1, sizeof(*sb));
    if (!sb)
        return NULL;
    sb->size = element_size ? element_size : 1;
    sb->data = calloc((size_t)plugin_state.nharts, sb->size);
    if (!sb->data) {
        free(sb);
        return NULL;
    }
    sb->owner = plugin_dispatch.cur;
    sb->next = plugin_state.scoreboards;
    plugin_state.scoreboards = sb;
    return (struct qemu_plugin_scoreboard *)sb;
}

void qemu_plugin_scoreboard_free(struct qemu_plugin_scoreboard *score)
{
    struct scoreboard *sb = (struct scoreboard *)score;
    for (struct scoreboard **pp = &plugin_state.scoreboards; *pp; pp = &(*pp)->next) {
        if (*pp == sb) {
            *pp = sb->next;
            free(sb->data);
            free(sb);
            return;
        }
    }
}

void plugin_free_scoreboards(struct plugin *p)
{
    struct scoreboard **pp = &plugin_state.scoreboards;
    while (*pp) {
        struct scoreboard *sb = *pp;
        if (p && sb->owner != p) {
            pp = &sb->next;
            continue;
        }
        *pp = sb->next;
        free(sb->data);
        free(sb);
    }
}

void *qemu_plugin_scoreboard_find(struct qemu_plugin_scoreboard *score, unsigned int vcpu_index)
{
    struct scoreboard *sb = (struct scoreboard *)score;
    if (!sb || vcpu_index >= (unsigned)plugin_state.nharts)
        return NULL;
    return sb->data + (size_t)vcpu_index * sb->size;
}

static uint64_t *u64_at(qemu_plugin_u64 entry, unsigned int vcpu_index)
{
    struct scoreboard *sb = (struct scoreboard *)entry.score;
    if (!sb || vcpu_index >= (unsigned)plugin_state.nharts ||
        entry.offset + sizeof(uint64_t) > sb->size)
        return NULL;
    return (uint64_t *)(sb->data + (size_t)vcpu_index * sb->size + entry.offset);
}

void qemu_plugin_u64_add(qemu_plugin_u64 entry, unsigned int vcpu_index, uint64_t added)
{
    uint64_t *p = u64_at(entry, vcpu_index);
    if (p)
        *p += added;
}

uint64_t qemu_plugin_u64_get(qemu_plugin_u64 entry, unsigned int vcpu_index)
{
    uint64_t *p = u64_at(entry, vcpu_index);
    return p ? *p : 0;
}

void qemu_plugin_u64_set(qemu_plugin_u64 entry, unsigned int vcpu_index, uint64_t val)
{
    uint64_t *p = u64_at(entry, vcpu_index);
    if (p)
        *p = val;
}

uint64_t qemu_plugin_u64_sum(qemu_plugin_u64 entry)
{
    uint64_t total = 0;
    for (int i = 0; i < plugin_state.nharts; i++)
        total += qemu_plugin_u64_get(entry, (unsigned)i);
    return total;
}

/* ---- time ------------------------------------------------------------------ */

const void *qemu_plugin_request_time_control(void)
{
    struct plugin *p = plugin_dispatch.cur;
    if (plugin_state.mode != PMODE_RUN) {
        fprintf(stderr, "reprise: plugin %s asked to control guest time, which only `run` "
                "mode allows (guest time is part of a recording); refused\n",
                p ? p->path : "?");
        return NULL;
    }
    if (plugin_state.time_owner && plugin_state.time_owner != p)
        return NULL;
    plugin_state.time_owner = p;
    return &plugin_state.time_owner;
}

void qemu_plugin_update_ns(const void *handle, int64_t time)
{
    if (handle != (const void *)&plugin_state.time_owner || !plugin_state.time_owner ||
        plugin_state.mode != PMODE_RUN || !plugin_state.m || time < 0)
        return;
    uint64_t ticks = (uint64_t)time / (1000000000ULL / VIRT_TIMEBASE_FREQ);
    if (ticks > machine_mtime(plugin_state.m))
        machine_set_mtime(plugin_state.m, ticks);
}

/* ---- odds and ends --------------------------------------------------------- */

int qemu_plugin_num_vcpus(void)
{
    return plugin_state.nharts;
}

/* Version 1 names. */
int qemu_plugin_n_vcpus(void);
int qemu_plugin_n_max_vcpus(void);

int qemu_plugin_n_vcpus(void)
{
    return plugin_state.nharts;
}

int qemu_plugin_n_max_vcpus(void)
{
    return plugin_state.nharts;
}

void qemu_plugin_outs(const char *string)
{
    if (plugin_state.log && string)
        fputs(string, plugin_state.log);
}

bool qemu_plugin_bool_parse(const char *name, const char *val, bool *ret)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    if (!name || !val || !ret)
        return false;
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (!strcmp(val, yes[i])) {
            *ret = true;
            return true;
        }
        if (!strcmp(val, no[i])) {
            *ret = false;
            return true;
        }
    }
    return false;
}

/* User-mode facts: none in a whole machine, as in QEMU's system mode. */
const char *qemu_plugin_path_to_binary(void)
{
    return NULL;
}

uint64_t qemu_plugin_start_code(void)
{
    return 0;
}

uint64_t qemu_plugin_end_code(void)
{
    return 0;
}

uint64_t qemu_plugin_entry_code(void)
{
    return 0;
}

/* Moves the current hart to vaddr and abandons the instruction (or block)
 * whose callback is running: jumps back into dispatch.c, which makes the
 * interpreter leave the block. Refused, with a message, in record and
 * replay (it changes what the guest executes) and outside a callback that
 * may redirect; the call then returns, as QEMU's does on an error. */
void qemu_plugin_set_pc(uint64_t vaddr)
{
    struct plugin *p = plugin_dispatch.cur;
    struct plugin_redirect *r = plugin_state.redirect;
    bool run = plugin_state.mode == PMODE_RUN;
    if (run && p && r && r->depth == plugin_dispatch.depth) {
        r->h->pc = vaddr;
        siglongjmp(r->env, 1);
    }
    if (p && !p->warned_set_pc) {
        p->warned_set_pc = true;
        if (!run)
            fprintf(stderr, "reprise: plugin %s called qemu_plugin_set_pc, which changes what "
                    "the guest executes and only `run` mode allows; refused in %s mode\n",
                    p->path, plugin_state.mode == PMODE_RECORD ? "record" : "replay");
        else
            fprintf(stderr, "reprise: plugin %s called qemu_plugin_set_pc outside an "
                    "instruction or block callback registered with QEMU_PLUGIN_CB_RW_REGS_PC;"
                    " ignored\n", p->path);
    }
}
