/*
 * compress_index.h — `s4codec compress --index`: the checkpoint index of the
 * output, built while compressing. A thread runs s4c_ckindex_build over the
 * output file as it is being written (its reads wait for the compressor), so
 * the index costs a decode on another core rather than a second pass.
 */
#ifndef S4C_CLI_COMPRESS_INDEX_H
#define S4C_CLI_COMPRESS_INDEX_H

#include <stdint.h>

typedef struct cli_index_pipe cli_index_pipe;

/* Starts the builder over `fd` (the output being written, readable). 0 or an exit code. */
int cli_index_pipe_start(cli_index_pipe **pipe, int fd, uint64_t spacing);
/* The compressor has written `total` bytes to the file so far. */
void cli_index_pipe_written(cli_index_pipe *pipe, uint64_t total);
/*
 * Ends the builder (joins the thread): with ok = 1 the output is complete and
 * the index must have been built; with ok = 0 the build is abandoned. 0 or an
 * exit code after printing why. Call before the output file is closed.
 */
int cli_index_pipe_end(cli_index_pipe *pipe, int ok, const char *out_name);
/* Writes the built index to `index_path` (temporary file + rename); 0 or an exit code. */
int cli_index_pipe_write(cli_index_pipe *pipe, const char *index_path);
void cli_index_pipe_free(cli_index_pipe *pipe);

#endif /* S4C_CLI_COMPRESS_INDEX_H */
