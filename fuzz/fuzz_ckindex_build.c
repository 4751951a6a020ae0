/*
 * fuzz_ckindex_build.c — any byte string as a stream to index (lz4, gzip,
 * zstd; a zstd seek table takes the no-decode fast path). The first byte
 * picks the spacing (1 << (b % 20)), the rest is the stream.
 *
 * A failed build leaves no index. A built index encodes and decodes back to
 * the same bytes and belongs to the stream (check_stream). For lz4 and gzip
 * (scanned) and a stream that decodes straight: the index's size is the
 * decoded size, parallel decoding (1 and 3 threads) and a random read
 * succeed with the same bytes. For zstd the index may come from a seek table
 * that lies (damaged frames, sizes of frames without a content size): then
 * reads may fail or, reading one frame locally, return a misplaced frame's
 * bytes (documented); a parallel decode that succeeds must give the straight
 * decode's bytes (segment ends are checked).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "s4codec.h"
#include "s4codec_resume.h"

#define REQUIRE(c)                                                                                 \
    do {                                                                                           \
        if (!(c)) abort();                                                                         \
    } while (0)

#define MAX_OUT ((size_t)8 << 20)

typedef struct mem {
    const uint8_t *p;
    size_t n;
} mem;

static s4c_status mem_read(void *ctx, uint64_t off, void *buf, size_t len, size_t *got) {
    const mem *m = ctx;
    *got = 0;
    if (off >= m->n) return S4C_OK;
    size_t k = m->n - (size_t)off < len ? m->n - (size_t)off : len;
    memcpy(buf, m->p + off, k);
    *got = k;
    return S4C_OK;
}

typedef struct sink {
    uint8_t *p;
    size_t n, cap;
} sink;

static s4c_status sink_write(void *ctx, const void *buf, size_t len) {
    sink *s = ctx;
    if (len > s->cap - s->n) return S4C_ERROR_DST_TOO_SMALL;
    memcpy(s->p + s->n, buf, len);
    s->n += len;
    return S4C_OK;
}

/* A plain streaming decode, capped at MAX_OUT; 1 when it succeeded. */
static int straight_decode(uint32_t kind, const uint8_t *p, size_t n, sink *out) {
    s4c_decoder *dec = NULL;
    if (s4c_decoder_create(kind, NULL, &dec, NULL) != S4C_OK) return 0;
    s4c_in_buffer in = {p, n, 0};
    int ok = 1;
    for (;;) {
        if (out->n == out->cap) {
            ok = 0;
            break;
        }
        s4c_out_buffer ob = {out->p + out->n, out->cap - out->n, 0};
        size_t before = in.pos;
        if (s4c_decoder_stream(dec, &in, &ob, NULL) != S4C_OK) {
            ok = 0;
            break;
        }
        out->n += ob.pos;
        if (ob.pos == 0 && in.pos == before) break;
    }
    ok = ok && in.pos == in.size && s4c_decoder_finish(dec) == S4C_OK;
    s4c_decoder_free(dec);
    return ok;
}

/* A positional sink; called from several threads (counters under a lock). */
typedef struct at_sink {
    uint8_t *p;
    size_t cap;
    uint64_t bytes;
    int outside;
} at_sink;
static pthread_mutex_t at_mu = PTHREAD_MUTEX_INITIALIZER;

