/* Reprise's plugin API: QEMU's TCG plugin interface, source- and binary-
 * compatible with every QEMU plugin API version from 1 (QEMU 6.0-8.x, e.g.
 * Debian 12's QEMU 7.2) to 7 (QEMU 11.x). Written for Reprise; names, types
 * and enumeration values follow QEMU so that plugins build and load
 * unchanged. Include it as <qemu-plugin.h> (pkg-config reprise-plugin).
 *
 * Choosing the API version a plugin is written for
 * ------------------------------------------------
 * QEMU changed some prototypes between versions (v3 changed
 * qemu_plugin_insn_data, v7 gave every global callback a userdata argument
 * instead of the plugin id), so one set of declarations cannot serve every
 * plugin source. This header declares the API of one version, chosen by the
 * plugin's build:
 *
 *     cc -shared -fPIC $(pkg-config --cflags reprise-plugin) plugin.c
 *         -> the newest API (QEMU_PLUGIN_VERSION = 7)
 *     cc -shared -fPIC -DQEMU_PLUGIN_API_VERSION=1 ... plugin.c
 *         -> QEMU 7.2's API: the same source that builds against QEMU 7.2's
 *            qemu-plugin.h builds here unchanged
 *
 * QEMU_PLUGIN_API_VERSION may be 1 to 7. QEMU_PLUGIN_VERSION then equals it,
 * so the plugin's `qemu_plugin_version = QEMU_PLUGIN_VERSION` tells Reprise
 * which prototypes to use when calling it. Functions that exist under one
 * name with different prototypes in different versions (insn_data,
 * read_register, the callback registrations) are one symbol in Reprise,
 * which answers each plugin in the form of the version it declared; so
 * binaries built against QEMU's own headers of any supported version load
 * too. Declarations that belong to other versions are hidden, as they are
 * in QEMU's header of the chosen version.
 *
 * Handle lifetimes (the rule behind every "valid until" below)
 * -------------------------------------------------------------
 * struct qemu_plugin_tb and struct qemu_plugin_insn exist only while the
 * translation callback that received them runs; struct qemu_plugin_hwaddr
 * and qemu_plugin_meminfo_t only while the memory callback runs. Copy what
 * you need. Scoreboards live until qemu_plugin_scoreboard_free; register
 * handles for the life of the vCPU; strings documented as such for the life
 * of the plugin.
 *
 * Threads: Reprise runs every hart on one host thread, so callbacks never
 * run concurrently; plugins written for QEMU's multi-threaded TCG work as
 * they are. */
#ifndef QEMU_QEMU_PLUGIN_H
#define QEMU_QEMU_PLUGIN_H

/* <inttypes.h> is <stdint.h> plus the PRIx64-style format macros, which
 * QEMU plugins use without including it themselves (QEMU's header does). */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>

#ifndef QEMU_PLUGIN_API_VERSION
#define QEMU_PLUGIN_API_VERSION 7
#endif
#if QEMU_PLUGIN_API_VERSION < 1 || QEMU_PLUGIN_API_VERSION > 7
#error "QEMU_PLUGIN_API_VERSION must be between 1 and 7"
#endif

#if QEMU_PLUGIN_API_VERSION >= 2
#include <glib.h>     /* GArray, GByteArray (from version 2 on, as QEMU) */
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Plugins mark qemu_plugin_install and qemu_plugin_version with
 * QEMU_PLUGIN_EXPORT; building with -fvisibility=hidden then keeps every
 * other symbol of the plugin private. QEMU_PLUGIN_API marks functions that
 * Reprise provides (nothing is needed for it on ELF systems). */
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
#define QEMU_PLUGIN_LOCAL  __attribute__((visibility("hidden")))
#define QEMU_PLUGIN_API

/* The newest API version this header describes, and the oldest that
 * Reprise still loads. */
#define QEMU_PLUGIN_VERSION QEMU_PLUGIN_API_VERSION
#define QEMU_PLUGIN_MIN_VERSION 1

/* Identifies one loaded plugin; given to qemu_plugin_install and passed back
 * to every registration. Valid until the plugin is uninstalled. */
typedef uint64_t qemu_plugin_id_t;

/* Every plugin defines this (QEMU_PLUGIN_EXPORT int qemu_plugin_version =
 * QEMU_PLUGIN_VERSION;). Reprise refuses a plugin without it, or with a
 * version outside QEMU_PLUGIN_MIN_VERSION..7. */
extern QEMU_PLUGIN_EXPORT int qemu_plugin_version;

/* What Reprise tells a plugin at install time. The structure is only valid
 * during qemu_plugin_install: copy what you need. */
typedef struct qemu_info_t {
    const char *target_name;      /* "riscv64" */
    struct {
        int min;                  /* oldest API version accepted (1) */
        int cur;                  /* newest API version provided (7) */
    } version;
    bool system_emulation;        /* always true: Reprise emulates a machine */
    union {
        struct {
            int smp_vcpus;        /* harts of the machine (-smp) */
            int max_vcpus;        /* the same: harts are never hot-plugged */
        } system;
    };
} qemu_info_t;

