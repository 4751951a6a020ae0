/*
 * s4_index.c — `s4codec index SIDECAR [--json]`: S4's `s4-codec index`.
 * Decodes an S4IX sidecar (v1, v2 or v3) with every check of
 * s4c_index_decode() and prints its header fields and entries, as text (one
 * field per line, then a table) or as JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"
#include "s4_common.h"
#include "s4codec_index.h"

static const char help_text[] =
    "usage: s4codec index [--json] SIDECAR\n"
    "\n"
    "Prints an S4IX sidecar (the `<key>.s4index` object beside a multi-frame\n"
    "body): entry count, totals, the source object it is bound to (etag,\n"
    "compressed size), the SSE geometry, and one row per frame. Like S4's\n"
    "`s4-codec index`.\n"
    "\n"
    "      --json     one JSON object instead of the text\n"
    "  -h, --help     this help\n"
    "\n"
    "exit codes: 0 ok, 1 not a valid sidecar, 2 usage, 3 I/O error\n";

static void salt_hex(const s4c_sse_binding *s, char out[17]) {
    for (int i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02x", s->enc_salt[i]);
}

static void print_text(const s4c_index *ix) {
    size_t n = 0;
    const s4c_index_entry *e = s4c_index_entries(ix, &n);
    const char *etag;
    size_t etag_len;
    uint64_t src;
    s4c_sse_binding sse;
    printf("%-25s%zu\n", "entries:", n);
    printf("%-25s%llu\n", "total_original_size:", (unsigned long long)s4c_index_total_original(ix));
    printf("%-25s%llu\n", "total_padded_size:", (unsigned long long)s4c_index_total_padded(ix));
    if (s4c_index_source_etag(ix, &etag, &etag_len))
        printf("%-25s%.*s\n", "source_etag:", (int)etag_len, etag);
    else
        printf("%-25s%s\n", "source_etag:", "(none \xe2\x80\x94 legacy v1 or unbound sidecar)");
    if (s4c_index_source_compressed_size(ix, &src))
        printf("%-25s%llu\n", "source_compressed_size:", (unsigned long long)src);
    else
        printf("%-25s%s\n", "source_compressed_size:", "(none)");
    if (s4c_index_sse(ix, &sse)) {
        char salt[17];
        salt_hex(&sse, salt);
        printf("%-25schunk_size=%u chunk_count=%u key_id=%u salt=%s plaintext_len=%llu "
               "header_bytes=%u\n",
               "sse:", (unsigned)sse.enc_chunk_size, (unsigned)sse.enc_chunk_count,
               (unsigned)sse.enc_key_id, salt, (unsigned long long)sse.enc_plaintext_len,
               (unsigned)sse.enc_header_bytes);
    } else {
        printf("%-25s%s\n", "sse:", "none");
    }
    printf("\n%-6s %14s %14s %14s %14s\n", "IDX", "ORIG_OFFSET", "ORIG_SIZE", "COMP_OFFSET",
           "COMP_SIZE");
    for (size_t i = 0; i < n; i++)
        printf("%-6zu %14llu %14llu %14llu %14llu\n", i, (unsigned long long)e[i].original_offset,
               (unsigned long long)e[i].original_size, (unsigned long long)e[i].compressed_offset,
               (unsigned long long)e[i].compressed_size);
}

static void print_json(const s4c_index *ix) {
    size_t n = 0;
    const s4c_index_entry *e = s4c_index_entries(ix, &n);
    const char *etag;
    size_t etag_len;
    uint64_t src;
    s4c_sse_binding sse;
    printf("{\n  \"total_frames\": %zu,\n  \"total_original_size\": %llu,\n"
           "  \"total_padded_size\": %llu,\n  \"source_etag\": ",
           n, (unsigned long long)s4c_index_total_original(ix),
           (unsigned long long)s4c_index_total_padded(ix));
    if (s4c_index_source_etag(ix, &etag, &etag_len))
        s4_json_string(stdout, etag, etag_len);
    else
        fputs("null", stdout);
    if (s4c_index_source_compressed_size(ix, &src))
        printf(",\n  \"source_compressed_size\": %llu,\n  \"sse\": ", (unsigned long long)src);
    else
        printf(",\n  \"source_compressed_size\": null,\n  \"sse\": ");
    if (s4c_index_sse(ix, &sse)) {
        char salt[17];
        salt_hex(&sse, salt);
        printf("{\"enc_chunk_size\":%u,\"enc_chunk_count\":%u,\"enc_key_id\":%u,"
               "\"enc_salt\":\"%s\",\"enc_plaintext_len\":%llu,\"enc_header_bytes\":%u}",
               (unsigned)sse.enc_chunk_size, (unsigned)sse.enc_chunk_count,
               (unsigned)sse.enc_key_id, salt, (unsigned long long)sse.enc_plaintext_len,
               (unsigned)sse.enc_header_bytes);
    } else {
        fputs("null", stdout);
    }
    printf(",\n  \"entries\": [");
    for (size_t i = 0; i < n; i++)
        printf("%s\n    {\"original_offset\":%llu,\"original_size\":%llu,"
               "\"compressed_offset\":%llu,\"compressed_size\":%llu}",
               i ? "," : "", (unsigned long long)e[i].original_offset,
               (unsigned long long)e[i].original_size, (unsigned long long)e[i].compressed_offset,
               (unsigned long long)e[i].compressed_size);
    printf("%s]\n}\n", n ? "\n  " : "");
}

int cli_s4_index_main(int argc, char **argv) {
    int json = 0;
    const char *path = NULL;
    int parsed = s4_parse_json_operand(argc, argv, help_text, "SIDECAR", &json, &path);
    if (parsed >= 0) return parsed;
    s4_file f;
    int rc = s4_file_load(path, &f);
    if (rc) return rc;
    s4c_index *ix = NULL;
    s4c_error_detail d;
    memset(&d, 0, sizeof(d));
    s4c_status st = s4c_index_decode(f.data, f.size, &ix, &d);
    if (st != S4C_OK) {
        rc = s4_error(CLI_EXIT_DATA, d.message[0] ? d.message : s4c_strerror(st),
                      "decoding %s as an S4IX sidecar (expected a `<key>.s4index` object)", path);
    } else {
        if (json)
            print_json(ix);
        else
            print_text(ix);
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = cli_error(CLI_EXIT_IO, "stdout: write error: %s", strerror(errno));
    }
    s4c_index_free(ix);
    s4_file_close(&f);
    return rc;
}
