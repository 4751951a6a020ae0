/*
 * progress.c — a progress line for long compress/decompress runs.
 *
 * Printed to stderr with "\r" and erased at the end, so it never mixes with
 * data on stdout or with later messages. Silent when stderr is not a terminal
 * (logs, pipes, tests) and for the first second, so quick runs print nothing.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "progress.h"

#define SHOW_AFTER_S 1.0
#define REFRESH_S 0.25
#define MIB (1024.0 * 1024.0)

static struct {
    int enabled;
    const char *name;
    uint64_t total;
    double start, last;
    int shown_width;
} bar;

void cli_progress_start(const char *name, uint64_t total, int enabled) {
    cli_progress_clear();
    bar.enabled = enabled && isatty(STDERR_FILENO);
    bar.name = name;
    bar.total = total;
    bar.start = cli_now();
    bar.last = 0;
}

void cli_progress_update(uint64_t in_bytes, uint64_t out_bytes) {
    if (!bar.enabled) return;
    double now = cli_now(), elapsed = now - bar.start;
    if (elapsed < SHOW_AFTER_S || now - bar.last < REFRESH_S) return;
    bar.last = now;
    char pct[16] = "";
    if (bar.total)
        snprintf(pct, sizeof(pct), ", %.0f%%", 100.0 * (double)in_bytes / (double)bar.total);
    char line[160];
    int n = snprintf(line, sizeof(line), "%.40s: %.1f MiB in, %.1f MiB out%s, %.1f MB/s", bar.name,
                     (double)in_bytes / MIB, (double)out_bytes / MIB, pct,
                     (double)in_bytes / 1e6 / elapsed);
    if (n < 0) return;
    if (n >= (int)sizeof(line)) n = (int)sizeof(line) - 1;
    int pad = bar.shown_width > n ? bar.shown_width - n : 0;
    fprintf(stderr, "\r%s%*s", line, pad, "");
    fflush(stderr);
    bar.shown_width = n;
}

void cli_progress_clear(void) {
    if (!bar.shown_width) return;
    fprintf(stderr, "\r%*s\r", bar.shown_width, "");
    fflush(stderr);
    bar.shown_width = 0;
}
