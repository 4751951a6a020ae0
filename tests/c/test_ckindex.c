/*
 * test_ckindex.c — the .s4ci checkpoint index (docs/formats/s4ci.md):
 * the format's golden bytes, encode/decode round trips, every decode check
 * with its message, forged entries and states; built over multi-MiB lz4,
 * gzip and zstd streams: random reads against the plain data, parallel
 * decoding on 1/2/4 threads, and the stream check (another file, another
 * size).
 */
#include <stdatomic.h>
#include <xxhash.h>

#include "check.h"
#include "s4codec.h"
#include "s4codec_resume.h"
#include "s4codec_stream.h"

/* ------------------------------------------------------------ helpers */

typedef struct mem_stream {
    const uint8_t *p;
    size_t n;
} mem_stream;

static s4c_status mem_read(void *ctx, uint64_t off, void *buf, size_t len, size_t *got) {
    const mem_stream *m = ctx;
    *got = 0;
    if (off >= m->n) return S4C_OK;
    size_t k = m->n - (size_t)off < len ? m->n - (size_t)off : len;
    memcpy(buf, m->p + off, k);
    *got = k;
    return S4C_OK;
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

/*
 * A sink that checks the parallel decoder's write contract — one call at a
 * time (an overlapping call is counted) — and fails with S4C_ERROR_BACKEND on
 * call number fail_at (0: never).
 */
typedef struct strict_sink {
    sink s;
    atomic_int busy;
    atomic_int overlaps;
    int calls, fail_at;
} strict_sink;

static s4c_status strict_write(void *ctx, const void *buf, size_t len) {
    strict_sink *k = ctx;
    if (atomic_exchange(&k->busy, 1)) atomic_fetch_add(&k->overlaps, 1);
    s4c_status st = ++k->calls == k->fail_at ? S4C_ERROR_BACKEND : sink_write(&k->s, buf, len);
    atomic_store(&k->busy, 0);
    return st;
}

/*
 * A positional sink (s4c_ckindex_decode_at): called from several threads; it
 * stores each piece at its offset, counts the bytes written more than once
 * or out of bounds, and fails with S4C_ERROR_BACKEND on call fail_at (0: never).
 */
typedef struct at_sink {
    uint8_t *p, *seen;
    size_t cap;
    atomic_size_t bytes;
    atomic_int twice, outside, calls;
    int fail_at;
} at_sink;

static void at_sink_reset(at_sink *k, uint8_t *p, uint8_t *seen, size_t cap, int fail_at) {
    k->p = p;
    k->seen = seen;
    k->cap = cap;
    memset(seen, 0, cap);
    atomic_store(&k->bytes, 0);
    atomic_store(&k->twice, 0);
    atomic_store(&k->outside, 0);
    atomic_store(&k->calls, 0);
    k->fail_at = fail_at;
}

static s4c_status at_write(void *ctx, uint64_t off, const void *buf, size_t len) {
    at_sink *k = ctx;
    if (atomic_fetch_add(&k->calls, 1) + 1 == k->fail_at) return S4C_ERROR_BACKEND;
    if (off > k->cap || len > k->cap - off) {
        atomic_fetch_add(&k->outside, 1);
        return S4C_OK;
    }
    memcpy(k->p + off, buf, len);
    for (size_t i = 0; i < len; i++)
        if (k->seen[off + i]++) atomic_fetch_add(&k->twice, 1);
    atomic_fetch_add(&k->bytes, len);
    return S4C_OK;
}

/* Compresses src with a streaming encoder (one frame/member, or zstd frames
 * of `frame` bytes). Returns a malloc'd buffer. */
static uint8_t *compress(uint32_t kind, const uint8_t *src, size_t n, uint64_t frame, int linked,
                         size_t *out_n) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.zstd_frame_size = frame;
    o.lz4_block_linked = linked;
    s4c_encoder *e = NULL;
    if (s4c_encoder_create(kind, &o, &e, NULL) != S4C_OK) return NULL;
    size_t cap = n + n / 2 + (1 << 20), pos = 0;
    uint8_t *dst = malloc(cap);
    s4c_in_buffer ib = {src, n, 0};
    size_t pending = 1;
    while (pending || ib.pos < ib.size) {
        s4c_out_buffer ob = {dst + pos, cap - pos, 0};
        if (s4c_encoder_stream(e, &ib, &ob, S4C_FLUSH_END, &pending) != S4C_OK) {
            free(dst);
            s4c_encoder_free(e);
            return NULL;
        }
        pos += ob.pos;
    }
    s4c_encoder_free(e);
    *out_n = pos;
    return dst;
}

/* ------------------------------------------------------- format, golden */

/*
 * The golden index of docs/formats/s4ci.md: cpu-lz4, spacing 4 MiB, a
 * 100-byte stream of 1000 bytes whose fingerprint is XXH64 of bytes 0..99
 * = 0, 1, 2, ... 99, one entry (the stream start).
 */
