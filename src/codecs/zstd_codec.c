/*
 * zstd_codec.c — the cpu-zstd (S4 id 1) and cpu-zstd-dict (S4 id 8) kinds.
 *
 * Why it looks the way it does (docs/codecs/zstd.md has the long form):
 * - S4's encoder is the zstd crate's stream encoder: the whole input goes in
 *   with ZSTD_e_continue, then ZSTD_e_end until it returns 0. That call
 *   pattern never pledges a source size, so frames carry no content size and
 *   no checksum; ZSTD_compress() would change the frame header. Empty input is
 *   the exception: the first call is e_end, which pledges 0. We keep the
 *   pattern and only add ZSTD_c_stableOutBuffer (no internal output buffer);
 *   ZSTD_c_stableInBuffer changes the bytes, so it is not used.
 *   tests/c/test_zstd.c checks the bytes against the plain pattern.
 * - S4 decodes with the crate's streaming reader (window log max 27, every
 *   concatenated or skippable frame, "incomplete frame" when the input ends
 *   inside one). The reference one-shot decode is that loop; the fast path
 *   runs the same streaming decoder with ZSTD_d_stableOutBuffer straight into
 *   the caller's buffer, and anything but a clean finish reruns the reference
 *   path, so errors and the too-small-destination answer are always the
 *   reference ones.
 * - Both kinds share everything but construction: cpu-zstd-dict refuses an
 *   empty dictionary and loads the one it is given into every context.
 */
#define XXH_STATIC_LINKING_ONLY /* XXH64_state_t inside the encoder */
#include <xxhash.h>
#include <zstd_errors.h>

#include "zstd_internal.h" /* zstd.h with ZSTD_STATIC_LINKING_ONLY, the decoder's state */

#define LEVEL_DEFAULT 3
#define LEVEL_MIN 1
#define LEVEL_MAX 22
#define WINDOW_LOG_MAX 27 /* S4's reader: libzstd's default limit */
#define EMPTY_DICTIONARY_TEXT S4C_ZSTD_EMPTY_DICTIONARY_TEXT

/* ------------------------------------------------------------ shared helpers */

static void *zstd_alloc(void *opaque, size_t size) {
    (void)opaque;
    return s4c_malloc(size);
}

static void zstd_release(void *opaque, void *p) {
    (void)opaque;
    s4c_free(p);
}

static const ZSTD_customMem zstd_mem = {zstd_alloc, zstd_release, NULL};

/* S4 clamps to 1..=22 and maps 0 and negatives to 1, not to zstd's default. */
static int zstd_clamp_level(int level) {
    if (level == S4C_LEVEL_DEFAULT) return LEVEL_DEFAULT;
    if (level < LEVEL_MIN) return LEVEL_MIN;
    if (level > LEVEL_MAX) return LEVEL_MAX;
    return level;
}

static int is_zdict(const void *dict, size_t size) {
    return size >= 4 && s4c_load_le32(dict) == ZSTD_MAGIC_DICTIONARY;
}

/*
 * The status a libzstd decoder error maps to; the message is always the
 * libzstd name (S4 shows ZSTD_getErrorName text). "Output exceeds the
 * destination" is decided by our probe, never by libzstd's dstSize_tooSmall,
 * which in streaming means a corrupt block.
 */
static s4c_status zstd_decode_status(size_t ret) {
    switch (ZSTD_getErrorCode(ret)) {
    case ZSTD_error_prefix_unknown:
        return S4C_ERROR_UNKNOWN_FORMAT;
    case ZSTD_error_dictionary_wrong:
    case ZSTD_error_dictionary_corrupted:
        return S4C_ERROR_DICTIONARY_MISMATCH;
    case ZSTD_error_checksum_wrong:
        return S4C_ERROR_CHECKSUM_MISMATCH;
    case ZSTD_error_frameParameter_windowTooLarge:
        return S4C_ERROR_UNSUPPORTED;
    case ZSTD_error_memory_allocation:
        return S4C_ERROR_OUT_OF_MEMORY;
    default: /* dstSize_tooSmall included: a block larger than its frame allows */
        return S4C_ERROR_CORRUPT_DATA;
    }
}

static s4c_status zstd_decode_fail(size_t ret, s4c_error_detail *d) {
    return s4c_fail(d, zstd_decode_status(ret), "%s", ZSTD_getErrorName(ret));
}

/*
 * libzstd reports a ZDICT dictionary whose tables do not parse as an
 * allocation failure (the DDict/CDict constructor returns NULL); name it.
 */
static const char *dict_load_error(const void *dict, size_t size, size_t ret) {
    return is_zdict(dict, size) ? "Dictionary is corrupted" : ZSTD_getErrorName(ret);
}

/*
 * stable_output: write straight into the caller's buffer (no internal output
 * buffer). ZSTD_c_stableInBuffer is NOT used: it defers initialisation until
 * e_end for inputs under one block (which then pledges the size and changes
 * the header) and changes the block bytes of larger inputs.
 */
static ZSTD_CCtx *new_cctx(int level, int stable_output) {
    ZSTD_CCtx *cctx = ZSTD_createCCtx_advanced(zstd_mem);
    if (!cctx) return NULL;
    size_t r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    if (!ZSTD_isError(r) && stable_output)
        r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_stableOutBuffer, 1);
    if (ZSTD_isError(r)) {
        ZSTD_freeCCtx(cctx);
        return NULL;
    }
    return cctx;
}

static ZSTD_DCtx *new_dctx(void) {
    ZSTD_DCtx *dctx = ZSTD_createDCtx_advanced(zstd_mem);
    if (dctx && ZSTD_isError(ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, WINDOW_LOG_MAX))) {
        ZSTD_freeDCtx(dctx);
        return NULL;
    }
    return dctx;
}

/* ------------------------------------------------------- streaming decoder */

/*
 * The decoder state machine shared by the streaming API and the one-shot
 * reference path. libzstd's return value says "frame finished" only on the
 * call that finishes it, so the boundary is tracked here.
 *
 * Why two DDicts of one dictionary: libzstd decodes the first block after a
 * dictionary change with a different sequence decoder (its "cold dictionary"
 * prefetch path) than later ones. Both agree on valid frames, but on corrupt
 * ones they can disagree (one reports corruption, the other yields bytes), so
 * a reused context would make verdicts depend on what it decoded before. S4
 * builds a fresh decoder per call, i.e. always cold; alternating between two
 * DDicts of the same dictionary at different addresses gives every session
 * that state for the price of a pointer swap, instead of a new context
 * (~15 us) per call.
 */
