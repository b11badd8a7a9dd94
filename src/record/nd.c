/* The nondeterminism boundary, host and record side: console input from
 * stdin (raw mode on a terminal, Ctrl-A x to quit), entropy from
 * getrandom(), frames from the user-mode networks (net_slirp.c) and the
 * frames the guest sends into them, idle waits, the wall clock, and the
 * logging of each input when recording. Console input is read from the host
 * only when its consumer has room, so no byte is ever lost; network frames
 * wait in a bounded queue until their card can take them. The replay side
 * lives in src/replay/replay.c. */
#include "nd_private.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "util.h"

#define HOST_POLL_EVERY 8                 /* rounds between looks at stdin */
#define HASH_EVERY (1ULL << 26)           /* instructions between state digests */
#define RAM_HASH_EVERY (1ULL << 30)       /* ... and between digests that cover RAM */
#define NS_PER_TICK 100ULL
#define VIRTIO_ENTROPY_MAX 4096           /* bytes handed over at once */
#define NET_QUEUE_FRAMES 1024             /* frames waiting for one card, at most */
#define NET_QUEUE_BYTES (4u << 20)        /* ... and their bytes */

static struct termios saved_tio;
static bool tio_saved;

static void restore_terminal(void)
{
    if (tio_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
        tio_saved = false;
    }
}

static void fatal_signal(int sig)
{
    restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

int nd_create(enum nd_mode mode, struct nd **out)
{
    struct nd *nd = calloc(1, sizeof(*nd));
    if (!nd)
        return -ENOMEM;
    nd->mode = mode;
    nd->next_hash = HASH_EVERY;
    nd->next_ram_hash = RAM_HASH_EVERY;
    if (mode != ND_REPLAY && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
        struct termios raw = saved_tio;
        cfmakeraw(&raw);
        raw.c_oflag |= OPOST | ONLCR;   /* keep \n -> \r\n on output */
        tio_saved = true;
        atexit(restore_terminal);
        signal(SIGTERM, fatal_signal);
        signal(SIGHUP, fatal_signal);
        signal(SIGSEGV, fatal_signal);
        signal(SIGABRT, fatal_signal);
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
        nd->tty = true;
    }
    *out = nd;
    return 0;
}

void nd_destroy(struct nd *nd)
{
    if (!nd)
        return;
    if (nd->tty)
        restore_terminal();
    for (unsigned i = 0; i < nd->nnets; i++) {
        struct nd_net_port *p = &nd->nets[i];
        net_slirp_destroy(p->host);
        while (p->head) {
            struct nd_packet *k = p->head;
            p->head = k->next;
            free(k);
        }
    }
    free(nd->pollset.fds);
    free(nd);
}

enum nd_mode nd_mode(const struct nd *nd) { return nd->mode; }
void nd_set_writer(struct nd *nd, struct rlog_writer *w) { nd->w = w; }
bool nd_quit_requested(const struct nd *nd) { return nd->quit; }
int nd_error(const struct nd *nd) { return nd->error; }
uint64_t nd_event_count(const struct nd *nd) { return nd->events; }

void nd_set_reader(struct nd *nd, struct rlog_reader *r, const char *path)
{
    nd->r = r;
    nd->path = path;
    nd->ev_status = 1;
}

void nd_set_console(struct nd *nd, const struct nd_console *c)
{
    nd->console = *c;
    nd->have_console = true;
}

void nd_set_entropy(struct nd *nd, const struct nd_entropy *e)
{
    nd->entropy = *e;
    nd->have_entropy = true;
}

static void log_event(struct nd *nd, unsigned kind, uint64_t pos, uint64_t u0, uint64_t u1,
                      const uint8_t *data, size_t len)
{
    if (!nd->w || nd->error)
        return;
    struct rlog_event ev = {.kind = kind, .hart = -1, .icount = pos,
                            .u = {u0, u1}, .data = data, .len = len};
    int r = rlog_write_event(nd->w, &ev);
    if (r)
        nd->error = r;
    nd->events++;
}

/* Filters the terminal escape (Ctrl-A x quits, Ctrl-A Ctrl-A sends one
 * Ctrl-A). Returns the number of bytes left in buf for the guest. */
static size_t filter_escape(struct nd *nd, uint8_t *buf, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = buf[i];
        if (nd->escape) {
            nd->escape = false;
            if (c == 'x' || c == 'X') {
                nd->quit = true;
                return o;
            }
            if (c == 0x01)
                buf[o++] = c;
            continue;   /* other escapes are dropped */
        }
        if (c == 0x01) {
            nd->escape = true;
            continue;
        }
        buf[o++] = c;
    }
    return o;
}

/* ---- network ------------------------------------------------------------ */

/* A frame from a host network (called by slirp, also from inside
 * nd_net_transmit): queued for its card, never handed over here. */
