/* Unit tests for bus.c, dev/finisher.c and dev/bootrom.c: region mapping and
 * lookup, refused overlaps, unmapped and wrongly sized accesses as errors,
 * ROM read-only, RAM copies invalidating translated code, destroy hooks;
 * the finisher's exit/reset codes and access sizes; the boot ROM words.
 * Set BOOTROM_DUMP=file to keep the ROM bytes for objdump. */
#include <stdlib.h>
#include <string.h>

#include "emu/dev/bootrom.h"
#include "emu/dev/finisher.h"
#include "emu/machine.h"
#include "stubs.h"
#include "unit.h"
#include "util.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (1ULL << 20)

struct fake {
    uint64_t last_off, last_val;
    unsigned last_size;
    int reads, writes, destroyed;
    int fail;                 /* make accesses fail with this code */
};

static int fake_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct fake *f = opaque;
    f->reads++;
    f->last_off = off;
    f->last_size = size;
    if (f->fail)
        return f->fail;
    *val = 0x1122334455667788ULL;   /* more bits than asked: the bus masks */
    return 0;
}

static int fake_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct fake *f = opaque;
    f->writes++;
    f->last_off = off;
    f->last_size = size;
    f->last_val = val;
    return f->fail;
}

static void fake_destroy(void *opaque)
{
    ((struct fake *)opaque)->destroyed++;
}

static const struct dev_ops fake_ops = {
    .name = "fake", .read = fake_read, .write = fake_write, .destroy = fake_destroy,
};
static const struct dev_ops fake4_ops = {
    .name = "fake4", .read = fake_read, .write = fake_write, .destroy = fake_destroy,
    .access_sizes = 4,
};

static void test_init(void)
{
    struct bus b;
    memset(&b, 0, sizeof(b));
    CHECK(bus_init(&b, RAM_BASE, 0) == -EINVAL, "0 bytes of RAM refused");
    CHECK(bus_init(&b, 0xfffffffffff00000ULL, 2ULL << 20) == -EINVAL, "wrapping RAM refused");
    bus_destroy(&b);    /* harmless after a failed init */
}

static void test_map_and_io(void)
{
    struct bus b;
    memset(&b, 0, sizeof(b));
    CHECK(bus_init(&b, RAM_BASE, RAM_SIZE) == 0, "bus_init");
    static struct fake f[BUS_MAX_REGIONS];
    memset(f, 0, sizeof(f));

    /* Mapped out of order; lookups must still find each one. */
    const uint64_t bases[] = { 0x10000000, 0x2000000, 0x100000, 0xc000000, 0x101000 };
    for (int i = 0; i < 5; i++)
        CHECK(bus_map(&b, bases[i], 0x1000, &fake_ops, &f[i]) == 0, "map %d", i);
    CHECK(bus_map(&b, 0x10000800, 0x1000, &fake_ops, &f[9]) == -EINVAL, "overlap refused");
    CHECK(bus_map(&b, 0xfffff000, 0x1000, &fake_ops, &f[9]) == 0, "a region above RAM is fine");
    CHECK(bus_map(&b, RAM_BASE + 0x1000, 0x1000, &fake_ops, &f[9]) == -EINVAL,
          "overlap with RAM refused");
    CHECK(bus_map(&b, 0x20000000, 0, &fake_ops, &f[9]) == -EINVAL, "empty region refused");
    CHECK(bus_map(&b, 0xfffffffffffff000ULL, 0x2000, &fake_ops, &f[9]) == -EINVAL,
          "wrapping region refused");
    CHECK(bus_map(&b, 0x30000000, 0x10, NULL, NULL) == -EINVAL, "NULL ops refused");
    for (int i = 0; i < 5; i++) {
        struct bus_region *r = bus_find(&b, bases[i] + 0xfff);
        CHECK(r && r->opaque == &f[i], "find region %d at its end", i);
        CHECK(bus_find(&b, bases[i] + 0x1000) == NULL || bases[i] + 0x1000 == 0x101000,
              "past region %d", i);
    }
    CHECK(bus_find(&b, 0x0) == NULL, "below every region");
    CHECK(bus_find(&b, 0xfff) == NULL, "gap");
    CHECK(bus_find(&b, RAM_BASE) == NULL, "RAM is not a region");
    for (int i = 1; i < b.nregions; i++)
        CHECK(b.regions[i - 1].base < b.regions[i].base, "table sorted at %d", i);

    uint64_t v = 0;
    CHECK(bus_io_read(&b, 0x10000010, 4, &v) == 0 && v == 0x55667788, "4-byte read masked");
    CHECK(f[0].last_off == 0x10 && f[0].last_size == 4, "offset and size passed");
    CHECK(bus_io_read(&b, 0x10000010, 1, &v) == 0 && v == 0x88, "1-byte read masked");
    CHECK(bus_io_read(&b, 0x10000010, 8, &v) == 0 && v == 0x1122334455667788ULL, "8-byte");
    CHECK(bus_io_write(&b, 0x2000008, 2, 0xabcdef) == 0 && f[1].last_val == 0xcdef,
          "2-byte write masked");
    CHECK(bus_io_read(&b, 0x3000, 4, &v) == -EFAULT, "unmapped read is an error");
    CHECK(bus_io_write(&b, 0x3000, 4, 0) == -EFAULT, "unmapped write is an error");
    CHECK(bus_io_read(&b, 0x10000ffc, 8, &v) == -EFAULT, "access crossing the region end");
    CHECK(bus_io_read(&b, 0x10000000, 3, &v) == -EINVAL, "size 3");
    CHECK(bus_io_read(&b, 0x10000000, 16, &v) == -EINVAL, "size 16");
    CHECK(bus_io_read(&b, RAM_BASE + RAM_SIZE - 4, 8, &v) < 0, "straddling RAM end");

    f[2].fail = -EIO;
    CHECK(bus_io_read(&b, 0x100000, 4, &v) == -EIO, "device error propagated (read)");
    CHECK(bus_io_write(&b, 0x100000, 4, 1) == -EIO, "device error propagated (write)");

    static struct fake f4;
    memset(&f4, 0, sizeof(f4));
    CHECK(bus_map(&b, 0x40000000, 0x100, &fake4_ops, &f4) == 0, "map 4-byte device");
    CHECK(bus_io_read(&b, 0x40000000, 1, &v) == -EINVAL, "refused size (read)");
    CHECK(bus_io_write(&b, 0x40000000, 8, 0) == -EINVAL, "refused size (write)");
    CHECK(f4.reads == 0 && f4.writes == 0, "refused accesses never reach the device");
    CHECK(bus_io_read(&b, 0x40000004, 4, &v) == 0 && f4.reads == 1, "accepted size");

    /* Fill the table. */
    int n = b.nregions, err = 0;
    for (int i = n; i < BUS_MAX_REGIONS && !err; i++)
        err = bus_map(&b, 0x50000000 + (uint64_t)i * 0x1000, 0x1000, &fake_ops, &f[10]);
    CHECK(err == 0 && b.nregions == BUS_MAX_REGIONS, "table fills up");
    CHECK(bus_map(&b, 0x60000000, 0x1000, &fake_ops, &f[10]) == -EINVAL, "full table refused");

    bus_destroy(&b);
    CHECK(f[0].destroyed == 1 && f[4].destroyed == 1 && f4.destroyed == 1,
          "destroy hooks called once");
    CHECK(f[10].destroyed == BUS_MAX_REGIONS - n, "destroy for every region");
    CHECK(b.ram == NULL && b.nregions == 0, "bus emptied");
}

