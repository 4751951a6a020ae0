/*
 * s4codec_index.h — container layer of libs4codec: S4's `.s4index` sidecars.
 *
 * An S4IX sidecar (docs/formats/s4ix.md) lists where each S4F2 frame of a
 * body starts and what original range it holds, so a range read fetches and
 * decodes only the frames it needs. This header reads and writes sidecars
 * (v1, v2, v3 with an SSE binding), builds one from a body, binds it to the
 * stored object, and plans range reads.
 *
 * Every decode error is a S4C_CLASS_INDEX status whose s4c_error_detail.message
 * is S4's IndexError Display text, e.g. "index too short: 7 bytes".
 */
#ifndef S4CODEC_INDEX_H
#define S4CODEC_INDEX_H

#include "s4codec.h"

#ifdef __cplusplus
extern "C" {
#endif

#define S4C_INDEX_MAGIC "S4IX"         /* 53 34 49 58 */
#define S4C_SIDECAR_SUFFIX ".s4index"  /* sidecar key = object key + suffix */
#define S4C_INDEX_MAX_FRAMES 16777216u /* S4's MAX_FRAMES */
#define S4C_INDEX_MAX_ETAG_BYTES 4096u /* S4's MAX_ETAG_BYTES */
#define S4C_INDEX_V1_HEADER_BYTES 32
#define S4C_INDEX_V2_HEADER_BYTES 44 /* + etag */
#define S4C_INDEX_SSE_BYTES 30       /* v3: after the etag */
#define S4C_INDEX_ENTRY_BYTES 32

/** One frame of the body. */
typedef struct s4c_index_entry {
    uint64_t original_offset; /* where the frame's bytes start in the original object */
    uint64_t original_size;
    uint64_t
        compressed_offset;    /* where the frame's "S4F2" starts in the body (pre-encrypt in v3) */
    uint64_t compressed_size; /* 28 + payload; padding excluded */
} s4c_index_entry;

/** v3: the geometry of an SSE-encrypted body (S4E6: header 24 bytes, 16-byte tag per chunk). */
typedef struct s4c_sse_binding {
    uint32_t enc_chunk_size;
    uint32_t enc_chunk_count;
    uint16_t enc_key_id;
    uint8_t enc_salt[8];
    uint64_t enc_plaintext_len;
    uint32_t enc_header_bytes;
} s4c_sse_binding;

/**
 * A sidecar in memory: entries (monotonic, no offset + size overflow: every
 * s4c_index satisfies what the decoder checks), total_padded, and the optional
 * binding to the stored object (source_compressed_size, source etag, SSE).
 */
typedef struct s4c_index s4c_index;

/** An empty, unbound index. Free with s4c_index_free(). */
S4C_API s4c_status s4c_index_create(s4c_index **index_ret);
S4C_API void s4c_index_free(s4c_index *index);

/**
 * Appends an entry. INDEX_ENTRY_OVERFLOW when an offset + size overflows u64,
 * INDEX_NON_MONOTONIC when it starts before the previous entry ends (on either
 * side; gaps and empty entries are fine), INDEX_TOO_MANY_FRAMES beyond MAX_FRAMES.
 */
S4C_API s4c_status s4c_index_append(s4c_index *index, const s4c_index_entry *entry,
                                    s4c_error_detail *detail);
/** Sets total_padded: the size of the stored body including padding (post-encrypt in v3). */
S4C_API void s4c_index_set_total_padded(s4c_index *index, uint64_t total_padded);

/**
 * S4's bind_index on an index in memory: sets source_compressed_size (0 means
 * none) and the etag (NULL or length 0 means none; stored verbatim, quotes
 * kept). INDEX_ETAG_TOO_LONG beyond 4096 bytes, INVALID_ARGUMENT for an etag
 * that is not UTF-8 (either would not survive a decode).
 */
S4C_API s4c_status s4c_index_bind(s4c_index *index, uint64_t source_compressed_size,
                                  const char *etag, size_t etag_len, s4c_error_detail *detail);
/** Sets (or with NULL removes) the SSE binding; with one, the index encodes as v3. */
S4C_API void s4c_index_set_sse(s4c_index *index, const s4c_sse_binding *sse);

/** The version the index was decoded from (1, 2, 3); for one built in memory, 2 or 3 (SSE). */
S4C_API uint32_t s4c_index_version(const s4c_index *index);
/** The entries (owned by the index) and their count. */
S4C_API const s4c_index_entry *s4c_index_entries(const s4c_index *index, size_t *count_ret);
/** End of the last entry (offset + size), 0 without entries: S4's total_original_size. */
S4C_API uint64_t s4c_index_total_original(const s4c_index *index);
S4C_API uint64_t s4c_index_total_padded(const s4c_index *index);
/** 1 and the value when a source_compressed_size is bound, else 0. */
S4C_API int s4c_index_source_compressed_size(const s4c_index *index, uint64_t *size_ret);
/** 1 and the etag bytes (NUL-terminated, owned by the index) when bound, else 0. */
S4C_API int s4c_index_source_etag(const s4c_index *index, const char **etag_ret,
                                  size_t *etag_len_ret);
/** 1 and a copy of the SSE binding when present, else 0. */
S4C_API int s4c_index_sse(const s4c_index *index, s4c_sse_binding *sse_ret);

/**
 * Decodes a sidecar (v1, v2 or v3) with S4's checks in S4's order: INDEX_TOO_SHORT,
 * INDEX_BAD_MAGIC, INDEX_TOO_MANY_FRAMES, (v2/v3) INDEX_TOO_SHORT / INDEX_ETAG_TOO_LONG
 * / INDEX_TOO_SHORT, (v3) INDEX_TOO_SHORT, INDEX_UNSUPPORTED_VERSION,
 * INDEX_ENTRY_COUNT_MISMATCH, INDEX_ENTRY_OVERFLOW, INDEX_NON_MONOTONIC. A
 * non-UTF-8 etag decodes as none, a source_compressed_size of 0 as none, an SSE
 * block with a zero chunk size or count as no binding.
 */
S4C_API s4c_status s4c_index_decode(const void *buf, size_t len, s4c_index **index_ret,
                                    s4c_error_detail *detail);

/** Encoded length: 44 + etag + (30 with SSE) + 32 per entry. */
S4C_API size_t s4c_index_encoded_size(const s4c_index *index);
/**
 * Encodes as v2, or v3 when an SSE binding is present (v1 indexes are
 * re-encoded as v2). The total_original field is the end of the last entry.
 * S4C_ERROR_DST_TOO_SMALL (with the needed size in `*written_ret`) when
 * `capacity` is short.
 */
S4C_API s4c_status s4c_index_encode(const s4c_index *index, void *dst, size_t capacity,
                                    size_t *written_ret);

/**
 * S4's bind_index on an encoded sidecar: decode (any version), bind, re-encode
 * (v2, or v3 with SSE), entries and total_padded kept. DST_TOO_SMALL with the
 * needed size in `*written_ret` when `capacity` is short.
 */
S4C_API s4c_status s4c_bind_index(const void *sidecar, size_t sidecar_len,
                                  uint64_t source_compressed_size, const char *etag,
                                  size_t etag_len, void *dst, size_t capacity, size_t *written_ret,
                                  s4c_error_detail *detail);

/**
 * S4's build_index_from_body: walks the frames of a body and records one entry
 * per data frame (original offsets accumulate; compressed_offset is where the
 * frame starts; padding frames are skipped). Unlike the frame iterator it stops
 * silently at a short tail (fewer than 28 bytes, a padding header cut short, or
 * a padding frame running past the end); s4c_read_frame() errors propagate, and
 * a padding length whose skip overflows is FRAME_PAYLOAD_TOO_LARGE. The result
 * is unbound with total_padded = body_size.
 */
S4C_API s4c_status s4c_build_index_from_body(const void *body, size_t body_size,
                                             s4c_index **index_ret, s4c_error_detail *detail);

/* ------------------------------------------------------------------------ */
/* Range planning                                                            */
/* ------------------------------------------------------------------------ */

/** Which frames a range read fetches and decodes, and what it keeps. */
typedef struct s4c_range_plan {
    size_t first_entry; /* entries first_entry..last_entry, inclusive */
    size_t last_entry;
    uint64_t fetch_start;    /* body bytes [fetch_start, fetch_end) to read: the frames */
    uint64_t fetch_end;      /* and any padding between them */
    uint64_t slice_start;    /* bytes [slice_start, slice_end) of what those frames */
    uint64_t slice_end;      /* decode to, i.e. relative to first.original_offset */
    uint64_t original_start; /* the requested range after clamping: */
    uint64_t original_end;   /* [original_start, original_end) of the object */
} s4c_range_plan;

/**
 * S4's lookup_range for original bytes [start, end_excl): returns 0 (nothing
 * to read) when the index has no entries, start >= end_excl or start >= the
 * total original size; otherwise clamps the end to the total, finds the frames
 * holding the first and last byte by binary search, fills `*plan_ret` and
 * returns 1.
 */
S4C_API int s4c_index_lookup_range(const s4c_index *index, uint64_t start, uint64_t end_excl,
                                   s4c_range_plan *plan_ret);

/** One encrypted chunk of a v3 body. */
typedef struct s4c_sse_chunk {
    uint64_t index;  /* chunk number */
    uint64_t offset; /* where it starts in the encrypted body */
    uint64_t size;   /* its length, tag included */
} s4c_sse_chunk;

/**
 * S4's encrypted_lookup: the encrypted chunk holding pre-encrypt offset `offset`.
 * Returns 0 when the offset is at or past enc_plaintext_len or the chunk number
 * reaches enc_chunk_count.
 */
S4C_API int s4c_sse_lookup(const s4c_sse_binding *sse, uint64_t offset, s4c_sse_chunk *chunk_ret);

#ifdef __cplusplus
}
#endif
#endif /* S4CODEC_INDEX_H */
