/*
 * test_index.c — S4IX sidecars: the 108-byte v2 example, v1/v3, every decode
 * check of s4-compat.md §4.2 in order with its text, bind_index,
 * build_index_from_body (padding, silent stops), range planning at frame
 * edges, and range reads through the object decoder.
 */
#include "check.h"
#include "s4codec.h"
#include "s4codec_frame.h"
#include "s4codec_index.h"

#define CHECK_STR_EQ(a, b)                                                                         \
    do {                                                                                           \
        if (strcmp((a), (b)) != 0) {                                                               \
            fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, (a), (b));            \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

/* Little byte writer for hand-made sidecars. */
typedef struct writer {
    uint8_t buf[8192];
    size_t n;
} writer;

static void put32(writer *w, uint32_t v) {
    for (int i = 0; i < 4; i++)
        w->buf[w->n++] = (uint8_t)(v >> (8 * i));
}
static void put64(writer *w, uint64_t v) {
    for (int i = 0; i < 8; i++)
        w->buf[w->n++] = (uint8_t)(v >> (8 * i));
}
static void put_bytes(writer *w, const void *p, size_t n) {
    memcpy(w->buf + w->n, p, n);
    w->n += n;
}
static void put_header(writer *w, uint32_t version, uint64_t n, uint64_t total_orig,
                       uint64_t total_padded) {
    w->n = 0;
    put_bytes(w, "S4IX", 4);
    put32(w, version);
    put64(w, n);
    put64(w, total_orig);
    put64(w, total_padded);
}
static void put_entry(writer *w, uint64_t oo, uint64_t os, uint64_t co, uint64_t cs) {
    put64(w, oo);
    put64(w, os);
    put64(w, co);
    put64(w, cs);
}

/* The §4.1 example: unbound v2, 2 entries, total_original 180, total_padded 200. */
static const char *example_prefix_hex = "53344958 02000000 0200000000000000 b400000000000000 "
                                        "c800000000000000 0000000000000000 00000000";

static void make_example(writer *w) {
    put_header(w, 2, 2, 180, 200);
    put64(w, 0); /* source_compressed_size: none */
    put32(w, 0); /* etag_len: none */
    put_entry(w, 0, 100, 0, 128);
    put_entry(w, 100, 80, 140, 60); /* 12 bytes of padding between the frames */
}

static void test_example_v2(void) {
    writer w;
    make_example(&w);
    CHECK_EQ_U64(w.n, 108);
    uint8_t prefix[44];
    CHECK_EQ_U64(check_unhex(example_prefix_hex, prefix, sizeof prefix), 44);
    CHECK_MEM_EQ(w.buf, prefix, 44);

    s4c_index *idx = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_index_decode(w.buf, w.n, &idx, &d));
    CHECK_EQ_U64(s4c_index_version(idx), 2);
    CHECK_EQ_U64(s4c_index_total_padded(idx), 200);
    CHECK_EQ_U64(s4c_index_total_original(idx), 180);
    CHECK(!s4c_index_source_etag(idx, NULL, NULL));
    CHECK(!s4c_index_source_compressed_size(idx, NULL));
    CHECK(!s4c_index_sse(idx, NULL));
    size_t count = 0;
    const s4c_index_entry *e = s4c_index_entries(idx, &count);
    CHECK_EQ_U64(count, 2);
    CHECK(e[0].original_offset == 0 && e[0].original_size == 100 && e[0].compressed_offset == 0 &&
          e[0].compressed_size == 128);
    CHECK(e[1].original_offset == 100 && e[1].original_size == 80 &&
          e[1].compressed_offset == 140 && e[1].compressed_size == 60);

    /* re-encodes to the same bytes */
    uint8_t out[200];
    size_t written = 0;
    CHECK_EQ_U64(s4c_index_encoded_size(idx), 108);
    CHECK_OK(s4c_index_encode(idx, out, sizeof out, &written));
    CHECK_EQ_U64(written, 108);
    CHECK_MEM_EQ(out, w.buf, 108);
    CHECK_STATUS(s4c_index_encode(idx, out, 107, &written), S4C_ERROR_DST_TOO_SMALL);
    CHECK_EQ_U64(written, 108);
    s4c_index_free(idx);

    /* the stored total_original is ignored and recomputed */
    w.buf[16] = 0x77;
    CHECK_OK(s4c_index_decode(w.buf, w.n, &idx, &d));
    CHECK_EQ_U64(s4c_index_total_original(idx), 180);
    s4c_index_free(idx);
}

