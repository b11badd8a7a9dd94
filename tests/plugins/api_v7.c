/* API exercise for plugin_test (the plugin layer driven by a fake hart
 * loop): registers one of each kind of callback and inline operation with
 * version 7 prototypes and userdata, queries what the API reports inside
 * them, and prints one summary line at exit that the test compares:
 *   api_v7: init I trans T ... (see at_exit)
 * args: uninstall=on  uninstall from the first instruction callback. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static int tag;                     /* its address is the userdata */
static struct qemu_plugin_scoreboard *sb;
static qemu_plugin_u64 ctr;
static qemu_plugin_id_t self;
static struct qemu_plugin_register *a0_reg, *pc_reg;
static const void *time_handle;
static bool do_uninstall;
static unsigned n_init, n_trans, n_tb, n_insn, n_cond, n_mem, n_idle, n_resume, n_discon;
static unsigned n_flush, bad_udata, bad_value, n_uninst;
static uint64_t a0_seen, pc_seen, discon_from, discon_to, load_val, store_val, pa_seen;
static char disas[3][32], hwname[16];

static void check_udata(void *u)
{
    if (u != &tag)
        bad_udata++;
}

static uint64_t reg(struct qemu_plugin_register *r)
{
    uint64_t v = 0;
    GByteArray *b = g_byte_array_new();
    if (qemu_plugin_read_register(r, b) && b->len == 8)
        memcpy(&v, b->data, 8);
    g_byte_array_free(b, TRUE);
    return v;
}

static void vcpu_init(unsigned int vcpu, void *u)
{
    check_udata(u);
    n_init++;
    GArray *regs = qemu_plugin_get_registers();
    for (guint i = 0; i < regs->len; i++) {
        qemu_plugin_reg_descriptor *d = &g_array_index(regs, qemu_plugin_reg_descriptor, i);
        if (!strcmp(d->name, "a0"))
            a0_reg = d->handle;
        if (!strcmp(d->name, "pc") && d->is_readonly)
            pc_reg = d->handle;
    }
    g_array_free(regs, TRUE);
}

static void uninstalled(void *u)
{
    check_udata(u);
    n_uninst++;
    qemu_plugin_outs("api_v7: uninstalled\n");
}

static void tb_exec(unsigned int vcpu, void *u)
{
    check_udata(u);
    n_tb++;
}

static void insn_exec(unsigned int vcpu, void *u)
{
    n_insn++;
    a0_seen = reg(a0_reg);
    pc_seen = reg(pc_reg);
    if (do_uninstall && n_insn == 1)
        qemu_plugin_uninstall(self, uninstalled, &tag);
}

static void cond_exec(unsigned int vcpu, void *u)
{
    check_udata(u);
    n_cond++;
}

static void mem_cb(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *u)
{
    check_udata(u);
    n_mem++;
    qemu_plugin_mem_value v = qemu_plugin_mem_get_value(info);
    if (v.type != QEMU_PLUGIN_MEM_VALUE_U64 || qemu_plugin_mem_size_shift(info) != 3)
        bad_value++;
    if (qemu_plugin_mem_is_store(info))
        store_val = v.data.u64;
    else
        load_val = v.data.u64;
    struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
    if (hw) {
        pa_seen = qemu_plugin_hwaddr_phys_addr(hw);
        snprintf(hwname, sizeof(hwname), "%s%s", qemu_plugin_hwaddr_device_name(hw),
                 qemu_plugin_hwaddr_is_io(hw) ? "(io)" : "");
    }
}

static void tb_trans(struct qemu_plugin_tb *tb, void *u)
{
    check_udata(u);
    n_trans++;
    qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS, &tag);
    for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        char *d = qemu_plugin_insn_disas(insn);
        if (n_trans == 1 && i < 3)
            snprintf(disas[i], sizeof(disas[i]), "%s", d);
        g_free(d);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_exec, QEMU_PLUGIN_CB_R_REGS, NULL);
        /* every second execution of each instruction, per hart */
        qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(insn, QEMU_PLUGIN_INLINE_ADD_U64, ctr, 1);
        qemu_plugin_register_vcpu_insn_exec_cond_cb(insn, cond_exec, QEMU_PLUGIN_CB_NO_REGS,
                                                    QEMU_PLUGIN_COND_GE, ctr, 4, &tag);
        qemu_plugin_register_vcpu_mem_cb(insn, mem_cb, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW,
                                         &tag);
    }
}

static void idle(unsigned int vcpu, void *u) { check_udata(u); n_idle++; }
static void resume(unsigned int vcpu, void *u) { check_udata(u); n_resume++; }
static void flush(void *u) { check_udata(u); n_flush++; }

static void discon(unsigned int vcpu, enum qemu_plugin_discon_type type, uint64_t from,
                   uint64_t to, void *u)
{
    check_udata(u);
    if (type == QEMU_PLUGIN_DISCON_INTERRUPT)
        n_discon++;
    discon_from = from;
    discon_to = to;
}

static void at_exit(void *u)
{
    char line[512];
    check_udata(u);
    snprintf(line, sizeof(line),
             "api_v7: init %u trans %u tb %u insn %u cond %u mem %u load %#" PRIx64
             " store %#" PRIx64 " pa %#" PRIx64 " %s idle %u resume %u discon %u %#" PRIx64 "->%#"
             PRIx64 " flush %u a0 %" PRIu64 " pc %#" PRIx64 " sum %" PRIu64 " time %s"
             " disas [%s|%s|%s] bad %u/%u\n",
             n_init, n_trans, n_tb, n_insn, n_cond, n_mem, load_val, store_val, pa_seen, hwname,
             n_idle, n_resume, n_discon, discon_from, discon_to, n_flush, a0_seen, pc_seen,
             qemu_plugin_u64_sum(ctr), time_handle ? "granted" : "refused", disas[0], disas[1],
             disas[2], bad_udata, bad_value);
    qemu_plugin_outs(line);
    qemu_plugin_scoreboard_free(sb);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "uninstall=", 10))
            qemu_plugin_bool_parse("uninstall", argv[i] + 10, &do_uninstall);
        else
            return -2;
    }
    if (info->version.cur != 7 || info->version.min != 1 || !info->system_emulation)
        return -3;
    self = id;
    sb = qemu_plugin_scoreboard_new(sizeof(uint64_t));
    ctr = qemu_plugin_scoreboard_u64(sb);
    time_handle = qemu_plugin_request_time_control();
    qemu_plugin_register_vcpu_init_cb(id, vcpu_init, &tag);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, &tag);
    qemu_plugin_register_vcpu_idle_cb(id, idle, &tag);
    qemu_plugin_register_vcpu_resume_cb(id, resume, &tag);
    qemu_plugin_register_vcpu_discon_cb(id, QEMU_PLUGIN_DISCON_ALL, discon, &tag);
    qemu_plugin_register_flush_cb(id, flush, &tag);
    qemu_plugin_register_atexit_cb(id, at_exit, &tag);
    return 0;
}
