/* interp: a byte-coded register VM with switch dispatch (a jump table and
 * very branchy code), running a small program: a prime sieve, Collatz step
 * counts and a recursive Fibonacci through CALL/RET and a data stack. The
 * VM's registers after each run feed the checksum. */
#include "bench.h"

#ifndef ROUNDS
#define ROUNDS 80
#endif
#ifndef EXPECTED
#define EXPECTED 0xb04c2a761378c008ULL
#endif

enum op {
    OP_HALT,    /*                      stop */
    OP_LI,      /* rd imm16             rd = sign-extended imm */
    OP_MOV,     /* rd rs                rd = rs */
    OP_ADD,     /* rd ra rb             rd = ra + rb */
    OP_SUB,     /* rd ra rb             rd = ra - rb */
    OP_MUL,     /* rd ra rb             rd = ra * rb */
    OP_XOR,     /* rd ra rb             rd = ra ^ rb */
    OP_ADDI,    /* rd ra imm8           rd = ra + sign-extended imm */
    OP_ANDI,    /* rd ra imm8           rd = ra & imm (unsigned) */
    OP_SHRI,    /* rd ra imm8           rd = ra >> imm (logical) */
    OP_LD,      /* rd ra                rd = mem[ra & MEM_MASK] */
    OP_ST,      /* ra rb                mem[ra & MEM_MASK] = rb */
    OP_JMP,     /* off16                pc += off (from the next op) */
    OP_JLT,     /* ra rb off16          if (ra < rb, signed) pc += off */
    OP_JEQ,     /* ra rb off16          if (ra == rb) pc += off */
    OP_JNZ,     /* ra off16             if (ra != 0) pc += off */
    OP_CALL,    /* off16                push pc; pc += off */
    OP_RET,     /*                      pc = pop */
    OP_PUSH,    /* ra                   data stack push */
    OP_POP,     /* rd                   data stack pop */
};

#define NREGS 8
#define MEM_WORDS 8192
#define MEM_MASK (MEM_WORDS - 1)
#define STACK_DEPTH 256

struct vm {
    int64_t r[NREGS];
    int32_t mem[MEM_WORDS];
    uint16_t calls[STACK_DEPTH];
    int64_t data[STACK_DEPTH];
    uint64_t steps;
};

static struct vm vm;
static uint8_t code[512];

/* ---- a tiny assembler ---------------------------------------------------- */

static int at;                              /* next free byte of code[] */
struct fix { int at, label; };
static struct fix fixes[64];
static int nfix;
static int labels[32];

static void emit(int v) { code[at++] = (uint8_t)v; }
static void label(int l) { labels[l] = at; }
static void target(int l)
{
    fixes[nfix].at = at;
    fixes[nfix++].label = l;
    at += 2;
}
static void li(int rd, int v) { emit(OP_LI); emit(rd); emit(v & 0xff); emit((v >> 8) & 0xff); }
static void op3(int op, int rd, int ra, int rb) { emit(op); emit(rd); emit(ra); emit(rb); }
static void op2(int op, int rd, int ra) { emit(op); emit(rd); emit(ra); }
static void jmp(int op, int l) { emit(op); target(l); }
static void jcc(int op, int ra, int rb, int l) { emit(op); emit(ra); emit(rb); target(l); }
static void jnz(int ra, int l) { emit(OP_JNZ); emit(ra); target(l); }

static void resolve_labels(void)
{
    for (int i = 0; i < nfix; i++) {
        int off = labels[fixes[i].label] - (fixes[i].at + 2);
        code[fixes[i].at] = (uint8_t)off;
        code[fixes[i].at + 1] = (uint8_t)(off >> 8);
    }
}

enum { L_CLEAR, L_OUTER, L_INNER, L_BODY, L_NEXT, L_COLL, L_STEP, L_ODD, L_CDONE,
       L_FIB, L_FIBREC, L_END };

/* In: r1 = sieve limit, r7 = Collatz limit, r6 = Fibonacci n.
 * Out: r1 = primes below the limit, r4 = total Collatz steps, r0 = fib(n),
 * r3 and r5 mixtures of those. */
