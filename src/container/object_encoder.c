/*
 * object_encoder.c — the gateway's single PUT, in parallel: a body cut into
 * chunks by the policy, one S4F2 frame per chunk, plus the sidecar entries and
 * the object manifest (size, body length, CRC32C of the whole original).
 *
 * Byte-identical output for any thread count comes from the layout, not from
 * scheduling: chunk boundaries depend only on the length and the policy, each
 * chunk is compressed on its own by s4c_compress(), and frames are written in
 * chunk order. The object CRC is combined from the chunks' CRCs.
 *
 * Whole buffers: every chunk is compressed straight into its slot of `dst`
 * (slot i at i × (28 + bound(chunk))), then frames are slid down into place —
 * no copy of the input and no scratch for the output. Streams: a batch of
 * `threads` chunk slots is filled from the input, compressed in parallel, and
 * drained into the caller's output cursor, so memory stays bounded.
 */
#include <stdio.h>

#include "container_internal.h"

typedef struct chunk_slot {
    uint8_t *in;
    size_t in_len;
    uint8_t *out; /* frame: header + payload */
    size_t out_len;
    size_t out_pos; /* drained so far */
    s4c_manifest m;
    s4c_status status;
    s4c_error_detail detail;
} chunk_slot;

enum { STAGE_IDLE, STAGE_ACTIVE, STAGE_FAILED };

struct s4c_object_encoder {
    s4c_object_options opts;
    int framed;
    unsigned threads;
    s4c_pool *pool;
    s4c_codec_cache *codecs;

    int stage;
    int have_result;
    s4c_object_info info; /* of the object in progress, then of the last one */
    s4c_index *index;     /* its frames */

    /* streaming */
    uint64_t chunk_size;
    chunk_slot *slots;
    unsigned n_slots;
    uint64_t slot_chunk_size; /* chunk size the slots were allocated for */
    size_t slot_out_cap;      /* 28 + bound(slot_chunk_size) */
    unsigned n_filled;        /* full slots */
    unsigned batch;           /* slots in the batch being drained, 0 when filling */
    unsigned drain;           /* next slot to drain */
};

void s4c_object_options_init(s4c_object_options *o) {
    if (!o) return;
    memset(o, 0, sizeof(*o));
    o->struct_size = sizeof(*o);
    o->codec = S4C_KIND_CPU_ZSTD;
    s4c_codec_options_init(&o->codec_options);
}

static s4c_status copy_options(const s4c_object_options *in, s4c_object_options *out) {
    s4c_object_options_init(out);
    if (!in) return S4C_OK;
    S4C_RETURN_IF(in->struct_size <
                          offsetof(s4c_object_options, codec_options) + sizeof(s4c_codec_options) ||
                      in->struct_size > sizeof(*out),
                  S4C_ERROR_INVALID_ARGUMENT);
    memcpy(out, in, in->struct_size);
    out->struct_size = sizeof(*out);
    return S4C_OK;
}

void s4c_object_encoder_free(s4c_object_encoder *e) {
    if (!e) return;
    for (unsigned i = 0; i < e->n_slots; i++) {
        s4c_free(e->slots[i].in);
        s4c_free(e->slots[i].out);
    }
    s4c_free(e->slots);
    s4c_index_free(e->index);
    s4c_codec_cache_free(e->codecs);
    s4c_pool_free(e->pool);
    s4c_free(e);
}

s4c_status s4c_object_encoder_create(const s4c_object_options *opts, s4c_object_encoder **ret,
                                     s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!ret, S4C_ERROR_INVALID_ARGUMENT);
    *ret = NULL;
    s4c_object_encoder *e = s4c_calloc(1, sizeof(*e));
    if (!e) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    s4c_status st = copy_options(opts, &e->opts);
    if (st == S4C_OK && e->opts.chunk_size > S4C_MAX_DECOMPRESSED_BYTES)
        st = s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT, "chunk size %llu exceeds 5 GiB",
                      (unsigned long long)e->opts.chunk_size);
    if (st == S4C_OK && e->opts.framing != S4C_FRAMING_AUTO &&
        e->opts.framing != S4C_FRAMING_ALWAYS)
        st = s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT, "unknown framing %d", (int)e->opts.framing);
    e->threads = s4c_resolve_threads(e->opts.threads);
    e->framed = e->opts.codec != S4C_KIND_PASSTHROUGH || e->opts.framing == S4C_FRAMING_ALWAYS;
    if (st == S4C_OK) st = s4c_codec_cache_create(e->threads, &e->opts.codec_options, &e->codecs);
    s4c_codec *probe = NULL; /* worker 0's codec: validates kind, level and dictionary now */
    if (st == S4C_OK) st = s4c_codec_cache_get(e->codecs, 0, e->opts.codec, &probe, d);
    if (st != S4C_OK) {
        if (d && d->status == S4C_OK) s4c_fail(d, st, "%s", s4c_strerror(st));
        s4c_object_encoder_free(e);
        return st;
    }
    *ret = e;
    return S4C_OK;
}

