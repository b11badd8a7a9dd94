/* x86-64 host code for translated blocks (jit.h). Within a block, guest
 * registers live in host registers (stored back at exits and before
 * anything that reads the hart); each integer op becomes a few host
 * instructions on them; loads and stores inline the TLB hit and call the
 * mmu slow paths out of line; exits jump straight to the next block's code
 * once chained. Plugin ops are compiled too (inline adds in place,
 * callbacks called directly, with the dispatch context of
 * plugins/plugin.h). FP, CSR and privileged ops stay with the interpreter.
 * On other hosts there is no code generator and jit_create says so. */
#include "jit.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "tb.h"
#include "util.h"

#if defined(__x86_64__)

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "emu/machine.h"
#include "fpexec.h"
#include "fpu.h"
#include "mmu.h"
#include "plugins/plugin.h"

/* The code buffer: one memory object (pages are committed as code is
 * written) mapped twice, never writable and executable at once (W^X): the
 * executable view is what runs, and every jump target, rel32 and pointer
 * stored in a block names it; the writable view, at a fixed distance from
 * it, is the only way code is written (emission, chaining, unchaining).
 * x86 keeps instruction fetch coherent with stores to the same physical
 * page whatever the virtual address written through, and code is only
 * written while no generated code runs (the hart loop is back in C), so no
 * cache maintenance is needed. Filled block by block and emptied by
 * jit_reset. Blocks average some 60 bytes per op, so a full arena
 * (ARENA_OPS guest ops) fits; a block that does not fit stays interpreted. */
#define JIT_BUF_SIZE (128u << 20)
/* memfd_create's MFD_EXEC (Linux 6.3): asks for an executable memory object
 * where vm.memfd_noexec would otherwise refuse one; older kernels reject the
 * flag, and the object is then created without it. */
#define JIT_MFD_EXEC 0x0010u
/* Bound on the host bytes of one op (hot path plus its out-of-line stub),
 * checked before a block is generated; the emitter also checks each byte. */
#define JIT_OP_BYTES 192u
#define JIT_BLOCK_BYTES 128u

/* Registers inside generated code: rbx = the hart (x[] at offset 0) and
 * r12 = icount (callee-saved, so they survive calls to C); rbp, r13-r15
 * and r8-r11 hold guest registers (the slots, see below); rax, rcx, rdx,
 * rsi, rdi, xmm0 and xmm1 are scratch and [rsp] is an 8-byte scratch
 * slot. The stack is 16-byte aligned, so calls to C need no adjustment. */
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
enum { NOREG = -1 };

/* Condition codes (the low nibble of jcc/setcc). */
enum { CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5, CC_BE = 0x6, CC_A = 0x7, CC_P = 0xa,
       CC_L = 0xc, CC_GE = 0xd };
/* Group-1 ALU operations (the /n of 0x81/0x83; op r, r/m is n * 8 + 3). */
enum { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };
/* Shift operations (the /n of 0xc1/0xd3). */
enum { SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

#define HART_X(r)   ((int32_t)(offsetof(struct hart, x) + 8 * (r)))
#define HART_OFF(f) ((int32_t)offsetof(struct hart, f))
#define HART_F(r)   ((int32_t)(offsetof(struct hart, f) + 8 * (r)))
#define DISP_OFF(f) ((int32_t)offsetof(struct plugin_dispatch, f))
#define ACC_OFF(f)  ((int32_t)offsetof(struct plugin_mem_access, f))

_Static_assert(sizeof(struct tlb_entry) == 32, "TLB index scaling assumes 32-byte entries");
_Static_assert(offsetof(struct tlb_entry, tag_r) == 0 && offsetof(struct tlb_entry, tag_w) == 8 &&
               offsetof(struct tlb_entry, addend) == 24, "TLB entry layout");
_Static_assert(offsetof(struct hart, x) == 0, "x[] at the start of the hart");

typedef struct jit_ret (*jit_enter_fn)(struct hart *h, const void *code, uint64_t icount);

struct jit {
    const uint8_t *rx;  /* executable view (PROT_READ | PROT_EXEC), or NULL: interpret */
    uint8_t *rw;        /* writable view (PROT_READ | PROT_WRITE) of the same pages */
    const char *state;  /* what jit_describe says */
    size_t used;        /* bytes in use */
    size_t fixed;       /* the enter and leave code at the start, kept by jit_reset */
    jit_enter_fn enter; /* saves host registers, sets up rbx/r12, jumps to code */
    size_t leave;       /* offset of the code that stores icount and returns */
    int sole_hart;      /* the id of the only hart that runs the code, or -1 */
};

/* An emitter writing at buffer offsets [start, cap) through the writable
 * view (base). Offsets are the same in both views, so rel32 displacements
 * between two offsets hold in the executable one. Bytes past cap are
 * counted but not written; the block is then dropped. */
struct cg {
    uint8_t *base;
    size_t off, cap;
};

static void put(struct cg *g, uint8_t b)
{
    if (g->off < g->cap)
        g->base[g->off] = b;
    g->off++;
}

static void put32(struct cg *g, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        put(g, (uint8_t)(v >> (8 * i)));
}

static void put64(struct cg *g, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        put(g, (uint8_t)(v >> (8 * i)));
}

static bool fits32(int64_t v)
{
    return v == (int64_t)(int32_t)v;
}

/* Opcode bytes: one or two (0x0fxx). */
static void put_opc(struct cg *g, unsigned opc)
{
    if (opc > 0xff)
        put(g, (uint8_t)(opc >> 8));
    put(g, (uint8_t)opc);
}

/* An instruction with register operand reg and memory operand
 * [base + index * (1 << shift) + disp]. pfx: 0x66 or 0. w: REX.W. */
static void emit_mem(struct cg *g, unsigned pfx, bool w, unsigned opc, int reg, int base,
                     int index, unsigned shift, int32_t disp)
{
    uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) |
                            (index != NOREG && (index & 8) ? 2 : 0) | ((base & 8) ? 1 : 0));
    if (pfx)
        put(g, (uint8_t)pfx);
    if (rex != 0x40)
        put(g, rex);
    put_opc(g, opc);
    unsigned mod = (disp == 0 && (base & 7) != RBP) ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
    if (index == NOREG && (base & 7) != RSP) {
        put(g, (uint8_t)(mod << 6 | (reg & 7) << 3 | (base & 7)));
    } else {
        put(g, (uint8_t)(mod << 6 | (reg & 7) << 3 | 4));
        put(g, (uint8_t)(shift << 6 | ((index == NOREG ? RSP : index) & 7) << 3 | (base & 7)));
    }
    if (mod == 1)
        put(g, (uint8_t)disp);
    else if (mod == 2)
        put32(g, (uint32_t)disp);
}

/* An instruction with two register operands (reg in ModRM.reg, rm in
 * ModRM.rm). Byte registers used here are al/cl/dl only: no REX needed. */
