/* QEMU virt devices for C guest tests: the ns16550a UART, the PLIC, the
 * CLINT and the goldfish RTC as plain MMIO accessors, and CSR access
 * macros.  Register facts only; no policy (the tests decide how to wait).
 * Include after rt.h. */
#ifndef VIRT_H
#define VIRT_H
#include <stdint.h>

#define CSR_READ(csr) ({ uint64_t v_; \
	__asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define CSR_WRITE(csr, v) __asm__ volatile("csrw " #csr ", %0" :: "r"((uint64_t)(v)))
#define CSR_SET(csr, v) __asm__ volatile("csrs " #csr ", %0" :: "r"((uint64_t)(v)))
#define CSR_CLEAR(csr, v) __asm__ volatile("csrc " #csr ", %0" :: "r"((uint64_t)(v)))

#define MSTATUS_MIE	0x8u
#define MIP_MTIP	0x80u
#define MIP_MEIP	0x800u
#define CAUSE_INTR	0x8000000000000000ull
#define CAUSE_MTI	(CAUSE_INTR | 7)
#define CAUSE_MEI	(CAUSE_INTR | 11)

/* UART0: ns16550a, byte registers */
#define UART_BASE	0x10000000ul
#define UART_RBR	0	/* read: receive buffer */
#define UART_IER	1
#define UART_IIR	2	/* read */
#define UART_FCR	2	/* write */
#define UART_LCR	3
#define UART_LSR	5
#define UART_IER_RDI	0x01
#define UART_LSR_DR	0x01
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40
#define UART_IRQ	10

static inline uint8_t uart_read(unsigned reg)
{
	return ((volatile uint8_t *)UART_BASE)[reg];
}

static inline void uart_write(unsigned reg, uint8_t v)
{
	((volatile uint8_t *)UART_BASE)[reg] = v;
}

/* PLIC: context 0 is hart 0 in M-mode */
#define PLIC_BASE	0xc000000ul
static inline volatile uint32_t *plic_reg(unsigned long off)
{
	return (volatile uint32_t *)(PLIC_BASE + off);
}
#define PLIC_PRIORITY(src)	(*plic_reg(4ul * (src)))
#define PLIC_PENDING(word)	(*plic_reg(0x1000ul + 4ul * (word)))
#define PLIC_ENABLE(ctx, word)	(*plic_reg(0x2000ul + 0x80ul * (ctx) + 4ul * (word)))
#define PLIC_THRESHOLD(ctx)	(*plic_reg(0x200000ul + 0x1000ul * (ctx)))
#define PLIC_CLAIM(ctx)		(*plic_reg(0x200004ul + 0x1000ul * (ctx)))

/* CLINT: mtime at 10 MHz, hart 0's mtimecmp */
#define CLINT_MTIME	(*(volatile uint64_t *)0x200bff8ul)
#define CLINT_MTIMECMP	(*(volatile uint64_t *)0x2004000ul)
#define TICKS_PER_SEC	10000000ull

/* goldfish RTC: nanoseconds since the epoch; reading TIME_LOW latches
 * TIME_HIGH */
#define RTC_BASE	0x101000ul
#define RTC_TIME_LOW	(*(volatile uint32_t *)(RTC_BASE + 0x00))
#define RTC_TIME_HIGH	(*(volatile uint32_t *)(RTC_BASE + 0x04))

static inline uint64_t rtc_read_ns(void)
{
	uint64_t lo = RTC_TIME_LOW;
	uint64_t hi = RTC_TIME_HIGH;
	return (hi << 32) | lo;
}

static inline void wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

#endif /* VIRT_H */
