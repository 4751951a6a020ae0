/*
 * object_decoder.c — the gateway's GET of a framed body, in parallel.
 *
 * The body is walked once with the frame iterator to find every frame and
 * where its bytes go in the output; then frames decode in parallel straight
 * into their place, each against its own header. The result must be the one
 * S4's frame-by-frame loop gives (parse frame i, decode frame i, ...): so
 * decode errors of frames before a parse error win over it, the lowest failing
 * frame wins among decode errors, and tasks above a known failure are skipped
 * (tasks are claimed in increasing order, so every frame below it still runs).
 */
#include <stdatomic.h>
#include <stdio.h>

#include "container_internal.h"

void s4c_object_decode_options_init(s4c_object_decode_options *o) {
    if (!o) return;
    memset(o, 0, sizeof(*o));
    o->struct_size = sizeof(*o);
}

s4c_status s4c_object_decoder_create(const s4c_object_decode_options *opts,
                                     s4c_object_decoder **ret, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!ret, S4C_ERROR_INVALID_ARGUMENT);
    *ret = NULL;
    s4c_object_decode_options o;
    s4c_object_decode_options_init(&o);
    if (opts) {
        S4C_RETURN_IF(opts->struct_size <
                              offsetof(s4c_object_decode_options, threads) + sizeof(unsigned) ||
                          opts->struct_size > sizeof(o),
                      S4C_ERROR_INVALID_ARGUMENT);
        memcpy(&o, opts, opts->struct_size);
    }
    s4c_object_decoder *dec = s4c_calloc(1, sizeof(*dec));
    if (!dec) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    dec->threads = s4c_resolve_threads(o.threads);
    s4c_codec_options co;
    s4c_codec_options_init(&co);
    co.dict = o.dict;
    co.dict_size = o.dict ? o.dict_size : 0;
    if (s4c_codec_cache_create(dec->threads, &co, &dec->codecs) != S4C_OK) {
        s4c_free(dec);
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    *ret = dec;
    return S4C_OK;
}

void s4c_object_decoder_free(s4c_object_decoder *dec) {
    if (!dec) return;
    s4c_stream_decode_free(dec->stream);
    s4c_codec_cache_free(dec->codecs);
    s4c_pool_free(dec->pool);
    s4c_free(dec->range_buf[0]);
    s4c_free(dec->range_buf[1]);
    s4c_free(dec);
}

/* ------------------------------------------------------------ the walk */

typedef struct frame_list {
    s4c_frame *frames;
    uint64_t *out_offset; /* saturating */
    size_t count, capacity;
    uint64_t original; /* saturating sum */
    uint64_t payload;
    uint32_t crc32c;         /* of the frames' decoded bytes, combined from their headers */
    s4c_status parse_status; /* iterator error after `count` frames, or OK */
    s4c_error_detail parse_detail;
} frame_list;

static void frame_list_free(frame_list *l) {
    s4c_free(l->frames);
    s4c_free(l->out_offset);
}

static uint64_t add_saturating(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static s4c_status push_frame(frame_list *l, const s4c_frame *f) {
    if (l->count == l->capacity) {
        size_t cap = l->capacity ? l->capacity * 2 : 64;
        s4c_frame *fr = s4c_malloc(cap * sizeof(*fr));
        uint64_t *off = s4c_malloc(cap * sizeof(*off));
        if (!fr || !off) {
            s4c_free(fr);
            s4c_free(off);
            return S4C_ERROR_OUT_OF_MEMORY;
        }
        if (l->count) {
            memcpy(fr, l->frames, l->count * sizeof(*fr));
            memcpy(off, l->out_offset, l->count * sizeof(*off));
        }
        frame_list_free(l);
        l->frames = fr;
        l->out_offset = off;
        l->capacity = cap;
    }
    l->frames[l->count] = *f;
    l->out_offset[l->count] = l->original;
    l->count++;
    l->original = add_saturating(l->original, f->header.original_size);
    l->payload += f->payload_size;
    l->crc32c = s4c_crc32c_combine(l->crc32c, f->header.crc32c, f->header.original_size);
    return S4C_OK;
}

/* Collects the frames; an iterator error is kept in the list, not returned. */
static s4c_status walk(const void *body, size_t size, frame_list *l, int keep) {
    memset(l, 0, sizeof(*l));
    s4c_frame_iter it;
    s4c_frame_iter_init(&it, body, size);
    for (;;) {
        s4c_frame f;
        int has = 0;
        l->parse_status = s4c_frame_iter_next(&it, &f, &has, &l->parse_detail);
        if (l->parse_status != S4C_OK || !has) return S4C_OK;
        if (keep) {
            if (push_frame(l, &f) != S4C_OK) {
                frame_list_free(l);
                return S4C_ERROR_OUT_OF_MEMORY;
            }
        } else {
            l->count++;
            l->original = add_saturating(l->original, f.header.original_size);
            l->payload += f.payload_size;
        }
    }
}

s4c_status s4c_object_decoded_size(const void *body, size_t size, uint64_t *original_ret,
                                   uint64_t *n_frames_ret, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!body && size, S4C_ERROR_INVALID_ARGUMENT);
    frame_list l;
    walk(body, size, &l, 0);
    if (original_ret) *original_ret = l.original;
    if (n_frames_ret) *n_frames_ret = l.count;
    if (l.parse_status != S4C_OK && d) *d = l.parse_detail;
    return l.parse_status;
}

