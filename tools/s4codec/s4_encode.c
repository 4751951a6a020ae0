/*
 * s4_encode.c — `s4codec encode FILE [-c cpu-zstd|passthrough] [-l L]
 * [--threads N] -o BODY`: what S4's gateway stores for a single PUT of FILE.
 *
 * The object encoder cuts the input by S4's chunk-size policy (1/4/16 MiB
 * from the file size; 4 MiB for stdin, as for a chunked transfer), compresses
 * the chunks in parallel and writes one S4F2 frame each (passthrough: the raw
 * bytes, unframed). It streams: memory stays near threads × (chunk + bound)
 * whatever the file size, and the body is byte-identical for every thread
 * count. Three outputs, each through a temporary file and renamed into place
 * only when all three are complete: BODY, BODY.s4index (only when the body has
 * more than one frame; a stale one is removed otherwise) and BODY.meta.json
 * (the x-amz-meta-* manifest keys).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "file_io.h"
#include "options.h"
#include "s4_common.h"
#include "s4codec_frame.h"
#include "s4codec_index.h"
#include "safe_output.h"

static const char help_text[] =
    "usage: s4codec encode [-c cpu-zstd|passthrough] [-l LEVEL] [--threads N] -o BODY FILE\n"
    "\n"
    "Encodes FILE ('-' for stdin) the way S4's gateway stores a single PUT:\n"
    "cpu-zstd cuts it into chunks (1 MiB up to 1 MiB files, 4 MiB up to 100 MiB,\n"
    "16 MiB beyond; 4 MiB from stdin) and writes one S4F2 frame per chunk;\n"
    "passthrough stores the bytes raw and unframed. Writes BODY, BODY.s4index\n"
    "when there is more than one frame, and BODY.meta.json with the S3 metadata\n"
    "(x-amz-meta-s4-*) keys. Existing outputs are replaced.\n"
    "\n"
    "  -c, --codec CODEC   cpu-zstd (default) or passthrough\n"
    "  -l, --level LEVEL   zstd level 1..22 (default 3; 0 means 1, as in S4)\n"
    "      --threads N     compression threads (default 0: every CPU); the body\n"
    "                      is identical for every N\n"
    "  -o, --output BODY   the body to write (required)\n"
    "  -h, --help          this help\n"
    "\n"
    "exit codes: 0 ok, 1 codec error, 2 usage, 3 I/O error\n";

typedef struct encode_args {
    uint32_t kind;
    int level;
    int threads;
    const char *input, *output;
} encode_args;

static int usage(const char *command, const char *fmt, const char *arg) {
    fprintf(stderr, "%s: %s: ", CLI_PROGRAM, command);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry '%s %s --help'.\n", CLI_PROGRAM, command);
    return CLI_EXIT_USAGE;
}

static int parse_args(int argc, char **argv, encode_args *a) {
    static const struct option longopts[] = {
        {"codec", required_argument, NULL, 'c'},   {"level", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 'T'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *cmd = argv[0], *level = NULL;
    memset(a, 0, sizeof(*a));
    a->kind = S4C_KIND_CPU_ZSTD;
    a->level = S4C_LEVEL_DEFAULT;
    cli_options_begin();
    int c;
    while ((c = getopt_long(argc, argv, ":c:l:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            if (!strcmp(optarg, "cpu-zstd") || !strcmp(optarg, "zstd"))
                a->kind = S4C_KIND_CPU_ZSTD;
            else if (!strcmp(optarg, "passthrough"))
                a->kind = S4C_KIND_PASSTHROUGH;
            else
                return usage(cmd, "unknown codec '%s' (cpu-zstd or passthrough)", optarg);
            break;
        case 'l':
            level = optarg;
            break;
        case 'T':
            if (cli_parse_int(optarg, 0, 1024, &a->threads) != 0)
                return usage(cmd, "--threads '%s' is not an integer in 0..1024", optarg);
            break;
        case 'o':
            a->output = optarg;
            break;
        case 'h':
            fputs(help_text, stdout);
            return -1;
        default:
            return cli_option_error(cmd, c, argv);
        }
    }
    if (argc - optind != 1) {
        char n[16];
        snprintf(n, sizeof(n), "%d", argc - optind);
        return usage(cmd, "exactly one FILE expected (got %s operands)", n);
    }
    a->input = argv[optind];
    if (!a->output || !*a->output || !strcmp(a->output, "-"))
        return usage(cmd, "%s",
                     "-o BODY is required (a file: BODY.s4index and BODY.meta.json go "
                     "beside it)");
    if (level && a->kind == S4C_KIND_PASSTHROUGH)
        return usage(cmd, "%s", "codec passthrough has no levels");
    if (level && cli_parse_int(level, 0, 22, &a->level) != 0)
        return usage(cmd, "level '%s' is not an integer in 0..22", level);
    return 0;
}

/* Streams the input through the encoder into `out`. */
static int encode_stream(s4c_object_encoder *enc, cli_input *in, cli_output *out) {
    unsigned char *ibuf = malloc(CLI_BUFFER_SIZE), *obuf = malloc(CLI_BUFFER_SIZE);
    int rc =
        (!ibuf || !obuf) ? s4_error(CLI_EXIT_DATA, "out of memory", "encoding %s", in->name) : 0;
    s4c_error_detail d;
    memset(&d, 0, sizeof(d));
    while (!rc) {
        ssize_t r = cli_read_full(in->fd, ibuf, CLI_BUFFER_SIZE);
        if (r < 0) {
            rc = s4_error(CLI_EXIT_IO, strerror(errno), "reading %s", in->name);
            break;
        }
        int eof = (size_t)r < CLI_BUFFER_SIZE;
        s4c_in_buffer ib = {ibuf, (size_t)r, 0};
        size_t pending = 0;
        do {
            s4c_out_buffer ob = {obuf, CLI_BUFFER_SIZE, 0};
            s4c_status st = s4c_object_encoder_stream(
                enc, &ib, &ob, eof ? S4C_FLUSH_END : S4C_FLUSH_NONE, &pending, &d);
            if (st != S4C_OK) {
                rc = s4_error(cli_exit_for_status(st), d.message[0] ? d.message : s4c_strerror(st),
                              "encoding %s", in->name);
                break;
            }
            rc = cli_output_write(out, obuf, ob.pos);
        } while (!rc && (ib.pos < ib.size || pending > 0));
        if (eof) break;
    }
    free(ibuf);
    free(obuf);
    return rc;
}

