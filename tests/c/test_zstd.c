/*
 * test_zstd.c — cpu-zstd and cpu-zstd-dict: S4's frame bytes (goldens, level
 * clamping, header bytes per level, identity with the plain libzstd call
 * pattern), round trips over kind × level × size × data, streaming with 1-byte,
 * 7-byte and random feeds in both directions, every S4 error of the one-shot
 * path with its exact text, dictionaries (ZDICT and raw), and differential
 * checks against the zstd CLI.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, popen */
#define ZSTD_STATIC_LINKING_ONLY
#include <stdarg.h>
#include <unistd.h>
#include <zdict.h>
#include <zstd.h>

#include "check.h"
#include "s4codec.h"
#include "s4codec_stream.h"

#define MIB (1u << 20)

static const uint32_t kinds[] = {S4C_KIND_CPU_ZSTD, S4C_KIND_CPU_ZSTD_DICT};

/* The trained ZDICT dictionary every dict test shares (filled by make_dictionary). */
static unsigned char zdict[16384];
static size_t zdict_size;

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

static s4c_codec *make_codec(uint32_t kind, int level, const void *dict, size_t dict_size) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = level;
    o.dict = dict;
    o.dict_size = dict_size;
    s4c_codec *c = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_codec_create(kind, &o, &c, &d));
    return c;
}

static s4c_codec *make_kind(uint32_t kind, int level) {
    return kind == S4C_KIND_CPU_ZSTD_DICT ? make_codec(kind, level, zdict, zdict_size)
                                          : make_codec(kind, level, NULL, 0);
}

/* Compresses into a fresh buffer; returns it and its size. */
static unsigned char *compress_new(s4c_codec *c, const void *src, size_t n, s4c_manifest *m) {
    size_t cap = s4c_compress_bound(c, n);
    unsigned char *out = malloc(cap ? cap : 1);
    s4c_error_detail d;
    CHECK_OK(s4c_compress(c, src, n, out, cap, m, &d));
    return out;
}

/* S4's encoder pattern straight on libzstd: e_continue with everything, then e_end. */
static size_t plain_pattern(int level, const void *dict, size_t dict_size, const void *src,
                            size_t n, void *dst, size_t cap) {
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    /* Our one-shot pattern: S4's calls, with a stable input from 128 KiB up. */
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_stableInBuffer, n >= ZSTD_BLOCKSIZE_MAX);
    if (dict_size) ZSTD_CCtx_loadDictionary(cctx, dict, dict_size);
    ZSTD_inBuffer in = {src, n, 0};
    ZSTD_outBuffer out = {dst, cap, 0};
    if (n) ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_continue);
    size_t r;
    do
        r = ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_end);
    while (r && !ZSTD_isError(r));
    CHECK(!ZSTD_isError(r));
    ZSTD_freeCCtx(cctx);
    return out.pos;
}

/* Feed sizes: 0 → 1 byte, 1 → 7 bytes, 2 → random 1..600, 3 → everything. */
static size_t feed(int pattern, uint64_t *rng) {
    switch (pattern) {
    case 0:
        return 1;
    case 1:
        return 7;
    case 2:
        return 1 + (size_t)(rng_next(rng) % 600);
    default:
        return SIZE_MAX / 2;
    }
}

static size_t window(size_t pos, size_t total, size_t k) {
    return total - pos < k ? total : pos + k;
}

typedef struct stream_result {
    s4c_status status; /* of the last stream call, or of finish */
    size_t consumed, produced;
    size_t boundaries[16]; /* in.pos values at which hint was 0 */
    size_t n_boundaries;
} stream_result;

/* Decodes src with the streaming decoder and the given feed patterns. */
static stream_result stream_decode(uint32_t kind, const void *dict, size_t dict_size,
                                   int single_frame, const unsigned char *src, size_t n, int in_pat,
                                   int out_pat, unsigned char *dst, size_t cap, uint64_t seed) {
    stream_result res;
    memset(&res, 0, sizeof res);
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.dict = dict;
    o.dict_size = dict_size;
    o.single_frame = single_frame;
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    res.status = s4c_decoder_create(kind, &o, &dec, &d);
    if (res.status != S4C_OK) return res;
    uint64_t rng = seed | 1;
    s4c_in_buffer in = {src, 0, 0};
    s4c_out_buffer out = {dst, 0, 0};
    for (;;) {
        in.size = window(in.pos, n, feed(in_pat, &rng));
        out.size = window(out.pos, cap, feed(out_pat, &rng));
        size_t ip = in.pos, op = out.pos, hint = 99;
        res.status = s4c_decoder_stream(dec, &in, &out, &hint);
        if (res.status != S4C_OK) break;
        if (hint == 0 &&
            (res.n_boundaries == 0 || res.boundaries[res.n_boundaries - 1] != in.pos) &&
            res.n_boundaries < 16)
            res.boundaries[res.n_boundaries++] = in.pos;
        if (in.pos == ip && out.pos == op) break;
    }
    if (res.status == S4C_OK) res.status = s4c_decoder_finish(dec);
    res.consumed = in.pos;
    res.produced = out.pos;
    s4c_decoder_free(dec);
    return res;
}

/* Encodes src with the streaming encoder (FLUSH_NONE for input, then FLUSH_END). */
static size_t stream_encode(uint32_t kind, int level, const unsigned char *src, size_t n,
                            int in_pat, int out_pat, unsigned char *dst, size_t cap,
                            uint64_t seed) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = level;
    if (kind == S4C_KIND_CPU_ZSTD_DICT) o.dict = zdict, o.dict_size = zdict_size;
    s4c_encoder *enc = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_encoder_create(kind, &o, &enc, &d));
    if (!enc) return 0;
    uint64_t rng = seed | 1;
    s4c_in_buffer in = {src, 0, 0};
    s4c_out_buffer out = {dst, 0, 0};
    size_t pending = 1;
    while (in.pos < n) {
        in.size = window(in.pos, n, feed(in_pat, &rng));
        out.size = window(out.pos, cap, feed(out_pat, &rng));
        CHECK_OK(s4c_encoder_stream(enc, &in, &out, S4C_FLUSH_NONE, &pending));
    }
    /* FLUSH_END at least once, then until nothing is pending. */
    for (int guard = 0; guard < 10000000; guard++) {
        out.size = window(out.pos, cap, feed(out_pat, &rng));
        s4c_status st = s4c_encoder_stream(enc, &in, &out, S4C_FLUSH_END, &pending);
        CHECK_OK(st);
        if (st != S4C_OK || pending == 0) break;
    }
    CHECK_EQ_U64(pending, 0);
    s4c_encoder_free(enc);
    return out.pos;
}

/* ---------------------------------------------------------- dictionaries */

/* JSON-ish log records: what a dictionary is for. */
static size_t make_samples(unsigned char *buf, size_t *sizes, size_t count, uint64_t seed) {
    static const char *actions[] = {"GetObject",    "PutObject",  "ListObjectsV2",
                                    "DeleteObject", "HeadObject", "CreateMultipartUpload"};
    uint64_t rng = seed | 1;
    size_t off = 0;
    for (size_t i = 0; i < count; i++) {
        uint64_t x = rng_next(&rng);
        int k = sprintf((char *)buf + off,
                        "{\"request_id\":\"%016llx\",\"user\":\"user%03u\",\"action\":\"%s\","
                        "\"bucket\":\"bucket-%02u\",\"bytes\":%u,\"status\":%d,"
                        "\"agent\":\"aws-sdk-go/1.44.%u\"}\n",
                        (unsigned long long)x, (unsigned)(x >> 8) % 500, actions[(x >> 4) % 6],
                        (unsigned)(x >> 12) % 20, (unsigned)(x >> 3) % 100000,
                        ((x >> 20) % 5) ? 200 : 404, (unsigned)(x >> 40) % 300);
        sizes[i] = (size_t)k;
        off += (size_t)k;
    }
    return off;
}

static void make_dictionary(void) {
    enum { N = 2000 };
    unsigned char *buf = malloc(N * 300);
    size_t *sizes = malloc(N * sizeof(size_t));
    make_samples(buf, sizes, N, 11);
    s4c_error_detail d;
    CHECK_OK(s4c_train_dictionary(buf, sizes, N, zdict, sizeof zdict, &zdict_size, &d));
    CHECK(zdict_size > 1024 && zdict_size <= sizeof zdict);
    CHECK_EQ_U64(le32(zdict), 0xEC30A437u);
    free(buf);
    free(sizes);
}

/* ---------------------------------------------------------------- goldens */

