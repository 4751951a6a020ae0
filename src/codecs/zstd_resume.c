/*
 * zstd_resume.c — resumable cpu-zstd / cpu-zstd-dict decoding: position,
 * clone, save and load (s4codec_resume.h; body format in
 * docs/formats/state.md, "cpu-zstd / cpu-zstd-dict body").
 *
 * libzstd's decoding context cannot be copied or serialised, but between two
 * frames it holds nothing a fresh one lacks: frames are independent. So the
 * only states we save are frame boundaries (ZSTD_decompressStream returned 0,
 * skippable frames included), and they are tiny: the counters. A decoder
 * saved inside a frame stores the last boundary it passed; the generic layer
 * (src/stream/resume.c) records the saved position, feeds the loaded decoder
 * from the boundary and discards the re-decoded output (at most one frame).
 * Clones need a real copy of the frame state, so they exist only at a
 * boundary (S4C_ERROR_NOT_AT_CHECKPOINT elsewhere).
 *
 * The dictionary is not in the blob: the body names it (ZDICT id and XXH64 of
 * its bytes) and a loader must pass the same one in its options
 * (S4C_ERROR_STATE_FOREIGN otherwise).
 */
#include <xxhash.h>

#include "../stream/state_blob.h"
#include "../stream/stream_internal.h"
#include "zstd_internal.h"

#define FLAG_SINGLE_FRAME 1u /* the decoder stops after its first frame */
#define FLAG_FINISHED 2u     /* ... and that frame has ended */
#define FLAG_DICT 4u         /* a dictionary id and hash follow */
#define FLAGS_KNOWN 7u
/*
 * The most output a zstd stream can give per input byte: a 4-byte RLE block
 * (3-byte header, 1 byte) expands to 128 KiB. Legacy frames are no denser.
 */
#define MAX_EXPANSION 32768u

void s4c_zstd_decoder_position(const void *impl, s4c_decoder_position *pos) {
    const zstd_decoder *z = impl;
    pos->consumed = z->total_in;
    pos->produced = z->total_out;
    pos->at_checkpoint = z->total_in == z->bound_in; /* standing at the last frame boundary */
    pos->checkpoints = z->checkpoints;
    pos->resume_offset = z->bound_in;
    pos->resume_produced = z->bound_out;
}

/* Puts a fresh decoder at a frame boundary with the given counters. */
static void stand_at_boundary(zstd_decoder *z, uint64_t in, uint64_t out, uint64_t checkpoints,
                              uint64_t ckpt_out, int finished) {
    z->total_in = z->bound_in = in;
    z->total_out = z->bound_out = out;
    z->checkpoints = z->bound_checkpoints = checkpoints;
    z->ckpt_out = z->bound_ckpt_out = ckpt_out;
    z->finished = z->bound_finished = finished;
    /* A boundary after a frame is a clean end of stream; the stream's start
     * is not (an empty payload is an incomplete frame, as in S4). */
    z->at_frame_end = in > 0;
}

s4c_status s4c_zstd_decoder_clone(const void *impl, void **clone, s4c_error_detail *d) {
    const zstd_decoder *z = impl;
    if (z->total_in != z->bound_in)
        return s4c_fail(d, S4C_ERROR_NOT_AT_CHECKPOINT,
                        "a zstd decoder can be cloned only at a frame boundary (libzstd's frame "
                        "state cannot be copied); this one is %llu bytes into the frame at "
                        "offset %llu — save it instead, or clone at the next boundary",
                        (unsigned long long)(z->total_in - z->bound_in),
                        (unsigned long long)z->bound_in);
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.single_frame = z->single_frame;
    o.checkpoint_spacing = z->ckpt_spacing;
    o.stop_at_checkpoint = z->ckpt_stop;
    zstd_decoder *c = NULL;
    S4C_TRY(s4c_zdec_new(&o, 0, z->dict, z->dict_size, &c, d));
    stand_at_boundary(c, z->bound_in, z->bound_out, z->bound_checkpoints, z->bound_ckpt_out,
                      z->bound_finished);
    *clone = c;
    return S4C_OK;
}

