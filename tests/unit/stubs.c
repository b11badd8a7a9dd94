/* Unit-test stand-ins for machine_console_write, machine_request_exit,
 * machine_request_reset (machine.c), tb_invalidate_phys (the translator),
 * mmu_translate_debug and hart_sync_fp_host,
 * so bus/device/loader/FDT tests link without the whole emulator. Never link
 * this into libreprise or ./reprise. */
#include "stubs.h"

#include <string.h>

#include "emu/cpu/mmu.h"
#include "emu/cpu/tb.h"
#include "emu/machine.h"

uint8_t stub_console[4096];
size_t stub_console_len;
int stub_exit_calls, stub_exit_code;
int stub_reset_calls;
int stub_invalidate_calls;
uint64_t stub_invalidate_pa, stub_invalidate_len;

void stub_clear(void)
{
    stub_console_len = 0;
    stub_exit_calls = stub_exit_code = 0;
    stub_reset_calls = 0;
    stub_invalidate_calls = 0;
    stub_invalidate_pa = stub_invalidate_len = 0;
}

void machine_console_write(struct machine *m, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len && stub_console_len < sizeof(stub_console); i++)
        stub_console[stub_console_len++] = buf[i];
}

void machine_request_exit(struct machine *m, int code)
{
    stub_exit_calls++;
    stub_exit_code = code;
}

void machine_request_reset(struct machine *m)
{
    stub_reset_calls++;
}

void tb_invalidate_phys(struct machine *m, uint64_t pa, uint64_t len)
{
    stub_invalidate_calls++;
    stub_invalidate_pa = pa;
    stub_invalidate_len = len;
}

/* The plugin layer translates through the MMU; its unit test has no MMU
 * and runs its fake hart with translation off. */
int mmu_translate_debug(struct hart *h, uint64_t va, int acc, uint64_t *pa)
{
    (void)h;
    (void)acc;
    *pa = va;
    return 0;
}

/* The fake hart loop of the plugin test runs no FP fast path. */
void hart_sync_fp_host(struct hart *h)
{
    h->fp_host = false;
}
