/* Idle and resume for record/replay (design invariants 2 and 3): the hart
 * sleeps in wfi until mtimecmp deadlines of growing length (interrupts
 * enabled: the timer trap wakes it; then disabled: wfi returns with MTIP
 * pending and no trap), each time checking that mtime moved on by at least
 * the programmed interval; then it sleeps in wfi waiting for UART receive
 * interrupts (PLIC source 10, context 0) for up to WINDOW_SECONDS of guest
 * time, or until a line "quit", and prints what arrived.  No input is a
 * valid run.  Lines starting with "# " carry measurements (how long each
 * sleep really took, how many interrupts and wake-ups), which differ from
 * one emulator to another but must repeat exactly under replay. */
#include <stdio.h>
#include <string.h>

#include "rt.h"
#include "virt.h"

RT_TEST_NAME("rr_wfi");

#define WINDOW_SECONDS	2
#define NIV		5
static const uint64_t intervals[NIV] = { 1000, 5000, 20000, 100000, 500000 };
#define NIV_OFF		2

static volatile uint64_t t_irq;
static volatile unsigned fired, irqs;
static volatile char rx[512];
static volatile unsigned rx_len, rx_lost;

static int hook(struct rt_frame *f)
{
	if (f->mcause == CAUSE_MTI) {
		t_irq = CLINT_MTIME;
		CLINT_MTIMECMP = ~0ull;
		fired++;
		return 1;
	}
	if (f->mcause == CAUSE_MEI) {
		uint32_t src = PLIC_CLAIM(0);
		while (uart_read(UART_LSR) & UART_LSR_DR) {
			uint8_t c = uart_read(UART_RBR);
			if (rx_len < sizeof(rx))
				rx[rx_len++] = (char)c;
			else
				rx_lost++;
		}
		irqs++;
		if (src)
			PLIC_CLAIM(0) = src;
		return 1;
	}
	rt_fail("unexpected exception in rr_wfi: mcause", f->mcause, 0);
	return 0;
}

static int quit_seen(void)
{
	unsigned n = rx_len;
	for (unsigned i = 0; i + 5 <= n; i++)
		if ((i == 0 || rx[i - 1] == '\n' || rx[i - 1] == '\r') &&
		    rx[i] == 'q' && rx[i + 1] == 'u' && rx[i + 2] == 'i' && rx[i + 3] == 't' &&
		    (rx[i + 4] == '\n' || rx[i + 4] == '\r'))
			return 1;
	return 0;
}

int main(void)
{
	printf("rr_wfi: %u timer sleeps, then up to %u s waiting for input (\"quit\" ends)\n",
	       NIV + NIV_OFF, WINDOW_SECONDS);
	CLINT_MTIMECMP = ~0ull;
	uart_write(UART_IER, 0);
	uart_write(UART_FCR, 0);
	rt_trap.hook = hook;
	rt_trap_arm();

	/* ---- timer sleeps, interrupts enabled ---- */
	CSR_WRITE(mie, MIP_MTIP);
	for (unsigned i = 0; i < NIV; i++) {
		unsigned wakeups = 0;
		fired = 0;
		uint64_t t0 = CLINT_MTIME;
		CLINT_MTIMECMP = t0 + intervals[i];
		CSR_SET(mstatus, MSTATUS_MIE);
		while (!fired) {
			wfi();
			wakeups++;
		}
		CSR_CLEAR(mstatus, MSTATUS_MIE);
		uint64_t slept = t_irq - t0;
		printf("timer %u: asked for %lu ticks, woke by interrupt after at least that: %s\n",
		       i, (unsigned long)intervals[i], slept >= intervals[i] ? "yes" : "NO");
		printf("# timer %u: %lu ticks, %u wfi returns\n", i, (unsigned long)slept, wakeups);
		RT_CHECK(slept >= intervals[i], 1);
		RT_CHECK(fired, 1);
	}
	/* ---- timer sleeps, interrupts disabled: wfi just returns ---- */
	unsigned traps_before = (unsigned)rt_trap.count;
	for (unsigned i = 0; i < NIV_OFF; i++) {
		unsigned wakeups = 0;
		uint64_t t0 = CLINT_MTIME;
		CLINT_MTIMECMP = t0 + intervals[i + 2];
		while (!(CSR_READ(mip) & MIP_MTIP)) {
			wfi();
			wakeups++;
		}
		uint64_t slept = CLINT_MTIME - t0;
		CLINT_MTIMECMP = ~0ull;
		printf("quiet timer %u: asked for %lu ticks, wfi returned after at least that: %s\n",
		       i, (unsigned long)intervals[i + 2],
		       slept >= intervals[i + 2] ? "yes" : "NO");
		printf("# quiet timer %u: %lu ticks, %u wfi returns\n", i, (unsigned long)slept,
		       wakeups);
		RT_CHECK(slept >= intervals[i + 2], 1);
	}
	RT_CHECK(rt_trap.count, traps_before);	/* no trap with MIE = 0 */

	/* ---- sleeping until UART input or the end of the window ---- */
	PLIC_PRIORITY(UART_IRQ) = 1;
	PLIC_THRESHOLD(0) = 0;
	PLIC_ENABLE(0, 0) = 1u << UART_IRQ;
	uart_write(UART_IER, UART_IER_RDI);
	CSR_WRITE(mie, MIP_MTIP | MIP_MEIP);
	fired = 0;
	uint64_t start = CLINT_MTIME;
	uint64_t end = start + WINDOW_SECONDS * TICKS_PER_SEC;
	CLINT_MTIMECMP = end;
	unsigned wakeups = 0;
	CSR_SET(mstatus, MSTATUS_MIE);
	while (!fired) {
		wfi();
		wakeups++;
		CSR_CLEAR(mstatus, MSTATUS_MIE);
		int done = quit_seen() || rx_len == sizeof(rx);
		CSR_SET(mstatus, MSTATUS_MIE);
		if (done)
			break;
	}
	CSR_CLEAR(mstatus, MSTATUS_MIE);
	uint64_t waited = CLINT_MTIME - start;
	uart_write(UART_IER, 0);
	CSR_WRITE(mie, 0);
	CLINT_MTIMECMP = ~0ull;
	uint32_t src = PLIC_CLAIM(0);
	if (src)
		PLIC_CLAIM(0) = src;
	PLIC_ENABLE(0, 0) = 0;
	rt_trap_disarm();
	rt_trap.hook = 0;

	unsigned n = rx_len;
	if (n == 0) {
		printf("uart: no input within %u s\n", WINDOW_SECONDS);
	} else {
		printf("uart: %u bytes%s%s\n", n, quit_seen() ? ", ending with quit" : "",
		       fired ? " (window closed)" : "");
		char buf[sizeof(rx) + 1];
		unsigned k = 0;
		for (unsigned i = 0; i < n; i++) {
			char c = rx[i];
			if (c == '\r' || c == '\n') {
				if (k) {
					buf[k] = '\0';
					printf("uart> %s\n", buf);
				}
				k = 0;
				continue;
			}
			buf[k++] = (c >= 0x20 && c <= 0x7e) ? c : '.';
		}
		if (k) {
			buf[k] = '\0';
			printf("uart> %s\n", buf);
		}
	}
	printf("# uart: %u interrupts, %u wfi returns, %lu ticks\n", irqs, wakeups,
	       (unsigned long)waited);
	RT_CHECK(rx_lost, 0);
	RT_CHECK(waited <= (WINDOW_SECONDS + 1) * TICKS_PER_SEC, 1);
	return 0;
}
