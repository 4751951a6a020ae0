/*
 * test_object.c — the object encoder/decoder: the 42-byte "hello" golden, the
 * metadata values, frame counts at the chunk-size edges, parallel output
 * byte-identical to one thread, streaming (1-byte feeds, tiny output buffers)
 * identical to whole-buffer encoding, decode checks per frame (a CRC flip at
 * byte 24, S4's error order across frames), passthrough bodies.
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

static int have_zstd;

/* The codec framed tests use: cpu-zstd when built, else framed passthrough. */
static void framed_options(s4c_object_options *o, unsigned threads) {
    s4c_object_options_init(o);
    o->threads = threads;
    if (!have_zstd) {
        o->codec = S4C_KIND_PASSTHROUGH;
        o->framing = S4C_FRAMING_ALWAYS;
    }
}

/* Encodes with `o`; returns a malloc'd body. */
static uint8_t *encode(const void *src, size_t n, const s4c_object_options *o, size_t *len,
                       s4c_object_info *info, s4c_index **idx) {
    size_t cap = 0;
    s4c_error_detail d;
    CHECK_OK(s4c_object_encode_bound(o, n, &cap, &d));
    uint8_t *body = malloc(cap ? cap : 1);
    s4c_status st = s4c_object_encode(src, n, o, body, cap, len, info, idx, &d);
    CHECK_OK(st);
    if (st != S4C_OK) fprintf(stderr, "encode: %s\n", d.message);
    return body;
}

static void check_roundtrip(const uint8_t *body, size_t len, const void *src, size_t n,
                            unsigned threads) {
    s4c_object_decode_options o;
    s4c_object_decode_options_init(&o);
    o.threads = threads;
    uint64_t size = 0, frames = 0;
    s4c_error_detail d;
    CHECK_OK(s4c_object_decoded_size(body, len, &size, &frames, &d));
    CHECK_EQ_U64(size, n);
    uint8_t *out = malloc(n ? n : 1);
    size_t written = 0;
    s4c_object_info info;
    CHECK_OK(s4c_object_decode(body, len, &o, out, n, &written, &info, &d));
    CHECK_EQ_U64(written, n);
    CHECK_EQ_U64(info.n_frames, frames);
    CHECK(memcmp(out, src, n) == 0);
    free(out);
}

static void test_hello_golden(void) {
    static const char *hello_hex = "53344632 01000000 0500000000000000 0e00000000000000 4cbb719a"
                                   "28b52ffd005829000068656c6c6f";
    uint8_t want[64];
    CHECK_EQ_U64(check_unhex(hello_hex, want, sizeof want), 42);
    if (!have_zstd) {
        fprintf(stderr, "test_object: cpu-zstd unavailable, 42-byte golden skipped\n");
        return;
    }
    s4c_object_options o;
    s4c_object_options_init(&o); /* cpu-zstd, level 3 */
    o.codec_options.level = 3;
    size_t len = 0;
    s4c_object_info info;
    s4c_index *idx = NULL;
    uint8_t *body = encode("hello", 5, &o, &len, &info, &idx);
    CHECK_EQ_U64(len, 42);
    CHECK_MEM_EQ(body, want, 42);
    CHECK_EQ_U64(info.n_frames, 1);
    CHECK(!s4c_object_needs_sidecar(&info));
    CHECK_EQ_U64(info.crc32c, 2591144780u);
    CHECK_EQ_U64(info.chunk_size, 1048576);
    CHECK(idx != NULL);

    s4c_metadata m;
    CHECK_OK(s4c_object_metadata(&info, &m));
    CHECK_EQ_U64(m.count, 5);
    const char *keys[] = {"s4-codec", "s4-original-size", "s4-compressed-size", "s4-crc32c",
                          "s4-framed"};
    const char *values[] = {"cpu-zstd", "5", "42", "2591144780", "true"};
    for (int i = 0; i < 5; i++) {
        CHECK_STR_EQ(m.items[i].key, keys[i]);
        CHECK_STR_EQ(m.items[i].value, values[i]);
    }
    char json[256];
    size_t jn = 0;
    CHECK_OK(s4c_metadata_to_json(&m, json, sizeof json, &jn));
    CHECK_STR_EQ(json, "{\"s4-codec\": \"cpu-zstd\", \"s4-original-size\": \"5\", "
                       "\"s4-compressed-size\": \"42\", \"s4-crc32c\": \"2591144780\", "
                       "\"s4-framed\": \"true\"}\n");
    CHECK_EQ_U64(jn, strlen(json));
    CHECK_STATUS(s4c_metadata_to_json(&m, json, 10, &jn), S4C_ERROR_DST_TOO_SMALL);
    CHECK_EQ_U64(jn, strlen("{\"s4-codec\": \"cpu-zstd\", \"s4-original-size\": \"5\", "
                            "\"s4-compressed-size\": \"42\", \"s4-crc32c\": \"2591144780\", "
                            "\"s4-framed\": \"true\"}\n"));

    /* decode it back; the header is the manifest */
    uint8_t out[8];
    size_t written = 0;
    s4c_error_detail d;
    CHECK_OK(s4c_object_decode(body, len, NULL, out, sizeof out, &written, NULL, &d));
    CHECK(written == 5 && memcmp(out, "hello", 5) == 0);

    /* a CRC flip at byte 24 fails with S4's crc mismatch */
    body[24] ^= 0x01;
    s4c_object_info dinfo;
    CHECK_STATUS(s4c_object_decode(body, len, NULL, out, sizeof out, &written, &dinfo, &d),
                 S4C_ERROR_CRC_MISMATCH);
    CHECK_STR_EQ(d.message,
                 "crc32c mismatch (chunk corruption?): expected 0x9a71bb4d, got 0x9a71bb4c");
    CHECK_EQ_U64(dinfo.error_frame, 0);
    s4c_index_free(idx);
    free(body);
}

