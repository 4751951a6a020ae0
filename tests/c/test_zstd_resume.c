/*
 * test_zstd_resume.c — resumable cpu-zstd / cpu-zstd-dict decoding and the
 * seekable encoder (issue 4), through the public API (s4codec_resume.h).
 *
 * Multi-MiB streams (seekable 1 MiB frames, one plain frame, zstd CLI output,
 * frames with XXH64 checksums and skippable frames between them, a
 * dictionary stream, single-frame mode with trailing bytes) are stopped at
 * every checkpoint (every frame boundary: stop_at_checkpoint, spacing 1) and
 * at random points (random input cuts and output sizes). From there decoding
 * goes on (a) with the rest of the input from another buffer, (b) in a clone
 * (at frame boundaries; clone and original both go on; elsewhere a clone is
 * refused with S4C_ERROR_NOT_AT_CHECKPOINT), (c) in a decoder loaded from a
 * saved blob and fed from its resume_offset (mid-frame: the generic layer
 * re-decodes and skips), and (d) in a fresh process loading the blob from a
 * file — every output identical to the straight decode. Forged blobs
 * (fields, CRC recomputed), foreign streams and dictionaries are refused
 * with specific errors.
 *
 * Seekable encoder: golden bytes of a small stream with its seek table,
 * frame counts at the edges (N-1, N, N+1, 0 bytes), feed independence, the
 * seek table parser (and its refusals), zstd CLI interop (`zstd -d`,
 * `zstd -l`; skipped with a message when the CLI is missing).
 *
 * Usage: test_zstd_resume                       the tests
 *        test_zstd_resume --measure FILE [MiB]  streaming vs one-shot decode
 *                                               speed and blob sizes
 *        test_zstd_resume --resume-child BLOB STREAM OUT [DICT]  (for the tests)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "check.h"
#include "codecs/zstd_internal.h"
#include "s4codec.h"
#include "s4codec_resume.h"
#include "s4codec_stream.h"
#include "stream/state_blob.h"
#include "stream/stream_internal.h"

#define ENVELOPE 56 /* header bytes before the codec body (docs/formats/state.md) */
#define MIB (1u << 20)

static const char *self_exe;
static int have_cli;

/* ------------------------------------------------------------ helpers */

static uint64_t rng_next(uint64_t *s) {
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }

/* Mostly small, sometimes tiny (1..16), sometimes large chunks. */
static size_t rand_chunk(uint64_t *rng) {
    uint64_t r = rng_next(rng);
    switch (r % 10) {
    case 0:
    case 1:
        return 1 + (size_t)(r >> 8) % 16;
    case 2:
    case 3:
    case 4:
        return 1 + (size_t)(r >> 8) % 5000;
    default:
        return 1 + (size_t)(r >> 8) % 400000;
    }
}

static void append(uint8_t **buf, size_t *n, const void *p, size_t k) {
    *buf = realloc(*buf, *n + k + 1);
    if (k) memcpy(*buf + *n, p, k);
    *n += k;
}

static void fill_mixed(uint8_t *p, size_t n, uint64_t seed) {
    for (size_t off = 0, seg = 0; off < n; seg++) {
        size_t len = seg % 2 ? 70000 : 250000;
        if (len > n - off) len = n - off;
        check_fill(p + off, len, seed + seg, seg % 2 == 0);
        off += len;
    }
}

/*
 * Streams src through an encoder (kind, frame size, checksum, dict) in
 * random feeds (rng) or whole; returns the malloc'd output.
 */
static uint8_t *encode(uint32_t kind, const uint8_t *src, size_t n, uint64_t frame_size,
                       int checksum, const void *dict, size_t dict_size, uint64_t *rng,
                       size_t *out_n) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = 3;
    o.zstd_frame_size = frame_size;
    o.zstd_checksum = checksum;
    o.dict = dict;
    o.dict_size = dict_size;
    s4c_encoder *e = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_encoder_create(kind, &o, &e, &d));
    size_t cap = n + n / 8 + (n / (frame_size ? frame_size : n + 1) + 2) * 64 + 4096;
    uint8_t *dst = malloc(cap);
    size_t ip = 0, op = 0, pending = 1;
    while (e && (ip < n || pending)) {
        size_t ic = rng ? rand_chunk(rng) : n, oc = rng ? rand_chunk(rng) : cap;
        s4c_in_buffer in = {src, min_sz(n, ip + ic), ip};
        s4c_out_buffer out = {dst, min_sz(cap, op + oc), op};
        s4c_flush_mode mode = in.size == n ? S4C_FLUSH_END : S4C_FLUSH_NONE;
        s4c_status st = s4c_encoder_stream(e, &in, &out, mode, &pending);
        CHECK_OK(st);
        if (st != S4C_OK) break;
        ip = in.pos, op = out.pos;
        if (mode != S4C_FLUSH_END) pending = 1;
    }
    s4c_encoder_free(e);
    *out_n = op;
    return dst;
}

typedef struct stream_case {
    const char *name;
    uint32_t kind;
    uint8_t *src; /* the compressed stream */
    size_t n;
    size_t end;    /* bytes a whole decode consumes (n, less trailing bytes in single-frame) */
    uint8_t *orig; /* what it decodes to */
    size_t on;
    const uint8_t *dict;
    size_t dict_size;
    int single_frame;
    uint64_t frame_out; /* > 0: every data frame but the last holds this many bytes */
} stream_case;

static void free_case(stream_case *sc) {
    free(sc->src);
    free(sc->orig);
}

static s4c_decoder_options opts_for(const stream_case *sc, int stop) {
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.single_frame = sc->single_frame;
    o.stop_at_checkpoint = stop;
    o.checkpoint_spacing = stop ? 1 : 0;
    o.dict = sc->dict;
    o.dict_size = sc->dict_size;
    return o;
}

/* Decodes the whole stream in one call; 1 when it gives sc->orig. */
static int straight_decode_ok(const stream_case *sc) {
    s4c_decoder_options o = opts_for(sc, 0);
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(sc->kind, &o, &dec, &d));
    uint8_t *out = malloc(sc->on + 1);
    s4c_in_buffer in = {sc->src, sc->n, 0};
    s4c_out_buffer ob = {out, sc->on + 1, 0};
    size_t hint;
    int ok = dec && s4c_decoder_stream(dec, &in, &ob, &hint) == S4C_OK && ob.pos == sc->on &&
             in.pos == sc->end && memcmp(out, sc->orig, sc->on) == 0 &&
             s4c_decoder_finish(dec) == S4C_OK;
    free(out);
    s4c_decoder_free(dec);
    return ok;
}

/* Saves; returns a malloc'd blob (NULL on failure). Checks determinism. */
static uint8_t *save(const s4c_decoder *dec, size_t *size) {
    s4c_error_detail d;
    size_t need = 0;
    CHECK_STATUS(s4c_decoder_save(dec, NULL, 0, &need, &d), S4C_ERROR_DST_TOO_SMALL);
    uint8_t *blob = malloc(need + 1);
    s4c_status st = s4c_decoder_save(dec, blob, need + 1, size, &d);
    CHECK_OK(st);
    if (st != S4C_OK) {
        fprintf(stderr, "save: %s\n", d.message);
        free(blob);
        return NULL;
    }
    CHECK_EQ_U64(*size, need);
    uint8_t *again = malloc(need);
    size_t n2 = 0;
    CHECK_OK(s4c_decoder_save(dec, again, need, &n2, &d));
    CHECK(n2 == need && memcmp(again, blob, need) == 0);
    free(again);
    return blob;
}

static int same_position(const s4c_decoder *a, const s4c_decoder *b) {
    s4c_decoder_position pa, pb;
    CHECK_OK(s4c_decoder_get_position(a, &pa));
    CHECK_OK(s4c_decoder_get_position(b, &pb));
    return pa.consumed == pb.consumed && pa.produced == pb.produced &&
           pa.at_checkpoint == pb.at_checkpoint && pa.checkpoints == pb.checkpoints &&
           pa.resume_offset == pb.resume_offset && pa.resume_produced == pb.resume_produced;
}

/*
 * Decodes the rest of the stream with `dec`, fed from compressed offset
 * `off` from a private copy (continuation from another source), in random
 * chunks when rng, else whole; the output must be the original from
 * `produced` on (a loaded decoder fed from before it skips internally).
 */
