/*
 * test_gzip_resume.c — the resumable cpu-gzip streaming decoder
 * (s4codec_resume.h, docs/formats/state.md "cpu-gzip body"):
 *
 *  - the block-end hunt of deflate_decoder.c stops exactly at the block
 *    starts s4c_deflate_scan reports, and restarting there reproduces the rest;
 *  - multi-MiB streams (ours at levels 0/1/6/9, gzip(1), Python's gzip module
 *    (FNAME), members with FEXTRA, FNAME, FCOMMENT and FHCRC, multi-member,
 *    an empty member, stored blocks): stop at every checkpoint
 *    (spacing 1 and 64 KiB) and at random places with random feeds; go on via
 *    another input source, a clone (both go on), save → load → feed from
 *    resume_offset, and save → load in a fresh process (this binary re-run
 *    with --load); every output equals the straight decode;
 *  - forged blobs (CRC32C made valid) are refused with specific messages,
 *    a blob for another stream with S4C_ERROR_STATE_FOREIGN.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "codecs/deflate_block_scan.h"
#include "codecs/deflate_decoder.h"
#include "codecs/gzip_header.h"
#include "s4codec.h"
#include "s4codec_resume.h"
#include "s4codec_stream.h"

#define MIB ((size_t)1 << 20)
#define KIB ((size_t)1 << 10)

/* ------------------------------------------------------------ helpers */

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
} buf;

static void buf_add(buf *b, const void *p, size_t n) {
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 1024;
        b->p = realloc(b->p, b->cap);
        if (!b->p) abort();
    }
    if (n) memcpy(b->p + b->n, p, n);
    b->n += n;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Word salad: compresses about 3:1, like text. */
static void make_text(uint8_t *p, size_t n, uint64_t seed) {
    static const char *words[] = {"the ",    "stream ",  "decoder ", "block ",   "window ",
                                  "of ",     "gzip ",    "member ",  "saved ",   "state ",
                                  "and ",    "resume ",  "offset ",  "bits ",    "huffman ",
                                  "table\n", "a ",       "zran ",    "point ",   "output ",
                                  "input ",  "crc ",     "length ",  "check ",   "32768 "};
    uint64_t s = seed;
    size_t i = 0;
    while (i < n) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        const char *w = words[(s >> 33) % (sizeof words / sizeof *words)];
        if ((s >> 20) % 97 == 0) { /* some noise so that blocks differ */
            p[i++] = (uint8_t)(s >> 40);
            continue;
        }
        for (; *w && i < n; w++) p[i++] = (uint8_t)*w;
    }
}

/* One member of ours (s4c_compress, cpu-gzip). */
static void add_member(buf *out, const uint8_t *src, size_t n, int level) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = level;
    s4c_codec *c = NULL;
    CHECK_OK(s4c_codec_create(S4C_KIND_CPU_GZIP, &o, &c, NULL));
    size_t cap = s4c_compress_bound(c, n);
    uint8_t *tmp = malloc(cap);
    s4c_manifest m;
    CHECK_OK(s4c_compress(c, src, n, tmp, cap, &m, NULL));
    buf_add(out, tmp, (size_t)m.compressed_size);
    free(tmp);
    s4c_codec_free(c);
}

/* A member of ours with FEXTRA, FNAME, FCOMMENT and FHCRC in its header. */
static void add_member_fields(buf *out, const uint8_t *src, size_t n) {
    buf m = {0};
    add_member(&m, src, n, 6);
    uint8_t h[64];
    size_t k = 0;
    const uint8_t fixed[10] = {0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 1, 2, 3, 4, 0, 3};
    memcpy(h, fixed, 10);
    k = 10;
    h[k++] = 5;
    h[k++] = 0;
    memcpy(h + k, "AB\x01\x00Z", 5);
    k += 5;
    memcpy(h + k, "name.txt", 9);
    k += 9;
    memcpy(h + k, "a comment", 10);
    k += 10;
    uint32_t hcrc = s4c_gzip_crc32(0, h, k);
    h[k++] = (uint8_t)hcrc;
    h[k++] = (uint8_t)(hcrc >> 8);
    buf_add(out, h, k);
    buf_add(out, m.p + 10, m.n - 10);
    free(m.p);
}

/*
 * gzip(1)'s member for src, or with python = 1 one written by Python's gzip
 * module (zlib; FNAME set); 0 when the tool is not installed.
 */
static int add_tool_member(buf *out, const uint8_t *src, size_t n, int level, int python) {
    char in_path[] = "/tmp/test_gzip_resume_XXXXXX";
    int fd = mkstemp(in_path);
    if (fd < 0) return 0;
    if (write(fd, src, n) != (ssize_t)n) {
        close(fd);
        unlink(in_path);
        return 0;
    }
    close(fd);
    char cmd[512];
    if (python)
        snprintf(cmd, sizeof cmd,
                 "python3 -c 'import gzip,sys; d=open(sys.argv[1],\"rb\").read(); "
                 "g=gzip.GzipFile(filename=\"data.txt\", mode=\"wb\", compresslevel=%d, "
                 "fileobj=sys.stdout.buffer, mtime=0); g.write(d); g.close()' %s 2>/dev/null",
                 level, in_path);
    else
        snprintf(cmd, sizeof cmd, "gzip -c -%d -n %s 2>/dev/null", level, in_path);
    FILE *f = popen(cmd, "r");
    size_t before = out->n;
    if (f) {
        uint8_t tmp[65536];
        size_t k;
        while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) buf_add(out, tmp, k);
        if (pclose(f) != 0) out->n = before;
    }
    unlink(in_path);
    return out->n > before;
}

static s4c_decoder *new_decoder(uint64_t spacing, int stop) {
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.checkpoint_spacing = spacing;
    o.stop_at_checkpoint = stop;
    s4c_decoder *dec = NULL;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_GZIP, &o, &dec, NULL));
    return dec;
}

