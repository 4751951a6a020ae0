/*
 * decompress_resume.h — `s4codec decompress --threads N` (parallel decoding
 * through INPUT.s4ci) and `--checkpoint STATEFILE` (resumable decoding).
 */
#ifndef S4C_CLI_DECOMPRESS_RESUME_H
#define S4C_CLI_DECOMPRESS_RESUME_H

#include "file_io.h"
#include "options.h"

/*
 * Decodes `in` on a->threads threads through its index into `path` (NULL:
 * stdout). Returns -1 when there is no index to use (the caller then decodes
 * on one thread; -v said why), else 0 or an exit code.
 */
int cli_decompress_parallel(const cli_stream_args *a, const char *path, cli_input *in);
/* The --checkpoint form; 0 or an exit code. */
int cli_decompress_checkpoint(const cli_stream_args *a, const char *path, cli_input *in);

#endif /* S4C_CLI_DECOMPRESS_RESUME_H */
