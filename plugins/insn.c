/* Instruction counter: counts the instructions each hart executes (an
 * instruction that faults counts, as its callbacks ran) and prints the
 * counts at exit.
 *   -plugin file=libinsn.so[,inline=on|off] -d plugin
 * inline=on (the default) counts with inline operations on a scoreboard;
 * inline=off calls back into the plugin for every instruction, which is far
 * slower and gives the same numbers. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static struct qemu_plugin_scoreboard *counts;
static qemu_plugin_u64 count;
static bool use_inline = true;

static void insn_exec(unsigned int vcpu, void *udata)
{
    qemu_plugin_u64_add(count, vcpu, 1);
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        if (use_inline)
            qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                                count, 1);
        else
            qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_exec, QEMU_PLUGIN_CB_NO_REGS, NULL);
    }
}

static void at_exit(void *udata)
{
    char line[96];
    for (int i = 0; i < qemu_plugin_num_vcpus(); i++) {
        snprintf(line, sizeof(line), "hart %d: %" PRIu64 " instructions\n", i,
                 qemu_plugin_u64_get(count, (unsigned)i));
        qemu_plugin_outs(line);
    }
    snprintf(line, sizeof(line), "total: %" PRIu64 " instructions\n", qemu_plugin_u64_sum(count));
    qemu_plugin_outs(line);
    qemu_plugin_scoreboard_free(counts);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (eq && !strncmp(argv[i], "inline", (size_t)(eq - argv[i])) &&
            qemu_plugin_bool_parse("inline", eq + 1, &use_inline))
            continue;
        fprintf(stderr, "insn: unknown argument %s (known: inline=on|off)\n", argv[i]);
        return -1;
    }
    counts = qemu_plugin_scoreboard_new(sizeof(uint64_t));
    if (!counts)
        return -1;
    count = qemu_plugin_scoreboard_u64(counts);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
