/*
 * deflate_decoder.h — streaming raw DEFLATE (RFC 1951) decoder over ISA-L's
 * isal_inflate, with 64-bit counters, the CRC-32 of the output, and the bytes
 * read past the end of the stream handed back.
 */
#ifndef S4C_DEFLATE_DECODER_H
#define S4C_DEFLATE_DECODER_H

#include <isa-l/igzip_lib.h>

#include "../core/codec_internal.h"

/*
 * ISA-L's inflate_state is plain data apart from next_in / next_out, which
 * are set again on every call; everything else (bit buffer read_in /
 * read_in_length, the block's decode tables, the history in tmp_out_buffer)
 * can be copied as bytes.
 */
#define S4C_DEFLATE_WINDOW 32768u
#define S4C_DEFLATE_NO_HUNT UINT64_MAX

typedef struct s4c_deflate_decoder {
    struct inflate_state isal;
    uint64_t total_in;  /* bytes handed to ISA-L (including its bit buffer) */
    uint64_t total_out; /* bytes delivered to the caller */

    /*
     * Block-boundary hunting (checkpoints). Once total_out reaches hunt_out,
     * the decoder stops at the end of the current block: ISA-L never stops
     * there by itself, so the block's BFINAL flag is forced on (`forced`,
     * the real one is 0) and ISA-L ends the "stream" right after the block's
     * end-of-block code, with the following bits still in read_in. _run then
     * returns with at_boundary = 1; the caller records the checkpoint and
     * continues through s4c_deflate_decoder_restart. The output of the last
     * 32 KiB before hunt_out on is copied into the ring `win` (the window).
     */
    uint64_t hunt_out; /* S4C_DEFLATE_NO_HUNT: never */
    uint32_t forced;
    uint32_t at_boundary;
    uint32_t win_len; /* valid bytes in win, at most S4C_DEFLATE_WINDOW */
    uint32_t win_pos; /* next write position in win */
    uint8_t win[S4C_DEFLATE_WINDOW];
} s4c_deflate_decoder;

/* Starts a new raw deflate stream (the CRC-32 restarts at 0). */
S4C_INTERNAL void s4c_deflate_decoder_reset(s4c_deflate_decoder *dd);

/*
 * Decodes src[*in_pos..in_size) into dst[*out_pos..out_size), advancing both.
 * Returns S4C_OK when it stopped because the stream ended (see _done), the
 * input ran out or the output is full; S4C_ERROR_CORRUPT_DATA (message
 * "corrupt deflate stream") on invalid data, after which the decoder must be
 * reset. Never reads past the bytes given; ISA-L may buffer up to 8 of them.
 */
S4C_INTERNAL s4c_status s4c_deflate_decoder_run(s4c_deflate_decoder *dd, const uint8_t *src,
                                                size_t in_size, size_t *in_pos, uint8_t *dst,
                                                size_t out_size, size_t *out_pos,
                                                s4c_error_detail *d);

/*
 * Starts again at a block boundary: ISA-L re-initialised with `window` (the
 * last win_len <= 32 KiB bytes of the member's output) as its dictionary, its
 * bit buffer primed with `nbits` <= 64 bits of input (`bits`, the stream's
 * bits after the boundary that are not fed again), the CRC-32 so far and the
 * member's output length so far. The caller feeds the input that follows
 * those bits. S4C_ERROR_STAGE if ISA-L refuses the dictionary.
 */
S4C_INTERNAL s4c_status s4c_deflate_decoder_restart(s4c_deflate_decoder *dd, const uint8_t *window,
                                                    uint32_t win_len, uint64_t bits,
                                                    uint32_t nbits, uint32_t crc,
                                                    uint64_t total_out);
/* Copies the window (the last dd->win_len output bytes) into out, in order. */
S4C_INTERNAL void s4c_deflate_decoder_window(const s4c_deflate_decoder *dd, uint8_t *out);

/* 1 once the final block has ended and every output byte was delivered. */
S4C_INTERNAL int s4c_deflate_decoder_done(const s4c_deflate_decoder *dd);
/* CRC-32 (gzip) of everything delivered so far. */
S4C_INTERNAL uint32_t s4c_deflate_decoder_crc(const s4c_deflate_decoder *dd);
/*
 * After _done: the whole bytes ISA-L had already taken past the end of the
 * deflate stream, in order (at most 8; for gzip, the start of the trailer).
 * Returns how many were written to out.
 */
S4C_INTERNAL size_t s4c_deflate_decoder_overread(const s4c_deflate_decoder *dd, uint8_t out[8]);

#endif /* S4C_DEFLATE_DECODER_H */
