/* Hottest blocks: how often each translated block started executing, how
 * many times it was translated, and its symbol; prints the top N at exit.
 *   -plugin file=libhotblocks.so[,n=20] -d plugin
 * Blocks are told apart by virtual address and length; each gets its own
 * scoreboard so that counting stays an inline operation. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

struct block {
    uint64_t vaddr;
    size_t insns;
    uint64_t translations;
    const char *symbol;
    struct qemu_plugin_scoreboard *execs;
};

static GHashTable *blocks;      /* key: vaddr ^ insns << 56 */
static unsigned top = 20;

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
    size_t n = qemu_plugin_tb_n_insns(tb);
    uint64_t key = vaddr ^ ((uint64_t)n << 56);
    struct block *b = g_hash_table_lookup(blocks, &key);
    if (!b) {
        b = g_new0(struct block, 1);
        b->vaddr = vaddr;
        b->insns = n;
        b->symbol = qemu_plugin_insn_symbol(qemu_plugin_tb_get_insn(tb, 0));
        b->execs = qemu_plugin_scoreboard_new(sizeof(uint64_t));
        uint64_t *k = g_new(uint64_t, 1);
        *k = key;
        g_hash_table_insert(blocks, k, b);
    }
    b->translations++;
    qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(tb, QEMU_PLUGIN_INLINE_ADD_U64,
                                                      qemu_plugin_scoreboard_u64(b->execs), 1);
}

static uint64_t execs(const struct block *b)
{
    return qemu_plugin_u64_sum(qemu_plugin_scoreboard_u64(b->execs));
}

static gint by_execs(gconstpointer a, gconstpointer b)
{
    uint64_t x = execs(a), y = execs(b);
    return x < y ? 1 : x > y ? -1 : 0;
}

static void at_exit(void *udata)
{
    GList *all = g_list_sort(g_hash_table_get_values(blocks), by_execs);
    GString *out = g_string_new("");
    g_string_append_printf(out, "%u distinct blocks; hottest:\n"
                           "  address            insns  executions  translations  symbol\n",
                           g_hash_table_size(blocks));
    unsigned i = 0;
    for (GList *l = all; l && i < top; l = l->next, i++) {
        struct block *b = l->data;
        g_string_append_printf(out, "  0x%016" PRIx64 " %5zu %11" PRIu64 " %13" PRIu64 "  %s\n",
                               b->vaddr, b->insns, execs(b), b->translations,
                               b->symbol ? b->symbol : "");
    }
    qemu_plugin_outs(out->str);
    g_string_free(out, TRUE);
    g_list_free(all);
    g_hash_table_destroy(blocks);
}

static void free_block(gpointer p)
{
    struct block *b = p;
    qemu_plugin_scoreboard_free(b->execs);
    g_free(b);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "n=", 2) && atoi(argv[i] + 2) > 0) {
            top = (unsigned)atoi(argv[i] + 2);
            continue;
        }
        fprintf(stderr, "hotblocks: unknown argument %s (known: n=COUNT)\n", argv[i]);
        return -1;
    }
    blocks = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, free_block);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
