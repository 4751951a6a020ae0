/*
 * zstd_seekable.c — zstd's seekable format: the seek table our streaming
 * encoder appends (zstd_frame_size > 0), and a parser for the seek table at
 * the end of any stream (untrusted input).
 *
 * Written from the format's specification (facebook/zstd,
 * contrib/seekable_format/zstd_seekable_compression_format.md, v0.1.0). The
 * seek table is one skippable frame at the very end of the stream, so every
 * zstd decoder skips it:
 *
 *   u32 0x184D2A5E (skippable magic)   u32 Frame_Size (bytes after this field)
 *   Number_Of_Frames entries:          u32 Compressed_Size, u32 Decompressed_Size,
 *                                      [u32 Checksum: low 32 bits of XXH64 of the
 *                                       frame's content, when the descriptor's bit 7]
 *   footer:                            u32 Number_Of_Frames, u8 Seek_Table_Descriptor
 *                                      (bit 7 checksums, bits 6-2 reserved = 0,
 *                                      bits 1-0 unused: ignored), u32 0x8F92EAB1
 *
 * All little-endian. The frames before the table are listed in order (every
 * frame, skippable ones included, with decompressed size 0 for those); their
 * compressed sizes add up to the table's offset.
 */
#include "zstd_internal.h"

#define SKIPPABLE_HEADER 8u
#define DESC_CHECKSUM 0x80u
#define DESC_RESERVED 0x7Cu

s4c_status s4c_zstd_seek_log_add(s4c_zstd_seek_log *log, uint32_t csize, uint32_t dsize,
                                 uint32_t checksum) {
    if (log->count >= S4C_ZSTD_SEEK_MAX_FRAMES) return S4C_ERROR_UNSUPPORTED;
    if (log->count == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 64;
        s4c_zstd_seek_entry *p = s4c_malloc(cap * sizeof(*p));
        if (!p) return S4C_ERROR_OUT_OF_MEMORY;
        if (log->count) memcpy(p, log->entries, log->count * sizeof(*p));
        s4c_free(log->entries);
        log->entries = p;
        log->cap = cap;
    }
    log->entries[log->count++] = (s4c_zstd_seek_entry){csize, dsize, checksum};
    return S4C_OK;
}

size_t s4c_zstd_seek_table_size(size_t frames, int checksums) {
    return SKIPPABLE_HEADER + frames * (checksums ? 12u : 8u) + S4C_ZSTD_SEEK_FOOTER;
}

void s4c_zstd_seek_table_write(const s4c_zstd_seek_log *log, uint8_t *dst) {
    size_t total = s4c_zstd_seek_table_size(log->count, log->checksums);
    s4c_store_le32(dst, S4C_ZSTD_SEEK_TABLE_MAGIC);
    s4c_store_le32(dst + 4, (uint32_t)(total - SKIPPABLE_HEADER));
    uint8_t *p = dst + SKIPPABLE_HEADER;
    for (size_t i = 0; i < log->count; i++) {
        s4c_store_le32(p, log->entries[i].compressed_size);
        s4c_store_le32(p + 4, log->entries[i].decompressed_size);
        p += 8;
        if (log->checksums) {
            s4c_store_le32(p, log->entries[i].checksum);
            p += 4;
        }
    }
    s4c_store_le32(p, (uint32_t)log->count);
    p[4] = log->checksums ? DESC_CHECKSUM : 0;
    s4c_store_le32(p + 5, S4C_ZSTD_SEEKABLE_MAGIC);
}

void s4c_zstd_seek_log_release(s4c_zstd_seek_log *log) {
    s4c_free(log->entries);
    log->entries = NULL;
    log->count = log->cap = 0;
}

/* ------------------------------------------------------------ parser */