/* ------------------------------------------------------------ shared steps */

static uint64_t chunk_size_for(const s4c_object_encoder *e, uint64_t length, int known) {
    if (e->opts.chunk_size) return e->opts.chunk_size;
    return known ? s4c_pick_chunk_size(length) : S4C_DEFAULT_CHUNK_SIZE;
}

/* Compresses one chunk into a frame at `out` (capacity 28 + bound). */
static s4c_status compress_chunk(s4c_object_encoder *e, unsigned worker, const uint8_t *src,
                                 size_t n, uint8_t *out, size_t cap, s4c_manifest *m,
                                 s4c_error_detail *d) {
    s4c_codec *codec = NULL;
    S4C_TRY(s4c_codec_cache_get(e->codecs, worker, e->opts.codec, &codec, d));
    S4C_TRY(s4c_compress(codec, src, n, out + S4C_FRAME_HEADER_BYTES, cap - S4C_FRAME_HEADER_BYTES,
                         m, d));
    s4c_frame_write_header(m, out);
    return S4C_OK;
}

static s4c_status ensure_workers(s4c_object_encoder *e, size_t tasks, s4c_error_detail *d) {
    if (tasks < 2 || e->threads < 2 || e->pool) return S4C_OK;
    if (s4c_pool_create(e->threads, &e->pool) != S4C_OK)
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    return S4C_OK;
}

static s4c_status begin_object(s4c_object_encoder *e, uint64_t chunk_size, s4c_error_detail *d) {
    e->have_result = 0;
    memset(&e->info, 0, sizeof e->info);
    e->info.codec = e->opts.codec;
    e->info.framed = e->framed;
    e->info.chunk_size = e->framed ? chunk_size : 0;
    e->info.error_frame = UINT64_MAX;
    s4c_index_free(e->index);
    e->index = NULL;
    if (e->framed && s4c_index_create(&e->index) != S4C_OK)
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    return S4C_OK;
}

/* Books one finished frame: index entry, sizes, running CRC. */
static s4c_status account_frame(s4c_object_encoder *e, const s4c_manifest *m, s4c_error_detail *d) {
    s4c_index_entry entry = {e->info.original_size, m->original_size, e->info.compressed_size,
                             S4C_FRAME_HEADER_BYTES + m->compressed_size};
    S4C_TRY(s4c_index_append(e->index, &entry, d));
    e->info.crc32c = s4c_crc32c_combine(e->info.crc32c, m->crc32c, m->original_size);
    e->info.original_size += m->original_size;
    e->info.compressed_size += entry.compressed_size;
    e->info.payload_size += m->compressed_size;
    e->info.n_frames++;
    return S4C_OK;
}

static void end_object(s4c_object_encoder *e) {
    if (e->index) s4c_index_set_total_padded(e->index, e->info.compressed_size);
    e->have_result = 1;
    e->stage = STAGE_IDLE;
}

/* ------------------------------------------------------------ whole buffers */

typedef struct layout {
    uint64_t chunk; /* chunk size */
    size_t n_chunks;
    size_t stride;   /* 28 + bound(chunk) */
    size_t last_len; /* length of the last chunk */
    size_t need;     /* bytes of dst the slots use */
} layout;

