/* RV64I integer computation: register-register and immediate ALU ops,
 * shifts (amounts 0/1/31/32/63 and the masking of the amount), the *W forms
 * and their sign extension, lui/auipc sign extension, slt/sltu, and writes
 * to x0.  Expected values are hand-derived from the ISA manual. */
#include "test.h"

TEST_BEGIN("rv64i_alu")

	/* ---- add / sub / addi ---- */
	TEST_RR(add, 0, 0, 0)
	TEST_RR(add, 1, 1, 2)
	TEST_RR(add, 3, -7, -4)
	TEST_RR(add, 0x7fffffffffffffff, 1, 0x8000000000000000)
	TEST_RR(add, -1, 1, 0)
	TEST_RR(add, 0xffffffff, 1, 0x100000000)
	TEST_RR(add, 0x8000000000000000, 0x8000000000000000, 0)
	TEST_RR(sub, 0, 0, 0)
	TEST_RR(sub, 5, 7, -2)
	TEST_RR(sub, 0, 1, 0xffffffffffffffff)
	TEST_RR(sub, 0x8000000000000000, 1, 0x7fffffffffffffff)
	TEST_RR(sub, 0x100000000, 1, 0xffffffff)
	TEST_RI(addi, 0, 0, 0)
	TEST_RI(addi, 1, 2047, 2048)
	TEST_RI(addi, 1, -2048, -2047)
	TEST_RI(addi, 0x7fffffffffffffff, 1, 0x8000000000000000)
	TEST_RI(addi, 0xffffffff, 1, 0x100000000)
	TEST_RI(addi, 0, -1, 0xffffffffffffffff)

	/* ---- logic ---- */
	TEST_RR(and, 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f, 0x0f000f000f000f00)
	TEST_RR(or,  0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f, 0xff0fff0fff0fff0f)
	TEST_RR(xor, 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f, 0xf00ff00ff00ff00f)
	TEST_RR(xor, -1, 0x123456789abcdef0, 0xedcba9876543210f)
	/* 12-bit immediates are sign-extended before the logic op. */
	TEST_RI(andi, 0xff00ff00ff00ff00, 0x0f0, 0x0000000000000000)
	TEST_RI(andi, 0x123456789abcdef0, -1, 0x123456789abcdef0)
	TEST_RI(andi, 0x123456789abcdef0, -2048, 0x123456789abcd800)
	TEST_RI(andi, 0x123456789abcdef0, 0x7ff, 0x6f0)
	TEST_RI(ori, 0, -2048, 0xfffffffffffff800)
	TEST_RI(ori, 0x1000000000000000, 0x7ff, 0x10000000000007ff)
	TEST_RI(xori, 0x00ff00ff00ff00ff, -1, 0xff00ff00ff00ff00)
	TEST_RI(xori, 0x00ff00ff00ff00ff, 0x70f, 0x00ff00ff00ff07f0)

	/* ---- slt / sltu / slti / sltiu ---- */
	TEST_RR(slt, 0, 0, 0)
	TEST_RR(slt, -1, 0, 1)
	TEST_RR(slt, 0, -1, 0)
	TEST_RR(slt, 0x8000000000000000, 0x7fffffffffffffff, 1)
	TEST_RR(slt, 0x7fffffffffffffff, 0x8000000000000000, 0)
	TEST_RR(slt, 0xffffffff, 0x100000000, 1)
	TEST_RR(sltu, 0, 0, 0)
	TEST_RR(sltu, -1, 0, 0)
	TEST_RR(sltu, 0, -1, 1)
	TEST_RR(sltu, 0x8000000000000000, 0x7fffffffffffffff, 0)
	TEST_RR(sltu, 0x7fffffffffffffff, 0x8000000000000000, 1)
	TEST_RR(sltu, 0xfffffffffffffffe, 0xffffffffffffffff, 1)
	TEST_RI(slti, -1, 0, 1)
	TEST_RI(slti, 0, -1, 0)
	TEST_RI(slti, -2049, -2048, 1)
	TEST_RI(slti, 2047, 2047, 0)
	TEST_RI(slti, 0x8000000000000000, -2048, 1)
	/* sltiu compares against the sign-extended immediate as unsigned:
	 * sltiu rd, rs, -1 is "rs != all-ones", sltiu rd, rs, 1 is seqz. */
	TEST_RI(sltiu, 0, 1, 1)
	TEST_RI(sltiu, 5, 1, 0)
	TEST_RI(sltiu, 0xfffffffffffffffe, -1, 1)
	TEST_RI(sltiu, 0xffffffffffffffff, -1, 0)
	TEST_RI(sltiu, 0x7fffffffffffffff, -2048, 1)
	TEST_RI(sltiu, 0xfffffffffffff800, -2048, 0)

	/* ---- 64-bit shifts: only shamt[5:0] of rs2 counts ---- */
	TEST_RR(sll, 1, 0, 1)
	TEST_RR(sll, 1, 1, 2)
	TEST_RR(sll, 1, 31, 0x80000000)
	TEST_RR(sll, 1, 32, 0x100000000)
	TEST_RR(sll, 1, 63, 0x8000000000000000)
	TEST_RR(sll, 3, 63, 0x8000000000000000)
	TEST_RR(sll, 1, 64, 1)
	TEST_RR(sll, 1, 0xffffffffffffffc1, 2)
	TEST_RR(sll, 0x123456789abcdef0, 4, 0x23456789abcdef00)
	TEST_RR(srl, 0x8000000000000000, 0, 0x8000000000000000)
	TEST_RR(srl, 0x8000000000000000, 1, 0x4000000000000000)
	TEST_RR(srl, 0x8000000000000000, 31, 0x100000000)
	TEST_RR(srl, 0x8000000000000000, 32, 0x80000000)
	TEST_RR(srl, 0x8000000000000000, 63, 1)
	TEST_RR(srl, 0xffffffffffffffff, 127, 1)
	TEST_RR(sra, 0x8000000000000000, 0, 0x8000000000000000)
	TEST_RR(sra, 0x8000000000000000, 1, 0xc000000000000000)
	TEST_RR(sra, 0x8000000000000000, 31, 0xffffffff00000000)
	TEST_RR(sra, 0x8000000000000000, 32, 0xffffffff80000000)
	TEST_RR(sra, 0x8000000000000000, 63, 0xffffffffffffffff)
	TEST_RR(sra, 0x7fffffffffffffff, 63, 0)
	TEST_RR(sra, 0x7fffffffffffffff, 62, 1)
	TEST_RR(sra, -16, 0xffffffffffffff42, -4)
	TEST_RI(slli, 1, 0, 1)
	TEST_RI(slli, 1, 31, 0x80000000)
	TEST_RI(slli, 1, 32, 0x100000000)
	TEST_RI(slli, 1, 63, 0x8000000000000000)
	TEST_RI(slli, 0xffffffff, 32, 0xffffffff00000000)
	TEST_RI(srli, 0xffffffffffffffff, 0, 0xffffffffffffffff)
	TEST_RI(srli, 0xffffffffffffffff, 31, 0x1ffffffff)
	TEST_RI(srli, 0xffffffffffffffff, 32, 0xffffffff)
	TEST_RI(srli, 0xffffffffffffffff, 63, 1)
	TEST_RI(srai, 0x8000000000000000, 31, 0xffffffff00000000)
	TEST_RI(srai, 0x8000000000000000, 32, 0xffffffff80000000)
	TEST_RI(srai, 0x8000000000000000, 63, 0xffffffffffffffff)
	TEST_RI(srai, 0x4000000000000000, 62, 1)
	TEST_RI(srai, 0x00000000ffffffff, 31, 1)

	/* ---- *W forms: 32-bit result, sign-extended to 64 ---- */
	TEST_RR(addw, 0x7fffffff, 1, 0xffffffff80000000)
	TEST_RR(addw, 0xffffffff, 1, 0)
	TEST_RR(addw, 0x123456780000000f, 0x9abcdef000000001, 0x10)
	TEST_RR(addw, 0x80000000, 0x80000000, 0)
	TEST_RR(addw, 0xfffffffe, 0, 0xfffffffffffffffe)
	TEST_RR(subw, 0, 1, 0xffffffffffffffff)
	TEST_RR(subw, 0x80000000, 1, 0x7fffffff)
	TEST_RR(subw, 0x100000000, 0, 0)
	TEST_RR(subw, 0x7fffffff, -1, 0xffffffff80000000)
	TEST_RI(addiw, 0x7fffffff, 1, 0xffffffff80000000)
	TEST_RI(addiw, 0xffffffff80000000, -1, 0x7fffffff)
	TEST_RI(addiw, 0x12345678ffffffff, 0, 0xffffffffffffffff)
	/* addiw rd, rs, 0 is sext.w */
	TEST_RI(addiw, 0x0000000080000000, 0, 0xffffffff80000000)
	TEST_RI(addiw, 0xffffffff7fffffff, 0, 0x7fffffff)
	TEST_RI(addiw, 0, -2048, 0xfffffffffffff800)
	/* Word shifts use shamt[4:0] and operate on the low 32 bits. */
	TEST_RR(sllw, 1, 31, 0xffffffff80000000)
	TEST_RR(sllw, 1, 32, 1)
	TEST_RR(sllw, 1, 63, 0xffffffff80000000)
	TEST_RR(sllw, 0xffffffff00000001, 1, 2)
	TEST_RR(sllw, 0x40000000, 1, 0xffffffff80000000)
	TEST_RR(srlw, 0xffffffff80000000, 0, 0xffffffff80000000)
	TEST_RR(srlw, 0xffffffff80000000, 1, 0x40000000)
	TEST_RR(srlw, 0xffffffff80000000, 31, 1)
	TEST_RR(srlw, 0xffffffff80000000, 32, 0xffffffff80000000)
	TEST_RR(srlw, 0x00000000ffffffff, 0, 0xffffffffffffffff)
	TEST_RR(srlw, 0x123456789abcdef0, 4, 0x09abcdef)
	TEST_RR(sraw, 0x80000000, 0, 0xffffffff80000000)
	TEST_RR(sraw, 0x80000000, 1, 0xffffffffc0000000)
	TEST_RR(sraw, 0x80000000, 31, 0xffffffffffffffff)
	TEST_RR(sraw, 0x80000000, 32, 0xffffffff80000000)
	TEST_RR(sraw, 0x7fffffff00000000, 4, 0)
	TEST_RR(sraw, 0x000000007fffffff, 30, 1)
	TEST_RI(slliw, 1, 31, 0xffffffff80000000)
	TEST_RI(slliw, 0xffffffff, 0, 0xffffffffffffffff)
	TEST_RI(slliw, 0x00000000ffff8000, 16, 0xffffffff80000000)
	TEST_RI(srliw, 0xffffffff80000000, 31, 1)
	TEST_RI(srliw, 0xffffffff80000000, 0, 0xffffffff80000000)
	TEST_RI(srliw, 0xffffffffffffffff, 1, 0x7fffffff)
	TEST_RI(sraiw, 0x80000000, 31, 0xffffffffffffffff)
	TEST_RI(sraiw, 0x80000000, 0, 0xffffffff80000000)
	TEST_RI(sraiw, 0x00000000ffffffff, 4, 0xffffffffffffffff)
	TEST_RI(sraiw, 0xffffffff7fffffff, 16, 0x7fff)

	/* ---- lui / auipc ---- */
	lui	a0, 0x80000
	CHECK_IMM(a0, 0xffffffff80000000, "lui 0x80000")
	lui	a0, 0x7ffff
	CHECK_IMM(a0, 0x7ffff000, "lui 0x7ffff")
	lui	a0, 0xfffff
	CHECK_IMM(a0, 0xfffffffffffff000, "lui 0xfffff")
	lui	a0, 0
	CHECK_IMM(a0, 0, "lui 0")
	lui	a0, 1
	CHECK_IMM(a0, 0x1000, "lui 1")
	/* auipc adds the sign-extended U-immediate to its own pc.  We run at
	 * 0x8000xxxx, so auipc 0x80000 gives pc - 2^31 = 0x0000xxxx. */
