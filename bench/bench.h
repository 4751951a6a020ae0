/*
 * bench.h — shared pieces of the s4c_bench program.
 *
 * The benchmark compares our public API with the raw libraries it is built
 * on, measured in the same process, interleaved round by round so that noise
 * from other work on the machine hits both sides alike. Every codec, ours or
 * a peer, is wrapped in the same small adapter (bench_codec) so one timing
 * loop serves every table. Nothing here asserts a time: targets are printed
 * as PASS/MISS for the reader.
 */
#ifndef S4C_BENCH_H
#define S4C_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "s4codec.h"
#include "s4codec_stream.h"

#define BENCH_MIB ((size_t)1 << 20)

/* ---------------------------------------------------------------- settings */

typedef struct bench_settings {
    const char *corpus_dir;
    int rounds;             /* best of this many rounds per figure */
    int min_rounds;         /* never fewer, even past the time budget */
    double pair_budget_s;   /* stop adding rounds once a pair has used this long */
    double min_sample_s;    /* small inputs: repeat the call until a sample lasts this long */
    int quick;              /* 1 MiB inputs only (a smoke run) */
    const char *only_file;  /* restrict the codec table to one corpus file, or NULL */
    const char *only_codec; /* restrict the codec table to one codec label, or NULL */
    size_t object_size;     /* table 5: bytes of the object (1 GiB; --quick 32 MiB) */
    int range_reads;        /* table 5: range reads per path (200; --quick 20) */
    const char *cli_path;   /* table 5: the s4codec binary, or NULL (no CLI line) */
    const char *tmp_dir;    /* table 5: where the body and sidecar are written */
} bench_settings;

extern bench_settings bench_cfg;

/* ---------------------------------------------------------------- corpus */

typedef struct bench_input {
    const char *file; /* corpus file name */
    uint8_t *data;    /* the first `size` bytes of the file */
    size_t size;      /* min(requested, file size) */
} bench_input;

/* Loads the first `max_size` bytes of corpus file `name`; exits on failure. */
bench_input bench_load(const char *name, size_t max_size);
void bench_input_free(bench_input *in);

/* The corpus files and the large-input size the tables use for each. */
typedef struct bench_corpus_file {
    const char *name;
    size_t large_size;
} bench_corpus_file;
extern const bench_corpus_file bench_corpus[];
extern const size_t bench_corpus_count;

/* ---------------------------------------------------------------- timing */

typedef int (*bench_fn)(void *ctx); /* one operation; 0 on success */

double bench_now(void);

/*
 * Times `a` and `b` (b may be NULL) on the same input: a warm-up call of each,
 * then rounds alternating which goes first; small operations are repeated
 * inside a sample until it lasts bench_cfg.min_sample_s. Returns 0 and the
 * best per-call seconds of each in *best_a / *best_b, the rounds run in
 * *rounds_ret; -1 if an operation failed.
 */
int bench_pair(bench_fn a, void *ctx_a, bench_fn b, void *ctx_b, double *best_a, double *best_b,
               int *rounds_ret);

/* Megabytes (10^6 bytes) per second. */
double bench_mbps(size_t bytes, double seconds);

/* ---------------------------------------------------------------- buffers */

/* Page-aligned, pre-faulted allocation (so timings never include first-touch
 * page faults); exits on failure. */
void *bench_alloc(size_t size);
void bench_free(void *p);

/* ---------------------------------------------------------------- codecs */

/*
 * One compressed record: an input of `raw_size` bytes at `raw_off` in the
 * input, `comp_size` bytes at `comp_off` in the compressed buffer, and our
 * manifest (unused by the raw peers).
 */
typedef struct bench_record {
    size_t raw_off, raw_size;
    size_t comp_off, comp_size;
    s4c_manifest manifest;
} bench_record;

