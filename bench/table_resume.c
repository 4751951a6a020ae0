/*
 * table_resume.c — table 6 (issue 4): resumable decoding, checkpoint indexes.
 *
 * Input: the corpus files (linux.tar, binaries.bin, packages.txt) laid end to
 * end and repeated up to S4C_BENCH_RESUME_SIZE bytes (default 1 GiB; 32 MiB
 * with --quick). Per codec — cpu-lz4 (4 MiB blocks, as the lz4 CLI and our
 * `compress`), cpu-gzip level 6 (one member), cpu-zstd level 3 written as
 * 4 MiB frames (zstd_frame_size; a single-frame zstd file has no checkpoint
 * past its start) — it measures:
 *
 *   - streaming decode (s4c_decoder, 1 MiB buffers — S4C_BENCH_RESUME_WINDOW=KiB
 *     for another size — default options: records
 *     checkpoints every 4 MiB) against one-shot s4c_decompress of the same
 *     payload (target >= 0.95x);
 *   - s4c_ckindex_build time, index size against the compressed size, state
 *     sizes (per entry: average, largest) and one inexact mid-stream state;
 *   - 1 MiB reads at random offsets through s4c_ckindex_read from memory:
 *     median and p90 (targets: median <= 10 ms lz4/zstd, <= 20 ms gzip);
 *   - whole-stream decode on 1 and 2 threads (target 2 threads >= 1.8x;
 *     meaningless on a loaded 2-core machine), by s4c_ckindex_decode_parallel
 *     (1 MiB hand-off chunks written in order to a memory sink) and by
 *     s4c_ckindex_decode_into (each segment decoded in place).
 *
 * Every decoded byte is compared with the input once. For indexed_gzip on the
 * same reads see bench/python/bench_indexed_gzip.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4frame.h>

#include "bench.h"
#include "s4codec_resume.h"

typedef struct mem_src {
    const uint8_t *p;
    size_t n;
} mem_src;

static s4c_status mem_read(void *ctx, uint64_t off, void *buf, size_t len, size_t *got) {
    const mem_src *m = ctx;
    *got = 0;
    if (off >= m->n) return S4C_OK;
    size_t k = m->n - (size_t)off < len ? m->n - (size_t)off : len;
    memcpy(buf, m->p + off, k);
    *got = k;
    return S4C_OK;
}

typedef struct mem_sink {
    uint8_t *p;
    size_t n, cap;
} mem_sink;

static s4c_status sink_write(void *ctx, const void *buf, size_t len) {
    mem_sink *s = ctx;
    if (len > s->cap - s->n) return S4C_ERROR_DST_TOO_SMALL;
    memcpy(s->p + s->n, buf, len);
    s->n += len;
    return S4C_OK;
}

typedef struct rs_ctx {
    uint32_t kind;
    const uint8_t *src;
    size_t size;
    const uint8_t *comp;
    size_t comp_size;
    uint8_t *out;
    s4c_codec *codec;
    s4c_manifest manifest;
    s4c_decoder *dec;
    const s4c_ckindex *ix;
    unsigned threads;
} rs_ctx;

static size_t stream_window = BENCH_MIB; /* S4C_BENCH_RESUME_WINDOW (KiB) */

static int rs_stream(void *p) {
    rs_ctx *c = p;
    const size_t win = stream_window;
    if (s4c_decoder_reset(c->dec) != S4C_OK) return -1;
    size_t in_off = 0, out_off = 0;
    for (;;) {
        size_t n = c->comp_size - in_off < win ? c->comp_size - in_off : win;
        s4c_in_buffer in = {c->comp + in_off, n, 0};
        size_t room = c->size - out_off < win ? c->size - out_off : win;
        s4c_out_buffer out = {c->out + out_off, room, 0};
        if (s4c_decoder_stream(c->dec, &in, &out, NULL) != S4C_OK) return -1;
        in_off += in.pos;
        out_off += out.pos;
        if (in.pos == 0 && out.pos == 0) break;
    }
    return s4c_decoder_finish(c->dec) == S4C_OK && out_off == c->size ? 0 : -1;
}

/* The peer for lz4: liblz4's own streaming decoder (LZ4F_decompress) fed and
 * drained through the same windows as rs_stream. */
static LZ4F_dctx *lz4f_dctx;

static int rs_lz4f(void *p) {
    rs_ctx *c = p;
    const size_t win = stream_window;
    LZ4F_resetDecompressionContext(lz4f_dctx);
    size_t in_off = 0, out_off = 0;
    for (;;) {
        size_t n = c->comp_size - in_off < win ? c->comp_size - in_off : win;
        size_t room = c->size - out_off < win ? c->size - out_off : win;
        size_t r = LZ4F_decompress(lz4f_dctx, c->out + out_off, &room, c->comp + in_off, &n, NULL);
        if (LZ4F_isError(r)) return -1;
        in_off += n;
        out_off += room;
        if (r == 0 && in_off == c->comp_size) break;
        if (n == 0 && room == 0) return -1;
    }
    return out_off == c->size ? 0 : -1;
}