static void test_goldens(void) {
    s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD, S4C_LEVEL_DEFAULT, NULL, 0);
    CHECK_EQ_U64(s4c_codec_level(c), 3);
    CHECK_EQ_U64(s4c_codec_kind(c), S4C_KIND_CPU_ZSTD);
    unsigned char out[64], back[16];
    char hex[160];
    s4c_manifest m;
    s4c_error_detail d;
    size_t w = 0;
    CHECK_OK(s4c_compress(c, "hello", 5, out, sizeof out, &m, &d));
    to_hex(out, (size_t)m.compressed_size, hex);
    CHECK(strcmp(hex, "28b52ffd005829000068656c6c6f") == 0);
    CHECK_EQ_U64(m.codec, 1);
    CHECK_EQ_U64(m.original_size, 5);
    CHECK_EQ_U64(m.compressed_size, 14);
    CHECK_EQ_U64(m.crc32c, 0x9A71BB4Cu);
    CHECK_OK(s4c_decompress(c, &m, out, 14, back, sizeof back, &w, &d));
    CHECK_EQ_U64(w, 5);
    CHECK_MEM_EQ(back, "hello", 5);

    /* Empty input: the first call is e_end, which pledges size 0. */
    CHECK_OK(s4c_compress(c, NULL, 0, out, sizeof out, &m, &d));
    to_hex(out, (size_t)m.compressed_size, hex);
    CHECK(strcmp(hex, "28b52ffd2000010000") == 0);
    CHECK_EQ_U64(m.crc32c, 0);
    CHECK_OK(s4c_decompress(c, &m, out, 9, NULL, 0, &w, &d));
    CHECK_EQ_U64(w, 0);
    CHECK_EQ_U64(s4c_compress_bound(c, 5), ZSTD_compressBound(5));
    /* Too small a destination is an error, not a truncated frame. */
    CHECK_STATUS(s4c_compress(c, "hello", 5, out, 10, &m, &d), S4C_ERROR_DST_TOO_SMALL);
    CHECK_OK(s4c_compress(c, "hello", 5, out, sizeof out, &m, &d)); /* and it recovers */
    CHECK_EQ_U64(m.compressed_size, 14);
    s4c_codec_free(c);

    /* Window descriptor for non-empty input, tiny and large. */
    static const struct {
        int level;
        unsigned char wd;
    } wds[] = {{1, 0x48}, {3, 0x58}, {9, 0x60}, {19, 0x68}, {22, 0x88}};
    unsigned char *big = malloc(MIB);
    check_fill(big, MIB, 3, 1);
    for (size_t i = 0; i < sizeof wds / sizeof wds[0]; i++) {
        c = make_codec(S4C_KIND_CPU_ZSTD, wds[i].level, NULL, 0);
        CHECK_OK(s4c_compress(c, "hello", 5, out, sizeof out, &m, &d));
        CHECK_EQ_U64(m.compressed_size, 14);
        CHECK_EQ_U64(out[4], 0x00); /* FHD: no FCS, no single segment, no checksum, no DID */
        CHECK_EQ_U64(out[5], wds[i].wd);
        if (wds[i].level <= 9) {
            s4c_manifest bm;
            unsigned char *p = compress_new(c, big, MIB, &bm);
            CHECK_EQ_U64(p[4], 0x00);
            CHECK_EQ_U64(p[5], wds[i].wd);
            free(p);
        }
        s4c_codec_free(c);
    }
    free(big);
}

static void test_level_clamping(void) {
    static const struct {
        int asked, level;
        unsigned char wd;
    } cases[] = {{0, 1, 0x48},   {-5, 1, 0x48},  {-2147483647, 1, 0x48},       {1, 1, 0x48},
                 {99, 22, 0x88}, {22, 22, 0x88}, {S4C_LEVEL_DEFAULT, 3, 0x58}, {19, 19, 0x68}};
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            s4c_codec *c = k ? make_codec(kinds[k], cases[i].asked, "raw dictionary bytes", 20)
                             : make_codec(kinds[k], cases[i].asked, NULL, 0);
            CHECK_EQ_U64(s4c_codec_level(c), cases[i].level);
            unsigned char out[64];
            s4c_manifest m;
            s4c_error_detail d;
            CHECK_OK(s4c_compress(c, "hello", 5, out, sizeof out, &m, &d));
            if (k == 0) { /* a raw dictionary can shrink the window (libzstd sizes it) */
                CHECK_EQ_U64(out[4], 0x00);
                CHECK_EQ_U64(out[5], cases[i].wd);
            }
            s4c_codec_free(c);
        }
    }
}

/* The codec's bytes are the plain libzstd pattern's bytes (stable output changes nothing). */
static void test_identity_with_plain_pattern(void) {
    static const size_t sizes[] = {1, 5, 1000, 131071, 131073, MIB, 3 * MIB};
    static const int levels[] = {1, 3, 9, 19};
    const size_t maxn = 3 * MIB;
    unsigned char *src = malloc(maxn), *ref = malloc(ZSTD_compressBound(maxn));
    static const char raw_dict[] = "the quick brown fox jumps over the lazy dog; S4F2 frame";
    for (int comp = 0; comp < 2; comp++) {
        check_fill(src, maxn, 77 + comp, comp);
        for (size_t k = 0; k < 3; k++) {
            const void *dict = k == 1   ? (const void *)zdict
                               : k == 2 ? (const void *)raw_dict
                                        : NULL;
            size_t dsz = k == 1 ? zdict_size : k == 2 ? sizeof raw_dict - 1 : 0;
            uint32_t kind = k ? S4C_KIND_CPU_ZSTD_DICT : S4C_KIND_CPU_ZSTD;
            for (size_t li = 0; li < 4; li++) {
                s4c_codec *c = make_codec(kind, levels[li], dict, dsz);
                for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
                    size_t n = sizes[si];
                    if (levels[li] >= 9 && n > MIB) continue;
                    if (levels[li] == 19 && (n > 131073 || k)) continue;
                    size_t rn =
                        plain_pattern(levels[li], dict, dsz, src, n, ref, ZSTD_compressBound(n));
                    s4c_manifest m;
                    unsigned char *p = compress_new(c, src, n, &m);
                    CHECK_EQ_U64(m.compressed_size, rn);
                    if (m.compressed_size != rn || memcmp(p, ref, rn) != 0) {
                        fprintf(stderr, "  bytes differ: dict=%zu level=%d n=%zu comp=%d\n", k,
                                levels[li], n, comp);
                        check_failures++;
                    }
                    free(p);
                }
                s4c_codec_free(c);
            }
        }
    }
    free(src);
    free(ref);
}

/* From 128 KiB up the one-shot path reads a stable input buffer; the frame
 * header must still be S4's: single-segment off, no content size, no checksum. */
static void test_stable_input_keeps_s4_header(void) {
    static const size_t sizes[] = {131071, 131072, 131073, MIB + 5, 3 * MIB};
    static const int levels[] = {1, 3, 9};
    const size_t maxn = 3 * MIB;
    unsigned char *src = malloc(maxn);
    check_fill(src, maxn, 5, 1);
    for (size_t li = 0; li < 3; li++) {
        s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD, levels[li], NULL, 0);
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            s4c_manifest m;
            unsigned char *p = compress_new(c, src, sizes[si], &m);
            ZSTD_frameHeader fh;
            CHECK(ZSTD_getFrameHeader(&fh, p, (size_t)m.compressed_size) == 0);
            CHECK(p[4] == 0x00); /* FHD: no FCS, no single segment, no checksum, no dict id */
            CHECK(fh.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN && fh.checksumFlag == 0);
            free(p);
        }
        s4c_codec_free(c);
    }
    free(src);
}

/* --------------------------------------------------------------- round trips */

static void roundtrip_one(s4c_codec *c, const unsigned char *src, size_t n) {
    s4c_manifest m;
    s4c_error_detail d;
    unsigned char *p = compress_new(c, src, n, &m);
    CHECK_EQ_U64(m.original_size, n);
    CHECK_EQ_U64(m.crc32c, s4c_crc32c(0, src, n));
    unsigned char *back = malloc(n ? n : 1);
    size_t w = 99;
    CHECK_OK(s4c_decompress(c, &m, p, (size_t)m.compressed_size, back, n, &w, &d));
    CHECK_EQ_U64(w, n);
    CHECK(n == 0 || memcmp(back, src, n) == 0);
    /* The streaming decoder agrees, fed in one go. */
    memset(back, 0, n);
    int dict = s4c_codec_kind(c) == S4C_KIND_CPU_ZSTD_DICT;
    stream_result r = stream_decode(s4c_codec_kind(c), dict ? zdict : NULL, dict ? zdict_size : 0,
                                    0, p, (size_t)m.compressed_size, 3, 3, back, n, 1);
    CHECK_OK(r.status);
    CHECK_EQ_U64(r.produced, n);
    CHECK(n == 0 || memcmp(back, src, n) == 0);
    free(back);
    free(p);
}

static void test_roundtrips(void) {
    static const size_t sizes[] = {0, 1, 5, 131071, 131072, 131073, MIB};
    static const int levels[] = {1, 3, 9, 19};
    unsigned char *src = malloc(MIB);
    for (size_t k = 0; k < 2; k++) {
        for (size_t li = 0; li < 4; li++) {
            s4c_codec *c = make_kind(kinds[k], levels[li]);
            for (int comp = 0; comp < 2; comp++) {
                for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
                    check_fill(src, sizes[si], 1000 + si, comp);
                    roundtrip_one(c, src, sizes[si]);
                }
            }
            s4c_codec_free(c);
        }
    }
    free(src);
}

static void test_roundtrip_64mib(void) {
    const size_t n = 64 * (size_t)MIB;
    unsigned char *src = malloc(n);
    check_fill(src, n, 64, 1);
    s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD, 1, NULL, 0);
    roundtrip_one(c, src, n);
    s4c_codec_free(c);
    free(src);
}

/* ----------------------------------------------------------------- streaming */

