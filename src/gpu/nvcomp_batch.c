/*
 * nvcomp_batch.c — the batched nvCOMP launches behind every nvcomp-* kind.
 *
 * One process-wide session (two CUDA streams, two events, pinned host
 * staging and device buffers that only grow) serves every codec object; a
 * mutex serialises calls. Big batches are cut into groups of chunks that
 * alternate between the two streams, so one group's host<->device copies
 * overlap the other group's kernel; small batches are one launch.
 * nvCOMP entry points are resolved by name with dlsym from the library
 * gpu_runtime.c opened; their C types come from the nvCOMP headers (the PyPI
 * wheel nvidia-libnvcomp-cu13), so a signature change fails the build rather
 * than corrupting a call. Every chunk sits in its own 256-byte-aligned device
 * slot, which satisfies every algorithm's alignment (Bitcomp wants 256 on the
 * host side too, so compressed chunks are staged at 256-aligned offsets).
 *
 * Compress: chunks are packed at a fixed stride into pinned memory, uploaded
 * in one copy, compressed in one launch; the sizes and statuses come back
 * first, then each compressed chunk is copied (async, into pinned staging)
 * and placed by the caller. Decompress: compressed chunks are staged and
 * uploaded in one copy, decoded in one launch, and the outputs come back in
 * one copy with the actual sizes and statuses, each checked against the
 * FCG1 header's expectation.
 */
#include "nvcomp_batch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "fcg1.h"
#include "gpu_runtime.h"
#include "s4codec_gpu.h"

#ifndef S4C_HAVE_NVCOMP

int s4c_gpu_backend_compiled(void) { return 0; }

s4c_status s4c_nvcomp_compress_chunks(uint8_t algo, uint8_t data_type, s4c_gpu_chunk *chunks,
                                      size_t n, s4c_gpu_place_fn place, void *ctx,
                                      s4c_error_detail *d) {
    (void)algo, (void)data_type, (void)chunks, (void)n, (void)place, (void)ctx;
    return s4c_fail(d, S4C_ERROR_CODEC_UNAVAILABLE, "%s", s4c_gpu_reason());
}

s4c_status s4c_nvcomp_decompress_chunks(uint8_t algo, s4c_gpu_chunk *chunks, size_t n,
                                        s4c_error_detail *d) {
    (void)algo, (void)chunks, (void)n;
    return s4c_fail(d, S4C_ERROR_CODEC_UNAVAILABLE, "%s", s4c_gpu_reason());
}

double s4c_nvcomp_last_kernel_seconds(void) { return 0; }

#else /* S4C_HAVE_NVCOMP */

#include <nvcomp/bitcomp.h>
#include <nvcomp/gdeflate.h>
#include <nvcomp/lz4.h>
#include <nvcomp/snappy.h>
#include <nvcomp/zstd.h>

int s4c_gpu_backend_compiled(void) { return 1; }

#define ALIGN256(x) (((x) + 255) & ~(size_t)255)

/* ------------------------------------------------------------ per-algorithm calls */

/* The five calls we make, with the algorithm's option structs built inside. */
typedef struct algo_calls {
    nvcompStatus_t (*max_out)(const void *const *sym, uint8_t dt, size_t chunk, size_t *out);
    nvcompStatus_t (*ctemp)(const void *const *sym, uint8_t dt, size_t n, size_t max_chunk,
                            size_t total, size_t *temp, cudaStream_t s);
    nvcompStatus_t (*compress)(const void *const *sym, uint8_t dt, const void *const *in,
                               const size_t *in_sizes, size_t max_chunk, size_t n, void *temp,
                               size_t temp_bytes, void *const *out, size_t *out_sizes,
                               nvcompStatus_t *statuses, cudaStream_t s);
    nvcompStatus_t (*dtemp)(const void *const *sym, size_t n, size_t max_chunk, size_t total,
                            size_t *temp, cudaStream_t s);
    nvcompStatus_t (*decompress)(const void *const *sym, const void *const *in,
                                 const size_t *in_sizes, const size_t *buf_sizes, size_t *out_sizes,
                                 size_t n, void *temp, size_t temp_bytes, void *const *out,
                                 nvcompStatus_t *statuses, cudaStream_t s);
} algo_calls;

