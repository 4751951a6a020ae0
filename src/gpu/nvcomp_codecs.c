/*
 * nvcomp_codecs.c — the GPU codec kinds nvcomp-zstd (2), nvcomp-bitcomp (3),
 * nvcomp-gdeflate (6) and our nvcomp-lz4 (65): FCG1 blobs of 64 KiB chunks
 * (s4-compat.md §5), compressed and decoded by nvCOMP in one batched launch
 * (nvcomp_batch.c).
 *
 * The generic layer (codec_registry.c) runs S4's nvcomp check order; a kind
 * only decodes. As in S4 the algorithm comes from the FCG1 header, not the
 * kind, and the output size from the header (no bomb cap): a header whose
 * orig_size differs from the manifest's is S4's SizeMismatch.
 *
 * CPU fallback (no GPU): FCG1 lz4 chunks are raw LZ4 blocks and zstd chunks
 * standard zstd frames (nvCOMP implements RFC 8878), so those two decode with
 * liblz4 / libzstd; a codec of those kinds is created decode-only and its
 * compress reports CODEC_UNAVAILABLE with the reason. Bitcomp and GDeflate
 * are NVIDIA formats with no CPU decoder here: their kinds need a GPU.
 *
 * Batches (s4codec_gpu.h): batch_begin compresses or decodes every object's
 * chunks in one launch and records each result; the per-object calls that
 * follow (the generic layer with all its checks) pick the recorded result up
 * instead of launching again.
 */
#include <lz4.h>
#include <stdio.h>
#include <zstd.h>

#include "fcg1.h"
#include "gpu_runtime.h"
#include "nvcomp_batch.h"
#include "s4codec_gpu.h"

typedef struct recorded {
    const void *src; /* compress: input; decompress: payload */
    void *dst;
    s4c_status status;
    size_t written;
} recorded;

typedef struct nv_impl {
    uint8_t algo;      /* FCG1 tag this kind writes */
    uint8_t data_type; /* FCG1 bitcomp data-type tag */
    int gpu;           /* the GPU was usable at creation */
    ZSTD_DCtx *zdctx;  /* CPU fallback, created on first use */
    recorded *rec;     /* batch results, n_rec entries, or NULL */
    size_t n_rec;
} nv_impl;

static uint8_t kind_algo(uint32_t kind) {
    switch (kind) {
    case S4C_KIND_NVCOMP_ZSTD:
        return S4C_FCG1_ZSTD;
    case S4C_KIND_NVCOMP_BITCOMP:
        return S4C_FCG1_BITCOMP;
    case S4C_KIND_NVCOMP_GDEFLATE:
        return S4C_FCG1_GDEFLATE;
    default:
        return S4C_FCG1_LZ4;
    }
}

static int cpu_decodable(uint8_t algo) { return algo == S4C_FCG1_LZ4 || algo == S4C_FCG1_ZSTD; }

static s4c_status nv_init(s4c_codec *c, const s4c_codec_options *o, s4c_error_detail *d) {
    uint8_t algo = kind_algo(c->ops->kind);
    int dt = o->gpu_data_type;
    if (dt < 0 || dt > S4C_FCG1_TYPE_MAX || (dt != 0 && algo != S4C_FCG1_BITCOMP))
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT,
                        "%s: data type %d invalid (bitcomp only, 0..11)", c->ops->name, dt);
    if (o->dict && o->dict_size)
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT, "%s: dictionaries are not supported",
                        c->ops->name);
    int gpu = s4c_gpu_available();
    if (!gpu && !cpu_decodable(algo))
        return s4c_fail(d, S4C_ERROR_CODEC_UNAVAILABLE,
                        "codec %s is not available: %s (%s needs a GPU to compress and "
                        "decompress)",
                        c->ops->debug_name, s4c_gpu_unavailable_reason(), c->ops->name);
    nv_impl *im = s4c_calloc(1, sizeof *im);
    if (!im) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    im->algo = algo;
    im->data_type = (uint8_t)dt;
    im->gpu = gpu;
    c->impl = im;
    c->level = 0;
    return S4C_OK;
}

static void nv_destroy(s4c_codec *c) {
    nv_impl *im = c->impl;
    if (!im) return;
    ZSTD_freeDCtx(im->zdctx);
    s4c_free(im);
    c->impl = NULL;
}

