/* The session log: reader and writer of Reprise's recording format (an LZ4
 * frame stream carrying a CBOR sequence). The byte-level format is documented
 * at the top of rlog.c. Knows event kinds and payload shapes, not devices. */
#ifndef REPRISE_RLOG_H
#define REPRISE_RLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bump RLOG_VERSION whenever the meaning or shape of any item changes: a new
 * kind, a payload field added, removed or reinterpreted, a header field
 * required or reinterpreted, a change to seals or to the LZ4 frame settings.
 * Adding a header key that older readers may safely ignore needs no bump.
 * Kind 0 is reserved for the log's own integrity seals (see rlog.c); it is
 * never written or returned as an event. RLOG_VERSION_MIN is the oldest
 * version this build still reads (each later version only added to it). */
#define RLOG_VERSION 4
#define RLOG_VERSION_MIN 2
#define RLOG_SOLO_TURN_V3 10000   /* what logs before version 4 ran with */

enum rlog_kind {
    RLOG_CONSOLE_IN = 1,   /* bytes typed at the console: data */
    RLOG_WALLCLOCK = 2,    /* host wall clock read once at boot: u[0] = ns since epoch */
    RLOG_IDLE = 3,         /* every hart sleeps in wfi: no payload */
    RLOG_RESUME = 4,       /* end of an idle period: u[0] = cause, u[1] = guest ticks that passed */
    RLOG_HASH = 5,         /* state digest for divergence checks: data = 32 bytes, u[0] = flags */
    RLOG_END = 6,          /* end of session: u[0] = stop reason, u[1] = exit status, data = 32-byte final digest */
    RLOG_ENTROPY = 7,      /* random bytes given to the guest: data */
    RLOG_NET_RX = 8,       /* a frame delivered to the guest: u[0] = the card's virtio-mmio slot, data */
    RLOG_BLK_DONE = 9,     /* a block request completed: u[0] = device, u[1] = request id */
    RLOG_KIND_MAX
};

/* Resume causes */
enum { RLOG_WAKE_TIMER = 0, RLOG_WAKE_INPUT = 1 };

/* An event. hart is the hart the event belongs to, or -1 for events of the
 * machine as a whole (taken between scheduling rounds); icount is the
 * position: for hart -1 the sum of all harts' retired instructions. data is
 * borrowed: owned by the writer's caller, or by the reader until the next
 * rlog_read_event call. */
struct rlog_event {
    unsigned kind;
    int hart;
    uint64_t icount;
    uint64_t u[2];
    const uint8_t *data;
    size_t len;
};

#define RLOG_MAX_IMAGES 16

struct rlog_image {
    char *role;              /* "bios", "kernel", "initrd", "drive0", ... */
    char *path;              /* as given on the command line */
    uint64_t size;
    uint8_t sha256[32];
};

#define RLOG_MAX_DEVICES 8

/* A device on a virtio-mmio transport, as the header names it. */
struct rlog_device {
    char *type;              /* "virtio-blk-device", "virtio-rng-device", "virtio-net-device" */
    unsigned slot;           /* virtio-mmio slot, 0..7 */
    int drive;               /* index into drives[], or -1 */
    bool has_mac;            /* a network card: its MAC address */
    uint8_t mac[6];
};

/* The header: format version, machine configuration, image digests and the
 * command line. Strings are owned by the struct (rlog_header_free). */
struct rlog_header {
    unsigned version;        /* as read (RLOG_VERSION_MIN..RLOG_VERSION); written as RLOG_VERSION */
    uint64_t ram_size;
    unsigned smp;
    char *bios;              /* NULL = default firmware path recorded in images */
    char *kernel, *initrd, *append;
    char *drives[8];         /* raw disk images, in -drive order */
    unsigned ndrives;
    struct rlog_device devices[RLOG_MAX_DEVICES];   /* virtio devices, in order */
    unsigned ndevices;
    bool virtio_legacy;      /* virtio-mmio register layout: version 1 (true) or 2 */
    bool no_reboot;          /* a guest reset ends the session (-no-reboot) */
    uint64_t solo_turn;      /* instructions per turn of a lone hart (versions
                              * before 4: RLOG_SOLO_TURN_V3) */
    struct rlog_image images[RLOG_MAX_IMAGES];
    unsigned nimages;
    char **argv;             /* the recording's command line */
    unsigned argc;
};

