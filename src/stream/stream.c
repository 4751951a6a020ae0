/*
 * stream.c — the generic streaming encoder/decoder objects.
 *
 * Owns what every kind shares: argument checks, the failed-until-reset rule,
 * the last error's detail, and dispatch through the kind's ops. The kinds'
 * state machines live in src/codecs/.
 */
#include "../core/codec_internal.h"

struct s4c_encoder {
    const s4c_codec_ops *ops;
    void *impl;
    s4c_status failed;
};

struct s4c_decoder {
    const s4c_codec_ops *ops;
    void *impl;
    s4c_status failed;
    s4c_error_detail error;
};

static const s4c_codec_ops *streaming_ops(uint32_t kind, s4c_error_detail *d, int encoder) {
    const s4c_codec_ops *ops = s4c_ops_for_kind(kind);
    if (!ops) {
        s4c_fail(d, S4C_ERROR_UNKNOWN_CODEC, "unknown codec id %u", kind);
        return NULL;
    }
    if (encoder ? !ops->encoder_create : !ops->decoder_create) {
        s4c_fail(d, S4C_ERROR_CODEC_UNAVAILABLE, "codec %s has no streaming %s in this build",
                 ops->name, encoder ? "encoder" : "decoder");
        return NULL;
    }
    return ops;
}

s4c_status s4c_encoder_create(uint32_t kind, const s4c_codec_options *opts,
                              s4c_encoder **enc_ret, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!enc_ret, S4C_ERROR_INVALID_ARGUMENT);
    *enc_ret = NULL;
    const s4c_codec_ops *ops = streaming_ops(kind, d, 1);
    if (!ops) return d ? d->status : S4C_ERROR_CODEC_UNAVAILABLE;
    /* A codec object validates and clamps the options exactly as one-shot does. */
    s4c_codec *c = NULL;
    S4C_TRY(s4c_codec_create(kind, opts, &c, d));
    s4c_encoder *e = s4c_calloc(1, sizeof(*e));
    s4c_status st = e ? S4C_OK : S4C_ERROR_OUT_OF_MEMORY;
    if (st == S4C_OK) {
        e->ops = ops;
        st = ops->encoder_create(&c->opts, c->level, c->dict, c->dict_size, &e->impl, d);
    }
    s4c_codec_free(c);
    if (st != S4C_OK) {
        s4c_free(e);
        if (d && d->status == S4C_OK) s4c_fail(d, st, "%s", s4c_strerror(st));
        return st;
    }
    *enc_ret = e;
    return S4C_OK;
}

s4c_status s4c_encoder_stream(s4c_encoder *e, s4c_in_buffer *in, s4c_out_buffer *out,
                              s4c_flush_mode mode, size_t *pending_ret) {
    S4C_RETURN_IF(!e || !in || !out || in->pos > in->size || out->pos > out->size ||
                      (mode != S4C_FLUSH_NONE && mode != S4C_FLUSH_BLOCK &&
                       mode != S4C_FLUSH_END),
                  S4C_ERROR_INVALID_ARGUMENT);
    S4C_RETURN_IF(e->failed != S4C_OK, S4C_ERROR_FAILED_STATE);
    size_t pending = 0;
    s4c_status st = e->ops->encoder_stream(e->impl, in, out, mode, &pending);
    if (st != S4C_OK) e->failed = st;
    if (pending_ret) *pending_ret = pending;
    return st;
}

s4c_status s4c_encoder_reset(s4c_encoder *e) {
    S4C_RETURN_IF(!e, S4C_ERROR_INVALID_ARGUMENT);
    e->failed = S4C_OK;
    return e->ops->encoder_reset(e->impl);
}

void s4c_encoder_free(s4c_encoder *e) {
    if (!e) return;
    e->ops->encoder_free(e->impl);
    s4c_free(e);
}

void s4c_decoder_options_init(s4c_decoder_options *opts) {
    if (!opts) return;
    memset(opts, 0, sizeof(*opts));
    opts->struct_size = sizeof(*opts);
}

s4c_status s4c_decoder_create(uint32_t kind, const s4c_decoder_options *opts,
                              s4c_decoder **dec_ret, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!dec_ret, S4C_ERROR_INVALID_ARGUMENT);
    *dec_ret = NULL;
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    if (opts) {
        S4C_RETURN_IF(opts->struct_size < sizeof(size_t) || opts->struct_size > sizeof(o),
                      S4C_ERROR_INVALID_ARGUMENT);
        memcpy(&o, opts, opts->struct_size);
        o.struct_size = sizeof(o);
    }
    const s4c_codec_ops *ops = streaming_ops(kind, d, 0);
    if (!ops) return d ? d->status : S4C_ERROR_CODEC_UNAVAILABLE;
    s4c_decoder *dec = s4c_calloc(1, sizeof(*dec));
    S4C_RETURN_IF(!dec, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    dec->ops = ops;
    s4c_detail_clear(&dec->error);
    s4c_status st = ops->decoder_create(&o, &dec->impl, d);
    if (st != S4C_OK) {
        s4c_free(dec);
        return st;
    }
    *dec_ret = dec;
    return S4C_OK;
}

s4c_status s4c_decoder_stream(s4c_decoder *dec, s4c_in_buffer *in, s4c_out_buffer *out,
                              size_t *hint_ret) {
    S4C_RETURN_IF(!dec || !in || !out || in->pos > in->size || out->pos > out->size,
                  S4C_ERROR_INVALID_ARGUMENT);
    if (dec->failed != S4C_OK) return S4C_ERROR_FAILED_STATE;
    size_t hint = 0;
    s4c_status st = dec->ops->decoder_stream(dec->impl, in, out, &hint, &dec->error);
    if (st != S4C_OK) {
        dec->failed = st;
        if (dec->error.status == S4C_OK) s4c_fail(&dec->error, st, "%s", s4c_strerror(st));
    }
    if (hint_ret) *hint_ret = hint;
    return st;
}

s4c_status s4c_decoder_finish(s4c_decoder *dec) {
    S4C_RETURN_IF(!dec, S4C_ERROR_INVALID_ARGUMENT);
    if (dec->failed != S4C_OK) return S4C_ERROR_FAILED_STATE;
    s4c_status st = dec->ops->decoder_finish(dec->impl);
    if (st != S4C_OK)
        s4c_fail(&dec->error, st, "%s", st == S4C_ERROR_TRUNCATED_INPUT
                                             ? "input ended in the middle of a frame"
                                             : s4c_strerror(st));
    return st;
}

const s4c_error_detail *s4c_decoder_error(const s4c_decoder *dec) {
    return dec ? &dec->error : NULL;
}

s4c_status s4c_decoder_reset(s4c_decoder *dec) {
    S4C_RETURN_IF(!dec, S4C_ERROR_INVALID_ARGUMENT);
    dec->failed = S4C_OK;
    s4c_detail_clear(&dec->error);
    return dec->ops->decoder_reset(dec->impl);
}

void s4c_decoder_free(s4c_decoder *dec) {
    if (!dec) return;
    dec->ops->decoder_free(dec->impl);
    s4c_free(dec);
}
