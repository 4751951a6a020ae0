/*
 * test_lz4.c — the cpu-lz4 codec kind and our LZ4 frame decoder.
 *
 * Round trips over level × block size × linked × checksums × size, checked
 * against liblz4's own LZ4F decoder and encoder; streaming with 1-byte and
 * random input/output feeds; golden frames (spec-derived and from the lz4
 * CLI); truncated, bit-flipped and forged frames with their exact statuses;
 * LZ4F-compatible hints; differential checks against the lz4 CLI; and every
 * S4 error variant through s4c_decompress.
 */
#define _POSIX_C_SOURCE 200809L
#define LZ4F_STATIC_LINKING_ONLY
#include <lz4frame.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "codecs/lz4_frame_decoder.h"
#include "s4codec.h"
#include "s4codec_stream.h"

/* ------------------------------------------------------------ helpers */

static uint64_t rng_next(uint64_t *s) {
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

/* Test data: 0 random, 1 compressible, 2 alternating 80 KiB compressible /
 * 70 KiB random segments (gives compressed and uncompressed blocks). */
static uint8_t *make_data(size_t n, uint64_t seed, int kind) {
    uint8_t *p = malloc(n ? n : 1);
    if (kind < 2) {
        check_fill(p, n, seed, kind);
        return p;
    }
    for (size_t off = 0, seg = 0; off < n; seg++) {
        size_t len = seg % 2 ? 70000 : 80000;
        if (len > n - off) len = n - off;
        check_fill(p + off, len, seed + seg, seg % 2 == 0);
        off += len;
    }
    return p;
}

typedef struct lz4_cfg {
    int level, id, linked, cc, bc, cs;
} lz4_cfg;

static s4c_codec *make_codec(lz4_cfg cfg) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = cfg.level;
    o.lz4_block_size_id = cfg.id;
    o.lz4_block_linked = cfg.linked;
    o.lz4_content_checksum = cfg.cc;
    o.lz4_block_checksum = cfg.bc;
    o.lz4_content_size = cfg.cs;
    s4c_codec *c = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_codec_create(S4C_KIND_CPU_LZ4, &o, &c, &d));
    return c;
}

/* Compresses with our one-shot codec; returns a malloc'd frame. */
static uint8_t *ours_compress(lz4_cfg cfg, const uint8_t *src, size_t n, size_t *size,
                              s4c_manifest *m) {
    s4c_codec *c = make_codec(cfg);
    size_t cap = s4c_compress_bound(c, n);
    uint8_t *dst = malloc(cap);
    s4c_manifest mm;
    s4c_error_detail d;
    CHECK_OK(s4c_compress(c, src, n, dst, cap, &mm, &d));
    *size = (size_t)mm.compressed_size;
    if (m) *m = mm;
    s4c_codec_free(c);
    return dst;
}

static LZ4F_preferences_t ref_prefs(lz4_cfg cfg) {
    LZ4F_preferences_t p;
    memset(&p, 0, sizeof p);
    p.compressionLevel = cfg.level;
    p.frameInfo.blockSizeID = (LZ4F_blockSizeID_t)(cfg.id ? cfg.id : 4);
    p.frameInfo.blockMode = cfg.linked ? LZ4F_blockLinked : LZ4F_blockIndependent;
    p.frameInfo.contentChecksumFlag = cfg.cc ? LZ4F_contentChecksumEnabled : 0;
    p.frameInfo.blockChecksumFlag = cfg.bc ? LZ4F_blockChecksumEnabled : 0;
    return p;
}

/* liblz4's encoder, for frames our decoder must read. */
static uint8_t *ref_compress(lz4_cfg cfg, const uint8_t *src, size_t n, size_t *size) {
    LZ4F_preferences_t p = ref_prefs(cfg);
    if (cfg.cs) p.frameInfo.contentSize = n;
    size_t cap = LZ4F_compressFrameBound(n, &p);
    uint8_t *dst = malloc(cap);
    *size = LZ4F_compressFrame(dst, cap, src, n, &p);
    CHECK(!LZ4F_isError(*size));
    return dst;
}

/* liblz4's decoder (all frames), for frames our encoder wrote. 0 on success. */
static int ref_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, size_t *written) {
    LZ4F_dctx *dctx;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) return -1;
    size_t ip = 0, op = 0, hint = 1;
    int rc = 0;
    while (ip < n) {
        size_t in = n - ip, out = cap - op;
        hint = LZ4F_decompress(dctx, dst + op, &out, src + ip, &in, NULL);
        if (LZ4F_isError(hint)) {
            rc = -1;
            break;
        }
        ip += in, op += out;
        if (!in && !out) break;
    }
    LZ4F_freeDecompressionContext(dctx);
    *written = op;
    return rc == 0 && hint == 0 ? 0 : -1;
}

/* Our one-shot decode through s4c_decompress with an honest manifest. */
static s4c_status ours_decompress(const uint8_t *frame, size_t fsize, const uint8_t *orig,
                                  size_t n) {
    s4c_codec *c = make_codec((lz4_cfg){0});
    s4c_manifest m = {S4C_KIND_CPU_LZ4, n, fsize, s4c_crc32c(0, orig, n)};
    uint8_t *back = malloc(n ? n : 1);
    size_t w = 0;
    s4c_error_detail d;
    s4c_status st = s4c_decompress(c, &m, frame, fsize, back, n, &w, &d);
    if (st == S4C_OK) {
        CHECK_EQ_U64(w, n);
        CHECK(n == 0 || memcmp(back, orig, n) == 0);
    } else {
        fprintf(stderr, "ours_decompress: %s\n", d.message);
    }
    free(back);
    s4c_codec_free(c);
    return st;
}

enum { FEED_ALL = 0, FEED_ONE = 1, FEED_RANDOM = 2 };

static size_t feed_size(int pattern, uint64_t *rng) {
    if (pattern == FEED_ALL) return SIZE_MAX / 4;
    if (pattern == FEED_ONE) return 1;
    uint64_t r = rng_next(rng);
    switch (r % 4) {
    case 0:
        return 1 + (r >> 8) % 8;
    case 1:
        return 1 + (r >> 8) % 700;
    case 2:
        return 1 + (r >> 8) % 70000;
    default:
        return 1 + (r >> 8) % 300000;
    }
}

/*
 * Streaming decode of src[0..n) into dst with the given feed patterns.
 * Returns the stream/finish status; *written and *consumed report progress.
 */
static s4c_status stream_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, int in_pat,
                                int out_pat, uint64_t seed, int single_frame, size_t *written,
                                size_t *consumed) {
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.single_frame = single_frame;
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    s4c_status st = s4c_decoder_create(S4C_KIND_CPU_LZ4, &o, &dec, &d);
    CHECK_OK(st);
    if (st != S4C_OK) return st;
    uint64_t rng = seed * 2654435761u + 1;
    s4c_in_buffer in = {src, 0, 0};
    s4c_out_buffer out = {dst, 0, 0};
    size_t hint = 1;
    for (;;) {
        size_t fi = feed_size(in_pat, &rng), fo = feed_size(out_pat, &rng);
        in.size = n - in.pos < fi ? n : in.pos + fi;
        out.size = cap - out.pos < fo ? cap : out.pos + fo;
        size_t ip = in.pos, op = out.pos;
        st = s4c_decoder_stream(dec, &in, &out, &hint);
        if (st != S4C_OK) break;
        /* hint 0 exactly when finish would succeed */
        CHECK((hint == 0) == (s4c_decoder_finish(dec) == S4C_OK));
        /* No progress with room and input on offer: finished (or stuck). */
        if (in.pos == ip && out.pos == op && (hint == 0 || out.size == cap || in.pos == n)) break;
    }
    if (st == S4C_OK) st = s4c_decoder_finish(dec);
    *written = out.pos;
    if (consumed) *consumed = in.pos;
    s4c_decoder_free(dec);
    return st;
}

/* Streaming decode must reproduce `orig` exactly. */
static void check_stream_decode(const uint8_t *frame, size_t fsize, const uint8_t *orig, size_t n,
                                int in_pat, int out_pat, uint64_t seed) {
    uint8_t *back = malloc(n + 16);
    size_t w = 0, used = 0;
    CHECK_OK(stream_decode(frame, fsize, back, n + 16, in_pat, out_pat, seed, 0, &w, &used));
    CHECK_EQ_U64(w, n);
    CHECK_EQ_U64(used, fsize);
    CHECK(n == 0 || memcmp(back, orig, n) == 0);
    free(back);
}

