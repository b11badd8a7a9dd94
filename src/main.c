/* The reprise program: parses the command line, builds the machine and runs
 * it, turning every error into one sentence and an exit status (2 for a bad
 * command line, 1 for other failures, else the guest's own status). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "emu/cpu/cpu.h"
#include "emu/cpu/tb.h"
#include "emu/machine.h"
#include "record/nd.h"
#include "util.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void print_stats(struct machine *m, double secs)
{
    uint64_t total = 0;
    for (int i = 0; i < m->nharts; i++)
        total += m->harts[i]->icount;
    struct tb_stats s;
    tb_get_stats(m, &s);
    fprintf(stderr, "reprise: instructions: %llu\n", (unsigned long long)total);
    fprintf(stderr, "reprise: host seconds: %.3f (%.1f MIPS)\n", secs,
            secs > 0 ? (double)total / secs / 1e6 : 0.0);
    fprintf(stderr, "reprise: blocks translated: %llu, invalidated: %llu, flushes: %llu\n",
            (unsigned long long)s.translated, (unsigned long long)s.invalidated,
            (unsigned long long)s.flushes);
}

static int cmd_run(struct cli *cli)
{
    struct nd *nd = NULL;
    struct machine *m = NULL;
    int r = nd_create(ND_RUN, &nd);
    if (r) {
        fprintf(stderr, "reprise: %s\n", rp_strerror(r));
        return 1;
    }
    r = machine_create(&cli->cfg, nd, &m);
    if (r) {
        nd_destroy(nd);
        fprintf(stderr, "reprise: %s\n", rp_strerror(r));
        return 1;
    }
    double t0 = now_s();
    enum machine_stop why = machine_run(m);
    double t1 = now_s();
    int status = 0;
    switch (why) {
    case STOP_POWEROFF: status = m->exit_code; break;
    case STOP_QUIT: status = 0; break;
    case STOP_ERROR:
        fprintf(stderr, "reprise: %s\n", rp_strerror(-EIO));
        status = 1;
        break;
    }
    nd_destroy(nd);
    if (cli->stats)
        print_stats(m, t1 - t0);
    machine_destroy(m);
    return status;
}

int main(int argc, char **argv)
{
    struct cli cli;
    int r = cli_parse(argc, argv, &cli);
    if (r) {
        fprintf(stderr, "reprise: %s\n", rp_strerror(r));
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
    case CMD_REPLAY:
    case CMD_INFO:
        fprintf(stderr, "reprise: '%s' is not available in this build yet\n", argv[1]);
        status = 2;
        break;
    }
    cli_free(&cli);
    return status;
}
