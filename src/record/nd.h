/* The nondeterminism boundary (design invariant 1): every value that enters
 * the guest from outside crosses this interface. In run mode it comes from
 * the host; in record mode from the host and into the log; in replay mode
 * from the log only. Devices never read the host themselves: they register
 * as consumers and are handed values here. */
#ifndef REPRISE_ND_H
#define REPRISE_ND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum nd_mode { ND_RUN, ND_RECORD, ND_REPLAY };

struct nd;

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

void nd_set_console(struct nd *nd, const struct nd_console *c);

/* Delivers pending host input to its consumers if they can take it.
 * Called by the machine between blocks. */
void nd_poll(struct nd *nd);

/* Waits up to timeout_ns (-1: no limit) for host input while every hart
 * sleeps. Returns the nanoseconds that actually passed. */
int64_t nd_wait(struct nd *nd, int64_t timeout_ns);

/* True once the user asked to quit (Ctrl-A x on a terminal). */
bool nd_quit_requested(const struct nd *nd);

/* The host's wall clock in nanoseconds since the epoch (RTC input). */
uint64_t nd_wallclock_ns(struct nd *nd);

#endif
