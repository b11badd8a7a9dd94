/* Shared helpers for the conformance plugins: error counting and the one
 * verdict line each prints at exit ("NAME: PASS ..." or "NAME: FAIL ..."),
 * through qemu_plugin_outs, so run them with -d plugin. */
#ifndef REPRISE_CONFORM_H
#define REPRISE_CONFORM_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

#define CONFORM_MAX_HARTS 64

static uint64_t conform_errors;

/* Reports a broken rule (the first few times) and counts it. */
static void conform_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void conform_error(const char *fmt, ...)
{
    if (conform_errors++ < 10) {
        char line[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        qemu_plugin_outs(line);
        qemu_plugin_outs("\n");
    }
}

/* Prints the verdict: FAIL when a rule broke or nothing was checked. */
static void conform_verdict(const char *name, uint64_t checks, const char *details)
{
    char line[512];
    snprintf(line, sizeof(line), "%s: %s (%" PRIu64 " checks, %" PRIu64 " errors%s%s)\n", name,
             conform_errors || !checks ? "FAIL" : "PASS", checks, conform_errors,
             details ? "; " : "", details ? details : "");
    qemu_plugin_outs(line);
}

/* Reads a 64-bit register of the current hart by handle; 0 when it fails. */
static inline uint64_t conform_reg(struct qemu_plugin_register *r)
{
    uint64_t v = 0;
    if (!r)
        return 0;
    GByteArray *b = g_byte_array_new();
    if (qemu_plugin_read_register(r, b) && b->len >= 8)
        memcpy(&v, b->data, 8);
    g_byte_array_free(b, TRUE);
    return v;
}

/* Looks a register up by name in the current hart's list. */
static inline struct qemu_plugin_register *conform_find_reg(const char *name)
{
    struct qemu_plugin_register *h = NULL;
    GArray *regs = qemu_plugin_get_registers();
    for (guint i = 0; i < regs->len; i++) {
        qemu_plugin_reg_descriptor *d = &g_array_index(regs, qemu_plugin_reg_descriptor, i);
        if (!strcmp(d->name, name))
            h = d->handle;
    }
    g_array_free(regs, TRUE);
    return h;
}

#endif
