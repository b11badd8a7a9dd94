/* Unit tests for dev/virtio_net.c, driven through the bus as a guest driver
 * would, over a fake 1 MiB RAM: features and config space (MAC, link
 * status, the legacy MAC write and its reset), the receive side the
 * nondeterminism boundary uses (can_receive only with buffers, the 12- and
 * 10-byte headers, a frame too big for a buffer dropped and the buffer
 * kept, mergeable buffers with num_buffers), the transmit side (header
 * stripped, oversized frames dropped), and guest mistakes (short buffers, a
 * buffer changed while held), which set NEEDS_RESET and never crash. */
#include <stdlib.h>
#include <string.h>

#include "emu/dev/virtio.h"
#include "emu/dev/virtio_net.h"
#include "emu/machine.h"
#include "stubs.h"
#include "unit.h"
#include "util.h"

#define RAM_BASE VIRT_DRAM_BASE
#define RAM_SIZE (1ULL << 20)
#define SLOT 7
#define RXRING (RAM_BASE + 0x10000)
#define TXRING (RAM_BASE + 0x14000)
#define BUF    (RAM_BASE + 0x40000)
#define QSIZE  16

enum {
    DEVICE_ID = 0x008, DEV_FEAT = 0x010, DEV_FEAT_SEL = 0x014, DRV_FEAT = 0x020,
    DRV_FEAT_SEL = 0x024, PAGE_SIZE = 0x028, QSEL = 0x030, QNUM = 0x038, QALIGN = 0x03c,
    QPFN = 0x040, QREADY = 0x044, QNOTIFY = 0x050, ISR = 0x060, ACK = 0x064,
    STATUS = 0x070, QDESC = 0x080, QDRIVER = 0x090, QDEVICE = 0x0a0, CONFIG = 0x100,
};
#define F_NEXT 1
#define F_WRITE 2
#define S_RUNNING 0xf
#define S_NEEDS_RESET 0x40

static struct machine *m;
static struct virtio_net *net;
static struct virtio_dev *dev;
static int irq_level;

static void test_irq_set(void *opaque, int num, int level)
{
    irq_level = level;
}

static uint32_t rd(uint64_t off)
{
    uint64_t v = 0;
    CHECK(bus_io_read(&m->bus, virtio_slot_base(SLOT) + off, 4, &v) == 0, "read 0x%llx",
          (unsigned long long)off);
    return (uint32_t)v;
}

static uint32_t rd_size(uint64_t off, unsigned size)
{
    uint64_t v = 0;
    CHECK(bus_io_read(&m->bus, virtio_slot_base(SLOT) + off, size, &v) == 0, "read");
    return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t v)
{
    CHECK(bus_io_write(&m->bus, virtio_slot_base(SLOT) + off, 4, v) == 0, "write 0x%llx",
          (unsigned long long)off);
}

static uint8_t *ram(uint64_t pa) { return bus_ram_ptr(&m->bus, pa); }
static void put16(uint64_t pa, uint16_t v) { memcpy(ram(pa), &v, 2); }
static void put32(uint64_t pa, uint32_t v) { memcpy(ram(pa), &v, 4); }
static void put64(uint64_t pa, uint64_t v) { memcpy(ram(pa), &v, 8); }
static uint16_t get16(uint64_t pa) { uint16_t v; memcpy(&v, ram(pa), 2); return v; }
static uint32_t get32(uint64_t pa) { uint32_t v; memcpy(&v, ram(pa), 4); return v; }

/* ---- a tiny driver: two queues of QSIZE in the legacy layout ----------- */

struct q {
    unsigned index;
    uint64_t desc, avail, used;
    uint16_t avail_idx;
};
static struct q rxq = { .index = 0, .desc = RXRING };
static struct q txq = { .index = 1, .desc = TXRING };

static void q_layout(struct q *q)
{
    q->avail = q->desc + 16 * QSIZE;
    q->used = q->desc + 4096;
    q->avail_idx = 0;
    memset(ram(q->desc), 0, 8192);
}

