/*
 * decompress_resume.c — the two resumable forms of `s4codec decompress`
 * (docs/cli.md, "Resumable decoding"):
 *
 * --threads N: with INPUT.s4ci (s4codec build-index) present and belonging
 *   to INPUT, the stream is decoded on N threads into the usual temporary
 *   output: a new regular file takes each piece at its offset from whichever
 *   worker decoded it (s4c_ckindex_decode_at, pwrite); stdout or a device in
 *   order (s4c_ckindex_decode_parallel). Without an index (or from stdin) it falls
 *   back to the ordinary one-thread decode; -v says so on stderr.
 *
 * --checkpoint STATEFILE: the output is written to OUT.s4partial (kept on
 *   any interruption, SIGKILL included) and at every checkpoint of the
 *   decoder (--spacing, default 4 MiB of output) the partial file is synced
 *   and the decoder's saved state (an S4CS blob, docs/formats/state.md; it
 *   records `produced`, the output length so far) replaces STATEFILE
 *   atomically (STATEFILE.tmp, fsync, rename). When STATEFILE exists the run
 *   resumes: OUT.s4partial is cut back to the state's `produced`, the input
 *   is read from the state's resume offset, and decoding goes on. At the end
 *   STATEFILE is removed first, then OUT.s4partial is renamed to OUT.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ckindex_cli.h"
#include "cli.h"
#include "decompress_resume.h"
#include "progress.h"
#include "s4codec_resume.h"
#include "safe_output.h"

/* ------------------------------------------------------------- --threads */

typedef struct par_sink {
    cli_output *out;
    uint64_t csize, usize;
    int rc; /* exit code of a failed write */
} par_sink;

static s4c_status par_write(void *ctx, const void *buf, size_t len) {
    par_sink *s = ctx;
    int rc = cli_output_write(s->out, buf, len);
    if (rc) {
        s->rc = rc;
        return S4C_ERROR_BACKEND;
    }
    uint64_t in = s->usize ? (uint64_t)((double)s->out->written / (double)s->usize *
                                        (double)s->csize)
                           : 0;
    cli_progress_update(in, s->out->written);
    return S4C_OK;
}

/* A regular output file takes the pieces at their offsets (pwrite) from every
 * worker: s4c_ckindex_decode_at, no ordering between threads. */
typedef struct at_sink {
    cli_output *out;
    uint64_t csize, usize;
    pthread_mutex_t mu; /* the progress line and the error */
    uint64_t written;
    int err;            /* errno of the first failed pwrite */
} at_sink;

static s4c_status at_write(void *ctx, uint64_t off, const void *buf, size_t len) {
    at_sink *s = ctx;
    const uint8_t *p = buf;
    while (len) {
        ssize_t r = pwrite(s->out->fd, p, len, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            pthread_mutex_lock(&s->mu);
            if (!s->err) s->err = r < 0 ? errno : EIO;
            pthread_mutex_unlock(&s->mu);
            return S4C_ERROR_BACKEND;
        }
        p += r;
        off += (uint64_t)r;
        len -= (size_t)r;
        pthread_mutex_lock(&s->mu);
        s->written += (uint64_t)r;
        uint64_t in = s->usize ? (uint64_t)((double)s->written / (double)s->usize *
                                            (double)s->csize)
                               : 0;
        cli_progress_update(in, s->written);
        pthread_mutex_unlock(&s->mu);
    }
    return S4C_OK;
}

