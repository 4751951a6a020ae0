/*
 * state_blob.c — writer and bounds-checked reader for saved-state bodies.
 */
#include "state_blob.h"

#include <stdarg.h>
#include <stdio.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_customMem: allocations through our hooks */
#include <zstd.h>

#define WINDOW_RAW 0
#define WINDOW_ZSTD 1
#define WINDOW_LEVEL 3
#define WINDOW_MAX (1u << 24) /* no codec keeps more than 16 MiB of history */

/* ------------------------------------------------------------------ writer */

void s4c_blob_writer_init(s4c_blob_writer *w) { memset(w, 0, sizeof(*w)); }

void s4c_blob_writer_release(s4c_blob_writer *w) {
    s4c_free(w->buf);
    memset(w, 0, sizeof(*w));
}

/* Makes room for n more bytes; returns where they go, or NULL (oom set). */
static uint8_t *reserve(s4c_blob_writer *w, size_t n) {
    if (w->oom) return NULL;
    if (n > SIZE_MAX / 2 - w->size) {
        w->oom = 1;
        return NULL;
    }
    if (w->size + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->size + n) cap *= 2;
        uint8_t *nb = s4c_malloc(cap);
        if (!nb) {
            w->oom = 1;
            return NULL;
        }
        if (w->size) memcpy(nb, w->buf, w->size);
        s4c_free(w->buf);
        w->buf = nb;
        w->cap = cap;
    }
    uint8_t *p = w->buf + w->size;
    w->size += n;
    return p;
}

void s4c_blob_put_u8(s4c_blob_writer *w, uint8_t v) {
    uint8_t *p = reserve(w, 1);
    if (p) *p = v;
}

void s4c_blob_put_u32(s4c_blob_writer *w, uint32_t v) {
    uint8_t *p = reserve(w, 4);
    if (p) s4c_store_le32(p, v);
}

void s4c_blob_put_u64(s4c_blob_writer *w, uint64_t v) {
    uint8_t *p = reserve(w, 8);
    if (p) s4c_store_le64(p, v);
}

void s4c_blob_put_varint(s4c_blob_writer *w, uint64_t v) {
    uint8_t tmp[10];
    size_t n = 0;
    do {
        uint8_t b = (uint8_t)(v & 0x7F);
        v >>= 7;
        tmp[n++] = (uint8_t)(b | (v ? 0x80 : 0));
    } while (v);
    s4c_blob_put_bytes(w, tmp, n);
}

void s4c_blob_put_bytes(s4c_blob_writer *w, const void *src, size_t n) {
    if (!n) return;
    uint8_t *p = reserve(w, n);
    if (p) memcpy(p, src, n);
}

static void *zstd_alloc(void *opaque, size_t size) {
    (void)opaque;
    return s4c_malloc(size);
}

static void zstd_release(void *opaque, void *p) {
    (void)opaque;
    s4c_free(p);
}

static const ZSTD_customMem blob_mem = {zstd_alloc, zstd_release, NULL};

void s4c_blob_put_window(s4c_blob_writer *w, const void *src, size_t n) {
    s4c_blob_put_varint(w, n);
    if (n == 0 || w->oom) return;
    size_t bound = ZSTD_compressBound(n);
    uint8_t *tmp = s4c_malloc(bound);
    ZSTD_CCtx *cctx = tmp ? ZSTD_createCCtx_advanced(blob_mem) : NULL;
    size_t csize = 0;
    int use_zstd = 0;
    if (cctx) {
        /* No content size, no checksum, no dictionary id: the blob's own
         * fields and CRC32C cover those. */
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, WINDOW_LEVEL);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 0);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_dictIDFlag, 0);
        csize = ZSTD_compress2(cctx, tmp, bound, src, n);
        use_zstd = !ZSTD_isError(csize) && csize + 4 < n;
    } else {
        w->oom = 1; /* a state without its window compressed is still valid, but
                       running out of memory here means the save cannot finish */
    }
    if (use_zstd) {
        s4c_blob_put_u8(w, WINDOW_ZSTD);
        s4c_blob_put_varint(w, csize);
        s4c_blob_put_bytes(w, tmp, csize);
    } else if (!w->oom) {
        s4c_blob_put_u8(w, WINDOW_RAW);
        s4c_blob_put_bytes(w, src, n);
    }
    ZSTD_freeCCtx(cctx);
    s4c_free(tmp);
}

s4c_status s4c_blob_writer_status(const s4c_blob_writer *w) {
    return w->oom ? S4C_ERROR_OUT_OF_MEMORY : S4C_OK;
}

/* ------------------------------------------------------------------ reader */

void s4c_blob_reader_init(s4c_blob_reader *r, const void *p, size_t n) {
    memset(r, 0, sizeof(*r));
    r->p = p;
    r->size = n;
}

