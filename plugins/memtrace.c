/* Memory trace: every load and store with its virtual and physical address,
 * size, value and target (RAM or a device), and at exit the pages accessed
 * most, with load and store counts.
 *   -plugin file=libmemtrace.so[,trace=on|off][,pages=N] -d plugin
 * trace=off (the default) keeps only the per-page counts. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

struct page {
    uint64_t addr;            /* physical page address */
    const char *device;
    uint64_t loads, stores;
};

static GHashTable *pages;
static bool trace;
static unsigned top = 16;

static void mem_access(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                       void *udata)
{
    struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
    uint64_t pa = hw ? qemu_plugin_hwaddr_phys_addr(hw) : vaddr;
    const char *dev = hw ? qemu_plugin_hwaddr_device_name(hw) : "?";
    bool store = qemu_plugin_mem_is_store(info);
    uint64_t key = pa & ~0xfffULL;
    struct page *p = g_hash_table_lookup(pages, &key);
    if (!p) {
        p = g_new0(struct page, 1);
        p->addr = key;
        p->device = dev;
        g_hash_table_insert(pages, &p->addr, p);
    }
    if (store)
        p->stores++;
    else
        p->loads++;
    if (trace) {
        qemu_plugin_mem_value v = qemu_plugin_mem_get_value(info);
        uint64_t x = v.type == QEMU_PLUGIN_MEM_VALUE_U8 ? v.data.u8
                   : v.type == QEMU_PLUGIN_MEM_VALUE_U16 ? v.data.u16
                   : v.type == QEMU_PLUGIN_MEM_VALUE_U32 ? v.data.u32 : v.data.u64;
        char line[160];
        snprintf(line, sizeof(line),
                 "hart %u %s %u va 0x%" PRIx64 " pa 0x%" PRIx64 " %s = 0x%" PRIx64 "\n", vcpu,
                 store ? "store" : "load ", 1u << qemu_plugin_mem_size_shift(info), vaddr, pa,
                 dev, x);
        qemu_plugin_outs(line);
    }
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++)
        qemu_plugin_register_vcpu_mem_cb(qemu_plugin_tb_get_insn(tb, i), mem_access,
                                         QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
}

static gint by_total(gconstpointer a, gconstpointer b)
{
    const struct page *x = a, *y = b;
    uint64_t tx = x->loads + x->stores, ty = y->loads + y->stores;
    return tx < ty ? 1 : tx > ty ? -1 : (x->addr > y->addr) - (x->addr < y->addr);
}

static void at_exit(void *udata)
{
    GList *all = g_list_sort(g_hash_table_get_values(pages), by_total);
    GString *out = g_string_new("");
    g_string_append_printf(out, "%u pages accessed; busiest:\n"
                           "  page                    loads     stores  target\n",
                           g_hash_table_size(pages));
    unsigned i = 0;
    for (GList *l = all; l && i < top; l = l->next, i++) {
        struct page *p = l->data;
        g_string_append_printf(out, "  0x%016" PRIx64 " %10" PRIu64 " %10" PRIu64 "  %s\n",
                               p->addr, p->loads, p->stores, p->device);
    }
    qemu_plugin_outs(out->str);
    g_string_free(out, TRUE);
    g_list_free(all);
    g_hash_table_destroy(pages);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "trace=", 6) && qemu_plugin_bool_parse("trace", argv[i] + 6, &trace))
            continue;
        if (!strncmp(argv[i], "pages=", 6) && atoi(argv[i] + 6) > 0) {
            top = (unsigned)atoi(argv[i] + 6);
            continue;
        }
        fprintf(stderr, "memtrace: unknown argument %s (known: trace=on|off, pages=N)\n",
                argv[i]);
        return -1;
    }
    pages = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