static void test_empty_and_passthrough(void) {
    /* empty framed body: no frames, no sidecar, metadata "0"s and s4-framed */
    s4c_object_options o;
    framed_options(&o, 0);
    size_t len = 99;
    s4c_object_info info;
    s4c_index *idx = NULL;
    uint8_t *body = encode("", 0, &o, &len, &info, &idx);
    CHECK_EQ_U64(len, 0);
    CHECK_EQ_U64(info.n_frames, 0);
    CHECK(!s4c_object_needs_sidecar(&info));
    s4c_metadata m;
    CHECK_OK(s4c_object_metadata(&info, &m));
    CHECK_EQ_U64(m.count, 5);
    CHECK_STR_EQ(m.items[1].value, "0");
    CHECK_STR_EQ(m.items[2].value, "0");
    CHECK_STR_EQ(m.items[3].value, "0");
    CHECK_STR_EQ(m.items[4].value, "true");
    size_t n = 0;
    s4c_index_entries(idx, &n);
    CHECK_EQ_U64(n, 0);
    s4c_index_free(idx);
    free(body);

    /* passthrough under the single-PUT rule: raw, unframed, four keys */
    s4c_object_options_init(&o);
    o.codec = S4C_KIND_PASSTHROUGH;
    body = encode("raw bytes", 9, &o, &len, &info, &idx);
    CHECK(len == 9 && memcmp(body, "raw bytes", 9) == 0);
    CHECK(idx == NULL);
    CHECK(!info.framed && info.n_frames == 0);
    CHECK_EQ_U64(info.crc32c, s4c_crc32c(0, "raw bytes", 9));
    CHECK_OK(s4c_object_metadata(&info, &m));
    CHECK_EQ_U64(m.count, 4);
    CHECK_STR_EQ(m.items[0].value, "passthrough");
    CHECK_STR_EQ(m.items[2].value, "9");
    /* read back with its metadata manifest */
    s4c_object_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_object_decoder_create(NULL, &dec, &d));
    s4c_manifest man = {S4C_KIND_PASSTHROUGH, 9, 9, info.crc32c};
    uint8_t out[16];
    size_t written = 0;
    CHECK_OK(s4c_object_decoder_decode_unframed(dec, &man, body, 9, out, sizeof out, &written, &d));
    CHECK(written == 9 && memcmp(out, "raw bytes", 9) == 0);
    man.crc32c ^= 1;
    CHECK_STATUS(
        s4c_object_decoder_decode_unframed(dec, &man, body, 9, out, sizeof out, &written, &d),
        S4C_ERROR_CRC_MISMATCH);
    s4c_object_decoder_free(dec);
    free(body);

    /* framed passthrough: frames with codec 0 */
    o.framing = S4C_FRAMING_ALWAYS;
    body = encode("abc", 3, &o, &len, &info, &idx);
    CHECK_EQ_U64(len, 31);
    CHECK(info.framed && info.n_frames == 1);
    check_roundtrip(body, len, "abc", 3, 1);
    s4c_index_free(idx);
    free(body);
}

