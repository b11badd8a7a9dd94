/* The command line: turns argv into a subcommand and a machine_config, with
 * QEMU's option spellings so a qemu-system-riscv64 line can be pasted. Owns
 * only parsing and the --help text; main decides what to run. */
#ifndef REPRISE_CLI_H
#define REPRISE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "emu/config.h"

enum cli_cmd { CMD_RUN, CMD_RECORD, CMD_REPLAY, CMD_INFO, CMD_HELP, CMD_VERSION };

struct cli {
    enum cli_cmd cmd;
    struct machine_config cfg;  /* owned; defaults from config_init */
    char *log_path;             /* record -o FILE; replay FILE; info FILE (owned) */
    bool stats;                 /* --stats: print instruction count and time on exit */
    bool info_events;           /* info --events */
    /* Parsing state, resolved once every option is read (owned): the id= of
     * each -drive, whether it was if=none, and the drive= of each -device. */
    char *drive_ids[MAX_DRIVES];
    bool drive_if_none[MAX_DRIVES];
    char *device_drive[MAX_VIRTIO];
    int device_bus[MAX_VIRTIO];  /* bus=virtio-mmio-bus.N, or -1 */
    /* Network cards: the netdev= of each, whether it was given a MAC, and
     * QEMU's hub 0 (-net nic and -net user, as 1 + index of the card and of
     * the netdev; 0 when absent). */
    char *device_netdev[MAX_VIRTIO];
    bool device_mac_set[MAX_VIRTIO];
    int hub_nic, hub_user;
};

/* Parses argv (argv[0] is the program name) into *out, which need not be
 * initialised. Returns 0, or -EINVAL with a one-sentence message in
 * rp_strerror (src/util.h); -ENOMEM if out of memory. On failure *out holds
 * nothing that needs freeing, and cli_free(out) is still safe to call.
 * For CMD_HELP and CMD_VERSION the other fields are defaults. */
int cli_parse(int argc, char **argv, struct cli *out);

/* Writes the --help text to f. */
void cli_usage(FILE *f);

/* Frees everything cli_parse allocated and leaves c zeroed; safe twice. */
void cli_free(struct cli *c);

#endif
