/* virtio-mmio on virt, as a bare-metal M-mode driver sees it: probes the
 * eight slots (magic, version 2, device IDs, QEMU's placement: the first
 * -device in slot 7, the next in slot 6) and the FDT's eight virtio_mmio
 * nodes; drives virtio-blk (config, reads and writes of the pattern that
 * run-virtio.sh puts in the image, split and indirect chains, IOERR for
 * requests outside the disk or of partial sectors, UNSUPP, GET_ID, FLUSH,
 * the interrupt status and the PLIC pending bit); reads virtio-rng.
 *
 * With "virtio.malformed" in the kernel command line (-append) it then
 * feeds virtio-blk malformed descriptors, rings and lengths and checks that
 * the device reports each one (DEVICE_NEEDS_RESET with the configuration
 * interrupt, or IOERR), that it works again after a reset, and that the
 * machine stays up. That part is Reprise's contract, so run-virtio.sh asks
 * for it only on Reprise. "virtio.observe" runs the same cases and only
 * prints what happened. What QEMU 7.2 does with them (observed): buffers
 * outside RAM are used as if valid (reads of unassigned memory give 0,
 * writes vanish) and complete with status OK; a notify of a queue that is
 * not ready, a queue size of 6 or 2048 and a descriptor table at 0x1000 are
 * silently ignored; every other case prints "qemu-system-riscv64: <why>" on
 * stderr and sets NEEDS_RESET with InterruptStatus 3, and QEMU runs on.
 * Needs: -global virtio-mmio.force-legacy=false, a 64 KiB raw disk as the
 * first -device (virtio-blk-device) and virtio-rng-device as the second. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "rt.h"

RT_TEST_NAME("virtio_robust");

/* ---- the machine ---------------------------------------------------------- */

#define VIRTIO_BASE	0x10001000ul
#define SLOT_BASE(i)	(VIRTIO_BASE + 0x1000ul * (i))
#define NSLOTS		8
#define BLK_SLOT	7		/* QEMU fills the slots from the top */
#define RNG_SLOT	6
#define PLIC_PENDING	0x0c001000ul
#define RAM_END		(0x80000000ul + (128ul << 20))
#define DISK_SECTORS	128

enum {
	R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008, R_VENDOR = 0x00c,
	R_DEV_FEAT = 0x010, R_DEV_FEAT_SEL = 0x014, R_DRV_FEAT = 0x020,
	R_DRV_FEAT_SEL = 0x024, R_QSEL = 0x030, R_QNUM_MAX = 0x034, R_QNUM = 0x038,
	R_QREADY = 0x044, R_QNOTIFY = 0x050, R_ISR = 0x060, R_ACK = 0x064,
	R_STATUS = 0x070, R_QDESC = 0x080, R_QDRIVER = 0x090, R_QDEVICE = 0x0a0,
	R_GEN = 0x0fc, R_CONFIG = 0x100,
};

#define ST_ACK		1
#define ST_DRIVER	2
#define ST_DRIVER_OK	4
#define ST_FEATURES_OK	8
#define ST_NEEDS_RESET	0x40
#define ST_RUNNING	(ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK)

#define F_NEXT		1
#define F_WRITE		2
#define F_INDIRECT	4
#define FEAT_INDIRECT	(1u << 28)

#define BLK_T_IN	0
#define BLK_T_OUT	1
#define BLK_T_FLUSH	4
#define BLK_T_GET_ID	8
#define BLK_S_OK	0
#define BLK_S_IOERR	1
#define BLK_S_UNSUPP	2

#define SPIN		20000000ul	/* polls before giving up (QEMU is asynchronous) */

static inline uint32_t rd(int slot, unsigned off)
{
	return *(volatile uint32_t *)(SLOT_BASE(slot) + off);
}

static inline void wr(int slot, unsigned off, uint32_t v)
{
	__sync_synchronize();
	*(volatile uint32_t *)(SLOT_BASE(slot) + off) = v;
}

/* ---- split virtqueues ----------------------------------------------------- */