static void set_desc(struct q *q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    uint64_t p = q->desc + 16ULL * i;
    put64(p, addr);
    put32(p + 8, len);
    put16(p + 12, flags);
    put16(p + 14, next);
}

static void make_avail(struct q *q, uint16_t head)
{
    put16(q->avail + 4 + 2ULL * (q->avail_idx % QSIZE), head);
    q->avail_idx++;
    put16(q->avail + 2, q->avail_idx);
}

static uint16_t used_idx(const struct q *q) { return get16(q->used + 2); }
static uint32_t used_id(const struct q *q, unsigned i) { return get32(q->used + 4 + 8ULL * (i % QSIZE)); }
static uint32_t used_len(const struct q *q, unsigned i) { return get32(q->used + 8 + 8ULL * (i % QSIZE)); }

/* Brings the card up in the current mode with the given feature bits. */
static void drv_init(bool legacy, uint32_t features)
{
    wr(STATUS, 0);
    wr(STATUS, 1);
    wr(STATUS, 3);
    wr(DRV_FEAT_SEL, 0);
    wr(DRV_FEAT, features);
    if (legacy) {
        wr(PAGE_SIZE, 4096);
    } else {
        wr(DRV_FEAT_SEL, 1);
        wr(DRV_FEAT, 1);
        wr(STATUS, 0xb);
    }
    struct q *qs[2] = { &rxq, &txq };
    for (int i = 0; i < 2; i++) {
        struct q *q = qs[i];
        q_layout(q);
        wr(QSEL, q->index);
        wr(QNUM, QSIZE);
        if (legacy) {
            wr(QALIGN, 4096);
            wr(QPFN, (uint32_t)(q->desc >> 12));
        } else {
            wr(QDESC, (uint32_t)q->desc);
            wr(QDESC + 4, 0);
            wr(QDRIVER, (uint32_t)q->avail);
            wr(QDRIVER + 4, 0);
            wr(QDEVICE, (uint32_t)q->used);
            wr(QDEVICE + 4, 0);
            wr(QREADY, 1);
        }
    }
    wr(STATUS, legacy ? 7 : S_RUNNING);
}

/* ---- the transmit sink -------------------------------------------------- */

static uint8_t sent[2048];
static size_t sent_len;
static unsigned sent_count, sent_port;

static void tx_sink(void *opaque, unsigned port, const uint8_t *buf, size_t len)
{
    CHECK(opaque == &sent, "tx opaque");
    sent_port = port;
    sent_count++;
    sent_len = len < sizeof(sent) ? len : sizeof(sent);
    memcpy(sent, buf, sent_len);
}

static const uint8_t frame60[60] = {
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x08, 0x06,
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
};

/* ---- tests -------------------------------------------------------------- */

static void test_config(void)
{
    CHECK(rd(DEVICE_ID) == VIRTIO_ID_NET, "device id %u", rd(DEVICE_ID));
    wr(DEV_FEAT_SEL, 0);
    uint32_t f = rd(DEV_FEAT);
    CHECK((f & (1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS |
                1u << VIRTIO_NET_F_MRG_RXBUF)) ==
          (1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS | 1u << VIRTIO_NET_F_MRG_RXBUF),
          "features 0x%x", f);
    CHECK(!(f & 1u), "no checksum offload offered");
    wr(DEV_FEAT_SEL, 1);
    CHECK(rd(DEV_FEAT) & 1, "VERSION_1 in modern mode");
    wr(DEV_FEAT_SEL, 0);
    CHECK(rd(CONFIG) == 0x12005452 && rd_size(CONFIG + 4, 2) == 0x5634, "MAC 0x%x",
          rd(CONFIG));
    CHECK(rd_size(CONFIG + 6, 2) == VIRTIO_NET_S_LINK_UP, "link up");
    CHECK(rd_size(CONFIG + 5, 1) == 0x56, "byte read");
    CHECK(rd(CONFIG + 8) == 0xffffffffu, "config ends at 8 bytes");

    /* A modern driver cannot write the MAC; a legacy one can, until reset. */
    drv_init(false, 1u << VIRTIO_NET_F_MAC);
    wr(CONFIG, 0x11223344);
    CHECK(rd(CONFIG) == 0x12005452, "modern MAC write ignored");
    virtio_set_legacy(dev, true);
    drv_init(true, 1u << VIRTIO_NET_F_MAC);
    wr(CONFIG, 0x0a0b0c02);
    CHECK(rd(CONFIG) == 0x0a0b0c02 && rd_size(CONFIG + 4, 2) == 0x5634, "legacy MAC write");
    wr(STATUS, 0);
    CHECK(rd(CONFIG) == 0x12005452, "reset restores the MAC");
    virtio_set_legacy(dev, false);
}

