/*
 * test_lz4_resume.c — resumable cpu-lz4 decoding (issue 4): position, clone,
 * save/load through the public API (s4codec_resume.h), checkpoints.
 *
 * Multi-MiB streams (independent, linked, block and content checksums, 64 KiB
 * to 4 MiB blocks, stored blocks, several frames with a skippable one) are
 * stopped at every checkpoint (stop_at_checkpoint, spacing 1) and at random
 * points (random input cuts and output sizes); from there decoding goes on
 * (a) with the rest of the input from another buffer, (b) in a clone (clone
 * and original both), (c) in a decoder loaded from a saved blob, and (d) in a
 * fresh process loading the blob from a file — every output identical to the
 * straight decode. Saved blobs are deterministic, and saving a clone or a
 * loaded decoder gives the same bytes. Forged blobs: every byte flip, fields
 * forged with the CRC recomputed (specific messages), foreign stream, wrong
 * version.
 *
 * Usage: test_lz4_resume                      the tests
 *        test_lz4_resume --sizes FILE [MiB]   blob sizes at block boundaries
 *                                             over FILE (docs/codecs/lz4.md)
 *        test_lz4_resume --resume-child BLOB STREAM OUT   (used by the tests)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "codecs/lz4_frame_decoder.h"
#include "s4codec.h"
#include "s4codec_resume.h"
#include "s4codec_stream.h"
#include "stream/state_blob.h"
#include "stream/stream_internal.h"

#define ENVELOPE 56 /* header bytes before the codec body (docs/formats/state.md) */

static const char *self_exe;

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

typedef struct lz4_cfg {
    int id, linked, cc, bc, cs;
} lz4_cfg;

static uint8_t *compress(lz4_cfg cfg, const uint8_t *src, size_t n, size_t *size) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.lz4_block_size_id = cfg.id;
    o.lz4_block_linked = cfg.linked;
    o.lz4_content_checksum = cfg.cc;
    o.lz4_block_checksum = cfg.bc;
    o.lz4_content_size = cfg.cs;
    s4c_codec *c = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_codec_create(S4C_KIND_CPU_LZ4, &o, &c, &d));
    size_t cap = s4c_compress_bound(c, n);
    uint8_t *dst = malloc(cap);
    s4c_manifest m;
    CHECK_OK(s4c_compress(c, src, n, dst, cap, &m, &d));
    *size = (size_t)m.compressed_size;
    s4c_codec_free(c);
    return dst;
}

/* Segments of compressible text and random bytes (random ones >= a block
 * give stored blocks). */
static void fill_mixed(uint8_t *p, size_t n, uint64_t seed, size_t text_len, size_t random_len) {
    for (size_t off = 0, seg = 0; off < n; seg++) {
        size_t len = seg % 2 ? random_len : text_len;
        if (len > n - off) len = n - off;
        check_fill(p + off, len, seed + seg, seg % 2 == 0);
        off += len;
    }
}

typedef struct stream_case {
    const char *name;
    uint8_t *src; /* the compressed stream */
    size_t n;
    size_t end;    /* bytes a whole decode consumes (n, less trailing bytes in single-frame) */
    uint8_t *orig; /* what it decodes to */
    size_t on;
    uint32_t bmax;   /* one frame: its block maximum (checkpoints fall on multiples); 0: several */
    int independent; /* every frame has independent blocks */
    int single_frame;
} stream_case;

static void append(uint8_t **buf, size_t *n, const void *p, size_t k) {
    *buf = realloc(*buf, *n + k + 1);
    memcpy(*buf + *n, p, k);
    *n += k;
}

static stream_case make_single(const char *name, lz4_cfg cfg, size_t n, int mixed, uint64_t seed) {
    stream_case sc = {
        name, NULL, 0, 0, malloc(n), n, s4c_lz4_block_max_size((unsigned)cfg.id), !cfg.linked, 0};
    if (mixed == 2) { /* one block's worth of random first (a stored block), then text */
        size_t r = min_sz(n, sc.bmax);
        check_fill(sc.orig, r, seed, 0);
        check_fill(sc.orig + r, n - r, seed + 1, 1);
    } else if (mixed) {
        fill_mixed(sc.orig, n, seed, 180000, 140000);
    } else {
        check_fill(sc.orig, n, seed, 1);
    }
    sc.src = compress(cfg, sc.orig, n, &sc.n);
    sc.end = sc.n;
    return sc;
}

/* Frames A (linked, content checksum) + a skippable frame + B (independent,
 * block checksums, content size) + C (linked, everything) + an empty frame. */
static stream_case make_multi(void) {
    stream_case sc = {"multi-frame", NULL, 0, 0, NULL, 0, 0, 0, 0};
    const size_t sizes[] = {1100000, 1500000, 1300000};
    const lz4_cfg cfgs[] = {{4, 1, 1, 0, 0}, {5, 0, 0, 1, 1}, {6, 1, 1, 1, 1}};
    for (int f = 0; f < 3; f++) {
        uint8_t *part = malloc(sizes[f]);
        fill_mixed(part, sizes[f], 100 + (uint64_t)f, 90000, 70000);
        size_t fn;
        uint8_t *frame = compress(cfgs[f], part, sizes[f], &fn);
        append(&sc.src, &sc.n, frame, fn);
        append(&sc.orig, &sc.on, part, sizes[f]);
        free(frame);
        free(part);
        if (f == 0) {
            uint8_t skip[8 + 1000];
            s4c_store_le32(skip, 0x184D2A53u);
            s4c_store_le32(skip + 4, 1000);
            check_fill(skip + 8, 1000, 7, 0);
            append(&sc.src, &sc.n, skip, sizeof skip);
        }
    }
    size_t fn;
    uint8_t *empty = compress((lz4_cfg){0, 0, 0, 0, 0}, NULL, 0, &fn);
    append(&sc.src, &sc.n, empty, fn);
    free(empty);
    sc.end = sc.n;
    return sc;
}

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
    return o;
}

