/*
 * fuzz_gzip_state_load.c — s4c_decoder_load over untrusted cpu-gzip state
 * blobs (docs/formats/state.md, "cpu-gzip body"), then a little decoding.
 *
 * Input: a mode byte, then a blob. Mode bit 0 clear: the blob is loaded as it
 * is (seeds are real blobs, so the envelope holds). Bit 0 set: the envelope's
 * size, fingerprint and CRC32C are made valid first, so that mutations reach
 * the gzip body's fields. Bits 1-2 choose the feed pattern; bit 3 loads with
 * stop_at_checkpoint and spacing 1 (else spacing 64 KiB).
 *
 * The stream is fixed and built on first use: a level-1 member of text, a level-6
 * member with FEXTRA/FNAME/FCOMMENT/FHCRC, a stored (level 0) member and another
 * level-1 member (level 1 makes many blocks).
 *
 * Checks: a failed load leaves no decoder and reports a STATE_* status with a
 * message; a loaded decoder stands at the envelope's resume point, saves
 * again into a blob that loads, and it, its clone and the reloaded decoder
 * decode the same bytes with the same status.
 *
 * Seeds: `S4C_FUZZ_WRITE_SEEDS=fuzz/corpus/fuzz_gzip_state_load
 * build/fuzz/replay_fuzz_gzip_state_load /dev/null` writes real blobs saved
 * at many points of the stream (each as mode 0 and mode 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "s4codec.h"
#include "s4codec_resume.h"
#include "s4codec_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                                 \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "fuzz_gzip_state_load: %s failed (line %d)\n", #c, __LINE__);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static uint8_t *stream;
static size_t stream_n;
static size_t first_end; /* where the second member (the one with header fields) starts */

static void grow(size_t n) {
    stream = realloc(stream, stream_n + n);
    REQUIRE(stream);
}

static void text(uint8_t *p, size_t n, uint64_t seed) {
    static const char *w[] = {"gzip ", "member ", "block ", "window ", "huffman ", "bits ",
                              "state\n", "resume ", "of ", "the ", "crc ", "zran "};
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 3;
    size_t i = 0;
    while (i < n) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if (x % 61 == 0) {
            p[i++] = (uint8_t)(x >> 32);
            continue;
        }
        for (const char *s = w[(x >> 8) % 12]; *s && i < n; s++) p[i++] = (uint8_t)*s;
    }
}

/* Appends one member of ours; with `fields`, its header gets every optional field. */
static void add_member(size_t n, uint64_t seed, int level, int fields) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = level;
    s4c_codec *c = NULL;
    REQUIRE(s4c_codec_create(S4C_KIND_CPU_GZIP, &o, &c, NULL) == S4C_OK);
    uint8_t *src = malloc(n ? n : 1);
    text(src, n, seed);
    size_t cap = s4c_compress_bound(c, n);
    uint8_t *m = malloc(cap);
    s4c_manifest man;
    REQUIRE(s4c_compress(c, src, n, m, cap, &man, NULL) == S4C_OK);
    size_t k = (size_t)man.compressed_size;
    if (fields) {
        uint8_t h[40] = {0x1f, 0x8b, 8, 0x1e, 0, 0, 0, 0, 0, 3, 3, 0, 'x', 'y', 'z'};
        size_t hn = 15;
        memcpy(h + hn, "f.txt", 6);
        hn += 6;
        memcpy(h + hn, "hi", 3);
        hn += 3;
        /* FHCRC: the low 16 bits of the CRC-32 of the header so far */
        uint32_t crc = 0xffffffffu;
        for (size_t i = 0; i < hn; i++) {
            crc ^= h[i];
            for (int b = 0; b < 8; b++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
        }
        crc = ~crc;
        h[hn++] = (uint8_t)crc;
        h[hn++] = (uint8_t)(crc >> 8);
        grow(hn + k - 10);
        memcpy(stream + stream_n, h, hn);
        memcpy(stream + stream_n + hn, m + 10, k - 10);
        stream_n += hn + k - 10;
    } else {
        grow(k);
        memcpy(stream + stream_n, m, k);
        stream_n += k;
    }
    free(m);
    free(src);
    s4c_codec_free(c);
}

