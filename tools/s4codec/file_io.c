/*
 * file_io.c — inputs and the read/write loops every command uses.
 *
 * Compression reads fill the caller's fixed buffer completely (pipes deliver
 * in small pieces), so the encoder sees large chunks; decompression takes
 * what is available, so a live stream decodes as it arrives. Writes loop
 * until done. Directories
 * are rejected at open time rather than failing later with EISDIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "file_io.h"

int cli_input_open(const char *path, cli_input *in) {
    memset(in, 0, sizeof(*in));
    if (!strcmp(path, "-")) {
        in->fd = STDIN_FILENO;
        in->is_stdin = 1;
        in->name = "stdin";
    } else {
        in->name = path;
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0) return cli_error(CLI_EXIT_IO, "%s: %s", path, strerror(errno));
    }
    if (fstat(in->fd, &in->st) != 0) {
        int e = errno;
        cli_input_close(in);
        return cli_error(CLI_EXIT_IO, "%s: %s", path, strerror(e));
    }
    if (S_ISDIR(in->st.st_mode)) {
        cli_input_close(in);
        return cli_error(CLI_EXIT_IO, "%s: is a directory", path);
    }
    if (S_ISREG(in->st.st_mode)) {
        in->size = (uint64_t)in->st.st_size;
        in->size_known = 1;
    }
    return 0;
}

void cli_input_close(cli_input *in) {
    if (!in->is_stdin && in->fd >= 0) close(in->fd);
    in->fd = -1;
}

ssize_t cli_read_full(int fd, void *buf, size_t cap) {
    size_t got = 0;
    while (got < cap) {
        ssize_t r = read(fd, (char *)buf + got, cap - got);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

ssize_t cli_read_some(int fd, void *buf, size_t cap) {
    for (;;) {
        ssize_t r = read(fd, buf, cap);
        if (r >= 0 || errno != EINTR) return r;
    }
}

int cli_write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}
