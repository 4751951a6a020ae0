/*
 * decompress.c — `s4codec decompress`: the format comes from the magic bytes
 * (s4c_detect_kind), the data streams through an s4c_decoder with two fixed
 * buffers, and concatenated frames/members are decoded as the standard tools
 * write them.
 *
 * Any decoder error, and an input that ends inside a frame, fails the whole
 * command: the temporary output is unlinked, so a corrupt or truncated input
 * never leaves a file behind (output already sent to stdout cannot be
 * recalled). Bytes after the last frame that are not another frame are
 * corrupt data, not ignored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "decompress_resume.h"
#include "options.h"
#include "progress.h"
#include "safe_output.h"
#include "s4codec_stream.h"

static const char help_text[] =
    "usage: s4codec decompress [-o OUT] [-f] [-q] [-v] [--threads N]\n"
    "                          [--checkpoint STATEFILE [--spacing BYTES]] [INPUT|-]\n"
    "\n"
    "Decompresses a zstd, gzip or lz4 file (recognised by its magic bytes,\n"
    "whatever its name), including multi-frame zstd, multi-member gzip and\n"
    "concatenated lz4 frames. Reads stdin when INPUT is '-' or absent.\n"
    "\n"
    "  -o, --output OUT   output file ('-' for stdout); default: INPUT without\n"
    "                     its .zst/.gz/.lz4 suffix, or stdout when reading stdin\n"
    "  -f, --force        overwrite an existing OUT\n"
    "  -q, --quiet        no progress line\n"
    "  -v, --verbose      say how the resumable forms proceed (stderr)\n"
    "      --threads N    decode on N threads (0: every CPU) through INPUT.s4ci\n"
    "                     (s4codec build-index); without one, on 1 thread\n"
    "      --checkpoint STATEFILE  resumable: output goes to OUT.s4partial and the\n"
    "                     decoder state to STATEFILE at every checkpoint; a rerun\n"
    "                     with STATEFILE present resumes (also after kill -9)\n"
    "      --spacing BYTES  output between checkpoints (default 4M)\n"
    "  -h, --help         this help\n"
    "\n"
    "The input is kept. On corrupt or truncated input nothing is left behind:\n"
    "OUT appears only when the whole stream decoded and checked.\n"
    "\n"
    "exit codes: 0 ok, 1 corrupt/truncated/unknown data, 2 usage (e.g. no\n"
    "            known suffix and no -o), 3 I/O error, 4 refused (OUT exists\n"
    "            without -f, compressed input from a terminal)\n";

typedef struct pump {
    s4c_decoder *dec;
    cli_input *in;
    cli_output *out;
    unsigned char *ibuf, *obuf;
} pump;

static int decode_error(pump *p) {
    char text[400];
    return cli_error(CLI_EXIT_DATA, "%s: %s", p->in->name,
                     cli_detail_text(s4c_decoder_error(p->dec), text, sizeof(text)));
}

/* Decodes the `n` bytes already in ibuf, then the rest of the input. */
static int decode_all(pump *p, size_t n, int eof) {
    uint64_t total_in = 0;
    for (;;) {
        s4c_in_buffer ib = {p->ibuf, n, 0};
        for (;;) {
            s4c_out_buffer ob = {p->obuf, CLI_BUFFER_SIZE, 0};
            size_t before = ib.pos;
            if (s4c_decoder_stream(p->dec, &ib, &ob, NULL) != S4C_OK) return decode_error(p);
            int rc = cli_output_write(p->out, p->obuf, ob.pos);
            if (rc) return rc;
            if (ob.pos < ob.size && ib.pos == ib.size) break; /* all flushed, needs input */
            if (ib.pos == before && ob.pos == 0)
                return cli_error(CLI_EXIT_DATA, "%s: the decoder made no progress", p->in->name);
        }
        total_in += n;
        cli_progress_update(total_in, p->out->written);
        if (eof) break;
        ssize_t r = cli_read_some(p->in->fd, p->ibuf, CLI_BUFFER_SIZE);
        if (r < 0)
            return cli_error(CLI_EXIT_IO, "%s: read error: %s", p->in->name, strerror(errno));
        if (r == 0) break;
        n = (size_t)r;
    }
    if (s4c_decoder_finish(p->dec) != S4C_OK) return decode_error(p);
    return 0;
}

/*
 * Reads the stream's first bytes into head[0..*n) until the format is known
 * (or the buffer is full, or the input ends: *eof), and picks the kind.
 */