/* The plugin's entry point, which every plugin exports. Called once, right
 * after loading, with the plugin's id and the -plugin arguments ("key=value"
 * strings, in command-line order; argv stays valid while the plugin is
 * loaded). Register callbacks here. Return 0, or non-zero to refuse to load
 * (Reprise then reports the failure and unloads every plugin). */
QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info,
                                           int argc, char **argv);

/* ---- callback types -------------------------------------------------------
 * Versions 1-6 pass global callbacks the plugin id; version 7 passes the
 * userdata pointer given at registration instead. */

#if QEMU_PLUGIN_API_VERSION >= 7
/* A callback that receives only the userdata given at registration. */
typedef void (*qemu_plugin_udata_cb_t)(void *userdata);
#else
/* A callback that receives only the id of the plugin. */
typedef void (*qemu_plugin_simple_cb_t)(qemu_plugin_id_t id);
/* A callback that receives the plugin id and the userdata given at
 * registration. */
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
/* A per-vCPU callback that receives the plugin id and the vCPU (hart)
 * index. */
typedef void (*qemu_plugin_vcpu_simple_cb_t)(qemu_plugin_id_t id,
                                             unsigned int vcpu_index);
#endif

/* A per-vCPU callback with the hart index (0..harts-1) and the userdata
 * given at registration. Used by execution callbacks in every version and,
 * from version 7, by the vCPU life-cycle callbacks. */
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index,
                                            void *userdata);

/* ---- plugin life cycle ---------------------------------------------------- */

/* Asks for the plugin to be removed. Removal is not immediate: callbacks may
 * still arrive until cb runs, which happens once the callback (or install)
 * that asked has returned and the hart is back in its loop (translated code
 * runs on until its next exit, at most a scheduling round). After cb the
 * plugin receives nothing more (no atexit callback either) and its id is no
 * longer valid. Calling this from qemu_plugin_install is a bug and is
 * ignored. */
#if QEMU_PLUGIN_API_VERSION >= 7
QEMU_PLUGIN_API
void qemu_plugin_uninstall(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
                           void *userdata);
#else
QEMU_PLUGIN_API
void qemu_plugin_uninstall(qemu_plugin_id_t id, qemu_plugin_simple_cb_t cb);
#endif

/* Removes every callback and inline operation the plugin registered; cb runs
 * once that is done (when removal would be: see qemu_plugin_uninstall), and
 * until then callbacks may still arrive. The plugin may then register
 * again. Instrumentation registered afterwards applies to
 * blocks translated afterwards: Reprise never flushes translated code on a
 * plugin's behalf, so that translation stays plugin-independent. */
#if QEMU_PLUGIN_API_VERSION >= 7
QEMU_PLUGIN_API
void qemu_plugin_reset(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
                       void *userdata);
#else
QEMU_PLUGIN_API
void qemu_plugin_reset(qemu_plugin_id_t id, qemu_plugin_simple_cb_t cb);
#endif

/* ---- vCPU life cycle -------------------------------------------------------
 * One callback per plugin and event: registering again replaces the previous
 * one. init runs for every hart before it executes its first instruction;
 * exit when the machine stops; idle when a hart goes to sleep (wfi with
 * nothing pending) and resume when it wakes. In a replay, idle and resume
 * arrive at exactly the instructions where they happened while recording. */
#if QEMU_PLUGIN_API_VERSION >= 7
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_init_cb(qemu_plugin_id_t id,
                                       qemu_plugin_vcpu_udata_cb_t cb,
                                       void *userdata);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_exit_cb(qemu_plugin_id_t id,
                                       qemu_plugin_vcpu_udata_cb_t cb,
                                       void *userdata);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_idle_cb(qemu_plugin_id_t id,
                                       qemu_plugin_vcpu_udata_cb_t cb,
                                       void *userdata);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_resume_cb(qemu_plugin_id_t id,
                                         qemu_plugin_vcpu_udata_cb_t cb,
                                         void *userdata);
#else
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_init_cb(qemu_plugin_id_t id,
                                       qemu_plugin_vcpu_simple_cb_t cb);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_exit_cb(qemu_plugin_id_t id,
                                       qemu_plugin_vcpu_simple_cb_t cb);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_idle_cb(qemu_plugin_id_t id,
                                       qemu_plugin_vcpu_simple_cb_t cb);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_resume_cb(qemu_plugin_id_t id,
                                         qemu_plugin_vcpu_simple_cb_t cb);
#endif

#if QEMU_PLUGIN_API_VERSION >= 6
/* Kinds of control-flow discontinuity, as a bit mask. On RISC-V an
 * asynchronous trap is an INTERRUPT and a synchronous one (including ecall
 * and ebreak) an EXCEPTION; Reprise has no host calls. */
