/*
 * safe_output.h — where a command's output goes, without ever leaving a
 * partial or clobbered file: a temporary file next to the destination,
 * renamed into place on success, unlinked on failure or on a fatal signal.
 */
#ifndef S4C_CLI_SAFE_OUTPUT_H
#define S4C_CLI_SAFE_OUTPUT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "file_io.h"

typedef struct cli_output {
    int fd;
    const char *path; /* final path; NULL for stdout */
    const char *name; /* for messages: the path, or "stdout" */
    int via_temp;     /* 1: writing temp_path, renamed on commit */
    int force;
    uint64_t written;
    char temp_path[PATH_MAX];
} cli_output;

/*
 * Opens the output: `path` NULL or "-" is stdout (refused with exit 4 when it
 * is a terminal and `binary`); an existing device or FIFO is written in
 * place; anything else goes through a temporary file in the destination
 * directory. An existing `path` is refused (exit 4) without `force`, and so is
 * the input itself. Returns 0 or an exit code after printing why.
 */
int cli_output_open(cli_output *out, const char *path, int force, int binary,
                    const cli_input *input);
/* Writes; 0 or CLI_EXIT_IO after printing why (the caller then aborts). */
int cli_output_write(cli_output *out, const void *buf, size_t n);
/* Finishes: mode bits and times from the input, close, rename into place. */
int cli_output_commit(cli_output *out, const cli_input *input);
/* Drops the output: the temporary file is unlinked; nothing else changes. */
void cli_output_abort(cli_output *out);

#endif /* S4C_CLI_SAFE_OUTPUT_H */