/* Modern, no MRG_RXBUF: 12-byte header, num_buffers 1, one buffer per
 * frame; a frame too big for the next buffer is dropped, the buffer kept. */
static void test_rx_modern(void)
{
    CHECK(!virtio_net_can_receive(net, 60), "nothing before the driver");
    drv_init(false, 1u << VIRTIO_NET_F_MAC);
    CHECK(!virtio_net_can_receive(net, 60), "no buffers yet");
    set_desc(&rxq, 0, BUF, 40, F_WRITE, 0);        /* too small for 60 + 12 */
    set_desc(&rxq, 1, BUF + 0x1000, 1526, F_WRITE, 0);
    make_avail(&rxq, 0);
    make_avail(&rxq, 1);
    wr(QNOTIFY, 0);
    CHECK(virtio_net_can_receive(net, 60), "buffers taken at notify");
    CHECK(!virtio_net_can_receive(net, VIRTIO_NET_MAX_FRAME + 1), "nothing past the limit");
    unsigned dropped = virtio_net_dropped(net);
    virtio_net_receive(net, frame60, 60);
    CHECK(virtio_net_dropped(net) == dropped + 1 && used_idx(&rxq) == 0,
          "too big for the buffer: dropped");
    virtio_net_receive(net, frame60, 20);
    CHECK(used_idx(&rxq) == 1 && used_id(&rxq, 0) == 0 && used_len(&rxq, 0) == 32,
          "a 20-byte frame fits the kept buffer (used %u len %u)", used_idx(&rxq),
          used_len(&rxq, 0));
    CHECK(get16(BUF + 10) == 1 && memcmp(ram(BUF + 12), frame60, 20) == 0,
          "header with num_buffers 1, then the frame");
    CHECK(rd(ISR) & 1 && irq_level, "used interrupt");
    wr(ACK, 1);
    virtio_net_receive(net, frame60, 60);
    CHECK(used_idx(&rxq) == 2 && used_id(&rxq, 1) == 1 && used_len(&rxq, 1) == 72,
          "second buffer");
    CHECK(memcmp(ram(BUF + 0x1000 + 12), frame60, 60) == 0, "frame data");
    CHECK(!virtio_net_can_receive(net, 60), "no buffers left");
}

/* Legacy without MRG_RXBUF: the 10-byte header, here in its own descriptor. */
static void test_rx_legacy(void)
{
    virtio_set_legacy(dev, true);
    drv_init(true, 1u << VIRTIO_NET_F_MAC);
    memset(ram(BUF), 0xee, 0x2000);
    set_desc(&rxq, 3, BUF, 10, F_WRITE | F_NEXT, 4);
    set_desc(&rxq, 4, BUF + 0x100, 1514, F_WRITE, 0);
    make_avail(&rxq, 3);
    wr(QNOTIFY, 0);
    CHECK(virtio_net_can_receive(net, 60), "legacy buffer");
    virtio_net_receive(net, frame60, 60);
    CHECK(used_idx(&rxq) == 1 && used_id(&rxq, 0) == 3 && used_len(&rxq, 0) == 70,
          "used %u/%u", used_id(&rxq, 0), used_len(&rxq, 0));
    CHECK(ram(BUF)[9] == 0 && ram(BUF)[10] == 0xee, "10-byte header");
    CHECK(memcmp(ram(BUF + 0x100), frame60, 60) == 0, "frame after the header");

    /* Legacy with MRG_RXBUF: the 12-byte header. */
    drv_init(true, 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_MRG_RXBUF);
    set_desc(&rxq, 0, BUF, 2048, F_WRITE, 0);
    make_avail(&rxq, 0);
    wr(QNOTIFY, 0);
    virtio_net_receive(net, frame60, 60);
    CHECK(used_idx(&rxq) == 1 && used_len(&rxq, 0) == 72 && get16(BUF + 10) == 1 &&
          memcmp(ram(BUF + 12), frame60, 60) == 0, "legacy mergeable header");
    virtio_set_legacy(dev, false);
}