/* struct zstd_decoder: zstd_internal.h */

/* dict_outlives: the bytes stay valid as long as the decoder (one-shot codecs). */
static s4c_status zdec_load_dict(zstd_decoder *z, const void *dict, size_t size, int dict_outlives,
                                 s4c_error_detail *d) {
    for (int i = 0; i < 2; i++) {
        /* Different content addresses: libzstd compares where the dictionary ends. */
        ZSTD_dictLoadMethod_e how = i == 0 && dict_outlives ? ZSTD_dlm_byRef : ZSTD_dlm_byCopy;
        z->ddict[i] = ZSTD_createDDict_advanced(dict, size, how, ZSTD_dct_auto, zstd_mem);
        if (!z->ddict[i]) {
            /* libzstd answers NULL both for no memory and for ZDICT tables that do not parse. */
            if (is_zdict(dict, size))
                return s4c_fail(d, S4C_ERROR_DICTIONARY_MISMATCH, "Dictionary is corrupted");
            return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
        }
    }
    return S4C_OK;
}

static void zdec_free_dicts(zstd_decoder *z) {
    ZSTD_freeDDict(z->ddict[0]);
    ZSTD_freeDDict(z->ddict[1]);
    z->ddict[0] = z->ddict[1] = NULL;
}

/*
 * Starts a session on the dictionary the last session used: libzstd keeps it
 * warm (faster on small frames). Only the one-shot fast path does this; any
 * failure there is re-judged cold (decode_reference, decode_recheck).
 */
static void zdec_session_warm(zstd_decoder *z) {
    ZSTD_DCtx_reset(z->dctx, ZSTD_reset_session_only);
    if (z->ddict[0]) ZSTD_DCtx_refDDict(z->dctx, z->ddict[z->next_ddict ^ 1]);
}

/* Starts a new session the way a fresh context would (see above). */
static void zdec_session_begin(zstd_decoder *z) {
    ZSTD_DCtx_reset(z->dctx, ZSTD_reset_session_only);
    if (z->ddict[0]) {
        ZSTD_DCtx_refDDict(z->dctx, z->ddict[z->next_ddict]);
        z->next_ddict ^= 1;
    }
}

static void zdec_frame_begin(zstd_decoder *z) {
    z->header_len = 0;
    z->header_parsed = 0;
    z->content_size = ZSTD_CONTENTSIZE_UNKNOWN;
    z->frame_in = z->frame_out = 0;
}

/* Do p[0..n), 0 < n < 5, start with (a prefix of) a legacy v0.1–v0.7 magic? */
static int short_legacy_start(const uint8_t *p, size_t n) {
    static const uint8_t v01[4] = {0xFD, 0x2F, 0xB5, 0x1E}, tail[3] = {0xB5, 0x2F, 0xFD};
    if (n == 0 || n >= 5) return 0;
    size_t m = n < 4 ? n : 4;
    if (memcmp(p, v01, m) == 0) return 1;
    return p[0] >= 0x22 && p[0] <= 0x27 && memcmp(p + 1, tail, m - 1) == 0;
}

/*
 * libzstd recognises a legacy frame (Debian builds it with legacy support, as
 * the zstd crate S4 uses does) only when its first call at that frame gets at
 * least 5 bytes (the magic and one more): given fewer, its early magic check
 * rejects them as "Unknown frame descriptor". So bytes that may begin a legacy
 * frame are held back here until 5 are there, and the verdict no longer
 * depends on how the caller chunks its input. Returns 1 while more input is
 * needed.
 */
static int zdec_hold_legacy_magic(zstd_decoder *z, s4c_in_buffer *in) {
    size_t in_left = in->size - in->pos;
    if (z->frame_in != 0 || z->input_complete || z->stash_pos != 0) return 0;
    if (in_left == 0) return short_legacy_start(z->stash, z->stash_len);
    const uint8_t *src = (const uint8_t *)in->src + in->pos;
    if (z->stash_len == 0 && short_legacy_start(src, in_left)) {
        memcpy(z->stash, src, in_left);
        z->stash_len = in_left;
        in->pos += in_left;
        z->total_in += in_left;
        z->at_frame_end = 0;
    } else if (z->stash_len > 0) {
        size_t k = sizeof z->stash - z->stash_len;
        if (k > in_left) k = in_left;
        memcpy(z->stash + z->stash_len, src, k);
        z->stash_len += k;
        in->pos += k;
        z->total_in += k;
    }
    return short_legacy_start(z->stash, z->stash_len);
}

/*
 * libzstd's streaming decoder skips the Frame_Content_Size check when the last
 * block is empty; its one-shot decoder (and the single-pass shortcut the
 * streaming decoder takes when the whole frame and its output fit) does not.
 * So the verdict on such a frame would depend on buffer sizes; we check it
 * ourselves at every frame end, making it "corrupt" everywhere.
 */
static void zdec_track(zstd_decoder *z, const uint8_t *consumed, size_t n, size_t produced) {
    z->frame_out += produced;
    if (z->header_parsed || n == 0) return;
    size_t k = sizeof z->header - z->header_len;
    if (k > n) k = n;
    memcpy(z->header + z->header_len, consumed, k);
    z->header_len += k;
    ZSTD_frameHeader fh;
    size_t r = ZSTD_getFrameHeader(&fh, z->header, z->header_len);
    if (r != 0 && !ZSTD_isError(r)) return; /* needs more bytes */
    z->header_parsed = 1;                   /* errors are libzstd's to report */
    if (r == 0 && fh.frameType == ZSTD_frame) z->content_size = fh.frameContentSize;
}

static void zdec_restart(zstd_decoder *z) {
    zdec_session_begin(z);
    zdec_frame_begin(z);
    z->stash_len = z->stash_pos = 0;
    z->at_frame_end = 0; /* S4: an empty payload is an incomplete frame */
    z->finished = 0;
    z->may_hold_output = 0;
    z->last_hint = ZSTD_FRAMEHEADERSIZE_PREFIX(ZSTD_f_zstd1);
    z->total_in = z->total_out = 0;
    z->checkpoints = z->ckpt_out = 0;
    z->bound_in = z->bound_out = z->bound_checkpoints = z->bound_ckpt_out = 0;
    z->bound_finished = 0;
}

