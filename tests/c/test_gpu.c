/*
 * test_gpu.c — the GPU codec kinds (src/gpu/): FCG1 golden vectors and every
 * container check, S4's nvcomp check order, the run-time loader's "no GPU"
 * path, CPU fallback decoding of nvcomp-lz4 / nvcomp-zstd from hand-built
 * FCG1 blobs, and the batch API. Runs everywhere; the part that needs a
 * device (round trips through nvCOMP, GPU -> CPU cross-decode, batches in
 * one launch) runs only when s4c_gpu_available() and says so otherwise.
 */
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <zstd.h>

#include "check.h"
#include "gpu/fcg1.h"
#include "s4codec_gpu.h"
#include "s4codec_stream.h"

/* "helloworld" as two 5-byte chunks of literal-only LZ4 blocks, FCG1 lz4. */
static const uint8_t golden_lz4[] = {
    'F',  'C', 'G', '1', 2,   0,   0, 0, /* magic, tag lz4, reserved */
    10,   0,   0,   0,   0,   0,   0, 0, /* orig_size 10 */
    5,    0,   0,   0,                   /* chunk_size 5 */
    2,    0,   0,   0,                   /* num_chunks 2 */
    6,    0,   0,   0,   6,   0,   0, 0, /* chunk sizes */
    0x50, 'h', 'e', 'l', 'l', 'o',       /* token: 5 literals */
    0x50, 'w', 'o', 'r', 'l', 'd'};

