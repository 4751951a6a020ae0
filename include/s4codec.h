/*
 * s4codec.h — core layer of libs4codec.
 *
 * Version, status codes, allocator hooks, CRC32C and the codec registry:
 * one-shot compress/decompress of every codec kind with S4's ChunkManifest
 * checks, in S4's order. Byte formats are documented in docs/formats/.
 */
#ifndef S4CODEC_H
#define S4CODEC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(S4C_STATIC_DEFINE)
#define S4C_API
#elif defined(_WIN32)
#define S4C_API __declspec(dllexport)
#else
#define S4C_API __attribute__((visibility("default")))
#endif

#define S4C_VERSION_MAJOR 0
#define S4C_VERSION_MINOR 1
#define S4C_VERSION_PATCH 0
#define S4C_VERSION_STRING "0.1.0"

/** Library version as "MAJOR.MINOR.PATCH". */
S4C_API const char *s4c_version_string(void);

/* ------------------------------------------------------------------------ */
/* Status codes                                                              */
/* ------------------------------------------------------------------------ */

/*
 * S4's error classes (s4-compat.md §1.3). Every status maps to one; front ends
 * use it to pick S4's exception class or message family.
 */
typedef enum s4c_error_class {
    S4C_CLASS_NONE = 0,
    S4C_CLASS_CODEC_MISMATCH = 1,
    S4C_CLASS_CRC_MISMATCH = 2,
    S4C_CLASS_SIZE_MISMATCH = 3,
    S4C_CLASS_BACKEND = 4,
    S4C_CLASS_IO = 5,
    S4C_CLASS_UNREGISTERED_CODEC = 6,
    S4C_CLASS_MANIFEST_SIZE_EXCEEDS_LIMIT = 7,
    S4C_CLASS_MANIFEST_SIZE_MISMATCH = 8,
    S4C_CLASS_FRAME = 9,
    S4C_CLASS_INDEX = 10,
    S4C_CLASS_USAGE = 11 /* invalid argument from the caller, not from data */
} s4c_error_class;

/*
 * The single list of status codes: X(name, value, class, message).
 * Values are pinned forever; new codes get new numbers at the end.
 */
