/*
 * s4codec_gpu.h — GPU codec kinds through nvCOMP (docs/gpu.md).
 *
 * The kinds nvcomp-zstd (2), nvcomp-bitcomp (3), nvcomp-gdeflate (6) and our
 * nvcomp-lz4 (65) compress into S4's FCG1 container (docs/formats/fcg1.md)
 * with nvCOMP's batched API, 64 KiB chunks per launch. libcudart and libnvcomp
 * are loaded at run time; without them, or without a device,
 * s4c_gpu_available() is 0 and s4c_gpu_unavailable_reason() says why.
 *
 * Without a GPU: nvcomp-lz4 and nvcomp-zstd still DECODE on the CPU (their
 * chunks are raw LZ4 blocks and standard zstd frames); s4c_codec_create()
 * succeeds for them and s4c_compress() fails with S4C_ERROR_CODEC_UNAVAILABLE.
 * nvcomp-bitcomp and nvcomp-gdeflate need a GPU for both directions, and
 * s4c_codec_create() fails with S4C_ERROR_CODEC_UNAVAILABLE and the reason.
 */
#ifndef S4CODEC_GPU_H
#define S4CODEC_GPU_H

#include "s4codec.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Why the GPU backend is unusable ("" when s4c_gpu_available() is 1). Never NULL. */
S4C_API const char *s4c_gpu_unavailable_reason(void);
/** 1 when libs4codec was compiled with the nvCOMP backend (headers found at build time). */
S4C_API int s4c_gpu_backend_compiled(void);

/* Bitcomp data types (the FCG1 data-type tag; codec option `bitcomp_data_type`
 * is set through s4c_codec_options.level, see below). */
typedef enum s4c_bitcomp_type {
    S4C_BITCOMP_CHAR = 0, /* S4's server default */
    S4C_BITCOMP_U8 = 1,
    S4C_BITCOMP_U16 = 2,
    S4C_BITCOMP_U32 = 3,
    S4C_BITCOMP_U64 = 4,
    S4C_BITCOMP_I8 = 5,
    S4C_BITCOMP_I16 = 6,
    S4C_BITCOMP_I32 = 7,
    S4C_BITCOMP_I64 = 8,
    S4C_BITCOMP_F32 = 9,
    S4C_BITCOMP_F64 = 10,
    S4C_BITCOMP_BF16 = 11
} s4c_bitcomp_type;

/*
 * nvcomp-bitcomp takes its data type from s4c_codec_options.level:
 * S4C_LEVEL_DEFAULT means S4C_BITCOMP_CHAR, 0..11 a s4c_bitcomp_type; other
 * values are INVALID_ARGUMENT. The other GPU kinds ignore the level (S4 uses
 * all-zero nvCOMP option structs).
 */

/**
 * Compresses `n` independent objects. For GPU kinds all their 64 KiB chunks go
 * to nvCOMP in one batched launch (S4's batched small-PUT encoder, §5.4); each
 * output is byte-identical to s4c_compress() of that object. Other kinds
 * compress one by one. dsts[i] must hold s4c_compress_bound(codec, sizes[i]).
 * Stops at the first failure; detail names the object index.
 */
S4C_API s4c_status s4c_compress_batch(s4c_codec *codec, size_t n, const void *const *srcs,
                                      const size_t *src_sizes, void *const *dsts,
                                      const size_t *dst_capacities, s4c_manifest *manifests,
                                      s4c_error_detail *detail);

/**
 * Decompresses `n` objects with the checks of s4c_decompress() for each (S4's
 * nvcomp order: codec, manifest validator, decode, length, CRC32C); GPU kinds
 * decode all chunks in one launch when a GPU is present. Stops at the first
 * failing object (in index order); detail names it. written[i] may be NULL.
 */
S4C_API s4c_status s4c_decompress_batch(s4c_codec *codec, size_t n, const s4c_manifest *manifests,
                                        const void *const *payloads, void *const *dsts,
                                        const size_t *dst_capacities, size_t *written,
                                        s4c_error_detail *detail);

#ifdef __cplusplus
}
#endif
#endif /* S4CODEC_GPU_H */
