/* The session log: writer and reader of Reprise's recording format, and the
 * SHA-256 of the images a recording names. Owns the byte format (documented
 * below) and every integrity check on it; knows event kinds and payload
 * shapes, not the devices that produce events or the loop that injects them. */

/*
 * THE LOG FILE FORMAT, VERSION 3
 * ==============================
 *
 * A log is one file holding exactly one LZ4 frame and nothing after it. The
 * frame's decompressed content, "the log stream", is a CBOR sequence
 * (RFC 8742): a header item, then event items interleaved with seal items.
 * Error messages give positions as "compressed byte N" (offset in the file)
 * or "byte N of the log stream" (offset in the decompressed content).
 *
 * 1. The LZ4 frame (LZ4 Frame Format Description 1.6; liblz4's lz4frame)
 *
 *   offset  bytes  content
 *   0       4      magic number 04 22 4D 18 (0x184D2204, little-endian)
 *   4       1      FLG = 0x54: version 01 (bits 7-6), blocks linked (bit 5
 *                  clear: a block may refer to the previous 64 KiB of
 *                  output), block checksums on (bit 4), no content size
 *                  (bit 3), content checksum on (bit 2), no dictionary ID
 *   5       1      BD = 0x40: maximum block size 64 KiB
 *   6       1      HC: (XXH32(bytes 4..5, seed 0) >> 8) & 0xFF
 *   7       ...    data blocks, each:
 *                    4  size word, little-endian. Bit 31 set: the data is
 *                       stored uncompressed; bits 30-0: stored size, 1..65536
 *                    n  the stored data (an LZ4 block, or raw bytes)
 *                    4  block checksum: XXH32 of the n stored bytes, seed 0
 *   ...     4      end mark 00 00 00 00
 *   ...     4      content checksum: XXH32 of the whole log stream, seed 0
 *
 * The writer compresses in 64 KiB chunks and ends the current block early at
 * every flush (at least once a second), so blocks are often short. Readers
 * accept any block size from 64 KiB to 4 MiB, linked or independent blocks
 * and an optional content size, but require both checksum flags and no
 * dictionary ID: a frame without them is "not a Reprise session log".
 *
 * 2. The log stream
 *
 * Every item is well-formed CBOR with definite lengths only: no
 * indefinite-length strings, arrays or maps, no tags, no floats, and of the
 * simple values only null (F6). Major types used: 0 unsigned integer, 1
 * negative integer (only -1, byte 20), 2 byte string, 3 text string (bytes
 * as given on the command line, never containing NUL), 4 array, 5 map.
 * The writer uses the shortest head for every length and integer; readers
 * accept longer heads. Limits, enforced before any item is decoded: an item
 * is at most 64 MiB, nests at most 8 containers deep and holds at most
 * 65536 data items, and a seal (2.3) follows within 128 MiB.
 *
 * 2.1 The header: always the first item, a map (major type 5) with text
 * keys. The writer writes these fifteen in this order; readers require all
 * of them but the optional ones, accept any order, reject duplicates and
 * ignore keys they do not know.
 *
 *   "format"    text    "reprise-log"
 *   "version"   uint    RLOG_VERSION (4); readers also take 2 and 3
 *   "ram_size"  uint    guest RAM in bytes
 *   "smp"       uint    number of harts, at least 1
 *   "bios"      text or null (the default firmware)
 *   "kernel"    text or null
 *   "initrd"    text or null
 *   "append"    text or null (no kernel command line)
 *   "drives"    array of at most 8 text strings: the raw disk images (the
 *               file= of each -drive, in command-line order)
 *   "devices"   array of at most 8 arrays of 3, the virtio-mmio devices in
 *               the order they were created: [type text, slot uint 0..7,
 *               param]; param is a drive uint (index into "drives") for
 *               "virtio-blk-device", null for "virtio-rng-device", and the
 *               MAC address bytes(6) for "virtio-net-device" (e.g.
 *               46 52 54 00 12 34 56); no two devices share a slot or a
 *               drive. Slots not listed hold empty transports (device ID 0).
 *   "virtio_legacy" uint 1 (legacy virtio-mmio, version 1, QEMU 7.2's
 *               default) or 0 (modern, version 2)
 *   "no_reboot" uint 1 (a guest reset ends the session, -no-reboot) or 0
 *               (the machine reboots); optional, absent means 0
 *   "solo_turn" uint 1..2^32-1: instructions per turn when the machine has
 *               one hart (several harts take turns of 10000); absent before
 *               version 4, which ran with 10000
 *   "images"    array of at most 16 maps, each with exactly the keys
 *               "role" text, "path" text, "size" uint, "sha256" bytes(32);
 *               roles "bios", "kernel", "initrd", and "drive0".."drive7"
 *               for drives[0..7] (as they were before the recording: a
 *               recording never writes a disk image)
 *   "argv"      array of text (the recording's command line)
 *
 *   Version 2 added "devices" and "virtio_legacy" and gave "drives" its
 *   images; a version-1 log is refused like any other version. Version 3
 *   added "virtio-net-device" with its MAC as param, and the first net-rx
 *   events (kind 8 had its shape in version 2 but no writer); a version-2
 *   log is a valid version-3 log and is read as one. Version 4 added
 *   "solo_turn"; older logs are read as having 10000.
 *
 *   It begins AE 66 "format" 6B "reprise-log" 67 "version" 04 ...; a reader
 *   checks "format" and then "version" before anything else, so a log of a
 *   later version is recognised as such whatever else changed.
 *
 * 2.2 Events: an array of 4 (byte 84): [kind, hart, icount, payload]
 *
 *   kind    uint, one of enum rlog_kind (1..9)
 *   hart    uint below the header's "smp", or -1 (byte 20) for the machine
 *   icount  uint, up to 2^64-1
 *   payload by kind; u0, u1 are struct rlog_event's u[0], u[1]:
 *
 *     1 console-in  bytes data                     e.g. 41 61 = "a"
 *     2 wallclock   uint u0                        ns since the epoch
 *     3 idle        null (F6)
 *     4 resume      array(2) [uint u0, uint u1]    cause, guest ticks
 *     5 hash        array(2) [uint u0, bytes(32)]  flags, state digest
 *     6 end         array(3) [uint u0, uint u1, bytes(32)]
 *                                                  reason, exit status, digest
 *     7 entropy     bytes data
 *     8 net-rx      array(2) [uint u0, bytes data] the card's virtio-mmio
 *                                                  slot, the Ethernet frame
 *                                                  (no virtio-net header)
 *     9 blk-done    array(2) [uint u0, uint u1]    device, request id
 *
 *   So the byte 'a' typed on hart 0 at icount 1000 is 84 01 00 19 03 E8 41 61.
 *
 * 2.3 Seals: an array of 3 starting with 0: 83 00 [nbytes: uint] [crc: uint]
 *
 *   nbytes counts the stream bytes since the end of the previous seal (or
 *   since byte 0 for the first seal), and crc is their CRC-32C (Castagnoli,
 *   reflected polynomial 0x82F63B78, initial value and final xor FFFFFFFF;
 *   "123456789" gives E3069283). The writer seals before every flush and
 *   after every event that brings the unsealed bytes to 64 KiB, so the header
 *   is sealed at once and no event is ever on disk without its seal following
 *   it at the next flush. Readers hand out an item only after the seal that
 *   covers it has been checked. This closes the gaps that LZ4's checksums
 *   leave: the size words of blocks are covered by no checksum, and flipping
 *   bit 31 of one makes LZ4 deliver the stored bytes verbatim (or decompress
 *   raw bytes) with a block checksum that still matches; the content checksum
 *   would catch that only at the end of the frame, long after the garbage
 *   had been handed out as events.
 *
 * 3. Ends and truncation
 *
 *   A finished log is: header, seal, events, the end event (kind 6), a seal,
 *   the LZ4 end mark and content checksum, end of file. A reader returns the
 *   end event only after checking all of that (so returning it means the
 *   whole file was verified); anything between the end event and the end of
 *   the file is corruption. A recording killed before it finished ends
 *   inside or right after a data block: the reader returns every sealed
 *   event before the cut and then reports that the log was cut short. Seals
 *   make the cut exact: an event whose seal was never written is not
 *   returned, even when its own bytes happen to be complete.
 */

#include "rlog.h"

