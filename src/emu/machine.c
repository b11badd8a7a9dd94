/* The virt board: builds RAM, devices, harts, the FDT and the boot ROM from a
 * machine_config, loads the images, and runs the harts round-robin on one
 * host thread with a fixed instruction quantum (design invariant 2). Guest
 * time (mtime) is a function of instruction counts and idle periods. */
#include "machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "cpu/tb.h"
#include "dev/bootrom.h"
#include "dev/clint.h"
#include "dev/plic.h"
#include "dev/rtc.h"
#include "dev/finisher.h"
#include "dev/uart.h"
#include "dev/virtio.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_net.h"
#include "dev/virtio_rng.h"
#include "fdt.h"
#include "loader.h"
#include "plugins/plugin.h"
#include "record/nd.h"
#include "util.h"

#define DEFAULT_BIOS "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
#define QUANTUM 10000ULL          /* instructions per hart per round */
#define NS_PER_TICK 100ULL        /* mtime runs at 10 MHz */
#define KERNEL_OFFSET 0x200000ULL /* -kernel after firmware: 0x80200000 */

static uint8_t console_buf[4096];
static size_t console_len;

static void console_flush(void)
{
    size_t off = 0;
    while (off < console_len) {
        ssize_t n = write(STDOUT_FILENO, console_buf + off, console_len - off);
        if (n <= 0)
            break;   /* stdout closed: the guest's output is dropped */
        off += (size_t)n;
    }
    console_len = 0;
}

void machine_console_write(struct machine *m, const uint8_t *buf, size_t len)
{
    (void)m;
    while (len) {
        size_t n = sizeof(console_buf) - console_len;
        if (n > len)
            n = len;
        memcpy(console_buf + console_len, buf, n);
        console_len += n;
        buf += n;
        len -= n;
        if (console_len == sizeof(console_buf))
            console_flush();
    }
}

void machine_request_exit(struct machine *m, int code)
{
    m->stop_requested = true;
    m->stop_reason = STOP_POWEROFF;
    m->exit_code = code;
    machine_kick(m);
}

void machine_request_reset(struct machine *m)
{
    if (m->cfg->no_reboot) {
        machine_request_exit(m, 0);   /* -no-reboot: a reset ends the session */
        return;
    }
    m->reset_requested = true;
    machine_kick(m);
}

void machine_kick(struct machine *m)
{
    if (m->cur)
        m->cur->limit = 0;
}

uint64_t machine_mtime(struct machine *m)
{
    struct hart *h = m->cur;
    if (!h)
        return m->round_time;
    return m->round_time + (h->icount - h->turn_start);
}

void machine_set_mtime(struct machine *m, uint64_t mtime)
{
    m->round_time += mtime - machine_mtime(m);
}

/* Earliest timer deadline of h in mtime ticks, or UINT64_MAX. */
static uint64_t hart_deadline(struct machine *m, struct hart *h)
{
    uint64_t d = clint_mtimecmp(m->clint, h->id);
    if ((h->menvcfg & (1ULL << 63)) && h->stimecmp < d)
        d = h->stimecmp;
    uint64_t a = rtc_deadline(m->rtc);
    return a < d ? a : d;
}

void machine_update_timers(struct machine *m, struct hart *h)
{
    uint64_t now = machine_mtime(m);
    hart_set_mip(h, MIP_MTIP, now >= clint_mtimecmp(m->clint, h->id));
    rtc_update(m->rtc);
    if (h->menvcfg & (1ULL << 63))
        hart_set_mip(h, MIP_STIP, now >= h->stimecmp);
}

uint64_t machine_hart_limit(struct machine *m, struct hart *h, uint64_t turn_end)
{
    uint64_t d = hart_deadline(m, h);
    uint64_t now = machine_mtime(m);
    if (d == UINT64_MAX || d <= now)
        return turn_end;
    uint64_t at = h->icount + (d - now);
    return at < turn_end ? at : turn_end;
}

/* A system reset: harts and devices to their reset state and the boot
 * images and device tree back in RAM, so the machine boots again. */
