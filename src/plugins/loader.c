/* Plugin loading and life cycle: -plugin specs become dlopen'ed objects
 * whose version is checked and whose qemu_plugin_install runs; uninstall and
 * reset requests are carried out once the requesting callback has returned;
 * exit runs the atexit callbacks and unloads everything. Also owns the
 * plugin log (qemu_plugin_outs) and the mode-dependent permissions. The
 * callbacks themselves are dispatched by dispatch.c. */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/config.h"
#include "emu/machine.h"
#include "internal.h"
#include "reprise/qemu-plugin.h"
#include "util.h"

struct plugin_state plugin_state;

/* compat.c holds only API entry points, which nothing in Reprise calls:
 * naming one keeps the file when ./reprise is linked from an archive, so
 * that plugins find all of them (tests/plugins/check-symbols.sh checks). */
static void *const compat_anchor __attribute__((used)) = (void *)qemu_plugin_get_registers;

typedef int (*install_fn_t)(qemu_plugin_id_t id, const qemu_info_t *info,
                            int argc, char **argv);
typedef void (*cb_id_t)(uint64_t id);
typedef void (*cb_ud_t)(void *ud);

/* Ids are opaque to plugins; a recognisable base makes a plugin that passes
 * something else (0, a pointer) easy to spot. */
#define PLUGIN_ID_BASE 0x5250000000000001ULL

struct plugin *plugin_find(uint64_t id, const char *fn)
{
    for (struct plugin *p = plugin_state.list; p; p = p->next) {
        if (p->id != id)
            continue;
        if (p->live)
            return p;
        if (!p->warned_id) {
            p->warned_id = true;
            fprintf(stderr, "reprise: plugin %s called %s after it was uninstalled; ignored\n",
                    p->path, fn);
        }
        return NULL;
    }
    static bool warned;
    if (!warned) {
        warned = true;
        fprintf(stderr, "reprise: %s was called with id %#llx, which names no loaded plugin;"
                " ignored\n", fn, (unsigned long long)id);
    }
    return NULL;
}

bool plugin_may_write(struct plugin *p, const char *fn)
{
    if (plugin_state.mode == PMODE_RUN)
        return true;
    if (p && !p->warned_write) {
        p->warned_write = true;
        fprintf(stderr, "reprise: plugin %s called %s, which would change what the guest "
                "executes; refused in %s mode\n", p->path, fn,
                plugin_state.mode == PMODE_RECORD ? "record" : "replay");
    }
    return false;
}

bool plugin_regs_writable(const char *fn)
{
    struct plugin *p = plugin_dispatch.cur;
    if (!plugin_dispatch.no_regs)
        return true;
    if (p && !p->warned_noregs) {
        p->warned_noregs = true;
        fprintf(stderr, "reprise: plugin %s called %s from a callback registered with "
                "QEMU_PLUGIN_CB_NO_REGS; refused\n", p->path, fn);
    }
    return false;
}

void plugin_warn_stale(const char *fn)
{
    struct plugin *p = plugin_dispatch.cur;
    if (p && p->warned_handle)
        return;
    if (p)
        p->warned_handle = true;
    fprintf(stderr, "reprise: plugin %s passed %s a block or instruction handle outside "
            "the translation callback that received it; ignored\n", p ? p->path : "?", fn);
}

void plugin_update_translation(void)
{
    bool on = false;
    for (struct plugin *p = plugin_state.list; p; p = p->next)
        on |= p->live && p->hooks[PEV_TB_TRANS].fn;
    plugin_translation_enabled = on;
}

/* ---- reset and uninstall --------------------------------------------------- */

static void request(qemu_plugin_id_t id, enum plugin_pending kind, void *cb, void *ud,
                    const char *fn)
{
    struct plugin *p = plugin_find(id, fn);
    if (!p)
        return;
    if (p->installing && kind == PPEND_UNINSTALL) {
        fprintf(stderr, "reprise: plugin %s called qemu_plugin_uninstall from its install "
                "function; ignored (return non-zero to refuse loading)\n", p->path);
        return;
    }
    p->pending = kind;
    p->pending_fn = cb;
    p->pending_ud = p->version >= 7 ? ud : NULL;
    /* Carried out when the plugin code on the emulator's stack returns (a
     * request from a plugin's own thread waits for the next callback). */
    plugin_dispatch.pending = true;
}

void qemu_plugin_uninstall(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata)
{
    request(id, PPEND_UNINSTALL, (void *)cb, userdata, "qemu_plugin_uninstall");
}

void qemu_plugin_reset(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata)
{
    request(id, PPEND_RESET, (void *)cb, userdata, "qemu_plugin_reset");
}

