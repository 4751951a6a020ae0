/*
 * ckindex_read.c — what an index is for: checking it belongs to a stream,
 * random-access reads, and parallel decoding with output in order.
 *
 * A "segment" is the output between entry i and entry i + 1 (the last one
 * runs to the end of the stream). Decoding segment i starts from entry i's
 * state (entry 0: a fresh decoder), is fed from entry i's compressed offset,
 * and must deliver exactly uoff[i + 1] - uoff[i] bytes: the next checkpoint's
 * offset is verified, and the last segment must end the stream cleanly.
 */
#include <pthread.h>
#include <unistd.h>
#include <xxhash.h>

#include "ckindex_internal.h"

#define READ_CHUNK ((size_t)256 << 10)   /* compressed bytes per read call */
#define SKIP_CHUNK ((size_t)256 << 10)   /* scratch for output before the range */
#define PAR_CHUNK ((size_t)1 << 20)      /* output hand-off unit of parallel decoding */
#define PAR_TASK_CAP ((size_t)8 << 20)   /* buffered output per task ahead of the writer */

/* ----------------------------------------------------------- stream checks */

static s4c_status read_exact(s4c_read_at_fn read, void *ctx, uint64_t off, void *buf, size_t n,
                             size_t *got, s4c_error_detail *d) {
    *got = 0;
    s4c_status st = read(ctx, off, buf, n, got);
    if (st != S4C_OK)
        return s4c_fail(d, st, "reading the stream at offset %llu failed: %s",
                        (unsigned long long)off, s4c_strerror(st));
    return S4C_OK;
}

/* Reads the stream's first fp_len bytes into head (S4C_FINGERPRINT_BYTES). */
static s4c_status read_head(const s4c_ckindex *ix, s4c_read_at_fn read, void *ctx,
                            uint8_t *head, s4c_error_detail *d) {
    size_t got = 0;
    S4C_TRY(read_exact(read, ctx, 0, head, ix->fp_len, &got, d));
    if (got < ix->fp_len)
        return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                        "the index belongs to another stream: it covers %llu compressed bytes, "
                        "the stream has %zu", (unsigned long long)ix->compressed_size, got);
    return S4C_OK;
}

s4c_status s4c_ckindex_check_stream(const s4c_ckindex *ix, s4c_read_at_fn read, void *ctx,
                                    s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!ix || !read, S4C_ERROR_INVALID_ARGUMENT);
    uint8_t head[S4C_FINGERPRINT_BYTES];
    S4C_TRY(read_head(ix, read, ctx, head, d));
    if (XXH64(head, ix->fp_len, 0) != ix->fp)
        return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                        "the index belongs to another stream (the fingerprint of the first %u "
                        "bytes differs)", ix->fp_len);
    /* Size: the last byte exists and nothing follows it. */
    uint8_t two[2];
    size_t got = 0;
    S4C_TRY(read_exact(read, ctx, ix->compressed_size - 1, two, 2, &got, d));
    if (got != 1)
        return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                        "the index belongs to another stream: it covers %llu compressed bytes, "
                        "the stream is %s", (unsigned long long)ix->compressed_size,
                        got ? "longer" : "shorter");
    return S4C_OK;
}

/* ---------------------------------------------------------- segment decoder */

typedef struct segment {
    const s4c_ckindex *ix;
    s4c_read_at_fn read;
    void *ctx;
    const uint8_t *head;
    size_t entry;
    s4c_decoder *dec;
    uint8_t *in;          /* in_cap bytes */
    size_t in_cap;
    s4c_in_buffer ib;
    uint64_t next_read;   /* stream offset after in[0..ib.size) */
    int eof;
    uint64_t produced;    /* absolute output offset reached */
    uint64_t end;         /* where the segment(s) decoded must end */
    int last;             /* the segment runs to the end of the stream */
    size_t end_entry;     /* the entry where it ends (count: the stream's end) */
    uint64_t in_limit;    /* input is read up to here (UINT64_MAX: the stream's end) */
    int end_checked;      /* the boundary check at end_entry passed */
} segment;

