/*
 * s4codec_resume.h — resumable, checkpointable, random-access decoding.
 *
 * Every streaming decoder of s4codec_stream.h (cpu-lz4, cpu-gzip, cpu-zstd)
 * can report where it stands, be cloned, and be saved to a small pointer-free
 * blob that another process loads to go on. A checkpoint index built over a
 * whole .lz4/.gz/.zst file gives random-access reads and parallel decoding.
 * Byte formats: docs/formats/state.md (blobs), docs/formats/s4ci.md (index).
 *
 * Continuation: decoders never own their input, so "continue from another
 * source" is simply feeding the bytes of the stream from offset
 * `position.consumed` on, from wherever they come.
 */
#ifndef S4CODEC_RESUME_H
#define S4CODEC_RESUME_H

#include "s4codec_stream.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default distance between recorded checkpoints, in bytes of output. */
#define S4C_CHECKPOINT_SPACING_DEFAULT (4u * 1024u * 1024u)
/** Bytes of the stream's start a state or index fingerprint covers (at most). */
#define S4C_FINGERPRINT_BYTES 4096u

/* ------------------------------------------------------------ position */

/*
 * Checkpoints are the places where a decoder's state is small and needs no
 * replay: lz4 block boundaries, deflate block boundaries (and gzip member
 * starts), zstd frame boundaries. Decoders remember the last checkpoint they
 * passed that lies at least `checkpoint_spacing` output bytes after the one
 * before (s4c_decoder_options.checkpoint_spacing; lz4 does not need to: its
 * state is exact everywhere).
 */
typedef struct s4c_decoder_position {
    uint64_t consumed;      /* compressed bytes consumed since the stream's start */
    uint64_t produced;      /* uncompressed bytes delivered since the stream's start */
    int at_checkpoint;      /* 1: standing at a checkpoint (a save here needs no replay) */
    uint64_t checkpoints;   /* checkpoints recorded so far (see stop_at_checkpoint) */
    /*
     * Where a decoder loaded from a blob saved now reads its input from:
     * `consumed` when the state is exact (lz4 always; any codec at a
     * checkpoint), else the last recorded checkpoint's compressed offset —
     * the loaded decoder then re-decodes from there and discards the output
     * up to `produced` (at most one checkpoint spacing, or one zstd frame).
     */
    uint64_t resume_offset;
    uint64_t resume_produced; /* uncompressed offset at resume_offset */
} s4c_decoder_position;

/** Fills `pos`. Valid in any state (also after an error). */
S4C_API s4c_status s4c_decoder_get_position(const s4c_decoder *dec, s4c_decoder_position *pos);

/* --------------------------------------------------------------- clone */

/**
 * An independent deep copy: both decoders go on from here, each fed by its
 * caller. lz4 and gzip clone anywhere; zstd only where position.at_checkpoint
 * (libzstd's frame state cannot be copied) — elsewhere
 * S4C_ERROR_NOT_AT_CHECKPOINT. A failed decoder cannot be cloned
 * (S4C_ERROR_FAILED_STATE).
 */
S4C_API s4c_status s4c_decoder_clone(const s4c_decoder *dec, s4c_decoder **clone_ret,
                                     s4c_error_detail *detail);

/* ---------------------------------------------------------- save / load */

/**
 * Serialises the decoder's state (docs/formats/state.md): magic "S4CS",
 * version, kind, positions, a fingerprint of the stream's first bytes, the
 * codec's state (windows compressed), CRC32C. With dst NULL or cap too small:
 * S4C_ERROR_DST_TOO_SMALL and *size_ret = the size needed. Works anywhere;
 * see position.resume_offset for where the loaded decoder reads from.
 */
S4C_API s4c_status s4c_decoder_save(const s4c_decoder *dec, void *dst, size_t cap,
                                    size_t *size_ret, s4c_error_detail *detail);

/** What a blob says about itself (checked: magic, version, size, CRC32C, header fields). */
typedef struct s4c_state_info {
    uint32_t kind;            /* S4C_KIND_CPU_LZ4, S4C_KIND_CPU_GZIP, S4C_KIND_CPU_ZSTD */
    uint32_t version;         /* blob format version */
    uint64_t consumed;        /* decoder position when saved */
    uint64_t produced;
    uint64_t resume_offset;   /* feed the loaded decoder from this compressed offset */
    uint64_t resume_produced; /* uncompressed offset at resume_offset */
    uint32_t fingerprint_len; /* bytes of the stream's start the fingerprint covers */
    int at_checkpoint;
} s4c_state_info;

/** Validates a blob's envelope and reads its header; no decoder is created. */
S4C_API s4c_status s4c_state_inspect(const void *blob, size_t size, s4c_state_info *info,
                                     s4c_error_detail *detail);

/**
 * Creates a decoder from a blob. `stream_head` holds the first bytes of the
 * stream the caller will feed (at least info.fingerprint_len of them; more
 * are ignored): a blob saved for another stream is refused with
 * S4C_ERROR_STATE_FOREIGN. Every field is validated (the blob is untrusted):
 * S4C_ERROR_STATE_INVALID / S4C_ERROR_STATE_VERSION with a specific message.
 * Feed the new decoder from info.resume_offset on; output starts at
 * info.produced (bytes before it are re-decoded and discarded internally).
 * `opts` may be NULL; checkpoint settings come from opts, the rest from the blob.
 */
S4C_API s4c_status s4c_decoder_load(const void *blob, size_t size, const void *stream_head,
                                    size_t head_size, const s4c_decoder_options *opts,
                                    s4c_decoder **dec_ret, s4c_error_detail *detail);

/* ------------------------------------------------- checkpoint index (.s4ci) */