/* Streaming encoder = one-shot bytes, whatever the feed sizes on either side. */
static void test_stream_encoder_feeds(void) {
    const size_t n = 140000; /* crosses the 128 KiB block boundary */
    unsigned char *src = malloc(n), *out = malloc(ZSTD_compressBound(n) + 64);
    unsigned char *back = malloc(n);
    check_fill(src, n, 5, 1);
    for (size_t k = 0; k < 2; k++) {
        s4c_codec *c = make_kind(kinds[k], 3);
        s4c_manifest m;
        unsigned char *ref = compress_new(c, src, n, &m);
        for (int ip = 0; ip < 3; ip++) {
            for (int op = 0; op < 3; op++) {
                size_t got = stream_encode(kinds[k], 3, src, n, ip, op, out,
                                           ZSTD_compressBound(n) + 64, (uint64_t)(ip * 3 + op));
                CHECK_EQ_U64(got, m.compressed_size);
                CHECK(got == m.compressed_size && memcmp(out, ref, got) == 0);
            }
        }
        /* Empty input: FLUSH_END first, the 9-byte frame. */
        size_t got = stream_encode(kinds[k], 3, src, 0, 0, 0, out, 64, 1);
        char hex[64];
        to_hex(out, got, hex);
        CHECK(strcmp(hex, "28b52ffd2000010000") == 0 || kinds[k] == S4C_KIND_CPU_ZSTD_DICT);
        stream_result r = stream_decode(kinds[k], k ? zdict : NULL, k ? zdict_size : 0, 0, out, got,
                                        0, 0, back, n, 1);
        CHECK_OK(r.status);
        CHECK_EQ_U64(r.produced, 0);
        free(ref);
        s4c_codec_free(c);
    }
    free(src);
    free(out);
    free(back);
}

/* FLUSH_BLOCK makes a decodable prefix; FLUSH_END ends a frame; reset drops one. */
static void test_stream_encoder_modes(void) {
    const size_t na = 5000, nb = 7000;
    unsigned char *src = malloc(na + nb), *out = malloc(65536), *back = malloc(na + 2 * nb);
    check_fill(src, na + nb, 9, 1);
    for (size_t k = 0; k < 2; k++) {
        const void *dict = k ? zdict : NULL;
        size_t dsz = k ? zdict_size : 0;
        s4c_codec_options o;
        s4c_codec_options_init(&o);
        o.dict = dict;
        o.dict_size = dsz;
        s4c_encoder *enc = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_encoder_create(kinds[k], &o, &enc, &d));
        s4c_in_buffer in = {src, na, 0};
        s4c_out_buffer out_b = {out, 65536, 0};
        size_t pending = 1;
        CHECK_OK(s4c_encoder_stream(enc, &in, &out_b, S4C_FLUSH_BLOCK, &pending));
        CHECK_EQ_U64(pending, 0);
        CHECK_EQ_U64(in.pos, na);
        /* The prefix decodes to exactly what went in, and the frame is still open. */
        stream_result r =
            stream_decode(kinds[k], dict, dsz, 0, out, out_b.pos, 2, 2, back, na + nb, 3);
        CHECK_STATUS(r.status, S4C_ERROR_TRUNCATED_INPUT);
        CHECK_EQ_U64(r.produced, na);
        CHECK_MEM_EQ(back, src, na);
        CHECK_EQ_U64(r.n_boundaries, 0);
        /* Finish the frame with b, then a second frame with b again. */
        in.src = src + na, in.size = nb, in.pos = 0;
        do
            CHECK_OK(s4c_encoder_stream(enc, &in, &out_b, S4C_FLUSH_END, &pending));
        while (pending);
        size_t frame1 = out_b.pos;
        in.pos = 0;
        CHECK_OK(s4c_encoder_stream(enc, &in, &out_b, S4C_FLUSH_NONE, &pending));
        do
            CHECK_OK(s4c_encoder_stream(enc, &in, &out_b, S4C_FLUSH_END, &pending));
        while (pending);
        r = stream_decode(kinds[k], dict, dsz, 0, out, out_b.pos, 0, 2, back, na + nb + nb, 4);
        CHECK_OK(r.status);
        CHECK_EQ_U64(r.produced, na + nb + nb);
        CHECK_MEM_EQ(back, src, na + nb);
        CHECK_MEM_EQ(back + na + nb, src + na, nb);
        CHECK_EQ_U64(r.n_boundaries, 2);
        CHECK_EQ_U64(r.boundaries[0], frame1);
        CHECK_EQ_U64(r.boundaries[1], out_b.pos);
        /* The second frame, started with FLUSH_NONE, is the one-shot frame of b. */
        s4c_codec *c = make_codec(kinds[k], S4C_LEVEL_DEFAULT, dict, dsz);
        s4c_manifest m;
        unsigned char *ref = compress_new(c, src + na, nb, &m);
        CHECK_EQ_U64(out_b.pos - frame1, m.compressed_size);
        CHECK(out_b.pos - frame1 == m.compressed_size &&
              memcmp(out + frame1, ref, (size_t)m.compressed_size) == 0);
        free(ref);
        s4c_codec_free(c);

        /* A frame started with FLUSH_END pledges its size (the header says so). */
        out_b.pos = 0;
        in.pos = 0;
        do
            CHECK_OK(s4c_encoder_stream(enc, &in, &out_b, S4C_FLUSH_END, &pending));
        while (pending);
        CHECK(out[4] & 0xC0 || out[4] & 0x20); /* Frame_Content_Size present */
        CHECK_EQ_U64(ZSTD_getFrameContentSize(out, out_b.pos), nb);

        /* Reset drops a frame in progress; the next frame stands alone. */
        in.src = src, in.size = na, in.pos = 0;
        out_b.pos = 0;
        CHECK_OK(s4c_encoder_stream(enc, &in, &out_b, S4C_FLUSH_BLOCK, &pending));
        CHECK_OK(s4c_encoder_reset(enc));
        out_b.pos = 0;
        in.src = src + na, in.size = nb, in.pos = 0;
        CHECK_OK(s4c_encoder_stream(enc, &in, &out_b, S4C_FLUSH_NONE, &pending));
        do
            CHECK_OK(s4c_encoder_stream(enc, &in, &out_b, S4C_FLUSH_END, &pending));
        while (pending);
        r = stream_decode(kinds[k], dict, dsz, 0, out, out_b.pos, 3, 3, back, na + nb, 5);
        CHECK_OK(r.status);
        CHECK_EQ_U64(r.produced, nb);
        CHECK_MEM_EQ(back, src + na, nb);
        s4c_encoder_free(enc);
    }
    s4c_encoder_free(NULL);
    free(src);
    free(out);
    free(back);
}

/* A libzstd frame with a content size and a checksum (what the zstd CLI writes). */
static size_t libzstd_checked_frame(const void *src, size_t n, void *dst, size_t cap) {
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    size_t r = ZSTD_compress2(cctx, dst, cap, src, n);
    CHECK(!ZSTD_isError(r));
    ZSTD_freeCCtx(cctx);
    return r;
}

typedef struct multi_stream {
    unsigned char bytes[8192];
    size_t size;
    unsigned char content[8192];
    size_t content_size;
    size_t ends[8]; /* offset of each frame end */
    size_t n_ends;
} multi_stream;

static void multi_add(multi_stream *ms, const void *frame, size_t n, const void *content,
                      size_t cn) {
    memcpy(ms->bytes + ms->size, frame, n);
    ms->size += n;
    memcpy(ms->content + ms->content_size, content, cn);
    ms->content_size += cn;
    ms->ends[ms->n_ends++] = ms->size;
}

/* zstd frame (level 3) + skippable frame + zstd frame (level 1) + empty frame +
 * a libzstd frame with content size and checksum. */
static void build_multi(multi_stream *ms) {
    memset(ms, 0, sizeof *ms);
    unsigned char a[1500], b[900], c3[700], tmp[4096];
    check_fill(a, sizeof a, 21, 1);
    check_fill(b, sizeof b, 22, 0);
    check_fill(c3, sizeof c3, 23, 1);
    s4c_manifest m;
    s4c_error_detail d;
    s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD, 3, NULL, 0);
    CHECK_OK(s4c_compress(c, a, sizeof a, tmp, sizeof tmp, &m, &d));
    multi_add(ms, tmp, (size_t)m.compressed_size, a, sizeof a);
    static const unsigned char skippable[] = {0x50, 0x2a, 0x4d, 0x18, 5, 0, 0, 0, 1, 2, 3, 4, 5};
    multi_add(ms, skippable, sizeof skippable, "", 0);
    s4c_codec_free(c);
    c = make_codec(S4C_KIND_CPU_ZSTD, 1, NULL, 0);
    CHECK_OK(s4c_compress(c, b, sizeof b, tmp, sizeof tmp, &m, &d));
    multi_add(ms, tmp, (size_t)m.compressed_size, b, sizeof b);
    CHECK_OK(s4c_compress(c, NULL, 0, tmp, sizeof tmp, &m, &d));
    multi_add(ms, tmp, (size_t)m.compressed_size, "", 0);
    s4c_codec_free(c);
    size_t n = libzstd_checked_frame(c3, sizeof c3, tmp, sizeof tmp);
    multi_add(ms, tmp, n, c3, sizeof c3);
}