static void build_stream(void) {
    add_member(400000, 1, 1, 0);
    first_end = stream_n;
    add_member(50000, 2, 6, 1);
    add_member(140000, 3, 0, 0);
    add_member(250000, 4, 1, 0);
}

/* Decodes from stream offset `off`; output hashed. */
static s4c_status run(s4c_decoder *dec, uint64_t off, unsigned pattern, uint64_t *hash,
                      uint64_t *total_ret) {
    static uint8_t out[70000];
    size_t ip = off <= stream_n ? (size_t)off : stream_n;
    XXH64_state_t h;
    XXH64_reset(&h, 0);
    uint64_t total = 0, x = 5;
    s4c_status st = S4C_OK;
    for (int calls = 0; calls < 300 && total < 300000; calls++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t ic = pattern == 0 ? stream_n : pattern == 1 ? 1 + x % 9 : 1 + x % 20000;
        size_t oc = pattern == 2 ? 1 + (x >> 20) % 300 : sizeof out;
        s4c_in_buffer in = {stream, ip + ic < stream_n ? ip + ic : stream_n, ip};
        s4c_out_buffer ob = {out, oc, 0};
        size_t hint;
        st = s4c_decoder_stream(dec, &in, &ob, &hint);
        XXH64_update(&h, out, ob.pos);
        total += ob.pos;
        if (st != S4C_OK || (in.pos == ip && ob.pos == 0 && hint == 0)) break;
        if (in.pos == ip && ob.pos == 0 && ip == stream_n) break;
        ip = in.pos;
    }
    *hash = XXH64_digest(&h);
    *total_ret = total;
    return st;
}

