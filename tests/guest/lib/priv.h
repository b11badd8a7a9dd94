/* Privileged-architecture helpers for assembly guest tests: include after
 * test.h.  CSR bit names and the virt addresses of the CLINT, PLIC and
 * UART; macros that run code in S or U mode and come back to M through the
 * runtime's M vector; and the layout of, and checks on, the trap records
 * that privrt.S (included once at the end of a test) keeps: s_trap for its
 * S-mode vector, m_log and m_vlog for M.  Owns none of the runtime. */
#ifndef PRIV_H
#define PRIV_H

/* mstatus / sstatus */
#define MSTATUS_SIE	0x2
#define MSTATUS_MIE	0x8
#define MSTATUS_SPIE	0x20
#define MSTATUS_MPIE	0x80
#define MSTATUS_SPP	0x100
#define MSTATUS_MPP	0x1800
#define MSTATUS_MPP_S	0x800
#define MSTATUS_MPRV	0x20000
#define MSTATUS_SUM	0x40000
#define MSTATUS_MXR	0x80000
#define MSTATUS_TVM	0x100000
#define MSTATUS_TW	0x200000
#define MSTATUS_TSR	0x400000

/* mip / mie bits and interrupt causes */
#define MIP_SSIP	0x2
#define MIP_MSIP	0x8
#define MIP_STIP	0x20
#define MIP_MTIP	0x80
#define MIP_SEIP	0x200
#define MIP_MEIP	0x800
#define CAUSE_INTR	0x8000000000000000

/* satp modes */
#define SATP_SV39	0x8000000000000000
#define SATP_SV48	0x9000000000000000

/* PTE bits */
#define PTE_V		0x01
#define PTE_R		0x02
#define PTE_W		0x04
#define PTE_X		0x08
#define PTE_U		0x10
#define PTE_G		0x20
#define PTE_A		0x40
#define PTE_D		0x80

/* virt devices */
#define CLINT_MSIP	0x2000000
#define CLINT_MTIMECMP	0x2004000
#define CLINT_MTIME	0x200bff8
#define PLIC_BASE	0xc000000
#define PLIC_PRIO(src)	(PLIC_BASE + 4 * (src))
#define PLIC_PENDING	(PLIC_BASE + 0x1000)
#define PLIC_ENABLE(ctx) (PLIC_BASE + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESH(ctx) (PLIC_BASE + 0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx)	(PLIC_BASE + 0x200004 + 0x1000 * (ctx))
#define UART_BASE	0x10000000
#define UART_IRQ	10

/* ---- running code below M ----
 * RUN_LOWER(mpp, label): mret to label in the mode given as an MPP value
 * (0 = U, MSTATUS_MPP_S = S) with M's vector armed; the first trap that
 * reaches M (an ecall, or any exception or interrupt not delegated) comes
 * back to M at the instruction after the macro, in M, with the vector
 * disarmed.  rt_trap then describes that trap.  MPIE is cleared first, so
 * M comes back with MIE = 0.  Clobbers t5, t6. */
#define RUN_LOWER(mpp, label)	RUN_LOWER_OFF(mpp, label, 0)

/* The same at label + off (for code reached through an alias mapping). */
#define RUN_LOWER_OFF(mpp, label, off)				\
	TRAP_ARM;						\
	TRAP_RESUME_AT(9781f);					\
	li t5, 1;						\
	sd t5, RT_TRAP_TO_M(t6);				\
	li t6, MSTATUS_MPP | MSTATUS_MPIE;			\
	csrc mstatus, t6;					\
	li t6, mpp;						\
	csrs mstatus, t6;					\
	la t6, label;						\
	li t5, off;						\
	add t6, t6, t5;						\
	csrw mepc, t6;						\
	mret;							\
9781:	TRAP_DISARM;						\
	sd zero, RT_TRAP_TO_M(t6)

/* RUN_LOWER, then check that exactly one trap reached M and that it was
 * the ecall from that mode (cause 8 from U, 9 from S: mpp is 0 or
 * MSTATUS_MPP_S). */
#define CALL_LOWER(mpp, label, ...)				\
	RUN_LOWER(mpp, label);					\
	CHECK_TRAP(COUNT, 1, __VA_ARGS__, ": one trap to M");	\
	CHECK_TRAP(MCAUSE, (8 + ((mpp) >> 11)), __VA_ARGS__, ": back to M by ecall")

/* ---- the S-mode trap vector (privrt.S: #include it once, at the end
 * of the test) ----
 * s_trap layout (offsets): */
#define ST_ARMED	0	/* non-zero: S traps are expected */
#define ST_COUNT	8	/* traps taken while armed */
#define ST_SCAUSE	16	/* of the last one */
#define ST_STVAL	24
#define ST_SEPC		32
#define ST_SSTATUS	40	/* sstatus inside the handler */
#define ST_ENTRY	48	/* vector entry used: -1 direct, else 0..15 */
#define ST_RESUME	56	/* non-zero: resume here (one shot) */
#define ST_TO_S		64	/* non-zero: return to S (SPP = 1) */
#define ST_SAVE		72	/* t0, t1, t2, scratch */
#define ST_LOG		104	/* scause of the first 8 traps */
#define ST_ELOG		168	/* vector entry of the first 8 traps */
#define ST_SIZE		232

