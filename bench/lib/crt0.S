/* Start-up for the benchmark guests (M-mode, -bios none): parks every hart
 * but 0, sets sp, clears .bss, turns the FPU on, installs a trap vector that
 * reports and fails, calls main and exits through the test finisher with
 * main's return value. Printing and exiting live in bench.c. */
	.section .text.init, "ax", @progbits
	.globl	_start
_start:
	csrr	t0, mhartid
	bnez	t0, park
	la	sp, __stack_top
	la	t0, trap_vector
	csrw	mtvec, t0
	li	t0, 0x2000		/* mstatus.FS = Initial: FPU on */
	csrs	mstatus, t0
	csrwi	fcsr, 0
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	main
	call	bench_exit		/* a0 = main's return value; never returns */
park:	wfi
	j	park

	/* Any trap is a failure: a benchmark never expects one. */
	.align	2
trap_vector:
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	la	sp, __stack_top
	call	bench_trap
	j	park
