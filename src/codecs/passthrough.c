/*
 * passthrough.c — the identity codec (S4 id 0). Compress returns the input;
 * the streaming forms copy bytes. Its decompress checks (CRC, then length vs
 * compressed_size, never original_size) are S4's and live in the generic layer.
 */
#include "../core/codec_internal.h"

static s4c_status pt_init(s4c_codec *c, const s4c_codec_options *o, s4c_error_detail *d) {
    (void)o, (void)d;
    c->level = 0;
    return S4C_OK;
}

static size_t pt_bound(const s4c_codec *c, size_t n) {
    (void)c;
    return n;
}

static s4c_status pt_compress(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst,
                              size_t cap, size_t *written, s4c_error_detail *d) {
    (void)c;
    if (cap < n) return s4c_fail(d, S4C_ERROR_DST_TOO_SMALL, "destination too small");
    if (n) memmove(dst, src, n);
    *written = n;
    return S4C_OK;
}

/* Used only by the bomb measurement, which passthrough never runs. */
static s4c_status pt_decode(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst,
                            size_t cap, size_t *written, s4c_error_detail *d) {
    return pt_compress(c, src, n, dst, cap, written, d);
}

static void copy_cursor(s4c_in_buffer *in, s4c_out_buffer *out) {
    size_t k = in->size - in->pos;
    if (k > out->size - out->pos) k = out->size - out->pos;
    if (k) memcpy((uint8_t *)out->dst + out->pos, (const uint8_t *)in->src + in->pos, k);
    in->pos += k;
    out->pos += k;
}

static int pt_state; /* stateless: every stream shares this address as its impl */

static s4c_status pt_encoder_create(const s4c_codec_options *o, int level, const void *dict,
                                    size_t dict_size, void **impl, s4c_error_detail *d) {
    (void)o, (void)level, (void)dict, (void)dict_size, (void)d;
    *impl = &pt_state;
    return S4C_OK;
}

static s4c_status pt_encoder_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out,
                                    s4c_flush_mode mode, size_t *pending) {
    (void)impl, (void)mode;
    copy_cursor(in, out);
    *pending = 0;
    return S4C_OK;
}

static s4c_status pt_reset(void *impl) {
    (void)impl;
    return S4C_OK;
}

static void pt_free(void *impl) { (void)impl; }

static s4c_status pt_decoder_create(const s4c_decoder_options *o, void **impl,
                                    s4c_error_detail *d) {
    (void)o, (void)d;
    *impl = &pt_state;
    return S4C_OK;
}

static s4c_status pt_decoder_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out,
                                    size_t *hint, s4c_error_detail *d) {
    (void)impl, (void)d;
    copy_cursor(in, out);
    *hint = 0; /* any byte boundary is a valid end */
    return S4C_OK;
}

const s4c_codec_ops s4c_passthrough_ops = {
    .kind = S4C_KIND_PASSTHROUGH,
    .name = "passthrough",
    .debug_name = "Passthrough",
    .bomb_prefix = NULL,
    .init = pt_init,
    .bound = pt_bound,
    .compress = pt_compress,
    .decode = pt_decode,
    .encoder_create = pt_encoder_create,
    .encoder_stream = pt_encoder_stream,
    .encoder_reset = pt_reset,
    .encoder_free = pt_free,
    .decoder_create = pt_decoder_create,
    .decoder_stream = pt_decoder_stream,
    .decoder_finish = pt_reset,
    .decoder_reset = pt_reset,
    .decoder_free = pt_free,
};
