/* Address translation and the slow memory paths; see mmu.h. The page-table
 * walk follows the privileged spec (Sv39, Sv48) with hardware A/D updates as
 * QEMU performs them. PMP registers are held by csr.c. */
#include "mmu.h"

#include <string.h>

#include "emu/bus.h"
#include "emu/machine.h"
#include "pmp.h"
#include "tb.h"
#include "util.h"

#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_G (1u << 5)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)

static const int page_fault[3] = {EXC_LOAD_PAGE, EXC_STORE_PAGE, EXC_INSN_PAGE};
static const int access_fault[3] = {EXC_LOAD_ACCESS, EXC_STORE_ACCESS, EXC_INSN_ACCESS};

int mmu_data_index(const struct hart *h)
{
    int prv = h->priv;
    if (prv == PRV_M && (h->mstatus & MSTATUS_MPRV))
        prv = (int)((h->mstatus & MSTATUS_MPP) >> 11);
    switch (prv) {
    case PRV_U: return MMU_U;
    case PRV_S: return (h->mstatus & MSTATUS_SUM) ? MMU_S_SUM : MMU_S;
    default: return MMU_M;
    }
}

static int idx_priv(int idx)
{
    return idx == MMU_U ? PRV_U : idx == MMU_M ? PRV_M : PRV_S;
}

/* Walks the page table. Returns 0 with *pa, or an exception cause. A probe
 * (for debuggers and plugins) changes nothing: no A/D update. */
static int walk(struct hart *h, uint64_t va, int acc, int idx, bool probe, uint64_t *pa)
{
    struct bus *b = &h->m->bus;
    unsigned mode = h->satp >> 60;
    int levels = mode == 8 ? 3 : 4;
    unsigned vabits = 12 + 9 * levels;

    if ((uint64_t)sext(va, vabits) != va)
        return page_fault[acc];

    uint64_t a = (h->satp & ((1ULL << 44) - 1)) << PAGE_SHIFT;
    for (int i = levels - 1; i >= 0; i--) {
        uint64_t pte_pa = a + ((va >> (12 + 9 * i)) & 0x1ff) * 8;
        if (!bus_is_ram(b, pte_pa, 8) || pmp_check(h, pte_pa, 8, ACC_R, PRV_S, NULL))
            return access_fault[acc];
        uint8_t *pp = bus_ram_ptr(b, pte_pa);
        uint64_t pte;
        memcpy(&pte, pp, 8);

        if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)) || (pte >> 54) != 0)
            return page_fault[acc];
        uint64_t ppn = (pte >> 10) & ((1ULL << 44) - 1);
        if (!(pte & (PTE_R | PTE_X))) {
            if (pte & (PTE_A | PTE_D | PTE_U))
                return page_fault[acc];
            a = ppn << PAGE_SHIFT;
            continue;
        }
        /* leaf: permissions */
        int prv = idx_priv(idx);
        if (prv == PRV_U && !(pte & PTE_U))
            return page_fault[acc];
        if (prv == PRV_S && (pte & PTE_U) && (acc == ACC_X || idx != MMU_S_SUM))
            return page_fault[acc];
        bool mxr = (h->mstatus & MSTATUS_MXR) != 0;
        if (acc == ACC_R && !((pte & PTE_R) || (mxr && (pte & PTE_X))))
            return page_fault[acc];
        if (acc == ACC_W && !(pte & PTE_W))
            return page_fault[acc];
        if (acc == ACC_X && !(pte & PTE_X))
            return page_fault[acc];
        if (i > 0 && (ppn & ((1ULL << (9 * i)) - 1)))
            return page_fault[acc];   /* misaligned superpage */
        uint64_t want = PTE_A | (acc == ACC_W ? PTE_D : 0);
        if ((pte & want) != want && !probe) {
            pte |= want;
            memcpy(pp, &pte, 8);
            if (tb_page_has_code(h->m, pte_pa))
                tb_invalidate_phys(h->m, pte_pa, 8);
        }
        uint64_t off_mask = (1ULL << (12 + 9 * i)) - 1;
        *pa = ((ppn << PAGE_SHIFT) & ~off_mask) | (va & off_mask);
        return 0;
    }
    return page_fault[acc];
}

