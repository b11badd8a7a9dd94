/* The host side of -netdev user (see net_slirp.h): a libslirp instance with
 * QEMU's addresses, its hostfwd rules, a small timer list on the host's
 * monotonic clock and the glue that lets the boundary poll slirp's sockets
 * together with stdin. Owns the Slirp and its timers; knows nothing of
 * devices, of the log or of guest time. */
#include "net_slirp.h"

#include <arpa/inet.h>
#include <libslirp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu/config.h"
#include "util.h"

/* A timer slirp asked for: either a callback (timer_new) or an id to hand
 * back to slirp_handle_timer (timer_new_opaque). */
struct slirp_timer {
    struct slirp_timer *next;
    SlirpTimerCb cb;
    SlirpTimerId id;
    bool by_id;
    void *cb_opaque;
    int64_t expire_ms;          /* -1: not armed */
};

struct net_slirp {
    Slirp *slirp;
    net_slirp_emit_fn *emit;
    void *opaque;
    struct slirp_timer *timers;
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- callbacks from slirp ----------------------------------------------- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    struct net_slirp *s = opaque;
    s->emit(s->opaque, buf, len);
    return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    /* Guest mistakes are the guest's business; the console stays clean. */
}

static int64_t cb_clock_get_ns(void *opaque)
{
    return mono_ns();
}

static struct slirp_timer *timer_add(struct net_slirp *s)
{
    struct slirp_timer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->expire_ms = -1;
    t->next = s->timers;
    s->timers = t;
    return t;
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    struct slirp_timer *t = timer_add(opaque);
    if (t) {
        t->cb = cb;
        t->cb_opaque = cb_opaque;
    }
    return t;
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    struct slirp_timer *t = timer_add(opaque);
    if (t) {
        t->id = id;
        t->by_id = true;
        t->cb_opaque = cb_opaque;
    }
    return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
    struct net_slirp *s = opaque;
    for (struct slirp_timer **p = &s->timers; *p; p = &(*p)->next) {
        if (*p == timer) {
            *p = (*p)->next;
            free(timer);
            return;
        }
    }
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    if (timer)
        ((struct slirp_timer *)timer)->expire_ms = expire_ms < 0 ? 0 : expire_ms;
}

/* The boundary polls every socket slirp lists, each time; nothing to track. */
static void cb_register_poll_fd(int fd, void *opaque) { }
static void cb_unregister_poll_fd(int fd, void *opaque) { }
static void cb_notify(void *opaque) { }

static const SlirpCb slirp_callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_register_poll_fd,
    .unregister_poll_fd = cb_unregister_poll_fd,
    .notify = cb_notify,
    .timer_new_opaque = cb_timer_new_opaque,
};

/* ---- polling ------------------------------------------------------------ */

int net_pollset_add(struct net_pollset *set, int fd, short events)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        struct pollfd *p = realloc(set->fds, cap * sizeof(*p));
        if (!p)
            return set->err = -ENOMEM;
        set->fds = p;
        set->cap = cap;
    }
    set->fds[set->n] = (struct pollfd){.fd = fd, .events = events};
    return (int)set->n++;
}

static int add_poll(int fd, int events, void *opaque)
{
    short ev = 0;
    if (events & SLIRP_POLL_IN)
        ev |= POLLIN;
    if (events & SLIRP_POLL_OUT)
        ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI)
        ev |= POLLPRI;
    int idx = net_pollset_add(opaque, fd, ev);
    return idx < 0 ? -1 : idx;
}

static int get_revents(int idx, void *opaque)
{
    const struct net_pollset *set = opaque;
    if (idx < 0 || (size_t)idx >= set->n)
        return 0;
    short r = set->fds[idx].revents;
    int ev = 0;
    if (r & POLLIN)
        ev |= SLIRP_POLL_IN;
    if (r & POLLOUT)
        ev |= SLIRP_POLL_OUT;
    if (r & POLLPRI)
        ev |= SLIRP_POLL_PRI;
    if (r & (POLLERR | POLLNVAL))
        ev |= SLIRP_POLL_ERR;
    if (r & POLLHUP)
        ev |= SLIRP_POLL_HUP;
    return ev;
}