/* "hello" as one raw-block zstd frame, FCG1 zstd, chunk_size 65536. */
static const uint8_t golden_zstd[] = {
    'F',  'C',  'G',  '1',  3,    0,    0,    0,    5,    0,   0,   0,   0,   0,
    0,    0,    0,    0,    1,    0,    1,    0,    0,    0,   14,  0,   0,   0,
    0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0x29, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o'};

/* Empty input: the header alone (S4's encoding of b""). */
static const uint8_t golden_empty_zstd[] = {'F', 'C', 'G', '1', 3, 0, 0, 0, 0, 0, 0, 0,
                                            0,   0,   0,   0,   0, 0, 1, 0, 0, 0, 0, 0};

static s4c_manifest manifest_for(uint32_t kind, const void *orig, size_t n, size_t payload) {
    s4c_manifest m = {kind, n, payload, s4c_crc32c(0, orig, n)};
    return m;
}

static void test_parse_golden(void) {
    s4c_fcg1 f;
    s4c_error_detail d;
    CHECK_OK(s4c_fcg1_parse(golden_lz4, sizeof golden_lz4, &f, &d));
    CHECK_EQ_U64(f.algo, S4C_FCG1_LZ4);
    CHECK_EQ_U64(f.orig_size, 10);
    CHECK_EQ_U64(f.chunk_size, 5);
    CHECK_EQ_U64(f.num_chunks, 2);
    CHECK_EQ_U64(s4c_fcg1_chunk_csize(&f, 1), 6);
    CHECK_EQ_U64(s4c_fcg1_chunk_usize(&f, 1), 5);
    CHECK_EQ_U64(f.payload_size, 12);
    CHECK(f.payload == golden_lz4 + 32);
    CHECK_OK(s4c_fcg1_parse(golden_zstd, sizeof golden_zstd, &f, &d));
    CHECK_EQ_U64(f.algo, S4C_FCG1_ZSTD);
    CHECK_EQ_U64(f.chunk_size, 65536);
    CHECK_OK(s4c_fcg1_parse(golden_empty_zstd, sizeof golden_empty_zstd, &f, &d));
    CHECK_EQ_U64(f.num_chunks, 0);
    CHECK(strcmp(s4c_fcg1_algo_name(5), "gdeflate") == 0);
    CHECK(s4c_fcg1_algo_name(6) == NULL);

    /* the writer reproduces the golden headers byte for byte */
    uint8_t out[64];
    uint32_t sizes[2] = {6, 6};
    CHECK_EQ_U64(s4c_fcg1_write_header(out, sizeof out, 2, 0, 10, 5, 2, sizes), 32);
    CHECK_MEM_EQ(out, golden_lz4, 32);
    CHECK_EQ_U64(s4c_fcg1_write_header(out, sizeof out, 3, 7, 0, 65536, 0, NULL), 24);
    CHECK_MEM_EQ(out, golden_empty_zstd, 24); /* data type only for bitcomp */
    CHECK_EQ_U64(s4c_fcg1_write_header(out, sizeof out, 4, 3, 0, 65536, 0, NULL), 24);
    CHECK_EQ_U64(out[4], 4);
    CHECK_EQ_U64(out[5], 3);
    CHECK_EQ_U64(s4c_fcg1_write_header(out, 31, 2, 0, 10, 5, 2, sizes), 0);
    /* S4's per-chunk bounds */
    CHECK_EQ_U64(s4c_fcg1_chunk_bound(65536, S4C_FCG1_ZSTD), 65536 + 327 + 64);
    CHECK_EQ_U64(s4c_fcg1_chunk_bound(65536, S4C_FCG1_BITCOMP), 65536 + 1024 + 64);
    CHECK_EQ_U64(s4c_fcg1_bound(0, 65536, S4C_FCG1_ZSTD), 24);
}

/* Parses a modified copy of golden_lz4 and expects a failure naming `what`. */
static void expect_reject(const uint8_t *blob, size_t n, const char *what) {
    s4c_fcg1 f;
    s4c_error_detail d;
    CHECK_STATUS(s4c_fcg1_parse(blob, n, &f, &d), S4C_ERROR_BACKEND);
    CHECK_STR_CONTAINS(d.message, what);
}

static void test_container_checks(void) {
    uint8_t b[sizeof golden_lz4 + 8];
    memcpy(b, golden_lz4, sizeof golden_lz4);
    expect_reject(b, 23, "shorter than the 24-byte header");
    expect_reject(b, 0, "blob is 0 bytes");
    b[3] = '2';
    expect_reject(b, sizeof golden_lz4, "bad magic");
    b[3] = '1';
    const uint8_t bad_tags[] = {0, 6, 255};
    for (size_t i = 0; i < sizeof bad_tags; i++) {
        b[4] = bad_tags[i];
        expect_reject(b, sizeof golden_lz4, "unknown algorithm tag");
    }
    b[4] = S4C_FCG1_BITCOMP;
    b[5] = 12;
    expect_reject(b, sizeof golden_lz4, "unknown bitcomp data type tag 12");
    b[5] = 11; /* bf16: the last known tag */
    s4c_fcg1 f;
    CHECK_OK(s4c_fcg1_parse(b, sizeof golden_lz4, &f, NULL));
    b[4] = 2;
    b[5] = 0;
    s4c_store_le32(b + 16, 0);
    expect_reject(b, sizeof golden_lz4, "chunk_size 0 outside");
    s4c_store_le32(b + 16, S4C_FCG1_CHUNK_MAX + 1);
    expect_reject(b, sizeof golden_lz4, "outside 1..16777216");
    s4c_store_le32(b + 16, 4); /* 2 chunks of 4 cannot hold 10 bytes */
    expect_reject(b, sizeof golden_lz4, "do not cover orig_size 10");
    s4c_store_le32(b + 16, 10); /* 2 chunks of 10: the second would be empty */
    expect_reject(b, sizeof golden_lz4, "do not cover");
    s4c_store_le32(b + 16, 5);
    expect_reject(b, 28, "size table of 2 chunks runs past");
    expect_reject(b, sizeof golden_lz4 - 1, "payloads total 12 bytes, only 11");
    s4c_store_le32(b + 24, 0xFFFFFFFFu); /* sums are 64-bit: no wrap */
    s4c_store_le32(b + 28, 0xFFFFFFFFu);
    expect_reject(b, sizeof golden_lz4, "payloads total 8589934590 bytes");
    s4c_store_le32(b + 24, 6);
    s4c_store_le32(b + 28, 6);
    /* trailing bytes after the payload are ignored */
    memset(b + sizeof golden_lz4, 0xAA, 8);
    CHECK_OK(s4c_fcg1_parse(b, sizeof b, &f, NULL));
    CHECK_EQ_U64(f.payload_size, 12);
    /* num_chunks 0 parses whatever orig_size says (S4: empty output) */
    uint8_t e[24];
    memcpy(e, golden_empty_zstd, 24);
    s4c_store_le64(e + 8, 5);
    s4c_store_le32(e + 16, 0);
    CHECK_OK(s4c_fcg1_parse(e, 24, &f, NULL));
}

static void test_loader_without_gpu(void) {
    const char *why = s4c_gpu_unavailable_reason();
    CHECK(why != NULL);
    if (s4c_gpu_available()) {
        CHECK(why[0] == '\0');
        return;
    }
    printf("test_gpu: no GPU: %s\n", why);
    CHECK(why[0] != '\0');
    CHECK(strstr(why, "libcudart not found") || strstr(why, "libnvcomp not found") ||
          strstr(why, "no CUDA device") || strstr(why, "without nvCOMP headers") ||
          strstr(why, "S4C_GPU_DISABLE") || strstr(why, "libcudart lacks"));
    s4c_codec *c = NULL;
    s4c_error_detail d;
    /* GPU-only kinds refuse with the reason */
    CHECK_STATUS(s4c_codec_create(S4C_KIND_NVCOMP_BITCOMP, NULL, &c, &d),
                 S4C_ERROR_CODEC_UNAVAILABLE);
    CHECK(c == NULL);
    CHECK_STR_CONTAINS(d.message, "codec NvcompBitcomp is not available: ");
    CHECK_STR_CONTAINS(d.message, why);
    CHECK_STR_CONTAINS(d.message, "needs a GPU");
    CHECK_STATUS(s4c_codec_create(S4C_KIND_NVCOMP_GDEFLATE, NULL, &c, &d),
                 S4C_ERROR_CODEC_UNAVAILABLE);
    CHECK_STR_CONTAINS(d.message, "NvcompGDeflate");
    CHECK(!s4c_kind_available(S4C_KIND_NVCOMP_LZ4));
    CHECK(!s4c_kind_available(S4C_KIND_NVCOMP_ZSTD));
    /* fallback kinds are decode-only: compress names the reason */
    uint32_t kinds[] = {S4C_KIND_NVCOMP_LZ4, S4C_KIND_NVCOMP_ZSTD};
    for (int i = 0; i < 2; i++) {
        CHECK_OK(s4c_codec_create(kinds[i], NULL, &c, &d));
        uint8_t out[128];
        s4c_manifest m;
        CHECK_STATUS(s4c_compress(c, "abc", 3, out, sizeof out, &m, &d),
                     S4C_ERROR_CODEC_UNAVAILABLE);
        CHECK_STR_CONTAINS(d.message, "cannot compress: ");
        CHECK_STR_CONTAINS(d.message, why);
        const void *srcs[1] = {"abc"};
        size_t sizes[1] = {3}, caps[1] = {sizeof out};
        void *dsts[1] = {out};
        CHECK_STATUS(s4c_compress_batch(c, 1, srcs, sizes, dsts, caps, &m, &d),
                     S4C_ERROR_CODEC_UNAVAILABLE);
        CHECK_STR_CONTAINS(d.message, "object 0: ");
        s4c_codec_free(c);
    }
    /* a GPU-only FCG1 algorithm inside a fallback kind's frame */
    uint8_t b[sizeof golden_lz4];
    memcpy(b, golden_lz4, sizeof b);
    b[4] = S4C_FCG1_GDEFLATE;
    CHECK_OK(s4c_codec_create(S4C_KIND_NVCOMP_LZ4, NULL, &c, &d));
    s4c_manifest m = manifest_for(S4C_KIND_NVCOMP_LZ4, "helloworld", 10, sizeof b);
    uint8_t out[16];
    CHECK_STATUS(s4c_decompress(c, &m, b, sizeof b, out, sizeof out, NULL, &d),
                 S4C_ERROR_CODEC_UNAVAILABLE);
    CHECK_STR_CONTAINS(d.message, "FCG1 algorithm gdeflate needs a GPU");
    s4c_codec_free(c);
    /* bad data type option */
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.gpu_data_type = 3;
    CHECK_STATUS(s4c_codec_create(S4C_KIND_NVCOMP_LZ4, &o, &c, &d), S4C_ERROR_INVALID_ARGUMENT);
    o.gpu_data_type = 12;
    CHECK_STATUS(s4c_codec_create(S4C_KIND_NVCOMP_BITCOMP, &o, &c, &d), S4C_ERROR_INVALID_ARGUMENT);
}

/* Decodes golden blobs through s4c_decompress (CPU without a GPU, else GPU). */
static void test_decode_golden(void) {
    s4c_codec *c = NULL;
    s4c_error_detail d;
    uint8_t out[64];
    size_t w = 0;
    CHECK_OK(s4c_codec_create(S4C_KIND_NVCOMP_LZ4, NULL, &c, &d));
    s4c_manifest m = manifest_for(S4C_KIND_NVCOMP_LZ4, "helloworld", 10, sizeof golden_lz4);
    CHECK_OK(s4c_decompress(c, &m, golden_lz4, sizeof golden_lz4, out, sizeof out, &w, &d));
    CHECK_EQ_U64(w, 10);
    CHECK_MEM_EQ(out, "helloworld", 10);
    /* the algorithm comes from the FCG1 header, not the kind */
    s4c_manifest mz = manifest_for(S4C_KIND_NVCOMP_LZ4, "hello", 5, sizeof golden_zstd);
    CHECK_OK(s4c_decompress(c, &mz, golden_zstd, sizeof golden_zstd, out, sizeof out, &w, &d));
    CHECK_MEM_EQ(out, "hello", 5);

    /* S4's nvcomp order: codec first */
    s4c_manifest bad = m;
    bad.codec = S4C_KIND_CPU_ZSTD;
    CHECK_STATUS(s4c_decompress(c, &bad, golden_lz4, sizeof golden_lz4, out, sizeof out, &w, &d),
                 S4C_ERROR_CODEC_MISMATCH);
    CHECK_STR_CONTAINS(d.message, "codec mismatch: expected NvcompLz4, got CpuZstd");
    /* then the validator: limit, then compressed size */
    bad = m;
    bad.original_size = S4C_MAX_DECOMPRESSED_BYTES + 1;
    bad.compressed_size = 1;
    CHECK_STATUS(s4c_decompress(c, &bad, golden_lz4, sizeof golden_lz4, out, sizeof out, &w, &d),
                 S4C_ERROR_MANIFEST_SIZE_EXCEEDS_LIMIT);
    bad = m;
    bad.compressed_size = 1;
    CHECK_STATUS(s4c_decompress(c, &bad, golden_lz4, sizeof golden_lz4, out, sizeof out, &w, &d),
                 S4C_ERROR_MANIFEST_SIZE_MISMATCH);
    /* then decode errors: Backend with S4's prefix */
    CHECK_STATUS(s4c_decompress(c, &m, golden_lz4, sizeof golden_lz4, out, 10, &w, &d), S4C_OK);
    uint8_t trunc[30];
    memcpy(trunc, golden_lz4, sizeof trunc);
    s4c_manifest mt = m;
    mt.compressed_size = sizeof trunc;
    CHECK_STATUS(s4c_decompress(c, &mt, trunc, sizeof trunc, out, sizeof out, &w, &d),
                 S4C_ERROR_BACKEND);
    CHECK_STR_CONTAINS(d.message, "compression backend error: nvcomp lz4 decompress: FCG1: ");
    CHECK_EQ_U64(d.cause_offset, strlen("compression backend error: "));
    /* a corrupt chunk: the LZ4 block claims 6 literals */
    uint8_t cor[sizeof golden_lz4];
    memcpy(cor, golden_lz4, sizeof cor);
    cor[32] = 0x60;
    CHECK_STATUS(s4c_decompress(c, &m, cor, sizeof cor, out, sizeof out, &w, &d),
                 S4C_ERROR_BACKEND);
    CHECK_STR_CONTAINS(d.message, "nvcomp lz4 decompress: chunk 0");
    /* then the length: the FCG1 header's orig_size against the manifest */
    s4c_manifest ms = m;
    ms.original_size = 9;
    CHECK_STATUS(s4c_decompress(c, &ms, golden_lz4, sizeof golden_lz4, out, sizeof out, &w, &d),
                 S4C_ERROR_SIZE_MISMATCH);
    CHECK_STR_CONTAINS(d.message, "manifest says 9 bytes, payload is 10 bytes");
    ms.original_size = 11;
    CHECK_STATUS(s4c_decompress(c, &ms, golden_lz4, sizeof golden_lz4, out, sizeof out, &w, &d),
                 S4C_ERROR_SIZE_MISMATCH);
    CHECK_STR_CONTAINS(d.message, "manifest says 11 bytes, payload is 10 bytes");
    /* then the CRC of the output */
    s4c_manifest mc = m;
    mc.crc32c ^= 1;
    CHECK_STATUS(s4c_decompress(c, &mc, golden_lz4, sizeof golden_lz4, out, sizeof out, &w, &d),
                 S4C_ERROR_CRC_MISMATCH);
    CHECK_STR_CONTAINS(d.message, "crc32c mismatch (chunk corruption?)");
    s4c_codec_free(c);

    /* empty: header only, decodes to nothing; num_chunks 0 with orig_size 5 is
     * an empty output and then S4's SizeMismatch */
    CHECK_OK(s4c_codec_create(S4C_KIND_NVCOMP_ZSTD, NULL, &c, &d));
    s4c_manifest me = manifest_for(S4C_KIND_NVCOMP_ZSTD, "", 0, 24);
    CHECK_OK(s4c_decompress(c, &me, golden_empty_zstd, 24, out, sizeof out, &w, &d));
    CHECK_EQ_U64(w, 0);
    uint8_t e5[24];
    memcpy(e5, golden_empty_zstd, 24);
    s4c_store_le64(e5 + 8, 5);
    me = manifest_for(S4C_KIND_NVCOMP_ZSTD, "hello", 5, 24);
    CHECK_STATUS(s4c_decompress(c, &me, e5, 24, out, sizeof out, &w, &d), S4C_ERROR_SIZE_MISMATCH);
    CHECK_STR_CONTAINS(d.message, "manifest says 5 bytes, payload is 0 bytes");
    s4c_manifest m2 = manifest_for(S4C_KIND_NVCOMP_ZSTD, "hello", 5, sizeof golden_zstd);
    CHECK_OK(s4c_decompress(c, &m2, golden_zstd, sizeof golden_zstd, out, sizeof out, &w, &d));
    CHECK_MEM_EQ(out, "hello", 5);
    s4c_codec_free(c);
}

/* Builds an FCG1 blob from per-chunk LZ4 blocks or zstd frames (what nvCOMP's
 * batched lz4 / zstd emit), as a CPU reference encoder would. */
static size_t build_fcg1(uint8_t algo, const uint8_t *src, size_t n, uint32_t chunk, uint8_t *dst,
                         size_t cap) {
    uint32_t k = (uint32_t)s4c_fcg1_chunk_count(n, chunk);
    size_t pos = s4c_fcg1_write_header(dst, cap, algo, 0, n, chunk, k, NULL);
    for (uint32_t i = 0; i < k; i++) {
        size_t off = (size_t)i * chunk, len = n - off < chunk ? n - off : chunk;
        size_t c;
        if (algo == S4C_FCG1_LZ4)
            c = (size_t)LZ4_compress_default((const char *)src + off, (char *)dst + pos, (int)len,
                                             (int)(cap - pos));
        else
            c = ZSTD_compress(dst + pos, cap - pos, src + off, len, 3);
        s4c_fcg1_set_chunk_size(dst, i, (uint32_t)c);
        pos += c;
    }
    return pos;
}

static uint8_t *make_data(size_t n, unsigned seed) {
    uint8_t *p = malloc(n ? n : 1);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (i % 97 < 60) ? (uint8_t)("the quick brown fox "[i % 20]) : (uint8_t)(x >> 24);
    }
    return p;
}