static s4c_status plan_layout(s4c_object_encoder *e, uint64_t n, layout *l, s4c_error_detail *d) {
    memset(l, 0, sizeof(*l));
    if (!e->framed) {
        S4C_RETURN_IF(n > SIZE_MAX, s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT, "input too large"));
        l->need = (size_t)n;
        return S4C_OK;
    }
    l->chunk = chunk_size_for(e, n, 1);
    if (n == 0) return S4C_OK;
    s4c_codec *codec = NULL;
    S4C_TRY(s4c_codec_cache_get(e->codecs, 0, e->opts.codec, &codec, d));
    uint64_t chunks = n / l->chunk + (n % l->chunk != 0);
    uint64_t chunk = l->chunk < n ? l->chunk : n;
    uint64_t last = n - (chunks - 1) * l->chunk;
    size_t bound = s4c_compress_bound(codec, (size_t)chunk);
    size_t last_bound = s4c_compress_bound(codec, (size_t)last);
    S4C_RETURN_IF(bound == 0 || bound > SIZE_MAX / 2,
                  s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT, "chunk too large to compress"));
    uint64_t stride = S4C_FRAME_HEADER_BYTES + (uint64_t)bound;
    if (chunks - 1 > (SIZE_MAX - S4C_FRAME_HEADER_BYTES - last_bound) / stride)
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT, "input too large");
    l->n_chunks = (size_t)chunks;
    l->stride = (size_t)stride;
    l->last_len = (size_t)last;
    l->need = (size_t)((chunks - 1) * stride) + S4C_FRAME_HEADER_BYTES + last_bound;
    return S4C_OK;
}

s4c_status s4c_object_encoder_bound(s4c_object_encoder *e, uint64_t n, size_t *bound_ret,
                                    s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!e || !bound_ret, S4C_ERROR_INVALID_ARGUMENT);
    layout l;
    S4C_TRY(plan_layout(e, n, &l, d));
    *bound_ret = l.need;
    return S4C_OK;
}

typedef struct whole_job {
    s4c_object_encoder *e;
    const uint8_t *src;
    uint8_t *dst;
    const layout *l;
    chunk_slot *results; /* manifest, status, detail per chunk */
} whole_job;

static void whole_task(void *ctx, size_t i, unsigned worker) {
    whole_job *j = ctx;
    const layout *l = j->l;
    size_t len = i + 1 == l->n_chunks ? l->last_len : (size_t)l->chunk;
    chunk_slot *r = &j->results[i];
    r->status = compress_chunk(j->e, worker, j->src + i * (size_t)l->chunk, len,
                               j->dst + i * l->stride, l->stride, &r->m, &r->detail);
}

static s4c_status encode_raw(s4c_object_encoder *e, const uint8_t *src, size_t n, uint8_t *dst,
                             size_t cap, size_t *written, s4c_error_detail *d) {
    S4C_RETURN_IF(cap < n, s4c_fail(d, S4C_ERROR_DST_TOO_SMALL,
                                    "destination holds %zu bytes, %zu needed", cap, n));
    if (n) memmove(dst, src, n);
    e->info.original_size = e->info.compressed_size = e->info.payload_size = n;
    e->info.crc32c = s4c_crc32c(0, src, n);
    *written = n;
    return S4C_OK;
}

static s4c_status encode_whole(s4c_object_encoder *e, const uint8_t *src, size_t n, uint8_t *dst,
                               size_t cap, size_t *written, s4c_error_detail *d) {
    layout l;
    S4C_TRY(plan_layout(e, n, &l, d));
    S4C_TRY(begin_object(e, l.chunk, d));
    if (!e->framed) return encode_raw(e, src, n, dst, cap, written, d);
    S4C_RETURN_IF(cap < l.need,
                  s4c_fail(d, S4C_ERROR_DST_TOO_SMALL,
                           "destination holds %zu bytes, the bound is %zu", cap, l.need));
    if (l.n_chunks == 0) return S4C_OK; /* an empty body: zero frames */
    chunk_slot *results = s4c_calloc(l.n_chunks, sizeof(chunk_slot));
    if (!results) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    s4c_status st = ensure_workers(e, l.n_chunks, d);
    if (st == S4C_OK) {
        whole_job job = {e, src, dst, &l, results};
        s4c_pool_run(e->pool, l.n_chunks, whole_task, &job);
    }
    size_t pos = 0;
    for (size_t i = 0; st == S4C_OK && i < l.n_chunks; i++) {
        if (results[i].status != S4C_OK) {
            st = results[i].status;
            if (d) *d = results[i].detail;
            break;
        }
        size_t frame_len = S4C_FRAME_HEADER_BYTES + (size_t)results[i].m.compressed_size;
        if (pos != i * l.stride) memmove(dst + pos, dst + i * l.stride, frame_len);
        st = account_frame(e, &results[i].m, d);
        pos += frame_len;
    }
    s4c_free(results);
    *written = pos;
    return st;
}

