/*
 * resume.c — position, clone, save and load of streaming decoders: the
 * generic envelope of saved states (docs/formats/state.md). The codec bodies
 * come from each kind's ops (decoder_save / decoder_load).
 *
 * Envelope v1 (little-endian):
 *    0  4  magic "S4CS"
 *    4  1  version (1)
 *    5  1  flags: bit 0 = exact (resume point == saved point); others zero
 *    6  2  codec kind
 *    8  4  total blob size
 *   12  8  consumed          20  8  produced
 *   28  8  resume_offset     36  8  resume_produced
 *   44  4  fingerprint_len (<= 4096)
 *   48  8  XXH64 (seed 0) of the stream's first fingerprint_len bytes
 *   56  …  codec body
 *  end-4 4 CRC32C of every byte before it
 */
#include <xxhash.h>

#include "state_blob.h"
#include "stream_internal.h"

#define STATE_MAGIC "S4CS"
#define STATE_VERSION 1
#define STATE_HEADER 56
#define STATE_MIN (STATE_HEADER + 4)
#define STATE_FLAG_EXACT 1u
#define STATE_MAX_SIZE (64u * 1024u * 1024u) /* far above any codec's worst case */

static s4c_status resumable_ops(const s4c_decoder *dec, s4c_error_detail *d) {
    if (!dec->ops->decoder_position || !dec->ops->decoder_save || !dec->ops->decoder_clone)
        return s4c_fail(d, S4C_ERROR_UNSUPPORTED, "%s decoders cannot be saved or cloned",
                        dec->ops->name);
    return S4C_OK;
}

s4c_status s4c_decoder_get_position(const s4c_decoder *dec, s4c_decoder_position *pos) {
    S4C_RETURN_IF(!dec || !pos, S4C_ERROR_INVALID_ARGUMENT);
    memset(pos, 0, sizeof(*pos));
    S4C_RETURN_IF(!dec->ops->decoder_position, S4C_ERROR_UNSUPPORTED);
    dec->ops->decoder_position(dec->impl, pos);
    if (dec->skip_to) {
        /* Still re-decoding towards the saved point: not at a checkpoint, and a
         * save now must resume where this decoder itself resumed. */
        pos->at_checkpoint = 0;
    }
    return S4C_OK;
}

s4c_status s4c_decoder_clone(const s4c_decoder *dec, s4c_decoder **clone_ret,
                             s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!dec || !clone_ret, S4C_ERROR_INVALID_ARGUMENT);
    *clone_ret = NULL;
    S4C_TRY(resumable_ops(dec, d));
    if (dec->failed != S4C_OK)
        return s4c_fail(d, S4C_ERROR_FAILED_STATE, "cannot clone a decoder that failed: %s",
                        dec->error.message);
    s4c_decoder *c = s4c_calloc(1, sizeof(*c));
    S4C_RETURN_IF(!c, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    memcpy(c, dec, sizeof(*c));
    c->impl = NULL;
    c->skip_buf = NULL; /* allocated again on demand */
    s4c_status st = dec->ops->decoder_clone(dec->impl, &c->impl, d);
    if (st != S4C_OK) {
        s4c_free(c);
        return st;
    }
    *clone_ret = c;
    return S4C_OK;
}

