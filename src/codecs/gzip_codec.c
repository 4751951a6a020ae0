/*
 * gzip_codec.c — the cpu-gzip kind (S4 id 7): levels, one-shot compress and
 * decode, and the ops table.
 *
 * One-shot output is one RFC 1952 member exactly as S4 frames it (header and
 * trailer in gzip_header.c); the deflate stream comes from deflate_encoder.c.
 * Decoding follows S4's reader, flate2's single-member GzDecoder: the first
 * member is decoded and checked (header CRC, trailer CRC-32 and ISIZE) and
 * anything after it is ignored. The decode runs ISA-L straight into the
 * caller's buffer; when that buffer (original_size bytes) is full, one more
 * byte of output means the stream is larger and the generic layer takes over
 * with its bomb measurement. Policy and measurements: docs/codecs/gzip.md.
 */
#include "deflate_decoder.h"
#include "deflate_encoder.h"
#include "gzip_header.h"
#include "gzip_stream.h"

#define GZIP_LEVEL_DEFAULT 6
#define GZIP_LEVEL_MAX 9
#define GZIP_FRAMING (S4C_GZIP_HEADER_SIZE + S4C_GZIP_TRAILER_SIZE)

typedef struct gzip_codec {
    s4c_deflate_encoder encoder;  /* its libdeflate compressor comes on first compress */
    s4c_deflate_decoder *decoder; /* allocated on first decode */
} gzip_codec;

/* S4: default 6, min(level, 9); the level is unsigned there, so negative is refused. */
static s4c_status gz_init(s4c_codec *c, const s4c_codec_options *o, s4c_error_detail *d) {
    int level = o->level;
    if (level == S4C_LEVEL_DEFAULT) level = GZIP_LEVEL_DEFAULT;
    if (level < 0)
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT,
                        "cpu-gzip level %d is negative (S4's gzip level is unsigned)", level);
    if (level > GZIP_LEVEL_MAX) level = GZIP_LEVEL_MAX;
    gzip_codec *g = s4c_calloc(1, sizeof *g);
    S4C_RETURN_IF(!g, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    s4c_deflate_encoder_init(&g->encoder, level);
    c->level = level;
    c->impl = g;
    return S4C_OK;
}

static void gz_destroy(s4c_codec *c) {
    gzip_codec *g = c->impl;
    if (!g) return;
    s4c_deflate_encoder_destroy(&g->encoder);
    s4c_free(g->decoder);
    s4c_free(g);
    c->impl = NULL;
}

static size_t gz_bound(const s4c_codec *c, size_t n) {
    (void)c;
    size_t b = s4c_deflate_encode_bound(n);
    return b > SIZE_MAX - GZIP_FRAMING ? SIZE_MAX : b + GZIP_FRAMING;
}

static s4c_status gz_compress(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                              size_t *written, s4c_error_detail *d) {
    gzip_codec *g = c->impl;
    S4C_RETURN_IF(cap < GZIP_FRAMING,
                  s4c_fail(d, S4C_ERROR_DST_TOO_SMALL, "destination too small for a gzip member"));
    size_t k = 0;
    s4c_status st = s4c_deflate_encode(&g->encoder, src, n, 1, dst + S4C_GZIP_HEADER_SIZE,
                                       cap - GZIP_FRAMING, &k);
    if (st == S4C_ERROR_DST_TOO_SMALL)
        return s4c_fail(d, st, "destination holds %zu bytes, s4c_compress_bound() is %zu", cap,
                        gz_bound(c, n));
    if (st != S4C_OK) return s4c_fail(d, st, "libdeflate: %s", s4c_strerror(st));
    s4c_gzip_write_header(dst, c->level);
    s4c_gzip_write_trailer(dst + S4C_GZIP_HEADER_SIZE + k, s4c_gzip_crc32(0, src, n), n);
    *written = k + GZIP_FRAMING;
    return S4C_OK;
}

static s4c_status truncated(s4c_error_detail *d) {
    return s4c_fail(d, S4C_ERROR_TRUNCATED_INPUT, S4C_GZIP_MSG_EOF);
}

static s4c_status gz_decode(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                            size_t *written, s4c_error_detail *d) {
    gzip_codec *g = c->impl;
    *written = 0;
    if (!g->decoder) {
        g->decoder = s4c_malloc(sizeof *g->decoder);
        S4C_RETURN_IF(!g->decoder, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    }
    s4c_deflate_decoder *dd = g->decoder;

    s4c_gzip_header_reader hr;
    s4c_gzip_header_reader_init(&hr);
    size_t pos = 0, out = 0;
    S4C_TRY(s4c_gzip_header_read(&hr, src, n, &pos, d));
    if (hr.stage != S4C_GZIP_HDR_DONE) return truncated(d);

    s4c_deflate_decoder_reset(dd);
    S4C_TRY(s4c_deflate_decoder_run(dd, src, n, &pos, dst, cap, &out, d));
    *written = out;
    if (!s4c_deflate_decoder_done(dd)) {
        if (out < cap) return truncated(d); /* stopped with room left: input ran out */
        uint8_t probe;
        size_t got = 0;
        S4C_TRY(s4c_deflate_decoder_run(dd, src, n, &pos, &probe, 1, &got, d));
        if (got)
            return s4c_fail(d, S4C_ERROR_DST_TOO_SMALL,
                            "gzip member decodes to more than %zu bytes", cap);
        if (!s4c_deflate_decoder_done(dd)) return truncated(d);
    }

    uint8_t trailer[S4C_GZIP_TRAILER_SIZE];
    size_t have = s4c_deflate_decoder_overread(dd, trailer);
    size_t need = S4C_GZIP_TRAILER_SIZE - have;
    if (n - pos < need) return truncated(d);
    memcpy(trailer + have, src + pos, need);
    /* Bytes after the trailer (more members, garbage) are ignored, as S4 does. */
    return s4c_gzip_trailer_check(trailer, s4c_deflate_decoder_crc(dd), dd->total_out, d);
}

const s4c_codec_ops s4c_gzip_ops = {
    .kind = S4C_KIND_CPU_GZIP,
    .name = "cpu-gzip",
    .debug_name = "CpuGzip",
    .bomb_prefix = "gzip",
    .eof_message = S4C_GZIP_MSG_EOF,
    .init = gz_init,
    .destroy = gz_destroy,
    .bound = gz_bound,
    .compress = gz_compress,
    .decode = gz_decode,
    .encoder_create = s4c_gzip_encoder_create,
    .encoder_stream = s4c_gzip_encoder_stream,
    .encoder_reset = s4c_gzip_encoder_reset,
    .encoder_free = s4c_gzip_encoder_free,
    .decoder_create = s4c_gzip_decoder_create,
    .decoder_stream = s4c_gzip_decoder_stream,
    .decoder_finish = s4c_gzip_decoder_finish,
    .decoder_reset = s4c_gzip_decoder_reset,
    .decoder_free = s4c_gzip_decoder_free,
    .decoder_position = s4c_gzip_decoder_position,
    .decoder_clone = s4c_gzip_decoder_clone,
    .decoder_save = s4c_gzip_decoder_save,
    .decoder_load = s4c_gzip_decoder_load,
};
