/*
 * ckindex_cli.h — what build-index, cat and decompress share for checkpoint
 * indexes (.s4ci, docs/formats/s4ci.md): positional reads of the input file
 * as the library's read callback, and finding/loading/checking FILE.s4ci.
 */
#ifndef S4C_CLI_CKINDEX_H
#define S4C_CLI_CKINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "file_io.h"
#include "s4codec_resume.h"

#define CLI_CKINDEX_SUFFIX ".s4ci"

/* Commands: `build-index` (build_index.c) and `cat` (cat.c; S4 bodies: s4_cat.c). */
int cli_build_index_main(int argc, char **argv);
int cli_cat_main(int argc, char **argv);

/* Context of cli_pread_cb: a file read with pread(); errno kept on failure. */
typedef struct cli_pread_ctx {
    int fd;
    int err;           /* errno of the first failed read, or 0 */
    int progress;      /* 1: report the offsets read to the progress line */
} cli_pread_ctx;

/* s4c_read_at_fn over cli_pread_ctx (thread-safe: pread only). */
s4c_status cli_pread_cb(void *ctx, uint64_t off, void *buf, size_t len, size_t *got);

/* "<path>.s4ci" into buf; 0, or -1 when it does not fit. */
int cli_ckindex_path(const char *path, char *buf, size_t cap);

/*
 * Loads the index at `index_path` for the input `in`: *ix NULL and 0 when the
 * file does not exist; an exit code after printing why when it cannot be
 * read (3), does not decode (1) or belongs to another file (1).
 */
int cli_ckindex_load(const char *index_path, const cli_input *in, s4c_ckindex **ix);

/* Reads the whole small file `path` (at most `max` bytes) into a malloc'd buffer. */
int cli_read_small_file(const char *path, size_t max, uint8_t **data, size_t *size);

#endif /* S4C_CLI_CKINDEX_H */
