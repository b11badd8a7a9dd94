/* virtio-net on virt, as a bare-metal M-mode driver sees it, talking to
 * QEMU's user-mode network (libslirp) behind -netdev user: probes the card
 * in slot 7 (device ID 1), negotiates features for the register layout it
 * finds (legacy: the 10-byte header; modern: the 12-byte one, with
 * MRG_RXBUF unless "net.nomrg" is in the kernel command line), reads the
 * MAC and the link status from config space, then:
 *   ARP      asks who has 10.0.2.2 and checks slirp's reply,
 *   DHCP     sends a DISCOVER and checks the OFFER of 10.0.2.15,
 *   ICMP     pings 10.0.2.2 and checks the echo reply,
 *   MRG      (modern, mergeable) receives a frame across 32-byte buffers,
 *   hostfwd  ("net.hostfwd") waits for a TCP SYN to port 7 that a host
 *            connection through hostfwd=tcp::PORT-:7 makes, and answers RST,
 * each time printing what arrived. It waits in wfi for the card's PLIC
 * interrupt or a timer deadline, so record and replay see idle periods.
 *
 * With "virtio.malformed" it then feeds the card broken buffers (a transmit
 * buffer shorter than the header, receive buffers too short for the header
 * or outside RAM, an oversized frame, a receive buffer too small for the
 * frame without MRG_RXBUF) and checks that each is reported
 * (DEVICE_NEEDS_RESET with the configuration interrupt) or dropped, and that
 * the card works again after a reset. Needs: -netdev user,id=n0 and
 * -device virtio-net-device,netdev=n0 as the first device. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rt.h"
#include "virt.h"

RT_TEST_NAME("virtio_net");

/* ---- the machine ---------------------------------------------------------- */

#define NET_SLOT	7
#define SLOT_BASE	(0x10001000ul + 0x1000ul * NET_SLOT)
#define NET_IRQ		(1 + NET_SLOT)

enum {
	R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008,
	R_DEV_FEAT = 0x010, R_DEV_FEAT_SEL = 0x014, R_DRV_FEAT = 0x020,
	R_DRV_FEAT_SEL = 0x024, R_PAGE_SIZE = 0x028, R_QSEL = 0x030,
	R_QNUM_MAX = 0x034, R_QNUM = 0x038, R_QALIGN = 0x03c, R_QPFN = 0x040,
	R_QREADY = 0x044, R_QNOTIFY = 0x050, R_ISR = 0x060, R_ACK = 0x064,
	R_STATUS = 0x070, R_QDESC = 0x080, R_QDRIVER = 0x090, R_QDEVICE = 0x0a0,
	R_CONFIG = 0x100,
};

#define ST_ACK		1
#define ST_DRIVER	2
#define ST_DRIVER_OK	4
#define ST_FEATURES_OK	8
#define ST_NEEDS_RESET	0x40

#define F_NEXT		1
#define F_WRITE		2

#define NET_F_MAC	(1u << 5)
#define NET_F_MRG_RXBUF	(1u << 15)
#define NET_F_STATUS	(1u << 16)

#define RAM_END		(0x80000000ul + (128ul << 20))

static inline uint32_t rd(unsigned off)
{
	return *(volatile uint32_t *)(SLOT_BASE + off);
}

static inline void wr(unsigned off, uint32_t v)
{
	__sync_synchronize();
	*(volatile uint32_t *)(SLOT_BASE + off) = v;
}

static inline uint8_t cfg8(unsigned off)
{
	return *(volatile uint8_t *)(SLOT_BASE + R_CONFIG + off);
}

/* ---- split virtqueues, in the legacy layout (which modern accepts) ------- */

#define QN	8
#define NRX	4
#define RXLEN	2048

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vq {
	uint8_t *mem;			/* 8 KiB, page aligned */
	volatile struct desc *desc;	/* mem + 0 */
	volatile uint16_t *avail;	/* mem + 16 * QN: flags, idx, ring[QN] */
	volatile uint16_t *used;	/* mem + 4096: flags, idx, {id, len}[QN] */
	uint16_t avail_idx, used_seen;
	unsigned index;
};