static int nv_usable(void) { return s4c_gpu_available(); }

static size_t nv_bound(const s4c_codec *c, size_t n) {
    return s4c_fcg1_bound(n, S4C_FCG1_CHUNK_SIZE, ((const nv_impl *)c->impl)->algo);
}

static const recorded *find_record(const nv_impl *im, const void *src, const void *dst) {
    for (size_t i = 0; i < im->n_rec; i++)
        if (im->rec[i].src == src && im->rec[i].dst == dst) return &im->rec[i];
    return NULL;
}

/* ------------------------------------------------------------ compress */

/* One object being compressed: where its chunks land in its FCG1 blob. */
typedef struct object_out {
    uint8_t *blob;
    size_t cap;
    size_t pos;     /* next payload byte */
    uint32_t first; /* index of its first chunk in the batch */
    uint32_t n_chunks;
    size_t n_src;
} object_out;

typedef struct place_ctx {
    object_out *objs;
    size_t n_objs;
    size_t cur; /* object of the chunk being placed */
} place_ctx;

static uint8_t *place_chunk(void *ctxp, size_t index, size_t csize) {
    place_ctx *p = ctxp;
    while (p->cur < p->n_objs && index >= p->objs[p->cur].first + (size_t)p->objs[p->cur].n_chunks)
        p->cur++;
    if (p->cur >= p->n_objs) return NULL;
    object_out *o = &p->objs[p->cur];
    if (csize > o->cap - o->pos) return NULL;
    s4c_fcg1_set_chunk_size(o->blob, (uint32_t)(index - o->first), (uint32_t)csize);
    uint8_t *dst = o->blob + o->pos;
    o->pos += csize;
    return dst;
}

/* Compresses n objects in one launch; out[i].pos is each blob's length. */
static s4c_status compress_objects(s4c_codec *c, size_t n, const void *const *srcs,
                                   const size_t *sizes, void *const *dsts, const size_t *caps,
                                   object_out *objs, s4c_error_detail *d) {
    nv_impl *im = c->impl;
    if (!im->gpu)
        return s4c_fail(d, S4C_ERROR_CODEC_UNAVAILABLE,
                        "codec %s cannot compress: %s (decompression works on the CPU)",
                        c->ops->debug_name, s4c_gpu_unavailable_reason());
    uint64_t total_chunks = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = s4c_fcg1_chunk_count(sizes[i], S4C_FCG1_CHUNK_SIZE);
        if (k > UINT32_MAX)
            return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT, "%s: input too large", c->ops->name);
        size_t hdr = s4c_fcg1_write_header(dsts[i], caps[i], im->algo, im->data_type, sizes[i],
                                           S4C_FCG1_CHUNK_SIZE, (uint32_t)k, NULL);
        if (!hdr)
            return s4c_fail(d, S4C_ERROR_DST_TOO_SMALL,
                            "%s: destination holds %zu bytes, the FCG1 header needs %zu",
                            c->ops->name, caps[i], s4c_fcg1_header_size((uint32_t)k));
        objs[i] =
            (object_out){dsts[i], caps[i], hdr, (uint32_t)total_chunks, (uint32_t)k, sizes[i]};
        total_chunks += k;
    }
    if (total_chunks > SIZE_MAX / sizeof(s4c_gpu_chunk))
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    s4c_gpu_chunk *chunks = s4c_calloc(total_chunks ? (size_t)total_chunks : 1, sizeof *chunks);
    if (!chunks) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t off = 0; off < sizes[i]; off += S4C_FCG1_CHUNK_SIZE, k++) {
            size_t left = sizes[i] - off;
            chunks[k].src = (const uint8_t *)srcs[i] + off;
            chunks[k].size = left < S4C_FCG1_CHUNK_SIZE ? left : S4C_FCG1_CHUNK_SIZE;
        }
    place_ctx pc = {objs, n, 0};
    s4c_status st =
        s4c_nvcomp_compress_chunks(im->algo, im->data_type, chunks, k, place_chunk, &pc, d);
    s4c_free(chunks);
    return st;
}

