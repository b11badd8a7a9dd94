/* virtio-blk (virtio 1.2 section 5.2) on a raw image: one request queue,
 * IN/OUT/FLUSH/GET_ID, 512-byte sectors. Owns the image file descriptor and
 * the copy-on-write overlay; the transport (virtio.c) owns the rings.
 *
 * Determinism: every request is carried out synchronously inside the guest's
 * QueueNotify store (or its DRIVER_OK write), and its completion and
 * interrupt happen right there, at a point fixed by the guest's own
 * instruction stream. The disk contents are the only outside input, and the
 * session log names the image by hash; so no completion needs a log entry.
 * In overlay mode (record, replay) the image is opened read-only and guest
 * writes go to an in-memory map of 4 KiB blocks, so a replay starting from
 * the same image sees exactly the data the recording saw. In write-through
 * mode (run) writes go to the image, as with QEMU. */
#include "virtio_blk.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "virtio.h"

/* Feature bits (section 5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9

/* Request types and status values (section 5.2.6). */
#define VIRTIO_BLK_T_IN      0
#define VIRTIO_BLK_T_OUT     1
#define VIRTIO_BLK_T_FLUSH   4
#define VIRTIO_BLK_T_GET_ID  8
#define VIRTIO_BLK_T_BARRIER 0x80000000u    /* legacy flag, ignored as QEMU does */
#define VIRTIO_BLK_S_OK      0
#define VIRTIO_BLK_S_IOERR   1
#define VIRTIO_BLK_S_UNSUPP  2

#define BLK_SECTOR       512
#define BLK_HDR_SIZE     16
#define BLK_ID_BYTES     20
#define BLK_QUEUE_SIZE   256          /* QEMU 7.2's default queue-size */
#define BLK_SEG_MAX      (BLK_QUEUE_SIZE - 2)
#define BLK_CONFIG_SIZE  36           /* through num_queues */
#define BLK_BOUNCE       (64 * 1024)  /* copy granule between guest and image */

#define OVL_BLOCK        4096

/* Sparse copy-on-write overlay: open addressing on the block number, keys
 * stored +1 so that 0 marks a free slot. */
struct overlay {
    uint64_t *keys;
    uint8_t **data;
    size_t cap, count;           /* cap is 0 or a power of two */
};

struct blk {
    int fd;
    uint64_t size;               /* bytes */
    bool overlay;
    struct overlay ovl;
    uint8_t config[BLK_CONFIG_SIZE];
    uint8_t *bounce;
};

static const char blk_serial[] = "";  /* QEMU's default serial property */

/* ---- the image ---------------------------------------------------------- */

