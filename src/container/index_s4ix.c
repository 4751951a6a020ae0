/*
 * index_s4ix.c — the S4IX `.s4index` sidecar: the index object, its encoder
 * and its decoder (docs/formats/s4ix.md).
 *
 * The decoder is S4's, check for check and text for text, in S4's order —
 * including its quirks: the entry-count limit is checked before the version,
 * the stored total_original is ignored and recomputed, a non-UTF-8 etag is
 * quietly dropped, and an SSE block with a zero chunk size or count means "no
 * binding". Every s4c_index in memory keeps the decoder's invariants (append
 * and bind refuse what a decode would refuse), so encode → decode round-trips.
 */
#include <stdio.h>

#include "container_internal.h"

static const uint8_t index_magic[4] = {0x53, 0x34, 0x49, 0x58}; /* "S4IX" */

struct s4c_index {
    uint32_t version; /* decoded from; 0 for an index built in memory */
    s4c_index_entry *entries;
    size_t count, capacity;
    uint64_t total_padded;
    int has_source_size;
    uint64_t source_size;
    char *etag; /* NUL-terminated copy, or NULL */
    size_t etag_len;
    int has_sse;
    s4c_sse_binding sse;
};

/* ------------------------------------------------------------ IndexError */

static s4c_status index_too_short(size_t n, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_INDEX_TOO_SHORT, "index too short: %zu bytes", n);
    if (d) d->got = n;
    return S4C_ERROR_INDEX_TOO_SHORT;
}

static s4c_status index_bad_magic(const uint8_t *got, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_INDEX_BAD_MAGIC, "bad index magic: [%u, %u, %u, %u]", got[0], got[1],
             got[2], got[3]);
    if (d) d->expected = s4c_load_le32(index_magic), d->got = s4c_load_le32(got);
    return S4C_ERROR_INDEX_BAD_MAGIC;
}

static s4c_status too_many_frames(uint64_t n, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_INDEX_TOO_MANY_FRAMES,
             "frame index entry count %llu exceeds MAX_FRAMES=%u", (unsigned long long)n,
             S4C_INDEX_MAX_FRAMES);
    if (d) d->got = n, d->limit = S4C_INDEX_MAX_FRAMES;
    return S4C_ERROR_INDEX_TOO_MANY_FRAMES;
}

static s4c_status etag_too_long(uint64_t n, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_INDEX_ETAG_TOO_LONG, "sidecar etag_len %llu exceeds MAX_ETAG_BYTES=%u",
             (unsigned long long)n, S4C_INDEX_MAX_ETAG_BYTES);
    if (d) d->got = n, d->limit = S4C_INDEX_MAX_ETAG_BYTES;
    return S4C_ERROR_INDEX_ETAG_TOO_LONG;
}

static s4c_status unsupported_version(uint32_t v, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_INDEX_UNSUPPORTED_VERSION,
             "unsupported index version %u (this build supports 3)", v);
    if (d) d->expected = 3, d->got = v;
    return S4C_ERROR_INDEX_UNSUPPORTED_VERSION;
}

static s4c_status entry_count_mismatch(uint64_t n, size_t remaining, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_INDEX_ENTRY_COUNT_MISMATCH,
             "entry count %llu doesn't match buffer remaining %zu", (unsigned long long)n,
             remaining);
    if (d) d->expected = n, d->got = remaining;
    return S4C_ERROR_INDEX_ENTRY_COUNT_MISMATCH;
}

/* S4's spec names these two variants without giving their text; ours are in
 * docs/formats/s4ix.md. */
static s4c_status entry_overflow(size_t i, const char *side, uint64_t off, uint64_t size,
                                 s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_INDEX_ENTRY_OVERFLOW,
             "index entry %zu overflows u64: %s offset %llu + size %llu", i, side,
             (unsigned long long)off, (unsigned long long)size);
    if (d) d->expected = off, d->got = size;
    return S4C_ERROR_INDEX_ENTRY_OVERFLOW;
}

static s4c_status non_monotonic(size_t i, const char *side, uint64_t off, uint64_t prev_end,
                                s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_INDEX_NON_MONOTONIC,
             "index entries not monotonic: entry %zu %s offset %llu < previous end %llu", i, side,
             (unsigned long long)off, (unsigned long long)prev_end);
    if (d) d->expected = prev_end, d->got = off;
    return S4C_ERROR_INDEX_NON_MONOTONIC;
}