static s4c_status nv_compress(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                              size_t *written, s4c_error_detail *d) {
    const recorded *r = find_record(c->impl, src, dst);
    if (r) {
        *written = r->written;
        return r->status;
    }
    object_out o;
    const void *srcs[1] = {src};
    void *dsts[1] = {dst};
    S4C_TRY(compress_objects(c, 1, srcs, &n, dsts, &cap, &o, d));
    *written = o.pos;
    return S4C_OK;
}

/* ------------------------------------------------------------ decode */

static const char *kind_algo_name(const s4c_codec *c) {
    return s4c_fcg1_algo_name(((const nv_impl *)c->impl)->algo);
}

/* Parses the blob and checks it against the destination; *f->num_chunks == 0
 * or success means the caller may decode. */
static s4c_status parse_for_decode(s4c_codec *c, const uint8_t *src, size_t n, size_t cap,
                                   s4c_fcg1 *f, s4c_error_detail *d) {
    s4c_status st = s4c_fcg1_parse(src, n, f, d);
    if (st != S4C_OK) {
        if (d) {
            char cause[sizeof d->message];
            snprintf(cause, sizeof cause, "%s", d->message);
            s4c_fail(d, st, "nvcomp %s decompress: %s", kind_algo_name(c), cause);
        }
        return st;
    }
    if (f->num_chunks && f->orig_size > cap) {
        /* S4 decodes orig_size bytes, then reports the length as SizeMismatch */
        s4c_fail(d, S4C_ERROR_SIZE_MISMATCH,
                 "compressed size mismatch: manifest says %zu bytes, payload is %llu bytes", cap,
                 (unsigned long long)f->orig_size);
        if (d) d->expected = cap, d->got = f->orig_size;
        return S4C_ERROR_SIZE_MISMATCH;
    }
    return S4C_OK;
}

