/* The command line (see cli.h): subcommands, QEMU-compatible machine options
 * and plugin options, each error reported in one sentence via rp_error.
 * Owns parsing and the help text only; nothing here opens a file or builds
 * a machine. */
#include "cli.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MIB (1ULL << 20)
#define RAM_MIN MIB
#define RAM_MAX (1ULL << 40)

/* ---- QEMU-style "a,b=c,d=e" option strings ------------------------------ */

/* One item of an option string: key=val, or key alone (val NULL). */
struct kv {
    char *key;
    char *val;
};

struct kvlist {
    char *buf;          /* unescaped copy of the string, split in place */
    struct kv *items;
    int n;
};

/* Splits s at commas into items; ",," stands for a literal comma, as in
 * QEMU. Empty items are skipped. Returns 0 or -ENOMEM; kvl_free undoes it. */
static int kvl_parse(const char *s, struct kvlist *l)
{
    size_t len = strlen(s);
    int max = 1;
    for (size_t i = 0; i < len; i++)
        max += s[i] == ',';
    l->n = 0;
    l->buf = malloc(len + 1);
    l->items = calloc(max, sizeof(*l->items));
    if (!l->buf || !l->items) {
        free(l->buf);
        free(l->items);
        l->buf = NULL;
        l->items = NULL;
        return rp_error(-ENOMEM, "out of memory while parsing options");
    }
    char *w = l->buf, *start = w;
    for (size_t i = 0; i <= len; i++) {
        if (s[i] == ',' && s[i + 1] == ',') {
            *w++ = ',';
            i++;
            continue;
        }
        if (s[i] == ',' || s[i] == '\0') {
            *w++ = '\0';
            if (*start) {
                struct kv *kv = &l->items[l->n++];
                kv->key = start;
                char *eq = strchr(start, '=');
                if (eq) {
                    *eq = '\0';
                    kv->val = eq + 1;
                }
            }
            start = w;
            continue;
        }
        *w++ = s[i];
    }
    return 0;
}

static void kvl_free(struct kvlist *l)
{
    free(l->buf);
    free(l->items);
    l->buf = NULL;
    l->items = NULL;
    l->n = 0;
}

/* QEMU's boolean spellings. Returns 1, 0, or -1 for anything else. */
static int parse_bool(const char *v)
{
    if (!v || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        return 1;
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        return 0;
    return -1;
}

/* A decimal count such as "4". Returns 0 or -EINVAL. */
static int parse_count(const char *v, long *out)
{
    char *end;
    if (!v || !isdigit((unsigned char)v[0]))
        return -EINVAL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end)
        return -EINVAL;
    *out = n;
    return 0;
}

/* Replaces *slot with a copy of v. Returns 0 or -ENOMEM. */
static int set_str(char **slot, const char *v)
{
    char *s = strdup(v);
    if (!s)
        return rp_error(-ENOMEM, "out of memory while parsing options");
    free(*slot);
    *slot = s;
    return 0;
}

/* ---- option handlers ------------------------------------------------------
 * Each gets the canonical option name (for messages) and its value, and
 * returns 0 or a negative code with a message. */

static int opt_machine(struct cli *c, const char *name, const char *val)
{
    struct kvlist l;
    int rc = kvl_parse(val, &l);
    if (rc)
        return rc;
    for (int i = 0; i < l.n && !rc; i++) {
        const char *k = l.items[i].key, *v = l.items[i].val;
        if ((i == 0 && !v) || !strcmp(k, "type")) {
            const char *type = v ? v : k;
            if (!strcmp(type, "help") || !strcmp(type, "?"))
                rc = rp_error(-EINVAL, "%s: the only supported machine is 'virt'", name);
            else if (strcmp(type, "virt"))
                rc = rp_error(-EINVAL, "%s: machine '%s' is not supported (only 'virt')",
                              name, type);
        } else if (!v) {
            rc = rp_error(-EINVAL, "%s: property '%s' needs a value (as in %s=on)",
                          name, k, k);
        } else if (!strcmp(k, "dumpdtb")) {
            rc = *v ? set_str(&c->cfg.dtb_out, v)
                    : rp_error(-EINVAL, "%s: dumpdtb needs a file name", name);
        } else if (!strcmp(k, "accel")) {
            if (strcmp(v, "tcg"))
                rc = rp_error(-EINVAL, "%s: accel=%s is not supported (Reprise is its own "
                              "emulator; only accel=tcg is accepted)", name, v);
        } else if (!strcmp(k, "aia")) {
            if (strcmp(v, "none"))
                rc = rp_error(-EINVAL, "%s: aia=%s is not supported (Reprise models the "
                              "PLIC only: aia=none)", name, v);
        } else if (!strcmp(k, "aclint") || !strcmp(k, "acpi")) {
            /* Both would change the hardware; only their "off" spelling is harmless. */
            if (parse_bool(v) != 0)
                rc = rp_error(-EINVAL, "%s: %s=%s is not supported (only %s=off)",
                              name, k, v, k);
        } else if (!strcmp(k, "usb") || !strcmp(k, "graphics") ||
                   !strcmp(k, "dump-guest-core") || !strcmp(k, "mem-merge")) {
            /* Host-side or absent hardware on virt: nothing the guest sees. */
            if (parse_bool(v) < 0)
                rc = rp_error(-EINVAL, "%s: %s=%s is not a boolean (use on or off)",
                              name, k, v);
        } else {
            rc = rp_error(-EINVAL, "%s: unsupported property '%s' for machine 'virt'",
                          name, k);
        }
    }
    kvl_free(&l);
    return rc;
}

static int ram_size_parse(const char *name, const char *v, uint64_t *out)
{
    uint64_t sz;
    size_t len = strlen(v);
    if (parse_size(v, &sz) < 0)
        return rp_error(-EINVAL, "%s: '%s' is not a size (examples: 256M, 1G)", name, v);
    if (len && isdigit((unsigned char)v[len - 1])) {
        /* Like QEMU, a plain number counts MiB. */
        if (sz > RAM_MAX / MIB)
            return rp_error(-EINVAL, "%s: '%s' MiB is more than Reprise supports (1T)",
                            name, v);
        sz *= MIB;
    }
    if (sz < RAM_MIN || sz > RAM_MAX)
        return rp_error(-EINVAL, "%s: RAM size '%s' is out of range (1M to 1T)", name, v);
    *out = (sz + 4095) & ~4095ULL;
    return 0;
}

static int opt_memory(struct cli *c, const char *name, const char *val)
{
    struct kvlist l;
    int rc = kvl_parse(val, &l);
    if (rc)
        return rc;
    bool have = false;
    for (int i = 0; i < l.n && !rc; i++) {
        const char *k = l.items[i].key, *v = l.items[i].val;
        if ((i == 0 && !v) || !strcmp(k, "size")) {
            rc = ram_size_parse(name, v ? v : k, &c->cfg.ram_size);
            have = true;
        } else if (!strcmp(k, "slots") || !strcmp(k, "maxmem")) {
            rc = rp_error(-EINVAL, "%s: %s= (memory hotplug) is not supported", name, k);
        } else {
            rc = rp_error(-EINVAL, "%s: unknown property '%s' (expected a size such as 256M)",
                          name, k);
        }
    }
    if (!rc && !have)
        rc = rp_error(-EINVAL, "%s: missing size (examples: 256M, 1G)", name);
    kvl_free(&l);
    return rc;
}