/* ------------------------------------------------------------ round trips */

static void test_roundtrip_matrix(void) {
    static const int levels[] = {-1, 0, 1, 3, 9, 12};
    static const size_t sizes[] = {0, 1, 65535, 65536, 65537, (4u << 20) + 1};
    const size_t big = (4u << 20) + 1;
    uint8_t *data = make_data(big, 11, 2);
    int cases = 0;
    for (size_t li = 0; li < 6; li++)
        for (int id = 4; id <= 7; id++)
            for (int linked = 0; linked < 2; linked++)
                for (int ck = 0; ck < 2; ck++)
                    for (size_t si = 0; si < 6; si++) {
                        int level = levels[li];
                        size_t n = sizes[si];
                        /* Prune: the 4 MiB case at fast levels and the extreme block
                         * sizes only; HC levels on the small sizes for ids 4 and 7. */
                        if (n == big && (level > 3 || (id != 4 && id != 7))) continue;
                        if (level >= 9 && id != 4 && id != 7) continue;
                        lz4_cfg cfg = {level, id, linked, ck, ck, (int)(si % 2)};
                        size_t fsize;
                        s4c_manifest m;
                        uint8_t *frame = ours_compress(cfg, data, n, &fsize, &m);
                        CHECK_EQ_U64(m.original_size, n);
                        CHECK_EQ_U64(m.codec, S4C_KIND_CPU_LZ4);
                        CHECK_OK(ours_decompress(frame, fsize, data, n));
                        /* liblz4 reads what we wrote. */
                        uint8_t *back = malloc(n + 1);
                        size_t w = 0;
                        CHECK(ref_decompress(frame, fsize, back, n + 1, &w) == 0);
                        CHECK_EQ_U64(w, n);
                        CHECK(n == 0 || memcmp(back, data, n) == 0);
                        free(back);
                        if (n <= 65537 && li % 2 == 0)
                            check_stream_decode(frame, fsize, data, n, FEED_RANDOM, FEED_RANDOM,
                                                (uint64_t)cases);
                        free(frame);
                        /* We read what liblz4 writes. */
                        frame = ref_compress(cfg, data, n, &fsize);
                        CHECK_OK(ours_decompress(frame, fsize, data, n));
                        if (n <= 65537 || cases % 3 == 0)
                            check_stream_decode(frame, fsize, data, n, FEED_RANDOM, FEED_RANDOM,
                                                (uint64_t)cases + 7);
                        free(frame);
                        cases++;
                    }
    printf("round trips: %d configurations\n", cases);
    free(data);
}

static void test_roundtrip_64mib(void) {
    size_t n = 64u << 20;
    uint8_t *data = make_data(n, 5, 1);
    size_t fsize;
    uint8_t *frame = ours_compress((lz4_cfg){0, 7, 1, 1, 0, 1}, data, n, &fsize, NULL);
    CHECK_OK(ours_decompress(frame, fsize, data, n));
    /* Streaming, 1 MiB output buffers, whole input. */
    s4c_decoder *dec = NULL;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, NULL, &dec, NULL));
    uint8_t *back = malloc(n);
    s4c_in_buffer in = {frame, fsize, 0};
    s4c_out_buffer out = {back, 0, 0};
    size_t hint = 1;
    while (hint != 0 && out.size < n) {
        out.size = out.size + (1u << 20) > n ? n : out.size + (1u << 20);
        CHECK_OK(s4c_decoder_stream(dec, &in, &out, &hint));
    }
    CHECK_OK(s4c_decoder_stream(dec, &in, &out, &hint));
    CHECK_EQ_U64(hint, 0);
    CHECK_EQ_U64(in.pos, fsize);
    CHECK_EQ_U64(out.pos, n);
    CHECK(memcmp(back, data, n) == 0);
    CHECK_OK(s4c_decoder_finish(dec));
    s4c_decoder_free(dec);
    free(back);
    free(frame);
    free(data);
}

/* Frames with compressed and uncompressed blocks, through every feed pattern. */
static void test_stream_feeds(void) {
    size_t n = 300000;
    uint8_t *data = make_data(n, 3, 2);
    static const lz4_cfg cfgs[] = {
        {0, 4, 0, 0, 0, 0},
        {0, 4, 1, 1, 1, 0},
        {3, 5, 1, 1, 0, 1},
        {-1, 4, 1, 0, 1, 1},
    };
    for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++) {
        size_t fsize;
        uint8_t *frame = ref_compress(cfgs[i], data, n, &fsize);
        check_stream_decode(frame, fsize, data, n, FEED_ONE, FEED_ALL, i);
        check_stream_decode(frame, fsize, data, n, FEED_ALL, FEED_ONE, i);
        check_stream_decode(frame, fsize, data, n, FEED_ONE, FEED_ONE, i);
        for (uint64_t seed = 0; seed < 6; seed++) {
            check_stream_decode(frame, fsize, data, n, FEED_RANDOM, FEED_RANDOM, seed);
            check_stream_decode(frame, fsize, data, n, FEED_RANDOM, FEED_ALL, seed);
        }
        free(frame);
    }
    free(data);
}

/* Our streaming encoder under every feed pattern, flush modes and frames. */
static size_t stream_encode(lz4_cfg cfg, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                            int in_pat, int out_pat, uint64_t seed, int frames) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = cfg.level;
    o.lz4_block_size_id = cfg.id;
    o.lz4_block_linked = cfg.linked;
    o.lz4_content_checksum = cfg.cc;
    o.lz4_block_checksum = cfg.bc;
    s4c_encoder *enc = NULL;
    CHECK_OK(s4c_encoder_create(S4C_KIND_CPU_LZ4, &o, &enc, NULL));
    uint64_t rng = seed + 99;
    s4c_out_buffer out = {dst, 0, 0};
    for (int f = 0; f < frames; f++) {
        s4c_in_buffer in = {src, 0, 0};
        size_t pending = 1;
        int flushed_once = 0;
        while (in.pos < n || pending) {
            size_t fi = feed_size(in_pat, &rng), fo = feed_size(out_pat, &rng);
            in.size = n - in.pos < fi ? n : in.pos + fi;
            out.size = cap - out.pos < fo ? cap : out.pos + fo;
            s4c_flush_mode mode = S4C_FLUSH_NONE;
            if (in.size == n)
                mode = S4C_FLUSH_END;
            else if (!flushed_once && in.size > n / 2)
                mode = S4C_FLUSH_BLOCK, flushed_once = 1;
            s4c_status st = s4c_encoder_stream(enc, &in, &out, mode, &pending);
            CHECK_OK(st);
            CHECK(out.pos < cap); /* a runaway encoder would fill everything */
            if (st != S4C_OK || out.pos == cap) break;
            if (mode == S4C_FLUSH_BLOCK) {
                /* finish the flush before going on */
                while (pending) {
                    out.size = cap - out.pos < 7 ? cap : out.pos + 7;
                    CHECK_OK(s4c_encoder_stream(enc, &in, &out, S4C_FLUSH_BLOCK, &pending));
                }
            }
            if (mode != S4C_FLUSH_END) pending = 1;
        }
    }
    s4c_encoder_free(enc);
    return out.pos;
}

