/*
 * nvcomp_batch.h — many chunks through nvCOMP's low-level batched C API in
 * one launch, on one CUDA stream with pinned staging buffers. Used for a
 * single FCG1 object (its 64 KiB chunks) and for batches of small objects
 * (all their chunks together, s4-compat.md §5.4). Compiled into every build;
 * the body exists only when the nvCOMP headers were found (S4C_HAVE_NVCOMP),
 * and runs only when gpu_runtime.c loaded the libraries and found a device.
 */
#ifndef S4C_GPU_NVCOMP_BATCH_H
#define S4C_GPU_NVCOMP_BATCH_H

#include "../core/codec_internal.h"

/* One chunk of a batch. Compress: src/size is the uncompressed chunk.
 * Decompress: src/size is the compressed chunk, dst receives `expect` bytes. */
typedef struct s4c_gpu_chunk {
    const uint8_t *src;
    size_t size;
    uint8_t *dst;    /* decompress only: host destination of `expect` bytes */
    size_t expect;   /* decompress only: the chunk's uncompressed size */
    size_t out_size; /* compress: the compressed size, filled in */
} s4c_gpu_chunk;

/* Compress: called once per chunk in index order after the launch, with the
 * compressed size; returns where to store the bytes, or NULL if they do not
 * fit (the batch then fails with DST_TOO_SMALL). */
typedef uint8_t *(*s4c_gpu_place_fn)(void *ctx, size_t chunk_index, size_t compressed_size);

/* algo is an FCG1 tag; data_type the FCG1 bitcomp data-type tag.
 * Failures are S4C_ERROR_BACKEND with "nvcomp <algo> compress: ..." or
 * "nvcomp <algo> decompress: ...", or CODEC_UNAVAILABLE without a GPU. */
S4C_INTERNAL s4c_status s4c_nvcomp_compress_chunks(uint8_t algo, uint8_t data_type,
                                                   s4c_gpu_chunk *chunks, size_t n,
                                                   s4c_gpu_place_fn place, void *ctx,
                                                   s4c_error_detail *d);
S4C_INTERNAL s4c_status s4c_nvcomp_decompress_chunks(uint8_t algo, s4c_gpu_chunk *chunks, size_t n,
                                                     s4c_error_detail *d);

/* Seconds between the CUDA events around the last nvCOMP launch of this
 * process (kernel-only time, for bench/gpu_bench.c); 0 when none ran. */
S4C_INTERNAL double s4c_nvcomp_last_kernel_seconds(void);

#endif /* S4C_GPU_NVCOMP_BATCH_H */