static void test_v1_v3(void) {
    writer w;
    s4c_index *idx = NULL;
    s4c_error_detail d;
    /* v1: 32-byte header, entries straight after; re-encodes as v2 */
    put_header(&w, 1, 1, 0, 50);
    put_entry(&w, 0, 10, 0, 50);
    CHECK_OK(s4c_index_decode(w.buf, w.n, &idx, &d));
    CHECK_EQ_U64(s4c_index_version(idx), 1);
    CHECK_EQ_U64(s4c_index_total_original(idx), 10);
    CHECK(!s4c_index_source_etag(idx, NULL, NULL));
    uint8_t out[512];
    size_t written = 0;
    CHECK_OK(s4c_index_encode(idx, out, sizeof out, &written));
    CHECK_EQ_U64(written, 44 + 32);
    CHECK_EQ_U64(out[4], 2);
    s4c_index_free(idx);

    /* v3: etag then the 30-byte SSE block */
    put_header(&w, 3, 1, 10, 1000);
    put64(&w, 777);
    put32(&w, 8);
    put_bytes(&w, "\"abc123\"", 8);
    put32(&w, 65536);
    put32(&w, 3);
    w.buf[w.n++] = 0x34, w.buf[w.n++] = 0x12; /* key id 0x1234 */
    put_bytes(&w, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    put64(&w, 150000);
    put32(&w, 24);
    put_entry(&w, 0, 10, 0, 40);
    size_t v3_len = w.n;
    CHECK_EQ_U64(v3_len, 44 + 8 + 30 + 32);
    CHECK_OK(s4c_index_decode(w.buf, w.n, &idx, &d));
    CHECK_EQ_U64(s4c_index_version(idx), 3);
    uint64_t size = 0;
    CHECK(s4c_index_source_compressed_size(idx, &size) && size == 777);
    const char *etag = NULL;
    size_t etag_len = 0;
    CHECK(s4c_index_source_etag(idx, &etag, &etag_len) && etag_len == 8);
    CHECK_STR_EQ(etag, "\"abc123\"");
    s4c_sse_binding sse;
    CHECK(s4c_index_sse(idx, &sse));
    CHECK(sse.enc_chunk_size == 65536 && sse.enc_chunk_count == 3 && sse.enc_key_id == 0x1234 &&
          sse.enc_plaintext_len == 150000 && sse.enc_header_bytes == 24 &&
          memcmp(sse.enc_salt, "\x01\x02\x03\x04\x05\x06\x07\x08", 8) == 0);
    CHECK_OK(s4c_index_encode(idx, out, sizeof out, &written));
    CHECK_EQ_U64(written, v3_len);
    CHECK_MEM_EQ(out, w.buf, v3_len);

    /* encrypted_lookup over that geometry */
    s4c_sse_chunk c;
    CHECK(s4c_sse_lookup(&sse, 0, &c) && c.index == 0 && c.offset == 24 && c.size == 65552);
    CHECK(s4c_sse_lookup(&sse, 65536, &c) && c.index == 1 && c.offset == 24 + 65552 &&
          c.size == 65552);
    CHECK(s4c_sse_lookup(&sse, 149999, &c) && c.index == 2 && c.offset == 24 + 2 * 65552 &&
          c.size == 150000 - 2 * 65536 + 16);
    CHECK(!s4c_sse_lookup(&sse, 150000, &c));
    sse.enc_chunk_count = 2;
    CHECK(!s4c_sse_lookup(&sse, 140000, &c));
    s4c_index_free(idx);

    /* v3 with a zero chunk size or count: no binding (still v3 on the wire) */
    w.buf[44 + 8] = 0, w.buf[44 + 9] = 0, w.buf[44 + 10] = 0, w.buf[44 + 11] = 0;
    CHECK_OK(s4c_index_decode(w.buf, v3_len, &idx, &d));
    CHECK(!s4c_index_sse(idx, NULL));
    CHECK_OK(s4c_index_encode(idx, out, sizeof out, &written));
    CHECK_EQ_U64(out[4], 2); /* re-encoded without SSE: v2 */
    CHECK_EQ_U64(written, 44 + 8 + 32);
    s4c_index_free(idx);
}

#define EXPECT_DECODE_ERROR(buf, len, status, text)                                                \
    do {                                                                                           \
        s4c_index *idx_ = (s4c_index *)1;                                                          \
        s4c_error_detail d_;                                                                       \
        CHECK_STATUS(s4c_index_decode((buf), (len), &idx_, &d_), status);                          \
        CHECK(idx_ == NULL);                                                                       \
        CHECK_STR_EQ(d_.message, text);                                                            \
        CHECK(s4c_status_class(status) == S4C_CLASS_INDEX);                                        \
    } while (0)

static void test_decode_checks(void) {
    writer w;
    /* 1. length */
    EXPECT_DECODE_ERROR("", 0, S4C_ERROR_INDEX_TOO_SHORT, "index too short: 0 bytes");
    make_example(&w);
    EXPECT_DECODE_ERROR(w.buf, 31, S4C_ERROR_INDEX_TOO_SHORT, "index too short: 31 bytes");
    /* 2. magic (checked before anything else in the header) */
    w.buf[3] = 'Y';
    EXPECT_DECODE_ERROR(w.buf, w.n, S4C_ERROR_INDEX_BAD_MAGIC, "bad index magic: [83, 52, 73, 89]");
    /* 4. entry count limit, before the version check */
    put_header(&w, 99, 16777217, 0, 0);
    EXPECT_DECODE_ERROR(w.buf, w.n, S4C_ERROR_INDEX_TOO_MANY_FRAMES,
                        "frame index entry count 16777217 exceeds MAX_FRAMES=16777216");
    put_header(&w, 2, UINT64_MAX, 0, 0);
    EXPECT_DECODE_ERROR(w.buf, w.n, S4C_ERROR_INDEX_TOO_MANY_FRAMES,
                        "frame index entry count 18446744073709551615 exceeds MAX_FRAMES=16777216");
    /* 16777216 itself passes that check (and fails on the entry count) */
    put_header(&w, 1, 16777216, 0, 0);
    EXPECT_DECODE_ERROR(w.buf, w.n, S4C_ERROR_INDEX_ENTRY_COUNT_MISMATCH,
                        "entry count 16777216 doesn't match buffer remaining 0");
    /* 5. v2: fewer than 12 bytes for size + etag_len */
    put_header(&w, 2, 0, 0, 0);
    put64(&w, 0);
    EXPECT_DECODE_ERROR(w.buf, w.n, S4C_ERROR_INDEX_TOO_SHORT, "index too short: 8 bytes");
    EXPECT_DECODE_ERROR(w.buf, 32, S4C_ERROR_INDEX_TOO_SHORT, "index too short: 0 bytes");
    /* etag_len over 4096, checked before the bytes are */
    put32(&w, 4097);
    EXPECT_DECODE_ERROR(w.buf, w.n, S4C_ERROR_INDEX_ETAG_TOO_LONG,
                        "sidecar etag_len 4097 exceeds MAX_ETAG_BYTES=4096");
    /* etag cut short */
    w.n -= 4;
    put32(&w, 10);
    put_bytes(&w, "abcd", 4);
    EXPECT_DECODE_ERROR(w.buf, w.n, S4C_ERROR_INDEX_TOO_SHORT, "index too short: 4 bytes");
    /* an etag of exactly 4096 bytes is fine */
    {
        static uint8_t big[44 + 4096];
        memset(big, 'e', sizeof big);
        put_header(&w, 2, 0, 0, 0);
        put64(&w, 0);
        put32(&w, 4096);
        memcpy(big, w.buf, 44);
        s4c_index *idx = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_index_decode(big, sizeof big, &idx, &d));
        size_t len = 0;
        CHECK(s4c_index_source_etag(idx, NULL, &len) && len == 4096);
        s4c_index_free(idx);
    }
    /* 6. v3: fewer than 30 bytes of SSE block */
    put_header(&w, 3, 0, 0, 0);
    put64(&w, 0);
    put32(&w, 0);
    put_bytes(&w, "0123456789012345678901234567", 29);
    EXPECT_DECODE_ERROR(w.buf, w.n, S4C_ERROR_INDEX_TOO_SHORT, "index too short: 29 bytes");
    /* 7. versions */
    for (uint32_t v = 0; v < 6; v += 4) {
        put_header(&w, v, 0, 0, 0);
        char want[80];
        snprintf(want, sizeof want, "unsupported index version %u (this build supports 3)", v);
        EXPECT_DECODE_ERROR(w.buf, w.n, S4C_ERROR_INDEX_UNSUPPORTED_VERSION, want);
    }
    put_header(&w, 0xFFFFFFFFu, 1, 0, 0);
    EXPECT_DECODE_ERROR(w.buf, w.n, S4C_ERROR_INDEX_UNSUPPORTED_VERSION,
                        "unsupported index version 4294967295 (this build supports 3)");
    /* 8. entry count vs bytes left */
    make_example(&w);
    EXPECT_DECODE_ERROR(w.buf, w.n - 1, S4C_ERROR_INDEX_ENTRY_COUNT_MISMATCH,
                        "entry count 2 doesn't match buffer remaining 63");
    w.buf[w.n++] = 0;
    EXPECT_DECODE_ERROR(w.buf, w.n, S4C_ERROR_INDEX_ENTRY_COUNT_MISMATCH,
                        "entry count 2 doesn't match buffer remaining 65");
    /* 9. offset + size overflow, on either side; checked for every entry before order */
    put_header(&w, 1, 2, 0, 0);
    put_entry(&w, 10, 0, 10, 0);
    put_entry(&w, 0, 0, UINT64_MAX, 1); /* also non-monotonic: overflow wins */
    EXPECT_DECODE_ERROR(
        w.buf, w.n, S4C_ERROR_INDEX_ENTRY_OVERFLOW,
        "index entry 1 overflows u64: compressed offset 18446744073709551615 + size 1");
    put_header(&w, 1, 1, 0, 0);
    put_entry(&w, 2, UINT64_MAX - 1, 0, 0);
    EXPECT_DECODE_ERROR(
        w.buf, w.n, S4C_ERROR_INDEX_ENTRY_OVERFLOW,
        "index entry 0 overflows u64: original offset 2 + size 18446744073709551614");
    put_header(&w, 1, 1, 0, 0);
    put_entry(&w, 1, UINT64_MAX - 1, UINT64_MAX, 0); /* exactly reaching 2^64-1 is fine */
    {
        s4c_index *idx = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_index_decode(w.buf, w.n, &idx, &d));
        s4c_index_free(idx);
    }
    /* 10. monotonic on both sides; gaps and zero-size entries allowed */
    put_header(&w, 1, 2, 0, 0);
    put_entry(&w, 0, 10, 0, 40);
    put_entry(&w, 9, 10, 40, 40);
    EXPECT_DECODE_ERROR(w.buf, w.n, S4C_ERROR_INDEX_NON_MONOTONIC,
                        "index entries not monotonic: entry 1 original offset 9 < previous end 10");
    put_header(&w, 1, 2, 0, 0);
    put_entry(&w, 0, 10, 0, 40);
    put_entry(&w, 10, 10, 39, 40);
    EXPECT_DECODE_ERROR(
        w.buf, w.n, S4C_ERROR_INDEX_NON_MONOTONIC,
        "index entries not monotonic: entry 1 compressed offset 39 < previous end 40");
    put_header(&w, 1, 4, 0, 0);
    put_entry(&w, 0, 10, 0, 40);
    put_entry(&w, 10, 0, 40, 0);    /* empty */
    put_entry(&w, 10, 0, 40, 0);    /* empty again, same place */
    put_entry(&w, 50, 10, 100, 40); /* gap on both sides */
    {
        s4c_index *idx = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_index_decode(w.buf, w.n, &idx, &d));
        CHECK_EQ_U64(s4c_index_total_original(idx), 60);
        s4c_index_free(idx);
    }

    /* quiet cases: non-UTF-8 etag → none; size 0 → none */
    const char *bad_utf8[] = {"\xff",       "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                              "ab\xe2\x82", "\x80"};
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
        size_t len = strlen(bad_utf8[i]);
        put_header(&w, 2, 0, 0, 0);
        put64(&w, 0);
        put32(&w, (uint32_t)len);
        put_bytes(&w, bad_utf8[i], len);
        s4c_index *idx = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_index_decode(w.buf, w.n, &idx, &d));
        CHECK(!s4c_index_source_etag(idx, NULL, NULL));
        s4c_index_free(idx);
    }
    put_header(&w, 2, 0, 0, 0);
    put64(&w, 0);
    put32(&w, 9);
    put_bytes(&w, "\xe2\x82\xac\xf0\x9f\x98\x80!", 9); /* "€😀!" is valid */
    {
        s4c_index *idx = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_index_decode(w.buf, w.n, &idx, &d));
        CHECK(s4c_index_source_etag(idx, NULL, NULL));
        CHECK(!s4c_index_source_compressed_size(idx, NULL));
        s4c_index_free(idx);
    }
}

