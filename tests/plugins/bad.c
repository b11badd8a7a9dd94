/* Deliberately broken plugins for the loader's error paths (plugin_test):
 * built once per BAD_* switch into libbad_noversion.so (no
 * qemu_plugin_version), libbad_noinstall.so (no qemu_plugin_install),
 * libbad_v9.so (asks for API version 9) and libbad_install.so (install
 * returns -1 after registering a callback and allocating a scoreboard). */
#include <qemu-plugin.h>

#ifndef BAD_NOVERSION
#ifdef BAD_V9
QEMU_PLUGIN_EXPORT int qemu_plugin_version = 9;
#else
QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;
#endif
#endif

#ifndef BAD_NOINSTALL
static void tb_trans(struct qemu_plugin_tb *tb, void *udata)
{
    (void)tb;
    (void)udata;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    (void)info;
    (void)argc;
    (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans, NULL);
#ifdef BAD_INSTALL
    qemu_plugin_scoreboard_new(64);
    return -1;
#else
    return 0;
#endif
}
#endif