static s4c_decoder_position position(const s4c_decoder *dec) {
    s4c_decoder_position p;
    CHECK_OK(s4c_decoder_get_position(dec, &p));
    return p;
}

/*
 * Feeds dec from stream offset `from` (its position) to the end with chunks
 * of `in_chunk` input and `out_chunk` output, appending the output to `out`
 * (at most `limit` bytes of it; then stops). Returns the last status; checks
 * finish at the end.
 */
static s4c_status drain(s4c_decoder *dec, const buf *stream, uint64_t from, size_t in_chunk,
                        size_t out_chunk, buf *out, size_t limit) {
    uint8_t *ob = malloc(out_chunk);
    uint64_t off = from;
    s4c_status st = S4C_OK;
    size_t start = out->n;
    for (int idle = 0; idle < 4;) {
        size_t n = stream->n - off < in_chunk ? stream->n - off : in_chunk;
        s4c_in_buffer in = {stream->p + off, n, 0};
        s4c_out_buffer o = {ob, out_chunk, 0};
        size_t hint = 0;
        st = s4c_decoder_stream(dec, &in, &o, &hint);
        off += in.pos;
        buf_add(out, ob, o.pos);
        if (st != S4C_OK) break;
        if (out->n - start >= limit) break;
        idle = (in.pos == 0 && o.pos == 0) ? idle + 1 : 0;
        if (off == stream->n && hint == 0 && o.pos < out_chunk) break;
    }
    free(ob);
    if (st == S4C_OK && out->n - start < limit) st = s4c_decoder_finish(dec);
    return st;
}

static int same_tail(const buf *ref, uint64_t at, const buf *got, size_t limit) {
    size_t want = ref->n - at < limit ? ref->n - (size_t)at : limit;
    if (got->n < want) {
        fprintf(stderr, "  output from %llu: %zu bytes, expected %zu\n", (unsigned long long)at,
                got->n, want);
        return 0;
    }
    if (memcmp(ref->p + at, got->p, want) != 0) {
        size_t i = 0;
        while (ref->p[at + i] == got->p[i]) i++;
        fprintf(stderr, "  output from %llu differs at +%zu\n", (unsigned long long)at, i);
        return 0;
    }
    return 1;
}

static uint8_t *save_blob(const s4c_decoder *dec, size_t *size) {
    size_t need = 0;
    s4c_error_detail d;
    s4c_status st = s4c_decoder_save(dec, NULL, 0, &need, &d);
    CHECK_STATUS(st, S4C_ERROR_DST_TOO_SMALL);
    uint8_t *b = malloc(need ? need : 1);
    CHECK_OK(s4c_decoder_save(dec, b, need, size, &d));
    CHECK_EQ_U64(*size, need);
    return b;
}

/* Loads `blob` for `stream`, feeds it from resume_offset and checks the output. */
static void check_load(const uint8_t *blob, size_t size, const buf *stream, const buf *ref,
                       size_t in_chunk, size_t out_chunk, size_t limit, const char *what) {
    s4c_state_info info;
    s4c_error_detail d;
    CHECK_OK(s4c_state_inspect(blob, size, &info, &d));
    CHECK_EQ_U64(info.kind, S4C_KIND_CPU_GZIP);
    s4c_decoder *dec = NULL;
    s4c_status st = s4c_decoder_load(blob, size, stream->p, stream->n, NULL, &dec, &d);
    CHECK_OK(st);
    if (st != S4C_OK) {
        fprintf(stderr, "  %s: load: %s\n", what, d.message);
        return;
    }
    s4c_decoder_position p = position(dec);
    CHECK_EQ_U64(p.consumed, info.resume_offset);
    buf got = {0};
    st = drain(dec, stream, info.resume_offset, in_chunk, out_chunk, &got, limit);
    CHECK_OK(st);
    if (!same_tail(ref, info.produced, &got, limit)) {
        fprintf(stderr, "  %s: loaded state (resume %llu/%llu, saved at %llu/%llu) went wrong\n",
                what, (unsigned long long)info.resume_offset,
                (unsigned long long)info.resume_produced, (unsigned long long)info.consumed,
                (unsigned long long)info.produced);
        check_failures++;
    }
    free(got.p);
    s4c_decoder_free(dec);
}

/* ------------------------------------------- loaded decoders: the re-decode */

/*
 * A blob saved between checkpoints is loaded by a decoder that stops at
 * every checkpoint: its first stop is the loaded position itself when that
 * is a block end (not one of the checkpoints it re-decodes through); saving
 * it again before the re-decode is done gives the same positions; a blob
 * saved before any input loads without a stream head.
 */