enum qemu_plugin_discon_type {
    QEMU_PLUGIN_DISCON_INTERRUPT = 1 << 0,
    QEMU_PLUGIN_DISCON_EXCEPTION = 1 << 1,
    QEMU_PLUGIN_DISCON_HOSTCALL = 1 << 2,
    QEMU_PLUGIN_DISCON_ALL = -1
};

/* Runs after a hart took a trap, with the handler already entered: to_pc is
 * the handler's first instruction. For an exception from_pc is the
 * instruction that trapped (its execution callbacks have run, its memory
 * callbacks have not); for an interrupt it is the instruction that would
 * have run next. */
#if QEMU_PLUGIN_API_VERSION >= 7
typedef void (*qemu_plugin_vcpu_discon_cb_t)(unsigned int vcpu_index,
                                             enum qemu_plugin_discon_type type,
                                             uint64_t from_pc, uint64_t to_pc,
                                             void *userdata);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_discon_cb(qemu_plugin_id_t id,
                                         enum qemu_plugin_discon_type type,
                                         qemu_plugin_vcpu_discon_cb_t cb,
                                         void *userdata);
#else
typedef void (*qemu_plugin_vcpu_discon_cb_t)(qemu_plugin_id_t id,
                                             unsigned int vcpu_index,
                                             enum qemu_plugin_discon_type type,
                                             uint64_t from_pc, uint64_t to_pc);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_discon_cb(qemu_plugin_id_t id,
                                         enum qemu_plugin_discon_type type,
                                         qemu_plugin_vcpu_discon_cb_t cb);
#endif
#endif /* >= 6 */

/* ---- translation handles -------------------------------------------------- */

/* A block being translated. Valid only inside the translation callback that
 * received it; afterwards every query on it returns 0 or NULL. */
struct qemu_plugin_tb;
/* One instruction of a block being translated; valid as long as its block
 * handle. */
struct qemu_plugin_insn;
#if QEMU_PLUGIN_API_VERSION >= 2
/* Per-vCPU storage for inline operations: one entry per hart, in one
 * contiguous array. Valid until qemu_plugin_scoreboard_free. */
struct qemu_plugin_scoreboard;

/* A uint64_t field (at byte offset `offset`) of every entry of a
 * scoreboard; what inline operations and conditions act on. */
typedef struct {
    struct qemu_plugin_scoreboard *score;
    size_t offset;
} qemu_plugin_u64;
#endif

/* How a callback uses the hart's registers. A callback registered with
 * QEMU_PLUGIN_CB_NO_REGS promises not to read them, and Reprise then need
 * not bring them up to date before calling it: read anyway, the pc, the
 * registers derived from the instruction count (instret, cycle, time) and
 * the general-purpose registers may hold the values of an earlier point of
 * the block (the FP registers are exact), and writes are refused. With
 * QEMU_PLUGIN_CB_R_REGS or more every register is exact. Writing needs `run`
 * mode and one of those, and moving the pc (qemu_plugin_set_pc)
 * QEMU_PLUGIN_CB_RW_REGS_PC. */
enum qemu_plugin_cb_flags {
    QEMU_PLUGIN_CB_NO_REGS,
    QEMU_PLUGIN_CB_R_REGS,
    QEMU_PLUGIN_CB_RW_REGS,
#if QEMU_PLUGIN_API_VERSION >= 6
    QEMU_PLUGIN_CB_RW_REGS_PC,
#endif
};

/* Which accesses a memory callback or inline operation wants. */
enum qemu_plugin_mem_rw {
    QEMU_PLUGIN_MEM_R = 1,
    QEMU_PLUGIN_MEM_W,
    QEMU_PLUGIN_MEM_RW,
};

#if QEMU_PLUGIN_API_VERSION >= 4
/* Width of a value returned by qemu_plugin_mem_get_value. */
enum qemu_plugin_mem_value_type {
    QEMU_PLUGIN_MEM_VALUE_U8,
    QEMU_PLUGIN_MEM_VALUE_U16,
    QEMU_PLUGIN_MEM_VALUE_U32,
    QEMU_PLUGIN_MEM_VALUE_U64,
    QEMU_PLUGIN_MEM_VALUE_U128,
};

/* The value a load read or a store wrote, in host byte order. RV64GC never
 * makes 128-bit accesses. */
typedef struct {
    enum qemu_plugin_mem_value_type type;
    union {
        uint8_t u8;
        uint16_t u16;
        uint32_t u32;
        uint64_t u64;
        struct {
            uint64_t low;
            uint64_t high;
        } u128;
    } data;
} qemu_plugin_mem_value;
#endif

#if QEMU_PLUGIN_API_VERSION >= 3
/* Comparison of a scoreboard entry (left) with an immediate (right) that
 * gates a conditional callback. Comparisons are unsigned. */