static int opt_smp(struct cli *c, const char *name, const char *val)
{
    static const char *const topo[] = { "sockets", "dies", "clusters", "cores", "threads" };
    long cpus = -1, maxcpus = -1, product = 1;
    bool have_topo = false;
    struct kvlist l;
    int rc = kvl_parse(val, &l);
    if (rc)
        return rc;
    for (int i = 0; i < l.n && !rc; i++) {
        const char *k = l.items[i].key, *v = l.items[i].val;
        bool bare = i == 0 && !v;
        const char *num = bare ? k : v;
        long n;
        size_t t;
        for (t = 0; t < ARRAY_SIZE(topo); t++)
            if (!strcmp(k, topo[t]))
                break;
        if (!bare && strcmp(k, "cpus") && strcmp(k, "maxcpus") && t == ARRAY_SIZE(topo)) {
            rc = rp_error(-EINVAL, "%s: unknown property '%s' (expected N or cpus=N)", name, k);
        } else if (parse_count(num, &n) < 0) {
            rc = rp_error(-EINVAL, "%s: '%s' is not a number of harts", name, num);
        } else if (bare || !strcmp(k, "cpus")) {
            cpus = n;
        } else if (!strcmp(k, "maxcpus")) {
            maxcpus = n;
        } else if (n < 1 || n > MAX_HARTS) {
            rc = rp_error(-EINVAL, "%s: %s=%ld is out of range (1 to %d)", name, k, n,
                          MAX_HARTS);
        } else if (n != 1 && (!strcmp(k, "sockets") || !strcmp(k, "dies") ||
                              !strcmp(k, "clusters"))) {
            rc = rp_error(-EINVAL, "%s: %s=%ld is not supported (one socket only)",
                          name, k, n);
        } else {
            product *= n;
            have_topo = true;
        }
    }
    kvl_free(&l);
    if (rc)
        return rc;
    if (cpus < 0)
        cpus = have_topo ? product : maxcpus;
    if (cpus < 0)
        return rp_error(-EINVAL, "%s: missing the number of harts (as in -smp 4)", name);
    if (cpus < 1 || cpus > MAX_HARTS)
        return rp_error(-EINVAL, "%s: %ld harts requested but Reprise supports 1 to %d",
                        name, cpus, MAX_HARTS);
    if (maxcpus >= 0 && maxcpus != cpus)
        return rp_error(-EINVAL, "%s: maxcpus must equal cpus (CPU hotplug is not supported)",
                        name);
    if (have_topo && product != cpus)
        return rp_error(-EINVAL, "%s: the topology describes %ld harts but cpus=%ld",
                        name, product, cpus);
    c->cfg.smp = (int)cpus;
    return 0;
}

static int opt_bios(struct cli *c, const char *name, const char *val)
{
    if (!*val)
        return rp_error(-EINVAL, "%s: empty file name (use a file, 'none' or 'default')", name);
    if (!strcmp(val, "default")) {
        free(c->cfg.bios);
        c->cfg.bios = NULL;
        return 0;
    }
    return set_str(&c->cfg.bios, val);
}

static int opt_file(char **slot, const char *name, const char *val)
{
    if (!*val)
        return rp_error(-EINVAL, "%s: empty file name", name);
    return set_str(slot, val);
}

static int opt_kernel(struct cli *c, const char *name, const char *val)
{
    return opt_file(&c->cfg.kernel, name, val);
}

static int opt_initrd(struct cli *c, const char *name, const char *val)
{
    return opt_file(&c->cfg.initrd, name, val);
}

static int opt_append(struct cli *c, const char *name, const char *val)
{
    return set_str(&c->cfg.append, val);
}

static int opt_dumpdtb(struct cli *c, const char *name, const char *val)
{
    return opt_file(&c->cfg.dtb_out, name, val);
}

static int opt_logfile(struct cli *c, const char *name, const char *val)
{
    return opt_file(&c->cfg.logfile, name, val);
}

static int opt_output(struct cli *c, const char *name, const char *val)
{
    return opt_file(&c->log_path, name, val);
}

/* Adds a virtio device in command-line order; its slot and drive are
 * resolved by resolve_virtio once every option has been read. drive_ref is
 * the -device's drive= (copied), or NULL. */
static int add_virtio(struct cli *c, const char *name, enum virtio_kind kind, int drive,
                      const char *drive_ref, int bus)
{
    if (c->cfg.nvirtio >= MAX_VIRTIO)
        return rp_error(-EINVAL, "%s: too many virtio devices (virt has %d virtio-mmio "
                        "slots)", name, MAX_VIRTIO);
    int k = c->cfg.nvirtio;
    if (drive_ref && !(c->device_drive[k] = strdup(drive_ref)))
        return rp_error(-ENOMEM, "out of memory while parsing options");
    c->cfg.virtio[k] = (struct virtio_spec){ .kind = kind, .drive = drive, .slot = -1,
                                             .netdev = -1 };
    c->device_bus[k] = bus;
    c->cfg.nvirtio++;
    return 0;
}

/* -drive: if=virtio (or no if=) puts the image on its own virtio-blk device
 * in command-line order. QEMU's riscv virt would make that a virtio-blk-pci
 * device; Reprise has no PCI and maps it to virtio-mmio, which is what the
 * guests see with QEMU's -device virtio-blk-device. if=none,id=X only
 * defines the image, for -device virtio-blk-device,drive=X. */
static int opt_drive(struct cli *c, const char *name, const char *val)
{
    const char *file = NULL, *id = NULL;
    bool if_none = false;
    struct kvlist l;
    int rc = kvl_parse(val, &l);
    if (rc)
        return rc;
    for (int i = 0; i < l.n && !rc; i++) {
        const char *k = l.items[i].key, *v = l.items[i].val;
        if (!v) {
            rc = rp_error(-EINVAL, "%s: '%s' needs a value (as in file=disk.img)", name, k);
        } else if (!strcmp(k, "file")) {
            file = v;
        } else if (!strcmp(k, "format")) {
            if (strcmp(v, "raw"))
                rc = rp_error(-EINVAL, "%s: format=%s is not supported (only raw images; "
                              "convert with qemu-img convert -O raw)", name, v);
        } else if (!strcmp(k, "if")) {
            if (!strcmp(v, "none"))
                if_none = true;
            else if (!strcmp(v, "virtio"))
                if_none = false;
            else
                rc = rp_error(-EINVAL, "%s: if=%s is not supported (only if=virtio or "
                              "if=none)", name, v);
        } else if (!strcmp(k, "media")) {
            if (strcmp(v, "disk"))
                rc = rp_error(-EINVAL, "%s: media=%s is not supported (only media=disk)",
                              name, v);
        } else if (!strcmp(k, "id")) {
            id = v;
        } else if (strcmp(k, "cache") && strcmp(k, "aio")) {
            /* cache and aio change nothing the guest sees. */
            rc = rp_error(-EINVAL, "%s: unsupported property '%s' (expected "
                          "file=F,format=raw,if=virtio)", name, k);
        }
    }
    if (!rc && (!file || !*file))
        rc = rp_error(-EINVAL, "%s: missing file= (as in file=disk.img,format=raw,if=virtio)",
                      name);
    if (!rc && if_none && (!id || !*id))
        rc = rp_error(-EINVAL, "%s: if=none needs id= (as in file=F,format=raw,if=none,id=d0, "
                      "used by -device virtio-blk-device,drive=d0)", name);
    for (int i = 0; !rc && id && i < c->cfg.ndrives; i++)
        if (c->drive_ids[i] && !strcmp(c->drive_ids[i], id))
            rc = rp_error(-EINVAL, "%s: duplicate drive id '%s'", name, id);
    if (!rc && c->cfg.ndrives >= MAX_DRIVES)
        rc = rp_error(-EINVAL, "%s: too many drives (at most %d)", name, MAX_DRIVES);
    if (!rc) {
        int d = c->cfg.ndrives;
        char *s = strdup(file), *sid = id ? strdup(id) : NULL;
        if (!s || (id && !sid)) {
            free(s);
            free(sid);
            rc = rp_error(-ENOMEM, "out of memory while parsing options");
        } else {
            c->cfg.drives[d] = s;
            c->drive_ids[d] = sid;
            c->drive_if_none[d] = if_none;
            c->cfg.ndrives++;
            if (!if_none)
                rc = add_virtio(c, name, VIRTIO_KIND_BLK, d, NULL, -1);
        }
    }
    kvl_free(&l);
    return rc;
}

