/*
 * gzip_header.c — RFC 1952 member header and trailer.
 *
 * The writer produces exactly the 10 bytes flate2's GzBuilder writes for S4
 * (no optional fields, MTIME 0, OS 255, XFL from the level). The reader
 * follows flate2's GzHeaderParser, which is what S4 decodes with: the ten
 * fixed bytes are collected before anything is checked (so a short input is
 * "unexpected end of file", never "invalid gzip header"), reserved FLG bits
 * are refused, FEXTRA / FNAME / FCOMMENT are skipped, FHCRC is verified, and
 * FNAME / FCOMMENT longer than 65535 bytes are refused. The reader is
 * incremental and keeps only plain counters, so one code path serves the
 * one-shot decoder and the streaming one, and its state can be saved.
 */
#include "gzip_header.h"

#include <isa-l/crc.h>

#define GZIP_ID1 0x1f
#define GZIP_ID2 0x8b
#define GZIP_CM_DEFLATE 8
#define GZIP_OS_UNKNOWN 255
#define FLG_FHCRC 0x02
#define FLG_FEXTRA 0x04
#define FLG_FNAME 0x08
#define FLG_FCOMMENT 0x10
#define FLG_RESERVED 0xe0

uint32_t s4c_gzip_crc32(uint32_t crc, const void *data, size_t len) {
    return len ? crc32_gzip_refl(crc, (const unsigned char *)data, (uint64_t)len) : crc;
}

/* flate2: XFL 2 at the best level (9), 4 at the fastest (1) and below, else 0. */
void s4c_gzip_write_header(uint8_t out[S4C_GZIP_HEADER_SIZE], int level) {
    out[0] = GZIP_ID1;
    out[1] = GZIP_ID2;
    out[2] = GZIP_CM_DEFLATE;
    out[3] = 0;                 /* FLG */
    s4c_store_le32(out + 4, 0); /* MTIME */
    out[8] = level >= 9 ? 2 : level <= 1 ? 4 : 0;
    out[9] = GZIP_OS_UNKNOWN;
}

void s4c_gzip_write_trailer(uint8_t out[S4C_GZIP_TRAILER_SIZE], uint32_t crc, uint64_t size) {
    s4c_store_le32(out, crc);
    s4c_store_le32(out + 4, (uint32_t)size); /* ISIZE is the length modulo 2^32 */
}

s4c_status s4c_gzip_trailer_check(const uint8_t trailer[S4C_GZIP_TRAILER_SIZE], uint32_t crc,
                                  uint64_t size, s4c_error_detail *d) {
    if (s4c_load_le32(trailer) != crc || s4c_load_le32(trailer + 4) != (uint32_t)size)
        return s4c_fail(d, S4C_ERROR_CHECKSUM_MISMATCH, S4C_GZIP_MSG_CHECKSUM);
    return S4C_OK;
}

void s4c_gzip_header_reader_init(s4c_gzip_header_reader *r) { memset(r, 0, sizeof(*r)); }

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* Moves up to `want - r->count` bytes into r->buf + r->count; 1 when complete. */
static int gather(s4c_gzip_header_reader *r, uint32_t want, const uint8_t *src, size_t n,
                  size_t *pos) {
    size_t k = min_size(want - r->count, n - *pos);
    if (k) memcpy(r->buf + r->count, src + *pos, k);
    r->count += (uint32_t)k;
    r->size += (uint32_t)k;
    *pos += k;
    return r->count == want;
}

static s4c_status check_fixed(s4c_gzip_header_reader *r, s4c_error_detail *d) {
    const uint8_t *b = r->buf;
    if (b[0] != GZIP_ID1 || b[1] != GZIP_ID2)
        return s4c_fail(d, S4C_ERROR_UNKNOWN_FORMAT, S4C_GZIP_MSG_BAD_HEADER);
    if (b[2] != GZIP_CM_DEFLATE || (b[3] & FLG_RESERVED))
        return s4c_fail(d, S4C_ERROR_UNSUPPORTED, S4C_GZIP_MSG_BAD_HEADER);
    r->flags = b[3];
    r->crc = s4c_gzip_crc32(0, b, S4C_GZIP_HEADER_SIZE);
    return S4C_OK;
}

