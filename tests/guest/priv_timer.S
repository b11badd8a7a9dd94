/* Timers and software interrupts: CLINT mtime and the time CSR agreeing
 * with it; time from S and U, gated by mcounteren.TM and scounteren.TM;
 * mtimecmp raising MTIP at its deadline and not before, MTIP visible in
 * mip while pending and cleared by a later mtimecmp (also written as two
 * 32-bit halves); the machine timer interrupt; CLINT msip raising MSIP and
 * the interrupt, cleared by writing msip = 0; wfi woken by the timer with
 * interrupts globally disabled (wfi returns, no trap) and enabled (the
 * trap is taken with mepc = the instruction after the wfi); an S-mode
 * timer delivered OpenSBI-style (M's timer handler sets mip.STIP for S);
 * and Sstc: menvcfg.STCE, stimecmp access rules (STCE and mcounteren.TM),
 * mip.STIP following stimecmp and read-only, an S timer interrupt from
 * stimecmp, and wfi in S woken by it.
 * Deadlines are relative to mtime and every wait is bounded in guest time,
 * so the test does not depend on how fast mtime runs (QEMU -icount
 * shift=0: 100 instructions per tick; Reprise: 1). */
#include "test.h"
#include "priv.h"

#define D		1000		/* ticks to a deadline (100 us) */
#define SLACK		200000		/* a wait gives up this long after it */
#define MENVCFG_STCE	0x8000000000000000
#define TM		2		/* mcounteren.TM */

/* reg = mtime */
#define MTIME(reg)	li reg, CLINT_MTIME; ld reg, 0(reg)

/* mtimecmp = mtime + D; s4 = the deadline, s5 = the give-up time */
#define ARM_TIMER						\
	MTIME(s4);						\
	li t5, D;						\
	add s4, s4, t5;						\
	li t5, SLACK;						\
	add s5, s4, t5;						\
	li t5, CLINT_MTIMECMP;					\
	sd s4, 0(t5)

#define DISARM_TIMER						\
	li t5, CLINT_MTIMECMP;					\
	li t6, -1;						\
	sd t6, 0(t5)

/* Spin until rt_trap.count != 0 or mtime passes s5. */
#define WAIT_TRAP						\
9786:	la t6, rt_trap;						\
	ld t6, RT_TRAP_COUNT(t6);				\
	bnez t6, 9787f;						\
	MTIME(t6);						\
	bltu t6, s5, 9786b;					\
9787:

/* a0 = mip & bits */
#define MIP(bits)	csrr a0, mip; li a1, bits; and a0, a0, a1

TEST_BEGIN("priv_timer")
	li	a1, -1
	csrw	pmpaddr0, a1
	li	a1, 0x1f
	csrw	pmpcfg0, a1
	csrw	mie, zero
	csrw	mideleg, zero
	csrw	medeleg, zero
	csrw	mcounteren, zero
	csrw	menvcfg, zero
	S_TRAP_INIT
	DISARM_TIMER
	li	a1, CLINT_MSIP
	sw	zero, 0(a1)
	la	t6, rt_trap
	la	t5, tick_hook
	sd	t5, RT_TRAP_HOOK(t6)

	/* ---- mtime moves; the time CSR reads it ---- */
	MTIME(s1)
	csrr	s2, time
	li	a0, 2000
