/*
 * lz4_codec.c — the cpu-lz4 codec kind (our id 64): LZ4 frames.
 *
 * Encoding goes through liblz4's LZ4F API with one LZ4F_cctx per codec or
 * encoder, created once (through our allocator hooks) and reused, so no call
 * allocates. Decoding uses our own frame decoder (lz4_frame_decoder.c), whose
 * state can be saved and cloned; the one-shot form decodes the whole payload
 * straight into the destination. Options, hints and error mapping are written
 * down in docs/codecs/lz4.md.
 */
#define LZ4F_STATIC_LINKING_ONLY /* LZ4F_compressFrame_usingCDict, custom memory */
#include <lz4frame.h>

#include "lz4_frame_decoder.h"

#define LZ4_LEVEL_MAX 12
#define LZ4_LEVEL_MIN (-65536) /* fastest acceleration LZ4 accepts without overflow */

/* LZ4F allocates through our hooks. */
static void *lz4f_alloc(void *opaque, size_t size) {
    (void)opaque;
    return s4c_malloc(size);
}
static void *lz4f_calloc(void *opaque, size_t size) {
    (void)opaque;
    return s4c_calloc(1, size);
}
static void lz4f_free(void *opaque, void *p) {
    (void)opaque;
    s4c_free(p);
}

static LZ4F_cctx *create_cctx(void) {
    LZ4F_CustomMem mem = {lz4f_alloc, lz4f_calloc, lz4f_free, NULL};
    return LZ4F_createCompressionContext_advanced(mem, LZ4F_VERSION);
}

/* Validates the options and turns them into LZ4F preferences. */
static s4c_status make_prefs(const s4c_codec_options *o, int level, LZ4F_preferences_t *p,
                             s4c_error_detail *d) {
    int id =
        o->lz4_block_size_id == S4C_LZ4_BLOCK_DEFAULT ? S4C_LZ4_BLOCK_64KB : o->lz4_block_size_id;
    if (id < S4C_LZ4_BLOCK_64KB || id > S4C_LZ4_BLOCK_4MB)
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT,
                        "cpu-lz4: block size id %d invalid (0, 4, 5, 6 or 7)",
                        o->lz4_block_size_id);
    memset(p, 0, sizeof *p);
    p->frameInfo.blockSizeID = (LZ4F_blockSizeID_t)id;
    p->frameInfo.blockMode = o->lz4_block_linked ? LZ4F_blockLinked : LZ4F_blockIndependent;
    p->frameInfo.contentChecksumFlag =
        o->lz4_content_checksum ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
    p->frameInfo.blockChecksumFlag =
        o->lz4_block_checksum ? LZ4F_blockChecksumEnabled : LZ4F_noBlockChecksum;
    p->compressionLevel = level;
    return S4C_OK;
}

static int clamp_level(int level) {
    if (level == S4C_LEVEL_DEFAULT) return 0;
    if (level > LZ4_LEVEL_MAX) return LZ4_LEVEL_MAX;
    if (level < LZ4_LEVEL_MIN) return LZ4_LEVEL_MIN;
    return level;
}

/* ------------------------------------------------------------ one-shot */

typedef struct lz4_impl {
    LZ4F_cctx *cctx;
    LZ4F_preferences_t prefs;
    int content_size; /* write the content size into the header */
    s4c_lz4d dec;
} lz4_impl;

static s4c_status lz4_init(s4c_codec *c, const s4c_codec_options *o, s4c_error_detail *d) {
    if (o->dict && o->dict_size)
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT,
                        "cpu-lz4: LZ4 dictionaries are not supported");
    c->level = clamp_level(o->level);
    LZ4F_preferences_t prefs;
    S4C_TRY(make_prefs(o, c->level, &prefs, d));
    lz4_impl *impl = s4c_calloc(1, sizeof *impl);
    if (!impl) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    impl->cctx = create_cctx();
    if (!impl->cctx) {
        s4c_free(impl);
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    impl->prefs = prefs;
    impl->content_size = o->lz4_content_size != 0;
    s4c_lz4d_init(&impl->dec, 0);
    c->impl = impl;
    return S4C_OK;
}

static void lz4_destroy(s4c_codec *c) {
    lz4_impl *impl = c->impl;
    if (!impl) return;
    LZ4F_freeCompressionContext(impl->cctx);
    s4c_lz4d_release(&impl->dec);
    s4c_free(impl);
    c->impl = NULL;
}

