/* NS16550A UART as QEMU models it (hw/char/serial.c, serial_mm with regshift
 * 0): registers, divisor latch, 16-byte receive FIFO, interrupt priorities.
 * Owns the UART state; output goes to machine_console_write, input comes only
 * from uart_rx_push (the nondeterminism boundary). No host I/O here. */
#include "uart.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../bus.h"
#include "../machine.h"
#include "util.h"

/* Register offsets (regshift 0). QEMU's region covers only these 8 bytes;
 * the rest of the 0x100 window is unassigned there and faults. */
enum {
    UART_RBR_THR = 0,   /* DLL when LCR.DLAB */
    UART_IER = 1,       /* DLM when LCR.DLAB */
    UART_IIR_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
    UART_NREGS = 8,
};

#define IER_RDI   0x01    /* received data available */
#define IER_THRI  0x02    /* transmitter holding register empty */
#define IER_RLSI  0x04    /* receiver line status */
#define IER_MSI   0x08    /* modem status */

#define IIR_NO_INT 0x01
#define IIR_MSI    0x00
#define IIR_THRI   0x02
#define IIR_RDI    0x04
#define IIR_RLSI   0x06
#define IIR_CTI    0x0c   /* character timeout */
#define IIR_ID     0x06
#define IIR_FIFO   0xc0   /* FIFOs enabled */

#define FCR_FE     0x01
#define FCR_RFR    0x02
#define FCR_XFR    0x04
#define FCR_KEEP   0xc9   /* bits that stick: trigger level, DMA mode, enable */

#define LCR_DLAB   0x80
#define MCR_OUT2   0x08

#define LSR_DR     0x01
#define LSR_OE     0x02
#define LSR_BI     0x10
#define LSR_THRE   0x20
#define LSR_TEMT   0x40
#define LSR_INT_ANY 0x1e  /* OE | PE | FE | BI */

#define MSR_DELTA  0x0f
#define MSR_CTS    0x10
#define MSR_DSR    0x20
#define MSR_DCD    0x80

#define UART_FIFO_LEN 16

struct uart {
    struct machine *m;
    struct irq_line irq;

    uint16_t divisor;
    uint8_t rbr, ier, iir, lcr, mcr, lsr, msr, scr, fcr;
    bool thr_ipending;      /* THRE interrupt not yet acknowledged */
    bool timeout_ipending;  /* character timeout pending */

    uint8_t fifo[UART_FIFO_LEN];
    unsigned fifo_head, fifo_count;
    unsigned fifo_itl;      /* receive trigger level: 1, 4, 8 or 14 */
};

static void uart_update_irq(struct uart *u)
{
    uint8_t id = IIR_NO_INT;
    if ((u->ier & IER_RLSI) && (u->lsr & LSR_INT_ANY))
        id = IIR_RLSI;
    else if ((u->ier & IER_RDI) && u->timeout_ipending)
        id = IIR_CTI;
    else if ((u->ier & IER_RDI) && (u->lsr & LSR_DR) &&
             (!(u->fcr & FCR_FE) || u->fifo_count >= u->fifo_itl))
        id = IIR_RDI;
    else if ((u->ier & IER_THRI) && u->thr_ipending)
        id = IIR_THRI;
    else if ((u->ier & IER_MSI) && (u->msr & MSR_DELTA))
        id = IIR_MSI;
    u->iir = (uint8_t)((u->iir & 0xf0) | id);
    /* Every update drives the line, changed or not, as QEMU does: a PLIC
     * that re-pends a source on each raise sees the same calls. */
    irq_set(&u->irq, id != IIR_NO_INT);
}

/* The character timeout. QEMU fires it four character times after the last
 * receive or read while bytes sit in the FIFO; here time is not available to
 * the device, so it expires at once, which is deterministic and leaves the
 * guest the same work (drain the FIFO on a timeout interrupt). It only
 * matters below the trigger level: at or above it the RDA interrupt is due. */
static void uart_rearm_timeout(struct uart *u)
{
    u->timeout_ipending = u->fifo_count > 0 && u->fifo_count < u->fifo_itl;
}