/* ------------------------------------------------------------ parallel decode */

typedef struct decode_job {
    s4c_object_decoder *dec;
    const frame_list *l;
    uint8_t *dst;
    size_t cap;
    atomic_size_t first_failure; /* lowest failing frame so far, or SIZE_MAX */
    atomic_flag lock;            /* guards the two fields below (failures are rare) */
    s4c_status status;           /* of frame first_failure */
    s4c_error_detail detail;
} decode_job;

s4c_status s4c_object_decoder_decode_one(s4c_object_decoder *dec, unsigned worker,
                                         const s4c_frame *f, uint8_t *dst, size_t cap,
                                         s4c_error_detail *d) {
    s4c_codec *codec = NULL;
    S4C_TRY(s4c_codec_cache_get(dec->codecs, worker, f->header.codec, &codec, d));
    size_t written = 0;
    return s4c_decode_frame_with(codec, f, dst, cap, &written, d);
}

static void decode_task(void *ctx, size_t i, unsigned worker) {
    decode_job *j = ctx;
    if (i > atomic_load(&j->first_failure)) return; /* an earlier frame already failed */
    uint64_t off = j->l->out_offset[i];
    /* Frames past the end of dst still run S4's manifest checks, against a
     * zero-capacity region, so the error order stays S4's. */
    size_t at = off < j->cap ? (size_t)off : j->cap;
    uint64_t want = j->l->frames[i].header.original_size;
    size_t cap = want < j->cap - at ? (size_t)want : j->cap - at;
    s4c_error_detail detail;
    s4c_status st = s4c_object_decoder_decode_one(j->dec, worker, &j->l->frames[i],
                                                  j->dst ? j->dst + at : NULL, cap, &detail);
    if (st == S4C_OK) return;
    while (atomic_flag_test_and_set(&j->lock)) {
    }
    if (i < atomic_load(&j->first_failure)) {
        atomic_store(&j->first_failure, i);
        j->status = st;
        j->detail = detail;
    }
    atomic_flag_clear(&j->lock);
}

static void fill_info(s4c_object_info *info, const frame_list *l, size_t body_size) {
    if (!info) return;
    memset(info, 0, sizeof(*info));
    info->codec = l->count ? l->frames[0].header.codec : 0;
    info->framed = 1;
    info->n_frames = l->count;
    info->original_size = l->original;
    info->compressed_size = body_size;
    info->payload_size = l->payload;
    info->error_frame = UINT64_MAX;
}

s4c_status s4c_object_decoder_ensure_pool(s4c_object_decoder *dec, size_t tasks) {
    if (tasks < 2 || dec->threads < 2 || dec->pool) return S4C_OK;
    return s4c_pool_create(dec->threads, &dec->pool);
}

