/* Goldfish RTC at 0x101000: the guest's wall clock. The host clock is read
 * once, through the nondeterminism boundary, when the machine is built; from
 * then on the RTC advances with guest time, so reading it costs no log entry. */
#ifndef REPRISE_DEV_RTC_H
#define REPRISE_DEV_RTC_H

#include <stdint.h>

#include "../irq.h"

struct machine;
struct rtc;

/* boot_ns: wall-clock time (ns since the epoch) at guest time 0. */
int rtc_create(struct machine *m, uint64_t base, struct irq_line irq, uint64_t boot_ns,
               struct rtc **out);

/* Raises the alarm interrupt once guest time reaches the alarm. */
void rtc_update(struct rtc *r);

/* Guest time (mtime ticks) at which the alarm fires, or UINT64_MAX. */
uint64_t rtc_deadline(const struct rtc *r);

#endif
