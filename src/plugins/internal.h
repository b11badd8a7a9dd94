/* State shared by the plugin layer's files (loader.c, api.c, compat.c,
 * regs.c): the loaded plugins, their global callbacks, the dispatch context
 * API calls rely on (which plugin and hart a callback runs for, which block
 * is being translated, which access a memory callback describes) and the
 * helpers that run plugin code with that context set. Nothing outside
 * src/plugins includes this; the emulator sees plugin.h, plugins the public
 * header. */
#ifndef REPRISE_PLUGINS_INTERNAL_H
#define REPRISE_PLUGINS_INTERNAL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "plugin.h"

#define PLUGIN_API_MIN 1
#define PLUGIN_API_CUR 7

/* Global (not per-instruction) events a plugin can register for. */
enum plugin_event {
    PEV_VCPU_INIT,
    PEV_VCPU_EXIT,
    PEV_VCPU_IDLE,
    PEV_VCPU_RESUME,
    PEV_TB_TRANS,
    PEV_FLUSH,
    PEV_ATEXIT,
    PEV_DISCON,
    PEV_SYSCALL,
    PEV_SYSCALL_RET,
    PEV_SYSCALL_FILTER,
    PEV_COUNT
};

enum plugin_mode { PMODE_RUN, PMODE_RECORD, PMODE_REPLAY };

/* What a plugin asked to happen once its current callback has returned. */
enum plugin_pending { PPEND_NONE, PPEND_RESET, PPEND_UNINSTALL };

struct plugin_hook {
    void *fn;             /* NULL: not registered */
    void *userdata;       /* passed to version-7 plugins */
};

struct plugin {
    struct plugin *next;          /* load order */
    uint64_t id;                  /* qemu_plugin_id_t */
    int version;                  /* the plugin's qemu_plugin_version */
    char *path;                   /* as given with -plugin (owned) */
    void *handle;                 /* dlopen handle (owned) */
    int argc;
    char **argv;                  /* owned copies, NULL-terminated */
    bool live;                    /* installed and not uninstalled */
    bool installing;              /* inside qemu_plugin_install */
    struct plugin_hook hooks[PEV_COUNT];
    unsigned discon_mask;         /* QEMU_PLUGIN_DISCON_* bits */
    enum plugin_pending pending;
    void *pending_fn, *pending_ud;
    bool warned_handle, warned_write, warned_id, warned_set_pc, warned_noregs;
};

/* An execution callback that may redirect its hart (registered with
 * QEMU_PLUGIN_CB_RW_REGS_PC) is running: qemu_plugin_set_pc sets h->pc and
 * jumps back to env, in dispatch.c, which then reports the redirection. */
struct plugin_redirect {
    sigjmp_buf env;
    struct hart *h;
    int depth;                    /* plugin_dispatch.depth inside the callback */
};

struct scoreboard {
    struct scoreboard *next;
    struct plugin *owner;
    char *data;                   /* nharts * size bytes, zeroed */
    size_t size;
};

struct plugin_state {
    struct plugin *list;
    struct machine *m;            /* borrowed */
    const struct machine_config *cfg;   /* borrowed */
    enum plugin_mode mode;
    int nharts;
    uint64_t next_id;
    FILE *log;                    /* qemu_plugin_outs target, NULL: discard */
    bool log_owned;
    struct scoreboard *scoreboards;
    struct plugin *time_owner;
    /* dispatch context, besides plugin_dispatch (plugin.h) */
    struct plugin_tb *trans_tb;   /* block being translated, or NULL */
    struct plugin_redirect *redirect;   /* see struct plugin_redirect, or NULL */
};

/* Hidden: reached without a GOT load, which keeps callback dispatch short. */
extern struct plugin_state plugin_state __attribute__((visibility("hidden")));

/* The plugin with that id, or NULL (after warning once per call site kind)
 * when no live plugin has it. fn names the API function, for the warning. */
struct plugin *plugin_find(uint64_t id, const char *fn);

/* Records what the API call being made needs to know and returns the old
 * context, for plugin_leave. */
struct plugin_ctx {
    struct plugin *p;
    struct hart *h;
    bool no_regs;
};
static inline struct plugin_ctx plugin_enter(struct plugin *p, struct hart *h)
{
    struct plugin_ctx old = { plugin_dispatch.cur, plugin_dispatch.hart, plugin_dispatch.no_regs };
    plugin_dispatch.cur = p;
    plugin_dispatch.hart = h;
    plugin_dispatch.no_regs = false;
    plugin_dispatch.depth++;
    return old;
}
static inline void plugin_leave(struct plugin_ctx old)
{
    plugin_dispatch.cur = old.p;
    plugin_dispatch.hart = old.h;
    plugin_dispatch.no_regs = old.no_regs;
    plugin_fp_recheck();
    if (--plugin_dispatch.depth == 0 && plugin_dispatch.pending)
        plugin_run_pending();
}

/* Runs p's hook for ev on hart h (NULL for machine-wide events), with the
 * prototype of p's API version. */
void plugin_call_hook(struct plugin *p, enum plugin_event ev, struct hart *h);

/* api.c: disables every record owned by p (reset, uninstall) and frees the
 * scoreboards p still owns (unload). */
void plugin_disable_records(struct plugin *p);
/* Frees the scoreboards owned by p, or every scoreboard when p is NULL. */
void plugin_free_scoreboards(struct plugin *p);
void plugin_free_all_records(void);
/* A zeroed record in the arena (owner, lists and fields to be filled), or
 * NULL when out of memory. Lives until the next flush. */
struct plugin_cb *plugin_new_record(void);

/* Recomputes plugin_translation_enabled from the live plugins' hooks. */
void plugin_update_translation(void);

/* True when plugins may change guest state (run mode); otherwise warns once
 * for p, naming fn, and returns false. */
bool plugin_may_write(struct plugin *p, const char *fn);

/* True when the running callback may write registers: not one registered
 * with QEMU_PLUGIN_CB_NO_REGS (says so once per plugin otherwise). */
bool plugin_regs_writable(const char *fn);

/* api.c: translates va for hart h as a load (store) would, without side
 * effects (no A/D updates, no TLB fill, no trap). False when it does not
 * translate or the answer is not known. */
bool plugin_translate(struct hart *h, uint64_t va, bool store, uint64_t *pa);

/* Warns once per plugin that it used a translation handle outside its
 * translation callback. */
void plugin_warn_stale(const char *fn);

/* symbols.c: loads the symbol tables of the ELF files among paths (NULL
 * entries and non-ELF files are skipped). Returns 0, or a negative code
 * with a message for a file that claims to be ELF but is malformed. */
int symbols_load(const char *const *paths, int n);
/* Name of the symbol covering addr, or NULL. Borrowed; valid until
 * symbols_free. */
const char *symbols_lookup(uint64_t addr);
void symbols_free(void);

/* regs.c: the register list and accessors behind get/read/write_register. */
struct qemu_plugin_register;
int regs_count(void);
const char *regs_name(int i);
const char *regs_feature(int i);
bool regs_readonly(int i);
/* Value of register i of h: returns its size in bytes (8) or -1. */
int regs_read(struct hart *h, int i, uint8_t *out);
/* Sets register i of h from len bytes; 0 or -1. */
int regs_write(struct hart *h, int i, const uint8_t *in, size_t len);

#endif