static s4c_status seg_decoder_error(segment *s, s4c_status st, s4c_error_detail *d) {
    const s4c_error_detail *e = s4c_decoder_error(s->dec);
    if (d && e && e->status != S4C_OK) {
        *d = *e;
        return e->status;
    }
    return s4c_fail(d, st, "%s", s4c_strerror(st));
}

/* Starts decoding at entry i; the segment(s) decoded end at entry last_entry
 * (exclusive; count = to the end of the stream). */
static s4c_status seg_open(segment *s, const s4c_ckindex *ix, s4c_read_at_fn read, void *ctx,
                           const uint8_t *head, size_t i, size_t end_entry, size_t in_cap,
                           s4c_error_detail *d) {
    memset(s, 0, sizeof(*s));
    s->ix = ix;
    s->read = read;
    s->ctx = ctx;
    s->head = head;
    s->entry = i;
    s->in_cap = in_cap;
    s->in = s4c_malloc(in_cap);
    if (!s->in) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    if (ix->slen[i])
        S4C_TRY(s4c_decoder_load(ix->blobs + ix->soff[i], ix->slen[i], head, ix->fp_len, &o,
                                 &s->dec, d));
    else
        S4C_TRY(s4c_decoder_create(ix->kind, &o, &s->dec, d));
    s->ib.src = s->in;
    s->next_read = ix->coff[i];
    s->produced = ix->uoff[i];
    s->last = end_entry >= ix->count;
    s->end_entry = end_entry;
    s->end = s->last ? ix->uncompressed_size : ix->uoff[end_entry];
    /* Everything before the next checkpoint comes from the bytes before it: a
     * segment reads no further (gzip: the byte holding the boundary bit and a
     * few more, for the decoder's bit reader). */
    s->in_limit = s->last ? UINT64_MAX
                          : ix->coff[end_entry] + (ix->kind == S4C_KIND_CPU_GZIP ? 8 : 0);
    return S4C_OK;
}

static s4c_status seg_refill(segment *s, s4c_error_detail *d) {
    size_t got = 0, want = s->in_cap;
    if (s->in_limit - s->next_read < want) want = (size_t)(s->in_limit - s->next_read);
    if (want) S4C_TRY(read_exact(s->read, s->ctx, s->next_read, s->in, want, &got, d));
    s->next_read += got;
    s->eof = got < want || s->next_read == s->in_limit;
    s->ib.size = got;
    s->ib.pos = 0;
    return S4C_OK;
}

/*
 * A segment that delivered all its output must end where the next entry
 * starts. Its input stops at the next entry's compressed offset. lz4 and zstd
 * checkpoints are byte-aligned (block and frame boundaries): given every byte
 * up to there, the decoder must produce nothing more and have consumed them
 * all. (A zstd seek table or a forged index that misplaces a boundary fails
 * here, or runs out of input early, instead of giving wrong bytes.) gzip
 * checkpoints are bit positions: there the segment's output count, from input
 * that ends a few bytes past the boundary, is what is checked.
 */
static s4c_status seg_check_end(segment *s, s4c_error_detail *d) {
    s->end_checked = 1;
    if (s->ix->kind == S4C_KIND_CPU_GZIP) return S4C_OK;
    uint64_t limit = s->ix->coff[s->end_entry];
    for (;;) {
        if (s->ib.pos == s->ib.size) {
            if (s->eof) break;
            S4C_TRY(seg_refill(s, d));
            continue;
        }
        size_t before = s->ib.pos;
        uint8_t spare;
        s4c_out_buffer ob = {&spare, 1, 0};
        s4c_status st = s4c_decoder_stream(s->dec, &s->ib, &ob, NULL);
        if (st != S4C_OK) return seg_decoder_error(s, st, d);
        if (ob.pos)
            return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                            "entry %zu is not where the stream's checkpoint is: more output comes "
                            "before its compressed offset %llu", s->end_entry,
                            (unsigned long long)limit);
        if (s->ib.pos == before) break; /* nothing more taken */
    }
    s4c_decoder_position pos;
    S4C_TRY(s4c_decoder_get_position(s->dec, &pos));
    if (pos.consumed != limit || pos.produced != s->end)
        return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                        "entry %zu is not where the stream's checkpoint is: the previous segment "
                        "ends at %llu/%llu, the entry says %llu/%llu", s->end_entry,
                        (unsigned long long)pos.consumed, (unsigned long long)pos.produced,
                        (unsigned long long)limit, (unsigned long long)s->end);
    return S4C_OK;
}

