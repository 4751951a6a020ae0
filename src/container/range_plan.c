/*
 * range_plan.c — which frames a range read needs (S4's lookup_range) and
 * where a pre-encrypt offset lives in an SSE body (S4's encrypted_lookup).
 *
 * The fetch range runs from the first frame's start to the last frame's end,
 * so it also carries any padding between them: the fetched bytes are a framed
 * body of their own, read with the frame iterator. Entries are monotonic (the
 * decoder guarantees it), so both ends are found by binary search over entry
 * ends. S4 writes contiguous entries; the format also allows gaps and empty
 * entries: empty ones are never chosen, a range is trimmed to the bytes the
 * frames hold, a range inside a gap plans nothing, and the slice assumes the
 * chosen frames decode back to back.
 */
#include "container_internal.h"

/* First entry whose original range ends after `pos`: the one holding byte pos. */
static size_t entry_holding(const s4c_index_entry *e, size_t n, uint64_t pos) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].original_offset + e[mid].original_size <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int s4c_index_lookup_range(const s4c_index *idx, uint64_t start, uint64_t end,
                           s4c_range_plan *plan) {
    size_t n = 0;
    const s4c_index_entry *e = s4c_index_entries(idx, &n);
    if (!plan || n == 0 || start >= end) return 0;
    uint64_t total = s4c_index_total_original(idx);
    if (start >= total) return 0;
    if (end > total) end = total;

    /* Empty entries hold no byte: skip them (they can sit after a gap). */
    size_t first = entry_holding(e, n, start);
    while (first < n && e[first].original_size == 0)
        first++;
    if (first >= n || e[first].original_offset >= end) return 0; /* only a gap is asked for */
    size_t last = entry_holding(e, n, end - 1);
    if (last >= n) last = n - 1;
    if (last < first) last = first;
    while (last > first && (e[last].original_offset >= end || e[last].original_size == 0))
        last--;
    const s4c_index_entry *f = &e[first], *l = &e[last];
    plan->first_entry = first;
    plan->last_entry = last;
    plan->fetch_start = f->compressed_offset;
    plan->fetch_end = l->compressed_offset + l->compressed_size;
    /* With a gap before `first`, start may precede it: begin at its first byte. */
    plan->original_start = start > f->original_offset ? start : f->original_offset;
    /* With a gap before `end`, stop at the last frame's end. */
    uint64_t last_end = l->original_offset + l->original_size;
    plan->original_end = end < last_end ? end : last_end;
    plan->slice_start = plan->original_start - f->original_offset;
    plan->slice_end = plan->original_end - f->original_offset;
    return 1;
}

int s4c_sse_lookup(const s4c_sse_binding *s, uint64_t offset, s4c_sse_chunk *chunk) {
    if (!s || !chunk || s->enc_chunk_size == 0) return 0;
    if (offset >= s->enc_plaintext_len) return 0;
    uint64_t idx = offset / s->enc_chunk_size;
    if (idx >= s->enc_chunk_count) return 0;
    uint64_t stride = (uint64_t)s->enc_chunk_size + 16;
    uint64_t left = s->enc_plaintext_len - idx * s->enc_chunk_size;
    chunk->index = idx;
    chunk->offset = s->enc_header_bytes + idx * stride;
    chunk->size = (left < s->enc_chunk_size ? left : s->enc_chunk_size) + 16;
    return 1;
}