/* ---- networks: -netdev, -nic, -net and virtio-net-device ---------------- */

#define NET_USAGE "user,id=ID[,hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport]" \
                  "[,net=ADDR/MASK][,host=ADDR][,dns=ADDR][,dhcpstart=ADDR]"
#define HOSTFWD_USAGE "hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport"

/* A dotted IPv4 address into host byte order. Returns 0 or -EINVAL. */
static int parse_ipv4(const char *v, uint32_t *out)
{
    struct in_addr a;
    if (!v || inet_pton(AF_INET, v, &a) != 1)
        return -EINVAL;
    *out = ntohl(a.s_addr);
    return 0;
}

/* A port number 1..65535. Returns 0 or -EINVAL. */
static int parse_port(const char *v, uint16_t *out)
{
    long n;
    if (parse_count(v, &n) < 0 || n < 1 || n > 65535)
        return -EINVAL;
    *out = (uint16_t)n;
    return 0;
}

/* "52:54:00:12:34:56" (or with '-'). Returns 0 or -EINVAL. */
static int parse_mac(const char *v, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        const char *p = v + 3 * i;
        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
            (i < 5 && p[2] != ':' && p[2] != '-') || (i == 5 && p[2] != '\0'))
            return -EINVAL;
        char hx[3] = { p[0], p[1], '\0' };
        mac[i] = (uint8_t)strtoul(hx, NULL, 16);
    }
    return 0;
}

/* hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport */
static int parse_hostfwd(const char *name, const char *v, struct hostfwd_spec *f)
{
    char buf[128];
    memset(f, 0, sizeof(*f));
    if (strlen(v) >= sizeof(buf))
        goto bad;
    strcpy(buf, v);
    char *proto = buf, *haddr, *hport, *gaddr, *gport;
    if (!(haddr = strchr(proto, ':')))
        goto bad;
    *haddr++ = '\0';
    if (!(hport = strchr(haddr, ':')))
        goto bad;
    *hport++ = '\0';
    if (!(gaddr = strchr(hport, '-')))
        goto bad;
    *gaddr++ = '\0';
    if (!(gport = strchr(gaddr, ':')))
        goto bad;
    *gport++ = '\0';
    if (!strcmp(proto, "udp"))
        f->udp = true;
    else if (*proto && strcmp(proto, "tcp"))
        return rp_error(-EINVAL, "%s: hostfwd protocol '%s' is not supported (tcp or udp)",
                        name, proto);
    if ((*haddr && parse_ipv4(haddr, &f->host_addr) < 0) ||
        (*gaddr && parse_ipv4(gaddr, &f->guest_addr) < 0))
        return rp_error(-EINVAL, "%s: hostfwd rule '%s' has an address that is not a dotted "
                        "IPv4 address", name, v);
    if (parse_port(hport, &f->host_port) < 0 || parse_port(gport, &f->guest_port) < 0)
        return rp_error(-EINVAL, "%s: hostfwd rule '%s' needs ports from 1 to 65535", name, v);
    return 0;
bad:
    return rp_error(-EINVAL, "%s: invalid host forwarding rule '%s' (expected "
                    HOSTFWD_USAGE ")", name, v);
}

/* The address of network number `net` (host byte order) with the host part
 * of `low` put in, as QEMU picks its defaults (10.0.2.2, .3, .15). */
static uint32_t in_net(uint32_t net, uint32_t mask, uint32_t low)
{
    return net | (low & ~mask);
}

/* What net_prop saw that net_finish needs (addresses not given stay 0 in
 * the netdev_spec until net_finish fills them in). */
struct net_props {
    bool have_net;
    const char *net_text;
};

/* Handles one property of a user-mode network. Returns 1 if it was one,
 * 0 if the key is not a network property, or a negative code. */
static int net_prop(struct netdev_spec *n, struct net_props *np, const char *name,
                    const char *k, const char *v)
{
    int b;
    if (strcmp(k, "net") && strcmp(k, "host") && strcmp(k, "dns") && strcmp(k, "dhcpstart") &&
        strcmp(k, "hostfwd") && strcmp(k, "restrict") && strcmp(k, "ipv4") &&
        strcmp(k, "ipv6") && strcmp(k, "hostname"))
        return 0;
    if (!v)
        return rp_error(-EINVAL, "%s: '%s' needs a value (as in %s=...)", name, k, k);
    if (!strcmp(k, "net")) {
        char buf[40];
        const char *slash = strchr(v, '/');
        size_t len = slash ? (size_t)(slash - v) : strlen(v);
        long bitsn;
        uint32_t addr;
        if (len >= sizeof(buf))
            goto bad_net;
        memcpy(buf, v, len);
        buf[len] = '\0';
        if (parse_ipv4(buf, &addr) < 0)
            goto bad_net;
        if (!slash) {               /* QEMU's classful default */
            n->mask = addr < 0x80000000u ? 0xff000000u : addr < 0xc0000000u ? 0xffff0000u
                                                                              : 0xffffff00u;
        } else if (strchr(slash + 1, '.')) {
            if (parse_ipv4(slash + 1, &n->mask) < 0 || (n->mask & (~n->mask >> 1)))
                goto bad_net;
        } else if (parse_count(slash + 1, &bitsn) == 0 && bitsn >= 1 && bitsn <= 30) {
            n->mask = (uint32_t)(0xffffffffu << (32 - bitsn));
        } else {
            goto bad_net;
        }
        if (n->mask == 0 || n->mask > 0xfffffffcu)
            goto bad_net;
        n->net = addr & n->mask;
        np->have_net = true;
        np->net_text = v;
        return 1;
    bad_net:
        return rp_error(-EINVAL, "%s: net=%s is not a network (as in net=10.0.2.0/24)", name, v);
    }
    if (!strcmp(k, "host") || !strcmp(k, "dns") || !strcmp(k, "dhcpstart")) {
        uint32_t *slot = !strcmp(k, "host") ? &n->host : !strcmp(k, "dns") ? &n->dns
                                                                              : &n->dhcp_start;
        if (parse_ipv4(v, slot) < 0 || *slot == 0)
            return rp_error(-EINVAL, "%s: %s=%s is not an IPv4 address", name, k, v);
        return 1;
    }
    if (!strcmp(k, "hostfwd")) {
        if (n->nfwd >= MAX_HOSTFWD)
            return rp_error(-EINVAL, "%s: too many hostfwd rules (at most %d)", name,
                            MAX_HOSTFWD);
        int rc = parse_hostfwd(name, v, &n->fwd[n->nfwd]);
        if (rc)
            return rc;
        n->nfwd++;
        return 1;
    }
    if (!strcmp(k, "hostname"))
        return set_str(&n->hostname, v) ? -ENOMEM : 1;
    if ((b = parse_bool(v)) < 0)
        return rp_error(-EINVAL, "%s: %s=%s is not a boolean (use on or off)", name, k, v);
    if (!strcmp(k, "restrict"))
        n->restricted = b;
    else if (!strcmp(k, "ipv4"))
        n->ipv4 = b;
    else
        n->ipv6 = b;
    return 1;
}

/* Fills in the addresses not given, as QEMU does, and checks that they fit
 * the network. */