static void seg_close(segment *s) {
    s4c_decoder_free(s->dec);
    s4c_free(s->in);
    s->dec = NULL;
    s->in = NULL;
}

/*
 * Decodes up to `cap` bytes of output into dst (never past s->end); *n is
 * what came. *n == 0 only when the segment is complete (checked: exact end
 * offset, and for the last segment a clean end of stream).
 */
static s4c_status seg_next(segment *s, uint8_t *dst, size_t cap, size_t *n,
                           s4c_error_detail *d) {
    *n = 0;
    uint64_t left = s->end - s->produced;
    if (cap > left) cap = (size_t)left;
    for (;;) {
        if (cap == 0 && !s->last) return s->end_checked ? S4C_OK : seg_check_end(s, d);
        if (s->ib.pos == s->ib.size && !s->eof) S4C_TRY(seg_refill(s, d));
        /* At the stream's end the last segment gets a 1-byte window past its
         * size so extra output (a stream longer than the index says) shows. */
        uint8_t spare;
        s4c_out_buffer ob = {cap ? dst : &spare, cap ? cap : 1, 0};
        size_t before = s->ib.pos;
        s4c_status st = s4c_decoder_stream(s->dec, &s->ib, &ob, NULL);
        if (st != S4C_OK) return seg_decoder_error(s, st, d);
        if (!cap && ob.pos)
            return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                            "the stream holds more than the %llu bytes the index says",
                            (unsigned long long)s->ix->uncompressed_size);
        s->produced += ob.pos;
        if (ob.pos) {
            *n = ob.pos;
            return S4C_OK;
        }
        if (s->ib.pos == before && s->ib.pos == s->ib.size && s->eof) {
            /* The input is exhausted and nothing more comes. */
            if (s->produced < s->end && s->last)
                return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                                "the stream ended at output byte %llu, the index expects %llu "
                                "(entry %zu)", (unsigned long long)s->produced,
                                (unsigned long long)s->end, s->entry);
            if (s->produced < s->end)
                return s4c_fail(d, S4C_ERROR_STATE_FOREIGN,
                                "entry %zu is not where the stream's checkpoint is: the output "
                                "reaches only %llu of %llu by its compressed offset %llu",
                                s->end_entry, (unsigned long long)s->produced,
                                (unsigned long long)s->end,
                                (unsigned long long)s->ix->coff[s->end_entry]);
            if (s4c_decoder_finish(s->dec) != S4C_OK)
                return seg_decoder_error(s, S4C_ERROR_TRUNCATED_INPUT, d);
            return S4C_OK;
        }
        if (s->ib.pos == before && s->ib.pos < s->ib.size)
            return s4c_fail(d, S4C_ERROR_BACKEND, "the decoder made no progress");
    }
}

/* ------------------------------------------------------------ random access */

/* The arguments of a read: S4C_OK with *len clamped to the stream's end (0:
 * nothing to read), or an error. Clears *got and the detail. */
static s4c_status read_args(const s4c_ckindex *ix, s4c_read_at_fn read, uint64_t offset,
                            const void *dst, size_t *len, size_t *got, s4c_error_detail *d) {
    s4c_detail_clear(d);
    if (got) *got = 0;
    S4C_RETURN_IF(!ix || !read || !got || (!dst && *len), S4C_ERROR_INVALID_ARGUMENT);
    if (offset >= ix->uncompressed_size)
        *len = 0;
    else if (*len > ix->uncompressed_size - offset)
        *len = (size_t)(ix->uncompressed_size - offset);
    return S4C_OK;
}

