/*
 * deflate_encoder.h — raw DEFLATE encoding of one buffer at an S4 level, as
 * a complete stream (one-shot, last chunk) or as blocks that a later chunk
 * continues (streaming).
 */
#ifndef S4C_DEFLATE_ENCODER_H
#define S4C_DEFLATE_ENCODER_H

#include "../core/codec_internal.h"

struct libdeflate_compressor;

typedef struct s4c_deflate_encoder {
    struct libdeflate_compressor *backend; /* allocated on first use */
    int level;                             /* S4 level, 0..9 */
} s4c_deflate_encoder;

/* The libdeflate level that an S4 level runs (docs/codecs/gzip.md). */
S4C_INTERNAL int s4c_deflate_backend_level(int level);

S4C_INTERNAL void s4c_deflate_encoder_init(s4c_deflate_encoder *e, int level);
S4C_INTERNAL void s4c_deflate_encoder_destroy(s4c_deflate_encoder *e);

/* Room s4c_deflate_encode needs for n input bytes, final or not (SIZE_MAX on overflow). */
S4C_INTERNAL size_t s4c_deflate_encode_bound(size_t n);

/*
 * Encodes src[0..n) into dst. final = 1: a complete stream (the last block
 * has BFINAL). final = 0: blocks without BFINAL followed by an empty stored
 * block, so the output ends byte-aligned, decodes completely, and the next
 * chunk's blocks can follow it directly. Errors: DST_TOO_SMALL, OUT_OF_MEMORY,
 * BACKEND.
 */
S4C_INTERNAL s4c_status s4c_deflate_encode(s4c_deflate_encoder *e, const uint8_t *src, size_t n,
                                           int final, uint8_t *dst, size_t cap, size_t *written);

#endif /* S4C_DEFLATE_ENCODER_H */
