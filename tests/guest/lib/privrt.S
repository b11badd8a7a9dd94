/* Trap plumbing for privileged tests: #include "privrt.S" once, at the end
 * of a test that includes priv.h.  Defines
 *  - s_trap, s_trap_vector and s_vtable: the S-mode vector (direct, and
 *    vectored with 16 entries), which records traps in s_trap (ST_* in
 *    priv.h).  sscratch must hold &s_trap while S or U code runs; the
 *    handler touches only t0-t2 (saved in s_trap), so it needs a valid sp
 *    only to report an unexpected trap;
 *  - m_log_hook and m_log: an rt_trap hook that logs mcause (M_LOG_*) and
 *    lets interrupts resume with MIE kept, after masking them in mie, so
 *    several pending interrupts are taken back to back in priority order;
 *  - m_vtable: a vectored mtvec table whose entry n logs n (M_VLOG_*) and
 *    then runs crt0's vector; mscratch must hold &m_vlog while it is used. */

	.pushsection .bss
	.balign	8
	.globl	s_trap
s_trap:	.zero	ST_SIZE
	.popsection

	.text
	.balign	4
	.globl	s_trap_vector
s_trap_vector:
	csrrw	t0, sscratch, t0
	sd	t1, ST_SAVE + 8(t0)
	li	t1, -1
s_trap_common:				/* t0 = &s_trap, t1 = entry */
	sd	t2, ST_SAVE + 16(t0)
	sd	t1, ST_ENTRY(t0)
	csrr	t1, sscratch
	sd	t1, ST_SAVE(t0)		/* the interrupted t0 */
	csrw	sscratch, t0
	csrr	t1, scause
	sd	t1, ST_SCAUSE(t0)
	csrr	t1, stval
	sd	t1, ST_STVAL(t0)
	csrr	t1, sepc
	sd	t1, ST_SEPC(t0)
	csrr	t1, sstatus
	sd	t1, ST_SSTATUS(t0)
	ld	t1, ST_ARMED(t0)
	beqz	t1, s_trap_unexpected
	/* log scause and the entry of the first 8 traps */
	ld	t1, ST_COUNT(t0)
	li	t2, 8
	bgeu	t1, t2, 1f
	slli	t2, t1, 3
	add	t2, t2, t0
	csrr	t1, scause
	sd	t1, ST_LOG(t2)
	ld	t1, ST_ENTRY(t0)
	sd	t1, ST_ELOG(t2)
1:	ld	t1, ST_COUNT(t0)
	addi	t1, t1, 1
	sd	t1, ST_COUNT(t0)
	ld	t1, ST_TO_S(t0)
	beqz	t1, 2f
	li	t1, MSTATUS_SPP
	csrs	sstatus, t1
2:	ld	t1, ST_RESUME(t0)
	beqz	t1, 3f
	sd	zero, ST_RESUME(t0)
	csrw	sepc, t1
	j	9f
3:	csrr	t1, scause
	bgez	t1, 4f
	/* interrupt: mask it in sie, resume where it struck */
	li	t2, 1
	sll	t2, t2, t1
	csrc	sie, t2
	j	9f
4:	/* exception: skip the instruction; fetch faults need a resume */
	li	t2, 1
	beq	t1, t2, s_trap_unexpected
	li	t2, 12
	beq	t1, t2, s_trap_unexpected
	beqz	t1, s_trap_unexpected
	csrr	t1, sstatus
	sd	t1, ST_SAVE + 24(t0)
	li	t1, MSTATUS_SUM
	csrs	sstatus, t1
	csrr	t1, sepc
	lhu	t2, 0(t1)
	andi	t2, t2, 3
	addi	t1, t1, 2
	addi	t2, t2, -3
	bnez	t2, 5f
	addi	t1, t1, 2
