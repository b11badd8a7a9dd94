/* The C extension: expands each RV64C instruction into the 32-bit instruction
 * it stands for, so the decoder handles one format. Reserved encodings and
 * those not defined for RV64 (and the F-only c.flw/c.fsw) expand to 0. */
#include "decode.h"

#include "util.h"

static inline uint32_t enc_i(uint32_t opc, unsigned rd, unsigned f3, unsigned rs1, int32_t imm)
{
    return ((uint32_t)imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
}

static inline uint32_t enc_s(uint32_t opc, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5 & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
           ((u & 0x1f) << 7) | opc;
}

static inline uint32_t enc_r(uint32_t opc, unsigned rd, unsigned f3, unsigned rs1,
                             unsigned rs2, unsigned f7)
{
    return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
}

static inline uint32_t enc_b(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 12 & 1) << 31) | ((u >> 5 & 0x3f) << 25) | (rs2 << 20) |
           (rs1 << 15) | (f3 << 12) | ((u >> 1 & 0xf) << 8) | ((u >> 11 & 1) << 7) | 0x63;
}

static inline uint32_t enc_j(unsigned rd, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 20 & 1) << 31) | ((u >> 1 & 0x3ff) << 21) | ((u >> 11 & 1) << 20) |
           ((u >> 12 & 0xff) << 12) | (rd << 7) | 0x6f;
}

#define B(hi, lo) ((uint32_t)bits(c, hi, lo))

enum { OPC_LOAD = 0x03, OPC_LOAD_FP = 0x07, OPC_OP_IMM = 0x13, OPC_OP_IMM32 = 0x1b,
       OPC_STORE = 0x23, OPC_STORE_FP = 0x27, OPC_OP = 0x33, OPC_LUI = 0x37,
       OPC_OP32 = 0x3b, OPC_JALR = 0x67 };

static uint32_t q0(uint16_t c)
{
    unsigned rd = B(4, 2) + 8, rs1 = B(9, 7) + 8;
    uint32_t uw = (B(12, 10) << 3) | (B(6, 6) << 2) | (B(5, 5) << 6);  /* lw/sw */
    uint32_t ud = (B(12, 10) << 3) | (B(6, 5) << 6);                    /* ld/sd */
    switch (B(15, 13)) {
    case 0: {
        uint32_t imm = (B(12, 11) << 4) | (B(10, 7) << 6) | (B(6, 6) << 2) | (B(5, 5) << 3);
        if (imm == 0)
            return 0;
        return enc_i(OPC_OP_IMM, rd, 0, 2, imm);
    }
    case 1: return enc_i(OPC_LOAD_FP, rd, 3, rs1, ud);
    case 2: return enc_i(OPC_LOAD, rd, 2, rs1, uw);
    case 3: return enc_i(OPC_LOAD, rd, 3, rs1, ud);
    case 5: return enc_s(OPC_STORE_FP, 3, rs1, rd, ud);
    case 6: return enc_s(OPC_STORE, 2, rs1, rd, uw);
    case 7: return enc_s(OPC_STORE, 3, rs1, rd, ud);
    default: return 0;
    }
}

