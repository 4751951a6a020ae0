/*
 * fuzz_zstd_decode.c — the one-shot and streaming zstd decoders agree.
 *
 * Input layout: flags, in_seed, out_seed, three bytes of original_size (LE),
 * then the payload.
 *   flags bit 0: cpu-zstd-dict instead of cpu-zstd; bit 1: its dictionary is
 *   a trained ZDICT one instead of raw content.
 *   in_seed / out_seed: feed sizes of the streaming decoder (0: everything;
 *   1..127: that many bytes; 128..255: random 1..(seed - 127) per call).
 * The streaming decoder runs first (output capped at LIMIT). Then
 * s4c_decompress must reach the same verdict: with the streamed length and
 * CRC as manifest it succeeds with the same bytes, or fails with the same
 * status (and cause text); with the manifest-derived size it gives the
 * outcome S4's check order implies. Nothing may crash or leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s4codec.h"
#include "s4codec_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIMIT (256u * 1024u)
#define HEADER 6

static uint8_t stream_out[LIMIT + 1];
static uint8_t oneshot_out[LIMIT + 2048];

static const char raw_dict[] =
    "{\"request_id\":\"0000000000000000\",\"user\":\"user000\",\"action\":\"GetObject\","
    "\"bucket\":\"bucket-00\",\"bytes\":0,\"status\":200,\"agent\":\"aws-sdk-go/1.44.0\"}\n"
    "the quick brown fox jumps over the lazy dog; S4F2 frame 0123456789\n";

static uint8_t zdict[4096];
static size_t zdict_size;

/* Trains the ZDICT dictionary once (about 30 ms), from fixed records. */
static void train_once(void) {
    if (zdict_size) return;
    enum { N = 600 };
    static char samples[N * 200];
    static size_t sizes[N];
    size_t off = 0;
    uint32_t x = 12345;
    for (size_t i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        int k = snprintf(samples + off, 200,
                         "{\"id\":%u,\"user\":\"user%u\",\"action\":\"%s\",\"bytes\":%u}\n",
                         (unsigned)i, (x >> 8) % 97, (x >> 4) % 3 ? "GetObject" : "PutObject",
                         (x >> 3) % 100000);
        sizes[i] = (size_t)k;
        off += (size_t)k;
    }
    if (s4c_train_dictionary(samples, sizes, N, zdict, sizeof zdict, &zdict_size, NULL) != S4C_OK)
        abort();
}

static uint32_t rng_next(uint32_t *s) {
    *s ^= *s << 13, *s ^= *s >> 17, *s ^= *s << 5;
    return *s;
}

static size_t feed(uint8_t seed, uint32_t *rng) {
    if (seed == 0) return SIZE_MAX / 2;
    if (seed < 128) return seed;
    return 1 + rng_next(rng) % (uint32_t)(seed - 127); /* 1..(seed - 127) */
}

static size_t window(size_t pos, size_t total, size_t k) {
    return total - pos < k ? total : pos + k;
}

typedef struct verdict {
    s4c_status status;
    size_t produced;
    int over_limit;
    int at_finish; /* the failure came from s4c_decoder_finish (generic text) */
    char cause[320];
} verdict;

static verdict stream_decode(uint32_t kind, const void *dict, size_t dict_size, const uint8_t *src,
                             size_t n, uint8_t in_seed, uint8_t out_seed) {
    verdict v;
    memset(&v, 0, sizeof v);
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.dict = dict;
    o.dict_size = dict_size;
    s4c_decoder *dec = NULL;
    if (s4c_decoder_create(kind, &o, &dec, NULL) != S4C_OK) abort();
    uint32_t rng = (uint32_t)in_seed << 8 | out_seed | 1u;
    s4c_in_buffer in = {src, 0, 0};
    s4c_out_buffer out = {stream_out, 0, 0};
    for (;;) {
        in.size = window(in.pos, n, feed(in_seed, &rng));
        out.size = window(out.pos, LIMIT + 1, feed(out_seed, &rng));
        size_t ip = in.pos, op = out.pos, hint = 0;
        v.status = s4c_decoder_stream(dec, &in, &out, &hint);
        if (v.status != S4C_OK) break;
        if (out.pos > LIMIT) {
            v.over_limit = 1;
            break;
        }
        if (in.pos == ip && out.pos == op) break;
    }
    if (v.status == S4C_OK && !v.over_limit) {
        v.status = s4c_decoder_finish(dec);
        v.at_finish = 1;
    }
    snprintf(v.cause, sizeof v.cause, "%s", s4c_decoder_error(dec)->message);
    v.produced = out.pos;
    s4c_decoder_free(dec);
    return v;
}