static int run_to_end(s4c_decoder *dec, const stream_case *sc, uint64_t off, uint64_t produced,
                      uint64_t *rng) {
    size_t rest = sc->n - (size_t)off, want = sc->on - (size_t)produced;
    size_t end = sc->end - (size_t)off;
    uint8_t *copy = malloc(rest + 1);
    memcpy(copy, sc->src + off, rest);
    uint8_t *out = malloc(want + 1);
    size_t ip = 0, op = 0;
    int ok = 1, idle = 0;
    for (;;) {
        size_t ic = rng ? rand_chunk(rng) : rest, oc = rng ? rand_chunk(rng) : want + 1;
        s4c_in_buffer in = {copy, min_sz(rest, ip + ic), ip};
        s4c_out_buffer ob = {out, min_sz(want + 1, op + oc), op};
        size_t hint = 0;
        s4c_status st = s4c_decoder_stream(dec, &in, &ob, &hint);
        if (st != S4C_OK) {
            fprintf(stderr, "%s: continuation from %llu failed: %s\n", sc->name,
                    (unsigned long long)off, s4c_decoder_error(dec)->message);
            ok = 0;
            break;
        }
        int progress = in.pos != ip || ob.pos != op;
        ip = in.pos, op = ob.pos;
        if (op > want) {
            ok = 0;
            break;
        }
        if (progress) {
            idle = 0;
        } else if (ip >= end || ++idle > 3) {
            break;
        }
    }
    if (ok && (ip != end || op != want || memcmp(out, sc->orig + produced, want) != 0 ||
               s4c_decoder_finish(dec) != S4C_OK)) {
        fprintf(stderr, "%s: continuation from %llu/%llu: in %zu/%zu out %zu/%zu\n", sc->name,
                (unsigned long long)off, (unsigned long long)produced, ip, end, op, want);
        ok = 0;
    }
    free(copy);
    free(out);
    return ok;
}

/* --------------------------------------------- fresh process (case d) */

static int write_file(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static uint8_t *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)len + 1);
    *n = fread(p, 1, (size_t)len, f);
    fclose(f);
    return p;
}

/* The child: load BLOB against STREAM (with DICT), decode from resume_offset into OUT. */
static int resume_child(const char *blob_path, const char *stream_path, const char *out_path,
                        const char *dict_path) {
    size_t bn = 0, sn = 0, dn = 0;
    uint8_t *blob = read_file(blob_path, &bn), *src = read_file(stream_path, &sn);
    uint8_t *dict = dict_path ? read_file(dict_path, &dn) : NULL;
    if (!blob || !src || (dict_path && !dict)) return 3;
    s4c_state_info info;
    s4c_error_detail d;
    s4c_decoder *dec = NULL;
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.dict = dict;
    o.dict_size = dn;
    if (s4c_state_inspect(blob, bn, &info, &d) != S4C_OK ||
        s4c_decoder_load(blob, bn, src, sn, &o, &dec, &d) != S4C_OK) {
        fprintf(stderr, "child: %s\n", d.message);
        return 4;
    }
    FILE *out = fopen(out_path, "wb");
    uint8_t buf[70000];
    uint64_t rng = 99;
    size_t ip = (size_t)info.resume_offset;
    for (;;) {
        s4c_in_buffer in = {src, min_sz(sn, ip + rand_chunk(&rng)), ip};
        s4c_out_buffer ob = {buf, 1 + (size_t)(rng_next(&rng) % sizeof buf), 0};
        size_t hint;
        if (s4c_decoder_stream(dec, &in, &ob, &hint) != S4C_OK) {
            fprintf(stderr, "child: %s\n", s4c_decoder_error(dec)->message);
            return 5;
        }
        fwrite(buf, 1, ob.pos, out);
        int progress = in.pos != ip || ob.pos;
        ip = in.pos;
        if (!progress) break;
    }
    fclose(out);
    int rc = s4c_decoder_finish(dec) == S4C_OK ? 0 : 6;
    s4c_decoder_free(dec);
    free(blob);
    free(src);
    free(dict);
    return rc;
}

static int fresh_process_resume(const stream_case *sc, const uint8_t *blob, size_t bn,
                                uint64_t produced) {
    char dir[] = "/tmp/s4c_zstd_resume_XXXXXX";
    if (!mkdtemp(dir)) return 0;
    char bp[64], sp[64], op[64], dp[64];
    snprintf(bp, sizeof bp, "%s/blob", dir);
    snprintf(sp, sizeof sp, "%s/stream", dir);
    snprintf(op, sizeof op, "%s/out", dir);
    snprintf(dp, sizeof dp, "%s/dict", dir);
    int ok = write_file(bp, blob, bn) && write_file(sp, sc->src, sc->n) &&
             (!sc->dict || write_file(dp, sc->dict, sc->dict_size));
    if (ok) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            execl(self_exe, self_exe, "--resume-child", bp, sp, op, sc->dict ? dp : (char *)NULL,
                  (char *)NULL);
            _exit(127);
        }
        int status = 0;
        ok = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
             WEXITSTATUS(status) == 0;
        if (!ok) fprintf(stderr, "%s: child process failed (status 0x%x)\n", sc->name, status);
    }
    size_t on = 0;
    uint8_t *out = ok ? read_file(op, &on) : NULL;
    ok = ok && out && on == sc->on - produced && memcmp(out, sc->orig + produced, on) == 0;
    free(out);
    unlink(bp), unlink(sp), unlink(op), unlink(dp), rmdir(dir);
    return ok;
}

/* ----------------------------------------- resuming at one point (b, c, d) */

static size_t largest_boundary_blob;

/*
 * At the decoder's current point: save, load in a fresh decoder fed from the
 * blob's resume_offset (same position when exact; the loaded decoder saves
 * to the same bytes) and run it to the end; at a frame boundary clone and run
 * the clone to the end, elsewhere check the clone is refused. The original
 * goes on in the caller.
 */
static void resume_here(const stream_case *sc, const s4c_decoder *dec, uint64_t *rng,
                        int do_clone, int do_child) {
    s4c_decoder_position pos;
    CHECK_OK(s4c_decoder_get_position(dec, &pos));
    CHECK(pos.resume_offset <= pos.consumed && pos.resume_produced <= pos.produced);
    if (pos.at_checkpoint)
        CHECK(pos.resume_offset == pos.consumed && pos.resume_produced == pos.produced);
    size_t bn = 0;
    uint8_t *blob = save(dec, &bn);
    if (!blob) return;
    s4c_state_info info;
    s4c_error_detail d;
    CHECK_OK(s4c_state_inspect(blob, bn, &info, &d));
    CHECK(info.kind == sc->kind && info.at_checkpoint == pos.at_checkpoint);
    CHECK(info.consumed == pos.consumed && info.produced == pos.produced);
    CHECK(info.resume_offset == pos.resume_offset && info.resume_produced == pos.resume_produced);
    if (pos.at_checkpoint && bn > largest_boundary_blob) largest_boundary_blob = bn;

    /* (c) a fresh decoder from the blob. */
    s4c_decoder_options o = opts_for(sc, 0);
    s4c_decoder *ld = NULL;
    CHECK_OK(s4c_decoder_load(blob, bn, sc->src, info.fingerprint_len, &o, &ld, &d));
    if (!ld)
        fprintf(stderr, "%s: load at %llu/%llu: %s\n", sc->name, (unsigned long long)pos.consumed,
                (unsigned long long)pos.produced, d.message);
    if (ld) {
        if (pos.at_checkpoint) {
            CHECK(same_position(dec, ld));
            size_t n2 = 0;
            uint8_t *blob2 = save(ld, &n2);
            CHECK(blob2 && n2 == bn && memcmp(blob, blob2, bn) == 0);
            free(blob2);
        }
        CHECK(run_to_end(ld, sc, info.resume_offset, info.produced, rng));
        s4c_decoder_free(ld);
    }
    /* (b) a clone: at a frame boundary only. */
    if (do_clone) {
        s4c_decoder *cl = NULL;
        if (pos.at_checkpoint) {
            CHECK_OK(s4c_decoder_clone(dec, &cl, &d));
            if (cl) {
                CHECK(same_position(dec, cl));
                size_t n3 = 0;
                uint8_t *blob3 = save(cl, &n3);
                CHECK(blob3 && n3 == bn && memcmp(blob, blob3, bn) == 0);
                free(blob3);
                CHECK(run_to_end(cl, sc, pos.consumed, pos.produced, rng));
                s4c_decoder_free(cl);
            }
        } else {
            CHECK_STATUS(s4c_decoder_clone(dec, &cl, &d), S4C_ERROR_NOT_AT_CHECKPOINT);
            CHECK(cl == NULL);
            CHECK_STR_CONTAINS(d.message, "only at a frame boundary");
        }
    }
    /* (d) another process loads the blob from a file. */
    if (do_child) CHECK(fresh_process_resume(sc, blob, bn, info.produced));
    free(blob);
}

/* ------------------------------------------------ stop at every checkpoint */

