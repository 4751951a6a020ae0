/*
 * table_gzip_zlib.c — table 2: our cpu-gzip against zlib, the deflate most
 * users would otherwise reach for.
 *
 * Compress: s4c_compress at level 6 vs zlib deflate level 6 with the gzip
 * wrapper (windowBits 31, memLevel 8), same input. Decompress: the SAME gzip
 * file (the one our compressor wrote) through s4c_decompress (which also
 * checks the CRC32C manifest) and through zlib inflate.
 * Targets: compress >= 2.5x zlib; our size <= 1.01x zlib's; decompress >= 4x.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define LEVEL 6

static int pass_count, miss_count;

/* Table 2b: what the raw backends reach against zlib on the same files. */
typedef struct headroom {
    const char *file;
    double isal_d, libdeflate_d; /* inflate speed / zlib's, on our gzip file */
    double ld5_c, ld5_size;      /* libdeflate level 5: speed / zlib-6's, size / zlib-6's */
    int ok;
} headroom;
static headroom headrooms[8];
static size_t headroom_count;

/* Decompress job of `codec` reading the gzip file that `src_job` wrote. */
static void reader_job(bench_job *j, bench_codec *codec, const bench_job *src_job, uint8_t *out) {
    bench_job_init(j, codec, src_job->src, src_job->size, 0, src_job->comp, src_job->comp_cap, out,
                   src_job->size);
    j->recs[0] = src_job->recs[0];
    j->comp_total = src_job->comp_total;
}

static void measure_headroom(const bench_input *in, size_t size, bench_job *oj, bench_job *zj,
                             double zc, size_t zsize, headroom *h) {
    bench_codec isal, ld6, ld5;
    h->file = in->file;
    h->ok = 0;
    if (bench_codec_isal(0, &isal) != 0) return;
    if (bench_codec_libdeflate(6, &ld6) != 0) {
        bench_codec_free(&isal);
        return;
    }
    if (bench_codec_libdeflate(5, &ld5) != 0) {
        bench_codec_free(&isal);
        bench_codec_free(&ld6);
        return;
    }
    uint8_t *out = bench_alloc(size);
    size_t cap5 = bench_job_comp_bound(&ld5, size, 0);
    uint8_t *comp5 = bench_alloc(cap5);
    bench_job ij, lj, l5;
    reader_job(&ij, &isal, oj, out);
    reader_job(&lj, &ld6, oj, out);
    bench_job_init(&l5, &ld5, in->data, size, 0, comp5, cap5, out, size);
    double ti = 0, tl = 0, t5 = 0, tz1 = 0, tz2 = 0;
    int bad = bench_pair(bench_job_decompress, &ij, bench_job_decompress, zj, &ti, &tz1, NULL);
    if (!bad) bad = bench_job_verify(&ij) != 0;
    if (!bad)
        bad = bench_pair(bench_job_decompress, &lj, bench_job_decompress, zj, &tl, &tz2, NULL);
    if (!bad) bad = bench_pair(bench_job_compress, &l5, NULL, NULL, &t5, NULL, NULL);
    if (!bad) bad = bench_job_verify(&lj) != 0;
    if (!bad) {
        h->isal_d = tz1 / ti;
        h->libdeflate_d = tz2 / tl;
        h->ld5_c = zc / t5; /* zlib's compress time from the main pair */
        h->ld5_size = (double)l5.comp_total / (double)zsize;
        h->ok = 1;
    }
    bench_job_free(&ij);
    bench_job_free(&lj);
    bench_job_free(&l5);
    bench_free(out);
    bench_free(comp5);
    bench_codec_free(&isal);
    bench_codec_free(&ld6);
    bench_codec_free(&ld5);
}

static const char *count(const char *verdict) {
    if (verdict[0] == 'P')
        pass_count++;
    else
        miss_count++;
    return verdict;
}

