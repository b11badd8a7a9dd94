/* Conformance: qemu_plugin_set_pc. The plugin executes every 32-bit addi
 * itself, from an instruction callback registered with
 * QEMU_PLUGIN_CB_RW_REGS_PC: it writes rd with qemu_plugin_write_register,
 * then skips the instruction with qemu_plugin_set_pc(pc + 4). The guest can
 * only pass if every redirection lands right after its addi with nothing of
 * the addi executed (an `addi sp, sp, -16` run twice breaks it). Checked
 * besides, on every hart: set_pc does not return; the next instruction
 * callback is the target's, with the pc register at the target and instret
 * unchanged (the skipped addi did not retire), unless a trap came between;
 * set_pc from a callback registered with QEMU_PLUGIN_CB_RW_REGS (no _PC), at
 * the start of every block, returns and changes nothing; a register write
 * from a callback registered with QEMU_PLUGIN_CB_NO_REGS is refused, also
 * as the first callback of a block entered from one whose last callback
 * reads registers.
 * With mode=refused (record and replay refuse both writes), every set_pc
 * must return and the addi then runs as usual. */
#include "conform.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static const char *const gpr_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
};

static struct qemu_plugin_register *gpr[32], *pc_reg, *instret_reg;
static bool refused_mode;

/* Where the last redirection of each hart must land; 0: none pending. */
static struct {
    uint64_t target, instret;
} expect[CONFORM_MAX_HARTS];

static uint64_t checks, redirected, refused, plain_refused, not_taken, noregs_refused;

static void vcpu_init(unsigned int vcpu, void *udata)
{
    for (int i = 0; i < 32; i++)
        gpr[i] = conform_find_reg(gpr_names[i]);
    pc_reg = conform_find_reg("pc");
    instret_reg = conform_find_reg("instret");
    if (!pc_reg || !instret_reg || !gpr[31])
        conform_error("setpc: registers missing");
}

/* Every instruction: lands where the last redirection said. */
static void insn_check(unsigned int vcpu, void *udata)
{
    uint64_t va = (uint64_t)(uintptr_t)udata;
    if (vcpu >= CONFORM_MAX_HARTS || !expect[vcpu].target)
        return;
    checks++;
    if (va != expect[vcpu].target || conform_reg(pc_reg) != va)
        conform_error("setpc: redirected to 0x%" PRIx64 " but went on at 0x%" PRIx64
                      " (pc 0x%" PRIx64 ")", expect[vcpu].target, va, conform_reg(pc_reg));
    else if (conform_reg(instret_reg) != expect[vcpu].instret)
        conform_error("setpc: the addi skipped before 0x%" PRIx64 " retired", va);
    expect[vcpu].target = 0;
}

/* A 32-bit addi (udata: its bits), executed here and skipped. */
static void addi_exec(unsigned int vcpu, void *udata)
{
    uint32_t bits = (uint32_t)(uintptr_t)udata;
    unsigned rd = (bits >> 7) & 31, rs1 = (bits >> 15) & 31;
    int64_t imm = (int32_t)bits >> 20;
    uint64_t pc = conform_reg(pc_reg);
    uint64_t value = (rs1 ? conform_reg(gpr[rs1]) : 0) + (uint64_t)imm;
    bool wrote = true;
    if (rd) {
        GByteArray *b = g_byte_array_new();
        g_byte_array_append(b, (const guint8 *)&value, 8);
        wrote = qemu_plugin_write_register(gpr[rd], b);
        g_byte_array_free(b, TRUE);
    }
    if (refused_mode) {
        checks++;
        if (rd && wrote)
            conform_error("setpc: write_register was allowed in a mode that must refuse it");
        qemu_plugin_set_pc(pc + 4);
        refused++;     /* returned: the addi runs as usual */
        return;
    }
    if (!wrote) {
        conform_error("setpc: cannot write %s", gpr_names[rd]);
        return;
    }
    if (vcpu < CONFORM_MAX_HARTS) {
        expect[vcpu].target = pc + 4;
        expect[vcpu].instret = conform_reg(instret_reg);
    }
    redirected++;
    qemu_plugin_set_pc(pc + 4);
    /* Not reached when set_pc works. */
    redirected--;
    not_taken++;
    if (vcpu < CONFORM_MAX_HARTS)
        expect[vcpu].target = 0;
    conform_error("setpc: qemu_plugin_set_pc returned in a callback registered with "
                  "QEMU_PLUGIN_CB_RW_REGS_PC at 0x%" PRIx64, pc);
}