static void test_every_checkpoint(const stream_case *sc, uint64_t seed) {
    s4c_decoder_options o = opts_for(sc, 1);
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(sc->kind, &o, &dec, &d));
    uint8_t *out = malloc(sc->on + 1);
    s4c_in_buffer in = {sc->src, sc->n, 0};
    s4c_out_buffer ob = {out, sc->on + 1, 0};
    uint64_t rng = seed, *stop_in = NULL, *stop_out = NULL;
    size_t nstops = 0;
    for (int guard = 0; dec && guard < 100000; guard++) {
        size_t ip = in.pos, op = ob.pos, hint = 0;
        s4c_status st = s4c_decoder_stream(dec, &in, &ob, &hint);
        CHECK_OK(st);
        if (st != S4C_OK) break;
        s4c_decoder_position pos;
        CHECK_OK(s4c_decoder_get_position(dec, &pos));
        CHECK(pos.consumed == in.pos && pos.produced == ob.pos);
        if (pos.checkpoints != nstops) {
            /* Stopped at a recorded checkpoint (a frame end) with all output delivered. */
            CHECK_EQ_U64(pos.checkpoints, nstops + 1);
            CHECK(pos.at_checkpoint == 1 && hint == 0);
            CHECK(ob.pos > op);
            CHECK(memcmp(out, sc->orig, ob.pos) == 0);
            if (sc->frame_out) CHECK(pos.produced % sc->frame_out == 0 || pos.produced == sc->on);
            stop_in = realloc(stop_in, (nstops + 1) * sizeof *stop_in);
            stop_out = realloc(stop_out, (nstops + 1) * sizeof *stop_out);
            stop_in[nstops] = pos.consumed, stop_out[nstops] = pos.produced;
            nstops++;
            resume_here(sc, dec, nstops % 2 ? &rng : NULL, 1, nstops == 2);
            continue;
        }
        if (in.pos == ip && ob.pos == op) break; /* the end */
    }
    CHECK_EQ_U64(ob.pos, sc->on);
    CHECK(memcmp(out, sc->orig, sc->on) == 0);
    if (dec) CHECK_OK(s4c_decoder_finish(dec));
    if (sc->frame_out) CHECK_EQ_U64(nstops, (sc->on + sc->frame_out - 1) / sc->frame_out);
    CHECK(nstops >= 1);
    CHECK_EQ_U64(in.pos, sc->end);
    /* The same decode with default spacing (4 MiB) stops only every 4 MiB. */
    s4c_decoder_options o4 = opts_for(sc, 1);
    o4.checkpoint_spacing = 0;
    s4c_decoder *d4 = NULL;
    CHECK_OK(s4c_decoder_create(sc->kind, &o4, &d4, &d));
    s4c_in_buffer in4 = {sc->src, sc->n, 0};
    s4c_out_buffer ob4 = {out, sc->on + 1, 0};
    uint64_t last = 0, k = 0;
    for (int guard = 0; d4 && guard < 10000; guard++) {
        size_t ip = in4.pos, op = ob4.pos, hint;
        CHECK_OK(s4c_decoder_stream(d4, &in4, &ob4, &hint));
        s4c_decoder_position pos;
        CHECK_OK(s4c_decoder_get_position(d4, &pos));
        if (pos.checkpoints != k) {
            k = pos.checkpoints;
            CHECK(pos.produced - last >= S4C_CHECKPOINT_SPACING_DEFAULT);
            last = pos.produced;
            /* and it is one of the frame boundaries seen with spacing 1 */
            int found = 0;
            for (size_t i = 0; i < nstops; i++)
                found |= stop_in[i] == pos.consumed && stop_out[i] == pos.produced;
            CHECK(found);
        } else if (in4.pos == ip && ob4.pos == op) {
            break;
        }
    }
    CHECK_EQ_U64(ob4.pos, sc->on);
    s4c_decoder_free(d4);
    printf("  %-34s %4zu checkpoints\n", sc->name, nstops);
    free(stop_in);
    free(stop_out);
    free(out);
    s4c_decoder_free(dec);
}

/* ------------------------------------------------ random cuts (a, b, c, d) */

static void test_random_cuts(const stream_case *sc, uint64_t seed, int points, int children) {
    s4c_decoder_options o = opts_for(sc, 0);
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(sc->kind, &o, &dec, &d));
    if (!dec) return;
    uint8_t *out = malloc(sc->on + 1);
    uint64_t rng = seed;
    /* (a) fed from a copy of the stream from feed_off on, replaced by a
     * fresh copy at every resume point. */
    uint8_t *feed = malloc(sc->n + 1);
    memcpy(feed, sc->src, sc->n);
    size_t feed_off = 0, ip = 0, op = 0;
    int done_points = 0, idle = 0, calls = 0, mid_frame = 0;
    uint64_t every = 1 + (sc->n / 120000 + 8) / (uint64_t)(points > 0 ? points : 1);
    for (;;) {
        size_t ic = rand_chunk(&rng), oc = rand_chunk(&rng);
        s4c_in_buffer in = {feed, min_sz(sc->n, ip + ic) - feed_off, ip - feed_off};
        s4c_out_buffer ob = {out, min_sz(sc->on + 1, op + oc), op};
        size_t hint;
        s4c_status st = s4c_decoder_stream(dec, &in, &ob, &hint);
        CHECK_OK(st);
        if (st != S4C_OK) {
            fprintf(stderr, "%s: %s\n", sc->name, s4c_decoder_error(dec)->message);
            break;
        }
        int progress = in.pos + feed_off != ip || ob.pos != op;
        ip = in.pos + feed_off, op = ob.pos;
        calls++;
        if (progress) idle = 0;
        else if (ip >= sc->end || ++idle > 3) break;
        if (ip < sc->n && rng_next(&rng) % every == 0) {
            done_points++;
            s4c_decoder_position pos;
            CHECK_OK(s4c_decoder_get_position(dec, &pos));
            mid_frame += !pos.at_checkpoint;
            resume_here(sc, dec, &rng, 1, done_points <= children);
            uint8_t *nf = malloc(sc->n - ip + 1);
            memcpy(nf, sc->src + ip, sc->n - ip);
            free(feed);
            feed = nf, feed_off = ip;
        }
    }
    CHECK_EQ_U64(ip, sc->end);
    CHECK_EQ_U64(op, sc->on);
    CHECK(memcmp(out, sc->orig, sc->on) == 0);
    CHECK_OK(s4c_decoder_finish(dec));
    CHECK(done_points >= 2);
    printf("  %-34s %5d calls, %d random resume points (%d inside a frame)\n", sc->name, calls,
           done_points, mid_frame);
    free(feed);
    free(out);
    s4c_decoder_free(dec);
}

/* ------------------------------------------------------------ cases */

static uint8_t dict_bytes[8192];

static stream_case make_seekable(const char *name, size_t n, uint64_t frame, int checksum,
                                 uint64_t seed) {
    stream_case sc = {name, S4C_KIND_CPU_ZSTD, NULL, 0, 0, malloc(n), n, NULL, 0, 0, frame};
    fill_mixed(sc.orig, n, seed);
    uint64_t rng = seed;
    sc.src = encode(S4C_KIND_CPU_ZSTD, sc.orig, n, frame, checksum, NULL, 0, &rng, &sc.n);
    sc.end = sc.n;
    return sc;
}

/* Checksummed frames of different sizes with skippable frames between them,
 * an empty frame, and a skippable frame at the end. */
static stream_case make_checksum_skippable(void) {
    stream_case sc = {"checksums + skippable frames", S4C_KIND_CPU_ZSTD, NULL, 0, 0, NULL, 0,
                      NULL, 0, 0, 0};
    const size_t sizes[] = {900000, 1300000, 0, 700000};
    for (int f = 0; f < 4; f++) {
        uint8_t *part = malloc(sizes[f] + 1);
        fill_mixed(part, sizes[f], 300 + (uint64_t)f);
        size_t fn;
        uint8_t *frame = encode(S4C_KIND_CPU_ZSTD, part, sizes[f], 0, 1, NULL, 0, NULL, &fn);
        append(&sc.src, &sc.n, frame, fn);
        append(&sc.orig, &sc.on, part, sizes[f]);
        free(frame);
        free(part);
        uint8_t skip[8 + 500];
        s4c_store_le32(skip, 0x184D2A50u + (uint32_t)f);
        s4c_store_le32(skip + 4, (uint32_t)(f * 100));
        check_fill(skip + 8, 500, 7, 0);
        append(&sc.src, &sc.n, skip, 8 + (size_t)f * 100);
    }
    sc.end = sc.n;
    return sc;
}

static stream_case make_plain(size_t n, uint64_t seed) {
    stream_case sc = {"one plain frame", S4C_KIND_CPU_ZSTD, NULL, 0, 0, malloc(n), n, NULL, 0, 0,
                      0};
    fill_mixed(sc.orig, n, seed);
    sc.src = encode(S4C_KIND_CPU_ZSTD, sc.orig, n, 0, 0, NULL, 0, NULL, &sc.n);
    sc.end = sc.n;
    return sc;
}

/* Two `zstd` CLI runs (content size + checksum; and -B frames? no: two files) concatenated. */
static int make_cli(stream_case *sc, size_t n, uint64_t seed) {
    *sc = (stream_case){"zstd CLI (2 runs, cs + checksum)", S4C_KIND_CPU_ZSTD, NULL, 0, 0,
                        malloc(n), n, NULL, 0, 0, 0};
    fill_mixed(sc->orig, n, seed);
    char dir[] = "/tmp/s4c_zstd_cli_XXXXXX";
    if (!mkdtemp(dir)) return 0;
    char a[64], b[64], cmd[512];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    size_t half = n / 3;
    int ok = write_file(a, sc->orig, half) && write_file(b, sc->orig + half, n - half);
    snprintf(cmd, sizeof cmd, "zstd -q -f -3 %s %s && cat %s.zst %s.zst > %s/ab.zst", a, b, a, b,
             dir);
    ok = ok && system(cmd) == 0;
    snprintf(cmd, sizeof cmd, "%s/ab.zst", dir);
    if (ok) sc->src = read_file(cmd, &sc->n);
    sc->end = sc->n;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) ok = 0;
    return ok && sc->src;
}