static int net_finish(struct netdev_spec *n, const struct net_props *np, const char *name)
{
    if (!np->have_net) {
        n->net = 0x0a000200u;       /* 10.0.2.0/24 */
        n->mask = 0xffffff00u;
    }
    if (!n->host)
        n->host = in_net(n->net, n->mask, 0x0202);
    if (!n->dns)
        n->dns = in_net(n->net, n->mask, 0x0203);
    if (!n->dhcp_start)
        n->dhcp_start = in_net(n->net, n->mask, 0x020f);
    const char *bad = NULL;
    if ((n->host & n->mask) != n->net)
        bad = "host=";
    else if ((n->dns & n->mask) != n->net)
        bad = "dns=";
    else if ((n->dhcp_start & n->mask) != n->net)
        bad = "dhcpstart=";
    if (bad)
        return rp_error(-EINVAL, "%s: the %s address is outside the network %s", name, bad,
                        np->net_text ? np->net_text : "10.0.2.0/24");
    if (n->dns == n->host || n->dhcp_start == n->host || n->dhcp_start == n->dns)
        return rp_error(-EINVAL, "%s: host=, dns= and dhcpstart= must be three different "
                        "addresses", name);
    if (!n->ipv4 && !n->ipv6)
        return rp_error(-EINVAL, "%s: ipv4=off and ipv6=off leave the network with no "
                        "protocol", name);
    return 0;
}

/* Adds an empty user-mode network named id (copied) to the config. */
static int add_netdev(struct cli *c, const char *name, const char *id, struct netdev_spec **out)
{
    struct machine_config *cfg = &c->cfg;
    for (int i = 0; i < cfg->nnetdevs; i++)
        if (!strcmp(cfg->netdevs[i].id, id))
            return rp_error(-EINVAL, "%s: duplicate netdev id '%s'", name, id);
    if (cfg->nnetdevs >= MAX_NETDEVS)
        return rp_error(-EINVAL, "%s: too many networks (at most %d)", name, MAX_NETDEVS);
    struct netdev_spec *n = &cfg->netdevs[cfg->nnetdevs];
    memset(n, 0, sizeof(*n));
    if (!(n->id = strdup(id)))
        return rp_error(-ENOMEM, "out of memory while parsing options");
    n->ipv4 = n->ipv6 = true;
    cfg->nnetdevs++;
    *out = n;
    return 0;
}

/* Drops the netdev add_netdev made last (after a parse error). */
static void drop_last_netdev(struct cli *c)
{
    struct netdev_spec *n = &c->cfg.netdevs[--c->cfg.nnetdevs];
    free(n->id);
    free(n->hostname);
    memset(n, 0, sizeof(*n));
}

/* Adds a network card in command-line order, like add_virtio. */
static int add_nic(struct cli *c, const char *name, const char *netdev_ref, const uint8_t *mac,
                   int bus)
{
    int k = c->cfg.nvirtio;
    int rc = add_virtio(c, name, VIRTIO_KIND_NET, -1, NULL, bus);
    if (rc)
        return rc;
    if (netdev_ref && !(c->device_netdev[k] = strdup(netdev_ref)))
        return rp_error(-ENOMEM, "out of memory while parsing options");
    if (mac) {
        memcpy(c->cfg.virtio[k].mac, mac, 6);
        c->device_mac_set[k] = true;
    }
    return 0;
}

/* A MAC= value: six hex bytes, not a multicast address. */
static int nic_mac(const char *name, const char *k, const char *v, uint8_t mac[6])
{
    if (!v || parse_mac(v, mac) < 0)
        return rp_error(-EINVAL, "%s: %s=%s is not a MAC address (as in "
                        "%s=52:54:00:12:34:56)", name, k, v ? v : "", k);
    if (mac[0] & 1)
        return rp_error(-EINVAL, "%s: %s=%s is a multicast address, which a network card "
                        "cannot have", name, k, v);
    return 0;
}

static int nic_model(const char *name, const char *v)
{
    if (v && (!strcmp(v, "virtio") || !strcmp(v, "virtio-net-device") ||
              !strcmp(v, "virtio-net-pci")))
        return 0;
    return rp_error(-EINVAL, "%s: model=%s is not supported (only virtio: a virtio-net-device "
                    "on virtio-mmio)", name, v ? v : "");
}

/* Properties of a user-mode network from item `from` of l on, for -netdev,
 * -nic user and -net user; `extra` handles the ones only that option knows
 * (returns 1 if it took the key). */
static int parse_user(const char *name, struct kvlist *l, int from, struct netdev_spec *n,
                      int (*extra)(void *ctx, const char *k, const char *v), void *ctx)
{
    struct net_props np = {0};
    for (int i = from; i < l->n; i++) {
        const char *k = l->items[i].key, *v = l->items[i].val;
        int rc = net_prop(n, &np, name, k, v);
        if (rc < 0)
            return rc;
        if (rc == 0 && extra)
            rc = extra(ctx, k, v);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return rp_error(-EINVAL, "%s: unsupported property '%s' for a user-mode network "
                            "(expected " NET_USAGE ")", name, k);
    }
    return net_finish(n, &np, name);
}

/* The type given first: "user" or type=user. */
static const char *net_type(const struct kvlist *l)
{
    if (!l->n)
        return NULL;
    if (!strcmp(l->items[0].key, "type") && l->items[0].val)
        return l->items[0].val;
    return l->items[0].val ? NULL : l->items[0].key;
}

static int skip_id(void *ctx, const char *k, const char *v)
{
    return !strcmp(k, "id") ? 1 : 0;
}

/* -netdev user,id=ID[,...]: a network for -device virtio-net-device,netdev=ID. */
static int opt_netdev(struct cli *c, const char *name, const char *val)
{
    struct kvlist l;
    int rc = kvl_parse(val, &l);
    if (rc)
        return rc;
    const char *type = net_type(&l), *id = NULL;
    for (int i = 1; i < l.n; i++)
        if (!strcmp(l.items[i].key, "id"))
            id = l.items[i].val;
    struct netdev_spec *n = NULL;
    if (!type)
        rc = rp_error(-EINVAL, "%s: missing the network type (expected " NET_USAGE ")", name);
    else if (!strcmp(type, "help") || !strcmp(type, "?"))
        rc = rp_error(-EINVAL, "%s: the only supported network type is 'user'", name);
    else if (strcmp(type, "user"))
        rc = rp_error(-EINVAL, "%s: network type '%s' is not supported (only user, QEMU's "
                      "user-mode network)", name, type);
    else if (!id || !*id)
        rc = rp_error(-EINVAL, "%s: user needs id= (as in user,id=n0, used by -device "
                      "virtio-net-device,netdev=n0)", name);
    else
        rc = add_netdev(c, name, id, &n);
    if (!rc) {
        rc = parse_user(name, &l, 1, n, skip_id, NULL);
        if (rc)
            drop_last_netdev(c);
    }
    kvl_free(&l);
    return rc;
}

/* What -nic and -net nic take besides network properties. */
struct nic_ctx {
    const char *name;
    const char *mac_key;        /* "mac" (-nic) or "macaddr" (-net nic) */
    uint8_t mac[6];
    bool have_mac;
    const char *netdev;         /* -net nic,netdev=ID */
};

static int nic_extra(void *opaque, const char *k, const char *v)
{
    struct nic_ctx *x = opaque;
    if (!strcmp(k, x->mac_key)) {
        int rc = nic_mac(x->name, k, v, x->mac);
        x->have_mac = rc == 0;
        return rc ? rc : 1;
    }
    if (!strcmp(k, "model")) {
        int rc = nic_model(x->name, v);
        return rc ? rc : 1;
    }
    if (!strcmp(k, "id") || !strcmp(k, "name"))
        return 1;
    return 0;
}