static void test_bind(void) {
    writer w;
    make_example(&w);
    uint8_t out[256];
    size_t written = 0;
    s4c_error_detail d;
    CHECK_OK(s4c_bind_index(w.buf, w.n, 200, "\"abc123\"", 8, out, sizeof out, &written, &d));
    CHECK_EQ_U64(written, 116);
    s4c_index *idx = NULL;
    CHECK_OK(s4c_index_decode(out, written, &idx, &d));
    uint64_t size = 0;
    const char *etag = NULL;
    CHECK(s4c_index_source_compressed_size(idx, &size) && size == 200);
    CHECK(s4c_index_source_etag(idx, &etag, NULL));
    CHECK_STR_EQ(etag, "\"abc123\""); /* verbatim, quotes kept */
    CHECK_EQ_U64(s4c_index_total_padded(idx), 200);
    size_t count = 0;
    s4c_index_entries(idx, &count);
    CHECK_EQ_U64(count, 2);
    s4c_index_free(idx);
    CHECK_MEM_EQ(out + 44 + 8, w.buf + 44, 64); /* entries unchanged */

    /* 0 and "" round-trip to none: back to the unbound bytes */
    uint8_t again[256];
    size_t n2 = 0;
    CHECK_OK(s4c_bind_index(out, written, 0, "", 0, again, sizeof again, &n2, &d));
    CHECK_EQ_U64(n2, 108);
    CHECK_MEM_EQ(again, w.buf, 108);
    CHECK_OK(s4c_bind_index(out, written, 0, NULL, 0, again, sizeof again, &n2, &d));
    CHECK_MEM_EQ(again, w.buf, 108);
    /* too small: the needed size comes back */
    CHECK_STATUS(s4c_bind_index(w.buf, w.n, 1, "x", 1, again, 50, &n2, &d),
                 S4C_ERROR_DST_TOO_SMALL);
    CHECK_EQ_U64(n2, 109);
    /* a bogus sidecar fails as a decode does */
    CHECK_STATUS(s4c_bind_index("nope", 4, 1, NULL, 0, again, sizeof again, &n2, &d),
                 S4C_ERROR_INDEX_TOO_SHORT);
    /* what would not decode is refused */
    static char long_etag[4097];
    memset(long_etag, 'a', sizeof long_etag);
    CHECK_STATUS(s4c_bind_index(w.buf, w.n, 1, long_etag, 4097, again, sizeof again, &n2, &d),
                 S4C_ERROR_INDEX_ETAG_TOO_LONG);
    CHECK_STATUS(s4c_bind_index(w.buf, w.n, 1, "\xff", 1, again, sizeof again, &n2, &d),
                 S4C_ERROR_INVALID_ARGUMENT);

    /* v3 stays v3 through bind */
    s4c_index_create(&idx);
    s4c_index_entry e = {0, 5, 0, 33};
    CHECK_OK(s4c_index_append(idx, &e, &d));
    s4c_sse_binding sse = {1024, 1, 7, {1, 2, 3, 4, 5, 6, 7, 8}, 33, 24};
    s4c_index_set_sse(idx, &sse);
    CHECK_EQ_U64(s4c_index_version(idx), 3);
    CHECK_OK(s4c_index_encode(idx, out, sizeof out, &written));
    CHECK_EQ_U64(out[4], 3);
    CHECK_OK(s4c_bind_index(out, written, 99, "e", 1, again, sizeof again, &n2, &d));
    CHECK_EQ_U64(again[4], 3);
    CHECK_EQ_U64(n2, 44 + 1 + 30 + 32);
    s4c_index_free(idx);
}