enum qemu_plugin_cond {
    QEMU_PLUGIN_COND_NEVER,
    QEMU_PLUGIN_COND_ALWAYS,
    QEMU_PLUGIN_COND_EQ,
    QEMU_PLUGIN_COND_NE,
    QEMU_PLUGIN_COND_LT,
    QEMU_PLUGIN_COND_LE,
    QEMU_PLUGIN_COND_GT,
    QEMU_PLUGIN_COND_GE,
};
#endif

/* ---- translation ---------------------------------------------------------- */

/* Called for every block Reprise translates, before it first runs; the only
 * place where execution and memory instrumentation can be registered. A
 * block may be translated more than once (after its code was overwritten,
 * after a flush) or never run at all: count executions with execution
 * callbacks or inline operations, not here. Which blocks are translated, and
 * when, depends only on the guest, so it is identical in every replay. */
#if QEMU_PLUGIN_API_VERSION >= 7
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(struct qemu_plugin_tb *tb,
                                               void *userdata);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                           qemu_plugin_vcpu_tb_trans_cb_t cb,
                                           void *userdata);
#else
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
                                               struct qemu_plugin_tb *tb);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                           qemu_plugin_vcpu_tb_trans_cb_t cb);
#endif

/* Calls cb(vcpu_index, userdata) each time the block starts executing,
 * before its first instruction. tb must be the handle of the running
 * translation callback. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
                                          qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags,
                                          void *userdata);

#if QEMU_PLUGIN_API_VERSION >= 3
/* Like qemu_plugin_register_vcpu_tb_exec_cb, but cb runs only when the
 * executing hart's entry of `entry` compares true with imm. COND_ALWAYS is
 * the unconditional form; COND_NEVER registers nothing. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_tb_exec_cond_cb(struct qemu_plugin_tb *tb,
                                               qemu_plugin_vcpu_udata_cb_t cb,
                                               enum qemu_plugin_cb_flags flags,
                                               enum qemu_plugin_cond cond,
                                               qemu_plugin_u64 entry,
                                               uint64_t imm,
                                               void *userdata);
#endif

/* Inline operations: done by Reprise itself without calling the plugin, far
 * cheaper than a callback. */
enum qemu_plugin_op {
    QEMU_PLUGIN_INLINE_ADD_U64,      /* entry += imm */
#if QEMU_PLUGIN_API_VERSION >= 3
    QEMU_PLUGIN_INLINE_STORE_U64,    /* entry = imm */
#endif
};

#if QEMU_PLUGIN_API_VERSION == 1
/* Version 1 inline operations act on one uint64_t at ptr, shared by every
 * hart (ptr must stay valid while the plugin is loaded). Replaced by the
 * _per_vcpu forms in version 2. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
                                              enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);
#else
/* Applies op to the executing hart's entry each time the block starts. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(
    struct qemu_plugin_tb *tb,
    enum qemu_plugin_op op,
    qemu_plugin_u64 entry,
    uint64_t imm);
#endif

/* Calls cb(vcpu_index, userdata) before the instruction executes. The
 * instruction may then fault: its callbacks still ran, it did not retire. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags,
                                            void *userdata);

#if QEMU_PLUGIN_API_VERSION >= 3
/* Conditional form of qemu_plugin_register_vcpu_insn_exec_cb (see
 * qemu_plugin_register_vcpu_tb_exec_cond_cb). */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_insn_exec_cond_cb(
    struct qemu_plugin_insn *insn,
    qemu_plugin_vcpu_udata_cb_t cb,
    enum qemu_plugin_cb_flags flags,
    enum qemu_plugin_cond cond,
    qemu_plugin_u64 entry,
    uint64_t imm,
    void *userdata);
#endif

#if QEMU_PLUGIN_API_VERSION == 1
/* Version 1: applies op to the uint64_t at ptr before the instruction. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op,
                                                void *ptr, uint64_t imm);
#else
/* Applies op to the executing hart's entry before the instruction. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
    struct qemu_plugin_insn *insn,
    enum qemu_plugin_op op,
    qemu_plugin_u64 entry,
    uint64_t imm);
#endif

/* Execution callbacks, inline operations and conditional callbacks of one
 * instruction (or block) run in the order they were registered. */

/* ---- block and instruction queries (translation callback only) ------------ */

/* Number of instructions in the block (1..64); 0 for a stale handle. */
QEMU_PLUGIN_API
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);

/* Virtual address of the block's first instruction. */
QEMU_PLUGIN_API
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);

/* Handle of instruction idx (0-based) of the block, valid as long as tb;
 * NULL when idx is out of range. */
QEMU_PLUGIN_API
struct qemu_plugin_insn *
qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);

#if QEMU_PLUGIN_API_VERSION >= 3
/* Copies up to len bytes of the instruction's encoding (little-endian, 2 or
 * 4 bytes) to dest; returns how many were copied. */
