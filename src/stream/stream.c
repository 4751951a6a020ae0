/*
 * stream.c — the generic streaming encoder/decoder objects.
 *
 * Owns what every kind shares: argument checks, the failed-until-reset rule,
 * the last error's detail, and dispatch through the kind's ops. The kinds'
 * state machines live in src/codecs/.
 */
#include "stream_internal.h"

struct s4c_encoder {
    const s4c_codec_ops *ops;
    void *impl;
    s4c_status failed;
};

const s4c_codec_ops *s4c_streaming_ops(uint32_t kind, s4c_error_detail *d, int encoder) {
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
    const s4c_codec_ops *ops = s4c_streaming_ops(kind, d, 1);
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
    S4C_TRY(s4c_decoder_options_copy(opts, &o));
    const s4c_codec_ops *ops = s4c_streaming_ops(kind, d, 0);
    if (!ops) return d ? d->status : S4C_ERROR_CODEC_UNAVAILABLE;
    s4c_decoder *dec = s4c_calloc(1, sizeof(*dec));
    S4C_RETURN_IF(!dec, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    dec->ops = ops;
    dec->opts = o;
    dec->opts.dict = NULL; /* the codec copied it; ours would dangle */
    s4c_detail_clear(&dec->error);
    s4c_status st = ops->decoder_create(&o, &dec->impl, d);
    if (st != S4C_OK) {
        s4c_free(dec);
        return st;
    }
    *dec_ret = dec;
    return S4C_OK;
}

s4c_status s4c_decoder_options_copy(const s4c_decoder_options *in, s4c_decoder_options *out) {
    s4c_decoder_options_init(out);
    if (!in) return S4C_OK;
    S4C_RETURN_IF(in->struct_size < sizeof(size_t) || in->struct_size > sizeof(*out),
                  S4C_ERROR_INVALID_ARGUMENT);
    memcpy(out, in, in->struct_size);
    out->struct_size = sizeof(*out);
    return S4C_OK;
}

#define SKIP_CHUNK (64u * 1024u)

/* Remembers the stream's first bytes for the fingerprint of saved states. */
static void note_head(s4c_decoder *dec, const s4c_in_buffer *in, size_t pos_before) {
    if (dec->head_frozen || dec->head_len >= S4C_FINGERPRINT_BYTES) return;
    size_t took = in->pos - pos_before;
    size_t room = S4C_FINGERPRINT_BYTES - dec->head_len;
    size_t n = took < room ? took : room;
    memcpy(dec->head + dec->head_len, (const uint8_t *)in->src + pos_before, n);
    dec->head_len += (uint32_t)n;
}

static s4c_status run_codec(s4c_decoder *dec, s4c_in_buffer *in, s4c_out_buffer *out,
                            size_t *hint) {
    size_t pos_before = in->pos;
    s4c_status st = dec->ops->decoder_stream(dec->impl, in, out, hint, &dec->error);
    note_head(dec, in, pos_before);
    return st;
}

/*
 * A loaded decoder first re-decodes what lies between its resume point and
 * the position it was saved at, into scratch. Returns S4C_OK with *done = 1
 * when the skip is complete.
 */
static s4c_status run_skip(s4c_decoder *dec, s4c_in_buffer *in, size_t *hint, int *done) {
    *done = 0;
    for (;;) {
        s4c_decoder_position pos;
        dec->ops->decoder_position(dec->impl, &pos);
        if (pos.produced >= dec->skip_to) {
            dec->skip_to = 0;
            s4c_free(dec->skip_buf);
            dec->skip_buf = NULL;
            *done = 1;
            return S4C_OK;
        }
        if (!dec->skip_buf) {
            dec->skip_buf = s4c_malloc(SKIP_CHUNK);
            S4C_RETURN_IF(!dec->skip_buf,
                          s4c_fail(&dec->error, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
        }
        uint64_t left = dec->skip_to - pos.produced;
        s4c_out_buffer scratch = {dec->skip_buf, left < SKIP_CHUNK ? (size_t)left : SKIP_CHUNK, 0};
        size_t in_before = in->pos;
        S4C_TRY(run_codec(dec, in, &scratch, hint));
        if (scratch.pos == 0 && in->pos == in_before) return S4C_OK; /* needs input */
        if (*hint == 0 && scratch.pos == 0) return S4C_OK;          /* stream ended */
    }
}

s4c_status s4c_decoder_stream(s4c_decoder *dec, s4c_in_buffer *in, s4c_out_buffer *out,
                              size_t *hint_ret) {
    S4C_RETURN_IF(!dec || !in || !out || in->pos > in->size || out->pos > out->size,
                  S4C_ERROR_INVALID_ARGUMENT);
    if (dec->failed != S4C_OK) return S4C_ERROR_FAILED_STATE;
    size_t hint = 0;
    s4c_status st = S4C_OK;
    int ready = 1;
    if (dec->skip_to) {
        st = run_skip(dec, in, &hint, &ready);
        /* The re-decode ended exactly on a checkpoint (the loaded position is
         * one): report the stop there, as the saved decoder would have. */
        if (st == S4C_OK && ready && dec->opts.stop_at_checkpoint) {
            s4c_decoder_position pos;
            dec->ops->decoder_position(dec->impl, &pos);
            if (pos.at_checkpoint) ready = 0;
        }
    }
    if (st == S4C_OK && ready) st = run_codec(dec, in, out, &hint);
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
    s4c_status st = dec->skip_to ? S4C_ERROR_TRUNCATED_INPUT : dec->ops->decoder_finish(dec->impl);
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
    dec->head_len = 0;
    dec->head_frozen = 0;
    dec->skip_to = 0;
    s4c_free(dec->skip_buf);
    dec->skip_buf = NULL;
    return dec->ops->decoder_reset(dec->impl);
}

void s4c_decoder_free(s4c_decoder *dec) {
    if (!dec) return;
    dec->ops->decoder_free(dec->impl);
    s4c_free(dec->skip_buf);
    s4c_free(dec);
}
