/*
 * deflate_block_scan.h — walks the blocks of a complete raw DEFLATE stream
 * without producing output: where each block starts, which one is final, and
 * the bit where the stream ends.
 */
#ifndef S4C_DEFLATE_BLOCK_SCAN_H
#define S4C_DEFLATE_BLOCK_SCAN_H

#include "../core/codec_internal.h"

typedef struct s4c_deflate_block_info {
    uint64_t start_bit; /* bit offset of the block's BFINAL bit (bit 0 = LSB of byte 0) */
    uint64_t out_start; /* decoded bytes before the block */
    uint32_t type;      /* BTYPE: 0 stored, 1 static Huffman, 2 dynamic Huffman */
    uint32_t final;     /* BFINAL */
} s4c_deflate_block_info;

/* Called once per block, in order; may be NULL. */
typedef void (*s4c_deflate_block_fn)(void *ctx, const s4c_deflate_block_info *block);

typedef struct s4c_deflate_scan_result {
    uint64_t final_block_bit; /* start_bit of the final block */
    uint64_t end_bit;         /* first bit after the final block's end-of-block code */
    uint64_t blocks;
    uint64_t out_size; /* decoded length of the whole stream */
} s4c_deflate_scan_result;

/*
 * Scans src[0..n) from its first bit up to the end of the final block,
 * counting the bytes the blocks decode to.
 * Errors: S4C_ERROR_CORRUPT_DATA (invalid block or code), S4C_ERROR_TRUNCATED_INPUT
 * (the input ends before the final block does). Bytes after the stream are
 * not looked at. Distances are not checked against the output position.
 */
S4C_INTERNAL s4c_status s4c_deflate_scan(const uint8_t *src, size_t n, s4c_deflate_block_fn fn,
                                         void *ctx, s4c_deflate_scan_result *result);

#endif /* S4C_DEFLATE_BLOCK_SCAN_H */