static uint8_t rxmem[8192] __attribute__((aligned(4096)));
static uint8_t txmem[8192] __attribute__((aligned(4096)));
static struct vq rxq = { .mem = rxmem, .index = 0 };
static struct vq txq = { .mem = txmem, .index = 1 };

static uint8_t rxbuf[NRX][RXLEN] __attribute__((aligned(64)));
static uint8_t txbuf[RXLEN] __attribute__((aligned(64)));
static uint8_t big[70000] __attribute__((aligned(64)));

static int legacy, mrg;
static unsigned hdr_len, rx_len;
static uint8_t mac[6];

static uint16_t used_idx(struct vq *q)
{
	__sync_synchronize();
	return q->used[1];
}

static uint32_t used_id(struct vq *q, uint16_t i)
{
	return ((volatile uint32_t *)(q->mem + 4096 + 4))[2 * (i % QN)];
}

static uint32_t used_len(struct vq *q, uint16_t i)
{
	return ((volatile uint32_t *)(q->mem + 4096 + 4))[2 * (i % QN) + 1];
}

static void set_desc(struct vq *q, unsigned i, const volatile void *addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	q->desc[i].addr = (uint64_t)(uintptr_t)addr;
	q->desc[i].len = len;
	q->desc[i].flags = flags;
	q->desc[i].next = next;
}

static void make_avail(struct vq *q, uint16_t head)
{
	q->avail[2 + q->avail_idx % QN] = head;
	__sync_synchronize();
	q->avail_idx++;
	q->avail[1] = q->avail_idx;
}

static void queue_setup(struct vq *q)
{
	memset(q->mem, 0, 8192);
	q->desc = (volatile struct desc *)q->mem;
	q->avail = (volatile uint16_t *)(q->mem + 16 * QN);
	q->used = (volatile uint16_t *)(q->mem + 4096);
	q->avail_idx = q->used_seen = 0;
	wr(R_QSEL, q->index);
	RT_CHECK(rd(R_QNUM_MAX) >= QN, 1);
	wr(R_QNUM, QN);
	if (legacy) {
		wr(R_QALIGN, 4096);
		wr(R_QPFN, (uint32_t)((uintptr_t)q->mem >> 12));
	} else {
		wr(R_QDESC, (uint32_t)(uintptr_t)q->desc);
		wr(R_QDESC + 4, 0);
		wr(R_QDRIVER, (uint32_t)(uintptr_t)q->avail);
		wr(R_QDRIVER + 4, 0);
		wr(R_QDEVICE, (uint32_t)(uintptr_t)q->used);
		wr(R_QDEVICE + 4, 0);
		wr(R_QREADY, 1);
	}
}

/* ---- waiting: wfi until the card interrupts or a deadline passes --------- */

static uint64_t deadline_after(uint64_t ms)
{
	return CLINT_MTIME + ms * (TICKS_PER_SEC / 1000);
}

/* Sleeps until used->idx of q moves past used_seen or the deadline.
 * Returns 1 if it moved. */
static int wait_used(struct vq *q, uint64_t deadline)
{
	CLINT_MTIMECMP = deadline;
	for (;;) {
		if (used_idx(q) != q->used_seen)
			break;
		if (CLINT_MTIME >= deadline)
			break;
		wfi();
		uint32_t src = PLIC_CLAIM(0);
		uint32_t isr = rd(R_ISR);
		if (isr)
			wr(R_ACK, isr);
		if (src)
			PLIC_CLAIM(0) = src;
	}
	CLINT_MTIMECMP = ~0ull;
	return used_idx(q) != q->used_seen;
}

/* ---- the card ------------------------------------------------------------- */

/* Makes receive buffer k available again: one descriptor (modern), or the
 * header and the data in two (legacy, as old drivers did). */
static void rx_post(unsigned k)
{
	if (legacy) {
		set_desc(&rxq, 2 * k, rxbuf[k], hdr_len, F_WRITE | F_NEXT, (uint16_t)(2 * k + 1));
		set_desc(&rxq, 2 * k + 1, rxbuf[k] + hdr_len, rx_len - hdr_len, F_WRITE, 0);
		make_avail(&rxq, (uint16_t)(2 * k));
	} else {
		set_desc(&rxq, k, rxbuf[k], rx_len, F_WRITE, 0);
		make_avail(&rxq, (uint16_t)k);
	}
}

