/*
 * test_gzip.c — cpu-gzip: S4's member bytes (header per level, clamping, the
 * spec's goldens we match and the ones we decode), round trips over level ×
 * size × data, a 64 MiB round trip, streaming with 1-byte, 7-byte and random
 * feeds in both directions and every flush mode, S4's reader rules (optional
 * header fields, header CRC, reserved bits, CM, truncation at every offset,
 * flipped bytes, first member only), every S4 error of the one-shot path with
 * its exact text, the block scanner and the inflater's 4 GiB counter, and
 * differential checks against gzip(1) and Python's gzip module.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <stdarg.h>
#include <unistd.h>

#include "check.h"
#include "codecs/deflate_block_scan.h"
#include "codecs/deflate_decoder.h"
#include "codecs/gzip_header.h"
#include "s4codec.h"
#include "s4codec_stream.h"

#define MIB ((size_t)1 << 20)
#define GZ S4C_KIND_CPU_GZIP

static uint64_t rng_next(uint64_t *s) {
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

static uint32_t le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void to_hex(const unsigned char *p, size_t n, char *out) {
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
    out[2 * n] = '\0';
}

/* ------------------------------------------------------------------ helpers */

static s4c_codec *make_codec(int level) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = level;
    s4c_codec *c = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_codec_create(GZ, &o, &c, &d));
    return c;
}

/* One-shot compress into a fresh buffer. */
static unsigned char *compress_new(s4c_codec *c, const void *src, size_t n, s4c_manifest *m) {
    size_t cap = s4c_compress_bound(c, n);
    unsigned char *out = malloc(cap ? cap : 1);
    s4c_error_detail d;
    CHECK_OK(s4c_compress(c, src, n, out, cap, m, &d));
    return out;
}

static unsigned char *compress_level(int level, const void *src, size_t n, size_t *out_n) {
    s4c_codec *c = make_codec(level);
    s4c_manifest m;
    unsigned char *p = compress_new(c, src, n, &m);
    *out_n = (size_t)m.compressed_size;
    s4c_codec_free(c);
    return p;
}

/* s4c_decompress of a payload with a manifest built for `want`. */
static s4c_status decompress_as(const unsigned char *p, size_t n, const void *want, size_t want_n,
                                s4c_error_detail *d) {
    s4c_codec *c = make_codec(S4C_LEVEL_DEFAULT);
    s4c_manifest m = {GZ, want_n, n, s4c_crc32c(0, want, want_n)};
    unsigned char *back = malloc(want_n ? want_n : 1);
    size_t w = 0;
    s4c_status st = s4c_decompress(c, &m, p, n, back, want_n, &w, d);
    if (st == S4C_OK) CHECK(w == want_n && (want_n == 0 || memcmp(back, want, want_n) == 0));
    free(back);
    s4c_codec_free(c);
    return st;
}

/* Next piece size of a feed pattern: 0 whole, 1 one byte, 2 seven bytes, 3 random 1..4096. */
static size_t feed(int pattern, uint64_t *rng, size_t left) {
    size_t k = left;
    if (pattern == 1) k = 1;
    if (pattern == 2) k = 7;
    if (pattern == 3) k = 1 + (size_t)(rng_next(rng) % 4096);
    return k < left ? k : left;
}

typedef struct stream_result {
    s4c_status status;
    size_t produced, consumed;
    size_t last_hint;
    s4c_status finish;
} stream_result;

/* Streams src through a decoder with the given input and output feeds. */
static stream_result stream_decode(int single, const unsigned char *src, size_t n, int in_pat,
                                   int out_pat, unsigned char *dst, size_t cap, uint64_t seed) {
    stream_result r = {S4C_OK, 0, 0, 0, S4C_OK};
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.single_frame = single;
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(GZ, &o, &dec, &d));
    if (!dec) {
        r.status = S4C_ERROR_BACKEND;
        return r;
    }
    uint64_t rng = seed | 1;
    size_t in_pos = 0, out_pos = 0, idle = 0;
    for (;;) {
        size_t ik = feed(in_pat, &rng, n - in_pos), ok = feed(out_pat, &rng, cap - out_pos);
        s4c_in_buffer in = {src + in_pos, ik, 0};
        s4c_out_buffer out = {dst + out_pos, ok, 0};
        size_t hint = 99;
        r.status = s4c_decoder_stream(dec, &in, &out, &hint);
        in_pos += in.pos;
        out_pos += out.pos;
        r.last_hint = hint;
        if (r.status != S4C_OK) break;
        if (in.pos == 0 && out.pos == 0) {
            /* No progress: the stream is over, or input or output ran out. */
            if (in_pos == n || out_pos == cap || ++idle > 3) break;
        } else {
            idle = 0;
        }
    }
    r.produced = out_pos;
    r.consumed = in_pos;
    r.finish = r.status == S4C_OK ? s4c_decoder_finish(dec) : r.status;
    s4c_decoder_free(dec);
    return r;
}

/*
 * Streams src through an encoder with the given feeds. flush_every > 0 asks
 * for S4C_FLUSH_BLOCK after every flush_every input bytes and checks that
 * what came out so far decodes to everything consumed. Ends with FLUSH_END.
 */
static unsigned char *stream_encode(int level, const unsigned char *src, size_t n, int in_pat,
                                    int out_pat, size_t flush_every, uint64_t seed, size_t *out_n) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = level;
    s4c_encoder *e = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_encoder_create(GZ, &o, &e, &d));
    size_t cap = n + n / 8 + 4096 + 64 * (flush_every ? n / flush_every + 1 : 1);
    unsigned char *out = malloc(cap);
    uint64_t rng = seed | 1;
    size_t in_pos = 0, out_pos = 0, since_flush = 0;
    int ended = 0;
    while (!ended && e) {
        size_t ik = feed(in_pat, &rng, n - in_pos);
        if (flush_every && ik > flush_every - since_flush) ik = flush_every - since_flush;
        s4c_in_buffer in = {src + in_pos, ik, 0};
        int last = in_pos + ik == n;
        int flush = flush_every && since_flush + ik == flush_every;
        s4c_flush_mode mode = last ? S4C_FLUSH_END : flush ? S4C_FLUSH_BLOCK : S4C_FLUSH_NONE;
        size_t pending = 0;
        do {
            s4c_out_buffer ob = {out + out_pos, feed(out_pat, &rng, cap - out_pos), 0};
            s4c_status st = s4c_encoder_stream(e, &in, &ob, mode, &pending);
            CHECK_OK(st);
            if (st != S4C_OK) {
                ended = 1;
                break;
            }
            out_pos += ob.pos;
            /* Repeat while input remains or a flush is still pending. */
        } while (in.pos < in.size || (mode != S4C_FLUSH_NONE && pending > 0));
        in_pos += in.pos;
        since_flush += in.pos;
        if (mode == S4C_FLUSH_BLOCK) {
            CHECK_EQ_U64(pending, 0);
            /* Everything consumed so far decodes from what came out so far. */
            unsigned char *back = malloc(in_pos + 1);
            stream_result r = stream_decode(0, out, out_pos, 0, 0, back, in_pos + 1, 1);
            CHECK_OK(r.status);
            CHECK_EQ_U64(r.produced, in_pos);
            CHECK(memcmp(back, src, in_pos) == 0);
            CHECK_STATUS(r.finish, S4C_ERROR_TRUNCATED_INPUT); /* the member is still open */
            free(back);
            since_flush = 0;
        }
        if (last) {
            CHECK_EQ_U64(pending, 0);
            ended = 1;
        }
    }
    s4c_encoder_free(e);
    *out_n = out_pos;
    return out;
}