static void test_stream_decoder(void) {
    multi_stream ms;
    build_multi(&ms);
    unsigned char out[8192];
    for (int ip = 0; ip < 4; ip++) {
        for (int op = 0; op < 4; op++) {
            memset(out, 0, sizeof out);
            stream_result r = stream_decode(S4C_KIND_CPU_ZSTD, NULL, 0, 0, ms.bytes, ms.size, ip,
                                            op, out, sizeof out, (uint64_t)(ip * 4 + op + 1));
            CHECK_OK(r.status);
            CHECK_EQ_U64(r.consumed, ms.size);
            CHECK_EQ_U64(r.produced, ms.content_size);
            CHECK_MEM_EQ(out, ms.content, ms.content_size);
            CHECK(r.n_boundaries >= 1 && r.boundaries[r.n_boundaries - 1] == ms.size);
            if (ip == 0) { /* 1-byte input: hint is 0 exactly at every frame end */
                CHECK_EQ_U64(r.n_boundaries, ms.n_ends);
                for (size_t i = 0; i < ms.n_ends && i < r.n_boundaries; i++)
                    CHECK_EQ_U64(r.boundaries[i], ms.ends[i]);
            }
            /* Single-frame mode stops after the first frame and leaves the rest. */
            r = stream_decode(S4C_KIND_CPU_ZSTD, NULL, 0, 1, ms.bytes, ms.size, ip, op, out,
                              sizeof out, (uint64_t)(ip * 4 + op + 7));
            CHECK_OK(r.status);
            CHECK_EQ_U64(r.consumed, ms.ends[0]);
            CHECK_EQ_U64(r.produced, 1500);
            CHECK_MEM_EQ(out, ms.content, 1500);
            /* Cut anywhere inside a frame: finish says truncated. */
            r = stream_decode(S4C_KIND_CPU_ZSTD, NULL, 0, 0, ms.bytes, ms.ends[2] - 1, ip, op, out,
                              sizeof out, 3);
            CHECK_STATUS(r.status, S4C_ERROR_TRUNCATED_INPUT);
        }
    }
    /* The hint is 0 exactly at frame ends, for every prefix of the stream. */
    for (size_t cut = 0; cut <= ms.size; cut++) {
        int at_end = 0;
        for (size_t i = 0; i < ms.n_ends; i++)
            at_end |= ms.ends[i] == cut;
        stream_result r =
            stream_decode(S4C_KIND_CPU_ZSTD, NULL, 0, 0, ms.bytes, cut, 3, 3, out, sizeof out, 1);
        CHECK_STATUS(r.status, at_end ? S4C_OK : S4C_ERROR_TRUNCATED_INPUT);
    }

    /* Errors stick until reset; the detail carries libzstd's text. */
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_ZSTD, NULL, &dec, &d));
    CHECK_STATUS(s4c_decoder_finish(dec), S4C_ERROR_TRUNCATED_INPUT); /* nothing is not a frame */
    CHECK(strcmp(s4c_decoder_error(dec)->message, "input ended in the middle of a frame") == 0);
    unsigned char garbage[sizeof ms.bytes + 8];
    memcpy(garbage, ms.bytes, ms.ends[0]);
    memcpy(garbage + ms.ends[0], "GARBAGE!", 8);
    s4c_in_buffer in = {garbage, ms.ends[0] + 8, 0};
    s4c_out_buffer ob = {out, sizeof out, 0};
    size_t hint = 0;
    CHECK_STATUS(s4c_decoder_stream(dec, &in, &ob, &hint), S4C_ERROR_UNKNOWN_FORMAT);
    CHECK_EQ_U64(ob.pos, 1500);
    CHECK_EQ_U64(s4c_decoder_error(dec)->status, S4C_ERROR_UNKNOWN_FORMAT);
    CHECK(strcmp(s4c_decoder_error(dec)->message, "Unknown frame descriptor") == 0);
    CHECK_STATUS(s4c_decoder_stream(dec, &in, &ob, &hint), S4C_ERROR_FAILED_STATE);
    CHECK_STATUS(s4c_decoder_finish(dec), S4C_ERROR_FAILED_STATE);
    CHECK_OK(s4c_decoder_reset(dec));
    in.pos = 0, in.size = ms.size, in.src = ms.bytes, ob.pos = 0;
    CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
    CHECK_EQ_U64(hint, 0);
    CHECK_EQ_U64(ob.pos, ms.content_size);
    CHECK_OK(s4c_decoder_finish(dec));
    /* Idle calls at a frame end never trip libzstd's no-progress guard. */
    for (int i = 0; i < 40; i++) {
        CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
        CHECK_EQ_U64(hint, 0);
    }
    s4c_decoder_free(dec);
    s4c_decoder_free(NULL);

    /* Idle calls with a full output buffer mid-frame are harmless too. */
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_ZSTD, NULL, &dec, &d));
    in.pos = 0, in.size = ms.size;
    ob.pos = 0, ob.size = 10;
    for (int i = 0; i < 40; i++)
        CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
    CHECK(hint != 0);
    ob.size = sizeof out;
    CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
    CHECK_EQ_U64(ob.pos, ms.content_size);
    CHECK_MEM_EQ(out, ms.content, ms.content_size);
    s4c_decoder_free(dec);

    /* cpu-zstd-dict decoders need a dictionary. */
    CHECK_STATUS(s4c_decoder_create(S4C_KIND_CPU_ZSTD_DICT, NULL, &dec, &d),
                 S4C_ERROR_EMPTY_DICTIONARY);
    CHECK(dec == NULL);
}

/* ------------------------------------------------------------ S4 error paths */

/* Runs s4c_decompress and checks status and the full message. */
static void expect_decompress(s4c_codec *c, const s4c_manifest *m, const void *payload, size_t n,
                              s4c_status want, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t cap = m->original_size <= 64 * MIB ? (size_t)m->original_size : 16;
    unsigned char *dst = malloc(cap ? cap : 1);
    s4c_error_detail d;
    size_t w = 0;
    s4c_status st = s4c_decompress(c, m, payload, n, dst, cap, &w, &d);
    CHECK_STATUS(st, want);
    CHECK_EQ_U64(d.status, want);
    if (strcmp(d.message, msg) != 0) {
        fprintf(stderr, "  message \"%s\"\n     want \"%s\"\n", d.message, msg);
        check_failures++;
    }
    /* Io errors: the cause follows "io error: ". */
    if (s4c_status_class(want) == S4C_CLASS_IO) {
        CHECK_EQ_U64(d.cause_offset, strlen("io error: "));
        CHECK(strncmp(d.message, "io error: ", 10) == 0);
    }
    free(dst);
}

