/* Random integer code: each round writes a function of random RV64IMC
 * instructions (ALU and M ops with edge-case operands, loads and stores to a
 * scratch area, 32-bit loads of the first virtio-mmio slot's magic value
 * and vendor ID registers (device reads: never from a TLB hit, so compiled
 * code takes its slow path with whatever registers are live), forward
 * branches and jumps, lui/auipc, writes to x0, and
 * compressed forms of many of them, so 32-bit instructions also sit at
 * 2-byte boundaries) into a buffer, runs fence.i, and runs it several times from the same registers
 * and memory. Every run must give the same registers and memory (a first,
 * cold run against later runs of the same code, chained or compiled), and
 * each round prints a digest of them, which must equal QEMU's digest
 * (diff-qemu-guests.sh) and the recording's (rr-guests.sh). The code is
 * rewritten every round, so stale translations would show too. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rt.h"

RT_TEST_NAME("randinsn");

#define ROUNDS 2000
#define BODY 96          /* random instructions per function */
#define RUNS 3           /* runs of each function */
#define MEM_WORDS 512    /* scratch area: 4 KiB at s1 */

/* The registers random code may read and write: all but ra, sp, gp, tp,
 * s0 (the register array) and s1 (the scratch area). */
static const uint8_t work[] = { 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                                21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };
#define NWORK (sizeof work / sizeof work[0])

static uint16_t code[2 * (2 * NWORK + BODY + 4)] __attribute__((aligned(4096)));
static uint64_t regs[32], mem[MEM_WORDS];
static uint64_t start_regs[32], start_mem[MEM_WORDS];
static uint64_t seed = 0x9e3779b97f4a7c15ull;

/* run_code(regs, mem, fn): calls fn with s0 = regs, s1 = mem and tp = the
 * first virtio-mmio slot, keeping every register the C code relies on. */
void run_code(uint64_t *r, uint64_t *m, void *fn);
__asm__(".text\n"
        ".globl run_code\n"
        "run_code:\n"
        "  addi sp, sp, -112\n"
        "  sd ra, 0(sp)\n  sd s0, 8(sp)\n  sd s1, 16(sp)\n  sd s2, 24(sp)\n"
        "  sd s3, 32(sp)\n  sd s4, 40(sp)\n  sd s5, 48(sp)\n  sd s6, 56(sp)\n"
        "  sd s7, 64(sp)\n  sd s8, 72(sp)\n  sd s9, 80(sp)\n  sd s10, 88(sp)\n"
        "  sd s11, 96(sp)\n  sd tp, 104(sp)\n"
        "  mv s0, a0\n  mv s1, a1\n  lui tp, 0x10001\n  jalr ra, 0(a2)\n"
        "  ld ra, 0(sp)\n  ld s0, 8(sp)\n  ld s1, 16(sp)\n  ld s2, 24(sp)\n"
        "  ld s3, 32(sp)\n  ld s4, 40(sp)\n  ld s5, 48(sp)\n  ld s6, 56(sp)\n"
        "  ld s7, 64(sp)\n  ld s8, 72(sp)\n  ld s9, 80(sp)\n  ld s10, 88(sp)\n"
        "  ld s11, 96(sp)\n  ld tp, 104(sp)\n"
        "  addi sp, sp, 112\n"
        "  ret\n");

static uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }

/* A value that often sits at an edge: 0, -1, the most negative, small. */
static uint64_t operand(void)
{
    static const uint64_t edge[] = { 0, 1, ~0ull, 1ull << 63, (1ull << 63) - 1,
                                     0x80000000ull, 0x7fffffffull, 0xffffffff80000000ull,
                                     0xffffffffull, 2, 63, 64 };
    switch (pick(4)) {
    case 0: return edge[pick(sizeof edge / sizeof edge[0])];
    case 1: return rnd() & 0xff;
    default: return rnd();
    }
}

static unsigned reg(void) { return work[pick(NWORK)]; }
static unsigned dest(void) { return pick(16) == 0 ? 0 : reg(); }   /* x0 now and then */

static uint32_t r_type(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
                       unsigned op)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t i_type(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned op)
{
    return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t s_type(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | 0x23;
}

static uint32_t b_type(int32_t off, unsigned rs2, unsigned rs1, unsigned f3)
{
    uint32_t u = (uint32_t)off;
    return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u >> 1 & 0xf) << 8 | (u >> 11 & 1) << 7 | 0x63;
}

