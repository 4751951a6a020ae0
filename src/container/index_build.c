/*
 * index_build.c — S4's build_index_from_body: the sidecar entries of a body.
 *
 * Deliberately not the frame iterator: S4's builder stops silently at a short
 * tail (fewer than 28 bytes, a cut padding header, a padding frame running past
 * the end) where FrameIter would report an error, so a sidecar can be built
 * for any body the gateway stored. Data-frame parse errors still propagate.
 */
#include "container_internal.h"

static s4c_status build(s4c_index *idx, const uint8_t *body, size_t size, s4c_error_detail *d) {
    size_t cursor = 0;
    uint64_t original = 0;
    while (cursor < size) {
        size_t left = size - cursor;
        const uint8_t *p = body + cursor;
        if (left >= 4 && s4c_is_padding_magic(p)) {
            if (left < S4C_PADDING_HEADER_BYTES) break;
            uint64_t pad_len = s4c_load_le64(p + 4);
            if (pad_len > SIZE_MAX - S4C_PADDING_HEADER_BYTES - cursor)
                return s4c_frame_payload_too_large(pad_len, d);
            size_t next = cursor + S4C_PADDING_HEADER_BYTES + (size_t)pad_len;
            if (next > size) break;
            cursor = next;
            continue;
        }
        if (left < S4C_FRAME_HEADER_BYTES) break;
        s4c_frame f;
        size_t consumed = 0;
        S4C_TRY(s4c_read_frame(p, left, &f, &consumed, d));
        s4c_index_entry e = {original, f.header.original_size, cursor, consumed};
        S4C_TRY(s4c_index_append(idx, &e, d)); /* original offset overflow, MAX_FRAMES */
        original += f.header.original_size;
        cursor += consumed;
    }
    s4c_index_set_total_padded(idx, size);
    return S4C_OK;
}

s4c_status s4c_build_index_from_body(const void *body, size_t size, s4c_index **idx_ret,
                                     s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!idx_ret || (!body && size), S4C_ERROR_INVALID_ARGUMENT);
    *idx_ret = NULL;
    s4c_index *idx = NULL;
    if (s4c_index_create(&idx) != S4C_OK)
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    s4c_status st = build(idx, body, size, d);
    if (st != S4C_OK) {
        s4c_index_free(idx);
        return st;
    }
    *idx_ret = idx;
    return S4C_OK;
}