static void test_chunk_edges(void) {
    enum { MIB = 1048576 };
    static const struct {
        size_t size;
        uint64_t frames, chunk;
    } cases[] = {
        {MIB, 1, MIB},         {4 * MIB - 1, 1, 4 * MIB},
        {4 * MIB, 1, 4 * MIB}, {4 * MIB + 1, 2, 4 * MIB},
        {9 * MIB, 3, 4 * MIB}, {MIB + 1, 1, 4 * MIB},
        {1, 1, MIB},
    };
    uint8_t *src = malloc(9 * MIB);
    check_fill(src, 9 * MIB, 3, 1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s4c_object_options o;
        framed_options(&o, 2);
        size_t len = 0;
        s4c_object_info info;
        s4c_index *idx = NULL;
        uint8_t *body = encode(src, cases[i].size, &o, &len, &info, &idx);
        CHECK_EQ_U64(info.n_frames, cases[i].frames);
        CHECK_EQ_U64(info.chunk_size, cases[i].chunk);
        CHECK_EQ_U64(info.original_size, cases[i].size);
        CHECK_EQ_U64(info.compressed_size, len);
        CHECK_EQ_U64(info.crc32c, s4c_crc32c(0, src, cases[i].size));
        CHECK_EQ_U64(s4c_object_needs_sidecar(&info), cases[i].frames > 1);
        /* the frames are consecutive slices, the last one shorter */
        size_t count = 0;
        const s4c_index_entry *e = s4c_index_entries(idx, &count);
        CHECK_EQ_U64(count, cases[i].frames);
        for (size_t k = 0; k < count; k++) {
            uint64_t want =
                k + 1 < count ? cases[i].chunk : cases[i].size - (count - 1) * cases[i].chunk;
            CHECK_EQ_U64(e[k].original_size, want);
        }
        check_roundtrip(body, len, src, cases[i].size, 2);
        s4c_index_free(idx);
        free(body);
    }
    free(src);
}

static void test_parallel_identical(void) {
    enum { N = 3 * 1048576 + 12345 };
    uint8_t *src = malloc(N);
    check_fill(src, N, 5, 1);
    uint8_t *ref = NULL;
    size_t ref_len = 0;
    const unsigned threads[] = {1, 2, 4, 3, 0};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        s4c_object_options o;
        framed_options(&o, threads[t]);
        o.chunk_size = 100000; /* 32 frames */
        size_t len = 0;
        s4c_object_info info;
        uint8_t *body = encode(src, N, &o, &len, &info, NULL);
        CHECK_EQ_U64(info.n_frames, (N + 99999) / 100000);
        CHECK_EQ_U64(info.crc32c, s4c_crc32c(0, src, N));
        if (!ref) {
            ref = body;
            ref_len = len;
            continue;
        }
        CHECK(len == ref_len && memcmp(body, ref, len) == 0);
        free(body);
    }
    for (unsigned t = 1; t <= 4; t *= 2)
        check_roundtrip(ref, ref_len, src, N, t);
    /* the encoder is reusable, and gives the same bytes again */
    s4c_object_options o;
    framed_options(&o, 4);
    o.chunk_size = 100000;
    s4c_object_encoder *e = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_object_encoder_create(&o, &e, &d));
    size_t cap = 0, len = 0;
    CHECK_OK(s4c_object_encoder_bound(e, N, &cap, &d));
    uint8_t *body = malloc(cap);
    for (int round = 0; round < 2; round++) {
        CHECK_OK(s4c_object_encoder_encode(e, src, N, body, cap, &len, &d));
        CHECK(len == ref_len && memcmp(body, ref, len) == 0);
    }
    CHECK_STATUS(s4c_object_encoder_encode(e, src, N, body, cap - 1, &len, &d),
                 S4C_ERROR_DST_TOO_SMALL);
    s4c_object_encoder_free(e);
    free(body);
    free(ref);
    free(src);
}

