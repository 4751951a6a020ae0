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
 *
 * Checkpoints (gzip_decoder.c): ISA-L does not stop at block boundaries, but
 * it does stop after a final block, before the next bits: forcing `bfinal` on
 * the block being decoded once hunting begins ends the call exactly at its
 * end-of-block code with no cost to the decoding before it (measured in
 * docs/codecs/gzip.md). The decoder then restarts as zran does — a fresh
 * inflate_state, the 32 KiB window as dictionary, the leftover bits in
 * read_in — which is also what a decoder loaded from a saved state does.
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
    dd->hunt_out = S4C_DEFLATE_NO_HUNT;
    dd->forced = 0;
    dd->at_boundary = 0;
    dd->win_len = 0;
    dd->win_pos = 0;
}

/* Appends output to the window ring. */
static void window_add(s4c_deflate_decoder *dd, const uint8_t *p, size_t n) {
    if (n >= S4C_DEFLATE_WINDOW) {
        memcpy(dd->win, p + n - S4C_DEFLATE_WINDOW, S4C_DEFLATE_WINDOW);
        dd->win_pos = 0;
        dd->win_len = S4C_DEFLATE_WINDOW;
        return;
    }
    size_t first = S4C_DEFLATE_WINDOW - dd->win_pos;
    if (first > n) first = n;
    memcpy(dd->win + dd->win_pos, p, first);
    if (n > first) memcpy(dd->win, p + first, n - first);
    dd->win_pos = (uint32_t)((dd->win_pos + n) % S4C_DEFLATE_WINDOW);
    dd->win_len = (uint32_t)(dd->win_len + n > S4C_DEFLATE_WINDOW ? S4C_DEFLATE_WINDOW
                                                                   : dd->win_len + n);
}

void s4c_deflate_decoder_window(const s4c_deflate_decoder *dd, uint8_t *out) {
    uint32_t start = (dd->win_pos + S4C_DEFLATE_WINDOW - dd->win_len) % S4C_DEFLATE_WINDOW;
    uint32_t first = S4C_DEFLATE_WINDOW - start;
    if (first > dd->win_len) first = dd->win_len;
    memcpy(out, dd->win + start, first);
    memcpy(out + first, dd->win, dd->win_len - first);
}

s4c_status s4c_deflate_decoder_restart(s4c_deflate_decoder *dd, const uint8_t *window,
                                       uint32_t win_len, uint64_t bits, uint32_t nbits,
                                       uint32_t crc, uint64_t total_out) {
    if (win_len > S4C_DEFLATE_WINDOW || nbits > 64) return S4C_ERROR_STAGE;
    uint64_t hunt = dd->hunt_out;
    s4c_deflate_decoder_reset(dd);
    dd->hunt_out = hunt;
    if (win_len) {
        if (window != dd->win) memmove(dd->win, window, win_len);
        dd->win_len = win_len;
        dd->win_pos = win_len % S4C_DEFLATE_WINDOW;
        if (isal_inflate_set_dict(&dd->isal, dd->win, win_len) != COMP_OK) return S4C_ERROR_STAGE;
    }
    dd->isal.read_in = bits;
    dd->isal.read_in_length = (int32_t)nbits;
    dd->isal.crc = crc;
    dd->total_out = total_out;
    return S4C_OK;
}

int s4c_deflate_decoder_done(const s4c_deflate_decoder *dd) {
    return dd->isal.block_state == ISAL_BLOCK_FINISH && !dd->at_boundary;
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

/* Below this much output to go, hunting slices the input instead of the output. */
#define HUNT_OUT_SLICE ((uint64_t)128 << 10)

/*
 * Before a call while hunting. Far from hunt_out: stop the call's output
 * there (ISA-L decodes straight into a large output buffer and stops exactly).
 * Close to it: small input slices instead — with a small output buffer ISA-L
 * decodes ahead into its own buffer, possibly past block ends we want. At or
 * past it: force BFINAL on a non-final block being decoded; between blocks,
 * feed the header a byte at a time so that the flag can be forced on the
 * block before it has decoded much.
 */
static void hunt_limit(s4c_deflate_decoder *dd, uint32_t *ai, uint32_t *ao) {
    if (dd->hunt_out == S4C_DEFLATE_NO_HUNT) return;
    if (dd->total_out < dd->hunt_out) {
        uint64_t gap = dd->hunt_out - dd->total_out;
        if (gap >= HUNT_OUT_SLICE) {
            if (gap < *ao) *ao = (uint32_t)gap;
        } else {
            uint64_t slice = gap / 16 ? gap / 16 : 1;
            if (slice < *ai) *ai = (uint32_t)slice;
        }
        return;
    }
    if (dd->forced) return;
    int bs = dd->isal.block_state;
    if (bs == ISAL_BLOCK_CODED || bs == ISAL_BLOCK_TYPE0) {
        if (!dd->isal.bfinal) {
            dd->isal.bfinal = 1;
            dd->forced = 1;
        }
    } else if (bs == ISAL_BLOCK_NEW_HDR || bs == ISAL_BLOCK_HDR) {
        if (*ai > 1) *ai = 1;
    }
}

s4c_status s4c_deflate_decoder_run(s4c_deflate_decoder *dd, const uint8_t *src, size_t in_size,
                                   size_t *in_pos, uint8_t *dst, size_t out_size, size_t *out_pos,
                                   s4c_error_detail *d) {
    static uint8_t empty[1];
    if (dd->at_boundary) return S4C_OK; /* the caller restarts first */
    while (!s4c_deflate_decoder_done(dd)) {
        size_t in_left = in_size - *in_pos, out_left = out_size - *out_pos;
        uint32_t ai = (uint32_t)min_size(in_left, CALL_MAX);
        uint32_t ao = (uint32_t)min_size(out_left, CALL_MAX);
        hunt_limit(dd, &ai, &ao);
        dd->isal.next_in = ai ? (uint8_t *)(uintptr_t)(src + *in_pos) : empty;
        dd->isal.avail_in = ai;
        dd->isal.next_out = ao ? dst + *out_pos : empty;
        dd->isal.avail_out = ao;
        int ret = isal_inflate(&dd->isal);
        size_t used = ai - dd->isal.avail_in, made = ao - dd->isal.avail_out;
        if (made && dd->hunt_out != S4C_DEFLATE_NO_HUNT &&
            dd->total_out + made + S4C_DEFLATE_WINDOW > dd->hunt_out)
            window_add(dd, dst + *out_pos, made);
        *in_pos += used;
        *out_pos += made;
        dd->total_in += used;
        dd->total_out += made;
        if (ret < 0) return s4c_fail(d, S4C_ERROR_CORRUPT_DATA, S4C_GZIP_MSG_BAD_DEFLATE);
        if (dd->forced && dd->isal.block_state == ISAL_BLOCK_FINISH) {
            dd->at_boundary = 1; /* stopped right after the block's end-of-block code */
            return S4C_OK;
        }
        /* ISA-L returns when its input is used up or its output is full;
         * go round again only when we held some of either back. */
        int more_in = dd->isal.avail_in == 0 && in_left > ai;
        int more_out = dd->isal.avail_out == 0 && out_left > ao;
        if (!(more_in || more_out) || (used == 0 && made == 0)) break;
    }
    return S4C_OK;
}
