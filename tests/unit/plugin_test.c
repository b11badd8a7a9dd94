/* Unit tests for the plugin layer (src/plugins) driven by a fake hart loop:
 * the loader's one-sentence errors and clean unwinding, then real plugins
 * (API version 1 and 7, from tests/plugins and plugins/, found in
 * $PLUGIN_DIR) instrumenting a hand-made block that the test "executes" on
 * two harts through plugin.h's hooks, and the summaries they print at exit
 * through the -D log. Needs the plugins built (make check builds them) in
 * $PLUGIN_DIR and $EXAMPLE_PLUGIN_DIR. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/config.h"
#include "emu/cpu/cpu.h"
#include "emu/machine.h"
#include "plugins/plugin.h"
#include "unit.h"
#include "util.h"

/* ---- stand-ins for the parts of the emulator the plugin layer calls ---------- */

static uint64_t fake_mtime;

const char *machine_bios_path(const struct machine_config *cfg)
{
    return cfg->bios && strcmp(cfg->bios, "none") ? cfg->bios : NULL;
}

uint64_t machine_mtime(struct machine *m)
{
    return fake_mtime;
}

void machine_set_mtime(struct machine *m, uint64_t mtime)
{
    fake_mtime = mtime;
}

int csr_read(struct hart *h, unsigned csr, uint64_t *val)
{
    *val = csr == 0x300 ? h->mstatus : csr == 0xc01 ? fake_mtime : 0;
    return 0;
}

/* ---- the fake machine ------------------------------------------------------------- */

static struct machine m;
static struct machine_config cfg;
static char logpath[] = "/tmp/reprise-plugin-test.XXXXXX";
static const char *dirs[2];    /* $PLUGIN_DIR (tests/plugins), $EXAMPLE_PLUGIN_DIR (plugins) */

static void machine_setup(void)
{
    memset(&m, 0, sizeof(m));
    memset(&cfg, 0, sizeof(cfg));
    cfg.smp = 2;
    cfg.debug_plugin = true;
    cfg.logfile = logpath;
    m.cfg = &cfg;
    m.nharts = 2;
    if (bus_init(&m.bus, VIRT_DRAM_BASE, 1 << 20)) {
        fprintf(stderr, "plugin_test: out of memory\n");
        exit(1);
    }
    m.bus.machine = &m;
    for (int i = 0; i < 2; i++) {
        struct hart *h = calloc(1, sizeof(*h));
        h->m = &m;
        h->id = i;
        h->priv = PRV_M;
        m.harts[i] = h;
    }
}

static void machine_teardown(void)
{
    for (int i = 0; i < 2; i++)
        free(m.harts[i]);
    bus_destroy(&m.bus);
}

static void set_plugins(int n, ...)
{
    static char paths[4][512];
    static char *args[4][3];
    va_list ap;
    va_start(ap, n);
    cfg.nplugins = n;
    for (int i = 0; i < n; i++) {
        const char *name = va_arg(ap, const char *);
        const char *arg = va_arg(ap, const char *);
        snprintf(paths[i], sizeof(paths[i]), "%s", name);
        for (int d = 0; d < 2 && name[0] != '/'; d++) {
            snprintf(paths[i], sizeof(paths[i]), "%s/%s", dirs[d], name);
            if (access(paths[i], F_OK) == 0)
                break;
        }
        args[i][0] = (char *)arg;
        args[i][1] = NULL;
        cfg.plugins[i].path = paths[i];
        cfg.plugins[i].args = args[i];
        cfg.plugins[i].nargs = arg ? 1 : 0;
    }
    va_end(ap);
}

static char *read_log(void)
{
    static char buf[16384];
    FILE *f = fopen(logpath, "r");
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    buf[n] = 0;
    if (f)
        fclose(f);
    return buf;
}

/* ---- loader errors ---------------------------------------------------------------- */

static void expect_load_error(const char *what, const char *needle)
{
    rp_error_clear();
    int r = plugin_load_all(&cfg, &m, "run");
    const char *msg = rp_strerror(r);
    CHECK(r < 0, "%s: loading succeeded", what);
    CHECK(strstr(msg, needle) != NULL, "%s: message \"%s\" lacks \"%s\"", what, msg, needle);
    CHECK(!plugin_any && !plugin_translation_enabled, "%s: plugins left loaded", what);
    CHECK(strchr(msg, '\n') == NULL, "%s: not one sentence: %s", what, msg);
}

