/*
 * deflate_encoder.c — which deflater runs, and how a chunk is made to
 * continue into the next one.
 *
 * Backend (measured, docs/codecs/gzip.md): libdeflate at the S4 level itself
 * for levels 0..9. Its output depends only on the input, the level and the
 * libdeflate version, never on CPU features. ISA-L's deflate is faster, but
 * its x86 kernels hash with the crc32 instruction and its portable C path with
 * a multiply, so its bytes could change from machine to machine, and its best
 * level (3) is 7-12% larger than zlib level 6. Inputs of up to 32 bytes at levels 1..9 are one
 * static block of literals, as S4 writes them (deflate_block_writer.c).
 *
 * Non-final chunks: libdeflate always ends its stream with a BFINAL block.
 * We find that block with the block scanner, clear its BFINAL bit and append
 * an empty stored block, giving a byte-aligned run of blocks that a decoder
 * reads through into the next chunk: one gzip member however long the stream.
 */
#include "deflate_encoder.h"

#include <libdeflate.h>

#include "deflate_block_scan.h"
#include "deflate_block_writer.h"

int s4c_deflate_backend_level(int level) { return level; }

void s4c_deflate_encoder_init(s4c_deflate_encoder *e, int level) {
    e->backend = NULL;
    e->level = level;
}

void s4c_deflate_encoder_destroy(s4c_deflate_encoder *e) {
    if (e->backend) libdeflate_free_compressor(e->backend);
    e->backend = NULL;
}

size_t s4c_deflate_encode_bound(size_t n) {
    size_t b = libdeflate_deflate_compress_bound(NULL, n);
    if (n <= S4C_DEFLATE_TINY_MAX && b < S4C_DEFLATE_STATIC_LITERALS_BOUND(n))
        b = S4C_DEFLATE_STATIC_LITERALS_BOUND(n);
    if (b < n || b > SIZE_MAX - S4C_DEFLATE_SYNC_MAX) return SIZE_MAX;
    return b + S4C_DEFLATE_SYNC_MAX;
}

/* Turns a complete stream of k bytes into a continuing one (see the top). */
static s4c_status make_nonfinal(uint8_t *dst, size_t k, size_t *written) {
    s4c_deflate_scan_result scan;
    s4c_status st = s4c_deflate_scan(dst, k, NULL, NULL, &scan);
    if (st == S4C_ERROR_OUT_OF_MEMORY) return st;
    if (st != S4C_OK || (scan.end_bit + 7) / 8 != k) return S4C_ERROR_BACKEND;
    s4c_deflate_clear_final(dst, scan.final_block_bit);
    *written = s4c_deflate_append_sync(dst, scan.end_bit);
    return S4C_OK;
}

s4c_status s4c_deflate_encode(s4c_deflate_encoder *e, const uint8_t *src, size_t n, int final,
                              uint8_t *dst, size_t cap, size_t *written) {
    size_t reserve = final ? 0 : S4C_DEFLATE_SYNC_MAX;
    S4C_RETURN_IF(cap < reserve, S4C_ERROR_DST_TOO_SMALL);
    if (n <= S4C_DEFLATE_TINY_MAX && e->level >= 1) {
        S4C_RETURN_IF(cap - reserve < S4C_DEFLATE_STATIC_LITERALS_BOUND(n),
                      S4C_ERROR_DST_TOO_SMALL);
        uint64_t bits = s4c_deflate_write_static_literals(src, n, final, dst);
        *written = final ? (size_t)((bits + 7) / 8) : s4c_deflate_append_sync(dst, bits);
        return S4C_OK;
    }
    if (!e->backend) {
        e->backend = libdeflate_alloc_compressor(s4c_deflate_backend_level(e->level));
        S4C_RETURN_IF(!e->backend, S4C_ERROR_OUT_OF_MEMORY);
    }
    size_t k = libdeflate_deflate_compress(e->backend, src, n, dst, cap - reserve);
    S4C_RETURN_IF(k == 0, S4C_ERROR_DST_TOO_SMALL);
    if (final) {
        *written = k;
        return S4C_OK;
    }
    return make_nonfinal(dst, k, written);
}