static void test_stream_encoder(void) {
    size_t n = 200000;
    uint8_t *data = make_data(n, 8, 2);
    size_t cap = 3 * (n + n / 8 + 4096);
    uint8_t *frames = malloc(cap), *back = malloc(3 * n + 16);
    static const lz4_cfg cfgs[] = {{0, 4, 0, 0, 0, 0}, {1, 4, 1, 1, 1, 0}, {9, 5, 1, 1, 0, 0}};
    for (size_t i = 0; i < 3; i++) {
        for (int pat = 0; pat < 4; pat++) {
            int in_pat = pat == 1 ? FEED_ONE : pat == 0 ? FEED_ALL : FEED_RANDOM;
            int out_pat = pat == 2 ? FEED_ONE : pat == 0 ? FEED_ALL : FEED_RANDOM;
            if (i == 2 && pat == 1) continue; /* HC with 1-byte input: slow, adds nothing */
            int nframes = pat == 3 ? 3 : 1;
            size_t fsize =
                stream_encode(cfgs[i], data, n, frames, cap, in_pat, out_pat, pat, nframes);
            size_t w = 0;
            CHECK(ref_decompress(frames, fsize, back, 3 * n + 16, &w) == 0);
            CHECK_EQ_U64(w, n * (size_t)nframes);
            for (int f = 0; f < nframes; f++)
                CHECK(memcmp(back + (size_t)f * n, data, n) == 0);
            /* Multi-frame: ours decodes all; single_frame stops after the first. */
            size_t used = 0;
            CHECK_OK(stream_decode(frames, fsize, back, 3 * n + 16, FEED_RANDOM, FEED_RANDOM, pat,
                                   0, &w, &used));
            CHECK_EQ_U64(w, n * (size_t)nframes);
            CHECK_EQ_U64(used, fsize);
            if (nframes > 1) {
                CHECK_OK(stream_decode(frames, fsize, back, 3 * n + 16, FEED_ALL, FEED_ALL, pat, 1,
                                       &w, &used));
                CHECK_EQ_U64(w, n);
                CHECK(memcmp(back, data, n) == 0);
                CHECK(used < fsize);
                CHECK(s4c_load_le32(frames + used) == S4C_LZ4_MAGIC); /* next frame left */
            }
        }
    }
    /* An encoder that saw nothing and is told to end writes an empty frame. */
    s4c_encoder *enc = NULL;
    CHECK_OK(s4c_encoder_create(S4C_KIND_CPU_LZ4, NULL, &enc, NULL));
    s4c_in_buffer in = {"", 0, 0};
    s4c_out_buffer out = {frames, 64, 0};
    size_t pending = 9;
    CHECK_OK(s4c_encoder_stream(enc, &in, &out, S4C_FLUSH_NONE, &pending));
    CHECK_EQ_U64(out.pos, 0);
    CHECK_EQ_U64(pending, 0);
    CHECK_OK(s4c_encoder_stream(enc, &in, &out, S4C_FLUSH_END, &pending));
    CHECK_EQ_U64(pending, 0);
    unsigned char empty[16];
    size_t en = check_unhex("04224d18 60 40 82 00000000", empty, sizeof empty);
    CHECK_EQ_U64(out.pos, en);
    CHECK_MEM_EQ(frames, empty, en);
    /* Reset mid-frame: the next frame starts cleanly. */
    out = (s4c_out_buffer){frames, cap, 0};
    in = (s4c_in_buffer){data, 1000, 0};
    CHECK_OK(s4c_encoder_stream(enc, &in, &out, S4C_FLUSH_NONE, &pending));
    CHECK_OK(s4c_encoder_reset(enc));
    out.pos = 0;
    in = (s4c_in_buffer){data, 1000, 0};
    CHECK_OK(s4c_encoder_stream(enc, &in, &out, S4C_FLUSH_END, &pending));
    CHECK_EQ_U64(pending, 0);
    size_t w = 0;
    CHECK(ref_decompress(frames, out.pos, back, n, &w) == 0);
    CHECK_EQ_U64(w, 1000);
    s4c_encoder_free(enc);
    free(frames);
    free(back);
    free(data);
}

/* ------------------------------------------------------------ golden vectors */

static void test_golden(void) {
    unsigned char want[128];
    uint8_t buf[256];
    size_t fsize;
    /* Empty input, default options. Magic 04 22 4D 18; FLG 0x60 = version 01,
     * independent blocks; BD 0x40 = block id 4 (64 KiB); HC = second byte of
     * XXH32(FLG BD) = 0x82; end mark 00000000. */
    CHECK_EQ_U64((XXH32("\x60\x40", 2, 0) >> 8) & 0xFF, 0x82);
    uint8_t *f = ours_compress((lz4_cfg){0}, (const uint8_t *)"", 0, &fsize, NULL);
    size_t wn = check_unhex("04224d18 60 40 82 00000000", want, sizeof want);
    CHECK_EQ_U64(fsize, wn);
    CHECK_MEM_EQ(f, want, wn);
    CHECK_OK(ours_decompress(f, fsize, (const uint8_t *)"", 0));
    free(f);

    /* "hello", content size + content checksum. FLG 0x6C = version 01,
     * independent, content size, content checksum; BD 0x40; content size
     * 5 (u64 LE); HC = XXH32(6C 40 05 00..00) >> 8 = 0x2C; the block is stored
     * uncompressed (LZ4 would need 6 bytes): 05 00 00 80, "hello"; end mark;
     * XXH32("hello") = 0xFB0077F9 LE. */
    CHECK_EQ_U64((XXH32("\x6c\x40\x05\0\0\0\0\0\0\0", 10, 0) >> 8) & 0xFF, 0x2C);
    CHECK_EQ_U64(XXH32("hello", 5, 0), 0xFB0077F9u);
    f = ours_compress((lz4_cfg){0, 0, 0, 1, 0, 1}, (const uint8_t *)"hello", 5, &fsize, NULL);
    wn = check_unhex("04224d18 6c 40 0500000000000000 2c 05000080 68656c6c6f 00000000 f97700fb",
                     want, sizeof want);
    CHECK_EQ_U64(fsize, wn);
    CHECK_MEM_EQ(f, want, wn);
    CHECK_OK(ours_decompress(f, fsize, (const uint8_t *)"hello", 5));
    free(f);

    /* From lz4 1.9.4: `lz4 -9 -BD --content-size` of the text below: one
     * compressed block, content checksum. */
    static const char text[] = "LZ4 golden vector: abcdefghabcdefghabcdefghabcdefghabcdefgh"
                               "abcdefghabcdefghabcdefgh -- the end\n";
    wn = check_unhex("04224d186c405f00000000000000292d000000ff0c4c5a3420676f6c64656e2076656374"
                     "6f723a206162636465666768080025c0202d2d2074686520656e640a000000000d1ed12b",
                     want, sizeof want);
    CHECK_OK(ours_decompress(want, wn, (const uint8_t *)text, sizeof text - 1));
    for (int p = 0; p < 3; p++)
        check_stream_decode(want, wn, (const uint8_t *)text, sizeof text - 1, p, 2 - p, 1);
    /* The frame info of that header. */
    s4c_lz4d dec;
    s4c_lz4d_init(&dec, 0);
    CHECK(s4c_lz4d_frame_info(&dec) == NULL);
    CHECK_EQ_U64(s4c_lz4d_hint(&dec), 7);
    s4c_in_buffer in = {want, 15, 0};
    s4c_out_buffer out = {buf, sizeof buf, 0};
    CHECK_OK(s4c_lz4d_decode(&dec, &in, &out, NULL));
    const s4c_lz4_frame_info *fi = s4c_lz4d_frame_info(&dec);
    CHECK(fi != NULL);
    if (fi) {
        CHECK_EQ_U64(fi->block_size_id, 4);
        CHECK_EQ_U64(fi->block_max_size, 65536);
        CHECK(!fi->linked && fi->content_checksum && !fi->block_checksum);
        CHECK(fi->has_content_size && fi->content_size == sizeof text - 1 && !fi->has_dict_id);
    }
    CHECK_EQ_U64(s4c_lz4d_hint(&dec), 4);
    CHECK(s4c_lz4d_at_block_boundary(&dec));
    in.size = wn;
    CHECK_OK(s4c_lz4d_decode(&dec, &in, &out, NULL));
    CHECK_EQ_U64(s4c_lz4d_hint(&dec), 0);
    CHECK(s4c_lz4d_at_frame_end(&dec));
    CHECK_EQ_U64(s4c_lz4d_consumed(&dec), wn);
    CHECK_EQ_U64(s4c_lz4d_produced(&dec), sizeof text - 1);
    CHECK_MEM_EQ(buf, text, sizeof text - 1);
    s4c_lz4d_release(&dec);
}

/* ------------------------------------------------------------ corrupt input */

/* Status of our one-shot decode (codec op, multi-frame) of a payload. */
static s4c_status decode_status(const uint8_t *p, size_t n, size_t cap, char *msg,
                                size_t msg_size) {
    s4c_codec *c = make_codec((lz4_cfg){0});
    uint8_t *back = malloc(cap ? cap : 1);
    s4c_manifest m = {S4C_KIND_CPU_LZ4, cap, n, 0};
    s4c_error_detail d;
    size_t w;
    s4c_status st = s4c_decompress(c, &m, p, n, back, cap, &w, &d);
    if (msg) snprintf(msg, msg_size, "%s", d.message);
    free(back);
    s4c_codec_free(c);
    return st;
}

/* Same through the streaming decoder with 1-byte feeds, then finish. */
static s4c_status stream_status(const uint8_t *p, size_t n, size_t cap) {
    uint8_t *back = malloc(cap + 16);
    size_t w, used;
    s4c_status st = stream_decode(p, n, back, cap + 16, FEED_RANDOM, FEED_RANDOM, n, 0, &w, &used);
    free(back);
    return st;
}