void plugin_run_pending(void)
{
    while (plugin_dispatch.pending) {
        plugin_dispatch.pending = false;
        for (struct plugin *p = plugin_state.list; p; p = p->next) {
            if (p->pending == PPEND_NONE)
                continue;
            enum plugin_pending kind = p->pending;
            void *fn = p->pending_fn, *ud = p->pending_ud;
            p->pending = PPEND_NONE;
            memset(p->hooks, 0, sizeof(p->hooks));
            p->discon_mask = 0;
            plugin_disable_records(p);
            if (kind == PPEND_UNINSTALL) {
                p->live = false;
                if (plugin_state.time_owner == p)
                    plugin_state.time_owner = NULL;
            }
            plugin_update_translation();
            if (fn) {
                struct plugin_ctx ctx = plugin_enter(p, NULL);
                if (p->version >= 7)
                    ((cb_ud_t)fn)(ud);
                else
                    ((cb_id_t)fn)(p->id);
                plugin_leave(ctx);
            }
        }
    }
}

/* ---- loading --------------------------------------------------------------- */

static enum plugin_mode mode_of(const char *mode)
{
    if (mode && !strcmp(mode, "record"))
        return PMODE_RECORD;
    if (mode && !strcmp(mode, "replay"))
        return PMODE_REPLAY;
    return PMODE_RUN;
}

static void free_argv(struct plugin *p)
{
    for (int i = 0; i < p->argc; i++)
        free(p->argv[i]);
    free(p->argv);
    p->argv = NULL;
    p->argc = 0;
}

static int copy_argv(struct plugin *p, const struct plugin_spec *spec)
{
    p->argv = calloc((size_t)spec->nargs + 1, sizeof(*p->argv));
    if (!p->argv)
        return -ENOMEM;
    for (int i = 0; i < spec->nargs; i++) {
        p->argv[i] = strdup(spec->args[i]);
        if (!p->argv[i]) {
            free_argv(p);
            return -ENOMEM;
        }
        p->argc++;
    }
    return 0;
}

static void unlink_plugin(struct plugin *p)
{
    for (struct plugin **pp = &plugin_state.list; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            return;
        }
    }
}

/* Opens the object: a path with a slash, or a file in the current
 * directory, is opened as it is; a bare name that is no file here goes
 * through the dynamic linker's search path. */
static void *open_object(const char *path, int *missing)
{
    *missing = 0;
    if (access(path, F_OK) == 0) {
        if (strchr(path, '/'))
            return dlopen(path, RTLD_NOW | RTLD_LOCAL);
        size_t n = strlen(path) + 3;
        char *local = malloc(n);
        if (!local)
            return NULL;
        snprintf(local, n, "./%s", path);
        void *h = dlopen(local, RTLD_NOW | RTLD_LOCAL);
        free(local);
        return h;
    }
    if (!strchr(path, '/')) {
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (h)
            return h;
    }
    *missing = 1;
    return NULL;
}

static int load_one(const struct plugin_spec *spec, const qemu_info_t *info)
{
    int r, missing;
    struct plugin *p = calloc(1, sizeof(*p));
    if (!p)
        return rp_error(-ENOMEM, "out of memory while loading plugin %s", spec->path);
    p->path = strdup(spec->path);
    if (!p->path) {
        r = rp_error(-ENOMEM, "out of memory while loading plugin %s", spec->path);
        goto free_plugin;
    }
    dlerror();
    p->handle = open_object(p->path, &missing);
    if (!p->handle) {
        if (missing) {
            r = rp_error(-ENOENT, "cannot load plugin %s: no such file", p->path);
        } else {
            const char *e = dlerror();
            r = rp_error(-ENOEXEC, "cannot load plugin %s: %s", p->path,
                         e ? e : "not a shared object");
        }
        goto free_path;
    }
    const int *version = dlsym(p->handle, "qemu_plugin_version");
    if (!version) {
        r = rp_error(-ENOEXEC, "plugin %s does not export qemu_plugin_version, so it was "
                     "not built for QEMU's plugin API", p->path);
        goto close_handle;
    }
    install_fn_t install = (install_fn_t)dlsym(p->handle, "qemu_plugin_install");
    if (!install) {
        r = rp_error(-ENOEXEC, "plugin %s does not export qemu_plugin_install", p->path);
        goto close_handle;
    }
    if (*version < PLUGIN_API_MIN || *version > PLUGIN_API_CUR) {
        r = rp_error(-ENOTSUP, "plugin %s requests API version %d, but this Reprise supports "
                     "versions %d to %d", p->path, *version, PLUGIN_API_MIN, PLUGIN_API_CUR);
        goto close_handle;
    }
    p->version = *version;
    r = copy_argv(p, spec);
    if (r) {
        r = rp_error(r, "out of memory while loading plugin %s", p->path);
        goto close_handle;
    }

    p->id = plugin_state.next_id++;
    p->live = true;
    p->installing = true;
    struct plugin **tail = &plugin_state.list;
    while (*tail)
        tail = &(*tail)->next;
    *tail = p;
    struct plugin_ctx ctx = plugin_enter(p, NULL);
    int rc = install(p->id, info, p->argc, p->argv);
    plugin_leave(ctx);
    p->installing = false;
    if (rc != 0) {
        r = rp_error(-ECANCELED, "plugin %s failed to install (returned %d)", p->path, rc);
        goto unlink;
    }
    return 0;

unlink:
    unlink_plugin(p);
    plugin_free_scoreboards(p);
    if (plugin_state.time_owner == p)
        plugin_state.time_owner = NULL;
    free_argv(p);
close_handle:
    dlclose(p->handle);
free_path:
    free(p->path);
free_plugin:
    free(p);
    return r;
}

