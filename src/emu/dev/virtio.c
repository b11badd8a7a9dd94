/* virtio-mmio transport (see virtio.h): the register file of one virt slot in
 * modern (version 2) or legacy (version 1) layout, feature negotiation,
 * status and reset, split virtqueues, and the level interrupt
 * (InterruptStatus != 0). Owns the transport state and its backend; does
 * not own guest memory, which it reaches only through bus_read_ram and
 * bus_write_ram, after checking every guest-supplied address and length.
 *
 * Guest mistakes never crash the emulator or print anything: a malformed
 * ring or chain sets DEVICE_NEEDS_RESET, raises the configuration-change
 * interrupt when the driver is OK, and stops the device until the driver
 * resets it (virtio 1.2 section 2.1.2). Register quirks follow QEMU 7.2
 * (hw/virtio/virtio-mmio.c): a 0x200-byte window, non-32-bit register
 * accesses read 0 and are ignored, 64-bit accesses are split in two. */
#include "virtio.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../bus.h"
#include "../machine.h"
#include "util.h"

/* Register offsets (virtio 1.2 section 4.2.2, legacy 4.2.4). */
enum {
    REG_MAGIC = 0x000,
    REG_VERSION = 0x004,
    REG_DEVICE_ID = 0x008,
    REG_VENDOR_ID = 0x00c,
    REG_DEVICE_FEATURES = 0x010,
    REG_DEVICE_FEATURES_SEL = 0x014,
    REG_DRIVER_FEATURES = 0x020,
    REG_DRIVER_FEATURES_SEL = 0x024,
    REG_GUEST_PAGE_SIZE = 0x028,    /* legacy */
    REG_QUEUE_SEL = 0x030,
    REG_QUEUE_NUM_MAX = 0x034,
    REG_QUEUE_NUM = 0x038,
    REG_QUEUE_ALIGN = 0x03c,        /* legacy */
    REG_QUEUE_PFN = 0x040,          /* legacy */
    REG_QUEUE_READY = 0x044,        /* modern */
    REG_QUEUE_NOTIFY = 0x050,
    REG_INTERRUPT_STATUS = 0x060,
    REG_INTERRUPT_ACK = 0x064,
    REG_STATUS = 0x070,
    REG_QUEUE_DESC_LOW = 0x080,     /* modern, up to REG_CONFIG_GENERATION */
    REG_QUEUE_DESC_HIGH = 0x084,
    REG_QUEUE_DRIVER_LOW = 0x090,
    REG_QUEUE_DRIVER_HIGH = 0x094,
    REG_QUEUE_DEVICE_LOW = 0x0a0,
    REG_QUEUE_DEVICE_HIGH = 0x0a4,
    REG_SHM_LEN_LOW = 0x0b0,
    REG_SHM_LEN_HIGH = 0x0b4,
    REG_CONFIG_GENERATION = 0x0fc,
};

/* Split virtqueue layout (virtio 1.2 section 2.7). */
#define VRING_DESC_SIZE        16
#define VRING_DESC_F_NEXT      1
#define VRING_DESC_F_WRITE     2
#define VRING_DESC_F_INDIRECT  4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define LEGACY_DEFAULT_ALIGN   4096   /* QueueAlign after reset, as in QEMU */

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

struct virtio_queue {
    /* Registers as the driver wrote them. */
    uint32_t num;
    uint32_t desc_reg[2], driver_reg[2], device_reg[2];   /* modern */
    uint32_t align, pfn;                                  /* legacy */
    /* Latched when the queue is enabled (QueueReady = 1 or QueuePFN != 0);
     * the whole rings then lie in RAM. */
    bool ready;
    uint64_t desc, avail, used;
    uint16_t last_avail;        /* next available entry to take */
    uint16_t used_idx;          /* our copy of used->idx */
    uint16_t signalled;         /* used_idx at the last interrupt decision */
    bool signalled_valid;
    uint32_t inuse;             /* popped and not yet pushed */
};

struct virtio_dev {
    struct machine *m;
    struct bus *bus;
    int slot;
    struct irq_line irq;
    bool legacy;

    const struct virtio_backend *be;    /* NULL: empty slot */
    void *be_opaque;