s4c_status s4c_decoder_save(const s4c_decoder *dec, void *dst, size_t cap, size_t *size_ret,
                            s4c_error_detail *d) {
    s4c_detail_clear(d);
    if (size_ret) *size_ret = 0;
    S4C_RETURN_IF(!dec || !size_ret, S4C_ERROR_INVALID_ARGUMENT);
    S4C_TRY(resumable_ops(dec, d));
    if (dec->failed != S4C_OK)
        return s4c_fail(d, S4C_ERROR_FAILED_STATE, "cannot save a decoder that failed: %s",
                        dec->error.message);
    s4c_decoder_position pos;
    dec->ops->decoder_position(dec->impl, &pos);
    uint64_t produced = pos.produced;
    uint64_t consumed = pos.consumed;
    if (dec->skip_to > produced) {
        /* Saved again before the re-decode reached the loaded position: the
         * new blob stands where the loaded one did. */
        produced = dec->skip_to;
        if (dec->skip_consumed > consumed) consumed = dec->skip_consumed;
    }
    int exact = pos.resume_offset == consumed && pos.resume_produced == produced;

    s4c_blob_writer w;
    s4c_blob_writer_init(&w);
    uint8_t header[STATE_HEADER] = {0};
    s4c_blob_put_bytes(&w, header, sizeof(header));
    s4c_status st = dec->ops->decoder_save(dec->impl, &w, d);
    if (st == S4C_OK) {
        s4c_blob_put_u32(&w, 0); /* CRC32C, filled below */
        st = s4c_blob_writer_status(&w);
        if (st != S4C_OK) s4c_fail(d, st, "out of memory saving the decoder state");
    }
    if (st == S4C_OK && w.size > STATE_MAX_SIZE)
        st = s4c_fail(d, S4C_ERROR_UNSUPPORTED, "decoder state of %zu bytes is too large",
                      w.size);
    if (st != S4C_OK) {
        s4c_blob_writer_release(&w);
        return st;
    }
    uint8_t *b = w.buf;
    memcpy(b, STATE_MAGIC, 4);
    b[4] = STATE_VERSION;
    b[5] = exact ? STATE_FLAG_EXACT : 0;
    b[6] = (uint8_t)dec->ops->kind;
    b[7] = (uint8_t)(dec->ops->kind >> 8);
    s4c_store_le32(b + 8, (uint32_t)w.size);
    s4c_store_le64(b + 12, consumed);
    s4c_store_le64(b + 20, produced);
    s4c_store_le64(b + 28, pos.resume_offset);
    s4c_store_le64(b + 36, pos.resume_produced);
    s4c_store_le32(b + 44, dec->head_len);
    s4c_store_le64(b + 48, XXH64(dec->head, dec->head_len, 0));
    s4c_store_le32(b + w.size - 4, s4c_crc32c(0, b, w.size - 4));

    *size_ret = w.size;
    if (!dst || cap < w.size) {
        s4c_blob_writer_release(&w);
        return s4c_fail(d, S4C_ERROR_DST_TOO_SMALL,
                        "the saved state needs %zu bytes, the buffer has %zu", *size_ret,
                        dst ? cap : 0);
    }
    memcpy(dst, b, w.size);
    s4c_blob_writer_release(&w);
    return S4C_OK;
}

s4c_status s4c_state_inspect(const void *blob, size_t size, s4c_state_info *info,
                             s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!blob || !info, S4C_ERROR_INVALID_ARGUMENT);
    memset(info, 0, sizeof(*info));
    const uint8_t *b = blob;
    if (size < 4 || memcmp(b, STATE_MAGIC, 4) != 0)
        return s4c_fail(d, S4C_ERROR_STATE_INVALID,
                        "invalid saved state: not a saved decoder state (no \"S4CS\" magic)");
    if (size < 5 || b[4] != STATE_VERSION)
        return s4c_fail(d, S4C_ERROR_STATE_VERSION,
                        "saved state version %u is not supported (this build reads version %u)",
                        size < 5 ? 0u : b[4], STATE_VERSION);
    if (size < STATE_MIN)
        return s4c_fail(d, S4C_ERROR_STATE_INVALID,
                        "invalid saved state: %zu bytes is shorter than the %u-byte envelope",
                        size, STATE_MIN);
    uint32_t total = s4c_load_le32(b + 8);
    if (total != size)
        return s4c_fail(d, S4C_ERROR_STATE_INVALID,
                        "invalid saved state: it declares %u bytes but %zu were given", total,
                        size);
    uint32_t stored = s4c_load_le32(b + size - 4);
    uint32_t computed = s4c_crc32c(0, b, size - 4);
    if (stored != computed)
        return s4c_fail(d, S4C_ERROR_STATE_INVALID,
                        "invalid saved state: CRC32C mismatch (stored %08x, computed %08x)",
                        stored, computed);
    uint8_t flags = b[5];
    if (flags & ~STATE_FLAG_EXACT)
        return s4c_fail(d, S4C_ERROR_STATE_INVALID, "invalid saved state: unknown flags 0x%02x",
                        flags);
    info->version = b[4];
    info->kind = (uint32_t)b[6] | ((uint32_t)b[7] << 8);
    info->consumed = s4c_load_le64(b + 12);
    info->produced = s4c_load_le64(b + 20);
    info->resume_offset = s4c_load_le64(b + 28);
    info->resume_produced = s4c_load_le64(b + 36);
    info->fingerprint_len = s4c_load_le32(b + 44);
    info->at_checkpoint = (flags & STATE_FLAG_EXACT) != 0;
    const s4c_codec_ops *ops = s4c_ops_for_kind(info->kind);
    if (!ops || !ops->decoder_load)
        return s4c_fail(d, S4C_ERROR_STATE_INVALID,
                        "invalid saved state: codec kind %u has no resumable decoder", info->kind);
    if (info->fingerprint_len > S4C_FINGERPRINT_BYTES)
        return s4c_fail(d, S4C_ERROR_STATE_INVALID,
                        "invalid saved state: fingerprint covers %u bytes (at most %u)",
                        info->fingerprint_len, S4C_FINGERPRINT_BYTES);
    if (info->resume_offset > info->consumed || info->resume_produced > info->produced)
        return s4c_fail(d, S4C_ERROR_STATE_INVALID,
                        "invalid saved state: resume point lies after the saved position");
    if (info->at_checkpoint && (info->resume_offset != info->consumed ||
                                info->resume_produced != info->produced))
        return s4c_fail(d, S4C_ERROR_STATE_INVALID,
                        "invalid saved state: an exact state must resume where it was saved");
    return S4C_OK;
}

