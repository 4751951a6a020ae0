/* Placeholder until the cpu-gzip codec lands: known by id and name only. */
#include "../core/codec_internal.h"
const s4c_codec_ops s4c_gzip_ops = {.kind = S4C_KIND_CPU_GZIP, .name = "cpu-gzip", .debug_name = "CpuGzip"};
