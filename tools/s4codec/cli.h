/*
 * cli.h — what every part of the s4codec tool shares: the exit codes (a
 * documented contract, see docs/cli.md), the commands' entry points, the
 * diagnostics helpers, and the size of the fixed streaming buffers.
 */
#ifndef S4C_CLI_H
#define S4C_CLI_H

#include <stddef.h>

#include "s4codec.h"

enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_DATA = 1,   /* corrupt/truncated/unknown data, codec failure */
    CLI_EXIT_USAGE = 2,  /* bad command line */
    CLI_EXIT_IO = 3,     /* cannot open, read or write a file */
    CLI_EXIT_REFUSED = 4 /* would overwrite without -f, binary to a terminal */
};

/* Every streaming command moves data through buffers of this size, so memory
 * stays bounded whatever the file size (docs/cli.md, "Memory"). */
#define CLI_BUFFER_SIZE ((size_t)1 << 20)

#define CLI_PROGRAM "s4codec"

/* Commands: argv[0] is the command name; return an exit code. */
int cli_compress_main(int argc, char **argv);
int cli_decompress_main(int argc, char **argv);
int cli_crc32c_main(int argc, char **argv);
int cli_bench_main(int argc, char **argv);
/* S4's subcommands (docs/cli.md, "S4 subcommands"). */
int cli_s4_decode_main(int argc, char **argv);
int cli_s4_inspect_main(int argc, char **argv);
int cli_s4_index_main(int argc, char **argv);
int cli_s4_encode_main(int argc, char **argv);
int cli_s4_cat_main(int argc, char **argv);

/* "s4codec: <message>\n" on stderr; returns `code` for `return cli_error(...)`. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The exit code for a failed library call (data error, codec missing, usage...). */
int cli_exit_for_status(s4c_status status);
/* One readable text for a library error: the status's message, plus the
 * detail's own text when it adds something. Returns `buf`. */
const char *cli_detail_text(const s4c_error_detail *detail, char *buf, size_t cap);

#endif /* S4C_CLI_H */
