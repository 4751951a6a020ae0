/*
 * harness.c — corpus loading, buffers and the timing loop of s4c_bench.
 *
 * Timing rule: best of N rounds (N = 5 by default; up to 3N for pairs that
 * take under 2 s in all; at least 3 for pairs past the time budget). Each round times both sides of
 * a pair, the order alternating from round to round, so a burst of load from elsewhere on the
 * (shared, 2-core) machine is as likely to hit either side, and the minimum discards it. Operations
 * shorter than min_sample_s are repeated inside one sample; the per-call time is sample / repeats.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

bench_settings bench_cfg = {
    .corpus_dir = "corpus",
    .rounds = 5,
    .min_rounds = 3,
    .pair_budget_s = 20.0,
    .min_sample_s = 0.05,
    .quick = 0,
    .only_file = NULL,
    .only_codec = NULL,
    .object_size = (size_t)1 << 30,
    .range_reads = 200,
#ifdef S4C_BENCH_CLI
    .cli_path = S4C_BENCH_CLI,
#else
    .cli_path = NULL,
#endif
    .tmp_dir = "/tmp",
};

const bench_corpus_file bench_corpus[] = {
    {"linux.tar", 64 * BENCH_MIB},
    {"binaries.bin", 64 * BENCH_MIB},
    {"packages.txt", 64 * BENCH_MIB},
    {"random.bin", 16 * BENCH_MIB},
};
const size_t bench_corpus_count = sizeof(bench_corpus) / sizeof(bench_corpus[0]);

/* ---------------------------------------------------------------- buffers */

void *bench_alloc(size_t size) {
    void *p = NULL;
    if (posix_memalign(&p, 4096, size ? size : 1) != 0) {
        fprintf(stderr, "s4c_bench: cannot allocate %zu bytes\n", size);
        exit(2);
    }
    memset(p, 0x5a, size); /* fault every page in now */
    return p;
}

void bench_free(void *p) { free(p); }

/* ---------------------------------------------------------------- corpus */

bench_input bench_load(const char *name, size_t max_size) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", bench_cfg.corpus_dir, name);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr,
                "s4c_bench: cannot open %s: %s (run bench/run.sh, which builds the corpus)\n", path,
                strerror(errno));
        exit(2);
    }
    bench_input in = {name, malloc(max_size ? max_size : 1), 0};
    if (!in.data) {
        fprintf(stderr, "s4c_bench: out of memory loading %s\n", path);
        exit(2);
    }
    while (in.size < max_size) {
        ssize_t r = read(fd, in.data + in.size, max_size - in.size);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            fprintf(stderr, "s4c_bench: reading %s: %s\n", path, strerror(errno));
            exit(2);
        }
        if (r == 0) break;
        in.size += (size_t)r;
    }
    close(fd);
    if (in.size == 0) {
        fprintf(stderr, "s4c_bench: %s is empty\n", path);
        exit(2);
    }
    return in;
}

void bench_input_free(bench_input *in) {
    free(in->data);
    in->data = NULL;
    in->size = 0;
}

/* ---------------------------------------------------------------- timing */

double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double bench_mbps(size_t bytes, double seconds) {
    return seconds > 0 ? (double)bytes / seconds / 1e6 : 0.0;
}

/* Seconds per call over `reps` calls; negative on failure. */
static double sample(bench_fn fn, void *ctx, long reps) {
    double t0 = bench_now();
    for (long i = 0; i < reps; i++)
        if (fn(ctx) != 0) return -1.0;
    return (bench_now() - t0) / (double)reps;
}

static long calibrate(double once) {
    if (once >= bench_cfg.min_sample_s) return 1;
    if (once <= 0) once = 1e-9;
    long reps = (long)(bench_cfg.min_sample_s / once) + 1;
    return reps < 1 ? 1 : reps;
}