s4c_status s4c_object_decoder_decode(s4c_object_decoder *dec, const void *body, size_t size,
                                     void *dst, size_t cap, size_t *written_ret,
                                     s4c_object_info *info, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!dec || (!body && size) || (!dst && cap), S4C_ERROR_INVALID_ARGUMENT);
    if (written_ret) *written_ret = 0;
    frame_list l;
    if (walk(body, size, &l, 1) != S4C_OK)
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    fill_info(info, &l, size);

    s4c_status st = S4C_OK;
    if (s4c_object_decoder_ensure_pool(dec, l.count) != S4C_OK)
        st = s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    if (st == S4C_OK && l.count) {
        decode_job *job = s4c_calloc(1, sizeof(*job));
        if (!job) {
            st = s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
        } else {
            job->dec = dec;
            job->l = &l;
            job->dst = dst;
            job->cap = cap;
            atomic_init(&job->first_failure, SIZE_MAX);
            atomic_flag_clear(&job->lock);
            s4c_pool_run(dec->pool, l.count, decode_task, job);
            size_t bad = atomic_load(&job->first_failure);
            if (bad != SIZE_MAX) {
                st = job->status;
                if (d) *d = job->detail;
                if (info) info->error_frame = bad;
            }
            s4c_free(job);
        }
    }
    if (st == S4C_OK && l.parse_status != S4C_OK) {
        st = l.parse_status;
        if (d) *d = l.parse_detail;
        if (info) info->error_frame = l.count;
    }
    if (st == S4C_OK && written_ret) *written_ret = (size_t)l.original;
    if (st == S4C_OK && info) info->crc32c = l.crc32c;
    frame_list_free(&l);
    return st;
}

s4c_status s4c_object_decoder_decode_frame(s4c_object_decoder *dec, const s4c_frame *f, void *dst,
                                           size_t cap, size_t *written_ret, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!dec || !f || (!dst && cap) || (!f->payload && f->payload_size),
                  S4C_ERROR_INVALID_ARGUMENT);
    size_t written = 0;
    s4c_codec *codec = NULL;
    s4c_status st = s4c_codec_cache_get(dec->codecs, 0, f->header.codec, &codec, d);
    if (st == S4C_OK) st = s4c_decode_frame_with(codec, f, dst, cap, &written, d);
    if (written_ret) *written_ret = st == S4C_OK ? written : 0;
    return st;
}

s4c_status s4c_object_decoder_decode_unframed(s4c_object_decoder *dec, const s4c_manifest *m,
                                              const void *body, size_t size, void *dst, size_t cap,
                                              size_t *written_ret, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!dec || !m || (!body && size) || (!dst && cap), S4C_ERROR_INVALID_ARGUMENT);
    s4c_codec *codec = NULL;
    S4C_TRY(s4c_codec_cache_get(dec->codecs, 0, m->codec, &codec, d));
    return s4c_decompress(codec, m, body, size, dst, cap, written_ret, d);
}

/* ------------------------------------------------------------ range reads */

#define SLICE_SCRATCH (256u * 1024u)
/* A partly covered frame up to this size (S4's largest chunk) is decoded whole
 * into a buffer the decoder keeps, by the one-shot path: libzstd then writes
 * straight into it (stable output) and the CRC32C is fused, ~1.3x faster than
 * streaming it through SLICE_SCRATCH. Larger frames stream. */
#define RANGE_FRAME_MAX ((size_t)16 << 20)

/* Range buffer `which` (0: the range's first frame, 1: its last), at least n
 * bytes; NULL when out of memory. Advised for huge pages: a fresh process
 * (`s4codec cat --range`) then faults in a 16 MiB frame 2 MiB at a time. */
static uint8_t *range_buffer(s4c_object_decoder *dec, int which, size_t n) {
    if (dec->range_buf_cap[which] >= n) return dec->range_buf[which];
    s4c_free(dec->range_buf[which]);
    dec->range_buf_cap[which] = 0;
    dec->range_buf[which] = s4c_malloc(n);
    if (!dec->range_buf[which]) return NULL;
    dec->range_buf_cap[which] = n;
    s4c_advise_huge_pages(dec->range_buf[which], n);
    return dec->range_buf[which];
}

/*
 * Decodes frame f whole, checking it as the one-shot path does on success
 * (every payload byte consumed, a clean end, exactly original_size bytes,
 * their CRC32C), but through a small rolling buffer, and keeps only the
 * original bytes [a, b) in out. A range read then never allocates (and page
 * faults) a frame-sized buffer. Returns 1 when the frame checked out; 0 when
 * the kind is not streamed here or anything went wrong — the caller then runs
 * the one-shot path, which gives S4's exact error.
 */
