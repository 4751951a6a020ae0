/*
 * codecs_raw.c — the peers: each raw library called directly, the way a
 * careful user would call it for one-shot work (contexts created once and
 * reused across calls, the one-shot entry points, no extra checksums beyond
 * what the format itself carries):
 *   libzstd     ZSTD_compressCCtx / ZSTD_decompressDCtx (reused CCtx/DCtx)
 *   libzstd+dict ZSTD_compress_usingCDict / ZSTD_decompress_usingDDict
 *   liblz4      LZ4F_compressFrame / LZ4F_decompress (reused dctx), 64 KiB
 *               independent blocks, no checksums (our defaults)
 *   libdeflate  libdeflate_gzip_compress / libdeflate_gzip_decompress
 *   ISA-L       isal_deflate / isal_inflate with the gzip wrapper
 *   zlib        deflate / inflate, windowBits 31 (gzip), memLevel 8
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <lz4.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include "bench.h"

static int fail(const char *lib, const char *what) {
    fprintf(stderr, "s4c_bench: %s: %s\n", lib, what);
    return -1;
}

/* ---------------------------------------------------------------- zstd */

typedef struct zstd_state {
    int level;
    ZSTD_CCtx *cctx;
    ZSTD_DCtx *dctx;
    ZSTD_CDict *cdict; /* dictionary rows only */
    ZSTD_DDict *ddict;
} zstd_state;

static size_t zstd_bound(void *state, size_t n) {
    (void)state;
    return ZSTD_compressBound(n);
}

static int zstd_compress(void *state, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                         bench_record *rec) {
    zstd_state *s = state;
    size_t r = s->cdict ? ZSTD_compress_usingCDict(s->cctx, dst, cap, src, n, s->cdict)
                        : ZSTD_compressCCtx(s->cctx, dst, cap, src, n, s->level);
    if (ZSTD_isError(r)) return fail("zstd compress", ZSTD_getErrorName(r));
    rec->comp_size = r;
    return 0;
}

static int zstd_decompress(void *state, const uint8_t *src, const bench_record *rec, uint8_t *dst,
                           size_t cap) {
    zstd_state *s = state;
    size_t r = s->ddict
                   ? ZSTD_decompress_usingDDict(s->dctx, dst, cap, src, rec->comp_size, s->ddict)
                   : ZSTD_decompressDCtx(s->dctx, dst, cap, src, rec->comp_size);
    if (ZSTD_isError(r)) return fail("zstd decompress", ZSTD_getErrorName(r));
    if (r != rec->raw_size) return fail("zstd decompress", "wrong length");
    return 0;
}

static void zstd_destroy(void *state) {
    zstd_state *s = state;
    if (!s) return;
    ZSTD_freeCCtx(s->cctx);
    ZSTD_freeDCtx(s->dctx);
    ZSTD_freeCDict(s->cdict);
    ZSTD_freeDDict(s->ddict);
    free(s);
}

static int zstd_make(int level, const void *dict, size_t dict_size, bench_codec *out) {
    zstd_state *s = calloc(1, sizeof(*s));
    if (!s) return -1;
    s->level = level;
    s->cctx = ZSTD_createCCtx();
    s->dctx = ZSTD_createDCtx();
    if (dict) {
        s->cdict = ZSTD_createCDict(dict, dict_size, level);
        s->ddict = ZSTD_createDDict(dict, dict_size);
    }
    if (!s->cctx || !s->dctx || (dict && (!s->cdict || !s->ddict))) {
        zstd_destroy(s);
        return -1;
    }
    snprintf(out->label, sizeof out->label, "libzstd %s", ZSTD_versionString());
    out->state = s;
    out->bound = zstd_bound;
    out->compress = zstd_compress;
    out->decompress = zstd_decompress;
    out->destroy = zstd_destroy;
    return 0;
}

int bench_codec_zstd(int level, bench_codec *out) { return zstd_make(level, NULL, 0, out); }

int bench_codec_zstd_dict(int level, const void *dict, size_t dict_size, bench_codec *out) {
    return zstd_make(level, dict, dict_size, out);
}

/* ---------------------------------------------------------------- lz4 frame */