void rlog_header_free(struct rlog_header *h);

/* Computes the SHA-256 and size of a file. Returns 0 or -errno with a message. */
int rlog_hash_file(const char *path, uint8_t sha256[32], uint64_t *size);

/* ---- writing ---- */
struct rlog_writer;

/* Creates path (truncating it) and writes the header. Returns 0 or a negative
 * code with a message. */
int rlog_writer_open(const char *path, const struct rlog_header *h, struct rlog_writer **out);

/* Appends an event (copied: ev and its data stay the caller's). Events are
 * buffered and compressed 64 KiB at a time; a second of host time
 * (CLOCK_MONOTONIC) after the last flush, the next call flushes. Returns 0,
 * -EIO (the file could not be written; every later call fails too), or
 * -EINVAL for an event the format cannot hold (unknown kind, hart out of
 * range, wrong data length for hash/end); all with a message. */
int rlog_write_event(struct rlog_writer *w, const struct rlog_event *ev);

/* Flushes if a second passed since the last flush. Call it from the machine
 * loop every few milliseconds of host time, so that a recording killed with
 * SIGKILL is readable up to at most about a second before its death. */
int rlog_writer_tick(struct rlog_writer *w);

/* Flushes everything written so far to the file. */
int rlog_writer_flush(struct rlog_writer *w);

/* Ends the frame, closes the file and frees w (also after an error; NULL is
 * a no-op). Write the RLOG_END event first: a log without one reads as a
 * recording that did not finish. Returns 0, -EIO or -ENOMEM. */
int rlog_writer_close(struct rlog_writer *w);

/* For tests, fuzzers and tools that must produce logs this build would not
 * write: opens a writer that writes no header, and appends bytes that the
 * caller vouches are whole CBOR items (they are sealed like any other).
 * Same codes as rlog_writer_open and rlog_write_event. */
int rlog_writer_open_raw(const char *path, struct rlog_writer **out);
int rlog_write_raw(struct rlog_writer *w, const void *cbor, size_t len);

/* ---- reading ---- */
struct rlog_reader;

/* Opens a log and reads its header into *h (new: free it with
 * rlog_header_free; on failure *h is left empty). Errors return a negative
 * code with one sentence in rp_strerror naming what is wrong and where:
 * -errno (cannot open or read), -EINVAL (not a Reprise log), -ENOTSUP (a
 * newer or otherwise unreadable format version), -EBADMSG (corrupt or
 * malformed header), -EPIPE (the file ends inside the header), -ENOMEM. */
int rlog_reader_open(const char *path, struct rlog_reader **out, struct rlog_header *h);

/* The same for a log already in memory (buf is borrowed and must outlive the
 * reader); name stands for the file in messages. For fuzzing and tools. */
int rlog_reader_open_mem(const void *buf, size_t len, const char *name,
                         struct rlog_reader **out, struct rlog_header *h);

/* Reads the next event. Returns 1 with *ev filled, 0 at a clean end of the
 * log (after the end marker), or a negative code: -EPIPE when the log was
 * cut short (a recording killed before it finished: everything before is
 * valid), -EBADMSG when it is corrupt; both with a message that says where;
 * also -errno when the file cannot be read and -ENOMEM. Every event returned has passed its checksums; RLOG_END is returned only
 * once the whole file has been verified, and the next call then returns 0.
 * After an error every later call returns the same error. */
int rlog_read_event(struct rlog_reader *r, struct rlog_event *ev);

/* Byte sizes for `reprise info`: the compressed bytes of the file and the
 * CBOR bytes inside them that were decoded so far (after the last event has
 * been read, the totals). */
void rlog_reader_sizes(const struct rlog_reader *r, uint64_t *file_bytes, uint64_t *cbor_bytes);

void rlog_reader_close(struct rlog_reader *r);

const char *rlog_kind_name(unsigned kind);

#endif
