/* A C program exercising a bit of everything through picolibc: printf and
 * snprintf of integers and doubles, strtol/strtod (errno in TLS), qsort
 * and bsearch, string and memory functions, malloc, setjmp/longjmp, exact
 * libm functions, 128-bit arithmetic from libgcc.  Expected strings are
 * what C11 specifies for each conversion; libm checks use only cases whose
 * result is exact. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt.h"

RT_TEST_NAME("libc");

static char buf[256];

#define FMT(expected, ...)						\
	do {								\
		snprintf(buf, sizeof buf, __VA_ARGS__);			\
		rt_check_str("snprintf(" #__VA_ARGS__ ")", buf, expected); \
	} while (0)

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static uint64_t bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof u);
	return u;
}

/* Keep the compiler from folding library calls on constants. */
static double vd(double d)
{
	volatile double v = d;

	return v;
}

static int vi(int i)
{
	volatile int v = i;

	return v;
}

static jmp_buf jb;

static void __attribute__((noinline)) jump_back(int v)
{
	longjmp(jb, v);
}

static void test_printf(void)
{
	FMT("42 -7 0 2147483647 -2147483648", "%d %d %d %d %d", 42, vi(-7), 0,
	    INT_MAX, INT_MIN);
	FMT("4294967295 ffffffff FFFF 777", "%u %x %X %o", UINT_MAX, UINT_MAX,
	    0xffffu, 0777u);
	FMT("18446744073709551615 -9223372036854775808",
	    "%llu %lld", (unsigned long long)UINT64_MAX, (long long)INT64_MIN);
	FMT("[   42][42   ][00042][+42][ 42]", "[%5d][%-5d][%05d][%+d][% d]",
	    42, 42, 42, 42, 42);
	FMT("0x1f 037 0X1F", "%#x %#o %#X", 31, 31, 31);
	FMT("[abc][  abc][ab]", "[%s][%5s][%.2s]", "abc", "abc", "abc");
	FMT("c%", "%c%%", 'c');
	FMT("3.141590 3.14 3", "%f %.2f %.0f", vd(3.14159), vd(3.14159),
	    vd(3.14159));
	FMT("0.667 -0.500 2.5", "%.3f %.3f %.1f", vd(2.0) / vd(3.0), vd(-0.5),
	    vd(2.5));
	FMT("1.234568e+04 1.000000e+300 1.0e-300", "%e %e %.1e", vd(12345.678),
	    vd(1e300), vd(1e-300));
	FMT("0.0001 1e-05 100000 1e+06 0.5", "%g %g %g %g %g", vd(0.0001),
	    vd(1e-5), vd(100000.0), vd(1e6), vd(0.5));
	FMT("0.6666666667 0.333", "%.10g %.3g", vd(2.0) / vd(3.0), vd(1.0) / vd(3.0));
	FMT("-0.000000 inf -inf nan", "%f %f %f %f", vd(-0.0), vd(INFINITY),
	    vd(-INFINITY), vd(NAN));
	FMT("[  1.50][1.50  ][001.50]", "[%6.2f][%-6.2f][%06.2f]", vd(1.5),
	    vd(1.5), vd(1.5));
	FMT("9007199254740993 9007199254740992", "%lld %.0f",
	    9007199254740993ll, vd(9007199254740993.0));
	/* snprintf truncates and reports the full length */
	rt_check("snprintf return value", (uint64_t)snprintf(buf, 5, "%d", 123456789), 9);
	rt_check_str("snprintf truncation", buf, "1234");
}

static void test_strto(void)
{
	char *end;
	long l;
	double d;

	l = strtol("  -123abc", &end, 10);
	rt_check("strtol(\"  -123abc\")", (uint64_t)l, (uint64_t)-123);
	rt_check_str("strtol end", end, "abc");
	rt_check("strtol(\"0x7f\", 0)", (uint64_t)strtol("0x7f", NULL, 0), 127);
	rt_check("strtol(\"0777\", 0)", (uint64_t)strtol("0777", NULL, 0), 511);
	rt_check("strtoul(\"zz\", 36)", strtoul("zz", NULL, 36), 1295);
	errno = 0;
	l = strtol("99999999999999999999", NULL, 10);
	rt_check("strtol overflow value", (uint64_t)l, (uint64_t)LONG_MAX);
	rt_check("strtol overflow errno (TLS)", (uint64_t)errno, ERANGE);
	errno = 0;
	rt_check("strtoull(\"18446744073709551615\")",
		 strtoull("18446744073709551615", NULL, 10), UINT64_MAX);
	rt_check("errno still 0", (uint64_t)errno, 0);
	d = strtod("1e10", &end);
	rt_check("strtod(\"1e10\")", bits(d), bits(1e10));
	d = strtod("-2.5e-3xyz", &end);
	rt_check("strtod(\"-2.5e-3\")", bits(d), bits(-2.5e-3));
	rt_check_str("strtod end", end, "xyz");
	d = strtod("0.1", NULL);
	rt_check("strtod(\"0.1\")", bits(d), 0x3fb999999999999aull);
	rt_check("atoi(\"-42\")", (uint64_t)atoi("-42"), (uint64_t)-42);
}

