/* Conformance: qemu_plugin_reset from an instruction callback. After N
 * instruction callbacks (arg after=N, default 100) the plugin asks for a
 * reset. Callbacks may still come until the reset is done, as in QEMU, but
 * none once its completion callback has run: no instruction or memory
 * callback, and no inline add to its scoreboard (host code that embedded
 * them must have been generated again). The completion callback registers
 * an atexit callback again, which prints the verdict. */
#include <stdlib.h>

#include "conform.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static qemu_plugin_id_t self;
static uint64_t after = 100, n_insn, n_mem, late_insn, late_mem, inline_at_reset;
static bool asked, done;
static struct qemu_plugin_scoreboard *score;
static qemu_plugin_u64 inline_count;

static void at_exit(void *udata)
{
    char d[160];
    uint64_t checks = 0;
    if (done) {
        checks = 3;
        if (late_insn || late_mem)
            conform_error("reset: %" PRIu64 " instruction and %" PRIu64 " memory callbacks after "
                          "the reset was done", late_insn, late_mem);
        uint64_t now = qemu_plugin_u64_sum(inline_count);
        if (now != inline_at_reset)
            conform_error("reset: the inline counter went on from %" PRIu64 " to %" PRIu64
                          " after the reset was done", inline_at_reset, now);
    } else if (n_insn >= after) {
        conform_error("reset: asked for after %" PRIu64 " instructions, never done", after);
    }
    snprintf(d, sizeof(d), "reset after %" PRIu64 " instruction callbacks, %" PRIu64
             " memory callbacks", n_insn, n_mem);
    conform_verdict("reset", checks, d);
}

static void reset_done(void *udata)
{
    done = true;
    inline_at_reset = qemu_plugin_u64_sum(inline_count);
    qemu_plugin_register_atexit_cb(self, at_exit, NULL);
}

static void insn_exec(unsigned int vcpu, void *udata)
{
    if (done) {
        late_insn++;
        return;
    }
    if (++n_insn == after && !asked) {
        asked = true;
        qemu_plugin_reset(self, reset_done, NULL);
    }
}

static void mem_access(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    if (done)
        late_mem++;
    else
        n_mem++;
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_exec, QEMU_PLUGIN_CB_NO_REGS, NULL);
        qemu_plugin_register_vcpu_mem_cb(insn, mem_access, QEMU_PLUGIN_CB_NO_REGS,
                                         QEMU_PLUGIN_MEM_RW, NULL);
        qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                            inline_count, 1);
    }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "after=", 6))
            after = strtoull(argv[i] + 6, NULL, 0);
        else
            return -1;
    }
    self = id;
    score = qemu_plugin_scoreboard_new(sizeof(uint64_t));
    inline_count = qemu_plugin_scoreboard_u64(score);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
