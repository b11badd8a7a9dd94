/* Console input for record/replay (design invariants 1-3): reads lines
 * from the UART and echoes each one upper-cased with a running byte count,
 * until a line "quit", then prints a digest (FNV-1a) of every byte it got.
 * Lines alternate between two ways of reading: even lines by polling
 * LSR.DR (sleeping in wfi on a 1 ms mtimecmp tick between looks), odd
 * lines through the UART's receive interrupt (IER.RDI) and PLIC source 10
 * for hart 0's M-mode context 0 (priority, enable, threshold, claim and
 * complete in the trap hook).  With no input at all (stdin /dev/null) it
 * gives up after IDLE_SECONDS of guest time without a byte, which is a
 * valid run too: every run ends with the digest line and PASS.
 * The PASS line's check count does not depend on the input. */
#include <stdio.h>
#include <string.h>

#include "rt.h"
#include "virt.h"

RT_TEST_NAME("rr_input");

#define IDLE_SECONDS	2
#define IDLE_TICKS	(IDLE_SECONDS * TICKS_PER_SEC)
#define POLL_TICKS	(TICKS_PER_SEC / 1000)
#define MAX_BYTES	4096
#define LINE_MAX	64
#define RING		256
#define STR(x)		#x
#define XSTR(x)		STR(x)

/* Filled by the hook, drained by get_byte with interrupts off. */
static volatile uint8_t ring[RING];
static volatile unsigned ring_head, ring_tail;
static volatile unsigned irqs, spurious, overflow;

/* A failure that is not counted as a check (the count must not depend
 * on the input). */
static void expect(int ok, const char *what, uint64_t got)
{
	if (!ok)
		rt_fail(what, got, 0);
}

static int hook(struct rt_frame *f)
{
	if (f->mcause == CAUSE_MEI) {
		uint32_t src = PLIC_CLAIM(0);
		if (src == UART_IRQ) {
			while (uart_read(UART_LSR) & UART_LSR_DR) {
				uint8_t c = uart_read(UART_RBR);
				if (ring_tail - ring_head < RING)
					ring[ring_tail++ % RING] = c;
				else
					overflow++;
			}
			irqs++;
		} else {
			expect(src == 0, "claim returned a source other than the UART", src);
			spurious++;
		}
		if (src)
			PLIC_CLAIM(0) = src;	/* complete */
		return 1;			/* resume where it struck */
	}
	if (f->mcause == CAUSE_MTI) {
		CLINT_MTIMECMP = ~0ull;		/* just a wake-up */
		return 1;
	}
	rt_fail("unexpected exception in rr_input: mcause", f->mcause, 0);
	return 0;
}

/* Reading mode: 0 polls LSR, 1 takes the receive interrupt. */
static void set_mode(int irq_mode)
{
	CSR_CLEAR(mstatus, MSTATUS_MIE);
	uart_write(UART_IER, irq_mode ? UART_IER_RDI : 0);
	CSR_WRITE(mie, irq_mode ? (MIP_MEIP | MIP_MTIP) : MIP_MTIP);
}

/* The next byte, or 0 once guest time reaches deadline without one. */
static int get_byte(int irq_mode, uint64_t deadline, uint8_t *out)
{
	for (;;) {
		CSR_CLEAR(mstatus, MSTATUS_MIE);
		if (ring_head != ring_tail) {
			*out = ring[ring_head++ % RING];
			return 1;
		}
		if (!irq_mode && (uart_read(UART_LSR) & UART_LSR_DR)) {
			*out = uart_read(UART_RBR);
			return 1;
		}
		uint64_t now = CLINT_MTIME;
		if (now >= deadline)
			return 0;
		uint64_t next = deadline;
		if (!irq_mode && now + POLL_TICKS < deadline)
			next = now + POLL_TICKS;
		CLINT_MTIMECMP = next;
		/* MIE is 0: wfi returns once an enabled interrupt is pending
		 * (MTIP, or MEIP in irq mode), and then we take it */
		wfi();
		if (irq_mode) {
			CSR_SET(mstatus, MSTATUS_MIE);
			CSR_CLEAR(mstatus, MSTATUS_MIE);
		} else {
			CLINT_MTIMECMP = ~0ull;
		}
	}
}

