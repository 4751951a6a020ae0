/*
 * test_frame.c — S4F2 / S4P1 frames: header bytes, read_frame's five checks in
 * order with S4's texts, the frame iterator (padding, 1–3 trailing bytes,
 * fusing), pad_to_minimum, and the chunk-size policy table.
 */
#include "check.h"
#include "s4codec.h"
#include "s4codec_frame.h"

#define CHECK_MSG(d, text) CHECK_STR_EQ((d).message, text)
#define CHECK_STR_EQ(a, b)                                                                         \
    do {                                                                                           \
        if (strcmp((a), (b)) != 0) {                                                               \
            fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, (a), (b));            \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

/* The 28-byte header of encode_s4_object(b"hello") (s4-compat.md §3.1). */
static const char *hello_header_hex =
    "53344632 01000000 0500000000000000 0e00000000000000 4cbb719a";
static const char *hello_body_hex = "53344632 01000000 0500000000000000 0e00000000000000 4cbb719a"
                                    "28b52ffd005829000068656c6c6f";

static size_t make_frame(uint8_t *out, uint32_t codec, const void *payload, size_t n,
                         uint64_t original, uint32_t crc) {
    s4c_manifest m = {codec, original, n, crc};
    s4c_frame_write_header(&m, out);
    memcpy(out + S4C_FRAME_HEADER_BYTES, payload, n);
    return S4C_FRAME_HEADER_BYTES + n;
}

static size_t make_padding(uint8_t *out, uint64_t pad_len) {
    s4c_padding_write_header(pad_len, out);
    memset(out + S4C_PADDING_HEADER_BYTES, 0, (size_t)pad_len);
    return S4C_PADDING_HEADER_BYTES + (size_t)pad_len;
}

static void test_header_golden(void) {
    uint8_t want[64], got[S4C_FRAME_HEADER_BYTES];
    size_t n = check_unhex(hello_header_hex, want, sizeof want);
    CHECK_EQ_U64(n, 28);
    s4c_manifest m = {S4C_KIND_CPU_ZSTD, 5, 14, 0x9A71BB4Cu};
    s4c_frame_write_header(&m, got);
    CHECK_MEM_EQ(got, want, 28);
    CHECK_EQ_U64(s4c_crc32c(0, "hello", 5), 2591144780u);

    uint8_t pad[S4C_PADDING_HEADER_BYTES];
    s4c_padding_write_header(0x0102030405060708ull, pad);
    uint8_t pad_want[12];
    check_unhex("53345031 0807060504030201", pad_want, sizeof pad_want);
    CHECK_MEM_EQ(pad, pad_want, 12);
    CHECK(memcmp(S4C_FRAME_MAGIC, "S4F2", 4) == 0 && memcmp(S4C_PADDING_MAGIC, "S4P1", 4) == 0);
}

static void test_read_frame(void) {
    uint8_t body[64];
    size_t n = check_unhex(hello_body_hex, body, sizeof body);
    CHECK_EQ_U64(n, 42);
    s4c_frame f;
    size_t used = 0;
    s4c_error_detail d;
    CHECK_OK(s4c_read_frame(body, n, &f, &used, &d));
    CHECK_EQ_U64(used, 42);
    CHECK_EQ_U64(f.header.codec, 1);
    CHECK_EQ_U64(f.header.original_size, 5);
    CHECK_EQ_U64(f.header.compressed_size, 14);
    CHECK_EQ_U64(f.header.crc32c, 0x9A71BB4Cu);
    CHECK(f.payload == body + 28 && f.payload_size == 14);
    /* rest: trailing bytes are left to the caller */
    uint8_t longer[80];
    memcpy(longer, body, 42);
    memset(longer + 42, 0xAA, 10);
    CHECK_OK(s4c_read_frame(longer, 52, &f, &used, &d));
    CHECK_EQ_U64(used, 42);

    /* 1. length before magic: even "S4F" or garbage is "too short" under 28 bytes */
    CHECK_STATUS(s4c_read_frame(body, 0, &f, &used, &d), S4C_ERROR_FRAME_TOO_SHORT);
    CHECK_MSG(d, "frame too short: need at least 28 bytes, have 0");
    CHECK_STATUS(s4c_read_frame("XYZ", 3, &f, &used, &d), S4C_ERROR_FRAME_TOO_SHORT);
    CHECK_MSG(d, "frame too short: need at least 28 bytes, have 3");
    CHECK_STATUS(s4c_read_frame(body, 27, &f, &used, &d), S4C_ERROR_FRAME_TOO_SHORT);
    CHECK_MSG(d, "frame too short: need at least 28 bytes, have 27");
    CHECK_EQ_U64(d.got, 27);
    CHECK(s4c_status_class(S4C_ERROR_FRAME_TOO_SHORT) == S4C_CLASS_FRAME);

    /* 2. magic */
    uint8_t bad[64];
    memcpy(bad, body, 42);
    memcpy(bad, "S4P1", 4);
    CHECK_STATUS(s4c_read_frame(bad, 42, &f, &used, &d), S4C_ERROR_FRAME_BAD_MAGIC);
    CHECK_MSG(d, "bad frame magic: expected [83, 52, 70, 50], got [83, 52, 80, 49]");
    memcpy(bad, "\x00\xff\x10\x7f", 4);
    CHECK_STATUS(s4c_read_frame(bad, 42, &f, &used, &d), S4C_ERROR_FRAME_BAD_MAGIC);
    CHECK_MSG(d, "bad frame magic: expected [83, 52, 70, 50], got [0, 255, 16, 127]");

    /* 3. codec id: 9 is unknown; the magic check runs first */
    memcpy(bad, body, 42);
    bad[4] = 9;
    CHECK_STATUS(s4c_read_frame(bad, 42, &f, &used, &d), S4C_ERROR_FRAME_UNKNOWN_CODEC);
    CHECK_MSG(d, "unknown codec id 9 in frame header (decoder out of date?)");
    bad[4] = 0xff, bad[5] = 0xff, bad[6] = 0xff, bad[7] = 0xff;
    bad[16] = 0xff; /* a bad size too: the codec check comes first */
    CHECK_STATUS(s4c_read_frame(bad, 42, &f, &used, &d), S4C_ERROR_FRAME_UNKNOWN_CODEC);
    CHECK_MSG(d, "unknown codec id 4294967295 in frame header (decoder out of date?)");
    /* every S4 id is known, GPU ones included (the iterator lists them) */
    for (uint32_t id = 0; id <= 8; id++) {
        memcpy(bad, body, 42);
        bad[4] = (uint8_t)id;
        CHECK_OK(s4c_read_frame(bad, 42, &f, &used, &d));
    }

    /* 4. payload beyond usize: only reachable where size_t is narrower than 64 bits */
    memcpy(bad, body, 42);
    memset(bad + 16, 0xff, 8);
    s4c_status st = s4c_read_frame(bad, 42, &f, &used, &d);
    if (SIZE_MAX < UINT64_MAX) {
        CHECK_STATUS(st, S4C_ERROR_FRAME_PAYLOAD_TOO_LARGE);
        CHECK_MSG(d, "frame payload size 18446744073709551615 exceeds usize on this target");
    } else {
        /* 5. payload beyond the buffer */
        CHECK_STATUS(st, S4C_ERROR_FRAME_PAYLOAD_TRUNCATED);
        CHECK_MSG(d, "frame compressed_size 18446744073709551615 exceeds remaining buffer 14");
    }
    CHECK_STATUS(s4c_read_frame(body, 41, &f, &used, &d), S4C_ERROR_FRAME_PAYLOAD_TRUNCATED);
    CHECK_MSG(d, "frame compressed_size 14 exceeds remaining buffer 13");
    CHECK_EQ_U64(d.expected, 14);
    CHECK_EQ_U64(d.got, 13);
    CHECK_STATUS(s4c_read_frame(body, 28, &f, &used, &d), S4C_ERROR_FRAME_PAYLOAD_TRUNCATED);
    CHECK_MSG(d, "frame compressed_size 14 exceeds remaining buffer 0");

    /* original_size and crc32c are not validated by read_frame */
    memcpy(bad, body, 42);
    memset(bad + 8, 0xff, 8);
    bad[24] ^= 0xff;
    CHECK_OK(s4c_read_frame(bad, 42, &f, &used, &d));
    CHECK_EQ_U64(f.header.original_size, UINT64_MAX);

    /* a zero-length payload is a valid frame */
    uint8_t empty[28];
    make_frame(empty, 0, "", 0, 0, 0);
    CHECK_OK(s4c_read_frame(empty, 28, &f, &used, &d));
    CHECK_EQ_U64(used, 28);
    CHECK_EQ_U64(f.payload_size, 0);
    CHECK_STATUS(s4c_read_frame(NULL, 5, &f, &used, &d), S4C_ERROR_INVALID_ARGUMENT);
}

/* Runs the iterator to its end; returns the frames seen, the final status in *st. */
static size_t iterate(const uint8_t *body, size_t n, s4c_status *st, s4c_error_detail *d,
                      s4c_frame *frames, size_t max) {
    s4c_frame_iter it;
    s4c_frame_iter_init(&it, body, n);
    size_t count = 0;
    for (;;) {
        s4c_frame f;
        int has = 0;
        *st = s4c_frame_iter_next(&it, &f, &has, d);
        if (*st != S4C_OK || !has) break;
        if (count < max) frames[count] = f;
        count++;
    }
    return count;
}

static void test_iterator(void) {
    uint8_t body[512];
    s4c_frame fr[8];
    s4c_status st;
    s4c_error_detail d;
    size_t n = 0;
    n += make_frame(body + n, 0, "abc", 3, 3, s4c_crc32c(0, "abc", 3));
    size_t pad_at = n;
    n += make_padding(body + n, 20);
    size_t second = n;
    n += make_frame(body + n, 1, "zz", 2, 99, 7);
    n += make_padding(body + n, 0);

    CHECK_EQ_U64(iterate(body, n, &st, &d, fr, 8), 2);
    CHECK_OK(st);
    CHECK_EQ_U64(fr[0].offset, 0);
    CHECK_EQ_U64(fr[1].offset, second);
    CHECK_EQ_U64(fr[1].header.original_size, 99);
    CHECK(memcmp(fr[1].payload, "zz", 2) == 0);
    CHECK_EQ_U64(pad_at, 31);

    /* empty body: no frames, no error; padding only: the same */
    CHECK_EQ_U64(iterate(body, 0, &st, &d, fr, 8), 0);
    CHECK_OK(st);
    CHECK_EQ_U64(iterate(body + pad_at, 32, &st, &d, fr, 8), 0);
    CHECK_OK(st);

    /* 1–3 trailing bytes: TooShort(k) after the good frames */
    for (size_t k = 1; k <= 3; k++) {
        uint8_t tail[600];
        memcpy(tail, body, n);
        memcpy(tail + n, "S4P1", k);
        CHECK_EQ_U64(iterate(tail, n + k, &st, &d, fr, 8), 2);
        CHECK_STATUS(st, S4C_ERROR_FRAME_TOO_SHORT);
        char want[80];
        snprintf(want, sizeof want, "frame too short: need at least 28 bytes, have %zu", k);
        CHECK_MSG(d, want);
    }
    /* trailing garbage of 4..27 bytes: read_frame's TooShort */
    {
        uint8_t tail[600];
        memcpy(tail, body, n);
        memset(tail + n, 'x', 27);
        CHECK_EQ_U64(iterate(tail, n + 27, &st, &d, fr, 8), 2);
        CHECK_STATUS(st, S4C_ERROR_FRAME_TOO_SHORT);
        CHECK_MSG(d, "frame too short: need at least 28 bytes, have 27");
        /* 28 bytes of garbage: bad magic */
        memset(tail + n, 'x', 28);
        CHECK_EQ_U64(iterate(tail, n + 28, &st, &d, fr, 8), 2);
        CHECK_STATUS(st, S4C_ERROR_FRAME_BAD_MAGIC);
        CHECK_MSG(d, "bad frame magic: expected [83, 52, 70, 50], got [120, 120, 120, 120]");
    }
    /* S4P1 with fewer than 12 bytes: TooShort(k) */
    for (size_t k = 4; k < 12; k++) {
        uint8_t p[12];
        s4c_padding_write_header(0, p);
        CHECK_EQ_U64(iterate(p, k, &st, &d, fr, 8), 0);
        CHECK_STATUS(st, S4C_ERROR_FRAME_TOO_SHORT);
        char want[80];
        snprintf(want, sizeof want, "frame too short: need at least 28 bytes, have %zu", k);
        CHECK_MSG(d, want);
    }
    /* pad_len beyond the remaining bytes: PayloadTruncated{pad_len, remaining} */
    {
        uint8_t p[64];
        size_t m = make_padding(p, 10);
        CHECK_EQ_U64(iterate(p, m - 1, &st, &d, fr, 8), 0);
        CHECK_STATUS(st, S4C_ERROR_FRAME_PAYLOAD_TRUNCATED);
        CHECK_MSG(d, "frame compressed_size 10 exceeds remaining buffer 9");
        s4c_padding_write_header(UINT64_MAX, p);
        st = S4C_OK;
        CHECK_EQ_U64(iterate(p, 20, &st, &d, fr, 8), 0);
        if (SIZE_MAX < UINT64_MAX) {
            CHECK_STATUS(st, S4C_ERROR_FRAME_PAYLOAD_TOO_LARGE);
        } else {
            CHECK_STATUS(st, S4C_ERROR_FRAME_PAYLOAD_TRUNCATED);
            CHECK_MSG(d, "frame compressed_size 18446744073709551615 exceeds remaining buffer 8");
        }
    }
    /* fused: after an error, only "end" — and the error stays readable */
    {
        uint8_t tail[600];
        memcpy(tail, body, n);
        memset(tail + n, 'x', 40);
        memcpy(tail + n + 40, body, n); /* good frames after the garbage are never reached */
        s4c_frame_iter it;
        s4c_frame_iter_init(&it, tail, 2 * n + 40);
        s4c_frame f;
        int has = 0, frames = 0;
        while ((st = s4c_frame_iter_next(&it, &f, &has, &d)) == S4C_OK && has)
            frames++;
        CHECK_EQ_U64(frames, 2);
        CHECK_STATUS(st, S4C_ERROR_FRAME_BAD_MAGIC);
        CHECK_EQ_U64(s4c_frame_iter_offset(&it), n);
        for (int i = 0; i < 3; i++) {
            CHECK_OK(s4c_frame_iter_next(&it, &f, &has, &d));
            CHECK(!has);
        }
        CHECK_STATUS(s4c_frame_iter_status(&it), S4C_ERROR_FRAME_BAD_MAGIC);
    }
    /* a bad frame after padding is reported (padding never hides it) */
    {
        uint8_t p[64];
        size_t m = make_padding(p, 4);
        memcpy(p + m, body, 28);
        p[m + 4] = 42;
        CHECK_EQ_U64(iterate(p, m + 28 + 3, &st, &d, fr, 8), 0);
        CHECK_STATUS(st, S4C_ERROR_FRAME_UNKNOWN_CODEC);
    }
}

static void test_pad_to_minimum(void) {
    CHECK_EQ_U64(s4c_pad_to_minimum_size(100, 100), 0);
    CHECK_EQ_U64(s4c_pad_to_minimum_size(101, 100), 0);
    CHECK_EQ_U64(s4c_pad_to_minimum_size(88, 100), 12); /* need 12: pad_len 0, exact */
    CHECK_EQ_U64(s4c_pad_to_minimum_size(0, 100), 100); /* exact */
    CHECK_EQ_U64(s4c_pad_to_minimum_size(99, 100), 12); /* need 1: 11 bytes over */
    CHECK_EQ_U64(s4c_pad_to_minimum_size(95, 100), 12); /* need 5: 7 over */
    CHECK_EQ_U64(s4c_pad_to_minimum_size(89, 100), 12); /* need 11: 1 over */
    CHECK_EQ_U64(s4c_pad_to_minimum_size(1000, S4C_MULTIPART_MIN_PART), 5242880 - 1000);

    uint8_t buf[256];
    memset(buf, 0xEE, sizeof buf);
    size_t len = 0;
    CHECK_OK(s4c_pad_to_minimum(buf, 20, sizeof buf, 100, &len));
    CHECK_EQ_U64(len, 100);
    CHECK(memcmp(buf + 20, "S4P1", 4) == 0);
    uint8_t want_len[8] = {68, 0, 0, 0, 0, 0, 0, 0};
    CHECK_MEM_EQ(buf + 24, want_len, 8);
    for (size_t i = 32; i < 100; i++)
        CHECK(buf[i] == 0);
    CHECK(buf[100] == 0xEE);
    CHECK_OK(s4c_pad_to_minimum(buf, 95, sizeof buf, 100, &len));
    CHECK_EQ_U64(len, 107); /* 7 over */
    CHECK_OK(s4c_pad_to_minimum(buf, 120, sizeof buf, 100, &len));
    CHECK_EQ_U64(len, 120);
    CHECK_STATUS(s4c_pad_to_minimum(buf, 200, 210, 300, &len), S4C_ERROR_DST_TOO_SMALL);

    /* a padded frame iterates as the frame alone */
    uint8_t body[128];
    size_t n = make_frame(body, 0, "hi", 2, 2, s4c_crc32c(0, "hi", 2));
    CHECK_OK(s4c_pad_to_minimum(body, n, sizeof body, 100, &len));
    s4c_status st;
    s4c_error_detail d;
    s4c_frame fr[2];
    CHECK_EQ_U64(iterate(body, len, &st, &d, fr, 2), 1);
    CHECK_OK(st);
}

static void test_chunk_policy(void) {
    CHECK_EQ_U64(s4c_pick_chunk_size(0), 1048576);
    CHECK_EQ_U64(s4c_pick_chunk_size(1), 1048576);
    CHECK_EQ_U64(s4c_pick_chunk_size(1048576), 1048576);
    CHECK_EQ_U64(s4c_pick_chunk_size(1048577), 4194304);
    CHECK_EQ_U64(s4c_pick_chunk_size(104857600), 4194304);
    CHECK_EQ_U64(s4c_pick_chunk_size(104857601), 16777216);
    CHECK_EQ_U64(s4c_pick_chunk_size(UINT64_MAX), 16777216);
    CHECK_EQ_U64(s4c_pick_chunk_size_opt(NULL), 4194304);
    uint64_t n = 5;
    CHECK_EQ_U64(s4c_pick_chunk_size_opt(&n), 1048576);
    CHECK_EQ_U64(S4C_DEFAULT_CHUNK_SIZE, 4194304);
}

int main(void) {
    test_header_golden();
    test_read_frame();
    test_iterator();
    test_pad_to_minimum();
    test_chunk_policy();
    return check_exit("test_frame");
}
