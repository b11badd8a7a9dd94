/* The registers plugins can read (and, in run mode, write), named and
 * grouped as GDB and QEMU name them for riscv64: x0-x31 by ABI name with
 * "fp" for x8, pc, the FP registers and fflags/frm/fcsr, the main CSRs, and
 * the virtual "priv". Reads have no side effects: CSRs are read as M-mode
 * would, with the hart's privilege restored at once. */
#include <string.h>

#include "emu/cpu/cpu.h"
#include "emu/cpu/csr.h"
#include "internal.h"

enum reg_kind { RK_GPR, RK_PC, RK_FPR, RK_FFLAGS, RK_FRM, RK_FCSR, RK_CSR, RK_PRIV };
enum { F_CPU, F_FPU, F_CSR, F_VIRT };

struct reg {
    const char *name;
    uint8_t kind;
    uint8_t feature;
    uint16_t num;        /* x/f register or CSR number */
};

static const char *const features[] = {
    [F_CPU] = "org.gnu.gdb.riscv.cpu",
    [F_FPU] = "org.gnu.gdb.riscv.fpu",
    [F_CSR] = "org.gnu.gdb.riscv.csr",
    [F_VIRT] = "org.gnu.gdb.riscv.virtual",
};

#define GPR(n, s) { s, RK_GPR, F_CPU, n }
#define FPR(n, s) { s, RK_FPR, F_FPU, n }
#define CSR(n, s) { s, RK_CSR, F_CSR, n }

static const struct reg regs[] = {
    GPR(0, "zero"), GPR(1, "ra"), GPR(2, "sp"), GPR(3, "gp"), GPR(4, "tp"),
    GPR(5, "t0"), GPR(6, "t1"), GPR(7, "t2"), GPR(8, "fp"), GPR(9, "s1"),
    GPR(10, "a0"), GPR(11, "a1"), GPR(12, "a2"), GPR(13, "a3"), GPR(14, "a4"),
    GPR(15, "a5"), GPR(16, "a6"), GPR(17, "a7"), GPR(18, "s2"), GPR(19, "s3"),
    GPR(20, "s4"), GPR(21, "s5"), GPR(22, "s6"), GPR(23, "s7"), GPR(24, "s8"),
    GPR(25, "s9"), GPR(26, "s10"), GPR(27, "s11"), GPR(28, "t3"), GPR(29, "t4"),
    GPR(30, "t5"), GPR(31, "t6"),
    { "pc", RK_PC, F_CPU, 0 },
    FPR(0, "ft0"), FPR(1, "ft1"), FPR(2, "ft2"), FPR(3, "ft3"), FPR(4, "ft4"),
    FPR(5, "ft5"), FPR(6, "ft6"), FPR(7, "ft7"), FPR(8, "fs0"), FPR(9, "fs1"),
    FPR(10, "fa0"), FPR(11, "fa1"), FPR(12, "fa2"), FPR(13, "fa3"), FPR(14, "fa4"),
    FPR(15, "fa5"), FPR(16, "fa6"), FPR(17, "fa7"), FPR(18, "fs2"), FPR(19, "fs3"),
    FPR(20, "fs4"), FPR(21, "fs5"), FPR(22, "fs6"), FPR(23, "fs7"), FPR(24, "fs8"),
    FPR(25, "fs9"), FPR(26, "fs10"), FPR(27, "fs11"), FPR(28, "ft8"), FPR(29, "ft9"),
    FPR(30, "ft10"), FPR(31, "ft11"),
    { "fflags", RK_FFLAGS, F_FPU, CSR_FFLAGS },
    { "frm", RK_FRM, F_FPU, CSR_FRM },
    { "fcsr", RK_FCSR, F_FPU, CSR_FCSR },
    CSR(CSR_CYCLE, "cycle"), CSR(CSR_TIME, "time"), CSR(CSR_INSTRET, "instret"),
    CSR(CSR_SSTATUS, "sstatus"), CSR(CSR_SIE, "sie"), CSR(CSR_STVEC, "stvec"),
    CSR(CSR_SCOUNTEREN, "scounteren"), CSR(CSR_SENVCFG, "senvcfg"),
    CSR(CSR_SSCRATCH, "sscratch"), CSR(CSR_SEPC, "sepc"), CSR(CSR_SCAUSE, "scause"),
    CSR(CSR_STVAL, "stval"), CSR(CSR_SIP, "sip"), CSR(CSR_STIMECMP, "stimecmp"),
    CSR(CSR_SATP, "satp"),
    CSR(CSR_MVENDORID, "mvendorid"), CSR(CSR_MARCHID, "marchid"),
    CSR(CSR_MIMPID, "mimpid"), CSR(CSR_MHARTID, "mhartid"),
    CSR(CSR_MSTATUS, "mstatus"), CSR(CSR_MISA, "misa"), CSR(CSR_MEDELEG, "medeleg"),
    CSR(CSR_MIDELEG, "mideleg"), CSR(CSR_MIE, "mie"), CSR(CSR_MTVEC, "mtvec"),
    CSR(CSR_MCOUNTEREN, "mcounteren"), CSR(CSR_MENVCFG, "menvcfg"),
    CSR(CSR_MCOUNTINHIBIT, "mcountinhibit"), CSR(CSR_MSCRATCH, "mscratch"),
    CSR(CSR_MEPC, "mepc"), CSR(CSR_MCAUSE, "mcause"), CSR(CSR_MTVAL, "mtval"),
    CSR(CSR_MIP, "mip"), CSR(CSR_MCYCLE, "mcycle"), CSR(CSR_MINSTRET, "minstret"),
    { "priv", RK_PRIV, F_VIRT, 0 },
};