static void test_append_invariants(void) {
    s4c_index *idx = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_index_create(&idx));
    CHECK_EQ_U64(s4c_index_total_original(idx), 0);
    s4c_index_entry a = {0, 10, 0, 38}, b = {5, 10, 38, 38}, c = {10, 10, 30, 38};
    s4c_index_entry o = {UINT64_MAX, 1, 100, 1};
    CHECK_OK(s4c_index_append(idx, &a, &d));
    CHECK_STATUS(s4c_index_append(idx, &b, &d), S4C_ERROR_INDEX_NON_MONOTONIC);
    CHECK_STATUS(s4c_index_append(idx, &c, &d), S4C_ERROR_INDEX_NON_MONOTONIC);
    CHECK_STATUS(s4c_index_append(idx, &o, &d), S4C_ERROR_INDEX_ENTRY_OVERFLOW);
    size_t n = 0;
    s4c_index_entries(idx, &n);
    CHECK_EQ_U64(n, 1);
    /* the empty index encodes: total_original 0 */
    s4c_index *empty = NULL;
    s4c_index_create(&empty);
    uint8_t out[64];
    size_t written;
    CHECK_OK(s4c_index_encode(empty, out, sizeof out, &written));
    CHECK_EQ_U64(written, 44);
    s4c_index_free(empty);
    CHECK_OK(s4c_index_decode(out, written, &empty, &d));
    s4c_index_entries(empty, &n);
    CHECK_EQ_U64(n, 0);
    s4c_index_free(empty);
    s4c_index_free(idx);
}

