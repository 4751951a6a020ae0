/*
 * compress_index.c — the index of `compress --index`, built by a second
 * thread that decodes the output while the compressor writes it.
 *
 * The builder's read callback pread()s the output file, but only bytes the
 * compressor has already written: a read past them waits on a condition
 * variable until they are there or the compressor is done (then the read is
 * short, which is the end of the stream). Memory: the builder's two 1 MiB
 * buffers and a decoder.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckindex_cli.h"
#include "cli.h"
#include "compress_index.h"
#include "safe_output.h"

struct cli_index_pipe {
    int fd;
    uint64_t spacing;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t written;
    int done, abandoned;
    int read_errno;
    s4c_status status;
    s4c_error_detail detail;
    s4c_ckindex *index;
};

static s4c_status pipe_read(void *ctx, uint64_t off, void *buf, size_t len, size_t *got) {
    cli_index_pipe *p = ctx;
    *got = 0;
    pthread_mutex_lock(&p->mu);
    while (!p->done && p->written < off + len) pthread_cond_wait(&p->cv, &p->mu);
    uint64_t avail = p->written;
    int abandoned = p->abandoned;
    pthread_mutex_unlock(&p->mu);
    if (abandoned) return S4C_ERROR_BACKEND;
    if (off >= avail) return S4C_OK;
    size_t want = avail - off < len ? (size_t)(avail - off) : len, done = 0;
    while (done < want) {
        ssize_t r = pread(p->fd, (char *)buf + done, want - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            p->read_errno = r < 0 ? errno : EIO;
            return S4C_ERROR_BACKEND;
        }
        done += (size_t)r;
    }
    *got = done;
    return S4C_OK;
}

static void *pipe_main(void *arg) {
    cli_index_pipe *p = arg;
    p->status = s4c_ckindex_build(pipe_read, p, p->spacing, &p->index, &p->detail);
    return NULL;
}

int cli_index_pipe_start(cli_index_pipe **pipe_ret, int fd, uint64_t spacing) {
    cli_index_pipe *p = calloc(1, sizeof(*p));
    if (!p) return cli_error(CLI_EXIT_DATA, "out of memory");
    p->fd = fd;
    p->spacing = spacing;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, pipe_main, p) != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        free(p);
        return cli_error(CLI_EXIT_DATA, "cannot start the index thread");
    }
    *pipe_ret = p;
    return 0;
}

void cli_index_pipe_written(cli_index_pipe *p, uint64_t total) {
    pthread_mutex_lock(&p->mu);
    p->written = total;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

int cli_index_pipe_end(cli_index_pipe *p, int ok, const char *out_name) {
    pthread_mutex_lock(&p->mu);
    p->done = 1;
    p->abandoned = !ok;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    if (!ok || p->status == S4C_OK) return 0;
    if (p->read_errno)
        return cli_error(CLI_EXIT_IO, "%s: reading it back for the index: %s", out_name,
                         strerror(p->read_errno));
    char text[400];
    return cli_error(CLI_EXIT_DATA, "%s: building the index: %s", out_name,
                     cli_detail_text(&p->detail, text, sizeof(text)));
}

int cli_index_pipe_write(cli_index_pipe *p, const char *index_path) {
    size_t size = 0;
    if (!p->index) return cli_error(CLI_EXIT_DATA, "%s: no index was built", index_path);
    s4c_ckindex_encode(p->index, NULL, 0, &size);
    uint8_t *buf = malloc(size);
    int rc;
    if (!buf || s4c_ckindex_encode(p->index, buf, size, &size) != S4C_OK) {
        rc = cli_error(CLI_EXIT_DATA, "out of memory");
    } else {
        cli_output out;
        rc = cli_output_open(&out, index_path, 1, 1, NULL);
        if (!rc) rc = cli_output_write(&out, buf, size);
        if (rc)
            cli_output_abort(&out);
        else
            rc = cli_output_commit(&out, NULL);
    }
    free(buf);
    return rc;
}

void cli_index_pipe_free(cli_index_pipe *p) {
    if (!p) return;
    s4c_ckindex_free(p->index);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}