static int decode_slice_streaming(const s4c_frame *f, uint64_t a, uint64_t b, uint8_t *out,
                                  uint8_t *scratch) {
    uint32_t kind = f->header.codec;
    if (kind != S4C_KIND_CPU_ZSTD && kind != S4C_KIND_CPU_GZIP && kind != S4C_KIND_CPU_LZ4)
        return 0;
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.single_frame = kind == S4C_KIND_CPU_GZIP; /* S4 reads one gzip member */
    s4c_decoder *sd = NULL;
    if (s4c_decoder_create(kind, &o, &sd, NULL) != S4C_OK) return 0;
    s4c_in_buffer in = {f->payload, f->payload_size, 0};
    uint64_t pos = 0, want = f->header.original_size;
    uint32_t crc = 0;
    int ok = 1;
    for (;;) {
        s4c_out_buffer o2 = {scratch, SLICE_SCRATCH, 0};
        size_t in_before = in.pos, hint = 0;
        if (s4c_decoder_stream(sd, &in, &o2, &hint) != S4C_OK) {
            ok = 0;
            break;
        }
        if (o2.pos) {
            if (o2.pos > want - pos) { /* more than the manifest says: a bomb */
                ok = 0;
                break;
            }
            crc = s4c_crc32c(crc, scratch, o2.pos);
            uint64_t lo = pos > a ? pos : a, hi = pos + o2.pos < b ? pos + o2.pos : b;
            if (lo < hi) memcpy(out + (lo - a), scratch + (lo - pos), (size_t)(hi - lo));
            pos += o2.pos;
        }
        if (o2.pos == 0 && in.pos == in_before) break; /* no progress: done or stuck */
    }
    ok = ok && in.pos == in.size && pos == want && crc == f->header.crc32c &&
         s4c_decoder_finish(sd) == S4C_OK;
    s4c_decoder_free(sd);
    return ok;
}

/*
 * A range read's frames, decoded on the decoder's pool: frames wholly inside
 * the range straight into dst; the first and the last, when only partly
 * covered, whole into their range buffer (made by the caller), then their
 * part copied; frames larger than RANGE_FRAME_MAX stream through a small
 * buffer. Any failure sets `failed` and the caller decodes everything again,
 * in order, for S4's exact error.
 */
typedef struct range_job {
    s4c_object_decoder *dec;
    const frame_list *l;
    uint8_t *dst;
    uint64_t ss, se;    /* the range, in the fetched frames' output */
    size_t first, last; /* the frames it touches */
    atomic_int failed;
} range_job;

static void range_task(void *ctx, size_t t, unsigned worker) {
    range_job *j = ctx;
    if (atomic_load(&j->failed)) return;
    size_t i = j->first + t;
    const s4c_frame *f = &j->l->frames[i];
    uint64_t o = j->l->out_offset[i], n = f->header.original_size;
    uint64_t lo = o > j->ss ? o : j->ss, hi = o + n < j->se ? o + n : j->se;
    uint8_t *at = j->dst + (lo - j->ss);
    int ok;
    if (lo == o && hi == o + n) {
        ok = s4c_object_decoder_decode_one(j->dec, worker, f, at, (size_t)n, NULL) == S4C_OK;
    } else if (n <= RANGE_FRAME_MAX) {
        uint8_t *buf = j->dec->range_buf[i == j->first ? 0 : 1];
        ok = s4c_object_decoder_decode_one(j->dec, worker, f, buf, (size_t)n, NULL) == S4C_OK;
        if (ok) memcpy(at, buf + (lo - o), (size_t)(hi - lo));
    } else {
        uint8_t *scratch = s4c_malloc(SLICE_SCRATCH);
        ok = scratch && decode_slice_streaming(f, lo - o, hi - o, at, scratch);
        s4c_free(scratch);
    }
    if (!ok) atomic_store(&j->failed, 1);
}

