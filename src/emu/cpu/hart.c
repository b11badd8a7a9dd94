/* The hart loop and the privileged-architecture transitions: traps,
 * interrupts and their priority, mret/sret, wfi and sfence.vma. Blocks are
 * found through tb.h and run by exec.c; devices reach a hart only through
 * hart_set_mip. */
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "csr.h"
#include "fpu.h"
#include "emu/machine.h"
#include "mmu.h"
#include "plugins/plugin.h"
#include "tb.h"
#include "util.h"

struct hart *hart_create(struct machine *m, int id, uint64_t pc)
{
    struct hart *h = aligned_alloc(64, (sizeof(struct hart) + 63) & ~(size_t)63);
    if (!h)
        return NULL;
    memset(h, 0, sizeof(*h));
    h->m = m;
    h->id = id;
    hart_reset(h, pc);
    return h;
}

void hart_destroy(struct hart *h)
{
    free(h);
}

void hart_reset(struct hart *h, uint64_t pc)
{
    struct machine *m = h->m;
    int id = h->id;
    uint64_t icount = h->icount;
    memset(h, 0, offsetof(struct hart, m));
    h->m = m;
    h->id = id;
    /* The instruction count goes on across resets (positions in a
     * recording only ever grow); the counters the guest reads restart. */
    h->icount = icount;
    h->minstret_off = h->mcycle_off = (uint64_t)0 - icount;
    h->pc = pc;
    h->priv = PRV_M;
    h->mhartid = (uint64_t)id;
    h->misa = MISA_VALUE;
    h->mstatus = (2ULL << 32) | (2ULL << 34);   /* UXL = SXL = 64 */
    h->res_addr = ~0ULL;
    hart_flush_tlb(h);
    hart_update_mode(h);
}

void hart_flush_tlb(struct hart *h)
{
    memset(h->tlb, 0xff, sizeof(h->tlb));
    memset(h->jc, 0, sizeof(h->jc));
}

void hart_update_mode(struct hart *h)
{
    h->dtlb = h->tlb[mmu_data_index(h)];
    h->tbflags = (uint32_t)h->priv | ((h->mstatus & MSTATUS_FS) ? 0 : TBF_FS_OFF);
}

void hart_set_mip(struct hart *h, uint64_t mask, bool level)
{
    uint64_t old = h->mip;
    if (mask & MIP_SEIP) {
        /* the PLIC's line: ORed with the software-written bit */
        h->seip_ext = level;
        mask &= ~MIP_SEIP;
        if (level || h->seip_sw)
            h->mip |= MIP_SEIP;
        else
            h->mip &= ~MIP_SEIP;
    }
    if (level)
        h->mip |= mask;
    else
        h->mip &= ~mask;
    if (h->mip != old)
        h->limit = 0;   /* leave the block loop so the change is seen */
}

int hart_pending_irq(struct hart *h)
{
    uint64_t pend = h->mip & h->mie;
    if (!pend)
        return -1;
    uint64_t m_pend = pend & ~h->mideleg;
    uint64_t s_pend = pend & h->mideleg;
    bool m_on = h->priv < PRV_M || (h->mstatus & MSTATUS_MIE);
    bool s_on = h->priv < PRV_S || (h->priv == PRV_S && (h->mstatus & MSTATUS_SIE));
    uint64_t take = (m_on ? m_pend : 0);
    if (!take)
        take = s_on ? s_pend : 0;
    if (!take)
        return -1;
    static const int order[] = {IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI};
    for (unsigned i = 0; i < ARRAY_SIZE(order); i++)
        if (take & (1ULL << order[i]))
            return order[i];
    return -1;
}

