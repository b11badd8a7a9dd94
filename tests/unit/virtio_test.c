/* Unit tests for dev/virtio.c, dev/virtio_blk.c and dev/virtio_rng.c, driven
 * through the bus like a guest driver would, over a fake 1 MiB RAM: empty
 * slots, the register window, feature negotiation, queue setup checks in
 * modern and legacy layout, descriptor chains (direct and indirect), used
 * ring and interrupt suppression, and every guest mistake the transport must
 * survive (NEEDS_RESET, never a crash); then virtio-blk on temporary images
 * (both write modes, errors, status values) and virtio-rng's consumer side. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/dev/virtio.h"
#include "emu/dev/virtio_blk.h"
#include "emu/dev/virtio_rng.h"
#include "emu/machine.h"
#include "stubs.h"
#include "unit.h"
#include "util.h"

#define RAM_BASE VIRT_DRAM_BASE
#define RAM_SIZE (1ULL << 20)
#define RAM_END  (RAM_BASE + RAM_SIZE)

/* Registers */
enum {
    MAGIC = 0x000, REG_VERSION = 0x004, DEVICE_ID = 0x008, VENDOR_ID = 0x00c,
    DEV_FEAT = 0x010, DEV_FEAT_SEL = 0x014, DRV_FEAT = 0x020, DRV_FEAT_SEL = 0x024,
    PAGE_SIZE = 0x028, QSEL = 0x030, QNUM_MAX = 0x034, QNUM = 0x038, QALIGN = 0x03c,
    QPFN = 0x040, QREADY = 0x044, QNOTIFY = 0x050, ISR = 0x060, ACK = 0x064,
    STATUS = 0x070, QDESC = 0x080, QDRIVER = 0x090, QDEVICE = 0x0a0, GEN = 0x0fc,
    CONFIG = 0x100,
};
#define F_NEXT 1
#define F_WRITE 2
#define F_INDIRECT 4
#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 0x40

static struct machine *m;
static int irq_level[VIRTIO_SLOTS + 1];

static void test_irq_set(void *opaque, int num, int level)
{
    CHECK(num >= 1 && num <= VIRTIO_SLOTS, "irq number %d", num);
    if (num >= 1 && num <= VIRTIO_SLOTS)
        irq_level[num] = level;
}

static struct irq_line slot_irq(int slot)
{
    struct irq_line l = { .set = test_irq_set, .opaque = NULL, .num = 1 + slot };
    return l;
}

/* ---- register and RAM access as the guest ----------------------------- */

static uint32_t rd(int slot, uint64_t off)
{
    uint64_t v = 0xdeadbeef;
    int r = bus_io_read(&m->bus, virtio_slot_base(slot) + off, 4, &v);
    CHECK(r == 0, "read slot %d reg 0x%llx: %d", slot, (unsigned long long)off, r);
    return (uint32_t)v;
}

static void wr(int slot, uint64_t off, uint32_t v)
{
    int r = bus_io_write(&m->bus, virtio_slot_base(slot) + off, 4, v);
    CHECK(r == 0, "write slot %d reg 0x%llx: %d", slot, (unsigned long long)off, r);
}

static uint8_t *ram(uint64_t pa)
{
    return bus_ram_ptr(&m->bus, pa);
}

static void put16(uint64_t pa, uint16_t v) { memcpy(ram(pa), &v, 2); }
static void put32(uint64_t pa, uint32_t v) { memcpy(ram(pa), &v, 4); }
static void put64(uint64_t pa, uint64_t v) { memcpy(ram(pa), &v, 8); }
static uint16_t get16(uint64_t pa) { uint16_t v; memcpy(&v, ram(pa), 2); return v; }
static uint32_t get32(uint64_t pa) { uint32_t v; memcpy(&v, ram(pa), 4); return v; }

/* ---- a tiny driver ------------------------------------------------------ */

struct drv {
    int slot;
    unsigned num;
    uint64_t desc, avail, used;
    uint16_t avail_idx;
};

static void set_desc(const struct drv *v, unsigned i, uint64_t addr, uint32_t len,
                     uint16_t flags, uint16_t next)
{
    uint64_t p = v->desc + 16ULL * i;
    put64(p, addr);
    put32(p + 8, len);
    put16(p + 12, flags);
    put16(p + 14, next);
}

static void make_avail(struct drv *v, uint16_t head)
{
    put16(v->avail + 4 + 2ULL * (v->avail_idx % v->num), head);
    v->avail_idx++;
    put16(v->avail + 2, v->avail_idx);
}

static uint16_t used_idx(const struct drv *v)
{
    return get16(v->used + 2);
}

static uint32_t used_id(const struct drv *v, uint16_t i)
{
    return get32(v->used + 4 + 8ULL * (i % v->num));
}

static uint32_t used_len(const struct drv *v, uint16_t i)
{
    return get32(v->used + 4 + 8ULL * (i % v->num) + 4);
}

/* Modern set-up of queue 0 with rings at ring_base; features as given.
 * Returns the status read back at the end. */
