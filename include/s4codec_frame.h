/*
 * s4codec_frame.h — container layer of libs4codec: S4's framed object bodies.
 *
 * S4F2 data frames and S4P1 padding frames (docs/formats/s4f2.md), the frame
 * iterator, the gateway's chunk-size policy, and the object encoder/decoder
 * that turns a whole body into chunked frames and back, in parallel, with the
 * S3 metadata values S4 stores beside it (docs/formats/metadata.md). The
 * `.s4index` sidecar lives in s4codec_index.h.
 *
 * Every parse error is a S4C_CLASS_FRAME status whose s4c_error_detail.message
 * is S4's FrameError Display text, e.g. "frame too short: need at least 28
 * bytes, have 3".
 */
#ifndef S4CODEC_FRAME_H
#define S4CODEC_FRAME_H

#include "s4codec.h"
#include "s4codec_stream.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Frames                                                                    */
/* ------------------------------------------------------------------------ */

#define S4C_FRAME_MAGIC "S4F2"      /* 53 34 46 32 */
#define S4C_PADDING_MAGIC "S4P1"    /* 53 34 50 31 */
#define S4C_FRAME_HEADER_BYTES 28   /* magic, codec u32, original u64, compressed u64, crc u32 */
#define S4C_PADDING_HEADER_BYTES 12 /* magic, pad_len u64 */
#define S4C_MULTIPART_MIN_PART 5242880u /* S3's minimum multipart part: 5 MiB */

/*
 * A data frame's header is a s4c_manifest: codec id, original_size (the
 * frame's decoded length), compressed_size (payload length) and the CRC32C of
 * the decoded bytes. It is the manifest the frame decodes against.
 */

/** One data frame inside a buffer, as read by s4c_read_frame() or the iterator. */
typedef struct s4c_frame {
    s4c_manifest header;
    const uint8_t *payload; /* points into the caller's buffer */
    size_t payload_size;    /* == header.compressed_size */
    size_t offset;          /* where the frame's "S4F2" starts, relative to the buffer given */
} s4c_frame;

/** Writes the 28-byte header of a data frame for `header` (all fields little-endian). */
S4C_API void s4c_frame_write_header(const s4c_manifest *header,
                                    uint8_t out[S4C_FRAME_HEADER_BYTES]);

/**
 * Reads one data frame at the start of `buf`. Checks, in S4's order:
 * FRAME_TOO_SHORT (len < 28), FRAME_BAD_MAGIC, FRAME_UNKNOWN_CODEC (an id
 * s4c_kind_name() does not know), FRAME_PAYLOAD_TOO_LARGE (compressed_size
 * beyond SIZE_MAX), FRAME_PAYLOAD_TRUNCATED (compressed_size beyond the bytes
 * after the header). original_size and crc32c are not validated here.
 * On success `*consumed_ret` (may be NULL) is 28 + compressed_size: the rest
 * of the buffer starts there.
 */
S4C_API s4c_status s4c_read_frame(const void *buf, size_t len, s4c_frame *frame_ret,
                                  size_t *consumed_ret, s4c_error_detail *detail);

/** Writes the 12-byte header of a padding frame carrying `pad_len` bytes. */
S4C_API void s4c_padding_write_header(uint64_t pad_len, uint8_t out[S4C_PADDING_HEADER_BYTES]);

/**
 * Bytes S4's pad_to_minimum appends to a body of `len` bytes: 0 when
 * len >= min, otherwise a padding frame of 12 + max(min - len - 12, 0) bytes —
 * exactly `min` in all when the shortfall is at least 12, up to 11 bytes over
 * otherwise.
 */
S4C_API uint64_t s4c_pad_to_minimum_size(uint64_t len, uint64_t min);

/**
 * S4's pad_to_minimum on a caller buffer holding `len` bytes in `capacity`:
 * appends the padding frame (zero bytes) and returns the new length in
 * `*len_ret`. S4C_ERROR_DST_TOO_SMALL when the frame does not fit.
 */