enum { SYM_MAX_OUT, SYM_CTEMP, SYM_COMPRESS, SYM_DTEMP, SYM_DECOMPRESS, SYM_COUNT };

/* FCG1 bitcomp data-type tag -> nvCOMP type (floats and bf16 go bit-exact
 * as unsigned integers of their width: Bitcomp is lossless on integers). */
static nvcompType_t bitcomp_type(uint8_t tag) {
    static const nvcompType_t map[] = {
        NVCOMP_TYPE_CHAR,      NVCOMP_TYPE_UCHAR, NVCOMP_TYPE_USHORT,    NVCOMP_TYPE_UINT,
        NVCOMP_TYPE_ULONGLONG, NVCOMP_TYPE_CHAR,  NVCOMP_TYPE_SHORT,     NVCOMP_TYPE_INT,
        NVCOMP_TYPE_LONGLONG,  NVCOMP_TYPE_UINT,  NVCOMP_TYPE_ULONGLONG, NVCOMP_TYPE_USHORT};
    return tag < sizeof map / sizeof map[0] ? map[tag] : NVCOMP_TYPE_CHAR;
}

/* S4 passes all-zero option structs, except Bitcomp's {algorithm 0, data_type}. */
#define ZERO_COPTS(Name)                                                                           \
    static nvcompBatched##Name##CompressOpts_t Name##_copts(uint8_t dt) {                          \
        nvcompBatched##Name##CompressOpts_t o;                                                     \
        memset(&o, 0, sizeof o);                                                                   \
        (void)dt;                                                                                  \
        return o;                                                                                  \
    }
ZERO_COPTS(Zstd)
ZERO_COPTS(Gdeflate)
ZERO_COPTS(LZ4)
ZERO_COPTS(Snappy)
static nvcompBatchedBitcompCompressOpts_t Bitcomp_copts(uint8_t dt) {
    nvcompBatchedBitcompCompressOpts_t o;
    memset(&o, 0, sizeof o);
    o.algorithm = 0;
    o.data_type = bitcomp_type(dt);
    o.mode = BITCOMP_LOSSLESS;
    return o;
}