static void reset_machine(struct machine *m)
{
    for (int i = 0; i < m->nharts; i++)
        hart_reset(m->harts[i], VIRT_BOOTROM_BASE);
    for (int i = 0; i < m->nblobs; i++)
        bus_write_ram(&m->bus, m->blobs[i].addr, m->blobs[i].data, m->blobs[i].size);
    bus_write_ram(&m->bus, m->fdt_addr, m->fdt, m->fdt_size);
    for (int i = 0; i < m->bus.nregions; i++) {
        struct bus_region *r = &m->bus.regions[i];
        if (r->ops && r->ops->reset)
            r->ops->reset(r->opaque);
    }
    tb_flush_all(m);
    m->reset_requested = false;
}

uint64_t machine_position(const struct machine *m)
{
    uint64_t pos = 0;
    for (int i = 0; i < m->nharts; i++)
        pos += m->harts[i]->icount;
    return pos;
}

/* Guest ticks until the earliest future timer deadline, or UINT64_MAX. */
static uint64_t ticks_to_next_deadline(struct machine *m)
{
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < m->nharts; i++) {
        uint64_t d = hart_deadline(m, m->harts[i]);
        if (d != UINT64_MAX && d > m->round_time && d - m->round_time < best)
            best = d - m->round_time;
    }
    return best;
}

static void stop(struct machine *m, enum machine_stop why)
{
    if (!m->stop_requested) {
        m->stop_requested = true;
        m->stop_reason = why;
    }
}

/* Between rounds: idle periods, outside input, divergence checks. */
static void round_boundary(struct machine *m, bool all_idle)
{
    struct nd *nd = m->nd;
    uint64_t pos = machine_position(m);
    if (all_idle) {
        console_flush();
        m->round_time += nd_idle(nd, pos, ticks_to_next_deadline(m));
    }
    nd_poll(nd, pos);
    bool with_ram;
    if (nd_hash_due(nd, pos, &with_ram)) {
        uint8_t digest[32];
        machine_state_hash(m, with_ram, digest);
        nd_hash(nd, pos, digest, with_ram);
    }
    if (nd_error(nd))
        stop(m, STOP_ERROR);
    else if (nd_at_end(nd, pos))
        stop(m, STOP_QUIT);
    else if (nd_quit_requested(nd))
        stop(m, STOP_QUIT);
}

/* Where h's next turn ends. Harts share rounds of QUANTUM instructions
 * each. A machine's only hart shares with no one, and its guest time moves
 * with each instruction however long its turns are, so its turns last
 * solo_turn instructions: fewer ends of turns cost less, and are seen
 * nowhere but in how often the host's input is looked at. A recording
 * keeps the length it ran with, because the blocks translated where turns
 * end are part of what plugins see. */
static uint64_t turn_end(struct machine *m, struct hart *h)
{
    return h->icount + (m->nharts == 1 ? m->cfg->solo_turn : QUANTUM);
}

enum machine_stop machine_run(struct machine *m)
{
    if (plugin_any)
        for (int i = 0; i < m->nharts; i++)
            plugin_vcpu_init(m->harts[i]);
    while (!m->stop_requested) {
        bool all_idle = true;
        uint64_t used = 0;
        for (int i = 0; i < m->nharts && !m->stop_requested; i++) {
            struct hart *h = m->harts[i];
            m->cur = h;
            h->turn_start = h->icount;
            hart_run(h, turn_end(m, h));
            if (!h->wfi)
                all_idle = false;
            if (h->icount - h->turn_start > used)
                used = h->icount - h->turn_start;
        }
        m->cur = NULL;
        if (m->stop_requested)
            break;
        if (m->reset_requested) {
            reset_machine(m);
            continue;
        }
        /* Guest time moves on by the round's quantum; a round in which every
         * hart fell asleep, or the turn of a machine's only hart, lasted as
         * long as its longest turn. */
        m->round_time += all_idle || m->nharts == 1 ? used : QUANTUM;
        round_boundary(m, all_idle);
        console_flush();   /* interactive output must not wait for the buffer to fill */
    }
    console_flush();
    return m->stop_reason;
}

