/*
 * frame_iter.c — S4's FrameIter over a framed body.
 *
 * Padding frames are checked (header length, pad_len against SIZE_MAX and the
 * bytes left) and skipped, never yielded; data frames go through
 * s4c_read_frame(). The iterator is fused on its first error the way S4's is:
 * later calls report the end, and the error stays readable. That keeps a
 * caller's `while (next && has_frame)` loop finite without special cases.
 */
#include "container_internal.h"

void s4c_frame_iter_init(s4c_frame_iter *it, const void *body, size_t size) {
    if (!it) return;
    it->body = body;
    it->size = body ? size : 0;
    it->pos = 0;
    it->index = 0;
    it->status = S4C_OK;
}

s4c_status s4c_frame_iter_status(const s4c_frame_iter *it) {
    return it ? it->status : S4C_ERROR_INVALID_ARGUMENT;
}

size_t s4c_frame_iter_offset(const s4c_frame_iter *it) { return it ? it->pos : 0; }

static s4c_status fuse(s4c_frame_iter *it, s4c_status st) {
    it->status = st;
    return st;
}

s4c_status s4c_frame_iter_next(s4c_frame_iter *it, s4c_frame *f, int *has_frame,
                               s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!it || !f || !has_frame, S4C_ERROR_INVALID_ARGUMENT);
    *has_frame = 0;
    if (it->status != S4C_OK) return S4C_OK; /* fused */
    for (;;) {
        size_t left = it->size - it->pos;
        if (left == 0) return S4C_OK;
        const uint8_t *p = it->body + it->pos;
        if (left < 4) return fuse(it, s4c_frame_too_short(left, d));
        if (!s4c_is_padding_magic(p)) break;
        if (left < S4C_PADDING_HEADER_BYTES) return fuse(it, s4c_frame_too_short(left, d));
        uint64_t pad_len = s4c_load_le64(p + 4);
        if (pad_len > SIZE_MAX) return fuse(it, s4c_frame_payload_too_large(pad_len, d));
        size_t remaining = left - S4C_PADDING_HEADER_BYTES;
        if (pad_len > remaining)
            return fuse(it, s4c_frame_payload_truncated(pad_len, remaining, d));
        it->pos += S4C_PADDING_HEADER_BYTES + (size_t)pad_len;
    }
    size_t consumed = 0;
    s4c_status st = s4c_read_frame(it->body + it->pos, it->size - it->pos, f, &consumed, d);
    if (st != S4C_OK) return fuse(it, st);
    f->offset = it->pos;
    it->pos += consumed;
    it->index++;
    *has_frame = 1;
    return S4C_OK;
}
