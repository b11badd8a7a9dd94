/* Zifencei and self-modifying code.  Stores to instruction memory become
 * visible to instruction fetch after fence.i: (1) a data-page buffer is
 * filled with instructions, executed, rewritten and executed again; (2) a
 * loop rewrites and runs the buffer 100 times; (3) code on the same page as
 * the patching loop is patched, including the instruction right after the
 * fence.i and an instruction of the loop body itself; (4) instruction
 * boundaries change (a 32-bit instruction replaced by two 16-bit ones);
 * (5) a function is copied from .text and run from the copy.  Encodings
 * are built from their fields here, not copied from an assembler. */
#include "test.h"

/* I-type and compressed encodings, from the ISA manual's formats. */
#define ENC_ADDI(rd, rs1, imm) \
	((((imm) & 0xfff) << 20) | ((rs1) << 15) | (0 << 12) | ((rd) << 7) | 0x13)
#define ENC_RET		0x00008067	/* jalr x0, 0(x1) */
#define ENC_C_LI(rd, imm) \
	((2 << 13) | ((((imm) >> 5) & 1) << 12) | ((rd) << 7) | (((imm) & 0x1f) << 2) | 1)
#define ENC_C_ADDI(rd, imm) \
	((0 << 13) | ((((imm) >> 5) & 1) << 12) | ((rd) << 7) | (((imm) & 0x1f) << 2) | 1)
#define ENC_C_JR_RA	0x8082		/* c.jr ra */
#define A0 10

TEST_BEGIN("fencei")

	/* the encoders agree with the assembler on a few instructions */
	la	a1, enc_ref
	lwu	a0, 0(a1)
	CHECK_IMM(a0, ENC_ADDI(A0, 0, 42), "ENC_ADDI(a0, zero, 42)")
	lwu	a0, 4(a1)
	CHECK_IMM(a0, ENC_ADDI(A0, A0, -1), "ENC_ADDI(a0, a0, -1)")
	lhu	a0, 8(a1)
	CHECK_IMM(a0, ENC_C_LI(A0, -3), "ENC_C_LI(a0, -3)")
	lhu	a0, 10(a1)
	CHECK_IMM(a0, ENC_C_ADDI(A0, 7), "ENC_C_ADDI(a0, 7)")

	/* (1) write, run, rewrite, run */
	la	s0, codebuf
	li	a1, ENC_ADDI(A0, 0, 42)
	sw	a1, 0(s0)
	li	a1, ENC_RET
	sw	a1, 4(s0)
	fence.i
	li	a0, 0
	jalr	ra, 0(s0)
	CHECK_IMM(a0, 42, "generated code, first version")
	li	a1, ENC_ADDI(A0, 0, -99)
	sw	a1, 0(s0)
	fence.i
	li	a0, 0
	jalr	ra, 0(s0)
	CHECK_IMM(a0, -99, "generated code, rewritten")
	/* rewrite the second instruction too: addi a0, a0, 5; ret */
	li	a1, ENC_ADDI(A0, A0, 5)
	sw	a1, 4(s0)
	li	a1, ENC_RET
	sw	a1, 8(s0)
	fence.i
	jalr	ra, 0(s0)
	CHECK_IMM(a0, -94, "generated code, second instruction rewritten")

	/* (2) rewrite and run 100 times: sum of 0..99 */
	li	s1, 0			/* i */
	li	s2, 0			/* sum */
	li	s3, 100
	li	a1, ENC_RET
	sw	a1, 4(s0)
1:	slli	a1, s1, 20		/* addi a0, zero, i */
	li	a2, ENC_ADDI(A0, 0, 0)
	or	a1, a1, a2
	sw	a1, 0(s0)
	fence.i
	jalr	ra, 0(s0)
	add	s2, s2, a0
	addi	s1, s1, 1
	bne	s1, s3, 1b
	CHECK_IMM(s2, 4950, "100 rewrites of generated code")

	/* (3a) patch a function on the same page as this loop (no
	 * compression or relaxation here: the patched words must be the
	 * 32-bit instructions written below) */
	.option	push
	.option	norelax
	.option	norvc
	la	s4, patchme
	li	s1, 0
	li	s2, 0
2:	lwu	a1, 0(s4)
	li	a2, 0x000fffff		/* keep all but the immediate */
	and	a1, a1, a2
	slli	a2, s1, 20
	or	a1, a1, a2
	sw	a1, 0(s4)		/* patchme: addi a0, a0, i */
	fence.i
	li	a0, 1000
	call	patchme
	add	s2, s2, a0
	addi	s1, s1, 1
	bne	s1, s3, 2b
	/* sum of (1000 + i) for i in 0..99 = 100000 + 4950 */
	CHECK_IMM(s2, 104950, "patching a function on the code page")
	la	a0, 2b
	srli	a0, a0, 12
	srli	a1, s4, 12
	CHECK_EQ(a0, a1, "patchme is on the patching loop's page")

	/* (3b) patch the instruction right after the fence.i */
	li	s1, 0
	li	s2, 0
	la	s5, 4f