static void test_loaded_redecode(const buf *stream, const buf *ref) {
    /* Block ends, from a decoder that records every one. */
    uint64_t ends[6];
    int n_ends = 0;
    {
        s4c_decoder *dec = new_decoder(1, 1);
        uint8_t *ob = malloc(256 * KIB);
        uint64_t off = 0;
        while (n_ends < 6 && off < stream->n) {
            s4c_in_buffer in = {stream->p + off, stream->n - off, 0};
            s4c_out_buffer o = {ob, 256 * KIB, 0};
            size_t hint = 0;
            CHECK_OK(s4c_decoder_stream(dec, &in, &o, &hint));
            off += in.pos;
            s4c_decoder_position p = position(dec);
            if (p.at_checkpoint && p.produced > 0 &&
                (n_ends == 0 || ends[n_ends - 1] != p.produced))
                ends[n_ends++] = p.produced;
            if (in.pos == 0 && o.pos == 0) break;
        }
        free(ob);
        s4c_decoder_free(dec);
    }
    CHECK(n_ends == 6);
    if (n_ends < 6) return;
    uint64_t at = ends[4];

    /* Saved at the fifth block end by a decoder with no checkpoints of its own. */
    s4c_decoder *dec = new_decoder((uint64_t)1 << 60, 0);
    uint8_t *ob = malloc((size_t)at);
    s4c_in_buffer in = {stream->p, stream->n, 0};
    s4c_out_buffer o = {ob, (size_t)at, 0};
    size_t hint = 0;
    CHECK_OK(s4c_decoder_stream(dec, &in, &o, &hint));
    CHECK_EQ_U64(o.pos, at);
    size_t bn = 0;
    uint8_t *blob = save_blob(dec, &bn);
    s4c_state_info info;
    CHECK_OK(s4c_state_inspect(blob, bn, &info, NULL));
    CHECK_EQ_U64(info.produced, at);
    CHECK(info.resume_produced < at);

    s4c_decoder_options lo;
    s4c_decoder_options_init(&lo);
    lo.checkpoint_spacing = 1;
    lo.stop_at_checkpoint = 1;
    s4c_decoder *ld = NULL;
    CHECK_OK(s4c_decoder_load(blob, bn, stream->p, stream->n, &lo, &ld, NULL));
    if (ld) {
        /* Saved again at once: the same saved and resume positions. */
        size_t bn2 = 0;
        uint8_t *blob2 = save_blob(ld, &bn2);
        s4c_state_info info2;
        CHECK_OK(s4c_state_inspect(blob2, bn2, &info2, NULL));
        CHECK_EQ_U64(info2.consumed, info.consumed);
        CHECK_EQ_U64(info2.produced, info.produced);
        CHECK_EQ_U64(info2.resume_offset, info.resume_offset);
        CHECK_EQ_U64(info2.resume_produced, info.resume_produced);
        free(blob2);

        /* The first stop is at the loaded position, with no output. */
        uint64_t off = info.resume_offset;
        s4c_decoder_position p = {0};
        uint8_t *lb = malloc(256 * KIB);
        size_t got = 0;
        for (int i = 0; i < 64; i++) {
            s4c_in_buffer li = {stream->p + off, stream->n - off, 0};
            s4c_out_buffer lout = {lb, 256 * KIB, 0};
            CHECK_OK(s4c_decoder_stream(ld, &li, &lout, &hint));
            off += li.pos;
            got = lout.pos;
            p = position(ld);
            if (p.at_checkpoint || got) break;
        }
        CHECK_EQ_U64(got, 0);
        CHECK(p.at_checkpoint);
        CHECK_EQ_U64(p.produced, at);
        CHECK_EQ_U64(p.resume_produced, at);
        /* ... and it goes on to the end with the right bytes. */
        buf rest = {0};
        CHECK_OK(drain(ld, stream, off, 100 * KIB, 77 * KIB, &rest, SIZE_MAX));
        CHECK(rest.n == ref->n - at && same_tail(ref, at, &rest, SIZE_MAX));
        free(rest.p);
        free(lb);
        s4c_decoder_free(ld);
    }
    free(blob);
    free(ob);
    s4c_decoder_free(dec);

    /* A decoder saved before any input loads with no head at all. */
    dec = new_decoder(0, 0);
    blob = save_blob(dec, &bn);
    CHECK_OK(s4c_state_inspect(blob, bn, &info, NULL));
    CHECK_EQ_U64(info.fingerprint_len, 0);
    ld = NULL;
    CHECK_OK(s4c_decoder_load(blob, bn, NULL, 0, NULL, &ld, NULL));
    if (ld) {
        buf all = {0};
        CHECK_OK(drain(ld, stream, 0, 100 * KIB, 100 * KIB, &all, SIZE_MAX));
        CHECK(all.n == ref->n && memcmp(all.p, ref->p, ref->n) == 0);
        free(all.p);
        s4c_decoder_free(ld);
    }
    free(blob);
    s4c_decoder_free(dec);
}

/* ------------------------------------------------ the hunt vs the scanner */

typedef struct starts {
    uint64_t bit[4096], out[4096];
    size_t n;
} starts;

static void on_block(void *ctx, const s4c_deflate_block_info *b) {
    starts *s = ctx;
    if (s->n < 4096) {
        s->bit[s->n] = b->start_bit;
        s->out[s->n] = b->out_start;
        s->n++;
    }
}

/*
 * Raw deflate of one of our members: hunting after every output byte must
 * stop exactly at block starts the scanner reports (at their output
 * offsets), and restarting there must give the same output.
 */
static void test_hunt_matches_scanner(const uint8_t *text, size_t n) {
    for (int li = 0; li < 4; li++) {
        static const int levels[] = {0, 1, 6, 9};
        buf m = {0};
        add_member(&m, text, n, levels[li]);
        const uint8_t *raw = m.p + 10;
        size_t raw_n = m.n - 18;
        starts *s = calloc(1, sizeof *s);
        s4c_deflate_scan_result res;
        CHECK_OK(s4c_deflate_scan(raw, raw_n, on_block, s, &res));
        s4c_deflate_decoder *dd = malloc(sizeof *dd);
        s4c_deflate_decoder_reset(dd);
        uint8_t *out = malloc(n + 1);
        size_t ip = 0, op = 0, found = 0, si = 1;
        int ok = 1;
        uint8_t *win = malloc(S4C_DEFLATE_WINDOW);
        while (!s4c_deflate_decoder_done(dd)) {
            dd->hunt_out = dd->total_out + 1;
            size_t ip0 = ip, op0 = op;
            CHECK_OK(s4c_deflate_decoder_run(dd, raw, raw_n, &ip, out, n + 1, &op, NULL));
            if (!dd->at_boundary) {
                if (ip == ip0 && op == op0) break;
                continue;
            }
            uint64_t bit = (uint64_t)ip * 8 - (uint64_t)dd->isal.read_in_length;
            while (si < s->n && s->bit[si] < bit) si++;
            if (si >= s->n || s->bit[si] != bit || s->out[si] != dd->total_out) {
                fprintf(stderr, "level %d: hunt stopped at bit %llu / out %llu, no block there\n",
                        levels[li], (unsigned long long)bit, (unsigned long long)dd->total_out);
                ok = 0;
                break;
            }
            found++;
            s4c_deflate_decoder_window(dd, win);
            uint32_t nbits = (uint32_t)dd->isal.read_in_length;
            uint64_t bits = dd->isal.read_in & (nbits ? ~0ull >> (64 - nbits) : 0);
            CHECK_OK(s4c_deflate_decoder_restart(dd, win, dd->win_len, bits, nbits,
                                                 s4c_deflate_decoder_crc(dd), dd->total_out));
        }
        CHECK(ok);
        CHECK(s4c_deflate_decoder_done(dd));
        CHECK_EQ_U64(op, n);
        CHECK(op == n && memcmp(out, text, n) == 0);
        CHECK_EQ_U64(s4c_deflate_decoder_crc(dd), s4c_gzip_crc32(0, text, n));
        /* Every block start but the first that has output before it. */
        size_t expect = 0;
        for (size_t i = 1; i < s->n; i++)
            if (s->out[i] > s->out[i - 1]) expect++;
        CHECK_EQ_U64(found, expect);
        printf("hunt level %d: %zu blocks, %zu boundaries stopped at\n", levels[li], s->n, found);
        free(win);
        free(out);
        free(dd);
        free(s);
        free(m.p);
    }
}