/* A body of frames (passthrough payloads, so the test needs no codec). */
static size_t put_frame(uint8_t *out, const char *text) {
    size_t n = strlen(text);
    s4c_manifest m = {S4C_KIND_PASSTHROUGH, n, n, s4c_crc32c(0, text, n)};
    s4c_frame_write_header(&m, out);
    memcpy(out + 28, text, n);
    return 28 + n;
}
static size_t put_pad(uint8_t *out, uint64_t pad_len) {
    s4c_padding_write_header(pad_len, out);
    memset(out + 12, 0, (size_t)pad_len);
    return 12 + (size_t)pad_len;
}

static void test_build_from_body(void) {
    uint8_t body[512];
    size_t n = 0;
    n += put_frame(body + n, "hello ");
    n += put_pad(body + n, 5);
    size_t f1 = n;
    n += put_frame(body + n, "wide ");
    size_t f2 = n;
    n += put_frame(body + n, "world");
    n += put_pad(body + n, 0);
    s4c_index *idx = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_build_index_from_body(body, n, &idx, &d));
    size_t count = 0;
    const s4c_index_entry *e = s4c_index_entries(idx, &count);
    CHECK_EQ_U64(count, 3);
    CHECK(e[0].original_offset == 0 && e[0].original_size == 6 && e[0].compressed_offset == 0 &&
          e[0].compressed_size == 34);
    CHECK(e[1].original_offset == 6 && e[1].original_size == 5 && e[1].compressed_offset == f1 &&
          e[1].compressed_size == 33);
    CHECK(e[2].original_offset == 11 && e[2].compressed_offset == f2);
    CHECK_EQ_U64(s4c_index_total_padded(idx), n);
    CHECK_EQ_U64(s4c_index_total_original(idx), 16);
    CHECK(!s4c_index_source_etag(idx, NULL, NULL) && !s4c_index_sse(idx, NULL));
    s4c_index_free(idx);

    /* silent stops where the iterator would fail */
    size_t tails[] = {1, 3, 4, 11, 27};
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        uint8_t t[600];
        memcpy(t, body, n);
        memset(t + n, 0, tails[i]);
        memcpy(t + n, "S4P1", tails[i] < 4 ? tails[i] : 4);
        CHECK_OK(s4c_build_index_from_body(t, n + tails[i], &idx, &d));
        s4c_index_entries(idx, &count);
        CHECK_EQ_U64(count, 3);
        CHECK_EQ_U64(s4c_index_total_padded(idx), n + tails[i]);
        s4c_index_free(idx);
    }
    {
        uint8_t t[600];
        memcpy(t, body, n);
        s4c_padding_write_header(100, t + n); /* runs past the end */
        memset(t + n + 12, 0, 40);
        CHECK_OK(s4c_build_index_from_body(t, n + 52, &idx, &d));
        s4c_index_entries(idx, &count);
        CHECK_EQ_U64(count, 3);
        s4c_index_free(idx);
        /* a padding skip that overflows: PayloadTooLarge */
        s4c_padding_write_header(UINT64_MAX - 5, t + n);
        CHECK_STATUS(s4c_build_index_from_body(t, n + 52, &idx, &d),
                     S4C_ERROR_FRAME_PAYLOAD_TOO_LARGE);
        CHECK_STR_EQ(d.message,
                     "frame payload size 18446744073709551610 exceeds usize on this target");
        CHECK(idx == NULL);
        /* read_frame errors propagate: 28+ bytes of garbage */
        memset(t + n, 'q', 30);
        CHECK_STATUS(s4c_build_index_from_body(t, n + 30, &idx, &d), S4C_ERROR_FRAME_BAD_MAGIC);
        memcpy(t + n, body, 28);
        CHECK_STATUS(s4c_build_index_from_body(t, n + 30, &idx, &d),
                     S4C_ERROR_FRAME_PAYLOAD_TRUNCATED);
    }
    /* an empty body: no entries */
    CHECK_OK(s4c_build_index_from_body("", 0, &idx, &d));
    s4c_index_entries(idx, &count);
    CHECK_EQ_U64(count, 0);
    s4c_index_free(idx);
}