#define DEFINE_ALGO(Name)                                                                          \
    typedef nvcompStatus_t (*Name##_max_fn)(size_t, nvcompBatched##Name##CompressOpts_t,           \
                                            size_t *);                                             \
    typedef nvcompStatus_t (*Name##_ctemp_fn)(size_t, size_t, nvcompBatched##Name##CompressOpts_t, \
                                              size_t *, size_t, cudaStream_t);                     \
    typedef nvcompStatus_t (*Name##_comp_fn)(                                                      \
        const void *const *, const size_t *, size_t, size_t, void *, size_t, void *const *,        \
        size_t *, nvcompBatched##Name##CompressOpts_t, nvcompStatus_t *, cudaStream_t);            \
    typedef nvcompStatus_t (*Name##_dtemp_fn)(                                                     \
        size_t, size_t, nvcompBatched##Name##DecompressOpts_t, size_t *, size_t, cudaStream_t);    \
    typedef nvcompStatus_t (*Name##_decomp_fn)(                                                    \
        const void *const *, const size_t *, const size_t *, size_t *, size_t, void *const,        \
        size_t, void *const *, nvcompBatched##Name##DecompressOpts_t, nvcompStatus_t *,            \
        cudaStream_t);                                                                             \
    static nvcompStatus_t Name##_max(const void *const *sym, uint8_t dt, size_t chunk,             \
                                     size_t *out) {                                                \
        Name##_max_fn f;                                                                           \
        memcpy(&f, &sym[SYM_MAX_OUT], sizeof f);                                                   \
        return f(chunk, Name##_copts(dt), out);                                                    \
    }                                                                                              \
    static nvcompStatus_t Name##_ctemp(const void *const *sym, uint8_t dt, size_t n,               \
                                       size_t max_chunk, size_t total, size_t *temp,               \
                                       cudaStream_t s) {                                           \
        Name##_ctemp_fn f;                                                                         \
        memcpy(&f, &sym[SYM_CTEMP], sizeof f);                                                     \
        return f(n, max_chunk, Name##_copts(dt), temp, total, s);                                  \
    }                                                                                              \
    static nvcompStatus_t Name##_compress(                                                         \
        const void *const *sym, uint8_t dt, const void *const *in, const size_t *in_sizes,         \
        size_t max_chunk, size_t n, void *temp, size_t temp_bytes, void *const *out,               \
        size_t *out_sizes, nvcompStatus_t *statuses, cudaStream_t s) {                             \
        Name##_comp_fn f;                                                                          \
        memcpy(&f, &sym[SYM_COMPRESS], sizeof f);                                                  \
        return f(in, in_sizes, max_chunk, n, temp, temp_bytes, out, out_sizes, Name##_copts(dt),   \
                 statuses, s);                                                                     \
    }                                                                                              \
    static nvcompStatus_t Name##_dtemp(const void *const *sym, size_t n, size_t max_chunk,         \
                                       size_t total, size_t *temp, cudaStream_t s) {               \
        Name##_dtemp_fn f;                                                                         \
        memcpy(&f, &sym[SYM_DTEMP], sizeof f);                                                     \
        nvcompBatched##Name##DecompressOpts_t o;                                                   \
        memset(&o, 0, sizeof o);                                                                   \
        return f(n, max_chunk, o, temp, total, s);                                                 \
    }                                                                                              \
    static nvcompStatus_t Name##_decompress(                                                       \
        const void *const *sym, const void *const *in, const size_t *in_sizes,                     \
        const size_t *buf_sizes, size_t *out_sizes, size_t n, void *temp, size_t temp_bytes,       \
        void *const *out, nvcompStatus_t *statuses, cudaStream_t s) {                              \
        Name##_decomp_fn f;                                                                        \
        memcpy(&f, &sym[SYM_DECOMPRESS], sizeof f);                                                \
        nvcompBatched##Name##DecompressOpts_t o;                                                   \
        memset(&o, 0, sizeof o);                                                                   \
        return f(in, in_sizes, buf_sizes, out_sizes, n, temp, temp_bytes, out, o, statuses, s);    \
    }                                                                                              \
    static const algo_calls Name##_calls = {Name##_max, Name##_ctemp, Name##_compress,             \
                                            Name##_dtemp, Name##_decompress};

DEFINE_ALGO(Snappy)
DEFINE_ALGO(LZ4)
DEFINE_ALGO(Zstd)
DEFINE_ALGO(Bitcomp)
DEFINE_ALGO(Gdeflate)

#define SYMS(Name)                                                                                 \
    {                                                                                              \
        "nvcompBatched" #Name "CompressGetMaxOutputChunkSize",                                     \
            "nvcompBatched" #Name "CompressGetTempSize", "nvcompBatched" #Name "CompressAsync",    \
            "nvcompBatched" #Name "DecompressGetTempSize", "nvcompBatched" #Name "DecompressAsync" \
    }

typedef struct algo_entry {
    uint8_t tag;
    const algo_calls *calls;
    const char *syms[SYM_COUNT];
} algo_entry;

/* Indexed by FCG1 tag. */
static const algo_entry algos[] = {
    {0, NULL, {NULL}},
    {S4C_FCG1_SNAPPY, &Snappy_calls, SYMS(Snappy)},
    {S4C_FCG1_LZ4, &LZ4_calls, SYMS(LZ4)},
    {S4C_FCG1_ZSTD, &Zstd_calls, SYMS(Zstd)},
    {S4C_FCG1_BITCOMP, &Bitcomp_calls, SYMS(Bitcomp)},
    {S4C_FCG1_GDEFLATE, &Gdeflate_calls, SYMS(Gdeflate)},
};
#define N_ALGOS (sizeof algos / sizeof algos[0])

/* ------------------------------------------------------------ the session */

/* Large batches are cut into groups of this many chunks (16 MiB of 64 KiB
 * chunks), alternating between two streams, so one group's copies overlap
 * the other's kernel. S4C_GPU_GROUP_CHUNKS overrides it (0: one launch). */
