/*
 * codec_table.c — the codecs offered by the tool and how their files look.
 *
 * LZ4 output copies the lz4 CLI's framing (4 MiB independent blocks, content
 * checksum) so `lz4 -d` and `lz4 -t` see the same kind of file they write.
 * The level ranges are those of the reference tools; the library applies S4's
 * own clamping on top.
 */
#include <string.h>

#include "codec_table.h"

static const cli_codec codecs[] = {
    {"zstd", S4C_KIND_CPU_ZSTD, ".zst", 1, 3, 1, 22, "zstd", {1, 3, 9, -1}},
    {"gzip", S4C_KIND_CPU_GZIP, ".gz", 1, 6, 1, 9, "gzip", {1, 6, 9, -1}},
    {"lz4", S4C_KIND_CPU_LZ4, ".lz4", 1, 0, 0, 12, "lz4", {0, 9, -1, -1}},
    {"passthrough", S4C_KIND_PASSTHROUGH, NULL, 0, 0, 0, 0, NULL, {0, -1, -1, -1}},
    /* GPU kinds (docs/gpu.md): one FCG1 blob per file; without a GPU, compress
     * reports why (exit 1) */
    {"nvcomp-zstd", S4C_KIND_NVCOMP_ZSTD, ".fcg1", 0, 0, 0, 0, NULL, {0, -1, -1, -1}},
    {"nvcomp-bitcomp", S4C_KIND_NVCOMP_BITCOMP, ".fcg1", 0, 0, 0, 0, NULL, {0, -1, -1, -1}},
    {"nvcomp-gdeflate", S4C_KIND_NVCOMP_GDEFLATE, ".fcg1", 0, 0, 0, 0, NULL, {0, -1, -1, -1}},
    {"nvcomp-lz4", S4C_KIND_NVCOMP_LZ4, ".fcg1", 0, 0, 0, 0, NULL, {0, -1, -1, -1}},
};
#define N_CODECS (sizeof(codecs) / sizeof(codecs[0]))

const cli_codec *cli_codec_at(unsigned i) { return i < N_CODECS ? &codecs[i] : NULL; }

const cli_codec *cli_codec_by_kind(uint32_t kind) {
    for (size_t i = 0; i < N_CODECS; i++)
        if (codecs[i].kind == kind) return &codecs[i];
    return NULL;
}

const cli_codec *cli_codec_by_name(const char *name) {
    for (size_t i = 0; i < N_CODECS; i++) {
        const char *s4_name = s4c_kind_name(codecs[i].kind);
        if (!strcmp(name, codecs[i].name) || (s4_name && !strcmp(name, s4_name))) return &codecs[i];
    }
    return NULL;
}

const cli_codec *cli_codec_by_suffix(const char *path) {
    size_t n = strlen(path);
    for (size_t i = 0; i < N_CODECS; i++) {
        const char *suf = codecs[i].suffix;
        if (!suf) continue;
        size_t k = strlen(suf);
        if (n > k && !strcmp(path + n - k, suf)) return &codecs[i];
    }
    return NULL;
}

void cli_codec_options(const cli_codec *codec, int level, s4c_codec_options *opts) {
    s4c_codec_options_init(opts);
    if (codec->has_levels) opts->level = level;
    if (codec->kind == S4C_KIND_CPU_LZ4) {
        opts->lz4_block_size_id = S4C_LZ4_BLOCK_4MB;
        opts->lz4_block_linked = 0;
        opts->lz4_content_checksum = 1;
    }
    /* Like `zstd`: frames end with a content checksum, so corruption is caught. */
    if (codec->kind == S4C_KIND_CPU_ZSTD) opts->zstd_checksum = 1;
}