1:	addi	a0, a0, -1
	bnez	a0, 1b
	MTIME(s3)
	sltu	a0, s1, s3
	CHECK_IMM(a0, 1, "mtime advances over 2000 loop iterations")
	sltu	a0, s2, s1
	CHECK_IMM(a0, 0, "time CSR >= the mtime read before it")
	sltu	a0, s3, s2
	CHECK_IMM(a0, 0, "time CSR <= the mtime read after it")

	/* S reads time only with mcounteren.TM; U also needs scounteren.TM */
	RUN_LOWER(MSTATUS_MPP_S, lo_read_time)
	CHECK_TRAP(MCAUSE, 2, "S reads time with mcounteren.TM=0: illegal")
	li	a1, TM
	csrw	mcounteren, a1
	MTIME(s1)
	RUN_LOWER(MSTATUS_MPP_S, lo_read_time)
	mv	s2, a0
	MTIME(s3)
	CHECK_TRAP(MCAUSE, 9, "S reads time with mcounteren.TM=1")
	sltu	a0, s2, s1
	CHECK_IMM(a0, 0, "S time >= the mtime read before")
	sltu	a0, s3, s2
	CHECK_IMM(a0, 0, "S time <= the mtime read after")
	csrw	scounteren, zero
	RUN_LOWER(0, lo_read_time)
	CHECK_TRAP(MCAUSE, 2, "U reads time with scounteren.TM=0: illegal")
	li	a1, TM
	csrw	scounteren, a1
	RUN_LOWER(0, lo_read_time)
	CHECK_TRAP(MCAUSE, 8, "U reads time with mcounteren.TM=scounteren.TM=1")
	csrw	scounteren, zero
	csrw	mcounteren, zero

	/* ---- MTIP: not before the deadline, visible once due ---- */
	MIP(MIP_MTIP)
	CHECK_IMM(a0, 0, "mtimecmp = -1: MTIP clear")
	ARM_TIMER
	MIP(MIP_MTIP)
	CHECK_IMM(a0, 0, "mtimecmp = mtime + D: MTIP not yet")
1:	MIP(MIP_MTIP)
	bnez	a0, 2f
	MTIME(t6)
	bltu	t6, s5, 1b
2:	MTIME(s1)
	MIP(MIP_MTIP)
	CHECK_IMM(a0, MIP_MTIP, "MTIP set by the deadline (interrupt disabled)")
	sltu	a0, s1, s4
	CHECK_IMM(a0, 0, "MTIP not before the deadline")
	li	a1, CLINT_MTIMECMP
	ld	a0, 0(a1)
	CHECK_EQ(a0, s4, "mtimecmp reads back")
	DISARM_TIMER
	MIP(MIP_MTIP)
	CHECK_IMM(a0, 0, "MTIP clears when mtimecmp moves past mtime")
	/* mtimecmp written as two 32-bit halves */
	li	a1, CLINT_MTIMECMP
	sw	zero, 0(a1)		/* low half 0, high half still ~0 */
	MIP(MIP_MTIP)
	CHECK_IMM(a0, 0, "mtimecmp = 0xffffffff00000000: no MTIP")
	li	a1, CLINT_MTIMECMP
	sw	zero, 4(a1)		/* 0: due */
	MIP(MIP_MTIP)
	CHECK_IMM(a0, MIP_MTIP, "mtimecmp = 0 by halves: MTIP")
	DISARM_TIMER

	/* ---- the machine timer interrupt ---- */
	li	a1, MIP_MTIP
	csrw	mie, a1
	ARM_TIMER
	TRAP_ARM
	csrsi	mstatus, MSTATUS_MIE
	WAIT_TRAP
	csrci	mstatus, MSTATUS_MIE
	TRAP_DISARM
	CHECK_TRAP(COUNT, 1, "machine timer interrupt")
	CHECK_TRAP(MCAUSE, CAUSE_INTR | 7, "machine timer interrupt")
	la	a0, hook_mtime
	ld	a0, 0(a0)
	sltu	a0, a0, s4
	CHECK_IMM(a0, 0, "machine timer interrupt: taken at or after the deadline")
	MIP(MIP_MTIP)
	CHECK_IMM(a0, 0, "machine timer interrupt: the handler cleared MTIP")

	/* ---- msip: MSIP and the software interrupt ---- */
	li	a1, CLINT_MSIP
	li	a2, 1
	sw	a2, 0(a1)
	lw	a0, 0(a1)
	CHECK_IMM(a0, 1, "CLINT msip reads back 1")
	MIP(MIP_MSIP)
	CHECK_IMM(a0, MIP_MSIP, "msip = 1: mip.MSIP")
	li	a1, MIP_MSIP
	csrw	mie, a1
	la	s1, 1f
	TRAP_ARM
	csrsi	mstatus, MSTATUS_MIE