/* Resets the card and brings it up with NRX receive buffers of len bytes.
 * Checks the features and the config space. */
static void net_init(unsigned len)
{
	wr(R_STATUS, 0);
	RT_CHECK(rd(R_STATUS), 0);
	wr(R_STATUS, ST_ACK);
	wr(R_STATUS, ST_ACK | ST_DRIVER);
	wr(R_DEV_FEAT_SEL, 0);
	uint32_t f = rd(R_DEV_FEAT);
	RT_CHECK(f & (NET_F_MAC | NET_F_STATUS), NET_F_MAC | NET_F_STATUS);
	uint32_t want = NET_F_MAC | NET_F_STATUS | (mrg ? NET_F_MRG_RXBUF : 0);
	RT_CHECK(f & want, want);
	wr(R_DRV_FEAT_SEL, 0);
	wr(R_DRV_FEAT, want);
	if (legacy) {
		wr(R_PAGE_SIZE, 4096);
	} else {
		wr(R_DEV_FEAT_SEL, 1);
		RT_CHECK(rd(R_DEV_FEAT) & 1, 1);		/* VERSION_1 */
		wr(R_DRV_FEAT_SEL, 1);
		wr(R_DRV_FEAT, 1);
		wr(R_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
		RT_CHECK(rd(R_STATUS) & ST_FEATURES_OK, ST_FEATURES_OK);
	}
	queue_setup(&rxq);
	queue_setup(&txq);
	rx_len = len;
	for (unsigned k = 0; k < NRX; k++)
		rx_post(k);
	wr(R_STATUS, ST_ACK | ST_DRIVER | ST_DRIVER_OK | (legacy ? 0 : ST_FEATURES_OK));
	wr(R_QNOTIFY, 0);
	for (int i = 0; i < 6; i++)
		mac[i] = cfg8(i);
	RT_CHECK(*(volatile uint16_t *)(SLOT_BASE + R_CONFIG + 6), 1);	/* link up */
}

/* Sends one frame (a copy of buf) and waits for its completion. */
static void net_send(const void *buf, unsigned len)
{
	struct vq *q = &txq;
	memset(txbuf, 0, hdr_len);
	memcpy(txbuf + hdr_len, buf, len);
	if (legacy) {
		set_desc(q, 0, txbuf, hdr_len, F_NEXT, 1);
		set_desc(q, 1, txbuf + hdr_len, len, 0, 0);
	} else {
		set_desc(q, 0, txbuf, hdr_len + len, 0, 0);
	}
	make_avail(q, 0);
	wr(R_QNOTIFY, 1);
	RT_CHECK(wait_used(q, deadline_after(1000)), 1);
	q->used_seen++;
}

static uint8_t frame[RXLEN * NRX];
static unsigned last_nbuf;

/* Receives the next frame into frame[] (without the virtio-net header),
 * reposting its buffers. Returns its length, or -1 at the deadline. */
static int net_recv(uint64_t deadline)
{
	struct vq *q = &rxq;
	if (!wait_used(q, deadline))
		return -1;
	uint16_t i = q->used_seen;
	unsigned head = used_id(q, i), len = used_len(q, i);
	unsigned k = legacy ? head / 2 : head;
	RT_CHECK(k < NRX && len >= hdr_len && len <= rx_len, 1);
	const uint8_t *h = rxbuf[k];
	RT_CHECK(h[0] | h[1], 0);			/* flags, gso_type NONE */
	unsigned nbuf = hdr_len == 12 ? (unsigned)(h[10] | h[11] << 8) : 1;
	/* Without MRG_RXBUF the spec wants num_buffers 1; QEMU 7.2 leaves 0. */
	if (!mrg && nbuf == 0)
		nbuf = 1;
	RT_CHECK(nbuf >= 1 && nbuf <= NRX && (mrg || nbuf == 1), 1);
	unsigned n = len - hdr_len;
	memcpy(frame, rxbuf[k] + hdr_len, n);
	q->used_seen++;
	rx_post(k);
	for (unsigned b = 1; b < nbuf; b++) {
		RT_CHECK(wait_used(q, deadline_after(1000)), 1);
		i = q->used_seen;
		k = used_id(q, i);
		len = used_len(q, i);
		RT_CHECK(k < NRX && len <= rx_len, 1);
		memcpy(frame + n, rxbuf[k], len);
		n += len;
		q->used_seen++;
		rx_post(k);
	}
	wr(R_QNOTIFY, 0);
	last_nbuf = nbuf;
	return (int)n;
}

/* ---- frames ---------------------------------------------------------------- */

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t slirp_mac[6] = { 0x52, 0x55, 10, 0, 2, 2 };
#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define GUEST_IP	IP(10, 0, 2, 15)
#define HOST_IP		IP(10, 0, 2, 2)
#define DNS_IP		IP(10, 0, 2, 3)

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }
static unsigned get16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