static void net_emit(void *opaque, const uint8_t *buf, size_t len)
{
    struct nd_net_port *p = opaque;
    if (p->queued >= NET_QUEUE_FRAMES || p->queued_bytes + len > NET_QUEUE_BYTES) {
        p->lost++;      /* like a full NIC queue: TCP will send it again */
        return;
    }
    struct nd_packet *k = malloc(sizeof(*k) + len);
    if (!k) {
        p->lost++;
        return;
    }
    k->next = NULL;
    k->len = len;
    memcpy(k->data, buf, len);
    if (p->tail)
        p->tail->next = k;
    else
        p->head = k;
    p->tail = k;
    p->queued++;
    p->queued_bytes += len;
}

int nd_add_net(struct nd *nd, unsigned dev, const struct nd_net *n,
               const struct netdev_spec *host, unsigned *port)
{
    for (unsigned i = 0; i < nd->nnets; i++)
        if (nd->nets[i].dev == dev)
            return rp_error(-EINVAL, "two network cards claim virtio-mmio slot %u", dev);
    if (nd->nnets >= ND_MAX_NETS)
        return rp_error(-EINVAL, "too many network cards (at most %d)", ND_MAX_NETS);
    struct nd_net_port *p = &nd->nets[nd->nnets];
    memset(p, 0, sizeof(*p));
    p->net = *n;
    p->dev = dev;
    if (host && nd->mode != ND_REPLAY) {
        int r = net_slirp_create(host, net_emit, p, &p->host);
        if (r)
            return r;
    }
    *port = nd->nnets++;
    return 0;
}

void nd_net_transmit(struct nd *nd, unsigned port, const uint8_t *buf, size_t len)
{
    if (port < nd->nnets && nd->nets[port].host)
        net_slirp_input(nd->nets[port].host, buf, len);
}

static bool net_deliverable(const struct nd_net_port *p)
{
    return p->head && p->net.can_receive(p->net.opaque, p->head->len);
}

/* Hands every card the frames it can take now, oldest first. */
static void poll_net(struct nd *nd, uint64_t pos)
{
    for (unsigned i = 0; i < nd->nnets && !nd->error; i++) {
        struct nd_net_port *p = &nd->nets[i];
        while (net_deliverable(p)) {
            struct nd_packet *k = p->head;
            p->head = k->next;
            if (!p->head)
                p->tail = NULL;
            p->queued--;
            p->queued_bytes -= k->len;
            log_event(nd, RLOG_NET_RX, pos, p->dev, 0, k->data, k->len);
            p->net.receive(p->net.opaque, k->data, k->len);
            free(k);
        }
    }
}

static bool any_net_deliverable(const struct nd *nd)
{
    for (unsigned i = 0; i < nd->nnets; i++)
        if (net_deliverable(&nd->nets[i]))
            return true;
    return false;
}

/* ---- host polling --------------------------------------------------------- */

static bool watch_stdin(const struct nd *nd)
{
    return nd->have_console && !nd->stdin_eof && nd->console.space(nd->console.opaque) > 0;
}

/* Waits up to ms (0: just look; -1: no limit of our own) for stdin (when
 * watched) and the host networks' sockets, then lets the networks handle
 * what is ready; their frames for the guest end up queued. Returns whether
 * stdin has something to read. */
static bool poll_host(struct nd *nd, bool watch, int ms)
{
    struct net_pollset *set = &nd->pollset;
    bool nets = false;
    set->n = 0;
    set->err = 0;
    if (watch && net_pollset_add(set, STDIN_FILENO, POLLIN) < 0)
        return false;
    for (unsigned i = 0; i < nd->nnets; i++) {
        if (nd->nets[i].host) {
            net_slirp_fill(nd->nets[i].host, set, &ms);
            nets = true;
        }
    }
    if (!set->n && !nets && ms == 0)
        return false;
    int ready = poll(set->fds, set->n, ms);   /* with nothing to watch: a sleep */
    for (unsigned i = 0; i < nd->nnets; i++)
        if (nd->nets[i].host)
            net_slirp_dispatch(nd->nets[i].host, set, ready < 0 && errno != EINTR);
    return watch && ready > 0 && (set->fds[0].revents & (POLLIN | POLLHUP));
}

/* Hands the entropy device what it waits for, at every round boundary (so
 * the guest never waits on the host's poll period). Within a round boundary
 * entropy goes first, then network frames, then console input; replay
 * hands them over in the order the log has them. */