/* Block starts: set_pc without QEMU_PLUGIN_CB_RW_REGS_PC must return. */
static void plain_exec(unsigned int vcpu, void *udata)
{
    uint64_t va = (uint64_t)(uintptr_t)udata;
    qemu_plugin_set_pc(va + 2);
    plain_refused++;
    checks++;
}

/* Block starts, registered with QEMU_PLUGIN_CB_NO_REGS: writing a
 * register must fail (were it to succeed, t6 would be clobbered). */
static void noregs_exec(unsigned int vcpu, void *udata)
{
    uint64_t junk = 0xdead0000dead0000ull;
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *)&junk, 8);
    if (qemu_plugin_write_register(gpr[31], b))
        conform_error("setpc: write_register succeeded from a QEMU_PLUGIN_CB_NO_REGS callback");
    else
        noregs_refused++;
    g_byte_array_free(b, TRUE);
    checks++;
}

/* A trap between a redirection and its target: nothing to expect. */
static void discon(unsigned int vcpu, enum qemu_plugin_discon_type type, uint64_t from,
                   uint64_t to, void *udata)
{
    if (vcpu < CONFORM_MAX_HARTS)
        expect[vcpu].target = 0;
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t va = qemu_plugin_insn_vaddr(insn);
        uint32_t bits = 0;
        size_t len = qemu_plugin_insn_data(insn, &bits, sizeof(bits));
        /* First in the block, right after the previous block's last
         * callback, which reads registers. */
        if (i == 0)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, noregs_exec, QEMU_PLUGIN_CB_NO_REGS,
                                                   NULL);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_check, QEMU_PLUGIN_CB_R_REGS,
                                               (void *)(uintptr_t)va);
        if (i == 0)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, plain_exec, QEMU_PLUGIN_CB_RW_REGS,
                                                   (void *)(uintptr_t)va);
        if (len == 4 && (bits & 0x707f) == 0x13)     /* addi */
            qemu_plugin_register_vcpu_insn_exec_cb(insn, addi_exec, QEMU_PLUGIN_CB_RW_REGS_PC,
                                                   (void *)(uintptr_t)bits);
    }
}

static void at_exit(void *udata)
{
    char d[160];
    if (refused_mode ? (redirected || !refused) : (!redirected || not_taken))
        conform_error("setpc: %" PRIu64 " redirections, %" PRIu64 " refused in %s mode",
                      redirected, refused, refused_mode ? "refused" : "run");
    if (!plain_refused)
        conform_error("setpc: no set_pc from a QEMU_PLUGIN_CB_RW_REGS callback was tried");
    if (!noregs_refused)
        conform_error("setpc: no register write from a QEMU_PLUGIN_CB_NO_REGS callback was tried");
    snprintf(d, sizeof(d), "%" PRIu64 " redirected, %" PRIu64 " refused, %" PRIu64
             " refused without _PC", redirected, refused, plain_refused);
    conform_verdict("setpc", checks, d);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "mode=refused")) {
            refused_mode = true;
        } else if (strcmp(argv[i], "mode=run")) {
            fprintf(stderr, "setpc: unknown argument %s (mode=run|refused)\n", argv[i]);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_init_cb(id, vcpu_init, NULL);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_vcpu_discon_cb(id, QEMU_PLUGIN_DISCON_ALL, discon, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