static stream_case make_dict(void) {
    stream_case sc = {"cpu-zstd-dict seekable 256K", S4C_KIND_CPU_ZSTD_DICT, NULL, 0, 0, NULL,
                      0, dict_bytes, sizeof dict_bytes, 0, 256 << 10};
    size_t n = 2 * MIB + 12345;
    sc.orig = malloc(n);
    sc.on = n;
    fill_mixed(sc.orig, n, 55);
    uint64_t rng = 4;
    sc.src = encode(S4C_KIND_CPU_ZSTD_DICT, sc.orig, n, sc.frame_out, 0, dict_bytes,
                    sizeof dict_bytes, &rng, &sc.n);
    sc.end = sc.n;
    return sc;
}

/* ------------------------------------------------------------ forged blobs */

static void expect_load_fails(const stream_case *sc, const uint8_t *blob, size_t size,
                              const void *dict, size_t dict_size, s4c_status want,
                              const char *msg, int line) {
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.dict = dict;
    o.dict_size = dict_size;
    s4c_status st = s4c_decoder_load(blob, size, sc->src, sc->n, &o, &dec, &d);
    if (st != want || dec || !strstr(d.message, msg)) {
        fprintf(stderr, "line %d: load gave %s \"%s\", expected %s \"%s\"\n", line,
                s4c_status_name(st), d.message, s4c_status_name(want), msg);
        check_failures++;
    }
    s4c_decoder_free(dec);
}

/* A blob from a real blob's envelope (kind, fingerprint) with new positions and body. */
static size_t seal(uint8_t *blob, const uint8_t *proto, uint16_t kind, uint64_t consumed,
                   uint64_t produced, uint64_t resume_off, uint64_t resume_prod,
                   const uint8_t *body, size_t bn) {
    memcpy(blob, proto, ENVELOPE);
    blob[5] = consumed == resume_off && produced == resume_prod;
    blob[6] = (uint8_t)kind;
    blob[7] = (uint8_t)(kind >> 8);
    size_t total = ENVELOPE + bn + 4;
    s4c_store_le32(blob + 8, (uint32_t)total);
    s4c_store_le64(blob + 12, consumed);
    s4c_store_le64(blob + 20, produced);
    s4c_store_le64(blob + 28, resume_off);
    s4c_store_le64(blob + 36, resume_prod);
    memcpy(blob + ENVELOPE, body, bn);
    s4c_store_le32(blob + total - 4, s4c_crc32c(0, blob, total - 4));
    return total;
}

typedef struct body {
    uint8_t flags;
    uint64_t checkpoints, since;
    int dict;
    uint64_t dict_id, dict_hash;
} body;

static size_t body_bytes(body b, uint8_t *out) {
    s4c_blob_writer w;
    s4c_blob_writer_init(&w);
    s4c_blob_put_u8(&w, b.flags);
    s4c_blob_put_varint(&w, b.checkpoints);
    s4c_blob_put_varint(&w, b.since);
    if (b.dict) {
        s4c_blob_put_varint(&w, b.dict_id);
        s4c_blob_put_u64(&w, b.dict_hash);
    }
    size_t n = w.size;
    memcpy(out, w.buf, n);
    s4c_blob_writer_release(&w);
    return n;
}

#define FORGE(kind_, c, p, rc, rp, b_, want, msg)                                             \
    do {                                                                                      \
        uint8_t body_[64], blob_[160];                                                        \
        size_t bn_ = body_bytes(b_, body_);                                                   \
        size_t n_ = seal(blob_, proto, kind_, c, p, rc, rp, body_, bn_);                      \
        expect_load_fails(sc, blob_, n_, NULL, 0, want, msg, __LINE__);                       \
    } while (0)

static void test_forged(const stream_case *sc, const stream_case *other,
                        const stream_case *dsc) {
    /* A real blob at the second frame boundary. */
    s4c_decoder_options o = opts_for(sc, 1);
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(sc->kind, &o, &dec, &d));
    uint8_t *out = malloc(sc->on + 1);
    s4c_in_buffer in = {sc->src, sc->n, 0};
    s4c_out_buffer ob = {out, sc->on + 1, 0};
    size_t hint;
    CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
    CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
    s4c_decoder_position pos;
    CHECK_OK(s4c_decoder_get_position(dec, &pos));
    CHECK(pos.checkpoints == 2 && pos.at_checkpoint);
    size_t bn = 0;
    uint8_t *real = save(dec, &bn);
    s4c_decoder_free(dec);
    if (!real) return;
    const uint8_t *proto = real;
    const uint64_t C = pos.consumed, P = pos.produced;

    /* Every single-byte flip of the real blob is refused (envelope CRC). */
    uint8_t *flip = malloc(bn);
    for (size_t i = 0; i < bn; i++) {
        memcpy(flip, real, bn);
        flip[i] ^= 0x10;
        s4c_decoder *x = NULL;
        s4c_status st = s4c_decoder_load(flip, bn, sc->src, sc->n, NULL, &x, &d);
        CHECK(st != S4C_OK && x == NULL);
        s4c_decoder_free(x);
    }
    /* Truncated. */
    for (size_t k = 0; k < bn; k += 7) {
        s4c_decoder *x = NULL;
        CHECK(s4c_decoder_load(real, k, sc->src, sc->n, NULL, &x, &d) != S4C_OK && !x);
    }
    free(flip);
    /* Another stream: foreign. */
    expect_load_fails(other, real, bn, NULL, 0, S4C_ERROR_STATE_FOREIGN, "another stream",
                      __LINE__);

    const uint16_t Z = S4C_KIND_CPU_ZSTD;
    body base = {0, 2, 0, 0, 0, 0};
    /* The base itself loads. */
    {
        uint8_t body_[64], blob_[160];
        size_t n_ = seal(blob_, proto, Z, C, P, C, P, body_, body_bytes(base, body_));
        CHECK(n_ == bn && memcmp(blob_, real, bn) == 0);
        s4c_decoder *x = NULL;
        CHECK_OK(s4c_decoder_load(blob_, n_, sc->src, sc->n, NULL, &x, &d));
        s4c_decoder_free(x);
    }
    body b = base;
    b.flags = 0x08;
    FORGE(Z, C, P, C, P, b, S4C_ERROR_STATE_INVALID, "flags 0x08 set unknown bits");
    b.flags = 0x80;
    FORGE(Z, C, P, C, P, b, S4C_ERROR_STATE_INVALID, "flags 0x80 set unknown bits");
    b = base, b.flags = 2;
    FORGE(Z, C, P, C, P, b, S4C_ERROR_STATE_INVALID, "not in single-frame mode");
    b = base, b.flags = 3, b.checkpoints = 0, b.since = 0;
    FORGE(Z, 5, 0, 5, 0, b, S4C_ERROR_STATE_INVALID, "a frame takes at least 8");
    b = base, b.flags = 3;
    FORGE(Z, C + 100, P + 1000, C, P, b, S4C_ERROR_STATE_INVALID, "went on after its frame");
    b = base, b.since = P + 1;
    FORGE(Z, C, P, C, P, b, S4C_ERROR_STATE_INVALID, "before the stream's start");
    b = base, b.checkpoints = 0, b.since = 5;
    FORGE(Z, C, P, C, P, b, S4C_ERROR_STATE_INVALID, "records no checkpoint but counts 5");
    b = base, b.checkpoints = P + 1;
    FORGE(Z, C, P, C, P, b, S4C_ERROR_STATE_INVALID, "checkpoints within its first");
    b = base, b.checkpoints = 10, b.since = P - 5;
    FORGE(Z, C, P, C, P, b, S4C_ERROR_STATE_INVALID, "10 checkpoints within its first 5");
    b = base;
    FORGE(Z, 10, P, 10, P, b, S4C_ERROR_STATE_INVALID, "more than zstd can expand");
    b = base, b.dict = 1, b.flags = 4, b.dict_id = 1ull << 33;
    FORGE(Z, C, P, C, P, b, S4C_ERROR_STATE_INVALID, "out of range");
    /* A dictionary named, none given; and a cpu-zstd-dict state without one. */
    b = base, b.dict = 1, b.flags = 4, b.dict_id = 0, b.dict_hash = 0x1234;
    FORGE(Z, C, P, C, P, b, S4C_ERROR_STATE_FOREIGN, "pass the same dictionary");
    b = base;
    FORGE(S4C_KIND_CPU_ZSTD_DICT, C, P, C, P, b, S4C_ERROR_STATE_INVALID,
          "must name its dictionary");
    /* Truncated body, trailing bytes, varint overflow. */
    {
        uint8_t blob_[160];
        size_t n_ = seal(blob_, proto, Z, C, P, C, P, (const uint8_t *)"\0\x02", 2);
        expect_load_fails(sc, blob_, n_, NULL, 0, S4C_ERROR_STATE_INVALID, "truncated", __LINE__);
        n_ = seal(blob_, proto, Z, C, P, C, P, (const uint8_t *)"\0\x02\0\0", 4);
        expect_load_fails(sc, blob_, n_, NULL, 0, S4C_ERROR_STATE_INVALID, "unread", __LINE__);
        n_ = seal(blob_, proto, Z, C, P, C, P,
                  (const uint8_t *)"\0\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f\0", 12);
        expect_load_fails(sc, blob_, n_, NULL, 0, S4C_ERROR_STATE_INVALID, "overflows", __LINE__);
    }
    /* A mid-frame blob (resume point before the saved one) loads and goes on. */
    {
        uint8_t body_[64], blob_[160];
        size_t n_ = seal(blob_, proto, Z, C + 1000, P + 5000, C, P, body_,
                         body_bytes(base, body_));
        s4c_decoder *x = NULL;
        CHECK_OK(s4c_decoder_load(blob_, n_, sc->src, sc->n, NULL, &x, &d));
        /* Saved again before it has re-decoded that far: a blob that loads too. */
        size_t n2 = 0;
        uint8_t *again = x ? save(x, &n2) : NULL;
        s4c_decoder *y = NULL;
        if (again) CHECK_OK(s4c_decoder_load(again, n2, sc->src, sc->n, NULL, &y, &d));
        if (y) CHECK(run_to_end(y, sc, C, P + 5000, NULL));
        if (x) CHECK(run_to_end(x, sc, C, P + 5000, NULL));
        s4c_decoder_free(x);
        s4c_decoder_free(y);
        free(again);
    }
    free(real);

    /* Dictionary states: the right dictionary loads; another one, none, or
     * one given to a dictionary-less state is foreign. */
    o = opts_for(dsc, 1);
    CHECK_OK(s4c_decoder_create(dsc->kind, &o, &dec, &d));
    in = (s4c_in_buffer){dsc->src, dsc->n, 0};
    ob = (s4c_out_buffer){out, dsc->on + 1, 0};
    CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
    uint8_t *dblob = save(dec, &bn);
    CHECK(bn <= 128);
    s4c_decoder_free(dec);
    if (dblob) {
        uint8_t other_dict[sizeof dict_bytes];
        memcpy(other_dict, dict_bytes, sizeof other_dict);
        other_dict[100] ^= 1;
        expect_load_fails(dsc, dblob, bn, other_dict, sizeof other_dict,
                          S4C_ERROR_STATE_FOREIGN, "another zstd dictionary", __LINE__);
        expect_load_fails(dsc, dblob, bn, NULL, 0, S4C_ERROR_STATE_FOREIGN,
                          "pass the same dictionary", __LINE__);
        s4c_decoder *x = NULL;
        s4c_decoder_options lo = opts_for(dsc, 0);
        CHECK_OK(s4c_decoder_load(dblob, bn, dsc->src, dsc->n, &lo, &x, &d));
        s4c_decoder_free(x);
        free(dblob);
    }
    {
        /* a plain cpu-zstd state loaded with a dictionary given */
        s4c_decoder_options po = opts_for(sc, 0);
        CHECK_OK(s4c_decoder_create(sc->kind, &po, &dec, &d));
        size_t pn = 0;
        uint8_t *pb = save(dec, &pn);
        s4c_decoder_free(dec);
        if (pb)
            expect_load_fails(sc, pb, pn, dict_bytes, sizeof dict_bytes, S4C_ERROR_STATE_FOREIGN,
                              "made without a zstd dictionary", __LINE__);
        free(pb);
    }
    free(out);
}