/* Rewrites the header checksum after a forged header edit. */
static void fix_hc(uint8_t *f) {
    uint8_t flg = f[4];
    size_t hsize = 7 + ((flg & 0x08) ? 8 : 0) + ((flg & 0x01) ? 4 : 0);
    f[hsize - 1] = (uint8_t)(XXH32(f + 4, hsize - 5, 0) >> 8);
}

static void test_truncation(void) {
    size_t n = 150000;
    uint8_t *data = make_data(n, 21, 2);
    static const lz4_cfg cfgs[] = {{0, 4, 1, 1, 1, 1}, {0, 4, 0, 0, 0, 0}};
    for (int i = 0; i < 2; i++) {
        size_t fsize;
        uint8_t *f = ours_compress(cfgs[i], data, n, &fsize, NULL);
        /* Make it small: keep the compressible part's blocks only, via a frame of
         * the first 140000 bytes is already multi-block (3 blocks). */
        int bad = 0;
        for (size_t cut = 0; cut < fsize; cut += (cut < 64 || fsize - cut < 64) ? 1 : 37) {
            s4c_status st = decode_status(f, cut, n, NULL, 0);
            if (st != S4C_ERROR_TRUNCATED_INPUT) {
                fprintf(stderr, "cut %zu of %zu: %s\n", cut, fsize, s4c_status_name(st));
                bad++;
            }
        }
        CHECK(bad == 0);
        CHECK_OK(ours_decompress(f, fsize, data, n));
        free(f);
    }
    /* Every byte offset of a small multi-block frame, one-shot and streaming. */
    uint8_t small[20000];
    check_fill(small, sizeof small, 4, 1);
    size_t fsize;
    lz4_cfg cfg = {0, 4, 1, 1, 1, 0};
    LZ4F_preferences_t p = ref_prefs(cfg);
    p.autoFlush = 1;
    uint8_t *f = malloc(65536);
    /* Several blocks: compress in 4 updates with autoflush (linked). */
    LZ4F_cctx *cctx;
    LZ4F_createCompressionContext(&cctx, LZ4F_VERSION);
    fsize = LZ4F_compressBegin(cctx, f, 65536, &p);
    for (int k = 0; k < 4; k++)
        fsize += LZ4F_compressUpdate(cctx, f + fsize, 65536 - fsize, small + k * 5000, 5000, NULL);
    fsize += LZ4F_compressEnd(cctx, f + fsize, 65536 - fsize, NULL);
    LZ4F_freeCompressionContext(cctx);
    CHECK_OK(ours_decompress(f, fsize, small, sizeof small));
    int bad = 0;
    for (size_t cut = 0; cut < fsize; cut++) {
        if (decode_status(f, cut, sizeof small, NULL, 0) != S4C_ERROR_TRUNCATED_INPUT) bad++;
        if (stream_status(f, cut, sizeof small) != S4C_ERROR_TRUNCATED_INPUT) bad++;
    }
    CHECK(bad == 0);
    printf("truncation: %zu offsets of a 4-block frame\n", fsize);
    free(f);
    free(data);
}

static void test_bit_flips(void) {
    uint8_t data[3000];
    check_fill(data, sizeof data, 9, 1);
    size_t fsize;
    uint8_t *f = ours_compress((lz4_cfg){0, 4, 1, 1, 1, 1}, data, sizeof data, &fsize, NULL);
    /* Layout: header 15 (magic 4, FLG, BD, size 8, HC), block header 4, block
     * data, block checksum 4, end mark 4, content checksum 4. */
    size_t bsize = s4c_load_le32(f + 15) & 0x7FFFFFFF;
    CHECK_EQ_U64(15 + 4 + bsize + 4 + 4 + 4, fsize);
    uint8_t *g = malloc(fsize);
    int counts[32] = {0};
    for (size_t byte = 0; byte < fsize; byte++) {
        int field_header = byte < 15, field_bsize = byte >= 15 && byte < 19;
        int field_bcrc = byte >= 19 + bsize && byte < 23 + bsize;
        int field_end = byte >= 23 + bsize && byte < 27 + bsize;
        int field_ccrc = byte >= 27 + bsize;
        if (!field_header && !field_bsize && !field_bcrc && !field_end && !field_ccrc) continue;
        for (int bit = 0; bit < 8; bit++) {
            memcpy(g, f, fsize);
            g[byte] ^= (uint8_t)(1u << bit);
            s4c_status st = decode_status(g, fsize, sizeof data, NULL, 0);
            s4c_status st2 = stream_status(g, fsize, sizeof data);
            CHECK(st != S4C_OK);
            counts[st]++;
            if (byte < 4)
                CHECK_STATUS(st, S4C_ERROR_UNKNOWN_FORMAT);
            else if (field_header)
                CHECK_STATUS(st, S4C_ERROR_CORRUPT_DATA); /* header checksum */
            else if (field_bcrc || field_ccrc)
                CHECK_STATUS(st, S4C_ERROR_CHECKSUM_MISMATCH);
            else if (field_bsize && bit == 7 && byte == 18) /* stored flag: block crc still */
                CHECK_STATUS(st, S4C_ERROR_CORRUPT_DATA);   /* fits, content size does not */
            else if (field_bsize)
                CHECK(st == S4C_ERROR_CORRUPT_DATA || st == S4C_ERROR_CHECKSUM_MISMATCH ||
                      st == S4C_ERROR_TRUNCATED_INPUT);
            else if (field_end) /* end mark not zero: a block header over the checksum */
                CHECK(st == S4C_ERROR_CORRUPT_DATA || st == S4C_ERROR_TRUNCATED_INPUT ||
                      st == S4C_ERROR_CHECKSUM_MISMATCH || st == S4C_ERROR_DECOMPRESSION_BOMB);
            /* Streaming agrees with one-shot, except where one-shot sees a bomb. */
            if (st != S4C_ERROR_DECOMPRESSION_BOMB) CHECK_STATUS(st2, st);
        }
    }
    printf("bit flips: corrupt %d, checksum %d, truncated %d, unknown format %d\n",
           counts[S4C_ERROR_CORRUPT_DATA], counts[S4C_ERROR_CHECKSUM_MISMATCH],
           counts[S4C_ERROR_TRUNCATED_INPUT], counts[S4C_ERROR_UNKNOWN_FORMAT]);
    free(g);
    free(f);
}