/* ------------------------------------------------------------ header bytes */

static void test_header_and_levels(void) {
    static const unsigned char xfl[10] = {4, 4, 0, 0, 0, 0, 0, 0, 0, 2};
    static const char text[] = "header bytes for every level, header bytes for every level";
    for (int level = 0; level <= 9; level++) {
        size_t n = 0;
        unsigned char *p = compress_level(level, text, sizeof text - 1, &n);
        const unsigned char want[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl[level], 0xff};
        CHECK(n > 18);
        CHECK_MEM_EQ(p, want, 10);
        CHECK_EQ_U64(le32(p + n - 8), 0x0u + (uint32_t)s4c_gzip_crc32(0, text, sizeof text - 1));
        CHECK_EQ_U64(le32(p + n - 4), sizeof text - 1);
        s4c_error_detail d;
        CHECK_OK(decompress_as(p, n, text, sizeof text - 1, &d));
        free(p);
    }
    /* Default 6, min(level, 9), negative refused (S4's level is unsigned). */
    static const struct {
        int in, out;
    } clamp[] = {{S4C_LEVEL_DEFAULT, 6}, {0, 0}, {9, 9}, {10, 9}, {12, 9}, {1000, 9},
                 {2147483647, 9}};
    for (size_t i = 0; i < sizeof clamp / sizeof clamp[0]; i++) {
        s4c_codec *c = make_codec(clamp[i].in);
        CHECK_EQ_U64(s4c_codec_level(c), clamp[i].out);
        s4c_manifest m;
        unsigned char *p = compress_new(c, "x", 1, &m);
        CHECK_EQ_U64(p[8], clamp[i].out >= 9 ? 2 : clamp[i].out <= 1 ? 4 : 0);
        free(p);
        s4c_codec_free(c);
    }
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    s4c_codec *c = NULL;
    s4c_error_detail d;
    for (int bad = -1; bad >= -3; bad--) {
        o.level = bad;
        CHECK_STATUS(s4c_codec_create(GZ, &o, &c, &d), S4C_ERROR_INVALID_ARGUMENT);
        CHECK(c == NULL);
        CHECK_STR_CONTAINS(d.message, "negative");
        s4c_encoder *e = NULL;
        CHECK_STATUS(s4c_encoder_create(GZ, &o, &e, &d), S4C_ERROR_INVALID_ARGUMENT);
        CHECK(e == NULL);
    }
    CHECK(s4c_kind_available(GZ));
    CHECK(strcmp(s4c_kind_name(GZ), "cpu-gzip") == 0);
}

/* ------------------------------------------------------------------ goldens */

/* s4-compat.md §2.3: flate2 1.1.9 + miniz_oxide 0.8.9. */
static const struct {
    const char *name;
    int level;
    const char *hex;
    int we_match; /* our bytes are identical (see docs/codecs/gzip.md) */
} goldens[] = {
    {"empty", 1, "1f8b08000000000004ff03000000000000000000", 1},
    {"empty", 6, "1f8b08000000000000ff03000000000000000000", 1},
    {"empty", 0, "1f8b08000000000004ff010000ffff0000000000000000", 1},
    {"hello", 6, "1f8b08000000000000ff cb48cdc9c90700 86a61036 05000000", 1},
    {"testdata", 6,
     "1f8b08000000000000ff edc6310d000008c4402b58fb041450ff41064bb76396ea1084101f38 f80811e6 "
     "84030000",
     0},
    {"testdata", 9,
     "1f8b08000000000002ff edc6310d000008c4402b58fb041450ff41064bb76396ea1084101f38 f80811e6 "
     "84030000",
     0},
    {"testdata", 1,
     "1f8b08000000000004ff ed93410d00000884aa58ed364d20fd670c3ffc78336096ea10410996f072c101 "
     "f80811e6 84030000",
     0},
};

static size_t golden_input(const char *name, unsigned char *buf) {
    if (strcmp(name, "hello") == 0) {
        memcpy(buf, "hello", 5);
        return 5;
    }
    if (strcmp(name, "testdata") == 0) {
        for (int i = 0; i < 100; i++)
            memcpy(buf + 9 * i, "test data", 9);
        return 900;
    }
    return 0;
}

static void test_goldens(void) {
    unsigned char in[900], want[128];
    for (size_t i = 0; i < sizeof goldens / sizeof goldens[0]; i++) {
        size_t n = golden_input(goldens[i].name, in);
        size_t wn = check_unhex(goldens[i].hex, want, sizeof want);
        size_t gn = 0;
        unsigned char *got = compress_level(goldens[i].level, in, n, &gn);
        if (goldens[i].we_match) {
            char hex[300];
            to_hex(got, gn, hex);
            if (gn != wn || memcmp(got, want, wn) != 0)
                fprintf(stderr, "golden %s L%d: got %s\n", goldens[i].name, goldens[i].level, hex);
            CHECK_EQ_U64(gn, wn);
            CHECK(gn == wn && memcmp(got, want, wn) == 0);
        } else {
            /* Header and trailer are S4's; the deflate bytes are libdeflate's. */
            CHECK_MEM_EQ(got, want, 10);
            CHECK_MEM_EQ(got + gn - 8, want + wn - 8, 8);
        }
        /* Every golden is valid gzip: it decodes to its input, one-shot and streaming. */
        s4c_error_detail d;
        CHECK_OK(decompress_as(want, wn, in, n, &d));
        unsigned char back[1024];
        for (int pat = 0; pat < 4; pat++) {
            stream_result r = stream_decode(pat & 1, want, wn, pat, 3 - pat, back, sizeof back, 7);
            CHECK_OK(r.status);
            CHECK_OK(r.finish);
            CHECK_EQ_U64(r.produced, n);
            CHECK(memcmp(back, in, n) == 0);
            CHECK_EQ_U64(r.last_hint, 0);
        }
        free(got);
    }
}

/* --------------------------------------------------------------- round trips */

static void test_round_trips(void) {
    static const size_t sizes[] = {0, 1, 5, 32, 33, 65535, 65536, 65537, MIB};
    unsigned char *src = malloc(MIB), *back = malloc(MIB + 1);
    for (int compressible = 0; compressible <= 1; compressible++) {
        check_fill(src, MIB, 11 + (uint64_t)compressible, compressible);
        for (int level = 0; level <= 9; level++) {
            s4c_codec *c = make_codec(level);
            for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
                size_t n = sizes[si];
                s4c_manifest m;
                unsigned char *p = compress_new(c, src, n, &m);
                CHECK(m.compressed_size <= s4c_compress_bound(c, n));
                CHECK_EQ_U64(m.codec, GZ);
                CHECK_EQ_U64(m.original_size, n);
                CHECK_EQ_U64(m.crc32c, s4c_crc32c(0, src, n));
                if (level == 0) /* stored blocks: never smaller than the input */
                    CHECK(m.compressed_size >= n + 18);
                if (compressible && n >= 65536 && level >= 1) CHECK(m.compressed_size < n / 10 * 7);
                size_t w = 0;
                s4c_error_detail d;
                CHECK_OK(s4c_decompress(c, &m, p, (size_t)m.compressed_size, back, n, &w, &d));
                CHECK(w == n && memcmp(back, src, n) == 0);
                /* The same member through the streaming decoder. */
                stream_result r = stream_decode(0, p, (size_t)m.compressed_size, 3, 3, back,
                                                MIB + 1, n + (uint64_t)level);
                CHECK_OK(r.status);
                CHECK_OK(r.finish);
                CHECK(r.produced == n && memcmp(back, src, n) == 0);
                free(p);
            }
            s4c_codec_free(c);
        }
    }
    free(src);
    free(back);
}

