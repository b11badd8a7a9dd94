/* Unit tests of the session log (src/record/rlog.c): round trips, recordings
 * flushed and then killed, every truncation and byte flip of a small log,
 * foreign, future and malformed files, the writer's size per event.
 * `rlog_test --corpus DIR` instead writes seeds for tests/fuzz/rlog_fuzz.c. */
#include "record/rlog.h"

#include <cbor.h>
#include <fcntl.h>
#include <inttypes.h>
#include <lz4frame.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "util.h"

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
    return buf[k];
}

static bool contains(const char *s, const char *sub)
{
    return s && strstr(s, sub);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(n > 0 ? (size_t)n : 1);
    *len = fread(p, 1, (size_t)n, f);
    fclose(f);
    return p;
}

static void spit(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(p, 1, n, f);
        fclose(f);
    }
}

/* ---- deterministic events ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* The payload shapes as rlog.c's format comment documents them. */
static const struct {
    unsigned nu;
    bool data;
    size_t fixed;
} shape[RLOG_KIND_MAX] = {
    [RLOG_CONSOLE_IN] = { 0, true, 0 }, [RLOG_WALLCLOCK] = { 1, false, 0 },
    [RLOG_IDLE] = { 0, false, 0 },      [RLOG_RESUME] = { 2, false, 0 },
    [RLOG_HASH] = { 1, true, 32 },      [RLOG_END] = { 2, true, 32 },
    [RLOG_ENTROPY] = { 0, true, 0 },    [RLOG_NET_RX] = { 1, true, 0 },
    [RLOG_BLK_DONE] = { 2, false, 0 },
};

/* An expected event and the buffer its data lives in. */
struct xev {
    struct rlog_event ev;
    uint8_t *buf;
};

static uint64_t edgy(void)
{
    switch (rnd() % 8) {
    case 0: return 0;
    case 1: return UINT64_MAX;
    case 2: return rnd() % 24;
    default: {
        uint64_t v = rnd();
        return v >> (rnd() % 64);
    }
    }
}

static void make_event(struct xev *x, unsigned kind, int hart, uint64_t icount, size_t len)
{
    memset(x, 0, sizeof(*x));
    x->ev.kind = kind;
    x->ev.hart = hart;
    x->ev.icount = icount;
    for (unsigned i = 0; i < shape[kind].nu; i++)
        x->ev.u[i] = edgy();
    if (shape[kind].data) {
        if (shape[kind].fixed)
            len = shape[kind].fixed;
        x->buf = malloc(len ? len : 1);
        for (size_t i = 0; i < len; i++)
            x->buf[i] = (uint8_t)(kind == RLOG_CONSOLE_IN ? 'a' + rnd() % 26 : rnd());
        x->ev.data = x->buf;
        x->ev.len = len;
    }
}

static void random_event(struct xev *x, unsigned smp)
{
    unsigned kind = 1 + (unsigned)(rnd() % (RLOG_KIND_MAX - 1));
    if (kind == RLOG_END)
        kind = RLOG_CONSOLE_IN;
    int hart = rnd() % 4 == 0 ? -1 : (int)(rnd() % smp);
    size_t len = rnd() % 8 == 0 ? 0 : kind == RLOG_NET_RX ? rnd() % 1600 : rnd() % 24;
    make_event(x, kind, hart, edgy(), len);
}

static void free_events(struct xev *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(x[i].buf);
    free(x);
}

static bool ev_equal(const struct rlog_event *a, const struct rlog_event *b)
{
    return a->kind == b->kind && a->hart == b->hart && a->icount == b->icount &&
           a->u[0] == b->u[0] && a->u[1] == b->u[1] && a->len == b->len &&
           (!a->len || !memcmp(a->data, b->data, a->len));
}

/* ---- headers ---- */

static char *test_argv[] = { "reprise", "record", "-o", "t.rlog", "-smp", "2", "-kernel", "Image",
                             "-append", "console=ttyS0 rw", "-drive", "file=disk.img,format=raw",
                             "-drive", "file=ü.img" };

static void make_header(struct rlog_header *h)
{
    memset(h, 0, sizeof(*h));
    h->version = RLOG_VERSION;
    h->ram_size = 128ull << 20;
    h->smp = 2;
    h->bios = NULL;
    h->kernel = "Image";
    h->initrd = "rootfs.cpio";
    h->append = "console=ttyS0 rw";
    h->drives[0] = "file=disk.img,format=raw";
    h->drives[1] = "file=ü.img";
    h->ndrives = 2;
    h->devices[0] = (struct rlog_device){ .type = "virtio-blk-device", .slot = 7, .drive = 0 };
    h->devices[1] = (struct rlog_device){ .type = "virtio-rng-device", .slot = 3, .drive = -1 };
    h->devices[2] = (struct rlog_device){ .type = "virtio-blk-device", .slot = 6, .drive = 1 };
    h->devices[3] = (struct rlog_device){ .type = "virtio-net-device", .slot = 5, .drive = -1,
                                          .has_mac = true,
                                          .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };
    h->ndevices = 4;
    h->virtio_legacy = true;
    h->solo_turn = 80000;
    const char *roles[] = { "bios", "kernel", "initrd", "drive0" };
    const char *paths[] = { "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin", "Image",
                            "rootfs.cpio", "disk.img" };
    for (int i = 0; i < 4; i++) {
        h->images[i].role = (char *)roles[i];
        h->images[i].path = (char *)paths[i];
        h->images[i].size = i == 3 ? UINT64_MAX : 1000u * (unsigned)i;
        for (int k = 0; k < 32; k++)
            h->images[i].sha256[k] = (uint8_t)(i * 32 + k);
    }
    h->nimages = 4;
    h->argv = test_argv;
    h->argc = ARRAY_SIZE(test_argv);
}

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool header_equal(const struct rlog_header *a, const struct rlog_header *b)
{
    if (a->version != b->version || a->ram_size != b->ram_size || a->smp != b->smp ||
        !str_eq(a->bios, b->bios) || !str_eq(a->kernel, b->kernel) ||
        !str_eq(a->initrd, b->initrd) || !str_eq(a->append, b->append) ||
        a->ndrives != b->ndrives || a->nimages != b->nimages || a->argc != b->argc)
        return false;
    for (unsigned i = 0; i < a->ndrives; i++)
        if (!str_eq(a->drives[i], b->drives[i]))
            return false;
    if (a->ndevices != b->ndevices || a->virtio_legacy != b->virtio_legacy ||
        a->solo_turn != b->solo_turn)
        return false;
    for (unsigned i = 0; i < a->ndevices; i++)
        if (!str_eq(a->devices[i].type, b->devices[i].type) ||
            a->devices[i].slot != b->devices[i].slot || a->devices[i].drive != b->devices[i].drive ||
            a->devices[i].has_mac != b->devices[i].has_mac ||
            memcmp(a->devices[i].mac, b->devices[i].mac, 6))
            return false;
    for (unsigned i = 0; i < a->nimages; i++)
        if (!str_eq(a->images[i].role, b->images[i].role) ||
            !str_eq(a->images[i].path, b->images[i].path) ||
            a->images[i].size != b->images[i].size ||
            memcmp(a->images[i].sha256, b->images[i].sha256, 32))
            return false;
    for (unsigned i = 0; i < a->argc; i++)
        if (!str_eq(a->argv[i], b->argv[i]))
            return false;
    return true;
}

/* ---- reading a log back ---- */

struct outcome {
    int rc;             /* open's error, or the last rlog_read_event result */
    unsigned n;         /* events read */
    bool wrong;         /* a header or event differed from what was written */
    char msg[512];
};