#define S4C_STATUS_LIST(X)                                                                    \
    X(S4C_OK, 0, S4C_CLASS_NONE, "no error")                                                  \
    X(S4C_ERROR_INVALID_ARGUMENT, 1, S4C_CLASS_USAGE, "invalid argument")                     \
    X(S4C_ERROR_OUT_OF_MEMORY, 2, S4C_CLASS_BACKEND, "out of memory")                         \
    X(S4C_ERROR_UNKNOWN_CODEC, 3, S4C_CLASS_USAGE, "unknown codec kind")                      \
    X(S4C_ERROR_CODEC_UNAVAILABLE, 4, S4C_CLASS_UNREGISTERED_CODEC,                           \
      "codec not available in this build")                                                    \
    X(S4C_ERROR_CODEC_MISMATCH, 5, S4C_CLASS_CODEC_MISMATCH, "codec mismatch")                \
    X(S4C_ERROR_MANIFEST_SIZE_EXCEEDS_LIMIT, 6, S4C_CLASS_MANIFEST_SIZE_EXCEEDS_LIMIT,        \
      "manifest original_size exceeds safety limit")                                          \
    X(S4C_ERROR_MANIFEST_SIZE_MISMATCH, 7, S4C_CLASS_MANIFEST_SIZE_MISMATCH,                  \
      "manifest compressed_size does not match payload length")                               \
    X(S4C_ERROR_SIZE_MISMATCH, 8, S4C_CLASS_SIZE_MISMATCH, "size mismatch")                   \
    X(S4C_ERROR_CRC_MISMATCH, 9, S4C_CLASS_CRC_MISMATCH, "crc32c mismatch")                   \
    X(S4C_ERROR_DECOMPRESSION_BOMB, 10, S4C_CLASS_IO,                                         \
      "decompression bomb: output exceeds the manifest's original_size")                      \
    X(S4C_ERROR_CORRUPT_DATA, 11, S4C_CLASS_IO, "corrupt compressed data")                    \
    X(S4C_ERROR_TRUNCATED_INPUT, 12, S4C_CLASS_IO, "truncated compressed data")               \
    X(S4C_ERROR_DICTIONARY_MISMATCH, 13, S4C_CLASS_IO, "dictionary mismatch")                 \
    X(S4C_ERROR_CHECKSUM_MISMATCH, 14, S4C_CLASS_IO, "stream checksum mismatch")              \
    X(S4C_ERROR_UNKNOWN_FORMAT, 15, S4C_CLASS_IO, "unknown frame format (bad magic)")         \
    X(S4C_ERROR_UNSUPPORTED, 16, S4C_CLASS_IO, "unsupported stream feature")                  \
    X(S4C_ERROR_DST_TOO_SMALL, 17, S4C_CLASS_USAGE, "destination buffer too small")           \
    X(S4C_ERROR_EMPTY_DICTIONARY, 18, S4C_CLASS_BACKEND, "dictionary is empty")               \
    X(S4C_ERROR_BACKEND, 19, S4C_CLASS_BACKEND, "compression backend error")                  \
    X(S4C_ERROR_STAGE, 20, S4C_CLASS_USAGE, "call not valid in the object's current state")   \
    X(S4C_ERROR_FAILED_STATE, 21, S4C_CLASS_USAGE,                                            \
      "object failed earlier and must be reset")                                              \
    X(S4C_ERROR_TRAILING_DATA, 22, S4C_CLASS_IO, "trailing bytes after the last frame")        \
    X(S4C_ERROR_DICTIONARY_TRAINING, 23, S4C_CLASS_IO, "dictionary training failed")           \
    X(S4C_ERROR_NOT_AT_CHECKPOINT, 24, S4C_CLASS_USAGE,                                      \
      "operation needs the decoder to stand at a checkpoint")                                 \
    X(S4C_ERROR_STATE_INVALID, 25, S4C_CLASS_IO, "saved decoder state is malformed or corrupt") \
    X(S4C_ERROR_STATE_VERSION, 26, S4C_CLASS_IO, "saved state has an unsupported version")     \
    X(S4C_ERROR_STATE_FOREIGN, 27, S4C_CLASS_IO,                                              \
      "saved state or checkpoint index belongs to another stream")                           \
    X(S4C_ERROR_CKINDEX_INVALID, 28, S4C_CLASS_IO, "checkpoint index is malformed or corrupt") \
    X(S4C_ERROR_FRAME_TOO_SHORT, 100, S4C_CLASS_FRAME, "frame too short")                     \
    X(S4C_ERROR_FRAME_BAD_MAGIC, 101, S4C_CLASS_FRAME, "bad frame magic")                     \
    X(S4C_ERROR_FRAME_UNKNOWN_CODEC, 102, S4C_CLASS_FRAME, "unknown codec id in frame header") \
    X(S4C_ERROR_FRAME_PAYLOAD_TOO_LARGE, 103, S4C_CLASS_FRAME,                                \
      "frame payload size exceeds usize on this target")                                      \
    X(S4C_ERROR_FRAME_PAYLOAD_TRUNCATED, 104, S4C_CLASS_FRAME,                                \
      "frame compressed_size exceeds remaining buffer")                                       \
    X(S4C_ERROR_INDEX_TOO_SHORT, 120, S4C_CLASS_INDEX, "index too short")                     \
    X(S4C_ERROR_INDEX_BAD_MAGIC, 121, S4C_CLASS_INDEX, "bad index magic")                     \
    X(S4C_ERROR_INDEX_TOO_MANY_FRAMES, 122, S4C_CLASS_INDEX,                                  \
      "frame index entry count exceeds MAX_FRAMES")                                           \
    X(S4C_ERROR_INDEX_ETAG_TOO_LONG, 123, S4C_CLASS_INDEX,                                    \
      "sidecar etag_len exceeds MAX_ETAG_BYTES")                                              \
    X(S4C_ERROR_INDEX_UNSUPPORTED_VERSION, 124, S4C_CLASS_INDEX, "unsupported index version") \
    X(S4C_ERROR_INDEX_ENTRY_COUNT_MISMATCH, 125, S4C_CLASS_INDEX,                             \
      "index entry count does not match the buffer")                                          \
    X(S4C_ERROR_INDEX_ENTRY_OVERFLOW, 126, S4C_CLASS_INDEX,                                   \
      "index entry offset + size overflows u64")                                              \
    X(S4C_ERROR_INDEX_NON_MONOTONIC, 127, S4C_CLASS_INDEX, "index entries are not monotonic")

typedef enum s4c_status {
#define S4C_X_ENUM(name, value, cls, msg) name = value,
    S4C_STATUS_LIST(S4C_X_ENUM)
#undef S4C_X_ENUM
} s4c_status;

/** Fixed message for a status (never NULL; unknown values give "unknown status"). */
S4C_API const char *s4c_strerror(s4c_status status);
/** Symbolic name of a status, e.g. "S4C_ERROR_CRC_MISMATCH". */
S4C_API const char *s4c_status_name(s4c_status status);
/** S4 error class of a status. */
S4C_API s4c_error_class s4c_status_class(s4c_status status);

/*
 * Detail of a failed call: the status, the values S4's messages print, and
 * S4's Display text for it (s4-compat.md §1.3), ready to show a user.
 * Every function taking a `s4c_error_detail *` accepts NULL.
 */
