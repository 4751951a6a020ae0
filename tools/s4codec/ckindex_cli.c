/*
 * ckindex_cli.c — read callbacks and FILE.s4ci handling for the commands that
 * use checkpoint indexes (build-index, cat, decompress --threads).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckindex_cli.h"
#include "cli.h"
#include "progress.h"

s4c_status cli_pread_cb(void *ctx, uint64_t off, void *buf, size_t len, size_t *got) {
    cli_pread_ctx *c = ctx;
    size_t done = 0;
    while (done < len) {
        ssize_t r = pread(c->fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (r < 0) {
            if (errno == EINTR) continue;
            if (!c->err) c->err = errno;
            *got = done;
            return S4C_ERROR_BACKEND;
        }
        if (r == 0) break;
        done += (size_t)r;
    }
    *got = done;
    if (c->progress) cli_progress_update(off + done, 0);
    return S4C_OK;
}

int cli_ckindex_path(const char *path, char *buf, size_t cap) {
    int n = snprintf(buf, cap, "%s%s", path, CLI_CKINDEX_SUFFIX);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

int cli_read_small_file(const char *path, size_t max, uint8_t **data, size_t *size) {
    *data = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return cli_error(CLI_EXIT_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return cli_error(CLI_EXIT_IO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        return cli_error(CLI_EXIT_DATA, "%s: %lld bytes is too large (at most %zu)", path,
                         (long long)st.st_size, max);
    }
    uint8_t *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
    ssize_t got = buf ? cli_read_full(fd, buf, (size_t)st.st_size) : -1;
    int e = errno;
    close(fd);
    if (got != (ssize_t)st.st_size) {
        free(buf);
        return cli_error(CLI_EXIT_IO, "%s: read error: %s", path,
                         got < 0 ? strerror(e) : "file changed while read");
    }
    *data = buf;
    *size = (size_t)st.st_size;
    return 0;
}

int cli_ckindex_load(const char *index_path, const cli_input *in, s4c_ckindex **ix) {
    *ix = NULL;
    struct stat st;
    if (stat(index_path, &st) != 0 && errno == ENOENT) return 0;
    uint8_t *data = NULL;
    size_t size = 0;
    int rc = cli_read_small_file(index_path, (size_t)1 << 30, &data, &size);
    if (rc) return rc;
    s4c_error_detail d;
    memset(&d, 0, sizeof(d));
    s4c_status s = s4c_ckindex_decode(data, size, ix, &d);
    free(data);
    char text[400];
    if (s != S4C_OK)
        return cli_error(cli_exit_for_status(s), "%s: %s", index_path,
                         cli_detail_text(&d, text, sizeof(text)));
    cli_pread_ctx pc = {in->fd, 0, 0};
    s = s4c_ckindex_check_stream(*ix, cli_pread_cb, &pc, &d);
    if (s == S4C_OK) return 0;
    s4c_ckindex_free(*ix);
    *ix = NULL;
    if (pc.err)
        return cli_error(CLI_EXIT_IO, "%s: read error: %s", in->name, strerror(pc.err));
    if (s == S4C_ERROR_STATE_FOREIGN)
        return cli_error(CLI_EXIT_DATA,
                         "%s is the index of another file, not of %s (%s); rebuild it with "
                         "'s4codec build-index %s'",
                         index_path, in->name, d.message, in->name);
    return cli_error(cli_exit_for_status(s), "%s: %s", index_path,
                     cli_detail_text(&d, text, sizeof(text)));
}