static void test_errors(void) {
    const size_t n = 100000;
    unsigned char *src = malloc(n);
    check_fill(src, n, 31, 1);
    for (size_t k = 0; k < 2; k++) {
        s4c_codec *c = make_kind(kinds[k], 3);
        const char *dbg = k ? "CpuZstdDict" : "CpuZstd";
        const char *prefix = k ? "zstd-dict" : "zstd";
        s4c_manifest m, bad;
        unsigned char *p = compress_new(c, src, n, &m);
        size_t pn = (size_t)m.compressed_size;
        unsigned char *ext = malloc(pn + 16);
        memcpy(ext, p, pn);

        bad = m;
        bad.codec = S4C_KIND_CPU_GZIP;
        bad.original_size = 10ull << 30; /* codec is checked first */
        expect_decompress(c, &bad, p, pn, S4C_ERROR_CODEC_MISMATCH,
                          "codec mismatch: expected %s, got CpuGzip", dbg);
        bad.codec = 42;
        expect_decompress(c, &bad, p, pn, S4C_ERROR_CODEC_MISMATCH,
                          "codec mismatch: expected %s, got Unknown(42)", dbg);

        bad = m;
        bad.original_size = S4C_MAX_DECOMPRESSED_BYTES + 1;
        bad.compressed_size = 1; /* the limit is checked before the payload length */
        expect_decompress(c, &bad, p, pn, S4C_ERROR_MANIFEST_SIZE_EXCEEDS_LIMIT,
                          "manifest original_size 5368709121 exceeds safety limit 5368709120 "
                          "(forged / corrupted manifest?)");
        bad.original_size = S4C_MAX_DECOMPRESSED_BYTES; /* exactly 5 GiB passes that check */
        expect_decompress(c, &bad, p, pn, S4C_ERROR_MANIFEST_SIZE_MISMATCH,
                          "manifest compressed_size 1 does not match payload length %zu", pn);

        bad = m;
        bad.compressed_size = pn + 1;
        expect_decompress(c, &bad, p, pn, S4C_ERROR_MANIFEST_SIZE_MISMATCH,
                          "manifest compressed_size %zu does not match payload length %zu", pn + 1,
                          pn);

        /* Bomb: one byte over, everything fits under the cap: no suffix. */
        bad = m;
        bad.original_size = n - 1;
        expect_decompress(c, &bad, p, pn, S4C_ERROR_DECOMPRESSION_BOMB,
                          "io error: %s decompression bomb detected: produced at least %zu bytes "
                          "(truncated at cap = manifest.original_size + 1024 = %zu); manifest "
                          "claimed %zu",
                          prefix, n, n - 1 + 1024, n - 1);
        /* Far over: the decoder stops at the cap and the probe finds more. */
        bad.original_size = n - 2000;
        expect_decompress(c, &bad, p, pn, S4C_ERROR_DECOMPRESSION_BOMB,
                          "io error: %s decompression bomb detected: produced at least %zu bytes "
                          "(truncated at cap = manifest.original_size + 1024 = %zu); manifest "
                          "claimed %zu; decoder had more bytes available beyond the cap",
                          prefix, n - 976, n - 976, n - 2000);
        {
            s4c_error_detail d;
            unsigned char *dst = malloc(n);
            CHECK_STATUS(s4c_decompress(c, &bad, p, pn, dst, n, NULL, &d),
                         S4C_ERROR_DECOMPRESSION_BOMB);
            CHECK_EQ_U64(d.expected, n - 2000);
            CHECK_EQ_U64(d.got, n - 976);
            CHECK_EQ_U64(d.limit, n - 976);
            /* Zero claimed: every byte is too many. */
            bad.original_size = 0;
            CHECK_STATUS(s4c_decompress(c, &bad, p, pn, dst, n, NULL, &d),
                         S4C_ERROR_DECOMPRESSION_BOMB);
            CHECK_STR_CONTAINS(d.message, "produced at least 1024 bytes");
            free(dst);
        }

        /* Short output is a SizeMismatch with S4's (misleading) text. */
        bad = m;
        bad.original_size = n + 5;
        expect_decompress(c, &bad, p, pn, S4C_ERROR_SIZE_MISMATCH,
                          "compressed size mismatch: manifest says %zu bytes, payload is %zu "
                          "bytes",
                          n + 5, n);

        bad = m;
        bad.crc32c ^= 0x10;
        expect_decompress(c, &bad, p, pn, S4C_ERROR_CRC_MISMATCH,
                          "crc32c mismatch (chunk corruption?): expected 0x%08x, got 0x%08x",
                          (unsigned)bad.crc32c, (unsigned)m.crc32c);

        /* Trailing non-frame bytes, long or short. */
        memcpy(ext + pn, "GARBAGE!", 8);
        bad = m;
        bad.compressed_size = pn + 8;
        expect_decompress(c, &bad, ext, pn + 8, S4C_ERROR_UNKNOWN_FORMAT,
                          "io error: Unknown frame descriptor");
        bad.compressed_size = pn + 2;
        expect_decompress(c, &bad, ext, pn + 2, S4C_ERROR_UNKNOWN_FORMAT,
                          "io error: Unknown frame descriptor");
        /* ... but the start of a magic number is the start of a frame. */
        memcpy(ext + pn, "\x28\xb5\x2f", 3);
        bad.compressed_size = pn + 3;
        expect_decompress(c, &bad, ext, pn + 3, S4C_ERROR_TRUNCATED_INPUT,
                          "io error: incomplete frame");
        /* A skippable frame after the data is fine. */
        memcpy(ext + pn, "\x5f\x2a\x4d\x18\x02\x00\x00\x00zz", 10);
        bad.compressed_size = pn + 10;
        expect_decompress(c, &bad, ext, pn + 10, S4C_OK, "");

        /* Truncated anywhere, and empty. */
        static const size_t cuts[] = {1, 3, 4, 5, 6, 9, 100, 5000};
        for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
            bad = m;
            bad.compressed_size = cuts[i];
            expect_decompress(c, &bad, p, cuts[i], S4C_ERROR_TRUNCATED_INPUT,
                              "io error: incomplete frame");
        }
        bad = m;
        bad.compressed_size = pn - 1;
        expect_decompress(c, &bad, p, pn - 1, S4C_ERROR_TRUNCATED_INPUT,
                          "io error: incomplete frame");
        bad.compressed_size = 0;
        expect_decompress(c, &bad, p, 0, S4C_ERROR_TRUNCATED_INPUT, "io error: incomplete frame");
        bad.original_size = 0;
        expect_decompress(c, &bad, NULL, 0, S4C_ERROR_TRUNCATED_INPUT,
                          "io error: incomplete frame");
        free(ext);
        free(p);
        s4c_codec_free(c);
    }

    /* Frames needing a dictionary the codec lacks. */
    s4c_codec *cd = make_kind(S4C_KIND_CPU_ZSTD_DICT, 3);
    s4c_codec *cz = make_kind(S4C_KIND_CPU_ZSTD, 3);
    s4c_manifest m;
    unsigned char *p = compress_new(cd, src, 3000, &m);
    m.codec = S4C_KIND_CPU_ZSTD;
    expect_decompress(cz, &m, p, (size_t)m.compressed_size, S4C_ERROR_DICTIONARY_MISMATCH,
                      "io error: Dictionary mismatch");
    free(p);

    /* Corrupt block type (reserved), reserved header bit, checksum, huge window. */
    static const unsigned char reserved_block[] = {0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0x2f,
                                                   0x00, 0x00, 'h',  'e',  'l',  'l',  'o'};
    m.codec = S4C_KIND_CPU_ZSTD;
    m.original_size = 5;
    m.compressed_size = sizeof reserved_block;
    m.crc32c = 0x9A71BB4Cu;
    expect_decompress(cz, &m, reserved_block, sizeof reserved_block, S4C_ERROR_CORRUPT_DATA,
                      "io error: Data corruption detected");
    unsigned char hdr[sizeof reserved_block];
    memcpy(hdr, reserved_block, sizeof hdr);
    hdr[4] = 0x08, hdr[6] = 0x29;
    expect_decompress(cz, &m, hdr, sizeof hdr, S4C_ERROR_CORRUPT_DATA,
                      "io error: Unsupported frame parameter");

    unsigned char frame[4096];
    size_t fn = libzstd_checked_frame(src, 2000, frame, sizeof frame);
    m.original_size = 2000;
    m.compressed_size = fn;
    m.crc32c = s4c_crc32c(0, src, 2000);
    expect_decompress(cz, &m, frame, fn, S4C_OK, "");
    frame[fn - 1] ^= 1;
    expect_decompress(cz, &m, frame, fn, S4C_ERROR_CHECKSUM_MISMATCH,
                      "io error: Restored data doesn't match checksum");

    { /* windowLog 28 > S4's limit of 27, even for a tiny frame */
        ZSTD_CCtx *cctx = ZSTD_createCCtx();
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, 28);
        ZSTD_inBuffer in = {src, 2000, 0};
        ZSTD_outBuffer out = {frame, sizeof frame, 0};
        ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_continue);
        while (ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_end)) {
        }
        ZSTD_freeCCtx(cctx);
        m.compressed_size = out.pos;
        expect_decompress(cz, &m, frame, out.pos, S4C_ERROR_UNSUPPORTED,
                          "io error: Frame requires too much memory for decoding");
        unsigned char scratch[2000];
        stream_result r = stream_decode(S4C_KIND_CPU_ZSTD, NULL, 0, 0, frame, out.pos, 3, 3,
                                        scratch, sizeof scratch, 1);
        CHECK_STATUS(r.status, S4C_ERROR_UNSUPPORTED);
    }
    s4c_codec_free(cd);
    s4c_codec_free(cz);
    free(src);
}

/* ------------------------------------------------------------- dictionaries */

/* FHD's Dictionary_ID_flag as libzstd picks it: by value. */
static unsigned did_code(uint32_t id) { return id ? id < 256 ? 1 : id < 65536 ? 2 : 3 : 0; }

static void check_did_frame(const void *dict, size_t dsz, uint32_t want_id) {
    s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD_DICT, 3, dict, dsz);
    unsigned char rec[300], out[600], back[300];
    size_t sizes[1];
    size_t rn = make_samples(rec, sizes, 1, 999);
    s4c_manifest m;
    s4c_error_detail d;
    CHECK_OK(s4c_compress(c, rec, rn, out, sizeof out, &m, &d));
    unsigned code = did_code(want_id);
    CHECK_EQ_U64(out[4], code); /* FHD: only the DID flag */
    static const unsigned did_bytes[] = {0, 1, 2, 4};
    uint32_t id = 0;
    for (unsigned i = 0; i < did_bytes[code]; i++)
        id |= (uint32_t)out[6 + i] << (8 * i);
    CHECK_EQ_U64(id, want_id);
    CHECK_EQ_U64(ZSTD_getDictID_fromFrame(out, (size_t)m.compressed_size), want_id);
    size_t w = 0;
    CHECK_OK(s4c_decompress(c, &m, out, (size_t)m.compressed_size, back, rn, &w, &d));
    CHECK(w == rn && memcmp(back, rec, rn) == 0);
    s4c_codec_free(c);
}

