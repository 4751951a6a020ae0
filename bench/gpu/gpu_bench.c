/*
 * gpu_bench.c — GPU codec throughput (docs/gpu.md, "Benchmark").
 *
 * For each input file and each GPU kind: compress and decompress GB/s
 *   e2e     s4c_compress / s4c_decompress: host -> device -> host, FCG1 framing
 *           and the CRC32C of the original included (what a caller sees);
 *   batch   the batched nvCOMP layer alone (src/gpu/nvcomp_batch.c): pinned
 *           staging, one launch, copies back; no FCG1, no CRC, no manifest;
 *   kernel  the nvCOMP launch between two CUDA events.
 * e2e/batch is our wrapper's overhead (target <= 10%). Peers in the same run:
 * cpu-zstd level 3 on one core and on every core (one object per thread slice).
 * Then the small-object path: N objects of S bytes (default 1000 x 8 KiB) per
 * object vs compress_batch, against cpu-zstd-3. Prints a table; asserts only
 * that every output decodes to its input. Without a GPU it prints why and
 * exits 0 (so a CPU machine can run it as a smoke test).
 *
 * usage: gpu_bench [-r RUNS] [-n OBJECTS] [-s OBJECT_SIZE] FILE...
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gpu/fcg1.h"
#include "gpu/nvcomp_batch.h"
#include "s4codec.h"
#include "s4codec_gpu.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const s4c_error_detail *d) {
    fprintf(stderr, "gpu_bench: %s: %s\n", what, d ? d->message : "");
    exit(1);
}

static uint8_t *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(len ? (size_t)len : 1);
    if (!p || fread(p, 1, (size_t)len, f) != (size_t)len) {
        perror(path);
        exit(1);
    }
    fclose(f);
    *n = (size_t)len;
    return p;
}

/* ------------------------------------------------------------ cpu-zstd peer */

typedef struct slice_job {
    const uint8_t *src;
    size_t n;
    uint8_t *dst;
    size_t cap, out;
} slice_job;

static void *zstd_slice(void *arg) {
    slice_job *j = arg;
    s4c_codec *c = NULL;
    s4c_error_detail d;
    s4c_manifest m;
    if (s4c_codec_create(S4C_KIND_CPU_ZSTD, NULL, &c, &d) != S4C_OK) die("cpu-zstd", &d);
    if (s4c_compress(c, j->src, j->n, j->dst, j->cap, &m, &d) != S4C_OK) die("cpu-zstd", &d);
    j->out = (size_t)m.compressed_size;
    s4c_codec_free(c);
    return NULL;
}

/* GB/s of cpu-zstd-3 over `threads` slices (best of runs). */
static double cpu_zstd_gbps(const uint8_t *src, size_t n, int threads, int runs, size_t *out) {
    slice_job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    size_t per = (n + (size_t)threads - 1) / (size_t)threads;
    for (int t = 0; t < threads; t++) {
        size_t off = (size_t)t * per;
        jobs[t].src = src + (off < n ? off : n);
        jobs[t].n = off < n ? (n - off < per ? n - off : per) : 0;
        jobs[t].cap = jobs[t].n + jobs[t].n / 10 + 65536;
        jobs[t].dst = malloc(jobs[t].cap);
    }
    double best = 1e30;
    for (int r = 0; r < runs; r++) {
        double t0 = now();
        for (int t = 0; t < threads; t++)
            pthread_create(&tid[t], NULL, zstd_slice, &jobs[t]);
        for (int t = 0; t < threads; t++)
            pthread_join(tid[t], NULL);
        double dt = now() - t0;
        if (dt < best) best = dt;
    }
    *out = 0;
    for (int t = 0; t < threads; t++)
        *out += jobs[t].out, free(jobs[t].dst);
    free(jobs);
    free(tid);
    return n / best / 1e9;
}

/* ------------------------------------------------------------ GPU kinds */

typedef struct place_all {
    uint8_t *buf;
    size_t pos, cap;
} place_all;

static uint8_t *place_packed(void *ctx, size_t i, size_t csize) {
    (void)i;
    place_all *p = ctx;
    if (csize > p->cap - p->pos) return NULL;
    uint8_t *d = p->buf + p->pos;
    p->pos += csize;
    return d;
}

static uint8_t kind_tag(uint32_t kind) {
    return kind == S4C_KIND_NVCOMP_ZSTD       ? S4C_FCG1_ZSTD
           : kind == S4C_KIND_NVCOMP_BITCOMP  ? S4C_FCG1_BITCOMP
           : kind == S4C_KIND_NVCOMP_GDEFLATE ? S4C_FCG1_GDEFLATE
                                              : S4C_FCG1_LZ4;
}

