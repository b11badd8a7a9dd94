/* RV64I control transfer: all six conditional branches (taken and not, at
 * signed/unsigned boundaries, forward and backward, long offsets), jal and
 * jalr link values, jalr target computation ((rs1 + imm) & ~1, odd targets,
 * rd == rs1), and targets that are 2 but not 4 byte aligned, which are legal
 * because C is implemented, so none of these may trap. */
#include "test.h"

/* a0 = 1 if the branch was taken, 0 if it fell through. */
#define TEST_BR(inst, a, b, taken)				\
	li a1, a;						\
	li a2, b;						\
	li a0, 1;						\
	inst a1, a2, 9781f;					\
	li a0, 0;						\
9781:	li a3, taken;						\
	CHECK_EQ(a0, a3, #inst, " a=", #a, " b=", #b, " taken?")

TEST_BEGIN("rv64i_branch")

	TEST_BR(beq, 0, 0, 1)
	TEST_BR(beq, 1, 0, 0)
	TEST_BR(beq, -1, -1, 1)
	TEST_BR(beq, 0xffffffff, 0xffffffffffffffff, 0)
	TEST_BR(beq, 0x100000000, 0, 0)
	TEST_BR(bne, 0, 0, 0)
	TEST_BR(bne, 1, 0, 1)
	TEST_BR(bne, 0x8000000000000000, 0, 1)
	TEST_BR(bne, 0x100000000, 0, 1)
	TEST_BR(blt, 0, 1, 1)
	TEST_BR(blt, 1, 0, 0)
	TEST_BR(blt, 1, 1, 0)
	TEST_BR(blt, -1, 0, 1)
	TEST_BR(blt, 0, -1, 0)
	TEST_BR(blt, 0x8000000000000000, 0x7fffffffffffffff, 1)
	TEST_BR(blt, 0x7fffffffffffffff, 0x8000000000000000, 0)
	TEST_BR(blt, 0xffffffff, 0x100000000, 1)
	TEST_BR(bge, 0, 1, 0)
	TEST_BR(bge, 1, 0, 1)
	TEST_BR(bge, 1, 1, 1)
	TEST_BR(bge, -1, 0, 0)
	TEST_BR(bge, 0, -1, 1)
	TEST_BR(bge, 0x8000000000000000, 0x8000000000000000, 1)
	TEST_BR(bge, 0x7fffffffffffffff, 0x8000000000000000, 1)
	TEST_BR(bltu, 0, 1, 1)
	TEST_BR(bltu, 1, 0, 0)
	TEST_BR(bltu, 1, 1, 0)
	TEST_BR(bltu, -1, 0, 0)
	TEST_BR(bltu, 0, -1, 1)
	TEST_BR(bltu, 0x8000000000000000, 0x7fffffffffffffff, 0)
	TEST_BR(bltu, 0x7fffffffffffffff, 0x8000000000000000, 1)
	TEST_BR(bltu, 0xfffffffffffffffe, 0xffffffffffffffff, 1)
	TEST_BR(bgeu, 0, 1, 0)
	TEST_BR(bgeu, 1, 0, 1)
	TEST_BR(bgeu, 1, 1, 1)
	TEST_BR(bgeu, -1, 0, 1)
	TEST_BR(bgeu, 0, -1, 0)
	TEST_BR(bgeu, 0x8000000000000000, 0x7fffffffffffffff, 1)
	TEST_BR(bgeu, 0xffffffffffffffff, 0xffffffffffffffff, 1)
	/* x0 as an operand */
	li	a1, 5
	li	a0, 0
	bgeu	a1, x0, 1f
	li	a0, 1
1:	CHECK_IMM(a0, 0, "bgeu a=5 b=x0")
	li	a0, 0
	bltu	x0, x0, 1f
	li	a0, 1
1:	CHECK_IMM(a0, 1, "bltu x0, x0 (never taken)")

	/* backward branch: a counted loop, 10 iterations */
	li	a0, 0
	li	a1, 10
1:	addi	a0, a0, 3
	addi	a1, a1, -1
	bnez	a1, 1b
	CHECK_IMM(a0, 30, "backward bnez loop sum")

	/* long branches: near the +-4 KiB limit of the B-immediate */
	li	a0, 0
	beq	x0, x0, far_fwd
	li	a0, 1
far_back:
	li	a0, 2
	j	far_done
	.fill	1000, 4, 0x00100073	/* ebreak: never executed */
far_fwd:
	CHECK_IMM(a0, 0, "beq forward ~4000 bytes")
	li	a0, 7
	bne	a0, x0, far_back
	li	a0, 3
far_done:
	CHECK_IMM(a0, 2, "bne backward ~4000 bytes")

	/* ---- jal / jalr: 32-bit encodings only, so links are pc + 4 ---- */
	.option	push
	.option	norvc
1:	jal	ra, 2f
	TEST_FAIL_HERE("jal fell through")
2:	la	a1, 1b
	addi	a1, a1, 4
	CHECK_EQ(ra, a1, "jal link = pc + 4")
	jal	x0, 3f
	TEST_FAIL_HERE("jal x0 fell through")
3:	CHECK_IMM(x0, 0, "jal x0 leaves x0 zero")
	/* a far jal (offset > 64 KiB, more than 12 immediate bits) */
4:	jal	t1, jal_far
	TEST_FAIL_HERE("far jal fell through")
jal_far_back:
	la	a1, 4b
	addi	a1, a1, 4
	CHECK_EQ(t1, a1, "far jal link")

	/* ---- jalr ---- */
	la	t0, jr1
5:	jalr	ra, 0(t0)
	TEST_FAIL_HERE("jalr fell through")
jr1:	la	a1, 5b
	addi	a1, a1, 4
	CHECK_EQ(ra, a1, "jalr link = pc + 4")
	/* the target's bit 0 is cleared: rs1 odd */
	la	t0, jr2
	addi	t0, t0, 1
	jalr	ra, 0(t0)
	TEST_FAIL_HERE("jalr odd rs1 fell through")
jr2:	CHECK_IMM(x0, 0, "jalr odd rs1 lands on target")
	/* ...and the immediate odd */
	la	t0, jr3
	jalr	ra, 1(t0)
	TEST_FAIL_HERE("jalr odd imm fell through")
jr3:	addi	s11, s11, 1		/* reaching here is the check */
	/* negative immediate */
	la	t0, jr4
	addi	t0, t0, 100
	jalr	ra, -100(t0)
	TEST_FAIL_HERE("jalr negative imm fell through")
jr4:	addi	s11, s11, 1
	/* rd == rs1: the target uses the old value, then rd gets the link */
	la	t0, jr5
6:	jalr	t0, 0(t0)
	TEST_FAIL_HERE("jalr rd=rs1 fell through")
jr5:	la	a1, 6b
	addi	a1, a1, 4
	CHECK_EQ(t0, a1, "jalr rd=rs1 link")
	/* jalr x0 does not write x0 */
	la	t0, jr6
	jalr	x0, 0(t0)
	TEST_FAIL_HERE("jalr x0 fell through")
jr6:	CHECK_IMM(x0, 0, "jalr x0")
	.option	pop
	/* a call and return through a function */
	li	a0, 20
	call	add22
	CHECK_IMM(a0, 42, "call/ret")

	/* ---- targets at 2 (mod 4): legal with C, must not trap ---- */
	la	t0, odd2_target
	andi	a1, t0, 3
	CHECK_IMM(a1, 2, "odd2_target is 2 mod 4")
	li	a0, 0
	jalr	ra, 0(t0)		/* a 32-bit insn at a 2 mod 4 address */
	CHECK_IMM(a0, 77, "jalr to a 2-mod-4 target")
	/* odd+2: rs1 = target+1 -> bit 0 cleared -> target */
	la	t0, odd2_target
	addi	t0, t0, 1
	li	a0, 0
	jalr	ra, 0(t0)
	CHECK_IMM(a0, 77, "jalr to (2-mod-4 target)+1")
	li	a0, 0
	jal	ra, odd2_target
	CHECK_IMM(a0, 77, "jal to a 2-mod-4 target")
	li	a0, 0
	li	a1, 1
	bnez	a1, odd2_branch
odd2_branch_back:
	CHECK_IMM(a0, 78, "branch to a 2-mod-4 target")

TEST_END

add22:	addi	a0, a0, 22
	ret

	/* 32-bit instructions deliberately placed at 2 (mod 4).  The .balign
	 * comes before .option norvc so that the assembler leaves the linker
	 * room to keep the alignment after relaxation. */
	.balign	4
	.option	push
	.option	norvc
	.half	0x0001			/* c.nop: shifts the next insn by 2 */
odd2_target:
	li	a0, 77
	ret
	.option	pop
	.balign	4
	.option	push
	.option	norvc
	.half	0x0001
odd2_branch:
	li	a0, 78
	j	odd2_branch_back
	.option	pop

	/* far target for jal: 0x12344 bytes away */
	.balign	4
	.fill	0x12344 / 4, 4, 0x00100073	/* ebreak */
jal_far:
	j	jal_far_back
