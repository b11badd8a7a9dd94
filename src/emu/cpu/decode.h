/* Instruction decoding: one 16- or 32-bit RISC-V instruction into a struct
 * insn naming an operation and its operands. Knows the encodings of RV64GC
 * (compressed instructions are expanded first, rvc.c); knows nothing about
 * execution or blocks. */
#ifndef REPRISE_DECODE_H
#define REPRISE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* The operations. One line each: name, what it does. */
#define OP_LIST(X) \
    X(ILLEGAL,   "raise an illegal-instruction exception") \
    X(EXIT,      "leave the block through its fall-through exit") \
    X(PLUGIN_CB, "run a plugin callback or inline op (imm: the record)") \
    X(PLUGIN_INLINE, "add imm of the record to the vCPU's scoreboard entry") \
    X(PLUGIN_MEM_PRE, "note address and store value of the next access (rm: its op)") \
    X(PLUGIN_MEM_POST, "run memory callbacks for the access just made (imm: list)") \
    X(JIT,       "run the block's host code (replaces the first op's label)") \
    X(LI,        "rd = imm (lui, auipc with the pc folded in, c.li)") \
    X(ADDI,      "rd = rs1 + imm") \
    X(SLTI,      "rd = (signed) rs1 < imm") \
    X(SLTIU,     "rd = rs1 < (unsigned) imm") \
    X(XORI,      "rd = rs1 ^ imm") \
    X(ORI,       "rd = rs1 | imm") \
    X(ANDI,      "rd = rs1 & imm") \
    X(SLLI,      "rd = rs1 << imm") \
    X(SRLI,      "rd = rs1 >> imm (logical)") \
    X(SRAI,      "rd = rs1 >> imm (arithmetic)") \
    X(ADDIW,     "rd = sext32(rs1 + imm)") \
    X(SLLIW,     "rd = sext32(rs1 << imm)") \
    X(SRLIW,     "rd = sext32((u32) rs1 >> imm)") \
    X(SRAIW,     "rd = sext32((s32) rs1 >> imm)") \
    X(ADD,       "rd = rs1 + rs2") \
    X(SUB,       "rd = rs1 - rs2") \
    X(SLL,       "rd = rs1 << rs2[5:0]") \
    X(SLT,       "rd = (signed) rs1 < rs2") \
    X(SLTU,      "rd = rs1 < rs2") \
    X(XOR,       "rd = rs1 ^ rs2") \
    X(SRL,       "rd = rs1 >> rs2[5:0] (logical)") \
    X(SRA,       "rd = rs1 >> rs2[5:0] (arithmetic)") \
    X(OR,        "rd = rs1 | rs2") \
    X(AND,       "rd = rs1 & rs2") \
    X(ADDW,      "rd = sext32(rs1 + rs2)") \
    X(SUBW,      "rd = sext32(rs1 - rs2)") \
    X(SLLW,      "rd = sext32(rs1 << rs2[4:0])") \
    X(SRLW,      "rd = sext32((u32) rs1 >> rs2[4:0])") \
    X(SRAW,      "rd = sext32((s32) rs1 >> rs2[4:0])") \
    X(MUL,       "rd = low 64 bits of rs1 * rs2") \
    X(MULH,      "rd = high 64 bits of signed * signed") \
    X(MULHSU,    "rd = high 64 bits of signed * unsigned") \
    X(MULHU,     "rd = high 64 bits of unsigned * unsigned") \
    X(DIV,       "rd = rs1 / rs2 (signed; /0 = -1, overflow = rs1)") \
    X(DIVU,      "rd = rs1 / rs2 (unsigned; /0 = all ones)") \
    X(REM,       "rd = rs1 % rs2 (signed; %0 = rs1, overflow = 0)") \
    X(REMU,      "rd = rs1 % rs2 (unsigned; %0 = rs1)") \
    X(MULW,      "rd = sext32(rs1 * rs2)") \
    X(DIVW,      "rd = sext32(s32 / s32)") \
    X(DIVUW,     "rd = sext32(u32 / u32)") \
    X(REMW,      "rd = sext32(s32 % s32)") \
    X(REMUW,     "rd = sext32(u32 % u32)") \
    X(LB,        "rd = sext(mem8[rs1 + imm])") \
    X(LH,        "rd = sext(mem16[rs1 + imm])") \
    X(LW,        "rd = sext(mem32[rs1 + imm])") \
    X(LD,        "rd = mem64[rs1 + imm]") \
    X(LBU,       "rd = zext(mem8[rs1 + imm])") \
    X(LHU,       "rd = zext(mem16[rs1 + imm])") \
    X(LWU,       "rd = zext(mem32[rs1 + imm])") \
    X(SB,        "mem8[rs1 + imm] = rs2") \
    X(SH,        "mem16[rs1 + imm] = rs2") \
    X(SW,        "mem32[rs1 + imm] = rs2") \
    X(SD,        "mem64[rs1 + imm] = rs2") \
    X(BEQ,       "branch to pc + imm if rs1 == rs2") \
    X(BNE,       "branch if rs1 != rs2") \
    X(BLT,       "branch if (signed) rs1 < rs2") \
    X(BGE,       "branch if (signed) rs1 >= rs2") \
    X(BLTU,      "branch if rs1 < rs2") \
    X(BGEU,      "branch if rs1 >= rs2") \
    X(JAL,       "rd = pc + len; pc += imm") \
    X(JALR,      "rd = pc + len; pc = (rs1 + imm) & ~1") \
    X(FENCE,     "memory ordering (no effect on one host thread)") \
    X(FENCE_I,   "instruction-fetch fence: end the block") \
    X(ECALL,     "environment call exception") \
    X(EBREAK,    "breakpoint exception") \
    X(MRET,      "return from an M-mode trap") \
    X(SRET,      "return from an S-mode trap") \
    X(WFI,       "wait for interrupt") \
    X(SFENCE_VMA,"flush address translations") \
    X(CSRRW,     "rd = csr; csr = rs1") \
    X(CSRRS,     "rd = csr; csr |= rs1") \
    X(CSRRC,     "rd = csr; csr &= ~rs1") \
    X(CSRRWI,    "rd = csr; csr = uimm (rs1 field)") \
    X(CSRRSI,    "rd = csr; csr |= uimm") \
    X(CSRRCI,    "rd = csr; csr &= ~uimm") \
    X(LR_W,      "load-reserved word") \
    X(SC_W,      "store-conditional word") \
    X(AMOSWAP_W, "atomic swap word") \
    X(AMOADD_W,  "atomic add word") \
    X(AMOXOR_W,  "atomic xor word") \
    X(AMOAND_W,  "atomic and word") \
    X(AMOOR_W,   "atomic or word") \
    X(AMOMIN_W,  "atomic signed min word") \
    X(AMOMAX_W,  "atomic signed max word") \
    X(AMOMINU_W, "atomic unsigned min word") \
    X(AMOMAXU_W, "atomic unsigned max word") \
    X(LR_D,      "load-reserved doubleword") \
    X(SC_D,      "store-conditional doubleword") \
    X(AMOSWAP_D, "atomic swap doubleword") \
    X(AMOADD_D,  "atomic add doubleword") \
    X(AMOXOR_D,  "atomic xor doubleword") \
    X(AMOAND_D,  "atomic and doubleword") \
    X(AMOOR_D,   "atomic or doubleword") \
    X(AMOMIN_D,  "atomic signed min doubleword") \
    X(AMOMAX_D,  "atomic signed max doubleword") \
    X(AMOMINU_D, "atomic unsigned min doubleword") \
    X(AMOMAXU_D, "atomic unsigned max doubleword") \
    X(FLW,       "frd = nanbox(mem32[rs1 + imm])") \
    X(FLD,       "frd = mem64[rs1 + imm]") \
    X(FSW,       "mem32[rs1 + imm] = frs2[31:0]") \
    X(FSD,       "mem64[rs1 + imm] = frs2") \
    OP_LIST_FP(X)

