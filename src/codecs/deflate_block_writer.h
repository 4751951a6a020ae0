/*
 * deflate_block_writer.h — the few DEFLATE blocks we write bit by bit: a
 * static-Huffman block of literals, the empty final blocks, the empty stored
 * block that byte-aligns a stream, and clearing a block's BFINAL bit.
 */
#ifndef S4C_DEFLATE_BLOCK_WRITER_H
#define S4C_DEFLATE_BLOCK_WRITER_H

#include "../core/codec_internal.h"

/* Inputs up to this length get a literal-only static block (S4's bytes). */
#define S4C_DEFLATE_TINY_MAX 32
/* Worst case of s4c_deflate_write_static_literals for n bytes. */
#define S4C_DEFLATE_STATIC_LITERALS_BOUND(n) ((3 + 9 * (size_t)(n) + 7 + 7) / 8)
/* Bytes s4c_deflate_append_sync may add. */
#define S4C_DEFLATE_SYNC_MAX 5

/* An empty final block of each kind: static Huffman (level >= 1), stored (level 0). */
#define S4C_DEFLATE_EMPTY_FINAL_STATIC "\x03\x00"
#define S4C_DEFLATE_EMPTY_FINAL_STATIC_SIZE 2
#define S4C_DEFLATE_EMPTY_FINAL_STORED "\x01\x00\x00\xff\xff"
#define S4C_DEFLATE_EMPTY_FINAL_STORED_SIZE 5

/*
 * Writes src[0..n) as one static-Huffman block of literals (BFINAL = final)
 * at dst, which must hold S4C_DEFLATE_STATIC_LITERALS_BOUND(n) bytes; the
 * unused high bits of the last byte are zero. Returns the length in bits.
 */
S4C_INTERNAL uint64_t s4c_deflate_write_static_literals(const uint8_t *src, size_t n, int final,
                                                        uint8_t *dst);

/*
 * For a stream in dst whose last block ends at end_bit: zeroes the bits after
 * it, appends an empty non-final stored block (a sync marker, 00 00 ff ff
 * after the alignment) and returns the new length in bytes. Needs room for
 * S4C_DEFLATE_SYNC_MAX more bytes after the first ceil(end_bit / 8).
 */
S4C_INTERNAL size_t s4c_deflate_append_sync(uint8_t *dst, uint64_t end_bit);

/* Clears the BFINAL bit of the block that starts at `block_bit`. */
S4C_INTERNAL void s4c_deflate_clear_final(uint8_t *dst, uint64_t block_bit);

#endif /* S4C_DEFLATE_BLOCK_WRITER_H */