s4c_status s4c_ckindex_read(const s4c_ckindex *ix, s4c_read_at_fn read, void *ctx,
                            uint64_t offset, void *dst, size_t len, size_t *got,
                            s4c_error_detail *d) {
    S4C_TRY(read_args(ix, read, offset, dst, &len, got, d));
    if (len == 0) return S4C_OK;
    size_t i = s4c_cki_find(ix, offset);
    uint8_t head[S4C_FINGERPRINT_BYTES];
    if (ix->slen[i]) S4C_TRY(read_head(ix, read, ctx, head, d));
    /* Decode up to the entry after the range's end (verified there). */
    size_t end_entry = s4c_cki_find(ix, offset + len - 1) + 1;
    segment s;
    s4c_status st = seg_open(&s, ix, read, ctx, head, i, end_entry, READ_CHUNK, d);
    uint8_t *scratch = NULL;
    if (st == S4C_OK && s.produced < offset) {
        scratch = s4c_malloc(SKIP_CHUNK);
        if (!scratch) st = s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    while (st == S4C_OK && s.produced < offset) {
        uint64_t left = offset - s.produced;
        size_t n = 0;
        st = seg_next(&s, scratch, left < SKIP_CHUNK ? (size_t)left : SKIP_CHUNK, &n, d);
        if (st == S4C_OK && n == 0) st = s4c_fail(d, S4C_ERROR_BACKEND, "no output");
    }
    uint8_t *out = dst;
    size_t done = 0;
    while (st == S4C_OK && done < len) {
        size_t n = 0;
        st = seg_next(&s, out + done, len - done, &n, d);
        if (st == S4C_OK && n == 0) st = s4c_fail(d, S4C_ERROR_BACKEND, "no output");
        done += n;
    }
    s4c_free(scratch);
    seg_close(&s);
    *got = done;
    return st;
}

/* --------------------------------------------------------- parallel decode */

typedef struct chunk {
    struct chunk *next;
    size_t n;
    uint8_t data[];
} chunk;

typedef struct task {
    chunk *first, *last;
    size_t buffered;
    int done;
    s4c_status status;
    s4c_error_detail detail;
} task;

typedef struct par {
    const s4c_ckindex *ix;
    s4c_read_at_fn read;
    void *ctx;
    const uint8_t *head;
    s4c_write_fn write;
    void *wctx;
    pthread_mutex_t mu;
    pthread_cond_t cv_work;   /* workers wait: window full or task buffer full */
    pthread_cond_t cv_done;   /* the caller waits: everything written, or a failure */
    task *tasks;
    size_t n_tasks;
    size_t next_task;         /* next task to claim */
    size_t head_task;         /* task being written */
    size_t window;            /* tasks claimed at most this far ahead of head_task */
    int writing;              /* a worker holds the writer role */
    int abort;
    s4c_status status;        /* the first failure (task or write), in output order */
    s4c_error_detail detail;
    chunk *spare;             /* written chunks, reused (no page faults per chunk) */
} par;

static chunk *par_chunk_get(par *p) {
    pthread_mutex_lock(&p->mu);
    chunk *c = p->spare;
    if (c) p->spare = c->next;
    pthread_mutex_unlock(&p->mu);
    if (!c) c = s4c_malloc(sizeof(chunk) + PAR_CHUNK);
    if (c) {
        c->next = NULL;
        c->n = 0;
    }
    return c;
}

/* Called with p->mu held. */
static void par_chunk_put(par *p, chunk *c) {
    c->next = p->spare;
    p->spare = c;
}

static void free_chunks(chunk *c) {
    while (c) {
        chunk *next = c->next;
        s4c_free(c);
        c = next;
    }
}

/*
 * The writer role, taken by whichever worker just queued output or finished
 * a task (called with p->mu held; returns with it held): writes every chunk
 * that is next in output order, advancing over finished tasks, and gives the
 * role up when the head task has nothing queued. No thread does only
 * writing, so on N cores N workers decode; the head task's worker usually
 * writes its own chunk while it is still in cache.
 */
static void par_flush(par *p) {
    if (p->writing) return;
    p->writing = 1;
    while (!p->abort && p->head_task < p->n_tasks) {
        task *tk = &p->tasks[p->head_task];
        if (tk->first) {
            chunk *c = tk->first;
            tk->first = c->next;
            if (!tk->first) tk->last = NULL;
            tk->buffered -= c->n;
            pthread_cond_broadcast(&p->cv_work);
            pthread_mutex_unlock(&p->mu);
            s4c_status ws = p->write(p->wctx, c->data, c->n);
            pthread_mutex_lock(&p->mu);
            par_chunk_put(p, c);
            if (ws != S4C_OK) {
                p->status = s4c_fail(&p->detail, ws, "writing the output failed");
                p->abort = 1;
            }
        } else if (tk->done) {
            if (tk->status != S4C_OK) {
                p->status = tk->status;
                p->detail = tk->detail;
                p->abort = 1;
                break;
            }
            p->head_task++;
            pthread_cond_broadcast(&p->cv_work);
        } else {
            break;
        }
    }
    p->writing = 0;
    if (p->abort || p->head_task >= p->n_tasks) {
        pthread_cond_broadcast(&p->cv_work);
        pthread_cond_broadcast(&p->cv_done);
    }
}

static void *par_worker(void *arg) {
    par *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->abort && p->next_task < p->n_tasks && p->next_task >= p->head_task + p->window)
            pthread_cond_wait(&p->cv_work, &p->mu);
        if (p->abort || p->next_task >= p->n_tasks) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        size_t t = p->next_task++;
        pthread_mutex_unlock(&p->mu);

        task *tk = &p->tasks[t];
        s4c_error_detail d;
        s4c_detail_clear(&d);
        segment s;
        s4c_status st = seg_open(&s, p->ix, p->read, p->ctx, p->head, t, t + 1, READ_CHUNK, &d);
        while (st == S4C_OK) {
            chunk *c = par_chunk_get(p);
            if (!c) {
                st = s4c_fail(&d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
                break;
            }
            while (st == S4C_OK && c->n < PAR_CHUNK) {
                size_t n = 0;
                st = seg_next(&s, c->data + c->n, PAR_CHUNK - c->n, &n, &d);
                if (n == 0) break;
                c->n += n;
            }
            if (st != S4C_OK || c->n == 0) {
                pthread_mutex_lock(&p->mu);
                par_chunk_put(p, c);
                pthread_mutex_unlock(&p->mu);
                break;
            }
            pthread_mutex_lock(&p->mu);
            while (!p->abort && t != p->head_task && tk->buffered >= PAR_TASK_CAP)
                pthread_cond_wait(&p->cv_work, &p->mu);
            if (p->abort) {
                par_chunk_put(p, c);
                pthread_mutex_unlock(&p->mu);
                break;
            }
            if (tk->last)
                tk->last->next = c;
            else
                tk->first = c;
            tk->last = c;
            tk->buffered += c->n;
            if (t == p->head_task) par_flush(p);
            pthread_mutex_unlock(&p->mu);
        }
        seg_close(&s);
        pthread_mutex_lock(&p->mu);
        tk->done = 1;
        tk->status = st;
        if (st != S4C_OK) tk->detail = d;
        par_flush(p);
        pthread_mutex_unlock(&p->mu);
    }
}

