/*
 * frame_s4f2.c — S4F2 data frames and S4P1 padding frames (docs/formats/s4f2.md).
 *
 * read_frame runs S4's five checks in S4's order, and every failure carries
 * S4's FrameError Display text, because front ends show it verbatim (the
 * Python layer prefixes "frame error: "). The length check comes before the
 * magic check, so a 3-byte "S4F" is "too short", not "bad magic".
 */
#include <stdio.h>

#include "container_internal.h"

static const uint8_t frame_magic[4] = {0x53, 0x34, 0x46, 0x32};   /* "S4F2" */
static const uint8_t padding_magic[4] = {0x53, 0x34, 0x50, 0x31}; /* "S4P1" */

int s4c_is_padding_magic(const uint8_t *p) { return memcmp(p, padding_magic, 4) == 0; }

s4c_status s4c_frame_too_short(size_t have, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_FRAME_TOO_SHORT, "frame too short: need at least %d bytes, have %zu",
             S4C_FRAME_HEADER_BYTES, have);
    if (d) d->expected = S4C_FRAME_HEADER_BYTES, d->got = have;
    return S4C_ERROR_FRAME_TOO_SHORT;
}

s4c_status s4c_frame_payload_too_large(uint64_t size, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_FRAME_PAYLOAD_TOO_LARGE,
             "frame payload size %llu exceeds usize on this target", (unsigned long long)size);
    if (d) d->got = size, d->limit = SIZE_MAX;
    return S4C_ERROR_FRAME_PAYLOAD_TOO_LARGE;
}

s4c_status s4c_frame_payload_truncated(uint64_t size, uint64_t remaining, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_FRAME_PAYLOAD_TRUNCATED,
             "frame compressed_size %llu exceeds remaining buffer %llu", (unsigned long long)size,
             (unsigned long long)remaining);
    if (d) d->expected = size, d->got = remaining;
    return S4C_ERROR_FRAME_PAYLOAD_TRUNCATED;
}

/* Rust prints a [u8; 4] with Debug as "[83, 52, 70, 50]". */
static s4c_status bad_magic(const uint8_t *got, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_FRAME_BAD_MAGIC,
             "bad frame magic: expected [%u, %u, %u, %u], got [%u, %u, %u, %u]", frame_magic[0],
             frame_magic[1], frame_magic[2], frame_magic[3], got[0], got[1], got[2], got[3]);
    if (d) d->expected = s4c_load_le32(frame_magic), d->got = s4c_load_le32(got);
    return S4C_ERROR_FRAME_BAD_MAGIC;
}

static s4c_status unknown_codec(uint32_t id, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_FRAME_UNKNOWN_CODEC,
             "unknown codec id %u in frame header (decoder out of date?)", id);
    if (d) d->got = id;
    return S4C_ERROR_FRAME_UNKNOWN_CODEC;
}

void s4c_frame_write_header(const s4c_manifest *h, uint8_t out[S4C_FRAME_HEADER_BYTES]) {
    memcpy(out, frame_magic, 4);
    s4c_store_le32(out + 4, h->codec);
    s4c_store_le64(out + 8, h->original_size);
    s4c_store_le64(out + 16, h->compressed_size);
    s4c_store_le32(out + 24, h->crc32c);
}

s4c_status s4c_check_frame_header(const uint8_t *p, s4c_manifest *h, s4c_error_detail *d) {
    if (memcmp(p, frame_magic, 4) != 0) return bad_magic(p, d);
    uint32_t codec = s4c_load_le32(p + 4);
    if (!s4c_kind_name(codec)) return unknown_codec(codec, d);
    uint64_t compressed = s4c_load_le64(p + 16);
    if (compressed > SIZE_MAX) return s4c_frame_payload_too_large(compressed, d);
    h->codec = codec;
    h->original_size = s4c_load_le64(p + 8);
    h->compressed_size = compressed;
    h->crc32c = s4c_load_le32(p + 24);
    return S4C_OK;
}

s4c_status s4c_read_frame(const void *buf, size_t len, s4c_frame *f, size_t *consumed_ret,
                          s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!f || (!buf && len), S4C_ERROR_INVALID_ARGUMENT);
    const uint8_t *p = buf;
    if (len < S4C_FRAME_HEADER_BYTES) return s4c_frame_too_short(len, d);
    s4c_manifest h;
    S4C_TRY(s4c_check_frame_header(p, &h, d));
    size_t remaining = len - S4C_FRAME_HEADER_BYTES;
    if (h.compressed_size > remaining)
        return s4c_frame_payload_truncated(h.compressed_size, remaining, d);
    size_t compressed = (size_t)h.compressed_size;

    f->header = h;
    f->payload = p + S4C_FRAME_HEADER_BYTES;
    f->payload_size = (size_t)compressed;
    f->offset = 0;
    if (consumed_ret) *consumed_ret = S4C_FRAME_HEADER_BYTES + (size_t)compressed;
    return S4C_OK;
}

void s4c_padding_write_header(uint64_t pad_len, uint8_t out[S4C_PADDING_HEADER_BYTES]) {
    memcpy(out, padding_magic, 4);
    s4c_store_le64(out + 4, pad_len);
}

uint64_t s4c_pad_to_minimum_size(uint64_t len, uint64_t min) {
    if (len >= min) return 0;
    uint64_t need = min - len;
    uint64_t pad_len = need > S4C_PADDING_HEADER_BYTES ? need - S4C_PADDING_HEADER_BYTES : 0;
    return S4C_PADDING_HEADER_BYTES + pad_len;
}

s4c_status s4c_pad_to_minimum(void *buf, size_t len, size_t capacity, uint64_t min,
                              size_t *len_ret) {
    S4C_RETURN_IF(!len_ret || (!buf && capacity) || len > capacity, S4C_ERROR_INVALID_ARGUMENT);
    uint64_t add = s4c_pad_to_minimum_size(len, min);
    S4C_RETURN_IF(add > capacity - len, S4C_ERROR_DST_TOO_SMALL);
    if (add) {
        uint8_t *p = (uint8_t *)buf + len;
        s4c_padding_write_header(add - S4C_PADDING_HEADER_BYTES, p);
        memset(p + S4C_PADDING_HEADER_BYTES, 0, (size_t)add - S4C_PADDING_HEADER_BYTES);
    }
    *len_ret = len + (size_t)add;
    return S4C_OK;
}
