/*
 * fuzz_fcg1_parse.c — any byte string parsed as an FCG1 blob (S4's GPU
 * container) and, when it parses, decoded through the nvcomp-lz4 and
 * nvcomp-zstd kinds (on the CPU without a GPU). Properties: a rejection is a
 * BACKEND status with an "FCG1: " message; an accepted blob's size table and
 * payload lie inside the input, its chunks cover orig_size exactly, and its
 * header re-encodes to the same bytes; decoding never writes past orig_size
 * and ends in one of S4's statuses.
 */
#include <stdlib.h>
#include <string.h>

#include "gpu/fcg1.h"
#include "s4codec_gpu.h"

#define REQUIRE(c)                                                                                 \
    do {                                                                                           \
        if (!(c)) abort();                                                                         \
    } while (0)

static void decode_with(uint32_t kind, const uint8_t *data, size_t size, const s4c_fcg1 *f) {
    s4c_codec *c = NULL;
    if (s4c_codec_create(kind, NULL, &c, NULL) != S4C_OK) return;
    size_t want = f->num_chunks ? (size_t)f->orig_size : 0;
    if (want > (1u << 22)) want = 1u << 22; /* keep memory small: SizeMismatch beyond */
    uint8_t *out = malloc(want + 1);
    s4c_manifest m = {kind, want, size, 0};
    s4c_error_detail d;
    size_t w = 0;
    s4c_status st = s4c_decompress(c, &m, data, size, out, want, &w, &d);
    REQUIRE(st == S4C_OK || st == S4C_ERROR_BACKEND || st == S4C_ERROR_SIZE_MISMATCH ||
            st == S4C_ERROR_CRC_MISMATCH || st == S4C_ERROR_CODEC_UNAVAILABLE ||
            st == S4C_ERROR_OUT_OF_MEMORY);
    REQUIRE(w <= want);
    if (st != S4C_OK) REQUIRE(d.message[0] != '\0');
    free(out);
    s4c_codec_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    s4c_fcg1 f;
    s4c_error_detail d;
    s4c_status st = s4c_fcg1_parse(data, size, &f, &d);
    if (st != S4C_OK) {
        REQUIRE(st == S4C_ERROR_BACKEND);
        REQUIRE(strncmp(d.message, "FCG1: ", 6) == 0);
        return 0;
    }
    REQUIRE(f.sizes >= data && f.payload >= f.sizes);
    REQUIRE((size_t)(f.payload - data) + f.payload_size <= size);
    if (f.num_chunks) {
        REQUIRE(s4c_fcg1_chunk_count(f.orig_size, f.chunk_size) == f.num_chunks);
        uint64_t total = 0;
        for (uint32_t i = 0; i < f.num_chunks; i++) {
            total += s4c_fcg1_chunk_csize(&f, i);
            REQUIRE(s4c_fcg1_chunk_usize(&f, i) >= 1 &&
                    s4c_fcg1_chunk_usize(&f, i) <= f.chunk_size);
        }
        REQUIRE(total == f.payload_size);
        size_t hn = s4c_fcg1_header_size(f.num_chunks);
        uint8_t *h = malloc(hn);
        REQUIRE(s4c_fcg1_write_header(h, hn, f.algo, f.data_type, f.orig_size, f.chunk_size,
                                      f.num_chunks, NULL) == hn);
        for (uint32_t i = 0; i < f.num_chunks; i++)
            s4c_fcg1_set_chunk_size(h, i, s4c_fcg1_chunk_csize(&f, i));
        /* reserved bytes 6..7 (and 5 outside bitcomp) are written as zero */
        REQUIRE(memcmp(h, data, 5) == 0 && memcmp(h + 8, data + 8, hn - 8) == 0);
        free(h);
    }
    decode_with(S4C_KIND_NVCOMP_LZ4, data, size, &f);
    decode_with(S4C_KIND_NVCOMP_ZSTD, data, size, &f);
    return 0;
}
