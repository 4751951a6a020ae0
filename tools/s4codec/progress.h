/*
 * progress.h — the "\r"-updated progress line on stderr. It appears only when
 * stderr is a terminal and the work has run for more than a second; one line
 * at a time for the whole process.
 */
#ifndef S4C_CLI_PROGRESS_H
#define S4C_CLI_PROGRESS_H

#include <stdint.h>

/* Starts timing `name`; `total` is the input size (0 when unknown). */
void cli_progress_start(const char *name, uint64_t total, int enabled);
/* Reports bytes read and written so far; cheap enough to call per buffer. */
void cli_progress_update(uint64_t in_bytes, uint64_t out_bytes);
/* Erases the line if one is shown (before any other message, and at the end). */
void cli_progress_clear(void);

#endif /* S4C_CLI_PROGRESS_H */