static void test_errors(void)
{
    set_plugins(1, "/nonexistent/libnothing.so", NULL);
    expect_load_error("missing file", "cannot load plugin /nonexistent/libnothing.so: no such file");

    char notso[] = "/tmp/reprise-notso.XXXXXX";
    int fd = mkstemp(notso);
    CHECK(fd >= 0 && write(fd, "hello\n", 6) == 6, "cannot write %s", notso);
    close(fd);
    set_plugins(1, notso, NULL);
    expect_load_error("not a shared object", "cannot load plugin");
    unlink(notso);

    set_plugins(1, "libbad_noversion.so", NULL);
    expect_load_error("no version", "does not export qemu_plugin_version");
    set_plugins(1, "libbad_noinstall.so", NULL);
    expect_load_error("no install", "does not export qemu_plugin_install");
    set_plugins(1, "libbad_v9.so", NULL);
    expect_load_error("version 9",
                      "requests API version 9, but this Reprise supports versions 1 to 7");
    /* A good plugin loaded first must be unloaded again. */
    set_plugins(2, "libcount_v1.so", NULL, "libbad_install.so", NULL);
    expect_load_error("install fails", "libbad_install.so failed to install (returned -1)");
    set_plugins(1, "libapi_v7.so", "bogus=1");
    expect_load_error("install refuses its arguments", "failed to install (returned -2)");
}

/* ---- a block on two harts ------------------------------------------------------------ */

/* addi a0,a0,1 ; ld ra,8(sp) ; sd a0,8(sp) ; wfi at 0x80000000: the first
 * three make one block, wfi another. */
static const uint32_t code[4] = { 0x00150513, 0x00813083, 0x00a13423, 0x10500073 };

static void translate(struct plugin_tb *tb, struct hart *h, unsigned first, unsigned n)
{
    memset(tb, 0, sizeof(*tb));
    tb->vaddr = tb->paddr = VIRT_DRAM_BASE + 4 * first;
    tb->n = n;
    tb->hart = h;
    for (unsigned i = 0; i < n; i++) {
        struct plugin_insn *in = &tb->insns[i];
        in->vaddr = in->paddr = tb->vaddr + 4 * i;
        in->haddr = m.bus.ram + 4 * (first + i);
        in->data = code[first + i];
        in->len = 4;
        in->is_mem = first + i == 1 || first + i == 2;
    }
    plugin_tb_trans(tb);
}

static void execute(struct plugin_tb *tb, struct hart *h)
{
    for (const struct plugin_cb *cb = tb->exec_cbs; cb; cb = cb->next)
        plugin_run_cb(h, cb);
    for (unsigned i = 0; i < tb->n; i++) {
        struct plugin_insn *in = &tb->insns[i];
        h->pc = in->vaddr;
        for (const struct plugin_cb *cb = in->exec_cbs; cb; cb = cb->next)
            plugin_run_cb(h, cb);
        if (!in->is_mem)
            continue;
        struct plugin_mem_access acc = {
            .vaddr = h->x[2] + 8, .size_shift = 3, .store = in->vaddr == VIRT_DRAM_BASE + 8,
            .value = in->vaddr == VIRT_DRAM_BASE + 8 ? 0x1111222233334444ULL : 0x5555666677778888ULL,
        };
        for (const struct plugin_cb *cb = in->mem_cbs; cb; cb = cb->next)
            plugin_run_mem_cb(h, cb, &acc);
    }
}