static void test_large_round_trip(void) {
    const size_t n = 64 * MIB;
    unsigned char *src = malloc(n), *back = malloc(n);
    check_fill(src, n, 64, 1);
    s4c_codec *c = make_codec(6);
    s4c_manifest m;
    unsigned char *p = compress_new(c, src, n, &m);
    size_t w = 0;
    s4c_error_detail d;
    CHECK_OK(s4c_decompress(c, &m, p, (size_t)m.compressed_size, back, n, &w, &d));
    CHECK(w == n && memcmp(back, src, n) == 0);
    CHECK_EQ_U64(le32(p + m.compressed_size - 4), (uint32_t)n);
    free(p);
    s4c_codec_free(c);
    free(src);
    free(back);
}

/* ---------------------------------------------------------------- streaming */

static void test_stream_encoder(void) {
    const size_t big = 2 * MIB + 12345; /* three chunks */
    unsigned char *src = malloc(big), *back = malloc(big + 1);
    check_fill(src, big, 21, 1);
    /* A member whose input fits one chunk is the one-shot member, byte for byte. */
    static const size_t small_sizes[] = {0, 1, 5, 32, 33, 1000, 65537};
    for (int level = 0; level <= 9; level += 3) {
        for (size_t si = 0; si < sizeof small_sizes / sizeof small_sizes[0]; si++) {
            size_t n = small_sizes[si], on = 0, sn = 0;
            unsigned char *one = compress_level(level, src, n, &on);
            for (int pat = 0; pat < 4; pat++) {
                if (pat == 1 && n > 1000) continue;
                unsigned char *s = stream_encode(level, src, n, pat, pat, 0, n + 3, &sn);
                CHECK_EQ_U64(sn, on);
                CHECK(sn == on && memcmp(s, one, on) == 0);
                free(s);
            }
            free(one);
        }
    }
    /* Longer than a chunk: still ONE member (S4's single-member reader decodes it all). */
    for (int level = 0; level <= 9; level += 3) {
        for (int pat = 0; pat < 4; pat++) {
            if (pat == 1 || (pat == 2 && level != 6)) continue; /* 1-byte feeds: below */
            size_t sn = 0;
            unsigned char *s = stream_encode(level, src, big, pat, pat ? 3 : 0, 0, 5, &sn);
            s4c_error_detail d;
            CHECK_OK(decompress_as(s, sn, src, big, &d));
            free(s);
        }
    }
    /* Flushes: after each, what came out decodes to everything consumed. */
    static const size_t flushes[] = {1, 7, 1000, 65536, 300000, MIB, MIB + 1};
    for (size_t fi = 0; fi < sizeof flushes / sizeof flushes[0]; fi++) {
        /* Each flush re-decodes everything so far: keep the frequent ones short. */
        size_t n = flushes[fi] < 1000 ? 3000 : flushes[fi] < 65536 ? 100000 : big;
        for (int level = 0; level <= 9; level += 9) {
            size_t sn = 0;
            unsigned char *s = stream_encode(level, src, n, 3, 3, flushes[fi], fi, &sn);
            s4c_error_detail d;
            CHECK_OK(decompress_as(s, sn, src, n, &d));
            free(s);
        }
    }
    /* 1-byte input and output feeds across a chunk boundary. */
    {
        size_t n = MIB + 3000, sn = 0;
        unsigned char *s = stream_encode(1, src, n, 1, 1, 0, 9, &sn);
        s4c_error_detail d;
        CHECK_OK(decompress_as(s, sn, src, n, &d));
        free(s);
    }
    /* FLUSH_END twice: two members; reset drops a member in progress. */
    {
        s4c_encoder *e = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_encoder_create(GZ, NULL, &e, &d));
        unsigned char out[4096];
        size_t pos = 0, pending = 1;
        s4c_in_buffer in = {"abc", 3, 0};
        s4c_out_buffer ob = {out, sizeof out, 0};
        CHECK_OK(s4c_encoder_stream(e, &in, &ob, S4C_FLUSH_NONE, &pending));
        CHECK_EQ_U64(pending, 3);
        CHECK_OK(s4c_encoder_reset(e));
        ob.pos = 0;
        in = (s4c_in_buffer){"hello", 5, 0};
        CHECK_OK(s4c_encoder_stream(e, &in, &ob, S4C_FLUSH_END, &pending));
        CHECK_EQ_U64(pending, 0);
        pos = ob.pos;
        in = (s4c_in_buffer){"hello", 5, 0};
        CHECK_OK(s4c_encoder_stream(e, &in, &ob, S4C_FLUSH_END, &pending));
        CHECK_EQ_U64(pending, 0);
        unsigned char want[64];
        size_t wn = check_unhex(goldens[3].hex, want, sizeof want);
        CHECK_EQ_U64(pos, wn);
        CHECK_EQ_U64(ob.pos, 2 * wn);
        CHECK(memcmp(out, want, wn) == 0 && memcmp(out + wn, want, wn) == 0);
        /* An empty FLUSH_NONE call before any input writes nothing. */
        ob.pos = 0;
        in = (s4c_in_buffer){"", 0, 0};
        CHECK_OK(s4c_encoder_stream(e, &in, &ob, S4C_FLUSH_NONE, &pending));
        CHECK_EQ_U64(ob.pos, 0);
        CHECK_OK(s4c_encoder_stream(e, &in, &ob, S4C_FLUSH_BLOCK, &pending));
        CHECK_EQ_U64(ob.pos, 0);
        s4c_encoder_free(e);
    }
    free(src);
    free(back);
}

/* Concatenation of members at different levels (one empty). */
static unsigned char *make_multi(const unsigned char *a, size_t an, const unsigned char *b,
                                 size_t bn, size_t *first_n, size_t *total_n) {
    size_t pa = 0, pe = 0, pb = 0;
    unsigned char *ma = compress_level(1, a, an, &pa), *me = compress_level(6, "", 0, &pe),
                  *mb = compress_level(9, b, bn, &pb);
    unsigned char *all = malloc(pa + pe + pb);
    memcpy(all, ma, pa);
    memcpy(all + pa, me, pe);
    memcpy(all + pa + pe, mb, pb);
    *first_n = pa;
    *total_n = pa + pe + pb;
    free(ma), free(me), free(mb);
    return all;
}