/* Streams src through an encoder in `feed`-byte pieces with `room`-byte output windows. */
static uint8_t *stream_encode(s4c_object_encoder *e, const uint8_t *src, size_t n, size_t feed,
                              size_t room, size_t *len) {
    size_t cap = n + n / 8 + 4096 + 64 * (n / 1000 + 1);
    uint8_t *out = malloc(cap);
    size_t pos = 0, in_pos = 0;
    s4c_error_detail d;
    for (;;) {
        size_t take = n - in_pos < feed ? n - in_pos : feed;
        int last = in_pos + take == n;
        s4c_in_buffer in = {src + in_pos, take, 0};
        size_t pending = 0;
        do {
            size_t w = cap - pos < room ? cap - pos : room;
            s4c_out_buffer ob = {out + pos, w, 0};
            s4c_status st = s4c_object_encoder_stream(
                e, &in, &ob, last ? S4C_FLUSH_END : S4C_FLUSH_NONE, &pending, &d);
            CHECK_OK(st);
            if (st != S4C_OK) {
                fprintf(stderr, "stream: %s\n", d.message);
                *len = 0;
                return out;
            }
            pos += ob.pos;
        } while (in.pos < in.size || (last && pending));
        in_pos += take;
        if (last) break;
    }
    *len = pos;
    return out;
}

static void test_streaming(void) {
    enum { N = 200000 };
    uint8_t *src = malloc(N);
    check_fill(src, N, 9, 1);
    s4c_object_options o;
    framed_options(&o, 3);
    o.chunk_size = 16384;
    size_t ref_len = 0;
    s4c_object_info ref_info;
    s4c_index *ref_idx = NULL;
    uint8_t *ref = encode(src, N, &o, &ref_len, &ref_info, &ref_idx);
    uint8_t ref_side[2048], side[2048];
    size_t ref_side_len = 0, side_len = 0;
    CHECK_OK(s4c_index_encode(ref_idx, ref_side, sizeof ref_side, &ref_side_len));

    s4c_object_encoder *e = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_object_encoder_create(&o, &e, &d));
    const size_t feeds[][2] = {{1, 7},       {1000, 1},    {16384, 100000},
                               {N, 1 << 20}, {50000, 333}, {16383, 16385}};
    for (size_t i = 0; i < sizeof feeds / sizeof feeds[0]; i++) {
        size_t len = 0;
        uint8_t *body = stream_encode(e, src, N, feeds[i][0], feeds[i][1], &len);
        CHECK(len == ref_len && memcmp(body, ref, len) == 0);
        s4c_object_info info;
        CHECK_OK(s4c_object_encoder_info(e, &info));
        CHECK(info.n_frames == ref_info.n_frames && info.crc32c == ref_info.crc32c &&
              info.compressed_size == ref_len && info.original_size == N);
        s4c_index *idx = NULL;
        CHECK_OK(s4c_object_encoder_index(e, &idx, &d));
        CHECK_OK(s4c_index_encode(idx, side, sizeof side, &side_len));
        CHECK(side_len == ref_side_len && memcmp(side, ref_side, side_len) == 0);
        s4c_index_free(idx);
        free(body);
    }
    /* info is refused mid-object; FLUSH_BLOCK keeps chunk boundaries */
    {
        s4c_in_buffer in = {src, 40000, 0};
        uint8_t *out = malloc(ref_len + 1024);
        s4c_out_buffer ob = {out, ref_len + 1024, 0};
        size_t pending = 0;
        CHECK_OK(s4c_object_encoder_stream(e, &in, &ob, S4C_FLUSH_BLOCK, &pending, &d));
        s4c_object_info info;
        CHECK_STATUS(s4c_object_encoder_info(e, &info), S4C_ERROR_STAGE);
        CHECK_EQ_U64(pending, 0);
        /* two whole chunks came out; 40000 - 32768 bytes wait for more input */
        size_t two = 0;
        s4c_frame_iter it;
        s4c_frame_iter_init(&it, out, ob.pos);
        s4c_frame f;
        int has = 0;
        while (s4c_frame_iter_next(&it, &f, &has, &d) == S4C_OK && has)
            two++;
        CHECK_EQ_U64(two, 2);
        s4c_in_buffer rest = {src + 40000, N - 40000, 0};
        do {
            CHECK_OK(s4c_object_encoder_stream(e, &rest, &ob, S4C_FLUSH_END, &pending, &d));
        } while (pending);
        CHECK(ob.pos == ref_len && memcmp(out, ref, ref_len) == 0);
        free(out);
    }
    /* reset drops an object in progress */
    {
        s4c_in_buffer in = {src, 1000, 0};
        uint8_t tmp[64];
        s4c_out_buffer ob = {tmp, sizeof tmp, 0};
        CHECK_OK(s4c_object_encoder_stream(e, &in, &ob, S4C_FLUSH_NONE, NULL, &d));
        CHECK_OK(s4c_object_encoder_reset(e));
        size_t len = 0;
        uint8_t *body = stream_encode(e, src, N, 4096, 4096, &len);
        CHECK(len == ref_len && memcmp(body, ref, len) == 0);
        free(body);
    }
    s4c_object_encoder_free(e);

    /* unknown length streams use 4 MiB chunks; a known one the policy's */
    s4c_object_options_init(&o);
    if (!have_zstd) o.codec = S4C_KIND_PASSTHROUGH, o.framing = S4C_FRAMING_ALWAYS;
    o.threads = 2;
    CHECK_OK(s4c_object_encoder_create(&o, &e, &d));
    size_t len = 0;
    uint8_t *body = stream_encode(e, src, N, 777, 999, &len);
    s4c_object_info info;
    CHECK_OK(s4c_object_encoder_info(e, &info));
    CHECK_EQ_U64(info.chunk_size, 4194304);
    CHECK_EQ_U64(info.n_frames, 1);
    check_roundtrip(body, len, src, N, 1);
    free(body);
    s4c_object_encoder_free(e);

    /* raw passthrough streams straight through */
    s4c_object_options_init(&o);
    o.codec = S4C_KIND_PASSTHROUGH;
    CHECK_OK(s4c_object_encoder_create(&o, &e, &d));
    body = stream_encode(e, src, N, 3000, 1234, &len);
    CHECK(len == N && memcmp(body, src, N) == 0);
    CHECK_OK(s4c_object_encoder_info(e, &info));
    CHECK(!info.framed && info.crc32c == s4c_crc32c(0, src, N));
    s4c_index *idx = NULL;
    CHECK_STATUS(s4c_object_encoder_index(e, &idx, &d), S4C_ERROR_STAGE);
    free(body);
    s4c_object_encoder_free(e);

    s4c_index_free(ref_idx);
    free(ref);
    free(src);
}

