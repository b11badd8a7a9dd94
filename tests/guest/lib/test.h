/* Check macros for assembly guest tests (include from a .S file).
 * Conventions: s11 (x27) counts passed checks and must not be used by the
 * test; a CHECK_* that fails prints "FAIL <description>: got G expected E"
 * and exits with RT_EXIT_CHECK.  The TEST_* helpers use a0-a5 and t5/t6 as
 * scratch, so keep long-lived values in s0-s10.  Descriptions are built by
 * stringizing the macro arguments, so they read like the source. */
#ifndef TEST_H
#define TEST_H
#include "rt.h"

/* Start the test body: names the test and defines main. */
#define TEST_BEGIN(name)					\
	.pushsection .rodata;					\
	.globl rt_test_name;					\
rt_test_name:							\
	.asciz name;						\
	.popsection;						\
	.text;							\
	.globl main;						\
	.balign 4;						\
main:								\
	la t6, rt_asm_mode;					\
	li t5, 1;						\
	sd t5, 0(t6);						\
	li s11, 0

/* Report PASS with the check count and power off. */
#define TEST_END						\
	mv a0, s11;						\
	call rt_pass_asm

/* Emit a description string into .rodata and put its address in reg. */
#define TEST_DESC(reg, ...)					\
	.pushsection .rodata.desc, "a";				\
9770:	.ascii __VA_ARGS__;					\
	.byte 0;						\
	.popsection;						\
	la reg, 9770b

/* The core check: compare two registers.  Any registers may be used;
 * the failure path goes through the stack so nothing is clobbered first.
 * The description is one or more comma-separated string literals. */
#define CHECK_EQ(got, exp, ...)				\
	beq got, exp, 9771f;					\
	addi sp, sp, -16;					\
	sd got, 0(sp);						\
	sd exp, 8(sp);						\
	ld a0, 0(sp);						\
	ld a1, 8(sp);						\
	TEST_DESC(a2, __VA_ARGS__);				\
	mv a3, s11;						\
	call rt_fail_asm;					\
9771:	addi s11, s11, 1

/* Compare a register with a constant (uses t6). */
#define CHECK_IMM(got, expval, ...)				\
	li t6, expval;						\
	CHECK_EQ(got, t6, __VA_ARGS__)

/* Where the spec and QEMU 7.2 legitimately differ: got must be one of two
 * constants (uses t5, t6).  Branch-free, so both answers run the same
 * instructions, and one check either way, so the PASS
 * line is the same on every emulator. */
#define CHECK_ONE_OF(got, exp1, exp2, ...)			\
	li t6, exp1;						\
	xor t6, got, t6;					\
	seqz t6, t6;						\
	neg t6, t6;						\
	li t5, (exp1) ^ (exp2);					\
	and t6, t6, t5;						\
	li t5, exp2;						\
	xor t6, t6, t5;						\
	CHECK_EQ(got, t6, __VA_ARGS__)

/* rd = op(rs1, rs2) with constant operands. */
#define TEST_RR(inst, a, b, exp)				\
	li a1, a;						\
	li a2, b;						\
	inst a0, a1, a2;					\
	li a3, exp;						\
	CHECK_EQ(a0, a3, #inst, " a=", #a, " b=", #b)

/* rd = op(rs1, imm). */
#define TEST_RI(inst, a, imm, exp)				\
	li a1, a;						\
	inst a0, a1, imm;					\
	li a3, exp;						\
	CHECK_EQ(a0, a3, #inst, " a=", #a, " imm=", #imm)

/* Unconditional failure with a message (for paths that must not run). */
#define TEST_FAIL_HERE(...)					\
	TEST_DESC(a0, __VA_ARGS__);				\
	mv a1, s11;						\
	call rt_fail_msg_asm

/* Expected-trap helpers: arm the vector, run code, check what it saw.
 * They clobber only t5 and t6. */
#define TRAP_ARM						\
	la t6, rt_trap;						\
	sd zero, RT_TRAP_COUNT(t6);				\
	li t5, -1;						\
	sd t5, RT_TRAP_MCAUSE(t6);				\
	sd t5, RT_TRAP_MTVAL(t6);				\
	sd t5, RT_TRAP_MEPC(t6);				\
	li t5, 1;						\
	sd t5, RT_TRAP_ARMED(t6)

#define TRAP_DISARM						\
	la t6, rt_trap;						\
	sd zero, RT_TRAP_ARMED(t6)

/* Resume at label after the next trap instead of skipping the insn. */
#define TRAP_RESUME_AT(label)					\
	la t6, rt_trap;						\
	la t5, label;						\
	sd t5, RT_TRAP_RESUME(t6)

/* Check a field of rt_trap (COUNT, MCAUSE, MTVAL, MEPC, MSTATUS)
 * against a register other than t6. */
#define CHECK_TRAP_REG(field, expreg, ...)			\
	la t6, rt_trap;						\
	ld t6, RT_TRAP_##field(t6);				\
	CHECK_EQ(t6, expreg, __VA_ARGS__, " " #field)

#define CHECK_TRAP(field, expval, ...)				\
	li t5, expval;						\
	CHECK_TRAP_REG(field, t5, __VA_ARGS__)

#define CHECK_TRAP_LABEL(field, label, ...)			\
	la t5, label;						\
	CHECK_TRAP_REG(field, t5, __VA_ARGS__)

#endif /* TEST_H */
