/* Unit tests for util.c: size parsing and bit helpers. */
#include "util.h"
#include "unit.h"

int main(void)
{
    uint64_t v = 0;
    CHECK(parse_size("128M", &v) == 0 && v == 128ULL << 20, "128M -> %llu", (unsigned long long)v);
    CHECK(parse_size("1G", &v) == 0 && v == 1ULL << 30, "1G -> %llu", (unsigned long long)v);
    CHECK(parse_size("4096", &v) == 0 && v == 4096, "4096 -> %llu", (unsigned long long)v);
    CHECK(parse_size("64k", &v) == 0 && v == 65536, "64k -> %llu", (unsigned long long)v);
    CHECK(parse_size("12X", &v) == -EINVAL, "12X must be rejected");
    CHECK(parse_size("", &v) == -EINVAL, "empty must be rejected");
    CHECK(parse_size("M", &v) == -EINVAL, "M must be rejected");
    CHECK(parse_size("99999999999999999999G", &v) == -EINVAL, "overflow must be rejected");
    CHECK(sext(0x800, 12) == -2048, "sext 12");
    CHECK(sext(0x7ff, 12) == 2047, "sext 12 positive");
    CHECK(bits(0xabcd, 15, 12) == 0xa, "bits");
    return unit_done("util_test");
}