s4c_status s4c_object_encoder_encode(s4c_object_encoder *e, const void *src, size_t n, void *dst,
                                     size_t cap, size_t *written_ret, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!e || !written_ret || (!src && n) || (!dst && cap), S4C_ERROR_INVALID_ARGUMENT);
    *written_ret = 0;
    if (e->stage == STAGE_FAILED)
        return s4c_fail(d, S4C_ERROR_FAILED_STATE, "%s", s4c_strerror(S4C_ERROR_FAILED_STATE));
    S4C_RETURN_IF(e->stage != STAGE_IDLE,
                  s4c_fail(d, S4C_ERROR_STAGE, "a streamed object is in progress"));
    size_t written = 0;
    s4c_status st = encode_whole(e, src, n, dst, cap, &written, d);
    if (st != S4C_OK) {
        e->have_result = 0;
        return st;
    }
    end_object(e);
    *written_ret = written;
    return S4C_OK;
}

/* ------------------------------------------------------------ streaming */

static s4c_status alloc_slots(s4c_object_encoder *e, uint64_t chunk, s4c_error_detail *d) {
    if (e->slots && e->slot_chunk_size == chunk) return S4C_OK;
    for (unsigned i = 0; i < e->n_slots; i++) {
        s4c_free(e->slots[i].in);
        s4c_free(e->slots[i].out);
    }
    s4c_free(e->slots);
    e->slots = NULL;
    e->n_slots = 0;
    S4C_RETURN_IF(chunk > SIZE_MAX / 2, s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT, "chunk too large"));
    s4c_codec *codec = NULL;
    S4C_TRY(s4c_codec_cache_get(e->codecs, 0, e->opts.codec, &codec, d));
    size_t out_cap = S4C_FRAME_HEADER_BYTES + s4c_compress_bound(codec, (size_t)chunk);
    e->slots = s4c_calloc(e->threads, sizeof(chunk_slot));
    if (!e->slots) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    e->n_slots = e->threads;
    for (unsigned i = 0; i < e->n_slots; i++) {
        e->slots[i].in = s4c_malloc((size_t)chunk);
        e->slots[i].out = s4c_malloc(out_cap);
        if (!e->slots[i].in || !e->slots[i].out)
            return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    e->slot_chunk_size = chunk;
    e->slot_out_cap = out_cap;
    return S4C_OK;
}

static void clear_stream(s4c_object_encoder *e) {
    for (unsigned i = 0; i < e->n_slots; i++)
        e->slots[i].in_len = 0;
    e->n_filled = e->batch = e->drain = 0;
}

static void slot_task(void *ctx, size_t i, unsigned worker) {
    s4c_object_encoder *e = ctx;
    chunk_slot *s = &e->slots[i];
    s->status =
        compress_chunk(e, worker, s->in, s->in_len, s->out, e->slot_out_cap, &s->m, &s->detail);
    s->out_len = S4C_FRAME_HEADER_BYTES + (size_t)s->m.compressed_size;
    s->out_pos = 0;
}

/* Compresses slots [0, count) and books their frames; then they drain. */
static s4c_status compress_batch(s4c_object_encoder *e, unsigned count, s4c_error_detail *d) {
    S4C_TRY(ensure_workers(e, count, d));
    s4c_pool_run(e->pool, count, slot_task, e);
    for (unsigned i = 0; i < count; i++) {
        if (e->slots[i].status != S4C_OK) {
            if (d) *d = e->slots[i].detail;
            return e->slots[i].status;
        }
        S4C_TRY(account_frame(e, &e->slots[i].m, d));
    }
    e->batch = count;
    e->drain = 0;
    return S4C_OK;
}