static uint32_t jal(int32_t off, unsigned rd)
{
    uint32_t u = (uint32_t)off;
    return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 | (u >> 11 & 1) << 20 |
           (u >> 12 & 0xff) << 12 | rd << 7 | 0x6f;
}

/* Compressed forms (RV64C, quadrants 0-2). Registers x8..x15 are coded in
 * 3 bits; random code uses only a0..a5 (x10..x15) there, and s1 (x9) as
 * the base of loads and stores. */
static unsigned creg(void) { return 10 + pick(6); }

/* A random compressed instruction; a branch or jump sets *skip_items to
 * how many items ahead it lands (1 is the next), at most left + 1 (the
 * epilogue), and gets its byte offset later. */
static uint16_t random_c(unsigned *skip_items, unsigned left)
{
    unsigned rd = creg(), rs = creg();
    int32_t imm6 = (int32_t)(rnd() & 0x3f) - 32;   /* -32..31 */
    uint32_t i6 = (uint32_t)imm6 & 0x3f;
    *skip_items = 0;
    switch (pick(12)) {
    case 0: {   /* c.addi rd, imm (rd != 0), c.li, c.addiw */
        static const uint16_t f[] = { 0x0001, 0x4001, 0x2001 };
        unsigned r = reg();
        return (uint16_t)(f[pick(3)] | (i6 >> 5) << 12 | r << 7 | (i6 & 0x1f) << 2);
    }
    case 1: {   /* c.lui rd, imm (rd not 0 or 2, imm != 0) */
        uint32_t v = i6 ? i6 : 1;
        return (uint16_t)(0x6001 | (v >> 5) << 12 | reg() << 7 | (v & 0x1f) << 2);
    }
    case 2: {   /* c.srli, c.srai, c.andi */
        unsigned kind = pick(3);
        uint32_t v = kind == 2 ? i6 : (uint32_t)pick(64);
        if (kind < 2 && v == 0)
            v = 1;
        return (uint16_t)(0x8001 | (v >> 5) << 12 | kind << 10 | (rd - 8) << 7 | (v & 0x1f) << 2);
    }
    case 3: {   /* c.sub c.xor c.or c.and c.subw c.addw */
        unsigned k = pick(6);
        return (uint16_t)(0x8c01 | (k >> 2) << 12 | (rd - 8) << 7 | (k & 3) << 5 | (rs - 8) << 2);
    }
    case 4: {   /* c.slli rd, shamt */
        uint32_t v = 1 + pick(63);
        return (uint16_t)(0x0002 | (v >> 5) << 12 | reg() << 7 | (v & 0x1f) << 2);
    }
    case 5:     /* c.mv rd, rs2 */
        return (uint16_t)(0x8002 | reg() << 7 | reg() << 2);
    case 6:     /* c.add rd, rs2 */
        return (uint16_t)(0x9002 | reg() << 7 | reg() << 2);
    case 7: {   /* c.lw / c.ld rd', off(s1) */
        if (pick(2)) {
            uint32_t off = pick(32) * 4;
            return (uint16_t)(0x4000 | (off >> 3 & 7) << 10 | 1 << 7 | (off >> 2 & 1) << 6 |
                              (off >> 6 & 1) << 5 | (rd - 8) << 2);
        }
        uint32_t off = pick(32) * 8;
        return (uint16_t)(0x6000 | (off >> 3 & 7) << 10 | 1 << 7 | (off >> 6 & 3) << 5 |
                          (rd - 8) << 2);
    }
    case 8: {   /* c.sw / c.sd rs2', off(s1) */
        if (pick(2)) {
            uint32_t off = pick(32) * 4;
            return (uint16_t)(0xc000 | (off >> 3 & 7) << 10 | 1 << 7 | (off >> 2 & 1) << 6 |
                              (off >> 6 & 1) << 5 | (rs - 8) << 2);
        }
        uint32_t off = pick(32) * 8;
        return (uint16_t)(0xe000 | (off >> 3 & 7) << 10 | 1 << 7 | (off >> 6 & 3) << 5 |
                          (rs - 8) << 2);
    }
    case 9: case 10:   /* c.beqz / c.bnez rs1', forward; the offset comes later */
        *skip_items = 1 + pick(left + 1 < 3 ? left + 1 : 3);
        return (uint16_t)((pick(2) ? 0xe001 : 0xc001) | (rs - 8) << 7);
    default:           /* c.j forward; the offset comes later */
        *skip_items = 1 + pick(left + 1 < 3 ? left + 1 : 3);
        return 0xa001;
    }
}