static void tlb_fill(struct hart *h, int idx, uint64_t va, uint64_t pa, int acc)
{
    bool writable;
    uint8_t *host = bus_host_ptr(&h->m->bus, pa & PAGE_MASK, PAGE_SIZE, &writable);
    if (!host)
        return;
    struct tlb_entry *e = &h->tlb[idx][(va >> PAGE_SHIFT) & (TLB_SIZE - 1)];
    uint64_t vpage = va & PAGE_MASK;
    uintptr_t addend = (uintptr_t)host - (uintptr_t)vpage;
    bool same = e->addend == addend &&
                (e->tag_r == vpage || e->tag_w == vpage || e->tag_x == vpage);
    if (!same) {
        e->tag_r = e->tag_w = e->tag_x = TLB_INVALID;
        e->addend = addend;
    }
    switch (acc) {
    case ACC_R: e->tag_r = vpage; break;
    case ACC_X: e->tag_x = vpage; break;
    case ACC_W:
        if (writable && !tb_page_has_code(h->m, pa))
            e->tag_w = vpage;
        break;
    }
}

int mmu_translate(struct hart *h, uint64_t va, unsigned size, int acc, int idx, uint64_t *pa)
{
    int prv = idx_priv(idx);
    int r = 0;
    if (prv == PRV_M || (h->satp >> 60) == 0)
        *pa = va;
    else
        r = walk(h, va, acc, idx, false, pa);
    if (r)
        return r;
    bool whole_page;
    if (pmp_check(h, *pa, size, acc, prv, &whole_page))
        return access_fault[acc];
    if (whole_page)
        tlb_fill(h, idx, va, *pa, acc);
    return 0;
}

int mmu_translate_debug(struct hart *h, uint64_t va, int acc, uint64_t *pa)
{
    int idx = acc == ACC_X ? (h->priv == PRV_M ? MMU_M : h->priv == PRV_S ? MMU_S : MMU_U)
                           : mmu_data_index(h);
    int prv = idx_priv(idx);
    if (prv == PRV_M || (h->satp >> 60) == 0) {
        *pa = va;
        return 0;
    }
    /* What the hart would use: its TLB may still hold a translation the
     * guest has changed but not yet fenced. */
    const struct tlb_entry *e = &h->tlb[idx][(va >> PAGE_SHIFT) & (TLB_SIZE - 1)];
    uint64_t page = va & PAGE_MASK;
    uint64_t tag = acc == ACC_R ? e->tag_r : acc == ACC_W ? e->tag_w : e->tag_x;
    if (tag == page) {
        const uint8_t *host = (const uint8_t *)(e->addend + va);
        struct bus *b = &h->m->bus;
        if (host >= b->ram && host < b->ram + b->ram_size) {
            *pa = b->ram_base + (uint64_t)(host - b->ram);
            return 0;
        }
        for (int i = 0; i < b->nregions; i++) {
            const struct bus_region *r = &b->regions[i];
            if (r->mem && host >= r->mem && host < r->mem + r->size) {
                *pa = r->base + (uint64_t)(host - r->mem);
                return 0;
            }
        }
    }
    return walk(h, va, acc, idx, true, pa);
}

static int load_aligned(struct hart *h, uint64_t va, unsigned size, uint64_t *val)
{
    uint64_t pa;
    int r = mmu_translate(h, va, size, ACC_R, mmu_data_index(h), &pa);
    if (r) {
        h->fault_tval = va;
        return r;
    }
    bool writable;
    uint8_t *p = bus_host_ptr(&h->m->bus, pa, size, &writable);
    if (p) {
        uint64_t v = 0;
        memcpy(&v, p, size);
        *val = v;
        return 0;
    }
    if (bus_io_read(&h->m->bus, pa, size, val) < 0) {
        h->fault_tval = va;
        return EXC_LOAD_ACCESS;
    }
    return 0;
}

int mmu_load_slow(struct hart *h, uint64_t va, unsigned size, uint64_t *val)
{
    if (likely((va & (size - 1)) == 0))
        return load_aligned(h, va, size, val);
    /* Misaligned: performed byte by byte, as QEMU does for RAM. */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t byte;
        int r = load_aligned(h, va + i, 1, &byte);
        if (r)
            return r;   /* tval: the first byte that faulted, as QEMU reports */
        v |= byte << (8 * i);
    }
    *val = v;
    return 0;
}

