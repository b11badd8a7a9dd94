/* The block compiler: host code for translated blocks, run in place of the
 * threaded interpreter when a block holds only operations it knows. Knows
 * the ops of a block and the hart's layout; knows nothing of how blocks are
 * found or cached (translate.c) and never decides which blocks exist, so
 * guest-visible behaviour is the interpreter's, op for op. */
#ifndef REPRISE_JIT_H
#define REPRISE_JIT_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

struct tb;

/* How host code gave control back: the low byte of jit_ret.code. Bits 8-31
 * hold the index of an op in tb->ops where one applies (plugin ops count);
 * bits 32-63 an exception cause. */
enum jit_exit {
    JIT_EXIT0,     /* leave tb through exit 0 (taken branch, jal) */
    JIT_EXIT1,     /* leave tb through exit 1 (fall-through) */
    JIT_LIMIT,     /* tb was not entered: its instructions exceed the budget */
    JIT_TRAP,      /* the access of op idx faulted (cause; tval in h->fault_tval) */
    JIT_STOP,      /* the store of op idx stopped the machine */
    JIT_INTERP,    /* interpret tb from op idx on (an op without host code) */
    JIT_INDIRECT,  /* jalr: h->pc holds the target, no compiled block took it */
    JIT_RETURN,    /* a plugin callback moved h->pc (qemu_plugin_set_pc); h->icount
                    * is exact: back to the hart loop */
};

/* What jit_run returns: the exit, and the block it concerns. */
struct jit_ret {
    uint64_t code;
    struct tb *tb;
};

struct jit;

/* Creates a code buffer (new, free with jit_destroy) for code that only
 * hart sole_hart runs, or any hart when it is -1. Its pages are never
 * writable and executable at once: code runs from one view and is written
 * through another. When this host cannot provide that (or has no code
 * generator), *out may be NULL or a compiler that compiles nothing; the
 * interpreter then runs every block and jit_describe says why. Returns 0
 * or -ENOMEM. */
int jit_create(struct jit **out, int sole_hart);
void jit_destroy(struct jit *j);

/* One line on the state of host code, for --stats: the backend, or "off"
 * and why. Static storage; j may be NULL. */
const char *jit_describe(const struct jit *j);

/* Forgets all generated code (every block has been dropped). */
void jit_reset(struct jit *j);

/* Generates host code for tb and sets its jit_* fields, or returns false
 * (and leaves them NULL) when tb holds ops without host code or the buffer
 * is full. j may be NULL. Never changes what the guest sees. */
bool jit_compile(struct jit *j, struct tb *tb);

/* Points exit slot of from (compiled by j) straight at to's code, or back
 * at the exit that returns to the caller. No-ops for blocks without host
 * code for the exit. Must not run while generated code runs. */
void jit_link(const struct jit *j, struct tb *from, int slot, const struct tb *to);
void jit_unlink(const struct jit *j, struct tb *from, int slot);

/* Runs tb's host code (and whatever it chains to) for h. icount already
 * includes tb's instructions, as at any block entry; h->icount holds the
 * count when it returns. */
struct jit_ret jit_run(const struct jit *j, struct hart *h, const struct tb *tb, uint64_t icount);

#endif
