/* Reprise guest test runtime, C side: console output, exit through the
 * sifive_test finisher, check helpers that report FAIL lines, and the trap
 * hook.  Shared by C tests and (through the RT_* offsets) by crt0.S and
 * test.h; it knows nothing about any particular test. */
#ifndef RT_H
#define RT_H

/* Offsets into struct rt_trap_state, for assembly. */
#define RT_TRAP_ARMED		0
#define RT_TRAP_COUNT		8
#define RT_TRAP_MCAUSE		16
#define RT_TRAP_MTVAL		24
#define RT_TRAP_MEPC		32
#define RT_TRAP_MSTATUS		40
#define RT_TRAP_RESUME		48
#define RT_TRAP_TO_M		56
#define RT_TRAP_HOOK		64
#define RT_TRAP_IN_HANDLER	72

/* Trap frame pushed on the stack by the vector: x0..x31 then CSRs. */
#define RT_FRAME_MEPC		256
#define RT_FRAME_MCAUSE		264
#define RT_FRAME_MTVAL		272
#define RT_FRAME_MSTATUS	280
#define RT_FRAME_SIZE		288

/* Exit codes a failing guest reports through the finisher. */
#define RT_EXIT_CHECK		1	/* a check failed */
#define RT_EXIT_TRAP		2	/* a trap nobody expected */
#define RT_EXIT_NESTED		3	/* a trap inside the trap handler */
#define RT_EXIT_MAIN		4	/* main returned non-zero */

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stdnoreturn.h>

/* Register image of the interrupted code; a hook may change any of it. */
struct rt_frame {
	uint64_t x[32];
	uint64_t mepc, mcause, mtval, mstatus;
};

/* Trap hook: runs inside the vector with the frame of the trapping code.
 * Return 0 for the default resume (after the faulting instruction, or at
 * rt_trap.resume), non-zero to resume at frame->mepc as the hook left it.
 * A hook must not touch floating-point state. */
typedef int (*rt_trap_hook)(struct rt_frame *frame);

/* The trap vector's bookkeeping.  A test sets armed to expect traps; every
 * trap taken while armed bumps count and records the CSRs.  A trap while
 * not armed is a failure. */
struct rt_trap_state {
	volatile uint64_t armed;	/* non-zero: traps are expected */
	volatile uint64_t count;	/* traps taken while armed */
	volatile uint64_t mcause, mtval, mepc, mstatus;	/* of the last one */
	volatile uint64_t resume;	/* non-zero: resume here (one shot) */
	volatile uint64_t to_m;		/* non-zero: force MPP=M before mret */
	rt_trap_hook volatile hook;	/* optional, see above */
	volatile uint64_t in_handler;	/* guards against nested traps */
};

extern struct rt_trap_state rt_trap;
extern uint64_t rt_nchecks;		/* checks passed so far */
extern const char rt_test_name[];	/* defined by each test */

#define RT_TEST_NAME(s) const char rt_test_name[] = s

void rt_putc(char c);
void rt_puts(const char *s);
void rt_puthex(uint64_t v);		/* "0x" and no leading zeros */
void rt_putdec(uint64_t v);
noreturn void rt_exit(unsigned code);	/* 0: power off, else fail code */
noreturn void rt_pass(void);		/* "PASS name (n checks)", exit 0 */
/* Prints "FAIL what: got G expected E (check #n)" and exits. */
noreturn void rt_fail(const char *what, uint64_t got, uint64_t expected);

/* Compare and count one check; on mismatch report and exit. */
void rt_check(const char *what, uint64_t got, uint64_t expected);
/* Same, naming the operands: "FAIL insn a=A b=B: got ... expected ...". */
void rt_check_op2(const char *insn, uint64_t a, uint64_t b, uint64_t got,
		  uint64_t expected);
/* For C tests: the string comparison variant. */
void rt_check_str(const char *what, const char *got, const char *expected);

/* C check macros: the expression text is the description. */
#define RT_CHECK(got, expected) \
	rt_check(#got, (uint64_t)(got), (uint64_t)(expected))
#define RT_CHECK_OP2(insn, a, b, got, expected) \
	rt_check_op2(insn, (uint64_t)(a), (uint64_t)(b), (uint64_t)(got), \
		     (uint64_t)(expected))

/* The FDT address the boot stub passed in a1. */
extern uint64_t rt_boot_fdt;

/* Arm the vector for one expected trap and forget earlier ones. */
static inline void rt_trap_arm(void)
{
	rt_trap.count = 0;
	rt_trap.mcause = rt_trap.mtval = rt_trap.mepc = ~0ull;
	rt_trap.armed = 1;
}

static inline void rt_trap_disarm(void)
{
	rt_trap.armed = 0;
}
#endif /* !__ASSEMBLER__ */
#endif /* RT_H */