void net_slirp_fill(struct net_slirp *s, struct net_pollset *set, int *timeout_ms)
{
    uint32_t t = *timeout_ms < 0 ? UINT32_MAX : (uint32_t)*timeout_ms;
    slirp_pollfds_fill(s->slirp, &t, add_poll, set);
    int64_t now = mono_ns() / 1000000;
    for (const struct slirp_timer *tm = s->timers; tm; tm = tm->next) {
        if (tm->expire_ms < 0)
            continue;
        int64_t left = tm->expire_ms > now ? tm->expire_ms - now : 0;
        if (left < t)
            t = (uint32_t)left;
    }
    *timeout_ms = t == UINT32_MAX || t > INT32_MAX ? -1 : (int)t;
}

/* Runs the timers that are due. A callback may re-arm or free timers, so
 * the scan starts over after each one. */
static void run_timers(struct net_slirp *s)
{
    int64_t now = mono_ns() / 1000000;
    for (int guard = 0; guard < 64; guard++) {
        struct slirp_timer *t = s->timers;
        while (t && (t->expire_ms < 0 || t->expire_ms > now))
            t = t->next;
        if (!t)
            return;
        t->expire_ms = -1;
        if (t->by_id)
            slirp_handle_timer(s->slirp, t->id, t->cb_opaque);
        else if (t->cb)
            t->cb(t->cb_opaque);
    }
}

void net_slirp_dispatch(struct net_slirp *s, const struct net_pollset *set, int poll_error)
{
    slirp_pollfds_poll(s->slirp, poll_error, get_revents, (void *)set);
    run_timers(s);
}

void net_slirp_input(struct net_slirp *s, const uint8_t *buf, size_t len)
{
    if (len <= INT32_MAX)
        slirp_input(s->slirp, buf, (int)len);
}

/* ---- creation ----------------------------------------------------------- */

static struct in_addr in4(uint32_t host_order)
{
    return (struct in_addr){.s_addr = htonl(host_order)};
}

static struct in6_addr in6(const char *text)
{
    struct in6_addr a;
    inet_pton(AF_INET6, text, &a);
    return a;
}

static void addr_text(uint32_t a, char *buf, size_t n)
{
    if (!a)
        buf[0] = '\0';
    else
        snprintf(buf, n, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

int net_slirp_create(const struct netdev_spec *spec, net_slirp_emit_fn *emit, void *opaque,
                     struct net_slirp **out)
{
    struct net_slirp *s = calloc(1, sizeof(*s));
    if (!s)
        return rp_error(-ENOMEM, "cannot allocate the user-mode network '%s'", spec->id);
    s->emit = emit;
    s->opaque = opaque;

    /* QEMU's defaults for everything the command line cannot set. */
    SlirpConfig cfg = {
        .version = 4,
        .restricted = spec->restricted,
        .in_enabled = spec->ipv4,
        .vnetwork = in4(spec->net),
        .vnetmask = in4(spec->mask),
        .vhost = in4(spec->host),
        .in6_enabled = spec->ipv6,
        .vprefix_addr6 = in6("fec0::"),
        .vprefix_len = 64,
        .vhost6 = in6("fec0::2"),
        .vhostname = spec->hostname,
        .vdhcp_start = in4(spec->dhcp_start),
        .vnameserver = in4(spec->dns),
        .vnameserver6 = in6("fec0::3"),
    };
    s->slirp = slirp_new(&cfg, &slirp_callbacks, s);
    if (!s->slirp) {
        free(s);
        return rp_error(-EINVAL, "cannot set up the user-mode network '%s'", spec->id);
    }
    /* slirp writes to sockets whose peer may have gone: report that as an
     * error to slirp rather than end the process. */
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < spec->nfwd; i++) {
        const struct hostfwd_spec *f = &spec->fwd[i];
        uint32_t guest = f->guest_addr ? f->guest_addr : spec->dhcp_start;
        if (slirp_add_hostfwd(s->slirp, f->udp, in4(f->host_addr), f->host_port,
                              in4(guest), f->guest_port) < 0) {
            char ha[16], ga[16];
            addr_text(f->host_addr, ha, sizeof(ha));
            addr_text(f->guest_addr, ga, sizeof(ga));
            net_slirp_destroy(s);
            return rp_error(-EADDRINUSE, "-netdev %s: could not set up host forwarding rule "
                            "'%s:%s:%u-%s:%u' (host port %u may be in use)", spec->id,
                            f->udp ? "udp" : "tcp", ha, f->host_port, ga, f->guest_port,
                            f->host_port);
        }
    }
    *out = s;
    return 0;
}

void net_slirp_destroy(struct net_slirp *s)
{
    if (!s)
        return;
    slirp_cleanup(s->slirp);
    while (s->timers) {
        struct slirp_timer *t = s->timers;
        s->timers = t->next;
        free(t);
    }
    free(s);
}