static s4c_status cpu_decode(nv_impl *im, const s4c_fcg1 *f, uint8_t *dst, s4c_error_detail *d) {
    const char *nm = s4c_fcg1_algo_name(f->algo);
    if (f->algo == S4C_FCG1_ZSTD && !im->zdctx) {
        im->zdctx = ZSTD_createDCtx();
        if (!im->zdctx) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    const uint8_t *p = f->payload;
    for (uint32_t i = 0; i < f->num_chunks; i++) {
        uint32_t cs = s4c_fcg1_chunk_csize(f, i);
        size_t us = s4c_fcg1_chunk_usize(f, i);
        uint8_t *out = dst + (size_t)i * f->chunk_size;
        if (f->algo == S4C_FCG1_LZ4) {
            int r = cs > (uint32_t)INT32_MAX
                        ? -1
                        : LZ4_decompress_safe((const char *)p, (char *)out, (int)cs, (int)us);
            if (r < 0)
                return s4c_fail(d, S4C_ERROR_BACKEND,
                                "nvcomp %s decompress: chunk %u: corrupt LZ4 block (CPU)", nm, i);
            if ((size_t)r != us)
                return s4c_fail(d, S4C_ERROR_BACKEND,
                                "nvcomp %s decompress: chunk %u decoded to %d bytes, FCG1 header "
                                "says %zu (CPU)",
                                nm, i, r, us);
        } else {
            size_t r = ZSTD_decompressDCtx(im->zdctx, out, us, p, cs);
            if (ZSTD_isError(r))
                return s4c_fail(d, S4C_ERROR_BACKEND, "nvcomp %s decompress: chunk %u: %s (CPU)",
                                nm, i, ZSTD_getErrorName(r));
            if (r != us)
                return s4c_fail(d, S4C_ERROR_BACKEND,
                                "nvcomp %s decompress: chunk %u decoded to %zu bytes, FCG1 header "
                                "says %zu (CPU)",
                                nm, i, r, us);
        }
        p += cs;
    }
    return S4C_OK;
}

/* Fills chunk descriptors for a parsed blob decoding into dst. */
static void gpu_chunks(const s4c_fcg1 *f, uint8_t *dst, s4c_gpu_chunk *out) {
    const uint8_t *p = f->payload;
    for (uint32_t i = 0; i < f->num_chunks; i++) {
        out[i].src = p;
        out[i].size = s4c_fcg1_chunk_csize(f, i);
        out[i].dst = dst + (size_t)i * f->chunk_size;
        out[i].expect = s4c_fcg1_chunk_usize(f, i);
        p += out[i].size;
    }
}

static s4c_status decode_one(s4c_codec *c, const s4c_fcg1 *f, uint8_t *dst, s4c_error_detail *d) {
    nv_impl *im = c->impl;
    if (!im->gpu) {
        if (!cpu_decodable(f->algo))
            return s4c_fail(d, S4C_ERROR_CODEC_UNAVAILABLE,
                            "nvcomp %s decompress: FCG1 algorithm %s needs a GPU: %s",
                            kind_algo_name(c), s4c_fcg1_algo_name(f->algo),
                            s4c_gpu_unavailable_reason());
        return cpu_decode(im, f, dst, d);
    }
    s4c_gpu_chunk *chunks = s4c_calloc(f->num_chunks, sizeof *chunks);
    if (!chunks) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    gpu_chunks(f, dst, chunks);
    s4c_status st = s4c_nvcomp_decompress_chunks(f->algo, chunks, f->num_chunks, d);
    s4c_free(chunks);
    return st;
}

static s4c_status nv_decode(s4c_codec *c, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                            size_t *written, s4c_error_detail *d) {
    const recorded *r = find_record(c->impl, src, dst);
    if (r) {
        *written = r->written;
        return r->status;
    }
    s4c_fcg1 f;
    *written = 0;
    S4C_TRY(parse_for_decode(c, src, n, cap, &f, d));
    if (f.num_chunks == 0) return S4C_OK; /* empty output, whatever orig_size says */
    S4C_TRY(decode_one(c, &f, dst, d));
    *written = (size_t)f.orig_size;
    return S4C_OK;
}

/* ------------------------------------------------------------ batches */

static s4c_status batch_compress(s4c_codec *c, nv_impl *im, size_t n, const void *const *srcs,
                                 const size_t *sizes, void *const *dsts, const size_t *caps,
                                 s4c_error_detail *d) {
    object_out *objs = s4c_calloc(n, sizeof *objs);
    if (!objs) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    s4c_status st = compress_objects(c, n, srcs, sizes, dsts, caps, objs, d);
    for (size_t i = 0; st == S4C_OK && i < n; i++)
        im->rec[i] = (recorded){srcs[i], dsts[i], S4C_OK, objs[i].pos};
    if (st == S4C_OK) im->n_rec = n;
    s4c_free(objs);
    return st;
}

/* Decodes, in one launch, every object whose blob parses and fits; the
 * others (and everything, if the launch fails) go through the single-object
 * path afterwards, which reports their errors in S4's order. */
static void batch_decompress(s4c_codec *c, nv_impl *im, size_t n, const s4c_manifest *ms,
                             const void *const *payloads, void *const *dsts, const size_t *caps) {
    s4c_fcg1 *fs = s4c_calloc(n, sizeof *fs);
    int *ok = s4c_calloc(n, sizeof *ok);
    s4c_gpu_chunk *chunks = NULL;
    size_t total = 0;
    uint8_t algo = 0;
    if (!fs || !ok) goto done;
    for (size_t i = 0; i < n; i++) {
        if (ms[i].codec != c->ops->kind || ms[i].original_size > S4C_MAX_DECOMPRESSED_BYTES)
            continue;
        size_t want = (size_t)ms[i].original_size;
        if (caps[i] < want) continue;
        if (s4c_fcg1_parse(payloads[i], (size_t)ms[i].compressed_size, &fs[i], NULL) != S4C_OK)
            continue;
        if (fs[i].num_chunks == 0 || fs[i].orig_size != want) continue;
        if (algo && fs[i].algo != algo) continue; /* one algorithm per launch */
        algo = fs[i].algo;
        ok[i] = 1;
        total += fs[i].num_chunks;
    }
    if (!total) goto done;
    chunks = s4c_calloc(total, sizeof *chunks);
    if (!chunks) goto done;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (ok[i]) {
            gpu_chunks(&fs[i], dsts[i], chunks + k);
            k += fs[i].num_chunks;
        }
    if (s4c_nvcomp_decompress_chunks(algo, chunks, total, NULL) != S4C_OK) goto done;
    for (size_t i = 0; i < n; i++)
        if (ok[i])
            im->rec[im->n_rec++] =
                (recorded){payloads[i], dsts[i], S4C_OK, (size_t)fs[i].orig_size};
done:
    s4c_free(chunks);
    s4c_free(ok);
    s4c_free(fs);
}

static s4c_status nv_batch_begin(s4c_codec *c, int compress, size_t n, const void *const *srcs,
                                 const size_t *src_sizes, void *const *dsts, const size_t *caps,
                                 const s4c_manifest *ms, s4c_error_detail *d) {
    nv_impl *im = c->impl;
    if (!im->gpu || n < 2) return S4C_OK; /* nothing to gain: the one-by-one path runs */
    im->rec = s4c_calloc(n, sizeof *im->rec);
    if (!im->rec) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    im->n_rec = 0;
    if (compress) return batch_compress(c, im, n, srcs, src_sizes, dsts, caps, d);
    batch_decompress(c, im, n, ms, srcs, dsts, caps);
    return S4C_OK;
}

static void nv_batch_end(s4c_codec *c) {
    nv_impl *im = c->impl;
    s4c_free(im->rec);
    im->rec = NULL;
    im->n_rec = 0;
}

/* ------------------------------------------------------------ streaming encoder */

/*
 * FCG1 has no streaming form: the encoder collects the input of a frame and
 * at S4C_FLUSH_END compresses it as one FCG1 blob (one launch), then drains
 * it. For `s4codec compress -c nvcomp-*`; memory is the input plus the blob.
 */
typedef struct nv_encoder {
    s4c_codec *codec;
    uint8_t *in, *out;
    size_t in_len, in_cap, out_len, out_pos;
    int draining;
} nv_encoder;

static s4c_status enc_create(uint32_t kind, const s4c_codec_options *o, void **impl,
                             s4c_error_detail *d) {
    s4c_codec *c = NULL;
    S4C_TRY(s4c_codec_create(kind, o, &c, d));
    if (!((nv_impl *)c->impl)->gpu) {
        s4c_status st = s4c_fail(d, S4C_ERROR_CODEC_UNAVAILABLE,
                                 "codec %s cannot compress: %s (decompression works on the CPU)",
                                 c->ops->debug_name, s4c_gpu_unavailable_reason());
        s4c_codec_free(c);
        return st;
    }
    nv_encoder *e = s4c_calloc(1, sizeof *e);
    if (!e) {
        s4c_codec_free(c);
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    e->codec = c;
    *impl = e;
    return S4C_OK;
}

#define ENC_CREATE(kind, fn)                                                                       \
    static s4c_status fn(const s4c_codec_options *o, int level, const void *dict,                  \
                         size_t dict_size, void **impl, s4c_error_detail *d) {                     \
        (void)level, (void)dict, (void)dict_size;                                                  \
        return enc_create(kind, o, impl, d);                                                       \
    }
ENC_CREATE(S4C_KIND_NVCOMP_ZSTD, enc_create_zstd)
ENC_CREATE(S4C_KIND_NVCOMP_BITCOMP, enc_create_bitcomp)
ENC_CREATE(S4C_KIND_NVCOMP_GDEFLATE, enc_create_gdeflate)
ENC_CREATE(S4C_KIND_NVCOMP_LZ4, enc_create_lz4)

static s4c_status enc_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out,
                             s4c_flush_mode mode, size_t *pending) {
    nv_encoder *e = impl;
    *pending = 0;
    if (mode == S4C_FLUSH_BLOCK) return S4C_ERROR_UNSUPPORTED; /* no decodable prefix */
    if (!e->draining) {
        size_t k = in->size - in->pos;
        if (k > e->in_cap - e->in_len) {
            size_t cap = e->in_cap ? e->in_cap : 1 << 16;
            while (cap - e->in_len < k) {
                if (cap > SIZE_MAX / 2) return S4C_ERROR_OUT_OF_MEMORY;
                cap *= 2;
            }
            uint8_t *p = s4c_malloc(cap);
            if (!p) return S4C_ERROR_OUT_OF_MEMORY;
            if (e->in_len) memcpy(p, e->in, e->in_len);
            s4c_free(e->in);
            e->in = p;
            e->in_cap = cap;
        }
        if (k) memcpy(e->in + e->in_len, (const uint8_t *)in->src + in->pos, k);
        e->in_len += k;
        in->pos += k;
        if (mode != S4C_FLUSH_END) return S4C_OK;
        size_t bound = s4c_compress_bound(e->codec, e->in_len);
        s4c_free(e->out);
        e->out = s4c_malloc(bound);
        if (!e->out) return S4C_ERROR_OUT_OF_MEMORY;
        s4c_manifest m;
        S4C_TRY(s4c_compress(e->codec, e->in, e->in_len, e->out, bound, &m, NULL));
        e->out_len = (size_t)m.compressed_size;
        e->out_pos = 0;
        e->draining = 1;
    }
    size_t k = e->out_len - e->out_pos;
    if (k > out->size - out->pos) k = out->size - out->pos;
    memcpy((uint8_t *)out->dst + out->pos, e->out + e->out_pos, k);
    out->pos += k;
    e->out_pos += k;
    *pending = e->out_len - e->out_pos;
    if (!*pending) { /* frame complete: ready for the next */
        e->draining = 0;
        e->in_len = 0;
    }
    return S4C_OK;
}

static s4c_status enc_reset(void *impl) {
    nv_encoder *e = impl;
    e->in_len = e->out_len = e->out_pos = 0;
    e->draining = 0;
    return S4C_OK;
}

static void enc_free(void *impl) {
    nv_encoder *e = impl;
    if (!e) return;
    s4c_codec_free(e->codec);
    s4c_free(e->in);
    s4c_free(e->out);
    s4c_free(e);
}

/* ------------------------------------------------------------ streaming decoder */

/*
 * Collects one FCG1 blob (header, size table, payloads: the header says how
 * long it is), decodes it in one go (GPU, or CPU for lz4/zstd) and drains the
 * output; concatenated blobs decode one after the other. Memory grows only
 * with input actually received, plus one blob's output.
 */
typedef struct nv_decoder {
    s4c_codec *codec;
    uint8_t *in, *out;
    size_t in_len, in_cap, out_len, out_pos;
} nv_decoder;

static s4c_status dec_create(uint32_t kind, void **impl, s4c_error_detail *d) {
    nv_decoder *x = s4c_calloc(1, sizeof *x);
    if (!x) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    s4c_status st = s4c_codec_create(kind, NULL, &x->codec, d);
    if (st != S4C_OK) {
        s4c_free(x);
        return st;
    }
    *impl = x;
    return S4C_OK;
}

#define DEC_CREATE(kind, fn)                                                                       \
    static s4c_status fn(const s4c_decoder_options *o, void **impl, s4c_error_detail *d) {         \
        (void)o;                                                                                   \
        return dec_create(kind, impl, d);                                                          \
    }
DEC_CREATE(S4C_KIND_NVCOMP_ZSTD, dec_create_zstd)
DEC_CREATE(S4C_KIND_NVCOMP_BITCOMP, dec_create_bitcomp)
DEC_CREATE(S4C_KIND_NVCOMP_GDEFLATE, dec_create_gdeflate)
DEC_CREATE(S4C_KIND_NVCOMP_LZ4, dec_create_lz4)

/* Bytes the blob being collected still lacks (what its header says so far). */
static uint64_t blob_need(const nv_decoder *x) {
    if (x->in_len < S4C_FCG1_HEADER_BYTES) return S4C_FCG1_HEADER_BYTES - x->in_len;
    uint32_t k = s4c_load_le32(x->in + 20);
    uint64_t table = S4C_FCG1_HEADER_BYTES + 4 * (uint64_t)k;
    if (x->in_len < table) return table - x->in_len;
    uint64_t total = table;
    for (uint32_t i = 0; i < k; i++)
        total += s4c_load_le32(x->in + S4C_FCG1_HEADER_BYTES + 4 * (size_t)i);
    return total - x->in_len;
}

static s4c_status take_input(nv_decoder *x, s4c_in_buffer *in, size_t k) {
    if (k > x->in_cap - x->in_len) {
        size_t cap = x->in_cap ? x->in_cap : 1 << 16;
        while (cap - x->in_len < k) {
            if (cap > SIZE_MAX / 2) return S4C_ERROR_OUT_OF_MEMORY;
            cap *= 2;
        }
        uint8_t *p = s4c_malloc(cap);
        if (!p) return S4C_ERROR_OUT_OF_MEMORY;
        if (x->in_len) memcpy(p, x->in, x->in_len);
        s4c_free(x->in);
        x->in = p;
        x->in_cap = cap;
    }
    memcpy(x->in + x->in_len, (const uint8_t *)in->src + in->pos, k);
    x->in_len += k;
    in->pos += k;
    return S4C_OK;
}

static s4c_status decode_blob(nv_decoder *x, s4c_error_detail *d) {
    s4c_fcg1 f;
    S4C_TRY(
        parse_for_decode(x->codec, x->in, x->in_len, (size_t)S4C_MAX_DECOMPRESSED_BYTES, &f, d));
    size_t n = f.num_chunks ? (size_t)f.orig_size : 0;
    s4c_free(x->out);
    x->out = s4c_malloc(n ? n : 1);
    if (!x->out) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    if (n) S4C_TRY(decode_one(x->codec, &f, x->out, d));
    x->out_len = n;
    x->out_pos = 0;
    x->in_len = 0;
    return S4C_OK;
}

static s4c_status dec_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out, size_t *hint,
                             s4c_error_detail *d) {
    nv_decoder *x = impl;
    for (;;) {
        size_t k = x->out_len - x->out_pos;
        if (k > out->size - out->pos) k = out->size - out->pos;
        if (k) {
            memcpy((uint8_t *)out->dst + out->pos, x->out + x->out_pos, k);
            out->pos += k;
            x->out_pos += k;
        }
        if (x->out_pos < x->out_len) { /* output full */
            *hint = 1;
            return S4C_OK;
        }
        uint64_t need = blob_need(x);
        if (x->in_len == 0 && in->pos == in->size) { /* at a blob boundary */
            *hint = 0;
            return S4C_OK;
        }
        size_t avail = in->size - in->pos;
        if (need > avail) {
            S4C_TRY(take_input(x, in, avail));
            need = blob_need(x);
            *hint = need > SIZE_MAX ? SIZE_MAX : (size_t)need;
            if (need) return S4C_OK;
        } else {
            S4C_TRY(take_input(x, in, (size_t)need));
            if (blob_need(x)) continue; /* the header grew: read on */
        }
        S4C_TRY(decode_blob(x, d));
    }
}