static const s4c_lz4d *impl_of(const s4c_decoder *dec) { return dec->impl; }

static unsigned stages_saved; /* bit per s4c_lz4d_stage a blob was saved in */

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
    stages_saved |= 1u << impl_of(dec)->stage;
    return blob;
}

static s4c_decoder *load(const stream_case *sc, const uint8_t *blob, size_t size, int stop) {
    s4c_decoder_options o = opts_for(sc, stop);
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    s4c_status st = s4c_decoder_load(blob, size, sc->src, sc->n, &o, &dec, &d);
    CHECK_OK(st);
    if (st != S4C_OK) fprintf(stderr, "load: %s\n", d.message);
    return dec;
}

/* Same state saved: equal blobs but for the fingerprint's length and hash
 * (a loaded decoder fingerprints as much of the head as it was given). */
static int same_state(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
    return a && b && an == bn && memcmp(a, b, 44) == 0 &&
           memcmp(a + ENVELOPE, b + ENVELOPE, an - ENVELOPE - 4) == 0;
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
 * Decodes the rest of the stream (from compressed offset `off`, output offset
 * `produced`) with `dec`, fed from a private copy of the rest (continuation
 * from another source), in random chunks when rng, else whole. Returns 1 when
 * the output equals the original's rest and the decoder finishes cleanly.
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

/* The child: load BLOB against STREAM, decode the rest into OUT. */
static int resume_child(const char *blob_path, const char *stream_path, const char *out_path) {
    size_t bn = 0, sn = 0;
    uint8_t *blob = read_file(blob_path, &bn), *src = read_file(stream_path, &sn);
    if (!blob || !src) return 3;
    s4c_state_info info;
    s4c_error_detail d;
    s4c_decoder *dec = NULL;
    if (s4c_state_inspect(blob, bn, &info, &d) != S4C_OK ||
        s4c_decoder_load(blob, bn, src, sn, NULL, &dec, &d) != S4C_OK) {
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
        if (!progress) break; /* input and room were offered: the end */
    }
    fclose(out);
    int rc = s4c_decoder_finish(dec) == S4C_OK ? 0 : 6;
    s4c_decoder_free(dec);
    free(blob);
    free(src);
    return rc;
}

static int fresh_process_resume(const stream_case *sc, const uint8_t *blob, size_t bn,
                                uint64_t produced) {
    char dir[] = "/tmp/s4c_lz4_resume_XXXXXX";
    if (!mkdtemp(dir)) return 0;
    char bp[64], sp[64], op[64];
    snprintf(bp, sizeof bp, "%s/blob", dir);
    snprintf(sp, sizeof sp, "%s/stream", dir);
    snprintf(op, sizeof op, "%s/out", dir);
    int ok = write_file(bp, blob, bn) && write_file(sp, sc->src, sc->n);
    if (ok) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            execl(self_exe, self_exe, "--resume-child", bp, sp, op, (char *)NULL);
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
    unlink(bp), unlink(sp), unlink(op), rmdir(dir);
    return ok;
}

/* ----------------------------------------- resuming at one point (b, c) */

/*
 * At the decoder's current point: clone it and run the clone to the end;
 * save, load in a fresh decoder, check the loaded one saves to the same
 * bytes, and run it to the end. The original goes on in the caller.
 */
static void resume_here(const stream_case *sc, const s4c_decoder *dec, uint64_t *rng, int do_clone,
                        int do_child) {
    s4c_decoder_position pos;
    CHECK_OK(s4c_decoder_get_position(dec, &pos));
    CHECK(pos.resume_offset == pos.consumed && pos.resume_produced == pos.produced);
    size_t bn = 0;
    uint8_t *blob = save(dec, &bn);
    if (!blob) return;
    s4c_state_info info;
    s4c_error_detail d;
    CHECK_OK(s4c_state_inspect(blob, bn, &info, &d));
    CHECK(info.kind == S4C_KIND_CPU_LZ4 && info.at_checkpoint == 1);
    CHECK(info.consumed == pos.consumed && info.produced == pos.produced);

    /* (c) a fresh decoder from the blob: same position, same saved bytes. */
    s4c_decoder_options o = opts_for(sc, 0);
    s4c_decoder *ld = NULL;
    CHECK_OK(s4c_decoder_load(blob, bn, sc->src, info.fingerprint_len, &o, &ld, &d));
    if (!ld)
        fprintf(stderr, "%s: load at %llu/%llu (stage %u): %s\n", sc->name,
                (unsigned long long)pos.consumed, (unsigned long long)pos.produced,
                impl_of(dec)->stage, d.message);
    if (ld) {
        CHECK(same_position(dec, ld));
        size_t n2 = 0;
        uint8_t *blob2 = save(ld, &n2);
        CHECK(blob2 && n2 == bn && memcmp(blob, blob2, bn) == 0);
        free(blob2);
        CHECK(run_to_end(ld, sc, pos.consumed, pos.produced, rng));
        s4c_decoder_free(ld);
    }
    /* (b) a clone: same position and state bytes; runs to the end. */
    if (do_clone) {
        s4c_decoder *cl = NULL;
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
    }
    /* (d) another process loads the blob from a file. */
    if (do_child) CHECK(fresh_process_resume(sc, blob, bn, pos.produced));
    free(blob);
}

/* ------------------------------------------------ stop at every checkpoint */

typedef struct stop_rec {
    uint64_t consumed, produced, checkpoints;
} stop_rec;

static void test_every_checkpoint(const stream_case *sc, uint64_t seed) {
    s4c_decoder_options o = opts_for(sc, 1);
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, &o, &dec, &d));
    uint8_t *out = malloc(sc->on + 1);
    s4c_in_buffer in = {sc->src, sc->n, 0};
    s4c_out_buffer ob = {out, sc->on + 1, 0};
    stop_rec *stops = NULL;
    size_t nstops = 0;
    uint64_t rng = seed;
    uint8_t *mid_blob = NULL;
    size_t mid_size = 0, mid_index = 0;
    size_t max_indep = 0, max_linked = 0;
    for (int guard = 0; guard < 100000; guard++) {
        size_t ip = in.pos, op = ob.pos, hint = 0;
        s4c_status st = s4c_decoder_stream(dec, &in, &ob, &hint);
        CHECK_OK(st);
        if (st != S4C_OK) break;
        s4c_decoder_position pos;
        CHECK_OK(s4c_decoder_get_position(dec, &pos));
        CHECK(pos.consumed == in.pos && pos.produced == ob.pos);
        if (pos.checkpoints != nstops) {
            /* Stopped at a recorded checkpoint with all output delivered. */
            CHECK_EQ_U64(pos.checkpoints, nstops + 1);
            CHECK(pos.at_checkpoint == 1);
            CHECK(ob.pos > op || nstops == 0);
            CHECK(memcmp(out, sc->orig, ob.pos) == 0);
            if (sc->bmax) CHECK(pos.produced % sc->bmax == 0 || pos.produced == sc->on);
            stops = realloc(stops, (nstops + 1) * sizeof *stops);
            stops[nstops++] = (stop_rec){pos.consumed, pos.produced, pos.checkpoints};
            const s4c_lz4d *z = impl_of(dec);
            size_t bn = 0;
            uint8_t *blob = save(dec, &bn);
            if (blob && z->in_frame && s4c_lz4d_at_block_boundary(z)) {
                if (z->info.linked) {
                    if (bn > max_linked) max_linked = bn;
                } else {
                    if (bn > max_indep) max_indep = bn;
                    CHECK(bn <= 128);
                }
            }
            /* (c) at every checkpoint, (b) at every 4th, (d) at two. */
            if (nstops % 3 == 1 || !sc->bmax || sc->bmax > 65536 || nstops == 3 || nstops == 9)
                resume_here(sc, dec, nstops % 5 == 0 ? &rng : NULL, nstops % 4 == 0,
                            nstops == 3 || nstops == 9);
            if (nstops == 5) {
                mid_blob = blob, mid_size = bn, mid_index = nstops - 1;
                blob = NULL;
            }
            free(blob);
            continue;
        }
        if (in.pos == ip && ob.pos == op) break; /* the end */
    }
    CHECK_EQ_U64(ob.pos, sc->on);
    CHECK(memcmp(out, sc->orig, sc->on) == 0);
    CHECK_OK(s4c_decoder_finish(dec));
    if (sc->bmax) CHECK_EQ_U64(nstops, (sc->on + sc->bmax - 1) / sc->bmax);
    CHECK(nstops >= 2);
    CHECK_EQ_U64(in.pos, sc->end);
    /* A decoder loaded at the 5th stop stops at the same checkpoints after it. */
    if (mid_blob) {
        s4c_decoder *ld = load(sc, mid_blob, mid_size, 1);
        s4c_in_buffer lin = {sc->src, sc->n, (size_t)stops[mid_index].consumed};
        s4c_out_buffer lob = {out, sc->on + 1, (size_t)stops[mid_index].produced};
        size_t k = mid_index + 1;
        for (int guard = 0; ld && guard < 100000; guard++) {
            size_t ip = lin.pos, op = lob.pos, hint;
            CHECK_OK(s4c_decoder_stream(ld, &lin, &lob, &hint));
            s4c_decoder_position pos;
            CHECK_OK(s4c_decoder_get_position(ld, &pos));
            if (lin.pos == ip && lob.pos == op) break;
            if (k >= nstops) continue;
            if (pos.checkpoints == stops[k].checkpoints) {
                CHECK(pos.consumed == stops[k].consumed && pos.produced == stops[k].produced);
                k++;
            }
        }
        CHECK_EQ_U64(k, nstops);
        CHECK(lob.pos == sc->on && memcmp(out, sc->orig, sc->on) == 0);
        s4c_decoder_free(ld);
        free(mid_blob);
    }
    printf("  %-28s %5zu checkpoints, largest blob at a block boundary: independent %zu B, "
           "linked %zu B\n",
           sc->name, nstops, max_indep, max_linked);
    free(stops);
    free(out);
    s4c_decoder_free(dec);
}