static unsigned cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1u;
}

/* The threads to use for `tasks` units of work: 0 = every CPU, at most 256,
 * never more than the tasks. */
static unsigned thread_count(unsigned threads, size_t tasks) {
    if (threads == 0) threads = cpu_count();
    if (threads > 256) threads = 256;
    if (threads > tasks) threads = (unsigned)tasks;
    return threads;
}

/* One thread: a plain streaming decode from the start, checked at the end. */
static s4c_status decode_serial(const s4c_ckindex *ix, s4c_read_at_fn read, void *ctx,
                                s4c_write_fn write, void *wctx, s4c_error_detail *d) {
    uint8_t *buf = s4c_malloc(PAR_CHUNK);
    S4C_RETURN_IF(!buf, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    segment s;
    s4c_status st = seg_open(&s, ix, read, ctx, NULL, 0, ix->count, READ_CHUNK, d);
    while (st == S4C_OK) {
        size_t n = 0;
        st = seg_next(&s, buf, PAR_CHUNK, &n, d);
        if (st != S4C_OK || n == 0) break;
        st = write(wctx, buf, n);
        if (st != S4C_OK) s4c_fail(d, st, "writing the output failed");
    }
    seg_close(&s);
    s4c_free(buf);
    return st;
}

s4c_status s4c_ckindex_decode_parallel(const s4c_ckindex *ix, s4c_read_at_fn read, void *ctx,
                                       unsigned threads, s4c_write_fn write, void *wctx,
                                       s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!ix || !read || !write, S4C_ERROR_INVALID_ARGUMENT);
    threads = thread_count(threads, ix->count);
    if (threads <= 1) return decode_serial(ix, read, ctx, write, wctx, d);

    uint8_t head[S4C_FINGERPRINT_BYTES];
    S4C_TRY(read_head(ix, read, ctx, head, d));
    par p;
    memset(&p, 0, sizeof(p));
    p.ix = ix;
    p.read = read;
    p.ctx = ctx;
    p.head = head;
    p.write = write;
    p.wctx = wctx;
    p.n_tasks = ix->count;
    p.window = 2 * (size_t)threads;
    p.tasks = s4c_calloc(p.n_tasks, sizeof(task));
    pthread_t *tid = s4c_calloc(threads, sizeof(pthread_t));
    if (!p.tasks || !tid) {
        s4c_free(p.tasks);
        s4c_free(tid);
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv_work, NULL);
    pthread_cond_init(&p.cv_done, NULL);
    unsigned started = 0;
    for (; started < threads; started++)
        if (pthread_create(&tid[started], NULL, par_worker, &p) != 0) break;
    s4c_status st = S4C_OK;

    /* The workers decode and write; this thread waits for the end. */
    pthread_mutex_lock(&p.mu);
    if (!started) {
        p.status = s4c_fail(&p.detail, S4C_ERROR_BACKEND, "cannot start threads");
        p.abort = 1;
    }
    while (!p.abort && p.head_task < p.n_tasks) pthread_cond_wait(&p.cv_done, &p.mu);
    p.abort = 1;
    st = p.status;
    if (st != S4C_OK && d) *d = p.detail;
    pthread_cond_broadcast(&p.cv_work);
    pthread_mutex_unlock(&p.mu);
    for (unsigned i = 0; i < started; i++) pthread_join(tid[i], NULL);
    for (size_t t = 0; t < p.n_tasks; t++) free_chunks(p.tasks[t].first);
    free_chunks(p.spare);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv_work);
    pthread_cond_destroy(&p.cv_done);
    s4c_free(p.tasks);
    s4c_free(tid);
    return st;
}