    uint64_t device_features;           /* offered, as seen in this mode */
    uint64_t features;                  /* negotiated */
    uint32_t driver_features[2];        /* modern: written, not yet accepted */
    uint32_t device_features_sel, driver_features_sel;
    uint32_t page_shift;                /* legacy GuestPageSize; kept across
                                           status resets, as Linux expects */
    uint32_t queue_sel;
    uint8_t status;
    uint32_t isr;
    uint32_t generation;                /* config never changes: stays 0 */
    uint32_t pending_notify;            /* queues notified before DRIVER_OK */

    struct virtio_queue q[VIRTIO_MAX_QUEUES];
    struct virtio_seg seg[VIRTIO_QUEUE_MAX_SIZE];   /* scratch for one chain */

    unsigned errors;
    const char *last_error;
};

/* ---- guest memory ------------------------------------------------------ */

static int ram_rd16(struct virtio_dev *d, uint64_t pa, uint16_t *v)
{
    uint8_t b[2];
    int r = bus_read_ram(d->bus, pa, b, 2);
    *v = r ? 0 : (uint16_t)(b[0] | b[1] << 8);
    return r;
}

static int ram_wr16(struct virtio_dev *d, uint64_t pa, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    return bus_write_ram(d->bus, pa, b, 2);
}

static int ram_wr32(struct virtio_dev *d, uint64_t pa, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    return bus_write_ram(d->bus, pa, b, 4);
}

static int read_desc(struct virtio_dev *d, uint64_t table, uint32_t i, struct vring_desc *out)
{
    uint8_t b[VRING_DESC_SIZE];
    int r = bus_read_ram(d->bus, table + (uint64_t)i * VRING_DESC_SIZE, b, sizeof(b));
    if (r)
        return r;
    uint64_t a = 0;
    for (int k = 7; k >= 0; k--)
        a = a << 8 | b[k];
    out->addr = a;
    out->len = (uint32_t)b[8] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 |
               (uint32_t)b[11] << 24;
    out->flags = (uint16_t)(b[12] | b[13] << 8);
    out->next = (uint16_t)(b[14] | b[15] << 8);
    return 0;
}

/* ---- interrupts, errors, reset ------------------------------------------ */

static void update_irq(struct virtio_dev *d)
{
    irq_set(&d->irq, d->isr != 0);
}

void virtio_fail(struct virtio_dev *d, const char *why)
{
    d->errors++;
    d->last_error = why;
    if (d->status & VIRTIO_STATUS_NEEDS_RESET)
        return;
    d->status |= VIRTIO_STATUS_NEEDS_RESET;
    /* Section 2.1.2: with DRIVER_OK set the device must send a
     * configuration change notification; before that, the status bit is
     * what the driver sees. */
    if (d->status & VIRTIO_STATUS_DRIVER_OK) {
        d->isr |= VIRTIO_INT_CONFIG;
        update_irq(d);
    }
}

static int fail(struct virtio_dev *d, const char *why)
{
    virtio_fail(d, why);
    return -EIO;
}

unsigned virtio_error_count(const struct virtio_dev *d)
{
    return d->errors;
}

const char *virtio_last_error(const struct virtio_dev *d)
{
    return d->last_error;
}

/* The device reset a status write of 0 asks for (and QEMU's soft reset). */
static void soft_reset(struct virtio_dev *d)
{
    d->status = 0;
    d->isr = 0;
    d->features = 0;
    d->driver_features[0] = d->driver_features[1] = 0;
    d->device_features_sel = d->driver_features_sel = 0;
    d->queue_sel = 0;
    d->pending_notify = 0;
    memset(d->q, 0, sizeof(d->q));
    for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
        d->q[i].num = d->be ? d->be->queue_size : 0;
        d->q[i].align = LEGACY_DEFAULT_ALIGN;
    }
    if (d->be && d->be->reset)
        d->be->reset(d->be_opaque);
    update_irq(d);
}

/* Machine reset: everything, including the legacy page size. */
static void virtio_reset(void *opaque)
{
    struct virtio_dev *d = opaque;
    d->page_shift = 0;
    soft_reset(d);
}

/* ---- features ----------------------------------------------------------- */

