/*
 * lz4_frame_decoder.c — the LZ4 frame format decoded by our own state machine
 * over liblz4's block API, so the state stays a plain, saveable struct.
 *
 * Speed comes from not copying: a block that is whole in the input and fits
 * the output is decoded straight from one to the other. Linked blocks need the
 * previous 64 KiB of output as dictionary; while a call's output for the frame
 * is contiguous in the caller's buffer that is used directly (LZ4 prefix mode),
 * and our own window (out_buf) is refreshed from it only when needed: before a
 * block is decoded through out_buf, and when the call returns. Blocks that do
 * not fit the output are decoded into out_buf right after the window and
 * flushed from there; blocks arriving in pieces are collected in in_buf.
 *
 * Invariant for linked frames: the window out_buf[hist_end - hist_len,
 * hist_end) followed by the `unsynced` bytes just before the output cursor is
 * the frame's history (its last bytes, at least the last 64 KiB of it).
 */
#include <lz4.h>
#include <stdarg.h>
#include <stdio.h>

#include "../stream/state_blob.h"
#include "lz4_frame_decoder.h"

enum { GO = 0, STOP = 1, ERR = 2 };

typedef struct cursor {
    const uint8_t *src;
    size_t ip, iend;
    uint8_t *dst;
    size_t op, oend;
} cursor;

#define FLG_VERSION_SHIFT 6
#define FLG_INDEPENDENT 0x20
#define FLG_BLOCK_CHECKSUM 0x10
#define FLG_CONTENT_SIZE 0x08
#define FLG_CONTENT_CHECKSUM 0x04
#define FLG_RESERVED 0x02
#define FLG_DICT_ID 0x01
#define BD_RESERVED 0x8F
#define BLOCK_UNCOMPRESSED 0x80000000u

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }
static size_t avail_in(const cursor *c) { return c->iend - c->ip; }
static size_t room_out(const cursor *c) { return c->oend - c->op; }

__attribute__((format(printf, 4, 5))) static int fail(s4c_lz4d *d, s4c_error_detail *e,
                                                      s4c_status st, const char *fmt, ...) {
    d->failed = st;
    if (e) {
        char msg[sizeof e->message];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        s4c_fail(e, st, "%s", msg);
    }
    return ERR;
}

/* ------------------------------------------------------------ lifecycle */

void s4c_lz4d_init(s4c_lz4d *d, int single_frame) {
    memset(d, 0, sizeof *d);
    d->single_frame = single_frame ? 1 : 0;
    s4c_lz4d_reset(d);
}

void s4c_lz4d_release(s4c_lz4d *d) {
    s4c_free(d->in_buf);
    s4c_free(d->out_buf);
    d->in_buf = d->out_buf = NULL;
    d->in_buf_cap = d->out_buf_cap = 0;
}

void s4c_lz4d_reset(s4c_lz4d *d) {
    d->stage = S4C_LZ4D_MAGIC;
    d->header_parsed = 0;
    d->in_frame = 0;
    d->failed = S4C_OK;
    d->stage_have = 0;
    d->stage_need = 4;
    d->block_size = d->left = 0;
    d->frames_done = d->frame_out = d->total_in = d->total_out = 0;
    d->checkpoints = d->ckpt_out = 0;
    memset(&d->info, 0, sizeof d->info);
    d->hist_end = d->hist_len = d->pend_off = d->pend_len = 0;
    d->run_start = d->unsynced = 0;
    d->oneshot = 0;
}

static int grow(uint8_t **buf, uint32_t *cap, uint32_t need) {
    if (*cap >= need) return 1;
    s4c_free(*buf);
    *buf = s4c_malloc(need);
    *cap = *buf ? need : 0;
    return *buf != NULL;
}

/* ------------------------------------------------------------ window */

/* Keeps at most `keep` newest window bytes, moved to the start of out_buf. */
static void window_slide(s4c_lz4d *d, uint32_t keep) {
    if (keep > d->hist_len) keep = d->hist_len;
    if (keep && d->hist_end != keep) memmove(d->out_buf, d->out_buf + d->hist_end - keep, keep);
    d->hist_end = d->hist_len = keep;
}

static void window_append(s4c_lz4d *d, const uint8_t *p, size_t n) {
    if (n >= S4C_LZ4_WINDOW) {
        memcpy(d->out_buf, p + n - S4C_LZ4_WINDOW, S4C_LZ4_WINDOW);
        d->hist_end = d->hist_len = S4C_LZ4_WINDOW;
        return;
    }
    if (d->hist_end + n > d->out_buf_cap) window_slide(d, S4C_LZ4_WINDOW - (uint32_t)n);
    memcpy(d->out_buf + d->hist_end, p, n);
    d->hist_end += (uint32_t)n;
    d->hist_len = (uint32_t)min_size(S4C_LZ4_WINDOW, (size_t)d->hist_len + n);
}

/* Copies the output decoded straight into the caller's buffer into the window. */
static void window_sync(s4c_lz4d *d, const cursor *c) {
    if (!d->unsynced) return;
    window_append(d, c->dst + c->op - d->unsynced, d->unsynced);
    d->unsynced = 0;
}

/* ------------------------------------------------------------ helpers */

/* Collects input into hdr until stage_need bytes are there; 1 when complete. */
static int collect(s4c_lz4d *d, cursor *c) {
    size_t k = min_size(d->stage_need - d->stage_have, avail_in(c));
    if (k) {
        memcpy(d->hdr + d->stage_have, c->src + c->ip, k);
        d->stage_have += (uint32_t)k;
        c->ip += k;
    }
    return d->stage_have == d->stage_need;
}

static void expect(s4c_lz4d *d, s4c_lz4d_stage stage, uint32_t need) {
    d->stage = stage;
    d->stage_have = 0;
    d->stage_need = need;
}

/* Accounts `n` bytes of frame content at p: size limit and content checksum. */
static int produced(s4c_lz4d *d, s4c_error_detail *e, const uint8_t *p, size_t n) {
    d->frame_out += n;
    if (d->info.has_content_size && d->frame_out > d->info.content_size)
        return fail(d, e, S4C_ERROR_CORRUPT_DATA,
                    "LZ4 frame holds more than its declared content size of %llu bytes",
                    (unsigned long long)d->info.content_size);
    if (d->info.content_checksum && n) XXH32_update(&d->content_xxh, p, n);
    if (d->track_crc) d->out_crc = s4c_crc32c(d->out_crc, p, n);
    return GO;
}

