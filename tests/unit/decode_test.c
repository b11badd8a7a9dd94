/* Unit tests for the decoder: every RV64C form expands to the 32-bit
 * instruction the GNU assembler produces for it, reserved compressed
 * encodings are rejected, and 32-bit fields and immediates decode right. */
#include "emu/cpu/decode.h"
#include "unit.h"
#include "util.h"

#include <string.h>

/* {compressed, 32-bit equivalent} pairs, both assembled by GNU as. */
static const struct { uint16_t c; uint32_t full; const char *src; } rvc_vectors[] = {
    {0x1fe0, 0x3fc10413, "c.addi4spn s0, sp, 1020"},
    {0x3de8, 0x0f85b507, "c.fld fa0, 248(a1)"},
    {0x5ef0, 0x07c6a603, "c.lw a2, 124(a3)"},
    {0x7ff8, 0x0f87b703, "c.ld a4, 248(a5)"},
    {0xa404, 0x00943427, "c.fsd fs1, 8(s0)"},
    {0xc124, 0x04952023, "c.sw s1, 64(a0)"},
    {0xe31c, 0x00f73023, "c.sd a5, 0(a4)"},
    {0x0001, 0x00000013, "c.nop"},
    {0x1281, 0xfe028293, "c.addi t0, -32"},
    {0x257d, 0x01f5051b, "c.addiw a0, 31"},
    {0x5ffd, 0xfff00f93, "c.li t6, -1"},
    {0x7101, 0xe0010113, "c.addi16sp sp, -512"},
    {0x617d, 0x1f010113, "c.addi16sp sp, 496"},
    {0x7901, 0xfffe0937, "c.lui s2, 0xfffe0"},
    {0x6305, 0x00001337, "c.lui t1, 1"},
    {0x917d, 0x03f55513, "c.srli a0, 63"},
    {0x8585, 0x4015d593, "c.srai a1, 1"},
    {0x9a7d, 0xfff67613, "c.andi a2, -1"},
    {0x8c05, 0x40940433, "c.sub s0, s1"},
    {0x8eb9, 0x00e6c6b3, "c.xor a3, a4"},
    {0x8fc1, 0x0087e7b3, "c.or a5, s0"},
    {0x8ce9, 0x00a4f4b3, "c.and s1, a0"},
    {0x9d91, 0x40c585bb, "c.subw a1, a2"},
    {0x9eb9, 0x00e686bb, "c.addw a3, a4"},
    {0xaffd, 0x7fe0006f, "c.j .+2046"},
    {0xb001, 0x801ff06f, "c.j .-2048"},
    {0xd101, 0xf00500e3, "c.beqz a0, .-256"},
    {0xecfd, 0x0e049f63, "c.bnez s1, .+254"},
    {0x1e7e, 0x03fe1e13, "c.slli t3, 63"},
    {0x30fe, 0x1f813087, "c.fldsp ft1, 504(sp)"},
    {0x50fe, 0x0fc12083, "c.lwsp ra, 252(sp)"},
    {0x7dfe, 0x1f813d83, "c.ldsp s11, 504(sp)"},
    {0x8082, 0x00008067, "c.jr ra"},
    {0x857a, 0x01e00533, "c.mv a0, t5"},
    {0x9002, 0x00100073, "c.ebreak"},
    {0x9382, 0x000380e7, "c.jalr t2"},
    {0x99d2, 0x014989b3, "c.add s3, s4"},
    {0xbfa2, 0x1e813c27, "c.fsdsp fs0, 504(sp)"},
    {0xdff6, 0x0fd12e23, "c.swsp t4, 252(sp)"},
    {0xffc2, 0x1f013c23, "c.sdsp a6, 504(sp)"},
};

static void test_rvc(void)
{
    for (unsigned i = 0; i < ARRAY_SIZE(rvc_vectors); i++) {
        uint32_t got = rvc_expand(rvc_vectors[i].c);
        CHECK(got == rvc_vectors[i].full, "%s: 0x%04x expanded to 0x%08x, expected 0x%08x",
              rvc_vectors[i].src, rvc_vectors[i].c, got, rvc_vectors[i].full);
    }
    static const uint16_t reserved[] = {
        0x0000,  /* all zeros: illegal */
        0x8000,  /* quadrant 0, funct3 100 */
        0x2001,  /* c.addiw with rd = 0 */
        0x6001 | (5 << 7),  /* c.lui t0, 0 */
        0x6101,  /* c.addi16sp with imm 0 */
        0x4002,  /* c.lwsp with rd = 0 */
        0x6002,  /* c.ldsp with rd = 0 */
        0x8002,  /* c.jr with rs1 = 0 */
        0x9c41 | (1 << 5),  /* funct 12=1, f=10 (reserved) */
    };
    for (unsigned i = 0; i < ARRAY_SIZE(reserved); i++)
        CHECK(rvc_expand(reserved[i]) == 0, "reserved 0x%04x expanded to 0x%08x",
              reserved[i], rvc_expand(reserved[i]));
}