static void compute_device_features(struct virtio_dev *d)
{
    uint64_t f = d->be && d->be->features ? d->be->features(d->be_opaque) : 0;
    if (d->legacy)
        f &= 0xffffffffULL;
    else
        f = (f | 1ULL << VIRTIO_F_VERSION_1) &
            ~(1ULL << VIRTIO_F_NOTIFY_ON_EMPTY | 1ULL << VIRTIO_F_ANY_LAYOUT);
    d->device_features = f;
}

bool virtio_has_feature(const struct virtio_dev *d, unsigned bit)
{
    return bit < 64 && (d->features >> bit & 1);
}

bool virtio_is_live(const struct virtio_dev *d)
{
    return d->be && (d->status & VIRTIO_STATUS_DRIVER_OK) &&
           !(d->status & VIRTIO_STATUS_NEEDS_RESET);
}

/* ---- queue setup -------------------------------------------------------- */

static struct virtio_queue *sel_queue(struct virtio_dev *d)
{
    return d->be && d->queue_sel < d->be->nqueues ? &d->q[d->queue_sel] : NULL;
}

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

/* Checks the size and the three rings of q (addresses already latched);
 * marks it ready, or fails the device. */
static void queue_enable(struct virtio_dev *d, struct virtio_queue *q)
{
    const char *why = NULL;
    uint64_t n = q->num;
    if (!is_pow2(n) || n > VIRTIO_QUEUE_MAX_SIZE)
        why = "queue size is not a power of two in 1..QueueNumMax";
    else if ((q->desc & 15) || (q->avail & 1) || (q->used & 3))
        why = "misaligned virtqueue ring";
    else if (!bus_is_ram(d->bus, q->desc, n * VRING_DESC_SIZE) ||
             !bus_is_ram(d->bus, q->avail, 6 + 2 * n) ||
             !bus_is_ram(d->bus, q->used, 6 + 8 * n))
        why = "virtqueue ring outside guest RAM";
    if (why) {
        q->ready = false;
        virtio_fail(d, why);
        return;
    }
    q->ready = true;
}

static void queue_enable_modern(struct virtio_dev *d, struct virtio_queue *q)
{
    if (q->ready)
        return;
    q->desc = (uint64_t)q->desc_reg[1] << 32 | q->desc_reg[0];
    q->avail = (uint64_t)q->driver_reg[1] << 32 | q->driver_reg[0];
    q->used = (uint64_t)q->device_reg[1] << 32 | q->device_reg[0];
    queue_enable(d, q);
}

/* Legacy layout: descriptors at PFN << page shift, the available ring right
 * after them, the used ring at the next QueueAlign boundary. */
static void queue_enable_legacy(struct virtio_dev *d, struct virtio_queue *q, uint32_t pfn)
{
    q->pfn = pfn;
    q->ready = false;
    if (!is_pow2(q->align)) {
        virtio_fail(d, "QueueAlign is not a power of two");
        return;
    }
    uint64_t n = q->num <= VIRTIO_QUEUE_MAX_SIZE ? q->num : 0;
    q->desc = (uint64_t)pfn << d->page_shift;
    q->avail = q->desc + n * VRING_DESC_SIZE;
    q->used = (q->avail + 6 + 2 * n + q->align - 1) & ~((uint64_t)q->align - 1);
    queue_enable(d, q);
}

/* ---- register file ------------------------------------------------------ */

static void notify_pending(struct virtio_dev *d)
{
    uint32_t pend = d->pending_notify;
    d->pending_notify = 0;
    for (unsigned i = 0; i < d->be->nqueues && virtio_is_live(d); i++)
        if ((pend >> i & 1) && d->q[i].ready)
            d->be->queue_notify(d->be_opaque, d, i);
}

static void write_status(struct virtio_dev *d, uint32_t val)
{
    uint8_t v = (uint8_t)val;
    if (v == 0) {
        soft_reset(d);
        return;
    }
    uint8_t old = d->status;
    /* NEEDS_RESET belongs to the device: the driver can neither set nor
     * clear it (only a reset clears it). */
    uint8_t nv = (uint8_t)((v & ~VIRTIO_STATUS_NEEDS_RESET) | (old & VIRTIO_STATUS_NEEDS_RESET));
    if (!d->legacy && (nv & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK)) {
        /* Accepted as QEMU does: bits we do not offer are dropped, and a
         * driver that leaves VERSION_1 out is still served (xv6 writes
         * only the low feature word and insists on FEATURES_OK). */
        uint64_t want = (uint64_t)d->driver_features[1] << 32 | d->driver_features[0];
        d->features = want & d->device_features;
    }
    d->status = nv;
    if ((nv & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK))
        notify_pending(d);
}

