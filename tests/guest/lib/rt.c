/* Reprise guest test runtime: the ns16550a console, the sifive_test
 * finisher, FAIL/PASS reporting and the trap state shared with crt0.S.
 * Uses no C library, so assembly tests link it alone. */
#include "rt.h"

#define UART_BASE	0x10000000ul
#define UART_THR	0
#define UART_LSR	5
#define UART_LSR_THRE	0x20
#define FINISHER_BASE	0x100000ul
#define FINISHER_PASS	0x5555
#define FINISHER_FAIL	0x3333

struct rt_trap_state rt_trap;
uint64_t rt_nchecks;
/* Set by assembly tests (TEST_BEGIN): their count lives in s11 (x27). */
uint64_t rt_asm_mode;

void rt_putc(char c)
{
	volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;

	while (!(uart[UART_LSR] & UART_LSR_THRE))
		;
	uart[UART_THR] = (uint8_t)c;
}

void rt_puts(const char *s)
{
	while (*s)
		rt_putc(*s++);
}

void rt_puthex(uint64_t v)
{
	int shift = 60;

	rt_puts("0x");
	while (shift > 0 && ((v >> shift) & 0xf) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		rt_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

void rt_putdec(uint64_t v)
{
	char buf[24];
	int i = 0;

	do {
		buf[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i > 0)
		rt_putc(buf[--i]);
}

noreturn void rt_exit(unsigned code)
{
	volatile uint32_t *fin = (volatile uint32_t *)FINISHER_BASE;

	/* The finisher takes a 16-bit code; QEMU exits with code & 0xff, so
	 * keep failures in 1..255 where they cannot alias success. */
	if (code == 0)
		*fin = FINISHER_PASS;
	else
		*fin = FINISHER_FAIL | ((code & 0xff ? code & 0xff : 1) << 16);
	for (;;)
		__asm__ volatile("wfi");
}

noreturn void rt_pass(void)
{
	rt_puts("PASS ");
	rt_puts(rt_test_name);
	rt_puts(" (");
	rt_putdec(rt_nchecks);
	rt_puts(" checks)\n");
	rt_exit(0);
}

static void fail_tail(uint64_t got, uint64_t expected)
{
	rt_puts(": got ");
	rt_puthex(got);
	rt_puts(" expected ");
	rt_puthex(expected);
	rt_puts(" (check #");
	rt_putdec(rt_nchecks + 1);
	rt_puts(" of ");
	rt_puts(rt_test_name);
	rt_puts(")\n");
	rt_exit(RT_EXIT_CHECK);
}

noreturn void rt_fail(const char *what, uint64_t got, uint64_t expected)
{
	rt_puts("FAIL ");
	rt_puts(what);
	fail_tail(got, expected);
	for (;;)
		;
}

/* Called by the assembly check macros: a0 = got, a1 = expected,
 * a2 = description, a3 = checks passed so far. */
noreturn void rt_fail_asm(uint64_t got, uint64_t expected, const char *what,
			  uint64_t passed)
{
	rt_nchecks = passed;
	rt_fail(what, got, expected);
}

/* Called by TEST_FAIL_HERE: a0 = description, a1 = checks passed. */
noreturn void rt_fail_msg_asm(const char *what, uint64_t passed)
{
	rt_nchecks = passed;
	rt_puts("FAIL ");
	rt_puts(what);
	rt_puts(" (after check #");
	rt_putdec(rt_nchecks);
	rt_puts(" of ");
	rt_puts(rt_test_name);
	rt_puts(")\n");
	rt_exit(RT_EXIT_CHECK);
}

/* Called by TEST_END with the number of checks passed. */
noreturn void rt_pass_asm(uint64_t passed)
{
	rt_nchecks = passed;
	rt_pass();
}

void rt_check(const char *what, uint64_t got, uint64_t expected)
{
	if (got != expected)
		rt_fail(what, got, expected);
	rt_nchecks++;
}

void rt_check_op2(const char *insn, uint64_t a, uint64_t b, uint64_t got,
		  uint64_t expected)
{
	if (got == expected) {
		rt_nchecks++;
		return;
	}
	rt_puts("FAIL ");
	rt_puts(insn);
	rt_puts(" a=");
	rt_puthex(a);
	rt_puts(" b=");
	rt_puthex(b);
	fail_tail(got, expected);
}

void rt_check_str(const char *what, const char *got, const char *expected)
{
	const char *g = got, *e = expected;

	while (*g && *g == *e) {
		g++;
		e++;
	}
	if (*g == *e) {
		rt_nchecks++;
		return;
	}
	rt_puts("FAIL ");
	rt_puts(what);
	rt_puts(": got \"");
	rt_puts(got);
	rt_puts("\" expected \"");
	rt_puts(expected);
	rt_puts("\" (check #");
	rt_putdec(rt_nchecks + 1);
	rt_puts(" of ");
	rt_puts(rt_test_name);
	rt_puts(")\n");
	rt_exit(RT_EXIT_CHECK);
}

static void print_frame(const struct rt_frame *f)
{
	if (rt_asm_mode)
		rt_nchecks = f->x[27];
	rt_puts(" mcause=");
	rt_puthex(f->mcause);
	rt_puts(" mepc=");
	rt_puthex(f->mepc);
	rt_puts(" mtval=");
	rt_puthex(f->mtval);
	rt_puts(" mstatus=");
	rt_puthex(f->mstatus);
	rt_puts(" ra=");
	rt_puthex(f->x[1]);
	rt_puts(" (after ");
	rt_putdec(rt_nchecks);
	rt_puts(" checks of ");
	rt_puts(rt_test_name);
	rt_puts(")\n");
}

/* Called from the vector for a trap the test did not arm for (or a fetch
 * fault with nowhere to resume). */
noreturn void rt_unexpected_trap(struct rt_frame *f)
{
	rt_puts("FAIL unexpected trap");
	print_frame(f);
	rt_exit(RT_EXIT_TRAP);
}

noreturn void rt_nested_trap(struct rt_frame *f)
{
	rt_puts("FAIL trap inside the trap handler");
	print_frame(f);
	rt_exit(RT_EXIT_NESTED);
}