static void run_session(const char *mode)
{
    struct plugin_tb tb, wfi;
    for (int i = 0; i < 2; i++) {
        m.harts[i]->x[2] = VIRT_DRAM_BASE + 0x1000;   /* sp */
        m.harts[i]->x[10] = 42;                        /* a0 */
    }
    int r = plugin_load_all(&cfg, &m, mode);
    CHECK(r == 0, "loading failed: %s", rp_strerror(r));
    if (r)
        return;
    CHECK(plugin_any, "plugins not enabled");
    for (int i = 0; i < 2; i++)
        plugin_vcpu_init(m.harts[i]);
    translate(&tb, m.harts[0], 0, 3);
    translate(&wfi, m.harts[0], 3, 1);
    execute(&tb, m.harts[0]);
    execute(&tb, m.harts[0]);
    execute(&wfi, m.harts[0]);
    plugin_vcpu_idle(m.harts[0]);
    plugin_vcpu_resume(m.harts[0]);
    execute(&tb, m.harts[1]);
    plugin_discon(m.harts[1], true, 0x80000008, 0x80000100);
    plugin_flush(&m);
    for (int i = 0; i < 2; i++)
        plugin_vcpu_exit(m.harts[i]);
    plugin_exit_all(&m);
    CHECK(!plugin_any, "plugins still loaded after exit");
}

static void test_session(void)
{
    set_plugins(2, "libcount_v1.so", NULL, "libapi_v7.so", NULL);
    run_session("run");
    const char *log = read_log();
    CHECK(strstr(log, "count_v1: insns 10 loads 3 stores 3 (cb insns 10) vcpus 2\n") != NULL,
          "version 1 counts wrong:\n%s", log);
    const char *want =
        "api_v7: init 2 trans 2 tb 4 insn 10 cond 4 mem 6 load 0x5555666677778888"
        " store 0x1111222233334444 pa 0x80001008 RAM idle 1 resume 1 discon 1"
        " 0x80000008->0x80000100 flush 1 a0 42 pc 0x80000008 sum 10 time granted"
        " disas [add a0,a0,1|ld ra,8(sp)|sd a0,8(sp)] bad 0/0\n";
    CHECK(strstr(log, want) != NULL, "version 7 summary wrong:\n%s\nwanted:\n%s", log, want);

    /* Replay: time control is refused, nothing else changes. */
    set_plugins(1, "libapi_v7.so", NULL);
    run_session("replay");
    log = read_log();
    CHECK(strstr(log, "time refused") != NULL, "replay granted time control:\n%s", log);

    /* Uninstalling from a callback: nothing more runs, atexit included. */
    set_plugins(2, "libapi_v7.so", "uninstall=on", "libcount_v1.so", NULL);
    run_session("run");
    log = read_log();
    CHECK(strstr(log, "api_v7: uninstalled\n") != NULL, "uninstall callback missing:\n%s", log);
    CHECK(strstr(log, "api_v7: init") == NULL, "atexit ran after uninstall:\n%s", log);
    CHECK(strstr(log, "count_v1: insns 10 ") != NULL, "the other plugin was disturbed:\n%s", log);
}

/* Every shipped and conformance plugin loads, runs the block and exits. */
static void test_all_plugins(void)
{
    static const char *const names[] = {
        "libinsn.so", "libhotblocks.so", "libmemtrace.so", "libexeclog.so", "libinsnclass.so",
        "libidle.so", "libtraps.so", "libbefore.so", "libmemafter.so", "liborder.so",
        "libidleresume.so", "libhandles.so",
    };
    static const char *const marks[] = {
        "total: 10 instructions", "hottest", "pages accessed", "\"ld ra,8(sp)\"", "total",
        "idles", "total: 1 traps", "before: PASS", "memafter: ", "order: PASS",
        "idleresume: PASS", "handles: PASS",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        set_plugins(1, names[i], NULL);
        run_session("run");
        const char *log = read_log();
        CHECK(strstr(log, marks[i]) != NULL, "%s printed no \"%s\":\n%s", names[i], marks[i], log);
    }
}

int main(void)
{
    dirs[0] = getenv("PLUGIN_DIR") ? getenv("PLUGIN_DIR") : "tests/plugins";
    dirs[1] = getenv("EXAMPLE_PLUGIN_DIR") ? getenv("EXAMPLE_PLUGIN_DIR") : "plugins";
    int fd = mkstemp(logpath);
    if (fd < 0)
        return 1;
    close(fd);
    machine_setup();
    test_errors();
    test_session();
    test_all_plugins();
    machine_teardown();
    unlink(logpath);
    return unit_done("plugin_test");
}
