/*
 * lz4_frame_decoder.h — our LZ4 frame decoder state machine (internal API).
 *
 * liblz4's LZ4F_dctx is opaque, so it can be neither cloned nor saved. This
 * decoder keeps its whole state in the plain struct below: a stage, offsets and
 * counters, the staged header bytes, the frame info, the running XXH32 states,
 * and two owned buffers (compressed-block staging and the output/history area).
 * Nothing points into caller memory between calls, so the state is saved as a
 * pointer-free blob (s4c_lz4d_save/load below; docs/formats/state.md).
 *
 * Used by the cpu-lz4 codec kind (lz4_codec.c) and by the lz4framed Python
 * binding, which needs LZ4F-style hints and block-boundary information.
 */
#ifndef S4C_LZ4_FRAME_DECODER_H
#define S4C_LZ4_FRAME_DECODER_H

#define XXH_STATIC_LINKING_ONLY /* XXH32_state_t's fields: plain, copyable */
#include <xxhash.h>

#include "../core/codec_internal.h"

#define S4C_LZ4_MAGIC 0x184D2204u
#define S4C_LZ4_LEGACY_MAGIC 0x184C2102u
#define S4C_LZ4_SKIPPABLE_MAGIC 0x184D2A50u /* ..0x184D2A5F */
#define S4C_LZ4_SKIPPABLE_MASK 0xFFFFFFF0u
#define S4C_LZ4_HEADER_MAX 19        /* magic 4, FLG, BD, size 8, dict id 4, HC */
#define S4C_LZ4_HEADER_MIN 7         /* LZ4F's hint before anything is known */
#define S4C_LZ4_WINDOW (64u * 1024u) /* history a linked block may reference */

/* Where the decoder stands. Values are part of the saved-state format: append only. */
typedef enum s4c_lz4d_stage {
    S4C_LZ4D_MAGIC = 0,            /* collecting the 4-byte magic of the next frame */
    S4C_LZ4D_HEADER = 1,           /* collecting the rest of an LZ4 frame header */
    S4C_LZ4D_BLOCK_HEADER = 2,     /* collecting a 4-byte block header (or end mark) */
    S4C_LZ4D_BLOCK_DATA = 3,       /* compressed block: data (+ block checksum) */
    S4C_LZ4D_BLOCK_RAW = 4,        /* uncompressed block: copied straight through */
    S4C_LZ4D_RAW_CHECKSUM = 5,     /* block checksum after an uncompressed block */
    S4C_LZ4D_FLUSH = 6,            /* a decoded block waits in `out_buf` */
    S4C_LZ4D_CONTENT_CHECKSUM = 7, /* 4-byte content checksum after the end mark */
    S4C_LZ4D_SKIP_SIZE = 8,        /* skippable frame: collecting magic + size */
    S4C_LZ4D_SKIP_DATA = 9,        /* skippable frame: skipping its payload */
    S4C_LZ4D_DONE = 10             /* single-frame mode: first frame finished */
} s4c_lz4d_stage;

/* The parsed frame header (the current frame, or the last one finished). */
typedef struct s4c_lz4_frame_info {
    uint32_t block_size_id;  /* 4..7 */
    uint32_t block_max_size; /* 64 KiB .. 4 MiB */
    uint8_t linked;          /* 1: blocks may reference the previous 64 KiB */
    uint8_t content_checksum;
    uint8_t block_checksum;
    uint8_t has_content_size;
    uint8_t has_dict_id;
    uint64_t content_size; /* valid when has_content_size */
    uint32_t dict_id;      /* valid when has_dict_id */
} s4c_lz4_frame_info;

/*
 * The whole decoder. Fields up to `out_buf_cap` are plain values; the two
 * buffers are owned, sized for the largest block seen, and reused across
 * frames and resets. Their meaningful contents:
 *   in_buf[0 .. stage_have)            a compressed block arriving in pieces
 *                                      (stage BLOCK_DATA with stage_have > 0)
 *   out_buf[hist_end - hist_len .. hist_end)
 *                                      linked mode: the last hist_len bytes of
 *                                      this frame's output (the window)
 *   out_buf[pend_off .. pend_off + pend_len)
 *                                      decoded bytes not yet flushed (stage FLUSH)
 */
