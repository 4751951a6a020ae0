/*
 * codec_internal.h — the ops table every codec kind implements.
 *
 * Dispatch goes through one static const table (codec_registry.c) of these
 * structs; the generic layer (manifest checks, bomb cap, streaming wrappers)
 * never branches on the kind.
 */
#ifndef S4C_CODEC_INTERNAL_H
#define S4C_CODEC_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "s4codec.h"
#include "s4codec_stream.h"
#include "s4codec_resume.h"

#define S4C_INTERNAL __attribute__((visibility("hidden")))

/* Flat error handling in the style of zstd: early return with a status. */
#define S4C_TRY(expr)                                                                         \
    do {                                                                                      \
        s4c_status s4c_try_status_ = (expr);                                                  \
        if (s4c_try_status_ != S4C_OK) return s4c_try_status_;                               \
    } while (0)
#define S4C_RETURN_IF(cond, status)                                                           \
    do {                                                                                      \
        if (cond) return (status);                                                            \
    } while (0)

typedef struct s4c_codec_ops s4c_codec_ops;
typedef struct s4c_blob_writer s4c_blob_writer; /* src/stream/state_blob.h */
typedef struct s4c_blob_reader s4c_blob_reader;

struct s4c_codec {
    const s4c_codec_ops *ops;
    int level;               /* effective, after clamping */
    s4c_codec_options opts;  /* copy; opts.dict points at `dict` below */
    void *dict;              /* owned copy of the dictionary, or NULL */
    size_t dict_size;
    void *impl;              /* codec-specific contexts (ZSTD_CCtx, ...) */
};

/*
 * One codec kind. Every function pointer may be NULL where the kind does not
 * support the operation (the generic layer then reports CODEC_UNAVAILABLE).
 */
struct s4c_codec_ops {
    uint32_t kind;
    const char *name;       /* S4 name: "cpu-zstd" */
    const char *debug_name; /* Rust Debug name: "CpuZstd" */
    /* Prefix of S4's bomb message ("zstd", "gzip", "zstd-dict"); NULL means
     * the kind does not run the bomb/short-output checks (passthrough, GPU). */
    const char *bomb_prefix;
    /* The decoder's text when the input ends inside a frame ("incomplete
     * frame" for zstd, "unexpected end of file" for gzip). */
    const char *eof_message;

    /* Validates/clamps options and sets c->level; allocates c->impl. */
    s4c_status (*init)(s4c_codec *c, const s4c_codec_options *o, s4c_error_detail *d);
    void (*destroy)(s4c_codec *c);
    size_t (*bound)(const s4c_codec *c, size_t n);
    s4c_status (*compress)(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst,
                           size_t cap, size_t *written, s4c_error_detail *d);
    /* Decodes the whole payload into dst. When the stream holds more than `cap`
     * bytes, fills dst and returns S4C_ERROR_DST_TOO_SMALL (the generic layer
     * then measures the overflow for S4's bomb message). Decoder failures return
     * CORRUPT_DATA / TRUNCATED_INPUT / DICTIONARY_MISMATCH / ... with d->message
     * set to the backend's text. */
    s4c_status (*decode)(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                         size_t *written, s4c_error_detail *d);
    /* Optional: `decode` that also returns the CRC32C of the bytes written,
     * folded in while they are cache-hot; the generic layer then skips its
     * separate CRC pass. Same semantics and errors as `decode`. */
    s4c_status (*decode_crc)(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst,
                             size_t cap, size_t *written, uint32_t *crc, s4c_error_detail *d);
    /* Optional. When `decode` succeeded but the output failed the manifest's
     * checks (short or CRC32C), the generic layer asks for S4's own verdict
     * once more through this slower path (cpu-zstd-dict: a cold dictionary,
     * as S4's fresh decoder per call; `decode` keeps the dictionary warm). */
    s4c_status (*decode_recheck)(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst,
                                 size_t cap, size_t *written, s4c_error_detail *d);

    /* Streaming. `impl` is the kind's private state. */
    s4c_status (*encoder_create)(const s4c_codec_options *o, int level, const void *dict,
                                 size_t dict_size, void **impl, s4c_error_detail *d);
    s4c_status (*encoder_stream)(void *impl, s4c_in_buffer *in, s4c_out_buffer *out,
                                 s4c_flush_mode mode, size_t *pending);
    s4c_status (*encoder_reset)(void *impl);
    void (*encoder_free)(void *impl);

    s4c_status (*decoder_create)(const s4c_decoder_options *o, void **impl,
                                 s4c_error_detail *d);
    s4c_status (*decoder_stream)(void *impl, s4c_in_buffer *in, s4c_out_buffer *out,
                                 size_t *hint, s4c_error_detail *d);
    /* S4C_OK when the decoder stands at a frame boundary. */
    s4c_status (*decoder_finish)(void *impl);
    s4c_status (*decoder_reset)(void *impl);
    void (*decoder_free)(void *impl);