static void test_cpu_fallback_round_trip(void) {
    const size_t sizes[] = {1, 65535, 65536, 65537, 200000, 3 * 65536};
    const uint8_t algos[] = {S4C_FCG1_LZ4, S4C_FCG1_ZSTD};
    const uint32_t kinds[] = {S4C_KIND_NVCOMP_LZ4, S4C_KIND_NVCOMP_ZSTD};
    for (size_t a = 0; a < 2; a++) {
        s4c_codec *c = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_codec_create(kinds[a], NULL, &c, &d));
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            size_t n = sizes[s];
            uint8_t *src = make_data(n, (unsigned)s);
            size_t cap = n + n / 10 + 4096;
            uint8_t *blob = malloc(cap), *out = malloc(n);
            size_t bn = build_fcg1(algos[a], src, n, S4C_FCG1_CHUNK_SIZE, blob, cap);
            s4c_manifest m = manifest_for(kinds[a], src, n, bn);
            size_t w = 0;
            CHECK_OK(s4c_decompress(c, &m, blob, bn, out, n, &w, &d));
            CHECK_EQ_U64(w, n);
            CHECK_MEM_EQ(out, src, n);
            free(src);
            free(blob);
            free(out);
        }
        s4c_codec_free(c);
    }
}

static void test_batch_decompress(void) {
    enum { N = 5 };
    uint8_t *src[N], *blob[N], *out[N];
    size_t n[N], bn[N], caps[N], written[N];
    s4c_manifest m[N];
    const void *payloads[N];
    void *dsts[N];
    for (int i = 0; i < N; i++) {
        n[i] = 8192 + (size_t)i * 30000;
        src[i] = make_data(n[i], (unsigned)i + 7);
        blob[i] = malloc(n[i] * 2 + 4096);
        out[i] = malloc(n[i]);
        bn[i] =
            build_fcg1(S4C_FCG1_LZ4, src[i], n[i], S4C_FCG1_CHUNK_SIZE, blob[i], n[i] * 2 + 4096);
        m[i] = manifest_for(S4C_KIND_NVCOMP_LZ4, src[i], n[i], bn[i]);
        payloads[i] = blob[i];
        dsts[i] = out[i];
        caps[i] = n[i];
    }
    s4c_codec *c = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_codec_create(S4C_KIND_NVCOMP_LZ4, NULL, &c, &d));
    CHECK_OK(s4c_decompress_batch(c, N, m, payloads, dsts, caps, written, &d));
    for (int i = 0; i < N; i++) {
        CHECK_EQ_U64(written[i], n[i]);
        CHECK_MEM_EQ(out[i], src[i], n[i]);
    }
    /* the first failing object is reported, by index, with S4's message */
    m[3].crc32c ^= 0x10;
    CHECK_STATUS(s4c_decompress_batch(c, N, m, payloads, dsts, caps, written, &d),
                 S4C_ERROR_CRC_MISMATCH);
    CHECK_STR_CONTAINS(d.message, "object 3: crc32c mismatch");
    m[3].crc32c ^= 0x10;
    m[1].codec = S4C_KIND_NVCOMP_ZSTD;
    CHECK_STATUS(s4c_decompress_batch(c, N, m, payloads, dsts, caps, written, &d),
                 S4C_ERROR_CODEC_MISMATCH);
    CHECK_STR_CONTAINS(d.message, "object 1: codec mismatch");
    s4c_codec_free(c);
    /* a CPU kind runs one by one */
    CHECK_OK(s4c_codec_create(S4C_KIND_CPU_ZSTD, NULL, &c, &d));
    uint8_t zb[2][4096];
    size_t zn[2] = {100, 200}, zc[2] = {4096, 4096};
    const void *zs[2] = {src[0], src[1]};
    void *zd[2] = {zb[0], zb[1]};
    s4c_manifest zm[2];
    CHECK_OK(s4c_compress_batch(c, 2, zs, zn, zd, zc, zm, &d));
    CHECK_EQ_U64(zm[1].original_size, 200);
    s4c_codec_free(c);
    for (int i = 0; i < N; i++)
        free(src[i]), free(blob[i]), free(out[i]);
}

