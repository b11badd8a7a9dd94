/* Runtime for the benchmark guests (see bench.h): a polled ns16550a console
 * at 0x10000000, exit through the sifive_test finisher at 0x100000, the
 * trap report, and the memcpy/memset that GCC may call. Nothing else. */
#include "bench.h"

#include <stddef.h>

#ifdef BENCH_HOST
#include <stdio.h>
#include <stdlib.h>

static void bench_putc(char c)
{
    putchar(c);
}
#else
#define UART_BASE 0x10000000UL
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define FINISHER_BASE 0x100000UL
#define FINISHER_PASS 0x5555u
#define FINISHER_FAIL 0x3333u

static void bench_putc(char c)
{
    volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;
    while (!(uart[UART_LSR] & UART_LSR_THRE))
        ;
    uart[UART_THR] = (uint8_t)c;
}

/* Called by crt0 with main's return value. */
void __attribute__((noreturn)) bench_exit(int code)
{
    volatile uint32_t *fin = (volatile uint32_t *)FINISHER_BASE;
    *fin = code ? FINISHER_FAIL | (uint32_t)code << 16 : FINISHER_PASS;
    for (;;)
        __asm__ volatile("wfi");
}

/* Called by crt0's trap vector: no benchmark expects a trap. */
void __attribute__((noreturn)) bench_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval)
{
    bench_puts("bench: unexpected trap, mcause ");
    bench_put_hex(mcause);
    bench_puts(" mepc ");
    bench_put_hex(mepc);
    bench_puts(" mtval ");
    bench_put_hex(mtval);
    bench_puts("\n");
    bench_exit(BENCH_EXIT_TRAP);
}

/* GCC may emit calls to these even in freestanding code (struct copies). */
void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}
#endif

void bench_puts(const char *s)
{
    while (*s)
        bench_putc(*s++);
}

void bench_put_hex(uint64_t v)
{
    bench_puts("0x");
    for (int i = 60; i >= 0; i -= 4)
        bench_putc("0123456789abcdef"[(v >> i) & 15]);
}

void bench_put_dec(uint64_t v)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        bench_putc(buf[--n]);
}

int bench_report(const char *name, uint64_t got, uint64_t expected)
{
    bench_puts(name);
    bench_puts(": checksum ");
    bench_put_hex(got);
    if (got == expected) {
        bench_puts(" ok\n");
        return 0;
    }
    bench_puts(" expected ");
    bench_put_hex(expected);
    bench_puts(" FAIL\n");
    return BENCH_EXIT_CHECKSUM;
}
