/*
 * zstd_internal.h — what the cpu-zstd files share: the streaming decoder's
 * state (zstd_codec.c runs it, zstd_resume.c saves, loads and clones it) and
 * the seekable format (zstd_seekable.c: seek table writer and parser).
 */
#ifndef S4C_ZSTD_INTERNAL_H
#define S4C_ZSTD_INTERNAL_H

#define ZSTD_STATIC_LINKING_ONLY /* stable buffers, custom allocators, by-reference dicts */
#include <zstd.h>

#include "../core/codec_internal.h"

/* S4's Backend text for CpuZstdDict::new with an empty dictionary. */
#define S4C_ZSTD_EMPTY_DICTIONARY_TEXT                                                            \
    "zstd dictionary is empty (0 bytes) — refusing to build cpu-zstd-dict codec"

/*
 * The decoder state machine shared by the streaming API and the one-shot
 * reference path (see zstd_codec.c for the why of each field).
 *
 * Resumable decoding: every frame end (ZSTD_decompressStream returned 0,
 * skippable frames included) is a frame boundary, where libzstd holds no
 * state worth keeping; the boundary the decoder passed last (bound_*) is
 * where a loaded decoder resumes. A boundary at least ckpt_spacing output
 * bytes after the last recorded checkpoint is recorded as a checkpoint.
 */
typedef struct zstd_decoder {
    ZSTD_DCtx *dctx;
    ZSTD_DDict *ddict[2]; /* the same dictionary at two addresses */
    int next_ddict;
    int single_frame;
    int at_frame_end;    /* at a frame boundary with every byte flushed */
    int finished;        /* single-frame mode: the first frame has ended */
    int may_hold_output; /* the last call filled the output: libzstd may hold more */
    size_t last_hint;
    /* The current frame's header (as consumed) and output, for the content-size check. */
    uint8_t header[ZSTD_FRAMEHEADERSIZE_MAX];
    size_t header_len;
    int header_parsed;
    unsigned long long content_size; /* ZSTD_CONTENTSIZE_UNKNOWN when absent */
    unsigned long long frame_in, frame_out;
    /* Up to 5 bytes held back at a frame start (see zdec_hold_legacy_magic). */
    uint8_t stash[5];
    size_t stash_len, stash_pos;
    int input_complete; /* one-shot: the caller's input is all there is */

    /* Streaming decoders: the dictionary's bytes (ddict[0] refers to them),
     * its ZDICT id (0 for raw content) and XXH64, for clones and saved states. */
    void *dict;
    size_t dict_size;
    uint32_t dict_id;
    uint64_t dict_hash;

    /* Streaming decoders: whole frames that fit the caller's buffers are
     * decoded in one call straight into the output (zdec_direct_frame). */
    int direct;
    ZSTD_DCtx *direct_dctx; /* created on first use */

    /* Positions (absolute stream offsets) and checkpoints. */
    uint64_t total_in, total_out;
    uint64_t ckpt_spacing; /* 0: no checkpoints are recorded (one-shot) */
    int ckpt_stop;
    uint64_t checkpoints;
    uint64_t ckpt_out; /* output offset of the last recorded checkpoint */
    /* The last frame boundary passed (the stream start at first). */
    uint64_t bound_in, bound_out, bound_checkpoints, bound_ckpt_out;
    int bound_finished;
} zstd_decoder;

/* zstd_codec.c */
S4C_INTERNAL s4c_status s4c_zdec_new(const s4c_decoder_options *o, int need_dict,
                                     const void *dict, size_t dict_size, zstd_decoder **ret,
                                     s4c_error_detail *d);
S4C_INTERNAL void s4c_zdec_free(void *impl);

/* zstd_resume.c: the resumable-decoding hooks of both kinds. */
S4C_INTERNAL void s4c_zstd_decoder_position(const void *impl, s4c_decoder_position *pos);
S4C_INTERNAL s4c_status s4c_zstd_decoder_clone(const void *impl, void **clone,
                                               s4c_error_detail *d);
S4C_INTERNAL s4c_status s4c_zstd_decoder_save(const void *impl, s4c_blob_writer *w,
                                              s4c_error_detail *d);
S4C_INTERNAL s4c_status s4c_zstd_decoder_load(const s4c_decoder_options *o, s4c_blob_reader *r,
                                              const s4c_state_info *info, void **impl,
                                              s4c_error_detail *d);

/*
 * For checkpoint indexes built from a seek table without a scan: a cpu-zstd
 * (kind 1, or 8 with o->dict) decoder standing at the frame boundary at
 * compressed offset `consumed` / output offset `produced`, with `checkpoints`
 * recorded so far, the last at output offset `last_checkpoint_out` (a
 * scanning decoder with spacing S records a boundary when its output offset
 * is >= S past the last recorded one). `head` = the stream's first
 * min(4096, consumed) bytes (fingerprint). s4c_decoder_save on it gives the
 * same blob a scanning decoder saves at that boundary (tested).
 */