/** Reads `len` bytes at `offset` of the compressed stream; *got < len only at its end. */
typedef s4c_status (*s4c_read_at_fn)(void *ctx, uint64_t offset, void *buf, size_t len,
                                     size_t *got);
/** Receives output in order. */
typedef s4c_status (*s4c_write_fn)(void *ctx, const void *buf, size_t len);
/** Receives output bytes [offset, offset + len), in any order, from several threads at once. */
typedef s4c_status (*s4c_write_at_fn)(void *ctx, uint64_t offset, const void *buf, size_t len);

typedef struct s4c_ckindex s4c_ckindex;

typedef struct s4c_ckindex_entry {
    uint64_t compressed_offset;   /* where a decoder loaded from `state` reads from */
    uint64_t uncompressed_offset; /* output offset of the checkpoint */
    const uint8_t *state;         /* a blob saved at the checkpoint (s4c_decoder_load) */
    size_t state_size;
} s4c_ckindex_entry;

/** Builds an index by one scan of a whole stream (kind detected from its magic). */
S4C_API s4c_status s4c_ckindex_build(s4c_read_at_fn read, void *ctx, uint64_t spacing,
                                     s4c_ckindex **index_ret, s4c_error_detail *detail);
/** Encodes; dst NULL or too small → S4C_ERROR_DST_TOO_SMALL with *size_ret set. */
S4C_API s4c_status s4c_ckindex_encode(const s4c_ckindex *index, void *dst, size_t cap,
                                      size_t *size_ret);
/** Parses an untrusted index (S4C_ERROR_CKINDEX_INVALID / STATE_* with specific messages). */
S4C_API s4c_status s4c_ckindex_decode(const void *src, size_t size, s4c_ckindex **index_ret,
                                      s4c_error_detail *detail);
S4C_API void s4c_ckindex_free(s4c_ckindex *index);
S4C_API uint32_t s4c_ckindex_kind(const s4c_ckindex *index);
S4C_API uint64_t s4c_ckindex_compressed_size(const s4c_ckindex *index);
S4C_API uint64_t s4c_ckindex_uncompressed_size(const s4c_ckindex *index);
S4C_API size_t s4c_ckindex_count(const s4c_ckindex *index);
S4C_API s4c_status s4c_ckindex_entry_at(const s4c_ckindex *index, size_t i,
                                        s4c_ckindex_entry *entry);
/**
 * Checks that the index belongs to the stream read by `read` (size and
 * fingerprint of its first bytes): S4C_ERROR_STATE_FOREIGN otherwise.
 */
S4C_API s4c_status s4c_ckindex_check_stream(const s4c_ckindex *index, s4c_read_at_fn read,
                                            void *ctx, s4c_error_detail *detail);

/** Random access: decodes [offset, offset + len) of the output into dst. */
S4C_API s4c_status s4c_ckindex_read(const s4c_ckindex *index, s4c_read_at_fn read, void *ctx,
                                    uint64_t offset, void *dst, size_t len, size_t *got,
                                    s4c_error_detail *detail);
/**
 * Decodes the whole stream on `threads` threads (0 = all cores), output in
 * order. `read` is called from several threads at once; `write` one call at a
 * time, in output order, from whichever worker holds the writer role (with
 * threads <= 1: from the calling thread). A failing `write` stops the decode
 * with its status.
 */
S4C_API s4c_status s4c_ckindex_decode_parallel(const s4c_ckindex *index, s4c_read_at_fn read,
                                               void *ctx, unsigned threads, s4c_write_fn write,
                                               void *write_ctx, s4c_error_detail *detail);

/**
 * Decodes the whole stream into dst (cap >= s4c_ckindex_uncompressed_size,
 * else S4C_ERROR_DST_TOO_SMALL) on `threads` threads (0 = all cores; the
 * calling thread is one of them). Each segment decodes in place, with no
 * copy and no ordering between threads; `read` is called from several threads
 * at once. On failure the error of the first failing segment in output order
 * is returned and dst holds unspecified bytes.
 */
S4C_API s4c_status s4c_ckindex_decode_into(const s4c_ckindex *index, s4c_read_at_fn read,
                                           void *ctx, unsigned threads, void *dst, size_t cap,
                                           s4c_error_detail *detail);
/**
 * Decodes the whole stream on `threads` threads (0 = all cores; the calling
 * thread is one of them) and hands each piece to `write_at` with its output
 * offset: no order between threads and no hand-off, for outputs that take
 * positional writes (pwrite on a file). Each worker decodes a segment into
 * its own buffer (up to 8 MiB) and writes it. Every output byte is written
 * exactly once on success. On failure — a segment's decoding, or a failing
 * `write_at`, whose status is returned — the error of the first failing
 * segment in output order is returned; pieces of other segments may have
 * been written.
 */
S4C_API s4c_status s4c_ckindex_decode_at(const s4c_ckindex *index, s4c_read_at_fn read,
                                         void *ctx, unsigned threads, s4c_write_at_fn write_at,
                                         void *write_ctx, s4c_error_detail *detail);
/**
 * s4c_ckindex_read on `threads` threads (0 = all cores; the calling thread is
 * one of them): the segments the range covers decode in parallel, in place;
 * same clamping as s4c_ckindex_read, *got the length read (on failure no more
 * than what came before the error). A read inside one segment is
 * s4c_ckindex_read itself. A read across entries checks each segment it
 * crosses at the next entry (s4c_ckindex_read decodes through them).
 */
S4C_API s4c_status s4c_ckindex_read_parallel(const s4c_ckindex *index, s4c_read_at_fn read,
                                             void *ctx, uint64_t offset, void *dst, size_t len,
                                             unsigned threads, size_t *got,
                                             s4c_error_detail *detail);

#ifdef __cplusplus
}
#endif
#endif /* S4CODEC_RESUME_H */