#include <cbor.h>
#include <fcntl.h>
#include <glib.h>
#include <inttypes.h>
#include <limits.h>
#include <lz4frame.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define RLOG_CHUNK (64 * 1024)          /* writer: bytes compressed at a time */
#define RLOG_SEAL_SPAN (64 * 1024)      /* writer: seal after this many bytes */
#define RLOG_FLUSH_NS 1000000000LL      /* writer: flush at least this often */
#define RLOG_MAX_ITEM (64u << 20)       /* largest item a reader accepts */
#define RLOG_MAX_ITEMS 65536u           /* most data items within one item */
#define RLOG_MAX_DEPTH 8                /* deepest nesting of containers */
#define RLOG_MAX_UNSEALED (2ull * RLOG_MAX_ITEM) /* longest run without a seal */

/* ---- event kinds and their payload shapes ---- */

struct kind_info {
    const char *name;
    uint8_t nu;          /* unsigned integers in the payload: u[0..nu-1] */
    bool data;           /* a byte string follows them */
    uint8_t data_len;    /* its exact length, or 0 for any */
};

static const struct kind_info kinds[RLOG_KIND_MAX] = {
    [RLOG_CONSOLE_IN] = { "console-in", 0, true, 0 },
    [RLOG_WALLCLOCK] = { "wallclock", 1, false, 0 },
    [RLOG_IDLE] = { "idle", 0, false, 0 },
    [RLOG_RESUME] = { "resume", 2, false, 0 },
    [RLOG_HASH] = { "hash", 1, true, 32 },
    [RLOG_END] = { "end", 2, true, 32 },
    [RLOG_ENTROPY] = { "entropy", 0, true, 0 },
    [RLOG_NET_RX] = { "net-rx", 1, true, 0 },
    [RLOG_BLK_DONE] = { "blk-done", 2, false, 0 },
};
_Static_assert(RLOG_KIND_MAX == 10,
               "a new event kind needs a kinds[] entry, a line in the format "
               "comment above and a bump of RLOG_VERSION");

static bool kind_valid(uint64_t kind)
{
    return kind < RLOG_KIND_MAX && kinds[kind].name;
}

const char *rlog_kind_name(unsigned kind)
{
    return kind_valid(kind) ? kinds[kind].name : "unknown";
}

/* ---- CRC-32C for seals (slicing by 8) ---- */

