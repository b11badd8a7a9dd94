/* RV64GC decoder: maps instruction bits to an operation and its operands.
 * Compressed encodings are first expanded to their 32-bit forms (rvc.c), so
 * there is one decoder for both. Owns no state. */
#include "decode.h"

#include "util.h"

static const char *const op_names[OP_COUNT] = {
#define X(name, doc) [OP_##name] = #name,
    OP_LIST(X)
#undef X
};
_Static_assert(ARRAY_SIZE(op_names) == OP_COUNT, "op_names covers every op");

const char *op_name(unsigned op)
{
    static char buf[OP_COUNT][16];
    if (op >= OP_COUNT)
        return "?";
    if (!buf[op][0]) {
        const char *s = op_names[op];
        unsigned i;
        for (i = 0; s[i] && i < sizeof(buf[op]) - 1; i++)
            buf[op][i] = (s[i] == '_') ? '.' : (char)(s[i] | 0x20);
        buf[op][i] = '\0';
    }
    return buf[op];
}

static inline int64_t imm_i(uint32_t r) { return (int32_t)r >> 20; }
static inline int64_t imm_s(uint32_t r)
{
    return (int64_t)(((int32_t)r >> 25) * 32) | (int64_t)((r >> 7) & 0x1f);
}
static inline int64_t imm_b(uint32_t r)
{
    uint32_t v = ((r >> 31) << 12) | (((r >> 7) & 1) << 11) |
                 (((r >> 25) & 0x3f) << 5) | (((r >> 8) & 0xf) << 1);
    return sext(v, 13);
}
static inline int64_t imm_u(uint32_t r) { return (int32_t)(r & 0xfffff000u); }
static inline int64_t imm_j(uint32_t r)
{
    uint32_t v = ((r >> 31) << 20) | (((r >> 12) & 0xff) << 12) |
                 (((r >> 20) & 1) << 11) | (((r >> 21) & 0x3ff) << 1);
    return sext(v, 21);
}

static void set(struct insn *d, enum op_kind op, uint8_t cls)
{
    d->op = op;
    d->cls = cls;
}

static void decode_fp(uint32_t r, struct insn *d)
{
    unsigned f7 = r >> 25, f3 = (r >> 12) & 7, rs2 = (r >> 20) & 0x1f;
    unsigned fmt = f7 & 3;   /* 0 = S, 1 = D */
    bool dbl = fmt == 1;
    enum op_kind op = OP_ILLEGAL;
    bool uses_rm = false;

    if (fmt > 1)
        return;
    switch (f7 >> 2) {
    case 0x00: op = dbl ? OP_FADD_D : OP_FADD_S; uses_rm = true; break;
    case 0x01: op = dbl ? OP_FSUB_D : OP_FSUB_S; uses_rm = true; break;
    case 0x02: op = dbl ? OP_FMUL_D : OP_FMUL_S; uses_rm = true; break;
    case 0x03: op = dbl ? OP_FDIV_D : OP_FDIV_S; uses_rm = true; break;
    case 0x0b:
        if (rs2 != 0)
            return;
        op = dbl ? OP_FSQRT_D : OP_FSQRT_S; uses_rm = true;
        break;
    case 0x04:
        if (f3 > 2)
            return;
        op = (dbl ? OP_FSGNJ_D : OP_FSGNJ_S) + f3;
        break;
    case 0x05:
        if (f3 > 1)
            return;
        op = f3 ? (dbl ? OP_FMAX_D : OP_FMAX_S) : (dbl ? OP_FMIN_D : OP_FMIN_S);
        break;
    case 0x08:   /* fcvt.s.d (fmt S, rs2 = 1) / fcvt.d.s (fmt D, rs2 = 0) */
        if (!dbl && rs2 == 1)
            op = OP_FCVT_S_D;
        else if (dbl && rs2 == 0)
            op = OP_FCVT_D_S;
        else
            return;
        uses_rm = true;
        break;
    case 0x14:
        if (f3 > 2)
            return;
        if (f3 == 2) op = dbl ? OP_FEQ_D : OP_FEQ_S;
        else if (f3 == 1) op = dbl ? OP_FLT_D : OP_FLT_S;
        else op = dbl ? OP_FLE_D : OP_FLE_S;
        break;
    case 0x18:
        if (rs2 > 3)
            return;
        op = (dbl ? OP_FCVT_W_D : OP_FCVT_W_S) + rs2;
        uses_rm = true;
        break;
    case 0x1a:
        if (rs2 > 3)
            return;
        op = (dbl ? OP_FCVT_D_W : OP_FCVT_S_W) + rs2;
        uses_rm = true;
        break;
    case 0x1c:
        if (rs2 != 0)
            return;
        if (f3 == 0) op = dbl ? OP_FMV_X_D : OP_FMV_X_W;
        else if (f3 == 1) op = dbl ? OP_FCLASS_D : OP_FCLASS_S;
        else return;
        break;
    case 0x1e:
        if (rs2 != 0 || f3 != 0)
            return;
        op = dbl ? OP_FMV_D_X : OP_FMV_W_X;
        break;
    default:
        return;
    }
    if (uses_rm && (f3 == 5 || f3 == 6))
        return;
    d->rm = f3;
    set(d, op, INSN_FP);
}