enum { N_STREAMS = 2, GROUP_CHUNKS_DEFAULT = 256 };

static size_t group_chunks(size_t n) {
    const char *e = getenv("S4C_GPU_GROUP_CHUNKS");
    size_t g = GROUP_CHUNKS_DEFAULT;
    if (e && *e) g = (size_t)strtoull(e, NULL, 10);
    return g == 0 || g > n ? (n ? n : 1) : g;
}

typedef struct buffer {
    void *p;
    size_t cap;
} buffer;

typedef struct session {
    int ready;
    const s4c_gpu_runtime *r;
    void *streams[N_STREAMS], *ev_start, *ev_end;
    const void *sym[N_ALGOS][SYM_COUNT];
    int sym_ok[N_ALGOS];
    buffer h_in, h_out, h_meta; /* pinned host */
    buffer d_in, d_out, d_meta; /* device */
    buffer d_temp[N_STREAMS];   /* nvCOMP scratch, one per stream */
    double last_kernel_s;
} session;

static session S;
static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;

static s4c_status cuda_fail(s4c_error_detail *d, const char *what, const char *call, int rc) {
    return s4c_fail(d, S4C_ERROR_BACKEND, "%s: %s: %s", what, call, S.r->rt.GetErrorString(rc));
}

#define CUDA_TRY(what, call, expr)                                                                 \
    do {                                                                                           \
        int cuda_rc_ = (expr);                                                                     \
        if (cuda_rc_ != 0) return cuda_fail(d, what, call, cuda_rc_);                              \
    } while (0)

static s4c_status session_open(const char *what, s4c_error_detail *d) {
    if (S.ready) return S4C_OK;
    S.r = s4c_gpu_runtime_get();
    if (!S.r) return s4c_fail(d, S4C_ERROR_CODEC_UNAVAILABLE, "%s", s4c_gpu_reason());
    for (int k = 0; k < N_STREAMS; k++)
        CUDA_TRY(what, "cudaStreamCreate", S.r->rt.StreamCreate(&S.streams[k]));
    CUDA_TRY(what, "cudaEventCreate", S.r->rt.EventCreate(&S.ev_start));
    CUDA_TRY(what, "cudaEventCreate", S.r->rt.EventCreate(&S.ev_end));
    for (size_t a = 1; a < N_ALGOS; a++) {
        S.sym_ok[a] = 1;
        for (int k = 0; k < SYM_COUNT; k++) {
            S.sym[a][k] = s4c_gpu_nvcomp_symbol(algos[a].syms[k]);
            if (!S.sym[a][k]) S.sym_ok[a] = 0;
        }
    }
    S.ready = 1;
    return S4C_OK;
}

static s4c_status grow(buffer *b, size_t need, int pinned, const char *what, s4c_error_detail *d) {
    if (b->cap >= need) return S4C_OK;
    size_t cap = b->cap ? b->cap : 1 << 20;
    while (cap < need)
        cap *= 2;
    if (b->p) pinned ? S.r->rt.FreeHost(b->p) : S.r->rt.Free(b->p);
    b->p = NULL;
    b->cap = 0;
    if (pinned)
        CUDA_TRY(what, "cudaMallocHost", S.r->rt.MallocHost(&b->p, cap));
    else
        CUDA_TRY(what, "cudaMalloc", S.r->rt.Malloc(&b->p, cap));
    b->cap = cap;
    return S4C_OK;
}

static s4c_status pick_algo(uint8_t algo, const char *what, s4c_error_detail *d) {
    if (algo == 0 || algo >= N_ALGOS)
        return s4c_fail(d, S4C_ERROR_BACKEND, "%s: unknown FCG1 algorithm tag %u", what, algo);
    if (!S.sym_ok[algo])
        return s4c_fail(d, S4C_ERROR_BACKEND, "%s: libnvcomp lacks the batched %s API", what,
                        s4c_fcg1_algo_name(algo));
    return S4C_OK;
}

