/* RV64C: every compressed encoding of RV64GC, written as explicit c.
 * mnemonics (or .half where the assembler has none): quadrant 0 (addi4spn,
 * fld, lw, ld, fsd, sw, sd), quadrant 1 (nop, addi, addiw, li, addi16sp,
 * lui, srli, srai, andi, sub, xor, or, and, subw, addw, j, beqz, bnez) and
 * quadrant 2 (slli, fldsp, lwsp, ldsp, jr, mv, ebreak, jalr, add, fsdsp,
 * swsp, sdsp), with immediate extremes, c.jalr linking pc+2, HINT
 * encodings executing as no-ops, and reserved encodings trapping as
 * illegal instructions with mtval = the 16-bit instruction (QEMU 7.2). */
#include "test.h"

/* Run one compressed op on a0 (and a1) and check a0. */
#define TEST_C1(init, exp, ...)					\
	li a0, init;						\
	__VA_ARGS__;						\
	CHECK_IMM(a0, exp, #__VA_ARGS__, " with a0=", #init)
#define TEST_C2(init, b, exp, ...)				\
	li a0, init;						\
	li a1, b;						\
	__VA_ARGS__;						\
	CHECK_IMM(a0, exp, #__VA_ARGS__, " with a0=", #init, " a1=", #b)

/* A reserved/illegal 16-bit encoding: traps with cause 2, mtval = bits. */
#define TEST_C_ILLEGAL(bits, desc)				\
	la s1, 9792f;						\
	TRAP_ARM;						\
9792:	.half bits;						\
	TRAP_DISARM;						\
	CHECK_TRAP(COUNT, 1, desc);				\
	CHECK_TRAP(MCAUSE, 2, desc);				\
	CHECK_TRAP(MTVAL, bits, desc);				\
	CHECK_TRAP_REG(MEPC, s1, desc)

TEST_BEGIN("rvc")

	/* ---- quadrant 1: integer ops ---- */
	TEST_C1(5, 5, c.nop)
	TEST_C1(41, 42, c.addi a0, 1)
	TEST_C1(0, -32, c.addi a0, -32)
	TEST_C1(0xffffffffffffffff, 30, c.addi a0, 31)
	TEST_C1(0x7fffffff, 0xffffffff80000000, c.addiw a0, 1)
	TEST_C1(0x12345678f0000000, 0xfffffffff0000000, c.addiw a0, 0)
	TEST_C1(0x100000000, 0xffffffffffffffe0, c.addiw a0, -32)
	TEST_C1(0, 0xffffffffffffffe0, c.li a0, -32)
	TEST_C1(0, 31, c.li a0, 31)
	TEST_C1(99, 0, c.li a0, 0)
	TEST_C1(0, 0x1000, c.lui a0, 1)
	TEST_C1(0, 0x1f000, c.lui a0, 31)
	TEST_C1(0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)
	TEST_C1(0, 0xfffffffffffff000, c.lui a0, 0xfffff)
	TEST_C1(0x8000000000000000, 0x4000000000000000, c.srli a0, 1)
	TEST_C1(0x8000000000000000, 0x80000000, c.srli a0, 32)
	TEST_C1(0x8000000000000000, 1, c.srli a0, 63)
	TEST_C1(0x8000000000000000, 0xc000000000000000, c.srai a0, 1)
	TEST_C1(0x8000000000000000, 0xffffffff80000000, c.srai a0, 32)
	TEST_C1(0x8000000000000000, 0xffffffffffffffff, c.srai a0, 63)
	TEST_C1(0x123456789abcdeff, 0x123456789abcdee0, c.andi a0, -32)
	TEST_C1(0x123456789abcdeff, 0x1f, c.andi a0, 31)
	TEST_C1(-1, 0, c.andi a0, 0)
	TEST_C2(5, 7, -2, c.sub a0, a1)
	TEST_C2(0xff00, 0x0ff0, 0xf0f0, c.xor a0, a1)
	TEST_C2(0xff00, 0x0ff0, 0xfff0, c.or a0, a1)
	TEST_C2(0xff00, 0x0ff0, 0x0f00, c.and a0, a1)
	TEST_C2(0x80000000, 1, 0x7fffffff, c.subw a0, a1)
	TEST_C2(0, 1, 0xffffffffffffffff, c.subw a0, a1)
	TEST_C2(0x7fffffff, 1, 0xffffffff80000000, c.addw a0, a1)
	TEST_C2(0xffffffff00000001, 0x00000000ffffffff, 0, c.addw a0, a1)
	/* quadrant 2 register ops */
	TEST_C1(1, 2, c.slli a0, 1)
	TEST_C1(0xffffffff, 0xffffffff00000000, c.slli a0, 32)
	TEST_C1(3, 0x8000000000000000, c.slli a0, 63)
	TEST_C2(1, 0x123456789abcdef0, 0x123456789abcdef0, c.mv a0, a1)
	TEST_C2(0x7fffffffffffffff, 1, 0x8000000000000000, c.add a0, a1)
	li	t0, 7
	li	t1, 8
	c.add	t0, t1			/* full 5-bit register fields */
	CHECK_IMM(t0, 15, "c.add t0, t1")
	c.mv	s2, t0
	CHECK_IMM(s2, 15, "c.mv s2, t0")
	c.li	t2, -1
	CHECK_IMM(t2, -1, "c.li t2, -1")
	c.addi	s3, 0			/* a HINT (rd != 0, imm 0): no effect */
	c.slli	t2, 4
	CHECK_IMM(t2, -16, "c.slli t2, 4")

	/* ---- stack-pointer forms ---- */
	mv	s2, sp
	c.addi16sp sp, -512
	sub	a0, s2, sp
	CHECK_IMM(a0, 512, "c.addi16sp sp, -512")
	c.addi16sp sp, 496
	sub	a0, s2, sp
	CHECK_IMM(a0, 16, "c.addi16sp sp, 496")
	c.addi16sp sp, 16
	CHECK_EQ(sp, s2, "c.addi16sp sp, 16")
	c.addi4spn a0, sp, 4
	addi	a1, sp, 4
	CHECK_EQ(a0, a1, "c.addi4spn a0, sp, 4")
	c.addi4spn a5, sp, 1020
	addi	a1, sp, 1020
	CHECK_EQ(a5, a1, "c.addi4spn a5, sp, 1020")

	/* loads and stores relative to sp, into a 512-byte stack frame */
	addi	sp, sp, -512
	li	a1, 0x8877665544332211
	sd	a1, 504(sp)
	sd	a1, 0(sp)
	li	a1, 0x00000000f0e0d0c0
	sd	a1, 248(sp)
	c.ldsp	a0, 504(sp)
	CHECK_IMM(a0, 0x8877665544332211, "c.ldsp 504(sp)")
	c.ldsp	ra, 0(sp)
	CHECK_IMM(ra, 0x8877665544332211, "c.ldsp ra, 0(sp)")
	c.lwsp	a0, 248(sp)
	CHECK_IMM(a0, 0xfffffffff0e0d0c0, "c.lwsp sign-extends")
	c.lwsp	a0, 252(sp)
	CHECK_IMM(a0, 0, "c.lwsp 252(sp)")
	c.lwsp	t3, 4(sp)
	CHECK_IMM(t3, 0xffffffff88776655, "c.lwsp t3, 4(sp)")
	li	a0, 0x0123456789abcdef
	c.sdsp	a0, 8(sp)
	ld	a1, 8(sp)
	CHECK_IMM(a1, 0x0123456789abcdef, "c.sdsp 8(sp)")
	c.sdsp	a0, 496(sp)
	ld	a1, 496(sp)
	CHECK_IMM(a1, 0x0123456789abcdef, "c.sdsp 496(sp)")
	li	a0, -1
	sd	zero, 16(sp)
	c.swsp	a0, 20(sp)
	ld	a1, 16(sp)
	CHECK_IMM(a1, 0xffffffff00000000, "c.swsp 20(sp)")
	c.swsp	a0, 252(sp)
	lwu	a1, 252(sp)
	CHECK_IMM(a1, 0xffffffff, "c.swsp 252(sp)")
	li	a0, 0x400921fb54442d18	/* pi */
	sd	a0, 496(sp)
	c.fldsp	f1, 496(sp)
	fmv.x.d	a1, f1
	CHECK_IMM(a1, 0x400921fb54442d18, "c.fldsp f1, 496(sp)")
	c.fsdsp	f1, 24(sp)
	ld	a1, 24(sp)
	CHECK_IMM(a1, 0x400921fb54442d18, "c.fsdsp f1, 24(sp)")
	c.fldsp	f31, 0(sp)
	c.fsdsp	f31, 504(sp)
	ld	a1, 504(sp)
	CHECK_IMM(a1, 0x8877665544332211, "c.fldsp/c.fsdsp f31")
	addi	sp, sp, 512

	/* ---- register-based loads and stores (x8-x15, f8-f15) ---- */
	la	s0, cbuf
	li	a1, 0xfedcba9876543210
	sd	a1, 0(s0)
	sd	a1, 248(s0)
	sw	a1, 124(s0)
	c.ld	a0, 0(s0)
	CHECK_IMM(a0, 0xfedcba9876543210, "c.ld 0(s0)")
	c.ld	a5, 248(s0)
	CHECK_IMM(a5, 0xfedcba9876543210, "c.ld 248(s0)")
	c.lw	a0, 4(s0)
	CHECK_IMM(a0, 0xfffffffffedcba98, "c.lw sign-extends")
	c.lw	a2, 124(s0)
	CHECK_IMM(a2, 0x76543210, "c.lw 124(s0)")
	li	a0, 0x1122334455667788
	c.sd	a0, 8(s0)
	ld	a1, 8(s0)
	CHECK_IMM(a1, 0x1122334455667788, "c.sd 8(s0)")
	c.sd	a0, 240(s0)
	ld	a1, 240(s0)
	CHECK_IMM(a1, 0x1122334455667788, "c.sd 240(s0)")
	sd	zero, 16(s0)
	c.sw	a0, 16(s0)
	ld	a1, 16(s0)
	CHECK_IMM(a1, 0x55667788, "c.sw 16(s0)")
	c.sw	a0, 120(s0)
	lwu	a1, 120(s0)
	CHECK_IMM(a1, 0x55667788, "c.sw 120(s0)")
	mv	s1, s0
	c.fld	f8, 0(s1)
	fmv.x.d	a1, f8
	CHECK_IMM(a1, 0xfedcba9876543210, "c.fld f8, 0(s1)")
	c.fsd	f8, 232(s1)
	ld	a1, 232(s1)
	CHECK_IMM(a1, 0xfedcba9876543210, "c.fsd f8, 232(s1)")
	c.fld	f15, 8(s1)
	c.fsd	f15, 24(s1)
	ld	a1, 24(s1)
	CHECK_IMM(a1, 0x1122334455667788, "c.fld/c.fsd f15")

	/* ---- control transfer ---- */
	li	a0, 0
	c.j	1f
	li	a0, 1
1:	CHECK_IMM(a0, 0, "c.j forward")
	li	a0, 3
	li	a1, 0
2:	c.addi	a1, 1
	c.addi	a0, -1
	c.bnez	a0, 2b
	CHECK_IMM(a1, 3, "c.bnez backward loop")
	li	a0, 0
	li	a1, 0
	c.beqz	a0, 3f
	li	a1, 1
3:	CHECK_IMM(a1, 0, "c.beqz taken")
	li	a0, 0x100000000		/* only zero counts, all 64 bits */
	li	a1, 0
	c.beqz	a0, 4f
	li	a1, 1
4:	CHECK_IMM(a1, 1, "c.beqz a0=2^32 not taken")
	li	a0, 0
	li	a1, 0
	c.bnez	a0, 5f
	li	a1, 1
5:	CHECK_IMM(a1, 1, "c.bnez a0=0 not taken")
	/* c.jr: no link */
	la	t0, 6f
	li	ra, 0x55
	c.jr	t0
	TEST_FAIL_HERE("c.jr fell through")
6:	CHECK_IMM(ra, 0x55, "c.jr leaves ra alone")
	/* c.jalr: ra = pc + 2 */
	la	t0, 7f
8:	c.jalr	t0
	TEST_FAIL_HERE("c.jalr fell through")
7:	la	a1, 8b
	addi	a1, a1, 2
	CHECK_EQ(ra, a1, "c.jalr links pc+2")
	/* c.jalr ra: the target is read before ra is written */
	la	ra, 9f
10:	c.jalr	ra
	TEST_FAIL_HERE("c.jalr ra fell through")
9:	la	a1, 10b
	addi	a1, a1, 2
	CHECK_EQ(ra, a1, "c.jalr ra links pc+2")
	/* c.jr to an odd address: bit 0 cleared */
	la	t0, 11f
	addi	t0, t0, 1
	c.jr	t0
	TEST_FAIL_HERE("c.jr odd fell through")
11:	addi	s11, s11, 1
	/* a longer c.j (about 2000 bytes, near the +-2 KiB limit) */
	c.j	12f
	.fill	1000, 2, 0x9002		/* c.ebreak: never executed */
12:	addi	s11, s11, 1
	/* a c.beqz near its +-256 byte limit */
	li	a0, 0
	c.beqz	a0, 13f
	.fill	120, 2, 0x9002
13:	addi	s11, s11, 1

	/* ---- c.ebreak: cause 3, mepc at it, resumes 2 bytes later ---- */
	la	s1, 14f
	TRAP_ARM
14:	c.ebreak
	TRAP_DISARM
	CHECK_TRAP(COUNT, 1, "c.ebreak")
	CHECK_TRAP(MCAUSE, 3, "c.ebreak")
	CHECK_TRAP_REG(MEPC, s1, "c.ebreak")

	/* ---- HINT encodings execute as no-ops ---- */
	li	a0, 0x77
	TRAP_ARM
	.half	0x0015			/* c.nop with imm 5 */
	.half	0x4015			/* c.li x0, 5 */
	.half	0x6005			/* c.lui x0, 1 */
	.half	0x0006			/* c.slli x0, 1 */
	.half	0x802a			/* c.mv x0, a0 */
	.half	0x902a			/* c.add x0, a0 */
	.half	0x0505			/* c.addi a0, 1 ... not a hint: */
	TRAP_DISARM
	CHECK_TRAP(COUNT, 0, "compressed HINTs do not trap")
	CHECK_IMM(x0, 0, "compressed HINTs leave x0 zero")
	CHECK_IMM(a0, 0x78, "c.addi after the HINTs")

	/* ---- reserved encodings ---- */
	TEST_C_ILLEGAL(0x0000, "all-zero instruction")
	TEST_C_ILLEGAL(0x0004, "c.addi4spn with imm 0")
	TEST_C_ILLEGAL(0x6081, "c.lui x1, 0")
	TEST_C_ILLEGAL(0x6101, "c.addi16sp with imm 0")
	TEST_C_ILLEGAL(0x2001, "c.addiw x0")
	TEST_C_ILLEGAL(0x8002, "c.jr x0")
	TEST_C_ILLEGAL(0x4002, "c.lwsp x0")
	TEST_C_ILLEGAL(0x6002, "c.ldsp x0")
	TEST_C_ILLEGAL(0x9d4d, "quadrant 1 reserved (funct2=10 after subw/addw)")
	TEST_C_ILLEGAL(0x9d6d, "quadrant 1 reserved (funct2=11 after subw/addw)")
	TEST_C_ILLEGAL(0x8000, "quadrant 0 reserved funct3=100")

TEST_END

	.data
	.balign	8
cbuf:	.space	256