static int detect(const cli_input *in, unsigned char *head, size_t *n, int *eof, uint32_t *kind) {
    s4c_status st = S4C_ERROR_TRUNCATED_INPUT;
    *n = 0;
    *eof = 0;
    while (st == S4C_ERROR_TRUNCATED_INPUT && *n < CLI_BUFFER_SIZE && !*eof) {
        ssize_t r = cli_read_some(in->fd, head + *n, CLI_BUFFER_SIZE - *n);
        if (r < 0) return cli_error(CLI_EXIT_IO, "%s: read error: %s", in->name, strerror(errno));
        *eof = r == 0;
        *n += (size_t)r;
        if (*n) st = s4c_detect_kind(head, *n, kind);
    }
    if (*n == 0)
        return cli_error(CLI_EXIT_DATA, "%s: empty input, not a compressed stream", in->name);
    if (st == S4C_OK) return 0;
    if (st == S4C_ERROR_TRUNCATED_INPUT && *eof)
        return cli_error(CLI_EXIT_DATA, "%s: truncated: too short to be a compressed stream",
                         in->name);
    if (st == S4C_ERROR_TRUNCATED_INPUT) { /* skippable frames longer than the buffer */
        const cli_codec *by_name = in->is_stdin ? NULL : cli_codec_by_suffix(in->name);
        *kind = by_name ? by_name->kind : S4C_KIND_CPU_ZSTD;
        return 0;
    }
    return cli_error(CLI_EXIT_DATA, "%s: unknown format (not zstd, gzip or lz4)", in->name);
}

static int output_path(const cli_stream_args *a, char *buf, size_t cap, const char **path) {
    *path = NULL;
    if (a->output) {
        *path = strcmp(a->output, "-") ? a->output : NULL;
        return 0;
    }
    if (!strcmp(a->input, "-")) return 0;
    const cli_codec *codec = cli_codec_by_suffix(a->input);
    size_t keep = codec ? strlen(a->input) - strlen(codec->suffix) : 0;
    if (!codec || keep >= cap || a->input[keep - 1] == '/')
        return cli_error(CLI_EXIT_USAGE,
                         "decompress: %s: unknown suffix (expected .zst, .gz or .lz4); "
                         "give -o OUT (or -o - for stdout)",
                         a->input);
    memcpy(buf, a->input, keep);
    buf[keep] = '\0';
    *path = buf;
    return 0;
}

int cli_decompress_main(int argc, char **argv) {
    cli_stream_args a;
    int rc = cli_parse_stream_args(argc, argv, 0, &a);
    if (rc) return rc;
    if (a.help) {
        fputs(help_text, stdout);
        return CLI_EXIT_OK;
    }
    char name_buf[4096];
    const char *path;
    if ((rc = output_path(&a, name_buf, sizeof(name_buf), &path))) return rc;

    cli_input in;
    if ((rc = cli_input_open(a.input, &in))) return rc;
    /* Resumable forms (decompress_resume.c): --checkpoint, --threads N with an index. */
    if (a.checkpoint || (a.threads_set && a.threads != 1)) {
        rc = a.checkpoint ? cli_decompress_checkpoint(&a, path, &in)
                          : cli_decompress_parallel(&a, path, &in);
        if (rc >= 0) {
            cli_input_close(&in);
            return rc;
        }
        rc = 0; /* no index: the one-thread decode below */
    }
    pump p = {NULL, &in, NULL, malloc(CLI_BUFFER_SIZE), malloc(CLI_BUFFER_SIZE)};
    cli_output out;
    size_t n = 0;
    int eof = 0;
    uint32_t kind = 0;
    if (in.is_stdin && isatty(in.fd))
        rc = cli_error(CLI_EXIT_REFUSED, "refusing to read compressed data from a terminal");
    else if (!p.ibuf || !p.obuf)
        rc = cli_error(CLI_EXIT_DATA, "out of memory");
    else
        rc = detect(&in, p.ibuf, &n, &eof, &kind);
    if (!rc) {
        s4c_error_detail detail;
        memset(&detail, 0, sizeof(detail));
        s4c_status st = s4c_decoder_create(kind, NULL, &p.dec, &detail);
        if (st != S4C_OK) {
            char text[400];
            rc = cli_error(cli_exit_for_status(st), "%s: cannot start the %s decoder: %s", in.name,
                           s4c_kind_name(kind), cli_detail_text(&detail, text, sizeof(text)));
        }
    }
    if (!rc) rc = cli_output_open(&out, path, a.force, 0, &in);
    if (!rc) {
        p.out = &out;
        cli_progress_start(in.name, in.size_known ? in.size : 0, !a.quiet);
        rc = decode_all(&p, n, eof);
        cli_progress_clear();
        if (rc)
            cli_output_abort(&out);
        else
            rc = cli_output_commit(&out, &in);
    }
    s4c_decoder_free(p.dec);
    free(p.ibuf);
    free(p.obuf);
    cli_input_close(&in);
    return rc;
}
