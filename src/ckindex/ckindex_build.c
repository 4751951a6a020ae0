/*
 * ckindex_build.c — s4c_ckindex_build: one scan of a whole stream with a
 * decoder that stops at every recorded checkpoint (stop_at_checkpoint = 1,
 * checkpoint_spacing = the index's spacing); each stop saves an exact state
 * (s4c_decoder_save) as an entry. Entry 0 is the stream start (no state: a
 * fresh decoder). Checkpoints at the very end of the stream are dropped.
 */
#include <xxhash.h>

#include "../codecs/zstd_internal.h"
#include "ckindex_internal.h"

#define BUILD_IN_CHUNK ((size_t)1 << 20)
#define BUILD_OUT_CHUNK ((size_t)1 << 20)
#define DETECT_MAX ((size_t)1 << 20)

/* Reads the stream's first bytes until the kind is known. */
static s4c_status detect(s4c_read_at_fn read, void *ctx, uint8_t *buf, size_t *n, int *eof,
                         uint32_t *kind, s4c_error_detail *d) {
    size_t have = 0, want = 64 * 1024;
    for (;;) {
        size_t got = 0;
        s4c_status st = read(ctx, have, buf + have, want - have, &got);
        if (st != S4C_OK) return s4c_fail(d, st, "reading the stream at offset %zu failed", have);
        have += got;
        int at_end = have < want;
        st = have ? s4c_detect_kind(buf, have, kind) : S4C_ERROR_TRUNCATED_INPUT;
        if (st == S4C_OK) break;
        if (have == 0) return s4c_fail(d, S4C_ERROR_TRUNCATED_INPUT, "the stream is empty");
        if (st != S4C_ERROR_TRUNCATED_INPUT)
            return s4c_fail(d, st, "unknown format (not zstd, gzip or lz4)");
        if (at_end || want == DETECT_MAX)
            return s4c_fail(d, S4C_ERROR_TRUNCATED_INPUT,
                            "the stream is too short to tell its format");
        want = DETECT_MAX;
    }
    *n = have;
    *eof = have < want;
    if (*kind != S4C_KIND_CPU_LZ4 && *kind != S4C_KIND_CPU_GZIP && *kind != S4C_KIND_CPU_ZSTD)
        return s4c_fail(d, S4C_ERROR_UNSUPPORTED, "codec %s cannot be indexed",
                        s4c_kind_name(*kind));
    return S4C_OK;
}

static s4c_status decoder_fail(s4c_decoder *dec, s4c_status st, s4c_error_detail *d) {
    const s4c_error_detail *e = s4c_decoder_error(dec);
    if (d && e && e->status != S4C_OK) {
        *d = *e;
        return e->status;
    }
    return s4c_fail(d, st, "%s", s4c_strerror(st));
}

/* Saves the decoder's exact state at a checkpoint as a new entry. */
static s4c_status add_entry(s4c_ckindex *ix, s4c_decoder *dec, uint8_t **blob, size_t *blob_cap,
                            s4c_error_detail *d) {
    size_t need = 0;
    s4c_status st = s4c_decoder_save(dec, *blob, *blob_cap, &need, d);
    if (st == S4C_ERROR_DST_TOO_SMALL) {
        s4c_free(*blob);
        *blob_cap = need + need / 2;
        *blob = s4c_malloc(*blob_cap);
        if (!*blob) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
        st = s4c_decoder_save(dec, *blob, *blob_cap, &need, d);
    }
    if (st != S4C_OK) return st;
    s4c_state_info info;
    S4C_TRY(s4c_state_inspect(*blob, need, &info, d));
    if (!info.at_checkpoint) return S4C_OK; /* not exact: of no use to the index */
    uint64_t last = ix->uoff[ix->count - 1];
    if (info.resume_produced <= last) return S4C_OK; /* same place as the previous entry */
    st = s4c_cki_append(ix, info.resume_offset, info.resume_produced, *blob, need);
    return st == S4C_OK ? st : s4c_fail(d, st, "out of memory");
}

/* 1 when the stream has a byte at offset `off`. */
static int has_byte(s4c_read_at_fn read, void *ctx, uint64_t off, s4c_status *st) {
    uint8_t b;
    size_t got = 0;
    *st = read(ctx, off, &b, 1, &got);
    return *st == S4C_OK && got == 1;
}