static struct outcome read_back(const char *path, const uint8_t *buf, size_t len, const char *name,
                                const struct rlog_header *xh, const struct xev *x, size_t nx)
{
    struct outcome o = { 0 };
    struct rlog_reader *r;
    struct rlog_header h;
    rp_error_clear();
    int rc = path ? rlog_reader_open(path, &r, &h) : rlog_reader_open_mem(buf, len, name, &r, &h);
    if (rc) {
        o.rc = rc;
        snprintf(o.msg, sizeof(o.msg), "%s", rp_strerror(rc));
        return o;
    }
    if (xh && !header_equal(&h, xh))
        o.wrong = true;
    struct rlog_event ev;
    while ((rc = rlog_read_event(r, &ev)) == 1) {
        if (x && (o.n >= nx || !ev_equal(&ev, &x[o.n].ev)))
            o.wrong = true;
        if (++o.n > nx + 1)
            break;
    }
    o.rc = rc;
    if (rc < 0)
        snprintf(o.msg, sizeof(o.msg), "%s", rp_strerror(rc));
    if (rc == 0 && rlog_read_event(r, &ev) != 0)
        o.wrong = true;
    rlog_reader_close(r);
    rlog_header_free(&h);
    return o;
}

static int write_log(const char *path, const struct rlog_header *h, const struct xev *x, size_t n,
                     unsigned flush_every, bool close_it, struct rlog_writer **wout)
{
    struct rlog_writer *w;
    int rc = rlog_writer_open(path, h, &w);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = rlog_write_event(w, &x[i].ev);
        if (!rc && flush_every && i % flush_every == flush_every - 1)
            rc = rlog_writer_flush(w);
    }
    if (close_it) {
        int rc2 = rlog_writer_close(w);
        return rc ? rc : rc2;
    }
    *wout = w;
    return rc;
}

/* ---- round trip ---- */

static void test_round_trip(void)
{
    struct rlog_header h;
    make_header(&h);
    const size_t n = 50000;
    struct xev *x = calloc(n + 16, sizeof(*x));
    size_t k = 0;
    /* the edges first */
    make_event(&x[k++], RLOG_WALLCLOCK, -1, 0, 0);
    x[k - 1].ev.u[0] = UINT64_MAX;
    make_event(&x[k++], RLOG_CONSOLE_IN, 1, UINT64_MAX, 0);
    make_event(&x[k++], RLOG_CONSOLE_IN, 0, UINT64_MAX - 1, 1);
    make_event(&x[k++], RLOG_IDLE, -1, 24, 0);
    make_event(&x[k++], RLOG_RESUME, 1, 1ull << 32, 0);
    x[k - 1].ev.u[0] = RLOG_WAKE_INPUT;
    x[k - 1].ev.u[1] = UINT64_MAX;
    make_event(&x[k++], RLOG_NET_RX, 0, 255, 65536);         /* exactly one chunk */
    make_event(&x[k++], RLOG_ENTROPY, -1, 256, (1 << 20) + 3); /* larger than a chunk */
    make_event(&x[k++], RLOG_NET_RX, 1, 65535, 8u << 20);     /* several blocks, unsealed */
    make_event(&x[k++], RLOG_BLK_DONE, 1, 65536, 0);
    make_event(&x[k++], RLOG_HASH, -1, 4294967295ull, 0);
    make_event(&x[k++], RLOG_ENTROPY, 0, 4294967296ull, 0);
    while (k < n)
        random_event(&x[k++], h.smp);
    make_event(&x[k++], RLOG_END, -1, UINT64_MAX, 0);

    const char *path = tmp_path("round.rlog");
    int rc = write_log(path, &h, x, k, 0, true, NULL);
    CHECK(rc == 0, "write: %s", rp_strerror(rc));
    struct outcome o = read_back(path, NULL, 0, NULL, &h, x, k);
    CHECK(o.rc == 0 && o.n == k && !o.wrong, "round trip: rc %d, %u of %zu events, wrong %d: %s",
          o.rc, o.n, k, o.wrong, o.msg);

    /* sizes, and the same file read from memory */
    size_t len;
    uint8_t *buf = slurp(path, &len);
    struct rlog_reader *r;
    struct rlog_header h2;
    rc = rlog_reader_open_mem(buf, len, "round.rlog", &r, &h2);
    CHECK(rc == 0, "open_mem: %s", rp_strerror(rc));
    if (!rc) {
        struct rlog_event ev;
        unsigned cnt = 0;
        while (rlog_read_event(r, &ev) == 1)
            cnt++;
        uint64_t fb, cb;
        rlog_reader_sizes(r, &fb, &cb);
        CHECK(cnt == k && fb == len && cb > fb, "sizes: %u events, file %" PRIu64 " of %zu, cbor %"
              PRIu64, cnt, fb, len, cb);
        CHECK(h2.argv && h2.argv[h2.argc] == NULL, "argv is NULL-terminated");
        CHECK(str_eq(rlog_kind_name(RLOG_NET_RX), "net-rx") && str_eq(rlog_kind_name(0), "unknown") &&
              str_eq(rlog_kind_name(99), "unknown"), "kind names");
        rlog_reader_close(r);
        rlog_header_free(&h2);
    }
    free(buf);
    free_events(x, n + 16);
    unlink(path);
}

/* ---- recordings that never closed ---- */

static size_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) ? 0 : (size_t)st.st_size;
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    uint8_t *p = slurp(from, &len);
    spit(to, p, len);
    free(p);
}

