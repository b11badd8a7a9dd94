/* Goldfish RTC registers: TIME_LOW/HIGH (reading LOW latches HIGH), ALARM_
 * LOW/HIGH (writing LOW arms it), IRQ_ENABLED, CLEAR_ALARM, ALARM_STATUS,
 * CLEAR_INTERRUPT. Time is boot wall clock + guest time, in nanoseconds. */
#include "rtc.h"

#include <stdlib.h>

#include "emu/bus.h"
#include "emu/machine.h"
#include "util.h"

enum {
    RTC_TIME_LOW = 0x00, RTC_TIME_HIGH = 0x04, RTC_ALARM_LOW = 0x08, RTC_ALARM_HIGH = 0x0c,
    RTC_IRQ_ENABLED = 0x10, RTC_CLEAR_ALARM = 0x14, RTC_ALARM_STATUS = 0x18,
    RTC_CLEAR_INTERRUPT = 0x1c,
};

#define NS_PER_TICK (1000000000ULL / VIRT_TIMEBASE_FREQ)

struct rtc {
    struct machine *m;
    struct irq_line irq;
    int64_t offset_ns;       /* wall clock = offset + guest ns */
    uint64_t alarm_ns;
    uint32_t alarm_high;
    uint32_t time_high;      /* latched by a TIME_LOW read */
    bool alarm_armed, irq_enabled, irq_pending;
};

static uint64_t now_ns(const struct rtc *r)
{
    return (uint64_t)r->offset_ns + machine_mtime(r->m) * NS_PER_TICK;
}

static void update_irq(struct rtc *r)
{
    irq_set(&r->irq, r->irq_enabled && r->irq_pending);
}

void rtc_update(struct rtc *r)
{
    if (r->alarm_armed && now_ns(r) >= r->alarm_ns) {
        r->alarm_armed = false;
        r->irq_pending = true;
        update_irq(r);
    }
}

uint64_t rtc_deadline(const struct rtc *r)
{
    if (!r->alarm_armed)
        return UINT64_MAX;
    uint64_t base = (uint64_t)r->offset_ns;
    if (r->alarm_ns <= base)
        return 0;
    return (r->alarm_ns - base + NS_PER_TICK - 1) / NS_PER_TICK;
}

static int rtc_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct rtc *r = opaque;
    if (size != 4)
        return -EINVAL;
    uint64_t t;
    switch (off) {
    case RTC_TIME_LOW:
        t = now_ns(r);
        r->time_high = (uint32_t)(t >> 32);
        *val = (uint32_t)t;
        break;
    case RTC_TIME_HIGH: *val = r->time_high; break;
    case RTC_ALARM_LOW: *val = (uint32_t)r->alarm_ns; break;
    case RTC_ALARM_HIGH: *val = (uint32_t)(r->alarm_ns >> 32); break;
    case RTC_IRQ_ENABLED: *val = r->irq_enabled; break;
    case RTC_ALARM_STATUS: *val = r->alarm_armed; break;
    default: *val = 0; break;
    }
    return 0;
}

static int rtc_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct rtc *r = opaque;
    if (size != 4)
        return -EINVAL;
    switch (off) {
    case RTC_TIME_LOW: {
        uint64_t t = ((uint64_t)r->time_high << 32) | (uint32_t)val;
        r->offset_ns = (int64_t)(t - machine_mtime(r->m) * NS_PER_TICK);
        break;
    }
    case RTC_TIME_HIGH: r->time_high = (uint32_t)val; break;
    case RTC_ALARM_HIGH: r->alarm_high = (uint32_t)val; break;
    case RTC_ALARM_LOW:
        r->alarm_ns = ((uint64_t)r->alarm_high << 32) | (uint32_t)val;
        r->alarm_armed = true;
        rtc_update(r);
        machine_kick(r->m);
        break;
    case RTC_IRQ_ENABLED:
        r->irq_enabled = val & 1;
        update_irq(r);
        break;
    case RTC_CLEAR_ALARM: r->alarm_armed = false; break;
    case RTC_CLEAR_INTERRUPT:
        r->irq_pending = false;
        update_irq(r);
        break;
    default: break;
    }
    return 0;
}

static void rtc_destroy(void *opaque)
{
    free(opaque);
}

static const struct dev_ops rtc_ops = {
    .name = "goldfish-rtc",
    .read = rtc_read,
    .write = rtc_write,
    .destroy = rtc_destroy,
};

int rtc_create(struct machine *m, uint64_t base, struct irq_line irq, uint64_t boot_ns,
               struct rtc **out)
{
    struct rtc *r = calloc(1, sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->m = m;
    r->irq = irq;
    r->offset_ns = (int64_t)boot_ns;
    int e = bus_map(&m->bus, base, VIRT_RTC_SIZE, &rtc_ops, r);
    if (e) {
        free(r);
        return e;
    }
    *out = r;
    return 0;
}