/*
 * A frame has just ended (all its output delivered): remember the boundary
 * (where a saved state resumes) and record a checkpoint when it lies at least
 * ckpt_spacing output bytes after the last one. Returns 1 to stop here
 * (stop_at_checkpoint).
 */
static int zdec_boundary(zstd_decoder *z) {
    int stop = 0;
    if (z->ckpt_spacing && z->total_out - z->ckpt_out >= z->ckpt_spacing) {
        z->checkpoints++;
        z->ckpt_out = z->total_out;
        stop = z->ckpt_stop;
    }
    z->bound_in = z->total_in;
    z->bound_out = z->total_out;
    z->bound_checkpoints = z->checkpoints;
    z->bound_ckpt_out = z->ckpt_out;
    z->bound_finished = z->finished;
    return stop;
}

/*
 * Decodes until the input is used up, the output is full, or (single-frame
 * mode) the first frame ends. Never calls libzstd when it cannot progress, so
 * its no-forward-progress counter never trips on a caller's idle calls.
 */
/*
 * The streaming decoder's shortcut (docs/codecs/zstd.md, "Whole frames
 * straight into the caller's buffer"): at a frame boundary, when the input
 * holds the whole next zstd frame and the output has room for its largest
 * possible content, the frame is decoded in one ZSTD_decompressDCtx call —
 * no copy through libzstd's window buffer, as fast as one-shot decoding.
 * Only frames the streaming decoder would accept take it: no dictionary, a
 * window within the limit, and a clean success; anything else (incomplete,
 * corrupt, skippable, legacy, too large a window) returns 0 and the regular
 * path decodes the frame and gives its verdict, so verdicts never depend on
 * buffer sizes. Returns 1 when a frame was decoded, 2 when the next frame
 * qualifies but the output is full (it may then be left whole for the next
 * call), else 0.
 */
static int zdec_direct_frame(zstd_decoder *z, s4c_in_buffer *in, s4c_out_buffer *out) {
    size_t in_left = in->size - in->pos, out_left = out->size - out->pos;
    if (in_left < 9 || z->ddict[0]) return 0;
    const uint8_t *src = (const uint8_t *)in->src + in->pos;
    if (s4c_load_le32(src) != ZSTD_MAGICNUMBER) return 0;
    ZSTD_frameHeader fh;
    if (ZSTD_getFrameHeader(&fh, src, in_left) != 0 || fh.frameType != ZSTD_frame ||
        fh.dictID != 0 || fh.windowSize > (1ull << WINDOW_LOG_MAX))
        return 0;
    size_t csize = ZSTD_findFrameCompressedSize(src, in_left);
    if (ZSTD_isError(csize)) return 0; /* not all there (or corrupt: the regular path says) */
    unsigned long long bound = ZSTD_decompressBound(src, csize);
    if (bound == ZSTD_CONTENTSIZE_ERROR) return 0;
    if (bound > out_left) return out_left == 0 && bound > 0 ? 2 : 0;
    if (!z->direct_dctx) {
        z->direct_dctx = ZSTD_createDCtx_advanced(zstd_mem);
        if (!z->direct_dctx) {
            z->direct = 0;
            return 0;
        }
    }
    uint8_t no_output = 0;
    uint8_t *dst = out->dst ? (uint8_t *)out->dst + out->pos : &no_output;
    size_t r = ZSTD_decompressDCtx(z->direct_dctx, dst, out_left, src, csize);
    if (ZSTD_isError(r)) return 0;
    in->pos += csize;
    out->pos += r;
    z->total_in += csize;
    z->total_out += r;
    return 1;
}

static s4c_status zdec_step(zstd_decoder *z, s4c_in_buffer *in, s4c_out_buffer *out, size_t *hint,
                            s4c_error_detail *d) {
    static const uint8_t no_input = 0;
    uint8_t no_output = 0;
    while (!z->finished) {
        if (z->direct && z->frame_in == 0 && z->stash_len == 0 && !z->may_hold_output) {
            int direct = zdec_direct_frame(z, in, out);
            if (direct == 1) {
                z->at_frame_end = 1;
                z->finished = z->single_frame;
                if (zdec_boundary(z)) break; /* stop_at_checkpoint */
                continue;
            }
            /* The output is full and a whole frame with content comes next: leave
             * it for the next call (consuming its header would rule the shortcut out). */
            if (direct == 2) break;
        }
        if (zdec_hold_legacy_magic(z, in)) break;
        int from_stash = z->stash_pos < z->stash_len;
        size_t in_left = from_stash ? z->stash_len - z->stash_pos : in->size - in->pos;
        size_t out_left = out->size - out->pos;
        if (in_left == 0 && (out_left == 0 || !z->may_hold_output)) break;
        if (out_left == 0 && z->may_hold_output) break;
        ZSTD_inBuffer zin = {z->stash, z->stash_len, z->stash_pos};
        if (!from_stash) zin = (ZSTD_inBuffer){in->src ? in->src : &no_input, in->size, in->pos};
        ZSTD_outBuffer zout = {out->dst ? out->dst : &no_output, out->size, out->pos};
        size_t in_before = zin.pos;
        size_t r = ZSTD_decompressStream(z->dctx, &zout, &zin);
        size_t consumed = zin.pos - in_before, produced = zout.pos - out->pos;
        zdec_track(z, (const uint8_t *)zin.src + in_before, consumed, produced);
        z->frame_in += consumed;
        z->total_out += produced;
        if (!from_stash) z->total_in += consumed; /* stashed bytes were counted when taken */
        if (from_stash) {
            z->stash_pos = zin.pos;
            if (z->stash_pos == z->stash_len) z->stash_pos = z->stash_len = 0;
        } else {
            in->pos = zin.pos;
        }
        out->pos = zout.pos;
        if (ZSTD_isError(r)) return zstd_decode_fail(r, d);
        if (r == 0) { /* a call never runs past the end of a frame */
            if (z->content_size != ZSTD_CONTENTSIZE_UNKNOWN && z->frame_out != z->content_size)
                return zstd_decode_fail((size_t)-ZSTD_error_corruption_detected, d);
            zdec_frame_begin(z);
            z->at_frame_end = 1;
            z->may_hold_output = 0;
            z->finished = z->single_frame;
            if (zdec_boundary(z)) break; /* stop_at_checkpoint */
            continue;
        }
        z->may_hold_output = zout.pos == zout.size;
        z->last_hint = r;
        if (consumed || produced)
            z->at_frame_end = 0;
        else
            break;
    }
    *hint = z->at_frame_end ? 0 : z->last_hint;
    return S4C_OK;
}