int regs_count(void)
{
    return (int)(sizeof(regs) / sizeof(regs[0]));
}

const char *regs_name(int i)
{
    return regs[i].name;
}

const char *regs_feature(int i)
{
    return features[regs[i].feature];
}

/* Plugins may write the integer and FP registers and the FP CSRs; pc moves
 * only through qemu_plugin_set_pc, and other CSRs only through the guest. */
bool regs_readonly(int i)
{
    const struct reg *r = &regs[i];
    return (r->kind == RK_GPR && r->num == 0) || r->kind == RK_PC || r->kind == RK_CSR ||
           r->kind == RK_PRIV;
}

int regs_read(struct hart *h, int i, uint8_t *out)
{
    const struct reg *r = &regs[i];
    uint64_t v = 0;
    switch (r->kind) {
    case RK_GPR: v = r->num ? h->x[r->num] : 0; break;
    case RK_PC: v = h->pc; break;
    case RK_FPR: v = h->f[r->num]; break;
    case RK_FFLAGS: v = h->fflags; break;
    case RK_FRM: v = h->frm; break;
    case RK_FCSR: v = ((uint64_t)h->frm << 5) | h->fflags; break;
    case RK_PRIV: v = (uint64_t)h->priv; break;
    case RK_CSR: {
        int prv = h->priv;
        h->priv = PRV_M;        /* a debugger's view: no privilege check */
        int e = csr_read(h, r->num, &v);
        h->priv = prv;
        if (e)
            return -1;
        break;
    }
    default:
        return -1;
    }
    memcpy(out, &v, 8);      /* little-endian host and target */
    return 8;
}

int regs_write(struct hart *h, int i, const uint8_t *in, size_t len)
{
    const struct reg *r = &regs[i];
    uint64_t v = 0;
    if (regs_readonly(i) || len == 0)
        return -1;
    memcpy(&v, in, len < 8 ? len : 8);
    switch (r->kind) {
    case RK_GPR: h->x[r->num] = v; return 0;
    case RK_FPR: h->f[r->num] = v; fs_dirty(h); return 0;
    case RK_FFLAGS: h->fflags = (uint32_t)(v & 0x1f); fs_dirty(h); return 0;
    case RK_FRM: h->frm = (uint32_t)(v & 7); fs_dirty(h); return 0;
    case RK_FCSR:
        h->fflags = (uint32_t)(v & 0x1f);
        h->frm = (uint32_t)((v >> 5) & 7);
        fs_dirty(h);
        return 0;
    default:
        return -1;
    }
}