/* Drained batch: a partly filled slot that was not in it moves to the front. */
static void recycle_batch(s4c_object_encoder *e) {
    unsigned count = e->batch;
    for (unsigned i = 0; i < count; i++)
        e->slots[i].in_len = 0;
    if (count < e->n_slots && e->slots[count].in_len) {
        chunk_slot tmp = e->slots[0];
        e->slots[0] = e->slots[count];
        e->slots[count] = tmp;
    }
    e->batch = e->drain = 0;
    e->n_filled = 0;
}

static size_t pending_bytes(const s4c_object_encoder *e) {
    size_t n = 0;
    for (unsigned i = e->drain; i < e->batch; i++)
        n += e->slots[i].out_len - e->slots[i].out_pos;
    return n;
}

static s4c_status stream_raw(s4c_object_encoder *e, s4c_in_buffer *in, s4c_out_buffer *out,
                             s4c_flush_mode mode, size_t *pending) {
    size_t k = in->size - in->pos;
    if (k > out->size - out->pos) k = out->size - out->pos;
    if (k) {
        const uint8_t *src = (const uint8_t *)in->src + in->pos;
        memcpy((uint8_t *)out->dst + out->pos, src, k);
        e->info.crc32c = s4c_crc32c(e->info.crc32c, src, k);
    }
    e->info.original_size += k;
    e->info.compressed_size += k;
    e->info.payload_size += k;
    in->pos += k;
    out->pos += k;
    *pending = in->size - in->pos; /* nothing is held; what is left is still the caller's */
    if (mode == S4C_FLUSH_END && *pending == 0) end_object(e);
    return S4C_OK;
}

static s4c_status stream_framed(s4c_object_encoder *e, s4c_in_buffer *in, s4c_out_buffer *out,
                                s4c_flush_mode mode, size_t *pending, s4c_error_detail *d) {
    const uint64_t chunk = e->slot_chunk_size;
    for (;;) {
        if (e->batch) { /* drain */
            while (e->drain < e->batch) {
                chunk_slot *s = &e->slots[e->drain];
                size_t k = s->out_len - s->out_pos;
                if (k > out->size - out->pos) k = out->size - out->pos;
                if (k) memcpy((uint8_t *)out->dst + out->pos, s->out + s->out_pos, k);
                s->out_pos += k;
                out->pos += k;
                if (s->out_pos < s->out_len) {
                    *pending = pending_bytes(e);
                    return S4C_OK;
                }
                e->drain++;
            }
            recycle_batch(e);
        }
        /* fill */
        while (in->pos < in->size && e->n_filled < e->n_slots) {
            chunk_slot *s = &e->slots[e->n_filled];
            size_t k = in->size - in->pos;
            if (k > chunk - s->in_len) k = (size_t)(chunk - s->in_len);
            if (k) memcpy(s->in + s->in_len, (const uint8_t *)in->src + in->pos, k);
            s->in_len += k;
            in->pos += k;
            if (s->in_len == chunk) e->n_filled++;
        }
        unsigned count = 0;
        if (e->n_filled == e->n_slots) {
            count = e->n_filled;
        } else if (in->pos == in->size && mode == S4C_FLUSH_END) {
            count = e->n_filled + (e->slots[e->n_filled].in_len ? 1 : 0);
            if (count == 0) {
                *pending = 0;
                end_object(e);
                return S4C_OK;
            }
        } else if (in->pos == in->size && mode == S4C_FLUSH_BLOCK) {
            count = e->n_filled;
        }
        if (count == 0) {
            *pending = 0;
            return S4C_OK;
        }
        S4C_TRY(compress_batch(e, count, d));
    }
}