/* ------------------------------------------------ random cuts (a, b, c, d) */

static void test_random_cuts(const stream_case *sc, uint64_t seed, int points, int children) {
    s4c_decoder_options o = opts_for(sc, 0);
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, &o, &dec, &d));
    uint8_t *out = malloc(sc->on + 1);
    uint64_t rng = seed;
    /* (a) the original is fed from `feed` = a copy of the stream from
     * `feed_off` on, replaced by a fresh copy at every resume point. */
    uint8_t *feed = malloc(sc->n + 1);
    memcpy(feed, sc->src, sc->n);
    size_t feed_off = 0, ip = 0, op = 0;
    int done_points = 0, idle = 0, calls = 0;
    /* Roughly `points` resume points over the stream's calls. */
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
        if (progress)
            idle = 0;
        else if (ip >= sc->end || ++idle > 3)
            break;
        if (ip < sc->n && rng_next(&rng) % every == 0) {
            done_points++;
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
    printf("  %-28s %5d calls, %d random resume points\n", sc->name, calls, done_points);
    free(feed);
    free(out);
    s4c_decoder_free(dec);
}

/*
 * One input byte per call (random output room): the decoder passes through
 * every stage it can stop in. At the first stop in each stage, and every so
 * often, save → load (same position, same saved bytes); the first time a
 * stage is seen, the loaded decoder and a clone each run to the end.
 */