static size_t put_frame(uint8_t *out, uint32_t codec, const void *payload, size_t n,
                        uint64_t original, uint32_t crc) {
    s4c_manifest m = {codec, original, n, crc};
    s4c_frame_write_header(&m, out);
    memcpy(out + 28, payload, n);
    return 28 + n;
}

static void test_decode_errors(void) {
    uint8_t body[1024];
    s4c_error_detail d;
    s4c_object_info info;
    uint8_t out[256];
    size_t written = 0, n = 0;
    const char *words[] = {"alpha", "beta", "gamma", "delta"};
    size_t offs[4];
    for (int i = 0; i < 4; i++) {
        offs[i] = n;
        n += put_frame(body + n, 0, words[i], strlen(words[i]), strlen(words[i]),
                       s4c_crc32c(0, words[i], strlen(words[i])));
        if (i == 1) {
            s4c_padding_write_header(3, body + n);
            memset(body + n + 12, 0, 3);
            n += 15;
        }
    }
    for (unsigned t = 1; t <= 4; t++) {
        s4c_object_decode_options o;
        s4c_object_decode_options_init(&o);
        o.threads = t;
        CHECK_OK(s4c_object_decode(body, n, &o, out, sizeof out, &written, &info, &d));
        CHECK(written == 19 && memcmp(out, "alphabetagammadelta", 19) == 0);
        CHECK_EQ_U64(info.n_frames, 4);
        CHECK_EQ_U64(info.payload_size, 19);
        CHECK_EQ_U64(info.error_frame, UINT64_MAX);

        /* a bad CRC in frame 2 and garbage after frame 3: frame 2 is reported */
        uint8_t bad[1024];
        memcpy(bad, body, n);
        bad[offs[2] + 24] ^= 0x80;
        memcpy(bad + n, "junk", 4);
        CHECK_STATUS(s4c_object_decode(bad, n + 4, &o, out, sizeof out, &written, &info, &d),
                     S4C_ERROR_CRC_MISMATCH);
        CHECK_EQ_U64(info.error_frame, 2);
        CHECK_STR_CONTAINS(d.message, "crc32c mismatch (chunk corruption?)");
        /* frames 1 and 3 bad: the first wins */
        bad[offs[1] + 24] ^= 0x80;
        bad[offs[3] + 24] ^= 0x80;
        CHECK_STATUS(s4c_object_decode(bad, n, &o, out, sizeof out, &written, &info, &d),
                     S4C_ERROR_CRC_MISMATCH);
        CHECK_EQ_U64(info.error_frame, 1);
        /* good frames, then garbage: the parse error at frame 4 */
        memcpy(bad, body, n);
        memcpy(bad + n, "ju", 2);
        CHECK_STATUS(s4c_object_decode(bad, n + 2, &o, out, sizeof out, &written, &info, &d),
                     S4C_ERROR_FRAME_TOO_SHORT);
        CHECK_STR_EQ(d.message, "frame too short: need at least 28 bytes, have 2");
        CHECK_EQ_U64(info.error_frame, 4);
        uint64_t partial = 0, frames = 0;
        CHECK_STATUS(s4c_object_decoded_size(bad, n + 2, &partial, &frames, &d),
                     S4C_ERROR_FRAME_TOO_SHORT);
        CHECK(partial == 19 && frames == 4);
    }
    /* passthrough frame whose original_size disagrees: S4 CLI's size check, after the CRC */
    {
        uint8_t f[64];
        size_t m = put_frame(f, 0, "abc", 3, 4, s4c_crc32c(0, "abc", 3));
        CHECK_STATUS(s4c_object_decode(f, m, NULL, out, sizeof out, &written, &info, &d),
                     S4C_ERROR_SIZE_MISMATCH);
        CHECK_STR_EQ(d.message,
                     "compressed size mismatch: manifest says 4 bytes, payload is 3 bytes");
        m = put_frame(f, 0, "abc", 3, 4, 0);
        CHECK_STATUS(s4c_object_decode(f, m, NULL, out, sizeof out, &written, &info, &d),
                     S4C_ERROR_CRC_MISMATCH);
    }
    /* GPU-only frames cannot decode without a GPU; the codec's own refusal names it
     * (nvcomp-zstd/-lz4 decode on the CPU: tests/c/test_gpu.c) */
    if (!s4c_gpu_available()) {
        uint8_t f[64];
        size_t m = put_frame(f, 3, "abc", 3, 3, 0);
        CHECK_STATUS(s4c_object_decode(f, m, NULL, out, sizeof out, &written, &info, &d),
                     S4C_ERROR_CODEC_UNAVAILABLE);
        CHECK_STR_CONTAINS(d.message, "NvcompBitcomp");
    }
    /* a forged original_size over 5 GiB: S4's limit check, whatever dst is */
    if (have_zstd) {
        uint8_t f[64];
        size_t m = put_frame(f, 1, "\x28\xb5\x2f\xfd\x00\x58\x29\x00\x00hello", 14,
                             S4C_MAX_DECOMPRESSED_BYTES + 1, 0);
        CHECK_STATUS(s4c_object_decode(f, m, NULL, out, sizeof out, &written, &info, &d),
                     S4C_ERROR_MANIFEST_SIZE_EXCEEDS_LIMIT);
        /* a frame claiming fewer bytes than it holds: the bomb guard */
        m = put_frame(f, 1, "\x28\xb5\x2f\xfd\x00\x58\x29\x00\x00hello", 14, 4, 0);
        CHECK_STATUS(s4c_object_decode(f, m, NULL, out, sizeof out, &written, &info, &d),
                     S4C_ERROR_DECOMPRESSION_BOMB);
    }
    /* a destination too small is a usage error at the first frame that does not fit */
    CHECK_STATUS(s4c_object_decode(body, n, NULL, out, 10, &written, &info, &d),
                 S4C_ERROR_DST_TOO_SMALL);
    CHECK_EQ_U64(info.error_frame, 2); /* alpha + beta fit in 10 bytes, gamma does not */
    /* padding only / empty: zero frames, no error */
    CHECK_OK(s4c_object_decode(body + offs[2] - 15, 15, NULL, out, 0, &written, &info, &d));
    CHECK(written == 0 && info.n_frames == 0);
    CHECK_OK(s4c_object_decode("", 0, NULL, NULL, 0, &written, &info, &d));

    /* frame at a time */
    s4c_object_decoder *dec = NULL;
    CHECK_OK(s4c_object_decoder_create(NULL, &dec, &d));
    s4c_frame_iter it;
    s4c_frame_iter_init(&it, body, n);
    s4c_frame f;
    int has = 0;
    size_t total = 0;
    while (s4c_frame_iter_next(&it, &f, &has, &d) == S4C_OK && has) {
        size_t w = 0;
        CHECK_OK(s4c_object_decoder_decode_frame(dec, &f, out + total, sizeof out - total, &w, &d));
        total += w;
    }
    CHECK(total == 19 && memcmp(out, "alphabetagammadelta", 19) == 0);
    s4c_object_decoder_free(dec);
}