int machine_finish(struct machine *m, int *status)
{
    uint8_t digest[32];
    unsigned reason = m->stop_reason;
    *status = m->exit_code;
    if (m->stop_reason == STOP_ERROR && nd_error(m->nd))
        return nd_error(m->nd);
    if (plugin_any)
        for (int i = 0; i < m->nharts; i++)
            plugin_vcpu_exit(m->harts[i]);
    /* A recording stores the digest and a replay checks it; a plain run
     * has no use for it, and hashing all of RAM touches every page. */
    if (nd_mode(m->nd) != ND_RUN)
        machine_state_hash(m, true, digest);
    else
        memset(digest, 0, sizeof(digest));
    nd_end(m->nd, machine_position(m), &reason, status, digest);
    memcpy(m->final_digest, digest, 32);
    if (nd_error(m->nd))
        return nd_error(m->nd);
    m->stop_reason = reason;
    return 0;
}

const char *machine_bios_path(const struct machine_config *c)
{
    if (!c->bios)
        return DEFAULT_BIOS;
    if (strcmp(c->bios, "none") == 0)
        return NULL;
    return c->bios;
}

/* Keeps a copy of [addr, addr + size) of RAM, just loaded, for resets.
 * Returns 0 or -ENOMEM with a message. */
static int keep_blob(struct machine *m, uint64_t addr, uint64_t size)
{
    if (size == 0)
        return 0;
    if (m->nblobs == (int)(sizeof(m->blobs) / sizeof(m->blobs[0])))
        return rp_error(-EINVAL, "too many boot images to keep for a reset");
    uint8_t *copy = malloc(size);
    if (!copy)
        return rp_error(-ENOMEM, "out of memory keeping a boot image for resets");
    if (bus_read_ram(&m->bus, addr, copy, size)) {
        free(copy);
        return rp_error(-EFAULT, "a boot image lies outside guest RAM");
    }
    m->blobs[m->nblobs++] = (struct boot_blob){.addr = addr, .size = size, .data = copy};
    return 0;
}

static int load_images(struct machine *m, uint64_t *start, uint64_t *next_addr)
{
    const struct machine_config *c = m->cfg;
    struct bus *b = &m->bus;
    int r;
    uint64_t fw_end = b->ram_base;

    const char *bios = machine_bios_path(c);
    bool no_bios = bios == NULL;
    *start = b->ram_base;
    *next_addr = 0;

    if (!no_bios) {
        if (access(bios, R_OK) != 0)
            return rp_error(-ENOENT, "firmware '%s' cannot be read%s", bios,
                            c->bios ? "" : " (install the opensbi package, or give -bios FILE or -bios none)");
        uint64_t lo = b->ram_base;
        if (loader_is_elf(bios)) {
            uint64_t hi;
            r = loader_load_elf(b, bios, start, &lo, &hi);
            fw_end = hi;
        } else {
            uint64_t size;
            r = loader_load_raw(b, bios, b->ram_base, &size);
            fw_end = b->ram_base + size;
        }
        if (!r)
            r = keep_blob(m, lo, fw_end - lo);
        if (r)
            return r;
    }
    if (c->kernel) {
        uint64_t entry, lo, hi;
        if (loader_is_elf(c->kernel)) {
            r = loader_load_elf(b, c->kernel, &entry, &lo, &hi);
        } else {
            uint64_t at = no_bios ? b->ram_base : b->ram_base + KERNEL_OFFSET;
            if (!no_bios && fw_end > at)
                at = (fw_end + KERNEL_OFFSET - 1) & ~(KERNEL_OFFSET - 1);
            uint64_t size = 0;
            r = loader_load_raw(b, c->kernel, at, &size);
            entry = lo = at;
            hi = at + size;
        }
        if (!r)
            r = keep_blob(m, lo, hi - lo);
        if (r)
            return r;
        if (no_bios)
            *start = entry;
        else
            *next_addr = entry;
    } else if (no_bios) {
        return rp_error(-EINVAL, "-bios none needs -kernel: there is nothing to run");
    }
    return 0;
}