static void test_byte_steps(const stream_case *sc) {
    s4c_decoder_options o = opts_for(sc, 0);
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, &o, &dec, &d));
    uint8_t *out = malloc(sc->on + 1);
    size_t ip = 0, op = 0;
    uint64_t rng = 5;
    unsigned seen = 0, last = 99;
    long saves = 0;
    for (long calls = 0;; calls++) {
        s4c_in_buffer in = {sc->src, min_sz(sc->n, ip + 1), ip};
        s4c_out_buffer ob = {out, min_sz(sc->on + 1, op + 1 + (size_t)(rng_next(&rng) % 70000)),
                             op};
        size_t hint;
        s4c_status st = s4c_decoder_stream(dec, &in, &ob, &hint);
        CHECK_OK(st);
        if (st != S4C_OK) break;
        int progress = in.pos != ip || ob.pos != op;
        ip = in.pos, op = ob.pos;
        if (!progress) break;
        unsigned stage = impl_of(dec)->stage;
        int first = !(seen & (1u << stage));
        if (first || (stage != last && calls % 37 == 0)) {
            saves++;
            seen |= 1u << stage;
            size_t bn = 0;
            uint8_t *blob = save(dec, &bn);
            s4c_decoder *ld = blob ? load(sc, blob, bn, 0) : NULL;
            if (ld) {
                CHECK(same_position(dec, ld));
                size_t n2 = 0;
                uint8_t *blob2 = save(ld, &n2);
                CHECK(same_state(blob, bn, blob2, n2));
                free(blob2);
                if (first) {
                    CHECK(run_to_end(ld, sc, ip, op, NULL));
                    s4c_decoder *cl = NULL;
                    CHECK_OK(s4c_decoder_clone(dec, &cl, &d));
                    if (cl) CHECK(run_to_end(cl, sc, ip, op, &rng));
                    s4c_decoder_free(cl);
                }
                s4c_decoder_free(ld);
            }
            free(blob);
        }
        last = stage;
    }
    CHECK_EQ_U64(ip, sc->end);
    CHECK_EQ_U64(op, sc->on);
    CHECK(memcmp(out, sc->orig, op) == 0);
    CHECK_OK(s4c_decoder_finish(dec));
    printf("  %-28s %ld saves, stages seen 0x%03x\n", sc->name, saves, seen);
    free(out);
    s4c_decoder_free(dec);
}

/* ------------------------------------------------------------ forged blobs */

/* A blob from an envelope prototype (fingerprint), positions and a body. */
static size_t seal(uint8_t *blob, const uint8_t *proto, uint64_t consumed, uint64_t produced,
                   const uint8_t *body, size_t bn, int exact) {
    memcpy(blob, proto, ENVELOPE);
    blob[5] = exact ? 1 : 0;
    size_t total = ENVELOPE + bn + 4;
    s4c_store_le32(blob + 8, (uint32_t)total);
    s4c_store_le64(blob + 12, consumed);
    s4c_store_le64(blob + 20, produced);
    s4c_store_le64(blob + 28, consumed);
    s4c_store_le64(blob + 36, produced);
    memcpy(blob + ENVELOPE, body, bn);
    s4c_store_le32(blob + total - 4, s4c_crc32c(0, blob, total - 4));
    return total;
}

static void reseal(uint8_t *blob, size_t size) {
    s4c_store_le32(blob + 8, (uint32_t)size);
    s4c_store_le32(blob + size - 4, s4c_crc32c(0, blob, size - 4));
}

static void expect_load_fails(const stream_case *sc, const uint8_t *blob, size_t size,
                              s4c_status want, const char *msg, int line) {
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    s4c_status st = s4c_decoder_load(blob, size, sc->src, sc->n, NULL, &dec, &d);
    if (st != want || dec || !strstr(d.message, msg)) {
        fprintf(stderr, "line %d: load gave %s \"%s\", expected %s \"%s\"\n", line,
                s4c_status_name(st), d.message, s4c_status_name(want), msg);
        check_failures++;
    }
    s4c_decoder_free(dec);
}

typedef struct body_spec {
    uint8_t head;
    uint64_t frames_done, checkpoints, since;
    int has_fi;
    uint8_t fi;
    uint64_t content_size;
    int in_frame;
    uint64_t frame_out;
} body_spec;

/* Writes the common fields; the caller appends the stage's own. */
static void body_start(s4c_blob_writer *w, body_spec b) {
    s4c_blob_writer_init(w);
    s4c_blob_put_u8(w, b.head);
    s4c_blob_put_varint(w, b.frames_done);
    s4c_blob_put_varint(w, b.checkpoints);
    s4c_blob_put_varint(w, b.since);
    if (b.has_fi) {
        s4c_blob_put_u8(w, b.fi);
        if (b.fi & 0x20) s4c_blob_put_varint(w, b.content_size);
    }
    if (b.in_frame) s4c_blob_put_varint(w, b.frame_out);
}

#define FORGE(consumed, produced, msg)                                                             \
    do {                                                                                           \
        size_t n_ = seal(blob, proto, consumed, produced, w.buf, w.size, 1);                       \
        expect_load_fails(sc, blob, n_, S4C_ERROR_STATE_INVALID, msg, __LINE__);                   \
        s4c_blob_writer_release(&w);                                                               \
    } while (0)

