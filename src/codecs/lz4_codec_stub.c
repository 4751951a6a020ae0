/* Placeholder until the cpu-lz4 codec lands: known by id and name only. */
#include "../core/codec_internal.h"
const s4c_codec_ops s4c_lz4_ops = {.kind = S4C_KIND_CPU_LZ4, .name = "cpu-lz4", .debug_name = "CpuLz4"};
