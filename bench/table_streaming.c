/*
 * table_streaming.c — table 4 (informative): s4c_encoder/s4c_decoder with
 * 64 KiB and 1 MiB buffers against one-shot s4c_compress/s4c_decompress.
 *
 * Streaming calls see windows of the caller's input and output of at most the
 * buffer size each (no copies of ours in the loop: the windows point into the
 * big source and destination buffers, as a caller reading and writing files
 * in blocks would arrange). Objects are created once and reused: after
 * S4C_FLUSH_END the encoder starts a new frame; the decoder is reset. The
 * streaming decoder reads the one-shot payload. Note: one-shot decompress
 * also checks the CRC32C of the output; the streaming decoder checks only
 * what the format carries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

typedef struct stream_row {
    uint32_t kind;
    int level;
} stream_row;

static const stream_row rows[] = {
    {S4C_KIND_CPU_ZSTD, 3},
    {S4C_KIND_CPU_LZ4, 0},
    {S4C_KIND_CPU_GZIP, 6},
    {S4C_KIND_CPU_ZSTD_DICT, 3},
};

typedef struct stream_ctx {
    s4c_encoder *enc;
    s4c_decoder *dec;
    size_t chunk;
    const uint8_t *src;
    size_t size;
    uint8_t *comp;
    size_t comp_cap;
    size_t comp_size; /* encode: what it wrote; decode: the payload to read */
    uint8_t *out;
} stream_ctx;

static int stream_encode(void *p) {
    stream_ctx *c = p;
    size_t off = 0, total = 0;
    s4c_status st;
    while (off < c->size) {
        size_t n = c->size - off < c->chunk ? c->size - off : c->chunk;
        s4c_in_buffer in = {c->src + off, n, 0};
        while (in.pos < in.size) {
            size_t room = c->comp_cap - total < c->chunk ? c->comp_cap - total : c->chunk;
            s4c_out_buffer out = {c->comp + total, room, 0};
            st = s4c_encoder_stream(c->enc, &in, &out, S4C_FLUSH_NONE, NULL);
            if (st != S4C_OK) goto failed;
            total += out.pos;
        }
        off += n;
    }
    for (;;) {
        size_t room = c->comp_cap - total < c->chunk ? c->comp_cap - total : c->chunk;
        s4c_in_buffer in = {NULL, 0, 0};
        s4c_out_buffer out = {c->comp + total, room, 0};
        size_t pending = 0;
        st = s4c_encoder_stream(c->enc, &in, &out, S4C_FLUSH_END, &pending);
        if (st != S4C_OK) goto failed;
        total += out.pos;
        if (pending == 0) break;
        if (room == 0) {
            st = S4C_ERROR_DST_TOO_SMALL;
            goto failed;
        }
    }
    c->comp_size = total;
    return 0;
failed:
    fprintf(stderr, "s4c_bench: s4c_encoder_stream: %s\n", s4c_status_name(st));
    return -1;
}

static int stream_decode(void *p) {
    stream_ctx *c = p;
    s4c_status st = s4c_decoder_reset(c->dec);
    size_t in_off = 0, out_off = 0;
    while (st == S4C_OK) {
        size_t n = c->comp_size - in_off < c->chunk ? c->comp_size - in_off : c->chunk;
        size_t room = c->size - out_off < c->chunk ? c->size - out_off : c->chunk;
        s4c_in_buffer in = {c->comp + in_off, n, 0};
        s4c_out_buffer out = {c->out + out_off, room, 0};
        size_t hint = 1;
        st = s4c_decoder_stream(c->dec, &in, &out, &hint);
        in_off += in.pos;
        out_off += out.pos;
        if (st != S4C_OK) break;
        if (in_off == c->comp_size && hint == 0) break;
        if (in.pos == 0 && out.pos == 0) {
            st = S4C_ERROR_TRUNCATED_INPUT;
            break;
        }
    }
    if (st == S4C_OK) st = s4c_decoder_finish(c->dec);
    if (st == S4C_OK && out_off != c->size) st = S4C_ERROR_SIZE_MISMATCH;
    if (st != S4C_OK) {
        fprintf(stderr, "s4c_bench: s4c_decoder_stream: %s\n", s4c_status_name(st));
        return -1;
    }
    return 0;
}