S4C_API s4c_status s4c_pad_to_minimum(void *buf, size_t len, size_t capacity, uint64_t min,
                                      size_t *len_ret);

/* ------------------------------------------------------------------------ */
/* Frame iterator                                                            */
/* ------------------------------------------------------------------------ */

/**
 * Walks the frames of a body (S4's FrameIter): yields data frames in order,
 * skips padding frames silently (after checking them), and stops for good at
 * the first error. A plain value: initialise with s4c_frame_iter_init(); the
 * fields are private.
 */
typedef struct s4c_frame_iter {
    const uint8_t *body;
    size_t size;
    size_t pos;
    size_t index;      /* data frames yielded so far */
    s4c_status status; /* the error that fused it, or S4C_OK */
} s4c_frame_iter;

S4C_API void s4c_frame_iter_init(s4c_frame_iter *iter, const void *body, size_t size);

/**
 * Advances to the next data frame. Returns S4C_OK with `*has_frame_ret` = 1 and
 * the frame in `*frame_ret` (its `offset` relative to the body), or S4C_OK with
 * `*has_frame_ret` = 0 at the end of the body, or an error:
 * FRAME_TOO_SHORT when 1–3 bytes are left, or a padding frame has fewer than 12;
 * FRAME_PAYLOAD_TOO_LARGE / FRAME_PAYLOAD_TRUNCATED for a padding length beyond
 * SIZE_MAX / beyond the body; any s4c_read_frame() error. After an error the
 * iterator is fused: every later call returns S4C_OK with `*has_frame_ret` = 0,
 * as S4's iterator yields None; s4c_frame_iter_status() keeps the error.
 */
S4C_API s4c_status s4c_frame_iter_next(s4c_frame_iter *iter, s4c_frame *frame_ret,
                                       int *has_frame_ret, s4c_error_detail *detail);
/** The error that stopped the iterator, or S4C_OK. */
S4C_API s4c_status s4c_frame_iter_status(const s4c_frame_iter *iter);
/** Offset of the next unread byte of the body (where an error was found, after one). */
S4C_API size_t s4c_frame_iter_offset(const s4c_frame_iter *iter);

/* ------------------------------------------------------------------------ */
/* Chunk-size policy                                                         */
/* ------------------------------------------------------------------------ */

#define S4C_CHUNK_1MIB 1048576u
#define S4C_CHUNK_4MIB 4194304u
#define S4C_CHUNK_16MIB 16777216u
#define S4C_DEFAULT_CHUNK_SIZE S4C_CHUNK_4MIB /* S4's DEFAULT_S4F2_CHUNK_SIZE */

/**
 * The gateway's chunk size for a body of `content_length` bytes: ≤ 1 MiB →
 * 1 MiB, ≤ 100 MiB → 4 MiB, larger → 16 MiB (S4's Python pick_chunk_size).
 */
S4C_API uint64_t s4c_pick_chunk_size(uint64_t content_length);
/** The same with an optional length: NULL (chunked transfer, length unknown) → 4 MiB. */
S4C_API uint64_t s4c_pick_chunk_size_opt(const uint64_t *content_length);

/* ------------------------------------------------------------------------ */
/* Object encoder                                                            */
/* ------------------------------------------------------------------------ */

typedef struct s4c_index s4c_index; /* s4codec_index.h */
struct s4c_range_plan;              /* s4codec_index.h */

/** How a body is laid out. */
typedef enum s4c_framing {
    /* The gateway's single PUT: passthrough bodies are stored raw and unframed;
     * every other codec is cut into S4F2 frames. */
    S4C_FRAMING_AUTO = 0,
    /* S4F2 frames for every codec, passthrough included (as S4 multipart parts are). */
    S4C_FRAMING_ALWAYS = 1
} s4c_framing;

