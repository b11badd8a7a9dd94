/* The threaded-code interpreter: runs pre-decoded blocks with computed-goto
 * dispatch, the TLB fast path inlined for loads and stores, and block
 * chaining at exits. Blocks are counted whole at entry; an exception in the
 * middle subtracts the instructions that did not retire, and slow paths see
 * the exact count (instructions retired before the current one). A block
 * with host code (jit.h) starts with the JIT op, which runs that code and
 * carries on here from wherever it gave control back. */
#include <string.h>

#include "cpu.h"
#include "decode.h"
#include "emu/machine.h"
#include "fpexec.h"
#include "fpu.h"
#include "jit.h"
#include "mmu.h"
#include "muldiv.h"
#include "plugins/plugin.h"
#include "tb.h"
#include "util.h"

static const void *const *label_table;

/* CSR instruction semantics (csr.c). */
int csr_insn(struct hart *h, unsigned csr, unsigned kind, uint64_t src,
             bool do_read, bool do_write, uint64_t *old);
/* Privileged instructions (hart.c). Return 0 or an exception cause. */
int hart_mret(struct hart *h);
int hart_sret(struct hart *h);
int hart_wfi(struct hart *h);
int hart_sfence_vma(struct hart *h, uint64_t va, unsigned asid_reg);

static void run(struct hart *h, struct tb *tb);

static void fire_mem(struct hart *h, const struct plugin_cb *cb, unsigned dir,
                     const struct plugin_mem_access *pm)
{
    for (; cb; cb = cb->next)
        if (cb->rw & dir)
            plugin_run_mem_cb(h, cb, pm);
}

/* Memory callbacks for the access instruction k just made. Loads report
 * the loaded value, stores the stored one; an AMO is a read then a write (as
 * QEMU reports atomics), and so is an SC whose reservation address matched
 * (QEMU's compare-and-swap), whether or not it stored. */
static void plugin_mem_post(struct hart *h, const struct plugin_cb *list, unsigned k,
                            struct plugin_mem_access *pm, uint64_t loaded,
                            const uint8_t *amo_p, bool sc_accessed)
{
    unsigned shift;
    bool sign = false, load = false, store = false;
    switch (k) {
    case OP_LB: shift = 0; sign = load = true; break;
    case OP_LH: shift = 1; sign = load = true; break;
    case OP_LW: case OP_LR_W: shift = 2; sign = load = true; break;
    case OP_LD: case OP_LR_D: shift = 3; load = true; break;
    case OP_LBU: shift = 0; load = true; break;
    case OP_LHU: shift = 1; load = true; break;
    case OP_LWU: case OP_FLW: shift = 2; load = true; break;
    case OP_FLD: shift = 3; load = true; break;
    case OP_SB: shift = 0; store = true; break;
    case OP_SH: shift = 1; store = true; break;
    case OP_SW: case OP_FSW: shift = 2; store = true; break;
    case OP_SD: case OP_FSD: shift = 3; store = true; break;
    case OP_SC_W: case OP_SC_D:   /* loaded: rd, 0 when it stored */
        if (!sc_accessed)
            return;
        shift = k == OP_SC_D ? 3 : 2;
        load = store = true;
        if (loaded == 0) {
            loaded = h->res_val;
        } else {
            loaded = 0;
            memcpy(&loaded, amo_p, 1u << shift);
        }
        break;
    default:   /* AMOs */
        shift = (k >= OP_AMOSWAP_D && k <= OP_AMOMAXU_D) ? 3 : 2;
        sign = shift == 2;
        load = store = true;
        break;
    }
    uint64_t mask = shift == 3 ? ~0ULL : (1ULL << (8u << shift)) - 1;
    pm->size_shift = shift;
    pm->sign_extend = sign;
    uint64_t stored = pm->value;
    if (load) {
        pm->store = false;
        pm->value = loaded & mask;
        fire_mem(h, list, PMEM_R, pm);
    }
    if (store) {
        pm->store = true;
        pm->value = stored & mask;
        if (k >= OP_SC_W && k <= OP_AMOMAXU_D) {   /* what an SC or AMO left in memory */
            uint64_t cur = 0;
            memcpy(&cur, amo_p, 1u << shift);
            pm->value = cur & mask;
        }
        fire_mem(h, list, PMEM_W, pm);
    }
}