s4c_status s4c_decoder_load(const void *blob, size_t size, const void *head, size_t head_size,
                            const s4c_decoder_options *opts, s4c_decoder **dec_ret,
                            s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!blob || !dec_ret || (!head && head_size), S4C_ERROR_INVALID_ARGUMENT);
    *dec_ret = NULL;
    s4c_decoder_options o;
    S4C_TRY(s4c_decoder_options_copy(opts, &o));
    s4c_state_info info;
    S4C_TRY(s4c_state_inspect(blob, size, &info, d));
    const uint8_t *b = blob;
    if (head_size < info.fingerprint_len)
        return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                        "the saved state needs the stream's first %u bytes to check it belongs to "
                        "the stream; %zu were given", info.fingerprint_len, head_size);
    uint64_t fp = s4c_load_le64(b + 48);
    if (XXH64(head, info.fingerprint_len, 0) != fp)
        return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                        "the saved state belongs to another stream (the fingerprint of the first "
                        "%u bytes differs)", info.fingerprint_len);
    const s4c_codec_ops *ops = s4c_streaming_ops(info.kind, d, 0);
    if (!ops) return d ? d->status : S4C_ERROR_CODEC_UNAVAILABLE;

    s4c_decoder *dec = s4c_calloc(1, sizeof(*dec));
    S4C_RETURN_IF(!dec, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    dec->ops = ops;
    dec->opts = o;
    dec->opts.dict = NULL;
    s4c_detail_clear(&dec->error);
    s4c_blob_reader r;
    s4c_blob_reader_init(&r, b + STATE_HEADER, size - STATE_MIN);
    s4c_status st = ops->decoder_load(&o, &r, &info, &dec->impl, d);
    if (st == S4C_OK) {
        st = s4c_blob_reader_status(&r, d);
        if (st == S4C_OK && !s4c_blob_reader_done(&r))
            st = s4c_fail(d, S4C_ERROR_STATE_INVALID,
                          "invalid saved state: %zu unread bytes after the %s state",
                          r.size - r.pos, ops->name);
    }
    if (st == S4C_OK) {
        s4c_decoder_position pos;
        ops->decoder_position(dec->impl, &pos);
        if (pos.consumed != info.resume_offset || pos.produced != info.resume_produced)
            st = s4c_fail(d, S4C_ERROR_STATE_INVALID,
                          "invalid saved state: the %s state stands at %llu/%llu, the envelope "
                          "says %llu/%llu", ops->name, (unsigned long long)pos.consumed,
                          (unsigned long long)pos.produced,
                          (unsigned long long)info.resume_offset,
                          (unsigned long long)info.resume_produced);
    }
    if (st != S4C_OK) {
        if (dec->impl) ops->decoder_free(dec->impl);
        s4c_free(dec);
        if (st == S4C_ERROR_STATE_INVALID && d && d->status == S4C_OK)
            s4c_fail(d, st, "invalid saved state");
        return st;
    }
    /* The caller's head passed the check; keep as much of it as a fresh
     * decoder would, so a later save fingerprints as many bytes. */
    size_t keep = head_size < S4C_FINGERPRINT_BYTES ? head_size : S4C_FINGERPRINT_BYTES;
    if (keep) memcpy(dec->head, head, keep);
    dec->head_len = (uint32_t)keep;
    dec->head_frozen = 1;
    dec->skip_to = info.produced > info.resume_produced ? info.produced : 0;
    dec->skip_consumed = dec->skip_to ? info.consumed : 0;
    *dec_ret = dec;
    return S4C_OK;
}
