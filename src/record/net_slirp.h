/* The host side of -netdev user: one libslirp instance per network, its
 * timers and its sockets. Only the nondeterminism boundary uses this, and
 * only in run and record mode: frames slirp emits towards the guest are
 * handed to the boundary's callback, never to a device. Replay never
 * creates one, so it never opens a socket or binds a host port. */
#ifndef REPRISE_NET_SLIRP_H
#define REPRISE_NET_SLIRP_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

struct netdev_spec;
struct net_slirp;

/* Frames for the guest: buf is borrowed for the call. */
typedef void net_slirp_emit_fn(void *opaque, const uint8_t *buf, size_t len);

/* A growable set of pollfds shared by everything the boundary waits on. */
struct net_pollset {
    struct pollfd *fds;
    size_t n, cap;
    int err;                    /* -ENOMEM once growing failed */
};

/* Appends fd to set. Returns its index, or -ENOMEM (also kept in set->err). */
int net_pollset_add(struct net_pollset *set, int fd, short events);

/* Creates the network described by spec (borrowed for the call) and binds
 * its hostfwd rules. Returns 0, or a negative code with one sentence
 * (a rule that cannot be set up names the rule, as QEMU does). */
int net_slirp_create(const struct netdev_spec *spec, net_slirp_emit_fn *emit, void *opaque,
                     struct net_slirp **out);
void net_slirp_destroy(struct net_slirp *s);

/* A frame the guest sent (buf borrowed). slirp may emit answers right away,
 * through the emit callback. */
void net_slirp_input(struct net_slirp *s, const uint8_t *buf, size_t len);

/* Before waiting: adds slirp's sockets to set and lowers *timeout_ms
 * (-1: none) to its next timer or TCP deadline. */
void net_slirp_fill(struct net_slirp *s, struct net_pollset *set, int *timeout_ms);

/* After waiting (poll_error: poll() failed): lets slirp read and write the
 * sockets that are ready and runs the timers that are due. Frames it emits
 * go to the emit callback. */
void net_slirp_dispatch(struct net_slirp *s, const struct net_pollset *set, int poll_error);

#endif