static s4c_index *three_frames(void) {
    /* frames of 100 original bytes, 50 compressed, 10 bytes of padding after frame 0 */
    s4c_index *idx = NULL;
    s4c_error_detail d;
    s4c_index_create(&idx);
    s4c_index_entry e[3] = {{0, 100, 0, 50}, {100, 100, 60, 50}, {200, 100, 110, 50}};
    for (int i = 0; i < 3; i++)
        CHECK_OK(s4c_index_append(idx, &e[i], &d));
    s4c_index_set_total_padded(idx, 160);
    return idx;
}

static void check_plan(const s4c_index *idx, uint64_t s, uint64_t e, size_t first, size_t last,
                       uint64_t fs, uint64_t fe, uint64_t ss, uint64_t se) {
    s4c_range_plan p;
    int found = s4c_index_lookup_range(idx, s, e, &p);
    CHECK(found);
    if (!found) return;
    if (p.first_entry != first || p.last_entry != last || p.fetch_start != fs ||
        p.fetch_end != fe || p.slice_start != ss || p.slice_end != se) {
        fprintf(stderr,
                "range [%llu,%llu): got frames %zu..%zu fetch [%llu,%llu) slice [%llu,%llu)\n",
                (unsigned long long)s, (unsigned long long)e, p.first_entry, p.last_entry,
                (unsigned long long)p.fetch_start, (unsigned long long)p.fetch_end,
                (unsigned long long)p.slice_start, (unsigned long long)p.slice_end);
        check_failures++;
    }
}

static void test_lookup_range(void) {
    s4c_index *idx = three_frames();
    s4c_range_plan p;
    check_plan(idx, 0, 100, 0, 0, 0, 50, 0, 100);
    check_plan(idx, 0, 1, 0, 0, 0, 50, 0, 1);
    check_plan(idx, 99, 100, 0, 0, 0, 50, 99, 100);
    check_plan(idx, 99, 101, 0, 1, 0, 110, 99, 101); /* padding between included */
    check_plan(idx, 100, 200, 1, 1, 60, 110, 0, 100);
    check_plan(idx, 100, 201, 1, 2, 60, 160, 0, 101);
    check_plan(idx, 0, 300, 0, 2, 0, 160, 0, 300);
    check_plan(idx, 250, 1000, 2, 2, 110, 160, 50, 100); /* end clamped */
    check_plan(idx, 299, UINT64_MAX, 2, 2, 110, 160, 99, 100);
    CHECK(!s4c_index_lookup_range(idx, 300, 301, &p)); /* start >= total */
    CHECK(!s4c_index_lookup_range(idx, 50, 50, &p));   /* empty range */
    CHECK(!s4c_index_lookup_range(idx, 60, 50, &p));
    s4c_index *empty = NULL;
    s4c_index_create(&empty);
    CHECK(!s4c_index_lookup_range(empty, 0, 10, &p));
    s4c_index_free(empty);
    s4c_index_free(idx);
}

/* End to end: encode with small chunks, plan through the sidecar, read ranges. */
/* Encodes src as a framed object with options o; returns the malloc'd body. */
static uint8_t *encode_object(const uint8_t *src, size_t size, const s4c_object_options *o,
                              size_t *n, s4c_object_info *info, s4c_index **idx) {
    size_t cap = 0;
    s4c_error_detail d;
    CHECK_OK(s4c_object_encode_bound(o, size, &cap, &d));
    uint8_t *body = malloc(cap);
    CHECK_OK(s4c_object_encode(src, size, o, body, cap, n, info, idx, &d));
    return body;
}

/* Reads [start, end) of the object through its index; checks it against src. */
static void check_range(s4c_object_decoder *dec, const s4c_index *idx, const uint8_t *body,
                        const uint8_t *src, size_t size, uint64_t start, uint64_t end,
                        uint8_t *out) {
    s4c_range_plan p;
    CHECK(s4c_index_lookup_range(idx, start, end, &p));
    size_t got = 0;
    s4c_error_detail d;
    CHECK_OK(s4c_object_decoder_decode_range(dec, &p, body + p.fetch_start,
                                             (size_t)(p.fetch_end - p.fetch_start), out, size,
                                             &got, &d));
    if (end > size) end = size;
    CHECK_EQ_U64(got, end - start);
    CHECK(memcmp(out, src + start, got) == 0);
}

