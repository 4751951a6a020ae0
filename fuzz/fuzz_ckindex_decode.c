/*
 * fuzz_ckindex_decode.c — any byte string as a .s4ci checkpoint index,
 * optionally followed by the stream it indexes: the input is INDEX || STREAM,
 * where INDEX is as long as its header's total-size field says (when that
 * fits; else the whole input is the index and the stream is empty).
 *
 * Errors are CKINDEX_INVALID (or out of memory) with a message and no
 * object. What decodes satisfies the format's invariants (entry 0 at 0/0
 * without a state, offsets increasing inside the stream's sizes, states
 * non-empty) and re-encodes to the very same bytes. Then the index is used
 * against STREAM: check_stream, a random read, a serial decode — any status
 * is fine, but reads never report more bytes than asked for and a
 * successful whole decode delivers exactly the index's uncompressed size.
 */
#include <stdlib.h>
#include <string.h>

#include "s4codec.h"
#include "s4codec_resume.h"

#define REQUIRE(c)                                                                                 \
    do {                                                                                           \
        if (!(c)) abort();                                                                         \
    } while (0)

typedef struct mem {
    const uint8_t *p;
    size_t n;
} mem;

static s4c_status mem_read(void *ctx, uint64_t off, void *buf, size_t len, size_t *got) {
    const mem *m = ctx;
    *got = 0;
    if (off >= m->n) return S4C_OK;
    size_t k = m->n - (size_t)off < len ? m->n - (size_t)off : len;
    memcpy(buf, m->p + off, k);
    *got = k;
    return S4C_OK;
}

static s4c_status count_write(void *ctx, const void *buf, size_t len) {
    (void)buf;
    uint64_t *n = ctx;
    *n += len;
    return *n > ((uint64_t)64 << 20) ? S4C_ERROR_DST_TOO_SMALL : S4C_OK;
}

typedef struct sink {
    uint8_t *p;
    size_t n, cap;
} sink;

static s4c_status sink_write(void *ctx, const void *buf, size_t len) {
    sink *s = ctx;
    if (len > s->cap - s->n) return S4C_ERROR_DST_TOO_SMALL;
    memcpy(s->p + s->n, buf, len);
    s->n += len;
    return S4C_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t ix_size = size;
    if (size >= 16) {
        uint64_t declared = 0;
        for (int i = 0; i < 8; i++) declared |= (uint64_t)data[8 + i] << (8 * i);
        if (declared <= size) ix_size = (size_t)declared;
    }
    mem stream = {data + ix_size, size - ix_size};

    s4c_ckindex *ix = NULL;
    s4c_error_detail d;
    s4c_status st = s4c_ckindex_decode(data, ix_size, &ix, &d);
    if (st != S4C_OK) {
        REQUIRE(ix == NULL);
        REQUIRE(st == S4C_ERROR_CKINDEX_INVALID || st == S4C_ERROR_OUT_OF_MEMORY ||
                st == S4C_ERROR_INVALID_ARGUMENT);
        REQUIRE(d.message[0] != '\0');
        return 0;
    }
    size_t n = s4c_ckindex_count(ix);
    uint64_t csize = s4c_ckindex_compressed_size(ix), usize = s4c_ckindex_uncompressed_size(ix);
    REQUIRE(n >= 1 && csize > 0);
    for (size_t i = 0; i < n; i++) {
        s4c_ckindex_entry e, p;
        REQUIRE(s4c_ckindex_entry_at(ix, i, &e) == S4C_OK);
        if (i == 0) {
            REQUIRE(e.compressed_offset == 0 && e.uncompressed_offset == 0);
            REQUIRE(e.state == NULL && e.state_size == 0);
            continue;
        }
        REQUIRE(s4c_ckindex_entry_at(ix, i - 1, &p) == S4C_OK);
        REQUIRE(e.uncompressed_offset > p.uncompressed_offset);
        REQUIRE(e.compressed_offset >= p.compressed_offset);
        REQUIRE(e.uncompressed_offset < usize && e.compressed_offset < csize);
        REQUIRE(e.state && e.state_size >= 60);
        s4c_state_info info;
        REQUIRE(s4c_state_inspect(e.state, e.state_size, &info, NULL) == S4C_OK);
        REQUIRE(info.kind == s4c_ckindex_kind(ix) && info.at_checkpoint);
        REQUIRE(info.resume_offset == e.compressed_offset);
        REQUIRE(info.resume_produced == e.uncompressed_offset);
    }
    size_t len = 0;
    REQUIRE(s4c_ckindex_encode(ix, NULL, 0, &len) == S4C_ERROR_DST_TOO_SMALL);
    REQUIRE(len == ix_size);
    uint8_t *again = malloc(len);
    REQUIRE(again);
    REQUIRE(s4c_ckindex_encode(ix, again, len, &len) == S4C_OK && len == ix_size);
    REQUIRE(memcmp(again, data, len) == 0);
    free(again);

    /* Used against whatever follows it. */
    (void)s4c_ckindex_check_stream(ix, mem_read, &stream, &d);
    uint8_t buf[4096];
    uint64_t off = usize ? (uint64_t)(size * 2654435761u) % usize : 0;
    size_t got = 0;
    st = s4c_ckindex_read(ix, mem_read, &stream, off, buf, sizeof buf, &got, &d);
    REQUIRE(got <= sizeof buf);
    if (st == S4C_OK) REQUIRE(got == (usize - off < sizeof buf ? usize - off : sizeof buf));
    {   /* The same read on 2 threads, in place. It checks every segment boundary
         * the range crosses (a serial read decodes through them), so a forged
         * index may pass one and fail the other; what either returns is bounded. */
        uint8_t buf2[4096];
        size_t got2 = 0;
        s4c_status st2 = s4c_ckindex_read_parallel(ix, mem_read, &stream, off, buf2, sizeof buf2,
                                                   2, &got2, &d);
        REQUIRE(got2 <= sizeof buf2);
        if (st2 == S4C_OK) REQUIRE(got2 == (usize - off < sizeof buf2 ? usize - off : sizeof buf2));
        else REQUIRE(d.message[0] != '\0'); /* got2: what came before the error */
    }
    uint64_t total = 0;
    st = s4c_ckindex_decode_parallel(ix, mem_read, &stream, 1, count_write, &total, &d);
    if (st == S4C_OK) REQUIRE(total == usize);
    if (usize <= (1u << 24)) {
        /* Segment by segment, on 2 threads: decode_parallel (through its
         * hand-off chunks) and decode_into (in place) reach the same verdict,
         * and on success the same bytes. */
        sink par = {malloc(usize ? (size_t)usize : 1), 0, (size_t)usize};
        uint8_t *into = malloc(usize ? (size_t)usize : 1);
        REQUIRE(par.p && into);
        st = s4c_ckindex_decode_parallel(ix, mem_read, &stream, 2, sink_write, &par, &d);
        s4c_status si = s4c_ckindex_decode_into(ix, mem_read, &stream, 2, into, (size_t)usize, &d);
        REQUIRE((si == S4C_OK) == (st == S4C_OK));
        if (si == S4C_OK) REQUIRE(par.n == usize && memcmp(into, par.p, (size_t)usize) == 0);
        free(par.p);
        free(into);
    }
    s4c_ckindex_free(ix);
    return 0;
}