/* The handler (sscratch must hold &s_trap while below M): records scause,
 * stval, sepc, sstatus and the entry, then resumes at ST_RESUME if set;
 * after an interrupt it clears that interrupt's bit in sie (so a level
 * that is still pending does not come straight back) and resumes where it
 * struck; after an exception it skips the faulting instruction (2 or 4
 * bytes, read with SUM set so U pages work too).  Fetch faults need
 * ST_RESUME.  A trap while not armed prints FAIL and exits. */
#define S_TRAP_ARM						\
	la t6, s_trap;						\
	sd zero, ST_COUNT(t6);					\
	li t5, -1;						\
	sd t5, ST_SCAUSE(t6);					\
	sd t5, ST_STVAL(t6);					\
	sd t5, ST_SEPC(t6);					\
	sd t5, ST_ENTRY(t6);					\
	li t5, 1;						\
	sd t5, ST_ARMED(t6)

#define S_TRAP_DISARM						\
	la t6, s_trap;						\
	sd zero, ST_ARMED(t6)

#define S_TRAP_RESUME_AT(label)	S_TRAP_RESUME_AT_OFF(label, 0)
#define S_TRAP_RESUME_AT_OFF(label, off)			\
	la t6, label;						\
	li t5, off;						\
	add t5, t5, t6;						\
	la t6, s_trap;						\
	sd t5, ST_RESUME(t6)

#define S_TRAP_TO_S(val)					\
	la t6, s_trap;						\
	li t5, val;						\
	sd t5, ST_TO_S(t6)

/* Check a field of s_trap (COUNT, SCAUSE, STVAL, SEPC, SSTATUS, ENTRY). */
#define CHECK_STRAP_REG(field, expreg, ...)			\
	la t6, s_trap;						\
	ld t6, ST_##field(t6);					\
	CHECK_EQ(t6, expreg, __VA_ARGS__, " s" #field)

#define CHECK_STRAP(field, expval, ...)				\
	li t5, expval;						\
	CHECK_STRAP_REG(field, t5, __VA_ARGS__)

#define CHECK_STRAP_LABEL(field, label, ...)			\
	la t5, label;						\
	CHECK_STRAP_REG(field, t5, __VA_ARGS__)

/* n-th logged scause / entry (n = 0..7). */
#define CHECK_SLOG(n, expval, ...)				\
	la t6, s_trap;						\
	ld t6, ST_LOG + 8 * (n)(t6);				\
	li t5, expval;						\
	CHECK_EQ(t6, t5, __VA_ARGS__)
#define CHECK_SELOG(n, expval, ...)				\
	la t6, s_trap;						\
	ld t6, ST_ELOG + 8 * (n)(t6);				\
	li t5, expval;						\
	CHECK_EQ(t6, t5, __VA_ARGS__)

/* Point sscratch at s_trap and stvec at the direct vector (from M). */
#define S_TRAP_INIT						\
	la t6, s_trap;						\
	csrw sscratch, t6;					\
	la t6, s_trap_vector;					\
	csrw stvec, t6

/* ---- M side (privrt.S) ----
 * m_log: what m_log_hook saw since the last M_LOG_RESET. */
#define M_LOG_COUNT	0
#define M_LOG_CAUSE	8	/* mcause of the first 8 traps */
#define M_LOG_SIZE	72
/* m_vlog: the m_vtable entries used since the last M_VLOG_RESET. */
#define M_VLOG_COUNT	0
#define M_VLOG_LAST	8
#define M_VLOG_SAVE	16	/* t1, t2 */
#define M_VLOG_ENTRY	32	/* entry of the first 8 traps */
#define M_VLOG_SIZE	96

/* Install m_log_hook and empty the log (clobbers t5, t6). */
#define M_LOG_START						\
	la t6, m_log;						\
	sd zero, M_LOG_COUNT(t6);				\
	la t6, rt_trap;						\
	la t5, m_log_hook;					\
	sd t5, RT_TRAP_HOOK(t6)
#define M_LOG_STOP						\
	la t6, rt_trap;						\
	sd zero, RT_TRAP_HOOK(t6)
#define CHECK_MLOG(field, expval, ...)				\
	la t6, m_log;						\
	ld t6, field(t6);					\
	li t5, expval;						\
	CHECK_EQ(t6, t5, __VA_ARGS__)
#define M_VLOG_RESET						\
	la t6, m_vlog;						\
	sd zero, M_VLOG_COUNT(t6);				\
	csrw mscratch, t6
#define CHECK_MVLOG(field, expval, ...)				\
	la t6, m_vlog;						\
	ld t6, field(t6);					\
	li t5, expval;						\
	CHECK_EQ(t6, t5, __VA_ARGS__)

#endif /* PRIV_H */
