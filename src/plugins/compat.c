/* The API functions whose prototype changed between QEMU plugin API
 * versions while keeping their name: one symbol each, answering every
 * plugin in the form of the version it declared (the calling plugin is the
 * one whose callback is running). This file deliberately does not include
 * the public header, whose declarations describe only one version:
 *   qemu_plugin_insn_data     v1-v2: const void *(insn); v3+: size_t (insn, dest, len)
 *   qemu_plugin_read_register v2-v5: int (bytes or -1);  v6+: bool
 *   qemu_plugin_write_register v5:   int (bytes or -1);  v6+: bool
 *   qemu_plugin_get_registers  v2-v6: 24-byte descriptors; v7: 32 (is_readonly)
 * Both forms of each return in the same register on the supported hosts
 * (x86-64 and AArch64), so returning the wider type serves both. */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* The exported symbols, with the prototypes this file implements. */
size_t qemu_plugin_insn_data(const void *insn, void *dest, size_t len);
GArray *qemu_plugin_get_registers(void);
int qemu_plugin_read_register(void *handle, GByteArray *buf);
int qemu_plugin_write_register(void *handle, GByteArray *buf);

static int caller_version(void)
{
    return plugin_dispatch.cur ? plugin_dispatch.cur->version : PLUGIN_API_CUR;
}

size_t qemu_plugin_insn_data(const void *insn, void *dest, size_t len)
{
    struct plugin_tb *t = plugin_state.trans_tb;
    const struct plugin_insn *in = insn;
    if (!t || !in || in < t->insns || in >= t->insns + t->n) {
        plugin_warn_stale("qemu_plugin_insn_data");
        return 0;
    }
    if (caller_version() < 3)   /* a pointer to the bytes, valid with the handle */
        return (size_t)(uintptr_t)&in->data;
    if (!dest)
        return 0;
    if (len > in->len)
        len = in->len;
    memcpy(dest, &in->data, len);   /* little-endian host: bytes in memory order */
    return len;
}

/* qemu_plugin_reg_descriptor of versions 2-6 and of version 7. */
struct reg_desc_v2 {
    void *handle;
    const char *name;
    const char *feature;
};
struct reg_desc_v7 {
    void *handle;
    const char *name;
    const char *feature;
    bool is_readonly;
};

GArray *qemu_plugin_get_registers(void)
{
    bool v7 = caller_version() >= 7;
    GArray *a = g_array_new(FALSE, TRUE, v7 ? sizeof(struct reg_desc_v7)
                                            : sizeof(struct reg_desc_v2));
    if (!plugin_dispatch.hart)
        return a;
    for (int i = 0; i < regs_count(); i++) {
        struct reg_desc_v7 d = {
            .handle = (void *)(uintptr_t)(i + 1),
            .name = regs_name(i),
            .feature = regs_feature(i),
            .is_readonly = regs_readonly(i),
        };
        g_array_append_vals(a, &d, 1);   /* the v2 layout is a prefix of v7's */
    }
    return a;
}

static int reg_index(void *handle)
{
    intptr_t i = (intptr_t)handle - 1;
    return i >= 0 && i < regs_count() ? (int)i : -1;
}

/* Version 6+: true/false; before: the size or -1. */
static int reg_result(int size)
{
    if (caller_version() >= 6)
        return size > 0;
    return size > 0 ? size : -1;
}

int qemu_plugin_read_register(void *handle, GByteArray *buf)
{
    int i = reg_index(handle);
    uint8_t v[8];
    if (i < 0 || !buf || !plugin_dispatch.hart)
        return reg_result(-1);
    int n = regs_read(plugin_dispatch.hart, i, v);
    if (n > 0)
        g_byte_array_append(buf, v, (guint)n);
    return reg_result(n);
}

int qemu_plugin_write_register(void *handle, GByteArray *buf)
{
    int i = reg_index(handle);
    if (i < 0 || !buf || !plugin_dispatch.hart || regs_readonly(i) ||
        !plugin_regs_writable("qemu_plugin_write_register") ||
        !plugin_may_write(plugin_dispatch.cur, "qemu_plugin_write_register"))
        return reg_result(-1);
    if (regs_write(plugin_dispatch.hart, i, buf->data, buf->len))
        return reg_result(-1);
    return reg_result(8);
}