/* Puts a forward byte offset into a compressed branch or jump. */
static uint16_t c_offset(uint16_t insn, uint32_t off)
{
    if ((insn & 0xe003) == 0xa001)   /* c.j: offset[11|4|9:8|10|6|7|3:1|5] */
        return (uint16_t)(insn | (off >> 11 & 1) << 12 | (off >> 4 & 1) << 11 |
                          (off >> 8 & 3) << 9 | (off >> 10 & 1) << 8 | (off >> 6 & 1) << 7 |
                          (off >> 7 & 1) << 6 | (off >> 1 & 7) << 3 | (off >> 5 & 1) << 2);
    /* c.beqz / c.bnez: offset[8|4:3] rs1' offset[7:6|2:1|5] */
    return (uint16_t)(insn | (off >> 8 & 1) << 12 | (off >> 3 & 3) << 10 | (off >> 6 & 3) << 5 |
                      (off >> 1 & 3) << 3 | (off >> 5 & 1) << 2);
}

/* One random instruction at body index i of n (branches and jumps only
 * forward, and never past the body's end). */
static uint32_t random_insn(unsigned i, unsigned n)
{
    /* funct7, funct3 of the OP (0x33) and OP-32 (0x3b) instructions */
    static const uint16_t op[] = { 0x000, 0x200, 0x001, 0x002, 0x003, 0x004, 0x005, 0x205,
                                   0x006, 0x007, 0x010, 0x011, 0x012, 0x013, 0x014, 0x015,
                                   0x016, 0x017 };
    static const uint16_t op32[] = { 0x000, 0x200, 0x001, 0x005, 0x205, 0x010, 0x014,
                                     0x015, 0x016, 0x017 };
    unsigned left = n - 1 - i;   /* instructions after this one */
    switch (pick(13)) {
    case 0: case 1: case 2: {
        unsigned f = op[pick(sizeof op / sizeof op[0])];
        return r_type((f >> 4) & 0x7f, reg(), reg(), f & 7, dest(), 0x33);
    }
    case 3: {
        unsigned f = op32[pick(sizeof op32 / sizeof op32[0])];
        return r_type((f >> 4) & 0x7f, reg(), reg(), f & 7, dest(), 0x3b);
    }
    case 4: case 5: {   /* OP-IMM: addi slti sltiu xori ori andi, shifts */
        unsigned f3 = pick(8);
        if (f3 == 1)
            return i_type((int32_t)pick(64), reg(), 1, dest(), 0x13);
        if (f3 == 5)
            return i_type((int32_t)(pick(64) | (pick(2) ? 0x400 : 0)), reg(), 5, dest(), 0x13);
        return i_type((int32_t)(rnd() & 0xfff), reg(), f3, dest(), 0x13);
    }
    case 6: {   /* OP-IMM-32: addiw slliw srliw sraiw */
        switch (pick(4)) {
        case 0: return i_type((int32_t)(rnd() & 0xfff), reg(), 0, dest(), 0x1b);
        case 1: return i_type((int32_t)pick(32), reg(), 1, dest(), 0x1b);
        case 2: return i_type((int32_t)pick(32), reg(), 5, dest(), 0x1b);
        default: return i_type((int32_t)(pick(32) | 0x400), reg(), 5, dest(), 0x1b);
        }
    }
    case 7:   /* lui or auipc */
        return (uint32_t)(rnd() & 0xfffff000u) | dest() << 7 | (pick(2) ? 0x37 : 0x17);
    case 8: {   /* a load from the scratch area, aligned */
        static const uint8_t f3[] = { 0, 1, 2, 3, 4, 5, 6 };   /* lb lh lw ld lbu lhu lwu */
        unsigned f = f3[pick(7)];
        unsigned size = 1u << (f & 3);
        int32_t off = (int32_t)(pick(2040 / size) * size);
        return i_type(off, 9, f, dest(), 0x03);
    }
    case 9: {   /* a store to the scratch area, aligned */
        unsigned f = pick(4);
        unsigned size = 1u << f;
        int32_t off = (int32_t)(pick(2040 / size) * size);
        return s_type(off, reg(), 9, f);
    }
    case 10: {   /* a forward branch over 0..3 instructions */
        static const uint8_t f3[] = { 0, 1, 4, 5, 6, 7 };
        unsigned skip = left ? pick(left < 4 ? left + 1 : 4) : 0;
        return b_type((int32_t)(4 + 4 * skip), reg(), reg(), f3[pick(6)]);
    }
    case 12:   /* lw or lwu of the magic value (0x74726976) or vendor ID (0x554d4551) */
        return i_type(pick(2) ? 0 : 12, 4, pick(2) ? 2 : 6, dest(), 0x03);
    default: {   /* jal forward, maybe linking */
        unsigned skip = left ? pick(left < 3 ? left + 1 : 3) : 0;
        return jal((int32_t)(4 + 4 * skip), dest());
    }
    }
}