static void test_dictionaries(void) {
    /* The trained dictionary: ZDICT magic, its id in every frame. */
    uint32_t id = ZDICT_getDictID(zdict, zdict_size);
    CHECK_EQ_U64(id, le32(zdict + 4));
    CHECK(id >= 32768); /* ZDICT's compliant range */
    printf("trained dictionary: %zu bytes, dictID %u (DID field %u bytes)\n", zdict_size, id,
           did_code(id) == 3 ? 4 : did_code(id));
    check_did_frame(zdict, zdict_size, id);
    /* The same dictionary relabelled: libzstd sizes the DID field by value. */
    static const uint32_t ids[] = {200, 1000, 65535, 65536, 0x7fffffff};
    unsigned char *relabelled = malloc(zdict_size);
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        memcpy(relabelled, zdict, zdict_size);
        relabelled[4] = (unsigned char)ids[i], relabelled[5] = (unsigned char)(ids[i] >> 8);
        relabelled[6] = (unsigned char)(ids[i] >> 16),
        relabelled[7] = (unsigned char)(ids[i] >> 24);
        check_did_frame(relabelled, zdict_size, ids[i]);
    }
    free(relabelled);

    /* A raw-content dictionary: no DID, FHD 0x00, and it still helps. */
    unsigned char raw[6000];
    size_t sizes[40];
    size_t raw_size = make_samples(raw, sizes, 30, 5);
    raw[0] = '['; /* anything but the ZDICT magic */
    check_did_frame(raw, raw_size, 0);
    unsigned char rec[300], out[600];
    size_t rn = make_samples(rec, sizes, 1, 999);
    s4c_manifest m_plain, m_raw, m_zdict;
    s4c_error_detail d;
    s4c_codec *cz = make_codec(S4C_KIND_CPU_ZSTD, 3, NULL, 0);
    s4c_codec *craw = make_codec(S4C_KIND_CPU_ZSTD_DICT, 3, raw, raw_size);
    s4c_codec *cdict = make_codec(S4C_KIND_CPU_ZSTD_DICT, 3, zdict, zdict_size);
    CHECK_OK(s4c_compress(cz, rec, rn, out, sizeof out, &m_plain, &d));
    CHECK_OK(s4c_compress(craw, rec, rn, out, sizeof out, &m_raw, &d));
    CHECK_OK(s4c_compress(cdict, rec, rn, out, sizeof out, &m_zdict, &d));
    printf("%zu-byte record: %llu bytes plain, %llu with a raw dict, %llu with ZDICT\n", rn,
           (unsigned long long)m_plain.compressed_size, (unsigned long long)m_raw.compressed_size,
           (unsigned long long)m_zdict.compressed_size);
    CHECK(m_zdict.compressed_size < m_plain.compressed_size);
    CHECK(m_raw.compressed_size < m_plain.compressed_size);

    /* Wrong dictionaries: another ZDICT one (different id), a raw one, none. */
    unsigned char other[16384];
    size_t other_size = 0;
    {
        enum { N = 1500 };
        unsigned char *buf = malloc(N * 300);
        size_t *ss = malloc(N * sizeof(size_t));
        make_samples(buf, ss, N, 12345);
        for (size_t i = 0; i < 200; i++)
            buf[i] = (unsigned char)('a' + i % 26);
        CHECK_OK(s4c_train_dictionary(buf, ss, N, other, sizeof other, &other_size, &d));
        free(buf);
        free(ss);
    }
    CHECK(ZDICT_getDictID(other, other_size) != id);
    s4c_codec *cother = make_codec(S4C_KIND_CPU_ZSTD_DICT, 3, other, other_size);
    CHECK_OK(s4c_compress(cdict, rec, rn, out, sizeof out, &m_zdict, &d));
    expect_decompress(cother, &m_zdict, out, (size_t)m_zdict.compressed_size,
                      S4C_ERROR_DICTIONARY_MISMATCH, "io error: Dictionary mismatch");
    expect_decompress(craw, &m_zdict, out, (size_t)m_zdict.compressed_size,
                      S4C_ERROR_DICTIONARY_MISMATCH, "io error: Dictionary mismatch");
    /* Raw-dict frames decoded with another dictionary: garbage or corruption. */
    CHECK_OK(s4c_compress(craw, rec, rn, out, sizeof out, &m_raw, &d));
    unsigned char back[600];
    s4c_status st = s4c_decompress(cother, &m_raw, out, (size_t)m_raw.compressed_size, back,
                                   sizeof back, NULL, &d);
    CHECK(st == S4C_ERROR_CRC_MISMATCH || st == S4C_ERROR_CORRUPT_DATA ||
          st == S4C_ERROR_SIZE_MISMATCH || st == S4C_ERROR_DECOMPRESSION_BOMB);
    m_raw.codec = S4C_KIND_CPU_ZSTD;
    st =
        s4c_decompress(cz, &m_raw, out, (size_t)m_raw.compressed_size, back, sizeof back, NULL, &d);
    CHECK(st != S4C_OK);

    /* Streaming with a dictionary, 1-byte feeds. */
    stream_result r = stream_decode(S4C_KIND_CPU_ZSTD_DICT, zdict, zdict_size, 0, out, 0, 0, 0,
                                    back, sizeof back, 1);
    CHECK_STATUS(r.status, S4C_ERROR_TRUNCATED_INPUT);
    CHECK_OK(s4c_compress(cdict, rec, rn, out, sizeof out, &m_zdict, &d));
    r = stream_decode(S4C_KIND_CPU_ZSTD_DICT, zdict, zdict_size, 0, out,
                      (size_t)m_zdict.compressed_size, 0, 0, back, sizeof back, 1);
    CHECK_OK(r.status);
    CHECK(r.produced == rn && memcmp(back, rec, rn) == 0);
    r = stream_decode(S4C_KIND_CPU_ZSTD_DICT, other, other_size, 0, out,
                      (size_t)m_zdict.compressed_size, 1, 1, back, sizeof back, 1);
    CHECK_STATUS(r.status, S4C_ERROR_DICTIONARY_MISMATCH);

    /* Empty dictionary: refused, with S4's text. */
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    s4c_codec *c = (s4c_codec *)1;
    CHECK_STATUS(s4c_codec_create(S4C_KIND_CPU_ZSTD_DICT, &o, &c, &d), S4C_ERROR_EMPTY_DICTIONARY);
    CHECK(c == NULL);
    CHECK(strcmp(d.message, "compression backend error: zstd dictionary is empty (0 bytes) — "
                            "refusing to build cpu-zstd-dict codec") == 0);
    CHECK(strcmp(d.message + d.cause_offset, "zstd dictionary is empty (0 bytes) — refusing to build "
                            "cpu-zstd-dict codec") == 0);
    CHECK_EQ_U64(s4c_status_class(d.status), S4C_CLASS_BACKEND);
    o.dict = "x", o.dict_size = 0;
    CHECK_STATUS(s4c_codec_create(S4C_KIND_CPU_ZSTD_DICT, &o, &c, &d), S4C_ERROR_EMPTY_DICTIONARY);
    s4c_encoder *enc = NULL;
    CHECK_STATUS(s4c_encoder_create(S4C_KIND_CPU_ZSTD_DICT, &o, &enc, &d),
                 S4C_ERROR_EMPTY_DICTIONARY);
    CHECK(enc == NULL);
    CHECK(strcmp(d.message, "compression backend error: zstd dictionary is empty (0 bytes) — "
                            "refusing to build cpu-zstd-dict codec") == 0);
    /* cpu-zstd ignores a dictionary, as S4's CpuZstd has none. */
    o.dict = zdict, o.dict_size = zdict_size;
    CHECK_OK(s4c_codec_create(S4C_KIND_CPU_ZSTD, &o, &c, &d));
    CHECK_OK(s4c_compress(c, rec, rn, out, sizeof out, &m_plain, &d));
    CHECK_EQ_U64(out[4], 0x00);
    s4c_codec_free(c);

    /* A ZDICT-magic dictionary whose tables do not parse. */
    unsigned char broken[300];
    memcpy(broken, zdict, 8);
    memset(broken + 8, 0xff, sizeof broken - 8);
    c = make_codec(S4C_KIND_CPU_ZSTD_DICT, 3, broken, sizeof broken);
    CHECK_STATUS(s4c_compress(c, rec, rn, out, sizeof out, &m_raw, &d), S4C_ERROR_BACKEND);
    CHECK(strcmp(d.message, "Dictionary is corrupted") == 0);
    CHECK_OK(s4c_compress(cdict, rec, rn, out, sizeof out, &m_zdict, &d));
    expect_decompress(c, &m_zdict, out, (size_t)m_zdict.compressed_size,
                      S4C_ERROR_DICTIONARY_MISMATCH, "io error: Dictionary is corrupted");
    s4c_codec_free(c);

    s4c_codec_free(cz);
    s4c_codec_free(craw);
    s4c_codec_free(cdict);
    s4c_codec_free(cother);
}