1:	auipc	a0, 0
	la	a1, 1b
	CHECK_EQ(a0, a1, "auipc 0")
2:	auipc	a0, 0x80000
	la	a1, 2b
	li	a2, 0xffffffff80000000
	add	a1, a1, a2
	CHECK_EQ(a0, a1, "auipc 0x80000 (sign-extended)")
	srli	a1, a0, 32
	CHECK_IMM(a1, 0, "auipc 0x80000 high bits")
3:	auipc	a0, 0x7ffff
	la	a1, 3b
	li	a2, 0x7ffff000
	add	a1, a1, a2
	CHECK_EQ(a0, a1, "auipc 0x7ffff")
4:	auipc	a0, 0xfffff
	la	a1, 4b
	addi	a1, a1, -2048
	addi	a1, a1, -2048
	CHECK_EQ(a0, a1, "auipc 0xfffff")

	/* ---- x0 is hard-wired to zero ---- */
	li	a1, 123
	add	x0, a1, a1
	CHECK_IMM(x0, 0, "add x0 (write ignored)")
	addi	x0, x0, 5
	mv	a0, x0
	CHECK_IMM(a0, 0, "addi x0 (write ignored)")
	lui	x0, 0x12345
	CHECK_IMM(x0, 0, "lui x0 (write ignored)")
	sub	a0, x0, a1
	CHECK_IMM(a0, -123, "sub from x0")

	/* ---- register aliasing: rd == rs1 == rs2 ---- */
	li	a0, 21
	add	a0, a0, a0
	CHECK_IMM(a0, 42, "add rd=rs1=rs2")
	li	a0, 0x55
	xor	a0, a0, a0
	CHECK_IMM(a0, 0, "xor rd=rs1=rs2")
	li	a0, 3
	sll	a0, a0, a0
	CHECK_IMM(a0, 24, "sll rd=rs1=rs2")
	li	a0, -1
	sltu	a0, a0, a0
	CHECK_IMM(a0, 0, "sltu rd=rs1=rs2")
	li	a0, 0x7fffffff
	addw	a0, a0, a0
	CHECK_IMM(a0, 0xfffffffffffffffe, "addw rd=rs1=rs2")

TEST_END