static void test_stream_decoder(void) {
    const size_t an = 200000, bn = 70001;
    unsigned char *a = malloc(an), *b = malloc(bn), *ab = malloc(an + bn),
                  *back = malloc(an + bn + 1);
    check_fill(a, an, 31, 1);
    check_fill(b, bn, 32, 0);
    memcpy(ab, a, an);
    memcpy(ab + an, b, bn);
    size_t first_n = 0, total_n = 0;
    unsigned char *multi = make_multi(a, an, b, bn, &first_n, &total_n);
    for (int in_pat = 0; in_pat < 4; in_pat++) {
        for (int out_pat = 0; out_pat < 4; out_pat++) {
            if (in_pat == 1 && out_pat == 1) continue; /* below, on a shorter stream */
            /* Default: every member. */
            stream_result r = stream_decode(0, multi, total_n, in_pat, out_pat, back, an + bn + 1,
                                            (uint64_t)(in_pat * 4 + out_pat));
            CHECK_OK(r.status);
            CHECK_OK(r.finish);
            CHECK_EQ_U64(r.produced, an + bn);
            CHECK(memcmp(back, ab, an + bn) == 0);
            CHECK_EQ_U64(r.consumed, total_n);
            CHECK_EQ_U64(r.last_hint, 0);
            /* single_frame: the first member; the rest stays unconsumed. */
            r = stream_decode(1, multi, total_n, in_pat, out_pat, back, an + bn + 1, 3);
            CHECK_OK(r.status);
            CHECK_OK(r.finish);
            CHECK_EQ_U64(r.produced, an);
            CHECK(memcmp(back, a, an) == 0);
            CHECK_EQ_U64(r.consumed, first_n);
        }
    }
    {
        size_t sn = 0;
        unsigned char *s = compress_level(6, a, 5000, &sn);
        stream_result r = stream_decode(0, s, sn, 1, 1, back, 5001, 1);
        CHECK_OK(r.status);
        CHECK_OK(r.finish);
        CHECK(r.produced == 5000 && memcmp(back, a, 5000) == 0);
        free(s);
    }
    /* hint is 0 exactly at member ends, with all output delivered. */
    {
        s4c_decoder *dec = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_decoder_create(GZ, NULL, &dec, &d));
        size_t hint = 0;
        s4c_in_buffer in = {multi, 5, 0};
        s4c_out_buffer out = {back, an + bn, 0};
        CHECK_OK(s4c_decoder_stream(dec, &in, &out, &hint));
        CHECK(hint == 5); /* the rest of the 10-byte header */
        CHECK_STATUS(s4c_decoder_finish(dec), S4C_ERROR_TRUNCATED_INPUT);
        in = (s4c_in_buffer){multi, first_n, 5};
        out.size = an - 1; /* all but one byte of the first member's output */
        CHECK_OK(s4c_decoder_stream(dec, &in, &out, &hint));
        CHECK(hint != 0);
        CHECK_STATUS(s4c_decoder_finish(dec), S4C_ERROR_TRUNCATED_INPUT);
        out.size = an + bn;
        CHECK_OK(s4c_decoder_stream(dec, &in, &out, &hint));
        CHECK_EQ_U64(hint, 0);
        CHECK_EQ_U64(out.pos, an);
        CHECK_EQ_U64(in.pos, first_n);
        CHECK_OK(s4c_decoder_finish(dec));
        /* Trailing garbage after a member, in multi-member mode. */
        in = (s4c_in_buffer){"\x1f\x8bX", 3, 0};
        CHECK_OK(s4c_decoder_stream(dec, &in, &out, &hint));
        CHECK(hint != 0);
        /* The first member's ten fixed bytes are all read before any is checked. */
        CHECK_OK(s4c_decoder_reset(dec));
        in = (s4c_in_buffer){"junk", 4, 0};
        CHECK_OK(s4c_decoder_stream(dec, &in, &out, &hint));
        CHECK_EQ_U64(hint, 6);
        in = (s4c_in_buffer){"junkjunk", 8, 0};
        CHECK_STATUS(s4c_decoder_stream(dec, &in, &out, &hint), S4C_ERROR_UNKNOWN_FORMAT);
        CHECK_STATUS(s4c_decoder_stream(dec, &in, &out, &hint), S4C_ERROR_FAILED_STATE);
        CHECK_OK(s4c_decoder_reset(dec));
        in = (s4c_in_buffer){multi, first_n, 0};
        out.pos = 0;
        CHECK_OK(s4c_decoder_stream(dec, &in, &out, &hint));
        in = (s4c_in_buffer){"junk", 4, 0};
        CHECK_STATUS(s4c_decoder_stream(dec, &in, &out, &hint), S4C_ERROR_TRAILING_DATA);
        CHECK_STR_CONTAINS(s4c_decoder_error(dec)->message, "do not start another member");
        /* An empty stream is not a gzip stream. */
        CHECK_OK(s4c_decoder_reset(dec));
        CHECK_STATUS(s4c_decoder_finish(dec), S4C_ERROR_TRUNCATED_INPUT);
        s4c_decoder_free(dec);
    }
    /* One-shot (S4's reader) decodes only the first member and ignores the rest. */
    s4c_error_detail d;
    CHECK_OK(decompress_as(multi, total_n, a, an, &d));
    CHECK_STATUS(decompress_as(multi, total_n, ab, an + bn, &d), S4C_ERROR_SIZE_MISMATCH);
    free(multi);
    free(a), free(b), free(ab), free(back);
}

/* ------------------------------------------------------------ reader rules */

typedef struct member_builder {
    unsigned char buf[200000];
    size_t n;
} member_builder;

static void mb_put(member_builder *mb, const void *p, size_t n) {
    memcpy(mb->buf + mb->n, p, n);
    mb->n += n;
}

/* A member for `text` with header flags and fields of our choosing. */
static void build_member(member_builder *mb, unsigned char flg, const unsigned char *extra,
                         size_t xlen, const char *name, const char *comment, int hcrc_ok,
                         const char *text) {
    mb->n = 0;
    unsigned char fixed[10] = {0x1f, 0x8b, 8, flg, 1, 2, 3, 4, 0, 3};
    mb_put(mb, fixed, 10);
    if (flg & 0x04) {
        unsigned char x[2] = {(unsigned char)xlen, (unsigned char)(xlen >> 8)};
        mb_put(mb, x, 2);
        mb_put(mb, extra, xlen);
    }
    if (flg & 0x08) mb_put(mb, name, strlen(name) + 1);
    if (flg & 0x10) mb_put(mb, comment, strlen(comment) + 1);
    if (flg & 0x02) {
        uint32_t crc = s4c_gzip_crc32(0, mb->buf, mb->n) ^ (hcrc_ok ? 0 : 1);
        unsigned char h[2] = {(unsigned char)crc, (unsigned char)(crc >> 8)};
        mb_put(mb, h, 2);
    }
    size_t pn = 0;
    unsigned char *p = compress_level(6, text, strlen(text), &pn);
    mb_put(mb, p + 10, pn - 10); /* our deflate data and trailer */
    free(p);
}

static s4c_status decode_member(const unsigned char *p, size_t n, const char *text,
                                s4c_error_detail *d) {
    s4c_status st = decompress_as(p, n, text, strlen(text), d);
    /* The streaming decoder (S4's single-member mode and multi-member) agrees; a
     * valid member whose content differs from the manifest streams fine. */
    s4c_status want = st;
    if (st == S4C_ERROR_SIZE_MISMATCH || st == S4C_ERROR_CRC_MISMATCH) want = S4C_OK;
    static unsigned char back[1 << 17];
    for (int single = 0; single <= 1; single++) {
        stream_result r = stream_decode(single, p, n, 2, 3, back, sizeof back, 5);
        s4c_status sst = r.status != S4C_OK ? r.status : r.finish;
        /* A bomb is measured up to original_size + 1024 only; the stream may
         * be valid or fail further on. */
        if (st == S4C_ERROR_DECOMPRESSION_BOMB)
            CHECK(sst == S4C_OK || s4c_status_class(sst) == S4C_CLASS_IO);
        else
            CHECK_STATUS(sst, want);
        if (st == S4C_OK) CHECK(r.produced == strlen(text) && memcmp(back, text, r.produced) == 0);
    }
    return st;
}