static const char golden_hex[] =
    "53344349 01 00 4000 3f00000000000000 0000400000000000"
    "6400000000000000 e803000000000000 64000000 %s 01000000"
    "000000 %s";

static size_t golden(uint8_t *buf, size_t cap) {
    uint8_t head[100];
    for (int i = 0; i < 100; i++) head[i] = (uint8_t)i;
    uint8_t fp[8];
    uint64_t h = XXH64(head, 100, 0);
    for (int i = 0; i < 8; i++) fp[i] = (uint8_t)(h >> (8 * i));
    char fphex[17], hex[512];
    for (int i = 0; i < 8; i++) snprintf(fphex + 2 * i, 3, "%02x", fp[i]);
    snprintf(hex, sizeof hex, golden_hex, fphex, "00000000");
    size_t n = check_unhex(hex, buf, cap);
    uint32_t crc = s4c_crc32c(0, buf, n - 4);
    for (int i = 0; i < 4; i++) buf[n - 4 + i] = (uint8_t)(crc >> (8 * i));
    return n;
}

static void test_golden(void) {
    uint8_t buf[128];
    size_t n = golden(buf, sizeof buf);
    CHECK_EQ_U64(n, 63);
    s4c_ckindex *ix = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_ckindex_decode(buf, n, &ix, &d));
    if (!ix) return;
    CHECK_EQ_U64(s4c_ckindex_kind(ix), S4C_KIND_CPU_LZ4);
    CHECK_EQ_U64(s4c_ckindex_compressed_size(ix), 100);
    CHECK_EQ_U64(s4c_ckindex_uncompressed_size(ix), 1000);
    CHECK_EQ_U64(s4c_ckindex_count(ix), 1);
    s4c_ckindex_entry e;
    CHECK_OK(s4c_ckindex_entry_at(ix, 0, &e));
    CHECK(e.compressed_offset == 0 && e.uncompressed_offset == 0 && !e.state && !e.state_size);
    CHECK_STATUS(s4c_ckindex_entry_at(ix, 1, &e), S4C_ERROR_INVALID_ARGUMENT);
    uint8_t again[128];
    size_t m = 0;
    CHECK_STATUS(s4c_ckindex_encode(ix, NULL, 0, &m), S4C_ERROR_DST_TOO_SMALL);
    CHECK_EQ_U64(m, n);
    CHECK_STATUS(s4c_ckindex_encode(ix, again, n - 1, &m), S4C_ERROR_DST_TOO_SMALL);
    CHECK_OK(s4c_ckindex_encode(ix, again, sizeof again, &m));
    CHECK(m == n && memcmp(again, buf, n) == 0);
    /* check_stream against the 100-byte stream 0..99 (and others). */
    uint8_t stream[101];
    for (int i = 0; i < 101; i++) stream[i] = (uint8_t)i;
    mem_stream ms = {stream, 100};
    CHECK_OK(s4c_ckindex_check_stream(ix, mem_read, &ms, &d));
    ms.n = 101;
    CHECK_STATUS(s4c_ckindex_check_stream(ix, mem_read, &ms, &d), S4C_ERROR_STATE_FOREIGN);
    CHECK_STR_CONTAINS(d.message, "longer");
    ms.n = 99;
    CHECK_STATUS(s4c_ckindex_check_stream(ix, mem_read, &ms, &d), S4C_ERROR_STATE_FOREIGN);
    ms.n = 100;
    stream[50] ^= 1;
    CHECK_STATUS(s4c_ckindex_check_stream(ix, mem_read, &ms, &d), S4C_ERROR_STATE_FOREIGN);
    CHECK_STR_CONTAINS(d.message, "fingerprint");
    s4c_ckindex_free(ix);
}

/* Re-seals a forged index: total size and CRC32C. */
static void reseal(uint8_t *b, size_t n) {
    for (int i = 0; i < 8; i++) b[8 + i] = (uint8_t)((uint64_t)n >> (8 * i));
    uint32_t crc = s4c_crc32c(0, b, n - 4);
    for (int i = 0; i < 4; i++) b[n - 4 + i] = (uint8_t)(crc >> (8 * i));
}

static void expect_bad(const uint8_t *b, size_t n, const char *why) {
    s4c_ckindex *ix = (s4c_ckindex *)1;
    s4c_error_detail d;
    CHECK_STATUS(s4c_ckindex_decode(b, n, &ix, &d), S4C_ERROR_CKINDEX_INVALID);
    CHECK(ix == NULL);
    CHECK_STR_CONTAINS(d.message, why);
}