/* ------------------------------------------------- streams and reference */

static void reference(const buf *stream, buf *ref) {
    s4c_decoder *dec = new_decoder(0, 0);
    ref->n = 0;
    CHECK_OK(drain(dec, stream, 0, 4 * MIB, 4 * MIB, ref, SIZE_MAX));
    s4c_decoder_free(dec);
}

static void check_fresh_process(const uint8_t *blob, size_t size, const buf *stream,
                                const buf *ref);

/*
 * Stops at every checkpoint (stop_at_checkpoint) and goes on from each via
 * save → load (checking a stretch of output), a clone fed from another
 * copy of the stream, and every `full_every`-th one to the end.
 */
static void test_every_checkpoint(const buf *stream, const buf *ref, uint64_t spacing,
                                  const char *what) {
    s4c_decoder *dec = new_decoder(spacing, 1);
    buf copy = {0};
    buf_add(&copy, stream->p, stream->n); /* "another input source" */
    buf out = {0};
    uint64_t off = 0, last_ck_out = 0, seen = 0, stops = 0;
    uint8_t *ob = malloc(256 * KIB);
    size_t max_blob = 0, sum_blob = 0, n_blob = 0;
    for (int guard = 0; guard < 1000000; guard++) {
        size_t n = stream->n - off < 200 * KIB ? stream->n - off : 200 * KIB;
        s4c_in_buffer in = {stream->p + off, n, 0};
        s4c_out_buffer o = {ob, 256 * KIB, 0};
        size_t hint = 0;
        s4c_status st = s4c_decoder_stream(dec, &in, &o, &hint);
        CHECK_OK(st);
        if (st != S4C_OK) break;
        off += in.pos;
        buf_add(&out, ob, o.pos);
        s4c_decoder_position p = position(dec);
        CHECK_EQ_U64(p.consumed, off);
        CHECK_EQ_U64(p.produced, out.n);
        if (p.checkpoints != seen) {
            CHECK_EQ_U64(p.checkpoints, seen + 1);
            seen = p.checkpoints;
            CHECK(p.at_checkpoint);
            CHECK_EQ_U64(p.resume_offset, p.consumed);
            CHECK_EQ_U64(p.resume_produced, p.produced);
            CHECK(p.produced - last_ck_out >= spacing);
            last_ck_out = p.produced;
            stops++;
            size_t size = 0;
            uint8_t *blob = save_blob(dec, &size);
            s4c_state_info info;
            CHECK_OK(s4c_state_inspect(blob, size, &info, NULL));
            CHECK(info.at_checkpoint);
            if (size > max_blob) max_blob = size;
            sum_blob += size;
            n_blob++;
            if (stops == 2) check_fresh_process(blob, size, stream, ref); /* exact, in a block */
            int full = stops % 7 == 0;
            check_load(blob, size, stream, ref, 64 * KIB + (stops % 5) * 1000, 100 * KIB,
                       full ? SIZE_MAX : 300 * KIB, what);
            if (stops % 3 == 1) { /* a clone goes on from another copy of the stream */
                s4c_decoder *c = NULL;
                CHECK_OK(s4c_decoder_clone(dec, &c, NULL));
                buf got = {0};
                CHECK_OK(drain(c, &copy, p.consumed, 12345, 54321, &got,
                               full ? SIZE_MAX : 300 * KIB));
                CHECK(same_tail(ref, p.produced, &got, full ? SIZE_MAX : 300 * KIB));
                free(got.p);
                s4c_decoder_free(c);
            }
            free(blob);
        }
        if (off == stream->n && hint == 0 && o.pos == 0) break;
    }
    CHECK_OK(s4c_decoder_finish(dec));
    CHECK(out.n == ref->n && memcmp(out.p, ref->p, ref->n) == 0);
    CHECK(stops >= 2);
    printf("%s, spacing %llu: %llu checkpoints, blobs avg %zu B, max %zu B\n", what,
           (unsigned long long)spacing, (unsigned long long)stops,
           n_blob ? sum_blob / n_blob : 0, max_blob);
    free(ob);
    free(out.p);
    free(copy.p);
    s4c_decoder_free(dec);
}

