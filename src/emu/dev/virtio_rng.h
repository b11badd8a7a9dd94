/* virtio-rng (device ID 4), behind a virtio-mmio transport. Entropy is an
 * input from outside the guest, so the device never reads the host: it says
 * how many bytes the guest is waiting for, and the nondeterminism boundary
 * hands bytes over (logged when recording, from the log when replaying),
 * as it does for the console. */
#ifndef REPRISE_DEV_VIRTIO_RNG_H
#define REPRISE_DEV_VIRTIO_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "../irq.h"

struct machine;
struct virtio_dev;
struct virtio_rng;

#define VIRTIO_ID_RNG 4

/* Most bytes virtio_rng_wanted reports at once. */
#define VIRTIO_RNG_WANT_MAX 4096

/* Creates a virtio-rng device in virt slot `slot`. *rng is the consumer
 * handle for the boundary, *dev the transport (both borrowed: the bus owns
 * and destroys them; either pointer may be NULL). Starts in legacy mode.
 * Returns 0 or a negative code with a message. */
int virtio_rng_create(struct machine *m, int slot, struct irq_line irq,
                      struct virtio_rng **rng, struct virtio_dev **dev);

/* Bytes the guest has asked for and not yet received (0 when the driver is
 * not running), at most VIRTIO_RNG_WANT_MAX. Depends only on guest-visible
 * state, never on the host. */
size_t virtio_rng_wanted(struct virtio_rng *r);

/* Hands len entropy bytes to the guest: fills its oldest requests in order
 * (the last one perhaps partly; each filled request completes with the
 * number of bytes it got) and raises the interrupt. Bytes beyond what the
 * guest wants are dropped. */
void virtio_rng_push(struct virtio_rng *r, const uint8_t *buf, size_t len);

#endif