int cli_decompress_parallel(const cli_stream_args *a, const char *path, cli_input *in) {
    if (!in->size_known || in->is_stdin) {
        if (a->verbose)
            fprintf(stderr, "%s: %s is not a named regular file, so no index: decoding on 1 "
                            "thread\n",
                    CLI_PROGRAM, in->name);
        return -1;
    }
    char ipath[4096];
    if (cli_ckindex_path(in->name, ipath, sizeof(ipath)) != 0) return -1;
    s4c_ckindex *ix = NULL;
    int rc = cli_ckindex_load(ipath, in, &ix);
    if (rc) return rc;
    if (!ix) {
        if (a->verbose)
            fprintf(stderr,
                    "%s: no index %s: decoding on 1 thread ('s4codec build-index %s' makes one)\n",
                    CLI_PROGRAM, ipath, in->name);
        return -1;
    }
    if (a->verbose)
        fprintf(stderr, "%s: %s: %zu checkpoint(s) from %s, decoding on %u thread(s)\n",
                CLI_PROGRAM, in->name, s4c_ckindex_count(ix), ipath,
                a->threads ? a->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
    cli_output out;
    rc = cli_output_open(&out, path, a->force, 0, in);
    if (!rc) {
        par_sink sink = {&out, s4c_ckindex_compressed_size(ix), s4c_ckindex_uncompressed_size(ix),
                         0};
        cli_pread_ctx pc = {in->fd, 0, 0};
        s4c_error_detail d;
        memset(&d, 0, sizeof(d));
        at_sink at = {&out, sink.csize, sink.usize, PTHREAD_MUTEX_INITIALIZER, 0, 0};
        cli_progress_start(in->name, in->size, !a->quiet);
        s4c_status st;
        if (out.via_temp) { /* a new regular file: positional writes */
            st = s4c_ckindex_decode_at(ix, cli_pread_cb, &pc, a->threads, at_write, &at, &d);
            out.written = at.written;
        } else {
            st = s4c_ckindex_decode_parallel(ix, cli_pread_cb, &pc, a->threads, par_write,
                                             &sink, &d);
        }
        cli_progress_clear();
        char text[400];
        if (at.err)
            rc = cli_error(CLI_EXIT_IO, "%s: write error: %s", out.name, strerror(at.err));
        else if (sink.rc)
            rc = sink.rc;
        else if (pc.err)
            rc = cli_error(CLI_EXIT_IO, "%s: read error: %s", in->name, strerror(pc.err));
        else if (st != S4C_OK)
            rc = cli_error(CLI_EXIT_DATA, "%s: %s", in->name,
                           cli_detail_text(&d, text, sizeof(text)));
        if (rc)
            cli_output_abort(&out);
        else
            rc = cli_output_commit(&out, in);
    }
    s4c_ckindex_free(ix);
    return rc;
}

/* ---------------------------------------------------------- --checkpoint */

#define STATE_MAX ((size_t)64 << 20)

typedef struct ck_run {
    const cli_stream_args *a;
    cli_input *in;
    const char *out_path;
    char partial[4096];
    char state_tmp[4096];
    int pfd;
    s4c_decoder *dec;
    uint8_t *ibuf, *obuf, *blob;
    size_t blob_cap;
    uint64_t in_off; /* input offset of the next read */
    uint64_t saves;
} ck_run;

static int ck_decode_error(ck_run *r) {
    char text[400];
    return cli_error(CLI_EXIT_DATA, "%s: %s", r->in->name,
                     cli_detail_text(s4c_decoder_error(r->dec), text, sizeof(text)));
}

/* Writes STATEFILE atomically from the decoder's state; 0 or an exit code. */
static int ck_save(ck_run *r) {
    size_t need = 0;
    s4c_error_detail d;
    memset(&d, 0, sizeof(d));
    s4c_status st = s4c_decoder_save(r->dec, r->blob, r->blob_cap, &need, &d);
    if (st == S4C_ERROR_DST_TOO_SMALL) {
        free(r->blob);
        r->blob_cap = need + need / 2;
        r->blob = malloc(r->blob_cap);
        if (!r->blob) return cli_error(CLI_EXIT_DATA, "out of memory");
        st = s4c_decoder_save(r->dec, r->blob, r->blob_cap, &need, &d);
    }
    char text[400];
    if (st != S4C_OK)
        return cli_error(CLI_EXIT_DATA, "%s: cannot save the decoder state: %s", r->in->name,
                         cli_detail_text(&d, text, sizeof(text)));
    /* The output the state counts must be on disk before the state is. */
    if (fdatasync(r->pfd) != 0)
        return cli_error(CLI_EXIT_IO, "%s: sync failed: %s", r->partial, strerror(errno));
    int fd = open(r->state_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) return cli_error(CLI_EXIT_IO, "%s: %s", r->state_tmp, strerror(errno));
    int bad = cli_write_all(fd, r->blob, need) != 0 || fsync(fd) != 0;
    int e = errno;
    if (close(fd) != 0 && !bad) bad = 1, e = errno;
    if (bad || rename(r->state_tmp, r->a->checkpoint) != 0) {
        if (!bad) e = errno;
        unlink(r->state_tmp);
        return cli_error(CLI_EXIT_IO, "%s: cannot write the state: %s", r->a->checkpoint,
                         strerror(e));
    }
    r->saves++;
    return 0;
}

/* Opens the decoder and OUT.s4partial: resumed from STATEFILE or fresh. */
static int ck_start(ck_run *r, uint32_t kind, const uint8_t *head, size_t head_n) {
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.checkpoint_spacing = r->a->spacing;
    o.stop_at_checkpoint = 1;
    s4c_error_detail d;
    memset(&d, 0, sizeof(d));
    char text[400];
    struct stat st;
    if (stat(r->a->checkpoint, &st) != 0) {
        if (errno != ENOENT)
            return cli_error(CLI_EXIT_IO, "%s: %s", r->a->checkpoint, strerror(errno));
        r->pfd = open(r->partial, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (r->pfd < 0) return cli_error(CLI_EXIT_IO, "%s: %s", r->partial, strerror(errno));
        s4c_status s = s4c_decoder_create(kind, &o, &r->dec, &d);
        if (s != S4C_OK)
            return cli_error(cli_exit_for_status(s), "%s: cannot start the %s decoder: %s",
                             r->in->name, s4c_kind_name(kind),
                             cli_detail_text(&d, text, sizeof(text)));
        r->in_off = 0;
        if (r->a->verbose)
            fprintf(stderr, "%s: %s: no state in %s, decoding from the start into %s\n",
                    CLI_PROGRAM, r->in->name, r->a->checkpoint, r->partial);
        return 0;
    }
    uint8_t *blob = NULL;
    size_t n = 0;
    int rc = cli_read_small_file(r->a->checkpoint, STATE_MAX, &blob, &n);
    if (rc) return rc;
    s4c_state_info info;
    s4c_status s = s4c_state_inspect(blob, n, &info, &d);
    if (s != S4C_OK) {
        free(blob);
        return cli_error(CLI_EXIT_DATA, "%s: %s (remove it to start over)", r->a->checkpoint,
                         cli_detail_text(&d, text, sizeof(text)));
    }
    s = s4c_decoder_load(blob, n, head, head_n, &o, &r->dec, &d);
    free(blob);
    if (s == S4C_ERROR_STATE_FOREIGN)
        return cli_error(CLI_EXIT_DATA,
                         "%s was saved while decompressing another file, not %s (%s); remove it "
                         "to start over",
                         r->a->checkpoint, r->in->name, d.message);
    if (s != S4C_OK)
        return cli_error(cli_exit_for_status(s), "%s: %s (remove it to start over)",
                         r->a->checkpoint, cli_detail_text(&d, text, sizeof(text)));
    r->pfd = open(r->partial, O_RDWR | O_CLOEXEC);
    if (r->pfd < 0)
        return cli_error(CLI_EXIT_DATA,
                         "%s: cannot resume: the partial output %s is missing (%s); remove %s to "
                         "start over",
                         r->a->checkpoint, r->partial, strerror(errno), r->a->checkpoint);
    struct stat ps;
    if (fstat(r->pfd, &ps) != 0 || (uint64_t)ps.st_size < info.produced)
        return cli_error(CLI_EXIT_DATA,
                         "%s: cannot resume: the partial output %s has %lld bytes, the state "
                         "counts %llu; remove %s to start over",
                         r->a->checkpoint, r->partial, (long long)ps.st_size,
                         (unsigned long long)info.produced, r->a->checkpoint);
    if (ftruncate(r->pfd, (off_t)info.produced) != 0 ||
        lseek(r->pfd, (off_t)info.produced, SEEK_SET) < 0)
        return cli_error(CLI_EXIT_IO, "%s: %s", r->partial, strerror(errno));
    r->in_off = info.resume_offset;
    if (r->a->verbose)
        fprintf(stderr,
                "%s: %s: resuming from %s at output byte %llu (input byte %llu)\n", CLI_PROGRAM,
                r->in->name, r->a->checkpoint, (unsigned long long)info.produced,
                (unsigned long long)info.resume_offset);
    return 0;
}

/* Test hook (tests/cli/test_resume.sh): S4CODEC_TEST_WRITE_DELAY_US sleeps
 * that long per 64 KiB written, after the write, so that kill -9 can land
 * anywhere in a run of a few MiB. */
static void test_delay(size_t n) {
    static long us = -1;
    if (us < 0) {
        const char *e = getenv("S4CODEC_TEST_WRITE_DELAY_US");
        us = e ? atol(e) : 0;
        if (us < 0 || us > 1000000) us = 0;
    }
    if (us) {
        long t = (long)((double)us * (double)n / 65536.0);
        struct timespec ts = {t / 1000000, (t % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
}

static int ck_loop(ck_run *r, uint64_t written) {
    uint64_t seen = 0;
    int eof = 0;
    s4c_in_buffer ib = {r->ibuf, 0, 0};
    for (;;) {
        if (ib.pos == ib.size && !eof) {
            ssize_t got = pread(r->in->fd, r->ibuf, CLI_BUFFER_SIZE, (off_t)r->in_off);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0)
                return cli_error(CLI_EXIT_IO, "%s: read error: %s", r->in->name, strerror(errno));
            r->in_off += (uint64_t)got;
            eof = got == 0;
            ib.size = (size_t)got;
            ib.pos = 0;
        }
        s4c_out_buffer ob = {r->obuf, CLI_BUFFER_SIZE, 0};
        size_t before = ib.pos;
        if (s4c_decoder_stream(r->dec, &ib, &ob, NULL) != S4C_OK) return ck_decode_error(r);
        if (ob.pos && cli_write_all(r->pfd, r->obuf, ob.pos) != 0)
            return cli_error(CLI_EXIT_IO, "%s: write error: %s", r->partial, strerror(errno));
        written += ob.pos;
        if (ob.pos) test_delay(ob.pos);
        s4c_decoder_position pos;
        s4c_decoder_get_position(r->dec, &pos);
        int fresh = pos.at_checkpoint && pos.checkpoints != seen;
        if (fresh) {
            seen = pos.checkpoints;
            int rc = ck_save(r);
            if (rc) return rc;
        }
        cli_progress_update(pos.consumed, written);
        if (!fresh && ob.pos == 0 && ib.pos == before) {
            if (eof) break;
            if (ib.pos < ib.size)
                return cli_error(CLI_EXIT_DATA, "%s: the decoder made no progress", r->in->name);
        }
    }
    if (s4c_decoder_finish(r->dec) != S4C_OK) return ck_decode_error(r);
    return 0;
}

/* The finished partial file becomes OUT: STATEFILE goes first. */
static int ck_install(ck_run *r) {
    mode_t mode = r->in->st.st_mode & 0777;
    struct timespec times[2] = {r->in->st.st_atim, r->in->st.st_mtim};
    if (fchmod(r->pfd, mode) != 0 || fsync(r->pfd) != 0)
        return cli_error(CLI_EXIT_IO, "%s: %s", r->partial, strerror(errno));
    (void)futimens(r->pfd, times);
    if (unlink(r->a->checkpoint) != 0 && errno != ENOENT)
        return cli_error(CLI_EXIT_IO, "%s: cannot remove: %s", r->a->checkpoint, strerror(errno));
    unlink(r->state_tmp); /* left by a run killed inside a save */
    if (!r->a->force) {
        if (link(r->partial, r->out_path) == 0) {
            unlink(r->partial);
            return 0;
        }
        if (errno == EEXIST)
            return cli_error(CLI_EXIT_REFUSED, "%s: appeared while writing; use -f to overwrite "
                             "(the output is kept in %s)", r->out_path, r->partial);
    }
    if (rename(r->partial, r->out_path) != 0)
        return cli_error(CLI_EXIT_IO, "%s: cannot rename %s into place: %s", r->out_path,
                         r->partial, strerror(errno));
    return 0;
}

int cli_decompress_checkpoint(const cli_stream_args *a, const char *path, cli_input *in) {
    if (!in->size_known)
        return cli_error(CLI_EXIT_USAGE,
                         "decompress: --checkpoint needs a regular input file (%s is not one)",
                         in->name);
    if (!path)
        return cli_error(CLI_EXIT_USAGE,
                         "decompress: --checkpoint needs an output file (not stdout); give -o OUT");
    if (a->threads_set && a->threads != 1)
        return cli_error(CLI_EXIT_USAGE,
                         "decompress: --checkpoint decodes on one thread; drop --threads");
    ck_run r;
    memset(&r, 0, sizeof(r));
    r.a = a;
    r.in = in;
    r.out_path = path;
    r.pfd = -1;
    if (snprintf(r.partial, sizeof(r.partial), "%s.s4partial", path) >= (int)sizeof(r.partial) ||
        snprintf(r.state_tmp, sizeof(r.state_tmp), "%s.tmp", a->checkpoint) >=
            (int)sizeof(r.state_tmp))
        return cli_error(CLI_EXIT_USAGE, "decompress: file name too long");
    struct stat st;
    if (stat(path, &st) == 0) {
        if (st.st_dev == in->st.st_dev && st.st_ino == in->st.st_ino)
            return cli_error(CLI_EXIT_REFUSED, "%s: input and output are the same file", path);
        if (!S_ISREG(st.st_mode))
            return cli_error(CLI_EXIT_USAGE,
                             "decompress: --checkpoint needs a regular output file (%s is not)",
                             path);
        if (!a->force)
            return cli_error(CLI_EXIT_REFUSED, "%s: already exists; use -f to overwrite", path);
    }
    r.ibuf = malloc(CLI_BUFFER_SIZE);
    r.obuf = malloc(CLI_BUFFER_SIZE);
    int rc = r.ibuf && r.obuf ? 0 : cli_error(CLI_EXIT_DATA, "out of memory");
    size_t head_n = 0;
    uint32_t kind = 0;
    if (!rc) { /* the stream's first bytes: its kind, and the state's fingerprint check */
        ssize_t got = pread(in->fd, r.ibuf, CLI_BUFFER_SIZE, 0);
        if (got < 0) rc = cli_error(CLI_EXIT_IO, "%s: read error: %s", in->name, strerror(errno));
        head_n = got > 0 ? (size_t)got : 0;
        if (!rc && head_n == 0)
            rc = cli_error(CLI_EXIT_DATA, "%s: empty input, not a compressed stream", in->name);
        if (!rc && s4c_detect_kind(r.ibuf, head_n, &kind) != S4C_OK)
            rc = cli_error(CLI_EXIT_DATA, "%s: unknown format (not zstd, gzip or lz4)", in->name);
    }
    if (!rc) rc = ck_start(&r, kind, r.ibuf, head_n);
    if (!rc) {
        s4c_decoder_position pos;
        s4c_decoder_get_position(r.dec, &pos);
        cli_progress_start(in->name, in->size, !a->quiet);
        rc = ck_loop(&r, pos.produced);
        cli_progress_clear();
        if (rc == CLI_EXIT_DATA) { /* the input is bad: resuming cannot help */
            unlink(a->checkpoint);
            unlink(r.partial);
        }
    }
    if (!rc) rc = ck_install(&r);
    if (!rc && a->verbose)
        fprintf(stderr, "%s: %s: done, %llu state save(s)\n", CLI_PROGRAM, in->name,
                (unsigned long long)r.saves);
    if (r.pfd >= 0) close(r.pfd);
    s4c_decoder_free(r.dec);
    free(r.ibuf);
    free(r.obuf);
    free(r.blob);
    return rc;
}
