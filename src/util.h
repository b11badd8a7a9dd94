/* Small helpers shared by every module: error reporting and bit tricks.
 * Errors are negative codes (negated errno values); the module that detects a
 * problem also records one sentence describing it, which the CLI prints. */
#ifndef REPRISE_UTIL_H
#define REPRISE_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Records a one-sentence description of the last error (printf format) and
 * returns code unchanged, so callers can write `return rp_error(-EINVAL, ...)`.
 * The message is kept until the next rp_error call. */
int rp_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The last recorded message, or a generic description of code if none was
 * recorded since rp_error_clear(). Borrowed; valid until the next rp_error. */
const char *rp_strerror(int code);
void rp_error_clear(void);

static inline int64_t sext(uint64_t v, unsigned bits)
{
    unsigned s = 64 - bits;
    return (int64_t)(v << s) >> s;
}

static inline uint64_t bits(uint64_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((2ULL << (hi - lo)) - 1);
}

/* Parses a size such as "128M", "1G", "4096" or "64K" into bytes.
 * Returns 0 or -EINVAL. */
int parse_size(const char *s, uint64_t *out);

#endif