/* -nic user[,mac=...][,model=virtio][,network properties] or -nic none:
 * a network and its card in one, placed in command-line order like
 * -drive if=virtio (QEMU's virt would use PCI). */
static int opt_nic(struct cli *c, const char *name, const char *val)
{
    struct kvlist l;
    int rc = kvl_parse(val, &l);
    if (rc)
        return rc;
    const char *type = net_type(&l);
    struct nic_ctx x = { .name = name, .mac_key = "mac" };
    if (type && !strcmp(type, "none")) {
        for (int i = 1; i < l.n && !rc; i++)
            rc = rp_error(-EINVAL, "%s: none takes no properties", name);
        kvl_free(&l);
        return rc;
    }
    if (!type || strcmp(type, "user")) {
        rc = rp_error(-EINVAL, "%s: '%s' is not supported (only -nic user[,...] or -nic none)",
                      name, type ? type : val);
        kvl_free(&l);
        return rc;
    }
    char id[32];
    snprintf(id, sizeof(id), "nic.%d", c->cfg.nnetdevs);
    struct netdev_spec *n;
    rc = add_netdev(c, name, id, &n);
    if (!rc) {
        rc = parse_user(name, &l, 1, n, nic_extra, &x);
        if (rc)
            drop_last_netdev(c);
    }
    if (!rc)
        rc = add_nic(c, name, id, x.have_mac ? x.mac : NULL, -1);
    kvl_free(&l);
    return rc;
}

/* -net none, -net nic[,macaddr=...][,model=virtio][,netdev=ID] and
 * -net user[,...]: QEMU's hub 0 joins the one card to the one network. */
static int opt_net(struct cli *c, const char *name, const char *val)
{
    struct kvlist l;
    int rc = kvl_parse(val, &l);
    if (rc)
        return rc;
    const char *type = net_type(&l);
    struct nic_ctx x = { .name = name, .mac_key = "macaddr" };
    if (type && !strcmp(type, "none") && l.n == 1) {
        /* no network: nothing to add */
    } else if (type && !strcmp(type, "nic")) {
        for (int i = 1; i < l.n && !rc; i++) {
            const char *k = l.items[i].key, *v = l.items[i].val;
            if (!strcmp(k, "netdev") && v && *v)
                x.netdev = v;
            else if ((rc = nic_extra(&x, k, v)) == 0)
                rc = rp_error(-EINVAL, "%s: unsupported property '%s' for nic (expected "
                              "nic[,macaddr=MAC][,model=virtio][,netdev=ID])", name, k);
            rc = rc < 0 ? rc : 0;
        }
        if (!rc && !x.netdev && c->hub_nic)
            rc = rp_error(-EINVAL, "%s: only one -net nic is supported (use -netdev and "
                          "-device virtio-net-device for more)", name);
        if (!rc) {
            int k = c->cfg.nvirtio;
            rc = add_nic(c, name, x.netdev, x.have_mac ? x.mac : NULL, -1);
            if (!rc && !x.netdev)
                c->hub_nic = k + 1;
        }
    } else if (type && !strcmp(type, "user")) {
        char id[32];
        struct netdev_spec *n;
        snprintf(id, sizeof(id), "user.%d", c->cfg.nnetdevs);
        if (c->hub_user)
            rc = rp_error(-EINVAL, "%s: only one -net user is supported (use -netdev user "
                          "for more)", name);
        if (!rc)
            rc = add_netdev(c, name, id, &n);
        if (!rc) {
            rc = parse_user(name, &l, 1, n, skip_id, NULL);
            if (rc)
                drop_last_netdev(c);
            else
                c->hub_user = c->cfg.nnetdevs;
        }
    } else {
        rc = rp_error(-EINVAL, "%s: '%s' is not supported (use -net none, -net nic or "
                      "-net user[,...])", name, val);
    }
    kvl_free(&l);
    return rc;
}

/* Binds each card to its network and gives those without a MAC QEMU's
 * default, 52:54:00:12:34:56 for the first, counting up. */
static int resolve_net(struct cli *c)
{
    struct machine_config *cfg = &c->cfg;
    bool used[MAX_NETDEVS] = {false};
    unsigned defaults = 0;
    for (int k = 0; k < cfg->nvirtio; k++) {
        struct virtio_spec *v = &cfg->virtio[k];
        if (v->kind != VIRTIO_KIND_NET)
            continue;
        const char *ref = c->device_netdev[k];
        v->netdev = -1;
        if (ref) {
            for (int i = 0; i < cfg->nnetdevs && v->netdev < 0; i++)
                if (!strcmp(cfg->netdevs[i].id, ref))
                    v->netdev = i;
            if (v->netdev < 0)
                return rp_error(-EINVAL, "-device: netdev '%s' is not defined (add -netdev "
                                "user,id=%s)", ref, ref);
        } else if (c->hub_nic == k + 1 && c->hub_user) {
            v->netdev = c->hub_user - 1;
        }
        if (v->netdev >= 0) {
            if (used[v->netdev])
                return rp_error(-EINVAL, "-device: netdev '%s' is already in use by another "
                                "network card", cfg->netdevs[v->netdev].id);
            used[v->netdev] = true;
        }
        if (!c->device_mac_set[k]) {
            const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + defaults++) };
            memcpy(v->mac, mac, 6);
        }
    }
    return 0;
}

#define VIRTIO_BUS_PREFIX "virtio-mmio-bus."

/* -device virtio-blk-device,drive=ID[,bus=virtio-mmio-bus.N],
 * -device virtio-rng-device[,bus=virtio-mmio-bus.N] or
 * -device virtio-net-device[,netdev=ID][,mac=MAC][,bus=virtio-mmio-bus.N]. */
static int opt_device(struct cli *c, const char *name, const char *val)
{
    struct kvlist l;
    int rc = kvl_parse(val, &l);
    if (rc)
        return rc;
    enum virtio_kind kind = VIRTIO_KIND_BLK;
    const char *drv = l.n ? (l.items[0].val ? NULL : l.items[0].key) : NULL;
    const char *drive = NULL, *netdev = NULL;
    uint8_t mac[6];
    bool have_mac = false;
    int bus = -1;
    if (l.n && !strcmp(l.items[0].key, "driver") && l.items[0].val)
        drv = l.items[0].val;
    if (!drv) {
        rc = rp_error(-EINVAL, "%s: missing the device name (virtio-blk-device, "
                      "virtio-rng-device or virtio-net-device)", name);
    } else if (!strcmp(drv, "help") || !strcmp(drv, "?")) {
        rc = rp_error(-EINVAL, "%s: the supported devices are virtio-blk-device, "
                      "virtio-rng-device and virtio-net-device", name);
    } else if (!strcmp(drv, "virtio-blk-device")) {
        kind = VIRTIO_KIND_BLK;
    } else if (!strcmp(drv, "virtio-rng-device")) {
        kind = VIRTIO_KIND_RNG;
    } else if (!strcmp(drv, "virtio-net-device")) {
        kind = VIRTIO_KIND_NET;
    } else {
        rc = rp_error(-EINVAL, "%s: device '%s' is not supported (only virtio-blk-device, "
                      "virtio-rng-device and virtio-net-device, on virtio-mmio)", name, drv);
    }
    for (int i = 1; i < l.n && !rc; i++) {
        const char *k = l.items[i].key, *v = l.items[i].val;
        long n;
        size_t plen = strlen(VIRTIO_BUS_PREFIX);
        if (!v) {
            rc = rp_error(-EINVAL, "%s: '%s' needs a value (as in %s=...)", name, k, k);
        } else if (!strcmp(k, "drive") && kind == VIRTIO_KIND_BLK) {
            drive = v;
        } else if (!strcmp(k, "netdev") && kind == VIRTIO_KIND_NET) {
            if (!*v)
                rc = rp_error(-EINVAL, "%s: netdev= needs the id of a -netdev", name);
            netdev = v;
        } else if (!strcmp(k, "mac") && kind == VIRTIO_KIND_NET) {
            rc = nic_mac(name, k, v, mac);
            have_mac = true;
        } else if (!strcmp(k, "bus")) {
            if (strncmp(v, VIRTIO_BUS_PREFIX, plen) || parse_count(v + plen, &n) < 0 ||
                n >= MAX_VIRTIO)
                rc = rp_error(-EINVAL, "%s: bus '%s' does not exist (virt has "
                              "virtio-mmio-bus.0 to virtio-mmio-bus.%d)", name, v,
                              MAX_VIRTIO - 1);
            else
                bus = (int)n;
        } else if (strcmp(k, "id")) {
            rc = rp_error(-EINVAL, "%s: unsupported property '%s' for device '%s'",
                          name, k, drv);
        }
    }
    if (!rc && kind == VIRTIO_KIND_BLK && (!drive || !*drive))
        rc = rp_error(-EINVAL, "%s: virtio-blk-device needs drive=ID (of a -drive "
                      "file=F,format=raw,if=none,id=ID)", name);
    if (!rc && kind == VIRTIO_KIND_NET)
        rc = add_nic(c, name, netdev, have_mac ? mac : NULL, bus);
    else if (!rc)
        rc = add_virtio(c, name, kind, -1, kind == VIRTIO_KIND_BLK ? drive : NULL, bus);
    kvl_free(&l);
    return rc;
}