/* Child side of the fresh-process check: load a blob, decode, write the output. */
static int run_child(const char *blob_path, const char *stream_path, const char *out_path) {
    buf blob = {0}, stream = {0}, out = {0};
    const char *paths[2] = {blob_path, stream_path};
    buf *dst[2] = {&blob, &stream};
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(paths[i], "rb");
        if (!f) return 2;
        uint8_t tmp[65536];
        size_t k;
        while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) buf_add(dst[i], tmp, k);
        fclose(f);
    }
    s4c_state_info info;
    s4c_error_detail d;
    if (s4c_state_inspect(blob.p, blob.n, &info, &d) != S4C_OK) return 3;
    s4c_decoder *dec = NULL;
    if (s4c_decoder_load(blob.p, blob.n, stream.p, stream.n, NULL, &dec, &d) != S4C_OK) {
        fprintf(stderr, "child: %s\n", d.message);
        return 4;
    }
    if (drain(dec, &stream, info.resume_offset, 77777, 99999, &out, SIZE_MAX) != S4C_OK) return 5;
    FILE *f = fopen(out_path, "wb");
    if (!f || fwrite(out.p, 1, out.n, f) != out.n) return 6;
    fclose(f);
    s4c_decoder_free(dec);
    free(blob.p);
    free(stream.p);
    free(out.p);
    return 0;
}

static int write_file(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* Saves at `stream` offsets reached by random feeds, loads in a fresh process. */
static void check_fresh_process(const uint8_t *blob, size_t size, const buf *stream,
                                const buf *ref) {
    char dir[] = "/tmp/test_gzip_resume_dir_XXXXXX";
    if (!mkdtemp(dir)) {
        fprintf(stderr, "mkdtemp failed\n");
        check_failures++;
        return;
    }
    char bp[256], sp[256], op[256];
    snprintf(bp, sizeof bp, "%s/state", dir);
    snprintf(sp, sizeof sp, "%s/stream.gz", dir);
    snprintf(op, sizeof op, "%s/out", dir);
    CHECK(write_file(bp, blob, size) && write_file(sp, stream->p, stream->n));
    pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", "test_gzip_resume", "--load", bp, sp, op, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    s4c_state_info info;
    CHECK_OK(s4c_state_inspect(blob, size, &info, NULL));
    buf got = {0};
    FILE *f = fopen(op, "rb");
    if (f) {
        uint8_t tmp[65536];
        size_t k;
        while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) buf_add(&got, tmp, k);
        fclose(f);
    }
    CHECK_EQ_U64(got.n, ref->n - info.produced);
    CHECK(same_tail(ref, info.produced, &got, SIZE_MAX));
    free(got.p);
    unlink(bp);
    unlink(sp);
    unlink(op);
    rmdir(dir);
}

/*
 * Random feeds (input cuts and output sizes); at random moments: save →
 * load → go on; clone → both go on (the original then continues here);
 * a few saves go to a fresh process.
 */
static void test_random_stops(const buf *stream, const buf *ref, uint64_t spacing, int rounds,
                              const char *what) {
    for (int round = 0; round < rounds; round++) {
        s4c_decoder *dec = new_decoder(spacing, (int)(rnd() % 2));
        buf copy = {0};
        buf_add(&copy, stream->p, stream->n);
        const buf *src = stream; /* switches to the copy and back at every stop */
        buf out = {0};
        uint64_t off = 0;
        int saves = 0;
        uint64_t next_stop = rnd() % (stream->n / 3 + 1);
        uint8_t *ob = malloc(300 * KIB);
        for (int guard = 0; guard < 10000000; guard++) {
            size_t cut = 1 + (size_t)(rnd() % (rnd() % 4 == 0 ? 64 : 70000));
            size_t osz = 1 + (size_t)(rnd() % (rnd() % 4 == 0 ? 100 : 300 * KIB - 1));
            size_t n = stream->n - off < cut ? stream->n - off : cut;
            s4c_in_buffer in = {src->p + off, n, 0};
            s4c_out_buffer o = {ob, osz, 0};
            size_t hint = 0;
            s4c_status st = s4c_decoder_stream(dec, &in, &o, &hint);
            CHECK_OK(st);
            if (st != S4C_OK) break;
            off += in.pos;
            buf_add(&out, ob, o.pos);
            if (off >= next_stop && off < stream->n) {
                src = src == stream ? &copy : stream;
                next_stop = off + 1 + rnd() % (stream->n / 3 + 1);
                s4c_decoder_position p = position(dec);
                CHECK_EQ_U64(p.consumed, off);
                CHECK_EQ_U64(p.produced, out.n);
                CHECK(p.resume_offset <= p.consumed && p.resume_produced <= p.produced);
                CHECK(p.produced - p.resume_produced <= (spacing ? spacing : 4 * MIB) + 2 * MIB);
                size_t size = 0;
                uint8_t *blob = save_blob(dec, &size);
                check_load(blob, size, stream, ref, 1 + rnd() % 100000, 1 + rnd() % 200000,
                           SIZE_MAX, what);
                if (saves++ == 0 && round < 2) check_fresh_process(blob, size, stream, ref);
                free(blob);
                s4c_decoder *c = NULL;
                CHECK_OK(s4c_decoder_clone(dec, &c, NULL));
                buf got = {0};
                CHECK_OK(drain(c, stream, off, 4096 + rnd() % 65536, 1 + rnd() % 65536, &got,
                               SIZE_MAX));
                CHECK(same_tail(ref, p.produced, &got, SIZE_MAX));
                free(got.p);
                s4c_decoder_free(c);
            }
            if (off == stream->n && hint == 0 && o.pos == 0) break;
        }
        CHECK_OK(s4c_decoder_finish(dec));
        CHECK(out.n == ref->n && memcmp(out.p, ref->p, ref->n) == 0);
        free(ob);
        free(out.p);
        free(copy.p);
        s4c_decoder_free(dec);
    }
    printf("%s: random stops, spacing %llu: ok\n", what, (unsigned long long)spacing);
}

/*
 * A clone made mid-block goes on alone after the original is freed (ISA-L's
 * inflate_state holds no pointer that outlives a call).
 */