QEMU_PLUGIN_API
size_t qemu_plugin_insn_data(const struct qemu_plugin_insn *insn,
                             void *dest, size_t len);
#else
/* Pointer to the instruction's encoding (qemu_plugin_insn_size bytes,
 * little-endian), valid as long as the instruction handle. */
QEMU_PLUGIN_API
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
#endif

/* Length of the instruction in bytes: 2 (compressed) or 4. */
QEMU_PLUGIN_API
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);

/* Virtual address of the instruction. */
QEMU_PLUGIN_API
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);

/* A host pointer to the instruction's bytes in guest memory, which stands
 * for its physical address (equal pointers, equal physical addresses); NULL
 * when the code is not in RAM or ROM. Use it to tell code apart across
 * address spaces, not to read or write memory. */
QEMU_PLUGIN_API
void *qemu_plugin_insn_haddr(const struct qemu_plugin_insn *insn);

/* The instruction in GNU objdump's syntax ("addi a0,a0,1" is printed as
 * objdump prints it, with its aliases: "li a0,1", "ret"; branch targets as
 * absolute addresses). New string: free it with g_free (free works too). */
QEMU_PLUGIN_API
char *qemu_plugin_insn_disas(const struct qemu_plugin_insn *insn);

/* Name of the function (or label) holding the instruction, from the symbol
 * tables of the -bios and -kernel ELF files; NULL when none covers it (raw
 * images have no symbols). The string lives as long as the plugin. */
QEMU_PLUGIN_API
const char *qemu_plugin_insn_symbol(const struct qemu_plugin_insn *insn);

/* ---- memory accesses ------------------------------------------------------ */

/* Describes one memory access; valid only inside the memory callback that
 * received it. */
typedef uint32_t qemu_plugin_meminfo_t;
/* Physical view of one memory access; valid only inside the memory callback
 * in which qemu_plugin_get_hwaddr returned it. */
struct qemu_plugin_hwaddr;

/* log2 of the access size in bytes (0..3). */
QEMU_PLUGIN_API
unsigned int qemu_plugin_mem_size_shift(qemu_plugin_meminfo_t info);
/* True for a load that sign-extends its value into the register. */
QEMU_PLUGIN_API
bool qemu_plugin_mem_is_sign_extended(qemu_plugin_meminfo_t info);
/* Always false: RISC-V accesses are little-endian. */
QEMU_PLUGIN_API
bool qemu_plugin_mem_is_big_endian(qemu_plugin_meminfo_t info);
/* True for a store (an AMO reports its load, then its store). */
QEMU_PLUGIN_API
bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info);

#if QEMU_PLUGIN_API_VERSION >= 4
/* The value the access loaded or stored. */
QEMU_PLUGIN_API
qemu_plugin_mem_value qemu_plugin_mem_get_value(qemu_plugin_meminfo_t info);
#endif

/* Physical view of the access at vaddr described by info, valid only during
 * the memory callback; NULL when it cannot be determined. */
QEMU_PLUGIN_API
struct qemu_plugin_hwaddr *qemu_plugin_get_hwaddr(qemu_plugin_meminfo_t info,
                                                  uint64_t vaddr);

/* True when the access went to a device, false for RAM and ROM. */
QEMU_PLUGIN_API
bool qemu_plugin_hwaddr_is_io(const struct qemu_plugin_hwaddr *haddr);

/* The physical address of the access. */
QEMU_PLUGIN_API
uint64_t qemu_plugin_hwaddr_phys_addr(const struct qemu_plugin_hwaddr *haddr);

/* "RAM" for memory (RAM and ROM), otherwise the device's name ("uart",
 * "clint", ...). The string lives as long as the plugin. */
QEMU_PLUGIN_API
const char *qemu_plugin_hwaddr_device_name(const struct qemu_plugin_hwaddr *h);

/* Runs after each successful access of the instruction (one call per access,
 * an AMO gives a load and a store); a faulting access gives none. */
typedef void (*qemu_plugin_vcpu_mem_cb_t)(unsigned int vcpu_index,
                                          qemu_plugin_meminfo_t info,
                                          uint64_t vaddr,
                                          void *userdata);

/* Registers cb for the accesses of insn selected by rw. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn,
                                      qemu_plugin_vcpu_mem_cb_t cb,
                                      enum qemu_plugin_cb_flags flags,
                                      enum qemu_plugin_mem_rw rw,
                                      void *userdata);

#if QEMU_PLUGIN_API_VERSION == 1
/* Version 1: applies op to the uint64_t at ptr after each selected access. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_mem_inline(struct qemu_plugin_insn *insn,
                                          enum qemu_plugin_mem_rw rw,
                                          enum qemu_plugin_op op, void *ptr,
                                          uint64_t imm);
#else
/* Applies op to the executing hart's entry after each selected access. */
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_mem_inline_per_vcpu(
    struct qemu_plugin_insn *insn,
    enum qemu_plugin_mem_rw rw,
    enum qemu_plugin_op op,
    qemu_plugin_u64 entry,
    uint64_t imm);