static int place_initrd(struct machine *m, uint64_t *start, uint64_t *end)
{
    *start = *end = 0;
    if (!m->cfg->initrd)
        return 0;
    struct bus *b = &m->bus;
    uint64_t off = b->ram_size / 2;
    if (off > 128ULL << 20)
        off = 128ULL << 20;
    uint64_t size;
    int r = loader_load_raw(b, m->cfg->initrd, b->ram_base + off, &size);
    if (r)
        return r;
    *start = b->ram_base + off;
    *end = *start + size;
    return keep_blob(m, *start, size);
}

static size_t uart_space_cb(void *opaque) { return uart_rx_space(opaque); }
static void uart_push_cb(void *opaque, const uint8_t *buf, size_t len) { uart_rx_push(opaque, buf, len); }

static size_t rng_wanted_cb(void *opaque) { return virtio_rng_wanted(opaque); }
static void rng_push_cb(void *opaque, const uint8_t *buf, size_t len) { virtio_rng_push(opaque, buf, len); }

static bool net_can_receive_cb(void *opaque, size_t len) { return virtio_net_can_receive(opaque, len); }
static void net_receive_cb(void *opaque, const uint8_t *buf, size_t len) { virtio_net_receive(opaque, buf, len); }
static void net_tx_cb(void *opaque, unsigned port, const uint8_t *buf, size_t len)
{
    nd_net_transmit(opaque, port, buf, len);
}

/* A virtio-net card; its frames cross the nondeterminism boundary both ways
 * (the boundary owns the host network named by v->netdev, if any). */
static int create_net(struct machine *m, int slot, const struct virtio_spec *v,
                      struct irq_line irq, struct virtio_dev **d)
{
    const struct machine_config *cfg = m->cfg;
    struct virtio_net *net = NULL;
    int r = virtio_net_create(m, slot, irq, v->mac, &net, d);
    if (r || !m->nd)
        return r;
    const struct netdev_spec *host = NULL;
    if (v->netdev >= 0 && v->netdev < cfg->nnetdevs)
        host = &cfg->netdevs[v->netdev];
    struct nd_net n = {.can_receive = net_can_receive_cb, .receive = net_receive_cb,
                       .opaque = net};
    unsigned port;
    r = nd_add_net(m->nd, (unsigned)slot, &n, host, &port);
    if (!r)
        virtio_net_set_tx(net, net_tx_cb, m->nd, port);
    return r;
}

/* All eight virtio-mmio transports, as on QEMU's virt: the configured devices
 * in the slots cli.c gave them, empty transports (device ID 0) elsewhere.
 * virtio-blk writes through to its image in run mode and into a
 * copy-on-write overlay when recording or replaying; virtio-rng takes its
 * entropy, and virtio-net its frames, from the nondeterminism boundary. */
static int create_virtio(struct machine *m)
{
    const struct machine_config *cfg = m->cfg;
    const struct virtio_spec *at[VIRTIO_SLOTS] = {NULL};
    for (int k = 0; k < cfg->nvirtio; k++) {
        int s = cfg->virtio[k].slot;
        if (s < 0 || s >= VIRTIO_SLOTS || at[s])
            return rp_error(-EINVAL, "virtio device %d has no free virtio-mmio slot", k + 1);
        at[s] = &cfg->virtio[k];
    }
    for (int slot = 0; slot < VIRTIO_SLOTS; slot++) {
        struct irq_line irq = plic_irq(m->plic, 1 + slot);
        const struct virtio_spec *v = at[slot];
        struct virtio_dev *d = NULL;
        int r;
        if (v && v->kind == VIRTIO_KIND_BLK) {
            if (v->drive < 0 || v->drive >= cfg->ndrives)
                return rp_error(-EINVAL, "virtio-blk in slot %d has no drive", slot);
            bool overlay = m->nd && nd_mode(m->nd) != ND_RUN;
            r = virtio_blk_create(m, slot, cfg->drives[v->drive], overlay, irq, &d);
        } else if (v && v->kind == VIRTIO_KIND_RNG) {
            struct virtio_rng *rng = NULL;
            r = virtio_rng_create(m, slot, irq, &rng, &d);
            if (!r && m->nd) {
                struct nd_entropy e = {.wanted = rng_wanted_cb, .push = rng_push_cb,
                                       .opaque = rng};
                nd_set_entropy(m->nd, &e);
            }
        } else if (v && v->kind == VIRTIO_KIND_NET) {
            r = create_net(m, slot, v, irq, &d);
        } else {
            r = virtio_mmio_create(m, slot, irq, NULL, NULL, &d);
        }
        if (r)
            return r;
        virtio_set_legacy(d, cfg->virtio_legacy);
    }
    m->nvirtio = VIRTIO_SLOTS;
    return 0;
}