s4c_status s4c_object_encoder_stream(s4c_object_encoder *e, s4c_in_buffer *in, s4c_out_buffer *out,
                                     s4c_flush_mode mode, size_t *pending_ret,
                                     s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!e || !in || !out || in->pos > in->size || out->pos > out->size ||
                      (!in->src && in->size) || (!out->dst && out->size) ||
                      (mode != S4C_FLUSH_NONE && mode != S4C_FLUSH_BLOCK && mode != S4C_FLUSH_END),
                  S4C_ERROR_INVALID_ARGUMENT);
    if (e->stage == STAGE_FAILED)
        return s4c_fail(d, S4C_ERROR_FAILED_STATE, "%s", s4c_strerror(S4C_ERROR_FAILED_STATE));
    size_t pending = 0;
    s4c_status st = S4C_OK;
    if (e->stage == STAGE_IDLE) {
        uint64_t chunk = chunk_size_for(e, e->opts.content_length, e->opts.content_length != 0);
        st = begin_object(e, chunk, d);
        if (st == S4C_OK && e->framed) st = alloc_slots(e, chunk, d);
        if (st == S4C_OK) {
            clear_stream(e);
            e->stage = STAGE_ACTIVE;
        }
    }
    if (st == S4C_OK)
        st = e->framed ? stream_framed(e, in, out, mode, &pending, d)
                       : stream_raw(e, in, out, mode, &pending);
    if (st != S4C_OK) {
        e->stage = STAGE_FAILED;
        e->have_result = 0;
    }
    if (pending_ret) *pending_ret = pending;
    return st;
}

s4c_status s4c_object_encoder_reset(s4c_object_encoder *e) {
    S4C_RETURN_IF(!e, S4C_ERROR_INVALID_ARGUMENT);
    clear_stream(e);
    e->stage = STAGE_IDLE;
    e->have_result = 0;
    return S4C_OK;
}

/* ------------------------------------------------------------ results */

s4c_status s4c_object_encoder_info(const s4c_object_encoder *e, s4c_object_info *info_ret) {
    S4C_RETURN_IF(!e || !info_ret, S4C_ERROR_INVALID_ARGUMENT);
    S4C_RETURN_IF(e->stage != STAGE_IDLE || !e->have_result, S4C_ERROR_STAGE);
    *info_ret = e->info;
    return S4C_OK;
}

s4c_status s4c_object_encoder_index(const s4c_object_encoder *e, s4c_index **index_ret,
                                    s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!e || !index_ret, S4C_ERROR_INVALID_ARGUMENT);
    *index_ret = NULL;
    S4C_RETURN_IF(e->stage != STAGE_IDLE || !e->have_result || !e->index,
                  s4c_fail(d, S4C_ERROR_STAGE, "no framed object has been completed"));
    s4c_index *copy = NULL;
    if (s4c_index_create(&copy) != S4C_OK)
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    size_t n = 0;
    const s4c_index_entry *entries = s4c_index_entries(e->index, &n);
    for (size_t i = 0; i < n; i++) {
        s4c_status st = s4c_index_append(copy, &entries[i], d);
        if (st != S4C_OK) {
            s4c_index_free(copy);
            return st;
        }
    }
    s4c_index_set_total_padded(copy, s4c_index_total_padded(e->index));
    *index_ret = copy;
    return S4C_OK;
}

/* ------------------------------------------------------------ one-shot */

s4c_status s4c_object_encode_bound(const s4c_object_options *opts, uint64_t n, size_t *bound_ret,
                                   s4c_error_detail *d) {
    s4c_object_options o;
    S4C_RETURN_IF(copy_options(opts, &o) != S4C_OK, S4C_ERROR_INVALID_ARGUMENT);
    o.threads = 1; /* no workers needed to size a buffer */
    s4c_object_encoder *e = NULL;
    S4C_TRY(s4c_object_encoder_create(&o, &e, d));
    s4c_status st = s4c_object_encoder_bound(e, n, bound_ret, d);
    s4c_object_encoder_free(e);
    return st;
}

s4c_status s4c_object_encode(const void *src, size_t n, const s4c_object_options *opts, void *dst,
                             size_t cap, size_t *written_ret, s4c_object_info *info_ret,
                             s4c_index **index_ret, s4c_error_detail *d) {
    if (index_ret) *index_ret = NULL;
    s4c_object_encoder *e = NULL;
    S4C_TRY(s4c_object_encoder_create(opts, &e, d));
    s4c_status st = s4c_object_encoder_encode(e, src, n, dst, cap, written_ret, d);
    if (st == S4C_OK && info_ret) st = s4c_object_encoder_info(e, info_ret);
    if (st == S4C_OK && index_ret && e->framed) st = s4c_object_encoder_index(e, index_ret, d);
    s4c_object_encoder_free(e);
    return st;
}
