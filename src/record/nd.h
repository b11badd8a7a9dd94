/* The nondeterminism boundary (design invariant 1): every value that enters
 * the guest from outside crosses this interface. In run mode it comes from
 * the host; in record mode from the host and into the log; in replay mode
 * from the log only, and the host is never touched. Devices never read the
 * host themselves: they register as consumers and are handed values here.
 *
 * Positions: every call takes pos, the machine position (the sum of all
 * harts' retired instructions) at a scheduling-round boundary, which is
 * where the machine takes outside input. */
#ifndef REPRISE_ND_H
#define REPRISE_ND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum nd_mode { ND_RUN, ND_RECORD, ND_REPLAY };

struct nd;
struct rlog_writer;
struct rlog_reader;
struct netdev_spec;

/* A consumer of console input (the UART): how many bytes it can take now,
 * and the call that hands them over. */
struct nd_console {
    size_t (*space)(void *opaque);
    void (*push)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
};

/* Creates the boundary. In run/record mode it owns the host console: stdin
 * is switched to raw mode when it is a terminal (restored by nd_destroy and
 * on every exit path). Returns 0 or a negative code. */
int nd_create(enum nd_mode mode, struct nd **out);
void nd_destroy(struct nd *nd);

enum nd_mode nd_mode(const struct nd *nd);

/* Record mode: where events go (borrowed). Replay mode: where they come from
 * (borrowed; path is used in messages). */
void nd_set_writer(struct nd *nd, struct rlog_writer *w);
void nd_set_reader(struct nd *nd, struct rlog_reader *r, const char *path);

void nd_set_console(struct nd *nd, const struct nd_console *c);

/* A consumer of entropy (virtio-rng): how many bytes it wants now (a
 * function of guest-visible state only), and the call that hands them over.
 * Run and record fill every want from getrandom() at the next round boundary
 * (record logs them); replay hands over the recorded bytes. */
struct nd_entropy {
    size_t (*wanted)(void *opaque);
    void (*push)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
};

void nd_set_entropy(struct nd *nd, const struct nd_entropy *e);

/* A consumer of network frames (virtio-net): whether it can take a frame of
 * len bytes now (a function of guest-visible state only), and the call that
 * hands one over. */
struct nd_net {
    bool (*can_receive)(void *opaque, size_t len);
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
};

#define ND_MAX_NETS 8

/* Adds a network card. dev names it in the log (its virtio-mmio slot; each
 * card needs its own). host is the user-mode network behind it in run and
 * record mode (borrowed for the call; NULL: none, so frames the guest sends
 * are dropped and nothing arrives); replay ignores it and never creates a
 * host network. Frames from the host wait at the boundary until the card
 * can take them and are handed over at a round boundary (record logs each
 * one; replay hands over the logged ones at the same positions). *port is
 * the handle for nd_net_transmit. Returns 0 or a negative code with a
 * message (the host network or one of its hostfwd rules could not be set
 * up). */
int nd_add_net(struct nd *nd, unsigned dev, const struct nd_net *n,
               const struct netdev_spec *host, unsigned *port);

/* A frame the guest sent on port (buf borrowed for the call): into the host
 * network in run and record mode, dropped in replay. Nothing is logged: the
 * guest's own output repeats by itself. */
void nd_net_transmit(struct nd *nd, unsigned port, const uint8_t *buf, size_t len);

/* Delivers pending input to its consumers if they can take it. Called at
 * every round boundary; run/record look at the host every few calls and
 * right after an idle period. */
void nd_poll(struct nd *nd, uint64_t pos);

/* Every hart sleeps. Waits (run, record) until host input arrives (a byte on
 * stdin, or a frame from a host network that its card can take) or
 * max_ticks of guest time (10 MHz ticks; UINT64_MAX: no timer due) have
 * passed, or (replay) returns the recorded duration at once. Returns the
 * guest ticks that passed. Record logs the idle and resume events. */
uint64_t nd_idle(struct nd *nd, uint64_t pos, uint64_t max_ticks);

/* The host's wall clock in nanoseconds since the epoch (read once, at boot). */
uint64_t nd_wallclock_ns(struct nd *nd);

/* Divergence checks. nd_hash_due says whether a state digest is wanted at
 * pos (and whether it must cover RAM); nd_hash logs it (record) or compares
 * it with the recorded one (replay). */
bool nd_hash_due(struct nd *nd, uint64_t pos, bool *with_ram);
void nd_hash(struct nd *nd, uint64_t pos, const uint8_t digest[32], bool with_ram);

/* Replay: true when the recording ended at pos (the machine must stop). */
bool nd_at_end(struct nd *nd, uint64_t pos);

/* The session ended: record logs the end marker; replay checks that the
 * recording ended at the same point, for the same reason, in the same state.
 * For replay, *reason and *status receive what the recording said. */
void nd_end(struct nd *nd, uint64_t pos, unsigned *reason, int *status,
            const uint8_t digest[32]);

/* True once the user asked to quit (Ctrl-A x on a terminal). */
bool nd_quit_requested(const struct nd *nd);

/* True once replay diverged from the recording or the log proved corrupt or
 * cut short; the sentence is in rp_strerror(nd_error(nd)). */
int nd_error(const struct nd *nd);

/* Replay: show a progress bar on stderr (a terminal) against the recorded
 * length in instructions. */
void nd_set_progress(struct nd *nd, uint64_t total);

/* Events seen (logged or replayed) so far. */
uint64_t nd_event_count(const struct nd *nd);

#endif