static int store_phys(struct hart *h, uint64_t va, uint64_t pa, unsigned size, uint64_t val)
{
    struct machine *m = h->m;
    bool writable;
    uint8_t *p = bus_host_ptr(&m->bus, pa, size, &writable);
    if (p) {
        if (!writable) {
            h->fault_tval = va;
            return EXC_STORE_ACCESS;
        }
        if (tb_page_has_code(m, pa))
            tb_invalidate_phys(m, pa, size);
        memcpy(p, &val, size);
        if (h->res_addr == (pa & ~7ULL) || h->res_addr == (pa & ~3ULL))
            h->res_addr = ~0ULL;
        return 0;
    }
    if (bus_io_write(&m->bus, pa, size, val) < 0) {
        h->fault_tval = va;
        return EXC_STORE_ACCESS;
    }
    return 0;
}

int mmu_store_slow(struct hart *h, uint64_t va, unsigned size, uint64_t val)
{
    int idx = mmu_data_index(h);
    uint64_t pa;
    int r;
    if (likely((va & (size - 1)) == 0)) {
        r = mmu_translate(h, va, size, ACC_W, idx, &pa);
        if (r) {
            h->fault_tval = va;
            return r;
        }
        return store_phys(h, va, pa, size, val);
    }
    /* Misaligned: check that every byte translates before writing any. */
    uint64_t pas[8];
    for (unsigned i = 0; i < size; i++) {
        r = mmu_translate(h, va + i, 1, ACC_W, idx, &pas[i]);
        if (r) {
            h->fault_tval = va + i;
            return r;
        }
    }
    for (unsigned i = 0; i < size; i++) {
        r = store_phys(h, va + i, pas[i], 1, (val >> (8 * i)) & 0xff);
        if (r)
            return r;
    }
    return 0;
}

int mmu_amo_ptr(struct hart *h, uint64_t va, unsigned size, bool is_lr,
                uint8_t **host, uint64_t *pa)
{
    h->fault_tval = va;
    if (va & (size - 1))
        return is_lr ? EXC_LOAD_MISALIGNED : EXC_STORE_MISALIGNED;
    int r = mmu_translate(h, va, size, is_lr ? ACC_R : ACC_W, mmu_data_index(h), pa);
    if (r)
        return r;
    struct bus *b = &h->m->bus;
    if (!bus_is_ram(b, *pa, size))
        return is_lr ? EXC_LOAD_ACCESS : EXC_STORE_ACCESS;
    if (!is_lr && tb_page_has_code(h->m, *pa))
        tb_invalidate_phys(h->m, *pa, size);
    *host = bus_ram_ptr(b, *pa);
    return 0;
}

int mmu_fetch(struct hart *h, uint64_t va, uint64_t *pa, const uint8_t **host)
{
    int idx = h->priv == PRV_M ? MMU_M : h->priv == PRV_S ? MMU_S : MMU_U;
    int r = mmu_translate(h, va, 2, ACC_X, idx, pa);
    if (r) {
        h->fault_tval = va;
        return r;
    }
    bool writable;
    uint8_t *p = bus_host_ptr(&h->m->bus, *pa, 2, &writable);
    if (!p) {
        h->fault_tval = va;
        return EXC_INSN_ACCESS;
    }
    *host = p;
    return 0;
}

void mmu_protect_code_page(struct machine *m, uint64_t pa)
{
    bool writable;
    uint8_t *host = bus_host_ptr(&m->bus, pa & PAGE_MASK, PAGE_SIZE, &writable);
    if (!host)
        return;
    for (int i = 0; i < m->nharts; i++) {
        struct hart *h = m->harts[i];
        for (int idx = 0; idx < MMU_COUNT; idx++) {
            for (unsigned k = 0; k < TLB_SIZE; k++) {
                struct tlb_entry *e = &h->tlb[idx][k];
                if (e->tag_w != TLB_INVALID && e->addend + (uintptr_t)e->tag_w == (uintptr_t)host)
                    e->tag_w = TLB_INVALID;
            }
        }
    }
}