static void test_forged(const stream_case *sc, const stream_case *other) {
    /* A real blob at a block boundary after a few blocks, and a linked one. */
    s4c_decoder_options o = opts_for(sc, 1);
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, &o, &dec, &d));
    uint8_t *out = malloc(sc->on);
    s4c_in_buffer in = {sc->src, sc->n, 0};
    s4c_out_buffer ob = {out, sc->on, 0};
    size_t hint;
    for (int i = 0; i < 3; i++)
        CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
    size_t rn = 0;
    uint8_t *real = save(dec, &rn);
    s4c_decoder_free(dec);
    free(out);
    if (!real) return;
    CHECK(rn <= 128);
    uint8_t proto[ENVELOPE];
    memcpy(proto, real, ENVELOPE);

    /* Every single-byte change is refused (CRC32C, or the field before it). */
    uint8_t *blob = malloc(rn + 70000 * 2 + 64);
    int accepted = 0;
    for (size_t i = 0; i < rn; i++) {
        for (unsigned x = 1; x < 256; x += 85) {
            memcpy(blob, real, rn);
            blob[i] ^= (uint8_t)x;
            s4c_decoder *bad = NULL;
            s4c_status st = s4c_decoder_load(blob, rn, sc->src, sc->n, NULL, &bad, &d);
            if (st == S4C_OK || (st != S4C_ERROR_STATE_INVALID && st != S4C_ERROR_STATE_VERSION))
                accepted++;
            if (i >= 12 && st == S4C_ERROR_STATE_INVALID)
                CHECK_STR_CONTAINS(d.message, "CRC32C mismatch");
            s4c_decoder_free(bad);
        }
    }
    CHECK_EQ_U64(accepted, 0);

    /* Envelope-level: version, foreign stream, not exact. */
    memcpy(blob, real, rn);
    blob[4] = 2;
    expect_load_fails(sc, blob, rn, S4C_ERROR_STATE_VERSION, "version 2", __LINE__);
    reseal(blob, rn);
    expect_load_fails(sc, blob, rn, S4C_ERROR_STATE_VERSION, "version 2", __LINE__);
    memcpy(blob, real, rn);
    expect_load_fails(other, blob, rn, S4C_ERROR_STATE_FOREIGN, "another stream", __LINE__);
    blob[5] = 0;
    reseal(blob, rn);
    expect_load_fails(sc, blob, rn, S4C_ERROR_STATE_INVALID, "always exact", __LINE__);

    /* Truncated body, trailing bytes (CRC recomputed). */
    memcpy(blob, real, rn - 4);
    reseal(blob, rn - 1);
    expect_load_fails(sc, blob, rn - 1, S4C_ERROR_STATE_INVALID, "truncated", __LINE__);
    memcpy(blob, real, rn - 4);
    blob[rn - 4] = 0;
    reseal(blob, rn + 1);
    expect_load_fails(sc, blob, rn + 1, S4C_ERROR_STATE_INVALID, "unread bytes", __LINE__);

    /* Field forgeries. An independent 64 KiB frame (FI 0x00) at 3 blocks. */
    const uint64_t C = 100000, P = 3 * 65536;
    s4c_blob_writer w;
    body_spec base = {0x20 | 2, 0, 3, 0, 1, 0x00, 0, 1, P};

    body_spec b = base;
    b.head = 0x20 | 11;
    body_start(&w, b);
    FORGE(C, P, "lz4 stage 11 is out of range");
    b.head = 0x20 | 15;
    body_start(&w, b);
    FORGE(C, P, "lz4 stage 15 is out of range");
    b.head = 0x40 | 0x20 | 2;
    body_start(&w, b);
    FORGE(C, P, "sets unknown bits");
    b = base, b.head = 2, b.has_fi = 0;
    body_start(&w, b);
    FORGE(C, P, "inside a frame but no frame header");
    b = base, b.fi = 0x40;
    body_start(&w, b);
    FORGE(C, P, "frame info byte 0x40 sets unknown bits");
    b = base, b.frame_out = P + 1;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 0);
    FORGE(C, P, "exceeds the stream's");
    b = base, b.frames_done = 0, b.frame_out = P - 1;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 0);
    FORGE(C, P, "first frame's output");
    b = base, b.since = P + 1;
    body_start(&w, b);
    FORGE(C, P, "before the stream's start");
    b = base, b.checkpoints = P + 1;
    body_start(&w, b);
    FORGE(C, P, "checkpoints over");
    b = base, b.fi = 0x20, b.content_size = 1000;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 0);
    FORGE(C, P, "exceeds the declared content size 1000");
    /* Staged header bytes: as many as the item (would have been consumed), too many. */
    b = base;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 4);
    s4c_blob_put_bytes(&w, "\1\2\3\4", 4);
    FORGE(C, P, "holds 4 staged bytes, the item has 4");
    body_start(&w, b);
    s4c_blob_put_varint(&w, 25);
    FORGE(C, P, "25 staged header bytes (at most 19)");
    /* Compressed block: size above the maximum, zero, staged bytes >= the block. */
    b = base, b.head = 0x20 | 3;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 65537);
    s4c_blob_put_window(&w, "", 0);
    FORGE(C, P, "compressed block size 65537 is out of range (1..65536)");
    body_start(&w, b);
    s4c_blob_put_varint(&w, 0);
    s4c_blob_put_window(&w, "", 0);
    FORGE(C, P, "compressed block size 0 is out of range");
    {
        uint8_t junk[300];
        check_fill(junk, sizeof junk, 3, 0);
        body_start(&w, b);
        s4c_blob_put_varint(&w, 300);
        s4c_blob_put_window(&w, junk, 300);
        FORGE(C, P, "staged block holds 300 bytes");
        /* A declared window length far beyond the block buffer. */
        body_start(&w, b);
        s4c_blob_put_varint(&w, 1000);
        s4c_blob_put_varint(&w, 70000);
        s4c_blob_put_u8(&w, 0);
        FORGE(C, P, "window of 70000 bytes exceeds");
    }
    /* Stored block: nothing left, more left than its size, size above the maximum. */
    b = base, b.head = 0x20 | 4;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 500);
    s4c_blob_put_varint(&w, 0);
    FORGE(C, P, "stored block has 0 bytes left of 500");
    body_start(&w, b);
    s4c_blob_put_varint(&w, 500);
    s4c_blob_put_varint(&w, 501);
    FORGE(C, P, "stored block has 501 bytes left of 500");
    body_start(&w, b);
    s4c_blob_put_varint(&w, 65537);
    s4c_blob_put_varint(&w, 1);
    FORGE(C, P, "stored block size 65537 exceeds");
    b = base, b.head = 0x20 | 5;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 500);
    FORGE(C, P, "RAW_CHECKSUM in a frame without block checksums");
    b = base, b.head = 0x20 | 7;
    body_start(&w, b);
    FORGE(C, P, "CONTENT_CHECKSUM in a frame without a content checksum");
    /* Pending output: above the block maximum, zero, fewer bytes than declared. */
    b = base, b.head = 0x20 | 6;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 65537);
    FORGE(C, P, "pending output of 65537 bytes is out of range");
    body_start(&w, b);
    s4c_blob_put_varint(&w, 0);
    FORGE(C, P, "pending output of 0 bytes is out of range");
    b.frame_out = P + 100;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 100);
    s4c_blob_put_window(&w, "0123456789", 10);
    FORGE(C, P, "pending output holds 10 bytes, the state needs 100");
    /* Linked frame: the window must hold min(64 KiB, frame output) bytes. */
    b = base, b.fi = 0x04;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 0);
    s4c_blob_put_window(&w, "0123456789", 10);
    FORGE(C, P, "window holds 10 bytes, the state needs 65536");
    body_start(&w, b);
    s4c_blob_put_varint(&w, 0);
    FORGE(C, P, "truncated");
    /* Between frames. */
    b = base, b.head = 10, b.has_fi = 0, b.in_frame = 0, b.frames_done = 1;
    body_start(&w, b);
    FORGE(C, P, "stage DONE needs single-frame mode");
    b = base, b.head = 0x10 | 0, b.has_fi = 0, b.in_frame = 0, b.frames_done = 1;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 0);
    FORGE(C, P, "single-frame decoder goes on after its first frame");
    b = base, b.head = 0x20 | 0, b.in_frame = 0, b.frames_done = 0;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 0);
    FORGE(C, P, "frame info is present but no frame was finished");
    b = base, b.head = 0, b.has_fi = 0, b.in_frame = 0, b.frames_done = 0;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 0);
    FORGE(C, P, "output but no frame");
    b.checkpoints = 0;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 2);
    s4c_blob_put_bytes(&w, "\4\"", 2);
    FORGE(5, 0, "5 bytes consumed, 2 staged");
    b = base, b.head = 0x20 | 1, b.in_frame = 0;
    body_start(&w, b);
    FORGE(C, P, "HEADER with a frame header already parsed");
    b = base, b.head = 1, b.has_fi = 0, b.in_frame = 0, b.frames_done = 1;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 6);
    s4c_blob_put_bytes(&w, "\1\2\3\4\5\6", 6);
    FORGE(C, P, "staged bytes do not start with its frame magic");
    b = base, b.head = 9, b.has_fi = 0, b.in_frame = 0, b.frames_done = 1;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 0);
    FORGE(C, P, "skippable frame has 0 bytes left");
    /* Varint overflow in a counter. */
    b = base;
    s4c_blob_writer_init(&w);
    s4c_blob_put_u8(&w, b.head);
    s4c_blob_put_bytes(&w, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 10);
    FORGE(C, P, "overflows 64 bits");

    /* The well-formed base itself loads (the forgeries differ in one field). */
    b = base;
    body_start(&w, b);
    s4c_blob_put_varint(&w, 0);
    {
        size_t n_ = seal(blob, proto, C, P, w.buf, w.size, 1);
        s4c_decoder *ok = NULL;
        CHECK_OK(s4c_decoder_load(blob, n_, sc->src, sc->n, NULL, &ok, &d));
        s4c_decoder_free(ok);
        s4c_blob_writer_release(&w);
    }
    free(blob);
    free(real);
}

