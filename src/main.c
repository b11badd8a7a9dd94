/* The reprise program: parses the command line and runs, records, replays
 * or describes a session, turning every error into one sentence and an exit
 * status (2 for a bad command line, 1 for other failures, else the guest's
 * own status through the test finisher). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "emu/cpu/cpu.h"
#include "emu/cpu/tb.h"
#include "emu/machine.h"
#include "record/nd.h"
#include "plugins/plugin.h"
#include "record/rlog.h"
#include "util.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void fail(int code)
{
    fprintf(stderr, "reprise: %s\n", rp_strerror(code));
}

static void print_stats(struct machine *m, double secs)
{
    uint64_t total = machine_position(m);
    struct tb_stats s;
    tb_get_stats(m, &s);
    fprintf(stderr, "reprise: instructions: %llu\n", (unsigned long long)total);
    fprintf(stderr, "reprise: host seconds: %.3f (%.1f MIPS)\n", secs,
            secs > 0 ? (double)total / secs / 1e6 : 0.0);
    fprintf(stderr, "reprise: blocks translated: %llu, invalidated: %llu, flushes: %llu\n",
            (unsigned long long)s.translated, (unsigned long long)s.invalidated,
            (unsigned long long)s.flushes);
    fprintf(stderr, "reprise: host code: %s\n", s.host_code);
}

static void hex(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

/* As QEMU does, warns of a network that no card is attached to. */
static void warn_unused_netdevs(const struct machine_config *cfg)
{
    for (int i = 0; i < cfg->nnetdevs; i++) {
        bool used = false;
        for (int k = 0; k < cfg->nvirtio; k++)
            used |= cfg->virtio[k].kind == VIRTIO_KIND_NET && cfg->virtio[k].netdev == i;
        if (!used)
            fprintf(stderr, "reprise: warning: netdev %s has no network card, so the guest "
                    "cannot reach it (add -device virtio-net-device,netdev=%s)\n",
                    cfg->netdevs[i].id, cfg->netdevs[i].id);
    }
}

/* Builds, runs and finishes a machine over nd. Returns the process status. */
static int run_machine(struct cli *cli, const struct machine_config *cfg, struct nd *nd,
                       const char *verb, uint64_t *insns, uint8_t digest[32])
{
    struct machine *m = NULL;
    if (nd_mode(nd) != ND_REPLAY)
        warn_unused_netdevs(cfg);
    int r = machine_create(cfg, nd, &m);
    if (r) {
        fail(r);
        return 1;
    }
    static const char *const modes[] = {[ND_RUN] = "run", [ND_RECORD] = "record",
                                        [ND_REPLAY] = "replay"};
    r = plugin_load_all(cfg, m, modes[nd_mode(nd)]);
    if (r) {
        fail(r);
        machine_destroy(m);
        return 2;
    }
    double t0 = now_s();
    machine_run(m);
    double t1 = now_s();
    int status;
    r = machine_finish(m, &status);
    plugin_exit_all(m);
    if (insns)
        *insns = machine_position(m);
    if (digest)
        memcpy(digest, m->final_digest, 32);
    if (cli->stats)
        print_stats(m, t1 - t0);
    if (r) {
        fprintf(stderr, "reprise: %s: %s\n", verb, rp_strerror(r));
        status = 1;
    } else if (m->stop_reason == STOP_QUIT && nd_mode(nd) != ND_REPLAY) {
        status = 0;
    }
    machine_destroy(m);
    return status;
}

static int cmd_run(struct cli *cli)
{
    struct nd *nd = NULL;
    int r = nd_create(ND_RUN, &nd);
    if (r) {
        fail(r);
        return 1;
    }
    int status = run_machine(cli, &cli->cfg, nd, "run", NULL, NULL);
    nd_destroy(nd);
    return status;
}

