/* Trap delegation and the privileged trap machinery: medeleg/mideleg
 * WARL masks; the sstatus, sie and sip views of mstatus, mie and mip;
 * ecall causes from U, S and M; CSR accesses and privileged instructions
 * that are illegal below M (mtval = the instruction); exceptions delegated
 * to S (scause, sepc, stval, and sstatus SPP/SPIE/SIE on the way in and
 * after sret), and what is never delegated (anything from M); sret from M;
 * mstatus.TSR, TVM and TW; interrupt priority MEI > MSI > MTI > SEI > SSI >
 * STI with every source pending at once (M-mode, then the three S ones
 * delegated and taken in S); M interrupts preempting S, delegated ones
 * ignored in M and always taken in U; software-written mip.SEIP kept apart
 * from the PLIC's line; vectored stvec and mtvec.
 * Interrupt sources: CLINT msip and mtimecmp, the UART's THR-empty
 * interrupt through PLIC contexts 0 (MEIP) and 1 (SEIP), and mip writes
 * for SSIP/STIP/SEIP.  Runs on QEMU's virt with -m 128M. */
#include "test.h"
#include "priv.h"

#define SIE_BITS	(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP)
#define ALL_INTS	(MIP_MEIP | MIP_MSIP | MIP_MTIP | MIP_SEIP | MIP_SSIP | MIP_STIP)
#define S_INTS		(MIP_SEIP | MIP_SSIP | MIP_STIP)

/* An instruction run in a lower mode that must trap to M as illegal, with
 * mtval = its encoding (always a 32-bit one here) and mepc = its address. */
#define TEST_LOWER_ILLEGAL(mpp, mode, ...)			\
	.pushsection .text.lower, "ax";				\