/* ------------------------------------------------------ decode into memory */

/*
 * Every segment decodes straight into its place in the caller's buffer
 * (entry i's output starts at dst + uoff[i] - offset), so nothing is copied
 * and no order is kept between workers. A segment's compressed bytes are read
 * in one call (up to INTO_READ_MAX), which lets the codecs take their direct
 * paths: a whole zstd frame, a whole lz4 block, decoded in place. Output of
 * the first segment before lo goes through a scratch buffer. Every segment
 * the range runs past is checked at its end (its successor's entry); the
 * range's last segment stops at hi, as s4c_ckindex_read does, unless to_end
 * (decode_into: the whole stream, checked to its clean end).
 */
#define INTO_READ_MAX ((size_t)64 << 20)

typedef struct into {
    const s4c_ckindex *ix;
    s4c_read_at_fn read;
    void *ctx;
    const uint8_t *head;
    uint8_t *dst;             /* output byte lo goes to dst[0] (NULL: write_at) */
    s4c_write_at_fn write_at; /* else: each worker's buffer is handed to it */
    void *wctx;
    uint64_t lo, hi;
    int to_end;               /* decode the range's last segment to its end (and check it) */
    pthread_mutex_t mu;
    size_t next_task, end_task;
    size_t failed_task;       /* the first failing task in output order (end_task: none) */
    s4c_status status;
    s4c_error_detail detail;
} into;

/* A worker's output buffer in write_at mode: grown to the segment's output
 * size (at most WRITE_AT_MAX), so that the codecs' direct paths still apply. */
#define WRITE_AT_MAX ((size_t)8 << 20)
typedef struct wbuf {
    uint8_t *p;
    size_t cap, fill;
    uint64_t at;              /* output offset of p[0] */
} wbuf;

