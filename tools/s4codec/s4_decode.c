/*
 * s4_decode.c — `s4codec decode BODY [-o OUT] [--dict FILE]`: S4's
 * `s4-codec decode`. Refuses SSE-encrypted and empty bodies, walks the frames
 * (S4's FrameIter), decodes them in parallel with the object decoder (each
 * against its own header), and writes the output only after every frame
 * decoded: to OUT through a temporary file renamed into place, or to stdout
 * (never a terminal).
 *
 * The errors are S4's, in S4's order: a first walk finds the first frame this
 * CPU build cannot decode (a GPU codec, or cpu-zstd-dict without --dict); the
 * frames before it are decoded first, so a corrupt earlier frame is reported
 * before it, as S4's frame-by-frame loop does. Contexts name the frame:
 * "parsing frame i" (frame 0 with a hint about unframed passthrough objects)
 * and "decoding frame i (codec `name`)".
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"
#include "s4_common.h"
#include "s4codec_gpu.h"
#include "s4codec_frame.h"
#include "s4codec_gpu.h"
#include "safe_output.h"

static const char help_text[] =
    "usage: s4codec decode [-o OUT] [--dict FILE] BODY\n"
    "\n"
    "Decodes an S4F2 framed object body (as stored in an S4 bucket: single-PUT\n"
    "objects with x-amz-meta-s4-framed: true, and multipart objects) back to the\n"
    "original bytes, checking every frame's CRC32C. Like S4's `s4-codec decode`.\n"
    "\n"
    "  -o, --output OUT   write to OUT (replaced atomically; untouched on error);\n"
    "                     default: stdout, which must not be a terminal\n"
    "      --dict FILE    the zstd dictionary of cpu-zstd-dict frames (the\n"
    "                     .s4dict/<dict-id> object named by x-amz-meta-s4-dict-id)\n"
    "  -h, --help         this help\n"
    "\n"
    "exit codes: 0 ok, 1 data error or refusal (S4's), 2 usage, 3 I/O error,\n"
    "            4 binary output to a terminal\n";

static int is_gpu_kind(uint32_t kind) {
    return (kind >= S4C_KIND_NVCOMP_ZSTD && kind <= S4C_KIND_NVCOMP_GDEFLATE) ||
           kind == S4C_KIND_NVCOMP_LZ4;
}

/* GPU frames this machine cannot decode: nvcomp-lz4/-zstd decode on the CPU,
 * the other GPU kinds need a device (docs/gpu.md). */
static int gpu_kind_undecodable(uint32_t kind) {
    return is_gpu_kind(kind) && !s4c_gpu_available() && kind != S4C_KIND_NVCOMP_LZ4 &&
           kind != S4C_KIND_NVCOMP_ZSTD;
}

/* Codec of data frame `index` (walked again: only on the error path). */
static uint32_t frame_kind(const s4_file *body, uint64_t index) {
    s4c_frame_iter it;
    s4c_frame fr;
    int has = 0;
    s4c_frame_iter_init(&it, body->data, body->size);
    for (uint64_t i = 0; s4c_frame_iter_next(&it, &fr, &has, NULL) == S4C_OK && has; i++)
        if (i == index) return fr.header.codec;
    return UINT32_MAX;
}

static int frame_error(const char *path, const s4_file *body, uint64_t index,
                       const s4c_error_detail *d) {
    const char *cause = d->message[0] ? d->message : s4c_strerror(d->status);
    if (s4c_status_class(d->status) == S4C_CLASS_FRAME) {
        if (index == 0)
            return s4_error(CLI_EXIT_DATA, cause,
                            "parsing frame 0 of %s: not an S4F2 framed body. Passthrough "
                            "objects, and objects stored without `x-amz-meta-s4-framed: true`, "
                            "are not framed: their stored bytes are the original (passthrough) "
                            "or the codec's raw output",
                            path);
        return s4_error(CLI_EXIT_DATA, cause, "parsing frame %llu", (unsigned long long)index);
    }
    const char *name = s4c_kind_name(frame_kind(body, index));
    return s4_error(CLI_EXIT_DATA, cause, "decoding frame %llu (codec `%s`)",
                    (unsigned long long)index, name ? name : "?");
}