5:	csrw	sepc, t1
	ld	t1, ST_SAVE + 24(t0)
	li	t2, MSTATUS_SUM
	and	t1, t1, t2
	bnez	t1, 9f
	csrc	sstatus, t2
9:	ld	t1, ST_SAVE + 8(t0)
	ld	t2, ST_SAVE + 16(t0)
	ld	t0, ST_SAVE(t0)
	sret

s_trap_unexpected:
	la	a0, s_trap_msg1
	call	rt_puts
	csrr	a0, scause
	call	rt_puthex
	la	a0, s_trap_msg2
	call	rt_puts
	csrr	a0, sepc
	call	rt_puthex
	la	a0, s_trap_msg3
	call	rt_puts
	csrr	a0, stval
	call	rt_puthex
	la	a0, s_trap_msg4
	call	rt_puts
	mv	a0, s11
	call	rt_putdec
	la	a0, s_trap_msg5
	call	rt_puts
	li	a0, RT_EXIT_TRAP
	call	rt_exit

	/* vectored mode: entry n at s_vtable + 4n records n */
	.balign	256
	.option	push
	.option	norvc
	.globl	s_vtable
s_vtable:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	j	s_vent\n
	.endr
	.option	pop
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
s_vent\n:
	csrrw	t0, sscratch, t0
	sd	t1, ST_SAVE + 8(t0)
	li	t1, \n
	j	s_trap_common
	.endr

	.pushsection .rodata
s_trap_msg1:	.asciz "FAIL unexpected S-mode trap scause="
s_trap_msg2:	.asciz " sepc="
s_trap_msg3:	.asciz " stval="
s_trap_msg4:	.asciz " (after "
s_trap_msg5:	.asciz " checks)\n"
	.popsection

/* ---- M side ---- */
	.pushsection .bss
	.balign	8
	.globl	m_log, m_vlog
m_log:	.zero	M_LOG_SIZE
m_vlog:	.zero	M_VLOG_SIZE
	.popsection

	.text
	.balign	4
	/* int m_log_hook(struct rt_frame *f) */
	.globl	m_log_hook
m_log_hook:
	la	t0, m_log
	ld	t1, M_LOG_COUNT(t0)
	ld	t3, RT_FRAME_MCAUSE(a0)
	li	t2, 8
	bgeu	t1, t2, 1f
	slli	t2, t1, 3
	add	t2, t2, t0
	sd	t3, M_LOG_CAUSE(t2)
1:	addi	t1, t1, 1
	sd	t1, M_LOG_COUNT(t0)
	bgez	t3, 2f
	li	t2, 1
	sll	t2, t2, t3
	csrc	mie, t2
	li	a0, 1			/* resume at mepc, MPIE as it was */
	ret
2:	li	a0, 0			/* exceptions: the default handling */
	ret

	.balign	256
	.option	push
	.option	norvc
	.globl	m_vtable
m_vtable:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	j	m_vent\n
	.endr
	.option	pop
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
m_vent\n:
	csrrw	t0, mscratch, t0
	sd	t1, M_VLOG_SAVE(t0)
	li	t1, \n
	j	m_vent_common
	.endr
m_vent_common:				/* t0 = &m_vlog, t1 = entry */
	sd	t2, M_VLOG_SAVE + 8(t0)
	ld	t2, M_VLOG_COUNT(t0)
	sd	t1, M_VLOG_LAST(t0)
	li	t1, 8
	bgeu	t2, t1, 1f
	slli	t1, t2, 3
	add	t1, t1, t0
	ld	t2, M_VLOG_LAST(t0)
	sd	t2, M_VLOG_ENTRY(t1)
	ld	t2, M_VLOG_COUNT(t0)
1:	addi	t2, t2, 1
	sd	t2, M_VLOG_COUNT(t0)
	ld	t1, M_VLOG_SAVE(t0)
	ld	t2, M_VLOG_SAVE + 8(t0)
	csrrw	t0, mscratch, t0
	j	rt_trap_vector
