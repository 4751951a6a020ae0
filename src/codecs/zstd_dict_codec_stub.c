/* Placeholder until the cpu-zstd-dict codec lands: known by id and name only. */
#include "../core/codec_internal.h"
const s4c_codec_ops s4c_zstd_dict_ops = {.kind = S4C_KIND_CPU_ZSTD_DICT, .name = "cpu-zstd-dict", .debug_name = "CpuZstdDict"};
