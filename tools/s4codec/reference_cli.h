/*
 * reference_cli.h — running a reference tool (zstd, gzip, lz4) the way a
 * shell pipeline would, for bench: stdin from a file, stdout to a file or
 * /dev/null, and the wall time of the whole fork/exec/wait.
 */
#ifndef S4C_CLI_REFERENCE_CLI_H
#define S4C_CLI_REFERENCE_CLI_H

/*
 * Runs argv (argv[0] looked up in PATH) with stdin = `stdin_fd` rewound to
 * offset 0, stdout = `stdout_fd`, stderr = /dev/null. Returns the exit status
 * (127 when it could not be started, -1 when it died of a signal) and the
 * elapsed wall time in `*seconds`.
 */
int cli_reference_run(const char *const argv[], int stdin_fd, int stdout_fd, double *seconds);

/* Fills argv for "<tool> -LEVEL -c" (compress) or "<tool> -d -c"; `level_buf` holds "-LEVEL". */
void cli_reference_argv(const char *tool, int decompress, int level, char *level_buf,
                        const char *argv[5]);

#endif /* S4C_CLI_REFERENCE_CLI_H */
