/* virtio-mmio transport (virtio 1.2 section 4.2) for the eight slots of QEMU's
 * virt: registers, feature negotiation, status and reset, split virtqueues
 * and the interrupt line. A device type (blk, rng, ...) plugs in as a small
 * backend ops table and moves data only through the request helpers below,
 * which read and write guest RAM through the bus and nothing else. */
#ifndef REPRISE_DEV_VIRTIO_H
#define REPRISE_DEV_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../irq.h"

struct machine;
struct virtio_dev;

#define VIRTIO_SLOTS          8         /* virt's virtio-mmio transports */
#define VIRTIO_MMIO_WINDOW    0x200     /* registers + config; the rest of a
                                           slot's 0x1000 faults, as in QEMU */
#define VIRTIO_MMIO_CONFIG    0x100     /* device config space offset */
#define VIRTIO_QUEUE_MAX_SIZE 1024      /* QueueNumMax, as QEMU reports it */
#define VIRTIO_MAX_QUEUES     8         /* queues a backend may declare */
#define VIRTIO_MAGIC          0x74726976 /* "virt" */
#define VIRTIO_VENDOR_QEMU    0x554d4551 /* "QEMU", what QEMU reports */

/* Transport feature bits (device-specific bits are 0..23). */
#define VIRTIO_F_NOTIFY_ON_EMPTY 24
#define VIRTIO_F_ANY_LAYOUT      27
#define VIRTIO_F_INDIRECT_DESC   28
#define VIRTIO_F_EVENT_IDX       29
#define VIRTIO_F_VERSION_1       32

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER      0x02
#define VIRTIO_STATUS_DRIVER_OK   0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED      0x80

/* InterruptStatus bits. */
#define VIRTIO_INT_USED   0x1     /* a used buffer was added */
#define VIRTIO_INT_CONFIG 0x2     /* configuration changed (or NEEDS_RESET) */

/* One guest buffer of a descriptor chain, already checked to lie in RAM. */
struct virtio_seg {
    uint64_t addr;
    uint32_t len;
};

/* A descriptor chain taken from the available ring. The device-readable
 * segments come first (nout of them, out_len bytes), then the
 * device-writable ones (in_len bytes). seg is borrowed from the transport
 * and valid until the next virtio_queue_pop or virtio_queue_walk on the same
 * device; head stays valid until the request is pushed. */
struct virtio_req {
    uint16_t head;
    unsigned nseg, nout;
    uint64_t out_len, in_len;
    const struct virtio_seg *seg;
};

/* A device type. All callbacks get the opaque pointer given to
 * virtio_mmio_create. Config accesses are 1, 2 or 4 bytes and lie within
 * config_size (the transport answers all-ones beyond it and drops writes). */
struct virtio_backend {
    const char *name;
    uint32_t device_id;
    unsigned nqueues;           /* 1..VIRTIO_MAX_QUEUES */
    uint16_t queue_size;        /* QueueNum after reset (QEMU's default) */
    uint32_t config_size;       /* bytes of config space (<= 0x100) */
    /* Feature bits offered: device bits and the transport bits the device
     * copes with (INDIRECT_DESC, EVENT_IDX, ANY_LAYOUT); the transport
     * adds VERSION_1 in modern mode and hides bits 32+ in legacy mode. */
    uint64_t (*features)(void *opaque);
    uint32_t (*config_read)(void *opaque, uint32_t off, unsigned size);
    void (*config_write)(void *opaque, uint32_t off, unsigned size, uint32_t val);
    /* The driver made buffers available on queue q (q is ready, the driver
     * is OK and the device is not broken). Called synchronously from the
     * guest's QueueNotify store, or from its DRIVER_OK status write. */
    void (*queue_notify)(void *opaque, struct virtio_dev *d, unsigned q);
    /* Device reset (status 0, or machine reset): forget requests in flight. */
    void (*reset)(void *opaque);
    void (*destroy)(void *opaque);
};

/* Guest-physical base of slot 0..7 (its PLIC source is 1 + slot). */
uint64_t virtio_slot_base(int slot);

/* Creates the transport of virt slot `slot` and maps it on m->bus. be NULL
 * makes an empty transport as QEMU has in unused slots (magic, version and
 * vendor readable, device ID 0, writes ignored). The transport owns the
 * backend from a successful return on (be->destroy is called when the bus
 * is destroyed); on failure the caller still owns it. Starts in legacy mode
 * (version 1), QEMU 7.2's default. Returns 0 or a negative code with a
 * message (rp_error). */
int virtio_mmio_create(struct machine *m, int slot, struct irq_line irq,
                       const struct virtio_backend *be, void *be_opaque,
                       struct virtio_dev **out);

/* Selects the modern (false: version 2) or legacy (true: version 1)
 * register layout. Call before the guest runs. */
void virtio_set_legacy(struct virtio_dev *d, bool legacy);

/* Negotiated feature bit? */
bool virtio_has_feature(const struct virtio_dev *d, unsigned bit);

/* True while the device may process buffers: DRIVER_OK set and not
 * NEEDS_RESET. */
bool virtio_is_live(const struct virtio_dev *d);

/* Takes the next available chain of queue q and validates it. Returns 1 with
 * *req filled, 0 when the ring is empty (or the device may not process),
 * or -EIO when the ring or chain is malformed: the device then needs a
 * reset (see virtio_fail) and processes nothing more. */
int virtio_queue_pop(struct virtio_dev *d, unsigned q, struct virtio_req *req);

/* Walks (again) the chain starting at head, for a device that kept a popped
 * request and completes it later. Same return values as virtio_queue_pop
 * (1 or -EIO). */
int virtio_queue_walk(struct virtio_dev *d, unsigned q, uint16_t head,
                      struct virtio_req *req);

/* Copies len bytes at byte offset off of the request's readable part into
 * buf, or buf into its writable part. Returns 0, or -EINVAL when the range
 * is beyond that part (nothing is copied then). */
int virtio_req_read(struct virtio_dev *d, const struct virtio_req *req,
                    uint64_t off, void *buf, uint64_t len);
int virtio_req_write(struct virtio_dev *d, const struct virtio_req *req,
                     uint64_t off, const void *buf, uint64_t len);

/* Puts a finished request on queue q's used ring, telling the driver that
 * `written` bytes of the writable part were filled. */
void virtio_queue_push(struct virtio_dev *d, unsigned q, const struct virtio_req *req,
                       uint32_t written);

/* Ends a batch of pushes: interrupts the driver unless it suppressed that
 * (VRING_AVAIL_F_NO_INTERRUPT, or the used event index with EVENT_IDX). */
void virtio_queue_flush(struct virtio_dev *d, unsigned q);

/* The guest broke the protocol: sets DEVICE_NEEDS_RESET, raises the
 * configuration-change interrupt if the driver is OK, and stops all
 * processing until the driver resets the device. why is a static string,
 * kept for virtio_last_error. Logs nothing. */
void virtio_fail(struct virtio_dev *d, const char *why);

/* Protocol errors seen since creation, and the last one (static string, or
 * NULL): for tests and diagnostics. */
unsigned virtio_error_count(const struct virtio_dev *d);
const char *virtio_last_error(const struct virtio_dev *d);

#endif