static int rs_oneshot(void *p) {
    rs_ctx *c = p;
    size_t written = 0;
    return s4c_decompress(c->codec, &c->manifest, c->comp, c->comp_size, c->out, c->size,
                          &written, NULL) == S4C_OK && written == c->size
               ? 0
               : -1;
}

static int rs_parallel(void *p) {
    rs_ctx *c = p;
    mem_src m = {c->comp, c->comp_size};
    mem_sink s = {c->out, 0, c->size};
    return s4c_ckindex_decode_parallel(c->ix, mem_read, &m, c->threads, sink_write, &s, NULL) ==
                   S4C_OK && s.n == c->size
               ? 0
               : -1;
}

static int rs_into(void *p) {
    rs_ctx *c = p;
    mem_src m = {c->comp, c->comp_size};
    return s4c_ckindex_decode_into(c->ix, mem_read, &m, c->threads, c->out, c->size, NULL) ==
                   S4C_OK
               ? 0
               : -1;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The input: corpus files end to end, repeated up to `size` bytes. */
static uint8_t *make_input(size_t size) {
    static const char *names[] = {"linux.tar", "binaries.bin", "packages.txt"};
    uint8_t *buf = bench_alloc(size);
    size_t have = 0;
    for (size_t i = 0; i < 3 && have < size; i++) {
        bench_input in = bench_load(names[i], size - have);
        memcpy(buf + have, in.data, in.size);
        have += in.size;
        bench_input_free(&in);
    }
    for (size_t base = have; have < size;) {
        size_t n = size - have < base ? size - have : base;
        memcpy(buf + have, buf, n);
        have += n;
    }
    return buf;
}

static uint8_t *compress_all(uint32_t kind, const uint8_t *src, size_t n, size_t *out_n) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    if (kind == S4C_KIND_CPU_LZ4) {
        o.lz4_block_size_id = S4C_LZ4_BLOCK_4MB;
        o.lz4_content_checksum = 1;
    }
    if (kind == S4C_KIND_CPU_ZSTD) o.zstd_frame_size = 4 * BENCH_MIB;
    o.level = kind == S4C_KIND_CPU_GZIP ? 6 : kind == S4C_KIND_CPU_ZSTD ? 3 : 0;
    s4c_encoder *e = NULL;
    if (s4c_encoder_create(kind, &o, &e, NULL) != S4C_OK) return NULL;
    size_t cap = n + n / 8 + (4u << 20), pos = 0;
    uint8_t *dst = bench_alloc(cap);
    size_t off = 0, pending = 0;
    for (;;) {
        size_t k = n - off < 16 * BENCH_MIB ? n - off : 16 * BENCH_MIB;
        int last = off + k == n;
        s4c_in_buffer in = {src + off, k, 0};
        do {
            s4c_out_buffer out = {dst + pos, cap - pos, 0};
            if (s4c_encoder_stream(e, &in, &out, last ? S4C_FLUSH_END : S4C_FLUSH_NONE,
                                   &pending) != S4C_OK) {
                s4c_encoder_free(e);
                bench_free(dst);
                return NULL;
            }
            pos += out.pos;
        } while (in.pos < in.size || (last && pending));
        off += k;
        if (last) break;
    }
    s4c_encoder_free(e);
    *out_n = pos;
    return dst;
}

static char lz4f_note[600];