3:	slli	a1, s1, 20
	li	a2, ENC_ADDI(A0, 0, 0)
	or	a1, a1, a2
	sw	a1, 0(s5)
	fence.i
4:	addi	a0, zero, 0		/* becomes addi a0, zero, i */
	add	s2, s2, a0
	addi	s1, s1, 1
	bne	s1, s3, 3b
	CHECK_IMM(s2, 4950, "patching the instruction after fence.i")

	/* (3c) the loop patches its own first instruction, which has
	 * already executed this iteration: it takes effect next time round */
	li	s1, 0
	li	a0, 0
	la	s5, 5f
5:	addi	a0, a0, 1		/* becomes addi a0, a0, s1 */
	addi	s1, s1, 1
	slli	a1, s1, 20
	li	a2, ENC_ADDI(A0, A0, 0)
	or	a1, a1, a2
	sw	a1, 0(s5)
	fence.i
	bne	s1, s3, 5b
	/* 1 + (1 + 2 + ... + 99) = 4951 */
	CHECK_IMM(a0, 4951, "a loop patching its own first instruction")
	.option	pop

	/* (4) change instruction boundaries: one 32-bit instruction becomes
	 * c.li a0, 5; c.addi a0, 3 */
	li	a1, ENC_ADDI(A0, 0, 1)
	sw	a1, 0(s0)
	li	a1, ENC_RET
	sw	a1, 4(s0)
	fence.i
	jalr	ra, 0(s0)
	CHECK_IMM(a0, 1, "boundaries: before")
	li	a1, ENC_C_LI(A0, 5)
	sh	a1, 0(s0)
	li	a1, ENC_C_ADDI(A0, 3)
	sh	a1, 2(s0)
	fence.i
	jalr	ra, 0(s0)
	CHECK_IMM(a0, 8, "boundaries: two 16-bit instructions")
	/* and back, plus a 16-bit return: addi a0, zero, 31; c.jr ra */
	li	a1, ENC_ADDI(A0, 0, 31)
	sw	a1, 0(s0)
	li	a1, ENC_C_JR_RA
	sh	a1, 4(s0)
	fence.i
	jalr	ra, 0(s0)
	CHECK_IMM(a0, 31, "boundaries: 32-bit again, 16-bit return")
	/* code starting at a 2-byte offset in the buffer */
	li	a1, ENC_C_LI(A0, -3)
	sh	a1, 2(s0)
	li	a1, ENC_C_JR_RA
	sh	a1, 4(s0)
	fence.i
	addi	a1, s0, 2
	jalr	ra, 0(a1)
	CHECK_IMM(a0, -3, "generated code at a 2-mod-4 address")

	/* (5) copy a function out of .text and run the copy */
	la	a1, template
	la	a2, template_end
	addi	a3, s0, 64
6:	lhu	a4, 0(a1)
	sh	a4, 0(a3)
	addi	a1, a1, 2
	addi	a3, a3, 2
	bltu	a1, a2, 6b
	fence.i
	addi	a1, s0, 64
	li	a0, 6
	jalr	ra, 0(a1)
	CHECK_IMM(a0, 720, "a copied function (6!)")
	/* warm the copy up, then change it: the new code must run */
	li	s1, 50
7:	li	a0, 3
	addi	a1, s0, 64
	jalr	ra, 0(a1)
	addi	s1, s1, -1
	bnez	s1, 7b
	CHECK_IMM(a0, 6, "the copied function, hot")
	li	a1, ENC_ADDI(A0, 0, 77)
	sw	a1, 64(s0)
	li	a1, ENC_RET
	sw	a1, 68(s0)
	fence.i
	addi	a1, s0, 64
	jalr	ra, 0(a1)
	CHECK_IMM(a0, 77, "the hot copy, replaced")

TEST_END

	/* reference encodings, assembled (never executed) */
	.option	push
	.option	norvc
enc_ref:
	addi	a0, zero, 42
	addi	a0, a0, -1
	.option	rvc
	c.li	a0, -3
	c.addi	a0, 7
	.option	pop

	/* patched by (3a); lives on the same page as that loop */
	.balign	4
	.option	push
	.option	norvc
patchme:
	addi	a0, a0, 0
	ret
	.option	pop

	/* factorial, position-independent, for (5) */
	.balign	4
template:
	li	a1, 1
1:	mul	a1, a1, a0
	addi	a0, a0, -1
	bnez	a0, 1b
	mv	a0, a1
	ret
template_end:

	.data
	.balign	4096
codebuf:
	.space	256