/* Rust's str::from_utf8: shortest forms only, no surrogates, at most U+10FFFF. */
static int is_utf8(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint8_t lo = 0x80, hi = 0xBF; /* range of the second byte */
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c == 0xE0)
            len = 3, lo = 0xA0;
        else if (c == 0xED)
            len = 3, hi = 0x9F;
        else if (c >= 0xE1 && c <= 0xEF)
            len = 3;
        else if (c == 0xF0)
            len = 4, lo = 0x90;
        else if (c == 0xF4)
            len = 4, hi = 0x8F;
        else if (c >= 0xF1 && c <= 0xF3)
            len = 4;
        else
            return 0;
        if (n - i < len) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t k = 2; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += len;
    }
    return 1;
}

/* ------------------------------------------------------------ the object */

s4c_status s4c_index_create(s4c_index **idx_ret) {
    S4C_RETURN_IF(!idx_ret, S4C_ERROR_INVALID_ARGUMENT);
    *idx_ret = s4c_calloc(1, sizeof(s4c_index));
    S4C_RETURN_IF(!*idx_ret, S4C_ERROR_OUT_OF_MEMORY);
    return S4C_OK;
}

void s4c_index_free(s4c_index *idx) {
    if (!idx) return;
    s4c_free(idx->entries);
    s4c_free(idx->etag);
    s4c_free(idx);
}

static s4c_status reserve(s4c_index *idx, size_t n) {
    if (n <= idx->capacity) return S4C_OK;
    size_t cap = idx->capacity ? idx->capacity : 16;
    while (cap < n)
        cap *= 2;
    s4c_index_entry *e = s4c_malloc(cap * sizeof(*e));
    S4C_RETURN_IF(!e, S4C_ERROR_OUT_OF_MEMORY);
    if (idx->count) memcpy(e, idx->entries, idx->count * sizeof(*e));
    s4c_free(idx->entries);
    idx->entries = e;
    idx->capacity = cap;
    return S4C_OK;
}

/* The decoder's checks 9 and 10 for entry i against entry i-1. */
static s4c_status check_overflow(const s4c_index_entry *e, size_t i, s4c_error_detail *d) {
    if (e->original_offset > UINT64_MAX - e->original_size)
        return entry_overflow(i, "original", e->original_offset, e->original_size, d);
    if (e->compressed_offset > UINT64_MAX - e->compressed_size)
        return entry_overflow(i, "compressed", e->compressed_offset, e->compressed_size, d);
    return S4C_OK;
}

static s4c_status check_order(const s4c_index_entry *prev, const s4c_index_entry *cur, size_t i,
                              s4c_error_detail *d) {
    uint64_t orig_end = prev->original_offset + prev->original_size;
    uint64_t comp_end = prev->compressed_offset + prev->compressed_size;
    if (cur->original_offset < orig_end)
        return non_monotonic(i, "original", cur->original_offset, orig_end, d);
    if (cur->compressed_offset < comp_end)
        return non_monotonic(i, "compressed", cur->compressed_offset, comp_end, d);
    return S4C_OK;
}

s4c_status s4c_index_append(s4c_index *idx, const s4c_index_entry *e, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!idx || !e, S4C_ERROR_INVALID_ARGUMENT);
    if (idx->count >= S4C_INDEX_MAX_FRAMES) return too_many_frames(idx->count + 1, d);
    S4C_TRY(check_overflow(e, idx->count, d));
    if (idx->count) S4C_TRY(check_order(&idx->entries[idx->count - 1], e, idx->count, d));
    if (reserve(idx, idx->count + 1) != S4C_OK)
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    idx->entries[idx->count++] = *e;
    return S4C_OK;
}

void s4c_index_set_total_padded(s4c_index *idx, uint64_t total_padded) {
    if (idx) idx->total_padded = total_padded;
}

s4c_status s4c_index_bind(s4c_index *idx, uint64_t size, const char *etag, size_t etag_len,
                          s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!idx, S4C_ERROR_INVALID_ARGUMENT);
    if (!etag) etag_len = 0;
    if (etag_len > S4C_INDEX_MAX_ETAG_BYTES) return etag_too_long(etag_len, d);
    if (!is_utf8((const uint8_t *)etag, etag_len))
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT, "source etag is not valid UTF-8");
    char *copy = NULL;
    if (etag_len) {
        copy = s4c_malloc(etag_len + 1);
        if (!copy) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
        memcpy(copy, etag, etag_len);
        copy[etag_len] = '\0';
    }
    s4c_free(idx->etag);
    idx->etag = copy;
    idx->etag_len = etag_len;
    idx->has_source_size = size != 0;
    idx->source_size = size;
    return S4C_OK;
}

void s4c_index_set_sse(s4c_index *idx, const s4c_sse_binding *sse) {
    if (!idx) return;
    idx->has_sse = sse != NULL;
    if (sse)
        idx->sse = *sse;
    else
        memset(&idx->sse, 0, sizeof idx->sse);
}

