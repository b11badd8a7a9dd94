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

/* A device on a virtio-mmio transport. */
enum virtio_kind { VIRTIO_KIND_BLK = 1, VIRTIO_KIND_RNG = 2 };

struct virtio_spec {
    enum virtio_kind kind;
    int drive;                 /* VIRTIO_KIND_BLK: index into drives[]; else -1 */
    int slot;                  /* 0..7: the transport it sits on (resolved by cli.c
                                  with QEMU's rule: highest free slot first) */
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
    struct plugin_spec plugins[MAX_PLUGINS];
    int nplugins;
    bool debug_plugin;         /* -d plugin */
    char *logfile;             /* -D FILE */
    char *dtb_out;             /* -dumpdtb FILE: write the FDT and exit */
};

void config_init(struct machine_config *c);
void config_free(struct machine_config *c);

#endif
