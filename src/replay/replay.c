/* The replay side of the nondeterminism boundary: hands the guest the
 * recorded values at the recorded positions, never touching the host, and
 * stops with one sentence at the first divergence (an event that does not
 * fit where execution is, or a state digest that differs) or at a corrupt or
 * cut-short log. Frames the guest transmits are dropped here (nd.c): replay
 * has no host network. */
#include <stdio.h>
#include <string.h>

#include "record/nd_private.h"
#include "util.h"

/* Makes nd->ev the next event (if any). */
static void fetch(struct nd *nd)
{
    if (nd->have_ev || nd->ev_status <= 0 || nd->error)
        return;
    int r = rlog_read_event(nd->r, &nd->ev);
    if (r == 1) {
        nd->have_ev = true;
        return;
    }
    nd->ev_status = r;
    if (r < 0)
        nd->error = r;   /* the reader's sentence is already recorded */
}

static bool next_is(struct nd *nd, unsigned kind, uint64_t pos)
{
    fetch(nd);
    return nd->have_ev && nd->ev.kind == kind && nd->ev.icount == pos;
}

static void consume(struct nd *nd)
{
    nd->last_kind = nd->ev.kind;
    nd->last_icount = nd->ev.icount;
    nd->have_ev = false;
    nd->events++;
}

static const char *last_desc(struct nd *nd, char *buf, size_t n)
{
    if (nd->events == 0)
        snprintf(buf, n, "none");
    else
        snprintf(buf, n, "#%llu (%s at icount %llu)", (unsigned long long)nd->events,
                 rlog_kind_name(nd->last_kind), (unsigned long long)nd->last_icount);
    return buf;
}

/* Records a divergence: what was expected at pos and what happened. */
static void diverge(struct nd *nd, uint64_t pos, const char *what)
{
    if (nd->error)
        return;
    char last[96];
    last_desc(nd, last, sizeof(last));
    if (nd->have_ev)
        nd->error = rp_error(-EPROTO, "replay diverged from %s at icount %llu (machine-wide, "
                             "between scheduling rounds): %s; the next recorded event is %s at "
                             "icount %llu; last matching event: %s",
                             nd->path, (unsigned long long)pos, what,
                             rlog_kind_name(nd->ev.kind), (unsigned long long)nd->ev.icount, last);
    else
        nd->error = rp_error(-EPROTO, "replay diverged from %s at icount %llu: %s; the recording "
                             "has no further events; last matching event: %s",
                             nd->path, (unsigned long long)pos, what, last);
}

/* An event due before pos was not taken: execution has gone another way. */
static void check_missed(struct nd *nd, uint64_t pos)
{
    fetch(nd);
    if (nd->have_ev && nd->ev.icount < pos && !nd->error)
        diverge(nd, pos, "execution passed the position of a recorded event without taking it");
}

void nd_set_progress(struct nd *nd, uint64_t total)
{
    nd->progress_total = total;
    nd->progress_shown = -1;
}

static void progress(struct nd *nd, uint64_t pos, bool done)
{
    if (!nd->progress_total || ((++nd->progress_count & 255) != 0 && !done))
        return;
    int pct = pos >= nd->progress_total ? 100 : (int)(pos * 100 / nd->progress_total);
    if (pct == nd->progress_shown && !done)
        return;
    nd->progress_shown = pct;
    char bar[41];
    memset(bar, '#', (size_t)(pct * 40 / 100));
    memset(bar + pct * 40 / 100, '.', (size_t)(40 - pct * 40 / 100));
    bar[40] = '\0';
    fprintf(stderr, "\rreplay [%s] %3d%%  %llu / %llu instructions%s", bar, pct,
            (unsigned long long)pos, (unsigned long long)nd->progress_total, done ? "\n" : "");
    fflush(stderr);
}

/* The network card the recording calls dev (its virtio-mmio slot). */
static struct nd_net_port *net_port(struct nd *nd, uint64_t dev)
{
    for (unsigned i = 0; i < nd->nnets; i++)
        if (nd->nets[i].dev == dev)
            return &nd->nets[i];
    return NULL;
}