static void test_header_checks(void) {
    uint8_t g[128], b[160];
    size_t n = golden(g, sizeof g);
#define FORGE(stmt, why)                                                                      \
    do {                                                                                      \
        memcpy(b, g, n);                                                                      \
        stmt;                                                                                 \
        reseal(b, n);                                                                         \
        expect_bad(b, n, why);                                                                \
    } while (0)
    memcpy(b, g, n);
    b[0] = 'X';
    expect_bad(b, n, "no \"S4CI\" magic");
    expect_bad(g, 3, "no \"S4CI\" magic");
    memcpy(b, g, n);
    b[4] = 2;
    expect_bad(b, n, "version 2 is not supported");
    expect_bad(g, 62, "shorter than the smallest index");
    memcpy(b, g, n);
    b[8] = 70;
    expect_bad(b, n, "declares 70 bytes but 63 were given");
    memcpy(b, g, n);
    b[30] ^= 1;
    expect_bad(b, n, "CRC32C mismatch");
    FORGE(b[5] = 1, "unknown flags 0x01");
    FORGE(b[6] = 8, "codec kind 8 is not");
    FORGE(b[6] = 0, "codec kind 0 is not");
    FORGE(memset(b + 16, 0, 8), "checkpoint spacing 0");
    FORGE(memset(b + 24, 0, 8), "compressed size 0");
    FORGE(b[40] = 99, "the fingerprint covers 99 bytes, a 100-byte stream needs 100");
    FORGE(memset(b + 52, 0, 4), "no entries");
    FORGE(b[52] = 2, "2 entries cannot fit in 3 bytes");
    FORGE(b[56] = 1, "entry 0 must be the stream start");
    FORGE(b[58] = 1, "entry 0 must be the stream start");
    FORGE(b[56] = 0x80, "entry 0: ");
    /* A byte after the last entry. */
    memcpy(b, g, n);
    memmove(b + n - 3, b + n - 4, 4);
    b[n - 4] = 0;
    reseal(b, n + 1);
    expect_bad(b, n + 1, "1 bytes after the last entry");
#undef FORGE
    s4c_ckindex *ix = NULL;
    CHECK_STATUS(s4c_ckindex_decode(NULL, 0, &ix, NULL), S4C_ERROR_CKINDEX_INVALID);
    CHECK_STATUS(s4c_ckindex_decode(g, n, NULL, NULL), S4C_ERROR_INVALID_ARGUMENT);
    s4c_ckindex_free(NULL);
    CHECK_EQ_U64(s4c_ckindex_count(NULL), 0);
}

/* --------------------------------------------- built over real streams */

/* Forged entries of a built index: positions, states swapped, a state
 * damaged, a state of another kind. `enc` is a valid encoding with >= 3 entries. */
static void test_forged_entries(const uint8_t *enc, size_t n, const s4c_ckindex *ix) {
    uint8_t *b = malloc(n + 64);
    s4c_ckindex_entry e1, e2;
    s4c_ckindex_entry_at(ix, 1, &e1);
    s4c_ckindex_entry_at(ix, 2, &e2);
    /* Locate entry 1's state in the encoding. */
    const uint8_t *p1 = NULL;
    for (size_t i = 56; i + e1.state_size <= n; i++)
        if (memcmp(enc + i, e1.state, e1.state_size) == 0) {
            p1 = enc + i;
            break;
        }
    CHECK(p1 != NULL);
    if (!p1) {
        free(b);
        return;
    }
    size_t off1 = (size_t)(p1 - enc);
    /* A bit flipped inside entry 1's state: its CRC32C fails. */
    memcpy(b, enc, n);
    b[off1 + 20] ^= 0x10;
    reseal(b, n);
    expect_bad(b, n, "entry 1: its state does not check");
    /* Entry 1's state kind changed (its own CRC re-sealed). */
    memcpy(b, enc, n);
    b[off1 + 6] = b[off1 + 6] == 64 ? 7 : 64;
    b[off1 + 7] = 0;
    {
        uint32_t crc = s4c_crc32c(0, b + off1, e1.state_size - 4);
        for (int i = 0; i < 4; i++) b[off1 + e1.state_size - 4 + i] = (uint8_t)(crc >> (8 * i));
    }
    reseal(b, n);
    {
        /* Until that kind is resumable the blob itself is refused first. */
        s4c_state_info info;
        int inspectable = s4c_state_inspect(b + off1, e1.state_size, &info, NULL) == S4C_OK;
        expect_bad(b, n, inspectable ? "entry 1: its state is for codec kind"
                                     : "entry 1: its state does not check");
    }
    /* Entry 1's state's resume point moved by one byte. */
    memcpy(b, enc, n);
    b[off1 + 28] ^= 1;
    b[off1 + 12] ^= 1;
    {
        uint32_t crc = s4c_crc32c(0, b + off1, e1.state_size - 4);
        for (int i = 0; i < 4; i++) b[off1 + e1.state_size - 4 + i] = (uint8_t)(crc >> (8 * i));
    }
    reseal(b, n);
    expect_bad(b, n, "entry 1: its state stands at");
    /* Entry 1's delta of the uncompressed offset: one more (stands elsewhere). */
    memcpy(b, enc, n);
    /* entry 1 starts right after entry 0 (3 bytes at 56): Δc varint, Δu varint */
    size_t q = 59;
    while (b[q] & 0x80) q++;
    q++;                       /* q: first byte of Δu */
    if (b[q] < 0x7f) {
        b[q]++;
        reseal(b, n);
        expect_bad(b, n, "entry 1: its state stands at");
    }
    /* Entry 1 with Δu = 0: not increasing (same width: the low 7 bits). */
    memcpy(b, enc, n);
    {
        size_t k = q;
        int width = 1;
        while (b[k] & 0x80) k++, width++;
        if (width == 1) {
            b[q] = 0;
            reseal(b, n);
            expect_bad(b, n, "entry 1: uncompressed offsets are not increasing");
        }
    }
    /* Entry 1's state size 59 (one-byte varints only): out of range. */
    memcpy(b, enc, n);
    {
        size_t k = q;
        while (b[k] & 0x80) k++;
        k++; /* the state size varint */
        if (!(b[k] & 0x80)) {
            b[k] = 59;
            reseal(b, n);
            expect_bad(b, n, "entry 1: state size 59 is out of range");
        }
    }
    free(b);
}