typedef struct s4c_lz4d {
    /* configuration */
    uint8_t single_frame; /* stop after the first frame (LZ4 or skippable) */

    /* position */
    uint8_t stage;         /* s4c_lz4d_stage */
    uint8_t header_parsed; /* `info` describes the current / last LZ4 frame */
    uint8_t in_frame;      /* inside an LZ4 frame (header parsed, end not reached) */
    s4c_status failed;     /* sticky error, S4C_OK when healthy */
    uint32_t stage_have;   /* bytes of the staged item collected so far */
    uint32_t stage_need;   /* bytes the staged item needs (header, 4, block + crc) */
    uint32_t block_size;   /* stored size of the current block (no checksum) */
    uint32_t left;         /* uncompressed block / skippable bytes still to pass */
    uint64_t frames_done;  /* frames finished since reset (skippable ones included) */
    uint64_t frame_out;    /* bytes produced by the current frame */
    uint64_t total_in;     /* compressed bytes consumed since reset */
    uint64_t total_out;    /* bytes produced since reset */
    /* checkpoints (s4codec_resume.h): block boundaries and frame ends */
    uint64_t ckpt_spacing; /* record one >= this many output bytes after the last; 0: off */
    uint64_t checkpoints;  /* recorded since reset */
    uint64_t ckpt_out;     /* total_out at the last recorded checkpoint */
    uint8_t ckpt_stop;     /* return from decode as soon as one is recorded */
    uint8_t hdr[S4C_LZ4_HEADER_MAX]; /* staged magic/header, block header, checksums */
    s4c_lz4_frame_info info;

    /* running checksums */
    XXH32_state_t content_xxh; /* XXH32 of the frame's content so far */
    XXH32_state_t block_xxh;   /* uncompressed block with block checksum */

    /* output area offsets (into out_buf) */
    uint32_t hist_end; /* end of the window */
    uint32_t hist_len; /* window bytes (linked frames only, <= 64 KiB) */
    uint32_t pend_off; /* first unflushed decoded byte */
    uint32_t pend_len; /* unflushed decoded bytes */
    uint32_t in_buf_cap;
    uint32_t out_buf_cap;

    /* per-call bookkeeping (meaningless between calls) */
    size_t run_start; /* out->pos where this frame's output in this call began */
    size_t unsynced;  /* bytes just before out->pos not yet copied into the window */
    uint8_t oneshot;  /* the output buffer is final: decode blocks even when full */
    uint8_t track_crc; /* one-shot: fold each decoded run into out_crc while it is hot */
    uint32_t out_crc;  /* CRC32C of everything produced while track_crc was set */

    /* owned buffers */
    uint8_t *in_buf;  /* block_max + 4 */
    uint8_t *out_buf; /* linked: 128 KiB + block_max; independent: block_max */
} s4c_lz4d;

/* Sets up a fresh decoder (no allocation until a frame needs it). */
S4C_INTERNAL void s4c_lz4d_init(s4c_lz4d *d, int single_frame);
/* Frees the buffers; the struct may be re-initialised afterwards. */
S4C_INTERNAL void s4c_lz4d_release(s4c_lz4d *d);
/* Forgets the stream (keeps the buffers and the single_frame setting). */
S4C_INTERNAL void s4c_lz4d_reset(s4c_lz4d *d);

/*
 * Consumes input, produces output. Returns S4C_OK when it stopped for want of
 * input or output space, or at the end of the first frame in single-frame mode;
 * otherwise an error status (with `e` set; e may be NULL), after which every
 * call fails with S4C_ERROR_FAILED_STATE until s4c_lz4d_reset().
 */
S4C_INTERNAL s4c_status s4c_lz4d_decode(s4c_lz4d *d, s4c_in_buffer *in, s4c_out_buffer *out,
                                        s4c_error_detail *e);
/*
 * One-shot form: `out` is all the room there is. Decodes every frame of `in`;
 * S4C_ERROR_DST_TOO_SMALL when more output is left once `out` is full,
 * S4C_ERROR_TRUNCATED_INPUT when the input ends inside a frame or is empty.
 */
