/*
 * codec_table.h — the codecs the tool offers, by the names users type.
 *
 * One static table maps a short name (zstd) or S4 name (cpu-zstd) to the
 * library kind, the file suffix, the level range, the reference CLI that
 * bench compares against, and bench's default levels.
 */
#ifndef S4C_CLI_CODEC_TABLE_H
#define S4C_CLI_CODEC_TABLE_H

#include <stdint.h>

#include "s4codec.h"

#define CLI_MAX_LEVELS 32

typedef struct cli_codec {
    const char *name;   /* short name: "zstd" */
    uint32_t kind;      /* S4C_KIND_CPU_ZSTD; s4c_kind_name() gives "cpu-zstd" */
    const char *suffix; /* ".zst", or NULL (passthrough) */
    int has_levels;     /* 0: -l is refused */
    int default_level;  /* what compress uses without -l */
    int min_level, max_level;
    const char *reference_cli; /* "zstd", or NULL */
    int bench_levels[4];       /* bench's defaults, -1 terminated */
} cli_codec;

/* By short or S4 name; NULL when unknown. */
const cli_codec *cli_codec_by_name(const char *name);
/* By library kind; NULL when the tool does not offer it. */
const cli_codec *cli_codec_by_kind(uint32_t kind);
/* The codec whose suffix ends `path` (".zst", ".gz", ".lz4"), or NULL. */
const cli_codec *cli_codec_by_suffix(const char *path);
/* The i-th codec of the table (NULL past the end). */
const cli_codec *cli_codec_at(unsigned i);
/* Codec options for compressing at `level` (lz4 framing as the lz4 CLI writes it). */
void cli_codec_options(const cli_codec *codec, int level, s4c_codec_options *opts);

#endif /* S4C_CLI_CODEC_TABLE_H */