/**
 * Options of the object encoder. Zero-initialise, set `struct_size`, then the
 * fields you need; s4c_object_options_init() does the first two steps and
 * picks cpu-zstd at its default level.
 */
typedef struct s4c_object_options {
    size_t struct_size;
    uint32_t codec;                  /* kind of every frame (s4c_object_options_init: cpu-zstd) */
    s4c_codec_options codec_options; /* level, dictionary, ... as for s4c_codec_create() */
    unsigned threads;                /* worker threads, caller included; 0 = every online CPU */
    uint64_t chunk_size;             /* 0 = the policy (s4c_pick_chunk_size) */
    uint64_t content_length; /* streaming: the total input length, for the policy; 0 = unknown
                                (chunked transfer: 4 MiB). Whole-buffer encodes use their length. */
    s4c_framing framing;
} s4c_object_options;

S4C_API void s4c_object_options_init(s4c_object_options *opts);

/**
 * What an encode produced (or a decode found). The values of S4's metadata
 * keys come from it (s4c_object_metadata()).
 */
typedef struct s4c_object_info {
    uint32_t codec;           /* encode: the object's codec; decode: codec of frame 0 */
    int framed;               /* 1 for an S4F2 body */
    uint64_t n_frames;        /* data frames (padding not counted) */
    uint64_t original_size;   /* decoded length of the whole object */
    uint64_t compressed_size; /* stored body length: headers, payloads and padding */
    uint64_t payload_size;    /* sum of the data frames' compressed_size */
    uint32_t crc32c;          /* CRC32C of the whole original object (decode: once it succeeded) */
    uint64_t chunk_size;      /* encode: the chunk size used; decode: 0 */
    uint64_t error_frame;     /* decode: data frame whose parsing or decoding failed
                                 (0-based), UINT64_MAX when none */
} s4c_object_info;

/** 1 when S4 stores a `.s4index` sidecar beside this body: framed and more than one frame. */
S4C_API int s4c_object_needs_sidecar(const s4c_object_info *info);

/**
 * The object encoder: cuts input into chunks (one S4F2 frame each, compressed
 * with s4c_compress()), compresses chunks in parallel on its own thread pool,
 * and writes frames in order. The output is byte-identical whatever the
 * thread count. Reusable: one object after another.
 */
typedef struct s4c_object_encoder s4c_object_encoder;

/**
 * Creates an encoder; `opts` may be NULL (cpu-zstd, default level, all CPUs).
 * Fails as s4c_codec_create() does for the codec (CODEC_UNAVAILABLE, ...), or
 * INVALID_ARGUMENT for a chunk size of more than 5 GiB.
 */
S4C_API s4c_status s4c_object_encoder_create(const s4c_object_options *opts,
                                             s4c_object_encoder **encoder_ret,
                                             s4c_error_detail *detail);
S4C_API void s4c_object_encoder_free(s4c_object_encoder *encoder);

/**
 * Upper bound of the body s4c_object_encoder_encode() writes for `src_size`
 * input bytes (chunked by the policy for that length unless a chunk size was set).
 */
S4C_API s4c_status s4c_object_encoder_bound(s4c_object_encoder *encoder, uint64_t src_size,
                                            size_t *bound_ret, s4c_error_detail *detail);

/**
 * Encodes a whole body held in memory. `dst_capacity` must be at least
 * s4c_object_encoder_bound(); `*written_ret` is the body length. The chunk
 * size is the policy's for `src_size` (or the one set). Afterwards
 * s4c_object_encoder_info() and s4c_object_encoder_index() describe it.
 */
S4C_API s4c_status s4c_object_encoder_encode(s4c_object_encoder *encoder, const void *src,
                                             size_t src_size, void *dst, size_t dst_capacity,
                                             size_t *written_ret, s4c_error_detail *detail);