typedef struct codec_case {
    const char *name;
    uint32_t kind;
    uint64_t zstd_frame;
    int linked;
} codec_case;

static void test_stream(const codec_case *cc, const uint8_t *data, size_t n, uint64_t spacing) {
    size_t cn = 0;
    uint8_t *comp = compress(cc->kind, data, n, cc->zstd_frame, cc->linked, &cn);
    CHECK(comp != NULL);
    if (!comp) return;
    mem_stream ms = {comp, cn};
    s4c_ckindex *ix = NULL;
    s4c_error_detail d;
    s4c_status st = s4c_ckindex_build(mem_read, &ms, spacing, &ix, &d);
    CHECK_OK(st);
    if (st != S4C_OK) {
        fprintf(stderr, "  %s: build: %s\n", cc->name, d.message);
        free(comp);
        return;
    }
    size_t count = s4c_ckindex_count(ix);
    CHECK_EQ_U64(s4c_ckindex_kind(ix), cc->kind);
    CHECK_EQ_U64(s4c_ckindex_compressed_size(ix), cn);
    CHECK_EQ_U64(s4c_ckindex_uncompressed_size(ix), n);
    size_t enc_n = 0, state_total = 0, state_max = 0;
    s4c_ckindex_encode(ix, NULL, 0, &enc_n);
    uint8_t *enc = malloc(enc_n);
    CHECK_OK(s4c_ckindex_encode(ix, enc, enc_n, &enc_n));
    for (size_t i = 0; i < count; i++) {
        s4c_ckindex_entry e;
        CHECK_OK(s4c_ckindex_entry_at(ix, i, &e));
        state_total += e.state_size;
        if (e.state_size > state_max) state_max = e.state_size;
        if (i) {
            s4c_ckindex_entry p;
            s4c_ckindex_entry_at(ix, i - 1, &p);
            CHECK(e.uncompressed_offset > p.uncompressed_offset);
            CHECK(e.compressed_offset >= p.compressed_offset);
            CHECK(e.uncompressed_offset - p.uncompressed_offset >= spacing);
        }
    }
    printf("  %-12s %8zu -> %8zu bytes, %3zu entries, index %6zu bytes (%.2f%%), state avg %zu "
           "max %zu\n",
           cc->name, n, cn, count, enc_n, 100.0 * (double)enc_n / (double)cn,
           count > 1 ? state_total / (count - 1) : 0, state_max);
    /* decode(encode(x)) re-encodes to the same bytes */
    s4c_ckindex *back = NULL;
    CHECK_OK(s4c_ckindex_decode(enc, enc_n, &back, &d));
    if (back) {
        size_t m = 0;
        uint8_t *enc2 = malloc(enc_n);
        CHECK_OK(s4c_ckindex_encode(back, enc2, enc_n, &m));
        CHECK(m == enc_n && memcmp(enc, enc2, enc_n) == 0);
        free(enc2);
    }
    CHECK_OK(s4c_ckindex_check_stream(back ? back : ix, mem_read, &ms, &d));

    /* Random reads (through the decoded index) against the plain data. */
    const s4c_ckindex *rx = back ? back : ix;
    uint8_t *buf = malloc((n > ((size_t)1 << 20) ? n : ((size_t)1 << 20)) + 1);
    uint64_t seed = 7;
    for (int k = 0; k < 40; k++) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        uint64_t off = seed % n;
        size_t len = (size_t)((seed >> 32) % (1 << 20)) + 1;
        if (k == 0) off = 0, len = 10;
        if (k == 1) off = n - 5, len = 100; /* clamped at the end */
        if (k == 2 && count > 1) {          /* exactly at a checkpoint */
            s4c_ckindex_entry e;
            s4c_ckindex_entry_at(rx, count / 2, &e);
            off = e.uncompressed_offset, len = 4096;
        }
        if (k == 3 && count > 1) { /* one byte before a checkpoint, across it */
            s4c_ckindex_entry e;
            s4c_ckindex_entry_at(rx, 1, &e);
            off = e.uncompressed_offset - 1, len = 2;
        }
        size_t want = off + len > n ? n - (size_t)off : len, got = 0;
        st = s4c_ckindex_read(rx, mem_read, &ms, off, buf, len, &got, &d);
        CHECK_OK(st);
        CHECK_EQ_U64(got, want);
        if (st != S4C_OK || got != want || memcmp(buf, data + off, want) != 0) {
            fprintf(stderr, "  %s: read %llu+%zu: %s\n", cc->name, (unsigned long long)off, len,
                    d.message);
            CHECK(0);
            break;
        }
        /* The same read on 1-3 threads, in place (the byte after it untouched). */
        unsigned threads = (unsigned)(k % 3) + 1;
        memset(buf, 0xA5, want + 1);
        got = 0;
        st = s4c_ckindex_read_parallel(rx, mem_read, &ms, off, buf, len, threads, &got, &d);
        CHECK_OK(st);
        CHECK_EQ_U64(got, want);
        if (st != S4C_OK || got != want || memcmp(buf, data + off, want) != 0 ||
            buf[want] != 0xA5) {
            fprintf(stderr, "  %s: read_parallel %llu+%zu on %u: %s\n", cc->name,
                    (unsigned long long)off, len, threads, d.message);
            CHECK(0);
            break;
        }
    }
    size_t got = 1;
    CHECK_OK(s4c_ckindex_read(rx, mem_read, &ms, n, buf, 10, &got, &d));
    CHECK_EQ_U64(got, 0);
    got = 1;
    CHECK_OK(s4c_ckindex_read_parallel(rx, mem_read, &ms, n, buf, 10, 2, &got, &d));
    CHECK_EQ_U64(got, 0);
    /* The whole stream through read_parallel, and the last byte alone. */
    CHECK_OK(s4c_ckindex_read_parallel(rx, mem_read, &ms, 0, buf, n, 0, &got, &d));
    CHECK(got == n && memcmp(buf, data, n) == 0);
    CHECK_OK(s4c_ckindex_read_parallel(rx, mem_read, &ms, n - 1, buf, 1, 3, &got, &d));
    CHECK(got == 1 && buf[0] == data[n - 1]);

    /* Parallel decode on 1, 2, 4 threads: identical to the data. */
    sink sk = {malloc(n + 1), 0, n + 1};
    for (unsigned t = 1; t <= 4; t *= 2) {
        sk.n = 0;
        st = s4c_ckindex_decode_parallel(rx, mem_read, &ms, t, sink_write, &sk, &d);
        CHECK_OK(st);
        CHECK(sk.n == n && memcmp(sk.p, data, n) == 0);
        if (st != S4C_OK) fprintf(stderr, "  %s: parallel %u: %s\n", cc->name, t, d.message);
    }

    /* Decode into memory on 1, 2, 3, 4 threads: identical to the data; a
     * buffer one byte short is refused before anything is decoded. */
    for (unsigned t = 1; t <= 4; t++) {
        memset(sk.p, 0xA5, n + 1);
        st = s4c_ckindex_decode_into(rx, mem_read, &ms, t, sk.p, n + 1, &d);
        CHECK_OK(st);
        CHECK(memcmp(sk.p, data, n) == 0 && sk.p[n] == 0xA5);
        if (st != S4C_OK) fprintf(stderr, "  %s: into %u: %s\n", cc->name, t, d.message);
    }
    memset(sk.p, 0xA5, n + 1);
    CHECK_STATUS(s4c_ckindex_decode_into(rx, mem_read, &ms, 2, sk.p, n - 1, &d),
                 S4C_ERROR_DST_TOO_SMALL);
    CHECK_STR_CONTAINS(d.message, "the buffer holds");
    CHECK(sk.p[0] == 0xA5);
    CHECK_STATUS(s4c_ckindex_decode_into(rx, mem_read, &ms, 2, NULL, n, &d),
                 S4C_ERROR_INVALID_ARGUMENT);

    /* Positional writes on 1-4 threads: every byte once, in bounds; a failing
     * write stops the decode with its status. */
    {
        uint8_t *seen = malloc(n + 1);
        at_sink k;
        for (unsigned t = 1; t <= 4; t++) {
            at_sink_reset(&k, sk.p, seen, n, 0);
            memset(sk.p, 0, n);
            st = s4c_ckindex_decode_at(rx, mem_read, &ms, t, at_write, &k, &d);
            CHECK_OK(st);
            CHECK(atomic_load(&k.bytes) == n && atomic_load(&k.twice) == 0 &&
                  atomic_load(&k.outside) == 0 && memcmp(sk.p, data, n) == 0);
            if (st != S4C_OK) fprintf(stderr, "  %s: decode_at %u: %s\n", cc->name, t, d.message);
        }
        for (unsigned t = 1; t <= 2; t++) {
            at_sink_reset(&k, sk.p, seen, n, 2);
            st = s4c_ckindex_decode_at(rx, mem_read, &ms, t, at_write, &k, &d);
            if (atomic_load(&k.calls) >= 2) {
                CHECK_STATUS(st, S4C_ERROR_BACKEND);
                CHECK_STR_CONTAINS(d.message, "writing the output failed");
            }
        }
        CHECK_STATUS(s4c_ckindex_decode_at(rx, mem_read, &ms, 2, NULL, &k, &d),
                     S4C_ERROR_INVALID_ARGUMENT);
        free(seen);
    }

    /* Writes come one at a time; a failing write stops the decode with its
     * status, after a prefix of the data, on any number of threads. */
    for (unsigned t = 1; t <= 4; t *= 2) {
        strict_sink k;
        memset(&k, 0, sizeof k);
        k.s = (sink){sk.p, 0, n + 1};
        CHECK_OK(s4c_ckindex_decode_parallel(rx, mem_read, &ms, t, strict_write, &k, &d));
        CHECK(k.s.n == n && memcmp(k.s.p, data, n) == 0);
        CHECK_EQ_U64(atomic_load(&k.overlaps), 0);
        int calls = k.calls;
        for (int at = 1; at <= calls && at <= 3; at += 2) {
            memset(&k, 0, sizeof k);
            k.s = (sink){sk.p, 0, n + 1};
            k.fail_at = at;
            CHECK_STATUS(s4c_ckindex_decode_parallel(rx, mem_read, &ms, t, strict_write, &k, &d),
                         S4C_ERROR_BACKEND);
            CHECK_STR_CONTAINS(d.message, "writing the output failed");
            CHECK_EQ_U64(k.calls, at);
            CHECK(memcmp(k.s.p, data, k.s.n) == 0);
            CHECK_EQ_U64(atomic_load(&k.overlaps), 0);
        }
    }

    /* The index against another stream: same size, one byte changed early. */
    uint8_t *other = malloc(cn);
    memcpy(other, comp, cn);
    other[cn < 4096 ? cn / 2 : 2000] ^= 0x20;
    mem_stream mo = {other, cn};
    CHECK_STATUS(s4c_ckindex_check_stream(rx, mem_read, &mo, &d), S4C_ERROR_STATE_FOREIGN);
    if (count > 1) { /* states refuse another stream's head */
        s4c_ckindex_entry e;
        s4c_ckindex_entry_at(rx, count - 1, &e);
        st = s4c_ckindex_read(rx, mem_read, &mo, e.uncompressed_offset, buf, 10, &got, &d);
        CHECK_STATUS(st, S4C_ERROR_STATE_FOREIGN);
    }
    /* A truncated stream: the last segment cannot end cleanly. */
    mem_stream mt = {comp, cn - 1};
    sk.n = 0;
    st = s4c_ckindex_decode_parallel(rx, mem_read, &mt, 2, sink_write, &sk, &d);
    CHECK(st != S4C_OK);
    for (unsigned t = 1; t <= 2; t++)
        CHECK(s4c_ckindex_decode_into(rx, mem_read, &mt, t, sk.p, n + 1, &d) != S4C_OK);
    /* Bytes flipped in the last segment's compressed bytes: decode_into gives
     * what a serial decode gives, on 1 and 3 threads — the same error, or (an
     * lz4 stream without checksums cannot tell) the same bytes. */
    if (count > 1) {
        s4c_ckindex_entry e;
        s4c_ckindex_entry_at(rx, count - 1, &e);
        memcpy(other, comp, cn);
        size_t at = (size_t)e.compressed_offset + (cn - (size_t)e.compressed_offset) / 2;
        for (int k = 0; k < 8 && at + k < cn; k++) other[at + k] ^= 0x5A;
        sink serial = {malloc(n + 1), 0, n + 1};
        s4c_status want = s4c_ckindex_decode_parallel(rx, mem_read, &mo, 1, sink_write, &serial, &d);
        if (cc->kind != S4C_KIND_CPU_LZ4 || cc->linked) CHECK(want != S4C_OK);
        for (unsigned t = 1; t <= 3; t += 2) {
            st = s4c_ckindex_decode_into(rx, mem_read, &mo, t, sk.p, n + 1, &d);
            CHECK_STATUS(st, want);
            if (st != S4C_OK) CHECK(d.message[0] != 0);
            if (st == S4C_OK) CHECK(serial.n == n && memcmp(sk.p, serial.p, n) == 0);
        }
        free(serial.p);
    }

    if (count >= 3) test_forged_entries(enc, enc_n, rx);
    free(other);
    free(sk.p);
    free(buf);
    free(enc);
    s4c_ckindex_free(back);
    s4c_ckindex_free(ix);
    free(comp);
}

