/* Translation blocks: guest code pre-decoded into arrays of operations that
 * the threaded interpreter (exec.c) runs, cached by (physical pc, virtual pc,
 * flags), chained to their successors and invalidated when their code is
 * written. Everything here depends only on guest execution: the arena size
 * is counted in blocks and ops, never host addresses or time. */
#ifndef REPRISE_TB_H
#define REPRISE_TB_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "jit.h"

struct machine;

/* tbflags: translation-relevant hart state */
#define TBF_PRIV_MASK  0x3u   /* privilege level */
#define TBF_FS_OFF     0x4u   /* mstatus.FS == Off: FP instructions are illegal */
#define TBF_SINGLE     0x8u   /* one instruction per block (exact stops) */

#define TB_MAX_INSNS 64

/* One pre-decoded operation. h is the interpreter's label for the op. */
struct op {
    const void *h;
    int64_t imm;
    uint8_t rd, rs1, rs2, rs3;
    uint8_t rm;
    uint8_t idx;          /* index of the instruction within its block */
    uint8_t len;          /* instruction length (2 or 4) */
    uint8_t kind;         /* enum op_kind, for slow paths and diagnostics */
    uint32_t pcoff;       /* pc - tb->vpc */
    uint32_t raw;         /* instruction bits */
};

struct tb {
    uint64_t vpc, ppc;      /* start address, virtual and physical */
    uint64_t ppc2;          /* physical page of a second page, or ~0 */
    uint64_t pend;          /* physical end (exclusive) on the first page */
    uint32_t flags;
    uint16_t n_insns;
    uint16_t n_ops;
    bool valid;
    bool may_chain;         /* false for cross-page blocks */
    uint64_t exit_pc[2];    /* [0] taken / jump target, [1] fall-through */
    struct tb *chain[2];    /* successor per exit, or NULL; never an invalid block */
    struct tb *hash_next;
    struct tb *page_next[2];  /* per-page lists (first page, second page) */
    /* Host code (jit.h); all NULL while the block is interpreted. All are
     * addresses in the executable view of the code buffer: only jit.h's
     * functions write code, through its writable view. */
    const uint8_t *jit_entry;   /* checks the budget, counts the block, runs it */
    const uint8_t *jit_body;    /* runs it, already counted */
    const uint8_t *jit_patch[2];  /* rel32 of the jump that leaves through each exit */
    const uint8_t *jit_stub[2]; /* where that jump goes while the exit is unchained */
    struct op ops[];
};

/* Slot of the per-hart block lookup cache (h->jc) for virtual pc vpc. */
static inline unsigned tb_jc_hash(uint64_t vpc)
{
    return (unsigned)((vpc >> 1) ^ (vpc >> (JC_BITS + 1))) & (JC_SIZE - 1);
}

/* Machine-wide block cache (shared by all harts). */
struct tb_cache;

int tb_cache_create(struct machine *m, struct tb_cache **out);
void tb_cache_destroy(struct tb_cache *c);

/* Finds or translates the block at h->pc for h's current flags. Returns NULL
 * when the fetch faulted (the trap has then been taken: h->pc points to the
 * handler). */
struct tb *tb_find(struct hart *h, uint32_t flags);

/* Invalidates every block whose code overlaps [pa, pa + len). Called on
 * stores to pages that hold code, and on DMA into RAM. */
void tb_invalidate_phys(struct machine *m, uint64_t pa, uint64_t len);

/* True when the RAM page holding pa has translated code (stores to it must
 * take the slow path). */
bool tb_page_has_code(struct machine *m, uint64_t pa);

/* Drops every block (fence.i is not needed for correctness, since code
 * writes are tracked, but a full flush is used when the arena is full). */
void tb_flush_all(struct machine *m);

/* Interpreter entry (exec.c): runs blocks starting with tb until a block
 * exit finds icount >= limit, or something needs the hart loop. */
void tb_exec(struct hart *h, struct tb *tb);

/* Runs the host code of tb (one with jit_entry set) for h: see jit_run. */
struct jit_ret tb_jit_run(struct hart *h, const struct tb *tb, uint64_t icount);

/* Chains exit slot of from to to (both valid, to on from's page), in the
 * interpreter and in host code. */
void tb_link(struct hart *h, struct tb *from, int slot, struct tb *to);

/* Label address for each op kind (exec.c), used when building blocks. */
const void *const *exec_labels(void);

/* Statistics for --stats and tests. */
struct tb_stats {
    uint64_t translated, flushes, invalidated;
    const char *host_code;   /* jit_describe: backend in use, or why none (static) */
};
void tb_get_stats(struct machine *m, struct tb_stats *s);

/* Bumped by every full flush: a block pointer from an older generation must
 * not be used (its memory has been reused). */
uint64_t tb_generation(struct machine *m);

#endif
