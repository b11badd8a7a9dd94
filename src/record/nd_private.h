/* State of the nondeterminism boundary shared by its record side (nd.c) and
 * its replay side (src/replay/replay.c). Not for other modules. */
#ifndef REPRISE_ND_PRIVATE_H
#define REPRISE_ND_PRIVATE_H

#include "nd.h"
#include "net_slirp.h"
#include "rlog.h"

/* A frame from a host network, waiting for its card. */
struct nd_packet {
    struct nd_packet *next;
    size_t len;
    uint8_t data[];
};

/* A network card and, in run and record mode, the host network behind it. */
struct nd_net_port {
    struct nd_net net;
    unsigned dev;                   /* logged as u[0] of its net-rx events */
    struct net_slirp *host;         /* NULL: none (always so in replay) */
    struct nd_packet *head, *tail;  /* frames for the guest, oldest first */
    size_t queued, queued_bytes;
    uint64_t lost;                  /* frames dropped because the queue was full */
};

struct nd {
    enum nd_mode mode;
    struct nd_console console;
    bool have_console;
    struct nd_entropy entropy;
    bool have_entropy;
    struct nd_net_port nets[ND_MAX_NETS];
    unsigned nnets;

    /* host side (run, record) */
    bool stdin_eof, tty, escape, quit;
    unsigned poll_count;
    bool poll_now;
    struct net_pollset pollset;     /* stdin and the host networks' sockets */

    /* record */
    struct rlog_writer *w;
    uint64_t next_hash, next_ram_hash;

    /* replay */
    struct rlog_reader *r;
    const char *path;
    struct rlog_event ev;       /* the next event, when have_ev */
    bool have_ev;
    int ev_status;              /* 1 = ev valid, 0 = clean end, < 0 = error */
    unsigned last_kind;         /* the last event that matched */
    uint64_t last_icount;

    uint64_t progress_total;    /* replay: recorded length, for the progress bar (0: none) */
    unsigned progress_count;
    int progress_shown;         /* last percentage printed, -1 before the first */

    uint64_t events;
    int error;                  /* first error (negative), 0 if none */
};

/* Replay side (replay.c) */
void replay_poll(struct nd *nd, uint64_t pos);
uint64_t replay_idle(struct nd *nd, uint64_t pos, uint64_t max_ticks);
uint64_t replay_wallclock(struct nd *nd);
bool replay_hash_due(struct nd *nd, uint64_t pos, bool *with_ram);
void replay_hash(struct nd *nd, uint64_t pos, const uint8_t digest[32]);
bool replay_at_end(struct nd *nd, uint64_t pos);
void replay_end(struct nd *nd, uint64_t pos, unsigned *reason, int *status,
                const uint8_t digest[32]);

#endif