/* Reads through to a mem_stream but flips the last byte: a zstd seek
 * table's footer magic, so the builder must scan. */
static s4c_status flipped_read(void *ctx, uint64_t off, void *buf, size_t len, size_t *got) {
    const mem_stream *m = ctx;
    mem_read(ctx, off, buf, len, got);
    if (off + *got == m->n && *got) ((uint8_t *)buf)[*got - 1] ^= 0xFF;
    return S4C_OK;
}

/* Seekable zstd: the index from the seek table (no scan) equals the scanned one. */
static void test_zstd_seek_table(const uint8_t *data, size_t n) {
    size_t cn = 0;
    uint8_t *comp = compress(S4C_KIND_CPU_ZSTD, data, n, 300000, 0, &cn);
    CHECK(comp != NULL);
    if (!comp) return;
    mem_stream ms = {comp, cn};
    const uint64_t spacings[] = {1, 256 << 10, 1 << 20, 64 << 20};
    for (size_t k = 0; k < 4; k++) {
        s4c_ckindex *fast = NULL, *scan = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_ckindex_build(mem_read, &ms, spacings[k], &fast, &d));
        CHECK_OK(s4c_ckindex_build(flipped_read, &ms, spacings[k], &scan, &d));
        if (!fast || !scan) {
            s4c_ckindex_free(fast);
            s4c_ckindex_free(scan);
            break;
        }
        size_t a = 0, b = 0;
        s4c_ckindex_encode(fast, NULL, 0, &a);
        s4c_ckindex_encode(scan, NULL, 0, &b);
        uint8_t *ea = malloc(a), *eb = malloc(b);
        s4c_ckindex_encode(fast, ea, a, &a);
        s4c_ckindex_encode(scan, eb, b, &b);
        CHECK(a == b && memcmp(ea, eb, a) == 0);
        if (k == 1) {
            printf("  zstd seek table: %zu entries without a scan, same bytes as the scan\n",
                   s4c_ckindex_count(fast));
            CHECK(s4c_ckindex_count(fast) > 3);
            sink sk = {malloc(n), 0, n};
            CHECK_OK(s4c_ckindex_decode_parallel(fast, mem_read, &ms, 3, sink_write, &sk, &d));
            CHECK(sk.n == n && memcmp(sk.p, data, n) == 0);
            memset(sk.p, 0, n);
            CHECK_OK(s4c_ckindex_decode_into(fast, mem_read, &ms, 3, sk.p, n, &d));
            CHECK(memcmp(sk.p, data, n) == 0);
            free(sk.p);
        }
        free(ea);
        free(eb);
        s4c_ckindex_free(fast);
        s4c_ckindex_free(scan);
    }
    free(comp);
}