static void test_ram_rom(void)
{
    struct machine *m = calloc(1, sizeof(*m));
    CHECK(bus_init(&m->bus, RAM_BASE, RAM_SIZE) == 0, "bus_init");
    struct bus *b = &m->bus;
    bool w = false;
    uint8_t *p = bus_host_ptr(b, RAM_BASE + 8, 8, &w);
    CHECK(p == b->ram + 8 && w, "RAM host pointer, writable");
    CHECK(bus_host_ptr(b, RAM_BASE + RAM_SIZE - 4, 8, &w) == NULL, "straddling RAM end");
    CHECK(b->ram[0] == 0 && b->ram[RAM_SIZE - 1] == 0, "RAM starts zeroed");

    stub_clear();
    const char msg[] = "hello";
    CHECK(bus_write_ram(b, RAM_BASE + 0x100, msg, 5) == 0, "write_ram");
    CHECK(stub_invalidate_calls == 0, "no invalidation without a machine");
    m->bus.machine = m;
    CHECK(bus_write_ram(b, RAM_BASE + 0x200, msg, 5) == 0, "write_ram");
    CHECK(stub_invalidate_calls == 1 && stub_invalidate_pa == RAM_BASE + 0x200 &&
          stub_invalidate_len == 5, "write_ram invalidates translated code");
    char back[6] = { 0 };
    CHECK(bus_read_ram(b, RAM_BASE + 0x200, back, 5) == 0 && strcmp(back, "hello") == 0,
          "read_ram");
    CHECK(bus_write_ram(b, RAM_BASE + RAM_SIZE - 2, msg, 5) == -EFAULT, "write past RAM");
    CHECK(bus_read_ram(b, 0x1000, back, 1) == -EFAULT, "read outside RAM");
    CHECK(stub_invalidate_calls == 1, "failed writes do not invalidate");

    const uint8_t rom[4] = { 1, 2, 3, 4 };
    CHECK(bus_map_rom(b, 0x1000, 0x10, rom, 8 + 10) == -EINVAL, "ROM data larger than ROM");
    CHECK(bus_map_rom(b, 0x1000, 0x1000, rom, sizeof(rom)) == 0, "map ROM");
    CHECK(bus_map_rom(b, 0x1800, 0x1000, rom, sizeof(rom)) == -EINVAL, "overlapping ROM");
    p = bus_host_ptr(b, 0x1000, 4, &w);
    CHECK(p && !w && memcmp(p, rom, 4) == 0, "ROM host pointer, read-only");
    CHECK(bus_host_ptr(b, 0x1ffc, 8, &w) == NULL, "straddling ROM end");
    uint64_t v = 0;
    CHECK(bus_io_read(b, 0x1000, 4, &v) == 0 && v == 0x04030201, "ROM io read");
    CHECK(bus_io_read(b, 0x1004, 4, &v) == 0 && v == 0, "ROM zero padding");
    CHECK(bus_io_write(b, 0x1000, 4, 0) < 0, "ROM write refused");

    /* Finisher. */
    CHECK(finisher_create(m, VIRT_TEST_BASE) == 0 && m->finisher, "finisher_create");
    stub_clear();
    CHECK(bus_io_read(b, VIRT_TEST_BASE, 4, &v) == 0 && v == 0, "finisher reads 0");
    CHECK(bus_io_write(b, VIRT_TEST_BASE, 4, 0x1234) == 0 && stub_exit_calls == 0,
          "other values ignored");
    CHECK(bus_io_write(b, VIRT_TEST_BASE + 4, 4, 0x5555) == 0 && stub_exit_calls == 0,
          "other offsets ignored");
    CHECK(bus_io_write(b, VIRT_TEST_BASE, 1, 0x55) < 0, "1-byte access refused (QEMU: 2..4)");
    CHECK(bus_io_write(b, VIRT_TEST_BASE, 8, 0x5555) < 0 && stub_exit_calls == 0,
          "8-byte access refused");
    CHECK(bus_io_write(b, VIRT_TEST_BASE, 4, 0x5555) == 0 && stub_exit_calls == 1 &&
          stub_exit_code == 0, "pass -> exit 0");
    CHECK(bus_io_write(b, VIRT_TEST_BASE, 4, 0x3333 | 7 << 16) == 0 && stub_exit_calls == 2 &&
          stub_exit_code == 7, "fail -> exit code 7 (%d)", stub_exit_code);
    CHECK(bus_io_write(b, VIRT_TEST_BASE, 4, 0x3333) == 0 && stub_exit_code == 0,
          "fail with code 0 -> 0, as QEMU");
    CHECK(bus_io_write(b, VIRT_TEST_BASE, 2, 0x5555) == 0 && stub_exit_calls == 4,
          "2-byte pass");
    CHECK(bus_io_write(b, VIRT_TEST_BASE, 4, 0x7777) == 0 && stub_reset_calls == 1,
          "reset");

    bus_destroy(b);
    free(m);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void test_bootrom(void)
{
    struct machine *m = calloc(1, sizeof(*m));
    CHECK(bus_init(&m->bus, RAM_BASE, RAM_SIZE) == 0, "bus_init");
    int r = bootrom_create(m, 0x80000000, 0x87e00000, 0x80200000, 1);
    CHECK(r == 0, "bootrom_create: %d", r);
    bool w = true;
    const uint8_t *rom = bus_host_ptr(&m->bus, VIRT_BOOTROM_BASE, 0x58, &w);
    CHECK(rom && !w, "ROM mapped read-only at 0x1000");
    if (rom) {
        /* The words QEMU's virt board puts there (hw/riscv/boot.c). */
        static const uint32_t code[6] = {
            0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067,
        };
        for (int i = 0; i < 6; i++)
            CHECK(le32(rom + 4 * i) == code[i], "insn %d: 0x%08x", i, le32(rom + 4 * i));
        CHECK(le64(rom + 0x18) == 0x80000000, "start address");
        CHECK(le64(rom + 0x20) == 0x87e00000, "fdt address");
        const uint64_t info[6] = { 0x4942534f, 2, 0x80200000, 1, 0, 0 };
        for (int i = 0; i < 6; i++)
            CHECK(le64(rom + 0x28 + 8 * i) == info[i], "fw_dynamic_info word %d", i);
        CHECK(le64(rom + 0x58) == 0, "zero after the info block");
        const char *dump = getenv("BOOTROM_DUMP");
        FILE *f = dump ? fopen(dump, "wb") : NULL;
        if (f) {
            fwrite(rom, 1, 0x58, f);
            fclose(f);
        }
    }
    CHECK(bus_host_ptr(&m->bus, VIRT_BOOTROM_BASE + VIRT_BOOTROM_SIZE - 8, 8, &w) != NULL,
          "ROM spans 0xf000 bytes");
    CHECK(bootrom_create(m, 0, 0, 0, 0) == -EINVAL, "second ROM refused");
    bus_destroy(&m->bus);
    free(m);
}

int main(void)
{
    test_init();
    test_map_and_io();
    test_ram_rom();
    test_bootrom();
    return unit_done("bus_test");
}
