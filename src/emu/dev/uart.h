/* NS16550A UART (the console). Output goes to machine_console_write; input
 * arrives only through uart_rx_push, called by the nondeterminism boundary
 * when uart_rx_space says the guest can take more bytes. */
#ifndef REPRISE_DEV_UART_H
#define REPRISE_DEV_UART_H

#include <stddef.h>
#include <stdint.h>

#include "../irq.h"

struct machine;
struct uart;

/* Creates the UART and maps it at base on m->bus. irq is raised while an
 * enabled interrupt condition (RDA, THRE, LSR) holds. Returns 0 or -errno. */
int uart_create(struct machine *m, uint64_t base, struct irq_line irq, struct uart **out);

/* How many input bytes the receive FIFO can take now (0 when full). */
size_t uart_rx_space(struct uart *u);

/* Queues received bytes (len <= uart_rx_space) and updates the interrupt. */
void uart_rx_push(struct uart *u, const uint8_t *buf, size_t len);

#endif