/**
 * Streaming form, for bodies that do not fit in memory: memory stays below
 * `threads` × (chunk + compress bound) whatever the length. Input is consumed
 * into chunk slots; when every slot is full (or at S4C_FLUSH_END) the slots are
 * compressed in parallel and their frames drained into `out`. `*pending_ret`
 * (may be NULL) is the number of frame bytes waiting for room in `out`; with
 * S4C_FLUSH_END repeat the call until it is 0, which ends the object (then
 * info/index are ready and the next call starts a new object). S4C_FLUSH_BLOCK
 * compresses every complete chunk held, never cutting a short one. The chunk
 * size comes from options.content_length (unknown → 4 MiB). After an error the
 * encoder stays failed (S4C_ERROR_FAILED_STATE) until s4c_object_encoder_reset().
 */
S4C_API s4c_status s4c_object_encoder_stream(s4c_object_encoder *encoder, s4c_in_buffer *in,
                                             s4c_out_buffer *out, s4c_flush_mode mode,
                                             size_t *pending_ret, s4c_error_detail *detail);
/** Drops any object in progress. */
S4C_API s4c_status s4c_object_encoder_reset(s4c_object_encoder *encoder);

/** Describes the last completed object. S4C_ERROR_STAGE while one is in progress. */
S4C_API s4c_status s4c_object_encoder_info(const s4c_object_encoder *encoder,
                                           s4c_object_info *info_ret);
/**
 * The frame index of the last completed framed object (what
 * s4c_build_index_from_body() would find in its body; unbound), as a new
 * object the caller frees with s4c_index_free(). S4C_ERROR_STAGE while an
 * object is in progress or when the body is not framed.
 */
S4C_API s4c_status s4c_object_encoder_index(const s4c_object_encoder *encoder,
                                            s4c_index **index_ret, s4c_error_detail *detail);

/**
 * One-shot: an encoder for this call only. `info_ret` and `index_ret` may be
 * NULL; `*index_ret` is set only for framed bodies (NULL otherwise).
 * s4c_object_encode_bound() gives the capacity `dst` needs.
 */
S4C_API s4c_status s4c_object_encode_bound(const s4c_object_options *opts, uint64_t src_size,
                                           size_t *bound_ret, s4c_error_detail *detail);
S4C_API s4c_status s4c_object_encode(const void *src, size_t src_size,
                                     const s4c_object_options *opts, void *dst, size_t dst_capacity,
                                     size_t *written_ret, s4c_object_info *info_ret,
                                     s4c_index **index_ret, s4c_error_detail *detail);

/* ------------------------------------------------------------------------ */
/* Object decoder                                                            */
/* ------------------------------------------------------------------------ */

typedef struct s4c_object_decode_options {
    size_t struct_size;
    unsigned threads; /* 0 = every online CPU */
    const void *dict; /* dictionary for cpu-zstd-dict frames (copied), or NULL */
    size_t dict_size;
} s4c_object_decode_options;

S4C_API void s4c_object_decode_options_init(s4c_object_decode_options *opts);

/**
 * The object decoder: decodes framed bodies, frames in parallel, each against
 * its own header as manifest (s4c_decompress(): codec, 5 GiB limit, size,
 * bomb cap, CRC32C). Passthrough frames are checked as S4's CLI checks them:
 * CRC32C, then payload length against original_size.
 */
typedef struct s4c_object_decoder s4c_object_decoder;

S4C_API s4c_status s4c_object_decoder_create(const s4c_object_decode_options *opts,
                                             s4c_object_decoder **decoder_ret,
                                             s4c_error_detail *detail);
S4C_API void s4c_object_decoder_free(s4c_object_decoder *decoder);

/**
 * Walks a framed body without decoding: `*original_size_ret` is the sum of the
 * data frames' original_size (the capacity s4c_object_decoder_decode() needs,
 * saturating at UINT64_MAX), `*n_frames_ret` their count. Either may be NULL.
 * Iterator errors as s4c_frame_iter_next(); the sums then cover the frames
 * before the error, so a caller can still run the decode and get the error S4
 * reports first (a bad frame before the parse error).
 */