/* The floating-point computations (every F/D op but loads and stores):
 * fp_NAME (fpexec.h) runs OP_NAME. */
#define OP_LIST_FP(X) \
    X(FMADD_S,   "frd = frs1 * frs2 + frs3") \
    X(FMSUB_S,   "frd = frs1 * frs2 - frs3") \
    X(FNMSUB_S,  "frd = -(frs1 * frs2) + frs3") \
    X(FNMADD_S,  "frd = -(frs1 * frs2) - frs3") \
    X(FADD_S,    "frd = frs1 + frs2") \
    X(FSUB_S,    "frd = frs1 - frs2") \
    X(FMUL_S,    "frd = frs1 * frs2") \
    X(FDIV_S,    "frd = frs1 / frs2") \
    X(FSQRT_S,   "frd = sqrt(frs1)") \
    X(FSGNJ_S,   "frd = |frs1| with the sign of frs2") \
    X(FSGNJN_S,  "frd = |frs1| with the inverted sign of frs2") \
    X(FSGNJX_S,  "frd = frs1 with sign frs1 ^ frs2") \
    X(FMIN_S,    "frd = minimumNumber(frs1, frs2)") \
    X(FMAX_S,    "frd = maximumNumber(frs1, frs2)") \
    X(FCVT_W_S,  "rd = (s32) frs1") \
    X(FCVT_WU_S, "rd = (u32) frs1") \
    X(FCVT_L_S,  "rd = (s64) frs1") \
    X(FCVT_LU_S, "rd = (u64) frs1") \
    X(FMV_X_W,   "rd = sext(frs1[31:0])") \
    X(FEQ_S,     "rd = frs1 == frs2 (quiet)") \
    X(FLT_S,     "rd = frs1 < frs2 (signaling)") \
    X(FLE_S,     "rd = frs1 <= frs2 (signaling)") \
    X(FCLASS_S,  "rd = class mask of frs1") \
    X(FCVT_S_W,  "frd = (float) (s32) rs1") \
    X(FCVT_S_WU, "frd = (float) (u32) rs1") \
    X(FCVT_S_L,  "frd = (float) (s64) rs1") \
    X(FCVT_S_LU, "frd = (float) (u64) rs1") \
    X(FMV_W_X,   "frd = nanbox(rs1[31:0])") \
    X(FMADD_D,   "frd = frs1 * frs2 + frs3") \
    X(FMSUB_D,   "frd = frs1 * frs2 - frs3") \
    X(FNMSUB_D,  "frd = -(frs1 * frs2) + frs3") \
    X(FNMADD_D,  "frd = -(frs1 * frs2) - frs3") \
    X(FADD_D,    "frd = frs1 + frs2") \
    X(FSUB_D,    "frd = frs1 - frs2") \
    X(FMUL_D,    "frd = frs1 * frs2") \
    X(FDIV_D,    "frd = frs1 / frs2") \
    X(FSQRT_D,   "frd = sqrt(frs1)") \
    X(FSGNJ_D,   "frd = |frs1| with the sign of frs2") \
    X(FSGNJN_D,  "frd = |frs1| with the inverted sign of frs2") \
    X(FSGNJX_D,  "frd = frs1 with sign frs1 ^ frs2") \
    X(FMIN_D,    "frd = minimumNumber(frs1, frs2)") \
    X(FMAX_D,    "frd = maximumNumber(frs1, frs2)") \
    X(FCVT_S_D,  "frd = (float) frs1") \
    X(FCVT_D_S,  "frd = (double) frs1") \
    X(FEQ_D,     "rd = frs1 == frs2 (quiet)") \
    X(FLT_D,     "rd = frs1 < frs2 (signaling)") \
    X(FLE_D,     "rd = frs1 <= frs2 (signaling)") \
    X(FCLASS_D,  "rd = class mask of frs1") \
    X(FCVT_W_D,  "rd = (s32) frs1") \
    X(FCVT_WU_D, "rd = (u32) frs1") \
    X(FCVT_L_D,  "rd = (s64) frs1") \
    X(FCVT_LU_D, "rd = (u64) frs1") \
    X(FMV_X_D,   "rd = frs1") \
    X(FCVT_D_W,  "frd = (double) (s32) rs1") \
    X(FCVT_D_WU, "frd = (double) (u32) rs1") \
    X(FCVT_D_L,  "frd = (double) (s64) rs1") \
    X(FCVT_D_LU, "frd = (double) (u64) rs1") \
    X(FMV_D_X,   "frd = rs1")