1:	nop
	csrci	mstatus, MSTATUS_MIE
	TRAP_DISARM
	CHECK_TRAP(COUNT, 1, "machine software interrupt")
	CHECK_TRAP(MCAUSE, CAUSE_INTR | 3, "machine software interrupt")
	CHECK_TRAP_REG(MEPC, s1, "machine software interrupt: mepc after the csrsi")
	MIP(MIP_MSIP)
	CHECK_IMM(a0, 0, "the handler wrote msip = 0: MSIP clear")
	li	a1, CLINT_MSIP
	lw	a0, 0(a1)
	CHECK_IMM(a0, 0, "CLINT msip reads back 0")

	/* ---- wfi with interrupts globally disabled: it returns, no trap ---- */
	li	a1, MIP_MTIP
	csrw	mie, a1
	ARM_TIMER
	TRAP_ARM
1:	wfi
	MIP(MIP_MTIP)
	bnez	a0, 2f
	MTIME(t6)
	bltu	t6, s5, 1b
2:	TRAP_DISARM
	MTIME(s1)
	CHECK_TRAP(COUNT, 0, "wfi with MIE=0: no trap")
	MIP(MIP_MTIP)
	CHECK_IMM(a0, MIP_MTIP, "wfi with MIE=0: returns with MTIP pending")
	sltu	a0, s1, s4
	CHECK_IMM(a0, 0, "wfi with MIE=0: not before the deadline")
	DISARM_TIMER

	/* ---- wfi with interrupts enabled: trap, mepc after the wfi ---- */
	ARM_TIMER
	TRAP_ARM
	csrsi	mstatus, MSTATUS_MIE
	wfi