static LZ4F_preferences_t frame_prefs(const lz4_impl *impl, size_t n) {
    LZ4F_preferences_t p = impl->prefs;
    if (impl->content_size) p.frameInfo.contentSize = n; /* 0 (empty) means "not written" */
    return p;
}

static size_t lz4_bound(const s4c_codec *c, size_t n) {
    const lz4_impl *impl = c->impl;
    LZ4F_preferences_t p = frame_prefs(impl, n);
    return LZ4F_compressFrameBound(n, &p);
}

static s4c_status lz4_compress(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                               size_t *written, s4c_error_detail *d) {
    lz4_impl *impl = c->impl;
    LZ4F_preferences_t p = frame_prefs(impl, n);
    if (cap < LZ4F_compressFrameBound(n, &p))
        return s4c_fail(d, S4C_ERROR_DST_TOO_SMALL,
                        "cpu-lz4: destination holds %zu bytes, compress bound is %zu", cap,
                        LZ4F_compressFrameBound(n, &p));
    static const uint8_t empty[1];
    size_t r = LZ4F_compressFrame_usingCDict(impl->cctx, dst, cap, n ? src : empty, n, NULL, &p);
    if (LZ4F_isError(r))
        return s4c_fail(d, S4C_ERROR_BACKEND, "lz4 compress: %s", LZ4F_getErrorName(r));
    *written = r;
    return S4C_OK;
}

static s4c_status lz4_decode(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                             size_t *written, s4c_error_detail *d) {
    lz4_impl *impl = c->impl;
    s4c_lz4d_reset(&impl->dec);
    s4c_in_buffer in = {src, n, 0};
    s4c_out_buffer out = {dst, cap, 0};
    s4c_status st = s4c_lz4d_decode_all(&impl->dec, &in, &out, d);
    *written = out.pos;
    return st;
}

static s4c_status lz4_decode_crc(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst,
                                 size_t cap, size_t *written, uint32_t *crc,
                                 s4c_error_detail *d) {
    lz4_impl *impl = c->impl;
    s4c_lz4d_reset(&impl->dec);
    s4c_in_buffer in = {src, n, 0};
    s4c_out_buffer out = {dst, cap, 0};
    s4c_status st = s4c_lz4d_decode_all_crc(&impl->dec, &in, &out, crc, d);
    *written = out.pos;
    return st;
}

/* ------------------------------------------------------------ streaming encoder */

typedef enum enc_op { ENC_BEGIN, ENC_UPDATE, ENC_FLUSH, ENC_END } enc_op;

typedef struct lz4_encoder {
    LZ4F_cctx *cctx;
    LZ4F_preferences_t prefs; /* autoFlush off; no content size (unknown up front) */
    size_t block_size;
    uint8_t frame_open; /* header written, end mark not yet */
    uint8_t dirty;      /* LZ4F may hold input not yet written as a block */
    uint8_t closing;    /* end mark written into the stage, not yet flushed */
    uint8_t *stage;     /* output LZ4F produced that did not fit the caller's */
    size_t stage_cap, stage_pos, stage_len;
} lz4_encoder;

static int stage_flushed(lz4_encoder *e, s4c_out_buffer *out) {
    size_t k = e->stage_len - e->stage_pos;
    if (k > out->size - out->pos) k = out->size - out->pos;
    if (k) {
        memcpy((uint8_t *)out->dst + out->pos, e->stage + e->stage_pos, k);
        out->pos += k;
        e->stage_pos += k;
    }
    if (e->stage_pos < e->stage_len) return 0;
    e->stage_pos = e->stage_len = 0;
    return 1;
}

/* One LZ4F call, into the caller's buffer when it has room for the worst case,
 * else into the stage (then flushed as far as it goes). */
static s4c_status emit(lz4_encoder *e, s4c_out_buffer *out, enc_op op, const uint8_t *src,
                       size_t n) {
    size_t bound = op == ENC_BEGIN ? LZ4F_HEADER_SIZE_MAX
                                   : LZ4F_compressBound(op == ENC_UPDATE ? n : 0, &e->prefs);
    size_t room = out->size - out->pos;
    int direct = room >= bound;
    uint8_t *dst = direct ? (uint8_t *)out->dst + out->pos : e->stage;
    size_t cap = direct ? room : e->stage_cap;
    size_t r = 0;
    switch (op) {
    case ENC_BEGIN:
        r = LZ4F_compressBegin(e->cctx, dst, cap, &e->prefs);
        break;
    case ENC_UPDATE:
        r = LZ4F_compressUpdate(e->cctx, dst, cap, src, n, NULL);
        break;
    case ENC_FLUSH:
        r = LZ4F_flush(e->cctx, dst, cap, NULL);
        break;
    case ENC_END:
        r = LZ4F_compressEnd(e->cctx, dst, cap, NULL);
        break;
    }
    if (LZ4F_isError(r)) return S4C_ERROR_BACKEND;
    if (direct) {
        out->pos += r;
    } else {
        e->stage_pos = 0;
        e->stage_len = r;
        stage_flushed(e, out);
    }
    return S4C_OK;
}

