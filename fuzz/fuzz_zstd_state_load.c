/*
 * fuzz_zstd_state_load.c — s4c_decoder_load over untrusted cpu-zstd and
 * cpu-zstd-dict state blobs (docs/formats/state.md), then decoding.
 *
 * Input: one mode byte, then a blob. Mode bit 0 clear: the blob is loaded as
 * it is (the envelope's size, fingerprint and CRC32C must hold: the seeds are
 * real blobs). Bit 0 set: the size field, the fingerprint and the CRC32C are
 * recomputed first, so mutations reach the positions and the codec body.
 * Bits 1-2: the feed pattern; bit 3: stop_at_checkpoint with spacing 1;
 * bit 4: the decoder options carry the fixed dictionary.
 *
 * The stream the blobs belong to is fixed (built on first use with our
 * seekable encoder): 48 KiB frames with XXH64 checksums and a seek table,
 * a skippable frame, then one plain frame.
 *
 * A loaded decoder must stand where the envelope's resume point says; save
 * again into a blob that loads; clone (it stands at a frame boundary) into a
 * decoder that decodes exactly as it does. A failed load leaves no decoder
 * and gives a status with a message.
 *
 * Seeds: with S4C_FUZZ_WRITE_SEEDS=DIR set, the first call writes real blobs
 * saved at many points of the stream into DIR (how fuzz/corpus/
 * fuzz_zstd_state_load/ was made: `S4C_FUZZ_WRITE_SEEDS=fuzz/corpus/
 * fuzz_zstd_state_load build/fuzz/replay_fuzz_zstd_state_load /dev/null`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH64_state_t on the stack */
#include <xxhash.h>

#include "s4codec.h"
#include "s4codec_resume.h"
#include "s4codec_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                            \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            fprintf(stderr, "fuzz_zstd_state_load: %s failed (line %d)\n", #c, __LINE__);     \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

static uint8_t *stream;
static size_t stream_n;
static uint8_t dict[2048];

static void fill(uint8_t *p, size_t n, uint64_t seed, int text) {
    static const char words[] = "zstd frame boundary seek table checksum resume state blob ";
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        p[i] = text && x % 8 ? (uint8_t)words[(i + (x >> 40) % 5) % (sizeof words - 1)]
                             : (uint8_t)(x >> 24);
    }
}

static void add(uint64_t frame_size, int checksum, size_t n, uint64_t seed) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.zstd_frame_size = frame_size;
    o.zstd_checksum = checksum;
    s4c_encoder *e = NULL;
    REQUIRE(s4c_encoder_create(S4C_KIND_CPU_ZSTD, &o, &e, NULL) == S4C_OK);
    uint8_t *src = malloc(n);
    fill(src, n, seed, 1);
    size_t cap = n + 4096;
    stream = realloc(stream, stream_n + cap);
    s4c_in_buffer in = {src, n, 0};
    s4c_out_buffer out = {stream + stream_n, cap, 0};
    size_t pending = 1;
    while (pending) REQUIRE(s4c_encoder_stream(e, &in, &out, S4C_FLUSH_END, &pending) == S4C_OK);
    stream_n += out.pos;
    free(src);
    s4c_encoder_free(e);
}

static void build_stream(void) {
    fill(dict, sizeof dict, 9, 1);
    add(48 << 10, 1, 150000, 1);
    stream = realloc(stream, stream_n + 8 + 100);
    memcpy(stream + stream_n, "\x51\x2a\x4d\x18\x64\x00\x00\x00", 8);
    fill(stream + stream_n + 8, 100, 2, 0);
    stream_n += 108;
    add(0, 0, 70000, 4);
}

/* Decodes from the stream's `off` on; returns the status, output hashed. */
static s4c_status run(s4c_decoder *dec, uint64_t off, unsigned pattern, uint64_t *hash,
                      uint64_t *out_total) {
    static uint8_t out[70000];
    size_t ip = off <= stream_n ? (size_t)off : stream_n;
    XXH64_state_t h;
    XXH64_reset(&h, 0);
    uint64_t total = 0, x = 7;
    s4c_status st = S4C_OK;
    for (int calls = 0; calls < 400 && total < 400000; calls++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t ic = pattern == 0 ? stream_n : pattern == 1 ? 1 + x % 7 : 1 + x % 30000;
        size_t oc = pattern == 2 ? 1 + (x >> 20) % 100 : sizeof out;
        s4c_in_buffer in = {stream, ip + ic < stream_n ? ip + ic : stream_n, ip};
        s4c_out_buffer ob = {out, oc, 0};
        size_t hint;
        st = s4c_decoder_stream(dec, &in, &ob, &hint);
        XXH64_update(&h, out, ob.pos);
        total += ob.pos;
        if (st != S4C_OK || (in.pos == ip && ob.pos == 0)) break;
        ip = in.pos;
    }
    *hash = XXH64_digest(&h);
    *out_total = total;
    return st;
}

