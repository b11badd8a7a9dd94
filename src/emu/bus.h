/* The physical address space: guest RAM plus a small table of device regions.
 * Owns the region table and the RAM allocation; does not own the devices
 * (each device file owns its state and registers itself here). */
#ifndef REPRISE_BUS_H
#define REPRISE_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

/* A device's register interface. Offsets are relative to the region base.
 * read/write return 0, or a negative code to make the access fault (the hart
 * then raises a load/store access fault). size is 1, 2, 4 or 8. */
struct dev_ops {
    const char *name;
    int (*read)(void *opaque, uint64_t off, unsigned size, uint64_t *val);
    int (*write)(void *opaque, uint64_t off, unsigned size, uint64_t val);
    void (*reset)(void *opaque);
    void (*destroy)(void *opaque);
    /* Access sizes the device accepts, as an OR of the sizes (1|2|4|8);
     * 0 accepts all four. The bus refuses other sizes with an error (an
     * access fault for the hart) without calling the device. */
    unsigned access_sizes;
};

struct bus_region {
    uint64_t base, size;
    const struct dev_ops *ops;  /* NULL for a plain memory region (mem set) */
    void *opaque;
    uint8_t *mem;               /* ROM contents for a memory region (owned) */
};

#define BUS_MAX_REGIONS 32

struct bus {
    uint8_t *ram;          /* host memory backing guest RAM (owned) */
    uint64_t ram_base;
    uint64_t ram_size;
    struct bus_region regions[BUS_MAX_REGIONS];
    int nregions;
    struct machine *machine;
};

/* Allocates RAM (zeroed). Returns 0 or -ENOMEM. */
int bus_init(struct bus *b, uint64_t ram_base, uint64_t ram_size);
void bus_destroy(struct bus *b);

/* Registers a device region. The bus keeps ops and opaque (borrowed; the
 * device outlives the bus or is destroyed through ops->destroy by
 * bus_destroy). Returns 0, or -EINVAL on overlap or a full table. */
int bus_map(struct bus *b, uint64_t base, uint64_t size,
            const struct dev_ops *ops, void *opaque);

/* Registers a read-only memory region (the boot ROM): len bytes copied from
 * data, zero-padded to size. Harts may execute from it. Returns 0 or -errno. */
int bus_map_rom(struct bus *b, uint64_t base, uint64_t size,
                const void *data, uint64_t len);

/* Host pointer for fetching/reading len bytes at pa when they lie in RAM or
 * in a ROM region, else NULL. *writable tells whether stores may use it. */
uint8_t *bus_host_ptr(struct bus *b, uint64_t pa, uint64_t len, bool *writable);

/* Finds the region that owns addr, or NULL (RAM is not a region). The table
 * is kept sorted, so the pointer is valid until the next bus_map*. */
struct bus_region *bus_find(struct bus *b, uint64_t addr);

static inline bool bus_is_ram(const struct bus *b, uint64_t pa, uint64_t len)
{
    return pa >= b->ram_base && pa - b->ram_base < b->ram_size &&
           len <= b->ram_size - (pa - b->ram_base);
}

static inline uint8_t *bus_ram_ptr(const struct bus *b, uint64_t pa)
{
    return b->ram + (pa - b->ram_base);
}

/* Physical access to a device (not RAM; RAM goes through host pointers).
 * Returns 0, or a negative code when nothing answers or the device refuses. */
int bus_io_read(struct bus *b, uint64_t pa, unsigned size, uint64_t *val);
int bus_io_write(struct bus *b, uint64_t pa, unsigned size, uint64_t val);

/* Copies into/out of RAM for loaders and DMA. Returns 0 or -EFAULT when the
 * range is not entirely RAM. Writes invalidate translated code they cover. */
int bus_write_ram(struct bus *b, uint64_t pa, const void *src, uint64_t len);
int bus_read_ram(struct bus *b, uint64_t pa, void *dst, uint64_t len);

#endif