static void test_training_errors(void) {
    unsigned char buf[3000], dict[16384];
    size_t sizes[10], dn = 77;
    s4c_error_detail d;
    make_samples(buf, sizes, 3, 1);
    /* S4 §2.2: a ZDICT error is an Io error with ZDICT's text. */
    CHECK_STATUS(s4c_train_dictionary(buf, sizes, 3, dict, sizeof dict, &dn, &d),
                 S4C_ERROR_DICTIONARY_TRAINING);
    CHECK_EQ_U64(dn, 0);
    CHECK(s4c_status_class(d.status) == S4C_CLASS_IO);
    CHECK(strncmp(d.message, "io error: ", 10) == 0);
    CHECK_EQ_U64(d.cause_offset, 10);
    printf("training with 3 samples: %s\n", d.message);
    CHECK_STATUS(s4c_train_dictionary(buf, sizes, 0, dict, sizeof dict, &dn, &d),
                 S4C_ERROR_DICTIONARY_TRAINING);
    make_samples(buf, sizes, 10, 1);
    CHECK_STATUS(s4c_train_dictionary(buf, sizes, 10, dict, 100, &dn, &d),
                 S4C_ERROR_DICTIONARY_TRAINING);
    CHECK_STATUS(s4c_train_dictionary(buf, sizes, 10, NULL, sizeof dict, &dn, &d),
                 S4C_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(s4c_train_dictionary(NULL, sizes, 10, dict, sizeof dict, &dn, &d),
                 S4C_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(s4c_train_dictionary(buf, sizes, 10, dict, sizeof dict, NULL, &d),
                 S4C_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(s4c_train_dictionary(buf, sizes, 3, dict, sizeof dict, &dn, NULL),
                 S4C_ERROR_DICTIONARY_TRAINING);
}

/*
 * Regression (found by fuzz_zstd_decode): libzstd decodes the first block after
 * a dictionary change with its "cold dictionary" sequence decoder, and on
 * corrupt frames that one and the usual one can disagree. A reused codec must
 * give the verdict of a fresh one (S4 builds a decoder per call), every time.
 */
static void test_regression_dict_verdict_independent_of_history(void) {
    unsigned char recs[4000], frame[4000], bad[4000], back[8192];
    size_t sizes[40];
    size_t rn = make_samples(recs, sizes, 20, 77);
    s4c_codec *reused = make_codec(S4C_KIND_CPU_ZSTD_DICT, 3, zdict, zdict_size);
    s4c_manifest m;
    s4c_error_detail d;
    CHECK_OK(s4c_compress(reused, recs, rn, frame, sizeof frame, &m, &d));
    size_t fn = (size_t)m.compressed_size;
    uint64_t rng = 99;
    int differing = 0, decoded = 0;
    for (int iter = 0; iter < 1500; iter++) {
        memcpy(bad, frame, fn);
        int flips = 1 + (int)(rng_next(&rng) % 3);
        for (int f = 0; f < flips; f++)
            bad[10 + rng_next(&rng) % (fn - 10)] ^= (unsigned char)(1 + rng_next(&rng) % 255);
        s4c_codec *fresh = make_codec(S4C_KIND_CPU_ZSTD_DICT, 3, zdict, zdict_size);
        s4c_error_detail d1, d2;
        s4c_status s1 = s4c_decompress(reused, &m, bad, fn, back, rn, NULL, &d1);
        s4c_status s2 = s4c_decompress(fresh, &m, bad, fn, back, rn, NULL, &d2);
        if (s1 != s2 || strcmp(d1.message, d2.message) != 0) {
            differing++;
            fprintf(stderr, "  iter %d: reused \"%s\", fresh \"%s\"\n", iter, d1.message,
                    d2.message);
        }
        stream_result r = stream_decode(S4C_KIND_CPU_ZSTD_DICT, zdict, zdict_size, 0, bad, fn, 3, 3,
                                        back, sizeof back, 1);
        int stream_ok = r.status == S4C_OK || r.produced == sizeof back; /* or more output */
        int oneshot_decoded = s2 == S4C_OK || s2 == S4C_ERROR_CRC_MISMATCH ||
                              s2 == S4C_ERROR_SIZE_MISMATCH || s2 == S4C_ERROR_DECOMPRESSION_BOMB;
        if (stream_ok != oneshot_decoded) {
            differing++;
            fprintf(stderr, "  iter %d: stream %s, one-shot \"%s\"\n", iter,
                    s4c_status_name(r.status), d2.message);
        }
        decoded += stream_ok;
        s4c_codec_free(fresh);
    }
    CHECK_EQ_U64(differing, 0);
    printf("corrupted dict frames: %d of 1500 still decode (caught by the CRC)\n", decoded);
    s4c_codec_free(reused);
}

/*
 * Regression (found by fuzz_zstd_decode): a frame whose content size says 238
 * but whose only block is an empty last block. libzstd's one-shot decoder
 * calls that corrupt, its streaming decoder (fed in pieces) accepts it; we call
 * it corrupt on every path and for every feed size.
 */
static void test_regression_content_size_with_empty_last_block(void) {
    static const unsigned char frame[] = {0x28, 0xb5, 0x2f, 0xfd, 0x20, 0xee, 0x01, 0x00, 0x00};
    unsigned char out[512];
    /* The libzstd behaviour this guards against. */
    CHECK(ZSTD_isError(ZSTD_decompress(out, sizeof out, frame, sizeof frame)));
    {
        ZSTD_DCtx *dctx = ZSTD_createDCtx();
        size_t r = 1;
        ZSTD_outBuffer o = {out, sizeof out, 0};
        for (size_t i = 0; i < sizeof frame && !ZSTD_isError(r); i++) {
            ZSTD_inBuffer in = {frame + i, 1, 0};
            r = ZSTD_decompressStream(dctx, &o, &in);
        }
        CHECK(r == 0 && o.pos == 0); /* accepted, 0 bytes */
        ZSTD_freeDCtx(dctx);
    }
    s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD, 3, NULL, 0);
    s4c_manifest m = {S4C_KIND_CPU_ZSTD, 238, sizeof frame, 0};
    expect_decompress(c, &m, frame, sizeof frame, S4C_ERROR_CORRUPT_DATA,
                      "io error: Data corruption detected");
    m.original_size = 0;
    expect_decompress(c, &m, frame, sizeof frame, S4C_ERROR_CORRUPT_DATA,
                      "io error: Data corruption detected");
    for (int ip = 0; ip < 4; ip++) {
        stream_result r = stream_decode(S4C_KIND_CPU_ZSTD, NULL, 0, 0, frame, sizeof frame, ip, ip,
                                        out, sizeof out, 1);
        CHECK_STATUS(r.status, S4C_ERROR_CORRUPT_DATA);
    }
    s4c_codec_free(c);
}

/*
 * Regression (found by fuzz_zstd_decode): a legacy (v0.7) magic. libzstd
 * recognises it only when one call sees all 4 magic bytes; fed fewer, it says
 * "Unknown frame descriptor". The verdict must not depend on the feed size.
 */
static void test_regression_legacy_magic_any_feed(void) {
    static const unsigned char frame[] = {0x27, 0xb5, 0x2f, 0xfd, 0x00, 0x58,
                                          0xaf, 0x2b, 0x00, 0x12, 0x00, 0x68};
    unsigned char out[4096];
    s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD, 3, NULL, 0);
    s4c_manifest m = {S4C_KIND_CPU_ZSTD, 100, sizeof frame, 0};
    s4c_error_detail d;
    s4c_status want = s4c_decompress(c, &m, frame, sizeof frame, out, 100, NULL, &d);
    printf("v0.7-magic garbage: %s (%s)\n", s4c_status_name(want), d.message);
    CHECK(want != S4C_ERROR_UNKNOWN_FORMAT); /* libzstd took it as a legacy frame */
    for (int ip = 0; ip < 4; ip++)
        for (int op = 0; op < 3; op++)
            CHECK_STATUS(stream_decode(S4C_KIND_CPU_ZSTD, NULL, 0, 0, frame, sizeof frame, ip, op,
                                       out, sizeof out, 7)
                             .status,
                         want);
    /* The start of a legacy magic at the very end: libzstd's verdict everywhere. */
    unsigned char tail[32];
    CHECK_OK(s4c_compress(c, "hello", 5, tail, sizeof tail, &m, &d));
    memcpy(tail + 14, "\x27\xb5", 2);
    m.compressed_size = 16;
    expect_decompress(c, &m, tail, 16, S4C_ERROR_UNKNOWN_FORMAT,
                      "io error: Unknown frame descriptor");
    for (int ip = 0; ip < 4; ip++)
        CHECK_STATUS(
            stream_decode(S4C_KIND_CPU_ZSTD, NULL, 0, 0, tail, 16, ip, ip, out, sizeof out, 7)
                .status,
            S4C_ERROR_UNKNOWN_FORMAT);
    s4c_codec_free(c);
}

/*
 * Regression (found by fuzz_zstd_decode): a block regenerating more than its
 * frame's window. Block by block, libzstd says "Destination buffer is too
 * small" (its internal buffer); that is corruption, not our "output exceeds
 * the destination", and the status must not depend on the feed sizes.
 */
static void test_regression_oversized_block_is_corruption(void) {
    /* single segment, content size 10, then an RLE block of 100 bytes */
    static const unsigned char frame[] = {0x28, 0xb5, 0x2f, 0xfd, 0x20,
                                          0x0a, 0x23, 0x03, 0x00, 0x41};
    unsigned char out[4096];
    s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD, 3, NULL, 0);
    s4c_manifest m = {S4C_KIND_CPU_ZSTD, 10, sizeof frame, 0};
    s4c_error_detail d;
    for (uint64_t claimed = 0; claimed <= 200; claimed += 10) {
        m.original_size = claimed;
        s4c_status st = s4c_decompress(c, &m, frame, sizeof frame, out, sizeof out, NULL, &d);
        CHECK(st == S4C_ERROR_CORRUPT_DATA || st == S4C_ERROR_DECOMPRESSION_BOMB);
        if (claimed >= 10) CHECK_STATUS(st, S4C_ERROR_CORRUPT_DATA);
    }
    for (int ip = 0; ip < 4; ip++)
        for (int op = 0; op < 4; op++)
            CHECK_STATUS(stream_decode(S4C_KIND_CPU_ZSTD, NULL, 0, 0, frame, sizeof frame, ip, op,
                                       out, sizeof out, 3)
                             .status,
                         S4C_ERROR_CORRUPT_DATA);
    s4c_codec_free(c);
}

/* ------------------------------------------------ differential: the zstd CLI */

#include "test_files.h"

/* Decodes a file's frames with us, one-shot and streaming (several feeds). */
static void check_we_decode(uint32_t kind, const void *dict, size_t dsz, const char *path,
                            const unsigned char *want, size_t n) {
    size_t pn = 0;
    unsigned char *p = read_file(path, &pn);
    CHECK(p != NULL);
    if (!p) return;
    s4c_codec *c = make_codec(kind, 3, dict, dsz);
    s4c_manifest m = {kind, n, pn, s4c_crc32c(0, want, n)};
    unsigned char *back = malloc(n + 1);
    s4c_error_detail d;
    size_t w = 0;
    CHECK_OK(s4c_decompress(c, &m, p, pn, back, n, &w, &d));
    CHECK(w == n && memcmp(back, want, n) == 0);
    for (int pat = 0; pat<4; pat += n> 200000 ? 2 : 1) {
        memset(back, 0, n);
        stream_result r =
            stream_decode(kind, dict, dsz, 0, p, pn, pat, 3 - pat, back, n + 1, (uint64_t)pat + 1);
        CHECK_OK(r.status);
        CHECK(r.produced == n && memcmp(back, want, n) == 0);
    }
    s4c_codec_free(c);
    free(back);
    free(p);
}