/* MRG_RXBUF: a frame spread over 32-byte buffers, num_buffers in the first. */
static void test_rx_mergeable(void)
{
    drv_init(false, 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_MRG_RXBUF);
    for (unsigned i = 0; i < 2; i++) {
        set_desc(&rxq, i, BUF + 0x100 * i, 32, F_WRITE, 0);
        make_avail(&rxq, (uint16_t)i);
    }
    wr(QNOTIFY, 0);
    CHECK(!virtio_net_can_receive(net, 60), "64 bytes of room for 72: wait");
    for (unsigned i = 2; i < 4; i++) {
        set_desc(&rxq, i, BUF + 0x100 * i, 32, F_WRITE, 0);
        make_avail(&rxq, (uint16_t)i);
    }
    wr(QNOTIFY, 0);
    CHECK(virtio_net_can_receive(net, 60), "128 bytes of room");
    virtio_net_receive(net, frame60, 60);
    CHECK(used_idx(&rxq) == 3, "three buffers used (%u)", used_idx(&rxq));
    CHECK(used_len(&rxq, 0) == 32 && used_len(&rxq, 1) == 32 && used_len(&rxq, 2) == 8,
          "lengths %u %u %u", used_len(&rxq, 0), used_len(&rxq, 1), used_len(&rxq, 2));
    CHECK(get16(BUF + 10) == 3, "num_buffers %u", get16(BUF + 10));
    uint8_t got[60];
    memcpy(got, ram(BUF + 12), 20);
    memcpy(got + 20, ram(BUF + 0x100), 32);
    memcpy(got + 52, ram(BUF + 0x200), 8);
    CHECK(memcmp(got, frame60, 60) == 0, "frame reassembled");
    CHECK(virtio_net_can_receive(net, 20) && !virtio_net_can_receive(net, 21),
          "one 32-byte buffer left");
}

static void test_tx(void)
{
    drv_init(false, 1u << VIRTIO_NET_F_MAC);
    sent_count = 0;
    memset(ram(BUF), 0, 12);
    memcpy(ram(BUF + 12), frame60, 60);
    set_desc(&txq, 0, BUF, 72, 0, 0);
    make_avail(&txq, 0);
    wr(QNOTIFY, 1);
    CHECK(sent_count == 1 && sent_len == 60 && sent_port == 5 &&
          memcmp(sent, frame60, 60) == 0, "modern frame sent without its header");
    CHECK(used_idx(&txq) == 1 && used_len(&txq, 0) == 0, "completed");

    /* Legacy: header and frame in two descriptors, 10-byte header. */
    virtio_set_legacy(dev, true);
    drv_init(true, 1u << VIRTIO_NET_F_MAC);
    set_desc(&txq, 0, BUF, 10, F_NEXT, 1);
    set_desc(&txq, 1, BUF + 12, 60, 0, 0);
    make_avail(&txq, 0);
    wr(QNOTIFY, 1);
    CHECK(sent_count == 2 && sent_len == 60 && memcmp(sent, frame60, 60) == 0,
          "legacy frame sent");
    virtio_set_legacy(dev, false);

    /* Oversized: completed, dropped, not sent. */
    drv_init(false, 1u << VIRTIO_NET_F_MAC);
    unsigned dropped = virtio_net_dropped(net);
    set_desc(&txq, 0, BUF, 12 + VIRTIO_NET_MAX_FRAME + 1, 0, 0);
    make_avail(&txq, 0);
    wr(QNOTIFY, 1);
    CHECK(sent_count == 2 && virtio_net_dropped(net) == dropped + 1 && used_idx(&txq) == 1 &&
          !(rd(STATUS) & S_NEEDS_RESET), "oversized frame dropped");
}