static void queue_notify(struct virtio_dev *d, uint32_t idx)
{
    if (idx >= d->be->nqueues || !d->q[idx].ready) {
        virtio_fail(d, "notify of a queue that is not ready");
        return;
    }
    if (d->status & VIRTIO_STATUS_NEEDS_RESET)
        return;
    /* Section 3.1.1: no buffers are used before DRIVER_OK; they are taken
     * when the driver gets there. */
    if (!(d->status & VIRTIO_STATUS_DRIVER_OK)) {
        d->pending_notify |= 1u << idx;
        return;
    }
    d->be->queue_notify(d->be_opaque, d, idx);
}

static uint32_t reg_read(struct virtio_dev *d, uint64_t off)
{
    switch (off) {
    case REG_MAGIC:
        return VIRTIO_MAGIC;
    case REG_VERSION:
        return d->legacy ? 1 : 2;
    case REG_VENDOR_ID:
        return VIRTIO_VENDOR_QEMU;
    }
    if (!d->be)
        return 0;       /* empty slot: device ID 0, nothing else */
    struct virtio_queue *q = sel_queue(d);
    switch (off) {
    case REG_DEVICE_ID:
        return d->be->device_id;
    case REG_DEVICE_FEATURES:
        return (uint32_t)(d->device_features >> (32 * d->device_features_sel));
    case REG_QUEUE_NUM_MAX:
        return q ? VIRTIO_QUEUE_MAX_SIZE : 0;
    case REG_QUEUE_PFN:
        return d->legacy && q ? q->pfn : 0;
    case REG_QUEUE_READY:
        return !d->legacy && q ? q->ready : 0;
    case REG_INTERRUPT_STATUS:
        return d->isr;
    case REG_STATUS:
        return d->status;
    case REG_SHM_LEN_LOW:
    case REG_SHM_LEN_HIGH:
        return d->legacy ? 0 : 0xffffffffu;     /* no shared memory region */
    case REG_CONFIG_GENERATION:
        return d->legacy ? 0 : d->generation;
    default:
        return 0;       /* write-only and reserved registers read as 0 */
    }
}

static void reg_write(struct virtio_dev *d, uint64_t off, uint32_t v)
{
    if (!d->be)
        return;
    struct virtio_queue *q = sel_queue(d);
    bool modern_q = q && !d->legacy && !q->ready;
    switch (off) {
    case REG_DEVICE_FEATURES_SEL:
        d->device_features_sel = v ? 1 : 0;     /* QEMU clamps to 0/1 */
        break;
    case REG_DRIVER_FEATURES:
        if (d->legacy) {
            if (d->driver_features_sel == 0)
                d->features = v & d->device_features;
        } else if (!(d->status & VIRTIO_STATUS_FEATURES_OK)) {
            d->driver_features[d->driver_features_sel] = v;
        }
        break;
    case REG_DRIVER_FEATURES_SEL:
        d->driver_features_sel = v ? 1 : 0;
        break;
    case REG_GUEST_PAGE_SIZE:
        if (d->legacy)
            d->page_shift = v ? (uint32_t)__builtin_ctz(v) : 0;
        break;
    case REG_QUEUE_SEL:
        if (v < VIRTIO_QUEUE_MAX_SIZE)
            d->queue_sel = v;
        break;
    case REG_QUEUE_NUM:
        if (q && !q->ready)
            q->num = v;
        break;
    case REG_QUEUE_ALIGN:
        if (d->legacy && q && !q->ready)
            q->align = v;
        break;
    case REG_QUEUE_PFN:
        if (!d->legacy || !q)
            break;
        if (v == 0) {
            q->ready = false;
            q->pfn = 0;
        } else {
            queue_enable_legacy(d, q, v);
        }
        break;
    case REG_QUEUE_READY:
        if (d->legacy || !q)
            break;
        if (v & 1)
            queue_enable_modern(d, q);
        else
            q->ready = false;
        break;
    case REG_QUEUE_NOTIFY:
        queue_notify(d, v);
        break;
    case REG_INTERRUPT_ACK:
        d->isr &= ~v;
        update_irq(d);
        break;
    case REG_STATUS:
        write_status(d, v);
        break;
    case REG_QUEUE_DESC_LOW:
    case REG_QUEUE_DESC_HIGH:
        if (modern_q)
            q->desc_reg[off == REG_QUEUE_DESC_HIGH] = v;
        break;
    case REG_QUEUE_DRIVER_LOW:
    case REG_QUEUE_DRIVER_HIGH:
        if (modern_q)
            q->driver_reg[off == REG_QUEUE_DRIVER_HIGH] = v;
        break;
    case REG_QUEUE_DEVICE_LOW:
    case REG_QUEUE_DEVICE_HIGH:
        if (modern_q)
            q->device_reg[off == REG_QUEUE_DEVICE_HIGH] = v;
        break;
    default:
        break;          /* read-only and reserved registers ignore writes */
    }
}

