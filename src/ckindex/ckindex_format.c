/*
 * ckindex_format.c — the .s4ci checkpoint index: the object, its encoder and
 * its decoder for untrusted bytes (docs/formats/s4ci.md).
 *
 * Layout (little-endian):
 *    0  4  magic "S4CI"          4  1  version (1)      5  1  flags (0)
 *    6  2  codec kind            8  8  total index size
 *   16  8  checkpoint spacing   24  8  compressed size  32  8  uncompressed size
 *   40  4  fingerprint_len      44  8  XXH64 of the stream's first fingerprint_len bytes
 *   52  4  entry count
 *   56  …  entries: varint Δcompressed, varint Δuncompressed, varint state size, state
 *  end-4 4 CRC32C of every byte before it
 */
#include <xxhash.h>

#include "../stream/state_blob.h"
#include "ckindex_internal.h"

/* ------------------------------------------------------------------ object */

s4c_ckindex *s4c_cki_new(void) { return s4c_calloc(1, sizeof(s4c_ckindex)); }

s4c_status s4c_cki_append(s4c_ckindex *ix, uint64_t coff, uint64_t uoff, const uint8_t *blob,
                          size_t blob_size) {
    if (ix->count == ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 16;
        uint64_t *c = s4c_malloc(cap * sizeof(*c)), *u = s4c_malloc(cap * sizeof(*u));
        size_t *so = s4c_malloc(cap * sizeof(*so)), *sl = s4c_malloc(cap * sizeof(*sl));
        if (!c || !u || !so || !sl) {
            s4c_free(c);
            s4c_free(u);
            s4c_free(so);
            s4c_free(sl);
            return S4C_ERROR_OUT_OF_MEMORY;
        }
        if (ix->count) {
            memcpy(c, ix->coff, ix->count * sizeof(*c));
            memcpy(u, ix->uoff, ix->count * sizeof(*u));
            memcpy(so, ix->soff, ix->count * sizeof(*so));
            memcpy(sl, ix->slen, ix->count * sizeof(*sl));
        }
        s4c_free(ix->coff);
        s4c_free(ix->uoff);
        s4c_free(ix->soff);
        s4c_free(ix->slen);
        ix->coff = c;
        ix->uoff = u;
        ix->soff = so;
        ix->slen = sl;
        ix->cap = cap;
    }
    if (blob_size > ix->blobs_cap - ix->blobs_size) {
        size_t cap = ix->blobs_cap ? ix->blobs_cap : 4096;
        while (cap - ix->blobs_size < blob_size) {
            if (cap > SIZE_MAX / 2) return S4C_ERROR_OUT_OF_MEMORY;
            cap *= 2;
        }
        uint8_t *nb = s4c_malloc(cap);
        if (!nb) return S4C_ERROR_OUT_OF_MEMORY;
        if (ix->blobs_size) memcpy(nb, ix->blobs, ix->blobs_size);
        s4c_free(ix->blobs);
        ix->blobs = nb;
        ix->blobs_cap = cap;
    }
    if (blob_size) memcpy(ix->blobs + ix->blobs_size, blob, blob_size);
    ix->coff[ix->count] = coff;
    ix->uoff[ix->count] = uoff;
    ix->soff[ix->count] = ix->blobs_size;
    ix->slen[ix->count] = blob_size;
    ix->blobs_size += blob_size;
    ix->count++;
    return S4C_OK;
}