static int resume_row(uint32_t kind, const uint8_t *src, size_t size, int reads) {
    const char *name = s4c_kind_name(kind);
    size_t comp_size = 0;
    double t0 = bench_now();
    uint8_t *comp = compress_all(kind, src, size, &comp_size);
    if (!comp) {
        printf("| %s | compress failed | | | | | | |\n", name);
        return 1;
    }
    double t_comp = bench_now() - t0;
    rs_ctx c;
    memset(&c, 0, sizeof(c));
    c.kind = kind;
    c.src = src;
    c.size = size;
    c.comp = comp;
    c.comp_size = comp_size;
    c.out = bench_alloc(size);
    int rc = 0;

    /* streaming vs one-shot */
    double t_stream = 0, t_one = 0;
    int rounds = 0;
    s4c_codec_options co;
    s4c_codec_options_init(&co);
    c.manifest.codec = kind;
    c.manifest.original_size = size;
    c.manifest.compressed_size = comp_size;
    c.manifest.crc32c = s4c_crc32c(0, src, size);
    int have_one = s4c_codec_create(kind, &co, &c.codec, NULL) == S4C_OK &&
                   s4c_decoder_create(kind, NULL, &c.dec, NULL) == S4C_OK;
    if (!have_one ||
        bench_pair(rs_stream, &c, rs_oneshot, &c, &t_stream, &t_one, &rounds) != 0) {
        printf("  %s: streaming/one-shot decode failed\n", name);
        rc = 1;
    } else if (memcmp(c.out, src, size) != 0) {
        printf("  %s: decoded bytes differ\n", name);
        rc = 1;
    }

    /* lz4: liblz4's streaming decoder through the same windows */
    if (kind == S4C_KIND_CPU_LZ4 && rc == 0 &&
        !LZ4F_isError(LZ4F_createDecompressionContext(&lz4f_dctx, LZ4F_VERSION))) {
        double t_ours = 0, t_peer = 0;
        int r2 = 0;
        memset(c.out, 0, size);
        if (bench_pair(rs_stream, &c, rs_lz4f, &c, &t_ours, &t_peer, &r2) == 0 &&
            memcmp(c.out, src, size) == 0)
            snprintf(lz4f_note, sizeof lz4f_note,
                     "cpu-lz4 streaming through %zu KiB windows, measured again beside liblz4's "
                     "own streaming decoder (LZ4F_decompress, same windows, same stream): ours "
                     "%.0f MB/s, LZ4F_decompress %.0f MB/s, ours / liblz4 = %.2fx.",
                     stream_window >> 10, bench_mbps(size, t_ours), bench_mbps(size, t_peer),
                     t_peer / t_ours);
        LZ4F_freeDecompressionContext(lz4f_dctx);
        lz4f_dctx = NULL;
        /* LZ4 blocks are atomic: a block larger than the caller's output window
         * is decoded aside and copied out. Windows of the block size (4 MiB
         * here, what the frame header announces) take the direct path. */
        size_t keep = stream_window;
        double t_s4 = 0, t_o4 = 0;
        stream_window = 4 * BENCH_MIB;
        memset(c.out, 0, size);
        if (keep < stream_window &&
            bench_pair(rs_stream, &c, rs_oneshot, &c, &t_s4, &t_o4, &r2) == 0 &&
            memcmp(c.out, src, size) == 0) {
            size_t used = strlen(lz4f_note);
            snprintf(lz4f_note + used, sizeof lz4f_note - used,
                     " With windows of the frame's block size (4 MiB): streaming %.0f MB/s, "
                     "one-shot %.0f MB/s = %.2fx %s.",
                     bench_mbps(size, t_s4), bench_mbps(size, t_o4), t_o4 / t_s4,
                     bench_verdict(t_o4 / t_s4, 0.95));
        }
        stream_window = keep;
    }

    /* index */
    mem_src m = {comp, comp_size};
    s4c_ckindex *ix = NULL;
    s4c_error_detail d;
    t0 = bench_now();
    s4c_status st = s4c_ckindex_build(mem_read, &m, 0, &ix, &d);
    double t_build = bench_now() - t0;
    if (st != S4C_OK) {
        printf("| %s | %.1f | %.2fx | index: %s | | | | |\n", name,
               bench_mbps(size, t_stream), t_one / t_stream, d.message);
        rc = 1;
        goto done;
    }
    c.ix = ix;
    size_t ix_size = 0, n = s4c_ckindex_count(ix), st_total = 0, st_max = 0;
    s4c_ckindex_encode(ix, NULL, 0, &ix_size);
    for (size_t i = 1; i < n; i++) {
        s4c_ckindex_entry e;
        s4c_ckindex_entry_at(ix, i, &e);
        st_total += e.state_size;
        if (e.state_size > st_max) st_max = e.state_size;
    }
    /* one inexact save: a decoder fed half of the stream */
    size_t mid_state = 0;
    {
        s4c_decoder *dd = NULL;
        s4c_decoder_create(kind, NULL, &dd, NULL);
        size_t half = comp_size / 2, fed = 0;
        while (dd && fed < half) {
            size_t k = half - fed < BENCH_MIB ? half - fed : BENCH_MIB;
            s4c_in_buffer in = {comp + fed, k, 0};
            s4c_out_buffer out = {c.out, BENCH_MIB, 0};
            while (in.pos < in.size) {
                out.pos = 0;
                if (s4c_decoder_stream(dd, &in, &out, NULL) != S4C_OK) break;
            }
            fed += k;
        }
        if (dd) s4c_decoder_save(dd, NULL, 0, &mid_state, NULL);
        s4c_decoder_free(dd);
    }

    /* random 1 MiB reads */
    double *lat = malloc(sizeof(double) * (size_t)reads);
    uint8_t *buf = bench_alloc(BENCH_MIB);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    int bad = 0;
    for (int i = 0; i < reads; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t off = size > BENCH_MIB ? x % (size - BENCH_MIB) : 0;
        size_t got = 0;
        t0 = bench_now();
        st = s4c_ckindex_read(ix, mem_read, &m, off, buf, BENCH_MIB, &got, NULL);
        lat[i] = bench_now() - t0;
        if (st != S4C_OK || got != (size < BENCH_MIB ? size : BENCH_MIB) ||
            memcmp(buf, src + off, got) != 0)
            bad = 1;
    }
    qsort(lat, (size_t)reads, sizeof(double), cmp_double);
    double med = lat[reads / 2] * 1e3, p90 = lat[(reads * 9) / 10] * 1e3;
    if (bad) {
        printf("  %s: a random read failed or differed\n", name);
        rc = 1;
    }

    /* parallel 1 vs 2 threads */
    double t1 = 0, t2 = 0;
    rs_ctx c2 = c;
    c.threads = 1;
    c2.threads = 2;
    if (bench_pair(rs_parallel, &c, rs_parallel, &c2, &t1, &t2, &rounds) != 0 ||
        memcmp(c.out, src, size) != 0) {
        printf("  %s: parallel decode failed\n", name);
        rc = 1;
    }
    double ti1 = 0, ti2 = 0;
    memset(c.out, 0, size);
    if (bench_pair(rs_into, &c, rs_into, &c2, &ti1, &ti2, &rounds) != 0 ||
        memcmp(c.out, src, size) != 0) {
        printf("  %s: decode_into failed\n", name);
        rc = 1;
    }
    double target_ms = kind == S4C_KIND_CPU_GZIP ? 20.0 : 10.0;
    printf("| %s | %zu → %zu (%.1f s) | %.0f / %.0f MB/s = %.2fx %s | %.2f s | %zu | %zu B = "
           "%.4f%% | %zu / %zu B, mid %zu B | %.2f / %.2f ms %s | %.0f → %.0f MB/s = %.2fx %s | "
           "%.0f → %.0f MB/s = %.2fx %s |\n",
           name, size, comp_size, t_comp, bench_mbps(size, t_stream), bench_mbps(size, t_one),
           t_one / t_stream, bench_verdict(t_one / t_stream, 0.95), t_build, n, ix_size,
           100.0 * (double)ix_size / (double)comp_size, n > 1 ? st_total / (n - 1) : 0, st_max,
           mid_state, med, p90, bench_verdict(target_ms, med), bench_mbps(size, t1),
           bench_mbps(size, t2), t1 / t2, bench_verdict(t1 / t2, 1.8), bench_mbps(size, ti1),
           bench_mbps(size, ti2), ti1 / ti2, bench_verdict(ti1 / ti2, 1.8));
    fflush(stdout);
    bench_free(buf);
    free(lat);
done:
    s4c_ckindex_free(ix);
    s4c_decoder_free(c.dec);
    s4c_codec_free(c.codec);
    bench_free(c.out);
    bench_free(comp);
    return rc;
}