static void test_reader_rules(void) {
    static member_builder mb;
    const char *text = "optional header fields are skipped";
    s4c_error_detail d;
    unsigned char extra[300];
    for (size_t i = 0; i < sizeof extra; i++)
        extra[i] = (unsigned char)i;
    /* Every combination of FHCRC, FEXTRA, FNAME, FCOMMENT decodes. */
    for (unsigned flg = 0; flg < 32; flg++) {
        if (flg & 1) continue; /* FTEXT is a hint only; checked below */
        build_member(&mb, (unsigned char)flg, extra, sizeof extra, "name.txt", "a comment", 1,
                     text);
        CHECK_OK(decode_member(mb.buf, mb.n, text, &d));
        if (flg & 0x02) { /* the same with a wrong header CRC */
            build_member(&mb, (unsigned char)flg, extra, sizeof extra, "name.txt", "a comment", 0,
                         text);
            CHECK_STATUS(decode_member(mb.buf, mb.n, text, &d), S4C_ERROR_CHECKSUM_MISMATCH);
            CHECK(strcmp(d.message,
                         "io error: corrupt gzip stream does not have a matching checksum") == 0);
        }
    }
    build_member(&mb, 0x01, NULL, 0, NULL, NULL, 1, text); /* FTEXT */
    CHECK_OK(decode_member(mb.buf, mb.n, text, &d));
    build_member(&mb, 0x04, extra, 0, NULL, NULL, 1, text); /* empty FEXTRA */
    CHECK_OK(decode_member(mb.buf, mb.n, text, &d));
    /* Reserved FLG bits and CM != 8 are refused with flate2's text. */
    for (unsigned bit = 0x20; bit <= 0x80; bit <<= 1) {
        build_member(&mb, (unsigned char)bit, NULL, 0, NULL, NULL, 1, text);
        CHECK_STATUS(decode_member(mb.buf, mb.n, text, &d), S4C_ERROR_UNSUPPORTED);
        CHECK(strcmp(d.message, "io error: invalid gzip header") == 0);
    }
    build_member(&mb, 0, NULL, 0, NULL, NULL, 1, text);
    for (int cm = 0; cm < 16; cm++) {
        if (cm == 8) continue;
        mb.buf[2] = (unsigned char)cm;
        CHECK_STATUS(decode_member(mb.buf, mb.n, text, &d), S4C_ERROR_UNSUPPORTED);
        CHECK(strcmp(d.message, "io error: invalid gzip header") == 0);
    }
    mb.buf[2] = 8;
    mb.buf[1] = 0x8c;
    CHECK_STATUS(decode_member(mb.buf, mb.n, text, &d), S4C_ERROR_UNKNOWN_FORMAT);
    CHECK(strcmp(d.message, "io error: invalid gzip header") == 0);
    /* FNAME of 65535 bytes is fine, 65536 is flate2's "gzip header field too long". */
    static char name[65537];
    memset(name, 'n', 65535);
    name[65535] = '\0';
    build_member(&mb, 0x08 | 0x02, NULL, 0, name, NULL, 1, text);
    CHECK_OK(decode_member(mb.buf, mb.n, text, &d));
    name[65535] = 'n';
    name[65536] = '\0';
    build_member(&mb, 0x08, NULL, 0, name, NULL, 1, text);
    CHECK_STATUS(decode_member(mb.buf, mb.n, text, &d), S4C_ERROR_CORRUPT_DATA);
    CHECK(strcmp(d.message, "io error: gzip header field too long") == 0);
    build_member(&mb, 0x10, NULL, 0, NULL, name, 1, text);
    CHECK_STATUS(decode_member(mb.buf, mb.n, text, &d), S4C_ERROR_CORRUPT_DATA);
}

static void test_truncation_and_flips(void) {
    static member_builder mb;
    const char *text = "truncated at every byte offset, truncated at every byte offset";
    build_member(&mb, 0x1e, (const unsigned char *)"xx", 2, "f", "c", 1, text);
    s4c_error_detail d;
    CHECK_OK(decode_member(mb.buf, mb.n, text, &d));
    /* Every proper prefix: "unexpected end of file", one-shot and streaming. */
    for (size_t cut = 0; cut < mb.n; cut++) {
        CHECK_STATUS(decode_member(mb.buf, cut, text, &d), S4C_ERROR_TRUNCATED_INPUT);
        CHECK(strcmp(d.message, "io error: unexpected end of file") == 0);
    }
    /* Every byte flipped: a specific error or, where the field is unchecked, success. */
    size_t pn = 0;
    unsigned char *p = compress_level(6, text, strlen(text), &pn);
    s4c_deflate_scan_result scan;
    CHECK_OK(s4c_deflate_scan(p + 10, pn - 18, NULL, NULL, &scan));
    int pad_from = (int)(scan.end_bit & 7) ? (int)(scan.end_bit & 7) : 8;
    for (size_t i = 0; i < pn; i++) {
        for (int bit = 0; bit < 8; bit++) {
            p[i] ^= (unsigned char)(1u << bit);
            s4c_status st = decode_member(p, pn, text, &d);
            if (i < 2)
                CHECK_STATUS(st, S4C_ERROR_UNKNOWN_FORMAT);
            else if (i == 3 && bit == 0) /* FTEXT: a hint only */
                CHECK_OK(st);
            else if (i < 4)
                CHECK(st == S4C_ERROR_UNSUPPORTED || st == S4C_ERROR_TRUNCATED_INPUT ||
                      st == S4C_ERROR_CHECKSUM_MISMATCH || st == S4C_ERROR_CORRUPT_DATA ||
                      st == S4C_ERROR_DECOMPRESSION_BOMB || st == S4C_ERROR_SIZE_MISMATCH);
            else if (i < 10) /* MTIME, XFL, OS: not checked */
                CHECK_OK(st);
            else if (i >= pn - 8)
                CHECK_STATUS(st, S4C_ERROR_CHECKSUM_MISMATCH);
            else if (i == pn - 9 && bit >= pad_from) /* padding after end-of-block */
                CHECK_OK(st);
            else
                CHECK(st == S4C_ERROR_CORRUPT_DATA || st == S4C_ERROR_CHECKSUM_MISMATCH ||
                      st == S4C_ERROR_TRUNCATED_INPUT || st == S4C_ERROR_DECOMPRESSION_BOMB ||
                      st == S4C_ERROR_SIZE_MISMATCH || st == S4C_ERROR_CRC_MISMATCH);
            p[i] ^= (unsigned char)(1u << bit);
        }
    }
    free(p);
}

/* ------------------------------------------------------------- S4 errors */

