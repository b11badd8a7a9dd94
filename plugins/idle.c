/* Idle statistics per hart: how often each hart went to sleep (wfi with
 * nothing pending) and woke, how long it slept in guest time (read from the
 * hart's `time` CSR at both ends), and how many instructions it ran.
 *   -plugin file=libidle.so -d plugin
 * In a replay these numbers are exactly those of the recording. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_HARTS 64

struct hart_stats {
    struct qemu_plugin_register *time_reg;
    uint64_t idles, resumes;
    uint64_t slept_at;         /* guest time of the last idle */
    uint64_t slept;            /* total guest time asleep, in timer ticks */
    bool asleep;
};

static struct hart_stats harts[MAX_HARTS];
static struct qemu_plugin_scoreboard *insns;

static bool read_time(struct hart_stats *s, uint64_t *t)
{
    if (!s->time_reg)
        return false;
    GByteArray *buf = g_byte_array_new();
    bool ok = qemu_plugin_read_register(s->time_reg, buf) && buf->len == 8;
    if (ok)
        memcpy(t, buf->data, 8);
    g_byte_array_free(buf, TRUE);
    return ok;
}

static void vcpu_init(unsigned int vcpu, void *udata)
{
    if (vcpu >= MAX_HARTS)
        return;
    GArray *regs = qemu_plugin_get_registers();
    for (guint i = 0; i < regs->len; i++) {
        qemu_plugin_reg_descriptor *d = &g_array_index(regs, qemu_plugin_reg_descriptor, i);
        if (!strcmp(d->name, "time"))
            harts[vcpu].time_reg = d->handle;
    }
    g_array_free(regs, TRUE);
}

static void vcpu_idle(unsigned int vcpu, void *udata)
{
    if (vcpu >= MAX_HARTS)
        return;
    struct hart_stats *s = &harts[vcpu];
    s->idles++;
    s->asleep = read_time(s, &s->slept_at);
}

static void vcpu_resume(unsigned int vcpu, void *udata)
{
    if (vcpu >= MAX_HARTS)
        return;
    struct hart_stats *s = &harts[vcpu];
    uint64_t now;
    s->resumes++;
    if (s->asleep && read_time(s, &now) && now >= s->slept_at)
        s->slept += now - s->slept_at;
    s->asleep = false;
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(tb, QEMU_PLUGIN_INLINE_ADD_U64,
                                                      qemu_plugin_scoreboard_u64(insns),
                                                      qemu_plugin_tb_n_insns(tb));
}

static void at_exit(void *udata)
{
    GString *out = g_string_new("hart      idles    resumes   asleep (ticks)   instructions (approx.)\n");
    for (int v = 0; v < qemu_plugin_num_vcpus() && v < MAX_HARTS; v++) {
        struct hart_stats *s = &harts[v];
        g_string_append_printf(out, "%4d %10" PRIu64 " %10" PRIu64 " %16" PRIu64 " %14" PRIu64
                               "\n", v, s->idles, s->resumes, s->slept,
                               qemu_plugin_u64_get(qemu_plugin_scoreboard_u64(insns), (unsigned)v));
    }
    qemu_plugin_outs(out->str);
    g_string_free(out, TRUE);
    qemu_plugin_scoreboard_free(insns);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    if (argc) {
        fprintf(stderr, "idle: takes no arguments\n");
        return -1;
    }
    insns = qemu_plugin_scoreboard_new(sizeof(uint64_t));
    if (!insns)
        return -1;
    qemu_plugin_register_vcpu_init_cb(id, vcpu_init, NULL);
    qemu_plugin_register_vcpu_idle_cb(id, vcpu_idle, NULL);
    qemu_plugin_register_vcpu_resume_cb(id, vcpu_resume, NULL);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