static int open_log(const struct machine_config *cfg)
{
    plugin_state.log = NULL;
    plugin_state.log_owned = false;
    if (!cfg->debug_plugin)
        return 0;
    if (!cfg->logfile) {
        plugin_state.log = stderr;
        return 0;
    }
    plugin_state.log = fopen(cfg->logfile, "w");
    if (!plugin_state.log)
        return rp_error(-errno, "cannot open log file %s: %s", cfg->logfile, strerror(errno));
    plugin_state.log_owned = true;
    return 0;
}

static void close_log(void)
{
    if (plugin_state.log && plugin_state.log_owned)
        fclose(plugin_state.log);
    else if (plugin_state.log)
        fflush(plugin_state.log);
    plugin_state.log = NULL;
    plugin_state.log_owned = false;
}

/* Unloads every plugin without running its atexit callback. */
static void unload_all(void)
{
    while (plugin_state.list) {
        struct plugin *p = plugin_state.list;
        plugin_state.list = p->next;
        plugin_free_scoreboards(p);
        free_argv(p);
        dlclose(p->handle);
        free(p->path);
        free(p);
    }
    plugin_free_scoreboards(NULL);
    plugin_free_all_records();
    symbols_free();
    close_log();
    plugin_state.time_owner = NULL;
    plugin_dispatch.cur = NULL;
    plugin_state.trans_tb = NULL;
    plugin_dispatch.pending = false;
    plugin_any = false;
    plugin_sole = NULL;
    plugin_mem_values = false;
    plugin_translation_enabled = false;
    plugin_dispatch.hart = NULL;
}

/* A floating-point exception reaches Reprise only when plugin code has
 * unmasked host FP exceptions (feenableexcept): Reprise's own FP code
 * needs them masked. Says so and exits (through exit, so that the terminal
 * is restored and pending output written: the fault is synchronous, in FP
 * code, never inside the C library's locks); any other SIGFPE (an integer
 * division) keeps its default action. */
static void fp_exception(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (si->si_code >= FPE_FLTDIV && si->si_code <= FPE_FLTSUB) {
        static const char msg[] = "reprise: a plugin unmasked the host's floating-point "
                                  "exceptions (feenableexcept); plugins must leave them masked\n";
        ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
        (void)w;
        exit(2);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_fp_exceptions(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fp_exception;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGFPE, &sa, NULL);
}

int plugin_load_all(const struct machine_config *cfg, struct machine *m, const char *mode)
{
    plugin_state.m = m;
    plugin_state.cfg = cfg;
    plugin_state.mode = mode_of(mode);
    plugin_state.nharts = m ? m->nharts : cfg->smp;
    if (plugin_state.nharts < 1)
        plugin_state.nharts = 1;
    if (!plugin_state.next_id)
        plugin_state.next_id = PLUGIN_ID_BASE;
    if (cfg->nplugins == 0)
        return 0;

    int r = open_log(cfg);
    if (r)
        return r;
    const char *images[2] = { machine_bios_path(cfg), cfg->kernel };
    if (symbols_load(images, 2) < 0) {
        /* Symbols only name code for plugins: run without them. */
        fprintf(stderr, "reprise: %s; plugins will see no symbol names\n", rp_strerror(-EINVAL));
        rp_error_clear();
        symbols_free();
    }

    qemu_info_t info;
    memset(&info, 0, sizeof(info));
    info.target_name = "riscv64";
    info.version.min = PLUGIN_API_MIN;
    info.version.cur = PLUGIN_API_CUR;
    info.system_emulation = true;
    info.system.smp_vcpus = plugin_state.nharts;
    info.system.max_vcpus = plugin_state.nharts;

    for (int i = 0; i < cfg->nplugins; i++) {
        r = load_one(&cfg->plugins[i], &info);
        if (r)
            goto unload_loaded;
    }
    plugin_any = true;
    catch_fp_exceptions();
    plugin_sole = plugin_state.list && !plugin_state.list->next ? plugin_state.list : NULL;
    for (struct plugin *p = plugin_state.list; p; p = p->next)
        plugin_mem_values |= p->version >= 4;
    plugin_update_translation();
    return 0;

unload_loaded:
    unload_all();
    return r;
}

void plugin_exit_all(struct machine *m)
{
    (void)m;
    for (struct plugin *p = plugin_state.list; p; p = p->next)
        plugin_call_hook(p, PEV_ATEXIT, NULL);
    unload_all();
}
