/*
 * deflate_block_writer.c — small DEFLATE blocks written bit by bit.
 *
 * S4's deflater (miniz_oxide) encodes inputs of up to 32 bytes as one
 * static-Huffman block and never falls back to a stored block for them, while
 * libdeflate stores such inputs raw. A literal-only static block is what
 * miniz_oxide writes whenever it finds no match, which for inputs this short
 * is the usual case ("hello" → cb 48 cd c9 c9 07 00), so we write it
 * ourselves. The empty final blocks and the sync marker let the streaming
 * encoder end or align a member between libdeflate chunks.
 */
#include "deflate_block_writer.h"

typedef struct bit_writer {
    uint8_t *dst;
    uint64_t bit; /* next bit to write */
} bit_writer;

/* Writes the low n bits of v, LSB first; bytes are zeroed as they are entered. */
static void put_bits(bit_writer *w, uint32_t v, unsigned n) {
    for (unsigned i = 0; i < n; i++, w->bit++) {
        uint8_t *byte = w->dst + (w->bit >> 3);
        unsigned shift = (unsigned)(w->bit & 7);
        if (shift == 0) *byte = 0;
        *byte |= (uint8_t)(((v >> i) & 1) << shift);
    }
}

/* Huffman codes go MSB first into the LSB-first stream. */
static void put_code(bit_writer *w, uint32_t code, unsigned len) {
    uint32_t rev = 0;
    for (unsigned i = 0; i < len; i++)
        rev = (rev << 1) | ((code >> i) & 1);
    put_bits(w, rev, len);
}

uint64_t s4c_deflate_write_static_literals(const uint8_t *src, size_t n, int final, uint8_t *dst) {
    bit_writer w = {dst, 0};
    put_bits(&w, (final ? 1u : 0u) | 1u << 1, 3); /* BFINAL, BTYPE 01 */
    for (size_t i = 0; i < n; i++) {
        /* RFC 1951 §3.2.6: 0-143 are 8-bit codes from 0x30, 144-255 9-bit from 0x190. */
        if (src[i] < 144)
            put_code(&w, 0x30u + src[i], 8);
        else
            put_code(&w, 0x190u + (src[i] - 144u), 9);
    }
    put_code(&w, 0, 7); /* end of block: 256 is the 7-bit code 0 */
    return w.bit;
}

size_t s4c_deflate_append_sync(uint8_t *dst, uint64_t end_bit) {
    size_t bytes = (size_t)((end_bit + 7) / 8);
    if (end_bit & 7) dst[bytes - 1] &= (uint8_t)((1u << (end_bit & 7)) - 1);
    bit_writer w = {dst, end_bit};
    put_bits(&w, 0, 3);                /* BFINAL 0, BTYPE 00 */
    bytes = (size_t)((w.bit + 7) / 8); /* the rest of that byte is padding */
    static const uint8_t len_nlen[4] = {0x00, 0x00, 0xff, 0xff};
    memcpy(dst + bytes, len_nlen, sizeof len_nlen);
    return bytes + sizeof len_nlen;
}

void s4c_deflate_clear_final(uint8_t *dst, uint64_t block_bit) {
    dst[block_bit >> 3] &= (uint8_t) ~(1u << (block_bit & 7));
}