static unsigned lines, total;

static void emit(const char *line, unsigned len, int irq_mode)
{
	char up[LINE_MAX + 1];
	for (unsigned i = 0; i < len; i++) {
		char c = line[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (c < 0x20 || c > 0x7e)
			c = '.';
		up[i] = c;
	}
	up[len] = '\0';
	lines++;
	printf("%3u %-4s %2u bytes, %4u total: %s\n", lines, irq_mode ? "irq" : "poll",
	       len, total, up);
}

int main(void)
{
	printf("rr_input: type lines; \"quit\" ends; %u s without input ends too\n",
	       IDLE_SECONDS);

	/* UART: 8N1, FIFOs off (16450 mode: one byte at a time, and a byte
	 * that arrived before we got here is not flushed away) */
	uart_write(UART_LCR, 0x03);
	uart_write(UART_IER, 0);
	uart_write(UART_FCR, 0);
	RT_CHECK(uart_read(UART_IIR), 0x01);		/* no FIFOs, no interrupt */
	RT_CHECK(uart_read(UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
		 UART_LSR_THRE | UART_LSR_TEMT);
	/* PLIC: source 10 at priority 1, enabled for context 0, threshold 0 */
	PLIC_PRIORITY(UART_IRQ) = 1;
	PLIC_ENABLE(0, 0) = 1u << UART_IRQ;
	PLIC_THRESHOLD(0) = 0;
	RT_CHECK(PLIC_PRIORITY(UART_IRQ), 1);
	RT_CHECK(PLIC_ENABLE(0, 0), 1u << UART_IRQ);
	RT_CHECK(PLIC_THRESHOLD(0), 0);
	RT_CHECK(PLIC_CLAIM(0), 0);			/* nothing pending yet */

	CLINT_MTIMECMP = ~0ull;
	rt_trap.hook = hook;
	rt_trap_arm();

	char line[LINE_MAX + 1];
	unsigned len = 0;
	uint32_t digest = 2166136261u;
	int irq_mode = 0, prev_cr = 0;
	const char *why = "input ended";
	set_mode(irq_mode);
	uint64_t deadline = CLINT_MTIME + IDLE_TICKS;
	for (;;) {
		uint8_t c;
		if (!get_byte(irq_mode, deadline, &c)) {
			why = "no input for " XSTR(IDLE_SECONDS) " s";
			break;
		}
		deadline = CLINT_MTIME + IDLE_TICKS;
		total++;
		digest = (digest ^ c) * 16777619u;
		if (c == '\n' && prev_cr) {	/* CR LF: one line end */
			prev_cr = 0;
			continue;
		}
		prev_cr = c == '\r';
		int eol = c == '\r' || c == '\n';
		if (!eol && len == LINE_MAX) {	/* split an overlong line */
			emit(line, len, irq_mode);
			len = 0;
		}
		if (!eol) {
			line[len++] = (char)c;
		} else {
			line[len] = '\0';
			emit(line, len, irq_mode);
			if (strcmp(line, "quit") == 0) {
				why = "quit";
				break;
			}
			len = 0;
			irq_mode ^= 1;
			set_mode(irq_mode);
		}
		if (total >= MAX_BYTES) {
			why = "too much input";
			break;
		}
	}
	CSR_CLEAR(mstatus, MSTATUS_MIE);
	if (len && strcmp(why, "quit") != 0) {
		line[len] = '\0';
		emit(line, len, irq_mode);	/* a last line without its end */
	}

	/* everything off again */
	uart_write(UART_IER, 0);
	CSR_WRITE(mie, 0);
	uint32_t src = PLIC_CLAIM(0);
	if (src)
		PLIC_CLAIM(0) = src;
	PLIC_ENABLE(0, 0) = 0;
	CLINT_MTIMECMP = ~0ull;
	rt_trap_disarm();
	rt_trap.hook = 0;

	printf("digest %08lx over %u bytes in %u lines (%s)\n", (unsigned long)digest,
	       total, lines, why);
	printf("# %u receive interrupts, %u empty claims\n", irqs, spurious);
	RT_CHECK(overflow, 0);
	RT_CHECK(total <= MAX_BYTES, 1);
	return 0;
}