static void print_ip(const char *what, uint32_t a)
{
	printf("%s%u.%u.%u.%u", what, (unsigned)(a >> 24), (unsigned)(a >> 16) & 255,
	       (unsigned)(a >> 8) & 255, (unsigned)a & 255);
}

static void print_mac(const uint8_t *m)
{
	printf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static uint32_t sum16(uint32_t s, const uint8_t *p, unsigned n)
{
	for (unsigned i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static unsigned fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

static void eth(uint8_t *f, const uint8_t *dst, unsigned type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, type);
}

/* An IPv4 header at p for a payload of len bytes. */
static void ipv4(uint8_t *p, unsigned proto, uint32_t src, uint32_t dst, unsigned len)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, 20 + len);
	p[8] = 64;
	p[9] = (uint8_t)proto;
	put32(p + 12, src);
	put32(p + 16, dst);
	put16(p + 10, fold(sum16(0, p, 20)));
}

/* Receives until a frame passes match() or the deadline, printing the
 * others. Returns its length, or -1. */
static int recv_match(int (*match)(const uint8_t *f, int n), uint64_t ms)
{
	uint64_t deadline = deadline_after(ms);
	for (;;) {
		int n = net_recv(deadline);
		if (n < 0 || match(frame, n))
			return n;
		printf("  (skipped a %d-byte frame of type 0x%04x)\n", n, n >= 14 ? get16(frame + 12) : 0);
	}
}

/* ---- ARP ------------------------------------------------------------------- */

static int is_arp_reply(const uint8_t *f, int n)
{
	return n >= 42 && get16(f + 12) == 0x0806 && get16(f + 20) == 2;
}

static void send_arp(void)
{
	uint8_t f[60] = {0};
	eth(f, bcast, 0x0806);
	put16(f + 14, 1);		/* Ethernet */
	put16(f + 16, 0x0800);		/* IPv4 */
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);		/* request */
	memcpy(f + 22, mac, 6);
	put32(f + 28, GUEST_IP);
	put32(f + 38, HOST_IP);
	net_send(f, sizeof f);
}

static void check_arp_reply(const uint8_t *f, int n)
{
	RT_CHECK(n >= 42, 1);
	RT_CHECK(memcmp(f, mac, 6), 0);
	RT_CHECK(get16(f + 12), 0x0806);
	RT_CHECK(get16(f + 20), 2);
	RT_CHECK(memcmp(f + 22, slirp_mac, 6), 0);
	RT_CHECK(get32(f + 28), HOST_IP);
	RT_CHECK(memcmp(f + 32, mac, 6), 0);
	RT_CHECK(get32(f + 38), GUEST_IP);
}

static void test_arp(void)
{
	send_arp();
	int n = recv_match(is_arp_reply, 2000);
	RT_CHECK(n > 0, 1);
	if (n < 0)
		return;
	check_arp_reply(frame, n);
	print_ip("arp: ", get32(frame + 28));
	printf(" is at ");
	print_mac(frame + 22);
	printf(" (%d bytes)\n", n);
}

/* ---- DHCP ------------------------------------------------------------------ */

#define XID		0x52505253u
#define BOOTP_LEN	(236 + 312)		/* fixed part, vendor area */