static void test_forged(void) {
    uint8_t data[100000];
    check_fill(data, sizeof data, 12, 1);
    size_t fsize;
    char msg[320];
    uint8_t *f = ours_compress((lz4_cfg){0, 4, 0, 1, 0, 1}, data, sizeof data, &fsize, NULL);
    uint8_t *g = malloc(fsize + 64);
    CHECK_OK(ours_decompress(f, fsize, data, sizeof data));

    /* Block size larger than the maximum (64 KiB + 1). */
    memcpy(g, f, fsize);
    s4c_store_le32(g + 15, 65537);
    CHECK_STATUS(decode_status(g, fsize, sizeof data, msg, sizeof msg), S4C_ERROR_CORRUPT_DATA);
    CHECK_STR_CONTAINS(msg, "exceeds the frame's maximum block size");
    CHECK_STATUS(stream_status(g, fsize, sizeof data), S4C_ERROR_CORRUPT_DATA);

    /* Wrong content size: one more than the data (header checksum fixed). */
    memcpy(g, f, fsize);
    s4c_store_le64(g + 6, sizeof data + 1);
    fix_hc(g);
    CHECK_STATUS(decode_status(g, fsize, sizeof data + 1, msg, sizeof msg), S4C_ERROR_CORRUPT_DATA);
    CHECK_STR_CONTAINS(msg, "content size mismatch");
    CHECK_STATUS(stream_status(g, fsize, sizeof data + 1), S4C_ERROR_CORRUPT_DATA);
    /* ... and one less: the frame holds more than declared. */
    s4c_store_le64(g + 6, sizeof data - 1);
    fix_hc(g);
    CHECK_STATUS(stream_status(g, fsize, sizeof data), S4C_ERROR_CORRUPT_DATA);
    {
        s4c_lz4d dec;
        s4c_lz4d_init(&dec, 0);
        uint8_t *out = malloc(sizeof data);
        s4c_in_buffer in = {g, fsize, 0};
        s4c_out_buffer ob = {out, sizeof data, 0};
        s4c_error_detail d;
        CHECK_STATUS(s4c_lz4d_decode(&dec, &in, &ob, &d), S4C_ERROR_CORRUPT_DATA);
        CHECK_STR_CONTAINS(d.message, "more than its declared content size");
        /* A failed decoder stays failed until reset. */
        CHECK_STATUS(s4c_lz4d_decode(&dec, &in, &ob, NULL), S4C_ERROR_FAILED_STATE);
        s4c_lz4d_reset(&dec);
        in = (s4c_in_buffer){f, fsize, 0};
        ob.pos = 0;
        CHECK_OK(s4c_lz4d_decode(&dec, &in, &ob, NULL));
        CHECK(s4c_lz4d_at_frame_end(&dec));
        free(out);
        s4c_lz4d_release(&dec);
    }

    /* Bad content checksum. */
    memcpy(g, f, fsize);
    g[fsize - 1] ^= 0x40;
    CHECK_STATUS(decode_status(g, fsize, sizeof data, msg, sizeof msg),
                 S4C_ERROR_CHECKSUM_MISMATCH);
    CHECK_STR_CONTAINS(msg, "content checksum mismatch");
    free(f);

    /* Bad block checksum (compressed and uncompressed blocks). */
    f = ours_compress((lz4_cfg){0, 4, 0, 0, 1, 0}, data, 1000, &fsize, NULL);
    memcpy(g, f, fsize);
    g[fsize - 5] ^= 1; /* last byte of the block checksum, before the end mark */
    CHECK_STATUS(decode_status(g, fsize, 1000, msg, sizeof msg), S4C_ERROR_CHECKSUM_MISMATCH);
    CHECK_STR_CONTAINS(msg, "block checksum mismatch");
    CHECK_STATUS(stream_status(g, fsize, 1000), S4C_ERROR_CHECKSUM_MISMATCH);
    free(f);
    uint8_t rnd[1000];
    check_fill(rnd, sizeof rnd, 77, 0);
    f = ours_compress((lz4_cfg){0, 4, 0, 0, 1, 0}, rnd, sizeof rnd, &fsize, NULL);
    CHECK(s4c_load_le32(f + 7) & 0x80000000u); /* stored uncompressed */
    memcpy(g, f, fsize);
    g[fsize - 6] ^= 1;
    CHECK_STATUS(decode_status(g, fsize, sizeof rnd, NULL, 0), S4C_ERROR_CHECKSUM_MISMATCH);
    CHECK_STATUS(stream_status(g, fsize, sizeof rnd), S4C_ERROR_CHECKSUM_MISMATCH);
    free(f);

    /* Reserved bits, version, block size id, dictionary id: header checksum
     * valid, so the header is well-formed but asks for what we lack. */
    f = ours_compress((lz4_cfg){0}, data, 1000, &fsize, NULL);
    static const struct {
        int byte;
        uint8_t mask, set;
        s4c_status want;
        const char *text;
    } forge[] = {
        {4, 0x02, 0x02, S4C_ERROR_UNSUPPORTED, "reserved bits"},
        {5, 0x80, 0x80, S4C_ERROR_UNSUPPORTED, "reserved bits"},
        {5, 0x0F, 0x01, S4C_ERROR_UNSUPPORTED, "reserved bits"},
        {4, 0xC0, 0x00, S4C_ERROR_UNSUPPORTED, "version 0"},
        {4, 0xC0, 0x80, S4C_ERROR_UNSUPPORTED, "version 2"},
        {5, 0x70, 0x30, S4C_ERROR_UNSUPPORTED, "block size id 3 is reserved"},
    };
    for (size_t i = 0; i < sizeof forge / sizeof forge[0]; i++) {
        memcpy(g, f, fsize);
        g[forge[i].byte] = (uint8_t)((g[forge[i].byte] & ~forge[i].mask) | forge[i].set);
        fix_hc(g);
        CHECK_STATUS(decode_status(g, fsize, 1000, msg, sizeof msg), forge[i].want);
        CHECK_STR_CONTAINS(msg, forge[i].text);
        CHECK_STATUS(stream_status(g, fsize, 1000), forge[i].want);
    }
    /* Dictionary id flag: insert a 4-byte dict id after BD. */
    memcpy(g, f, 6);
    g[4] |= 0x01;
    s4c_store_le32(g + 6, 0xDEADBEEF);
    memcpy(g + 10, f + 6, fsize - 6);
    fix_hc(g);
    CHECK_STATUS(decode_status(g, fsize + 4, 1000, msg, sizeof msg), S4C_ERROR_DICTIONARY_MISMATCH);
    CHECK_STR_CONTAINS(msg, "0xdeadbeef");
    {
        s4c_lz4d dec;
        s4c_lz4d_init(&dec, 0);
        uint8_t out[16];
        s4c_in_buffer in = {g, fsize + 4, 0};
        s4c_out_buffer ob = {out, sizeof out, 0};
        CHECK_STATUS(s4c_lz4d_decode(&dec, &in, &ob, NULL), S4C_ERROR_DICTIONARY_MISMATCH);
        const s4c_lz4_frame_info *fi = s4c_lz4d_frame_info(&dec);
        CHECK(fi && fi->has_dict_id && fi->dict_id == 0xDEADBEEFu);
        s4c_lz4d_release(&dec);
    }

    /* Legacy frames: the real thing's magic, then garbage. */
    static const uint8_t legacy[] = {0x02, 0x21, 0x4C, 0x18, 0x05, 0,   0,
                                     0,    0x50, 'h',  'e',  'l',  'l', 'o'};
    CHECK_STATUS(decode_status(legacy, sizeof legacy, 5, msg, sizeof msg), S4C_ERROR_UNSUPPORTED);
    CHECK_STR_CONTAINS(msg, "legacy LZ4 format");
    CHECK_STATUS(stream_status(legacy, sizeof legacy, 5), S4C_ERROR_UNSUPPORTED);
    /* Not LZ4 at all; garbage after a good frame. */
    CHECK_STATUS(decode_status((const uint8_t *)"garbage!", 8, 5, msg, sizeof msg),
                 S4C_ERROR_UNKNOWN_FORMAT);
    memcpy(g, f, fsize);
    memcpy(g + fsize, "junk", 4);
    CHECK_STATUS(decode_status(g, fsize + 4, 1000, msg, sizeof msg), S4C_ERROR_TRAILING_DATA);
    CHECK_STATUS(stream_status(g, fsize + 4, 1000), S4C_ERROR_TRAILING_DATA);
    /* Two stray bytes after a frame: the input ends inside a magic. */
    CHECK_STATUS(decode_status(g, fsize + 2, 1000, NULL, 0), S4C_ERROR_TRUNCATED_INPUT);
    /* Empty payload. */
    CHECK_STATUS(decode_status(g, 0, 0, msg, sizeof msg), S4C_ERROR_TRUNCATED_INPUT);
    CHECK_STR_CONTAINS(msg, "empty input");
    free(f);
    free(g);
}

/* Corrupt block payloads (no checksums to catch them): the block decoder
 * refuses them, straight into the output and through the staging buffer. */
static void test_corrupt_blocks(void) {
    uint8_t data[30000];
    check_fill(data, sizeof data, 17, 1);
    size_t fsize;
    uint8_t *f = ours_compress((lz4_cfg){0, 4, 0, 0, 0, 0}, data, sizeof data, &fsize, NULL);
    CHECK_EQ_U64(s4c_load_le32(f + 7) & 0x80000000u, 0); /* a compressed block */
    uint8_t *g = malloc(fsize), *out = malloc(70000);
    int corrupt_direct = 0, corrupt_staged = 0, other = 0;
    for (size_t pos = 11; pos + 4 < fsize; pos += 5) {
        memcpy(g, f, fsize);
        g[pos] ^= 0xA5;
        /* Room for a whole block: decoded straight into `out`. Room for 100
         * bytes: decoded into the decoder's own buffer, then flushed. */
        s4c_status st[2];
        for (int k = 0; k < 2; k++) {
            s4c_lz4d dec;
            s4c_lz4d_init(&dec, 0);
            s4c_in_buffer in = {g, fsize, 0};
            s4c_out_buffer ob = {out, k ? 100 : 70000, 0};
            st[k] = s4c_lz4d_decode(&dec, &in, &ob, NULL);
            CHECK(k == 1 || st[k] != S4C_OK || s4c_lz4d_at_frame_end(&dec));
            s4c_lz4d_release(&dec);
        }
        if (st[0] == S4C_ERROR_CORRUPT_DATA)
            corrupt_direct++;
        else if (st[0] != S4C_OK)
            other++;
        if (st[1] == S4C_ERROR_CORRUPT_DATA) corrupt_staged++;
        CHECK_STATUS(st[1], st[0]);
    }
    printf("corrupt blocks: %d refused (direct), %d refused (staged), %d other\n", corrupt_direct,
           corrupt_staged, other);
    CHECK(corrupt_direct > 10);
    CHECK_EQ_U64(corrupt_direct, corrupt_staged);
    free(out);
    free(g);
    free(f);
}