static void poll_entropy(struct nd *nd, uint64_t pos)
{
    if (!nd->have_entropy || nd->error)
        return;
    size_t want = nd->entropy.wanted(nd->entropy.opaque);
    if (!want)
        return;
    uint8_t buf[VIRTIO_ENTROPY_MAX];
    if (want > sizeof(buf))
        want = sizeof(buf);
    size_t got = 0;
    while (got < want) {
        ssize_t n = getrandom(buf + got, want - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (!got)
        return;
    log_event(nd, RLOG_ENTROPY, pos, 0, 0, buf, got);
    nd->entropy.push(nd->entropy.opaque, buf, got);
}

/* Reads what stdin has for the console (poll_host said it is ready). */
static void read_console(struct nd *nd, uint64_t pos)
{
    size_t space = nd->console.space(nd->console.opaque);
    uint8_t buf[64];
    if (space == 0)
        return;
    if (space > sizeof(buf))
        space = sizeof(buf);
    ssize_t n = read(STDIN_FILENO, buf, space);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        nd->stdin_eof = true;
        return;
    }
    if (n < 0)
        return;
    size_t len = nd->tty ? filter_escape(nd, buf, (size_t)n) : (size_t)n;
    if (len) {
        log_event(nd, RLOG_CONSOLE_IN, pos, 0, 0, buf, len);
        nd->console.push(nd->console.opaque, buf, len);
    }
}

void nd_poll(struct nd *nd, uint64_t pos)
{
    if (nd->mode == ND_REPLAY) {
        replay_poll(nd, pos);
        return;
    }
    if (nd->w && (nd->poll_count & 63) == 0)
        rlog_writer_tick(nd->w);
    poll_entropy(nd, pos);
    bool look = nd->poll_now || (++nd->poll_count % HOST_POLL_EVERY) == 0;
    nd->poll_now = false;
    bool have_input = look && poll_host(nd, watch_stdin(nd), 0);
    /* Every round, not only when looking at the host: the card may have
     * made room since. */
    poll_net(nd, pos);
    if (have_input)
        read_console(nd, pos);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

uint64_t nd_idle(struct nd *nd, uint64_t pos, uint64_t max_ticks)
{
    if (nd->mode == ND_REPLAY)
        return replay_idle(nd, pos, max_ticks);
    log_event(nd, RLOG_IDLE, pos, 0, 0, NULL, 0);
    if (nd->w)
        rlog_writer_tick(nd->w);
    bool watch = watch_stdin(nd);
    int64_t start = now_ns();
    int64_t ms = 1000;   /* look again at least once a second */
    bool full = false;   /* the wait covers the whole time to the timer */
    if (max_ticks != UINT64_MAX && max_ticks < 1000ULL * 1000000 / NS_PER_TICK) {
        ms = (int64_t)((max_ticks * NS_PER_TICK + 999999) / 1000000);
        full = true;
    }
    /* Entropy the guest waits for, and frames its card can take, are input
     * that is already there: no wait. (nd_poll hands them over right after
     * this returns.) */
    bool due = (nd->have_entropy && nd->entropy.wanted(nd->entropy.opaque) > 0) ||
               any_net_deliverable(nd);
    bool input = due;
    if (due) {
        ms = 0;
        full = false;
    }
    /* Wait in slices: the host networks want their sockets and timers
     * served while the guest sleeps, which need not wake the guest unless a
     * frame for it turns up. */
    int64_t deadline = start + ms * 1000000;
    for (;;) {
        int64_t left = deadline - now_ns();
        int wait = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
        if (poll_host(nd, watch, wait)) {
            input = true;
            break;
        }
        if (any_net_deliverable(nd)) {
            input = true;
            break;
        }
        if (now_ns() >= deadline)
            break;
    }
    uint64_t ticks = (uint64_t)(now_ns() - start) / NS_PER_TICK;
    unsigned cause = RLOG_WAKE_TIMER;
    if (input) {
        cause = RLOG_WAKE_INPUT;
        nd->poll_now = true;
    } else if (full) {
        ticks = max_ticks;   /* the timer is due: wake exactly at it */
    }
    if (ticks > max_ticks)
        ticks = max_ticks;
    if (ticks == 0)
        ticks = 1;   /* time always moves on */
    log_event(nd, RLOG_RESUME, pos, cause, ticks, NULL, 0);
    return ticks;
}

uint64_t nd_wallclock_ns(struct nd *nd)
{
    if (nd->mode == ND_REPLAY)
        return replay_wallclock(nd);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t t = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
    log_event(nd, RLOG_WALLCLOCK, 0, t, 0, NULL, 0);
    return t;
}

bool nd_hash_due(struct nd *nd, uint64_t pos, bool *with_ram)
{
    if (nd->mode == ND_REPLAY)
        return replay_hash_due(nd, pos, with_ram);
    if (nd->mode != ND_RECORD || pos < nd->next_hash)
        return false;
    *with_ram = pos >= nd->next_ram_hash;
    nd->next_hash = pos + HASH_EVERY;
    if (*with_ram)
        nd->next_ram_hash = pos + RAM_HASH_EVERY;
    return true;
}

void nd_hash(struct nd *nd, uint64_t pos, const uint8_t digest[32], bool with_ram)
{
    if (nd->mode == ND_REPLAY)
        replay_hash(nd, pos, digest);
    else
        log_event(nd, RLOG_HASH, pos, with_ram ? 1 : 0, 0, digest, 32);
}

bool nd_at_end(struct nd *nd, uint64_t pos)
{
    return nd->mode == ND_REPLAY && replay_at_end(nd, pos);
}

void nd_end(struct nd *nd, uint64_t pos, unsigned *reason, int *status,
            const uint8_t digest[32])
{
    if (nd->mode == ND_REPLAY)
        replay_end(nd, pos, reason, status, digest);
    else
        log_event(nd, RLOG_END, pos, *reason, (uint64_t)(int64_t)*status, digest, 32);
}
