/* Conformance: idle and resume callbacks mark a hart sleeping in wfi. A hart
 * goes idle only right after executing a wfi, idle and resume alternate
 * (starting with idle), and no instruction runs on a hart between its idle
 * and its resume. At exit a hart may still be asleep (the machine stopped
 * while it slept).
 *   args: min-idles=N  fail unless at least N idle transitions happened */
#include <stdlib.h>

#include "conform.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define WFI 0x10500073u

static bool asleep[CONFORM_MAX_HARTS], after_wfi[CONFORM_MAX_HARTS];
static uint64_t checks, idles, resumes, wfis, min_idles;

static void insn_exec(unsigned int vcpu, void *udata)
{
    if (vcpu >= CONFORM_MAX_HARTS)
        return;
    checks++;
    if (asleep[vcpu])
        conform_error("idleresume: hart %u executed 0x%" PRIx64 " while idle", vcpu,
                      (uint64_t)(uintptr_t)udata);
    after_wfi[vcpu] = false;
}

static void wfi_exec(unsigned int vcpu, void *udata)
{
    insn_exec(vcpu, udata);
    wfis++;
    if (vcpu < CONFORM_MAX_HARTS)
        after_wfi[vcpu] = true;
}

static void vcpu_idle(unsigned int vcpu, void *udata)
{
    if (vcpu >= CONFORM_MAX_HARTS)
        return;
    idles++;
    checks += 2;
    if (asleep[vcpu])
        conform_error("idleresume: hart %u went idle twice without resuming", vcpu);
    if (!after_wfi[vcpu])
        conform_error("idleresume: hart %u went idle but its last instruction was no wfi", vcpu);
    asleep[vcpu] = true;
}

static void vcpu_resume(unsigned int vcpu, void *udata)
{
    if (vcpu >= CONFORM_MAX_HARTS)
        return;
    resumes++;
    checks++;
    if (!asleep[vcpu])
        conform_error("idleresume: hart %u resumed without having gone idle", vcpu);
    asleep[vcpu] = false;
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint32_t bits = 0;
        qemu_plugin_insn_data(insn, &bits, sizeof(bits));
        qemu_plugin_register_vcpu_insn_exec_cb(insn, bits == WFI ? wfi_exec : insn_exec,
                                               QEMU_PLUGIN_CB_NO_REGS,
                                               (void *)(uintptr_t)qemu_plugin_insn_vaddr(insn));
    }
}

static void at_exit(void *udata)
{
    char d[128];
    if (idles < min_idles)
        conform_error("idleresume: %" PRIu64 " idle transitions, wanted at least %" PRIu64,
                      idles, min_idles);
    snprintf(d, sizeof(d), "%" PRIu64 " wfi, %" PRIu64 " idle, %" PRIu64 " resume", wfis, idles,
             resumes);
    conform_verdict("idleresume", checks, d);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "min-idles=", 10))
            min_idles = strtoull(argv[i] + 10, NULL, 0);
        else
            return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_vcpu_idle_cb(id, vcpu_idle, NULL);
    qemu_plugin_register_vcpu_resume_cb(id, vcpu_resume, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
