/* picolibc glue for C guest tests: stdout/stderr on the UART and _exit
 * through the finisher.  Linked only into tests built with picolibc. */
#include <stdio.h>
#include <stdlib.h>
#include "rt.h"

static int uart_put(char c, FILE *f)
{
	(void)f;
	rt_putc(c);
	return (unsigned char)c;
}

static FILE uart_file = FDEV_SETUP_STREAM(uart_put, NULL, NULL, _FDEV_SETUP_WRITE);

FILE *const stdin = &uart_file;
FILE *const stdout = &uart_file;
FILE *const stderr = &uart_file;

noreturn void _exit(int code)
{
	rt_exit((unsigned)code);
}
