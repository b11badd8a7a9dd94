/* virtio-net (virtio 1.2 section 5.1): a receive queue, a transmit queue and
 * an 8-byte config space (MAC, link status). Owns the MAC, the list of
 * receive buffers the guest has made available and the transmit bounce
 * buffer; the transport (virtio.c) owns the rings. No offloads are offered,
 * so every frame is a whole Ethernet frame with correct checksums, and the
 * virtio-net header carries nothing but num_buffers.
 *
 * Header size: 12 bytes (with num_buffers) once VERSION_1 or MRG_RXBUF is
 * negotiated, else the legacy 10 bytes (section 5.1.6.1 and its legacy
 * interface note).
 *
 * Determinism: receive buffers are taken off the ring when the guest
 * notifies queue 0 (a point fixed by its own instruction stream), so
 * virtio_net_can_receive is a pure function of guest-visible state and the
 * nondeterminism boundary delivers each frame at the same instruction count
 * in record and replay. Transmission happens synchronously inside the
 * guest's notify of queue 1; where the frame goes is the boundary's
 * business. */
#include "virtio_net.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "virtio.h"

#define NET_QUEUE_SIZE   256      /* QEMU's rx_queue_size and tx_queue_size */
#define NET_RX_QUEUE     0
#define NET_TX_QUEUE     1
#define NET_CONFIG_SIZE  8        /* mac[6], status */
#define NET_HDR_LEGACY   10       /* flags, gso_type, hdr_len, gso_size,
                                     csum_start, csum_offset */
#define NET_HDR_MODERN   12       /* ... and num_buffers */

struct virtio_net {
    struct virtio_dev *d;
    uint8_t mac[6];               /* as the guest sees it (legacy may write it) */
    uint8_t mac_default[6];       /* what a reset restores */
    /* Receive buffers taken from the ring, oldest first, with their
     * writable bytes. At most the queue size are in flight (the transport
     * refuses more), so the ring below never overflows. */
    uint16_t head[VIRTIO_QUEUE_MAX_SIZE];
    uint32_t room[VIRTIO_QUEUE_MAX_SIZE];
    unsigned first, count;
    uint64_t room_total;
    virtio_net_tx_fn *tx;
    void *tx_opaque;
    unsigned tx_port;
    uint8_t *frame;               /* transmit bounce buffer, VIRTIO_NET_MAX_FRAME */
    unsigned dropped;
};

static unsigned hdr_len(const struct virtio_net *n)
{
    return virtio_has_feature(n->d, VIRTIO_F_VERSION_1) ||
           virtio_has_feature(n->d, VIRTIO_NET_F_MRG_RXBUF) ? NET_HDR_MODERN : NET_HDR_LEGACY;
}

static bool mergeable(const struct virtio_net *n)
{
    return virtio_has_feature(n->d, VIRTIO_NET_F_MRG_RXBUF);
}

/* ---- receive ------------------------------------------------------------ */

static void rx_forget(struct virtio_net *n)
{
    n->first = n->count = 0;
    n->room_total = 0;
}

static void rx_notify(struct virtio_net *n, struct virtio_dev *d)
{
    struct virtio_req req;
    while (virtio_queue_pop(d, NET_RX_QUEUE, &req) > 0) {
        if (req.in_len < hdr_len(n)) {
            virtio_fail(d, "virtio-net receive buffer shorter than the virtio-net header");
            return;
        }
        if (n->count >= VIRTIO_QUEUE_MAX_SIZE) {     /* cannot happen */
            virtio_fail(d, "virtio-net: too many receive buffers in flight");
            return;
        }
        unsigned i = (n->first + n->count++) % VIRTIO_QUEUE_MAX_SIZE;
        n->head[i] = req.head;
        /* Chains are at most 1024 descriptors of at most 4 GiB; a frame
         * never needs more than 32 bits of room. */
        n->room[i] = req.in_len > UINT32_MAX ? UINT32_MAX : (uint32_t)req.in_len;
        n->room_total += n->room[i];
    }
}