static int is_dhcp_reply(const uint8_t *f, int n)
{
	return n >= 14 + 20 + 8 + 240 && get16(f + 12) == 0x0800 && f[23] == 17 &&
	       get16(f + 34) == 67 && get16(f + 36) == 68 && get32(f + 42 + 4) == XID;
}

static void test_dhcp(void)
{
	static uint8_t f[14 + 20 + 8 + BOOTP_LEN];
	memset(f, 0, sizeof f);
	eth(f, bcast, 0x0800);
	uint8_t *udp = f + 34, *bp = f + 42;
	bp[0] = 1;			/* BOOTREQUEST */
	bp[1] = 1;
	bp[2] = 6;
	put32(bp + 4, XID);
	memcpy(bp + 28, mac, 6);
	put32(bp + 236, 0x63825363);	/* magic cookie */
	uint8_t *o = bp + 240;
	*o++ = 53; *o++ = 1; *o++ = 1;	/* DHCPDISCOVER */
	*o++ = 55; *o++ = 3; *o++ = 1; *o++ = 3; *o++ = 6;
	*o++ = 255;
	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, 8 + BOOTP_LEN);
	ipv4(f + 14, 17, 0, 0xffffffffu, 8 + BOOTP_LEN);
	net_send(f, sizeof f);

	int n = recv_match(is_dhcp_reply, 2000);
	RT_CHECK(n > 0, 1);
	if (n < 0)
		return;
	const uint8_t *r = frame + 42;
	RT_CHECK(r[0], 2);			/* BOOTREPLY */
	RT_CHECK(get32(r + 16), GUEST_IP);	/* yiaddr */
	RT_CHECK(memcmp(r + 28, mac, 6), 0);
	RT_CHECK(get32(r + 236), 0x63825363);
	uint32_t type = 0, server = 0, mask = 0, router = 0, dns = 0;
	for (int i = 42 + 240; i + 1 < n && frame[i] != 255;) {
		unsigned code = frame[i], len = frame[i + 1];
		const uint8_t *v = frame + i + 2;
		if (code == 0) {
			i++;
			continue;
		}
		if (i + 2 + (int)len > n)
			break;
		if (code == 53 && len >= 1)
			type = v[0];
		else if (code == 54 && len >= 4)
			server = get32(v);
		else if (code == 1 && len >= 4)
			mask = get32(v);
		else if (code == 3 && len >= 4)
			router = get32(v);
		else if (code == 6 && len >= 4)
			dns = get32(v);
		i += 2 + (int)len;
	}
	RT_CHECK(type, 2);			/* DHCPOFFER */
	RT_CHECK(server, HOST_IP);
	RT_CHECK(mask, 0xffffff00u);
	RT_CHECK(router, HOST_IP);
	RT_CHECK(dns, DNS_IP);
	print_ip("dhcp: offer ", get32(r + 16));
	print_ip(" from ", server);
	print_ip(", mask ", mask);
	print_ip(", router ", router);
	print_ip(", dns ", dns);
	printf("\n");
}

/* ---- ICMP echo ------------------------------------------------------------- */

static const char ping_data[] = "reprise virtio-net ping payload";	/* 31 + NUL */

static int is_echo_reply(const uint8_t *f, int n)
{
	return n >= 34 + 8 && get16(f + 12) == 0x0800 && f[23] == 1 && f[34] == 0;
}

static void test_ping(void)
{
	uint8_t f[14 + 20 + 8 + sizeof ping_data];
	unsigned plen = 8 + sizeof ping_data;
	eth(f, slirp_mac, 0x0800);
	ipv4(f + 14, 1, GUEST_IP, HOST_IP, plen);
	uint8_t *ic = f + 34;
	memset(ic, 0, 8);
	ic[0] = 8;				/* echo request */
	put16(ic + 4, 0x5250);
	put16(ic + 6, 1);
	memcpy(ic + 8, ping_data, sizeof ping_data);
	put16(ic + 2, fold(sum16(0, ic, plen)));
	net_send(f, sizeof f);

	int n = recv_match(is_echo_reply, 2000);
	RT_CHECK(n > 0, 1);
	if (n < 0)
		return;
	RT_CHECK(memcmp(frame, mac, 6), 0);
	RT_CHECK(get32(frame + 26), HOST_IP);
	RT_CHECK(get32(frame + 30), GUEST_IP);
	RT_CHECK(fold(sum16(0, frame + 14, 20)), 0);	/* IP header checksum */
	unsigned ilen = get16(frame + 16) - 20;
	RT_CHECK(ilen, plen);
	RT_CHECK(fold(sum16(0, frame + 34, ilen)), 0);	/* ICMP checksum */
	RT_CHECK(get16(frame + 38), 0x5250);
	RT_CHECK(get16(frame + 40), 1);
	RT_CHECK(memcmp(frame + 42, ping_data, sizeof ping_data), 0);
	print_ip("icmp: echo reply from ", get32(frame + 26));
	printf(", seq %u, %u bytes of data\n", get16(frame + 40), ilen - 8);
}