static void write_seeds(const char *dir) {
    /* Save at many points of decodes with random cuts (with and without the
     * dictionary, single-frame too); each blob twice: mode 0 (as is) and
     * mode 1 (fields fixed up: mutations reach the body). */
    static uint8_t out[70000];
    uint8_t *blob = malloc(1 << 16);
    int k = 0;
    for (int variant = 0; variant < 3; variant++) {
        s4c_decoder_options o;
        s4c_decoder_options_init(&o);
        o.single_frame = variant == 2;
        if (variant == 1) o.dict = dict, o.dict_size = sizeof dict;
        uint32_t kind = variant == 1 ? S4C_KIND_CPU_ZSTD_DICT : S4C_KIND_CPU_ZSTD;
        s4c_decoder *dec = NULL;
        REQUIRE(s4c_decoder_create(kind, &o, &dec, NULL) == S4C_OK);
        size_t ip = 0;
        uint64_t x = 11 + (uint64_t)variant;
        for (int calls = 0; ip < stream_n && calls < 3000; calls++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t ic = x % 4 == 0 ? 1 + x % 5 : 1 + (x >> 8) % 9000;
            s4c_in_buffer in = {stream, ip + ic < stream_n ? ip + ic : stream_n, ip};
            s4c_out_buffer ob = {out, 1 + (x >> 30) % sizeof out, 0};
            size_t hint, n = 0;
            /* A dictionary decoder on a stream made without one still decodes
             * (a raw dictionary is only a prefix) — or fails; stop there. */
            if (s4c_decoder_stream(dec, &in, &ob, &hint) != S4C_OK) break;
            if (in.pos == ip && ob.pos == 0) break;
            ip = in.pos;
            if (calls % 3 != 0 || k >= 36) continue;
            REQUIRE(s4c_decoder_save(dec, blob + 1, (1 << 16) - 1, &n, NULL) == S4C_OK);
            s4c_decoder *check = NULL;
            REQUIRE(s4c_decoder_load(blob + 1, n, stream, stream_n, &o, &check, NULL) == S4C_OK);
            s4c_decoder_free(check);
            for (int mode = 0; mode < 2; mode++) {
                char path[4096];
                snprintf(path, sizeof path, "%s/seed-%02d-%d", dir, k, mode);
                blob[0] = (uint8_t)(mode | ((k % 4) << 1) | ((k % 3 == 0) << 3) |
                                    (variant == 1) << 4);
                FILE *f = fopen(path, "wb");
                REQUIRE(f && fwrite(blob, 1, n + 1, f) == n + 1 && fclose(f) == 0);
            }
            k++;
        }
        s4c_decoder_free(dec);
    }
    free(blob);
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
    memcpy(blob, data + 1, n);
    if ((mode & 1) && n >= 60) {
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
    o.checkpoint_spacing = o.stop_at_checkpoint ? 1 : 0;
    if (mode & 16) o.dict = dict, o.dict_size = sizeof dict;
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
    if (info.kind != S4C_KIND_CPU_ZSTD && info.kind != S4C_KIND_CPU_ZSTD_DICT) {
        /* A forged kind whose own loader accepted the body: not ours to check. */
        s4c_decoder_free(dec);
        free(blob);
        return 0;
    }
    REQUIRE(info.kind == S4C_KIND_CPU_ZSTD || (mode & 16));
    s4c_decoder_position pos;
    REQUIRE(s4c_decoder_get_position(dec, &pos) == S4C_OK);
    REQUIRE(pos.consumed == info.resume_offset && pos.produced == info.resume_produced);
    REQUIRE(pos.resume_offset == pos.consumed);

    /* Saves again into a blob that loads; a clone decodes the same. */
    size_t n2 = 0;
    REQUIRE(s4c_decoder_save(dec, NULL, 0, &n2, NULL) == S4C_ERROR_DST_TOO_SMALL);
    uint8_t *blob2 = malloc(n2);
    REQUIRE(s4c_decoder_save(dec, blob2, n2, &n2, NULL) == S4C_OK);
    REQUIRE(n2 <= 128);
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
