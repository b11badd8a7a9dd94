/* Physical memory protection: matches an access against the hart's 16 PMP
 * entries (OFF, TOR, NA4, NAPOT; 4-byte granularity) in priority order and
 * applies their R/W/X and lock bits. The TLB only caches a page whose every
 * byte is governed the same way, so the fast path never needs a PMP check. */
#include "pmp.h"

#include "csr.h"
#include "util.h"

#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_A 0x18
#define PMP_L 0x80
enum { PMP_OFF = 0, PMP_TOR = 1, PMP_NA4 = 2, PMP_NAPOT = 3 };

/* The byte range [lo, hi) of entry i, or false when it is off. */
static bool entry_range(const struct hart *h, int i, uint64_t *lo, uint64_t *hi)
{
    uint8_t cfg = h->pmpcfg[i];
    uint64_t a = h->pmpaddr[i];
    switch ((cfg & PMP_A) >> 3) {
    case PMP_TOR:
        *lo = i ? h->pmpaddr[i - 1] << 2 : 0;
        *hi = a << 2;
        return *lo < *hi;
    case PMP_NA4:
        *lo = a << 2;
        *hi = *lo + 4;
        return true;
    case PMP_NAPOT: {
        unsigned t = (unsigned)__builtin_ctzll(~a);   /* trailing ones */
        if (t >= 54) {
            *lo = 0;
            *hi = UINT64_MAX;
            return true;
        }
        uint64_t size = 1ULL << (t + 3);
        *lo = (a << 2) & ~(size - 1);
        *hi = *lo + size;
        return true;
    }
    default:
        return false;
    }
}

static bool any_active(const struct hart *h)
{
    for (int i = 0; i < PMP_COUNT; i++)
        if (h->pmpcfg[i] & PMP_A)
            return true;
    return false;
}

int pmp_check(const struct hart *h, uint64_t pa, uint64_t len, int acc, int prv,
              bool *whole_page)
{
    static const uint8_t need[3] = {PMP_R, PMP_W, PMP_X};
    uint64_t page = pa & PAGE_MASK;
    if (whole_page)
        *whole_page = true;
    /* With entries implemented but none active, nothing matches: M is
     * allowed, S and U are not (privileged spec, "Physical Memory
     * Protection"). */
    if (!any_active(h))
        return prv == PRV_M ? 0 : -1;
    for (int i = 0; i < PMP_COUNT; i++) {
        uint64_t lo, hi;
        if (!entry_range(h, i, &lo, &hi))
            continue;
        bool start_in = pa >= lo && pa < hi;
        bool end_in = pa + len - 1 >= lo && pa + len - 1 < hi;
        if (!start_in && !end_in) {
            /* Not this access, but it may cover part of the page. */
            if (whole_page && lo < page + PAGE_SIZE && hi > page)
                *whole_page = false;
            continue;
        }
        if (whole_page && !(lo <= page && hi >= page + PAGE_SIZE))
            *whole_page = false;
        if (!(start_in && end_in))
            return -1;   /* straddles the entry's edge */
        uint8_t cfg = h->pmpcfg[i];
        if (prv == PRV_M && !(cfg & PMP_L))
            return 0;
        return (cfg & need[acc]) ? 0 : -1;
    }
    /* No entry matches: M-mode is allowed, S and U are not. */
    return prv == PRV_M ? 0 : -1;
}
