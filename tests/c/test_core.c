/*
 * test_core.c — the core layer: status list, kind names, CRC32C (every
 * implementation, chaining), and passthrough's manifest checks in S4's order.
 */
#include "check.h"
#include "s4codec.h"
#include "s4codec_stream.h"

static void test_status(void) {
    CHECK(strcmp(s4c_strerror(S4C_OK), "no error") == 0);
    CHECK(strcmp(s4c_status_name(S4C_ERROR_CRC_MISMATCH), "S4C_ERROR_CRC_MISMATCH") == 0);
    CHECK(s4c_status_class(S4C_ERROR_DECOMPRESSION_BOMB) == S4C_CLASS_IO);
    CHECK(s4c_status_class(S4C_ERROR_EMPTY_DICTIONARY) == S4C_CLASS_BACKEND);
    CHECK(strcmp(s4c_strerror((s4c_status)9999), "unknown status") == 0);
    /* Pinned values. */
    CHECK_EQ_U64(S4C_ERROR_CRC_MISMATCH, 9);
    CHECK_EQ_U64(S4C_ERROR_TRAILING_DATA, 22);
    CHECK(strcmp(s4c_version_string(), S4C_VERSION_STRING) == 0);
}

static void test_kinds(void) {
    static const struct { uint32_t id; const char *name; } kinds[] = {
        {0, "passthrough"},    {1, "cpu-zstd"},     {2, "nvcomp-zstd"},   {3, "nvcomp-bitcomp"},
        {4, "nvcomp-gans"},    {5, "dietgpu-ans"},  {6, "nvcomp-gdeflate"}, {7, "cpu-gzip"},
        {8, "cpu-zstd-dict"},  {64, "cpu-lz4"},     {65, "nvcomp-lz4"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        uint32_t id = 999;
        CHECK(strcmp(s4c_kind_name(kinds[i].id), kinds[i].name) == 0);
        CHECK_OK(s4c_kind_from_name(kinds[i].name, &id));
        CHECK_EQ_U64(id, kinds[i].id);
    }
    uint32_t id;
    CHECK_STATUS(s4c_kind_from_name("CPU-ZSTD", &id), S4C_ERROR_UNKNOWN_CODEC);
    CHECK_STATUS(s4c_kind_from_name("nvcomp-g-deflate", &id), S4C_ERROR_UNKNOWN_CODEC);
    CHECK(s4c_kind_name(9) == NULL);
    CHECK(strcmp(s4c_kind_debug_name(1), "CpuZstd") == 0);
    int gpu = s4c_gpu_available(); /* 0 here; a GPU machine runs tests/gpu/ */
    /* Reserved ids are known but never implemented; GPU kinds without a GPU:
     * bitcomp/gdeflate refuse, nvcomp-zstd is decode-only (tests/c/test_gpu.c). */
    s4c_codec *c = NULL;
    s4c_error_detail d;
    for (uint32_t k = 2; k <= 6; k++) {
        CHECK(s4c_kind_available(k) == (gpu && k != 4 && k != 5));
        if (k == S4C_KIND_NVCOMP_ZSTD || (gpu && k != 4 && k != 5)) continue;
        CHECK_STATUS(s4c_codec_create(k, NULL, &c, &d), S4C_ERROR_CODEC_UNAVAILABLE);
        CHECK(c == NULL);
        CHECK_STR_CONTAINS(d.message, k == 4 || k == 5 ? "not available in this build"
                                                      : "is not available: ");
    }
    CHECK_STATUS(s4c_codec_create(9, NULL, &c, &d), S4C_ERROR_UNKNOWN_CODEC);
    CHECK(s4c_kind_available(S4C_KIND_PASSTHROUGH));
}

static void test_crc32c(void) {
    const char *impls[] = {"isa-l", "sse4.2", "table"};
    CHECK_EQ_U64(s4c_crc32c(0, "123456789", 9), 0xE3069283u);
    CHECK_EQ_U64(s4c_crc32c(0, "", 0), 0);
    CHECK_EQ_U64(s4c_crc32c(0, "hello", 5), 0x9A71BB4Cu);
    enum { N = 100003 };
    unsigned char *buf = malloc(N);
    check_fill(buf, N, 7, 0);
    uint32_t whole = s4c_crc32c(0, buf, N);
    for (size_t i = 0; i < 3; i++) {
        CHECK_EQ_U64(s4c_crc32c_with(impls[i], 0, "123456789", 9), 0xE3069283u);
        CHECK_EQ_U64(s4c_crc32c_with(impls[i], 0, buf, N), whole);
        /* Chaining at every split point of a short prefix, misaligned too. */
        for (size_t cut = 0; cut < 40; cut++) {
            uint32_t a = s4c_crc32c_with(impls[i], 0, buf + 1, cut);
            a = s4c_crc32c_with(impls[i], a, buf + 1 + cut, 999 - cut);
            CHECK_EQ_U64(a, s4c_crc32c(0, buf + 1, 999));
        }
    }
    uint32_t chained = 0;
    for (size_t off = 0; off < N; off += 4096)
        chained = s4c_crc32c(chained, buf + off, off + 4096 > N ? N - off : 4096);
    CHECK_EQ_U64(chained, whole);
    printf("crc32c implementation: %s\n", s4c_crc32c_impl());
    free(buf);
}

static void test_passthrough(void) {
    s4c_codec *c = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_codec_create(S4C_KIND_PASSTHROUGH, NULL, &c, &d));
    const char *msg = "hello";
    unsigned char out[16];
    s4c_manifest m;
    CHECK_OK(s4c_compress(c, msg, 5, out, sizeof out, &m, &d));
    CHECK_EQ_U64(m.codec, 0);
    CHECK_EQ_U64(m.original_size, 5);
    CHECK_EQ_U64(m.compressed_size, 5);
    CHECK_EQ_U64(m.crc32c, 0x9A71BB4Cu);
    CHECK_MEM_EQ(out, msg, 5);
    unsigned char back[16];
    size_t w = 0;
    CHECK_OK(s4c_decompress(c, &m, out, 5, back, sizeof back, &w, &d));
    CHECK_EQ_U64(w, 5);
    /* Codec check first. */
    s4c_manifest bad = m;
    bad.codec = S4C_KIND_CPU_ZSTD;
    CHECK_STATUS(s4c_decompress(c, &bad, out, 5, back, sizeof back, &w, &d),
                 S4C_ERROR_CODEC_MISMATCH);
    CHECK(strcmp(d.message, "codec mismatch: expected Passthrough, got CpuZstd") == 0);
    /* CRC before length; original_size never checked; no 5 GiB limit. */
    bad = m;
    bad.crc32c ^= 1;
    bad.compressed_size = 99;
    CHECK_STATUS(s4c_decompress(c, &bad, out, 5, back, sizeof back, &w, &d),
                 S4C_ERROR_CRC_MISMATCH);
    CHECK(strcmp(d.message,
                 "crc32c mismatch (chunk corruption?): expected 0x9a71bb4d, got 0x9a71bb4c") == 0);
    bad = m;
    bad.compressed_size = 6;
    bad.original_size = 10ull << 30;
    CHECK_STATUS(s4c_decompress(c, &bad, out, 5, back, sizeof back, &w, &d),
                 S4C_ERROR_SIZE_MISMATCH);
    CHECK(strcmp(d.message,
                 "compressed size mismatch: manifest says 6 bytes, payload is 5 bytes") == 0);
    CHECK_EQ_U64(d.expected, 6);
    CHECK_EQ_U64(d.got, 5);
    s4c_codec_free(c);
    s4c_codec_free(NULL);
}