/* ------------------------------------------------------------ misc */

static void test_position_and_options(const stream_case *sc) {
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, NULL, &dec, &d));
    s4c_decoder_position pos;
    CHECK_OK(s4c_decoder_get_position(dec, &pos));
    CHECK(pos.consumed == 0 && pos.produced == 0 && pos.at_checkpoint == 1);
    /* Default spacing (4 MiB): a 3 MiB stream records none; no stop without the option. */
    uint8_t *out = malloc(sc->on);
    s4c_in_buffer in = {sc->src, sc->n, 0};
    s4c_out_buffer ob = {out, sc->on, 0};
    size_t hint;
    CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
    CHECK_OK(s4c_decoder_get_position(dec, &pos));
    CHECK(in.pos == sc->n && ob.pos == sc->on && pos.checkpoints == 0 && pos.at_checkpoint);
    /* Spacing 1 MiB with stops: every 16th 64 KiB block. */
    s4c_decoder_free(dec);
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.checkpoint_spacing = 1 << 20;
    o.stop_at_checkpoint = 1;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, &o, &dec, &d));
    in.pos = ob.pos = 0;
    uint64_t stops = 0;
    while (in.pos < sc->n) {
        CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
        CHECK_OK(s4c_decoder_get_position(dec, &pos));
        if (pos.checkpoints > stops) {
            stops++;
            CHECK_EQ_U64(pos.produced, stops << 20);
        }
    }
    CHECK_EQ_U64(stops, sc->on >> 20);
    /* Reset forgets the counts; a failed decoder cannot be saved or cloned. */
    CHECK_OK(s4c_decoder_reset(dec));
    CHECK_OK(s4c_decoder_get_position(dec, &pos));
    CHECK(pos.consumed == 0 && pos.checkpoints == 0);
    s4c_in_buffer junk = {"garbage!", 8, 0};
    CHECK_STATUS(s4c_decoder_stream(dec, &junk, &ob, &hint), S4C_ERROR_UNKNOWN_FORMAT);
    size_t n = 0;
    uint8_t buf[256];
    CHECK_STATUS(s4c_decoder_save(dec, buf, sizeof buf, &n, &d), S4C_ERROR_FAILED_STATE);
    s4c_decoder *cl = NULL;
    CHECK_STATUS(s4c_decoder_clone(dec, &cl, &d), S4C_ERROR_FAILED_STATE);
    CHECK(cl == NULL);
    s4c_decoder_free(dec);
    free(out);
}