typedef struct s4c_error_detail {
    s4c_status status;
    uint64_t expected; /* manifest value (CRC, size, codec id) */
    uint64_t got;      /* observed value */
    uint64_t limit;    /* limit for SIZE_EXCEEDS_LIMIT / bomb cap */
    char message[320]; /* S4's Display text, NUL-terminated, e.g. "io error: ..." */
    size_t cause_offset; /* message + cause_offset is the text after S4's class
                            prefix ("io error: ", "compression backend error: "),
                            or the whole message when there is no prefix */
} s4c_error_detail;

/* ------------------------------------------------------------------------ */
/* Allocator hooks                                                           */
/* ------------------------------------------------------------------------ */

typedef void *(*s4c_malloc_fn)(size_t size);
typedef void (*s4c_free_fn)(void *ptr);
/**
 * Replaces the allocator used for every later allocation of the library and
 * its backends. Call before creating any object; NULL, NULL restores malloc/free.
 */
S4C_API void s4c_set_memory_allocator(s4c_malloc_fn malloc_fn, s4c_free_fn free_fn);

/* ------------------------------------------------------------------------ */
/* CRC32C                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * CRC-32C (Castagnoli) of `len` bytes, continuing from `crc` (pass 0 to start).
 * Chainable: s4c_crc32c(s4c_crc32c(0, a, n), b, m) == crc of a||b.
 * Check value: s4c_crc32c(0, "123456789", 9) == 0xE3069283.
 */
S4C_API uint32_t s4c_crc32c(uint32_t crc, const void *data, size_t len);
/** Name of the CRC32C implementation chosen on this CPU ("isa-l", "sse4.2", "table"). */
S4C_API const char *s4c_crc32c_impl(void);
/**
 * The same CRC computed by one named implementation ("isa-l", "sse4.2", "table";
 * falls back to "table" when the named one is missing). For tests and benchmarks.
 */
S4C_API uint32_t s4c_crc32c_with(const char *impl, uint32_t crc, const void *data, size_t len);

/* ------------------------------------------------------------------------ */
/* Codec kinds                                                               */
/* ------------------------------------------------------------------------ */

/* S4's ids (0–8) are pinned by the S4F2 wire format; ours start at 64. */
typedef enum s4c_kind {
    S4C_KIND_PASSTHROUGH = 0,
    S4C_KIND_CPU_ZSTD = 1,
    S4C_KIND_NVCOMP_ZSTD = 2,
    S4C_KIND_NVCOMP_BITCOMP = 3,
    S4C_KIND_NVCOMP_GANS = 4,
    S4C_KIND_DIETGPU_ANS = 5,
    S4C_KIND_NVCOMP_GDEFLATE = 6,
    S4C_KIND_CPU_GZIP = 7,
    S4C_KIND_CPU_ZSTD_DICT = 8,
    S4C_KIND_CPU_LZ4 = 64,
    S4C_KIND_NVCOMP_LZ4 = 65
} s4c_kind;

/** S4 name of a kind ("cpu-zstd"), or NULL for an unknown id. */
S4C_API const char *s4c_kind_name(uint32_t kind);
/** Rust Debug-style name used in S4's codec-mismatch text ("CpuZstd"), or NULL. */
S4C_API const char *s4c_kind_debug_name(uint32_t kind);
/** Parses an S4 name (case-sensitive). S4C_ERROR_UNKNOWN_CODEC if unknown. */
S4C_API s4c_status s4c_kind_from_name(const char *name, uint32_t *kind_ret);
/** 1 when the kind is implemented and usable in this build on this machine. */
S4C_API int s4c_kind_available(uint32_t kind);
/** 1 when a GPU codec backend is present and a device answers. */
S4C_API int s4c_gpu_available(void);

/* ------------------------------------------------------------------------ */
/* Codec options and objects                                                 */
/* ------------------------------------------------------------------------ */

#define S4C_LEVEL_DEFAULT (-2147483647 - 1) /* INT_MIN: the kind's default level */

/* LZ4 block-size ids, as in the LZ4 frame format. 0 means the default (64 KiB). */
#define S4C_LZ4_BLOCK_DEFAULT 0
#define S4C_LZ4_BLOCK_64KB 4
#define S4C_LZ4_BLOCK_256KB 5
#define S4C_LZ4_BLOCK_1MB 6
#define S4C_LZ4_BLOCK_4MB 7

/**
 * Options for a codec. Zero-initialise, set `struct_size = sizeof(s4c_codec_options)`,
 * then the fields you need; s4c_codec_options_init() does the first two steps.
 */