typedef struct lz4f_state {
    LZ4F_preferences_t prefs;
    LZ4F_dctx *dctx;
} lz4f_state;

static size_t lz4f_bound(void *state, size_t n) {
    lz4f_state *s = state;
    return LZ4F_compressFrameBound(n, &s->prefs);
}

static int lz4f_compress(void *state, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                         bench_record *rec) {
    lz4f_state *s = state;
    size_t r = LZ4F_compressFrame(dst, cap, src, n, &s->prefs);
    if (LZ4F_isError(r)) return fail("LZ4F_compressFrame", LZ4F_getErrorName(r));
    rec->comp_size = r;
    return 0;
}

static int lz4f_decompress(void *state, const uint8_t *src, const bench_record *rec, uint8_t *dst,
                           size_t cap) {
    lz4f_state *s = state;
    size_t in_pos = 0, out_pos = 0;
    for (;;) {
        size_t in_n = rec->comp_size - in_pos, out_n = cap - out_pos;
        size_t r = LZ4F_decompress(s->dctx, dst + out_pos, &out_n, src + in_pos, &in_n, NULL);
        if (LZ4F_isError(r)) {
            LZ4F_resetDecompressionContext(s->dctx);
            return fail("LZ4F_decompress", LZ4F_getErrorName(r));
        }
        in_pos += in_n;
        out_pos += out_n;
        if (r == 0) break;
        if (in_n == 0 && out_n == 0) {
            LZ4F_resetDecompressionContext(s->dctx);
            return fail("LZ4F_decompress", "truncated frame");
        }
    }
    if (out_pos != rec->raw_size) return fail("LZ4F_decompress", "wrong length");
    return 0;
}

static void lz4f_destroy(void *state) {
    lz4f_state *s = state;
    if (!s) return;
    LZ4F_freeDecompressionContext(s->dctx);
    free(s);
}

int bench_codec_lz4f(int level, bench_codec *out) {
    lz4f_state *s = calloc(1, sizeof(*s));
    if (!s) return -1;
    memset(&s->prefs, 0, sizeof s->prefs);
    s->prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    s->prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    s->prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
    s->prefs.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum;
    s->prefs.compressionLevel = level;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&s->dctx, LZ4F_VERSION))) {
        free(s);
        return -1;
    }
    snprintf(out->label, sizeof out->label, "liblz4 %s", LZ4_versionString());
    out->state = s;
    out->bound = lz4f_bound;
    out->compress = lz4f_compress;
    out->decompress = lz4f_decompress;
    out->destroy = lz4f_destroy;
    return 0;
}

/* ---------------------------------------------------------------- libdeflate */

typedef struct libdeflate_state {
    struct libdeflate_compressor *c;
    struct libdeflate_decompressor *d;
} libdeflate_state;

static size_t libdeflate_bound(void *state, size_t n) {
    libdeflate_state *s = state;
    return libdeflate_gzip_compress_bound(s->c, n);
}

static int libdeflate_compress(void *state, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                               bench_record *rec) {
    libdeflate_state *s = state;
    size_t r = libdeflate_gzip_compress(s->c, src, n, dst, cap);
    if (r == 0) return fail("libdeflate_gzip_compress", "output does not fit");
    rec->comp_size = r;
    return 0;
}

static int libdeflate_decompress(void *state, const uint8_t *src, const bench_record *rec,
                                 uint8_t *dst, size_t cap) {
    libdeflate_state *s = state;
    size_t got = 0;
    enum libdeflate_result r =
        libdeflate_gzip_decompress(s->d, src, rec->comp_size, dst, cap, &got);
    if (r != LIBDEFLATE_SUCCESS) return fail("libdeflate_gzip_decompress", "failed");
    if (got != rec->raw_size) return fail("libdeflate_gzip_decompress", "wrong length");
    return 0;
}

static void libdeflate_destroy(void *state) {
    libdeflate_state *s = state;
    if (!s) return;
    libdeflate_free_compressor(s->c);
    libdeflate_free_decompressor(s->d);
    free(s);
}

