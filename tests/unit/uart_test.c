/* Unit tests for dev/uart.c, driven through the bus like a guest would:
 * reset values, the divisor latch, transmit, the receive FIFO and its trigger
 * levels, IIR priorities, RDA/THRE/line-status interrupts seen on an
 * irq_line, rx_space/rx_push flow control, wide accesses and reset. */
#include <stdlib.h>
#include <string.h>

#include "emu/dev/uart.h"
#include "emu/machine.h"
#include "stubs.h"
#include "unit.h"
#include "util.h"

#define UB VIRT_UART0_BASE
enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3,
       MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

static int irq_level = -1, irq_changes;

static void test_irq_set(void *opaque, int num, int level)
{
    CHECK(num == VIRT_UART0_IRQ, "irq number %d", num);
    if (level != irq_level)
        irq_changes++;
    irq_level = level;
}

static struct machine *m;
static struct uart *u;

static uint8_t rd(unsigned reg)
{
    uint64_t v = 0xdead;
    int r = bus_io_read(&m->bus, UB + reg, 1, &v);
    CHECK(r == 0, "read reg %u: %d", reg, r);
    CHECK(v <= 0xff, "read reg %u: 0x%llx is not a byte", reg, (unsigned long long)v);
    return (uint8_t)v;
}

static void wr(unsigned reg, uint8_t v)
{
    int r = bus_io_write(&m->bus, UB + reg, 1, v);
    CHECK(r == 0, "write reg %u: %d", reg, r);
}

static void push(const char *s)
{
    uart_rx_push(u, (const uint8_t *)s, strlen(s));
}

static void test_reset_values(void)
{
    CHECK(irq_level == 0, "irq lowered at creation (%d)", irq_level);
    CHECK(rd(LSR) == 0x60, "LSR after reset 0x%02x (THRE|TEMT)", rd(LSR));
    CHECK(rd(IIR) == 0x01, "IIR after reset 0x%02x", rd(IIR));
    CHECK(rd(IER) == 0x00, "IER after reset");
    CHECK(rd(LCR) == 0x00, "LCR after reset");
    CHECK(rd(MCR) == 0x08, "MCR after reset 0x%02x (OUT2)", rd(MCR));
    CHECK(rd(MSR) == 0xb0, "MSR after reset 0x%02x (DCD|DSR|CTS)", rd(MSR));
    CHECK(uart_rx_space(u) == 1, "rx space without FIFO: %zu", uart_rx_space(u));
}

static void test_dlab_and_tx(void)
{
    stub_clear();
    wr(LCR, 0x80);
    CHECK(rd(DLL) == 0x0c && rd(DLM) == 0x00, "reset divisor 12");
    wr(DLL, 0x03);
    wr(DLM, 0x01);
    CHECK(rd(DLL) == 0x03, "DLL readback");
    CHECK(rd(DLM) == 0x01, "DLM readback");
    CHECK(stub_console_len == 0, "a DLL write must not transmit");
    wr(LCR, 0x03);
    CHECK(rd(IER) == 0x00, "IER untouched by DLM writes");
    wr(LCR, 0x80);
    CHECK(rd(DLL) == 0x03 && rd(DLM) == 0x01, "divisor kept across DLAB toggles");
    wr(LCR, 0x03);
    CHECK(rd(LCR) == 0x03, "LCR readback");

    wr(THR, 'h');
    wr(THR, 'i');
    CHECK(stub_console_len == 2 && memcmp(stub_console, "hi", 2) == 0, "console got %zu bytes",
          stub_console_len);
    CHECK((rd(LSR) & 0x60) == 0x60, "THRE|TEMT after transmit");
    wr(SCR, 0x5a);
    CHECK(rd(SCR) == 0x5a, "scratch register");
    CHECK(irq_level == 0, "no interrupt without IER");
}

static void test_thre(void)
{
    wr(IER, 0x02);
    CHECK(irq_level == 1, "enabling THRI with an empty THR raises the line");
    CHECK(rd(IIR) == 0x02, "IIR THRI");                 /* this read acknowledges */
    CHECK(irq_level == 0, "reading IIR=THRI lowers the line");
    CHECK(rd(IIR) == 0x01, "IIR no interrupt after acknowledge");
    wr(THR, 'x');
    CHECK(irq_level == 1, "THR write raises THRE again");
    int before = irq_changes;
    wr(THR, 'y');               /* THRE drops while the byte is held, then rises */
    CHECK(irq_level == 1 && irq_changes == before + 2,
          "THR write with THRE pending pulses the line (%d changes)", irq_changes - before);
    wr(IER, 0x00);
    CHECK(irq_level == 0, "IER=0 lowers the line");
    wr(IER, 0x02);
    CHECK(irq_level == 1, "re-enabling THRI raises THRE again");
    wr(IER, 0x00);
}

