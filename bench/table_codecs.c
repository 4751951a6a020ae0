/*
 * table_codecs.c — table 1: every codec through our one-shot API against the
 * raw library it wraps, on 1 MiB and large inputs of every corpus file.
 *
 * Ours is s4c_compress/s4c_decompress (CRC32C and manifest checks included:
 * the real API cost); the peer is the raw library called directly (see
 * codecs_raw.c). Compress and decompress are timed as separate pairs, each
 * best of N interleaved rounds. The zstd-dict row splits the input into 4 KiB
 * records, compressed one call each, with a 16 KiB dictionary trained by
 * s4c_train_dictionary on 4 KiB samples of the same file (the same dictionary
 * for both sides), which makes its compression ratio optimistic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define DICT_RECORD BENCH_DICT_RECORD

typedef enum peer_kind { PEER_ZSTD, PEER_ZSTD_DICT, PEER_LZ4F, PEER_GZIP } peer_kind;

typedef struct codec_row {
    uint32_t kind;
    int level;
    peer_kind peer;
    double target; /* ours/raw speed target, 0 = informative */
} codec_row;

static const codec_row rows[] = {
    {S4C_KIND_CPU_ZSTD, 1, PEER_ZSTD, 0.97},        {S4C_KIND_CPU_ZSTD, 3, PEER_ZSTD, 0.97},
    {S4C_KIND_CPU_ZSTD, 9, PEER_ZSTD, 0.97},        {S4C_KIND_CPU_LZ4, 0, PEER_LZ4F, 0.97},
    {S4C_KIND_CPU_LZ4, 9, PEER_LZ4F, 0.97},         {S4C_KIND_CPU_GZIP, 1, PEER_GZIP, 0},
    {S4C_KIND_CPU_GZIP, 6, PEER_GZIP, 0},           {S4C_KIND_CPU_GZIP, 9, PEER_GZIP, 0},
    {S4C_KIND_CPU_ZSTD_DICT, 3, PEER_ZSTD_DICT, 0},
};
#define ROW_COUNT (sizeof(rows) / sizeof(rows[0]))

/*
 * The raw peer of cpu-gzip: the backends our codec calls (docs/codecs/gzip.md):
 * libdeflate at the same level to compress, ISA-L to inflate. The ratio then
 * measures our wrapper, not a backend choice; table 2 compares with zlib.
 */
static int make_gzip_peer(int level, bench_codec *out) {
    return bench_codec_libdeflate_isal(level, out);
}

static int make_peer(const codec_row *row, const void *dict, size_t dict_size, bench_codec *out) {
    switch (row->peer) {
    case PEER_ZSTD:
        return bench_codec_zstd(row->level, out);
    case PEER_ZSTD_DICT:
        return bench_codec_zstd_dict(row->level, dict, dict_size, out);
    case PEER_LZ4F:
        return bench_codec_lz4f(row->level, out);
    case PEER_GZIP:
        return make_gzip_peer(row->level, out);
    }
    return -1;
}

static int wanted(const codec_row *row, const char *file) {
    if (bench_cfg.only_file && strcmp(bench_cfg.only_file, file) != 0) return 0;
    if (bench_cfg.only_codec && strcmp(bench_cfg.only_codec, s4c_kind_name(row->kind)) != 0)
        return 0;
    return 1;
}

typedef struct side {
    bench_codec codec;
    int ok;
    bench_job job;
    uint8_t *comp, *out;
    double c_s, d_s;
} side;

static void side_setup(side *s, const uint8_t *src, size_t size, size_t record) {
    size_t cap = bench_job_comp_bound(&s->codec, size, record);
    s->comp = bench_alloc(cap);
    s->out = bench_alloc(size);
    bench_job_init(&s->job, &s->codec, src, size, record, s->comp, cap, s->out, size);
}

static void side_teardown(side *s) {
    if (!s->ok) return;
    bench_job_free(&s->job);
    bench_free(s->comp);
    bench_free(s->out);
    bench_codec_free(&s->codec);
}

static void fmt_speed(char *buf, size_t n, int ok, size_t bytes, double s) {
    if (ok)
        snprintf(buf, n, "%.1f", bench_mbps(bytes, s));
    else
        snprintf(buf, n, "-");
}

