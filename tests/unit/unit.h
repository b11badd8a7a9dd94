/* A minimal unit-test harness: CHECK records a failure with a message and
 * carries on; unit_done() prints a summary and yields the exit status that
 * the automake test driver reads (0 = pass, 1 = fail). */
#ifndef REPRISE_UNIT_H
#define REPRISE_UNIT_H

#include <stdio.h>

static int unit_checks, unit_failures;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        unit_checks++;                                                      \
        if (!(cond)) {                                                      \
            unit_failures++;                                                \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__,          \
                    __LINE__, #cond);                                       \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
        }                                                                   \
    } while (0)

static inline int unit_done(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, unit_checks, unit_failures);
    return unit_failures ? 1 : 0;
}

#endif
