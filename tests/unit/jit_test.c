/* Unit tests for the block compiler's code buffer (jit.h): no page of this
 * process is ever writable and executable at once, generated code runs from
 * the executable view, and chaining and unchaining (written through the
 * other view) redirect it; integer ops compute what the ISA says whichever
 * of their registers coincide; callbacks run in order, and none returns
 * into the last 31 bytes of a 64-byte line. A host without a W^X buffer
 * must compile nothing. */
#include "emu/cpu/decode.h"
#include "emu/cpu/jit.h"
#include "emu/cpu/tb.h"
#include "plugins/plugin.h"
#include "unit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The mappings of this process that matter here. */
struct maps {
    int wx;                        /* writable and executable: must stay 0 */
    int jit_rx, jit_rw;            /* views of the code buffer */
    uintptr_t rx_lo, rx_hi;        /* the executable view */
};

static struct maps read_maps(void)
{
    struct maps mp = {0};
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return mp;
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        char perm[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) != 3)
            continue;
        bool w = perm[1] == 'w', x = perm[2] == 'x';
        if (w && x) {
            mp.wx++;
            fprintf(stderr, "writable and executable: %s", line);
        }
        if (!strstr(line, "reprise-jit"))
            continue;
        if (x) {
            mp.jit_rx++;
            mp.rx_lo = lo;
            mp.rx_hi = hi;
        } else if (w) {
            mp.jit_rw++;
        }
    }
    fclose(f);
    return mp;
}

static bool in_rx(const struct maps *mp, const uint8_t *p)
{
    return (uintptr_t)p >= mp->rx_lo && (uintptr_t)p < mp->rx_hi;
}

/* A block of n ops at vpc; ops are set by the caller. */
static struct tb *new_tb(uint64_t vpc, unsigned n_insns, unsigned n_ops)
{
    struct tb *tb = calloc(1, sizeof(*tb) + n_ops * sizeof(struct op));
    tb->vpc = tb->ppc = vpc;
    tb->ppc2 = ~0ULL;
    tb->n_insns = (uint16_t)n_insns;
    tb->n_ops = (uint16_t)n_ops;
    tb->valid = tb->may_chain = true;
    return tb;
}

static void set_op(struct tb *tb, unsigned i, unsigned kind, unsigned rd, unsigned rs1,
                   int64_t imm, unsigned idx)
{
    struct op *o = &tb->ops[i];
    o->kind = (uint8_t)kind;
    o->rd = (uint8_t)rd;
    o->rs1 = (uint8_t)rs1;
    o->imm = imm;
    o->idx = (uint8_t)idx;
    o->len = 4;
    o->pcoff = 4 * idx;
}

static uint64_t sext32(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}

/* What integer op k computes from rs1 = a, rs2 = b and imm. */
static uint64_t alu_ref(unsigned k, uint64_t a, uint64_t b, int64_t imm)
{
    switch (k) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    case OP_SLL: return a << (b & 63);
    case OP_SRL: return a >> (b & 63);
    case OP_SRA: return (uint64_t)((int64_t)a >> (b & 63));
    case OP_SLLI: return a << imm;
    case OP_SRLI: return a >> imm;
    case OP_SRAI: return (uint64_t)((int64_t)a >> imm);
    case OP_ADDW: return sext32(a + b);
    case OP_SUBW: return sext32(a - b);
    case OP_MULW: return sext32((uint64_t)((uint32_t)a * (uint32_t)b));
    case OP_SLLW: return sext32((uint64_t)((uint32_t)a << (b & 31)));
    case OP_SRLW: return sext32((uint64_t)((uint32_t)a >> (b & 31)));
    case OP_SRAW: return sext32((uint64_t)((int32_t)(uint32_t)a >> (b & 31)));
    case OP_ADDIW: return sext32(a + (uint64_t)imm);
    case OP_SLLIW: return sext32((uint64_t)((uint32_t)a << imm));
    case OP_SRLIW: return sext32((uint64_t)((uint32_t)a >> imm));
    case OP_SRAIW: return sext32((uint64_t)((int32_t)(uint32_t)a >> imm));
    case OP_DIV:
        return b == 0 ? ~0ULL : (a == 1ULL << 63 && b == ~0ULL) ? a
             : (uint64_t)((int64_t)a / (int64_t)b);
    case OP_REM:
        return b == 0 ? a : (a == 1ULL << 63 && b == ~0ULL) ? 0
             : (uint64_t)((int64_t)a % (int64_t)b);
    case OP_DIVU: return b == 0 ? ~0ULL : a / b;
    case OP_REMU: return b == 0 ? a : a % b;
    case OP_DIVW: {
        int32_t x = (int32_t)(uint32_t)a, y = (int32_t)(uint32_t)b;
        return y == 0 ? ~0ULL : (x == INT32_MIN && y == -1) ? sext32((uint32_t)x)
             : sext32((uint64_t)(uint32_t)(x / y));
    }
    case OP_REMW: {
        int32_t x = (int32_t)(uint32_t)a, y = (int32_t)(uint32_t)b;
        return y == 0 ? sext32((uint32_t)x) : (x == INT32_MIN && y == -1) ? 0
             : sext32((uint64_t)(uint32_t)(x % y));
    }
    case OP_DIVUW:
        return (uint32_t)b == 0 ? ~0ULL : sext32((uint32_t)a / (uint32_t)b);
    case OP_REMUW:
        return (uint32_t)b == 0 ? sext32((uint32_t)a) : sext32((uint32_t)a % (uint32_t)b);
    default: return 0;
    }
}

