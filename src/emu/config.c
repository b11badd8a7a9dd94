/* Defaults and teardown for struct machine_config (see config.h). Owns the
 * strings a config points to; parsing them from argv is cli.c's job and
 * storing them in a log header is the recorder's. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

void config_init(struct machine_config *c)
{
    memset(c, 0, sizeof(*c));
    c->ram_size = 128ULL << 20;
    c->smp = 1;
    c->bios = NULL;
    c->virtio_legacy = true;
    c->solo_turn = SOLO_TURN;
}

/* Frees every string and plugin argument list the config owns and leaves it
 * zeroed, so calling config_free twice is harmless. */
void config_free(struct machine_config *c)
{
    free(c->bios);
    free(c->kernel);
    free(c->initrd);
    free(c->append);
    for (int i = 0; i < c->ndrives; i++)
        free(c->drives[i]);
    for (int i = 0; i < c->nnetdevs; i++) {
        free(c->netdevs[i].id);
        free(c->netdevs[i].hostname);
    }
    for (int i = 0; i < c->nplugins; i++) {
        struct plugin_spec *p = &c->plugins[i];
        free(p->path);
        for (int j = 0; j < p->nargs; j++)
            free(p->args[j]);
        free(p->args);
    }
    free(c->logfile);
    free(c->dtb_out);
    memset(c, 0, sizeof(*c));
}