static void test_range_reads(void) {
    enum { N = 300000 };
    uint8_t *src = malloc(N);
    check_fill(src, N, 11, 1);
    s4c_object_options o;
    s4c_object_options_init(&o);
    o.codec = S4C_KIND_PASSTHROUGH;
    o.framing = S4C_FRAMING_ALWAYS;
    if (s4c_kind_available(S4C_KIND_CPU_ZSTD)) o.codec = S4C_KIND_CPU_ZSTD;
    o.chunk_size = 65536;
    o.threads = 2;
    size_t n = 0;
    s4c_error_detail d;
    s4c_index *idx = NULL;
    s4c_object_info info;
    uint8_t *body = encode_object(src, N, &o, &n, &info, &idx);
    CHECK_EQ_U64(info.n_frames, 5);
    CHECK(s4c_object_needs_sidecar(&info));
    /* the encoder's index is the one build_index_from_body finds */
    uint8_t side_a[512], side_b[512];
    size_t la = 0, lb = 0;
    CHECK_OK(s4c_index_encode(idx, side_a, sizeof side_a, &la));
    s4c_index *built = NULL;
    CHECK_OK(s4c_build_index_from_body(body, n, &built, &d));
    CHECK_OK(s4c_index_encode(built, side_b, sizeof side_b, &lb));
    CHECK_EQ_U64(la, 44 + 5 * 32);
    CHECK(la == lb && memcmp(side_a, side_b, la) == 0);
    s4c_index_free(built);

    s4c_object_decoder *dec = NULL;
    s4c_object_decode_options dopts;
    s4c_object_decode_options_init(&dopts);
    dopts.threads = 2;
    CHECK_OK(s4c_object_decoder_create(&dopts, &dec, &d));
    uint8_t *out = malloc(N);
    const uint64_t ranges[][2] = {{0, 1},           {0, 65536},     {65535, 65537},
                                  {65536, 131072},  {1000, 299999}, {262144, 300000},
                                  {299999, 400000}, {0, N},         {131071, 131072}};
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        check_range(dec, idx, body, src, N, ranges[i][0], ranges[i][1], out);
    /* a stale plan: the fetched bytes decode to less than it needs */
    s4c_range_plan p;
    CHECK(s4c_index_lookup_range(idx, 65535, 65537, &p));
    size_t got = 0, count = 0;
    const s4c_index_entry *e = s4c_index_entries(idx, &count);
    CHECK_STATUS(s4c_object_decoder_decode_range(dec, &p, body, (size_t)e[0].compressed_size, out,
                                                 N, &got, &d),
                 S4C_ERROR_SIZE_MISMATCH);
    CHECK_STR_CONTAINS(d.message, "stale sidecar");
    /* a corrupt frame inside the range: the frame's own check fails */
    body[e[1].compressed_offset + 24] ^= 1;
    CHECK_STATUS(s4c_object_decoder_decode_range(dec, &p, body + p.fetch_start,
                                                 (size_t)(p.fetch_end - p.fetch_start), out, N,
                                                 &got, &d),
                 S4C_ERROR_CRC_MISMATCH);
    s4c_object_decoder_free(dec);
    s4c_index_free(idx);
    free(out);
    free(body);
    free(src);
}

/*
 * Range reads decode a partly covered frame whole into a kept buffer when it
 * is at most 16 MiB, and stream it through a small buffer when larger: both
 * paths, a read that touches one of each, and a corrupt large frame.
 */
static void test_range_reads_large_frames(void) {
    if (!s4c_kind_available(S4C_KIND_CPU_ZSTD)) return;
    const size_t N = (size_t)24 << 20, CH = (size_t)20 << 20;
    uint8_t *src = malloc(N);
    check_fill(src, N, 5, 1);
    s4c_object_options o;
    s4c_object_options_init(&o);
    o.codec = S4C_KIND_CPU_ZSTD;
    o.framing = S4C_FRAMING_ALWAYS;
    o.chunk_size = CH;
    size_t n = 0;
    s4c_error_detail d;
    s4c_index *idx = NULL;
    s4c_object_info info;
    uint8_t *body = encode_object(src, N, &o, &n, &info, &idx);
    CHECK_EQ_U64(info.n_frames, 2);
    s4c_object_decoder *dec = NULL;
    CHECK_OK(s4c_object_decoder_create(NULL, &dec, &d));
    uint8_t *out = malloc(N);
    const uint64_t ranges[][2] = {{100, 1048676},          /* inside the 20 MiB frame */
                                  {CH - 1000, CH + 1000},  /* across both */
                                  {CH + 5, CH + 70000},    /* inside the 4 MiB frame */
                                  {CH + 1, N}};
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        check_range(dec, idx, body, src, N, ranges[i][0], ranges[i][1], out);
    /* A flipped CRC in either frame's header fails the read, whichever path. */
    size_t count = 0;
    const s4c_index_entry *e = s4c_index_entries(idx, &count);
    for (size_t f = 0; f < 2; f++) {
        body[e[f].compressed_offset + 24] ^= 1;
        s4c_range_plan p;
        CHECK(s4c_index_lookup_range(idx, ranges[f * 2][0], ranges[f * 2][1], &p));
        size_t got = 0;
        CHECK_STATUS(s4c_object_decoder_decode_range(dec, &p, body + p.fetch_start,
                                                     (size_t)(p.fetch_end - p.fetch_start), out,
                                                     N, &got, &d),
                     S4C_ERROR_CRC_MISMATCH);
        body[e[f].compressed_offset + 24] ^= 1;
    }
    s4c_object_decoder_free(dec);
    s4c_index_free(idx);
    free(out);
    free(body);
    free(src);
}