static void test_sort(void)
{
	int a[] = { 5, -3, 99, 0, 42, -3, 7, 1000, -1000, 1 };
	const int sorted[] = { -1000, -3, -3, 0, 1, 5, 7, 42, 99, 1000 };
	const char *s[] = { "pear", "apple", "fig", "banana", "cherry" };
	int key = 42, *hit;
	size_t i;

	qsort(a, 10, sizeof a[0], cmp_int);
	for (i = 0; i < 10; i++)
		rt_check("qsort ints", (uint64_t)a[i], (uint64_t)sorted[i]);
	hit = bsearch(&key, a, 10, sizeof a[0], cmp_int);
	rt_check("bsearch 42 index", (uint64_t)(hit - a), 7);
	key = 43;
	rt_check("bsearch 43 missing", (uint64_t)(uintptr_t)bsearch(&key, a, 10, sizeof a[0], cmp_int), 0);
	qsort(s, 5, sizeof s[0], cmp_str);
	rt_check_str("qsort strings 0", s[0], "apple");
	rt_check_str("qsort strings 2", s[2], "cherry");
	rt_check_str("qsort strings 4", s[4], "pear");
	/* a bigger sort: a permutation of 0..999 */
	int *big = malloc(1000 * sizeof *big);
	rt_check("malloc non-NULL", big != NULL, 1);
	for (i = 0; i < 1000; i++)
		big[i] = (int)((i * 617) % 1000);	/* 617 is prime to 1000 */
	qsort(big, 1000, sizeof *big, cmp_int);
	int ok = 1;
	for (i = 0; i < 1000; i++)
		ok &= big[i] == (int)i;
	rt_check("qsort 1000 ints", (uint64_t)ok, 1);
	free(big);
}

static void test_string(void)
{
	char a[64], *tok, *save;

	rt_check("strlen", strlen("hello, world"), 12);
	rt_check("strcmp less", strcmp("abc", "abd") < 0, 1);
	rt_check("strcmp equal", (uint64_t)strcmp("abc", "abc"), 0);
	rt_check("strcmp unsigned chars", strcmp("\x80", "\x01") > 0, 1);
	rt_check("strncmp", (uint64_t)strncmp("abcdef", "abcxyz", 3), 0);
	strcpy(a, "foo");
	strcat(a, "bar");
	rt_check_str("strcpy+strcat", a, "foobar");
	rt_check_str("strchr", strchr(a, 'b'), "bar");
	rt_check_str("strrchr", strrchr("a/b/c", '/'), "/c");
	rt_check_str("strstr", strstr("the quick brown fox", "brown"), "brown fox");
	rt_check("strstr missing", (uint64_t)(uintptr_t)strstr("abc", "abd"), 0);
	rt_check("strspn", strspn("aabbcx", "abc"), 5);
	rt_check("strcspn", strcspn("hello world", " "), 5);
	memset(a, 'x', 10);
	a[10] = 0;
	rt_check_str("memset", a, "xxxxxxxxxx");
	strcpy(a, "0123456789");
	memmove(a + 2, a, 5);
	rt_check_str("memmove overlapping forward", a, "0101234789");
	strcpy(a, "0123456789");
	memmove(a, a + 3, 5);
	rt_check_str("memmove overlapping backward", a, "3456756789");
	rt_check("memcmp", memcmp("abc\x00x", "abc\x00y", 5) < 0, 1);
	strcpy(a, "one,two,,three");
	tok = strtok_r(a, ",", &save);
	rt_check_str("strtok_r 1", tok, "one");
	tok = strtok_r(NULL, ",", &save);
	rt_check_str("strtok_r 2", tok, "two");
	tok = strtok_r(NULL, ",", &save);
	rt_check_str("strtok_r 3", tok, "three");
	rt_check("strtok_r end", (uint64_t)(uintptr_t)strtok_r(NULL, ",", &save), 0);
	/* unaligned and odd-length copies through the optimised memcpy */
	char src[40], dst[40];
	for (int i = 0; i < 40; i++)
		src[i] = (char)('A' + i % 26);
	memset(dst, 0, sizeof dst);
	memcpy(dst + 3, src + 1, 29);
	rt_check("memcpy unaligned", (uint64_t)memcmp(dst + 3, src + 1, 29), 0);
	rt_check("memcpy left the bytes around alone", (uint64_t)(dst[2] | dst[32]), 0);
}

