/* Control and status registers: access checks (privilege, read-only,
 * counter enables, FS), WARL legalisation and side effects (TLB flush on
 * satp, mode recomputation on mstatus). Owns no state beyond struct hart. */
#include "csr.h"

#include "cpu.h"
#include "emu/machine.h"
#include "util.h"

#define SSTATUS_MASK (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | \
                      MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | \
                      MSTATUS_SD)
#define MSTATUS_WMASK (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | \
                       MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | \
                       MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define S_INTS (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define ALL_INTS (S_INTS | MIP_MSIP | MIP_MTIP | MIP_MEIP)
#define MEDELEG_MASK 0xb3ffULL   /* every exception but M ecall and reserved ones */

static uint64_t status_sd(uint64_t s)
{
    if ((s & MSTATUS_FS) == MSTATUS_FS || (s & MSTATUS_XS) == MSTATUS_XS)
        s |= MSTATUS_SD;
    else
        s &= ~MSTATUS_SD;
    return s;
}

/* Counter access from S/U: mcounteren (and scounteren for U) bit i. */
static bool counter_ok(struct hart *h, unsigned i)
{
    if (h->priv == PRV_M)
        return true;
    if (!((h->mcounteren >> i) & 1))
        return false;
    if (h->priv == PRV_U && !((h->scounteren >> i) & 1))
        return false;
    return true;
}

static bool stimecmp_ok(struct hart *h)
{
    if (h->priv == PRV_M)
        return true;
    return (h->menvcfg & MENVCFG_STCE) && ((h->mcounteren >> 1) & 1);
}

int csr_read(struct hart *h, unsigned csr, uint64_t *val)
{
    if (((csr >> 8) & 3) > (unsigned)h->priv)
        return EXC_ILLEGAL;
    switch (csr) {
    case CSR_FFLAGS:
    case CSR_FRM:
    case CSR_FCSR:
        if ((h->mstatus & MSTATUS_FS) == 0)
            return EXC_ILLEGAL;
        *val = csr == CSR_FFLAGS ? h->fflags : csr == CSR_FRM ? h->frm
                                                              : (h->frm << 5) | h->fflags;
        return 0;
    case CSR_CYCLE:
    case CSR_INSTRET:
        if (!counter_ok(h, csr - CSR_CYCLE))
            return EXC_ILLEGAL;
        *val = h->icount + (csr == CSR_CYCLE ? h->mcycle_off : h->minstret_off);
        return 0;
    case CSR_TIME:
        if (!counter_ok(h, 1))
            return EXC_ILLEGAL;
        *val = machine_mtime(h->m);
        return 0;
    case CSR_MCYCLE: *val = h->icount + h->mcycle_off; return 0;
    case CSR_MINSTRET: *val = h->icount + h->minstret_off; return 0;
    case CSR_SSTATUS: *val = status_sd(h->mstatus) & SSTATUS_MASK; return 0;
    case CSR_SIE: *val = h->mie & h->mideleg; return 0;
    case CSR_STVEC: *val = h->stvec; return 0;
    case CSR_SCOUNTEREN: *val = h->scounteren; return 0;
    case CSR_SENVCFG: *val = h->senvcfg; return 0;
    case CSR_SSCRATCH: *val = h->sscratch; return 0;
    case CSR_SEPC: *val = h->sepc; return 0;
    case CSR_SCAUSE: *val = h->scause; return 0;
    case CSR_STVAL: *val = h->stval; return 0;
    case CSR_SIP: *val = h->mip & h->mideleg; return 0;
    case CSR_STIMECMP:
        if (!stimecmp_ok(h))
            return EXC_ILLEGAL;
        *val = h->stimecmp;
        return 0;
    case CSR_SATP:
        if (h->priv == PRV_S && (h->mstatus & MSTATUS_TVM))
            return EXC_ILLEGAL;
        *val = h->satp;
        return 0;
    case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID: case CSR_MCONFIGPTR:
        *val = 0;
        return 0;
    case CSR_MHARTID: *val = h->mhartid; return 0;
    case CSR_MSTATUS: *val = status_sd(h->mstatus); return 0;
    case CSR_MISA: *val = h->misa; return 0;
    case CSR_MEDELEG: *val = h->medeleg; return 0;
    case CSR_MIDELEG: *val = h->mideleg; return 0;
    case CSR_MIE: *val = h->mie; return 0;
    case CSR_MTVEC: *val = h->mtvec; return 0;
    case CSR_MCOUNTEREN: *val = h->mcounteren; return 0;
    case CSR_MENVCFG: *val = h->menvcfg; return 0;
    case CSR_MCOUNTINHIBIT: *val = h->mcountinhibit; return 0;
    case CSR_MSCRATCH: *val = h->mscratch; return 0;
    case CSR_MEPC: *val = h->mepc; return 0;
    case CSR_MCAUSE: *val = h->mcause; return 0;
    case CSR_MTVAL: *val = h->mtval; return 0;
    case CSR_MIP: *val = h->mip; return 0;
    case CSR_MTINST: case CSR_MTVAL2: *val = 0; return 0;
    default:
        break;
    }
    if (csr >= CSR_HPMCOUNTER3 && csr <= CSR_HPMCOUNTER31) {
        if (!counter_ok(h, csr - CSR_CYCLE))
            return EXC_ILLEGAL;
        *val = 0;
        return 0;
    }
    if ((csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
        (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31)) {
        *val = 0;
        return 0;
    }
    if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
        unsigned n = csr - CSR_PMPCFG0;
        if ((n & 1) || n * 4 >= PMP_COUNT)
            return EXC_ILLEGAL;
        uint64_t v = 0;
        for (int i = 7; i >= 0; i--)
            v = (v << 8) | h->pmpcfg[n * 4 + i];
        *val = v;
        return 0;
    }
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
        unsigned n = csr - CSR_PMPADDR0;
        if (n >= PMP_COUNT)
            return EXC_ILLEGAL;
        *val = h->pmpaddr[n];
        return 0;
    }
    return EXC_ILLEGAL;
}