/* -global: only virtio-mmio.force-legacy, which selects the register layout
 * of every virtio-mmio transport (QEMU 7.2 defaults to legacy, version 1). */
static int opt_global(struct cli *c, const char *name, const char *val)
{
    const char *prop = "virtio-mmio.force-legacy=";
    size_t n = strlen(prop);
    int b;
    if (strncmp(val, prop, n))
        return rp_error(-EINVAL, "%s: '%s' is not supported (only "
                        "virtio-mmio.force-legacy=true|false)", name, val);
    if ((b = parse_bool(val + n)) < 0 || !val[n])
        return rp_error(-EINVAL, "%s: '%s' is not a boolean (use true or false)", name,
                        val + n);
    c->cfg.virtio_legacy = b == 1;
    return 0;
}

/* Binds each -device to its drive and gives every virtio device its slot,
 * in command-line order, as QEMU's virt does: bus= takes that slot, else the
 * highest free one. */
static int resolve_virtio(struct cli *c)
{
    struct machine_config *cfg = &c->cfg;
    bool used_slot[MAX_VIRTIO] = {false}, used_drive[MAX_DRIVES] = {false};
    for (int k = 0; k < cfg->nvirtio; k++) {
        struct virtio_spec *v = &cfg->virtio[k];
        if (v->kind == VIRTIO_KIND_BLK && c->device_drive[k]) {
            const char *ref = c->device_drive[k];
            for (int d = 0; d < cfg->ndrives && v->drive < 0; d++)
                if (c->drive_ids[d] && !strcmp(c->drive_ids[d], ref))
                    v->drive = d;
            if (v->drive < 0)
                return rp_error(-EINVAL, "-device: drive '%s' is not defined (add -drive "
                                "file=F,format=raw,if=none,id=%s)", ref, ref);
            if (!c->drive_if_none[v->drive] || used_drive[v->drive])
                return rp_error(-EINVAL, "-device: drive '%s' is already in use by another "
                                "device", ref);
        }
        if (v->drive >= 0)
            used_drive[v->drive] = true;
        int bus = c->device_bus[k];
        if (bus >= 0) {
            if (used_slot[bus])
                return rp_error(-EINVAL, "-device: bus 'virtio-mmio-bus.%d' is full "
                                "(another device is on it)", bus);
            v->slot = bus;
        } else {
            for (int s = MAX_VIRTIO - 1; s >= 0 && v->slot < 0; s--)
                if (!used_slot[s])
                    v->slot = s;
        }
        used_slot[v->slot] = true;
    }
    return 0;
}

static int opt_plugin(struct cli *c, const char *name, const char *val)
{
    const char *file = NULL;
    struct kvlist l;
    int rc = kvl_parse(val, &l);
    if (rc)
        return rc;
    if (c->cfg.nplugins >= MAX_PLUGINS) {
        kvl_free(&l);
        return rp_error(-EINVAL, "%s: too many plugins (at most %d)", name, MAX_PLUGINS);
    }
    struct plugin_spec *p = &c->cfg.plugins[c->cfg.nplugins];
    memset(p, 0, sizeof(*p));
    p->args = calloc(l.n + 1, sizeof(*p->args));
    if (!p->args)
        rc = rp_error(-ENOMEM, "out of memory while parsing options");
    for (int i = 0; i < l.n && !rc; i++) {
        const char *k = l.items[i].key, *v = l.items[i].val;
        if ((i == 0 && !v) || !strcmp(k, "file")) {
            file = v ? v : k;
            continue;
        }
        /* Like QEMU, a bare "flag" passes as "flag=on". */
        size_t n = strlen(k) + 1 + strlen(v ? v : "on") + 1;
        char *arg = malloc(n);
        if (!arg) {
            rc = rp_error(-ENOMEM, "out of memory while parsing options");
            break;
        }
        snprintf(arg, n, "%s=%s", k, v ? v : "on");
        p->args[p->nargs++] = arg;
    }
    if (!rc && (!file || !*file))
        rc = rp_error(-EINVAL, "%s: missing file= (as in -plugin file=libinsn.so,inline=on)",
                      name);
    if (!rc) {
        p->path = strdup(file);
        if (!p->path)
            rc = rp_error(-ENOMEM, "out of memory while parsing options");
    }
    kvl_free(&l);
    if (rc) {
        for (int i = 0; i < p->nargs; i++)
            free(p->args[i]);
        free(p->args);
        free(p->path);
        memset(p, 0, sizeof(*p));
        return rc;
    }
    c->cfg.nplugins++;
    return 0;
}

static int opt_debug(struct cli *c, const char *name, const char *val)
{
    struct kvlist l;
    int rc = kvl_parse(val, &l);
    if (rc)
        return rc;
    if (l.n == 0)
        rc = rp_error(-EINVAL, "%s: no log item given (known items: plugin)", name);
    for (int i = 0; i < l.n && !rc; i++) {
        const char *k = l.items[i].key;
        if (l.items[i].val)
            rc = rp_error(-EINVAL, "%s: unknown log item '%s=%s' (known items: plugin)",
                          name, k, l.items[i].val);
        else if (!strcmp(k, "plugin"))
            c->cfg.debug_plugin = true;
        else if (!strcmp(k, "help") || !strcmp(k, "?"))
            rc = rp_error(-EINVAL, "%s: the known log items are: plugin", name);
        else
            rc = rp_error(-EINVAL, "%s: unknown log item '%s' (known items: plugin)", name, k);
    }
    kvl_free(&l);
    return rc;
}

/* Options that only select what QEMU would do with its host-side console and
 * display; Reprise always behaves as with -nographic -serial mon:stdio. */
static int opt_serial(struct cli *c, const char *name, const char *val)
{
    if (strcmp(val, "stdio") && strcmp(val, "mon:stdio"))
        return rp_error(-EINVAL, "%s: '%s' is not supported (the console is always stdio: "
                        "use stdio or mon:stdio)", name, val);
    return 0;
}

static int opt_only_none(struct cli *c, const char *name, const char *val)
{
    if (strcmp(val, "none"))
        return rp_error(-EINVAL, "%s: '%s' is not supported (only '%s none')", name, val, name);
    return 0;
}

static int opt_noop(struct cli *c, const char *name, const char *val)
{
    return 0;
}

