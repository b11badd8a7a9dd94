/* Start-up and M-mode trap vector for Reprise guest tests.  Owns hart
 * parking, gp/sp/tp, .bss clearing, enabling the FPU and the trap vector;
 * printing and exiting live in rt.c, check macros in test.h. */
#include "rt.h"

	.section .text.init, "ax", @progbits
	.globl	_start
_start:
	/* a0 = hart id, a1 = FDT address.  Only hart 0 runs the test. */
	bnez	a0, park
	.option	push
	.option	norelax
	la	gp, __global_pointer$
	.option	pop
	la	sp, __stack_top
	la	tp, __tls_start
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	t0, rt_trap_vector
	csrw	mtvec, t0
	li	t0, 0x6000		/* mstatus.FS = dirty: FPU on */
	csrs	mstatus, t0
	csrwi	fcsr, 0
	la	t0, rt_boot_fdt
	sd	a1, 0(t0)
	li	a0, 0
	li	a1, 0
	call	main
	/* main returned: 0 means pass, anything else is a failure. */
	bnez	a0, 3f
	call	rt_pass
3:	li	a0, RT_EXIT_MAIN
	call	rt_exit

park:	wfi
	j	park

/* The vector.  Saves every integer register, records the trap and, if the
 * test armed it, resumes after the faulting instruction (2 or 4 bytes, read
 * from the opcode's low bits), at rt_trap.resume, or wherever the hook says;
 * an interrupt resumes where it struck, with interrupts left disabled.
 * Uses the interrupted stack: tests keep sp valid around expected traps.
 * Never touches mscratch or floating-point state. */
	.text
	.balign	4
	.globl	rt_trap_vector
rt_trap_vector:
	addi	sp, sp, -RT_FRAME_SIZE
	sd	x1, 1*8(sp)
	sd	x3, 3*8(sp)
	sd	x4, 4*8(sp)
	sd	x5, 5*8(sp)
	sd	x6, 6*8(sp)
	sd	x7, 7*8(sp)
	sd	x8, 8*8(sp)
	sd	x9, 9*8(sp)
	sd	x10, 10*8(sp)
	sd	x11, 11*8(sp)
	sd	x12, 12*8(sp)
	sd	x13, 13*8(sp)
	sd	x14, 14*8(sp)
	sd	x15, 15*8(sp)
	sd	x16, 16*8(sp)
	sd	x17, 17*8(sp)
	sd	x18, 18*8(sp)
	sd	x19, 19*8(sp)
	sd	x20, 20*8(sp)
	sd	x21, 21*8(sp)
	sd	x22, 22*8(sp)
	sd	x23, 23*8(sp)
	sd	x24, 24*8(sp)
	sd	x25, 25*8(sp)
	sd	x26, 26*8(sp)
	sd	x27, 27*8(sp)
	sd	x28, 28*8(sp)
	sd	x29, 29*8(sp)
	sd	x30, 30*8(sp)
	sd	x31, 31*8(sp)
	addi	t0, sp, RT_FRAME_SIZE
	sd	t0, 2*8(sp)		/* the interrupted sp */
	sd	zero, 0(sp)
	csrr	s0, mepc
	csrr	s1, mcause
	csrr	s2, mtval
	csrr	s3, mstatus
	sd	s0, RT_FRAME_MEPC(sp)
	sd	s1, RT_FRAME_MCAUSE(sp)
	sd	s2, RT_FRAME_MTVAL(sp)
	sd	s3, RT_FRAME_MSTATUS(sp)
	.option	push
	.option	norelax
	la	gp, __global_pointer$	/* U-mode code may have changed it */
	.option	pop
	la	s4, rt_trap
	ld	t0, RT_TRAP_IN_HANDLER(s4)
	bnez	t0, .Lnested
	li	t0, 1
	sd	t0, RT_TRAP_IN_HANDLER(s4)
	ld	t0, RT_TRAP_ARMED(s4)
	beqz	t0, .Lunexpected

	ld	t0, RT_TRAP_COUNT(s4)
	addi	t0, t0, 1
	sd	t0, RT_TRAP_COUNT(s4)
	sd	s0, RT_TRAP_MEPC(s4)
	sd	s1, RT_TRAP_MCAUSE(s4)
	sd	s2, RT_TRAP_MTVAL(s4)
	sd	s3, RT_TRAP_MSTATUS(s4)

	ld	t0, RT_TRAP_HOOK(s4)
	beqz	t0, 1f
	mv	a0, sp
	jalr	t0
	bnez	a0, .Lresume_frame
1:	ld	t0, RT_TRAP_RESUME(s4)
	beqz	t0, 2f
	sd	t0, RT_FRAME_MEPC(sp)
	sd	zero, RT_TRAP_RESUME(s4)
	j	.Lresume_frame
2:	/* An interrupt resumes at the interrupted instruction, with MPIE
	 * cleared so that the level-triggered source, still pending, does not
	 * fire again as soon as we mret: the test sees MIE = 0 afterwards. */
	bgez	s1, 5f
	li	t0, 0x80		/* mstatus.MPIE */
	csrc	mstatus, t0
	j	.Lresume_frame
5:	/* Skip the faulting instruction.  Fetch faults have no instruction
	 * to read: those must come with a resume address. */
	li	t0, 1			/* instruction access fault */
	beq	s1, t0, .Lunexpected
	beqz	s1, .Lunexpected	/* instruction address misaligned */
	li	t0, 12			/* instruction page fault */
	beq	s1, t0, .Lunexpected
	lhu	t0, 0(s0)
	andi	t0, t0, 3
	li	t1, 3
	addi	s0, s0, 2
	bne	t0, t1, 3f
	addi	s0, s0, 2
3:	sd	s0, RT_FRAME_MEPC(sp)

.Lresume_frame:
	ld	t0, RT_FRAME_MEPC(sp)
	csrw	mepc, t0
	ld	t0, RT_TRAP_TO_M(s4)
	beqz	t0, 4f
	li	t0, 0x1800		/* mstatus.MPP = M */
	csrs	mstatus, t0
4:	sd	zero, RT_TRAP_IN_HANDLER(s4)
	ld	x1, 1*8(sp)
	ld	x3, 3*8(sp)
	ld	x4, 4*8(sp)
	ld	x5, 5*8(sp)
	ld	x6, 6*8(sp)
	ld	x7, 7*8(sp)
	ld	x8, 8*8(sp)
	ld	x9, 9*8(sp)
	ld	x10, 10*8(sp)
	ld	x11, 11*8(sp)
	ld	x12, 12*8(sp)
	ld	x13, 13*8(sp)
	ld	x14, 14*8(sp)
	ld	x15, 15*8(sp)
	ld	x16, 16*8(sp)
	ld	x17, 17*8(sp)
	ld	x18, 18*8(sp)
	ld	x19, 19*8(sp)
	ld	x20, 20*8(sp)
	ld	x21, 21*8(sp)
	ld	x22, 22*8(sp)
	ld	x23, 23*8(sp)
	ld	x24, 24*8(sp)
	ld	x25, 25*8(sp)
	ld	x26, 26*8(sp)
	ld	x27, 27*8(sp)
	ld	x28, 28*8(sp)
	ld	x29, 29*8(sp)
	ld	x30, 30*8(sp)
	ld	x31, 31*8(sp)
	ld	x2, 2*8(sp)
	mret

.Lunexpected:
	mv	a0, sp
	call	rt_unexpected_trap	/* does not return */
.Lnested:
	mv	a0, sp
	call	rt_nested_trap		/* does not return */

	.bss
	.balign	8
	.globl	rt_boot_fdt
rt_boot_fdt:
	.dword	0
