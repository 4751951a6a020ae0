/*
 * test_state_blob.c — the generic parts of saved decoder states: body helpers
 * (varints, windows, bounds-checked reads) and the S4CS envelope checks that
 * run before any codec sees a blob. Codec bodies are tested per codec
 * (test_lz4_resume.c, test_gzip_resume.c, test_zstd_resume.c).
 */
#include "../../src/stream/state_blob.h"
#include "check.h"
#include "s4codec_resume.h"

static void test_varints(void) {
    const uint64_t values[] = {0, 1, 127, 128, 300, 16383, 16384, UINT32_MAX, (uint64_t)1 << 63,
                               UINT64_MAX};
    s4c_blob_writer w;
    s4c_blob_writer_init(&w);
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) s4c_blob_put_varint(&w, values[i]);
    CHECK_STATUS(s4c_blob_writer_status(&w), S4C_OK);
    s4c_blob_reader r;
    s4c_blob_reader_init(&r, w.buf, w.size);
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        CHECK_EQ_U64(s4c_blob_get_varint(&r), values[i]);
    CHECK(s4c_blob_reader_done(&r));
    s4c_blob_writer_release(&w);

    /* 0x80 0x00 encodes 0 in two bytes: not canonical. */
    const uint8_t redundant[] = {0x80, 0x00};
    s4c_blob_reader_init(&r, redundant, sizeof(redundant));
    s4c_blob_get_varint(&r);
    CHECK(r.bad && strstr(r.why, "not canonical"));
    /* Ten bytes whose last carries more than bit 63. */
    const uint8_t overflow[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    s4c_blob_reader_init(&r, overflow, sizeof(overflow));
    s4c_blob_get_varint(&r);
    CHECK(r.bad && strstr(r.why, "overflows"));
    /* Runs off the end. */
    const uint8_t open_ended[] = {0x80, 0x80};
    s4c_blob_reader_init(&r, open_ended, sizeof(open_ended));
    s4c_blob_get_varint(&r);
    CHECK(r.bad && strstr(r.why, "truncated"));
    s4c_error_detail d;
    CHECK_STATUS(s4c_blob_reader_status(&r, &d), S4C_ERROR_STATE_INVALID);
    CHECK(strncmp(d.message, "invalid saved state: truncated", 30) == 0);
    /* Once bad, later reads return zeros and the first reason stays. */
    CHECK_EQ_U64(s4c_blob_get_u64(&r), 0);
    CHECK(strstr(r.why, "truncated"));
}

static void test_fixed_and_bytes(void) {
    s4c_blob_writer w;
    s4c_blob_writer_init(&w);
    s4c_blob_put_u8(&w, 0xAB);
    s4c_blob_put_u32(&w, 0x01020304u);
    s4c_blob_put_u64(&w, 0x1122334455667788ull);
    s4c_blob_put_bytes(&w, "xyz", 3);
    const uint8_t want[] = {0xAB, 4, 3, 2, 1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
                            'x', 'y', 'z'};
    CHECK_EQ_U64(w.size, sizeof(want));
    CHECK(memcmp(w.buf, want, sizeof(want)) == 0);
    s4c_blob_reader r;
    s4c_blob_reader_init(&r, w.buf, w.size);
    CHECK_EQ_U64(s4c_blob_get_u8(&r), 0xAB);
    CHECK_EQ_U64(s4c_blob_get_u32(&r), 0x01020304u);
    CHECK_EQ_U64(s4c_blob_get_u64(&r), 0x1122334455667788ull);
    CHECK(memcmp(s4c_blob_get_bytes(&r, 3), "xyz", 3) == 0);
    CHECK(s4c_blob_reader_done(&r));
    CHECK(s4c_blob_get_bytes(&r, 1) == NULL && r.bad);
    s4c_blob_writer_release(&w);
}

static void test_windows(void) {
    static uint8_t text[32768], noise[4096], back[32768];
    for (size_t i = 0; i < sizeof(text); i++) text[i] = (uint8_t)("the quick brown fox "[i % 20]);
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(noise); i++) {
        x = x * 1103515245u + 12345u;
        noise[i] = (uint8_t)(x >> 24);
    }
    s4c_blob_writer w;
    s4c_blob_writer_init(&w);
    s4c_blob_put_window(&w, text, sizeof(text));  /* compresses: zstd */
    size_t after_text = w.size;
    s4c_blob_put_window(&w, noise, sizeof(noise)); /* does not: raw */
    s4c_blob_put_window(&w, NULL, 0);
    CHECK_STATUS(s4c_blob_writer_status(&w), S4C_OK);
    CHECK(after_text < 200);                             /* 32 KiB of repetition */
    CHECK(w.size - after_text == 2 + 1 + sizeof(noise) + 1); /* varint 4096, method, bytes, empty */
    s4c_blob_reader r;
    s4c_blob_reader_init(&r, w.buf, w.size);
    size_t n = 0;
    s4c_blob_get_window(&r, back, sizeof(back), &n);
    CHECK(n == sizeof(text) && memcmp(back, text, n) == 0);
    s4c_blob_get_window(&r, back, sizeof(back), &n);
    CHECK(n == sizeof(noise) && memcmp(back, noise, n) == 0);
    s4c_blob_get_window(&r, back, sizeof(back), &n);
    CHECK(n == 0 && s4c_blob_reader_done(&r));

    /* A window larger than the codec allows. */
    s4c_blob_reader_init(&r, w.buf, w.size);
    s4c_blob_get_window(&r, back, 1024, &n);
    CHECK(r.bad && strstr(r.why, "exceeds") && n == 0);
    /* A compressed window whose frame is damaged. */
    uint8_t *bad = malloc(after_text);
    memcpy(bad, w.buf, after_text);
    bad[after_text - 3] ^= 0x55;
    s4c_blob_reader_init(&r, bad, after_text);
    s4c_blob_get_window(&r, back, sizeof(back), &n);
    CHECK(r.bad && n == 0);
    /* Unknown method byte (offset 3: after the 3-byte varint 32768). */
    memcpy(bad, w.buf, after_text);
    bad[3] = 7;
    s4c_blob_reader_init(&r, bad, after_text);
    s4c_blob_get_window(&r, back, sizeof(back), &n);
    CHECK(r.bad && strstr(r.why, "unknown window encoding 7"));
    free(bad);
    s4c_blob_writer_release(&w);
}