/* Hands over the inputs recorded at pos, in the order they were recorded. */
void replay_poll(struct nd *nd, uint64_t pos)
{
    progress(nd, pos, false);
    for (;;) {
        fetch(nd);
        if (!nd->have_ev || nd->ev.icount != pos)
            break;
        const struct rlog_event *ev = &nd->ev;
        if (ev->kind == RLOG_ENTROPY) {
            if (!nd->have_entropy || nd->entropy.wanted(nd->entropy.opaque) < ev->len) {
                diverge(nd, pos, nd->have_entropy
                        ? "the entropy device does not want the recorded bytes here"
                        : "the recording hands entropy to the guest, but the machine has no "
                          "entropy device");
                return;
            }
            nd->entropy.push(nd->entropy.opaque, ev->data, ev->len);
        } else if (ev->kind == RLOG_NET_RX) {
            struct nd_net_port *p = net_port(nd, ev->u[0]);
            char what[160];
            if (!p || !p->net.can_receive(p->net.opaque, ev->len)) {
                if (p)
                    snprintf(what, sizeof(what), "the network card in virtio-mmio slot %llu "
                             "cannot take the recorded %zu-byte frame here",
                             (unsigned long long)ev->u[0], ev->len);
                else
                    snprintf(what, sizeof(what), "the recording delivers a frame to a network "
                             "card in virtio-mmio slot %llu, but the machine has none there",
                             (unsigned long long)ev->u[0]);
                diverge(nd, pos, what);
                return;
            }
            p->net.receive(p->net.opaque, ev->data, ev->len);
        } else if (ev->kind == RLOG_CONSOLE_IN) {
            if (!nd->have_console || nd->console.space(nd->console.opaque) < ev->len) {
                diverge(nd, pos, "the console cannot take the recorded input here");
                return;
            }
            nd->console.push(nd->console.opaque, ev->data, ev->len);
        } else {
            break;
        }
        consume(nd);
    }
    check_missed(nd, pos);
}

uint64_t replay_idle(struct nd *nd, uint64_t pos, uint64_t max_ticks)
{
    if (!next_is(nd, RLOG_IDLE, pos)) {
        diverge(nd, pos, "every hart went idle, but the recording did not");
        return max_ticks == UINT64_MAX ? 1 : max_ticks;
    }
    consume(nd);
    if (!next_is(nd, RLOG_RESUME, pos)) {
        diverge(nd, pos, "an idle period has no recorded end");
        return max_ticks == UINT64_MAX ? 1 : max_ticks;
    }
    uint64_t ticks = nd->ev.u[1];
    consume(nd);
    if (ticks > max_ticks) {
        diverge(nd, pos, "the recorded idle period outlasts the next timer deadline");
        return max_ticks;
    }
    return ticks;
}

uint64_t replay_wallclock(struct nd *nd)
{
    if (!next_is(nd, RLOG_WALLCLOCK, 0)) {
        diverge(nd, 0, "the machine read the wall clock, but the recording has no such read");
        return 0;
    }
    uint64_t t = nd->ev.u[0];
    consume(nd);
    return t;
}

bool replay_hash_due(struct nd *nd, uint64_t pos, bool *with_ram)
{
    if (!next_is(nd, RLOG_HASH, pos))
        return false;
    *with_ram = nd->ev.u[0] & 1;
    return true;
}

static void hex(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

void replay_hash(struct nd *nd, uint64_t pos, const uint8_t digest[32])
{
    if (!next_is(nd, RLOG_HASH, pos))
        return;
    if (nd->ev.len != 32 || memcmp(nd->ev.data, digest, 32) != 0) {
        char a[65], b[65], msg[200];
        hex(digest, 32, a);
        hex(nd->ev.data, nd->ev.len < 32 ? nd->ev.len : 32, b);
        snprintf(msg, sizeof(msg), "the machine state digest is %.16s..., the recording has %.16s...", a, b);
        diverge(nd, pos, msg);
        return;
    }
    consume(nd);
}

bool replay_at_end(struct nd *nd, uint64_t pos)
{
    fetch(nd);
    if (nd->ev_status < 0)
        return true;   /* cut short or corrupt: stop where the log stops */
    return next_is(nd, RLOG_END, pos);
}

void replay_end(struct nd *nd, uint64_t pos, unsigned *reason, int *status,
                const uint8_t digest[32])
{
    if (nd->error)
        return;
    if (!next_is(nd, RLOG_END, pos)) {
        diverge(nd, pos, "the guest stopped here, but the recording went on");
        return;
    }
    unsigned rec_reason = (unsigned)nd->ev.u[0];
    int rec_status = (int)(int64_t)nd->ev.u[1];
    if (nd->ev.len != 32 || memcmp(nd->ev.data, digest, 32) != 0) {
        diverge(nd, pos, "the final machine state differs from the recorded one");
        return;
    }
    consume(nd);
    progress(nd, pos, true);
    *reason = rec_reason;
    *status = rec_status;
}