/* The stream's size by probing single bytes (the callback has no size). */
static s4c_status probe_size(s4c_read_at_fn read, void *ctx, uint64_t known, uint64_t *size) {
    s4c_status st = S4C_OK;
    uint64_t lo = known, hi = known ? known : 1; /* bytes [0, lo) exist */
    while (has_byte(read, ctx, hi, &st)) {
        lo = hi + 1;
        if (hi > UINT64_MAX / 4) return S4C_ERROR_UNSUPPORTED;
        hi *= 2;
    }
    S4C_TRY(st);
    /* byte hi is absent, bytes below lo exist: the size is in [lo, hi] */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (has_byte(read, ctx, mid, &st))
            lo = mid + 1;
        else {
            S4C_TRY(st);
            hi = mid;
        }
    }
    *size = lo;
    return S4C_OK;
}

/*
 * The fast path for zstd's seekable format: the seek table gives every frame
 * boundary, and a decoder standing at a boundary needs no decoding
 * (s4c_zstd_decoder_at_boundary), so the entries come without a scan — the
 * same entries and states a scan records (tested). *used = 0 (and S4C_OK)
 * when the stream has no usable seek table: the caller scans.
 */
static s4c_status build_from_seek_table(s4c_read_at_fn read, void *ctx, const uint8_t *head,
                                        size_t head_n, s4c_ckindex *ix, int *used,
                                        uint8_t **blob, size_t *blob_cap, s4c_error_detail *d) {
    *used = 0;
    uint64_t size = 0;
    if (probe_size(read, ctx, head_n, &size) != S4C_OK) return S4C_OK;
    s4c_zstd_seek_table t;
    s4c_error_detail ignored;
    if (s4c_zstd_seek_table_read(read, ctx, size, &t, &ignored) != S4C_OK) return S4C_OK;
    if (t.frames == 0) {
        s4c_zstd_seek_table_release(&t);
        return S4C_OK;
    }
    /* Frames that state their content size must agree with the table; a
     * table that disagrees is not used (the scan then tells the truth). */
    for (size_t i = 0; i < t.frames; i++) {
        uint8_t fh[ZSTD_FRAMEHEADERSIZE_MAX];
        size_t got = 0;
        if (read(ctx, t.compressed_offset[i], fh, sizeof fh, &got) != S4C_OK) {
            s4c_zstd_seek_table_release(&t);
            return S4C_OK;
        }
        unsigned long long fcs = ZSTD_getFrameContentSize(fh, got);
        if (fcs == ZSTD_CONTENTSIZE_ERROR ||
            (fcs != ZSTD_CONTENTSIZE_UNKNOWN && fcs != t.entries[i].decompressed_size)) {
            s4c_zstd_seek_table_release(&t);
            return S4C_OK;
        }
    }
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.checkpoint_spacing = ix->spacing;
    o.stop_at_checkpoint = 1;
    s4c_status st = S4C_OK;
    uint64_t last = 0, checkpoints = 0;
    for (size_t i = 1; i < t.frames && st == S4C_OK; i++) {
        uint64_t c = t.compressed_offset[i], u = t.decompressed_offset[i];
        if (u - last < ix->spacing || u >= t.decompressed_size) continue;
        checkpoints++;
        last = u;
        s4c_decoder *dec = NULL;
        size_t fp = c < S4C_FINGERPRINT_BYTES ? (size_t)c : S4C_FINGERPRINT_BYTES;
        st = s4c_zstd_decoder_at_boundary(S4C_KIND_CPU_ZSTD, &o, head, fp, c, u, checkpoints, u,
                                          &dec, d);
        if (st == S4C_OK) st = add_entry(ix, dec, blob, blob_cap, d);
        s4c_decoder_free(dec);
    }
    if (st == S4C_OK) {
        ix->compressed_size = size;
        ix->uncompressed_size = t.decompressed_size;
        *used = 1;
    }
    s4c_zstd_seek_table_release(&t);
    return st;
}