/*
 * Body: flags u8; varint checkpoints; varint output since the last recorded
 * checkpoint; with FLAG_DICT varint ZDICT id (0: raw content) and u64 XXH64
 * of the dictionary's bytes. Always the last frame boundary's state.
 */
s4c_status s4c_zstd_decoder_save(const void *impl, s4c_blob_writer *w, s4c_error_detail *d) {
    (void)d;
    const zstd_decoder *z = impl;
    uint8_t flags = (uint8_t)((z->single_frame ? FLAG_SINGLE_FRAME : 0) |
                              (z->bound_finished ? FLAG_FINISHED : 0) |
                              (z->dict_size ? FLAG_DICT : 0));
    s4c_blob_put_u8(w, flags);
    s4c_blob_put_varint(w, z->bound_checkpoints);
    s4c_blob_put_varint(w, z->bound_out - z->bound_ckpt_out);
    if (z->dict_size) {
        s4c_blob_put_varint(w, z->dict_id);
        s4c_blob_put_u64(w, z->dict_hash);
    }
    return S4C_OK;
}

#define LOAD_FAIL(...)                                                                        \
    do {                                                                                      \
        s4c_blob_reader_fail(r, __VA_ARGS__);                                                 \
        return s4c_blob_reader_status(r, d);                                                  \
    } while (0)

/*
 * The resume point against what a zstd decoder can do. (The saved point after
 * it is not checked: a decoder loaded from an inexact blob and saved again
 * before it has re-decoded that far reports consumed = its resume point.)
 */
static s4c_status check_positions(s4c_blob_reader *r, const s4c_state_info *info,
                                  s4c_error_detail *d) {
    uint64_t c = info->resume_offset, p = info->resume_produced;
    if (c <= UINT64_MAX / MAX_EXPANSION && p > c * MAX_EXPANSION)
        LOAD_FAIL("zstd state has %llu bytes of output from %llu bytes of input, more than zstd "
                  "can expand", (unsigned long long)p, (unsigned long long)c);
    return S4C_OK;
}

static s4c_status check_dictionary(const s4c_decoder_options *o, int has_dict, uint32_t id,
                                   uint64_t hash, s4c_blob_reader *r, s4c_error_detail *d) {
    const void *dict = o->dict;
    size_t size = dict ? o->dict_size : 0;
    if (!has_dict && !size) return S4C_OK;
    if (has_dict && !size)
        return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                        "the saved state was made with a zstd dictionary (id %u, XXH64 %016llx); "
                        "pass the same dictionary in the decoder options",
                        id, (unsigned long long)hash);
    uint32_t given_id = ZSTD_getDictID_fromDict(dict, size);
    uint64_t given_hash = XXH64(dict, size, 0);
    if (!has_dict)
        return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                        "the saved state was made without a zstd dictionary; the decoder options "
                        "give one (id %u, XXH64 %016llx)",
                        given_id, (unsigned long long)given_hash);
    if (hash != given_hash)
        return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                        "the saved state was made with another zstd dictionary (id %u, XXH64 "
                        "%016llx); the decoder options give id %u, XXH64 %016llx",
                        id, (unsigned long long)hash, given_id, (unsigned long long)given_hash);
    if (id != given_id)
        LOAD_FAIL("zstd dictionary id %u does not match the dictionary's own id %u", id,
                  given_id);
    return S4C_OK;
}

