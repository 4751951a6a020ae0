/*
 * container_internal.h — what the container layer's files share: S4's
 * FrameError texts, the thread pool, CRC32C combination, and the per-thread
 * codec cache of the object codec.
 */
#ifndef S4C_CONTAINER_INTERNAL_H
#define S4C_CONTAINER_INTERNAL_H

#include "../core/codec_internal.h"
#include "s4codec_frame.h"
#include "s4codec_index.h"

/* ---- S4's FrameError variants, with their Display texts (frame_s4f2.c) */
S4C_INTERNAL s4c_status s4c_frame_too_short(size_t have, s4c_error_detail *d);
S4C_INTERNAL s4c_status s4c_frame_payload_too_large(uint64_t size, s4c_error_detail *d);
S4C_INTERNAL s4c_status s4c_frame_payload_truncated(uint64_t size, uint64_t remaining,
                                                    s4c_error_detail *d);
/* read_frame's checks 2–4 (magic, codec id, payload size vs SIZE_MAX) on a
 * complete 28-byte header; fills `h`. */
S4C_INTERNAL s4c_status s4c_check_frame_header(const uint8_t *p, s4c_manifest *h,
                                               s4c_error_detail *d);
/* 1 when p (at least 4 bytes) starts with the padding magic. */
S4C_INTERNAL int s4c_is_padding_magic(const uint8_t *p);

/* ---- CRC32C of a||b from crc(a), crc(b) and len(b) (crc32c_combine.c) */
S4C_INTERNAL uint32_t s4c_crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

/* ---- Thread pool (thread_pool.c): a fixed set of workers running
 * parallel-for jobs. The caller takes part as worker 0; workers are 1..n-1. */
typedef struct s4c_pool s4c_pool;
typedef void (*s4c_pool_task_fn)(void *ctx, size_t task, unsigned worker);

/* Online CPUs (at least 1). */
S4C_INTERNAL unsigned s4c_cpu_count(void);
/* Resolves a `threads` option: 0 → every CPU; capped at S4C_POOL_MAX_THREADS. */
#define S4C_POOL_MAX_THREADS 256u
S4C_INTERNAL unsigned s4c_resolve_threads(unsigned threads);
/* A pool of `threads` workers in all (threads - 1 new threads). Creating
 * fewer threads than asked is not an error: the pool runs with what it got. */
S4C_INTERNAL s4c_status s4c_pool_create(unsigned threads, s4c_pool **pool_ret);
S4C_INTERNAL void s4c_pool_free(s4c_pool *pool);
S4C_INTERNAL unsigned s4c_pool_threads(const s4c_pool *pool);
/* Runs fn(ctx, t, worker) for every t in [0, n_tasks), tasks claimed in
 * increasing order, and returns when all are done. pool may be NULL (inline). */
S4C_INTERNAL void s4c_pool_run(s4c_pool *pool, size_t n_tasks, s4c_pool_task_fn fn, void *ctx);

/* ---- Per-worker codec cache (object_codec.c): one codec per kind and
 * worker, created on first use, since an s4c_codec is single-threaded. */
typedef struct s4c_codec_cache s4c_codec_cache;
S4C_INTERNAL s4c_status s4c_codec_cache_create(unsigned workers, const s4c_codec_options *opts,
                                               s4c_codec_cache **cache_ret);
S4C_INTERNAL void s4c_codec_cache_free(s4c_codec_cache *cache);
/* Grows the cache to `workers` slots (existing codecs are kept). */
S4C_INTERNAL s4c_status s4c_codec_cache_reserve(s4c_codec_cache *cache, unsigned workers);
/* The codec of `kind` for `worker`; only that worker may use it. */
S4C_INTERNAL s4c_status s4c_codec_cache_get(s4c_codec_cache *cache, unsigned worker, uint32_t kind,
                                            s4c_codec **codec_ret, s4c_error_detail *d);

/* Decodes one data frame against its header (passthrough frames checked as
 * S4's CLI does). dst_capacity must be at least header.original_size. */
S4C_INTERNAL s4c_status s4c_decode_frame_with(s4c_codec *codec, const s4c_frame *f, uint8_t *dst,
                                              size_t dst_capacity, size_t *written,
                                              s4c_error_detail *d);

/* ---- The object decoder (object_decoder.c), shared with its streaming
 * form (object_stream_decoder.c). */
typedef struct s4c_stream_decode s4c_stream_decode;
struct s4c_object_decoder {
    unsigned threads;
    s4c_pool *pool; /* created on the first job with two tasks or more */
    s4c_codec_cache *codecs;
    s4c_stream_decode *stream; /* streaming state, created on first use */
    uint8_t *range_buf[2];     /* range reads: the first and the last frame, when only */
    size_t range_buf_cap[2];   /* partly covered, decoded whole (kept for the next read) */
};
S4C_INTERNAL s4c_status s4c_object_decoder_ensure_pool(s4c_object_decoder *dec, size_t tasks);
/* Decodes one frame on `worker` with that worker's codec for the frame's kind. */
S4C_INTERNAL s4c_status s4c_object_decoder_decode_one(s4c_object_decoder *dec, unsigned worker,
                                                      const s4c_frame *f, uint8_t *dst, size_t cap,
                                                      s4c_error_detail *d);
S4C_INTERNAL void s4c_stream_decode_free(s4c_stream_decode *s);

#endif /* S4C_CONTAINER_INTERNAL_H */
