/* Wild-access report: every load, store or fetch fault whose faulting
 * address lies below a limit (default 0x1000: a null-pointer dereference),
 * with the hart, the hart's instruction count at the faulting instruction,
 * the privilege it ran at, its pc and the address. In a replay the report
 * is the same every time, so a crash seen once can be found again at the
 * same instruction.
 *   -plugin file=libfaults.so[,below=ADDR][,all=on] -d plugin
 * all=on reports every such fault whatever its address (demand paging makes
 * that a long list on an operating system). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static struct qemu_plugin_scoreboard *insns;    /* per hart: instructions begun */
static struct qemu_plugin_register *mcause, *scause, *mtval, *stval;
static struct qemu_plugin_register *mstatus, *sstatus, *priv;
static uint64_t below = 0x1000;
static bool all;
static uint64_t reported;

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
    static const struct { const char *name; struct qemu_plugin_register **h; } want[] = {
        { "mcause", &mcause }, { "scause", &scause }, { "mtval", &mtval },
        { "stval", &stval }, { "mstatus", &mstatus }, { "sstatus", &sstatus },
        { "priv", &priv },
    };
    GArray *regs = qemu_plugin_get_registers();
    for (guint i = 0; i < regs->len; i++) {
        qemu_plugin_reg_descriptor *d = &g_array_index(regs, qemu_plugin_reg_descriptor, i);
        for (size_t j = 0; j < sizeof want / sizeof want[0]; j++)
            if (!strcmp(d->name, want[j].name))
                *want[j].h = d->handle;
    }
    g_array_free(regs, TRUE);
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++)
        qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
            qemu_plugin_tb_get_insn(tb, i), QEMU_PLUGIN_INLINE_ADD_U64,
            qemu_plugin_scoreboard_u64(insns), 1);
}

static bool is_access_fault(uint64_t cause)
{
    /* fetch/load/store access faults and page faults */
    return cause == 1 || cause == 5 || cause == 7 || cause == 12 || cause == 13 ||
           cause == 15;
}

static void discon(unsigned int vcpu, enum qemu_plugin_discon_type type, uint64_t from,
                   uint64_t to, void *udata)
{
    static const char *const kind[16] = {
        [1] = "fetch access fault", [5] = "load access fault", [7] = "store access fault",
        [12] = "fetch page fault", [13] = "load page fault", [15] = "store page fault",
    };
    static const char mode[4] = { 'U', 'S', '?', 'M' };
    if (type != QEMU_PLUGIN_DISCON_EXCEPTION)
        return;
    /* The handler already runs: its privilege says which CSRs it got. */
    bool m = read_reg(priv) == 3;
    uint64_t cause = read_reg(m ? mcause : scause);
    uint64_t addr = read_reg(m ? mtval : stval);
    if (!is_access_fault(cause) || (!all && addr >= below))
        return;
    /* The previous privilege: mstatus.MPP or sstatus.SPP. */
    unsigned from_mode = m ? (unsigned)(read_reg(mstatus) >> 11) & 3
                           : (unsigned)(read_reg(sstatus) >> 8) & 1;
    uint64_t n = qemu_plugin_u64_get(qemu_plugin_scoreboard_u64(insns), vcpu);
    char line[192];
    snprintf(line, sizeof line,
             "fault: hart %u insn %" PRIu64 " %c-mode pc 0x%" PRIx64 " %s at 0x%" PRIx64 "\n",
             vcpu, n, mode[from_mode], from, kind[cause], addr);
    qemu_plugin_outs(line);
    reported++;
}

static void at_exit(void *udata)
{
    char line[64];
    snprintf(line, sizeof line, "faults reported: %" PRIu64 "\n", reported);
    qemu_plugin_outs(line);
    qemu_plugin_scoreboard_free(insns);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        char *end;
        if (eq && !strncmp(argv[i], "below", (size_t)(eq - argv[i])) && eq - argv[i] == 5) {
            below = strtoull(eq + 1, &end, 0);
            if (*end || end == eq + 1) {
                fprintf(stderr, "faults: below wants an address, not '%s'\n", eq + 1);
                return -1;
            }
        } else if (eq && eq - argv[i] == 3 && !strncmp(argv[i], "all", 3)) {
            if (!qemu_plugin_bool_parse("all", eq + 1, &all)) {
                fprintf(stderr, "faults: all wants on or off, not '%s'\n", eq + 1);
                return -1;
            }
        } else {
            fprintf(stderr, "faults: unknown argument '%s' (below=ADDR, all=on|off)\n", argv[i]);
            return -1;
        }
    }
    insns = qemu_plugin_scoreboard_new(sizeof(uint64_t));
    qemu_plugin_register_vcpu_init_cb(id, vcpu_init, NULL);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_vcpu_discon_cb(id, QEMU_PLUGIN_DISCON_EXCEPTION, discon, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