/*
 * "ours/raw | CRC bound | verdict". The CRC bound is raw / (raw + one CRC32C
 * pass over the original): the best ratio an API that must CRC the whole
 * original in a separate pass can reach, so a reader can tell the CRC's
 * share of a gap from everything else.
 */
static void fmt_ratio(char *buf, size_t n, int ok, double a, double b, double crc_s, double target,
                      int *pass, int *miss) {
    if (!ok) {
        snprintf(buf, n, "- | - | -");
        return;
    }
    double r = b / a; /* speed ours/raw = time raw / time ours */
    double bound = b / (b + crc_s);
    if (target > 0) {
        const char *v = bench_verdict(r, target);
        if (v[0] == 'P')
            (*pass)++;
        else
            (*miss)++;
        snprintf(buf, n, "%.3f | %.3f | %s", r, bound, v);
    } else {
        snprintf(buf, n, "%.3f | %.3f | -", r, bound);
    }
}

typedef struct crc_ctx {
    const uint8_t *data;
    size_t size, record;
    uint32_t sink;
} crc_ctx;

static int crc_pass(void *p) {
    crc_ctx *c = p;
    size_t step = c->record ? c->record : c->size;
    for (size_t off = 0; off < c->size; off += step)
        c->sink ^= s4c_crc32c(0, c->data + off, c->size - off < step ? c->size - off : step);
    return 0;
}

/* Seconds of one s4c_crc32c pass over data[0..size), in calls of `record` bytes (0: one call). */
static double crc_seconds(const uint8_t *data, size_t size, size_t record) {
    crc_ctx c = {data, size, record, 0};
    double t = 0;
    return bench_pair(crc_pass, &c, NULL, NULL, &t, NULL, NULL) == 0 ? t : 0.0;
}

static void run_row(const codec_row *row, const bench_input *in, size_t size, const uint8_t *dict,
                    size_t dict_size, int *pass, int *miss) {
    char size_name[32];
    bench_size_name(size, size_name, sizeof size_name);
    int dict_row = row->kind == S4C_KIND_CPU_ZSTD_DICT;
    size_t record = dict_row ? DICT_RECORD : 0;
    if (!dict_row) dict = NULL, dict_size = 0; /* only the dictionary kind gets one */
    bench_codec_spec spec = {row->kind, row->level, dict, dict_size};
    side ours = {0}, raw = {0};
    char why[96] = "";
    ours.ok = bench_codec_ours(&spec, &ours.codec, why, sizeof why) == S4C_OK;
    raw.ok = make_peer(row, dict, dict_size, &raw.codec) == 0;
    printf("| %s | %s | %s | %d | ", in->file, size_name, s4c_kind_name(row->kind), row->level);
    fflush(stdout);
    if (ours.ok) side_setup(&ours, in->data, size, record);
    if (raw.ok) side_setup(&raw, in->data, size, record);
    double crc_s = crc_seconds(in->data, size, record);

    int rounds_c = 0, rounds_d = 0, bad = 0;
    side *a = ours.ok ? &ours : &raw, *b = ours.ok && raw.ok ? &raw : NULL;
    if (ours.ok || raw.ok) {
        bad |= bench_pair(bench_job_compress, &a->job, b ? bench_job_compress : NULL,
                          b ? &b->job : NULL, &a->c_s, b ? &b->c_s : NULL, &rounds_c);
        if (!bad)
            bad |= bench_pair(bench_job_decompress, &a->job, b ? bench_job_decompress : NULL,
                              b ? &b->job : NULL, &a->d_s, b ? &b->d_s : NULL, &rounds_d);
        if (!bad && ours.ok && bench_job_verify(&ours.job) != 0) bad = 1;
        if (!bad && raw.ok && bench_job_verify(&raw.job) != 0) bad = 1;
    }
    if (bad) {
        printf("FAILED (see stderr) |\n");
    } else {
        char oc[32], rc[32], od[32], rd[32], cr[64], dr[64];
        fmt_speed(oc, sizeof oc, ours.ok, size, ours.c_s);
        fmt_speed(rc, sizeof rc, raw.ok, size, raw.c_s);
        fmt_speed(od, sizeof od, ours.ok, size, ours.d_s);
        fmt_speed(rd, sizeof rd, raw.ok, size, raw.d_s);
        int both = ours.ok && raw.ok;
        fmt_ratio(cr, sizeof cr, both, ours.c_s, raw.c_s, crc_s, row->target, pass, miss);
        fmt_ratio(dr, sizeof dr, both, ours.d_s, raw.d_s, crc_s, row->target, pass, miss);
        char osz[32] = "-", rsz[32] = "-", oratio[32] = "-";
        if (ours.ok) {
            snprintf(osz, sizeof osz, "%zu", ours.job.comp_total);
            snprintf(oratio, sizeof oratio, "%.3f",
                     (double)size / (double)(ours.job.comp_total ? ours.job.comp_total : 1));
        }
        if (raw.ok) snprintf(rsz, sizeof rsz, "%zu", raw.job.comp_total);
        char peer[64];
        snprintf(peer, sizeof peer, "%s", raw.ok ? raw.codec.label : "-");
        printf("%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |%s%s\n", oc, rc, cr, od,
               rd, dr, osz, rsz, oratio, peer, rounds_c, rounds_d, ours.ok ? "" : " ours: ", why);
    }
    fflush(stdout);
    side_teardown(&ours);
    side_teardown(&raw);
}