static void test_codecs(void) {
    size_t n = (size_t)6 << 20;
    uint8_t *data = malloc(n);
    check_fill(data, n, 42, 1);
    /* a random stretch: stored blocks / incompressible lz4 blocks */
    check_fill(data + (2 << 20), 300000, 43, 0);
    static const codec_case cases[] = {
        {"lz4", S4C_KIND_CPU_LZ4, 0, 0},
        {"lz4-linked", S4C_KIND_CPU_LZ4, 0, 1},
        {"gzip", S4C_KIND_CPU_GZIP, 0, 0},
        {"zstd", S4C_KIND_CPU_ZSTD, 0, 0},
        {"zstd-frames", S4C_KIND_CPU_ZSTD, 512 << 10, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        test_stream(&cases[i], data, n, 256 << 10);
    /* A tiny stream (shorter than the fingerprint) and spacing 1. */
    test_stream(&cases[0], data, 3000, 1);
    test_zstd_seek_table(data, n);
    /* Empty streams: decode_into places nothing but still checks the stream. */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t cn = 0;
        uint8_t *comp = compress(cases[i].kind, data, 0, cases[i].zstd_frame, cases[i].linked, &cn);
        CHECK(comp != NULL);
        if (!comp) continue;
        mem_stream ms = {comp, cn};
        s4c_ckindex *ix = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_ckindex_build(mem_read, &ms, 0, &ix, &d));
        if (ix) {
            CHECK_EQ_U64(s4c_ckindex_uncompressed_size(ix), 0);
            CHECK_OK(s4c_ckindex_decode_into(ix, mem_read, &ms, 2, NULL, 0, &d));
            mem_stream cut = {comp, cn - 1};
            CHECK(s4c_ckindex_decode_into(ix, mem_read, &cut, 2, NULL, 0, &d) != S4C_OK);
        }
        s4c_ckindex_free(ix);
        free(comp);
    }
    free(data);
}

