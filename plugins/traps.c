/* Trap counter: every interrupt and exception each hart took, by cause (read
 * from mcause or scause, whichever the handler's privilege uses) and by
 * handler address.
 *   -plugin file=libtraps.so -d plugin */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

struct key {
    uint64_t cause, handler;
    bool interrupt;
};

static GHashTable *counts;      /* struct key -> uint64_t count */
static struct qemu_plugin_register *mcause, *scause, *priv;

static guint key_hash(gconstpointer p)
{
    const struct key *k = p;
    return g_int64_hash(&k->cause) ^ g_int64_hash(&k->handler) ^ k->interrupt;
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
    const struct key *x = a, *y = b;
    return x->cause == y->cause && x->handler == y->handler && x->interrupt == y->interrupt;
}

static uint64_t read_reg(struct qemu_plugin_register *r)
{
    uint64_t v = 0;
    if (!r)
        return 0;
    GByteArray *buf = g_byte_array_new();
    if (qemu_plugin_read_register(r, buf) && buf->len >= 8)
        memcpy(&v, buf->data, 8);
    g_byte_array_free(buf, TRUE);
    return v;
}

static void vcpu_init(unsigned int vcpu, void *udata)
{
    GArray *regs = qemu_plugin_get_registers();
    for (guint i = 0; i < regs->len; i++) {
        qemu_plugin_reg_descriptor *d = &g_array_index(regs, qemu_plugin_reg_descriptor, i);
        if (!strcmp(d->name, "mcause"))
            mcause = d->handle;
        else if (!strcmp(d->name, "scause"))
            scause = d->handle;
        else if (!strcmp(d->name, "priv"))
            priv = d->handle;
    }
    g_array_free(regs, TRUE);
}

static void discon(unsigned int vcpu, enum qemu_plugin_discon_type type, uint64_t from,
                   uint64_t to, void *udata)
{
    /* The handler already runs: its privilege says which cause CSR it got. */
    uint64_t cause = read_reg(read_reg(priv) == 3 ? mcause : scause);
    struct key k = { cause & ~(1ULL << 63), to, type == QEMU_PLUGIN_DISCON_INTERRUPT };
    uint64_t *n = g_hash_table_lookup(counts, &k);
    if (!n) {
        struct key *kk = g_new(struct key, 1);
        *kk = k;
        n = g_new0(uint64_t, 1);
        g_hash_table_insert(counts, kk, n);
    }
    (*n)++;
}

static const char *cause_name(bool interrupt, uint64_t c)
{
    static const char *const exc[16] = {
        "instruction misaligned", "instruction access fault", "illegal instruction",
        "breakpoint", "load misaligned", "load access fault", "store misaligned",
        "store access fault", "ecall from U", "ecall from S", NULL, "ecall from M",
        "instruction page fault", "load page fault", NULL, "store page fault",
    };
    static const char *const irq[12] = {
        NULL, "S software", NULL, "M software", NULL, "S timer", NULL, "M timer",
        NULL, "S external", NULL, "M external",
    };
    const char *s = interrupt ? (c < 12 ? irq[c] : NULL) : (c < 16 ? exc[c] : NULL);
    return s ? s : "?";
}

static void at_exit(void *udata)
{
    GHashTableIter it;
    gpointer kp, vp;
    uint64_t total = 0;
    GString *out = g_string_new("kind       cause                         handler              count\n");
    g_hash_table_iter_init(&it, counts);
    while (g_hash_table_iter_next(&it, &kp, &vp)) {
        const struct key *k = kp;
        uint64_t n = *(uint64_t *)vp;
        total += n;
        g_string_append_printf(out, "%-10s %2" PRIu64 " %-26s 0x%016" PRIx64 " %8" PRIu64 "\n",
                               k->interrupt ? "interrupt" : "exception", k->cause,
                               cause_name(k->interrupt, k->cause), k->handler, n);
    }
    g_string_append_printf(out, "total: %" PRIu64 " traps\n", total);
    qemu_plugin_outs(out->str);
    g_string_free(out, TRUE);
    g_hash_table_destroy(counts);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    if (argc) {
        fprintf(stderr, "traps: takes no arguments\n");
        return -1;
    }
    counts = g_hash_table_new_full(key_hash, key_equal, g_free, g_free);
    qemu_plugin_register_vcpu_init_cb(id, vcpu_init, NULL);
    qemu_plugin_register_vcpu_discon_cb(id, QEMU_PLUGIN_DISCON_ALL, discon, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
