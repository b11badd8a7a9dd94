/* The plugin layer's internal interface: what the emulator calls (hooks at
 * translation, idle/resume, traps, flushes, exit) and the records that
 * instrumentation leaves in translated blocks. The public, QEMU-compatible
 * API (include/reprise/qemu-plugin.h) is implemented on top of this in
 * src/plugins/api.c; the loader in src/plugins/loader.c. Plugins see only the
 * public API; the emulator sees only this header. */
#ifndef REPRISE_PLUGIN_H
#define REPRISE_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hart;
struct machine;
struct machine_config;
struct plugin;

/* ---- instrumentation records ----------------------------------------------
 * One record per registered callback or inline operation. Records are
 * allocated by the plugin layer during the translation callback and live
 * until the next full code flush (plugin_flush), so translated blocks may
 * point at them. Lists keep registration order. */

enum plugin_cb_kind {
    PCB_CB,            /* call fn(vcpu_index, userdata) */
    PCB_COND_CB,       /* call fn if *entry(vcpu) <cond> imm */
    PCB_INLINE_ADD,    /* *entry(vcpu) += imm */
    PCB_INLINE_STORE,  /* *entry(vcpu) = imm */
    PCB_MEM_CB,        /* memory: call fn(vcpu_index, meminfo, vaddr, userdata) */
};

/* QEMU's qemu_plugin_cond values */
enum plugin_cond { PCOND_NEVER, PCOND_ALWAYS, PCOND_EQ, PCOND_NE, PCOND_LT, PCOND_LE,
                   PCOND_GT, PCOND_GE };

/* QEMU's qemu_plugin_mem_rw values */
enum { PMEM_R = 1, PMEM_W = 2, PMEM_RW = 3 };

/* The emulator reads a record's fields when it runs it, not when it
 * translates: a plugin's reset or uninstall disables its records in place
 * (inline ops then touch a scratch word, conditions become NEVER,
 * callbacks become no-ops). */
struct plugin_cb {
    enum plugin_cb_kind kind;
    struct plugin *owner;
    void *fn;
    void *userdata;
    unsigned rw;          /* PCB_MEM_CB, inline mem ops: PMEM_* filter */
    /* inline ops and conditions: entry(vcpu) = (uint64_t *)(base + vcpu * stride) */
    char *base;
    size_t stride;        /* 0 for a v1 inline op on a raw pointer */
    uint64_t imm;
    enum plugin_cond cond;
    bool set_pc;          /* PCB_CB, PCB_COND_CB registered with
                           * QEMU_PLUGIN_CB_RW_REGS_PC: may call qemu_plugin_set_pc */
    bool no_regs;         /* callbacks registered with QEMU_PLUGIN_CB_NO_REGS: read no
                           * registers, so the pc and icount may be stale when it runs */
    struct plugin_cb *next;
};

/* What a plugin sees of an instruction while a block is translated
 * (struct qemu_plugin_insn). */
struct plugin_insn {
    uint64_t vaddr;
    uint64_t paddr;
    void *haddr;          /* host pointer into guest RAM, NULL outside RAM */
    uint32_t data;        /* instruction bits, little-endian */
    unsigned len;         /* 2 or 4 */
    unsigned op_kind;     /* enum op_kind (decode.h) */
    bool is_mem;          /* loads, stores, AMOs */
    struct plugin_cb *exec_cbs, **exec_tail;   /* before the instruction */
    struct plugin_cb *mem_cbs, **mem_tail;     /* after each successful access */
};

/* struct qemu_plugin_tb */
struct plugin_tb {
    uint64_t vaddr, paddr;
    unsigned n;
    struct plugin_insn insns[64];
    struct plugin_cb *exec_cbs, **exec_tail;   /* at block entry */
    struct hart *hart;
};

/* The last memory access, as the interpreter leaves it for memory callbacks. */
struct plugin_mem_access {
    uint64_t vaddr;
    uint64_t value;       /* value loaded or stored (low size bytes) */
    unsigned size_shift;  /* log2 of the access size */
    bool store, sign_extend;
};

/* ---- hooks the emulator calls -------------------------------------------- */

/* Loads every plugin named in cfg (after the machine is built, before it
 * runs). mode is "run", "record" or "replay" (time control is refused in the
 * latter two). Returns 0 or a negative code with one sentence (missing file,
 * not a shared object, missing symbol, unsupported version, install failed);
 * on failure no plugin stays loaded. */
int plugin_load_all(const struct machine_config *cfg, struct machine *m, const char *mode);