static void write_seeds(const char *dir) {
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.checkpoint_spacing = 48 * 1024;
    s4c_decoder *dec = NULL;
    REQUIRE(s4c_decoder_create(S4C_KIND_CPU_GZIP, &o, &dec, NULL) == S4C_OK);
    static uint8_t out[70000];
    uint8_t *blob = malloc(1 << 20);
    size_t ip = 0;
    uint64_t x = 17;
    int k = 0;
    for (int calls = 0; ip < stream_n && calls < 200000 && k < 40; calls++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t ic = x % 3 == 0 ? 1 + x % 7 : 1 + (x >> 8) % 4000;
        s4c_in_buffer in = {stream, ip + ic < stream_n ? ip + ic : stream_n, ip};
        s4c_out_buffer ob = {out, 1 + (x >> 30) % sizeof out, 0};
        size_t hint, n = 0;
        REQUIRE(s4c_decoder_stream(dec, &in, &ob, &hint) == S4C_OK);
        ip = in.pos;
        if (calls % 9 != 0) continue;
        REQUIRE(s4c_decoder_save(dec, blob + 1, (1 << 20) - 1, &n, NULL) == S4C_OK);
        s4c_decoder *check = NULL;
        REQUIRE(s4c_decoder_load(blob + 1, n, stream, stream_n, NULL, &check, NULL) == S4C_OK);
        s4c_decoder_free(check);
        for (int mode = 0; mode < 2; mode++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/seed-%02d-%d", dir, k, mode);
            blob[0] = (uint8_t)(mode | ((k % 4) << 1) | ((k % 3 == 0) << 3));
            FILE *f = fopen(path, "wb");
            REQUIRE(f && fwrite(blob, 1, n + 1, f) == n + 1 && fclose(f) == 0);
        }
        k++;
    }
    s4c_decoder_free(dec);
    /* Exact states byte by byte across the first trailer and the second header. */
    REQUIRE(s4c_decoder_create(S4C_KIND_CPU_GZIP, &o, &dec, NULL) == S4C_OK);
    ip = 0;
    while (ip < stream_n) {
        size_t ic = ip + 12 < first_end ? first_end - 12 - ip : 1;
        if (ip >= first_end + 45) break;
        s4c_in_buffer in = {stream, ip + ic, ip};
        s4c_out_buffer ob = {out, sizeof out, 0};
        size_t hint, n = 0;
        REQUIRE(s4c_decoder_stream(dec, &in, &ob, &hint) == S4C_OK);
        if (in.pos == ip && ob.pos == 0) continue;
        ip = in.pos;
        if (ip + 12 < first_end || ob.pos == sizeof out) continue;
        REQUIRE(s4c_decoder_save(dec, blob + 1, (1 << 20) - 1, &n, NULL) == S4C_OK);
        char path[4096];
        snprintf(path, sizeof path, "%s/seed-b%02zu", dir, ip - (first_end - 12));
        blob[0] = (uint8_t)(ip & 1);
        FILE *f = fopen(path, "wb");
        REQUIRE(f && fwrite(blob, 1, n + 1, f) == n + 1 && fclose(f) == 0);
    }
    free(blob);
    s4c_decoder_free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!stream) {
        build_stream();
        const char *dir = getenv("S4C_FUZZ_WRITE_SEEDS");
        if (dir) write_seeds(dir);
    }
    if (size < 1) return 0;
    unsigned mode = data[0];
    size_t n = size - 1;
    uint8_t *blob = malloc(n ? n : 1);
    if (n) memcpy(blob, data + 1, n);
    if ((mode & 1) && n >= 60) { /* make the envelope hold: size, fingerprint, CRC32C */
        uint32_t fp = (uint32_t)blob[44] | (uint32_t)blob[45] << 8 | (uint32_t)blob[46] << 16 |
                      (uint32_t)blob[47] << 24;
        if (fp > S4C_FINGERPRINT_BYTES) fp = S4C_FINGERPRINT_BYTES;
        if (fp > stream_n) fp = (uint32_t)stream_n;
        uint64_t h = XXH64(stream, fp, 0);
        for (int i = 0; i < 4; i++) blob[8 + i] = (uint8_t)(n >> (8 * i));
        for (int i = 0; i < 4; i++) blob[44 + i] = (uint8_t)(fp >> (8 * i));
        for (int i = 0; i < 8; i++) blob[48 + i] = (uint8_t)(h >> (8 * i));
        uint32_t crc = s4c_crc32c(0, blob, n - 4);
        for (int i = 0; i < 4; i++) blob[n - 4 + i] = (uint8_t)(crc >> (8 * i));
    }
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.stop_at_checkpoint = (mode >> 3) & 1;
    o.checkpoint_spacing = o.stop_at_checkpoint ? 1 : 64 * 1024;
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    s4c_status st = s4c_decoder_load(blob, n, stream, stream_n, &o, &dec, &d);
    if (st != S4C_OK) {
        REQUIRE(dec == NULL && d.status == st && d.message[0]);
        free(blob);
        return 0;
    }
    s4c_state_info info;
    REQUIRE(s4c_state_inspect(blob, n, &info, NULL) == S4C_OK);
    if (info.kind != S4C_KIND_CPU_GZIP) { /* a mutated kind: the other codecs' targets cover them */
        s4c_decoder_free(dec);
        free(blob);
        return 0;
    }
    s4c_decoder_position pos;
    REQUIRE(s4c_decoder_get_position(dec, &pos) == S4C_OK);
    REQUIRE(pos.consumed == info.resume_offset && pos.produced == info.resume_produced);
    size_t n2 = 0;
    REQUIRE(s4c_decoder_save(dec, NULL, 0, &n2, NULL) == S4C_ERROR_DST_TOO_SMALL);
    uint8_t *blob2 = malloc(n2);
    REQUIRE(s4c_decoder_save(dec, blob2, n2, &n2, NULL) == S4C_OK);
    s4c_decoder *again = NULL;
    REQUIRE(s4c_decoder_load(blob2, n2, stream, stream_n, &o, &again, &d) == S4C_OK);
    s4c_decoder *clone = NULL;
    REQUIRE(s4c_decoder_clone(dec, &clone, NULL) == S4C_OK);
    unsigned pattern = (mode >> 1) & 3;
    uint64_t h1, h2, h3, t1, t2, t3;
    s4c_status s1 = run(dec, info.resume_offset, pattern, &h1, &t1);
    s4c_status s2 = run(clone, info.resume_offset, pattern, &h2, &t2);
    s4c_status s3 = run(again, info.resume_offset, pattern, &h3, &t3);
    REQUIRE(s1 == s2 && h1 == h2 && t1 == t2);
    REQUIRE(s1 == s3 && h1 == h3 && t1 == t3);
    s4c_decoder_free(dec);
    s4c_decoder_free(clone);
    s4c_decoder_free(again);
    free(blob2);
    free(blob);
    return 0;
}