static void assemble(void)
{
    /* sieve */
    li(2, 0); li(3, 0);
    label(L_CLEAR);
    op2(OP_ST, 2, 3);
    emit(OP_ADDI); emit(2); emit(2); emit(1);
    jcc(OP_JLT, 2, 1, L_CLEAR);
    li(0, 2); li(4, 0);
    label(L_OUTER);
    op2(OP_LD, 5, 0);
    jnz(5, L_NEXT);
    emit(OP_ADDI); emit(4); emit(4); emit(1);
    op3(OP_ADD, 2, 0, 0);
    li(3, 1);
    label(L_INNER);
    jcc(OP_JLT, 2, 1, L_BODY);
    jmp(OP_JMP, L_NEXT);
    label(L_BODY);
    op2(OP_ST, 2, 3);
    op3(OP_ADD, 2, 2, 0);
    jmp(OP_JMP, L_INNER);
    label(L_NEXT);
    emit(OP_ADDI); emit(0); emit(0); emit(1);
    jcc(OP_JLT, 0, 1, L_OUTER);
    op2(OP_MOV, 1, 4);                  /* the limit is done with: r1 = count */

    /* Collatz: r5 = sum over n in [1, r7) of steps to reach 1 */
    li(5, 0); li(0, 1);
    label(L_COLL);
    op2(OP_MOV, 2, 0);
    li(3, 1);
    label(L_STEP);
    jcc(OP_JEQ, 2, 3, L_CDONE);
    emit(OP_ADDI); emit(5); emit(5); emit(1);
    emit(OP_ANDI); emit(4); emit(2); emit(1);       /* r4 = n & 1 */
    jnz(4, L_ODD);
    emit(OP_SHRI); emit(2); emit(2); emit(1);
    jmp(OP_JMP, L_STEP);
    label(L_ODD);                       /* n = 3n + 1 */
    op3(OP_ADD, 4, 2, 2);
    op3(OP_ADD, 2, 4, 2);
    emit(OP_ADDI); emit(2); emit(2); emit(1);
    jmp(OP_JMP, L_STEP);
    label(L_CDONE);
    emit(OP_ADDI); emit(0); emit(0); emit(1);
    jcc(OP_JLT, 0, 7, L_COLL);
    op2(OP_MOV, 4, 5);                  /* r4 = the step sum */

    /* fib(r6) recursively; result in r0 */
    op2(OP_MOV, 2, 6);
    jmp(OP_CALL, L_FIB);
    jmp(OP_JMP, L_END);

    label(L_FIB);                       /* r0 = fib(r2); clobbers r2, r3 */
    li(3, 2);
    jcc(OP_JLT, 2, 3, L_FIBREC);
    emit(OP_PUSH); emit(2);
    emit(OP_ADDI); emit(2); emit(2); emit(0xff);    /* n - 1 */
    jmp(OP_CALL, L_FIB);
    emit(OP_POP); emit(2);
    emit(OP_PUSH); emit(0);
    emit(OP_ADDI); emit(2); emit(2); emit(0xfe);    /* n - 2 */
    jmp(OP_CALL, L_FIB);
    emit(OP_POP); emit(3);
    op3(OP_ADD, 0, 0, 3);
    emit(OP_RET);
    label(L_FIBREC);                    /* n < 2: fib(n) = n */
    op2(OP_MOV, 0, 2);
    emit(OP_RET);

    label(L_END);
    op3(OP_MUL, 3, 0, 4);
    op3(OP_XOR, 5, 3, 5);
    op3(OP_SUB, 3, 3, 1);
    emit(OP_HALT);
    resolve_labels();
}

static void run(struct vm *v)
{
    const uint8_t *pc = code;
    int csp = 0, dsp = 0;
    int64_t *r = v->r;
    uint64_t steps = 0;
    for (;;) {
        steps++;
        switch ((enum op)*pc) {
        case OP_HALT:
            v->steps += steps;
            return;
        case OP_LI:
            r[pc[1]] = (int16_t)(pc[2] | pc[3] << 8);
            pc += 4;
            break;
        case OP_MOV:
            r[pc[1]] = r[pc[2]];
            pc += 3;
            break;
        case OP_ADD:
            r[pc[1]] = r[pc[2]] + r[pc[3]];
            pc += 4;
            break;
        case OP_SUB:
            r[pc[1]] = r[pc[2]] - r[pc[3]];
            pc += 4;
            break;
        case OP_MUL:
            r[pc[1]] = (int64_t)((uint64_t)r[pc[2]] * (uint64_t)r[pc[3]]);
            pc += 4;
            break;
        case OP_XOR:
            r[pc[1]] = r[pc[2]] ^ r[pc[3]];
            pc += 4;
            break;
        case OP_ADDI:
            r[pc[1]] = r[pc[2]] + (int8_t)pc[3];
            pc += 4;
            break;
        case OP_ANDI:
            r[pc[1]] = r[pc[2]] & pc[3];
            pc += 4;
            break;
        case OP_SHRI:
            r[pc[1]] = (int64_t)((uint64_t)r[pc[2]] >> pc[3]);
            pc += 4;
            break;
        case OP_LD:
            r[pc[1]] = v->mem[r[pc[2]] & MEM_MASK];
            pc += 3;
            break;
        case OP_ST:
            v->mem[r[pc[1]] & MEM_MASK] = (int32_t)r[pc[2]];
            pc += 3;
            break;
        case OP_JMP:
            pc += 3 + (int16_t)(pc[1] | pc[2] << 8);
            break;
        case OP_JLT:
            pc += r[pc[1]] < r[pc[2]] ? 5 + (int16_t)(pc[3] | pc[4] << 8) : 5;
            break;
        case OP_JEQ:
            pc += r[pc[1]] == r[pc[2]] ? 5 + (int16_t)(pc[3] | pc[4] << 8) : 5;
            break;
        case OP_JNZ:
            pc += r[pc[1]] ? 4 + (int16_t)(pc[2] | pc[3] << 8) : 4;
            break;
        case OP_CALL:
            v->calls[csp++ & (STACK_DEPTH - 1)] = (uint16_t)(pc + 3 - code);
            pc += 3 + (int16_t)(pc[1] | pc[2] << 8);
            break;
        case OP_RET:
            pc = code + v->calls[--csp & (STACK_DEPTH - 1)];
            break;
        case OP_PUSH:
            v->data[dsp++ & (STACK_DEPTH - 1)] = r[pc[1]];
            pc += 2;
            break;
        case OP_POP:
            r[pc[1]] = v->data[--dsp & (STACK_DEPTH - 1)];
            pc += 2;
            break;
        default:            /* a corrupt program: stop rather than run away */
            v->steps += steps | 1ULL << 63;
            return;
        }
    }
}

int main(void)
{
    uint64_t sum = 0;
    assemble();
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < NREGS; i++)
            vm.r[i] = 0;
        vm.r[1] = 6000 + (round & 15) * 50;     /* sieve limit */
        vm.r[7] = 2000 + (round & 7) * 100;     /* Collatz limit */
        vm.r[6] = 14 + (round & 3);             /* Fibonacci n */
        run(&vm);
        for (int i = 0; i < NREGS; i++)
            sum = bench_mix(sum, (uint64_t)vm.r[i]);
    }
    sum = bench_mix(sum, vm.steps);
    return bench_report("interp", sum, EXPECTED);
}
