/*
 * s4_inspect.c — `s4codec inspect BODY [--json]`: S4's `s4-codec inspect`.
 * Lists the data frames of a framed body (codec, sizes, CRC32C) without
 * decoding anything, so GPU frames are listed too; a padding-only body lists
 * 0 frames. Same SSE and empty-file refusals as decode. Padding is the file
 * size minus every frame's 28 + compressed_size, saturating at 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"
#include "s4_common.h"
#include "s4codec_frame.h"

static const char help_text[] =
    "usage: s4codec inspect [--json] BODY\n"
    "\n"
    "Lists the S4F2 frames of an object body: codec, original and compressed\n"
    "size, CRC32C of the original bytes; then the totals and the padding.\n"
    "Nothing is decoded. Like S4's `s4-codec inspect`.\n"
    "\n"
    "      --json     one JSON object instead of the table\n"
    "  -h, --help     this help\n"
    "\n"
    "exit codes: 0 ok, 1 data error or refusal (S4's), 2 usage, 3 I/O error\n";

typedef struct frame_row {
    uint32_t codec;
    uint64_t original, compressed;
    uint32_t crc;
} frame_row;

static void print_table(const frame_row *rows, size_t n, uint64_t orig, uint64_t comp,
                        uint64_t file_size, uint64_t padding) {
    printf("%-6s %-15s %14s %14s   CRC32C\n", "FRAME", "CODEC", "ORIGINAL", "COMPRESSED");
    for (size_t i = 0; i < n; i++)
        printf("%-6zu %-15s %14llu %14llu   0x%08x\n", i, s4c_kind_name(rows[i].codec),
               (unsigned long long)rows[i].original, (unsigned long long)rows[i].compressed,
               (unsigned)rows[i].crc);
    printf("total: %zu frame(s), %llu original bytes, %llu compressed payload bytes, %llu file "
           "bytes (%llu padding)\n",
           n, (unsigned long long)orig, (unsigned long long)comp, (unsigned long long)file_size,
           (unsigned long long)padding);
}

static void print_json(const frame_row *rows, size_t n, uint64_t orig, uint64_t comp,
                       uint64_t file_size, uint64_t padding) {
    printf("{\n  \"frames\": [");
    for (size_t i = 0; i < n; i++)
        printf("%s\n    {\"codec\":\"%s\",\"original_size\":%llu,\"compressed_size\":%llu,"
               "\"crc32c\":%u}",
               i ? "," : "", s4c_kind_name(rows[i].codec), (unsigned long long)rows[i].original,
               (unsigned long long)rows[i].compressed, (unsigned)rows[i].crc);
    printf("%s],\n", n ? "\n  " : "");
    printf("  \"total_frames\": %zu,\n  \"total_original_size\": %llu,\n"
           "  \"total_compressed_size\": %llu,\n  \"file_size\": %llu,\n"
           "  \"padding_bytes\": %llu\n}\n",
           n, (unsigned long long)orig, (unsigned long long)comp, (unsigned long long)file_size,
           (unsigned long long)padding);
}

int cli_s4_inspect_main(int argc, char **argv) {
    int json = 0;
    const char *path = NULL;
    int parsed = s4_parse_json_operand(argc, argv, help_text, "BODY", &json, &path);
    if (parsed >= 0) return parsed;
    s4_file body;
    int rc = s4_file_load(path, &body);
    if (rc) return rc;
    if ((rc = s4_refuse_unreadable_body(path, &body))) {
        s4_file_close(&body);
        return rc;
    }
    frame_row *rows = NULL;
    size_t n = 0, cap = 0;
    uint64_t orig = 0, comp = 0, framed = 0;
    s4c_frame_iter it;
    s4c_frame fr;
    int has = 0;
    s4c_error_detail d;
    memset(&d, 0, sizeof(d));
    s4c_frame_iter_init(&it, body.data, body.size);
    for (;;) {
        s4c_status st = s4c_frame_iter_next(&it, &fr, &has, &d);
        if (st != S4C_OK) {
            rc = s4_error(CLI_EXIT_DATA, d.message[0] ? d.message : s4c_strerror(st),
                          "parsing frame %zu of %s", n, path);
            break;
        }
        if (!has) break;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            frame_row *bigger = realloc(rows, ncap * sizeof(*rows));
            if (!bigger) {
                rc = s4_error(CLI_EXIT_DATA, "out of memory", "inspecting %s", path);
                break;
            }
            rows = bigger;
            cap = ncap;
        }
        rows[n].codec = fr.header.codec;
        rows[n].original = fr.header.original_size;
        rows[n].compressed = fr.header.compressed_size;
        rows[n].crc = fr.header.crc32c;
        n++;
        orig += fr.header.original_size;
        comp += fr.header.compressed_size;
        framed += S4C_FRAME_HEADER_BYTES + fr.header.compressed_size;
    }
    if (!rc) {
        uint64_t padding = body.size > framed ? body.size - framed : 0;
        if (json)
            print_json(rows, n, orig, comp, body.size, padding);
        else
            print_table(rows, n, orig, comp, body.size, padding);
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = cli_error(CLI_EXIT_IO, "stdout: write error: %s", strerror(errno));
    }
    free(rows);
    s4_file_close(&body);
    return rc;
}
