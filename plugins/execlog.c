/* Execution log: one line per executed instruction (hart, address, bits,
 * disassembly, symbol) followed by a line per memory access it made.
 *   -plugin file=libexeclog.so[,from=ADDR][,to=ADDR] -d plugin [-D FILE]
 * from/to (hex) limit the log to instructions in [from, to). The text of
 * each instruction is made once, at translation, and kept until the code
 * cache is flushed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static GPtrArray *texts;          /* one string per instrumented instruction */
static uint64_t lo = 0, hi = UINT64_MAX;

static void insn_exec(unsigned int vcpu, void *udata)
{
    char line[200];
    snprintf(line, sizeof(line), "%u, %s\n", vcpu, (const char *)udata);
    qemu_plugin_outs(line);
}

static void mem_access(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                       void *udata)
{
    struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
    qemu_plugin_mem_value v = qemu_plugin_mem_get_value(info);
    uint64_t x = v.type == QEMU_PLUGIN_MEM_VALUE_U8 ? v.data.u8
               : v.type == QEMU_PLUGIN_MEM_VALUE_U16 ? v.data.u16
               : v.type == QEMU_PLUGIN_MEM_VALUE_U32 ? v.data.u32 : v.data.u64;
    char line[160];
    snprintf(line, sizeof(line), "%u,   %s %u bytes at 0x%" PRIx64 " (pa 0x%" PRIx64 ", %s): 0x%"
             PRIx64 "\n", vcpu, qemu_plugin_mem_is_store(info) ? "store" : "load",
             1u << qemu_plugin_mem_size_shift(info), vaddr,
             hw ? qemu_plugin_hwaddr_phys_addr(hw) : 0, hw ? qemu_plugin_hwaddr_device_name(hw) : "?",
             x);
    qemu_plugin_outs(line);
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t va = qemu_plugin_insn_vaddr(insn);
        if (va < lo || va >= hi)
            continue;
        uint32_t bits = 0;
        size_t len = qemu_plugin_insn_data(insn, &bits, sizeof(bits));
        char *dis = qemu_plugin_insn_disas(insn);
        const char *sym = qemu_plugin_insn_symbol(insn);
        char *text = g_strdup_printf("0x%016" PRIx64 ", 0x%0*" PRIx32 ", \"%s\"%s%s", va,
                                     (int)len * 2, bits, dis ? dis : "?", sym ? " in " : "",
                                     sym ? sym : "");
        g_free(dis);
        g_ptr_array_add(texts, text);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_exec, QEMU_PLUGIN_CB_NO_REGS, text);
        qemu_plugin_register_vcpu_mem_cb(insn, mem_access, QEMU_PLUGIN_CB_NO_REGS,
                                         QEMU_PLUGIN_MEM_RW, NULL);
    }
}

/* Every block is gone: so are the instructions the texts describe. */
static void flush(void *udata)
{
    g_ptr_array_set_size(texts, 0);
}

static void at_exit(void *udata)
{
    g_ptr_array_free(texts, TRUE);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "from=", 5))
            lo = strtoull(argv[i] + 5, NULL, 16);
        else if (!strncmp(argv[i], "to=", 3))
            hi = strtoull(argv[i] + 3, NULL, 16);
        else {
            fprintf(stderr, "execlog: unknown argument %s (known: from=ADDR, to=ADDR)\n",
                    argv[i]);
            return -1;
        }
    }
    texts = g_ptr_array_new_with_free_func(g_free);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_flush_cb(id, flush, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