static void run_file(const bench_input *in, size_t size) {
    char sn[32];
    bench_size_name(size, sn, sizeof sn);
    bench_codec ours, zlib;
    char why[96];
    bench_codec_spec spec = {S4C_KIND_CPU_GZIP, LEVEL, NULL, 0};
    if (bench_codec_ours(&spec, &ours, why, sizeof why) != S4C_OK) {
        printf("| %s | %s | cpu-gzip %s |\n", in->file, sn, why);
        return;
    }
    if (bench_codec_zlib(LEVEL, &zlib) != 0) {
        printf("| %s | %s | zlib setup failed |\n", in->file, sn);
        bench_codec_free(&ours);
        return;
    }
    size_t ocap = bench_job_comp_bound(&ours, size, 0), zcap = bench_job_comp_bound(&zlib, size, 0);
    uint8_t *ocomp = bench_alloc(ocap), *zcomp = bench_alloc(zcap);
    uint8_t *oout = bench_alloc(size), *zout = bench_alloc(size);
    bench_job oj, zj;
    bench_job_init(&oj, &ours, in->data, size, 0, ocomp, ocap, oout, size);
    bench_job_init(&zj, &zlib, in->data, size, 0, zcomp, zcap, zout, size);

    double oc = 0, zc = 0, od = 0, zd = 0;
    int rc = 0, rd = 0;
    int bad = bench_pair(bench_job_compress, &oj, bench_job_compress, &zj, &oc, &zc, &rc);
    size_t zsize = zj.comp_total;
    if (!bad) {
        /* zlib now inflates our gzip file, not its own. */
        zj.comp = oj.comp;
        zj.recs[0] = oj.recs[0];
        zj.comp_total = oj.comp_total;
        bad = bench_pair(bench_job_decompress, &oj, bench_job_decompress, &zj, &od, &zd, &rd);
    }
    if (!bad) bad = bench_job_verify(&oj) != 0 || bench_job_verify(&zj) != 0;
    if (!bad && headroom_count < sizeof headrooms / sizeof headrooms[0])
        measure_headroom(in, size, &oj, &zj, zc, zsize, &headrooms[headroom_count++]);
    if (bad) {
        printf("| %s | %s | FAILED (see stderr) |\n", in->file, sn);
    } else {
        double cratio = zc / oc, dratio = zd / od;
        double sratio = (double)oj.comp_total / (double)zsize;
        printf("| %s | %s | %.1f | %.1f | %.2fx | %s | %zu | %zu | %.4f | %s | %.1f | %.1f | "
               "%.2fx | %s | %d/%d |\n",
               in->file, sn, bench_mbps(size, oc), bench_mbps(size, zc), cratio,
               count(bench_verdict(cratio, 2.5)), oj.comp_total, zsize, sratio,
               count(bench_verdict(1.01, sratio)), bench_mbps(size, od), bench_mbps(size, zd),
               dratio, count(bench_verdict(dratio, 4.0)), rc, rd);
    }
    fflush(stdout);
    bench_job_free(&oj);
    bench_job_free(&zj);
    bench_free(ocomp);
    bench_free(zcomp);
    bench_free(oout);
    bench_free(zout);
    bench_codec_free(&ours);
    bench_codec_free(&zlib);
}

void bench_table_gzip_zlib(void) {
    bench_codec z;
    char zlabel[48] = "zlib";
    if (bench_codec_zlib(LEVEL, &z) == 0) {
        snprintf(zlabel, sizeof zlabel, "%s", z.label);
        bench_codec_free(&z);
    }
    printf("\n## 2. cpu-gzip vs %s, level 6\n\n", zlabel);
    printf("Compress: s4c_compress vs zlib deflate (gzip wrapper) on the same input. Decompress: "
           "our gzip file through s4c_decompress (CRC32C manifest check included) vs zlib "
           "inflate. Best of up to %d interleaved rounds. Targets: compress >= 2.5x, size <= "
           "1.01x zlib's, decompress >= 4x.\n\n",
           bench_cfg.rounds);
    printf("| input | size | comp ours MB/s | comp zlib MB/s | speed ours/zlib | target 2.5x | "
           "bytes ours | bytes zlib | size ours/zlib | target <= 1.01 | decomp ours MB/s | "
           "decomp zlib MB/s | speed ours/zlib | target 4x | rounds |\n");
    printf("|---|---|--:|--:|--:|---|--:|--:|--:|---|--:|--:|--:|---|--:|\n");
    pass_count = miss_count = 0;
    headroom_count = 0;
    for (size_t f = 0; f < bench_corpus_count; f++) {
        if (bench_cfg.only_file && strcmp(bench_cfg.only_file, bench_corpus[f].name) != 0) continue;
        bench_input in = bench_load(bench_corpus[f].name,
                                    bench_cfg.quick ? BENCH_MIB : bench_corpus[f].large_size);
        run_file(&in, in.size);
        bench_input_free(&in);
    }
    printf("\nTable 2 targets: %d PASS, %d MISS\n", pass_count, miss_count);
    printf("\n### 2b. Backend headroom against zlib (informative)\n\n");
    printf("The raw inflaters on the same gzip file (ours), and libdeflate level 5 as a level-6 "
           "deflater, each against zlib in the same run (best of N, interleaved; the level-5 "
           "speed is against zlib's compress time from table 2).\n\n");
    printf(
        "| input | ISA-L isal_inflate / zlib | libdeflate_gzip_decompress / zlib | libdeflate L5 "
        "compress / zlib-6 | libdeflate L5 size / zlib-6 |\n");
    printf("|---|--:|--:|--:|--:|\n");
    for (size_t i = 0; i < headroom_count; i++) {
        const headroom *h = &headrooms[i];
        if (!h->ok)
            printf("| %s | failed |\n", h->file);
        else
            printf("| %s | %.2fx | %.2fx | %.2fx | %.4f |\n", h->file, h->isal_d, h->libdeflate_d,
                   h->ld5_c, h->ld5_size);
    }
}
