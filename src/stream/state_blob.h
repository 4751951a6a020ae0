/*
 * state_blob.h — building and parsing the codec body of a saved decoder state
 * (docs/formats/state.md). The generic envelope (magic, version, kind,
 * positions, fingerprint, CRC32C) is written by src/stream/resume.c; codecs
 * only append/read their own fields through these helpers.
 *
 * Encoding rules: integers little-endian; counters and sizes as unsigned
 * LEB128 varints (at most 10 bytes, canonical: no redundant 0x80 tail);
 * windows (history bytes) zstd-compressed when that is smaller.
 *
 * The reader is for untrusted bytes: every get checks bounds; the first
 * failure makes the reader "bad" (later gets return zeros) and records a
 * message; s4c_blob_reader_status() turns it into S4C_ERROR_STATE_INVALID.
 */
#ifndef S4C_STATE_BLOB_H
#define S4C_STATE_BLOB_H

#include "../core/codec_internal.h"

struct s4c_blob_writer {
    uint8_t *buf;
    size_t size;
    size_t cap;
    int oom; /* an allocation failed; every later put is ignored */
};

struct s4c_blob_reader {
    const uint8_t *p;
    size_t size;
    size_t pos;
    int bad;
    int oom;       /* bad because an allocation failed, not because of the blob */
    char why[160]; /* first failure, e.g. "lz4 stage 42 is out of range" */
};

/* ---- writer (growable; s4c_malloc'd buffer) */
S4C_INTERNAL void s4c_blob_writer_init(s4c_blob_writer *w);
S4C_INTERNAL void s4c_blob_writer_release(s4c_blob_writer *w);
S4C_INTERNAL void s4c_blob_put_u8(s4c_blob_writer *w, uint8_t v);
S4C_INTERNAL void s4c_blob_put_u32(s4c_blob_writer *w, uint32_t v); /* fixed LE */
S4C_INTERNAL void s4c_blob_put_u64(s4c_blob_writer *w, uint64_t v); /* fixed LE */
S4C_INTERNAL void s4c_blob_put_varint(s4c_blob_writer *w, uint64_t v);
S4C_INTERNAL void s4c_blob_put_bytes(s4c_blob_writer *w, const void *p, size_t n);
/*
 * A window (history) of n bytes: varint n, then a method byte (0 raw, 1 zstd),
 * then for zstd varint compressed size + a zstd frame. Chooses the smaller.
 */
S4C_INTERNAL void s4c_blob_put_window(s4c_blob_writer *w, const void *p, size_t n);
/* S4C_OK, or S4C_ERROR_OUT_OF_MEMORY if any put failed. */
S4C_INTERNAL s4c_status s4c_blob_writer_status(const s4c_blob_writer *w);

/* ---- reader (bounds-checked) */
S4C_INTERNAL void s4c_blob_reader_init(s4c_blob_reader *r, const void *p, size_t n);
S4C_INTERNAL uint8_t s4c_blob_get_u8(s4c_blob_reader *r);
S4C_INTERNAL uint32_t s4c_blob_get_u32(s4c_blob_reader *r);
S4C_INTERNAL uint64_t s4c_blob_get_u64(s4c_blob_reader *r);
S4C_INTERNAL uint64_t s4c_blob_get_varint(s4c_blob_reader *r);
/* Points at the next n bytes (NULL and bad when fewer remain). */
S4C_INTERNAL const uint8_t *s4c_blob_get_bytes(s4c_blob_reader *r, size_t n);
/*
 * Reads a window written by s4c_blob_put_window into dst (at most cap bytes;
 * a larger window makes the reader bad). *n_ret receives its length.
 */
S4C_INTERNAL void s4c_blob_get_window(s4c_blob_reader *r, void *dst, size_t cap,
                                      size_t *n_ret);
/* Marks the reader bad with a printf-style reason (the first reason wins). */
S4C_INTERNAL void s4c_blob_reader_fail(s4c_blob_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* 1 when every byte was read and nothing failed. */
S4C_INTERNAL int s4c_blob_reader_done(const s4c_blob_reader *r);
/*
 * S4C_OK when not bad; else S4C_ERROR_STATE_INVALID with d->message
 * "invalid saved state: <why>" (or "…: truncated at byte N"), or
 * S4C_ERROR_OUT_OF_MEMORY when an allocation failed while reading.
 */
S4C_INTERNAL s4c_status s4c_blob_reader_status(const s4c_blob_reader *r, s4c_error_detail *d);

#endif /* S4C_STATE_BLOB_H */