uint32_t s4c_index_version(const s4c_index *idx) {
    if (!idx) return 0;
    return idx->version ? idx->version : idx->has_sse ? 3 : 2;
}

const s4c_index_entry *s4c_index_entries(const s4c_index *idx, size_t *count_ret) {
    if (count_ret) *count_ret = idx ? idx->count : 0;
    return idx ? idx->entries : NULL;
}

uint64_t s4c_index_total_original(const s4c_index *idx) {
    if (!idx || !idx->count) return 0;
    const s4c_index_entry *last = &idx->entries[idx->count - 1];
    return last->original_offset + last->original_size;
}

uint64_t s4c_index_total_padded(const s4c_index *idx) { return idx ? idx->total_padded : 0; }

int s4c_index_source_compressed_size(const s4c_index *idx, uint64_t *size_ret) {
    if (!idx || !idx->has_source_size) return 0;
    if (size_ret) *size_ret = idx->source_size;
    return 1;
}

int s4c_index_source_etag(const s4c_index *idx, const char **etag_ret, size_t *etag_len_ret) {
    if (!idx || !idx->etag) return 0;
    if (etag_ret) *etag_ret = idx->etag;
    if (etag_len_ret) *etag_len_ret = idx->etag_len;
    return 1;
}

int s4c_index_sse(const s4c_index *idx, s4c_sse_binding *sse_ret) {
    if (!idx || !idx->has_sse) return 0;
    if (sse_ret) *sse_ret = idx->sse;
    return 1;
}

/* ------------------------------------------------------------ encode */

size_t s4c_index_encoded_size(const s4c_index *idx) {
    if (!idx) return 0;
    return S4C_INDEX_V2_HEADER_BYTES + idx->etag_len + (idx->has_sse ? S4C_INDEX_SSE_BYTES : 0) +
           idx->count * S4C_INDEX_ENTRY_BYTES;
}

s4c_status s4c_index_encode(const s4c_index *idx, void *dst, size_t cap, size_t *written_ret) {
    S4C_RETURN_IF(!idx || !written_ret || (!dst && cap), S4C_ERROR_INVALID_ARGUMENT);
    size_t need = s4c_index_encoded_size(idx);
    *written_ret = need;
    S4C_RETURN_IF(cap < need, S4C_ERROR_DST_TOO_SMALL);
    uint8_t *p = dst;
    memcpy(p, index_magic, 4);
    s4c_store_le32(p + 4, idx->has_sse ? 3 : 2);
    s4c_store_le64(p + 8, idx->count);
    s4c_store_le64(p + 16, s4c_index_total_original(idx));
    s4c_store_le64(p + 24, idx->total_padded);
    s4c_store_le64(p + 32, idx->has_source_size ? idx->source_size : 0);
    s4c_store_le32(p + 40, (uint32_t)idx->etag_len);
    p += S4C_INDEX_V2_HEADER_BYTES;
    if (idx->etag_len) memcpy(p, idx->etag, idx->etag_len);
    p += idx->etag_len;
    if (idx->has_sse) {
        const s4c_sse_binding *s = &idx->sse;
        s4c_store_le32(p, s->enc_chunk_size);
        s4c_store_le32(p + 4, s->enc_chunk_count);
        p[8] = (uint8_t)s->enc_key_id;
        p[9] = (uint8_t)(s->enc_key_id >> 8);
        memcpy(p + 10, s->enc_salt, 8);
        s4c_store_le64(p + 18, s->enc_plaintext_len);
        s4c_store_le32(p + 26, s->enc_header_bytes);
        p += S4C_INDEX_SSE_BYTES;
    }
    for (size_t i = 0; i < idx->count; i++, p += S4C_INDEX_ENTRY_BYTES) {
        const s4c_index_entry *e = &idx->entries[i];
        s4c_store_le64(p, e->original_offset);
        s4c_store_le64(p + 8, e->original_size);
        s4c_store_le64(p + 16, e->compressed_offset);
        s4c_store_le64(p + 24, e->compressed_size);
    }
    return S4C_OK;
}

/* ------------------------------------------------------------ decode */