static void run_row(const stream_row *row, const bench_input *in, const uint8_t *dict,
                    size_t dict_size) {
    const char *name = s4c_kind_name(row->kind);
    bench_codec_spec spec = {row->kind, row->level, dict, dict_size};
    bench_codec ours;
    char why[96];
    if (bench_codec_ours(&spec, &ours, why, sizeof why) != S4C_OK) {
        printf("| %s | %d | %s |\n", name, row->level, why);
        return;
    }
    s4c_codec_options eo;
    s4c_codec_options_init(&eo);
    eo.level = row->level;
    eo.dict = dict;
    eo.dict_size = dict_size;
    s4c_decoder_options dopt;
    s4c_decoder_options_init(&dopt);
    dopt.dict = dict;
    dopt.dict_size = dict_size;

    size_t size = in->size;
    size_t cap = bench_job_comp_bound(&ours, size, 0) + (1 << 20); /* per-flush slack */
    uint8_t *comp = bench_alloc(cap), *out = bench_alloc(size);
    uint8_t *scomp = bench_alloc(cap), *sout = bench_alloc(size);
    bench_job oj;
    bench_job_init(&oj, &ours, in->data, size, 0, comp, cap, out, size);

    static const size_t chunks[2] = {64 * 1024, 1 << 20};
    double one_c = 1e300, one_d = 1e300, st_c[2] = {0}, st_d[2] = {0};
    size_t st_size[2] = {0};
    int ok = 1, rounds = 0;
    for (int k = 0; k < 2 && ok; k++) {
        stream_ctx sc = {NULL, NULL, chunks[k], in->data, size, scomp, cap, 0, sout};
        s4c_error_detail d;
        s4c_status st = s4c_encoder_create(row->kind, &eo, &sc.enc, &d);
        if (st == S4C_OK) st = s4c_decoder_create(row->kind, &dopt, &sc.dec, &d);
        if (st != S4C_OK) {
            printf("| %s | %d | streaming: %s |\n", name, row->level, s4c_status_name(st));
            ok = 0;
        }
        double t = 0;
        if (ok)
            ok =
                bench_pair(bench_job_compress, &oj, stream_encode, &sc, &t, &st_c[k], &rounds) == 0;
        if (ok && t < one_c) one_c = t;
        st_size[k] = sc.comp_size;
        /* the streaming decoder reads the one-shot payload */
        if (ok) {
            memcpy(scomp, comp, oj.comp_total);
            sc.comp_size = oj.comp_total;
            ok = bench_pair(bench_job_decompress, &oj, stream_decode, &sc, &t, &st_d[k], &rounds) ==
                 0;
        }
        if (ok && t < one_d) one_d = t;
        if (ok && (memcmp(sout, in->data, size) != 0 || bench_job_verify(&oj) != 0)) {
            printf("| %s | %d | VERIFY FAILED |\n", name, row->level);
            ok = 0;
        }
        s4c_encoder_free(sc.enc);
        s4c_decoder_free(sc.dec);
    }
    if (ok) {
        printf("| %s | %d | compress | %.1f | %.1f | %.3f | %.1f | %.3f | %zu | %zu | %zu |\n",
               name, row->level, bench_mbps(size, one_c), bench_mbps(size, st_c[0]),
               one_c / st_c[0], bench_mbps(size, st_c[1]), one_c / st_c[1], oj.comp_total,
               st_size[0], st_size[1]);
        printf("| %s | %d | decompress | %.1f | %.1f | %.3f | %.1f | %.3f | | | |\n", name,
               row->level, bench_mbps(size, one_d), bench_mbps(size, st_d[0]), one_d / st_d[0],
               bench_mbps(size, st_d[1]), one_d / st_d[1]);
    } else {
        printf("| %s | %d | FAILED (see stderr) |\n", name, row->level);
    }
    fflush(stdout);
    bench_job_free(&oj);
    bench_free(comp);
    bench_free(out);
    bench_free(scomp);
    bench_free(sout);
    bench_codec_free(&ours);
}

void bench_table_streaming(void) {
    const char *file = "linux.tar";
    bench_input in = bench_load(file, bench_cfg.quick ? BENCH_MIB : 64 * BENCH_MIB);
    char sn[32];
    printf("\n## 4. Streaming vs one-shot (informative), %s, %s\n\n", file,
           bench_size_name(in.size, sn, sizeof sn));
    printf("s4c_encoder_stream / s4c_decoder_stream fed windows of 64 KiB or 1 MiB (input and "
           "output), against s4c_compress / s4c_decompress on the same input; best of up to %d "
           "interleaved rounds. stream/one-shot = speed ratio. cpu-zstd-dict: one stream over "
           "the whole input with the 16 KiB dictionary.\n\n",
           bench_cfg.rounds);
    printf("| codec | level | op | one-shot MB/s | stream 64K MB/s | 64K/one-shot | stream 1M MB/s "
           "| 1M/one-shot | bytes one-shot | bytes stream 64K | bytes stream 1M |\n");
    printf("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    uint8_t dict[BENCH_DICT_CAPACITY];
    size_t dict_size = 0;
    char why[96] = "";
    int have_dict = -1;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        if (bench_cfg.only_codec && strcmp(bench_cfg.only_codec, s4c_kind_name(rows[r].kind)) != 0)
            continue;
        if (rows[r].kind == S4C_KIND_CPU_ZSTD_DICT) {
            if (have_dict < 0)
                have_dict = bench_train_dict(&in, dict, &dict_size, why, sizeof why) == 0;
            if (!have_dict) {
                printf("| %s | %d | %s |\n", s4c_kind_name(rows[r].kind), rows[r].level, why);
                continue;
            }
            run_row(&rows[r], &in, dict, dict_size);
        } else {
            run_row(&rows[r], &in, NULL, 0);
        }
    }
    bench_input_free(&in);
}