static void bench_kind(uint32_t kind, const char *file, const uint8_t *src, size_t n, int runs) {
    s4c_codec *c = NULL;
    s4c_error_detail d;
    if (s4c_codec_create(kind, NULL, &c, &d) != S4C_OK) die(s4c_kind_name(kind), &d);
    size_t cap = s4c_compress_bound(c, n);
    uint8_t *blob = malloc(cap), *back = malloc(n ? n : 1);
    s4c_manifest m;
    double ce = 1e30, de = 1e30, cb = 1e30, db = 1e30, ck = 1e30, dk = 1e30;
    for (int r = 0; r < runs + 1; r++) { /* run 0 warms the session up */
        double t0 = now();
        if (s4c_compress(c, src, n, blob, cap, &m, &d) != S4C_OK) die("compress", &d);
        double t1 = now();
        double k1 = s4c_nvcomp_last_kernel_seconds();
        size_t w = 0;
        if (s4c_decompress(c, &m, blob, (size_t)m.compressed_size, back, n, &w, &d) != S4C_OK)
            die("decompress", &d);
        double t2 = now();
        double k2 = s4c_nvcomp_last_kernel_seconds();
        if (w != n || memcmp(back, src, n)) die("round trip differs", NULL);
        if (r == 0) continue;
        if (t1 - t0 < ce) ce = t1 - t0;
        if (t2 - t1 < de) de = t2 - t1;
        if (k1 < ck) ck = k1;
        if (k2 < dk) dk = k2;
    }
    /* the batch layer alone, on the same chunks */
    s4c_fcg1 f;
    if (s4c_fcg1_parse(blob, (size_t)m.compressed_size, &f, &d) != S4C_OK) die("parse", &d);
    s4c_gpu_chunk *ch = calloc(f.num_chunks ? f.num_chunks : 1, sizeof *ch);
    uint8_t *packed = malloc(cap);
    for (int r = 0; r < runs; r++) {
        for (uint32_t i = 0; i < f.num_chunks; i++) {
            size_t off = (size_t)i * f.chunk_size;
            ch[i].src = src + off;
            ch[i].size = s4c_fcg1_chunk_usize(&f, i);
        }
        place_all pa = {packed, 0, cap};
        double t0 = now();
        if (s4c_nvcomp_compress_chunks(kind_tag(kind), 0, ch, f.num_chunks, place_packed, &pa,
                                       &d) != S4C_OK)
            die("batch compress", &d);
        double t1 = now();
        const uint8_t *p = f.payload;
        for (uint32_t i = 0; i < f.num_chunks; i++) {
            ch[i].src = p;
            ch[i].size = s4c_fcg1_chunk_csize(&f, i);
            ch[i].dst = back + (size_t)i * f.chunk_size;
            ch[i].expect = s4c_fcg1_chunk_usize(&f, i);
            p += ch[i].size;
        }
        double t2 = now();
        if (s4c_nvcomp_decompress_chunks(f.algo, ch, f.num_chunks, &d) != S4C_OK)
            die("batch decompress", &d);
        double t3 = now();
        if (t1 - t0 < cb) cb = t1 - t0;
        if (t3 - t2 < db) db = t3 - t2;
    }
    printf("%-14s %-16s %8.3f %7.2f %7.2f %7.2f %7.2f %7.2f %7.2f %6.1f%% %6.1f%%\n", file,
           s4c_kind_name(kind), (double)n / (double)m.compressed_size, n / ce / 1e9, n / de / 1e9,
           n / cb / 1e9, n / db / 1e9, ck > 0 ? n / ck / 1e9 : 0, dk > 0 ? n / dk / 1e9 : 0,
           100 * (ce / cb - 1), 100 * (de / db - 1));
    free(ch), free(packed), free(blob), free(back);
    s4c_codec_free(c);
}