/* ------------------------------------------------------------ misc decoder checks */

static void test_position_and_clone(const stream_case *sc) {
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_ZSTD, NULL, &dec, &d));
    s4c_decoder_position pos;
    CHECK_OK(s4c_decoder_get_position(dec, &pos));
    CHECK(pos.consumed == 0 && pos.produced == 0 && pos.at_checkpoint == 1);
    /* A clone of a fresh decoder is fresh: an empty stream is still incomplete. */
    s4c_decoder *cl = NULL;
    CHECK_OK(s4c_decoder_clone(dec, &cl, &d));
    if (cl) CHECK_STATUS(s4c_decoder_finish(cl), S4C_ERROR_TRUNCATED_INPUT);
    s4c_decoder_free(cl);
    /* A fresh decoder's blob: exact, and tiny. */
    size_t bn = 0;
    uint8_t *blob = save(dec, &bn);
    CHECK_EQ_U64(bn, ENVELOPE + 3 + 4);
    free(blob);
    /* 10 bytes into the stream: clone refused with the offset, save inexact. */
    uint8_t out[64];
    s4c_in_buffer in = {sc->src, 10, 0};
    s4c_out_buffer ob = {out, sizeof out, 0};
    size_t hint;
    CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
    CHECK_OK(s4c_decoder_get_position(dec, &pos));
    CHECK(pos.consumed == 10 && pos.at_checkpoint == 0 && pos.resume_offset == 0);
    CHECK_STATUS(s4c_decoder_clone(dec, &cl, &d), S4C_ERROR_NOT_AT_CHECKPOINT);
    CHECK_STR_CONTAINS(d.message, "10 bytes into the frame at offset 0");
    blob = save(dec, &bn);
    s4c_state_info info;
    if (blob) {
        CHECK_OK(s4c_state_inspect(blob, bn, &info, &d));
        CHECK(info.at_checkpoint == 0 && info.consumed == 10 && info.resume_offset == 0);
    }
    free(blob);
    /* Reset forgets the counts; a failed decoder cannot be saved or cloned. */
    CHECK_OK(s4c_decoder_reset(dec));
    CHECK_OK(s4c_decoder_get_position(dec, &pos));
    CHECK(pos.consumed == 0 && pos.checkpoints == 0 && pos.at_checkpoint);
    s4c_in_buffer junk = {"garbage!", 8, 0};
    ob.pos = 0;
    CHECK_STATUS(s4c_decoder_stream(dec, &junk, &ob, &hint), S4C_ERROR_UNKNOWN_FORMAT);
    uint8_t buf[256];
    size_t n = 0;
    CHECK_STATUS(s4c_decoder_save(dec, buf, sizeof buf, &n, &d), S4C_ERROR_FAILED_STATE);
    CHECK_STATUS(s4c_decoder_clone(dec, &cl, &d), S4C_ERROR_FAILED_STATE);
    s4c_decoder_free(dec);
}

/* ------------------------------------------------------------ seekable encoder */

static uint8_t *seekable(const uint8_t *src, size_t n, uint64_t frame, int checksum,
                         uint64_t *rng, size_t *out_n) {
    return encode(S4C_KIND_CPU_ZSTD, src, n, frame, checksum, NULL, 0, rng, out_n);
}

static int parse_table(const uint8_t *s, size_t n, s4c_zstd_seek_table *t, s4c_error_detail *d) {
    uint64_t ts = 0;
    if (n < 9) return s4c_zstd_seek_table_locate(s, n, &ts, d);
    s4c_status st = s4c_zstd_seek_table_locate(s + n - 9, n, &ts, d);
    if (st != S4C_OK) return st;
    return s4c_zstd_seek_table_parse(s + n - ts, (size_t)ts, n, t, d);
}

/* Decodes s (one call) and compares with want. */
static int decodes_to(const uint8_t *s, size_t n, const uint8_t *want, size_t wn) {
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    if (s4c_decoder_create(S4C_KIND_CPU_ZSTD, NULL, &dec, &d) != S4C_OK) return 0;
    uint8_t *out = malloc(wn + 1);
    s4c_in_buffer in = {s, n, 0};
    s4c_out_buffer ob = {out, wn + 1, 0};
    size_t hint;
    int ok = s4c_decoder_stream(dec, &in, &ob, &hint) == S4C_OK && in.pos == n &&
             ob.pos == wn && (wn == 0 || memcmp(out, want, wn) == 0) &&
             s4c_decoder_finish(dec) == S4C_OK;
    free(out);
    s4c_decoder_free(dec);
    return ok;
}