static uint32_t drv_init_modern(struct drv *v, int slot, unsigned num, uint64_t ring_base,
                                uint64_t features)
{
    memset(v, 0, sizeof(*v));
    v->slot = slot;
    v->num = num;
    v->desc = ring_base;
    v->avail = ring_base + 16ULL * num;
    v->used = (v->avail + 6 + 2ULL * num + 3) & ~3ULL;
    uint64_t ring_len = 16ULL * num + 6 + 2ULL * num + 8 + 6 + 8ULL * num;
    if (bus_is_ram(&m->bus, ring_base, ring_len))
        memset(ram(ring_base), 0, ring_len);
    wr(slot, STATUS, 0);
    wr(slot, STATUS, S_ACK);
    wr(slot, STATUS, S_ACK | S_DRIVER);
    wr(slot, DRV_FEAT_SEL, 0);
    wr(slot, DRV_FEAT, (uint32_t)features);
    wr(slot, DRV_FEAT_SEL, 1);
    wr(slot, DRV_FEAT, (uint32_t)(features >> 32));
    wr(slot, STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    wr(slot, QSEL, 0);
    wr(slot, QNUM, num);
    wr(slot, QDESC, (uint32_t)v->desc);
    wr(slot, QDESC + 4, (uint32_t)(v->desc >> 32));
    wr(slot, QDRIVER, (uint32_t)v->avail);
    wr(slot, QDRIVER + 4, (uint32_t)(v->avail >> 32));
    wr(slot, QDEVICE, (uint32_t)v->used);
    wr(slot, QDEVICE + 4, (uint32_t)(v->used >> 32));
    wr(slot, QREADY, 1);
    wr(slot, STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    return rd(slot, STATUS);
}

/* ---- a test backend ----------------------------------------------------- */

/* Echo device: copies its readable part into its writable part and reports
 * how much it wrote. Two queues, 8 bytes of config (the second word
 * writable). */
struct echo {
    int notifies, resets, destroyed;
    unsigned last_q;
    uint32_t cfg[2];
};

static uint64_t echo_features(void *opaque)
{
    return 1ULL << 0 | 1ULL << 5 | 1ULL << VIRTIO_F_INDIRECT_DESC |
           1ULL << VIRTIO_F_EVENT_IDX;
}

static uint32_t echo_config_read(void *opaque, uint32_t off, unsigned size)
{
    struct echo *e = opaque;
    uint8_t b[8];
    memcpy(b, e->cfg, 8);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)b[off + i] << (8 * i);
    return v;
}

static void echo_config_write(void *opaque, uint32_t off, unsigned size, uint32_t val)
{
    struct echo *e = opaque;
    if (off == 4 && size == 4)
        e->cfg[1] = val;
}

static void echo_notify(void *opaque, struct virtio_dev *d, unsigned q)
{
    struct echo *e = opaque;
    struct virtio_req req;
    uint8_t buf[4096];
    e->notifies++;
    e->last_q = q;
    while (virtio_queue_pop(d, q, &req) > 0) {
        uint64_t n = req.out_len < req.in_len ? req.out_len : req.in_len;
        if (n > sizeof(buf))
            n = sizeof(buf);
        CHECK(virtio_req_read(d, &req, 0, buf, n) == 0, "echo read");
        CHECK(virtio_req_write(d, &req, 0, buf, n) == 0, "echo write");
        CHECK(virtio_req_read(d, &req, req.out_len, buf, 1) == -EINVAL, "read past the readable part");
        CHECK(virtio_req_write(d, &req, req.in_len, buf, 1) == -EINVAL, "write past the writable part");
        virtio_queue_push(d, q, &req, (uint32_t)n);
    }
    virtio_queue_flush(d, q);
}

static void echo_reset(void *opaque)
{
    ((struct echo *)opaque)->resets++;
}

static void echo_destroy(void *opaque)
{
    ((struct echo *)opaque)->destroyed++;
}

static const struct virtio_backend echo_backend = {
    .name = "echo", .device_id = 0x42, .nqueues = 2, .queue_size = 16,
    .config_size = 8, .features = echo_features, .config_read = echo_config_read,
    .config_write = echo_config_write, .queue_notify = echo_notify,
    .reset = echo_reset, .destroy = echo_destroy,
};

static struct echo echo;
static struct virtio_dev *echo_dev;
#define ESLOT 3
#define RING 0x80010000ULL
#define BUF  0x80080000ULL
#define FEAT_MODERN (1ULL << VIRTIO_F_VERSION_1)

/* ---- tests -------------------------------------------------------------- */

static void test_empty_slot(void)
{
    CHECK(rd(0, MAGIC) == VIRTIO_MAGIC, "magic");
    CHECK(rd(0, REG_VERSION) == 1, "an empty slot is legacy by default");
    CHECK(rd(0, VENDOR_ID) == VIRTIO_VENDOR_QEMU, "vendor");
    CHECK(rd(0, DEVICE_ID) == 0, "no device");
    wr(0, STATUS, 7);
    CHECK(rd(0, STATUS) == 0, "writes ignored");
    CHECK(rd(0, CONFIG) == 0, "config of an empty slot reads 0");
    uint64_t v;
    CHECK(bus_io_read(&m->bus, virtio_slot_base(0) + 0x200, 4, &v) < 0,
          "past the 0x200 window faults");
    CHECK(bus_io_read(&m->bus, virtio_slot_base(0) + 0xffc, 4, &v) < 0,
          "end of the slot faults");
    CHECK(bus_io_read(&m->bus, virtio_slot_base(0) + 2, 4, &v) < 0, "misaligned faults");
}

static void test_registers(void)
{
    CHECK(rd(ESLOT, MAGIC) == VIRTIO_MAGIC, "magic");
    CHECK(rd(ESLOT, REG_VERSION) == 2, "modern");
    CHECK(rd(ESLOT, DEVICE_ID) == 0x42, "device id");
    wr(ESLOT, DEV_FEAT_SEL, 0);
    CHECK(rd(ESLOT, DEV_FEAT) == (1u << 0 | 1u << 5 | 1u << 28 | 1u << 29),
          "features low 0x%x", rd(ESLOT, DEV_FEAT));
    wr(ESLOT, DEV_FEAT_SEL, 1);
    CHECK(rd(ESLOT, DEV_FEAT) == 1, "VERSION_1 in the high word");
    wr(ESLOT, DEV_FEAT_SEL, 0);

    /* Sub-word register accesses read 0 and are ignored (QEMU). */
    uint64_t v = 1;
    CHECK(bus_io_read(&m->bus, virtio_slot_base(ESLOT) + MAGIC, 2, &v) == 0 && v == 0,
          "16-bit register read is 0");
    /* Config: in range, sizes 1/2/4/8, past the end all-ones. */
    echo.cfg[0] = 0x44332211;
    echo.cfg[1] = 0x88776655;
    CHECK(bus_io_read(&m->bus, virtio_slot_base(ESLOT) + CONFIG + 1, 1, &v) == 0 && v == 0x22,
          "config byte 0x%llx", (unsigned long long)v);
    CHECK(bus_io_read(&m->bus, virtio_slot_base(ESLOT) + CONFIG + 2, 2, &v) == 0 && v == 0x4433,
          "config half");
    CHECK(bus_io_read(&m->bus, virtio_slot_base(ESLOT) + CONFIG, 8, &v) == 0 &&
          v == 0x8877665544332211ULL, "config 64-bit read split in two");
    CHECK(rd(ESLOT, CONFIG + 8) == 0xffffffffu, "config past its size reads all-ones");
    wr(ESLOT, CONFIG + 4, 0x12345678);
    CHECK(echo.cfg[1] == 0x12345678, "config write");
    wr(ESLOT, CONFIG + 8, 1);       /* past the end: dropped */
    CHECK(bus_io_write(&m->bus, virtio_slot_base(ESLOT) + CONFIG, 8, 0xcafef00d00000001ULL) == 0 &&
          echo.cfg[1] == 0xcafef00d, "64-bit config write split in two");
    CHECK(rd(ESLOT, GEN) == 0, "config generation");

    wr(ESLOT, QSEL, 0);
    CHECK(rd(ESLOT, QNUM_MAX) == VIRTIO_QUEUE_MAX_SIZE, "QueueNumMax");
    wr(ESLOT, QSEL, 2);
    CHECK(rd(ESLOT, QNUM_MAX) == 0, "no third queue");
    wr(ESLOT, QSEL, 0);
}

static void test_features(void)
{
    /* Asking for an unoffered bit: dropped, FEATURES_OK kept (QEMU). */
    wr(ESLOT, STATUS, 0);
    wr(ESLOT, STATUS, S_ACK | S_DRIVER);
    wr(ESLOT, DRV_FEAT_SEL, 0);
    wr(ESLOT, DRV_FEAT, 1u << 1 | 1u << 5);
    wr(ESLOT, DRV_FEAT_SEL, 1);
    wr(ESLOT, DRV_FEAT, 1);
    wr(ESLOT, STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    CHECK(rd(ESLOT, STATUS) & S_FEATURES_OK, "FEATURES_OK kept");
    CHECK(!virtio_has_feature(echo_dev, 1) && virtio_has_feature(echo_dev, 5),
          "unoffered bit dropped");
    /* Frozen after FEATURES_OK. */
    wr(ESLOT, DRV_FEAT_SEL, 0);
    wr(ESLOT, DRV_FEAT, 1u << 0);
    CHECK(!virtio_has_feature(echo_dev, 0) && virtio_has_feature(echo_dev, 5),
          "features frozen after FEATURES_OK");
    /* xv6: only the low word written (no VERSION_1), FEATURES_OK expected. */
    wr(ESLOT, STATUS, 0);
    wr(ESLOT, STATUS, S_ACK | S_DRIVER);
    wr(ESLOT, DRV_FEAT, 1u << 5);
    wr(ESLOT, STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    CHECK(rd(ESLOT, STATUS) & S_FEATURES_OK, "a driver without VERSION_1 is served");
    CHECK(virtio_has_feature(echo_dev, 5) && !virtio_has_feature(echo_dev, VIRTIO_F_VERSION_1),
          "low word only");
    /* A proper subset with VERSION_1. */
    wr(ESLOT, STATUS, 0);
    wr(ESLOT, STATUS, S_ACK | S_DRIVER);
    wr(ESLOT, DRV_FEAT_SEL, 0);
    wr(ESLOT, DRV_FEAT, 1u << 5);
    wr(ESLOT, DRV_FEAT_SEL, 1);
    wr(ESLOT, DRV_FEAT, 1);
    wr(ESLOT, STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    CHECK(rd(ESLOT, STATUS) & S_FEATURES_OK, "features accepted");
    CHECK(virtio_has_feature(echo_dev, 5) && virtio_has_feature(echo_dev, VIRTIO_F_VERSION_1) &&
          !virtio_has_feature(echo_dev, 0), "negotiated set");
    wr(ESLOT, STATUS, 0);
    CHECK(!virtio_has_feature(echo_dev, 5), "reset clears features");
    CHECK(echo.resets > 0, "backend reset on status 0");
}

/* Expect the device to have just failed: NEEDS_RESET, the config interrupt
 * when the driver was OK, one more error; then reset it. */
static void expect_failed(const char *what, unsigned errs_before, bool driver_ok)
{
    uint32_t st = rd(ESLOT, STATUS);
    CHECK(st & S_NEEDS_RESET, "%s: NEEDS_RESET (status 0x%x)", what, st);
    CHECK(virtio_error_count(echo_dev) > errs_before, "%s: error counted", what);
    if (driver_ok) {
        CHECK(rd(ESLOT, ISR) & VIRTIO_INT_CONFIG, "%s: config interrupt", what);
        CHECK(irq_level[1 + ESLOT] == 1, "%s: line raised", what);
    }
    /* The driver cannot clear NEEDS_RESET by writing status. */
    wr(ESLOT, STATUS, st & ~S_NEEDS_RESET);
    CHECK(rd(ESLOT, STATUS) & S_NEEDS_RESET, "%s: NEEDS_RESET sticks", what);
    wr(ESLOT, STATUS, 0);
    CHECK(rd(ESLOT, STATUS) == 0 && rd(ESLOT, ISR) == 0 && irq_level[1 + ESLOT] == 0,
          "%s: reset clears it", what);
}

static void test_queue_setup_errors(void)
{
    struct drv v;
    unsigned e;

    e = virtio_error_count(echo_dev);
    CHECK(drv_init_modern(&v, ESLOT, 16, RING, FEAT_MODERN) == 0xf, "good set-up");
    wr(ESLOT, QSEL, 0);
    CHECK(rd(ESLOT, QREADY) == 1, "queue ready");
    CHECK(virtio_error_count(echo_dev) == e, "no error for a good set-up");

    static const struct { unsigned num; uint64_t ring; const char *what; } bad[] = {
        { 3, RING, "size 3 (not a power of two)" },
        { 0, RING, "size 0" },
        { 2048, RING, "size past QueueNumMax" },
        { 16, RING + 8, "misaligned descriptor table" },
        { 16, RAM_END - 64, "rings running off the end of RAM" },
        { 16, 0x1000, "rings outside RAM" },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        e = virtio_error_count(echo_dev);
        drv_init_modern(&v, ESLOT, bad[i].num, bad[i].ring, FEAT_MODERN);
        wr(ESLOT, QSEL, 0);
        CHECK(rd(ESLOT, QREADY) == 0, "%s: queue not ready", bad[i].what);
        /* The failure happened before DRIVER_OK: no interrupt for it. */
        expect_failed(bad[i].what, e, false);
    }

    /* Notify of a queue that is not ready (queue 1) and of no queue (7). */
    for (uint32_t qn = 1; qn <= 7; qn += 6) {
        e = virtio_error_count(echo_dev);
        drv_init_modern(&v, ESLOT, 16, RING, FEAT_MODERN);
        wr(ESLOT, QNOTIFY, qn);
        expect_failed("notify of a queue that is not ready", e, true);
    }
}

static void test_requests(void)
{
    struct drv v;
    int before;

    drv_init_modern(&v, ESLOT, 16, RING, FEAT_MODERN | 1ULL << VIRTIO_F_INDIRECT_DESC);
    /* A three-descriptor chain: 2 readable, 1 writable, out of order in the table. */
    memcpy(ram(BUF), "hello, ", 7);
    memcpy(ram(BUF + 0x100), "virtio", 6);
    memset(ram(BUF + 0x200), 0, 64);
    set_desc(&v, 5, BUF, 7, F_NEXT, 9);
    set_desc(&v, 9, BUF + 0x100, 6, F_NEXT, 2);
    set_desc(&v, 2, BUF + 0x200, 64, F_WRITE, 0);
    make_avail(&v, 5);
    before = echo.notifies;
    wr(ESLOT, QNOTIFY, 0);
    CHECK(echo.notifies == before + 1, "backend notified");
    CHECK(used_idx(&v) == 1, "used idx %u", used_idx(&v));
    CHECK(used_id(&v, 0) == 5 && used_len(&v, 0) == 13, "used elem (%u, %u)",
          used_id(&v, 0), used_len(&v, 0));
    CHECK(memcmp(ram(BUF + 0x200), "hello, virtio", 13) == 0, "data gathered and scattered");
    CHECK(rd(ESLOT, ISR) == VIRTIO_INT_USED && irq_level[1 + ESLOT] == 1, "used interrupt");
    wr(ESLOT, ACK, VIRTIO_INT_USED);
    CHECK(rd(ESLOT, ISR) == 0 && irq_level[1 + ESLOT] == 0, "ACK lowers the line");
    CHECK(stub_invalidate_calls > 0, "DMA writes go through bus_write_ram");

    /* An indirect table of two entries. */
    uint64_t tbl = BUF + 0x1000;
    put64(tbl, BUF);
    put32(tbl + 8, 5);
    put16(tbl + 12, F_NEXT);
    put16(tbl + 14, 1);
    put64(tbl + 16, BUF + 0x300);
    put32(tbl + 24, 16);
    put16(tbl + 28, F_WRITE);
    put16(tbl + 30, 0);
    set_desc(&v, 0, tbl, 32, F_INDIRECT, 0);
    make_avail(&v, 0);
    wr(ESLOT, QNOTIFY, 0);
    CHECK(used_idx(&v) == 2 && used_id(&v, 1) == 0 && used_len(&v, 1) == 5, "indirect chain");
    CHECK(memcmp(ram(BUF + 0x300), "hello", 5) == 0, "indirect data");

    /* NO_INTERRUPT suppresses the used interrupt. */
    wr(ESLOT, ACK, 3);
    put16(v.avail, 1);
    set_desc(&v, 1, BUF, 4, F_NEXT, 3);
    set_desc(&v, 3, BUF + 0x400, 4, F_WRITE, 0);
    make_avail(&v, 1);
    wr(ESLOT, QNOTIFY, 0);
    CHECK(used_idx(&v) == 3, "processed");
    CHECK(rd(ESLOT, ISR) == 0, "NO_INTERRUPT respected");
    put16(v.avail, 0);

    /* Notified before DRIVER_OK: processed when DRIVER_OK is set. */
    drv_init_modern(&v, ESLOT, 16, RING, FEAT_MODERN);
    wr(ESLOT, STATUS, 0);
    wr(ESLOT, STATUS, S_ACK | S_DRIVER);
    wr(ESLOT, DRV_FEAT_SEL, 1);
    wr(ESLOT, DRV_FEAT, 1);
    wr(ESLOT, STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    wr(ESLOT, QNUM, 16);
    wr(ESLOT, QDESC, (uint32_t)v.desc);
    wr(ESLOT, QDRIVER, (uint32_t)v.avail);
    wr(ESLOT, QDEVICE, (uint32_t)v.used);
    wr(ESLOT, QREADY, 1);
    set_desc(&v, 0, BUF, 4, F_NEXT, 1);
    set_desc(&v, 1, BUF + 0x500, 4, F_WRITE, 0);
    make_avail(&v, 0);
    wr(ESLOT, QNOTIFY, 0);
    CHECK(used_idx(&v) == 0, "nothing used before DRIVER_OK");
    wr(ESLOT, STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    CHECK(used_idx(&v) == 1, "taken at DRIVER_OK");
}

static void test_event_idx(void)
{
    struct drv v;
    drv_init_modern(&v, ESLOT, 16, RING, FEAT_MODERN | 1ULL << VIRTIO_F_EVENT_IDX);
    uint64_t used_event = v.avail + 4 + 2 * 16;
    uint64_t avail_event = v.used + 4 + 8 * 16;
    set_desc(&v, 0, BUF, 4, F_NEXT, 1);
    set_desc(&v, 1, BUF + 0x500, 4, F_WRITE, 0);
    /* First completion always interrupts. */
    make_avail(&v, 0);
    wr(ESLOT, QNOTIFY, 0);
    CHECK(rd(ESLOT, ISR) == 1, "first used interrupt");
    CHECK(get16(avail_event) == 1, "avail_event written (%u)", get16(avail_event));
    wr(ESLOT, ACK, 1);
    /* used_event = 5: the driver wants to hear when entry 5 is used. */
    put16(used_event, 5);
    for (int i = 0; i < 4; i++) {
        make_avail(&v, 0);
        wr(ESLOT, QNOTIFY, 0);
        CHECK(rd(ESLOT, ISR) == 0, "suppressed before the event (used %u)", used_idx(&v));
    }
    make_avail(&v, 0);
    wr(ESLOT, QNOTIFY, 0);
    CHECK(used_idx(&v) == 6 && rd(ESLOT, ISR) == 1, "interrupt when used passes the event");
    wr(ESLOT, ACK, 1);
}

/* Each malformed request: the device fails, survives, and works again after
 * a reset. */
static void test_malformed(void)
{
    struct drv v;
    static const char *const cases[] = {
        "head index past the queue", "next index past the queue", "descriptor loop",
        "buffer outside RAM", "buffer running off the end of RAM", "zero-length buffer",
        "readable after writable", "avail index jump", "indirect without the feature",
        "indirect table size", "indirect table outside RAM", "nested indirect",
        "loop inside an indirect table", "huge address", "indirect with NEXT",
    };
    for (unsigned c = 0; c < ARRAY_SIZE(cases); c++) {
        uint64_t feat = FEAT_MODERN;
        if (c != 8)
            feat |= 1ULL << VIRTIO_F_INDIRECT_DESC;
        CHECK(drv_init_modern(&v, ESLOT, 16, RING, feat) == 0xf, "%s: set-up", cases[c]);
        unsigned e = virtio_error_count(echo_dev);
        uint64_t tbl = BUF + 0x1000;
        uint16_t head = 0;
        set_desc(&v, 0, BUF, 4, F_NEXT, 1);
        set_desc(&v, 1, BUF + 0x100, 4, F_WRITE, 0);
        switch (c) {
        case 0: head = 16; break;
        case 1: set_desc(&v, 0, BUF, 4, F_NEXT, 200); break;
        case 2: set_desc(&v, 1, BUF + 0x100, 4, F_WRITE | F_NEXT, 0); break;
        case 3: set_desc(&v, 1, 0x1000, 4, F_WRITE, 0); break;
        case 4: set_desc(&v, 1, RAM_END - 2, 4, F_WRITE, 0); break;
        case 5: set_desc(&v, 1, BUF, 0, F_WRITE, 0); break;
        case 6: set_desc(&v, 0, BUF, 4, F_WRITE | F_NEXT, 1);
                set_desc(&v, 1, BUF + 0x100, 4, 0, 0); break;
        case 7: break;
        case 8: set_desc(&v, 0, tbl, 32, F_INDIRECT, 0); break;
        case 9: set_desc(&v, 0, tbl, 24, F_INDIRECT, 0); break;
        case 10: set_desc(&v, 0, RAM_END - 16, 32, F_INDIRECT, 0); break;
        case 11:
            set_desc(&v, 0, tbl, 16, F_INDIRECT, 0);
            put64(tbl, tbl);
            put32(tbl + 8, 16);
            put16(tbl + 12, F_INDIRECT);
            break;
        case 12:
            set_desc(&v, 0, tbl, 32, F_INDIRECT, 0);
            put64(tbl, BUF);
            put32(tbl + 8, 4);
            put16(tbl + 12, F_NEXT);
            put16(tbl + 14, 1);
            put64(tbl + 16, BUF);
            put32(tbl + 24, 4);
            put16(tbl + 28, F_NEXT);
            put16(tbl + 30, 0);
            break;
        case 13: set_desc(&v, 1, 0xfffffffffffff000ULL, 0x2000, F_WRITE, 0); break;
        case 14: set_desc(&v, 0, tbl, 32, F_INDIRECT | F_NEXT, 1); break;
        }
        if (c == 7) {
            put16(v.avail + 2, 40);     /* 40 new entries in a 16-entry ring */
        } else {
            make_avail(&v, head);
        }
        uint16_t used_before = used_idx(&v);
        wr(ESLOT, QNOTIFY, 0);
        CHECK(used_idx(&v) == used_before, "%s: nothing used", cases[c]);
        CHECK(rd(ESLOT, ISR) == VIRTIO_INT_CONFIG, "%s: only the config interrupt (isr %u)",
              cases[c], rd(ESLOT, ISR));
        expect_failed(cases[c], e, true);
        /* A broken device ignores further notifications. */
    }
    /* And after all that, it still works. */
    CHECK(drv_init_modern(&v, ESLOT, 16, RING, FEAT_MODERN) == 0xf, "set-up after errors");
    set_desc(&v, 0, BUF, 4, F_NEXT, 1);
    set_desc(&v, 1, BUF + 0x100, 4, F_WRITE, 0);
    make_avail(&v, 0);
    wr(ESLOT, QNOTIFY, 0);
    CHECK(used_idx(&v) == 1, "works again after reset");

    /* Once broken, notifications do nothing until reset. */
    put16(v.avail + 2, 100);
    wr(ESLOT, QNOTIFY, 0);
    CHECK(rd(ESLOT, STATUS) & S_NEEDS_RESET, "broken by the index jump");
    unsigned e = virtio_error_count(echo_dev);
    int n = echo.notifies;
    wr(ESLOT, QNOTIFY, 0);
    CHECK(echo.notifies == n && virtio_error_count(echo_dev) == e, "a broken device is quiet");
    wr(ESLOT, STATUS, 0);
}

/* Legacy layout: GuestPageSize, QueueAlign, QueuePFN. */
static void test_legacy(void)
{
    virtio_set_legacy(echo_dev, true);
    CHECK(rd(ESLOT, REG_VERSION) == 1, "legacy version");
    wr(ESLOT, DEV_FEAT_SEL, 1);
    CHECK(rd(ESLOT, DEV_FEAT) == 0, "no high feature word in legacy mode");
    wr(ESLOT, DEV_FEAT_SEL, 0);
    wr(ESLOT, PAGE_SIZE, 4096);
    wr(ESLOT, STATUS, 0);           /* a status reset keeps the page size */
    wr(ESLOT, STATUS, S_ACK | S_DRIVER);
    wr(ESLOT, DRV_FEAT, 1u << 5 | 1u << 1);
    CHECK(virtio_has_feature(echo_dev, 5) && !virtio_has_feature(echo_dev, 1),
          "legacy features masked by the offer");
    wr(ESLOT, QSEL, 0);
    wr(ESLOT, QNUM, 8);
    wr(ESLOT, QALIGN, 4096);
    uint64_t base = 0x80020000ULL;
    memset(ram(base), 0, 0x3000);
    wr(ESLOT, QPFN, (uint32_t)(base >> 12));
    CHECK(rd(ESLOT, QPFN) == base >> 12, "PFN reads back");
    CHECK(rd(ESLOT, QREADY) == 0, "QueueReady is not a legacy register");
    wr(ESLOT, STATUS, S_ACK | S_DRIVER | S_DRIVER_OK);
    struct drv v = { .slot = ESLOT, .num = 8, .desc = base, .avail = base + 16 * 8,
                     .used = base + 4096 };
    set_desc(&v, 0, BUF, 4, F_NEXT, 1);
    set_desc(&v, 1, BUF + 0x100, 4, F_WRITE, 0);
    make_avail(&v, 0);
    wr(ESLOT, QNOTIFY, 0);
    CHECK(used_idx(&v) == 1 && used_id(&v, 0) == 0, "legacy used ring at the aligned offset");
    CHECK(rd(ESLOT, ISR) == 1, "legacy interrupt");
    wr(ESLOT, ACK, 1);

    unsigned e = virtio_error_count(echo_dev);
    wr(ESLOT, STATUS, 0);
    wr(ESLOT, QNUM, 8);
    wr(ESLOT, QALIGN, 3000);
    wr(ESLOT, QPFN, (uint32_t)(base >> 12));
    CHECK(rd(ESLOT, STATUS) & S_NEEDS_RESET, "QueueAlign not a power of two");
    CHECK(virtio_error_count(echo_dev) > e, "counted");
    wr(ESLOT, STATUS, 0);
    wr(ESLOT, QNUM, 8);
    wr(ESLOT, QPFN, 0x7ffff);       /* 0x7ffff000: below RAM */
    CHECK(rd(ESLOT, STATUS) & S_NEEDS_RESET, "legacy ring outside RAM");
    wr(ESLOT, STATUS, 0);
    wr(ESLOT, QNUM, 8);
    wr(ESLOT, QPFN, (uint32_t)((RAM_END - 4096) >> 12));
    CHECK(rd(ESLOT, STATUS) & S_NEEDS_RESET, "legacy used ring past the end of RAM");
    wr(ESLOT, STATUS, 0);

    /* The page size survives status resets but not a machine reset. */
    struct bus_region *r = bus_find(&m->bus, virtio_slot_base(ESLOT));
    CHECK(r != NULL, "region");
    r->ops->reset(r->opaque);
    wr(ESLOT, QNUM, 8);
    wr(ESLOT, QPFN, (uint32_t)(base >> 12));
    CHECK(rd(ESLOT, QPFN) == base >> 12, "pfn kept");
    wr(ESLOT, STATUS, S_ACK | S_DRIVER | S_DRIVER_OK);
    /* page shift 0 now: the rings are at 0x80020 itself, outside RAM */
    CHECK(rd(ESLOT, STATUS) & S_NEEDS_RESET, "machine reset forgot the page size");
    wr(ESLOT, STATUS, 0);
    virtio_set_legacy(echo_dev, false);
}

/* ---- virtio-blk --------------------------------------------------------- */

#define BSLOT 7
static char img_path[64];

static void make_image(uint64_t size)
{
    int fd = open(img_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "temp image");
    uint8_t *buf = malloc(size);
    for (uint64_t i = 0; i < size; i++)
        buf[i] = (uint8_t)(i / 512 * 7 + i % 512);
    CHECK(write(fd, buf, size) == (ssize_t)size, "fill image");
    close(fd);
    free(buf);
}

static uint8_t image_byte(uint64_t off)
{
    uint8_t b = 0xee;
    int fd = open(img_path, O_RDONLY);
    CHECK(pread(fd, &b, 1, off) == 1, "read back image");
    close(fd);
    return b;
}

/* Sends one request: header, data (out or in), status. Returns the status. */
static uint8_t blk_req(struct drv *v, uint32_t type, uint64_t sector, uint64_t data,
                       uint32_t len, bool data_in)
{
    uint64_t hdr = BUF + 0x8000, st = BUF + 0x8100;
    put32(hdr, type);
    put32(hdr + 4, 0);
    put64(hdr + 8, sector);
    *ram(st) = 0xaa;
    set_desc(v, 0, hdr, 16, F_NEXT, 1);
    if (len) {
        set_desc(v, 1, data, len, F_NEXT | (data_in ? F_WRITE : 0), 2);
        set_desc(v, 2, st, 1, F_WRITE, 0);
    } else {
        set_desc(v, 1, st, 1, F_WRITE, 0);
    }
    make_avail(v, 0);
    uint16_t u = used_idx(v);
    wr(v->slot, QNOTIFY, 0);
    CHECK(used_idx(v) == (uint16_t)(u + 1), "blk request %u completed", type);
    CHECK(used_len(v, u) == (data_in ? len : 0) + 1, "blk used len %u", used_len(v, u));
    wr(v->slot, ACK, 1);
    return *ram(st);
}

static void test_blk_errors(void)
{
    struct virtio_dev *d;
    rp_error_clear();
    CHECK(virtio_blk_create(m, BSLOT, "/nonexistent/disk.img", true, slot_irq(BSLOT), &d) == -ENOENT,
          "missing file");
    CHECK(strstr(rp_strerror(-ENOENT), "/nonexistent/disk.img") != NULL, "message names it: %s",
          rp_strerror(-ENOENT));
    make_image(1000);
    CHECK(virtio_blk_create(m, BSLOT, img_path, true, slot_irq(BSLOT), &d) == -EINVAL,
          "not a multiple of 512");
    CHECK(strstr(rp_strerror(-EINVAL), "512") != NULL, "message: %s", rp_strerror(-EINVAL));
    make_image(0);
    CHECK(virtio_blk_create(m, BSLOT, img_path, false, slot_irq(BSLOT), &d) == -EINVAL, "empty");
    CHECK(virtio_blk_create(m, BSLOT, "/tmp", true, slot_irq(BSLOT), &d) < 0, "a directory");
    CHECK(bus_find(&m->bus, virtio_slot_base(BSLOT)) == NULL, "nothing mapped after failures");
}

static void test_blk(bool overlay)
{
    struct virtio_dev *d;
    struct drv v;
    const uint64_t size = 64 * 1024 + 512;   /* 129 sectors: a partial 4 KiB block */
    make_image(size);
    int r = virtio_blk_create(m, BSLOT, img_path, overlay, slot_irq(BSLOT), &d);
    CHECK(r == 0, "virtio_blk_create: %s", rp_strerror(r));
    if (r)
        return;
    virtio_set_legacy(d, false);
    CHECK(rd(BSLOT, DEVICE_ID) == 2, "block device");
    CHECK(rd(BSLOT, CONFIG) == 129 && rd(BSLOT, CONFIG + 4) == 0, "capacity");
    CHECK(rd(BSLOT, CONFIG + 20) == 512, "blk_size");
    wr(BSLOT, DEV_FEAT_SEL, 0);
    uint32_t f = rd(BSLOT, DEV_FEAT);
    CHECK(f & (1u << 9), "FLUSH offered");
    CHECK(drv_init_modern(&v, BSLOT, 16, RING, FEAT_MODERN | (f & 1u << 9)) == 0xf, "blk set-up");

    uint64_t data = BUF + 0x10000;
    /* Read sectors 3..4. */
    memset(ram(data), 0, 1024);
    CHECK(blk_req(&v, 0, 3, data, 1024, true) == 0, "read OK");
    CHECK(*ram(data) == (uint8_t)(3 * 7) && *ram(data + 513) == (uint8_t)(4 * 7 + 1),
          "read data");
    /* Write sector 128 (the last, in the partial 4 KiB block) and 5. */
    memset(ram(data), 0x5a, 512);
    CHECK(blk_req(&v, 1, 128, data, 512, false) == 0, "write OK");
    memset(ram(data), 0xa5, 512);
    CHECK(blk_req(&v, 1, 5, data, 512, false) == 0, "write OK");
    memset(ram(data), 0, 1536);
    CHECK(blk_req(&v, 0, 4, data, 1536, true) == 0, "read back");
    CHECK(*ram(data) == (uint8_t)(4 * 7) && *ram(data + 512) == 0xa5 &&
          *ram(data + 1023) == 0xa5 && *ram(data + 1024) == (uint8_t)(6 * 7),
          "written sector between untouched ones");
    CHECK(blk_req(&v, 0, 128, data, 512, true) == 0 && *ram(data + 511) == 0x5a,
          "last sector");
    CHECK(image_byte(5 * 512) == (overlay ? (uint8_t)(5 * 7) : 0xa5),
          "image %s", overlay ? "untouched in overlay mode" : "written through");
    /* Errors and other types. */
    CHECK(blk_req(&v, 0, 129, data, 512, true) == 1, "read past the end: IOERR");
    CHECK(blk_req(&v, 1, 128, data, 1024, false) == 1, "write across the end: IOERR");
    CHECK(blk_req(&v, 0, UINT64_MAX, data, 512, true) == 1, "huge sector: IOERR");
    CHECK(blk_req(&v, 0, 0, data, 100, true) == 1, "partial sector: IOERR");
    CHECK(blk_req(&v, 4, 0, 0, 0, false) == 0, "flush OK");
    memset(ram(data), 0x77, 20);
    CHECK(blk_req(&v, 8, 0, data, 20, true) == 0, "GET_ID OK");
    CHECK(*ram(data) == 0 && *ram(data + 1) == 0x77, "empty serial, as QEMU");
    CHECK(blk_req(&v, 99, 0, 0, 0, false) == 2, "unknown type: UNSUPP");
    CHECK(blk_req(&v, 0x80000000u, 3, data, 512, true) == 0, "legacy barrier bit ignored");

    /* Malformed: header too short, no status byte. */
    unsigned e = virtio_error_count(d);
    set_desc(&v, 0, BUF + 0x8000, 8, F_NEXT, 1);
    set_desc(&v, 1, BUF + 0x8100, 1, F_WRITE, 0);
    make_avail(&v, 0);
    wr(BSLOT, QNOTIFY, 0);
    CHECK((rd(BSLOT, STATUS) & S_NEEDS_RESET) && virtio_error_count(d) > e, "short header");
    CHECK(drv_init_modern(&v, BSLOT, 16, RING, FEAT_MODERN) == 0xf, "reset");
    set_desc(&v, 0, BUF + 0x8000, 16, 0, 0);
    make_avail(&v, 0);
    wr(BSLOT, QNOTIFY, 0);
    CHECK(rd(BSLOT, STATUS) & S_NEEDS_RESET, "no status byte");
    CHECK(drv_init_modern(&v, BSLOT, 16, RING, FEAT_MODERN) == 0xf, "reset");

    /* The overlay survives a device reset (a reboot keeps the disk). */
    memset(ram(data), 0, 512);
    CHECK(blk_req(&v, 0, 5, data, 512, true) == 0 && *ram(data) == 0xa5, "after reset");

    /* Unmap it so the next round can use the slot (destroy through the bus
     * happens at the end for the others). */
    for (int i = 0; i < m->bus.nregions; i++)
        if (m->bus.regions[i].base == virtio_slot_base(BSLOT)) {
            m->bus.regions[i].ops->destroy(m->bus.regions[i].opaque);
            memmove(&m->bus.regions[i], &m->bus.regions[i + 1],
                    (size_t)(m->bus.nregions - i - 1) * sizeof(m->bus.regions[0]));
            m->bus.nregions--;
            break;
        }
}

/* Many scattered writes in overlay mode: the block map grows and rehashes,
 * and every block reads back its own data while the image stays as it was. */
static void test_blk_overlay_many(void)
{
    struct virtio_dev *d;
    struct drv v;
    const unsigned nblk = 700;              /* 4 KiB blocks in the image */
    make_image((uint64_t)nblk * 4096);
    int r = virtio_blk_create(m, BSLOT, img_path, true, slot_irq(BSLOT), &d);
    CHECK(r == 0, "virtio_blk_create: %s", rp_strerror(r));
    if (r)
        return;
    virtio_set_legacy(d, false);
    CHECK(drv_init_modern(&v, BSLOT, 16, RING, FEAT_MODERN) == 0xf, "set-up");
    uint64_t data = BUF + 0x10000;
    /* Write one sector in every block, in a scattered order. */
    for (unsigned i = 0; i < nblk; i++) {
        unsigned blk = (i * 397) % nblk;
        memset(ram(data), 0, 512);
        put32(data, 0xb10c0000 + blk);
        CHECK(blk_req(&v, 1, (uint64_t)blk * 8 + 3, data, 512, false) == 0, "write %u", blk);
    }
    int bad = 0;
    for (unsigned blk = 0; blk < nblk; blk++) {
        memset(ram(data), 0xff, 1024);
        if (blk_req(&v, 0, (uint64_t)blk * 8 + 2, data, 1024, true) != 0 ||
            get32(data + 512) != 0xb10c0000 + blk ||
            *ram(data) != (uint8_t)((blk * 8 + 2) * 7))
            bad++;
    }
    CHECK(bad == 0, "%d blocks read back wrong", bad);
    /* A second write into an overlaid block keeps the first one. */
    memset(ram(data), 0x3c, 512);
    CHECK(blk_req(&v, 1, 0, data, 512, false) == 0, "rewrite block 0");
    memset(ram(data), 0, 2048);
    CHECK(blk_req(&v, 0, 0, data, 2048, true) == 0 && *ram(data) == 0x3c &&
          get32(data + 3 * 512) == 0xb10c0000 && *ram(data + 512) == 7,
          "block 0 holds both writes and the image's sector 1");
    CHECK(image_byte(3 * 512) == (uint8_t)(3 * 7), "image untouched");
    for (int i = 0; i < m->bus.nregions; i++)
        if (m->bus.regions[i].base == virtio_slot_base(BSLOT)) {
            m->bus.regions[i].ops->destroy(m->bus.regions[i].opaque);
            memmove(&m->bus.regions[i], &m->bus.regions[i + 1],
                    (size_t)(m->bus.nregions - i - 1) * sizeof(m->bus.regions[0]));
            m->bus.nregions--;
            break;
        }
}

/* ---- virtio-rng --------------------------------------------------------- */

#define RSLOT 6

static void test_rng(void)
{
    struct virtio_rng *rng;
    struct virtio_dev *d;
    struct drv v;
    CHECK(virtio_rng_create(m, RSLOT, slot_irq(RSLOT), &rng, &d) == 0, "rng create");
    virtio_set_legacy(d, false);
    CHECK(rd(RSLOT, DEVICE_ID) == 4, "entropy device");
    CHECK(virtio_rng_wanted(rng) == 0, "nothing wanted before the driver runs");
    CHECK(drv_init_modern(&v, RSLOT, 8, RING, FEAT_MODERN) == 0xf, "rng set-up");
    CHECK(virtio_rng_wanted(rng) == 0, "nothing wanted before a request");
    memset(ram(BUF), 0, 64);
    set_desc(&v, 0, BUF, 16, F_WRITE, 0);
    set_desc(&v, 1, BUF + 16, 8, F_WRITE | F_NEXT, 2);
    set_desc(&v, 2, BUF + 32, 8, F_WRITE, 0);
    make_avail(&v, 0);
    make_avail(&v, 1);
    wr(RSLOT, QNOTIFY, 0);
    CHECK(used_idx(&v) == 0, "requests wait for entropy");
    CHECK(virtio_rng_wanted(rng) == 32, "wanted %zu", virtio_rng_wanted(rng));
    uint8_t bytes[40];
    for (int i = 0; i < 40; i++)
        bytes[i] = (uint8_t)(0x10 + i);
    virtio_rng_push(rng, bytes, 20);
    CHECK(used_idx(&v) == 2, "both requests completed");
    CHECK(used_id(&v, 0) == 0 && used_len(&v, 0) == 16, "first full");
    CHECK(used_id(&v, 1) == 1 && used_len(&v, 1) == 4, "second partial (%u)", used_len(&v, 1));
    CHECK(memcmp(ram(BUF), bytes, 16) == 0 && memcmp(ram(BUF + 16), bytes + 16, 4) == 0 &&
          *ram(BUF + 20) == 0, "entropy delivered in order");
    CHECK(rd(RSLOT, ISR) == 1 && irq_level[1 + RSLOT] == 1, "rng interrupt");
    wr(RSLOT, ACK, 1);
    CHECK(virtio_rng_wanted(rng) == 0, "nothing more wanted");
    virtio_rng_push(rng, bytes, 8);
    CHECK(used_idx(&v) == 2, "unwanted bytes dropped");

    /* A readable buffer is a protocol error. */
    set_desc(&v, 3, BUF, 16, 0, 0);
    make_avail(&v, 3);
    wr(RSLOT, QNOTIFY, 0);
    CHECK(rd(RSLOT, STATUS) & S_NEEDS_RESET, "readable rng buffer");
    CHECK(virtio_rng_wanted(rng) == 0, "a broken device wants nothing");
    /* Reset forgets waiting requests. */
    CHECK(drv_init_modern(&v, RSLOT, 8, RING, FEAT_MODERN) == 0xf, "rng reset");
    set_desc(&v, 0, BUF, 16, F_WRITE, 0);
    make_avail(&v, 0);
    wr(RSLOT, QNOTIFY, 0);
    CHECK(virtio_rng_wanted(rng) == 16, "one request");
    wr(RSLOT, STATUS, 0);
    CHECK(virtio_rng_wanted(rng) == 0, "reset drops it");
    /* A huge request is reported capped. */
    CHECK(drv_init_modern(&v, RSLOT, 8, RING, FEAT_MODERN) == 0xf, "rng set-up");
    set_desc(&v, 0, BUF, 0x10000, F_WRITE, 0);
    make_avail(&v, 0);
    wr(RSLOT, QNOTIFY, 0);
    CHECK(virtio_rng_wanted(rng) == VIRTIO_RNG_WANT_MAX, "capped");
    /* Re-making the same buffer available again and again is caught by the
     * in-flight bound rather than growing the list. */
    for (int i = 0; i < 8; i++)
        make_avail(&v, 0);
    wr(RSLOT, QNOTIFY, 0);
    CHECK(rd(RSLOT, STATUS) & S_NEEDS_RESET, "more in flight than the queue holds");
    wr(RSLOT, STATUS, 0);
}

int main(void)
{
    m = calloc(1, sizeof(*m));
    if (!m || bus_init(&m->bus, RAM_BASE, RAM_SIZE) < 0)
        return 2;
    m->bus.machine = m;
    snprintf(img_path, sizeof(img_path), "/tmp/virtio_test.%d.img", (int)getpid());

    struct virtio_dev *empty;
    CHECK(virtio_mmio_create(m, 0, slot_irq(0), NULL, NULL, &empty) == 0, "empty slot");
    CHECK(virtio_mmio_create(m, 8, slot_irq(0), NULL, NULL, &empty) == -EINVAL, "slot 8");
    CHECK(virtio_mmio_create(m, 0, slot_irq(0), NULL, NULL, &empty) == -EINVAL,
          "slot 0 twice");
    int r = virtio_mmio_create(m, ESLOT, slot_irq(ESLOT), &echo_backend, &echo, &echo_dev);
    CHECK(r == 0, "echo device");
    if (r)
        return unit_done("virtio_test");
    virtio_set_legacy(echo_dev, false);

    test_empty_slot();
    test_registers();
    test_features();
    test_queue_setup_errors();
    test_requests();
    test_event_idx();
    test_malformed();
    test_legacy();
    test_blk_errors();
    test_blk(true);
    test_blk(false);
    test_blk_overlay_many();
    test_rng();

    bus_destroy(&m->bus);
    CHECK(echo.destroyed == 1, "backend destroyed with the bus");
    unlink(img_path);
    free(m);
    return unit_done("virtio_test");
}