static s4c_status lz4_encoder_create(const s4c_codec_options *o, int level, const void *dict,
                                     size_t dict_size, void **impl, s4c_error_detail *d) {
    (void)dict, (void)dict_size;
    lz4_encoder *e = s4c_calloc(1, sizeof *e);
    if (!e) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    s4c_status st = make_prefs(o, level, &e->prefs, d);
    if (st == S4C_OK) {
        e->block_size = s4c_lz4_block_max_size(e->prefs.frameInfo.blockSizeID);
        e->stage_cap = LZ4F_compressBound(e->block_size, &e->prefs);
        if (e->stage_cap < LZ4F_HEADER_SIZE_MAX) e->stage_cap = LZ4F_HEADER_SIZE_MAX;
        e->stage = s4c_malloc(e->stage_cap);
        e->cctx = create_cctx();
        if (!e->stage || !e->cctx) st = s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    if (st != S4C_OK) {
        LZ4F_freeCompressionContext(e->cctx);
        s4c_free(e->stage);
        s4c_free(e);
        return st;
    }
    *impl = e;
    return S4C_OK;
}

static s4c_status lz4_encoder_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out,
                                     s4c_flush_mode mode, size_t *pending) {
    lz4_encoder *e = impl;
    s4c_status st = S4C_OK;
    if (!stage_flushed(e, out)) goto done;
    if (e->closing) {
        /* The frame is now complete: the caller was repeating S4C_FLUSH_END to
         * drain it. Only new input starts the next frame. */
        e->closing = 0;
        if (in->pos == in->size) goto done;
    }
    if (!e->frame_open && (in->pos < in->size || mode != S4C_FLUSH_NONE)) {
        if ((st = emit(e, out, ENC_BEGIN, NULL, 0)) != S4C_OK) goto done;
        e->frame_open = 1;
        e->dirty = 0;
        if (e->stage_len) goto done;
    }
    while (in->pos < in->size) {
        size_t chunk = in->size - in->pos;
        if (chunk > e->block_size) chunk = e->block_size;
        st = emit(e, out, ENC_UPDATE, (const uint8_t *)in->src + in->pos, chunk);
        if (st != S4C_OK) goto done;
        in->pos += chunk;
        e->dirty = 1;
        if (e->stage_len) goto done;
    }
    if (mode == S4C_FLUSH_BLOCK && e->dirty) {
        if ((st = emit(e, out, ENC_FLUSH, NULL, 0)) != S4C_OK) goto done;
        e->dirty = 0;
        if (e->stage_len) goto done;
    }
    if (mode == S4C_FLUSH_END && e->frame_open) {
        if ((st = emit(e, out, ENC_END, NULL, 0)) != S4C_OK) goto done;
        e->frame_open = 0;
        e->dirty = 0;
        e->closing = e->stage_len != 0;
    }
done:
    *pending =
        (e->stage_len - e->stage_pos) +
        (((mode == S4C_FLUSH_END && e->frame_open) || (mode == S4C_FLUSH_BLOCK && e->dirty)) ? 1
                                                                                             : 0);
    return st;
}

static s4c_status lz4_encoder_reset(void *impl) {
    lz4_encoder *e = impl;
    e->frame_open = e->dirty = e->closing = 0;
    e->stage_pos = e->stage_len = 0;
    return S4C_OK;
}

static void lz4_encoder_free(void *impl) {
    lz4_encoder *e = impl;
    if (!e) return;
    LZ4F_freeCompressionContext(e->cctx);
    s4c_free(e->stage);
    s4c_free(e);
}

/* ------------------------------------------------------------ streaming decoder */

static s4c_status lz4_decoder_create(const s4c_decoder_options *o, void **impl,
                                     s4c_error_detail *d) {
    if (o->dict && o->dict_size)
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT,
                        "cpu-lz4: LZ4 dictionaries are not supported");
    s4c_lz4d *dec = s4c_malloc(sizeof *dec);
    if (!dec) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    s4c_lz4d_init(dec, o->single_frame);
    s4c_lz4d_set_checkpoints(
        dec, o->checkpoint_spacing ? o->checkpoint_spacing : S4C_CHECKPOINT_SPACING_DEFAULT,
        o->stop_at_checkpoint);
    *impl = dec;
    return S4C_OK;
}

