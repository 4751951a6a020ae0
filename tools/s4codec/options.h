/*
 * options.h — command-line parsing shared by the commands: the options of
 * compress/decompress, numbers and level lists, and one wording for usage
 * errors (exit code 2).
 */
#ifndef S4C_CLI_OPTIONS_H
#define S4C_CLI_OPTIONS_H

#include "codec_table.h"

typedef struct cli_stream_args {
    const cli_codec *codec; /* compress: chosen codec (default zstd) */
    int level;              /* compress: level (codec default when -l is absent) */
    const char *input;      /* path, or "-" for stdin */
    const char *output;     /* -o value, or NULL for the default name */
    int force;              /* -f: overwrite an existing output */
    int quiet;              /* -q: no progress line */
    int help;               /* --help was given: print help, exit 0 */
    /* docs/cli.md, "Resumable decoding" (decompress only unless noted) */
    int threads_set;        /* --threads was given */
    unsigned threads;       /* --threads N (0: every CPU) */
    const char *checkpoint; /* --checkpoint STATEFILE, or NULL */
    uint64_t spacing;       /* --spacing BYTES between checkpoints (0: default; also compress) */
    int index;              /* compress --index: write OUT.s4ci while compressing */
    int verbose;            /* -v, --verbose */
} cli_stream_args;

/*
 * Parses `COMMAND [options] [INPUT|-]` for compress (with_codec = 1: -c, -l)
 * or decompress. Returns 0, or an exit code after printing the problem.
 */
int cli_parse_stream_args(int argc, char **argv, int with_codec, cli_stream_args *args);

/* Prepares getopt_long() for a command's argv (argv[0] = command name). */
void cli_options_begin(void);
/* Reports the option getopt_long() rejected (`c` is '?' or ':'); returns 2. */
int cli_option_error(const char *command, int c, char **argv);

/* A byte count: decimal, optionally with K, M, G (KiB, MiB, GiB); 0 or -1. */
int cli_parse_size(const char *s, uint64_t *value);
/* Decimal integer in [min, max]; 0 on success, -1 otherwise. */
int cli_parse_int(const char *s, int min, int max, int *value);
/* Comma-separated levels ("1,3,9"); 0 on success, -1 on a malformed list. */
int cli_parse_int_list(const char *s, int min, int max, int *values, int capacity, int *count);
/* The codec named `name` or a usage error (NULL after printing it). */
const cli_codec *cli_parse_codec(const char *command, const char *name);

#endif /* S4C_CLI_OPTIONS_H */