static s4c_status dec_finish(void *impl) {
    nv_decoder *x = impl;
    return x->in_len == 0 && x->out_pos == x->out_len ? S4C_OK : S4C_ERROR_TRUNCATED_INPUT;
}

static s4c_status dec_reset(void *impl) {
    nv_decoder *x = impl;
    x->in_len = x->out_len = x->out_pos = 0;
    return S4C_OK;
}

static void dec_free(void *impl) {
    nv_decoder *x = impl;
    if (!x) return;
    s4c_codec_free(x->codec);
    s4c_free(x->in);
    s4c_free(x->out);
    s4c_free(x);
}

#define NVCOMP_KIND(id, nm, dbg, create, dcreate)                                                  \
    {                                                                                              \
        .kind = id, .name = nm, .debug_name = dbg, .bomb_prefix = NULL, .init = nv_init,           \
        .destroy = nv_destroy, .bound = nv_bound, .compress = nv_compress, .decode = nv_decode,    \
        .encoder_create = create, .encoder_stream = enc_stream, .encoder_reset = enc_reset,        \
        .encoder_free = enc_free, .decoder_create = dcreate, .decoder_stream = dec_stream,         \
        .decoder_finish = dec_finish, .decoder_reset = dec_reset, .decoder_free = dec_free,        \
        .eof_message = "FCG1 blob ends early", .usable = nv_usable, .batch_begin = nv_batch_begin, \
        .batch_end = nv_batch_end,                                                                 \
    }

const s4c_codec_ops s4c_nvcomp_zstd_ops =
    NVCOMP_KIND(2, "nvcomp-zstd", "NvcompZstd", enc_create_zstd, dec_create_zstd);
const s4c_codec_ops s4c_nvcomp_bitcomp_ops =
    NVCOMP_KIND(3, "nvcomp-bitcomp", "NvcompBitcomp", enc_create_bitcomp, dec_create_bitcomp);
const s4c_codec_ops s4c_nvcomp_gdeflate_ops =
    NVCOMP_KIND(6, "nvcomp-gdeflate", "NvcompGDeflate", enc_create_gdeflate, dec_create_gdeflate);
const s4c_codec_ops s4c_nvcomp_lz4_ops =
    NVCOMP_KIND(65, "nvcomp-lz4", "NvcompLz4", enc_create_lz4, dec_create_lz4);