wfi_next:
	csrci	mstatus, MSTATUS_MIE
	TRAP_DISARM
	CHECK_TRAP(COUNT, 1, "wfi with MIE=1: the interrupt is taken")
	CHECK_TRAP(MCAUSE, CAUSE_INTR | 7, "wfi with MIE=1")
	CHECK_TRAP_LABEL(MEPC, wfi_next, "wfi with MIE=1: mepc = the instruction after wfi")
	la	a0, hook_mtime
	ld	a0, 0(a0)
	sltu	a0, a0, s4
	CHECK_IMM(a0, 0, "wfi with MIE=1: woken at or after the deadline")
	csrw	mie, zero

	/* ---- S timer through M (no Sstc): M's timer handler sets STIP ---- */
	li	a1, TM
	csrw	mcounteren, a1
	li	a1, MIP_STIP
	csrw	mideleg, a1
	li	a1, MIP_MTIP | MIP_STIP
	csrw	mie, a1
	la	a0, hook_forward
	li	a1, 1
	sd	a1, 0(a0)
	ARM_TIMER
	S_TRAP_ARM
	RUN_LOWER(MSTATUS_MPP_S, s_wait_timer)
	S_TRAP_DISARM
	la	a0, hook_forward
	sd	zero, 0(a0)
	CHECK_TRAP(COUNT, 2, "forwarded S timer: M's timer trap, then S's ecall")
	CHECK_TRAP(MCAUSE, 9, "forwarded S timer: S ends with ecall")
	CHECK_STRAP(COUNT, 1, "forwarded S timer: one S trap")
	CHECK_STRAP(SCAUSE, CAUSE_INTR | 5, "forwarded S timer: supervisor timer interrupt")
	sltu	a0, s2, s4
	CHECK_IMM(a0, 0, "forwarded S timer: S read time >= the deadline")
	MIP(MIP_STIP)
	CHECK_IMM(a0, MIP_STIP, "forwarded S timer: STIP still pending (S cannot clear it)")
	li	a1, MIP_STIP
	csrc	mip, a1
	MIP(MIP_STIP)
	CHECK_IMM(a0, 0, "forwarded S timer: M clears STIP")
	csrw	mie, zero

	/* ---- Sstc ---- */
	li	a1, -1
	csrw	stimecmp, a1		/* M may always access it */
	csrr	a0, stimecmp
	CHECK_IMM(a0, -1, "M: stimecmp reads back (STCE = 0)")
	csrw	mcounteren, zero
	li	a1, MENVCFG_STCE
	csrs	menvcfg, a1
	csrr	a0, menvcfg
	srli	a0, a0, 63
	CHECK_IMM(a0, 1, "menvcfg.STCE sticks")
	/* S needs both STCE and mcounteren.TM */
	RUN_LOWER(MSTATUS_MPP_S, s_read_stimecmp)
	CHECK_TRAP(MCAUSE, 2, "S stimecmp with STCE=1, TM=0: illegal")
	li	a1, TM
	csrw	mcounteren, a1
	li	a1, MENVCFG_STCE
	csrc	menvcfg, a1
	RUN_LOWER(MSTATUS_MPP_S, s_read_stimecmp)
	CHECK_TRAP(MCAUSE, 2, "S stimecmp with STCE=0, TM=1: illegal")
	li	a1, MENVCFG_STCE
	csrs	menvcfg, a1
	RUN_LOWER(MSTATUS_MPP_S, s_read_stimecmp)
	CHECK_TRAP(MCAUSE, 9, "S stimecmp with STCE=1, TM=1: fine")
	CHECK_IMM(a0, -1, "S reads stimecmp")
	/* STIP follows stimecmp and M cannot write it */
	MIP(MIP_STIP)
	CHECK_IMM(a0, 0, "Sstc: stimecmp = -1: no STIP")
	li	a1, MIP_STIP
	csrs	mip, a1
	MIP(MIP_STIP)
	CHECK_IMM(a0, 0, "Sstc: mip.STIP is read-only")
	csrw	stimecmp, zero
	MIP(MIP_STIP)
	CHECK_IMM(a0, MIP_STIP, "Sstc: stimecmp = 0: STIP")
	li	a1, MIP_STIP
	csrc	mip, a1
	MIP(MIP_STIP)
	CHECK_IMM(a0, MIP_STIP, "Sstc: csrc mip cannot clear STIP")
	li	a1, -1
	csrw	stimecmp, a1
	MIP(MIP_STIP)
	CHECK_IMM(a0, 0, "Sstc: stimecmp = -1 again: STIP clear")
	/* S programs its own timer and takes the interrupt */
	li	a1, MIP_STIP
	csrw	mideleg, a1
	csrw	mie, a1
	li	s4, D			/* passed to S: its interval */
	li	s5, SLACK
	S_TRAP_ARM
	RUN_LOWER(MSTATUS_MPP_S, s_sstc)
	S_TRAP_DISARM
	CHECK_TRAP(COUNT, 1, "Sstc timer: only S's ecall reaches M")
	CHECK_TRAP(MCAUSE, 9, "Sstc timer: S ends with ecall")
	CHECK_STRAP(COUNT, 1, "Sstc timer: one S trap")
	CHECK_STRAP(SCAUSE, CAUSE_INTR | 5, "Sstc timer: supervisor timer interrupt")
	CHECK_IMM(s6, MIP_STIP, "Sstc timer: sip.STIP pending in the S handler's aftermath")
	CHECK_IMM(s7, 0, "Sstc timer: sip.STIP clear after S moved stimecmp")
	sltu	a0, s8, s9
	CHECK_IMM(a0, 0, "Sstc timer: S saw time >= its stimecmp")
	/* wfi in S with SIE = 0, woken by stimecmp: no trap */
	li	a1, MIP_STIP
	csrw	mie, a1
	S_TRAP_ARM
	RUN_LOWER(MSTATUS_MPP_S, s_sstc_wfi)
	S_TRAP_DISARM
	CHECK_TRAP(MCAUSE, 9, "Sstc wfi in S: S ends with ecall")
	CHECK_STRAP(COUNT, 0, "Sstc wfi in S with SIE=0: no trap")
	CHECK_IMM(s6, MIP_STIP, "Sstc wfi in S: returns with sip.STIP")
	sltu	a0, s8, s9
	CHECK_IMM(a0, 0, "Sstc wfi in S: not before stimecmp")
	li	a1, -1
	csrw	stimecmp, a1
	csrw	mie, zero
	csrw	mideleg, zero
	csrw	menvcfg, zero
	csrw	mcounteren, zero
	la	t6, rt_trap
	sd	zero, RT_TRAP_HOOK(t6)