static int frame_finished(s4c_lz4d *d) {
    d->frames_done++;
    d->in_frame = 0;
    d->hist_end = d->hist_len = 0;
    d->unsynced = 0;
    expect(d, d->single_frame ? S4C_LZ4D_DONE : S4C_LZ4D_MAGIC, 4);
    return d->single_frame ? STOP : GO;
}

/* ------------------------------------------------------------ stages */

static int step_magic(s4c_lz4d *d, cursor *c, s4c_error_detail *e) {
    if (!collect(d, c)) return STOP;
    uint32_t magic = s4c_load_le32(d->hdr);
    if (magic == S4C_LZ4_MAGIC) {
        d->header_parsed = 0;
        d->stage = S4C_LZ4D_HEADER;
        d->stage_need = S4C_LZ4_HEADER_MIN;
        return GO;
    }
    if ((magic & S4C_LZ4_SKIPPABLE_MASK) == S4C_LZ4_SKIPPABLE_MAGIC) {
        d->stage = S4C_LZ4D_SKIP_SIZE;
        d->stage_need = 8;
        return GO;
    }
    if (magic == S4C_LZ4_LEGACY_MAGIC)
        return fail(d, e, S4C_ERROR_UNSUPPORTED,
                    "legacy LZ4 format (magic 0x184C2102, lz4 -l) is not supported; "
                    "only LZ4 frames (magic 0x184D2204) are");
    if (d->frames_done)
        return fail(d, e, S4C_ERROR_TRAILING_DATA,
                    "trailing bytes after the last LZ4 frame (0x%08x is not a frame magic)", magic);
    return fail(d, e, S4C_ERROR_UNKNOWN_FORMAT,
                "not an LZ4 frame: magic 0x%08x, expected 0x184D2204", magic);
}

static uint32_t header_size(uint8_t flg) {
    return 7 + ((flg & FLG_CONTENT_SIZE) ? 8 : 0) + ((flg & FLG_DICT_ID) ? 4 : 0);
}

static int parse_header(s4c_lz4d *d, cursor *c, s4c_error_detail *e) {
    const uint8_t *h = d->hdr;
    uint32_t size = d->stage_need;
    uint8_t flg = h[4], bd = h[5];
    uint8_t hc = (uint8_t)(XXH32(h + 4, size - 5, 0) >> 8);
    if (hc != h[size - 1])
        return fail(d, e, S4C_ERROR_CORRUPT_DATA,
                    "LZ4 frame header checksum mismatch (byte 0x%02x, computed 0x%02x)",
                    h[size - 1], hc);
    if ((flg >> FLG_VERSION_SHIFT) != 1)
        return fail(d, e, S4C_ERROR_UNSUPPORTED,
                    "LZ4 frame version %u is not supported (only version 1)",
                    (unsigned)(flg >> FLG_VERSION_SHIFT));
    if ((flg & FLG_RESERVED) || (bd & BD_RESERVED))
        return fail(d, e, S4C_ERROR_UNSUPPORTED,
                    "LZ4 frame header sets reserved bits (FLG 0x%02x, BD 0x%02x)", flg, bd);
    unsigned id = (bd >> 4) & 7;
    if (id < 4) return fail(d, e, S4C_ERROR_UNSUPPORTED, "LZ4 block size id %u is reserved", id);

    s4c_lz4_frame_info *fi = &d->info;
    memset(fi, 0, sizeof *fi);
    fi->block_size_id = id;
    fi->block_max_size = s4c_lz4_block_max_size(id);
    fi->linked = !(flg & FLG_INDEPENDENT);
    fi->block_checksum = !!(flg & FLG_BLOCK_CHECKSUM);
    fi->content_checksum = !!(flg & FLG_CONTENT_CHECKSUM);
    fi->has_content_size = !!(flg & FLG_CONTENT_SIZE);
    fi->has_dict_id = !!(flg & FLG_DICT_ID);
    size_t pos = 6;
    if (fi->has_content_size) fi->content_size = s4c_load_le64(h + pos), pos += 8;
    if (fi->has_dict_id) fi->dict_id = s4c_load_le32(h + pos);
    d->header_parsed = 1;
    if (fi->has_dict_id)
        return fail(d, e, S4C_ERROR_DICTIONARY_MISMATCH,
                    "LZ4 frame needs dictionary id 0x%08x; LZ4 dictionaries are not supported",
                    fi->dict_id);
    if (fi->linked && !grow(&d->out_buf, &d->out_buf_cap, 2 * S4C_LZ4_WINDOW + fi->block_max_size))
        return fail(d, e, S4C_ERROR_OUT_OF_MEMORY, "out of memory");

    XXH32_reset(&d->content_xxh, 0);
    d->in_frame = 1;
    d->frame_out = 0;
    d->hist_end = d->hist_len = d->pend_len = d->pend_off = 0;
    d->run_start = c->op;
    d->unsynced = 0;
    expect(d, S4C_LZ4D_BLOCK_HEADER, 4);
    return GO;
}

static int step_header(s4c_lz4d *d, cursor *c, s4c_error_detail *e) {
    collect(d, c);
    if (d->stage_have >= 5) d->stage_need = header_size(d->hdr[4]);
    if (!collect(d, c)) return STOP;
    return parse_header(d, c, e);
}

static int end_mark(s4c_lz4d *d, s4c_error_detail *e) {
    if (d->info.has_content_size && d->frame_out != d->info.content_size)
        return fail(d, e, S4C_ERROR_CORRUPT_DATA,
                    "LZ4 frame content size mismatch: header says %llu bytes, frame holds %llu",
                    (unsigned long long)d->info.content_size, (unsigned long long)d->frame_out);
    if (d->info.content_checksum) {
        expect(d, S4C_LZ4D_CONTENT_CHECKSUM, 4);
        return GO;
    }
    return frame_finished(d);
}

