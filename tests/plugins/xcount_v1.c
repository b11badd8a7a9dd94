/* Cross-check plugin for QEMU plugin API version 1, loaded unchanged into
 * qemu-system-riscv64 7.2 and into Reprise (tests/plugins/qemu-xcheck.sh).
 * Prints at exit, through qemu_plugin_outs (so run with -d plugin):
 *     xcount_v1: insns N loads N stores N load-bytes N store-bytes N addr-sum X
 * Instructions are counted with a version-1 inline add per instruction;
 * accesses with a memory callback registered for QEMU_PLUGIN_MEM_RW and
 * classified by qemu_plugin_mem_is_store (QEMU 7.2 also calls callbacks
 * registered for loads only on stores, so the filter cannot be trusted
 * there). addr-sum adds up every access's address and size, a check that
 * both emulators saw the same accesses and not just as many. */
#define QEMU_PLUGIN_API_VERSION 1
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t insns, loads, stores, load_bytes, store_bytes, addr_sum;

static void mem_cb(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    (void)vcpu;
    (void)udata;
    uint64_t size = 1ull << qemu_plugin_mem_size_shift(info);
    if (qemu_plugin_mem_is_store(info)) {
        stores++;
        store_bytes += size;
        addr_sum += vaddr * 3 + size;
    } else {
        loads++;
        load_bytes += size;
        addr_sum += vaddr + size;
    }
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &insns, 1);
        qemu_plugin_register_vcpu_mem_cb(insn, mem_cb, QEMU_PLUGIN_CB_NO_REGS,
                                         QEMU_PLUGIN_MEM_RW, NULL);
    }
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
    (void)id;
    (void)udata;
    char buf[256];
    snprintf(buf, sizeof(buf),
             "xcount_v1: insns %" PRIu64 " loads %" PRIu64 " stores %" PRIu64
             " load-bytes %" PRIu64 " store-bytes %" PRIu64 " addr-sum %016" PRIx64 "\n",
             insns, loads, stores, load_bytes, store_bytes, addr_sum);
    qemu_plugin_outs(buf);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    (void)argv;
    if (argc) {
        fprintf(stderr, "xcount_v1: takes no arguments\n");
        return -1;
    }
    if (!info->system_emulation || strcmp(info->target_name, "riscv64")) {
        fprintf(stderr, "xcount_v1: wants riscv64 system emulation\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