static void test_s4_errors(void) {
    const size_t n = 5000;
    unsigned char *src = malloc(n), *back = malloc(n + 2000);
    check_fill(src, n, 41, 1);
    s4c_codec *c = make_codec(6);
    s4c_manifest m;
    unsigned char *p = compress_new(c, src, n, &m);
    size_t pn = (size_t)m.compressed_size, w = 0;
    s4c_error_detail d;
    char want[400];

    s4c_manifest bad = m;
    bad.codec = S4C_KIND_CPU_ZSTD;
    CHECK_STATUS(s4c_decompress(c, &bad, p, pn, back, n, &w, &d), S4C_ERROR_CODEC_MISMATCH);
    CHECK(strcmp(d.message, "codec mismatch: expected CpuGzip, got CpuZstd") == 0);

    bad = m;
    bad.original_size = S4C_MAX_DECOMPRESSED_BYTES + 1;
    CHECK_STATUS(s4c_decompress(c, &bad, p, pn, back, n, &w, &d),
                 S4C_ERROR_MANIFEST_SIZE_EXCEEDS_LIMIT);
    CHECK(strcmp(d.message, "manifest original_size 5368709121 exceeds safety limit 5368709120 "
                            "(forged / corrupted manifest?)") == 0);

    bad = m;
    bad.compressed_size = pn + 1;
    CHECK_STATUS(s4c_decompress(c, &bad, p, pn, back, n, &w, &d), S4C_ERROR_MANIFEST_SIZE_MISMATCH);
    snprintf(want, sizeof want, "manifest compressed_size %zu does not match payload length %zu",
             pn + 1, pn);
    CHECK(strcmp(d.message, want) == 0);

    /* Bomb, both suffix variants: n - 100 claimed (output within the cap)... */
    bad = m;
    bad.original_size = n - 100;
    CHECK_STATUS(s4c_decompress(c, &bad, p, pn, back, n + 2000, &w, &d),
                 S4C_ERROR_DECOMPRESSION_BOMB);
    snprintf(want, sizeof want,
             "io error: gzip decompression bomb detected: produced at least %zu bytes (truncated "
             "at cap = manifest.original_size + 1024 = %zu); manifest claimed %zu",
             n, n - 100 + 1024, n - 100);
    CHECK(strcmp(d.message, want) == 0);
    /* ... and 2000 claimed (more than the cap is there). */
    bad.original_size = 2000;
    CHECK_STATUS(s4c_decompress(c, &bad, p, pn, back, n + 2000, &w, &d),
                 S4C_ERROR_DECOMPRESSION_BOMB);
    snprintf(want, sizeof want,
             "io error: gzip decompression bomb detected: produced at least 3024 bytes (truncated "
             "at cap = manifest.original_size + 1024 = 3024); manifest claimed 2000; decoder had "
             "more bytes available beyond the cap");
    CHECK(strcmp(d.message, want) == 0);
    /* Exactly at the cap: no suffix. */
    bad.original_size = n - 1024;
    CHECK_STATUS(s4c_decompress(c, &bad, p, pn, back, n + 2000, &w, &d),
                 S4C_ERROR_DECOMPRESSION_BOMB);
    CHECK(strstr(d.message, "beyond the cap") == NULL);
    bad.original_size = 0;
    CHECK_STATUS(s4c_decompress(c, &bad, p, pn, back, n + 2000, &w, &d),
                 S4C_ERROR_DECOMPRESSION_BOMB);
    CHECK_STR_CONTAINS(d.message, "produced at least 1024 bytes");

    /* Short output: SizeMismatch with S4's (misleading) wording. */
    bad = m;
    bad.original_size = n + 1;
    CHECK_STATUS(s4c_decompress(c, &bad, p, pn, back, n + 1, &w, &d), S4C_ERROR_SIZE_MISMATCH);
    snprintf(want, sizeof want,
             "compressed size mismatch: manifest says %zu bytes, payload is %zu bytes", n + 1, n);
    CHECK(strcmp(d.message, want) == 0);

    /* CRC32C of the output. */
    bad = m;
    bad.crc32c ^= 1;
    CHECK_STATUS(s4c_decompress(c, &bad, p, pn, back, n, &w, &d), S4C_ERROR_CRC_MISMATCH);
    snprintf(want, sizeof want, "crc32c mismatch (chunk corruption?): expected 0x%08x, got 0x%08x",
             bad.crc32c, m.crc32c);
    CHECK(strcmp(d.message, want) == 0);

    /* Decoder failures are S4's Io errors with flate2's texts. */
    unsigned char *q = malloc(pn);
    memcpy(q, p, pn);
    q[12] ^= 0xff; /* inside the deflate data */
    s4c_status st = s4c_decompress(c, &m, q, pn, back, n, &w, &d);
    CHECK(st != S4C_OK);
    if (st == S4C_ERROR_CORRUPT_DATA || st == S4C_ERROR_CHECKSUM_MISMATCH) {
        CHECK_STR_CONTAINS(d.message, "io error: ");
        CHECK_EQ_U64(d.cause_offset, strlen("io error: "));
    }
    memcpy(q, p, pn);
    q[10] = 0xff; /* BTYPE 11: invalid block type */
    CHECK_STATUS(s4c_decompress(c, &m, q, pn, back, n, &w, &d), S4C_ERROR_CORRUPT_DATA);
    CHECK(strcmp(d.message, "io error: corrupt deflate stream") == 0);
    CHECK(s4c_status_class(S4C_ERROR_CORRUPT_DATA) == S4C_CLASS_IO);
    memcpy(q, p, pn);
    q[pn - 8] ^= 1; /* trailer CRC */
    CHECK_STATUS(s4c_decompress(c, &m, q, pn, back, n, &w, &d), S4C_ERROR_CHECKSUM_MISMATCH);
    CHECK(strcmp(d.message, "io error: corrupt gzip stream does not have a matching checksum") ==
          0);
    memcpy(q, p, pn);
    q[pn - 1] ^= 1; /* ISIZE */
    CHECK_STATUS(s4c_decompress(c, &m, q, pn, back, n, &w, &d), S4C_ERROR_CHECKSUM_MISMATCH);
    s4c_manifest em = {GZ, 0, 0, 0};
    CHECK_STATUS(s4c_decompress(c, &em, "", 0, back, 0, &w, &d), S4C_ERROR_TRUNCATED_INPUT);
    CHECK(strcmp(d.message, "io error: unexpected end of file") == 0);
    em.compressed_size = 2;
    CHECK_STATUS(s4c_decompress(c, &em, "\x1f\x8b", 2, back, 0, &w, &d), S4C_ERROR_TRUNCATED_INPUT);
    /* flate2 reads all ten fixed bytes before checking any: short junk is EOF too. */
    CHECK_STATUS(s4c_decompress(c, &em, "PK", 2, back, 0, &w, &d), S4C_ERROR_TRUNCATED_INPUT);
    em.compressed_size = 10;
    CHECK_STATUS(s4c_decompress(c, &em, "PK\3\4xxxxxx", 10, back, 0, &w, &d),
                 S4C_ERROR_UNKNOWN_FORMAT);
    CHECK(strcmp(d.message, "io error: invalid gzip header") == 0);
    free(q);
    free(p);
    s4c_codec_free(c);
    free(src);
    free(back);
}

/* ----------------------------------------------------------------- internals */

typedef struct block_log {
    s4c_deflate_block_info blocks[4096];
    size_t n;
} block_log;

static void log_block(void *ctx, const s4c_deflate_block_info *b) {
    block_log *log = ctx;
    if (log->n < 4096) log->blocks[log->n++] = *b;
}