static int opt_no_reboot(struct cli *c, const char *name, const char *val)
{
    c->cfg.no_reboot = true;
    return 0;
}

static int opt_stats(struct cli *c, const char *name, const char *val)
{
    c->stats = true;
    return 0;
}

static int opt_events(struct cli *c, const char *name, const char *val)
{
    c->info_events = true;
    return 0;
}

/* ---- the option table ---------------------------------------------------- */

#define ON(cmd) (1u << (cmd))
#define ON_MACHINE (ON(CMD_RUN) | ON(CMD_RECORD))
#define ON_EXEC (ON(CMD_RUN) | ON(CMD_RECORD) | ON(CMD_REPLAY))

struct cli_opt {
    const char *name;     /* spelling used in messages; "-x" and "--x" both match */
    const char *alias;    /* another spelling, or NULL */
    const char *metavar;  /* what the value looks like; NULL for a flag */
    unsigned cmds;        /* ON(cmd) bits of the subcommands that accept it */
    int (*fn)(struct cli *c, const char *name, const char *val);
};

static const struct cli_opt options[] = {
    { "-M", "-machine", "virt[,prop=val...]", ON_MACHINE, opt_machine },
    { "-m", NULL, "SIZE", ON_MACHINE, opt_memory },
    { "-smp", NULL, "N", ON_MACHINE, opt_smp },
    { "-bios", NULL, "FILE|none", ON_MACHINE, opt_bios },
    { "-kernel", NULL, "FILE", ON_MACHINE, opt_kernel },
    { "-initrd", NULL, "FILE", ON_MACHINE, opt_initrd },
    { "-append", NULL, "STRING", ON_MACHINE, opt_append },
    { "-drive", NULL, "file=F,format=raw,if=virtio|none[,id=ID]", ON_MACHINE, opt_drive },
    { "-device", NULL, "virtio-blk-device,drive=ID|virtio-rng-device|virtio-net-device",
      ON_MACHINE, opt_device },
    { "-global", NULL, "virtio-mmio.force-legacy=true|false", ON_MACHINE, opt_global },
    { "-dumpdtb", NULL, "FILE", ON_MACHINE, opt_dumpdtb },
    { "-netdev", NULL, "user,id=ID[,hostfwd=...]", ON_MACHINE, opt_netdev },
    { "-nic", NULL, "user[,hostfwd=...]|none", ON_MACHINE, opt_nic },
    { "-net", NULL, "none|nic|user[,...]", ON_MACHINE, opt_net },
    { "-no-reboot", NULL, NULL, ON_MACHINE, opt_no_reboot },
    { "-nographic", NULL, NULL, ON_EXEC, opt_noop },
    { "-serial", NULL, "stdio", ON_EXEC, opt_serial },
    { "-display", NULL, "none", ON_EXEC, opt_only_none },
    { "-monitor", NULL, "none", ON_EXEC, opt_only_none },
    { "-plugin", NULL, "[file=]FILE[,k=v...]", ON_EXEC, opt_plugin },
    { "-d", NULL, "plugin", ON_EXEC, opt_debug },
    { "-D", NULL, "FILE", ON_EXEC, opt_logfile },
    { "--stats", NULL, NULL, ON_EXEC, opt_stats },
    { "-o", NULL, "FILE", ON(CMD_RECORD), opt_output },
    { "--events", NULL, NULL, ON(CMD_INFO), opt_events },
};

static const char *const cmd_names[] = {
    [CMD_RUN] = "run",
    [CMD_RECORD] = "record",
    [CMD_REPLAY] = "replay",
    [CMD_INFO] = "info",
    [CMD_HELP] = "help",
    [CMD_VERSION] = "version",
};
_Static_assert(ARRAY_SIZE(cmd_names) == CMD_VERSION + 1, "cmd_names covers enum cli_cmd");

/* name is the user's spelling with "--" already reduced to "-". */
static const struct cli_opt *find_option(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
        const struct cli_opt *o = &options[i];
        const char *key = o->name[1] == '-' ? o->name + 1 : o->name;
        if (!strcmp(name, key) || (o->alias && !strcmp(name, o->alias)))
            return o;
    }
    return NULL;
}

static int not_here(const struct cli_opt *o, enum cli_cmd cmd)
{
    const char *n = o->name;
    if (cmd == CMD_REPLAY)
        return rp_error(-EINVAL, "%s cannot be used with 'replay', which takes the machine "
                        "from the recording", n);
    if (o->cmds == ON(CMD_RECORD))
        return rp_error(-EINVAL, "%s is only valid with 'record'", n);
    if (o->cmds == ON(CMD_INFO))
        return rp_error(-EINVAL, "%s is only valid with 'info'", n);
    return rp_error(-EINVAL, "%s cannot be used with '%s'", n, cmd_names[cmd]);
}

static bool is_help(const char *a)
{
    return !strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-help");
}

static bool is_version(const char *a)
{
    return !strcmp(a, "--version") || !strcmp(a, "-version");
}

static void cli_init(struct cli *c)
{
    memset(c, 0, sizeof(*c));
    config_init(&c->cfg);
}

/* Checks that the options given make a complete command. */
static int cli_check(struct cli *c)
{
    struct machine_config *cfg = &c->cfg;
    switch (c->cmd) {
    case CMD_RECORD:
        if (!c->log_path)
            return rp_error(-EINVAL, "record: missing -o FILE (where to write the recording)");
        /* fall through */
    case CMD_RUN: {
        int rc = resolve_virtio(c);
        if (!rc)
            rc = resolve_net(c);
        if (rc)
            return rc;
        if (cfg->bios && !strcmp(cfg->bios, "none") && !cfg->kernel)
            return rp_error(-EINVAL, "nothing to run: -bios none needs -kernel FILE");
        if (cfg->initrd && !cfg->kernel)
            return rp_error(-EINVAL, "-initrd is only allowed with -kernel");
        if (cfg->append && !cfg->kernel)
            return rp_error(-EINVAL, "-append is only allowed with -kernel");
        return 0;
    }
    case CMD_REPLAY:
        if (!c->log_path)
            return rp_error(-EINVAL, "replay: missing the recording to replay "
                            "(reprise replay FILE)");
        return 0;
    case CMD_INFO:
        if (!c->log_path)
            return rp_error(-EINVAL, "info: missing the recording to describe "
                            "(reprise info [--events] FILE)");
        return 0;
    default:
        return 0;
    }
}