const void *const *exec_labels(void)
{
    if (!label_table)
        run(NULL, NULL);
    return label_table;
}

void tb_exec(struct hart *h, struct tb *tb)
{
    run(h, tb);
}

#define NEXT()          do { op++; goto *op->h; } while (0)
#define RD              x[op->rd]
#define RS1             x[op->rs1]
#define RS2             x[op->rs2]
#define PC              (tb->vpc + op->pcoff)
#define LINK            (tb->vpc + op->pcoff + op->len)
#define RAISE(c, t)     do { cause = (c); tval = (t); goto exception; } while (0)
/* The instruction count and budget live in locals; h->icount is written
 * back before anything outside the interpreter may look at it. Around a slow
 * path, h->icount is exact for this instruction (the ones before it retired)
 * and the budget is reloaded, since a device may have asked us to stop. */
#define EXACT(call)     ({ h->icount = icount - (uint64_t)(tb->n_insns - op->idx); \
                           int r_ = (call); limit = h->limit; r_; })
#define LEAVE()         do { h->icount = icount; return; } while (0)
/* Goes on with block t, counted whole at entry. */
#define ENTER(t)        do { tb = (t); icount += tb->n_insns; op = tb->ops; goto *op->h; } while (0)

#define LOAD(NAME, SIZE, CT, DST)                                              \
    L_##NAME: {                                                                \
        uint64_t va = RS1 + (uint64_t)op->imm;                                 \
        struct tlb_entry *e = &dtlb[(va >> PAGE_SHIFT) & (TLB_SIZE - 1)];      \
        uint64_t v;                                                            \
        if (likely(e->tag_r == (va & (PAGE_MASK | (SIZE - 1))))) {             \
            CT t_;                                                             \
            memcpy(&t_, (void *)(e->addend + va), SIZE);                       \
            v = (uint64_t)t_;                                                  \
        } else {                                                               \
            uint64_t raw_;                                                     \
            int r = EXACT(mmu_load_slow(h, va, SIZE, &raw_));                  \
            if (r)                                                             \
                RAISE(r, h->fault_tval);                                       \
            CT t_ = (CT)raw_;                                                  \
            v = (uint64_t)t_;                                                  \
        }                                                                      \
        DST;                                                                   \
        NEXT();                                                                \
    }

#define STORE(NAME, SIZE, CT, SRC)                                             \
    L_##NAME: {                                                                \
        uint64_t va = RS1 + (uint64_t)op->imm;                                 \
        struct tlb_entry *e = &dtlb[(va >> PAGE_SHIFT) & (TLB_SIZE - 1)];      \
        uint64_t v = (SRC);                                                    \
        if (likely(e->tag_w == (va & (PAGE_MASK | (SIZE - 1))))) {             \
            CT t_ = (CT)v;                                                     \
            memcpy((void *)(e->addend + va), &t_, SIZE);                       \
        } else {                                                               \
            int r = EXACT(mmu_store_slow(h, va, SIZE, v));                     \
            if (r)                                                             \
                RAISE(r, h->fault_tval);                                       \
            if (unlikely(m->stop_requested))                                   \
                goto stop_after;                                               \
        }                                                                      \
        NEXT();                                                                \
    }

/* Leaves the block through exit SLOT. The chained fast path is expanded at
 * every exit site so that each has its own indirect jump to predict. A
 * chain never names an invalidated block (translate.c unchains them). */
#define CHAIN(SLOT)                                                            \
    do {                                                                       \
        struct tb *nt_ = tb->chain[SLOT];                                      \
        if (likely(nt_ && icount + nt_->n_insns <= limit)) {                   \
            tb = nt_;                                                          \
            icount += nt_->n_insns;                                            \
            op = nt_->ops;                                                     \
            goto *op->h;                                                       \
        }                                                                      \
        slot = SLOT;                                                           \
        goto chain_exit;                                                       \
    } while (0)

#define BRANCH(NAME, COND)                                                     \
    L_##NAME:                                                                  \
        if (COND)                                                              \
            CHAIN(0);                                                          \
        NEXT();

