/*
 * fuzz_zstd_seek_table.c — the zstd seek table parser (src/codecs/
 * zstd_seekable.c) over untrusted stream tails.
 *
 * Input: a whole "stream" whose end may hold a seek table. The parser runs
 * in both ways a caller uses it (footer → size → parse on the tail; through
 * a read-at callback) and must agree with itself. A parsed table must be
 * consistent (offsets add up to the bytes before the table, sizes within the
 * format's limits), and writing its entries back gives the same bytes but for
 * the descriptor's unused bits.
 *
 * Seeds: seek tables our encoder wrote (tiny frames, with and without
 * checksums, the empty stream) and forged ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/zstd_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                            \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            fprintf(stderr, "fuzz_zstd_seek_table: %s failed (line %d)\n", #c, __LINE__);     \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

typedef struct mem {
    const uint8_t *p;
    size_t n;
} mem;

static s4c_status read_at(void *ctx, uint64_t off, void *buf, size_t len, size_t *got) {
    const mem *m = ctx;
    *got = 0;
    if (off >= m->n) return S4C_OK;
    size_t k = m->n - (size_t)off < len ? m->n - (size_t)off : len;
    memcpy(buf, m->p + off, k);
    *got = k;
    return S4C_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    s4c_error_detail d;
    s4c_zstd_seek_table t, t2;
    uint64_t ts = 0;
    s4c_status st = size >= 9 ? s4c_zstd_seek_table_locate(data + size - 9, size, &ts, &d)
                              : S4C_ERROR_UNKNOWN_FORMAT;
    if (st == S4C_OK) {
        REQUIRE(ts >= 17 && ts <= size);
        st = s4c_zstd_seek_table_parse(data + size - ts, (size_t)ts, size, &t, &d);
    }
    mem m = {data, size};
    s4c_status st2 = s4c_zstd_seek_table_read(read_at, &m, size, &t2, &d);
    REQUIRE(st == st2);
    if (st != S4C_OK) {
        REQUIRE(d.status == st && d.message[0]);
        return 0;
    }
    REQUIRE(t.frames == t2.frames && t.table_size == ts);
    REQUIRE(t.compressed_size + t.table_size == size);
    uint64_t coff = 0, doff = 0;
    for (size_t i = 0; i < t.frames; i++) {
        REQUIRE(t.compressed_offset[i] == coff && t.decompressed_offset[i] == doff);
        REQUIRE(t.entries[i].decompressed_size <= S4C_ZSTD_SEEK_MAX_FRAME_SIZE);
        REQUIRE(t.entries[i].compressed_size >= 8);
        REQUIRE(memcmp(&t.entries[i], &t2.entries[i], sizeof t.entries[i]) == 0);
        coff += t.entries[i].compressed_size;
        doff += t.entries[i].decompressed_size;
    }
    REQUIRE(t.compressed_offset[t.frames] == coff && coff == t.compressed_size);
    REQUIRE(t.decompressed_offset[t.frames] == doff && doff == t.decompressed_size);
    /* Written back: the same bytes, the descriptor's unused bits aside. */
    s4c_zstd_seek_log log = {t.entries, t.frames, t.frames, t.checksums};
    REQUIRE(s4c_zstd_seek_table_size(t.frames, t.checksums) == ts);
    uint8_t *w = malloc((size_t)ts);
    s4c_zstd_seek_table_write(&log, w);
    const uint8_t *orig = data + size - ts;
    REQUIRE(memcmp(w, orig, (size_t)ts - 5) == 0);
    REQUIRE((w[ts - 5] ^ orig[ts - 5]) == (orig[ts - 5] & 3));
    REQUIRE(memcmp(w + ts - 4, orig + ts - 4, 4) == 0);
    free(w);
    s4c_zstd_seek_table_release(&t);
    s4c_zstd_seek_table_release(&t2);
    return 0;
}