s4c_status s4c_zstd_decoder_load(const s4c_decoder_options *o, s4c_blob_reader *r,
                                 const s4c_state_info *info, void **impl, s4c_error_detail *d) {
    int need_dict = info->kind == S4C_KIND_CPU_ZSTD_DICT;
    uint8_t flags = s4c_blob_get_u8(r);
    uint64_t checkpoints = s4c_blob_get_varint(r);
    uint64_t since = s4c_blob_get_varint(r);
    uint64_t id = 0, hash = 0;
    if (flags & FLAG_DICT) {
        id = s4c_blob_get_varint(r);
        hash = s4c_blob_get_u64(r);
    }
    if (r->bad) return s4c_blob_reader_status(r, d);

    uint64_t c = info->resume_offset, p = info->resume_produced;
    if (flags & ~FLAGS_KNOWN) LOAD_FAIL("zstd state flags 0x%02x set unknown bits", flags);
    if ((flags & FLAG_FINISHED) && !(flags & FLAG_SINGLE_FRAME))
        LOAD_FAIL("zstd state has finished its frame but is not in single-frame mode");
    if ((flags & FLAG_FINISHED) && c < 8)
        LOAD_FAIL("zstd state has finished its frame after %llu bytes (a frame takes at least 8)",
                  (unsigned long long)c);
    if ((flags & FLAG_FINISHED) && (info->consumed != c || info->produced != p))
        LOAD_FAIL("a single-frame zstd decoder went on after its frame had finished");
    if (!(flags & FLAG_DICT) && need_dict)
        LOAD_FAIL("a cpu-zstd-dict state must name its dictionary");
    if (id > UINT32_MAX) LOAD_FAIL("zstd dictionary id %llu is out of range", (unsigned long long)id);
    if (since > p)
        LOAD_FAIL("zstd state's last checkpoint lies %llu bytes back, before the stream's start "
                  "(%llu bytes of output)", (unsigned long long)since, (unsigned long long)p);
    if (checkpoints == 0 && since != p)
        LOAD_FAIL("zstd state records no checkpoint but counts %llu of its %llu output bytes "
                  "since one", (unsigned long long)since, (unsigned long long)p);
    if (checkpoints > p - since)
        LOAD_FAIL("zstd state counts %llu checkpoints within its first %llu output bytes",
                  (unsigned long long)checkpoints, (unsigned long long)(p - since));
    S4C_TRY(check_positions(r, info, d));
    S4C_TRY(check_dictionary(o, (flags & FLAG_DICT) != 0, (uint32_t)id, hash, r, d));

    s4c_decoder_options lo = *o;
    lo.single_frame = (flags & FLAG_SINGLE_FRAME) != 0;
    zstd_decoder *z = NULL;
    S4C_TRY(s4c_zdec_new(&lo, need_dict, o->dict, o->dict ? o->dict_size : 0, &z, d));
    stand_at_boundary(z, c, p, checkpoints, p - since, (flags & FLAG_FINISHED) != 0);
    *impl = z;
    return S4C_OK;
}

/*
 * A decoder standing at a frame boundary without having decoded anything:
 * for checkpoint indexes built from a seek table (no scan). s4c_decoder_save
 * on it gives exactly the blob a scanning decoder saves there.
 */
s4c_status s4c_zstd_decoder_at_boundary(uint32_t kind, const s4c_decoder_options *o,
                                        const void *head, size_t head_len, uint64_t consumed,
                                        uint64_t produced, uint64_t checkpoints,
                                        uint64_t last_checkpoint_out, s4c_decoder **dec_ret,
                                        s4c_error_detail *d) {
    *dec_ret = NULL;
    if ((kind != S4C_KIND_CPU_ZSTD && kind != S4C_KIND_CPU_ZSTD_DICT) || !head ||
        last_checkpoint_out > produced || checkpoints > last_checkpoint_out ||
        (o && o->single_frame))
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT,
                        "invalid arguments for a zstd decoder at a frame boundary");
    size_t keep = head_len;
    if (keep > S4C_FINGERPRINT_BYTES) keep = S4C_FINGERPRINT_BYTES;
    if (keep > consumed) keep = (size_t)consumed;
    if (keep < S4C_FINGERPRINT_BYTES && keep < consumed)
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT,
                        "the stream head must hold min(4096, consumed) bytes for the fingerprint");
    s4c_decoder *dec = NULL;
    S4C_TRY(s4c_decoder_create(kind, o, &dec, d));
    stand_at_boundary(dec->impl, consumed, produced, checkpoints, last_checkpoint_out, 0);
    memcpy(dec->head, head, keep);
    dec->head_len = (uint32_t)keep;
    dec->head_frozen = 1;
    *dec_ret = dec;
    return S4C_OK;
}