void bench_table_codecs(void) {
    printf("\n## 1. One-shot codecs: s4c_compress/s4c_decompress vs the raw library\n\n");
    printf("MB/s = 10^6 bytes of uncompressed data per second, best of up to %d interleaved "
           "rounds (at least %d; 'rounds' column: compress/decompress). ours/raw = speed ratio; "
           "target >= 0.97 for cpu-zstd and cpu-lz4. CRC bound = raw / (raw + one s4c_crc32c pass "
           "over the original), the best ours/raw an API that checks a CRC32C in a separate pass "
           "can reach. cpu-zstd-dict: 4 KiB records, one call each, 16 KiB dictionary.\n\n",
           bench_cfg.rounds, bench_cfg.min_rounds);
    printf(
        "| input | size | codec | level | comp ours MB/s | comp raw MB/s | comp ours/raw | "
        "CRC bound | target | decomp ours MB/s | decomp raw MB/s | decomp ours/raw | CRC bound | "
        "target | bytes ours | bytes raw | ratio ours | raw peer | rounds |\n");
    printf("|---|---|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|---|--:|--:|--:|---|--:|\n");
    int pass = 0, miss = 0;
    for (size_t f = 0; f < bench_corpus_count; f++) {
        int any = 0;
        for (size_t r = 0; r < ROW_COUNT; r++)
            any |= wanted(&rows[r], bench_corpus[f].name);
        if (!any) continue;
        bench_input in = bench_load(bench_corpus[f].name, bench_corpus[f].large_size);
        uint8_t dict[BENCH_DICT_CAPACITY];
        size_t dict_size = 0;
        char dict_why[96] = "";
        int have_dict = 0;
        size_t sizes[2] = {BENCH_MIB < in.size ? BENCH_MIB : in.size, in.size};
        int nsizes = bench_cfg.quick || in.size <= BENCH_MIB ? 1 : 2;
        for (int si = 0; si < nsizes; si++) {
            for (size_t r = 0; r < ROW_COUNT; r++) {
                if (!wanted(&rows[r], in.file)) continue;
                if (rows[r].kind == S4C_KIND_CPU_ZSTD_DICT) {
                    if (!have_dict && !dict_why[0])
                        have_dict =
                            bench_train_dict(&in, dict, &dict_size, dict_why, sizeof dict_why) == 0;
                    if (!have_dict) {
                        char sn[32];
                        printf("| %s | %s | %s | %d | %s |\n", in.file,
                               bench_size_name(sizes[si], sn, sizeof sn),
                               s4c_kind_name(rows[r].kind), rows[r].level, dict_why);
                        continue;
                    }
                }
                run_row(&rows[r], &in, sizes[si], dict, dict_size, &pass, &miss);
            }
        }
        bench_input_free(&in);
    }
    printf("\nTable 1 targets: %d PASS, %d MISS\n", pass, miss);
}
