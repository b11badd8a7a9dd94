/* virtio-blk (device ID 2) on a raw disk image, behind a virtio-mmio
 * transport. Requests complete synchronously inside the guest's queue
 * notification, so they need no log entry (see virtio_blk.c). */
#ifndef REPRISE_DEV_VIRTIO_BLK_H
#define REPRISE_DEV_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "../irq.h"

struct machine;
struct virtio_dev;

#define VIRTIO_ID_BLOCK 2

/* Creates a virtio-blk device on the raw image at path in virt slot `slot`.
 * overlay false: guest writes go straight to the image (run mode, as QEMU
 * does). overlay true: the image is opened read-only and never modified;
 * writes land in a copy-on-write overlay kept in memory (record and replay:
 * a replay from the same image rebuilds the same overlay). The image must be
 * a non-empty multiple of 512 bytes. The transport starts in legacy mode
 * (virtio_set_legacy switches it). Returns 0 or a negative code with a
 * message naming the file (rp_error); *out is the transport (borrowed: the
 * bus owns and destroys it). */
int virtio_blk_create(struct machine *m, int slot, const char *path, bool overlay,
                      struct irq_line irq, struct virtio_dev **out);

#endif