static void test_not_closed(void)
{
    struct rlog_header h;
    make_header(&h);
    const size_t n = 3000;
    struct xev *x = calloc(n, sizeof(*x));
    for (size_t i = 0; i < n; i++) {
        /* after event 2000 only small ones: they must stay in the buffer */
        if (i < 2000)
            random_event(&x[i], h.smp);
        else
            make_event(&x[i], RLOG_CONSOLE_IN, (int)(i % 2), 1000 * i, 4);
    }
    const char *path = tmp_path("live.rlog"), *copy = tmp_path("killed.rlog");
    struct rlog_writer *w;

    /* nothing but the header yet: already readable */
    int rc = rlog_writer_open(path, &h, &w);
    CHECK(rc == 0, "open: %s", rp_strerror(rc));
    if (rc)
        return;
    copy_file(path, copy);
    struct outcome o = read_back(copy, NULL, 0, NULL, &h, x, n);
    CHECK(o.rc == -EPIPE && o.n == 0 && !o.wrong && contains(o.msg, "before its first event"),
          "header only: rc %d n %u: %s", o.rc, o.n, o.msg);

    /* 2000 events flushed, 500 more buffered: exactly the flushed ones */
    for (size_t i = 0; i < 2000; i++)
        rlog_write_event(w, &x[i].ev);
    rc = rlog_writer_flush(w);
    CHECK(rc == 0, "flush: %s", rp_strerror(rc));
    for (size_t i = 2000; i < 2500; i++)
        rlog_write_event(w, &x[i].ev);
    copy_file(path, copy);
    o = read_back(copy, NULL, 0, NULL, &h, x, n);
    char want[128];
    snprintf(want, sizeof(want), "killed.rlog was cut short after event 2000 (icount %" PRIu64 ")",
             x[1999].ev.icount);
    CHECK(o.rc == -EPIPE && o.n == 2000 && !o.wrong && contains(o.msg, want) &&
          contains(o.msg, "everything before that point is intact"),
          "killed after flush: rc %d n %u: %s", o.rc, o.n, o.msg);

    /* a second later, tick flushes the rest */
    struct timespec ts = { 1, 50 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    rc = rlog_writer_tick(w);
    CHECK(rc == 0, "tick: %s", rp_strerror(rc));
    copy_file(path, copy);
    o = read_back(copy, NULL, 0, NULL, &h, x, n);
    CHECK(o.rc == -EPIPE && o.n == 2500 && !o.wrong, "killed after tick: rc %d n %u: %s",
          o.rc, o.n, o.msg);

    /* and an event written a second after the last flush is flushed at once */
    nanosleep(&ts, NULL);
    rlog_write_event(w, &x[2500].ev);
    copy_file(path, copy);
    o = read_back(copy, NULL, 0, NULL, &h, x, n);
    CHECK(o.rc == -EPIPE && o.n == 2501 && !o.wrong, "event after a quiet second: rc %d n %u: %s",
          o.rc, o.n, o.msg);

    /* closed without an end marker: complete, but did not finish */
    rc = rlog_writer_close(w);
    CHECK(rc == 0, "close: %s", rp_strerror(rc));
    o = read_back(path, NULL, 0, NULL, &h, x, n);
    CHECK(o.rc == -EPIPE && o.n == 2501 && !o.wrong && contains(o.msg, "without an end marker"),
          "closed without end: rc %d n %u: %s", o.rc, o.n, o.msg);
    free_events(x, n);
    unlink(path);
    unlink(copy);
}

/* A real SIGKILL: a child records as fast as it can; once its first
 * once-a-second flush has reached the file, the parent waits 0.3 s more and
 * kills it. The log holds the events up to the writer's last flush. */
static void test_sigkill(void)
{
    struct rlog_header h;
    make_header(&h);
    const char *path = tmp_path("sigkill.rlog");
    int ready[2];
    if (pipe(ready))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        struct rlog_writer *w;
        if (rlog_writer_open(path, &h, &w))
            _exit(1);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        uint8_t data[8];
        for (uint64_t i = 0;; i++) {
            memcpy(data, &i, 8);
            struct rlog_event ev = { .kind = RLOG_CONSOLE_IN, .hart = 0, .icount = i,
                                     .data = data, .len = 8 };
            if (rlog_write_event(w, &ev))
                _exit(1);
            if (i % 256 == 0) {
                rlog_writer_tick(w);
                struct timespec ts = { 0, 1000 * 1000 };
                nanosleep(&ts, NULL);
            }
        }
    }
    char c;
    CHECK(read(ready[0], &c, 1) == 1, "child started");
    size_t header_only = file_size(path);
    struct timespec tick = { 0, 10 * 1000 * 1000 }, more = { 0, 300 * 1000 * 1000 };
    for (int i = 0; i < 1000 && file_size(path) == header_only; i++)
        nanosleep(&tick, NULL);
    nanosleep(&more, NULL);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    close(ready[0]);
    close(ready[1]);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child was killed");

    struct rlog_reader *r;
    struct rlog_header h2;
    int rc = rlog_reader_open(path, &r, &h2);
    CHECK(rc == 0, "open killed log: %s", rp_strerror(rc));
    if (rc)
        return;
    struct rlog_event ev;
    uint64_t n = 0;
    bool ok = true;
    while ((rc = rlog_read_event(r, &ev)) == 1) {
        uint64_t v;
        memcpy(&v, ev.data, 8);
        ok &= ev.kind == RLOG_CONSOLE_IN && ev.icount == n && ev.len == 8 && v == n;
        n++;
    }
    CHECK(ok, "events of the killed recording are intact");
    CHECK(rc == -EPIPE && n > 0 && contains(rp_strerror(rc), "cut short after event"),
          "killed recording: %" PRIu64 " events, rc %d: %s", n, rc, rp_strerror(rc));
    printf("rlog_test: SIGKILL left %" PRIu64 " readable events in %zu bytes\n",
           n, file_size(path));
    rlog_reader_close(r);
    rlog_header_free(&h2);
    unlink(path);
}

/* ---- every truncation and every byte flip of a small log ---- */

struct small {
    struct rlog_header h;
    struct xev *x;
    size_t n;
    uint8_t *buf;
    size_t len;
    size_t flush_size[16];    /* file size after each flush ... */
    size_t flush_events[16];  /* ... and the events written by then */
    unsigned nflush;
};

static void make_small(struct small *s)
{
    make_header(&s->h);
    s->n = 14;
    s->x = calloc(s->n, sizeof(*s->x));
    size_t k = 0;
    make_event(&s->x[k++], RLOG_WALLCLOCK, -1, 0, 0);
    make_event(&s->x[k++], RLOG_CONSOLE_IN, 0, 1000, 1);
    make_event(&s->x[k++], RLOG_CONSOLE_IN, 1, 1500, 3);
    make_event(&s->x[k++], RLOG_IDLE, -1, 2000, 0);
    make_event(&s->x[k++], RLOG_RESUME, -1, 2001, 0);
    make_event(&s->x[k++], RLOG_HASH, -1, 4000, 0);
    make_event(&s->x[k++], RLOG_ENTROPY, 1, 5000, 16);
    make_event(&s->x[k++], RLOG_NET_RX, 0, 6000, 60);
    make_event(&s->x[k++], RLOG_BLK_DONE, 1, UINT64_MAX, 0);
    make_event(&s->x[k++], RLOG_CONSOLE_IN, 0, 7000, 0);
    make_event(&s->x[k++], RLOG_HASH, -1, 8000, 0);
    make_event(&s->x[k++], RLOG_CONSOLE_IN, 1, 9000, 5);
    make_event(&s->x[k++], RLOG_HASH, -1, 10000, 0);
    make_event(&s->x[k++], RLOG_END, -1, 10001, 0);
    const char *path = tmp_path("small.rlog");
    struct rlog_writer *w;
    rlog_writer_open(path, &s->h, &w);
    s->nflush = 0;
    s->flush_size[s->nflush] = file_size(path);
    s->flush_events[s->nflush++] = 0;
    for (size_t i = 0; i < s->n; i++) {
        rlog_write_event(w, &s->x[i].ev);
        if (i % 4 == 3) {
            rlog_writer_flush(w);
            s->flush_size[s->nflush] = file_size(path);
            s->flush_events[s->nflush++] = i + 1;
        }
    }
    rlog_writer_close(w);
    s->buf = slurp(path, &s->len);
    unlink(path);
}

static void free_small(struct small *s)
{
    free_events(s->x, s->n);
    free(s->buf);
}

static void test_truncation(void)
{
    struct small s;
    make_small(&s);
    struct outcome o = read_back(NULL, s.buf, s.len, "small.rlog", &s.h, s.x, s.n);
    CHECK(o.rc == 0 && o.n == s.n && !o.wrong, "small log reads back: %s", o.msg);
    unsigned epipe = 0, other = 0;
    for (size_t cut = 0; cut < s.len; cut++) {
        o = read_back(NULL, s.buf, cut, "small.rlog", &s.h, s.x, s.n);
        size_t flushed = 0;
        for (unsigned f = 0; f < s.nflush; f++)
            if (s.flush_size[f] <= cut)
                flushed = s.flush_events[f];
        CHECK(o.rc < 0 && !o.wrong && contains(o.msg, "small.rlog"),
              "cut at %zu: rc %d after %u events, wrong %d: %s", cut, o.rc, o.n, o.wrong, o.msg);
        CHECK(o.n >= flushed, "cut at %zu: %u events, but %zu were flushed before", cut, o.n,
              flushed);
        if (o.rc == -EPIPE) {
            epipe++;
            CHECK(contains(o.msg, "cut short") || (cut == 0 && contains(o.msg, "empty")),
                  "cut at %zu: %s", cut, o.msg);
        } else {
            other++;
        }
    }
    printf("rlog_test: %zu truncations of a %zu-byte log: %u cut short, %u other errors\n",
           s.len, s.len, epipe, other);
    free_small(&s);
}