static void emit_rr(struct cg *g, bool w, unsigned opc, int reg, int rm)
{
    uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((rm & 8) ? 1 : 0));
    if (rex != 0x40)
        put(g, rex);
    put_opc(g, opc);
    put(g, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

/* r = [base + disp] (64 bits, or 32 zero-extended) */
static void mov_r_m(struct cg *g, bool w, int r, int base, int32_t disp)
{
    emit_mem(g, 0, w, 0x8b, r, base, NOREG, 0, disp);
}

/* [base + disp] = r (64 bits) */
static void mov_m_r(struct cg *g, int base, int32_t disp, int r)
{
    emit_mem(g, 0, true, 0x89, r, base, NOREG, 0, disp);
}

static void mov_r_r(struct cg *g, int dst, int src)
{
    emit_rr(g, true, 0x89, src, dst);
}

static void mov_r_imm(struct cg *g, int r, uint64_t imm)
{
    if (imm <= 0xffffffffu) {          /* mov r32, imm32 (zero-extends) */
        if (r & 8)
            put(g, 0x41);
        put(g, (uint8_t)(0xb8 + (r & 7)));
        put32(g, (uint32_t)imm);
    } else if (fits32((int64_t)imm)) { /* mov r64, simm32 */
        emit_rr(g, true, 0xc7, 0, r);
        put32(g, (uint32_t)imm);
    } else {                           /* movabs */
        put(g, (uint8_t)(0x48 | ((r & 8) ? 1 : 0)));
        put(g, (uint8_t)(0xb8 + (r & 7)));
        put64(g, imm);
    }
}

/* op r, [base + disp] */
static void alu_r_m(struct cg *g, bool w, unsigned n, int r, int base, int32_t disp)
{
    emit_mem(g, 0, w, n * 8 + 3, r, base, NOREG, 0, disp);
}

/* op r, rm */
static void alu_r_r(struct cg *g, bool w, unsigned n, int r, int rm)
{
    emit_rr(g, w, n * 8 + 3, r, rm);
}

/* op r, imm (sign-extended 8 or 32 bits) */
static void alu_r_imm(struct cg *g, bool w, unsigned n, int r, int32_t imm)
{
    if (imm >= -128 && imm <= 127) {
        emit_rr(g, w, 0x83, (int)n, r);
        put(g, (uint8_t)imm);
    } else {
        emit_rr(g, w, 0x81, (int)n, r);
        put32(g, (uint32_t)imm);
    }
}

/* op qword [base + disp], imm */
static void alu_m_imm(struct cg *g, unsigned n, int base, int32_t disp, int32_t imm)
{
    if (imm >= -128 && imm <= 127) {
        emit_mem(g, 0, true, 0x83, (int)n, base, NOREG, 0, disp);
        put(g, (uint8_t)imm);
    } else {
        emit_mem(g, 0, true, 0x81, (int)n, base, NOREG, 0, disp);
        put32(g, (uint32_t)imm);
    }
}

static void shift_r_imm(struct cg *g, bool w, unsigned n, int r, unsigned imm)
{
    emit_rr(g, w, 0xc1, (int)n, r);
    put(g, (uint8_t)imm);
}

static void shift_r_cl(struct cg *g, bool w, unsigned n, int r)
{
    emit_rr(g, w, 0xd3, (int)n, r);
}

/* dst = sign-extended low 32 bits of src */
static void movsxd_r_r(struct cg *g, int dst, int src)
{
    emit_rr(g, true, 0x63, dst, src);
}

/* r = zero-extended cc flag */
static void setcc_zx(struct cg *g, unsigned cc, int r)
{
    emit_rr(g, false, 0x0f90 + cc, 0, r);
    emit_rr(g, false, 0x0fb6, r, r);
}

static void call_abs(struct cg *g, const void *fn)
{
    mov_r_imm(g, RAX, (uint64_t)(uintptr_t)fn);
    emit_rr(g, false, 0xff, 2, RAX);
}

/* A jump with a 32-bit displacement; returns the offset of the rel32. */
static size_t jcc32(struct cg *g, unsigned cc)
{
    put(g, 0x0f);
    put(g, (uint8_t)(0x80 + cc));
    size_t at = g->off;
    put32(g, 0);
    return at;
}

static size_t jmp32(struct cg *g)
{
    put(g, 0xe9);
    size_t at = g->off;
    put32(g, 0);
    return at;
}

/* Points the rel32 at offset at to offset to (both within the buffer). */
static void patch_rel32(struct cg *g, size_t at, size_t to)
{
    if (at + 4 > g->cap)
        return;
    int32_t rel = (int32_t)((int64_t)to - (int64_t)(at + 4));
    memcpy(g->base + at, &rel, 4);
}

static void load_x(struct cg *g, int r, unsigned xr)
{
    if (xr == 0)
        emit_rr(g, false, 0x33, r, r);   /* xor r32, r32 */
    else
        mov_r_m(g, true, r, RBX, HART_X(xr));
}

static void store_x(struct cg *g, unsigned xr, int r)
{
    mov_m_r(g, RBX, HART_X(xr), r);
}

/* The dispatch context around callbacks (plugins/plugin.h), addressed
 * through rcx where needed (rare: no host register is kept for it).
 * Generated code runs with it open (plugin_dispatch.hart = the hart,
 * depth = 1, cur = plugin_sole, no_regs = true, acc = &jit_acc: the enter
 * code opens it), so that consecutive callbacks, in one block or in blocks
 * chained to each other, need not open it again; blocks with callbacks set
 * cur and no_regs as their callbacks need. Nothing runs meanwhile but host
 * code and C that never read the context (the fp_NAME functions), and
 * callbacks (which expect it, and plugin_run_cb, which nests in it): it is
 * closed (all zero) around every other call into the emulator (an mmu slow
 * path) and by the leave code.
 *
 * What a block knows of plugin_dispatch.cur and .no_regs: at block entry
 * cur is plugin_sole (every block leaves it so) and no_regs is true (a
 * block that cleared it for a callback that reads registers sets it again
 * before jumping to another block), so that the usual callbacks, which
 * read no registers, cost no store to the context. */

/* rcx = &plugin_dispatch */
static void emit_ctx_base(struct cg *g)
{
    mov_r_imm(g, RCX, (uint64_t)(uintptr_t)&plugin_dispatch);
}

/* (with rcx = &plugin_dispatch) */
static void emit_set_no_regs(struct cg *g, bool on)
{
    emit_mem(g, 0, false, 0xc6, 0, RCX, NOREG, 0, DISP_OFF(no_regs));
    put(g, on);
}

/* Opens it: hart = rbx, depth = 1; leaves rcx = &plugin_dispatch. */
static void emit_ctx_open(struct cg *g)
{
    emit_ctx_base(g);
    mov_m_r(g, RCX, DISP_OFF(hart), RBX);
    emit_mem(g, 0, false, 0xc7, 0, RCX, NOREG, 0, DISP_OFF(depth));   /* depth = 1 */
    put32(g, 1);
}

/* Closes it, with stores of immediates: flags survive; clobbers rcx. */
static void emit_ctx_close(struct cg *g)
{
    emit_ctx_base(g);
    emit_mem(g, 0, true, 0xc7, 0, RCX, NOREG, 0, DISP_OFF(cur));      /* cur = NULL */
    put32(g, 0);
    emit_mem(g, 0, true, 0xc7, 0, RCX, NOREG, 0, DISP_OFF(hart));     /* hart = NULL */
    put32(g, 0);
    emit_mem(g, 0, false, 0xc7, 0, RCX, NOREG, 0, DISP_OFF(depth));   /* depth = 0 */
    put32(g, 0);
    emit_set_no_regs(g, false);
}

/* ---- guest registers in host registers --------------------------------- */

/* Within a block, guest registers live in host registers (slots): a read
 * loads the register into a slot once, a write only marks the slot dirty,
 * and dirty slots are stored back to the hart before anything that reads
 * h->x[] runs (an exit, a slow path, a callback that reads registers). A
 * block starts and ends with every slot empty, so blocks chain without
 * agreeing on anything. Slots are rbp and r13-r15 (kept by calls to C),
 * then r8-r11 (lost by them); guest registers take the kept ones first,
 * so that blocks with callbacks reload as little as possible. */
#define RC_MAX 8

/* Which guest register each slot holds (-1: none) and which slots are newer
 * than h->x[]. Cold paths keep a copy of it as it was where they branch. */
struct rcsnap {
    int8_t guest[RC_MAX];
    uint8_t dirty;
};

static bool rc_volatile(int r)
{
    return r >= R8 && r <= R11;
}

/* ---- blocks ---------------------------------------------------------- */

/* Out-of-line code of a block, emitted after its straight-line part. */
enum cold_kind { COLD_EXIT, COLD_LIMIT, COLD_LOAD, COLD_STORE, COLD_FP_TRAP, COLD_FP, COLD_DIV };

struct cold {
    uint8_t kind;
    uint8_t arg;       /* exit slot */
    bool no_regs;      /* plugin_dispatch.no_regs there */
    bool owner_known;  /* plugin_dispatch.cur there is owner */
    const struct plugin *owner;
    const struct op *op;
    size_t from;       /* rel32 of the jump into the stub */
    size_t more[8];    /* rel32s of further jumps into it */
    unsigned nmore;
    size_t resume;     /* where the stub returns to */
    int8_t dst;        /* a load's destination: rd's slot, or rdx */
    struct rcsnap rc;  /* the slots there */
};

struct blk {
    struct cg g;
    const struct jit *j;
    struct tb *tb;
    struct cold cold[2 * (TB_MAX_INSNS + 2)];
    unsigned ncold;
    size_t patch[2];   /* rel32 of each exit's jump, or 0 */
    bool no_regs;      /* plugin_dispatch.no_regs here */
    bool owner_known;  /* plugin_dispatch.cur here is owner */
    const struct plugin *owner;
    bool fp_mode_seen; /* host FPU mode checked since the last callback */
    const int *slot;   /* host register of each slot */
    unsigned nslot;
    struct rcsnap rc;
    uint32_t stamp[RC_MAX], clock;   /* last use of each slot */
};

static void add_cold(struct blk *b, unsigned kind, unsigned arg, const struct op *o,
                     size_t from, size_t resume)
{
    struct cold *c = &b->cold[b->ncold++];
    c->kind = (uint8_t)kind;
    c->arg = (uint8_t)arg;
    c->op = o;
    c->from = from;
    c->nmore = 0;
    c->resume = resume;
    c->dst = RDX;
    c->no_regs = b->no_regs;
    c->owner_known = b->owner_known;
    c->owner = b->owner;
    c->rc = b->rc;
}

/* Closes the dispatch context before a call into the emulator (when no
 * plugin is loaded nothing reads it, and the stores are left out). */
static void emit_ctx_close_for_call(struct blk *b)
{
    if (plugin_any)
        emit_ctx_close(&b->g);
}

/* Opens it again after that call, as it was where cold path c branched;
 * clobbers rax. */
static void emit_ctx_reopen(struct blk *b, const struct cold *c)
{
    struct cg *g = &b->g;
    if (!plugin_any)
        return;
    emit_ctx_open(g);
    if (c->owner_known && c->owner) {
        mov_r_imm(g, RAX, (uint64_t)(uintptr_t)c->owner);
        mov_m_r(g, RCX, DISP_OFF(cur), RAX);
    }
    if (c->no_regs)
        emit_set_no_regs(g, true);
}

/* Stores the dirty slots of s (movs: flags survive). */
static void rc_store(struct blk *b, const struct rcsnap *s)
{
    for (unsigned i = 0; i < b->nslot; i++) {
        if (s->dirty & (1u << i))
            store_x(&b->g, (unsigned)s->guest[i], b->slot[i]);
    }
}

/* Loads slot i of s from the hart. */
static void rc_load(struct blk *b, const struct rcsnap *s, unsigned i)
{
    int r = b->slot[i];
    if (s->guest[i] == 0)
        emit_rr(&b->g, false, 0x33, r, r);   /* xor r32, r32 */
    else
        mov_r_m(&b->g, true, r, RBX, HART_X(s->guest[i]));
}

/* After a call to C: loads the slots of s that the call clobbered. */
static void rc_reload_volatile(struct blk *b, const struct rcsnap *s)
{
    for (unsigned i = 0; i < b->nslot; i++) {
        if (s->guest[i] >= 0 && rc_volatile(b->slot[i]))
            rc_load(b, s, i);
    }
}

/* Stores every dirty slot; the slots keep their registers. */
static void rc_flush(struct blk *b)
{
    rc_store(b, &b->rc);
    b->rc.dirty = 0;
}

/* Empties slot i, storing it first when dirty. */
static void rc_evict(struct blk *b, unsigned i)
{
    if (b->rc.dirty & (1u << i))
        store_x(&b->g, (unsigned)b->rc.guest[i], b->slot[i]);
    b->rc.dirty &= (uint8_t)~(1u << i);
    b->rc.guest[i] = -1;
}

/* Before a call to C: gives up the slots the call clobbers (dirty ones
 * stored); all = every slot (the callee may change h->x[]). */
static void rc_drop(struct blk *b, bool all)
{
    for (unsigned i = 0; i < b->nslot; i++) {
        if (b->rc.guest[i] >= 0 && (all || rc_volatile(b->slot[i])))
            rc_evict(b, i);
    }
}

static int rc_find(const struct blk *b, unsigned xr)
{
    for (unsigned i = 0; i < b->nslot; i++) {
        if (b->rc.guest[i] == (int8_t)xr)
            return (int)i;
    }
    return -1;
}

/* A free slot for xr: an empty one, or the least recently used (stored
 * first when dirty). The registers of the op being emitted were used last,
 * so they are never chosen (an op names at most three). x0 looks for an
 * empty slot from the end (a register calls clobber): it costs one xor to
 * reload, so a kept slot is better spent on another register. */
static unsigned rc_take(struct blk *b, unsigned xr)
{
    unsigned v = 0;
    for (unsigned n = 0; n < b->nslot; n++) {
        unsigned i = xr ? n : b->nslot - 1 - n;
        if (b->rc.guest[i] < 0) {
            v = i;
            goto found;
        }
        if (b->stamp[i] < b->stamp[v])
            v = i;
    }
    rc_evict(b, v);
found:
    b->rc.guest[v] = (int8_t)xr;
    return v;
}

/* The host register holding guest register xr, loaded if need be. */
static int xsrc(struct blk *b, unsigned xr)
{
    int i = rc_find(b, xr);
    if (i < 0) {
        i = (int)rc_take(b, xr);
        rc_load(b, &b->rc, (unsigned)i);
    }
    b->stamp[i] = ++b->clock;
    return b->slot[i];
}

/* The host register to write guest register xr (1..31) to; its old value
 * is gone. Call after the op's sources are in registers. */
static int xdst(struct blk *b, unsigned xr)
{
    assert(xr > 0 && xr < 32);
    int i = rc_find(b, xr);
    if (i < 0)
        i = (int)rc_take(b, xr);
    b->rc.dirty |= (uint8_t)(1u << i);
    b->stamp[i] = ++b->clock;
    return b->slot[i];
}

/* Leaves the generated code with rax = code, rdx = this block. The slots
 * must have been stored. */
static void emit_leave(struct blk *b, uint64_t code)
{
    struct cg *g = &b->g;
    mov_r_imm(g, RAX, code);
    mov_r_imm(g, RDX, (uint64_t)(uintptr_t)b->tb);
    patch_rel32(g, jmp32(g), b->j->leave);
}

/* Position of o in its block's ops (plugin ops included), for exits. */
static unsigned op_index(const struct blk *b, const struct op *o)
{
    return (unsigned)(o - b->tb->ops);
}

/* h->icount = the count before op o (as the interpreter's EXACT). */
static void emit_exact_icount(struct blk *b, const struct op *o)
{
    struct cg *g = &b->g;
    emit_mem(g, 0, true, 0x8d, RAX, R12, NOREG, 0, -(int32_t)(b->tb->n_insns - o->idx));
    mov_m_r(g, RBX, HART_OFF(icount), RAX);
}

/* h->icount and h->pc as before op o's instruction runs: what a callback
 * that reads registers sees. */
static void emit_exact_pc(struct blk *b, const struct op *o)
{
    struct cg *g = &b->g;
    emit_exact_icount(b, o);
    mov_r_imm(g, RAX, b->tb->vpc + o->pcoff);
    mov_m_r(g, RBX, HART_OFF(pc), RAX);
}

static unsigned mem_size(unsigned k)
{
    switch (k) {
    case OP_LB: case OP_LBU: case OP_SB: return 1;
    case OP_LH: case OP_LHU: case OP_SH: return 2;
    case OP_LW: case OP_LWU: case OP_SW: case OP_FLW: case OP_FSW: return 4;
    default: return 8;
    }
}

/* r = the value of size at [base + index], extended as load op k does. */
static void emit_load_ext(struct cg *g, unsigned k, int r, int base, int index)
{
    switch (k) {
    case OP_LB:  emit_mem(g, 0, true, 0x0fbe, r, base, index, 0, 0); break;
    case OP_LBU: emit_mem(g, 0, false, 0x0fb6, r, base, index, 0, 0); break;
    case OP_LH:  emit_mem(g, 0, true, 0x0fbf, r, base, index, 0, 0); break;
    case OP_LHU: emit_mem(g, 0, false, 0x0fb7, r, base, index, 0, 0); break;
    case OP_LW:  emit_mem(g, 0, true, 0x63, r, base, index, 0, 0); break;
    case OP_LWU: case OP_FLW: emit_mem(g, 0, false, 0x8b, r, base, index, 0, 0); break;
    default:     emit_mem(g, 0, true, 0x8b, r, base, index, 0, 0); break;
    }
}

/* r = base + disp (a mov when disp is 0) */
static void add_r_disp(struct cg *g, int r, int base, int32_t disp)
{
    if (disp)
        emit_mem(g, 0, true, 0x8d, r, base, NOREG, 0, disp);   /* lea */
    else
        mov_r_r(g, r, base);
}

_Static_assert(PAGE_SHIFT + TLB_BITS <= 32, "the TLB index comes from the low half");

/* rsi = rs1 + imm; rax = the TLB entry offset; jumps out of line unless the
 * entry's tag at tag_off matches. Returns the rel32 of that jump. */
static size_t emit_tlb_check(struct blk *b, const struct op *o, unsigned size, int32_t tag_off)
{
    struct cg *g = &b->g;
    add_r_disp(g, RSI, xsrc(b, o->rs1), (int32_t)o->imm);
    emit_rr(g, false, 0x8b, RAX, RSI);   /* 32-bit ops: shorter */
    shift_r_imm(g, false, SH_SHR, RAX, PAGE_SHIFT - 5);
    alu_r_imm(g, false, ALU_AND, RAX, (int32_t)((TLB_SIZE - 1) << 5));
    mov_r_r(g, RDX, RSI);
    alu_r_imm(g, true, ALU_AND, RDX, (int32_t)(PAGE_MASK | (size - 1)));
    mov_r_m(g, true, RCX, RBX, HART_OFF(dtlb));
    emit_mem(g, 0, true, 0x3b, RDX, RCX, RAX, 0, tag_off);   /* cmp rdx, tag */
    return jcc32(g, CC_NE);
}

/* mstatus.FS = dirty (and SD), stored only when that changes it, as
 * fs_dirty does. Clobbers rax and rdx. */
static void emit_fs_dirty(struct cg *g)
{
    mov_r_imm(g, RAX, MSTATUS_FS | MSTATUS_SD);
    mov_r_r(g, RDX, RAX);
    alu_r_m(g, true, ALU_AND, RDX, RBX, HART_OFF(mstatus));
    alu_r_r(g, true, ALU_CMP, RDX, RAX);
    size_t done = jcc32(g, CC_E);
    emit_mem(g, 0, true, 0x09, RAX, RBX, NOREG, 0, HART_OFF(mstatus));   /* or [mstatus], rax */
    patch_rel32(g, done, g->off);
}

static void emit_load(struct blk *b, const struct op *o)
{
    struct cg *g = &b->g;
    size_t slow = emit_tlb_check(b, o, mem_size(o->kind), 0);
    add_cold(b, COLD_LOAD, 0, o, slow, 0);
    struct cold *c = &b->cold[b->ncold - 1];
    emit_mem(g, 0, true, 0x8b, RAX, RCX, RAX, 0, 24);        /* rax = addend */
    if (o->kind != OP_FLW && o->kind != OP_FLD && o->rd != 32) {
        /* Straight into rd's slot. Taking the slot may store the register
         * it held, here, after the branch to the slow path: that path
         * stores the slots as they were at the branch (that register
         * included) and loads into the slot itself. */
        c->dst = (int8_t)xdst(b, o->rd);
        emit_load_ext(g, o->kind, c->dst, RAX, RSI);
        c->resume = g->off;
        return;
    }
    emit_load_ext(g, o->kind, RDX, RAX, RSI);
    c->resume = g->off;
    if (o->kind == OP_FLW || o->kind == OP_FLD) {
        if (o->kind == OP_FLW) {   /* NaN-boxed */
            mov_r_imm(g, RAX, 0xffffffff00000000ULL);
            alu_r_r(g, true, ALU_OR, RDX, RAX);
        }
        mov_m_r(g, RBX, HART_F(o->rd), RDX);
        emit_fs_dirty(g);
    }
}

static void emit_store(struct blk *b, const struct op *o)
{
    struct cg *g = &b->g;
    unsigned size = mem_size(o->kind);
    int val = RDI;
    if (o->kind == OP_FSW || o->kind == OP_FSD)
        mov_r_m(g, true, RDI, RBX, HART_F(o->rs2));
    else
        val = xsrc(b, o->rs2);
    size_t slow = emit_tlb_check(b, o, size, 8);
    add_cold(b, COLD_STORE, 0, o, slow, 0);
    struct cold *c = &b->cold[b->ncold - 1];
    emit_mem(g, 0, true, 0x8b, RAX, RCX, RAX, 0, 24);        /* rax = addend */
    switch (size) {
    case 1:   /* byte stores from dl: no REX needed for the register */
        emit_rr(g, false, 0x8b, RDX, val);
        emit_mem(g, 0, false, 0x88, RDX, RAX, RSI, 0, 0);
        break;
    case 2: emit_mem(g, 0x66, false, 0x89, val, RAX, RSI, 0, 0); break;
    case 4: emit_mem(g, 0, false, 0x89, val, RAX, RSI, 0, 0); break;
    default: emit_mem(g, 0, true, 0x89, val, RAX, RSI, 0, 0); break;
    }
    c->resume = g->off;
}

/* The leave code for a trap with the cause in rax at op o. */
static void emit_leave_trap(struct blk *b, const struct op *o)
{
    struct cg *g = &b->g;
    shift_r_imm(g, true, SH_SHL, RAX, 32);
    alu_r_imm(g, true, ALU_OR, RAX, (int32_t)(JIT_TRAP | op_index(b, o) << 8));
    mov_r_imm(g, RDX, (uint64_t)(uintptr_t)b->tb);
    patch_rel32(g, jmp32(g), b->j->leave);
}

/* The slow path of a load or store: the mmu does the access with the exact
 * instruction count and the hart's registers stored; a fault leaves with
 * JIT_TRAP, a stop with JIT_STOP. */
static void emit_cold_access(struct blk *b, const struct cold *c)
{
    struct cg *g = &b->g;
    const struct op *o = c->op;
    bool store = c->kind == COLD_STORE;
    unsigned size = mem_size(o->kind);
    emit_ctx_close_for_call(b);
    rc_store(b, &c->rc);
    emit_exact_icount(b, o);
    mov_r_r(g, RDI, RBX);                   /* rsi still holds the address */
    mov_r_imm(g, RDX, size);
    if (store) {
        if (o->kind == OP_FSW || o->kind == OP_FSD)
            mov_r_m(g, true, RCX, RBX, HART_F(o->rs2));
        else
            load_x(g, RCX, o->rs2);
        call_abs(g, (const void *)mmu_store_slow);
    } else {
        mov_r_r(g, RCX, RSP);               /* &scratch */
        call_abs(g, (const void *)mmu_load_slow);
    }
    emit_rr(g, false, 0x85, RAX, RAX);      /* test eax, eax */
    size_t ok = jcc32(g, CC_E);
    emit_leave_trap(b, o);
    patch_rel32(g, ok, g->off);
    emit_ctx_reopen(b, c);
    if (store) {
        mov_r_m(g, true, RAX, RBX, HART_OFF(m));
        emit_mem(g, 0, false, 0x80, 7, RAX, NOREG, 0, (int32_t)offsetof(struct machine, stop_requested));
        put(g, 0);                          /* cmp byte [rax + stop_requested], 0 */
        size_t go = jcc32(g, CC_E);
        emit_leave(b, JIT_STOP | op_index(b, o) << 8);
        patch_rel32(g, go, g->off);
        rc_reload_volatile(b, &c->rc);
    } else {
        rc_reload_volatile(b, &c->rc);
        emit_load_ext(g, o->kind, c->dst, RSP, NOREG);
    }
    patch_rel32(g, jmp32(g), c->resume);
}

/* rd = rs1 op rs2, 64 bits (add, sub, and, or, xor) */
static void emit_alu_rr(struct blk *b, const struct op *o, unsigned n)
{
    struct cg *g = &b->g;
    int s1 = xsrc(b, o->rs1), s2 = xsrc(b, o->rs2), d = xdst(b, o->rd);
    if (d == s1) {
        alu_r_r(g, true, n, d, s2);
    } else if (d == s2 && n != ALU_SUB) {   /* commutative */
        alu_r_r(g, true, n, d, s1);
    } else if (d == s2) {   /* rd = rs1 - rd */
        emit_rr(g, true, 0xf7, 3, d);        /* neg */
        alu_r_r(g, true, ALU_ADD, d, s1);
    } else {
        mov_r_r(g, d, s1);
        alu_r_r(g, true, n, d, s2);
    }
}

/* rd = rs1 op imm, 64 bits (addi, xori, ori, andi) */
static void emit_alu_ri(struct blk *b, const struct op *o, unsigned n)
{
    struct cg *g = &b->g;
    int32_t imm = (int32_t)o->imm;
    if (o->rs1 == 0) {   /* 0 + imm, 0 | imm, 0 ^ imm; 0 & imm */
        mov_r_imm(g, xdst(b, o->rd), n == ALU_AND ? 0 : (uint64_t)(int64_t)imm);
        return;
    }
    int s = xsrc(b, o->rs1), d = xdst(b, o->rd);
    if (d != s)
        mov_r_r(g, d, s);
    if (imm != 0 || n == ALU_AND)
        alu_r_imm(g, true, n, d, imm);
}

/* rd = sext32(rax) */
static void put_sext32(struct blk *b, const struct op *o)
{
    movsxd_r_r(&b->g, xdst(b, o->rd), RAX);
}

/* rd = sext32(rs1 op rs2) (addw, subw, mulw), computed in rd's low half
 * unless rd is the subtrahend. */
static void emit_alu_w(struct blk *b, const struct op *o, unsigned opc)
{
    struct cg *g = &b->g;
    bool sub = opc == 0x2b;
    if (sub && o->rs1 == 0) {   /* negw */
        int s = xsrc(b, o->rs2), d = xdst(b, o->rd);
        if (d != s)
            emit_rr(g, false, 0x8b, d, s);
        emit_rr(g, false, 0xf7, 3, d);
        movsxd_r_r(g, d, d);
        return;
    }
    int s1 = xsrc(b, o->rs1), s2 = xsrc(b, o->rs2), d = xdst(b, o->rd);
    if (d == s2 && d != s1) {
        if (sub) {
            emit_rr(g, false, 0x8b, RAX, s1);
            emit_rr(g, false, opc, RAX, s2);
            movsxd_r_r(g, d, RAX);
            return;
        }
        s2 = s1;   /* add and mul commute */
    } else if (d != s1) {
        emit_rr(g, false, 0x8b, d, s1);
    }
    emit_rr(g, false, opc, d, s2);
    movsxd_r_r(g, d, d);
}

/* rd = sext32(rs1 + imm) */
static void emit_addiw(struct blk *b, const struct op *o)
{
    struct cg *g = &b->g;
    int32_t imm = (int32_t)o->imm;
    if (o->rs1 == 0) {
        mov_r_imm(g, xdst(b, o->rd), (uint64_t)(int64_t)imm);
        return;
    }
    int s = xsrc(b, o->rs1), d = xdst(b, o->rd);
    if (imm == 0) {   /* sext.w */
        movsxd_r_r(g, d, s);
        return;
    }
    if (d == s)
        alu_r_imm(g, false, ALU_ADD, d, imm);
    else
        emit_mem(g, 0, false, 0x8d, d, s, NOREG, 0, imm);   /* lea d32, [s + imm] */
    movsxd_r_r(g, d, d);
}

/* rd = rs1 shifted by rs2 (w: 32-bit, result sign-extended) */
static void emit_shift_r(struct blk *b, const struct op *o, unsigned n, bool w)
{
    struct cg *g = &b->g;
    emit_rr(g, false, 0x8b, RCX, xsrc(b, o->rs2));   /* the count in ecx */
    int s = xsrc(b, o->rs1), d = xdst(b, o->rd);
    if (d != s)
        emit_rr(g, !w, 0x8b, d, s);
    shift_r_cl(g, !w, n, d);
    if (w)
        movsxd_r_r(g, d, d);
}

static void emit_shift_i(struct blk *b, const struct op *o, unsigned n, bool w)
{
    struct cg *g = &b->g;
    int s = xsrc(b, o->rs1), d = xdst(b, o->rd);
    if (w && o->imm == 0) {
        movsxd_r_r(g, d, s);
        return;
    }
    if (d != s)
        emit_rr(g, !w, 0x8b, d, s);
    if (o->imm)
        shift_r_imm(g, !w, n, d, (unsigned)o->imm);
    /* A 32-bit logical right shift by 1..31 leaves bit 31 clear: its zero
     * extension is the sign extension. */
    if (w && n != SH_SHR)
        movsxd_r_r(g, d, d);
}

/* rd = (rs1 < rs2 or imm) as cc compares */
static void emit_set_less(struct blk *b, const struct op *o, unsigned cc, bool imm)
{
    struct cg *g = &b->g;
    int s1 = xsrc(b, o->rs1);
    if (imm)
        alu_r_imm(g, true, ALU_CMP, s1, (int32_t)o->imm);
    else
        alu_r_r(g, true, ALU_CMP, s1, xsrc(b, o->rs2));
    setcc_zx(g, cc, RAX);
    mov_r_r(g, xdst(b, o->rd), RAX);
}

/* call fn from offset g->off of code that runs at rx: direct when fn is
 * within reach. */
static void call_at(struct cg *g, const uint8_t *rx, const void *fn)
{
    int64_t rel = (int64_t)((uintptr_t)fn - (uintptr_t)(rx + g->off + 5));
    if (fits32(rel)) {
        put(g, 0xe8);
        put32(g, (uint32_t)rel);
    } else {
        call_abs(g, fn);
    }
}

static void emit_call(struct blk *b, const void *fn)
{
    call_at(&b->g, b->j->rx, fn);
}

/* n bytes of NOPs, in as few instructions as the recommended forms allow
 * (at most 11 bytes each: up to three 0x66 prefixes on the 8-byte form). */
static void emit_nops(struct cg *g, unsigned n)
{
    static const uint8_t form[9][8] = {
        {0},
        {0x90},
        {0x66, 0x90},
        {0x0f, 0x1f, 0x00},
        {0x0f, 0x1f, 0x40, 0x00},
        {0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };
    while (n) {
        unsigned k = n < 11 ? n : 11;
        unsigned body = k < 8 ? k : 8;
        for (unsigned i = body; i < k; i++)
            put(g, 0x66);
        for (unsigned i = 0; i < body; i++)
            put(g, form[body][i]);
        n -= k;
    }
}

/* After a callback returns, the host fetches from the return address up to
 * the next call (with callbacks on every instruction, a few bytes: the next
 * guest instruction and the next callback's arguments). When that address
 * falls in the last bytes of a 64-byte line, the short run straddles two
 * lines, and code full of callbacks measurably slows down (on intmix with
 * a callback per instruction, by some 5%). So a callback's call is
 * preceded by NOPs that move its return address to the start of the next
 * line whenever fewer than RET_LINE_TAIL bytes of the line would follow
 * it: on average some 8 bytes per callback, executed as one to three NOPs.
 * (Padding only the calls whose run would straddle, found by generating
 * each block twice, measured no faster; aligning every return to 16 bytes
 * measured slower.) */
#define RET_LINE 64u
#define RET_LINE_TAIL 32u

static void emit_callback_call(struct blk *b, const void *fn)
{
    struct cg probe = {NULL, b->g.off, 0};   /* counts the call's bytes, writes none */
    call_at(&probe, b->j->rx, fn);
    uintptr_t ret = (uintptr_t)(b->j->rx + probe.off);
    unsigned left = (unsigned)(-ret & (RET_LINE - 1));
    if (left && left < RET_LINE_TAIL)
        emit_nops(&b->g, left);
    emit_call(b, fn);
}


/* How generated code computes FP op k inline: the SSE opcode (F2/F3 0F
 * xx) of an arithmetic op, the VEX opcode of an FMA (0F38 xx, 231 form:
 * xmm0 = +-(xmm1 * m) +- xmm0), the condition of a compare; FPI_NONE for
 * the rest. */
enum fpi { FPI_NONE, FPI_ARITH, FPI_FMA, FPI_CMP };

struct fp_inline_op {
    uint8_t kind, how, code;
    bool single;
};

static const struct fp_inline_op *fp_inline(unsigned k)
{
    static const struct fp_inline_op table[] = {
        {OP_FADD_D, FPI_ARITH, 0x58, false}, {OP_FSUB_D, FPI_ARITH, 0x5c, false},
        {OP_FMUL_D, FPI_ARITH, 0x59, false}, {OP_FDIV_D, FPI_ARITH, 0x5e, false},
        {OP_FSQRT_D, FPI_ARITH, 0x51, false},
        {OP_FMADD_D, FPI_FMA, 0xb9, false},  /* vfmadd231: rs1 * rs2 + rs3 */
        {OP_FMSUB_D, FPI_FMA, 0xbb, false},  /* vfmsub231: rs1 * rs2 - rs3 */
        {OP_FNMSUB_D, FPI_FMA, 0xbd, false}, /* vfnmadd231: -(rs1 * rs2) + rs3 */
        {OP_FNMADD_D, FPI_FMA, 0xbf, false}, /* vfnmsub231: -(rs1 * rs2) - rs3 */
        {OP_FEQ_D, FPI_CMP, CC_E, false}, {OP_FLT_D, FPI_CMP, CC_B, false},
        {OP_FLE_D, FPI_CMP, CC_BE, false},
        {OP_FADD_S, FPI_ARITH, 0x58, true}, {OP_FSUB_S, FPI_ARITH, 0x5c, true},
        {OP_FMUL_S, FPI_ARITH, 0x59, true}, {OP_FDIV_S, FPI_ARITH, 0x5e, true},
        {OP_FSQRT_S, FPI_ARITH, 0x51, true},
        {OP_FMADD_S, FPI_FMA, 0xb9, true}, {OP_FMSUB_S, FPI_FMA, 0xbb, true},
        {OP_FNMSUB_S, FPI_FMA, 0xbd, true}, {OP_FNMADD_S, FPI_FMA, 0xbf, true},
        {OP_FEQ_S, FPI_CMP, CC_E, true}, {OP_FLT_S, FPI_CMP, CC_B, true},
        {OP_FLE_S, FPI_CMP, CC_BE, true},
    };
    for (unsigned i = 0; i < ARRAY_SIZE(table); i++) {
        if (table[i].kind == k)
            return table[i].how == FPI_FMA && !fpu_host_has_fma() ? NULL : &table[i];
    }
    return NULL;
}

/* The way out of line for FP op o, from the n jumps in slow, coming back
 * here; arg as emit_cold_fp takes it. */
static void add_cold_fp(struct blk *b, unsigned arg, const struct op *o, const size_t *slow,
                        unsigned n)
{
    add_cold(b, COLD_FP, arg, o, slow[0], b->g.off);
    struct cold *c = &b->cold[b->ncold - 1];
    for (unsigned i = 1; i < n; i++)
        c->more[c->nmore++] = slow[i];
}

/* FP ops computed by the host inline when nothing but the result can come
 * of them; anything else goes out of line to the op's fp_NAME and comes
 * back. Always: the host FPU in its default mode (hart.fp_host), FS
 * already dirty and, for single precision, properly NaN-boxed operands.
 * Add, sub, mul, div, sqrt and the FMAs besides need round to nearest,
 * inexact already raised in fflags (so whether this one is exact does not
 * matter) and a normal result at least twice the smallest normal number,
 * which rules out every other flag (NaN or infinite operands, overflow,
 * division by zero, underflow: tiny results, detected after rounding, lie
 * below that) and every special result. Compares need ordered operands (no
 * NaN: no flag). Returns false for ops without this path. Clobbers rax,
 * rdx, xmm0 and xmm1. */
static bool emit_fp_inline(struct blk *b, const struct op *o)
{
    struct cg *g = &b->g;
    const struct fp_inline_op *fi = fp_inline(o->kind);
    if (!fi || (fi->how != FPI_CMP && o->rm != FPU_RNE && o->rm != 7))
        return false;
    bool sp = fi->single;
    unsigned pfx = sp ? 0xf3 : 0xf2;   /* movss/addss...: F3; movsd/addsd...: F2 */
    size_t slow[8];
    unsigned n = 0;
    emit_mem(g, 0, false, 0x80, 7, RBX, NOREG, 0, HART_OFF(fp_host));   /* cmp byte, 0 */
    put(g, 0);
    slow[n++] = jcc32(g, CC_E);
    if (fi->how != FPI_CMP) {
        emit_mem(g, 0, false, 0xf6, 0, RBX, NOREG, 0, HART_OFF(fflags));    /* test byte, NX */
        put(g, FPU_NX);
        slow[n++] = jcc32(g, CC_E);
        if (o->rm == 7) {                                                /* DYN: frm */
            emit_mem(g, 0, false, 0x83, 7, RBX, NOREG, 0, HART_OFF(frm));   /* cmp dword, 0 */
            put(g, FPU_RNE);
            slow[n++] = jcc32(g, CC_NE);
        }
    }
    mov_r_m(g, false, RAX, RBX, HART_OFF(mstatus));
    alu_r_imm(g, false, ALU_AND, RAX, (int32_t)MSTATUS_FS);
    alu_r_imm(g, false, ALU_CMP, RAX, (int32_t)MSTATUS_FS);
    slow[n++] = jcc32(g, CC_NE);
    if (sp) {   /* upper halves all ones: cmp dword [f + 4], -1 */
        unsigned nsrc = fi->how == FPI_FMA ? 3 : o->kind == OP_FSQRT_S ? 1 : 2;
        const uint8_t src[3] = {o->rs1, o->rs2, o->rs3};
        for (unsigned i = 0; i < nsrc; i++) {
            emit_mem(g, 0, false, 0x83, 7, RBX, NOREG, 0, HART_F(src[i]) + 4);
            put(g, 0xff);
            slow[n++] = jcc32(g, CC_NE);
        }
    }
    switch (fi->how) {
    case FPI_ARITH:
        if (fi->code == 0x51) {
            emit_mem(g, pfx, false, 0x0f51, 0, RBX, NOREG, 0, HART_F(o->rs1));   /* sqrt */
        } else {
            emit_mem(g, pfx, false, 0x0f10, 0, RBX, NOREG, 0, HART_F(o->rs1));   /* load */
            emit_mem(g, pfx, false, 0x0f00 | fi->code, 0, RBX, NOREG, 0, HART_F(o->rs2));
        }
        break;
    case FPI_FMA:
        emit_mem(g, pfx, false, 0x0f10, 0, RBX, NOREG, 0, HART_F(o->rs3));   /* xmm0 = rs3 */
        emit_mem(g, pfx, false, 0x0f10, 1, RBX, NOREG, 0, HART_F(o->rs1));   /* xmm1 = rs1 */
        put(g, 0xc4);   /* VEX: no R/X/B, map 0F38; W (1: double), vvvv = xmm1, LIG, 66 */
        put(g, 0xe2);
        put(g, sp ? 0x71 : 0xf1);
        put(g, fi->code);
        put(g, 0x80 | (RBX & 7));   /* xmm0, [rbx + disp32] */
        put32(g, (uint32_t)HART_F(o->rs2));
        break;
    default: {   /* compare: rax = the result; unordered goes out of line */
        emit_mem(g, pfx, false, 0x0f10, 0, RBX, NOREG, 0, HART_F(o->rs1));
        emit_mem(g, sp ? 0 : 0x66, false, 0x0f2e, 0, RBX, NOREG, 0, HART_F(o->rs2));   /* ucomis */
        slow[n++] = jcc32(g, CC_P);
        setcc_zx(g, fi->code, RAX);
        add_cold_fp(b, 1, o, slow, n);   /* returns with x[rd] in rax */
        if (o->rd != 32)
            mov_r_r(g, xdst(b, o->rd), RAX);
        return true;
    }
    }
    put(g, 0x66);
    emit_rr(g, !sp, 0x0f7e, 0, RAX);                 /* movq rax, xmm0 / movd eax, xmm0 */
    mov_r_r(g, RDX, RAX);
    if (sp) {   /* biased exponent in [2, 0xfe] */
        shift_r_imm(g, false, SH_SHR, RDX, 23);
        alu_r_imm(g, false, ALU_AND, RDX, 0xff);
        alu_r_imm(g, false, ALU_SUB, RDX, 2);
        alu_r_imm(g, false, ALU_CMP, RDX, 0xfe - 2);
    } else {    /* biased exponent in [2, 0x7fe] */
        shift_r_imm(g, true, SH_SHR, RDX, 52);
        alu_r_imm(g, false, ALU_AND, RDX, 0x7ff);
        alu_r_imm(g, false, ALU_SUB, RDX, 2);
        alu_r_imm(g, false, ALU_CMP, RDX, 0x7fe - 2);
    }
    slow[n++] = jcc32(g, CC_A);
    if (sp) {   /* NaN-boxed */
        mov_r_imm(g, RDX, 0xffffffff00000000ULL);
        alu_r_r(g, true, ALU_OR, RAX, RDX);
    }
    mov_m_r(g, RBX, HART_F(o->rd), RAX);
    add_cold_fp(b, 0, o, slow, n);
    return true;
}

/* The way out of line of emit_fp_inline: the op's fp_NAME with every
 * dirty slot stored (the callee writes none of them, so the slots stay as
 * they are, but it clobbers r8-r11: they are loaded again); for a compare
 * (arg 1), rax = the x[rd] it wrote. */
static void emit_cold_fp(struct blk *b, const struct cold *c)
{
    struct cg *g = &b->g;
    rc_store(b, &c->rc);
    mov_r_r(g, RDI, RBX);
    mov_r_imm(g, RSI, (uint64_t)(uintptr_t)c->op);
    emit_call(b, (const void *)fp_function(c->op->kind));
    emit_rr(g, true, 0x85, RAX, RAX);
    size_t ok = jcc32(g, CC_E);
    emit_leave_trap(b, c->op);
    patch_rel32(g, ok, g->off);
    if (c->arg)
        mov_r_m(g, true, RAX, RBX, HART_X(c->op->rd));
    rc_reload_volatile(b, &c->rc);
    patch_rel32(g, jmp32(g), c->resume);
}

/* emit_fp_mode_check's probe: a + b in four single-precision lanes equals
 * expect only in the host's default mode. Lane 0 rounds up to nearest but
 * not down or toward zero, lane 1 down to nearest but not up or toward
 * zero; lane 2 is a denormal (zero with flush-to-zero or
 * denormals-are-zero), lane 3 an exact tiny result. */
static const uint32_t fp_probe[12] __attribute__((aligned(16))) = {
    0x3f800000, 0xbf800000, 0x00000001, 0x00c00000,   /* a: 1, -1, min denormal, 1.5 min normal */
    0x33c00000, 0xb3c00000, 0x00000000, 0x80800000,   /* b: 3/4 ulp(1), -3/4 ulp(1), 0, -min normal */
    0x3f800001, 0xbf800001, 0x00000001, 0x00400000,   /* expect */
};

/* Before the first FP op of a block with plugins loaded, and the first
 * after each callback: a callback may have changed the host FPU's mode.
 * Reading it (stmxcsr) costs more than the op; the probe above costs a
 * few pipelined SSE instructions. If the mode is not the default one,
 * plugin_fp_recheck turns the fast paths off. The call clobbers r8-r11:
 * given up first. Clobbers rax, rdx and xmm0. */
static void emit_fp_mode_check(struct blk *b)
{
    struct cg *g = &b->g;
    if (b->fp_mode_seen)
        return;
    b->fp_mode_seen = true;
    rc_drop(b, false);
    mov_r_imm(g, RAX, (uint64_t)(uintptr_t)fp_probe);
    emit_mem(g, 0, false, 0x0f28, 0, RAX, NOREG, 0, 0);       /* movaps xmm0, a */
    emit_mem(g, 0, false, 0x0f58, 0, RAX, NOREG, 0, 16);      /* addps xmm0, b */
    emit_mem(g, 0x66, false, 0x0f76, 0, RAX, NOREG, 0, 32);   /* pcmpeqd xmm0, expect */
    put(g, 0x66);
    emit_rr(g, false, 0x0fd7, RDX, 0);                         /* pmovmskb edx, xmm0 */
    alu_r_imm(g, false, ALU_CMP, RDX, 0xffff);
    size_t same = jcc32(g, CC_E);
    emit_call(b, (const void *)plugin_fp_recheck);
    patch_rel32(g, same, g->off);
}

/* An FP computation: a call to its fp_NAME (which touches nothing but the
 * hart, so the dispatch context may stay open), with the integer register
 * it reads stored and the one it writes given up; a reserved rounding mode
 * leaves with JIT_TRAP. */
static void emit_fp(struct blk *b, const struct op *o)
{
    struct cg *g = &b->g;
    emit_fp_mode_check(b);
    if (emit_fp_inline(b, o))
        return;
    if (fp_reads_x(o->kind)) {
        int i = rc_find(b, o->rs1);
        if (i >= 0 && (b->rc.dirty & (1u << i))) {
            store_x(g, o->rs1, b->slot[i]);
            b->rc.dirty &= (uint8_t)~(1u << i);
        }
    }
    if (fp_writes_x(o->kind)) {
        int i = rc_find(b, o->rd);
        if (i >= 0)
            rc_evict(b, (unsigned)i);
    }
    rc_drop(b, false);
    mov_r_r(g, RDI, RBX);
    mov_r_imm(g, RSI, (uint64_t)(uintptr_t)o);
    emit_call(b, (const void *)fp_function(o->kind));
    emit_rr(g, true, 0x85, RAX, RAX);      /* test rax, rax */
    add_cold(b, COLD_FP_TRAP, 0, o, jcc32(g, CC_NE), 0);
}

/* Division and remainder, 64 or 32 bits, with RISC-V's results where x86
 * would fault: by zero, the quotient is all ones and the remainder the
 * dividend; the most negative number by -1 gives itself and remainder 0. */
struct div_kind {
    bool sgn, rem, w;   /* signed, remainder, 32-bit */
};

static struct div_kind div_kind(unsigned k)
{
    return (struct div_kind){
        .sgn = k == OP_DIV || k == OP_REM || k == OP_DIVW || k == OP_REMW,
        .rem = k == OP_REM || k == OP_REMU || k == OP_REMW || k == OP_REMUW,
        .w = k >= OP_DIVW,
    };
}

static void emit_div(struct blk *b, const struct op *o)
{
    struct cg *g = &b->g;
    struct div_kind dk = div_kind(o->kind);
    bool sgn = dk.sgn, rem = dk.rem, w = dk.w;
    int s1 = xsrc(b, o->rs1), s2 = xsrc(b, o->rs2);
    emit_rr(g, !w, 0x8b, RAX, s1);          /* the dividend in rax (eax) */
    emit_rr(g, !w, 0x8b, RCX, s2);          /* the divisor in rcx (ecx) */
    emit_rr(g, !w, 0x85, RCX, RCX);
    add_cold(b, COLD_DIV, 0, o, jcc32(g, CC_E), 0);   /* by zero: out of line */
    struct cold *c = &b->cold[b->ncold - 1];
    if (sgn) {
        alu_r_imm(g, !w, ALU_CMP, RCX, -1);
        c->more[c->nmore++] = jcc32(g, CC_E);      /* by -1: the same stub */
        if (!w)
            put(g, 0x48);
        put(g, 0x99);                       /* cqo / cdq */
        emit_rr(g, !w, 0xf7, 7, RCX);       /* idiv */
    } else {
        emit_rr(g, false, 0x33, RDX, RDX);
        emit_rr(g, !w, 0xf7, 6, RCX);       /* div */
    }
    if (rem)
        mov_r_r(g, RAX, RDX);
    c->resume = g->off;
    if (w)
        put_sext32(b, o);
    else
        mov_r_r(g, xdst(b, o->rd), RAX);
}

/* The out-of-line results of a division (emit_div), with the dividend in
 * rax and the divisor, 0 (or -1 when signed), in rcx: by zero, the
 * quotient is all ones and the remainder the dividend; by -1, the quotient
 * is the negated dividend (wrapping) and the remainder 0. */
static void emit_cold_div(struct blk *b, const struct cold *c)
{
    struct cg *g = &b->g;
    struct div_kind dk = div_kind(c->op->kind);
    bool rem = dk.rem, w = dk.w;
    size_t by_m1 = 0;
    if (dk.sgn) {
        emit_rr(g, !w, 0x85, RCX, RCX);
        by_m1 = jcc32(g, CC_NE);
    }
    if (!rem)
        mov_r_imm(g, RAX, ~(uint64_t)0);
    patch_rel32(g, jmp32(g), c->resume);
    if (!dk.sgn)
        return;
    patch_rel32(g, by_m1, g->off);
    if (rem)
        emit_rr(g, false, 0x33, RAX, RAX);
    else
        emit_rr(g, !w, 0xf7, 3, RAX);       /* neg */
    patch_rel32(g, jmp32(g), c->resume);
}

/* Before a jump to another block: no_regs as blocks expect it at entry
 * (movs: flags survive; clobbers rcx). */
static void emit_no_regs_at_exit(struct blk *b)
{
    if (!b->no_regs) {
        emit_ctx_base(&b->g);
        emit_set_no_regs(&b->g, true);
        b->no_regs = true;
    }
}

/* Exit slot's jump: a jcc (cc >= 0) or jmp, pointing out of line until the
 * exit is chained. The registers are stored first (movs: flags survive). */
static void emit_exit_jump(struct blk *b, int slot, int cc)
{
    struct cg *g = &b->g;
    rc_flush(b);
    emit_no_regs_at_exit(b);
    size_t at = cc >= 0 ? jcc32(g, (unsigned)cc) : jmp32(g);
    b->patch[slot] = at;
    add_cold(b, COLD_EXIT, (unsigned)slot, NULL, at, 0);
}

/* jalr: the target in h->pc, then the hart's block lookup cache inline (as
 * tb_find's fast path): a hit with host code is entered at its checked
 * entry; anything else leaves with JIT_INDIRECT. */
static void emit_jalr(struct blk *b, const struct op *o)
{
    struct cg *g = &b->g;
    emit_mem(g, 0, true, 0x8d, RAX, xsrc(b, o->rs1), NOREG, 0, (int32_t)o->imm);
    alu_r_imm(g, true, ALU_AND, RAX, -2);
    mov_m_r(g, RBX, HART_OFF(pc), RAX);
    if (o->rd != 32)
        mov_r_imm(g, xdst(b, o->rd), b->tb->vpc + o->pcoff + o->len);
    rc_flush(b);
    emit_no_regs_at_exit(b);
    mov_r_r(g, RCX, RAX);
    shift_r_imm(g, true, SH_SHR, RCX, 1);
    mov_r_r(g, RDX, RAX);
    shift_r_imm(g, true, SH_SHR, RDX, JC_BITS + 1);
    alu_r_r(g, true, ALU_XOR, RCX, RDX);
    alu_r_imm(g, false, ALU_AND, RCX, JC_SIZE - 1);
    emit_mem(g, 0, true, 0x8b, RDX, RBX, RCX, 3, HART_OFF(jc));
    emit_rr(g, true, 0x85, RDX, RDX);
    size_t miss[5];
    miss[0] = jcc32(g, CC_E);
    emit_mem(g, 0, true, 0x3b, RAX, RDX, NOREG, 0, (int32_t)offsetof(struct tb, vpc));
    miss[1] = jcc32(g, CC_NE);
    mov_r_m(g, false, RCX, RBX, HART_OFF(tbflags));
    emit_mem(g, 0, false, 0x3b, RCX, RDX, NOREG, 0, (int32_t)offsetof(struct tb, flags));
    miss[2] = jcc32(g, CC_NE);
    emit_mem(g, 0, false, 0x80, 7, RDX, NOREG, 0, (int32_t)offsetof(struct tb, valid));
    put(g, 0);
    miss[3] = jcc32(g, CC_E);
    mov_r_m(g, true, RCX, RDX, (int32_t)offsetof(struct tb, jit_entry));
    emit_rr(g, true, 0x85, RCX, RCX);
    miss[4] = jcc32(g, CC_E);
    emit_rr(g, false, 0xff, 4, RCX);        /* jmp rcx */
    for (int i = 0; i < 5; i++)
        patch_rel32(g, miss[i], g->off);
    emit_leave(b, JIT_INDIRECT);
}

/* rax = guest register xr zero-extended from its low size bytes */
static void get_x_zx(struct blk *b, unsigned xr, unsigned size)
{
    struct cg *g = &b->g;
    emit_rr(g, size == 8, 0x8b, RAX, xsrc(b, xr));
    if (size == 1)
        emit_rr(g, false, 0x0fb6, RAX, RAX);
    else if (size == 2)
        emit_rr(g, false, 0x0fb7, RAX, RAX);
}

/* jit_acc.value = register r (an f register for FP access kind k, an x
 * register otherwise), zero-extended from the access's size. */
static void emit_acc_value(struct blk *b, unsigned k, unsigned r)
{
    struct cg *g = &b->g;
    if (k >= OP_FLW && k <= OP_FSD)
        mov_r_m(g, mem_size(k) == 8, RAX, RBX, HART_F(r));
    else
        get_x_zx(b, r, mem_size(k));
    emit_ctx_base(g);
    mov_m_r(g, RCX, DISP_OFF(jit_acc) + ACC_OFF(value), RAX);
}

/* An inline add record: *(base + hart id * stride) += imm, as exec.c does.
 * The record's fields are taken now: when a plugin's reset or uninstall
 * disables its records, every block's host code is generated again
 * (plugin_records_generation). Uses rax, rcx and rdx only. */
static void emit_inline_add(struct blk *b, const struct plugin_cb *cb)
{
    struct cg *g = &b->g;
    uintptr_t at = (uintptr_t)cb->base;
    int sole = b->j->sole_hart;
    if (sole >= 0)   /* one hart: the entry's address is a constant */
        at += (uintptr_t)sole * cb->stride;
    int64_t imm = (int64_t)cb->imm;
    if ((sole >= 0 || !cb->stride) && fits32(imm)) {
        /* add qword [rip + rel32], imm when the entry is within reach */
        bool imm8 = imm >= -128 && imm <= 127;
        int64_t rel = (int64_t)(at - (uintptr_t)(b->j->rx + g->off + (imm8 ? 8 : 11)));
        if (fits32(rel)) {
            put(g, 0x48);
            put(g, imm8 ? 0x83 : 0x81);
            put(g, 0x05);   /* mod 00, /0 (add), rm 101: rip-relative */
            put32(g, (uint32_t)rel);
            if (imm8)
                put(g, (uint8_t)imm);
            else
                put32(g, (uint32_t)imm);
            return;
        }
    }
    mov_r_imm(g, RAX, (uint64_t)at);
    if (cb->stride && sole < 0) {
        mov_r_m(g, false, RDX, RBX, HART_OFF(id));
        if (fits32((int64_t)cb->stride)) {
            emit_rr(g, true, 0x69, RDX, RDX);      /* imul rdx, rdx, imm32 */
            put32(g, (uint32_t)cb->stride);
        } else {
            mov_r_imm(g, RCX, cb->stride);
            emit_rr(g, true, 0x0faf, RDX, RCX);    /* imul rdx, rcx */
        }
        alu_r_r(g, true, ALU_ADD, RAX, RDX);
    }
    if (fits32((int64_t)cb->imm)) {
        alu_m_imm(g, ALU_ADD, RAX, 0, (int32_t)cb->imm);
    } else {
        mov_r_imm(g, RCX, cb->imm);
        emit_mem(g, 0, true, 0x01, RCX, RAX, NOREG, 0, 0);   /* add [rax], rcx */
    }
}

/* An argument register = imm, where flags need not survive: zero is a
 * xor, which the host does not even execute. */
static void mov_arg(struct cg *g, int r, uint64_t imm)
{
    if (imm)
        mov_r_imm(g, r, imm);
    else
        emit_rr(g, false, 0x33, r, r);
}

/* Whether op kind k is a plain load or store (integer or FP): one access,
 * whose address is rs1 + imm. */
static bool plain_access(unsigned k)
{
    return (k >= OP_LB && k <= OP_SD) || (k >= OP_FLW && k <= OP_FSD);
}

/* Whether the address of a plain access (op kind k, registers rd and rs1)
 * cannot be computed again after it: a load that overwrites its base.
 * PLUGIN_MEM_PRE then keeps it. */
static bool mem_vaddr_kept(unsigned k, unsigned rd, unsigned rs1)
{
    return k <= OP_LWU && rd == rs1;
}

/* r = the address of plain access op a, which has run (only movs, and a
 * load of rs1 into its slot). */
static void emit_mem_vaddr(struct blk *b, const struct op *a, int r)
{
    if (mem_vaddr_kept(a->kind, a->rd, a->rs1)) {
        mov_r_imm(&b->g, r, (uint64_t)(uintptr_t)&plugin_dispatch.jit_acc.vaddr);
        mov_r_m(&b->g, true, r, r, 0);
    } else {
        add_r_disp(&b->g, r, xsrc(b, a->rs1), (int32_t)a->imm);
    }
}

/* Calls the callback of record cb directly, as dispatch.c's fast paths do,
 * with its function and userdata as they are now (see emit_inline_add):
 * cur and no_regs are set in the dispatch context as the callback needs.
 * A callback that may read registers
 * finds them stored, and they are loaded again after it (it may write
 * them); one registered with QEMU_PLUGIN_CB_NO_REGS only costs the slots a
 * call clobbers. A memory callback gets meminfo info and the address of
 * access op mem. A reset or uninstall it asks for waits until
 * the generated code returns to the hart loop (plugin_dispatch.depth stays
 * 1 meanwhile), as in QEMU, where both take effect later too. */
static void emit_callback(struct blk *b, const struct plugin_cb *cb, const struct op *mem,
                          unsigned info)
{
    struct cg *g = &b->g;
    if (mem)
        emit_mem_vaddr(b, mem, RDX);
    rc_drop(b, !cb->no_regs);
    b->fp_mode_seen = false;
    bool own = !b->owner_known || b->owner != cb->owner;   /* a record's owner never changes */
    if (own || b->no_regs != cb->no_regs)
        emit_ctx_base(g);
    if (own) {
        mov_r_imm(g, RAX, (uint64_t)(uintptr_t)cb->owner);
        mov_m_r(g, RCX, DISP_OFF(cur), RAX);
        b->owner = cb->owner;
        b->owner_known = true;
    }
    if (b->no_regs != cb->no_regs) {
        emit_set_no_regs(g, cb->no_regs);
        b->no_regs = cb->no_regs;
    }
    if (b->j->sole_hart >= 0)   /* edi = hart id, a constant with one hart */
        mov_arg(g, RDI, (uint64_t)b->j->sole_hart);
    else
        mov_r_m(g, false, RDI, RBX, HART_OFF(id));
    if (mem) {   /* fn(vcpu, info, vaddr, userdata) */
        mov_arg(g, RSI, info);
        mov_arg(g, RCX, (uint64_t)(uintptr_t)cb->userdata);
    } else {     /* fn(vcpu, userdata) */
        mov_arg(g, RSI, (uint64_t)(uintptr_t)cb->userdata);
    }
    emit_callback_call(b, cb->fn);
}

/* Whether some memory callback of list, for the accesses of direction dir,
 * may read registers (and so needs the pc and icount exact). */
static bool mem_records_read_regs(const struct plugin_cb *list, unsigned dir)
{
    for (const struct plugin_cb *cb = list; cb; cb = cb->next) {
        if (cb->kind == PCB_MEM_CB && (cb->rw & dir) && !cb->no_regs)
            return true;
    }
    return false;
}

/* The memory records of a plain load or store: inline adds and callbacks
 * (of the access's direction) have host code; false for anything else. */
static bool emit_mem_records(struct blk *b, const struct op *o, const struct plugin_cb *list,
                             unsigned info)
{
    unsigned dir = (info & PLUGIN_ACC_STORE) ? PMEM_W : PMEM_R;
    for (const struct plugin_cb *cb = list; cb; cb = cb->next) {
        if (cb->kind != PCB_INLINE_ADD && cb->kind != PCB_MEM_CB)
            return false;
    }
    for (const struct plugin_cb *cb = list; cb; cb = cb->next) {
        if (!(cb->rw & dir))
            continue;
        if (cb->kind == PCB_INLINE_ADD)
            emit_inline_add(b, cb);
        else
            emit_callback(b, cb, o, info);
    }
    return true;
}

/* Emits op o. Returns false for an op without host code. */
static bool emit_op(struct blk *b, const struct op *o)
{
    struct cg *g = &b->g;
    unsigned k = o->kind;
    bool sink = o->rd == 32;   /* the result goes nowhere: pure ops vanish */

    switch (k) {
    case OP_FENCE:
        return true;
    case OP_LI:
        if (!sink)
            mov_r_imm(g, xdst(b, o->rd), (uint64_t)o->imm);
        return true;
    case OP_LB: case OP_LH: case OP_LW: case OP_LD: case OP_LBU: case OP_LHU: case OP_LWU:
        emit_load(b, o);
        return true;
    case OP_FLW: case OP_FLD:
        emit_load(b, o);
        return true;
    case OP_SB: case OP_SH: case OP_SW: case OP_SD: case OP_FSW: case OP_FSD:
        emit_store(b, o);
        return true;
    case OP_BEQ: case OP_BNE: case OP_BLT: case OP_BGE: case OP_BLTU: case OP_BGEU: {
        static const unsigned cc[] = {CC_E, CC_NE, CC_L, CC_GE, CC_B, CC_AE};
        int s1 = xsrc(b, o->rs1), s2 = o->rs2 ? xsrc(b, o->rs2) : s1;
        /* The exit's stores first, so that the compare and the jump are
         * adjacent and the host fuses them. */
        rc_flush(b);
        emit_no_regs_at_exit(b);
        if (o->rs2 == 0)
            emit_rr(g, true, 0x85, s1, s1);
        else
            alu_r_r(g, true, ALU_CMP, s1, s2);
        emit_exit_jump(b, 0, (int)cc[k - OP_BEQ]);
        return true;
    }
    case OP_JAL:
        if (!sink)
            mov_r_imm(g, xdst(b, o->rd), b->tb->vpc + o->pcoff + o->len);
        emit_exit_jump(b, 0, -1);
        return true;
    case OP_JALR:
        emit_jalr(b, o);
        return true;
    case OP_EXIT:
        emit_exit_jump(b, 1, -1);
        return true;
    case OP_PLUGIN_CB: {   /* as exec.c does: pc and icount exact, then the record */
        const struct plugin_cb *cb = (const struct plugin_cb *)(uintptr_t)o->imm;
        if (cb->kind == PCB_CB && !cb->set_pc) {   /* neither ever changes */
            if (!cb->no_regs)   /* (nor no_regs): a callback that reads no registers */
                emit_exact_pc(b, o);
            emit_callback(b, cb, NULL, 0);
            return true;
        }
        rc_drop(b, true);   /* plugin_run_cb nests in the open context */
        emit_exact_pc(b, o);
        mov_r_r(g, RDI, RBX);
        mov_r_imm(g, RSI, (uint64_t)o->imm);
        call_abs(g, (const void *)plugin_run_cb);
        emit_rr(g, false, 0x84, RAX, RAX);      /* test al, al */
        size_t on = jcc32(g, CC_E);
        mov_r_m(g, true, R12, RBX, HART_OFF(icount));   /* redirected: leave exact */
        emit_leave(b, JIT_RETURN);
        patch_rel32(g, on, g->off);
        return true;
    }
    case OP_PLUGIN_MEM_PRE:    /* plain loads and stores: note what is needed later */
        if (!plain_access(o->rm))
            return false;
        if (mem_vaddr_kept(o->rm, o->rd, o->rs1)) {
            emit_mem(g, 0, true, 0x8d, RAX, xsrc(b, o->rs1), NOREG, 0, (int32_t)o->imm);
            emit_ctx_base(g);
            mov_m_r(g, RCX, DISP_OFF(jit_acc) + ACC_OFF(vaddr), RAX);
        }
        if (plugin_mem_values && (o->rm == OP_FSW || o->rm == OP_FSD || (o->rm >= OP_SB &&
                                                                     o->rm <= OP_SD)))
            emit_acc_value(b, o->rm, o->rs2);   /* the value stored */
        return true;
    case OP_PLUGIN_MEM_POST: {   /* as exec.c's plugin_mem_post for a plain access */
        unsigned k = o->rm;
        bool fp = k >= OP_FLW && k <= OP_FSD;
        bool store = (k >= OP_SB && k <= OP_SD) || k == OP_FSW || k == OP_FSD;
        if (!plain_access(k) || (!store && !fp && o->rd == 32))
            return false;        /* loads into x0 leave no value to report */
        unsigned size = mem_size(k), shift = size == 8 ? 3u : size == 4 ? 2u : size == 2 ? 1u : 0u;
        bool sign = k == OP_LB || k == OP_LH || k == OP_LW;
        unsigned info = shift | (store ? PLUGIN_ACC_STORE : 0) | (sign ? PLUGIN_ACC_SIGNED : 0);
        const struct plugin_cb *list = (const struct plugin_cb *)(uintptr_t)o->imm;
        if (mem_records_read_regs(list, store ? PMEM_W : PMEM_R))
            emit_exact_pc(b, o);
        if (!store && plugin_mem_values)
            emit_acc_value(b, k, o->rd);   /* the value loaded */
        assert(o > b->tb->ops && o[-1].kind == k);   /* the access is the op before */
        return emit_mem_records(b, o - 1, list, info);
    }
    case OP_PLUGIN_INLINE:
        emit_inline_add(b, (const struct plugin_cb *)(uintptr_t)o->imm);
        return true;
    default:
        break;
    }

    if (op_is_fp(k)) {
        emit_fp(b, o);
        return true;
    }
    /* Pure register ops: nothing to do when the result is discarded. */
    bool known = (k >= OP_ADDI && k <= OP_SRAIW) || (k >= OP_ADD && k <= OP_REMUW);
    if (!known)
        return false;
    if (sink)
        return true;
    switch (k) {
    case OP_ADDI: emit_alu_ri(b, o, ALU_ADD); break;
    case OP_XORI: emit_alu_ri(b, o, ALU_XOR); break;
    case OP_ORI:  emit_alu_ri(b, o, ALU_OR); break;
    case OP_ANDI: emit_alu_ri(b, o, ALU_AND); break;
    case OP_SLTI: emit_set_less(b, o, CC_L, true); break;
    case OP_SLTIU: emit_set_less(b, o, CC_B, true); break;
    case OP_SLLI: emit_shift_i(b, o, SH_SHL, false); break;
    case OP_SRLI: emit_shift_i(b, o, SH_SHR, false); break;
    case OP_SRAI: emit_shift_i(b, o, SH_SAR, false); break;
    case OP_ADDIW: emit_addiw(b, o); break;
    case OP_SLLIW: emit_shift_i(b, o, SH_SHL, true); break;
    case OP_SRLIW: emit_shift_i(b, o, SH_SHR, true); break;
    case OP_SRAIW: emit_shift_i(b, o, SH_SAR, true); break;
    case OP_ADD: emit_alu_rr(b, o, ALU_ADD); break;
    case OP_SUB: emit_alu_rr(b, o, ALU_SUB); break;
    case OP_XOR: emit_alu_rr(b, o, ALU_XOR); break;
    case OP_OR:  emit_alu_rr(b, o, ALU_OR); break;
    case OP_AND: emit_alu_rr(b, o, ALU_AND); break;
    case OP_SLL: emit_shift_r(b, o, SH_SHL, false); break;
    case OP_SRL: emit_shift_r(b, o, SH_SHR, false); break;
    case OP_SRA: emit_shift_r(b, o, SH_SAR, false); break;
    case OP_SLLW: emit_shift_r(b, o, SH_SHL, true); break;
    case OP_SRLW: emit_shift_r(b, o, SH_SHR, true); break;
    case OP_SRAW: emit_shift_r(b, o, SH_SAR, true); break;
    case OP_SLT: emit_set_less(b, o, CC_L, false); break;
    case OP_SLTU: emit_set_less(b, o, CC_B, false); break;
    case OP_ADDW: emit_alu_w(b, o, 0x03); break;
    case OP_SUBW: emit_alu_w(b, o, 0x2b); break;
    case OP_MULW: emit_alu_w(b, o, 0x0faf); break;
    case OP_MUL: {   /* imul d, the other source */
        int s1 = xsrc(b, o->rs1), s2 = xsrc(b, o->rs2), d = xdst(b, o->rd);
        if (d == s2) {
            s2 = s1;
        } else if (d != s1) {
            mov_r_r(g, d, s1);
        }
        emit_rr(g, true, 0x0faf, d, s2);
        break;
    }
    case OP_MULH: case OP_MULHU: case OP_MULHSU: {   /* rdx:rax = rax * s2 */
        int s1 = xsrc(b, o->rs1), s2 = xsrc(b, o->rs2);
        mov_r_r(g, RAX, s1);
        emit_rr(g, true, 0xf7, k == OP_MULH ? 5 : 4, s2);
        if (k == OP_MULHSU) {   /* signed * unsigned: the unsigned high part, less s2 when s1 < 0 */
            mov_r_r(g, RCX, s1);
            shift_r_imm(g, true, SH_SAR, RCX, 63);
            alu_r_r(g, true, ALU_AND, RCX, s2);
            alu_r_r(g, true, ALU_SUB, RDX, RCX);
        }
        mov_r_r(g, xdst(b, o->rd), RDX);
        break;
    }
    case OP_DIV: case OP_DIVU: case OP_REM: case OP_REMU:
    case OP_DIVW: case OP_DIVUW: case OP_REMW: case OP_REMUW:
        emit_div(b, o);
        break;
    default:
        return false;
    }
    return true;
}

/* Whether op kind k has host code (emit_op's cases). */
static bool op_has_code(unsigned k)
{
    return k == OP_FENCE || k == OP_LI || (k >= OP_ADDI && k <= OP_SRAIW) ||
           (k >= OP_ADD && k <= OP_REMUW) || (k >= OP_LB && k <= OP_SD) ||
           (k >= OP_FLW && k <= OP_FSD) || op_is_fp(k) ||
           (k >= OP_BEQ && k <= OP_JALR) || k == OP_EXIT || (k >= OP_PLUGIN_CB &&
           k <= OP_PLUGIN_MEM_POST);
}

/* The slots; registers kept by calls come first. */
static const int slots[] = {RBP, R15, R14, R13, R8, R9, R10, R11};

bool jit_compile(struct jit *j, struct tb *tb)
{
    if (!j || !j->rx || tb->n_ops < 2 || tb->n_ops > 256)   /* exits carry op indexes in 8 bits */
        return false;
    /* Every op needs host code, except that the block's last instruction
     * may be left to the interpreter (a CSR write, ecall, mret...). */
    unsigned n = tb->n_ops, upto = n;
    for (unsigned i = 0; i < n; i++) {
        unsigned k = tb->ops[i].kind;
        if (op_has_code(k))
            continue;
        if (i == 0 || i != n - 2)
            return false;
        upto = i;
    }
    size_t need = JIT_BLOCK_BYTES + (size_t)n * JIT_OP_BYTES;
    if (j->used + need > JIT_BUF_SIZE)
        return false;

    struct blk blk, *b = &blk;
    b->g.base = j->rw;
    b->g.off = j->used;
    b->g.cap = j->used + need;
    b->j = j;
    b->tb = tb;
    b->ncold = 0;
    b->no_regs = true;
    b->owner_known = plugin_sole != NULL;
    b->owner = plugin_sole;
    b->fp_mode_seen = !plugin_any;
    b->patch[0] = b->patch[1] = 0;
    b->slot = slots;
    b->nslot = ARRAY_SIZE(slots);
    memset(b->rc.guest, -1, sizeof(b->rc.guest));
    b->rc.dirty = 0;
    memset(b->stamp, 0, sizeof(b->stamp));
    b->clock = 0;
    struct cg *g = &b->g;

    /* Checked entry: enter only if the whole block fits the budget (counted
     * first, taken back out of line: a shorter dependency chain through
     * r12 than computing the count aside). */
    size_t entry = g->off;
    alu_r_imm(g, true, ALU_ADD, R12, (int32_t)tb->n_insns);
    alu_r_m(g, true, ALU_CMP, R12, RBX, HART_OFF(limit));
    add_cold(b, COLD_LIMIT, 0, NULL, jcc32(g, CC_A), 0);
    size_t body = g->off;

    bool ok = true;
    for (unsigned i = 0; i < upto && ok; i++)
        ok = emit_op(b, &tb->ops[i]);
    if (upto < n) {   /* (the leave code closes the dispatch context) */
        rc_flush(b);
        emit_leave(b, JIT_INTERP | upto << 8);
    }

    size_t stub[2] = {0, 0};
    for (unsigned i = 0; i < b->ncold; i++) {
        const struct cold *c = &b->cold[i];
        patch_rel32(g, c->from, g->off);
        for (unsigned m = 0; m < c->nmore; m++)
            patch_rel32(g, c->more[m], g->off);
        switch (c->kind) {
        case COLD_EXIT:
            stub[c->arg] = g->off;
            emit_leave(b, c->arg ? JIT_EXIT1 : JIT_EXIT0);
            break;
        case COLD_LIMIT:
            alu_r_imm(g, true, ALU_SUB, R12, (int32_t)tb->n_insns);
            emit_leave(b, JIT_LIMIT);
            break;
        case COLD_FP_TRAP:
            rc_store(b, &c->rc);
            emit_leave_trap(b, c->op);
            break;
        case COLD_FP:
            emit_cold_fp(b, c);
            break;
        case COLD_DIV:
            emit_cold_div(b, c);
            break;
        default:
            emit_cold_access(b, c);
            break;
        }
    }
    if (!ok || g->off > g->cap)
        return false;
    j->used = (g->off + 15) & ~(size_t)15;
    tb->jit_entry = j->rx + entry;
    tb->jit_body = j->rx + body;
    for (int s = 0; s < 2; s++) {
        tb->jit_patch[s] = b->patch[s] ? j->rx + b->patch[s] : NULL;
        tb->jit_stub[s] = b->patch[s] ? j->rx + stub[s] : NULL;
    }
    return true;
}

/* Points the rel32 at executable address at to executable address to,
 * writing through the writable view. */
static void set_jump(const struct jit *j, const uint8_t *at, const uint8_t *to)
{
    assert(at >= j->rx && at + 4 <= j->rx + JIT_BUF_SIZE);
    int32_t rel = (int32_t)(to - (at + 4));
    memcpy(j->rw + (at - j->rx), &rel, 4);
}

void jit_link(const struct jit *j, struct tb *from, int slot, const struct tb *to)
{
    if (from->jit_patch[slot] && to->jit_entry)
        set_jump(j, from->jit_patch[slot], to->jit_entry);
}

void jit_unlink(const struct jit *j, struct tb *from, int slot)
{
    if (from->jit_patch[slot])
        set_jump(j, from->jit_patch[slot], from->jit_stub[slot]);
}

struct jit_ret jit_run(const struct jit *j, struct hart *h, const struct tb *tb, uint64_t icount)
{
    return j->enter(h, tb->jit_body, icount);
}

/* The fixed code at the start of the buffer: leave (store icount, restore
 * the callee-saved registers, return rax:rdx) and enter (the reverse, then
 * jump to the code in rsi with h in rbx and icount in r12). */
static void emit_fixed(struct jit *j)
{
    struct cg g = {.base = j->rw, .off = 0, .cap = 256};
    static const int saved[] = {RBP, RBX, R12, R13, R14, R15};

    j->leave = g.off;
    mov_m_r(&g, RBX, HART_OFF(icount), R12);
    emit_ctx_close(&g);
    emit_mem(&g, 0, true, 0xc7, 0, RCX, NOREG, 0, DISP_OFF(acc));   /* acc = NULL */
    put32(&g, 0);
    alu_r_imm(&g, true, ALU_ADD, RSP, 8);
    for (int i = 5; i >= 0; i--) {
        if (saved[i] & 8)
            put(&g, 0x41);
        put(&g, (uint8_t)(0x58 + (saved[i] & 7)));   /* pop */
    }
    put(&g, 0xc3);

    g.off = (g.off + 15) & ~(size_t)15;
    size_t enter = g.off;
    for (int i = 0; i < 6; i++) {
        if (saved[i] & 8)
            put(&g, 0x41);
        put(&g, (uint8_t)(0x50 + (saved[i] & 7)));   /* push */
    }
    alu_r_imm(&g, true, ALU_SUB, RSP, 8);
    mov_r_r(&g, RBX, RDI);
    mov_r_r(&g, R12, RDX);
    emit_ctx_open(&g);
    emit_set_no_regs(&g, true);
    mov_r_imm(&g, RAX, (uint64_t)(uintptr_t)&plugin_sole);
    mov_r_m(&g, true, RAX, RAX, 0);
    mov_m_r(&g, RCX, DISP_OFF(cur), RAX);
    emit_mem(&g, 0, true, 0x8d, RAX, RCX, NOREG, 0, DISP_OFF(jit_acc));
    mov_m_r(&g, RCX, DISP_OFF(acc), RAX);
    emit_rr(&g, false, 0xff, 4, RSI);                /* jmp rsi */

    assert(g.off <= g.cap);
    j->fixed = (g.off + 63) & ~(size_t)63;
    j->used = j->fixed;
    const void *fn = j->rx + enter;
    memcpy(&j->enter, &fn, sizeof(fn));
}

/* Maps the code buffer's two views into j. Returns false (mapping nothing)
 * when this host cannot: no memfd_create, no executable shared mapping
 * (a noexec policy), or no address space. */
static bool map_views(struct jit *j)
{
    int fd = memfd_create("reprise-jit", MFD_CLOEXEC | JIT_MFD_EXEC);
    if (fd < 0 && errno == EINVAL)
        fd = memfd_create("reprise-jit", MFD_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = false;
    void *rx = MAP_FAILED, *rw = MAP_FAILED;
    if (ftruncate(fd, JIT_BUF_SIZE))
        goto out;
    rx = mmap(NULL, JIT_BUF_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_NORESERVE, fd, 0);
    if (rx == MAP_FAILED)
        goto out;
    rw = mmap(NULL, JIT_BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
    if (rw == MAP_FAILED) {
        munmap(rx, JIT_BUF_SIZE);
        goto out;
    }
    j->rx = rx;
    j->rw = rw;
    ok = true;
out:
    close(fd);   /* the mappings keep the object */
    return ok;
}

int jit_create(struct jit **out, int sole_hart)
{
    *out = NULL;
    struct jit *j = calloc(1, sizeof(*j));
    if (!j)
        return -ENOMEM;
    j->sole_hart = sole_hart;
    if (map_views(j)) {
        j->state = "x86-64, W^X (two views of one memory object)";
        emit_fixed(j);
    } else {
        j->state = "off: no double-mapped code buffer on this host, every block interpreted";
    }
    *out = j;
    return 0;
}

void jit_destroy(struct jit *j)
{
    if (!j)
        return;
    if (j->rx) {
        munmap((void *)(uintptr_t)j->rx, JIT_BUF_SIZE);
        munmap(j->rw, JIT_BUF_SIZE);
    }
    free(j);
}

void jit_reset(struct jit *j)
{
    if (j)
        j->used = j->fixed;
}

const char *jit_describe(const struct jit *j)
{
    return j ? j->state : "off";
}

#else /* no code generator for this host: every block is interpreted */

int jit_create(struct jit **out, int sole_hart)
{
    (void)sole_hart;
    *out = NULL;
    return 0;
}

void jit_destroy(struct jit *j)
{
    (void)j;
}

void jit_reset(struct jit *j)
{
    (void)j;
}

bool jit_compile(struct jit *j, struct tb *tb)
{
    (void)j;
    (void)tb;
    return false;
}

void jit_link(const struct jit *j, struct tb *from, int slot, const struct tb *to)
{
    (void)j;
    (void)from;
    (void)slot;
    (void)to;
}

void jit_unlink(const struct jit *j, struct tb *from, int slot)
{
    (void)j;
    (void)from;
    (void)slot;
}

const char *jit_describe(const struct jit *j)
{
    (void)j;
    return "off: no code generator for this host";
}

struct jit_ret jit_run(const struct jit *j, struct hart *h, const struct tb *tb, uint64_t icount)
{
    (void)j;
    (void)h;
    (void)tb;
    (void)icount;
    return (struct jit_ret){JIT_INTERP, NULL};
}

#endif