size_t s4c_cki_find(const s4c_ckindex *ix, uint64_t offset) {
    size_t lo = 0, hi = ix->count; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->uoff[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void s4c_ckindex_free(s4c_ckindex *ix) {
    if (!ix) return;
    s4c_free(ix->coff);
    s4c_free(ix->uoff);
    s4c_free(ix->soff);
    s4c_free(ix->slen);
    s4c_free(ix->blobs);
    s4c_free(ix);
}

uint32_t s4c_ckindex_kind(const s4c_ckindex *ix) { return ix ? ix->kind : 0; }
uint64_t s4c_ckindex_compressed_size(const s4c_ckindex *ix) { return ix ? ix->compressed_size : 0; }
uint64_t s4c_ckindex_uncompressed_size(const s4c_ckindex *ix) {
    return ix ? ix->uncompressed_size : 0;
}
size_t s4c_ckindex_count(const s4c_ckindex *ix) { return ix ? ix->count : 0; }

s4c_status s4c_ckindex_entry_at(const s4c_ckindex *ix, size_t i, s4c_ckindex_entry *e) {
    S4C_RETURN_IF(!ix || !e || i >= ix->count, S4C_ERROR_INVALID_ARGUMENT);
    e->compressed_offset = ix->coff[i];
    e->uncompressed_offset = ix->uoff[i];
    e->state = ix->slen[i] ? ix->blobs + ix->soff[i] : NULL;
    e->state_size = ix->slen[i];
    return S4C_OK;
}

/* ----------------------------------------------------------------- encoder */

static size_t varint_len(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static uint8_t *put_varint(uint8_t *p, uint64_t v) {
    do {
        uint8_t b = (uint8_t)(v & 0x7F);
        v >>= 7;
        *p++ = (uint8_t)(b | (v ? 0x80 : 0));
    } while (v);
    return p;
}

s4c_status s4c_ckindex_encode(const s4c_ckindex *ix, void *dst, size_t cap, size_t *size_ret) {
    if (size_ret) *size_ret = 0;
    S4C_RETURN_IF(!ix || !size_ret || ix->count == 0 || ix->count > UINT32_MAX,
                  S4C_ERROR_INVALID_ARGUMENT);
    size_t size = S4C_CKI_HEADER + 4;
    for (size_t i = 0; i < ix->count; i++) {
        uint64_t dc = i ? ix->coff[i] - ix->coff[i - 1] : ix->coff[0];
        uint64_t du = i ? ix->uoff[i] - ix->uoff[i - 1] : ix->uoff[0];
        size += varint_len(dc) + varint_len(du) + varint_len(ix->slen[i]) + ix->slen[i];
    }
    *size_ret = size;
    S4C_RETURN_IF(!dst || cap < size, S4C_ERROR_DST_TOO_SMALL);
    uint8_t *b = dst, *p = b;
    memcpy(p, S4C_CKI_MAGIC, 4);
    p[4] = S4C_CKI_VERSION;
    p[5] = 0;
    p[6] = (uint8_t)ix->kind;
    p[7] = (uint8_t)(ix->kind >> 8);
    s4c_store_le64(p + 8, size);
    s4c_store_le64(p + 16, ix->spacing);
    s4c_store_le64(p + 24, ix->compressed_size);
    s4c_store_le64(p + 32, ix->uncompressed_size);
    s4c_store_le32(p + 40, ix->fp_len);
    s4c_store_le64(p + 44, ix->fp);
    s4c_store_le32(p + 52, (uint32_t)ix->count);
    p += S4C_CKI_HEADER;
    for (size_t i = 0; i < ix->count; i++) {
        p = put_varint(p, i ? ix->coff[i] - ix->coff[i - 1] : ix->coff[0]);
        p = put_varint(p, i ? ix->uoff[i] - ix->uoff[i - 1] : ix->uoff[0]);
        p = put_varint(p, ix->slen[i]);
        if (ix->slen[i]) memcpy(p, ix->blobs + ix->soff[i], ix->slen[i]);
        p += ix->slen[i];
    }
    s4c_store_le32(p, s4c_crc32c(0, b, size - 4));
    return S4C_OK;
}

/* ----------------------------------------------------------------- decoder */

#define BAD(...) s4c_fail(d, S4C_ERROR_CKINDEX_INVALID, "invalid checkpoint index: " __VA_ARGS__)

static int resumable_kind(uint32_t kind) {
    return kind == S4C_KIND_CPU_LZ4 || kind == S4C_KIND_CPU_GZIP || kind == S4C_KIND_CPU_ZSTD;
}

/* Checks entry i's state blob against the index and the entry. */
static s4c_status check_state(const s4c_ckindex *ix, size_t i, const uint8_t *blob, size_t n,
                              s4c_error_detail *d) {
    s4c_state_info info;
    s4c_error_detail inner;
    s4c_status st = s4c_state_inspect(blob, n, &info, &inner);
    if (st != S4C_OK)
        return BAD("entry %zu: its state does not check: %s", i, inner.message);
    if (info.kind != ix->kind)
        return BAD("entry %zu: its state is for codec kind %u, the index for kind %u", i,
                   info.kind, ix->kind);
    if (!info.at_checkpoint)
        return BAD("entry %zu: its state was not saved at a checkpoint (not exact)", i);
    if (info.resume_offset != ix->coff[i] || info.resume_produced != ix->uoff[i])
        return BAD("entry %zu: its state stands at %llu/%llu, the entry says %llu/%llu", i,
                   (unsigned long long)info.resume_offset,
                   (unsigned long long)info.resume_produced, (unsigned long long)ix->coff[i],
                   (unsigned long long)ix->uoff[i]);
    if (info.fingerprint_len > ix->fp_len)
        return BAD("entry %zu: its state fingerprints %u bytes, the index only %u", i,
                   info.fingerprint_len, ix->fp_len);
    if (info.fingerprint_len == ix->fp_len && s4c_load_le64(blob + 48) != ix->fp)
        return BAD("entry %zu: its state belongs to another stream (fingerprint differs)", i);
    return S4C_OK;
}

s4c_status s4c_ckindex_decode(const void *src, size_t size, s4c_ckindex **ix_ret,
                              s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!ix_ret || (!src && size), S4C_ERROR_INVALID_ARGUMENT);
    *ix_ret = NULL;
    const uint8_t *b = src;
    if (size < 4 || memcmp(b, S4C_CKI_MAGIC, 4) != 0)
        return BAD("not a checkpoint index (no \"S4CI\" magic)");
    if (size < 5 || b[4] != S4C_CKI_VERSION)
        return BAD("version %u is not supported (this build reads version %u)",
                   size < 5 ? 0u : b[4], S4C_CKI_VERSION);
    if (size < S4C_CKI_MIN)
        return BAD("%zu bytes is shorter than the smallest index (%u bytes)", size,
                   (unsigned)S4C_CKI_MIN);
    uint64_t total = s4c_load_le64(b + 8);
    if (total != size)
        return BAD("it declares %llu bytes but %zu were given", (unsigned long long)total, size);
    uint32_t stored = s4c_load_le32(b + size - 4), computed = s4c_crc32c(0, b, size - 4);
    if (stored != computed)
        return BAD("CRC32C mismatch (stored %08x, computed %08x)", stored, computed);
    if (b[5] != 0) return BAD("unknown flags 0x%02x", b[5]);
    uint32_t kind = (uint32_t)b[6] | ((uint32_t)b[7] << 8);
    if (!resumable_kind(kind))
        return BAD("codec kind %u is not cpu-lz4, cpu-gzip or cpu-zstd", kind);
    uint64_t spacing = s4c_load_le64(b + 16);
    if (spacing == 0) return BAD("checkpoint spacing 0");
    uint64_t csize = s4c_load_le64(b + 24), usize = s4c_load_le64(b + 32);
    if (csize == 0) return BAD("compressed size 0 (no stream is empty)");
    uint32_t fp_len = s4c_load_le32(b + 40);
    uint64_t want_fp = csize < S4C_FINGERPRINT_BYTES ? csize : S4C_FINGERPRINT_BYTES;
    if (fp_len != want_fp)
        return BAD("the fingerprint covers %u bytes, a %llu-byte stream needs %llu", fp_len,
                   (unsigned long long)csize, (unsigned long long)want_fp);
    uint32_t count = s4c_load_le32(b + 52);
    if (count == 0) return BAD("no entries (entry 0, the stream start, is required)");
    /* Entry 0 takes at least 3 bytes, every other at least 3 + a 60-byte state. */
    size_t body = size - S4C_CKI_HEADER - 4;
    if ((uint64_t)count - 1 > (body - 3) / 63)
        return BAD("%u entries cannot fit in %zu bytes", count, body);

    s4c_ckindex *ix = s4c_cki_new();
    S4C_RETURN_IF(!ix, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    ix->kind = kind;
    ix->spacing = spacing;
    ix->compressed_size = csize;
    ix->uncompressed_size = usize;
    ix->fp_len = fp_len;
    ix->fp = s4c_load_le64(b + 44);
    s4c_status st = S4C_OK;
    s4c_blob_reader r;
    s4c_blob_reader_init(&r, b + S4C_CKI_HEADER, body);
    uint64_t coff = 0, uoff = 0;
    for (uint32_t i = 0; i < count && st == S4C_OK; i++) {
        uint64_t dc = s4c_blob_get_varint(&r), du = s4c_blob_get_varint(&r);
        uint64_t sl = s4c_blob_get_varint(&r);
        if (r.bad) {
            st = BAD("entry %u: %s", i, r.why);
            break;
        }
        if (i == 0) {
            if (dc || du || sl) {
                st = BAD("entry 0 must be the stream start with no state (got %llu/%llu, "
                         "%llu-byte state)",
                         (unsigned long long)dc, (unsigned long long)du, (unsigned long long)sl);
                break;
            }
        } else {
            if (du == 0) {
                st = BAD("entry %u: uncompressed offsets are not increasing", i);
                break;
            }
            if (dc > csize - coff || du > usize - uoff) {
                st = BAD("entry %u: offsets run past the stream (compressed %llu + %llu of %llu, "
                         "uncompressed %llu + %llu of %llu)",
                         i, (unsigned long long)coff, (unsigned long long)dc,
                         (unsigned long long)csize, (unsigned long long)uoff,
                         (unsigned long long)du, (unsigned long long)usize);
                break;
            }
            coff += dc;
            uoff += du;
            if (coff >= csize || uoff >= usize) {
                st = BAD("entry %u lies at the end of the stream (%llu/%llu)", i,
                         (unsigned long long)coff, (unsigned long long)uoff);
                break;
            }
            if (sl < 60 || sl > r.size - r.pos) {
                st = BAD("entry %u: state size %llu is out of range (60..%zu)", i,
                         (unsigned long long)sl, r.size - r.pos);
                break;
            }
        }
        const uint8_t *blob = sl ? s4c_blob_get_bytes(&r, (size_t)sl) : NULL;
        st = s4c_cki_append(ix, coff, uoff, blob, (size_t)sl);
        if (st != S4C_OK) {
            s4c_fail(d, st, "out of memory");
            break;
        }
        if (sl) st = check_state(ix, i, blob, (size_t)sl, d);
    }
    if (st == S4C_OK && !s4c_blob_reader_done(&r))
        st = BAD("%zu bytes after the last entry", r.size - r.pos);
    if (st != S4C_OK) {
        s4c_ckindex_free(ix);
        return st;
    }
    *ix_ret = ix;
    return S4C_OK;
}