static void test_flips(void)
{
    struct small s;
    make_small(&s);
    uint8_t *b = malloc(s.len);
    unsigned flips = 0, same = 0;
    for (size_t at = 0; at < s.len; at++) {
        for (int m = 0; m < 9; m++) {
            memcpy(b, s.buf, s.len);
            b[at] ^= m < 8 ? (uint8_t)(1u << m) : 0xff;
            struct outcome o = read_back(NULL, b, s.len, "small.rlog", &s.h, s.x, s.n);
            flips++;
            /* never a wrong event, even before an error; success only with all of them */
            CHECK(!o.wrong, "flip %#x at byte %zu returned a different event or header", m, at);
            CHECK(o.rc < 0 || (o.rc == 0 && o.n == s.n), "flip %#x at byte %zu: rc %d n %u",
                  m, at, o.rc, o.n);
            CHECK(o.rc == 0 || contains(o.msg, "small.rlog"), "flip at %zu: message %s", at, o.msg);
            if (o.rc == 0)
                same++;
        }
    }
    printf("rlog_test: %u byte flips of a %zu-byte log: %u detected, %u harmless (same events)\n",
           flips, s.len, flips - same, same);
    free(b);
    free_small(&s);
}

/* ---- foreign, future and malformed files ---- */

/* A "devices" entry [type, slot, drive] (drive < 0: null). */
static cbor_item_t *device_item(const char *type, uint64_t slot, int drive)
{
    cbor_item_t *d = cbor_new_definite_array(3);
    cbor_array_push(d, cbor_move(cbor_build_string(type)));
    cbor_array_push(d, cbor_move(cbor_build_uint64(slot)));
    cbor_array_push(d, cbor_move(drive < 0 ? cbor_new_null() : cbor_build_uint64((uint64_t)drive)));
    return d;
}

/* CBOR of a complete, valid header built with libcbor (an encoder
 * independent of rlog.c's): of version 2 and 3, or with "solo_turn" for
 * later versions; version as given; with `drop`, that key is left out. */
static cbor_item_t *header_item(uint64_t version, const char *drop)
{
    cbor_item_t *m = cbor_new_definite_map(16);
    struct { const char *k; cbor_item_t *v; } kv[] = {
        { "format", cbor_build_string("reprise-log") },
        { "version", cbor_build_uint64(version) },
        { "ram_size", cbor_build_uint64(64u << 20) },
        { "smp", cbor_build_uint8(2) },
        { "bios", cbor_new_null() },
        { "kernel", cbor_build_string("Image") },
        { "initrd", cbor_new_null() },
        { "append", cbor_new_null() },
        { "drives", cbor_new_definite_array(1) },
        { "images", cbor_new_definite_array(1) },
        { "argv", cbor_new_definite_array(1) },
        { "future_key", cbor_build_uint8(1) },
        { "devices", cbor_new_definite_array(2) },
        { "virtio_legacy", cbor_build_uint8(0) },
        { "solo_turn", version >= 4 ? cbor_build_uint32(80000) : NULL },
    };
    cbor_array_push(kv[8].v, cbor_move(cbor_build_string("file=disk.img")));
    cbor_array_push(kv[12].v, cbor_move(device_item("virtio-blk-device", 7, 0)));
    cbor_array_push(kv[12].v, cbor_move(device_item("virtio-rng-device", 6, -1)));
    cbor_item_t *im = cbor_new_definite_map(4);
    uint8_t sha[32] = { 0xe3, 0xb0 };
    cbor_map_add(im, (struct cbor_pair){ cbor_move(cbor_build_string("role")),
                                         cbor_move(cbor_build_string("kernel")) });
    cbor_map_add(im, (struct cbor_pair){ cbor_move(cbor_build_string("path")),
                                         cbor_move(cbor_build_string("Image")) });
    cbor_map_add(im, (struct cbor_pair){ cbor_move(cbor_build_string("size")),
                                         cbor_move(cbor_build_uint32(123456)) });
    cbor_map_add(im, (struct cbor_pair){ cbor_move(cbor_build_string("sha256")),
                                         cbor_move(cbor_build_bytestring(sha, 32)) });
    cbor_array_push(kv[9].v, cbor_move(im));
    cbor_array_push(kv[10].v, cbor_move(cbor_build_string("reprise")));
    for (size_t i = 0; i < ARRAY_SIZE(kv); i++) {
        if (!kv[i].v)
            continue;
        if (drop && !strcmp(drop, kv[i].k)) {
            cbor_decref(&kv[i].v);
            continue;
        }
        cbor_map_add(m, (struct cbor_pair){ cbor_move(cbor_build_string(kv[i].k)),
                                            cbor_move(kv[i].v) });
    }
    return m;
}

/* Appends an item's encoding to a growing buffer and drops the item. */
static void append_item(uint8_t **buf, size_t *len, cbor_item_t *it)
{
    unsigned char *p;
    size_t cap, n = cbor_serialize_alloc(it, &p, &cap);
    *buf = realloc(*buf, *len + n);
    memcpy(*buf + *len, p, n);
    *len += n;
    free(p);
    cbor_decref(&it);
}

static cbor_item_t *event_item(uint64_t kind, int64_t hart, uint64_t icount, cbor_item_t *payload)
{
    cbor_item_t *a = cbor_new_definite_array(4);
    cbor_array_push(a, cbor_move(cbor_build_uint64(kind)));
    cbor_array_push(a, cbor_move(hart < 0 ? cbor_build_negint64((uint64_t)(-1 - hart))
                                          : cbor_build_uint64((uint64_t)hart)));
    cbor_array_push(a, cbor_move(cbor_build_uint64(icount)));
    cbor_array_push(a, cbor_move(payload));
    return a;
}

/* A new LZ4 frame (with or without checksums) holding len bytes of cbor. */
static uint8_t *frame(const void *cbor, size_t len, bool checksums, size_t *out_len)
{
    LZ4F_preferences_t prefs;
    memset(&prefs, 0, sizeof(prefs));
    if (checksums) {
        prefs.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
        prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    }
    size_t cap = LZ4F_compressFrameBound(len, &prefs);
    uint8_t *out = malloc(cap);
    *out_len = LZ4F_compressFrame(out, cap, cbor, len, &prefs);
    return out;
}

static void write_frame(const char *path, const void *cbor, size_t len, bool checksums)
{
    size_t n;
    uint8_t *out = frame(cbor, len, checksums, &n);
    spit(path, out, n);
    free(out);
}

/* The content of a whole LZ4 frame (new buffer). */
static uint8_t *unframe(const uint8_t *in, size_t len, size_t *out_len)
{
    LZ4F_dctx *d;
    LZ4F_createDecompressionContext(&d, LZ4F_VERSION);
    size_t cap = 1 << 16, n = 0, pos = 0;
    uint8_t *out = malloc(cap);
    while (pos < len) {
        if (cap - n < (1 << 16))
            out = realloc(out, cap *= 2);
        size_t dsz = cap - n, ssz = len - pos;
        size_t r = LZ4F_decompress(d, out + n, &dsz, in + pos, &ssz, NULL);
        if (LZ4F_isError(r))
            break;
        n += dsz;
        pos += ssz;
        if (r == 0)
            break;
    }
    LZ4F_freeDecompressionContext(d);
    *out_len = n;
    return out;
}

/* Changes that LZ4's checksums cannot see: flip each byte of the log stream
 * (header, events, seals, end marker) and recompress it into a frame with
 * fresh, valid checksums. This is what a flipped "stored raw" bit in a block
 * size word does (block checksums cover only the stored bytes), and worse: the
 * content checksum is valid too. The seals must catch every one of them
 * before any event of the changed region is handed out. */
