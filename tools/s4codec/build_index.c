/*
 * build_index.c — `s4codec build-index FILE [-o INDEX] [--spacing BYTES]`:
 * one scan of a .lz4/.gz/.zst file (s4c_ckindex_build) writes its checkpoint
 * index, FILE.s4ci by default, through a temporary file renamed into place.
 * An existing index is replaced (it is derived data).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckindex_cli.h"
#include "cli.h"
#include "options.h"
#include "progress.h"
#include "safe_output.h"

static const char help_text[] =
    "usage: s4codec build-index FILE [-o INDEX] [--spacing BYTES] [-q] [-v]\n"
    "\n"
    "Scans a zstd, gzip or lz4 file once and writes its checkpoint index\n"
    "(.s4ci): decoder states every BYTES of output, for `s4codec cat --offset`\n"
    "(random access) and `s4codec decompress --threads N` (parallel decoding).\n"
    "\n"
    "  -o, --output INDEX   index file (default FILE.s4ci; replaced if it exists)\n"
    "  -s, --spacing BYTES  output bytes between checkpoints (default 4M; K, M, G\n"
    "                       suffixes are KiB, MiB, GiB)\n"
    "  -q, --quiet          no progress line\n"
    "  -v, --verbose        print the entry count and the index size\n"
    "  -h, --help           this help\n"
    "\n"
    "exit codes: 0 ok, 1 corrupt/unknown data, 2 usage, 3 I/O error\n";

int cli_build_index_main(int argc, char **argv) {
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"spacing", required_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    const char *output = NULL;
    uint64_t spacing = 0;
    int quiet = 0, verbose = 0, c;
    cli_options_begin();
    while ((c = getopt_long(argc, argv, ":o:s:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 's':
            if (cli_parse_size(optarg, &spacing) != 0 || spacing == 0) {
                cli_error(CLI_EXIT_USAGE, "%s: --spacing wants a byte count > 0, not '%s'",
                          argv[0], optarg);
                fprintf(stderr, "Try '%s %s --help'.\n", CLI_PROGRAM, argv[0]);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'q':
            quiet = 1;
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            fputs(help_text, stdout);
            return CLI_EXIT_OK;
        default:
            return cli_option_error(argv[0], c, argv);
        }
    }
    if (argc - optind != 1 || !*argv[optind] || !strcmp(argv[optind], "-") ||
        (output && (!*output || !strcmp(output, "-")))) {
        cli_error(CLI_EXIT_USAGE, "%s: %s", argv[0],
                  argc - optind != 1 ? "exactly one FILE expected"
                                     : "FILE and INDEX must be files (stdin/stdout cannot be used)");
        fprintf(stderr, "Try '%s %s --help'.\n", CLI_PROGRAM, argv[0]);
        return CLI_EXIT_USAGE;
    }
    const char *path = argv[optind];
    char index_buf[4096];
    if (!output) {
        if (cli_ckindex_path(path, index_buf, sizeof(index_buf)) != 0)
            return cli_error(CLI_EXIT_USAGE, "%s: file name too long", path);
        output = index_buf;
    }
    cli_input in;
    int rc = cli_input_open(path, &in);
    if (rc) return rc;
    if (!in.size_known) {
        cli_input_close(&in);
        return cli_error(CLI_EXIT_USAGE, "%s: not a regular file (an index needs random access)",
                         path);
    }
    cli_pread_ctx pc = {in.fd, 0, 1};
    s4c_ckindex *ix = NULL;
    s4c_error_detail d;
    memset(&d, 0, sizeof(d));
    cli_progress_start(in.name, in.size, !quiet);
    s4c_status st = s4c_ckindex_build(cli_pread_cb, &pc, spacing, &ix, &d);
    cli_progress_clear();
    char text[400];
    if (st != S4C_OK) {
        cli_input_close(&in);
        if (pc.err) return cli_error(CLI_EXIT_IO, "%s: read error: %s", path, strerror(pc.err));
        if (st == S4C_ERROR_UNKNOWN_FORMAT)
            return cli_error(CLI_EXIT_DATA, "%s: unknown format (not zstd, gzip or lz4)", path);
        return cli_error(cli_exit_for_status(st), "%s: %s", path,
                         cli_detail_text(&d, text, sizeof(text)));
    }
    size_t size = 0;
    s4c_ckindex_encode(ix, NULL, 0, &size);
    uint8_t *buf = malloc(size);
    if (!buf || s4c_ckindex_encode(ix, buf, size, &size) != S4C_OK) {
        rc = cli_error(CLI_EXIT_DATA, "out of memory");
    } else {
        cli_output out;
        rc = cli_output_open(&out, output, 1, 1, &in);
        if (!rc) rc = cli_output_write(&out, buf, size);
        if (rc)
            cli_output_abort(&out);
        else
            rc = cli_output_commit(&out, NULL);
    }
    if (!rc && verbose)
        fprintf(stderr,
                "%s: %zu checkpoint(s) over %llu -> %llu bytes (%s), index %s: %zu bytes "
                "(%.3f%% of the compressed size)\n",
                path, s4c_ckindex_count(ix),
                (unsigned long long)s4c_ckindex_compressed_size(ix),
                (unsigned long long)s4c_ckindex_uncompressed_size(ix),
                s4c_kind_name(s4c_ckindex_kind(ix)), output, size,
                100.0 * (double)size / (double)s4c_ckindex_compressed_size(ix));
    free(buf);
    s4c_ckindex_free(ix);
    cli_input_close(&in);
    return rc;
}