static void test_build_errors(void) {
    s4c_ckindex *ix = NULL;
    s4c_error_detail d;
    mem_stream ms = {(const uint8_t *)"hello, not compressed", 21};
    CHECK_STATUS(s4c_ckindex_build(mem_read, &ms, 0, &ix, &d), S4C_ERROR_UNKNOWN_FORMAT);
    CHECK(ix == NULL);
    ms.n = 0;
    CHECK_STATUS(s4c_ckindex_build(mem_read, &ms, 0, &ix, &d), S4C_ERROR_TRUNCATED_INPUT);
    CHECK_STATUS(s4c_ckindex_build(NULL, &ms, 0, &ix, &d), S4C_ERROR_INVALID_ARGUMENT);
}

/* Allocation failures while decoding through an index (decode_into,
 * read_parallel, decode_parallel, decode_at), on 1 and 2 threads:
 * a clean S4C_ERROR_OUT_OF_MEMORY (never another status, a crash or a leak —
 * ASan checks the last), and success once enough allocations are allowed. */
static atomic_int alloc_left = -1; /* >= 0: allocations left before failures */
static void *limited_malloc(size_t n) {
    int left = atomic_load(&alloc_left);
    while (left > 0 && !atomic_compare_exchange_weak(&alloc_left, &left, left - 1)) {
    }
    if (left == 0) return NULL;
    return malloc(n);
}