static uint32_t crc_tab[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (unsigned i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        crc_tab[0][i] = c;
    }
    for (unsigned i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            crc_tab[t][i] = (crc_tab[t - 1][i] >> 8) ^ crc_tab[0][crc_tab[t - 1][i] & 0xff];
}

/* Continues a CRC-32C: crc32c(0, p, n) is the CRC of p[0..n). The tables must
 * have been built (pthread_once in the open functions). */
static uint32_t crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                             (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        crc = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
              crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^
              crc_tab[3][p[4]] ^ crc_tab[2][p[5]] ^ crc_tab[1][p[6]] ^ crc_tab[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n--)
        crc = crc_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* ---- CBOR encoding (the writer's own: the shapes are fixed and few) ---- */

enum { MT_UINT = 0, MT_NEGINT = 1, MT_BYTES = 2, MT_TEXT = 3, MT_ARRAY = 4, MT_MAP = 5 };
#define CBOR_NULL 0xF6

/* Writes the head of an item of major type mt with argument v (at most 9
 * bytes) and returns its length. */
static size_t put_head(uint8_t *p, unsigned mt, uint64_t v)
{
    uint8_t m = (uint8_t)(mt << 5);
    if (v < 24) {
        p[0] = m | (uint8_t)v;
        return 1;
    }
    unsigned n = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffu ? 4 : 8;
    p[0] = m | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27);
    for (unsigned i = 0; i < n; i++)
        p[1 + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    return 1 + n;
}

/* A growable byte buffer for the header; ok turns false on allocation failure. */
struct buf {
    uint8_t *p;
    size_t len, cap;
    bool ok;
};

static uint8_t *buf_room(struct buf *b, size_t n)
{
    if (!b->ok)
        return NULL;
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->ok = false;
            return NULL;
        }
        b->p = p;
        b->cap = cap;
    }
    return b->p + b->len;
}

static void buf_head(struct buf *b, unsigned mt, uint64_t v)
{
    uint8_t *p = buf_room(b, 9);
    if (p)
        b->len += put_head(p, mt, v);
}

static void buf_bytes(struct buf *b, unsigned mt, const void *s, size_t n)
{
    buf_head(b, mt, n);
    uint8_t *p = buf_room(b, n);
    if (p && n) {
        memcpy(p, s, n);
        b->len += n;
    }
}

static void buf_text(struct buf *b, const char *s)
{
    if (s) {
        buf_bytes(b, MT_TEXT, s, strlen(s));
    } else {
        uint8_t *p = buf_room(b, 1);
        if (p) {
            *p = CBOR_NULL;
            b->len++;
        }
    }
}

static void buf_key(struct buf *b, const char *k)
{
    buf_text(b, k);
}

static void encode_header(struct buf *b, const struct rlog_header *h)
{
    buf_head(b, MT_MAP, 15);
    buf_key(b, "format");
    buf_text(b, "reprise-log");
    buf_key(b, "version");
    buf_head(b, MT_UINT, RLOG_VERSION);
    buf_key(b, "ram_size");
    buf_head(b, MT_UINT, h->ram_size);
    buf_key(b, "smp");
    buf_head(b, MT_UINT, h->smp);
    buf_key(b, "bios");
    buf_text(b, h->bios);
    buf_key(b, "kernel");
    buf_text(b, h->kernel);
    buf_key(b, "initrd");
    buf_text(b, h->initrd);
    buf_key(b, "append");
    buf_text(b, h->append);
    buf_key(b, "drives");
    buf_head(b, MT_ARRAY, h->ndrives);
    for (unsigned i = 0; i < h->ndrives; i++)
        buf_text(b, h->drives[i]);
    buf_key(b, "devices");
    buf_head(b, MT_ARRAY, h->ndevices);
    for (unsigned i = 0; i < h->ndevices; i++) {
        const struct rlog_device *d = &h->devices[i];
        buf_head(b, MT_ARRAY, 3);
        buf_text(b, d->type);
        buf_head(b, MT_UINT, d->slot);
        if (d->has_mac)
            buf_bytes(b, MT_BYTES, d->mac, 6);
        else if (d->drive >= 0)
            buf_head(b, MT_UINT, (uint64_t)d->drive);
        else
            buf_text(b, NULL);
    }
    buf_key(b, "virtio_legacy");
    buf_head(b, MT_UINT, h->virtio_legacy ? 1 : 0);
    buf_key(b, "no_reboot");
    buf_head(b, MT_UINT, h->no_reboot ? 1 : 0);
    buf_key(b, "solo_turn");
    buf_head(b, MT_UINT, h->solo_turn);
    buf_key(b, "images");
    buf_head(b, MT_ARRAY, h->nimages);
    for (unsigned i = 0; i < h->nimages; i++) {
        const struct rlog_image *im = &h->images[i];
        buf_head(b, MT_MAP, 4);
        buf_key(b, "role");
        buf_text(b, im->role);
        buf_key(b, "path");
        buf_text(b, im->path);
        buf_key(b, "size");
        buf_head(b, MT_UINT, im->size);
        buf_key(b, "sha256");
        buf_bytes(b, MT_BYTES, im->sha256, 32);
    }
    buf_key(b, "argv");
    buf_head(b, MT_ARRAY, h->argc);
    for (unsigned i = 0; i < h->argc; i++)
        buf_text(b, h->argv[i]);
}

/* ---- writing ---- */

struct rlog_writer {
    char *path;
    int fd;
    LZ4F_cctx *cctx;
    LZ4F_preferences_t prefs;
    uint8_t *ebuf;          /* encoded stream bytes not yet given to LZ4F */
    size_t elen;
    uint8_t *obuf;          /* compressed output on its way to the file */
    size_t ocap;
    uint32_t crc;           /* CRC-32C of the stream bytes since the last seal */
    uint64_t unsealed;      /* how many there are */
    bool dirty;             /* stream bytes written since the last flush */
    int64_t last_flush_ns;
    unsigned smp;           /* 0: unknown (raw writer), harts are not checked */
    int err;                /* sticky: the first failure */
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int wfail(struct rlog_writer *w, int code, const char *what, int errnum)
{
    if (errnum)
        w->err = rp_error(code, "cannot %s %s: %s", what, w->path, strerror(errnum));
    else
        w->err = rp_error(code, "cannot %s %s", what, w->path);
    return w->err;
}

/* A failed LZ4F call: liblz4 allocates lazily, so it can run out of memory. */
static int lz4_wfail(struct rlog_writer *w, size_t code)
{
    const char *name = LZ4F_getErrorName(code);
    if (strstr(name, "allocation"))
        w->err = rp_error(-ENOMEM, "out of memory writing %s", w->path);
    else
        w->err = rp_error(-EIO, "cannot compress %s: %s", w->path, name);
    return w->err;
}

static int write_all(struct rlog_writer *w, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return wfail(w, -EIO, "write", errno);
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Hands n stream bytes to LZ4F, at most a chunk at a time, and writes out
 * whatever compressed blocks that completes. */
static int compress_bytes(struct rlog_writer *w, const uint8_t *p, size_t n)
{
    while (n) {
        size_t k = n < RLOG_CHUNK ? n : RLOG_CHUNK;
        size_t r = LZ4F_compressUpdate(w->cctx, w->obuf, w->ocap, p, k, NULL);
        if (LZ4F_isError(r))
            return lz4_wfail(w, r);
        int rc = write_all(w, w->obuf, r);
        if (rc)
            return rc;
        p += k;
        n -= k;
    }
    return 0;
}

static int push(struct rlog_writer *w)
{
    int rc = 0;
    if (w->elen)
        rc = compress_bytes(w, w->ebuf, w->elen);
    w->elen = 0;
    return rc;
}

/* Queues stream bytes: copied into the chunk buffer, or passed straight to
 * the compressor when they are a chunk or more. */
static int queue(struct rlog_writer *w, const uint8_t *p, size_t n)
{
    if (n <= RLOG_CHUNK - w->elen) {
        memcpy(w->ebuf + w->elen, p, n);
        w->elen += n;
        return 0;
    }
    int rc = push(w);
    if (rc)
        return rc;
    if (n >= RLOG_CHUNK)
        return compress_bytes(w, p, n);
    memcpy(w->ebuf, p, n);
    w->elen = n;
    return 0;
}

/* Queues stream bytes that the next seal covers. */
static int emit(struct rlog_writer *w, const void *p, size_t n)
{
    w->crc = crc32c(w->crc, p, n);
    w->unsealed += n;
    w->dirty = true;
    return queue(w, p, n);
}

static int seal(struct rlog_writer *w)
{
    if (!w->unsealed)
        return 0;
    uint8_t s[24];
    size_t n = 0;
    n += put_head(s + n, MT_ARRAY, 3);
    n += put_head(s + n, MT_UINT, 0);
    n += put_head(s + n, MT_UINT, w->unsealed);
    n += put_head(s + n, MT_UINT, w->crc);
    w->crc = 0;
    w->unsealed = 0;
    return queue(w, s, n);
}

int rlog_writer_flush(struct rlog_writer *w)
{
    if (w->err)
        return w->err;
    w->last_flush_ns = now_ns();
    if (!w->dirty)
        return 0;
    int rc = seal(w);
    if (!rc)
        rc = push(w);
    if (rc)
        return rc;
    size_t r = LZ4F_flush(w->cctx, w->obuf, w->ocap, NULL);
    if (LZ4F_isError(r))
        return lz4_wfail(w, r);
    rc = write_all(w, w->obuf, r);
    w->dirty = false;
    return rc;
}

int rlog_writer_tick(struct rlog_writer *w)
{
    if (w->err)
        return w->err;
    if (w->dirty && now_ns() - w->last_flush_ns >= RLOG_FLUSH_NS)
        return rlog_writer_flush(w);
    return 0;
}

/* After a complete item: seal a long run, flush when a second has passed. */
static int item_done(struct rlog_writer *w)
{
    int rc = 0;
    if (w->unsealed >= RLOG_SEAL_SPAN) {
        rc = seal(w);
        if (!rc)
            rc = push(w);
    }
    if (!rc)
        rc = rlog_writer_tick(w);
    return rc;
}

int rlog_write_event(struct rlog_writer *w, const struct rlog_event *ev)
{
    if (w->err)
        return w->err;
    if (!kind_valid(ev->kind))
        return rp_error(-EINVAL, "cannot log an event of unknown kind %u", ev->kind);
    const struct kind_info *k = &kinds[ev->kind];
    if (ev->hart < -1 || (w->smp && ev->hart >= (int)w->smp))
        return rp_error(-EINVAL, "cannot log a %s event for hart %d", k->name, ev->hart);
    size_t len = k->data ? ev->len : 0;
    if ((k->data_len && len != k->data_len) || (len && !ev->data) ||
        len > RLOG_MAX_ITEM - 64)
        return rp_error(-EINVAL, "cannot log a %s event with %zu bytes of data", k->name, len);

    uint8_t h[64];
    size_t n = 0;
    n += put_head(h + n, MT_ARRAY, 4);
    n += put_head(h + n, MT_UINT, ev->kind);
    n += ev->hart < 0 ? put_head(h + n, MT_NEGINT, 0) : put_head(h + n, MT_UINT, (uint64_t)ev->hart);
    n += put_head(h + n, MT_UINT, ev->icount);
    unsigned fields = k->nu + k->data;
    if (fields == 0)
        h[n++] = CBOR_NULL;
    else if (fields > 1)
        n += put_head(h + n, MT_ARRAY, fields);
    for (unsigned i = 0; i < k->nu; i++)
        n += put_head(h + n, MT_UINT, ev->u[i]);
    if (k->data)
        n += put_head(h + n, MT_BYTES, len);
    int rc = emit(w, h, n);
    if (!rc && len)
        rc = emit(w, ev->data, len);
    if (!rc)
        rc = item_done(w);
    return rc;
}

int rlog_write_raw(struct rlog_writer *w, const void *cbor, size_t len)
{
    if (w->err)
        return w->err;
    int rc = emit(w, cbor, len);
    if (!rc)
        rc = item_done(w);
    return rc;
}

static void writer_free(struct rlog_writer *w)
{
    if (w->fd >= 0)
        close(w->fd);
    LZ4F_freeCompressionContext(w->cctx);
    free(w->ebuf);
    free(w->obuf);
    free(w->path);
    free(w);
}

static int writer_create(const char *path, struct rlog_writer **out)
{
    pthread_once(&crc_once, crc_init);
    *out = NULL;
    struct rlog_writer *w = calloc(1, sizeof(*w));
    if (!w)
        return rp_error(-ENOMEM, "out of memory creating %s", path);
    w->fd = -1;
    w->path = strdup(path);
    memset(&w->prefs, 0, sizeof(w->prefs));
    w->prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    w->prefs.frameInfo.blockMode = LZ4F_blockLinked;
    w->prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    w->prefs.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
    w->prefs.frameInfo.frameType = LZ4F_frame;
    w->ocap = LZ4F_compressBound(RLOG_CHUNK, &w->prefs) + LZ4F_HEADER_SIZE_MAX;
    w->ebuf = malloc(RLOG_CHUNK);
    w->obuf = malloc(w->ocap);
    if (!w->path || !w->ebuf || !w->obuf ||
        LZ4F_isError(LZ4F_createCompressionContext(&w->cctx, LZ4F_VERSION))) {
        writer_free(w);
        return rp_error(-ENOMEM, "out of memory creating %s", path);
    }
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        int e = errno;
        writer_free(w);
        return rp_error(-e, "cannot create %s: %s", path, strerror(e));
    }
    size_t r = LZ4F_compressBegin(w->cctx, w->obuf, w->ocap, &w->prefs);
    int rc = LZ4F_isError(r) ? lz4_wfail(w, r) : write_all(w, w->obuf, r);
    if (rc) {
        writer_free(w);
        unlink(path);
        return rc;
    }
    w->last_flush_ns = now_ns();
    *out = w;
    return 0;
}

int rlog_writer_open_raw(const char *path, struct rlog_writer **out)
{
    return writer_create(path, out);
}

static bool header_writable(const struct rlog_header *h)
{
    if (h->smp < 1 || h->smp > INT_MAX || h->solo_turn < 1 || h->solo_turn > UINT32_MAX ||
        h->ndrives > ARRAY_SIZE(h->drives) ||
        h->nimages > RLOG_MAX_IMAGES || (h->argc && !h->argv))
        return false;
    for (unsigned i = 0; i < h->ndrives; i++)
        if (!h->drives[i])
            return false;
    if (h->ndevices > RLOG_MAX_DEVICES)
        return false;
    for (unsigned i = 0; i < h->ndevices; i++)
        if (!h->devices[i].type || h->devices[i].slot >= RLOG_MAX_DEVICES ||
            h->devices[i].drive >= (int)h->ndrives)
            return false;
    for (unsigned i = 0; i < h->nimages; i++)
        if (!h->images[i].role || !h->images[i].path)
            return false;
    for (unsigned i = 0; i < h->argc; i++)
        if (!h->argv[i])
            return false;
    return true;
}

int rlog_writer_open(const char *path, const struct rlog_header *h, struct rlog_writer **out)
{
    *out = NULL;
    if (!header_writable(h))
        return rp_error(-EINVAL, "cannot record to %s: the machine description is incomplete", path);
    struct buf b = { .ok = true };
    encode_header(&b, h);
    if (!b.ok) {
        free(b.p);
        return rp_error(-ENOMEM, "out of memory creating %s", path);
    }
    if (b.len > RLOG_MAX_ITEM) {
        free(b.p);
        return rp_error(-EINVAL, "cannot record to %s: the command line is too long", path);
    }
    struct rlog_writer *w;
    int rc = writer_create(path, &w);
    if (rc) {
        free(b.p);
        return rc;
    }
    w->smp = h->smp;
    rc = emit(w, b.p, b.len);
    free(b.p);
    if (!rc)
        rc = rlog_writer_flush(w);
    if (rc) {
        writer_free(w);
        unlink(path);
        return rc;
    }
    *out = w;
    return 0;
}

int rlog_writer_close(struct rlog_writer *w)
{
    if (!w)
        return 0;
    int rc = rlog_writer_flush(w);
    if (!rc) {
        size_t r = LZ4F_compressEnd(w->cctx, w->obuf, w->ocap, NULL);
        rc = LZ4F_isError(r) ? lz4_wfail(w, r) : write_all(w, w->obuf, r);
    }
    if (close(w->fd) && !rc)
        rc = wfail(w, -EIO, "write", errno);
    w->fd = -1;
    writer_free(w);
    return rc;
}

/* ---- reading: a bounded, non-allocating CBOR scanner ----
 *
 * libcbor's cbor_load allocates an array's element table from its declared
 * length before the elements exist (5 bytes can ask for 2 GiB) and frees
 * nested items recursively. So every item is first scanned here: it must be
 * complete in the buffer, within the limits above and in the subset of CBOR
 * this format uses; only then does libcbor decode it. */

enum scan { SCAN_OK, SCAN_MORE, SCAN_BAD };

static enum scan scan_item(const uint8_t *p, size_t n, size_t *len, const char **why)
{
    uint64_t left[RLOG_MAX_DEPTH];    /* items still due in each open container */
    unsigned depth = 0, items = 0;
    size_t i = 0;
    for (;;) {
        if (i >= n)
            return SCAN_MORE;
        if (++items > RLOG_MAX_ITEMS) {
            *why = "it holds more than 65536 data items";
            return SCAN_BAD;
        }
        unsigned mt = p[i] >> 5, ai = p[i] & 31;
        uint64_t v = ai;
        size_t hl = 1;
        if (ai >= 24 && ai <= 27) {
            hl = 1 + (1u << (ai - 24));
            if (n - i < hl)
                return SCAN_MORE;
            v = 0;
            for (size_t k = 1; k < hl; k++)
                v = v << 8 | p[i + k];
        } else if (ai == 31) {
            *why = mt == 7 ? "it contains a stray CBOR break code"
                           : "it uses an indefinite length, which this format does not";
            return SCAN_BAD;
        } else if (ai > 27) {
            *why = "it uses a reserved CBOR head";
            return SCAN_BAD;
        }
        i += hl;
        switch (mt) {
        case 0:
        case 1:
            break;
        case 2:
        case 3:
            if (i > RLOG_MAX_ITEM || v > RLOG_MAX_ITEM - i) {
                *why = "it is larger than the 64 MiB limit for one item";
                return SCAN_BAD;
            }
            if (n - i < v)
                return SCAN_MORE;
            i += v;
            break;
        case 4:
        case 5:
            if (v > RLOG_MAX_ITEMS) {
                *why = "it holds more than 65536 data items";
                return SCAN_BAD;
            }
            if (v == 0)
                break;
            if (depth == RLOG_MAX_DEPTH) {
                *why = "it nests containers more than 8 deep";
                return SCAN_BAD;
            }
            left[depth++] = mt == 5 ? 2 * v : v;
            continue;
        case 6:
            *why = "it uses a CBOR tag, which this format does not";
            return SCAN_BAD;
        default:
            if (ai != 22) {
                *why = "it contains a float or a simple value other than null";
                return SCAN_BAD;
            }
            break;
        }
        if (i > RLOG_MAX_ITEM) {
            *why = "it is larger than the 64 MiB limit for one item";
            return SCAN_BAD;
        }
        /* a data item is complete: close the containers it completes */
        while (depth && --left[depth - 1] == 0)
            depth--;
        if (!depth) {
            *len = i;
            return SCAN_OK;
        }
    }
}

/* Reads an unsigned integer head at p[*i]; false if there is none. */
static bool get_uint(const uint8_t *p, size_t n, size_t *i, uint64_t *v)
{
    if (*i >= n || (p[*i] >> 5) != MT_UINT)
        return false;
    unsigned ai = p[*i] & 31;
    if (ai < 24) {
        *v = ai;
        (*i)++;
        return true;
    }
    if (ai > 27)
        return false;
    size_t hl = 1 + (1u << (ai - 24));
    if (n - *i < hl)
        return false;
    *v = 0;
    for (size_t k = 1; k < hl; k++)
        *v = *v << 8 | p[*i + k];
    *i += hl;
    return true;
}

/* ---- reading ---- */

enum {
    /* internal results besides 0 and negative codes with a message */
    R_TRUNC = 1,       /* the file ended before the frame did */
    R_FRAME_END,       /* the frame ended (checked), no more stream bytes */
    R_STREAM_END,      /* the stream ended cleanly at a seal boundary */
    R_BAD,             /* the item is not well-formed: see r->why */
};

struct rlog_reader {
    char *name;
    int fd;                        /* -1 when reading from memory */
    const uint8_t *mem;
    size_t mem_len, mem_pos;

    /* compressed input: in[in_pos..in_len) is read but not yet decompressed;
     * in[in_pos] is at compressed offset coff */
    uint8_t *in;
    size_t in_cap, in_pos, in_len;
    uint64_t coff;
    bool in_eof;

    LZ4F_dctx *dctx;
    size_t block_max;              /* from the frame header */
    bool frame_done;               /* the end mark and content checksum passed */

    /* the log stream: d[0] is at stream offset dbase; bytes before dend have
     * passed LZ4's block checks; items in [pos, sealed) also their seal,
     * which ends at seal_end */
    uint8_t *d;
    size_t dcap;
    uint64_t dbase, dend, pos, sealed, seal_end;

    bool have_header, ended;
    unsigned smp;
    uint64_t nevents, last_icount;
    cbor_item_t *cur;              /* the item whose data the last event borrows */
    const char *why;               /* what is wrong with an R_BAD item */
    int err;                       /* sticky error, message in msg */
    char msg[512];
};

__attribute__((format(printf, 3, 4)))
static int fail(struct rlog_reader *r, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
    va_end(ap);
    r->err = code;
    return rp_error(code, "%s", r->msg);
}

/* The number of the j-th item from pos (0-based): 0 for the header, else
 * the 1-based number of the event. */
static uint64_t item_number(const struct rlog_reader *r, uint64_t j)
{
    return r->have_header ? r->nevents + j + 1 : j;
}

static int malformed(struct rlog_reader *r, uint64_t evno, uint64_t at, const char *why)
{
    if (!evno)
        return fail(r, -EBADMSG, "%s: the header (at byte %" PRIu64 " of the log stream) "
                    "is malformed: %s", r->name, at, why);
    return fail(r, -EBADMSG, "%s: event %" PRIu64 " (at byte %" PRIu64 " of the log stream) "
                "is malformed: %s", r->name, evno, at, why);
}

static int cut_short(struct rlog_reader *r)
{
    if (!r->have_header)
        return fail(r, -EPIPE, "%s was cut short before its header was complete: "
                    "the recording did not get under way", r->name);
    if (!r->nevents)
        return fail(r, -EPIPE, "%s was cut short before its first event: the recording "
                    "did not finish; its header is intact", r->name);
    return fail(r, -EPIPE, "%s was cut short after event %" PRIu64 " (icount %" PRIu64 "): "
                "the recording did not finish; everything before that point is intact",
                r->name, r->nevents, r->last_icount);
}

static int not_a_log(struct rlog_reader *r, const char *why)
{
    return fail(r, -EINVAL, "%s is not a Reprise session log (%s)", r->name, why);
}

/* Makes at least `need` bytes of compressed input available at in_pos if the
 * file has them; returns how many are (fewer only at the end of the file). */
static size_t fill_in(struct rlog_reader *r, size_t need, int *rc)
{
    *rc = 0;
    while (r->in_len - r->in_pos < need && !r->in_eof) {
        if (r->in_cap - r->in_pos < need) {
            memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
            r->in_len -= r->in_pos;
            r->in_pos = 0;
            if (r->in_cap < need) {
                uint8_t *p = realloc(r->in, need);
                if (!p) {
                    *rc = fail(r, -ENOMEM, "out of memory reading %s", r->name);
                    return 0;
                }
                r->in = p;
                r->in_cap = need;
            }
        }
        size_t room = r->in_cap - r->in_len;
        if (r->fd < 0) {
            size_t k = r->mem_len - r->mem_pos < room ? r->mem_len - r->mem_pos : room;
            memcpy(r->in + r->in_len, r->mem + r->mem_pos, k);
            r->mem_pos += k;
            r->in_len += k;
            r->in_eof = r->mem_pos == r->mem_len;
            continue;
        }
        ssize_t k = read(r->fd, r->in + r->in_len, room);
        if (k < 0) {
            int e = errno;
            if (e == EINTR)
                continue;
            *rc = fail(r, -e, "cannot read %s: %s", r->name, strerror(e));
            return 0;
        }
        if (k == 0)
            r->in_eof = true;
        r->in_len += (size_t)k;
    }
    return r->in_len - r->in_pos;
}

static const char *lz4_reason(size_t code)
{
    const char *n = LZ4F_getErrorName(code);
    if (strstr(n, "blockChecksum"))
        return "block checksum mismatch";
    if (strstr(n, "contentChecksum"))
        return "content checksum mismatch";
    if (strstr(n, "headerChecksum"))
        return "frame header checksum mismatch";
    if (strstr(n, "decompressionFailed"))
        return "LZ4 data that cannot be decompressed";
    if (strstr(n, "frameSize"))
        return "content size mismatch";
    return "invalid LZ4 frame header";
}

/* Feeds one complete unit of the frame (header, data block, or end mark with
 * content checksum) to LZ4F. Output is appended to the stream only once the
 * whole unit, its checksum included, has been accepted. Returns the LZ4F
 * hint (0: the frame is complete) or a negative code. */
static int64_t feed_unit(struct rlog_reader *r, size_t unit)
{
    const uint8_t *src = r->in + r->in_pos;
    size_t left = unit, made = 0, hint = 1;
    size_t start = (size_t)(r->dend - r->dbase);
    for (int guard = 0; left; guard++) {
        size_t dsz = r->dcap - start - made, ssz = left;
        hint = LZ4F_decompress(r->dctx, r->d + start + made, &dsz, src, &ssz, NULL);
        if (LZ4F_isError(hint) && strstr(LZ4F_getErrorName(hint), "allocation"))
            return fail(r, -ENOMEM, "out of memory reading %s", r->name);
        if (LZ4F_isError(hint))
            return fail(r, -EBADMSG, "%s is corrupt at compressed byte %" PRIu64 " (%s)",
                        r->name, r->coff, lz4_reason(hint));
        if ((ssz == 0 && dsz == 0) || guard > 8)
            return fail(r, -EBADMSG, "%s is corrupt at compressed byte %" PRIu64
                        " (a block that does not decompress within its limit)", r->name, r->coff);
        src += ssz;
        left -= ssz;
        made += dsz;
    }
    r->in_pos += unit;
    r->coff += unit;
    r->dend += made;
    return (int64_t)hint;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Reads and checks the LZ4 frame header. */
static int frame_open(struct rlog_reader *r)
{
    static const uint8_t magic[4] = { 0x04, 0x22, 0x4D, 0x18 };
    int rc;
    size_t n = fill_in(r, 7, &rc);
    if (rc)
        return rc;
    if (n == 0)
        return not_a_log(r, "it is empty");
    if (memcmp(r->in + r->in_pos, magic, n < 4 ? n : 4))
        return not_a_log(r, "it does not start with an LZ4 frame");
    if (n < 7)
        return cut_short(r);
    uint8_t flg = r->in[r->in_pos + 4];
    size_t hsize = 7 + ((flg & 0x08) ? 8 : 0) + ((flg & 0x01) ? 4 : 0);
    if (fill_in(r, hsize, &rc) < hsize)
        return rc ? rc : cut_short(r);
    uint8_t bd = r->in[r->in_pos + 5];
    int64_t hint = feed_unit(r, hsize);
    if (hint < 0)
        return (int)hint;
    if (!(flg & 0x10) || !(flg & 0x04) || (flg & 0x01))
        return not_a_log(r, "its LZ4 frame lacks the checksums every Reprise log carries");
    r->block_max = (size_t)1 << (8 + 2 * ((bd >> 4) & 7));
    return 0;
}

/* Decompresses the next unit of the frame into the stream. Returns 0 after a
 * data block, R_FRAME_END once the frame has ended (and nothing follows it in
 * the file), R_TRUNC when the file ends first, or a negative code. */
static int pull(struct rlog_reader *r)
{
    if (r->frame_done)
        return R_FRAME_END;
    /* room for a whole block after dend, keeping everything from pos on */
    if (r->dcap - (r->dend - r->dbase) < r->block_max) {
        size_t keep = (size_t)(r->dend - r->pos);
        if (keep && r->pos != r->dbase)
            memmove(r->d, r->d + (r->pos - r->dbase), keep);
        r->dbase = r->pos;
        if (r->dcap - keep < r->block_max) {
            size_t cap = r->dcap ? r->dcap : r->block_max;
            while (cap - keep < r->block_max)
                cap *= 2;
            uint8_t *p = realloc(r->d, cap);
            if (!p)
                return fail(r, -ENOMEM, "out of memory reading %s", r->name);
            r->d = p;
            r->dcap = cap;
        }
    }
    int rc;
    size_t n = fill_in(r, 4, &rc);
    if (rc)
        return rc;
    if (n < 4)
        return R_TRUNC;
    uint32_t word = le32(r->in + r->in_pos);
    size_t size = word & 0x7fffffffu, unit;
    if (word == 0) {
        unit = 4 + 4;                  /* end mark, content checksum */
    } else {
        if (size > r->block_max)
            return fail(r, -EBADMSG, "%s is corrupt at compressed byte %" PRIu64 " (a block "
                        "of %zu bytes in a frame whose blocks hold at most %zu)",
                        r->name, r->coff, size, r->block_max);
        unit = 4 + size + 4;
    }
    n = fill_in(r, unit, &rc);
    if (rc)
        return rc;
    if (n < unit)
        return R_TRUNC;
    uint64_t at = r->coff;
    int64_t hint = feed_unit(r, unit);
    if (hint < 0)
        return (int)hint;
    if ((word == 0) != (hint == 0))
        return fail(r, -EBADMSG, "%s is corrupt at compressed byte %" PRIu64
                    " (the LZ4 frame does not end where its end mark is)", r->name, at);
    if (word)
        return 0;
    r->frame_done = true;
    if (fill_in(r, 1, &rc))
        return fail(r, -EBADMSG, "%s is corrupt at compressed byte %" PRIu64
                    " (data follows the end of the LZ4 frame)", r->name, r->coff);
    return rc ? rc : R_FRAME_END;
}

/* Scans the item at stream offset at, decompressing more as needed. Returns
 * 0 with *len set, R_BAD with r->why set, R_STREAM_END when the frame ended
 * exactly at `at`, R_TRUNC, or a negative code (a corrupt frame). */
static int scan_at(struct rlog_reader *r, uint64_t at, size_t *len)
{
    for (;;) {
        size_t have = (size_t)(r->dend - at);
        enum scan s = scan_item(r->d + (at - r->dbase), have, len, &r->why);
        if (s == SCAN_OK)
            return 0;
        if (s == SCAN_BAD)
            return R_BAD;
        int rc = pull(r);
        if (rc == R_FRAME_END) {
            if (have == 0)
                return R_STREAM_END;
            r->why = "the log stream ends in the middle of it";
            return R_BAD;
        }
        if (rc)
            return rc;
    }
}

/* Is the item at p[0..len) a seal? Sets *seal_bad when it starts like one
 * but is not well-formed. */
static bool is_seal(const uint8_t *p, size_t len, uint64_t *nbytes, uint64_t *crc, bool *seal_bad)
{
    *seal_bad = false;
    if (len < 2 || p[0] != 0x83 || p[1] != 0x00)
        return false;
    size_t i = 2;
    *seal_bad = !get_uint(p, len, &i, nbytes) || !get_uint(p, len, &i, crc) ||
                i != len || *crc > 0xffffffffu;
    return !*seal_bad;
}

/* Skips the seal ending the current region and scans ahead to the next seal,
 * checking it. Returns 0 with [pos, sealed) the new region, R_STREAM_END,
 * R_TRUNC, or a negative code. */
static int next_region(struct rlog_reader *r)
{
    if (r->seal_end > r->pos)
        r->pos = r->seal_end;
    uint64_t at = r->pos;
    for (uint64_t j = 0;; j++) {
        size_t len;
        int rc = scan_at(r, at, &len);
        if (rc == R_BAD)
            return malformed(r, item_number(r, j), at, r->why);
        if (rc == R_STREAM_END && at != r->pos)
            return fail(r, -EBADMSG, "%s is corrupt: the log stream ends with bytes %" PRIu64
                        " to %" PRIu64 " that no seal covers", r->name, r->pos, at);
        if (rc)
            return rc;
        const uint8_t *p = r->d + (at - r->dbase);
        uint64_t nbytes, crc;
        bool bad;
        if (is_seal(p, len, &nbytes, &crc, &bad)) {
            if (nbytes != at - r->pos ||
                crc32c(0, r->d + (r->pos - r->dbase), (size_t)(at - r->pos)) != crc) {
                uint64_t last = j ? item_number(r, j - 1) : r->nevents;
                char what[40];
                snprintf(what, sizeof(what), last ? "event %" PRIu64 : "the header", last);
                return fail(r, -EBADMSG, "%s is corrupt between bytes %" PRIu64 " and %" PRIu64
                            " of the log stream (checksum mismatch in the seal after %s)",
                            r->name, r->pos, at, what);
            }
            r->sealed = at;
            r->seal_end = at + len;
            return 0;
        }
        if (bad)
            return fail(r, -EBADMSG, "%s is corrupt at byte %" PRIu64
                        " of the log stream (a malformed seal)", r->name, at);
        at += len;
        if (at - r->pos > RLOG_MAX_UNSEALED)
            return fail(r, -EBADMSG, "%s is corrupt at byte %" PRIu64 " of the log stream "
                        "(no seal within %llu bytes)", r->name, r->pos, RLOG_MAX_UNSEALED);
    }
}

/* Decodes the complete item at pos with libcbor. */
static int load_at(struct rlog_reader *r, size_t len, cbor_item_t **out)
{
    struct cbor_load_result res;
    cbor_item_t *it = cbor_load(r->d + (r->pos - r->dbase), len, &res);
    if (it && res.read == len && res.error.code == CBOR_ERR_NONE) {
        *out = it;
        return 0;
    }
    if (it)
        cbor_decref(&it);
    if (res.error.code == CBOR_ERR_MEMERROR)
        return fail(r, -ENOMEM, "out of memory reading %s", r->name);
    r->why = "libcbor cannot decode it";
    return R_BAD;
}

static bool get_u64(const cbor_item_t *it, uint64_t *v)
{
    if (!cbor_isa_uint(it))
        return false;
    *v = cbor_get_int(it);
    return true;
}

/* Fills ev from a decoded event item; why says what is wrong otherwise. */
static bool event_from_item(struct rlog_reader *r, cbor_item_t *it, struct rlog_event *ev,
                            char *why, size_t whylen)
{
    memset(ev, 0, sizeof(*ev));
    if (!cbor_isa_array(it) || cbor_array_size(it) != 4) {
        snprintf(why, whylen, "it is not an array of 4 items [kind, hart, icount, payload]");
        return false;
    }
    cbor_item_t **a = cbor_array_handle(it);
    uint64_t kind, hart = 0;
    if (!get_u64(a[0], &kind)) {
        snprintf(why, whylen, "its kind is not an unsigned integer");
        return false;
    }
    if (!kind_valid(kind)) {
        snprintf(why, whylen, "unknown kind %" PRIu64, kind);
        return false;
    }
    const struct kind_info *k = &kinds[kind];
    ev->kind = (unsigned)kind;
    if (cbor_isa_negint(a[1]) && cbor_get_int(a[1]) == 0) {
        ev->hart = -1;
    } else if (get_u64(a[1], &hart) && hart < r->smp) {
        ev->hart = (int)hart;
    } else if (cbor_isa_uint(a[1])) {
        snprintf(why, whylen, "it names hart %" PRIu64 " of a machine with %u", hart, r->smp);
        return false;
    } else {
        snprintf(why, whylen, "its hart is neither -1 nor a hart number");
        return false;
    }
    if (!get_u64(a[2], &ev->icount)) {
        snprintf(why, whylen, "its icount is not an unsigned integer");
        return false;
    }
    unsigned fields = k->nu + k->data;
    cbor_item_t *one[1] = { a[3] }, **f = one;
    if (fields == 0) {
        if (!cbor_is_null(a[3])) {
            snprintf(why, whylen, "a %s event's payload must be null", k->name);
            return false;
        }
        return true;
    }
    if (fields > 1) {
        if (!cbor_isa_array(a[3]) || cbor_array_size(a[3]) != fields) {
            snprintf(why, whylen, "a %s event's payload must be an array of %u items",
                     k->name, fields);
            return false;
        }
        f = cbor_array_handle(a[3]);
    }
    for (unsigned i = 0; i < k->nu; i++) {
        if (!get_u64(f[i], &ev->u[i])) {
            snprintf(why, whylen, "item %u of a %s event's payload must be an unsigned integer",
                     i + 1, k->name);
            return false;
        }
    }
    if (k->data) {
        cbor_item_t *b = f[k->nu];
        if (!cbor_isa_bytestring(b) || !cbor_bytestring_is_definite(b)) {
            snprintf(why, whylen, "the data of a %s event must be a byte string", k->name);
            return false;
        }
        ev->len = cbor_bytestring_length(b);
        ev->data = ev->len ? cbor_bytestring_handle(b) : (const uint8_t *)"";
        if (k->data_len && ev->len != k->data_len) {
            snprintf(why, whylen, "a %s event carries %zu bytes instead of %u",
                     k->name, ev->len, k->data_len);
            return false;
        }
    }
    return true;
}

/* ---- the header ---- */

enum hkey { HK_FORMAT, HK_VERSION, HK_RAM, HK_SMP, HK_BIOS, HK_KERNEL, HK_INITRD,
            HK_APPEND, HK_DRIVES, HK_DEVICES, HK_LEGACY, HK_IMAGES, HK_ARGV, HK_COUNT };
static const char *const hkeys[HK_COUNT] = {
    [HK_FORMAT] = "format", [HK_VERSION] = "version", [HK_RAM] = "ram_size",
    [HK_SMP] = "smp", [HK_BIOS] = "bios", [HK_KERNEL] = "kernel", [HK_INITRD] = "initrd",
    [HK_APPEND] = "append", [HK_DRIVES] = "drives", [HK_DEVICES] = "devices",
    [HK_LEGACY] = "virtio_legacy", [HK_IMAGES] = "images", [HK_ARGV] = "argv",
};
_Static_assert(sizeof(hkeys) / sizeof(hkeys[0]) == HK_COUNT, "hkeys covers enum hkey");

static bool text_is(const cbor_item_t *it, const char *s)
{
    size_t n = strlen(s);
    return cbor_isa_string(it) && cbor_string_is_definite(it) &&
           cbor_string_length(it) == n && !memcmp(cbor_string_handle(it), s, n);
}

/* The value of key in map m, or NULL; *dup is set when it appears twice. */
static const cbor_item_t *map_get(const cbor_item_t *m, const char *key, bool *dup)
{
    const cbor_item_t *v = NULL;
    struct cbor_pair *pairs = cbor_map_handle(m);
    for (size_t i = 0; i < cbor_map_size(m); i++) {
        if (text_is(pairs[i].key, key)) {
            if (v)
                *dup = true;
            v = pairs[i].value;
        }
    }
    return v;
}

/* Copies a text item into a new C string; NULL for null if allowed.
 * Returns 0, 1 (wrong type) or -ENOMEM. */
static int dup_text(const cbor_item_t *it, bool nullable, char **out)
{
    *out = NULL;
    if (nullable && cbor_is_null(it))
        return 0;
    if (!cbor_isa_string(it) || !cbor_string_is_definite(it))
        return 1;
    size_t n = cbor_string_length(it);
    const uint8_t *s = cbor_string_handle(it);
    if (n && memchr(s, 0, n))
        return 1;
    char *p = malloc(n + 1);
    if (!p)
        return -ENOMEM;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    *out = p;
    return 0;
}

void rlog_header_free(struct rlog_header *h)
{
    free(h->bios);
    free(h->kernel);
    free(h->initrd);
    free(h->append);
    for (unsigned i = 0; i < h->ndrives && i < ARRAY_SIZE(h->drives); i++)
        free(h->drives[i]);
    for (unsigned i = 0; i < h->ndevices && i < RLOG_MAX_DEVICES; i++)
        free(h->devices[i].type);
    for (unsigned i = 0; i < h->nimages && i < RLOG_MAX_IMAGES; i++) {
        free(h->images[i].role);
        free(h->images[i].path);
    }
    for (unsigned i = 0; h->argv && i < h->argc; i++)
        free(h->argv[i]);
    free(h->argv);
    memset(h, 0, sizeof(*h));
}

/* Fills h from the header item m (a map whose format and version have been
 * checked). Returns 0, or a negative code with the message set. */
static int header_from_item(struct rlog_reader *r, const cbor_item_t *m, unsigned version,
                            struct rlog_header *h)
{
    const cbor_item_t *v[HK_COUNT];
    char why[160];
    bool dup = false;
    int t = 0;
    for (int k = 0; k < HK_COUNT; k++) {
        v[k] = map_get(m, hkeys[k], &dup);
        if (dup) {
            snprintf(why, sizeof(why), "field \"%s\" appears twice", hkeys[k]);
            return malformed(r, 0, 0, why);
        }
        if (!v[k]) {
            snprintf(why, sizeof(why), "field \"%s\" is missing", hkeys[k]);
            return malformed(r, 0, 0, why);
        }
    }
    uint64_t x;
    h->version = version;
    if (!get_u64(v[HK_RAM], &h->ram_size))
        return malformed(r, 0, 0, "field \"ram_size\" must be an unsigned integer");
    if (!get_u64(v[HK_SMP], &x) || x < 1 || x > INT_MAX)
        return malformed(r, 0, 0, "field \"smp\" must be a number of harts");
    h->smp = (unsigned)x;
    char **s[4] = { &h->bios, &h->kernel, &h->initrd, &h->append };
    for (int k = 0; k < 4; k++) {
        if ((t = dup_text(v[HK_BIOS + k], true, s[k])) > 0) {
            snprintf(why, sizeof(why), "field \"%s\" must be text or null", hkeys[HK_BIOS + k]);
            return malformed(r, 0, 0, why);
        }
        if (t < 0)
            goto nomem;
    }
    const cbor_item_t *a = v[HK_DRIVES];
    if (!cbor_isa_array(a) || cbor_array_size(a) > ARRAY_SIZE(h->drives))
        return malformed(r, 0, 0, "field \"drives\" must be an array of at most 8 paths");
    for (size_t i = 0; i < cbor_array_size(a); i++) {
        if ((t = dup_text(cbor_array_handle(a)[i], false, &h->drives[i])) > 0)
            return malformed(r, 0, 0, "field \"drives\" must be an array of at most 8 paths");
        if (t < 0)
            goto nomem;
        h->ndrives = (unsigned)i + 1;
    }
    a = v[HK_DEVICES];
    static const char bad_dev[] = "field \"devices\" must be an array of at most 8 "
                                  "[type, slot, drive or MAC] with distinct slots and drives";
    if (!cbor_isa_array(a) || cbor_array_size(a) > RLOG_MAX_DEVICES)
        return malformed(r, 0, 0, bad_dev);
    unsigned slots_used = 0, drives_used = 0;
    for (size_t i = 0; i < cbor_array_size(a); i++) {
        const cbor_item_t *d = cbor_array_handle(a)[i];
        struct rlog_device *out = &h->devices[i];
        if (!cbor_isa_array(d) || cbor_array_size(d) != 3)
            return malformed(r, 0, 0, bad_dev);
        const cbor_item_t **f = (const cbor_item_t **)cbor_array_handle(d);
        out->drive = -1;
        if (!get_u64(f[1], &x) || x >= RLOG_MAX_DEVICES || (slots_used & (1u << x)))
            return malformed(r, 0, 0, bad_dev);
        out->slot = (unsigned)x;
        slots_used |= 1u << x;
        if (cbor_isa_bytestring(f[2])) {
            if (!cbor_bytestring_is_definite(f[2]) || cbor_bytestring_length(f[2]) != 6)
                return malformed(r, 0, 0, bad_dev);
            memcpy(out->mac, cbor_bytestring_handle(f[2]), 6);
            out->has_mac = true;
        } else if (!cbor_is_null(f[2])) {
            if (!get_u64(f[2], &x) || x >= h->ndrives || (drives_used & (1u << x)))
                return malformed(r, 0, 0, bad_dev);
            out->drive = (int)x;
            drives_used |= 1u << x;
        }
        if ((t = dup_text(f[0], false, &out->type)) > 0)
            return malformed(r, 0, 0, bad_dev);
        if (t < 0)
            goto nomem;
        h->ndevices = (unsigned)i + 1;
    }
    if (!get_u64(v[HK_LEGACY], &x) || x > 1)
        return malformed(r, 0, 0, "field \"virtio_legacy\" must be 0 or 1");
    h->virtio_legacy = x == 1;
    const cbor_item_t *nr = map_get(m, "no_reboot", &dup);
    if (dup)
        return malformed(r, 0, 0, "field \"no_reboot\" appears twice");
    if (nr && (!get_u64(nr, &x) || x > 1))
        return malformed(r, 0, 0, "field \"no_reboot\" must be 0 or 1");
    h->no_reboot = nr && x == 1;
    const cbor_item_t *st = map_get(m, "solo_turn", &dup);
    if (dup)
        return malformed(r, 0, 0, "field \"solo_turn\" appears twice");
    if (!st && version >= 4)
        return malformed(r, 0, 0, "field \"solo_turn\" is missing");
    h->solo_turn = RLOG_SOLO_TURN_V3;
    if (st && (!get_u64(st, &h->solo_turn) || h->solo_turn < 1 || h->solo_turn > UINT32_MAX))
        return malformed(r, 0, 0, "field \"solo_turn\" must be a number of instructions");
    a = v[HK_IMAGES];
    if (!cbor_isa_array(a) || cbor_array_size(a) > RLOG_MAX_IMAGES)
        return malformed(r, 0, 0, "field \"images\" must be an array of at most 16 maps");
    for (size_t i = 0; i < cbor_array_size(a); i++) {
        const cbor_item_t *im = cbor_array_handle(a)[i];
        struct rlog_image *out = &h->images[i];
        snprintf(why, sizeof(why), "image %zu must be a map of role, path, size and sha256", i + 1);
        if (!cbor_isa_map(im) || cbor_map_size(im) != 4)
            return malformed(r, 0, 0, why);
        const cbor_item_t *role = map_get(im, "role", &dup), *path = map_get(im, "path", &dup),
                          *size = map_get(im, "size", &dup), *sha = map_get(im, "sha256", &dup);
        if (dup || !role || !path || !size || !get_u64(size, &out->size) || !sha ||
            !cbor_isa_bytestring(sha) || cbor_bytestring_length(sha) != 32)
            return malformed(r, 0, 0, why);
        memcpy(out->sha256, cbor_bytestring_handle(sha), 32);
        h->nimages = (unsigned)i + 1;
        if ((t = dup_text(role, false, &out->role)) == 0)
            t = dup_text(path, false, &out->path);
        if (t > 0)
            return malformed(r, 0, 0, why);
        if (t < 0)
            goto nomem;
    }
    a = v[HK_ARGV];
    if (!cbor_isa_array(a))
        return malformed(r, 0, 0, "field \"argv\" must be an array of text");
    h->argv = calloc(cbor_array_size(a) + 1, sizeof(char *));
    if (!h->argv)
        goto nomem;
    for (size_t i = 0; i < cbor_array_size(a); i++) {
        if ((t = dup_text(cbor_array_handle(a)[i], false, &h->argv[i])) > 0)
            return malformed(r, 0, 0, "field \"argv\" must be an array of text");
        if (t < 0)
            goto nomem;
        h->argc = (unsigned)i + 1;
    }
    r->smp = h->smp;
    return 0;
nomem:
    return fail(r, -ENOMEM, "out of memory reading %s", r->name);
}

/* Reads the first item: identifies the file as a log of this version, then
 * checks its seal and decodes the rest of the header. */
static int read_header(struct rlog_reader *r, struct rlog_header *h)
{
    size_t len;
    cbor_item_t *m;
    int rc = scan_at(r, 0, &len);
    if (!rc)
        rc = load_at(r, len, &m);
    if (rc == R_TRUNC)
        return cut_short(r);
    if (rc == R_STREAM_END || rc == R_BAD)
        return not_a_log(r, "its first item is not a log header");
    if (rc)
        return rc;
    bool dup = false;
    const cbor_item_t *fmt = cbor_isa_map(m) ? map_get(m, "format", &dup) : NULL;
    const cbor_item_t *ver = fmt ? map_get(m, "version", &dup) : NULL;
    uint64_t version = 0;
    if (!fmt || !text_is(fmt, "reprise-log")) {
        rc = not_a_log(r, "its first item is not a log header");
    } else if (!ver || !get_u64(ver, &version) || dup) {
        rc = malformed(r, 0, 0, "it has no single unsigned \"version\"");
    } else if (version > RLOG_VERSION) {
        rc = fail(r, -ENOTSUP, "%s was written by a newer Reprise (log format version %" PRIu64
                  "; this build reads version %d)", r->name, version, RLOG_VERSION);
    } else if (version < RLOG_VERSION_MIN) {
        rc = fail(r, -ENOTSUP, "%s has log format version %" PRIu64 ", which this build "
                  "cannot read (it reads versions %d to %d)", r->name, version,
                  RLOG_VERSION_MIN, RLOG_VERSION);
    } else {
        rc = next_region(r);   /* the header's seal */
        if (rc == R_TRUNC)
            rc = cut_short(r);
        else if (rc == R_STREAM_END)
            rc = fail(r, -EBADMSG, "%s is corrupt: its header has no seal", r->name);
        else if (rc == 0)
            rc = header_from_item(r, m, (unsigned)version, h);
    }
    cbor_decref(&m);
    if (rc)
        return rc;
    r->pos += len;
    r->have_header = true;
    return 0;
}

static int reader_start(struct rlog_reader *r, struct rlog_reader **out, struct rlog_header *h)
{
    int rc = 0;
    if (!r->name || !r->in || !r->d ||
        LZ4F_isError(LZ4F_createDecompressionContext(&r->dctx, LZ4F_VERSION)))
        rc = fail(r, -ENOMEM, "out of memory opening %s", r->name ? r->name : "a log");
    if (!rc)
        rc = frame_open(r);
    if (!rc)
        rc = read_header(r, h);
    if (rc) {
        rlog_header_free(h);
        rlog_reader_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

static struct rlog_reader *reader_alloc(const char *name)
{
    pthread_once(&crc_once, crc_init);
    struct rlog_reader *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->fd = -1;
    r->name = strdup(name);
    r->in_cap = RLOG_CHUNK + 64;
    r->in = malloc(r->in_cap);
    r->dcap = 2 * RLOG_CHUNK;
    r->d = malloc(r->dcap);
    return r;
}

int rlog_reader_open(const char *path, struct rlog_reader **out, struct rlog_header *h)
{
    *out = NULL;
    memset(h, 0, sizeof(*h));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rp_error(-errno, "cannot open %s: %s", path, strerror(errno));
    struct rlog_reader *r = reader_alloc(path);
    if (!r) {
        close(fd);
        return rp_error(-ENOMEM, "out of memory opening %s", path);
    }
    r->fd = fd;
    return reader_start(r, out, h);
}

int rlog_reader_open_mem(const void *buf, size_t len, const char *name,
                         struct rlog_reader **out, struct rlog_header *h)
{
    *out = NULL;
    memset(h, 0, sizeof(*h));
    struct rlog_reader *r = reader_alloc(name);
    if (!r)
        return rp_error(-ENOMEM, "out of memory opening %s", name);
    r->mem = buf;
    r->mem_len = len;
    r->in_eof = len == 0;
    return reader_start(r, out, h);
}

/* After the end event: the seal, the end of the frame, the end of the file. */
static int check_tail(struct rlog_reader *r)
{
    if (r->pos != r->sealed)
        return fail(r, -EBADMSG, "%s is corrupt: data follows its end marker (event %" PRIu64
                    ") at byte %" PRIu64 " of the log stream", r->name, r->nevents, r->pos);
    r->pos = r->seal_end;
    for (;;) {
        if (r->dend > r->pos)
            return fail(r, -EBADMSG, "%s is corrupt: data follows its end marker (event %"
                        PRIu64 ") at byte %" PRIu64 " of the log stream",
                        r->name, r->nevents, r->pos);
        int rc = pull(r);
        if (rc == R_FRAME_END)
            return 0;
        if (rc == R_TRUNC)
            return fail(r, -EPIPE, "%s was cut short just after its end marker (event %" PRIu64
                        "): the recording finished, but the file lost its last bytes",
                        r->name, r->nevents);
        if (rc)
            return rc;
    }
}

int rlog_read_event(struct rlog_reader *r, struct rlog_event *ev)
{
    if (r->cur)
        cbor_decref(&r->cur);
    memset(ev, 0, sizeof(*ev));
    if (r->err)
        return rp_error(r->err, "%s", r->msg);
    if (r->ended)
        return 0;
    while (r->pos == r->sealed) {
        int rc = next_region(r);
        if (rc == R_TRUNC)
            return cut_short(r);
        if (rc == R_STREAM_END) {
            if (!r->nevents)
                return fail(r, -EPIPE, "%s ends after its header without an end marker: the "
                            "recording did not finish", r->name);
            return fail(r, -EPIPE, "%s ends after event %" PRIu64 " (icount %" PRIu64 ") "
                        "without an end marker: the recording did not finish; everything "
                        "before that point is intact", r->name, r->nevents, r->last_icount);
        }
        if (rc)
            return rc;
    }
    size_t len;
    int rc = scan_at(r, r->pos, &len);   /* complete and sealed: cannot fail */
    if (!rc)
        rc = load_at(r, len, &r->cur);
    if (rc == R_BAD)
        return malformed(r, r->nevents + 1, r->pos, r->why);
    if (rc)
        return rc < 0 ? rc : malformed(r, r->nevents + 1, r->pos, "it cannot be read");
    char why[160];
    if (!event_from_item(r, r->cur, ev, why, sizeof(why))) {
        memset(ev, 0, sizeof(*ev));
        return malformed(r, r->nevents + 1, r->pos, why);
    }
    r->pos += len;
    r->nevents++;
    r->last_icount = ev->icount;
    if (ev->kind == RLOG_END) {
        if ((rc = check_tail(r))) {
            memset(ev, 0, sizeof(*ev));
            return rc;
        }
        r->ended = true;
    }
    return 1;
}

void rlog_reader_sizes(const struct rlog_reader *r, uint64_t *file_bytes, uint64_t *cbor_bytes)
{
    *file_bytes = r->coff;
    *cbor_bytes = r->dend;
}

void rlog_reader_close(struct rlog_reader *r)
{
    if (!r)
        return;
    if (r->cur)
        cbor_decref(&r->cur);
    if (r->fd >= 0)
        close(r->fd);
    LZ4F_freeDecompressionContext(r->dctx);
    free(r->in);
    free(r->d);
    free(r->name);
    free(r);
}

/* ---- image digests ---- */

int rlog_hash_file(const char *path, uint8_t sha256[32], uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rp_error(-errno, "cannot open %s: %s", path, strerror(errno));
    GChecksum *cs = g_checksum_new(G_CHECKSUM_SHA256);
    uint8_t *buf = malloc(1 << 16);
    int rc = 0;
    uint64_t total = 0;
    if (!cs || !buf) {
        rc = rp_error(-ENOMEM, "out of memory hashing %s", path);
        goto out;
    }
    for (;;) {
        ssize_t k = read(fd, buf, 1 << 16);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            rc = rp_error(-errno, "cannot read %s: %s", path, strerror(errno));
            goto out;
        }
        if (k == 0)
            break;
        g_checksum_update(cs, buf, (gssize)k);
        total += (uint64_t)k;
    }
    gsize dlen = 32;
    g_checksum_get_digest(cs, sha256, &dlen);
    *size = total;
out:
    if (cs)
        g_checksum_free(cs);
    free(buf);
    close(fd);
    return rc;
}