static s4c_status nv_fail(s4c_error_detail *d, const char *what, const char *call,
                          nvcompStatus_t st) {
    return s4c_fail(d, S4C_ERROR_BACKEND, "%s: %s returned nvcompStatus %d", what, call, (int)st);
}

static void record_kernel_time(void) {
    float ms = 0;
    if (S.r->rt.EventElapsedTime(&ms, S.ev_start, S.ev_end) == 0) S.last_kernel_s = ms / 1e3;
}

/* Metadata block layout (host pinned and device, same offsets): n pointers
 * in, n pointers out, n sizes in, n sizes buffer, n sizes out, n statuses. */
typedef struct meta_layout {
    size_t in_ptrs, out_ptrs, in_sizes, buf_sizes, out_sizes, statuses, total;
} meta_layout;

static meta_layout layout_for(size_t n) {
    meta_layout m;
    size_t p = n * sizeof(void *), z = n * sizeof(size_t);
    m.in_ptrs = 0;
    m.out_ptrs = ALIGN256(m.in_ptrs + p);
    m.in_sizes = ALIGN256(m.out_ptrs + p);
    m.buf_sizes = ALIGN256(m.in_sizes + z);
    m.out_sizes = ALIGN256(m.buf_sizes + z);
    m.statuses = ALIGN256(m.out_sizes + z);
    m.total = ALIGN256(m.statuses + n * sizeof(nvcompStatus_t));
    return m;
}

#define AT(buf, off, type) ((type)((uint8_t *)(buf).p + (off)))