typedef struct walk {
    uint64_t n_frames;    /* data frames before `stop` */
    uint64_t original;    /* their original sizes, summed */
    uint64_t stop_offset; /* bytes to decode: up to the first undecodable frame, or all */
    int special;          /* 1: frame n_frames is GPU / dict-without---dict */
    uint32_t special_kind;
    int parse_error; /* the iterator failed after n_frames frames */
} walk;

static void walk_body(const s4_file *body, int have_dict, walk *w) {
    s4c_frame_iter it;
    s4c_frame fr;
    int has = 0;
    memset(w, 0, sizeof(*w));
    w->stop_offset = body->size;
    s4c_frame_iter_init(&it, body->data, body->size);
    for (;;) {
        if (s4c_frame_iter_next(&it, &fr, &has, NULL) != S4C_OK) {
            w->parse_error = 1;
            return;
        }
        if (!has) return;
        uint32_t k = fr.header.codec;
        if (gpu_kind_undecodable(k) || (k == S4C_KIND_CPU_ZSTD_DICT && !have_dict)) {
            w->special = 1;
            w->special_kind = k;
            w->stop_offset = fr.offset;
            return;
        }
        w->n_frames++;
        uint64_t o = fr.header.original_size;
        w->original = w->original + o < w->original ? UINT64_MAX : w->original + o;
    }
}

static int special_error(uint64_t index, uint32_t kind) {
    const char *name = s4c_kind_name(kind);
    char cause[600];
    if (kind == S4C_KIND_CPU_ZSTD_DICT)
        snprintf(cause, sizeof(cause),
                 "frame uses `cpu-zstd-dict`, which needs the zstd dictionary it was written "
                 "with: pass --dict FILE, FILE being the `.s4dict/<dict-id>` object of the "
                 "bucket, where <dict-id> is the object's `x-amz-meta-s4-dict-id`");
    else
        snprintf(cause, sizeof(cause),
                 "frame uses GPU codec `%s` \xe2\x80\x94 this CLI cannot decode it here (%s); GET "
                 "the object through the `s4` gateway binary instead (a build with nvCOMP "
                 "decodes it on the GPU)",
                 name, s4c_gpu_unavailable_reason());
    return s4_error(CLI_EXIT_DATA, cause, "decoding frame %llu (codec `%s`)",
                    (unsigned long long)index, name);
}

typedef struct decode_args {
    const char *input, *output, *dict;
} decode_args;

static int parse_args(int argc, char **argv, decode_args *a) {
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"dict", required_argument, NULL, 'D'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof(*a));
    cli_options_begin();
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        if (c == 'o')
            a->output = optarg;
        else if (c == 'D')
            a->dict = optarg;
        else if (c == 'h') {
            fputs(help_text, stdout);
            return -1;
        } else
            return cli_option_error(argv[0], c, argv);
    }
    if (argc - optind != 1) {
        cli_error(CLI_EXIT_USAGE, "%s: exactly one BODY expected (got %d operands)", argv[0],
                  argc - optind);
        fprintf(stderr, "Try '%s %s --help'.\n", CLI_PROGRAM, argv[0]);
        return CLI_EXIT_USAGE;
    }
    a->input = argv[optind];
    if (a->output && !strcmp(a->output, "-")) a->output = NULL;
    return 0;
}

/*
 * Streams the first `size` bytes of the body through the object decoder into
 * OUT's temporary file: memory stays near threads x (frame + payload), and the
 * file is renamed into place by the caller only when every frame decoded.
 * Returns the decoder's status; `*io_rc` is set on a write error.
 */
static s4c_status stream_to_file(s4c_object_decoder *dec, const s4_file *body, size_t size,
                                 cli_output *out, s4c_object_info *info, s4c_error_detail *d,
                                 int *io_rc) {
    uint8_t *obuf = malloc(CLI_BUFFER_SIZE);
    if (!obuf) return S4C_ERROR_OUT_OF_MEMORY;
    s4c_in_buffer in = {body->data, size, 0};
    s4c_status st = S4C_OK;
    size_t pending = 0;
    do {
        s4c_out_buffer ob = {obuf, CLI_BUFFER_SIZE, 0};
        st = s4c_object_decoder_stream(dec, &in, &ob, S4C_FLUSH_END, &pending, d);
        if (st != S4C_OK) break;
        if ((*io_rc = cli_output_write(out, obuf, ob.pos)) != 0) break;
    } while (pending > 0 || in.pos < in.size);
    free(obuf);
    if (s4c_object_decoder_info(dec, info) != S4C_OK) info->error_frame = UINT64_MAX;
    return st;
}

