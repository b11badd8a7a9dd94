/* A RISC-V hart: architectural state (registers, CSRs, privilege), the
 * software TLB and the per-hart block lookup cache. The execution loop lives
 * in hart.c/exec.c, CSRs in csr.c, address translation in mmu.c. */
#ifndef REPRISE_CPU_H
#define REPRISE_CPU_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct tb;

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* Exception causes */
enum {
    EXC_INSN_MISALIGNED = 0,
    EXC_INSN_ACCESS = 1,
    EXC_ILLEGAL = 2,
    EXC_BREAKPOINT = 3,
    EXC_LOAD_MISALIGNED = 4,
    EXC_LOAD_ACCESS = 5,
    EXC_STORE_MISALIGNED = 6,
    EXC_STORE_ACCESS = 7,
    EXC_ECALL_U = 8,
    EXC_ECALL_S = 9,
    EXC_ECALL_M = 11,
    EXC_INSN_PAGE = 12,
    EXC_LOAD_PAGE = 13,
    EXC_STORE_PAGE = 15,
};

/* Interrupt numbers (bit positions in mip/mie) */
enum {
    IRQ_SSI = 1, IRQ_MSI = 3, IRQ_STI = 5, IRQ_MTI = 7, IRQ_SEI = 9, IRQ_MEI = 11,
};
#define MIP_SSIP (1ULL << IRQ_SSI)
#define MIP_MSIP (1ULL << IRQ_MSI)
#define MIP_STIP (1ULL << IRQ_STI)
#define MIP_MTIP (1ULL << IRQ_MTI)
#define MIP_SEIP (1ULL << IRQ_SEI)
#define MIP_MEIP (1ULL << IRQ_MEI)

/* mstatus bits */
#define MSTATUS_SIE   (1ULL << 1)
#define MSTATUS_MIE   (1ULL << 3)
#define MSTATUS_SPIE  (1ULL << 5)
#define MSTATUS_UBE   (1ULL << 6)
#define MSTATUS_MPIE  (1ULL << 7)
#define MSTATUS_SPP   (1ULL << 8)
#define MSTATUS_VS    (3ULL << 9)
#define MSTATUS_MPP   (3ULL << 11)
#define MSTATUS_FS    (3ULL << 13)
#define MSTATUS_XS    (3ULL << 15)
#define MSTATUS_MPRV  (1ULL << 17)
#define MSTATUS_SUM   (1ULL << 18)
#define MSTATUS_MXR   (1ULL << 19)
#define MSTATUS_TVM   (1ULL << 20)
#define MSTATUS_TW    (1ULL << 21)
#define MSTATUS_TSR   (1ULL << 22)
#define MSTATUS_UXL   (3ULL << 32)
#define MSTATUS_SXL   (3ULL << 34)
#define MSTATUS_SD    (1ULL << 63)

/* Software TLB: one direct-mapped table per MMU index. A tag is the virtual
 * page address; an entry that does not allow an access type holds TLB_INVALID
 * in that tag, so the fast path is one compare. addend + vaddr = host pointer.
 * 1024 entries (4 MB per mode) hold two 2 MB buffers side by side; a full
 * flush clears 128 KB, which a Linux boot does not notice. */
#define TLB_BITS 10
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_INVALID (~0ULL)

struct tlb_entry {
    uint64_t tag_r, tag_w, tag_x;
    uintptr_t addend;
};

/* MMU indices: data accesses use the effective privilege (MPRV), and S-mode
 * with SUM gets its own index so toggling SUM needs no flush. */
enum { MMU_U = 0, MMU_S = 1, MMU_S_SUM = 2, MMU_M = 3, MMU_COUNT = 4 };

/* Block lookup cache: virtual pc -> translated block. */
#define JC_BITS 12
#define JC_SIZE (1u << JC_BITS)

