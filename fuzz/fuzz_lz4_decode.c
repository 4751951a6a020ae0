/*
 * fuzz_lz4_decode.c — our LZ4 frame decoder reaches the same verdict whatever
 * the feed sizes: streaming (chunk sizes drawn from the input) and one-shot
 * agree, state invariants hold after every call, nothing crashes or leaks.
 *
 * Input layout: flags, in_seed, out_seed, then the payload.
 *   flags bit 0: single-frame mode; bit 1: rewrite the header checksum of a
 *   leading LZ4 frame header, so mutations get past it.
 *   in_seed / out_seed: feed sizes of the streaming decoder (0: everything;
 *   1..127: that many bytes; 128..255: random 1..(seed - 127) * 97 per call).
 * Checks: the streaming run (output capped at LIMIT) and s4c_lz4d_decode_all
 * give the same status and bytes, unless one-shot ran out of room; the hint is
 * 0 exactly at a frame end; a success also decodes through s4c_decompress, and
 * a manifest one byte short is a decompression bomb.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/lz4_frame_decoder.h"
#include "s4codec.h"
#include "s4codec_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIMIT (1u << 20)
#define HEADER 3

static uint8_t stream_out[LIMIT];
static uint8_t oneshot_out[LIMIT];

static uint32_t rng_next(uint32_t *s) {
    *s ^= *s << 13, *s ^= *s >> 17, *s ^= *s << 5;
    return *s;
}

static size_t feed(uint8_t seed, uint32_t *rng) {
    if (seed == 0) return SIZE_MAX / 2;
    if (seed < 128) return seed;
    return 1 + rng_next(rng) % ((uint32_t)(seed - 127) * 97u);
}

static size_t window(size_t pos, size_t total, size_t k) {
    return total - pos < k ? total : pos + k;
}

static void check_invariants(const s4c_lz4d *d) {
    if (d->stage > S4C_LZ4D_DONE || d->stage_have > d->stage_need ||
        d->stage_need >
            (d->stage == S4C_LZ4D_BLOCK_DATA ? d->info.block_max_size + 4 : S4C_LZ4_HEADER_MAX) ||
        d->hist_len > S4C_LZ4_WINDOW || d->hist_len > d->hist_end || d->hist_end > d->out_buf_cap ||
        (uint64_t)d->pend_off + d->pend_len > d->out_buf_cap)
        abort();
    if (s4c_lz4d_at_block_boundary(d) && (d->pend_len || d->stage_have)) abort();
    if ((s4c_lz4d_hint(d) == 0) != s4c_lz4d_at_frame_end(d)) abort();
}

static void fix_header_checksum(uint8_t *p, size_t n) {
    if (n < 7 || s4c_load_le32(p) != S4C_LZ4_MAGIC) return;
    size_t hsize = 7 + ((p[4] & 0x08) ? 8 : 0) + ((p[4] & 0x01) ? 4 : 0);
    if (n < hsize) return;
    p[hsize - 1] = (uint8_t)(XXH32(p + 4, hsize - 5, 0) >> 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < HEADER) return 0;
    uint8_t flags = data[0], in_seed = data[1], out_seed = data[2];
    size_t n = size - HEADER;
    uint8_t *payload = malloc(n ? n : 1);
    if (!payload) return 0;
    if (n) memcpy(payload, data + HEADER, n);
    if (flags & 2) fix_header_checksum(payload, n);
    int single = flags & 1;

    /* Streaming, chunk sizes from the seeds. */
    s4c_lz4d sd;
    s4c_lz4d_init(&sd, single);
    uint32_t rng = (uint32_t)in_seed << 8 | out_seed | 1u;
    s4c_in_buffer in = {payload, 0, 0};
    s4c_out_buffer out = {stream_out, 0, 0};
    s4c_status sst = S4C_OK;
    int over = 0;
    for (;;) {
        in.size = window(in.pos, n, feed(in_seed, &rng));
        out.size = window(out.pos, LIMIT, feed(out_seed, &rng));
        size_t ip = in.pos, op = out.pos;
        sst = s4c_lz4d_decode(&sd, &in, &out, NULL);
        if (in.pos > in.size || out.pos > out.size) abort();
        if (sst != S4C_OK) break;
        check_invariants(&sd);
        if (in.pos == ip && out.pos == op) {
            if (out.pos == LIMIT && s4c_lz4d_hint(&sd) != 0) over = 1;
            if (s4c_lz4d_hint(&sd) == 0 || in.pos == n || out.pos == LIMIT) break;
        }
    }
    if (sst == S4C_OK && !s4c_lz4d_at_frame_end(&sd)) sst = S4C_ERROR_TRUNCATED_INPUT;
    if (s4c_lz4d_consumed(&sd) != in.pos || s4c_lz4d_produced(&sd) != out.pos) abort();
    size_t produced = out.pos, consumed = in.pos;

    /* One-shot into the same room. Single-frame one-shot stops after the first frame. */
    s4c_lz4d od;
    s4c_lz4d_init(&od, single);
    s4c_in_buffer oin = {payload, n, 0};
    s4c_out_buffer oout = {oneshot_out, LIMIT, 0};
    s4c_status ost = s4c_lz4d_decode_all(&od, &oin, &oout, NULL);
    if (ost != S4C_ERROR_DST_TOO_SMALL && !over) {
        if (ost != sst) abort();
        if (ost == S4C_OK &&
            (oout.pos != produced || memcmp(oneshot_out, stream_out, produced) != 0))
            abort();
        if (ost == S4C_OK && single && oin.pos != consumed) abort();
    }
    if (ost == S4C_OK && over) abort(); /* one-shot fit what streaming could not */

    /* A success decodes through the S4 layer (multi-frame streams only: the
     * codec reads every frame); a manifest one byte short is a bomb. */
    if (ost == S4C_OK && !single && produced > 0) {
        s4c_codec *c = NULL;
        if (s4c_codec_create(S4C_KIND_CPU_LZ4, NULL, &c, NULL) != S4C_OK) abort();
        s4c_manifest m = {S4C_KIND_CPU_LZ4, produced, n, s4c_crc32c(0, stream_out, produced)};
        size_t w = 0;
        if (s4c_decompress(c, &m, payload, n, oneshot_out, LIMIT, &w, NULL) != S4C_OK ||
            w != produced || memcmp(oneshot_out, stream_out, produced) != 0)
            abort();
        m.original_size = produced - 1;
        if (s4c_decompress(c, &m, payload, n, oneshot_out, LIMIT, &w, NULL) !=
            S4C_ERROR_DECOMPRESSION_BOMB)
            abort();
        s4c_codec_free(c);
    }
    s4c_lz4d_release(&sd);
    s4c_lz4d_release(&od);
    free(payload);
    return 0;
}