void s4c_zdec_free(void *impl) {
    zstd_decoder *z = impl;
    if (!z) return;
    ZSTD_freeDCtx(z->dctx);
    ZSTD_freeDCtx(z->direct_dctx);
    zdec_free_dicts(z);
    s4c_free(z->dict);
    s4c_free(z);
}

/*
 * A streaming decoder with o's settings (o may be NULL) and the dictionary
 * dict (copied; ddict[0] refers to the copy, which clones and saved states
 * need). need_dict: cpu-zstd-dict refuses to work without one.
 */
s4c_status s4c_zdec_new(const s4c_decoder_options *o, int need_dict, const void *dict,
                        size_t dict_size, zstd_decoder **ret, s4c_error_detail *d) {
    if (!dict) dict_size = 0;
    if (need_dict && !dict_size)
        return s4c_fail(d, S4C_ERROR_EMPTY_DICTIONARY, EMPTY_DICTIONARY_TEXT);
    zstd_decoder *z = s4c_calloc(1, sizeof(*z));
    if (!z) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    z->single_frame = o && o->single_frame;
    z->ckpt_spacing = o && o->checkpoint_spacing ? o->checkpoint_spacing
                                                 : S4C_CHECKPOINT_SPACING_DEFAULT;
    z->ckpt_stop = o && o->stop_at_checkpoint;
    z->direct = 1;
    z->dctx = new_dctx();
    if (!z->dctx) {
        s4c_zdec_free(z);
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    if (dict_size) {
        z->dict = s4c_malloc(dict_size);
        if (!z->dict) {
            s4c_zdec_free(z);
            return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
        }
        memcpy(z->dict, dict, dict_size); /* the caller's may go */
        z->dict_size = dict_size;
        z->dict_id = ZSTD_getDictID_fromDict(dict, dict_size);
        z->dict_hash = XXH64(dict, dict_size, 0);
        s4c_status st = zdec_load_dict(z, z->dict, dict_size, 1, d);
        if (st != S4C_OK) {
            s4c_zdec_free(z);
            return st;
        }
    }
    zdec_restart(z);
    *ret = z;
    return S4C_OK;
}

static s4c_status zstd_decoder_create(const s4c_decoder_options *o, void **impl,
                                      s4c_error_detail *d) {
    zstd_decoder *z = NULL;
    S4C_TRY(s4c_zdec_new(o, 0, o ? o->dict : NULL, o ? o->dict_size : 0, &z, d));
    *impl = z;
    return S4C_OK;
}

static s4c_status zstd_dict_decoder_create(const s4c_decoder_options *o, void **impl,
                                           s4c_error_detail *d) {
    zstd_decoder *z = NULL;
    S4C_TRY(s4c_zdec_new(o, 1, o ? o->dict : NULL, o ? o->dict_size : 0, &z, d));
    *impl = z;
    return S4C_OK;
}

static s4c_status zstd_decoder_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out,
                                      size_t *hint, s4c_error_detail *d) {
    return zdec_step(impl, in, out, hint, d);
}

static s4c_status zstd_decoder_finish(void *impl) {
    const zstd_decoder *z = impl;
    if (z->at_frame_end) return S4C_OK;
    /* Held-back bytes of a would-be legacy magic: libzstd's verdict on them. */
    return z->stash_len ? S4C_ERROR_UNKNOWN_FORMAT : S4C_ERROR_TRUNCATED_INPUT;
}

static s4c_status zstd_decoder_reset(void *impl) {
    zdec_restart(impl);
    return S4C_OK;
}

/* ------------------------------------------------------- streaming encoder */

/*
 * One ZSTD_CCtx with S4's call pattern. With zstd_frame_size = N > 0 the
 * encoder writes zstd's seekable format (docs/codecs/zstd.md, "Seekable
 * streams"): a new frame every N input bytes — each frame's input goes in with
 * e_continue and the frame is ended by an e_end without input, so frame
 * headers never depend on how the caller feeds — and, at S4C_FLUSH_END, the
 * seek table (a skippable frame, zstd_seekable.c) after the last frame.
 */
typedef struct zstd_encoder {
    ZSTD_CCtx *cctx;
    uint64_t frame_size; /* 0: one frame per S4C_FLUSH_END */
    /* Seekable streams. */
    int frame_open; /* the current frame has taken input (or is the empty one) */
    int closing;    /* the current frame is being ended (e_end) */
    uint64_t frame_in, frame_out;
    XXH64_state_t hash; /* the frame's content, when entries carry checksums */
    s4c_zstd_seek_log log;
    uint8_t *table; /* the seek table being written out */
    size_t table_size, table_pos;
} zstd_encoder;

static void seekable_restart(zstd_encoder *e) {
    e->frame_open = e->closing = 0;
    e->frame_in = e->frame_out = 0;
    XXH64_reset(&e->hash, 0);
    e->log.count = 0;
    s4c_free(e->table);
    e->table = NULL;
    e->table_size = e->table_pos = 0;
}

static void zstd_encoder_free(void *impl) {
    zstd_encoder *e = impl;
    if (!e) return;
    ZSTD_freeCCtx(e->cctx);
    s4c_zstd_seek_log_release(&e->log);
    s4c_free(e->table);
    s4c_free(e);
}