static unsigned emit32(unsigned n, uint32_t insn)
{
    code[n] = (uint16_t)insn;
    code[n + 1] = (uint16_t)(insn >> 16);
    return n + 2;
}

static void generate(void)
{
    /* Body items: a 32-bit instruction (its own branch offsets are in
     * instructions of 4 bytes, so those are kept 32-bit-only: see below),
     * or a compressed one whose branch skips whole items. */
    static uint32_t body[BODY];
    static uint8_t is_c[BODY], skip[BODY];
    static unsigned at[BODY + 1];
    unsigned n = 0;
    for (unsigned i = 0; i < NWORK; i++)   /* ld xN, 8*N(s0) */
        n = emit32(n, i_type((int32_t)(8 * work[i]), 8, 3, work[i], 0x03));
    for (unsigned i = 0; i < BODY; i++) {
        unsigned sk = 0;
        is_c[i] = pick(3) == 0;
        body[i] = is_c[i] ? random_c(&sk, BODY - 1 - i) : random_insn(i, BODY);
        skip[i] = (uint8_t)sk;
    }
    /* A 32-bit branch or jump skips by a byte count that assumed 4-byte
     * items; turn it into an item count and re-encode it below. */
    for (unsigned i = 0; i < BODY; i++) {
        uint32_t op = body[i] & 0x7f;
        if (!is_c[i] && (op == 0x63 || op == 0x6f)) {
            uint32_t off = op == 0x63 ? ((body[i] >> 8 & 0xf) << 1 | (body[i] >> 25 & 0x3f) << 5)
                                      : ((body[i] >> 21 & 0x3ff) << 1);
            skip[i] = (uint8_t)(off / 4);
            body[i] &= op == 0x63 ? 0x01fff07fu : 0x00000fffu;
        }
    }
    for (unsigned i = 0, pos = n; i <= BODY; i++) {
        at[i] = pos;
        if (i < BODY)
            pos += is_c[i] ? 1 : 2;
    }
    for (unsigned i = 0; i < BODY; i++) {
        uint32_t insn = body[i];
        uint32_t target = i + skip[i] > BODY ? BODY : i + skip[i];
        uint32_t off = (at[target] - at[i]) * 2;
        if (is_c[i]) {
            if (skip[i])
                insn = c_offset((uint16_t)insn, off);
            code[n++] = (uint16_t)insn;
            continue;
        }
        if ((insn & 0x7f) == 0x63)
            insn = b_type((int32_t)off, insn >> 20 & 31, insn >> 15 & 31, insn >> 12 & 7);
        else if ((insn & 0x7f) == 0x6f)
            insn = jal((int32_t)off, insn >> 7 & 31);
        n = emit32(n, insn);
    }
    for (unsigned i = 0; i < NWORK; i++)   /* sd xN, 8*N(s0) */
        n = emit32(n, s_type((int32_t)(8 * work[i]), work[i], 8, 3));
    n = emit32(n, 0x00008067);             /* ret */
    __asm__ volatile("fence.i" ::: "memory");
}

static uint64_t digest(void)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < 32; i++)
        h = (h ^ regs[i]) * 0x100000001b3ull;
    for (unsigned i = 0; i < MEM_WORDS; i++)
        h = (h ^ mem[i]) * 0x100000001b3ull;
    return h;
}

int main(void)
{
    uint64_t all = 0;
    for (unsigned round = 0; round < ROUNDS; round++) {
        for (unsigned i = 0; i < 32; i++)
            start_regs[i] = operand();
        for (unsigned i = 0; i < MEM_WORDS; i++)
            start_mem[i] = operand();
        generate();
        uint64_t first = 0;
        for (unsigned run = 0; run < RUNS; run++) {
            memcpy(regs, start_regs, sizeof regs);
            memcpy(mem, start_mem, sizeof mem);
            run_code(regs, mem, code);
            uint64_t d = digest();
            if (run == 0)
                first = d;
            else
                rt_check("the same code from the same state gives the same result", d, first);
        }
        all = (all ^ first) * 0x100000001b3ull;
        if (round % 200 == 199)
            printf("randinsn: rounds %u-%u digest %016llx\n", round - 199, round,
                   (unsigned long long)all);
    }
    return 0;
}