static void fifo_reset(struct uart *u)
{
    u->fifo_head = u->fifo_count = 0;
}

static uint8_t fifo_pop(struct uart *u)
{
    if (u->fifo_count == 0)
        return 0;
    uint8_t c = u->fifo[u->fifo_head];
    u->fifo_head = (u->fifo_head + 1) % UART_FIFO_LEN;
    u->fifo_count--;
    return c;
}

static void fifo_put(struct uart *u, uint8_t c)
{
    /* Receive overruns keep the FIFO contents and flag OE. */
    if (u->fifo_count >= UART_FIFO_LEN) {
        u->lsr |= LSR_OE;
        return;
    }
    u->fifo[(u->fifo_head + u->fifo_count) % UART_FIFO_LEN] = c;
    u->fifo_count++;
}

static void uart_write_fcr(struct uart *u, uint8_t val)
{
    /* Switching the FIFOs on or off flushes them. */
    if ((val ^ u->fcr) & FCR_FE)
        val |= FCR_RFR | FCR_XFR;
    if (val & FCR_RFR) {
        u->lsr &= ~(LSR_DR | LSR_BI);
        u->timeout_ipending = false;
        fifo_reset(u);
    }
    if (val & FCR_XFR) {
        /* Nothing is ever queued for transmission: it is already out. */
        u->lsr |= LSR_THRE;
        u->thr_ipending = true;
    }
    u->fcr = val & FCR_KEEP;
    if (u->fcr & FCR_FE) {
        u->iir |= IIR_FIFO;
        static const unsigned itl[4] = { 1, 4, 8, 14 };
        u->fifo_itl = itl[u->fcr >> 6];
    } else {
        u->iir &= (uint8_t)~IIR_FIFO;
        u->fifo_itl = 1;
    }
    uart_update_irq(u);
}

static void uart_reset(void *opaque)
{
    struct uart *u = opaque;
    u->rbr = 0;
    u->ier = 0;
    u->iir = IIR_NO_INT;
    u->lcr = 0;
    u->lsr = LSR_TEMT | LSR_THRE;
    u->msr = MSR_DCD | MSR_DSR | MSR_CTS;
    u->divisor = 0x0c;      /* 9600 baud from a 1.8432 MHz clock */
    u->mcr = MCR_OUT2;
    u->scr = 0;
    u->fcr = 0;
    u->fifo_itl = 1;
    fifo_reset(u);
    memset(u->fifo, 0, sizeof(u->fifo));
    u->thr_ipending = false;
    u->timeout_ipending = false;
    irq_set(&u->irq, 0);
}

static uint8_t uart_read_rbr(struct uart *u)
{
    uint8_t c;
    if (u->fcr & FCR_FE) {
        c = fifo_pop(u);
        if (u->fifo_count == 0)
            u->lsr &= ~(LSR_DR | LSR_BI);
        uart_rearm_timeout(u);
    } else {
        c = u->rbr;
        u->lsr &= ~(LSR_DR | LSR_BI);
    }
    uart_update_irq(u);
    return c;
}

static int uart_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct uart *u = opaque;
    uint8_t r = 0;
    if (off >= UART_NREGS)
        return -EFAULT;
    /* Wider accesses reach the register at off and return its byte
     * zero-extended, as QEMU's serial_mm region does. */
    switch (off) {
    case UART_RBR_THR:
        r = (u->lcr & LCR_DLAB) ? (uint8_t)u->divisor : uart_read_rbr(u);
        break;
    case UART_IER:
        r = (u->lcr & LCR_DLAB) ? (uint8_t)(u->divisor >> 8) : u->ier;
        break;
    case UART_IIR_FCR:
        r = u->iir;
        if ((r & IIR_ID) == IIR_THRI) {
            u->thr_ipending = false;
            uart_update_irq(u);
        }
        break;
    case UART_LCR:
        r = u->lcr;
        break;
    case UART_MCR:
        r = u->mcr;
        break;
    case UART_LSR:
        r = u->lsr;
        if (u->lsr & (LSR_BI | LSR_OE)) {
            u->lsr &= ~(LSR_BI | LSR_OE);
            uart_update_irq(u);
        }
        break;
    case UART_MSR:
        r = u->msr;
        if (u->msr & MSR_DELTA) {
            u->msr &= 0xf0;
            uart_update_irq(u);
        }
        break;
    case UART_SCR:
        r = u->scr;
        break;
    }
    *val = r;
    return 0;
}