/* Integer ops in one-op blocks, with every way their registers can
 * coincide (rd = rs1, rd = rs2, all three, x0 as a source) and operands at
 * the edges of 32 and 64 bits (division by 0 and -1 among them), against
 * alu_ref. Returns the failures. */
static int check_alu(struct jit *j, struct hart *h)
{
    static const struct { unsigned kind; int64_t imms[5]; unsigned nimm; } ops[] = {
        {OP_ADD, {0}, 1}, {OP_SUB, {0}, 1}, {OP_MUL, {0}, 1},
        {OP_SLL, {0}, 1}, {OP_SRL, {0}, 1}, {OP_SRA, {0}, 1},
        {OP_SLLI, {0, 1, 31, 32, 63}, 5}, {OP_SRLI, {0, 1, 31, 32, 63}, 5},
        {OP_SRAI, {0, 1, 31, 32, 63}, 5},
        {OP_ADDW, {0}, 1}, {OP_SUBW, {0}, 1}, {OP_MULW, {0}, 1},
        {OP_SLLW, {0}, 1}, {OP_SRLW, {0}, 1}, {OP_SRAW, {0}, 1},
        {OP_ADDIW, {0, 1, -1, 2047, -2048}, 5}, {OP_SLLIW, {0, 1, 13, 31}, 4},
        {OP_SRLIW, {0, 1, 13, 31}, 4}, {OP_SRAIW, {0, 1, 13, 31}, 4},
        {OP_DIV, {0}, 1}, {OP_DIVU, {0}, 1}, {OP_REM, {0}, 1}, {OP_REMU, {0}, 1},
        {OP_DIVW, {0}, 1}, {OP_DIVUW, {0}, 1}, {OP_REMW, {0}, 1}, {OP_REMUW, {0}, 1},
    };
    static const uint8_t regs[][3] = {   /* rd, rs1, rs2 */
        {10, 11, 12}, {10, 10, 12}, {10, 11, 10}, {10, 10, 10}, {10, 0, 12}, {10, 11, 0},
        {20, 21, 22}, {20, 22, 20},
    };
    static const uint64_t vals[] = {
        0, 1, 5, ~0ULL, 0x7fffffffULL, 0x80000000ULL, 0xffffffffULL, 0x100000000ULL,
        0x123456789abcdef0ULL, 0x8000000000000000ULL, 0xfffffffffffff800ULL, 0x3fULL, 0x20ULL,
    };
    const unsigned nv = sizeof(vals) / sizeof(vals[0]);
    int bad = 0;
    for (unsigned o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
        for (unsigned m = 0; m < ops[o].nimm; m++) {
            for (unsigned r = 0; r < sizeof(regs) / sizeof(regs[0]); r++) {
                unsigned rd = regs[r][0], rs1 = regs[r][1], rs2 = regs[r][2];
                struct tb *tb = new_tb(0x80001000, 1, 2);
                set_op(tb, 0, ops[o].kind, rd, rs1, ops[o].imms[m], 0);
                tb->ops[0].rs2 = (uint8_t)rs2;
                set_op(tb, 1, OP_EXIT, 0, 0, 0, 1);
                if (!jit_compile(j, tb)) {
                    fprintf(stderr, "FAIL: op %u not compiled\n", ops[o].kind);
                    free(tb);
                    return bad + 1;
                }
                for (unsigned va = 0; va < nv; va++) {
                    for (unsigned vb = 0; vb < nv; vb++) {
                        memset(h->x, 0x5a, sizeof(h->x));
                        h->x[0] = 0;
                        h->x[rs2] = rs2 ? vals[vb] : 0;
                        h->x[rs1] = rs1 ? vals[va] : 0;
                        uint64_t want = alu_ref(ops[o].kind, h->x[rs1], h->x[rs2], ops[o].imms[m]);
                        uint64_t other = h->x[rd == 20 ? 10 : 20];
                        h->limit = 100;
                        jit_run(j, h, tb, 1);
                        if (h->x[rd] != want || h->x[rd == 20 ? 10 : 20] != other ||
                            h->x[0] != 0) {
                            if (bad++ < 10)
                                fprintf(stderr, "FAIL: op %u x%u = x%u, x%u imm %lld with "
                                        "%#llx, %#llx: got %#llx, want %#llx\n",
                                        ops[o].kind, rd, rs1, rs2, (long long)ops[o].imms[m],
                                        (unsigned long long)vals[va],
                                        (unsigned long long)vals[vb],
                                        (unsigned long long)h->x[rd], (unsigned long long)want);
                        }
                    }
                }
                free(tb);
            }
        }
    }
    return bad;
}

