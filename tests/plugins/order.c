/* Conformance: per instruction, execution callbacks, inline operations and
 * conditional callbacks run in the order they were registered, after the
 * block's own; likewise memory callbacks and memory inline operations.
 * Each instruction gets: STORE e=1, cb A (wants 1, sets 10), cond cb B
 * (e == 10; sets 20), ADD e+=1, cb C (wants 21). Each memory access gets:
 * cb X (sets m=5), ADD m+=1, cb Y (wants 6). Each block: cb T sets t=1 and
 * the first instruction's A wants t == 1. */
#include "conform.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

struct state {
    uint64_t e, m, t;
};

static struct qemu_plugin_scoreboard *sb;
static qemu_plugin_u64 e, m, t;
static uint64_t checks, blocks, insns, accesses;

static void tb_cb(unsigned int vcpu, void *udata)
{
    blocks++;
    qemu_plugin_u64_set(t, vcpu, 1);
}

static void cb_a(unsigned int vcpu, void *udata)
{
    checks++;
    if (qemu_plugin_u64_get(e, vcpu) != 1)
        conform_error("order: A saw %" PRIu64 " (the STORE registered before it did not run first)",
                      qemu_plugin_u64_get(e, vcpu));
    if (udata) {      /* first instruction of its block */
        checks++;
        if (qemu_plugin_u64_get(t, vcpu) != 1)
            conform_error("order: the block callback did not run before its first instruction's");
        qemu_plugin_u64_set(t, vcpu, 0);
    }
    qemu_plugin_u64_set(e, vcpu, 10);
}

static void cb_b(unsigned int vcpu, void *udata)
{
    qemu_plugin_u64_set(e, vcpu, 20);
}

static void cb_c(unsigned int vcpu, void *udata)
{
    insns++;
    checks++;
    if (qemu_plugin_u64_get(e, vcpu) != 21)
        conform_error("order: C saw %" PRIu64 ", wanted 21 (A, B, ADD in order)",
                      qemu_plugin_u64_get(e, vcpu));
}

static void mem_x(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    qemu_plugin_u64_set(m, vcpu, 5);
}

static void mem_y(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    accesses++;
    checks++;
    if (qemu_plugin_u64_get(m, vcpu) != 6)
        conform_error("order: Y saw %" PRIu64 ", wanted 6 (X, ADD in order)",
                      qemu_plugin_u64_get(m, vcpu));
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_cb, QEMU_PLUGIN_CB_NO_REGS, NULL);
    for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(insn, QEMU_PLUGIN_INLINE_STORE_U64, e, 1);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, cb_a, QEMU_PLUGIN_CB_NO_REGS,
                                               i == 0 ? (void *)1 : NULL);
        qemu_plugin_register_vcpu_insn_exec_cond_cb(insn, cb_b, QEMU_PLUGIN_CB_NO_REGS,
                                                    QEMU_PLUGIN_COND_EQ, e, 10, NULL);
        qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(insn, QEMU_PLUGIN_INLINE_ADD_U64, e, 1);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, cb_c, QEMU_PLUGIN_CB_NO_REGS, NULL);
        qemu_plugin_register_vcpu_mem_cb(insn, mem_x, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
        qemu_plugin_register_vcpu_mem_inline_per_vcpu(insn, QEMU_PLUGIN_MEM_RW,
                                                      QEMU_PLUGIN_INLINE_ADD_U64, m, 1);
        qemu_plugin_register_vcpu_mem_cb(insn, mem_y, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
    }
}

static void at_exit(void *udata)
{
    char d[128];
    snprintf(d, sizeof(d), "%" PRIu64 " blocks, %" PRIu64 " instructions, %" PRIu64 " accesses",
             blocks, insns, accesses);
    conform_verdict("order", checks, d);
    qemu_plugin_scoreboard_free(sb);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    sb = qemu_plugin_scoreboard_new(sizeof(struct state));
    e = qemu_plugin_scoreboard_u64_in_struct(sb, struct state, e);
    m = qemu_plugin_scoreboard_u64_in_struct(sb, struct state, m);
    t = qemu_plugin_scoreboard_u64_in_struct(sb, struct state, t);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