static void test_seekable_golden(void) {
    /* "0123456789", 4-byte frames: 4 + 4 + 2, raw blocks, no content size. */
    size_t n = 0;
    uint8_t *s = seekable((const uint8_t *)"0123456789", 10, 4, 0, NULL, &n);
    unsigned char want[200];
    size_t wn = check_unhex("28b52ffd 0058 210000 30313233"
                            "28b52ffd 0058 210000 34353637"
                            "28b52ffd 0058 110000 3839"
                            "5e2a4d18 21000000"
                            "0d000000 04000000 0d000000 04000000 0b000000 02000000"
                            "03000000 00 b1ea928f",
                            want, sizeof want);
    CHECK_EQ_U64(n, wn);
    if (n == wn) CHECK_MEM_EQ(s, want, wn);
    CHECK(decodes_to(s, n, (const uint8_t *)"0123456789", 10));
    s4c_zstd_seek_table t;
    s4c_error_detail d;
    CHECK_OK(parse_table(s, n, &t, &d));
    CHECK(t.frames == 3 && !t.checksums && t.table_size == 8 + 24 + 9 && t.compressed_size == 37 &&
          t.decompressed_size == 10);
    if (t.frames == 3)
        CHECK(t.compressed_offset[2] == 26 && t.decompressed_offset[2] == 8 &&
              t.compressed_offset[3] == 37);
    s4c_zstd_seek_table_release(&t);
    free(s);
    /* With checksums: frames end with XXH64's low 32 bits, and so do the entries. */
    s = seekable((const uint8_t *)"0123456789", 10, 4, 1, NULL, &n);
    CHECK_OK(parse_table(s, n, &t, &d));
    CHECK(t.frames == 3 && t.checksums && t.table_size == 8 + 36 + 9);
    if (t.frames == 3) {
        CHECK_EQ_U64(t.entries[0].checksum, (uint32_t)XXH64("0123", 4, 0));
        CHECK_EQ_U64(t.entries[2].checksum, (uint32_t)XXH64("89", 2, 0));
        CHECK_EQ_U64(t.entries[1].compressed_size, 17);
        /* the frame's own checksum is the same value */
        CHECK_EQ_U64(s4c_load_le32(s + 17 + 13), (uint32_t)XXH64("4567", 4, 0));
        CHECK_EQ_U64(s[n - 5], 0x80);
    }
    CHECK(decodes_to(s, n, (const uint8_t *)"0123456789", 10));
    s4c_zstd_seek_table_release(&t);
    free(s);
    /* Empty input: one empty frame (as S4's), then the table. */
    s = seekable(NULL, 0, 4, 0, NULL, &n);
    wn = check_unhex("28b52ffd 2000 010000 5e2a4d18 11000000 09000000 00000000 01000000 00 "
                     "b1ea928f",
                     want, sizeof want);
    CHECK_EQ_U64(n, wn);
    if (n == wn) CHECK_MEM_EQ(s, want, wn);
    CHECK(decodes_to(s, n, NULL, 0));
    free(s);
}

/* Frame counts at the edges, feed independence, large frames; parser agrees. */
static void test_seekable_edges(void) {
    const size_t N = 100000;
    uint8_t *src = malloc(3 * N + 1);
    fill_mixed(src, 3 * N + 1, 9);
    const size_t lens[] = {0, 1, N - 1, N, N + 1, 2 * N, 3 * N + 1};
    const size_t frames[] = {1, 1, 1, 1, 2, 2, 4};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t n = 0, n2 = 0;
        uint8_t *whole = seekable(src, lens[i], N, 0, NULL, &n);
        uint64_t rng = 77 + i;
        uint8_t *fed = seekable(src, lens[i], N, 0, &rng, &n2);
        CHECK(n == n2 && memcmp(whole, fed, n) == 0); /* bytes independent of feeds */
        s4c_zstd_seek_table t;
        s4c_error_detail d;
        CHECK_OK(parse_table(whole, n, &t, &d));
        CHECK_EQ_U64(t.frames, frames[i]);
        CHECK_EQ_U64(t.decompressed_size, lens[i]);
        for (size_t f = 0; f + 1 < t.frames; f++) CHECK_EQ_U64(t.entries[f].decompressed_size, N);
        /* each entry is exactly one frame */
        for (size_t f = 0; f < t.frames; f++) {
            const uint8_t *fp = whole + t.compressed_offset[f];
            CHECK_EQ_U64(ZSTD_findFrameCompressedSize(fp, t.entries[f].compressed_size),
                         t.entries[f].compressed_size);
        }
        CHECK(decodes_to(whole, n, src, lens[i]));
        s4c_zstd_seek_table_release(&t);
        free(whole);
        free(fed);
    }
    /* Frame size 1 (one frame per byte) and the 1 GiB limit. */
    size_t n = 0;
    uint8_t *s = seekable(src, 50, 1, 1, NULL, &n);
    s4c_zstd_seek_table t;
    s4c_error_detail d;
    CHECK_OK(parse_table(s, n, &t, &d));
    CHECK_EQ_U64(t.frames, 50);
    CHECK(decodes_to(s, n, src, 50));
    s4c_zstd_seek_table_release(&t);
    free(s);
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.zstd_frame_size = (1ull << 30) + 1;
    s4c_encoder *e = NULL;
    CHECK_STATUS(s4c_encoder_create(S4C_KIND_CPU_ZSTD, &o, &e, &d), S4C_ERROR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(d.message, "limit");
    /* Output a byte at a time: the table comes out through `pending`. */
    o.zstd_frame_size = N;
    CHECK_OK(s4c_encoder_create(S4C_KIND_CPU_ZSTD, &o, &e, &d));
    uint8_t *dst = malloc(4 * N);
    size_t ip = 0, op = 0, pending = 1;
    long calls = 0;
    while (e && pending && calls < 10000000) {
        s4c_in_buffer in = {src, N + 5, ip};
        s4c_out_buffer ob = {dst, op + 1, op};
        CHECK_OK(s4c_encoder_stream(e, &in, &ob, S4C_FLUSH_END, &pending));
        ip = in.pos, op = ob.pos, calls++;
    }
    CHECK(decodes_to(dst, op, src, N + 5));
    size_t ref_n = 0;
    uint8_t *ref = seekable(src, N + 5, N, 0, NULL, &ref_n);
    CHECK(ref_n == op && memcmp(ref, dst, op) == 0);
    free(ref);
    /* After the table the encoder starts a new seekable stream. */
    s4c_in_buffer in = {src, 10, 0};
    s4c_out_buffer ob = {dst, 4 * N, 0};
    CHECK_OK(s4c_encoder_stream(e, &in, &ob, S4C_FLUSH_END, &pending));
    CHECK(pending == 0 && decodes_to(dst, ob.pos, src, 10));
    CHECK_OK(parse_table(dst, ob.pos, &t, &d));
    CHECK_EQ_U64(t.frames, 1);
    s4c_zstd_seek_table_release(&t);
    s4c_encoder_free(e);
    free(dst);
    free(src);
}

static void test_seek_table_parser(void) {
    size_t n = 0;
    uint8_t *s = seekable((const uint8_t *)"0123456789", 10, 4, 0, NULL, &n);
    s4c_zstd_seek_table t;
    s4c_error_detail d;
    uint8_t *c = malloc(n);
#define PARSE_FAILS(mutate, want, msg)                                                        \
    do {                                                                                      \
        memcpy(c, s, n);                                                                      \
        mutate;                                                                               \
        s4c_status st_ = parse_table(c, n, &t, &d);                                           \
        if (st_ != (want) || !strstr(d.message, msg)) {                                       \
            fprintf(stderr, "line %d: parse gave %s \"%s\", expected \"%s\"\n", __LINE__,     \
                    s4c_status_name(st_), d.message, msg);                                    \
            check_failures++;                                                                 \
        }                                                                                     \
        if (st_ == S4C_OK) s4c_zstd_seek_table_release(&t);                                   \
    } while (0)
    PARSE_FAILS(c[n - 1] ^= 1, S4C_ERROR_UNKNOWN_FORMAT, "no zstd seek table");
    PARSE_FAILS(c[n - 5] = 0x40, S4C_ERROR_CORRUPT_DATA, "reserved bits");
    PARSE_FAILS(c[n - 5] = 0x03; , S4C_OK, ""); /* unused bits are ignored */
    PARSE_FAILS(c[n - 6] = 0x10, S4C_ERROR_CORRUPT_DATA, "frames (the format allows");
    PARSE_FAILS(c[n - 9] = 4, S4C_ERROR_CORRUPT_DATA, "skippable magic");
    PARSE_FAILS(c[n - 9] = 200, S4C_ERROR_CORRUPT_DATA, "the stream has 78");
    PARSE_FAILS(c[37] = 0x5f, S4C_ERROR_CORRUPT_DATA, "skippable magic");
    PARSE_FAILS(c[41] = 0x22, S4C_ERROR_CORRUPT_DATA, "declares 34 bytes");
    PARSE_FAILS(c[45] = 0x0e, S4C_ERROR_CORRUPT_DATA, "entry 2 ends at offset 38");
    PARSE_FAILS(c[45] = 0x0c, S4C_ERROR_CORRUPT_DATA, "cover 36 bytes");
    PARSE_FAILS(c[45] = 0x30, S4C_ERROR_CORRUPT_DATA, "past the 37 bytes");
    PARSE_FAILS(c[45] = 0x02, S4C_ERROR_CORRUPT_DATA, "a frame of 2 bytes");
    PARSE_FAILS(c[52] = 0x41, S4C_ERROR_CORRUPT_DATA, "exceed the format's limit");
    PARSE_FAILS(c[45] = 0x0d, S4C_OK, "");
    /* Too short for a table; a plain frame has none. */
    CHECK_STATUS(parse_table(s, 5, &t, &d), S4C_ERROR_UNKNOWN_FORMAT);
    CHECK_STATUS(parse_table(s, 13, &t, &d), S4C_ERROR_UNKNOWN_FORMAT);
    free(c);
    free(s);
}

