/* Placeholder until the cpu-zstd codec lands: known by id and name only. */
#include "../core/codec_internal.h"
const s4c_codec_ops s4c_zstd_ops = {.kind = S4C_KIND_CPU_ZSTD, .name = "cpu-zstd", .debug_name = "CpuZstd"};