/* Allocation failures surface as OUT_OF_MEMORY, never as crashes. */
static size_t alloc_limit = SIZE_MAX;
static int alloc_countdown = -1; /* >= 0: allocations left before failures */
static void *limited_malloc(size_t n) {
    if (alloc_countdown == 0) return NULL;
    if (alloc_countdown > 0) alloc_countdown--;
    return n > alloc_limit ? NULL : malloc(n);
}

static void test_out_of_memory(void) {
    size_t n = 200000, fsize;
    uint8_t *data = make_data(n, 2, 1);
    uint8_t *linked = ours_compress((lz4_cfg){0, 4, 1, 0, 0, 0}, data, n, &fsize, NULL);
    uint8_t *out = malloc(n);
    s4c_set_memory_allocator(limited_malloc, free);
    alloc_limit = 100000; /* a linked frame needs 192 KiB of window and staging */
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, NULL, &dec, &d));
    s4c_in_buffer in = {linked, fsize, 0};
    s4c_out_buffer ob = {out, n, 0};
    size_t hint;
    CHECK_STATUS(s4c_decoder_stream(dec, &in, &ob, &hint), S4C_ERROR_OUT_OF_MEMORY);
    CHECK_STATUS(s4c_decoder_stream(dec, &in, &ob, &hint), S4C_ERROR_FAILED_STATE);
    alloc_limit = SIZE_MAX;
    CHECK_OK(s4c_decoder_reset(dec));
    in.pos = ob.pos = 0;
    CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
    CHECK_EQ_U64(hint, 0);
    CHECK(ob.pos == n && memcmp(out, data, n) == 0);
    s4c_decoder_free(dec);
    /* Independent blocks stage lazily: a 1-byte output needs the staging buffer. */
    uint8_t *indep = ours_compress((lz4_cfg){0, 4, 0, 0, 0, 0}, data, n, &fsize, NULL);
    alloc_limit = 60000;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, NULL, &dec, &d));
    in = (s4c_in_buffer){indep, fsize, 0};
    ob = (s4c_out_buffer){out, 1, 0};
    CHECK_STATUS(s4c_decoder_stream(dec, &in, &ob, &hint), S4C_ERROR_OUT_OF_MEMORY);
    s4c_decoder_free(dec);
    /* ... and a block arriving in pieces needs the input staging buffer. */
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, NULL, &dec, &d));
    in = (s4c_in_buffer){indep, 20, 0};
    ob = (s4c_out_buffer){out, n, 0};
    CHECK_STATUS(s4c_decoder_stream(dec, &in, &ob, &hint), S4C_ERROR_OUT_OF_MEMORY);
    s4c_decoder_free(dec);
    alloc_limit = SIZE_MAX;
    /* Codec and encoder creation: the k-th allocation fails, for every k. */
    int ooms = 0;
    for (int k = 0; k < 12; k++) {
        alloc_countdown = k;
        s4c_codec *c = NULL;
        s4c_status st = s4c_codec_create(S4C_KIND_CPU_LZ4, NULL, &c, &d);
        CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
        ooms += st != S4C_OK;
        s4c_codec_free(c);
        alloc_countdown = k;
        s4c_encoder *enc = NULL;
        st = s4c_encoder_create(S4C_KIND_CPU_LZ4, NULL, &enc, &d);
        CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
        ooms += st != S4C_OK;
        s4c_encoder_free(enc);
    }
    alloc_countdown = -1;
    CHECK(ooms >= 4);
    s4c_set_memory_allocator(NULL, NULL);
    free(indep);
    free(linked);
    free(out);
    free(data);
}

/* Skippable frames, concatenated frames, single_frame. */
static void test_multi_frame(void) {
    uint8_t a[70000], b[5000];
    check_fill(a, sizeof a, 1, 1);
    check_fill(b, sizeof b, 2, 0);
    size_t fa, fb;
    uint8_t *framea = ours_compress((lz4_cfg){0, 4, 1, 1, 0, 0}, a, sizeof a, &fa, NULL);
    uint8_t *frameb = ours_compress((lz4_cfg){3, 5, 0, 0, 1, 1}, b, sizeof b, &fb, NULL);
    static const uint8_t skip1[] = {0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 'x', 'y', 'z'};
    static const uint8_t skip2[] = {0x5F, 0x2A, 0x4D, 0x18, 0, 0, 0, 0};
    size_t total = sizeof skip1 + fa + sizeof skip2 + fb + sizeof skip1;
    uint8_t *s = malloc(total), *p = s;
    memcpy(p, skip1, sizeof skip1), p += sizeof skip1;
    memcpy(p, framea, fa), p += fa;
    memcpy(p, skip2, sizeof skip2), p += sizeof skip2;
    memcpy(p, frameb, fb), p += fb;
    memcpy(p, skip1, sizeof skip1);
    uint8_t both[sizeof a + sizeof b];
    memcpy(both, a, sizeof a);
    memcpy(both + sizeof a, b, sizeof b);
    CHECK_OK(ours_decompress(s, total, both, sizeof both));
    for (int pat = 0; pat < 3; pat++)
        check_stream_decode(s, total, both, sizeof both, pat, FEED_RANDOM, (uint64_t)pat);
    /* single_frame: a skippable frame is a frame (as LZ4F_decompress sees it). */
    uint8_t out[sizeof both];
    size_t w, used;
    CHECK_OK(stream_decode(s, total, out, sizeof out, FEED_RANDOM, FEED_ALL, 1, 1, &w, &used));
    CHECK_EQ_U64(w, 0);
    CHECK_EQ_U64(used, sizeof skip1);
    CHECK_OK(stream_decode(s + sizeof skip1, total - sizeof skip1, out, sizeof out, FEED_ONE,
                           FEED_RANDOM, 1, 1, &w, &used));
    CHECK_EQ_U64(w, sizeof a);
    CHECK_EQ_U64(used, fa);
    CHECK_MEM_EQ(out, a, sizeof a);
    /* lz4 -d agrees on what the whole stream holds. */
    uint8_t *ref = malloc(sizeof both + 1);
    CHECK(ref_decompress(s, total, ref, sizeof both + 1, &w) == 0);
    CHECK_EQ_U64(w, sizeof both);
    free(ref);
    free(s);
    free(framea);
    free(frameb);
}

/* ------------------------------------------------------------ hints */

