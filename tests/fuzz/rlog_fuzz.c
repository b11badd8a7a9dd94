/* libFuzzer target for the session-log reader (src/record/rlog.c). The first
 * input byte picks what the rest is: even, a whole log file; odd, a log
 * stream (CBOR) that is written through the raw writer first, so mutations
 * reach the CBOR and event decoding behind the LZ4 and seal checksums. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/rlog.h"
#include "util.h"

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "rlog_fuzz: invariant violated: %s\n", what);
        abort();
    }
}

static void read_log(const uint8_t *buf, size_t len)
{
    struct rlog_reader *r;
    struct rlog_header h;
    rp_error_clear();
    int rc = rlog_reader_open_mem(buf, len, "fuzz.rlog", &r, &h);
    if (rc) {
        check(rc < 0 && r == NULL, "failed open returns a negative code and no reader");
        check(strstr(rp_strerror(rc), "fuzz.rlog") != NULL, "open error names the file");
        check(h.argv == NULL && h.kernel == NULL, "failed open leaves the header empty");
        return;
    }
    check(h.smp >= 1 && h.ndrives <= 8 && h.nimages <= RLOG_MAX_IMAGES, "header in range");
    check(h.argv != NULL && h.argv[h.argc] == NULL, "argv is NULL-terminated");
    volatile uint8_t sink = 0;
    struct rlog_event ev;
    unsigned long n = 0;
    while ((rc = rlog_read_event(r, &ev)) == 1) {
        check(strcmp(rlog_kind_name(ev.kind), "unknown") != 0, "known kind");
        check(ev.hart >= -1 && ev.hart < (int)h.smp, "hart in range");
        check(ev.len == 0 || ev.data != NULL, "data present");
        for (size_t i = 0; i < ev.len; i++)   /* every byte must be readable */
            sink ^= ev.data[i];
        n++;
    }
    (void)sink;
    check(rc == 0 || rc == -EPIPE || rc == -EBADMSG || rc == -ENOMEM, "known result code");
    if (rc < 0)
        check(strstr(rp_strerror(rc), "fuzz.rlog") != NULL, "read error names the file");
    check(rlog_read_event(r, &ev) == rc, "results are sticky");
    uint64_t fb, cb;
    rlog_reader_sizes(r, &fb, &cb);
    check(fb <= len, "no more compressed bytes than the input");
    rlog_reader_close(r);
    rlog_header_free(&h);
}

/* Wraps a log stream into a log file with the raw writer, in a memfd. */
static void read_stream(const uint8_t *cbor, size_t len)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("rlog_fuzz", MFD_CLOEXEC);
        check(fd >= 0, "memfd_create");
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    struct rlog_writer *w;
    check(rlog_writer_open_raw(path, &w) == 0, "raw writer opens");
    check(rlog_write_raw(w, cbor, len) == 0, "raw write");
    check(rlog_writer_close(w) == 0, "raw writer closes");
    struct stat st;
    check(fstat(fd, &st) == 0, "fstat");
    uint8_t *buf = malloc((size_t)st.st_size + 1);
    check(pread(fd, buf, (size_t)st.st_size, 0) == st.st_size, "pread");
    read_log(buf, (size_t)st.st_size);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1)
        read_stream(data + 1, size - 1);
    else
        read_log(data + 1, size - 1);
    return 0;
}