/* One access of 1, 2 or 4 bytes, aligned, inside the window. */
static uint32_t access_read(struct virtio_dev *d, uint64_t off, unsigned size)
{
    if (off < VIRTIO_MMIO_CONFIG)
        return size == 4 ? reg_read(d, off) : 0;
    uint32_t coff = (uint32_t)(off - VIRTIO_MMIO_CONFIG);
    if (!d->be)
        return 0;
    if (coff + size > d->be->config_size || !d->be->config_read)
        return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    return d->be->config_read(d->be_opaque, coff, size);
}

static void access_write(struct virtio_dev *d, uint64_t off, unsigned size, uint32_t v)
{
    if (off < VIRTIO_MMIO_CONFIG) {
        if (size == 4)
            reg_write(d, off, v);
        return;
    }
    uint32_t coff = (uint32_t)(off - VIRTIO_MMIO_CONFIG);
    if (d->be && d->be->config_write && coff + size <= d->be->config_size)
        d->be->config_write(d->be_opaque, coff, size, v);
}

static int virtio_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct virtio_dev *d = opaque;
    if (off >= VIRTIO_MMIO_WINDOW || size > VIRTIO_MMIO_WINDOW - off || (off & (size - 1)))
        return -EFAULT;
    if (size == 8)
        *val = access_read(d, off, 4) | (uint64_t)access_read(d, off + 4, 4) << 32;
    else
        *val = access_read(d, off, size);
    return 0;
}

static int virtio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct virtio_dev *d = opaque;
    if (off >= VIRTIO_MMIO_WINDOW || size > VIRTIO_MMIO_WINDOW - off || (off & (size - 1)))
        return -EFAULT;
    if (size == 8) {
        access_write(d, off, 4, (uint32_t)val);
        access_write(d, off + 4, 4, (uint32_t)(val >> 32));
    } else {
        access_write(d, off, size, (uint32_t)val);
    }
    return 0;
}

static void virtio_destroy(void *opaque)
{
    struct virtio_dev *d = opaque;
    if (d->be && d->be->destroy)
        d->be->destroy(d->be_opaque);
    free(d);
}

static const struct dev_ops virtio_ops = {
    .name = "virtio-mmio",
    .read = virtio_read,
    .write = virtio_write,
    .reset = virtio_reset,
    .destroy = virtio_destroy,
    .access_sizes = 1 | 2 | 4 | 8,
};

/* ---- virtqueues --------------------------------------------------------- */