static void test_hints(void) {
    size_t n = 300000;
    uint8_t *data = make_data(n, 31, 2);
    uint8_t *out = malloc(n);
    static const lz4_cfg cfgs[] = {{0, 4, 1, 0, 0, 0}, {0, 4, 0, 1, 1, 1}, {1, 5, 1, 1, 1, 0}};
    for (int i = 0; i < 3; i++) {
        size_t fsize;
        uint8_t *f = ref_compress(cfgs[i], data, n, &fsize);
        size_t hsize = 7 + (cfgs[i].cs ? 8 : 0);
        /* Reading exactly the hint each time lands on block boundaries. */
        s4c_lz4d dec;
        s4c_lz4d_init(&dec, 0);
        s4c_in_buffer in = {f, hsize, 0};
        s4c_out_buffer ob = {out, n, 0};
        CHECK_OK(s4c_lz4d_decode(&dec, &in, &ob, NULL));
        CHECK_EQ_U64(s4c_lz4d_hint(&dec), 4);
        CHECK(s4c_lz4d_frame_info(&dec) != NULL);
        CHECK(s4c_lz4d_at_block_boundary(&dec));
        int blocks = 0, off_boundary = 0;
        /* liblz4 in lockstep: same hints on the same feeds. */
        LZ4F_dctx *ref;
        LZ4F_createDecompressionContext(&ref, LZ4F_VERSION);
        uint8_t *rout = malloc(n);
        size_t rin = hsize, routn = n, rhint = LZ4F_decompress(ref, rout, &routn, f, &rin, NULL);
        CHECK_EQ_U64(rhint, 4);
        size_t rpos = routn;
        for (size_t hint = 4; hint;) {
            in.size = in.pos + hint > fsize ? fsize : in.pos + hint;
            size_t feed = in.size - in.pos;
            CHECK_OK(s4c_lz4d_decode(&dec, &in, &ob, NULL));
            CHECK_EQ_U64(in.pos, in.size);
            hint = s4c_lz4d_hint(&dec);
            rin = feed, routn = n - rpos;
            rhint = LZ4F_decompress(ref, rout + rpos, &routn, f + in.pos - feed, &rin, NULL);
            rpos += routn;
            CHECK_EQ_U64(rin, feed);
            CHECK_EQ_U64(hint, rhint);
            if (dec.stage == S4C_LZ4D_BLOCK_DATA || dec.stage == S4C_LZ4D_BLOCK_RAW)
                blocks++, off_boundary += !s4c_lz4d_at_block_boundary(&dec);
        }
        uint32_t bmax = s4c_lz4_block_max_size((unsigned)cfgs[i].id);
        CHECK_EQ_U64(blocks, (n + bmax - 1) / bmax);
        CHECK_EQ_U64(off_boundary, 0);
        CHECK_EQ_U64(ob.pos, n);
        CHECK_EQ_U64(rpos, n);
        CHECK(memcmp(out, data, n) == 0);
        CHECK(s4c_lz4d_at_frame_end(&dec));

        /* Random feeds: after the header our hint is liblz4's, except where
         * liblz4 counts a block checksum twice (block arriving in pieces) or
         * answers 1 (the checksum after an uncompressed block). */
        for (uint64_t seed = 0; seed < 4; seed++) {
            uint64_t rng = seed + 5;
            s4c_lz4d_reset(&dec);
            LZ4F_resetDecompressionContext(ref);
            in = (s4c_in_buffer){f, 0, 0};
            ob = (s4c_out_buffer){out, n, 0};
            rpos = 0;
            size_t mismatches = 0;
            while (in.pos < fsize) {
                size_t feed = feed_size(FEED_RANDOM, &rng);
                if (feed > fsize - in.pos) feed = fsize - in.pos;
                in.size = in.pos + feed;
                CHECK_OK(s4c_lz4d_decode(&dec, &in, &ob, NULL));
                rin = feed, routn = n - rpos;
                rhint = LZ4F_decompress(ref, rout + rpos, &routn, f + in.pos - feed, &rin, NULL);
                rpos += routn;
                CHECK_EQ_U64(rin, feed);
                size_t hint = s4c_lz4d_hint(&dec), want = rhint;
                if (!s4c_lz4d_frame_info(&dec)) continue;
                if (dec.stage == S4C_LZ4D_BLOCK_DATA && dec.stage_have && dec.info.block_checksum)
                    want -= 4;
                if (dec.stage == S4C_LZ4D_RAW_CHECKSUM && want == 1) want = hint;
                mismatches += hint != want;
            }
            CHECK_EQ_U64(mismatches, 0);
            CHECK_EQ_U64(s4c_lz4d_hint(&dec), 0);
            CHECK_EQ_U64(rpos, n);
        }
        LZ4F_freeDecompressionContext(ref);
        free(rout);
        s4c_lz4d_release(&dec);
        free(f);
    }
    free(out);
    free(data);
}

/* ------------------------------------------------------------ lz4 CLI */

static int have_lz4_cli(void) { return system("lz4 --version > /dev/null 2>&1") == 0; }

static int write_file(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(p, 1, n, f);
    fclose(f);
    return w == n ? 0 : -1;
}

static uint8_t *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(len > 0 ? (size_t)len : 1);
    *n = fread(p, 1, (size_t)len, f);
    fclose(f);
    return p;
}

static void test_cli(void) {
    if (!have_lz4_cli()) {
        printf("SKIP lz4 CLI differential: `lz4` not found in PATH\n");
        return;
    }
    char dir[] = "/tmp/s4c_test_lz4_XXXXXX";
    if (!mkdtemp(dir)) {
        printf("SKIP lz4 CLI differential: cannot create a temporary directory\n");
        return;
    }
    char raw[64], cmp[64], cmp2[64], cat[64], back[64], cmd[1024];
    snprintf(raw, sizeof raw, "%s/raw", dir);
    snprintf(cmp, sizeof cmp, "%s/raw.lz4", dir);
    snprintf(cmp2, sizeof cmp2, "%s/raw2.lz4", dir);
    snprintf(cat, sizeof cat, "%s/cat.lz4", dir);
    snprintf(back, sizeof back, "%s/back", dir);
    size_t n = 600000;
    uint8_t *data = make_data(n, 41, 2);
    CHECK(write_file(raw, data, n) == 0);

    /* lz4 -d decodes ours, every option combination. */
    int combos = 0;
    for (int id = 4; id <= 7; id++)
        for (int flags = 0; flags < 16; flags++) {
            lz4_cfg cfg = {(flags & 1) ? 9 : (id % 2 ? -3 : 0),
                           id,
                           (flags >> 1) & 1,
                           (flags >> 2) & 1,
                           (flags >> 3) & 1,
                           (flags + id) & 1};
            size_t fsize;
            uint8_t *f = ours_compress(cfg, data, n, &fsize, NULL);
            CHECK(write_file(cmp, f, fsize) == 0);
            free(f);
            snprintf(cmd, sizeof cmd, "lz4 -q -d -f %s %s", cmp, back);
            CHECK(system(cmd) == 0);
            size_t bn = 0;
            uint8_t *b = read_file(back, &bn);
            CHECK(b && bn == n && memcmp(b, data, n) == 0);
            free(b);
            combos++;
        }

    /* We decode the CLI's frames. */
    static const char *const flags[] = {
        "-B4",        "-B5",     "-B6", "-B7", "-BD", "--no-frame-crc", "-BX", "--content-size",
        "-9 -BD -BX", "--fast=5"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        snprintf(cmd, sizeof cmd, "lz4 -q -f %s %s %s", flags[i], raw, cmp);
        CHECK(system(cmd) == 0);
        size_t fsize = 0;
        uint8_t *f = read_file(cmp, &fsize);
        CHECK(f != NULL);
        if (!f) continue;
        CHECK_OK(ours_decompress(f, fsize, data, n));
        check_stream_decode(f, fsize, data, n, FEED_RANDOM, FEED_RANDOM, i);
        free(f);
    }
    /* cat a.lz4 b.lz4: two frames, one stream. */
    snprintf(cmd, sizeof cmd, "lz4 -q -f -BD %s %s && lz4 -q -f -B5 -BX %s %s && cat %s %s > %s",
             raw, cmp, raw, cmp2, cmp, cmp2, cat);
    CHECK(system(cmd) == 0);
    size_t fsize = 0;
    uint8_t *f = read_file(cat, &fsize);
    uint8_t *twice = malloc(2 * n);
    memcpy(twice, data, n);
    memcpy(twice + n, data, n);
    if (f) {
        CHECK_OK(ours_decompress(f, fsize, twice, 2 * n));
        check_stream_decode(f, fsize, twice, 2 * n, FEED_RANDOM, FEED_ONE, 3);
    }
    free(f);
    /* A legacy frame from the CLI is refused with UNSUPPORTED. */
    snprintf(cmd, sizeof cmd, "lz4 -q -f -l %s %s", raw, cmp);
    if (system(cmd) == 0) {
        f = read_file(cmp, &fsize);
        char msg[320];
        CHECK_STATUS(decode_status(f, fsize, n, msg, sizeof msg), S4C_ERROR_UNSUPPORTED);
        CHECK_STR_CONTAINS(msg, "legacy");
        free(f);
    }
    printf("lz4 CLI: decoded %d of our option combinations, read %zu CLI flag sets\n", combos,
           sizeof flags / sizeof flags[0] + 1);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    free(twice);
    free(data);
}

/* ------------------------------------------------------------ S4 errors, options */

