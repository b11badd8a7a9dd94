/* Error messages and small parsing helpers; see util.h. Owns nothing else. */
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char err_msg[512];

int rp_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err_msg, sizeof(err_msg), fmt, ap);
    va_end(ap);
    return code;
}

const char *rp_strerror(int code)
{
    if (err_msg[0])
        return err_msg;
    return strerror(code < 0 ? -code : code);
}

void rp_error_clear(void)
{
    err_msg[0] = '\0';
}

int parse_size(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !isdigit((unsigned char)s[0]))
        return -EINVAL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno)
        return -EINVAL;
    uint64_t mul = 1;
    switch (toupper((unsigned char)*end)) {
    case '\0': mul = 1; break;
    case 'K': mul = 1ULL << 10; end++; break;
    case 'M': mul = 1ULL << 20; end++; break;
    case 'G': mul = 1ULL << 30; end++; break;
    case 'T': mul = 1ULL << 40; end++; break;
    default: return -EINVAL;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end != '\0')
        return -EINVAL;
    if (v > UINT64_MAX / mul)
        return -EINVAL;
    *out = v * mul;
    return 0;
}