static s4c_status wbuf_flush(into *p, wbuf *w, s4c_error_detail *d) {
    if (!w->fill) return S4C_OK;
    s4c_status ws = p->write_at(p->wctx, w->at, w->p, w->fill);
    w->at += w->fill;
    w->fill = 0;
    if (ws != S4C_OK) return s4c_fail(d, ws, "writing the output failed");
    return S4C_OK;
}

static s4c_status into_task(into *p, size_t t, wbuf *w, s4c_error_detail *d) {
    const s4c_ckindex *ix = p->ix;
    uint64_t end_c = t + 1 < ix->count ? ix->coff[t + 1] + 8 : ix->compressed_size;
    uint64_t span = end_c > ix->coff[t] ? end_c - ix->coff[t] : 1;
    size_t in_cap = span < INTO_READ_MAX ? (size_t)span : INTO_READ_MAX;
    if (in_cap < READ_CHUNK) in_cap = READ_CHUNK;
    segment s;
    uint8_t *scratch = NULL;
    s4c_status st = seg_open(&s, ix, p->read, p->ctx, p->head, t, t + 1, in_cap, d);
    while (st == S4C_OK) {
        uint64_t pos = s.produced;
        uint8_t *out;
        size_t cap;
        int to_w = 0; /* decoding into the worker's write_at buffer */
        if (pos >= p->hi && pos < s.end && !p->to_end) break; /* as s4c_ckindex_read */
        if (pos >= p->lo && pos < p->hi && p->write_at) {
            uint64_t stop = p->hi < s.end ? p->hi : s.end;
            if (!w->p) {
                uint64_t seg = s.end - pos;
                size_t want = seg < WRITE_AT_MAX ? (size_t)seg : WRITE_AT_MAX;
                if (want < SKIP_CHUNK) want = SKIP_CHUNK;
                if (!(w->p = s4c_malloc(want))) {
                    st = s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
                    break;
                }
                w->cap = want;
            }
            if (!w->fill) w->at = pos;
            to_w = 1;
            out = w->p + w->fill;
            cap = w->cap - w->fill;
            if (stop - pos < cap) cap = (size_t)(stop - pos);
        } else if (pos >= p->lo && pos < p->hi) {
            out = p->dst + (pos - p->lo);
            cap = (size_t)((p->hi < s.end ? p->hi : s.end) - pos);
        } else {
            if (!scratch && !(scratch = s4c_malloc(SKIP_CHUNK))) {
                st = s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
                break;
            }
            uint64_t stop = pos < p->lo ? p->lo : s.end;
            out = scratch;
            cap = stop - pos < SKIP_CHUNK ? (size_t)(stop - pos) : SKIP_CHUNK;
        }
        size_t n = 0;
        st = seg_next(&s, out, cap, &n, d);
        if (to_w && n) {
            w->fill += n;
            uint64_t stop = p->hi < s.end ? p->hi : s.end;
            if (st == S4C_OK && (w->fill == w->cap || pos + n == stop)) st = wbuf_flush(p, w, d);
        }
        if (n == 0) break;
        pthread_mutex_lock(&p->mu);
        int stop = p->failed_task < t;
        pthread_mutex_unlock(&p->mu);
        if (stop) break; /* an earlier segment failed: its error is the one reported */
    }
    w->fill = 0; /* a failed segment's unwritten bytes are dropped */
    s4c_free(scratch);
    seg_close(&s);
    return st;
}

static void *into_worker(void *arg) {
    into *p = arg;
    wbuf w = {NULL, 0, 0, 0};
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t t = p->next_task;
        if (t >= p->end_task || p->failed_task < t) {
            pthread_mutex_unlock(&p->mu);
            s4c_free(w.p);
            return NULL;
        }
        p->next_task++;
        pthread_mutex_unlock(&p->mu);
        s4c_error_detail d;
        s4c_detail_clear(&d);
        s4c_status st = into_task(p, t, &w, &d);
        if (st != S4C_OK) {
            pthread_mutex_lock(&p->mu);
            if (t < p->failed_task) {
                p->failed_task = t;
                p->status = st;
                p->detail = d;
            }
            pthread_mutex_unlock(&p->mu);
        }
    }
}