static void expect_needs_reset(const char *what)
{
    CHECK(rd(STATUS) & S_NEEDS_RESET, "%s: NEEDS_RESET", what);
    CHECK(rd(ISR) & 2, "%s: config interrupt", what);
    CHECK(!virtio_net_can_receive(net, 60), "%s: takes nothing while broken", what);
    wr(STATUS, 0);
}

static void test_malformed(void)
{
    drv_init(false, 1u << VIRTIO_NET_F_MAC);
    set_desc(&txq, 0, BUF, 8, 0, 0);
    make_avail(&txq, 0);
    wr(QNOTIFY, 1);
    expect_needs_reset("transmit buffer shorter than the header");

    drv_init(false, 1u << VIRTIO_NET_F_MAC);
    set_desc(&rxq, 0, BUF, 11, F_WRITE, 0);
    make_avail(&rxq, 0);
    wr(QNOTIFY, 0);
    expect_needs_reset("receive buffer shorter than the header");

    drv_init(false, 1u << VIRTIO_NET_F_MAC);
    set_desc(&rxq, 0, BUF, 100, 0, 0);
    make_avail(&rxq, 0);
    wr(QNOTIFY, 0);
    expect_needs_reset("receive buffer not writable");

    drv_init(false, 1u << VIRTIO_NET_F_MAC);
    set_desc(&rxq, 0, RAM_BASE + RAM_SIZE - 16, 100, F_WRITE, 0);
    make_avail(&rxq, 0);
    wr(QNOTIFY, 0);
    expect_needs_reset("receive buffer off the end of RAM");

    /* Shrunk while the card held it: caught at delivery. */
    drv_init(false, 1u << VIRTIO_NET_F_MAC);
    set_desc(&rxq, 0, BUF, 1526, F_WRITE, 0);
    make_avail(&rxq, 0);
    wr(QNOTIFY, 0);
    set_desc(&rxq, 0, BUF, 100, F_WRITE, 0);
    virtio_net_receive(net, frame60, 60);
    CHECK(used_idx(&rxq) == 0, "nothing used");
    expect_needs_reset("receive buffer shrunk while held");

    /* Reset forgets the held buffers. */
    drv_init(false, 1u << VIRTIO_NET_F_MAC);
    set_desc(&rxq, 0, BUF, 1526, F_WRITE, 0);
    make_avail(&rxq, 0);
    wr(QNOTIFY, 0);
    CHECK(virtio_net_can_receive(net, 60), "held");
    wr(STATUS, 0);
    CHECK(!virtio_net_can_receive(net, 60), "forgotten at reset");
    CHECK(virtio_error_count(dev) == 5, "five errors (%u)", virtio_error_count(dev));
}

int main(void)
{
    m = calloc(1, sizeof(*m));
    if (!m || bus_init(&m->bus, RAM_BASE, RAM_SIZE) < 0)
        return 2;
    m->bus.machine = m;
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    struct irq_line irq = { .set = test_irq_set, .num = 1 + SLOT };
    int r = virtio_net_create(m, SLOT, irq, mac, &net, &dev);
    CHECK(r == 0, "create: %s", rp_strerror(r));
    if (r)
        return unit_done("virtio_net_test");
    virtio_set_legacy(dev, false);
    virtio_net_set_tx(net, tx_sink, &sent, 5);

    test_config();
    test_rx_modern();
    test_rx_legacy();
    test_rx_mergeable();
    test_tx();
    test_malformed();

    bus_destroy(&m->bus);
    free(m);
    return unit_done("virtio_net_test");
}
