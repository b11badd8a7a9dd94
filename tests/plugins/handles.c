/* Conformance: translation handles are valid only inside the translation
 * callback that received them. Inside, queries answer (n_insns >= 1,
 * get_insn past the end is NULL, addresses ascend); afterwards Reprise
 * answers 0/NULL for a kept handle and ignores registrations made with it
 * (it warns once on standard error). QEMU leaves such use undefined: this
 * rule is Reprise's. */
#include "conform.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static struct qemu_plugin_tb *kept_tb;
static struct qemu_plugin_insn *kept_insn;
static bool probed;
static uint64_t checks, stale_runs;

static void stale_cb(unsigned int vcpu, void *udata)
{
    stale_runs++;
}

static void tb_exec(unsigned int vcpu, void *udata)
{
    if (probed || !kept_tb)
        return;
    probed = true;
    checks += 4;
    if (qemu_plugin_tb_n_insns(kept_tb) != 0)
        conform_error("handles: a kept block handle still answers n_insns");
    if (qemu_plugin_tb_get_insn(kept_tb, 0) != NULL)
        conform_error("handles: a kept block handle still gives instructions");
    if (qemu_plugin_insn_vaddr(kept_insn) != 0)
        conform_error("handles: a kept instruction handle still answers vaddr");
    if (qemu_plugin_insn_disas(kept_insn) != NULL)
        conform_error("handles: a kept instruction handle still disassembles");
    qemu_plugin_register_vcpu_insn_exec_cb(kept_insn, stale_cb, QEMU_PLUGIN_CB_NO_REGS, NULL);
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    checks += 2;
    if (n < 1)
        conform_error("handles: a block with %zu instructions", n);
    if (qemu_plugin_tb_get_insn(tb, n) != NULL)
        conform_error("handles: get_insn past the end of the block is not NULL");
    uint64_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t va = qemu_plugin_insn_vaddr(insn);
        checks++;
        if (i == 0 ? va != qemu_plugin_tb_vaddr(tb) : va != prev)
            conform_error("handles: instruction %zu at 0x%" PRIx64 " does not follow", i, va);
        prev = va + qemu_plugin_insn_size(insn);
    }
    if (!kept_tb) {
        kept_tb = tb;
        kept_insn = qemu_plugin_tb_get_insn(tb, 0);
    }
    qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS, NULL);
}

static void at_exit(void *udata)
{
    if (stale_runs)
        conform_error("handles: a callback registered through a kept handle ran %" PRIu64
                      " times", stale_runs);
    conform_verdict("handles", checks, probed ? "kept handles probed" : "kept handles not probed");
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