int csr_write(struct hart *h, unsigned csr, uint64_t val)
{
    if (((csr >> 8) & 3) > (unsigned)h->priv || (csr >> 10) == 3)
        return EXC_ILLEGAL;
    uint64_t old_status = h->mstatus;
    switch (csr) {
    case CSR_FFLAGS:
    case CSR_FRM:
    case CSR_FCSR:
        if ((h->mstatus & MSTATUS_FS) == 0)
            return EXC_ILLEGAL;
        if (csr == CSR_FFLAGS)
            h->fflags = val & 0x1f;
        else if (csr == CSR_FRM)
            h->frm = val & 7;
        else {
            h->fflags = val & 0x1f;
            h->frm = (val >> 5) & 7;
        }
        fs_dirty(h);
        break;
    case CSR_MCYCLE: h->mcycle_off = val - h->icount - 1; break;
    case CSR_MINSTRET: h->minstret_off = val - h->icount - 1; break;
    case CSR_SSTATUS: {
        uint64_t mask = SSTATUS_MASK & ~(MSTATUS_SD | MSTATUS_UXL | MSTATUS_UBE | MSTATUS_VS | MSTATUS_XS);
        h->mstatus = (h->mstatus & ~mask) | (val & mask);
        break;
    }
    case CSR_SIE: h->mie = (h->mie & ~h->mideleg) | (val & h->mideleg); break;
    case CSR_STVEC: h->stvec = (val & 3) >= 2 ? (val & ~3ULL) | (h->stvec & 3) : val; break;
    case CSR_SCOUNTEREN: h->scounteren = val & 0xffffffffu; break;
    case CSR_SENVCFG: h->senvcfg = val & 1; break;
    case CSR_SSCRATCH: h->sscratch = val; break;
    case CSR_SEPC: h->sepc = val & ~1ULL; break;
    case CSR_SCAUSE: h->scause = val; break;
    case CSR_STVAL: h->stval = val; break;
    case CSR_SIP: {
        uint64_t mask = h->mideleg & MIP_SSIP;
        h->mip = (h->mip & ~mask) | (val & mask);
        break;
    }
    case CSR_STIMECMP:
        if (!stimecmp_ok(h))
            return EXC_ILLEGAL;
        h->stimecmp = val;
        machine_update_timers(h->m, h);
        break;
    case CSR_SATP: {
        if (h->priv == PRV_S && (h->mstatus & MSTATUS_TVM))
            return EXC_ILLEGAL;
        unsigned mode = val >> 60;
        if (mode != 0 && mode != 8 && mode != 9)
            return 0;   /* WARL: unsupported modes leave satp unchanged */
        h->satp = val & ~(0xffffULL << 44);   /* ASID not implemented: reads as 0 */
        hart_flush_tlb(h);
        break;
    }
    case CSR_MSTATUS: {
        uint64_t v = val;
        if (((v & MSTATUS_MPP) >> 11) == 2)
            v = (v & ~MSTATUS_MPP) | (h->mstatus & MSTATUS_MPP);
        h->mstatus = (h->mstatus & ~MSTATUS_WMASK) | (v & MSTATUS_WMASK);
        break;
    }
    case CSR_MISA: break;
    case CSR_MEDELEG: h->medeleg = val & MEDELEG_MASK; break;
    case CSR_MIDELEG: h->mideleg = val & S_INTS; break;
    case CSR_MIE: h->mie = val & ALL_INTS; break;
    case CSR_MTVEC: h->mtvec = (val & 3) >= 2 ? (val & ~3ULL) | (h->mtvec & 3) : val; break;
    case CSR_MCOUNTEREN: h->mcounteren = val & 0xffffffffu; break;
    case CSR_MENVCFG:
        h->menvcfg = val & (MENVCFG_STCE | 1);
        machine_update_timers(h->m, h);
        break;
    case CSR_MCOUNTINHIBIT: h->mcountinhibit = val & ~2ULL; break;
    case CSR_MSCRATCH: h->mscratch = val; break;
    case CSR_MEPC: h->mepc = val & ~1ULL; break;
    case CSR_MCAUSE: h->mcause = val; break;
    case CSR_MTVAL: h->mtval = val; break;
    case CSR_MIP: {
        uint64_t mask = MIP_SSIP | MIP_SEIP;
        if (!(h->menvcfg & MENVCFG_STCE))
            mask |= MIP_STIP;
        h->seip_sw = (val & MIP_SEIP) != 0;
        h->mip = (h->mip & ~mask) | (val & mask) | (h->seip_ext ? MIP_SEIP : 0);
        break;
    }
    case CSR_MTINST: case CSR_MTVAL2: break;
    default:
        if ((csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
            (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31))
            break;
        if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
            unsigned n = csr - CSR_PMPCFG0;
            if ((n & 1) || n * 4 >= PMP_COUNT)
                return EXC_ILLEGAL;
            for (int i = 0; i < 8; i++) {
                uint8_t *cfg = &h->pmpcfg[n * 4 + i];
                uint8_t nv = (uint8_t)(val >> (8 * i)) & 0x9f;
                if ((nv & 3) == 2)      /* W without R is reserved */
                    nv &= ~3;
                if (!(*cfg & 0x80))
                    *cfg = nv;
            }
            hart_flush_tlb(h);   /* cached pages were checked under the old rules */
            break;
        }
        if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
            unsigned n = csr - CSR_PMPADDR0;
            if (n >= PMP_COUNT)
                return EXC_ILLEGAL;
            bool locked = h->pmpcfg[n] & 0x80;
            bool next_tor_locked = n + 1 < PMP_COUNT && (h->pmpcfg[n + 1] & 0x98) == 0x88;
            if (!locked && !next_tor_locked)
                h->pmpaddr[n] = val & ((1ULL << 54) - 1);
            hart_flush_tlb(h);
            break;
        }
        return EXC_ILLEGAL;
    }
    if ((old_status ^ h->mstatus) & MSTATUS_MXR)
        hart_flush_tlb(h);
    hart_update_mode(h);
    return 0;
}

int csr_insn(struct hart *h, unsigned csr, unsigned kind, uint64_t src,
             bool do_read, bool do_write, uint64_t *old)
{
    uint64_t cur = 0;
    int r;
    /* The read is needed to compute set/clear results even when rd = x0. */
    if (do_read || kind != 0) {
        r = csr_read(h, csr, &cur);
        if (r)
            return r;
    } else if (((csr >> 8) & 3) > (unsigned)h->priv) {
        return EXC_ILLEGAL;
    }
    if (do_write) {
        uint64_t base = cur;
        /* csrrs/csrrc on mip modify the software SEIP bit, not the OR
         * with the PLIC's line that a read returns. */
        if (csr == CSR_MIP)
            base = (cur & ~MIP_SEIP) | (h->seip_sw ? MIP_SEIP : 0);
        uint64_t nv = kind == 0 ? src : kind == 1 ? (base | src) : (base & ~src);
        r = csr_write(h, csr, nv);
        if (r)
            return r;
        h->limit = 0;   /* state may have changed: let the hart loop look */
    }
    *old = cur;
    return 0;
}
