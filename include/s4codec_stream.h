/*
 * s4codec_stream.h — stream layer of libs4codec.
 *
 * Streaming encoders and decoders with caller-owned input/output cursors, in
 * the standard formats: zstd frames (multi-frame), gzip members (multi-member),
 * LZ4 frames (concatenated), and passthrough. Memory stays bounded whatever the
 * stream length.
 */
#ifndef S4CODEC_STREAM_H
#define S4CODEC_STREAM_H

#include "s4codec.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Input cursor: the library reads src[pos..size) and advances pos. */
typedef struct s4c_in_buffer {
    const void *src;
    size_t size;
    size_t pos;
} s4c_in_buffer;

/** Output cursor: the library writes dst[pos..size) and advances pos. */
typedef struct s4c_out_buffer {
    void *dst;
    size_t size;
    size_t pos;
} s4c_out_buffer;

typedef enum s4c_flush_mode {
    S4C_FLUSH_NONE = 0,  /* buffer as the codec likes */
    S4C_FLUSH_BLOCK = 1, /* emit everything consumed so far (a decodable prefix) */
    S4C_FLUSH_END = 2    /* finish the frame/member; the next call starts a new one */
} s4c_flush_mode;

/* ---------------------------------------------------------------- encoders */

typedef struct s4c_encoder s4c_encoder;

/**
 * Creates a streaming encoder for `kind` (passthrough, cpu-zstd, cpu-zstd-dict,
 * cpu-gzip, cpu-lz4). Options as for s4c_codec_create(); gzip members and zstd
 * frames are written as the one-shot codec writes them, except that a zstd
 * frame started with S4C_FLUSH_END on the first call may carry a content size.
 */
S4C_API s4c_status s4c_encoder_create(uint32_t kind, const s4c_codec_options *opts,
                                      s4c_encoder **encoder_ret, s4c_error_detail *detail);
/**
 * Consumes input and produces output. `pending_ret` (may be NULL) receives the
 * number of bytes still held inside that must be flushed: with S4C_FLUSH_END,
 * repeat the call (with a fresh output buffer) until it is 0, at which point
 * the frame is complete and the encoder ready for the next one.
 */
S4C_API s4c_status s4c_encoder_stream(s4c_encoder *encoder, s4c_in_buffer *in,
                                      s4c_out_buffer *out, s4c_flush_mode mode,
                                      size_t *pending_ret);
/** Drops any frame in progress; the next call starts a new frame. */
S4C_API s4c_status s4c_encoder_reset(s4c_encoder *encoder);
S4C_API void s4c_encoder_free(s4c_encoder *encoder);

/* ---------------------------------------------------------------- decoders */

typedef struct s4c_decoder s4c_decoder;

typedef struct s4c_decoder_options {
    size_t struct_size;
    const void *dict;  /* zstd dictionary (copied), or NULL */
    size_t dict_size;
    int single_frame;  /* 1: stop after the first frame/member (S4's gzip reader);
                          0 (default): decode concatenated frames/members */
    /* Resumable decoding (s4codec_resume.h). */
    uint64_t checkpoint_spacing; /* output bytes between recorded checkpoints;
                                    0 = S4C_CHECKPOINT_SPACING_DEFAULT (4 MiB), 1 = every one */
    int stop_at_checkpoint;      /* 1: s4c_decoder_stream returns as soon as it records a
                                    checkpoint (position.at_checkpoint is then 1) */
} s4c_decoder_options;

S4C_API void s4c_decoder_options_init(s4c_decoder_options *opts);

/** Creates a streaming decoder for `kind`; `opts` may be NULL. */
S4C_API s4c_status s4c_decoder_create(uint32_t kind, const s4c_decoder_options *opts,
                                      s4c_decoder **decoder_ret, s4c_error_detail *detail);
/**
 * Consumes input and produces output. `hint_ret` (may be NULL) receives 0 when
 * the decoder stands at the end of a frame with every byte of output flushed
 * (a valid place for the stream to end), otherwise a suggested size for the
 * next input. In single-frame mode, input after the first frame is left
 * unconsumed. An error leaves the decoder failed (S4C_ERROR_FAILED_STATE) until
 * s4c_decoder_reset().
 */
S4C_API s4c_status s4c_decoder_stream(s4c_decoder *decoder, s4c_in_buffer *in,
                                      s4c_out_buffer *out, size_t *hint_ret);
/**
 * Declares the end of input: S4C_OK when the stream ended cleanly at a frame
 * boundary, S4C_ERROR_TRUNCATED_INPUT otherwise.
 */
S4C_API s4c_status s4c_decoder_finish(s4c_decoder *decoder);
/** The detail of the decoder's last error (status S4C_OK when none). */
S4C_API const s4c_error_detail *s4c_decoder_error(const s4c_decoder *decoder);
/** Forgets everything; the decoder starts a new stream. */
S4C_API s4c_status s4c_decoder_reset(s4c_decoder *decoder);
S4C_API void s4c_decoder_free(s4c_decoder *decoder);

/**
 * Recognises a stream from its first bytes: zstd (also after skippable frames,
 * when enough bytes are given), gzip, LZ4 frame. Returns S4C_ERROR_UNKNOWN_FORMAT
 * when the magic is none of them, S4C_ERROR_TRUNCATED_INPUT when more bytes
 * are needed to decide.
 */
S4C_API s4c_status s4c_detect_kind(const void *head, size_t head_size, uint32_t *kind_ret);

#ifdef __cplusplus
}
#endif
#endif /* S4CODEC_STREAM_H */
