/* Conformance: memory callbacks run after a successful access, one per
 * access, and never for an access that faults. A store's callback must find
 * the stored value already in memory; a plain load's callback must find in
 * memory the value it loaded (an AMO's or SC's read comes before its write,
 * so it is not checked); an instruction that raises a load or store
 * fault must have had no memory callback. */
#include "conform.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

struct pending {
    uint64_t vaddr;          /* instruction whose callbacks ran last */
    unsigned accesses;       /* memory callbacks it got so far */
};

static struct pending pend[CONFORM_MAX_HARTS];
static struct qemu_plugin_register *priv_reg, *mcause_reg, *scause_reg;
static uint64_t checks, accesses, faults;

static void vcpu_init(unsigned int vcpu, void *udata)
{
    priv_reg = conform_find_reg("priv");
    mcause_reg = conform_find_reg("mcause");
    scause_reg = conform_find_reg("scause");
}

static void insn_exec(unsigned int vcpu, void *udata)
{
    if (vcpu < CONFORM_MAX_HARTS)
        pend[vcpu] = (struct pending){ (uint64_t)(uintptr_t)udata, 0 };
}

static void mem_access(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                       void *udata)
{
    bool amo = udata != NULL;
    unsigned size = 1u << qemu_plugin_mem_size_shift(info);
    accesses++;
    if (vcpu < CONFORM_MAX_HARTS)
        pend[vcpu].accesses++;
    struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
    if (!hw || qemu_plugin_hwaddr_is_io(hw) || (amo && !qemu_plugin_mem_is_store(info)))
        return;   /* devices cannot be read back; an AMO's load precedes its store */
    qemu_plugin_mem_value v = qemu_plugin_mem_get_value(info);
    uint64_t want = size == 1 ? v.data.u8 : size == 2 ? v.data.u16 : size == 4 ? v.data.u32
                                                                              : v.data.u64;
    uint64_t have = 0;
    GByteArray *b = g_byte_array_new();
    checks++;
    if (!qemu_plugin_read_memory_vaddr(vaddr, b, size))
        conform_error("memafter: cannot read back 0x%" PRIx64, vaddr);
    else {
        memcpy(&have, b->data, size);
        if (have != want)
            conform_error("memafter: %s of 0x%" PRIx64 " at 0x%" PRIx64 " but memory holds 0x%"
                          PRIx64 " in its callback", qemu_plugin_mem_is_store(info) ? "store"
                          : "load", want, vaddr, have);
    }
    g_byte_array_free(b, TRUE);
}

static void discon(unsigned int vcpu, enum qemu_plugin_discon_type type, uint64_t from,
                   uint64_t to, void *udata)
{
    if (type != QEMU_PLUGIN_DISCON_EXCEPTION || vcpu >= CONFORM_MAX_HARTS)
        return;
    uint64_t cause = conform_reg(conform_reg(priv_reg) == 3 ? mcause_reg : scause_reg);
    bool mem_fault = (cause >= 4 && cause <= 7) || cause == 13 || cause == 15;
    if (!mem_fault || pend[vcpu].vaddr != from)
        return;
    faults++;
    checks++;
    if (pend[vcpu].accesses)
        conform_error("memafter: faulting access at 0x%" PRIx64 " (cause %" PRIu64 ") had %u "
                      "memory callbacks", from, cause, pend[vcpu].accesses);
}

static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint32_t bits = 0;
        size_t len = qemu_plugin_insn_data(insn, &bits, sizeof(bits));
        /* AMOs and SCs (not LRs) report a read, then a write */
        bool amo = len == 4 && (bits & 0x7f) == 0x2f && (bits >> 27) != 2;
        qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_exec, QEMU_PLUGIN_CB_NO_REGS,
                                               (void *)(uintptr_t)qemu_plugin_insn_vaddr(insn));
        qemu_plugin_register_vcpu_mem_cb(insn, mem_access, QEMU_PLUGIN_CB_NO_REGS,
                                         QEMU_PLUGIN_MEM_RW, amo ? (void *)1 : NULL);
    }
}

static void at_exit(void *udata)
{
    char d[96];
    snprintf(d, sizeof(d), "%" PRIu64 " accesses, %" PRIu64 " faulting", accesses, faults);
    conform_verdict("memafter", checks, d);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    qemu_plugin_register_vcpu_init_cb(id, vcpu_init, NULL);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
    qemu_plugin_register_vcpu_discon_cb(id, QEMU_PLUGIN_DISCON_EXCEPTION, discon, NULL);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