#endif

#if QEMU_PLUGIN_API_VERSION >= 3
/* ---- guest time ----------------------------------------------------------- */

/* Asks to drive guest time with qemu_plugin_update_ns. Granted to the first
 * plugin that asks, in `run` mode only (in record and replay guest time is
 * part of what is recorded); returns an opaque handle, or NULL. The handle
 * is valid while the plugin is loaded. */
QEMU_PLUGIN_API
const void *qemu_plugin_request_time_control(void);

/* Moves guest time forward to `time` nanoseconds since reset (never
 * backwards). handle comes from qemu_plugin_request_time_control. */
QEMU_PLUGIN_API
void qemu_plugin_update_ns(const void *handle, int64_t time);
#endif

/* ---- system calls (user-mode emulation only) ------------------------------
 * Reprise emulates whole machines, where a system call is only an ecall:
 * these registrations are accepted and the callbacks never run. Use the
 * discontinuity callbacks to see ecalls. */
#if QEMU_PLUGIN_API_VERSION >= 7
typedef void
(*qemu_plugin_vcpu_syscall_cb_t)(unsigned int vcpu_index,
                                 int64_t num, uint64_t a1, uint64_t a2,
                                 uint64_t a3, uint64_t a4, uint64_t a5,
                                 uint64_t a6, uint64_t a7, uint64_t a8,
                                 void *userdata);
typedef bool
(*qemu_plugin_vcpu_syscall_filter_cb_t)(unsigned int vcpu_index,
                                        int64_t num, uint64_t a1, uint64_t a2,
                                        uint64_t a3, uint64_t a4, uint64_t a5,
                                        uint64_t a6, uint64_t a7, uint64_t a8,
                                        int64_t *sysret, void *userdata);
typedef void
(*qemu_plugin_vcpu_syscall_ret_cb_t)(unsigned int vcpu_index,
                                     int64_t num, int64_t ret,
                                     void *userdata);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_syscall_cb(qemu_plugin_id_t id,
                                          qemu_plugin_vcpu_syscall_cb_t cb,
                                          void *userdata);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_syscall_filter_cb(
    qemu_plugin_id_t id, qemu_plugin_vcpu_syscall_filter_cb_t cb,
    void *userdata);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_syscall_ret_cb(
    qemu_plugin_id_t id, qemu_plugin_vcpu_syscall_ret_cb_t cb,
    void *userdata);
#else
typedef void
(*qemu_plugin_vcpu_syscall_cb_t)(qemu_plugin_id_t id, unsigned int vcpu_index,
                                 int64_t num, uint64_t a1, uint64_t a2,
                                 uint64_t a3, uint64_t a4, uint64_t a5,
                                 uint64_t a6, uint64_t a7, uint64_t a8);
typedef void
(*qemu_plugin_vcpu_syscall_ret_cb_t)(qemu_plugin_id_t id,
                                     unsigned int vcpu_idx,
                                     int64_t num, int64_t ret);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_syscall_cb(qemu_plugin_id_t id,
                                          qemu_plugin_vcpu_syscall_cb_t cb);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_syscall_ret_cb(
    qemu_plugin_id_t id, qemu_plugin_vcpu_syscall_ret_cb_t cb);
#if QEMU_PLUGIN_API_VERSION >= 6
typedef bool
(*qemu_plugin_vcpu_syscall_filter_cb_t)(qemu_plugin_id_t id,
                                        unsigned int vcpu_index,
                                        int64_t num, uint64_t a1, uint64_t a2,
                                        uint64_t a3, uint64_t a4, uint64_t a5,
                                        uint64_t a6, uint64_t a7, uint64_t a8,
                                        uint64_t *sysret);
QEMU_PLUGIN_API
void qemu_plugin_register_vcpu_syscall_filter_cb(
    qemu_plugin_id_t id, qemu_plugin_vcpu_syscall_filter_cb_t cb);
#endif
#endif

/* ---- global events -------------------------------------------------------- */

/* Calls cb once for every hart, now, in index order. */
#if QEMU_PLUGIN_API_VERSION >= 7
QEMU_PLUGIN_API
void qemu_plugin_vcpu_for_each(qemu_plugin_id_t id,
                               qemu_plugin_vcpu_udata_cb_t cb,
                               void *userdata);
#else
QEMU_PLUGIN_API
void qemu_plugin_vcpu_for_each(qemu_plugin_id_t id,
                               qemu_plugin_vcpu_simple_cb_t cb);
#endif

/* Runs after every flush of the translated-code cache: every qemu_plugin_tb
 * and qemu_plugin_insn seen so far is gone, so data a plugin keyed on them
 * can be freed here. Flushes depend only on the guest's execution. */