#define QN 8

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vq {
	struct desc desc[QN];
	struct {
		uint16_t flags, idx, ring[QN], used_event;
	} avail __attribute__((aligned(16)));
	struct {
		uint16_t flags, idx;
		struct { uint32_t id, len; } ring[QN];
		uint16_t avail_event;
	} used __attribute__((aligned(16)));
	struct desc ind[4] __attribute__((aligned(16)));	/* an indirect table */
	uint16_t avail_idx, used_seen;
	int slot;
};

static struct vq blkq __attribute__((aligned(4096)));
static struct vq rngq __attribute__((aligned(4096)));

static uint16_t used_idx(struct vq *q)
{
	return *(volatile uint16_t *)&q->used.idx;
}

static void set_desc(struct desc *d, const volatile void *addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	d->addr = (uint64_t)(uintptr_t)addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

static void submit(struct vq *q, uint16_t head)
{
	q->avail.ring[q->avail_idx % QN] = head;
	__sync_synchronize();
	q->avail_idx++;
	*(volatile uint16_t *)&q->avail.idx = q->avail_idx;
	wr(q->slot, R_QNOTIFY, 0);
}

/* Waits for the next used entry and the interrupt status; acknowledges
 * it. Returns the used length, or -1 on timeout. */
static long wait_used(struct vq *q, uint32_t *isr_seen)
{
	unsigned long n;
	uint16_t want = (uint16_t)(q->used_seen + 1);

	for (n = 0; n < SPIN && used_idx(q) != want; n++)
		;
	if (used_idx(q) != want)
		return -1;
	__sync_synchronize();
	/* QEMU may publish the used entry a moment before the interrupt. */
	for (n = 0; n < SPIN && !(rd(q->slot, R_ISR) & 1); n++)
		;
	*isr_seen = rd(q->slot, R_ISR);
	long len = q->used.ring[q->used_seen % QN].len;
	q->used_seen = want;
	wr(q->slot, R_ACK, *isr_seen);
	return len;
}

/* The modern initialisation of section 3.1.1, with queue 0 of QN entries.
 * Six checks. */
static void dev_init(int slot, struct vq *q, uint32_t features)
{
	wr(slot, R_STATUS, 0);
	RT_CHECK(rd(slot, R_STATUS), 0);
	wr(slot, R_STATUS, ST_ACK);
	wr(slot, R_STATUS, ST_ACK | ST_DRIVER);
	wr(slot, R_DEV_FEAT_SEL, 1);
	RT_CHECK(rd(slot, R_DEV_FEAT) & 1, 1);		/* VERSION_1 */
	wr(slot, R_DEV_FEAT_SEL, 0);
	uint32_t lo = rd(slot, R_DEV_FEAT);
	wr(slot, R_DRV_FEAT_SEL, 0);
	wr(slot, R_DRV_FEAT, lo & features);
	wr(slot, R_DRV_FEAT_SEL, 1);
	wr(slot, R_DRV_FEAT, 1);
	wr(slot, R_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	RT_CHECK(rd(slot, R_STATUS) & ST_FEATURES_OK, ST_FEATURES_OK);
	wr(slot, R_QSEL, 0);
	RT_CHECK(rd(slot, R_QNUM_MAX) >= QN, 1);
	memset(q, 0, sizeof(*q));
	q->slot = slot;
	wr(slot, R_QNUM, QN);
	wr(slot, R_QDESC, (uint32_t)(uintptr_t)q->desc);
	wr(slot, R_QDESC + 4, 0);
	wr(slot, R_QDRIVER, (uint32_t)(uintptr_t)&q->avail);
	wr(slot, R_QDRIVER + 4, 0);
	wr(slot, R_QDEVICE, (uint32_t)(uintptr_t)&q->used);
	wr(slot, R_QDEVICE + 4, 0);
	wr(slot, R_QREADY, 1);
	RT_CHECK(rd(slot, R_QREADY), 1);
	wr(slot, R_STATUS, ST_RUNNING);
	RT_CHECK(rd(slot, R_STATUS), ST_RUNNING);
}

/* ---- the FDT -------------------------------------------------------------- */

static uint32_t be32(const volatile void *p)
{
	const volatile uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* /chosen/bootargs ("" if none); counts the virtio_mmio nodes. */
static const char *fdt_scan(int *nvirtio)
{
	const char *fdt = (const char *)(uintptr_t)rt_boot_fdt;
	const char *bootargs = "";

	*nvirtio = 0;
	if (!fdt || be32(fdt) != 0xd00dfeed)
		return bootargs;
	const char *p = fdt + be32(fdt + 8);
	const char *strs = fdt + be32(fdt + 12);
	int depth = 0, chosen = 0;
	for (;;) {
		uint32_t tok = be32(p);
		p += 4;
		if (tok == 1) {			/* FDT_BEGIN_NODE */
			depth++;
			if (depth == 2 && !strcmp(p, "chosen"))
				chosen = 1;
			if (!strncmp(p, "virtio_mmio@", 12))
				(*nvirtio)++;
			p += (strlen(p) + 4) & ~3ul;
		} else if (tok == 2) {		/* FDT_END_NODE */
			if (depth == 2)
				chosen = 0;
			depth--;
		} else if (tok == 3) {		/* FDT_PROP */
			uint32_t len = be32(p), name = be32(p + 4);
			p += 8;
			if (chosen && depth == 2 && !strcmp(strs + name, "bootargs"))
				bootargs = p;
			p += (len + 3) & ~3ul;
		} else if (tok != 4) {		/* FDT_NOP; else FDT_END */
			break;
		}
	}
	return bootargs;
}

/* ---- virtio-blk ----------------------------------------------------------- */

static struct {
	uint32_t type, reserved;
	uint64_t sector;
} blk_hdr __attribute__((aligned(16)));
static volatile uint8_t blk_status;
static uint8_t data[4096] __attribute__((aligned(4096)));

/* Expected byte of the image: each sector is "reprise sec %04d" x 32. */
static uint8_t pattern(unsigned sector, unsigned i)
{
	char s[17];
	snprintf(s, sizeof s, "reprise sec %04u", sector);
	return (uint8_t)s[i % 16];
}

static int sectors_match(const uint8_t *buf, unsigned sector, unsigned n)
{
	for (unsigned s = 0; s < n; s++)
		for (unsigned i = 0; i < 512; i++)
			if (buf[s * 512 + i] != pattern(sector + s, i))
				return 0;
	return 1;
}

/* One request: header, the data buffer (split in `parts` descriptors, or
 * through an indirect table when parts is 0), status. Returns the status
 * byte, or 0xee on timeout. Three checks. */
static uint8_t blk_rw(uint32_t type, uint64_t sector, void *buf, uint32_t len, int parts)
{
	struct vq *q = &blkq;
	uint16_t dflag = type == BLK_T_OUT ? 0 : F_WRITE;
	uint32_t isr = 0;

	blk_hdr.type = type;
	blk_hdr.reserved = 0;
	blk_hdr.sector = sector;
	blk_status = 0xee;
	if (parts == 0) {
		set_desc(&q->ind[0], &blk_hdr, 16, F_NEXT, 1);
		set_desc(&q->ind[1], buf, len, F_NEXT | dflag, 2);
		set_desc(&q->ind[2], &blk_status, 1, F_WRITE, 0);
		set_desc(&q->desc[0], q->ind, 3 * sizeof(struct desc), F_INDIRECT, 0);
	} else {
		uint32_t part = len / (uint32_t)parts;
		set_desc(&q->desc[0], &blk_hdr, 16, F_NEXT, 1);
		for (int i = 0; i < parts; i++)
			set_desc(&q->desc[1 + i], (uint8_t *)buf + i * part, part,
				 F_NEXT | dflag, (uint16_t)(2 + i));
		set_desc(&q->desc[1 + parts], &blk_status, 1, F_WRITE, 0);
		if (len == 0)		/* no data: header then status */
			set_desc(&q->desc[0], &blk_hdr, 16, F_NEXT, 1 + (uint16_t)parts);
	}
	submit(q, 0);
	long used = wait_used(q, &isr);
	RT_CHECK(used >= 0, 1);
	RT_CHECK(isr & 1, 1);
	RT_CHECK(q->used.ring[(uint16_t)(q->used_seen - 1) % QN].id, 0);
	return used < 0 ? 0xee : blk_status;
}

/* xv6's negotiation: only the low feature word is written (no VERSION_1),
 * and it panics unless FEATURES_OK sticks. Two checks. */
static void test_xv6_features(void)
{
	wr(BLK_SLOT, R_STATUS, 0);
	wr(BLK_SLOT, R_STATUS, ST_ACK | ST_DRIVER);
	uint32_t f = rd(BLK_SLOT, R_DEV_FEAT);
	wr(BLK_SLOT, R_DRV_FEAT, f & ~(FEAT_INDIRECT | 1u << 29 | 1u << 27));
	wr(BLK_SLOT, R_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	RT_CHECK(rd(BLK_SLOT, R_STATUS), ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	wr(BLK_SLOT, R_QSEL, 0);
	RT_CHECK(rd(BLK_SLOT, R_QREADY), 0);
	wr(BLK_SLOT, R_STATUS, 0);
}

static void test_blk(void)
{
	test_xv6_features();
	dev_init(BLK_SLOT, &blkq, FEAT_INDIRECT);
	RT_CHECK(rd(BLK_SLOT, R_CONFIG), DISK_SECTORS);		/* capacity */
	RT_CHECK(rd(BLK_SLOT, R_CONFIG + 4), 0);
	RT_CHECK(rd(BLK_SLOT, R_CONFIG + 12), 254);		/* seg_max */
	RT_CHECK(rd(BLK_SLOT, R_CONFIG + 20), 512);		/* blk_size */
	RT_CHECK(*(volatile uint8_t *)(SLOT_BASE(BLK_SLOT) + R_CONFIG + 21), 2);
	RT_CHECK(rd(BLK_SLOT, R_GEN), rd(BLK_SLOT, R_GEN));

	/* Reads: one descriptor, two, an indirect table. */
	memset(data, 0, sizeof data);
	RT_CHECK(blk_rw(BLK_T_IN, 0, data, 512, 1), BLK_S_OK);
	RT_CHECK(sectors_match(data, 0, 1), 1);
	/* The completion raised PLIC source 1 + slot (pending, not claimed). */
	RT_CHECK((*(volatile uint32_t *)PLIC_PENDING >> (1 + BLK_SLOT)) & 1, 1);
	memset(data, 0, sizeof data);
	RT_CHECK(blk_rw(BLK_T_IN, 5, data, 2048, 2), BLK_S_OK);
	RT_CHECK(sectors_match(data, 5, 4), 1);
	memset(data, 0, sizeof data);
	RT_CHECK(blk_rw(BLK_T_IN, DISK_SECTORS - 2, data, 1024, 0), BLK_S_OK);
	RT_CHECK(sectors_match(data, DISK_SECTORS - 2, 2), 1);

	/* Write sector 10, read 9..11 back. */
	for (unsigned i = 0; i < 512; i++)
		data[i] = (uint8_t)(i * 13 + 1);
	RT_CHECK(blk_rw(BLK_T_OUT, 10, data, 512, 1), BLK_S_OK);
	RT_CHECK(blk_rw(BLK_T_FLUSH, 0, NULL, 0, 1), BLK_S_OK);
	memset(data, 0, sizeof data);
	RT_CHECK(blk_rw(BLK_T_IN, 9, data, 1536, 3), BLK_S_OK);
	RT_CHECK(sectors_match(data, 9, 1), 1);
	RT_CHECK(sectors_match(data + 1024, 11, 1), 1);
	int ok = 1;
	for (unsigned i = 0; i < 512; i++)
		ok &= data[512 + i] == (uint8_t)(i * 13 + 1);
	RT_CHECK(ok, 1);

	/* Errors the device reports in the status byte. */
	RT_CHECK(blk_rw(BLK_T_IN, DISK_SECTORS, data, 512, 1), BLK_S_IOERR);
	RT_CHECK(blk_rw(BLK_T_IN, DISK_SECTORS - 1, data, 1024, 1), BLK_S_IOERR);
	RT_CHECK(blk_rw(BLK_T_OUT, ~0ull, data, 512, 1), BLK_S_IOERR);
	RT_CHECK(blk_rw(BLK_T_IN, 0, data, 100, 1), BLK_S_IOERR);
	RT_CHECK(blk_rw(99, 0, NULL, 0, 1), BLK_S_UNSUPP);
	memset(data, 0x77, 32);
	RT_CHECK(blk_rw(BLK_T_GET_ID, 0, data, 20, 1), BLK_S_OK);
	RT_CHECK(data[0], 0);			/* empty serial, as QEMU's default */
	RT_CHECK(data[1], 0x77);		/* ... and only its NUL written */
}

/* ---- virtio-rng ----------------------------------------------------------- */

static volatile uint8_t entropy[64] __attribute__((aligned(64)));

static void test_rng(void)
{
	struct vq *q = &rngq;
	uint32_t isr = 0;
	int nonzero = 0;

	dev_init(RNG_SLOT, q, 0);
	memset((void *)entropy, 0, sizeof entropy);
	set_desc(&q->desc[0], entropy, 16, F_WRITE, 0);
	submit(q, 0);
	long got = wait_used(q, &isr);
	RT_CHECK(got > 0 && got <= 16, 1);
	RT_CHECK(isr & 1, 1);
	for (int i = 0; i < 16; i++)
		nonzero |= entropy[i];
	RT_CHECK(nonzero != 0, 1);

	/* Two buffers in one chain. */
	set_desc(&q->desc[1], entropy + 16, 8, F_WRITE | F_NEXT, 2);
	set_desc(&q->desc[2], entropy + 32, 8, F_WRITE, 0);
	submit(q, 1);
	got = wait_used(q, &isr);
	RT_CHECK(got > 0 && got <= 16, 1);
	RT_CHECK(q->used.ring[1].id, 1);
}

/* ---- malformed input (Reprise's contract) -------------------------------- */

static int strict;	/* 1: check; 0: only print what happened */
static int nmalformed;

/* After a malformed request or set-up: waits until the device reports it
 * (NEEDS_RESET, or a completion with an error status), checks it, resets
 * the device and makes sure it works again. One check in strict mode. */
static void expect_error(const char *what)
{
	struct vq *q = &blkq;
	unsigned long n;
	uint32_t st = 0;
	const char *outcome = "nothing happened";
	int good = 0;

	for (n = 0; n < SPIN; n++) {
		st = rd(BLK_SLOT, R_STATUS);
		if ((st & ST_NEEDS_RESET) || used_idx(q) != q->used_seen)
			break;
	}
	if (st & ST_NEEDS_RESET) {
		uint32_t isr = rd(BLK_SLOT, R_ISR);
		/* The configuration interrupt is due only once DRIVER_OK is set. */
		good = !(st & ST_DRIVER_OK) || (isr & 2);
		outcome = good ? "needs reset" : "needs reset without config interrupt";
	} else if (used_idx(q) != q->used_seen) {
		__sync_synchronize();
		good = blk_status == BLK_S_IOERR || blk_status == BLK_S_UNSUPP;
		outcome = good ? "error status" : "completed as if valid";
	}
	if (strict) {
		if (!good) {
			printf("FAIL malformed %s: %s (status 0x%x)\n", what, outcome,
			       (unsigned)st);
			rt_exit(RT_EXIT_CHECK);
		}
		RT_CHECK(good, 1);
	} else {
		printf("observe: %s: %s (status 0x%x isr 0x%x)\n", what, outcome,
		       (unsigned)st, (unsigned)rd(BLK_SLOT, R_ISR));
	}
	nmalformed++;
	wr(BLK_SLOT, R_ACK, 3);
}

/* Queue set-up with a chosen size and descriptor table address. */
static void bad_setup(const char *what, uint32_t num, uint64_t desc)
{
	struct vq *q = &blkq;

	dev_init(BLK_SLOT, q, FEAT_INDIRECT);
	wr(BLK_SLOT, R_STATUS, 0);
	wr(BLK_SLOT, R_STATUS, ST_ACK | ST_DRIVER);
	wr(BLK_SLOT, R_DRV_FEAT_SEL, 1);
	wr(BLK_SLOT, R_DRV_FEAT, 1);
	wr(BLK_SLOT, R_DRV_FEAT_SEL, 0);
	wr(BLK_SLOT, R_DRV_FEAT, 0);
	wr(BLK_SLOT, R_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	wr(BLK_SLOT, R_QSEL, 0);
	wr(BLK_SLOT, R_QNUM, num);
	wr(BLK_SLOT, R_QDESC, (uint32_t)desc);
	wr(BLK_SLOT, R_QDESC + 4, (uint32_t)(desc >> 32));
	wr(BLK_SLOT, R_QDRIVER, (uint32_t)(uintptr_t)&q->avail);
	wr(BLK_SLOT, R_QDEVICE, (uint32_t)(uintptr_t)&q->used);
	wr(BLK_SLOT, R_QREADY, 1);
	expect_error(what);
}

enum {
	M_DATA_BELOW_RAM, M_DATA_PAST_RAM_END, M_DATA_HUGE_ADDR, M_LOOP, M_SELF_LOOP,
	M_HEAD_PAST_QUEUE, M_NEXT_PAST_QUEUE, M_STATUS_ZERO_LEN, M_NO_STATUS,
	M_SHORT_HEADER, M_READABLE_AFTER_WRITABLE, M_AVAIL_JUMP, M_INDIRECT_BAD_SIZE,
	M_INDIRECT_OUTSIDE_RAM, M_INDIRECT_LOOP, M_NOTIFY_NOT_READY, M_COUNT
};

static const char *const mnames[M_COUNT] = {
	[M_DATA_BELOW_RAM] = "data buffer below RAM",
	[M_DATA_PAST_RAM_END] = "data buffer across the end of RAM",
	[M_DATA_HUGE_ADDR] = "data buffer at 0xffffffffffff0000",
	[M_LOOP] = "descriptor loop 0->1->2->1",
	[M_SELF_LOOP] = "descriptor pointing at itself",
	[M_HEAD_PAST_QUEUE] = "head index past the queue size",
	[M_NEXT_PAST_QUEUE] = "next index past the queue size",
	[M_STATUS_ZERO_LEN] = "zero-length status descriptor",
	[M_NO_STATUS] = "no writable status descriptor",
	[M_SHORT_HEADER] = "8-byte request header",
	[M_READABLE_AFTER_WRITABLE] = "readable descriptor after a writable one",
	[M_AVAIL_JUMP] = "available index 100 ahead",
	[M_INDIRECT_BAD_SIZE] = "indirect table of 20 bytes",
	[M_INDIRECT_OUTSIDE_RAM] = "indirect table outside RAM",
	[M_INDIRECT_LOOP] = "loop inside an indirect table",
	[M_NOTIFY_NOT_READY] = "notify of queue 1 (not ready)",
};

static void malformed_request(int c)
{
	struct vq *q = &blkq;
	uint16_t head = 0;

	dev_init(BLK_SLOT, q, FEAT_INDIRECT);
	blk_hdr.type = BLK_T_IN;
	blk_hdr.sector = 1;
	blk_status = 0xee;
	set_desc(&q->desc[0], &blk_hdr, 16, F_NEXT, 1);
	set_desc(&q->desc[1], data, 512, F_NEXT | F_WRITE, 2);
	set_desc(&q->desc[2], &blk_status, 1, F_WRITE, 0);
	switch (c) {
	case M_DATA_BELOW_RAM:
		q->desc[1].addr = 0x1000;
		break;
	case M_DATA_PAST_RAM_END:
		q->desc[1].addr = RAM_END - 256;
		break;
	case M_DATA_HUGE_ADDR:
		q->desc[1].addr = 0xffffffffffff0000ull;
		break;
	case M_LOOP:
		q->desc[2].flags |= F_NEXT;
		q->desc[2].next = 1;
		break;
	case M_SELF_LOOP:
		q->desc[1].next = 1;
		break;
	case M_HEAD_PAST_QUEUE:
		head = QN + 3;
		break;
	case M_NEXT_PAST_QUEUE:
		q->desc[1].next = 200;
		break;
	case M_STATUS_ZERO_LEN:
		q->desc[1].flags = F_NEXT;		/* make it a write request */
		blk_hdr.type = BLK_T_OUT;
		q->desc[2].len = 0;
		break;
	case M_NO_STATUS:
		blk_hdr.type = BLK_T_OUT;
		q->desc[1].flags = 0;
		break;
	case M_SHORT_HEADER:
		q->desc[0].len = 8;
		break;
	case M_READABLE_AFTER_WRITABLE:
		q->desc[2].flags = 0;
		break;
	case M_AVAIL_JUMP:
		q->avail_idx = 99;
		break;
	case M_INDIRECT_BAD_SIZE:
		set_desc(&q->ind[0], &blk_hdr, 16, 0, 0);
		set_desc(&q->desc[0], q->ind, 20, F_INDIRECT, 0);
		break;
	case M_INDIRECT_OUTSIDE_RAM:
		q->desc[0].addr = RAM_END + 0x1000;
		q->desc[0].len = 48;
		q->desc[0].flags = F_INDIRECT;
		break;
	case M_INDIRECT_LOOP:
		set_desc(&q->ind[0], &blk_hdr, 16, F_NEXT, 1);
		set_desc(&q->ind[1], data, 512, F_NEXT | F_WRITE, 1);
		set_desc(&q->desc[0], q->ind, 2 * sizeof(struct desc), F_INDIRECT, 0);
		break;
	case M_NOTIFY_NOT_READY:
		wr(BLK_SLOT, R_QNOTIFY, 1);
		expect_error(mnames[c]);
		return;
	}
	submit(q, head);
	expect_error(mnames[c]);
}

static void test_malformed(void)
{
	for (int c = 0; c < M_COUNT; c++)
		malformed_request(c);
	bad_setup("queue size 6 (not a power of two)", 6, (uintptr_t)blkq.desc);
	bad_setup("queue size 2048 (past QueueNumMax)", 2048, (uintptr_t)blkq.desc);
	bad_setup("descriptor table at 0x1000 (not RAM)", QN, 0x1000);
	bad_setup("descriptor table across the end of RAM", QN, RAM_END - 64);

	/* Still alive, and the device still works after a reset. */
	dev_init(BLK_SLOT, &blkq, FEAT_INDIRECT);
	memset(data, 0, sizeof data);
	RT_CHECK(blk_rw(BLK_T_IN, 2, data, 512, 1), BLK_S_OK);
	RT_CHECK(sectors_match(data, 2, 1), 1);
}

int main(void)
{
	int nvirtio;
	const char *args = fdt_scan(&nvirtio);

	/* Probe: every slot answers, version 2, the two devices where QEMU
	 * puts them, the rest empty. */
	RT_CHECK(nvirtio, NSLOTS);
	for (int i = 0; i < NSLOTS; i++) {
		RT_CHECK(rd(i, R_MAGIC), 0x74726976);
		RT_CHECK(rd(i, R_VERSION), 2);
		RT_CHECK(rd(i, R_VENDOR), 0x554d4551);
		RT_CHECK(rd(i, R_DEVICE_ID), i == BLK_SLOT ? 2 : i == RNG_SLOT ? 4 : 0);
	}

	test_blk();
	test_rng();

	if (strstr(args, "virtio.malformed") || strstr(args, "virtio.observe")) {
		strict = strstr(args, "virtio.malformed") != NULL;
		test_malformed();
		printf("%d malformed cases %s\n", nmalformed,
		       strict ? "reported, machine up" : "observed");
	}
	return 0;
}