9782:	__VA_ARGS__;						\
	ecall;							\
	.popsection;						\
	la s1, 9782b;						\
	lwu s2, 0(s1);						\
	RUN_LOWER(mpp, 9782b);					\
	CHECK_TRAP(COUNT, 1, mode, ": ", #__VA_ARGS__);		\
	CHECK_TRAP(MCAUSE, 2, mode, ": ", #__VA_ARGS__, " is illegal"); \
	CHECK_TRAP_REG(MTVAL, s2, mode, ": ", #__VA_ARGS__);	\
	CHECK_TRAP_REG(MEPC, s1, mode, ": ", #__VA_ARGS__)

/* The same, but the instruction must run without trapping. */
#define TEST_LOWER_LEGAL(mpp, mode, ...)			\
	.pushsection .text.lower, "ax";				\
9783:	__VA_ARGS__;						\
	ecall;							\
	.popsection;						\
	CALL_LOWER(mpp, 9783b, mode, ": ", #__VA_ARGS__, " is legal")

/* rt_trap.mstatus & mask == exp */
#define CHECK_TRAP_MSTATUS(mask, exp, ...)			\
	la t6, rt_trap;						\
	ld a0, RT_TRAP_MSTATUS(t6);				\
	li a1, mask;						\
	and a0, a0, a1;						\
	CHECK_IMM(a0, exp, __VA_ARGS__)

/* s_trap.sstatus & mask == exp */
#define CHECK_STRAP_SSTATUS(mask, exp, ...)			\
	la t6, s_trap;						\
	ld a0, ST_SSTATUS(t6);					\
	li a1, mask;						\
	and a0, a0, a1;						\
	CHECK_IMM(a0, exp, __VA_ARGS__)

/* reg = the low hex digits of n logged 64-bit values at addr, first
 * value in the most significant digit (uses t5, t6). */
#define PACK_LOG(reg, addr, n)					\
	li reg, 0;						\
	la t6, addr;						\
	li t5, n;						\
9784:	slli reg, reg, 4;					\
	ld a5, 0(t6);						\
	andi a5, a5, 0xf;					\
	or reg, reg, a5;					\
	addi t6, t6, 8;						\
	addi t5, t5, -1;					\
	bnez t5, 9784b

#define SET_MSTATUS(bits)	li t6, bits; csrs mstatus, t6
#define CLR_MSTATUS(bits)	li t6, bits; csrc mstatus, t6

TEST_BEGIN("priv_trap")
	/* S and U need a PMP entry: one NAPOT region over everything */
	li	a1, -1
	csrw	pmpaddr0, a1
	li	a1, 0x1f
	csrw	pmpcfg0, a1
	csrw	satp, zero
	csrw	mie, zero
	csrw	medeleg, zero
	csrw	mideleg, zero
	csrw	mcounteren, zero
	S_TRAP_INIT
	li	a1, CLINT_MTIMECMP
	li	a2, -1
	sd	a2, 0(a1)
	CLR_MSTATUS(MSTATUS_MIE | MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP)

	/* ---- delegation registers: which bits are writable ---- */
	li	a1, -1
	csrw	medeleg, a1
	csrr	a0, medeleg
	li	a1, 0xf3ff		/* bits 10 and 11 may go either way */
	and	a0, a0, a1
	CHECK_IMM(a0, 0xb3ff, "medeleg: causes 0-9, 12, 13, 15 delegable, 14 not")
	li	a1, -1
	csrw	mideleg, a1
	csrr	a0, mideleg
	li	a1, 0xaaa
	and	a0, a0, a1
	CHECK_IMM(a0, S_INTS, "mideleg: SSI, STI, SEI delegable, MSI, MTI, MEI not")
	csrw	medeleg, zero
	csrw	mideleg, zero

	/* ---- sstatus, sie, sip are views ---- */
	SET_MSTATUS(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_MPIE)
	csrr	a0, sstatus
	li	a1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TSR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_MPRV
	and	a0, a0, a1
	CHECK_IMM(a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR, "sstatus shows SIE SPIE SPP SUM MXR, hides MIE MPIE MPP")
	li	a1, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_SIE
	csrc	sstatus, a1		/* only SIE is in sstatus */
	csrr	a0, mstatus
	li	a1, MSTATUS_MPIE | MSTATUS_SIE
	and	a0, a0, a1
	CHECK_IMM(a0, MSTATUS_MPIE, "csrc sstatus cannot clear mstatus.MPIE")
	CLR_MSTATUS(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_MPIE)
	li	a1, ALL_INTS
	csrw	mie, a1
	li	a1, MIP_STIP
	csrw	mideleg, a1
	csrr	a0, sie
	CHECK_IMM(a0, MIP_STIP, "sie = mie & mideleg")
	csrw	sie, zero
	csrr	a0, mie
	CHECK_IMM(a0, ALL_INTS & ~MIP_STIP, "csrw sie, 0 clears only delegated mie bits")
	csrw	mie, zero
	li	a1, MIP_SSIP | MIP_STIP
	csrs	mip, a1
	csrr	a0, sip
	CHECK_IMM(a0, MIP_STIP, "sip = mip & mideleg")
	li	a1, MIP_SSIP | MIP_STIP
	csrw	mideleg, a1
	csrw	sip, zero		/* SSIP writable, STIP not */
	csrr	a0, mip
	andi	a0, a0, MIP_SSIP | MIP_STIP
	CHECK_IMM(a0, MIP_STIP, "csrw sip, 0 clears SSIP but not STIP")
	li	a1, MIP_STIP
	csrc	mip, a1
	csrw	mideleg, zero

	/* ---- ecall causes ---- */
	la	s1, 1f
	TRAP_ARM
1:	ecall
	TRAP_DISARM
	CHECK_TRAP(COUNT, 1, "ecall from M")
	CHECK_TRAP(MCAUSE, 11, "ecall from M")
	CHECK_TRAP_REG(MEPC, s1, "ecall from M")
	RUN_LOWER(MSTATUS_MPP_S, lo_ecall)
	CHECK_TRAP(COUNT, 1, "ecall from S")
	CHECK_TRAP(MCAUSE, 9, "ecall from S")
	CHECK_TRAP_LABEL(MEPC, lo_ecall, "ecall from S")
	CHECK_TRAP(MTVAL, 0, "ecall from S")
	CHECK_TRAP_MSTATUS(MSTATUS_MPP, MSTATUS_MPP_S, "trap from S: MPP = S")
	RUN_LOWER(0, lo_ecall)
	CHECK_TRAP(COUNT, 1, "ecall from U")
	CHECK_TRAP(MCAUSE, 8, "ecall from U")
	CHECK_TRAP_LABEL(MEPC, lo_ecall, "ecall from U")
	CHECK_TRAP_MSTATUS(MSTATUS_MPP, 0, "trap from U: MPP = U")

	/* ---- illegal below M: CSRs of a higher level, xRET, and friends ---- */
	TEST_LOWER_ILLEGAL(0, "U", csrr a0, sstatus)
	TEST_LOWER_ILLEGAL(0, "U", csrw sscratch, a0)
	TEST_LOWER_ILLEGAL(0, "U", csrr a0, satp)
	TEST_LOWER_ILLEGAL(0, "U", csrr a0, stvec)
	TEST_LOWER_ILLEGAL(0, "U", csrr a0, mstatus)
	TEST_LOWER_ILLEGAL(0, "U", csrw mepc, a0)
	TEST_LOWER_ILLEGAL(0, "U", csrr a0, mhartid)
	TEST_LOWER_ILLEGAL(0, "U", sret)
	TEST_LOWER_ILLEGAL(0, "U", mret)
	TEST_LOWER_ILLEGAL(0, "U", sfence.vma)
	TEST_LOWER_ILLEGAL(0, "U", wfi)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrr a0, mstatus)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrw mscratch, a0)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrr a0, mhartid)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrr a0, mie)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrr a0, mip)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrw mtvec, a0)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrr a0, medeleg)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrr a0, pmpcfg0)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrr a0, pmpaddr0)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrr a0, mcounteren)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrr a0, minstret)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", mret)
	/* read-only CSRs cannot be written from any mode */
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrw cycle, a0)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S", csrw time, zero)
	/* S-level CSRs are fine in S */
	TEST_LOWER_LEGAL(MSTATUS_MPP_S, "S", csrr a0, sstatus; csrr a0, sscratch; csrw sscratch, a0; csrr a0, sie; csrr a0, sip; csrr a0, stvec; csrr a0, satp)
	la	s1, 1f
	lwu	s2, 0(s1)
	TRAP_ARM
