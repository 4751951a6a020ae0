/*
 * compress.c — `s4codec compress`: one input (file or stdin) through a
 * streaming encoder into one output, with two fixed buffers.
 *
 * The whole input becomes a single frame/member: data is fed with
 * S4C_FLUSH_NONE and the last read (short or empty) with S4C_FLUSH_END,
 * repeated until nothing is pending. Output names, terminal refusal and the
 * temp-file discipline come from safe_output.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckindex_cli.h"
#include "cli.h"
#include "compress_index.h"
#include "options.h"
#include "progress.h"
#include "safe_output.h"
#include "s4codec_stream.h"

static const char help_text[] =
    "usage: s4codec compress [-c CODEC] [-l LEVEL] [-o OUT] [-f] [-q] [INPUT|-]\n"
    "\n"
    "Compresses INPUT (or stdin when INPUT is '-' or absent) into a standard\n"
    "file that zstd -d, gzip -d or lz4 -d read.\n"
    "\n"
    "  -c, --codec CODEC  zstd (default), gzip, lz4, passthrough;\n"
    "                     S4 names cpu-zstd, cpu-gzip, cpu-lz4 are accepted too\n"
    "  -l, --level LEVEL  zstd 1..22 (default 3), gzip 1..9 (default 6),\n"
    "                     lz4 0..12 (default 0, 3+ is LZ4 HC)\n"
    "  -o, --output OUT   output file ('-' for stdout); default INPUT.zst,\n"
    "                     INPUT.gz, INPUT.lz4, or stdout when reading stdin\n"
    "  -f, --force        overwrite an existing OUT\n"
    "  -q, --quiet        no progress line\n"
    "      --index        also write OUT.s4ci, the checkpoint index (s4codec\n"
    "                     build-index), built while compressing; zstd output is\n"
    "                     then written as frames of --spacing bytes (default 4M)\n"
    "      --spacing BYTES  checkpoint spacing of --index\n"
    "  -h, --help         this help\n"
    "\n"
    "The input is kept. OUT appears only when complete (temporary file +\n"
    "rename) and gets INPUT's permission bits and times. Compressed data is\n"
    "never written to a terminal.\n"
    "\n"
    "exit codes: 0 ok, 1 codec error, 2 usage, 3 I/O error,\n"
    "            4 refused (OUT exists without -f, stdout is a terminal)\n";

typedef struct pump {
    s4c_encoder *enc;
    cli_input *in;
    cli_output *out;
    unsigned char *ibuf, *obuf;
    cli_index_pipe *index; /* --index: the builder reading the output */
} pump;

static int encode_all(pump *p) {
    uint64_t total_in = 0;
    for (;;) {
        ssize_t n = cli_read_full(p->in->fd, p->ibuf, CLI_BUFFER_SIZE);
        if (n < 0)
            return cli_error(CLI_EXIT_IO, "%s: read error: %s", p->in->name, strerror(errno));
        int last = (size_t)n < CLI_BUFFER_SIZE; /* cli_read_full stops short only at EOF */
        s4c_flush_mode mode = last ? S4C_FLUSH_END : S4C_FLUSH_NONE;
        s4c_in_buffer ib = {p->ibuf, (size_t)n, 0};
        for (;;) {
            s4c_out_buffer ob = {p->obuf, CLI_BUFFER_SIZE, 0};
            size_t pending = 0, before = ib.pos;
            s4c_status st = s4c_encoder_stream(p->enc, &ib, &ob, mode, &pending);
            if (st != S4C_OK)
                return cli_error(CLI_EXIT_DATA, "%s: compression failed: %s", p->in->name,
                                 s4c_strerror(st));
            int rc = cli_output_write(p->out, p->obuf, ob.pos);
            if (rc) return rc;
            int more = ib.pos < ib.size || ob.pos == ob.size || (last && pending);
            if (!more) break;
            if (ib.pos == before && ob.pos == 0)
                return cli_error(CLI_EXIT_DATA, "%s: the encoder made no progress", p->in->name);
        }
        total_in += (uint64_t)n;
        if (p->index) cli_index_pipe_written(p->index, p->out->written);
        cli_progress_update(total_in, p->out->written);
        if (last) return 0;
    }
}

