/* The board: QEMU's riscv64 `virt` machine assembled from a machine_config.
 * Owns the bus, the harts, the devices and the scheduler loop; does not parse
 * options (cli.c) nor read the host directly (the nondeterminism boundary). */
#ifndef REPRISE_MACHINE_H
#define REPRISE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "config.h"

struct hart;
struct nd;

/* virt memory map (QEMU hw/riscv/virt.c) */
#define VIRT_BOOTROM_BASE   0x1000ULL
#define VIRT_BOOTROM_SIZE   0xf000ULL
#define VIRT_TEST_BASE      0x100000ULL
#define VIRT_TEST_SIZE      0x1000ULL
#define VIRT_RTC_BASE       0x101000ULL
#define VIRT_RTC_SIZE       0x1000ULL
#define VIRT_CLINT_BASE     0x2000000ULL
#define VIRT_CLINT_SIZE     0x10000ULL
#define VIRT_PLIC_BASE      0xc000000ULL
#define VIRT_UART0_BASE     0x10000000ULL
#define VIRT_UART0_SIZE     0x100ULL
#define VIRT_VIRTIO_BASE    0x10001000ULL
#define VIRT_VIRTIO_SIZE    0x1000ULL
#define VIRT_DRAM_BASE      0x80000000ULL

#define VIRT_UART0_IRQ      10
#define VIRT_RTC_IRQ        11

#define VIRT_TIMEBASE_FREQ  10000000ULL   /* mtime ticks per guest second */

/* Why machine_run returned. */
enum machine_stop {
    STOP_POWEROFF,     /* guest powered off or failed through the test finisher */
    STOP_QUIT,         /* the user asked to quit (Ctrl-A x, signal) */
    STOP_ERROR,        /* an emulator error; the message is in rp_strerror */
};

struct machine {
    const struct machine_config *cfg;   /* borrowed */
    struct bus bus;
    struct hart *harts[MAX_HARTS];
    int nharts;
    struct nd *nd;                      /* nondeterminism boundary (owned) */

    uint64_t fdt_addr;
    void *fdt;                          /* the flattened device tree (owned) */
    size_t fdt_size;

    /* What was loaded into RAM at boot (firmware, kernel, initrd; the
     * device tree is fdt above), copied so a reset can put it back, as QEMU
     * does (owned). */
    struct boot_blob {
        uint64_t addr;
        uint64_t size;
        uint8_t *data;
    } blobs[3];
    int nblobs;

    struct uart *uart;
    struct finisher *finisher;
    struct clint *clint;                /* NULL until the CLINT exists */
    struct plic *plic;                  /* NULL until the PLIC exists */
    struct rtc *rtc;                    /* NULL until the RTC exists */
    int nvirtio;                        /* virtio-mmio slots in use (0..8) */

    struct tb_cache *tbc;               /* translated code, shared by harts */
    struct hart *cur;                   /* hart being executed, for devices */
    uint64_t round_time;                /* mtime at the start of the round */

    bool stop_requested;
    enum machine_stop stop_reason;
    int exit_code;
    bool reset_requested;
    uint8_t final_digest[32];           /* set by machine_finish (zero in a run) */
};

/* Builds the board described by cfg (borrowed; must outlive the machine):
 * RAM, devices, FDT, firmware and kernel loaded. Returns 0 or a negative code
 * with a message in rp_strerror; on failure nothing is left allocated. */
int machine_create(const struct machine_config *cfg, struct nd *nd, struct machine **out);
void machine_destroy(struct machine *m);

/* The firmware file the machine loads: cfg->bios, the default OpenSBI when
 * none was given, or NULL for -bios none. */
const char *machine_bios_path(const struct machine_config *cfg);

/* Runs the harts until the guest powers off or the user quits. */
enum machine_stop machine_run(struct machine *m);

/* After machine_run: computes the final state digest and closes the session
 * at the boundary (record logs the end marker; replay checks that the
 * recording ended at the same point in the same state, and takes its stop
 * reason and status). Returns 0 or a negative code with a message. */
int machine_finish(struct machine *m, int *status);

/* Called by devices: stop the run with the given process exit code. */
void machine_request_exit(struct machine *m, int code);
void machine_request_reset(struct machine *m);

/* Console output from the guest (the UART); goes to the host's stdout. */
void machine_console_write(struct machine *m, const uint8_t *buf, size_t len);

/* Guest time in mtime ticks (10 MHz), derived from instruction counts. */
uint64_t machine_mtime(struct machine *m);

/* Recomputes the timer interrupt lines of h (CLINT mtimecmp, Sstc stimecmp)
 * for the current guest time. Called by the hart loop between blocks. */
void machine_update_timers(struct machine *m, struct hart *h);

/* Instruction count at which h must leave its block loop: the end of its
 * turn, or earlier when one of its timers fires before that. */
uint64_t machine_hart_limit(struct machine *m, struct hart *h, uint64_t turn_end);

/* SHA-256 digest of the harts' architectural state, guest time and, with
 * with_ram, guest RAM (statehash.c). */
void machine_state_hash(struct machine *m, bool with_ram, uint8_t out[32]);

/* Retired instructions of all harts together: the position of events that
 * belong to the machine as a whole (taken between scheduling rounds). */
uint64_t machine_position(const struct machine *m);

/* Sets guest time (a guest write to mtime). */
void machine_set_mtime(struct machine *m, uint64_t mtime);

/* Tells the running hart to leave its block loop at the next block exit,
 * e.g. because a device changed an interrupt line. */
void machine_kick(struct machine *m);

#endif