    /*
     * Resumable decoding (s4codec_resume.h; generic part in src/stream/resume.c).
     * NULL where the kind does not support it (S4C_ERROR_UNSUPPORTED).
     *
     * decoder_position: absolute consumed/produced since the stream's start,
     *   at_checkpoint, checkpoints, resume_offset/resume_produced (== consumed/
     *   produced when a save here is exact).
     * decoder_clone: deep copy (S4C_ERROR_NOT_AT_CHECKPOINT where impossible).
     * decoder_save: appends the codec body of the state to `w`: the exact state
     *   when position.resume_offset == position.consumed, else the state at
     *   the last recorded checkpoint (the generic layer records the positions
     *   and the loaded decoder discards re-decoded output up to `produced`).
     * decoder_load: creates a decoder from a codec body (every field checked,
     *   S4C_ERROR_STATE_INVALID with a specific message); it stands at
     *   info->resume_offset / info->resume_produced and takes `o`'s checkpoint
     *   settings. Must consume the whole body (the generic layer checks
     *   s4c_blob_reader_done).
     */
    void (*decoder_position)(const void *impl, s4c_decoder_position *pos);
    s4c_status (*decoder_clone)(const void *impl, void **clone, s4c_error_detail *d);
    s4c_status (*decoder_save)(const void *impl, s4c_blob_writer *w, s4c_error_detail *d);
    s4c_status (*decoder_load)(const s4c_decoder_options *o, s4c_blob_reader *r,
                               const s4c_state_info *info, void **impl, s4c_error_detail *d);

    /* GPU kinds (src/gpu/). usable: 1 when the kind can compress on this
     * machine (s4c_kind_available); NULL means always. batch_begin: does the
     * work of n objects in one launch and records the results for the
     * s4c_compress/s4c_decompress calls that follow (src/gpu/codec_batch.c);
     * srcs are payloads and `ms` the manifests when decompressing. */
    int (*usable)(void);
    s4c_status (*batch_begin)(s4c_codec *c, int compress, size_t n, const void *const *srcs,
                              const size_t *src_sizes, void *const *dsts, const size_t *caps,
                              const s4c_manifest *ms, s4c_error_detail *d);
    void (*batch_end)(s4c_codec *c);
};

/* The per-kind tables, defined in src/codecs/<kind>.c. */
extern const s4c_codec_ops s4c_passthrough_ops S4C_INTERNAL;
extern const s4c_codec_ops s4c_zstd_ops S4C_INTERNAL;
extern const s4c_codec_ops s4c_zstd_dict_ops S4C_INTERNAL;
extern const s4c_codec_ops s4c_gzip_ops S4C_INTERNAL;
extern const s4c_codec_ops s4c_lz4_ops S4C_INTERNAL;
extern const s4c_codec_ops s4c_nvcomp_zstd_ops S4C_INTERNAL; /* src/gpu/nvcomp_codecs.c */
extern const s4c_codec_ops s4c_nvcomp_bitcomp_ops S4C_INTERNAL;
extern const s4c_codec_ops s4c_nvcomp_gdeflate_ops S4C_INTERNAL;
extern const s4c_codec_ops s4c_nvcomp_lz4_ops S4C_INTERNAL;

/* Lookup in the registry table; NULL for unknown ids. For GPU ids a table
 * entry exists with NULL function pointers. */
S4C_INTERNAL const s4c_codec_ops *s4c_ops_for_kind(uint32_t kind);

/* Allocation through the user's hooks. */
S4C_INTERNAL void *s4c_malloc(size_t size);
S4C_INTERNAL void *s4c_calloc(size_t n, size_t size);
S4C_INTERNAL void s4c_free(void *p);
S4C_INTERNAL s4c_malloc_fn s4c_current_malloc(void);
S4C_INTERNAL s4c_free_fn s4c_current_free(void);
/*
 * Advises the 2 MiB-aligned interior of [p, p + n) for transparent huge pages
 * (from 4 MiB up; advisory, nothing where unsupported): a large output that is
 * about to be written then faults in 2 MiB at a time instead of 4 KiB.
 */
S4C_INTERNAL void s4c_advise_huge_pages(void *p, size_t n);

/* Error detail helpers: set status and a printf-style message (d may be NULL).
 * Returns `status` so callers can `return s4c_fail(d, S4C_ERROR_X, "...")`. */
S4C_INTERNAL s4c_status s4c_fail(s4c_error_detail *d, s4c_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
S4C_INTERNAL void s4c_detail_clear(s4c_error_detail *d);

/* Little-endian helpers for byte formats. */
static inline uint32_t s4c_load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t s4c_load_le64(const uint8_t *p) {
    return (uint64_t)s4c_load_le32(p) | ((uint64_t)s4c_load_le32(p + 4) << 32);
}
static inline void s4c_store_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void s4c_store_le64(uint8_t *p, uint64_t v) {
    s4c_store_le32(p, (uint32_t)v);
    s4c_store_le32(p + 4, (uint32_t)(v >> 32));
}

#endif /* S4C_CODEC_INTERNAL_H */