int bench_table_resume(void) {
    size_t size = bench_cfg.quick ? 32 * BENCH_MIB : 1024 * BENCH_MIB;
    const char *env = getenv("S4C_BENCH_RESUME_SIZE");
    if (env && atoll(env) > 0) size = (size_t)atoll(env) << 20;
    const char *wenv = getenv("S4C_BENCH_RESUME_WINDOW");
    if (wenv && atoll(wenv) > 0) stream_window = (size_t)atoll(wenv) << 10;
    int reads = bench_cfg.quick ? 20 : 200;
    char sz[32];
    printf("\n## Table 6: resumable decoding and checkpoint indexes (issue 4), %s input\n\n",
           bench_size_name(size, sz, sizeof sz));
    printf("Corpus files end to end, repeated. Index spacing 4 MiB (default). Streaming: %zu KiB "
           "input and output windows. Random reads: %d × 1 MiB, median / p90. Parallel: 1 → 2 "
           "threads, ordered writes (decode_parallel into a memory sink) and in place "
           "(decode_into).\n\n",
           stream_window >> 10, reads);
    printf("| codec | bytes (compress time) | streaming / one-shot decode | index build | entries "
           "| index size / compressed | state avg / max, mid-stream | 1 MiB read median / p90 | "
           "2 threads vs 1, decode_parallel | 2 threads vs 1, decode_into |\n"
           "|---|---|---|---|---|---|---|---|---|---|\n");
    fflush(stdout);
    uint8_t *src = make_input(size);
    static const uint32_t kinds[] = {S4C_KIND_CPU_LZ4, S4C_KIND_CPU_GZIP, S4C_KIND_CPU_ZSTD};
    int rc = 0;
    for (size_t i = 0; i < 3; i++) rc |= resume_row(kinds[i], src, size, reads);
    if (lz4f_note[0]) printf("\n%s\n", lz4f_note);
    bench_free(src);
    return rc;
}