static void test_out_of_memory(void) {
    size_t n = (size_t)3 << 20;
    uint8_t *data = malloc(n);
    check_fill(data, n, 44, 1);
    static const codec_case cases[] = {
        {"lz4-linked", S4C_KIND_CPU_LZ4, 0, 1},
        {"gzip", S4C_KIND_CPU_GZIP, 0, 0},
        {"zstd-frames", S4C_KIND_CPU_ZSTD, 512 << 10, 0},
    };
    uint8_t *out = malloc(n), *seen = malloc(n);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t cn = 0;
        uint8_t *comp = compress(cases[i].kind, data, n, cases[i].zstd_frame, cases[i].linked, &cn);
        mem_stream ms = {comp, cn};
        s4c_ckindex *ix = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_ckindex_build(mem_read, &ms, 512 << 10, &ix, &d));
        if (!ix) {
            free(comp);
            continue;
        }
        s4c_set_memory_allocator(limited_malloc, free);
        int ok_into = 0, ok_read = 0;
        for (int k = 0; k < 40; k++) {
            for (unsigned t = 1; t <= 2; t++) {
                atomic_store(&alloc_left, k);
                s4c_status st = s4c_ckindex_decode_into(ix, mem_read, &ms, t, out, n, &d);
                atomic_store(&alloc_left, -1);
                CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
                if (st != S4C_OK && st != S4C_ERROR_OUT_OF_MEMORY)
                    fprintf(stderr, "  %s: decode_into, %d allocations, %u threads: %s: %s\n",
                            cases[i].name, k, t, s4c_status_name(st), d.message);
                if (st == S4C_OK) CHECK(memcmp(out, data, n) == 0);
                ok_into += st == S4C_OK;
                size_t got = 0;
                atomic_store(&alloc_left, k);
                st = s4c_ckindex_read_parallel(ix, mem_read, &ms, n / 3, out, n / 2, t, &got, &d);
                atomic_store(&alloc_left, -1);
                CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
                if (st != S4C_OK && st != S4C_ERROR_OUT_OF_MEMORY)
                    fprintf(stderr, "  %s: read_parallel, %d allocations, %u threads: %s: %s\n",
                            cases[i].name, k, t, s4c_status_name(st), d.message);
                if (st == S4C_OK) CHECK(got == n / 2 && memcmp(out, data + n / 3, n / 2) == 0);
                ok_read += st == S4C_OK;
                sink sk = {out, 0, n};
                atomic_store(&alloc_left, k);
                st = s4c_ckindex_decode_parallel(ix, mem_read, &ms, t, sink_write, &sk, &d);
                atomic_store(&alloc_left, -1);
                CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
                if (st != S4C_OK && st != S4C_ERROR_OUT_OF_MEMORY)
                    fprintf(stderr, "  %s: decode_parallel, %d allocations, %u threads: %s: %s\n",
                            cases[i].name, k, t, s4c_status_name(st), d.message);
                if (st == S4C_OK) CHECK(sk.n == n && memcmp(out, data, n) == 0);
                at_sink ak;
                at_sink_reset(&ak, out, seen, n, 0);
                atomic_store(&alloc_left, k);
                st = s4c_ckindex_decode_at(ix, mem_read, &ms, t, at_write, &ak, &d);
                atomic_store(&alloc_left, -1);
                CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
                if (st == S4C_OK) CHECK(atomic_load(&ak.bytes) == n && memcmp(out, data, n) == 0);
            }
        }
        s4c_set_memory_allocator(NULL, NULL);
        CHECK(ok_into > 0 && ok_into < 80 && ok_read > 0 && ok_read < 80);
        s4c_ckindex_free(ix);
        free(comp);
    }
    free(out);
    free(seen);
    free(data);
}

int main(void) {
    test_golden();
    test_out_of_memory();
    test_header_checks();
    test_build_errors();
    test_codecs();
    return check_exit("test_ckindex");
}