static s4c_status compress_locked(uint8_t algo, uint8_t dt, s4c_gpu_chunk *c, size_t n,
                                  s4c_gpu_place_fn place, void *ctx, char *what,
                                  s4c_error_detail *d) {
    S4C_TRY(session_open(what, d));
    S4C_TRY(pick_algo(algo, what, d));
    const algo_calls *calls = algos[algo].calls;
    const void *const *sym = S.sym[algo];
    size_t max_chunk = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].size > max_chunk) max_chunk = c[i].size;
    size_t max_out = 0;
    nvcompStatus_t st = calls->max_out(sym, dt, max_chunk, &max_out);
    if (st != nvcompSuccess) return nv_fail(d, what, "GetMaxOutputChunkSize", st);
    size_t in_stride = ALIGN256(max_chunk), out_stride = ALIGN256(max_out);
    size_t g = group_chunks(n);
    meta_layout m = layout_for(n);
    S4C_TRY(grow(&S.h_in, n * in_stride, 1, what, d));
    S4C_TRY(grow(&S.d_in, n * in_stride, 0, what, d));
    S4C_TRY(grow(&S.d_out, n * out_stride, 0, what, d));
    S4C_TRY(grow(&S.h_out, n * out_stride, 1, what, d));
    S4C_TRY(grow(&S.h_meta, m.total, 1, what, d));
    S4C_TRY(grow(&S.d_meta, m.total, 0, what, d));
    size_t temp = 0;
    st = calls->ctemp(sym, dt, g, max_chunk, g * max_chunk, &temp, (cudaStream_t)S.streams[0]);
    if (st != nvcompSuccess) return nv_fail(d, what, "CompressGetTempSize", st);
    for (int k = 0; k < N_STREAMS; k++)
        S4C_TRY(grow(&S.d_temp[k], temp ? temp : 1, 0, what, d));

    for (size_t i = 0; i < n; i++) {
        memcpy(AT(S.h_in, i * in_stride, uint8_t *), c[i].src, c[i].size);
        AT(S.h_meta, m.in_ptrs, void **)[i] = AT(S.d_in, i * in_stride, void *);
        AT(S.h_meta, m.out_ptrs, void **)[i] = AT(S.d_out, i * out_stride, void *);
        AT(S.h_meta, m.in_sizes, size_t *)[i] = c[i].size;
    }
    /* the pointer and size arrays first (small), then group by group */
    CUDA_TRY(what, "cudaMemcpyAsync",
             S.r->rt.MemcpyAsync(S.d_meta.p, S.h_meta.p, m.buf_sizes, S4C_CUDA_HOST_TO_DEVICE,
                                 S.streams[0]));
    CUDA_TRY(what, "cudaStreamSynchronize", S.r->rt.StreamSynchronize(S.streams[0]));
    for (size_t g0 = 0, k = 0; g0 < n; g0 += g, k = (k + 1) % N_STREAMS) {
        size_t gn = n - g0 < g ? n - g0 : g;
        void *stream = S.streams[k];
        CUDA_TRY(what, "cudaMemcpyAsync",
                 S.r->rt.MemcpyAsync(AT(S.d_in, g0 * in_stride, void *),
                                     AT(S.h_in, g0 * in_stride, void *), gn * in_stride,
                                     S4C_CUDA_HOST_TO_DEVICE, stream));
        if (g0 == 0) CUDA_TRY(what, "cudaEventRecord", S.r->rt.EventRecord(S.ev_start, stream));
        st = calls->compress(sym, dt, AT(S.d_meta, m.in_ptrs, const void *const *) + g0,
                             AT(S.d_meta, m.in_sizes, const size_t *) + g0, max_chunk, gn,
                             S.d_temp[k].p, temp, AT(S.d_meta, m.out_ptrs, void *const *) + g0,
                             AT(S.d_meta, m.out_sizes, size_t *) + g0,
                             AT(S.d_meta, m.statuses, nvcompStatus_t *) + g0, (cudaStream_t)stream);
        if (st != nvcompSuccess) return nv_fail(d, what, "CompressAsync", st);
        if (g0 + gn == n) CUDA_TRY(what, "cudaEventRecord", S.r->rt.EventRecord(S.ev_end, stream));
        CUDA_TRY(what, "cudaMemcpyAsync",
                 S.r->rt.MemcpyAsync(AT(S.h_meta, m.out_sizes, size_t *) + g0,
                                     AT(S.d_meta, m.out_sizes, size_t *) + g0, gn * sizeof(size_t),
                                     S4C_CUDA_DEVICE_TO_HOST, stream));
        CUDA_TRY(what, "cudaMemcpyAsync",
                 S.r->rt.MemcpyAsync(AT(S.h_meta, m.statuses, nvcompStatus_t *) + g0,
                                     AT(S.d_meta, m.statuses, nvcompStatus_t *) + g0,
                                     gn * sizeof(nvcompStatus_t), S4C_CUDA_DEVICE_TO_HOST, stream));
    }
    for (int k = 0; k < N_STREAMS; k++)
        CUDA_TRY(what, "cudaStreamSynchronize", S.r->rt.StreamSynchronize(S.streams[k]));
    record_kernel_time();

    /* Sizes known: bring each chunk back packed, then hand it to the caller. */
    void *stream = S.streams[0];
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        nvcompStatus_t cs = AT(S.h_meta, m.statuses, nvcompStatus_t *)[i];
        size_t sz = AT(S.h_meta, m.out_sizes, size_t *)[i];
        if (cs != nvcompSuccess)
            return s4c_fail(d, S4C_ERROR_BACKEND, "%s: chunk %zu: nvcompStatus %d", what, i,
                            (int)cs);
        if (sz > out_stride || sz > UINT32_MAX)
            return s4c_fail(d, S4C_ERROR_BACKEND, "%s: chunk %zu: compressed size %zu too large",
                            what, i, sz);
        c[i].out_size = sz;
        CUDA_TRY(what, "cudaMemcpyAsync",
                 S.r->rt.MemcpyAsync(AT(S.h_out, off, void *), AT(S.d_out, i * out_stride, void *),
                                     sz, S4C_CUDA_DEVICE_TO_HOST, stream));
        off += sz;
    }
    CUDA_TRY(what, "cudaStreamSynchronize", S.r->rt.StreamSynchronize(stream));
    off = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t *dst = place(ctx, i, c[i].out_size);
        if (!dst)
            return s4c_fail(d, S4C_ERROR_DST_TOO_SMALL, "%s: destination too small for chunk %zu",
                            what, i);
        memcpy(dst, AT(S.h_out, off, uint8_t *), c[i].out_size);
        off += c[i].out_size;
    }
    return S4C_OK;
}