/* The full vectors printed in docs/formats/s4ix.md. */
static void test_documented_vectors(void) {
    static const char *v2 = "53344958 02000000 0200000000000000 b400000000000000 c800000000000000"
                            "0000000000000000 00000000"
                            "0000000000000000 6400000000000000 0000000000000000 8000000000000000"
                            "6400000000000000 5000000000000000 8c00000000000000 3c00000000000000";
    static const char *bound = "53344958020000000200000000000000b400000000000000c800000000000000"
                               "c800000000000000 08000000 22616263313233 22";
    static const char *v3 = "53344958 03000000 0100000000000000 0a00000000000000 e803000000000000"
                            "0903000000000000 03000000 226522"
                            "00000100 03000000 3412 0102030405060708 f049020000000000 18000000"
                            "0000000000000000 0a00000000000000 0000000000000000 2800000000000000";
    uint8_t a[256], b[256], c[256];
    size_t na = check_unhex(v2, a, sizeof a);
    CHECK_EQ_U64(na, 108);
    writer w;
    make_example(&w);
    CHECK_MEM_EQ(a, w.buf, 108);
    size_t nb = check_unhex(bound, b, sizeof b);
    memcpy(b + nb, a + 44, 64);
    nb += 64;
    uint8_t out[256];
    size_t written = 0;
    s4c_error_detail d;
    CHECK_OK(s4c_bind_index(a, na, 200, "\"abc123\"", 8, out, sizeof out, &written, &d));
    CHECK(written == nb && nb == 116 && memcmp(out, b, nb) == 0);
    size_t nc = check_unhex(v3, c, sizeof c);
    CHECK_EQ_U64(nc, 109);
    s4c_index *idx = NULL;
    CHECK_OK(s4c_index_decode(c, nc, &idx, &d));
    s4c_sse_binding sse;
    CHECK(s4c_index_sse(idx, &sse) && sse.enc_plaintext_len == 150000 && sse.enc_key_id == 0x1234);
    CHECK_OK(s4c_index_encode(idx, out, sizeof out, &written));
    CHECK(written == nc && memcmp(out, c, nc) == 0);
    s4c_index_free(idx);
}

/* Regression (found by fuzz_s4ix_decode): an empty entry after a gap was chosen as the frame
 * holding `start`. Gaps and empty entries are legal in S4IX. */
static void test_range_gap_and_empty_entries_regression(void) {
    s4c_index *idx = NULL;
    s4c_error_detail d;
    s4c_range_plan p;
    s4c_index_create(&idx);
    s4c_index_entry only_empty = {0x10000000, 0, 50, 50};
    CHECK_OK(s4c_index_append(idx, &only_empty, &d));
    CHECK_EQ_U64(s4c_index_total_original(idx), 0x10000000);
    CHECK(!s4c_index_lookup_range(idx, 0, UINT64_MAX, &p)); /* all gap */
    s4c_index_free(idx);

    /* [0,10) gap [20,30) empty@30 [30,40) */
    s4c_index_create(&idx);
    s4c_index_entry e[4] = {{0, 10, 0, 40}, {20, 10, 40, 40}, {30, 0, 80, 0}, {30, 10, 80, 40}};
    for (int i = 0; i < 4; i++)
        CHECK_OK(s4c_index_append(idx, &e[i], &d));
    CHECK(!s4c_index_lookup_range(idx, 12, 18, &p)); /* inside the gap */
    CHECK(s4c_index_lookup_range(idx, 12, 25, &p));  /* starts in the gap */
    CHECK(p.first_entry == 1 && p.last_entry == 1 && p.original_start == 20 &&
          p.original_end == 25 && p.slice_start == 0 && p.slice_end == 5);
    CHECK(s4c_index_lookup_range(idx, 5, 15, &p)); /* ends in the gap */
    CHECK(p.first_entry == 0 && p.last_entry == 0 && p.original_end == 10 && p.slice_end == 10);
    CHECK(s4c_index_lookup_range(idx, 25, 35, &p)); /* across the empty entry */
    CHECK(p.first_entry == 1 && p.last_entry == 3 && p.fetch_start == 40 && p.fetch_end == 120);
    CHECK(s4c_index_lookup_range(idx, 30, 31, &p)); /* the empty entry is never chosen */
    CHECK(p.first_entry == 3 && p.last_entry == 3);
    s4c_index_free(idx);
}

int main(void) {
    test_example_v2();
    test_v1_v3();
    test_decode_checks();
    test_bind();
    test_append_invariants();
    test_build_from_body();
    test_lookup_range();
    test_range_reads();
    test_range_reads_large_frames();
    test_documented_vectors();
    test_range_gap_and_empty_entries_regression();
    return check_exit("test_index");
}