typedef struct bench_codec bench_codec;
struct bench_codec {
    char label[48]; /* "s4c cpu-zstd", "libzstd", ... */
    void *state;
    size_t (*bound)(void *state, size_t n);
    /* Compresses src[0..n) into dst; fills rec->comp_size (and rec->manifest). */
    int (*compress)(void *state, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                    bench_record *rec);
    /* Decompresses rec->comp_size bytes of src into exactly rec->raw_size bytes. */
    int (*decompress)(void *state, const uint8_t *src, const bench_record *rec, uint8_t *dst,
                      size_t cap);
    void (*destroy)(void *state);
};

/* What a codec table row asks for. `dict` is used by the dictionary kinds. */
typedef struct bench_codec_spec {
    uint32_t kind; /* s4c kind the row is about */
    int level;
    const void *dict;
    size_t dict_size;
} bench_codec_spec;

/* Our library through s4c_compress / s4c_decompress (CRC32C and manifest
 * checks included). Returns the s4c status; on error `why` is filled. */
s4c_status bench_codec_ours(const bench_codec_spec *spec, bench_codec *out, char *why,
                            size_t why_size);

/* The raw libraries, each called in its most natural fast way. */
int bench_codec_zstd(int level, bench_codec *out);
int bench_codec_zstd_dict(int level, const void *dict, size_t dict_size, bench_codec *out);
int bench_codec_lz4f(int level, bench_codec *out);
int bench_codec_libdeflate(int level, bench_codec *out);
int bench_codec_isal(int isal_level, bench_codec *out);
int bench_codec_zlib(int level, bench_codec *out);
/* libdeflate_gzip_compress at `level` + isal_inflate: cpu-gzip's backend split. */
int bench_codec_libdeflate_isal(int level, bench_codec *out);

void bench_codec_free(bench_codec *c);

/*
 * A compress/decompress job over one input, split into records of
 * `record_size` bytes (0: one record), for bench_pair.
 */
typedef struct bench_job {
    bench_codec *codec;
    const uint8_t *src;
    size_t size;
    size_t record_size;
    bench_record *recs;
    size_t nrecs;
    uint8_t *comp;
    size_t comp_cap;
    uint8_t *out;
    size_t out_cap;
    size_t comp_total; /* after a compress: sum of record sizes */
} bench_job;

/* Sets up a job; buffers are supplied by the caller (comp_cap from
 * bench_job_comp_bound, out_cap >= size). */
void bench_job_init(bench_job *j, bench_codec *codec, const uint8_t *src, size_t size,
                    size_t record_size, uint8_t *comp, size_t comp_cap, uint8_t *out,
                    size_t out_cap);
size_t bench_job_comp_bound(bench_codec *codec, size_t size, size_t record_size);
void bench_job_free(bench_job *j);
int bench_job_compress(void *job);   /* bench_fn */
int bench_job_decompress(void *job); /* bench_fn */
/* 0 when the decompressed buffer equals the input. */
int bench_job_verify(const bench_job *j);

/* ---------------------------------------------------------------- dictionary */

#define BENCH_DICT_RECORD 4096          /* cpu-zstd-dict record size */
#define BENCH_DICT_CAPACITY (16 * 1024) /* trained dictionary size */

/* Trains the cpu-zstd-dict dictionary on samples of `in`; -1 with `why` on failure. */
int bench_train_dict(const bench_input *in, uint8_t *dict, size_t *dict_size, char *why,
                     size_t why_size);

/* ---------------------------------------------------------------- output */

/* PASS/MISS for a "value >= target" line. */
const char *bench_verdict(double value, double target);
/* Human size: "1 MiB", "64 MiB", "50.2 MiB". */
const char *bench_size_name(size_t size, char *buf, size_t buf_size);

/* ---------------------------------------------------------------- tables */

void bench_table_codecs(void);
void bench_table_gzip_zlib(void);
void bench_table_crc32c(void);
void bench_table_streaming(void);
/* S4 objects (issue 5); returns non-zero when a check (identical bodies,
 * decoded bytes) failed. */
int bench_table_objects(void);
/* Resumable decoding and checkpoint indexes (issue 4); non-zero when a
 * decoded byte or a read differed. Input size: S4C_BENCH_RESUME_SIZE (MiB). */
int bench_table_resume(void);

#endif /* S4C_BENCH_H */