#if QEMU_PLUGIN_API_VERSION >= 7
QEMU_PLUGIN_API
void qemu_plugin_register_flush_cb(qemu_plugin_id_t id,
                                   qemu_plugin_udata_cb_t cb, void *userdata);
#else
QEMU_PLUGIN_API
void qemu_plugin_register_flush_cb(qemu_plugin_id_t id,
                                   qemu_plugin_simple_cb_t cb);
#endif

/* Runs once when the machine stops (power-off, end of replay, quit), after
 * the last instruction: print results and free resources here. */
QEMU_PLUGIN_API
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
                                    qemu_plugin_udata_cb_t cb, void *userdata);

#if QEMU_PLUGIN_API_VERSION == 1
/* Number of harts. */
QEMU_PLUGIN_API
int qemu_plugin_n_vcpus(void);
/* Largest number of harts the machine can have (the same as n_vcpus). */
QEMU_PLUGIN_API
int qemu_plugin_n_max_vcpus(void);
#else
/* Number of harts; scoreboards have one entry for each. */
QEMU_PLUGIN_API
int qemu_plugin_num_vcpus(void);
#endif

/* Writes string to the plugin log: standard error with `-d plugin`, or the
 * `-D FILE` file; discarded without `-d plugin`. string is borrowed. */
QEMU_PLUGIN_API
void qemu_plugin_outs(const char *string);

/* Parses val as a boolean ("on", "yes", "true" / "off", "no", "false") for
 * the argument called name. Returns false (leaving *ret alone) when val is
 * none of those. */
QEMU_PLUGIN_API
bool qemu_plugin_bool_parse(const char *name, const char *val, bool *ret);

/* User-mode facts; in a whole-machine emulator the path is NULL and the
 * addresses 0, as in QEMU's system emulation. */
QEMU_PLUGIN_API
const char *qemu_plugin_path_to_binary(void);
QEMU_PLUGIN_API
uint64_t qemu_plugin_start_code(void);
QEMU_PLUGIN_API
uint64_t qemu_plugin_end_code(void);
QEMU_PLUGIN_API
uint64_t qemu_plugin_entry_code(void);

#if QEMU_PLUGIN_API_VERSION >= 2
/* ---- registers ------------------------------------------------------------ */

/* Names one register of a hart; valid for the life of the machine. */
struct qemu_plugin_register;

/* One register as listed by qemu_plugin_get_registers. name and feature are
 * GDB's ("a0", "pc", "ft0", "mstatus"; "org.gnu.gdb.riscv.cpu", ".fpu",
 * ".csr", ".virtual") and live as long as the plugin. */
typedef struct {
    struct qemu_plugin_register *handle;
    const char *name;
    const char *feature;
#if QEMU_PLUGIN_API_VERSION >= 7
    bool is_readonly;    /* qemu_plugin_write_register refuses it */
#endif
} qemu_plugin_reg_descriptor;

/* The registers of the hart running the current callback (x0-x31 as zero,
 * ra, sp ... t6, then pc, the 32 FP registers, fflags, frm, fcsr, the main
 * CSRs and priv). New array of qemu_plugin_reg_descriptor: free it with
 * g_array_free(array, TRUE); the strings are not yours. Empty outside a
 * callback that runs on a hart. */
QEMU_PLUGIN_API
GArray *qemu_plugin_get_registers(void);

/* Appends the register's value (target byte order: little-endian, 8 bytes)
 * to buf. Only inside a callback that runs on a hart (in an execution or
 * memory callback registered with QEMU_PLUGIN_CB_NO_REGS most registers may
 * be stale: see enum qemu_plugin_cb_flags). Versions
 * 2-5 return the number of bytes appended or -1; versions 6 and 7 true on
 * success, false on failure. */
#if QEMU_PLUGIN_API_VERSION >= 6
QEMU_PLUGIN_API
bool qemu_plugin_read_register(struct qemu_plugin_register *handle,
                               GByteArray *buf);
#else
QEMU_PLUGIN_API
int qemu_plugin_read_register(struct qemu_plugin_register *handle,
                              GByteArray *buf);
#endif
#endif /* >= 2 */

#if QEMU_PLUGIN_API_VERSION >= 5
/* Sets the register from the first bytes of buf (little-endian). Allowed in
 * `run` mode only: in record and replay, a plugin must not change what the
 * guest executes. Fails for read-only registers (x0, pc, counters). Return
 * as for qemu_plugin_read_register. */
#if QEMU_PLUGIN_API_VERSION >= 6
QEMU_PLUGIN_API
bool qemu_plugin_write_register(struct qemu_plugin_register *handle,
                                GByteArray *buf);
#else
QEMU_PLUGIN_API
int qemu_plugin_write_register(struct qemu_plugin_register *handle,
                               GByteArray *buf);
#endif
#endif

