/* The nondeterminism boundary in run mode: host console input (stdin, raw
 * mode on a terminal, Ctrl-A x to quit) and the wall clock. Input is read
 * from the host only when its consumer has room, so no byte is ever lost. */
#include "nd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

struct nd {
    enum nd_mode mode;
    struct nd_console console;
    bool have_console;
    bool stdin_eof;
    bool tty;
    bool escape;        /* Ctrl-A seen */
    bool quit;
};

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
    free(nd);
}

enum nd_mode nd_mode(const struct nd *nd)
{
    return nd->mode;
}

void nd_set_console(struct nd *nd, const struct nd_console *c)
{
    nd->console = *c;
    nd->have_console = true;
}

bool nd_quit_requested(const struct nd *nd)
{
    return nd->quit;
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
            if (c == 0x01) {
                buf[o++] = c;
                continue;
            }
            continue;   /* unknown escape: dropped */
        }
        if (c == 0x01) {
            nd->escape = true;
            continue;
        }
        buf[o++] = c;
    }
    return o;
}

void nd_poll(struct nd *nd)
{
    if (!nd->have_console || nd->stdin_eof || nd->mode == ND_REPLAY)
        return;
    size_t space = nd->console.space(nd->console.opaque);
    if (space == 0)
        return;
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP)))
        return;
    uint8_t buf[64];
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
    if (len)
        nd->console.push(nd->console.opaque, buf, len);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t nd_wait(struct nd *nd, int64_t timeout_ns)
{
    if (nd->mode == ND_REPLAY)
        return timeout_ns < 0 ? 0 : timeout_ns;
    int64_t start = now_ns();
    bool watch = nd->have_console && !nd->stdin_eof &&
                 nd->console.space(nd->console.opaque) > 0;
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    int ms;
    if (timeout_ns < 0)
        ms = -1;
    else
        ms = (int)((timeout_ns + 999999) / 1000000);
    if (!watch && ms < 0)
        ms = 1000;   /* nothing can wake us but a timer: never block forever */
    poll(watch ? &p : NULL, watch ? 1 : 0, ms);
    int64_t el = now_ns() - start;
    return el;
}

uint64_t nd_wallclock_ns(struct nd *nd)
{
    (void)nd;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