/* Writes `n` bytes to PATH through a temporary file (not yet committed). */
static int stage(cli_output *out, const char *path, const void *data, size_t n) {
    int rc = cli_output_open(out, path, 1, 0, NULL);
    if (!rc) rc = cli_output_write(out, data, n);
    return rc;
}

int cli_s4_encode_main(int argc, char **argv) {
    encode_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    char sidecar_path[4096], meta_path[4096];
    if (snprintf(sidecar_path, sizeof(sidecar_path), "%s%s", a.output, S4C_SIDECAR_SUFFIX) >=
            (int)sizeof(sidecar_path) ||
        snprintf(meta_path, sizeof(meta_path), "%s.meta.json", a.output) >= (int)sizeof(meta_path))
        return cli_error(CLI_EXIT_USAGE, "%s: output name too long", argv[0]);

    cli_input in;
    if ((rc = cli_input_open(a.input, &in))) return rc;
    s4c_object_options opts;
    s4c_object_options_init(&opts);
    opts.codec = a.kind;
    opts.codec_options.level = a.level;
    opts.threads = (unsigned)a.threads;
    opts.content_length = in.size_known ? in.size : 0;
    s4c_object_encoder *enc = NULL;
    s4c_index *ix = NULL;
    uint8_t *sidecar = NULL;
    s4c_error_detail d;
    memset(&d, 0, sizeof(d));
    cli_output body, side, meta;
    int body_open = 0, side_open = 0, meta_open = 0;
    s4c_status st = s4c_object_encoder_create(&opts, &enc, &d);
    if (st != S4C_OK)
        rc = s4_error(cli_exit_for_status(st), d.message[0] ? d.message : s4c_strerror(st),
                      "creating the %s encoder", s4c_kind_name(a.kind));
    if (!rc && !(rc = cli_output_open(&body, a.output, 1, 0, &in))) {
        body_open = 1;
        rc = encode_stream(enc, &in, &body);
    }
    s4c_object_info info;
    memset(&info, 0, sizeof(info));
    if (!rc && (st = s4c_object_encoder_info(enc, &info)) != S4C_OK)
        rc = s4_error(CLI_EXIT_DATA, s4c_strerror(st), "encoding %s", in.name);
    if (!rc && s4c_object_needs_sidecar(&info)) {
        size_t n = 0;
        st = s4c_object_encoder_index(enc, &ix, &d);
        if (st == S4C_OK) {
            s4c_index_set_total_padded(ix, info.compressed_size);
            n = s4c_index_encoded_size(ix);
            sidecar = malloc(n);
            st = sidecar ? s4c_index_encode(ix, sidecar, n, &n) : S4C_ERROR_OUT_OF_MEMORY;
        }
        if (st != S4C_OK)
            rc = s4_error(CLI_EXIT_DATA, s4c_strerror(st), "building %s", sidecar_path);
        else if (!(rc = stage(&side, sidecar_path, sidecar, n)))
            side_open = 1;
    }
    if (!rc) {
        s4c_metadata m;
        char json[1024];
        size_t n = 0;
        st = s4c_object_metadata(&info, &m);
        if (st == S4C_OK) st = s4c_metadata_to_json(&m, json, sizeof(json), &n);
        if (st != S4C_OK)
            rc = s4_error(CLI_EXIT_DATA, s4c_strerror(st), "building %s", meta_path);
        else if (!(rc = stage(&meta, meta_path, json, n)))
            meta_open = 1;
    }
    /* Install the three together: the body last, so a reader that sees the new
     * body also sees its sidecar and metadata. */
    if (!rc && side_open) {
        rc = cli_output_commit(&side, NULL);
        side_open = 0;
    }
    if (!rc && meta_open) {
        rc = cli_output_commit(&meta, NULL);
        meta_open = 0;
    }
    if (!rc) {
        rc = cli_output_commit(&body, NULL);
        body_open = 0;
    }
    if (!rc && !s4c_object_needs_sidecar(&info) && unlink(sidecar_path) != 0 && errno != ENOENT)
        rc = cli_error(CLI_EXIT_IO, "%s: cannot remove the stale sidecar: %s", sidecar_path,
                       strerror(errno));
    if (body_open) cli_output_abort(&body);
    if (side_open) cli_output_abort(&side);
    if (meta_open) cli_output_abort(&meta);
    free(sidecar);
    s4c_index_free(ix);
    s4c_object_encoder_free(enc);
    cli_input_close(&in);
    return rc;
}
