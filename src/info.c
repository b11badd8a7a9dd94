/* `reprise info`: describes a recording — its header, its length in
 * instructions and guest time, its events by kind, and its compression —
 * or, with --events, dumps every event as a JSON line. Reads the log only
 * through rlog.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "record/rlog.h"
#include "util.h"

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* A few words on an Ethernet frame: its type and, for IPv4, the protocol
 * and the addresses. */
static void frame_summary(FILE *f, const uint8_t *p, size_t n)
{
    if (n < 14) {
        fputs("short frame", f);
        return;
    }
    unsigned type = (unsigned)p[12] << 8 | p[13];
    if (type == 0x0806 && n >= 42) {
        unsigned op = (unsigned)p[20] << 8 | p[21];
        fprintf(f, "arp %s %u.%u.%u.%u -> %u.%u.%u.%u",
                op == 1 ? "request" : op == 2 ? "reply" : "op?",
                p[28], p[29], p[30], p[31], p[38], p[39], p[40], p[41]);
    } else if (type == 0x0800 && n >= 34) {
        static const char *const protos[] = {[1] = "icmp", [6] = "tcp", [17] = "udp"};
        const char *proto = p[23] < ARRAY_SIZE(protos) && protos[p[23]] ? protos[p[23]] : "ip";
        fprintf(f, "ipv4 %s %u.%u.%u.%u -> %u.%u.%u.%u", proto,
                p[26], p[27], p[28], p[29], p[30], p[31], p[32], p[33]);
        unsigned ihl = (p[14] & 15u) * 4;
        if ((p[23] == 6 || p[23] == 17) && n >= 14 + ihl + 4)
            fprintf(f, " ports %u -> %u", (unsigned)p[14 + ihl] << 8 | p[15 + ihl],
                    (unsigned)p[16 + ihl] << 8 | p[17 + ihl]);
    } else if (type == 0x86dd) {
        fputs("ipv6", f);
    } else {
        fprintf(f, "ethertype 0x%04x", type);
    }
}

static void json_event(FILE *f, const struct rlog_event *ev)
{
    fprintf(f, "{\"kind\":\"%s\",\"hart\":%d,\"icount\":%" PRIu64, rlog_kind_name(ev->kind),
            ev->hart, ev->icount);
    switch (ev->kind) {
    case RLOG_WALLCLOCK:
        fprintf(f, ",\"ns\":%" PRIu64, ev->u[0]);
        break;
    case RLOG_RESUME:
        fprintf(f, ",\"cause\":\"%s\",\"ticks\":%" PRIu64,
                ev->u[0] == RLOG_WAKE_INPUT ? "input" : "timer", ev->u[1]);
        break;
    case RLOG_HASH:
        fprintf(f, ",\"ram\":%s", (ev->u[0] & 1) ? "true" : "false");
        break;
    case RLOG_END:
        fprintf(f, ",\"reason\":%" PRIu64 ",\"status\":%" PRId64, ev->u[0], (int64_t)ev->u[1]);
        break;
    case RLOG_NET_RX:
        fprintf(f, ",\"slot\":%" PRIu64 ",\"len\":%zu,\"frame\":\"", ev->u[0], ev->len);
        frame_summary(f, ev->data, ev->len);
        fputc('"', f);
        break;
    default:
        break;
    }
    if (ev->len) {
        fprintf(f, ",\"data\":\"");
        for (size_t i = 0; i < ev->len; i++)
            fprintf(f, "%02x", ev->data[i]);
        fputc('"', f);
        if (ev->kind == RLOG_CONSOLE_IN) {
            char text[256];
            size_t n = ev->len < sizeof(text) - 1 ? ev->len : sizeof(text) - 1;
            memcpy(text, ev->data, n);
            text[n] = '\0';
            fprintf(f, ",\"text\":");
            json_str(f, text);
        }
    }
    fputs("}\n", f);
}