static void test_rx_nofifo(void)
{
    push("a");
    CHECK(rd(LSR) & 0x01, "DR after receive");
    CHECK(uart_rx_space(u) == 0, "no space while RBR is full");
    CHECK(irq_level == 0, "no RDA without IER.RDI");
    wr(IER, 0x01);
    CHECK(irq_level == 1, "RDA raised when enabled");
    CHECK(rd(IIR) == 0x04, "IIR RDA");
    CHECK(rd(RBR) == 'a', "RBR");
    CHECK(!(rd(LSR) & 0x01), "DR cleared by the read");
    CHECK(irq_level == 0, "RDA lowered by the read");
    CHECK(uart_rx_space(u) == 1, "space again");

    /* Overrun: the unread byte is replaced and OE raises a line status
     * interrupt, which outranks RDA. */
    uart_rx_push(u, (const uint8_t *)"bc", 2);
    wr(IER, 0x05);
    CHECK(rd(IIR) == 0x06, "IIR RLS outranks RDA");
    uint8_t lsr = rd(LSR);
    CHECK((lsr & 0x03) == 0x03, "LSR OE|DR 0x%02x", lsr);
    CHECK(!(rd(LSR) & 0x02), "reading LSR clears OE");
    CHECK(rd(IIR) == 0x04, "RDA after the line status is read");
    CHECK(rd(RBR) == 'c', "overrun keeps the newest byte without FIFO");
    CHECK(irq_level == 0, "line low when all is read");
    wr(IER, 0x00);
}

static void test_fifo(void)
{
    wr(FCR, 0x01);
    CHECK((rd(IIR) & 0xc0) == 0xc0, "IIR FIFO bits when enabled");
    CHECK(uart_rx_space(u) == 1, "trigger level 1: offer 1 (%zu)", uart_rx_space(u));
    wr(FCR, 0x81);                       /* trigger level 8 */
    CHECK(uart_rx_space(u) == 8, "trigger level 8: offer 8 (%zu)", uart_rx_space(u));
    wr(IER, 0x01);

    push("abc");
    CHECK(uart_rx_space(u) == 5, "space after 3: %zu", uart_rx_space(u));
    CHECK(irq_level == 1, "character timeout below the trigger level raises the line");
    CHECK(rd(IIR) == 0xcc, "IIR character timeout 0x%02x", rd(IIR));
    push("defgh");
    CHECK(rd(IIR) == 0xc4, "IIR RDA at the trigger level 0x%02x", rd(IIR));
    CHECK(uart_rx_space(u) == 0, "QEMU offers nothing at the trigger level");
    CHECK(rd(RBR) == 'a', "FIFO order a");
    CHECK(rd(IIR) == 0xcc, "below the level again: timeout 0x%02x", rd(IIR));
    char got[8] = { 0 };
    for (int i = 0; i < 7; i++)
        got[i] = (char)rd(RBR);
    CHECK(memcmp(got, "bcdefgh", 7) == 0, "FIFO order: %s", got);
    CHECK(!(rd(LSR) & 0x01), "DR clear when the FIFO is empty");
    CHECK(rd(IIR) == 0xc1, "IIR no interrupt, FIFO bits kept: 0x%02x", rd(IIR));
    CHECK(irq_level == 0, "line low when drained");
    CHECK(rd(RBR) == 0, "empty FIFO reads 0");

    /* Trigger level 14, overrun past 16 bytes. */
    wr(FCR, 0xc1);
    CHECK(uart_rx_space(u) == 14, "trigger level 14: %zu", uart_rx_space(u));
    push("0123456789abcd");
    CHECK(rd(IIR) == 0xc4, "RDA at 14");
    push("efg");                         /* beyond rx_space: 2 fit, 1 overruns */
    CHECK((rd(LSR) & 0x03) == 0x03, "OE after overflowing the FIFO");
    char all[17] = { 0 };
    for (int i = 0; i < 16; i++)
        all[i] = (char)rd(RBR);
    CHECK(strcmp(all, "0123456789abcdef") == 0, "FIFO kept the first 16: %s", all);
    CHECK(!(rd(LSR) & 0x01), "drained");

    /* Receiver FIFO reset. */
    push("zz");
    CHECK(irq_level == 1, "timeout raised");
    wr(FCR, 0xc3);
    CHECK(!(rd(LSR) & 0x01) && irq_level == 0, "RFR clears DR and the interrupt");
    CHECK(uart_rx_space(u) == 14, "RFR empties the FIFO");

    /* Disabling the FIFO flushes it and clears the IIR FIFO bits. */
    push("q");
    wr(FCR, 0x00);
    CHECK((rd(IIR) & 0xc0) == 0, "IIR FIFO bits cleared");
    CHECK(!(rd(LSR) & 0x01), "disabling the FIFO flushes it");
    CHECK(uart_rx_space(u) == 1, "back to one holding register");
    wr(IER, 0x00);
}

