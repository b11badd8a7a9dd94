/* virtio-rng (virtio 1.2 section 5.4): one request queue of device-writable
 * buffers. Owns the list of requests the guest has made available and that
 * wait for entropy; the bytes themselves come only from virtio_rng_push,
 * called by the nondeterminism boundary, so recording logs them and replay
 * hands over the logged ones at the same instruction count. Requests are
 * taken off the ring when the guest notifies (a deterministic point), so
 * virtio_rng_wanted is a pure function of guest-visible state. */
#include "virtio_rng.h"

#include <stdlib.h>

#include "util.h"
#include "virtio.h"

#define RNG_QUEUE_SIZE 8        /* QEMU's virtio-rng queue size */

struct virtio_rng {
    struct virtio_dev *d;
    /* Requests taken from the ring, oldest first. Their number is bounded
     * by the queue size (the transport refuses more in flight). */
    uint16_t head[VIRTIO_QUEUE_MAX_SIZE];
    uint64_t room[VIRTIO_QUEUE_MAX_SIZE];   /* writable bytes of each */
    unsigned first, count;
    uint64_t want;                          /* sum of room[] */
};

static void rng_queue_notify(void *opaque, struct virtio_dev *d, unsigned q)
{
    struct virtio_rng *r = opaque;
    struct virtio_req req;
    while (virtio_queue_pop(d, q, &req) > 0) {
        if (req.out_len || !req.in_len) {
            virtio_fail(d, "virtio-rng request with a device-readable buffer");
            return;
        }
        if (r->count >= VIRTIO_QUEUE_MAX_SIZE) {     /* cannot happen */
            virtio_fail(d, "virtio-rng: too many requests in flight");
            return;
        }
        unsigned i = (r->first + r->count++) % VIRTIO_QUEUE_MAX_SIZE;
        r->head[i] = req.head;
        r->room[i] = req.in_len;
        r->want += req.in_len;
    }
}

size_t virtio_rng_wanted(struct virtio_rng *r)
{
    if (!r->d || !virtio_is_live(r->d))
        return 0;
    return r->want < VIRTIO_RNG_WANT_MAX ? (size_t)r->want : VIRTIO_RNG_WANT_MAX;
}

void virtio_rng_push(struct virtio_rng *r, const uint8_t *buf, size_t len)
{
    struct virtio_dev *d = r->d;
    bool pushed = false;
    while (len && r->count && d && virtio_is_live(d)) {
        unsigned i = r->first;
        struct virtio_req req;
        r->first = (r->first + 1) % VIRTIO_QUEUE_MAX_SIZE;
        r->count--;
        r->want -= r->room[i];
        /* The chain was checked when it was taken; walk it again to find
         * its buffers (a guest that changed it meanwhile is caught here). */
        if (virtio_queue_walk(d, 0, r->head[i], &req) < 0)
            break;
        size_t n = len < req.in_len ? len : (size_t)req.in_len;
        virtio_req_write(d, &req, 0, buf, n);
        virtio_queue_push(d, 0, &req, (uint32_t)n);
        pushed = true;
        buf += n;
        len -= n;
    }
    if (pushed)
        virtio_queue_flush(d, 0);
}

static uint64_t rng_features(void *opaque)
{
    return 1ULL << VIRTIO_F_ANY_LAYOUT | 1ULL << VIRTIO_F_INDIRECT_DESC |
           1ULL << VIRTIO_F_EVENT_IDX;
}

static void rng_reset(void *opaque)
{
    struct virtio_rng *r = opaque;
    r->first = r->count = 0;
    r->want = 0;
}

static void rng_destroy(void *opaque)
{
    free(opaque);
}

static const struct virtio_backend rng_backend = {
    .name = "virtio-rng",
    .device_id = VIRTIO_ID_RNG,
    .nqueues = 1,
    .queue_size = RNG_QUEUE_SIZE,
    .config_size = 0,
    .features = rng_features,
    .queue_notify = rng_queue_notify,
    .reset = rng_reset,
    .destroy = rng_destroy,
};

int virtio_rng_create(struct machine *m, int slot, struct irq_line irq,
                      struct virtio_rng **rng, struct virtio_dev **dev)
{
    struct virtio_rng *r = calloc(1, sizeof(*r));
    if (!r)
        return rp_error(-ENOMEM, "cannot allocate virtio-rng");
    struct virtio_dev *d;
    int err = virtio_mmio_create(m, slot, irq, &rng_backend, r, &d);
    if (err < 0) {
        free(r);
        return err;
    }
    r->d = d;
    if (rng)
        *rng = r;
    if (dev)
        *dev = d;
    return 0;
}