static void test_clone_mid_block(const buf *stream, const buf *ref) {
    s4c_decoder *dec = new_decoder(0, 0);
    uint8_t *ob = malloc(100 * KIB);
    s4c_in_buffer in = {stream->p, stream->n / 2, 0};
    s4c_out_buffer o = {ob, 100 * KIB, 0};
    size_t hint;
    CHECK_OK(s4c_decoder_stream(dec, &in, &o, &hint));
    s4c_decoder_position p = position(dec);
    CHECK(!p.at_checkpoint);
    s4c_decoder *c = NULL;
    CHECK_OK(s4c_decoder_clone(dec, &c, NULL));
    buf first = {0};
    buf_add(&first, ob, o.pos);
    /* wipe and free the original: the clone must not depend on it */
    memset(ob, 0xa5, 100 * KIB);
    s4c_decoder_free(dec);
    buf copy = {0};
    buf_add(&copy, stream->p, stream->n);
    buf got = {0};
    CHECK_OK(drain(c, &copy, p.consumed, 3333, 7777, &got, SIZE_MAX));
    CHECK(same_tail(ref, p.produced, &got, SIZE_MAX));
    CHECK_MEM_EQ(first.p, ref->p, first.n);
    s4c_decoder_free(c);
    free(ob);
    free(first.p);
    free(got.p);
    free(copy.p);
}

/* ------------------------------------------------------------- forgeries */

static void put_varint(buf *b, uint64_t v) {
    do {
        uint8_t c = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v) c |= 0x80;
        buf_add(b, &c, 1);
    } while (v);
}

/* A blob with `real`'s envelope and `body` as the codec body, CRC fixed. */
static void forge(const uint8_t *real, const buf *body, buf *out) {
    out->n = 0;
    buf_add(out, real, 56);
    buf_add(out, body->p, body->n);
    uint8_t crc[4] = {0};
    buf_add(out, crc, 4);
    uint32_t total = (uint32_t)out->n;
    memcpy(out->p + 8, &total, 4); /* little-endian host (x86-64 / aarch64) */
    uint32_t c = s4c_crc32c(0, out->p, out->n - 4);
    memcpy(out->p + out->n - 4, &c, 4);
}

static void expect_invalid(const uint8_t *real, const buf *body, const buf *stream,
                           const char *needle) {
    buf b = {0};
    forge(real, body, &b);
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    s4c_status st = s4c_decoder_load(b.p, b.n, stream->p, stream->n, NULL, &dec, &d);
    CHECK_STATUS(st, S4C_ERROR_STATE_INVALID);
    if (st == S4C_ERROR_STATE_INVALID) {
        CHECK_STR_CONTAINS(d.message, needle);
    }
    if (dec) s4c_decoder_free(dec);
    free(b.p);
}

/* Body at a block boundary: the fields of the format, chosen freely. */
static void body_block(buf *b, uint64_t ckpts, uint64_t members, uint32_t crc, uint64_t mout,
                       unsigned nbits, const uint8_t *bits, size_t nbytes, uint64_t win_len,
                       const uint8_t *win) {
    b->n = 0;
    put_varint(b, ckpts);
    put_varint(b, members);
    uint8_t stage = 1;
    buf_add(b, &stage, 1);
    buf_add(b, &crc, 4);
    put_varint(b, mout);
    uint8_t nb = (uint8_t)nbits;
    buf_add(b, &nb, 1);
    buf_add(b, bits, nbytes);
    put_varint(b, win_len);
    if (win_len) {
        uint8_t raw = 0;
        buf_add(b, &raw, 1);
        buf_add(b, win, (size_t)win_len);
    }
}