bool virtio_net_can_receive(struct virtio_net *n, size_t len)
{
    if (!n->d || !virtio_is_live(n->d) || !n->count || len > VIRTIO_NET_MAX_FRAME)
        return false;
    if (!mergeable(n))
        return true;
    return n->room_total >= hdr_len(n) + (uint64_t)len;
}

/* Takes the oldest held buffer off the list and walks its chain again (a
 * guest that changed it meanwhile is caught here). Returns 1, or -EIO when
 * the device has failed. */
static int rx_take(struct virtio_net *n, struct virtio_req *req)
{
    unsigned i = n->first;
    n->first = (n->first + 1) % VIRTIO_QUEUE_MAX_SIZE;
    n->count--;
    n->room_total -= n->room[i];
    int r = virtio_queue_walk(n->d, NET_RX_QUEUE, n->head[i], req);
    if (r < 0)
        return r;
    if (req->in_len < n->room[i]) {
        virtio_fail(n->d, "virtio-net receive buffer shrank while the device held it");
        return -EIO;
    }
    return 1;
}

void virtio_net_receive(struct virtio_net *n, const uint8_t *buf, size_t len)
{
    if (!virtio_net_can_receive(n, len))
        return;
    struct virtio_dev *d = n->d;
    unsigned hl = hdr_len(n);
    uint8_t hdr[NET_HDR_MODERN] = {0};   /* no flags, GSO_NONE */
    struct virtio_req req;

    if (!mergeable(n)) {
        /* One buffer per frame; a frame that does not fit is dropped and
         * the buffer stays where it is. */
        if (n->room[n->first] < hl + (uint64_t)len) {
            n->dropped++;
            return;
        }
        if (rx_take(n, &req) < 0)
            return;
        hdr[10] = 1;                     /* num_buffers, when present */
        virtio_req_write(d, &req, 0, hdr, hl);
        virtio_req_write(d, &req, hl, buf, len);
        virtio_queue_push(d, NET_RX_QUEUE, &req, hl + (uint32_t)len);
        virtio_queue_flush(d, NET_RX_QUEUE);
        return;
    }

    /* Mergeable: as many buffers as the frame needs, in ring order, the
     * header (with their number) at the start of the first. */
    uint64_t total = hl + (uint64_t)len, sum = 0;
    unsigned nbuf = 0;
    while (sum < total) {
        sum += n->room[(n->first + nbuf) % VIRTIO_QUEUE_MAX_SIZE];
        nbuf++;
    }
    hdr[10] = (uint8_t)nbuf;
    hdr[11] = (uint8_t)(nbuf >> 8);
    uint64_t done = 0;                   /* bytes of header + frame written */
    for (unsigned k = 0; k < nbuf; k++) {
        if (rx_take(n, &req) < 0)
            return;
        uint64_t chunk = total - done < req.in_len ? total - done : req.in_len;
        uint64_t off = 0;
        if (k == 0) {
            virtio_req_write(d, &req, 0, hdr, hl);
            off = hl;
        }
        virtio_req_write(d, &req, off, buf + (done + off - hl), chunk - off);
        virtio_queue_push(d, NET_RX_QUEUE, &req, (uint32_t)chunk);
        done += chunk;
    }
    virtio_queue_flush(d, NET_RX_QUEUE);
}

/* ---- transmit ----------------------------------------------------------- */