static void test_stream_edits(void)
{
    struct small s;
    make_small(&s);
    size_t len;
    uint8_t *stream = unframe(s.buf, s.len, &len);
    uint8_t *b = malloc(len);
    unsigned edits = 0, by_seal = 0;
    for (size_t at = 0; at < len; at++) {
        for (int m = 0; m < 9; m++) {
            memcpy(b, stream, len);
            b[at] ^= m < 8 ? (uint8_t)(1u << m) : 0xff;
            size_t flen;
            uint8_t *f = frame(b, len, true, &flen);
            struct outcome o = read_back(NULL, f, flen, "small.rlog", &s.h, s.x, s.n);
            free(f);
            edits++;
            by_seal += contains(o.msg, "checksum mismatch in the seal") ||
                       contains(o.msg, "that no seal covers");
            CHECK(!o.wrong, "stream edit %d at byte %zu returned a different event or header", m, at);
            CHECK(o.rc < 0 && contains(o.msg, "small.rlog"),
                  "stream edit %d at byte %zu: rc %d n %u: %s", m, at, o.rc, o.n, o.msg);
        }
    }
    printf("rlog_test: %u edits of a %zu-byte log stream behind valid LZ4 checksums: all "
           "detected, %u of them by seals\n", edits, len, by_seal);
    free(b);
    free(stream);
    free_small(&s);
}

static void test_foreign(void)
{
    const char *path = tmp_path("foreign");
    struct rlog_reader *r;
    struct rlog_header h;

    rp_error_clear();
    int rc = rlog_reader_open(tmp_path("does-not-exist.rlog"), &r, &h);
    CHECK(rc == -ENOENT && contains(rp_strerror(rc), "cannot open"), "missing: %s", rp_strerror(rc));

    spit(path, "hello, world\n", 13);
    rc = rlog_reader_open(path, &r, &h);
    CHECK(rc == -EINVAL && contains(rp_strerror(rc), "foreign is not a Reprise session log"),
          "text file: %s", rp_strerror(rc));
    CHECK(r == NULL && h.argv == NULL && h.kernel == NULL, "failed open leaves nothing");

    spit(path, "", 0);
    rc = rlog_reader_open(path, &r, &h);
    CHECK(rc == -EINVAL && contains(rp_strerror(rc), "not a Reprise session log (it is empty)"),
          "empty file: %s", rp_strerror(rc));

    rc = rlog_reader_open(tmpdir, &r, &h);
    CHECK(rc < 0 && contains(rp_strerror(rc), "cannot read"), "directory: %s", rp_strerror(rc));

    /* a valid header in a frame without checksums */
    uint8_t *cb = NULL;
    size_t cl = 0;
    append_item(&cb, &cl, header_item(RLOG_VERSION, NULL));
    write_frame(path, cb, cl, false);
    rc = rlog_reader_open(path, &r, &h);
    CHECK(rc == -EINVAL && contains(rp_strerror(rc), "not a Reprise session log") &&
          contains(rp_strerror(rc), "checksums"), "no checksums: %s", rp_strerror(rc));
    free(cb);

    /* an LZ4 frame of some other CBOR */
    cb = NULL;
    cl = 0;
    append_item(&cb, &cl, cbor_build_uint8(42));
    write_frame(path, cb, cl, true);
    rc = rlog_reader_open(path, &r, &h);
    CHECK(rc == -EINVAL && contains(rp_strerror(rc), "not a Reprise session log"),
          "other CBOR: %s", rp_strerror(rc));
    free(cb);

    /* an LZ4 frame of text */
    write_frame(path, "just some text", 14, true);
    rc = rlog_reader_open(path, &r, &h);
    CHECK(rc == -EINVAL && contains(rp_strerror(rc), "not a Reprise session log"),
          "LZ4 text: %s", rp_strerror(rc));
    unlink(path);
}

static void test_versions(void)
{
    const char *path = tmp_path("future.rlog");
    struct rlog_reader *r;
    struct rlog_header h;
    uint64_t versions[] = { 7, 0, 1, UINT64_MAX };   /* 1: before virtio devices */
    for (size_t i = 0; i < ARRAY_SIZE(versions); i++) {
        uint8_t *cb = NULL;
        size_t cl = 0;
        append_item(&cb, &cl, header_item(versions[i], NULL));
        /* what follows in a later version is anyone's guess */
        append_item(&cb, &cl, cbor_build_string("something new"));
        write_frame(path, cb, cl, true);
        free(cb);
        int rc = rlog_reader_open(path, &r, &h);
        char want[160];
        if (versions[i] == 7)
            snprintf(want, sizeof(want), "future.rlog was written by a newer Reprise (log format "
                     "version 7; this build reads version %d)", RLOG_VERSION);
        else
            snprintf(want, sizeof(want), "log format version %" PRIu64, versions[i]);
        CHECK(rc == -ENOTSUP && contains(rp_strerror(rc), want), "version %" PRIu64 ": %s",
              versions[i], rp_strerror(rc));
    }
    unlink(path);
}

/* Writes a log whose header comes from libcbor and whose body is raw CBOR,
 * then reads it; returns the outcome. */
/* header_item of this version with key's value replaced by v (taken). */
static cbor_item_t *header_with(const char *key, cbor_item_t *v)
{
    cbor_item_t *hm = header_item(RLOG_VERSION, key);
    cbor_map_add(hm, (struct cbor_pair){ cbor_move(cbor_build_string(key)), cbor_move(v) });
    return hm;
}

static struct outcome raw_log(cbor_item_t *header, const uint8_t *body, size_t len, bool close_it)
{
    const char *path = tmp_path("raw.rlog");
    struct rlog_writer *w;
    rlog_writer_open_raw(path, &w);
    uint8_t *hb = NULL;
    size_t hl = 0;
    append_item(&hb, &hl, header);
    rlog_write_raw(w, hb, hl);
    free(hb);
    if (len)
        rlog_write_raw(w, body, len);
    rlog_writer_flush(w);
    if (close_it)
        rlog_writer_close(w);
    struct outcome o = read_back(path, NULL, 0, NULL, NULL, NULL, 100);
    if (!close_it)
        rlog_writer_close(w);
    unlink(path);
    return o;
}