static void test_priority(void)
{
    wr(IER, 0x07);                       /* RDI | THRI | RLSI */
    CHECK(rd(IIR) == 0x02, "THRI alone");  /* acknowledged by this read */
    wr(THR, '!');                        /* THRE pending again */
    push("r");
    CHECK(rd(IIR) == 0x04, "RDA outranks THRI");
    push("s");                           /* overrun */
    CHECK(rd(IIR) == 0x06, "RLS outranks RDA");
    (void)rd(LSR);
    CHECK(rd(IIR) == 0x04, "then RDA");
    CHECK(rd(RBR) == 's', "byte");
    CHECK(irq_level == 1, "THRE still pending");
    CHECK(rd(IIR) == 0x02, "then THRI");
    CHECK(rd(IIR) == 0x01 && irq_level == 0, "then nothing");
    wr(IER, 0x00);
}

static void test_wide_and_reset(void)
{
    uint64_t v = 0;
    CHECK(bus_io_read(&m->bus, UB + LSR, 4, &v) == 0 && v == 0x60,
          "4-byte LSR read 0x%llx", (unsigned long long)v);
    CHECK(bus_io_read(&m->bus, UB + 0, 8, &v) == 0 && v == 's',
          "8-byte RBR read: the old byte, zero-extended");
    CHECK(bus_io_read(&m->bus, UB + SCR, 1, &v) == 0, "SCR");
    CHECK(bus_io_read(&m->bus, UB + MCR, 2, &v) == 0 && v == 0x08, "2-byte MCR read");
    stub_clear();
    CHECK(bus_io_write(&m->bus, UB + THR, 4, 0x12345641) == 0, "4-byte THR write");
    CHECK(stub_console_len == 1 && stub_console[0] == 'A', "only the low byte is sent");
    CHECK(bus_io_read(&m->bus, UB + 8, 1, &v) < 0, "offset 8 is outside QEMU's 8 registers");
    CHECK(bus_io_write(&m->bus, UB + 0xfc, 4, 0) < 0, "offset 0xfc write faults");
    CHECK(bus_io_read(&m->bus, UB + 0x100, 1, &v) < 0, "past the window: unmapped");

    struct bus_region *r = bus_find(&m->bus, UB);
    CHECK(r && r->ops && r->ops->reset && r->opaque == u, "uart region with reset hook");
    wr(LCR, 0x83);
    wr(DLL, 0x01);
    wr(LCR, 0x03);
    wr(FCR, 0xc1);
    wr(IER, 0x03);
    push("k");
    CHECK(irq_level == 1, "line up before reset");
    if (r && r->ops && r->ops->reset)
        r->ops->reset(r->opaque);
    CHECK(irq_level == 0, "reset lowers the line");
    CHECK(rd(LSR) == 0x60 && rd(IIR) == 0x01 && rd(IER) == 0 && rd(LCR) == 0,
          "reset registers");
    wr(LCR, 0x80);
    CHECK(rd(DLL) == 0x0c, "reset divisor");
    wr(LCR, 0x00);
    CHECK(uart_rx_space(u) == 1, "reset disables the FIFO");
}

int main(void)
{
    m = calloc(1, sizeof(*m));
    if (!m || bus_init(&m->bus, VIRT_DRAM_BASE, 1 << 20) < 0)
        return 2;
    m->bus.machine = m;
    struct irq_line line = { .set = test_irq_set, .opaque = NULL, .num = VIRT_UART0_IRQ };
    int r = uart_create(m, UB, line, &u);
    CHECK(r == 0 && u, "uart_create: %d", r);
    if (r)
        return unit_done("uart_test");
    CHECK(uart_create(m, UB, line, NULL) == -EINVAL, "a second UART on top is refused");

    test_reset_values();
    test_dlab_and_tx();
    test_thre();
    test_rx_nofifo();
    test_fifo();
    test_priority();
    test_wide_and_reset();

    bus_destroy(&m->bus);       /* frees the UART through ops->destroy */
    free(m);
    return unit_done("uart_test");
}