static void test_math(void)
{
	rt_check("sqrt(2)", bits(sqrt(vd(2.0))), 0x3ff6a09e667f3bcdull);
	rt_check("sqrt(144)", bits(sqrt(vd(144.0))), bits(12.0));
	rt_check("pow(2, 10)", bits(pow(vd(2.0), vd(10.0))), bits(1024.0));
	rt_check("floor(-2.5)", bits(floor(vd(-2.5))), bits(-3.0));
	rt_check("ceil(-2.5)", bits(ceil(vd(-2.5))), bits(-2.0));
	rt_check("trunc(-2.7)", bits(trunc(vd(-2.7))), bits(-2.0));
	rt_check("round(2.5)", bits(round(vd(2.5))), bits(3.0));
	rt_check("rint(2.5) (to even)", bits(rint(vd(2.5))), bits(2.0));
	rt_check("lrint(-3.5)", (uint64_t)lrint(vd(-3.5)), (uint64_t)-4);
	rt_check("fmod(7.5, 2)", bits(fmod(vd(7.5), vd(2.0))), bits(1.5));
	rt_check("fabs(-0.0)", bits(fabs(vd(-0.0))), 0);
	rt_check("copysign(3, -0.0)", bits(copysign(vd(3.0), vd(-0.0))), bits(-3.0));
	rt_check("nextafter(1, 2)", bits(nextafter(vd(1.0), vd(2.0))), 0x3ff0000000000001ull);
	rt_check("ldexp(1, -1074)", bits(ldexp(vd(1.0), vi(-1074))), 1);
	int e;
	double m = frexp(vd(48.0), &e);
	rt_check("frexp(48) mantissa", bits(m), bits(0.75));
	rt_check("frexp(48) exponent", (uint64_t)e, 6);
	rt_check("fma(0.1, 10, -1) = 2^-54", bits(fma(vd(0.1), vd(10.0), vd(-1.0))), 0x3c90000000000000ull);
	rt_check("isnan(0/0)", (uint64_t)!!isnan(vd(0.0) / vd(0.0)), 1);
	rt_check("(int)-2.9", (uint64_t)(int)vd(-2.9), (uint64_t)-2);
	rt_check("(float)1/3", (uint64_t)({ float f = (float)(vd(1.0) / vd(3.0)); uint32_t u; memcpy(&u, &f, 4); u; }), 0x3eaaaaab);
}

static void test_misc(void)
{
	volatile int count = 0;
	int r = setjmp(jb);

	if (r == 0) {
		count++;
		jump_back(7);
	}
	rt_check("longjmp value", (uint64_t)r, 7);
	rt_check("setjmp ran once before longjmp", (uint64_t)count, 1);

	unsigned __int128 p = (unsigned __int128)0xffffffffffffffffull * 0xffffffffffffffffull;
	rt_check("128-bit product high", (uint64_t)(p >> 64), 0xfffffffffffffffeull);
	rt_check("128-bit product low", (uint64_t)p, 1);
	__int128 q = ((__int128)1 << 100) / vi(3);
	rt_check("128-bit division high", (uint64_t)(q >> 64), 0x555555555ull);
	rt_check("128-bit division low", (uint64_t)q, 0x5555555555555555ull);

	/* many small allocations */
	void *ptrs[64];
	int ok = 1;
	for (int i = 0; i < 64; i++) {
		ptrs[i] = malloc((size_t)(i * 24 + 1));
		ok &= ptrs[i] != NULL;
		if (ptrs[i])
			memset(ptrs[i], i, (size_t)(i * 24 + 1));
	}
	for (int i = 0; i < 64; i++) {
		ok &= ((unsigned char *)ptrs[i])[i * 24] == (unsigned char)i;
		free(ptrs[i]);
	}
	rt_check("64 mallocs kept their contents", (uint64_t)ok, 1);
	char *big = malloc(1 << 20);
	rt_check("malloc 1 MiB", big != NULL, 1);
	big[0] = 1;
	big[(1 << 20) - 1] = 2;
	rt_check("1 MiB block ends", (uint64_t)(big[0] + big[(1 << 20) - 1]), 3);
	free(big);
}

int main(void)
{
	test_printf();
	test_strto();
	test_sort();
	test_string();
	test_math();
	test_misc();
	/* the console through stdio, as a guest program would use it */
	printf("libc: printf %d %s %.3f %e %x\n", -42, "ok", 2.0 / 3.0, 1e-7, 0xbeef);
	fputs("libc: fputs\n", stdout);
	putchar('!');
	putchar('\n');
	fflush(stdout);
	return 0;
}