static void tx_notify(struct virtio_net *n, struct virtio_dev *d)
{
    struct virtio_req req;
    bool any = false;
    while (virtio_queue_pop(d, NET_TX_QUEUE, &req) > 0) {
        unsigned hl = hdr_len(n);
        if (req.out_len < hl) {
            virtio_fail(d, "virtio-net transmit buffer shorter than the virtio-net header");
            break;
        }
        uint64_t len = req.out_len - hl;
        if (len == 0 || len > VIRTIO_NET_MAX_FRAME) {
            n->dropped++;
        } else if (virtio_req_read(d, &req, hl, n->frame, len) == 0 && n->tx) {
            n->tx(n->tx_opaque, n->tx_port, n->frame, (size_t)len);
        }
        virtio_queue_push(d, NET_TX_QUEUE, &req, 0);
        any = true;
    }
    if (any)
        virtio_queue_flush(d, NET_TX_QUEUE);
}

/* ---- backend ------------------------------------------------------------ */

static void net_queue_notify(void *opaque, struct virtio_dev *d, unsigned q)
{
    struct virtio_net *n = opaque;
    if (q == NET_RX_QUEUE)
        rx_notify(n, d);
    else
        tx_notify(n, d);
}

static uint64_t net_features(void *opaque)
{
    return 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS |
           1ULL << VIRTIO_NET_F_MRG_RXBUF | 1ULL << VIRTIO_F_ANY_LAYOUT |
           1ULL << VIRTIO_F_INDIRECT_DESC | 1ULL << VIRTIO_F_EVENT_IDX;
}

static uint32_t net_config_read(void *opaque, uint32_t off, unsigned size)
{
    struct virtio_net *n = opaque;
    uint8_t cfg[NET_CONFIG_SIZE];
    memcpy(cfg, n->mac, 6);
    cfg[6] = VIRTIO_NET_S_LINK_UP;
    cfg[7] = 0;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)cfg[off + i] << (8 * i);
    return v;
}

/* A legacy driver sets the MAC by writing config space (Linux does when it
 * has no control queue); a VERSION_1 driver may not, as in QEMU. */
static void net_config_write(void *opaque, uint32_t off, unsigned size, uint32_t val)
{
    struct virtio_net *n = opaque;
    if (virtio_has_feature(n->d, VIRTIO_F_VERSION_1))
        return;
    for (unsigned i = 0; i < size; i++)
        if (off + i < 6)
            n->mac[off + i] = (uint8_t)(val >> (8 * i));
}

static void net_reset(void *opaque)
{
    struct virtio_net *n = opaque;
    rx_forget(n);
    memcpy(n->mac, n->mac_default, 6);
}

static void net_destroy(void *opaque)
{
    struct virtio_net *n = opaque;
    free(n->frame);
    free(n);
}

static const struct virtio_backend net_backend = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .nqueues = 2,
    .queue_size = NET_QUEUE_SIZE,
    .config_size = NET_CONFIG_SIZE,
    .features = net_features,
    .config_read = net_config_read,
    .config_write = net_config_write,
    .queue_notify = net_queue_notify,
    .reset = net_reset,
    .destroy = net_destroy,
};

unsigned virtio_net_dropped(const struct virtio_net *n)
{
    return n->dropped;
}

void virtio_net_set_tx(struct virtio_net *n, virtio_net_tx_fn *fn, void *opaque, unsigned port)
{
    n->tx = fn;
    n->tx_opaque = opaque;
    n->tx_port = port;
}

int virtio_net_create(struct machine *m, int slot, struct irq_line irq, const uint8_t mac[6],
                      struct virtio_net **net, struct virtio_dev **dev)
{
    struct virtio_net *n = calloc(1, sizeof(*n));
    uint8_t *frame = malloc(VIRTIO_NET_MAX_FRAME);
    if (!n || !frame) {
        free(n);
        free(frame);
        return rp_error(-ENOMEM, "cannot allocate virtio-net");
    }
    n->frame = frame;
    memcpy(n->mac, mac, 6);
    memcpy(n->mac_default, mac, 6);
    struct virtio_dev *d;
    int err = virtio_mmio_create(m, slot, irq, &net_backend, n, &d);
    if (err < 0) {
        net_destroy(n);
        return err;
    }
    n->d = d;
    if (net)
        *net = n;
    if (dev)
        *dev = d;
    return 0;
}
