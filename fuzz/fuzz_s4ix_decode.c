/*
 * fuzz_s4ix_decode.c — any byte string decoded as an S4IX sidecar: errors are
 * index-class statuses with a message; what decodes satisfies the decoder's
 * invariants (monotonic entries without overflow), re-encodes to a sidecar
 * that decodes to the same index (and re-encodes to the same bytes), survives
 * bind_index, and plans ranges whose frames hold the requested bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "s4codec.h"
#include "s4codec_index.h"

#define REQUIRE(c)                                                                                 \
    do {                                                                                           \
        if (!(c)) abort();                                                                         \
    } while (0)

static void check_range(const s4c_index *idx, uint64_t start, uint64_t end) {
    size_t n = 0;
    const s4c_index_entry *e = s4c_index_entries(idx, &n);
    s4c_range_plan p;
    if (!s4c_index_lookup_range(idx, start, end, &p)) {
        /* nothing to read: no non-empty entry meets [start, end) */
        for (size_t i = 0; i < n; i++)
            REQUIRE(e[i].original_size == 0 || e[i].original_offset >= end ||
                    e[i].original_offset + e[i].original_size <= start);
        return;
    }
    REQUIRE(p.first_entry <= p.last_entry && p.last_entry < n);
    REQUIRE(e[p.first_entry].original_size && e[p.last_entry].original_size);
    const s4c_index_entry *f = &e[p.first_entry], *l = &e[p.last_entry];
    REQUIRE(p.fetch_start == f->compressed_offset);
    REQUIRE(p.fetch_end == l->compressed_offset + l->compressed_size);
    REQUIRE(p.original_end <= s4c_index_total_original(idx) && p.original_end <= end);
    REQUIRE(p.slice_start <= p.slice_end);
    REQUIRE(p.original_start >= start);
    REQUIRE(p.original_start >= f->original_offset);
    REQUIRE(p.original_start < f->original_offset + f->original_size);
    REQUIRE(p.original_end - 1 < l->original_offset + l->original_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    s4c_index *idx = NULL;
    s4c_error_detail d;
    s4c_status st = s4c_index_decode(data, size, &idx, &d);
    if (st != S4C_OK) {
        REQUIRE(idx == NULL);
        REQUIRE(s4c_status_class(st) == S4C_CLASS_INDEX || st == S4C_ERROR_OUT_OF_MEMORY);
        REQUIRE(d.message[0] != '\0');
        return 0;
    }
    size_t n = 0;
    const s4c_index_entry *e = s4c_index_entries(idx, &n);
    for (size_t i = 0; i < n; i++) {
        REQUIRE(e[i].original_offset <= UINT64_MAX - e[i].original_size);
        REQUIRE(e[i].compressed_offset <= UINT64_MAX - e[i].compressed_size);
        if (i) {
            REQUIRE(e[i].original_offset >= e[i - 1].original_offset + e[i - 1].original_size);
            REQUIRE(e[i].compressed_offset >=
                    e[i - 1].compressed_offset + e[i - 1].compressed_size);
        }
    }
    size_t len = s4c_index_encoded_size(idx), written = 0;
    uint8_t *buf = malloc(len), *buf2 = malloc(len + 4200);
    REQUIRE(buf && buf2);
    REQUIRE(s4c_index_encode(idx, buf, len, &written) == S4C_OK && written == len);
    s4c_index *again = NULL;
    REQUIRE(s4c_index_decode(buf, len, &again, &d) == S4C_OK);
    size_t m = 0;
    const s4c_index_entry *e2 = s4c_index_entries(again, &m);
    REQUIRE(m == n && (n == 0 || memcmp(e, e2, n * sizeof *e) == 0));
    REQUIRE(s4c_index_total_padded(again) == s4c_index_total_padded(idx));
    REQUIRE(s4c_index_sse(again, NULL) == s4c_index_sse(idx, NULL));
    REQUIRE(s4c_index_source_etag(again, NULL, NULL) == s4c_index_source_etag(idx, NULL, NULL));
    size_t w2 = 0;
    REQUIRE(s4c_index_encode(again, buf2, len, &w2) == S4C_OK && w2 == len);
    REQUIRE(memcmp(buf, buf2, len) == 0);
    s4c_index_free(again);

    /* bind with a fixed etag: binding survives, entries unchanged */
    REQUIRE(s4c_bind_index(buf, len, 12345, "\"etag\"", 6, buf2, len + 4200, &w2, &d) == S4C_OK);
    REQUIRE(s4c_index_decode(buf2, w2, &again, &d) == S4C_OK);
    uint64_t bound = 0;
    REQUIRE(s4c_index_source_compressed_size(again, &bound) && bound == 12345);
    s4c_index_free(again);

    uint64_t total = s4c_index_total_original(idx);
    check_range(idx, 0, UINT64_MAX);
    check_range(idx, total ? total - 1 : 0, total + 1);
    if (size >= 16) {
        uint64_t a, b;
        memcpy(&a, data + size - 16, 8);
        memcpy(&b, data + size - 8, 8);
        if (total) a %= total, b = a + 1 + b % (total - a);
        check_range(idx, a, b);
    }
    free(buf);
    free(buf2);
    s4c_index_free(idx);
    return 0;
}