static s4c_status encoder_create_common(const s4c_codec_options *o, int level, const void *dict,
                                        size_t dict_size, void **impl, s4c_error_detail *d) {
    if (o->zstd_frame_size > S4C_ZSTD_SEEK_MAX_FRAME_SIZE)
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT,
                        "zstd_frame_size %llu exceeds the seekable format's limit of %u bytes "
                        "per frame", (unsigned long long)o->zstd_frame_size,
                        S4C_ZSTD_SEEK_MAX_FRAME_SIZE);
    zstd_encoder *e = s4c_calloc(1, sizeof(*e));
    if (!e) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    e->frame_size = o->zstd_frame_size;
    e->log.checksums = o->zstd_checksum != 0;
    XXH64_reset(&e->hash, 0);
    e->cctx = new_cctx(level, 0);
    if (!e->cctx) {
        zstd_encoder_free(e);
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    if (o->zstd_checksum && ZSTD_isError(ZSTD_CCtx_setParameter(e->cctx, ZSTD_c_checksumFlag, 1))) {
        zstd_encoder_free(e);
        return s4c_fail(d, S4C_ERROR_BACKEND, "cannot enable the zstd content checksum");
    }
    if (dict_size) {
        size_t r = ZSTD_CCtx_loadDictionary(e->cctx, dict, dict_size); /* auto, by copy */
        if (ZSTD_isError(r)) {
            zstd_encoder_free(e);
            return s4c_fail(d, S4C_ERROR_BACKEND, "%s", dict_load_error(dict, dict_size, r));
        }
    }
    *impl = e;
    return S4C_OK;
}

static s4c_status zstd_encoder_create(const s4c_codec_options *o, int level, const void *dict,
                                      size_t dict_size, void **impl, s4c_error_detail *d) {
    (void)dict, (void)dict_size; /* cpu-zstd never loads a dictionary */
    return encoder_create_common(o, level, NULL, 0, impl, d);
}

static s4c_status zstd_dict_encoder_create(const s4c_codec_options *o, int level, const void *dict,
                                           size_t dict_size, void **impl, s4c_error_detail *d) {
    if (!dict || !dict_size) return s4c_fail(d, S4C_ERROR_EMPTY_DICTIONARY, EMPTY_DICTIONARY_TEXT);
    return encoder_create_common(o, level, dict, dict_size, impl, d);
}

static s4c_status encoder_fail(zstd_encoder *e, size_t r) {
    ZSTD_CCtx_reset(e->cctx, ZSTD_reset_session_only);
    seekable_restart(e);
    return ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ? S4C_ERROR_OUT_OF_MEMORY
                                                                : S4C_ERROR_BACKEND;
}

/* One libzstd call on the current frame; its output is counted as the frame's. */
static size_t encoder_call(zstd_encoder *e, ZSTD_inBuffer *zin, s4c_out_buffer *out,
                           ZSTD_EndDirective how) {
    uint8_t no_output = 0;
    ZSTD_outBuffer zout = {out->dst ? out->dst : &no_output, out->size, out->pos};
    size_t r = ZSTD_compressStream2(e->cctx, &zout, zin, how);
    e->frame_out += zout.pos - out->pos;
    out->pos = zout.pos;
    return r;
}

/* The current frame has ended (libzstd said 0): its seek table entry. */
static s4c_status frame_done(zstd_encoder *e) {
    uint32_t sum = e->log.checksums ? (uint32_t)XXH64_digest(&e->hash) : 0;
    s4c_status st = e->frame_out > UINT32_MAX ? S4C_ERROR_UNSUPPORTED /* not below 1 GiB */
                                               : s4c_zstd_seek_log_add(&e->log, (uint32_t)e->frame_out,
                                                                       (uint32_t)e->frame_in, sum);
    if (st != S4C_OK) {
        ZSTD_CCtx_reset(e->cctx, ZSTD_reset_session_only);
        seekable_restart(e);
        return st;
    }
    e->frame_open = e->closing = 0;
    e->frame_in = e->frame_out = 0;
    XXH64_reset(&e->hash, 0);
    return S4C_OK;
}

static s4c_status seekable_stream(zstd_encoder *e, s4c_in_buffer *in, s4c_out_buffer *out,
                                  s4c_flush_mode mode, size_t *pending) {
    static const uint8_t no_input = 0;
    *pending = 0;
    for (;;) {
        if (e->table) { /* the seek table, after the last frame */
            size_t k = e->table_size - e->table_pos, room = out->size - out->pos;
            if (k > room) k = room;
            if (k) memcpy((uint8_t *)out->dst + out->pos, e->table + e->table_pos, k);
            out->pos += k;
            e->table_pos += k;
            *pending = e->table_size - e->table_pos;
            if (*pending == 0) seekable_restart(e); /* ready for the next stream */
            return S4C_OK;
        }
        if (e->closing) {
            ZSTD_inBuffer zin = {&no_input, 0, 0};
            size_t r = encoder_call(e, &zin, out, ZSTD_e_end);
            if (ZSTD_isError(r)) return encoder_fail(e, r);
            if (r) {
                *pending = r; /* the output is full */
                return S4C_OK;
            }
            S4C_TRY(frame_done(e));
            continue;
        }
        size_t left = in->size - in->pos;
        if (left) {
            /* A frame's last byte goes in with e_end: its last block is then the
             * last data block (no empty block after it), so decoders can bound
             * its content exactly (8 blocks of 128 KiB for 1 MiB frames). The
             * first call of a frame is always e_continue (an e_end would pledge
             * the size into the header), so the bytes never depend on feeds. */
            uint64_t room = e->frame_size - e->frame_in;
            size_t take = left < room ? left : (size_t)room;
            int completes = take == room;
            size_t cont = completes ? take - 1 : take;
            const uint8_t *src = (const uint8_t *)in->src + in->pos;
            if (cont || !e->frame_open) {
                ZSTD_inBuffer zin = {src, cont, 0};
                size_t r = encoder_call(e, &zin, out, ZSTD_e_continue);
                if (ZSTD_isError(r)) return encoder_fail(e, r);
                if (e->log.checksums) XXH64_update(&e->hash, src, zin.pos);
                in->pos += zin.pos;
                e->frame_in += zin.pos;
                e->frame_open = 1;
                if (zin.pos < cont) {
                    if (zin.pos) continue;
                    *pending = r ? r : 1; /* the output is full; input is left */
                    return S4C_OK;
                }
            }
            if (!completes) continue;
            ZSTD_inBuffer last = {src + cont, 1, 0};
            size_t r = encoder_call(e, &last, out, ZSTD_e_end);
            if (ZSTD_isError(r)) return encoder_fail(e, r);
            if (last.pos == 0) {
                *pending = r ? r : 1; /* the output is full */
                return S4C_OK;
            }
            if (e->log.checksums) XXH64_update(&e->hash, src + cont, 1);
            in->pos += 1;
            e->frame_in += 1;
            if (r == 0) {
                S4C_TRY(frame_done(e));
            } else {
                e->closing = 1; /* N bytes: the frame ends (e_end until libzstd says 0) */
            }
            continue;
        }
        if (mode == S4C_FLUSH_END) {
            if (e->frame_open || e->log.count == 0) { /* an empty stream gets one empty frame */
                e->frame_open = e->closing = 1;
                continue;
            }
            size_t n = s4c_zstd_seek_table_size(e->log.count, e->log.checksums);
            e->table = s4c_malloc(n);
            if (!e->table) {
                seekable_restart(e);
                return S4C_ERROR_OUT_OF_MEMORY;
            }
            s4c_zstd_seek_table_write(&e->log, e->table);
            e->table_size = n;
            e->table_pos = 0;
            continue;
        }
        if (mode == S4C_FLUSH_BLOCK && e->frame_open) {
            ZSTD_inBuffer zin = {&no_input, 0, 0};
            size_t r = encoder_call(e, &zin, out, ZSTD_e_flush);
            if (ZSTD_isError(r)) return encoder_fail(e, r);
            *pending = r;
        }
        return S4C_OK;
    }
}