/* A syntactically valid envelope around an empty body, for the checks that
 * come before any codec: kind, positions, fingerprint. */
static size_t make_envelope(uint8_t *b, uint16_t kind, uint8_t flags, uint64_t consumed,
                            uint64_t produced, uint64_t resume, uint64_t resume_produced,
                            uint32_t fp_len) {
    memset(b, 0, 60);
    memcpy(b, "S4CS", 4);
    b[4] = 1;
    b[5] = flags;
    b[6] = (uint8_t)kind;
    b[7] = (uint8_t)(kind >> 8);
    s4c_store_le32(b + 8, 60);
    s4c_store_le64(b + 12, consumed);
    s4c_store_le64(b + 20, produced);
    s4c_store_le64(b + 28, resume);
    s4c_store_le64(b + 36, resume_produced);
    s4c_store_le32(b + 44, fp_len);
    s4c_store_le32(b + 56, s4c_crc32c(0, b, 56));
    return 60;
}

static void expect_inspect(const uint8_t *b, size_t n, s4c_status want, const char *text) {
    s4c_state_info info;
    s4c_error_detail d;
    CHECK_STATUS(s4c_state_inspect(b, n, &info, &d), want);
    if (!strstr(d.message, text)) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", d.message, text);
        CHECK(0);
    }
}

static void test_envelope_order(void) {
    uint8_t b[64];
    size_t n = make_envelope(b, S4C_KIND_PASSTHROUGH, 0, 10, 20, 0, 0, 10);
    expect_inspect(b, 3, S4C_ERROR_STATE_INVALID, "not a saved decoder state");
    uint8_t other[60];
    memcpy(other, b, n);
    other[0] = 'X';
    expect_inspect(other, n, S4C_ERROR_STATE_INVALID, "no \"S4CS\" magic");
    memcpy(other, b, n);
    other[4] = 2;
    expect_inspect(other, n, S4C_ERROR_STATE_VERSION, "version 2 is not supported");
    expect_inspect(b, 59, S4C_ERROR_STATE_INVALID, "shorter than the 60-byte envelope");
    memcpy(other, b, n);
    s4c_store_le32(other + 8, 61);
    expect_inspect(other, n, S4C_ERROR_STATE_INVALID, "declares 61 bytes but 60 were given");
    memcpy(other, b, n);
    other[20] ^= 1;
    expect_inspect(other, n, S4C_ERROR_STATE_INVALID, "CRC32C mismatch");
    n = make_envelope(other, S4C_KIND_PASSTHROUGH, 0x80, 10, 20, 0, 0, 10);
    expect_inspect(other, n, S4C_ERROR_STATE_INVALID, "unknown flags 0x80");
    n = make_envelope(other, S4C_KIND_PASSTHROUGH, 0, 10, 20, 0, 0, 10);
    expect_inspect(other, n, S4C_ERROR_STATE_INVALID, "codec kind 0 has no resumable decoder");
    n = make_envelope(other, 999, 0, 10, 20, 0, 0, 10);
    expect_inspect(other, n, S4C_ERROR_STATE_INVALID, "codec kind 999 has no resumable decoder");
}

static void test_no_hooks(void) {
    s4c_decoder *dec = NULL;
    CHECK_STATUS(s4c_decoder_create(S4C_KIND_PASSTHROUGH, NULL, &dec, NULL), S4C_OK);
    uint8_t buf[256];
    size_t size = 1;
    s4c_error_detail d;
    s4c_status st = s4c_decoder_save(dec, buf, sizeof(buf), &size, &d);
    CHECK_STATUS(st, S4C_ERROR_UNSUPPORTED);
    CHECK(size == 0 && strstr(d.message, "passthrough decoders cannot be saved"));
    s4c_decoder *c = NULL;
    CHECK_STATUS(s4c_decoder_clone(dec, &c, &d), S4C_ERROR_UNSUPPORTED);
    CHECK(c == NULL);
    s4c_decoder_position pos;
    CHECK_STATUS(s4c_decoder_get_position(dec, &pos), S4C_ERROR_UNSUPPORTED);
    CHECK_STATUS(s4c_decoder_get_position(NULL, &pos), S4C_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(s4c_decoder_save(dec, buf, sizeof(buf), NULL, &d), S4C_ERROR_INVALID_ARGUMENT);
    s4c_decoder_free(dec);
    s4c_decoder *out = (s4c_decoder *)&d;
    CHECK_STATUS(s4c_decoder_load(NULL, 0, NULL, 0, NULL, &out, &d), S4C_ERROR_INVALID_ARGUMENT);
}

int main(void) {
    test_varints();
    test_fixed_and_bytes();
    test_windows();
    test_envelope_order();
    test_no_hooks();
    return check_exit("test_state_blob");
}
