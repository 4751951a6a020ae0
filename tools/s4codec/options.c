/*
 * options.c — command-line parsing on top of getopt_long().
 *
 * GNU conventions: options may follow operands, "--" ends options, "-" is
 * stdin. Every rejection prints one line naming the problem plus a pointer to
 * the command's --help, and maps to exit code 2.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"

void cli_options_begin(void) {
    optind = 1;
    opterr = 0;
}

static int usage_hint(const char *command) {
    fprintf(stderr, "Try '%s %s --help'.\n", CLI_PROGRAM, command);
    return CLI_EXIT_USAGE;
}

int cli_option_error(const char *command, int c, char **argv) {
    const char *arg = argv[optind - 1];
    if (c == ':')
        cli_error(CLI_EXIT_USAGE, "%s: option '%s' needs an argument", command, arg);
    else if (optopt)
        cli_error(CLI_EXIT_USAGE, "%s: unknown option '-%c'", command, optopt);
    else
        cli_error(CLI_EXIT_USAGE, "%s: unknown option '%s'", command, arg);
    return usage_hint(command);
}

int cli_parse_int(const char *s, int min, int max, int *value) {
    if (!s || !*s) return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max) return -1;
    *value = (int)v;
    return 0;
}

int cli_parse_size(const char *s, uint64_t *value) {
    if (!s || *s < '0' || *s > '9') return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k') shift = 10;
    else if (*end == 'M' || *end == 'm') shift = 20;
    else if (*end == 'G' || *end == 'g') shift = 30;
    if (shift) end++;
    if (errno || *end || v > (UINT64_MAX >> shift)) return -1;
    *value = (uint64_t)v << shift;
    return 0;
}

int cli_parse_int_list(const char *s, int min, int max, int *values, int capacity, int *count) {
    char buf[256];
    if (!s || strlen(s) >= sizeof(buf)) return -1;
    strcpy(buf, s);
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == capacity || cli_parse_int(tok, min, max, &values[n]) != 0) return -1;
        n++;
    }
    if (n == 0) return -1;
    *count = n;
    return 0;
}

const cli_codec *cli_parse_codec(const char *command, const char *name) {
    const cli_codec *codec = cli_codec_by_name(name);
    if (!codec) {
        cli_error(CLI_EXIT_USAGE,
                  "%s: unknown codec '%s' (zstd, gzip, lz4, passthrough, or their S4 names "
                  "cpu-zstd, cpu-gzip, cpu-lz4)",
                  command, name);
        usage_hint(command);
    }
    return codec;
}

int cli_parse_stream_args(int argc, char **argv, int with_codec, cli_stream_args *args) {
    static const struct option longopts[] = {
        {"codec", required_argument, NULL, 'c'},  {"level", required_argument, NULL, 'l'},
        {"output", required_argument, NULL, 'o'}, {"force", no_argument, NULL, 'f'},
        {"keep", no_argument, NULL, 'k'},         {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {"threads", required_argument, NULL, 'T'},
        {"checkpoint", required_argument, NULL, 'C'}, {"spacing", required_argument, NULL, 'S'},
        {"verbose", no_argument, NULL, 'v'},      {"index", no_argument, NULL, 'I'},
        {NULL, 0, NULL, 0},
    };
    const char *command = argv[0];
    const char *level_text = NULL;
    memset(args, 0, sizeof(*args));
    args->codec = cli_codec_by_name("zstd");
    cli_options_begin();
    int c;
    while ((c = getopt_long(argc, argv, with_codec ? ":c:l:o:fkqh" : ":o:fkqhv", longopts, NULL)) !=
           -1) {
        if ((with_codec && (c == 'T' || c == 'C')) || (!with_codec && c == 'I')) {
            cli_error(CLI_EXIT_USAGE, "%s: option '%s' applies to %s only", command,
                      argv[optind - 1], with_codec ? "decompress" : "compress");
            return usage_hint(command);
        }
        switch (c) {
        case 'T': {
            int t = 0;
            if (cli_parse_int(optarg, 0, 1024, &t) != 0) {
                cli_error(CLI_EXIT_USAGE, "%s: --threads wants 0..1024 (0: every CPU), not '%s'",
                          command, optarg);
                return usage_hint(command);
            }
            args->threads_set = 1;
            args->threads = (unsigned)t;
            break;
        }
        case 'C':
            if (!*optarg) {
                cli_error(CLI_EXIT_USAGE, "%s: empty --checkpoint file name", command);
                return usage_hint(command);
            }
            args->checkpoint = optarg;
            break;
        case 'S':
            if (cli_parse_size(optarg, &args->spacing) != 0 || args->spacing == 0) {
                cli_error(CLI_EXIT_USAGE, "%s: --spacing wants a byte count > 0 (K, M, G allowed), "
                          "not '%s'", command, optarg);
                return usage_hint(command);
            }
            break;
        case 'v':
            args->verbose = 1;
            break;
        case 'I':
            args->index = 1;
            break;
        case 'c':
        case 'l':
            if (!with_codec) {
                cli_error(CLI_EXIT_USAGE, "%s: option '%s' applies to compress only", command,
                          argv[optind - 1]);
                return usage_hint(command);
            }
            if (c == 'l') {
                level_text = optarg;
            } else if (!(args->codec = cli_parse_codec(command, optarg))) {
                return CLI_EXIT_USAGE;
            }
            break;
        case 'o':
            args->output = optarg;
            break;
        case 'f':
            args->force = 1;
            break;
        case 'k': /* the input is always kept; accepted for gzip/zstd habits */
            break;
        case 'q':
            args->quiet = 1;
            break;
        case 'h':
            args->help = 1;
            return 0;
        default:
            return cli_option_error(command, c, argv);
        }
    }
    if (argc - optind > 1) {
        cli_error(CLI_EXIT_USAGE, "%s: one input at a time (got %d operands)", command,
                  argc - optind);
        return usage_hint(command);
    }
    args->input = optind < argc ? argv[optind] : "-";
    if (!*args->input) {
        cli_error(CLI_EXIT_USAGE, "%s: empty file name", command);
        return usage_hint(command);
    }
    if (args->output && !*args->output) {
        cli_error(CLI_EXIT_USAGE, "%s: empty output file name", command);
        return usage_hint(command);
    }
    if (with_codec) {
        const cli_codec *codec = args->codec;
        args->level = codec->default_level;
        if (level_text && !codec->has_levels) {
            cli_error(CLI_EXIT_USAGE, "%s: codec %s has no levels", command, codec->name);
            return usage_hint(command);
        }
        if (level_text &&
            cli_parse_int(level_text, codec->min_level, codec->max_level, &args->level) != 0) {
            cli_error(CLI_EXIT_USAGE, "%s: level '%s' is not an integer in %d..%d for %s", command,
                      level_text, codec->min_level, codec->max_level, codec->name);
            return usage_hint(command);
        }
    }
    return 0;
}