/* Allocation failures in clone, save and load: clean statuses, the source untouched. */
static int alloc_countdown = -1; /* >= 0: allocations left before failures */
static void *limited_malloc(size_t n) {
    if (alloc_countdown == 0) return NULL;
    if (alloc_countdown > 0) alloc_countdown--;
    return malloc(n);
}

static void test_out_of_memory(const stream_case *sc) {
    /* A linked decoder holding a staged block and a window (both buffers). */
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, NULL, &dec, &d));
    uint8_t *out = malloc(sc->on);
    s4c_in_buffer in = {sc->src, sc->n / 3, 0};
    s4c_out_buffer ob = {out, sc->on, 0};
    size_t hint;
    CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
    size_t bn = 0;
    uint8_t *before = save(dec, &bn);
    if (!before) return;
    s4c_set_memory_allocator(limited_malloc, free);
    int clone_ok = 0, save_ok = 0, load_ok = 0;
    for (int k = 0; k < 12; k++) {
        s4c_decoder *cl = NULL;
        alloc_countdown = k;
        s4c_status st = s4c_decoder_clone(dec, &cl, &d);
        alloc_countdown = -1;
        CHECK(st == S4C_OK || (st == S4C_ERROR_OUT_OF_MEMORY && cl == NULL));
        clone_ok += st == S4C_OK;
        s4c_decoder_free(cl);

        uint8_t *blob = malloc(bn);
        size_t n2 = 0;
        alloc_countdown = k;
        st = s4c_decoder_save(dec, blob, bn, &n2, &d);
        alloc_countdown = -1;
        CHECK(st == S4C_OK || st == S4C_ERROR_OUT_OF_MEMORY);
        if (st == S4C_OK) CHECK(n2 == bn && memcmp(blob, before, bn) == 0);
        save_ok += st == S4C_OK;
        free(blob);

        s4c_decoder *ld = NULL;
        alloc_countdown = k;
        st = s4c_decoder_load(before, bn, sc->src, sc->n, NULL, &ld, &d);
        alloc_countdown = -1;
        /* Every failed allocation, the window's zstd context included, is
         * out of memory, never an invalid blob. */
        CHECK(st == S4C_OK || (st == S4C_ERROR_OUT_OF_MEMORY && ld == NULL));
        if (st != S4C_OK && st != S4C_ERROR_OUT_OF_MEMORY)
            fprintf(stderr, "load with %d allocations: %s\n", k, d.message);
        load_ok += st == S4C_OK;
        s4c_decoder_free(ld);
    }
    s4c_set_memory_allocator(NULL, NULL);
    CHECK(clone_ok > 0 && clone_ok < 12 && save_ok > 0 && save_ok < 12 && load_ok > 0 &&
          load_ok < 12);
    /* The source is intact: same state, and it decodes to the end. */
    size_t n3 = 0;
    uint8_t *after = save(dec, &n3);
    CHECK(after && n3 == bn && memcmp(after, before, bn) == 0);
    s4c_decoder_position pos;
    CHECK_OK(s4c_decoder_get_position(dec, &pos));
    CHECK(run_to_end(dec, sc, pos.consumed, pos.produced, NULL));
    free(after);
    free(before);
    free(out);
    s4c_decoder_free(dec);
}

/* Saving a state without checksums at a block boundary: the body's bytes. */
static void test_golden_body(void) {
    /* 64 KiB of text, independent 64 KiB blocks: after the first block. */
    lz4_cfg cfg = {4, 0, 0, 0, 0};
    stream_case sc = make_single("golden", cfg, 3 * 65536, 0, 1);
    s4c_decoder_options o = opts_for(&sc, 1);
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, &o, &dec, &d));
    uint8_t *out = malloc(sc.on);
    s4c_in_buffer in = {sc.src, sc.n, 0};
    s4c_out_buffer ob = {out, sc.on, 0};
    size_t hint, bn = 0;
    CHECK_OK(s4c_decoder_stream(dec, &in, &ob, &hint));
    uint8_t *blob = save(dec, &bn);
    /* stage BLOCK_HEADER + header parsed, 0 frames done, 1 checkpoint, 0
     * since it, FI 0x00, frame output 65536 (80 80 04), 0 staged bytes. */
    const uint8_t want[] = {0x22, 0x00, 0x01, 0x00, 0x00, 0x80, 0x80, 0x04, 0x00};
    CHECK_EQ_U64(bn, ENVELOPE + sizeof want + 4);
    if (blob && bn == ENVELOPE + sizeof want + 4) CHECK_MEM_EQ(blob + ENVELOPE, want, sizeof want);
    free(blob);
    free(out);
    s4c_decoder_free(dec);
    free_case(&sc);
}

/* ------------------------------------------------------------ sizes */