int virtio_queue_walk(struct virtio_dev *d, unsigned qi, uint16_t head, struct virtio_req *req)
{
    assert(d->be && qi < d->be->nqueues);
    struct virtio_queue *q = &d->q[qi];
    uint64_t table = q->desc;
    uint32_t max = q->num;
    struct vring_desc desc;

    if (!q->ready)
        return fail(d, "request on a queue that is not ready");
    if (head >= max)
        return fail(d, "available ring names a descriptor past the queue size");
    if (read_desc(d, table, head, &desc))
        return fail(d, "descriptor table outside guest RAM");
    if (desc.flags & VRING_DESC_F_INDIRECT) {
        if (!virtio_has_feature(d, VIRTIO_F_INDIRECT_DESC))
            return fail(d, "indirect descriptor without VIRTIO_F_INDIRECT_DESC");
        if (desc.flags & VRING_DESC_F_NEXT)
            return fail(d, "indirect descriptor with NEXT set");
        if (desc.len == 0 || desc.len % VRING_DESC_SIZE ||
            desc.len / VRING_DESC_SIZE > VIRTIO_QUEUE_MAX_SIZE)
            return fail(d, "invalid size of an indirect descriptor table");
        if (!bus_is_ram(d->bus, desc.addr, desc.len))
            return fail(d, "indirect descriptor table outside guest RAM");
        table = desc.addr;
        max = desc.len / VRING_DESC_SIZE;
        if (read_desc(d, table, 0, &desc))
            return fail(d, "indirect descriptor table outside guest RAM");
    }

    unsigned nseg = 0, nout = 0;
    uint64_t out_len = 0, in_len = 0;
    for (;;) {
        /* A chain can visit each entry of its table once; more means a loop. */
        if (nseg >= max)
            return fail(d, "descriptor chain longer than its table (a loop)");
        if (desc.flags & VRING_DESC_F_INDIRECT)
            return fail(d, "indirect descriptor inside a chain or table");
        if (desc.len == 0)
            return fail(d, "zero-length buffer");
        if (!bus_is_ram(d->bus, desc.addr, desc.len))
            return fail(d, "buffer outside guest RAM");
        if (desc.flags & VRING_DESC_F_WRITE) {
            in_len += desc.len;
        } else {
            if (nseg > nout)
                return fail(d, "device-readable buffer after a writable one");
            nout++;
            out_len += desc.len;
        }
        d->seg[nseg].addr = desc.addr;
        d->seg[nseg].len = desc.len;
        nseg++;
        if (!(desc.flags & VRING_DESC_F_NEXT))
            break;
        if (desc.next >= max)
            return fail(d, "next descriptor index past the table");
        if (read_desc(d, table, desc.next, &desc))
            return fail(d, "descriptor table outside guest RAM");
    }
    req->head = head;
    req->nseg = nseg;
    req->nout = nout;
    req->out_len = out_len;
    req->in_len = in_len;
    req->seg = d->seg;
    return 1;
}

int virtio_queue_pop(struct virtio_dev *d, unsigned qi, struct virtio_req *req)
{
    if (!d->be || qi >= d->be->nqueues || !virtio_is_live(d) || !d->q[qi].ready)
        return 0;
    struct virtio_queue *q = &d->q[qi];
    uint16_t avail_idx, head;
    if (ram_rd16(d, q->avail + 2, &avail_idx))
        return fail(d, "available ring outside guest RAM");
    uint16_t n = (uint16_t)(avail_idx - q->last_avail);
    if (n == 0)
        return 0;
    if (n > q->num)
        return fail(d, "available index moved past the queue size");
    if (q->inuse >= q->num)
        return fail(d, "more buffers in flight than the queue holds");
    if (ram_rd16(d, q->avail + 4 + 2 * (uint64_t)(q->last_avail & (q->num - 1)), &head))
        return fail(d, "available ring outside guest RAM");
    q->last_avail++;
    if (virtio_has_feature(d, VIRTIO_F_EVENT_IDX))
        ram_wr16(d, q->used + 4 + 8 * (uint64_t)q->num, q->last_avail);
    int r = virtio_queue_walk(d, qi, head, req);
    if (r < 0)
        return r;
    q->inuse++;
    return 1;
}

/* Copies between buf and the bytes [off, off + len) of segments
 * seg[first .. first + n). */
static int req_copy(struct virtio_dev *d, const struct virtio_seg *seg, unsigned n,
                    uint64_t total, uint64_t off, uint8_t *buf, uint64_t len, bool to_guest)
{
    if (off > total || len > total - off)
        return -EINVAL;
    for (unsigned i = 0; i < n && len; i++) {
        if (off >= seg[i].len) {
            off -= seg[i].len;
            continue;
        }
        uint64_t chunk = seg[i].len - off;
        if (chunk > len)
            chunk = len;
        int r = to_guest ? bus_write_ram(d->bus, seg[i].addr + off, buf, chunk)
                         : bus_read_ram(d->bus, seg[i].addr + off, buf, chunk);
        if (r)
            return r;   /* cannot happen: segments were checked */
        buf += chunk;
        len -= chunk;
        off = 0;
    }
    return 0;
}

