/* Conformance: a plugin that changes the host FPU's mode must not change
 * what the guest computes. Before every floating-point computation (major
 * opcodes OP-FP and the four FMAs) an instruction callback moves the host
 * to the next of four modes: round up, round toward zero, flush-to-zero
 * with denormals-are-zero, and the default one; it never puts the mode
 * back itself. With every=N only each Nth such callback changes it. The
 * test runs a guest with and without this plugin and compares the guest's
 * output; the verdict line only says that the mode changed, and how often.
 * With unmask=on the callback unmasks the inexact exception instead, which
 * Reprise must report as the plugin's fault (exit status 2). */
#include <stdlib.h>

#include "conform.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t every = 1, seen, changes;
static bool unmask;
static const unsigned modes[] = {
    0x1f80 | 0x4000,            /* round up */
    0x1f80 | 0x6000,            /* round toward zero */
    0x1f80 | 0x8000 | 0x0040,   /* flush to zero, denormals are zero */
    0x1f80,                     /* the default */
};

static void set_mxcsr(unsigned v)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
#else
    (void)v;
#endif
}

static void before_fp(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    (void)udata;
    if (seen++ % every)
        return;
    set_mxcsr(unmask ? 0x1f80 & ~0x1000u : modes[changes % 4]);
    changes++;
}

static bool is_fp_compute(const struct qemu_plugin_insn *insn)
{
    uint32_t raw = 0;
    if (qemu_plugin_insn_data(insn, &raw, sizeof(raw)) != 4)
        return false;
    unsigned major = raw & 0x7f;
    return major == 0x53 || major == 0x43 || major == 0x47 || major == 0x4b || major == 0x4f;
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    (void)udata;
    for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        if (is_fp_compute(insn))
            qemu_plugin_register_vcpu_insn_exec_cb(insn, before_fp, QEMU_PLUGIN_CB_NO_REGS,
                                                   NULL);
    }
}

static void at_exit(void *udata)
{
    (void)udata;
    set_mxcsr(0x1f80);
    if (!changes)
        conform_error("fpmode: no floating-point instruction ran, so the mode never changed");
    char d[128];
    snprintf(d, sizeof(d), "%" PRIu64 " FP instructions, %" PRIu64 " mode changes", seen,
             changes);
    conform_verdict("fpmode", changes, d);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "every=", 6) && atoll(argv[i] + 6) > 0) {
            every = (uint64_t)atoll(argv[i] + 6);
        } else if (!strncmp(argv[i], "unmask=", 7) &&
                   qemu_plugin_bool_parse("unmask", argv[i] + 7, &unmask)) {
            continue;
        } else {
            fprintf(stderr, "fpmode: unknown argument '%s' (every=N, unmask=on|off)\n", argv[i]);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