s4c_status s4c_nvcomp_compress_chunks(uint8_t algo, uint8_t data_type, s4c_gpu_chunk *chunks,
                                      size_t n, s4c_gpu_place_fn place, void *ctx,
                                      s4c_error_detail *d) {
    char what[64];
    const char *nm = s4c_fcg1_algo_name(algo);
    snprintf(what, sizeof what, "nvcomp %s compress", nm ? nm : "?");
    if (n == 0) return S4C_OK;
    pthread_mutex_lock(&session_lock);
    s4c_status st = compress_locked(algo, data_type, chunks, n, place, ctx, what, d);
    pthread_mutex_unlock(&session_lock);
    return st;
}

static s4c_status decompress_locked(uint8_t algo, s4c_gpu_chunk *c, size_t n, const char *what,
                                    s4c_error_detail *d) {
    S4C_TRY(session_open(what, d));
    S4C_TRY(pick_algo(algo, what, d));
    const algo_calls *calls = algos[algo].calls;
    const void *const *sym = S.sym[algo];
    size_t max_chunk = 0, staged = 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i].expect > max_chunk) max_chunk = c[i].expect;
        staged += ALIGN256(c[i].size);
    }
    size_t out_stride = ALIGN256(max_chunk ? max_chunk : 1);
    size_t g = group_chunks(n);
    meta_layout m = layout_for(n);
    S4C_TRY(grow(&S.h_in, staged ? staged : 1, 1, what, d));
    S4C_TRY(grow(&S.d_in, staged ? staged : 1, 0, what, d));
    S4C_TRY(grow(&S.d_out, n * out_stride, 0, what, d));
    S4C_TRY(grow(&S.h_out, n * out_stride, 1, what, d));
    S4C_TRY(grow(&S.h_meta, m.total, 1, what, d));
    S4C_TRY(grow(&S.d_meta, m.total, 0, what, d));
    size_t temp = 0;
    nvcompStatus_t st =
        calls->dtemp(sym, g, max_chunk, g * max_chunk, &temp, (cudaStream_t)S.streams[0]);
    if (st != nvcompSuccess) return nv_fail(d, what, "DecompressGetTempSize", st);
    for (int k = 0; k < N_STREAMS; k++)
        S4C_TRY(grow(&S.d_temp[k], temp ? temp : 1, 0, what, d));

    size_t *in_off = s4c_malloc((n + 1) * sizeof *in_off); /* staging offsets, for the groups */
    if (!in_off) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        in_off[i] = off;
        memcpy(AT(S.h_in, off, uint8_t *), c[i].src, c[i].size);
        AT(S.h_meta, m.in_ptrs, void **)[i] = AT(S.d_in, off, void *);
        AT(S.h_meta, m.out_ptrs, void **)[i] = AT(S.d_out, i * out_stride, void *);
        AT(S.h_meta, m.in_sizes, size_t *)[i] = c[i].size;
        AT(S.h_meta, m.buf_sizes, size_t *)[i] = c[i].expect;
        off += ALIGN256(c[i].size);
    }
    in_off[n] = off;
    s4c_status rc = S4C_OK;