static void uart_write_ier(struct uart *u, uint8_t val)
{
    uint8_t changed = (u->ier ^ val) & 0x0f;
    u->ier = val & 0x0f;
    /* Enabling THRI while the holding register is empty raises THRE again
     * (QEMU and real parts do this; guests rely on it to start output). */
    if (changed & IER_THRI)
        u->thr_ipending = (u->ier & IER_THRI) && (u->lsr & LSR_THRE);
    if (changed)
        uart_update_irq(u);
}

static int uart_write(void *opaque, uint64_t off, unsigned size, uint64_t val64)
{
    struct uart *u = opaque;
    uint8_t val = (uint8_t)val64;
    if (off >= UART_NREGS)
        return -EFAULT;
    switch (off) {
    case UART_RBR_THR:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0xff00) | val);
        } else {
            /* The holding register fills (THRE drops), then the byte leaves
             * at once and THRE rises again: two updates, as in QEMU. */
            u->lsr &= ~(LSR_THRE | LSR_TEMT);
            u->thr_ipending = false;
            uart_update_irq(u);
            machine_console_write(u->m, &val, 1);
            u->lsr |= LSR_THRE | LSR_TEMT;
            u->thr_ipending = true;
            uart_update_irq(u);
        }
        break;
    case UART_IER:
        if (u->lcr & LCR_DLAB)
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (val << 8));
        else
            uart_write_ier(u, val);
        break;
    case UART_IIR_FCR:
        uart_write_fcr(u, val);
        break;
    case UART_LCR:
        u->lcr = val;
        break;
    case UART_MCR:
        u->mcr = val & 0x1f;    /* loopback (bit 4) is stored, not modelled */
        break;
    case UART_LSR:
    case UART_MSR:
        break;                  /* read-only */
    case UART_SCR:
        u->scr = val;
        break;
    }
    return 0;
}

static void uart_destroy(void *opaque)
{
    free(opaque);
}

static const struct dev_ops uart_ops = {
    .name = "uart",
    .read = uart_read,
    .write = uart_write,
    .reset = uart_reset,
    .destroy = uart_destroy,
    .access_sizes = 1 | 2 | 4 | 8,
};

int uart_create(struct machine *m, uint64_t base, struct irq_line irq, struct uart **out)
{
    struct uart *u = calloc(1, sizeof(*u));
    if (!u)
        return rp_error(-ENOMEM, "cannot allocate the UART");
    u->m = m;
    u->irq = irq;
    uart_reset(u);
    int err = bus_map(&m->bus, base, VIRT_UART0_SIZE, &uart_ops, u);
    if (err < 0) {
        free(u);
        return err;
    }
    if (out)
        *out = u;
    return 0;
}

size_t uart_rx_space(struct uart *u)
{
    if (!(u->fcr & FCR_FE))
        return (u->lsr & LSR_DR) ? 0 : 1;
    if (u->fifo_count >= UART_FIFO_LEN)
        return 0;
    /* Like QEMU, offer only up to the trigger level so that the guest sees
     * its interrupt before the FIFO fills behind its back. */
    if (u->fifo_count <= u->fifo_itl)
        return u->fifo_itl - u->fifo_count;
    return 1;
}

void uart_rx_push(struct uart *u, const uint8_t *buf, size_t len)
{
    if (len == 0)
        return;
    if (u->fcr & FCR_FE) {
        for (size_t i = 0; i < len; i++)
            fifo_put(u, buf[i]);
        u->lsr |= LSR_DR;
        uart_rearm_timeout(u);
    } else {
        for (size_t i = 0; i < len; i++) {
            if (u->lsr & LSR_DR)
                u->lsr |= LSR_OE;   /* the unread byte is overwritten */
            u->rbr = buf[i];
            u->lsr |= LSR_DR;
        }
    }
    uart_update_irq(u);
}