int bench_codec_libdeflate(int level, bench_codec *out) {
    libdeflate_state *s = calloc(1, sizeof(*s));
    if (!s) return -1;
    s->c = libdeflate_alloc_compressor(level);
    s->d = libdeflate_alloc_decompressor();
    if (!s->c || !s->d) {
        libdeflate_destroy(s);
        return -1;
    }
    snprintf(out->label, sizeof out->label, "libdeflate %s", LIBDEFLATE_VERSION_STRING);
    out->state = s;
    out->bound = libdeflate_bound;
    out->compress = libdeflate_compress;
    out->decompress = libdeflate_decompress;
    out->destroy = libdeflate_destroy;
    return 0;
}

/* ---------------------------------------------------------------- ISA-L */

typedef struct isal_state {
    int level;
    uint8_t *level_buf;
    uint32_t level_buf_size;
    struct isal_zstream zs;
    struct inflate_state is;
} isal_state;

static size_t isal_bound(void *state, size_t n) {
    (void)state;
    /* stored blocks: 5 bytes per 64 KiB block, plus gzip header/trailer */
    return n + n / 16 + 1024;
}

static int isal_compress(void *state, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                         bench_record *rec) {
    isal_state *s = state;
    if (n > UINT32_MAX || cap > UINT32_MAX) return fail("isal_deflate", "input over 4 GiB");
    isal_deflate_init(&s->zs);
    s->zs.level = (uint32_t)s->level;
    s->zs.level_buf = s->level_buf;
    s->zs.level_buf_size = s->level_buf_size;
    s->zs.gzip_flag = IGZIP_GZIP;
    s->zs.end_of_stream = 1;
    s->zs.flush = NO_FLUSH;
    s->zs.next_in = (uint8_t *)src;
    s->zs.avail_in = (uint32_t)n;
    s->zs.next_out = dst;
    s->zs.avail_out = (uint32_t)cap;
    int r = isal_deflate(&s->zs);
    if (r != COMP_OK || s->zs.internal_state.state != ZSTATE_END)
        return fail("isal_deflate", "did not finish");
    rec->comp_size = s->zs.total_out;
    return 0;
}

static int isal_decompress(void *state, const uint8_t *src, const bench_record *rec, uint8_t *dst,
                           size_t cap) {
    isal_state *s = state;
    if (rec->comp_size > UINT32_MAX || cap > UINT32_MAX) return fail("isal_inflate", "over 4 GiB");
    isal_inflate_init(&s->is);
    s->is.crc_flag = ISAL_GZIP;
    s->is.next_in = (uint8_t *)src;
    s->is.avail_in = (uint32_t)rec->comp_size;
    s->is.next_out = dst;
    s->is.avail_out = (uint32_t)cap;
    int r = isal_inflate(&s->is);
    if (r != ISAL_DECOMP_OK || s->is.block_state != ISAL_BLOCK_FINISH)
        return fail("isal_inflate", "failed");
    if (s->is.total_out != rec->raw_size) return fail("isal_inflate", "wrong length");
    return 0;
}

static void isal_destroy(void *state) {
    isal_state *s = state;
    if (!s) return;
    free(s->level_buf);
    free(s);
}

int bench_codec_isal(int isal_level, bench_codec *out) {
    static const uint32_t level_buf_sizes[] = {ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT,
                                               ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT};
    if (isal_level < 0 || isal_level > 3) return -1;
    isal_state *s = calloc(1, sizeof(*s));
    if (!s) return -1;
    s->level = isal_level;
    s->level_buf_size = level_buf_sizes[isal_level];
    if (s->level_buf_size) {
        s->level_buf = malloc(s->level_buf_size);
        if (!s->level_buf) {
            free(s);
            return -1;
        }
    }
    snprintf(out->label, sizeof out->label, "ISA-L igzip L%d", isal_level);
    out->state = s;
    out->bound = isal_bound;
    out->compress = isal_compress;
    out->decompress = isal_decompress;
    out->destroy = isal_destroy;
    return 0;
}

/* ---------------------------------------------------------------- zlib */

typedef struct zlib_state {
    int level;
    z_stream def;
    z_stream inf;
} zlib_state;

static size_t zlib_bound(void *state, size_t n) {
    zlib_state *s = state;
    return deflateBound(&s->def, (uLong)n);
}

