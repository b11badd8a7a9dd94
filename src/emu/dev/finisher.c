/* SiFive test finisher (see finisher.h), as QEMU's hw/misc/sifive_test.c:
 * a write to offset 0 of 0x5555 powers off, 0x3333 | code << 16 fails with
 * code, 0x7777 resets; everything else is ignored and reads return 0. Owns
 * only its tiny state; the machine decides what an exit or reset means. */
#include "finisher.h"

#include <stdlib.h>

#include "../bus.h"
#include "../machine.h"
#include "util.h"

#define FINISHER_FAIL  0x3333
#define FINISHER_PASS  0x5555
#define FINISHER_RESET 0x7777

struct finisher {
    struct machine *m;
};

static int finisher_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    *val = 0;
    return 0;
}

static int finisher_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct finisher *f = opaque;
    if (off != 0)
        return 0;
    unsigned status = val & 0xffff;
    int code = (int)((val >> 16) & 0xffff);
    switch (status) {
    case FINISHER_FAIL:
        machine_request_exit(f->m, code);   /* QEMU exits with code, even 0 */
        break;
    case FINISHER_PASS:
        machine_request_exit(f->m, 0);
        break;
    case FINISHER_RESET:
        machine_request_reset(f->m);
        break;
    default:
        break;
    }
    return 0;
}

static void finisher_destroy(void *opaque)
{
    free(opaque);
}

static const struct dev_ops finisher_ops = {
    .name = "test finisher",
    .read = finisher_read,
    .write = finisher_write,
    .destroy = finisher_destroy,
    .access_sizes = 2 | 4,      /* QEMU: valid.min_access_size 2, max 4 */
};

int finisher_create(struct machine *m, uint64_t base)
{
    struct finisher *f = calloc(1, sizeof(*f));
    if (!f)
        return rp_error(-ENOMEM, "cannot allocate the test finisher");
    f->m = m;
    int err = bus_map(&m->bus, base, VIRT_TEST_SIZE, &finisher_ops, f);
    if (err < 0) {
        free(f);
        return err;
    }
    m->finisher = f;
    return 0;
}