#define DTRY(call, expr)                                                                           \
    do {                                                                                           \
        int cuda_rc_ = (expr);                                                                     \
        if (cuda_rc_ != 0) {                                                                       \
            rc = cuda_fail(d, what, call, cuda_rc_);                                               \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)
    DTRY("cudaMemcpyAsync", S.r->rt.MemcpyAsync(S.d_meta.p, S.h_meta.p, m.out_sizes,
                                                S4C_CUDA_HOST_TO_DEVICE, S.streams[0]));
    DTRY("cudaStreamSynchronize", S.r->rt.StreamSynchronize(S.streams[0]));
    for (size_t g0 = 0, k = 0; g0 < n; g0 += g, k = (k + 1) % N_STREAMS) {
        size_t gn = n - g0 < g ? n - g0 : g;
        void *stream = S.streams[k];
        size_t bytes = in_off[g0 + gn] - in_off[g0];
        if (bytes)
            DTRY("cudaMemcpyAsync",
                 S.r->rt.MemcpyAsync(AT(S.d_in, in_off[g0], void *), AT(S.h_in, in_off[g0], void *),
                                     bytes, S4C_CUDA_HOST_TO_DEVICE, stream));
        if (g0 == 0) DTRY("cudaEventRecord", S.r->rt.EventRecord(S.ev_start, stream));
        st = calls->decompress(sym, AT(S.d_meta, m.in_ptrs, const void *const *) + g0,
                               AT(S.d_meta, m.in_sizes, const size_t *) + g0,
                               AT(S.d_meta, m.buf_sizes, const size_t *) + g0,
                               AT(S.d_meta, m.out_sizes, size_t *) + g0, gn, S.d_temp[k].p, temp,
                               AT(S.d_meta, m.out_ptrs, void *const *) + g0,
                               AT(S.d_meta, m.statuses, nvcompStatus_t *) + g0,
                               (cudaStream_t)stream);
        if (st != nvcompSuccess) {
            rc = nv_fail(d, what, "DecompressAsync", st);
            goto out;
        }
        if (g0 + gn == n) DTRY("cudaEventRecord", S.r->rt.EventRecord(S.ev_end, stream));
        DTRY("cudaMemcpyAsync",
             S.r->rt.MemcpyAsync(AT(S.h_meta, m.out_sizes, size_t *) + g0,
                                 AT(S.d_meta, m.out_sizes, size_t *) + g0, gn * sizeof(size_t),
                                 S4C_CUDA_DEVICE_TO_HOST, stream));
        DTRY("cudaMemcpyAsync",
             S.r->rt.MemcpyAsync(AT(S.h_meta, m.statuses, nvcompStatus_t *) + g0,
                                 AT(S.d_meta, m.statuses, nvcompStatus_t *) + g0,
                                 gn * sizeof(nvcompStatus_t), S4C_CUDA_DEVICE_TO_HOST, stream));
        DTRY("cudaMemcpyAsync",
             S.r->rt.MemcpyAsync(AT(S.h_out, g0 * out_stride, void *),
                                 AT(S.d_out, g0 * out_stride, void *), gn * out_stride,
                                 S4C_CUDA_DEVICE_TO_HOST, stream));
    }
    for (int k = 0; k < N_STREAMS; k++)
        DTRY("cudaStreamSynchronize", S.r->rt.StreamSynchronize(S.streams[k]));
#undef DTRY
    record_kernel_time();
    for (size_t i = 0; i < n; i++) {
        nvcompStatus_t cs = AT(S.h_meta, m.statuses, nvcompStatus_t *)[i];
        size_t got = AT(S.h_meta, m.out_sizes, size_t *)[i];
        if (cs != nvcompSuccess) {
            rc = s4c_fail(d, S4C_ERROR_BACKEND, "%s: chunk %zu: nvcompStatus %d", what, i, (int)cs);
            goto out;
        }
        if (got != c[i].expect) {
            rc = s4c_fail(d, S4C_ERROR_BACKEND,
                          "%s: chunk %zu decoded to %zu bytes, FCG1 header says %zu", what, i, got,
                          c[i].expect);
            goto out;
        }
        memcpy(c[i].dst, AT(S.h_out, i * out_stride, uint8_t *), got);
    }
out:
    s4c_free(in_off);
    return rc;
}

s4c_status s4c_nvcomp_decompress_chunks(uint8_t algo, s4c_gpu_chunk *chunks, size_t n,
                                        s4c_error_detail *d) {
    char what[64];
    const char *nm = s4c_fcg1_algo_name(algo);
    snprintf(what, sizeof what, "nvcomp %s decompress", nm ? nm : "?");
    if (n == 0) return S4C_OK;
    pthread_mutex_lock(&session_lock);
    s4c_status st = decompress_locked(algo, chunks, n, what, d);
    pthread_mutex_unlock(&session_lock);
    return st;
}

double s4c_nvcomp_last_kernel_seconds(void) {
    pthread_mutex_lock(&session_lock);
    double s = S.last_kernel_s;
    pthread_mutex_unlock(&session_lock);
    return s;
}

#endif /* S4C_HAVE_NVCOMP */
