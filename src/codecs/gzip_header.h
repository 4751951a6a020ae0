/*
 * gzip_header.h — RFC 1952 member header and trailer: S4's writer and an
 * incremental, pointer-free reader with flate2's acceptance rules.
 */
#ifndef S4C_GZIP_HEADER_H
#define S4C_GZIP_HEADER_H

#include "../core/codec_internal.h"

#define S4C_GZIP_HEADER_SIZE 10  /* the fixed part; S4 writes nothing else */
#define S4C_GZIP_TRAILER_SIZE 8  /* CRC-32, ISIZE */
#define S4C_GZIP_FIELD_MAX 65535 /* flate2's limit on FNAME / FCOMMENT */

/* flate2's error texts (S4 shows them after "io error: "). */
#define S4C_GZIP_MSG_BAD_HEADER "invalid gzip header"
#define S4C_GZIP_MSG_CHECKSUM "corrupt gzip stream does not have a matching checksum"
#define S4C_GZIP_MSG_EOF "unexpected end of file"
#define S4C_GZIP_MSG_FIELD_TOO_LONG "gzip header field too long"
#define S4C_GZIP_MSG_BAD_DEFLATE "corrupt deflate stream"

/* S4's header: magic, CM 8, FLG 0, MTIME 0, XFL by level, OS 255. */
S4C_INTERNAL void s4c_gzip_write_header(uint8_t out[S4C_GZIP_HEADER_SIZE], int level);
S4C_INTERNAL void s4c_gzip_write_trailer(uint8_t out[S4C_GZIP_TRAILER_SIZE], uint32_t crc,
                                         uint64_t size);

typedef enum s4c_gzip_header_stage {
    S4C_GZIP_HDR_FIXED = 0, /* the 10 fixed bytes, checked once all have arrived */
    S4C_GZIP_HDR_XLEN,
    S4C_GZIP_HDR_EXTRA,
    S4C_GZIP_HDR_NAME,
    S4C_GZIP_HDR_COMMENT,
    S4C_GZIP_HDR_HCRC,
    S4C_GZIP_HDR_DONE
} s4c_gzip_header_stage;

/* Plain data only: the state can be copied, saved and restored as bytes. */
typedef struct s4c_gzip_header_reader {
    uint32_t stage;                    /* s4c_gzip_header_stage */
    uint32_t count;                    /* bytes of the current field seen so far */
    uint32_t xlen;                     /* FEXTRA length */
    uint32_t crc;                      /* CRC-32 of the header bytes so far (for FHCRC) */
    uint32_t size;                     /* header bytes consumed so far */
    uint8_t flags;                     /* FLG */
    uint8_t buf[S4C_GZIP_HEADER_SIZE]; /* the fixed part, XLEN or HCRC as they arrive */
} s4c_gzip_header_reader;

S4C_INTERNAL void s4c_gzip_header_reader_init(s4c_gzip_header_reader *r);

/*
 * Consumes header bytes from src[*pos..n). Returns S4C_OK with r->stage ==
 * S4C_GZIP_HDR_DONE once the header is complete (*pos then points at the
 * deflate data), or S4C_OK with *pos == n when more input is needed. Errors
 * (d->message set): UNKNOWN_FORMAT (magic), UNSUPPORTED (CM != 8 or reserved
 * FLG bits), CHECKSUM_MISMATCH (FHCRC), CORRUPT_DATA (field over 64 KiB).
 */
S4C_INTERNAL s4c_status s4c_gzip_header_read(s4c_gzip_header_reader *r, const uint8_t *src,
                                             size_t n, size_t *pos, s4c_error_detail *d);

/* Checks a member's trailer against the CRC-32 and length of its output. */
S4C_INTERNAL s4c_status s4c_gzip_trailer_check(const uint8_t trailer[S4C_GZIP_TRAILER_SIZE],
                                               uint32_t crc, uint64_t size, s4c_error_detail *d);

/* CRC-32 (IEEE, the gzip one), chainable from 0. */
S4C_INTERNAL uint32_t s4c_gzip_crc32(uint32_t crc, const void *data, size_t len);

#endif /* S4C_GZIP_HEADER_H */