int virtio_req_read(struct virtio_dev *d, const struct virtio_req *req,
                    uint64_t off, void *buf, uint64_t len)
{
    return req_copy(d, req->seg, req->nout, req->out_len, off, buf, len, false);
}

int virtio_req_write(struct virtio_dev *d, const struct virtio_req *req,
                     uint64_t off, const void *buf, uint64_t len)
{
    return req_copy(d, req->seg + req->nout, req->nseg - req->nout, req->in_len,
                    off, (uint8_t *)buf, len, true);
}

void virtio_queue_push(struct virtio_dev *d, unsigned qi, const struct virtio_req *req,
                       uint32_t written)
{
    assert(d->be && qi < d->be->nqueues);
    struct virtio_queue *q = &d->q[qi];
    if (!q->ready)
        return;
    uint64_t e = q->used + 4 + 8 * (uint64_t)(q->used_idx & (q->num - 1));
    ram_wr32(d, e, req->head);
    ram_wr32(d, e + 4, written);
    q->used_idx++;
    ram_wr16(d, q->used + 2, q->used_idx);
    if (q->inuse)
        q->inuse--;
}

void virtio_queue_flush(struct virtio_dev *d, unsigned qi)
{
    assert(d->be && qi < d->be->nqueues);
    struct virtio_queue *q = &d->q[qi];
    if (!q->ready)
        return;
    uint16_t old = q->signalled, now = q->used_idx;
    bool valid = q->signalled_valid;
    if (old == now)
        return;         /* nothing used since the last decision */
    q->signalled = now;
    q->signalled_valid = true;
    bool notify;
    if (virtio_has_feature(d, VIRTIO_F_EVENT_IDX)) {
        uint16_t ev;
        ram_rd16(d, q->avail + 4 + 2 * (uint64_t)q->num, &ev);
        /* vring_need_event: did used_idx step over the driver's event? */
        notify = !valid || (uint16_t)(now - ev - 1) < (uint16_t)(now - old);
    } else {
        uint16_t flags;
        ram_rd16(d, q->avail, &flags);
        notify = !(flags & VRING_AVAIL_F_NO_INTERRUPT);
    }
    if (notify) {
        d->isr |= VIRTIO_INT_USED;
        update_irq(d);
    }
}

/* ---- creation ----------------------------------------------------------- */

uint64_t virtio_slot_base(int slot)
{
    return VIRT_VIRTIO_BASE + VIRT_VIRTIO_SIZE * (uint64_t)slot;
}

void virtio_set_legacy(struct virtio_dev *d, bool legacy)
{
    d->legacy = legacy;
    compute_device_features(d);
    virtio_reset(d);
}

int virtio_mmio_create(struct machine *m, int slot, struct irq_line irq,
                       const struct virtio_backend *be, void *be_opaque,
                       struct virtio_dev **out)
{
    if (slot < 0 || slot >= VIRTIO_SLOTS)
        return rp_error(-EINVAL, "virtio-mmio slot %d does not exist (0..%d)",
                        slot, VIRTIO_SLOTS - 1);
    if (be && (be->nqueues < 1 || be->nqueues > VIRTIO_MAX_QUEUES ||
               !be->queue_notify || be->config_size > VIRTIO_MMIO_WINDOW - VIRTIO_MMIO_CONFIG))
        return rp_error(-EINVAL, "virtio device %s has an invalid description",
                        be->name ? be->name : "?");
    struct virtio_dev *d = calloc(1, sizeof(*d));
    if (!d)
        return rp_error(-ENOMEM, "cannot allocate virtio-mmio slot %d", slot);
    d->m = m;
    d->bus = &m->bus;
    d->slot = slot;
    d->irq = irq;
    d->be = be;
    d->be_opaque = be_opaque;
    d->legacy = true;
    compute_device_features(d);
    /* The reset state, without calling be->reset: the backend is not ours
     * until we succeed. calloc cleared everything else. */
    for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
        d->q[i].num = be ? be->queue_size : 0;
        d->q[i].align = LEGACY_DEFAULT_ALIGN;
    }
    int r = bus_map(&m->bus, virtio_slot_base(slot), VIRT_VIRTIO_SIZE, &virtio_ops, d);
    if (r < 0) {
        free(d);
        return r;
    }
    if (out)
        *out = d;
    return 0;
}