/* `zstd -d` reads our seekable streams; `zstd -l` counts the frames and the table. */
static void test_cli_interop(void) {
    if (!have_cli) {
        printf("  zstd CLI interop: skipped (no `zstd` on PATH)\n");
        return;
    }
    char dir[] = "/tmp/s4c_zstd_seek_XXXXXX";
    if (!mkdtemp(dir)) return;
    const size_t n = 3 * MIB + 777;
    uint8_t *src = malloc(n);
    fill_mixed(src, n, 31);
    for (int cs = 0; cs < 2; cs++) {
        size_t sn = 0;
        uint64_t rng = 5;
        uint8_t *s = seekable(src, n, MIB, cs, &rng, &sn);
        char path[128], cmd[512];
        snprintf(path, sizeof path, "%s/s.zst", dir);
        CHECK(write_file(path, s, sn));
        snprintf(cmd, sizeof cmd, "zstd -q -d -c %s > %s/out && zstd -l %s > %s/list 2>&1", path,
                 dir, path, dir);
        CHECK(system(cmd) == 0);
        snprintf(path, sizeof path, "%s/out", dir);
        size_t on = 0;
        uint8_t *out = read_file(path, &on);
        CHECK(out && on == n && memcmp(out, src, n) == 0);
        free(out);
        snprintf(path, sizeof path, "%s/list", dir);
        size_t ln = 0;
        char *list = (char *)read_file(path, &ln);
        if (list) {
            list[ln] = 0;
            /* "Frames  Skips  Compressed  Uncompressed  Ratio  Check  Filename": zstd
             * counts the seek table among the frames and as the one skippable frame. */
            char frames[32] = "", skips[32] = "";
            const char *row = strstr(list, "\n");
            CHECK(row && sscanf(row + 1, "%31s %31s", frames, skips) == 2);
            CHECK(strcmp(frames, "5") == 0 && strcmp(skips, "1") == 0);
            if (cs) CHECK_STR_CONTAINS(list, "XXH64");
            if (strcmp(frames, "5") != 0) fprintf(stderr, "zstd -l said:\n%s\n", list);
        }
        free(list);
        free(s);
    }
    snprintf((char *)src, 64, "rm -rf %s", dir);
    CHECK(system((char *)src) == 0);
    free(src);
    printf("  zstd CLI interop: zstd -d and zstd -l read seekable streams\n");
}

/* ------------------------------------------------------------ index from the seek table */

/*
 * Checkpoint blobs made from the seek table alone (s4c_zstd_decoder_at_boundary,
 * no decoding) equal the blobs a scanning decoder saves at its recorded
 * checkpoints, for spacing 1 and 2 MiB.
 */
static void test_blobs_from_seek_table(const stream_case *sc) {
    s4c_zstd_seek_table t;
    s4c_error_detail d;
    CHECK_OK(parse_table(sc->src, sc->n, &t, &d));
    const uint64_t spacings[] = {1, 2 * MIB};
    for (int si = 0; si < 2; si++) {
        s4c_decoder_options o = opts_for(sc, 1);
        o.checkpoint_spacing = spacings[si];
        s4c_decoder *dec = NULL;
        CHECK_OK(s4c_decoder_create(sc->kind, &o, &dec, &d));
        uint8_t *out = malloc(sc->on + 1);
        s4c_in_buffer in = {sc->src, sc->n, 0};
        s4c_out_buffer ob = {out, sc->on + 1, 0};
        uint64_t k = 0, last = 0;
        size_t f = 0, compared = 0;
        for (int guard = 0; dec && guard < 10000; guard++) {
            size_t ip = in.pos, op = ob.pos, hint;
            CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
            s4c_decoder_position pos;
            CHECK_OK(s4c_decoder_get_position(dec, &pos));
            if (pos.checkpoints == k) {
                if (in.pos == ip && ob.pos == op) break;
                continue;
            }
            /* The table's next recorded boundary, by the same rule. */
            uint64_t want_k = k;
            while (f < t.frames) {
                f++;
                if (t.decompressed_offset[f] - last >= spacings[si]) {
                    want_k++;
                    last = t.decompressed_offset[f];
                    break;
                }
            }
            k = pos.checkpoints;
            CHECK_EQ_U64(want_k, k);
            CHECK(t.compressed_offset[f] == pos.consumed && t.decompressed_offset[f] == pos.produced);
            size_t bn = 0, bn2 = 0;
            uint8_t *scanned = save(dec, &bn);
            s4c_decoder *made = NULL;
            CHECK_OK(s4c_zstd_decoder_at_boundary(sc->kind, &o, sc->src, sc->n,
                                                  t.compressed_offset[f],
                                                  t.decompressed_offset[f], k, last, &made, &d));
            uint8_t *built = made ? save(made, &bn2) : NULL;
            CHECK(scanned && built && bn == bn2 && memcmp(scanned, built, bn) == 0);
            compared++;
            free(scanned);
            free(built);
            s4c_decoder_free(made);
        }
        CHECK(compared >= 2);
        free(out);
        s4c_decoder_free(dec);
    }
    s4c_zstd_seek_table_release(&t);
    printf("  checkpoint blobs from the seek table equal the scanned ones\n");
}

/* ------------------------------------------------------------ whole-frame shortcut */

/* Decodes with the given chunking; status, output hash and length. */
static s4c_status decode_chunked(const uint8_t *s, size_t n, size_t in_chunk, size_t out_chunk,
                                 uint8_t *out, size_t cap, size_t *produced, int *direct_used) {
    s4c_decoder *dec = NULL;
    s4c_status st = s4c_decoder_create(S4C_KIND_CPU_ZSTD, NULL, &dec, NULL);
    if (st != S4C_OK) return st;
    size_t ip = 0, op = 0;
    for (;;) {
        s4c_in_buffer in = {s, min_sz(n, ip + in_chunk), ip};
        s4c_out_buffer ob = {out, min_sz(cap, op + out_chunk), op};
        size_t hint;
        st = s4c_decoder_stream(dec, &in, &ob, &hint);
        if (st != S4C_OK) break;
        int progress = in.pos != ip || ob.pos != op;
        ip = in.pos, op = ob.pos;
        if (!progress) break;
    }
    if (st == S4C_OK) st = s4c_decoder_finish(dec);
    *produced = op;
    *direct_used = ((const zstd_decoder *)dec->impl)->direct_dctx != NULL;
    s4c_decoder_free(dec);
    return st;
}

/*
 * Whole frames that fit go straight into the caller's buffer (one
 * ZSTD_decompressDCtx call); the verdict and the bytes must be those of the
 * regular path (tiny buffers) for valid and corrupted streams alike.
 */
static void test_direct_frames_agree(void) {
    const size_t n = 300000;
    uint8_t *src = malloc(n);
    fill_mixed(src, n, 77);
    size_t sn = 0;
    uint8_t *s = seekable(src, n, 64 << 10, 1, NULL, &sn);
    uint8_t *a = malloc(n + 1), *b = malloc(n + 1), *m = malloc(sn);
    size_t pa = 0, pb = 0;
    int used = 0, unused = 0;
    CHECK_OK(decode_chunked(s, sn, sn, n + 1, a, n + 1, &pa, &used));
    CHECK(used && pa == n && memcmp(a, src, n) == 0);
    CHECK_OK(decode_chunked(s, sn, 1000, 777, b, n + 1, &pb, &unused));
    CHECK(!unused && pb == n && memcmp(b, src, n) == 0);
    uint64_t rng = 1234;
    int differ = 0, direct_runs = 0;
    for (int i = 0; i < 3000; i++) {
        memcpy(m, s, sn);
        int flips = 1 + (int)(rng_next(&rng) % 3);
        for (int k = 0; k < flips; k++) m[rng_next(&rng) % sn] ^= (uint8_t)(1 + rng_next(&rng) % 255);
        s4c_status sa = decode_chunked(m, sn, sn, n + 1, a, n + 1, &pa, &used);
        s4c_status sb = decode_chunked(m, sn, 1000, 777, b, n + 1, &pb, &unused);
        direct_runs += used;
        /* (bytes delivered before an error depend on the chunking; the verdict must not) */
        if (sa != sb || (sa == S4C_OK && (pa != pb || memcmp(a, b, pa) != 0))) {
            if (differ++ < 5)
                fprintf(stderr, "mutation %d: direct %s/%zu, regular %s/%zu\n", i,
                        s4c_status_name(sa), pa, s4c_status_name(sb), pb);
        }
    }
    CHECK_EQ_U64(differ, 0);
    printf("  whole-frame shortcut: 3000 corrupted streams, same verdict and bytes as the "
           "regular path (%d runs used it)\n", direct_runs);
    free(a), free(b), free(m), free(s), free(src);
}

/* ------------------------------------------------------------ window limit */