/* A NUL-terminated field: skipped up to and including the NUL. */
static s4c_status skip_string(s4c_gzip_header_reader *r, const uint8_t *src, size_t n, size_t *pos,
                              int *complete, s4c_error_detail *d) {
    *complete = 0;
    if (*pos == n) return S4C_OK;
    const uint8_t *start = src + *pos;
    const uint8_t *nul = memchr(start, 0, n - *pos);
    size_t text = nul ? (size_t)(nul - start) : n - *pos;
    /* flate2 fails on the byte that would make the field 65536 bytes long. */
    if (text > (size_t)S4C_GZIP_FIELD_MAX - r->count)
        return s4c_fail(d, S4C_ERROR_CORRUPT_DATA, S4C_GZIP_MSG_FIELD_TOO_LONG);
    size_t k = text + (nul != NULL);
    r->crc = s4c_gzip_crc32(r->crc, start, k);
    r->count += (uint32_t)text;
    r->size += (uint32_t)k;
    *pos += k;
    *complete = nul != NULL;
    return S4C_OK;
}

static void next_stage(s4c_gzip_header_reader *r, s4c_gzip_header_stage stage) {
    r->stage = stage;
    r->count = 0;
}

s4c_status s4c_gzip_header_read(s4c_gzip_header_reader *r, const uint8_t *src, size_t n,
                                size_t *pos, s4c_error_detail *d) {
    while (r->stage != S4C_GZIP_HDR_DONE) {
        int complete = 0;
        switch (r->stage) {
        case S4C_GZIP_HDR_FIXED:
            if (!gather(r, S4C_GZIP_HEADER_SIZE, src, n, pos)) return S4C_OK;
            S4C_TRY(check_fixed(r, d));
            next_stage(r, S4C_GZIP_HDR_XLEN);
            break;
        case S4C_GZIP_HDR_XLEN:
            if (!(r->flags & FLG_FEXTRA)) {
                next_stage(r, S4C_GZIP_HDR_NAME);
                break;
            }
            if (!gather(r, 2, src, n, pos)) return S4C_OK;
            r->crc = s4c_gzip_crc32(r->crc, r->buf, 2);
            r->xlen = (uint32_t)r->buf[0] | (uint32_t)r->buf[1] << 8;
            next_stage(r, S4C_GZIP_HDR_EXTRA);
            break;
        case S4C_GZIP_HDR_EXTRA: {
            size_t k = min_size(r->xlen - r->count, n - *pos);
            if (k) r->crc = s4c_gzip_crc32(r->crc, src + *pos, k);
            r->count += (uint32_t)k;
            r->size += (uint32_t)k;
            *pos += k;
            if (r->count < r->xlen) return S4C_OK;
            next_stage(r, S4C_GZIP_HDR_NAME);
            break;
        }
        case S4C_GZIP_HDR_NAME:
        case S4C_GZIP_HDR_COMMENT: {
            int is_name = r->stage == S4C_GZIP_HDR_NAME;
            if (r->flags & (is_name ? FLG_FNAME : FLG_FCOMMENT)) {
                S4C_TRY(skip_string(r, src, n, pos, &complete, d));
                if (!complete) return S4C_OK;
            }
            next_stage(r, is_name ? S4C_GZIP_HDR_COMMENT : S4C_GZIP_HDR_HCRC);
            break;
        }
        case S4C_GZIP_HDR_HCRC:
            if (r->flags & FLG_FHCRC) {
                if (!gather(r, 2, src, n, pos)) return S4C_OK;
                uint32_t stored = (uint32_t)r->buf[0] | (uint32_t)r->buf[1] << 8;
                if (stored != (r->crc & 0xffffu))
                    return s4c_fail(d, S4C_ERROR_CHECKSUM_MISMATCH, S4C_GZIP_MSG_CHECKSUM);
            }
            next_stage(r, S4C_GZIP_HDR_DONE);
            break;
        default:
            return s4c_fail(d, S4C_ERROR_STAGE, "gzip header reader in an unknown stage");
        }
    }
    return S4C_OK;
}