enum op_kind {
#define X(name, doc) OP_##name,
    OP_LIST(X)
#undef X
    OP_COUNT
};

/* Instruction classes the translator cares about. */
#define INSN_ENDS_BLOCK  0x01   /* control transfer or state change: last insn of a block */
#define INSN_FP          0x02   /* needs mstatus.FS != Off */
#define INSN_LOAD        0x04
#define INSN_STORE       0x08
#define INSN_PCREL       0x10   /* imm is relative to the pc (auipc) */

struct insn {
    uint16_t op;          /* enum op_kind */
    uint8_t rd, rs1, rs2, rs3;
    uint8_t rm;           /* FP rounding mode field (7 = dynamic) */
    uint8_t len;          /* 2 or 4 */
    uint8_t cls;          /* INSN_* */
    int64_t imm;
    uint32_t raw;         /* the instruction bits as fetched (16 or 32) */
};

/* Decodes the instruction whose low 16 bits (compressed) or 32 bits are in
 * raw. Always fills *out; an encoding that is not RV64GC gives OP_ILLEGAL.
 * Returns the instruction length (2 or 4). */
int decode(uint32_t raw, struct insn *out);

/* Length of the instruction whose first halfword is lo. */
static inline int insn_len(uint16_t lo)
{
    return (lo & 3) == 3 ? 4 : 2;
}

/* Expands a compressed instruction to its 32-bit equivalent, or returns 0
 * for a reserved or illegal encoding (rvc.c). */
uint32_t rvc_expand(uint16_t c);

/* Name of an operation, lower case ("addi"); for diagnostics. */
const char *op_name(unsigned op);

#endif