static void test_block_scan(void) {
    const size_t n = 3 * MIB;
    unsigned char *src = malloc(n);
    check_fill(src, n, 51, 1);
    static block_log log;
    for (int level = 0; level <= 9; level += 3) {
        size_t pn = 0;
        unsigned char *p = compress_level(level, src, n, &pn);
        const unsigned char *raw = p + 10;
        size_t rn = pn - 18;
        s4c_deflate_scan_result res;
        log.n = 0;
        CHECK_OK(s4c_deflate_scan(raw, rn, log_block, &log, &res));
        CHECK_EQ_U64((res.end_bit + 7) / 8, rn);
        CHECK_EQ_U64(res.out_size, n);
        for (size_t i = 1; i < log.n; i++)
            CHECK(log.blocks[i].out_start > log.blocks[i - 1].out_start &&
                  log.blocks[i].start_bit > log.blocks[i - 1].start_bit);
        CHECK(res.blocks >= 2 && res.blocks == log.n);
        CHECK_EQ_U64(log.blocks[log.n - 1].start_bit, res.final_block_bit);
        CHECK(log.blocks[log.n - 1].final == 1 && log.blocks[0].final == 0);
        CHECK_EQ_U64(log.blocks[0].type, level == 0 ? 0 : 2);
        CHECK_EQ_U64(log.blocks[0].start_bit, 0);
        /* The trailer after the stream is not looked at; a short stream is truncated. */
        CHECK_OK(s4c_deflate_scan(raw, rn + 8, NULL, NULL, &res));
        CHECK_STATUS(s4c_deflate_scan(raw, rn - 1, NULL, NULL, &res), S4C_ERROR_TRUNCATED_INPUT);
        CHECK_STATUS(s4c_deflate_scan(raw, rn / 2, NULL, NULL, &res), S4C_ERROR_TRUNCATED_INPUT);
        free(p);
    }
    /* Small hand-made streams. */
    s4c_deflate_scan_result res;
    CHECK_OK(s4c_deflate_scan((const uint8_t *)"\x03\x00", 2, NULL, NULL, &res));
    CHECK(res.blocks == 1 && res.end_bit == 10 && res.final_block_bit == 0);
    CHECK_OK(
        s4c_deflate_scan((const uint8_t *)"\x00\x00\x00\xff\xff\x03\x00", 7, NULL, NULL, &res));
    CHECK(res.blocks == 2 && res.final_block_bit == 40 && res.end_bit == 50 && res.out_size == 0);
    unsigned char hello[16];
    size_t hn = check_unhex("cb48cdc9c90700", hello, sizeof hello);
    CHECK_OK(s4c_deflate_scan(hello, hn, NULL, NULL, &res));
    CHECK(res.blocks == 1 && res.out_size == 5 && (res.end_bit + 7) / 8 == hn);
    CHECK_STATUS(s4c_deflate_scan((const uint8_t *)"\x07", 1, NULL, NULL, &res),
                 S4C_ERROR_CORRUPT_DATA); /* BTYPE 11 */
    CHECK_STATUS(s4c_deflate_scan((const uint8_t *)"\x01\x01\x00\xff\xff", 5, NULL, NULL, &res),
                 S4C_ERROR_CORRUPT_DATA); /* LEN != ~NLEN */
    CHECK_STATUS(s4c_deflate_scan((const uint8_t *)"", 0, NULL, NULL, &res),
                 S4C_ERROR_TRUNCATED_INPUT);
    /* Random bytes never crash it. */
    uint64_t rng = 77;
    unsigned char junk[512];
    for (int t = 0; t < 2000; t++) {
        size_t jn = 1 + (size_t)(rng_next(&rng) % sizeof junk);
        for (size_t i = 0; i < jn; i++)
            junk[i] = (unsigned char)rng_next(&rng);
        s4c_status st = s4c_deflate_scan(junk, jn, NULL, NULL, &res);
        CHECK(st == S4C_OK || st == S4C_ERROR_CORRUPT_DATA || st == S4C_ERROR_TRUNCATED_INPUT);
    }
    free(src);
}

/* Regression guard: ISA-L's 32-bit total_out wraps after 4 GiB of output; a
 * wrap must not make it refuse valid distances (ISA-L 2.30 judges distances by
 * the history it holds, not by total_out: a reference before the start of the
 * stream is refused whatever total_out says). */
static void test_inflater_total_out_wrap(void) {
    /* 16 KiB of random bytes, repeated: every match reaches 16 KiB back. */
    const size_t n = 1 * MIB, period = 16384;
    unsigned char *src = malloc(n), *back = malloc(n);
    check_fill(src, period, 61, 0);
    for (size_t i = period; i < n; i++)
        src[i] = src[i - period];
    size_t pn = 0;
    unsigned char *p = compress_level(6, src, n, &pn);
    s4c_deflate_decoder *dd = malloc(sizeof *dd);
    s4c_error_detail d;
    memset(&d, 0, sizeof d);
    static const size_t steps[2] = {3, SIZE_MAX}; /* a few bytes at a time, then all at once */
    for (int k = 0; k < 2; k++) {
        s4c_deflate_decoder_reset(dd);
        /* As after almost 4 GiB of output: the counter wraps to 0 after 5000 bytes. */
        dd->isal.total_out = UINT32_MAX - 5000;
        size_t in_pos = 10, out_pos = 0;
        memset(back, 0, n);
        while (!s4c_deflate_decoder_done(dd)) {
            size_t before = out_pos;
            size_t in_end = pn - 8 - in_pos > steps[k] ? in_pos + steps[k] : pn - 8;
            CHECK_OK(s4c_deflate_decoder_run(dd, p, in_end, &in_pos, back, n, &out_pos, &d));
            if (d.status != S4C_OK || (out_pos == before && in_pos == pn - 8)) break;
        }
        CHECK(s4c_deflate_decoder_done(dd));
        CHECK(out_pos == n && memcmp(back, src, n) == 0);
        CHECK_EQ_U64(dd->total_out, n);
    }
    free(dd);
    free(p);
    free(src);
    free(back);
}

/* --------------------------------------------------------- allocation failure */

static int alloc_countdown = -1; /* >= 0: allocations left before they fail */
static void *failing_malloc(size_t n) {
    if (alloc_countdown == 0) return NULL;
    if (alloc_countdown > 0) alloc_countdown--;
    return malloc(n);
}

/* The k-th allocation fails, for every k: OUT_OF_MEMORY or success, never a
 * crash or a leak (the ASan build checks leaks). */
static void test_out_of_memory(void) {
    const size_t n = 3 * MIB / 2;
    unsigned char *src = malloc(n), *back = malloc(n), *comp = malloc(n + n / 8 + 4096);
    check_fill(src, n, 81, 1);
    int ooms = 0, oks = 0;
    s4c_set_memory_allocator(failing_malloc, free);
    for (int k = 0; k < 24; k++) {
        s4c_error_detail d;
        s4c_codec *c = NULL;
        alloc_countdown = k;
        s4c_status st = s4c_codec_create(GZ, NULL, &c, &d);
        CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
        if (st == S4C_OK) {
            s4c_manifest m;
            st = s4c_compress(c, src, n, comp, s4c_compress_bound(c, n), &m, &d);
            CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
            if (st == S4C_OK) {
                size_t w = 0;
                st = s4c_decompress(c, &m, comp, (size_t)m.compressed_size, back, n, &w, &d);
                CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
                if (st == S4C_OK) CHECK(w == n && memcmp(back, src, n) == 0);
            }
        }
        ooms += st == S4C_ERROR_OUT_OF_MEMORY;
        oks += st == S4C_OK;
        s4c_codec_free(c);

        /* Streaming: two continuing chunks (block scans) and the end. */
        alloc_countdown = k;
        s4c_encoder *e = NULL;
        size_t comp_n = 0;
        st = s4c_encoder_create(GZ, NULL, &e, &d);
        CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
        for (size_t off = 0; st == S4C_OK && off < n; off += n / 3) {
            s4c_in_buffer in = {src + off, n / 3, 0};
            s4c_out_buffer ob = {comp + comp_n, n + n / 8 + 4096 - comp_n, 0};
            size_t pending = 0;
            st = s4c_encoder_stream(e, &in, &ob, off + n / 3 >= n ? S4C_FLUSH_END : S4C_FLUSH_BLOCK,
                                    &pending);
            comp_n += ob.pos;
        }
        CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
        s4c_encoder_free(e);
        if (st == S4C_OK) {
            s4c_decoder *dec = NULL;
            st = s4c_decoder_create(GZ, NULL, &dec, &d);
            CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
            if (st == S4C_OK) {
                s4c_in_buffer in = {comp, comp_n, 0};
                s4c_out_buffer ob = {back, n, 0};
                size_t hint = 1;
                CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
                CHECK(hint == 0 && ob.pos == n && memcmp(back, src, n) == 0);
            }
            s4c_decoder_free(dec);
        }
        ooms += st == S4C_ERROR_OUT_OF_MEMORY;
        oks += st == S4C_OK;
    }
    alloc_countdown = -1;
    s4c_set_memory_allocator(NULL, NULL);
    CHECK(ooms >= 6 && oks >= 6);
    free(src);
    free(back);
    free(comp);
}