/* What the callbacks of check_callbacks saw: their userdata in call order,
 * and where each returned to. */
#define CB_SEEN_MAX 64
static uintptr_t cb_seen[CB_SEEN_MAX], cb_ret[CB_SEEN_MAX];
static unsigned cb_n;

static __attribute__((noinline)) void note_callback(unsigned vcpu, void *userdata)
{
    (void)vcpu;
    if (cb_n < CB_SEEN_MAX) {
        cb_seen[cb_n] = (uintptr_t)userdata;
        cb_ret[cb_n] = (uintptr_t)__builtin_return_address(0);
    }
    cb_n++;
}

/* Blocks of 2 to 9 instructions, each an addi of x5 behind a callback
 * before it (as a plugin's per-instruction callback), after 0 to 7 loads of
 * constants of assorted sizes into x6, compiled one after another so that
 * their calls fall at many offsets within a line: every
 * callback runs once, in order, the adds compute their sum (the NOPs that
 * place the calls run harmlessly), and no return address lies in the last
 * 31 bytes of a 64-byte line. Returns the failures. */
static int check_callbacks(struct jit *j, struct hart *h)
{
    int bad = 0;
    struct plugin_cb cb[9];
    memset(cb, 0, sizeof(cb));
    for (unsigned i = 0; i < 9; i++) {
        cb[i].kind = PCB_CB;
        cb[i].fn = (void *)note_callback;
        cb[i].userdata = (void *)(uintptr_t)(i + 1);
        cb[i].no_regs = true;
    }
    for (unsigned n = 2; n <= 9; n++) {
        for (unsigned rep = 0; rep < 8; rep++) {
            unsigned f = rep;   /* fillers first */
            struct tb *tb = new_tb(0x80000000, f + n, f + 2 * n + 1);
            for (unsigned i = 0; i < f; i++)
                set_op(tb, i, OP_LI, 6, 0, (i + n) % 3 ? (int64_t)i << (16 * (i % 4)) : -1, i);
            for (unsigned i = 0; i < n; i++) {
                set_op(tb, f + 2 * i, OP_PLUGIN_CB, 0, 0, (int64_t)(uintptr_t)&cb[i], f + i);
                set_op(tb, f + 2 * i + 1, OP_ADDI, 5, 5, 1 + i + rep * 3, f + i);
            }
            set_op(tb, f + 2 * n, OP_EXIT, 0, 0, 0, f + n);
            if (!jit_compile(j, tb)) {
                bad++;
                free(tb);
                continue;
            }
            h->x[5] = 1000;
            h->icount = 0;
            cb_n = 0;
            struct jit_ret r = jit_run(j, h, tb, 0);
            uint64_t want = 1000;
            for (unsigned i = 0; i < n; i++)
                want += 1 + i + rep * 3;
            if ((r.code & 0xff) != JIT_EXIT1 || h->x[5] != want || cb_n != n) {
                fprintf(stderr, "callbacks, %u instructions: exit %#llx x5 %llu (want %llu), "
                        "%u calls\n", n, (unsigned long long)r.code,
                        (unsigned long long)h->x[5], (unsigned long long)want, cb_n);
                bad++;
            }
            for (unsigned i = 0; i < cb_n && i < n; i++) {
                unsigned left = (unsigned)(-cb_ret[i] & 63);
                if (cb_seen[i] != i + 1 || (left && left < 32)) {
                    fprintf(stderr, "callback %u of %u: userdata %lu, returns %u bytes "
                            "before a line\n", i, n, (unsigned long)cb_seen[i], left);
                    bad++;
                }
            }
            free(tb);
        }
    }
    return bad;
}