static void test_forged(const buf *stream, const buf *ref, const buf *other) {
    /* A real state at a block boundary, with its envelope positions. */
    s4c_decoder *dec = new_decoder(200 * KIB, 1);
    buf out = {0};
    uint64_t off = 0;
    uint8_t *ob = malloc(MIB);
    for (;;) {
        s4c_in_buffer in = {stream->p + off, stream->n - off, 0};
        s4c_out_buffer o = {ob, MIB, 0};
        size_t hint;
        CHECK_OK(s4c_decoder_stream(dec, &in, &o, &hint));
        off += in.pos;
        buf_add(&out, ob, o.pos);
        if (position(dec).checkpoints > 0 || off == stream->n) break;
    }
    free(ob);
    s4c_decoder_position p = position(dec);
    CHECK(p.at_checkpoint && p.checkpoints == 1);
    size_t size = 0;
    uint8_t *real = save_blob(dec, &size);
    s4c_decoder_free(dec);
    free(out.p);
    check_load(real, size, stream, ref, 65536, 65536, 100 * KIB, "real blob");

    uint8_t win[40000];
    memset(win, 'x', sizeof win);
    uint8_t bits[9] = {0};
    uint64_t mout = p.produced; /* a single-member stream: member output = produced */
    buf b = {0};

    body_block(&b, 1, 0, 0, mout, 65, bits, 9, 32768, win);
    expect_invalid(real, &b, stream, "bit buffer of 65 bits");
    bits[0] = 0x80;
    body_block(&b, 1, 0, 0, mout, 7, bits, 1, 32768, win);
    expect_invalid(real, &b, stream, "bits above its 7");
    bits[0] = 0;
    body_block(&b, 1, 0, 0, mout, 7, bits, 1, 40000, win);
    expect_invalid(real, &b, stream, "window");
    body_block(&b, 1, 0, 0, mout, 7, bits, 1, 1000, win);
    expect_invalid(real, &b, stream, "gzip window of 1000 bytes");
    body_block(&b, 1, 0, 0, p.produced + 1, 7, bits, 1, 32768, win);
    expect_invalid(real, &b, stream, "member output");
    body_block(&b, p.produced + 1, 0, 0, mout, 7, bits, 1, 32768, win);
    expect_invalid(real, &b, stream, "checkpoints over");
    body_block(&b, 1, p.consumed, 0, mout, 7, bits, 1, 32768, win);
    expect_invalid(real, &b, stream, "members in");
    body_block(&b, 1, 0, 0, mout, 7, bits, 1, 32768, win);
    b.n -= 100; /* truncated window */
    expect_invalid(real, &b, stream, "invalid saved state");
    body_block(&b, 1, 0, 0, mout, 7, bits, 1, 32768, win);
    buf_add(&b, "z", 1); /* trailing byte */
    expect_invalid(real, &b, stream, "unread");
    /* stage out of range */
    b.n = 0;
    put_varint(&b, 1);
    put_varint(&b, 0);
    uint8_t v = 9;
    buf_add(&b, &v, 1);
    expect_invalid(real, &b, stream, "gzip stage 9 is out of range");
    /* header: reserved flags; wrong magic; boundary before any member; trailer position */
    uint8_t hdr_reserved[] = {1 /*ckpts*/, 0, 0 /*stage*/, 1 /*hstage XLEN*/, 0x24, 0, 0, 10, 0, 0, 0, 0};
    b.n = 0;
    buf_add(&b, hdr_reserved, sizeof hdr_reserved);
    expect_invalid(real, &b, stream, "reserved bits");
    uint8_t hdr_magic[] = {1, 0, 0, 0 /*FIXED*/, 0, 2 /*count*/, 0, 2 /*size*/, 0, 0, 0, 0, 0x1f, 0x8c};
    b.n = 0;
    buf_add(&b, hdr_magic, sizeof hdr_magic);
    expect_invalid(real, &b, stream, "gzip magic");
    uint8_t hdr_noflag[] = {1, 0, 0, 3 /*NAME*/, 0, 5, 0, 15, 0, 0, 0, 0};
    b.n = 0;
    buf_add(&b, hdr_noflag, sizeof hdr_noflag);
    expect_invalid(real, &b, stream, "without its flag");
    b.n = 0; /* a header longer than any header can be */
    put_varint(&b, 1);
    put_varint(&b, 0);
    uint8_t name_stage[] = {0, 3, 0x08, 5, 0};
    buf_add(&b, name_stage, sizeof name_stage);
    put_varint(&b, 300000);
    buf_add(&b, "\0\0\0\0", 4);
    expect_invalid(real, &b, stream, "longer than any header");
    uint8_t boundary[] = {1, 0, 3};
    b.n = 0;
    buf_add(&b, boundary, sizeof boundary);
    expect_invalid(real, &b, stream, "member boundary before any member");
    uint8_t trailer[] = {1, 0, 2, 0, 0, 0, 0, 5, 8};
    b.n = 0;
    buf_add(&b, trailer, sizeof trailer);
    expect_invalid(real, &b, stream, "trailer position 8");

    /* envelope damage (the generic layer) and another stream's head */
    s4c_error_detail d;
    s4c_decoder *x = NULL;
    real[60] ^= 1;
    CHECK_STATUS(s4c_decoder_load(real, size, stream->p, stream->n, NULL, &x, &d),
                 S4C_ERROR_STATE_INVALID);
    CHECK_STR_CONTAINS(d.message, "CRC32C");
    real[60] ^= 1;
    CHECK_STATUS(s4c_decoder_load(real, size - 1, stream->p, stream->n, NULL, &x, &d),
                 S4C_ERROR_STATE_INVALID);
    CHECK_STATUS(s4c_decoder_load(real, size, other->p, other->n, NULL, &x, &d),
                 S4C_ERROR_STATE_FOREIGN);
    CHECK(x == NULL);
    free(real);
    free(b.p);
}

/* ------------------------------------------------------------- --bench */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Streaming decode of the whole stream; returns seconds, counts checkpoints. */
static double time_stream(const buf *stream, uint8_t *dst, size_t cap, uint64_t spacing,
                          size_t in_chunk, size_t out_chunk, uint64_t *ckpts, size_t *made) {
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.checkpoint_spacing = spacing;
    s4c_decoder *dec = NULL;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_GZIP, &o, &dec, NULL));
    double t0 = now_s();
    size_t off = 0, op = 0;
    for (;;) {
        size_t n = stream->n - off < in_chunk ? stream->n - off : in_chunk;
        size_t m = cap - op < out_chunk ? cap - op : out_chunk;
        s4c_in_buffer in = {stream->p + off, n, 0};
        s4c_out_buffer out = {dst + op, m, 0};
        size_t hint = 0;
        if (s4c_decoder_stream(dec, &in, &out, &hint) != S4C_OK) break;
        off += in.pos;
        op += out.pos;
        if (hint == 0 && off == stream->n) break;
    }
    double t = now_s() - t0;
    CHECK_OK(s4c_decoder_finish(dec));
    *ckpts = position(dec).checkpoints;
    *made = op;
    s4c_decoder_free(dec);
    return t;
}

/*
 * test_gzip_resume --bench FILE.gz [ROUNDS]: one-shot decode (s4c_decompress)
 * against the streaming decoder with checkpoints every 4 MiB (the default)
 * and with none, 1 MiB input and output chunks, best of ROUNDS interleaved.
 * Also prints the saved state sizes at every 4 MiB checkpoint.
 */