static s4c_status at_write(void *ctx, uint64_t off, const void *buf, size_t len) {
    at_sink *k = ctx;
    pthread_mutex_lock(&at_mu);
    if (off > k->cap || len > k->cap - off) {
        k->outside = 1;
    } else {
        memcpy(k->p + off, buf, len);
        k->bytes += len;
    }
    pthread_mutex_unlock(&at_mu);
    return S4C_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    uint64_t spacing = (uint64_t)1 << (data[0] % 20);
    mem m = {data + 1, size - 1};
    s4c_ckindex *ix = NULL;
    s4c_error_detail d;
    s4c_status st = s4c_ckindex_build(mem_read, &m, spacing, &ix, &d);
    if (st != S4C_OK) {
        REQUIRE(ix == NULL);
        return 0;
    }
    REQUIRE(s4c_ckindex_compressed_size(ix) == m.n);
    REQUIRE(s4c_ckindex_check_stream(ix, mem_read, &m, &d) == S4C_OK);
    size_t len = 0;
    s4c_ckindex_encode(ix, NULL, 0, &len);
    uint8_t *enc = malloc(len), *enc2 = malloc(len);
    REQUIRE(enc && enc2);
    REQUIRE(s4c_ckindex_encode(ix, enc, len, &len) == S4C_OK);
    s4c_ckindex *back = NULL;
    REQUIRE(s4c_ckindex_decode(enc, len, &back, &d) == S4C_OK);
    size_t len2 = 0;
    REQUIRE(s4c_ckindex_encode(back, enc2, len, &len2) == S4C_OK && len2 == len);
    REQUIRE(memcmp(enc, enc2, len) == 0);
    s4c_ckindex_free(back);
    free(enc);
    free(enc2);

    uint64_t usize = s4c_ckindex_uncompressed_size(ix);
    uint32_t kind = s4c_ckindex_kind(ix);
    sink plain = {malloc(MAX_OUT), 0, MAX_OUT};
    REQUIRE(plain.p);
    int ok = straight_decode(kind, m.p, m.n, &plain);
    /* A scanned index of a stream that decodes describes it exactly; a zstd
     * seek table (fast path) may lie about sizes, which reads then catch. */
    if (ok && kind != S4C_KIND_CPU_ZSTD) REQUIRE(plain.n == usize);
    if (usize <= MAX_OUT) {
        sink par = {malloc(usize ? (size_t)usize : 1), 0, (size_t)usize};
        REQUIRE(par.p);
        for (unsigned t = 1; t <= 3; t += 2) {
            par.n = 0;
            st = s4c_ckindex_decode_parallel(ix, mem_read, &m, t, sink_write, &par, &d);
            if (ok && kind != S4C_KIND_CPU_ZSTD) REQUIRE(st == S4C_OK);
            /* success implies the right bytes */
            if (st == S4C_OK) {
                REQUIRE(ok && par.n == usize && plain.n == usize);
                REQUIRE(memcmp(par.p, plain.p, par.n) == 0);
            }
            /* decode_into: success where a straight decode succeeds, and the right bytes */
            uint8_t *into = malloc(usize ? (size_t)usize : 1);
            REQUIRE(into);
            s4c_status si = s4c_ckindex_decode_into(ix, mem_read, &m, t, into, (size_t)usize, &d);
            if (ok && kind != S4C_KIND_CPU_ZSTD) REQUIRE(si == S4C_OK);
            if (si == S4C_OK) REQUIRE(ok && memcmp(into, plain.p, (size_t)usize) == 0);
            /* decode_at: the same, through positional writes */
            at_sink as = {into, (size_t)usize, 0, 0};
            memset(into, 0, (size_t)usize);
            s4c_status sa = s4c_ckindex_decode_at(ix, mem_read, &m, t, at_write, &as, &d);
            REQUIRE(!as.outside);
            if (ok && kind != S4C_KIND_CPU_ZSTD) REQUIRE(sa == S4C_OK);
            if (sa == S4C_OK)
                REQUIRE(ok && as.bytes == usize && memcmp(into, plain.p, (size_t)usize) == 0);
            free(into);
        }
        free(par.p);
    }
    if (ok && usize) {
        uint8_t buf[3000];
        uint64_t off = (uint64_t)(size * 40503u) % usize;
        size_t got = 0;
        st = s4c_ckindex_read(ix, mem_read, &m, off, buf, sizeof buf, &got, &d);
        if (kind != S4C_KIND_CPU_ZSTD) {
            REQUIRE(st == S4C_OK);
            REQUIRE(got == (usize - off < sizeof buf ? usize - off : sizeof buf));
            REQUIRE(memcmp(buf, plain.p + off, got) == 0);
        } else if (st == S4C_OK) {
            /* A seek table whose sizes lie (frames without a content size)
             * misplaces later frames: a local read cannot tell. */
            REQUIRE(got == (usize - off < sizeof buf ? usize - off : sizeof buf));
        }
        /* The same range, and one from the start across every entry, on 3
         * threads: the right bytes wherever a scanned index is involved. */
        for (int k = 0; k < 2; k++) {
            uint64_t o = k ? 0 : off;
            size_t want = (size_t)(usize - o < sizeof buf ? usize - o : sizeof buf);
            if (k && usize <= MAX_OUT) want = (size_t)usize;
            uint8_t *b2 = malloc(want ? want : 1);
            REQUIRE(b2);
            size_t got2 = 0;
            st = s4c_ckindex_read_parallel(ix, mem_read, &m, o, b2, want, 3, &got2, &d);
            if (kind != S4C_KIND_CPU_ZSTD) REQUIRE(st == S4C_OK);
            if (st == S4C_OK) REQUIRE(got2 == want);
            if (st == S4C_OK && kind != S4C_KIND_CPU_ZSTD)
                REQUIRE(memcmp(b2, plain.p + o, want) == 0);
            free(b2);
        }
    }
    free(plain.p);
    s4c_ckindex_free(ix);
    return 0;
}