TEST_END

	/* int tick_hook(struct rt_frame *f): MTI and MSI note mtime and
	 * clear their source, then resume where they struck with MPIE kept;
	 * exceptions get the default handling.  With hook_forward set, MTI
	 * also sets mip.STIP for S (as OpenSBI does), and since it struck in
	 * S it must return there: it parks rt_trap.to_m (set by RUN_LOWER)
	 * until the next exception, S's ecall, puts it back. */
tick_hook:
	ld	t0, RT_FRAME_MCAUSE(a0)
	li	t1, CAUSE_INTR | 7
	bne	t0, t1, 1f
	li	t2, CLINT_MTIME
	ld	t3, 0(t2)
	la	t4, hook_mtime
	sd	t3, 0(t4)
	li	t2, CLINT_MTIMECMP
	li	t3, -1
	sd	t3, 0(t2)
	la	t4, hook_forward
	ld	t3, 0(t4)
	beqz	t3, 3f
	li	t3, MIP_STIP
	csrs	mip, t3
	la	t4, rt_trap
	ld	t3, RT_TRAP_TO_M(t4)
	sd	zero, RT_TRAP_TO_M(t4)
	la	t4, hook_to_m
	sd	t3, 0(t4)
3:	li	a0, 1
	ret
1:	li	t1, CAUSE_INTR | 3
	bne	t0, t1, 2f
	li	t2, CLINT_MTIME
	ld	t3, 0(t2)
	la	t4, hook_mtime
	sd	t3, 0(t4)
	li	t2, CLINT_MSIP
	sw	zero, 0(t2)
	li	a0, 1
	ret
2:	la	t4, hook_to_m
	ld	t3, 0(t4)
	beqz	t3, 4f
	sd	zero, 0(t4)
	la	t4, rt_trap
	sd	t3, RT_TRAP_TO_M(t4)
4:	li	a0, 0
	ret

	/* ---- S-mode code ---- */
	.balign	4
	/* wait with SIE = 1 for the forwarded timer (s5 = give-up mtime,
	 * compared with the time CSR); s2 = time after it */
s_wait_timer:
	csrsi	sstatus, MSTATUS_SIE
1:	la	t0, s_trap
	ld	t0, ST_COUNT(t0)
	bnez	t0, 2f
	csrr	t0, time
	bltu	t0, s5, 1b
2:	csrci	sstatus, MSTATUS_SIE
	csrr	s2, time
	ecall

s_read_stimecmp:
	csrr	a0, stimecmp
	ecall

lo_read_time:
	csrr	a0, time
	ecall

	/* stimecmp = time + s4; wait with SIE = 1 until the S trap (or time
	 * passes stimecmp + s5); s6 = sip.STIP then; move stimecmp away;
	 * s7 = sip.STIP after; s8 = time seen, s9 = the stimecmp used */
s_sstc:
	csrr	s9, time
	add	s9, s9, s4
	csrw	stimecmp, s9
	add	s5, s5, s9
	csrsi	sstatus, MSTATUS_SIE
1:	la	t0, s_trap
	ld	t0, ST_COUNT(t0)
	bnez	t0, 2f
	csrr	t0, time
	bltu	t0, s5, 1b
2:	csrci	sstatus, MSTATUS_SIE
	csrr	s8, time
	csrr	s6, sip
	andi	s6, s6, MIP_STIP
	li	t0, -1
	csrw	stimecmp, t0
	csrr	s7, sip
	andi	s7, s7, MIP_STIP
	ecall

	/* stimecmp = time + s4; sie.STIE = 1, SIE = 0; wfi until sip.STIP
	 * (bounded); s6 = sip.STIP, s8 = time, s9 = stimecmp */
s_sstc_wfi:
	csrci	sstatus, MSTATUS_SIE
	csrr	s9, time
	add	s9, s9, s4
	csrw	stimecmp, s9
	li	s5, SLACK
	add	s5, s5, s9
1:	wfi
	csrr	s6, sip
	andi	s6, s6, MIP_STIP
	bnez	s6, 2f
	csrr	t0, time
	bltu	t0, s5, 1b
2:	csrr	s8, time
	ecall

	.data
	.balign	8
hook_mtime:	.dword 0
hook_forward:	.dword 0
hook_to_m:	.dword 0
	.text

#include "privrt.S"