/* ---- MRG_RXBUF: one frame across several small buffers -------------------- */

static void test_mergeable(void)
{
	net_init(32);
	send_arp();
	int n = recv_match(is_arp_reply, 2000);
	RT_CHECK(n > 0, 1);
	if (n < 0)
		return;
	check_arp_reply(frame, n);
	RT_CHECK(last_nbuf, (n + 12 + 31) / 32);
	printf("mrg: a %d-byte frame arrived in %u buffers of 32 bytes\n", n, last_nbuf);
	net_init(RXLEN);
}

/* ---- hostfwd: a host connection reaches the guest ------------------------- */

static int is_syn_to_7(const uint8_t *f, int n)
{
	return n >= 54 && get16(f + 12) == 0x0800 && f[23] == 6 && get32(f + 30) == GUEST_IP &&
	       get16(f + 36) == 7 && (f[47] & 0x02);
}

static void test_hostfwd(void)
{
	printf("hostfwd: waiting for a connection to port 7\n");
	int n = recv_match(is_syn_to_7, 60000);
	RT_CHECK(n > 0, 1);
	if (n < 0)
		return;
	unsigned ihl = (frame[14] & 15) * 4u;
	const uint8_t *tcp = frame + 14 + ihl;
	uint32_t src = get32(frame + 26);
	unsigned sport = get16(tcp);
	uint32_t seq = get32(tcp + 4);

	/* Answer RST+ACK: nothing listens on port 7. */
	uint8_t f[54];
	eth(f, frame + 6, 0x0800);
	ipv4(f + 14, 6, GUEST_IP, src, 20);
	uint8_t *t = f + 34;
	memset(t, 0, 20);
	put16(t, 7);
	put16(t + 2, sport);
	put32(t + 8, seq + 1);
	t[12] = 5 << 4;
	t[13] = 0x14;				/* RST, ACK */
	uint32_t s = sum16(0, f + 26, 8) + 6 + 20;	/* pseudo-header */
	put16(t + 16, fold(sum16(s, t, 20)));
	net_send(f, sizeof f);
	print_ip("hostfwd: SYN from ", src);
	printf(" to port 7, answered with RST\n");
}

/* ---- malformed buffers (Reprise's contract) ------------------------------- */

/* The card must have set NEEDS_RESET with the configuration interrupt.
 * Then it must work again after a reset. */
static void expect_needs_reset(const char *what)
{
	uint32_t st = rd(R_STATUS), isr = rd(R_ISR);
	if (!(st & ST_NEEDS_RESET) || !(isr & 2)) {
		printf("FAIL malformed %s: status 0x%x isr 0x%x\n", what, (unsigned)st,
		       (unsigned)isr);
		rt_exit(RT_EXIT_CHECK);
	}
	RT_CHECK(1, 1);
	wr(R_ACK, isr);
	printf("malformed: %s: needs reset\n", what);
	net_init(RXLEN);
	send_arp();
	int n = recv_match(is_arp_reply, 2000);
	RT_CHECK(n > 0, 1);
	if (n > 0)
		check_arp_reply(frame, n);
}