/* -------------------------------------------------------------- differential */

#include "test_files.h"

/* We decode a file: one-shot (first member) and streaming (every member). */
static void check_we_decode(const char *path, const unsigned char *first, size_t first_n,
                            const unsigned char *all, size_t all_n) {
    size_t pn = 0;
    unsigned char *p = read_file(path, &pn);
    CHECK(p != NULL);
    if (!p) return;
    s4c_error_detail d;
    CHECK_OK(decompress_as(p, pn, first, first_n, &d));
    unsigned char *back = malloc(all_n + 1);
    for (int pat = 0; pat < 4; pat += 3) {
        stream_result r = stream_decode(0, p, pn, pat, pat, back, all_n + 1, 3);
        CHECK_OK(r.status);
        CHECK_OK(r.finish);
        CHECK(r.produced == all_n && memcmp(back, all, all_n) == 0);
    }
    free(back);
    free(p);
}

static int have_python_gzip(void) {
    return system("python3 -c 'import gzip' > /dev/null 2>&1") == 0;
}

static void test_differential(void) {
    int have_gzip = system("gzip --version > /dev/null 2>&1") == 0;
    int have_py = have_python_gzip();
    if (!have_gzip) printf("SKIP differential with gzip(1): the gzip CLI is not installed\n");
    if (!have_py)
        printf("SKIP differential with Python: python3 with its gzip module is missing\n");
    if (!have_gzip && !have_py) return;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/s4c_test_gzip_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        printf("SKIP differential: mkdtemp failed\n");
        return;
    }
    const size_t n = MIB + 300000, n2 = 70001;
    unsigned char *a = malloc(n), *b = malloc(n2), *ab = malloc(n + n2);
    check_fill(a, n, 71, 1);
    check_fill(b, n2, 72, 0);
    memcpy(ab, a, n);
    memcpy(ab + n, b, n2);
    write_file(tpath("a"), a, n);
    write_file(tpath("b"), b, n2);
    write_file(tpath("ab"), ab, n + n2);

    /* Ours (one-shot at levels 0, 1, 6, 9; streaming with flushes, several chunks) → them. */
    static const int levels[] = {0, 1, 6, 9};
    for (size_t i = 0; i < 4; i++) {
        size_t pn = 0;
        unsigned char *p = compress_level(levels[i], a, n, &pn);
        write_file(tpath("ours.gz"), p, pn);
        free(p);
        if (have_gzip) {
            CHECK(run("gzip -d -c < %s > %s", tpath("ours.gz"), tpath("out")) == 0);
            check_file_equals(tpath("out"), a, n);
        }
        if (have_py) {
            CHECK(run("python3 -c 'import gzip,sys; sys.stdout.buffer.write(gzip.decompress("
                      "open(sys.argv[1],\"rb\").read()))' %s > %s",
                      tpath("ours.gz"), tpath("out")) == 0);
            check_file_equals(tpath("out"), a, n);
        }
    }
    {
        size_t sn = 0;
        unsigned char *s = stream_encode(6, ab, n + n2, 3, 3, 400000, 1, &sn);
        write_file(tpath("stream.gz"), s, sn);
        free(s);
        if (have_gzip) {
            CHECK(run("gzip -t %s", tpath("stream.gz")) == 0);
            CHECK(run("gzip -d -c < %s > %s", tpath("stream.gz"), tpath("out")) == 0);
            check_file_equals(tpath("out"), ab, n + n2);
        }
        if (have_py) {
            CHECK(run("python3 -c 'import gzip,sys; sys.stdout.buffer.write(gzip.open(sys.argv[1])"
                      ".read())' %s > %s",
                      tpath("stream.gz"), tpath("out")) == 0);
            check_file_equals(tpath("out"), ab, n + n2);
        }
    }
    /* Theirs → us: gzip(1) members carry FNAME and MTIME; Python's carry OS 255, MTIME. */
    if (have_gzip) {
        static const int glevels[] = {1, 6, 9};
        for (size_t i = 0; i < 3; i++) {
            CHECK(run("cd %s && gzip -%d -c a > a.gz && gzip -%d -c b > b.gz && cat a.gz b.gz > "
                      "ab.gz",
                      tmpdir, glevels[i], glevels[i]) == 0);
            size_t gn = 0;
            unsigned char *g = read_file(tpath("a.gz"), &gn);
            CHECK(g && gn > 10 && (g[3] & 0x08)); /* FNAME "a" */
            free(g);
            check_we_decode(tpath("a.gz"), a, n, a, n);
            check_we_decode(tpath("ab.gz"), a, n, ab, n + n2);
        }
        CHECK(run("gzip -c < %s > %s", tpath("b"), tpath("b_noname.gz")) == 0);
        check_we_decode(tpath("b_noname.gz"), b, n2, b, n2);
    }
    if (have_py) {
        CHECK(run("python3 -c 'import gzip,sys; d=open(sys.argv[1],\"rb\").read(); "
                  "sys.stdout.buffer.write(gzip.compress(d, 9) + gzip.compress(b\"\", 1))' %s > %s",
                  tpath("a"), tpath("py.gz")) == 0);
        check_we_decode(tpath("py.gz"), a, n, a, n);
        /* GzipFile with a file name and FNAME, mtime set. */
        CHECK(run("cd %s && python3 -c 'import gzip; f=gzip.GzipFile(\"pyname.gz\",\"wb\","
                  "mtime=1234567); f.write(open(\"b\",\"rb\").read()); f.close()'",
                  tmpdir) == 0);
        check_we_decode(tpath("pyname.gz"), b, n2, b, n2);
    }
    run("rm -rf %s", tmpdir);
    free(a), free(b), free(ab);
}

int main(void) {
    test_header_and_levels();
    test_goldens();
    test_round_trips();
    test_large_round_trip();
    test_stream_encoder();
    test_stream_decoder();
    test_reader_rules();
    test_truncation_and_flips();
    test_s4_errors();
    test_block_scan();
    test_inflater_total_out_wrap();
    test_out_of_memory();
    test_differential();
    return check_exit("test_gzip");
}
