/*
 * clock.h — the monotonic clock the progress line and bench measure with.
 */
#ifndef S4C_CLI_CLOCK_H
#define S4C_CLI_CLOCK_H

#include <time.h>

static inline double cli_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif /* S4C_CLI_CLOCK_H */