/* A frame declaring window log `wlog` (no content size), for `n` bytes of text. */
static uint8_t *frame_with_window(int wlog, const uint8_t *src, size_t n, size_t *out_n) {
    ZSTD_CCtx *c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, wlog);
    size_t cap = ZSTD_compressBound(n) + 64;
    uint8_t *dst = malloc(cap);
    ZSTD_inBuffer in = {src, n, 0};
    ZSTD_outBuffer out = {dst, cap, 0};
    CHECK(!ZSTD_isError(ZSTD_compressStream2(c, &out, &in, ZSTD_e_continue)));
    size_t r;
    do r = ZSTD_compressStream2(c, &out, &in, ZSTD_e_end);
    while (r && !ZSTD_isError(r));
    ZSTD_freeCCtx(c);
    *out_n = out.pos;
    return dst;
}

/*
 * Window log 27 (S4's limit) decodes, also through the whole-frame shortcut,
 * and a boundary after it saves and resumes; window log 28 is refused
 * (UNSUPPORTED, libzstd's text) whatever the buffer sizes.
 */
static void test_window_limit(void) {
    const size_t n = 200000;
    uint8_t *src = malloc(n);
    fill_mixed(src, n, 8);
    size_t n27 = 0, n28 = 0;
    uint8_t *f27 = frame_with_window(27, src, n, &n27), *f28 = frame_with_window(28, src, n, &n28);
    ZSTD_frameHeader fh;
    CHECK(ZSTD_getFrameHeader(&fh, f28, n28) == 0 && fh.windowSize == (1ull << 28));
    const size_t cap = 2 * ZSTD_BLOCKSIZE_MAX; /* the frame's bound: 2 blocks */
    uint8_t *out = malloc(cap);
    size_t produced = 0;
    int used = 0;
    CHECK_OK(decode_chunked(f27, n27, n27, cap, out, cap, &produced, &used));
    CHECK(used && produced == n && memcmp(out, src, n) == 0);
    CHECK_OK(decode_chunked(f27, n27, 100, 100, out, cap, &produced, &used));
    CHECK(produced == n && memcmp(out, src, n) == 0);
    CHECK_STATUS(decode_chunked(f28, n28, n28, cap, out, cap, &produced, &used),
                 S4C_ERROR_UNSUPPORTED);
    CHECK(!used);
    CHECK_STATUS(decode_chunked(f28, n28, 100, 100, out, cap, &produced, &used),
                 S4C_ERROR_UNSUPPORTED);
    /* Window-27 frame twice: stop at the boundary between them, save, resume elsewhere. */
    stream_case sc = {"window log 27 x2", S4C_KIND_CPU_ZSTD, NULL, 0, 0, NULL, 0, NULL, 0, 0, 0};
    append(&sc.src, &sc.n, f27, n27);
    append(&sc.src, &sc.n, f27, n27);
    append(&sc.orig, &sc.on, src, n);
    append(&sc.orig, &sc.on, src, n);
    sc.end = sc.n;
    test_every_checkpoint(&sc, 5);
    test_random_cuts(&sc, 6, 6, 0);
    free_case(&sc);
    free(out), free(f27), free(f28), free(src);
}

/* ------------------------------------------------------------ measure */

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int measure(const char *path, size_t mib) {
    size_t n = 0;
    uint8_t *data = read_file(path, &n);
    if (!data) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    size_t want = mib << 20;
    if (n < want) { /* repeat the file to the size asked for */
        data = realloc(data, want);
        for (size_t off = n; off < want; off += n) memcpy(data + off, data, min_sz(n, want - off));
        n = want;
    } else {
        n = want;
    }
    printf("streaming vs one-shot decode, %zu MiB of %s, level 3, best of 9\n", n >> 20, path);
    printf("%-22s %10s %12s %12s %8s %10s\n", "stream", "comp MiB", "one-shot MB/s",
           "stream MB/s", "ratio", "blob B");
    const uint64_t frames[] = {0, MIB};
    uint8_t *out = malloc(n);
    for (int k = 0; k < 2; k++) {
        size_t cn = 0;
        uint8_t *c = encode(S4C_KIND_CPU_ZSTD, data, n, frames[k], 0, NULL, 0, NULL, &cn);
        ZSTD_DCtx *dctx = ZSTD_createDCtx();
        double best_one = 1e9, best_stream = 1e9;
        size_t blob_max = 0;
        for (int rep = 0; rep < 9; rep++) {
            double t0 = now();
            size_t r = ZSTD_decompressDCtx(dctx, out, n, c, cn);
            double t1 = now();
            CHECK(r == n);
            if (t1 - t0 < best_one) best_one = t1 - t0;
            /* Ours: 1 MiB input reads, 1 MiB output buffer, checkpoints every frame. */
            s4c_decoder_options o;
            s4c_decoder_options_init(&o);
            o.checkpoint_spacing = 1;
            s4c_decoder *dec = NULL;
            s4c_decoder_create(S4C_KIND_CPU_ZSTD, &o, &dec, NULL);
            size_t ip = 0, op = 0;
            t0 = now();
            while (op < n) {
                s4c_in_buffer in = {c, min_sz(cn, ip + MIB), ip};
                s4c_out_buffer ob = {out + op, min_sz(MIB, n - op), 0};
                size_t hint;
                if (s4c_decoder_stream(dec, &in, &ob, &hint) != S4C_OK) break;
                ip = in.pos, op += ob.pos;
                if (ob.pos == 0 && in.pos == in.size && ip == cn) break;
            }
            t1 = now();
            CHECK(op == n && memcmp(out, data, n) == 0);
            if (t1 - t0 < best_stream) best_stream = t1 - t0;
            size_t bn = 0;
            uint8_t blob[512];
            CHECK_OK(s4c_decoder_save(dec, blob, sizeof blob, &bn, NULL));
            if (bn > blob_max) blob_max = bn;
            s4c_decoder_free(dec);
        }
        double mbs1 = (double)n / best_one / 1e6, mbs2 = (double)n / best_stream / 1e6;
        printf("%-22s %10.1f %12.0f %12.0f %7.3fx %10zu\n",
               frames[k] ? "seekable 1 MiB frames" : "one frame", (double)cn / MIB, mbs1, mbs2,
               mbs2 / mbs1, blob_max);
        ZSTD_freeDCtx(dctx);
        free(c);
    }
    free(out);
    free(data);
    return check_exit("test_zstd_resume --measure");
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv) {
    static char exe[4096];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    self_exe = k > 0 ? (exe[k] = 0, exe) : argv[0];
    if ((argc == 5 || argc == 6) && strcmp(argv[1], "--resume-child") == 0)
        return resume_child(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : NULL);
    if (argc >= 3 && strcmp(argv[1], "--measure") == 0)
        return measure(argv[2], argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 64);
    have_cli = system("zstd --version > /dev/null 2>&1") == 0;
    check_fill(dict_bytes, sizeof dict_bytes, 123, 1);

    stream_case cases[6];
    size_t ncases = 0;
    cases[ncases++] = make_seekable("seekable 1 MiB frames", 5 * MIB + 4321, MIB, 0, 1);
    cases[ncases++] = make_plain(3 * MIB + 99, 2);
    cases[ncases++] = make_checksum_skippable();
    cases[ncases++] = make_dict();
    if (have_cli) {
        if (make_cli(&cases[ncases], 3 * MIB, 3)) ncases++;
        else {
            fprintf(stderr, "zstd CLI stream could not be made\n");
            check_failures++;
            free_case(&cases[ncases]);
        }
    } else {
        printf("zstd CLI stream: skipped (no `zstd` on PATH)\n");
    }
    stream_case single = make_seekable("single-frame + trailing", 600000, 250000, 1, 4);
    single.single_frame = 1; /* stops after the first frame; the rest stays unread */
    single.frame_out = 0;
    single.on = 250000;
    single.end = 0;
    {
        size_t fsz = ZSTD_findFrameCompressedSize(single.src, single.n);
        CHECK(!ZSTD_isError(fsz));
        single.end = fsz;
    }
    cases[ncases++] = single;

    for (size_t i = 0; i < ncases; i++) CHECK(straight_decode_ok(&cases[i]));
    printf("stop at every checkpoint:\n");
    for (size_t i = 0; i < ncases; i++) test_every_checkpoint(&cases[i], 1000 + i);
    printf("  largest blob at a frame boundary: %zu bytes\n", largest_boundary_blob);
    CHECK(largest_boundary_blob <= 128);
    printf("random cuts:\n");
    for (size_t i = 0; i < ncases; i++) test_random_cuts(&cases[i], 2000 + i, 12, i < 2 ? 1 : 0);
    test_random_cuts(&cases[1], 3001, 25, 1); /* one frame: every resume re-decodes */
    test_forged(&cases[0], &cases[1], &cases[3]);
    test_position_and_clone(&cases[0]);
    printf("seekable encoder:\n");
    test_seekable_golden();
    test_seekable_edges();
    test_seek_table_parser();
    test_cli_interop();
    test_direct_frames_agree();
    test_blobs_from_seek_table(&cases[0]);
    test_window_limit();
    for (size_t i = 0; i < ncases; i++) free_case(&cases[i]);
    return check_exit("test_zstd_resume");
}