/* The streaming decoder (CLI decompress) collects one blob at a time: any feed
 * pattern, concatenated blobs, truncation caught by finish. */
static void test_stream_decoder(void) {
    size_t n = 150000;
    uint8_t *src = make_data(n, 5);
    size_t cap = n + n / 10 + 4096;
    uint8_t *in = malloc(2 * cap), *out = malloc(2 * n + 16);
    size_t a = build_fcg1(S4C_FCG1_LZ4, src, n, S4C_FCG1_CHUNK_SIZE, in, cap);
    size_t b = build_fcg1(S4C_FCG1_ZSTD, src, n, S4C_FCG1_CHUNK_SIZE, in + a, cap);
    const size_t feeds[] = {1, 7, 4096, 2 * cap};
    for (size_t f = 0; f < sizeof feeds / sizeof feeds[0]; f++) {
        s4c_decoder *dec = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_decoder_create(S4C_KIND_NVCOMP_LZ4, NULL, &dec, &d));
        size_t got = 0;
        for (size_t pos = 0; pos < a + b;) {
            size_t k = feeds[f] < a + b - pos ? feeds[f] : a + b - pos;
            s4c_in_buffer ib = {in + pos, k, 0};
            while (ib.pos < ib.size || got < 2 * n) {
                s4c_out_buffer ob = {out + got,
                                     feeds[f] < 2 * n + 16 - got ? feeds[f] : 2 * n + 16 - got, 0};
                CHECK_OK(s4c_decoder_stream(dec, &ib, &ob, NULL));
                got += ob.pos;
                if (ob.pos == 0 && ib.pos == ib.size) break;
            }
            pos += k;
        }
        CHECK_OK(s4c_decoder_finish(dec));
        CHECK_EQ_U64(got, 2 * n);
        CHECK_MEM_EQ(out, src, n);
        CHECK_MEM_EQ(out + n, src, n);
        s4c_decoder_free(dec);
    }
    /* truncated: finish reports it */
    s4c_decoder *dec = NULL;
    CHECK_OK(s4c_decoder_create(S4C_KIND_NVCOMP_ZSTD, NULL, &dec, NULL));
    s4c_in_buffer ib = {in, a - 1, 0};
    s4c_out_buffer ob = {out, 2 * n, 0};
    CHECK_OK(s4c_decoder_stream(dec, &ib, &ob, NULL));
    CHECK_STATUS(s4c_decoder_finish(dec), S4C_ERROR_TRUNCATED_INPUT);
    s4c_decoder_free(dec);
    /* without a GPU the encoder refuses with the reason */
    if (!s4c_gpu_available()) {
        s4c_encoder *enc = NULL;
        s4c_error_detail d;
        CHECK_STATUS(s4c_encoder_create(S4C_KIND_NVCOMP_LZ4, NULL, &enc, &d),
                     S4C_ERROR_CODEC_UNAVAILABLE);
        CHECK_STR_CONTAINS(d.message, s4c_gpu_unavailable_reason());
    }
    free(src), free(in), free(out);
}

