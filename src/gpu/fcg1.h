/*
 * fcg1.h — S4's FCG1 container (s4-compat.md §5.3, docs/formats/fcg1.md):
 * the byte layout every nvcomp-* kind writes and reads. Pure C, no GPU: the
 * parser is the first thing to touch untrusted bytes, so it checks every
 * field and size before anything is uploaded or decoded.
 */
#ifndef S4C_GPU_FCG1_H
#define S4C_GPU_FCG1_H

#include "../core/codec_internal.h"

#define S4C_FCG1_MAGIC "FCG1"
#define S4C_FCG1_HEADER_BYTES 24
#define S4C_FCG1_CHUNK_SIZE 65536u /* S4's chunk size */
#define S4C_FCG1_CHUNK_MIN 1u      /* valid chunk_size range on read */
#define S4C_FCG1_CHUNK_MAX (16u * 1024 * 1024)

/* Algorithm tags in byte 4. */
enum {
    S4C_FCG1_SNAPPY = 1,
    S4C_FCG1_LZ4 = 2,
    S4C_FCG1_ZSTD = 3,
    S4C_FCG1_BITCOMP = 4,
    S4C_FCG1_GDEFLATE = 5
};

/* Bitcomp data-type tags in byte 5 (0 for every other algorithm). */
enum { S4C_FCG1_TYPE_CHAR = 0, S4C_FCG1_TYPE_MAX = 11 /* bf16 */ };

typedef struct s4c_fcg1 {
    uint8_t algo;
    uint8_t data_type;
    uint64_t orig_size;
    uint32_t chunk_size;
    uint32_t num_chunks;
    const uint8_t *sizes;   /* num_chunks u32 LE, inside the parsed buffer */
    const uint8_t *payload; /* first chunk payload */
    size_t payload_size;    /* sum of the chunk sizes */
} s4c_fcg1;

/* Name of an algorithm tag ("zstd"), or NULL for an unknown one. */
S4C_INTERNAL const char *s4c_fcg1_algo_name(uint8_t algo);

/*
 * Parses and checks an FCG1 blob in S4's order: length >= 24, magic, known
 * tag, data-type tag, chunk_size range (when num_chunks > 0), chunk count
 * covers orig_size exactly, size table and payload total within the buffer.
 * Trailing bytes after the payload are ignored (S4 does). Failures are
 * S4C_ERROR_BACKEND with "FCG1: ..." in d (S4 reports them as backend errors).
 */
S4C_INTERNAL s4c_status s4c_fcg1_parse(const uint8_t *src, size_t n, s4c_fcg1 *out,
                                       s4c_error_detail *d);

/* Compressed size of chunk i of a parsed blob. */
static inline uint32_t s4c_fcg1_chunk_csize(const s4c_fcg1 *f, uint32_t i) {
    return s4c_load_le32(f->sizes + 4 * (size_t)i);
}
/* Uncompressed size of chunk i: chunk_size, the remainder for the last. */
static inline size_t s4c_fcg1_chunk_usize(const s4c_fcg1 *f, uint32_t i) {
    uint64_t off = (uint64_t)i * f->chunk_size;
    uint64_t left = f->orig_size - off;
    return (size_t)(left < f->chunk_size ? left : f->chunk_size);
}

/* Number of chunk_size chunks for n input bytes (0 for empty input). */
static inline uint64_t s4c_fcg1_chunk_count(uint64_t n, uint32_t chunk_size) {
    return n == 0 ? 0 : (n - 1) / chunk_size + 1;
}

/* Bytes of the header plus size table for `num_chunks` chunks. */
static inline size_t s4c_fcg1_header_size(uint32_t num_chunks) {
    return S4C_FCG1_HEADER_BYTES + 4 * (size_t)num_chunks;
}

/*
 * Writes the header and size table; the payloads follow at
 * dst + s4c_fcg1_header_size(num_chunks). `csizes` may be NULL (zeros are
 * written; fill them in with s4c_fcg1_set_chunk_size). Returns bytes written,
 * 0 when cap is too small.
 */
S4C_INTERNAL size_t s4c_fcg1_write_header(uint8_t *dst, size_t cap, uint8_t algo, uint8_t data_type,
                                          uint64_t orig_size, uint32_t chunk_size,
                                          uint32_t num_chunks, const uint32_t *csizes);
static inline void s4c_fcg1_set_chunk_size(uint8_t *blob, uint32_t i, uint32_t csize) {
    s4c_store_le32(blob + S4C_FCG1_HEADER_BYTES + 4 * (size_t)i, csize);
}

/* Worst-case FCG1 size for n bytes with per-chunk bound `chunk_bound(chunk)`. */
S4C_INTERNAL size_t s4c_fcg1_bound(size_t n, uint32_t chunk_size, uint8_t algo);
/* S4's max_compressed_len per chunk: zstd/gdeflate/others chunk + chunk/200 + 64,
 * bitcomp chunk + chunk/64 + 64. */
S4C_INTERNAL size_t s4c_fcg1_chunk_bound(size_t chunk, uint8_t algo);

#endif /* S4C_GPU_FCG1_H */