/* Streams `body` through the decoder in `feed`-byte pieces into `room`-byte windows. */
static s4c_status stream_decode(s4c_object_decoder *dec, const uint8_t *body, size_t n, size_t feed,
                                size_t room, uint8_t *out, size_t cap, size_t *written,
                                s4c_error_detail *d) {
    size_t in_pos = 0, pos = 0;
    s4c_status st = S4C_OK;
    for (;;) {
        size_t take = n - in_pos < feed ? n - in_pos : feed;
        int last = in_pos + take == n;
        s4c_in_buffer in = {body + in_pos, take, 0};
        size_t pending = 0;
        do {
            size_t w = cap - pos < room ? cap - pos : room;
            s4c_out_buffer ob = {out + pos, w, 0};
            st = s4c_object_decoder_stream(dec, &in, &ob, last ? S4C_FLUSH_END : S4C_FLUSH_NONE,
                                           &pending, d);
            pos += ob.pos;
            if (st != S4C_OK) {
                *written = pos;
                return st;
            }
        } while (in.pos < in.size || (last && pending));
        in_pos += take;
        if (last) break;
    }
    *written = pos;
    return st;
}

/* The streaming decoder answers exactly as the whole-buffer one, for every prefix. */
static void test_stream_decoder(void) {
    /* frames of several codecs-to-be, padding, an empty frame */
    uint8_t body[4096];
    size_t n = 0;
    const char *words[] = {"alpha", "", "gamma-gamma", "delta"};
    for (int i = 0; i < 4; i++) {
        size_t len = strlen(words[i]);
        s4c_manifest m = {0, len, len, s4c_crc32c(0, words[i], len)};
        s4c_frame_write_header(&m, body + n);
        memcpy(body + n + 28, words[i], len);
        n += 28 + len;
        if (i == 0 || i == 2) {
            s4c_padding_write_header(7, body + n);
            memset(body + n + 12, 0, 7);
            n += 19;
        }
    }
    if (have_zstd) { /* and a real zstd frame */
        s4c_object_options o;
        s4c_object_options_init(&o);
        size_t len = 0;
        uint8_t *z = encode("zstd frame bytes zstd frame bytes", 33, &o, &len, NULL, NULL);
        memcpy(body + n, z, len);
        n += len;
        free(z);
    }
    uint8_t want[4096], got[4096];
    for (unsigned threads = 1; threads <= 3; threads += 2) {
        s4c_object_decode_options o;
        s4c_object_decode_options_init(&o);
        o.threads = threads;
        s4c_object_decoder *dec = NULL;
        s4c_error_detail d, d2;
        CHECK_OK(s4c_object_decoder_create(&o, &dec, &d));
        for (size_t len = 0; len <= n; len++) {
            for (int corrupt = 0; corrupt < 2; corrupt++) {
                uint8_t b[4096];
                memcpy(b, body, len);
                if (corrupt && len > 60) b[len / 2] ^= 0x21;
                size_t w1 = 0, w2 = 0;
                s4c_object_info i1, i2;
                s4c_status s1 =
                    s4c_object_decoder_decode(dec, b, len, want, sizeof want, &w1, &i1, &d);
                const size_t feeds[][2] = {{1, 1}, {3, 5}, {len ? len : 1, 4096}, {17, 2}};
                for (size_t f = 0; f < 4; f++) {
                    CHECK_OK(s4c_object_decoder_reset(dec));
                    s4c_status s2 = stream_decode(dec, b, len, feeds[f][0], feeds[f][1], got,
                                                  sizeof got, &w2, &d2);
                    CHECK_OK(s4c_object_decoder_info(dec, &i2));
                    if (s1 != s2 || i1.error_frame != i2.error_frame ||
                        (s1 != S4C_OK && strcmp(d.message, d2.message) != 0)) {
                        fprintf(stderr,
                                "threads %u len %zu corrupt %d feed %zu: whole %s/%llu \"%s\", "
                                "stream %s/%llu "
                                "\"%s\"\n",
                                threads, len, corrupt, feeds[f][0], s4c_status_name(s1),
                                (unsigned long long)i1.error_frame, d.message, s4c_status_name(s2),
                                (unsigned long long)i2.error_frame, d2.message);
                        check_failures++;
                        continue;
                    }
                    if (s1 == S4C_OK) {
                        CHECK(w1 == w2 && memcmp(want, got, w1) == 0);
                        CHECK(i2.n_frames == i1.n_frames && i2.original_size == i1.original_size &&
                              i2.crc32c == i1.crc32c && i2.crc32c == s4c_crc32c(0, want, w1) &&
                              i2.compressed_size == len && i2.payload_size == i1.payload_size);
                    }
                }
            }
        }
        /* failed until reset; info survives the failure */
        CHECK_OK(s4c_object_decoder_reset(dec));
        size_t w = 0;
        CHECK_STATUS(stream_decode(dec, (const uint8_t *)"S4", 2, 2, 10, got, sizeof got, &w, &d),
                     S4C_ERROR_FRAME_TOO_SHORT);
        s4c_in_buffer in = {body, n, 0};
        s4c_out_buffer ob = {got, sizeof got, 0};
        CHECK_STATUS(s4c_object_decoder_stream(dec, &in, &ob, S4C_FLUSH_END, NULL, &d),
                     S4C_ERROR_FAILED_STATE);
        s4c_object_info info;
        CHECK_OK(s4c_object_decoder_info(dec, &info));
        CHECK_EQ_U64(info.error_frame, 0);
        s4c_object_decoder_free(dec);
    }

    /* a multi-frame object through the stream, against its source */
    enum { N = 700000 };
    uint8_t *src = malloc(N), *dst = malloc(N);
    check_fill(src, N, 21, 1);
    s4c_object_options eo;
    framed_options(&eo, 2);
    eo.chunk_size = 50000;
    size_t len = 0;
    uint8_t *obj = encode(src, N, &eo, &len, NULL, NULL);
    s4c_object_decode_options o;
    s4c_object_decode_options_init(&o);
    o.threads = 4;
    s4c_object_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_object_decoder_create(&o, &dec, &d));
    const size_t feeds[][2] = {{4096, 1000}, {65536, 65536}, {len, N}, {1, 100000}};
    for (size_t f = 0; f < sizeof feeds / sizeof feeds[0]; f++) {
        size_t w = 0;
        CHECK_OK(stream_decode(dec, obj, len, feeds[f][0], feeds[f][1], dst, N, &w, &d));
        CHECK(w == N && memcmp(dst, src, N) == 0);
        s4c_object_info info;
        CHECK_OK(s4c_object_decoder_info(dec, &info));
        CHECK_EQ_U64(info.n_frames, 14);
        CHECK_EQ_U64(info.crc32c, s4c_crc32c(0, src, N));
    }
    s4c_object_decoder_free(dec);
    free(obj);
    free(src);
    free(dst);
}