S4C_API s4c_status s4c_object_decoded_size(const void *body, size_t body_size,
                                           uint64_t *original_size_ret, uint64_t *n_frames_ret,
                                           s4c_error_detail *detail);

/**
 * Decodes every data frame of a framed body into `dst`, in order. The result
 * is the one a frame-by-frame loop gives: parse errors of frame k are reported
 * only when frames 0..k-1 decode, and the first failing frame wins. `info_ret`
 * (may be NULL) gets the frame count, sizes and, on failure, `error_frame`.
 * A body with no data frame (empty, or padding only) decodes to 0 bytes.
 */
S4C_API s4c_status s4c_object_decoder_decode(s4c_object_decoder *decoder, const void *body,
                                             size_t body_size, void *dst, size_t dst_capacity,
                                             size_t *written_ret, s4c_object_info *info_ret,
                                             s4c_error_detail *detail);

/**
 * Decodes one frame (from the iterator or s4c_read_frame()) on the calling
 * thread into `dst` (capacity at least header.original_size): the building
 * block for bounded-memory, frame-at-a-time readers.
 */
S4C_API s4c_status s4c_object_decoder_decode_frame(s4c_object_decoder *decoder,
                                                   const s4c_frame *frame, void *dst,
                                                   size_t dst_capacity, size_t *written_ret,
                                                   s4c_error_detail *detail);

/**
 * Streaming form of s4c_object_decoder_decode(), for bodies that do not fit in
 * memory: consumes body bytes from `in`, collects up to `threads` frames,
 * decodes them in parallel, and writes their bytes to `out` in order. Memory
 * stays near `threads` × (largest frame + its payload). Pass S4C_FLUSH_END with
 * the last input (an empty `in` is fine) and repeat until `*pending_ret` is 0:
 * that completes the body, checks how it ends (S4's iterator errors: a body
 * ending inside a header, a padding frame or a payload), and makes
 * s4c_object_decoder_info() available; the next call starts a new body. With
 * S4C_FLUSH_NONE, `*pending_ret` is the decoded output waiting for room in
 * `out`. Errors are the ones s4c_object_decoder_decode() reports for the same
 * body, in the same order; frames before the failing one have been written.
 * After an error the stream stays failed (S4C_ERROR_FAILED_STATE) until
 * s4c_object_decoder_reset().
 */
S4C_API s4c_status s4c_object_decoder_stream(s4c_object_decoder *decoder, s4c_in_buffer *in,
                                             s4c_out_buffer *out, s4c_flush_mode mode,
                                             size_t *pending_ret, s4c_error_detail *detail);
/** Drops a streamed body in progress (or a failed one). */
S4C_API s4c_status s4c_object_decoder_reset(s4c_object_decoder *decoder);
/**
 * Describes the last body the stream completed or failed on: frames, sizes,
 * crc32c (of the whole output, combined from the verified frame CRCs) and, on
 * failure, error_frame. S4C_ERROR_STAGE while a body is in progress.
 */
S4C_API s4c_status s4c_object_decoder_info(const s4c_object_decoder *decoder,
                                           s4c_object_info *info_ret);

/**
 * Decodes an unframed body (passthrough, or a buffered codec's raw output)
 * against the manifest kept in its metadata, as the gateway's GET does when
 * neither s4-framed nor s4-multipart is set.
 */
S4C_API s4c_status s4c_object_decoder_decode_unframed(s4c_object_decoder *decoder,
                                                      const s4c_manifest *manifest,
                                                      const void *body, size_t body_size, void *dst,
                                                      size_t dst_capacity, size_t *written_ret,
                                                      s4c_error_detail *detail);