/* OUT for `args`: NULL means stdout. `buf` holds a derived default name. */
static int output_path(const cli_stream_args *a, char *buf, size_t cap, const char **path) {
    *path = NULL;
    if (a->output) {
        *path = strcmp(a->output, "-") ? a->output : NULL;
        return 0;
    }
    if (!strcmp(a->input, "-")) return 0;
    if (!a->codec->suffix)
        return cli_error(CLI_EXIT_USAGE,
                         "compress: %s has no file suffix; give -o OUT (or -o - for stdout)",
                         a->codec->name);
    if ((size_t)snprintf(buf, cap, "%s%s", a->input, a->codec->suffix) >= cap)
        return cli_error(CLI_EXIT_USAGE, "compress: %s: file name too long", a->input);
    *path = buf;
    return 0;
}

int cli_compress_main(int argc, char **argv) {
    cli_stream_args a;
    int rc = cli_parse_stream_args(argc, argv, 1, &a);
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

    s4c_codec_options opts;
    cli_codec_options(a.codec, a.level, &opts);
    char index_path[4096];
    if (a.index) { /* compress_index.c */
        if (!path || a.codec->kind == S4C_KIND_PASSTHROUGH ||
            cli_ckindex_path(path, index_path, sizeof(index_path)) != 0) {
            cli_input_close(&in);
            return cli_error(CLI_EXIT_USAGE, "compress: --index needs a zstd, gzip or lz4 output "
                                             "file (not stdout)");
        }
        if (a.codec->kind == S4C_KIND_CPU_ZSTD) /* frames: checkpoints for the index */
            opts.zstd_frame_size = a.spacing ? a.spacing : S4C_CHECKPOINT_SPACING_DEFAULT;
    }
    s4c_encoder *enc = NULL;
    s4c_error_detail detail;
    memset(&detail, 0, sizeof(detail));
    s4c_status st = s4c_encoder_create(a.codec->kind, &opts, &enc, &detail);
    if (st != S4C_OK) {
        char text[400];
        cli_input_close(&in);
        return cli_error(cli_exit_for_status(st), "compress: cannot start %s at level %d: %s",
                         s4c_kind_name(a.codec->kind), a.level,
                         cli_detail_text(&detail, text, sizeof(text)));
    }

    cli_output out;
    pump p = {enc, &in, &out, malloc(CLI_BUFFER_SIZE), malloc(CLI_BUFFER_SIZE), NULL};
    if (!p.ibuf || !p.obuf)
        rc = cli_error(CLI_EXIT_DATA, "out of memory");
    else
        rc = cli_output_open(&out, path, a.force, 1, &in);
    if (!rc && a.index && !out.via_temp) {
        cli_output_abort(&out);
        rc = cli_error(CLI_EXIT_USAGE, "compress: --index needs a regular output file");
    }
    if (!rc && a.index && (rc = cli_index_pipe_start(&p.index, out.fd, a.spacing)))
        cli_output_abort(&out);
    if (!rc) {
        cli_progress_start(in.name, in.size_known ? in.size : 0, !a.quiet);
        rc = encode_all(&p);
        cli_progress_clear();
        if (p.index) {
            int irc = cli_index_pipe_end(p.index, rc == 0, path);
            if (!rc) rc = irc;
        }
        if (rc)
            cli_output_abort(&out);
        else
            rc = cli_output_commit(&out, &in);
        if (!rc && p.index) rc = cli_index_pipe_write(p.index, index_path);
    }
    cli_index_pipe_free(p.index);
    free(p.ibuf);
    free(p.obuf);
    s4c_encoder_free(enc);
    cli_input_close(&in);
    return rc;
}
