/* The machine configuration as the user gave it on the command line.
 * Plain data: every field that can change what the guest executes lives here,
 * so record can store it in the log header and replay can rebuild it. */
#ifndef REPRISE_CONFIG_H
#define REPRISE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_HARTS 8
#define MAX_DRIVES 8
#define MAX_PLUGINS 16
#define MAX_VIRTIO 8       /* virt's virtio-mmio slots */

#define MAX_NETDEVS 8
#define MAX_HOSTFWD 16

/* A device on a virtio-mmio transport. */
enum virtio_kind { VIRTIO_KIND_BLK = 1, VIRTIO_KIND_RNG = 2, VIRTIO_KIND_NET = 3 };

struct virtio_spec {
    enum virtio_kind kind;
    int drive;                 /* VIRTIO_KIND_BLK: index into drives[]; else -1 */
    int slot;                  /* 0..7: the transport it sits on (resolved by cli.c
                                  with QEMU's rule: highest free slot first) */
    int netdev;                /* VIRTIO_KIND_NET: index into netdevs[], or -1 for
                                  a card with no host network (and in replay) */
    uint8_t mac[6];            /* VIRTIO_KIND_NET: the card's MAC address */
};

/* One hostfwd= rule: host_addr:host_port on the host reaches
 * guest_addr:guest_port in the guest network. IPv4 addresses in host byte
 * order; host_addr 0 listens on every address, guest_addr 0 means the first
 * DHCP address (as in QEMU). */
struct hostfwd_spec {
    bool udp;
    uint32_t host_addr;
    uint16_t host_port;
    uint32_t guest_addr;
    uint16_t guest_port;
};

/* -netdev user: QEMU's user-mode network (libslirp) as the host provides it.
 * Host-side only: a recording keeps the packets it delivered, not this, and
 * replay never builds it. IPv4 addresses in host byte order. */
struct netdev_spec {
    char *id;
    uint32_t net, mask;        /* default 10.0.2.0/24 */
    uint32_t host;             /* the gateway and host alias, default net + 2 */
    uint32_t dns;              /* the DNS forwarder, default net + 3 */
    uint32_t dhcp_start;       /* first DHCP address, default net + 15 */
    bool ipv4, ipv6;           /* default both on, as in QEMU */
    bool restricted;           /* restrict=on: no way out but hostfwd */
    char *hostname;            /* DHCP host name for the guest, or NULL */
    struct hostfwd_spec fwd[MAX_HOSTFWD];
    int nfwd;
};

struct plugin_spec {
    char *path;
    char **args;       /* NULL-terminated list of "key=value" strings */
    int nargs;
};

struct machine_config {
    uint64_t ram_size;         /* bytes; default 128 MiB */
    int smp;                   /* number of harts, 1..MAX_HARTS */
    char *bios;                /* NULL: default firmware; "none": no firmware */
    char *kernel;
    char *initrd;
    char *append;
    char *drives[MAX_DRIVES];  /* raw images for virtio-blk */
    int ndrives;
    struct virtio_spec virtio[MAX_VIRTIO];  /* in command-line order */
    int nvirtio;
    bool virtio_legacy;        /* -global virtio-mmio.force-legacy (default true,
                                  as in QEMU 7.2: the version-1 register layout) */
    struct netdev_spec netdevs[MAX_NETDEVS];  /* -netdev user, -nic user, -net user */
    int nnetdevs;
    struct plugin_spec plugins[MAX_PLUGINS];
    int nplugins;
    bool debug_plugin;         /* -d plugin */
    char *logfile;             /* -D FILE */
    char *dtb_out;             /* -dumpdtb FILE: write the FDT and exit */
    bool no_reboot;            /* -no-reboot: a guest reset ends the session */
    uint64_t solo_turn;        /* instructions per turn of a machine's only hart */
};

/* The turn length of a lone hart in new sessions (a recording keeps its own:
 * rlog_header.solo_turn). */
#define SOLO_TURN 80000ULL

void config_init(struct machine_config *c);
void config_free(struct machine_config *c);

#endif
