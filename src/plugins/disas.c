/* RV64GC disassembly in the text GNU objdump (binutils 2.40) prints: the
 * same aliases chosen in the same order, immediates in the same bases
 * (decimal offsets, hex shift amounts and upper immediates), compressed
 * instructions printed as their base forms except hints. See disas.h; the
 * unit test compares against objdump's output for thousands of encodings. */
#include "disas.h"

#include <stdbool.h>
#include <stdio.h>

static const char *const xr[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
    "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const fr[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* Rounding modes as an optional last operand (",rtz"); dynamic prints
 * nothing, the reserved values "unknown". */
static const char *rm_suffix(unsigned rm)
{
    static const char *const s[8] = {
        ",rne", ",rtz", ",rdn", ",rup", ",rmm", ",unknown", ",unknown", "",
    };
    return s[rm & 7];
}

static int64_t sx(uint64_t v, unsigned bits)
{
    unsigned s = 64 - bits;
    return (int64_t)(v << s) >> s;
}

static uint32_t bit(uint32_t w, unsigned from, unsigned to)
{
    return ((w >> from) & 1u) << to;
}

static uint32_t field(uint32_t w, unsigned hi, unsigned lo)
{
    return (w >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* ---- CSR names (those objdump 2.40 knows, whatever the XLEN) ---------------- */

static const struct { uint16_t num; const char *name; } csr_names[] = {
    {0x001, "fflags"}, {0x002, "frm"}, {0x003, "fcsr"}, {0x008, "vstart"}, {0x009, "vxsat"},
    {0x00a, "vxrm"}, {0x00f, "vcsr"}, {0x015, "seed"}, {0x100, "sstatus"}, {0x104, "sie"},
    {0x105, "stvec"}, {0x106, "scounteren"}, {0x10a, "senvcfg"}, {0x10c, "sstateen0"},
    {0x10d, "sstateen1"}, {0x10e, "sstateen2"}, {0x10f, "sstateen3"}, {0x114, "sieh"},
    {0x140, "sscratch"}, {0x141, "sepc"}, {0x142, "scause"}, {0x143, "stval"}, {0x144, "sip"},
    {0x14d, "stimecmp"}, {0x150, "siselect"}, {0x151, "sireg"}, {0x154, "siph"},
    {0x15c, "stopei"}, {0x15d, "stimecmph"}, {0x180, "satp"}, {0x200, "vsstatus"},
    {0x204, "vsie"}, {0x205, "vstvec"}, {0x214, "vsieh"}, {0x240, "vsscratch"},
    {0x241, "vsepc"}, {0x242, "vscause"}, {0x243, "vstval"}, {0x244, "vsip"},
    {0x24d, "vstimecmp"}, {0x250, "vsiselect"}, {0x251, "vsireg"}, {0x254, "vsiph"},
    {0x25c, "vstopei"}, {0x25d, "vstimecmph"}, {0x280, "vsatp"}, {0x300, "mstatus"},
    {0x301, "misa"}, {0x302, "medeleg"}, {0x303, "mideleg"}, {0x304, "mie"}, {0x305, "mtvec"},
    {0x306, "mcounteren"}, {0x308, "mvien"}, {0x309, "mvip"}, {0x30a, "menvcfg"},
    {0x30c, "mstateen0"}, {0x30d, "mstateen1"}, {0x30e, "mstateen2"}, {0x30f, "mstateen3"},
    {0x310, "mstatush"}, {0x313, "midelegh"}, {0x314, "mieh"}, {0x318, "mvienh"},
    {0x319, "mviph"}, {0x31a, "menvcfgh"}, {0x31c, "mstateen0h"}, {0x31d, "mstateen1h"},
    {0x31e, "mstateen2h"}, {0x31f, "mstateen3h"}, {0x320, "mcountinhibit"},
    {0x340, "mscratch"}, {0x341, "mepc"}, {0x342, "mcause"}, {0x343, "mtval"}, {0x344, "mip"},
    {0x34a, "mtinst"}, {0x34b, "mtval2"}, {0x350, "miselect"}, {0x351, "mireg"},
    {0x354, "miph"}, {0x35c, "mtopei"}, {0x5a8, "scontext"}, {0x600, "hstatus"},
    {0x602, "hedeleg"}, {0x603, "hideleg"}, {0x604, "hie"}, {0x605, "htimedelta"},
    {0x606, "hcounteren"}, {0x607, "hgeie"}, {0x608, "hvien"}, {0x609, "hvictl"},
    {0x60a, "henvcfg"}, {0x60c, "hstateen0"}, {0x60d, "hstateen1"}, {0x60e, "hstateen2"},
    {0x60f, "hstateen3"}, {0x613, "hidelegh"}, {0x615, "htimedeltah"}, {0x618, "hvienh"},
    {0x61a, "henvcfgh"}, {0x61c, "hstateen0h"}, {0x61d, "hstateen1h"}, {0x61e, "hstateen2h"},
    {0x61f, "hstateen3h"}, {0x643, "htval"}, {0x644, "hip"}, {0x645, "hvip"},
    {0x646, "hviprio1"}, {0x647, "hviprio2"}, {0x64a, "htinst"}, {0x655, "hviph"},
    {0x656, "hviprio1h"}, {0x657, "hviprio2h"}, {0x680, "hgatp"}, {0x6a8, "hcontext"},
    {0x747, "mseccfg"}, {0x757, "mseccfgh"}, {0x7a0, "tselect"}, {0x7a1, "tdata1"},
    {0x7a2, "tdata2"}, {0x7a3, "tdata3"}, {0x7a4, "tinfo"}, {0x7a5, "tcontrol"},
    {0x7a8, "mcontext"}, {0x7aa, "mscontext"}, {0x7b0, "dcsr"}, {0x7b1, "dpc"},
    {0x7b2, "dscratch0"}, {0x7b3, "dscratch1"}, {0xb00, "mcycle"}, {0xb02, "minstret"},
    {0xb80, "mcycleh"}, {0xb82, "minstreth"}, {0xc00, "cycle"}, {0xc01, "time"},
    {0xc02, "instret"}, {0xc20, "vl"}, {0xc21, "vtype"}, {0xc22, "vlenb"}, {0xc80, "cycleh"},
    {0xc81, "timeh"}, {0xc82, "instreth"}, {0xda0, "scountovf"}, {0xdb0, "stopi"},
    {0xe12, "hgeip"}, {0xeb0, "vstopi"}, {0xf11, "mvendorid"}, {0xf12, "marchid"},
    {0xf13, "mimpid"}, {0xf14, "mhartid"}, {0xf15, "mconfigptr"}, {0xfb0, "mtopi"},
};

/* Writes the CSR's name, or its number in hex, into b. */
static const char *csr_name(unsigned csr, char *b, size_t n)
{
    for (size_t i = 0; i < sizeof(csr_names) / sizeof(csr_names[0]); i++)
        if (csr_names[i].num == csr)
            return csr_names[i].name;
    /* Numbered families: counters and their events, PMP registers. */
    static const struct { uint16_t base; uint8_t first, last; const char *fmt; } fam[] = {
        {0x320, 3, 31, "mhpmevent%u"}, {0x720, 3, 31, "mhpmevent%uh"},
        {0xb00, 3, 31, "mhpmcounter%u"}, {0xb80, 3, 31, "mhpmcounter%uh"},
        {0xc00, 3, 31, "hpmcounter%u"}, {0xc80, 3, 31, "hpmcounter%uh"},
        {0x3a0, 0, 15, "pmpcfg%u"}, {0x3b0, 0, 63, "pmpaddr%u"},
    };
    for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
        if (csr >= fam[i].base + fam[i].first && csr <= fam[i].base + fam[i].last) {
            snprintf(b, n, fam[i].fmt, csr - fam[i].base);
            return b;
        }
    }
    snprintf(b, n, "0x%x", csr);
    return b;
}

/* ---- 32-bit instructions ------------------------------------------------------ */

static void fence_set(unsigned v, char *b)
{
    const char *letters = "iorw";
    int k = 0;
    for (int i = 0; i < 4; i++)
        if (v & (8u >> i))
            b[k++] = letters[i];
    b[k] = 0;
    if (!k)
        snprintf(b, 8, "unknown");
}

static int dis_system(uint32_t w, char *b, size_t n)
{
    unsigned rd = field(w, 11, 7), f3 = field(w, 14, 12), rs1 = field(w, 19, 15);
    unsigned rs2 = field(w, 24, 20), csr = w >> 20;
    if (f3 == 0) {
        switch (w) {
        case 0x00000073: return snprintf(b, n, "ecall");
        case 0x00100073: return snprintf(b, n, "ebreak");
        case 0x00200073: return snprintf(b, n, "uret");
        case 0x10200073: return snprintf(b, n, "sret");
        case 0x30200073: return snprintf(b, n, "mret");
        case 0x10500073: return snprintf(b, n, "wfi");
        case 0x7b200073: return snprintf(b, n, "dret");
        }
        if ((w >> 25) == 0x09 && rd == 0) {
            if (rs1 == 0 && rs2 == 0)
                return snprintf(b, n, "sfence.vma");
            if (rs2 == 0)
                return snprintf(b, n, "sfence.vma %s", xr[rs1]);
            return snprintf(b, n, "sfence.vma %s,%s", xr[rs1], xr[rs2]);
        }
        return -1;
    }
    if (f3 == 4)
        return -1;
    char cb[16];
    const char *cn = csr_name(csr, cb, sizeof(cb));
    bool imm = f3 >= 5;
    unsigned op = f3 & 3;           /* 1 rw, 2 rs, 3 rc */
    if (w == 0xc0001073)
        return snprintf(b, n, "unimp");
    /* The FP CSRs' own names. */
    if (csr >= 1 && csr <= 3) {
        static const char *const rd_name[4] = { NULL, "frflags", "frrm", "frcsr" };
        static const char *const wr_name[4] = { NULL, "fsflags", "fsrm", "fscsr" };
        if (!imm && op == 2 && rs1 == 0)
            return snprintf(b, n, "%s %s", rd_name[csr], xr[rd]);
        if (!imm && op == 1)
            return rd ? snprintf(b, n, "%s %s,%s", wr_name[csr], xr[rd], xr[rs1])
                      : snprintf(b, n, "%s %s", wr_name[csr], xr[rs1]);
        if (imm && op == 1 && csr != 3)
            return snprintf(b, n, "%si %s,%u", wr_name[csr], xr[rd], rs1);
    }
    if (!imm && op == 2 && rs1 == 0 && csr >= 0xc00 && csr <= 0xc02) {
        static const char *const rdn[3] = { "rdcycle", "rdtime", "rdinstret" };
        return snprintf(b, n, "%s %s", rdn[csr - 0xc00], xr[rd]);
    }
    static const char *const base[4] = { NULL, "csrrw", "csrrs", "csrrc" };
    static const char *const short_w[4] = { NULL, "csrw", "csrs", "csrc" };
    if (!imm && op == 2 && rs1 == 0)
        return snprintf(b, n, "csrr %s,%s", xr[rd], cn);
    if (rd == 0) {
        if (imm)
            return snprintf(b, n, "%s %s,%u", short_w[op], cn, rs1);
        return snprintf(b, n, "%s %s,%s", short_w[op], cn, xr[rs1]);
    }
    if (imm)
        return snprintf(b, n, "%s %s,%s,%u", base[op], xr[rd], cn, rs1);
    return snprintf(b, n, "%s %s,%s,%s", base[op], xr[rd], cn, xr[rs1]);
}

static int dis_opfp(uint32_t w, char *b, size_t n)
{
    unsigned rd = field(w, 11, 7), rm = field(w, 14, 12), rs1 = field(w, 19, 15);
    unsigned rs2 = field(w, 24, 20), f7 = w >> 25, fmt = f7 & 3;
    if (fmt > 1)
        return -1;
    char t = fmt ? 'd' : 's';
    static const char *const arith[4] = { "fadd", "fsub", "fmul", "fdiv" };
    static const char *const ints[4] = { "w", "wu", "l", "lu" };
    switch (f7 >> 2) {
    case 0: case 1: case 2: case 3:
        return snprintf(b, n, "%s.%c %s,%s,%s%s", arith[f7 >> 2], t, fr[rd], fr[rs1], fr[rs2],
                        rm_suffix(rm));
    case 0x0b:
        if (rs2)
            return -1;
        return snprintf(b, n, "fsqrt.%c %s,%s%s", t, fr[rd], fr[rs1], rm_suffix(rm));
    case 0x04: {
        static const char *const sg[3] = { "fsgnj", "fsgnjn", "fsgnjx" };
        static const char *const al[3] = { "fmv", "fneg", "fabs" };
        if (rm > 2)
            return -1;
        if (rs1 == rs2)
            return snprintf(b, n, "%s.%c %s,%s", al[rm], t, fr[rd], fr[rs1]);
        return snprintf(b, n, "%s.%c %s,%s,%s", sg[rm], t, fr[rd], fr[rs1], fr[rs2]);
    }
    case 0x05:
        if (rm > 1)
            return -1;
        return snprintf(b, n, "%s.%c %s,%s,%s", rm ? "fmax" : "fmin", t, fr[rd], fr[rs1],
                        fr[rs2]);
    case 0x08:
        if (fmt == 0 && rs2 == 1)
            return snprintf(b, n, "fcvt.s.d %s,%s%s", fr[rd], fr[rs1], rm_suffix(rm));
        if (fmt == 1 && rs2 == 0 && rm == 0)
            return snprintf(b, n, "fcvt.d.s %s,%s", fr[rd], fr[rs1]);
        return -1;
    case 0x14: {
        static const char *const cmp[3] = { "fle", "flt", "feq" };
        if (rm > 2)
            return -1;
        return snprintf(b, n, "%s.%c %s,%s,%s", cmp[rm], t, xr[rd], fr[rs1], fr[rs2]);
    }
    case 0x18:
        if (rs2 > 3)
            return -1;
        return snprintf(b, n, "fcvt.%s.%c %s,%s%s", ints[rs2], t, xr[rd], fr[rs1], rm_suffix(rm));
    case 0x1a:
        if (rs2 > 3)
            return -1;
        if (fmt == 1 && rs2 < 2) {      /* exact: objdump wants rm = 0 */
            if (rm)
                return -1;
            return snprintf(b, n, "fcvt.d.%s %s,%s", ints[rs2], fr[rd], xr[rs1]);
        }
        return snprintf(b, n, "fcvt.%c.%s %s,%s%s", t, ints[rs2], fr[rd], xr[rs1], rm_suffix(rm));
    case 0x1c:
        if (rs2)
            return -1;
        if (rm == 0)
            return snprintf(b, n, "fmv.x.%c %s,%s", fmt ? 'd' : 'w', xr[rd], fr[rs1]);
        if (rm == 1)
            return snprintf(b, n, "fclass.%c %s,%s", t, xr[rd], fr[rs1]);
        return -1;
    case 0x1e:
        if (rs2 || rm)
            return -1;
        return snprintf(b, n, "fmv.%c.x %s,%s", fmt ? 'd' : 'w', fr[rd], xr[rs1]);
    }
    return -1;
}

static int dis32(uint32_t w, uint64_t pc, char *b, size_t n)
{
    unsigned op = w & 0x7f, rd = field(w, 11, 7), f3 = field(w, 14, 12);
    unsigned rs1 = field(w, 19, 15), rs2 = field(w, 24, 20), f7 = w >> 25;
    long long ii = (long long)sx(w >> 20, 12);
    long long si = (long long)sx((f7 << 5) | rd, 12);

    switch (op) {
    case 0x03: {
        static const char *const m[8] = { "lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", NULL };
        if (!m[f3])
            return -1;
        return snprintf(b, n, "%s %s,%lld(%s)", m[f3], xr[rd], ii, xr[rs1]);
    }
    case 0x07:
        if (f3 != 2 && f3 != 3)
            return -1;
        return snprintf(b, n, "%s %s,%lld(%s)", f3 == 2 ? "flw" : "fld", fr[rd], ii, xr[rs1]);
    case 0x0f:
        if (w == 0x100f)
            return snprintf(b, n, "fence.i");
        if (f3 != 0 || rd || rs1)
            return -1;
        if ((w & 0xfff0707f) == 0x8330000f)
            return snprintf(b, n, "fence.tso");
        if (field(w, 31, 28) != 0)
            return -1;
        if (field(w, 27, 20) == 0xff)
            return snprintf(b, n, "fence");
        {
            char p[8], s[8];
            fence_set(field(w, 27, 24), p);
            fence_set(field(w, 23, 20), s);
            return snprintf(b, n, "fence %s,%s", p, s);
        }
    case 0x13:
        switch (f3) {
        case 0:
            if (w == 0x13)
                return snprintf(b, n, "nop");
            if (rs1 == 0)
                return snprintf(b, n, "li %s,%lld", xr[rd], ii);
            if (ii == 0)
                return snprintf(b, n, "mv %s,%s", xr[rd], xr[rs1]);
            return snprintf(b, n, "add %s,%s,%lld", xr[rd], xr[rs1], ii);
        case 2:
            return snprintf(b, n, "slti %s,%s,%lld", xr[rd], xr[rs1], ii);
        case 3:
            if (ii == 1)
                return snprintf(b, n, "seqz %s,%s", xr[rd], xr[rs1]);
            return snprintf(b, n, "sltiu %s,%s,%lld", xr[rd], xr[rs1], ii);
        case 4:
            if (ii == -1)
                return snprintf(b, n, "not %s,%s", xr[rd], xr[rs1]);
            return snprintf(b, n, "xor %s,%s,%lld", xr[rd], xr[rs1], ii);
        case 6:
            return snprintf(b, n, "or %s,%s,%lld", xr[rd], xr[rs1], ii);
        case 7:
            if (ii == 255)
                return snprintf(b, n, "zext.b %s,%s", xr[rd], xr[rs1]);
            return snprintf(b, n, "and %s,%s,%lld", xr[rd], xr[rs1], ii);
        case 1:
            if (w >> 26)
                return -1;
            return snprintf(b, n, "sll %s,%s,0x%x", xr[rd], xr[rs1], field(w, 25, 20));
        case 5:
            if ((w >> 26) == 0)
                return snprintf(b, n, "srl %s,%s,0x%x", xr[rd], xr[rs1], field(w, 25, 20));
            if ((w >> 26) == 0x10)
                return snprintf(b, n, "sra %s,%s,0x%x", xr[rd], xr[rs1], field(w, 25, 20));
            return -1;
        }
        return -1;
    case 0x17:
        return snprintf(b, n, "auipc %s,0x%x", xr[rd], w >> 12);
    case 0x37:
        return snprintf(b, n, "lui %s,0x%x", xr[rd], w >> 12);
    case 0x1b:
        if (f3 == 0)
            return ii ? snprintf(b, n, "addw %s,%s,%lld", xr[rd], xr[rs1], ii)
                      : snprintf(b, n, "sext.w %s,%s", xr[rd], xr[rs1]);
        if (f3 == 1 && f7 == 0)
            return snprintf(b, n, "sllw %s,%s,0x%x", xr[rd], xr[rs1], rs2);
        if (f3 == 5 && (f7 == 0 || f7 == 0x20))
            return snprintf(b, n, "%s %s,%s,0x%x", f7 ? "sraw" : "srlw", xr[rd], xr[rs1], rs2);
        return -1;
    case 0x23: {
        static const char *const m[4] = { "sb", "sh", "sw", "sd" };
        if (f3 > 3)
            return -1;
        return snprintf(b, n, "%s %s,%lld(%s)", m[f3], xr[rs2], si, xr[rs1]);
    }
    case 0x27:
        if (f3 != 2 && f3 != 3)
            return -1;
        return snprintf(b, n, "%s %s,%lld(%s)", f3 == 2 ? "fsw" : "fsd", fr[rs2], si, xr[rs1]);
    case 0x2f: {
        static const char *const amo[32] = {
            [0x00] = "amoadd", [0x01] = "amoswap", [0x02] = "lr", [0x03] = "sc",
            [0x04] = "amoxor", [0x08] = "amoor", [0x0c] = "amoand", [0x10] = "amomin",
            [0x14] = "amomax", [0x18] = "amominu", [0x1c] = "amomaxu",
        };
        static const char *const ord[4] = { "", ".rl", ".aq", ".aqrl" };
        unsigned f5 = w >> 27;
        if ((f3 != 2 && f3 != 3) || !amo[f5])
            return -1;
        char sz = f3 == 2 ? 'w' : 'd';
        if (f5 == 0x02) {
            if (rs2)
                return -1;
            return snprintf(b, n, "lr.%c%s %s,(%s)", sz, ord[field(w, 26, 25)], xr[rd], xr[rs1]);
        }
        return snprintf(b, n, "%s.%c%s %s,%s,(%s)", amo[f5], sz, ord[field(w, 26, 25)], xr[rd],
                        xr[rs2], xr[rs1]);
    }
    case 0x33:
        if (f7 == 1) {
            static const char *const m[8] = { "mul", "mulh", "mulhsu", "mulhu",
                                              "div", "divu", "rem", "remu" };
            return snprintf(b, n, "%s %s,%s,%s", m[f3], xr[rd], xr[rs1], xr[rs2]);
        }
        if (f7 == 0x20) {
            if (f3 == 0)
                return rs1 ? snprintf(b, n, "sub %s,%s,%s", xr[rd], xr[rs1], xr[rs2])
                           : snprintf(b, n, "neg %s,%s", xr[rd], xr[rs2]);
            if (f3 == 5)
                return snprintf(b, n, "sra %s,%s,%s", xr[rd], xr[rs1], xr[rs2]);
            return -1;
        }
        if (f7 != 0)
            return -1;
        if (f3 == 3 && rs1 == 0)
            return snprintf(b, n, "snez %s,%s", xr[rd], xr[rs2]);
        if (f3 == 2 && rs2 == 0)
            return snprintf(b, n, "sltz %s,%s", xr[rd], xr[rs1]);
        if (f3 == 2 && rs1 == 0)
            return snprintf(b, n, "sgtz %s,%s", xr[rd], xr[rs2]);
        {
            static const char *const m[8] = { "add", "sll", "slt", "sltu",
                                              "xor", "srl", "or", "and" };
            return snprintf(b, n, "%s %s,%s,%s", m[f3], xr[rd], xr[rs1], xr[rs2]);
        }
    case 0x3b:
        if (f7 == 1) {
            static const char *const m[8] = { "mulw", NULL, NULL, NULL,
                                              "divw", "divuw", "remw", "remuw" };
            if (!m[f3])
                return -1;
            return snprintf(b, n, "%s %s,%s,%s", m[f3], xr[rd], xr[rs1], xr[rs2]);
        }
        if (f7 == 0 && (f3 == 0 || f3 == 1 || f3 == 5)) {
            static const char *const m[8] = { "addw", "sllw", NULL, NULL, NULL, "srlw" };
            return snprintf(b, n, "%s %s,%s,%s", m[f3], xr[rd], xr[rs1], xr[rs2]);
        }
        if (f7 == 0x20 && f3 == 0)
            return rs1 ? snprintf(b, n, "subw %s,%s,%s", xr[rd], xr[rs1], xr[rs2])
                       : snprintf(b, n, "negw %s,%s", xr[rd], xr[rs2]);
        if (f7 == 0x20 && f3 == 5)
            return snprintf(b, n, "sraw %s,%s,%s", xr[rd], xr[rs1], xr[rs2]);
        return -1;
    case 0x43: case 0x47: case 0x4b: case 0x4f: {
        static const char *const m[4] = { "fmadd", "fmsub", "fnmsub", "fnmadd" };
        unsigned fmt = field(w, 26, 25);
        if (fmt > 1)
            return -1;
        return snprintf(b, n, "%s.%c %s,%s,%s,%s%s", m[(op >> 2) & 3], fmt ? 'd' : 's', fr[rd],
                        fr[rs1], fr[rs2], fr[w >> 27], rm_suffix(f3));
    }
    case 0x53:
        return dis_opfp(w, b, n);
    case 0x63: {
        static const char *const m[8] = { "beq", "bne", NULL, NULL, "blt", "bge", "bltu", "bgeu" };
        uint64_t off = (uint64_t)sx(bit(w, 31, 12) | bit(w, 7, 11) | (field(w, 30, 25) << 5) |
                                    (field(w, 11, 8) << 1), 13);
        unsigned long long t = (unsigned long long)(pc + off);
        if (!m[f3])
            return -1;
        if (rs2 == 0 && f3 < 2)
            return snprintf(b, n, "%s %s,0x%llx", f3 ? "bnez" : "beqz", xr[rs1], t);
        /* objdump tries bltz before bgtz, but blez before bgez */
        if (f3 == 4 && rs2 == 0)
            return snprintf(b, n, "bltz %s,0x%llx", xr[rs1], t);
        if (f3 == 5 && rs1 == 0)
            return snprintf(b, n, "blez %s,0x%llx", xr[rs2], t);
        if (f3 == 4 && rs1 == 0)
            return snprintf(b, n, "bgtz %s,0x%llx", xr[rs2], t);
        if (f3 == 5 && rs2 == 0)
            return snprintf(b, n, "bgez %s,0x%llx", xr[rs1], t);
        return snprintf(b, n, "%s %s,%s,0x%llx", m[f3], xr[rs1], xr[rs2], t);
    }
    case 0x67:
        if (f3)
            return -1;
        if (rd == 0 && rs1 == 1 && ii == 0)
            return snprintf(b, n, "ret");
        if (rd == 0)
            return ii ? snprintf(b, n, "jr %lld(%s)", ii, xr[rs1])
                      : snprintf(b, n, "jr %s", xr[rs1]);
        if (rd == 1)
            return ii ? snprintf(b, n, "jalr %lld(%s)", ii, xr[rs1])
                      : snprintf(b, n, "jalr %s", xr[rs1]);
        if (ii == 0)
            return snprintf(b, n, "jalr %s,%s", xr[rd], xr[rs1]);
        return snprintf(b, n, "jalr %s,%lld(%s)", xr[rd], ii, xr[rs1]);
    case 0x6f: {
        uint64_t off = (uint64_t)sx(bit(w, 31, 20) | (field(w, 19, 12) << 12) | bit(w, 20, 11) |
                                    (field(w, 30, 21) << 1), 21);
        unsigned long long t = (unsigned long long)(pc + off);
        if (rd == 0)
            return snprintf(b, n, "j 0x%llx", t);
        if (rd == 1)
            return snprintf(b, n, "jal 0x%llx", t);
        return snprintf(b, n, "jal %s,0x%llx", xr[rd], t);
    }
    case 0x73:
        return dis_system(w, b, n);
    }
    return -1;
}

/* ---- compressed instructions ----------------------------------------------------- */

static int dis16(uint32_t c, uint64_t pc, char *b, size_t n)
{
    unsigned f3 = field(c, 15, 13);
    unsigned rd = field(c, 11, 7), rs2 = field(c, 6, 2);
    unsigned rdp = 8 + field(c, 4, 2), rs1p = 8 + field(c, 9, 7);
    long long imm6 = (long long)sx(bit(c, 12, 5) | field(c, 6, 2), 6);
    unsigned shamt = bit(c, 12, 5) | field(c, 6, 2);
    unsigned uimm_d = (field(c, 12, 10) << 3) | (field(c, 6, 5) << 6);
    unsigned uimm_w = (field(c, 12, 10) << 3) | bit(c, 6, 2) | bit(c, 5, 6);

    switch (c & 3) {
    case 0:
        switch (f3) {
        case 0: {
            unsigned u = (field(c, 12, 11) << 4) | (field(c, 10, 7) << 6) | bit(c, 6, 2) |
                         bit(c, 5, 3);
            if (c == 0)
                return snprintf(b, n, "unimp");
            if (!u)
                return -1;
            return snprintf(b, n, "add %s,sp,%u", xr[rdp], u);
        }
        case 1: return snprintf(b, n, "fld %s,%u(%s)", fr[rdp], uimm_d, xr[rs1p]);
        case 2: return snprintf(b, n, "lw %s,%u(%s)", xr[rdp], uimm_w, xr[rs1p]);
        case 3: return snprintf(b, n, "ld %s,%u(%s)", xr[rdp], uimm_d, xr[rs1p]);
        case 5: return snprintf(b, n, "fsd %s,%u(%s)", fr[rdp], uimm_d, xr[rs1p]);
        case 6: return snprintf(b, n, "sw %s,%u(%s)", xr[rdp], uimm_w, xr[rs1p]);
        case 7: return snprintf(b, n, "sd %s,%u(%s)", xr[rdp], uimm_d, xr[rs1p]);
        }
        return -1;
    case 1:
        switch (f3) {
        case 0:
            if (rd == 0)
                return imm6 ? snprintf(b, n, "c.nop %lld", imm6) : snprintf(b, n, "nop");
            return snprintf(b, n, "add %s,%s,%lld", xr[rd], xr[rd], imm6);
        case 1:
            if (rd == 0)
                return -1;
            return imm6 ? snprintf(b, n, "addw %s,%s,%lld", xr[rd], xr[rd], imm6)
                        : snprintf(b, n, "sext.w %s,%s", xr[rd], xr[rd]);
        case 2:
            return rd ? snprintf(b, n, "li %s,%lld", xr[rd], imm6)
                      : snprintf(b, n, "c.li zero,%lld", imm6);
        case 3:
            if (rd == 2) {
                long long v = (long long)sx(bit(c, 12, 9) | bit(c, 6, 4) | bit(c, 5, 6) |
                                            (field(c, 4, 3) << 7) | bit(c, 2, 5), 10);
                return snprintf(b, n, "add sp,sp,%lld", v);
            }
            if (imm6 == 0)
                return -1;
            return snprintf(b, n, "%s %s,0x%llx", rd ? "lui" : "c.lui", xr[rd],
                            (unsigned long long)imm6 & 0xfffff);
        case 4: {
            unsigned f2 = field(c, 11, 10);
            if (f2 < 2) {
                const char *m = f2 ? "sra" : "srl";
                if (shamt == 0)
                    return snprintf(b, n, "c.%s64 %s", f2 ? "srai" : "srli", xr[rs1p]);
                return snprintf(b, n, "%s %s,%s,0x%x", m, xr[rs1p], xr[rs1p], shamt);
            }
            if (f2 == 2)
                return snprintf(b, n, "and %s,%s,%lld", xr[rs1p], xr[rs1p], imm6);
            static const char *const m[8] = { "sub", "xor", "or", "and", "subw", "addw" };
            unsigned k = (bit(c, 12, 2) | field(c, 6, 5));
            if (!m[k])
                return -1;
            return snprintf(b, n, "%s %s,%s,%s", m[k], xr[rs1p], xr[rs1p], xr[rdp]);
        }
        case 5: {
            uint64_t off = (uint64_t)sx(bit(c, 12, 11) | bit(c, 11, 4) | (field(c, 10, 9) << 8) |
                                        bit(c, 8, 10) | bit(c, 7, 6) | bit(c, 6, 7) |
                                        (field(c, 5, 3) << 1) | bit(c, 2, 5), 12);
            return snprintf(b, n, "j 0x%llx", (unsigned long long)(pc + off));
        }
        case 6: case 7: {
            uint64_t off = (uint64_t)sx(bit(c, 12, 8) | (field(c, 11, 10) << 3) |
                                        (field(c, 6, 5) << 6) | (field(c, 4, 3) << 1) |
                                        bit(c, 2, 5), 9);
            return snprintf(b, n, "%s %s,0x%llx", f3 == 6 ? "beqz" : "bnez", xr[rs1p],
                            (unsigned long long)(pc + off));
        }
        }
        return -1;
    case 2:
        switch (f3) {
        case 0:
            if (shamt == 0)
                return snprintf(b, n, "c.slli64 %s", xr[rd]);
            return rd ? snprintf(b, n, "sll %s,%s,0x%x", xr[rd], xr[rd], shamt)
                      : snprintf(b, n, "c.slli zero,0x%x", shamt);
        case 1: {
            unsigned u = bit(c, 12, 5) | (field(c, 6, 5) << 3) | (field(c, 4, 2) << 6);
            return snprintf(b, n, "fld %s,%u(sp)", fr[rd], u);
        }
        case 2: {
            unsigned u = bit(c, 12, 5) | (field(c, 6, 4) << 2) | (field(c, 3, 2) << 6);
            if (rd == 0)
                return -1;
            return snprintf(b, n, "lw %s,%u(sp)", xr[rd], u);
        }
        case 3: {
            unsigned u = bit(c, 12, 5) | (field(c, 6, 5) << 3) | (field(c, 4, 2) << 6);
            if (rd == 0)
                return -1;
            return snprintf(b, n, "ld %s,%u(sp)", xr[rd], u);
        }
        case 4:
            if (!(c & 0x1000)) {
                if (rs2 == 0) {
                    if (rd == 0)
                        return -1;
                    return rd == 1 ? snprintf(b, n, "ret") : snprintf(b, n, "jr %s", xr[rd]);
                }
                return rd ? snprintf(b, n, "mv %s,%s", xr[rd], xr[rs2])
                          : snprintf(b, n, "c.mv zero,%s", xr[rs2]);
            }
            if (rs2 == 0)
                return rd ? snprintf(b, n, "jalr %s", xr[rd]) : snprintf(b, n, "ebreak");
            return rd ? snprintf(b, n, "add %s,%s,%s", xr[rd], xr[rd], xr[rs2])
                      : snprintf(b, n, "c.add zero,%s", xr[rs2]);
        case 5: {
            unsigned u = (field(c, 12, 10) << 3) | (field(c, 9, 7) << 6);
            return snprintf(b, n, "fsd %s,%u(sp)", fr[rs2], u);
        }
        case 6: {
            unsigned u = (field(c, 12, 9) << 2) | (field(c, 8, 7) << 6);
            return snprintf(b, n, "sw %s,%u(sp)", xr[rs2], u);
        }
        case 7: {
            unsigned u = (field(c, 12, 10) << 3) | (field(c, 9, 7) << 6);
            return snprintf(b, n, "sd %s,%u(sp)", xr[rs2], u);
        }
        }
        return -1;
    }
    return -1;
}

unsigned disas_insn(uint32_t raw, uint64_t pc, char *buf, size_t size)
{
    if ((raw & 3) != 3) {
        uint32_t c = raw & 0xffff;
        if (dis16(c, pc, buf, size) < 0)
            snprintf(buf, size, ".2byte 0x%x", c);
        return 2;
    }
    if ((raw & 0x1c) == 0x1c || dis32(raw, pc, buf, size) < 0)
        snprintf(buf, size, ".4byte 0x%x", raw);
    return 4;
}