static int open_output(const decode_args *a, cli_output *out) {
    cli_input in;
    memset(&in, 0, sizeof(in));
    if (stat(a->input, &in.st) != 0) memset(&in.st, 0, sizeof(in.st));
    return cli_output_open(out, a->output, 1, 0, &in);
}

int cli_s4_decode_main(int argc, char **argv) {
    decode_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (!a.output && isatty(STDOUT_FILENO))
        return s4_error(CLI_EXIT_REFUSED, NULL,
                        "refusing to write binary output to a terminal (use -o FILE or redirect)");
    s4_file body, dict = {0};
    if ((rc = s4_file_load(a.input, &body))) return rc;
    if ((rc = s4_refuse_unreadable_body(a.input, &body))) goto done;
    if (a.dict && (rc = s4_file_load(a.dict, &dict))) goto done;

    walk w;
    walk_body(&body, a.dict != NULL, &w);
    if (w.n_frames == 0 && !w.special && !w.parse_error) {
        rc = s4_error(CLI_EXIT_DATA, NULL,
                      "no S4F2 data frames found in %s (%zu bytes of padding only?) \xe2\x80\x94 "
                      "refusing to write empty output",
                      a.input, body.size);
        goto done;
    }
    if (w.original > SIZE_MAX) {
        rc = s4_error(CLI_EXIT_DATA, "out of memory", "decoding %s", a.input);
        goto done;
    }
    s4c_object_decode_options opts;
    s4c_object_decode_options_init(&opts);
    opts.dict = dict.data;
    opts.dict_size = dict.size;
    s4c_object_decoder *dec = NULL;
    s4c_error_detail d;
    memset(&d, 0, sizeof(d));
    /* To a file: streamed into the temporary file. To stdout: held in memory
     * until the last frame decoded, so nothing is written on an error (S4's). */
    cli_output out;
    int out_open = 0, io_rc = 0;
    uint8_t *dst = NULL;
    s4c_status st = s4c_object_decoder_create(&opts, &dec, &d);
    s4c_object_info info;
    memset(&info, 0, sizeof(info));
    info.error_frame = UINT64_MAX;
    size_t written = 0;
    if (st == S4C_OK && a.output) {
        if ((rc = open_output(&a, &out)) != 0) goto cleanup;
        out_open = 1;
        st = stream_to_file(dec, &body, (size_t)w.stop_offset, &out, &info, &d, &io_rc);
        written = (size_t)out.written;
    } else if (st == S4C_OK) {
        size_t cap = w.original ? (size_t)w.original : 1;
        dst = malloc(cap);
        st = dst ? s4c_object_decoder_decode(dec, body.data, (size_t)w.stop_offset, dst, cap,
                                             &written, &info, &d)
                 : S4C_ERROR_OUT_OF_MEMORY;
    }
    if (st != S4C_OK && !d.message[0])
        snprintf(d.message, sizeof(d.message), "%s", s4c_strerror(st));
    if (io_rc)
        rc = io_rc;
    else if (st != S4C_OK && info.error_frame != UINT64_MAX && info.error_frame <= w.n_frames)
        rc = frame_error(a.input, &body, info.error_frame, &d);
    else if (st != S4C_OK)
        rc = s4_error(cli_exit_for_status(st), d.message, "decoding %s", a.input);
    else if (w.special)
        rc = special_error(w.n_frames, w.special_kind);
    else if (out_open)
        rc = cli_output_commit(&out, NULL), out_open = 0;
    else if (cli_write_all(STDOUT_FILENO, dst, written) != 0)
        rc = cli_error(CLI_EXIT_IO, "stdout: write error: %s", strerror(errno));
    if (!rc)
        fprintf(stderr,
                "s4-codec: decoded %llu frame(s), %llu compressed bytes -> %zu original bytes "
                "(per-frame crc32c verified)\n",
                (unsigned long long)info.n_frames, (unsigned long long)info.payload_size, written);
cleanup:
    if (out_open) cli_output_abort(&out);
    s4c_object_decoder_free(dec);
    free(dst);
done:
    if (a.dict) s4_file_close(&dict);
    s4_file_close(&body);
    return rc;
}
