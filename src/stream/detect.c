/*
 * detect.c — recognising a stream's format from its magic bytes.
 *
 * Skippable frames (0x184D2A50..5F, little-endian) are shared by the zstd and
 * LZ4 frame formats, so they are stepped over to find the first real frame.
 */
#include "../core/codec_internal.h"

#define ZSTD_MAGIC 0xFD2FB528u
#define LZ4_MAGIC 0x184D2204u
#define SKIPPABLE_MASK 0xFFFFFFF0u
#define SKIPPABLE_MAGIC 0x184D2A50u

s4c_status s4c_detect_kind(const void *head, size_t n, uint32_t *kind_ret) {
    S4C_RETURN_IF(!kind_ret || (!head && n), S4C_ERROR_INVALID_ARGUMENT);
    const uint8_t *p = head;
    size_t pos = 0;
    for (;;) {
        size_t left = n - pos;
        if (left >= 2 && p[pos] == 0x1F && p[pos + 1] == 0x8B && pos == 0) {
            *kind_ret = S4C_KIND_CPU_GZIP;
            return S4C_OK;
        }
        if (left < 4) return S4C_ERROR_TRUNCATED_INPUT; /* caller decides at EOF */
        uint32_t magic = s4c_load_le32(p + pos);
        if (pos == 0 && !memcmp(p, "FCG1", 4)) { /* S4's GPU container (src/gpu/fcg1.h) */
            if (left < 5) return S4C_ERROR_TRUNCATED_INPUT;
            static const uint32_t by_tag[] = {0, S4C_KIND_NVCOMP_ZSTD, S4C_KIND_NVCOMP_LZ4,
                                              S4C_KIND_NVCOMP_ZSTD, S4C_KIND_NVCOMP_BITCOMP,
                                              S4C_KIND_NVCOMP_GDEFLATE};
            if (p[4] == 0 || p[4] >= sizeof by_tag / sizeof by_tag[0])
                return S4C_ERROR_UNKNOWN_FORMAT;
            *kind_ret = by_tag[p[4]];
            return S4C_OK;
        }
        if (magic == ZSTD_MAGIC) {
            *kind_ret = S4C_KIND_CPU_ZSTD;
            return S4C_OK;
        }
        if (magic == LZ4_MAGIC) {
            *kind_ret = S4C_KIND_CPU_LZ4;
            return S4C_OK;
        }
        if ((magic & SKIPPABLE_MASK) != SKIPPABLE_MAGIC) return S4C_ERROR_UNKNOWN_FORMAT;
        if (left < 8) return S4C_ERROR_TRUNCATED_INPUT;
        uint64_t skip = 8 + (uint64_t)s4c_load_le32(p + pos + 4);
        if (skip > left) return S4C_ERROR_TRUNCATED_INPUT;
        pos += (size_t)skip;
    }
}