S4C_INTERNAL s4c_status s4c_lz4d_decode_all(s4c_lz4d *d, s4c_in_buffer *in, s4c_out_buffer *out,
                                            s4c_error_detail *e);
/* As s4c_lz4d_decode_all, also returning the CRC32C of the output, computed
 * block by block as each one is decoded (cache-hot) instead of in a second pass. */
S4C_INTERNAL s4c_status s4c_lz4d_decode_all_crc(s4c_lz4d *d, s4c_in_buffer *in,
                                                s4c_out_buffer *out, uint32_t *crc,
                                                s4c_error_detail *e);

/*
 * LZ4F-style next-input hint: 0 exactly at the end of a frame with all output
 * flushed (or before anything in single-frame mode after the first frame);
 * else the bytes still missing for the item being read plus 4 for the next
 * block header (the checksum of the current block included). The first hint
 * after a frame header is 4; 7 before any byte of a stream was seen.
 */
S4C_INTERNAL size_t s4c_lz4d_hint(const s4c_lz4d *d);
/* 1 at a clean end: at least one frame finished and nothing of a next one seen. */
S4C_INTERNAL int s4c_lz4d_at_frame_end(const s4c_lz4d *d);
/*
 * 1 when inside an LZ4 frame at a block boundary with nothing buffered: no
 * staged header/block/checksum bytes and no pending output, either before a
 * block header or just after one (no payload read yet, compressed or stored). The state to save
 * there is the fixed fields (plus the window in linked mode).
 */
S4C_INTERNAL int s4c_lz4d_at_block_boundary(const s4c_lz4d *d);
/*
 * 1 where the decoder records checkpoints: at a block boundary, or between
 * frames with nothing of a next frame seen (stream start, frame end, single-
 * frame done). A save is exact anywhere; these are merely the small states.
 */
S4C_INTERNAL int s4c_lz4d_at_checkpoint(const s4c_lz4d *d);
/*
 * Checkpoint recording: `spacing` output bytes at least between recorded
 * checkpoints (0 turns recording off, the default of s4c_lz4d_init); with
 * `stop`, s4c_lz4d_decode returns S4C_OK as soon as it records one (all
 * output up to it delivered). Kept across resets.
 */
S4C_INTERNAL void s4c_lz4d_set_checkpoints(s4c_lz4d *d, uint64_t spacing, int stop);

/*
 * Saving, loading, cloning (docs/formats/state.md, "cpu-lz4 body").
 * clone: `dst` becomes an independent deep copy of `src` (its own buffers);
 *   on failure dst holds no buffers. dst must not hold buffers before.
 * save: appends the body of a healthy decoder's exact state to `w`.
 * load: `d` freshly initialised (s4c_lz4d_init; its checkpoint settings are
 *   kept); reads a body from untrusted bytes, validating every field (the
 *   reader records the first failure: S4C_ERROR_STATE_INVALID, "invalid saved
 *   state: lz4 ..."). `consumed`/`produced` are the positions the body was
 *   saved at (from the envelope). On failure call s4c_lz4d_release.
 */
S4C_INTERNAL s4c_status s4c_lz4d_clone(s4c_lz4d *dst, const s4c_lz4d *src, s4c_error_detail *e);
S4C_INTERNAL s4c_status s4c_lz4d_save(const s4c_lz4d *d, s4c_blob_writer *w, s4c_error_detail *e);
S4C_INTERNAL s4c_status s4c_lz4d_load(s4c_lz4d *d, s4c_blob_reader *r, uint64_t consumed,
                                      uint64_t produced, s4c_error_detail *e);

/* The current (or last) frame's header, or NULL before any header was parsed. */
S4C_INTERNAL const s4c_lz4_frame_info *s4c_lz4d_frame_info(const s4c_lz4d *d);
static inline uint64_t s4c_lz4d_consumed(const s4c_lz4d *d) { return d->total_in; }
static inline uint64_t s4c_lz4d_produced(const s4c_lz4d *d) { return d->total_out; }

/* Block size in bytes of a block-size id (4..7), 0 for any other id. */
static inline uint32_t s4c_lz4_block_max_size(unsigned id) {
    return id >= 4 && id <= 7 ? 1u << (8 + 2 * id) : 0;
}

#endif /* S4C_LZ4_FRAME_DECODER_H */
