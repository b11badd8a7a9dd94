/* Cross-check plugin for QEMU plugin API version 1: builds unchanged against
 * QEMU 7.2's qemu-plugin.h and against Reprise's (with QEMU_PLUGIN_API_VERSION
 * 1, set below), loads into qemu-system-riscv64 7.2 and into Reprise, and
 * prints at exit, through qemu_plugin_outs (so run with -d plugin):
 *     count_v1: insns N loads N stores N (cb insns N) vcpus N
 * counted with version-1 inline operations on plain counters and, as a
 * check of the callback path, with an instruction callback. Both emulators
 * must print the same numbers for the same guest. */
#define QEMU_PLUGIN_API_VERSION 1
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t insns, loads, stores, cb_insns, translated;
static int nvcpus;
static bool use_cb = true;

static void insn_cb(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    (void)udata;
    cb_insns++;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    translated += n;
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        /* Version 1's insn_data returns a pointer to the bytes. */
        const uint8_t *bytes = qemu_plugin_insn_data(insn);
        (void)bytes;
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &insns, 1);
        qemu_plugin_register_vcpu_mem_inline(insn, QEMU_PLUGIN_MEM_R,
                                             QEMU_PLUGIN_INLINE_ADD_U64, &loads, 1);
        qemu_plugin_register_vcpu_mem_inline(insn, QEMU_PLUGIN_MEM_W,
                                             QEMU_PLUGIN_INLINE_ADD_U64, &stores, 1);
        if (use_cb)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_cb, QEMU_PLUGIN_CB_NO_REGS, NULL);
    }
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
    (void)id;
    (void)udata;
    char buf[256];
    snprintf(buf, sizeof(buf),
             "count_v1: insns %" PRIu64 " loads %" PRIu64 " stores %" PRIu64
             " (cb insns %" PRIu64 ") vcpus %d\n",
             insns, loads, stores, use_cb ? cb_insns : insns, nvcpus);
    qemu_plugin_outs(buf);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "cb=", 3)) {
            if (!qemu_plugin_bool_parse("cb", argv[i] + 3, &use_cb)) {
                fprintf(stderr, "count_v1: cb= takes on or off\n");
                return -1;
            }
        } else {
            fprintf(stderr, "count_v1: unknown argument %s\n", argv[i]);
            return -1;
        }
    }
    if (!info->system_emulation || strcmp(info->target_name, "riscv64")) {
        fprintf(stderr, "count_v1: wants riscv64 system emulation\n");
        return -1;
    }
    nvcpus = qemu_plugin_n_vcpus();
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