static int step_block_header(s4c_lz4d *d, cursor *c, s4c_error_detail *e) {
    if (!collect(d, c)) return STOP;
    uint32_t v = s4c_load_le32(d->hdr);
    if (v == 0) return end_mark(d, e);
    uint32_t size = v & ~BLOCK_UNCOMPRESSED;
    if (size > d->info.block_max_size)
        return fail(d, e, S4C_ERROR_CORRUPT_DATA,
                    "LZ4 block of %u bytes exceeds the frame's maximum block size of %u", size,
                    d->info.block_max_size);
    d->block_size = size;
    if (v & BLOCK_UNCOMPRESSED) {
        d->left = size;
        if (d->info.block_checksum) XXH32_reset(&d->block_xxh, 0);
        expect(d, S4C_LZ4D_BLOCK_RAW, 0);
        return GO;
    }
    expect(d, S4C_LZ4D_BLOCK_DATA, size + (d->info.block_checksum ? 4u : 0u));
    return GO;
}

/* Decodes straight into the caller's output; LZ4's result (< 0: failed). */
static int decode_direct(s4c_lz4d *d, cursor *c, const uint8_t *blk, uint32_t n, size_t cap) {
    char *dst = (char *)c->dst + c->op;
    if (!d->info.linked) return LZ4_decompress_safe((const char *)blk, dst, (int)n, (int)cap);
    size_t contig = c->op - d->run_start;
    if (contig >= S4C_LZ4_WINDOW || contig == d->frame_out) {
        /* The history is right before dst in the caller's buffer: prefix mode. */
        size_t k = min_size(contig, S4C_LZ4_WINDOW);
        return LZ4_decompress_safe_usingDict((const char *)blk, dst, (int)n, (int)cap, dst - k,
                                             (int)k);
    }
    window_sync(d, c);
    return LZ4_decompress_safe_usingDict((const char *)blk, dst, (int)n, (int)cap,
                                         (const char *)d->out_buf + d->hist_end - d->hist_len,
                                         (int)d->hist_len);
}