static void test_options(void) {
    s4c_object_options o;
    s4c_object_options_init(&o);
    CHECK_EQ_U64(o.codec, S4C_KIND_CPU_ZSTD);
    s4c_object_encoder *e = NULL;
    s4c_error_detail d;
    o.codec = S4C_KIND_NVCOMP_BITCOMP; /* GPU-only kind */
    if (!s4c_gpu_available()) {
        CHECK_STATUS(s4c_object_encoder_create(&o, &e, &d), S4C_ERROR_CODEC_UNAVAILABLE);
        CHECK(e == NULL);
    }
    o.codec = 9;
    CHECK_STATUS(s4c_object_encoder_create(&o, &e, &d), S4C_ERROR_UNKNOWN_CODEC);
    s4c_object_options_init(&o);
    o.chunk_size = S4C_MAX_DECOMPRESSED_BYTES + 1;
    CHECK_STATUS(s4c_object_encoder_create(&o, &e, &d), S4C_ERROR_INVALID_ARGUMENT);
    s4c_object_options_init(&o);
    o.struct_size = 3;
    CHECK_STATUS(s4c_object_encoder_create(&o, &e, &d), S4C_ERROR_INVALID_ARGUMENT);
    s4c_object_info info = {0};
    info.codec = 1000;
    s4c_metadata m;
    CHECK_STATUS(s4c_object_metadata(&info, &m), S4C_ERROR_INVALID_ARGUMENT);
}

int main(void) {
    have_zstd = s4c_kind_available(S4C_KIND_CPU_ZSTD);
    test_hello_golden();
    test_empty_and_passthrough();
    test_chunk_edges();
    test_parallel_identical();
    test_streaming();
    test_decode_errors();
    test_stream_decoder();
    test_options();
    return check_exit("test_object");
}