int main(void)
{
    struct maps mp = read_maps();
    CHECK(mp.wx == 0, "%d writable and executable mappings before the JIT", mp.wx);

    struct jit *j = NULL;
    CHECK(jit_create(&j, -1) == 0, "jit_create failed");
    const char *state = jit_describe(j);
    CHECK(state && *state, "no description");
    printf("jit_test: host code: %s\n", state);

    /* b1: x5 = 42; x6 = x5 + 1; fall through. b2: x7 = x6 + 1; fall through. */
    struct tb *b1 = new_tb(0x80000000, 2, 3), *b2 = new_tb(0x80000008, 1, 2);
    set_op(b1, 0, OP_LI, 5, 0, 42, 0);
    set_op(b1, 1, OP_ADDI, 6, 5, 1, 1);
    set_op(b1, 2, OP_EXIT, 0, 0, 0, 2);
    set_op(b2, 0, OP_ADDI, 7, 6, 1, 0);
    set_op(b2, 1, OP_EXIT, 0, 0, 0, 1);
    bool c1 = jit_compile(j, b1), c2 = jit_compile(j, b2);

    mp = read_maps();
    CHECK(mp.wx == 0, "%d writable and executable mappings with code", mp.wx);
    if (strncmp(state, "off", 3) == 0) {
        /* No W^X buffer here: nothing may be compiled or mapped. */
        CHECK(!c1 && !c2, "compiled without a code buffer");
        CHECK(mp.jit_rx == 0 && mp.jit_rw == 0, "code buffer mapped while off");
        jit_destroy(j);
        free(b1);
        free(b2);
        return unit_done("jit_test");
    }

    CHECK(c1 && c2, "blocks not compiled");
    CHECK(mp.jit_rx == 1 && mp.jit_rw == 1, "views: %d executable, %d writable", mp.jit_rx,
          mp.jit_rw);
    CHECK(in_rx(&mp, b1->jit_entry) && in_rx(&mp, b1->jit_body) && in_rx(&mp, b2->jit_entry),
          "entry points outside the executable view");
    CHECK(in_rx(&mp, b1->jit_patch[1]) && in_rx(&mp, b1->jit_stub[1]),
          "exit patch or stub outside the executable view");

    struct hart *h = calloc(1, sizeof(*h));
    h->dtlb = h->tlb[MMU_M];
    h->limit = 100;

    /* Unchained: leaves through b1's fall-through exit. */
    struct jit_ret r = jit_run(j, h, b1, 2);
    CHECK((r.code & 0xff) == JIT_EXIT1 && r.tb == b1, "exit %#llx from %p",
          (unsigned long long)r.code, (void *)r.tb);
    CHECK(h->x[5] == 42 && h->x[6] == 43, "x5 %llu x6 %llu", (unsigned long long)h->x[5],
          (unsigned long long)h->x[6]);
    CHECK(h->icount == 2, "icount %llu", (unsigned long long)h->icount);

    /* Chained (patched through the writable view): runs on into b2. */
    jit_link(j, b1, 1, b2);
    r = jit_run(j, h, b1, 2);
    CHECK((r.code & 0xff) == JIT_EXIT1 && r.tb == b2, "chained exit %#llx",
          (unsigned long long)r.code);
    CHECK(h->x[7] == 44 && h->icount == 3, "x7 %llu icount %llu", (unsigned long long)h->x[7],
          (unsigned long long)h->icount);

    /* b2 over the budget: its checked entry gives control back. */
    h->limit = 2;
    r = jit_run(j, h, b1, 2);
    CHECK((r.code & 0xff) == JIT_LIMIT && r.tb == b2 && h->icount == 2, "limit exit %#llx",
          (unsigned long long)r.code);

    /* Unchained again: back to b1's own exit. */
    h->limit = 100;
    jit_unlink(j, b1, 1);
    r = jit_run(j, h, b1, 2);
    CHECK((r.code & 0xff) == JIT_EXIT1 && r.tb == b1, "unchained exit %#llx",
          (unsigned long long)r.code);

    int alu_bad = check_alu(j, h);
    CHECK(alu_bad == 0, "%d integer op results differ from the reference", alu_bad);
    int cb_bad = check_callbacks(j, h);
    CHECK(cb_bad == 0, "%d blocks with callbacks went wrong", cb_bad);

    /* Forgetting all code and compiling again reuses the same views. */
    jit_reset(j);
    CHECK(jit_compile(j, b2), "no code after reset");
    mp = read_maps();
    CHECK(mp.wx == 0 && mp.jit_rx == 1 && mp.jit_rw == 1, "maps after reset");

    jit_destroy(j);
    mp = read_maps();
    CHECK(mp.jit_rx == 0 && mp.jit_rw == 0, "views left mapped after jit_destroy");
    free(h);
    free(b1);
    free(b2);
    return unit_done("jit_test");
}
