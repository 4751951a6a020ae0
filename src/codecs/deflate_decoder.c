/*
 * deflate_decoder.c — the raw DEFLATE decoder: ISA-L's isal_inflate (chosen
 * by measurement, docs/codecs/gzip.md) in raw mode with the gzip CRC-32 on.
 *
 * ISA-L's counters and buffer sizes are 32-bit, so each call hands it at most
 * 1 GiB of input and output and loops, and we keep 64-bit totals ourselves.
 * Its total_out wraps after 4 GiB; ISA-L 2.30 does not judge distances by it
 * (tests/c/test_gzip.c checks a wrap). ISA-L keeps up to 8 bytes of input in its
 * bit buffer when the final block ends; for gzip those are the first bytes of
 * the trailer, and _overread hands them back instead of rewinding the
 * caller's input (which may belong to an earlier call).
 */
#include "deflate_decoder.h"

#include "gzip_header.h"

#define CALL_MAX ((size_t)1 << 30)

void s4c_deflate_decoder_reset(s4c_deflate_decoder *dd) {
    isal_inflate_init(&dd->isal);
    dd->isal.crc_flag = ISAL_GZIP_NO_HDR; /* raw deflate, CRC-32 of the output kept */
    dd->isal.hist_bits = 0;               /* the full 32 KiB window */
    dd->total_in = 0;
    dd->total_out = 0;
}

int s4c_deflate_decoder_done(const s4c_deflate_decoder *dd) {
    return dd->isal.block_state == ISAL_BLOCK_FINISH;
}

uint32_t s4c_deflate_decoder_crc(const s4c_deflate_decoder *dd) { return dd->isal.crc; }

size_t s4c_deflate_decoder_overread(const s4c_deflate_decoder *dd, uint8_t out[8]) {
    int32_t bits = dd->isal.read_in_length;
    if (!s4c_deflate_decoder_done(dd) || bits <= 0) return 0;
    /* The low (bits % 8) bits are the padding of the stream's last byte. */
    uint64_t v = dd->isal.read_in >> (bits % 8);
    size_t n = (size_t)bits / 8;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(v >> (8 * i));
    return n;
}

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

s4c_status s4c_deflate_decoder_run(s4c_deflate_decoder *dd, const uint8_t *src, size_t in_size,
                                   size_t *in_pos, uint8_t *dst, size_t out_size, size_t *out_pos,
                                   s4c_error_detail *d) {
    static uint8_t empty[1];
    while (!s4c_deflate_decoder_done(dd)) {
        size_t in_left = in_size - *in_pos, out_left = out_size - *out_pos;
        uint32_t ai = (uint32_t)min_size(in_left, CALL_MAX);
        uint32_t ao = (uint32_t)min_size(out_left, CALL_MAX);
        dd->isal.next_in = ai ? (uint8_t *)(uintptr_t)(src + *in_pos) : empty;
        dd->isal.avail_in = ai;
        dd->isal.next_out = ao ? dst + *out_pos : empty;
        dd->isal.avail_out = ao;
        int ret = isal_inflate(&dd->isal);
        size_t used = ai - dd->isal.avail_in, made = ao - dd->isal.avail_out;
        *in_pos += used;
        *out_pos += made;
        dd->total_in += used;
        dd->total_out += made;
        if (ret < 0) return s4c_fail(d, S4C_ERROR_CORRUPT_DATA, S4C_GZIP_MSG_BAD_DEFLATE);
        /* ISA-L returns when its input is used up or its output is full;
         * go round again only when we held some of either back. */
        int more_in = dd->isal.avail_in == 0 && in_left > ai;
        int more_out = dd->isal.avail_out == 0 && out_left > ao;
        if (!(more_in || more_out) || (used == 0 && made == 0)) break;
    }
    return S4C_OK;
}