int machine_create(const struct machine_config *cfg, struct nd *nd, struct machine **out)
{
    struct machine *m = calloc(1, sizeof(*m));
    int r;
    if (!m)
        return -ENOMEM;
    m->cfg = cfg;
    m->nd = nd;
    r = bus_init(&m->bus, VIRT_DRAM_BASE, cfg->ram_size);
    if (r) {
        rp_error(r, "cannot allocate %llu MiB of guest RAM",
                 (unsigned long long)(cfg->ram_size >> 20));
        goto fail;
    }
    m->bus.machine = m;
    r = tb_cache_create(m, &m->tbc);
    if (r)
        goto fail;
    m->nharts = cfg->smp;
    for (int i = 0; i < m->nharts; i++) {
        m->harts[i] = hart_create(m, i, VIRT_BOOTROM_BASE);
        if (!m->harts[i]) {
            r = -ENOMEM;
            goto fail;
        }
    }
    r = finisher_create(m, VIRT_TEST_BASE);
    if (r)
        goto fail;
    r = clint_create(m, VIRT_CLINT_BASE, &m->clint);
    if (r)
        goto fail;
    r = plic_create(m, VIRT_PLIC_BASE, &m->plic);
    if (r)
        goto fail;
    r = rtc_create(m, VIRT_RTC_BASE, plic_irq(m->plic, VIRT_RTC_IRQ),
                   nd ? nd_wallclock_ns(nd) : 0, &m->rtc);
    if (r)
        goto fail;
    r = uart_create(m, VIRT_UART0_BASE, plic_irq(m->plic, VIRT_UART0_IRQ), &m->uart);
    if (r)
        goto fail;
    r = create_virtio(m);
    if (r)
        goto fail;
    struct nd_console con = {.space = uart_space_cb, .push = uart_push_cb, .opaque = m->uart};
    if (nd)
        nd_set_console(nd, &con);

    uint64_t start, next_addr, initrd_start, initrd_end;
    r = load_images(m, &start, &next_addr);
    if (r)
        goto fail;
    r = place_initrd(m, &initrd_start, &initrd_end);
    if (r)
        goto fail;
    r = fdt_build(m, initrd_start, initrd_end, &m->fdt, &m->fdt_size);
    if (r)
        goto fail;
    uint64_t top = m->bus.ram_base + (cfg->ram_size < (3ULL << 30) ? cfg->ram_size : (3ULL << 30));
    m->fdt_addr = (top - m->fdt_size) & ~((2ULL << 20) - 1);
    r = bus_write_ram(&m->bus, m->fdt_addr, m->fdt, m->fdt_size);
    if (r) {
        rp_error(r, "the device tree does not fit in guest RAM");
        goto fail;
    }
    r = bootrom_create(m, start, m->fdt_addr, next_addr, 1);
    if (r)
        goto fail;
    *out = m;
    return 0;
fail:
    machine_destroy(m);
    return r;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->nharts; i++)
        hart_destroy(m->harts[i]);
    tb_cache_destroy(m->tbc);
    bus_destroy(&m->bus);
    free(m->fdt);
    for (int i = 0; i < m->nblobs; i++)
        free(m->blobs[i].data);
    free(m);
}