int bench_pair(bench_fn a, void *ctx_a, bench_fn b, void *ctx_b, double *best_a, double *best_b,
               int *rounds_ret) {
    double start = bench_now();
    double once_a = sample(a, ctx_a, 1), once_b = b ? sample(b, ctx_b, 1) : 0.0;
    if (once_a < 0 || once_b < 0) return -1;
    long reps_a = calibrate(once_a), reps_b = b ? calibrate(once_b) : 0;
    double ba = 1e300, bb = 1e300;
    int r = 0;
    /* N rounds; cheap pairs go on to 3N while they stay under 2 s in total
     * (more chances to catch a quiet moment); expensive pairs stop early,
     * after min_rounds, once they pass the budget. */
    for (;;) {
        double spent = bench_now() - start;
        if (r >= bench_cfg.rounds && (r >= 3 * bench_cfg.rounds || spent > 2.0)) break;
        if (r >= bench_cfg.min_rounds && spent > bench_cfg.pair_budget_s) break;
        for (int side = 0; side < 2; side++) {
            int first_a = (r % 2) == 0;
            int do_a = (side == 0) == first_a;
            if (do_a) {
                double t = sample(a, ctx_a, reps_a);
                if (t < 0) return -1;
                if (t < ba) ba = t;
            } else if (b) {
                double t = sample(b, ctx_b, reps_b);
                if (t < 0) return -1;
                if (t < bb) bb = t;
            }
        }
        r++;
    }
    *best_a = ba;
    if (best_b) *best_b = b ? bb : 0.0;
    if (rounds_ret) *rounds_ret = r;
    return 0;
}

/* ---------------------------------------------------------------- jobs */

static size_t job_record_count(size_t size, size_t record_size) {
    if (record_size == 0 || size == 0) return 1;
    return (size + record_size - 1) / record_size;
}

size_t bench_job_comp_bound(bench_codec *codec, size_t size, size_t record_size) {
    size_t n = job_record_count(size, record_size);
    if (n == 1) return codec->bound(codec->state, size);
    return n * codec->bound(codec->state, record_size);
}

void bench_job_init(bench_job *j, bench_codec *codec, const uint8_t *src, size_t size,
                    size_t record_size, uint8_t *comp, size_t comp_cap, uint8_t *out,
                    size_t out_cap) {
    memset(j, 0, sizeof(*j));
    j->codec = codec;
    j->src = src;
    j->size = size;
    j->record_size = record_size;
    j->nrecs = job_record_count(size, record_size);
    j->recs = calloc(j->nrecs, sizeof(bench_record));
    if (!j->recs) {
        fprintf(stderr, "s4c_bench: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < j->nrecs; i++) {
        size_t off = record_size ? i * record_size : 0;
        j->recs[i].raw_off = off;
        j->recs[i].raw_size = record_size && size - off > record_size ? record_size : size - off;
    }
    j->comp = comp;
    j->comp_cap = comp_cap;
    j->out = out;
    j->out_cap = out_cap;
}

void bench_job_free(bench_job *j) {
    free(j->recs);
    j->recs = NULL;
}

int bench_job_compress(void *job) {
    bench_job *j = job;
    size_t pos = 0;
    for (size_t i = 0; i < j->nrecs; i++) {
        bench_record *r = &j->recs[i];
        r->comp_off = pos;
        if (j->codec->compress(j->codec->state, j->src + r->raw_off, r->raw_size, j->comp + pos,
                               j->comp_cap - pos, r) != 0)
            return -1;
        pos += r->comp_size;
    }
    j->comp_total = pos;
    return 0;
}

int bench_job_decompress(void *job) {
    bench_job *j = job;
    for (size_t i = 0; i < j->nrecs; i++) {
        const bench_record *r = &j->recs[i];
        if (j->codec->decompress(j->codec->state, j->comp + r->comp_off, r, j->out + r->raw_off,
                                 j->out_cap - r->raw_off) != 0)
            return -1;
    }
    return 0;
}

int bench_job_verify(const bench_job *j) { return memcmp(j->out, j->src, j->size) == 0 ? 0 : -1; }

void bench_codec_free(bench_codec *c) {
    if (c && c->destroy) c->destroy(c->state);
    if (c) c->state = NULL;
}

/* ---------------------------------------------------------------- output */

const char *bench_verdict(double value, double target) { return value >= target ? "PASS" : "MISS"; }

const char *bench_size_name(size_t size, char *buf, size_t buf_size) {
    if (size % BENCH_MIB == 0)
        snprintf(buf, buf_size, "%zu MiB", size / BENCH_MIB);
    else if (size >= BENCH_MIB)
        snprintf(buf, buf_size, "%.1f MiB", (double)size / (double)BENCH_MIB);
    else
        snprintf(buf, buf_size, "%zu KiB", size >> 10);
    return buf;
}