static int decoded_ok(s4c_status st) {
    return st == S4C_OK || st == S4C_ERROR_SIZE_MISMATCH || st == S4C_ERROR_CRC_MISMATCH;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < HEADER) return 0;
    const uint8_t flags = data[0], in_seed = data[1], out_seed = data[2];
    const uint64_t claimed =
        ((uint64_t)data[3] | (uint64_t)data[4] << 8 | (uint64_t)data[5] << 16) % (LIMIT + 1);
    const uint8_t *payload = data + HEADER;
    const size_t n = size - HEADER;

    uint32_t kind = flags & 1 ? S4C_KIND_CPU_ZSTD_DICT : S4C_KIND_CPU_ZSTD;
    const void *dict = NULL;
    size_t dict_size = 0;
    if (kind == S4C_KIND_CPU_ZSTD_DICT) {
        if (flags & 2)
            train_once(), dict = zdict, dict_size = zdict_size;
        else
            dict = raw_dict, dict_size = sizeof raw_dict - 1;
    }
    s4c_codec_options co;
    s4c_codec_options_init(&co);
    co.dict = dict;
    co.dict_size = dict_size;
    s4c_codec *c = NULL;
    if (s4c_codec_create(kind, &co, &c, NULL) != S4C_OK) abort();

    verdict v = stream_decode(kind, dict, dict_size, payload, n, in_seed, out_seed);
    s4c_error_detail d;
    size_t w = 0;
    s4c_manifest m = {kind, 0, n, 0};

    if (!v.over_limit) {
        if (v.status == S4C_OK) {
            /* Streaming succeeded: one-shot with the true size and CRC must too. */
            m.original_size = v.produced;
            m.crc32c = s4c_crc32c(0, stream_out, v.produced);
            s4c_status st = s4c_decompress(c, &m, payload, n, oneshot_out, v.produced, &w, &d);
            if (st != S4C_OK || w != v.produced || memcmp(oneshot_out, stream_out, w) != 0) abort();
        } else {
            /* Streaming failed: one-shot fails with the same status and cause. */
            m.original_size = LIMIT;
            s4c_status st = s4c_decompress(c, &m, payload, n, oneshot_out, LIMIT, &w, &d);
            if (st != v.status) abort();
            /* libzstd names some corruptions differently when it can take its
             * single-pass shortcut (whole frame and output at hand): the status
             * must agree, the text only outside CORRUPT_DATA. */
            if (!v.at_finish && st != S4C_ERROR_CORRUPT_DATA &&
                strcmp(d.message + d.cause_offset, v.cause) != 0)
                abort();
        }
    }

    /* The manifest-derived size: S4's order decides the outcome. */
    m.original_size = claimed;
    m.crc32c = 0;
    s4c_status st = s4c_decompress(c, &m, payload, n, oneshot_out, (size_t)claimed, &w, &d);
    if (!v.over_limit && v.status == S4C_OK) {
        if (v.produced > claimed && st != S4C_ERROR_DECOMPRESSION_BOMB) abort();
        if (v.produced < claimed && st != S4C_ERROR_SIZE_MISMATCH) abort();
        if (v.produced == claimed && !decoded_ok(st)) abort();
    } else if (!v.over_limit) {
        if (st != v.status && st != S4C_ERROR_DECOMPRESSION_BOMB) abort();
    } else {
        /* More than LIMIT >= claimed bytes came out before anything failed. */
        if (decoded_ok(st)) abort();
        if (s4c_status_class(st) != S4C_CLASS_IO) abort();
    }
    s4c_codec_free(c);
    return 0;
}