static void decode_amo(uint32_t r, struct insn *d)
{
    unsigned f3 = (r >> 12) & 7, f5 = r >> 27;
    bool dw;
    enum op_kind op;
    if (f3 == 2)
        dw = false;
    else if (f3 == 3)
        dw = true;
    else
        return;
    switch (f5) {
    case 0x02:
        if (d->rs2 != 0)
            return;
        op = dw ? OP_LR_D : OP_LR_W;
        break;
    case 0x03: op = dw ? OP_SC_D : OP_SC_W; break;
    case 0x01: op = dw ? OP_AMOSWAP_D : OP_AMOSWAP_W; break;
    case 0x00: op = dw ? OP_AMOADD_D : OP_AMOADD_W; break;
    case 0x04: op = dw ? OP_AMOXOR_D : OP_AMOXOR_W; break;
    case 0x0c: op = dw ? OP_AMOAND_D : OP_AMOAND_W; break;
    case 0x08: op = dw ? OP_AMOOR_D : OP_AMOOR_W; break;
    case 0x10: op = dw ? OP_AMOMIN_D : OP_AMOMIN_W; break;
    case 0x14: op = dw ? OP_AMOMAX_D : OP_AMOMAX_W; break;
    case 0x18: op = dw ? OP_AMOMINU_D : OP_AMOMINU_W; break;
    case 0x1c: op = dw ? OP_AMOMAXU_D : OP_AMOMAXU_W; break;
    default: return;
    }
    set(d, op, INSN_LOAD | INSN_STORE);
}

static void decode_system(uint32_t r, struct insn *d)
{
    unsigned f3 = (r >> 12) & 7;
    if (f3 == 0) {
        if (d->rd != 0)
            return;
        if (r == 0x00000073) set(d, OP_ECALL, INSN_ENDS_BLOCK);
        else if (r == 0x00100073) set(d, OP_EBREAK, INSN_ENDS_BLOCK);
        else if (r == 0x30200073) set(d, OP_MRET, INSN_ENDS_BLOCK);
        else if (r == 0x10200073) set(d, OP_SRET, INSN_ENDS_BLOCK);
        else if (r == 0x10500073) set(d, OP_WFI, INSN_ENDS_BLOCK);
        else if ((r >> 25) == 0x09) set(d, OP_SFENCE_VMA, INSN_ENDS_BLOCK);
        return;
    }
    if (f3 == 4)
        return;
    d->imm = r >> 20;   /* the CSR number */
    static const enum op_kind csr_ops[8] = {
        [1] = OP_CSRRW, [2] = OP_CSRRS, [3] = OP_CSRRC,
        [5] = OP_CSRRWI, [6] = OP_CSRRSI, [7] = OP_CSRRCI,
    };
    /* A CSR access that only reads (rs1/uimm = 0 for set/clear) leaves the
     * machine state alone and need not end the block. */
    bool read_only = (f3 == 2 || f3 == 3 || f3 == 6 || f3 == 7) && d->rs1 == 0;
    set(d, csr_ops[f3], read_only ? 0 : INSN_ENDS_BLOCK);
}