/**
 * Range read through a sidecar: `fetched` holds body bytes
 * [plan->fetch_start, plan->fetch_end) as planned by s4c_index_lookup_range();
 * decodes those frames (in parallel, each checked) and copies the requested
 * original bytes, plan->slice_end - plan->slice_start of them, to `dst`.
 * S4C_ERROR_SIZE_MISMATCH when the fetched frames decode to fewer bytes than
 * the plan needs (a stale sidecar). Every frame touched is decoded whole, as
 * its CRC32C covers all of it, on the decoder's threads: frames inside the
 * range straight into `dst`, the first and last when partly covered (up to
 * 16 MiB each) into two buffers the decoder keeps for the next read (freed by
 * s4c_object_decoder_free), larger ones through 256 KiB.
 */
S4C_API s4c_status s4c_object_decoder_decode_range(s4c_object_decoder *decoder,
                                                   const struct s4c_range_plan *plan,
                                                   const void *fetched, size_t fetched_size,
                                                   void *dst, size_t dst_capacity,
                                                   size_t *written_ret, s4c_error_detail *detail);

/** One-shot framed decode with a decoder for this call only. */
S4C_API s4c_status s4c_object_decode(const void *body, size_t body_size,
                                     const s4c_object_decode_options *opts, void *dst,
                                     size_t dst_capacity, size_t *written_ret,
                                     s4c_object_info *info_ret, s4c_error_detail *detail);

/* ------------------------------------------------------------------------ */
/* S3 metadata (sent as x-amz-meta-<key>), docs/formats/metadata.md          */
/* ------------------------------------------------------------------------ */

#define S4C_AMZ_META_PREFIX "x-amz-meta-"
/* The object manifest, in the order S4 writes it. */
#define S4C_META_CODEC "s4-codec"                     /* codec name, e.g. "cpu-zstd" */
#define S4C_META_ORIGINAL_SIZE "s4-original-size"     /* decimal */
#define S4C_META_COMPRESSED_SIZE "s4-compressed-size" /* stored body length, decimal */
#define S4C_META_CRC32C "s4-crc32c"                   /* CRC32C of the whole original, decimal */
#define S4C_META_FRAMED "s4-framed"                   /* "true" on framed single-PUT bodies */
/* Other keys S4 writes. */
#define S4C_META_MULTIPART "s4-multipart" /* "true" on multipart objects (frames per part) */
#define S4C_META_DICT_ID "s4-dict-id"     /* 16 hex chars naming .s4dict/<id> */
#define S4C_META_TRUE "true"

typedef struct s4c_metadata_item {
    const char *key; /* one of the S4C_META_* keys */
    char value[24];  /* NUL-terminated ASCII */
} s4c_metadata_item;

/** The manifest keys of one object, in S4's order. */
typedef struct s4c_metadata {
    size_t count; /* 5 for framed bodies, 4 for unframed ones */
    s4c_metadata_item items[5];
} s4c_metadata;

/**
 * The metadata S4 stores for an encoded object: s4-codec, s4-original-size,
 * s4-compressed-size, s4-crc32c, and s4-framed = "true" for framed bodies
 * (the empty framed body included). Unknown codec ids give INVALID_ARGUMENT.
 */
S4C_API s4c_status s4c_object_metadata(const s4c_object_info *info, s4c_metadata *meta_ret);

/**
 * Writes the metadata as one JSON object, keys in order, e.g.
 * {"s4-codec": "cpu-zstd", "s4-original-size": "5", ...} and a newline.
 * `*written_ret` is the length (without a NUL; one is added when it fits).
 * S4C_ERROR_DST_TOO_SMALL with the needed length in `*written_ret` otherwise.
 */
S4C_API s4c_status s4c_metadata_to_json(const s4c_metadata *meta, char *dst, size_t capacity,
                                        size_t *written_ret);

#ifdef __cplusplus
}
#endif
#endif /* S4CODEC_FRAME_H */