static uint32_t q1(uint16_t c)
{
    unsigned rd = B(11, 7);
    int32_t imm6 = (int32_t)sext((B(12, 12) << 5) | B(6, 2), 6);
    unsigned rdp = B(9, 7) + 8, rs2p = B(4, 2) + 8;
    switch (B(15, 13)) {
    case 0: return enc_i(OPC_OP_IMM, rd, 0, rd, imm6);             /* c.addi / c.nop */
    case 1:
        if (rd == 0)
            return 0;
        return enc_i(OPC_OP_IMM32, rd, 0, rd, imm6);                /* c.addiw */
    case 2: return enc_i(OPC_OP_IMM, rd, 0, 0, imm6);               /* c.li */
    case 3:
        if (rd == 2) {                                               /* c.addi16sp */
            int32_t imm = (int32_t)sext((B(12, 12) << 9) | (B(6, 6) << 4) | (B(5, 5) << 6) |
                                        (B(4, 3) << 7) | (B(2, 2) << 5), 10);
            if (imm == 0)
                return 0;
            return enc_i(OPC_OP_IMM, 2, 0, 2, imm);
        }
        if (imm6 == 0)
            return 0;
        return ((uint32_t)imm6 << 12 & 0xfffff000u) | (rd << 7) | OPC_LUI;  /* c.lui */
    case 4: {
        unsigned shamt = (B(12, 12) << 5) | B(6, 2);
        switch (B(11, 10)) {
        case 0: return enc_i(OPC_OP_IMM, rdp, 5, rdp, shamt);        /* c.srli */
        case 1: return enc_i(OPC_OP_IMM, rdp, 5, rdp, shamt | 0x400); /* c.srai */
        case 2: return enc_i(OPC_OP_IMM, rdp, 7, rdp, imm6);         /* c.andi */
        default: {
            unsigned f = B(6, 5);
            if (!B(12, 12)) {
                static const unsigned f3[4] = {0, 4, 6, 7};
                return enc_r(OPC_OP, rdp, f3[f], rdp, rs2p, f == 0 ? 0x20 : 0);
            }
            if (f == 0) return enc_r(OPC_OP32, rdp, 0, rdp, rs2p, 0x20);  /* c.subw */
            if (f == 1) return enc_r(OPC_OP32, rdp, 0, rdp, rs2p, 0);     /* c.addw */
            return 0;
        }
        }
    }
    case 5: {                                                        /* c.j */
        int32_t imm = (int32_t)sext((B(12, 12) << 11) | (B(11, 11) << 4) | (B(10, 9) << 8) |
                                    (B(8, 8) << 10) | (B(7, 7) << 6) | (B(6, 6) << 7) |
                                    (B(5, 3) << 1) | (B(2, 2) << 5), 12);
        return enc_j(0, imm);
    }
    default: {                                                       /* c.beqz, c.bnez */
        int32_t imm = (int32_t)sext((B(12, 12) << 8) | (B(11, 10) << 3) | (B(6, 5) << 6) |
                                    (B(4, 3) << 1) | (B(2, 2) << 5), 9);
        return enc_b(B(15, 13) == 6 ? 0 : 1, rdp, 0, imm);
    }
    }
}

static uint32_t q2(uint16_t c)
{
    unsigned rd = B(11, 7), rs2 = B(6, 2);
    switch (B(15, 13)) {
    case 0: return enc_i(OPC_OP_IMM, rd, 1, rd, (B(12, 12) << 5) | B(6, 2));  /* c.slli */
    case 1: return enc_i(OPC_LOAD_FP, rd, 3, 2,
                         (B(12, 12) << 5) | (B(6, 5) << 3) | (B(4, 2) << 6));  /* c.fldsp */
    case 2:
        if (rd == 0)
            return 0;
        return enc_i(OPC_LOAD, rd, 2, 2, (B(12, 12) << 5) | (B(6, 4) << 2) | (B(3, 2) << 6));
    case 3:
        if (rd == 0)
            return 0;
        return enc_i(OPC_LOAD, rd, 3, 2, (B(12, 12) << 5) | (B(6, 5) << 3) | (B(4, 2) << 6));
    case 4:
        if (!B(12, 12)) {
            if (rs2 == 0) {
                if (rd == 0)
                    return 0;
                return enc_i(OPC_JALR, 0, 0, rd, 0);                 /* c.jr */
            }
            return enc_r(OPC_OP, rd, 0, 0, rs2, 0);                  /* c.mv */
        }
        if (rs2 == 0) {
            if (rd == 0)
                return 0x00100073;                                   /* c.ebreak */
            return enc_i(OPC_JALR, 1, 0, rd, 0);                     /* c.jalr */
        }
        return enc_r(OPC_OP, rd, 0, rd, rs2, 0);                     /* c.add */
    case 5: return enc_s(OPC_STORE_FP, 3, 2, rs2, (B(12, 10) << 3) | (B(9, 7) << 6));
    case 6: return enc_s(OPC_STORE, 2, 2, rs2, (B(12, 9) << 2) | (B(8, 7) << 6));
    default: return enc_s(OPC_STORE, 3, 2, rs2, (B(12, 10) << 3) | (B(9, 7) << 6));
    }
}

uint32_t rvc_expand(uint16_t c)
{
    switch (c & 3) {
    case 0: return q0(c);
    case 1: return q1(c);
    case 2: return q2(c);
    default: return 0;
    }
}
