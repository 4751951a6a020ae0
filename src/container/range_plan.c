/*
 * range_plan.c — which frames a range read needs (S4's lookup_range) and
 * where a pre-encrypt offset lives in an SSE body (S4's encrypted_lookup).
 *
 * The fetch range runs from the first frame's start to the last frame's end,
 * so it also carries any padding between them: the fetched bytes are a framed
 * body of their own, read with the frame iterator. Entries are monotonic (the
 * decoder guarantees it), so both ends are found by binary search over entry
 * ends; empty entries are never chosen.
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

    size_t first = entry_holding(e, n, start);
    size_t last = entry_holding(e, n, end - 1);
    if (first >= n || last >= n) return 0; /* cannot happen: both are below total */
    while (last > first && e[last].original_offset >= end)
        last--; /* end inside a gap */
    const s4c_index_entry *f = &e[first], *l = &e[last];
    plan->first_entry = first;
    plan->last_entry = last;
    plan->fetch_start = f->compressed_offset;
    plan->fetch_end = l->compressed_offset + l->compressed_size;
    /* With a gap before `first`, start may precede it: begin at its first byte. */
    plan->original_start = start > f->original_offset ? start : f->original_offset;
    plan->original_end = end;
    plan->slice_start = plan->original_start - f->original_offset;
    plan->slice_end = end - f->original_offset;
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