typedef struct s4c_codec_options {
    size_t struct_size;
    int level;              /* S4C_LEVEL_DEFAULT, or a level (clamped as S4 does) */
    const void *dict;       /* cpu-zstd-dict: dictionary bytes (raw or ZDICT); copied */
    size_t dict_size;
    int lz4_block_size_id;  /* cpu-lz4: 0, 4..7 */
    int lz4_block_linked;   /* cpu-lz4: 1 linked blocks, 0 independent (default 0) */
    int lz4_content_checksum; /* cpu-lz4: XXH32 of the content in the end mark */
    int lz4_block_checksum; /* cpu-lz4: XXH32 per block */
    int lz4_content_size;   /* cpu-lz4: write the content size in the header (one-shot) */
    int zstd_checksum;      /* cpu-zstd(-dict) streaming encoders: end each frame with the
                               XXH64 content checksum, as `zstd` does by default. One-shot
                               S4 payloads never carry it (S4's byte format). */
    uint64_t zstd_frame_size; /* cpu-zstd streaming encoder: 0 (default) one frame per
                                 S4C_FLUSH_END; N > 0 writes zstd's seekable format: a new
                                 frame every N input bytes and a seek table (skippable
                                 frame) at S4C_FLUSH_END. See docs/codecs/zstd.md. */
    int gpu_data_type;        /* nvcomp-bitcomp: FCG1 data-type tag 0..11 (s4c_bitcomp_type in
                                 s4codec_gpu.h), 0 = char as S4's server; 0 for other kinds */
} s4c_codec_options;

S4C_API void s4c_codec_options_init(s4c_codec_options *opts);

/** A configured codec: kind, level, dictionary. Not thread-safe; one per thread. */
typedef struct s4c_codec s4c_codec;

/**
 * Creates a codec of `kind`. `opts` may be NULL (defaults). Errors:
 * UNKNOWN_CODEC, CODEC_UNAVAILABLE (GPU kinds in a CPU build), EMPTY_DICTIONARY,
 * INVALID_ARGUMENT (bad option), OUT_OF_MEMORY.
 */
S4C_API s4c_status s4c_codec_create(uint32_t kind, const s4c_codec_options *opts,
                                    s4c_codec **codec_ret, s4c_error_detail *detail);
/** Frees a codec; accepts NULL. */
S4C_API void s4c_codec_free(s4c_codec *codec);
S4C_API uint32_t s4c_codec_kind(const s4c_codec *codec);
/** The effective level after S4's clamping. */
S4C_API int s4c_codec_level(const s4c_codec *codec);

/** S4's ChunkManifest. crc32c is of the ORIGINAL bytes for every codec. */
typedef struct s4c_manifest {
    uint32_t codec;
    uint64_t original_size;
    uint64_t compressed_size;
    uint32_t crc32c;
} s4c_manifest;

/** S4's MAX_DECOMPRESSED_BYTES: 5 GiB. */
#define S4C_MAX_DECOMPRESSED_BYTES 5368709120ULL

/** Worst-case payload size for `src_size` input bytes. */
S4C_API size_t s4c_compress_bound(const s4c_codec *codec, size_t src_size);

/**
 * Compresses `src` into `dst` (capacity `dst_capacity`, at least
 * s4c_compress_bound()) and fills `manifest_ret` (compressed_size = payload length).
 */
S4C_API s4c_status s4c_compress(s4c_codec *codec, const void *src, size_t src_size, void *dst,
                                size_t dst_capacity, s4c_manifest *manifest_ret,
                                s4c_error_detail *detail);

/**
 * Decompresses `payload` with S4's checks in S4's order (s4-compat.md §1.4):
 * codec, 5 GiB limit, compressed size, decode with a bomb cap at
 * original_size + 1024, short output, CRC32C. `dst_capacity` must be at least
 * manifest->original_size. The number of bytes written comes back in
 * `written_ret` (equal to original_size on success).
 */
S4C_API s4c_status s4c_decompress(s4c_codec *codec, const s4c_manifest *manifest,
                                  const void *payload, size_t payload_size, void *dst,
                                  size_t dst_capacity, size_t *written_ret,
                                  s4c_error_detail *detail);

/**
 * Trains a zstd dictionary (ZDICT) of at most `dict_capacity` bytes from
 * `n_samples` samples laid end to end in `samples` with sizes `sample_sizes`.
 * Errors: BACKEND (training failed or produced 0 bytes), INVALID_ARGUMENT.
 */
S4C_API s4c_status s4c_train_dictionary(const void *samples, const size_t *sample_sizes,
                                        size_t n_samples, void *dict, size_t dict_capacity,
                                        size_t *dict_size_ret, s4c_error_detail *detail);

#ifdef __cplusplus
}
#endif
#endif /* S4CODEC_H */
