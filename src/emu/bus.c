/* The physical address space (see bus.h): guest RAM allocation, the device
 * region table kept sorted by base for a binary-search lookup, ROM regions,
 * and the slow-path device accesses. Owns RAM and ROM contents; devices own
 * their state and are only destroyed here through their ops->destroy. */
#include "bus.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/tb.h"
#include "util.h"

#define BUS_ALL_SIZES (1u | 2u | 4u | 8u)

int bus_init(struct bus *b, uint64_t ram_base, uint64_t ram_size)
{
    /* b->machine is left as the caller set it (before or after this call). */
    b->ram = NULL;
    b->ram_base = ram_base;
    b->ram_size = 0;
    memset(b->regions, 0, sizeof(b->regions));
    b->nregions = 0;

    if (ram_size == 0 || ram_size > SIZE_MAX || ram_base + ram_size < ram_base)
        return rp_error(-EINVAL, "guest RAM of %llu bytes at 0x%llx does not fit "
                        "the physical address space",
                        (unsigned long long)ram_size, (unsigned long long)ram_base);
    /* Anonymous pages are zero and only backed by host memory once touched. */
    void *p = mmap(NULL, (size_t)ram_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return rp_error(-ENOMEM, "cannot allocate %llu MiB of guest RAM",
                        (unsigned long long)(ram_size >> 20));
    b->ram = p;
    b->ram_size = ram_size;
    return 0;
}

void bus_destroy(struct bus *b)
{
    for (int i = 0; i < b->nregions; i++) {
        struct bus_region *r = &b->regions[i];
        if (r->ops && r->ops->destroy)
            r->ops->destroy(r->opaque);
        free(r->mem);
    }
    memset(b->regions, 0, sizeof(b->regions));
    b->nregions = 0;
    if (b->ram)
        munmap(b->ram, (size_t)b->ram_size);
    b->ram = NULL;
    b->ram_size = 0;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    /* Both ranges are non-empty and do not wrap (checked by the callers). */
    return a < b + blen && b < a + alen;
}

/* Inserts a region keeping the table sorted by base. */
static int bus_insert(struct bus *b, const struct bus_region *nr, const char *what)
{
    if (nr->size == 0 || nr->base + nr->size < nr->base)
        return rp_error(-EINVAL, "%s region at 0x%llx has an invalid size 0x%llx",
                        what, (unsigned long long)nr->base,
                        (unsigned long long)nr->size);
    if (b->nregions >= BUS_MAX_REGIONS)
        return rp_error(-EINVAL, "cannot map %s at 0x%llx: the bus already has "
                        "%d regions", what, (unsigned long long)nr->base,
                        BUS_MAX_REGIONS);
    if (b->ram_size && ranges_overlap(nr->base, nr->size, b->ram_base, b->ram_size))
        return rp_error(-EINVAL, "%s region 0x%llx..0x%llx overlaps guest RAM",
                        what, (unsigned long long)nr->base,
                        (unsigned long long)(nr->base + nr->size));
    int pos = 0;
    for (int i = 0; i < b->nregions; i++) {
        const struct bus_region *r = &b->regions[i];
        if (ranges_overlap(nr->base, nr->size, r->base, r->size))
            return rp_error(-EINVAL, "%s region 0x%llx..0x%llx overlaps %s at 0x%llx",
                            what, (unsigned long long)nr->base,
                            (unsigned long long)(nr->base + nr->size),
                            !r->ops ? "the ROM" : r->ops->name ? r->ops->name : "a device",
                            (unsigned long long)r->base);
        if (r->base < nr->base)
            pos = i + 1;
    }
    memmove(&b->regions[pos + 1], &b->regions[pos],
            (size_t)(b->nregions - pos) * sizeof(b->regions[0]));
    b->regions[pos] = *nr;
    b->nregions++;
    return 0;
}

int bus_map(struct bus *b, uint64_t base, uint64_t size,
            const struct dev_ops *ops, void *opaque)
{
    if (!ops || !ops->read || !ops->write)
        return rp_error(-EINVAL, "device at 0x%llx has no register interface",
                        (unsigned long long)base);
    struct bus_region r = { .base = base, .size = size, .ops = ops, .opaque = opaque };
    return bus_insert(b, &r, ops->name ? ops->name : "device");
}

int bus_map_rom(struct bus *b, uint64_t base, uint64_t size,
                const void *data, uint64_t len)
{
    if (len > size || size > SIZE_MAX)
        return rp_error(-EINVAL, "ROM image of %llu bytes does not fit its "
                        "0x%llx-byte region at 0x%llx", (unsigned long long)len,
                        (unsigned long long)size, (unsigned long long)base);
    if (size == 0)
        return rp_error(-EINVAL, "ROM region at 0x%llx is empty",
                        (unsigned long long)base);
    uint8_t *mem = calloc(1, (size_t)size);
    if (!mem)
        return rp_error(-ENOMEM, "cannot allocate a 0x%llx-byte ROM",
                        (unsigned long long)size);
    if (len)
        memcpy(mem, data, (size_t)len);
    struct bus_region r = { .base = base, .size = size, .mem = mem };
    int err = bus_insert(b, &r, "ROM");
    if (err < 0)
        free(mem);
    return err;
}

struct bus_region *bus_find(struct bus *b, uint64_t addr)
{
    /* Last region whose base is <= addr, by binary search. */
    int lo = 0, hi = b->nregions;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (b->regions[mid].base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    struct bus_region *r = &b->regions[lo - 1];
    return addr - r->base < r->size ? r : NULL;
}

uint8_t *bus_host_ptr(struct bus *b, uint64_t pa, uint64_t len, bool *writable)
{
    if (bus_is_ram(b, pa, len)) {
        if (writable)
            *writable = true;
        return bus_ram_ptr(b, pa);
    }
    struct bus_region *r = bus_find(b, pa);
    if (!r || !r->mem || len > r->size - (pa - r->base))
        return NULL;
    if (writable)
        *writable = false;
    return r->mem + (pa - r->base);
}

/* The region that can take an access of size bytes at pa, or NULL with *err
 * set: -EFAULT when nothing (or not all of it) is mapped, -EINVAL for a size
 * the bus or the device does not accept. */
static struct bus_region *io_region(struct bus *b, uint64_t pa, unsigned size, int *err)
{
    if (size != 1 && size != 2 && size != 4 && size != 8) {
        *err = -EINVAL;
        return NULL;
    }
    struct bus_region *r = bus_find(b, pa);
    if (!r || size > r->size - (pa - r->base)) {
        *err = -EFAULT;
        return NULL;
    }
    if (r->ops) {
        unsigned ok = r->ops->access_sizes ? r->ops->access_sizes : BUS_ALL_SIZES;
        if (!(ok & size)) {
            *err = -EINVAL;
            return NULL;
        }
    }
    return r;
}

int bus_io_read(struct bus *b, uint64_t pa, unsigned size, uint64_t *val)
{
    int err;
    struct bus_region *r = io_region(b, pa, size, &err);
    if (!r)
        return err;
    if (!r->ops) {
        uint64_t v = 0;
        memcpy(&v, r->mem + (pa - r->base), size);
        *val = v;
        return 0;
    }
    uint64_t v = 0;
    int rc = r->ops->read(r->opaque, pa - r->base, size, &v);
    if (rc < 0)
        return rc;
    *val = size == 8 ? v : v & ((1ULL << (8 * size)) - 1);
    return 0;
}

int bus_io_write(struct bus *b, uint64_t pa, unsigned size, uint64_t val)
{
    int err;
    struct bus_region *r = io_region(b, pa, size, &err);
    if (!r)
        return err;
    if (!r->ops)
        return -EACCES;     /* ROM */
    if (size < 8)
        val &= (1ULL << (8 * size)) - 1;
    return r->ops->write(r->opaque, pa - r->base, size, val);
}

int bus_write_ram(struct bus *b, uint64_t pa, const void *src, uint64_t len)
{
    if (len == 0)
        return 0;
    if (!bus_is_ram(b, pa, len))
        return -EFAULT;
    memcpy(bus_ram_ptr(b, pa), src, (size_t)len);
    if (b->machine)
        tb_invalidate_phys(b->machine, pa, len);
    return 0;
}

int bus_read_ram(struct bus *b, uint64_t pa, void *dst, uint64_t len)
{
    if (len == 0)
        return 0;
    if (!bus_is_ram(b, pa, len))
        return -EFAULT;
    memcpy(dst, bus_ram_ptr(b, pa), (size_t)len);
    return 0;
}