static int zlib_compress(void *state, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                         bench_record *rec) {
    zlib_state *s = state;
    if (n > UINT32_MAX || cap > UINT32_MAX) return fail("zlib deflate", "over 4 GiB");
    if (deflateReset(&s->def) != Z_OK) return fail("zlib deflate", "reset");
    s->def.next_in = (Bytef *)src;
    s->def.avail_in = (uInt)n;
    s->def.next_out = dst;
    s->def.avail_out = (uInt)cap;
    if (deflate(&s->def, Z_FINISH) != Z_STREAM_END) return fail("zlib deflate", "did not finish");
    rec->comp_size = s->def.total_out;
    return 0;
}

static int zlib_decompress(void *state, const uint8_t *src, const bench_record *rec, uint8_t *dst,
                           size_t cap) {
    zlib_state *s = state;
    if (rec->comp_size > UINT32_MAX || cap > UINT32_MAX) return fail("zlib inflate", "over 4 GiB");
    if (inflateReset(&s->inf) != Z_OK) return fail("zlib inflate", "reset");
    s->inf.next_in = (Bytef *)src;
    s->inf.avail_in = (uInt)rec->comp_size;
    s->inf.next_out = dst;
    s->inf.avail_out = (uInt)cap;
    if (inflate(&s->inf, Z_FINISH) != Z_STREAM_END) return fail("zlib inflate", "failed");
    if (s->inf.total_out != rec->raw_size) return fail("zlib inflate", "wrong length");
    return 0;
}

static void zlib_destroy(void *state) {
    zlib_state *s = state;
    if (!s) return;
    deflateEnd(&s->def);
    inflateEnd(&s->inf);
    free(s);
}

int bench_codec_zlib(int level, bench_codec *out) {
    zlib_state *s = calloc(1, sizeof(*s));
    if (!s) return -1;
    s->level = level;
    if (deflateInit2(&s->def, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(s);
        return -1;
    }
    if (inflateInit2(&s->inf, 31) != Z_OK) {
        deflateEnd(&s->def);
        free(s);
        return -1;
    }
    snprintf(out->label, sizeof out->label, "zlib %s", zlibVersion());
    out->state = s;
    out->bound = zlib_bound;
    out->compress = zlib_compress;
    out->decompress = zlib_decompress;
    out->destroy = zlib_destroy;
    return 0;
}

/* ------------------------------------------------- libdeflate + ISA-L inflate */

/* cpu-gzip's own split (docs/codecs/gzip.md): libdeflate deflates, ISA-L inflates. */
typedef struct gzip_split_state {
    bench_codec deflater;
    bench_codec inflater;
} gzip_split_state;

static size_t split_bound(void *state, size_t n) {
    gzip_split_state *s = state;
    return s->deflater.bound(s->deflater.state, n);
}

static int split_compress(void *state, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                          bench_record *rec) {
    gzip_split_state *s = state;
    return s->deflater.compress(s->deflater.state, src, n, dst, cap, rec);
}

static int split_decompress(void *state, const uint8_t *src, const bench_record *rec, uint8_t *dst,
                            size_t cap) {
    gzip_split_state *s = state;
    return s->inflater.decompress(s->inflater.state, src, rec, dst, cap);
}

static void split_destroy(void *state) {
    gzip_split_state *s = state;
    if (!s) return;
    bench_codec_free(&s->deflater);
    bench_codec_free(&s->inflater);
    free(s);
}

int bench_codec_libdeflate_isal(int level, bench_codec *out) {
    gzip_split_state *s = calloc(1, sizeof(*s));
    if (!s) return -1;
    if (bench_codec_libdeflate(level, &s->deflater) != 0) {
        free(s);
        return -1;
    }
    if (bench_codec_isal(0, &s->inflater) != 0) {
        bench_codec_free(&s->deflater);
        free(s);
        return -1;
    }
    snprintf(out->label, sizeof out->label, "libdeflate %s + ISA-L inflate",
             LIBDEFLATE_VERSION_STRING);
    out->state = s;
    out->bound = split_bound;
    out->compress = split_compress;
    out->decompress = split_decompress;
    out->destroy = split_destroy;
    return 0;
}