static int parse_args(int argc, char **argv, struct cli *c)
{
    int i = 1;
    if (argc < 2)
        return rp_error(-EINVAL, "missing command: expected run, record, replay or info "
                        "(see 'reprise --help')");
    const char *first = argv[1];
    if (is_help(first) || !strcmp(first, "help")) {
        c->cmd = CMD_HELP;
        return 0;
    }
    if (is_version(first) || !strcmp(first, "version")) {
        c->cmd = CMD_VERSION;
        return 0;
    }
    if (first[0] == '-') {
        c->cmd = CMD_RUN;       /* a pasted QEMU command line */
    } else {
        int k;
        for (k = CMD_RUN; k <= CMD_INFO; k++)
            if (!strcmp(first, cmd_names[k]))
                break;
        if (k > CMD_INFO)
            return rp_error(-EINVAL, "unknown command '%s': expected run, record, replay or "
                            "info (see 'reprise --help')", first);
        c->cmd = (enum cli_cmd)k;
        i = 2;
    }

    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (is_help(arg)) {
            c->cmd = CMD_HELP;
            return 0;
        }
        if (is_version(arg)) {
            c->cmd = CMD_VERSION;
            return 0;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            if (c->cmd == CMD_REPLAY || c->cmd == CMD_INFO) {
                if (c->log_path)
                    return rp_error(-EINVAL, "%s: more than one recording given ('%s' and "
                                    "'%s')", cmd_names[c->cmd], c->log_path, arg);
                int rc = set_str(&c->log_path, arg);
                if (rc)
                    return rc;
                continue;
            }
            return rp_error(-EINVAL, "unexpected argument '%s' (disk images go in "
                            "-drive file=F,format=raw,if=virtio; see 'reprise --help')", arg);
        }

        /* "--opt" is "-opt", as in QEMU; "--opt=value" is accepted too. */
        char name[64];
        const char *val = NULL;
        const char *body = arg[1] == '-' ? arg + 1 : arg;
        size_t nlen = strlen(body);
        if (arg[1] == '-') {
            const char *eq = strchr(body, '=');
            if (eq) {
                nlen = (size_t)(eq - body);
                val = eq + 1;
            }
        }
        const struct cli_opt *o = NULL;
        if (nlen < sizeof(name)) {
            memcpy(name, body, nlen);
            name[nlen] = '\0';
            o = find_option(name);
        }
        if (!o) {
            int shown = val ? (int)(val - 1 - arg) : (int)strlen(arg);
            return rp_error(-EINVAL, "unknown option '%.*s' (see 'reprise --help')",
                            shown, arg);
        }
        if (!(o->cmds & ON(c->cmd)))
            return not_here(o, c->cmd);
        if (!o->metavar) {
            if (val)
                return rp_error(-EINVAL, "%s takes no value", o->name);
        } else if (!val) {
            if (i + 1 >= argc)
                return rp_error(-EINVAL, "%s: missing value (expected %s)", o->name,
                                o->metavar);
            val = argv[++i];
        }
        int rc = o->fn(c, o->name, val);
        if (rc)
            return rc;
    }
    return cli_check(c);
}

int cli_parse(int argc, char **argv, struct cli *out)
{
    cli_init(out);
    int rc = parse_args(argc, argv, out);
    if (rc) {
        cli_free(out);
        cli_init(out);
        return rc;
    }
    if (out->cmd == CMD_HELP || out->cmd == CMD_VERSION) {
        enum cli_cmd cmd = out->cmd;
        cli_free(out);
        cli_init(out);
        out->cmd = cmd;
    }
    return 0;
}

void cli_free(struct cli *c)
{
    for (int i = 0; i < MAX_DRIVES; i++)
        free(c->drive_ids[i]);
    for (int i = 0; i < MAX_VIRTIO; i++) {
        free(c->device_drive[i]);
        free(c->device_netdev[i]);
    }
    config_free(&c->cfg);
    free(c->log_path);
    memset(c, 0, sizeof(*c));
}

void cli_usage(FILE *f)
{
    fputs(
"Usage: reprise run    [machine options] [plugin options]\n"
"       reprise record -o FILE [machine options] [plugin options]\n"
"       reprise replay FILE [plugin options]\n"
"       reprise info   [--events] FILE\n"
"       reprise --help | --version\n"
"\n"
"Reprise emulates QEMU's riscv64 'virt' machine (RV64GC) and records a run so\n"
"that it can be replayed exactly, as often as you like, with analysis plugins.\n"
"A qemu-system-riscv64 command line can be pasted after 'reprise run' (or with\n"
"no command at all); every option also accepts a '--' prefix.\n"
"\n"
"Commands:\n"
"  run                      run the guest, recording nothing\n"
"  record -o FILE           run the guest and record it into FILE\n"
"  replay FILE              replay a recording (the machine comes from FILE)\n"
"  info [--events] FILE     describe a recording; --events lists every event\n"
"\n"
"Machine options (run, record):\n"
"  -M, -machine virt[,prop=val...]\n"
"                           the board; only 'virt' (harmless properties such as\n"
"                           accel=tcg, aia=none, dumpdtb=FILE are accepted)\n"
"  -m [size=]SIZE           guest RAM, e.g. 256M or 1G; a plain number is MiB\n"
"                           (default 128M)\n"
"  -smp [cpus=]N            number of harts, 1 to 8 (default 1)\n"
"  -bios FILE|none|default  M-mode firmware at 0x80000000 (default: OpenSBI)\n"
"  -kernel FILE             ELF or raw image to boot\n"
"  -initrd FILE             initial RAM disk (needs -kernel)\n"
"  -append STRING           kernel command line (needs -kernel)\n"
"  -no-reboot               end the session when the guest resets (as a power\n"
"                           off with status 0) instead of rebooting it\n"
"  -drive file=F,format=raw,if=virtio\n"
"                           a raw disk image on its own virtio-blk device (up to\n"
"                           8), in command-line order; on virtio-mmio, where\n"
"                           QEMU's riscv virt would use PCI. A plain run writes\n"
"                           the image; record and replay never do (writes go to\n"
"                           a copy-on-write overlay in memory)\n"
"  -drive file=F,format=raw,if=none,id=ID\n"
"                           a raw disk image for -device ...,drive=ID\n"
"  -device virtio-blk-device,drive=ID[,bus=virtio-mmio-bus.N]\n"
"  -device virtio-rng-device[,bus=virtio-mmio-bus.N]\n"
"                           a virtio-mmio device; like QEMU, each goes to the\n"
"                           highest free slot (7 first) unless bus= names one.\n"
"                           The entropy it hands out is recorded\n"
"  -global virtio-mmio.force-legacy=true|false\n"
"                           legacy (version 1, the default as in QEMU 7.2) or\n"
"                           modern (version 2) virtio-mmio registers\n"
"  -dumpdtb FILE            write the device tree to FILE and exit\n"
"  -netdev user,id=ID[,hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport]\n"
"         [,net=10.0.2.0/24][,host=ADDR][,dns=ADDR][,dhcpstart=ADDR][,restrict=on]\n"
"         [,ipv4=on|off][,ipv6=on|off][,hostname=NAME]\n"
"                           QEMU's user-mode network (libslirp): gateway\n"
"                           10.0.2.2, DNS 10.0.2.3, DHCP from 10.0.2.15; each\n"
"                           hostfwd= forwards a host port to the guest. Frames\n"
"                           it delivers are recorded; replay has no network\n"
"  -device virtio-net-device,netdev=ID[,mac=MAC][,bus=virtio-mmio-bus.N]\n"
"                           a network card (default MAC 52:54:00:12:34:56)\n"
"  -nic user[,mac=MAC][,hostfwd=...]\n"
"                           a user-mode network and its card in one\n"
"  -net nic[,macaddr=MAC] -net user[,hostfwd=...]\n"
"                           the same, in QEMU's older spelling\n"
"  -net none                no network (the default)\n"
"\n"
"Console and display (accepted for QEMU compatibility; the console is stdio):\n"
"  -nographic  -serial stdio|mon:stdio  -display none  -monitor none\n"
"\n"
"Plugin and output options (run, record, replay):\n"
"  -plugin [file=]LIB.so[,key=val...]\n"
"                           load a QEMU-compatible TCG plugin with arguments\n"
"  -d plugin                let plugins write to the log (qemu_plugin_outs)\n"
"  -D FILE                  write the log to FILE instead of stderr\n"
"  --stats                  print the instruction count and time at exit\n"
"\n"
"Examples:\n"
"  reprise run -M virt -m 256M -bios none -kernel hello.elf -nographic\n"
"  reprise record -o boot.rlog -M virt -smp 2 -kernel Image \\\n"
"      -append \"console=ttyS0\" -drive file=root.img,format=raw,if=virtio\n"
"  reprise replay boot.rlog -plugin file=libinsn.so,inline=on -d plugin\n"
"  reprise info --events boot.rlog\n"
"\n"
"Exit status: the guest's (0 after a power-off), 2 for a command-line error.\n",
        f);
}