#define AMO(NAME, CT, SIZE, EXPR)                                              \
    L_##NAME: {                                                                \
        uint8_t *p;                                                            \
        uint64_t pa;                                                           \
        int r = mmu_amo_ptr(h, RS1, SIZE, false, &p, &pa);                     \
        if (r)                                                                 \
            RAISE(r, h->fault_tval);                                           \
        CT a, b = (CT)RS2, n;                                                  \
        amo_p = p;                                                             \
        memcpy(&a, p, SIZE);                                                   \
        n = (EXPR);                                                            \
        memcpy(p, &n, SIZE);                                                   \
        RD = (uint64_t)(int64_t)a;                                             \
        NEXT();                                                                \
    }


static void run(struct hart *h, struct tb *tb)
{
    static const void *const labels[OP_COUNT] = {
#define X(name, doc) [OP_##name] = &&L_##name,
        OP_LIST(X)
#undef X
    };
    _Static_assert(ARRAY_SIZE(labels) == OP_COUNT, "a label for every op");

    if (!h) {
        label_table = labels;
        return;
    }

    uint64_t *x = h->x;
    struct tlb_entry *dtlb = h->dtlb;
    const struct op *op = tb->ops;
    struct machine *m = h->m;
    uint64_t cause, tval, fp_cause;
    uint64_t icount = h->icount, limit = h->limit;
    int slot;
    /* the memory access in progress, for plugin memory callbacks */
    struct plugin_mem_access pm = {0};
    uint8_t *amo_p = NULL;
    bool sc_accessed = false;

    goto *op->h;

L_ILLEGAL:
    RAISE(EXC_ILLEGAL, op->raw);

L_EXIT:
    CHAIN(1);

L_JIT: {
    /* The block has host code: run it, and whatever it chains to, then go
     * on from where it gave control back. */
    struct jit_ret r = tb_jit_run(h, tb, icount);
    icount = h->icount;
    limit = h->limit;
    dtlb = h->dtlb;
    tb = r.tb;
    op = &tb->ops[(r.code >> 8) & 0xffffff];
    switch ((enum jit_exit)(r.code & 0xff)) {
    case JIT_EXIT0:
        slot = 0;
        goto chain_exit;
    case JIT_EXIT1:
        slot = 1;
        goto chain_exit;
    case JIT_LIMIT:
        h->pc = tb->vpc;
        goto step;
    case JIT_TRAP:
        RAISE(r.code >> 32, h->fault_tval);
    case JIT_STOP:
        goto stop_after;
    case JIT_INTERP:
        goto *labels[op->kind];
    case JIT_INDIRECT:
        goto indirect_exit;
    case JIT_RETURN:
        return;
    }
    goto indirect_exit;
}

L_PLUGIN_CB:
    h->pc = PC;
    h->icount = icount - (uint64_t)(tb->n_insns - op->idx);
    if (unlikely(plugin_run_cb(h, (const struct plugin_cb *)(uintptr_t)op->imm)))
        return;   /* qemu_plugin_set_pc moved h->pc; this instruction does not run */
    limit = h->limit;
    NEXT();

L_PLUGIN_INLINE: {
    const struct plugin_cb *cb = (const struct plugin_cb *)(uintptr_t)op->imm;
    *(uint64_t *)(void *)(cb->base + (size_t)h->id * cb->stride) += cb->imm;
    NEXT();
}

L_PLUGIN_MEM_PRE: {
    unsigned k = op->rm;
    bool amo = k >= OP_LR_W && k <= OP_AMOMAXU_D;
    pm.vaddr = amo ? RS1 : RS1 + (uint64_t)op->imm;
    pm.value = (k == OP_FSW || k == OP_FSD) ? h->f[op->rs2] : RS2;
    NEXT();
}

L_PLUGIN_MEM_POST: {
    unsigned k = op->rm;
    h->pc = PC;
    h->icount = icount - (uint64_t)(tb->n_insns - op->idx);
    plugin_mem_post(h, (const struct plugin_cb *)(uintptr_t)op->imm, k, &pm,
                    (k == OP_FLW || k == OP_FLD) ? h->f[op->rd] : x[op->rd],
                    amo_p, sc_accessed);
    limit = h->limit;
    NEXT();
}

L_LI:    RD = (uint64_t)op->imm; NEXT();
L_ADDI:  RD = RS1 + (uint64_t)op->imm; NEXT();
L_SLTI:  RD = (int64_t)RS1 < op->imm; NEXT();
L_SLTIU: RD = RS1 < (uint64_t)op->imm; NEXT();
L_XORI:  RD = RS1 ^ (uint64_t)op->imm; NEXT();
L_ORI:   RD = RS1 | (uint64_t)op->imm; NEXT();
L_ANDI:  RD = RS1 & (uint64_t)op->imm; NEXT();
L_SLLI:  RD = RS1 << op->imm; NEXT();
L_SRLI:  RD = RS1 >> op->imm; NEXT();
L_SRAI:  RD = (uint64_t)((int64_t)RS1 >> op->imm); NEXT();
L_ADDIW: RD = (uint64_t)(int64_t)(int32_t)(RS1 + (uint64_t)op->imm); NEXT();
L_SLLIW: RD = (uint64_t)(int64_t)(int32_t)((uint32_t)RS1 << op->imm); NEXT();
L_SRLIW: RD = (uint64_t)(int64_t)(int32_t)((uint32_t)RS1 >> op->imm); NEXT();
L_SRAIW: RD = (uint64_t)(int64_t)((int32_t)RS1 >> op->imm); NEXT();
L_ADD:   RD = RS1 + RS2; NEXT();
L_SUB:   RD = RS1 - RS2; NEXT();
L_SLL:   RD = RS1 << (RS2 & 63); NEXT();
L_SLT:   RD = (int64_t)RS1 < (int64_t)RS2; NEXT();
L_SLTU:  RD = RS1 < RS2; NEXT();
L_XOR:   RD = RS1 ^ RS2; NEXT();
L_SRL:   RD = RS1 >> (RS2 & 63); NEXT();
L_SRA:   RD = (uint64_t)((int64_t)RS1 >> (RS2 & 63)); NEXT();
L_OR:    RD = RS1 | RS2; NEXT();
L_AND:   RD = RS1 & RS2; NEXT();
L_ADDW:  RD = (uint64_t)(int64_t)(int32_t)(RS1 + RS2); NEXT();
L_SUBW:  RD = (uint64_t)(int64_t)(int32_t)(RS1 - RS2); NEXT();
L_SLLW:  RD = (uint64_t)(int64_t)(int32_t)((uint32_t)RS1 << (RS2 & 31)); NEXT();
L_SRLW:  RD = (uint64_t)(int64_t)(int32_t)((uint32_t)RS1 >> (RS2 & 31)); NEXT();
L_SRAW:  RD = (uint64_t)(int64_t)((int32_t)RS1 >> (RS2 & 31)); NEXT();
L_MUL:   RD = RS1 * RS2; NEXT();
L_MULH:  RD = (uint64_t)(((__int128)(int64_t)RS1 * (__int128)(int64_t)RS2) >> 64); NEXT();
L_MULHSU: RD = rv_mulhsu(RS1, RS2); NEXT();
L_MULHU: RD = (uint64_t)(((unsigned __int128)RS1 * RS2) >> 64); NEXT();
L_DIV:   RD = rv_div(RS1, RS2); NEXT();
L_DIVU:  RD = rv_divu(RS1, RS2); NEXT();
L_REM:   RD = rv_rem(RS1, RS2); NEXT();
L_REMU:  RD = rv_remu(RS1, RS2); NEXT();
L_MULW:  RD = (uint64_t)(int64_t)(int32_t)(RS1 * RS2); NEXT();
L_DIVW:  RD = rv_divw(RS1, RS2); NEXT();
L_DIVUW: RD = rv_divuw(RS1, RS2); NEXT();
L_REMW:  RD = rv_remw(RS1, RS2); NEXT();
L_REMUW: RD = rv_remuw(RS1, RS2); NEXT();

LOAD(LB, 1, int8_t, RD = v)
LOAD(LH, 2, int16_t, RD = v)
LOAD(LW, 4, int32_t, RD = v)
LOAD(LD, 8, uint64_t, RD = v)
LOAD(LBU, 1, uint8_t, RD = v)
LOAD(LHU, 2, uint16_t, RD = v)
LOAD(LWU, 4, uint32_t, RD = v)
STORE(SB, 1, uint8_t, RS2)
STORE(SH, 2, uint16_t, RS2)
STORE(SW, 4, uint32_t, RS2)
STORE(SD, 8, uint64_t, RS2)
LOAD(FLW, 4, uint32_t, h->f[op->rd] = fp_box_s((uint32_t)v); fs_dirty(h))
LOAD(FLD, 8, uint64_t, h->f[op->rd] = v; fs_dirty(h))
STORE(FSW, 4, uint32_t, h->f[op->rs2])
STORE(FSD, 8, uint64_t, h->f[op->rs2])

BRANCH(BEQ, RS1 == RS2)
BRANCH(BNE, RS1 != RS2)
BRANCH(BLT, (int64_t)RS1 < (int64_t)RS2)
BRANCH(BGE, (int64_t)RS1 >= (int64_t)RS2)
BRANCH(BLTU, RS1 < RS2)
BRANCH(BGEU, RS1 >= RS2)

L_JAL:
    RD = LINK;
    CHAIN(0);

L_JALR: {
    uint64_t target = (RS1 + (uint64_t)op->imm) & ~1ULL;
    RD = LINK;
    h->pc = target;
    goto indirect_exit;
}

L_FENCE:
    NEXT();

L_FENCE_I:
    /* Stores to code are tracked precisely; ending the block is enough. */
    h->pc = LINK;
    LEAVE();

L_ECALL:
    RAISE(h->priv == PRV_M ? EXC_ECALL_M : h->priv == PRV_S ? EXC_ECALL_S : EXC_ECALL_U, 0);

L_EBREAK:
    RAISE(EXC_BREAKPOINT, 0);   /* mtval 0, as QEMU reports it */

L_MRET: {
    int r = hart_mret(h);
    if (r)
        RAISE(r, op->raw);
    LEAVE();
}

L_SRET: {
    int r = hart_sret(h);
    if (r)
        RAISE(r, op->raw);
    LEAVE();
}

L_WFI: {
    int r = hart_wfi(h);
    if (r)
        RAISE(r, op->raw);
    h->pc = LINK;
    LEAVE();
}

L_SFENCE_VMA: {
    int r = hart_sfence_vma(h, RS1, op->rs2);
    if (r)
        RAISE(r, op->raw);
    h->pc = LINK;
    LEAVE();
}

L_CSRRW: L_CSRRS: L_CSRRC: L_CSRRWI: L_CSRRSI: L_CSRRCI: {
    unsigned k = op->kind;
    bool imm = k >= OP_CSRRWI;
    uint64_t src = imm ? op->rs1 : RS1;
    bool is_rw = k == OP_CSRRW || k == OP_CSRRWI;
    bool do_read = !is_rw || op->rd != 32;
    bool do_write = is_rw || op->rs1 != 0;
    uint64_t old = 0;
    int r = EXACT(csr_insn(h, (unsigned)op->imm, is_rw ? 0 : (k == OP_CSRRS || k == OP_CSRRSI) ? 1 : 2,
                           src, do_read, do_write, &old));
    if (r)
        RAISE(r, op->raw);
    RD = old;
    dtlb = h->dtlb;
    NEXT();
}

L_LR_W: L_LR_D: {
    unsigned size = op->kind == OP_LR_W ? 4 : 8;
    uint8_t *p;
    uint64_t pa;
    int r = mmu_amo_ptr(h, RS1, size, true, &p, &pa);
    if (r)
        RAISE(r, h->fault_tval);
    uint64_t v;
    if (size == 4) {
        int32_t w;
        memcpy(&w, p, 4);
        v = (uint64_t)(int64_t)w;
    } else {
        memcpy(&v, p, 8);
    }
    h->res_addr = pa;
    h->res_val = v;
    RD = v;
    NEXT();
}

L_SC_W: L_SC_D: {
    unsigned size = op->kind == OP_SC_W ? 4 : 8;
    uint8_t *p;
    uint64_t pa;
    int r = mmu_amo_ptr(h, RS1, size, false, &p, &pa);
    if (r)
        RAISE(r, h->fault_tval);
    bool ok = false;
    if (h->res_addr == pa) {
        if (size == 4) {
            uint32_t cur;
            memcpy(&cur, p, 4);
            if (cur == (uint32_t)h->res_val) {
                uint32_t nv = (uint32_t)RS2;
                memcpy(p, &nv, 4);
                ok = true;
            }
        } else {
            uint64_t cur;
            memcpy(&cur, p, 8);
            if (cur == h->res_val) {
                memcpy(p, &RS2, 8);
                ok = true;
            }
        }
    }
    sc_accessed = h->res_addr == pa;
    amo_p = p;
    h->res_addr = ~0ULL;
    RD = ok ? 0 : 1;
    NEXT();
}

AMO(AMOSWAP_W, int32_t, 4, b)
AMO(AMOADD_W, int32_t, 4, (int32_t)((uint32_t)a + (uint32_t)b))
AMO(AMOXOR_W, int32_t, 4, a ^ b)
AMO(AMOAND_W, int32_t, 4, a & b)
AMO(AMOOR_W, int32_t, 4, a | b)
AMO(AMOMIN_W, int32_t, 4, a < b ? a : b)
AMO(AMOMAX_W, int32_t, 4, a > b ? a : b)
AMO(AMOMINU_W, int32_t, 4, (uint32_t)a < (uint32_t)b ? a : b)
AMO(AMOMAXU_W, int32_t, 4, (uint32_t)a > (uint32_t)b ? a : b)
AMO(AMOSWAP_D, int64_t, 8, b)
AMO(AMOADD_D, int64_t, 8, (int64_t)((uint64_t)a + (uint64_t)b))
AMO(AMOXOR_D, int64_t, 8, a ^ b)
AMO(AMOAND_D, int64_t, 8, a & b)
AMO(AMOOR_D, int64_t, 8, a | b)
AMO(AMOMIN_D, int64_t, 8, a < b ? a : b)
AMO(AMOMAX_D, int64_t, 8, a > b ? a : b)
AMO(AMOMINU_D, int64_t, 8, (uint64_t)a < (uint64_t)b ? a : b)
AMO(AMOMAXU_D, int64_t, 8, (uint64_t)a > (uint64_t)b ? a : b)

/* Floating-point computations (fpexec.c, shared with generated code). */
/* (A callback called from generated code may have changed the host FPU's
 * mode since the hart loop last looked.) */
#define FP_LABEL(name, doc) L_##name: \
    if (plugin_any) \
        plugin_fp_recheck(); \
    fp_cause = fp_##name(h, op); \
    goto fp_done;
OP_LIST_FP(FP_LABEL)
#undef FP_LABEL
fp_done:
    if (unlikely(fp_cause))
        RAISE(fp_cause, op->raw);
    NEXT();

stop_after:
    /* The store stopped the machine (test finisher): nothing after it runs. */
    h->pc = LINK;
    h->icount = icount - (uint64_t)(tb->n_insns - op->idx - 1);
    return;

exception:
    h->icount = icount - (uint64_t)(tb->n_insns - op->idx);
    hart_trap(h, cause, false, tval, PC);
    return;

chain_exit: {
    struct tb *nt = tb->chain[slot];
    if (likely(nt)) {
        if (unlikely(icount + nt->n_insns > limit)) {
            h->pc = tb->exit_pc[slot];
            goto step;
        }
        ENTER(nt);
    }
    h->pc = tb->exit_pc[slot];
    h->icount = icount;
    if (icount >= limit)
        return;
    uint64_t gen = tb_generation(m);
    nt = tb_find(h, h->tbflags);
    if (!nt)
        return;
    /* Chain only within one virtual page (and so one physical page):
     * the source block is found again only while its virtual page maps
     * its physical page, but a successor on another virtual page that
     * aliases the same physical page can be remapped on its own. */
    if (tb->may_chain && nt->may_chain && tb->valid && tb_generation(m) == gen &&
        ((tb->ppc ^ nt->ppc) & PAGE_MASK) == 0 &&
        ((tb->vpc ^ nt->vpc) & PAGE_MASK) == 0) {
        tb_link(h, tb, slot, nt);
    }
    limit = h->limit;
    if (icount + nt->n_insns > limit)
        goto step;
    ENTER(nt);
}

indirect_exit: {
    h->icount = icount;
    if (icount >= limit)
        return;
    struct tb *nt = tb_find(h, h->tbflags);
    limit = h->limit;
    if (!nt)
        return;
    if (icount + nt->n_insns > limit)
        goto step;
    ENTER(nt);
}

step: {
    /* The block at h->pc does not fit in what is left of the budget: step
     * to the end of the budget one instruction at a time, here rather than
     * through the hart loop, which would do the same (nothing it looks at
     * between steps changes before the budget runs out: whatever changes
     * it, a device, a CSR write, wfi, sets h->limit to 0). */
    h->icount = icount;
    if (icount >= limit)
        return;
    struct tb *nt = tb_find(h, h->tbflags | TBF_SINGLE);
    if (!nt)
        return;
    ENTER(nt);
}
}