static s4c_status zstd_encoder_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out,
                                      s4c_flush_mode mode, size_t *pending) {
    static const uint8_t no_input = 0;
    uint8_t no_output = 0;
    static const ZSTD_EndDirective directive[] = {ZSTD_e_continue, ZSTD_e_flush, ZSTD_e_end};
    zstd_encoder *e = impl;
    if (e->frame_size) return seekable_stream(e, in, out, mode, pending);
    ZSTD_inBuffer zin = {in->src ? in->src : &no_input, in->size, in->pos};
    ZSTD_outBuffer zout = {out->dst ? out->dst : &no_output, out->size, out->pos};
    size_t r = ZSTD_compressStream2(e->cctx, &zout, &zin, directive[mode]);
    in->pos = zin.pos;
    out->pos = zout.pos;
    if (ZSTD_isError(r)) return encoder_fail(e, r);
    *pending = r;
    return S4C_OK;
}

static s4c_status zstd_encoder_reset(void *impl) {
    zstd_encoder *e = impl;
    seekable_restart(e);
    size_t r = ZSTD_CCtx_reset(e->cctx, ZSTD_reset_session_only); /* keeps level and dictionary */
    return ZSTD_isError(r) ? S4C_ERROR_BACKEND : S4C_OK;
}

/* ------------------------------------------------------------ one-shot codec */

typedef struct zstd_codec {
    ZSTD_CCtx *cctx;  /* created on first compress; stable output buffer */
    zstd_decoder dec; /* created on first decode; dec.dctx has stableOutBuffer set */
    const void *dict; /* cpu-zstd-dict: c->dict, which outlives this struct */
    size_t dict_size;
} zstd_codec;

static s4c_status zstd_init_common(s4c_codec *c, const s4c_codec_options *o, int with_dict,
                                   s4c_error_detail *d) {
    c->level = zstd_clamp_level(o->level);
    zstd_codec *z = s4c_calloc(1, sizeof(*z));
    if (!z) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    if (with_dict) {
        z->dict = c->dict;
        z->dict_size = c->dict_size;
    }
    c->impl = z;
    return S4C_OK;
}

static s4c_status zstd_init(s4c_codec *c, const s4c_codec_options *o, s4c_error_detail *d) {
    return zstd_init_common(c, o, 0, d);
}

static s4c_status zstd_dict_init(s4c_codec *c, const s4c_codec_options *o, s4c_error_detail *d) {
    if (!c->dict || !c->dict_size)
        return s4c_fail(d, S4C_ERROR_EMPTY_DICTIONARY, EMPTY_DICTIONARY_TEXT);
    return zstd_init_common(c, o, 1, d);
}

static void zstd_destroy(s4c_codec *c) {
    zstd_codec *z = c->impl;
    if (!z) return;
    ZSTD_freeCCtx(z->cctx);
    ZSTD_freeDCtx(z->dec.dctx);
    zdec_free_dicts(&z->dec);
    s4c_free(z);
    c->impl = NULL;
}

static size_t zstd_bound(const s4c_codec *c, size_t n) {
    (void)c;
    return ZSTD_compressBound(n);
}

static s4c_status ensure_cctx(const s4c_codec *c, zstd_codec *z, s4c_error_detail *d) {
    if (z->cctx) return S4C_OK;
    ZSTD_CCtx *cctx = new_cctx(c->level, 1);
    if (!cctx) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    if (z->dict_size) {
        size_t r = ZSTD_CCtx_loadDictionary_byReference(cctx, z->dict, z->dict_size);
        if (ZSTD_isError(r)) {
            ZSTD_freeCCtx(cctx);
            return s4c_fail(d, S4C_ERROR_BACKEND, "%s", ZSTD_getErrorName(r));
        }
    }
    z->cctx = cctx;
    return S4C_OK;
}

static s4c_status compress_fail(const zstd_codec *z, size_t r, s4c_error_detail *d) {
    switch (ZSTD_getErrorCode(r)) {
    case ZSTD_error_dstSize_tooSmall:
        return s4c_fail(d, S4C_ERROR_DST_TOO_SMALL, "destination too small");
    case ZSTD_error_memory_allocation:
        /* Also what libzstd answers for a ZDICT dictionary it cannot parse. */
        if (is_zdict(z->dict, z->dict_size))
            return s4c_fail(d, S4C_ERROR_BACKEND, "Dictionary is corrupted");
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "%s", ZSTD_getErrorName(r));
    default:
        return s4c_fail(d, S4C_ERROR_BACKEND, "%s", ZSTD_getErrorName(r));
    }
}

