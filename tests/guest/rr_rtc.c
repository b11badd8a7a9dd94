/* The wall clock for record/replay (design invariant 1): reads the
 * goldfish RTC (TIME_LOW, which latches TIME_HIGH, then TIME_HIGH:
 * nanoseconds since the epoch) several times with busy work in between,
 * and checks that it is plausible (after 2020, before 2100), that every
 * read after BUSY_ITERS loop iterations is later than the one before, that
 * TIME_HIGH stays latched until the next TIME_LOW read, and that a wfi
 * sleep of 0.1 s of mtime moves it on by at least half that.  The dates
 * and deltas go on "# " lines: they differ from run to run, but a replay
 * must print the same ones as its recording. */
#include <stdio.h>

#include "rt.h"
#include "virt.h"

RT_TEST_NAME("rr_rtc");

#define NREADS		5
#define BUSY_ITERS	100000
#define NS_2020		1577836800000000000ull	/* 2020-01-01T00:00:00Z */
#define NS_2100		4102444800000000000ull	/* 2100-01-01T00:00:00Z */
#define SLEEP_TICKS	(TICKS_PER_SEC / 10)

static void busy(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		;
}

/* "YYYY-MM-DD hh:mm:ss.mmm" from nanoseconds since the epoch (UTC; days
 * to civil date after H. Hinnant's algorithm). */
static void format_time(uint64_t ns, char *out, size_t n)
{
	uint64_t s = ns / 1000000000ull;
	unsigned ms = (unsigned)(ns / 1000000ull % 1000);
	int64_t z = (int64_t)(s / 86400) + 719468;
	unsigned sod = (unsigned)(s % 86400);
	int64_t era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	snprintf(out, n, "%04ld-%02u-%02u %02u:%02u:%02u.%03u", (long)y, m, d, sod / 3600,
		 sod / 60 % 60, sod % 60, ms);
}

int main(void)
{
	uint64_t t[NREADS];
	char when[40];

	printf("rr_rtc: %u reads of the goldfish RTC, %u loop iterations apart\n",
	       NREADS, BUSY_ITERS);
	t[0] = rtc_read_ns();
	for (unsigned i = 1; i < NREADS; i++) {
		busy(BUSY_ITERS);
		t[i] = rtc_read_ns();
	}
	format_time(t[0], when, sizeof(when));
	printf("# rtc: %s UTC\n", when);
	RT_CHECK(t[0] > NS_2020, 1);
	RT_CHECK(t[NREADS - 1] < NS_2100, 1);
	unsigned later = 0;
	for (unsigned i = 1; i < NREADS; i++) {
		printf("# rtc: read %u is %lu ns after read %u\n", i,
		       (unsigned long)(t[i] - t[i - 1]), i - 1);
		RT_CHECK(t[i] > t[i - 1], 1);
		later += t[i] > t[i - 1];
	}
	printf("rtc: after 2020 and before 2100; %u of %u reads later than the one before\n",
	       later, NREADS - 1);

	/* TIME_HIGH is latched by TIME_LOW: a second TIME_HIGH read, after
	 * more busy work, returns the same half */
	uint32_t lo = RTC_TIME_LOW;
	uint32_t hi1 = RTC_TIME_HIGH;
	busy(BUSY_ITERS);
	uint32_t hi2 = RTC_TIME_HIGH;
	RT_CHECK(hi2, hi1);
	uint64_t latched = ((uint64_t)hi1 << 32) | lo;
	RT_CHECK(latched >= t[NREADS - 1], 1);
	printf("rtc: TIME_HIGH stays latched until the next TIME_LOW read\n");

	/* a wfi sleep of 0.1 s of mtime */
	uint64_t before = rtc_read_ns();
	uint64_t m0 = CLINT_MTIME;
	CLINT_MTIMECMP = m0 + SLEEP_TICKS;
	CSR_WRITE(mie, MIP_MTIP);
	while (!(CSR_READ(mip) & MIP_MTIP))
		wfi();
	CSR_WRITE(mie, 0);
	CLINT_MTIMECMP = ~0ull;
	uint64_t after = rtc_read_ns();
	uint64_t slept_ns = after - before;
	printf("# rtc: a wfi sleep of %lu mtime ticks took %lu ns of wall clock\n",
	       (unsigned long)SLEEP_TICKS, (unsigned long)slept_ns);
	RT_CHECK(slept_ns >= SLEEP_TICKS * 100 / 2, 1);
	printf("rtc: a 0.1 s wfi sleep moved it on by at least 50 ms: %s\n",
	       slept_ns >= SLEEP_TICKS * 100 / 2 ? "yes" : "NO");
	return 0;
}