static s4c_status lz4_decoder_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out,
                                     size_t *hint, s4c_error_detail *d) {
    s4c_lz4d *dec = impl;
    s4c_status st = s4c_lz4d_decode(dec, in, out, d);
    *hint = st == S4C_OK ? s4c_lz4d_hint(dec) : 0;
    return st;
}

static s4c_status lz4_decoder_finish(void *impl) {
    return s4c_lz4d_at_frame_end(impl) ? S4C_OK : S4C_ERROR_TRUNCATED_INPUT;
}

static s4c_status lz4_decoder_reset(void *impl) {
    s4c_lz4d_reset(impl);
    return S4C_OK;
}

static void lz4_decoder_free(void *impl) {
    if (!impl) return;
    s4c_lz4d_release(impl);
    s4c_free(impl);
}

/* ------------------------------------------------------------ resumable decoding */

/* The state is exact anywhere: a loaded decoder goes on at the saved point. */
static void lz4_decoder_position(const void *impl, s4c_decoder_position *pos) {
    const s4c_lz4d *dec = impl;
    pos->consumed = pos->resume_offset = s4c_lz4d_consumed(dec);
    pos->produced = pos->resume_produced = s4c_lz4d_produced(dec);
    pos->at_checkpoint = s4c_lz4d_at_checkpoint(dec);
    pos->checkpoints = dec->checkpoints;
}

static s4c_status lz4_decoder_clone(const void *impl, void **clone, s4c_error_detail *d) {
    s4c_lz4d *dec = s4c_malloc(sizeof *dec);
    if (!dec) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    s4c_status st = s4c_lz4d_clone(dec, impl, d);
    if (st != S4C_OK) {
        s4c_free(dec);
        return st;
    }
    *clone = dec;
    return S4C_OK;
}

static s4c_status lz4_decoder_save(const void *impl, s4c_blob_writer *w, s4c_error_detail *d) {
    return s4c_lz4d_save(impl, w, d);
}

static s4c_status lz4_decoder_load(const s4c_decoder_options *o, s4c_blob_reader *r,
                                   const s4c_state_info *info, void **impl, s4c_error_detail *d) {
    if (o->dict && o->dict_size)
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT,
                        "cpu-lz4: LZ4 dictionaries are not supported");
    if (!info->at_checkpoint || info->resume_offset != info->consumed ||
        info->resume_produced != info->produced)
        return s4c_fail(d, S4C_ERROR_STATE_INVALID,
                        "invalid saved state: lz4 states are always exact, this one is not");
    s4c_lz4d *dec = s4c_malloc(sizeof *dec);
    if (!dec) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    s4c_lz4d_init(dec, 0);
    s4c_lz4d_set_checkpoints(
        dec, o->checkpoint_spacing ? o->checkpoint_spacing : S4C_CHECKPOINT_SPACING_DEFAULT,
        o->stop_at_checkpoint);
    s4c_status st = s4c_lz4d_load(dec, r, info->consumed, info->produced, d);
    if (st != S4C_OK) {
        s4c_lz4d_release(dec);
        s4c_free(dec);
        return st;
    }
    *impl = dec;
    return S4C_OK;
}

const s4c_codec_ops s4c_lz4_ops = {
    .kind = S4C_KIND_CPU_LZ4,
    .name = "cpu-lz4",
    .debug_name = "CpuLz4",
    .bomb_prefix = "lz4",
    .eof_message = "LZ4 input ends inside a frame",
    .init = lz4_init,
    .destroy = lz4_destroy,
    .bound = lz4_bound,
    .compress = lz4_compress,
    .decode = lz4_decode,
    .decode_crc = lz4_decode_crc,
    .encoder_create = lz4_encoder_create,
    .encoder_stream = lz4_encoder_stream,
    .encoder_reset = lz4_encoder_reset,
    .encoder_free = lz4_encoder_free,
    .decoder_create = lz4_decoder_create,
    .decoder_stream = lz4_decoder_stream,
    .decoder_finish = lz4_decoder_finish,
    .decoder_reset = lz4_decoder_reset,
    .decoder_free = lz4_decoder_free,
    .decoder_position = lz4_decoder_position,
    .decoder_clone = lz4_decoder_clone,
    .decoder_save = lz4_decoder_save,
    .decoder_load = lz4_decoder_load,
};