static int add_image(struct rlog_header *h, const char *role, const char *path)
{
    if (!path)
        return 0;
    if (h->nimages >= RLOG_MAX_IMAGES)
        return rp_error(-E2BIG, "too many images to record");
    struct rlog_image *img = &h->images[h->nimages];
    int r = rlog_hash_file(path, img->sha256, &img->size);
    if (r)
        return r;
    img->role = strdup(role);
    img->path = strdup(path);
    h->nimages++;
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int header_from_config(const struct machine_config *c, int argc, char **argv,
                              struct rlog_header *h)
{
    memset(h, 0, sizeof(*h));
    h->version = RLOG_VERSION;
    h->ram_size = c->ram_size;
    h->smp = (unsigned)c->smp;
    h->bios = dup_or_null(c->bios);
    h->kernel = dup_or_null(c->kernel);
    h->initrd = dup_or_null(c->initrd);
    h->append = dup_or_null(c->append);
    h->argc = (unsigned)argc;
    h->argv = calloc((size_t)argc + 1, sizeof(char *));
    for (int i = 0; i < argc && h->argv; i++)
        h->argv[i] = strdup(argv[i]);
    for (int i = 0; i < c->ndrives; i++)
        h->drives[h->ndrives++] = strdup(c->drives[i]);
    for (int i = 0; i < c->nvirtio; i++) {
        const struct virtio_spec *v = &c->virtio[i];
        struct rlog_device *d = &h->devices[h->ndevices++];
        d->type = strdup(v->kind == VIRTIO_KIND_BLK ? "virtio-blk-device" :
                         v->kind == VIRTIO_KIND_NET ? "virtio-net-device" : "virtio-rng-device");
        d->slot = (unsigned)v->slot;
        d->drive = v->kind == VIRTIO_KIND_BLK ? v->drive : -1;
        /* A card's MAC is guest-visible; its host network is not recorded
         * (replay has none: the frames it delivered are in the log). */
        d->has_mac = v->kind == VIRTIO_KIND_NET;
        if (d->has_mac)
            memcpy(d->mac, v->mac, 6);
    }
    h->virtio_legacy = c->virtio_legacy;
    h->no_reboot = c->no_reboot;
    h->solo_turn = c->solo_turn;
    int r = add_image(h, "bios", machine_bios_path(c));
    if (!r)
        r = add_image(h, "kernel", c->kernel);
    if (!r)
        r = add_image(h, "initrd", c->initrd);
    for (int i = 0; i < c->ndrives && !r; i++) {
        char role[16];
        snprintf(role, sizeof(role), "drive%d", i);
        r = add_image(h, role, c->drives[i]);
    }
    return r;
}

static int cmd_record(struct cli *cli, int argc, char **argv)
{
    struct rlog_header h;
    struct rlog_writer *w = NULL;
    struct nd *nd = NULL;
    int r = header_from_config(&cli->cfg, argc, argv, &h);
    if (!r)
        r = rlog_writer_open(cli->log_path, &h, &w);
    rlog_header_free(&h);
    if (r) {
        fail(r);
        return 1;
    }
    r = nd_create(ND_RECORD, &nd);
    if (r) {
        rlog_writer_close(w);
        fail(r);
        return 1;
    }
    nd_set_writer(nd, w);
    uint64_t insns = 0;
    uint8_t digest[32];
    int status = run_machine(cli, &cli->cfg, nd, "record", &insns, digest);
    uint64_t events = nd_event_count(nd);
    nd_destroy(nd);
    r = rlog_writer_close(w);
    if (r) {
        fail(r);
        return 1;
    }
    struct stat st;
    if (stat(cli->log_path, &st) == 0) {
        char hx[65];
        hex(digest, 32, hx);
        fprintf(stderr, "reprise: recorded %llu instructions and %llu events into %s "
                "(%lld bytes); final state %.16s\n",
                (unsigned long long)insns, (unsigned long long)events, cli->log_path,
                (long long)st.st_size, hx);
    }
    return status;
}

/* Checks that every image has the digest the recording names. */
static int verify_images(const struct rlog_header *h, const char *log)
{
    for (unsigned i = 0; i < h->nimages; i++) {
        const struct rlog_image *img = &h->images[i];
        uint8_t d[32];
        uint64_t size;
        int r = rlog_hash_file(img->path, d, &size);
        if (r)
            return rp_error(r, "%s needs the %s image '%s', which cannot be read", log,
                            img->role, img->path);
        if (memcmp(d, img->sha256, 32) != 0)
            return rp_error(-EINVAL, "the %s image '%s' has changed since %s was recorded "
                            "(its SHA-256 differs); replay needs the very same image",
                            img->role, img->path, log);
    }
    return 0;
}

static int config_from_header(const struct rlog_header *h, struct machine_config *c)
{
    config_init(c);
    c->ram_size = h->ram_size;
    c->smp = (int)h->smp;
    if (c->smp < 1 || c->smp > MAX_HARTS)
        return rp_error(-EINVAL, "the recording names %u harts, which this build cannot run", h->smp);
    c->bios = dup_or_null(h->bios);
    c->kernel = dup_or_null(h->kernel);
    c->initrd = dup_or_null(h->initrd);
    c->append = dup_or_null(h->append);
    /* The drives and virtio devices, in their recorded slots (the reader
     * checked slots and drive indices). */
    if (h->ndrives > MAX_DRIVES || h->ndevices > MAX_VIRTIO)
        return rp_error(-EINVAL, "the recording names more drives or devices than this "
                        "build supports");
    for (unsigned i = 0; i < h->ndrives; i++) {
        c->drives[i] = strdup(h->drives[i]);
        c->ndrives = (int)i + 1;
        if (!c->drives[i])
            return rp_error(-ENOMEM, "out of memory");
    }
    for (unsigned i = 0; i < h->ndevices; i++) {
        const struct rlog_device *d = &h->devices[i];
        struct virtio_spec *v = &c->virtio[i];
        v->netdev = -1;
        if (!strcmp(d->type, "virtio-blk-device") && d->drive >= 0 && !d->has_mac)
            v->kind = VIRTIO_KIND_BLK;
        else if (!strcmp(d->type, "virtio-rng-device") && d->drive < 0 && !d->has_mac)
            v->kind = VIRTIO_KIND_RNG;
        else if (!strcmp(d->type, "virtio-net-device") && d->drive < 0 && d->has_mac)
            v->kind = VIRTIO_KIND_NET;
        else
            return rp_error(-EINVAL, "the recording has a device '%s' that this build cannot "
                            "create", d->type);
        v->drive = d->drive;
        v->slot = (int)d->slot;
        memcpy(v->mac, d->mac, 6);
        c->nvirtio = (int)i + 1;
    }
    c->virtio_legacy = h->virtio_legacy;
    c->no_reboot = h->no_reboot;
    c->solo_turn = h->solo_turn;
    return 0;
}

/* The position of the end marker (or of the last event of a log that was
 * cut short), for the progress bar. 0 when the log cannot be read. */
static uint64_t recorded_length(const char *path)
{
    struct rlog_header h;
    struct rlog_reader *r;
    if (rlog_reader_open(path, &r, &h))
        return 0;
    struct rlog_event ev;
    uint64_t last = 0;
    while (rlog_read_event(r, &ev) == 1)
        last = ev.icount;
    rlog_header_free(&h);
    rlog_reader_close(r);
    rp_error_clear();
    return last;
}

static int cmd_replay(struct cli *cli)
{
    struct rlog_header h;
    struct rlog_reader *rd = NULL;
    struct machine_config cfg;
    int r = rlog_reader_open(cli->log_path, &rd, &h);
    if (r) {
        fail(r);
        return 1;
    }
    r = config_from_header(&h, &cfg);
    if (!r)
        r = verify_images(&h, cli->log_path);
    rlog_header_free(&h);
    if (r) {
        rlog_reader_close(rd);
        config_free(&cfg);
        fail(r);
        return 1;
    }
    /* Plugins and logging options come from the replay's command line; the
     * specs move over to cfg, which frees them. */
    cfg.debug_plugin = cli->cfg.debug_plugin;
    cfg.logfile = cli->cfg.logfile;
    cli->cfg.logfile = NULL;
    memcpy(cfg.plugins, cli->cfg.plugins, sizeof(cfg.plugins));
    cfg.nplugins = cli->cfg.nplugins;
    memset(cli->cfg.plugins, 0, sizeof(cli->cfg.plugins));
    cli->cfg.nplugins = 0;
    struct nd *nd = NULL;
    r = nd_create(ND_REPLAY, &nd);
    if (r) {
        rlog_reader_close(rd);
        config_free(&cfg);
        fail(r);
        return 1;
    }
    nd_set_reader(nd, rd, cli->log_path);
    if (isatty(STDERR_FILENO))
        nd_set_progress(nd, recorded_length(cli->log_path));
    uint64_t insns = 0;
    uint8_t digest[32];
    double t0 = now_s();
    int status = run_machine(cli, &cfg, nd, "replay", &insns, digest);
    double secs = now_s() - t0;
    if (!nd_error(nd)) {
        char hx[65];
        hex(digest, 32, hx);
        fprintf(stderr, "reprise: replay matched %s: %llu instructions, %llu events, "
                "final state %.16s (%.2f s)\n", cli->log_path, (unsigned long long)insns,
                (unsigned long long)nd_event_count(nd), hx, secs);
    }
    nd_destroy(nd);
    rlog_reader_close(rd);
    config_free(&cfg);
    return status;
}

int cmd_info(struct cli *cli);

int main(int argc, char **argv)
{
    struct cli cli;
    int r = cli_parse(argc, argv, &cli);
    if (r) {
        fail(r);
        return 2;
    }
    int status = 0;
    switch (cli.cmd) {
    case CMD_HELP:
        cli_usage(stdout);
        break;
    case CMD_VERSION:
        printf("reprise %s\n", PACKAGE_VERSION);
        break;
    case CMD_RUN:
        status = cmd_run(&cli);
        break;
    case CMD_RECORD:
        status = cmd_record(&cli, argc, argv);
        break;
    case CMD_REPLAY:
        status = cmd_replay(&cli);
        break;
    case CMD_INFO:
        status = cmd_info(&cli);
        break;
    }
    cli_free(&cli);
    return status;
}