static void test_malformed(void)
{
    static const uint8_t end[] = { 0x84, 0x06, 0x20, 0x05, 0x83, 0x00, 0x00, 0x58, 0x20,
                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t ok1[] = { 0x84, 0x01, 0x00, 0x19, 0x03, 0xE8, 0x41, 0x61 };
    struct {
        const char *name;
        uint8_t bytes[40];
        size_t len;
        unsigned evno;     /* which event is bad */
        const char *why;
    } cases[] = {
        { "unknown kind", { 0x84, 0x18, 42, 0x00, 0x05, 0xF6 }, 6, 1, "unknown kind 42" },
        { "kind 0", { 0x84, 0x00, 0x00, 0x05, 0xF6 }, 5, 1, "unknown kind 0" },
        { "console uint", { 0x84, 0x01, 0x00, 0x05, 0x07 }, 5, 1, "must be a byte string" },
        { "console text", { 0x84, 0x01, 0x00, 0x05, 0x61, 0x61 }, 6, 1, "must be a byte string" },
        { "no hart 5", { 0x84, 0x01, 0x05, 0x05, 0x40 }, 5, 1, "hart 5 of a machine with 2" },
        { "hart -2", { 0x84, 0x01, 0x21, 0x05, 0x40 }, 5, 1, "neither -1 nor a hart" },
        { "negative icount", { 0x84, 0x01, 0x00, 0x20, 0x40 }, 5, 1, "icount" },
        { "short hash", { 0x84, 0x05, 0x20, 0x05, 0x82, 0x00, 0x41, 0x00 }, 8, 1,
          "carries 1 bytes instead of 32" },
        { "idle payload", { 0x84, 0x03, 0x20, 0x05, 0x00 }, 5, 1, "payload must be null" },
        { "resume arity", { 0x84, 0x04, 0x20, 0x05, 0x81, 0x00 }, 6, 1, "array of 2 items" },
        { "3 items", { 0x83, 0x01, 0x00, 0x05 }, 4, 2, "array of 4" },
        { "not an array", { 0x01 }, 1, 1, "not an array of 4" },
        { "indefinite", { 0x9F, 0x01, 0x00, 0x05, 0x40, 0xFF }, 6, 1, "indefinite length" },
        { "tag", { 0xC0, 0x84, 0x01, 0x00, 0x05, 0x40 }, 6, 1, "CBOR tag" },
        { "float", { 0x84, 0x01, 0x00, 0xF9, 0x3C, 0x00, 0x40 }, 7, 1, "float" },
        { "break", { 0xFF }, 1, 1, "break" },
        { "reserved head", { 0x1C }, 1, 1, "reserved" },
        { "huge array", { 0x9A, 0x10, 0x00, 0x00, 0x00 }, 5, 1, "more than 65536" },
        { "huge string", { 0x5B, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 }, 9, 1,
          "64 MiB" },
        { "deep", { 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x00 }, 10, 1,
          "more than 8 deep" },
        { "partial", { 0x84, 0x01, 0x00 }, 3, 1, "ends in the middle" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t body[128];
        size_t n = 0;
        if (cases[i].evno == 2) {
            memcpy(body, ok1, sizeof(ok1));
            n = sizeof(ok1);
        }
        memcpy(body + n, cases[i].bytes, cases[i].len);
        n += cases[i].len;
        struct outcome o = raw_log(header_item(RLOG_VERSION, NULL), body, n, true);
        char want[64];
        snprintf(want, sizeof(want), "raw.rlog: event %u (at byte ", cases[i].evno);
        CHECK(o.rc == -EBADMSG && o.n == cases[i].evno - 1 && contains(o.msg, want) &&
              contains(o.msg, "is malformed: ") && contains(o.msg, cases[i].why),
              "%s: rc %d n %u: %s", cases[i].name, o.rc, o.n, o.msg);
    }

    /* a clean end by hand; then data after the end marker, in two ways */
    struct outcome o = raw_log(header_item(RLOG_VERSION, NULL), end, sizeof(end), true);
    CHECK(o.rc == 0 && o.n == 1, "hand-made end: rc %d n %u: %s", o.rc, o.n, o.msg);
    uint8_t body[128];
    memcpy(body, end, sizeof(end));
    memcpy(body + sizeof(end), ok1, sizeof(ok1));
    o = raw_log(header_item(RLOG_VERSION, NULL), body, sizeof(end) + sizeof(ok1), true);
    CHECK(o.rc == -EBADMSG && o.n == 0 && contains(o.msg, "data follows its end marker (event 1)"),
          "event after end: rc %d n %u: %s", o.rc, o.n, o.msg);
    {
        const char *path = tmp_path("raw.rlog");
        struct rlog_writer *w;
        rlog_writer_open_raw(path, &w);
        uint8_t *hb = NULL;
        size_t hl = 0;
        append_item(&hb, &hl, header_item(RLOG_VERSION, NULL));
        rlog_write_raw(w, hb, hl);
        rlog_write_raw(w, end, sizeof(end));
        rlog_writer_flush(w);               /* the end marker is sealed on its own */
        rlog_write_raw(w, ok1, sizeof(ok1));
        rlog_writer_close(w);
        free(hb);
        o = read_back(path, NULL, 0, NULL, NULL, NULL, 100);
        CHECK(o.rc == -EBADMSG && o.n == 0 && contains(o.msg, "data follows its end marker"),
              "sealed event after end: rc %d n %u: %s", o.rc, o.n, o.msg);
        unlink(path);
    }
    o = raw_log(header_item(RLOG_VERSION, NULL), end, sizeof(end), false);
    CHECK(o.rc == -EPIPE && o.n == 0 && contains(o.msg, "just after its end marker"),
          "end without frame end: rc %d n %u: %s", o.rc, o.n, o.msg);

    /* a forged seal in the middle */
    memcpy(body, ok1, sizeof(ok1));
    memcpy(body + sizeof(ok1), (uint8_t[]){ 0x83, 0x00, 0x08, 0x00 }, 4);
    o = raw_log(header_item(RLOG_VERSION, NULL), body, sizeof(ok1) + 4, true);
    CHECK(o.rc == -EBADMSG && contains(o.msg, "raw.rlog is corrupt between bytes 0 and ") &&
          contains(o.msg, "(checksum mismatch in the seal after event 1)"), "forged seal: %s", o.msg);
    memcpy(body + sizeof(ok1), (uint8_t[]){ 0x83, 0x00, 0x08, 0x40 }, 4);
    o = raw_log(header_item(RLOG_VERSION, NULL), body, sizeof(ok1) + 4, true);
    CHECK(o.rc == -EBADMSG && contains(o.msg, "a malformed seal"), "malformed seal: %s", o.msg);

    /* malformed headers */
    o = raw_log(header_item(RLOG_VERSION, "smp"), NULL, 0, true);
    CHECK(o.rc == -EBADMSG && contains(o.msg, "raw.rlog: the header (at byte 0 of the log "
          "stream) is malformed: field \"smp\" is missing"), "no smp: %s", o.msg);
    cbor_item_t *hm = header_item(RLOG_VERSION, "argv");
    cbor_map_add(hm, (struct cbor_pair){ cbor_move(cbor_build_string("argv")),
                                         cbor_move(cbor_build_string("reprise")) });
    o = raw_log(hm, NULL, 0, true);
    CHECK(o.rc == -EBADMSG && contains(o.msg, "field \"argv\" must be an array of text"),
          "argv text: %s", o.msg);
    hm = header_item(RLOG_VERSION, NULL);
    cbor_map_add(hm, (struct cbor_pair){ cbor_move(cbor_build_string("smp")),
                                         cbor_move(cbor_build_uint8(4)) });
    o = raw_log(hm, NULL, 0, true);
    CHECK(o.rc == -EBADMSG && contains(o.msg, "field \"smp\" appears twice"), "dup smp: %s", o.msg);

    /* malformed virtio devices: a shared slot, a missing drive, a slot past 7 */
    o = raw_log(header_item(RLOG_VERSION, "devices"), NULL, 0, true);
    CHECK(o.rc == -EBADMSG && contains(o.msg, "field \"devices\" is missing"), "no devices: %s",
          o.msg);
    struct { const char *t1; uint64_t s1; int d1; const char *t2; uint64_t s2; int d2; } bad[] = {
        { "virtio-blk-device", 7, 0, "virtio-rng-device", 7, -1 },
        { "virtio-blk-device", 7, 1, "virtio-rng-device", 6, -1 },
        { "virtio-blk-device", 8, 0, "virtio-rng-device", 6, -1 },
        { "virtio-blk-device", 7, 0, "virtio-blk-device", 6, 0 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        hm = header_item(RLOG_VERSION, "devices");
        cbor_item_t *a = cbor_new_definite_array(2);
        cbor_array_push(a, cbor_move(device_item(bad[i].t1, bad[i].s1, bad[i].d1)));
        cbor_array_push(a, cbor_move(device_item(bad[i].t2, bad[i].s2, bad[i].d2)));
        cbor_map_add(hm, (struct cbor_pair){ cbor_move(cbor_build_string("devices")),
                                             cbor_move(a) });
        o = raw_log(hm, NULL, 0, true);
        CHECK(o.rc == -EBADMSG && contains(o.msg, "field \"devices\" must be"),
              "bad devices %zu: %s", i, o.msg);
    }
    /* a network card's MAC is 6 bytes, and a version-2 log is read as one */
    for (size_t len = 5; len <= 6; len++) {
        static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
        hm = header_item(len == 6 ? 2 : RLOG_VERSION, "devices");
        cbor_item_t *a = cbor_new_definite_array(1), *d = cbor_new_definite_array(3);
        cbor_array_push(d, cbor_move(cbor_build_string("virtio-net-device")));
        cbor_array_push(d, cbor_move(cbor_build_uint8(7)));
        cbor_array_push(d, cbor_move(cbor_build_bytestring(mac, len)));
        cbor_array_push(a, cbor_move(d));
        cbor_map_add(hm, (struct cbor_pair){ cbor_move(cbor_build_string("devices")),
                                             cbor_move(a) });
        o = raw_log(hm, NULL, 0, true);
        if (len == 5)
            CHECK(o.rc == -EBADMSG && contains(o.msg, "field \"devices\" must be"),
                  "5-byte MAC: %s", o.msg);
        else    /* the header is taken; the log then ends without its end event */
            CHECK(o.rc == -EPIPE, "version 2 with a MAC: %s", o.msg);
    }
    o = raw_log(header_with("virtio_legacy", cbor_build_uint8(2)), NULL, 0, true);
    CHECK(o.rc == -EBADMSG && contains(o.msg, "field \"virtio_legacy\" must be 0 or 1"),
          "legacy 2: %s", o.msg);
    /* a lone hart's turn length: required from version 4, and a count */
    o = raw_log(header_item(RLOG_VERSION, "solo_turn"), NULL, 0, true);
    CHECK(o.rc == -EBADMSG && contains(o.msg, "field \"solo_turn\" is missing"),
          "no solo_turn: %s", o.msg);
    o = raw_log(header_with("solo_turn", cbor_build_uint8(0)), NULL, 0, true);
    CHECK(o.rc == -EBADMSG && contains(o.msg, "field \"solo_turn\" must be a number"),
          "solo_turn 0: %s", o.msg);
    /* ... and a version-3 log ran with turns of 10000 */
    const char *path = tmp_path("v3.rlog");
    struct rlog_writer *w;
    rlog_writer_open_raw(path, &w);
    uint8_t *hb = NULL;
    size_t hl = 0;
    append_item(&hb, &hl, header_item(3, NULL));
    rlog_write_raw(w, hb, hl);
    free(hb);
    rlog_writer_close(w);
    struct rlog_reader *r;
    struct rlog_header h;
    int rc = rlog_reader_open(path, &r, &h);
    CHECK(rc == 0 && h.version == 3 && h.solo_turn == 10000, "version 3: rc %d turn %llu", rc,
          (unsigned long long)h.solo_turn);
    if (rc == 0) {
        rlog_reader_close(r);
        rlog_header_free(&h);
    }
    unlink(path);
}

static void test_writer_errors(void)
{
    struct rlog_header h;
    make_header(&h);
    struct rlog_writer *w;
    int rc = rlog_writer_open("/nonexistent-dir/x.rlog", &h, &w);
    CHECK(rc == -ENOENT && contains(rp_strerror(rc), "cannot create /nonexistent-dir/x.rlog"),
          "bad path: %s", rp_strerror(rc));
    h.smp = 0;
    rc = rlog_writer_open(tmp_path("w.rlog"), &h, &w);
    CHECK(rc == -EINVAL, "smp 0 is refused: %s", rp_strerror(rc));
    make_header(&h);
    rc = rlog_writer_open(tmp_path("w.rlog"), &h, &w);
    CHECK(rc == 0, "open: %s", rp_strerror(rc));
    if (rc)
        return;
    uint8_t d[40] = { 0 };
    struct rlog_event bad[] = {
        { .kind = 0 }, { .kind = RLOG_KIND_MAX }, { .kind = RLOG_CONSOLE_IN, .hart = 2 },
        { .kind = RLOG_CONSOLE_IN, .hart = -2 }, { .kind = RLOG_HASH, .data = d, .len = 31 },
        { .kind = RLOG_END, .data = d, .len = 33 }, { .kind = RLOG_ENTROPY, .len = 4 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        rc = rlog_write_event(w, &bad[i]);
        CHECK(rc == -EINVAL && contains(rp_strerror(rc), "cannot log"), "bad event %zu: %d %s",
              i, rc, rp_strerror(rc));
    }
    struct rlog_event good = { .kind = RLOG_END, .hart = -1, .data = d, .len = 32 };
    CHECK(rlog_write_event(w, &good) == 0, "writer still works after refusals");
    CHECK(rlog_writer_close(w) == 0, "close");
    CHECK(rlog_writer_close(NULL) == 0, "close(NULL)");
    unlink(tmp_path("w.rlog"));
}

static void test_hash_file(void)
{
    const char *path = tmp_path("abc");
    spit(path, "abc", 3);
    uint8_t d[32];
    uint64_t size = 0;
    int rc = rlog_hash_file(path, d, &size);
    static const uint8_t want[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
    };
    CHECK(rc == 0 && size == 3 && !memcmp(d, want, 32), "sha256(abc)");
    spit(path, "", 0);
    rc = rlog_hash_file(path, d, &size);
    CHECK(rc == 0 && size == 0 && d[0] == 0xe3 && d[31] == 0x55, "sha256 of an empty file");
    unlink(path);
    rc = rlog_hash_file(path, d, &size);
    CHECK(rc == -ENOENT && contains(rp_strerror(rc), "cannot open"), "missing: %s",
          rp_strerror(rc));
}

/* ---- allocation failures ----
 * Outside ASan builds the test binary interposes malloc: the k-th allocation
 * after arm_alloc_failure(k) fails, and live allocations are counted, so
 * every failure path can be checked for its result and for leaks (libcbor's
 * and liblz4's allocations included). */
#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif

#ifndef HAVE_ASAN
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static long alloc_countdown = -1;   /* allocations until one fails; -1: none */
static long alloc_live;             /* allocations minus frees while tracking */
static bool alloc_tracking;

static bool alloc_fails(void)
{
    if (alloc_countdown < 0)
        return false;
    return alloc_countdown-- == 0;
}

void *malloc(size_t n)
{
    void *p = alloc_fails() ? NULL : __libc_malloc(n);
    alloc_live += p && alloc_tracking;
    return p;
}

void *calloc(size_t n, size_t m)
{
    void *p = alloc_fails() ? NULL : __libc_calloc(n, m);
    alloc_live += p && alloc_tracking;
    return p;
}

void *realloc(void *old, size_t n)
{
    void *p = alloc_fails() ? NULL : __libc_realloc(old, n);
    alloc_live += p && !old && alloc_tracking;
    return p;
}

void free(void *p)
{
    alloc_live -= p && alloc_tracking;
    __libc_free(p);
}

static void test_alloc_failures(void)
{
    struct small s;
    make_small(&s);
    unsigned reader_failures = 0, writer_failures = 0;
    for (long k = 0; k < 100000; k++) {
        alloc_live = 0;
        alloc_tracking = true;
        alloc_countdown = k;
        struct outcome o = read_back(NULL, s.buf, s.len, "small.rlog", &s.h, s.x, s.n);
        bool done = alloc_countdown >= 0;     /* nothing failed: every path seen */
        alloc_countdown = -1;
        alloc_tracking = false;
        CHECK(alloc_live == 0, "reader, allocation %ld failing: %ld allocations leaked", k, alloc_live);
        CHECK(!o.wrong && (o.rc == -ENOMEM ? contains(o.msg, "out of memory") : o.rc == 0),
              "reader, allocation %ld failing: rc %d after %u events: %s", k, o.rc, o.n, o.msg);
        if (done)
            break;
        reader_failures++;
    }
    const char *path = tmp_path("enomem.rlog");
    for (long k = 0; k < 100000; k++) {
        alloc_live = 0;
        alloc_tracking = true;
        alloc_countdown = k;
        int rc = write_log(path, &s.h, s.x, s.n, 4, true, NULL);
        bool done = alloc_countdown >= 0;
        alloc_countdown = -1;
        alloc_tracking = false;
        CHECK(alloc_live == 0, "writer, allocation %ld failing: %ld allocations leaked", k, alloc_live);
        CHECK(rc == 0 || (rc == -ENOMEM && contains(rp_strerror(rc), "out of memory")),
              "writer, allocation %ld failing: rc %d: %s", k, rc, rp_strerror(rc));
        if (done)
            break;
        writer_failures++;
    }
    unlink(path);
    printf("rlog_test: each of %u reader and %u writer allocations failed in turn: no leaks\n",
           reader_failures, writer_failures);
    free_small(&s);
}
#else
static void test_alloc_failures(void)
{
}
#endif

/* ---- what a typical stream costs ---- */

static void test_size_per_event(void)
{
    struct rlog_header h;
    make_header(&h);
    const char *path = tmp_path("typical.rlog");
    struct rlog_writer *w;
    if (rlog_writer_open(path, &h, &w))
        return;
    size_t header_size = file_size(path);
    uint64_t icount = 1000000;
    uint8_t digest[32], c;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 10000; i++) {
        icount += 20000 + rnd() % 2000000;   /* typing: a byte every few ms of guest time */
        c = (uint8_t)("the quick brown fox jumps over the lazy dog\n"[i % 44]);
        struct rlog_event ev = { .kind = RLOG_CONSOLE_IN, .hart = 0, .icount = icount,
                                 .data = &c, .len = 1 };
        rlog_write_event(w, &ev);
        if (i % 10 == 9) {
            for (int k = 0; k < 32; k++)
                digest[k] = (uint8_t)rnd();
            struct rlog_event hv = { .kind = RLOG_HASH, .hart = -1, .icount = icount * 2,
                                     .data = digest, .len = 32 };
            rlog_write_event(w, &hv);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    rlog_writer_close(w);
    double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    size_t size = file_size(path);
    printf("rlog_test: 10000 console bytes + 1000 hashes: %zu bytes (header %zu), "
           "%.2f bytes/event, %.0f ns/event to write\n",
           size, header_size, (double)(size - header_size) / 11000, ns / 11000);
    CHECK(size - header_size < 11000 * 12, "a typical stream stays compact");
    unlink(path);
}

/* ---- the fuzzer's seed corpus ---- */

/* Seeds start with a mode byte: 'F' (even) = the rest is a log file; 'C'
 * (odd) = the rest is a log stream (CBOR) that the fuzzer writes with the
 * raw writer (so mutations reach the CBOR decoder past the checksums). */
static void seed(const char *dir, const char *name, char mode, const void *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    uint8_t *b = malloc(n + 1);
    b[0] = (uint8_t)mode;
    if (n)
        memcpy(b + 1, p, n);
    spit(path, b, n + 1);
    free(b);
}

static int write_corpus(const char *dir)
{
    mkdir(dir, 0755);
    struct small s;
    make_small(&s);
    seed(dir, "small", 'F', s.buf, s.len);
    seed(dir, "small-cut", 'F', s.buf, s.len * 2 / 3);
    free_small(&s);

    struct rlog_header h;
    make_header(&h);
    h.nimages = 1;
    h.argc = 2;
    h.ndrives = 0;
    const char *path = tmp_path("seed.rlog");
    struct rlog_writer *w;
    rlog_writer_open(path, &h, &w);
    rlog_writer_close(w);
    size_t len;
    uint8_t *buf = slurp(path, &len);
    seed(dir, "header-only", 'F', buf, len);
    free(buf);
    unlink(path);

    uint8_t *cb = NULL;
    size_t cl = 0;
    append_item(&cb, &cl, header_item(RLOG_VERSION, NULL));
    seed(dir, "stream-header", 'C', cb, cl);
    uint8_t d32[32] = { 1, 2, 3 };
    cbor_item_t *p;
    append_item(&cb, &cl, event_item(RLOG_WALLCLOCK, -1, 0, cbor_build_uint64(1700000000000000000ull)));
    append_item(&cb, &cl, event_item(RLOG_CONSOLE_IN, 0, 1000, cbor_build_bytestring((const uint8_t *)"ls\n", 3)));
    append_item(&cb, &cl, event_item(RLOG_IDLE, 1, 2000, cbor_new_null()));
    p = cbor_new_definite_array(2);
    cbor_array_push(p, cbor_move(cbor_build_uint8(1)));
    cbor_array_push(p, cbor_move(cbor_build_uint32(123456)));
    append_item(&cb, &cl, event_item(RLOG_RESUME, 1, 2001, p));
    p = cbor_new_definite_array(2);
    cbor_array_push(p, cbor_move(cbor_build_uint8(0)));
    cbor_array_push(p, cbor_move(cbor_build_bytestring(d32, 32)));
    append_item(&cb, &cl, event_item(RLOG_HASH, -1, 3000, p));
    append_item(&cb, &cl, event_item(RLOG_ENTROPY, 0, 4000, cbor_build_bytestring(d32, 16)));
    p = cbor_new_definite_array(2);
    cbor_array_push(p, cbor_move(cbor_build_uint8(0)));
    cbor_array_push(p, cbor_move(cbor_build_bytestring(d32, 20)));
    append_item(&cb, &cl, event_item(RLOG_NET_RX, 0, 5000, p));
    p = cbor_new_definite_array(2);
    cbor_array_push(p, cbor_move(cbor_build_uint8(0)));
    cbor_array_push(p, cbor_move(cbor_build_uint64(UINT64_MAX)));
    append_item(&cb, &cl, event_item(RLOG_BLK_DONE, 1, 6000, p));
    seed(dir, "stream-events", 'C', cb, cl);
    p = cbor_new_definite_array(3);
    cbor_array_push(p, cbor_move(cbor_build_uint8(0)));
    cbor_array_push(p, cbor_move(cbor_build_uint8(0)));
    cbor_array_push(p, cbor_move(cbor_build_bytestring(d32, 32)));
    append_item(&cb, &cl, event_item(RLOG_END, -1, 7000, p));
    seed(dir, "stream-complete", 'C', cb, cl);
    free(cb);
    cb = NULL;
    cl = 0;
    append_item(&cb, &cl, header_item(9, NULL));
    seed(dir, "stream-future", 'C', cb, cl);
    free(cb);
    return 0;
}

int main(int argc, char **argv)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/rlog_test.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    if (argc == 3 && !strcmp(argv[1], "--corpus")) {
        int rc = write_corpus(argv[2]);
        rmdir(tmpdir);
        return rc;
    }
    test_round_trip();
    test_not_closed();
    test_sigkill();
    test_truncation();
    test_flips();
    test_stream_edits();
    test_foreign();
    test_versions();
    test_malformed();
    test_writer_errors();
    test_hash_file();
    test_alloc_failures();
    test_size_per_event();
    if (rmdir(tmpdir))
        fprintf(stderr, "rlog_test: %s not empty\n", tmpdir);
    return unit_done("rlog_test");
}
