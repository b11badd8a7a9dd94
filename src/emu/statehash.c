/* The machine state digest used for divergence checks: SHA-256 over every
 * hart's architectural state and, when asked, a fast digest of guest RAM.
 * Scheduling details (budgets, TLBs, block caches) are deliberately left out:
 * they are not guest-visible state. */
#include <glib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "machine.h"

/* Four independent multiply-rotate lanes over 64-bit words: several GB/s,
 * and a change in any word changes its lane's value. */
static void ram_digest(const uint8_t *p, uint64_t len, uint64_t out[4])
{
    uint64_t a = 0x243f6a8885a308d3ULL, b = 0x13198a2e03707344ULL,
             c = 0xa4093822299f31d0ULL, d = 0x082efa98ec4e6c89ULL;
    const uint64_t k = 0x9e3779b97f4a7c15ULL;
    uint64_t i = 0, w[4];
    for (; i + 32 <= len; i += 32) {
        memcpy(w, p + i, 32);
        a = ((a ^ w[0]) * k); a = (a << 31) | (a >> 33);
        b = ((b ^ w[1]) * k); b = (b << 29) | (b >> 35);
        c = ((c ^ w[2]) * k); c = (c << 27) | (c >> 37);
        d = ((d ^ w[3]) * k); d = (d << 25) | (d >> 39);
    }
    for (; i < len; i++)
        a = ((a ^ p[i]) * k);
    out[0] = a ^ len;
    out[1] = b;
    out[2] = c;
    out[3] = d;
}

void machine_state_hash(struct machine *m, bool with_ram, uint8_t out[32])
{
    GChecksum *cs = g_checksum_new(G_CHECKSUM_SHA256);
    for (int i = 0; i < m->nharts; i++) {
        const struct hart *h = m->harts[i];
        uint64_t regs[] = {
            h->pc, h->icount, (uint64_t)h->priv, h->fflags, h->frm, h->res_addr,
            h->mstatus, h->misa, h->medeleg, h->mideleg, h->mie, h->mip, h->mtvec,
            h->mscratch, h->mepc, h->mcause, h->mtval, h->mcounteren, h->menvcfg,
            h->stvec, h->sscratch, h->sepc, h->scause, h->stval, h->satp,
            h->scounteren, h->senvcfg, h->stimecmp, h->wfi, h->seip_sw,
        };
        g_checksum_update(cs, (const guchar *)h->x, 32 * sizeof(uint64_t));
        g_checksum_update(cs, (const guchar *)h->f, sizeof(h->f));
        g_checksum_update(cs, (const guchar *)regs, sizeof(regs));
    }
    uint64_t t = machine_mtime(m);
    g_checksum_update(cs, (const guchar *)&t, sizeof(t));
    if (with_ram) {
        uint64_t d[4];
        ram_digest(m->bus.ram, m->bus.ram_size, d);
        g_checksum_update(cs, (const guchar *)d, sizeof(d));
    }
    gsize len = 32;
    g_checksum_get_digest(cs, out, &len);
    g_checksum_free(cs);
}
