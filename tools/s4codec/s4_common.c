/*
 * s4_common.c — S4-style errors, whole-file inputs and S4's body refusals
 * for the S4 subcommands.
 *
 * S4's CLI reads each input whole; we map it instead, so the kernel pages it
 * in as frames are walked and nothing is copied. Inputs that cannot be mapped
 * (pipes, "-" for stdin) are read into memory.
 */
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "file_io.h"
#include "options.h"
#include "progress.h"
#include "s4_common.h"

int s4_error(int code, const char *cause, const char *context_fmt, ...) {
    cli_progress_clear();
    fflush(stdout);
    va_list ap;
    va_start(ap, context_fmt);
    fputs("Error: ", stderr);
    vfprintf(stderr, context_fmt, ap);
    va_end(ap);
    if (cause) fprintf(stderr, "\n\nCaused by:\n    %s", cause);
    fputc('\n', stderr);
    return code;
}

static int read_all(int fd, s4_file *f) {
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    if (!buf) return -1;
    for (;;) {
        if (n == cap) {
            uint8_t *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                errno = ENOMEM;
                return -1;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t r = cli_read_full(fd, buf + n, cap - n);
        if (r < 0) {
            int e = errno;
            free(buf);
            errno = e;
            return -1;
        }
        n += (size_t)r;
        if (r == 0 || n < cap) break;
    }
    f->data = buf;
    f->size = n;
    f->mapped = 0;
    return 0;
}

int s4_file_load(const char *path, s4_file *f) {
    memset(f, 0, sizeof(*f));
    if (!strcmp(path, "-")) { /* stdin: read whole */
        if (read_all(STDIN_FILENO, f) != 0)
            return s4_error(CLI_EXIT_IO, strerror(errno), "reading stdin");
        return 0;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const char *why = strerror(errno);
        return s4_error(CLI_EXIT_IO, why, "reading %s", path);
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        const char *why = S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno);
        close(fd);
        return s4_error(CLI_EXIT_IO, why, "reading %s", path);
    }
    int rc = 0;
    if (S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size <= SIZE_MAX) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            f->data = p;
            f->size = (size_t)st.st_size;
            f->mapped = 1;
            (void)posix_madvise(p, f->size, POSIX_MADV_SEQUENTIAL);
            close(fd);
            return 0;
        }
    }
    if (read_all(fd, f) != 0) rc = s4_error(CLI_EXIT_IO, strerror(errno), "reading %s", path);
    close(fd);
    return rc;
}

void s4_file_close(s4_file *f) {
    if (f->mapped)
        munmap((void *)f->data, f->size);
    else
        free((void *)f->data);
    memset(f, 0, sizeof(*f));
}

int s4_refuse_unreadable_body(const char *path, const s4_file *f) {
    if (f->size == 0)
        return s4_error(CLI_EXIT_DATA, NULL,
                        "%s: file is empty \xe2\x80\x94 not an S4F2 framed object", path);
    if (f->size >= 4 && !memcmp(f->data, "S4E", 3) && f->data[3] >= '1' && f->data[3] <= '6')
        return s4_error(CLI_EXIT_DATA, NULL,
                        "%s is SSE-encrypted (magic S4E%c): this CLI has no decryption support "
                        "by design \xe2\x80\x94 GET the object through the `s4` gateway binary, "
                        "which holds the key, to read it decrypted",
                        path, f->data[3]);
    return 0;
}

void s4_json_string(FILE *out, const char *s, size_t n) {
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\r')
            fputs("\\r", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

int s4_parse_json_operand(int argc, char **argv, const char *help_text, const char *what,
                          int *json, const char **path) {
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    *json = 0;
    cli_options_begin();
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == 'j')
            *json = 1;
        else if (c == 'h') {
            fputs(help_text, stdout);
            return CLI_EXIT_OK;
        } else
            return cli_option_error(argv[0], c, argv);
    }
    if (argc - optind != 1) {
        cli_error(CLI_EXIT_USAGE, "%s: exactly one %s expected (got %d operands)", argv[0], what,
                  argc - optind);
        fprintf(stderr, "Try '%s %s --help'.\n", CLI_PROGRAM, argv[0]);
        return CLI_EXIT_USAGE;
    }
    *path = argv[optind];
    return -1;
}
