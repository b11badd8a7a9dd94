/* Stand-ins for the board and the translator, linked only into unit tests
 * that build device, bus, loader and FDT code without the rest of the
 * emulator. They record what they were asked to do for the tests to check. */
#ifndef REPRISE_UNIT_STUBS_H
#define REPRISE_UNIT_STUBS_H

#include <stddef.h>
#include <stdint.h>

extern uint8_t stub_console[4096];     /* bytes given to machine_console_write */
extern size_t stub_console_len;
extern int stub_exit_calls, stub_exit_code;
extern int stub_reset_calls;
extern int stub_invalidate_calls;      /* tb_invalidate_phys */
extern uint64_t stub_invalidate_pa, stub_invalidate_len;

void stub_clear(void);

#endif