struct hart {
    /* Hot state first. x[32] is a sink for writes to x0. */
    uint64_t x[33];
    uint64_t f[32];
    uint64_t pc;
    uint64_t icount;      /* retired instructions (exact at block exits) */
    uint64_t limit;       /* leave the block loop once icount reaches this */
    struct tlb_entry *dtlb;  /* TLB for data accesses at the current mode */
    uint32_t tbflags;     /* translation-relevant state: see tb.h */
    int priv;
    uint32_t fflags, frm;

    /* LR/SC reservation: physical address (~0 when none) and the value
     * loaded; SC succeeds while memory still holds that value. */
    uint64_t res_addr, res_val;

    /* CSRs */
    uint64_t mstatus, misa, medeleg, mideleg, mie, mip, mtvec, mscratch,
             mepc, mcause, mtval, mcounteren, menvcfg, mcountinhibit;
    uint64_t stvec, sscratch, sepc, scause, stval, satp, scounteren, senvcfg,
             stimecmp;
    uint64_t mhartid;
    uint64_t minstret_off, mcycle_off;   /* counter = icount + off */
    uint8_t pmpcfg[64];
    uint64_t pmpaddr[64];
    /* mip.SEIP is the OR of a bit M-mode software writes and the PLIC's
     * S-mode line; h->mip holds the OR, these the two inputs. */
    bool seip_sw, seip_ext;

    /* wfi executed; sleeping once the hart loop found nothing pending */
    bool wfi, sleeping;
    bool fp_host;            /* fpu_host_usable(), for generated code's FP fast path */
    /* scheduling: icount at the start of this hart's current turn */
    uint64_t turn_start;
    /* set by hart_trap when a trap was taken from inside a block */
    uint64_t fault_tval;

    struct machine *m;
    int id;

    struct tlb_entry tlb[MMU_COUNT][TLB_SIZE];
    struct tb *jc[JC_SIZE];
};

/* Creates hart id of machine m, in reset state at pc. New; free with hart_destroy. */
struct hart *hart_create(struct machine *m, int id, uint64_t pc);
void hart_destroy(struct hart *h);
/* Architectural reset at pc. icount keeps counting; cycle and instret read
 * 0 again. */
void hart_reset(struct hart *h, uint64_t pc);

/* Runs h until its icount reaches turn_end, it sleeps in wfi, or the
 * machine asks to stop or reset. */
void hart_run(struct hart *h, uint64_t turn_end);
/* Reads the host FPU's mode again (fpu_host_sync) and sets h->fp_host from it. */
void hart_sync_fp_host(struct hart *h);

/* Takes a trap (exception cause, or interrupt when intr) at epc, entering the
 * handler at the right privilege. */
void hart_trap(struct hart *h, uint64_t cause, bool intr, uint64_t tval, uint64_t epc);

/* Sets or clears bits of mip driven by devices (MTIP, MSIP, MEIP, SEIP, STIP). */
void hart_set_mip(struct hart *h, uint64_t mask, bool level);

/* The interrupt that would be taken now, as a cause number, or -1. */
int hart_pending_irq(struct hart *h);

/* Recomputes dtlb/tbflags after a change of privilege or mstatus. */
void hart_update_mode(struct hart *h);

/* Flushes the TLBs and the block lookup cache (satp write, sfence.vma). */
void hart_flush_tlb(struct hart *h);

/* CSR access (csr.c). Returns 0 or an exception cause (EXC_ILLEGAL). */
int csr_read(struct hart *h, unsigned csr, uint64_t *val);
int csr_write(struct hart *h, unsigned csr, uint64_t val);

static inline void fs_dirty(struct hart *h)
{
    /* Written only when it changes: a store every time would chain all FP
     * instructions through memory. */
    if ((h->mstatus & (MSTATUS_FS | MSTATUS_SD)) != (MSTATUS_FS | MSTATUS_SD))
        h->mstatus |= MSTATUS_FS | MSTATUS_SD;
}

/* fflags |= fl, written only when that adds a flag (as fs_dirty). */
static inline void fflags_raise(struct hart *h, uint32_t fl)
{
    if (fl & ~h->fflags)
        h->fflags |= fl;
}

#endif
