/* plugcost: the plugin whose cost bench/plugins.sh measures, built against
 * Reprise's header at plugin API version 1 so that QEMU 6.0-8.x loads the
 * same file. One argument picks the instrumentation:
 *     mode=tb-inline     an inline add of the block's length at every block
 *     mode=insn-cb       a callback before every instruction
 *     mode=insn-mem-cb   that, plus a callback after every memory access
 * At exit it prints, through qemu_plugin_outs (run with -d plugin),
 *     plugcost: MODE insns N loads N stores N
 * so the script can check that the instrumentation ran, and ran the same
 * number of times on both emulators. */
#define QEMU_PLUGIN_API_VERSION 1
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum mode { TB_INLINE, INSN_CB, INSN_MEM_CB };
static const char *const mode_names[] = {
    [TB_INLINE] = "tb-inline",
    [INSN_CB] = "insn-cb",
    [INSN_MEM_CB] = "insn-mem-cb",
};

static enum mode mode = TB_INLINE;
static uint64_t insns, loads, stores;

static void insn_exec(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    (void)udata;
    insns++;
}

static void mem_access(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                       void *udata)
{
    (void)vcpu;
    (void)vaddr;
    (void)udata;
    if (qemu_plugin_mem_is_store(info))
        stores++;
    else
        loads++;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    if (mode == TB_INLINE) {
        qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &insns, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_exec, QEMU_PLUGIN_CB_NO_REGS, NULL);
        if (mode == INSN_MEM_CB)
            qemu_plugin_register_vcpu_mem_cb(insn, mem_access, QEMU_PLUGIN_CB_NO_REGS,
                                             QEMU_PLUGIN_MEM_RW, NULL);
    }
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
    (void)id;
    (void)udata;
    char line[160];
    snprintf(line, sizeof(line), "plugcost: %s insns %" PRIu64 " loads %" PRIu64
             " stores %" PRIu64 "\n", mode_names[mode], insns, loads, stores);
    qemu_plugin_outs(line);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        bool known = false;
        for (int m = 0; m < (int)(sizeof(mode_names) / sizeof(mode_names[0])); m++) {
            if (!strncmp(argv[i], "mode=", 5) && !strcmp(argv[i] + 5, mode_names[m])) {
                mode = (enum mode)m;
                known = true;
            }
        }
        if (!known) {
            fprintf(stderr, "plugcost: unknown argument '%s' (mode=tb-inline|insn-cb|"
                    "insn-mem-cb)\n", argv[i]);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
