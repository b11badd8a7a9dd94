/* virtio-net (device ID 1) behind a virtio-mmio transport: receive queue 0,
 * transmit queue 1, MAC and link status in config space. Packets from
 * outside are inputs, so the device never talks to the host: the
 * nondeterminism boundary asks whether it can take a packet (a function of
 * guest-visible state only) and hands it over; frames the guest sends go to
 * a transmit callback, which the boundary owns. */
#ifndef REPRISE_DEV_VIRTIO_NET_H
#define REPRISE_DEV_VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../irq.h"

struct machine;
struct virtio_dev;
struct virtio_net;

#define VIRTIO_ID_NET 1

/* Feature bits (virtio 1.2 section 5.1.3) the device offers. */
#define VIRTIO_NET_F_MAC       5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS    16

#define VIRTIO_NET_S_LINK_UP   1

/* Longest frame either way, without the virtio-net header. Linux without
 * offloads never sends more than its MTU plus the Ethernet header. */
#define VIRTIO_NET_MAX_FRAME   65536

/* Where transmitted frames go: called synchronously from the guest's
 * QueueNotify store with one whole Ethernet frame (buf borrowed for the
 * call). port is the value given to virtio_net_set_tx. */
typedef void virtio_net_tx_fn(void *opaque, unsigned port, const uint8_t *buf, size_t len);

/* Creates a virtio-net card with the given MAC in virt slot `slot`. *net is
 * the handle for the boundary, *dev the transport (both borrowed: the bus
 * owns and destroys them; either pointer may be NULL). Until
 * virtio_net_set_tx is called, transmitted frames are dropped. Starts in
 * legacy mode. Returns 0 or a negative code with a message. */
int virtio_net_create(struct machine *m, int slot, struct irq_line irq, const uint8_t mac[6],
                      struct virtio_net **net, struct virtio_dev **dev);

void virtio_net_set_tx(struct virtio_net *n, virtio_net_tx_fn *fn, void *opaque, unsigned port);

/* Can the card take a frame of len bytes now? True when the driver is
 * running and has made receive buffers available (with MRG_RXBUF: enough of
 * them to hold the frame and its header). Depends only on guest-visible
 * state, never on the host. */
bool virtio_net_can_receive(struct virtio_net *n, size_t len);

/* Delivers one Ethernet frame (len at most VIRTIO_NET_MAX_FRAME) into the
 * guest's receive buffers with a virtio-net header in front, and interrupts
 * the driver. Call only after virtio_net_can_receive said yes. A frame that
 * does not fit the next buffer (without MRG_RXBUF) is dropped and the
 * buffer kept, as QEMU does. */
void virtio_net_receive(struct virtio_net *n, const uint8_t *buf, size_t len);

/* Frames dropped so far (too long to send, or not fitting a receive
 * buffer): for tests and diagnostics. */
unsigned virtio_net_dropped(const struct virtio_net *n);

#endif