static void test_cli(void) {
    if (system("zstd --version > /dev/null 2>&1") != 0) {
        printf("SKIP differential: the zstd CLI is not installed\n");
        return;
    }
    snprintf(tmpdir, sizeof tmpdir, "/tmp/s4c_test_zstd_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        printf("SKIP differential: mkdtemp failed\n");
        return;
    }
    const size_t n = 300000, n2 = 70001;
    unsigned char *a = malloc(n), *b = malloc(n2), *ab = malloc(n + n2);
    check_fill(a, n, 101, 1);
    check_fill(b, n2, 102, 0);
    memcpy(ab, a, n);
    memcpy(ab + n, b, n2);
    write_file(tpath("a"), a, n);
    write_file(tpath("b"), b, n2);
    write_file(tpath("empty"), "", 0);
    write_file(tpath("dict"), zdict, zdict_size);

    /* Ours → zstd -d, at several levels, concatenated, empty. */
    static const int levels[] = {1, 3, 19};
    for (size_t i = 0; i < 3; i++) {
        s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD, levels[i], NULL, 0);
        s4c_manifest ma, mb;
        unsigned char *pa = compress_new(c, a, n, &ma), *pb = compress_new(c, b, n2, &mb);
        size_t na = (size_t)ma.compressed_size, nb = (size_t)mb.compressed_size;
        write_file(tpath("ours.zst"), pa, na);
        if (run("zstd -q -d -c %s > %s", tpath("ours.zst"), tpath("ours.out")) == 0)
            check_file_equals(tpath("ours.out"), a, n);
        unsigned char *both = malloc(na + nb);
        memcpy(both, pa, na);
        memcpy(both + na, pb, nb);
        write_file(tpath("both.zst"), both, na + nb);
        if (run("zstd -q -d -c %s > %s", tpath("both.zst"), tpath("both.out")) == 0)
            check_file_equals(tpath("both.out"), ab, n + n2);
        free(both);
        free(pa);
        free(pb);
        s4c_codec_free(c);
    }
    {
        s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD, 3, NULL, 0);
        s4c_manifest m;
        unsigned char *p = compress_new(c, NULL, 0, &m);
        write_file(tpath("empty.zst"), p, (size_t)m.compressed_size);
        if (run("zstd -q -d -c %s > %s", tpath("empty.zst"), tpath("empty.out")) == 0)
            check_file_equals(tpath("empty.out"), "", 0);
        free(p);
        s4c_codec_free(c);
    }

    /* zstd → ours: default (content size + checksum), no checksum, no content
     * size, level 19, two files in one stream, two streams concatenated. */
    if (run("zstd -q -f -c -3 %s > %s", tpath("a"), tpath("cli.zst")) == 0)
        check_we_decode(S4C_KIND_CPU_ZSTD, NULL, 0, tpath("cli.zst"), a, n);
    if (run("zstd -q -f -c --no-check %s > %s", tpath("a"), tpath("cli.zst")) == 0)
        check_we_decode(S4C_KIND_CPU_ZSTD, NULL, 0, tpath("cli.zst"), a, n);
    if (run("zstd -q -f -c --no-content-size < %s > %s", tpath("a"), tpath("cli.zst")) == 0)
        check_we_decode(S4C_KIND_CPU_ZSTD, NULL, 0, tpath("cli.zst"), a, n);
    if (run("zstd -q -f -c -19 --content-size %s > %s", tpath("a"), tpath("cli.zst")) == 0)
        check_we_decode(S4C_KIND_CPU_ZSTD, NULL, 0, tpath("cli.zst"), a, n);
    if (run("zstd -q -f -c %s %s > %s", tpath("a"), tpath("b"), tpath("cli.zst")) == 0)
        check_we_decode(S4C_KIND_CPU_ZSTD, NULL, 0, tpath("cli.zst"), ab, n + n2);
    if (run("zstd -q -f -c %s > %s && zstd -q -c -1 %s >> %s && zstd -q -c %s >> %s", tpath("a"),
            tpath("cli.zst"), tpath("empty"), tpath("cli.zst"), tpath("b"), tpath("cli.zst")) == 0)
        check_we_decode(S4C_KIND_CPU_ZSTD, NULL, 0, tpath("cli.zst"), ab, n + n2);
    /* A stream with a checksum corrupted by the CLI's own checksum check. */
    {
        size_t pn = 0;
        run("zstd -q -f -c %s > %s", tpath("b"), tpath("cli.zst"));
        unsigned char *p = read_file(tpath("cli.zst"), &pn);
        if (p && pn > 4) {
            p[pn - 2] ^= 0x40;
            s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD, 3, NULL, 0);
            s4c_manifest m = {S4C_KIND_CPU_ZSTD, n2, pn, s4c_crc32c(0, b, n2)};
            expect_decompress(c, &m, p, pn, S4C_ERROR_CHECKSUM_MISMATCH,
                              "io error: Restored data doesn't match checksum");
            s4c_codec_free(c);
        }
        free(p);
    }

    /* Dictionaries both ways: ZDICT and raw content. */
    unsigned char raw[6000];
    size_t sizes[40];
    size_t raw_size = make_samples(raw, sizes, 30, 5);
    raw[0] = '[';
    write_file(tpath("raw.dict"), raw, raw_size);
    unsigned char recs[20000];
    size_t rn = make_samples(recs, sizes, 40, 4242);
    write_file(tpath("recs"), recs, rn);
    for (int k = 0; k < 2; k++) {
        const void *dict = k ? (const void *)raw : (const void *)zdict;
        size_t dsz = k ? raw_size : zdict_size;
        char dname[128];
        snprintf(dname, sizeof dname, "%s", k ? tpath("raw.dict") : tpath("dict"));
        s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD_DICT, 3, dict, dsz);
        s4c_manifest m;
        unsigned char *p = compress_new(c, recs, rn, &m);
        write_file(tpath("ours_dict.zst"), p, (size_t)m.compressed_size);
        if (run("zstd -q -D %s -d -c %s > %s", dname, tpath("ours_dict.zst"),
                tpath("ours_dict.out")) == 0)
            check_file_equals(tpath("ours_dict.out"), recs, rn);
        if (run("zstd -q -f -D %s -c %s > %s", dname, tpath("recs"), tpath("cli_dict.zst")) == 0)
            check_we_decode(S4C_KIND_CPU_ZSTD_DICT, dict, dsz, tpath("cli_dict.zst"), recs, rn);
        free(p);
        s4c_codec_free(c);
    }
    /* The CLI refuses our ZDICT frames without the dictionary, as we do. */
    {
        s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD_DICT, 3, zdict, zdict_size);
        s4c_manifest m;
        unsigned char *p = compress_new(c, recs, rn, &m);
        write_file(tpath("ours_dict.zst"), p, (size_t)m.compressed_size);
        char cmd[512];
        snprintf(cmd, sizeof cmd, "zstd -q -d -c %s > /dev/null 2>&1", tpath("ours_dict.zst"));
        CHECK(system(cmd) != 0);
        free(p);
        s4c_codec_free(c);
    }

    static const char *files[] = {
        "a",           "b",         "empty",    "dict",          "raw.dict",
        "recs",        "ours.zst",  "ours.out", "both.zst",      "both.out",
        "empty.zst",   "empty.out", "cli.zst",  "ours_dict.zst", "ours_dict.out",
        "cli_dict.zst"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(tpath(files[i]));
    CHECK(rmdir(tmpdir) == 0);
    free(a);
    free(b);
    free(ab);
}

/* ------------------------------------------------------------ allocator hooks */

static size_t live_allocs, total_allocs;

static void *counting_malloc(size_t n) {
    live_allocs++, total_allocs++;
    return malloc(n);
}

static void counting_free(void *p) {
    if (p) live_allocs--;
    free(p);
}

/* libzstd's contexts allocate through the library's hooks. */
static void test_allocator_hooks(void) {
    s4c_set_memory_allocator(counting_malloc, counting_free);
    unsigned char src[5000], out[6000], back[5000];
    check_fill(src, sizeof src, 1, 1);
    s4c_codec *c = make_codec(S4C_KIND_CPU_ZSTD_DICT, 19, zdict, zdict_size);
    size_t after_create = total_allocs;
    s4c_manifest m;
    s4c_error_detail d;
    CHECK_OK(s4c_compress(c, src, sizeof src, out, sizeof out, &m, &d));
    CHECK(total_allocs > after_create + 1); /* CCtx and its workspace */
    size_t w;
    size_t before_decode = total_allocs;
    CHECK_OK(s4c_decompress(c, &m, out, (size_t)m.compressed_size, back, sizeof back, &w, &d));
    CHECK(total_allocs > before_decode); /* DCtx, dictionary tables */
    s4c_codec_free(c);
    stream_result r = stream_decode(S4C_KIND_CPU_ZSTD_DICT, zdict, zdict_size, 0, out,
                                    (size_t)m.compressed_size, 2, 2, back, sizeof back, 1);
    CHECK_OK(r.status);
    CHECK_EQ_U64(live_allocs, 0);
    s4c_set_memory_allocator(NULL, NULL);
}

int main(void) {
    make_dictionary();
    test_goldens();
    test_level_clamping();
    test_identity_with_plain_pattern();
    test_stable_input_keeps_s4_header();
    test_roundtrips();
    test_roundtrip_64mib();
    test_stream_encoder_feeds();
    test_stream_encoder_modes();
    test_stream_decoder();
    test_errors();
    test_dictionaries();
    test_training_errors();
    test_regression_dict_verdict_independent_of_history();
    test_regression_content_size_with_empty_last_block();
    test_regression_legacy_magic_any_feed();
    test_regression_oversized_block_is_corruption();
    test_cli();
    test_allocator_hooks();
    return check_exit("test_zstd");
}
