/* Conformance: instruction callbacks run before the instruction executes,
 * and still run for an instruction that then faults (design.md, "The plugin
 * API"). Every instruction's callback checks that the hart's pc is the
 * instruction's address; every exception must come from the instruction
 * whose callback ran last on that hart, except a fetch fault (cause 1 or
 * 12), whose instruction never existed. */
#include "conform.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static struct qemu_plugin_register *pc_reg, *priv_reg, *mcause_reg, *scause_reg;
static uint64_t last_pc[CONFORM_MAX_HARTS];
static uint64_t checks, exceptions;

static void vcpu_init(unsigned int vcpu, void *udata)
{
    pc_reg = conform_find_reg("pc");
    priv_reg = conform_find_reg("priv");
    mcause_reg = conform_find_reg("mcause");
    scause_reg = conform_find_reg("scause");
    if (!pc_reg)
        conform_error("before: no pc register");
}

static void insn_exec(unsigned int vcpu, void *udata)
{
    uint64_t va = (uint64_t)(uintptr_t)udata;
    uint64_t pc = conform_reg(pc_reg);
    checks++;
    if (pc != va)
        conform_error("before: callback of 0x%" PRIx64 " ran with pc 0x%" PRIx64, va, pc);
    if (vcpu < CONFORM_MAX_HARTS)
        last_pc[vcpu] = va;
}

static void discon(unsigned int vcpu, enum qemu_plugin_discon_type type, uint64_t from,
                   uint64_t to, void *udata)
{
    if (type != QEMU_PLUGIN_DISCON_EXCEPTION || vcpu >= CONFORM_MAX_HARTS)
        return;
    uint64_t cause = conform_reg(conform_reg(priv_reg) == 3 ? mcause_reg : scause_reg);
    if (cause == 1 || cause == 12)
        return;     /* fetch fault: from is where fetching failed */
    exceptions++;
    checks++;
    if (from != last_pc[vcpu])
        conform_error("before: exception at 0x%" PRIx64 " but the last callback was for 0x%" PRIx64,
                      from, last_pc[vcpu]);
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_exec, QEMU_PLUGIN_CB_R_REGS,
                                               (void *)(uintptr_t)qemu_plugin_insn_vaddr(insn));
    }
}

static void at_exit(void *udata)
{
    char d[64];
    snprintf(d, sizeof(d), "%" PRIu64 " exceptions", exceptions);
    conform_verdict("before", checks, d);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    qemu_plugin_register_vcpu_init_cb(id, vcpu_init, NULL);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_vcpu_discon_cb(id, QEMU_PLUGIN_DISCON_ALL, discon, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