void hart_trap(struct hart *h, uint64_t cause, bool intr, uint64_t tval, uint64_t epc)
{
    uint64_t deleg = intr ? h->mideleg : h->medeleg;
    uint64_t c = cause | (intr ? 1ULL << 63 : 0);
    h->wfi = false;
    if (h->priv <= PRV_S && ((deleg >> cause) & 1)) {
        h->scause = c;
        h->sepc = epc;
        h->stval = tval;
        uint64_t s = h->mstatus;
        s = (s & ~MSTATUS_SPIE) | ((s & MSTATUS_SIE) ? MSTATUS_SPIE : 0);
        s &= ~MSTATUS_SIE;
        s = (s & ~MSTATUS_SPP) | (h->priv == PRV_S ? MSTATUS_SPP : 0);
        h->mstatus = s;
        uint64_t base = h->stvec & ~3ULL;
        h->pc = ((h->stvec & 3) == 1 && intr) ? base + 4 * cause : base;
        h->priv = PRV_S;
    } else {
        h->mcause = c;
        h->mepc = epc;
        h->mtval = tval;
        uint64_t s = h->mstatus;
        s = (s & ~MSTATUS_MPIE) | ((s & MSTATUS_MIE) ? MSTATUS_MPIE : 0);
        s &= ~MSTATUS_MIE;
        s = (s & ~MSTATUS_MPP) | ((uint64_t)h->priv << 11);
        h->mstatus = s;
        uint64_t base = h->mtvec & ~3ULL;
        h->pc = ((h->mtvec & 3) == 1 && intr) ? base + 4 * cause : base;
        h->priv = PRV_M;
    }
    hart_update_mode(h);
    if (plugin_any)
        plugin_discon(h, intr, epc, h->pc);
}

int hart_mret(struct hart *h)
{
    if (h->priv != PRV_M)
        return EXC_ILLEGAL;
    uint64_t s = h->mstatus;
    int prev = (int)((s & MSTATUS_MPP) >> 11);
    s = (s & ~MSTATUS_MIE) | ((s & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
    s |= MSTATUS_MPIE;
    s &= ~MSTATUS_MPP;   /* MPP = U */
    if (prev != PRV_M)
        s &= ~MSTATUS_MPRV;
    h->mstatus = s;
    h->priv = prev;
    h->pc = h->mepc;
    h->res_addr = ~0ULL;
    h->limit = 0;
    hart_update_mode(h);
    return 0;
}

int hart_sret(struct hart *h)
{
    if (h->priv < PRV_S || (h->priv == PRV_S && (h->mstatus & MSTATUS_TSR)))
        return EXC_ILLEGAL;
    uint64_t s = h->mstatus;
    int prev = (s & MSTATUS_SPP) ? PRV_S : PRV_U;
    s = (s & ~MSTATUS_SIE) | ((s & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
    s |= MSTATUS_SPIE;
    s &= ~MSTATUS_SPP;
    s &= ~MSTATUS_MPRV;
    h->mstatus = s;
    h->priv = prev;
    h->pc = h->sepc;
    h->res_addr = ~0ULL;
    h->limit = 0;
    hart_update_mode(h);
    return 0;
}

int hart_wfi(struct hart *h)
{
    if (h->priv == PRV_U || (h->priv == PRV_S && (h->mstatus & MSTATUS_TW)))
        return EXC_ILLEGAL;
    h->wfi = true;
    h->limit = 0;
    return 0;
}

int hart_sfence_vma(struct hart *h, uint64_t va, unsigned asid_reg)
{
    (void)va;
    (void)asid_reg;
    if (h->priv == PRV_U || (h->priv == PRV_S && (h->mstatus & MSTATUS_TVM)))
        return EXC_ILLEGAL;
    hart_flush_tlb(h);
    return 0;
}

void hart_sync_fp_host(struct hart *h)
{
    fpu_host_sync();
    h->fp_host = fpu_host_usable();
}

void hart_run(struct hart *h, uint64_t turn_end)
{
    struct machine *m = h->m;
    hart_sync_fp_host(h);   /* (plugin code run meanwhile may have changed the mode) */
    while (!m->stop_requested && !m->reset_requested) {
        machine_update_timers(m, h);
        /* A pending interrupt wakes wfi, even one that is disabled. */
        if (h->wfi && (h->mip & h->mie))
            h->wfi = false;
        if (!h->wfi && h->sleeping) {
            h->sleeping = false;
            if (plugin_any)
                plugin_vcpu_resume(h);
        }
        int irq = hart_pending_irq(h);
        if (irq >= 0)
            hart_trap(h, (uint64_t)irq, true, 0, h->pc);
        if (h->wfi) {
            if (!h->sleeping) {
                h->sleeping = true;
                if (plugin_any)
                    plugin_vcpu_idle(h);
            }
            return;
        }
        if (h->icount >= turn_end)
            return;
        uint64_t target = machine_hart_limit(m, h, turn_end);
        h->limit = target;
        struct tb *tb = tb_find(h, h->tbflags);
        if (!tb)
            continue;
        if (h->icount + tb->n_insns > target) {
            /* An event is due inside this block: step to it exactly. */
            tb = tb_find(h, h->tbflags | TBF_SINGLE);
            if (!tb)
                continue;
        }
        h->icount += tb->n_insns;
        tb_exec(h, tb);
    }
}