static s4c_status zstd_compress(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst,
                                size_t cap, size_t *written, s4c_error_detail *d) {
    static const uint8_t no_input = 0;
    uint8_t no_output = 0;
    zstd_codec *z = c->impl;
    S4C_TRY(ensure_cctx(c, z, d));
    ZSTD_CCtx_reset(z->cctx, ZSTD_reset_session_only);
    /* From one block (128 KiB) up, the input is one stable buffer: libzstd then
     * reads it in place instead of copying it through its ring buffer (up to
     * 0.81-0.89x otherwise). The header stays S4's (no content size, same
     * window byte); the blocks may differ from the buffered pattern beyond the
     * window, where they already differ from S4's libzstd 1.5.7. Below 128 KiB
     * it would pledge the size into the header, so the buffered pattern stays
     * (docs/codecs/zstd.md, "One-shot input buffer"). */
    size_t r = ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_stableInBuffer, n >= ZSTD_BLOCKSIZE_MAX);
    if (ZSTD_isError(r)) return compress_fail(z, r, d);
    ZSTD_inBuffer in = {n ? src : &no_input, n, 0};
    ZSTD_outBuffer out = {dst ? dst : &no_output, dst ? cap : 0, 0};
    /* S4's pattern: all input with e_continue (no pledged size), then e_end. */
    if (n) {
        r = ZSTD_compressStream2(z->cctx, &out, &in, ZSTD_e_continue);
        if (ZSTD_isError(r)) return compress_fail(z, r, d);
    }
    do {
        size_t before = out.pos;
        r = ZSTD_compressStream2(z->cctx, &out, &in, ZSTD_e_end);
        if (ZSTD_isError(r)) return compress_fail(z, r, d);
        if (r && out.pos == before && out.pos == out.size)
            return s4c_fail(d, S4C_ERROR_DST_TOO_SMALL, "destination too small");
    } while (r);
    *written = out.pos;
    return S4C_OK;
}

static s4c_status ensure_dctx(zstd_codec *z, s4c_error_detail *d) {
    if (z->dec.dctx) return S4C_OK;
    ZSTD_DCtx *dctx = new_dctx();
    if (!dctx) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    if (ZSTD_isError(ZSTD_DCtx_setParameter(dctx, ZSTD_d_stableOutBuffer, 1))) {
        ZSTD_freeDCtx(dctx);
        return s4c_fail(d, S4C_ERROR_BACKEND, "libzstd refused ZSTD_d_stableOutBuffer");
    }
    if (z->dict_size) {
        s4c_status st = zdec_load_dict(&z->dec, z->dict, z->dict_size, 1, d);
        if (st != S4C_OK) {
            zdec_free_dicts(&z->dec);
            ZSTD_freeDCtx(dctx);
            return st;
        }
    }
    z->dec.dctx = dctx;
    z->dec.input_complete = 1;
    return S4C_OK;
}

/* Straight into dst; 1 when every byte decoded cleanly, 0 for "ask the reference path". */
static int decode_fast(zstd_decoder *z, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                       size_t *written) {
    zdec_session_warm(z);
    ZSTD_inBuffer in = {src, n, 0};
    ZSTD_outBuffer out = {dst, cap, 0};
    for (;;) {
        size_t in_before = in.pos, out_before = out.pos;
        size_t r = ZSTD_decompressStream(z->dctx, &out, &in);
        if (ZSTD_isError(r)) return 0;
        if (r == 0 && in.pos == in.size) {
            *written = out.pos;
            return 1;
        }
        if (in.pos == in_before && out.pos == out_before) return 0;
    }
}

/*
 * Walks the frames of src from `pos` and returns the end of the last whole
 * block at or past pos + `want` bytes of input (or the end of a frame, or the
 * end of src). 0 when the layout cannot be followed (the caller then feeds
 * everything at once and lets libzstd judge). State between calls: *in_frame
 * is 0 at a frame start, 1 inside a frame's blocks; *checksum tells whether
 * the current frame ends with 4 checksum bytes.
 */
static size_t next_block_cut(const uint8_t *src, size_t n, size_t pos, size_t want,
                             int *in_frame, int *checksum) {
    size_t target = pos + want < pos ? n : pos + want;
    while (pos < n) {
        if (!*in_frame) {
            if (n - pos < 8) return 0;
            uint32_t magic = s4c_load_le32(src + pos);
            if ((magic & 0xFFFFFFF0u) == ZSTD_MAGIC_SKIPPABLE_START) {
                uint64_t skip = 8 + (uint64_t)s4c_load_le32(src + pos + 4);
                if (skip > n - pos) return 0;
                pos += (size_t)skip;
                if (pos >= target) return pos;
                continue;
            }
            if (magic != ZSTD_MAGICNUMBER) return 0;
            size_t h = ZSTD_frameHeaderSize(src + pos, n - pos);
            if (ZSTD_isError(h) || h > n - pos) return 0;
            *checksum = (src[pos + 4] & 0x04) != 0;
            *in_frame = 1;
            pos += h;
        }
        if (n - pos < 3) return 0;
        uint32_t bh = (uint32_t)src[pos] | ((uint32_t)src[pos + 1] << 8) |
                      ((uint32_t)src[pos + 2] << 16);
        uint32_t type = (bh >> 1) & 3, size = bh >> 3;
        if (type == 3) return 0;
        uint64_t step = 3 + (uint64_t)(type == 1 ? 1 : size);
        if (bh & 1) { /* last block */
            step += *checksum ? 4 : 0;
            *in_frame = 0;
        }
        if (step > n - pos) return 0;
        pos += (size_t)step;
        if (pos >= target || !*in_frame) return pos;
    }
    return pos;
}

#define CRC_SLICE (128u * 1024u) /* compressed bytes per call: output stays in L2 */

/*
 * decode_fast with the CRC32C folded in: input is handed over a few blocks at
 * a time (cut at block boundaries, so libzstd never copies a partial block),
 * and each call's new output is CRC'd while it is still in cache.
 */
static int decode_fast_crc(zstd_decoder *z, const uint8_t *src, size_t n, uint8_t *dst,
                           size_t cap, size_t *written, uint32_t *crc) {
    zdec_session_warm(z);
    ZSTD_inBuffer in = {src, 0, 0};
    ZSTD_outBuffer out = {dst, cap, 0};
    int in_frame = 0, checksum = 0, walk = 1;
    uint32_t c = 0;
    for (;;) {
        if (in.pos == in.size && in.size < n) {
            size_t cut = walk ? next_block_cut(src, n, in.size, CRC_SLICE, &in_frame, &checksum)
                              : 0;
            if (!cut) walk = 0; /* unknown layout: the rest in one go */
            in.size = cut ? cut : n;
        }
        size_t in_before = in.pos, out_before = out.pos;
        size_t r = ZSTD_decompressStream(z->dctx, &out, &in);
        if (ZSTD_isError(r)) return 0;
        c = s4c_crc32c(c, dst + out_before, out.pos - out_before);
        if (r == 0 && in.pos == n) {
            *written = out.pos;
            *crc = c;
            return 1;
        }
        if (in.pos == in_before && out.pos == out_before && (in.pos < in.size || in.size == n))
            return 0; /* no progress: let the reference path give the verdict */
    }
}