/*
 * Regression: a stream that yields more than original_size but ends (truncated)
 * before original_size + 1024 is S4's end-of-file error, not a bomb: S4's reader
 * hits the end of input before the cap.
 */
static void test_truncated_over_original_is_eof_not_bomb(void) {
    static const struct { uint32_t kind; const char *text; } cases[] = {
        {S4C_KIND_CPU_GZIP, "io error: unexpected end of file"},
        {S4C_KIND_CPU_ZSTD, "io error: incomplete frame"},
        {S4C_KIND_CPU_LZ4, "io error: LZ4 input ends inside a frame"},
    };
    unsigned char src[200], payload[512], back[4096];
    check_fill(src, sizeof src, 3, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s4c_codec *c = NULL;
        s4c_error_detail d;
        s4c_manifest m;
        CHECK_OK(s4c_codec_create(cases[i].kind, NULL, &c, &d));
        CHECK_OK(s4c_compress(c, src, sizeof src, payload, sizeof payload, &m, &d));
        m.compressed_size -= 3; /* drop the last three bytes */
        m.original_size = 100;
        size_t w = 0;
        CHECK_STATUS(s4c_decompress(c, &m, payload, (size_t)m.compressed_size, back, sizeof back,
                                    &w, &d),
                     S4C_ERROR_TRUNCATED_INPUT);
        CHECK(strcmp(d.message, cases[i].text) == 0);
        s4c_codec_free(c);
    }
}

int main(void) {
    test_truncated_over_original_is_eof_not_bomb();
    test_status();
    test_kinds();
    test_crc32c();
    test_passthrough();
    return check_exit("test_core");
}