/* Decodes into out_buf (after the window), leaving the block to be flushed. */
static int decode_staged(s4c_lz4d *d, cursor *c, const uint8_t *blk, uint32_t n,
                         s4c_error_detail *e) {
    uint32_t bmax = d->info.block_max_size;
    uint32_t base = 0;
    int r;
    if (d->info.linked) {
        window_sync(d, c);
        if (d->hist_end + bmax > d->out_buf_cap) window_slide(d, S4C_LZ4_WINDOW);
        base = d->hist_end;
        r = LZ4_decompress_safe_usingDict((const char *)blk, (char *)d->out_buf + base, (int)n,
                                          (int)bmax, (const char *)d->out_buf + base - d->hist_len,
                                          (int)d->hist_len);
    } else {
        if (!grow(&d->out_buf, &d->out_buf_cap, bmax))
            return fail(d, e, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
        r = LZ4_decompress_safe((const char *)blk, (char *)d->out_buf, (int)n, (int)bmax);
    }
    if (r < 0) return fail(d, e, S4C_ERROR_CORRUPT_DATA, "corrupt LZ4 block (decoding failed)");
    if (produced(d, e, d->out_buf + base, (size_t)r) == ERR) return ERR;
    if (d->info.linked) {
        d->hist_end = base + (uint32_t)r;
        d->hist_len = (uint32_t)min_size(S4C_LZ4_WINDOW, (size_t)d->hist_len + (size_t)r);
    }
    d->pend_off = base;
    d->pend_len = (uint32_t)r;
    expect(d, S4C_LZ4D_FLUSH, 0);
    return GO;
}

static int decode_block(s4c_lz4d *d, cursor *c, const uint8_t *blk, uint32_t n,
                        s4c_error_detail *e) {
    uint32_t bmax = d->info.block_max_size;
    size_t room = room_out(c);
    if (room) {
        /* Room enough for what this block can hold? A block decodes to at most
         * 255 bytes per input byte, and never beyond the declared content size. */
        uint64_t need = (uint64_t)n * 255;
        if (need > bmax) need = bmax;
        if (d->info.has_content_size && d->info.content_size - d->frame_out < need)
            need = d->info.content_size - d->frame_out;
        if (d->oneshot || room >= need) {
            size_t cap = min_size(room, bmax);
            int r = decode_direct(d, c, blk, n, cap);
            if (r >= 0) {
                if (produced(d, e, c->dst + c->op, (size_t)r) == ERR) return ERR;
                c->op += (size_t)r;
                if (d->info.linked) d->unsynced += (size_t)r;
                expect(d, S4C_LZ4D_BLOCK_HEADER, 4);
                return GO;
            }
            if (cap == bmax)
                return fail(d, e, S4C_ERROR_CORRUPT_DATA, "corrupt LZ4 block (decoding failed)");
            /* Maybe the output was merely too small: decode through out_buf. */
        }
    }
    return decode_staged(d, c, blk, n, e);
}

static int step_block_data(s4c_lz4d *d, cursor *c, s4c_error_detail *e) {
    const uint8_t *blk;
    uint32_t total = d->stage_need;
    if (d->stage_have == 0 && avail_in(c) >= total) {
        if (room_out(c) == 0 && !d->oneshot) return STOP; /* as LZ4F: wait for room */
        blk = c->src + c->ip;
        c->ip += total;
    } else {
        if (avail_in(c) == 0) return STOP;
        if (!grow(&d->in_buf, &d->in_buf_cap, d->info.block_max_size + 4))
            return fail(d, e, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
        size_t k = min_size(total - d->stage_have, avail_in(c));
        memcpy(d->in_buf + d->stage_have, c->src + c->ip, k);
        d->stage_have += (uint32_t)k;
        c->ip += k;
        if (d->stage_have < total) return STOP;
        blk = d->in_buf;
        d->stage_have = 0;
    }
    uint32_t n = d->block_size;
    if (d->info.block_checksum) {
        uint32_t want = s4c_load_le32(blk + n), got = XXH32(blk, n, 0);
        if (want != got)
            return fail(d, e, S4C_ERROR_CHECKSUM_MISMATCH,
                        "LZ4 block checksum mismatch (stored 0x%08x, computed 0x%08x)", want, got);
    }
    return decode_block(d, c, blk, n, e);
}

static int step_block_raw(s4c_lz4d *d, cursor *c, s4c_error_detail *e) {
    if (d->left) {
        size_t k = min_size(d->left, min_size(avail_in(c), room_out(c)));
        if (!k) return STOP;
        const uint8_t *p = c->src + c->ip;
        memcpy(c->dst + c->op, p, k);
        if (d->info.block_checksum) XXH32_update(&d->block_xxh, p, k);
        if (produced(d, e, p, k) == ERR) return ERR;
        c->ip += k;
        c->op += k;
        d->left -= (uint32_t)k;
        if (d->info.linked) d->unsynced += k;
        if (d->left) return STOP;
    }
    if (d->info.block_checksum)
        expect(d, S4C_LZ4D_RAW_CHECKSUM, 4);
    else
        expect(d, S4C_LZ4D_BLOCK_HEADER, 4);
    return GO;
}

static int step_raw_checksum(s4c_lz4d *d, cursor *c, s4c_error_detail *e) {
    if (!collect(d, c)) return STOP;
    uint32_t want = s4c_load_le32(d->hdr), got = XXH32_digest(&d->block_xxh);
    if (want != got)
        return fail(d, e, S4C_ERROR_CHECKSUM_MISMATCH,
                    "LZ4 block checksum mismatch (stored 0x%08x, computed 0x%08x)", want, got);
    expect(d, S4C_LZ4D_BLOCK_HEADER, 4);
    return GO;
}

static int step_flush(s4c_lz4d *d, cursor *c, s4c_error_detail *e) {
    (void)e;
    size_t k = min_size(d->pend_len, room_out(c));
    if (k) {
        memcpy(c->dst + c->op, d->out_buf + d->pend_off, k);
        c->op += k;
        d->pend_off += (uint32_t)k;
        d->pend_len -= (uint32_t)k;
    }
    if (d->pend_len) return STOP;
    expect(d, S4C_LZ4D_BLOCK_HEADER, 4);
    return GO;
}

static int step_content_checksum(s4c_lz4d *d, cursor *c, s4c_error_detail *e) {
    if (!collect(d, c)) return STOP;
    uint32_t want = s4c_load_le32(d->hdr), got = XXH32_digest(&d->content_xxh);
    if (want != got)
        return fail(d, e, S4C_ERROR_CHECKSUM_MISMATCH,
                    "LZ4 content checksum mismatch (stored 0x%08x, computed 0x%08x)", want, got);
    return frame_finished(d);
}

static int step_skip_size(s4c_lz4d *d, cursor *c, s4c_error_detail *e) {
    (void)e;
    if (!collect(d, c)) return STOP;
    d->left = s4c_load_le32(d->hdr + 4);
    d->stage = S4C_LZ4D_SKIP_DATA;
    return GO;
}

static int step_skip_data(s4c_lz4d *d, cursor *c, s4c_error_detail *e) {
    (void)e;
    size_t k = min_size(d->left, avail_in(c));
    c->ip += k;
    d->left -= (uint32_t)k;
    return d->left ? STOP : frame_finished(d);
}

static int step_done(s4c_lz4d *d, cursor *c, s4c_error_detail *e) {
    (void)d, (void)c, (void)e;
    return STOP;
}

typedef int (*step_fn)(s4c_lz4d *d, cursor *c, s4c_error_detail *e);
static const step_fn steps[] = {
    [S4C_LZ4D_MAGIC] = step_magic,
    [S4C_LZ4D_HEADER] = step_header,
    [S4C_LZ4D_BLOCK_HEADER] = step_block_header,
    [S4C_LZ4D_BLOCK_DATA] = step_block_data,
    [S4C_LZ4D_BLOCK_RAW] = step_block_raw,
    [S4C_LZ4D_RAW_CHECKSUM] = step_raw_checksum,
    [S4C_LZ4D_FLUSH] = step_flush,
    [S4C_LZ4D_CONTENT_CHECKSUM] = step_content_checksum,
    [S4C_LZ4D_SKIP_SIZE] = step_skip_size,
    [S4C_LZ4D_SKIP_DATA] = step_skip_data,
    [S4C_LZ4D_DONE] = step_done,
};

/* ------------------------------------------------------------ driver */

static s4c_status run(s4c_lz4d *d, s4c_in_buffer *in, s4c_out_buffer *out, s4c_error_detail *e) {
    if (d->failed != S4C_OK) {
        if (e) s4c_fail(e, S4C_ERROR_FAILED_STATE, "%s", s4c_strerror(S4C_ERROR_FAILED_STATE));
        return S4C_ERROR_FAILED_STATE;
    }
    cursor c = {in->src, in->pos, in->size, out->dst, out->pos, out->size};
    d->run_start = c.op;
    d->unsynced = 0;
    int r;
    do {
        r = d->stage <= S4C_LZ4D_DONE
                ? steps[d->stage](d, &c, e)
                : fail(d, e, S4C_ERROR_STAGE, "LZ4 decoder in an invalid stage");
        /* Checkpoints: output since the last one (all delivered: no pending
         * block at a boundary), then where the state machine stands. */
        if (r != ERR && d->ckpt_spacing &&
            d->total_out + (c.op - out->pos) - d->ckpt_out >= d->ckpt_spacing &&
            s4c_lz4d_at_checkpoint(d)) {
            d->checkpoints++;
            d->ckpt_out = d->total_out + (c.op - out->pos);
            if (d->ckpt_stop) r = STOP;
        }
    } while (r == GO);
    /* The caller's output is not ours after we return: keep the window. */
    if (r != ERR && d->in_frame && d->info.linked) window_sync(d, &c);
    d->total_in += c.ip - in->pos;
    d->total_out += c.op - out->pos;
    in->pos = c.ip;
    out->pos = c.op;
    return r == ERR ? d->failed : S4C_OK;
}

s4c_status s4c_lz4d_decode(s4c_lz4d *d, s4c_in_buffer *in, s4c_out_buffer *out,
                           s4c_error_detail *e) {
    d->oneshot = 0;
    return run(d, in, out, e);
}

s4c_status s4c_lz4d_decode_all(s4c_lz4d *d, s4c_in_buffer *in, s4c_out_buffer *out,
                               s4c_error_detail *e) {
    d->oneshot = 1;
    s4c_status st = run(d, in, out, e);
    d->oneshot = 0;
    if (st != S4C_OK) return st;
    if (s4c_lz4d_at_frame_end(d) && (in->pos == in->size || d->stage == S4C_LZ4D_DONE))
        return S4C_OK;
    if ((d->stage == S4C_LZ4D_FLUSH && d->pend_len) ||
        (d->stage == S4C_LZ4D_BLOCK_RAW && in->pos < in->size)) {
        fail(d, e, S4C_ERROR_DST_TOO_SMALL,
             "LZ4 stream decodes to more than the %zu-byte destination", out->size);
        return S4C_ERROR_DST_TOO_SMALL;
    }
    fail(d, e, S4C_ERROR_TRUNCATED_INPUT,
         d->frames_done || d->stage != S4C_LZ4D_MAGIC || d->stage_have
             ? "LZ4 input ends inside a frame"
             : "empty input: no LZ4 frame");
    return S4C_ERROR_TRUNCATED_INPUT;
}

s4c_status s4c_lz4d_decode_all_crc(s4c_lz4d *d, s4c_in_buffer *in, s4c_out_buffer *out,
                                   uint32_t *crc, s4c_error_detail *e) {
    d->track_crc = 1;
    d->out_crc = 0;
    s4c_status st = s4c_lz4d_decode_all(d, in, out, e);
    d->track_crc = 0;
    *crc = d->out_crc;
    return st;
}

/* ------------------------------------------------------------ queries */

size_t s4c_lz4d_hint(const s4c_lz4d *d) {
    switch ((s4c_lz4d_stage)d->stage) {
    case S4C_LZ4D_MAGIC:
        if (d->stage_have == 0) return d->frames_done ? 0 : S4C_LZ4_HEADER_MIN;
        return S4C_LZ4_HEADER_MIN - d->stage_have + 4;
    case S4C_LZ4D_HEADER:
    case S4C_LZ4D_BLOCK_DATA:
    case S4C_LZ4D_RAW_CHECKSUM:
        return d->stage_need - d->stage_have + 4;
    case S4C_LZ4D_BLOCK_HEADER:
    case S4C_LZ4D_CONTENT_CHECKSUM:
    case S4C_LZ4D_SKIP_SIZE:
        return d->stage_need - d->stage_have;
    case S4C_LZ4D_BLOCK_RAW:
        return (size_t)d->left + (d->info.block_checksum ? 4 : 0) + 4;
    case S4C_LZ4D_FLUSH:
        return 4;
    case S4C_LZ4D_SKIP_DATA:
        return d->left;
    case S4C_LZ4D_DONE:
        return 0;
    }
    return 0;
}

int s4c_lz4d_at_frame_end(const s4c_lz4d *d) {
    return d->failed == S4C_OK &&
           ((d->stage == S4C_LZ4D_MAGIC && d->stage_have == 0 && d->frames_done > 0) ||
            d->stage == S4C_LZ4D_DONE);
}

int s4c_lz4d_at_block_boundary(const s4c_lz4d *d) {
    if (d->failed != S4C_OK || !d->in_frame || d->pend_len || d->stage_have) return 0;
    return d->stage == S4C_LZ4D_BLOCK_HEADER || d->stage == S4C_LZ4D_BLOCK_DATA ||
           (d->stage == S4C_LZ4D_BLOCK_RAW && d->left == d->block_size);
}

const s4c_lz4_frame_info *s4c_lz4d_frame_info(const s4c_lz4d *d) {
    return d->header_parsed ? &d->info : NULL;
}

int s4c_lz4d_at_checkpoint(const s4c_lz4d *d) {
    if (d->failed != S4C_OK) return 0;
    return s4c_lz4d_at_block_boundary(d) || (d->stage == S4C_LZ4D_MAGIC && d->stage_have == 0) ||
           d->stage == S4C_LZ4D_DONE;
}

void s4c_lz4d_set_checkpoints(s4c_lz4d *d, uint64_t spacing, int stop) {
    d->ckpt_spacing = spacing;
    d->ckpt_stop = stop ? 1 : 0;
}

/* ------------------------------------------------------------ clone */

static uint8_t *dup_buf(const uint8_t *p, uint32_t n) {
    if (!p) return NULL;
    uint8_t *q = s4c_malloc(n ? n : 1);
    if (q && n) memcpy(q, p, n);
    return q;
}

s4c_status s4c_lz4d_clone(s4c_lz4d *dst, const s4c_lz4d *src, s4c_error_detail *e) {
    uint8_t *in_buf = dup_buf(src->in_buf, src->in_buf_cap);
    uint8_t *out_buf = dup_buf(src->out_buf, src->out_buf_cap);
    if ((src->in_buf && !in_buf) || (src->out_buf && !out_buf)) {
        s4c_free(in_buf);
        s4c_free(out_buf);
        memset(dst, 0, sizeof *dst);
        return s4c_fail(e, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    *dst = *src;
    dst->in_buf = in_buf;
    dst->out_buf = out_buf;
    return S4C_OK;
}

/* ------------------------------------------------------------ save / load */

/*
 * Body layout (docs/formats/state.md, "cpu-lz4 body"). Values derivable from
 * others are not stored: the position comes from the envelope, `in_frame`
 * from the stage, the window length (min(64 KiB, frame output)) from the
 * frame's output, an XXH32 state's length/`large_len`/`memsize` from the bytes
 * it covers (frame output, or the stored block so far).
 */
#define BODY_STAGE_MASK 0x0Fu
#define BODY_SINGLE_FRAME 0x10u
#define BODY_HEADER_PARSED 0x20u
#define BODY_UNKNOWN 0xC0u
#define FI_ID_MASK 0x03u /* block size id - 4 */
#define FI_LINKED 0x04u
#define FI_CONTENT_CHECKSUM 0x08u
#define FI_BLOCK_CHECKSUM 0x10u
#define FI_CONTENT_SIZE 0x20u
#define FI_UNKNOWN 0xC0u

static const char *const stage_names[] = {
    "MAGIC", "HEADER",           "BLOCK_HEADER", "BLOCK_DATA", "BLOCK_RAW", "RAW_CHECKSUM",
    "FLUSH", "CONTENT_CHECKSUM", "SKIP_SIZE",    "SKIP_DATA",  "DONE",
};

static int stage_in_frame(unsigned stage) {
    return stage >= S4C_LZ4D_BLOCK_HEADER && stage <= S4C_LZ4D_CONTENT_CHECKSUM;
}

/* Stages collecting a small item into hdr (stage_have bytes of it so far). */
static int stage_uses_hdr(unsigned stage) {
    switch (stage) {
    case S4C_LZ4D_MAGIC:
    case S4C_LZ4D_HEADER:
    case S4C_LZ4D_BLOCK_HEADER:
    case S4C_LZ4D_RAW_CHECKSUM:
    case S4C_LZ4D_CONTENT_CHECKSUM:
    case S4C_LZ4D_SKIP_SIZE:
        return 1;
    }
    return 0;
}

static uint32_t window_of(uint64_t frame_out) {
    return frame_out < S4C_LZ4_WINDOW ? (uint32_t)frame_out : S4C_LZ4_WINDOW;
}

/* An XXH32 state over `total` bytes: lanes (when >= 16 bytes), buffered tail. */
static int xxh_consistent(const XXH32_state_t *s, uint64_t total) {
    return s->total_len_32 == (uint32_t)total && s->large_len == (total >= 16 ? 1u : 0u) &&
           s->memsize == (uint32_t)(total % 16);
}

static void put_xxh(s4c_blob_writer *w, const XXH32_state_t *s, uint64_t total) {
    if (total >= 16)
        for (int i = 0; i < 4; i++)
            s4c_blob_put_u32(w, s->v[i]);
    s4c_blob_put_bytes(w, s->mem32, (size_t)(total % 16));
}

static void get_xxh(s4c_blob_reader *r, XXH32_state_t *s, uint64_t total) {
    XXH32_reset(s, 0);
    memset(s->mem32, 0, sizeof s->mem32);
    s->total_len_32 = (uint32_t)total;
    s->large_len = total >= 16;
    if (total >= 16)
        for (int i = 0; i < 4; i++)
            s->v[i] = s4c_blob_get_u32(r);
    s->memsize = (uint32_t)(total % 16);
    const uint8_t *p = s4c_blob_get_bytes(r, s->memsize);
    if (p) memcpy(s->mem32, p, s->memsize);
}

static s4c_status inconsistent(s4c_error_detail *e, const char *what) {
    return s4c_fail(e, S4C_ERROR_STAGE, "cannot save the LZ4 decoder: inconsistent state (%s)",
                    what);
}

s4c_status s4c_lz4d_save(const s4c_lz4d *d, s4c_blob_writer *w, s4c_error_detail *e) {
    if (d->failed != S4C_OK)
        return s4c_fail(e, S4C_ERROR_FAILED_STATE, "cannot save an LZ4 decoder that failed");
    unsigned stage = d->stage;
    if (stage > S4C_LZ4D_DONE) return inconsistent(e, "stage");
    int in_frame = stage_in_frame(stage);
    const s4c_lz4_frame_info *fi = &d->info;
    if (in_frame != d->in_frame || (in_frame && !d->header_parsed)) return inconsistent(e, "frame");
    if (!stage_uses_hdr(stage) && stage != S4C_LZ4D_BLOCK_DATA && stage != S4C_LZ4D_SKIP_DATA &&
        d->stage_have)
        return inconsistent(e, "staged bytes");
    if (d->total_out < d->ckpt_out) return inconsistent(e, "checkpoint");

    s4c_blob_put_u8(w, (uint8_t)(stage | (d->single_frame ? BODY_SINGLE_FRAME : 0) |
                                 (d->header_parsed ? BODY_HEADER_PARSED : 0)));
    s4c_blob_put_varint(w, d->frames_done);
    s4c_blob_put_varint(w, d->checkpoints);
    s4c_blob_put_varint(w, d->total_out - d->ckpt_out);
    if (d->header_parsed) {
        if (fi->block_size_id < 4 || fi->block_size_id > 7 || fi->has_dict_id)
            return inconsistent(e, "frame info");
        s4c_blob_put_u8(w, (uint8_t)((fi->block_size_id - 4) | (fi->linked ? FI_LINKED : 0) |
                                     (fi->content_checksum ? FI_CONTENT_CHECKSUM : 0) |
                                     (fi->block_checksum ? FI_BLOCK_CHECKSUM : 0) |
                                     (fi->has_content_size ? FI_CONTENT_SIZE : 0)));
        if (fi->has_content_size) s4c_blob_put_varint(w, fi->content_size);
    }
    if (in_frame) {
        s4c_blob_put_varint(w, d->frame_out);
        if (fi->content_checksum) {
            if (!xxh_consistent(&d->content_xxh, d->frame_out))
                return inconsistent(e, "content checksum");
            put_xxh(w, &d->content_xxh, d->frame_out);
        }
    }
    switch ((s4c_lz4d_stage)stage) {
    case S4C_LZ4D_BLOCK_DATA:
        if (d->stage_have && !d->in_buf) return inconsistent(e, "block buffer");
        s4c_blob_put_varint(w, d->block_size);
        s4c_blob_put_window(w, d->in_buf, d->stage_have);
        break;
    case S4C_LZ4D_BLOCK_RAW:
        s4c_blob_put_varint(w, d->block_size);
        s4c_blob_put_varint(w, d->left);
        if (fi->block_checksum) {
            if (d->left > d->block_size || !xxh_consistent(&d->block_xxh, d->block_size - d->left))
                return inconsistent(e, "block checksum");
            put_xxh(w, &d->block_xxh, d->block_size - d->left);
        }
        break;
    case S4C_LZ4D_RAW_CHECKSUM:
        if (!xxh_consistent(&d->block_xxh, d->block_size)) return inconsistent(e, "block checksum");
        s4c_blob_put_varint(w, d->block_size);
        put_xxh(w, &d->block_xxh, d->block_size);
        break;
    case S4C_LZ4D_FLUSH:
        s4c_blob_put_varint(w, d->pend_len);
        break;
    case S4C_LZ4D_SKIP_DATA:
        s4c_blob_put_varint(w, d->left);
        break;
    default:
        break;
    }
    if (stage_uses_hdr(stage)) {
        if (d->stage_have > S4C_LZ4_HEADER_MAX) return inconsistent(e, "staged bytes");
        s4c_blob_put_varint(w, d->stage_have);
        s4c_blob_put_bytes(w, d->hdr, d->stage_have);
    }
    /* Output bytes: a linked frame's window (with any pending block at its
     * end, which may reach further back), or an independent pending block. */
    uint32_t pend = stage == S4C_LZ4D_FLUSH ? d->pend_len : 0;
    if (in_frame && fi->linked) {
        uint32_t hist = window_of(d->frame_out);
        uint32_t span = hist > pend ? hist : pend;
        if (d->hist_len != hist || d->hist_end < span || d->hist_end > d->out_buf_cap ||
            (pend && d->pend_off + pend != d->hist_end) || (span && !d->out_buf))
            return inconsistent(e, "window");
        s4c_blob_put_window(w, d->out_buf + d->hist_end - span, span);
    } else if (pend) {
        if (!d->out_buf || (uint64_t)d->pend_off + pend > d->out_buf_cap)
            return inconsistent(e, "pending output");
        s4c_blob_put_window(w, d->out_buf + d->pend_off, pend);
    }
    return S4C_OK;
}

#define LOAD_FAIL(...)                                                                             \
    do {                                                                                           \
        s4c_blob_reader_fail(r, __VA_ARGS__);                                                      \
        return s4c_blob_reader_status(r, e);                                                       \
    } while (0)
#define LOAD_CHECK_READ()                                                                          \
    do {                                                                                           \
        if (r->bad) return s4c_blob_reader_status(r, e);                                           \
    } while (0)

s4c_status s4c_lz4d_load(s4c_lz4d *d, s4c_blob_reader *r, uint64_t consumed, uint64_t produced,
                         s4c_error_detail *e) {
    uint8_t head = s4c_blob_get_u8(r);
    LOAD_CHECK_READ();
    unsigned stage = head & BODY_STAGE_MASK;
    if (head & BODY_UNKNOWN) LOAD_FAIL("lz4 state byte 0x%02x sets unknown bits", head);
    if (stage > S4C_LZ4D_DONE) LOAD_FAIL("lz4 stage %u is out of range (0..10)", stage);
    const char *sname = stage_names[stage];
    int single = (head & BODY_SINGLE_FRAME) != 0;
    int parsed = (head & BODY_HEADER_PARSED) != 0;
    int in_frame = stage_in_frame(stage);
    uint64_t frames_done = s4c_blob_get_varint(r);
    uint64_t checkpoints = s4c_blob_get_varint(r);
    uint64_t since_ckpt = s4c_blob_get_varint(r);
    LOAD_CHECK_READ();
    if (since_ckpt > produced)
        LOAD_FAIL("lz4 last checkpoint lies %llu bytes back, before the stream's start (%llu "
                  "bytes produced)",
                  (unsigned long long)since_ckpt, (unsigned long long)produced);
    if (checkpoints > produced)
        LOAD_FAIL("lz4 state counts %llu checkpoints over %llu bytes of output",
                  (unsigned long long)checkpoints, (unsigned long long)produced);
    if (in_frame && !parsed)
        LOAD_FAIL("lz4 stage %s lies inside a frame but no frame header", sname);
    if (stage == S4C_LZ4D_HEADER && parsed)
        LOAD_FAIL("lz4 stage HEADER with a frame header already parsed");
    if (!in_frame && stage != S4C_LZ4D_HEADER && parsed && frames_done == 0)
        LOAD_FAIL("lz4 frame info is present but no frame was finished");
    if (stage == S4C_LZ4D_DONE && (!single || frames_done != 1))
        LOAD_FAIL("lz4 stage DONE needs single-frame mode and one finished frame (%llu)",
                  (unsigned long long)frames_done);
    if (single && frames_done && stage != S4C_LZ4D_DONE)
        LOAD_FAIL("lz4 single-frame decoder goes on after its first frame (stage %s)", sname);
    if (!in_frame && frames_done == 0 && produced != 0)
        LOAD_FAIL("lz4 state has %llu bytes of output but no frame", (unsigned long long)produced);

    s4c_lz4_frame_info fi;
    memset(&fi, 0, sizeof fi);
    if (parsed) {
        uint8_t fb = s4c_blob_get_u8(r);
        LOAD_CHECK_READ();
        if (fb & FI_UNKNOWN) LOAD_FAIL("lz4 frame info byte 0x%02x sets unknown bits", fb);
        fi.block_size_id = 4 + (fb & FI_ID_MASK);
        fi.block_max_size = s4c_lz4_block_max_size(fi.block_size_id);
        fi.linked = (fb & FI_LINKED) != 0;
        fi.content_checksum = (fb & FI_CONTENT_CHECKSUM) != 0;
        fi.block_checksum = (fb & FI_BLOCK_CHECKSUM) != 0;
        fi.has_content_size = (fb & FI_CONTENT_SIZE) != 0;
        if (fi.has_content_size) fi.content_size = s4c_blob_get_varint(r);
        LOAD_CHECK_READ();
    }
    uint32_t bmax = fi.block_max_size;
    uint64_t frame_out = 0;
    if (in_frame) {
        frame_out = s4c_blob_get_varint(r);
        LOAD_CHECK_READ();
        if (fi.has_content_size && frame_out > fi.content_size)
            LOAD_FAIL("lz4 frame output %llu exceeds the declared content size %llu",
                      (unsigned long long)frame_out, (unsigned long long)fi.content_size);
        if (stage == S4C_LZ4D_CONTENT_CHECKSUM && fi.has_content_size &&
            frame_out != fi.content_size)
            LOAD_FAIL("lz4 frame ended with %llu bytes, its header declares %llu",
                      (unsigned long long)frame_out, (unsigned long long)fi.content_size);
        if (stage == S4C_LZ4D_CONTENT_CHECKSUM && !fi.content_checksum)
            LOAD_FAIL("lz4 stage CONTENT_CHECKSUM in a frame without a content checksum");
        if (stage == S4C_LZ4D_RAW_CHECKSUM && !fi.block_checksum)
            LOAD_FAIL("lz4 stage RAW_CHECKSUM in a frame without block checksums");
        if (fi.content_checksum) get_xxh(r, &d->content_xxh, frame_out);
        LOAD_CHECK_READ();
    }

    uint32_t block_size = 0, left = 0, pend = 0, have = 0, need = 0;
    switch ((s4c_lz4d_stage)stage) {
    case S4C_LZ4D_BLOCK_DATA: {
        uint64_t bs = s4c_blob_get_varint(r);
        LOAD_CHECK_READ();
        if (bs == 0 || bs > bmax)
            LOAD_FAIL("lz4 compressed block size %llu is out of range (1..%u)",
                      (unsigned long long)bs, bmax);
        block_size = (uint32_t)bs;
        need = block_size + (fi.block_checksum ? 4u : 0u);
        if (!grow(&d->in_buf, &d->in_buf_cap, bmax + 4))
            return s4c_fail(e, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
        size_t n = 0;
        s4c_blob_get_window(r, d->in_buf, d->in_buf_cap, &n);
        LOAD_CHECK_READ();
        if (n >= need)
            LOAD_FAIL("lz4 staged block holds %zu bytes, the block needs fewer than %u", n, need);
        have = (uint32_t)n;
        break;
    }
    case S4C_LZ4D_BLOCK_RAW:
    case S4C_LZ4D_RAW_CHECKSUM: {
        uint64_t bs = s4c_blob_get_varint(r);
        uint64_t lf = stage == S4C_LZ4D_BLOCK_RAW ? s4c_blob_get_varint(r) : 0;
        LOAD_CHECK_READ();
        if (bs > bmax)
            LOAD_FAIL("lz4 stored block size %llu exceeds the frame's maximum %u",
                      (unsigned long long)bs, bmax);
        if (stage == S4C_LZ4D_BLOCK_RAW && (lf == 0 || lf > bs))
            LOAD_FAIL("lz4 stored block has %llu bytes left of %llu", (unsigned long long)lf,
                      (unsigned long long)bs);
        block_size = (uint32_t)bs;
        left = (uint32_t)lf;
        if (stage == S4C_LZ4D_RAW_CHECKSUM) need = 4;
        if (fi.block_checksum) get_xxh(r, &d->block_xxh, block_size - left);
        LOAD_CHECK_READ();
        break;
    }
    case S4C_LZ4D_FLUSH: {
        uint64_t p = s4c_blob_get_varint(r);
        LOAD_CHECK_READ();
        if (p == 0 || p > bmax || p > frame_out)
            LOAD_FAIL("lz4 pending output of %llu bytes is out of range (1..%u, at most the "
                      "frame's %llu)",
                      (unsigned long long)p, bmax, (unsigned long long)frame_out);
        pend = (uint32_t)p;
        break;
    }
    case S4C_LZ4D_SKIP_DATA: {
        uint64_t lf = s4c_blob_get_varint(r);
        LOAD_CHECK_READ();
        if (lf == 0 || lf > UINT32_MAX)
            LOAD_FAIL("lz4 skippable frame has %llu bytes left (1..4294967295)",
                      (unsigned long long)lf);
        left = (uint32_t)lf;
        have = need = 8;
        break;
    }
    case S4C_LZ4D_MAGIC:
    case S4C_LZ4D_BLOCK_HEADER:
    case S4C_LZ4D_CONTENT_CHECKSUM:
    case S4C_LZ4D_DONE:
        need = 4;
        break;
    case S4C_LZ4D_HEADER:
        need = S4C_LZ4_HEADER_MIN;
        break;
    case S4C_LZ4D_SKIP_SIZE:
        need = 8;
        break;
    }
    /* The frame's output counts a pending block; the stream's does not yet. */
    if (in_frame && frame_out > produced + pend)
        LOAD_FAIL("lz4 frame output %llu exceeds the stream's %llu bytes (+%u pending)",
                  (unsigned long long)frame_out, (unsigned long long)produced, pend);
    if (in_frame && frames_done == 0 && frame_out != produced + pend)
        LOAD_FAIL("lz4 first frame's output %llu differs from the stream's %llu bytes (+%u "
                  "pending)",
                  (unsigned long long)frame_out, (unsigned long long)produced, pend);
    if (stage_uses_hdr(stage)) {
        uint64_t h = s4c_blob_get_varint(r);
        LOAD_CHECK_READ();
        if (h > S4C_LZ4_HEADER_MAX)
            LOAD_FAIL("lz4 %llu staged header bytes (at most %u)", (unsigned long long)h,
                      S4C_LZ4_HEADER_MAX);
        const uint8_t *p = s4c_blob_get_bytes(r, (size_t)h);
        LOAD_CHECK_READ();
        memcpy(d->hdr, p, (size_t)h);
        have = (uint32_t)h;
        if (stage == S4C_LZ4D_HEADER && have >= 5) need = header_size(d->hdr[4]);
        if (stage == S4C_LZ4D_HEADER || stage == S4C_LZ4D_SKIP_SIZE) {
            uint32_t magic = have >= 4 ? s4c_load_le32(d->hdr) : 0;
            int ok = stage == S4C_LZ4D_HEADER
                         ? magic == S4C_LZ4_MAGIC
                         : (magic & S4C_LZ4_SKIPPABLE_MASK) == S4C_LZ4_SKIPPABLE_MAGIC;
            if (!ok)
                LOAD_FAIL("lz4 stage %s: staged bytes do not start with its frame magic", sname);
        }
        if (have >= need)
            LOAD_FAIL("lz4 stage %s holds %u staged bytes, the item has %u", sname, have, need);
        if (!in_frame && frames_done == 0 && consumed != have)
            LOAD_FAIL("lz4 stream start (stage %s): %llu bytes consumed, %u staged", sname,
                      (unsigned long long)consumed, have);
    }

    /* Output: the linked window (with a pending block at its end), or an
     * independent pending block. Buffers as the decoder itself sizes them. */
    uint32_t hist = 0, span = 0;
    int has_out = (in_frame && fi.linked) || pend; /* as save writes a window */
    if (in_frame && fi.linked) {
        hist = window_of(frame_out);
        span = hist > pend ? hist : pend;
        if (!grow(&d->out_buf, &d->out_buf_cap, 2 * S4C_LZ4_WINDOW + bmax))
            return s4c_fail(e, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    } else if (pend) {
        span = pend;
        if (!grow(&d->out_buf, &d->out_buf_cap, bmax))
            return s4c_fail(e, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    if (has_out) {
        size_t n = 0;
        s4c_blob_get_window(r, d->out_buf, d->out_buf_cap, &n);
        LOAD_CHECK_READ();
        if (n != span)
            LOAD_FAIL("lz4 %s holds %zu bytes, the state needs %u",
                      fi.linked ? "window" : "pending output", n, span);
    }

    d->stage = (uint8_t)stage;
    d->single_frame = (uint8_t)single;
    d->header_parsed = (uint8_t)parsed;
    d->in_frame = (uint8_t)in_frame;
    d->failed = S4C_OK;
    d->stage_have = have;
    d->stage_need = need;
    d->block_size = block_size;
    d->left = left;
    d->frames_done = frames_done;
    d->frame_out = frame_out;
    d->total_in = consumed;
    d->total_out = produced;
    d->checkpoints = checkpoints;
    d->ckpt_out = produced - since_ckpt;
    d->info = fi;
    d->hist_end = in_frame && fi.linked ? span : 0;
    d->hist_len = hist;
    d->pend_off = span - pend;
    d->pend_len = pend;
    d->run_start = d->unsynced = 0;
    d->oneshot = 0;
    return S4C_OK;
}