1:	csrw	mhartid, zero
	TRAP_DISARM
	CHECK_TRAP(MCAUSE, 2, "M: csrw mhartid is illegal")
	CHECK_TRAP_REG(MTVAL, s2, "M: csrw mhartid")

	/* ---- exceptions delegated to S ---- */
	S_TRAP_ARM
	/* ebreak in U, delegated, with SIE = 1: the handler sees SPP = U,
	 * SPIE = 1, SIE = 0; sret gives SIE back */
	li	a1, 1 << 3
	csrw	medeleg, a1
	SET_MSTATUS(MSTATUS_SIE)
	RUN_LOWER(0, lo_ebreak)
	CHECK_TRAP(COUNT, 1, "U ebreak delegated: U's ecall reaches M")
	CHECK_TRAP(MCAUSE, 8, "U ebreak delegated: then ecall from U")
	CHECK_STRAP(COUNT, 1, "U ebreak delegated")
	CHECK_STRAP(SCAUSE, 3, "U ebreak delegated")
	CHECK_STRAP_LABEL(SEPC, lo_ebreak, "U ebreak delegated")
	CHECK_STRAP(STVAL, 0, "U ebreak delegated")
	CHECK_STRAP_SSTATUS(SIE_BITS, MSTATUS_SPIE, "U ebreak delegated, handler: SPP=U SPIE=1 SIE=0")
	CHECK_TRAP_MSTATUS(SIE_BITS, MSTATUS_SIE | MSTATUS_SPIE, "after sret to U: SIE=1 SPIE=1 SPP=U")
	/* an illegal CSR access in S, delegated, with SIE = 0 */
	li	a1, 1 << 2
	csrw	medeleg, a1
	CLR_MSTATUS(SIE_BITS)
	S_TRAP_ARM
	la	s1, lo_ill_csr
	lwu	s2, 0(s1)
	RUN_LOWER(MSTATUS_MPP_S, lo_ill_csr)
	CHECK_TRAP(COUNT, 1, "S illegal delegated: S's ecall reaches M")
	CHECK_TRAP(MCAUSE, 9, "S illegal delegated: then ecall from S")
	CHECK_STRAP(COUNT, 1, "S illegal delegated")
	CHECK_STRAP(SCAUSE, 2, "S illegal delegated")
	CHECK_STRAP_REG(SEPC, s1, "S illegal delegated")
	CHECK_STRAP_REG(STVAL, s2, "S illegal delegated: stval = the instruction")
	CHECK_STRAP_SSTATUS(SIE_BITS, MSTATUS_SPP, "S illegal delegated, handler: SPP=S SPIE=0 SIE=0")
	CHECK_TRAP_MSTATUS(SIE_BITS, MSTATUS_SPIE, "after sret to S: SIE=0 SPIE=1 SPP=U")
	/* ebreak in S with SIE = 1 */
	li	a1, 1 << 3
	csrw	medeleg, a1
	SET_MSTATUS(MSTATUS_SIE)
	S_TRAP_ARM
	RUN_LOWER(MSTATUS_MPP_S, lo_ebreak)
	CHECK_TRAP(MCAUSE, 9, "S ebreak delegated: then ecall from S")
	CHECK_STRAP(COUNT, 1, "S ebreak delegated")
	CHECK_STRAP(SCAUSE, 3, "S ebreak delegated")
	CHECK_STRAP_SSTATUS(SIE_BITS, MSTATUS_SPP | MSTATUS_SPIE, "S ebreak delegated, handler: SPP=S SPIE=1 SIE=0")
	CHECK_TRAP_MSTATUS(SIE_BITS, MSTATUS_SIE | MSTATUS_SPIE, "after sret to S: SIE=1 SPIE=1 SPP=U")
	CLR_MSTATUS(SIE_BITS)
	/* ecall from U delegated: S resumes itself in S and ecalls to M */
	li	a1, 1 << 8
	csrw	medeleg, a1
	S_TRAP_ARM
	S_TRAP_RESUME_AT(lo_ecall)
	S_TRAP_TO_S(1)
	RUN_LOWER(0, lo_ecall_u)
	S_TRAP_TO_S(0)
	CHECK_TRAP(COUNT, 1, "U ecall delegated: S's ecall reaches M")
	CHECK_TRAP(MCAUSE, 9, "U ecall delegated: then ecall from S")
	CHECK_TRAP_LABEL(MEPC, lo_ecall, "U ecall delegated: S resumed at its own label")
	CHECK_STRAP(COUNT, 1, "U ecall delegated")
	CHECK_STRAP(SCAUSE, 8, "U ecall delegated")
	CHECK_STRAP_LABEL(SEPC, lo_ecall_u, "U ecall delegated")
	CHECK_STRAP(STVAL, 0, "U ecall delegated")
	/* ecall from S delegated: handled in S; an ebreak then goes to M */
	li	a1, 1 << 9
	csrw	medeleg, a1
	S_TRAP_ARM
	RUN_LOWER(MSTATUS_MPP_S, lo_ecall_s)
	CHECK_TRAP(COUNT, 1, "S ecall delegated: one trap to M")
	CHECK_TRAP(MCAUSE, 3, "S ecall delegated: the ebreak (not delegated) reaches M")
	CHECK_STRAP(COUNT, 1, "S ecall delegated")
	CHECK_STRAP(SCAUSE, 9, "S ecall delegated")
	CHECK_STRAP_LABEL(SEPC, lo_ecall_s, "S ecall delegated")
	/* nothing raised in M is delegated */
	li	a1, -1
	csrw	medeleg, a1
	S_TRAP_ARM
	TRAP_ARM
	ecall
	csrw	mhartid, zero
	ebreak
	TRAP_DISARM
	CHECK_TRAP(COUNT, 3, "M ecall, illegal and ebreak with medeleg = all: taken in M")
	CHECK_STRAP(COUNT, 0, "M traps never reach S")
	csrw	medeleg, zero
	/* a fault in S without delegation goes to M */
	S_TRAP_ARM
	RUN_LOWER(MSTATUS_MPP_S, lo_ill_csr)
	CHECK_TRAP(MCAUSE, 2, "S illegal, not delegated: M")
	CHECK_STRAP(COUNT, 0, "S illegal, not delegated: S sees nothing")
	S_TRAP_DISARM

	/* ---- sret from M, and mstatus.TSR ---- */
	la	a1, lo_ecall
	csrw	sepc, a1
	SET_MSTATUS(MSTATUS_SPP | MSTATUS_SPIE)
	RUN_LOWER(MSTATUS_MPP, sret_from_m)	/* MPP = M: runs in M */
	CHECK_TRAP(MCAUSE, 9, "sret from M with SPP=S: lands in S at sepc")
	CHECK_TRAP_LABEL(MEPC, lo_ecall, "sret from M: pc = sepc")
	CHECK_TRAP_MSTATUS(SIE_BITS, MSTATUS_SIE | MSTATUS_SPIE, "sret from M: SIE=SPIE, SPIE=1, SPP=U")
	CLR_MSTATUS(SIE_BITS)
	SET_MSTATUS(MSTATUS_TSR)
	la	a1, lo_ecall
	csrw	sepc, a1
	RUN_LOWER(MSTATUS_MPP, sret_from_m)
	CHECK_TRAP(MCAUSE, 8, "TSR=1: sret from M still works (SPP=U: lands in U)")
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S with TSR=1", sret)
	CLR_MSTATUS(MSTATUS_TSR)
	/* sret in S with TSR=0 and SPP=S: back in S */
	RUN_LOWER(MSTATUS_MPP_S, lo_sret_s)
	CHECK_TRAP(MCAUSE, 9, "S sret with TSR=0 (SPP=S): stays in S")
	CHECK_TRAP_LABEL(MEPC, lo_ecall, "S sret: pc = sepc")
	CLR_MSTATUS(SIE_BITS)		/* those srets set SIE from SPIE */

	/* ---- mstatus.TVM ---- */
	SET_MSTATUS(MSTATUS_TVM)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S with TVM=1", csrr a0, satp)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S with TVM=1", csrw satp, zero)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S with TVM=1", sfence.vma)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S with TVM=1", sfence.vma a0, zero)
	TRAP_ARM
	csrr	a0, satp
	csrw	satp, zero
	sfence.vma
	TRAP_DISARM
	CHECK_TRAP(COUNT, 0, "M with TVM=1: satp and sfence.vma fine")
	CLR_MSTATUS(MSTATUS_TVM)
	TEST_LOWER_LEGAL(MSTATUS_MPP_S, "S with TVM=0", csrr a0, satp; csrw satp, zero; sfence.vma)

	/* ---- mstatus.TW: wfi in S traps; in U it always does ---- */
	SET_MSTATUS(MSTATUS_TW)
	TEST_LOWER_ILLEGAL(MSTATUS_MPP_S, "S with TW=1", wfi)
	TEST_LOWER_ILLEGAL(0, "U with TW=1", wfi)
	CLR_MSTATUS(MSTATUS_TW)
	/* TW=0: wfi in S returns once an enabled interrupt is pending, even
	 * one S does not take (delegated SSI with SIE=0) */
	li	a1, MIP_SSIP
	csrw	mideleg, a1
	csrw	mie, a1
	csrs	mip, a1
	S_TRAP_ARM
	TEST_LOWER_LEGAL(MSTATUS_MPP_S, "S with TW=0 and SSIP pending", wfi)
	CHECK_STRAP(COUNT, 0, "S wfi with SIE=0: no S trap")
	S_TRAP_DISARM
	li	a1, MIP_SSIP
	csrc	mip, a1
	csrw	mie, zero
	csrw	mideleg, zero

	/* ---- interrupt priority, all six pending, in M ---- */
	call	irq_sources_on
	li	a1, 0x222
	csrs	mip, a1			/* SSIP, STIP; SEIP also by software */
	csrr	a0, mip
	li	a1, 0xaaa
	and	a0, a0, a1
	CHECK_IMM(a0, ALL_INTS, "mip: MEIP MSIP MTIP SEIP SSIP STIP all pending")
	li	a1, ALL_INTS
	csrw	mie, a1
	M_LOG_START
	TRAP_ARM
	csrsi	mstatus, MSTATUS_MIE
	nop
	nop
	csrci	mstatus, MSTATUS_MIE
	TRAP_DISARM
	M_LOG_STOP
	CHECK_TRAP(COUNT, 6, "six pending interrupts: six traps")
	/* the causes in order, one hex digit each: the spec's MEI MSI MTI
	 * SEI SSI STI, or QEMU 7.2's lowest number first (without AIA it
	 * takes ctz(pending)) */
	PACK_LOG(a0, m_log + M_LOG_CAUSE, 6)
	CHECK_ONE_OF(a0, 0xb37915, 0x13579b, "priority of six pending M interrupts: MEI MSI MTI SEI SSI STI (spec) or by number (QEMU 7.2)")
	csrr	a0, mie
	CHECK_IMM(a0, 0, "each handler masked its interrupt")
	/* the three S ones delegated and taken in S with SIE=1, in order */
	li	a1, S_INTS
	csrw	mideleg, a1
	csrw	mie, a1
	SET_MSTATUS(MSTATUS_SIE)
	S_TRAP_ARM
	RUN_LOWER(MSTATUS_MPP_S, lo_ecall)
	S_TRAP_DISARM
	CHECK_TRAP(MCAUSE, 9, "delegated priority: S gets back to M by ecall")
	CHECK_STRAP(COUNT, 3, "delegated priority: three S traps")
	PACK_LOG(a0, s_trap + ST_LOG, 3)
	CHECK_ONE_OF(a0, 0x915, 0x159, "priority of the delegated SEI SSI STI in S (spec) or by number (QEMU 7.2)")
	CHECK_STRAP_LABEL(SEPC, lo_ecall, "delegated interrupt: sepc = where it struck")
	CHECK_STRAP_SSTATUS(SIE_BITS, MSTATUS_SPP | MSTATUS_SPIE, "interrupt from S, handler: SPP=S SPIE=1 SIE=0")
	CLR_MSTATUS(SIE_BITS)
	/* an M interrupt preempts S whatever mstatus.MIE says */
	li	a1, MIP_MSIP | MIP_SSIP
	csrw	mie, a1
	li	a1, MIP_SSIP
	csrw	mideleg, a1
	SET_MSTATUS(MSTATUS_SIE)
	S_TRAP_ARM
	RUN_LOWER(MSTATUS_MPP_S, lo_ecall)
	CHECK_TRAP(MCAUSE, CAUSE_INTR | 3, "MSI and delegated SSI pending in S: M's comes first")
	CHECK_TRAP_LABEL(MEPC, lo_ecall, "MSI in S: mepc = the first S instruction")
	CHECK_TRAP_MSTATUS(MSTATUS_MPP | MSTATUS_MPIE, MSTATUS_MPP_S, "MSI in S with MIE=0: taken, MPP=S MPIE=0")
	CHECK_STRAP(COUNT, 0, "MSI in S: S saw nothing yet")
	li	a1, CLINT_MSIP
	sw	zero, 0(a1)
	RUN_LOWER(MSTATUS_MPP_S, lo_ecall)
	CHECK_TRAP(MCAUSE, 9, "then S takes SSI and ecalls")
	CHECK_STRAP(COUNT, 1, "then S takes SSI")
	CHECK_STRAP(SCAUSE, CAUSE_INTR | 1, "then S takes SSI")
	/* a delegated interrupt is never taken in M */
	li	a1, MIP_SSIP
	csrw	mie, a1
	S_TRAP_ARM
	TRAP_ARM
	csrsi	mstatus, MSTATUS_MIE
	nop
	nop
	csrci	mstatus, MSTATUS_MIE
	TRAP_DISARM
	CHECK_TRAP(COUNT, 0, "delegated SSI pending in M with MIE=1: not taken")
	CHECK_STRAP(COUNT, 0, "delegated SSI pending in M: S not entered")
	/* ... and always taken in U, whatever SIE says */
	CLR_MSTATUS(MSTATUS_SIE)
	RUN_LOWER(0, lo_ecall)
	CHECK_TRAP(MCAUSE, 8, "delegated SSI in U: S handles it, U ecalls")
	CHECK_STRAP(COUNT, 1, "delegated SSI in U with SIE=0: taken")
	CHECK_STRAP(SCAUSE, CAUSE_INTR | 1, "delegated SSI in U")
	CHECK_STRAP_LABEL(SEPC, lo_ecall, "delegated SSI in U: sepc")
	CHECK_STRAP_SSTATUS(SIE_BITS, 0, "interrupt from U with SIE=0: SPP=U SPIE=0 SIE=0")
	/* an S interrupt that is not delegated goes to M, also from S */
	csrw	mideleg, zero
	li	a1, MIP_SSIP
	csrw	mie, a1
	SET_MSTATUS(MSTATUS_SIE)
	S_TRAP_ARM
	RUN_LOWER(MSTATUS_MPP_S, lo_ecall)
	CHECK_TRAP(MCAUSE, CAUSE_INTR | 1, "SSI not delegated, pending in S: M takes it")
	CHECK_STRAP(COUNT, 0, "SSI not delegated: S sees nothing")
	S_TRAP_DISARM
	CLR_MSTATUS(SIE_BITS)
	li	a1, S_INTS
	csrc	mip, a1
	csrw	mie, zero
	call	irq_sources_off
	csrr	a0, mip
	li	a1, 0xaaa
	and	a0, a0, a1
	CHECK_IMM(a0, 0, "every source cleared")

	/* ---- mip.SEIP: the software-written bit is separate from the
	 * PLIC's line; reads show their OR ---- */
	li	a1, MIP_SEIP
	csrs	mip, a1
	csrr	a0, mip
	andi	a0, a0, MIP_SEIP
	CHECK_IMM(a0, MIP_SEIP, "csrs mip, SEIP: mip.SEIP reads 1")
	li	a1, PLIC_THRESH(1)	/* PLIC activity, its S line stays low */
	sw	zero, 0(a1)
	li	a1, UART_BASE + 1
	li	a2, 2
	sb	a2, 0(a1)		/* UART interrupt line up (not enabled in the PLIC) */
	sb	zero, 0(a1)		/* and down */
	csrr	a0, mip
	andi	a0, a0, MIP_SEIP
	CHECK_IMM(a0, MIP_SEIP, "software SEIP survives PLIC and UART activity")
	li	a1, MIP_SEIP
	csrc	mip, a1
	csrr	a0, mip
	andi	a0, a0, MIP_SEIP
	CHECK_IMM(a0, 0, "csrc mip, SEIP clears it")

	/* ---- the PLIC's gateway: a request from a level source stays
	 * pending after the source drops its line, until it is claimed
	 * (PLIC spec, "Interrupt Gateways") ---- */
	li	a1, PLIC_PRIO(UART_IRQ)
	li	a2, 1
	sw	a2, 0(a1)
	li	a1, PLIC_THRESH(0)
	sw	zero, 0(a1)
	li	a1, PLIC_ENABLE(0)
	li	a2, 1 << UART_IRQ
	sw	a2, 0(a1)
	li	a1, UART_BASE + 1
	li	a2, 2
	sb	a2, 0(a1)		/* IER = THRI: line up */
	sb	zero, 0(a1)		/* IER = 0: line down */
	li	a1, PLIC_PENDING
	lw	a0, 0(a1)
	li	a1, 1 << UART_IRQ
	and	a0, a0, a1
	CHECK_IMM(a0, 1 << UART_IRQ, "PLIC: the request stays pending after the UART drops its line")
	csrr	a0, mip
	li	a1, MIP_MEIP
	and	a0, a0, a1
	CHECK_IMM(a0, MIP_MEIP, "PLIC: MEIP stays up until the claim")
	li	a1, PLIC_CLAIM(0)
	lw	a0, 0(a1)
	CHECK_IMM(a0, UART_IRQ, "PLIC: the claim returns the UART's source")
	sw	a0, 0(a1)		/* complete */
	li	a1, PLIC_PENDING
	lw	a0, 0(a1)
	CHECK_IMM(a0, 0, "PLIC: nothing pending after claim and completion")
	csrr	a0, mip
	li	a1, MIP_MEIP
	and	a0, a0, a1
	CHECK_IMM(a0, 0, "PLIC: MEIP down after the claim")
	li	a1, PLIC_ENABLE(0)
	sw	zero, 0(a1)

	/* ---- vectored stvec: interrupts to BASE + 4 * cause ---- */
	la	a1, s_vtable
	ori	a1, a1, 1
	csrw	stvec, a1
	csrr	a0, stvec
	CHECK_EQ(a0, a1, "stvec keeps MODE = 1 (vectored)")
	call	irq_sources_on
	li	a1, MIP_MSIP		/* only the S ones here */
	csrc	mie, a1
	li	a1, CLINT_MSIP
	sw	zero, 0(a1)
	li	a1, CLINT_MTIMECMP
	li	a2, -1
	sd	a2, 0(a1)
	li	a1, PLIC_ENABLE(0)
	sw	zero, 0(a1)
	li	a1, MIP_SSIP | MIP_STIP
	csrs	mip, a1
	li	a1, S_INTS
	csrw	mideleg, a1
	csrw	mie, a1
	li	a1, 1 << 3
	csrw	medeleg, a1
	SET_MSTATUS(MSTATUS_SIE)
	S_TRAP_ARM
	RUN_LOWER(MSTATUS_MPP_S, lo_ebreak)
	S_TRAP_DISARM
	CHECK_TRAP(MCAUSE, 9, "vectored stvec: S ends with ecall")
	CHECK_STRAP(COUNT, 4, "vectored stvec: three interrupts and an ebreak")
	PACK_LOG(a0, s_trap + ST_ELOG, 4)
	CHECK_ONE_OF(a0, 0x9150, 0x1590, "vectored stvec entries: SEI at 9, SSI at 1, STI at 5 (either priority order), ebreak at BASE")
	CHECK_SLOG(3, 3, "vectored stvec: the exception's cause")
	S_TRAP_INIT
	CLR_MSTATUS(SIE_BITS)
	csrw	medeleg, zero
	csrw	mideleg, zero
	call	irq_sources_off
	li	a1, MIP_SSIP | MIP_STIP
	csrc	mip, a1

	/* ---- vectored mtvec ---- */
	call	irq_sources_on
	li	a1, PLIC_ENABLE(1)	/* no SEI: MEI, MSI, MTI, then SSI */
	sw	zero, 0(a1)
	li	a1, MIP_SSIP
	csrs	mip, a1
	li	a1, MIP_MEIP | MIP_MSIP | MIP_MTIP | MIP_SSIP
	csrw	mie, a1
	csrr	s3, mtvec
	la	a1, m_vtable
	ori	a1, a1, 1
	csrw	mtvec, a1
	csrr	a0, mtvec
	CHECK_EQ(a0, a1, "mtvec keeps MODE = 1 (vectored)")
	M_VLOG_RESET
	M_LOG_START
	TRAP_ARM
	csrsi	mstatus, MSTATUS_MIE
	nop
	csrci	mstatus, MSTATUS_MIE
	ecall
	TRAP_DISARM
	M_LOG_STOP
	csrw	mtvec, s3
	CHECK_TRAP(COUNT, 5, "vectored mtvec: four interrupts and an ecall")
	CHECK_MVLOG(M_VLOG_COUNT, 5, "vectored mtvec: five entries used")
	PACK_LOG(a0, m_vlog + M_VLOG_ENTRY, 5)
	CHECK_ONE_OF(a0, 0xb3710, 0x137b0, "vectored mtvec entries: MEI at 11, MSI at 3, MTI at 7, SSI at 1 (either priority order), ecall at BASE")
	CHECK_MLOG(M_LOG_CAUSE + 32, 11, "vectored mtvec: the ecall's cause")
	call	irq_sources_off
	li	a1, MIP_SSIP
	csrc	mip, a1
	csrw	mie, zero