int decode(uint32_t raw, struct insn *d)
{
    uint32_t r = raw;
    d->op = OP_ILLEGAL;
    d->cls = INSN_ENDS_BLOCK;
    d->imm = 0;
    d->rm = 0;
    d->rs3 = 0;
    if ((raw & 3) != 3) {
        d->len = 2;
        d->raw = raw & 0xffff;
        r = rvc_expand((uint16_t)raw);
        if (!r) {
            d->rd = d->rs1 = d->rs2 = 0;
            return 2;
        }
    } else {
        d->len = 4;
        d->raw = raw;
    }

    d->rd = (r >> 7) & 0x1f;
    d->rs1 = (r >> 15) & 0x1f;
    d->rs2 = (r >> 20) & 0x1f;
    unsigned f3 = (r >> 12) & 7, f7 = r >> 25;

    switch ((r >> 2) & 0x1f) {
    case 0x0d:   /* LUI */
        d->imm = imm_u(r);
        set(d, OP_LI, 0);
        break;
    case 0x05:   /* AUIPC: the translator adds the pc */
        d->imm = imm_u(r);
        set(d, OP_LI, 0);
        d->cls |= INSN_PCREL;
        break;
    case 0x1b:   /* JAL */
        d->imm = imm_j(r);
        set(d, OP_JAL, INSN_ENDS_BLOCK);
        break;
    case 0x19:   /* JALR */
        if (f3 != 0)
            break;
        d->imm = imm_i(r);
        set(d, OP_JALR, INSN_ENDS_BLOCK);
        break;
    case 0x18: { /* BRANCH */
        static const enum op_kind br[8] = {
            OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU,
        };
        if (br[f3] == OP_ILLEGAL)
            break;
        d->imm = imm_b(r);
        set(d, br[f3], INSN_ENDS_BLOCK);
        break;
    }
    case 0x00: { /* LOAD */
        static const enum op_kind ld[8] = {
            OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU, OP_ILLEGAL,
        };
        if (ld[f3] == OP_ILLEGAL)
            break;
        d->imm = imm_i(r);
        set(d, ld[f3], INSN_LOAD);
        break;
    }
    case 0x08: { /* STORE */
        if (f3 > 3)
            break;
        d->imm = imm_s(r);
        set(d, OP_SB + f3, INSN_STORE);
        break;
    }
    case 0x01:   /* LOAD-FP */
        if (f3 != 2 && f3 != 3)
            break;
        d->imm = imm_i(r);
        set(d, f3 == 2 ? OP_FLW : OP_FLD, INSN_LOAD | INSN_FP);
        break;
    case 0x09:   /* STORE-FP */
        if (f3 != 2 && f3 != 3)
            break;
        d->imm = imm_s(r);
        set(d, f3 == 2 ? OP_FSW : OP_FSD, INSN_STORE | INSN_FP);
        break;
    case 0x04: { /* OP-IMM */
        d->imm = imm_i(r);
        switch (f3) {
        case 0: set(d, OP_ADDI, 0); break;
        case 2: set(d, OP_SLTI, 0); break;
        case 3: set(d, OP_SLTIU, 0); break;
        case 4: set(d, OP_XORI, 0); break;
        case 6: set(d, OP_ORI, 0); break;
        case 7: set(d, OP_ANDI, 0); break;
        case 1:
            if ((r >> 26) != 0)
                break;
            d->imm = (r >> 20) & 0x3f;
            set(d, OP_SLLI, 0);
            break;
        case 5:
            if ((r >> 26) == 0x00) set(d, OP_SRLI, 0);
            else if ((r >> 26) == 0x10) set(d, OP_SRAI, 0);
            else break;
            d->imm = (r >> 20) & 0x3f;
            break;
        }
        break;
    }
    case 0x06:   /* OP-IMM-32 */
        d->imm = imm_i(r);
        if (f3 == 0) {
            set(d, OP_ADDIW, 0);
        } else if (f3 == 1 && f7 == 0) {
            d->imm = d->rs2;
            set(d, OP_SLLIW, 0);
        } else if (f3 == 5 && (f7 == 0 || f7 == 0x20)) {
            d->imm = d->rs2;
            set(d, f7 ? OP_SRAIW : OP_SRLIW, 0);
        }
        break;
    case 0x0c:   /* OP */
        if (f7 == 0x00) {
            static const enum op_kind o[8] = {
                OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND,
            };
            set(d, o[f3], 0);
        } else if (f7 == 0x20) {
            if (f3 == 0) set(d, OP_SUB, 0);
            else if (f3 == 5) set(d, OP_SRA, 0);
        } else if (f7 == 0x01) {
            set(d, OP_MUL + f3, 0);
        }
        break;
    case 0x0e:   /* OP-32 */
        if (f7 == 0x00) {
            if (f3 == 0) set(d, OP_ADDW, 0);
            else if (f3 == 1) set(d, OP_SLLW, 0);
            else if (f3 == 5) set(d, OP_SRLW, 0);
        } else if (f7 == 0x20) {
            if (f3 == 0) set(d, OP_SUBW, 0);
            else if (f3 == 5) set(d, OP_SRAW, 0);
        } else if (f7 == 0x01) {
            static const enum op_kind o[8] = {
                OP_MULW, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL,
                OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW,
            };
            if (o[f3] != OP_ILLEGAL)
                set(d, o[f3], 0);
        }
        break;
    case 0x03:   /* MISC-MEM */
        if (f3 == 0) set(d, OP_FENCE, 0);
        else if (f3 == 1) set(d, OP_FENCE_I, INSN_ENDS_BLOCK);
        break;
    case 0x1c:   /* SYSTEM */
        decode_system(r, d);
        break;
    case 0x0b:   /* AMO */
        decode_amo(r, d);
        break;
    case 0x10: case 0x11: case 0x12: case 0x13: { /* FMADD..FNMADD */
        unsigned fmt = (r >> 25) & 3;
        if (fmt > 1 || f3 == 5 || f3 == 6)
            break;
        d->rs3 = r >> 27;
        d->rm = f3;
        unsigned k = ((r >> 2) & 0x1f) - 0x10;
        set(d, (fmt ? OP_FMADD_D : OP_FMADD_S) + k, INSN_FP);
        break;
    }
    case 0x14:   /* OP-FP */
        decode_fp(r, d);
        break;
    default:
        break;
    }
    return d->len;
}