static void test_decode32(void)
{
    struct insn d;
    /* addi a0, a1, -2048 */
    decode(0x80058513, &d);
    CHECK(d.op == OP_ADDI && d.rd == 10 && d.rs1 == 11 && d.imm == -2048 && d.len == 4,
          "addi decoded as %s rd=%u rs1=%u imm=%lld", op_name(d.op), d.rd, d.rs1, (long long)d.imm);
    /* sd s0, -8(sp) */
    decode(0xfe813c23, &d);
    CHECK(d.op == OP_SD && d.rs1 == 2 && d.rs2 == 8 && d.imm == -8, "sd imm %lld", (long long)d.imm);
    /* beq a0, a1, -4096 (most negative B immediate) */
    decode(0x80b50063, &d);
    CHECK(d.op == OP_BEQ && d.imm == -4096, "beq imm %lld", (long long)d.imm);
    /* jal ra, +0xffffe (largest J immediate) */
    decode(0x7ffff0ef, &d);
    CHECK(d.op == OP_JAL && d.rd == 1 && d.imm == 0xffffe, "jal imm 0x%llx", (long long)d.imm);
    /* lui t0, 0x80000 sign-extends */
    decode(0x800002b7, &d);
    CHECK(d.op == OP_LI && d.imm == (int64_t)0xffffffff80000000LL, "lui imm 0x%llx", (long long)d.imm);
    /* auipc is pc-relative */
    decode(0x00001517, &d);
    CHECK(d.op == OP_LI && (d.cls & INSN_PCREL) && d.imm == 0x1000, "auipc");
    /* srai a0, a0, 63 and an illegal shift amount pattern */
    decode(0x43f55513, &d);
    CHECK(d.op == OP_SRAI && d.imm == 63, "srai shamt %lld", (long long)d.imm);
    decode(0x83f55513, &d);
    CHECK(d.op == OP_ILLEGAL, "bad srai funct6 decoded as %s", op_name(d.op));
    /* fmadd.d fa0, fa1, fa2, fa3, rtz */
    decode(0x6ac59543, &d);
    CHECK(d.op == OP_FMADD_D && d.rs3 == 13 && d.rm == 1, "fmadd.d rs3=%u rm=%u", d.rs3, d.rm);
    /* fadd.s with reserved rm 5 is illegal */
    decode(0x00b5d553, &d);
    CHECK(d.op == OP_ILLEGAL, "fadd.s rm=5 decoded as %s", op_name(d.op));
    /* csrrs a0, mstatus, x0 reads only: does not end the block */
    decode(0x30002573, &d);
    CHECK(d.op == OP_CSRRS && d.imm == 0x300 && !(d.cls & INSN_ENDS_BLOCK), "csrr");
    decode(0x30051073, &d);   /* csrw mstatus, a0 */
    CHECK(d.op == OP_CSRRW && (d.cls & INSN_ENDS_BLOCK), "csrw ends the block");
    /* amoadd.d.aqrl a0, a1, (a2) */
    decode(0x06b6352f, &d);
    CHECK(d.op == OP_AMOADD_D && d.rd == 10 && d.rs1 == 12 && d.rs2 == 11, "amoadd.d");
    /* lr.w with rs2 != 0 is reserved */
    decode(0x1015252f, &d);
    CHECK(d.op == OP_ILLEGAL, "lr.w rs2!=0 decoded as %s", op_name(d.op));
    /* all ones and all zeros are illegal */
    decode(0xffffffff, &d);
    CHECK(d.op == OP_ILLEGAL, "0xffffffff");
    decode(0x00000000, &d);
    CHECK(d.op == OP_ILLEGAL && d.len == 2, "0x0 decoded as %s len %u", op_name(d.op), d.len);
    CHECK(strcmp(op_name(OP_FCVT_W_D), "fcvt.w.d") == 0, "op_name %s", op_name(OP_FCVT_W_D));
}

int main(void)
{
    test_rvc();
    test_decode32();
    return unit_done("decode_test");
}
