/*
 * main.c — the s4codec entry point: global options (--version, --help), the
 * command table, and the diagnostics every command prints through.
 *
 * Commands are looked up in one static table; each owns its options and help
 * text in its own file. The exit codes are a contract (cli.h, docs/cli.md).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ckindex_cli.h"
#include "cli.h"
#include "progress.h"
#include "s4codec.h"

typedef struct cli_command {
    const char *name;
    const char *alias; /* short form, or NULL */
    int (*main)(int argc, char **argv);
    const char *summary;
} cli_command;

static const cli_command commands[] = {
    {"compress", "c", cli_compress_main, "compress a file or stdin (zstd, gzip, lz4, passthrough)"},
    {"decompress", "d", cli_decompress_main, "decompress a .zst/.gz/.lz4 file or stdin"},
    {"crc32c", NULL, cli_crc32c_main, "print the CRC-32C of files, like sha256sum"},
    {"bench", NULL, cli_bench_main, "compare our codecs with the zstd/gzip/lz4 tools"},
    {"decode", NULL, cli_s4_decode_main, "decode an S4F2 framed object body (S4's s4-codec)"},
    {"inspect", NULL, cli_s4_inspect_main, "list the frames of an S4F2 body without decoding"},
    {"index", NULL, cli_s4_index_main, "print an S4IX .s4index sidecar"},
    {"encode", NULL, cli_s4_encode_main, "encode a file as S4 stores it (body, sidecar, metadata)"},
    {"cat", NULL, cli_cat_main,
     "write a byte range of a .zst/.gz/.lz4 file (or, with --range, of an S4F2 body)"},
    {"build-index", NULL, cli_build_index_main,
     "write FILE.s4ci, a checkpoint index for random access and --threads"},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_usage(FILE *f) {
    fprintf(f, "usage: %s COMMAND [OPTIONS] [FILE...]\n\ncommands:\n", CLI_PROGRAM);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n"
               "options:\n"
               "  -h, --help     show this help (COMMAND --help: that command's help)\n"
               "  -V, --version  print the version\n"
               "\n"
               "exit codes:\n"
               "  0  success\n"
               "  1  data or codec error (corrupt, truncated, unknown format, checksum)\n"
               "  2  usage error (bad option or argument)\n"
               "  3  I/O error (cannot open, read or write a file)\n"
               "  4  refused (output exists and no -f; binary data to a terminal)\n");
}

int cli_error(int code, const char *fmt, ...) {
    cli_progress_clear();
    fflush(stdout);
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", CLI_PROGRAM);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return code;
}

const char *cli_detail_text(const s4c_error_detail *detail, char *buf, size_t cap) {
    const char *fixed = s4c_strerror(detail->status);
    const char *own = detail->message;
    if (!own[0] || strstr(own, fixed))
        snprintf(buf, cap, "%s", own[0] ? own : fixed);
    else
        snprintf(buf, cap, "%s: %s", fixed, own);
    return buf;
}

int cli_exit_for_status(s4c_status status) {
    switch (status) {
    case S4C_OK:
        return CLI_EXIT_OK;
    case S4C_ERROR_INVALID_ARGUMENT:
    case S4C_ERROR_UNKNOWN_CODEC:
        return CLI_EXIT_USAGE;
    default:
        return CLI_EXIT_DATA;
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("%s %s\n", CLI_PROGRAM, s4c_version_string());
        return CLI_EXIT_OK;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (!strcmp(cmd, commands[i].name) ||
            (commands[i].alias && !strcmp(cmd, commands[i].alias)))
            return commands[i].main(argc - 1, argv + 1);
    }
    cli_error(CLI_EXIT_USAGE, "unknown command '%s'", cmd);
    fprintf(stderr, "Try '%s --help'.\n", CLI_PROGRAM);
    return CLI_EXIT_USAGE;
}