/*
 * S4's reader semantics, step by step: decode into dst, then a one-byte probe
 * tells "more output than cap" from "input ended inside a frame".
 */
static s4c_status decode_reference(zstd_decoder *z, const uint8_t *src, size_t n, uint8_t *dst,
                                   size_t cap, size_t *written, s4c_error_detail *d) {
    ZSTD_DCtx_reset(z->dctx, ZSTD_reset_session_only);
    ZSTD_DCtx_setParameter(z->dctx, ZSTD_d_stableOutBuffer, 0);
    zdec_restart(z); /* a cold session again, whatever the fast path did */
    s4c_in_buffer in = {src, n, 0};
    s4c_out_buffer out = {dst, cap, 0};
    size_t hint = 0;
    s4c_status st = zdec_step(z, &in, &out, &hint, d);
    if (st == S4C_OK && out.pos == out.size) {
        uint8_t probe_byte;
        s4c_out_buffer probe = {&probe_byte, 1, 0};
        st = zdec_step(z, &in, &probe, &hint, d);
        if (st == S4C_OK && probe.pos)
            st = s4c_fail(d, S4C_ERROR_DST_TOO_SMALL, "decoded output exceeds %zu bytes", cap);
    }
    if (st == S4C_OK && !z->at_frame_end)
        st = s4c_fail(d, S4C_ERROR_TRUNCATED_INPUT, "incomplete frame");
    if (st == S4C_OK && in.pos != in.size) /* libzstd always consumes or fails */
        st = s4c_fail(d, S4C_ERROR_CORRUPT_DATA, "decoder stopped before the end of input");
    *written = out.pos;
    ZSTD_DCtx_reset(z->dctx, ZSTD_reset_session_only);
    ZSTD_DCtx_setParameter(z->dctx, ZSTD_d_stableOutBuffer, 1);
    return st;
}

static s4c_status zstd_decode(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                              size_t *written, s4c_error_detail *d) {
    static const uint8_t no_input = 0;
    uint8_t no_output = 0;
    zstd_codec *z = c->impl;
    S4C_TRY(ensure_dctx(z, d));
    if (!src) src = &no_input;
    if (!dst) dst = &no_output, cap = 0;
    if (n && decode_fast(&z->dec, src, n, dst, cap, written)) return S4C_OK;
    return decode_reference(&z->dec, src, n, dst, cap, written, d);
}

static s4c_status zstd_decode_crc(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst,
                                  size_t cap, size_t *written, uint32_t *crc,
                                  s4c_error_detail *d) {
    static const uint8_t no_input = 0;
    uint8_t no_output = 0;
    zstd_codec *z = c->impl;
    S4C_TRY(ensure_dctx(z, d));
    if (!src) src = &no_input;
    if (!dst) dst = &no_output, cap = 0;
    if (n && decode_fast_crc(&z->dec, src, n, dst, cap, written, crc)) return S4C_OK;
    s4c_status st = decode_reference(&z->dec, src, n, dst, cap, written, d);
    *crc = st == S4C_OK ? s4c_crc32c(0, dst, *written) : 0;
    return st;
}

/* The cold reference path, for output that failed the manifest's checks. */
static s4c_status zstd_decode_recheck(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst,
                                      size_t cap, size_t *written, s4c_error_detail *d) {
    static const uint8_t no_input = 0;
    uint8_t no_output = 0;
    zstd_codec *z = c->impl;
    S4C_TRY(ensure_dctx(z, d));
    if (!src) src = &no_input;
    if (!dst) dst = &no_output, cap = 0;
    return decode_reference(&z->dec, src, n, dst, cap, written, d);
}

/* ------------------------------------------------------------------- tables */

const s4c_codec_ops s4c_zstd_ops = {
    .kind = S4C_KIND_CPU_ZSTD,
    .name = "cpu-zstd",
    .debug_name = "CpuZstd",
    .bomb_prefix = "zstd",
    .eof_message = "incomplete frame",
    .init = zstd_init,
    .destroy = zstd_destroy,
    .bound = zstd_bound,
    .compress = zstd_compress,
    .decode = zstd_decode,
    .decode_crc = zstd_decode_crc,
    .encoder_create = zstd_encoder_create,
    .encoder_stream = zstd_encoder_stream,
    .encoder_reset = zstd_encoder_reset,
    .encoder_free = zstd_encoder_free,
    .decoder_create = zstd_decoder_create,
    .decoder_stream = zstd_decoder_stream,
    .decoder_finish = zstd_decoder_finish,
    .decoder_reset = zstd_decoder_reset,
    .decoder_free = s4c_zdec_free,
    .decoder_position = s4c_zstd_decoder_position,
    .decoder_clone = s4c_zstd_decoder_clone,
    .decoder_save = s4c_zstd_decoder_save,
    .decoder_load = s4c_zstd_decoder_load,
};

const s4c_codec_ops s4c_zstd_dict_ops = {
    .kind = S4C_KIND_CPU_ZSTD_DICT,
    .name = "cpu-zstd-dict",
    .debug_name = "CpuZstdDict",
    .bomb_prefix = "zstd-dict",
    .eof_message = "incomplete frame",
    .init = zstd_dict_init,
    .destroy = zstd_destroy,
    .bound = zstd_bound,
    .compress = zstd_compress,
    .decode = zstd_decode,
    .decode_crc = zstd_decode_crc,
    .decode_recheck = zstd_decode_recheck,
    .encoder_create = zstd_dict_encoder_create,
    .encoder_stream = zstd_encoder_stream,
    .encoder_reset = zstd_encoder_reset,
    .encoder_free = zstd_encoder_free,
    .decoder_create = zstd_dict_decoder_create,
    .decoder_stream = zstd_decoder_stream,
    .decoder_finish = zstd_decoder_finish,
    .decoder_reset = zstd_decoder_reset,
    .decoder_free = s4c_zdec_free,
    .decoder_position = s4c_zstd_decoder_position,
    .decoder_clone = s4c_zstd_decoder_clone,
    .decoder_save = s4c_zstd_decoder_save,
    .decoder_load = s4c_zstd_decoder_load,
};