/* With a device: every kind round-trips through nvCOMP; lz4/zstd outputs
 * decode on the CPU too (GPU -> CPU cross-decode); batches equal singles. */
static void test_gpu_round_trips(void) {
    if (!s4c_gpu_available()) {
        printf("test_gpu: SKIP GPU round trips: %s\n", s4c_gpu_unavailable_reason());
        return;
    }
    const uint32_t kinds[] = {S4C_KIND_NVCOMP_ZSTD, S4C_KIND_NVCOMP_BITCOMP,
                              S4C_KIND_NVCOMP_GDEFLATE, S4C_KIND_NVCOMP_LZ4};
    const size_t sizes[] = {0, 1, 65536, 65537, 1 << 20};
    for (size_t k = 0; k < 4; k++) {
        s4c_codec *c = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_codec_create(kinds[k], NULL, &c, &d));
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            size_t n = sizes[s];
            uint8_t *src = make_data(n, 3), *out = malloc(n + 1);
            size_t cap = s4c_compress_bound(c, n);
            uint8_t *blob = malloc(cap);
            s4c_manifest m;
            CHECK_OK(s4c_compress(c, src, n, blob, cap, &m, &d));
            s4c_fcg1 f;
            CHECK_OK(s4c_fcg1_parse(blob, (size_t)m.compressed_size, &f, &d));
            CHECK_EQ_U64(f.orig_size, n);
            CHECK_EQ_U64(f.chunk_size, 65536);
            size_t w = 0;
            CHECK_OK(s4c_decompress(c, &m, blob, (size_t)m.compressed_size, out, n, &w, &d));
            CHECK_EQ_U64(w, n);
            if (n) CHECK_MEM_EQ(out, src, n);
            if (f.algo == S4C_FCG1_LZ4 || f.algo == S4C_FCG1_ZSTD) { /* cross-decode */
                const uint8_t *p = f.payload;
                for (uint32_t i = 0; i < f.num_chunks; i++) {
                    uint32_t cs = s4c_fcg1_chunk_csize(&f, i);
                    size_t us = s4c_fcg1_chunk_usize(&f, i);
                    size_t r = f.algo == S4C_FCG1_LZ4
                                   ? (size_t)LZ4_decompress_safe((const char *)p, (char *)out,
                                                                 (int)cs, (int)us)
                                   : ZSTD_decompress(out, us, p, cs);
                    CHECK_EQ_U64(r, us);
                    CHECK_MEM_EQ(out, src + (size_t)i * 65536, us);
                    p += cs;
                }
            }
            free(src), free(out), free(blob);
        }
        /* 100 x 8 KiB in one launch: byte-identical to one by one */
        enum { B = 100, SZ = 8192 };
        uint8_t *srcs = make_data(B * SZ, 9);
        size_t cap = s4c_compress_bound(c, SZ);
        uint8_t *a = malloc(B * cap), *b = malloc(B * cap), *back = malloc(B * SZ);
        const void *sp[B];
        void *dp[B], *bp[B];
        size_t sz[B], cp[B], bw[B];
        s4c_manifest ms[B], one;
        const void *pp[B];
        for (int i = 0; i < B; i++) {
            sp[i] = srcs + (size_t)i * SZ;
            dp[i] = a + (size_t)i * cap;
            bp[i] = back + (size_t)i * SZ;
            sz[i] = SZ;
            cp[i] = cap;
            pp[i] = dp[i];
        }
        CHECK_OK(s4c_compress_batch(c, B, sp, sz, dp, cp, ms, &d));
        for (int i = 0; i < B; i++) {
            CHECK_OK(s4c_compress(c, sp[i], SZ, b, cap, &one, &d));
            CHECK_EQ_U64(one.compressed_size, ms[i].compressed_size);
            CHECK_MEM_EQ(b, dp[i], (size_t)one.compressed_size);
        }
        size_t bcap[B];
        for (int i = 0; i < B; i++)
            bcap[i] = SZ;
        CHECK_OK(s4c_decompress_batch(c, B, ms, pp, bp, bcap, bw, &d));
        CHECK_MEM_EQ(back, srcs, (size_t)B * SZ);
        free(srcs), free(a), free(b), free(back);
        s4c_codec_free(c);
    }
}

int main(void) {
    test_parse_golden();
    test_container_checks();
    test_loader_without_gpu();
    test_decode_golden();
    test_cpu_fallback_round_trip();
    test_batch_decompress();
    test_stream_decoder();
    test_gpu_round_trips();
    return check_exit("test_gpu");
}
