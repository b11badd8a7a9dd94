/* Instruction classes: how many executed instructions were loads, stores,
 * atomics, branches, jumps, integer ALU, multiply/divide, floating point,
 * system (CSR, ecall, wfi...) and fences, and how many were compressed.
 *   -plugin file=libinsnclass.so -d plugin
 * Classes are decided once per instruction at translation, from its bits;
 * execution only bumps a scoreboard field inline. */
#include <inttypes.h>
#include <stdio.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum cls { LOAD, STORE, ATOMIC, BRANCH, JUMP, ALU, MULDIV, FP, SYSTEM, FENCE, OTHER, NCLS };

static const char *const names[NCLS] = {
    [LOAD] = "load", [STORE] = "store", [ATOMIC] = "atomic", [BRANCH] = "branch",
    [JUMP] = "jump", [ALU] = "integer", [MULDIV] = "mul/div", [FP] = "floating point",
    [SYSTEM] = "system", [FENCE] = "fence", [OTHER] = "other",
};

struct counts {
    uint64_t n[NCLS];
    uint64_t compressed;
};

static struct qemu_plugin_scoreboard *board;

static enum cls classify32(uint32_t w)
{
    switch (w & 0x7f) {
    case 0x03: return LOAD;
    case 0x23: return STORE;
    case 0x07: case 0x27: case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53: return FP;
    case 0x2f: return ATOMIC;
    case 0x0f: return FENCE;
    case 0x63: return BRANCH;
    case 0x67: case 0x6f: return JUMP;
    case 0x73: return SYSTEM;
    case 0x33: case 0x3b: return (w >> 25) == 1 ? MULDIV : ALU;
    case 0x13: case 0x1b: case 0x17: case 0x37: return ALU;
    default: return OTHER;
    }
}

static enum cls classify16(uint32_t c)
{
    unsigned q = c & 3, f3 = (c >> 13) & 7;
    switch (q) {
    case 0:
        return f3 == 0 ? ALU : f3 == 1 || f3 == 5 ? FP : f3 < 4 ? LOAD : f3 > 5 ? STORE : OTHER;
    case 1:
        return f3 == 5 ? JUMP : f3 >= 6 ? BRANCH : ALU;
    default:
        if (f3 == 1 || f3 == 5)
            return FP;
        if (f3 == 2 || f3 == 3)
            return LOAD;
        if (f3 >= 6)
            return STORE;
        if (f3 == 4 && ((c >> 2) & 0x1f) == 0)
            return ((c >> 7) & 0x1f) ? JUMP : SYSTEM;   /* jr/jalr, ebreak */
        return ALU;
    }
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint32_t bits = 0;
        size_t len = qemu_plugin_insn_data(insn, &bits, sizeof(bits));
        enum cls c = len == 2 ? classify16(bits) : classify32(bits);
        qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
            insn, QEMU_PLUGIN_INLINE_ADD_U64,
            qemu_plugin_scoreboard_u64_in_struct(board, struct counts, n[c]), 1);
        if (len == 2)
            qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
                insn, QEMU_PLUGIN_INLINE_ADD_U64,
                qemu_plugin_scoreboard_u64_in_struct(board, struct counts, compressed), 1);
    }
}

static void at_exit(void *udata)
{
    struct counts total = { { 0 }, 0 };
    uint64_t all = 0;
    for (int v = 0; v < qemu_plugin_num_vcpus(); v++) {
        struct counts *c = qemu_plugin_scoreboard_find(board, (unsigned)v);
        for (int k = 0; k < NCLS; k++)
            total.n[k] += c->n[k];
        total.compressed += c->compressed;
    }
    for (int k = 0; k < NCLS; k++)
        all += total.n[k];
    GString *out = g_string_new("class                 count      share\n");
    for (int k = 0; k < NCLS; k++)
        g_string_append_printf(out, "%-16s %12" PRIu64 " %9.2f%%\n", names[k], total.n[k],
                               all ? 100.0 * (double)total.n[k] / (double)all : 0.0);
    g_string_append_printf(out, "%-16s %12" PRIu64 "\n(compressed: %" PRIu64 ", %.2f%%)\n",
                           "total", all, total.compressed,
                           all ? 100.0 * (double)total.compressed / (double)all : 0.0);
    qemu_plugin_outs(out->str);
    g_string_free(out, TRUE);
    qemu_plugin_scoreboard_free(board);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    if (argc) {
        fprintf(stderr, "insnclass: takes no arguments\n");
        return -1;
    }
    board = qemu_plugin_scoreboard_new(sizeof(struct counts));
    if (!board)
        return -1;
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