static int report_sizes(const char *path, size_t mib) {
    size_t n = 0;
    uint8_t *data = read_file(path, &n);
    if (!data) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    if (mib && n > mib << 20) n = mib << 20;
    printf("blob sizes at every block boundary (stop_at_checkpoint, spacing 1) over the first "
           "%zu bytes of %s\n",
           n, path);
    printf("%-34s %8s %9s %9s %9s\n", "frame", "blocks", "min B", "avg B", "max B");
    const lz4_cfg cfgs[] = {{4, 0, 0, 0, 0}, {4, 0, 1, 1, 0}, {7, 0, 1, 1, 0}, {4, 1, 0, 0, 0},
                            {4, 1, 1, 1, 0}, {5, 1, 0, 0, 0}, {6, 1, 0, 0, 0}, {7, 1, 1, 1, 0}};
    for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++) {
        stream_case sc = {"sizes", NULL, 0, 0, data, n, 0, 0, 0};
        sc.src = compress(cfgs[i], data, n, &sc.n);
        sc.end = sc.n;
        s4c_decoder_options o = opts_for(&sc, 1);
        s4c_decoder *dec = NULL;
        s4c_error_detail d;
        CHECK_OK(s4c_decoder_create(S4C_KIND_CPU_LZ4, &o, &dec, &d));
        uint8_t *out = malloc(1 << 23);
        s4c_in_buffer in = {sc.src, sc.n, 0};
        uint64_t count = 0, total = 0, mn = UINT64_MAX, mx = 0, ck = 0;
        uint8_t *blob = malloc(1 << 20);
        for (;;) {
            s4c_out_buffer ob = {out, 1 << 23, 0};
            size_t hint, ip = in.pos;
            if (s4c_decoder_stream(dec, &in, &ob, &hint) != S4C_OK) break;
            s4c_decoder_position pos;
            s4c_decoder_get_position(dec, &pos);
            if (pos.checkpoints != ck && s4c_lz4d_at_block_boundary(impl_of(dec))) {
                ck = pos.checkpoints;
                size_t bn = 0;
                if (s4c_decoder_save(dec, blob, 1 << 20, &bn, &d) == S4C_OK) {
                    count++, total += bn;
                    if (bn < mn) mn = bn;
                    if (bn > mx) mx = bn;
                }
            } else if (in.pos == ip && ob.pos == 0) {
                break;
            }
        }
        char name[64];
        snprintf(name, sizeof name, "id %d %s%s", cfgs[i].id,
                 cfgs[i].linked ? "linked" : "independent", cfgs[i].cc ? " +cc +bc" : "");
        printf("%-34s %8llu %9llu %9.0f %9llu\n", name, (unsigned long long)count,
               (unsigned long long)(count ? mn : 0), count ? (double)total / (double)count : 0.0,
               (unsigned long long)mx);
        free(blob);
        free(out);
        free(sc.src);
        s4c_decoder_free(dec);
    }
    free(data);
    return check_exit("test_lz4_resume --sizes");
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv) {
    static char exe[4096];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    self_exe = k > 0 ? (exe[k] = 0, exe) : argv[0];
    if (argc == 5 && strcmp(argv[1], "--resume-child") == 0)
        return resume_child(argv[2], argv[3], argv[4]);
    if (argc >= 3 && strcmp(argv[1], "--sizes") == 0)
        return report_sizes(argv[2], argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 64);

    stream_case cases[] = {
        make_single("independent 64K", (lz4_cfg){4, 0, 0, 0, 0}, 3u << 20, 1, 11),
        make_single("linked 256K +cc", (lz4_cfg){5, 1, 1, 0, 0}, 3u << 20, 1, 12),
        make_single("independent 1M +bc +cc +cs", (lz4_cfg){6, 0, 1, 1, 1}, 4u << 20, 1, 13),
        make_single("linked 4M +bc (stored 4M)", (lz4_cfg){7, 1, 0, 1, 0}, 6u << 20, 2, 14),
        make_single("linked 64K +bc +cc +cs", (lz4_cfg){4, 1, 1, 1, 1}, 2u << 20, 1, 15),
        make_multi(),
    };
    const size_t ncases = sizeof cases / sizeof cases[0];
    stream_case single =
        make_single("single-frame + trailing", (lz4_cfg){4, 1, 1, 0, 0}, 300000, 1, 16);
    single.single_frame = 1; /* stops in stage DONE before the junk */
    append(&single.src, &single.n, "trailing junk", 13);

    printf("stop at every checkpoint:\n");
    for (size_t i = 0; i < ncases; i++)
        test_every_checkpoint(&cases[i], 1000 + i);
    test_every_checkpoint(&single, 77);
    printf("random cuts:\n");
    for (size_t i = 0; i < ncases; i++)
        test_random_cuts(&cases[i], 2000 + i, 14, 1);
    test_random_cuts(&cases[ncases - 1], 3001, 30, 2);
    test_random_cuts(&single, 3002, 6, 0);
    printf("byte steps:\n");
    test_byte_steps(&cases[ncases - 1]);
    test_byte_steps(&cases[3]);
    test_byte_steps(&single);
    /* Every stage the decoder stops in between calls has been saved and resumed. */
    for (unsigned s = S4C_LZ4D_MAGIC; s <= S4C_LZ4D_DONE; s++)
        if (!(stages_saved & (1u << s))) {
            fprintf(stderr, "no state was saved in stage %u\n", s);
            check_failures++;
        }
    test_forged(&cases[0], &cases[1]);
    test_position_and_options(&cases[0]);
    test_golden_body();
    test_out_of_memory(&cases[4]);
    for (size_t i = 0; i < ncases; i++)
        free_case(&cases[i]);
    free_case(&single);
    return check_exit("test_lz4_resume");
}