static void test_s4_errors(void) {
    s4c_codec *c = make_codec((lz4_cfg){0});
    uint8_t data[5000], back[6100];
    check_fill(data, sizeof data, 3, 1);
    size_t cap = s4c_compress_bound(c, sizeof data);
    uint8_t *payload = malloc(cap);
    s4c_manifest m;
    s4c_error_detail d;
    size_t w;
    CHECK_OK(s4c_compress(c, data, sizeof data, payload, cap, &m, &d));
    CHECK_OK(s4c_decompress(c, &m, payload, m.compressed_size, back, sizeof back, &w, &d));
    CHECK_EQ_U64(w, sizeof data);

    s4c_manifest bad = m;
    bad.codec = S4C_KIND_CPU_ZSTD;
    CHECK_STATUS(s4c_decompress(c, &bad, payload, m.compressed_size, back, sizeof back, &w, &d),
                 S4C_ERROR_CODEC_MISMATCH);
    CHECK(strcmp(d.message, "codec mismatch: expected CpuLz4, got CpuZstd") == 0);

    bad = m;
    bad.original_size = S4C_MAX_DECOMPRESSED_BYTES + 1;
    CHECK_STATUS(s4c_decompress(c, &bad, payload, m.compressed_size, back, sizeof back, &w, &d),
                 S4C_ERROR_MANIFEST_SIZE_EXCEEDS_LIMIT);

    bad = m;
    bad.compressed_size++;
    CHECK_STATUS(s4c_decompress(c, &bad, payload, m.compressed_size, back, sizeof back, &w, &d),
                 S4C_ERROR_MANIFEST_SIZE_MISMATCH);

    /* Bomb: the manifest claims less than the payload holds. */
    bad = m;
    bad.original_size = 1000;
    CHECK_STATUS(s4c_decompress(c, &bad, payload, m.compressed_size, back, sizeof back, &w, &d),
                 S4C_ERROR_DECOMPRESSION_BOMB);
    CHECK(strcmp(d.message, "io error: lz4 decompression bomb detected: produced at least 2024 "
                            "bytes (truncated at cap = manifest.original_size + 1024 = 2024); "
                            "manifest claimed 1000; decoder had more bytes available beyond the "
                            "cap") == 0);
    bad.original_size = 4990; /* over by 10: no bytes beyond the cap */
    CHECK_STATUS(s4c_decompress(c, &bad, payload, m.compressed_size, back, sizeof back, &w, &d),
                 S4C_ERROR_DECOMPRESSION_BOMB);
    CHECK_STR_CONTAINS(d.message, "produced at least 5000 bytes");
    CHECK(strstr(d.message, "beyond the cap") == NULL);

    /* Short output: the manifest claims more. */
    bad = m;
    bad.original_size = sizeof data + 100;
    CHECK_STATUS(s4c_decompress(c, &bad, payload, m.compressed_size, back, sizeof back, &w, &d),
                 S4C_ERROR_SIZE_MISMATCH);
    CHECK(strcmp(d.message, "compressed size mismatch: manifest says 5100 bytes, payload is "
                            "5000 bytes") == 0);

    bad = m;
    bad.crc32c ^= 1;
    CHECK_STATUS(s4c_decompress(c, &bad, payload, m.compressed_size, back, sizeof back, &w, &d),
                 S4C_ERROR_CRC_MISMATCH);
    CHECK_STR_CONTAINS(d.message, "crc32c mismatch (chunk corruption?)");

    /* A decoder error is S4's Io class with the decoder's text. */
    payload[m.compressed_size - 1] ^= 0xFF; /* the end mark: now a block header */
    CHECK(s4c_decompress(c, &m, payload, m.compressed_size, back, sizeof back, &w, &d) != S4C_OK);
    CHECK(strncmp(d.message, "io error: ", 10) == 0);
    CHECK(s4c_status_class(d.status) == S4C_CLASS_IO);
    free(payload);
    s4c_codec_free(c);
}

static void test_options(void) {
    s4c_codec_options o;
    s4c_codec *c = NULL;
    s4c_error_detail d;
    static const int bad_ids[] = {1, 3, 8, -1, 100};
    for (size_t i = 0; i < 5; i++) {
        s4c_codec_options_init(&o);
        o.lz4_block_size_id = bad_ids[i];
        CHECK_STATUS(s4c_codec_create(S4C_KIND_CPU_LZ4, &o, &c, &d), S4C_ERROR_INVALID_ARGUMENT);
        CHECK(c == NULL);
        s4c_encoder *e = NULL;
        CHECK_STATUS(s4c_encoder_create(S4C_KIND_CPU_LZ4, &o, &e, &d), S4C_ERROR_INVALID_ARGUMENT);
    }
    static const struct {
        int in, out;
    } levels[] = {
        {S4C_LEVEL_DEFAULT, 0}, {0, 0}, {-5, -5}, {3, 3}, {12, 12}, {13, 12}, {1000, 12},
        {-2147483647, -65536},
    };
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        s4c_codec_options_init(&o);
        o.level = levels[i].in;
        CHECK_OK(s4c_codec_create(S4C_KIND_CPU_LZ4, &o, &c, &d));
        CHECK_EQ_U64((int64_t)s4c_codec_level(c), (int64_t)levels[i].out);
        uint8_t data[20000], buf[30000], back[20000];
        check_fill(data, sizeof data, 1, 1);
        s4c_manifest m;
        size_t w;
        CHECK_OK(s4c_compress(c, data, sizeof data, buf, sizeof buf, &m, &d));
        CHECK_OK(s4c_decompress(c, &m, buf, m.compressed_size, back, sizeof back, &w, &d));
        s4c_codec_free(c);
    }
    CHECK(s4c_kind_available(S4C_KIND_CPU_LZ4));
    CHECK(s4c_kind_available(S4C_KIND_NVCOMP_LZ4) == s4c_gpu_available()); /* docs/gpu.md */
    CHECK(strcmp(s4c_kind_debug_name(S4C_KIND_CPU_LZ4), "CpuLz4") == 0);
    /* Dictionaries are refused rather than ignored. */
    s4c_codec_options_init(&o);
    o.dict = "dict";
    o.dict_size = 4;
    CHECK_STATUS(s4c_codec_create(S4C_KIND_CPU_LZ4, &o, &c, &d), S4C_ERROR_INVALID_ARGUMENT);
    /* Header bits follow the options; the content size is one-shot only. */
    uint8_t data[300000];
    check_fill(data, sizeof data, 2, 1);
    size_t fsize;
    uint8_t *f = ours_compress((lz4_cfg){0, 5, 1, 1, 1, 1}, data, sizeof data, &fsize, NULL);
    CHECK_EQ_U64(f[4], 0x40 | 0x10 | 0x08 | 0x04); /* linked, block crc, size, content crc */
    CHECK_EQ_U64(f[5], 5 << 4);
    CHECK_EQ_U64(s4c_load_le64(f + 6), sizeof data);
    free(f);
    f = ours_compress((lz4_cfg){0, 0, 0, 0, 0, 0}, data, sizeof data, &fsize, NULL);
    CHECK_EQ_U64(f[4], 0x60);
    CHECK_EQ_U64(f[5], 0x40);
    free(f);
    /* Too small a destination for s4c_compress. */
    CHECK_OK(s4c_codec_create(S4C_KIND_CPU_LZ4, NULL, &c, &d));
    s4c_manifest m;
    uint8_t small[64];
    CHECK_STATUS(s4c_compress(c, data, sizeof data, small, sizeof small, &m, &d),
                 S4C_ERROR_DST_TOO_SMALL);
    s4c_codec_free(c);
    /* Decoders refuse dictionaries too. */
    s4c_decoder_options dopt;
    s4c_decoder_options_init(&dopt);
    dopt.dict = "dict";
    dopt.dict_size = 4;
    s4c_decoder *dec = NULL;
    CHECK_STATUS(s4c_decoder_create(S4C_KIND_CPU_LZ4, &dopt, &dec, &d), S4C_ERROR_INVALID_ARGUMENT);
    /* A fresh decoder is not at a frame end. */
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, NULL, &dec, &d));
    CHECK_STATUS(s4c_decoder_finish(dec), S4C_ERROR_TRUNCATED_INPUT);
    s4c_decoder_free(dec);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define RUN(test)                                                                                  \
    do {                                                                                           \
        double t0_ = now();                                                                        \
        test();                                                                                    \
        printf("%-24s %6.2f s\n", #test, now() - t0_);                                             \
    } while (0)

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    RUN(test_options);
    RUN(test_golden);
    RUN(test_roundtrip_matrix);
    RUN(test_roundtrip_64mib);
    RUN(test_stream_feeds);
    RUN(test_stream_encoder);
    RUN(test_multi_frame);
    RUN(test_corrupt_blocks);
    RUN(test_out_of_memory);
    RUN(test_truncation);
    RUN(test_bit_flips);
    RUN(test_forged);
    RUN(test_hints);
    RUN(test_cli);
    RUN(test_s4_errors);
    return check_exit("test_lz4");
}