static int run_bench(const char *path, int rounds) {
    buf stream = {0};
    FILE *f = fopen(path, "rb");
    if (!f) return 2;
    uint8_t tmp[1 << 16];
    size_t k;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) buf_add(&stream, tmp, k);
    fclose(f);
    buf ref = {0};
    reference(&stream, &ref);
    s4c_codec *c = NULL;
    CHECK_OK(s4c_codec_create(S4C_KIND_CPU_GZIP, NULL, &c, NULL));
    s4c_manifest m = {S4C_KIND_CPU_GZIP, ref.n, stream.n, s4c_crc32c(0, ref.p, ref.n)};
    uint8_t *dst = malloc(ref.n + 1);
    double best_one = 1e9, best_ck = 1e9, best_none = 1e9;
    uint64_t ck = 0, ck0 = 0;
    for (int r = 0; r < rounds; r++) {
        size_t w = 0;
        double t0 = now_s();
        CHECK_OK(s4c_decompress(c, &m, stream.p, stream.n, dst, ref.n, &w, NULL));
        double t = now_s() - t0;
        if (t < best_one) best_one = t;
        size_t made = 0;
        t = time_stream(&stream, dst, ref.n + 1, 0, MIB, MIB, &ck, &made);
        CHECK_EQ_U64(made, ref.n);
        if (t < best_ck) best_ck = t;
        t = time_stream(&stream, dst, ref.n + 1, UINT64_MAX, MIB, MIB, &ck0, &made);
        if (t < best_none) best_none = t;
    }
    CHECK(memcmp(dst, ref.p, ref.n) == 0);
    double mb = (double)ref.n / 1e6;
    printf("%s: %.1f MB -> %.1f MB, best of %d\n", path, (double)stream.n / 1e6, mb, rounds);
    printf("  one-shot s4c_decompress         %7.1f MB/s\n", mb / best_one);
    printf("  streaming, checkpoints 4 MiB    %7.1f MB/s  (%llu checkpoints)  %.3fx one-shot\n",
           mb / best_ck, (unsigned long long)ck, best_one / best_ck);
    printf("  streaming, no checkpoints       %7.1f MB/s  (%llu)  checkpoint cost %.2f%%\n",
           mb / best_none, (unsigned long long)ck0, 100.0 * (best_ck - best_none) / best_none);
    /* state sizes at the default checkpoints */
    s4c_decoder *dec = new_decoder(0, 1);
    size_t off = 0, sum = 0, cnt = 0, mx = 0;
    uint64_t seen = 0;
    uint8_t *ob = malloc(MIB);
    for (;;) {
        s4c_in_buffer in = {stream.p + off, stream.n - off < MIB ? stream.n - off : MIB, 0};
        s4c_out_buffer o = {ob, MIB, 0};
        size_t hint = 0;
        if (s4c_decoder_stream(dec, &in, &o, &hint) != S4C_OK) break;
        off += in.pos;
        s4c_decoder_position p = position(dec);
        if (p.checkpoints != seen) {
            seen = p.checkpoints;
            size_t size = 0;
            uint8_t *b = save_blob(dec, &size);
            free(b);
            sum += size;
            cnt++;
            if (size > mx) mx = size;
        }
        if (hint == 0 && off == stream.n && o.pos == 0) break;
    }
    printf("  saved states at 4 MiB checkpoints: %zu, average %zu B, max %zu B\n", cnt,
           cnt ? sum / cnt : 0, mx);
    free(ob);
    s4c_decoder_free(dec);
    s4c_codec_free(c);
    free(dst);
    free(ref.p);
    free(stream.p);
    return check_exit("test_gzip_resume --bench");
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "--load") == 0) return run_child(argv[2], argv[3], argv[4]);
    if (argc >= 3 && strcmp(argv[1], "--bench") == 0)
        return run_bench(argv[2], argc > 3 ? atoi(argv[3]) : 5);
    const int quick = getenv("S4C_TEST_QUICK") != NULL;

    size_t n = quick ? 3 * MIB / 2 : 3 * MIB;
    uint8_t *text = malloc(n);
    make_text(text, n, 1);

    test_hunt_matches_scanner(text, n);

    /* Streams. */
    buf s1 = {0}, s6 = {0}, s9 = {0}, multi = {0}, cli = {0}, stored = {0};
    add_member(&s1, text, n, 1);
    add_member(&s6, text, n, 6);
    add_member(&s9, text, n, 9);
    add_member(&stored, text, MIB, 0);
    add_member(&multi, text, MIB, 6);                 /* ours */
    add_member_fields(&multi, text + MIB, MIB / 2);   /* FEXTRA/FNAME/FCOMMENT/FHCRC */
    add_member(&multi, text, 0, 6);                   /* an empty member */
    add_member(&multi, text + 100, 70 * KIB, 0);      /* stored blocks */
    add_member(&multi, text + 3 * MIB / 2, MIB, 1);
    int have_cli = add_tool_member(&cli, text, n, 6, 0);
    if (have_cli) add_tool_member(&multi, text + 7, 300 * KIB, 9, 0);
    size_t before = multi.n;
    if (add_tool_member(&multi, text + 11, 400 * KIB, 9, 1)) /* Python: FNAME */
        CHECK(multi.p[before + 3] == 0x08);
    else
        printf("python3 not found: no Python-written member\n");

    struct {
        const char *name;
        buf *s;
    } streams[] = {{"level 1", &s1},     {"level 6", &s6},      {"level 9", &s9},
                   {"stored", &stored},  {"multi-member", &multi}, {"gzip(1)", &cli}};
    for (size_t i = 0; i < sizeof streams / sizeof *streams; i++) {
        buf *s = streams[i].s;
        if (!s->n) {
            printf("%s: skipped (gzip(1) not found)\n", streams[i].name);
            continue;
        }
        buf ref = {0};
        reference(s, &ref);
        test_every_checkpoint(s, &ref, 1, streams[i].name);
        test_every_checkpoint(s, &ref, 64 * KIB, streams[i].name);
        test_random_stops(s, &ref, 64 * KIB, quick ? 2 : 3, streams[i].name);
        if (i == 4) test_random_stops(s, &ref, 0, 2, streams[i].name);
        if (i == 1) {
            test_clone_mid_block(s, &ref);
            test_loaded_redecode(s, &ref);
            test_forged(s, &ref, &s9);
        }
        free(ref.p);
    }
    for (size_t i = 0; i < sizeof streams / sizeof *streams; i++) free(streams[i].s->p);
    free(text);
    return check_exit("test_gzip_resume");
}