/* Steps 5 and 6 of the decoder: the v2 binding and the v3 SSE block. */
static s4c_status decode_binding(s4c_index *idx, const uint8_t *buf, size_t len, size_t *pos,
                                 s4c_error_detail *d) {
    size_t left = len - *pos;
    if (left < 12) return index_too_short(left, d);
    const uint8_t *p = buf + *pos;
    uint64_t source_size = s4c_load_le64(p);
    uint32_t etag_len = s4c_load_le32(p + 8);
    if (etag_len > S4C_INDEX_MAX_ETAG_BYTES) return etag_too_long(etag_len, d);
    *pos += 12;
    left -= 12;
    if (left < etag_len) return index_too_short(left, d);
    idx->has_source_size = source_size != 0;
    idx->source_size = source_size;
    const uint8_t *etag = buf + *pos;
    if (etag_len && is_utf8(etag, etag_len)) {
        idx->etag = s4c_malloc((size_t)etag_len + 1);
        if (!idx->etag) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
        memcpy(idx->etag, etag, etag_len);
        idx->etag[etag_len] = '\0';
        idx->etag_len = etag_len;
    }
    *pos += etag_len;
    left -= etag_len;
    if (idx->version != 3) return S4C_OK;

    if (left < S4C_INDEX_SSE_BYTES) return index_too_short(left, d);
    p = buf + *pos;
    s4c_sse_binding s;
    s.enc_chunk_size = s4c_load_le32(p);
    s.enc_chunk_count = s4c_load_le32(p + 4);
    s.enc_key_id = (uint16_t)(p[8] | (p[9] << 8));
    memcpy(s.enc_salt, p + 10, 8);
    s.enc_plaintext_len = s4c_load_le64(p + 18);
    s.enc_header_bytes = s4c_load_le32(p + 26);
    *pos += S4C_INDEX_SSE_BYTES;
    if (s.enc_chunk_size && s.enc_chunk_count) s4c_index_set_sse(idx, &s);
    return S4C_OK;
}

static s4c_status decode_into(s4c_index *idx, const uint8_t *buf, size_t len, s4c_error_detail *d) {
    if (len < S4C_INDEX_V1_HEADER_BYTES) return index_too_short(len, d);
    if (memcmp(buf, index_magic, 4) != 0) return index_bad_magic(buf, d);
    uint32_t version = s4c_load_le32(buf + 4);
    uint64_t n = s4c_load_le64(buf + 8);
    /* buf + 16: total_original, ignored and recomputed from the entries */
    idx->total_padded = s4c_load_le64(buf + 24);
    if (n > S4C_INDEX_MAX_FRAMES) return too_many_frames(n, d);
    size_t pos = S4C_INDEX_V1_HEADER_BYTES;
    idx->version = version;
    if (version == 2 || version == 3)
        S4C_TRY(decode_binding(idx, buf, len, &pos, d));
    else if (version != 1)
        return unsupported_version(version, d);

    size_t remaining = len - pos;
    if (remaining != n * S4C_INDEX_ENTRY_BYTES) return entry_count_mismatch(n, remaining, d);
    if (reserve(idx, (size_t)n) != S4C_OK)
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = buf + pos + i * S4C_INDEX_ENTRY_BYTES;
        s4c_index_entry *e = &idx->entries[i];
        e->original_offset = s4c_load_le64(p);
        e->original_size = s4c_load_le64(p + 8);
        e->compressed_offset = s4c_load_le64(p + 16);
        e->compressed_size = s4c_load_le64(p + 24);
    }
    /* Overflow of every entry first (step 9), then the order (step 10). */
    for (size_t i = 0; i < n; i++)
        S4C_TRY(check_overflow(&idx->entries[i], i, d));
    for (size_t i = 1; i < n; i++)
        S4C_TRY(check_order(&idx->entries[i - 1], &idx->entries[i], i, d));
    idx->count = (size_t)n;
    return S4C_OK;
}

s4c_status s4c_index_decode(const void *buf, size_t len, s4c_index **idx_ret, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!idx_ret || (!buf && len), S4C_ERROR_INVALID_ARGUMENT);
    *idx_ret = NULL;
    s4c_index *idx = NULL;
    if (s4c_index_create(&idx) != S4C_OK)
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    s4c_status st = decode_into(idx, buf, len, d);
    if (st != S4C_OK) {
        s4c_index_free(idx);
        return st;
    }
    *idx_ret = idx;
    return S4C_OK;
}

s4c_status s4c_bind_index(const void *sidecar, size_t sidecar_len, uint64_t size, const char *etag,
                          size_t etag_len, void *dst, size_t cap, size_t *written_ret,
                          s4c_error_detail *d) {
    S4C_RETURN_IF(!written_ret, S4C_ERROR_INVALID_ARGUMENT);
    *written_ret = 0;
    s4c_index *idx = NULL;
    S4C_TRY(s4c_index_decode(sidecar, sidecar_len, &idx, d));
    s4c_status st = s4c_index_bind(idx, size, etag, etag_len, d);
    if (st == S4C_OK) {
        st = s4c_index_encode(idx, dst, cap, written_ret);
        if (st != S4C_OK)
            s4c_fail(d, st, "bound sidecar needs %zu bytes, destination holds %zu", *written_ret,
                     cap);
    }
    s4c_index_free(idx);
    return st;
}