int cmd_info(struct cli *cli)
{
    struct rlog_header h;
    struct rlog_reader *r;
    int e = rlog_reader_open(cli->log_path, &r, &h);
    if (e) {
        fprintf(stderr, "reprise: %s\n", rp_strerror(e));
        return 1;
    }
    uint64_t count[RLOG_KIND_MAX] = {0}, bytes[RLOG_KIND_MAX] = {0};
    uint64_t last = 0, idle_ticks = 0, total = 0;
    struct rlog_event ev;
    bool ended = false;
    struct rlog_event end = {0};
    int st;
    while ((st = rlog_read_event(r, &ev)) == 1) {
        if (cli->info_events)
            json_event(stdout, &ev);
        if (ev.kind < RLOG_KIND_MAX) {
            count[ev.kind]++;
            bytes[ev.kind] += ev.len;
        }
        total++;
        last = ev.icount;
        if (ev.kind == RLOG_RESUME)
            idle_ticks += ev.u[1];
        if (ev.kind == RLOG_END) {
            ended = true;
            end = ev;
        }
    }
    int status = 0;
    if (!cli->info_events) {
        printf("log:           %s (format version %u)\n", cli->log_path, h.version);
        printf("machine:       virt, %u hart%s, %" PRIu64 " MiB RAM\n", h.smp, h.smp == 1 ? "" : "s",
               h.ram_size >> 20);
        if (h.smp == 1)
            printf("turns:         %" PRIu64 " instructions\n", h.solo_turn);
        for (unsigned i = 0; i < h.nimages; i++) {
            char hx[65];
            for (int k = 0; k < 32; k++)
                sprintf(hx + 2 * k, "%02x", h.images[i].sha256[k]);
            printf("%-14s %s (%" PRIu64 " bytes, sha256 %.16s...)\n", h.images[i].role,
                   h.images[i].path, h.images[i].size, hx);
        }
        for (unsigned i = 0; i < h.ndevices; i++) {
            const struct rlog_device *d = &h.devices[i];
            printf("virtio-mmio.%u  %s", d->slot, d->type);
            if (d->drive >= 0 && (unsigned)d->drive < h.ndrives)
                printf(" on %s", h.drives[d->drive]);
            if (d->has_mac)
                printf(" mac %02x:%02x:%02x:%02x:%02x:%02x", d->mac[0], d->mac[1], d->mac[2],
                       d->mac[3], d->mac[4], d->mac[5]);
            printf(" (%s)\n", h.virtio_legacy ? "legacy" : "modern");
        }
        if (h.append)
            printf("append:        %s\n", h.append);
        printf("command:      ");
        for (unsigned i = 0; i < h.argc; i++)
            printf(" %s", h.argv[i]);
        printf("\n");
        double guest_s = (double)(last / (h.smp ? h.smp : 1) + idle_ticks) / 1e7;
        printf("instructions:  %" PRIu64 "\n", last);
        printf("guest time:    %s%.3f s (%.3f s of it idle)\n", h.smp > 1 ? "about " : "",
               guest_s, (double)idle_ticks / 1e7);
        printf("events:        %" PRIu64 "\n", total);
        for (unsigned k = 1; k < RLOG_KIND_MAX; k++)
            if (count[k])
                printf("  %-12s %10" PRIu64 " events, %10" PRIu64 " payload bytes\n",
                       rlog_kind_name(k), count[k], bytes[k]);
        uint64_t fbytes, cbytes;
        rlog_reader_sizes(r, &fbytes, &cbytes);
        printf("size:          %" PRIu64 " bytes on disk, %" PRIu64 " bytes of CBOR (ratio %.2f)\n",
               fbytes, cbytes, fbytes ? (double)cbytes / (double)fbytes : 0.0);
        if (ended)
            printf("end:           %s, exit status %" PRId64 "\n",
                   end.u[0] == 0 ? "guest powered off" : end.u[0] == 1 ? "user quit" : "emulator error",
                   (int64_t)end.u[1]);
    }
    if (st < 0) {
        fprintf(stderr, "reprise: %s\n", rp_strerror(st));
        status = 1;
    } else if (!ended) {
        status = 1;
    }
    rlog_header_free(&h);
    rlog_reader_close(r);
    return status;
}
