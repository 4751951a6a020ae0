/*
 * file_io.h — opening inputs ("-" is stdin) and moving bytes through file
 * descriptors with EINTR and short reads/writes handled.
 */
#ifndef S4C_CLI_FILE_IO_H
#define S4C_CLI_FILE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

typedef struct cli_input {
    int fd;
    int is_stdin;
    const char *name; /* for messages: the path, or "stdin" */
    struct stat st;   /* fstat of fd */
    uint64_t size;    /* bytes when a regular file, else 0 */
    int size_known;
} cli_input;

/* Opens `path` ("-" = stdin). Returns 0, or CLI_EXIT_IO after printing why. */
int cli_input_open(const char *path, cli_input *in);
void cli_input_close(cli_input *in);

/* Reads until `cap` bytes or end of file; returns the count, or -1 (errno set). */
ssize_t cli_read_full(int fd, void *buf, size_t cap);
/* One read() (retried on EINTR): whatever is available, 0 at end of file, -1 on error. */
ssize_t cli_read_some(int fd, void *buf, size_t cap);
/* Writes all `n` bytes; 0 on success, -1 (errno set) otherwise. */
int cli_write_all(int fd, const void *buf, size_t n);

#endif /* S4C_CLI_FILE_IO_H */