#if QEMU_PLUGIN_API_VERSION >= 6
/* Sets the current hart's pc to vaddr and continues there, abandoning the
 * instruction (or block) whose execution callback is running; the call does
 * not return. Only from an instruction or block execution callback (plain or
 * conditional) registered with QEMU_PLUGIN_CB_RW_REGS_PC, and only in `run`
 * mode: in record and replay it would change what the guest executes.
 * Otherwise Reprise prints why (once per plugin) and the call returns. */
QEMU_PLUGIN_API
void qemu_plugin_set_pc(uint64_t vaddr);
#endif

#if QEMU_PLUGIN_API_VERSION >= 4
/* ---- guest memory --------------------------------------------------------- */

/* Reads len (> 0) bytes at virtual address addr of the current hart into
 * data (resized to len), translating as the hart would for a load but
 * without side effects (no accessed bits set, no TLB fill, no fault).
 * Device memory is not read. Returns false when a byte cannot be read. */
QEMU_PLUGIN_API
bool qemu_plugin_read_memory_vaddr(uint64_t addr,
                                   GByteArray *data, size_t len);
#endif

#if QEMU_PLUGIN_API_VERSION >= 5
/* Writes data at virtual address addr of the current hart (RAM only;
 * translated code that it overwrites is invalidated). `run` mode only. */
QEMU_PLUGIN_API
bool qemu_plugin_write_memory_vaddr(uint64_t addr, GByteArray *data);

/* Outcome of a physical memory operation. */
enum qemu_plugin_hwaddr_operation_result {
    QEMU_PLUGIN_HWADDR_OPERATION_OK,
    QEMU_PLUGIN_HWADDR_OPERATION_ERROR,
    QEMU_PLUGIN_HWADDR_OPERATION_DEVICE_ERROR,
    QEMU_PLUGIN_HWADDR_OPERATION_ACCESS_DENIED,
    QEMU_PLUGIN_HWADDR_OPERATION_INVALID_ADDRESS,
    QEMU_PLUGIN_HWADDR_OPERATION_INVALID_ADDRESS_SPACE,
};

/* Reads len (> 0) bytes at physical address addr (RAM or ROM) into data. */
QEMU_PLUGIN_API
enum qemu_plugin_hwaddr_operation_result
qemu_plugin_read_memory_hwaddr(uint64_t addr, GByteArray *data, size_t len);

/* Writes data at physical address addr (RAM only). `run` mode only. */
QEMU_PLUGIN_API
enum qemu_plugin_hwaddr_operation_result
qemu_plugin_write_memory_hwaddr(uint64_t addr, GByteArray *data);

/* Translates vaddr as the current hart would for a load, without side
 * effects. Returns false when it does not translate. */
QEMU_PLUGIN_API
bool qemu_plugin_translate_vaddr(uint64_t vaddr, uint64_t *hwaddr);
#endif

#if QEMU_PLUGIN_API_VERSION >= 2
/* ---- scoreboards ---------------------------------------------------------- */

/* A new scoreboard: one zeroed entry of element_size bytes per hart, in one
 * contiguous array. Free it with qemu_plugin_scoreboard_free; NULL when out
 * of memory. */
QEMU_PLUGIN_API
struct qemu_plugin_scoreboard *qemu_plugin_scoreboard_new(size_t element_size);

/* Frees a scoreboard. Inline operations registered on it must not run
 * afterwards (free it in the atexit callback). */
QEMU_PLUGIN_API
void qemu_plugin_scoreboard_free(struct qemu_plugin_scoreboard *score);

/* Address of the entry of hart vcpu_index (NULL when out of range). Harts
 * are never added, so the address stays valid until the scoreboard is
 * freed. */
QEMU_PLUGIN_API
void *qemu_plugin_scoreboard_find(struct qemu_plugin_scoreboard *score,
                                  unsigned int vcpu_index);

/* The uint64_t entry itself, or a uint64_t field of a struct entry. */
#define qemu_plugin_scoreboard_u64(score) \
    (qemu_plugin_u64) {score, 0}
#define qemu_plugin_scoreboard_u64_in_struct(score, type, member) \
    (qemu_plugin_u64) {score, offsetof(type, member)}

/* entry of hart vcpu_index += added. */
QEMU_PLUGIN_API
void qemu_plugin_u64_add(qemu_plugin_u64 entry, unsigned int vcpu_index,
                         uint64_t added);
/* entry of hart vcpu_index. */
QEMU_PLUGIN_API
uint64_t qemu_plugin_u64_get(qemu_plugin_u64 entry, unsigned int vcpu_index);
/* entry of hart vcpu_index = val. */
QEMU_PLUGIN_API
void qemu_plugin_u64_set(qemu_plugin_u64 entry, unsigned int vcpu_index,
                         uint64_t val);
/* Sum of the entry over every hart. */
QEMU_PLUGIN_API
uint64_t qemu_plugin_u64_sum(qemu_plugin_u64 entry);
#endif

#ifdef __cplusplus
}
#endif

#endif /* QEMU_QEMU_PLUGIN_H */