/* Decodes output [lo, hi) (within the stream; lo == hi only for an empty
 * stream, which is still decoded and checked) into dst on up to `threads`
 * threads, the caller's among them. */
static s4c_status decode_range_into(const s4c_ckindex *ix, s4c_read_at_fn read, void *ctx,
                                    unsigned threads, uint64_t lo, uint64_t hi, int to_end,
                                    uint8_t *dst, s4c_write_at_fn write_at, void *wctx,
                                    s4c_error_detail *d) {
    into p;
    memset(&p, 0, sizeof(p));
    p.to_end = to_end;
    p.write_at = write_at;
    p.wctx = wctx;
    p.next_task = s4c_cki_find(ix, lo);
    p.end_task = hi > lo ? s4c_cki_find(ix, hi - 1) + 1 : p.next_task + 1;
    size_t tasks = p.end_task - p.next_task;
    threads = thread_count(threads, tasks);
    uint8_t head[S4C_FINGERPRINT_BYTES];
    int need_head = 0;
    for (size_t t = p.next_task; t < p.end_task && !need_head; t++) need_head = ix->slen[t] != 0;
    if (need_head) S4C_TRY(read_head(ix, read, ctx, head, d));
    p.ix = ix;
    p.read = read;
    p.ctx = ctx;
    p.head = head;
    p.dst = dst;
    p.lo = lo;
    p.hi = hi;
    p.failed_task = p.end_task;
    pthread_mutex_init(&p.mu, NULL);
    pthread_t *tid = threads > 1 ? s4c_calloc(threads - 1, sizeof(pthread_t)) : NULL;
    unsigned started = 0;
    if (tid)
        for (; started < threads - 1; started++)
            if (pthread_create(&tid[started], NULL, into_worker, &p) != 0) break;
    into_worker(&p); /* the calling thread is a worker too */
    for (unsigned i = 0; i < started; i++) pthread_join(tid[i], NULL);
    s4c_free(tid);
    pthread_mutex_destroy(&p.mu);
    if (p.status != S4C_OK && d) *d = p.detail;
    return p.status;
}

s4c_status s4c_ckindex_decode_into(const s4c_ckindex *ix, s4c_read_at_fn read, void *ctx,
                                   unsigned threads, void *dst, size_t cap,
                                   s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!ix || !read || (!dst && cap), S4C_ERROR_INVALID_ARGUMENT);
    if (ix->uncompressed_size > cap)
        return s4c_fail(d, S4C_ERROR_DST_TOO_SMALL,
                        "the stream decodes to %llu bytes, the buffer holds %zu",
                        (unsigned long long)ix->uncompressed_size, cap);
    return decode_range_into(ix, read, ctx, threads, 0, ix->uncompressed_size, 1, dst, NULL,
                             NULL, d);
}

s4c_status s4c_ckindex_read_parallel(const s4c_ckindex *ix, s4c_read_at_fn read, void *ctx,
                                     uint64_t offset, void *dst, size_t len, unsigned threads,
                                     size_t *got, s4c_error_detail *d) {
    S4C_TRY(read_args(ix, read, offset, dst, &len, got, d));
    if (len == 0) return S4C_OK;
    /* Inside one segment there is nothing to share out: the serial read,
     * which reads the input in 256 KiB steps and stops at the range's end. */
    if (s4c_cki_find(ix, offset) == s4c_cki_find(ix, offset + len - 1))
        return s4c_ckindex_read(ix, read, ctx, offset, dst, len, got, d);
    S4C_TRY(decode_range_into(ix, read, ctx, threads, offset, offset + len, 0, dst, NULL, NULL,
                              d));
    *got = len;
    return S4C_OK;
}

s4c_status s4c_ckindex_decode_at(const s4c_ckindex *ix, s4c_read_at_fn read, void *ctx,
                                 unsigned threads, s4c_write_at_fn write_at, void *write_ctx,
                                 s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!ix || !read || !write_at, S4C_ERROR_INVALID_ARGUMENT);
    return decode_range_into(ix, read, ctx, threads, 0, ix->uncompressed_size, 1, NULL, write_at,
                             write_ctx, d);
}