/* True when some plugin registered a translation callback: the translator
 * then describes each new block and weaves in what plugins register. */
extern bool plugin_translation_enabled;

/* Calls every tb_trans callback on tb (filled by the translator: vaddr,
 * paddr, n, insns[i].vaddr/paddr/haddr/data/len/op_kind/is_mem, hart; the
 * lists empty). Afterwards the lists hold what plugins registered. */
void plugin_tb_trans(struct plugin_tb *tb);

/* Runs one record from translated code: h is the executing hart (pc and
 * icount are up to date for the instruction about to run). Returns true when
 * the callback redirected the hart with qemu_plugin_set_pc (`run` mode
 * only): h->pc is then the new pc, and the caller must leave the block
 * without running the instruction, h->icount as it is. */
bool plugin_run_cb(struct hart *h, const struct plugin_cb *cb);
/* Runs one memory record for the access acc just made (a memory callback
 * cannot redirect the hart). */
void plugin_run_mem_cb(struct hart *h, const struct plugin_cb *cb,
                       const struct plugin_mem_access *acc);

/* qemu_plugin_meminfo_t as Reprise encodes it: the log2 of the access size,
 * plus these bits. */
enum { PLUGIN_ACC_SIGNED = 0x10, PLUGIN_ACC_STORE = 0x20 };

void plugin_vcpu_init(struct hart *h);
void plugin_vcpu_exit(struct hart *h);
void plugin_vcpu_idle(struct hart *h);
void plugin_vcpu_resume(struct hart *h);

/* A trap was taken: interrupt (true) or exception; from = epc, to = handler. */
void plugin_discon(struct hart *h, bool interrupt, uint64_t from, uint64_t to);

/* The code cache was flushed: runs flush callbacks and frees records. */
void plugin_flush(struct machine *m);

/* Runs atexit callbacks, uninstalls every plugin, closes the log file. */
void plugin_exit_all(struct machine *m);

/* True when any plugin is loaded (idle/resume and trap hooks are then called). */
extern bool plugin_any;

/* Bumped whenever records already woven into blocks change (a plugin's
 * reset or uninstall disables its records): code generated from their
 * fields must then be generated again. */
extern uint64_t plugin_records_generation;

/* The one plugin loaded, or NULL when there are none or several. */
extern struct plugin *plugin_sole;

/* Some loaded plugin may ask memory callbacks for the value accessed
 * (qemu_plugin_mem_get_value: plugin API version 4 and later). */
extern bool plugin_mem_values;

/* The dispatch context: the plugin and the hart whose callback is running
 * (what API calls act on), the access a memory callback describes, how
 * deeply plugin code is nested, and whether a plugin asked meanwhile to be
 * reset or uninstalled (done by plugin_run_pending once no plugin code is
 * on the stack, or once generated code has returned to the hart loop). All
 * zero outside callbacks and generated code. The plugin layer sets it
 * around every callback it runs from the hooks above, so the emulator need
 * not. The block compiler, which calls plain callbacks itself, keeps it
 * open (hart, depth 1, acc) while its code runs, setting cur and no_regs
 * per callback; it closes it around calls into the rest of the emulator
 * (slow paths) and before returning to it, and calls plugin_run_cb nested
 * in it (so resets wait for the return to the hart loop).
 * no_regs is set while a callback registered with QEMU_PLUGIN_CB_NO_REGS
 * runs: the block compiler may then hold guest registers in host registers,
 * so writes to registers are refused. jit_acc is the access that generated
 * code describes to memory callbacks (acc points at it while generated code
 * runs).
 * Hidden: reached without a GOT load. */
struct plugin_dispatch {
    struct plugin *cur;
    struct hart *hart;
    const struct plugin_mem_access *acc;
    int depth;
    bool pending;
    bool no_regs;
    struct plugin_mem_access jit_acc;
};
extern struct plugin_dispatch plugin_dispatch __attribute__((visibility("hidden")));

/* Runs the resets and uninstalls plugins asked for (plugin_dispatch.pending). */
void plugin_run_pending(void);

/* Plugin code may change the host FPU's mode (fesetround, flush to zero)
 * and the FP fast paths assume the default one: checks it again, turning
 * them off (fpu_host_usable, and hart.fp_host of the running hart; the
 * others check when their turn starts) while it is not the default. Run
 * after callbacks called from C and before FP ops the interpreter runs;
 * generated code checks before its first FP op after a callback. */
void plugin_fp_recheck(void);

#endif