static void bench_small_objects(const uint8_t *src, size_t n, size_t count, size_t size, int runs) {
    if (n < size) return;
    const void **srcs = calloc(count, sizeof *srcs);
    size_t *sizes = calloc(count, sizeof *sizes), *caps = calloc(count, sizeof *caps);
    void **dsts = calloc(count, sizeof *dsts);
    s4c_manifest *ms = calloc(count, sizeof *ms);
    for (size_t i = 0; i < count; i++) {
        srcs[i] = src + (i * size) % (n - size + 1);
        sizes[i] = size;
    }
    const uint32_t kinds[] = {S4C_KIND_CPU_ZSTD, S4C_KIND_NVCOMP_ZSTD, S4C_KIND_NVCOMP_LZ4};
    printf("\nsmall objects: %zu x %zu bytes\n%-22s %10s %12s %12s\n", count, size, "path", "ms",
           "objects/s", "output B");
    for (size_t k = 0; k < 3; k++) {
        s4c_codec *c = NULL;
        s4c_error_detail d;
        if (s4c_codec_create(kinds[k], NULL, &c, &d) != S4C_OK) die("small", &d);
        size_t cap = s4c_compress_bound(c, size);
        uint8_t *out = malloc(cap * count);
        for (size_t i = 0; i < count; i++)
            dsts[i] = out + i * cap, caps[i] = cap;
        for (int batched = 0; batched < (kinds[k] == S4C_KIND_CPU_ZSTD ? 1 : 2); batched++) {
            double best = 1e30;
            for (int r = 0; r < runs + 1; r++) {
                double t0 = now();
                if (batched) {
                    if (s4c_compress_batch(c, count, srcs, sizes, dsts, caps, ms, &d) != S4C_OK)
                        die("compress_batch", &d);
                } else {
                    for (size_t i = 0; i < count; i++)
                        if (s4c_compress(c, srcs[i], size, dsts[i], cap, &ms[i], &d) != S4C_OK)
                            die("compress", &d);
                }
                double dt = now() - t0;
                if (r && dt < best) best = dt;
            }
            size_t total = 0;
            for (size_t i = 0; i < count; i++)
                total += (size_t)ms[i].compressed_size;
            char label[64];
            snprintf(label, sizeof label, "%s%s", s4c_kind_name(kinds[k]),
                     batched                         ? " batched"
                     : kinds[k] == S4C_KIND_CPU_ZSTD ? "-3"
                                                     : " per object");
            printf("%-22s %10.2f %12.0f %12zu\n", label, best * 1e3, count / best, total);
        }
        free(out);
        s4c_codec_free(c);
    }
    free(srcs), free(sizes), free(caps), free(dsts), free(ms);
}

int main(int argc, char **argv) {
    int runs = 5, opt;
    size_t count = 1000, size = 8192;
    while ((opt = getopt(argc, argv, "r:n:s:")) != -1) {
        if (opt == 'r')
            runs = atoi(optarg);
        else if (opt == 'n')
            count = (size_t)atol(optarg);
        else if (opt == 's')
            size = (size_t)atol(optarg);
        else {
            fprintf(stderr, "usage: gpu_bench [-r RUNS] [-n OBJECTS] [-s SIZE] FILE...\n");
            return 2;
        }
    }
    if (optind >= argc || runs < 1 || count < 1 || size < 1) {
        fprintf(stderr, "usage: gpu_bench [-r RUNS] [-n OBJECTS] [-s SIZE] FILE...\n");
        return 2;
    }
    if (!s4c_gpu_available()) {
        printf("gpu_bench: no GPU, nothing measured: %s\n", s4c_gpu_unavailable_reason());
        return 0;
    }
    int cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) cores = 1;
    printf("%-14s %-16s %8s %7s %7s %7s %7s %7s %7s %7s %7s\n", "file", "codec", "ratio", "e2e.c",
           "e2e.d", "bat.c", "bat.d", "krn.c", "krn.d", "ovh.c", "ovh.d");
    printf("(GB/s of original bytes; ovh = e2e time over batch-layer time - 1)\n");
    uint8_t *last = NULL;
    size_t last_n = 0;
    for (int a = optind; a < argc; a++) {
        size_t n;
        uint8_t *src = read_file(argv[a], &n);
        const char *base = strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a];
        const uint32_t kinds[] = {S4C_KIND_NVCOMP_ZSTD, S4C_KIND_NVCOMP_BITCOMP,
                                  S4C_KIND_NVCOMP_GDEFLATE, S4C_KIND_NVCOMP_LZ4};
        for (size_t k = 0; k < 4; k++)
            bench_kind(kinds[k], base, src, n, runs);
        size_t z1 = 0, zn = 0;
        double g1 = cpu_zstd_gbps(src, n, 1, runs, &z1),
               gn = cpu_zstd_gbps(src, n, cores, runs, &zn);
        printf("%-14s %-16s %8.3f %7.2f %7s   (1 core)\n", base, "cpu-zstd-3", (double)n / z1, g1,
               "");
        printf("%-14s %-16s %8.3f %7.2f %7s   (%d cores)\n", base, "cpu-zstd-3", (double)n / zn, gn,
               "", cores);
        free(last);
        last = src;
        last_n = n;
    }
    bench_small_objects(last, last_n, count, size, runs);
    free(last);
    return 0;
}
