/*
 * fcg1.c — encode and parse S4's FCG1 container (docs/formats/fcg1.md).
 *
 * The parser checks in a fixed order and names the failing field, so the
 * golden tests (tests/c/test_gpu.c) and the fuzz target (fuzz/fuzz_fcg1_parse.c)
 * can pin every rejection. All arithmetic on untrusted counts is done in
 * 64 bits and compared against the buffer length before any pointer moves.
 */
#include "fcg1.h"

static const char *const algo_names[] = {NULL, "snappy", "lz4", "zstd", "bitcomp", "gdeflate"};

const char *s4c_fcg1_algo_name(uint8_t algo) {
    return algo < sizeof algo_names / sizeof algo_names[0] ? algo_names[algo] : NULL;
}

s4c_status s4c_fcg1_parse(const uint8_t *src, size_t n, s4c_fcg1 *f, s4c_error_detail *d) {
    memset(f, 0, sizeof *f);
    if (n < S4C_FCG1_HEADER_BYTES)
        return s4c_fail(d, S4C_ERROR_BACKEND,
                        "FCG1: blob is %zu bytes, shorter than the 24-byte header", n);
    if (memcmp(src, S4C_FCG1_MAGIC, 4) != 0)
        return s4c_fail(d, S4C_ERROR_BACKEND,
                        "FCG1: bad magic %02x %02x %02x %02x (expected \"FCG1\")", src[0], src[1],
                        src[2], src[3]);
    f->algo = src[4];
    if (!s4c_fcg1_algo_name(f->algo))
        return s4c_fail(d, S4C_ERROR_BACKEND, "FCG1: unknown algorithm tag %u", f->algo);
    f->data_type = src[5];
    if (f->algo == S4C_FCG1_BITCOMP && f->data_type > S4C_FCG1_TYPE_MAX)
        return s4c_fail(d, S4C_ERROR_BACKEND, "FCG1: unknown bitcomp data type tag %u",
                        f->data_type);
    f->orig_size = s4c_load_le64(src + 8);
    f->chunk_size = s4c_load_le32(src + 16);
    f->num_chunks = s4c_load_le32(src + 20);
    if (f->num_chunks == 0) { /* empty output whatever orig_size says (S4) */
        f->sizes = f->payload = src + S4C_FCG1_HEADER_BYTES;
        return S4C_OK;
    }
    if (f->chunk_size < S4C_FCG1_CHUNK_MIN || f->chunk_size > S4C_FCG1_CHUNK_MAX)
        return s4c_fail(d, S4C_ERROR_BACKEND, "FCG1: chunk_size %u outside 1..%u", f->chunk_size,
                        S4C_FCG1_CHUNK_MAX);
    if (s4c_fcg1_chunk_count(f->orig_size, f->chunk_size) != f->num_chunks)
        return s4c_fail(d, S4C_ERROR_BACKEND,
                        "FCG1: %u chunks of %u bytes do not cover orig_size %llu", f->num_chunks,
                        f->chunk_size, (unsigned long long)f->orig_size);
    uint64_t table = 4 * (uint64_t)f->num_chunks;
    if (table > n - S4C_FCG1_HEADER_BYTES)
        return s4c_fail(d, S4C_ERROR_BACKEND,
                        "FCG1: size table of %u chunks runs past the blob end (%zu bytes)",
                        f->num_chunks, n);
    f->sizes = src + S4C_FCG1_HEADER_BYTES;
    f->payload = f->sizes + table;
    uint64_t total = 0;
    for (uint32_t i = 0; i < f->num_chunks; i++)
        total += s4c_fcg1_chunk_csize(f, i);
    uint64_t room = n - S4C_FCG1_HEADER_BYTES - table;
    if (total > room)
        return s4c_fail(d, S4C_ERROR_BACKEND,
                        "FCG1: chunk payloads total %llu bytes, only %llu follow the size table",
                        (unsigned long long)total, (unsigned long long)room);
    f->payload_size = (size_t)total;
    return S4C_OK;
}

size_t s4c_fcg1_write_header(uint8_t *dst, size_t cap, uint8_t algo, uint8_t data_type,
                             uint64_t orig_size, uint32_t chunk_size, uint32_t num_chunks,
                             const uint32_t *csizes) {
    size_t need = s4c_fcg1_header_size(num_chunks);
    if (cap < need) return 0;
    memcpy(dst, S4C_FCG1_MAGIC, 4);
    dst[4] = algo;
    dst[5] = algo == S4C_FCG1_BITCOMP ? data_type : 0;
    dst[6] = dst[7] = 0;
    s4c_store_le64(dst + 8, orig_size);
    s4c_store_le32(dst + 16, chunk_size);
    s4c_store_le32(dst + 20, num_chunks);
    for (uint32_t i = 0; i < num_chunks; i++)
        s4c_fcg1_set_chunk_size(dst, i, csizes ? csizes[i] : 0);
    return need;
}

size_t s4c_fcg1_chunk_bound(size_t chunk, uint8_t algo) {
    if (algo == S4C_FCG1_BITCOMP) return chunk + chunk / 64 + 64;
    return chunk + chunk / 200 + 64;
}

size_t s4c_fcg1_bound(size_t n, uint32_t chunk_size, uint8_t algo) {
    uint64_t chunks = s4c_fcg1_chunk_count(n, chunk_size);
    if (chunks > UINT32_MAX) return SIZE_MAX;
    size_t full = (size_t)(n / chunk_size), rest = n % chunk_size;
    size_t bound = s4c_fcg1_header_size((uint32_t)chunks) +
                   full * s4c_fcg1_chunk_bound(chunk_size, algo) +
                   (rest ? s4c_fcg1_chunk_bound(rest, algo) : 0);
    return bound;
}