s4c_status s4c_zstd_seek_table_locate(const uint8_t footer[9], uint64_t stream_size,
                                      uint64_t *table_size, s4c_error_detail *d) {
    *table_size = 0;
    if (stream_size < S4C_ZSTD_SEEK_FOOTER ||
        s4c_load_le32(footer + 5) != S4C_ZSTD_SEEKABLE_MAGIC)
        return s4c_fail(d, S4C_ERROR_UNKNOWN_FORMAT,
                        "no zstd seek table (the stream does not end with the seekable magic)");
    uint32_t frames = s4c_load_le32(footer);
    uint8_t desc = footer[4];
    if (desc & DESC_RESERVED)
        return s4c_fail(d, S4C_ERROR_CORRUPT_DATA,
                        "zstd seek table descriptor 0x%02x sets reserved bits", desc);
    if (frames > S4C_ZSTD_SEEK_MAX_FRAMES)
        return s4c_fail(d, S4C_ERROR_CORRUPT_DATA,
                        "zstd seek table lists %u frames (the format allows %u)", frames,
                        S4C_ZSTD_SEEK_MAX_FRAMES);
    uint64_t size = s4c_zstd_seek_table_size(frames, (desc & DESC_CHECKSUM) != 0);
    if (size > stream_size)
        return s4c_fail(d, S4C_ERROR_CORRUPT_DATA,
                        "zstd seek table of %u frames needs %llu bytes; the stream has %llu",
                        frames, (unsigned long long)size, (unsigned long long)stream_size);
    *table_size = size;
    return S4C_OK;
}

void s4c_zstd_seek_table_release(s4c_zstd_seek_table *t) {
    if (!t) return;
    s4c_free(t->entries);
    s4c_free(t->compressed_offset);
    s4c_free(t->decompressed_offset);
    memset(t, 0, sizeof(*t));
}