static int pread_full(int fd, uint8_t *buf, uint64_t len, uint64_t off)
{
    while (len) {
        ssize_t n = pread(fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -EIO;
        buf += n;
        off += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return 0;
}

static int pwrite_full(int fd, const uint8_t *buf, uint64_t len, uint64_t off)
{
    while (len) {
        ssize_t n = pwrite(fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -EIO;
        buf += n;
        off += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return 0;
}

static size_t ovl_slot(const struct overlay *o, uint64_t blk)
{
    return (size_t)((blk * 0x9e3779b97f4a7c15ULL) >> 17) & (o->cap - 1);
}

static uint8_t *ovl_find(const struct overlay *o, uint64_t blk)
{
    if (!o->cap)
        return NULL;
    for (size_t i = ovl_slot(o, blk);; i = (i + 1) & (o->cap - 1)) {
        if (o->keys[i] == 0)
            return NULL;
        if (o->keys[i] == blk + 1)
            return o->data[i];
    }
}

static void ovl_put(struct overlay *o, uint64_t blk, uint8_t *data)
{
    size_t i = ovl_slot(o, blk);
    while (o->keys[i])
        i = (i + 1) & (o->cap - 1);
    o->keys[i] = blk + 1;
    o->data[i] = data;
    o->count++;
}

static int ovl_grow(struct overlay *o)
{
    struct overlay n = { .cap = o->cap ? o->cap * 2 : 256 };
    n.keys = calloc(n.cap, sizeof(*n.keys));
    n.data = calloc(n.cap, sizeof(*n.data));
    if (!n.keys || !n.data) {
        free(n.keys);
        free(n.data);
        return -ENOMEM;
    }
    for (size_t i = 0; i < o->cap; i++)
        if (o->keys[i])
            ovl_put(&n, o->keys[i] - 1, o->data[i]);
    free(o->keys);
    free(o->data);
    *o = n;
    return 0;
}

static void ovl_free(struct overlay *o)
{
    for (size_t i = 0; i < o->cap; i++)
        if (o->keys[i])
            free(o->data[i]);
    free(o->keys);
    free(o->data);
    memset(o, 0, sizeof(*o));
}

/* The overlay copy of block blk, made from the image on first write. */
static uint8_t *ovl_block(struct blk *b, uint64_t blk)
{
    uint8_t *p = ovl_find(&b->ovl, blk);
    if (p)
        return p;
    if ((b->ovl.count + 1) * 2 > b->ovl.cap && ovl_grow(&b->ovl) < 0)
        return NULL;
    p = calloc(1, OVL_BLOCK);
    if (!p)
        return NULL;
    uint64_t off = blk * OVL_BLOCK;
    uint64_t n = b->size - off < OVL_BLOCK ? b->size - off : OVL_BLOCK;
    if (pread_full(b->fd, p, n, off) < 0) {
        free(p);
        return NULL;
    }
    ovl_put(&b->ovl, blk, p);
    return p;
}

/* Callers keep [off, off + len) inside the disk. */
static int disk_read(struct blk *b, uint64_t off, uint8_t *buf, uint64_t len)
{
    if (!b->overlay)
        return pread_full(b->fd, buf, len, off);
    while (len) {
        uint64_t blk = off / OVL_BLOCK, boff = off % OVL_BLOCK;
        uint64_t n = OVL_BLOCK - boff < len ? OVL_BLOCK - boff : len;
        const uint8_t *p = ovl_find(&b->ovl, blk);
        if (p)
            memcpy(buf, p + boff, n);
        else if (pread_full(b->fd, buf, n, off) < 0)
            return -EIO;
        buf += n;
        off += n;
        len -= n;
    }
    return 0;
}

static int disk_write(struct blk *b, uint64_t off, const uint8_t *buf, uint64_t len)
{
    if (!b->overlay)
        return pwrite_full(b->fd, buf, len, off);
    while (len) {
        uint64_t blk = off / OVL_BLOCK, boff = off % OVL_BLOCK;
        uint64_t n = OVL_BLOCK - boff < len ? OVL_BLOCK - boff : len;
        uint8_t *p = ovl_block(b, blk);
        if (!p)
            return -EIO;
        memcpy(p + boff, buf, n);
        buf += n;
        off += n;
        len -= n;
    }
    return 0;
}

/* ---- requests ----------------------------------------------------------- */

static uint8_t blk_rw(struct blk *b, struct virtio_dev *d, const struct virtio_req *req,
                      uint64_t sector, bool write)
{
    uint64_t len = write ? req->out_len - BLK_HDR_SIZE : req->in_len - 1;
    uint64_t nsect = b->size / BLK_SECTOR;
    if (len % BLK_SECTOR || sector > nsect || len / BLK_SECTOR > nsect - sector)
        return VIRTIO_BLK_S_IOERR;
    uint64_t off = sector * BLK_SECTOR;
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < BLK_BOUNCE ? len - done : BLK_BOUNCE;
        if (write) {
            if (virtio_req_read(d, req, BLK_HDR_SIZE + done, b->bounce, n) ||
                disk_write(b, off + done, b->bounce, n))
                return VIRTIO_BLK_S_IOERR;
        } else {
            if (disk_read(b, off + done, b->bounce, n) ||
                virtio_req_write(d, req, done, b->bounce, n))
                return VIRTIO_BLK_S_IOERR;
        }
        done += n;
    }
    return VIRTIO_BLK_S_OK;
}

/* Handles one request. Returns 0, or -EIO when it is malformed (the device
 * then needs a reset, as QEMU marks it broken). */
static int blk_request(struct blk *b, struct virtio_dev *d, const struct virtio_req *req)
{
    uint8_t hdr[BLK_HDR_SIZE], st;
    if (req->out_len < BLK_HDR_SIZE) {
        virtio_fail(d, "virtio-blk request header too short");
        return -EIO;
    }
    if (req->in_len < 1) {
        virtio_fail(d, "virtio-blk request without a status byte");
        return -EIO;
    }
    virtio_req_read(d, req, 0, hdr, sizeof(hdr));
    uint32_t type = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 |
                    (uint32_t)hdr[3] << 24;
    uint64_t sector = 0;
    for (int i = 15; i >= 8; i--)
        sector = sector << 8 | hdr[i];

    switch (type & ~VIRTIO_BLK_T_BARRIER) {
    case VIRTIO_BLK_T_IN:
        st = blk_rw(b, d, req, sector, false);
        break;
    case VIRTIO_BLK_T_OUT:
        st = blk_rw(b, d, req, sector, true);
        break;
    case VIRTIO_BLK_T_FLUSH:
        st = VIRTIO_BLK_S_OK;
        if (!b->overlay && fdatasync(b->fd) < 0)
            st = VIRTIO_BLK_S_IOERR;
        break;
    case VIRTIO_BLK_T_GET_ID: {
        /* The serial and its NUL, cut to the buffer and to 20 bytes. */
        uint64_t n = sizeof(blk_serial);
        if (n > BLK_ID_BYTES)
            n = BLK_ID_BYTES;
        if (n > req->in_len - 1)
            n = req->in_len - 1;
        virtio_req_write(d, req, 0, blk_serial, n);
        st = VIRTIO_BLK_S_OK;
        break;
    }
    default:
        st = VIRTIO_BLK_S_UNSUPP;
        break;
    }
    virtio_req_write(d, req, req->in_len - 1, &st, 1);
    /* Like QEMU, report the whole writable part as written. */
    virtio_queue_push(d, 0, req, req->in_len > UINT32_MAX ? UINT32_MAX : (uint32_t)req->in_len);
    return 0;
}

static void blk_queue_notify(void *opaque, struct virtio_dev *d, unsigned q)
{
    struct blk *b = opaque;
    struct virtio_req req;
    while (virtio_queue_pop(d, q, &req) > 0)
        if (blk_request(b, d, &req) < 0)
            break;
    virtio_queue_flush(d, q);
}

/* ---- backend ------------------------------------------------------------ */

static uint64_t blk_features(void *opaque)
{
    return 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE |
           1ULL << VIRTIO_BLK_F_FLUSH | 1ULL << VIRTIO_F_ANY_LAYOUT |
           1ULL << VIRTIO_F_INDIRECT_DESC | 1ULL << VIRTIO_F_EVENT_IDX;
}

static uint32_t blk_config_read(void *opaque, uint32_t off, unsigned size)
{
    struct blk *b = opaque;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)b->config[off + i] << (8 * i);
    return v;
}

static void blk_destroy(void *opaque)
{
    struct blk *b = opaque;
    if (b->fd >= 0)
        close(b->fd);
    ovl_free(&b->ovl);
    free(b->bounce);
    free(b);
}

static const struct virtio_backend blk_backend = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .nqueues = 1,
    .queue_size = BLK_QUEUE_SIZE,
    .config_size = BLK_CONFIG_SIZE,
    .features = blk_features,
    .config_read = blk_config_read,
    .config_write = NULL,        /* nothing writable: no CONFIG_WCE */
    .queue_notify = blk_queue_notify,
    .reset = NULL,               /* nothing in flight; the overlay survives */
    .destroy = blk_destroy,
};

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

int virtio_blk_create(struct machine *m, int slot, const char *path, bool overlay,
                      struct irq_line irq, struct virtio_dev **out)
{
    int fd = open(path, (overlay ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return rp_error(-e, "cannot open disk image '%s'%s: %s", path,
                        overlay || e == ENOENT ? "" : " for writing", strerror(e));
    }
    struct stat st;
    int r;
    if (fstat(fd, &st) < 0) {
        r = rp_error(-errno, "cannot examine disk image '%s': %s", path, strerror(errno));
        goto fail_fd;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        r = rp_error(-EINVAL, "disk image '%s' is not a file", path);
        goto fail_fd;
    }
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0) {
        r = rp_error(-errno, "cannot find the size of disk image '%s': %s", path,
                     strerror(errno));
        goto fail_fd;
    }
    if (end == 0) {
        r = rp_error(-EINVAL, "disk image '%s' is empty", path);
        goto fail_fd;
    }
    if (end % BLK_SECTOR) {
        r = rp_error(-EINVAL, "disk image '%s' is %llu bytes, not a whole number "
                     "of 512-byte sectors", path, (unsigned long long)end);
        goto fail_fd;
    }

    struct blk *b = calloc(1, sizeof(*b));
    uint8_t *bounce = malloc(BLK_BOUNCE);
    if (!b || !bounce) {
        free(b);
        free(bounce);
        r = rp_error(-ENOMEM, "cannot allocate virtio-blk for '%s'", path);
        goto fail_fd;
    }
    b->fd = fd;
    b->size = (uint64_t)end;
    b->overlay = overlay;
    b->bounce = bounce;
    put_le(b->config + 0, b->size / BLK_SECTOR, 8);   /* capacity */
    put_le(b->config + 12, BLK_SEG_MAX, 4);           /* seg_max */
    put_le(b->config + 20, BLK_SECTOR, 4);            /* blk_size */
    put_le(b->config + 34, 1, 2);                     /* num_queues */

    r = virtio_mmio_create(m, slot, irq, &blk_backend, b, out);
    if (r < 0) {
        blk_destroy(b);     /* closes fd */
        return r;
    }
    return 0;
fail_fd:
    close(fd);
    return r;
}