s4c_status s4c_object_decoder_decode_range(s4c_object_decoder *dec,
                                           const struct s4c_range_plan *plan, const void *fetched,
                                           size_t fetched_size, void *dst, size_t cap,
                                           size_t *written_ret, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!dec || !plan || (!fetched && fetched_size) || (!dst && cap) ||
                      plan->slice_end < plan->slice_start,
                  S4C_ERROR_INVALID_ARGUMENT);
    if (written_ret) *written_ret = 0;
    uint64_t want = plan->slice_end - plan->slice_start;
    S4C_RETURN_IF(cap < want, s4c_fail(d, S4C_ERROR_DST_TOO_SMALL,
                                       "destination holds %zu bytes, the range is %llu", cap,
                                       (unsigned long long)want));
    uint64_t total = 0;
    s4c_status st = s4c_object_decoded_size(fetched, fetched_size, &total, NULL, d);
    if (st == S4C_OK && total < plan->slice_end) {
        s4c_fail(d, S4C_ERROR_SIZE_MISMATCH,
                 "fetched frames decode to %llu bytes, the range plan needs %llu (stale sidecar?)",
                 (unsigned long long)total, (unsigned long long)plan->slice_end);
        if (d) d->expected = plan->slice_end, d->got = total;
        return S4C_ERROR_SIZE_MISMATCH;
    }
    /* On a parse error, decode anyway: S4 reports a bad frame before it first. */
    if (total > SIZE_MAX) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "range too large");
    if (st == S4C_OK && plan->slice_start == 0 && total == want)
        return s4c_object_decoder_decode(dec, fetched, fetched_size, dst, cap, written_ret, NULL,
                                         d);
    if (st == S4C_OK) {
        /* The frames the range touches decode on the pool (range_task); any
         * failure falls back to decoding everything below, for S4's error. */
        frame_list l;
        if (walk(fetched, fetched_size, &l, 1) != S4C_OK)
            return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
        int ok = l.parse_status == S4C_OK;
        range_job j = {.dec = dec, .l = &l, .dst = dst, .ss = plan->slice_start,
                       .se = plan->slice_end, .first = SIZE_MAX};
        atomic_init(&j.failed, 0);
        for (size_t i = 0; ok && i < l.count; i++) {
            uint64_t o = l.out_offset[i], n = l.frames[i].header.original_size;
            if (o < j.se && o + n > j.ss) {
                if (j.first == SIZE_MAX) j.first = i;
                j.last = i;
            }
        }
        if (ok && j.first != SIZE_MAX) {
            /* The range buffers are made here, before the tasks run at once. */
            for (int k = 0; k < 2 && ok; k++) {
                size_t i = k ? j.last : j.first;
                uint64_t o = l.out_offset[i], n = l.frames[i].header.original_size;
                int partial = o < j.ss || o + n > j.se;
                if (partial && n <= RANGE_FRAME_MAX && !(k && j.last == j.first))
                    ok = range_buffer(dec, k, n ? (size_t)n : 1) != NULL;
            }
            size_t tasks = j.last - j.first + 1;
            if (ok && s4c_object_decoder_ensure_pool(dec, tasks) != S4C_OK) ok = 0;
            if (ok) s4c_pool_run(dec->pool, tasks, range_task, &j);
            ok = ok && !atomic_load(&j.failed);
        }
        frame_list_free(&l);
        if (ok) {
            if (written_ret) *written_ret = (size_t)want;
            return S4C_OK;
        }
    }
    uint8_t *tmp = s4c_malloc((size_t)total);
    if (!tmp) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    st = s4c_object_decoder_decode(dec, fetched, fetched_size, tmp, (size_t)total, NULL, NULL, d);
    if (st == S4C_OK) {
        memcpy(dst, tmp + plan->slice_start, (size_t)want);
        if (written_ret) *written_ret = (size_t)want;
    }
    s4c_free(tmp);
    return st;
}

s4c_status s4c_object_decode(const void *body, size_t size, const s4c_object_decode_options *o,
                             void *dst, size_t cap, size_t *written_ret, s4c_object_info *info,
                             s4c_error_detail *d) {
    s4c_object_decoder *dec = NULL;
    S4C_TRY(s4c_object_decoder_create(o, &dec, d));
    s4c_status st = s4c_object_decoder_decode(dec, body, size, dst, cap, written_ret, info, d);
    s4c_object_decoder_free(dec);
    return st;
}