S4C_INTERNAL s4c_status s4c_zstd_decoder_at_boundary(uint32_t kind, const s4c_decoder_options *o,
                                                     const void *head, size_t head_len,
                                                     uint64_t consumed, uint64_t produced,
                                                     uint64_t checkpoints,
                                                     uint64_t last_checkpoint_out,
                                                     s4c_decoder **dec_ret, s4c_error_detail *d);

/* ------------------------------------------------------------ seekable format */

#define S4C_ZSTD_SEEK_TABLE_MAGIC 0x184D2A5Eu /* a skippable frame magic */
#define S4C_ZSTD_SEEKABLE_MAGIC 0x8F92EAB1u
#define S4C_ZSTD_SEEK_FOOTER 9u                /* frames u32, descriptor u8, magic u32 */
#define S4C_ZSTD_SEEK_MAX_FRAMES 0x8000000u    /* the format's limit */
#define S4C_ZSTD_SEEK_MAX_FRAME_SIZE (1u << 30) /* decompressed bytes per frame */

typedef struct s4c_zstd_seek_entry {
    uint32_t compressed_size;
    uint32_t decompressed_size;
    uint32_t checksum; /* low 32 bits of XXH64 of the frame's content; 0 without */
} s4c_zstd_seek_entry;

/* Collects the frames of a seekable stream while it is written. */
typedef struct s4c_zstd_seek_log {
    s4c_zstd_seek_entry *entries;
    size_t count, cap;
    int checksums;
} s4c_zstd_seek_log;

/* Appends an entry; S4C_ERROR_OUT_OF_MEMORY or S4C_ERROR_UNSUPPORTED (frame limit). */
S4C_INTERNAL s4c_status s4c_zstd_seek_log_add(s4c_zstd_seek_log *log, uint32_t csize,
                                              uint32_t dsize, uint32_t checksum);
/* The seek table frame's size in bytes (skippable header included). */
S4C_INTERNAL size_t s4c_zstd_seek_table_size(size_t frames, int checksums);
/* Writes the seek table frame (s4c_zstd_seek_table_size bytes) into dst. */
S4C_INTERNAL void s4c_zstd_seek_table_write(const s4c_zstd_seek_log *log, uint8_t *dst);
S4C_INTERNAL void s4c_zstd_seek_log_release(s4c_zstd_seek_log *log);

/*
 * Reading a seek table (for random access and checkpoint indexes without a
 * scan). A parsed table, frames in stream order, with absolute offsets.
 */
typedef struct s4c_zstd_seek_table {
    size_t frames;
    int checksums;               /* entries carry checksums */
    uint64_t table_size;         /* bytes of the seek table frame at the stream's end */
    uint64_t compressed_size;    /* bytes of frames before the seek table */
    uint64_t decompressed_size;  /* sum of the frames' decompressed sizes */
    s4c_zstd_seek_entry *entries;   /* `frames` of them (s4c_malloc'd) */
    uint64_t *compressed_offset;    /* frames + 1: where frame i starts; [frames] = end */
    uint64_t *decompressed_offset;  /* frames + 1 */
} s4c_zstd_seek_table;

/*
 * Step 1: from the stream's last 9 bytes (stream_size >= 9), the seek table
 * frame's whole size. S4C_ERROR_UNKNOWN_FORMAT "no zstd seek table" when the
 * seekable magic is absent; S4C_ERROR_CORRUPT_DATA with a specific message
 * when the footer is inconsistent (reserved bits, more frames than the format
 * allows, a table larger than the stream).
 */
S4C_INTERNAL s4c_status s4c_zstd_seek_table_locate(const uint8_t footer[9], uint64_t stream_size,
                                                   uint64_t *table_size, s4c_error_detail *d);
/*
 * Step 2: parses the seek table frame (the stream's last table_size bytes)
 * into *t (release with s4c_zstd_seek_table_release). Checks the skippable
 * header, the footer, every entry (decompressed size <= 1 GiB), and that the
 * frames exactly cover the stream before the table (CORRUPT_DATA otherwise).
 */
S4C_INTERNAL s4c_status s4c_zstd_seek_table_parse(const uint8_t *table, size_t table_size,
                                                  uint64_t stream_size, s4c_zstd_seek_table *t,
                                                  s4c_error_detail *d);
/* Both steps through a read-at callback. */
S4C_INTERNAL s4c_status s4c_zstd_seek_table_read(s4c_read_at_fn read, void *ctx,
                                                 uint64_t stream_size, s4c_zstd_seek_table *t,
                                                 s4c_error_detail *d);
S4C_INTERNAL void s4c_zstd_seek_table_release(s4c_zstd_seek_table *t);

#endif /* S4C_ZSTD_INTERNAL_H */