static void test_malformed(void)
{
	/* A transmit buffer shorter than the virtio-net header. */
	set_desc(&txq, 0, txbuf, 4, 0, 0);
	make_avail(&txq, 0);
	wr(R_QNOTIFY, 1);
	expect_needs_reset("transmit buffer of 4 bytes");

	/* A receive buffer shorter than the header. */
	set_desc(&rxq, 5, rxbuf[0], 8, F_WRITE, 0);
	make_avail(&rxq, 5);
	wr(R_QNOTIFY, 0);
	expect_needs_reset("receive buffer of 8 bytes");

	/* A receive buffer outside RAM, and one across its end. */
	set_desc(&rxq, 5, (void *)0x1000ul, 2048, F_WRITE, 0);
	make_avail(&rxq, 5);
	wr(R_QNOTIFY, 0);
	expect_needs_reset("receive buffer at 0x1000");
	set_desc(&rxq, 5, (void *)(RAM_END - 100), 2048, F_WRITE, 0);
	make_avail(&rxq, 5);
	wr(R_QNOTIFY, 0);
	expect_needs_reset("receive buffer across the end of RAM");

	/* A frame longer than any the card sends: completed and dropped. */
	set_desc(&txq, 0, big, sizeof big, 0, 0);
	make_avail(&txq, 0);
	wr(R_QNOTIFY, 1);
	RT_CHECK(wait_used(&txq, deadline_after(1000)), 1);
	txq.used_seen++;
	RT_CHECK(rd(R_STATUS) & ST_NEEDS_RESET, 0);
	printf("malformed: %u-byte frame: dropped\n", (unsigned)sizeof big);

	/* Without MRG_RXBUF, a frame larger than the next buffer is dropped
	 * and the buffer kept (QEMU does the same). */
	if (!mrg) {
		net_init(hdr_len + 20);
		send_arp();
		RT_CHECK(net_recv(deadline_after(200)), -1);
		RT_CHECK(rd(R_STATUS) & ST_NEEDS_RESET, 0);
		printf("malformed: ARP reply into 20-byte buffers: dropped\n");
		net_init(RXLEN);
	}
}

/* ---- main ------------------------------------------------------------------ */

static const char *bootargs(void)
{
	const uint8_t *fdt = (const uint8_t *)(uintptr_t)rt_boot_fdt;
	if (!fdt || get32(fdt) != 0xd00dfeed)
		return "";
	const uint8_t *p = fdt + get32(fdt + 8);
	const char *strs = (const char *)fdt + get32(fdt + 12);
	int depth = 0, chosen = 0;
	for (;;) {
		uint32_t tok = get32(p);
		p += 4;
		if (tok == 1) {
			depth++;
			chosen = depth == 2 && !strcmp((const char *)p, "chosen");
			p += (strlen((const char *)p) + 4) & ~3ul;
		} else if (tok == 2) {
			chosen = 0;
			depth--;
		} else if (tok == 3) {
			uint32_t len = get32(p), name = get32(p + 4);
			p += 8;
			if (chosen && !strcmp(strs + name, "bootargs"))
				return (const char *)p;
			p += (len + 3) & ~3ul;
		} else if (tok != 4) {
			return "";
		}
	}
}

int main(void)
{
	const char *args = bootargs();

	RT_CHECK(rd(R_MAGIC), 0x74726976);
	RT_CHECK(rd(R_DEVICE_ID), 1);
	legacy = rd(R_VERSION) == 1;
	mrg = !legacy && !strstr(args, "net.nomrg");
	hdr_len = legacy ? 10 : 12;

	CLINT_MTIMECMP = ~0ull;
	CSR_CLEAR(mstatus, MSTATUS_MIE);
	PLIC_PRIORITY(NET_IRQ) = 1;
	PLIC_ENABLE(0, 0) = 1u << NET_IRQ;
	PLIC_THRESHOLD(0) = 0;
	CSR_WRITE(mie, MIP_MEIP | MIP_MTIP);

	net_init(RXLEN);
	printf("virtio-net: %s, %u-byte header%s, mac ", legacy ? "legacy" : "modern", hdr_len,
	       mrg ? ", mergeable buffers" : "");
	print_mac(mac);
	printf(", link up\n");

	test_arp();
	test_dhcp();
	test_ping();
	if (mrg)
		test_mergeable();
	if (strstr(args, "net.hostfwd"))
		test_hostfwd();
	if (strstr(args, "virtio.malformed"))
		test_malformed();
	return 0;
}