TEST_END

	/* Every interrupt source pending: UART THR-empty interrupt through
	 * PLIC contexts 0 (MEIP) and 1 (SEIP), CLINT msip and mtimecmp = 0. */
irq_sources_on:
	li	t0, PLIC_PRIO(UART_IRQ)
	li	t1, 1
	sw	t1, 0(t0)
	li	t0, PLIC_THRESH(0)
	sw	zero, 0(t0)
	li	t0, PLIC_THRESH(1)
	sw	zero, 0(t0)
	li	t1, 1 << UART_IRQ
	li	t0, PLIC_ENABLE(0)
	sw	t1, 0(t0)
	li	t0, PLIC_ENABLE(1)
	sw	t1, 0(t0)
	li	t0, UART_BASE + 1	/* IER = THRI */
	li	t1, 2
	sb	t1, 0(t0)
	li	t0, CLINT_MSIP
	li	t1, 1
	sw	t1, 0(t0)
	li	t0, CLINT_MTIMECMP
	sd	zero, 0(t0)
	ret

	/* All off again.  The PLIC keeps a request pending after the UART
	 * drops its line until it is claimed (and QEMU 7.2 re-evaluates its
	 * outputs on claims, not on enable writes), so claim and complete in
	 * both contexts before disabling them. */
irq_sources_off:
	li	t0, UART_BASE + 1
	sb	zero, 0(t0)
	li	t0, PLIC_CLAIM(0)
	lw	t1, 0(t0)
	sw	t1, 0(t0)
	li	t0, PLIC_CLAIM(1)
	lw	t1, 0(t0)
	sw	t1, 0(t0)
	li	t0, PLIC_ENABLE(0)
	sw	zero, 0(t0)
	li	t0, PLIC_ENABLE(1)
	sw	zero, 0(t0)
	li	t0, CLINT_MSIP
	sw	zero, 0(t0)
	li	t0, CLINT_MTIMECMP
	li	t1, -1
	sd	t1, 0(t0)
	ret

	/* ---- code run below M ---- */
	.balign	4
lo_ecall:
	ecall
lo_ebreak:
	ebreak
	ecall
lo_ill_csr:
	csrr	a0, mstatus
	ecall
lo_ecall_u:
	ecall
	TEST_FAIL_HERE("delegated U ecall resumed in U")
lo_ecall_s:
	ecall
	ebreak
lo_sret_s:
	la	a0, lo_ecall
	csrw	sepc, a0
	li	a0, MSTATUS_SPP
	csrs	sstatus, a0
	sret
	/* an sret executed in M (RUN_LOWER with MPP = M) */
sret_from_m:
	sret

#include "privrt.S"