s4c_status s4c_ckindex_build(s4c_read_at_fn read, void *ctx, uint64_t spacing,
                             s4c_ckindex **ix_ret, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!read || !ix_ret, S4C_ERROR_INVALID_ARGUMENT);
    *ix_ret = NULL;
    if (spacing == 0) spacing = S4C_CHECKPOINT_SPACING_DEFAULT;

    uint8_t *in = s4c_malloc(DETECT_MAX), *out = s4c_malloc(BUILD_OUT_CHUNK);
    uint8_t *blob = NULL;
    size_t blob_cap = 0;
    s4c_ckindex *ix = s4c_cki_new();
    s4c_decoder *dec = NULL;
    s4c_status st = in && out && ix ? S4C_OK : S4C_ERROR_OUT_OF_MEMORY;
    if (st != S4C_OK) s4c_fail(d, st, "out of memory");
    size_t n = 0;
    int eof = 0;
    uint32_t kind = 0;
    if (st == S4C_OK) st = detect(read, ctx, in, &n, &eof, &kind, d);
    if (st == S4C_OK) {
        ix->kind = kind;
        ix->spacing = spacing;
        ix->fp_len = (uint32_t)(n < S4C_FINGERPRINT_BYTES ? n : S4C_FINGERPRINT_BYTES);
        ix->fp = XXH64(in, ix->fp_len, 0);
        st = s4c_cki_append(ix, 0, 0, NULL, 0);
        if (st != S4C_OK) s4c_fail(d, st, "out of memory");
    }
    if (st == S4C_OK && kind == S4C_KIND_CPU_ZSTD) {
        int used = 0;
        st = build_from_seek_table(read, ctx, in, n, ix, &used, &blob, &blob_cap, d);
        if (st == S4C_OK && used) {
            s4c_free(in);
            s4c_free(out);
            s4c_free(blob);
            *ix_ret = ix;
            return S4C_OK;
        }
    }
    if (st == S4C_OK) {
        s4c_decoder_options o;
        s4c_decoder_options_init(&o);
        o.checkpoint_spacing = spacing;
        o.stop_at_checkpoint = 1;
        st = s4c_decoder_create(kind, &o, &dec, d);
    }
    uint64_t next_read = n; /* stream offset of the byte after in[0..n) */
    uint64_t seen_checkpoints = 0;
    s4c_in_buffer ib = {in, n, 0};
    while (st == S4C_OK) {
        if (ib.pos == ib.size && !eof) {
            size_t got = 0;
            st = read(ctx, next_read, in, BUILD_IN_CHUNK, &got);
            if (st != S4C_OK) {
                s4c_fail(d, st, "reading the stream at offset %llu failed",
                         (unsigned long long)next_read);
                break;
            }
            next_read += got;
            eof = got < BUILD_IN_CHUNK;
            ib.size = got;
            ib.pos = 0;
        }
        s4c_out_buffer ob = {out, BUILD_OUT_CHUNK, 0};
        size_t before = ib.pos;
        s4c_status ds = s4c_decoder_stream(dec, &ib, &ob, NULL);
        if (ds != S4C_OK) {
            st = decoder_fail(dec, ds, d);
            break;
        }
        s4c_decoder_position pos;
        st = s4c_decoder_get_position(dec, &pos);
        if (st != S4C_OK) {
            s4c_fail(d, st, "%s decoders cannot report their position", s4c_kind_name(kind));
            break;
        }
        int new_checkpoint = pos.at_checkpoint && pos.checkpoints != seen_checkpoints;
        if (new_checkpoint) {
            seen_checkpoints = pos.checkpoints;
            st = add_entry(ix, dec, &blob, &blob_cap, d);
            if (st != S4C_OK) break;
        }
        if (ob.pos == 0 && ib.pos == before && !new_checkpoint) {
            if (eof && ib.pos == ib.size) break; /* drained */
            if (ib.pos < ib.size) {
                st = s4c_fail(d, S4C_ERROR_BACKEND, "the decoder made no progress");
                break;
            }
        }
    }
    if (st == S4C_OK && s4c_decoder_finish(dec) != S4C_OK)
        st = decoder_fail(dec, S4C_ERROR_TRUNCATED_INPUT, d);
    if (st == S4C_OK) {
        s4c_decoder_position pos;
        s4c_decoder_get_position(dec, &pos);
        if (pos.consumed != next_read)
            st = s4c_fail(d, S4C_ERROR_TRAILING_DATA,
                          "the decoder stopped at byte %llu of %llu",
                          (unsigned long long)pos.consumed, (unsigned long long)next_read);
        ix->compressed_size = next_read;
        ix->uncompressed_size = pos.produced;
        /* Checkpoints at the end of the stream give nothing to resume. */
        while (ix->count > 1 && (ix->uoff[ix->count - 1] >= ix->uncompressed_size ||
                                 ix->coff[ix->count - 1] >= ix->compressed_size)) {
            ix->count--;
            ix->blobs_size = ix->soff[ix->count];
        }
    }
    s4c_decoder_free(dec);
    s4c_free(in);
    s4c_free(out);
    s4c_free(blob);
    if (st != S4C_OK) {
        s4c_ckindex_free(ix);
        return st;
    }
    *ix_ret = ix;
    return S4C_OK;
}
