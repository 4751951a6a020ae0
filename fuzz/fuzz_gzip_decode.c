/*
 * fuzz_gzip_decode.c — the one-shot and streaming gzip decoders agree, at any
 * feed sizes, and nothing crashes.
 *
 * Input layout: in_seed, out_seed, then the payload. Seeds pick the streaming
 * decoder's feed sizes (0: everything at once; 1..127: that many bytes;
 * 128..255: random 1..(seed - 127) per call).
 * 1. The single-member streaming decoder (S4's reader) runs with whole
 *    buffers (the reference), then with the seeded feeds: same status, and on
 *    success the same bytes and the same input consumed.
 * 2. s4c_decompress with a manifest derived from the reference (its length
 *    and CRC32C) succeeds with the same bytes; after a reference failure, with
 *    a manifest too large to trip the bomb check, it fails with the same
 *    status and cause text.
 * 3. The multi-member decoder starts with the same bytes.
 * 4. When the first member decodes, the block scanner walks its deflate data,
 *    ends on the byte where ISA-L ended and counts the bytes ISA-L produced.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/deflate_block_scan.h"
#include "codecs/gzip_header.h"
#include "s4codec.h"
#include "s4codec_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIMIT (256u * 1024u)

static uint8_t ref_out[LIMIT + 1];
static uint8_t var_out[LIMIT + 1];
static uint8_t oneshot_out[LIMIT + 1];

static uint32_t rng_next(uint32_t *s) {
    *s ^= *s << 13, *s ^= *s >> 17, *s ^= *s << 5;
    return *s;
}

static size_t feed(uint8_t seed, uint32_t *rng) {
    if (seed == 0) return SIZE_MAX / 2;
    if (seed < 128) return seed;
    return 1 + rng_next(rng) % (uint32_t)(seed - 127);
}

static size_t window(size_t pos, size_t total, size_t k) {
    return total - pos < k ? total : pos + k;
}

typedef struct verdict {
    s4c_status status;
    size_t produced, consumed;
    int over_limit;
    char message[320];
} verdict;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_gzip_decode: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static verdict stream_decode(const uint8_t *src, size_t n, int single, uint8_t in_seed,
                             uint8_t out_seed, uint8_t *dst) {
    verdict v = {S4C_OK, 0, 0, 0, ""};
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.single_frame = single;
    s4c_decoder *dec = NULL;
    CHECK(s4c_decoder_create(S4C_KIND_CPU_GZIP, &o, &dec, NULL) == S4C_OK);
    uint32_t rng = 0x9e3779b9u ^ in_seed ^ ((uint32_t)out_seed << 8);
    size_t in_pos = 0, out_pos = 0;
    int idle = 0;
    for (;;) {
        s4c_in_buffer in = {src, window(in_pos, n, feed(in_seed, &rng)), in_pos};
        s4c_out_buffer out = {dst, window(out_pos, LIMIT + 1, feed(out_seed, &rng)), out_pos};
        size_t hint = 1;
        v.status = s4c_decoder_stream(dec, &in, &out, &hint);
        int progress = in.pos != in_pos || out.pos != out_pos;
        in_pos = in.pos;
        out_pos = out.pos;
        if (v.status != S4C_OK) break;
        if (out_pos > LIMIT) {
            v.over_limit = 1;
            break;
        }
        if (single && hint == 0) break; /* the first member is complete */
        if (progress) {
            idle = 0;
        } else {
            if (++idle > 2 && in_pos == n) break;
            CHECK(idle < 1000); /* a decoder that stops moving with input left */
        }
    }
    if (v.status == S4C_OK && !v.over_limit) v.status = s4c_decoder_finish(dec);
    snprintf(v.message, sizeof v.message, "%s", s4c_decoder_error(dec)->message);
    v.produced = out_pos;
    v.consumed = in_pos;
    s4c_decoder_free(dec);
    return v;
}

/* Where the first member's deflate data starts (its header is valid). */
static size_t header_size(const uint8_t *src, size_t n) {
    s4c_gzip_header_reader r;
    s4c_gzip_header_reader_init(&r);
    size_t pos = 0;
    CHECK(s4c_gzip_header_read(&r, src, n, &pos, NULL) == S4C_OK);
    CHECK(r.stage == S4C_GZIP_HDR_DONE);
    return pos;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    uint8_t in_seed = data[0], out_seed = data[1];
    const uint8_t *src = data + 2;
    size_t n = size - 2;

    verdict ref = stream_decode(src, n, 1, 0, 0, ref_out);
    verdict var = stream_decode(src, n, 1, in_seed, out_seed, var_out);
    CHECK(ref.over_limit == var.over_limit);
    if (ref.over_limit) return 0;
    CHECK(ref.status == var.status);
    if (ref.status == S4C_OK) {
        CHECK(ref.produced == var.produced && ref.consumed == var.consumed);
        CHECK(memcmp(ref_out, var_out, ref.produced) == 0);
    }

    s4c_codec *c = NULL;
    CHECK(s4c_codec_create(S4C_KIND_CPU_GZIP, NULL, &c, NULL) == S4C_OK);
    s4c_error_detail d;
    size_t w = 0;
    if (ref.status == S4C_OK) {
        s4c_manifest m = {S4C_KIND_CPU_GZIP, ref.produced, n, s4c_crc32c(0, ref_out, ref.produced)};
        CHECK(s4c_decompress(c, &m, src, n, oneshot_out, ref.produced, &w, &d) == S4C_OK);
        CHECK(w == ref.produced && memcmp(oneshot_out, ref_out, w) == 0);

        verdict all = stream_decode(src, n, 0, in_seed, out_seed, var_out);
        CHECK(all.produced >= ref.produced || all.status != S4C_OK);
        if (all.status == S4C_OK && !all.over_limit)
            CHECK(memcmp(var_out, ref_out, ref.produced) == 0);

        size_t h = header_size(src, n);
        s4c_deflate_scan_result scan;
        CHECK(s4c_deflate_scan(src + h, n - h, NULL, NULL, &scan) == S4C_OK);
        CHECK(h + (scan.end_bit + 7) / 8 + S4C_GZIP_TRAILER_SIZE == ref.consumed);
        CHECK(scan.out_size == ref.produced);
    } else {
        s4c_manifest m = {S4C_KIND_CPU_GZIP, LIMIT, n, 0};
        s4c_status st = s4c_decompress(c, &m, src, n, oneshot_out, LIMIT, &w, &d);
        CHECK(st == ref.status);
        /* Same cause text, after S4's "io error: " prefix (finish has its own). */
        if (st != S4C_ERROR_TRUNCATED_INPUT)
            CHECK(strcmp(d.message + d.cause_offset, ref.message) == 0);
    }
    s4c_codec_free(c);
    return 0;
}