void s4c_blob_reader_fail(s4c_blob_reader *r, const char *fmt, ...) {
    if (r->bad) return;
    r->bad = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof(r->why), fmt, ap);
    va_end(ap);
}

const uint8_t *s4c_blob_get_bytes(s4c_blob_reader *r, size_t n) {
    if (r->bad) return NULL;
    if (n > r->size - r->pos) {
        s4c_blob_reader_fail(r, "truncated: %zu bytes needed at body offset %zu, %zu left", n,
                             r->pos, r->size - r->pos);
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

uint8_t s4c_blob_get_u8(s4c_blob_reader *r) {
    const uint8_t *p = s4c_blob_get_bytes(r, 1);
    return p ? *p : 0;
}

uint32_t s4c_blob_get_u32(s4c_blob_reader *r) {
    const uint8_t *p = s4c_blob_get_bytes(r, 4);
    return p ? s4c_load_le32(p) : 0;
}

uint64_t s4c_blob_get_u64(s4c_blob_reader *r) {
    const uint8_t *p = s4c_blob_get_bytes(r, 8);
    return p ? s4c_load_le64(p) : 0;
}

uint64_t s4c_blob_get_varint(s4c_blob_reader *r) {
    uint64_t v = 0;
    size_t at = r->pos;
    for (unsigned i = 0; i < 10; i++) {
        const uint8_t *p = s4c_blob_get_bytes(r, 1);
        if (!p) return 0;
        uint8_t b = *p;
        if (i == 9 && b > 1) {
            s4c_blob_reader_fail(r, "varint at body offset %zu overflows 64 bits", at);
            return 0;
        }
        v |= (uint64_t)(b & 0x7F) << (7 * i);
        if (!(b & 0x80)) {
            if (i > 0 && b == 0) {
                s4c_blob_reader_fail(r, "varint at body offset %zu is not canonical", at);
                return 0;
            }
            return v;
        }
    }
    s4c_blob_reader_fail(r, "varint at body offset %zu is longer than 10 bytes", at);
    return 0;
}

void s4c_blob_get_window(s4c_blob_reader *r, void *dst, size_t cap, size_t *n_ret) {
    *n_ret = 0;
    uint64_t n = s4c_blob_get_varint(r);
    if (r->bad) return;
    if (n > cap || n > WINDOW_MAX) {
        s4c_blob_reader_fail(r, "window of %llu bytes exceeds the codec's %zu", (unsigned long long)n,
                             cap);
        return;
    }
    if (n == 0) return;
    uint8_t method = s4c_blob_get_u8(r);
    if (r->bad) return;
    if (method == WINDOW_RAW) {
        const uint8_t *p = s4c_blob_get_bytes(r, (size_t)n);
        if (!p) return;
        memcpy(dst, p, (size_t)n);
        *n_ret = (size_t)n;
        return;
    }
    if (method != WINDOW_ZSTD) {
        s4c_blob_reader_fail(r, "unknown window encoding %u", method);
        return;
    }
    uint64_t csize = s4c_blob_get_varint(r);
    if (r->bad) return;
    if (csize > r->size - r->pos) {
        s4c_blob_reader_fail(r, "compressed window of %llu bytes runs past the body",
                             (unsigned long long)csize);
        return;
    }
    const uint8_t *p = s4c_blob_get_bytes(r, (size_t)csize);
    if (!p) return;
    ZSTD_DCtx *dctx = ZSTD_createDCtx_advanced(blob_mem);
    if (!dctx) {
        s4c_blob_reader_fail(r, "out of memory decoding the window");
        r->oom = 1;
        return;
    }
    /* Small windowLog cap: a window frame never needs more than its size. */
    ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 25);
    size_t got = ZSTD_decompressDCtx(dctx, dst, (size_t)n, p, (size_t)csize);
    ZSTD_freeDCtx(dctx);
    if (ZSTD_isError(got)) {
        s4c_blob_reader_fail(r, "compressed window does not decode: %s", ZSTD_getErrorName(got));
        return;
    }
    if (got != n) {
        s4c_blob_reader_fail(r, "compressed window decodes to %zu bytes, declared %llu", got,
                             (unsigned long long)n);
        return;
    }
    *n_ret = (size_t)n;
}

int s4c_blob_reader_done(const s4c_blob_reader *r) { return !r->bad && r->pos == r->size; }

s4c_status s4c_blob_reader_status(const s4c_blob_reader *r, s4c_error_detail *d) {
    if (!r->bad) return S4C_OK;
    if (r->oom) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "%s", r->why);
    return s4c_fail(d, S4C_ERROR_STATE_INVALID, "invalid saved state: %s", r->why);
}