s4c_status s4c_zstd_seek_table_parse(const uint8_t *table, size_t table_size,
                                     uint64_t stream_size, s4c_zstd_seek_table *t,
                                     s4c_error_detail *d) {
    memset(t, 0, sizeof(*t));
    uint64_t want = 0;
    if (table_size < SKIPPABLE_HEADER + S4C_ZSTD_SEEK_FOOTER)
        return s4c_fail(d, S4C_ERROR_CORRUPT_DATA,
                        "zstd seek table of %zu bytes is shorter than its header and footer",
                        table_size);
    S4C_TRY(s4c_zstd_seek_table_locate(table + table_size - S4C_ZSTD_SEEK_FOOTER, stream_size,
                                       &want, d));
    if (want != table_size)
        return s4c_fail(d, S4C_ERROR_CORRUPT_DATA,
                        "zstd seek table footer describes %llu bytes, %zu were given",
                        (unsigned long long)want, table_size);
    if (s4c_load_le32(table) != S4C_ZSTD_SEEK_TABLE_MAGIC)
        return s4c_fail(d, S4C_ERROR_CORRUPT_DATA,
                        "zstd seek table does not start with the skippable magic 0x184D2A5E "
                        "(found 0x%08x)", s4c_load_le32(table));
    uint32_t frame_size = s4c_load_le32(table + 4);
    if ((uint64_t)frame_size + SKIPPABLE_HEADER != table_size)
        return s4c_fail(d, S4C_ERROR_CORRUPT_DATA,
                        "zstd seek table's skippable frame declares %u bytes, its footer %zu",
                        frame_size, table_size - SKIPPABLE_HEADER);
    const uint8_t *footer = table + table_size - S4C_ZSTD_SEEK_FOOTER;
    size_t frames = s4c_load_le32(footer);
    int checksums = (footer[4] & DESC_CHECKSUM) != 0;
    size_t esize = checksums ? 12 : 8;

    t->frames = frames;
    t->checksums = checksums;
    t->table_size = table_size;
    t->entries = s4c_malloc((frames ? frames : 1) * sizeof(*t->entries));
    t->compressed_offset = s4c_malloc((frames + 1) * sizeof(uint64_t));
    t->decompressed_offset = s4c_malloc((frames + 1) * sizeof(uint64_t));
    if (!t->entries || !t->compressed_offset || !t->decompressed_offset) {
        s4c_zstd_seek_table_release(t);
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    uint64_t coff = 0, doff = 0, data_size = stream_size - table_size;
    const uint8_t *p = table + SKIPPABLE_HEADER;
    for (size_t i = 0; i < frames; i++, p += esize) {
        s4c_zstd_seek_entry e = {s4c_load_le32(p), s4c_load_le32(p + 4),
                                 checksums ? s4c_load_le32(p + 8) : 0};
        if (e.decompressed_size > S4C_ZSTD_SEEK_MAX_FRAME_SIZE) {
            s4c_zstd_seek_table_release(t);
            return s4c_fail(d, S4C_ERROR_CORRUPT_DATA,
                            "zstd seek table entry %zu: %u decompressed bytes exceed the format's "
                            "limit of %u per frame", i, e.decompressed_size,
                            S4C_ZSTD_SEEK_MAX_FRAME_SIZE);
        }
        /* The smallest frame is a skippable one with no content (8 bytes). */
        if (e.compressed_size < SKIPPABLE_HEADER) {
            s4c_zstd_seek_table_release(t);
            return s4c_fail(d, S4C_ERROR_CORRUPT_DATA,
                            "zstd seek table entry %zu: a frame of %u bytes (at least 8)", i,
                            e.compressed_size);
        }
        t->entries[i] = e;
        t->compressed_offset[i] = coff;
        t->decompressed_offset[i] = doff;
        coff += e.compressed_size;
        doff += e.decompressed_size;
        if (coff > data_size) {
            s4c_zstd_seek_table_release(t);
            return s4c_fail(d, S4C_ERROR_CORRUPT_DATA,
                            "zstd seek table entry %zu ends at offset %llu, past the %llu bytes "
                            "before the table", i, (unsigned long long)coff,
                            (unsigned long long)data_size);
        }
    }
    if (coff != data_size) {
        s4c_zstd_seek_table_release(t);
        return s4c_fail(d, S4C_ERROR_CORRUPT_DATA,
                        "zstd seek table's frames cover %llu bytes, the stream has %llu before "
                        "the table", (unsigned long long)coff, (unsigned long long)data_size);
    }
    t->compressed_offset[frames] = coff;
    t->decompressed_offset[frames] = doff;
    t->compressed_size = coff;
    t->decompressed_size = doff;
    return S4C_OK;
}

s4c_status s4c_zstd_seek_table_read(s4c_read_at_fn read, void *ctx, uint64_t stream_size,
                                    s4c_zstd_seek_table *t, s4c_error_detail *d) {
    memset(t, 0, sizeof(*t));
    uint8_t footer[S4C_ZSTD_SEEK_FOOTER];
    size_t got = 0;
    if (stream_size < S4C_ZSTD_SEEK_FOOTER)
        return s4c_fail(d, S4C_ERROR_UNKNOWN_FORMAT,
                        "no zstd seek table (a stream of %llu bytes)",
                        (unsigned long long)stream_size);
    s4c_status st = read(ctx, stream_size - S4C_ZSTD_SEEK_FOOTER, footer, sizeof footer, &got);
    if (st != S4C_OK || got != sizeof footer)
        return s4c_fail(d, st != S4C_OK ? st : S4C_ERROR_TRUNCATED_INPUT,
                        "reading the zstd seek table footer failed");
    uint64_t size = 0;
    S4C_TRY(s4c_zstd_seek_table_locate(footer, stream_size, &size, d));
    if (size > SIZE_MAX) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    uint8_t *buf = s4c_malloc((size_t)size);
    if (!buf) return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    st = read(ctx, stream_size - size, buf, (size_t)size, &got);
    if (st != S4C_OK || got != size) {
        s4c_free(buf);
        return s4c_fail(d, st != S4C_OK ? st : S4C_ERROR_TRUNCATED_INPUT,
                        "reading the zstd seek table (%llu bytes) failed",
                        (unsigned long long)size);
    }
    st = s4c_zstd_seek_table_parse(buf, (size_t)size, stream_size, t, d);
    s4c_free(buf);
    return st;
}
